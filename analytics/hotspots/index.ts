/**
 * Public surface of analytics/hotspots: hot-spot rankings for next month over the force area
 * (baselines: last month's counts, a kernel density surface, last month's harm, 12-month harm;
 * any other ranking, THR's included, plugs in as a HotspotMethod), their evaluation on held-back
 * months by hit rate, PAI and PEI* of records or of harm, the harm accuracy report with its plain
 * verdicts (harmAccuracy); Getis-Ord Gi* hot and cold
 * spots with FDR-corrected confidence classes and their trend over recent periods. See README.md.
 */
export { evaluateRanking } from './evaluate';
export type { HotspotMetrics, RankedArea } from './evaluate';
export {
	BASELINE_HOTSPOT_METHODS,
	evaluateHotspots,
	harmBaselines,
	harmWindowMethod,
	kdeMethod,
	lastHarmMethod,
	lastPeriodMethod,
	predictHotspots
} from './rank';
export type {
	EvaluateOptions,
	HarmMethodOptions,
	HotspotContext,
	HotspotMeasure,
	HotspotMethod,
	HotspotPrediction,
	HotspotScores,
	KdeOptions,
	MeanMetrics,
	MethodEvaluation,
	PredictOptions,
	PrepareContext,
	RankedRow
} from './rank';
export { thrHotspotMethod, thrMethodLabel, thrMethodName } from './thr';
export type { ThrHotspotOptions } from './thr';
export { evaluationRows, harmAccuracy, harmStatement, harmTestMonths, harmVerdicts, shareLabel, SMALLEST_LEAD, WIN_LEVEL } from './accuracy';
export { pairedLeadTest } from './paired';
export type { PairedLead } from './paired';
export type { AccuracyModel, HarmAccuracy, HarmAccuracyOptions, ShareVerdict } from './accuracy';
export { areaCounts, areaHarm, insideForceAreaClause, locatedPoints, studyRegion } from './data';
export type { RegionArea, RegionBasis, RegionOptions, StudyRegion, WeightedPoints } from './data';
export { defaultBandwidth, densityAt, localProjection, projectPoints, quarticKernel } from './kde';
export type { Bandwidth } from './kde';
// Windowed forecasts (7/14/28 days or 1–3 months) at an area budget, with the empirical-Bayes
// blend and the self-exciting model; hotspotForecast is the page's entry point (README.md).
export {
	budgetAreas,
	budgetShare,
	evaluateWindows,
	explainMethods,
	hasDates,
	hotspotForecast,
	loadWindowData,
	parseBudget,
	parseWindow,
	scoreOrigin,
	unitLabel,
	windowRegion,
	WINDOW_METHODS,
	YEAR_UNITS
} from './windows';
export type {
	AreaBudget,
	HotspotForecast,
	HotspotWindow,
	MethodExplanation,
	OriginScores,
	WindowData,
	WindowEvaluation,
	WindowEvaluationOptions,
	WindowEvaluationRow,
	WindowLevel,
	WindowMethodName,
	WindowRanking,
	WindowRegion
} from './windows';
export { BLEND_GRID, DEFAULT_BLEND, blend, chooseBlend, ebBlendScores, ebComponents, hitRateAt, marshallEb, windowCounts } from './eb';
export type { BlendChoice, BlendWeights, EbRates, UnitSeries } from './eb';
export { emStep, fitHawkes, hawkesExpected, hawkesPairs, triggering } from './hawkes';
export type { HawkesFit, HawkesOptions, HawkesParams, TimedPoints } from './hawkes';
