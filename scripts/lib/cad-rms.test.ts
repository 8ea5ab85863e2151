/**
 * Several files, one picture: a CAD export (calls for service) and an RMS export (recorded crimes)
 * built TOGETHER into one source with a per-file mapping (`--mapping`), each into its own dataset
 * (calls → `events`, crimes → `incidents`), sharing the period and area filters.
 *
 * No real CAD or RMS data is shipped: both files are written from REAL rows of the City of London
 * sample in the layouts such exports use (scripts/lib/cad-rms-fixture.ts says which real rows play
 * which role: the stop-and-search rows are the "calls", the street crimes the "crimes", with a
 * committed date-time made up inside each crime's real month). Every expected figure is worked out
 * here from the source rows (JavaScript) or by SQL over the written CSVs read by DuckDB directly,
 * never from the builder's own tables.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from './extracts';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { loadExtract } from './load-input';
import { FileMappingError, parseFileMapping, patternMatches, readFileMapping, resolveFileMappings } from './file-mapping';
import { col, readArrow, tempDirs } from './extract-test-utils';
import { CAD_RMS_MAPPING as MAPPING, CAD_RMS_MONTHS as MONTHS, CAD_RMS_SAMPLE as SAMPLE, sampleRows as csvRows, toCsvText as csv, writeCadRms, type FixtureCall, type FixtureCrime } from './cad-rms-fixture';
import { createAggregateTables } from '../../analytics/explore/aggregates';
import { datasetLabels, defaultFilters, type ExploreFilters } from '../../analytics/explore/filters';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { exploreDatasets, monthCategoryCounts } from '../../analytics/explore/queries';

const TSX = 'node_modules/.bin/tsx';
const tempDir = tempDirs('clearsight-cad-rms-');

let calls: FixtureCall[] = [];
let crimes: FixtureCrime[] = [];
let dir: string;
let cadPath: string;
let rmsPath: string;
let mappingPath: string;
let out: string;
let runner: NodeRunner;

beforeAll(async () => {
	dir = tempDir();
	({ cadPath, rmsPath, calls, crimes } = writeCadRms(dir));
	mappingPath = join(dir, 'mapping.json');
	writeFileSync(mappingPath, JSON.stringify(MAPPING, null, 2));
	out = join(dir, 'extract');
	await buildExtracts({ inputs: [cadPath, rmsPath], out, areas: null, mapping: readFileMapping(mappingPath) });
	runner = await createNodeRunner();
	await loadExtract(runner, out);
	await createAggregateTables(runner);
}, 120_000);
afterAll(() => runner?.close());

describe('CAD calls and RMS crimes built into one source (--mapping)', () => {
	it('the source rows are what the test says: both months, both layouts, days that a month-first reading would misplace', () => {
		expect(calls.length).toBeGreaterThan(250);
		expect(crimes.length).toBeGreaterThan(1500);
		expect(new Set(calls.map((c) => c.month))).toEqual(new Set(MONTHS));
		expect(crimes.some((c) => /^0[1-9]\/03\/2019 /.test(c.committed))).toBe(true);
		expect(calls.some((c) => /^\d{2}\/\d{2}\/2019 /.test(c.created))).toBe(true);
	});

	it('each file goes to its own dataset, every row accepted: events = the calls, incidents = the crimes', async () => {
		const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		const bySource = Object.fromEntries(manifest.sources.map((s: { file: string }) => [s.file, s]));
		expect(bySource['cad-calls-2019.csv']).toMatchObject({ kind: 'events', rows_in: calls.length, accepted: calls.length, rejected: 0 });
		expect(bySource['rms-crimes-2019.csv']).toMatchObject({ kind: 'month-incidents', rows_in: crimes.length, accepted: crimes.length, rejected: 0 });
		const rows = Object.fromEntries(manifest.datasets.map((d: { name: string; rows: number }) => [d.name, d.rows]));
		expect(rows.events).toBe(calls.length);
		expect(rows.incidents).toBe(crimes.length);
		const [e] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM events');
		const [i] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents');
		expect([Number(e.n), Number(i.n)]).toEqual([calls.length, crimes.length]);
	});

	it('the datasets are labelled by what the files are: calls for service (CAD export), recorded crimes (RMS export)', async () => {
		const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ExtractManifest;
		expect(manifest.sources.map((s) => [s.file, s.export])).toEqual([
			['cad-calls-2019.csv', 'cad'],
			['rms-crimes-2019.csv', 'rms']
		]);
		const labels = datasetLabels(manifest.sources);
		expect(labels).toMatchObject({ incidents: 'Recorded crimes (RMS export)', events: 'Calls for service (CAD export)' });
		const shown = await exploreDatasets(runner, labels);
		expect(shown.map((d) => [d.dataset, d.label, d.records])).toEqual([
			['incidents', 'Recorded crimes (RMS export)', crimes.length],
			['events', 'Calls for service (CAD export)', calls.length]
		]);
	});

	it("RMS date-times give the committed month (day first with slashes): each crime's month equals its source row's month", async () => {
		const perMonth = (list: Array<{ month: string }>) => MONTHS.map((m) => list.filter((r) => r.month === m).length);
		const got = await runner.rows<{ month: string; n: number }>('SELECT month, count(*) AS n FROM incidents GROUP BY 1 ORDER BY 1');
		expect(got.map((r) => [r.month, Number(r.n)])).toEqual(MONTHS.map((m, k) => [m, perMonth(crimes)[k]]));
		const incidents = await readArrow(out, 'incidents');
		// Row by row, by the police.uk Crime ID (blank for ASB): the month of the crime it came from.
		const byRef = new Map(crimes.filter((c) => c.ref).map((c) => [c.ref, c.month]));
		const ids = col<string | null>(incidents, 'crime_id');
		const months = col<string>(incidents, 'month');
		let checked = 0;
		ids.forEach((id, k) => {
			if (id === null || !byRef.has(id)) return;
			expect(months[k]).toBe(byRef.get(id));
			checked++;
		});
		expect(checked).toBeGreaterThan(1000);
		const calls2 = await runner.rows<{ month: string; n: number }>('SELECT month, count(*) AS n FROM events GROUP BY 1 ORDER BY 1');
		expect(calls2.map((r) => [r.month, Number(r.n)])).toEqual(MONTHS.map((m, k) => [m, perMonth(calls)[k]]));
	});

	it('the dashboard sees both datasets, and the period and box filters give the counts of SQL over the source files', async () => {
		const datasets = await exploreDatasets(runner);
		expect(datasets.map((d) => [d.dataset, d.records])).toEqual([
			['incidents', crimes.length],
			['events', calls.length]
		]);
		const box: [number, number, number, number] = [-0.1, 51.512, -0.085, 51.52];
		// Independent: DuckDB reads the two CSVs the test wrote; the month by the test's own reading.
		const direct = async (file: string, timeCol: string, lon: string, lat: string, month: string, inBox: boolean) => {
			const monthSql = `CASE WHEN "${timeCol}" LIKE '__/__/____%' THEN substr("${timeCol}", 7, 4) || '-' || substr("${timeCol}", 4, 2) ELSE substr("${timeCol}", 1, 7) END`;
			const where = [`${monthSql} = ?`];
			if (inBox) where.push(`TRY_CAST("${lon}" AS DOUBLE) BETWEEN ${box[0]} AND ${box[2]} AND TRY_CAST("${lat}" AS DOUBLE) BETWEEN ${box[1]} AND ${box[3]}`);
			const [r] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM read_csv(?, all_varchar = true, header = true) WHERE ${where.join(' AND ')}`, [file, month]);
			return Number(r.n);
		};
		const base = defaultFilters({ datasets: ['incidents', 'events'] });
		for (const bbox of [null, box]) {
			// The same period and box, switching dataset as the `ds` parameter does (categories cleared, the rest kept).
			const f: ExploreFilters = { ...base, from: '2019-04', to: '2019-04', bbox };
			const crimesShown = await monthCategoryCounts(runner, { ...f, dataset: 'incidents' });
			const callsShown = await monthCategoryCounts(runner, { ...f, dataset: 'events' });
			const wantCrimes = await direct(rmsPath, 'Committed', 'Lon', 'Lat', '2019-04', bbox !== null);
			const wantCalls = await direct(cadPath, 'Created', 'X Coord', 'Y Coord', '2019-04', bbox !== null);
			expect(crimesShown.total).toBe(wantCrimes);
			expect(callsShown.total).toBe(wantCalls);
			expect(wantCrimes).toBeGreaterThan(bbox ? 50 : 500);
			expect(wantCalls).toBeGreaterThan(bbox ? 5 : 100);
		}
	});
});

describe('RMS committed dates: layouts and the day-first rule', () => {
	it('reads YYYY-MM-DD hh:mm, ISO with an offset and DD/MM/YYYY (day first); a month-first date is rejected with its line, never moved to another month', async () => {
		// Four real street rows of 2019-03 (Crime ID, type, place), their Committed date written by the test.
		const real = csvRows(`${SAMPLE}/street/2019-03-city-of-london-street.csv`).filter((r) => r['Crime ID']).slice(0, 5);
		const committed = ['2019-03-04 13:25', '13/03/2019 10:00', '2019-03-31T23:30:00+01:00', '03/13/2019 10:00', '04/03/2019'];
		const d = tempDir();
		const file = join(d, 'rms-dates.csv');
		writeFileSync(file, csv(['Crime Reference', 'Committed', 'Offence'], real.map((r, i) => [r['Crime ID'], committed[i], r['Crime type']])));
		const entry = { match: 'rms-*.csv', format: 'month-incidents', columns: { incident_id: 'Crime Reference', month: 'Committed', category: 'Offence' } };
		const mapping = parseFileMapping(JSON.stringify({ files: [entry] }), 'inline');
		const { manifest } = await buildExtracts({ inputs: [file], out: join(d, 'out'), areas: null, mapping });
		expect(manifest.sources[0]).toMatchObject({ kind: 'month-incidents', rows_in: 5, accepted: 4, rejected: 1 });
		const q = await readArrow(join(d, 'out'), 'quarantine');
		expect(col<number>(q, 'source_line')).toEqual([5]);
		expect(col<string>(q, 'reason')[0]).toMatch(/^month is not a calendar month: .*slashes are read day first/);
		const incidents = await readArrow(join(d, 'out'), 'incidents');
		const month = new Map(col<string>(incidents, 'crime_id').map((id, k) => [id, col<string>(incidents, 'month')[k]]));
		expect([0, 1, 2, 4].map((i) => month.get(real[i]['Crime ID']))).toEqual(['2019-03', '2019-03', '2019-03', '2019-03']);
	});
});

describe('a coordinate system per file', () => {
	it('the CAD export in British National Grid (its entry says "crs": "EPSG:27700") beside the RMS export in longitude/latitude, in one build', async () => {
		// The same real calls, their coordinates converted to eastings/northings here with proj4.
		const BNG =
			'+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
		const d = tempDir();
		const cad = join(d, 'cad-bng.csv');
		const grid = (c: FixtureCall) => (c.lon === null || c.lat === null ? ['', ''] : proj4('WGS84', BNG, [c.lon, c.lat]).map((v) => v.toFixed(3)));
		writeFileSync(cad, csv(['Incident Number', 'Created', 'Call Type', 'X', 'Y'], calls.map((c) => [c.id, c.created, c.type, ...grid(c)])));
		const entries = [
			{ match: 'cad-*.csv', format: 'events', columns: { incident_id: 'Incident Number', timestamp: 'Created', category: 'Call Type', x: 'X', y: 'Y' }, crs: 'EPSG:27700' },
			MAPPING.files[1]
		];
		const mapping = parseFileMapping(JSON.stringify({ files: entries }), join(d, 'mapping.json'));
		const { manifest } = await buildExtracts({ inputs: [cad, rmsPath], out: join(d, 'out'), areas: null, mapping });
		const source = (name: string) => manifest.sources.find((s) => s.file === name)!;
		expect(source('cad-bng.csv')).toMatchObject({ kind: 'events', accepted: calls.length, rejected: 0 });
		expect(source('cad-bng.csv').crs?.code).toBe('EPSG:27700');
		expect(source('rms-crimes-2019.csv')).toMatchObject({ kind: 'month-incidents', accepted: crimes.length, rejected: 0 });
		expect(source('rms-crimes-2019.csv').crs?.code).toBe('EPSG:4326');
		// Back in longitude/latitude within a millionth of a degree (≈0.1 m) of the published ones.
		const events = await readArrow(join(d, 'out'), 'events');
		const byId = new Map(calls.map((c) => [c.id, c]));
		const ids = col<string>(events, 'incident_id');
		const lon = col<number | null>(events, 'longitude');
		const lat = col<number | null>(events, 'latitude');
		let located = 0;
		ids.forEach((id, k) => {
			const c = byId.get(id)!;
			if (c.lon === null) return expect(lon[k]).toBeNull();
			expect(Math.abs(lon[k]! - c.lon)).toBeLessThan(1e-6);
			expect(Math.abs(lat[k]! - c.lat!)).toBeLessThan(1e-6);
			located++;
		});
		expect(located).toBe(calls.filter((c) => c.lon !== null).length);
		expect(located).toBeGreaterThan(150);
		expect(() => parseFileMapping(JSON.stringify({ files: [{ ...entries[0], crs: 'EPSG:9999999' }] }), 'm.json')).toThrow(/files\[0\]\.crs: /);
		expect(() => parseFileMapping(JSON.stringify({ files: [{ ...entries[0], crs: 27700 }] }), 'm.json')).toThrow(/files\[0\]\.crs must be an EPSG code/);
	});
});

describe('the mapping file: shape, matching and errors', () => {
	it('a pattern matches a file name (*, ?), or with a / the path from the working folder (**)', () => {
		expect(patternMatches('cad-*.csv', '/x/y/cad-calls-2019.csv')).toBe(true);
		expect(patternMatches('cad-*.csv', '/x/y/rms-crimes.csv')).toBe(false);
		expect(patternMatches('rms-201?.csv', '/x/rms-2019.csv')).toBe(true);
		expect(patternMatches('sample-data/**/2019-03-*.csv', join(process.cwd(), SAMPLE, 'street/2019-03-city-of-london-street.csv'))).toBe(true);
		expect(patternMatches('sample-data/*/2019-03-*.csv', join(process.cwd(), SAMPLE, 'street/2019-03-city-of-london-street.csv'))).toBe(false);
	});

	it('the first entry that matches reads a file; a file no entry matches is detected as usual; an entry matching nothing is an error', () => {
		const spec = parseFileMapping(JSON.stringify(MAPPING), 'm.json');
		const got = resolveFileMappings(spec, ['/d/cad-a.csv', '/d/rms-b.csv', '/d/2019-03-city-of-london-street.csv']);
		expect(got.map((g) => g?.format)).toEqual(['events', 'month-incidents', undefined]);
		expect(() => resolveFileMappings(spec, ['/d/cad-a.csv'])).toThrow(/files\[1\] \(match "rms-\*\.csv"\) matches none of the 1 input file \(cad-a\.csv\)/);
	});

	it('lists every problem with its place', () => {
		const bad = {
			files: [
				{ match: '', format: 'calls', columns: { timestamp: 3 } },
				{ match: 'rms.csv', format: 'month-incidents', columns: { committed: 'Committed' }, colour: 'red', color: 'blue' }
			],
			extra: true
		};
		let message = '';
		try {
			parseFileMapping(JSON.stringify(bad), 'bad.json');
		} catch (e) {
			expect(e).toBeInstanceOf(FileMappingError);
			message = (e as Error).message;
		}
		expect(message).toContain('bad.json: 6 problems');
		expect(message).toContain('files[0].columns.timestamp must be a column name (non-empty text), got number 3');
		expect(message).toContain('unknown key "extra" at the top');
		expect(message).toContain('files[0].match must be a file name pattern');
		expect(message).toContain('files[0].format must be one of "events"');
		expect(message).toContain('files[1]: unknown keys "colour", "color"');
		expect(message).toContain('files[1].columns.committed: unknown field for format "month-incidents"');
		expect(() => parseFileMapping('{ "files": [', 'x.json')).toThrow(/x\.json: not valid JSON/);
		expect(() => parseFileMapping('{ "files": [] }', 'x.json')).toThrow(/"files" must be a non-empty list/);
	});

	it('the command line: --mapping builds both (exit 0), with --columns is a usage error (exit 2), an unmatched entry exits 2', () => {
		const run = (args: string[]) =>
			spawnSync(TSX, ['scripts/build-extracts.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
		const both = run(['--input', cadPath, rmsPath, '--out', join(dir, 'cli-out'), '--no-areas', '--no-partitions', '--mapping', mappingPath]);
		expect(both.stderr).toBe('');
		expect(both.status).toBe(0);
		expect(both.stdout).toMatch(new RegExp(`cad-calls-2019\\.csv\\s+events\\s+${calls.length}\\s+${calls.length}\\s+0`));
		expect(both.stdout).toMatch(new RegExp(`rms-crimes-2019\\.csv\\s+month-incidents\\s+${crimes.length}\\s+${crimes.length}\\s+0`));
		const mixed = run(['--input', cadPath, '--out', join(dir, 'x'), '--no-areas', '--mapping', mappingPath, '--columns', 'timestamp=Created']);
		expect(mixed.status).toBe(2);
		expect(mixed.stderr).toContain('--mapping names each file');
		const unmatched = run(['--input', cadPath, '--out', join(dir, 'y'), '--no-areas', '--no-partitions', '--mapping', mappingPath]);
		expect(unmatched.status).toBe(2);
		expect(unmatched.stderr).toContain('files[1] (match "rms-*.csv") matches none of the 1 input file');
	}, 120_000);
});
