/**
 * Coordinates in a declared system, end to end with native DuckDB (the command-line builder):
 *
 * 1. The shipped London LSOA 2011 shapefile (British National Grid) reprojected to WGS84 with
 *    analytics/ingest/crs.ts and back lands within 1 m of itself at every vertex, and within 1 m
 *    of the builder's existing shapefile path (areas.ts, proj4 from the .prj's WKT).
 * 2. Real police.uk City of London street rows converted to British National Grid HERE (proj4
 *    with the published EPSG:27700 definition written out below, not crs.ts's) and built with
 *    `crs: EPSG:27700` give, row for row, the same H3 cells (r7, r8, r9) and the same LSOA (the
 *    point located in the shipped LSOA polygons) as the WGS84 originals; rows moved outside the
 *    grid's valid area, or with a coordinate that is not a number, are rejected with their line,
 *    column and reason; every row is accepted or rejected; the manifest records the system.
 * 3. The same file with a `.prj` beside it and no --crs is read the same way ('prj'); without
 *    either, a file whose coordinates are headed Easting/Northing is refused as a whole, saying
 *    to declare the system.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import proj4 from 'proj4';
import * as shapefile from 'shapefile';
import { geoDistance } from 'd3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInverseTransform, createPositionTransform, resolveCrs } from '../../analytics/ingest/crs';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { splitCsvLine } from '../../analytics/ingest/detect';
import { createReprojector, locatePoints, readLsoaBoundaries, type LsoaFeature } from './areas';
import { buildExtracts } from './extracts';
import { parseBuildExtractsArgs } from '../build-extracts';
import { col, readArrow, tempDirs } from './extract-test-utils';

const SHP = 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp';
const PRJ = SHP.replace(/\.shp$/, '.prj');
const STREET = 'sample-data/police-uk/city-of-london/street';
const MONTHS = ['2019-10', '2019-11'];
/** EPSG:27700 as published (epsg.io), with the OS's 7-parameter OSGB36 → WGS84 shift. */
const EPSG_27700 =
	'+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
	'+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const EARTH_RADIUS_M = 6371008.8;
const metres = (a: [number, number], b: [number, number]) => geoDistance(a, b) * EARTH_RADIUS_M;

const tempDir = tempDirs('clearsight-crs-');

describe('the London LSOA shapefile through crs.ts', () => {
	it('round-trips British National Grid → WGS84 → British National Grid within 1 m at every vertex, and agrees with areas.ts within 1 m', async () => {
		const bng = resolveCrs('EPSG:27700');
		const toWgs84 = createPositionTransform(bng, SHP);
		const back = createInverseTransform(bng);
		const existing = createReprojector(PRJ);
		const source = await shapefile.open(SHP);
		let vertices = 0;
		let worstRoundTrip = 0;
		let worstAgainstAreas = 0;
		for (let r = await source.read(); !r.done; r = await source.read()) {
			const geometry = r.value.geometry as { type: string; coordinates: unknown };
			const rings = (geometry.type === 'Polygon' ? geometry.coordinates : (geometry.coordinates as number[][][][]).flat()) as number[][][];
			for (const ring of rings) {
				for (const [x, y] of ring) {
					const wgs84 = toWgs84([x, y]);
					const [x2, y2] = back(wgs84);
					worstRoundTrip = Math.max(worstRoundTrip, Math.hypot(x2 - x, y2 - y));
					worstAgainstAreas = Math.max(worstAgainstAreas, metres(wgs84, existing([x, y])));
					vertices++;
				}
			}
		}
		// Every vertex of the 4,835 London LSOAs was checked.
		expect(vertices).toBeGreaterThan(100_000);
		expect(worstRoundTrip).toBeLessThan(1);
		expect(worstAgainstAreas).toBeLessThan(1);
	}, 120_000);
});

interface SourceRow {
	line: number;
	cells: string[];
}

/** The street files' rows, as text cells, with their line numbers. */
function readStreet(month: string): { header: string[]; rows: SourceRow[] } {
	const lines = readFileSync(join(STREET, `${month}-city-of-london-street.csv`), 'utf8').split(/\r?\n/);
	const header = splitCsvLine(lines[0], ',');
	const rows = lines.slice(1).flatMap((text, i) => (text === '' ? [] : [{ line: i + 2, cells: splitCsvLine(text, ',') }]));
	return { header, rows };
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Rows the test moves outside the grid or breaks: (file month, line) → [easting, northing] text. */
const BROKEN: Record<string, Record<number, [string, string]>> = {
	'2019-10': { 5: ['812345', '181000'], 9: ['531000', '-5'] },
	'2019-11': { 4: ['690000', '1250000'], 12: ['531O00', '181000'] }
};

let originalOut: string;
let bngOut: string;
let prjOut: string;
let bngFiles: string[] = [];
let originals: string[] = [];
let lsoas: LsoaFeature[] = [];

beforeAll(async () => {
	const dir = tempDir();
	const toBng = proj4('EPSG:4326', EPSG_27700);
	const bngDir = join(dir, 'bng');
	const prjDir = join(dir, 'prj');
	mkdirSync(bngDir);
	mkdirSync(prjDir);
	for (const month of MONTHS) {
		const { header, rows } = readStreet(month);
		const lon = header.indexOf('Longitude');
		const lat = header.indexOf('Latitude');
		const lsoaCode = header.indexOf('LSOA code');
		const lsoaName = header.indexOf('LSOA name');
		// Longitude/Latitude become Easting/Northing (to the millimetre); the LSOA columns are
		// emptied so the LSOA can only come from the point.
		const outHeader = header.map((h, i) => (i === lon ? 'Easting' : i === lat ? 'Northing' : h));
		const lines = [outHeader.join(',')];
		for (const row of rows) {
			const cells = [...row.cells];
			if (cells[lon] !== '' && cells[lat] !== '') {
				const [e, n] = toBng.forward([Number(cells[lon]), Number(cells[lat])]);
				cells[lon] = e.toFixed(3);
				cells[lat] = n.toFixed(3);
			}
			const broken = BROKEN[month][row.line];
			if (broken) [cells[lon], cells[lat]] = broken;
			cells[lsoaCode] = '';
			cells[lsoaName] = '';
			lines.push(cells.map(quote).join(','));
		}
		const name = `${month}-city-of-london-street.csv`;
		writeFileSync(join(bngDir, name), `${lines.join('\n')}\n`);
		writeFileSync(join(prjDir, name), `${lines.join('\n')}\n`);
		copyFileSync(PRJ, join(prjDir, name.replace(/\.csv$/, '.prj')));
		bngFiles.push(join(bngDir, name));
		originals.push(join(STREET, name));
	}
	// The same kind of file with no system declared and no .prj: refused as a whole.
	writeFileSync(join(prjDir, 'undeclared.csv'), `${readFileSync(bngFiles[0], 'utf8').split('\n').slice(0, 21).join('\n')}\n`);
	originalOut = join(dir, 'out-wgs84');
	bngOut = join(dir, 'out-bng');
	prjOut = join(dir, 'out-prj');
	await buildExtracts({ inputs: originals, out: originalOut, areas: null, partitions: false });
	// The command line's own parsing of --crs.
	const cli = parseBuildExtractsArgs(['--input', ...bngFiles, '--out', bngOut, '--no-areas', '--no-partitions', '--crs', 'EPSG:27700']);
	if (cli === 'help' || cli.sample) throw new Error('unexpected options');
	await buildExtracts({ ...cli });
	await buildExtracts({ inputs: [prjDir], out: prjOut, areas: null, partitions: false });
	lsoas = await readLsoaBoundaries(SHP);
}, 240_000);

const manifest = (out: string) => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ExtractManifest;

interface OutRow {
	file: string;
	line: number;
	lon: number;
	lat: number;
	cells: string[];
}

async function incidents(out: string): Promise<OutRow[]> {
	const table = await readArrow(out, 'incidents');
	const file = col<string>(table, 'source_file');
	const line = col<number>(table, 'source_line');
	const lon = col<number>(table, 'longitude');
	const lat = col<number>(table, 'latitude');
	const cells = [col<string>(table, 'h3_r7'), col<string>(table, 'h3_r8'), col<string>(table, 'h3_r9')];
	return file.map((f, i) => ({ file: f.replace(/^.*\//, ''), line: Number(line[i]), lon: lon[i], lat: lat[i], cells: cells.map((c) => c[i]) }));
}

describe('police.uk rows converted to British National Grid and built with --crs EPSG:27700', () => {
	it('accounts for every row: all accepted but the four broken ones', () => {
		const wgs = manifest(originalOut);
		const bng = manifest(bngOut);
		expect(bng.totals.rows_in).toBe(wgs.totals.rows_in);
		expect(bng.totals.accepted).toBe(wgs.totals.accepted - 4);
		expect(bng.totals.rejected).toBe(wgs.totals.rejected + 4);
		expect(bng.totals.accepted + bng.totals.rejected).toBe(bng.totals.rows_in);
		for (const source of bng.sources) {
			expect(source.crs).toEqual({ code: 'EPSG:27700', label: 'British National Grid', origin: 'declared' });
		}
		for (const source of wgs.sources) expect(source.crs).toEqual({ code: 'EPSG:4326', label: 'WGS 84 longitude/latitude', origin: 'wgs84-default' });
	});

	it('gives the same H3 cells (r7, r8, r9) and the same LSOA as the WGS84 originals, row for row', async () => {
		const before = await incidents(originalOut);
		const after = await incidents(bngOut);
		const key = (r: OutRow) => `${r.file}:${r.line}`;
		const afterBy = new Map(after.map((r) => [key(r), r]));
		const broken = new Set(Object.entries(BROKEN).flatMap(([m, lines]) => Object.keys(lines).map((l) => `${m}-city-of-london-street.csv:${l}`)));
		let compared = 0;
		let located = 0;
		const beforeLsoa = locatePoints(before.map((r) => ({ lon: r.lon, lat: r.lat })), lsoas);
		const afterLsoa = locatePoints(before.map((r) => afterBy.get(key(r)) ?? { lon: NaN, lat: NaN }), lsoas);
		for (let i = 0; i < before.length; i++) {
			const r = before[i];
			const a = afterBy.get(key(r));
			if (broken.has(key(r))) {
				expect(a, key(r)).toBeUndefined();
				continue;
			}
			expect(a, key(r)).toBeDefined();
			expect(a!.cells, key(r)).toEqual(r.cells);
			expect(afterLsoa[i], key(r)).toBe(beforeLsoa[i]);
			if (beforeLsoa[i] !== null) located++;
			// Within a few centimetres of the original point (the millimetre rounding and the datum shift's round trip).
			expect(metres([a!.lon, a!.lat], [r.lon, r.lat]), key(r)).toBeLessThan(0.05);
			compared++;
		}
		expect(compared).toBe(after.length);
		expect(compared).toBeGreaterThan(1500);
		// Most rows lie in a London LSOA (police.uk leaves a few rows without a location, and points
		// snapped onto the Thames lie in none), so the LSOA comparison is over real areas.
		expect(located).toBeGreaterThan(0.85 * compared);
	});

	it('rejects the rows moved outside the valid area, or not numbers, with file, line, column and reason', () => {
		const quarantine = readFileSync(join(bngOut, 'quarantine.csv'), 'utf8').split(/\r?\n/).filter((l) => /Easting|Northing/.test(l) && !l.startsWith('source_file'));
		const rows = quarantine.map((l) => splitCsvLine(l, ','));
		const at = (file: string, line: number) => rows.find((r) => r[0] === `${file}-city-of-london-street.csv` && Number(r[2]) === line);
		const area =
			"British National Grid's valid area (Great Britain and the Isle of Man: eastings 0 to 700,000 m, northings 0 to 1,300,000 m; " +
			'longitude 9.01°W to 2.01°E, latitude 49.75°N to 61.01°N)';
		expect(at('2019-10', 5)?.slice(3)).toEqual(['Easting', `easting 812,345 is outside ${area}`, '812345']);
		expect(at('2019-10', 9)?.slice(3)).toEqual(['Northing', `northing -5 is outside ${area}`, '-5']);
		expect(at('2019-11', 4)?.[3]).toBe('Easting and Northing');
		expect(at('2019-11', 4)?.[4]).toMatch(/^easting 690,000, northing 1,250,000 falls at longitude 3\.\d{4}, latitude 61\.\d{4}, outside British National Grid's valid area/);
		expect(at('2019-11', 12)?.slice(3)).toEqual(['Easting', 'easting "531O00" is not a number', '531O00']);
		expect(rows).toHaveLength(4);
	});
});

describe('--crs on the command line', () => {
	it('takes an offered EPSG code or a .prj file, and refuses anything else as a usage error', () => {
		const parse = (crs: string) => {
			const options = parseBuildExtractsArgs(['--input', 'x.csv', '--out', 'out', '--crs', crs]);
			if (options === 'help' || options.sample) throw new Error('unexpected options');
			return options.crs;
		};
		expect(parse('27700')).toMatchObject({ origin: 'declared', crs: { code: 'EPSG:27700', label: 'British National Grid' } });
		expect(parse(PRJ)).toMatchObject({ origin: 'declared', prj: 'london-2011-lsoa-gen20.prj', crs: { code: 'EPSG:27700' } });
		expect(() => parse('EPSG:7405')).toThrow(/^--crs: EPSG:7405 is not one of the coordinate systems offered \(EPSG:4326 WGS 84 longitude\/latitude, EPSG:27700 British National Grid/);
		expect(() => parse('missing.prj')).toThrow(/^--crs missing\.prj: file not found/);
	});
});

describe('a .prj beside the file', () => {
	it('reads the file in the .prj’s system, and refuses a file headed Easting/Northing with no system declared', async () => {
		const m = manifest(prjOut);
		const bng = manifest(bngOut);
		const byFile = new Map(m.sources.map((s) => [s.file.replace(/^.*\//, ''), s]));
		for (const month of MONTHS) {
			const s = byFile.get(`${month}-city-of-london-street.csv`)!;
			expect(s.crs).toEqual({ code: 'EPSG:27700', label: 'British National Grid', origin: 'prj', prj: `${month}-city-of-london-street.prj` });
			const b = bng.sources.find((x) => x.file.endsWith(`${month}-city-of-london-street.csv`))!;
			expect([s.rows_in, s.accepted, s.rejected]).toEqual([b.rows_in, b.accepted, b.rejected]);
		}
		const undeclared = byFile.get('undeclared.csv')!;
		expect(undeclared.accepted).toBe(0);
		expect(undeclared.rejected).toBe(undeclared.rows_in);
		expect(undeclared.file_error).toMatch(/^the coordinates are in "Easting" and "Northing", which name eastings and northings, but no coordinate system was given: give it with --crs/);
		expect(undeclared.crs).toEqual({ code: 'EPSG:4326', label: 'WGS 84 longitude/latitude', origin: 'wgs84-default' });
		// The .prj path and the declared path place every point identically.
		const a = await incidents(prjOut);
		const b = await incidents(bngOut);
		expect(a.map((r) => [r.file, r.line, r.lon, r.lat])).toEqual(b.map((r) => [r.file, r.line, r.lon, r.lat]));
	});
});
