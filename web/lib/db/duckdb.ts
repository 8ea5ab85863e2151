/**
 * The one module that owns DuckDB-wasm (shared/STYLE.md §5). It starts the engine lazily,
 * behind a memoised promise, for one data source at a time (sources.ts): loads every dataset
 * listed in that source's manifest.json into a table of the same name, and adds the
 * `harm_weights` table from the declared model. Switching source terminates the old worker and
 * starts a fresh database, so no table of one source can leak into another. Browser only: the
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
import { DATA_PATH } from './paths';
import { LOCAL_PREFIX, listSources, servedSources, type SourceInfo } from './sources';
import { openImportedSource } from '$lib/import/local-sources';
import type { QueryRunner } from '$analytics/runner';
import { EXTRACT_DATASETS, type DatasetName, type ExtractManifest } from '$analytics/ingest/extract-schema';
import {
	HARM_WEIGHTS_INSERT_SQL,
	HARM_WEIGHTS_TABLE_SQL,
	harmWeightParams,
	harmWeightRows,
	type HarmWeightsModel
} from '$analytics/models/harm-weights';
import harmWeightsFile from '$models/harm-weights/cchi-police-uk-v1.json';
import { ExtractLoadError } from './errors';
import { CONTRACT_DATASETS, validateManifest } from './manifest';
import { createWasmRunner } from './runner';

/** The harm-weights model the dashboard uses (declared in models/). */
export const HARM_MODEL = harmWeightsFile as HarmWeightsModel;

export { DATA_PATH };

export interface DatasetLoad {
	name: DatasetName;
	file: string;
	rows: number;
	bytes: number;
	/** Time to fetch the file, ms. */
	fetchMs: number;
	/** Time to hash it, ms; null when Web Crypto is unavailable (not a secure context). */
	sha256Ms: number | null;
	/** Time to create its table, ms. */
	insertMs: number;
}

export interface LoadReport {
	/** Which DuckDB-wasm build was chosen by feature detection. */
	bundle: 'mvp' | 'eh' | 'coi';
	/** Engine start: worker, wasm compile, connect, settings (ms). */
	engineMs: number;
	/** From the start until every table exists (ms); overlaps engine start. */
	totalMs: number;
	/** Whether each file's sha256 was checked against the manifest. */
	sha256Verified: boolean;
	datasets: DatasetLoad[];
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
	manifest(): Promise<ExtractManifest>;
	/** Bytes of one listed file, or an ExtractLoadError. */
	read(file: string): Promise<Uint8Array<ArrayBuffer>>;
}

function servedFiles(url: string): SourceFiles {
	return { where: url, manifest: () => fetchManifest(url), read: (file) => fetchFile(url, file) };
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
}

interface Fetched {
	dataset: ExtractManifest['datasets'][number];
	bytes: Uint8Array<ArrayBuffer>;
	fetchMs: number;
	sha256Ms: number | null;
}

async function openDatabase(source: SourceInfo, onStep: (step: LoadStep) => void): Promise<Database> {
	const start = performance.now();
	performance.mark('clearsight:db-start');
	onStep({ step: 'engine' });
	const engine = startEngine();
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
		onStep({ step: 'fetch', detail: `${listed.length} files` });
		const fetches = listed.map((dataset) => fetchDataset(files, dataset));
		fetches.forEach((f) => f.catch(() => {}));
		const started = await engine;
		const runner = createWasmRunner(started.conn);
		const datasets: DatasetLoad[] = [];
		for (const pending of fetches) {
			const fetched = await pending;
			onStep({ step: 'insert', detail: fetched.dataset.name });
			datasets.push(await insertDataset(started.conn, runner, fetched));
		}
		for (const name of absent) {
			await createEmptyTable(started.conn, name);
			warnings.push(
				`This extract has no "${name}" dataset (it was built before the extract format gained it): an empty table stands in. Rebuild the extracts to include it.`
			);
		}
		warnings.push(...(await addMissingColumns(started.conn, runner)));
		await createHarmWeights(started.conn);
		const totalMs = performance.now() - start;
		performance.measure('clearsight:extracts', { start, duration: totalMs });
		onStep({ step: 'ready' });
		return {
			source: { id: source.id, label: source.label, kind: source.kind },
			dataUrl: source.url,
			close: () => started.db.terminate(),
			runner,
			manifest,
			harmModel: HARM_MODEL,
			load: {
				bundle: started.bundle,
				engineMs: started.ms,
				totalMs,
				sha256Verified: datasets.every((d) => d.sha256Ms !== null),
				datasets,
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

async function startEngine(): Promise<Engine> {
	const start = performance.now();
	try {
		const bundle = await duckdb.selectBundle({
			mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
			eh: { mainModule: ehWasm, mainWorker: ehWorker }
		});
		const worker = new Worker(bundle.mainWorker!);
		const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
		await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
		const conn = await db.connect();
		// Offline: a statement needing an extension must fail at once, not hang
		// (docs/stack-notes.md § DuckDB-wasm).
		await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
		const ms = performance.now() - start;
		performance.measure('clearsight:engine', { start, duration: ms });
		const kind: LoadReport['bundle'] = bundle.mainModule === ehWasm ? 'eh' : bundle.mainModule === mvpWasm ? 'mvp' : 'coi';
		return { db, conn, bundle: kind, ms };
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
	return { dataset, bytes, fetchMs, sha256Ms };
}

/** Quote an identifier from the extract contract (a known list, never user input). */
function ident(name: string): string {
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a contract identifier: ${JSON.stringify(name)}`);
	return `"${name}"`;
}

const IPC_CONTINUATION = 0xffffffff;
const ARROW_FILE_MAGIC = 'ARROW1';

async function insertDataset(conn: duckdb.AsyncDuckDBConnection, runner: QueryRunner, fetched: Fetched): Promise<DatasetLoad> {
	const { dataset, bytes } = fetched;
	const size = bytes.byteLength; // read before the buffer is transferred to the worker
	const notArrow = (why: string) =>
		new ExtractLoadError('corrupt', `${dataset.file}: not a valid Arrow stream (${why}). Rebuild the extracts.`, dataset.file);
	if (size < 8) throw notArrow(`only ${size} bytes`);
	if (new TextDecoder().decode(bytes.subarray(0, 6)) === ARROW_FILE_MAGIC) throw notArrow('it is an Arrow file, the stream format is expected');
	if (new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) !== IPC_CONTINUATION) throw notArrow('it does not start with an IPC message');
	const start = performance.now();
	const table = ident(dataset.name);
	try {
		await conn.insertArrowFromIPCStream(bytes, { name: dataset.name, create: true });
	} catch (error) {
		throw notArrow(error instanceof Error ? error.message : String(error));
	}
	const [exists] = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
		[dataset.name]
	);
	if (exists.n === 0) {
		if (dataset.rows > 0) throw notArrow('DuckDB read no table from it');
		// An empty stream may create nothing: make the table from the contract so queries still run.
		await createEmptyTable(conn, dataset.name);
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
		insertMs: performance.now() - start
	};
}

/** A table with the contract's columns and no rows. */
async function createEmptyTable(conn: duckdb.AsyncDuckDBConnection, name: DatasetName): Promise<void> {
	const columns = EXTRACT_DATASETS.find((d) => d.name === name)!.columns;
	await conn.query(`CREATE TABLE ${ident(name)} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`);
}

/**
 * Add any contract column a file lacks, as NULL, so every query written against the contract
 * runs; each one is reported as a warning, since it means the extract is older than the app.
 */
async function addMissingColumns(conn: duckdb.AsyncDuckDBConnection, runner: QueryRunner): Promise<string[]> {
	const rows = await runner.rows<{ table_name: string; column_name: string }>(
		"SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
	);
	const warnings: string[] = [];
	for (const dataset of EXTRACT_DATASETS) {
		const present = new Set(rows.filter((r) => r.table_name === dataset.name).map((r) => r.column_name));
		const missing = dataset.columns.filter((c) => !present.has(c.name));
		for (const c of missing) await conn.query(`ALTER TABLE ${ident(dataset.name)} ADD COLUMN ${ident(c.name)} ${c.type}`);
		if (missing.length > 0) {
			warnings.push(
				`${dataset.name}.arrow has no column${missing.length > 1 ? 's' : ''} ${missing.map((c) => c.name).join(', ')} (it was built for an older extract format): added as empty. Rebuild the extracts.`
			);
		}
	}
	return warnings;
}

async function createHarmWeights(conn: duckdb.AsyncDuckDBConnection): Promise<void> {
	await conn.query(HARM_WEIGHTS_TABLE_SQL);
	const insert = await conn.prepare(HARM_WEIGHTS_INSERT_SQL);
	try {
		for (const row of harmWeightRows(HARM_MODEL)) await insert.query(...harmWeightParams(row));
	} finally {
		await insert.close();
	}
}
