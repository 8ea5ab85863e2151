/**
 * Messages between the Data page and the import worker (import.worker.ts). Files cross as File
 * objects (structured-cloned, not read on the main thread); results come back as transferred
 * buffers.
 */
import type { ExtractManifest, ForceAreaRequest } from '$analytics/ingest';
import type { ImportPhaseTime, ImportProgress, InputMapping } from './build';
import type { BoundaryChoice, BoundaryInspection } from './boundary-file';
import type { DuckDBBundles } from '@duckdb/duckdb-wasm';
import type { OffenceCodeMapping } from '$analytics/ingest/offence-codes';

/** What the header of one chosen file says, before anything is imported. */
export interface FileInspection {
	name: string;
	pathHint: string;
	bytes: number;
	gzip: boolean;
	/** The format recognised from the header, or why none was. */
	detection: { ok: true; kind: string; label: string } | { ok: false; message: string };
	/** Header cells as written. */
	columns: string[];
	/** Up to five data rows, split on the detected delimiter, for the mapping preview. */
	sample: string[][];
}

export interface QuarantinePreviewRow {
	source_file: string;
	source_kind: string;
	source_line: number | null;
	column_name: string | null;
	reason: string;
	raw: string | null;
}

/** Every message carries the DuckDB-wasm files (URLs from the page's build) for the worker's own instance. */
export type ToWorker = { bundles: DuckDBBundles } & (
	/** Start the import's DuckDB-wasm instance now (the Import section was opened), before any file is chosen. */
	| { type: 'warm'; id: number }
	| { type: 'inspect'; id: number; files: File[]; names: string[]; pathHints: string[] }
	| { type: 'parse-timestamps'; id: number; values: string[]; as?: 'timestamp' | 'month' }
	/** A boundary file (its parts: .shp, .dbf, .prj …) to inspect, with the choices made so far. */
	| { type: 'inspect-boundary'; id: number; files: File[]; choice: Partial<BoundaryChoice> }
	| {
			type: 'import';
			id: number;
			files: File[];
			names: string[];
			pathHints: string[];
			mappings: Record<string, InputMapping>;
			/** The force area chosen on the page (default: the force the records fall within). */
			forceArea: ForceAreaRequest;
			/** Absolute URL of the lookup (FORCE_LOOKUP_FILE) on the app's own origin; fetched only when needed. */
			lookupUrl: string;
			/** The user's offence-code mapping (parsed on the page); absent or null: the shipped one. */
			offenceCodes?: { mapping: OffenceCodeMapping; file: string } | null;
			/** Areas of the user's own: the boundary file's parts and the choices made; null for none. */
			boundary: { files: File[]; choice: BoundaryChoice } | null;
	  }
);

export type FromWorker =
	/** The instance is ready: its start (worker, wasm, connection) and its warm-up import (warm-up.ts) took these. */
	| { type: 'warmed'; id: number; engineMs: number; warmUpMs: number }
	| { type: 'inspected'; id: number; files: FileInspection[] }
	| { type: 'timestamps'; id: number; parsed: Array<string | null> }
	| { type: 'boundary'; id: number; inspection: BoundaryInspection }
	| { type: 'progress'; id: number; progress: ImportProgress }
	| {
			type: 'imported';
			id: number;
			manifest: ExtractManifest;
			files: Array<{ name: string; bytes: Uint8Array }>;
			/** The first rejected rows (all of them are in quarantine.csv). */
			quarantine: QuarantinePreviewRow[];
			elapsedMs: number;
			/**
			 * Where the time went, in order: the wait for the engine (zero when it was started
			 * beforehand), the import's steps (build.ts), the quarantine preview. `engineMs` is the
			 * engine's start and `warmUpMs` its warm-up import, waited for or not.
			 */
			phases: ImportPhaseTime[];
			engineMs: number;
			warmUpMs: number;
	  }
	| { type: 'failed'; id: number; message: string; outOfMemory: boolean };
