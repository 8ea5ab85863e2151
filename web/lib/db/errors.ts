/**
 * Why the extracts could not be loaded, in words a user can act on. The layout shows `message`
 * as "what happened" and the commands for `kind` as "what to do".
 */
export type ExtractProblem =
	/** manifest.json or a listed file is not there. */
	| 'missing'
	/** A file is there but is not what manifest.json says (size, sha256, not Arrow, wrong columns). */
	| 'corrupt'
	/** The database engine itself failed to start (browser support, blocked wasm). */
	| 'engine'
	/** The URL names a data source this site does not offer. */
	| 'source'
	/** The server cannot serve a file the way it must be read (base.duckdb: byte ranges, uncompressed). */
	| 'server';

export class ExtractLoadError extends Error {
	override readonly name = 'ExtractLoadError';
	constructor(
		readonly kind: ExtractProblem,
		message: string,
		/** The file at fault (e.g. "incidents.arrow"), when there is one. */
		readonly file: string | null = null,
		options?: { cause?: unknown }
	) {
		super(message, options);
	}
}

/** Normalise anything thrown while loading into an ExtractLoadError. */
export function asExtractLoadError(error: unknown): ExtractLoadError {
	if (error instanceof ExtractLoadError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new ExtractLoadError('engine', `The in-browser database failed: ${message}`, null, { cause: error });
}
