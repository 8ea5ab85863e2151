/**
 * The command line's `--offence-codes <file.json|file.csv>`: the user's own offence-code mapping,
 * read and checked before anything is built (analytics/ingest/offence-codes.ts parses it; a bad
 * row is a usage error naming the file, line, column and what was expected).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseOffenceCodes, type OffenceCodeMapping } from '../../analytics/ingest/offence-codes';

export interface OffenceCodesInput {
	mapping: OffenceCodeMapping;
	/** The file as given on the command line, recorded in the manifest. */
	file: string;
}

/** Read and check a mapping file; throws an error whose message names the file, line and column. */
export function readOffenceCodesFile(path: string): OffenceCodesInput {
	if (!existsSync(path)) throw new Error(`--offence-codes: ${path} not found`);
	return { mapping: parseOffenceCodes(readFileSync(path, 'utf8'), path), file: path };
}
