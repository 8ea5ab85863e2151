/**
 * Tests of scripts/lib/areas.ts on the real London LSOA 2011 shapefile and IoD 2019 files in
 * sample-data/ (copied unchanged from the project's data collection). Every expectation is computed independently of the code under test: the
 * reprojection against the Ordnance Survey's published formulas, neighbours and areas against
 * the raw British National Grid polygons, IMD values against the raw CSV lines.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as shapefile from 'shapefile';
import { geoArea } from 'd3';
import { createNodeRunner, type NodeRunner } from './node-runner';
import {
	EARTH_RADIUS_KM,
	locatePoints,
	readImd,
	readLsoaBoundaries,
	simplifyAndSelect,
	type AreaGeometry,
	type LsoaFeature
} from './areas';

const DATA = 'sample-data';
const BOUNDARIES = `${DATA}/boundaries/london-lsoa-2011`;
const SHP = `${BOUNDARIES}/london-2011-lsoa-gen20.shp`;
const IMD_DIR = `${DATA}/context/imd2019`;
const IMD_FILES = {
	imdFile: `${IMD_DIR}/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz`,
	domainsFile: `${IMD_DIR}/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz`,
	populationFile: `${IMD_DIR}/File_6_-_IoD2019_Population_Denominators.csv.gz`
};

type Xy = [number, number];

// ---------------------------------------------------------------------------------------------
// Independent British National Grid → WGS84, from Ordnance Survey, "A guide to coordinate
// systems in Great Britain" (v3.6, 2020): Annex C (transverse Mercator, grid → OSGB36 lat/lon
// on Airy 1830), Annex B (lat/lon ↔ cartesian) and §6.6 (7-parameter Helmert, OSGB36 → WGS84
// taken as ETRS89, accurate to a few metres; proj4 uses the same parameters).

const RAD = Math.PI / 180;
const ARCSEC = RAD / 3600;

/** OS guide Annex C: easting/northing (m) → OSGB36 [lon, lat] degrees. */
function bngToOsgb36(easting: number, northing: number): Xy {
	const [a, b, f0, phi0, lambda0, e0, n0] = [6377563.396, 6356256.909, 0.9996012717, 49 * RAD, -2 * RAD, 400000, -100000];
	const e2 = 1 - (b * b) / (a * a);
	const n = (a - b) / (a + b);
	const meridional = (phi: number) =>
		b * f0 * ((1 + n + (5 / 4) * n ** 2 + (5 / 4) * n ** 3) * (phi - phi0) -
			(3 * n + 3 * n ** 2 + (21 / 8) * n ** 3) * Math.sin(phi - phi0) * Math.cos(phi + phi0) +
			((15 / 8) * n ** 2 + (15 / 8) * n ** 3) * Math.sin(2 * (phi - phi0)) * Math.cos(2 * (phi + phi0)) -
			(35 / 24) * n ** 3 * Math.sin(3 * (phi - phi0)) * Math.cos(3 * (phi + phi0)));
	let phi = (northing - n0) / (a * f0) + phi0;
	while (Math.abs(northing - n0 - meridional(phi)) >= 1e-5) phi += (northing - n0 - meridional(phi)) / (a * f0);
	const [s, c, t] = [Math.sin(phi), Math.cos(phi), Math.tan(phi)];
	const nu = (a * f0) / Math.sqrt(1 - e2 * s * s);
	const rho = (a * f0 * (1 - e2)) / (1 - e2 * s * s) ** 1.5;
	const eta2 = nu / rho - 1;
	const vii = t / (2 * rho * nu);
	const viii = (t / (24 * rho * nu ** 3)) * (5 + 3 * t * t + eta2 - 9 * t * t * eta2);
	const ix = (t / (720 * rho * nu ** 5)) * (61 + 90 * t * t + 45 * t ** 4);
	const x = 1 / (c * nu);
	const xi = (1 / (c * 6 * nu ** 3)) * (nu / rho + 2 * t * t);
	const xii = (1 / (c * 120 * nu ** 5)) * (5 + 28 * t * t + 24 * t ** 4);
	const xiia = (1 / (c * 5040 * nu ** 7)) * (61 + 662 * t * t + 1320 * t ** 4 + 720 * t ** 6);
	const de = easting - e0;
	const lat = phi - vii * de ** 2 + viii * de ** 4 - ix * de ** 6;
	const lon = lambda0 + x * de - xi * de ** 3 + xii * de ** 5 - xiia * de ** 7;
	return [lon / RAD, lat / RAD];
}

/** OS guide Annex B and §6.6: OSGB36 [lon, lat] → WGS84 [lon, lat] degrees (height 0). */
function osgb36ToWgs84([lon, lat]: Xy): Xy {
	const [a1, b1] = [6377563.396, 6356256.909];
	const e21 = 1 - (b1 * b1) / (a1 * a1);
	const [phi, lambda] = [lat * RAD, lon * RAD];
	const nu = a1 / Math.sqrt(1 - e21 * Math.sin(phi) ** 2);
	const [x, y, z] = [nu * Math.cos(phi) * Math.cos(lambda), nu * Math.cos(phi) * Math.sin(lambda), (1 - e21) * nu * Math.sin(phi)];
	// The OS's ETRS89 → OSGB36 parameters with every sign reversed (the guide's own inverse).
	const [tx, ty, tz, s] = [446.448, -125.157, 542.06, -20.4894e-6];
	const [rx, ry, rz] = [0.1502 * ARCSEC, 0.247 * ARCSEC, 0.8421 * ARCSEC];
	const x2 = tx + (1 + s) * x - rz * y + ry * z;
	const y2 = ty + rz * x + (1 + s) * y - rx * z;
	const z2 = tz - ry * x + rx * y + (1 + s) * z;
	const [a2, b2] = [6378137, 6356752.314245];
	const e22 = 1 - (b2 * b2) / (a2 * a2);
	const p = Math.hypot(x2, y2);
	let phi2 = Math.atan2(z2, p * (1 - e22));
	for (let i = 0; i < 10; i++) phi2 = Math.atan2(z2 + (e22 * a2 * Math.sin(phi2)) / Math.sqrt(1 - e22 * Math.sin(phi2) ** 2), p);
	return [Math.atan2(y2, x2) / RAD, phi2 / RAD];
}

const bngToWgs84 = (xy: Xy): Xy => osgb36ToWgs84(bngToOsgb36(xy[0], xy[1]));

// ---------------------------------------------------------------------------------------------
// Raw reading helpers, independent of areas.ts.

interface RawArea {
	code: string;
	rings: Xy[][];
}

/** The shapefile's own polygons, untouched, in British National Grid metres. */
async function readRawAreas(): Promise<RawArea[]> {
	const collection = await shapefile.read(SHP, SHP.replace(/\.shp$/, '.dbf'));
	return collection.features.map((f) => {
		const g = f.geometry as unknown as AreaGeometry;
		const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
		return { code: String(f.properties?.LSOA11CD), rings: rings as Xy[][] };
	});
}

const edgeKey = (p: Xy, q: Xy) => (p[0] < q[0] || (p[0] === q[0] && p[1] < q[1]) ? `${p}|${q}` : `${q}|${p}`);
const edgesOf = (area: RawArea) => new Set(area.rings.flatMap((r) => r.slice(1).map((q, i) => edgeKey(r[i], q))));
const verticesOf = (area: RawArea) => new Set(area.rings.flatMap((r) => r.map((p) => `${p}`)));

/** Shoelace area of the raw rings (holes are wound the other way, so they subtract), km². */
function planarAreaKm2(area: RawArea): number {
	let twice = 0;
	for (const ring of area.rings) for (let i = 1; i < ring.length; i++) twice += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
	return Math.abs(twice / 2) / 1e6;
}

/** Minimal RFC 4180 line split: commas outside double quotes, "" inside quotes is a quote. */
function splitCsvLine(line: string): string[] {
	const fields: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i];
		if (quoted && ch === '"' && line[i + 1] === '"') (field += '"'), i++;
		else if (ch === '"') quoted = !quoted;
		else if (ch === ',' && !quoted) fields.push(field), (field = '');
		else field += ch;
	}
	return [...fields, field];
}

/** The raw value of `column` on the line of `code`, read with node:zlib, thousands separators removed. */
function rawCsvValue(file: string, code: string, column: string): number {
	const lines = gunzipSync(readFileSync(file)).toString('utf8').split(/\r?\n/);
	const header = splitCsvLine(lines[0].replace(/^\uFEFF/, ''));
	const line = lines.find((l) => l.startsWith(`${code},`));
	if (!line) throw new Error(`${code} not in ${file}`);
	const index = header.indexOf(column);
	if (index < 0) throw new Error(`${column} not in ${file}`);
	return Number(splitCsvLine(line)[index].replaceAll(',', ''));
}

const positionsOf = (g: AreaGeometry) => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());
const vertexCount = (areas: Array<{ geometry: AreaGeometry }>) =>
	areas.reduce((n, a) => n + positionsOf(a.geometry).reduce((m, ring) => m + ring.length, 0), 0);

// ---------------------------------------------------------------------------------------------

let areas: LsoaFeature[];
let raw: RawArea[];

beforeAll(async () => {
	[areas, raw] = await Promise.all([readLsoaBoundaries(SHP), readRawAreas()]);
});

describe('the independent BNG → WGS84 conversion used as reference', () => {
	it('reproduces the OS worked example (OS guide Annex C: E 651409.903, N 313177.270)', () => {
		// Published answer: φ = 52°39′27.2531″ N, λ = 1°43′4.5177″ E (OSGB36).
		const [lon, lat] = bngToOsgb36(651409.903, 313177.27);
		expect(lon).toBeCloseTo(1 + 43 / 60 + 4.5177 / 3600, 7);
		expect(lat).toBeCloseTo(52 + 39 / 60 + 27.2531 / 3600, 7);
	});
});

describe('readLsoaBoundaries', () => {
	it('reads all 4,835 London LSOAs with their codes and names', () => {
		expect(areas).toHaveLength(4835);
		expect(new Set(areas.map((a) => a.code)).size).toBe(4835);
		expect(areas.find((a) => a.code === 'E01000001')).toMatchObject({
			name: 'City of London 001A',
			msoaCode: 'E02000001',
			ladCode: 'E09000001',
			ladName: 'City of London'
		});
	});

	it('reprojects every vertex as the OS formulas do, to the 6-decimal rounding', () => {
		// 1e-6° is ≈ 0.1 m; the rounding contributes up to 5e-7°.
		for (const code of ['E01000001', 'E01002862', 'E01033490']) {
			const mine = positionsOf(areas.find((a) => a.code === code)!.geometry).flat();
			const theirs = raw.find((a) => a.code === code)!.rings.flat().map(bngToWgs84);
			expect(mine.length).toBe(theirs.length);
			mine.forEach(([lon, lat], i) => {
				expect(Math.abs(lon - theirs[i][0])).toBeLessThan(1e-6);
				expect(Math.abs(lat - theirs[i][1])).toBeLessThan(1e-6);
			});
		}
	});

	it('puts the centroid of City of London 001A inside its own converted bounding box', () => {
		const rawCity = raw.find((a) => a.code === 'E01000001')!.rings.flat();
		const [minE, maxE] = [Math.min(...rawCity.map((p) => p[0])), Math.max(...rawCity.map((p) => p[0]))];
		const [minN, maxN] = [Math.min(...rawCity.map((p) => p[1])), Math.max(...rawCity.map((p) => p[1]))];
		const [west, south] = bngToWgs84([minE, minN]);
		const [east, north] = bngToWgs84([maxE, maxN]);
		// The Barbican, north of St Paul's: OS-converted corners fall in -0.10…-0.09 E, 51.51…51.53 N.
		expect(west).toBeGreaterThan(-0.1);
		expect(east).toBeLessThan(-0.09);
		expect(south).toBeGreaterThan(51.51);
		expect(north).toBeLessThan(51.53);
		const [city] = simplifyAndSelect(areas, { keep: new Set(['E01000001']), neighbours: false });
		expect(city.centroidLon).toBeGreaterThan(west);
		expect(city.centroidLon).toBeLessThan(east);
		expect(city.centroidLat).toBeGreaterThan(south);
		expect(city.centroidLat).toBeLessThan(north);
	});

	describe('refuses a projection it cannot use, naming the .prj', () => {
		const cases: Array<{ label: string; prj: string | null; message: RegExp }> = [
			{ label: 'missing', prj: null, message: /projection file not found; expected a \.prj/ },
			{ label: 'not WKT', prj: 'British National Grid', message: /proj4 cannot parse the projection/ },
			{
				label: 'unknown datum on the Airy ellipsoid',
				prj: readFileSync(`${BOUNDARIES}/london-2011-lsoa-gen20.prj`, 'utf8').replace('D_OSGB_1936', 'D_Unknown'),
				message: /no known transformation to WGS84/
			}
		];
		let dir: string;
		beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'areas-test-'))));
		afterAll(() => rmSync(dir, { recursive: true, force: true }));

		it.each(cases)('$label', async ({ label, prj, message }) => {
			const sub = join(dir, label.replaceAll(' ', '-'));
			rmSync(sub, { recursive: true, force: true });
			const files = readdirSync(BOUNDARIES).filter((f) => /\.(shp|shx|dbf|cpg)$/.test(f));
			mkdirSync(sub);
			for (const f of files) symlinkSync(join(BOUNDARIES, f), join(sub, f));
			const prjPath = join(sub, 'london-2011-lsoa-gen20.prj');
			if (prj !== null) writeFileSync(prjPath, prj);
			const shp = join(sub, basename(SHP));
			await expect(readLsoaBoundaries(shp)).rejects.toThrow(message);
			await expect(readLsoaBoundaries(shp)).rejects.toThrow(prjPath);
		});
	});
});

describe('simplifyAndSelect: neighbours', () => {
	/** Codes of raw areas sharing at least one boundary segment with any kept area. */
	function expectedSelection(keep: string[]): string[] {
		const kept = raw.filter((a) => keep.includes(a.code));
		const keptEdges = new Set(kept.flatMap((a) => [...edgesOf(a)]));
		const adjacent = raw.filter((a) => [...edgesOf(a)].some((e) => keptEdges.has(e)));
		return [...new Set([...keep, ...adjacent.map((a) => a.code)])].sort();
	}

	it.each([
		{ keep: ['E01000001'] },
		{ keep: ['E01000001', 'E01000005'] },
		{ keep: ['E01002862'] },
		{ keep: ['E01033490', 'E01004739'] }
	])('keeps $keep plus every area sharing a border segment', ({ keep }) => {
		const result = simplifyAndSelect(areas, { keep: new Set(keep), neighbours: true });
		expect(result.map((a) => a.code).sort()).toEqual(expectedSelection(keep));
		expect(result.filter((a) => a.touched).map((a) => a.code).sort()).toEqual([...keep].sort());
		// Every neighbour shares at least one raw vertex with a kept area.
		const keptVertices = new Set(raw.filter((a) => keep.includes(a.code)).flatMap((a) => [...verticesOf(a)]));
		for (const area of result.filter((a) => !a.touched)) {
			const rawArea = raw.find((a) => a.code === area.code)!;
			expect([...verticesOf(rawArea)].some((v) => keptVertices.has(v)), area.code).toBe(true);
		}
	});

	it('returns only the kept areas without neighbours, and nothing for unknown codes', () => {
		expect(simplifyAndSelect(areas, { keep: new Set(['E01000001']), neighbours: false }).map((a) => a.code)).toEqual(['E01000001']);
		expect(simplifyAndSelect(areas, { keep: new Set(['E99999999']), neighbours: true })).toEqual([]);
	});
});

describe('simplifyAndSelect: simplification of all of London', () => {
	let simplified: ReturnType<typeof simplifyAndSelect>;
	let unsimplified: ReturnType<typeof simplifyAndSelect>;
	beforeAll(() => {
		const all = new Set(areas.map((a) => a.code));
		simplified = simplifyAndSelect(areas, { keep: all, neighbours: false });
		unsimplified = simplifyAndSelect(areas, { keep: all, neighbours: false, simplifyWeight: 0 });
	});

	it('leaves geometry untouched at weight 0 and cuts vertices at the default', () => {
		expect(vertexCount(unsimplified)).toBe(vertexCount(areas));
		expect(vertexCount(simplified)).toBeLessThan(0.9 * vertexCount(areas));
	});

	it('keeps every ring closed with at least 4 positions', () => {
		for (const area of simplified) {
			for (const ring of positionsOf(area.geometry)) {
				expect(ring.length, area.code).toBeGreaterThanOrEqual(4);
				expect(ring.at(-1), area.code).toEqual(ring[0]);
			}
		}
	});

	it('measures unsimplified areas as the raw grid polygons do, within 1%', () => {
		// Planar BNG area differs from the spherical area by the grid scale factor (≈ 0.9998
		// in London, squared) and the sphere-vs-ellipsoid factor (≈ 0.996 at 51.5° N).
		const rawByCode = new Map(raw.map((a) => [a.code, a]));
		for (const area of unsimplified) {
			const planar = planarAreaKm2(rawByCode.get(area.code)!);
			expect(Math.abs(area.areaKm2 / planar - 1), area.code).toBeLessThan(0.01);
		}
	});

	it('keeps every area sane (0.01–20 km²) and within 3% of its unsimplified area', () => {
		simplified.forEach((area, i) => {
			expect(area.code).toBe(unsimplified[i].code);
			expect(area.areaKm2, area.code).toBeGreaterThan(0.01);
			expect(area.areaKm2, area.code).toBeLessThan(20);
			expect(Math.abs(area.areaKm2 / unsimplified[i].areaKm2 - 1), area.code).toBeLessThan(0.03);
		});
	});

	it('never collapses an area or a hole, even at an absurd weight', () => {
		// 1e-6 sr ≈ 40 km² per triangle: every arc shrinks to its endpoints, which alone would
		// leave islands and enclosed areas (one or two arcs) as lines of zero area.
		const all = new Set(areas.map((a) => a.code));
		for (const area of simplifyAndSelect(areas, { keep: all, neighbours: false, simplifyWeight: 1e-6 })) {
			expect(area.areaKm2, area.code).toBeGreaterThan(0);
			for (const ring of positionsOf(area.geometry)) expect(new Set(ring.map((p) => `${p}`)).size, area.code).toBeGreaterThanOrEqual(3);
		}
	});

	it('winds every ring for d3-geo (a polygon is never the rest of the sphere)', () => {
		for (const area of simplified) expect(geoArea(area.geometry) * EARTH_RADIUS_KM ** 2).toBeCloseTo(area.areaKm2, 9);
		expect(Math.max(...simplified.map((a) => geoArea(a.geometry)))).toBeLessThan(1e-5);
	});
});

describe('readImd', () => {
	let runner: NodeRunner;
	beforeAll(async () => (runner = await createNodeRunner()));
	afterAll(() => runner.close());

	it.each(['E01000001', 'E01002862', 'E01033490'])('matches the raw CSV lines for %s', async (code) => {
		const imd = await readImd(IMD_FILES, runner);
		expect(imd.size).toBe(32844);
		expect(imd.get(code)).toEqual({
			imdRank: rawCsvValue(IMD_FILES.imdFile, code, 'Index of Multiple Deprivation (IMD) Rank'),
			imdDecile: rawCsvValue(IMD_FILES.imdFile, code, 'Index of Multiple Deprivation (IMD) Decile'),
			crimeDecile: rawCsvValue(IMD_FILES.domainsFile, code, 'Crime Decile (where 1 is most deprived 10% of LSOAs)'),
			population: rawCsvValue(IMD_FILES.populationFile, code, 'Total population: mid 2015 (excluding prisoners)')
		});
	});

	it('names the file and the column when a header is missing', async () => {
		const swapped = { ...IMD_FILES, imdFile: IMD_FILES.populationFile };
		await expect(readImd(swapped, runner)).rejects.toThrow(
			`${IMD_FILES.populationFile}: column "Index of Multiple Deprivation (IMD) Rank" not found`
		);
	});
});

describe('locatePoints', () => {
	it('locates the centroid of an area in that area', () => {
		// Only for fairly convex areas: the centroid of a concave one can fall outside it (that of
		// E01033490 lies in E01033489).
		const codes = ['E01000001', 'E01000005', 'E01002862', 'E01000003', 'E01004739'];
		const selected = simplifyAndSelect(areas, { keep: new Set(codes), neighbours: false });
		const points = selected.map((a) => ({ lon: a.centroidLon, lat: a.centroidLat }));
		expect(locatePoints(points, areas)).toEqual(selected.map((a) => a.code));
	});

	it('gives null for points outside every area or without a position', () => {
		const points = [
			{ lon: 2.0, lat: 52.5 }, // North Sea off Norfolk
			{ lon: -2.6, lat: 51.45 }, // Bristol
			{ lon: 0, lat: 0 },
			{ lon: Number.NaN, lat: 51.5 }
		];
		expect(locatePoints(points, areas)).toEqual([null, null, null, null]);
	});

	it('agrees with the LSOA police.uk recorded for real street-crime snap points', () => {
		// police.uk assigns each snap point's LSOA itself, from full-resolution boundaries: an
		// independent answer. Snap points sit on streets, which in the City are often LSOA borders,
		// and the 20 m generalised polygons are clipped to the Thames bank, so a few points land in
		// the adjacent LSOA or (on bridges and the river front) in none.
		const file = `${DATA}/police-uk/city-of-london/street/2019-06-city-of-london-street.csv`;
		const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/).map(splitCsvLine);
		const [lonAt, latAt, codeAt] = ['Longitude', 'Latitude', 'LSOA code'].map((c) => header.indexOf(c));
		const london = new Set(areas.map((a) => a.code));
		const records = lines.filter((r) => r[lonAt] !== '' && london.has(r[codeAt]));
		expect(records.length).toBeGreaterThan(500);
		const found = locatePoints(records.map((r) => ({ lon: Number(r[lonAt]), lat: Number(r[latAt]) })), areas);
		const agree = found.filter((code, i) => code === records[i][codeAt]).length;
		expect(agree / records.length).toBeGreaterThan(0.95);
		const rawByCode = new Map(raw.map((a) => [a.code, a]));
		found.forEach((code, i) => {
			if (code === null || code === records[i][codeAt]) return;
			const recordedEdges = edgesOf(rawByCode.get(records[i][codeAt])!);
			const adjacent = [...edgesOf(rawByCode.get(code)!)].some((e) => recordedEdges.has(e));
			expect(adjacent, `${records[i][lonAt]},${records[i][latAt]}: ${code} vs ${records[i][codeAt]}`).toBe(true);
		});
	});
});
