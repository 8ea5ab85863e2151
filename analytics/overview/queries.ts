/**
 * The figures on the Overview page, as pure functions over a {@link QueryRunner}. They read the
 * `incidents`, `stop_search` and `harm_weights` tables (see analytics/ingest/extract-schema.ts
 * and analytics/models/harm-weights.ts) and bind every value as a parameter.
 */
import type { QueryRunner, Scalar } from '../runner';
import type { ExtractManifest } from '../ingest/extract-schema';
import { isMonthKey, monthIndex } from '../shared/months';
import { num } from '../shared/numbers';
import { hasColumn, tableExists } from '../shared/catalog';
import { HARM_SUBGROUP_WEIGHTS_TABLE, recordsCarrySubgroups } from '../models/harm-weights';

/**
 * Whether harm can weigh records by their offence subgroup here: records of `incidents` carry
 * `offence_subgroup` (a force's own records mapped from offence codes; police.uk data and older
 * extracts do not) and the `harm_subgroup_weights` table exists (analytics/models
 * createHarmWeightTables). Otherwise every record weighs its category's weight, as always.
 */
export async function subgroupWeighting(runner: QueryRunner): Promise<boolean> {
	return (await recordsCarrySubgroups(runner, 'incidents')) && (await tableExists(runner, HARM_SUBGROUP_WEIGHTS_TABLE));
}

/** The join of the subgroup weights to `incidents i` (alias sw), or nothing. */
const subgroupJoin = (on: boolean) => (on ? ' LEFT JOIN harm_subgroup_weights sw ON sw.category = i.category AND sw.subgroup = i.offence_subgroup' : '');

/** police.uk's name for anti-social behaviour: the one category that is not a crime. */
export const ANTI_SOCIAL_BEHAVIOUR = 'Anti-social behaviour';

/** Label of the series that gathers the categories beyond the top N in a trend. */
export const OTHER_CATEGORIES = 'Other categories';

export interface OverviewSummary {
	/** Rows in `incidents` (crimes plus anti-social behaviour). */
	records: number;
	/** Rows whose category is not anti-social behaviour. */
	crimes: number;
	/** Rows whose category is anti-social behaviour. */
	antiSocialBehaviour: number;
	/** Rows without coordinates (police.uk "No Location"). */
	noLocation: number;
	/** Distinct non-null LSOA codes among the rows. */
	distinctLsoas: number;
	/** Rows in `stop_search`. */
	stopSearches: number;
	/** Earliest month (YYYY-MM) in `incidents`; null when it is empty. */
	firstMonth: string | null;
	/** Latest month (YYYY-MM) in `incidents`; null when it is empty. */
	lastMonth: string | null;
	/** Number of calendar months from firstMonth to lastMonth inclusive; 0 when empty. */
	months: number;
	/** Σ over non-excluded categories of count × weight, in the harm model's unit (CCHI days). */
	harmTotal: number;
	/** Rows in categories the harm model excludes (left out of harmTotal). */
	excludedRecords: number;
	/** Rows whose category has no weight at all (also left out of harmTotal). */
	unweightedRecords: number;
	/**
	 * Rows weighed by their offence subgroup's own weight instead of their category's (present
	 * only when the records carry `offence_subgroup`; see {@link subgroupWeighting}). Only rows
	 * whose harm is counted: those of excluded or unweighted categories are not weighed at all.
	 */
	subgroupWeightedRecords?: number;
	/**
	 * The records against the force area (each record's `in_force_area` flag, set when the
	 * extract was built or imported): present only when the extract declares a force area (some
	 * record is flagged). The force area's records are those the THR pages score and the
	 * Overview's headline counts; `records` above counts every record loaded.
	 */
	forceArea?: ForceAreaRecords;
}

/** Records inside the force area, located outside it, and without a location (which no area holds). */
export interface ForceAreaRecords {
	/** Records located in the force area. */
	records: number;
	/** Of them, those whose category is not anti-social behaviour. */
	crimes: number;
	/** Of them, anti-social behaviour. */
	antiSocialBehaviour: number;
	/** Records located outside the force area (counted and listed, never scored). */
	outside: number;
	/** Records with no flag: no location. */
	unplaced: number;
}

/**
 * The summary's SQL; with `subgroups`, a record with a weighted offence subgroup weighs that
 * weight; with `forceArea` (incidents carry `in_force_area`), the records counted against the
 * force area (one more bound parameter: anti-social behaviour's category).
 */
export function overviewSummarySql(subgroups: boolean, forceArea = false): string {
	return `
WITH weighted AS (
	SELECT i.category, i.month, i.month_index, i.longitude, i.latitude, i.lsoa_code,${forceArea ? ' i.in_force_area,' : ''}
		${subgroups ? 'coalesce(sw.weight, w.weight) AS weight, sw.weight IS NOT NULL AS by_subgroup' : 'w.weight'}, w.excluded, w.category IS NULL AS unweighted
	FROM incidents i LEFT JOIN harm_weights w ON w.category = i.category${subgroupJoin(subgroups)}
)
SELECT
	count(*)::BIGINT AS records,
	count(*) FILTER (WHERE category IS DISTINCT FROM ?)::BIGINT AS crimes,
	count(*) FILTER (WHERE category = ?)::BIGINT AS anti_social_behaviour,
	count(*) FILTER (WHERE longitude IS NULL OR latitude IS NULL)::BIGINT AS no_location,
	count(DISTINCT lsoa_code)::BIGINT AS distinct_lsoas,
	(SELECT count(*) FROM stop_search)::BIGINT AS stop_searches,
	min(month) AS first_month,
	max(month) AS last_month,
	coalesce(max(month_index) - min(month_index) + 1, 0)::BIGINT AS months,
	coalesce(sum(weight) FILTER (WHERE NOT excluded), 0)::DOUBLE AS harm_total,
	count(*) FILTER (WHERE excluded)::BIGINT AS excluded_records,
	count(*) FILTER (WHERE unweighted)::BIGINT AS unweighted_records${subgroups ? ',\n\tcount(*) FILTER (WHERE by_subgroup AND NOT excluded)::BIGINT AS subgroup_records' : ''}${
		forceArea
			? `,
	count(in_force_area)::BIGINT AS flagged,
	count(*) FILTER (WHERE in_force_area)::BIGINT AS inside,
	count(*) FILTER (WHERE in_force_area AND category = ?)::BIGINT AS inside_asb,
	count(*) FILTER (WHERE NOT in_force_area)::BIGINT AS outside`
			: ''
	}
FROM weighted`;
}

export const OVERVIEW_SUMMARY_SQL = overviewSummarySql(false);

/**
 * Headline figures of the loaded extract: record counts, the data period and the
 * harm-weighted total (Σ count × weight in CCHI days, excluded and unweighted categories left
 * out and counted separately), over every record loaded; with a declared force area, the records
 * in it (with their crimes and anti-social behaviour), located outside it and without a location
 * ({@link ForceAreaRecords}). An empty `incidents` table gives zeros and null months.
 */
export async function overviewSummary(runner: QueryRunner): Promise<OverviewSummary> {
	const subgroups = await subgroupWeighting(runner);
	const flags = await hasColumn(runner, 'incidents', 'in_force_area');
	const [row] = await runner.rows(overviewSummarySql(subgroups, flags), [ANTI_SOCIAL_BEHAVIOUR, ANTI_SOCIAL_BEHAVIOUR, ...(flags ? [ANTI_SOCIAL_BEHAVIOUR] : [])]);
	// No record flagged: the extract declares no force area (records without a location are never flagged).
	const inside = flags && num(row.flagged) > 0 ? num(row.inside) : null;
	return {
		records: num(row.records),
		crimes: num(row.crimes),
		antiSocialBehaviour: num(row.anti_social_behaviour),
		noLocation: num(row.no_location),
		distinctLsoas: num(row.distinct_lsoas),
		stopSearches: num(row.stop_searches),
		firstMonth: str(row.first_month),
		lastMonth: str(row.last_month),
		months: num(row.months),
		harmTotal: num(row.harm_total),
		excludedRecords: num(row.excluded_records),
		unweightedRecords: num(row.unweighted_records),
		...(subgroups ? { subgroupWeightedRecords: num(row.subgroup_records) } : {}),
		...(inside !== null
			? {
					forceArea: {
						records: inside,
						crimes: inside - num(row.inside_asb),
						antiSocialBehaviour: num(row.inside_asb),
						outside: num(row.outside),
						unplaced: num(row.records) - num(row.flagged)
					}
				}
			: {})
	};
}

export interface CategorySeries {
	category: string;
	/** Records over the whole period. */
	total: number;
	/** Records per month, aligned with {@link MonthlyTrend.months}; zero-filled. */
	counts: number[];
}

export interface MonthlyTrend {
	/** Every calendar month from the first to the last in the data, YYYY-MM, none skipped. */
	months: string[];
	/** One series per category, largest total first, ties by category name. */
	series: CategorySeries[];
}

export const MONTHLY_TREND_SQL = `
WITH span AS (SELECT min(month_index) AS lo, max(month_index) AS hi FROM incidents),
months AS (
	SELECT m.month_index, format('{:04d}-{:02d}', m.month_index // 12, m.month_index % 12 + 1) AS month
	FROM span, range(span.lo, span.hi + 1) AS m(month_index)
	WHERE span.lo IS NOT NULL
),
categories AS (SELECT DISTINCT category FROM incidents),
counts AS (SELECT month_index, category, count(*) AS n FROM incidents GROUP BY ALL)
SELECT months.month, categories.category, coalesce(counts.n, 0)::BIGINT AS count
FROM months CROSS JOIN categories
LEFT JOIN counts ON counts.month_index = months.month_index AND counts.category IS NOT DISTINCT FROM categories.category
ORDER BY months.month_index, categories.category`;

/**
 * Records per month and category over the whole extract, as a complete grid: every month
 * between the first and last is present and a category with no records in a month counts 0.
 * Series are ordered by total (descending), ties by name. An empty table gives no months and
 * no series. Pass the result to {@link lumpTrend} to keep the top N and gather the rest.
 */
export async function monthlyTrendByCategory(runner: QueryRunner): Promise<MonthlyTrend> {
	// At most months × categories rows (a few hundred), so row objects are fine here.
	const rows = await runner.rows(MONTHLY_TREND_SQL);
	const months: string[] = [];
	const byCategory = new Map<string, number[]>();
	for (const row of rows) {
		const month = String(row.month);
		if (months[months.length - 1] !== month) months.push(month);
		const category = str(row.category) ?? '(no category)';
		let counts = byCategory.get(category);
		if (!counts) byCategory.set(category, (counts = []));
		counts.push(num(row.count));
	}
	const series = [...byCategory].map(([category, counts]) => ({
		category,
		total: counts.reduce((a, b) => a + b, 0),
		counts
	}));
	series.sort(byTotalThenName);
	return { months, series };
}

/**
 * Keep the `top` largest series of a trend and sum the others, month by month, into one
 * series named {@link OTHER_CATEGORIES} placed last. With `top` ≥ the number of series (or
 * only one left over, which is then kept under its own name) the trend is returned unchanged.
 */
export function lumpTrend(trend: MonthlyTrend, top: number): MonthlyTrend {
	if (trend.series.length <= top + 1) return trend;
	const kept = trend.series.slice(0, Math.max(0, top));
	const rest = trend.series.slice(kept.length);
	const counts = trend.months.map((_, m) => rest.reduce((sum, s) => sum + s.counts[m], 0));
	return {
		months: trend.months,
		series: [...kept, { category: OTHER_CATEGORIES, total: counts.reduce((a, b) => a + b, 0), counts }]
	};
}

export interface CategoryFigures {
	category: string;
	/** Records in the category. */
	count: number;
	/** count ÷ all records, between 0 and 1. */
	share: number;
	/** Harm weight per record in the model's unit (the category's); null if the category has no weight. */
	weight: number | null;
	/** Records weighed by their offence subgroup's own weight instead (only when records carry `offence_subgroup`); harm is then Σ of the weights used. */
	subgroupRecords?: number;
	/** True if the harm model leaves the category out of harm totals. */
	excluded: boolean;
	/** count × weight in the model's unit; null when excluded or unweighted. */
	harm: number | null;
	/** harm ÷ harm-weighted total of all categories, between 0 and 1; null when harm is null. */
	harmShare: number | null;
}

/** The top categories' SQL; with `subgroups`, records with a weighted offence subgroup weigh that weight (sub_n of them, sub_harm in all). */
export function topCategoriesSql(subgroups: boolean): string {
	return `
WITH counts AS (${
		subgroups
			? `SELECT i.category, count(*) AS n, count(sw.weight) AS sub_n, coalesce(sum(sw.weight), 0) AS sub_harm FROM incidents i${subgroupJoin(true)} GROUP BY i.category`
			: 'SELECT category, count(*) AS n FROM incidents GROUP BY category'
	}),
figures AS (
	SELECT c.category, c.n, w.weight, coalesce(w.excluded, false) AS excluded,
		CASE WHEN coalesce(w.excluded, false) THEN NULL ELSE ${subgroups ? '(c.n - c.sub_n) * w.weight + c.sub_harm' : 'c.n * w.weight'} END AS harm${subgroups ? ', c.sub_n' : ''}
	FROM counts c LEFT JOIN harm_weights w ON w.category = c.category
)
SELECT category, n::BIGINT AS count,${subgroups ? ' sub_n::BIGINT AS sub_n,' : ''}
	(n / sum(n) OVER ())::DOUBLE AS share,
	weight::DOUBLE AS weight, excluded, harm::DOUBLE AS harm,
	(harm / nullif(sum(harm) OVER (), 0))::DOUBLE AS harm_share
FROM figures
ORDER BY n DESC, category ASC
LIMIT ?`;
}

export const TOP_CATEGORIES_SQL = topCategoriesSql(false);

/**
 * The `limit` categories with most records: count, share of all records, harm weight and
 * harm (count × weight, CCHI days). Ordered by count descending, ties by category name. Shares
 * are of all records, not only of those returned. An empty table gives an empty list.
 */
export async function topCategories(runner: QueryRunner, limit: number): Promise<CategoryFigures[]> {
	if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
	const subgroups = await subgroupWeighting(runner);
	const rows = await runner.rows(topCategoriesSql(subgroups), [limit]);
	return rows.map((r) => ({
		category: str(r.category) ?? '(no category)',
		count: num(r.count),
		share: num(r.share),
		weight: r.weight === null ? null : num(r.weight),
		excluded: r.excluded === true,
		harm: r.harm === null ? null : num(r.harm),
		harmShare: r.harm_share === null ? null : num(r.harm_share),
		...(subgroups ? { subgroupRecords: num(r.sub_n) } : {})
	}));
}

export interface DataFreshness {
	/** When the extract was built (ISO 8601, from the manifest). */
	builtAt: string;
	/** Latest month (YYYY-MM) of any dataset with a date range; null if none has one. */
	latestMonth: string | null;
	/** Whole calendar months from latestMonth to `now` (UTC); 0 in the same month; null without latestMonth. */
	ageMonths: number | null;
	/** Whole days from builtAt to `now`; null if builtAt is not a valid date. */
	builtDaysAgo: number | null;
}

/**
 * How recent the loaded data is, relative to `now` (passed in so the result is testable).
 * Looks at the `last` of every dataset's date range (YYYY-MM, YYYY-MM-DD or an ISO timestamp;
 * only the month is used) except the quarantine. A `now` before the latest month gives a
 * negative age rather than hiding the inconsistency.
 */
export function dataFreshness(manifest: Pick<ExtractManifest, 'built_at' | 'datasets'>, now: Date): DataFreshness {
	let latestMonth: string | null = null;
	for (const d of manifest.datasets) {
		if (d.name === 'quarantine' || !d.date_range) continue;
		const month = d.date_range.last.slice(0, 7);
		if (isMonthKey(month) && (latestMonth === null || month > latestMonth)) latestMonth = month;
	}
	const nowIndex = now.getUTCFullYear() * 12 + now.getUTCMonth();
	const ageMonths =
		latestMonth === null ? null : nowIndex - monthIndex(latestMonth);
	const built = Date.parse(manifest.built_at);
	const builtDaysAgo = Number.isNaN(built) ? null : Math.floor((now.getTime() - built) / 86_400_000);
	return { builtAt: manifest.built_at, latestMonth, ageMonths, builtDaysAgo };
}

function str(value: Scalar | undefined): string | null {
	return value === null || value === undefined ? null : String(value);
}

function byTotalThenName(a: { total: number; category: string }, b: { total: number; category: string }): number {
	return b.total - a.total || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0);
}
