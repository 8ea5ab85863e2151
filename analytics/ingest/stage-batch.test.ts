/**
 * Staging many files in one read_csv (stageFiles, as the builder and the browser import do) gives
 * exactly what staging them one by one gives (stageFile, record by record): the same staged rows
 * with their file, line and first broken rule, the same quarantine, the same accounts. The files
 * are real sample rows made awkward: blank lines, CRLF with a byte-order mark, a quoted value
 * spanning lines, a ragged row (which sends its batch down the record-by-record path), and
 * plain files (the one-pass path).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { detectSource } from './detect';
import { fileAccounts, resetIngest, stageFile, stageFiles, stageShape, validateStaged, type StageOptions } from './pipeline';
import { SOURCE_FORMATS } from './sources';
import { scanText } from './text-scan';

const SAMPLE = 'sample-data/police-uk/city-of-london/street';
const lines = (f: string) => readFileSync(join(SAMPLE, f), 'utf8').split('\n').filter((l) => l !== '');
const jan = lines('2019-01-city-of-london-street.csv');
const feb = lines('2019-02-city-of-london-street.csv');
const header = jan[0];
const rows = (l: string[], from: number, n: number) => l.slice(from, from + n);
/** The first row of plain-a.csv with a Crime ID (ASB rows have none), repeated at the end of plain-b.csv. */
const repeated = rows(jan, 1, 40).findIndex((l) => !l.startsWith(','));

/** Name → text: awkward files and plain ones, all of the street format. */
const FILES: Record<string, string> = {
	'plain-a.csv': [header, ...rows(jan, 1, 40)].join('\n') + '\n',
	'blank-lines.csv': [header, ...rows(jan, 41, 3), '', '', ...rows(jan, 44, 5), ''].join('\n') + '\n',
	'bom-crlf.csv': '\uFEFF' + [header, ...rows(feb, 1, 6), '', ...rows(feb, 7, 4)].join('\r\n') + '\r\n',
	// A quoted location holding a line break: later rows keep their physical line numbers.
	'quoted-break.csv':
		[header, ...rows(feb, 11, 2), rows(feb, 13, 1)[0].replace(/,On or near ([^,]*),/, ',"On or near\n$1",'), ...rows(feb, 14, 5)].join('\n') + '\n',
	'plain-b.csv': [header, ...rows(feb, 20, 30), rows(jan, 1 + repeated, 1)[0]].join('\n') + '\n',
	// A bad month (a row rule) as well.
	'bad-month.csv': [header, ...rows(feb, 50, 3), rows(feb, 53, 1)[0].replace(/,2019-02,/, ',2019-13,'), ...rows(feb, 54, 3)].join('\n') + '\n'
};
const RAGGED: Record<string, string> = {
	...FILES,
	'ragged.csv': [header, ...rows(jan, 60, 2), rows(jan, 62, 1)[0] + ',extra', ...rows(jan, 63, 3)].join('\n') + '\n'
};

let db: NodeRunner;
let dir: string;
beforeAll(async () => {
	db = await createNodeRunner();
	dir = mkdtempSync(join(tmpdir(), 'clearsight-stage-batch-'));
});
afterAll(() => {
	db.close();
	rmSync(dir, { recursive: true, force: true });
});

function options(files: Record<string, string>, withCounts: boolean): StageOptions[] {
	return Object.entries(files).map(([name, text], i) => {
		const path = join(dir, name);
		writeFileSync(path, text);
		const scan = scanText(readFileSync(path));
		const detection = detectSource(scan.headerLine, name);
		if (!detection.ok) throw new Error(`${name}: ${detection.issue.message}`);
		return { source: path, file: name, fileSeq: i, detection, blankLines: scan.blankLines, lineShifts: scan.lineShifts, ...(withCounts ? { dataLines: scan.dataLines } : {}) };
	});
}

async function outcome() {
	const staged = await db.rows(`SELECT * EXCLUDE (file_seq) FROM ingest_stage_street ORDER BY source_file, source_line`);
	const quarantineBefore = await db.rows(`SELECT * FROM ingest_quarantine ORDER BY source_file, source_line`);
	for (const format of SOURCE_FORMATS) await validateStaged(db, format.kind);
	return {
		staged,
		quarantineBefore,
		quarantine: await db.rows(`SELECT * FROM ingest_quarantine ORDER BY source_file, source_line`),
		accounts: await fileAccounts(db),
		files: await db.rows(`SELECT * FROM ingest_files ORDER BY file_seq`)
	};
}

async function oneByOne(files: Record<string, string>) {
	await resetIngest(db);
	for (const o of options(files, false)) await stageFile(db, o);
	return outcome();
}

async function batched(files: Record<string, string>) {
	await resetIngest(db);
	const all = options(files, true);
	expect(new Set(all.map((o) => stageShape(o))).size).toBe(1);
	const records = await stageFiles(db, all);
	const result = await outcome();
	expect(records).toEqual(result.files.map((f) => f.records));
	return result;
}

describe('staging files in one read_csv', () => {
	it('gives the rows, lines, rules and accounts of staging each file alone (one-pass path)', async () => {
		const alone = await oneByOne(FILES);
		const together = await batched(FILES);
		expect(together).toEqual(alone);
		// The awkward lines are where an editor shows them.
		const at = (file: string) => alone.staged.filter((r) => r.source_file === file).map((r) => r.source_line);
		expect(at('blank-lines.csv')).toEqual([2, 3, 4, 7, 8, 9, 10, 11]);
		expect(at('quoted-break.csv')).toEqual([2, 3, 4, 6, 7, 8, 9, 10]);
		expect(alone.quarantine.map((q) => [q.source_file, q.source_line, q.reason])).toEqual([
			['bad-month.csv', 5, 'month is not a calendar month: expected YYYY-MM such as 2019-04'],
			['plain-b.csv', 32, `duplicate Crime ID: already at plain-a.csv line ${repeated + 2} (the first is kept)`]
		]);
	});

	it('and files with no blank line and no quoted line break alone (the plain path)', async () => {
		const plainFiles = { 'plain-a.csv': FILES['plain-a.csv'], 'plain-b.csv': FILES['plain-b.csv'], 'bad-month.csv': FILES['bad-month.csv'] };
		const alone = await oneByOne(plainFiles);
		const together = await batched(plainFiles);
		expect(together).toEqual(alone);
		expect(alone.staged.filter((r) => r.source_file === 'plain-b.csv').map((r) => r.source_line)).toEqual(Array.from({ length: 31 }, (_, i) => i + 2));
		expect(alone.quarantine.map((q) => [q.source_file, q.source_line])).toEqual([
			['bad-month.csv', 5],
			['plain-b.csv', 32]
		]);
	});

	it('and with a ragged row among them (record-by-record path)', async () => {
		const alone = await oneByOne(RAGGED);
		const together = await batched(RAGGED);
		expect(together).toEqual(alone);
		expect(alone.quarantine.find((q) => q.source_file === 'ragged.csv')).toMatchObject({ source_line: 4, reason: 'too many columns: expected 12, found 13' });
	});
});
