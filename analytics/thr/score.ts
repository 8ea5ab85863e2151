/**
 * THR scores: raw component values from one set-based SQL pass (sql.ts), then in TypeScript the
 * shrinkage or credible excess, Risk input, normalisation (percentile ranks, or magnitudes on the
 * scale of the largest harm), exact contributions, ranks and bands. Works for any model that
 * passes the schema and {@link thrModelProblems}.
 *
 * Scope: records located outside the force area (`in_force_area = false`) are never read; the
 * areas scored are the model's scope ('harm-in-window', or every area of the declared force area
 * for 'force-area'), see {@link ScoreScope}.
 *
 * Exactness: every contribution is a whole number of score units of 2^−20 (≈ 0.95 × 10^−6):
 * contribution = round(normalised × weight × 2^20) / 2^20, score = Σ contributions. Sums of such
 * numbers are exact in binary floating point in any order (they are small integers times a
 * power of two), so `score === c1 + c2 + …` holds for every area, in JavaScript, in a
 * spreadsheet, in DuckDB; and their decimal expansions are finite, so {@link formatScore}
 * prints them exactly. Integer units (`scoreUnits`, `contributionUnits`) are also returned.
 */
import type { Columns, QueryRunner, Scalar } from '../runner';
import { servesReference, type HarmWeightsModel } from '../models/harm-weights';
import {
	AREA_COLUMNS,
	annualFactor,
	assertThrModel,
	bandRule,
	effectiveWeights,
	lookbackMonths,
	monthIndex,
	monthLabel,
	type AreaUnit,
	type EffectiveWeight,
	type ThrBand,
	type ThreatComponent,
	type ThrModel
} from './model';
import { componentSumsSql, hasForceAreaFlag, hasSubgroupColumn, inForceAreaCondition, repeatLocationSql, type ScopeAreas } from './sql';
import { binomialUpperTail, credibleExcess, estimateShrinkage, percentileRanks, rateRatioZ, shrunkRatio, stableOrderBy } from './stats';
import { readForceArea, recordPlacement } from '../force-area';
import { ident } from '../ingest/sql';
import { num } from '../shared/numbers';
import { tableExists } from '../shared/catalog';
import { listWords } from '../compare/periods';
import { riskInput, riskProviderFor, riskRunFor, type RiskEstimates, type RiskRequest } from './risk';
import {
	THR_AREA_MONTHS,
	aggregateFirstMonth,
	monthTotalsBesideGrid,
	withGridTotals,
	readAreaMonthGrid,
	sumsFromGrid,
	thrSource,
	type MonthTotals,
	type ThrSource
} from './area-months';
import type {
	AreaScore,
	ComponentDetail,
	ComponentRun,
	MonthColumns,
	Normalised,
	RankInput,
	RiskDetail,
	ScoreMonthsOptions,
	ScoreOptions,
	ScoreResult,
	ScoreScope,
	ScoreTrend,
	ThreatDetail,
	WeightsRef
} from './types';

/** The result types live in types.ts; re-exported so `./score` and the package index keep them. */
export type * from './types';

/** Score units per 1.0 of score: contributions are whole multiples of 1 / SCORE_UNITS. */
export const SCORE_UNITS = 2 ** 20;

/**
 * Score every area in scope for one assessment month from data up to and including that month.
 * See {@link scoreMonths}.
 */
export async function scoreMonth(runner: QueryRunner, options: ScoreOptions): Promise<ScoreResult> {
	const [result] = await scoreMonths(runner, { ...options, months: [options.month] });
	return result;
}

/**
 * Score every area in scope for each assessment month in `months` (one SQL pass for all of
 * them; results in the order given, duplicates removed). Each month uses only data up to and
 * including itself, and never a record located outside the force area. Areas in scope: with
 * scope 'harm-in-window', those with at least one incident counted towards harm in the model's
 * longest window (so excluded categories change no score at all); with 'force-area', every area
 * of the declared force area (areas without records score 0 on Harm), falling back to the former
 * with a warning when the extract declares none. Empty scope gives a result with no areas and a
 * warning. Throws a RangeError for a bad month or a model that is not usable with these weights.
 * For many months of many areas where only scores, ranks and bands are needed (a trend),
 * {@link scoreTrend} is several times cheaper.
 */
export async function scoreMonths(runner: QueryRunner, options: ScoreMonthsOptions): Promise<ScoreResult[]> {
	const fetched = await fetchRaw(runner, options);
	return fetched.order.map((m) => {
		const raw = rawMonth(fetched, m, true);
		const warnings = [...scopeWarningsOf(fetched, m), ...monthWarnings(fetched.model, m, fetched.ranges.get(m)!), ...raw.warnings];
		return assemble(fetched.model, fetched.table, fetched.weights, m, raw, fetched.ranges.get(m)!, warnings, scopeOf(fetched, m));
	});
}

/**
 * The same scores as {@link scoreMonths} (same SQL pass, same normalisation, ranks and bands)
 * as typed columns, without the per-area objects and explanation details: for a trend of every
 * area over many months. Use {@link areaTrend} to read one area's series.
 */
export async function scoreTrend(runner: QueryRunner, options: ScoreMonthsOptions): Promise<ScoreTrend> {
	const fetched = await fetchRaw(runner, options, false);
	const { model } = fetched;
	return {
		model,
		weightsRef: weightsRefOf(fetched.table),
		months: fetched.order.map((m): MonthColumns => {
			const raw = rawMonth(fetched, m, false);
			const norm = normalise(model, raw.areaIds, raw.raw);
			const n = raw.areaIds.length;
			const { order } = norm;
			// One loop per array type, so each stays monomorphic (a shared generic loop is several times slower).
			const pickF64 = (src: Float64Array) => {
				const out = new Float64Array(n);
				for (let r = 0; r < n; r++) out[r] = src[order[r]];
				return out;
			};
			const pickI32 = (src: Int32Array) => {
				const out = new Int32Array(n);
				for (let r = 0; r < n; r++) out[r] = src[order[r]];
				return out;
			};
			const band = new Uint8Array(n);
			for (let r = 0; r < n; r++) band[r] = norm.band[order[r]];
			return {
				month: monthLabel(m),
				monthIndex: m,
				areaIds: order.map((i) => raw.areaIds[i]),
				scoreUnits: pickI32(norm.scoreUnits),
				band,
				raw: raw.raw.map(pickF64),
				percentile: norm.percentiles.map(pickF64),
				normalised: norm.normalised.map(pickF64),
				contributionUnits: norm.units.map(pickI32),
				scope: scopeOf(fetched, m),
				warnings: [...scopeWarningsOf(fetched, m), ...monthWarnings(model, m, fetched.ranges.get(m)!), ...raw.warnings]
			};
		})
	};
}

/** One area's rank, score and band in each month of a trend; nulls where it was not in scope. */
export function areaTrend(trend: ScoreTrend, areaId: string): Array<{ month: string; rank: number | null; score: number | null; band: string | null }> {
	return trend.months.map((m) => {
		const i = m.areaIds.indexOf(areaId);
		return i < 0
			? { month: m.month, rank: null, score: null, band: null }
			: { month: m.month, rank: i + 1, score: m.scoreUnits[i] / SCORE_UNITS, band: trend.model.bands[m.band[i]].id };
	});
}

type RiskResults = Map<number, RiskEstimates>;

/** Everything read from the database for a set of months, before any per-month work. */
interface Fetched {
	model: ThrModel;
	table: HarmWeightsModel;
	weights: EffectiveWeight[];
	/** Months in the order asked for (duplicates removed). */
	order: number[];
	cols: SumColumns;
	repeats: Map<number, Columns>;
	risks: RiskResults;
	ranges: Map<number, { first: string | null; last: string | null }>;
	/** [start, end) of each month's rows in `cols`. */
	slices: Map<number, [number, number]>;
	/** The scope, without the month's record counts. */
	scope: ScoreScope;
	/** Records left out per month: outside the force area, and without a place. */
	leftOut: Map<number, { outside: number; unplaced: number }>;
	/** Warnings about the scope, shown with every month. */
	scopeWarnings: string[];
	/** Scope 'districts': the areas of the source's own area set, of which each month scores those the force area reaches; else null. */
	areaSet: number | null;
}

function scopeOf(fetched: Fetched, m: number): ScoreScope {
	const counts = fetched.leftOut.get(m) ?? { outside: 0, unplaced: 0 };
	const scope: ScoreScope = { ...fetched.scope, recordsOutside: counts.outside, recordsUnplaced: counts.unplaced };
	if (fetched.areaSet !== null) {
		scope.areasInForceArea = areasReached(fetched, m);
		scope.areaSet = fetched.areaSet;
	}
	return scope;
}

/** Scope 'districts': the areas of the set scored at month m (every area the force area reaches by m has a row). */
function areasReached(fetched: Fetched, m: number): number {
	const [start, end] = fetched.slices.get(m) ?? [0, 0];
	return end - start;
}

/**
 * The scope's warnings for month m: those of every month, and over an area set wider than the
 * force area, how many of its areas were left out and why (the hot-spot study region says the same).
 */
function scopeWarningsOf(fetched: Fetched, m: number): string[] {
	const set = fetched.areaSet;
	if (set === null) return fetched.scopeWarnings;
	const reached = areasReached(fetched, m);
	if (reached >= set) return fetched.scopeWarnings;
	return [
		...fetched.scopeWarnings,
		`the force area (${fetched.scope.forceName}) is listed in LSOAs, so the areas scored are the ${reached} of the ${set} areas of the source's own area set holding a record inside it up to ${monthLabel(m)}; the other ${set - reached} are left out, as records outside the force area are never read and they would be ranked as areas without harm`
	];
}

/**
 * Per assessment month, the records of `incidents` in the months the score reads (the longest
 * window) that it leaves out: located outside the force area, and with no area (no location).
 * Each record is counted once: one flagged outside the force area is not also counted as without
 * an area (a force area that is the source's own areas leaves such a record with no district too).
 */
async function leftOutRecords(runner: QueryRunner, model: ThrModel, months: readonly number[], forceFlag: boolean, source: ThrSource): Promise<Map<number, { outside: number; unplaced: number }>> {
	const area = ident(AREA_COLUMNS[model.scope.area_unit]);
	const lookback = lookbackMonths(model);
	// Records: one per row of incidents, `n` per row of the pre-aggregate.
	const records = (condition: string) =>
		source === THR_AREA_MONTHS ? `coalesce(sum(i.n) FILTER (WHERE ${condition}), 0)::BIGINT` : `count(i.month_index) FILTER (WHERE ${condition})::BIGINT`;
	const cols = await runner.columns(
		`SELECT t.m AS m,
			${records(forceFlag ? 'i.in_force_area = false' : 'false')} AS outside,
			${records(`i.${area} IS NULL${forceFlag ? ' AND i.in_force_area IS NOT false' : ''}`)} AS unplaced
		FROM (SELECT * FROM (VALUES ${months.map(() => '(CAST(? AS INTEGER))').join(', ')}) AS v(m)) t
		LEFT JOIN ${source === THR_AREA_MONTHS ? THR_AREA_MONTHS : 'incidents'} i ON i.month_index BETWEEN t.m - ? AND t.m
		GROUP BY t.m`,
		[...months, lookback - 1]
	);
	const out = new Map<number, { outside: number; unplaced: number }>();
	((cols.m ?? []) as number[]).forEach((m, j) => out.set(Number(m), { outside: num(cols.outside[j]), unplaced: num(cols.unplaced[j]) }));
	return out;
}

/** {@link leftOutRecords} from the pre-aggregate's month totals: the same window sums. */
function leftOutFromTotals(model: ThrModel, months: readonly number[], totals: MonthTotals): Map<number, { outside: number; unplaced: number }> {
	const lookback = lookbackMonths(model);
	const out = new Map<number, { outside: number; unplaced: number }>();
	for (const m of months) {
		let outside = 0;
		let unplaced = 0;
		totals.months.forEach((t, j) => {
			if (t >= m - (lookback - 1) && t <= m) {
				outside += totals.outside[j];
				unplaced += totals.unplaced[j];
			}
		});
		out.set(m, { outside, unplaced });
	}
	return out;
}

/** {@link dataRanges} from the pre-aggregate's month totals. */
function rangesFromTotals(months: readonly number[], totals: MonthTotals): Map<number, { first: string | null; last: string | null }> {
	const present = totals.months.filter((_, j) => totals.readable[j] > 0);
	return rangesOf(months, present);
}

/** The first month with readable records up to `last`, from the month totals. */
function firstFromTotals(totals: MonthTotals, last: number): number | null {
	for (let j = 0; j < totals.months.length; j++) if (totals.months[j] <= last && totals.readable[j] > 0) return totals.months[j];
	return null;
}

const H3_RESOLUTIONS: Partial<Record<AreaUnit, 7 | 8 | 9>> = { h3_r7: 7, h3_r8: 8, h3_r9: 9 };

/** How many cells of one resolution `force_cells` holds; 0 when the table is missing. */
async function forceCellCount(runner: QueryRunner, resolution: number): Promise<number> {
	if (!(await tableExists(runner, 'force_cells'))) return 0;
	const [c] = await runner.rows<{ n: number }>('SELECT count(DISTINCT h3) AS n FROM force_cells WHERE resolution = ?', [resolution]);
	return Number(c.n);
}

/** How many areas the extract's area set (`districts`) holds; 0 when the table is missing. */
async function districtCount(runner: QueryRunner): Promise<number> {
	if (!(await tableExists(runner, 'districts'))) return 0;
	const [c] = await runner.rows<{ n: number }>('SELECT count(DISTINCT district_id) AS n FROM districts');
	return Number(c.n);
}

/**
 * The areas a model scores on this database, the records left out, and what a reader must be
 * told: the declared force area (readForceArea), the placement of the incidents
 * (recordPlacement), and for scope 'force-area' which table lists its areas.
 */
async function resolveScope(
	runner: QueryRunner,
	model: ThrModel,
	source: Promise<ThrSource>
): Promise<{ scope: ScoreScope; scopeAreas: ScopeAreas; forceFlag: boolean; warnings: string[]; forceAreaCodes: string[]; areaSet: number | null }> {
	const [forceArea, forceFlag] = await Promise.all([readForceArea(runner), hasForceAreaFlag(runner)]);
	// Records flagged outside matter only when no force area is declared (a warning); counted then only.
	const outsideRecords = async () =>
		(await source) === THR_AREA_MONTHS
			? num((await runner.rows<{ n: number }>('SELECT coalesce(sum(n) FILTER (WHERE NOT in_force_area), 0)::BIGINT AS n FROM thr_area_months'))[0]?.n)
			: (await recordPlacement(runner, 'incidents')).outside;
	// The whole table's placement only decides a warning; each month counts its own window (leftOutRecords).
	const warnings: string[] = [];
	const unit = model.scope.area_unit;
	let scopeAreas: ScopeAreas = { kind: 'records' };
	let areasInForceArea: number | null = forceArea ? forceArea.areaCodes.length : null;
	let areaSet = 0;
	if (model.scope.areas === 'force-area') {
		const resolution = H3_RESOLUTIONS[unit];
		if (!forceArea) {
			warnings.push('no force area declared: scoring the areas with records in the window instead of a force area (build or import the data with its force area to score every area it polices, and only those)');
		} else if ((unit === 'lsoa' || unit === 'district') && forceArea.unit === unit) {
			scopeAreas = { kind: 'force-area' };
		} else if (unit === 'district' && (areaSet = await districtCount(runner)) > 0) {
			// A force area listed in LSOAs, scored over the extract's own area set: the areas of the
			// set holding a record inside the force area up to each assessment month (the hot-spot
			// study region's rule, analytics/force-area areaSetReachSql), counted per month.
			scopeAreas = { kind: 'districts' };
		} else if (resolution !== undefined && (await forceCellCount(runner, resolution)) > 0) {
			scopeAreas = { kind: 'force-cells', resolution };
			areasInForceArea = await forceCellCount(runner, resolution);
		} else {
			warnings.push(
				`the force area (${forceArea.name}) is listed in ${forceArea.unit === 'lsoa' ? 'LSOAs' : 'districts'}, not in ${unit === 'lsoa' ? 'LSOAs' : unit === 'district' ? 'districts (the extract has no district boundaries)' : `H3 cells at resolution ${resolution}`}: scoring the areas with records inside it instead of all of its areas`
			);
		}
	}
	if (forceFlag && !forceArea) {
		const outside = await outsideRecords();
		if (outside > 0) warnings.push(`${outside} records are flagged outside a force area that is not declared; they are not scored`);
	}
	return {
		scope: {
			method: scopeAreas.kind === 'records' ? 'areas-with-records' : 'force-area',
			forceName: forceArea?.name ?? null,
			areasInForceArea,
			recordsOutside: 0,
			recordsUnplaced: 0
		},
		scopeAreas,
		forceFlag,
		warnings,
		forceAreaCodes: forceArea?.areaCodes ?? [],
		areaSet: scopeAreas.kind === 'districts' ? areaSet : null
	};
}

/** Everything the months need from the database; `details` false when no per-area explanation will be read (a trend). */
async function fetchRaw(runner: QueryRunner, options: ScoreMonthsOptions, details = true): Promise<Fetched> {
	const { model, weights: table } = options;
	assertThrModel(model, table);
	const order = [...new Set(options.months.map(monthIndex))];
	const weights = effectiveWeights(model, table);
	// The source and the scope at once (their catalogue queries are independent round trips).
	const sourceOf = thrSource(runner, model, options.source ?? 'auto');
	const [source, resolved] = await Promise.all([sourceOf, resolveScope(runner, model, sourceOf)]);
	const { forceFlag, scopeAreas } = resolved;
	const empty: Fetched = {
		model,
		table,
		weights,
		order,
		cols: {},
		repeats: new Map(),
		risks: new Map(),
		ranges: new Map(),
		slices: new Map(),
		scope: resolved.scope,
		leftOut: new Map(),
		scopeWarnings: resolved.warnings,
		areaSet: resolved.areaSet
	};
	if (order.length === 0) return empty;
	let cols: SumColumns;
	let leftOut: Map<number, { outside: number; unplaced: number }>;
	let ranges: Map<number, { first: string | null; last: string | null }>;
	let areaMonths: RiskRequest['areaMonths'];
	if (source === THR_AREA_MONTHS) {
		// One pass over the pre-aggregate: every window, the forecast's panel and the scope are cut
		// from the grid in JavaScript, with the integers the SQL would add (area-months.ts).
		const last = Math.max(...order);
		const history = Math.max(lookbackMonths(model), ...model.components.map((c) => (c.kind === 'risk' && c.forecast ? c.forecast.history_months : 0)));
		// Both at once: the month totals read only the records the grid leaves out, and are
		// completed with the grid's (area-months.ts withGridTotals).
		const first = Math.min(...order) - history + 1;
		const [besideGrid, grid] = await Promise.all([monthTotalsBesideGrid(runner, last, forceFlag, first), readAreaMonthGrid(runner, { weights, first, last, forceAreaOnly: forceFlag })]);
		const totals = withGridTotals(besideGrid, grid);
		leftOut = leftOutFromTotals(model, order, totals);
		ranges = rangesFromTotals(order, totals);
		const scopeList = scopeAreas.kind === 'force-area' ? [...new Set(resolved.forceAreaCodes.filter((a) => a !== null))].sort(cmp) : null;
		cols = sumsFromGrid(model, grid, order, scopeList);
		areaMonths = { grid, firstDataMonth: async (upTo, forceOnly) => (Boolean(forceOnly) === forceFlag ? firstFromTotals(totals, upTo) : aggregateFirstMonth(runner, upTo, forceOnly)) };
	} else {
		leftOut = await leftOutRecords(runner, model, order, forceFlag, source);
		const subgroups = await hasSubgroupColumn(runner);
		const { sql, params } = componentSumsSql({ model, weights, months: order, forceFlag, scopeAreas, source, subgroups });
		cols = await runner.columns(sql, params);
		ranges = await dataRanges(runner, order, forceFlag, source);
	}
	const repeats = new Map<number, Columns>();
	for (const [i, c] of model.components.entries()) {
		if (c.kind !== 'repeat-location') continue;
		const q = repeatLocationSql({ model, weights, months: order, component: i, forceFlag });
		repeats.set(i, await runner.columns(q.sql, q.params));
	}
	const monthOf = (cols.month_index ?? []) as number[];
	const areaOf = (cols.area_id ?? []) as string[];
	const n = areaOf.length;

	// Risk inputs for all months at once, through the swappable provider.
	const risks: RiskResults = new Map();
	for (const [i, c] of model.components.entries()) {
		if (c.kind !== 'risk') continue;
		risks.set(
			i,
			await riskInput(
				{
					component: c,
					model,
					weights,
					runner,
					history: { monthIndex: monthOf, areaId: areaOf, harm: nums(cols[`c${i}_harm`], n), count: nums(cols[`c${i}_n`], n) },
					forceAreaOnly: forceFlag,
					source,
					areaMonths,
					details
				},
				options.risk ?? riskProviderFor(c)
			)
		);
	}
	// Rows come ordered by month, then area.
	const slices = new Map<number, [number, number]>();
	let start = 0;
	for (const m of order.slice().sort((a, b) => a - b)) {
		let end = start;
		while (end < n && monthOf[end] === m) end++;
		slices.set(m, [start, end]);
		start = end;
	}
	return { ...empty, cols, repeats, risks, leftOut, ranges, slices };
}

/** Raw values of one month's areas, before normalisation. */
interface RawMonth {
	areaIds: string[];
	/** raw[k][i]: component k, area i. */
	raw: Float64Array[];
	/** details[k][i]; empty arrays when not asked for. */
	details: ComponentDetail[][];
	runs: ComponentRun[];
	/** Things the month's components need said (e.g. Threat with too short a baseline). */
	warnings: string[];
}

function rawMonth(fetched: Fetched, m: number, withDetails: boolean): RawMonth {
	const { model, cols } = fetched;
	const [start, end] = fetched.slices.get(m)!;
	const count = end - start;
	const areaIds = ((cols.area_id ?? []) as string[]).slice(start, end);
	const raw: Float64Array[] = [];
	const details: ComponentDetail[][] = [];
	const runs: ComponentRun[] = [];
	const warnings: string[] = [];
	model.components.forEach((c, k) => {
		const values = new Float64Array(count);
		const detail: ComponentDetail[] = withDetails ? new Array(count) : [];
		const run: ComponentRun = {
			id: c.id,
			kind: c.kind,
			label: c.label,
			unit: c.unit,
			weight: c.weight,
			from: monthLabel(m - c.window_months + 1),
			to: monthLabel(m)
		};
		const factor = c.normalisation.method === 'magnitude' ? annualFactor(c) : null;
		if (factor !== null) run.annualFactor = factor;
		const slice: ComponentSlice = { fetched, m, k, start, count, areaIds, withDetails, values, detail, run, warnings };
		switch (c.kind) {
			case 'harm':
				rawHarm(slice);
				break;
			case 'threat':
				rawThreat(slice, c);
				break;
			case 'risk':
				rawRisk(slice);
				break;
			case 'repeat-location':
				rawRepeatLocation(slice);
				break;
			default:
				throw unknownKind(c);
		}
		raw.push(values);
		details.push(detail);
		runs.push(run);
	});
	return { areaIds, raw, details, runs, warnings };
}

/**
 * One component's share of {@link rawMonth}: the month `m`'s rows [start, start + count) of the
 * fetched columns (component index `k`); the raw-value functions below fill `values`, `detail`
 * (when `withDetails`), `run` and `warnings` in place.
 */
interface ComponentSlice {
	fetched: Fetched;
	m: number;
	k: number;
	start: number;
	count: number;
	areaIds: string[];
	withDetails: boolean;
	values: Float64Array;
	detail: ComponentDetail[];
	run: ComponentRun;
	warnings: string[];
}

/** A component kind no raw-value function handles: a compile error at the switch, and thrown if a model file reaches here anyway. */
function unknownKind(c: never): Error {
	return new Error(`unknown THR component kind ${JSON.stringify((c as { kind?: unknown }).kind)}`);
}

/** Harm: CCHI days in the window. */
function rawHarm({ fetched: { cols }, k, start, count, withDetails, values, detail }: ComponentSlice): void {
	const harm = cols[`c${k}_harm`];
	const inc = cols[`c${k}_n`];
	for (let i = 0; i < count; i++) {
		values[i] = num(harm[start + i]);
		if (withDetails) detail[i] = { kind: 'harm', incidents: num(inc[start + i]) };
	}
}

/** Threat: credible excess (v3) or the shrunk recent/expected harm ratio (v1/v2), with the months behind it. */
function rawThreat({ fetched, m, k, start, count, withDetails, values, detail, run, warnings }: ComponentSlice, c: ThreatComponent): void {
	const { cols } = fetched;
	const dataFirst = fetched.ranges.get(m)?.first ?? null;
	const R = c.recent_months;
	const windowBaseline = c.window_months - R;
	// v3 counts only the baseline months the data covers; v1/v2 the whole baseline.
	const baselineStart = m - c.window_months + 1;
	const covered = dataFirst === null ? 0 : Math.max(0, Math.min(windowBaseline, m - R - Math.max(baselineStart, monthIndex(dataFirst)) + 1));
	const B = c.excess ? covered : windowBaseline;
	const active = !c.excess || B >= c.excess.min_baseline_months;
	if (c.excess && !active) {
		warnings.push(
			`${c.label}: only ${B} month${B === 1 ? '' : 's'} of data before the recent ${R} (fewer than ${c.excess.min_baseline_months}), so there is no baseline to compare with: Threat is 0 for every area`
		);
	}
	const rn = cols[`c${k}_recent_n`];
	const bn = cols[`c${k}_base_n`];
	const rh = cols[`c${k}_recent_harm`];
	const bh = cols[`c${k}_base_harm`];
	const recent = new Float64Array(count);
	const expected = new Float64Array(count);
	for (let i = 0; i < count; i++) {
		recent[i] = num(rn[start + i]);
		expected[i] = B > 0 ? (num(bn[start + i]) * R) / B : 0;
	}
	const shrinkage = c.shrinkage ? estimateShrinkage({ recent, expected, recentMonths: R, baselineMonths: B }) : undefined;
	// The tests depend on the two counts only (R, B and the level are the month's): each distinct
	// pair is worked out once — national scale has many areas with the same small counts.
	// Keyed by one number when both counts are whole and below 2^26 (exact), else by their text.
	const tests = new Map<number | string, { pOneSided: number; thetaLower: number | null }>();
	const countTest = (recentCount: number, baselineCount: number, p0: number) => {
		const key =
			Number.isInteger(recentCount) && Number.isInteger(baselineCount) && recentCount >= 0 && baselineCount >= 0 && recentCount < 2 ** 26 && baselineCount < 2 ** 26
				? recentCount * 2 ** 26 + baselineCount
				: `${recentCount}:${baselineCount}`;
		let t = tests.get(key);
		if (!t) {
			const e = active
				? credibleExcess({ recent: recentCount, baseline: baselineCount, recentMonths: R, baselineMonths: B, expectedHarm: 0, level: c.excess!.confidence_level })
				: { pOneSided: binomialUpperTail(recentCount, recentCount + baselineCount, p0), thetaLower: null };
			tests.set(key, (t = { pOneSided: e.pOneSided, thetaLower: e.thetaLower }));
		}
		return t;
	};
	for (let i = 0; i < count; i++) {
		const recentCount = recent[i];
		const baselineCount = num(bn[start + i]);
		const recentHarm = num(rh[start + i]);
		const baselineHarm = num(bh[start + i]);
		const expectedHarm = B > 0 ? (baselineHarm * R) / B : 0;
		const incidents = recentCount + baselineCount;
		const meanWeight = incidents > 0 ? (recentHarm + baselineHarm) / incidents : 0;
		const p0 = B > 0 ? R / (R + B) : 1;
		let excess: ReturnType<typeof credibleExcess> | null = null;
		if (c.excess) {
			// credibleExcess's own rule for the excess, from the pair's test.
			const t = countTest(recentCount, baselineCount, p0);
			const value = t.thetaLower !== null && expectedHarm > 0 && t.thetaLower > 1 ? (t.thetaLower - 1) * expectedHarm : 0;
			values[i] = value;
			if (withDetails) excess = { ...t, excess: value };
		} else {
			values[i] = shrunkRatio({ recentHarm, expectedHarm, meanWeight, alpha: shrinkage!.alpha });
		}
		if (withDetails) {
			const d: ThreatDetail = {
				kind: 'threat',
				recentCount,
				baselineCount,
				baselineMonths: B,
				expectedCount: expected[i],
				recentHarm,
				baselineHarm,
				expectedHarm,
				rawRatio: expectedHarm > 0 ? recentHarm / expectedHarm : null,
				meanWeight,
				z: B > 0 ? rateRatioZ({ recent: recentCount, baseline: baselineCount, recentMonths: R, baselineMonths: B }) : 0,
				pOneSided: excess ? excess.pOneSided : binomialUpperTail(recentCount, incidents, p0)
			};
			if (excess) {
				d.thetaLower = excess.thetaLower;
				d.excess = excess.excess;
			}
			detail[i] = d;
		}
	}
	run.recent = { from: monthLabel(m - R + 1), to: monthLabel(m) };
	run.baseline = { from: monthLabel(m - c.window_months + 1), to: monthLabel(m - R) };
	if (shrinkage) run.shrinkage = shrinkage;
	if (c.excess) run.excess = { level: c.excess.confidence_level, baselineMonths: B, active };
}

/** Risk: the expected harm its provider estimated (forecast or stand-in). */
function rawRisk({ fetched: { cols, risks }, m, k, start, count, withDetails, values, detail, run }: ComponentSlice): void {
	const est = risks.get(k)!;
	const harm = cols[`c${k}_harm`];
	const inc = cols[`c${k}_n`];
	const riskRun = riskRunFor(est, m);
	const method = riskRun ? `forecast: ${riskRun.method}` : est.method;
	for (let i = 0; i < count; i++) {
		values[i] = est.expected[start + i];
		if (withDetails) {
			const d: RiskDetail = {
				kind: 'risk',
				method,
				expected: est.expected[start + i],
				low: est.low[start + i],
				high: est.high[start + i],
				level: est.level,
				windowHarm: num(harm[start + i]),
				windowIncidents: num(inc[start + i])
			};
			const h = est.history?.[start + i];
			if (h) d.history = h;
			if (riskRun) d.run = riskRun;
			detail[i] = d;
		}
	}
	run.riskMethod = method;
	run.riskLevel = est.level;
	if (riskRun) run.riskRun = riskRun;
}

/** Repeat location: share of located incidents at a location with an earlier one in the window. */
function rawRepeatLocation({ fetched: { repeats }, m, k, count, areaIds, withDetails, values, detail }: ComponentSlice): void {
	const rep = repeats.get(k)!;
	const found = new Map<string, number>();
	(rep.area_id as string[]).forEach((a, j) => {
		if (rep.month_index[j] === m) found.set(a, j);
	});
	for (let i = 0; i < count; i++) {
		const j = found.get(areaIds[i]);
		const repeatIncidents = j === undefined ? 0 : num(rep.repeat_n[j]);
		const locatedIncidents = j === undefined ? 0 : num(rep.located_n[j]);
		values[i] = locatedIncidents > 0 ? repeatIncidents / locatedIncidents : 0;
		if (withDetails) detail[i] = { kind: 'repeat-location', repeatIncidents, locatedIncidents };
	}
}

function monthWarnings(model: ThrModel, m: number, dataRange: { first: string | null; last: string | null }): string[] {
	const warnings: string[] = [];
	if (dataRange.last === null) warnings.push(`no records up to ${monthLabel(m)}: nothing to score`);
	else {
		if (dataRange.last !== monthLabel(m)) warnings.push(`no records in ${monthLabel(m)} itself: the latest month with records is ${dataRange.last}`);
		const zero = monthsBeforeDataWarning(model, m, dataRange.first!);
		if (zero) warnings.push(zero);
		for (const c of model.components) {
			if (c.kind !== 'threat' || !c.excess) continue;
			const baselineStart = monthLabel(m - c.window_months + 1);
			const baselineEnd = monthLabel(m - c.recent_months);
			if (dataRange.first! > baselineStart && dataRange.first! <= baselineEnd) {
				const covered = m - c.recent_months - monthIndex(dataRange.first!) + 1;
				if (covered >= c.excess.min_baseline_months) {
					warnings.push(
						`${c.label} compares the last ${c.recent_months} months with the ${covered} baseline months that have data (${dataRange.first}…${baselineEnd}), not ${c.window_months - c.recent_months}`
					);
				}
			}
		}
	}
	return warnings;
}

/**
 * The warning when the data starts inside a window, naming what is and is not understated for
 * this model: a sum over the window (Harm's total, a repeat-location share) and a mean dividing
 * by the whole window (the stand-in Risk) count the months before the data as zero; a v1/v2
 * Threat divides its baseline by all its months, so its expected harm is understated and the
 * ratio overstated; a credible-excess Threat counts only the baseline months with data (and
 * warns on its own), and a forecast Risk reads its history from the first month with data.
 * Under magnitude normalisation the divisor, the largest 12-month Harm, is understated with Harm.
 * Null when no window the model reads reaches before the data.
 */
function monthsBeforeDataWarning(model: ThrModel, m: number, first: string): string | null {
	const reachesBefore = (months: number) => first > monthLabel(m - months + 1);
	const totals: string[] = [];
	const baselines: string[] = [];
	const dataOnly: string[] = [];
	let longest = 0;
	let harmUnderstated = false;
	for (const c of model.components) {
		if (c.kind === 'threat' && c.excess) {
			if (reachesBefore(c.window_months)) dataOnly.push(c.label);
			continue;
		}
		if (c.kind === 'risk' && c.method === 'forecast') {
			if (reachesBefore(c.forecast?.history_months ?? c.window_months)) dataOnly.push(c.label);
			continue;
		}
		if (!reachesBefore(c.window_months)) continue;
		longest = Math.max(longest, c.window_months);
		if (c.kind === 'harm') {
			harmUnderstated = true;
			totals.push(`the ${c.window_months}-month ${c.label} total`);
		} else if (c.kind === 'risk') totals.push(`the ${c.window_months}-month mean of ${c.label}`);
		else if (c.kind === 'threat') baselines.push(`the ${c.window_months - c.recent_months}-month baseline of ${c.label}`);
		else totals.push(`${c.label} over its ${c.window_months} months`);
	}
	if (longest === 0) return null;
	const parts: string[] = [];
	if (totals.length > 0) {
		const reference =
			harmUnderstated && model.components.some((c) => c.normalisation.method === 'magnitude')
				? ' (and so is the largest 12-month Harm that every magnitude is divided by)'
				: '';
		parts.push(`${listWords(totals)}, which ${totals.length === 1 ? 'is' : 'are'} understated${reference}`);
	}
	if (baselines.length > 0) parts.push(`${listWords(baselines)}, so ${baselines.length === 1 ? 'its' : 'their'} expected harm is understated and the ratio overstated`);
	const rest = dataOnly.length > 0 ? `; ${listWords(dataOnly)} ${dataOnly.length === 1 ? 'uses' : 'use'} only the months with data` : '';
	return `the data starts in ${first}, after the start of the longest window (${monthLabel(m - longest + 1)}): months before it count as zero in ${parts.join(', and in ')}${rest}`;
}

/**
 * The divisor of magnitude normalisation: the largest 12-month harm of any area (the model's
 * first Harm component, × 12 ÷ its window), CCHI days; null when no component uses magnitude.
 */
export function magnitudeReference(model: ThrModel, raw: readonly ArrayLike<number>[]): number | null {
	if (!model.components.some((c) => c.normalisation.method === 'magnitude')) return null;
	const k = model.components.findIndex((c) => c.kind === 'harm');
	const factor = annualFactor(model.components[k])!;
	let max = 0;
	for (let i = 0; i < raw[k].length; i++) max = Math.max(max, raw[k][i] * factor);
	return max;
}

/**
 * Normalised value of one raw value (pure, the engine's own rule): under magnitude
 * normalisation min(1, raw × annual factor ÷ reference), 0 when the reference is 0; under
 * percentile-rank the caller's percentile.
 */
export function magnitude(raw: number, factor: number, reference: number): number {
	if (!(reference > 0)) return 0;
	return Math.min(1, (raw * factor) / reference);
}

/** Contribution units of a normalised value: round(normalised × weight × 2^20). */
export function contributionUnitsOf(normalised: number, weight: number): number {
	return Math.round(normalised * weight * SCORE_UNITS);
}

/** The component whose raw value is each area's expected harm next month, for cumulative bands: the first Risk, else the first Harm. */
export function expectedHarmComponent(model: ThrModel): number {
	const risk = model.components.findIndex((c) => c.kind === 'risk');
	return risk >= 0 ? risk : model.components.findIndex((c) => c.kind === 'harm');
}

/**
 * Band index of each area under the model's band rule, given the rank order. Score thresholds:
 * the first band whose min_score the score reaches. Cumulative expected harm: walking down the
 * ranking, an area with expected harm e > 0 joins the first band whose cumulative_share × total
 * the areas before it have not yet reached (then adds e); an area with e = 0, or every area when
 * the total is 0, gets the last band. Returns the bands and the total (null for thresholds).
 */
export function assignBands(model: ThrModel, scoreUnits: ArrayLike<number>, order: readonly number[], expected: ArrayLike<number> | null): { band: Uint8Array; total: number | null } {
	const n = scoreUnits.length;
	const band = new Uint8Array(n);
	const last = model.bands.length - 1;
	if (bandRule(model) === 'score-thresholds') {
		for (let i = 0; i < n; i++) {
			const score = scoreUnits[i] / SCORE_UNITS;
			let b = 0;
			while (b < last && !(score >= model.bands[b].min_score!)) b++;
			band[i] = b;
		}
		return { band, total: null };
	}
	// Summed in rank order, the order the cumulative shares are read in.
	let total = 0;
	for (const i of order) total += expected![i] > 0 ? expected![i] : 0;
	let cumulative = 0;
	for (const i of order) {
		const e = expected![i];
		if (!(e > 0) || !(total > 0)) {
			band[i] = last;
			continue;
		}
		let b = 0;
		while (b < last && !(cumulative < model.bands[b].cumulative_share! * total)) b++;
		band[i] = b;
		cumulative += e;
	}
	return { band, total };
}

/**
 * The pure scoring of one month's raw values (area order): percentiles, normalised values,
 * contribution units, score units, rank order and bands, exactly as the engine computes them.
 * For what-if searches such as bandMoves; raw[k][i] is component k of area i.
 */
export function normaliseRaw(model: ThrModel, areaIds: readonly string[], raw: readonly Float64Array[]): Normalised {
	return normalise(model, areaIds, raw);
}

function normalise(model: ThrModel, areaIds: readonly string[], raw: readonly Float64Array[]): Normalised {
	const n = areaIds.length;
	const units: Int32Array[] = [];
	const percentiles: Float64Array[] = [];
	const normalised: Float64Array[] = [];
	const reference = magnitudeReference(model, raw);
	model.components.forEach((c, k) => {
		const norm = c.normalisation;
		const p = percentileRanks(raw[k], norm.method === 'percentile-rank' ? norm.ties : 'mid-rank');
		let v = p;
		if (norm.method === 'magnitude') {
			v = new Float64Array(n);
			const factor = annualFactor(c)!;
			for (let i = 0; i < n; i++) v[i] = magnitude(raw[k][i], factor, reference!);
		}
		const u = new Int32Array(n);
		for (let i = 0; i < n; i++) u[i] = contributionUnitsOf(v[i], c.weight);
		percentiles.push(p);
		normalised.push(v);
		units.push(u);
	});
	const scoreUnits = new Int32Array(n);
	for (const u of units) for (let i = 0; i < n; i++) scoreUnits[i] += u[i];
	const order = rankOrder(model, { areaIds, raw, scoreUnits });
	const cumulative = bandRule(model) === 'cumulative-expected-harm';
	const { band, total } = assignBands(model, scoreUnits, order, cumulative ? raw[expectedHarmComponent(model)] : null);
	return { percentiles, normalised, units, scoreUnits, order, band, reference, expectedHarmTotal: total };
}

/** Normalise, weigh, sum, band and rank, and build the per-area objects: the pure half of scoring. */
function assemble(
	model: ThrModel,
	table: Pick<HarmWeightsModel, 'id' | 'version' | 'unit'>,
	weights: EffectiveWeight[],
	m: number,
	month: RawMonth,
	dataRange: { first: string | null; last: string | null },
	warnings: string[],
	scope: ScoreScope
): ScoreResult {
	const n = month.areaIds.length;
	const { percentiles, normalised, units, scoreUnits, order, band, reference, expectedHarmTotal } = normalise(model, month.areaIds, month.raw);
	const bandCounts: Record<string, number> = Object.fromEntries(model.bands.map((b) => [b.id, 0]));
	const areas: AreaScore[] = new Array(n);
	order.forEach((i, r) => {
		const bandId = model.bands[band[i]].id;
		bandCounts[bandId]++;
		areas[r] = {
			areaId: month.areaIds[i],
			rank: r + 1,
			band: bandId,
			score: scoreUnits[i] / SCORE_UNITS,
			scoreUnits: scoreUnits[i],
			components: model.components.map((c, k) => ({
				id: c.id,
				kind: c.kind,
				raw: month.raw[k][i],
				percentile: percentiles[k][i],
				normalised: normalised[k][i],
				contribution: units[k][i] / SCORE_UNITS,
				contributionUnits: units[k][i],
				detail: month.details[k][i]
			}))
		};
	});
	return {
		model,
		weightsRef: weightsRefOf(table),
		weights,
		month: monthLabel(m),
		monthIndex: m,
		areaUnit: model.scope.area_unit,
		components: month.runs.map((r, k) => ({ ...r, weight: model.components[k].weight })),
		areas,
		bandCounts,
		scope,
		reference,
		expectedHarmTotal,
		dataRange,
		warnings
	};
}

/**
 * Recompute normalisation, contributions, bands and ranks of a result under `model`, reusing
 * its raw values (no SQL). For changes that leave the raw values alone: component weights, tie
 * handling, normalisation, bands (thresholds or shares), flag band, tie rule. `weights` is the
 * harm weight table `model` references (needed when its version label differs from the result's,
 * as for what-if copies); the categories it gives must be exactly those the result was scored
 * with. Throws a RangeError when the raw values would differ (components' ids, kinds or windows,
 * threat/risk parameters, exclusions, weights, scope).
 */
export function rescore(result: ScoreResult, { model, weights }: { model: ThrModel; weights?: HarmWeightsModel }): ScoreResult {
	assertThrModel(model, weights);
	const rawShape = (x: ThrModel) =>
		JSON.stringify({
			components: x.components.map((c) => ({ ...c, weight: 0, normalisation: null, label: '', description: '', unit: '' })),
			scope: x.scope,
			dataset: x.dataset
		});
	if (rawShape(model) !== rawShape(result.model)) {
		throw new RangeError('rescore: the model changes what the raw values depend on (components, windows or scope); score again instead');
	}
	let weightsRef = result.weightsRef;
	if (weights) {
		if (JSON.stringify(effectiveWeights(model, weights)) !== JSON.stringify(result.weights)) {
			throw new RangeError('rescore: the harm weights or exclusions differ from those the result was scored with; score again instead');
		}
		weightsRef = weightsRefOf(weights);
	} else if (!servesReference(model.harm_weights, { ...result.weightsRef, refines: result.weightsRef.refines && { ...result.weightsRef.refines, file: '', note: '' } })) {
		throw new RangeError(`rescore: the model references harm weights ${model.harm_weights.id} ${model.harm_weights.version}; pass that table`);
	} else if (JSON.stringify(model.exclusions) !== JSON.stringify(result.model.exclusions)) {
		throw new RangeError('rescore: the exclusions differ from those the result was scored with; score again instead');
	}
	const byArea = result.areas.slice().sort((a, b) => cmp(a.areaId, b.areaId));
	const month: RawMonth = {
		areaIds: byArea.map((a) => a.areaId),
		raw: model.components.map((_, k) => Float64Array.from(byArea, (a) => a.components[k].raw)),
		details: model.components.map((_, k) => byArea.map((a) => a.components[k].detail)),
		runs: result.components,
		warnings: []
	};
	return assemble(model, weightsRef, result.weights, result.monthIndex, month, result.dataRange, result.warnings, result.scope);
}

/** A result's reference to its harm weight table; `refines` only when the table declares one, so a table without it gives the same object as before. */
function weightsRefOf(table: Pick<HarmWeightsModel, 'id' | 'version' | 'unit'> & { refines?: { id: string; version: string } }): WeightsRef {
	const ref: WeightsRef = { id: table.id, version: table.version, unit: table.unit };
	if (table.refines) ref.refines = { id: table.refines.id, version: table.refines.version };
	return ref;
}

/** The band a score falls in under score thresholds: the first (highest) whose min_score it reaches. Cumulative-share bands depend on the ranking: read AreaScore.band. */
export function bandFor(bands: readonly ThrBand[], score: number): ThrBand {
	for (const b of bands) if (b.min_score !== undefined && score >= b.min_score) return b;
	return bands[bands.length - 1];
}

/**
 * Area indices in rank order by the model's tie rule: each key in turn ('score' = score
 * units, 'area_id', or a component id = its raw value), asc or desc. The rule ends with area_id,
 * so the order is total: the same inputs give the same ranks whatever order the rows came in.
 */
export function rankOrder(model: ThrModel, { areaIds, raw, scoreUnits }: RankInput): number[] {
	const n = areaIds.length;
	// Numeric keys as signed typed arrays (desc = negated), so the comparator is plain arithmetic;
	// area_id keys (null here) compare the strings.
	const order = model.tie_rule.order;
	const values: (Float64Array | null)[] = [];
	const signs: number[] = [];
	for (const { key, direction } of order) {
		const sign = direction === 'desc' ? -1 : 1;
		signs.push(sign);
		if (key === 'area_id') {
			values.push(null);
			continue;
		}
		const source = key === 'score' ? scoreUnits : raw[model.components.findIndex((c) => c.id === key)];
		const signed = new Float64Array(n);
		for (let i = 0; i < n; i++) signed[i] = sign * source[i];
		values.push(signed);
	}
	const keys = values.length;
	const radix = radixRankOrder(areaIds, values, signs);
	if (radix) return radix;
	const idx = new Array<number>(n);
	for (let i = 0; i < n; i++) idx[i] = i;
	idx.sort((a, b) => {
		for (let k = 0; k < keys; k++) {
			const v = values[k];
			const d = v === null ? signs[k] * cmp(areaIds[a], areaIds[b]) : v[a] - v[b];
			if (d !== 0) return d;
		}
		return 0;
	});
	return idx;
}

/**
 * {@link rankOrder} by stable radix sorts, key by key from the last numeric one to the first, for
 * a tie rule whose only string key is its last, `area_id`, when the areas come in strictly
 * ascending order of code (as every scoring lists them): the index is then the last key, so the
 * order is the comparator's exactly. −0 and +0 are made one value first (the comparator's
 * difference calls them equal). Null for any other case (NaN, unsorted areas): the comparator runs.
 */
function radixRankOrder(areaIds: readonly string[], values: readonly (Float64Array | null)[], signs: readonly number[]): number[] | null {
	const n = areaIds.length;
	const keys = values.length;
	if (keys === 0 || values[keys - 1] !== null || values.slice(0, -1).some((v) => v === null)) return null;
	for (let i = 1; i < n; i++) if (!(areaIds[i - 1] < areaIds[i])) return null;
	for (let k = 0; k < keys - 1; k++) {
		const v = values[k]!;
		for (let i = 0; i < n; i++) {
			if (Number.isNaN(v[i])) return null;
			v[i] += 0;
		}
	}
	// area_id ascending is the index order; descending, its reverse.
	let order: Uint32Array = new Uint32Array(n);
	for (let i = 0; i < n; i++) order[i] = signs[keys - 1] < 0 ? n - 1 - i : i;
	for (let k = keys - 2; k >= 0; k--) order = stableOrderBy(values[k]!, order);
	return Array.from(order);
}

/**
 * The exact decimal expansion of a number of score units (units ÷ 2^20), without trailing
 * zeros: 786432 → "0.75", 1 → "0.00000095367431640625", 0 → "0". Parsing it gives back exactly
 * the same floating-point number, so sums of parsed contributions equal the parsed score.
 */
export function formatScore(units: number): string {
	if (!Number.isSafeInteger(units)) throw new RangeError(`score units must be a whole number, got ${units}`);
	const negative = units < 0;
	// units / 2^20 = units × 5^20 / 10^20.
	const scaled = BigInt(Math.abs(units)) * 5n ** 20n;
	const digits = scaled.toString().padStart(21, '0');
	const whole = digits.slice(0, -20);
	const fraction = digits.slice(-20).replace(/0+$/, '');
	return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

async function dataRanges(runner: QueryRunner, months: number[], forceFlag: boolean, source: ThrSource): Promise<Map<number, { first: string | null; last: string | null }>> {
	// The months that have records (never counting records outside the force area), up to the
	// last assessment month; each month's range is then taken from those up to itself only (so
	// later data never changes it).
	const cols = await runner.columns(`SELECT DISTINCT month_index AS m FROM ${source === THR_AREA_MONTHS ? THR_AREA_MONTHS : 'incidents'} i WHERE month_index <= ? AND ${inForceAreaCondition('i', forceFlag)} ORDER BY 1`, [
		Math.max(...months)
	]);
	return rangesOf(months, ((cols.m ?? []) as number[]).map(Number));
}

/** Each month's first and last month with records, from the months that have them (ascending), up to itself only. */
function rangesOf(months: readonly number[], present: readonly number[]): Map<number, { first: string | null; last: string | null }> {
	return new Map(
		months.map((m) => {
			let last: number | null = null;
			for (const x of present) if (x <= m) last = x;
			const first = present.length && present[0] <= m ? present[0] : null;
			return [m, { first: first === null ? null : monthLabel(first), last: last === null ? null : monthLabel(last) }];
		})
	);
}

function cmp(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** `n` values as numbers; grown by push, since V8 makes `new Array(n)` of more than about 100,000 elements a slow dictionary. */
function nums(values: ArrayLike<Scalar> | undefined, n: number): number[] {
	const out: number[] = [];
	for (let i = 0; i < n; i++) out.push(num(values?.[i]));
	return out;
}

/** The window sums per (month, area) row: componentSumsSql's columns, or sumsFromGrid's (its sums as typed arrays). */
type SumColumns = Record<string, ArrayLike<Scalar>>;
