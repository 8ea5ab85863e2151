/**
 * Queries of the Map and Time views, one module per view (README.md):
 * datasets.ts (what the source offers), cell-values.ts (map layer), cell-detail.ts (one cell),
 * time-views.ts (Time views), on query-base.ts (WHERE clause, roll-ups). Every per-interaction
 * query reads the small
 * pre-aggregates (analytics/explore/aggregates.ts), except the incident list of one cell and
 * the hour-of-week view under a selection finer than its aggregate, which read the base table
 * filtered. Every value is a bound parameter; column names come only from fixed maps.
 *
 * Cross-filtering: the Time views apply every filter (period, categories, area selection,
 * drawn box). The map layer (`cellValues`) applies period and categories but, by default, not
 * its own selection (area, box): the map shows every cell and highlights the selected ones, as
 * cross-filter views usually do; pass `{ selection: 'apply' }` to filter it too.
 */
export { LEVEL_COLUMN, h3ParentSql, levelSql } from './query-base';
export { ensureAggregates, exploreDatasets, type DatasetSummary } from './datasets';
export { cellValues, measureUnavailable, readHarmWeights, type CategoryWeight, type CellValue, type CellValueOptions, type ThrScores } from './cell-values';
export { cellDetail, incidentRows, type CellDetail, type IncidentPage } from './cell-detail';
export {
	DAY_NAMES,
	categoryLabel,
	categoryMonthMatrix,
	hourOfWeek,
	hourOfWeekLabel,
	monthCategoryCounts,
	monthlyTrend,
	shownMonths,
	type HourOfWeek,
	type MonthCategoryCounts,
	type MonthlyTrend,
	withoutLocationCount
} from './time-views';
