/**
 * Gi* hot and cold spots (Getis-Ord): which areas are significantly high or low against their
 * neighbours now, with a trend. Not hot-spot prediction (analytics/hotspots: which areas will be
 * busiest next period). Used by the Map view's Gi* mode (analytics/explore/map/gi-star.ts).
 */
export {
	benjaminiHochberg,
	distanceBandWeights,
	erfc,
	giStar,
	h3StudyRegion,
	h3Weights,
	haversineMeters,
	giStarClasses,
	giStarTrends,
	mannKendall,
	queenWeights,
	twoSidedP
} from './gistar';
export type {
	GiStarNullReason,
	GiStarValue,
	GiStarAnalysis,
	GiStarArea,
	GiStarBin,
	GiStarClass,
	GiStarOptions,
	GiStarTrend,
	MannKendall,
	SpatialWeights,
	TrendLabel,
	TrendOptions
} from './gistar';
