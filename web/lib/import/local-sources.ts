/**
 * Sources imported by the user in this browser (ids start with `local:`), kept locally (OPFS, or
 * IndexedDB where OPFS is unavailable) and never uploaded. The database loader
 * (web/lib/db/duckdb.ts) and the source selector use {@link listImportedSources} and
 * {@link openImportedSource}; the Data page saves, renames and removes them.
 *
 * Each source is a folder holding an ordinary extract — `manifest.json` (ExtractManifest), one
 * `<dataset>.arrow` IPC stream per dataset, `quarantine.csv` — and `meta.json` (label, time,
 * checksums), written last: a folder without it is an interrupted import. A start-up summary
 * computed in this browser after the import ({@link storeImportedSummary}: the stored one was of an
 * older version) is a file of its own named in meta.json, whose entry then stands for the
 * manifest's `summary`; meta.json is the one file rewritten, so the source is whole at every step.
 * Its rewrites (a rename, a summary stored) read it afresh one source at a time
 * ({@link updatingMeta}), so two at once cannot lose one's change.
 * Damage of any kind
 * (missing file, unreadable manifest, size or sha256 mismatch) is reported with the source, so
 * the user can remove it; nothing is dropped silently.
 */
import type { ArrowDatasetEntry, ExtractManifest } from '$analytics/ingest/extract-schema';
import { validateManifest } from '../db/manifest';
import { STORE_NAME, getBackends, preferredBackend, type Backend, type BackendKind } from './storage';

/** One imported source, as listed in the source selector. */
export interface ImportedSourceSummary {
	/** Always starts with `local:`. */
	id: string;
	label: string;
	rows: number;
	/** ISO 8601 date-time of the import. */
	createdAt: string;
	/** Where it is kept. */
	storage: BackendKind;
	/** What is wrong with it (it cannot be opened), or null. */
	problem: string | null;
}

/** An imported source opened for loading: its manifest and the bytes of each file it lists. */
export interface OpenedImportedSource {
	manifest: ExtractManifest;
	read(file: string): Promise<Uint8Array>;
}

interface Meta {
	meta_version: 1;
	id: string;
	label: string;
	created_at: string;
	rows: number;
	/** Every file of the source but meta.json, with its size and sha256. */
	files: Record<string, { bytes: number; sha256: string }>;
	/**
	 * The start-up summary computed in this browser since the import (storeImportedSummary): it
	 * replaces the manifest's `summary` entry when the source is opened. Absent: the manifest's own.
	 */
	summary?: NonNullable<ExtractManifest['summary']>;
}

export const LOCAL_PREFIX = 'local:';
const META = 'meta.json';
const MANIFEST = 'manifest.json';

export const isLocalSourceId = (id: string) => id.startsWith(LOCAL_PREFIX);
const folderOf = (id: string) => id.slice(LOCAL_PREFIX.length);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class LocalSourceError extends Error {
	override readonly name = 'LocalSourceError';
	constructor(
		readonly sourceId: string,
		message: string
	) {
		super(message);
	}
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const encode = (text: string) => new TextEncoder().encode(text);

function parseMeta(bytes: Uint8Array, folder: string): Meta {
	let json: unknown;
	try {
		json = JSON.parse(decode(bytes));
	} catch {
		throw new Error('meta.json is not valid JSON');
	}
	const m = json as Partial<Meta>;
	if (m?.meta_version !== 1 || typeof m.label !== 'string' || typeof m.created_at !== 'string' || typeof m.files !== 'object' || m.files === null) {
		throw new Error('meta.json is not in the expected form');
	}
	if (m.id !== `${LOCAL_PREFIX}${folder}`) throw new Error(`meta.json names another source (${String(m.id)})`);
	return m as Meta;
}

interface Located {
	backend: Backend;
	folder: string;
}

/** Every source folder in every backend (OPFS first). A backend that cannot be read is an error. */
async function locateAll(): Promise<Located[]> {
	const { opfs, indexeddb } = getBackends();
	const out: Located[] = [];
	const seen = new Set<string>();
	for (const backend of [opfs, indexeddb]) {
		if (!backend) continue;
		let folders: string[];
		try {
			folders = await backend.list();
		} catch (error) {
			// OPFS refused here (private window, policy) but IndexedDB may hold the data.
			if (backend.kind === 'opfs') continue;
			throw error;
		}
		for (const folder of folders) {
			if (seen.has(folder)) continue;
			seen.add(folder);
			out.push({ backend, folder });
		}
	}
	return out;
}

async function locate(id: string): Promise<Located> {
	if (!isLocalSourceId(id)) throw new LocalSourceError(id, `"${id}" is not an imported source (those start with "${LOCAL_PREFIX}").`);
	const folder = folderOf(id);
	const found = (await locateAll()).find((l) => l.folder === folder);
	if (!found) throw new LocalSourceError(id, `No imported source "${id}" in this browser: it was removed, or the browser's site data were cleared.`);
	return found;
}

/**
 * Check one stored source without hashing: meta.json and manifest.json readable and valid, every
 * listed file present with the recorded size. Returns the problem, or null.
 */
async function inspect(l: Located): Promise<{ meta: Meta | null; manifest: ExtractManifest | null; problem: string | null }> {
	const metaBytes = await l.backend.read(l.folder, META);
	if (!metaBytes) {
		return { meta: null, manifest: null, problem: 'incomplete: the import was interrupted before it finished saving (meta.json is missing)' };
	}
	let meta: Meta;
	try {
		meta = parseMeta(metaBytes, l.folder);
	} catch (error) {
		return { meta: null, manifest: null, problem: `damaged: ${(error as Error).message}` };
	}
	const manifestBytes = await l.backend.read(l.folder, MANIFEST);
	if (!manifestBytes) return { meta, manifest: null, problem: 'damaged: manifest.json is missing' };
	let manifest: ExtractManifest;
	try {
		manifest = validateManifest(JSON.parse(decode(manifestBytes)), 'manifest.json');
	} catch (error) {
		return { meta, manifest: null, problem: `damaged: ${error instanceof SyntaxError ? 'manifest.json is not valid JSON' : (error as Error).message}` };
	}
	for (const [file, expected] of Object.entries(meta.files)) {
		const size = await l.backend.size(l.folder, file);
		if (size === null) return { meta, manifest, problem: `damaged: ${file} is missing` };
		if (size !== expected.bytes) return { meta, manifest, problem: `damaged: ${file} is ${size} bytes, expected ${expected.bytes}` };
	}
	for (const d of manifest.datasets) {
		if (!meta.files[d.file]) return { meta, manifest, problem: `damaged: ${d.file} is listed in manifest.json but was not saved` };
	}
	return { meta, manifest, problem: null };
}

/** Every source imported in this browser, oldest first, damaged ones included (with their problem). */
export async function listImportedSources(): Promise<ImportedSourceSummary[]> {
	const out: ImportedSourceSummary[] = [];
	for (const l of await locateAll()) {
		const { meta, manifest, problem } = await inspect(l);
		out.push({
			id: `${LOCAL_PREFIX}${l.folder}`,
			label: meta?.label ?? `Imported data (${l.folder.slice(0, 8)})`,
			rows: manifest?.totals.accepted ?? meta?.rows ?? 0,
			createdAt: meta?.created_at ?? '',
			storage: l.backend.kind,
			problem
		});
	}
	return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Open one imported source by id. Throws a {@link LocalSourceError} if there is no such source
 * or it is damaged; `read` checks each file's sha256 against what was saved.
 */
export async function openImportedSource(id: string): Promise<OpenedImportedSource> {
	const l = await locate(id);
	const { meta, manifest, problem } = await inspect(l);
	if (problem || !meta || !manifest) {
		throw new LocalSourceError(id, `The imported source "${meta?.label ?? id}" is ${problem}. Remove it on the Data page and import the files again.`);
	}
	return {
		manifest: meta.summary ? { ...manifest, summary: meta.summary } : manifest,
		async read(file: string) {
			const expected = meta.files[file];
			if (!expected) throw new LocalSourceError(id, `The imported source "${meta.label}" has no file ${file}.`);
			const bytes = await l.backend.read(l.folder, file);
			if (!bytes) throw new LocalSourceError(id, `The imported source "${meta.label}" is damaged: ${file} is missing. Remove it on the Data page and import the files again.`);
			const hash = await sha256Hex(bytes);
			if (hash !== expected.sha256) {
				throw new LocalSourceError(
					id,
					`The imported source "${meta.label}" is damaged: ${file} has sha256 ${hash.slice(0, 12)}… but ${expected.sha256.slice(0, 12)}… was saved. Remove it on the Data page and import the files again.`
				);
			}
			return bytes;
		}
	};
}

/**
 * Save an import as a new source. Files are written first and meta.json last, so an import
 * interrupted while saving shows up as incomplete rather than as a source with holes. Returns
 * the new id. On failure nothing of the new source is left behind.
 */
export async function saveImportedSource(label: string, manifest: ExtractManifest, files: ReadonlyMap<string, Uint8Array>): Promise<ImportedSourceSummary> {
	const backend = await preferredBackend();
	const folder = crypto.randomUUID();
	if (!UUID.test(folder)) throw new Error('crypto.randomUUID() gave an unexpected id');
	const id = `${LOCAL_PREFIX}${folder}`;
	const written: Meta['files'] = {};
	try {
		for (const [name, bytes] of files) {
			const size = bytes.byteLength;
			// The import hashed its Arrow files already (manifest); hashing 100 MB again here would
			// only cost main-thread time.
			const sha256 = manifest.datasets.find((d): d is ArrowDatasetEntry => d.file === name && d.format === 'arrow-ipc-stream' && d.bytes === size)?.sha256 ?? (await sha256Hex(bytes));
			await backend.write(folder, name, bytes);
			written[name] = { bytes: size, sha256 };
		}
		const manifestBytes = encode(JSON.stringify(manifest, null, '\t') + '\n');
		await backend.write(folder, MANIFEST, manifestBytes);
		written[MANIFEST] = { bytes: manifestBytes.byteLength, sha256: await sha256Hex(manifestBytes) };
		const createdAt = new Date().toISOString();
		const meta: Meta = { meta_version: 1, id, label, created_at: createdAt, rows: manifest.totals.accepted, files: written };
		await backend.write(folder, META, encode(JSON.stringify(meta, null, '\t') + '\n'));
		return { id, label, rows: meta.rows, createdAt, storage: backend.kind, problem: null };
	} catch (error) {
		await backend.remove(folder).catch(() => {});
		const message = error instanceof Error ? error.message : String(error);
		const full = /quota/i.test(message) || (error instanceof DOMException && error.name === 'QuotaExceededError');
		throw new Error(
			full
				? `Not enough local storage to save the import (${message}). Nothing was saved; remove imported sources you no longer need and try again.`
				: `The import could not be saved in this browser (${message}). Nothing was saved.`,
			{ cause: error }
		);
	}
}

/** This page's queue of meta.json changes per source folder, where the browser has no Web Locks. */
const metaQueues = new Map<string, Promise<unknown>>();

/**
 * Run `change` (which reads meta.json and may rewrite it) for source folder `folder` when no other
 * change of that source's files runs: through a Web Lock named after the folder where the browser
 * has them (so also across this site's tabs), else after this page's earlier changes of the
 * source (a promise chain). A rename and a summary stored at the same moment would otherwise both
 * read the same meta.json and the later write would drop the earlier's change. A change that
 * fails does not stop the next one.
 */
function updatingMeta<T>(folder: string, change: () => Promise<T>): Promise<T> {
	const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
	if (locks?.request) return locks.request(`${STORE_NAME}/${folder}/${META}`, change);
	const next = (metaQueues.get(folder) ?? Promise.resolve()).then(change, change);
	const settled = next.then(
		() => undefined,
		() => undefined
	);
	metaQueues.set(folder, settled);
	void settled.then(() => {
		if (metaQueues.get(folder) === settled) metaQueues.delete(folder);
	});
	return next;
}

/**
 * Store `bytes` as the start-up summary of imported source `id` (analytics/overview/summary.ts),
 * in place of the one it was saved with (or beside none): written as a file of its own named by its
 * sha256, then meta.json, rewritten last, names it ({@link Meta} `summary`) and lists it, so an
 * interruption leaves the source as it was, never damaged. A summary stored this way before is
 * removed; the import's own file is left as saved. Throws a {@link LocalSourceError} if there is
 * no such source or it is damaged.
 */
export async function storeImportedSummary(id: string, bytes: Uint8Array): Promise<NonNullable<ExtractManifest['summary']>> {
	const l = await locate(id);
	return updatingMeta(l.folder, () => storeSummary(id, l, bytes));
}

async function storeSummary(id: string, l: Located, bytes: Uint8Array): Promise<NonNullable<ExtractManifest['summary']>> {
	const { meta, problem } = await inspect(l);
	if (problem || !meta) throw new LocalSourceError(id, `The imported source "${meta?.label ?? id}" is ${problem}: its summary was not stored.`);
	const sha256 = await sha256Hex(bytes);
	const entry = { file: `summary-${sha256.slice(0, 16)}.json`, bytes: bytes.byteLength, sha256 };
	const previous = meta.summary && meta.summary.file !== entry.file ? meta.summary.file : null;
	await l.backend.write(l.folder, entry.file, bytes);
	const files = { ...meta.files, [entry.file]: { bytes: entry.bytes, sha256 } };
	if (previous) delete files[previous];
	await l.backend.write(l.folder, META, encode(JSON.stringify({ ...meta, summary: entry, files } satisfies Meta, null, '\t') + '\n'));
	if (previous) await l.backend.removeFile(l.folder, previous).catch(() => {});
	return entry;
}

/** Give an imported source a new label (kept in its meta.json). */
export async function renameImportedSource(id: string, label: string): Promise<void> {
	const text = label.trim();
	if (text === '') throw new Error('A source needs a name.');
	if (text.length > 120) throw new Error('Keep the name under 120 characters.');
	const l = await locate(id);
	await updatingMeta(l.folder, async () => {
		const bytes = await l.backend.read(l.folder, META);
		if (!bytes) throw new LocalSourceError(id, 'This import is incomplete and cannot be renamed: remove it instead.');
		const meta = parseMeta(bytes, l.folder);
		await l.backend.write(l.folder, META, encode(JSON.stringify({ ...meta, label: text }, null, '\t') + '\n'));
	});
}

/** Remove one imported source (all its files), damaged or not. */
export async function removeImportedSource(id: string): Promise<void> {
	if (!isLocalSourceId(id)) throw new Error(`"${id}" is not an imported source.`);
	const { opfs, indexeddb } = getBackends();
	// After a meta.json change under way, which would otherwise write meta.json back into the removed folder.
	await updatingMeta(folderOf(id), async () => {
		for (const backend of [opfs, indexeddb]) await backend?.remove(folderOf(id)).catch((error: unknown) => {
			if (backend.kind === 'indexeddb') throw error;
		});
	});
}
