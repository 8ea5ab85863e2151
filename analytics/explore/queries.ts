/**
 * Queries of the Map and Time views. Every per-interaction query reads the small
 * pre-aggregates (analytics/explore/aggregates.ts), except the incident list of one cell and
 * the hour-of-week view under a selection finer than its aggregate, which read the base table
 * filtered. Every value is a bound parameter; column names come only from the fixed maps below.
 *
 * Cross-filtering: the Time views apply every filter (period, categories, area selection,
 * drawn box). The map layer (`cellValues`) applies period and categories but, by default, not
 * its own selection (area, box): the map shows every cell and highlights the selected ones, as
 * cross-filter views usually do; pass `{ selection: 'apply' }` to filter it too.
 */
import { ident } from '../ingest/sql';
import type { Param, QueryRunner, Row } from '../runner';
import { CATEGORY_COLUMN, TIMESTAMPED, baseColumn, createAggregateTables } from './aggregates';
import { DATASET_LABELS, monthIndex, monthKey, type CellLevel, type ExploreDataset, type ExploreFilters, type Measure } from './filters';
import { hasColumn, studyRegion } from './study-region';

/** The aggregate / base column holding each cell level. */
export const LEVEL_COLUMN: Record<CellLevel, string> = {
	h3_7: 'h3_r7',
	h3_8: 'h3_r8',
	h3_9: 'h3_r9',
	lsoa: 'lsoa_code',
	district: 'district_id'
};

interface Where {
	sql: string;
	params: Param[];
}

function placeholders(n: number): string {
	return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * WHERE clause of a filter state. `dataset`: the aggregates hold every dataset in one table;
 * base tables are one per dataset (no dataset test, category under its own column name).
 */
function whereOf(
	f: ExploreFilters,
	{ on, area = true, bbox = true }: { on: 'aggregate' | 'base'; area?: boolean; bbox?: boolean }
): Where {
	const parts: string[] = [];
	const params: Param[] = [];
	if (on === 'aggregate') {
		parts.push('dataset = ?');
		params.push(f.dataset);
	}
	if (f.from !== null) {
		parts.push('month_index >= ?');
		params.push(monthIndex(f.from));
	}
	if (f.to !== null) {
		parts.push('month_index <= ?');
		params.push(monthIndex(f.to));
	}
	if (f.categories.length > 0) {
		const col = on === 'aggregate' ? 'category' : CATEGORY_COLUMN[f.dataset];
		parts.push(`${ident(col)} IN (${placeholders(f.categories.length)})`);
		params.push(...f.categories);
	}
	if (area && f.area && f.area.ids.length > 0) {
		const col = on === 'aggregate' ? ident(LEVEL_COLUMN[f.area.level]) : baseColumn(f.dataset, LEVEL_COLUMN[f.area.level]);
		parts.push(`${col} IN (${placeholders(f.area.ids.length)})`);
		params.push(...f.area.ids);
	}
	if (bbox && f.bbox) {
		// The aggregates have cells, not points: a box is answered from the base table.
		if (on === 'aggregate') throw new Error('internal: a drawn box needs the base table');
		parts.push('longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?');
		params.push(f.bbox[0], f.bbox[2], f.bbox[1], f.bbox[3]);
	}
	return { sql: parts.length > 0 ? parts.join(' AND ') : 'true', params };
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const existing = new WeakMap<QueryRunner, Set<string>>();

/**
 * Whether a table exists (the `districts` table is absent from older extracts). A table once
 * seen is remembered per runner: catalogue queries cost more than the aggregate queries.
 */
async function tableExists(runner: QueryRunner, name: string): Promise<boolean> {
	let seen = existing.get(runner);
	if (!seen) existing.set(runner, (seen = new Set()));
	if (seen.has(name)) return true;
	const rows = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ? AND table_schema IN ('main', 'temp')",
		[name]
	);
	const found = num(rows[0]?.n) > 0;
	if (found) seen.add(name);
	return found;
}

const rollups = new WeakMap<QueryRunner, Map<string, Promise<void>>>();

/**
 * Roll-ups of the pre-aggregates without their area columns, made once per runner (temporary
 * tables, from the aggregates already loaded): a view with no area selected reads a table as
 * small as months × categories (× hours of week) instead of one with a row per cell.
 * `explore_months` (dataset, month_index, category, n), `explore_week` (… and hour_of_week) and,
 * for the map layer, `explore_cells_<level>` (dataset, month_index, category, cell_id, n).
 */
const ROLLUP_SQL = {
	explore_months: 'SELECT dataset, month_index, category, sum(n)::BIGINT AS n FROM explore_points GROUP BY ALL ORDER BY ALL',
	explore_week: 'SELECT dataset, month_index, category, hour_of_week, sum(n)::BIGINT AS n FROM explore_hours GROUP BY ALL ORDER BY ALL'
} as const;

/**
 * The map layer's roll-up of one cell level: records per (dataset, month, category, cell, force
 * area flag), located records only. `flag` is the in_force_area expression of explore_points
 * (a typed NULL for aggregates built before the flag).
 */
function cellRollup(level: CellLevel, flag: string): { name: string; sql: string } {
	return {
		name: `explore_cells_${level}`,
		sql: `SELECT dataset, month_index, category, ${ident(LEVEL_COLUMN[level])} AS cell_id, ${flag} AS in_force_area, sum(n)::BIGINT AS n FROM explore_points WHERE ${ident(LEVEL_COLUMN[level])} IS NOT NULL GROUP BY ALL ORDER BY ALL`
	};
}

const flags = new WeakMap<QueryRunner, Promise<string>>();

/** explore_points' in_force_area column, or a typed NULL when the aggregate has none; once per runner. */
function pointsFlag(runner: QueryRunner): Promise<string> {
	let p = flags.get(runner);
	if (!p) {
		p = hasColumn(runner, 'explore_points', 'in_force_area').then((has) => (has ? 'in_force_area' : 'NULL::BOOLEAN'));
		p.catch(() => flags.delete(runner));
		flags.set(runner, p);
	}
	return p;
}

function rollup(runner: QueryRunner, name: keyof typeof ROLLUP_SQL | { name: string; sql: string }): Promise<void> {
	const table = typeof name === 'string' ? { name, sql: ROLLUP_SQL[name] } : name;
	let made = rollups.get(runner);
	if (!made) rollups.set(runner, (made = new Map()));
	let p = made.get(table.name);
	if (!p) {
		p = runner.exec(`CREATE OR REPLACE TEMP TABLE ${ident(table.name)} AS ${table.sql}`);
		p.catch(() => made.delete(table.name));
		made.set(table.name, p);
	}
	return p;
}

// ————————————————————————————————————————————————— what the source offers

export interface DatasetSummary {
	dataset: ExploreDataset;
	label: string;
	records: number;
	firstMonth: string;
	lastMonth: string;
	/** Categories by records, most first (null = records without a category). */
	categories: Array<{ category: string | null; n: number }>;
	timestamped: boolean;
	/** Cell levels with at least one located record. */
	levels: CellLevel[];
}

/**
 * Make the pre-aggregates from the base tables when the extract has none (an imported source,
 * an extract built before they existed): absent or empty while records exist. Same SQL as the
 * builder. Returns true when it built them.
 */
export async function ensureAggregates(runner: QueryRunner): Promise<boolean> {
	for (const t of ['incidents', 'stop_search', 'events']) if (!(await tableExists(runner, t))) return false;
	const [r] = await runner.rows<{ base: number }>(
		'SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM stop_search) + (SELECT count(*) FROM events) AS base'
	);
	if (num(r?.base) === 0) return false;
	if ((await tableExists(runner, 'explore_points')) && (await tableExists(runner, 'explore_hours'))) {
		const [a] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM explore_points');
		if (num(a?.n) > 0) return false;
	}
	await createAggregateTables(runner);
	return true;
}

/**
 * Datasets with records in the aggregates, their period, categories and cell levels (the
 * aggregates are made first if the extract lacks them, see ensureAggregates).
 */
export async function exploreDatasets(runner: QueryRunner): Promise<DatasetSummary[]> {
	await ensureAggregates(runner);
	const summary = await runner.rows<{
		dataset: string; records: number; first: number; last: number; h7: number; h8: number; h9: number; lsoa: number; district: number;
	}>(
		`SELECT dataset, sum(n)::BIGINT AS records, min(month_index) AS first, max(month_index) AS last,
		  count(h3_r7) AS h7, count(h3_r8) AS h8, count(h3_r9) AS h9, count(lsoa_code) AS lsoa, count(district_id) AS district
		 FROM explore_points GROUP BY dataset`
	);
	const cats = await runner.rows<{ dataset: string; category: string | null; n: number }>(
		'SELECT dataset, category, sum(n)::BIGINT AS n FROM explore_points GROUP BY ALL ORDER BY dataset, n DESC, category NULLS LAST'
	);
	const order: ExploreDataset[] = ['incidents', 'stop_search', 'events'];
	return order.flatMap((dataset) => {
		const s = summary.find((r) => r.dataset === dataset);
		if (!s || num(s.records) === 0) return [];
		const levels: CellLevel[] = [];
		if (num(s.h7) > 0) levels.push('h3_7');
		if (num(s.h8) > 0) levels.push('h3_8');
		if (num(s.h9) > 0) levels.push('h3_9');
		if (num(s.lsoa) > 0) levels.push('lsoa');
		if (num(s.district) > 0) levels.push('district');
		return [
			{
				dataset,
				label: DATASET_LABELS[dataset],
				records: num(s.records),
				firstMonth: monthKey(num(s.first)),
				lastMonth: monthKey(num(s.last)),
				categories: cats.filter((c) => c.dataset === dataset).map((c) => ({ category: c.category, n: num(c.n) })),
				timestamped: TIMESTAMPED[dataset],
				levels
			}
		];
	});
}

// ————————————————————————————————————————————————— map layer

export interface CellValue extends Row {
	cell_id: string;
	/** Records in the cell under the filters. */
	n: number;
	/** Σ records × harm weight over weighted, non-excluded categories (CCHI days). */
	harm: number;
	/** Records in categories with no weight or excluded from harm. */
	unweighted: number;
	/** Of `n`, records located outside the force area (their in_force_area flag is false). */
	outside: number;
	/**
	 * Whether the cell is part of the force area at this level (analytics/explore/study-region.ts);
	 * null when the source declares no force area.
	 */
	inForceArea: boolean | null;
	/** Residents (LSOA: mid-2015; district: from the districts table); null when unknown. */
	population: number | null;
	/** The measure's value; null when it cannot be computed for this cell (see `note`). */
	value: number | null;
	/** Why `value` is null, else null. */
	note: string | null;
}

/** THR scores (0–1) per LSOA for an assessment month, e.g. from analytics/thr scoreMonth. */
export type ThrScores = (month: string) => Promise<ReadonlyMap<string, number>>;

export interface CellValueOptions {
	/** Apply the area selection and drawn box to the map layer too (default: 'ignore'). */
	selection?: 'ignore' | 'apply';
	/** Source of THR scores for the `thr` measure. */
	thr?: ThrScores;
}

/** Why a measure cannot be shown at all for a dataset and level (null = it can). */
export function measureUnavailable(measure: Measure, dataset: ExploreDataset, level: CellLevel): string | null {
	if (measure === 'rate' && level.startsWith('h3')) return 'Rates need a resident population: there is none for hexagons. Choose LSOAs or districts.';
	if (measure === 'harm' && dataset !== 'incidents') return `Harm weights (CCHI) cover police.uk crime types only, not ${DATASET_LABELS[dataset].toLowerCase()}.`;
	if (measure === 'thr' && (dataset !== 'incidents' || level !== 'lsoa')) return 'THR scores are per LSOA, from street crime and ASB: choose that dataset and the LSOA layer.';
	return null;
}

/** The last month with records of a dataset (for a THR score when the period is open). */
async function lastMonth(runner: QueryRunner, f: ExploreFilters): Promise<string | null> {
	const [r] = await runner.rows<{ m: number | null }>('SELECT max(month_index) AS m FROM explore_points WHERE dataset = ?', [f.dataset]);
	return r?.m === null || r?.m === undefined ? null : monthKey(num(r.m));
}

/**
 * One row per cell with records under the filters at `level` (cells without a value at that
 * level — no location, no district — are left out), ordered by cell id. `value` is the
 * measure: count, harm, rate per 1,000 residents, or THR score (for the month `to`, or the
 * last month with data; the model's own categories and windows apply). Records located outside
 * the force area are counted (and their number given in `outside`); a cell outside the force
 * area has no THR score (value null, note "Outside the force area").
 */
export async function cellValues(runner: QueryRunner, f: ExploreFilters, level: CellLevel, options: CellValueOptions = {}): Promise<CellValue[]> {
	const apply = options.selection === 'apply';
	const onBase = apply && f.bbox !== null;
	const w = whereOf(f, { on: onBase ? 'base' : 'aggregate', area: apply, bbox: apply });
	const col = onBase ? baseColumn(f.dataset, LEVEL_COLUMN[level]) : ident(LEVEL_COLUMN[level]);
	// Without an area filter, the level's own roll-up (far fewer rows than explore_points at coarse levels).
	const flag = await pointsFlag(runner);
	const byLevel = !onBase && !(apply && f.area) ? cellRollup(level, flag) : null;
	if (byLevel) await rollup(runner, byLevel);
	const records = onBase
		? `(SELECT ${col} AS cell_id, ${ident(CATEGORY_COLUMN[f.dataset])} AS category, ${baseColumn(f.dataset, 'in_force_area', 'BOOLEAN')} AS in_force_area, 1 AS n FROM ${ident(f.dataset)} WHERE ${w.sql} AND ${col} IS NOT NULL)`
		: byLevel
			? `(SELECT cell_id, category, in_force_area, n FROM ${ident(byLevel.name)} WHERE ${w.sql})`
			: `(SELECT ${col} AS cell_id, category, ${flag} AS in_force_area, n FROM explore_points WHERE ${w.sql} AND ${col} IS NOT NULL)`;
	let popJoin = 'NULL::BIGINT AS population';
	let join = '';
	if (level === 'lsoa' && (await tableExists(runner, 'areas'))) {
		join = 'LEFT JOIN (SELECT lsoa_code AS id, any_value(population) AS population FROM areas GROUP BY 1) p ON p.id = c.cell_id';
		popJoin = 'p.population::BIGINT AS population';
	} else if (level === 'district' && (await tableExists(runner, 'districts'))) {
		join = 'LEFT JOIN (SELECT district_id AS id, any_value(population) AS population FROM districts GROUP BY 1) p ON p.id = c.cell_id';
		popJoin = 'p.population::BIGINT AS population';
	}
	const rows = await runner.rows<{ cell_id: string; n: number; harm: number; unweighted: number; outside: number; population: number | null }>(
		`WITH x AS (
		   SELECT cell_id, category, sum(n)::BIGINT AS n, coalesce(sum(n) FILTER (WHERE in_force_area = false), 0)::BIGINT AS outside
		   FROM ${records} GROUP BY cell_id, category
		 ),
		 c AS (
		   -- Weights joined once per cell and category, not once per aggregate row.
		   SELECT x.cell_id, sum(x.n)::BIGINT AS n,
		     coalesce(sum(x.n * w.weight) FILTER (WHERE w.weight IS NOT NULL AND NOT w.excluded), 0)::DOUBLE AS harm,
		     coalesce(sum(x.n) FILTER (WHERE w.weight IS NULL OR w.excluded), 0)::BIGINT AS unweighted,
		     sum(x.outside)::BIGINT AS outside
		   FROM x LEFT JOIN harm_weights w ON w.category = x.category
		   GROUP BY 1
		 )
		 SELECT c.cell_id, c.n, c.harm, c.unweighted, c.outside, ${popJoin} FROM c ${join} ORDER BY c.cell_id`,
		w.params
	);
	const region = (await studyRegion(runner, f.dataset, level)).ids;
	const unavailable = measureUnavailable(f.measure, f.dataset, level);
	let scores: ReadonlyMap<string, number> | null = null;
	let thrNote: string | null = null;
	if (f.measure === 'thr' && !unavailable) {
		const month = f.to ?? (await lastMonth(runner, f));
		if (!options.thr) thrNote = 'No THR scores were supplied.';
		else if (month) scores = await options.thr(month);
		else thrNote = 'No month with records.';
	}
	return rows.map((r) => {
		const n = num(r.n);
		const harm = num(r.harm);
		const population = numOrNull(r.population);
		const inForceArea = region ? region.has(r.cell_id) : null;
		let value: number | null = null;
		let note: string | null = unavailable;
		if (!unavailable && f.measure === 'thr' && inForceArea === false) {
			note = 'Outside the force area: not scored.';
		} else if (!unavailable) {
			switch (f.measure) {
				case 'count':
					value = n;
					break;
				case 'harm':
					value = harm;
					break;
				case 'rate':
					if (population === null || population <= 0) note = 'Population unknown for this area.';
					else value = (n / population) * 1000;
					break;
				case 'thr': {
					const s = scores?.get(r.cell_id);
					if (s === undefined) note = thrNote ?? 'Not in the THR model’s scope this month (no harm-counted records in its window).';
					else value = s;
					break;
				}
			}
		}
		return { cell_id: r.cell_id, n, harm, unweighted: num(r.unweighted), outside: num(r.outside), inForceArea, population, value, note };
	});
}

// ————————————————————————————————————————————————— one cell

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
	categories: Array<{ category: string | null; n: number; weight: number | null; excluded: boolean; harm: number | null }>;
}

/** The figures behind one cell under the filters (period, categories; the cell is the area). */
export async function cellDetail(runner: QueryRunner, f: ExploreFilters, level: CellLevel, cellId: string): Promise<CellDetail> {
	const scoped: ExploreFilters = { ...f, area: { level, ids: [cellId] }, bbox: null };
	const w = whereOf(scoped, { on: 'aggregate' });
	const cats = await runner.rows<{ category: string | null; n: number; weight: number | null; excluded: boolean | null; first: number; last: number }>(
		`SELECT x.category, sum(x.n)::BIGINT AS n, any_value(w.weight)::DOUBLE AS weight, any_value(w.excluded) AS excluded,
		   min(x.month_index) AS first, max(x.month_index) AS last
		 FROM (SELECT * FROM explore_points WHERE ${w.sql}) x LEFT JOIN harm_weights w ON w.category = x.category
		 GROUP BY x.category ORDER BY n DESC, x.category NULLS LAST`,
		w.params
	);
	const categories = cats.map((c) => {
		const weight = numOrNull(c.weight);
		const excluded = c.excluded === true;
		return { category: c.category, n: num(c.n), weight, excluded, harm: weight === null || excluded ? null : num(c.n) * weight };
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

// ————————————————————————————————————————————————— Time views

export interface HourOfWeek {
	/** False for month-resolution data (no time of day). */
	available: boolean;
	reason: string | null;
	/** 168 counts, index = hour of week (0 = Monday 00:00–00:59). */
	counts: number[];
	total: number;
	/** Where the counts came from: the pre-aggregate or, for fine selections, the base table. */
	from: 'aggregate' | 'base' | null;
}

/** Records per hour of the week under every filter (timestamped datasets only). */
export async function hourOfWeek(runner: QueryRunner, f: ExploreFilters): Promise<HourOfWeek> {
	const counts = new Array<number>(168).fill(0);
	if (!TIMESTAMPED[f.dataset]) {
		return {
			available: false,
			reason: `${DATASET_LABELS[f.dataset]} are recorded by month only (police.uk publishes no date or time), so there is no hour of the week.`,
			counts,
			total: 0,
			from: null
		};
	}
	const coarse = !f.bbox && (!f.area || f.area.level === 'h3_7' || f.area.level === 'district');
	let rows: Array<{ h: number; n: number }>;
	if (coarse) {
		const w = whereOf(f, { on: 'aggregate' });
		let table = 'explore_hours';
		if (!f.area) {
			await rollup(runner, 'explore_week');
			table = 'explore_week';
		}
		rows = await runner.rows(`SELECT hour_of_week AS h, sum(n)::BIGINT AS n FROM ${table} WHERE ${w.sql} AND hour_of_week IS NOT NULL GROUP BY 1`, w.params);
	} else {
		const w = whereOf(f, { on: 'base' });
		rows = await runner.rows(`SELECT hour_of_week AS h, count(*)::BIGINT AS n FROM ${ident(f.dataset)} WHERE ${w.sql} AND hour_of_week IS NOT NULL GROUP BY 1`, w.params);
	}
	let total = 0;
	for (const r of rows) {
		const h = num(r.h);
		if (h >= 0 && h < 168) {
			counts[h] = num(r.n);
			total += counts[h];
		}
	}
	return { available: true, reason: null, counts, total, from: coarse ? 'aggregate' : 'base' };
}

export interface MonthCategoryCounts {
	/** Every month of the period, oldest first (no gaps). */
	months: string[];
	/** Categories by records under the filters, most first; null = no category. */
	categories: Array<string | null>;
	/** counts[c][m]: records of categories[c] in months[m]. */
	counts: number[][];
	categoryTotals: number[];
	monthTotals: number[];
	total: number;
}

/**
 * Records per category and month under every filter (from the aggregate; a drawn box from the
 * base table). The months run over the period chosen,
 * or the dataset's own period where the filter is open, so the axis stays put as categories
 * and areas change.
 */
const monthRanges = new WeakMap<QueryRunner, Map<string, Promise<{ first: number | null; last: number | null }>>>();

/**
 * First and last month index of a dataset's records, once per runner and dataset (the tables
 * of a runner do not change): a filter change with an open period needs no query for it.
 */
function monthRange(runner: QueryRunner, dataset: string): Promise<{ first: number | null; last: number | null }> {
	let byDataset = monthRanges.get(runner);
	if (!byDataset) monthRanges.set(runner, (byDataset = new Map()));
	let p = byDataset.get(dataset);
	if (!p) {
		p = runner
			.rows<{ first: number | null; last: number | null }>('SELECT min(month_index) AS first, max(month_index) AS last FROM explore_points WHERE dataset = ?', [dataset])
			.then(([r]) => ({ first: numOrNull(r?.first), last: numOrNull(r?.last) }));
		p.catch(() => byDataset.delete(dataset));
		byDataset.set(dataset, p);
	}
	return p;
}

export async function monthCategoryCounts(runner: QueryRunner, f: ExploreFilters): Promise<MonthCategoryCounts> {
	const range = f.from !== null && f.to !== null ? null : await monthRange(runner, f.dataset);
	let cols;
	if (f.bbox) {
		const w = whereOf(f, { on: 'base' });
		cols = await runner.columns(
			`SELECT ${ident(CATEGORY_COLUMN[f.dataset])} AS category, month_index, count(*)::BIGINT AS n FROM ${ident(f.dataset)} WHERE ${w.sql} GROUP BY ALL`,
			w.params
		);
	} else {
		const w = whereOf(f, { on: 'aggregate' });
		let table = 'explore_points';
		if (!f.area) {
			await rollup(runner, 'explore_months');
			table = 'explore_months';
		}
		cols = await runner.columns(`SELECT category, month_index, sum(n)::BIGINT AS n FROM ${table} WHERE ${w.sql} GROUP BY ALL`, w.params);
	}
	const first = f.from !== null ? monthIndex(f.from) : (range?.first ?? null);
	const last = f.to !== null ? monthIndex(f.to) : (range?.last ?? null);
	const months: string[] = [];
	if (first !== null && last !== null) for (let i = first; i <= last; i++) months.push(monthKey(i));
	const byCat = new Map<string | null, number[]>();
	const cat = cols.category ?? [];
	const mi = cols.month_index ?? [];
	const ns = cols.n ?? [];
	for (let i = 0; i < cat.length; i++) {
		const k = first === null ? -1 : num(mi[i]) - first;
		if (k < 0 || k >= months.length) continue;
		const key = (cat[i] as string | null) ?? null;
		let row = byCat.get(key);
		if (!row) byCat.set(key, (row = new Array<number>(months.length).fill(0)));
		row[k] += num(ns[i]);
	}
	const entries = [...byCat.entries()].map(([c, row]) => ({ c, row, t: row.reduce((s, v) => s + v, 0) }));
	entries.sort((a, b) => b.t - a.t || (a.c === null ? 1 : b.c === null ? -1 : a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
	const monthTotals = months.map((_, m) => entries.reduce((s, e) => s + e.row[m], 0));
	return {
		months,
		categories: entries.map((e) => e.c),
		counts: entries.map((e) => e.row),
		categoryTotals: entries.map((e) => e.t),
		monthTotals,
		total: monthTotals.reduce((s, v) => s + v, 0)
	};
}

export interface MonthlyTrend {
	months: string[];
	series: Array<{ category: string | null; values: number[]; total: number }>;
	total: number;
}

/** Monthly records per category (one series per category, most records first). */
export async function monthlyTrend(runner: QueryRunner, f: ExploreFilters, counts?: MonthCategoryCounts): Promise<MonthlyTrend> {
	const c = counts ?? (await monthCategoryCounts(runner, f));
	return { months: c.months, series: c.categories.map((category, i) => ({ category, values: c.counts[i], total: c.categoryTotals[i] })), total: c.total };
}

/** The category × month matrix (rows: categories, most records first; columns: months). */
export async function categoryMonthMatrix(runner: QueryRunner, f: ExploreFilters, counts?: MonthCategoryCounts): Promise<MonthCategoryCounts> {
	return counts ?? monthCategoryCounts(runner, f);
}

/** Label of a category value (null = the source gave none). */
export function categoryLabel(category: string | null): string {
	return category ?? '(no category)';
}

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** "Monday 00:00–00:59" for an hour of week. */
export function hourOfWeekLabel(h: number): string {
	const day = DAY_NAMES[Math.floor(h / 24)];
	const hour = h % 24;
	return `${day} ${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59`;
}
