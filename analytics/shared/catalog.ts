/**
 * What the database holds, from DuckDB's information_schema: whether a table exists, whether it
 * has a column. Extracts built before a dataset or column existed (force_area, force_cells,
 * in_force_area, districts …) lack it, and callers fall back. Tables of the `main` and `temp`
 * schemas count (the browser loads extracts into main; the Node tools stage into temp).
 */
import type { QueryRunner } from '../runner';
import { num } from './numbers';

/** Tables and `table\0column` pairs of the main and temp schemas, read once (see withCatalogSnapshot). */
interface CatalogSnapshot {
	tables: Set<string>;
	columns: Set<string>;
}

const snapshots = new WeakMap<QueryRunner, CatalogSnapshot>();

/**
 * Run `work` with {@link tableExists} and {@link hasColumn} on `runner` answered from one read of
 * the catalog taken now, instead of one catalogue query per question (each costs a few
 * milliseconds, more than many of the small aggregate queries asking them). Only what is found
 * is taken from the snapshot; a table or column it lacks is asked of the database again, so
 * tables created while `work` runs are still seen. For work that drops no table or column.
 */
export async function withCatalogSnapshot<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
	const rows = await runner.columns("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema IN ('main', 'temp')");
	const tables = rows.table_name as string[];
	const columns = rows.column_name as string[];
	snapshots.set(runner, { tables: new Set(tables), columns: new Set(tables.map((t, i) => `${t}\0${columns[i]}`)) });
	try {
		return await work();
	} finally {
		snapshots.delete(runner);
	}
}

/** Whether table (or view) `name` exists in the main or temp schema. */
export async function tableExists(runner: QueryRunner, name: string): Promise<boolean> {
	if (snapshots.get(runner)?.tables.has(name)) return true;
	const [t] = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ? AND table_schema IN ('main', 'temp')",
		[name]
	);
	return num(t?.n) > 0;
}

/** Whether `table` (main or temp schema) has `column`; false when the table does not exist. */
export async function hasColumn(runner: QueryRunner, table: string, column: string): Promise<boolean> {
	if (snapshots.get(runner)?.columns.has(`${table}\0${column}`)) return true;
	const [c] = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.columns WHERE table_name = ? AND column_name = ? AND table_schema IN ('main', 'temp')",
		[table, column]
	);
	return num(c?.n) > 0;
}
