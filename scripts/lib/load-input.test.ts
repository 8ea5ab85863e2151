/**
 * loadInput: CSVs (built into a temporary extract) and an extract folder give the same tables,
 * value for value, as the builder wrote them; damaged or mixed inputs fail with the path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { buildExtracts } from './extracts';
import { readArrow } from './extract-test-utils';
import { isExtractFolder, loadInput } from './load-input';

const STREET = 'sample-data/police-uk/city-of-london/street';
const SEARCH = 'sample-data/police-uk/city-of-london/stop-and-search';

describe('loadInput', () => {
	let dir: string;
	let extract: string;
	let fromCsv: NodeRunner;
	let fromExtract: NodeRunner;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'clearsight-load-'));
		extract = join(dir, 'extract');
		const inputs = [join(STREET, '2019-05-city-of-london-street.csv'), join(STREET, '2019-06-city-of-london-street.csv'), join(SEARCH, '2019-06-city-of-london-stop-and-search.csv')];
		await buildExtracts({ inputs, out: extract, areas: null });
		fromCsv = await createNodeRunner();
		fromExtract = await createNodeRunner();
		const a = await loadInput(fromCsv, inputs);
		expect(a.kind).toBe('csv');
		expect(a.dir).toBeNull();
		const b = await loadInput(fromExtract, [extract]);
		expect(b.kind).toBe('extract');
		expect(b.tables.map((t) => [t.name, t.rows])).toEqual(a.tables.map((t) => [t.name, t.rows]));
	}, 60_000);
	afterAll(() => {
		fromCsv?.close();
		fromExtract?.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('loads every dataset with the rows and types of the manifest', async () => {
		const manifest = JSON.parse(readFileSync(join(extract, 'manifest.json'), 'utf8'));
		for (const d of manifest.datasets) {
			const [{ n }] = await fromExtract.rows<{ n: number }>(`SELECT count(*) AS n FROM ${d.name}`);
			expect(n).toBe(d.rows);
			const types = await fromExtract.rows<{ column_name: string; column_type: string }>(`SELECT column_name, column_type FROM (DESCRIBE ${d.name})`);
			expect(types.map((t) => [t.column_name, t.column_type])).toEqual(d.columns.map((c: { name: string; type: string }) => [c.name, c.type]));
		}
		const [{ n }] = await fromExtract.rows<{ n: number }>('SELECT count(*) AS n FROM incidents');
		expect(n).toBeGreaterThan(1000);
	});

	it('every value equals what apache-arrow reads from the file: strings (dictionary and plain), numbers, nulls, timestamps, booleans', async () => {
		const manifest = JSON.parse(readFileSync(join(extract, 'manifest.json'), 'utf8'));
		for (const d of manifest.datasets) {
			// Arrow files as apache-arrow reads them; base.duckdb tables as the builder would write them to Arrow.
			const table = await readArrow(extract, d.name);
			const expected = table.toArray().map((r) => {
				const o: Record<string, unknown> = {};
				for (const c of d.columns as Array<{ name: string; type: string }>) {
					const v = r[c.name] as unknown;
					o[c.name] = v === null || v === undefined ? null : c.type === 'TIMESTAMP' ? new Date(Number(v)).toISOString() : typeof v === 'bigint' ? Number(v) : v;
				}
				return o;
			});
			// DuckDB keeps insertion order (preserve_insertion_order), so no ORDER BY is needed.
			expect(await fromExtract.rows(`SELECT * FROM ${d.name}`)).toEqual(expected);
		}
	});

	it('CSVs and the extract built from them load the same tables', async () => {
		const q = (table: string, order: string) => `SELECT * FROM ${table} ORDER BY ${order}`;
		for (const [table, order] of [
			['incidents', 'source_file, source_line'],
			['stop_search', 'source_file, source_line'],
			['quarantine', 'source_file, source_line']
		]) {
			expect(await fromExtract.rows(q(table, order))).toEqual(await fromCsv.rows(q(table, order)));
		}
		// A row checked against the CSV itself: 2019-06 street file, line 2.
		const [row] = await fromExtract.rows(`SELECT month, category, lsoa_code, longitude, latitude, context, h3_r8 FROM incidents WHERE source_file = '2019-06-city-of-london-street.csv' AND source_line = 2`);
		expect(row).toMatchObject({ month: '2019-06', category: 'Other theft', lsoa_code: 'E01000939', longitude: -0.119224, latitude: 51.529042, context: null });
		expect(row.h3_r8).toMatch(/^88/);
		// The earliest stop and search of the file, from its Date column (all written +00:00).
		const dates = readFileSync(join(SEARCH, '2019-06-city-of-london-stop-and-search.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[1]);
		const first = dates.sort()[0];
		const [search] = await fromExtract.rows(`SELECT occurred_at FROM stop_search ORDER BY occurred_at LIMIT 1`);
		expect(search.occurred_at).toBe(new Date(first).toISOString());
	});

	it('loads only the datasets asked for', async () => {
		const r = await createNodeRunner();
		try {
			const loaded = await loadInput(r, [extract], { datasets: ['incidents'] });
			expect(loaded.tables.map((t) => t.name)).toEqual(['incidents']);
			expect(await r.rows(`SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1`)).toEqual([{ table_name: 'incidents' }]);
		} finally {
			r.close();
		}
	});

	it('passes a column mapping to the builder for timestamped incidents with other header names', async () => {
		const csv = join(dir, 'calls.csv');
		writeFileSync(csv, 'Created,Call Type\n2019-06-01 10:00,Burglary\n2019-06-02 23:30,Noise\n');
		const r = await createNodeRunner();
		try {
			const loaded = await loadInput(r, [csv], { columns: { timestamp: 'Created', category: 'Call Type' } });
			expect(loaded.tables.find((t) => t.name === 'events')?.rows).toBe(2);
			expect(await r.rows('SELECT category, hour_of_week FROM events ORDER BY occurred_at')).toEqual([
				{ category: 'Burglary', hour_of_week: 5 * 24 + 10 }, // 2019-06-01 was a Saturday
				{ category: 'Noise', hour_of_week: 6 * 24 + 23 }
			]);
			await expect(loadInput(r, [extract], { columns: { timestamp: 'Created' } })).rejects.toThrow(/column mapping applies only when building from CSVs/);
		} finally {
			r.close();
		}
	});

	it('fails with the path for a damaged file, a missing input, or an extract mixed with CSVs', async () => {
		const damaged = join(dir, 'damaged');
		mkdirSync(damaged);
		for (const f of readdirSync(extract)) copyFileSync(join(extract, f), join(damaged, f));
		const bytes = readFileSync(join(damaged, 'base.duckdb'));
		bytes[bytes.length - 100] ^= 0xff;
		writeFileSync(join(damaged, 'base.duckdb'), bytes);
		const r = await createNodeRunner();
		try {
			await expect(loadInput(r, [damaged])).rejects.toThrow(/damaged[/\\]base\.duckdb is damaged or was replaced: its sha256 differs/);
			// An Arrow dataset is checked the same way.
			copyFileSync(join(extract, 'base.duckdb'), join(damaged, 'base.duckdb'));
			const arrow = readFileSync(join(damaged, 'explore_points.arrow'));
			arrow[arrow.length - 100] ^= 0xff;
			writeFileSync(join(damaged, 'explore_points.arrow'), arrow);
			await expect(loadInput(r, [damaged])).rejects.toThrow(/damaged[/\\]explore_points\.arrow is damaged or was replaced: its sha256 differs/);
			await expect(loadInput(r, [join(dir, 'nowhere')])).rejects.toThrow(/input not found: .*nowhere/);
			await expect(loadInput(r, [extract, STREET])).rejects.toThrow(/is an extract folder \(it has a manifest\.json\): give it alone/);
			await expect(loadInput(r, [])).rejects.toThrow(/no input given/);
		} finally {
			r.close();
		}
		expect(isExtractFolder(extract)).toBe(true);
		expect(isExtractFolder(STREET)).toBe(false);
		expect(existsSync(join(dir, 'nowhere'))).toBe(false);
	});
});
