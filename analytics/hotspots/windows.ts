/**
 * Hot-spot forecasts for the windows tasking uses, at an area budget, and their rolling-origin
 * evaluation: the next 7, 14 or 28 days where records carry dates (`occurred_at`, e.g. the Chicago
 * events), or the next 1–3 months for month-resolution data (police.uk street records).
 *
 * Time is counted in units — days or months. A window of L units starting at origin O covers
 * [O, O + L); a year is Y = 365 days or 12 months. Every method ranks the study region from the
 * records before O only:
 * - `last-period` (baseline): records in the previous window [O − L, O);
 * - `last-year` (baseline, "12-month ranking"): records in [O − Y, O);
 * - `kde` (baseline): quartic kernel density of the records of [O − Y, O) at each area's centre
 *   (Chainey, Tompson & Uhlig 2008; kde.ts);
 * - `eb-blend`: shrunk rates of three windows blended with weights chosen on earlier windows (eb.ts);
 * - `hawkes` (dated records only): self-exciting intensity over a kernel background fitted on
 *   [O − 365, O) (hawkes.ts).
 * Scored on the records of [O, O + L) by hit rate, PAI and PEI* at the area budget (evaluate.ts).
 *
 * The budget is a share of the study region's area (the force area) or a number of km², turned
 * into a share of the region's km² (budgetShare). H3 resolution 10: the extract holds force cells
 * at resolutions 7–9 only, so the region is the 7 children (h3-js cellToChildren) of every
 * resolution-9 force cell, and records are placed in resolution-10 cells from their coordinates
 * (latLngToCell); children of a border cell may reach a little outside the force area.
 */
import { cellArea, cellToChildren, cellToLatLng, latLngToCell } from 'h3-js';
import type { QueryRunner } from '../runner';
import { monthKey, monthIndex } from '../shared/months';
import { hasColumn, tableExists } from '../shared/catalog';
import { readForceArea } from '../force-area';
import { areaColumn, monthlyTable, type AreaLevel, type MonthlyTable } from '../forecast/series';
import { insideForceAreaClause, studyRegion, type RegionArea, type RegionBasis } from './data';
import { evaluateRanking, type HotspotMetrics } from './evaluate';
import { defaultBandwidth, densityAt, localProjection, projectPoints, type Projection } from './kde';
import { ebBlendScores, windowCounts, type BlendMemo, type BlendWeights, type UnitSeries } from './eb';
import { fitHawkes, hawkesExpected, type HawkesFit } from './hawkes';
import { pairedLeadTest, type PairedLead } from './paired';

/** Area levels of the windowed forecasts: those of the extract plus H3 resolution 10 (derived). */
export type WindowLevel = AreaLevel | 'h3_r10';

/** A forecast window: 7, 14 or 28 days (dated records), or 1–3 months. */
export interface HotspotWindow {
	unit: 'day' | 'month';
	length: number;
}

/** An area budget: a share of the force area (0 < share ≤ 1) or an area in km². */
export type AreaBudget = { share: number } | { km2: number };

/** Parse "7d", "14d", "28d", "1m", "2m", "3m" (also "7 days", "1 month"). Throws a RangeError otherwise. */
export function parseWindow(text: string): HotspotWindow {
	const m = /^\s*(\d+)\s*(d|days?|m|months?)\s*$/i.exec(text);
	if (!m) throw new RangeError(`window must be 7d, 14d, 28d, 1m, 2m or 3m, got "${text}"`);
	const length = Number(m[1]);
	const unit = m[2].toLowerCase().startsWith('d') ? 'day' : 'month';
	if (unit === 'day' && ![7, 14, 28].includes(length)) throw new RangeError(`a window in days must be 7, 14 or 28, got ${length}`);
	if (unit === 'month' && !(length >= 1 && length <= 3)) throw new RangeError(`a window in months must be 1, 2 or 3, got ${length}`);
	return { unit, length };
}

/** Parse "5%", "0.05" (a share) or "2km2" / "2 km²" (an area). Throws a RangeError otherwise. */
export function parseBudget(text: string): AreaBudget {
	const km = /^\s*([\d.]+)\s*km(2|²)\s*$/i.exec(text);
	if (km) {
		const km2 = Number(km[1]);
		if (!(km2 > 0)) throw new RangeError(`an area budget in km² must be > 0, got "${text}"`);
		return { km2 };
	}
	const pct = /^\s*([\d.]+)\s*%\s*$/.exec(text);
	const share = pct ? Number(pct[1]) / 100 : Number(text);
	if (!(share > 0 && share <= 1)) throw new RangeError(`an area budget must be a share in (0, 1], a percentage like 5%, or km² like 2km2; got "${text}"`);
	return { share };
}

/**
 * The share of the region a budget stands for: a share as given; km² divided by the region's
 * total km². Throws a RangeError when km² are asked of a region with unknown sizes, or exceed it.
 */
export function budgetShare(budget: AreaBudget, region: readonly Pick<RegionArea, 'areaKm2'>[]): number {
	if ('share' in budget) {
		if (!(budget.share > 0 && budget.share <= 1)) throw new RangeError(`area share must be in (0, 1], got ${budget.share}`);
		return budget.share;
	}
	if (region.some((a) => a.areaKm2 === null)) throw new RangeError('the areas of this region have no known size, so a budget in km² cannot be applied: give a share of the area');
	const total = region.reduce((s, a) => s + a.areaKm2!, 0);
	if (!(budget.km2 <= total)) throw new RangeError(`the budget (${budget.km2} km²) is larger than the region (${total.toFixed(3)} km²)`);
	return budget.km2 / total;
}

/**
 * How many of the top-ranked areas a share of the region covers: areas are taken in ranked order
 * until their km² (or count, with unknown sizes) reaches share × total; the last one may be only
 * partly inside (`partial`, its fraction). Returns the areas touched, whole areas, and km² covered
 * (null with unknown sizes).
 */
export function budgetAreas(ranked: readonly Pick<RegionArea, 'areaKm2'>[], share: number): { areas: number; wholeAreas: number; partial: number; km2: number | null } {
	const sized = ranked.every((a) => a.areaKm2 !== null);
	const size = (a: Pick<RegionArea, 'areaKm2'>) => (sized ? a.areaKm2! : 1);
	const total = ranked.reduce((s, a) => s + size(a), 0);
	const target = share * total;
	let taken = 0;
	for (let i = 0; i < ranked.length; i++) {
		const s = size(ranked[i]);
		if (taken + s >= target - 1e-12) {
			const partial = s > 0 ? (target - taken) / s : 0;
			const whole = partial >= 1 - 1e-12 ? i + 1 : i;
			return { areas: i + 1, wholeAreas: whole, partial: partial >= 1 - 1e-12 ? 0 : partial, km2: sized ? target : null };
		}
		taken += s;
	}
	return { areas: ranked.length, wholeAreas: ranked.length, partial: 0, km2: sized ? total : null };
}

/** Units a year holds. */
export const YEAR_UNITS = { day: 365, month: 12 } as const;

const DAY_EXPR = `CAST(date_diff('day', DATE '1970-01-01', CAST(occurred_at AS DATE)) AS INTEGER)`;

/** Whether `table` has records with a date and time (day windows possible). */
export async function hasDates(runner: QueryRunner, table: MonthlyTable): Promise<boolean> {
	monthlyTable(table);
	if (!(await tableExists(runner, table)) || !(await hasColumn(runner, table, 'occurred_at'))) return false;
	const [r] = await runner.rows<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM (SELECT 1 FROM ${table} WHERE occurred_at IS NOT NULL LIMIT 1)`);
	return r.n > 0;
}

/** ISO date of a day number (days since 1970-01-01) or YYYY-MM of a month index. */
export function unitLabel(unit: HotspotWindow['unit'], u: number): string {
	return unit === 'day' ? new Date(u * 86_400_000).toISOString().slice(0, 10) : monthKey(u);
}

export interface WindowRegion {
	areas: RegionArea[];
	basis: RegionBasis | 'children of force area cells (resolution 9)';
	forceArea: string | null;
	warnings: string[];
}

/**
 * The study region at `level` as of the month `trainEnd`: studyRegion for the extract's levels;
 * for H3 resolution 10 the children of the resolution-9 force cells (module note), or, with no
 * force cells, the resolution-10 cells holding an in-force record up to trainEnd (warning).
 */
export async function windowRegion(runner: QueryRunner, table: MonthlyTable, level: WindowLevel, trainEnd: string): Promise<WindowRegion> {
	monthlyTable(table);
	if (level !== 'h3_r10') {
		const r = await studyRegion(runner, { table, level, trainEnd });
		return { areas: r.areas, basis: r.basis, forceArea: r.forceArea?.name ?? null, warnings: r.warnings };
	}
	const forceArea = await readForceArea(runner);
	const parents = forceArea && (await tableExists(runner, 'force_cells'))
		? ((await runner.columns(`SELECT DISTINCT h3 FROM force_cells WHERE resolution = 9 ORDER BY 1`)).h3 as string[])
		: [];
	let cells: string[];
	const warnings: string[] = [];
	let basis: WindowRegion['basis'];
	if (parents.length > 0) {
		cells = parents.flatMap((c) => cellToChildren(c, 10));
		basis = 'children of force area cells (resolution 9)';
	} else {
		const inside = await insideForceAreaClause(runner, table);
		const pts = await runner.columns(
			`SELECT DISTINCT longitude AS lon, latitude AS lat FROM ${table} WHERE longitude IS NOT NULL AND latitude IS NOT NULL AND month_index <= ? ${inside}`,
			[monthIndex(trainEnd)]
		);
		cells = [...new Set((pts.lon as number[]).map((lon, i) => latLngToCell(pts.lat[i] as number, lon, 10)))];
		basis = forceArea ? 'areas with records in the force area' : 'areas with records';
		warnings.push(`No resolution-9 force cells, so the study region is the ${cells.length} resolution-10 cells with a record up to ${trainEnd}.`);
	}
	cells.sort();
	const areas = cells.map((c): RegionArea => {
		const [lat, lon] = cellToLatLng(c);
		return { areaId: c, lon, lat, areaKm2: cellArea(c, 'km2'), centre: 'h3 cell centre' };
	});
	return { areas, basis, forceArea: forceArea?.name ?? null, warnings };
}

/** The records a windowed forecast reads, aggregated by place and time unit. */
export interface WindowData {
	unit: HotspotWindow['unit'];
	region: WindowRegion;
	/** Counts per area per unit, for [series.start, series.start + series.length). */
	series: UnitSeries;
	/** Located records: longitude, latitude, unit, records (for the kernel density). */
	points: { lon: Float64Array; lat: Float64Array; u: Int32Array; n: Float64Array };
	/** Dated records (day unit only): longitude, latitude, time in days since 1970-01-01, ascending. */
	events: { lon: Float64Array; lat: Float64Array; t: Float64Array } | null;
	/** The projection every distance is computed in (about the region's mean centre). */
	projection: Projection;
}

/**
 * Read the records of units [from, until) at `level` (records outside the force area never read;
 * nothing at or after `until`). Areas outside the region are dropped. `dataStart` is the first
 * unit with any record (before `until`).
 */
export async function loadWindowData(
	runner: QueryRunner,
	options: { table: MonthlyTable; level: WindowLevel; unit: HotspotWindow['unit']; from: number; until: number; region: WindowRegion; withEvents?: boolean }
): Promise<WindowData> {
	const { level, unit, from, until, region } = options;
	const table = monthlyTable(options.table);
	const inside = await insideForceAreaClause(runner, table);
	const uExpr = unit === 'day' ? DAY_EXPR : 'month_index';
	const dated = unit === 'day' ? 'AND occurred_at IS NOT NULL' : '';
	const areaExpr = level === 'h3_r10' ? 'NULL::VARCHAR' : areaColumn(table, level);
	const rows = await runner.columns(
		`SELECT ${areaExpr} AS area, longitude AS lon, latitude AS lat, ${uExpr} AS u, count(*)::BIGINT AS n FROM ${table}
		 WHERE ${uExpr} >= ? AND ${uExpr} < ? ${dated} ${inside} GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 2, 3`,
		[from, until]
	);
	const [first] = await runner.rows<{ s: number | null }>(`SELECT min(${uExpr}) AS s FROM ${table} WHERE ${uExpr} < ? ${dated} ${inside}`, [until]);
	const index = new Map(region.areas.map((a, i) => [a.areaId, i]));
	const length = Math.max(0, until - from);
	const counts = region.areas.map(() => new Float64Array(length));
	const k = (rows.u as number[]).length;
	const cellOf = new Map<string, string>();
	for (let r = 0; r < k; r++) {
		let area = rows.area[r] as string | null;
		const lon = rows.lon[r] as number | null;
		const lat = rows.lat[r] as number | null;
		if (level === 'h3_r10') {
			if (lon === null || lat === null) continue;
			const key = `${lon},${lat}`;
			area = cellOf.get(key) ?? latLngToCell(lat, lon, 10);
			cellOf.set(key, area);
		}
		const i = area === null ? undefined : index.get(area);
		if (i === undefined) continue;
		counts[i][(rows.u[r] as number) - from] += rows.n[r] as number;
	}
	const located = (rows.lon as (number | null)[]).map((v, r) => (v !== null && rows.lat[r] !== null ? r : -1)).filter((r) => r >= 0);
	const points = {
		lon: Float64Array.from(located, (r) => rows.lon[r] as number),
		lat: Float64Array.from(located, (r) => rows.lat[r] as number),
		u: Int32Array.from(located, (r) => rows.u[r] as number),
		n: Float64Array.from(located, (r) => rows.n[r] as number)
	};
	let events: WindowData['events'] = null;
	if (options.withEvents && unit === 'day') {
		const ev = await runner.columns(
			`SELECT longitude AS lon, latitude AS lat, epoch_ms(occurred_at)::DOUBLE / 86400000 AS t FROM ${table}
			 WHERE occurred_at IS NOT NULL AND longitude IS NOT NULL AND latitude IS NOT NULL AND ${uExpr} >= ? AND ${uExpr} < ? ${inside}
			 ORDER BY 3, 1, 2`,
			[from, until]
		);
		events = { lon: Float64Array.from(ev.lon as number[]), lat: Float64Array.from(ev.lat as number[]), t: Float64Array.from(ev.t as number[]) };
	}
	const centred = region.areas.filter((a) => a.lon !== null && a.lat !== null);
	const lon0 = centred.length ? centred.reduce((s, a) => s + a.lon!, 0) / centred.length : 0;
	const lat0 = centred.length ? centred.reduce((s, a) => s + a.lat!, 0) / centred.length : 0;
	const sized = region.areas.every((a) => a.areaKm2 !== null);
	return {
		unit,
		region,
		series: { start: from, length, counts, sizes: Float64Array.from(region.areas, (a) => (sized ? a.areaKm2! : 1)), dataStart: first?.s ?? until },
		points,
		events,
		projection: localProjection(lon0, lat0)
	};
}

/** What a method is, for the page: what it uses, its parameters, why it is there. */
export interface MethodExplanation {
	name: string;
	label: string;
	baseline: boolean;
	uses: string;
	parameters: string;
	why: string;
}

/** The methods of a windowed forecast, in table order. */
export const WINDOW_METHODS = ['eb-blend', 'hawkes', 'last-period', 'last-year', 'kde'] as const;
export type WindowMethodName = (typeof WINDOW_METHODS)[number];

/** Plain explanations of each method for a window (units and lengths filled in). */
export function explainMethods(window: HotspotWindow, tuneOrigins: number): MethodExplanation[] {
	const per = window.unit === 'day' ? `${window.length} days` : window.length === 1 ? 'month' : `${window.length} months`;
	const year = window.unit === 'day' ? '365 days' : '12 months';
	return [
		{
			name: 'eb-blend',
			label: 'Blended recent and long-run rates (empirical Bayes)',
			baseline: false,
			uses: `Records per area in the last ${per}, the last ${window.unit === 'day' ? `${3 * window.length} days` : `${3 * window.length} months`} and the last ${year}, each as a rate per km² shrunk towards the force-area mean (Poisson–gamma empirical Bayes, Marshall 1991; Clayton & Kaldor 1987).`,
			parameters: `Blend weights on a grid of quarters, chosen by the hit rate at this budget on the ${tuneOrigins} previous windows (each predicted from the data before it); never on the window predicted.`,
			why: 'Long windows are stable, short ones see change but are noisy; shrinkage damps the noise of small areas and short windows, and the data’s own past picks the mix.'
		},
		{
			name: 'hawkes',
			label: 'Self-exciting (near-repeat) model',
			baseline: false,
			uses: `Every dated record of the last 365 days: a fixed kernel-density background plus a boost near each recent record that fades with time (Mohler et al. 2011, 2015).`,
			parameters: 'Background rate μ, records triggered per record θ, mean delay 1/ω (days), spread σ (km): fitted by expectation–maximisation on the training records only.',
			why: 'Crime clusters in time as well as space (near repeats); this adds the short-term boost a density map misses. Dated records only.'
		},
		{
			name: 'last-period',
			label: window.unit === 'month' && window.length === 1 ? "Last month's counts" : `Counts in the last ${per}`,
			baseline: true,
			uses: `Records per area in the ${per} before the window.`,
			parameters: 'None.',
			why: 'The simplest forecast: what happened last time. Any method must beat it.'
		},
		{
			name: 'last-year',
			label: `${window.unit === 'day' ? '365-day' : '12-month'} ranking`,
			baseline: true,
			uses: `Records per area in the ${year} before the window.`,
			parameters: 'None.',
			why: 'The long-run ranking of places: stable, and hard to beat.'
		},
		{
			name: 'kde',
			label: 'Kernel density of counts',
			baseline: true,
			uses: `A quartic-kernel density surface of the last ${year}'s records, read at each area's centre (Chainey, Tompson & Uhlig 2008).`,
			parameters: "Bandwidth by ArcGIS's spatial Silverman rule from the same records (kde.ts).",
			why: 'The standard hot-spot map of crime analysts.'
		}
	];
}

/** One method's scores for the window starting at `origin`, from `data` before it only. */
export interface OriginScores {
	method: WindowMethodName;
	scores: Float64Array;
	/** eb-blend: the weights chosen (last period, three periods, year) and the origins they were chosen on. */
	weights?: BlendWeights;
	tunedOn?: string[];
	/** hawkes: the fitted parameters. */
	hawkes?: HawkesFit;
}

/**
 * Every method's scores (per region area) for the window [origin, origin + L), reading only units
 * before `origin` from `data`. `share` is the budget the eb-blend weights are tuned for.
 */
export function scoreOrigin(
	data: WindowData,
	window: HotspotWindow,
	origin: number,
	share: number,
	tuneOrigins: number,
	methods: readonly WindowMethodName[] = WINDOW_METHODS,
	memo?: BlendMemo
): OriginScores[] {
	const L = window.length;
	const Y = YEAR_UNITS[window.unit];
	// Everything below sees a copy of the data cut at the origin.
	const s = data.series;
	const cut = Math.max(0, Math.min(s.length, origin - s.start));
	const series: UnitSeries = { ...s, length: cut, counts: s.counts.map((c) => c.subarray(0, cut)), dataStart: Math.min(s.dataStart, origin) };
	const out: OriginScores[] = [];
	const areas = data.region.areas;
	const located = areas.map((a, i) => (a.lon !== null && a.lat !== null ? i : -1)).filter((i) => i >= 0);
	const targets = projectPoints(data.projection, { lon: located.map((i) => areas[i].lon!), lat: located.map((i) => areas[i].lat!), weight: located.map(() => 1) });
	for (const m of methods) {
		if (m === 'last-period') out.push({ method: m, scores: windowCounts(series, origin - L, origin) });
		else if (m === 'last-year') out.push({ method: m, scores: windowCounts(series, origin - Y, origin) });
		else if (m === 'eb-blend') {
			const { scores, choice } = ebBlendScores(series, origin, L, Y, share, tuneOrigins, memo);
			out.push({ method: m, scores, weights: choice.weights, tunedOn: choice.tunedOn.map((u) => unitLabel(window.unit, u)) });
		} else if (m === 'kde') {
			const p = data.points;
			// Records of the year by distinct location (the same weighted points, fewer of them).
			const byPlace = new Map<string, { lon: number; lat: number; n: number }>();
			for (let i = 0; i < p.u.length; i++) {
				if (p.u[i] < origin - Y || p.u[i] >= origin) continue;
				const key = `${p.lon[i]},${p.lat[i]}`;
				const at = byPlace.get(key);
				if (at) at.n += p.n[i];
				else byPlace.set(key, { lon: p.lon[i], lat: p.lat[i], n: p.n[i] });
			}
			const keep = [...byPlace.values()].sort((a, b) => a.lon - b.lon || a.lat - b.lat);
			const scores = new Float64Array(areas.length);
			if (keep.length > 0) {
				const pts = projectPoints(data.projection, { lon: keep.map((q) => q.lon), lat: keep.map((q) => q.lat), weight: keep.map((q) => q.n) });
				const h = Math.max(defaultBandwidth(pts).meters, 50);
				const d = densityAt(pts, targets, h);
				located.forEach((a, k) => (scores[a] = d[k]));
			}
			out.push({ method: m, scores });
		} else if (m === 'hawkes') {
			if (window.unit !== 'day' || !data.events) continue;
			const ev = data.events;
			const keep: number[] = [];
			for (let i = 0; i < ev.t.length; i++) if (ev.t[i] >= origin - 365 && ev.t[i] < origin) keep.push(i);
			const proj = projectPoints(data.projection, { lon: keep.map((i) => ev.lon[i]), lat: keep.map((i) => ev.lat[i]), weight: keep.map(() => 1) });
			const pts = { x: proj.x, y: proj.y, t: Float64Array.from(keep, (i) => ev.t[i]) };
			const fit = fitHawkes(pts, 365);
			const radiusKm = located.map((i) => Math.sqrt((areas[i].areaKm2 ?? 0) / Math.PI));
			const e = hawkesExpected(fit, pts, { x: targets.x, y: targets.y, radiusKm }, origin, L);
			const scores = new Float64Array(areas.length);
			located.forEach((a, k) => (scores[a] = e[k]));
			out.push({ method: m, scores, hawkes: fit });
		}
	}
	return out;
}

export interface WindowEvaluationRow {
	method: WindowMethodName;
	label: string;
	baseline: boolean;
	/** Means over the origins with records in the window (null if none). */
	hitRate: number | null;
	pai: number | null;
	peiStar: number | null;
	/** Per origin (the window's first day or month). */
	origins: Array<{ origin: string; metrics: HotspotMetrics; weights?: BlendWeights; hawkes?: Omit<HawkesFit, 'records' | 'days' | 'iterations'> }>;
}

export interface WindowEvaluation {
	window: HotspotWindow;
	level: WindowLevel;
	table: MonthlyTable;
	/** The share of the region the budget is, and its km² (null with unknown sizes). */
	share: number;
	budgetKm2: number | null;
	region: { areas: number; km2: number | null; basis: WindowRegion['basis']; forceArea: string | null; warnings: string[] };
	/** The first unit of each evaluated window. */
	origins: string[];
	rows: WindowEvaluationRow[];
	/**
	 * For each non-baseline method: its mean PAI ÷ each baseline's − 1 (0.05 = 5% better), and
	 * `paired`, the window-by-window comparison of its PAI with the baseline's (paired.ts: one-sided
	 * exact signed-rank test; a lead whose p is not below 0.05 is no evidence of doing better).
	 */
	gains: Array<{ method: WindowMethodName; baseline: WindowMethodName; paiGain: number | null; paired: PairedLead }>;
	explanations: MethodExplanation[];
	/** Milliseconds spent (reading data, ranking and scoring). */
	ms: number;
}

export interface WindowEvaluationOptions {
	table?: MonthlyTable;
	level: WindowLevel;
	window: HotspotWindow;
	budget: AreaBudget;
	/** Rolling origins evaluated; default 12. */
	origins?: number;
	/** Earlier windows the eb-blend weights are chosen on at each origin; default 6. */
	tuneOrigins?: number;
	/** The end of the data used (exclusive unit: day number or month index); default one past the last unit with data. */
	end?: number;
	methods?: readonly WindowMethodName[];
}

/** Units the evaluation reads before its first origin (a year, the tuning windows, three periods). */
function lookback(window: HotspotWindow, tuneOrigins: number): number {
	return YEAR_UNITS[window.unit] + (tuneOrigins + 3) * window.length;
}

/**
 * Rolling-origin evaluation of every method at one budget: origins O_k = end − k·L (k = origins …
 * 1, those with at least one unit of data before them), each window [O_k, O_k + L) ranked from the
 * records before O_k only and scored by hit rate, PAI and PEI* at the budget's share. The region is
 * the study region as of the first origin. Throws a RangeError for day windows on data without
 * dates, or a km² budget on areas of unknown size.
 */
export async function evaluateWindows(runner: QueryRunner, options: WindowEvaluationOptions): Promise<WindowEvaluation> {
	return (await evaluateWithData(runner, options)).evaluation;
}

/** evaluateWindows, also handing back the data it read (up to the end) for the forecast after it. */
async function evaluateWithData(runner: QueryRunner, options: WindowEvaluationOptions): Promise<{ evaluation: WindowEvaluation; data: WindowData; end: number; memo: BlendMemo }> {
	const started = performance.now();
	const table = monthlyTable(options.table ?? 'incidents');
	const { window, level } = options;
	const tuneOrigins = options.tuneOrigins ?? 6;
	const count = options.origins ?? 12;
	const uExpr = window.unit === 'day' ? DAY_EXPR : 'month_index';
	if (window.unit === 'day' && !(await hasDates(runner, table))) throw new RangeError(`the ${table} records have no dates and times: use a window in months`);
	const inside = await insideForceAreaClause(runner, table);
	const [last] = await runner.rows<{ e: number | null }>(`SELECT max(${uExpr}) AS e FROM ${table} WHERE ${window.unit === 'day' ? 'occurred_at IS NOT NULL' : 'true'} ${inside}`);
	if (last.e === null) throw new RangeError(`no ${table} records`);
	const end = options.end ?? last.e + 1;
	const [first] = await runner.rows<{ s: number | null }>(`SELECT min(${uExpr}) AS s FROM ${table} WHERE ${uExpr} < ? ${inside}`, [end]);
	const originsU: number[] = [];
	for (let k = count; k >= 1; k--) {
		const o = end - k * window.length;
		if (first.s !== null && o > first.s) originsU.push(o);
	}
	if (originsU.length === 0) throw new RangeError('not enough data for one origin');
	const firstMonth = window.unit === 'day' ? monthIndex(unitLabel('day', originsU[0] - 1).slice(0, 7)) : originsU[0] - 1;
	const region = await windowRegion(runner, table, level, monthKey(firstMonth));
	if (region.areas.length === 0) throw new RangeError('the study region is empty');
	const share = budgetShare(options.budget, region.areas);
	const methods = (options.methods ?? WINDOW_METHODS).filter((m) => m !== 'hawkes' || window.unit === 'day');
	const data = await loadWindowData(runner, { table, level, unit: window.unit, from: originsU[0] - lookback(window, tuneOrigins), until: end, region, withEvents: methods.includes('hawkes') });
	const explanations = explainMethods(window, tuneOrigins).filter((e) => methods.includes(e.name as WindowMethodName));
	const perMethod = new Map<WindowMethodName, WindowEvaluationRow['origins']>(methods.map((m) => [m, []]));
	const sized = region.areas.every((a) => a.areaKm2 !== null);
	const memo: BlendMemo = new Map();
	for (const o of originsU) {
		const actual = windowCounts(data.series, o, o + window.length);
		for (const r of scoreOrigin(data, window, o, share, tuneOrigins, methods, memo)) {
			const ranked = region.areas.map((a, i) => ({ areaId: a.areaId, score: r.scores[i], actual: actual[i], area: sized ? a.areaKm2! : undefined }));
			const [metrics] = evaluateRanking(ranked, [share]);
			const h = r.hawkes;
			perMethod.get(r.method)!.push({
				origin: unitLabel(window.unit, o),
				metrics,
				...(r.weights ? { weights: r.weights } : {}),
				...(h ? { hawkes: { mu: h.mu, theta: h.theta, omega: h.omega, sigmaKm: h.sigmaKm, backgroundBandwidth: h.backgroundBandwidth } } : {})
			});
		}
	}
	const rows = explanations.map((e): WindowEvaluationRow => {
		const list = perMethod.get(e.name as WindowMethodName)!;
		const counted = list.filter((x) => x.metrics.hitRate !== null);
		const avg = (f: (m: HotspotMetrics) => number) => (counted.length ? counted.reduce((t, x) => t + f(x.metrics), 0) / counted.length : null);
		return { method: e.name as WindowMethodName, label: e.label, baseline: e.baseline, hitRate: avg((m) => m.hitRate!), pai: avg((m) => m.pai!), peiStar: avg((m) => m.peiStar!), origins: list };
	});
	const gains: WindowEvaluation['gains'] = [];
	// Window by window (the same origins, the same share, so PAI and hit rate order alike): is the lead more than chance?
	const perOrigin = (r: WindowEvaluationRow) => r.origins.map((x) => x.metrics.pai);
	for (const r of rows.filter((x) => !x.baseline))
		for (const b of rows.filter((x) => x.baseline))
			gains.push({ method: r.method, baseline: b.method, paiGain: r.pai !== null && b.pai ? r.pai / b.pai - 1 : null, paired: pairedLeadTest(perOrigin(r), perOrigin(b)) });
	const km2 = sized ? region.areas.reduce((s, a) => s + a.areaKm2!, 0) : null;
	const evaluation: WindowEvaluation = {
		window,
		level,
		table,
		share,
		budgetKm2: km2 === null ? null : share * km2,
		region: { areas: region.areas.length, km2, basis: region.basis, forceArea: region.forceArea, warnings: region.warnings },
		origins: originsU.map((u) => unitLabel(window.unit, u)),
		rows,
		gains,
		explanations,
		ms: performance.now() - started
	};
	return { evaluation, data, end, memo };
}

export interface WindowRanking {
	method: WindowMethodName;
	label: string;
	/** Every area of the region, hottest first (equal scores by area id). */
	rows: Array<{ areaId: string; rank: number; score: number; areaKm2: number | null }>;
	/** The top areas the budget covers (the last one perhaps partly). */
	budgetAreas: ReturnType<typeof budgetAreas>;
	/** eb-blend weights / hawkes parameters used for this forecast. */
	weights?: BlendWeights;
	hawkes?: HawkesFit;
}

export interface HotspotForecast {
	/** The window forecast: its first and last unit (ISO date or YYYY-MM). */
	from: string;
	to: string;
	rankings: WindowRanking[];
	evaluation: WindowEvaluation;
	explanations: MethodExplanation[];
	ms: number;
}

/**
 * The page's entry point: for (runner, level, window, budget), every method's ranking of the
 * window right after the data (reading nothing after it: there is nothing), and the rolling-origin
 * evaluation table (hit rate, PAI, PEI* per method and baseline at the budget) with each method's
 * explanation. See evaluateWindows for the options.
 */
export async function hotspotForecast(runner: QueryRunner, options: WindowEvaluationOptions): Promise<HotspotForecast> {
	const started = performance.now();
	const { evaluation, data: evaluated, end: origin, memo: evaluatedMemo } = await evaluateWithData(runner, options);
	const table = options.table ?? 'incidents';
	const { window, level } = options;
	const tuneOrigins = options.tuneOrigins ?? 6;
	const methods = evaluation.rows.map((r) => r.method);
	// The evaluation read [first origin − lookback, end): the forecast's data, over the same region
	// when that is the force area's. A region of the areas with records is redrawn up to the end.
	let data = evaluated;
	let memo: BlendMemo | undefined = evaluatedMemo;
	if (evaluated.region.basis === 'areas with records' || evaluated.region.basis === 'areas with records in the force area') {
		const lastMonth = window.unit === 'day' ? monthIndex(unitLabel('day', origin - 1).slice(0, 7)) : origin - 1;
		const region = await windowRegion(runner, table, level, monthKey(lastMonth));
		data = await loadWindowData(runner, { table, level, unit: window.unit, from: origin - lookback(window, tuneOrigins), until: origin, region, withEvents: methods.includes('hawkes') });
		memo = undefined;
	}
	const region = data.region;
	const rankings = scoreOrigin(data, window, origin, evaluation.share, tuneOrigins, methods, memo).map((r): WindowRanking => {
		const order = region.areas.map((a, i) => i).sort((a, b) => r.scores[b] - r.scores[a] || (region.areas[a].areaId < region.areas[b].areaId ? -1 : 1));
		const rows = order.map((i, k) => ({ areaId: region.areas[i].areaId, rank: k + 1, score: r.scores[i], areaKm2: region.areas[i].areaKm2 }));
		return {
			method: r.method,
			label: evaluation.explanations.find((e) => e.name === r.method)!.label,
			rows,
			budgetAreas: budgetAreas(rows, evaluation.share),
			...(r.weights ? { weights: r.weights } : {}),
			...(r.hawkes ? { hawkes: r.hawkes } : {})
		};
	});
	return {
		from: unitLabel(window.unit, origin),
		to: unitLabel(window.unit, origin + window.length - 1),
		rankings,
		evaluation,
		explanations: evaluation.explanations,
		ms: performance.now() - started
	};
}
