/**
 * Offence codes: a force's offence codes (or descriptions) → Home Office offence subgroup and
 * police.uk category, from a declared mapping (models/offence-codes/*.json, schema
 * models/schema/offence-codes.schema.json), or the user's own file (the same JSON, or a CSV of
 * code, description, subgroup, category).
 *
 * In the ingest: the canonical column `offence_code` of the generic formats (events,
 * month-resolution incidents) is matched against the mapping after the row rules
 * ({@link applyOffenceCodes}, called by validateStaged): a record gets `offence_subgroup` and,
 * when it has no category of its own, the mapping's police.uk category. A code the mapping does
 * not know is never dropped silently: the record keeps its own category (without a subgroup), or
 * is rejected with its line and the code when it has no category either; every unknown code is
 * counted ({@link offenceCodeReport}). Nothing here reads a file: the caller hands over text.
 */
import type { QueryRunner } from '../runner';
import { POLICE_UK_CATEGORIES, normaliseHeader, type SourceKind } from './sources';
import { detectDelimiter, splitCsvLine } from './detect';
import { ident, literal } from './sql';
import shipped from '../../models/offence-codes/home-office-offence-codes-v1.json';
import type { OffenceCodeReport } from './extract-schema';

/**
 * The 23 Home Office offence subgroups with the police.uk category each belongs to, exactly as in
 * the CCHI harm-weights file (`cchi_weights_by_prc_subgroup.csv`: category, prc_subgroup); a test
 * checks them row for row against it.
 */
export const OFFENCE_SUBGROUPS: ReadonlyArray<{ subgroup: string; category: (typeof POLICE_UK_CATEGORIES)[number] }> = [
	{ subgroup: 'Homicide', category: 'Violence and sexual offences' },
	{ subgroup: 'Violence with injury', category: 'Violence and sexual offences' },
	{ subgroup: 'Violence without injury', category: 'Violence and sexual offences' },
	{ subgroup: 'Stalking and harassment', category: 'Violence and sexual offences' },
	{ subgroup: 'Death or serious injury - unlawful driving', category: 'Violence and sexual offences' },
	{ subgroup: 'Rape offences', category: 'Violence and sexual offences' },
	{ subgroup: 'Other sexual offences', category: 'Violence and sexual offences' },
	{ subgroup: 'Public order offences', category: 'Public order' },
	{ subgroup: 'Criminal damage', category: 'Criminal damage and arson' },
	{ subgroup: 'Arson', category: 'Criminal damage and arson' },
	{ subgroup: 'Shoplifting', category: 'Shoplifting' },
	{ subgroup: 'Other theft offences', category: 'Other theft' },
	{ subgroup: 'Vehicle offences', category: 'Vehicle crime' },
	{ subgroup: 'Residential burglary', category: 'Burglary' },
	{ subgroup: 'Non-residential burglary', category: 'Burglary' },
	{ subgroup: 'Possession of drugs', category: 'Drugs' },
	{ subgroup: 'Trafficking of drugs', category: 'Drugs' },
	{ subgroup: 'Theft from the person', category: 'Theft from the person' },
	{ subgroup: 'Robbery of business property', category: 'Robbery' },
	{ subgroup: 'Robbery of personal property', category: 'Robbery' },
	{ subgroup: 'Possession of weapons offences', category: 'Possession of weapons' },
	{ subgroup: 'Bicycle theft', category: 'Bicycle theft' },
	{ subgroup: 'Miscellaneous crimes against society', category: 'Other crime' }
];

export interface OffenceCodeEntry {
	code?: string;
	description?: string;
	group?: string;
	source_subgroup?: string;
	subgroup: string;
	category: string;
	note?: string;
}

/** A mapping file (models/schema/offence-codes.schema.json). */
export interface OffenceCodeMapping {
	id: string;
	version: string;
	kind: 'offence-codes';
	title: string;
	source: { publisher: string; title: string; url?: string; file_sha256?: string; date_published?: string; licence: string };
	date: string;
	method: string;
	matching?: string;
	caveats?: string[];
	entries: OffenceCodeEntry[];
	excluded?: Array<{ code: string; description: string; reason: string }>;
}

/** The mapping shipped with Clearsight: the ONS/Home Office 2017/18 classification (see its file). */
export const SHIPPED_OFFENCE_CODES = shipped as unknown as OffenceCodeMapping;
/** Where the shipped mapping lives in the repository (recorded in the manifest). */
export const SHIPPED_OFFENCE_CODES_FILE = 'models/offence-codes/home-office-offence-codes-v1.json';

/** Formats whose records may carry an offence code (the `offence_code` column of sources.ts). */
export const OFFENCE_CODE_KINDS: readonly SourceKind[] = ['events', 'month-incidents'];

/** Which mapping an import used, for the manifest. */
export interface OffenceCodeMappingUsed {
	id: string;
	version: string;
	title: string;
	/** The file as given (the user's file name), or the shipped file's path. */
	file: string;
	shipped: boolean;
}

/** A problem in a mapping file, naming the file, the line (CSV) or entry (JSON) and the column. */
export class OffenceCodesError extends Error {
	constructor(
		readonly file: string,
		readonly line: number | null,
		readonly column: string | null,
		message: string
	) {
		super(`${file}${line !== null ? `, line ${line}` : ''}${column ? `, column ${column}` : ''}: ${message}`);
		this.name = 'OffenceCodesError';
	}
}

/**
 * The comparison key of an offence code: spaces removed, upper case, leading zeros dropped
 * (" 28e " and "028E" → "28E"; "4.10" stays apart from "4.1"). {@link CODE_KEY_SQL} is the same in SQL.
 */
export function offenceCodeKey(code: string): string {
	return code.replace(/\s+/g, '').toUpperCase().replace(/^0+([0-9])/, '$1');
}

/** The comparison key of a description: trimmed, runs of spaces as one, lower case. */
export function offenceDescriptionKey(text: string): string {
	return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** {@link offenceCodeKey} in SQL over a text expression. */
export const CODE_KEY_SQL = (expr: string) => `regexp_replace(upper(regexp_replace(${expr}, '\\s+', '', 'g')), '^0+([0-9])', '\\1')`;
/** {@link offenceDescriptionKey} in SQL over a text expression. */
export const DESCRIPTION_KEY_SQL = (expr: string) => `lower(regexp_replace(trim(${expr}), '\\s+', ' ', 'g'))`;

const SUBGROUP_CATEGORY = new Map(OFFENCE_SUBGROUPS.map((s) => [s.subgroup, s.category as string]));

/**
 * Check one entry; returns the problem in words (naming the column) or null. The subgroup must be
 * one of the 23 (exact names), the category the police.uk category its subgroup belongs to.
 */
function entryProblem(e: Partial<Record<keyof OffenceCodeEntry, unknown>>): { column: string; message: string } | null {
	const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
	if (!text(e.code) && !text(e.description)) return { column: 'code', message: 'expected an offence code or a description (both are empty)' };
	if (e.code !== undefined && typeof e.code !== 'string') return { column: 'code', message: 'expected text' };
	if (e.description !== undefined && typeof e.description !== 'string') return { column: 'description', message: 'expected text' };
	if (!text(e.subgroup) || !SUBGROUP_CATEGORY.has(e.subgroup as string)) {
		return {
			column: 'subgroup',
			message: `${text(e.subgroup) ? `unknown subgroup "${e.subgroup}"` : 'missing subgroup'}: expected one of the 23 Home Office offence subgroups, exactly as written: ${OFFENCE_SUBGROUPS.map((s) => `"${s.subgroup}"`).join(', ')}`
		};
	}
	const expected = SUBGROUP_CATEGORY.get(e.subgroup as string)!;
	if (!text(e.category)) return { column: 'category', message: `missing category: expected "${expected}" (the police.uk category of "${e.subgroup}")` };
	if (!(POLICE_UK_CATEGORIES as readonly string[]).includes(e.category as string)) {
		return { column: 'category', message: `unknown category "${e.category}": expected one of the 14 police.uk categories ("${expected}" for "${e.subgroup}")` };
	}
	if (e.category !== expected) return { column: 'category', message: `category "${e.category}" does not hold subgroup "${e.subgroup}": expected "${expected}"` };
	return null;
}

/** Two entries give one code (after {@link offenceCodeKey}) or one description different subgroups. */
function duplicateProblem(entries: readonly OffenceCodeEntry[], where: (i: number) => string): { index: number; column: string; message: string } | null {
	const codes = new Map<string, number>();
	const descriptions = new Map<string, number>();
	for (const [i, e] of entries.entries()) {
		if (e.code && e.code.trim() !== '') {
			const key = offenceCodeKey(e.code);
			const first = codes.get(key);
			if (first !== undefined && entries[first].subgroup !== e.subgroup) {
				return { index: i, column: 'code', message: `code "${e.code}" is already mapped to "${entries[first].subgroup}" at ${where(first)}: each code may have one subgroup` };
			}
			if (first === undefined) codes.set(key, i);
		}
		if (e.description && e.description.trim() !== '') {
			const key = offenceDescriptionKey(e.description);
			const first = descriptions.get(key);
			if (first !== undefined && entries[first].subgroup !== e.subgroup) {
				return {
					index: i,
					column: 'description',
					message: `description "${e.description}" is already mapped to "${entries[first].subgroup}" at ${where(first)}: each description may have one subgroup`
				};
			}
			if (first === undefined) descriptions.set(key, i);
		}
	}
	return null;
}

const CSV_COLUMNS: Record<string, readonly string[]> = {
	code: ['code', 'offence_code', 'ho_code', 'home_office_code', 'hoc'],
	description: ['description', 'offence_description', 'offence'],
	subgroup: ['subgroup', 'offence_subgroup', 'prc_subgroup'],
	category: ['category', 'police_uk_category', 'crime_type'],
	group: ['group', 'offence_group']
};

/**
 * Read a mapping file: JSON in the schema's format (`.json`, or text starting with `{`), else a
 * CSV (comma, tab, semicolon or pipe) with a header naming the columns code, description, subgroup,
 * category (and optionally group), one entry per line. Throws {@link OffenceCodesError} naming the
 * file, the line (CSV; the header is line 1) or entry (JSON), the column and what was expected.
 */
export function parseOffenceCodes(text: string, file: string): OffenceCodeMapping {
	const body = text.replace(/^\uFEFF/, '');
	return /\.json$/i.test(file) || body.trimStart().startsWith('{') ? parseJson(body, file) : parseCsv(body, file);
}

function parseJson(text: string, file: string): OffenceCodeMapping {
	let data: Record<string, unknown>;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new OffenceCodesError(file, null, null, `not valid JSON (${e instanceof Error ? e.message : String(e)}): expected an offence-code mapping (models/schema/offence-codes.schema.json) or a CSV`);
	}
	if (!data || typeof data !== 'object' || Array.isArray(data)) throw new OffenceCodesError(file, null, null, 'expected a JSON object with id, version, title and entries');
	for (const key of ['id', 'version', 'title', 'date', 'method'] as const) {
		if (typeof data[key] !== 'string' || (data[key] as string).trim() === '') throw new OffenceCodesError(file, null, key, `missing ${key}: expected text`);
	}
	if (!/^[a-z0-9-]+$/.test(data.id as string)) throw new OffenceCodesError(file, null, 'id', `id "${data.id}": expected lower-case letters, digits and hyphens`);
	if (!/^\d+\.\d+\.\d+$/.test(data.version as string)) throw new OffenceCodesError(file, null, 'version', `version "${data.version}": expected a semantic version such as 1.0.0`);
	if (data.kind !== 'offence-codes') throw new OffenceCodesError(file, null, 'kind', `kind: expected "offence-codes"`);
	const source = data.source as Record<string, unknown> | undefined;
	for (const key of ['publisher', 'title', 'licence']) {
		if (!source || typeof source[key] !== 'string' || (source[key] as string).trim() === '') throw new OffenceCodesError(file, null, `source.${key}`, `missing source.${key}: expected text`);
	}
	if (!Array.isArray(data.entries) || data.entries.length === 0) throw new OffenceCodesError(file, null, 'entries', 'expected a non-empty list of entries');
	const entries = data.entries as OffenceCodeEntry[];
	for (const [i, e] of entries.entries()) {
		const problem = e && typeof e === 'object' ? entryProblem(e) : { column: '', message: 'expected an object' };
		if (problem) throw new OffenceCodesError(file, null, `entries[${i}]${problem.column ? `.${problem.column}` : ''}`, problem.message);
	}
	const dup = duplicateProblem(entries, (i) => `entries[${i}]`);
	if (dup) throw new OffenceCodesError(file, null, `entries[${dup.index}].${dup.column}`, dup.message);
	return data as unknown as OffenceCodeMapping;
}

function parseCsv(text: string, file: string): OffenceCodeMapping {
	const lines = text.split(/\r?\n/);
	if (lines.length === 0 || lines[0].trim() === '') throw new OffenceCodesError(file, 1, null, 'empty file: expected a header line such as "code,description,subgroup,category"');
	const delimiter = detectDelimiter(lines[0]);
	const header = splitCsvLine(lines[0], delimiter).map((h) => h.trim());
	const normalised = header.map(normaliseHeader);
	const index: Record<string, number> = {};
	for (const [key, names] of Object.entries(CSV_COLUMNS)) index[key] = normalised.findIndex((n) => names.includes(n));
	if (index.code === -1 && index.description === -1) throw new OffenceCodesError(file, 1, null, `the header has neither a code nor a description column: expected "code,description,subgroup,category" (it has ${header.map((h) => `"${h}"`).join(', ')})`);
	for (const key of ['subgroup', 'category']) {
		if (index[key] === -1) throw new OffenceCodesError(file, 1, null, `the header has no ${key} column: expected "code,description,subgroup,category" (it has ${header.map((h) => `"${h}"`).join(', ')})`);
	}
	const entries: OffenceCodeEntry[] = [];
	const lineOf: number[] = [];
	for (let i = 1; i < lines.length; i++) {
		if (lines[i].trim() === '') continue;
		const cells = splitCsvLine(lines[i], delimiter);
		if (cells.length !== header.length) throw new OffenceCodesError(file, i + 1, null, `expected ${header.length} columns, found ${cells.length} (one entry per line; a value holding the delimiter must be quoted)`);
		const cell = (key: string) => (index[key] >= 0 ? cells[index[key]].trim() : '');
		const entry: OffenceCodeEntry = { subgroup: cell('subgroup'), category: cell('category') };
		if (cell('code')) entry.code = cell('code');
		if (cell('description')) entry.description = cell('description');
		if (cell('group')) entry.group = cell('group');
		const problem = entryProblem(entry);
		if (problem) {
			const column = index[problem.column] >= 0 ? header[index[problem.column]] : problem.column;
			throw new OffenceCodesError(file, i + 1, column, problem.message);
		}
		entries.push(entry);
		lineOf.push(i + 1);
	}
	if (entries.length === 0) throw new OffenceCodesError(file, 2, null, 'no entries: expected one line per offence code after the header');
	const dup = duplicateProblem(entries, (i) => `line ${lineOf[i]}`);
	if (dup) throw new OffenceCodesError(file, lineOf[dup.index], header[index[dup.column]], dup.message);
	const stem = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
	return {
		id: stem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'offence-codes',
		version: '0.0.0',
		kind: 'offence-codes',
		title: `Offence codes from ${file.replace(/^.*[\\/]/, '')}`,
		source: { publisher: 'the user', title: file.replace(/^.*[\\/]/, ''), licence: 'as given by the user' },
		date: '',
		method: 'Read from a CSV of code, description, subgroup, category given at import.',
		entries
	};
}

/**
 * Load a mapping into `ingest_offence_map (match_kind, match_key, subgroup, category)`: one row per
 * code key and per description key (the entries' descriptions, then the 23 subgroup names, each
 * key once), and record which mapping it is (`ingest_offence_mapping`). resetIngest loads the
 * shipped mapping; load another after it to replace it. Values are bound, never spliced.
 */
export async function loadOffenceCodes(runner: QueryRunner, mapping: OffenceCodeMapping, used: Omit<OffenceCodeMappingUsed, 'id' | 'version' | 'title'>): Promise<void> {
	const rows: Array<[string, string, string, string]> = [];
	const seen = new Set<string>();
	const add = (kind: 'code' | 'description', key: string, subgroup: string, category: string) => {
		if (key === '' || seen.has(`${kind}\u0000${key}`)) return;
		seen.add(`${kind}\u0000${key}`);
		rows.push([kind, key, subgroup, category]);
	};
	for (const e of mapping.entries) if (e.code) add('code', offenceCodeKey(e.code), e.subgroup, e.category);
	for (const e of mapping.entries) if (e.description) add('description', offenceDescriptionKey(e.description), e.subgroup, e.category);
	for (const s of OFFENCE_SUBGROUPS) add('description', offenceDescriptionKey(s.subgroup), s.subgroup, s.category);
	await runner.exec(
		`CREATE OR REPLACE TABLE ingest_offence_map (match_kind VARCHAR, match_key VARCHAR, subgroup VARCHAR, category VARCHAR);
		 CREATE OR REPLACE TABLE ingest_offence_mapping (id VARCHAR, version VARCHAR, title VARCHAR, file VARCHAR, shipped BOOLEAN)`
	);
	for (let i = 0; i < rows.length; i += 200) {
		const chunk = rows.slice(i, i + 200);
		await runner.exec(`INSERT INTO ingest_offence_map VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`, chunk.flat());
	}
	await runner.exec(`INSERT INTO ingest_offence_mapping VALUES (?, ?, ?, ?, ?)`, [mapping.id, mapping.version, mapping.title, used.file, used.shipped]);
}

/** Load the shipped mapping (what resetIngest does). */
export function loadShippedOffenceCodes(runner: QueryRunner): Promise<void> {
	return loadOffenceCodes(runner, SHIPPED_OFFENCE_CODES, { file: SHIPPED_OFFENCE_CODES_FILE, shipped: true });
}

const kindName = (kind: SourceKind) => kind.replace('-', '_');
/** Per-record outcome of the match for a kind: `ingest_offence_<kind>`. */
const offenceTable = (kind: SourceKind) => ident(`ingest_offence_${kindName(kind)}`);

/** Reason given to a record rejected for an unknown code and no category (the code follows in `raw`). */
export const UNKNOWN_CODE_REASON =
	'unknown offence code and no category: the offence-code mapping does not know this code, so the record has no police.uk category; add the code to a mapping file (--offence-codes, or the mapping file in the import) or give a category column';

/**
 * Match the offence codes of a kind's valid rows (`ingest_valid_<kind>`, left by validateStaged)
 * against `ingest_offence_map`, by code key, else by description key. Rows with no category of
 * their own and a code that matches nothing go to the quarantine (file, line, the code column as
 * named in the file, {@link UNKNOWN_CODE_REASON}, the code). Leaves `ingest_valid_<kind>` as a view
 * of the rows that pass, with `category` taken from the mapping where the row had none and
 * `_offence_subgroup`; the per-row match stays in `ingest_offence_<kind>` for the report.
 * Kinds without an offence-code column get a null `_offence_subgroup`.
 */
export async function applyOffenceCodes(runner: QueryRunner, kind: SourceKind): Promise<void> {
	const k = kindName(kind);
	const valid = ident(`ingest_valid_${k}`);
	const coded = ident(`ingest_coded_${k}`);
	const table = offenceTable(kind);
	await runner.exec(`DROP VIEW IF EXISTS ${coded}; ALTER VIEW ${valid} RENAME TO ${coded.replaceAll('"', '')}`);
	await runner.exec(`CREATE OR REPLACE TEMP TABLE ${table} (source_file VARCHAR, source_line INTEGER, code VARCHAR, own_category BOOLEAN, subgroup VARCHAR, category VARCHAR, matched_by VARCHAR)`);
	if (!OFFENCE_CODE_KINDS.includes(kind)) {
		await runner.exec(`CREATE TEMP VIEW ${valid} AS SELECT *, CAST(NULL AS VARCHAR) AS _offence_subgroup FROM ${coded}`);
		return;
	}
	const code = `trim(v.offence_code)`;
	await runner.exec(
		`INSERT INTO ${table}
		 SELECT v.source_file, v.source_line, ${code}, coalesce(trim(v.category), '') <> '',
		   coalesce(c.subgroup, d.subgroup), coalesce(c.category, d.category),
		   CASE WHEN c.subgroup IS NOT NULL THEN 'code' WHEN d.subgroup IS NOT NULL THEN 'description' END
		 FROM ${coded} v
		 LEFT JOIN ingest_offence_map c ON c.match_kind = 'code' AND c.match_key = ${CODE_KEY_SQL(code)}
		 LEFT JOIN ingest_offence_map d ON d.match_kind = 'description' AND d.match_key = ${DESCRIPTION_KEY_SQL(code)}
		 WHERE ${code} <> ''`
	);
	const [{ n, rejected }] = await runner.rows<{ n: number; rejected: number }>(
		`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT own_category AND subgroup IS NULL)::INTEGER AS rejected FROM ${table}`
	);
	if (n === 0) {
		await runner.exec(`CREATE TEMP VIEW ${valid} AS SELECT *, CAST(NULL AS VARCHAR) AS _offence_subgroup FROM ${coded}`);
		return;
	}
	if (rejected > 0) {
		await runner.exec(
			`INSERT INTO ingest_quarantine
			 SELECT o.source_file, ?, o.source_line, coalesce(h.header, 'offence_code'), ${literal(UNKNOWN_CODE_REASON)}, left(o.code, 500)
			 FROM ${table} o JOIN ingest_files f USING (source_file)
			 LEFT JOIN ingest_headers h ON h.source_file = o.source_file AND h.key = 'offence_code'
			 WHERE NOT o.own_category AND o.subgroup IS NULL
			 ORDER BY f.file_seq, o.source_line`,
			[kind]
		);
	}
	await runner.exec(
		`CREATE TEMP VIEW ${valid} AS
		 SELECT v.* REPLACE (coalesce(NULLIF(trim(v.category), ''), o.category) AS category), o.subgroup AS _offence_subgroup
		 FROM ${coded} v LEFT JOIN ${table} o USING (source_file, source_line)
		 WHERE o.source_file IS NULL OR o.own_category OR o.subgroup IS NOT NULL`
	);
}

/**
 * The manifest's account of offence codes: which mapping was used, per dataset the records with a
 * code and how they matched, and every unknown code (as written, trimmed) with its record count
 * and how many of those were rejected for having no category; most frequent first. Null when no
 * record of any kind carries a code.
 */
export async function offenceCodeReport(runner: QueryRunner): Promise<OffenceCodeReport | null> {
	const union = OFFENCE_CODE_KINDS.map((kind) => `SELECT ${literal(kind)} AS kind, * FROM ${offenceTable(kind)}`).join(' UNION ALL ');
	const per = await runner.rows<{ kind: string; with_code: number; by_code: number; by_description: number; unknown: number; rejected: number }>(
		`SELECT kind, count(*)::INTEGER AS with_code, count(*) FILTER (WHERE matched_by = 'code')::INTEGER AS by_code,
		   count(*) FILTER (WHERE matched_by = 'description')::INTEGER AS by_description,
		   count(*) FILTER (WHERE subgroup IS NULL)::INTEGER AS unknown,
		   count(*) FILTER (WHERE subgroup IS NULL AND NOT own_category)::INTEGER AS rejected
		 FROM (${union}) GROUP BY kind ORDER BY kind`
	);
	if (per.length === 0) return null;
	const unknown = await runner.rows<{ code: string; records: number; rejected: number }>(
		`SELECT code, count(*)::INTEGER AS records, count(*) FILTER (WHERE NOT own_category)::INTEGER AS rejected
		 FROM (${union}) WHERE subgroup IS NULL GROUP BY code ORDER BY records DESC, code`
	);
	const [mapping] = await runner.rows<{ id: string; version: string; title: string; file: string; shipped: boolean }>(`SELECT * FROM ingest_offence_mapping`);
	const records: OffenceCodeReport['records'] = {};
	for (const p of per) {
		const dataset = p.kind === 'events' ? 'events' : 'incidents';
		const prev = records[dataset] ?? { with_code: 0, by_code: 0, by_description: 0, unknown: 0, rejected: 0 };
		records[dataset] = {
			with_code: prev.with_code + p.with_code,
			by_code: prev.by_code + p.by_code,
			by_description: prev.by_description + p.by_description,
			unknown: prev.unknown + p.unknown,
			rejected: prev.rejected + p.rejected
		};
	}
	return { mapping: { ...mapping, shipped: Boolean(mapping.shipped) }, records, unknown };
}

/** Lines for the command line: the mapping, the matches per dataset, and every unknown code with its count. */
export function offenceCodeLines(report: OffenceCodeReport | null | undefined): string[] {
	if (!report) return [];
	const m = report.mapping;
	const lines = [`offence codes: mapping ${m.id} ${m.version} (${m.file})`];
	for (const [dataset, r] of Object.entries(report.records)) {
		if (!r) continue;
		lines.push(
			`offence codes, ${dataset}: ${r.with_code} records with a code: ${r.by_code} matched by code, ${r.by_description} by description, ${r.unknown} unknown (${r.rejected} of them rejected: no category)`
		);
	}
	if (report.unknown.length > 0) {
		lines.push(`offence codes not in the mapping (${report.unknown.length}): code, records, rejected (no category)`);
		for (const u of report.unknown) lines.push(`  ${JSON.stringify(u.code)}  ${u.records}  ${u.rejected}`);
	}
	return lines;
}
