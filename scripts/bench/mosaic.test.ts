/**
 * The Mosaic peer of the linked-filter bench answers the same questions as our views: Mosaic's
 * Coordinator (with its PreAggregator) and our analytics/explore queries run over ONE
 * DuckDB-wasm 1.32 database (the blocking Node build) holding the real City of London sample
 * extract, through a sequence of period and category changes; every answer must be equal, the
 * totals must equal an independent count over the base rows, and Mosaic must have answered
 * from its materialised pre-aggregates (tables in its `mosaic` schema).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from '../lib/extracts';
import { SAMPLE_AREAS, SAMPLE_INPUTS } from '../lib/sample';
import { tempDirs } from '../lib/extract-test-utils';
import { createDuckDB, NODE_RUNTIME, VoidLogger, type DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import { Coordinator } from '@uwdata/mosaic-core';
import type { Param, QueryRunner } from '../../analytics/runner';
import { arrowToColumns, arrowToRows, type ArrowTableLike } from '../../web/lib/db/arrow-columns';
import { ensureHarmWeights } from '../../analytics/thr';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { emptyDatasetSql, type ExtractManifest } from '../../analytics/ingest/extract-schema';
import { ident, literal } from '../../analytics/ingest/sql';
import { defaultFilters, monthIndex, type ExploreDataset, type ExploreFilters } from '../../analytics/explore/filters';
import { cellValues, exploreDatasets, hourOfWeek, monthCategoryCounts } from '../../analytics/explore/queries';
import { CountClient, applyChange, connectAll, differences, filterInputs, ipcConnector, ours, type ViewName } from './mosaic/clients';

/** The City of London sample, built afresh for the test (the sample extracts may not exist yet). */
const temp = tempDirs('clearsight-mosaic-');
let EXTRACT = '';

type Connection = ReturnType<DuckDBBindings['connect']>;
let db: DuckDBBindings;
let conn: Connection;
let mosaicConn: Connection;
let runner: QueryRunner;

beforeAll(async () => {
	EXTRACT = temp();
	await buildExtracts({ inputs: SAMPLE_INPUTS, out: EXTRACT, areas: SAMPLE_AREAS });
	const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'));
	db = await createDuckDB(
		{
			mvp: { mainModule: resolve(dist, 'duckdb-mvp.wasm'), mainWorker: resolve(dist, 'duckdb-node-mvp.worker.cjs') },
			eh: { mainModule: resolve(dist, 'duckdb-eh.wasm'), mainWorker: resolve(dist, 'duckdb-node-eh.worker.cjs') }
		},
		new VoidLogger(),
		NODE_RUNTIME
	);
	await db.instantiate(() => {});
	conn = db.connect();
	mosaicConn = db.connect();
	let attached = false;
	const manifest = JSON.parse(readFileSync(join(EXTRACT, 'manifest.json'), 'utf8')) as ExtractManifest;
	for (const d of manifest.datasets) {
		if (d.rows === 0) {
			// As the app does for an empty dataset: an empty table of its columns.
			conn.query(emptyDatasetSql(d.name));
		} else if (d.format === 'arrow-ipc-stream') {
			conn.insertArrowFromIPCStream(new Uint8Array(readFileSync(join(EXTRACT, d.file))), { name: d.name, create: true });
		} else if (manifest.base_database) {
			// Base rows kept in the extract's read-only database file: a view over its table.
			const file = manifest.base_database.file;
			if (!attached) {
				db.registerFileBuffer(file, new Uint8Array(readFileSync(join(EXTRACT, file))));
				conn.query(`ATTACH ${literal(file)} AS base (READ_ONLY)`);
				attached = true;
			}
			conn.query(`CREATE VIEW ${ident(d.name)} AS SELECT * FROM base.${ident(d.table)}`);
		}
	}
	const run = (sql: string, params?: readonly Param[]): ArrowTableLike => {
		if (!params || params.length === 0) return conn.query(sql);
		const st = conn.prepare(sql);
		try {
			return st.query(...params);
		} finally {
			st.close();
		}
	};
	runner = {
		rows: async (sql, params) => arrowToRows(run(sql, params)),
		columns: async (sql, params) => arrowToColumns(run(sql, params)),
		exec: async (sql, params) => void run(sql, params)
	};
	await ensureHarmWeights(runner, JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel);
}, 120_000);

afterAll(() => {
	mosaicConn?.close();
	conn?.close();
});

async function check(dataset: ExploreDataset, level: string, views: ViewName[]) {
	const ds = (await exploreDatasets(runner)).find((d) => d.dataset === dataset)!;
	const first = monthIndex(ds.firstMonth);
	const last = monthIndex(ds.lastMonth);
	const cats = ds.categories.map((c) => c.category).filter((c): c is string => c !== null);
	const coordinator = new Coordinator(
		ipcConnector((sql) => mosaicConn.useUnsafe((bindings, id) => bindings.runQuery(id, sql))),
		{ logger: null }
	);
	const inputs = filterInputs(first, last);
	const clients = views.map((v) => new CountClient(inputs.selection, v, dataset, level));
	await connectAll(coordinator, clients);

	// Period, categories, period again (a new active input each time: Mosaic rebuilds its cube), then two more categories on the same input (answered from the cube).
	const base: ExploreFilters = { ...defaultFilters(), dataset };
	const months = (k: number) => `${Math.floor((first + k) / 12)}-${String(((first + k) % 12) + 1).padStart(2, '0')}`;
	const states: ExploreFilters[] = [base];
	states.push({ ...states.at(-1)!, from: months(3) });
	states.push({ ...states.at(-1)!, categories: [cats[0]] });
	states.push({ ...states.at(-1)!, from: months(7) });
	states.push({ ...states.at(-1)!, categories: [cats[0], cats[2]] });
	states.push({ ...states.at(-1)!, categories: [cats[2]] });
	states.push({ ...states.at(-1)!, from: null, categories: [cats[2]] });

	for (let i = 0; i < states.length; i++) {
		const f = states[i];
		if (i > 0) {
			const key = (s: ExploreFilters) => ({ from: s.from === null ? null : monthIndex(s.from), categories: s.categories });
			expect(await applyChange(inputs, clients, key(states[i - 1]), key(f))).toBe(true);
		}
		for (const c of clients) {
			expect(c.errors).toEqual([]);
			const mine =
				c.view === 'monthCategory'
					? ours.monthCategory(await monthCategoryCounts(runner, f), monthIndex)
					: c.view === 'hours'
						? ours.hours(await hourOfWeek(runner, f))
						: ours.cells(await cellValues(runner, f, level as 'h3_9'));
			expect(mine.size).toBeGreaterThan(0);
			expect(differences(mine, c.data), `${dataset} ${c.view} state ${i}`).toEqual([]);
		}
		// Independent: the base rows under the same filters.
		const where = [`month_index >= ${f.from === null ? first : monthIndex(f.from)}`];
		const catCol = dataset === 'stop_search' ? 'object_of_search' : 'category';
		if (f.categories.length > 0) where.push(`${catCol} IN (${f.categories.map((c) => `'${c.replaceAll("'", "''")}'`).join(', ')})`);
		const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${dataset} WHERE ${where.join(' AND ')}`);
		const monthly = clients.find((c) => c.view === 'monthCategory')!;
		expect([...monthly.data.values()].reduce((s, v) => s + v, 0)).toBe(n);
	}
	const [{ cubes }] = await runner.rows<{ cubes: number }>(`SELECT count(*)::INTEGER AS cubes FROM duckdb_tables() WHERE schema_name = 'mosaic'`);
	expect(cubes).toBeGreaterThan(0);
	coordinator.clear();
}

describe('Mosaic peer: the same answers as our views over one DuckDB-wasm database', () => {
	it('street crime: month × category and the map cells (H3 r9), through period and category changes', async () => {
		await check('incidents', 'h3_9', ['monthCategory', 'cells']);
	}, 120_000);

	it('stop and search: month × category, hour of week and the map cells', async () => {
		await check('stop_search', 'h3_9', ['monthCategory', 'hours', 'cells']);
	}, 120_000);
});
