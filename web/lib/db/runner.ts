/**
 * A QueryRunner (analytics/runner.ts) over a DuckDB-wasm connection. Parameters are bound with
 * a prepared statement; results go through {@link arrowToColumns}, the one conversion point.
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { Columns, Param, QueryRunner, Row } from '$analytics/runner';
import { arrowToColumns, arrowToRows, type ArrowTableLike } from './arrow-columns';

/** Wrap a DuckDB-wasm connection as a QueryRunner. */
export function createWasmRunner(conn: AsyncDuckDBConnection): QueryRunner {
	async function run(sql: string, params?: readonly Param[]): Promise<ArrowTableLike> {
		if (!params || params.length === 0) return conn.query(sql);
		const statement = await conn.prepare(sql);
		try {
			return await statement.query(...params);
		} finally {
			await statement.close();
		}
	}
	return {
		async rows<T extends Row = Row>(sql: string, params?: readonly Param[]): Promise<T[]> {
			return arrowToRows<T>(await run(sql, params));
		},
		async columns(sql: string, params?: readonly Param[]): Promise<Columns> {
			return arrowToColumns(await run(sql, params));
		},
		async exec(sql: string, params?: readonly Param[]): Promise<void> {
			await run(sql, params);
		}
	};
}
