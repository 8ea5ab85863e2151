/**
 * Recognise an input file from its header line: which format it is, its delimiter, and which
 * file column feeds each canonical column. Works on the header text alone, so the browser and
 * the command line share it before any row is read.
 */
import { COORDINATE_KEY_ALIASES, GENERIC_KINDS, PROJECTED_HEADERS, SOURCE_FORMATS, normaliseHeader, type SourceFormat, type SourceKind } from './sources';

/** A problem tied to a place in an input file. `line` counts the header as 1. */
export interface IngestIssue {
	file: string;
	line: number | null;
	/** Column as named in the file (or "column N" when it has no name). */
	column: string | null;
	message: string;
}

export interface ColumnBinding {
	/** Canonical key (see sources.ts). */
	key: string;
	/** 0-based position in the file, or -1 when an optional column is absent. */
	index: number;
	/** Header text as written in the file; the canonical header when absent. */
	header: string;
	/** A value given for every row when the file has no such column (index is then -1). */
	constant?: string;
}

export type Detection =
	| {
			ok: true;
			kind: SourceKind;
			format: SourceFormat;
			delimiter: string;
			/** Header cells as written (BOM and quotes removed). */
			fileColumns: string[];
			bindings: ColumnBinding[];
			/** File columns no canonical column uses; kept out of the extract. */
			unmapped: string[];
	  }
	| { ok: false; issue: IngestIssue };

export const DELIMITERS = [',', '\t', ';', '|'] as const;

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' };

/** Name of a delimiter for messages ("comma", "tab" …). */
export function delimiterName(delimiter: string): string {
	return DELIMITER_NAMES[delimiter] ?? JSON.stringify(delimiter);
}

/** Count each candidate delimiter outside double quotes; the most frequent wins (comma on ties). */
export function detectDelimiter(headerLine: string): string {
	const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
	let quoted = false;
	for (const ch of headerLine) {
		if (ch === '"') quoted = !quoted;
		else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
	}
	let best: string = ',';
	for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
	return best;
}

/** Split one CSV line on `delimiter`, honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
	const cells: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i];
		if (quoted) {
			if (ch === '"' && line[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === delimiter) {
			cells.push(cell);
			cell = '';
		} else cell += ch;
	}
	cells.push(cell);
	return cells;
}

/** A problem with the header line (line 1) of `file`. */
function headerIssue(file: string, message: string, column: string | null = null): Detection {
	return { ok: false, issue: { file, line: 1, column, message } };
}

function describe(format: SourceFormat): string {
	return format.columns.map((c) => c.header).join(',');
}

/** An explicit column mapping: canonical key → header as written in the file. */
export type ColumnMapping = Readonly<Record<string, string>>;

/**
 * Constant values: canonical key → the value every row gets, for a column the file does not
 * have (a file of anti-social behaviour only, with no category column:
 * `{ category: 'Anti-social behaviour' }`). A column the file has, by name or mapping, wins.
 */
export type ColumnConstants = Readonly<Record<string, string>>;

function matchFormat(format: SourceFormat, normalised: string[], mapping: ColumnMapping, constants: ColumnConstants = {}, projected = false) {
	const bindings: ColumnBinding[] = [];
	const missing: string[] = [];
	const mapped = new Set(Object.values(mapping).map(normaliseHeader));
	for (const column of format.columns) {
		const names = [column.key, ...(column.aliases ?? [])];
		const explicit = mapping[column.key];
		const find = (list: readonly string[]) => normalised.findIndex((n) => list.includes(n) && !mapped.has(n));
		// Eastings/northings: first for a projected file, else only when no longitude/latitude header is there.
		const grid = PROJECTED_HEADERS[column.key] ?? [];
		const [first, then] = projected ? [grid, names] : [names, grid];
		const found = find(first);
		const index =
			explicit !== undefined
				? normalised.indexOf(normaliseHeader(explicit))
				: found >= 0 ? found : find(then);
		const constant = index === -1 ? constants[column.key] : undefined;
		if (index === -1 && constant === undefined && column.required) missing.push(column.header);
		bindings.push(constant === undefined ? { key: column.key, index, header: column.header } : { key: column.key, index, header: column.header, constant });
	}
	// A column required unless another is there (a category, when the file gives offence codes).
	for (const column of format.columns) {
		const other = column.requiredUnless && bindings.find((b) => b.key === column.requiredUnless);
		if (other && (other.index >= 0 || other.constant !== undefined) && missing.includes(column.header)) missing.splice(missing.indexOf(column.header), 1);
	}
	const required = format.columns.filter((c) => c.required).length;
	const matched = bindings.filter((b) => b.index >= 0 || b.constant !== undefined).length;
	return { format, bindings, missing, matched, score: (required - missing.length) / required };
}

/**
 * Recognise a file from its first line.
 *
 * @param headerLine the first line of the file, without its line ending (a BOM is allowed)
 * @param file the file's name, used in messages
 * @param kind force a format instead of choosing the best match
 * @param mapping name the file's columns for canonical keys (e.g. `{ timestamp: 'Created' }`);
 *   a mapping without `kind` means the generic timestamped-incident format
 * @param constants values for columns the file lacks (see {@link ColumnConstants}); they need
 *   `kind` (or a mapping), and a key unknown to the format is an error
 * @param projected the file declares a projected coordinate system: easting/northing (x/y)
 *   headers are read for longitude/latitude first (see PROJECTED_HEADERS); a mapping may name
 *   them as `x`/`y` (or `easting`/`northing`) as well as `longitude`/`latitude`
 * @returns the format and column bindings, or an issue at line 1 saying what was expected.
 *   Edge cases: an empty line is "empty file"; duplicate column names are an error; extra
 *   columns are allowed and listed in `unmapped`.
 */
export function detectSource(
	headerLine: string,
	file: string,
	kind?: SourceKind,
	givenMapping: ColumnMapping = {},
	constants: ColumnConstants = {},
	projected = false
): Detection {
	const mapping = canonicalCoordinateKeys(givenMapping);
	if (typeof mapping === 'string') return headerIssue(file, mapping);
	const text = headerLine.replace(/^\uFEFF/, '').replace(/\r$/, '');
	if (text.trim() === '') {
		return headerIssue(file, 'empty file: expected a header line such as "Crime ID,Month,Reported by,…"');
	}
	const delimiter = detectDelimiter(text);
	const fileColumns = splitCsvLine(text, delimiter).map((c) => c.trim());
	const normalised = fileColumns.map(normaliseHeader);

	const seen = new Map<string, number>();
	for (let i = 0; i < normalised.length; i++) {
		const n = normalised[i];
		if (n !== '' && seen.has(n)) {
			return headerIssue(
				file,
				`duplicate column "${fileColumns[i]}" (columns ${seen.get(n)! + 1} and ${i + 1}): each column name may appear once`,
				fileColumns[i]
			);
		}
		seen.set(n, i);
	}

	const wanted = kind ?? (Object.keys(mapping).length > 0 ? 'events' : undefined);
	if (wanted) {
		const format = SOURCE_FORMATS.find((f) => f.kind === wanted)!;
		for (const [key, header] of Object.entries(mapping)) {
			if (!format.columns.some((c) => c.key === key)) {
				const keys = format.columns.map((c) => c.key).join(', ');
				return headerIssue(file, `column mapping names unknown field "${key}": expected one of ${keys}`);
			}
			if (!normalised.includes(normaliseHeader(header))) {
				return headerIssue(file, `column mapping ${key}=${header}: the file has no column "${header}" (it has ${fileColumns.map((c) => `"${c}"`).join(', ')})`, header);
			}
		}
		for (const key of Object.keys(constants)) {
			if (!format.columns.some((c) => c.key === key)) {
				const keys = format.columns.map((c) => c.key).join(', ');
				return headerIssue(file, `constant value for unknown field "${key}": expected one of ${keys}`);
			}
		}
	}
	const candidates = SOURCE_FORMATS.filter((f) => !wanted || f.kind === wanted).map((f) => matchFormat(f, normalised, mapping, wanted ? constants : {}, projected));
	// A police.uk format that is complete, or nearly so, wins over the generic format (which
	// needs only a date-time): a stop-and-search file lacking one column is reported as such,
	// not quietly read as generic incidents. Among equals, the most columns matched wins.
	const generic = (c: (typeof candidates)[number]) => (GENERIC_KINDS.includes(c.format.kind) ? 1 : 0);
	const specificFirst = (c: (typeof candidates)[number]) => (c.score >= 0.5 ? 1 - generic(c) : 0);
	candidates.sort(
		(a, b) => specificFirst(b) - specificFirst(a) || b.score - a.score || b.matched - a.matched || a.missing.length - b.missing.length
	);
	const best = candidates[0];
	if (best.missing.length === 0) {
		const used = new Set(best.bindings.map((b) => b.index));
		return {
			ok: true,
			kind: best.format.kind,
			format: best.format,
			delimiter,
			fileColumns,
			bindings: best.bindings.map((b) => ({ ...b, header: b.index >= 0 ? fileColumns[b.index] : b.header })),
			unmapped: fileColumns.filter((_, i) => !used.has(i))
		};
	}
	if (best.score >= 0.5) {
		const s = best.missing.length > 1 ? 's' : '';
		return headerIssue(file, `looks like ${best.format.label} but the header lacks column${s} ${best.missing.map((m) => `"${m}"`).join(', ')}; expected: ${describe(best.format)}`);
	}
	const hint =
		fileColumns.length === 1 && /[;,\t|]/.test(text) === false
			? ' The header has a single column: is the file delimited by something other than comma, tab, semicolon or pipe?'
			: '';
	return headerIssue(
		file,
		`unrecognised header (${delimiterName(delimiter)}-separated: ${fileColumns.slice(0, 6).map((c) => `"${c}"`).join(', ')}${fileColumns.length > 6 ? ', …' : ''}). ` +
			`Expected one of: ${SOURCE_FORMATS.map((f) => `${f.label} (${describe(f)})`).join('; ')}.${hint}`
	);
}

/**
 * Recognise an input file. A police.uk download is recognised by its header alone. With a
 * column mapping, constants or a forced format, a file that is not a police.uk download is read
 * as a generic format: the forced one, else each generic format whose fields include every
 * mapped or constant key (timestamped incidents first, then month-resolution incidents),
 * the first the header satisfies.
 */
export function detectInput(
	headerLine: string,
	file: string,
	options: { columns?: ColumnMapping; constants?: ColumnConstants; format?: SourceKind; projected?: boolean }
): Detection {
	const projected = options.projected ?? false;
	const detection = detectSource(headerLine, file, undefined, {}, {}, projected);
	const canonical = canonicalCoordinateKeys(options.columns ?? {});
	if (typeof canonical === 'string') return headerIssue(file, canonical);
	const columns = canonical;
	const constants = options.constants ?? {};
	const keys = [...Object.keys(columns), ...Object.keys(constants)];
	if (keys.length === 0 && !options.format) return detection;
	if (detection.ok && !GENERIC_KINDS.includes(detection.kind) && !options.format) return detection;
	if (options.format) {
		if (detection.ok && detection.kind === options.format && keys.length === 0) return detection;
		return detectSource(headerLine, file, options.format, columns, constants, projected);
	}
	const fits = (kind: SourceKind) => keys.every((k) => SOURCE_FORMATS.find((f) => f.kind === kind)!.columns.some((c) => c.key === k));
	const kinds = GENERIC_KINDS.filter(fits);
	const tries = (kinds.length > 0 ? kinds : GENERIC_KINDS.slice(0, 1)).map((kind) => detectSource(headerLine, file, kind, columns, constants, projected));
	const ok = tries.find((d) => d.ok);
	if (ok || tries.length === 1) return ok ?? tries[0];
	const issues = tries.map((d) => (d.ok ? '' : `as ${SOURCE_FORMATS.find((f) => f.kind === kinds[tries.indexOf(d)])!.label}: ${d.issue.message}`));
	const first = tries[0] as Extract<Detection, { ok: false }>;
	return { ok: false, issue: { ...first.issue, message: issues.join('; ') } };
}

/**
 * A mapping with the coordinate keys `x`/`y` (or `easting`/`northing`) as `longitude`/`latitude`,
 * or a message when both spellings name the same coordinate.
 */
export function canonicalCoordinateKeys(mapping: ColumnMapping): ColumnMapping | string {
	if (!Object.keys(mapping).some((key) => key in COORDINATE_KEY_ALIASES)) return mapping;
	const out: Record<string, string> = {};
	for (const [key, header] of Object.entries(mapping)) {
		const canonical = COORDINATE_KEY_ALIASES[key] ?? key;
		if (canonical in out) return `column mapping names the ${canonical === 'longitude' ? 'x (longitude or easting)' : 'y (latitude or northing)'} column twice: give one of ${canonical}=, ${Object.keys(COORDINATE_KEY_ALIASES).filter((k) => COORDINATE_KEY_ALIASES[k] === canonical).join('=, ')}=`;
		out[canonical] = header;
	}
	return out;
}

/**
 * The coordinate headers of a detection when they were read as eastings and northings (by a
 * PROJECTED_HEADERS name the format does not itself give for longitude/latitude): such
 * values need a declared coordinate system. Null otherwise.
 */
export function projectedHeaders(detection: Extract<Detection, { ok: true }>): { x: string; y: string } | null {
	const header = (key: 'longitude' | 'latitude') => {
		const binding = detection.bindings.find((b) => b.key === key && b.index >= 0);
		if (!binding) return null;
		const column = detection.format.columns.find((c) => c.key === key)!;
		const name = normaliseHeader(binding.header);
		const own = [column.key, ...(column.aliases ?? [])];
		return !own.includes(name) && PROJECTED_HEADERS[key].includes(name) ? binding.header : null;
	};
	const x = header('longitude');
	const y = header('latitude');
	return x !== null || y !== null ? { x: x ?? detection.bindings.find((b) => b.key === 'longitude')!.header, y: y ?? detection.bindings.find((b) => b.key === 'latitude')!.header } : null;
}
