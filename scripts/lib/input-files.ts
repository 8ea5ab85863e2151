/**
 * Find the input files named on the command line (files or folders, searched recursively)
 * and read what the bytes say: checksum, header, blank lines.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { scanText, type TextScan } from '../../analytics/ingest/text-scan';

export const INPUT_EXTENSIONS = ['.csv', '.csv.gz', '.tsv', '.tab', '.txt'];

export interface InputFile {
	/** Absolute path. */
	path: string;
	/** Name shown in reports: unique among the inputs (parent folder added on a clash). */
	name: string;
	bytes: number;
	sha256: string;
	scan: TextScan;
}

function isInput(path: string): boolean {
	const lower = path.toLowerCase();
	return INPUT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function walk(dir: string, out: string[]) {
	for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) walk(path, out);
		else if (entry.isFile() && isInput(path)) out.push(path);
	}
}

/**
 * Expand the inputs to a sorted list of files. A named file is taken whatever its extension;
 * a folder contributes its .csv/.csv.gz/.tsv/.tab/.txt files. Throws, naming the input, if it
 * does not exist.
 */
export function listInputs(inputs: readonly string[]): string[] {
	const files: string[] = [];
	for (const input of inputs) {
		const path = resolve(input);
		if (!existsSync(path)) throw new Error(`${input}: no such file or folder`);
		if (statSync(path).isDirectory()) walk(path, files);
		else files.push(path);
	}
	return [...new Set(files)];
}

/** Read and scan one file; gzip (by extension or magic bytes) is decompressed for the scan. */
export function readInput(path: string): Omit<InputFile, 'name'> {
	const raw = readFileSync(path);
	const sha256 = createHash('sha256').update(raw).digest('hex');
	const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
	const text = gz ? gunzipSync(raw) : raw;
	return { path, bytes: raw.length, sha256, scan: scanText(text) };
}

/** Names for reports: the file name, or enough of its path to be unique among the inputs. */
export function displayNames(paths: readonly string[]): string[] {
	const names = paths.map((p) => basename(p));
	const counts = new Map<string, number>();
	for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
	return paths.map((p, i) => {
		if (counts.get(names[i]) === 1) return names[i];
		const rel = relative(process.cwd(), p);
		return rel.startsWith('..') ? p : rel.split(sep).join('/');
	});
}

export function isGzip(path: string): boolean {
	return extname(path).toLowerCase() === '.gz';
}
