/**
 * THR model files (models/thr/*.json, validated by models/schema/thr-model.schema.json): their
 * type, the checks the schema cannot express, and the effective harm weights a model scores
 * with (its weight table plus its own exclusions).
 */
import { harmWeightRows, type HarmWeightsModel } from '../models/harm-weights';

export type ComponentKind = 'harm' | 'threat' | 'risk' | 'repeat-location';
export type TieHandling = 'mid-rank' | 'min-rank' | 'max-rank';
export type AreaUnit = 'lsoa' | 'h3_r7' | 'h3_r8' | 'h3_r9';

export interface Normalisation {
	method: 'percentile-rank';
	ties: TieHandling;
}

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

export interface ThreatComponent extends ComponentBase {
	kind: 'threat';
	/** The last months of the window; the earlier months are the baseline. */
	recent_months: number;
	shrinkage: { method: 'gamma-poisson-moments' };
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
	/** Lowest score in the band, inclusive. */
	min_score: number;
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
	scope: { area_unit: AreaUnit; areas: 'harm-in-window' };
	components: ThrComponent[];
	/** Highest first; the last starts at 0. */
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
	h3_r9: 'h3_r9'
};

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
	}
	if (!model.components?.length) problems.push('the model has no components');
	const sum = (model.components ?? []).reduce((s, c) => s + c.weight, 0);
	if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) problems.push(`component weights sum to ${sum}, not 1`);

	const bands = model.bands ?? [];
	const bandIds = new Set<string>();
	bands.forEach((b, i) => {
		if (bandIds.has(b.id)) problems.push(`band id "${b.id}" is used twice`);
		bandIds.add(b.id);
		if (i > 0 && !(b.min_score < bands[i - 1].min_score)) problems.push(`band "${b.id}" must start below band "${bands[i - 1].id}" (bands are listed highest first)`);
	});
	if (bands.length > 0 && bands[bands.length - 1].min_score !== 0) problems.push(`the last band ("${bands[bands.length - 1].id}") must start at 0 so every score has a band`);
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
		if (weights.id !== model.harm_weights.id || weights.version !== model.harm_weights.version) {
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
}

/**
 * The categories a model scores with: the table's weights and exclusions (from
 * {@link harmWeightRows}) plus the model's own exclusions. A model exclusion of a category the
 * table does not weight still appears (weight null), so it is reported as excluded. Categories
 * in the data but in neither list are "unweighted": they count towards scope, never towards harm.
 * Throws when the table is not the one the model references.
 */
export function effectiveWeights(model: ThrModel, weights: HarmWeightsModel): EffectiveWeight[] {
	if (weights.id !== model.harm_weights.id || weights.version !== model.harm_weights.version) {
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
	return rows;
}

/** `YYYY-MM` → year × 12 + month − 1 (the extract's month_index). Throws on anything else. */
export function monthIndex(month: string): number {
	const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
	if (!m) throw new RangeError(`not a month: ${JSON.stringify(month)}; expected YYYY-MM, e.g. 2019-06`);
	return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** month_index → `YYYY-MM`. */
export function monthLabel(index: number): string {
	const year = Math.floor(index / 12);
	return `${String(year).padStart(4, '0')}-${String(index - year * 12 + 1).padStart(2, '0')}`;
}

/** The longest window of any component: how far back scope and the SQL look, in months. */
export function lookbackMonths(model: ThrModel): number {
	return Math.max(...model.components.map((c) => c.window_months));
}
