/**
 * The validation rules, run for real: small CSV files made of REAL rows from the City of London
 * sample (2019-03 street and stop-and-search files), each with one field altered to make one
 * kind of bad value, go through the same steps as the extract builder (scanText, detectSource,
 * stageFile, validateStaged, fileAccounts) on a native DuckDB.
 *
 * Every case is checked three ways, all against numbers worked out here from the text of the
 * file (physical line numbers, the header being line 1, as an editor shows them):
 * - the quarantine holds exactly the expected entries (line, column as written, reason, raw);
 * - every other data line is accepted, at its own line number, and the staged values equal the
 *   cells of that line as split by this file's own CSV splitter (so line numbering is proven);
 * - rows in = accepted + rejected, and rows in = the data lines of the file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { detectSource } from './detect';
import { fileAccounts, rejectWholeFile, resetIngest, stageFile, typedSelectSql, validateStaged, type FileAccount } from './pipeline';
import { SOURCE_FORMATS } from './sources';
import { scanText } from './text-scan';

const SAMPLE = 'sample-data/police-uk/city-of-london';

// ---------------------------------------------------------------------------------------------
// Real rows. The sample files hold no quotes, so a plain split on commas reads them.

function fileLines(path: string): string[] {
	const lines = readFileSync(path, 'utf8').split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	return lines;
}

const streetFile = fileLines(`${SAMPLE}/street/2019-03-city-of-london-street.csv`);
const stopFile = fileLines(`${SAMPLE}/stop-and-search/2019-03-city-of-london-stop-and-search.csv`);
const STREET_HEADER = streetFile[0];
const STOP_HEADER = stopFile[0];

/** Canonical keys in the order of the police.uk columns (data README). */
const STREET_KEYS = ['crime_id', 'month', 'reported_by', 'falls_within', 'longitude', 'latitude', 'location', 'lsoa_code', 'lsoa_name', 'crime_type', 'last_outcome_category', 'context'];
const STOP_KEYS = [
	'type', 'date', 'part_of_a_policing_operation', 'policing_operation', 'latitude', 'longitude', 'gender', 'age_range',
	'self_defined_ethnicity', 'officer_defined_ethnicity', 'legislation', 'object_of_search', 'outcome',
	'outcome_linked_to_object_of_search', 'removal_of_more_than_just_outer_clothing'
];
const ST = Object.fromEntries(STREET_KEYS.map((k, i) => [k, i]));
const SS = Object.fromEntries(STOP_KEYS.map((k, i) => [k, i]));

const cellsOf = (line: string) => line.split(',');
const streetRows = streetFile.slice(1);
const CRIMES = streetRows.filter((l) => cellsOf(l)[ST.crime_id] !== '' && cellsOf(l)[ST.longitude] !== '').slice(0, 3);
const ASB = streetRows.filter((l) => cellsOf(l)[ST.crime_type] === 'Anti-social behaviour').slice(0, 2);
const NO_LOCATION = streetRows.find((l) => cellsOf(l)[ST.location] === 'No Location')!;
/** Five real street rows: crime, ASB, crime, ASB, crime (lines 2–6). Edits go to line 4. */
const STREET_BASE = [CRIMES[0], ASB[0], CRIMES[1], ASB[1], CRIMES[2]];
/** Five real stop-and-search rows (lines 2–6); line 4 has coordinates. */
const STOP_BASE = stopFile.slice(1, 6);

/** Quote a cell as RFC 4180 asks when it holds a comma, quote or line break. */
const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** Copy of `rows` with one cell of row `index` replaced (quoted if needed, unless `raw`). */
function edit(rows: readonly string[], index: number, col: number, value: string, raw = false): string[] {
	const out = [...rows];
	const cells = cellsOf(out[index]);
	cells[col] = raw ? value : q(value);
	out[index] = cells.join(',');
	return out;
}

// ---------------------------------------------------------------------------------------------
// This test's own reading of a file: physical lines and an RFC 4180 split of one line.

function splitLine(line: string): string[] {
	const out: string[] = [];
	let cell = '';
	let i = 0;
	let inQuotes = false;
	while (i < line.length) {
		const ch = line[i];
		if (inQuotes) {
			if (ch === '"' && line[i + 1] === '"') (cell += '"'), (i += 2);
			else if (ch === '"') (inQuotes = false), i++;
			else (cell += ch), i++;
		} else if (ch === '"' && cell === '') (inQuotes = true), i++;
		else if (ch === ',') out.push(cell), (cell = ''), i++;
		else (cell += ch), i++;
	}
	out.push(cell);
	return out;
}

/** Physical lines of a file's text (BOM and CR removed), index 0 = line 1. */
function physicalLines(text: string): string[] {
	const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
	if (lines[lines.length - 1] === '') lines.pop();
	return lines;
}

/** Line numbers of the non-empty lines after the header. */
const dataLineNumbers = (text: string) =>
	physicalLines(text)
		.map((l, i) => (i > 0 && l !== '' ? i + 1 : 0))
		.filter((n) => n > 0);

// ---------------------------------------------------------------------------------------------
// The pipeline, step by step as scripts/lib/extracts.ts runs it.

interface QuarantineRow {
	source_file: string;
	source_line: number | null;
	column_name: string | null;
	reason: string;
	raw: string;
}
type Staged = Record<string, string | number | null>;
interface Result {
	accounts: FileAccount[];
	quarantine: QuarantineRow[];
	street: Staged[];
	stop: Staged[];
}

let db: NodeRunner;
let dir: string;
let seq = 0;
beforeAll(async () => {
	db = await createNodeRunner();
	dir = mkdtempSync(join(tmpdir(), 'clearsight-rules-'));
});
afterAll(() => {
	db.close();
	rmSync(dir, { recursive: true, force: true });
});

async function ingest(files: Array<{ name: string; text: string | Uint8Array }>): Promise<Result> {
	const caseDir = join(dir, String(seq++));
	mkdirSync(caseDir);
	await resetIngest(db);
	for (let i = 0; i < files.length; i++) {
		const path = join(caseDir, files[i].name);
		writeFileSync(path, files[i].text);
		const bytes = readFileSync(path);
		const scan = scanText(bytes);
		const detection = detectSource(scan.headerLine, files[i].name);
		if (!detection.ok) {
			await rejectWholeFile(db, {
				file: files[i].name,
				fileSeq: i,
				kind: 'unknown',
				reason: detection.issue.message,
				column: detection.issue.column,
				dataLines: scan.dataLines,
				raw: scan.headerLine
			});
			continue;
		}
		await stageFile(db, { source: path, file: files[i].name, fileSeq: i, detection, blankLines: scan.blankLines, lineShifts: scan.lineShifts });
	}
	for (const format of SOURCE_FORMATS) await validateStaged(db, format.kind);
	return {
		accounts: await fileAccounts(db),
		quarantine: (await db.rows(
			`SELECT source_file, source_line, column_name, reason, raw FROM ingest_quarantine ORDER BY source_file, source_line`
		)) as unknown as QuarantineRow[],
		street: await db.rows(`SELECT * FROM ingest_valid_street ORDER BY source_file, source_line`),
		stop: await db.rows(`SELECT * FROM ingest_valid_stop_search ORDER BY source_file, source_line`)
	};
}

/**
 * The checks every case shares: the accepted lines are exactly the data lines minus the
 * rejected ones, each accepted row's values are the cells of its line, and the account adds up.
 */
function expectAccounted(result: Result, files: Array<{ name: string; text: string }>, kind: 'street' | 'stop') {
	const keys = kind === 'street' ? STREET_KEYS : STOP_KEYS;
	const staged = kind === 'street' ? result.street : result.stop;
	for (const { name, text } of files) {
		const lines = physicalLines(text);
		const data = dataLineNumbers(text);
		const rejected = result.quarantine.filter((r) => r.source_file === name).map((r) => r.source_line);
		const rows = staged.filter((r) => r.source_file === name);
		expect(rows.map((r) => r.source_line), `${name}: accepted lines`).toEqual(data.filter((n) => !rejected.includes(n)));
		for (const row of rows) {
			const cells = splitLine(lines[(row.source_line as number) - 1]);
			expect(keys.map((k) => row[k] ?? ''), `${name} line ${row.source_line}`).toEqual(cells);
		}
		const account = result.accounts.find((a) => a.file === name)!;
		expect(account.rows_in).toBe(data.length);
		expect(account.accepted).toBe(rows.length);
		expect(account.rejected).toBe(rejected.length);
		expect(account.rows_in).toBe(account.accepted + account.rejected);
	}
}

const asText = (header: string, rows: readonly string[], eol = '\n') => [header, ...rows].join(eol) + eol;

// ---------------------------------------------------------------------------------------------

describe('fixture rows are real and as expected', () => {
	it('3 crimes with Crime ID and location, 2 ASB rows, 1 row without location, 5 stop-and-search rows', () => {
		expect(CRIMES).toHaveLength(3);
		expect(ASB).toHaveLength(2);
		expect(cellsOf(NO_LOCATION)[ST.longitude]).toBe('');
		expect(STOP_BASE).toHaveLength(5);
		expect(cellsOf(STOP_BASE[2])[SS.latitude]).not.toBe('');
		for (const r of [...STREET_BASE, NO_LOCATION]) expect(cellsOf(r)).toHaveLength(12);
		for (const r of STOP_BASE) expect(cellsOf(r)).toHaveLength(15);
	});

	it('the unaltered rows are all accepted at lines 2–6', async () => {
		const files = [{ name: 'f.csv', text: asText(STREET_HEADER, STREET_BASE) }];
		const result = await ingest(files);
		expect(result.quarantine).toEqual([]);
		expectAccounted(result, files, 'street');
		expect(result.street.map((r) => r.source_line)).toEqual([2, 3, 4, 5, 6]);
	});
});

interface BadValueCase {
	name: string;
	kind: 'street' | 'stop';
	header?: string;
	rows: string[];
	line: number;
	column: string | null;
	reason: string;
	raw?: string;
}

const SNAKE_STREET = STREET_KEYS.join(',');
const UPPER_STOP = STOP_HEADER.toUpperCase();
const crimeId = (row: string) => cellsOf(row)[ST.crime_id];
const lon1 = cellsOf(CRIMES[1])[ST.longitude];
const lat1 = cellsOf(CRIMES[1])[ST.latitude];

const BAD_VALUES: BadValueCase[] = [
	// Month
	{ name: 'month 2019-13', kind: 'street', rows: edit(STREET_BASE, 2, ST.month, '2019-13'), line: 4, column: 'Month', reason: 'month is not a calendar month', raw: '2019-13' },
	{ name: 'month 19-04', kind: 'street', rows: edit(STREET_BASE, 2, ST.month, '19-04'), line: 4, column: 'Month', reason: 'month is not a calendar month', raw: '19-04' },
	{ name: 'blank month', kind: 'street', rows: edit(STREET_BASE, 2, ST.month, ''), line: 4, column: 'Month', reason: 'missing month' },
	{ name: 'blank month, snake_case header', kind: 'street', header: SNAKE_STREET, rows: edit(STREET_BASE, 3, ST.month, ''), line: 5, column: 'month', reason: 'missing month' },
	// Coordinates
	{ name: 'longitude 200', kind: 'street', rows: edit(STREET_BASE, 2, ST.longitude, '200'), line: 4, column: 'Longitude', reason: 'longitude out of range', raw: '200' },
	{ name: 'longitude 200, snake_case header', kind: 'street', header: SNAKE_STREET, rows: edit(STREET_BASE, 2, ST.longitude, '200'), line: 4, column: 'longitude', reason: 'longitude out of range', raw: '200' },
	{ name: 'latitude "abc"', kind: 'street', rows: edit(STREET_BASE, 2, ST.latitude, 'abc'), line: 4, column: 'Latitude', reason: 'latitude is not a number', raw: 'abc' },
	{
		name: 'latitude and longitude swapped (outside the UK)',
		kind: 'street',
		rows: edit(edit(STREET_BASE, 2, ST.longitude, lat1), 2, ST.latitude, lon1),
		line: 4,
		column: 'Longitude',
		reason: 'location outside the United Kingdom',
		raw: lat1
	},
	{ name: 'longitude without latitude', kind: 'street', rows: edit(STREET_BASE, 2, ST.latitude, ''), line: 4, column: 'Latitude', reason: 'longitude given without latitude' },
	{ name: 'latitude without longitude', kind: 'street', rows: edit(STREET_BASE, 2, ST.longitude, ''), line: 4, column: 'Longitude', reason: 'latitude given without longitude' },
	// Category and Crime ID
	{ name: 'unknown category "Burglery"', kind: 'street', rows: edit(STREET_BASE, 2, ST.crime_type, 'Burglery'), line: 4, column: 'Crime type', reason: 'unknown crime type', raw: 'Burglery' },
	{ name: 'blank Crime ID on a crime', kind: 'street', rows: edit(STREET_BASE, 2, ST.crime_id, ''), line: 4, column: 'Crime ID', reason: 'missing Crime ID' },
	{
		name: 'duplicate Crime ID within a file',
		kind: 'street',
		rows: edit(STREET_BASE, 2, ST.crime_id, crimeId(CRIMES[0])),
		line: 4,
		column: 'Crime ID',
		reason: 'duplicate Crime ID: already at f.csv line 2 (the first is kept)',
		raw: crimeId(CRIMES[0])
	},
	// Structure
	{ name: 'too many columns', kind: 'street', rows: STREET_BASE.map((r, i) => (i === 2 ? `${r},extra` : r)), line: 4, column: null, reason: 'too many columns: expected 12, found 13', raw: `${CRIMES[1]},extra` },
	{
		name: 'unterminated quote on the last line',
		kind: 'street',
		rows: edit(STREET_BASE, 4, ST.location, `"${cellsOf(CRIMES[2])[ST.location]}`, true),
		line: 6,
		column: 'Location',
		reason: 'unterminated or stray quote'
	},
	// Formula-like cells
	{
		name: 'Location =HYPERLINK(…)',
		kind: 'street',
		rows: edit(STREET_BASE, 2, ST.location, '=HYPERLINK("http://example.com","On or near X")'),
		line: 4,
		column: 'Location',
		reason: 'formula-like value',
		raw: '=HYPERLINK("http://example.com","On or near X")'
	},
	{ name: 'Location @SUM(1)', kind: 'street', rows: edit(STREET_BASE, 2, ST.location, '@SUM(1)'), line: 4, column: 'Location', reason: 'formula-like value', raw: '@SUM(1)' },
	{ name: 'Location +1+1', kind: 'street', rows: edit(STREET_BASE, 2, ST.location, '+1+1'), line: 4, column: 'Location', reason: 'formula-like value', raw: '+1+1' },
	{ name: 'Location -cmd', kind: 'street', rows: edit(STREET_BASE, 1, ST.location, '-cmd|x'), line: 3, column: 'Location', reason: 'formula-like value', raw: '-cmd|x' },
	{ name: 'Context starting with a tab', kind: 'street', rows: edit(STREET_BASE, 2, ST.context, '\t=1'), line: 4, column: 'Context', reason: 'formula-like value', raw: '\t=1' },
	// Stop and search
	{ name: 'stop: date without offset', kind: 'stop', rows: edit(STOP_BASE, 2, SS.date, '2019-03-01T09:45:25'), line: 4, column: 'Date', reason: 'date is not ISO 8601 with a UTC offset', raw: '2019-03-01T09:45:25' },
	{ name: 'stop: 30 February', kind: 'stop', rows: edit(STOP_BASE, 2, SS.date, '2019-02-30T09:45:25+00:00'), line: 4, column: 'Date', reason: 'date does not exist in the calendar', raw: '2019-02-30T09:45:25+00:00' },
	{ name: 'stop: hour 25', kind: 'stop', rows: edit(STOP_BASE, 2, SS.date, '2019-03-01T25:45:25+00:00'), line: 4, column: 'Date', reason: 'date does not exist in the calendar' },
	{ name: 'stop: free-text date', kind: 'stop', rows: edit(STOP_BASE, 2, SS.date, 'last Tuesday'), line: 4, column: 'Date', reason: 'date is not ISO 8601 with a UTC offset', raw: 'last Tuesday' },
	{ name: 'stop: free-text date, UPPER header', kind: 'stop', header: UPPER_STOP, rows: edit(STOP_BASE, 2, SS.date, 'last Tuesday'), line: 4, column: 'DATE', reason: 'date is not ISO 8601 with a UTC offset' },
	{ name: 'stop: unknown type', kind: 'stop', rows: edit(STOP_BASE, 2, SS.type, 'Car search'), line: 4, column: 'Type', reason: 'unknown search type', raw: 'Car search' },
	{
		name: 'stop: boolean "Yes"',
		kind: 'stop',
		rows: edit(STOP_BASE, 2, SS.outcome_linked_to_object_of_search, 'Yes'),
		line: 4,
		column: 'Outcome linked to object of search',
		reason: 'Outcome linked to object of search: expected True or False',
		raw: 'Yes'
	},
	{ name: 'stop: latitude 95', kind: 'stop', rows: edit(STOP_BASE, 2, SS.latitude, '95'), line: 4, column: 'Latitude', reason: 'latitude out of range', raw: '95' },
	{ name: 'stop: Outcome =1+1', kind: 'stop', rows: edit(STOP_BASE, 3, SS.outcome, '=1+1'), line: 5, column: 'Outcome', reason: 'formula-like value', raw: '=1+1' }
];

describe('one bad value: that line is rejected, every other line accepted', () => {
	it.each(BAD_VALUES)('$name → line $line, column $column', async (c) => {
		const header = c.header ?? (c.kind === 'street' ? STREET_HEADER : STOP_HEADER);
		const files = [{ name: 'f.csv', text: asText(header, c.rows) }];
		const result = await ingest(files);
		expect(result.quarantine).toHaveLength(1);
		const [entry] = result.quarantine;
		expect(entry.source_file).toBe('f.csv');
		expect(entry.source_line).toBe(c.line);
		expect(entry.column_name).toBe(c.column);
		expect(entry.reason).toContain(c.reason);
		if (c.raw !== undefined) expect(entry.raw).toBe(c.raw);
		expectAccounted(result, files, c.kind);
	});
});

describe('values that look odd but are valid are accepted', () => {
	const cases: Array<{ name: string; kind: 'street' | 'stop'; rows: string[] }> = [
		{ name: 'negative longitude -0.1', kind: 'street', rows: edit(STREET_BASE, 2, ST.longitude, '-0.1') },
		{ name: 'Location "-0.1" (a number, not a formula)', kind: 'street', rows: edit(STREET_BASE, 2, ST.location, '-0.1') },
		{ name: 'quoted comma inside Location', kind: 'street', rows: edit(STREET_BASE, 2, ST.location, 'On or near Fleet Street, Temple') },
		{ name: 'doubled quotes inside Location', kind: 'street', rows: edit(STREET_BASE, 2, ST.location, 'On or near "The Strand"') },
		{ name: 'a stray quote inside an unquoted value is kept', kind: 'street', rows: edit(STREET_BASE, 2, ST.location, 'On or near Fle"et Street', true) },
		{ name: 'only ASB rows, all without Crime ID', kind: 'street', rows: [...ASB, ...streetRows.filter((l) => cellsOf(l)[ST.crime_type] === 'Anti-social behaviour').slice(2, 5)] },
		{ name: 'a row without location', kind: 'street', rows: [CRIMES[0], NO_LOCATION, CRIMES[1]] },
		{ name: 'stop: lower-case booleans and a Z offset', kind: 'stop', rows: edit(edit(STOP_BASE, 2, SS.outcome_linked_to_object_of_search, 'true'), 3, SS.date, '2019-03-02T06:15:16Z') }
	];
	it.each(cases)('$name', async ({ kind, rows }) => {
		const files = [{ name: 'f.csv', text: asText(kind === 'street' ? STREET_HEADER : STOP_HEADER, rows) }];
		const result = await ingest(files);
		expect(result.quarantine).toEqual([]);
		expectAccounted(result, files, kind);
	});

	it('the quoted value reaches the staging table intact', async () => {
		const result = await ingest([{ name: 'f.csv', text: asText(STREET_HEADER, edit(STREET_BASE, 2, ST.location, 'On or near Fleet Street, "Temple"')) }]);
		expect(result.street.find((r) => r.source_line === 4)!.location).toBe('On or near Fleet Street, "Temple"');
	});

	it('a row without location has null coordinates and LSOA in the typed rows', async () => {
		await ingest([{ name: 'f.csv', text: asText(STREET_HEADER, [CRIMES[0], NO_LOCATION, CRIMES[1]]) }]);
		const rows = await db.rows(`SELECT source_line, longitude, latitude, lsoa_code, location, category FROM (${typedSelectSql('street')}) ORDER BY source_line`);
		expect(rows.map((r) => r.source_line)).toEqual([2, 3, 4]);
		expect(rows[1]).toEqual({ source_line: 3, longitude: null, latitude: null, lsoa_code: null, location: 'No Location', category: cellsOf(NO_LOCATION)[ST.crime_type] });
		expect(rows[0].longitude).toBe(Number(cellsOf(CRIMES[0])[ST.longitude]));
	});
});

describe('ragged rows', () => {
	it.each([
		{ name: 'one cell short', row: cellsOf(CRIMES[1]).slice(0, 11).join(','), found: 11 },
		{ name: 'two cells', row: cellsOf(CRIMES[1]).slice(0, 2).join(','), found: 2 },
		{ name: 'two cells too many', row: `${CRIMES[1]},a,b`, found: 14 }
	])('$name → line 4, "expected 12, found $found"', async ({ row, found }) => {
		const rows = [...STREET_BASE];
		rows[2] = row;
		const files = [{ name: 'f.csv', text: asText(STREET_HEADER, rows) }];
		const result = await ingest(files);
		expect(result.quarantine).toHaveLength(1);
		expect(result.quarantine[0]).toMatchObject({ source_line: 4, raw: row });
		expect(result.quarantine[0].reason).toContain(`expected 12, found ${found}`);
		expect(result.quarantine[0].reason).toMatch(found < 12 ? /^too few columns/ : /^too many columns/);
		expectAccounted(result, files, 'street');
	});

	it('a row with too few columns names the first column that is missing', async () => {
		// "x,y"-like row with 2 of 12 cells: the first absent column is the 3rd, "Reported by".
		const rows = [...STREET_BASE];
		rows[2] = cellsOf(CRIMES[1]).slice(0, 2).join(',');
		const result = await ingest([{ name: 'f.csv', text: asText(STREET_HEADER, rows) }]);
		expect(result.quarantine[0].column_name).toBe('Reported by');
	});
});

describe('line numbers survive BOM, CRLF, blank lines and rejected lines', () => {
	const bad = (rows: string[], i: number) => edit(rows, i, ST.month, '2019-13');
	const cases: Array<{ name: string; text: string; rejected: number[] }> = [
		{ name: 'BOM + CRLF, bad month on line 4', text: '\uFEFF' + asText(STREET_HEADER, bad(STREET_BASE, 2), '\r\n'), rejected: [4] },
		{
			name: 'one blank line in the middle (line 4), bad month on line 6',
			text: asText(STREET_HEADER, bad([STREET_BASE[0], STREET_BASE[1], '', STREET_BASE[2], STREET_BASE[3], STREET_BASE[4]], 4)),
			rejected: [6]
		},
		{
			name: 'two blank lines together (lines 3–4), bad month on line 6',
			text: asText(STREET_HEADER, bad([STREET_BASE[0], '', '', STREET_BASE[1], STREET_BASE[2], STREET_BASE[3]], 4)),
			rejected: [6]
		},
		{
			name: 'BOM + CRLF with two blank lines together',
			text: '\uFEFF' + asText(STREET_HEADER, bad([STREET_BASE[0], '', '', STREET_BASE[1], STREET_BASE[2], STREET_BASE[3]], 4), '\r\n'),
			rejected: [6]
		},
		{
			name: 'two ragged rows together (lines 3–4), then good rows',
			text: asText(STREET_HEADER, [STREET_BASE[0], 'x,y', 'x,y,z', STREET_BASE[1], STREET_BASE[2]]),
			rejected: [3, 4]
		},
		{
			name: 'a ragged row, a blank line, a bad month',
			text: asText(STREET_HEADER, bad([STREET_BASE[0], 'x,y', '', STREET_BASE[1], STREET_BASE[2], STREET_BASE[3]], 4)),
			rejected: [3, 6]
		},
		{
			name: 'blank lines at the end',
			text: asText(STREET_HEADER, bad(STREET_BASE, 4)) + '\n\n',
			rejected: [6]
		}
	];
	it.each(cases)('$name', async ({ text, rejected }) => {
		const files = [{ name: 'f.csv', text }];
		const result = await ingest(files);
		expect(result.quarantine.map((r) => r.source_line)).toEqual(rejected);
		expectAccounted(result, files, 'street');
	});

	it('a quoted value spanning two lines: later lines keep their physical numbers', async () => {
		// 1 header, 2 row, 3–4 one record over two lines, 5 ragged, 6 row, 7 blank, 8 row
		const twoLine = edit([CRIMES[1]], 0, ST.location, 'On or near Fleet Street\nTemple')[0];
		const text = asText(STREET_HEADER, [CRIMES[0], twoLine, 'x,y', ASB[0], '', CRIMES[2]]);
		const result = await ingest([{ name: 'f.csv', text }]);
		expect(result.quarantine.map((r) => r.source_line)).toEqual([5]);
		expect(result.street.map((r) => [r.source_line, r.crime_id ?? r.location])).toEqual([
			[2, crimeId(CRIMES[0])],
			[3, crimeId(CRIMES[1])],
			[6, cellsOf(ASB[0])[ST.location]],
			[8, crimeId(CRIMES[2])]
		]);
	});
});

describe('encoding and quotes', () => {
	it('a Latin-1 byte (0xE9) in a location rejects that line with "UTF-8" in the reason', async () => {
		const rows = edit(STREET_BASE, 2, ST.location, 'On or near Caf\u00e9 Royal');
		const text = asText(STREET_HEADER, rows);
		const result = await ingest([{ name: 'f.csv', text: Buffer.from(text, 'latin1') }]);
		expect(result.quarantine).toHaveLength(1);
		expect(result.quarantine[0]).toMatchObject({ source_line: 4, column_name: 'Location' });
		expect(result.quarantine[0].reason).toContain('UTF-8');
		expectAccounted(result, [{ name: 'f.csv', text }], 'street');
	});

	it('an unterminated quote mid-file: the rest of the file is one rejected record, its raw text kept', async () => {
		const rows = edit(STREET_BASE, 2, ST.location, `"${cellsOf(CRIMES[1])[ST.location]}`, true);
		const result = await ingest([{ name: 'f.csv', text: asText(STREET_HEADER, rows) }]);
		expect(result.quarantine).toHaveLength(1);
		expect(result.quarantine[0]).toMatchObject({ source_line: 4, column_name: 'Location', reason: 'unterminated or stray quote' });
		// The quoted value runs to the end of the file, so lines 4–6 are one record (RFC 4180
		// reads it so too): 3 records in, not 5 lines. The raw text starts at line 4 and is cut
		// at 500 characters, here after the start of line 5.
		expect(result.quarantine[0].raw.startsWith(rows[2])).toBe(true);
		expect(result.quarantine[0].raw).toContain(STREET_BASE[3]);
		expect(result.quarantine[0].raw.length).toBeLessThanOrEqual(500);
		expect(result.street.map((r) => r.source_line)).toEqual([2, 3]);
		const [account] = result.accounts;
		expect([account.rows_in, account.accepted, account.rejected]).toEqual([3, 2, 1]);
	});
});

describe('duplicate Crime IDs', () => {
	// Two real rows of the 2019-09 file share a Crime ID (lines 646 and 648).
	const sep = fileLines(`${SAMPLE}/street/2019-09-city-of-london-street.csv`);
	const realPair = sep.slice(645, 648); // lines 646, 647, 648

	it('the real pair is the same Crime ID', () => {
		expect(crimeId(realPair[0])).toBe(crimeId(realPair[2]));
		expect(crimeId(realPair[0])).not.toBe(crimeId(realPair[1]));
	});

	it('within a file (real pair): the second is rejected, naming the first line', async () => {
		const files = [{ name: 'sep.csv', text: asText(STREET_HEADER, [ASB[0], ...realPair]) }];
		const result = await ingest(files);
		expect(result.quarantine).toEqual([
			{
				source_file: 'sep.csv',
				source_line: 5,
				column_name: 'Crime ID',
				reason: 'duplicate Crime ID: already at sep.csv line 3 (the first is kept)',
				raw: crimeId(realPair[0])
			}
		]);
		expectAccounted(result, files, 'street');
		expect(result.accounts[0].reasons).toEqual([{ reason: 'duplicate Crime ID', count: 1 }]);
	});

	it.each([
		{ order: ['a.csv', 'b.csv'], kept: 'a.csv', rejected: { file: 'b.csv', line: 3 }, first: 'a.csv line 4' },
		{ order: ['b.csv', 'a.csv'], kept: 'b.csv', rejected: { file: 'a.csv', line: 4 }, first: 'b.csv line 3' }
	])('across files, input order $order: the later one is rejected, naming $first', async ({ order, rejected, first }) => {
		const a = { name: 'a.csv', text: asText(STREET_HEADER, STREET_BASE) };
		// b.csv: real rows of another month, its line 3 carrying the Crime ID of a.csv line 4.
		const april = fileLines(`${SAMPLE}/street/2019-04-city-of-london-street.csv`).slice(1, 4);
		const b = { name: 'b.csv', text: asText(STREET_HEADER, edit(april, 1, ST.crime_id, crimeId(CRIMES[1]))) };
		const files = order.map((n) => (n === 'a.csv' ? a : b));
		const result = await ingest(files);
		expect(result.quarantine).toEqual([
			{
				source_file: rejected.file,
				source_line: rejected.line,
				column_name: 'Crime ID',
				reason: `duplicate Crime ID: already at ${first} (the first is kept)`,
				raw: crimeId(CRIMES[1])
			}
		]);
		expectAccounted(result, files, 'street');
	});

	it('a blank Crime ID on ASB rows is never a duplicate', async () => {
		const files = [{ name: 'f.csv', text: asText(STREET_HEADER, [ASB[0], ASB[1], ASB[0]]) }];
		const result = await ingest(files);
		expect(result.quarantine).toEqual([]);
		expectAccounted(result, files, 'street');
	});
});

describe('whole-file rejection', () => {
	it.each([
		{ name: 'unrecognised header', header: 'foo,bar,baz', reason: 'unrecognised header' },
		{ name: 'street header without Crime type', header: cellsOf(STREET_HEADER).filter((c) => c !== 'Crime type').join(','), reason: 'lacks column "Crime type"' }
	])('$name: the file is rejected with its data-line count', async ({ header, reason }) => {
		// 5 data lines and one blank line, which is not a data line.
		const text = asText(header, [STREET_BASE[0], STREET_BASE[1], '', STREET_BASE[2], STREET_BASE[3], STREET_BASE[4]]);
		const result = await ingest([
			{ name: 'bad.csv', text },
			{ name: 'good.csv', text: asText(STREET_HEADER, STREET_BASE) }
		]);
		const bad = result.accounts.find((a) => a.file === 'bad.csv')!;
		expect(bad).toMatchObject({ kind: 'unknown', rows_in: 5, accepted: 0, rejected: 5 });
		expect(bad.file_error).toContain(reason);
		expect(bad.file_error).toContain('(all 5 data lines rejected)');
		expect(bad.reasons).toEqual([{ reason: bad.file_error, count: 5 }]);
		expect(result.quarantine.filter((r) => r.source_file === 'bad.csv')).toEqual([
			{ source_file: 'bad.csv', source_line: null, column_name: null, reason: bad.file_error, raw: header }
		]);
		const good = result.accounts.find((a) => a.file === 'good.csv')!;
		expect(good).toMatchObject({ rows_in: 5, accepted: 5, rejected: 0, file_error: null });
	});
});
