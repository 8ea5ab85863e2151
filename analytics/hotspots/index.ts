/**
 * Public surface of analytics/hotspots: hot-spot rankings for next month (baselines: last
 * period's counts and a kernel density surface; any other ranking plugs in as a HotspotMethod)
 * and their evaluation on held-back months by hit rate, PAI and PEI*; Getis-Ord Gi* hot and cold
 * spots with FDR-corrected confidence classes and their trend over recent periods. See README.md.
 */
export { evaluateRanking } from './evaluate';
export type { HotspotMetrics, RankedArea } from './evaluate';
export { BASELINE_HOTSPOT_METHODS, evaluateHotspots, kdeMethod, lastPeriodMethod, predictHotspots } from './rank';
export type { EvaluateOptions, HotspotContext, HotspotMethod, HotspotPrediction, HotspotScores, KdeOptions, MethodEvaluation, PredictOptions, RankedRow } from './rank';
export { thrHotspotMethod } from './thr';
export type { ThrHotspotOptions } from './thr';
export { areaCounts, locatedPoints, studyRegion } from './data';
export type { RegionArea, RegionOptions, WeightedPoints } from './data';
export { defaultBandwidth, densityAt, localProjection, projectPoints, quarticKernel } from './kde';
export type { Bandwidth } from './kde';
export {
	benjaminiHochberg,
	distanceBandWeights,
	erfc,
	giStar,
	h3StudyRegion,
	h3Weights,
	haversineMeters,
	hotSpots,
	hotSpotTrends,
	mannKendall,
	queenWeights,
	twoSidedP
} from './gistar';
export type {
	GiStarNullReason,
	GiStarValue,
	HotSpotAnalysis,
	HotSpotArea,
	HotSpotBin,
	HotSpotClass,
	HotSpotOptions,
	HotSpotTrend,
	MannKendall,
	SpatialWeights,
	TrendLabel,
	TrendOptions
} from './gistar';
