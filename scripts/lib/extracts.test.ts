/**
 * The extract builder end to end on the shipped City of London sample, checked against numbers
 * this test works out INDEPENDENTLY from the raw CSV bytes with its own RFC 4180 reader: rows
 * per file, duplicate Crime IDs (first occurrence kept, input order), counts per category,
 * checksums, local time from the platform's Europe/London time-zone data, H3 cells from h3-js,
 * LSOA codes from the boundary file's own attribute table. Then builds over bad inputs, and the
 * command line's exit codes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { latLngToCell } from 'h3-js';
import * as shapefile from 'shapefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { buildExtracts } from './extracts';
import { BASE_DATASETS } from './base-database';
import { createNodeRunner } from './node-runner';
import { SAMPLE_AREAS, SAMPLE_INPUTS } from './sample';
import { col, readArrow } from './extract-test-utils';

// ---------------------------------------------------------------------------------------------
// The test's own reading of the raw files.

interface RawRecord {
	/** Physical line the record starts on, the header being line 1. */
	line: number;
	cells: string[];
	/** The record's text without its line ending. */
	text: string;
}

/**
 * RFC 4180: records end at LF or CRLF outside quotes; `""` inside quotes is a quote; quoted
 * fields may hold commas and line breaks. Empty lines hold no record. Returns header and data.
 */
function readCsv(bytes: Buffer): { header: string[]; records: RawRecord[] } {
	const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
	const all: RawRecord[] = [];
	let cells: string[] = [];
	let cell = '';
	let quoted = false;
	let line = 1;
	let startLine = 1;
	let start = 0;
	const endRecord = (at: number) => {
		cells.push(cell);
		const raw = text.slice(start, at).replace(/\r$/, '');
		if (!(cells.length === 1 && raw === '')) all.push({ line: startLine, cells, text: raw });
		cells = [];
		cell = '';
	};
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
			else if (ch === '"') quoted = false;
			else {
				if (ch === '\n') line++;
				cell += ch;
			}
		} else if (ch === '"') quoted = true;
		else if (ch === ',') cells.push(cell), (cell = '');
		else if (ch === '\n') {
			endRecord(i);
			line++;
			startLine = line;
			start = i + 1;
		} else if (ch === '\r' && text[i + 1] === '\n') continue;
		else cell += ch;
	}
	if (start < text.length) endRecord(text.length);
	const [header, ...records] = all;
	return { header: header?.cells ?? [], records };
}

const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface RawFile {
	name: string;
	path: string;
	bytes: Buffer;
	header: string[];
	records: RawRecord[];
	byLine: Map<number, RawRecord>;
}

function rawFolder(folder: string): RawFile[] {
	return readdirSync(folder)
		.filter((n) => n.endsWith('.csv'))
		.sort()
		.map((name) => {
			const path = join(folder, name);
			const bytes = readFileSync(path);
			const { header, records } = readCsv(bytes);
			return { name, path, bytes, header, records, byLine: new Map(records.map((r) => [r.line, r])) };
		});
}

/** Column of a raw record by its police.uk header. */
const cell = (file: RawFile, record: RawRecord, header: string) => record.cells[file.header.indexOf(header)];

const LONDON = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	weekday: 'short',
	hourCycle: 'h23'
});
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
function londonOf(ms: number) {
	const p = Object.fromEntries(LONDON.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
	return { date: `${p.year}-${p.month}-${p.day}`, month: `${p.year}-${p.month}`, hourOfWeek: WEEKDAYS.indexOf(p.weekday) * 24 + Number(p.hour) };
}

// ---------------------------------------------------------------------------------------------
// The sample build, once.

const STREET = rawFolder(SAMPLE_INPUTS[0]);
const STOP = rawFolder(SAMPLE_INPUTS[1]);
/** Input order as the builder promises it: the street folder, then stop and search, by name. */
const INPUT_ORDER = [...STREET, ...STOP];

/** Duplicate Crime IDs found here: every occurrence after the first, in input order. */
const DUPLICATES = (() => {
	const first = new Map<string, { file: string; line: number }>();
	const later: Array<{ file: string; line: number; id: string; first: { file: string; line: number } }> = [];
	for (const f of STREET) {
		for (const r of f.records) {
			const id = cell(f, r, 'Crime ID');
			if (id === '') continue;
			const seen = first.get(id);
			if (seen) later.push({ file: f.name, line: r.line, id, first: seen });
			else first.set(id, { file: f.name, line: r.line });
		}
	}
	return later;
})();
const isDuplicate = new Set(DUPLICATES.map((d) => `${d.file}:${d.line}`));

let out: string;
let manifest: ExtractManifest;
let incidents: Table;
let stopSearch: Table;

beforeAll(async () => {
	out = mkdtempSync(join(tmpdir(), 'clearsight-extracts-'));
	({ manifest } = await buildExtracts({ inputs: SAMPLE_INPUTS, out, areas: SAMPLE_AREAS }));
	incidents = await readArrow(out, 'incidents');
	stopSearch = await readArrow(out, 'stop_search');
}, 120_000);

afterAll(() => {
	if (out) rmSync(out, { recursive: true, force: true });
});

describe('the sample as this test reads it', () => {
	it('24 street and 24 stop-and-search files with the documented headers, all records full width', () => {
		expect(STREET).toHaveLength(24);
		expect(STOP).toHaveLength(24);
		for (const f of STREET) for (const r of f.records) expect(r.cells).toHaveLength(12);
		for (const f of STOP) for (const r of f.records) expect(r.cells).toHaveLength(15);
		expect(STREET[0].header.join(',')).toBe(
			'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context'
		);
	});

	it('holds repeated Crime IDs (so the duplicate rule is exercised)', () => {
		expect(DUPLICATES.length).toBeGreaterThan(0);
	});
});

describe('(a) rows in, per file', () => {
	it('every input file has a source entry, in input order', () => {
		expect(manifest.sources.map((s) => s.file)).toEqual(INPUT_ORDER.map((f) => f.name));
	});

	it('rows_in equals the data rows of the raw file, and rows_in = accepted + rejected', () => {
		for (const f of INPUT_ORDER) {
			const s = manifest.sources.find((x) => x.file === f.name)!;
			expect(s.rows_in, f.name).toBe(f.records.length);
			expect(s.accepted + s.rejected, f.name).toBe(s.rows_in);
			expect(s.file_error, f.name).toBeNull();
		}
		const t = manifest.totals;
		expect(t.rows_in).toBe(INPUT_ORDER.reduce((n, f) => n + f.records.length, 0));
		expect(t.accepted + t.rejected).toBe(t.rows_in);
	});

	it('the kind of each file is detected', () => {
		for (const f of STREET) expect(manifest.sources.find((s) => s.file === f.name)!.kind).toBe('street');
		for (const f of STOP) expect(manifest.sources.find((s) => s.file === f.name)!.kind).toBe('stop-search');
	});

	it('each source’s date_range is the first and last month of its accepted raw rows (street: Month; stop and search: Date in London)', () => {
		for (const f of INPUT_ORDER) {
			const street = STREET.includes(f);
			const months = f.records
				.filter((r) => !isDuplicate.has(`${f.name}:${r.line}`))
				.map((r) => (street ? cell(f, r, 'Month') : londonOf(Date.parse(cell(f, r, 'Date'))).month))
				.sort();
			const s = manifest.sources.find((x) => x.file === f.name)!;
			expect(s.date_range, f.name).toEqual(months.length ? { first: months[0], last: months.at(-1) } : null);
		}
		// Each file has its own range: the 24 monthly files of each kind start in 24 different months.
		expect(new Set(manifest.sources.map((s) => s.date_range?.first)).size).toBe(24);
	});
});

describe('(b, c) incidents: raw street rows minus duplicate Crime IDs', () => {
	it('total accepted street rows = raw rows − duplicates found here', () => {
		const raw = STREET.reduce((n, f) => n + f.records.length, 0);
		expect(incidents.numRows).toBe(raw - DUPLICATES.length);
		const accepted = manifest.sources.filter((s) => s.kind === 'street').reduce((n, s) => n + s.accepted, 0);
		expect(accepted).toBe(raw - DUPLICATES.length);
	});

	it('per file: accepted = raw rows − that file’s duplicates; every stop-and-search row accepted', () => {
		for (const f of STREET) {
			const s = manifest.sources.find((x) => x.file === f.name)!;
			const dups = DUPLICATES.filter((d) => d.file === f.name).length;
			expect([s.accepted, s.rejected], f.name).toEqual([f.records.length - dups, dups]);
		}
		for (const f of STOP) {
			const s = manifest.sources.find((x) => x.file === f.name)!;
			expect([s.accepted, s.rejected], f.name).toEqual([f.records.length, 0]);
		}
		expect(stopSearch.numRows).toBe(STOP.reduce((n, f) => n + f.records.length, 0));
	});

	it('counts per category equal the raw counts minus duplicates; all 14 categories occur', () => {
		const want = new Map<string, number>();
		for (const f of STREET) {
			for (const r of f.records) {
				if (isDuplicate.has(`${f.name}:${r.line}`)) continue;
				const c = cell(f, r, 'Crime type');
				want.set(c, (want.get(c) ?? 0) + 1);
			}
		}
		const got = new Map<string, number>();
		for (const c of col<string>(incidents, 'category')) got.set(c, (got.get(c) ?? 0) + 1);
		expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
		expect(got.size).toBe(14);
	});

	it('every incident row is the raw record at its source_file and source_line', () => {
		const byName = new Map(STREET.map((f) => [f.name, f]));
		const [files, lines, ids, categories, lons, lats, locations, lsoas, months] = [
			'source_file', 'source_line', 'crime_id', 'category', 'longitude', 'latitude', 'location', 'lsoa_code', 'month'
		].map((c) => col(incidents, c));
		const bad: string[] = [];
		for (let i = 0; i < incidents.numRows; i++) {
			const f = byName.get(files[i] as string)!;
			const r = f.byLine.get(lines[i] as number);
			const num = (v: string) => (v === '' ? null : Number(v));
			const same =
				r !== undefined &&
				!isDuplicate.has(`${f.name}:${r.line}`) &&
				(ids[i] ?? '') === cell(f, r, 'Crime ID') &&
				categories[i] === cell(f, r, 'Crime type') &&
				lons[i] === num(cell(f, r, 'Longitude')) &&
				lats[i] === num(cell(f, r, 'Latitude')) &&
				locations[i] === cell(f, r, 'Location') &&
				(lsoas[i] ?? '') === cell(f, r, 'LSOA code') &&
				months[i] === cell(f, r, 'Month');
			if (!same) bad.push(`${files[i]}:${lines[i]}`);
		}
		expect(bad).toEqual([]);
		// and each raw record appears once
		expect(new Set(files.map((f, i) => `${f}:${lines[i]}`)).size).toBe(incidents.numRows);
	});
});

describe('(d) quarantine', () => {
	it('holds exactly the duplicates found here, each naming the first occurrence', async () => {
		const q = await readArrow(out, 'quarantine');
		const rows = col<string>(q, 'source_file').map((file, i) => ({
			file,
			line: col<number | null>(q, 'source_line')[i],
			column: col<string>(q, 'column_name')[i],
			reason: col<string>(q, 'reason')[i],
			raw: col<string>(q, 'raw')[i]
		}));
		const key = (x: { file: string; line: number | null }) => `${x.file}:${x.line}`;
		expect(rows.map(key).sort()).toEqual(DUPLICATES.map(key).sort());
		for (const d of DUPLICATES) {
			const row = rows.find((r) => key(r) === key(d))!;
			expect(row).toEqual({
				file: d.file,
				line: d.line,
				column: 'Crime ID',
				reason: `duplicate Crime ID: already at ${d.first.file} line ${d.first.line} (the first is kept)`,
				raw: d.id
			});
		}
	});

	it('every entry’s line number points at a raw line containing the quarantined value', async () => {
		const q = await readArrow(out, 'quarantine');
		const byName = new Map(INPUT_ORDER.map((f) => [f.name, f]));
		const files = col<string>(q, 'source_file');
		const lines = col<number | null>(q, 'source_line');
		const raws = col<string>(q, 'raw');
		expect(q.numRows).toBeGreaterThan(0);
		for (let i = 0; i < q.numRows; i++) {
			const f = byName.get(files[i])!;
			const physical = f.bytes.toString('utf8').split('\n')[(lines[i] as number) - 1];
			expect(physical, `${files[i]}:${lines[i]}`).toContain(raws[i]);
		}
	});

	it('quarantine.csv has one row per quarantine.arrow row, same values', async () => {
		const q = await readArrow(out, 'quarantine');
		const { header, records } = readCsv(readFileSync(join(out, 'quarantine.csv')));
		expect(header).toEqual(['source_file', 'source_kind', 'source_line', 'column_name', 'reason', 'raw']);
		expect(records).toHaveLength(q.numRows);
		const lines = col<number>(q, 'source_line');
		const raws = col<string>(q, 'raw');
		records.forEach((r, i) => {
			expect(Number(r.cells[2])).toBe(lines[i]);
			expect(r.cells[5]).toBe(raws[i]);
		});
	});
});

describe('(e) checksums and dataset files', () => {
	it('each source’s sha256 and size equal those of its file', () => {
		for (const f of INPUT_ORDER) {
			const s = manifest.sources.find((x) => x.file === f.name)!;
			expect(s.sha256, f.name).toBe(sha256(f.bytes));
			expect(s.bytes, f.name).toBe(f.bytes.length);
		}
	});

	it('each dataset’s rows, bytes, sha256 and columns match the file written', async () => {
		const arrowFiles = readdirSync(out).filter((n) => n.endsWith('.arrow')).sort();
		const arrow = manifest.datasets.filter((d) => d.format === 'arrow-ipc-stream');
		expect(arrow.map((d) => d.file).sort()).toEqual(arrowFiles);
		for (const d of arrow) {
			const bytes = readFileSync(join(out, d.file));
			expect(d.bytes, d.name).toBe(statSync(join(out, d.file)).size);
			expect(d.sha256, d.name).toBe(sha256(bytes));
			const table = tableFromIPC(bytes);
			expect(d.rows, d.name).toBe(table.numRows);
			expect(table.schema.fields.map((f) => f.name), d.name).toEqual(d.columns.map((c) => c.name));
		}
		// The base rows are tables of one DuckDB file, with its size and sha256 in base_database.
		const base = manifest.datasets.filter((d) => d.format === 'duckdb-table');
		expect(base.map((d) => [d.name, d.file, d.table])).toEqual(BASE_DATASETS.map((n) => [n, 'base.duckdb', n]));
		expect(arrow.map((d) => d.name).filter((n) => (BASE_DATASETS as readonly string[]).includes(n))).toEqual([]);
		const bytes = readFileSync(join(out, 'base.duckdb'));
		expect(manifest.base_database).toEqual({ file: 'base.duckdb', bytes: bytes.byteLength, sha256: sha256(bytes), storage_version: 'v1.4.0', sorted_by: 'month_index' });
		const runner = await createNodeRunner();
		try {
			await runner.exec(`ATTACH '${join(out, 'base.duckdb')}' AS b (READ_ONLY)`);
			for (const d of base) {
				const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM b.${d.table}`);
				expect(n, d.name).toBe(d.rows);
				const types = await runner.rows<{ column_name: string; column_type: string }>(`SELECT column_name, column_type FROM (DESCRIBE b.${d.table})`);
				expect(types.map((t) => [t.column_name, t.column_type]), d.name).toEqual(d.columns.map((c) => [c.name, c.type]));
				if (d.columns.some((c) => c.name === 'month_index')) {
					// Sorted by month: no row has a smaller month_index than the row before it.
					const [{ unsorted }] = await runner.rows<{ unsorted: number }>(
						`SELECT count(*) AS unsorted FROM (SELECT month_index < lag(month_index) OVER (ORDER BY rowid) AS down FROM b.${d.table}) WHERE down`
					);
					expect(unsorted, d.name).toBe(0);
				}
			}
		} finally {
			runner.close();
		}
		expect(existsSync(join(out, 'base.duckdb.tmp')) || existsSync(join(out, 'base.duckdb.wal'))).toBe(false);
	});

	it('the manifest on disk is the one returned', () => {
		expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(manifest)));
	});
});

describe('(f) stop and search: time and place', () => {
	it('every row: occurred_at, local_date, month and hour_of_week from the raw Date via Europe/London', () => {
		const byName = new Map(STOP.map((f) => [f.name, f]));
		const [files, lines, occurred, dates, months, hours, types] = [
			'source_file', 'source_line', 'occurred_at', 'local_date', 'month', 'hour_of_week', 'search_type'
		].map((c) => col(stopSearch, c));
		const bad: string[] = [];
		for (let i = 0; i < stopSearch.numRows; i++) {
			const f = byName.get(files[i] as string)!;
			const r = f.byLine.get(lines[i] as number)!;
			const ms = Date.parse(cell(f, r, 'Date'));
			const want = londonOf(ms);
			if (occurred[i] !== ms || dates[i] !== want.date || months[i] !== want.month || hours[i] !== want.hourOfWeek || types[i] !== cell(f, r, 'Type')) {
				bad.push(`${files[i]}:${lines[i]} ${cell(f, r, 'Date')}`);
			}
		}
		expect(bad).toEqual([]);
	});

	it('two hand-checked rows (winter and summer)', () => {
		const find = (date: string) => {
			const f = STOP.find((x) => x.records.some((r) => cell(x, r, 'Date') === date))!;
			const r = f.records.find((x) => cell(f, x, 'Date') === date)!;
			const i = col<string>(stopSearch, 'source_file').findIndex((n, j) => n === f.name && col<number>(stopSearch, 'source_line')[j] === r.line);
			return { local_date: col(stopSearch, 'local_date')[i], hour_of_week: col(stopSearch, 'hour_of_week')[i] };
		};
		// 2017-12-01 was a Friday: 00:15 GMT → hour 4 × 24 + 0.
		expect(find('2017-12-01T00:15:00+00:00')).toEqual({ local_date: '2017-12-01', hour_of_week: 96 });
		// 2018-07-01 was a Sunday: 00:32 UTC is 01:32 BST → hour 6 × 24 + 1.
		expect(find('2018-07-01T00:32:33+00:00')).toEqual({ local_date: '2018-07-01', hour_of_week: 145 });
	});

	it('lsoa_code: null without coordinates, filled for most rows with coordinates, agreeing with police.uk’s own LSOA of the same snap point', () => {
		const lons = col<number | null>(stopSearch, 'longitude');
		const lats = col<number | null>(stopSearch, 'latitude');
		const lsoas = col<string | null>(stopSearch, 'lsoa_code');
		// police.uk's LSOA for each street snap point (taken from the raw street files).
		const streetLsoa = new Map<string, string>();
		for (const f of STREET) for (const r of f.records) if (cell(f, r, 'Longitude') !== '') streetLsoa.set(`${Number(cell(f, r, 'Longitude'))},${Number(cell(f, r, 'Latitude'))}`, cell(f, r, 'LSOA code'));
		let withPoint = 0;
		let filled = 0;
		let shared = 0;
		let agree = 0;
		for (let i = 0; i < stopSearch.numRows; i++) {
			if (lons[i] === null) {
				expect(lats[i]).toBeNull();
				expect(lsoas[i]).toBeNull();
				continue;
			}
			withPoint++;
			if (lsoas[i] === null) continue;
			filled++;
			const police = streetLsoa.get(`${lons[i]},${lats[i]}`);
			if (police === undefined) continue;
			shared++;
			if (police === lsoas[i]) agree++;
		}
		expect(withPoint).toBeGreaterThan(1000);
		expect(filled / withPoint).toBeGreaterThan(0.9);
		expect(shared).toBeGreaterThan(1000);
		// The boundaries are generalised to 20 m, so points on a boundary may differ.
		expect(agree / shared).toBeGreaterThan(0.9);
	});
});

describe('(g) H3 cells', () => {
	it.each([
		['incidents', 7],
		['stop_search', 3]
	])('%s: one row in %i has the h3-js cells of its point (null without one)', (name, step) => {
		const t = name === 'incidents' ? incidents : stopSearch;
		const lons = col<number | null>(t, 'longitude');
		const lats = col<number | null>(t, 'latitude');
		const cells = [7, 8, 9].map((r) => col<string | null>(t, `h3_r${r}`));
		let checked = 0;
		for (let i = 0; i < t.numRows; i += step) {
			const want = lons[i] === null ? [null, null, null] : [7, 8, 9].map((r) => latLngToCell(lats[i]!, lons[i]!, r));
			expect(cells.map((c) => c[i]), `${name} row ${i}`).toEqual(want);
			checked++;
		}
		expect(checked).toBeGreaterThan(500);
	});
});

describe('(h) areas', () => {
	it('every LSOA of the data that the boundaries hold is an area with touched = true; IMD decile for every English area', async () => {
		const source = await shapefile.open(SAMPLE_AREAS.shapefile, SAMPLE_AREAS.shapefile.replace(/\.shp$/, '.dbf'));
		const boundaryCodes = new Set<string>();
		for (let r = await source.read(); !r.done; r = await source.read()) boundaryCodes.add(r.value.properties!.LSOA11CD as string);
		expect(boundaryCodes.size).toBe(4835);

		const areas = await readArrow(out, 'areas');
		const codes = col<string>(areas, 'lsoa_code');
		const touched = col<boolean>(areas, 'touched');
		const deciles = col<number | null>(areas, 'imd_decile');
		const areaTouched = new Map(codes.map((c, i) => [c, touched[i]]));

		const dataCodes = new Set<string>();
		// LSOA codes of the accepted street rows (duplicates are not in the data) and of the searches.
		for (const f of STREET) {
			for (const r of f.records) if (cell(f, r, 'LSOA code') !== '' && !isDuplicate.has(`${f.name}:${r.line}`)) dataCodes.add(cell(f, r, 'LSOA code'));
		}
		for (const c of col<string | null>(stopSearch, 'lsoa_code')) if (c) dataCodes.add(c);
		const inBoundaries = [...dataCodes].filter((c) => boundaryCodes.has(c));
		expect(inBoundaries.length).toBeGreaterThan(10);
		expect(inBoundaries.filter((c) => areaTouched.get(c) !== true)).toEqual([]);
		// Areas not touched by the data are neighbours kept for context, never data areas.
		for (const [c, t] of areaTouched) if (!t) expect(dataCodes.has(c), c).toBe(false);
		// Every area is a boundary area, and every English one has an IMD decile 1–10.
		for (const c of codes) expect(boundaryCodes.has(c), c).toBe(true);
		codes.forEach((c, i) => {
			if (c.startsWith('E')) {
				expect(deciles[i], c).not.toBeNull();
				expect(deciles[i]! >= 1 && deciles[i]! <= 10, c).toBe(true);
			}
		});
	});
});

// ---------------------------------------------------------------------------------------------
// Bad inputs.

describe('(i) a build over bad files next to a good one', () => {
	let dir: string;
	let outDir: string;
	let result: ExtractManifest;
	const good = STREET.find((f) => f.name.startsWith('2019-03'))!;
	const stop = STOP.find((f) => f.name.startsWith('2019-03'))!;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'clearsight-bad-'));
		outDir = join(dir, 'out');
		const input = join(dir, 'in');
		mkdirSync(input);
		writeFileSync(join(input, 'a-empty.csv'), '');
		writeFileSync(join(input, 'b-header-only.csv'), `${good.header.join(',')}\n`);
		copyFileSync(good.path, join(input, 'c-good-street.csv'));
		copyFileSync(stop.path, join(input, 'd-stop.csv'));
		copyFileSync(stop.path, join(input, 'e-stop-again.csv'));
		writeFileSync(join(input, 'f-unknown.csv'), 'alpha,beta,gamma\n1,2,3\n\n4,5,6\n7,8,9\n');
		({ manifest: result } = await buildExtracts({ inputs: [input], out: outDir, areas: null }));
	}, 60_000);
	afterAll(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	const source = (name: string) => result.sources.find((s) => s.file === name)!;
	const goodDups = () => DUPLICATES.filter((d) => d.file === good.name).length;

	it('every file is reported, in input order', () => {
		expect(result.sources.map((s) => s.file)).toEqual(['a-empty.csv', 'b-header-only.csv', 'c-good-street.csv', 'd-stop.csv', 'e-stop-again.csv', 'f-unknown.csv']);
	});

	it.each([
		{ file: 'a-empty.csv', rows_in: 0, error: 'empty file' },
		{ file: 'e-stop-again.csv', rows_in: 'stop' as const, error: 'identical to d-stop.csv (same sha256)' },
		{ file: 'f-unknown.csv', rows_in: 3, error: 'unrecognised header' }
	])('$file: rejected as a whole with file_error "$error"', ({ file, rows_in, error }) => {
		const n = rows_in === 'stop' ? stop.records.length : rows_in;
		const s = source(file);
		expect(s.file_error).toContain(error);
		expect([s.rows_in, s.accepted, s.rejected]).toEqual([n, 0, n]);
		expect(s.sha256).toBe(sha256(readFileSync(join(dir, 'in', file))));
	});

	it('b-header-only.csv: no rows, and reported with a file_error', () => {
		const s = source('b-header-only.csv');
		expect([s.rows_in, s.accepted, s.rejected]).toEqual([0, 0, 0]);
		expect(s.file_error).not.toBeNull();
	});

	it('the good files are read in full', () => {
		expect(source('c-good-street.csv')).toMatchObject({ kind: 'street', rows_in: good.records.length, accepted: good.records.length - goodDups(), rejected: goodDups(), file_error: null });
		expect(source('d-stop.csv')).toMatchObject({ kind: 'stop-search', rows_in: stop.records.length, accepted: stop.records.length, rejected: 0, file_error: null });
	});

	it('totals add up, and the datasets hold the good rows', async () => {
		const sum = (k: 'rows_in' | 'accepted' | 'rejected') => result.sources.reduce((n, s) => n + s[k], 0);
		expect(result.totals).toEqual({ rows_in: sum('rows_in'), accepted: sum('accepted'), rejected: sum('rejected') });
		expect(result.totals.rows_in).toBe(result.totals.accepted + result.totals.rejected);
		expect(result.totals.accepted).toBe(good.records.length - goodDups() + stop.records.length);
		expect((await readArrow(outDir, 'incidents')).numRows).toBe(good.records.length - goodDups());
		expect((await readArrow(outDir, 'stop_search')).numRows).toBe(stop.records.length);
		expect((await readArrow(outDir, 'areas')).numRows).toBe(0);
		// One whole-file entry per file with a problem (empty, header only, given twice,
		// unrecognised) plus the duplicates.
		const q = await readArrow(outDir, 'quarantine');
		expect(col<number | null>(q, 'source_line').filter((l) => l === null)).toHaveLength(4);
		expect(q.numRows).toBe(4 + goodDups());
	});
});

describe('(j) nothing usable', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'clearsight-unusable-'));
		mkdirSync(join(dir, 'in'));
		writeFileSync(join(dir, 'in', 'empty.csv'), '');
		writeFileSync(join(dir, 'in', 'unknown.csv'), 'alpha,beta\n1,2\n3,4\n');
	});
	afterAll(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('buildExtracts returns a manifest with nothing accepted', async () => {
		const { manifest: m } = await buildExtracts({ inputs: [join(dir, 'in')], out: join(dir, 'out-api'), areas: null });
		expect(m.totals).toEqual({ rows_in: 2, accepted: 0, rejected: 2 });
		expect(m.sources.map((s) => [s.file, s.file_error !== null])).toEqual([
			['empty.csv', true],
			['unknown.csv', true]
		]);
	});

	const cli = (args: string[]) => {
		try {
			const stdout = execFileSync('npx', ['tsx', 'scripts/build-extracts.ts', ...args], { encoding: 'utf8', stdio: 'pipe' });
			return { status: 0, stdout, stderr: '' };
		} catch (e) {
			const err = e as { status: number; stdout: string; stderr: string };
			return { status: err.status, stdout: err.stdout, stderr: err.stderr };
		}
	};

	it('the command line exits 1 with "nothing usable"', () => {
		const r = cli(['--input', join(dir, 'in'), '--out', join(dir, 'out-cli'), '--no-areas']);
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('nothing usable');
	}, 60_000);

	it.each([
		['no --out', ['--input', 'sample-data/police-uk/city-of-london/street'], '--out is required'],
		['an unknown option', ['--input', 'x', '--out', 'y', '--bogus'], 'unknown option --bogus']
	])('a usage error (%s) exits 2', (_, args, message) => {
		const r = cli(args as string[]);
		expect(r.status).toBe(2);
		expect(r.stderr).toContain(message);
	}, 60_000);
});
