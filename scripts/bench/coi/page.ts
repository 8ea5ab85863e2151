/**
 * Browser side of the COI floor (scripts/bench/coi-floor.ts bundles it with esbuild into a page
 * served cross-origin isolated): a bare read_csv of the given files in a fresh DuckDB-wasm of the
 * chosen build, eh (one thread) or coi (threads, needs SharedArrayBuffer), timed from the engine
 * start. Nothing of the app is loaded.
 */
import * as duckdb from '@duckdb/duckdb-wasm';

const here = (file: string) => new URL(file, location.href).href;
const BUNDLES = {
	eh: { mainModule: here('./duckdb-eh.wasm'), mainWorker: here('./duckdb-browser-eh.worker.js') },
	coi: {
		mainModule: here('./duckdb-coi.wasm'),
		mainWorker: here('./duckdb-browser-coi.worker.js'),
		pthreadWorker: here('./duckdb-browser-coi.pthread.worker.js')
	}
};

export interface ReadRequest {
	build: 'eh' | 'coi';
	/** `SET threads = …` after the start (coi only); null leaves the build's default. */
	threads: number | null;
	urls: string[];
}

export interface StartResult {
	/** Which build selectBundle chose (the coi build only when the page is isolated and the browser has wasm threads). */
	selected: 'eh' | 'coi';
	crossOriginIsolated: boolean;
	sharedArrayBuffer: boolean;
	threadsBefore: string;
	threadsAfter: string;
	/** Worker creation, instantiate, connect and the SET. */
	startMs: number;
}

export interface ReadResult {
	/** registerFileBuffer of every file, then the query. */
	readMs: number;
	/** null when the query's result came back empty. */
	rows: number | null;
}

let engine: { db: duckdb.AsyncDuckDB; conn: duckdb.AsyncDuckDBConnection; names: string[]; bytes: Uint8Array[] } | null = null;

/** Fetch the files (before the clock starts: Node's floor reads them from disk), then start the engine. */
async function start(request: ReadRequest): Promise<StartResult> {
	if (engine) await engine.db.terminate();
	const bytes = await Promise.all(request.urls.map(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer())));
	const names = request.urls.map((u, i) => `f${i}-${u.split('/').at(-1)}`);
	const started = performance.now();
	const bundle = await duckdb.selectBundle(request.build === 'coi' ? { mvp: BUNDLES.eh, eh: BUNDLES.eh, coi: BUNDLES.coi } : { mvp: BUNDLES.eh, eh: BUNDLES.eh });
	const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(bundle.mainWorker!));
	await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
	const conn = await db.connect();
	await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
	const setting = async () => String((await conn.query("SELECT current_setting('threads') AS t")).toArray()[0].t);
	const threadsBefore = await setting();
	if (request.threads !== null) await conn.query(`SET threads = ${Math.trunc(request.threads)}`);
	const threadsAfter = await setting();
	const startMs = performance.now() - started;
	engine = { db, conn, names, bytes };
	return {
		selected: bundle.mainModule === BUNDLES.coi.mainModule ? 'coi' : 'eh',
		crossOriginIsolated: globalThis.crossOriginIsolated === true,
		sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
		threadsBefore,
		threadsAfter,
		startMs
	};
}

/** The bare read of the started engine's files; the engine is stopped after. */
async function read(): Promise<ReadResult> {
	if (!engine) throw new Error('start first');
	const { db, conn, names, bytes } = engine;
	try {
		const t = performance.now();
		for (let i = 0; i < names.length; i++) await db.registerFileBuffer(names[i], bytes[i]);
		const statement = await conn.prepare(`SELECT count(*)::BIGINT AS n FROM read_csv([${names.map(() => '?').join(', ')}], union_by_name = true)`);
		const result = await statement.query(...names);
		const readMs = performance.now() - t;
		// The coi build at times hands back a result that is not an Arrow file (the page logs
		// "Reader is not file" and the table is empty): counted by the caller, not thrown.
		return { readMs, rows: result.numRows === 1 ? Number(result.toArray()[0].n) : null };
	} finally {
		engine = null;
		await db.terminate();
	}
}

Object.assign(globalThis, { coiStart: start, coiRead: read, coiReady: true });
