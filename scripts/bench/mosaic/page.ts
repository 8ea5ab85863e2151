/**
 * Browser side of the Mosaic peer (bundled by scripts/bench/mosaic.ts with esbuild into
 * bench-out/mosaic/, driven in headless Chromium; never part of the app's build). One DuckDB-wasm
 * 1.32 instance (the eh build the dashboard uses in Chromium) holds the extract's pre-aggregates
 * and small tables, loaded as the app loads them (Arrow IPC streams); on it, per page (Time: month
 * × category, hour of week; Map: the same and the map cells):
 *
 * - ours: the views' queries (analytics/explore, through the dashboard's own wasm QueryRunner,
 *   web/lib/db/runner.ts), one filter state after another, without the app's answer cache;
 * - Mosaic: `@uwdata/mosaic-core`'s Coordinator (query cache, consolidation, PreAggregator) on its
 *   own connection to the same database, through a connector handing it Arrow IPC bytes
 *   (the same call as mosaic's own wasm connector), one client per view, the filter changes
 *   published as the filter bar's clauses; each change is timed until every client has its answer.
 *
 * After each change Mosaic's answers are compared with ours for the same state (outside the
 * timing). Exposes `window.mosaicBench`.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { Coordinator } from '@uwdata/mosaic-core';
import { createWasmRunner } from '../../../web/lib/db/runner';
import { ensureHarmWeights } from '../../../analytics/thr';
import type { HarmWeightsModel } from '../../../analytics/models/harm-weights';
import type { QueryRunner } from '../../../analytics/runner';
import { monthIndex, type CellLevel, type ExploreDataset, type ExploreFilters } from '../../../analytics/explore/filters';
import { cellValues, exploreDatasets, hourOfWeek, monthCategoryCounts } from '../../../analytics/explore/queries';
import { CountClient, activate, changeClause, connectAll, ipcConnector, publish, differences, filterInputs, ours, type Answer, type ViewName } from './clients';
import { emptyDatasetSql, type DatasetName } from '../../../analytics/ingest/extract-schema';
import { ident, literal } from '../../../analytics/ingest/sql';
import weights from '../../../models/harm-weights/cchi-police-uk-v1.json';

/** Base datasets: read by no view of a filter change (cell records, drawn boxes only), not loaded. */
const BASE = new Set(['incidents', 'stop_search', 'events', 'quarantine', 'outcomes']);

export interface SetupRequest {
	dataUrl: string;
	dataset: ExploreDataset;
}

export interface SetupResult {
	engineMs: number;
	loadMs: number;
	/** Every month of the dataset and its categories, most records first (the filter bar's lists). */
	months: string[];
	categories: string[];
	userAgent: string;
}

export interface RunRequest {
	view: 'time' | 'map';
	level: CellLevel;
	states: ExploreFilters[];
}

export interface MosaicChange {
	/** From publishing the clause until every client has its answer. */
	ms: number;
	/** Pre-aggregate (CREATE TABLE) statements Mosaic ran during this change, and their time. */
	creates: number;
	createMs: number;
	/** Activated pass: the activation before the change (its tables built), not part of `ms`. */
	activateMs: number;
}

export interface MosaicPass {
	/** Connect the clients until every first answer (unfiltered). */
	firstMs: number;
	changes: MosaicChange[];
	/** Tables in Mosaic's `mosaic` schema at the end (its materialised pre-aggregates). */
	cubes: Array<{ table: string; rows: number }>;
}

export interface RunResult {
	views: ViewName[];
	/** Ours, per state: the views' queries, ms. */
	ours: number[];
	/** Ours: the first answer of every view (unfiltered; makes the per-runner roll-ups). */
	oursFirstMs: number;
	/** Mosaic publishing each change as it comes. */
	mosaic: MosaicPass;
	/** Mosaic with each input activated first (as on pointer-enter), the activation untimed in `ms`. */
	mosaicActivated: MosaicPass;
	/** Answers that differ between ours and Mosaic (pass, state, view, first differences). */
	mismatches: string[];
	errors: string[];
}

let db: duckdb.AsyncDuckDB;
let runner: QueryRunner;
let mosaicConn: duckdb.AsyncDuckDBConnection;
let dataset: ExploreDataset;

async function setup(request: SetupRequest): Promise<SetupResult> {
	let t = performance.now();
	const worker = new Worker('./duckdb-browser-eh.worker.js');
	db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
	await db.instantiate('./duckdb-eh.wasm');
	// As the app opens it: base.duckdb is read by range requests only, never downloaded whole.
	await db.open({ filesystem: { reliableHeadRequests: true, allowFullHTTPReads: false, forceFullHTTPReads: false } });
	const conn = await db.connect();
	await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
	mosaicConn = await db.connect();
	const engineMs = performance.now() - t;
	t = performance.now();
	const manifest = (await (await fetch(`${request.dataUrl}/manifest.json`)).json()) as {
		datasets: Array<{ name: string; file: string; format: string; table?: string; rows: number; columns: Array<{ name: string; type: string }> }>;
	};
	// Tables of base.duckdb (the base rows, and explore_points of a large extract): attached
	// read-only and seen through a view of the dataset's name, as the app does (web/lib/db/duckdb.ts).
	const inBase = manifest.datasets.filter((d) => d.rows > 0 && d.format === 'duckdb-table');
	if (inBase.length > 0) {
		const file = inBase[0].file;
		await db.registerFileURL(file, new URL(`${request.dataUrl}/${file}`, location.href).href, duckdb.DuckDBDataProtocol.HTTP, false);
		await conn.query(`ATTACH ${literal(file)} AS base (READ_ONLY)`);
		for (const d of inBase) await conn.query(`CREATE VIEW ${ident(d.name)} AS SELECT * FROM base.${ident(d.table ?? d.name)}`);
	}
	for (const d of manifest.datasets) {
		if (d.rows === 0) {
			// As the app does for an empty dataset: an empty table of the contract's columns.
			await conn.query(emptyDatasetSql(d.name as DatasetName));
			continue;
		}
		if (BASE.has(d.name) || d.format !== 'arrow-ipc-stream') continue;
		const bytes = new Uint8Array(await (await fetch(`${request.dataUrl}/${d.file}`)).arrayBuffer());
		await conn.insertArrowFromIPCStream(bytes, { name: d.name, create: true });
	}
	runner = createWasmRunner(conn);
	await ensureHarmWeights(runner, weights as unknown as HarmWeightsModel);
	const loadMs = performance.now() - t;
	dataset = request.dataset;
	const ds = (await exploreDatasets(runner)).find((d) => d.dataset === dataset);
	if (!ds) throw new Error(`the extract has no ${dataset}`);
	const months: string[] = [];
	for (let i = monthIndex(ds.firstMonth); i <= monthIndex(ds.lastMonth); i++) months.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
	const categories = ds.categories.map((c) => c.category).filter((c): c is string => c !== null);
	return { engineMs, loadMs, months, categories, userAgent: navigator.userAgent };
}

async function oursAnswers(f: ExploreFilters, views: ViewName[], level: CellLevel): Promise<Map<ViewName, Answer>> {
	const out = new Map<ViewName, Answer>();
	// In the order the pages ask; converted to the compared form inside the timing, as Mosaic's clients do.
	for (const v of views) {
		if (v === 'monthCategory') out.set(v, ours.monthCategory(await monthCategoryCounts(runner, f), monthIndex));
		else if (v === 'hours') out.set(v, ours.hours(await hourOfWeek(runner, f)));
		else out.set(v, ours.cells(await cellValues(runner, f, level)));
	}
	return out;
}

async function run(request: RunRequest): Promise<RunResult> {
	const { states, level } = request;
	const timestamped = dataset !== 'incidents';
	const views: ViewName[] = ['monthCategory', ...(timestamped ? (['hours'] as const) : []), ...(request.view === 'map' ? (['cells'] as const) : [])];
	const errors: string[] = [];
	const mismatches: string[] = [];

	// Ours: the base state first (the unfiltered first view), then every change.
	const base: ExploreFilters = { ...states[0], from: null, categories: [] };
	let t = performance.now();
	await oursAnswers(base, views, level);
	const oursFirstMs = performance.now() - t;
	const oursTimes: number[] = [];
	const expected: Array<Map<ViewName, Answer>> = [];
	for (const f of states) {
		t = performance.now();
		expected.push(await oursAnswers(f, views, level));
		oursTimes.push(performance.now() - t);
	}

	const range = await runner.rows<{ first: number; last: number }>(
		'SELECT min(month_index)::INTEGER AS first, max(month_index)::INTEGER AS last FROM explore_points WHERE dataset = ?',
		[dataset]
	);
	const pass = async (activated: boolean): Promise<MosaicPass> => {
		// A fresh coordinator, its schema dropped (no table left from an earlier pass or page).
		await mosaicConn.query('DROP SCHEMA IF EXISTS mosaic CASCADE');
		const stats = { creates: 0, createMs: 0 };
		const connector = ipcConnector(
			(sql) => mosaicConn.useUnsafe((bindings, id) => bindings.runQuery(id, sql)),
			(sql, ms) => {
				if (/\bCREATE\s+(TEMP\s+)?TABLE\b/i.test(sql)) {
					stats.creates++;
					stats.createMs += ms;
				}
			}
		);
		const coordinator = new Coordinator(connector, { logger: null });
		const inputs = filterInputs(range[0].first, range[0].last);
		const clients = views.map((v) => new CountClient(inputs.selection, v, dataset, level));
		let t = performance.now();
		await connectAll(coordinator, clients);
		const firstMs = performance.now() - t;
		const key = (s: ExploreFilters) => ({ from: s.from === null ? null : monthIndex(s.from), categories: s.categories });
		const changes: MosaicChange[] = [];
		let prev = key(base);
		for (let i = 0; i < states.length; i++) {
			const next = key(states[i]);
			const clause = changeClause(inputs, prev, next);
			prev = next;
			if (!clause) continue;
			let activateMs = 0;
			if (activated) {
				t = performance.now();
				await activate(coordinator, inputs, clause);
				activateMs = performance.now() - t;
			}
			const before = { ...stats };
			t = performance.now();
			const done = await Promise.race([publish(inputs, clients, clause).then(() => 'ok' as const), new Promise<'timeout'>((ok) => setTimeout(() => ok('timeout'), 120_000))]);
			const ms = performance.now() - t;
			if (done === 'timeout') {
				errors.push(`change ${i}: not every Mosaic client answered within 120 s`);
				break;
			}
			changes.push({ ms, creates: stats.creates - before.creates, createMs: stats.createMs - before.createMs, activateMs });
			for (const c of clients) {
				if (c.errors.length > 0) errors.push(`change ${i} ${c.view}: ${c.errors.splice(0).join('; ')}`);
				const diff = differences(expected[i].get(c.view)!, c.data);
				if (diff.length > 0) mismatches.push(`${activated ? 'activated ' : ''}state ${i} ${c.view}: ${diff.join('; ')}`);
			}
		}
		const cubes = await runner.rows<{ table: string; rows: number }>(
			"SELECT table_name AS \"table\", estimated_size::INTEGER AS rows FROM duckdb_tables() WHERE schema_name = 'mosaic' ORDER BY table_name"
		);
		coordinator.clear();
		return { firstMs, changes, cubes };
	};
	const mosaic = await pass(false);
	const mosaicActivated = await pass(true);
	return { views, ours: oursTimes, oursFirstMs, mosaic, mosaicActivated, mismatches, errors };
}

(window as unknown as { mosaicBench: unknown }).mosaicBench = { setup, run };
