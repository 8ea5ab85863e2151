/**
 * Why an area has its score: every component's raw value, percentile, weight and contribution;
 * the category counts × weights behind Harm; the monthly series behind Threat; the estimate
 * behind Risk; the incident rows; the model and extract versions; what would move the area to
 * another band; and side-by-side comparison of two areas. Explanations read a ScoreResult (so
 * they always agree with the ranking shown) plus small per-area queries.
 */
import type { QueryRunner, Scalar } from '../runner';
import type { ExtractManifest } from '../ingest/extract-schema';
import { annualFactor, bandMeaning, bandRule, monthIndex, monthLabel, type ThrBand, type ThrModel, type TieHandling } from './model';
import {
	SCORE_UNITS,
	normaliseRaw,
	rankOrder,
	type AreaScore,
	type ComponentRun,
	type ComponentValue,
	type RiskDetail,
	type ScoreResult,
	type ThreatDetail
} from './score';
import { categoryBreakdownSql, hasForceAreaFlag, hasSubgroupColumn, incidentRowsSql, monthlySeriesSql } from './sql';
import { thrSource } from './area-months';
import { rateRatioPValue } from './stats';
import { monthWords } from '../compare/periods';
import { num } from '../shared/numbers';

/** The extract a score was computed from (from its manifest). */
export interface ExtractVersion {
	/** When the extract was built (ISO 8601). */
	builtAt: string;
	/** sha256 fingerprint of its inputs and builder. */
	fingerprint: string;
}

/** The {@link ExtractVersion} of a manifest. */
export function extractVersion(manifest: Pick<ExtractManifest, 'built_at' | 'input_fingerprint'>): ExtractVersion {
	return { builtAt: manifest.built_at, fingerprint: manifest.input_fingerprint };
}

/** One category behind a Harm figure. */
export interface CategoryHarm {
	category: string;
	/** Records in the window. */
	count: number;
	/** Weight per record (CCHI days); null if the table has none. */
	weight: number | null;
	/** count × weight; null when excluded or unweighted (not part of harm). */
	harm: number | null;
	excluded: boolean;
	excludedBy: 'harm-weights' | 'model' | null;
	exclusionReason: string | null;
	/** True when the category has no weight (counted for scope only). */
	unweighted: boolean;
	/**
	 * Records weighed by their offence subgroup's own weight instead of `weight` (present only when
	 * the records carry `offence_subgroup`); `harm` is then Σ of the weights used, not count × weight.
	 */
	subgroupCount?: number;
}

export interface HarmExplanation {
	componentId: string;
	from: string;
	to: string;
	/** Every category recorded in the area in the window, largest harm first. */
	categories: CategoryHarm[];
	/** Σ harm of the categories = the component's raw value. */
	total: number;
}

export interface ThreatMonth {
	month: string;
	part: 'baseline' | 'recent';
	/** Incidents counted towards harm. */
	incidents: number;
	/** Their harm, CCHI days. */
	harm: number;
	/** All records, any category. */
	records: number;
}

export interface ThreatExplanation {
	componentId: string;
	months: ThreatMonth[];
	detail: ThreatDetail;
	/** The shrinkage prior of the month (α in incidents; Infinity = no variation beyond chance, or no shrinkage in the model). */
	alpha: number;
	/** The raw value: the shrunk ratio (v1, v2) or the credible excess harm over the recent months, CCHI days (v3). */
	ratio: number;
	/** Exact two-sided p-value of the counts (conditional binomial test of two Poisson rates). */
	pValue: number;
	/** Exact one-sided p-value for a rise (the same test). */
	pOneSided: number;
}

export interface RiskExplanation {
	componentId: string;
	detail: RiskDetail;
}

/** One component as explained: its value plus how it was computed. */
export interface ComponentExplanation extends ComponentValue {
	label: string;
	unit: string;
	weight: number;
	run: ComponentRun;
}

/** What one component alone would have to do to move the area across a band threshold. */
export interface ComponentMove {
	componentId: string;
	label: string;
	unit: string;
	currentRaw: number;
	currentPercentile: number;
	/** The normalised value now (the percentile under percentile-rank normalisation). */
	currentNormalised: number;
	/** scoreChange ÷ weight: the change of the normalised value needed if contributions were not rounded (and nothing else moved). */
	percentileChangeNeeded: number;
	/** False when no value of this component alone gets there (e.g. it would need to exceed every area). */
	reachable: boolean;
	/** The nearest percentile this component can take (given the other areas' values) that crosses. */
	neededPercentile: number | null;
	/** The normalised value at the needed raw value (the percentile under percentile-rank normalisation). */
	neededNormalised: number | null;
	/** The raw value that achieves it, other areas unchanged: e.g. { op: '>=', value: 1234.5 }. */
	neededRaw: { op: '>=' | '>' | '<=' | '<'; value: number } | null;
	/** neededRaw.value − currentRaw, in the component's unit (e.g. +1,234 CCHI days of harm); null when unreachable. */
	rawChange: number | null;
	/** The score it would give. */
	newScore: number | null;
	/** The band it would give: the move's band, or one beyond it when the change carries the area past it (cumulative-share bands). */
	newBand: string | null;
}

export interface BandMove {
	direction: 'up' | 'down';
	/** The band it would move into. */
	band: ThrBand;
	/**
	 * The score threshold to cross: reach it (up) or fall below it (down). With cumulative-share
	 * bands, the score of the area it must pass (up) or be passed by (down), others unchanged;
	 * Infinity (up) when no score does it (an area with no expected harm stays in the last band).
	 */
	threshold: number;
	/** Smallest score change that crosses, signed (up > 0, down < 0; includes one score unit where the tie rule or "strictly below" needs it); ±Infinity when no score change alone does it. */
	scoreChange: number;
	byComponent: ComponentMove[];
}

export interface BandMoves {
	band: ThrBand;
	score: number;
	/** Null in the top band. */
	up: BandMove | null;
	/** Null in the bottom band. */
	down: BandMove | null;
}

export interface AreaExplanation {
	areaId: string;
	month: string;
	rank: number;
	/** Areas ranked that month. */
	of: number;
	band: ThrBand;
	score: number;
	scoreUnits: number;
	model: { id: string; version: string; title: string };
	weights: { id: string; version: string; unit: string };
	/** The extract the data came from, when the caller knows it. */
	extract: ExtractVersion | null;
	tieRule: string;
	components: ComponentExplanation[];
	harm: HarmExplanation[];
	threat: ThreatExplanation[];
	risk: RiskExplanation[];
	moves: BandMoves;
}

export interface ExplainOptions {
	/** The scores the explanation must agree with. */
	result: ScoreResult;
	areaId: string;
	/** Version of the extract loaded (manifest built_at and fingerprint), shown with the explanation. */
	extract?: ExtractVersion | null;
}

/**
 * Explain one area's score in `result`. Runs one small query per Harm and Threat component,
 * bound to this area. Throws a RangeError if the area is not in the result (not in scope that
 * month: no records in the window).
 */
export async function explainArea(runner: QueryRunner, options: ExplainOptions): Promise<AreaExplanation> {
	const { result, areaId } = options;
	const area = findArea(result, areaId);
	const model = result.model;
	const m = result.monthIndex;
	const components: ComponentExplanation[] = area.components.map((c, k) => ({
		...c,
		label: model.components[k].label,
		unit: model.components[k].unit,
		weight: model.components[k].weight,
		run: result.components[k]
	}));
	const harm: HarmExplanation[] = [];
	const threat: ThreatExplanation[] = [];
	const risk: RiskExplanation[] = [];
	const forceFlag = await hasForceAreaFlag(runner);
	// The counts behind Harm and Threat from the pre-aggregate when there is one (same counts).
	const source = await thrSource(runner, model);
	// Records carrying offence subgroups are read from the base rows (thrSource), weighed by subgroup.
	const subgroups = source === 'incidents' && (await hasSubgroupColumn(runner));
	for (const [k, c] of model.components.entries()) {
		const value = area.components[k];
		if (c.kind === 'harm') {
			const from = m - c.window_months + 1;
			const q = categoryBreakdownSql({ model, weights: result.weights, areaId, from, to: m, forceFlag, source, subgroups });
			const rows = await runner.rows(q.sql, q.params);
			const categories: CategoryHarm[] = rows.map((r) => {
				const category = String(r.category);
				const w = result.weights.find((x) => x.category === category);
				return {
					category,
					count: num(r.count),
					weight: r.weight === null ? null : num(r.weight),
					harm: r.harm === null ? null : num(r.harm),
					excluded: r.excluded === true,
					excludedBy: w?.excludedBy ?? null,
					exclusionReason: w?.exclusionReason ?? null,
					unweighted: r.unweighted === true,
					...(subgroups ? { subgroupCount: num(r.subgroup_count) } : {})
				};
			});
			harm.push({ componentId: c.id, from: monthLabel(from), to: monthLabel(m), categories, total: value.raw });
		} else if (c.kind === 'threat') {
			const from = m - c.window_months + 1;
			const q = monthlySeriesSql({ model, weights: result.weights, areaId, from, to: m, forceFlag, source, subgroups });
			const rows = await runner.rows(q.sql, q.params);
			const detail = value.detail as ThreatDetail;
			threat.push({
				componentId: c.id,
				months: rows.map((r) => ({
					month: monthLabel(num(r.month_index)),
					part: num(r.month_index) > m - c.recent_months ? 'recent' : 'baseline',
					incidents: num(r.n),
					harm: num(r.harm),
					records: num(r.records)
				})),
				detail,
				alpha: result.components[k].shrinkage?.alpha ?? Infinity,
				ratio: value.raw,
				pValue:
					detail.baselineMonths > 0
						? rateRatioPValue({ recent: detail.recentCount, baseline: detail.baselineCount, recentMonths: c.recent_months, baselineMonths: detail.baselineMonths })
						: 1,
				pOneSided: detail.pOneSided
			});
		} else if (c.kind === 'risk') {
			risk.push({ componentId: c.id, detail: value.detail as RiskDetail });
		}
	}
	return {
		areaId,
		month: result.month,
		rank: area.rank,
		of: result.areas.length,
		band: model.bands.find((b) => b.id === area.band)!,
		score: area.score,
		scoreUnits: area.scoreUnits,
		model: { id: model.id, version: model.version, title: model.title },
		weights: { ...result.weightsRef },
		extract: options.extract ?? null,
		tieRule: model.tie_rule.description,
		components,
		harm,
		threat,
		risk,
		moves: bandMoves(result, areaId)
	};
}

/**
 * What would move an area into the next band up and down: the smallest score change, and for
 * each component alone (others and all other areas unchanged) the percentile and raw value it
 * would need, computed with the same percentile rule and rounding as the score itself, so
 * "reaching" the value really moves the band. Pure; throws if the area is not in the result.
 */
export function bandMoves(result: ScoreResult, areaId: string): BandMoves {
	const area = findArea(result, areaId);
	const bands = result.model.bands;
	const at = bands.findIndex((b) => b.id === area.band);
	// Percentile candidates are exact for percentile ranks under score thresholds; anything else
	// (magnitudes, cumulative-share bands) is searched on the engine's own scoring.
	if (bandRule(result.model) === 'cumulative-expected-harm' || result.model.components.some((c) => c.normalisation.method !== 'percentile-rank')) {
		const up = at > 0 ? searchedMove(result, area, 'up', at - 1) : null;
		const down = at < bands.length - 1 ? searchedMove(result, area, 'down', at + 1) : null;
		return { band: bands[at], score: area.score, up, down };
	}
	const up = at > 0 ? move(result, area, 'up', bands[at - 1], bands[at - 1].min_score!) : null;
	const down = at < bands.length - 1 ? move(result, area, 'down', bands[at + 1], bands[at].min_score!) : null;
	return { band: bands[at], score: area.score, up, down };
}

/** Whether area a ranks above area b when their scores are equal (the tie rule's other keys). */
function winsTie(model: ThrModel, a: AreaScore, b: AreaScore): boolean {
	const raw = model.components.map((_, k) => Float64Array.of(a.components[k].raw, b.components[k].raw));
	return rankOrder(model, { areaIds: [a.areaId, b.areaId], raw, scoreUnits: [0, 0] })[0] === 0;
}

/**
 * A move found by search. Score threshold under score thresholds: the band's min_score (as
 * {@link move}). Under cumulative-share bands: others (every other area in rank order)
 * keep their scores and expected harm; the area reaches band `target` (up) when fewer of the
 * others rank above it than the largest p with (expected harm of the first p others) < the
 * target band's share × total, and falls out of its band (down) when at least the smallest p
 * with that sum ≥ its band's share × total rank above it. Per component: the raw value, found by
 * bisection on the engine's own scoring ({@link normaliseRaw}) of the month with only this
 * area's value changed (the reference and the totals move with it), to adjacent values 1e−12
 * apart relative, so reaching it really moves the band.
 */
function searchedMove(result: ScoreResult, area: AreaScore, direction: 'up' | 'down', target: number): BandMove {
	const model = result.model;
	const bands = model.bands;
	const at = bands.findIndex((b) => b.id === area.band);
	const ek = expectedComponent(model);
	const others = result.areas.filter((a) => a !== area);
	const total = result.areas.reduce((s, a) => s + Math.max(0, a.components[ek].raw), 0);
	let threshold: number;
	let scoreChange: number;
	if (bandRule(model) === 'score-thresholds') {
		threshold = direction === 'up' ? bands[target].min_score! : bands[at].min_score!;
		scoreChange = direction === 'up' ? threshold - area.score : threshold - area.score - 1 / SCORE_UNITS;
	} else if (direction === 'up') {
		const share = bands[target].cumulative_share! * total;
		let p = 0;
		let cumulative = 0;
		// The most others that may rank above it while it still starts inside the target band.
		while (p < others.length && cumulative + Math.max(0, others[p].components[ek].raw) < share) cumulative += Math.max(0, others[p++].components[ek].raw);
		if (!(area.components[ek].raw > 0) || p >= others.length) {
			threshold = Infinity;
			scoreChange = Infinity;
		} else {
			const pass = others[p];
			threshold = pass.score;
			scoreChange = (pass.scoreUnits - area.scoreUnits + (winsTie(model, area, pass) ? 0 : 1)) / SCORE_UNITS;
		}
	} else {
		const share = bands[at].cumulative_share! * total;
		let p = 0;
		let cumulative = 0;
		while (p < others.length && !(cumulative >= share)) cumulative += Math.max(0, others[p++].components[ek].raw);
		if (!(cumulative >= share)) {
			threshold = -Infinity;
			scoreChange = -Infinity;
		} else {
			const passedBy = others[p - 1];
			threshold = passedBy.score;
			scoreChange = (passedBy.scoreUnits - area.scoreUnits - (winsTie(model, area, passedBy) ? 1 : 0)) / SCORE_UNITS;
		}
	}
	const byArea = result.areas;
	const index = byArea.indexOf(area);
	const areaIds = byArea.map((a) => a.areaId);
	const raw = model.components.map((_, k) => Float64Array.from(byArea, (a) => a.components[k].raw));
	const evaluate = (k: number, x: number) => {
		const saved = raw[k][index];
		raw[k][index] = x;
		const norm = normaliseRaw(model, areaIds, raw);
		raw[k][index] = saved;
		return { band: norm.band[index], bandId: bands[norm.band[index]].id, normalised: norm.normalised[k][index], percentile: norm.percentiles[k][index], score: norm.scoreUnits[index] / SCORE_UNITS };
	};
	const reached = (b: number) => (direction === 'up' ? b <= target : b >= target);
	const byComponent = model.components.map((c, k): ComponentMove => {
		const own = area.components[k];
		const current = own.raw;
		let found: number | null = null;
		if (direction === 'up') {
			const factor = annualFactor(c) ?? 1;
			let hi = Math.max(1, current, (result.reference ?? 0) / factor) * 2 ** 30;
			if (reached(evaluate(k, hi).band)) {
				let lo = current;
				while (hi - lo > Math.abs(hi) * 1e-12) {
					const mid = lo + (hi - lo) / 2;
					if (mid <= lo || mid >= hi) break;
					if (reached(evaluate(k, mid).band)) hi = mid;
					else lo = mid;
				}
				found = hi;
			}
		} else if (reached(evaluate(k, 0).band)) {
			let lo = 0;
			let hi = current;
			while (hi - lo > Math.abs(hi) * 1e-12) {
				const mid = lo + (hi - lo) / 2;
				if (mid <= lo || mid >= hi) break;
				if (reached(evaluate(k, mid).band)) lo = mid;
				else hi = mid;
			}
			found = lo;
		}
		const at = found === null ? null : evaluate(k, found);
		return {
			componentId: c.id,
			label: c.label,
			unit: c.unit,
			currentRaw: current,
			currentPercentile: own.percentile,
			currentNormalised: own.normalised,
			percentileChangeNeeded: c.weight > 0 ? scoreChange / c.weight : Infinity,
			reachable: found !== null,
			neededPercentile: at ? at.percentile : null,
			neededNormalised: at ? at.normalised : null,
			neededRaw: found === null ? null : { op: direction === 'up' ? '>=' : '<=', value: found },
			rawChange: found === null ? null : found - current,
			newScore: at ? at.score : null,
			newBand: at ? at.bandId : null
		};
	});
	return { direction, band: bands[target], threshold, scoreChange, byComponent };
}

/** The component whose raw value is the expected harm next month (Risk, else Harm). */
function expectedComponent(model: ThrModel): number {
	const risk = model.components.findIndex((c) => c.kind === 'risk');
	return risk >= 0 ? risk : model.components.findIndex((c) => c.kind === 'harm');
}

function move(result: ScoreResult, area: AreaScore, direction: 'up' | 'down', band: ThrBand, threshold: number): BandMove {
	const scoreChange = direction === 'up' ? threshold - area.score : threshold - area.score - 1 / SCORE_UNITS;
	const crosses = (units: number) => (direction === 'up' ? units / SCORE_UNITS >= threshold : units / SCORE_UNITS < threshold);
	const byComponent = result.model.components.map((c, k): ComponentMove => {
		const own = area.components[k];
		const others = result.areas.filter((a) => a !== area).map((a) => a.components[k].raw);
		const base = area.scoreUnits - own.contributionUnits;
		const candidates = percentileCandidates(others, c.normalisation.method === 'percentile-rank' ? c.normalisation.ties : 'mid-rank');
		if (direction === 'down') candidates.reverse();
		let found: (typeof candidates)[number] | null = null;
		for (const cand of candidates) {
			if (crosses(base + Math.round(cand.percentile * c.weight * SCORE_UNITS))) {
				found = cand;
				break;
			}
		}
		const neededRaw = found ? (direction === 'up' ? found.up : found.down) : null;
		// Raw values here are never negative, so "less than 0" (or ≤ a negative) cannot happen.
		const reachable = neededRaw !== null && !(neededRaw.op === '<' && neededRaw.value <= 0) && !(neededRaw.op === '<=' && neededRaw.value < 0);
		return {
			componentId: c.id,
			label: c.label,
			unit: c.unit,
			currentRaw: own.raw,
			currentPercentile: own.percentile,
			currentNormalised: own.normalised,
			percentileChangeNeeded: c.weight > 0 ? scoreChange / c.weight : Infinity,
			reachable,
			neededPercentile: reachable && found ? found.percentile : null,
			neededNormalised: reachable && found ? found.percentile : null,
			neededRaw: reachable ? neededRaw : null,
			rawChange: reachable && neededRaw ? neededRaw.value - own.raw : null,
			newScore: reachable && found ? (base + Math.round(found.percentile * c.weight * SCORE_UNITS)) / SCORE_UNITS : null,
			newBand: reachable ? band.id : null
		};
	});
	return { direction, band, threshold, scoreChange, byComponent };
}

interface Candidate {
	percentile: number;
	/** The raw-value condition giving this percentile, phrased for a move up (smallest such value) … */
	up: { op: '>=' | '>'; value: number } | null;
	/** … and for a move down (largest such value). */
	down: { op: '<=' | '<'; value: number } | null;
}

/**
 * Every percentile one area can take given the other areas' values, in increasing order, with
 * the raw-value condition for each: below every other value; equal to each distinct value; in
 * each gap above it. Percentiles use the same formula as percentileRanks (counted ÷ others).
 */
function percentileCandidates(others: number[], ties: TieHandling): Candidate[] {
	const d = others.length;
	if (d === 0) return [];
	const sorted = others.slice().sort((a, b) => a - b);
	const out: Candidate[] = [{ percentile: 0, up: null, down: { op: '<', value: sorted[0] } }];
	for (let i = 0; i < d; ) {
		const value = sorted[i];
		let j = i;
		while (j < d && sorted[j] === value) j++;
		const below = i;
		const tied = j - i;
		const counted = ties === 'mid-rank' ? below + tied / 2 : ties === 'min-rank' ? below : below + tied;
		out.push({ percentile: counted / d, up: { op: '>=', value }, down: { op: '<=', value } });
		const next = j < d ? sorted[j] : null;
		out.push({ percentile: j / d, up: { op: '>', value }, down: next === null ? null : { op: '<', value: next } });
		i = j;
	}
	return out;
}

/** One component of a comparison. */
export interface ComponentDifference {
	componentId: string;
	label: string;
	unit: string;
	rawA: number;
	rawB: number;
	percentileA: number;
	percentileB: number;
	contributionA: number;
	contributionB: number;
	/** contributionA − contributionB (exact). */
	difference: number;
	differenceUnits: number;
}

export interface Comparison {
	a: AreaScore;
	b: AreaScore;
	/** Which of the two ranks higher. */
	higher: 'a' | 'b';
	/** scoreA − scoreB = Σ component differences, exactly. */
	scoreDifference: number;
	scoreDifferenceUnits: number;
	/** Largest absolute difference first (ties: model order). */
	components: ComponentDifference[];
	/** What put the higher area first: 'score', or the tie rule key that decided equal scores. */
	decidedBy: string;
}

/**
 * Why A ranks above B (or B above A): per-component differences in raw value, percentile and
 * contribution, which add up exactly to the score difference; for equal scores, the tie rule
 * key that separated them. Pure; throws if either area is not in the result or A = B.
 */
export function compareAreas(result: ScoreResult, { a: aId, b: bId }: { a: string; b: string }): Comparison {
	if (aId === bId) throw new RangeError('compareAreas: choose two different areas');
	const a = findArea(result, aId);
	const b = findArea(result, bId);
	const components: ComponentDifference[] = result.model.components.map((c, k) => ({
		componentId: c.id,
		label: c.label,
		unit: c.unit,
		rawA: a.components[k].raw,
		rawB: b.components[k].raw,
		percentileA: a.components[k].percentile,
		percentileB: b.components[k].percentile,
		contributionA: a.components[k].contribution,
		contributionB: b.components[k].contribution,
		difference: (a.components[k].contributionUnits - b.components[k].contributionUnits) / SCORE_UNITS,
		differenceUnits: a.components[k].contributionUnits - b.components[k].contributionUnits
	}));
	const order = components.map((c, k) => ({ c, k })).sort((x, y) => Math.abs(y.c.differenceUnits) - Math.abs(x.c.differenceUnits) || x.k - y.k);
	let decidedBy = 'score';
	if (a.scoreUnits === b.scoreUnits) {
		for (const { key } of result.model.tie_rule.order) {
			if (key === 'score') continue;
			const k = result.model.components.findIndex((c) => c.id === key);
			const differ = key === 'area_id' ? a.areaId !== b.areaId : a.components[k].raw !== b.components[k].raw;
			if (differ) {
				decidedBy = key;
				break;
			}
		}
	}
	return {
		a,
		b,
		higher: a.rank < b.rank ? 'a' : 'b',
		scoreDifference: (a.scoreUnits - b.scoreUnits) / SCORE_UNITS,
		scoreDifferenceUnits: a.scoreUnits - b.scoreUnits,
		components: order.map((x) => x.c),
		decidedBy
	};
}

/** One incident row behind a score. */
export interface IncidentRow {
	month: string;
	category: string | null;
	location: string | null;
	crimeId: string | null;
	lastOutcome: string | null;
	sourceFile: string | null;
	sourceLine: number | null;
	/** Weight applied (CCHI days); null if unweighted. */
	weight: number | null;
	excluded: boolean;
	/** Components whose window includes the row's month (threat: with ':recent' or ':baseline'). */
	components: string[];
	/** The record's Home Office offence subgroup (only when the records carry `offence_subgroup`). */
	subgroup?: string | null;
	/** Which weight `weight` is: the subgroup's own or the category's; null if unweighted (only with `offence_subgroup`). */
	weightBasis?: 'subgroup' | 'category' | null;
}

export interface IncidentRowsOptions {
	result: ScoreResult;
	areaId: string;
	/** Rows per page (default 100, at most 10,000). */
	limit?: number;
	offset?: number;
}

/**
 * The incident rows behind an area's score: every record in the area within the longest
 * component window up to the assessment month, newest first, with the weight and exclusion
 * applied and the components each row feeds. Paged (limit/offset). An area out of scope gives
 * an empty page.
 */
export async function areaIncidents(runner: QueryRunner, options: IncidentRowsOptions): Promise<IncidentRow[]> {
	const { result, areaId } = options;
	const limit = options.limit ?? 100;
	const offset = options.offset ?? 0;
	if (!Number.isInteger(limit) || limit < 0 || limit > 10_000) throw new RangeError(`limit must be a whole number from 0 to 10000, got ${limit}`);
	if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset must be a whole number ≥ 0, got ${offset}`);
	const m = result.monthIndex;
	const lookback = Math.max(...result.model.components.map((c) => c.window_months));
	const subgroups = await hasSubgroupColumn(runner);
	const q = incidentRowsSql({ model: result.model, weights: result.weights, areaId, from: m - lookback + 1, to: m, limit, offset, forceFlag: await hasForceAreaFlag(runner), subgroups });
	const rows = await runner.rows(q.sql, q.params);
	return rows.map((r) => {
		const t = num(r.month_index);
		const components: string[] = [];
		for (const c of result.model.components) {
			if (t <= m - c.window_months) continue;
			components.push(c.kind === 'threat' ? `${c.id}:${t > m - c.recent_months ? 'recent' : 'baseline'}` : c.id);
		}
		return {
			month: String(r.month),
			category: str(r.category),
			location: str(r.location),
			crimeId: str(r.crime_id),
			lastOutcome: str(r.last_outcome),
			sourceFile: str(r.source_file),
			sourceLine: r.source_line === null ? null : num(r.source_line),
			weight: r.weight === null ? null : num(r.weight),
			excluded: r.excluded === true,
			components,
			...(subgroups ? { subgroup: str(r.offence_subgroup), weightBasis: (str(r.weight_basis) as 'subgroup' | 'category' | null) } : {})
		};
	});
}

/** The area's score in a result; RangeError naming the month when it is not in scope. */
export function findArea(result: ScoreResult, areaId: string): AreaScore {
	const area = result.areas.find((a) => a.areaId === areaId);
	if (!area) throw new RangeError(`area ${areaId} is not scored for ${result.month}: it has no records in the ${Math.max(...result.model.components.map((c) => c.window_months))} months to then`);
	return area;
}

function str(value: Scalar | undefined): string | null {
	return value === null || value === undefined ? null : String(value);
}

/** The figures behind an area's reason sentence, exact and as shown. */
export interface AreaReason {
	areaId: string;
	month: string;
	/** The plain-English sentence, e.g. "Holds 6% of the force's harm over the last 12 months (3rd of 6 areas); …". */
	sentence: string;
	rank: number;
	score: number;
	/** Band id, label and meaning ({@link bandMeaning}). */
	band: string;
	bandLabel: string;
	bandMeaning: string;
	/** Harm over the Harm window, CCHI days, and the window's length in months. */
	harm: number;
	harmMonths: number;
	/** harm ÷ the harm of every area scored (0 when that is 0). */
	harmShare: number;
	/** 1 + the number of areas scored with more harm (equal harm shares a rank). */
	harmRank: number;
	/** Areas scored this month. */
	areas: number;
	/** True when the areas scored are the declared force area (the sentence then says "the force's harm"). */
	forceArea: boolean;
	/** Months of the recent part of Threat; null without a Threat component. */
	recentMonths: number | null;
	/** (recent harm ÷ the harm the baseline predicts − 1) × 100; null when the baseline has no harm or there is no Threat. */
	changePct: number | null;
	/** Exact one-sided p-value for a rise in incidents; null without Threat. */
	pOneSided: number | null;
	/** pOneSided below the significance level (1 − the Threat's confidence level, else 0.05); null without Threat. */
	significant: boolean | null;
	/** The Risk component's expected harm next month, CCHI days; null without Risk. */
	expectedNextMonth: number | null;
	/** The figures as the sentence prints them (change: "40% above its usual level, …", from twice up "3.9 times its usual level, …"). */
	shown: { harmShare: string; harmRank: string; change: string | null; expectedNextMonth: string | null };
}

const ORDINAL_SUFFIX: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' };
const ordinalRules = new Intl.PluralRules('en-GB', { type: 'ordinal' });

/** 1 → "1st", 2 → "2nd", 3 → "3rd", 11 → "11th", 22 → "22nd", with thousands separators. */
export function ordinal(n: number): string {
	return `${n.toLocaleString('en-GB')}${ORDINAL_SUFFIX[ordinalRules.select(n)] ?? 'th'}`;
}

/**
 * A share 0–1 as a percentage for reading: one decimal under 10% ("1.4%", "0.3%"), so areas of a
 * force of hundreds of areas, each holding a percent or two, do not all read "1%"; whole from 10%
 * ("23%"). "under 0.1%" below 0.05% and "over 99%" from 99.5% rather than a misleading 0.0% or
 * 100%; exactly 0 reads "0%".
 */
export function readablePercent(share: number): string {
	const pct = share * 100;
	if (pct > 0 && pct < 0.05) return 'under 0.1%';
	if (pct < 100 && pct >= 99.5) return 'over 99%';
	if (pct > 0 && Number(pct.toFixed(1)) < 10) return `${pct.toFixed(1)}%`;
	return `${Math.round(pct)}%`;
}

/** A quantity for reading: whole numbers with thousands separators from 10 up ("1,234"), one decimal below ("2.5"), "under 0.1" for tiny positive values. */
export function readableNumber(x: number): string {
	if (x > 0 && x < 0.05) return 'under 0.1';
	return x.toLocaleString('en-GB', { maximumFractionDigits: Math.abs(x) >= 10 ? 0 : 1 });
}

/**
 * The first month with data where the data starts inside the Harm window of `harmMonths` ending at
 * the result's month (Lancashire, March 2022: "2022-01"), else null: the window is read whole.
 */
export function harmWindowCut(result: ScoreResult, harmMonths: number): string | null {
	const first = result.dataRange.first;
	return first !== null && first > monthLabel(result.monthIndex - harmMonths + 1) && first <= result.month ? first : null;
}

/** The Harm window in words: "12 months", or "since January 2022" where the data starts inside it. */
export function harmWindowWords(result: ScoreResult, harmMonths: number): string {
	const first = harmWindowCut(result, harmMonths);
	return first === null ? `${harmMonths} months` : `since ${monthWords(first)}`;
}

/**
 * How many of Threat's baseline months (the `windowMonths − recentMonths` before the recent ones)
 * the data covers: all of them, fewer where the data starts inside the baseline, 0 where it starts
 * at or after the recent months (Lancashire from January 2022, March 2022: 0; April 2022: 1).
 */
export function baselineMonthsWithData(result: ScoreResult, windowMonths: number, recentMonths: number): number {
	const first = result.dataRange.first;
	if (first === null) return 0;
	const baseline = windowMonths - recentMonths;
	const end = result.monthIndex - recentMonths;
	return Math.max(0, Math.min(baseline, end - Math.max(end - baseline + 1, monthIndex(first)) + 1));
}

/**
 * One sentence a person can read aloud on why an area is where it is, with the figures it uses
 * (pure; reads only the result). For example: "Holds 6% of the force's harm over the last 12
 * months (3rd of 6 areas); harm in the last 3 months is 40% above its usual level, unlikely to
 * be chance; about 1,200 CCHI days expected next month." A rise consistent with chance says so
 * ("… 12% above its usual level, consistent with chance"; from twice the usual level up "3.9 times
 * its usual level"); a fall is stated without a test (the
 * test is one-sided, for a rise). The change is of harm; its test is of incident counts (the
 * exact conditional binomial test behind Threat). Works for every model with a Harm component;
 * Threat and Risk parts appear when the model has them. Throws a RangeError if the area is not
 * in the result.
 */
export function areaReason(result: ScoreResult, areaId: string): AreaReason {
	const area = findArea(result, areaId);
	const model = result.model;
	const hk = model.components.findIndex((c) => c.kind === 'harm');
	if (hk < 0) throw new RangeError(`areaReason: model ${model.id} ${model.version} has no Harm component`);
	const harm = area.components[hk].raw;
	const harmMonths = model.components[hk].window_months;
	const totalHarm = result.areas.reduce((s, a) => s + a.components[hk].raw, 0);
	const harmShare = totalHarm > 0 ? harm / totalHarm : 0;
	const harmRank = 1 + result.areas.filter((a) => a.components[hk].raw > harm).length;
	const forceArea = result.scope.method === 'force-area';
	const shown: AreaReason['shown'] = { harmShare: readablePercent(harmShare), harmRank: `${ordinal(harmRank)} of ${result.areas.length.toLocaleString('en-GB')}`, change: null, expectedNextMonth: null };
	const parts: string[] = [];
	// Where the data starts inside the Harm window, the sentence names the months it has rather
	// than "the last 12 months" (Lancashire from January 2022, March 2022: "since January 2022, when the data starts").
	const first = harmWindowCut(result, harmMonths);
	const cut = first !== null;
	const over = cut ? `since ${monthWords(first)}, when the data starts` : `over the last ${harmMonths} months`;
	parts.push(
		harm > 0
			? `Holds ${shown.harmShare} of ${forceArea ? "the force's harm" : 'the harm of the areas scored'} ${over} (${shown.harmRank} areas)`
			: cut
				? `No harm recorded since ${monthWords(first)}, when the data starts`
				: `No harm recorded in the last ${harmMonths} months`
	);

	const tk = model.components.findIndex((c) => c.kind === 'threat');
	let recentMonths: number | null = null;
	let changePct: number | null = null;
	let pOneSided: number | null = null;
	let significant: boolean | null = null;
	if (tk >= 0) {
		const c = model.components[tk];
		const d = area.components[tk].detail as ThreatDetail;
		recentMonths = c.kind === 'threat' ? c.recent_months : null;
		const level = c.kind === 'threat' && c.excess ? c.excess.confidence_level : 0.95;
		pOneSided = d.pOneSided;
		significant = d.pOneSided < 1 - level;
		// Where the data starts inside the recent months (Lancashire, January 2022), they are the months it has.
		const recentStart = result.monthIndex - (recentMonths ?? 0) + 1;
		const dataFirst = result.dataRange.first;
		const recentCut = dataFirst !== null && dataFirst > monthLabel(recentStart) && dataFirst <= result.month;
		const recent = recentCut ? `harm since ${monthWords(dataFirst)}` : `harm in the last ${recentMonths} months`;
		if (d.expectedHarm > 0) {
			changePct = (d.recentHarm / d.expectedHarm - 1) * 100;
			const rounded = Math.round(changePct);
			// With fewer baseline months than the credible-excess rule needs, Threat is not worked out
			// (0 for every area, with the month's warning): the level is that of the few months the
			// data has, and no rise is called chance or not (Lancashire, April 2022: one month, January).
			const thin = result.components[tk]?.excess?.active === false;
			const usual = thin ? `the level of the ${d.baselineMonths === 1 ? 'month' : `${d.baselineMonths} months`} before them` : 'its usual level';
			const chance = thin ? 'too few months to test for a rise' : significant ? 'unlikely to be chance' : 'consistent with chance';
			// From twice the usual level up, "3.9 times" reads better than "292% above".
			if (rounded === 0) shown.change = `at ${usual}`;
			else if (changePct >= 100) shown.change = `${readableNumber(d.recentHarm / d.expectedHarm)} times ${usual}, ${chance}`;
			else if (changePct > 0) shown.change = `${rounded}% above ${usual}, ${chance}`;
			else shown.change = `${-rounded}% below ${usual}`;
			parts.push(`${recent} is ${shown.change}`);
		} else if (d.recentHarm > 0) {
			// No usual level: either the data has no month before the recent ones (its first months),
			// or it has some and this area had no harm in them. The sentence says which.
			const withData = baselineMonthsWithData(result, c.window_months, recentMonths ?? 0);
			const starts = dataFirst !== null && withData < c.window_months - (recentMonths ?? 0) ? ` (the data starts in ${monthWords(dataFirst)})` : '';
			shown.change =
				withData === 0
					? `nothing to compare with: the data has no earlier month${recentCut || dataFirst === null ? '' : ` (it starts in ${monthWords(dataFirst)})`}`
					: `nothing to compare with: this area had no harm in the ${withData === 1 ? 'month' : `${withData} months`} before${starts}`;
			parts.push(`${recent} has ${shown.change}`);
		}
	}

	const rk = model.components.findIndex((c) => c.kind === 'risk');
	let expectedNextMonth: number | null = null;
	if (rk >= 0) {
		expectedNextMonth = (area.components[rk].detail as RiskDetail).expected;
		shown.expectedNextMonth = readableNumber(expectedNextMonth);
		parts.push(expectedNextMonth > 0 ? `about ${shown.expectedNextMonth} CCHI days expected next month` : 'no harm expected next month');
	}
	const band = model.bands.find((b) => b.id === area.band)!;
	return {
		areaId,
		month: result.month,
		sentence: `${parts.join('; ')}.`,
		rank: area.rank,
		score: area.score,
		band: band.id,
		bandLabel: band.label,
		bandMeaning: bandMeaning(model, band.id),
		harm,
		harmMonths,
		harmShare,
		harmRank,
		areas: result.areas.length,
		forceArea,
		recentMonths,
		changePct,
		pOneSided,
		significant,
		expectedNextMonth,
		shown
	};
}
