/**
 * An {@link ImportEngine} over DuckDB-wasm's blocking Node build, for unit tests of the
 * in-browser import: the same engine (DuckDB-wasm 1.32) and the same SQL as in the browser,
 * without a browser. Not used by the app.
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createDuckDB, NODE_RUNTIME, VoidLogger, type DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import type { Param, QueryRunner } from '$analytics/runner';
import { arrowToColumns, arrowToRows, type ArrowTableLike } from '../db/arrow-columns';
import type { ImportEngine, ImportHelpers } from './build';
import { pointCellsIpc } from './arrow-points';
import { ipcFileToStream } from './arrow-stream';

export async function createNodeImportEngine(): Promise<ImportEngine & { queryFile(sql: string): Uint8Array; close(): void }> {
	const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'));
	const db: DuckDBBindings = await createDuckDB(
		{
			mvp: { mainModule: resolve(dist, 'duckdb-mvp.wasm'), mainWorker: resolve(dist, 'duckdb-node-mvp.worker.cjs') },
			eh: { mainModule: resolve(dist, 'duckdb-eh.wasm'), mainWorker: resolve(dist, 'duckdb-node-eh.worker.cjs') }
		},
		new VoidLogger(),
		NODE_RUNTIME
	);
	await db.instantiate(() => {});
	const conn = db.connect();
	const run = (sql: string, params?: readonly Param[]): ArrowTableLike => {
		if (!params || params.length === 0) return conn.query(sql);
		const st = conn.prepare(sql);
		try {
			return st.query(...params);
		} finally {
			st.close();
		}
	};
	/** DuckDB-wasm's own answer to a query: an Arrow IPC file. */
	const queryFile = (sql: string): Uint8Array => conn.useUnsafe((bindings, id) => bindings.runQuery(id, sql));
	const runner: QueryRunner = {
		async rows(sql, params) {
			return arrowToRows(run(sql, params));
		},
		async columns(sql, params) {
			return arrowToColumns(run(sql, params));
		},
		async exec(sql, params) {
			run(sql, params);
		}
	};
	return {
		runner,
		async registerFile(name, bytes) {
			db.registerFileBuffer(name, bytes);
		},
		async dropFile(name) {
			db.dropFile(name);
		},
		async insertArrow(name, ipc) {
			conn.insertArrowFromIPCStream(ipc, { name, create: true });
		},
		async exportArrow(sql) {
			return ipcFileToStream(queryFile(sql));
		},
		queryFile,
		pointCellsIpc,
		close() {
			conn.close();
		}
	};
}

export const nodeHelpers: ImportHelpers = {
	async sha256(bytes) {
		return createHash('sha256').update(bytes).digest('hex');
	},
	async gunzip(bytes) {
		return new Uint8Array(gunzipSync(bytes));
	}
};
