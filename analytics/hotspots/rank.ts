/**
 * Hot-spot predictions for the month after `trainEnd`: a score per area of the study region from
 * a ranking method, and the rolling evaluation of methods on held-back months.
 *
 * A method is any function from the context (runner, table, level, trainEnd, region) to a score
 * per area, higher meaning hotter. Four honest baselines are built in — last month's counts, a
 * kernel density surface of counts, last month's harm and 12 months' harm — and any other ranking
 * (the THR score of analytics/thr, say) plugs in the same way as a {@link HotspotMethod}. A method
 * must read nothing after `trainEnd`, and nothing located outside the force area.
 *
 * The evaluation measures either records (count) or harm (Σ records × harm weight, the THR model's
 * effective weights) captured in each held-back month by the top areas of each ranking.
 */
import type { QueryRunner } from '../runner';
import type { EffectiveWeight } from '../thr/model';
import { monthIndex, monthKey, type AreaLevel, type MonthlyTable } from '../forecast/series';
import { areaCounts, areaHarm, locatedPoints, studyRegion, type RegionArea, type StudyRegion } from './data';
import { evaluateRanking, type HotspotMetrics } from './evaluate';
import { defaultBandwidth, densityAt, localProjection, projectPoints } from './kde';

export interface HotspotContext {
	runner: QueryRunner;
	table: MonthlyTable;
	level: AreaLevel;
	/** Last month of data the method may read (YYYY-MM). */
	trainEnd: string;
	/** The areas of the study region, sorted by id (see studyRegion). */
	region: readonly RegionArea[];
	/** What the method's `prepare` returned for this evaluation, if it has one (see {@link HotspotMethod.prepare}). */
	prepared?: unknown;
}

/** What a method may compute once for all the origins of an evaluation. */
export interface PrepareContext {
	runner: QueryRunner;
	table: MonthlyTable;
	level: AreaLevel;
	/** Every origin's last month of data (YYYY-MM); each origin may read nothing after its own. */
	trainEnds: readonly string[];
}

export interface HotspotScores {
	/** Score per area id; areas of the region that are missing score 0. */
	scores: ReadonlyMap<string, number>;
	/** One line on how the scores were made (window, bandwidth …). */
	detail: string;
}

export interface HotspotMethod {
	/** Name used on the command line and in outputs, e.g. 'kde'. */
	name: string;
	/** Short plain name for tables and sentences, e.g. "Last month's harm"; default the name. */
	label?: string;
	description: string;
	/** True for the simple baselines every other method is compared against. */
	baseline: boolean;
	rank(context: HotspotContext): Promise<HotspotScores>;
	/**
	 * Optional: work for every origin of an evaluation done at once (THR scores all months in one
	 * SQL pass), handed back to `rank` as `context.prepared`. Each origin's part must depend only
	 * on data up to its own trainEnd, so the result is the same as ranking origin by origin.
	 */
	prepare?(context: PrepareContext): Promise<unknown>;
}

/** Last period: the area's record count in the month `trainEnd`. */
export function lastPeriodMethod(): HotspotMethod {
	return {
		name: 'last-period',
		label: "Last month's counts",
		description: "Last period's counts: records per area in the last month of training data",
		baseline: true,
		async rank(ctx) {
			const scores = await areaCounts(ctx.runner, { table: ctx.table, level: ctx.level, fromMonth: ctx.trainEnd, toMonth: ctx.trainEnd });
			return { scores, detail: `records in ${ctx.trainEnd}` };
		}
	};
}

export interface KdeOptions {
	/** Months of records (ending at trainEnd) in the surface; default 12. */
	lookbackMonths?: number;
	/** Fixed bandwidth in metres; default the rule in kde.ts. */
	bandwidthMeters?: number;
	/** Floor for the automatic bandwidth, metres (points all at one place give 0); default 50. */
	minimumBandwidthMeters?: number;
}

/**
 * Kernel density: the quartic-kernel density of the records of the last `lookbackMonths` months,
 * evaluated at each area's centre (see kde.ts for the kernel and bandwidth). Areas without a
 * centre score 0.
 */
export function kdeMethod(options: KdeOptions = {}): HotspotMethod {
	const lookback = options.lookbackMonths ?? 12;
	if (!(Number.isInteger(lookback) && lookback >= 1)) throw new RangeError(`lookbackMonths must be a positive integer, got ${lookback}`);
	return {
		name: 'kde',
		label: 'Kernel density of counts',
		description: 'Kernel density surface (quartic kernel) of recent records, at each area centre',
		baseline: true,
		async rank(ctx) {
			const fromMonth = monthKey(monthIndex(ctx.trainEnd) - lookback + 1);
			const pts = await locatedPoints(ctx.runner, { table: ctx.table, fromMonth, toMonth: ctx.trainEnd });
			const scores = new Map<string, number>();
			if (pts.lon.length === 0) return { scores, detail: `no located records in ${fromMonth} … ${ctx.trainEnd}` };
			const lon0 = pts.lon.reduce((s, v) => s + v, 0) / pts.lon.length;
			const lat0 = pts.lat.reduce((s, v) => s + v, 0) / pts.lat.length;
			const projection = localProjection(lon0, lat0);
			const points = projectPoints(projection, pts);
			const rule = defaultBandwidth(points);
			const h = options.bandwidthMeters ?? Math.max(rule.meters, options.minimumBandwidthMeters ?? 50);
			const located = ctx.region.filter((a) => a.lon !== null && a.lat !== null);
			const targets = projectPoints(projection, { lon: located.map((a) => a.lon!), lat: located.map((a) => a.lat!), weight: located.map(() => 1) });
			const density = densityAt(points, targets, h);
			located.forEach((a, i) => scores.set(a.areaId, density[i]));
			const how = options.bandwidthMeters ? 'fixed' : `rule: 0.9 × min(SD ${rule.standardDistance.toFixed(0)} m, 1.2011 × Dm ${rule.medianDistance.toFixed(0)} m) × n^-0.2, n = ${rule.records}`;
			return { scores, detail: `${rule.records} records in ${fromMonth} … ${ctx.trainEnd}; bandwidth ${h.toFixed(0)} m (${how})` };
		}
	};
}

export interface HarmMethodOptions {
	/** The categories harm counts, from the THR model's effectiveWeights (so harm means what it means in the score). */
	weights: readonly EffectiveWeight[];
}

/**
 * Last month's harm: Σ records × harm weight per area in the month `trainEnd` (CCHI days), the
 * harm counterpart of last period's counts. Street records (incidents) only.
 */
export function lastHarmMethod(options: HarmMethodOptions): HotspotMethod {
	return {
		name: 'last-harm',
		label: "Last month's harm",
		description: "Last month's harm: Σ records × harm weight per area in the last month of training data",
		baseline: true,
		async rank(ctx) {
			if (ctx.table !== 'incidents') throw new RangeError(`harm is measured on street records (incidents), not ${ctx.table}`);
			const scores = await areaHarm(ctx.runner, { level: ctx.level, fromMonth: ctx.trainEnd, toMonth: ctx.trainEnd, weights: options.weights });
			return { scores, detail: `harm in ${ctx.trainEnd}` };
		}
	};
}

/**
 * Harm over the last `months` months (default 12) ending at `trainEnd`: the Harm component of
 * THR on its own, ranked by size. Fewer months of data than that: the months there are.
 */
export function harmWindowMethod(options: HarmMethodOptions & { months?: number }): HotspotMethod {
	const months = options.months ?? 12;
	if (!(Number.isInteger(months) && months >= 1)) throw new RangeError(`months must be a positive integer, got ${months}`);
	return {
		name: `harm-${months}`,
		label: `${months}-month harm`,
		description: `Harm over the last ${months} months: Σ records × harm weight per area`,
		baseline: true,
		async rank(ctx) {
			if (ctx.table !== 'incidents') throw new RangeError(`harm is measured on street records (incidents), not ${ctx.table}`);
			const fromMonth = monthKey(monthIndex(ctx.trainEnd) - months + 1);
			const scores = await areaHarm(ctx.runner, { level: ctx.level, fromMonth, toMonth: ctx.trainEnd, weights: options.weights });
			return { scores, detail: `harm in ${fromMonth} … ${ctx.trainEnd}` };
		}
	};
}

/** The built-in count baselines by name (last period's counts, kernel density). */
export const BASELINE_HOTSPOT_METHODS: Readonly<Record<string, () => HotspotMethod>> = {
	'last-period': lastPeriodMethod,
	kde: () => kdeMethod()
};

/**
 * The baselines of a harm evaluation, in the order they are shown: last month's harm, 12-month
 * harm, last month's counts, kernel density of counts.
 */
export function harmBaselines(options: HarmMethodOptions & { kde?: KdeOptions }): HotspotMethod[] {
	return [lastHarmMethod(options), harmWindowMethod({ ...options, months: 12 }), lastPeriodMethod(), kdeMethod(options.kde)];
}

export interface RankedRow {
	areaId: string;
	/** 1 = hottest; ties in score are ordered by area id, so ranks are unique. */
	rank: number;
	score: number;
	method: string;
}

export interface HotspotPrediction {
	trainEnd: string;
	/** The month predicted (trainEnd + 1). */
	month: string;
	method: string;
	detail: string;
	region: RegionArea[];
	/** How the region was decided, the force area (null if none declared) and any warning (see studyRegion). */
	basis: StudyRegion['basis'];
	forceArea: StudyRegion['forceArea'];
	warnings: string[];
	/** Every area of the region, hottest first. */
	rows: RankedRow[];
}

export interface PredictOptions {
	table?: MonthlyTable;
	level: AreaLevel;
	trainEnd: string;
	method: HotspotMethod;
	/** A region computed already (e.g. shared by several methods); default studyRegion(). */
	region?: StudyRegion;
	/** What the method's `prepare` returned (evaluateHotspots passes it). */
	prepared?: unknown;
}

/**
 * Rank every area of the study region for the month after `trainEnd` with `method`. Areas the
 * method gives no score get 0; scores for areas outside the region are ignored. Throws a
 * RangeError naming the area when a method returns a non-finite score. An empty region gives no rows.
 */
export async function predictHotspots(runner: QueryRunner, options: PredictOptions): Promise<HotspotPrediction> {
	const table = options.table ?? 'incidents';
	const study = options.region ?? (await studyRegion(runner, { table, level: options.level, trainEnd: options.trainEnd }));
	const region = study.areas;
	const { scores, detail } = await options.method.rank({ runner, table, level: options.level, trainEnd: options.trainEnd, region, prepared: options.prepared });
	const rows = region.map((a) => {
		const score = scores.get(a.areaId) ?? 0;
		if (!Number.isFinite(score)) throw new RangeError(`${options.method.name}: score of ${a.areaId} is not a finite number (${score})`);
		return { areaId: a.areaId, score };
	});
	rows.sort((a, b) => b.score - a.score || (a.areaId < b.areaId ? -1 : a.areaId > b.areaId ? 1 : 0));
	return {
		trainEnd: options.trainEnd,
		month: monthKey(monthIndex(options.trainEnd) + 1),
		method: options.method.name,
		detail,
		region,
		basis: study.basis,
		forceArea: study.forceArea,
		warnings: study.warnings,
		rows: rows.map((r, i) => ({ ...r, rank: i + 1, method: options.method.name }))
	};
}

/** What a held-back month's outcome is measured in: records, or harm (Σ records × harm weight). */
export type HotspotMeasure = 'count' | 'harm';

export interface EvaluateOptions {
	table?: MonthlyTable;
	level: AreaLevel;
	/** Held-back months (YYYY-MM); each is predicted from the data up to the month before. */
	testMonths: readonly string[];
	methods: readonly HotspotMethod[];
	/** Default 1%, 5%, 10%, 20%. */
	areaShares?: readonly number[];
	/** 'count' (default): records captured. 'harm': harm captured, with `harmWeights`; street records only. */
	measure?: HotspotMeasure;
	/** The categories harm counts (THR model's effectiveWeights); required with measure 'harm'. */
	harmWeights?: readonly EffectiveWeight[];
}

/** One method's metrics at one area share, averaged over the test months with any records (or harm). */
export interface MeanMetrics {
	areaShare: number;
	/** Share of the month's records (or harm) captured; null when no month had any. */
	hitRate: number | null;
	/** hit rate / area share (harm-PAI with the harm measure). */
	pai: number | null;
	peiStar: number | null;
	/** Records (or harm, in the weights' unit) captured per month on average. */
	captured: number | null;
}

export interface MethodEvaluation {
	method: string;
	/** Plain name (the method's label). */
	label: string;
	baseline: boolean;
	measure: HotspotMeasure;
	/** Per area share: metrics averaged over the test months with records or harm (null if none). */
	mean: MeanMetrics[];
	/** Per test month: the metrics at each share. */
	months: Array<{ month: string; metrics: HotspotMetrics[] }>;
	/** For a non-baseline method: the baselines whose mean hit rate is at least its own, per share (so it does not beat them). */
	notBetterThan: Array<{ areaShare: number; baselines: string[] }>;
}

/**
 * Rolling evaluation on held-back months: for each test month M, every method ranks the study
 * region (the force area; see studyRegion) from data up to M − 1 only, and is scored against M's
 * records or harm with evaluateRanking (hit rate, PAI, PEI* at each area share; area shares use
 * each area's km² when every area's is known, else equal areas). Records located outside the force
 * area are never read, in training or test months. Without a declared force area the region is the
 * areas with records before M, and records of M in areas new to it are left out of N (no method
 * could capture them). A non-baseline method "does not beat" a baseline at a share when the
 * baseline's mean hit rate is greater than or equal to its own. Throws a RangeError for an empty
 * list of test months, or for the harm measure without weights or on a table other than incidents.
 */
export async function evaluateHotspots(runner: QueryRunner, options: EvaluateOptions): Promise<MethodEvaluation[]> {
	const table = options.table ?? 'incidents';
	const shares = options.areaShares ?? [0.01, 0.05, 0.1, 0.2];
	const measure = options.measure ?? 'count';
	if (options.testMonths.length === 0) throw new RangeError('evaluateHotspots: no test months');
	if (measure === 'harm' && !options.harmWeights) throw new RangeError('evaluateHotspots: the harm measure needs harmWeights (the THR model’s effective weights)');
	if (measure === 'harm' && table !== 'incidents') throw new RangeError(`evaluateHotspots: harm is measured on street records (incidents), not ${table}`);
	const perMethod = options.methods.map(() => [] as Array<{ month: string; metrics: HotspotMetrics[] }>);
	const trainEnds = options.testMonths.map((month) => monthKey(monthIndex(month) - 1));
	const prepared: unknown[] = [];
	for (const method of options.methods) prepared.push(method.prepare ? await method.prepare({ runner, table, level: options.level, trainEnds }) : undefined);
	for (const month of options.testMonths) {
		const trainEnd = monthKey(monthIndex(month) - 1);
		const region = await studyRegion(runner, { table, level: options.level, trainEnd });
		if (region.areas.length === 0) continue;
		const actual =
			measure === 'harm'
				? await areaHarm(runner, { level: options.level, fromMonth: month, toMonth: month, weights: options.harmWeights! })
				: await areaCounts(runner, { table, level: options.level, fromMonth: month, toMonth: month });
		const byId = new Map(region.areas.map((a) => [a.areaId, a]));
		for (let m = 0; m < options.methods.length; m++) {
			const p = await predictHotspots(runner, { table, level: options.level, trainEnd, method: options.methods[m], region, prepared: prepared[m] });
			const ranked = p.rows.map((r) => ({ areaId: r.areaId, score: r.score, actual: actual.get(r.areaId) ?? 0, area: byId.get(r.areaId)!.areaKm2 ?? undefined }));
			// Unknown sizes for some areas only: fall back to equal areas for all, not a mix.
			const sized = ranked.every((r) => r.area !== undefined) ? ranked : ranked.map((r) => ({ ...r, area: undefined }));
			perMethod[m].push({ month, metrics: evaluateRanking(sized, shares) });
		}
	}
	const evaluations = options.methods.map((method, m): MethodEvaluation => {
		const months = perMethod[m];
		const mean = shares.map((areaShare, s): MeanMetrics => {
			const withCrimes = months.map((x) => x.metrics[s]).filter((x) => x.hitRate !== null);
			const avg = (value: (x: HotspotMetrics) => number) => (withCrimes.length ? withCrimes.reduce((t, x) => t + value(x), 0) / withCrimes.length : null);
			return { areaShare, hitRate: avg((x) => x.hitRate!), pai: avg((x) => x.pai!), peiStar: avg((x) => x.peiStar!), captured: avg((x) => x.captured) };
		});
		return { method: method.name, label: method.label ?? method.name, baseline: method.baseline, measure, mean, months, notBetterThan: [] };
	});
	const baselines = evaluations.filter((e) => e.baseline);
	for (const e of evaluations) {
		if (e.baseline) continue;
		e.notBetterThan = shares.map((areaShare, s) => ({
			areaShare,
			baselines: baselines.filter((b) => (b.mean[s].hitRate ?? 0) >= (e.mean[s].hitRate ?? 0)).map((b) => b.method)
		}));
	}
	return evaluations;
}
