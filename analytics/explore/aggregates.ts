/**
 * Build-time pre-aggregates for the Map and Time views. The same SQL runs in the extract
 * builder (Node DuckDB) and, for an extract that lacks them (an imported source, an older
 * extract), in DuckDB-wasm over the loaded tables — so a view never depends on where the
 * aggregates were made.
 *
 * Two tables, both holding every explore dataset (column `dataset`):
 *
 * `explore_points` — records per (month, category, H3 r9 cell, LSOA, district). The r9 cell
 *   carries its parents at resolutions 7 and 8 (functionally dependent: no extra rows), so one
 *   table answers the map at every cell level, the monthly trend and the category × month
 *   matrix, and cross-filters *exactly* by any clicked cell at any level (every level is a
 *   column). A drawn box cuts through cells, so a box selection is answered from the base
 *   table, filtered (exact, slower). Records without a location keep null cell columns (they
 *   count in period/category totals, never in an area).
 *   The records' `in_force_area` flag is a column too, so the map's hot spots count only the
 *   records located inside the force area and its layers can mark the cells outside it; it
 *   follows from the LSOA or district for the sample's sources, so it adds few rows.
 *   The records' Home Office `offence_subgroup` is a column too, so the Map's harm, its cell
 *   details, hot spots on harm and Compare weigh a record by its subgroup where the harm weights
 *   list it under its category (analytics/models/harm-weights.ts subgroupWeightSql), as the
 *   Overview and THR do. It is null for police.uk data (no extra rows there); a force's own
 *   records add a row only per subgroup present in a (month, category, cell) group.
 *   Size: ≤ r9 cells × months × categories (× the few LSOA/district splits of a cell), never
 *   more than the records. Measured: City of London 18,206 street records → 11,887 rows
 *   (sparse: 24 months × 14 categories over ~1,000 snap points); Chicago 117,875 assaults
 *   (one category, 96 months) → ~87,000; it is at scale that it pays: the bound does not grow
 *   with the records (npm run bench prints the sizes at 1M and 10M rows).
 *
 * `explore_hours` — records per (month, category, hour of week, H3 r7 cell, district), for
 *   timestamped datasets only (stop and search, events). A fine area dimension here would
 *   multiply the table by up to 168, so the area dimension is coarse: the hour-of-week view
 *   answers from it when the selection is unfiltered or at h3_7 / district level, and falls
 *   back to the base table, filtered, for finer selections (h3_8, h3_9, LSOA, a drawn box) —
 *   still exact, only slower. Size: ≤ months × categories × 168 × (r7 cell, district) pairs.
 *   Measured: Chicago 117,875 → 111,184 rows (one category over 96 months × 168 hours is
 *   already ~7 records per month-hour; without the area dimensions it would be 15,786); the
 *   bound is what keeps it small as records grow.
 *
 * At run time, analytics/explore/queries.ts rolls both up once more without their area columns
 * (temporary tables `explore_months`, `explore_week`, made once per database) for views with no
 * area selected: months × categories (× 168 hours) rows, e.g. Chicago 111,184 → ~15,800.
 * Column lists follow the extract contract: a column a dataset does not have (e.g.
 * `district_id` on stop and search) is NULL in the aggregate.
 */
import { EXTRACT_DATASETS, type ExtractColumn } from '../ingest/extract-schema';
import { ident, literal } from '../ingest/sql';
import type { QueryRunner } from '../runner';
import type { ExploreDataset } from './filters';
import { thrAreaMonthsSelectSql } from '../thr/area-months';
import { hasColumn } from '../shared/catalog';

export type AggregateName = 'explore_points' | 'explore_hours' | 'thr_area_months';

/** The category column of each explore dataset (stop and search: what was searched for). */
export const CATEGORY_COLUMN: Record<ExploreDataset, string> = {
	incidents: 'category',
	stop_search: 'object_of_search',
	events: 'category'
};

export const CATEGORY_LABEL: Record<ExploreDataset, string> = {
	incidents: 'Crime type',
	stop_search: 'Object of search',
	events: 'Category'
};

/** Datasets with a time of day (hour_of_week); month-resolution data has none. */
export const TIMESTAMPED: Record<ExploreDataset, boolean> = {
	incidents: false,
	stop_search: true,
	events: true
};

function contractColumns(name: AggregateName): ExtractColumn[] {
	const spec = EXTRACT_DATASETS.find((d) => d.name === name);
	if (!spec) throw new Error(`the extract contract has no ${name} dataset`);
	return spec.columns;
}

/** The aggregates (and THR's, analytics/thr/area-months.ts); their columns are declared in the extract contract. */
export const EXPLORE_AGGREGATES: readonly AggregateName[] = ['explore_points', 'explore_hours', 'thr_area_months'];

const EXPLORE_DATASET_NAMES: readonly ExploreDataset[] = ['incidents', 'stop_search', 'events'];

/** The column expression of `name` in a dataset, or a typed NULL when the contract lacks it. */
export function baseColumn(dataset: ExploreDataset, name: string, type = 'VARCHAR'): string {
	const has = EXTRACT_DATASETS.find((d) => d.name === dataset)?.columns.some((c) => c.name === name);
	return has ? ident(name) : `NULL::${type}`;
}

/** Relation (table name or parenthesised subquery) holding each base dataset's rows. */
export type BaseRelations = Record<ExploreDataset, string>;

/** The base tables as the browser (and tests) name them. */
export const BASE_TABLES: BaseRelations = { incidents: 'incidents', stop_search: 'stop_search', events: 'events' };

/** Contract columns a loaded base table lacks (an extract or import older than the contract): NULL in the aggregate. */
export type LackingColumns = Partial<Record<ExploreDataset, ReadonlySet<string>>>;

function pointsSelect(dataset: ExploreDataset, from: string, lacking: LackingColumns = {}): string {
	const c = (name: string, type?: string) => (lacking[dataset]?.has(name) ? `NULL::${type ?? 'VARCHAR'}` : baseColumn(dataset, name, type));
	return `SELECT ${literal(dataset)} AS dataset, month, month_index, ${ident(CATEGORY_COLUMN[dataset])} AS category,
	  h3_r7, h3_r8, h3_r9, ${c('lsoa_code')} AS lsoa_code, ${c('district_id')} AS district_id,
	  ${c('in_force_area', 'BOOLEAN')} AS in_force_area, ${c('offence_subgroup')} AS offence_subgroup, count(*)::INTEGER AS n
	FROM ${from} AS b GROUP BY ALL`;
}

function hoursSelect(dataset: ExploreDataset, from: string): string {
	return `SELECT ${literal(dataset)} AS dataset, month, month_index, ${ident(CATEGORY_COLUMN[dataset])} AS category,
	  hour_of_week, h3_r7, ${baseColumn(dataset, 'district_id')} AS district_id, count(*)::INTEGER AS n
	FROM ${from} AS b GROUP BY ALL`;
}

/**
 * The SELECT producing an aggregate from the base relations, ordered so equal filter keys sit
 * together (dataset, month) for zone-map pruning.
 */
export function aggregateSelectSql(name: AggregateName, base: BaseRelations = BASE_TABLES, lacking: LackingColumns = {}): string {
	if (name === 'thr_area_months') return thrAreaMonthsSelectSql(base.incidents, baseColumn('incidents', 'in_force_area', 'BOOLEAN'));
	const parts =
		name === 'explore_points'
			? EXPLORE_DATASET_NAMES.map((d) => pointsSelect(d, base[d], lacking))
			: EXPLORE_DATASET_NAMES.filter((d) => TIMESTAMPED[d]).map((d) => hoursSelect(d, base[d]));
	const columns = contractColumns(name).map((c) => `${ident(c.name)}::${c.type} AS ${ident(c.name)}`);
	return `SELECT ${columns.join(', ')} FROM (${parts.join('\nUNION ALL\n')}) ORDER BY dataset, month_index, category`;
}

/**
 * Create both aggregate tables from the loaded base tables (browser, for an extract that lacks
 * them; tests). Replaces any existing table of the same name.
 */
export async function createAggregateTables(runner: QueryRunner, base: BaseRelations = BASE_TABLES): Promise<void> {
	// Base tables loaded from an extract built before offence subgroups lack the column: NULL in explore_points.
	const lacking: LackingColumns = {};
	for (const d of ['incidents', 'events'] as const) {
		if (base[d] === BASE_TABLES[d] && !(await hasColumn(runner, d, 'offence_subgroup'))) lacking[d] = new Set(['offence_subgroup']);
	}
	for (const name of EXPLORE_AGGREGATES) {
		await runner.exec(`CREATE OR REPLACE TABLE ${ident(name)} AS ${aggregateSelectSql(name, base, lacking)}`);
	}
}

/**
 * Write the aggregates (`names`, default all) with the builder's dataset writer (one Arrow file
 * and manifest entry each). `write(name, relation)` is the builder's writeDataset for a relation.
 * The extract builder writes `explore_points` into base.duckdb instead (scripts/lib/extracts.ts):
 * at national scale it is millions of rows, read on demand rather than loaded whole.
 */
export async function writeExploreAggregates<T>(
	write: (name: AggregateName, relation: string) => Promise<T>,
	base: BaseRelations,
	names: readonly AggregateName[] = EXPLORE_AGGREGATES
): Promise<T[]> {
	const out: T[] = [];
	for (const name of names) out.push(await write(name, `(${aggregateSelectSql(name, base)})`));
	return out;
}
