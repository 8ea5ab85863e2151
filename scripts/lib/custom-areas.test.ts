/**
 * A force's own areas built into extracts from real boundaries and real rows (issue 16 §3):
 * - the London LSOA shapefile (British National Grid, .prj) read as custom areas, its LSOAs
 *   joined by MSOA11CD into 983 "neighbourhoods built from LSOAs", with the City of London
 *   street records: each area's total equals its records counted independently (planar
 *   point-in-polygon in BNG metres over the raw shapefile, in SQL), and every record is in an
 *   area, outside every area, or without a location;
 * - the Lancashire districts (GeoJSON, WGS84) with the Lancashire ASB rows: each district's total
 *   equals an independent count (the raw file's LSOA → local authority in IMD 2019 File 1, in SQL).
 * The command line is parsed as the user types it (parseBuildExtractsArgs), then built; the London
 * areas are also the force area (--force-area districts).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as shapefile from 'shapefile';
import { beforeAll, describe, expect, it } from 'vitest';
import { BNG_CODE, createInverseTransform, resolveCrs } from '../../analytics/ingest/crs';
import { BOUNDARY_RULE, NO_LOCATION_REASON, OUTSIDE_REASON } from '../../analytics/boundaries';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import type { Position } from '../../analytics/shared/geojson';
import { parseBuildExtractsArgs } from '../build-extracts';
import { attachBaseDatabase } from './base-database';
import { buildExtracts, districtsLines, OUTSIDE_AREAS_FILE, type BuildOptions } from './extracts';
import { col, readArrow, tempDirs } from './extract-test-utils';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { readAreaSet } from './districts';

const tempDir = tempDirs('clearsight-custom-areas-');
const LONDON_SHP = 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp';
const CITY_STREET = 'sample-data/police-uk/city-of-london/street';
const LANCASHIRE = 'sample-data/police-uk/lancashire-asb-2022';
const IMD_FILE_1 = 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz';

/** Build from a command line, as `npm run extracts -- …` would (without printing). */
async function buildFromArgs(argv: string[]): Promise<{ out: string; manifest: ExtractManifest }> {
	const out = tempDir();
	const parsed = parseBuildExtractsArgs([...argv, '--out', out, '--no-partitions']);
	if (parsed === 'help' || parsed.sample) throw new Error('expected a build');
	const { sample: _, ...options } = parsed;
	const { manifest } = await buildExtracts({ ...(options as BuildOptions), fingerprint: '' });
	return { out, manifest };
}

async function withBase<T>(dir: string, manifest: ExtractManifest, f: (runner: NodeRunner) => Promise<T>): Promise<T> {
	const runner = await createNodeRunner();
	try {
		await attachBaseDatabase(runner, dir, manifest.base_database!, 'b');
		return await f(runner);
	} finally {
		runner.close();
	}
}

/** Per district, the records of `dataset` as the Map's pre-aggregate counts them. */
async function explorePointTotals(dir: string, dataset: string): Promise<Map<string | null, number>> {
	const t = await readArrow(dir, 'explore_points');
	const ds = col<string>(t, 'dataset');
	const ids = col<string | null>(t, 'district_id');
	const n = col<number>(t, 'n');
	const totals = new Map<string | null, number>();
	ds.forEach((d, i) => d === dataset && totals.set(ids[i], (totals.get(ids[i]) ?? 0) + Number(n[i])));
	return totals;
}

/** Even-odd ray casting in the plane (independent of d3-geo's spherical test). */
function insideRings(rings: Position[][], x: number, y: number): boolean {
	let inside = false;
	for (const ring of rings) {
		for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
			const [xi, yi] = ring[i];
			const [xj, yj] = ring[j];
			if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
		}
	}
	return inside;
}

describe('custom areas from the London LSOA shapefile (BNG) joined by MSOA, with City of London street records', () => {
	let out: string;
	let manifest: ExtractManifest;
	beforeAll(async () => {
		({ out, manifest } = await buildFromArgs([
			'--input', CITY_STREET, '--no-areas',
			'--districts', LONDON_SHP, '--district-id', 'MSOA11CD', '--areas-label', 'Neighbourhoods built from LSOAs',
			'--force-area', 'districts', '--force-name', 'London MSOAs'
		]));
	}, 600_000);

	it('the manifest records the area set: label, file, fields, coordinate system, rule, count', () => {
		expect(manifest.districts_info).toMatchObject({
			label: 'Neighbourhoods built from LSOAs',
			label_from: 'given',
			file: 'london-2011-lsoa-gen20.shp',
			format: 'shapefile',
			id_field: 'MSOA11CD',
			name_field: 'MSOA11NM',
			crs: BNG_CODE,
			areas: 983,
			features: 4835,
			rule: BOUNDARY_RULE,
			placed_by: 'point',
			outside: { listed_in: OUTSIDE_AREAS_FILE }
		});
		expect(manifest.datasets.find((d) => d.name === 'districts')?.rows).toBe(983);
	});

	it('the custom areas are the force area (--force-area districts): inside the force area exactly when in an area', () => {
		const c = manifest.districts_info!.records.incidents!;
		expect(manifest.force_area).toMatchObject({ name: 'London MSOAs', unit: 'district', method: 'boundary-file', areas: 983 });
		expect(manifest.force_area!.records.incidents).toEqual({ inside: c.inside, outside: c.outside, unplaced: c.no_location });
	});

	it('every record is accounted for: in an area + outside every area + no location = records (independent SQL)', async () => {
		const c = manifest.districts_info!.records.incidents!;
		const sql = await withBase(out, manifest, (r) =>
			r.rows<{ records: number; located: number; unlocated: number }>(
				`SELECT count(*) AS records, count(longitude) AS located, count(*) - count(longitude) AS unlocated FROM b.incidents`
			)
		);
		expect(c.inside + c.outside + c.no_location).toBe(c.records);
		expect(c.records).toBe(sql[0].records);
		expect(c.records).toBe(manifest.totals.accepted);
		expect(c.no_location).toBe(sql[0].unlocated);
		expect(c.inside + c.outside).toBe(sql[0].located);
		expect(manifest.districts_info!.outside.reasons).toEqual([
			{ dataset: 'incidents', reason: OUTSIDE_REASON, count: c.outside },
			{ dataset: 'incidents', reason: NO_LOCATION_REASON, count: c.no_location }
		]);
		// Outside every area: records in LSOAs beyond the London file (sample-data/README.md: four LSOAs touched by
		// City of London Police records lie outside it). police.uk's own LSOA of each such record is not in the file.
		expect(c.outside).toBeGreaterThan(0);
		const source = await shapefile.openDbf(LONDON_SHP.replace(/\.shp$/, '.dbf'));
		const london = new Set<string>();
		for (let r = await source.read(); !r.done; r = await source.read()) london.add(String((r.value as Record<string, unknown>).LSOA11CD));
		// outside-areas.csv lists every record in no area (outside first, then no location, file and line order); the manifest the first 20 of each reason.
		const listed = readFileSync(join(out, OUTSIDE_AREAS_FILE), 'utf8').trim().split(/\r?\n/);
		expect(listed[0]).toBe('dataset,source_file,source_line,longitude,latitude,area_code,reason');
		expect(listed.length - 1).toBe(c.outside + c.no_location);
		const outsideLsoas = new Set(listed.slice(1, 1 + c.outside).map((l) => l.split(',')[5]));
		// Most are in LSOAs beyond the file; a few have a London LSOA but a point just off the generalised, clipped
		// polygons (the Thames bank): their points are outside every polygon (the next test checks each point independently).
		const beyond = [...outsideLsoas].filter((code) => !london.has(code));
		expect(beyond.length).toBeGreaterThan(0);
		console.log(`outside every area: ${c.outside} records; police.uk LSOAs beyond the London file: ${beyond.sort().join(', ')}; in it (point off its polygons): ${[...outsideLsoas].filter((code) => london.has(code)).sort().join(', ')}`);
		const first = manifest.districts_info!.outside.first;
		expect(first.length).toBe(40);
		expect(first.slice(0, 20).every((r) => r.reason === OUTSIDE_REASON && r.longitude !== null)).toBe(true);
		expect(first.slice(20).every((r) => r.reason === NO_LOCATION_REASON && r.longitude === null)).toBe(true);
		expect(listed[1]).toBe(`incidents,${first[0].source_file},${first[0].source_line},${first[0].longitude},${first[0].latitude},${first[0].area_code},${OUTSIDE_REASON}`);
		const lines = districtsLines(manifest.districts_info!);
		expect(lines[0]).toBe(`neighbourhoods built from LSOAs, incidents: ${c.inside} in an area + ${c.outside} outside every area + ${c.no_location} with no location = ${c.records} records`);
		expect(lines[1]).toBe(`  outside every area: incidents ${first[0].source_file} line ${first[0].source_line} (${first[0].longitude}, ${first[0].latitude})`);
		console.log(`City street records against 983 MSOAs: ${lines.join(' | ')}`);
	});

	it("each area's total (the records' district_id, and the Map's pre-aggregate) equals its records placed independently: planar point-in-polygon in BNG over the raw shapefile", async () => {
		// The raw shapefile, in BNG metres as stored, each LSOA with its MSOA.
		const source = await shapefile.open(LONDON_SHP);
		const lsoas: Array<{ msoa: string; rings: Position[][]; box: [number, number, number, number] }> = [];
		for (let r = await source.read(); !r.done; r = await source.read()) {
			const g = r.value.geometry as { type: string; coordinates: Position[][] | Position[][][] };
			const rings = (g.type === 'Polygon' ? g.coordinates : (g.coordinates as Position[][][]).flat()) as Position[][];
			const xs = rings.flat().map((p) => p[0]);
			const ys = rings.flat().map((p) => p[1]);
			lsoas.push({ msoa: String((r.value.properties as Record<string, unknown>).MSOA11CD), rings, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
		}
		const toBng = createInverseTransform(resolveCrs(BNG_CODE));
		const { built, independent, map } = await withBase(out, manifest, async (runner) => {
			const points = await runner.rows<{ longitude: number; latitude: number }>(`SELECT DISTINCT longitude, latitude FROM b.incidents WHERE longitude IS NOT NULL`);
			await runner.exec(`CREATE TEMP TABLE independent_place (longitude DOUBLE, latitude DOUBLE, msoa VARCHAR)`);
			const appender = await runner.connection.createAppender('independent_place', 'main', 'temp');
			for (const p of points) {
				const [x, y] = toBng([p.longitude, p.latitude]);
				const hit = lsoas.find((l) => x >= l.box[0] && x <= l.box[2] && y >= l.box[1] && y <= l.box[3] && insideRings(l.rings, x, y));
				appender.appendDouble(p.longitude);
				appender.appendDouble(p.latitude);
				if (hit) appender.appendVarchar(hit.msoa);
				else appender.appendNull();
				appender.endRow();
			}
			appender.closeSync();
			const built = await runner.rows<{ area: string | null; n: number }>(`SELECT district_id AS area, count(*) AS n FROM b.incidents GROUP BY ALL ORDER BY ALL`);
			const independent = await runner.rows<{ area: string | null; n: number }>(
				`SELECT p.msoa AS area, count(*) AS n FROM b.incidents i LEFT JOIN independent_place p USING (longitude, latitude) GROUP BY ALL ORDER BY ALL`
			);
			return { built, independent, map: await explorePointTotals(out, 'incidents') };
		});
		expect(built).toEqual(independent);
		expect([...map.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual(
			built.map((r) => [r.area, r.n] as const).sort(([a], [b]) => String(a).localeCompare(String(b)))
		);
		const areas = built.filter((r) => r.area !== null);
		console.log(`City street records in ${areas.length} MSOAs; the largest: ${[...areas].sort((a, b) => b.n - a.n).slice(0, 3).map((r) => `${r.area} ${r.n}`).join(', ')}`);
		expect(areas.length).toBeGreaterThan(1);
	});
});

describe('the Lancashire districts (GeoJSON, WGS84) with the Lancashire ASB rows', () => {
	let out: string;
	let manifest: ExtractManifest;
	beforeAll(async () => {
		({ out, manifest } = await buildFromArgs([
			'--input', `${LANCASHIRE}/lancashire_asb.tab`, '--no-areas', '--format', 'month-incidents',
			'--constant', 'category=Anti-social behaviour,falls_within=Lancashire Constabulary',
			'--districts', `${LANCASHIRE}/lancashire_districts.geojson`
		]));
	}, 600_000);

	it('the area set is the default "Districts" with the detected fields; every record is in a district', () => {
		expect(manifest.districts_info).toMatchObject({
			label: 'Districts',
			label_from: 'default',
			file: 'lancashire_districts.geojson',
			format: 'geojson',
			id_field: 'objectid',
			name_field: 'district',
			crs: 'EPSG:4326',
			areas: 14,
			features: 14,
			placed_by: 'lsoa-then-point',
			records: { incidents: { records: 56434, inside: 56434, outside: 0, no_location: 0 } },
			outside: { reasons: [], first: [] }
		});
		expect(OUTSIDE_REASON).toBe('outside every area');
	});

	it("each district's total equals an independent count: the raw file's LSOA → local authority (IMD 2019 File 1), the one row outside by its point", async () => {
		const { built, independent } = await withBase(out, manifest, async (runner) => {
			const built = await runner.rows<{ area: string; n: number }>(`SELECT district_id AS area, count(*) AS n FROM b.incidents GROUP BY ALL ORDER BY ALL`);
			const independent = await runner.rows<{ area: string; n: number }>(
				`WITH raw AS (SELECT * FROM read_csv(?, delim = '\t', header = true, all_varchar = true)),
				      lad AS (SELECT "LSOA code (2011)" AS lsoa, "Local Authority District code (2019)" AS lad FROM read_csv(?, header = true, all_varchar = true))
				 SELECT coalesce(lad.lad, CASE WHEN raw.lsoa_code = ? THEN ? END) AS area, count(*) AS n
				 FROM raw LEFT JOIN lad ON lad.lsoa = raw.lsoa_code AND lad.lad IN (SELECT DISTINCT district_id FROM b.incidents)
				 GROUP BY ALL ORDER BY ALL`,
				// The one row whose LSOA is in Sefton (README: its point lies in West Lancashire, E07000127).
				[`${LANCASHIRE}/lancashire_asb.tab`, IMD_FILE_1, SEFTON_LSOA, 'E07000127']
			);
			return { built, independent };
		});
		expect(built.length).toBe(14);
		expect(built).toEqual(independent);
		expect((await explorePointTotals(out, 'incidents')).get('E07000127')).toBe(built.find((r) => r.area === 'E07000127')!.n);
	});
});

/** Filled in from the data by the test below it (the LSOA of the Lancashire row outside the 14 authorities). */
let SEFTON_LSOA = '';
beforeAll(async () => {
	const runner = await createNodeRunner();
	try {
		const rows = await runner.rows<{ lsoa_code: string }>(
			`SELECT lsoa_code FROM read_csv(?, delim = '\t', header = true, all_varchar = true)
			 WHERE lsoa_code NOT IN (SELECT "LSOA code (2011)" FROM read_csv(?, header = true, all_varchar = true)
			                          WHERE "Local Authority District code (2019)" IN ('E06000008','E06000009','E07000117','E07000118','E07000119','E07000120','E07000121','E07000122','E07000123','E07000124','E07000125','E07000126','E07000127','E07000128'))`,
			[`${LANCASHIRE}/lancashire_asb.tab`, IMD_FILE_1]
		);
		expect(rows.length).toBe(1);
		SEFTON_LSOA = rows[0].lsoa_code;
	} finally {
		runner.close();
	}
});

describe('the command line for area sets', () => {
	it('--areas-label and --areas-crs need a boundary file; an empty label is refused', () => {
		expect(() => parseBuildExtractsArgs(['--input', 'x.csv', '--out', 'o', '--areas-label', 'Wards'])).toThrow('--areas-label needs --districts <file>');
		expect(() => parseBuildExtractsArgs(['--input', 'x.csv', '--out', 'o', '--areas-crs', 'EPSG:27700'])).toThrow('--areas-crs needs --districts <file>');
		expect(() => parseBuildExtractsArgs(['--input', 'x.csv', '--out', 'o', '--districts', 'w.geojson', '--areas-label', ' '])).toThrow('--areas-label needs a name');
		const parsed = parseBuildExtractsArgs(['--input', 'x.csv', '--out', 'o', '--districts', 'w.shp', '--areas-label', 'Wards', '--areas-crs', 'EPSG:27700']);
		expect(parsed !== 'help' && !parsed.sample && parsed.districts).toMatchObject({ file: 'w.shp', label: 'Wards', crs: 'EPSG:27700' });
	});

	it('a GeoPackage, a missing file and a shapefile without its .dbf are named', async () => {
		const dir = tempDir();
		writeFileSync(join(dir, 'wards.gpkg'), 'SQLite format 3\0');
		await expect(readAreaSet(join(dir, 'wards.gpkg'))).rejects.toThrow(/wards\.gpkg: GeoPackage \(\.gpkg\) files are not read.*GeoJSON or as a shapefile/);
		await expect(readAreaSet(join(dir, 'none.geojson'))).rejects.toThrow(/none\.geojson: boundary file not found/);
		copyFileSync(LONDON_SHP, join(dir, 'lsoa.shp'));
		await expect(readAreaSet(join(dir, 'lsoa.shp'))).rejects.toThrow(/lsoa\.shp: no .*lsoa\.dbf beside it/);
	});
});
