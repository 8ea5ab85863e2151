/**
 * The first view before the database: a source's manifest.json and its small summary.json
 * (analytics/overview/summary.ts), read without loading DuckDB, so the Overview and the Map
 * page can draw while the engine starts. Anything wrong — no summary listed (an older extract),
 * a size or sha256 other than the manifest's, a summary of other datasets, a format this app
 * does not read — gives null, and the pages wait for the database as before: never an error.
 *
 * An imported source saved with no summary, one of an older version, or one without the map part
 * (the import computes the Overview's figures only), gets a current one once its database is ready
 * ({@link keepImportedSummaryCurrent}), computed by the function the served build runs over the
 * same rows, map part included, so its next load draws the Overview's and the Map's first view too.
 */
import type { ExtractManifest } from '$analytics/ingest/extract-schema';
import { computeStartSummary, hasMapPart, isCurrentSummary, matchesManifest, readStartSummary, type StartSummary } from '$analytics/overview/summary';
import { INTERACTIVE_MARK } from '$lib/app/start-marks';
import type { Database } from './duckdb';
import { harmModelTag } from './start-answers';
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

/** Measure of {@link keepImportedSummaryCurrent}'s work when it stores a summary (computed and stored, after the live view). */
export const IMPORTED_SUMMARY_MEASURE = 'clearsight:imported-summary';

/** Resolves once the page's live view is drawn (the interactive mark, start-marks.ts). */
function interactive(): Promise<void> {
	return new Promise((resolve) => {
		if (performance.getEntriesByName(INTERACTIVE_MARK, 'mark').length > 0) return resolve();
		const observer = new PerformanceObserver((list) => {
			if (list.getEntriesByName(INTERACTIVE_MARK, 'mark').length === 0) return;
			observer.disconnect();
			resolve();
		});
		observer.observe({ type: 'mark' });
	});
}

/**
 * For the ready database of an imported source: when the start-up summary stored with it is
 * missing, of an older version, of other datasets or of another harm model (isCurrentSummary), or
 * has no map part while the database has records to map (hasMapPart; the import's own summary has none),
 * compute the summary again over the database's own tables with the function and options the
 * served build uses (computeStartSummary, the Overview's figures and the Map's first layers) and
 * store it with the source (storeImportedSummary), so its next load draws the first view of both
 * pages. Every query waits until the page's live view is drawn, so they never hold the page back
 * ({@link IMPORTED_SUMMARY_MEASURE} times the computing and storing). Never throws: a summary not
 * stored only means the next load waits for the database, as this one did.
 * Returns what it did ('served' for a source of the server, left as built).
 */
export async function keepImportedSummaryCurrent(db: Pick<Database, 'source' | 'manifest' | 'harmModel' | 'runner'>): Promise<'served' | 'current' | 'stored' | 'failed'> {
	if (db.source.kind !== 'imported') return 'served';
	try {
		const { openImportedSource, storeImportedSummary } = await import('$lib/import/local-sources');
		const harmModel = harmModelTag(db.harmModel);
		const opened = await openImportedSource(db.source.id);
		const entry = opened.manifest.summary;
		const stored = entry ? await opened.read(entry.file).catch(() => null) : null;
		const json = stored ? parseJson(stored) : null;
		const current = isCurrentSummary(json, opened.manifest, harmModel) ? readStartSummary(json) : null;
		if (current && current.map !== null) return 'current';
		await interactive();
		// Without a map part: current only when there is nothing to map (the import leaves it out).
		if (current && !(await hasMapPart(db.runner))) return 'current';
		const start = performance.now();
		const summary = await computeStartSummary(db.runner, { harmModel, datasets: opened.manifest.datasets });
		await storeImportedSummary(db.source.id, new TextEncoder().encode(JSON.stringify(summary)));
		performance.measure(IMPORTED_SUMMARY_MEASURE, { start, duration: performance.now() - start });
		return 'stored';
	} catch {
		return 'failed';
	}
}

function parseJson(bytes: Uint8Array): unknown {
	try {
		return JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		return null;
	}
}
