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

/**
 * Tables a runner creates when a query first needs them ({@link withTablesOnDemand}): the
 * manifest's Arrow datasets, inserted on first use instead of at start (duckdb.ts).
 */
export interface TablesOnDemand {
	/** Whether `name` (lower case) is one of these tables, created yet or not. */
	has(name: string): boolean;
	/** Whether `name` is one of these tables and not created yet. */
	pending(name: string): boolean;
	/**
	 * Create table `name`. Concurrent calls share one creation; once created, resolves at once;
	 * a failure is not kept, so a later query tries again.
	 */
	load(name: string): Promise<void>;
}

const MISSING_TABLE = /^Catalog Error: Table with name (.+?) does not exist!/;

/**
 * The table a DuckDB error says does not exist ("Catalog Error: Table with name x does not
 * exist!", DuckDB 1.4 in the browser and natively), lower case; null for any other error.
 */
export function missingTableName(error: unknown): string | null {
	const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
	return MISSING_TABLE.exec(message)?.[1].toLowerCase() ?? null;
}

/**
 * Statements that read the catalog rather than a table (information_schema, duckdb_tables() and
 * the like, DESCRIBE, SHOW): their answer about a table not created yet would differ from the
 * answer once it is, without an error, so the tables they name are created before they run.
 */
const READS_CATALOG = /\b(information_schema|duckdb_(tables|columns|views|constraints|indexes)|pragma_table_info|pragma_storage_info|describe|show|summarize)\b/i;

/** Words of a statement and its string parameters that may name a table. */
function namedWords(sql: string, params: readonly Param[] | undefined): string[] {
	const words: string[] = sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? [];
	for (const p of params ?? []) if (typeof p === 'string') words.push(p.toLowerCase());
	return words;
}

/**
 * `runner` with `tables` created when a statement first needs them, so every answer is the one
 * the database would give with every table created up front:
 * - a statement that fails with DuckDB's catalog error for one of `tables` creates it and runs
 *   again, at most once per table per statement, so a real error (a table that still does not
 *   exist, any other error) is thrown as it was, never retried in a loop;
 * - a statement that reads the catalog, and a script of several statements to `exec` (where a
 *   failure halfway would leave the first statements' effects behind), first create the pending
 *   tables they name (as words of the SQL, or string parameters).
 * Once every table is created, this is `runner` with one set lookup per failed statement.
 */
export function withTablesOnDemand(runner: QueryRunner, tables: TablesOnDemand): QueryRunner {
	async function ask<R>(sql: string, params: readonly Param[] | undefined, script: boolean, run: () => Promise<R>): Promise<R> {
		if (script || READS_CATALOG.test(sql)) {
			const named = new Set(namedWords(sql, params).filter((w) => tables.pending(w)));
			for (const name of named) await tables.load(name);
		}
		const retried = new Set<string>();
		for (;;) {
			try {
				return await run();
			} catch (error) {
				const name = missingTableName(error);
				if (name === null || retried.has(name) || !tables.has(name)) throw error;
				retried.add(name);
				await tables.load(name);
			}
		}
	}
	const wrapped: QueryRunner = {
		rows<T extends Row = Row>(sql: string, params?: readonly Param[]) {
			return ask(sql, params, false, () => runner.rows<T>(sql, params));
		},
		columns: (sql, params) => ask(sql, params, false, () => runner.columns(sql, params)),
		exec: (sql, params) => ask(sql, params, /;\s*\S/.test(sql), () => runner.exec(sql, params))
	};
	if (runner.numbers) wrapped.numbers = (sql, params) => ask(sql, params, false, () => runner.numbers!(sql, params));
	if (runner.numberBatches) wrapped.numberBatches = (sql, params) => ask(sql, params, false, () => runner.numberBatches!(sql, params));
	return wrapped;
}
