/**
 * The plumbing every Explore query shares (internal to analytics/explore): the cell-level
 * columns, the WHERE clause of a filter state, a per-runner table check, and the roll-ups of
 * the pre-aggregates made once per runner. Every value is a bound parameter; column names come
 * only from the fixed maps here and in aggregates.ts.
 */
import { ident } from '../ingest/sql';
import type { QueryRunner } from '../runner';
import { CATEGORY_COLUMN, baseColumn } from './aggregates';
import { PARENT_LEVELS, monthIndex, type CellLevel, type ExploreFilters } from './filters';
import { hasColumn, tableExists as tableInCatalog } from '../shared/catalog';
import { allOf, inList, type SqlPart } from '../shared/sql';
import { HARM_SUBGROUP_WEIGHTS_TABLE } from '../models/harm-weights';


/**
 * The aggregate / base column holding each cell level. The coarse hexagon levels (r5, r6) are
 * not stored: their column is r7's, whose H3 parent they are; read a level's cells through
 * {@link levelSql}, never the column alone.
 */
export const LEVEL_COLUMN: Record<CellLevel, string> = {
	h3_5: 'h3_r7',
	h3_6: 'h3_r7',
	h3_7: 'h3_r7',
	h3_8: 'h3_r8',
	h3_9: 'h3_r9',
	lsoa: 'lsoa_code',
	district: 'district_id'
};

/**
 * The SQL of a level's cell id: the level's column (`column`, default the aggregate's, quoted),
 * or for a coarse hexagon level the H3 parent of the r7 cell in it ({@link h3ParentSql}).
 */
export function levelSql(level: CellLevel, column: string = ident(LEVEL_COLUMN[level])): string {
	const resolution = PARENT_LEVELS[level];
	return resolution === undefined ? column : h3ParentSql(column, resolution);
}

/**
 * The H3 parent at `resolution` of the cell id (lower-case hex text, as h3-js writes it) in SQL
 * expression `cell`, as h3-js `cellToParent` gives it: the index's resolution field (bits 52–55)
 * set to `resolution` and the digits below it (3 bits each, 15 − resolution of them) set to 7.
 * NULL for NULL. Only for a coarser resolution than the cell's (not checked).
 */
export function h3ParentSql(cell: string, resolution: number): string {
	if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) throw new Error(`not an H3 resolution: ${resolution}`);
	const keep = ~(0xfn << 52n) & 0xffffffffffffffffn;
	const set = (BigInt(resolution) << 52n) | ((1n << BigInt(3 * (15 - resolution))) - 1n);
	return `lower(hex((('0x' || ${cell})::UBIGINT & ${keep}::UBIGINT) | ${set}::UBIGINT))`;
}

/**
 * WHERE clause of a filter state. `dataset`: the aggregates hold every dataset in one table;
 * base tables are one per dataset (no dataset test, category under its own column name).
 */
export function whereOf(
	f: ExploreFilters,
	{ on, area = true, bbox = true }: { on: 'aggregate' | 'base'; area?: boolean; bbox?: boolean }
): SqlPart {
	const parts: SqlPart[] = [];
	if (on === 'aggregate') parts.push({ sql: 'dataset = ?', params: [f.dataset] });
	if (f.from !== null) parts.push({ sql: 'month_index >= ?', params: [monthIndex(f.from)] });
	if (f.to !== null) parts.push({ sql: 'month_index <= ?', params: [monthIndex(f.to)] });
	// No category chosen = every category; no cell selected = every cell (Explore's filter meaning).
	parts.push(inList(ident(on === 'aggregate' ? 'category' : CATEGORY_COLUMN[f.dataset]), f.categories, 'all'));
	if (area && f.area) {
		const col = on === 'aggregate' ? levelSql(f.area.level) : levelSql(f.area.level, baseColumn(f.dataset, LEVEL_COLUMN[f.area.level]));
		parts.push(inList(col, f.area.ids, 'all'));
	}
	if (bbox && f.bbox) {
		// The aggregates have cells, not points: a box is answered from the base table.
		if (on === 'aggregate') throw new Error('internal: a drawn box needs the base table');
		parts.push({ sql: 'longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?', params: [f.bbox[0], f.bbox[2], f.bbox[1], f.bbox[3]] });
	}
	return allOf(parts);
}

const existing = new WeakMap<QueryRunner, Set<string>>();

/**
 * Whether a table exists (the `districts` table is absent from older extracts): the shared
 * check of analytics/shared/catalog.ts, with a table once seen remembered per runner (catalogue
 * queries cost more than the aggregate queries).
 */
export async function tableExists(runner: QueryRunner, name: string): Promise<boolean> {
	let seen = existing.get(runner);
	if (!seen) existing.set(runner, (seen = new Set()));
	if (seen.has(name)) return true;
	const found = await tableInCatalog(runner, name);
	if (found) seen.add(name);
	return found;
}

const rollups = new WeakMap<QueryRunner, Map<string, Promise<void>>>();

/**
 * Roll-ups of the pre-aggregates without their area columns, made once per runner (temporary
 * tables, from the aggregates already loaded): a view with no area selected reads a table as
 * small as months × categories (× hours of week) instead of one with a row per cell.
 * `explore_months` (dataset, month_index, category, n), `explore_week` (… and hour_of_week),
 * `explore_unlocated` (as explore_months, records without any location only) and,
 * for the map layer, `explore_cells_<level>` (dataset, month_index, category, cell_id, n).
 */
const ROLLUP_SQL = {
	explore_months: 'SELECT dataset, month_index, category, sum(n)::BIGINT AS n FROM explore_points GROUP BY ALL ORDER BY ALL',
	explore_week: 'SELECT dataset, month_index, category, hour_of_week, sum(n)::BIGINT AS n FROM explore_hours GROUP BY ALL ORDER BY ALL',
	// Records with no location at all (no cell, LSOA or district): the summary line's figure per
	// change reads this instead of scanning explore_points (nationally 4.6M rows read on demand).
	explore_unlocated:
		'SELECT dataset, month_index, category, sum(n)::BIGINT AS n FROM explore_points WHERE h3_r9 IS NULL AND lsoa_code IS NULL AND district_id IS NULL GROUP BY ALL ORDER BY ALL'
} as const;

/** explore_months when records carry offence subgroups: the subgroup kept, so harm can weigh it. */
const EXPLORE_MONTHS_BY_SUBGROUP_SQL = 'SELECT dataset, month_index, category, offence_subgroup, sum(n)::BIGINT AS n FROM explore_points GROUP BY ALL ORDER BY ALL';

/**
 * The map layer's roll-up of one cell level: records per (dataset, month, category, cell, force
 * area flag), located records only. `flag` is the in_force_area expression of explore_points
 * (a typed NULL for aggregates built before the flag).
 */
export function cellRollup(level: CellLevel, flag: string, subgroups = false): { name: string; sql: string } {
	return {
		name: `explore_cells_${level}`,
		sql: `SELECT dataset, month_index, category, ${levelSql(level)} AS cell_id, ${flag} AS in_force_area,${subgroups ? ' offence_subgroup,' : ''} sum(n)::BIGINT AS n FROM explore_points WHERE ${ident(LEVEL_COLUMN[level])} IS NOT NULL GROUP BY ALL ORDER BY ALL`
	};
}

const subgroupData = new WeakMap<QueryRunner, Promise<boolean>>();

/**
 * Whether explore_points' records carry Home Office offence subgroups (a force's own records
 * mapped from offence codes): the column is there (aggregates built before it lack it) and not
 * all null (police.uk data). Once per runner. Only then do the roll-ups keep the subgroup and the
 * harm readers join the subgroup weights, so police.uk data runs the SQL it always ran.
 */
export function pointsSubgroups(runner: QueryRunner): Promise<boolean> {
	let p = subgroupData.get(runner);
	if (!p) {
		p = (async () =>
			(await hasColumn(runner, 'explore_points', 'offence_subgroup')) &&
			(await runner.rows('SELECT 1 AS x FROM explore_points WHERE offence_subgroup IS NOT NULL LIMIT 1')).length > 0)();
		p.catch(() => subgroupData.delete(runner));
		subgroupData.set(runner, p);
	}
	return p;
}

/**
 * Whether harm weighs explore_points' rows by their offence subgroup: they carry subgroups
 * ({@link pointsSubgroups}) and the `harm_subgroup_weights` table exists (analytics/models
 * createHarmWeightTables). The rule itself is analytics/models/harm-weights.ts subgroupWeightSql.
 */
export async function subgroupHarm(runner: QueryRunner): Promise<boolean> {
	return (await pointsSubgroups(runner)) && (await tableExists(runner, HARM_SUBGROUP_WEIGHTS_TABLE));
}

/**
 * A level's map roll-up is given a "from a month onwards" table when it has at least this many
 * rows (below it, scanning the roll-up takes a few milliseconds) …
 */
export const FROM_TABLE_MIN_ROWS = 200_000;
/** … and the table would have at most this many (it has a row per cell, category and start month). */
export const FROM_TABLE_MAX_ROWS = 3_000_000;

/** A level's "from a month onwards" table: its name and the first start month it holds. */
export interface FromTable {
	name: string;
	/** The smallest `from_index`: a period starting earlier starts here. */
	first: number;
}

const fromTables = new WeakMap<QueryRunner, Map<string, Promise<FromTable | null>>>();

/**
 * The map layer's table for a period open at its end (the filter's `to` unset): for each start
 * month `from_index` of the roll-up's range, each (dataset, category, cell, force-area flag)'s
 * records of the months from `from_index` onwards, summed from the level's roll-up `rollupName`
 * (which must exist). A filter change then reads one start month's rows (zone maps: the table is
 * sorted by it) instead of the roll-up's rows of every month in the period, with the same
 * integer sums. Made once per runner and level, when the roll-up has at least `minRows` rows and
 * the table would have at most `maxRows`; null otherwise (the roll-up is read).
 */
export function fromTable(
	runner: QueryRunner,
	rollupName: string,
	{ minRows = FROM_TABLE_MIN_ROWS, maxRows = FROM_TABLE_MAX_ROWS }: { minRows?: number; maxRows?: number } = {}
): Promise<FromTable | null> {
	let made = fromTables.get(runner);
	if (!made) fromTables.set(runner, (made = new Map()));
	const key = `${rollupName}:${minRows}:${maxRows}`;
	let p = made.get(key);
	if (!p) {
		p = makeFromTable(runner, rollupName, minRows, maxRows);
		p.catch(() => made.delete(key));
		made.set(key, p);
	}
	return p;
}

async function makeFromTable(runner: QueryRunner, rollupName: string, minRows: number, maxRows: number): Promise<FromTable | null> {
	const source = ident(rollupName);
	const [size] = await runner.rows<{ n: number; first: number | null; last: number | null }>(
		`SELECT count(*) AS n, min(month_index) AS first, max(month_index) AS last FROM ${source}`
	);
	const rows = Number(size?.n ?? 0);
	if (rows < minRows || size.first === null || size.last === null) return null;
	// Each (dataset, category, cell, flag) has a row per start month up to its last month.
	// Month indexes bound as BIGINT: DuckDB-wasm binds every JavaScript number as a DOUBLE, and range() takes integers.
	const [estimate] = await runner.rows<{ n: number | null }>(
		`SELECT sum(last - ?::BIGINT + 1) AS n FROM (SELECT max(month_index) AS last FROM ${source} GROUP BY dataset, category, cell_id, in_force_area)`,
		[Number(size.first)]
	);
	if (Number(estimate?.n ?? 0) > maxRows) return null;
	const name = `${rollupName}_from`;
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS
		 SELECT r.dataset, s.from_index, r.category, r.cell_id, r.in_force_area, sum(r.n)::BIGINT AS n
		 FROM ${source} r JOIN (SELECT unnest(range(?::BIGINT, ?::BIGINT + 1)) AS from_index) s ON r.month_index >= s.from_index
		 GROUP BY ALL ORDER BY s.from_index, r.dataset, r.category, r.cell_id`,
		[Number(size.first), Number(size.last)]
	);
	return { name, first: Number(size.first) };
}

const flags = new WeakMap<QueryRunner, Promise<string>>();

/** explore_points' in_force_area column, or a typed NULL when the aggregate has none; once per runner. */
export function pointsFlag(runner: QueryRunner): Promise<string> {
	let p = flags.get(runner);
	if (!p) {
		p = hasColumn(runner, 'explore_points', 'in_force_area').then((has) => (has ? 'in_force_area' : 'NULL::BOOLEAN'));
		p.catch(() => flags.delete(runner));
		flags.set(runner, p);
	}
	return p;
}

export function rollup(runner: QueryRunner, name: keyof typeof ROLLUP_SQL | { name: string; sql: string }): Promise<void> {
	const table = typeof name === 'string' ? { name, sql: ROLLUP_SQL[name] } : name;
	let made = rollups.get(runner);
	if (!made) rollups.set(runner, (made = new Map()));
	let p = made.get(table.name);
	if (!p) {
		// explore_months keeps the offence subgroup when records carry one (Compare's harm weighs it).
		p =
			name === 'explore_months'
				? pointsSubgroups(runner).then((sub) =>
						runner.exec(`CREATE OR REPLACE TEMP TABLE ${ident(table.name)} AS ${sub ? EXPLORE_MONTHS_BY_SUBGROUP_SQL : table.sql}`)
					)
				: runner.exec(`CREATE OR REPLACE TEMP TABLE ${ident(table.name)} AS ${table.sql}`);
		p.catch(() => made.delete(table.name));
		made.set(table.name, p);
	}
	return p;
}
