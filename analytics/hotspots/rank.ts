/**
 * Hot-spot predictions for the month after `trainEnd`: a score per area of the study region from
 * a ranking method, and the rolling evaluation of methods on held-back months.
 *
 * A method is any function from the context (runner, table, level, trainEnd, region) to a score
 * per area, higher meaning hotter. Two honest baselines are built in — last period's counts and
 * a kernel density surface — and any other ranking (the THR score of analytics/thr, say) plugs in
 * the same way as a {@link HotspotMethod}. A method must read nothing after `trainEnd`.
 */
import type { QueryRunner } from '../runner';
import { monthIndex, monthKey, type AreaLevel, type MonthlyTable } from '../forecast/series';
import { areaCounts, locatedPoints, studyRegion, type RegionArea } from './data';
import { evaluateRanking, type HotspotMetrics } from './evaluate';
import { defaultBandwidth, densityAt, localProjection, projectPoints } from './kde';

export interface HotspotContext {
	runner: QueryRunner;
	table: MonthlyTable;
	level: AreaLevel;
	/** Last month of data the method may read (YYYY-MM). */
	trainEnd: string;
	/** The study region, sorted by id (see studyRegion). */
	region: readonly RegionArea[];
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
	description: string;
	/** True for the simple baselines every other method is compared against. */
	baseline: boolean;
	rank(context: HotspotContext): Promise<HotspotScores>;
}

/** Last period: the area's record count in the month `trainEnd`. */
export function lastPeriodMethod(): HotspotMethod {
	return {
		name: 'last-period',
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

/** The built-in baselines by name. */
export const BASELINE_HOTSPOT_METHODS: Readonly<Record<string, () => HotspotMethod>> = {
	'last-period': lastPeriodMethod,
	kde: () => kdeMethod()
};

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
	/** Every area of the region, hottest first. */
	rows: RankedRow[];
}

export interface PredictOptions {
	table?: MonthlyTable;
	level: AreaLevel;
	trainEnd: string;
	method: HotspotMethod;
	/** A region computed already (e.g. shared by several methods); default studyRegion(). */
	region?: RegionArea[];
}

/**
 * Rank every area of the study region for the month after `trainEnd` with `method`. Areas the
 * method gives no score get 0; scores for areas outside the region are ignored. Throws a
 * RangeError naming the area when a method returns a non-finite score. An empty region gives no rows.
 */
export async function predictHotspots(runner: QueryRunner, options: PredictOptions): Promise<HotspotPrediction> {
	const table = options.table ?? 'incidents';
	const region = options.region ?? (await studyRegion(runner, { table, level: options.level, trainEnd: options.trainEnd }));
	const { scores, detail } = await options.method.rank({ runner, table, level: options.level, trainEnd: options.trainEnd, region });
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
		rows: rows.map((r, i) => ({ ...r, rank: i + 1, method: options.method.name }))
	};
}

export interface EvaluateOptions {
	table?: MonthlyTable;
	level: AreaLevel;
	/** Held-back months (YYYY-MM); each is predicted from the data up to the month before. */
	testMonths: readonly string[];
	methods: readonly HotspotMethod[];
	/** Default 1%, 5%, 10%, 20%. */
	areaShares?: readonly number[];
}

export interface MethodEvaluation {
	method: string;
	baseline: boolean;
	/** Per area share: metrics averaged over the test months with crimes (null if none). */
	mean: Array<{ areaShare: number; hitRate: number | null; pai: number | null; peiStar: number | null }>;
	/** Per test month: the metrics at each share. */
	months: Array<{ month: string; metrics: HotspotMetrics[] }>;
	/** For a non-baseline method: the baselines whose mean hit rate it does not beat, per share. */
	notBetterThan: Array<{ areaShare: number; baselines: string[] }>;
}

/**
 * Rolling evaluation on held-back months: for each test month M, every method ranks the region
 * (areas with records before M) from data up to M − 1, and is scored against M's counts with
 * evaluateRanking (hit rate, PAI, PEI* at each area share; area shares use each area's km² when
 * known, else equal areas). Crimes in M in areas new to the region cannot be captured by any
 * method and are left out of N. Throws a RangeError for an empty list of test months.
 */
export async function evaluateHotspots(runner: QueryRunner, options: EvaluateOptions): Promise<MethodEvaluation[]> {
	const table = options.table ?? 'incidents';
	const shares = options.areaShares ?? [0.01, 0.05, 0.1, 0.2];
	if (options.testMonths.length === 0) throw new RangeError('evaluateHotspots: no test months');
	const perMethod = options.methods.map(() => [] as Array<{ month: string; metrics: HotspotMetrics[] }>);
	for (const month of options.testMonths) {
		const trainEnd = monthKey(monthIndex(month) - 1);
		const region = await studyRegion(runner, { table, level: options.level, trainEnd });
		if (region.length === 0) continue;
		const actual = await areaCounts(runner, { table, level: options.level, fromMonth: month, toMonth: month });
		for (let m = 0; m < options.methods.length; m++) {
			const p = await predictHotspots(runner, { table, level: options.level, trainEnd, method: options.methods[m], region });
			const byId = new Map(region.map((a) => [a.areaId, a]));
			const ranked = p.rows.map((r) => ({ areaId: r.areaId, score: r.score, actual: actual.get(r.areaId) ?? 0, area: byId.get(r.areaId)!.areaKm2 ?? undefined }));
			// Unknown sizes for some areas only: fall back to equal areas for all, not a mix.
			const sized = ranked.every((r) => r.area !== undefined) ? ranked : ranked.map((r) => ({ ...r, area: undefined }));
			perMethod[m].push({ month, metrics: evaluateRanking(sized, shares) });
		}
	}
	const evaluations = options.methods.map((method, m): MethodEvaluation => {
		const months = perMethod[m];
		const mean = shares.map((areaShare, s) => {
			const withCrimes = months.map((x) => x.metrics[s]).filter((x) => x.hitRate !== null);
			const avg = (key: 'hitRate' | 'pai' | 'peiStar') => (withCrimes.length ? withCrimes.reduce((t, x) => t + x[key]!, 0) / withCrimes.length : null);
			return { areaShare, hitRate: avg('hitRate'), pai: avg('pai'), peiStar: avg('peiStar') };
		});
		return { method: method.name, baseline: method.baseline, mean, months, notBetterThan: [] };
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
