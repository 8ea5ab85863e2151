/**
 * The page's side of the import worker: choose names for the files, check sizes up front, start
 * the worker, relay progress, cancel (terminating the worker and its DuckDB instance).
 */
import type { DuckDBBundles } from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import type { ImportPhaseTime, ImportProgress, InputMapping } from './build';
import type { BoundaryChoice, BoundaryInspection } from './boundary-file';
import { checkImportSize, gzipTextBytes, isOutOfMemory, outOfMemoryMessage } from './limits';
import type { FileInspection, FromWorker, QuarantinePreviewRow, ToWorker } from './protocol';
import type { ExtractManifest, ForceAreaRequest } from '$analytics/ingest';
import type { OffenceCodeMapping } from '$analytics/ingest/offence-codes';
import { FORCE_LOOKUP_FILE } from '$analytics/ingest/force-area';
import { DATA_PATH } from '../db/paths';
import { shimmedWorkerUrl } from '../db/duckdb';

/** Files the builder reads from a folder (scripts/lib/input-files.ts INPUT_EXTENSIONS). */
export const INPUT_EXTENSIONS = ['.csv', '.csv.gz', '.tsv', '.tab', '.txt'];

export interface ChosenFile {
	file: File;
	/** Name in reports: unique among the chosen files. */
	name: string;
	/** Path inside a chosen folder, or the file name. */
	pathHint: string;
}

/**
 * Files from a picker or a drop, in a stable order, with unique report names (the file name, or
 * its path in the folder when two share a name). Folder contents are filtered to CSV-like files.
 */
export function chooseFiles(items: ReadonlyArray<File | PickedFile>): { chosen: ChosenFile[]; skipped: string[] } {
	const skipped: string[] = [];
	const kept: Array<{ file: File; path: string }> = [];
	for (const item of items) {
		const picked: PickedFile = item instanceof File ? { file: item, path: item.webkitRelativePath || item.name, inFolder: item.webkitRelativePath !== '' } : item;
		if (picked.inFolder && !INPUT_EXTENSIONS.some((ext) => picked.file.name.toLowerCase().endsWith(ext))) {
			skipped.push(picked.path);
			continue;
		}
		kept.push({ file: picked.file, path: picked.path });
	}
	kept.sort((a, b) => a.path.localeCompare(b.path));
	const counts = new Map<string, number>();
	for (const k of kept) counts.set(k.file.name, (counts.get(k.file.name) ?? 0) + 1);
	const chosen = kept.map((k) => ({ file: k.file, name: counts.get(k.file.name) === 1 ? k.file.name : k.path, pathHint: k.path }));
	return { chosen, skipped };
}

/** A file with the path it had inside a dropped or picked folder. */
export interface PickedFile {
	file: File;
	path: string;
	inFolder: boolean;
}

/** Files of a drop, folders walked recursively (DataTransfer entries). */
export async function droppedFiles(data: DataTransfer): Promise<PickedFile[]> {
	const entries = Array.from(data.items)
		.map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
		.filter((e): e is FileSystemEntry => !!e);
	if (entries.length === 0) return Array.from(data.files).map((file) => ({ file, path: file.name, inFolder: false }));
	const out: PickedFile[] = [];
	const walk = async (entry: FileSystemEntry, inFolder: boolean): Promise<void> => {
		if (entry.isFile) {
			const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
			out.push({ file, path: entry.fullPath.replace(/^\//, ''), inFolder });
			return;
		}
		const reader = (entry as FileSystemDirectoryEntry).createReader();
		for (;;) {
			const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
			if (batch.length === 0) break;
			for (const child of batch) await walk(child, true);
		}
	};
	for (const entry of entries) await walk(entry, false);
	return out;
}

export interface ImportOutcome {
	manifest: ExtractManifest;
	files: Map<string, Uint8Array>;
	quarantine: QuarantinePreviewRow[];
	elapsedMs: number;
	/** Where the worker's time went (protocol.ts, `imported`). */
	phases: ImportPhaseTime[];
	/** How long the import's engine took to start, and its warm-up import, whether the import waited for them or not. */
	engineMs: number;
	warmUpMs: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class ImportFailure extends Error {
	override readonly name = 'ImportFailure';
}

/**
 * The same files the dashboard's database loads (web/lib/db/duckdb.ts): one copy in the build,
 * cached once. DuckDB-wasm's worker is started through the same shim, so the wasm streams from
 * the HTTP response and Chromium's compiled-code cache applies to the import's instance too.
 */
function bundles(): DuckDBBundles {
	const abs = (url: string) => new URL(url, location.href).href;
	return {
		mvp: { mainModule: abs(mvpWasm), mainWorker: shimmedWorkerUrl(mvpWorker) },
		eh: { mainModule: abs(ehWasm), mainWorker: shimmedWorkerUrl(ehWorker) }
	};
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void; progress?: (p: ImportProgress) => void }>();

function getWorker(): Worker {
	if (worker) return worker;
	worker = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module', name: 'clearsight-import' });
	worker.onmessage = (event: MessageEvent<FromWorker>) => {
		const message = event.data;
		const waiting = pending.get(message.id);
		if (!waiting) return;
		if (message.type === 'progress') {
			waiting.progress?.(message.progress);
			return;
		}
		pending.delete(message.id);
		if (message.type === 'failed') {
			const failure = new ImportFailure(message.outOfMemory ? outOfMemoryMessage(message.message) : message.message);
			waiting.reject(failure);
			// After running out of memory the worker's database cannot be trusted: start afresh next time.
			if (message.outOfMemory) stopWorker(failure);
		} else waiting.resolve(message);
	};
	worker.onerror = (event) => {
		const text = event.message || 'the import worker stopped';
		stopWorker(new ImportFailure(isOutOfMemory(text) ? outOfMemoryMessage(text) : `The import stopped: ${text}`));
	};
	return worker;
}

/** Stop the worker (and the DuckDB instance it started); every pending request fails with `reason`. */
function stopWorker(reason: Error) {
	worker?.terminate();
	worker = null;
	for (const p of pending.values()) p.reject(reason);
	pending.clear();
}

function call<T extends FromWorker>(message: DistributiveOmit<ToWorker, 'id' | 'bundles'>, progress?: (p: ImportProgress) => void): Promise<T> {
	const id = nextId++;
	const w = getWorker();
	return new Promise<T>((resolve, reject) => {
		pending.set(id, { resolve: resolve as (m: FromWorker) => void, reject, progress });
		w.postMessage({ ...message, id, bundles: bundles() } as ToWorker);
	});
}

/**
 * Start the import's worker and its DuckDB-wasm instance now, before any file is chosen (the
 * Import section is open: picking files takes the user seconds, the engine's start 1–8 s on a
 * loaded machine), with its warm-up import (warm-up.ts). Resolves with the durations of both; a
 * failure is reported by the import.
 */
export function warmImportEngine(): Promise<{ engineMs: number; warmUpMs: number }> {
	const id = nextId;
	warming.add(id);
	return call<Extract<FromWorker, { type: 'warmed' }>>({ type: 'warm' })
		.then((m) => ({ engineMs: m.engineMs, warmUpMs: m.warmUpMs }))
		.finally(() => warming.delete(id));
}

/** Requests that only start the engine: they do not keep the worker alive. */
const warming = new Set<number>();

/** Stop the import's worker unless it is working (the Import section was closed): its instance's memory is freed. */
export function releaseImportEngine(): void {
	if ([...pending.keys()].every((id) => warming.has(id))) stopWorker(new ImportFailure('stopped'));
}

/** Read each file's header (and a few rows) and recognise its format. */
export async function inspectFiles(chosen: readonly ChosenFile[]): Promise<FileInspection[]> {
	const reply = await call<Extract<FromWorker, { type: 'inspected' }>>({
		type: 'inspect',
		files: chosen.map((c) => c.file),
		names: chosen.map((c) => c.name),
		pathHints: chosen.map((c) => c.pathHint)
	});
	return reply.files;
}

/** How the generic rules read sample date-time values, or (`as` 'month') the month a month-resolution record counts in (null where they cannot). */
export async function parseTimestamps(values: string[], as: 'timestamp' | 'month' = 'timestamp'): Promise<Array<string | null>> {
	const reply = await call<Extract<FromWorker, { type: 'timestamps' }>>({ type: 'parse-timestamps', values, as });
	return reply.parsed;
}

/** Read a boundary file's parts (off the main thread) and say what the panel should offer. */
export async function inspectBoundaryFiles(files: readonly File[], choice: Partial<BoundaryChoice> = {}): Promise<BoundaryInspection> {
	const reply = await call<Extract<FromWorker, { type: 'boundary' }>>({ type: 'inspect-boundary', files: [...files], choice: { ...choice } });
	return reply.inspection;
}

/** Size and storage checks before any byte is read; a message, or null when the import may go ahead. */
export async function precheck(chosen: readonly ChosenFile[]): Promise<string | null> {
	const sized = [];
	for (const c of chosen) {
		const head = new Uint8Array(await c.file.slice(0, 2).arrayBuffer());
		const gzip = head[0] === 0x1f && head[1] === 0x8b;
		const textBytes = gzip ? gzipTextBytes(new Uint8Array(await c.file.slice(-4).arrayBuffer()), c.file.size) : c.file.size;
		sized.push({ name: c.name, bytes: c.file.size, textBytes });
	}
	let available: number | null = null;
	try {
		const estimate = await navigator.storage?.estimate?.();
		if (estimate?.quota !== undefined && estimate.usage !== undefined) available = estimate.quota - estimate.usage;
	} catch {
		available = null;
	}
	return checkImportSize(sized, available);
}

export interface RunningImport {
	result: Promise<ImportOutcome>;
	cancel(): void;
}

/** Start an import; `cancel` stops it at once and nothing is saved. */
export function startImport(
	chosen: readonly ChosenFile[],
	mappings: Record<string, InputMapping>,
	onProgress: (p: ImportProgress) => void,
	forceArea: ForceAreaRequest = { kind: 'auto' },
	boundary: { files: File[]; choice: BoundaryChoice } | null = null,
	/** The user's offence-code mapping (OffenceCodesChoice.svelte); null: the shipped one. */
	offenceCodes: { mapping: OffenceCodeMapping; file: string } | null = null
): RunningImport {
	const result = call<Extract<FromWorker, { type: 'imported' }>>(
		{
			type: 'import',
			files: chosen.map((c) => c.file),
			names: chosen.map((c) => c.name),
			pathHints: chosen.map((c) => c.pathHint),
			mappings,
			forceArea,
			offenceCodes,
			lookupUrl: new URL(`${DATA_PATH}/${FORCE_LOOKUP_FILE}`, location.href).href,
			boundary: boundary ? { files: [...boundary.files], choice: { ...boundary.choice } } : null
		},
		onProgress
	)
		.then((m) => ({
			manifest: m.manifest,
			files: new Map(m.files.map((f) => [f.name, f.bytes])),
			quarantine: m.quarantine,
			elapsedMs: m.elapsedMs,
			phases: m.phases,
			engineMs: m.engineMs,
			warmUpMs: m.warmUpMs
		}))
		.finally(() => {
			// The import's database holds every staged row: free that memory now (the next
			// import starts a fresh instance).
			if (pending.size === 0) stopWorker(new ImportFailure('stopped'));
		});
	return {
		result,
		cancel() {
			stopWorker(new ImportFailure('Import cancelled: nothing was saved.'));
		}
	};
}
