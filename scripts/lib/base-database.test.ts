/**
 * base.duckdb as the browser reads it: written by native DuckDB (newer than the browser's), it
 * must open in DuckDB-wasm 1.32 (the blocking Node build of the same wasm the app ships) with the
 * same rows; a month's rows are found by the month_index zone maps. Values are checked against
 * counts worked out here from the raw police.uk CSVs.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { csvParse } from 'd3-dsv';
import { createDuckDB, NODE_RUNTIME, VoidLogger, type DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { buildExtracts } from './extracts';
import { tempDirs } from './extract-test-utils';
import { attachBaseDatabase, BASE_STORAGE_VERSION } from './base-database';
import { createNodeRunner } from './node-runner';

const STREET = 'sample-data/police-uk/city-of-london/street';
const SEARCH = 'sample-data/police-uk/city-of-london/stop-and-search';
const MONTHS = ['2019-05', '2019-06', '2019-07'];
const tempDir = tempDirs('clearsight-base-');

let out: string;
let manifest: ExtractManifest;
let wasm: DuckDBBindings;
let conn: ReturnType<DuckDBBindings['connect']>;

/** Street rows per month from the raw CSVs, the first row of a repeated Crime ID kept (as the builder does). */
function rawStreetRows(month: string): Array<Record<string, string>> {
	const seen = new Set<string>();
	return csvParse(readFileSync(join(STREET, `${month}-city-of-london-street.csv`), 'utf8')).filter((r) => {
		const id = r['Crime ID'] ?? '';
		if (id === '') return true;
		if (seen.has(id)) return false;
		seen.add(id);
		return true;
	}) as Array<Record<string, string>>;
}

beforeAll(async () => {
	out = tempDir();
	const inputs = [...MONTHS.map((m) => join(STREET, `${m}-city-of-london-street.csv`)), join(SEARCH, '2019-06-city-of-london-stop-and-search.csv')];
	({ manifest } = await buildExtracts({ inputs, out, areas: null }));
	const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'));
	wasm = await createDuckDB(
		{
			mvp: { mainModule: resolve(dist, 'duckdb-mvp.wasm'), mainWorker: resolve(dist, 'duckdb-node-mvp.worker.cjs') },
			eh: { mainModule: resolve(dist, 'duckdb-eh.wasm'), mainWorker: resolve(dist, 'duckdb-node-eh.worker.cjs') }
		},
		new VoidLogger(),
		NODE_RUNTIME
	);
	await wasm.instantiate(() => {});
	conn = wasm.connect();
	wasm.registerFileBuffer('base.duckdb', new Uint8Array(readFileSync(join(out, 'base.duckdb'))));
	conn.query(`ATTACH 'base.duckdb' AS base (READ_ONLY)`);
}, 120_000);

afterAll(() => {
	conn?.close();
});

const wasmRows = (sql: string) => conn.query(sql).toArray().map((r) => r.toJSON() as Record<string, unknown>);

describe('base.duckdb in DuckDB-wasm 1.32', () => {
	it(`opens with every table and the manifest's row counts (storage ${BASE_STORAGE_VERSION})`, () => {
		for (const d of manifest.datasets.filter((x) => x.format === 'duckdb-table')) {
			expect(Number(wasmRows(`SELECT count(*) AS n FROM base.${d.name}`)[0].n), d.name).toBe(d.rows);
		}
		expect(manifest.base_database?.storage_version).toBe('v1.4.0');
	});

	it("a month's incidents are the raw CSV's rows of that month, crime ids and categories alike", () => {
		for (const month of MONTHS) {
			const raw = rawStreetRows(month);
			const [y, m] = month.split('-').map(Number);
			const rows = wasmRows(`SELECT crime_id, category FROM base.incidents WHERE month_index = ${y * 12 + m - 1} ORDER BY source_line`);
			expect(rows.map((r) => [r.crime_id === null ? '' : r.crime_id, r.category]), month).toEqual(raw.map((r) => [r['Crime ID'], r['Crime type']]));
		}
	});

	it('holds the same values as native DuckDB reads from it', async () => {
		const native = await createNodeRunner();
		try {
			await attachBaseDatabase(native, out, manifest.base_database!, 'b');
			for (const table of ['incidents', 'stop_search']) {
				const sql = `SELECT count(*) AS n, count(DISTINCT crime_id) AS ids, sum(longitude) AS lon, min(month) AS first, max(month) AS last, count(DISTINCT h3_r9) AS cells FROM base.${table}`;
				const q = table === 'incidents' ? sql : sql.replace('count(DISTINCT crime_id)', 'count(DISTINCT object_of_search)');
				const [w] = wasmRows(q);
				const [n] = await native.rows(q.replace('base.', 'b.'));
				expect({ ...w, n: Number(w.n), ids: Number(w.ids), cells: Number(w.cells) }, table).toEqual({ ...n });
			}
		} finally {
			native.close();
		}
	});
});
