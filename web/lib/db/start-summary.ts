/**
 * The first view before the database: a source's manifest.json and its small summary.json
 * (analytics/overview/summary.ts), read without loading DuckDB, so the Overview and the Map
 * page can draw while the engine starts. Anything wrong — no summary listed (an older extract),
 * a size or sha256 other than the manifest's, a summary of other datasets, a format this app
 * does not read — gives null, and the pages wait for the database as before: never an error.
 */
import type { ExtractManifest } from '$analytics/ingest/extract-schema';
import { matchesManifest, readStartSummary, type StartSummary } from '$analytics/overview/summary';
import { DATA_PATH } from './paths';
import { validateManifest } from './manifest';
import { LOCAL_PREFIX, servedSources } from './sources';

export interface StartView {
	/** The source the summary belongs to. */
	sourceId: string;
	manifest: ExtractManifest;
	summary: StartSummary;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string | null> {
	if (!globalThis.crypto?.subtle) return null; // not a secure context: the size check stands alone
	const digest = await crypto.subtle.digest('SHA-256', bytes);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function served(sourceId: string | null): Promise<StartView | null> {
	const sources = await servedSources();
	const source = sourceId === null ? sources[0] : sources.find((s) => s.id === sourceId);
	if (!source) return null;
	const url = source.url ?? DATA_PATH;
	const response = await fetch(`${url}/manifest.json`);
	if (!response.ok) return null;
	const manifest = validateManifest(await response.json(), `${url}/manifest.json`);
	const entry = manifest.summary;
	if (!entry || !/^[A-Za-z0-9_.-]+\.json$/.test(entry.file)) return null;
	const file = await fetch(`${url}/${entry.file}`);
	if (!file.ok) return null;
	const bytes = new Uint8Array(await file.arrayBuffer());
	if (bytes.byteLength !== entry.bytes) return null;
	const hash = await sha256Hex(bytes);
	if (hash !== null && hash !== entry.sha256) return null;
	return view(source.id, manifest, bytes);
}

async function imported(sourceId: string): Promise<StartView | null> {
	const { openImportedSource } = await import('$lib/import/local-sources');
	const opened = await openImportedSource(sourceId);
	const manifest = validateManifest(opened.manifest, `manifest of the imported source ${sourceId}`);
	if (!manifest.summary) return null;
	return view(sourceId, manifest, await opened.read(manifest.summary.file));
}

function view(sourceId: string, manifest: ExtractManifest, bytes: Uint8Array): StartView | null {
	const summary = readStartSummary(JSON.parse(new TextDecoder().decode(bytes)));
	if (!summary || !matchesManifest(summary, manifest)) return null;
	return { sourceId, manifest, summary };
}

/**
 * The manifest and start-up summary of a source (null: the default, the first served one), or
 * null when there is none to use (see the module comment).
 */
export async function loadStartView(sourceId: string | null): Promise<StartView | null> {
	try {
		return sourceId?.startsWith(LOCAL_PREFIX) ? await imported(sourceId) : await served(sourceId);
	} catch {
		return null;
	}
}
