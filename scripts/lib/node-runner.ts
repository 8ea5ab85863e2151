/**
 * QueryRunner over native DuckDB (@duckdb/node-api), for scripts and tests. Values follow the
 * type policy in analytics/runner.ts.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';
import { toScalar, type Columns, type Param, type QueryRunner, type Row } from '../../analytics/runner';

export interface NodeRunner extends QueryRunner {
	readonly connection: DuckDBConnection;
	close(): void;
}

function convert(value: unknown): unknown {
	// DuckDB date/timestamp/decimal wrappers expose toString() in ISO form.
	if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
		const v = value as { toDouble?: () => number; micros?: bigint; days?: number };
		if (typeof v.toDouble === 'function') return v.toDouble();
		if (typeof v.micros === 'bigint') return new Date(Number(v.micros / 1000n)).toISOString();
	}
	return value;
}

async function run(conn: DuckDBConnection, sql: string, params?: readonly Param[]) {
	if (!params || params.length === 0) return conn.runAndReadAll(sql);
	const prepared = await conn.prepare(sql);
	// Freed here, not left to the garbage collector, which may run after the instance is closed.
	try {
		return await bindAndRun(prepared, params);
	} finally {
		prepared.destroySync();
	}
}

async function bindAndRun(prepared: DuckDBPreparedStatement, params: readonly Param[]) {
	params.forEach((p, i) => {
		const at = i + 1;
		if (p === null) prepared.bindNull(at);
		else if (typeof p === 'string') prepared.bindVarchar(at, p);
		else if (typeof p === 'boolean') prepared.bindBoolean(at, p);
		else if (Number.isInteger(p)) prepared.bindBigInt(at, BigInt(p));
		else prepared.bindDouble(at, p);
	});
	return prepared.runAndReadAll();
}

/** Open an in-memory DuckDB (or a file) and wrap it as a QueryRunner. */
export async function createNodeRunner(path = ':memory:'): Promise<NodeRunner> {
	const instance = await DuckDBInstance.create(path);
	const connection = await instance.connect();
	// Never reach the network for extensions: the same rule the browser follows.
	await connection.run('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
	return {
		connection,
		async rows<T extends Row = Row>(sql: string, params?: readonly Param[]) {
			const reader = await run(connection, sql, params);
			const names = reader.columnNames();
			return reader.getRows().map((values: DuckDBValue[]) => {
				const row: Row = {};
				names.forEach((n, i) => (row[n] = toScalar(convert(values[i]))));
				return row as T;
			});
		},
		async columns(sql: string, params?: readonly Param[]) {
			const reader = await run(connection, sql, params);
			const names = reader.columnNames();
			const cols = reader.getColumns();
			const out: Columns = {};
			names.forEach((n, i) => (out[n] = (cols[i] ?? []).map((v: DuckDBValue) => toScalar(convert(v)))));
			return out;
		},
		async exec(sql: string, params?: readonly Param[]) {
			await run(connection, sql, params);
		},
		close() {
			connection.closeSync();
			instance.closeSync();
		}
	};
}
