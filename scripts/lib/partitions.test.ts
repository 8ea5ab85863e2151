/**
 * Month-partitioned rebuilds on real sample files: build with the cache, change one month's
 * file, rebuild; the rebuild reads only that month again and its output equals a clean build
 * of the changed inputs (every dataset's rows and checksum, every source's account, the
 * quarantine). The change adds, to a later month, a row whose Crime ID an earlier (cached) month
 * already holds, so the cross-file duplicate check must see both months.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { buildExtracts } from './extracts';
import { partitionOf } from './partitions';
import { createNodeRunner } from './node-runner';
import { ident, literal } from '../../analytics/ingest/sql';
import { tableFromIPC } from 'apache-arrow';

const STREET = 'sample-data/police-uk/city-of-london/street';
const STOP = 'sample-data/police-uk/city-of-london/stop-and-search';
const MONTHS = ['2018-01', '2018-02', '2018-03'];

let dir: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'clearsight-partitions-'));
	mkdirSync(join(dir, 'in'));
	for (const folder of [STREET, STOP]) {
		for (const f of readdirSync(folder)) if (MONTHS.some((m) => f.startsWith(m))) copyFileSync(join(folder, f), join(dir, 'in', f));
	}
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));

/**
 * What must be equal between two builds: every dataset's rows (as a multiset: two clean builds
 * of the same files already differ in the order of tied rows, so checksums are not compared),
 * every source's account, the quarantine.
 */
async function outcome(out: string) {
	const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ExtractManifest;
	const runner = await createNodeRunner();
	try {
		const datasets: Array<{ name: string; rows: number; content: string[] }> = [];
		for (const d of m.datasets) {
			const entry = d as { name: string; rows: number; file: string; format?: string; table?: string };
			let content: string[];
			if (entry.format === 'duckdb-table') {
				await runner.exec(`ATTACH IF NOT EXISTS ${literal(join(out, entry.file))} AS base_out (READ_ONLY)`);
				content = (await runner.rows(`SELECT * FROM base_out.${ident(entry.table!)}`)).map(json);
			} else {
				content = tableFromIPC(readFileSync(join(out, entry.file))).toArray().map((r) => json(r.toJSON()));
			}
			datasets.push({ name: entry.name, rows: entry.rows, content: content.sort() });
		}
		return {
			datasets,
			sources: m.sources.map(({ file, kind, sha256, rows_in, accepted, rejected, reasons, file_error, date_range }) => ({ file, kind, sha256, rows_in, accepted, rejected, reasons, file_error, date_range })),
			totals: m.totals,
			quarantine: readFileSync(join(out, 'quarantine.csv'), 'utf8')
		};
	} finally {
		runner.close();
	}
}

describe('month-partitioned rebuilds', () => {
	it('takes a file’s month from its name, else its folder, else "undated"', () => {
		expect(partitionOf('/x/2019-04-city-of-london-street.csv')).toBe('2019-04');
		expect(partitionOf('/x/2019-04/city-of-london-street.csv')).toBe('2019-04');
		expect(partitionOf('/x/2019-13-street.csv')).toBe('undated');
		expect(partitionOf('/x/cad-export.csv')).toBe('undated');
	});

	it('re-reads only the changed month, and the output equals a clean build of the changed inputs', async () => {
		const inputs = [join(dir, 'in')];
		const out = join(dir, 'cached');
		const lines: string[] = [];
		const log = (l: string) => lines.push(l);
		await buildExtracts({ inputs, out, areas: null, partitions: true, log });
		expect(lines.find((l) => l.includes('months re-read'))).toBe(`  months re-read: ${MONTHS.join(', ')}; from the cache (.partitions): none`);

		// Nothing changed: nothing is read again, and the output is the same.
		const first = await outcome(out);
		lines.length = 0;
		await buildExtracts({ inputs, out, areas: null, partitions: true, log });
		expect(lines.find((l) => l.includes('months re-read'))).toBe('  months re-read: none; from the cache (.partitions): 3 months');
		expect(lines.some((l) => l.startsWith('  read '))).toBe(false);
		expect(await outcome(out)).toEqual(first);

		// March gains a copy of January's first street row (same Crime ID): a duplicate across months.
		const jan = readFileSync(join(dir, 'in', '2018-01-city-of-london-street.csv'), 'utf8').split('\n');
		const marFile = join(dir, 'in', '2018-03-city-of-london-street.csv');
		const mar = readFileSync(marFile, 'utf8');
		writeFileSync(marFile, mar.endsWith('\n') ? `${mar}${jan[1]}\n` : `${mar}\n${jan[1]}\n`);
		lines.length = 0;
		await buildExtracts({ inputs, out, areas: null, partitions: true, log });
		expect(lines.find((l) => l.includes('months re-read'))).toBe('  months re-read: 2018-03; from the cache (.partitions): 2 months');
		expect(lines.filter((l) => l.startsWith('  read ')).map((l) => l.split(':')[0])).toEqual([
			'  read 2018-03-city-of-london-stop-and-search.csv',
			'  read 2018-03-city-of-london-street.csv'
		]);

		const clean = join(dir, 'clean');
		await buildExtracts({ inputs, out: clean, areas: null });
		const rebuilt = await outcome(out);
		expect(rebuilt).toEqual(await outcome(clean));
		// The change is really there: one more row in, rejected as a duplicate of January's.
		const marSource = rebuilt.sources.find((s) => s.file === '2018-03-city-of-london-street.csv')!;
		expect(marSource.rows_in).toBe(first.sources.find((s) => s.file === marSource.file)!.rows_in + 1);
		expect(rebuilt.quarantine).toContain('already at 2018-01-city-of-london-street.csv line 2');

		// --clean reads every month again, with the same output.
		lines.length = 0;
		await buildExtracts({ inputs, out, areas: null, partitions: true, clean: true, log });
		expect(lines.find((l) => l.includes('months re-read'))).toBe(`  months re-read: ${MONTHS.join(', ')}; from the cache (.partitions): none`);
		expect(await outcome(out)).toEqual(rebuilt);
	});
});
