/**
 * Sources imported by the user in this browser (ids start with `local:`), kept locally and
 * never uploaded. This is the interface the database loader (web/lib/db/duckdb.ts) and the
 * source selector use; until in-browser import exists it lists nothing.
 */
import type { ExtractManifest } from '$analytics/ingest/extract-schema';

/** One imported source, as listed in the source selector. */
export interface ImportedSourceSummary {
	/** Always starts with `local:`. */
	id: string;
	label: string;
	rows: number;
	/** ISO 8601 date-time of the import. */
	createdAt: string;
}

/** An imported source opened for loading: its manifest and the bytes of each file it lists. */
export interface OpenedImportedSource {
	manifest: ExtractManifest;
	read(file: string): Promise<Uint8Array>;
}

/** Every source imported in this browser, oldest first. */
export async function listImportedSources(): Promise<ImportedSourceSummary[]> {
	return [];
}

/** Open one imported source by id; throws if there is no such source. */
export async function openImportedSource(id: string): Promise<OpenedImportedSource> {
	throw new Error(`No imported source "${id}" in this browser.`);
}
