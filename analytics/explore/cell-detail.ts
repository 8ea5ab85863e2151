/** One cell of the map: its figures under the filters, and its records a page at a time. */
import { ident } from '../ingest/sql';
import type { QueryRunner, Row } from '../runner';
import { baseColumn } from './aggregates';
import { monthKey, type CellLevel, type ExploreDataset, type ExploreFilters } from './filters';
import { num, numOrNull } from '../shared/numbers';
import { subgroupHarm, tableExists, whereOf } from './query-base';
import { subgroupWeightSql } from '../models/harm-weights';

export interface CellDetail {
	level: CellLevel;
	cellId: string;
	n: number;
	harm: number;
	unweighted: number;
	population: number | null;
	/** Records per 1,000 residents; null when the population is unknown. */
	rate: number | null;
	firstMonth: string | null;
	lastMonth: string | null;
	/**
	 * Per category: records, the category's weight, and harm (null when excluded or unweighted).
	 * When records carry offence subgroups, harm weighs each by its subgroup's weight where the
	 * harm weights list it under the category (analytics/models subgroupWeightSql), and
	 * `subgroupRecords` says how many did.
	 */
	categories: Array<{ category: string | null; n: number; weight: number | null; excluded: boolean; harm: number | null; subgroupRecords?: number }>;
}

/** The figures behind one cell under the filters (period, categories; the cell is the area). */
export async function cellDetail(runner: QueryRunner, f: ExploreFilters, level: CellLevel, cellId: string): Promise<CellDetail> {
	const scoped: ExploreFilters = { ...f, area: { level, ids: [cellId] }, bbox: null };
	const w = whereOf(scoped, { on: 'aggregate' });
	// Records carrying offence subgroups: the subgroup's weight where listed under the category.
	const sw = (await subgroupHarm(runner)) ? subgroupWeightSql('x') : null;
	const cats = await runner.rows<{ category: string | null; n: number; weight: number | null; excluded: boolean | null; first: number; last: number; harm?: number | null; sub_n?: number }>(
		`SELECT x.category, sum(x.n)::BIGINT AS n, any_value(w.weight)::DOUBLE AS weight, any_value(w.excluded) AS excluded,
		   min(x.month_index) AS first, max(x.month_index) AS last${
				sw ? `, sum(x.n * ${sw.weight('w.weight')})::DOUBLE AS harm, coalesce(sum(x.n) FILTER (WHERE sw.weight IS NOT NULL), 0)::BIGINT AS sub_n` : ''
			}
		 FROM (SELECT * FROM explore_points WHERE ${w.sql}) x LEFT JOIN harm_weights w ON w.category = x.category ${sw?.join ?? ''}
		 GROUP BY x.category ORDER BY n DESC, x.category NULLS LAST`,
		w.params
	);
	const categories = cats.map((c) => {
		const weight = numOrNull(c.weight);
		const excluded = c.excluded === true;
		if (!sw) return { category: c.category, n: num(c.n), weight, excluded, harm: weight === null || excluded ? null : num(c.n) * weight };
		return { category: c.category, n: num(c.n), weight, excluded, harm: weight === null || excluded ? null : num(c.harm), subgroupRecords: weight === null || excluded ? 0 : num(c.sub_n) };
	});
	const n = categories.reduce((s, c) => s + c.n, 0);
	const harm = categories.reduce((s, c) => s + (c.harm ?? 0), 0);
	const unweighted = categories.reduce((s, c) => s + (c.harm === null ? c.n : 0), 0);
	let population: number | null = null;
	if (level === 'lsoa' && (await tableExists(runner, 'areas'))) {
		const [p] = await runner.rows<{ p: number | null }>('SELECT any_value(population) AS p FROM areas WHERE lsoa_code = ?', [cellId]);
		population = numOrNull(p?.p);
	} else if (level === 'district' && (await tableExists(runner, 'districts'))) {
		const [p] = await runner.rows<{ p: number | null }>('SELECT any_value(population) AS p FROM districts WHERE district_id = ?', [cellId]);
		population = numOrNull(p?.p);
	}
	const firsts = cats.map((c) => num(c.first));
	const lasts = cats.map((c) => num(c.last));
	return {
		level,
		cellId,
		n,
		harm,
		unweighted,
		population,
		rate: population && population > 0 ? (n / population) * 1000 : null,
		firstMonth: firsts.length ? monthKey(Math.min(...firsts)) : null,
		lastMonth: lasts.length ? monthKey(Math.max(...lasts)) : null,
		categories
	};
}

/** Columns of the incident list per dataset: [output name, base column, type]. */
const INCIDENT_COLUMNS: Record<ExploreDataset, Array<[string, string, string]>> = {
	incidents: [
		['month', 'month', 'VARCHAR'],
		['category', 'category', 'VARCHAR'],
		['location', 'location', 'VARCHAR'],
		['lsoa_code', 'lsoa_code', 'VARCHAR'],
		['last_outcome', 'last_outcome', 'VARCHAR'],
		['crime_id', 'crime_id', 'VARCHAR'],
		['source_file', 'source_file', 'VARCHAR'],
		['source_line', 'source_line', 'INTEGER']
	],
	stop_search: [
		['occurred_at', 'occurred_at', 'TIMESTAMP'],
		['category', 'object_of_search', 'VARCHAR'],
		['search_type', 'search_type', 'VARCHAR'],
		['legislation', 'legislation', 'VARCHAR'],
		['outcome', 'outcome', 'VARCHAR'],
		['lsoa_code', 'lsoa_code', 'VARCHAR'],
		['source_file', 'source_file', 'VARCHAR'],
		['source_line', 'source_line', 'INTEGER']
	],
	events: [
		['occurred_at', 'occurred_at', 'TIMESTAMP'],
		['category', 'category', 'VARCHAR'],
		['priority', 'priority', 'VARCHAR'],
		['area_code', 'area_code', 'VARCHAR'],
		['incident_id', 'incident_id', 'VARCHAR'],
		['source_file', 'source_file', 'VARCHAR'],
		['source_line', 'source_line', 'INTEGER']
	]
};

export interface IncidentPage {
	columns: string[];
	rows: Row[];
	/** Records in the cell under the filters (all pages). */
	total: number;
	offset: number;
	limit: number;
}

/**
 * The records behind one cell (base table, filtered by period and categories), a page at a
 * time, in time order then file and line.
 */
export async function incidentRows(
	runner: QueryRunner,
	f: ExploreFilters,
	level: CellLevel,
	cellId: string,
	page: { offset: number; limit: number } = { offset: 0, limit: 50 }
): Promise<IncidentPage> {
	const scoped: ExploreFilters = { ...f, area: { level, ids: [cellId] }, bbox: null };
	const w = whereOf(scoped, { on: 'base' });
	const table = ident(f.dataset);
	const cols = INCIDENT_COLUMNS[f.dataset];
	const select = cols.map(([out, col, type]) => `${baseColumn(f.dataset, col, type)} AS ${ident(out)}`).join(', ');
	const order = f.dataset === 'incidents' ? 'month_index, source_file, source_line' : 'occurred_at, source_file, source_line';
	const limit = Math.max(1, Math.min(1000, Math.floor(page.limit)));
	const offset = Math.max(0, Math.floor(page.offset));
	const [count] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${w.sql}`, w.params);
	const rows = await runner.rows(`SELECT ${select} FROM ${table} WHERE ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`, [...w.params, limit, offset]);
	return { columns: cols.map(([out]) => out), rows, total: num(count?.n), offset, limit };
}
