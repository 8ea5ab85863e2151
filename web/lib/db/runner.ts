/**
 * A QueryRunner (analytics/runner.ts) over a DuckDB-wasm connection. Parameters are bound with
 * a prepared statement; results go through {@link arrowToColumns}, the one conversion point.
 */
import type { AsyncDuckDBConnection, AsyncPreparedStatement } from '@duckdb/duckdb-wasm';
import type { Columns, NumberColumns, Param, QueryRunner, Row } from '$analytics/runner';
import { arrowToColumns, arrowToNumberBatches, arrowToNumbers, arrowToRows, type ArrowTableLike } from './arrow-columns';

interface Prepared {
	statement: Promise<AsyncPreparedStatement>;
	/** Queries running on it now; an evicted statement is closed when the last one ends. */
	users: number;
	evicted: boolean;
}

/** Wrap a DuckDB-wasm connection as a QueryRunner. */
export function createWasmRunner(conn: AsyncDuckDBConnection): QueryRunner {
	/**
	 * Prepared read queries, by SQL text, most recently used last. Preparing costs more than
	 * running a small aggregate query in DuckDB-wasm, and interactive views run the same few
	 * query shapes with new parameters on every filter change.
	 */
	const statements = new Map<string, Prepared>();
	const KEEP = 64;

	function release(entry: Prepared) {
		if (--entry.users === 0 && entry.evicted) void entry.statement.then((s) => s.close()).catch(() => {});
	}

	async function run(sql: string, params?: readonly Param[], reuse = false): Promise<ArrowTableLike> {
		if (!params || params.length === 0) return conn.query(sql);
		if (!reuse || !/^\s*(SELECT|WITH)\b/i.test(sql)) {
			const statement = await conn.prepare(sql);
			try {
				return await statement.query(...params);
			} finally {
				await statement.close();
			}
		}
		let entry = statements.get(sql);
		if (entry) statements.delete(sql);
		else entry = { statement: conn.prepare(sql), users: 0, evicted: false };
		statements.set(sql, entry);
		entry.users++;
		for (const [key, old] of statements) {
			if (statements.size <= KEEP) break;
			statements.delete(key);
			old.evicted = true;
			old.users++;
			release(old);
		}
		try {
			const statement = await entry.statement;
			return await statement.query(...params);
		} catch (error) {
			// A statement that failed to prepare or run is not kept.
			if (statements.get(sql) === entry) {
				statements.delete(sql);
				entry.evicted = true;
			}
			throw error;
		} finally {
			release(entry);
		}
	}
	return {
		async rows<T extends Row = Row>(sql: string, params?: readonly Param[]): Promise<T[]> {
			return arrowToRows<T>(await run(sql, params, true));
		},
		async columns(sql: string, params?: readonly Param[]): Promise<Columns> {
			return arrowToColumns(await run(sql, params, true));
		},
		async exec(sql: string, params?: readonly Param[]): Promise<void> {
			await run(sql, params);
		},
		async numbers(sql: string, params?: readonly Param[]): Promise<NumberColumns> {
			return arrowToNumbers(await run(sql, params, true));
		},
		async numberBatches(sql: string, params?: readonly Param[]): Promise<NumberColumns[]> {
			return arrowToNumberBatches(await run(sql, params, true));
		}
	};
}
