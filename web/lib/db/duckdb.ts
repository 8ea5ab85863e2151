/**
 * The one module that owns DuckDB-wasm (shared/STYLE.md §5). It starts the engine lazily,
 * behind a memoised promise, for one data source at a time (sources.ts): makes every dataset
 * listed in that source's manifest.json a table of the same name, and adds the `harm_weights`
 * table from the declared model. An Arrow dataset's table is created when a query first reads
 * it (runner.ts, withTablesOnDemand), so a page holds only the tables it uses: the national
 * `thr_area_months` (73 MB of Arrow) is inserted by the pages that score THR, never by the Map.
 * Switching source terminates the old worker and starts a fresh database, so no table of one
 * source can leak into another. Browser only: the
 * layout imports it dynamically from onMount, never from a load function or at module top level.
 *
 * Pitfalls handled here (docs/stack-notes.md § DuckDB-wasm):
 * - wasm and worker files come from our own build via Vite `?url` imports, never a CDN;
 * - extension auto-install/auto-load is switched off right after connecting, so a statement
 *   that needs an extension fails at once instead of hanging offline;
 * - tables are created from IPC bytes (`insertArrowFromIPCStream`), never from Arrow 21 Table
 *   objects, which DuckDB's bundled Arrow 17 silently ignores; the bytes are transferred to the
 *   worker, so their size is read first;
 * - `insertArrowFromIPCStream` creates nothing, without an error, for bytes that are not an
 *   Arrow stream, so every table's existence and row count are checked against the manifest.
 *
 * - the base rows (incidents, stop_search, events, quarantine) of an extract with a
 *   `base_database` are not fetched: base.duckdb is registered by URL and attached read-only, and
 *   DuckDB-wasm reads the pages a query needs by HTTP range requests (`db.open` with
 *   BASE_FILESYSTEM, or it would download the whole file); one view per dataset keeps every query
 *   unchanged. One small range request first checks that the server answers ranges, the size and
 *   the header, so a server without Range support is an error, never a silent whole download.
 *
 * A manifest that lacks a core dataset (manifest.ts), or a file whose size, sha256 or row count
 * differ from the manifest, is an error shown by the layout. Smaller gaps between an extract
 * and the contract (a newer dataset or column it lacks) are bridged with empty tables/columns
 * and reported as warnings, so an extract one step older than the app still opens.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import workerShim from './duckdb-worker-shim.js?url&no-inline';
import { DATA_PATH } from './paths';
import { LOCAL_PREFIX, listSources, servedSources, type SourceInfo } from './sources';
import { openImportedSource } from '$lib/import/local-sources';
import type { QueryRunner } from '$analytics/runner';
import {
	EXTRACT_DATASETS,
	emptyDatasetSql,
	type ArrowDatasetEntry,
	type BaseDatabaseReport,
	type DatasetName,
	type DuckdbTableEntry,
	type ExtractColumn,
	type ExtractManifest
} from '$analytics/ingest/extract-schema';
import { createHarmWeightTables, declareRecordSubgroups, type HarmWeightsModel } from '$analytics/models/harm-weights';
import harmWeightsFile from '$models/harm-weights/cchi-police-uk-v2.json';
import { ident } from '$analytics/ingest/sql';
import { ExtractLoadError } from './errors';
import { CONTRACT_DATASETS, validateManifest } from './manifest';
import { createWasmRunner, withTablesOnDemand, type TablesOnDemand } from './runner';

/** The harm-weights model the dashboard uses (declared in models/). */
export const HARM_MODEL = harmWeightsFile as HarmWeightsModel;

export { DATA_PATH };

export interface DatasetLoad {
	name: DatasetName;
	file: string;
	rows: number;
	/** Bytes fetched for it: the Arrow file's size; 0 for a table read on demand from base.duckdb. */
	bytes: number;
	/** Time to fetch the file, ms (0 for a table read on demand). */
	fetchMs: number;
	/** Time to hash it, ms; null when Web Crypto is unavailable (not a secure context) or read on demand. */
	sha256Ms: number | null;
	/** Time to create its table (its view over base.duckdb, with the row count check), ms. */
	insertMs: number;
	/** True for a table of base.duckdb, read on demand by range requests and never fetched whole. */
	onDemand: boolean;
	/** True for an Arrow dataset's table, created when a query first read it (after the start). */
	firstUse: boolean;
}

/** How base.duckdb was attached (LoadReport.baseDatabase). */
export interface BaseDatabaseLoad {
	file: string;
	/** Its size, checked against manifest.json from the server's answer to a first range request. */
	bytes: number;
	/** The first range request: size, range support and the file's header, ms. */
	probeMs: number;
	/** Registering and attaching it, and making the views (row counts read from its metadata), ms. */
	attachMs: number;
	/** The datasets read from it on demand. */
	datasets: DatasetName[];
}

export interface LoadReport {
	/** Which DuckDB-wasm build was chosen by feature detection. */
	bundle: 'mvp' | 'eh' | 'coi';
	/** The engine runs in a SharedWorker kept across reloads; false: a dedicated worker (no SharedWorker here). */
	engineShared: boolean;
	/** The engine was instantiated by an earlier page of this tab and reused: no wasm fetch or compile. */
	engineReused: boolean;
	/** Engine start: worker, wasm compile, connect, settings (ms). */
	engineMs: number;
	/** From the start until every table exists (ms); overlaps engine start. */
	totalMs: number;
	/**
	 * Whether each fetched (Arrow) file's sha256 was checked against the manifest. base.duckdb's
	 * cannot be: it is never downloaded whole (its size, header and row counts are checked).
	 */
	sha256Verified: boolean;
	/**
	 * The tables made so far: base.duckdb's views at start, then each Arrow dataset's table when a
	 * query first reads it (appended then; see onFirstUse).
	 */
	datasets: DatasetLoad[];
	/**
	 * The Arrow datasets whose tables are created when a query first reads them, not at start.
	 * Their files up to PREFETCH_BYTES are fetched and checked (size, sha256, Arrow stream header)
	 * during the start, so a damaged one still stops it; larger files are fetched on first use.
	 */
	onFirstUse: DatasetName[];
	/** PREFETCH_BYTES: the largest Arrow file fetched and checked during the start. */
	prefetchBytes: number;
	/** base.duckdb, when the extract has one; null when every dataset is an Arrow file. */
	baseDatabase: BaseDatabaseLoad | null;
	/**
	 * Differences from the extract contract that were bridged, not fatal: a non-core dataset
	 * absent from the manifest (an empty table stands in), a contract column absent from a file
	 * (added as NULL), a dataset the app does not know (ignored). Shown on the Data page.
	 */
	warnings: string[];
}

export interface Database {
	/** Which data source is loaded. */
	readonly source: { id: string; label: string; kind: 'sample' | 'imported' };
	/** URL of the source's extract folder (for links to its files); null for an imported source. */
	readonly dataUrl: string | null;
	readonly runner: QueryRunner;
	readonly manifest: ExtractManifest;
	readonly harmModel: HarmWeightsModel;
	readonly load: LoadReport;
	/** Terminate the worker; the database cannot be used afterwards. */
	close(): Promise<void>;
}

export type LoadStep = { step: 'engine' | 'manifest' | 'fetch' | 'insert' | 'ready'; detail?: string };

export { listSources, type SourceInfo };

let current: { id: string; opening: Promise<Database> } | null = null;

/**
 * The database of one data source (`sourceId`; null for the default, the first served source),
 * started on first call and shared while the same source is asked for. Asking for another
 * source terminates the current database and starts a fresh one. A failed start is not
 * memoised, so calling again retries from scratch (after the extracts have been rebuilt, say).
 *
 * @throws ExtractLoadError 'missing' for an id no source has (the message lists the ids).
 */
export async function getDatabase(sourceId: string | null, onStep?: (step: LoadStep) => void): Promise<Database> {
	const source = await findSource(sourceId);
	if (current?.id === source.id) return current.opening;
	const previous = current;
	const opening = openDatabase(source, onStep ?? (() => {})).catch((error: unknown) => {
		if (current?.opening === opening) current = null;
		throw error;
	});
	current = { id: source.id, opening };
	if (previous) void previous.opening.then((db) => db.close()).catch(() => {});
	return opening;
}

async function findSource(sourceId: string | null): Promise<SourceInfo> {
	const sources = sourceId?.startsWith(LOCAL_PREFIX) ? await listSources() : await servedSources();
	if (sourceId === null) return sources[0];
	const found = sources.find((s) => s.id === sourceId);
	if (found) return found;
	throw new ExtractLoadError(
		'source',
		`There is no data source "${sourceId}" here. The sources offered are: ${sources.map((s) => `"${s.id}" (${s.label})`).join(', ')}. Choose one in the header.`,
		null
	);
}

/** Where a source's manifest and files come from: the server, or the browser's own storage. */
interface SourceFiles {
	/** Human description of where, for messages (e.g. "/data/city-of-london"). */
	where: string;
	/** The folder's URL when served over HTTP (base.duckdb can then be read by range requests); null for an imported source. */
	url: string | null;
	manifest(): Promise<ExtractManifest>;
	/** Bytes of one listed file, or an ExtractLoadError. */
	read(file: string): Promise<Uint8Array<ArrayBuffer>>;
}

function servedFiles(url: string): SourceFiles {
	return { where: url, url, manifest: () => fetchManifest(url), read: (file) => fetchFile(url, file) };
}

async function importedFiles(source: SourceInfo): Promise<SourceFiles> {
	const where = `the imported source "${source.label}"`;
	let opened: Awaited<ReturnType<typeof openImportedSource>>;
	try {
		opened = await openImportedSource(source.id);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new ExtractLoadError('missing', `${where} could not be opened: ${message}`, null, { cause: error });
	}
	return {
		where,
		url: null,
		manifest: async () => validateManifest(opened.manifest, `manifest of ${where}`),
		read: async (file) => {
			try {
				const bytes = await opened.read(file);
				// Web Crypto and the worker transfer need a plain ArrayBuffer, not a shared one.
				return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				throw new ExtractLoadError('missing', `${file} of ${where} could not be read: ${message}`, file, { cause: error });
			}
		}
	};
}

interface Engine {
	db: duckdb.AsyncDuckDB;
	conn: duckdb.AsyncDuckDBConnection;
	bundle: LoadReport['bundle'];
	ms: number;
	/** The worker is a SharedWorker (kept across a reload), not a dedicated one. */
	shared: boolean;
	/** Its engine was instantiated by an earlier page of this tab (a reload), not by this one. */
	reused: boolean;
}

interface Fetched {
	dataset: ArrowDatasetEntry;
	bytes: Uint8Array<ArrayBuffer>;
	fetchMs: number;
	sha256Ms: number | null;
}

async function openDatabase(source: SourceInfo, onStep: (step: LoadStep) => void): Promise<Database> {
	const start = performance.now();
	performance.mark('clearsight:db-start');
	onStep({ step: 'engine' });
	const engine = takeEngine();
	engine.catch(() => {}); // reported when awaited below; avoid an unhandled rejection meanwhile
	try {
		const files = source.kind === 'imported' ? await importedFiles(source) : servedFiles(source.url ?? DATA_PATH);
		onStep({ step: 'manifest' });
		const manifest = await files.manifest();
		const warnings: string[] = [];
		const listed = manifest.datasets.filter((d) => CONTRACT_DATASETS.includes(d.name));
		for (const d of manifest.datasets) {
			if (!CONTRACT_DATASETS.includes(d.name)) warnings.push(`manifest.json lists a dataset "${d.name}" this app does not know; it was not loaded.`);
		}
		const absent = CONTRACT_DATASETS.filter((name) => !listed.some((d) => d.name === name));
		const arrow = listed.filter((d): d is ArrowDatasetEntry => d.format === 'arrow-ipc-stream');
		const onDemand = listed.filter((d): d is DuckdbTableEntry => d.format === 'duckdb-table');
		// Small Arrow files are fetched and checked now, while the engine starts; every Arrow table is created on first use.
		const prefetch = arrow.filter((d) => d.bytes <= PREFETCH_BYTES);
		onStep({
			step: 'fetch',
			detail: `${prefetch.length} files${onDemand.length > 0 ? ` (${onDemand.map((d) => d.name).join(', ')} read on demand)` : ''}`
		});
		// base.duckdb: its size, range support and header are checked while the engine starts.
		const probe = onDemand.length > 0 ? probeBaseDatabase(files, manifest, onDemand) : null;
		probe?.catch(() => {});
		const prefetched = new Map(prefetch.map((dataset) => [dataset.name, fetchDataset(files, dataset)] as const));
		prefetched.forEach((f) => f.catch(() => {}));
		const started = await engine;
		const runner = createWasmRunner(started.conn);
		const datasets: DatasetLoad[] = [];
		let baseDatabase: BaseDatabaseLoad | null = null;
		if (probe) {
			const probed = await probe;
			onStep({ step: 'insert', detail: probed.report.file });
			const attached = await attachBaseDatabase(started, runner, probed, onDemand);
			baseDatabase = attached.load;
			datasets.push(...attached.datasets);
		}
		// A damaged small file stops the start, as when every table was made at start.
		for (const pending of prefetched.values()) await pending;
		for (const name of absent) {
			await createEmptyTable(started.conn, name);
			warnings.push(
				`This extract has no "${name}" dataset (it was built before the extract format gained it): an empty table stands in. Rebuild the extracts to include it.`
			);
		}
		warnings.push(...(await addMissingColumns(started.conn, runner, manifest, arrow)));
		const tables = arrowTablesOnFirstUse({ conn: started.conn, runner, files, arrow, prefetched, made: datasets });
		const queries = withTablesOnDemand(runner, tables);
		// Whether the records carry offence subgroups, as the build wrote it: scoring need not scan the column.
		declareRecordSubgroups(queries, manifest);
		// Both weight tables in one bound INSERT each, not a prepared statement per row (37 round trips to the worker).
		await createHarmWeightTables(runner, HARM_MODEL);
		const totalMs = performance.now() - start;
		performance.measure('clearsight:extracts', { start, duration: totalMs });
		onStep({ step: 'ready' });
		return {
			source: { id: source.id, label: source.label, kind: source.kind },
			dataUrl: source.url,
			close: () => started.db.terminate(),
			runner: queries,
			manifest,
			harmModel: HARM_MODEL,
			load: {
				bundle: started.bundle,
				engineShared: started.shared,
				engineReused: started.reused,
				engineMs: started.ms,
				totalMs,
				// Web Crypto is there or not for every file alike (a secure context).
				sha256Verified: arrow.length === 0 || globalThis.crypto?.subtle !== undefined,
				datasets,
				onFirstUse: arrow.map((d) => d.name),
				prefetchBytes: PREFETCH_BYTES,
				baseDatabase,
				warnings
			}
		};
	} catch (error) {
		// Do not leave a half-loaded worker running (a retry starts a fresh one), but report
		// the problem now rather than after the engine has finished starting.
		void engine.then((e) => e.db.terminate()).catch(() => {});
		throw error;
	}
}

/** An engine started by warmEngine() before its source is known, taken by the next database opened. */
let spare: Promise<Engine> | null = null;

/**
 * Start the engine now (worker, wasm, open, connect: the same for every source), while the
 * sources are listed and the source chosen; the next getDatabase takes it. Does nothing when a
 * database is open or opening, or an engine is already waiting.
 */
export function warmEngine(): void {
	if (current || spare) return;
	spare = startEngine();
	spare.catch(() => {}); // reported by the openDatabase that takes it
}

function takeEngine(): Promise<Engine> {
	const engine = spare ?? startEngine();
	spare = null;
	return engine;
}

/** DuckDB-wasm's worker URL, loaded through duckdb-worker-shim.js (same origin, checked there too). */
export function shimmedWorkerUrl(workerUrl: string): string {
	const shim = new URL(workerShim, location.href);
	shim.searchParams.set('worker', new URL(workerUrl, location.href).href);
	return shim.href;
}

/** sessionStorage keys: this tab's engine id, the number of its latest engine, and whether a page holds it. */
const TAB_KEY = 'clearsight:engine-tab';
const SEQ_KEY = 'clearsight:engine-seq';
const HELD_KEY = 'clearsight:engine-held';
/** The engines this page started, so each is told when the page goes (pagehide). */
const livePorts = new Set<MessagePort>();
let enginesStarted = 0;

/** A fresh id for this tab's engines (no Math.random needed: the name only has to differ). */
function newTabId(): string {
	return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${performance.now().toString(36)}`;
}

/**
 * The name of this page's next SharedWorker engine: the tab's id (sessionStorage) and the engine's
 * number in the tab. The page's first engine takes the number the tab's last page used, so a
 * reload finds the engine that page left running; every later engine (a source switch, a retry)
 * takes the next, so two engines of one page are never one worker. A duplicated tab copies
 * sessionStorage, HELD_KEY included (set while a page holds the engine, cleared on pagehide):
 * found set at a page's first engine, it means another page holds that id, so this tab takes a new one.
 */
function engineName(storage: Storage): string {
	let tab = storage.getItem(TAB_KEY);
	let seq = Number(storage.getItem(SEQ_KEY) ?? 0);
	if (enginesStarted === 0) {
		if (!tab || storage.getItem(HELD_KEY) === '1') {
			tab = newTabId();
			seq = 0;
		}
		storage.setItem(HELD_KEY, '1');
		window.addEventListener('pagehide', (event) => {
			storage.removeItem(HELD_KEY);
			// Kept in the back/forward cache the page may come back: its engines stay connected.
			if (!event.persisted) for (const port of livePorts) port.postMessage({ type: 'CLEARSIGHT_BYE' });
		});
		window.addEventListener('pageshow', (event) => {
			if (event.persisted) storage.setItem(HELD_KEY, '1');
		});
	} else {
		seq += 1;
	}
	enginesStarted += 1;
	storage.setItem(TAB_KEY, tab!);
	storage.setItem(SEQ_KEY, String(seq));
	return `clearsight-duckdb:${tab}:${seq}`;
}

/**
 * The engine's worker as a SharedWorker kept across a reload (`extendedLifetime`), behind the
 * little of the Worker interface AsyncDuckDB uses; null where SharedWorker is missing or cannot be
 * made (the caller falls back on a dedicated worker). `terminate()` closes that worker at once,
 * so the next engine (another name anyway) finds nothing of it.
 */
function sharedEngineWorker(url: string): Worker | null {
	if (typeof SharedWorker === 'undefined') return null;
	let shared: SharedWorker;
	try {
		const storage = globalThis.sessionStorage;
		const options = { name: engineName(storage), extendedLifetime: true } as WorkerOptions;
		shared = new SharedWorker(url, options);
	} catch {
		return null;
	}
	const port = shared.port;
	port.start();
	livePorts.add(port);
	const adapter = {
		postMessage: (message: unknown, transfer: Transferable[] = []) => port.postMessage(message, transfer),
		addEventListener: (type: string, listener: EventListener) => (type === 'message' ? port : shared).addEventListener(type, listener),
		removeEventListener: (type: string, listener: EventListener) => (type === 'message' ? port : shared).removeEventListener(type, listener),
		terminate: () => {
			livePorts.delete(port);
			port.postMessage({ type: 'CLEARSIGHT_CLOSE' });
			port.close();
		}
	};
	return adapter as unknown as Worker;
}

async function startEngine(): Promise<Engine> {
	const start = performance.now();
	try {
		const bundle = await duckdb.selectBundle({
			mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
			eh: { mainModule: ehWasm, mainWorker: ehWorker }
		});
		// Through our shim, so the worker compiles the wasm from the HTTP response and Chromium's
		// compiled-code cache can apply, and as a SharedWorker a reload finds the engine
		// instantiated (duckdb-worker-shim.js says why and how).
		const url = shimmedWorkerUrl(bundle.mainWorker!);
		const shared = sharedEngineWorker(url);
		const worker = shared ?? new Worker(url);
		const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
		const instantiating = performance.now();
		const answer: unknown = await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
		// The shim answers { reused: true } when its engine was instantiated by an earlier page.
		const reused = typeof answer === 'object' && answer !== null && (answer as { reused?: unknown }).reused === true;
		if (reused) performance.mark('clearsight:engine-reused');
		// The worker's script, the wasm fetch, compile (or code cache) and instantiation.
		else performance.measure('clearsight:engine-instantiate', { start: instantiating, end: performance.now() });
		const opening = performance.now();
		// A fresh database on every page load, also in a reused engine: nothing of the last page's
		// tables, views or attachments survives. base.duckdb is read by range requests only:
		// without these settings DuckDB-wasm silently downloads a remote file whole
		// (docs/stack-notes.md § Reading base rows on demand).
		await db.open({ filesystem: BASE_FILESYSTEM });
		// The files the last page registered (base.duckdb by URL) are forgotten: registered again on attach.
		if (reused) await db.dropFiles();
		const conn = await db.connect();
		// Offline: a statement needing an extension must fail at once, not hang
		// (docs/stack-notes.md § DuckDB-wasm).
		await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
		performance.measure('clearsight:engine-open', { start: opening, end: performance.now() });
		const ms = performance.now() - start;
		performance.measure('clearsight:engine', { start, duration: ms });
		const kind: LoadReport['bundle'] = bundle.mainModule === ehWasm ? 'eh' : bundle.mainModule === mvpWasm ? 'mvp' : 'coi';
		return { db, conn, bundle: kind, ms, shared: shared !== null, reused };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new ExtractLoadError(
			'engine',
			`The in-browser database (DuckDB-wasm) could not start: ${message}. This browser may not support WebAssembly workers, or a policy blocks them.`,
			null,
			{ cause: error }
		);
	}
}

async function fetchManifest(url: string): Promise<ExtractManifest> {
	const where = `${url}/manifest.json`;
	let response: Response;
	try {
		response = await fetch(where);
	} catch (error) {
		throw new ExtractLoadError('missing', `manifest.json could not be fetched from ${where}: the server did not answer.`, 'manifest.json', {
			cause: error
		});
	}
	const type = response.headers.get('content-type') ?? '';
	if (response.status === 404 || (response.ok && type.includes('text/html'))) {
		throw new ExtractLoadError('missing', `manifest.json not found at ${where}: the server has no extracts folder, or it is empty.`, 'manifest.json');
	}
	if (!response.ok) {
		throw new ExtractLoadError('missing', `manifest.json could not be read from ${where} (HTTP ${response.status}).`, 'manifest.json');
	}
	let json: unknown;
	try {
		json = await response.json();
	} catch {
		throw new ExtractLoadError('corrupt', `manifest.json at ${where} is not valid JSON: the file is damaged or was only partly written.`, 'manifest.json');
	}
	return validateManifest(json, `manifest.json at ${where}`);
}

async function fetchFile(url: string, file: string): Promise<Uint8Array<ArrayBuffer>> {
	const where = `${url}/${file}`;
	let response: Response;
	try {
		response = await fetch(where);
	} catch (error) {
		throw new ExtractLoadError('missing', `${file} could not be fetched from ${where}: the server did not answer.`, file, {
			cause: error
		});
	}
	if (!response.ok) {
		const what = response.status === 404 ? 'is listed in manifest.json but was not found' : `could not be read (HTTP ${response.status})`;
		throw new ExtractLoadError('missing', `${file} ${what} at ${where}.`, file);
	}
	return new Uint8Array(await response.arrayBuffer());
}

async function fetchDataset(files: SourceFiles, dataset: Fetched['dataset']): Promise<Fetched> {
	const start = performance.now();
	const bytes = await files.read(dataset.file);
	const fetchMs = performance.now() - start;
	if (bytes.byteLength !== dataset.bytes) {
		throw new ExtractLoadError(
			'corrupt',
			`${dataset.file}: size mismatch — the file is ${bytes.byteLength.toLocaleString('en-GB')} bytes but manifest.json says ${dataset.bytes.toLocaleString('en-GB')}. It is truncated or from a different build.`,
			dataset.file
		);
	}
	let sha256Ms: number | null = null;
	// Web Crypto exists only in secure contexts (https, localhost, 127.0.0.1); elsewhere the size check stands alone.
	if (globalThis.crypto?.subtle) {
		const hashStart = performance.now();
		const digest = await crypto.subtle.digest('SHA-256', bytes);
		sha256Ms = performance.now() - hashStart;
		const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
		if (hex !== dataset.sha256) {
			throw new ExtractLoadError(
				'corrupt',
				`${dataset.file}: sha256 mismatch — the file's hash is ${hex.slice(0, 12)}… but manifest.json says ${dataset.sha256.slice(0, 12)}…. It was changed after the extract was built.`,
				dataset.file
			);
		}
	}
	checkArrowStreamStart(dataset, bytes);
	return { dataset, bytes, fetchMs, sha256Ms };
}

const IPC_CONTINUATION = 0xffffffff;
const ARROW_FILE_MAGIC = 'ARROW1';

function notArrowStream(dataset: ArrowDatasetEntry, why: string): ExtractLoadError {
	return new ExtractLoadError('corrupt', `${dataset.file}: not a valid Arrow stream (${why}). Rebuild the extracts.`, dataset.file);
}

/** Whether the bytes start as an Arrow IPC stream; checked as soon as they are fetched, before any insert. */
function checkArrowStreamStart(dataset: ArrowDatasetEntry, bytes: Uint8Array<ArrayBuffer>): void {
	const size = bytes.byteLength;
	if (size < 8) throw notArrowStream(dataset, `only ${size} bytes`);
	if (new TextDecoder().decode(bytes.subarray(0, 6)) === ARROW_FILE_MAGIC) throw notArrowStream(dataset, 'it is an Arrow file, the stream format is expected');
	if (new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) !== IPC_CONTINUATION) throw notArrowStream(dataset, 'it does not start with an IPC message');
}

/** Insert a fetched Arrow dataset as table `into` (its own name, or a name it is renamed from) and check its row count. */
async function insertDataset(conn: duckdb.AsyncDuckDBConnection, runner: QueryRunner, fetched: Fetched, into: string = fetched.dataset.name): Promise<DatasetLoad> {
	const { dataset, bytes } = fetched;
	const size = bytes.byteLength; // read before the buffer is transferred to the worker
	// Its stream start was checked by fetchDataset, where every Fetched comes from.
	const notArrow = (why: string) => notArrowStream(dataset, why);
	const start = performance.now();
	const table = ident(into);
	try {
		await conn.insertArrowFromIPCStream(bytes, { name: into, create: true });
	} catch (error) {
		throw notArrow(error instanceof Error ? error.message : String(error));
	}
	const [exists] = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
		[into]
	);
	if (exists.n === 0) {
		if (dataset.rows > 0) throw notArrow('DuckDB read no table from it');
		// An empty stream may create nothing: make the table from the contract so queries still run.
		await createEmptyTable(conn, dataset.name, into);
	}
	const [count] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
	if (count.n !== dataset.rows) {
		throw new ExtractLoadError(
			'corrupt',
			`${dataset.file}: holds ${count.n.toLocaleString('en-GB')} rows but manifest.json says ${dataset.rows.toLocaleString('en-GB')}.`,
			dataset.file
		);
	}
	return {
		name: dataset.name,
		file: dataset.file,
		rows: dataset.rows,
		bytes: size,
		fetchMs: fetched.fetchMs,
		sha256Ms: fetched.sha256Ms,
		insertMs: performance.now() - start,
		onDemand: false,
		firstUse: false
	};
}

/** A table with the contract's columns and no rows, named `table` (default: the dataset's name). */
async function createEmptyTable(conn: duckdb.AsyncDuckDBConnection, name: DatasetName, table: string = name): Promise<void> {
	await conn.query(emptyDatasetSql(name, table));
}

/** The contract's columns of dataset `name` that are not in `present`. */
function contractColumnsMissing(name: DatasetName, present: ReadonlySet<string>): ExtractColumn[] {
	return EXTRACT_DATASETS.find((d) => d.name === name)?.columns.filter((c) => !present.has(c.name)) ?? [];
}

function missingColumnsWarning(file: string, missing: readonly ExtractColumn[]): string {
	return `${file} has no column${missing.length > 1 ? 's' : ''} ${missing.map((c) => c.name).join(', ')} (it was built for an older extract format): added as empty. Rebuild the extracts.`;
}

/**
 * Add any contract column a file lacks, as NULL, so every query written against the contract
 * runs; each one is reported as a warning, since it means the extract is older than the app.
 * The Arrow datasets' tables (`firstUse`) are made later: their warnings come from the columns the
 * manifest lists, and their columns are added when each table is made (arrowTablesOnFirstUse).
 */
async function addMissingColumns(
	conn: duckdb.AsyncDuckDBConnection,
	runner: QueryRunner,
	manifest: ExtractManifest,
	firstUse: readonly ArrowDatasetEntry[]
): Promise<string[]> {
	const rows = await runner.rows<{ table_name: string; column_name: string }>(
		"SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
	);
	const warnings: string[] = [];
	for (const dataset of EXTRACT_DATASETS) {
		const later = firstUse.find((d) => d.name === dataset.name);
		if (later) {
			const missing = contractColumnsMissing(later.name, new Set(later.columns.map((c) => c.name)));
			if (missing.length > 0) warnings.push(missingColumnsWarning(later.file, missing));
			continue;
		}
		const present = new Set(rows.filter((r) => r.table_name === dataset.name).map((r) => r.column_name));
		const missing = contractColumnsMissing(dataset.name, present);
		if (missing.length === 0) continue;
		const entry = manifest.datasets.find((d) => d.name === dataset.name);
		if (entry?.format === 'duckdb-table') {
			// A view over base.duckdb: made again with the missing columns as typed NULLs.
			const extra = missing.map((c) => `NULL::${c.type} AS ${ident(c.name)}`).join(', ');
			await conn.query(`CREATE OR REPLACE VIEW ${ident(dataset.name)} AS SELECT *, ${extra} FROM ${BASE_ALIAS}.${ident(entry.table)}`);
		} else {
			for (const c of missing) await conn.query(`ALTER TABLE ${ident(dataset.name)} ADD COLUMN ${ident(c.name)} ${c.type}`);
		}
		const file = entry?.format === 'duckdb-table' ? `${entry.file} table ${entry.table}` : `${dataset.name}.arrow`;
		warnings.push(missingColumnsWarning(file, missing));
	}
	return warnings;
}

/** Arrow files up to this size are fetched and checked during the start; larger ones when their table is first read. */
const PREFETCH_BYTES = 4 * 1024 * 1024;
/** A table is inserted under this prefix and renamed once checked, so no query sees it half made. */
const STAGING_PREFIX = 'clearsight_loading_';

/**
 * The Arrow datasets as tables made on first use (runner.ts, withTablesOnDemand): a file fetched
 * during the start is taken from `prefetched`, any other fetched and checked then; it is inserted
 * under a staging name, its row count checked and any contract column it lacks added, then
 * renamed, so a query sees the whole table or none. Each table made is appended to `made` (the
 * Data page's account) and timed as `clearsight:table:<name>`. A failure (the file missing or
 * damaged: an ExtractLoadError naming it) is thrown to the query that asked and not kept.
 */
function arrowTablesOnFirstUse(options: {
	conn: duckdb.AsyncDuckDBConnection;
	runner: QueryRunner;
	files: SourceFiles;
	arrow: readonly ArrowDatasetEntry[];
	prefetched: Map<DatasetName, Promise<Fetched>>;
	made: DatasetLoad[];
}): TablesOnDemand {
	const { conn, runner, files, prefetched, made } = options;
	const entries = new Map(options.arrow.map((d) => [d.name as string, d]));
	const loading = new Map<string, Promise<void>>();
	const done = new Set<string>();

	async function make(dataset: ArrowDatasetEntry): Promise<void> {
		const start = performance.now();
		const pending = prefetched.get(dataset.name) ?? fetchDataset(files, dataset);
		// The bytes are transferred to the worker by the insert: a retry after a failure fetches again.
		prefetched.delete(dataset.name);
		const fetched = await pending;
		const staging = `${STAGING_PREFIX}${dataset.name}`;
		try {
			const load = await insertDataset(conn, runner, fetched, staging);
			const columns = await runner.rows<{ column_name: string }>(
				"SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?",
				[staging]
			);
			const missing = contractColumnsMissing(dataset.name, new Set(columns.map((c) => c.column_name)));
			for (const c of missing) await conn.query(`ALTER TABLE ${ident(staging)} ADD COLUMN ${ident(c.name)} ${c.type}`);
			await conn.query(`ALTER TABLE ${ident(staging)} RENAME TO ${ident(dataset.name)}`);
			made.push({ ...load, firstUse: true });
		} catch (error) {
			await conn.query(`DROP TABLE IF EXISTS ${ident(staging)}`).catch(() => {});
			throw error;
		}
		performance.measure(`clearsight:table:${dataset.name}`, { start, duration: performance.now() - start });
	}

	return {
		has: (name) => entries.has(name),
		pending: (name) => entries.has(name) && !done.has(name),
		load(name) {
			const dataset = entries.get(name);
			if (!dataset || done.has(name)) return Promise.resolve();
			let p = loading.get(name);
			if (!p) {
				p = make(dataset).then(
					() => {
						done.add(name);
						loading.delete(name);
					},
					(error: unknown) => {
						loading.delete(name);
						throw error;
					}
				);
				loading.set(name, p);
			}
			return p;
		}
	};
}

/** DuckDB-wasm's HTTP file system: range requests only, never a whole-file fallback. */
const BASE_FILESYSTEM = { reliableHeadRequests: true, allowFullHTTPReads: false, forceFullHTTPReads: false } as const;
/** The schema base.duckdb is attached as. */
const BASE_ALIAS = 'base';
/** A DuckDB database file starts with an 8-byte checksum, then this magic. */
const DUCKDB_MAGIC = 'DUCK';
const PROBE_BYTES = 4096;

interface BaseProbe {
	report: BaseDatabaseReport;
	/** Absolute URL of the file. */
	url: string;
	ms: number;
}

/**
 * Check base.duckdb before the engine reads it, with one small range request: that it is there,
 * that the server answers byte ranges (a 200 with the whole body means it does not, and the file
 * must then not be read: its download is cancelled), that its size is the manifest's, and that it
 * starts like a DuckDB database file.
 */
async function probeBaseDatabase(files: SourceFiles, manifest: ExtractManifest, tables: readonly DuckdbTableEntry[]): Promise<BaseProbe> {
	const start = performance.now();
	const report = manifest.base_database;
	const file = tables[0].file;
	if (!report || tables.some((t) => t.file !== report.file)) {
		throw new ExtractLoadError('corrupt', `manifest.json lists ${tables.map((t) => t.name).join(', ')} as tables of ${file} but does not describe that file (base_database). Rebuild the extracts.`, 'manifest.json');
	}
	if (files.url === null) {
		// The in-browser import writes Arrow files only; an imported source with a database file cannot be read by range.
		throw new ExtractLoadError('corrupt', `${file} of ${files.where} cannot be read here: imported sources hold Arrow files only. Import the files again.`, file);
	}
	const where = `${files.url}/${file}`;
	const url = new URL(where, location.href).href;
	let response: Response;
	try {
		response = await fetch(url, { headers: { Range: `bytes=0-${PROBE_BYTES - 1}` } });
	} catch (error) {
		throw new ExtractLoadError('missing', `${file} could not be fetched from ${where}: the server did not answer.`, file, { cause: error });
	}
	if (response.status === 404) {
		throw new ExtractLoadError('missing', `${file} is listed in manifest.json but was not found at ${where}.`, file);
	}
	if (response.status === 200) {
		await response.body?.cancel().catch(() => {});
		throw new ExtractLoadError(
			'server',
			`${file}: the server at ${where} answered a byte-range request with the whole file (HTTP 200), so it does not support Range requests. The base rows are read from ${file} on demand; the server must answer Range requests with 206 Partial Content (HEAD with Range: bytes=0- included) and must not compress the file.`,
			file
		);
	}
	if (response.status === 416 && report.bytes < PROBE_BYTES) {
		throw new ExtractLoadError('corrupt', `${file}: size mismatch — the server has no bytes of it but manifest.json says ${report.bytes.toLocaleString('en-GB')}. It is truncated or from a different build.`, file);
	}
	if (response.status !== 206) {
		await response.body?.cancel().catch(() => {});
		throw new ExtractLoadError('missing', `${file} could not be read from ${where} (HTTP ${response.status}).`, file);
	}
	if (response.headers.get('content-encoding') && response.headers.get('content-encoding') !== 'identity') {
		await response.body?.cancel().catch(() => {});
		throw new ExtractLoadError(
			'server',
			`${file}: the server at ${where} sends it compressed (Content-Encoding: ${response.headers.get('content-encoding')}), which byte ranges cannot be read from. Serve ${file} uncompressed.`,
			file
		);
	}
	const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
	const head = new Uint8Array(await response.arrayBuffer());
	if (total === undefined) {
		throw new ExtractLoadError('server', `${file}: the server at ${where} answered a byte-range request without saying the file's size (no Content-Range). It must answer Range requests with 206 and Content-Range.`, file);
	}
	const size = Number(total);
	if (size !== report.bytes) {
		throw new ExtractLoadError(
			'corrupt',
			`${file}: size mismatch — the file is ${size.toLocaleString('en-GB')} bytes but manifest.json says ${report.bytes.toLocaleString('en-GB')}. It is truncated or from a different build.`,
			file
		);
	}
	if (head.byteLength < 12 || new TextDecoder().decode(head.subarray(8, 12)) !== DUCKDB_MAGIC) {
		throw new ExtractLoadError('corrupt', `${file}: not a DuckDB database file (its header is not DuckDB's). Rebuild the extracts.`, file);
	}
	return { report, url, ms: performance.now() - start };
}

/**
 * Register base.duckdb by URL, attach it read-only (DuckDB-wasm then reads its pages by range
 * requests, as queries need them) and make one view per dataset over its table, so every query
 * written against the dataset names runs unchanged. Each table's columns and row count (from
 * the database's metadata, no rows read) are checked against the manifest.
 */
async function attachBaseDatabase(
	engine: Engine,
	runner: QueryRunner,
	probe: BaseProbe,
	tables: readonly DuckdbTableEntry[]
): Promise<{ load: BaseDatabaseLoad; datasets: DatasetLoad[] }> {
	const start = performance.now();
	const file = probe.report.file;
	const damaged = (error: unknown) =>
		new ExtractLoadError(
			'corrupt',
			`${file}: DuckDB could not read it as a database (${error instanceof Error ? error.message : String(error)}). It is damaged, or was written by another version of the builder. Rebuild the extracts.`,
			file,
			{ cause: error }
		);
	try {
		await engine.db.registerFileURL(file, probe.url, duckdb.DuckDBDataProtocol.HTTP, false);
		// The registered name, not the URL: an http URL in SQL would try to load the httpfs extension.
		await engine.conn.query(`ATTACH '${file.replaceAll("'", "''")}' AS ${BASE_ALIAS} (READ_ONLY)`);
	} catch (error) {
		throw damaged(error);
	}
	// Every table's columns and row count in two queries, and the views in one script: each
	// statement is a round trip to the worker, and this runs before the database is ready.
	const checkStart = performance.now();
	let stored: { table_name: string; column_name: string; data_type: string }[];
	let counted: { table_name: string; n: number }[];
	try {
		stored = await runner.rows<{ table_name: string; column_name: string; data_type: string }>(
			`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_catalog = ? ORDER BY table_name, ordinal_position`,
			[BASE_ALIAS]
		);
		// estimated_size is the table's row count kept in the database's metadata: no row is read.
		counted = await runner.rows<{ table_name: string; n: number }>(`SELECT table_name, estimated_size AS n FROM duckdb_tables() WHERE database_name = ?`, [BASE_ALIAS]);
	} catch (error) {
		throw damaged(error);
	}
	for (const t of tables) {
		const count = counted.find((c) => c.table_name === t.table);
		if (count === undefined) {
			throw new ExtractLoadError('corrupt', `${file}: has no table ${t.table}, which manifest.json lists for ${t.name}. Rebuild the extracts.`, file);
		}
		if (count.n !== t.rows) {
			throw new ExtractLoadError(
				'corrupt',
				`${file}: table ${t.table} holds ${count.n.toLocaleString('en-GB')} rows but manifest.json says ${t.rows.toLocaleString('en-GB')}.`,
				file
			);
		}
		const wrong = t.columns.filter((c) => {
			const s = stored.find((x) => x.table_name === t.table && x.column_name === c.name);
			return s !== undefined && s.data_type !== c.type;
		});
		if (wrong.length > 0) {
			throw new ExtractLoadError('corrupt', `${file}: table ${t.table} has column${wrong.length > 1 ? 's' : ''} ${wrong.map((c) => c.name).join(', ')} of another type than manifest.json says. Rebuild the extracts.`, file);
		}
	}
	await engine.conn.query(tables.map((t) => `CREATE VIEW ${ident(t.name)} AS SELECT * FROM ${BASE_ALIAS}.${ident(t.table)}`).join('; '));
	const madeMs = performance.now() - checkStart;
	// The views are checked and made together: each is given an equal share of that time (the Data page sums them).
	const datasets: DatasetLoad[] = tables.map((t) => ({ name: t.name, file, rows: t.rows, bytes: 0, fetchMs: 0, sha256Ms: null, insertMs: madeMs / tables.length, onDemand: true, firstUse: false }));
	const load: BaseDatabaseLoad = { file, bytes: probe.report.bytes, probeMs: probe.ms, attachMs: performance.now() - start, datasets: tables.map((t) => t.name) };
	return { load, datasets };
}
