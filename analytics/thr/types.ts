/**
 * The result types of THR scoring (score.ts): per-area values and the details behind each
 * component, per-month runs, scope, whole results, trends as columns, and the inputs of
 * normalisation and ranking. Types only; the functions that make them are in score.ts.
 */
import type { HarmWeightsModel } from '../models/harm-weights';
import type { AreaUnit, ComponentKind, EffectiveWeight, ThrModel } from './model';
import type { RiskProvider, RiskRun } from './risk';
import type { Shrinkage } from './stats';
import type { ThrSource } from './area-months';

/** Harm behind a Harm component. */
export interface HarmDetail {
	kind: 'harm';
	/** Incidents counted towards the harm (non-excluded, weighted categories). */
	incidents: number;
}

/** Counts and harm behind a Threat component. */
export interface ThreatDetail {
	kind: 'threat';
	/** Incidents in the recent months. */
	recentCount: number;
	/** Incidents in the baseline months. */
	baselineCount: number;
	/** Baseline months counted: the window's baseline, less months before the data starts (v3; v1/v2 always the whole baseline). */
	baselineMonths: number;
	/** Baseline count scaled to the length of the recent part: what "no change" predicts. */
	expectedCount: number;
	/** Harm in the recent months, CCHI days. */
	recentHarm: number;
	/** Harm in the baseline months, CCHI days. */
	baselineHarm: number;
	/** Baseline harm scaled to the recent part, CCHI days. */
	expectedHarm: number;
	/** recentHarm ÷ expectedHarm before shrinkage; null when expectedHarm is 0. */
	rawRatio: number | null;
	/** Mean weight per incident over the window (CCHI days); 0 with no incidents. */
	meanWeight: number;
	/** Two-rate Poisson z-score of the counts (positive = rising). */
	z: number;
	/** Exact one-sided p-value for a rise: P(X ≥ recentCount), X ~ Binomial(recent + baseline count, R ÷ (R + B)); 1 with no recent incidents. */
	pOneSided: number;
	/** Credible-excess Threat (v3): lower confidence bound of the incident-rate ratio; null when the rise is consistent with chance (so θ_L ≤ 1) or there are no counts. */
	thetaLower?: number | null;
	/** Credible-excess Threat (v3): max(0, θ_L − 1) × expectedHarm, CCHI days over the recent months (the raw value). */
	excess?: number;
}

/** The estimate behind a Risk component. */
export interface RiskDetail {
	kind: 'risk';
	method: string;
	/** Expected harm next month, CCHI days (also the raw value). */
	expected: number;
	low: number;
	high: number;
	/** Interval coverage, e.g. 0.8. */
	level: number;
	/** Harm and incidents over the component's window, as given to the provider. */
	windowHarm: number;
	windowIncidents: number;
	/** Forecast Risk: the area's monthly harm over the history the forecast read (oldest first, ending with the assessment month). */
	history?: readonly number[];
	/** Forecast Risk: how the month's forecast was made (shared by every area of the month). */
	run?: RiskRun;
}

/** Counts behind a repeat-location component. */
export interface RepeatLocationDetail {
	kind: 'repeat-location';
	/** Incidents at snap points with at least min_repeat incidents in the window. */
	repeatIncidents: number;
	/** Incidents with a location in the window. */
	locatedIncidents: number;
}

export type ComponentDetail = HarmDetail | ThreatDetail | RiskDetail | RepeatLocationDetail;

/** One component of one area's score. */
export interface ComponentValue {
	id: string;
	kind: ComponentKind;
	/** Raw value in the component's unit. */
	raw: number;
	/** Percentile rank of the raw value within scope, 0–1 (the component's tie rule; mid-rank under magnitude normalisation). */
	percentile: number;
	/**
	 * The normalised value, 0–1, that the weight multiplies: the percentile under percentile-rank
	 * normalisation; under magnitude normalisation the raw value in CCHI days per 12 months ÷ the
	 * result's `reference`, capped at 1.
	 */
	normalised: number;
	/** Contribution to the score = contributionUnits / SCORE_UNITS. */
	contribution: number;
	contributionUnits: number;
	detail: ComponentDetail;
}

/** One area's score for one month. */
export interface AreaScore {
	/** LSOA code or H3 cell. */
	areaId: string;
	/** 1 = highest priority; every area has its own rank (tie rule). */
	rank: number;
	/** Band id. */
	band: string;
	/** Σ contributions, 0–1 (exactly). */
	score: number;
	scoreUnits: number;
	/** In the model's component order. */
	components: ComponentValue[];
}

/** How a component was computed for a month, for display beside the scores. */
export interface ComponentRun {
	id: string;
	kind: ComponentKind;
	label: string;
	unit: string;
	weight: number;
	/** First and last month of the window (YYYY-MM). */
	from: string;
	to: string;
	/** Threat: the recent part of the window and the baseline before it. */
	recent?: { from: string; to: string };
	baseline?: { from: string; to: string };
	/** Threat: the shrinkage prior estimated for this month (v1, v2). */
	shrinkage?: Shrinkage;
	/**
	 * Threat as credible excess (v3): the level, the baseline months covered by data, and whether
	 * Threat was computed (false: too few baseline months, every Threat 0, with a warning).
	 */
	excess?: { level: number; baselineMonths: number; active: boolean };
	/** Magnitude normalisation: factor from the raw value to CCHI days per 12 months. */
	annualFactor?: number;
	/** Risk: the provider's method name and interval level. */
	riskMethod?: string;
	riskLevel?: number;
	/** Risk from a forecast: the month's forecast (method, history, backtest). */
	riskRun?: RiskRun;
}

/** Which areas were scored and which records were left out, for "N records outside the force area, not scored". */
export interface ScoreScope {
	/**
	 * 'force-area': every area of the declared force area (model scope 'force-area');
	 * 'areas-with-records': the areas with harm-counting records in the window (scope
	 * 'harm-in-window', or the fallback when no force area is declared).
	 */
	method: 'force-area' | 'areas-with-records';
	/** The declared force area's name; null when none is declared. */
	forceName: string | null;
	/**
	 * Areas in the declared force area; null when none is declared. Over the source's own area set
	 * with a force area listed in LSOAs (`areaSet` set): the areas of the set holding a record
	 * inside the force area up to the assessment month, the areas scored.
	 */
	areasInForceArea: number | null;
	/**
	 * Only when a force area listed in LSOAs is scored over the source's own area set (area unit
	 * 'district'): how many areas the set holds. Those the force area does not reach by the
	 * assessment month are left out (a warning says how many), since their records are never read.
	 */
	areaSet?: number;
	/**
	 * Records of `incidents` in the months the score reads (the longest window, ending with the
	 * assessment month) located outside the force area: counted, never scored.
	 */
	recordsOutside: number;
	/** Records in the same months with no area to place them in (no location): never scored. */
	recordsUnplaced: number;
}

/** The harm weight table a result was scored with; `refines` only when the table declares it (analytics/models servesReference). */
export interface WeightsRef {
	id: string;
	version: string;
	unit: string;
	refines?: { id: string; version: string };
}

/** Every area's score for one assessment month. */
export interface ScoreResult {
	/** The model scored with (a what-if copy carries its own version label). */
	model: ThrModel;
	/** The harm weight table: id, version, unit (and the version it refines, when it declares one). */
	weightsRef: WeightsRef;
	/** Categories as scored: weights and exclusions in force. */
	weights: EffectiveWeight[];
	/** Assessment month, YYYY-MM, and its month_index. */
	month: string;
	monthIndex: number;
	areaUnit: AreaUnit;
	components: ComponentRun[];
	/** Areas in rank order (rank 1 first). Empty when no area has records in the window. */
	areas: AreaScore[];
	/** Areas per band id, every band present. */
	bandCounts: Record<string, number>;
	/** Which areas were scored, and the records left out. */
	scope: ScoreScope;
	/**
	 * Magnitude normalisation: the largest 12-month harm of any area in scope (CCHI days), the
	 * divisor of every magnitude; null when no component uses it.
	 */
	reference: number | null;
	/**
	 * The expected harm next month the bands are shares of (the Risk expected value, else the Harm
	 * raw value) summed over the areas in scope, CCHI days; null with score-threshold bands.
	 */
	expectedHarmTotal: number | null;
	/** First and last month with records up to the assessment month (null when none). */
	dataRange: { first: string | null; last: string | null };
	/** Things a reader must know: truncated windows, no data in the month itself. */
	warnings: string[];
}

export interface ScoreOptions {
	model: ThrModel;
	/** The harm weight table the model references (id and version must match). */
	weights: HarmWeightsModel;
	/** Assessment month, YYYY-MM. */
	month: string;
	/** Risk input; default the provider the model's Risk component declares (riskProviderFor). */
	risk?: RiskProvider;
	/**
	 * Where the records are read: 'auto' (default) the pre-aggregate `thr_area_months` when the
	 * extract has it and the model can use it, else the base rows; 'incidents' forces the base
	 * rows. The results are identical (area-months.ts).
	 */
	source?: ThrSource | 'auto';
}

export interface ScoreMonthsOptions extends Omit<ScoreOptions, 'month'> {
	/** Assessment months, YYYY-MM; scored in one SQL pass. */
	months: readonly string[];
}

/** One month's scores as columns, in rank order (index 0 is rank 1). */
export interface MonthColumns {
	month: string;
	monthIndex: number;
	areaIds: string[];
	scoreUnits: Int32Array;
	/** Index into the model's bands (0 = highest). */
	band: Uint8Array;
	/** Per component, in model order: raw values, percentiles, normalised values, contribution units. */
	raw: Float64Array[];
	percentile: Float64Array[];
	normalised: Float64Array[];
	contributionUnits: Int32Array[];
	/** Which areas were scored, and the records left out. */
	scope: ScoreScope;
	warnings: string[];
}

/** Scores of many months as columns: for trends and sparklines. */
export interface ScoreTrend {
	model: ThrModel;
	weightsRef: WeightsRef;
	/** In the order asked for. */
	months: MonthColumns[];
}

/** Percentiles, normalised values, contribution units, score units, rank order and band index of one month (columns, area order). */
export interface Normalised {
	percentiles: Float64Array[];
	normalised: Float64Array[];
	units: Int32Array[];
	scoreUnits: Int32Array;
	/** Area indices in rank order. */
	order: number[];
	/** Band index per area. */
	band: Uint8Array;
	/** See ScoreResult.reference. */
	reference: number | null;
	/** See ScoreResult.expectedHarmTotal. */
	expectedHarmTotal: number | null;
}

/** The values {@link rankOrder} sorts by, one entry per area. */
export interface RankInput {
	areaIds: readonly string[];
	/** raw[k][i]: component k's raw value for area i (model order). */
	raw: readonly Float64Array[];
	scoreUnits: ArrayLike<number>;
}
