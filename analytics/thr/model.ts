/**
 * THR model files (models/thr/*.json, validated by models/schema/thr-model.schema.json): their
 * type, the checks the schema cannot express, and the effective harm weights a model scores
 * with (its weight table plus its own exclusions).
 */
import { harmSubgroupWeightRows, harmWeightRows, servesReference, type HarmWeightsModel } from '../models/harm-weights';

export type ComponentKind = 'harm' | 'threat' | 'risk' | 'repeat-location';
export type TieHandling = 'mid-rank' | 'min-rank' | 'max-rank';
/**
 * What a model scores: LSOAs, H3 cells, or the extract's area set ('district': the `districts`
 * dataset — local authorities, police districts, or a force's own wards or beats — read from
 * each record's `district_id`).
 */
export type AreaUnit = 'lsoa' | 'h3_r7' | 'h3_r8' | 'h3_r9' | 'district';

/** A percentile rank among the areas in scope (thr-v1, v2): magnitude is lost. */
export interface PercentileNormalisation {
	method: 'percentile-rank';
	ties: TieHandling;
}

/**
 * A magnitude on the scale of harm (thr-v3): the raw value in CCHI days per 12 months ÷ the
 * largest 12-month Harm of any area in scope that month, capped at 1 (see {@link annualFactor}).
 */
export interface MagnitudeNormalisation {
	method: 'magnitude';
	reference: 'largest-12-month-harm';
}

export type Normalisation = PercentileNormalisation | MagnitudeNormalisation;

interface ComponentBase {
	/** Unique in the model; names the CSV column `contribution_<id>`. */
	id: string;
	kind: ComponentKind;
	label: string;
	description: string;
	/** Unit of the raw value. */
	unit: string;
	/** Months read, ending with (and including) the assessment month. */
	window_months: number;
	normalisation: Normalisation;
	/** Weight of the normalised value; all weights sum to 1. */
	weight: number;
}

export interface HarmComponent extends ComponentBase {
	kind: 'harm';
}

/** The v3 Threat: credible excess harm from the lower confidence bound of the rate ratio. */
export interface ThreatExcess {
	method: 'rate-ratio-lower-bound';
	/** Level of the one-sided lower bound, e.g. 0.95. */
	confidence_level: number;
	/** Fewest baseline months covered by data; fewer gives Threat 0 for every area and a warning. */
	min_baseline_months: number;
}

export interface ThreatComponent extends ComponentBase {
	kind: 'threat';
	/** The last months of the window; the earlier months are the baseline. */
	recent_months: number;
	/** v1/v2: the raw value is the shrunk ratio. Exactly one of shrinkage and excess. */
	shrinkage?: { method: 'gamma-poisson-moments' };
	/** v3: the raw value is the credible excess harm over the recent months (CCHI days). */
	excess?: ThreatExcess;
	significance: { method: 'poisson-rate-ratio' };
}

/** Forecasting methods a Risk component may name (analytics/forecast). */
export type RiskForecastMethod = 'seasonal-naive' | 'seasonal-mean' | 'poisson' | 'holt-winters';

/** How a 'forecast' Risk component forecasts next month's harm per area (analytics/forecast/area-harm.ts). */
export interface RiskForecastSpec {
	/** One method, or 'auto': the lowest pooled backtest MASE among `candidates`. */
	method: RiskForecastMethod | 'auto';
	/** Candidates for 'auto' (simplest first); default all four. */
	candidates?: RiskForecastMethod[];
	/** Months of history (ending at the assessment month) the forecast reads. */
	history_months: number;
	/** Backtest origins (the last N months of the history): the interval's overdispersion and the method's accuracy. */
	backtest_months: number;
}

export interface RiskComponent extends ComponentBase {
	kind: 'risk';
	/**
	 * 'forecast': the forecasting models (analytics/forecast), see `forecast`; the window only
	 * gives the harm and incidents shown beside the forecast. 'mean-monthly-harm': the v1
	 * stand-in, mean monthly harm over the window.
	 */
	method: 'mean-monthly-harm' | 'forecast';
	/** Coverage of the interval, e.g. 0.8. */
	interval_level: number;
	/** Required with method 'forecast', absent otherwise. */
	forecast?: RiskForecastSpec;
}

export interface RepeatLocationComponent extends ComponentBase {
	kind: 'repeat-location';
	/** Incidents at a snap point in the window for it to count as a repeat location. */
	min_repeat: number;
}

export type ThrComponent = HarmComponent | ThreatComponent | RiskComponent | RepeatLocationComponent;

export interface ThrBand {
	id: string;
	label: string;
	/** Score-thresholds rule (v1, v2): lowest score in the band, inclusive. */
	min_score?: number;
	/**
	 * Cumulative-expected-harm rule (v3): the band takes areas down the ranking while the areas
	 * ranked above each one hold less than this share of the expected harm in scope.
	 */
	cumulative_share?: number;
	/** The rule in a sentence a person can say aloud; see {@link bandMeaning}. */
	meaning?: string;
	description: string;
}

/** How areas are put in bands; absent = 'score-thresholds'. */
export interface BandRule {
	method: 'score-thresholds' | 'cumulative-expected-harm';
	description: string;
}

export interface TieKey {
	/** 'score', 'area_id', or a component id (its raw value). */
	key: string;
	direction: 'asc' | 'desc';
}

/** The shape of a THR model file; see models/schema/thr-model.schema.json. */
export interface ThrModel {
	$schema?: string;
	id: string;
	version: string;
	kind: 'thr-model';
	title: string;
	description: string;
	owner: { name: string; role: string; contact: string };
	intended_use: string;
	not_intended_for: string[];
	limitations: string[];
	harm_weights: { id: string; version: string; file: string };
	/** Exclusions added to those of the harm weight table. */
	exclusions: Array<{ category: string; reason: string }>;
	dataset: 'incidents';
	/**
	 * 'harm-in-window': areas with harm-counting records (inside the force area) in the longest
	 * window; 'force-area': every area of the declared force area (fallback: harm-in-window, warned).
	 */
	scope: { area_unit: AreaUnit; areas: 'harm-in-window' | 'force-area' };
	components: ThrComponent[];
	/** Absent: score thresholds (each band's min_score). */
	band_rule?: BandRule;
	/** Highest first; with score thresholds the last starts at 0, with cumulative shares the last is 1. */
	bands: ThrBand[];
	flag_band: string;
	tie_rule: { description: string; order: TieKey[] };
	changelog: Array<{ version: string; date: string; change: string }>;
}

/** Column of `incidents` holding each area unit. A known list: these are the only area identifiers SQL sees. */
export const AREA_COLUMNS: Readonly<Record<AreaUnit, string>> = {
	lsoa: 'lsoa_code',
	h3_r7: 'h3_r7',
	h3_r8: 'h3_r8',
	h3_r9: 'h3_r9',
	district: 'district_id'
};

/**
 * The same model scoring another area unit (a level the user chose, e.g. the extract's own area
 * set): components, windows, weights, bands and exclusions unchanged; the published file itself
 * is never modified. The model itself when the unit is already its own.
 */
export function modelAtUnit(model: ThrModel, unit: AreaUnit): ThrModel {
	return unit === model.scope.area_unit ? model : { ...model, scope: { ...model.scope, area_unit: unit } };
}

/** Keys a tie rule may use besides component ids. */
export const TIE_KEYS = ['score', 'area_id'] as const;

/** Tolerance for "the component weights sum to 1" (weights are decimals such as 0.3). */
const WEIGHT_SUM_TOLERANCE = 1e-9;

/**
 * What the schema cannot check: component ids unique and not reserved; weights summing to 1;
 * windows consistent (threat's recent part shorter than its window); bands strictly descending
 * and ending at 0, with unique ids and an existing flag band; a tie rule that only names known
 * keys and ends with area_id (so ranks are total); exclusions named once. With `weights`, also
 * that the table is the one the model references (id and version) and that no model exclusion
 * repeats one the table already makes. Returns the problems in words; empty when the model is
 * usable. Does not re-run the JSON Schema (that needs Ajv, which a strict CSP forbids in the
 * browser): scripts and tests validate files with the schema first.
 */
export function thrModelProblems(model: ThrModel, weights?: HarmWeightsModel): string[] {
	const problems: string[] = [];
	const ids = new Set<string>();
	for (const c of model.components ?? []) {
		if ((TIE_KEYS as readonly string[]).includes(c.id)) problems.push(`component id "${c.id}" is reserved`);
		if (ids.has(c.id)) problems.push(`component id "${c.id}" is used twice`);
		ids.add(c.id);
		if (!Number.isInteger(c.window_months) || c.window_months < 1) problems.push(`component "${c.id}": window_months must be a whole number ≥ 1`);
		if (!Number.isFinite(c.weight) || c.weight < 0) problems.push(`component "${c.id}": weight must be a number ≥ 0`);
		if (c.kind === 'threat' && !(Number.isInteger(c.recent_months) && c.recent_months >= 1 && c.recent_months < c.window_months)) {
			problems.push(`component "${c.id}": recent_months (${c.recent_months}) must be a whole number from 1 to window_months − 1 (${c.window_months - 1}), leaving a baseline`);
		}
		if (c.kind === 'risk' && !(c.interval_level > 0 && c.interval_level < 1)) problems.push(`component "${c.id}": interval_level must be between 0 and 1`);
		if (c.kind === 'risk') {
			if (c.method === 'forecast' && !c.forecast) problems.push(`component "${c.id}": method 'forecast' needs a forecast block`);
			if (c.method !== 'forecast' && c.forecast) problems.push(`component "${c.id}": a forecast block only applies to method 'forecast'`);
			const f = c.forecast;
			if (f && !(Number.isInteger(f.backtest_months) && Number.isInteger(f.history_months) && f.backtest_months >= 1 && f.backtest_months <= f.history_months - 2)) {
				problems.push(`component "${c.id}": forecast.backtest_months (${f.backtest_months}) must be a whole number from 1 to history_months − 2 (${f.history_months - 2})`);
			}
			if (f && f.method !== 'auto' && f.candidates) problems.push(`component "${c.id}": forecast.candidates only applies to method 'auto'`);
		}
		if (c.kind === 'repeat-location' && !(Number.isInteger(c.min_repeat) && c.min_repeat >= 2)) problems.push(`component "${c.id}": min_repeat must be a whole number ≥ 2`);
		if (c.kind === 'threat') {
			if (!c.shrinkage === !c.excess) problems.push(`component "${c.id}": a threat component needs exactly one of shrinkage (a shrunk ratio) and excess (credible excess harm)`);
			const x = c.excess;
			if (x && !(x.confidence_level > 0 && x.confidence_level < 1)) problems.push(`component "${c.id}": excess.confidence_level must be between 0 and 1`);
			if (x && !(Number.isInteger(x.min_baseline_months) && x.min_baseline_months >= 1 && x.min_baseline_months <= c.window_months - c.recent_months)) {
				problems.push(`component "${c.id}": excess.min_baseline_months (${x.min_baseline_months}) must be a whole number from 1 to the baseline's length (${c.window_months - c.recent_months})`);
			}
		}
		if (c.normalisation?.method === 'magnitude') {
			if (c.kind === 'repeat-location') problems.push(`component "${c.id}": a repeat-location share has no size in CCHI days, so it cannot use magnitude normalisation`);
			if (c.kind === 'threat' && !c.excess) problems.push(`component "${c.id}": magnitude normalisation needs a Threat in CCHI days (excess), not a ratio`);
			if (!(model.components ?? []).some((x) => x.kind === 'harm')) problems.push(`component "${c.id}": magnitude normalisation divides by the largest 12-month Harm, so the model needs a harm component`);
		}
	}
	if (!model.components?.length) problems.push('the model has no components');
	const sum = (model.components ?? []).reduce((s, c) => s + c.weight, 0);
	if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) problems.push(`component weights sum to ${sum}, not 1`);

	const bands = model.bands ?? [];
	const bandIds = new Set<string>();
	const cumulative = bandRule(model) === 'cumulative-expected-harm';
	bands.forEach((b, i) => {
		if (bandIds.has(b.id)) problems.push(`band id "${b.id}" is used twice`);
		bandIds.add(b.id);
		if (cumulative) {
			if (b.min_score !== undefined || b.cumulative_share === undefined) problems.push(`band "${b.id}": the cumulative-expected-harm rule needs a cumulative_share and no min_score`);
			else if (i > 0 && !(b.cumulative_share > bands[i - 1].cumulative_share!)) problems.push(`band "${b.id}" must have a larger cumulative_share than band "${bands[i - 1].id}" (bands are listed highest first)`);
		} else if (b.min_score === undefined || b.cumulative_share !== undefined) {
			problems.push(`band "${b.id}": score-threshold bands need a min_score and no cumulative_share`);
		} else if (i > 0 && !(b.min_score < bands[i - 1].min_score!)) problems.push(`band "${b.id}" must start below band "${bands[i - 1].id}" (bands are listed highest first)`);
	});
	const lastBand = bands[bands.length - 1];
	if (lastBand && !cumulative && lastBand.min_score !== 0) problems.push(`the last band ("${lastBand.id}") must start at 0 so every score has a band`);
	if (lastBand && cumulative && lastBand.cumulative_share !== 1) problems.push(`the last band ("${lastBand.id}") must have cumulative_share 1 so every area has a band`);
	if (!bandIds.has(model.flag_band)) problems.push(`flag_band "${model.flag_band}" is not one of the bands`);

	const order = model.tie_rule?.order ?? [];
	for (const k of order) {
		if (!(TIE_KEYS as readonly string[]).includes(k.key) && !ids.has(k.key)) problems.push(`tie rule key "${k.key}" is neither score, area_id nor a component id`);
	}
	if (order.length === 0 || order[order.length - 1].key !== 'area_id') problems.push('the tie rule must end with area_id, so that no two areas share a rank');

	const excluded = new Set<string>();
	for (const e of model.exclusions ?? []) {
		if (excluded.has(e.category)) problems.push(`category "${e.category}" is excluded twice`);
		excluded.add(e.category);
	}
	if (weights) {
		if (!servesReference(model.harm_weights, weights)) {
			problems.push(
				`the model uses harm weights ${model.harm_weights.id} ${model.harm_weights.version}, but ${weights.id} ${weights.version} was given`
			);
		}
		for (const e of weights.exclusions) {
			if (excluded.has(e.category)) problems.push(`category "${e.category}" is already excluded by the harm weight table; do not repeat it in the model`);
		}
	}
	return problems;
}

/** Throw a RangeError listing every problem {@link thrModelProblems} finds; return the model otherwise. */
export function assertThrModel(model: ThrModel, weights?: HarmWeightsModel): ThrModel {
	const problems = thrModelProblems(model, weights);
	if (problems.length > 0) throw new RangeError(`THR model ${model.id} ${model.version} is not usable:\n- ${problems.join('\n- ')}`);
	return model;
}

/** One category as a model scores it. */
export interface EffectiveWeight {
	/** police.uk crime type. */
	category: string;
	/** Harm weight in the table's unit (CCHI days); null if the table gives none. */
	weight: number | null;
	/** True when left out of every harm figure. */
	excluded: boolean;
	/** Who excluded it: the weight table or the THR model; null when not excluded. */
	excludedBy: 'harm-weights' | 'model' | null;
	/** Why; null when not excluded. */
	exclusionReason: string | null;
	/**
	 * The table's finer weights for Home Office offence subgroups of this category (present only
	 * when it has some): a record whose `offence_subgroup` is listed here weighs the subgroup's
	 * weight, every other record of the category `weight`. An exclusion covers every subgroup.
	 */
	subgroups?: Array<{ subgroup: string; weight: number }>;
}

/**
 * The categories a model scores with: the table's weights and exclusions (from
 * {@link harmWeightRows}) plus the model's own exclusions. A model exclusion of a category the
 * table does not weight still appears (weight null), so it is reported as excluded. Categories
 * in the data but in neither list are "unweighted": they count towards scope, never towards harm.
 * Throws when the table is not the one the model references.
 */
export function effectiveWeights(model: ThrModel, weights: HarmWeightsModel): EffectiveWeight[] {
	if (!servesReference(model.harm_weights, weights)) {
		throw new RangeError(
			`THR model ${model.id} ${model.version} uses harm weights ${model.harm_weights.id} ${model.harm_weights.version}, not ${weights.id} ${weights.version}`
		);
	}
	const own = new Map(model.exclusions.map((e) => [e.category, e.reason]));
	const rows: EffectiveWeight[] = harmWeightRows(weights).map((r) => {
		if (r.excluded) return { category: r.category, weight: r.weight, excluded: true, excludedBy: 'harm-weights', exclusionReason: r.exclusion_reason };
		const reason = own.get(r.category);
		return reason === undefined
			? { category: r.category, weight: r.weight, excluded: false, excludedBy: null, exclusionReason: null }
			: { category: r.category, weight: r.weight, excluded: true, excludedBy: 'model', exclusionReason: reason };
	});
	for (const [category, reason] of own) {
		if (!rows.some((r) => r.category === category)) rows.push({ category, weight: null, excluded: true, excludedBy: 'model', exclusionReason: reason });
	}
	// Subgroup weights ride on their category's row (absent for a table without them, so a
	// police.uk table gives exactly the rows it always gave).
	for (const sg of harmSubgroupWeightRows(weights)) {
		const row = rows.find((r) => r.category === sg.category)!;
		(row.subgroups ??= []).push({ subgroup: sg.subgroup, weight: sg.weight });
	}
	return rows;
}

/**
 * Month keys ↔ the extract's month_index, from analytics/shared/months.ts (the one copy);
 * `monthLabel` is the THR modules' name for `monthKey`.
 */
export { monthIndex, monthKey as monthLabel } from '../shared/months';

/** The model's band rule: 'score-thresholds' unless it declares another. */
export function bandRule(model: Pick<ThrModel, 'band_rule'>): BandRule['method'] {
	return model.band_rule?.method ?? 'score-thresholds';
}

/**
 * The meaning of a band in a sentence a person can say aloud: the band's own `meaning` when the
 * model file gives one (thr-v3), else worded from its min_score (v1, v2), e.g. "High: a score of
 * at least 0.75 (scores run from 0 to 1)". Throws a RangeError for an unknown band id.
 */
export function bandMeaning(model: Pick<ThrModel, 'bands' | 'band_rule'>, bandId: string): string {
	const i = model.bands.findIndex((b) => b.id === bandId);
	if (i < 0) throw new RangeError(`no band "${bandId}" in the model (bands: ${model.bands.map((b) => b.id).join(', ')})`);
	const band = model.bands[i];
	if (band.meaning) return band.meaning;
	if (bandRule(model) === 'cumulative-expected-harm') {
		const share = (x: number | undefined) => `${Math.round((x ?? 0) * 100)}%`;
		return i === 0
			? `${band.label}: the fewest top-ranked areas that together hold at least ${share(band.cumulative_share)} of the expected harm next month.`
			: `${band.label}: the next areas down the ranking, up to ${share(band.cumulative_share)} of the expected harm next month.`;
	}
	const scale = '(scores run from 0 to 1)';
	if (i === 0) return `${band.label}: a score of at least ${band.min_score} ${scale}.`;
	const above = model.bands[i - 1].min_score;
	return band.min_score === 0 ? `${band.label}: a score below ${above} ${scale}.` : `${band.label}: a score of at least ${band.min_score} and below ${above} ${scale}.`;
}

/**
 * Factor converting a component's raw value to CCHI days per 12 months, for magnitude
 * normalisation: Harm 12 ÷ window_months; Threat (excess over the recent months) 12 ÷
 * recent_months; Risk (a monthly forecast) 12. Null for kinds with no size in CCHI days
 * (repeat-location, a Threat ratio).
 */
export function annualFactor(component: ThrComponent): number | null {
	if (component.kind === 'harm') return 12 / component.window_months;
	if (component.kind === 'threat') return component.excess ? 12 / component.recent_months : null;
	if (component.kind === 'risk') return 12;
	return null;
}

/** The longest window of any component: how far back scope and the SQL look, in months. */
export function lookbackMonths(model: ThrModel): number {
	return Math.max(...model.components.map((c) => c.window_months));
}
