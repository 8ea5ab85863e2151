/**
 * What the database holds, from DuckDB's information_schema: whether a table exists, whether it
 * has a column. Extracts built before a dataset or column existed (force_area, force_cells,
 * in_force_area, districts …) lack it, and callers fall back. Tables of the `main` and `temp`
 * schemas count (the browser loads extracts into main; the Node tools stage into temp).
 */
import type { QueryRunner } from '../runner';
import { num } from './numbers';

/** Whether table (or view) `name` exists in the main or temp schema. */
export async function tableExists(runner: QueryRunner, name: string): Promise<boolean> {
	const [t] = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ? AND table_schema IN ('main', 'temp')",
		[name]
	);
	return num(t?.n) > 0;
}

/** Whether `table` (main or temp schema) has `column`; false when the table does not exist. */
export async function hasColumn(runner: QueryRunner, table: string, column: string): Promise<boolean> {
	const [c] = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.columns WHERE table_name = ? AND column_name = ? AND table_schema IN ('main', 'temp')",
		[table, column]
	);
	return num(c?.n) > 0;
}
