/**
 * A force's CAD and RMS exports with British National Grid eastings and northings, built the way
 * the README tells a new user to: one `--mapping` file naming each file's columns (the coordinates
 * as `x`/`y`, as `--columns x=…,y=…` takes them), `--crs EPSG:27700`, the force's own areas with
 * `--areas-label` and those areas as the force area (`--force-area districts`).
 *
 * The rows are REAL City of London rows (scripts/lib/cad-rms-fixture.ts says which row plays which
 * role); their published longitude/latitude are converted to eastings/northings here with proj4
 * and the EPSG:27700 definition (OSTN15-free Helmert, as published by EPSG), so every expected
 * figure comes from the source rows, not from the builder.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileMappingError, parseFileMapping } from './file-mapping';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { tempDirs } from './extract-test-utils';
import { toCsvText, writeCadRms, type FixtureCall, type FixtureCrime } from './cad-rms-fixture';

const TSX = 'node_modules/.bin/tsx';
const SHP = 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp';
const BNG =
	'+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const tempDir = tempDirs('clearsight-bng-mapping-');

const MAPPING = {
	files: [
		{ match: 'cad-*.csv', format: 'events', columns: { incident_id: 'Incident Number', timestamp: 'Created', category: 'Call Type', priority: 'Grade', x: 'X', y: 'Y' } },
		{ match: 'rms-*.csv', format: 'month-incidents', columns: { incident_id: 'Crime Reference', month: 'Committed', category: 'Offence', easting: 'Easting', northing: 'Northing', location: 'Location' } }
	]
};

let dir: string;
let out: string;
let calls: FixtureCall[] = [];
let crimes: FixtureCrime[] = [];
let stdout = '';
let status: number | null = null;
let runner: NodeRunner;

const grid = (lon: number | null, lat: number | null): [string, string] => {
	if (lon === null || lat === null) return ['', ''];
	const [e, n] = proj4('WGS84', BNG, [lon, lat]);
	return [e.toFixed(3), n.toFixed(3)];
};

beforeAll(async () => {
	dir = tempDir();
	const real = writeCadRms(dir);
	calls = real.calls;
	crimes = real.crimes;
	// The same real rows, their coordinates as eastings/northings (the WGS84 files are replaced).
	writeFileSync(real.cadPath, toCsvText(['Incident Number', 'Created', 'Call Type', 'Grade', 'X', 'Y'], calls.map((c) => [c.id, c.created, c.type, c.grade, ...grid(c.lon, c.lat)])));
	writeFileSync(
		real.rmsPath,
		toCsvText(['Crime Reference', 'Committed', 'Offence', 'Easting', 'Northing', 'Location'], crimes.map((c) => [c.ref, c.committed, c.offence, ...grid(c.lon, c.lat), c.location]))
	);
	const mappingPath = join(dir, 'mapping.json');
	writeFileSync(mappingPath, JSON.stringify(MAPPING));
	out = join(dir, 'extract');
	const run = spawnSync(
		TSX,
		['scripts/build-extracts.ts', '--input', real.cadPath, real.rmsPath, '--out', out, '--no-areas', '--no-partitions', '--mapping', mappingPath, '--crs', 'EPSG:27700',
			'--districts', SHP, '--district-id', 'MSOA11CD', '--district-name', 'MSOA11NM', '--areas-label', 'Neighbourhoods', '--force-area', 'districts'],
		{ encoding: 'utf8', timeout: 240_000 }
	);
	stdout = run.stdout;
	status = run.status;
	if (run.status !== 0) throw new Error(`build failed (${run.status}): ${run.stderr}`);
	runner = await createNodeRunner();
	await runner.exec(`ATTACH '${join(out, 'base.duckdb')}' AS b (READ_ONLY)`);
}, 300_000);
afterAll(() => runner?.close());

describe('a mapping file names the coordinates x/y (or easting/northing), as --columns does', () => {
	it('accepts x, y, easting, northing as columns; both spellings of one coordinate, or x as a constant, are listed problems', () => {
		const spec = parseFileMapping(JSON.stringify(MAPPING), 'm.json');
		expect(spec.files[0].columns).toMatchObject({ x: 'X', y: 'Y' });
		expect(spec.files[1].columns).toMatchObject({ easting: 'Easting', northing: 'Northing' });
		const twice = { files: [{ match: 'a.csv', format: 'events', columns: { timestamp: 'T', x: 'X', longitude: 'Lon' }, constants: { y: '1' } }] };
		let message = '';
		try {
			parseFileMapping(JSON.stringify(twice), 'twice.json');
		} catch (e) {
			expect(e).toBeInstanceOf(FileMappingError);
			message = (e as Error).message;
		}
		expect(message).toContain('files[0].columns: column mapping names the x (longitude or easting) column twice');
		expect(message).toContain('files[0].constants.y: unknown field for format "events"');
	});

	it('builds both exports in BNG: every row accepted, each point back at its published longitude/latitude', async () => {
		expect(status).toBe(0);
		expect(stdout).toMatch(new RegExp(`cad-calls-2019\\.csv\\s+events\\s+${calls.length}\\s+${calls.length}\\s+0`));
		expect(stdout).toMatch(new RegExp(`rms-crimes-2019\\.csv\\s+month-incidents\\s+${crimes.length}\\s+${crimes.length}\\s+0`));
		const rows = await runner.rows<{ incident_id: string; longitude: number | null; latitude: number | null }>(
			`SELECT incident_id, longitude, latitude FROM b.events`
		);
		expect(rows.length).toBe(calls.length);
		const byId = new Map(rows.map((r) => [r.incident_id, r]));
		let located = 0;
		for (const c of calls) {
			const r = byId.get(c.id)!;
			if (c.lon === null) {
				expect(r.longitude).toBeNull();
				continue;
			}
			located++;
			expect(Math.abs(r.longitude! - c.lon)).toBeLessThan(1e-6);
			expect(Math.abs(r.latitude! - c.lat!)).toBeLessThan(1e-6);
		}
		expect(located).toBeGreaterThan(0);
	});

	it('the usage names every --columns key a README example uses: offence_code, and x/y for a projected system', () => {
		const help = spawnSync(TSX, ['scripts/build-extracts.ts', '--help'], { encoding: 'utf8', timeout: 60_000 });
		expect(help.status).toBe(0);
		expect(help.stdout).toContain('incident_id=<header>,offence_code=<header>]');
		expect(help.stdout).toContain('x=<easting header>,y=<northing header>');
	}, 60_000);

	it('the area set as the force area is named by its label (manifest and log), not "the districts"', () => {
		const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		expect(manifest.districts_info.label).toBe('Neighbourhoods');
		expect(manifest.force_area.method).toBe('boundary-file');
		expect(manifest.force_area.name).toBe('the neighbourhoods of the boundary file');
		expect(stdout).toContain(
			`force area: the neighbourhoods of the boundary file, the neighbourhoods given: ${manifest.districts_info.areas} neighbourhoods;`
		);
		expect(stdout).not.toContain('districts given');
	});
});
