/**
 * Per-file mapping for the extract builder (`npm run extracts -- --mapping <file.json>`): several
 * exports of different shapes built into ONE source, each file read by its own format, columns and
 * constants — a force's CAD export (calls for service → the `events` dataset) beside its RMS export
 * (recorded crimes → the `incidents` dataset). `--columns`, `--constant` and `--format` apply one
 * mapping to every input; this file names, per file or glob, what they name for all.
 *
 * The JSON shape (documented in scripts/README.md), every key checked, every problem listed:
 *
 *   { "files": [
 *       { "match": "cad-*.csv", "format": "events",
 *         "columns": { "incident_id": "Incident Number", "timestamp": "Created", "category": "Call Type", … },
 *         "constants": { … }, "crs": "EPSG:27700" },
 *       { "match": ["rms.csv", "rms-*.csv"], "format": "month-incidents",
 *         "columns": { "incident_id": "Crime Reference", "month": "Committed", "category": "Offence" } } ] }
 *
 * `match` is a file name pattern (`*` any run of characters but `/`, `?` one character, `**` any
 * run including `/`), compared with the file's name when it has no `/`, else with the file's path
 * relative to the working folder (forward slashes). The first entry that matches a file reads it;
 * a file no entry matches is detected as without a mapping (a police.uk download given beside the
 * exports); an entry that matches no input file is an error (a typo would otherwise drop a file's
 * mapping silently).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { FileCrs } from '../../analytics/ingest/crs';
import { resolveDeclaredCrs } from './input-crs';
import { COORDINATE_KEY_ALIASES, SOURCE_FORMATS, canonicalCoordinateKeys, type ColumnConstants, type ColumnMapping, type SourceKind } from '../../analytics/ingest';

/** The formats a mapping entry may name, and the dataset each feeds (for messages and the README). */
export const MAPPED_FORMATS = {
	events: 'timestamped calls for service or incidents, e.g. a CAD export → the events dataset',
	'month-incidents': 'recorded crimes by month, e.g. an RMS export (a month, date or date-time) → the incidents dataset'
} as const satisfies Partial<Record<SourceKind, string>>;

export type MappedFormatKind = keyof typeof MAPPED_FORMATS;

/** One entry of the mapping file. */
export interface FileMappingEntry {
	/** File name patterns (at least one). */
	match: string[];
	format: MappedFormatKind;
	columns?: ColumnMapping;
	constants?: ColumnConstants;
	/**
	 * The coordinate system of the matched files (an EPSG code such as EPSG:27700, or a `.prj` file,
	 * relative to the mapping file's folder), as `--crs` gives it for every file; it wins over
	 * `--crs` and a `.prj` beside the file, for these files only.
	 */
	crs?: FileCrs;
}

export interface FileMappingSpec {
	/** Where the mapping was read from, for messages. */
	source: string;
	files: FileMappingEntry[];
}

/** What detection is given for one file: the builder's `--format`, `--columns`, `--constant` for that file alone. */
export interface FileDetectOptions {
	columns?: ColumnMapping;
	constants?: ColumnConstants;
	format?: SourceKind;
	/** The entry's coordinate system, when it names one. */
	crs?: FileCrs;
}

/** A problem with the mapping file; the message lists every problem found. */
export class FileMappingError extends Error {}

const ENTRY_KEYS = ['match', 'format', 'columns', 'constants', 'crs'] as const;

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
	return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** A `field → text` object (columns or constants), every problem pushed to `problems`. */
function textMap(value: unknown, where: string, format: SourceKind | null, valueName: string, problems: string[]): Record<string, string> | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		problems.push(`${where} must be an object of field: ${valueName}, got ${describe(value)}`);
		return undefined;
	}
	const fields = format ? SOURCE_FORMATS.find((f) => f.kind === format)!.columns.map((c) => c.key) : null;
	// Columns may name the coordinates x/y (easting/northing) as --columns does; constants may not.
	const isColumns = valueName === 'a column name';
	const known = fields && isColumns && fields.includes('longitude') ? [...fields, ...Object.keys(COORDINATE_KEY_ALIASES)] : fields;
	const out: Record<string, string> = {};
	for (const [key, v] of Object.entries(value)) {
		if (known && !known.includes(key)) problems.push(`${where}.${key}: unknown field for format "${format}"; expected one of ${known.join(', ')}`);
		else if (typeof v !== 'string' || v.trim() === '') problems.push(`${where}.${key} must be ${valueName} (non-empty text), got ${describe(v)}`);
		else out[key] = v;
	}
	if (isColumns) {
		const twice = canonicalCoordinateKeys(out);
		if (typeof twice === 'string') problems.push(`${where}: ${twice}`);
	}
	return out;
}

/**
 * Read and check a mapping file's text. Throws a {@link FileMappingError} listing every problem
 * (with its place, e.g. `files[1].columns.timestamp`), not only the first.
 */
export function parseFileMapping(text: string, source: string): FileMappingSpec {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (e) {
		throw new FileMappingError(`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
	}
	const problems: string[] = [];
	const files: FileMappingEntry[] = [];
	if (typeof json !== 'object' || json === null || Array.isArray(json)) {
		problems.push(`the file must hold an object { "files": [ … ] }, got ${describe(json)}`);
	} else {
		const extra = Object.keys(json).filter((k) => k !== 'files' && k !== 'description');
		if (extra.length > 0) problems.push(`unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} at the top; expected "files" (and an optional "description")`);
		const list = (json as { files?: unknown }).files;
		if (!Array.isArray(list) || list.length === 0) problems.push(`"files" must be a non-empty list of entries { "match", "format", "columns", "constants" }, got ${describe(list ?? null)}`);
		else {
			list.forEach((raw, i) => {
				const at = `files[${i}]`;
				if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
					problems.push(`${at} must be an object, got ${describe(raw)}`);
					return;
				}
				const entry = raw as Record<string, unknown>;
				const unknown = Object.keys(entry).filter((k) => !(ENTRY_KEYS as readonly string[]).includes(k));
				if (unknown.length > 0) problems.push(`${at}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; expected ${ENTRY_KEYS.map((k) => `"${k}"`).join(', ')}`);
				const match = typeof entry.match === 'string' ? [entry.match] : entry.match;
				const matchOk = Array.isArray(match) && match.length > 0 && match.every((m) => typeof m === 'string' && m.trim() !== '');
				if (!matchOk) problems.push(`${at}.match must be a file name pattern or a non-empty list of them (e.g. "cad-*.csv"), got ${describe(entry.match ?? null)}`);
				const format = entry.format;
				const formatOk = typeof format === 'string' && format in MAPPED_FORMATS;
				if (!formatOk) {
					problems.push(
						`${at}.format must be one of ${Object.entries(MAPPED_FORMATS).map(([k, v]) => `"${k}" (${v})`).join(', ')}, got ${describe(format ?? null)}`
					);
				}
				const kind = formatOk ? (format as MappedFormatKind) : null;
				const columns = textMap(entry.columns, `${at}.columns`, kind, 'a column name', problems);
				const constants = textMap(entry.constants, `${at}.constants`, kind, 'a value', problems);
				let crs: FileCrs | undefined;
				if (entry.crs !== undefined) {
					if (typeof entry.crs !== 'string' || entry.crs.trim() === '') problems.push(`${at}.crs must be an EPSG code such as "EPSG:27700" or a .prj file, got ${describe(entry.crs)}`);
					else {
						const value = entry.crs.trim();
						const path = /\.prj$/i.test(value) && !isAbsolute(value) ? join(dirname(source), value) : value;
						try {
							crs = resolveDeclaredCrs(path);
						} catch (e) {
							problems.push(`${at}.crs: ${(e instanceof Error ? e.message : String(e)).replace(/^--crs\s*/, '')}`);
						}
					}
				}
				if (matchOk && kind) files.push({ match: (match as string[]).map((m) => m.trim()), format: kind, ...(columns ? { columns } : {}), ...(constants ? { constants } : {}), ...(crs ? { crs } : {}) });
			});
		}
	}
	if (problems.length > 0) {
		throw new FileMappingError(`${source}: ${problems.length} problem${problems.length > 1 ? 's' : ''} in the mapping file:\n  - ${problems.join('\n  - ')}`);
	}
	return { source, files };
}

/** Read and check a mapping file (see {@link parseFileMapping}). */
export function readFileMapping(path: string): FileMappingSpec {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (e) {
		throw new FileMappingError(`--mapping ${path}: cannot be read (${e instanceof Error ? e.message : String(e)})`);
	}
	return parseFileMapping(text, path);
}

/** A file name pattern as a regular expression over the whole name: `*`, `?`, `**`. */
export function patternToRegExp(pattern: string): RegExp {
	let out = '';
	for (let i = 0; i < pattern.length; i++) {
		const ch = pattern[i];
		if (ch === '*' && pattern[i + 1] === '*') {
			out += '.*';
			i++;
			if (pattern[i + 1] === '/') i++;
		} else if (ch === '*') out += '[^/]*';
		else if (ch === '?') out += '[^/]';
		else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${out}$`, 'i');
}

/** Whether `pattern` matches the file at `path`: its name, or with a `/` its path from the working folder. */
export function patternMatches(pattern: string, path: string): boolean {
	const target = pattern.includes('/') ? relative(process.cwd(), path).split(sep).join('/') : basename(path);
	return patternToRegExp(pattern).test(target);
}

/**
 * Each input file's detection options under the mapping (undefined: no entry matches it, so it is
 * detected as without a mapping). Throws a {@link FileMappingError} naming every entry that matches
 * none of the inputs.
 */
export function resolveFileMappings(spec: FileMappingSpec, paths: readonly string[]): Array<FileDetectOptions | undefined> {
	const used = new Set<number>();
	const out = paths.map((path) => {
		const k = spec.files.findIndex((e) => e.match.some((m) => patternMatches(m, path)));
		if (k < 0) return undefined;
		used.add(k);
		const e = spec.files[k];
		return { format: e.format, ...(e.columns ? { columns: e.columns } : {}), ...(e.constants ? { constants: e.constants } : {}), ...(e.crs ? { crs: e.crs } : {}) };
	});
	const unused = spec.files.map((e, k) => ({ e, k })).filter(({ k }) => !used.has(k));
	if (unused.length > 0) {
		const names = paths.map((p) => basename(p));
		throw new FileMappingError(
			`${spec.source}: ${unused.map(({ e, k }) => `files[${k}] (match ${e.match.map((m) => JSON.stringify(m)).join(', ')})`).join(' and ')} ` +
				`match${unused.length === 1 ? 'es' : ''} none of the ${paths.length} input file${paths.length === 1 ? '' : 's'} (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''})`
		);
	}
	return out;
}
