/**
 * The import worker: reads the user's files, runs the import (build.ts) on its own DuckDB-wasm
 * instance — not the dashboard's database — and sends back the extract bytes. Everything heavy
 * (reading, gunzip, scanning, hashing, SQL, H3, Arrow) happens here or in DuckDB's own worker,
 * so the page stays responsive; cancelling terminates this worker and DuckDB's with it.
 */
/// <reference lib="webworker" />
import * as duckdb from '@duckdb/duckdb-wasm';
import { detectSource, detectDelimiter, splitCsvLine, genericTimestampSql, monthOfDateSql, MONTH_PATTERN, literal } from '$analytics/ingest';
import { createWasmRunner } from '../db/runner';
import { importFiles, type ImportEngine, type ImportHelpers, type ImportInput } from './build';
import { pointCellsIpc } from './arrow-points';
import { ipcFileToStream } from './arrow-stream';
import { warmUpImport } from './warm-up';
import { isOutOfMemory } from './limits';
import { inspectBoundary, readImportAreas } from './boundary-file';
import type { FileInspection, FromWorker, QuarantinePreviewRow, ToWorker } from './protocol';

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message, transfer);

let engine: Promise<{ db: duckdb.AsyncDuckDB; conn: duckdb.AsyncDuckDBConnection; import: ImportEngine; startMs: number; warmUpMs: number }> | null = null;
let bundles: duckdb.DuckDBBundles | null = null;
/** The request being handled, if any. */
let current: number | null = null;
/** Imports waiting for the engine: its warm-up import stops at its next step for them (warm-up.ts). */
let importsWaiting = 0;

/**
 * A DuckDB-wasm instance of the import's own. The wasm and worker URLs come from the page
 * (the files the dashboard's database uses, web/lib/db/duckdb.ts), so the build holds one copy;
 * start-up mirrors the dashboard's: extension auto-install/auto-load off at once, so a statement
 * needing an extension fails instead of hanging offline (docs/stack-notes.md § DuckDB-wasm).
 */
async function startImportEngine() {
	if (!bundles) throw new Error('the import worker was not given the DuckDB-wasm files');
	const bundle = await duckdb.selectBundle(bundles);
	const worker = new Worker(bundle.mainWorker!);
	// DuckDB-wasm only logs when its worker dies (a wasm abort, often memory) and leaves the
	// pending query unanswered: fail the request in flight instead of waiting forever.
	worker.addEventListener('error', (event) => {
		const text = event.message || 'the database engine stopped unexpectedly';
		if (current !== null) post({ type: 'failed', id: current, message: `The in-browser database stopped: ${text}`, outOfMemory: true });
		current = null;
	});
	const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
	await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
	const conn = await db.connect();
	await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
	return { db, conn };
}

function getEngine() {
	const started = performance.now();
	engine ??= startImportEngine().then(async ({ db, conn }) => {
		const runner = createWasmRunner(conn);
		const importEngine: ImportEngine = {
			runner,
			async registerFile(name, bytes) {
				await db.registerFileBuffer(name, bytes);
			},
			async dropFile(name) {
				await db.dropFile(name);
			},
			async insertArrow(name, ipc) {
				await conn.insertArrowFromIPCStream(ipc, { name, create: true });
			},
			async exportArrow(sql) {
				// DuckDB-wasm returns an Arrow IPC file; extracts hold IPC streams (arrow-stream.ts).
				return ipcFileToStream(await conn.useUnsafe((bindings, id) => bindings.runQuery(id, sql)));
			},
			pointCellsIpc
		};
		const startMs = performance.now() - started;
		// Compile the import's code paths now, on a few rows, not on the user's files (warm-up.ts).
		// A failure here is left to the user's import to meet and report.
		await warmUpImport(importEngine, helpers, () => importsWaiting > 0).catch(() => {});
		return { db, conn, import: importEngine, startMs, warmUpMs: performance.now() - started - startMs };
	});
	return engine;
}

const helpers: ImportHelpers = {
	async sha256(bytes) {
		const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
		return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
	},
	async gunzip(bytes) {
		const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
		return new Uint8Array(await new Response(stream).arrayBuffer());
	}
};

const isGzip = async (file: File) => {
	const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
	return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
};

/** The first `limit` bytes of a file's text (gunzipped if need be). */
async function headText(file: File, gzip: boolean, limit = 64 * 1024): Promise<Uint8Array> {
	if (!gzip) return new Uint8Array(await file.slice(0, limit).arrayBuffer());
	const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
	const parts: Uint8Array[] = [];
	let n = 0;
	try {
		while (n < limit) {
			const { done, value } = await reader.read();
			if (done) break;
			parts.push(value);
			n += value.length;
		}
	} catch {
		// a damaged gzip stream: whatever was read is enough for the header
	} finally {
		void reader.cancel().catch(() => {});
	}
	const out = new Uint8Array(n);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out.subarray(0, limit);
}

async function inspect(file: File, name: string, pathHint: string): Promise<FileInspection> {
	const gzip = await isGzip(file);
	const text = new TextDecoder('utf-8').decode(await headText(file, gzip));
	const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
	const header = lines[0] ?? '';
	const detection = detectSource(header, name);
	const delimiter = detectDelimiter(header);
	const columns = header.trim() === '' ? [] : splitCsvLine(header, delimiter).map((c) => c.trim());
	// The last line of a 64 KB head may be cut short: only whole lines are shown.
	const whole = lines.length > 1 ? lines.slice(1, -1) : [];
	const sample = whole.filter((l) => l.trim() !== '').slice(0, 5).map((l) => splitCsvLine(l, delimiter));
	return {
		name,
		pathHint,
		bytes: file.size,
		gzip,
		detection: detection.ok ? { ok: true, kind: detection.kind, label: detection.format.label } : { ok: false, message: detection.issue.message },
		columns,
		sample
	};
}

/** The parts of a boundary file as the readers take them (name and bytes). */
async function boundaryInputs(files: readonly File[]): Promise<Array<{ name: string; bytes: Uint8Array }>> {
	return Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

async function handle(message: ToWorker) {
	bundles ??= message.bundles;
	if (message.type === 'warm') {
		const { startMs, warmUpMs } = await getEngine();
		post({ type: 'warmed', id: message.id, engineMs: startMs, warmUpMs });
		return;
	}
	if (message.type === 'inspect') {
		// Files were chosen: start the import's DuckDB-wasm instance now, while the page shows
		// what was recognised and the user checks the mapping, so Import does not wait for the
		// engine (seconds on a loaded machine). A start-up failure is reported by the import.
		void getEngine().catch(() => {});
		const files = await Promise.all(message.files.map((f, i) => inspect(f, message.names[i], message.pathHints[i])));
		post({ type: 'inspected', id: message.id, files });
		return;
	}
	if (message.type === 'parse-timestamps') {
		const { import: e } = await getEngine();
		await e.runner.exec(`CREATE OR REPLACE TEMP TABLE ts_preview (i INTEGER, "timestamp" VARCHAR)`);
		for (const [i, v] of message.values.entries()) await e.runner.exec(`INSERT INTO ts_preview VALUES (?, ?)`, [i, v]);
		// A month-resolution record's month (its YYYY-MM, or the month of its date or date-time), as the rules read it.
		const parsed =
			message.as === 'month'
				? `CASE WHEN regexp_full_match(${monthOfDateSql('timestamp')}, ${literal(MONTH_PATTERN)}) THEN ${monthOfDateSql('timestamp')} END`
				: `strftime(${genericTimestampSql('timestamp')}, '%Y-%m-%d %H:%M:%S')`;
		const rows = await e.runner.rows<{ parsed: string | null }>(`SELECT ${parsed} AS parsed FROM ts_preview ORDER BY i`);
		post({ type: 'timestamps', id: message.id, parsed: rows.map((r) => r.parsed) });
		return;
	}
	if (message.type === 'inspect-boundary') {
		const files = await boundaryInputs(message.files);
		post({ type: 'boundary', id: message.id, inspection: await inspectBoundary(files, message.choice) });
		return;
	}
	const waitStart = performance.now();
	importsWaiting++;
	const { import: e, startMs: engineMs, warmUpMs } = await getEngine().finally(() => importsWaiting--);
	const engineWaitMs = performance.now() - waitStart;
	// The boundary file is read (and reprojected) before any data: a problem with it stops the import at once.
	const areas = message.boundary ? await readImportAreas(await boundaryInputs(message.boundary.files), message.boundary.choice) : null;
	const inputs: ImportInput[] = message.files.map((file, i) => ({
		name: message.names[i],
		pathHint: message.pathHints[i],
		bytes: file.size,
		read: async () => new Uint8Array(await file.arrayBuffer())
	}));
	let last = 0;
	const result = await importFiles(e, inputs, helpers, {
		mappings: message.mappings,
		forceArea: message.forceArea,
		offenceCodes: message.offenceCodes ?? null,
		areas,
		// The app's own lookup, same origin; a server without it (a single extract folder) gives none.
		async forceLookup() {
			try {
				const response = await fetch(message.lookupUrl);
				return response.ok ? new Uint8Array(await response.arrayBuffer()) : null;
			} catch {
				return null;
			}
		},
		onProgress(progress) {
			const now = performance.now();
			if (now - last < 50 && progress.phase === 'reading' && progress.filesDone < progress.filesTotal) return;
			last = now;
			post({ type: 'progress', id: message.id, progress });
		}
	});
	const previewStart = performance.now();
	const quarantine = await e.runner.rows<QuarantinePreviewRow & Record<string, string | number | null>>(
		`SELECT q.source_file, q.source_kind, q.source_line, q.column_name, q.reason, q.raw
		 FROM ingest_quarantine q JOIN ingest_files f USING (source_file) ORDER BY f.file_seq, q.source_line NULLS FIRST LIMIT 500`
	);
	const phases = [{ phase: 'wait for the engine', ms: engineWaitMs }, ...result.phases, { phase: 'quarantine preview', ms: performance.now() - previewStart }];
	const files = [...result.files].map(([name, bytes]) => ({ name, bytes }));
	post(
		{ type: 'imported', id: message.id, manifest: result.manifest, files, quarantine, elapsedMs: result.elapsedMs, phases, engineMs, warmUpMs },
		files.map((f) => f.bytes.buffer as ArrayBuffer)
	);
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
	const message = event.data;
	current = message.id;
	handle(message)
		.catch((error: unknown) => {
			const text = error instanceof Error ? error.message : String(error);
			post({ type: 'failed', id: message.id, message: text, outOfMemory: isOutOfMemory(text) });
		})
		.finally(() => {
			if (current === message.id) current = null;
		});
};
