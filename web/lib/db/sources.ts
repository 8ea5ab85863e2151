/**
 * The data sources the app can load, without loading DuckDB: the served folder's
 * `sources.json` (one extract folder per source, the default first; path "." is the folder
 * itself, which the project's server answers for a single extract served with
 * `npm start -- --data <extract>`), followed by the sources imported in this browser (`local:`
 * ids, web/lib/import/local-sources.ts). A static server with no sources.json (404) is read as
 * a single extract too.
 */
import { DATA_PATH } from './paths';
import { ExtractLoadError } from './errors';
import { listImportedSources } from '$lib/import/local-sources';

export interface SourceInfo {
	id: string;
	label: string;
	description: string;
	kind: 'sample' | 'imported';
	/** URL of the source's extract folder (no trailing slash); null for an imported source. */
	url: string | null;
}

/** Id of the one source of a folder served with manifest.json at its top. */
export const SINGLE_SOURCE_ID = 'extract';

/** Prefix of the ids of sources imported in this browser. */
export const LOCAL_PREFIX = 'local:';

/** A source folder named in sources.json: one plain path segment, so it can only point inside /data. */
const FOLDER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Window event to send (`notifySourcesChanged()`) after a source is imported, renamed or
 * removed in this browser: the header's selector lists the sources again.
 */
export const SOURCES_CHANGED_EVENT = 'clearsight:sources-changed';

export function notifySourcesChanged(): void {
	window.dispatchEvent(new Event(SOURCES_CHANGED_EVENT));
}

let served: Promise<SourceInfo[]> | null = null;

/**
 * The served sources (sources.json, else a single manifest.json), fetched once per page load.
 * Throws an ExtractLoadError when the folder has neither, or sources.json is malformed.
 */
export function servedSources(): Promise<SourceInfo[]> {
	served ??= readServedSources().catch((error: unknown) => {
		served = null;
		throw error;
	});
	return served;
}

/** Served sources, then imported ones. An imported list that cannot be read is left out (the import page reports it). */
export async function listSources(): Promise<SourceInfo[]> {
	const sources = await servedSources();
	let imported: Awaited<ReturnType<typeof listImportedSources>> = [];
	try {
		imported = await listImportedSources();
	} catch {
		imported = [];
	}
	return [
		...sources,
		...imported.map((s) => ({
			id: s.id,
			label: s.label,
			description: `Imported in this browser on ${s.createdAt.slice(0, 10)}: ${s.rows.toLocaleString('en-GB')} rows`,
			kind: 'imported' as const,
			url: null
		}))
	];
}

async function readServedSources(): Promise<SourceInfo[]> {
	const where = `${DATA_PATH}/sources.json`;
	let response: Response;
	try {
		response = await fetch(where);
	} catch (error) {
		throw new ExtractLoadError('missing', `sources.json could not be fetched from ${where}: the server did not answer.`, 'sources.json', { cause: error });
	}
	const type = response.headers.get('content-type') ?? '';
	if (response.status === 404 || (response.ok && type.includes('text/html'))) {
		// No list of sources: the folder is a single extract (its manifest is checked when loaded).
		return [{ id: SINGLE_SOURCE_ID, label: 'Extract', description: `The extract served at ${DATA_PATH}/`, kind: 'sample', url: DATA_PATH }];
	}
	if (!response.ok) throw new ExtractLoadError('missing', `sources.json could not be read from ${where} (HTTP ${response.status}).`, 'sources.json');
	let json: unknown;
	try {
		json = await response.json();
	} catch {
		throw new ExtractLoadError('corrupt', `sources.json at ${where} is not valid JSON: the file is damaged or was only partly written.`, 'sources.json');
	}
	return validateSources(json, where);
}

/** Check sources.json: a non-empty list of { id, label, description, path } with unique ids. */
export function validateSources(json: unknown, where: string): SourceInfo[] {
	const fail = (problem: string): never => {
		throw new ExtractLoadError('corrupt', `${where} ${problem}`, 'sources.json');
	};
	const list = (json as { sources?: unknown } | null)?.sources;
	if (!Array.isArray(list) || list.length === 0) return fail('has no "sources" list.');
	const seen = new Set<string>();
	return list.map((entry: unknown, i: number) => {
		const e = entry as Record<string, unknown> | null;
		if (typeof e?.id !== 'string' || !ID.test(e.id)) return fail(`sources[${i}] has no valid id (letters, digits, "_", "-", ".").`);
		if (seen.has(e.id)) return fail(`lists source "${e.id}" twice.`);
		seen.add(e.id);
		if (typeof e.path !== 'string' || (e.path !== '.' && (!FOLDER.test(e.path) || e.path.includes('..')))) {
			return fail(`source "${e.id}" has path ${JSON.stringify(e.path)}; expected the name of a folder beside sources.json, or "." for the folder itself.`);
		}
		const label = typeof e.label === 'string' && e.label.trim() !== '' ? e.label : e.id;
		const description = typeof e.description === 'string' ? e.description : '';
		return { id: e.id, label, description, kind: 'sample' as const, url: e.path === '.' ? DATA_PATH : `${DATA_PATH}/${e.path}` };
	});
}
