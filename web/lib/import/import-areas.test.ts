/**
 * Areas of the user's own in the browser import (DuckDB-wasm's Node build), on real rows and real
 * boundaries: the Lancashire anti-social behaviour records joined to the 14 Lancashire district
 * polygons give per-area counts equal to an independent point-in-polygon count (a plain
 * ray-casting test over the file's own coordinates, written here) and to the command-line
 * builder's `--districts` on the same inputs; the same polygons converted to British National
 * Grid by this test (proj4, with a GeoJSON `crs` member) give the same counts; City of London
 * street records (real, located in London) are counted and listed as outside every area with
 * their file and line; every record is accounted for; the areas can be the force area.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, type Table } from 'apache-arrow';
import proj4 from 'proj4';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { readArrow } from '../../../scripts/lib/extract-test-utils';
import { BNG_CODE, crsChoice } from '$analytics/ingest/crs';
import { importFiles, type ImportInput, type ImportOptions } from './build';
import { createNodeImportEngine, nodeHelpers } from './node-engine';
import { inspectBoundary, readImportAreas } from './boundary-file';
import { OUTSIDE_LISTED } from './import-areas';

const LANCS = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';
const DISTRICTS = 'sample-data/police-uk/lancashire-asb-2022/lancashire_districts.geojson';
const CITY = 'sample-data/police-uk/city-of-london/street/2019-11-city-of-london-street.csv';

const asInput = (path: string): ImportInput => ({
	name: basename(path),
	pathHint: basename(path),
	bytes: statSync(path).size,
	read: async () => new Uint8Array(readFileSync(path))
});
const asBoundary = (name: string, text: string) => ({ name, bytes: new TextEncoder().encode(text) });

type Ring = number[][];
interface Feature {
	properties: Record<string, string>;
	geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: Ring[] | Ring[][] };
}
const geojson = JSON.parse(readFileSync(DISTRICTS, 'utf8')) as { features: Feature[] };

/** Even-odd ray casting in longitude/latitude over every ring of a feature (holes included). */
function inFeature(f: Feature, x: number, y: number): boolean {
	const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][];
	let inside = false;
	for (const rings of polygons) {
		for (const ring of rings) {
			for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
				const [xi, yi] = ring[i];
				const [xj, yj] = ring[j];
				if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
			}
		}
	}
	return inside;
}

/** Records per district by the independent test, and the located records in none. */
function independentCounts(lon: Array<number | null>, lat: Array<number | null>): { byArea: Map<string, number>; outside: number } {
	const byArea = new Map<string, number>();
	let outside = 0;
	for (let i = 0; i < lon.length; i++) {
		if (lon[i] === null || lat[i] === null) continue;
		const hit = geojson.features.filter((f) => inFeature(f, lon[i]!, lat[i]!));
		if (hit.length === 0) outside++;
		else byArea.set(hit[0].properties.objectid, (byArea.get(hit[0].properties.objectid) ?? 0) + 1);
	}
	return { byArea, outside };
}

const column = <T>(table: Table, name: string): T[] => Array.from(table.getChild(name)!, (v) => v as T);
function countBy(values: Array<string | null>): Map<string, number> {
	const out = new Map<string, number>();
	for (const v of values) if (v !== null) out.set(v, (out.get(v) ?? 0) + 1);
	return out;
}
const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));

async function importWith(paths: string[], options: ImportOptions) {
	const engine = await createNodeImportEngine();
	try {
		return await importFiles(engine, paths.map(asInput), nodeHelpers, {
			mappings: { [basename(LANCS)]: { constants: { category: 'Anti-social behaviour' } } },
			...options
		});
	} finally {
		engine.close();
	}
}

let tmp: string;
beforeAll(() => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-import-areas-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('areas of the user’s own in the browser import', () => {
	it('Lancashire: per-district counts equal an independent point-in-polygon count and the command-line builder’s', async () => {
		const areas = await readImportAreas([asBoundary(basename(DISTRICTS), readFileSync(DISTRICTS, 'utf8'))], { idField: '', nameField: '', crs: '', label: 'Districts' });
		expect(areas).toMatchObject({ label: 'Districts', labelFrom: 'given', set: { idField: 'objectid', nameField: 'district', crs: 'EPSG:4326', format: 'geojson' } });
		expect(areas.set.areas).toHaveLength(14);
		const browser = await importWith([LANCS], { areas, forceArea: { kind: 'none' } });
		const incidents = tableFromIPC(browser.files.get('incidents.arrow')!);
		const ids = column<string | null>(incidents, 'district_id');
		const lon = column<number | null>(incidents, 'longitude');
		const lat = column<number | null>(incidents, 'latitude');
		const independent = independentCounts(lon, lat);
		expect(sorted(countBy(ids))).toEqual(sorted(independent.byArea));
		expect(independent.byArea.size).toBe(14);

		// The builder with the same boundary file (point in polygon: no IMD file given).
		const cli = await buildExtracts({ inputs: [LANCS], out: join(tmp, 'cli'), areas: null, constants: { category: 'Anti-social behaviour' }, districts: { file: DISTRICTS } });
		const cliIds = column<string | null>(await readArrow(join(tmp, 'cli'), 'incidents'), 'district_id');
		expect(sorted(countBy(ids))).toEqual(sorted(countBy(cliIds)));
		expect(incidents.numRows).toBe(cli.manifest.datasets.find((d) => d.name === 'incidents')!.rows);

		// Every record accounted for: in an area + outside every area + no location = the records.
		const info = browser.manifest.districts_info!;
		const o = info.records.incidents!;
		expect(o.inside).toBe(ids.filter((v) => v !== null).length);
		expect(o.outside).toBe(independent.outside);
		expect(o.inside + o.outside + o.no_location).toBe(incidents.numRows);
		expect(o.records).toBe(incidents.numRows);
		// The same account as the builder's (label and file name aside).
		expect(info.records).toEqual(cli.manifest.districts_info!.records);
		expect(info).toMatchObject({ label: 'Districts', id_field: 'objectid', name_field: 'district', crs: 'EPSG:4326', areas: 14, features: 14, placed_by: 'point' });

		// The districts dataset: the 14 areas in the file's order, with names, centroid and area.
		const districts = tableFromIPC(browser.files.get('districts.arrow')!);
		expect(column<string>(districts, 'district_id')).toEqual(geojson.features.map((f) => f.properties.objectid));
		expect(column<string>(districts, 'name')).toEqual(geojson.features.map((f) => f.properties.district));
		const cliDistricts = await readArrow(join(tmp, 'cli'), 'districts');
		const km2 = column<number>(districts, 'area_km2');
		column<number>(cliDistricts, 'area_km2').forEach((a, i) => expect(Math.abs(km2[i] - a) / a).toBeLessThan(0.01));
		// The explore pre-aggregate carries the areas for the Map's district level.
		const points = tableFromIPC(browser.files.get('explore_points.arrow')!);
		const perArea = new Map<string, number>();
		const pid = column<string | null>(points, 'district_id');
		const pn = column<number>(points, 'n');
		pid.forEach((d, i) => d !== null && perArea.set(d, (perArea.get(d) ?? 0) + pn[i]));
		expect(sorted(perArea)).toEqual(sorted(countBy(ids)));
	}, 240_000);

	it('the same polygons in British National Grid (a GeoJSON crs member) give the same counts; outside records are listed with file and line', async () => {
		const bng = crsChoice(BNG_CODE)!;
		const toBng = proj4(proj4.WGS84, bng.proj4);
		// Centimetre precision, as a GIS would write eastings and northings.
		const project = (c: unknown): unknown =>
			typeof (c as number[])[0] === 'number' ? toBng.forward(c as number[]).map((v) => Math.round(v * 100) / 100) : (c as unknown[]).map(project);
		const converted = {
			type: 'FeatureCollection',
			crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } },
			features: geojson.features.map((f) => ({ type: 'Feature', properties: f.properties, geometry: { type: f.geometry.type, coordinates: project(f.geometry.coordinates) } }))
		};
		const text = JSON.stringify(converted);
		const inspection = await inspectBoundary([asBoundary('lancashire_districts_bng.geojson', text)]);
		expect(inspection).toMatchObject({ ok: true, crs: BNG_CODE, crsAsked: false, idField: 'objectid', nameField: 'district', areas: 14 });
		// Without the crs member the coordinates are not degrees: the system is asked, BNG suggested.
		const { crs: _crs, ...undeclared } = converted;
		const asked = await inspectBoundary([asBoundary('lancashire_districts_bng.geojson', JSON.stringify(undeclared))]);
		expect(asked).toMatchObject({ ok: true, crs: BNG_CODE, crsAsked: true, crsDetection: { code: BNG_CODE } });
		const example = inspection.ok ? inspection.fields.find((f) => f.field === 'district')!.example : null;
		expect(example).toBe('Blackburn with Darwen');

		const areas = await readImportAreas([asBoundary('lancashire_districts_bng.geojson', text)], { idField: 'objectid', nameField: 'district', crs: '', label: 'Wards' });
		const result = await importWith([LANCS, CITY], { areas, forceArea: { kind: 'districts', name: 'Lancashire' } });
		const incidents = tableFromIPC(result.files.get('incidents.arrow')!);
		const ids = column<string | null>(incidents, 'district_id');
		const files = column<string>(incidents, 'source_file');
		const lon = column<number | null>(incidents, 'longitude');
		const lat = column<number | null>(incidents, 'latitude');
		const lancs = (i: number) => files[i] === basename(LANCS);
		const independent = independentCounts(lon.filter((_, i) => lancs(i)), lat.filter((_, i) => lancs(i)));
		expect(sorted(countBy(ids.filter((_, i) => lancs(i))))).toEqual(sorted(independent.byArea));

		// City of London records lie in London: every located one is outside every area.
		const cityLocated = lon.filter((v, i) => !lancs(i) && v !== null).length;
		expect(cityLocated).toBeGreaterThan(700);
		expect(ids.filter((v, i) => !lancs(i) && v !== null)).toEqual([]);
		const info = result.manifest.districts_info!;
		expect(info).toMatchObject({ label: 'Wards', label_from: 'given', crs: BNG_CODE, file: 'lancashire_districts_bng.geojson' });
		const o = info.records.incidents!;
		expect(o.outside).toBe(cityLocated + independent.outside);
		expect(o.inside + o.outside + o.no_location).toBe(incidents.numRows);
		expect(info.outside.reasons).toContainEqual({ dataset: 'incidents', reason: 'outside every area', count: o.outside });
		const listed = info.outside.first.filter((r) => r.reason === 'outside every area');
		expect(listed).toHaveLength(OUTSIDE_LISTED);
		// Each listed record is the row at that line of its file, with the coordinates written there.
		const cityLines = readFileSync(CITY, 'utf8').split('\n');
		const header = cityLines[0].split(',');
		for (const r of listed.filter((r) => r.source_file === basename(CITY))) {
			const cells = cityLines[r.source_line - 1].split(',');
			expect(Number(cells[header.indexOf('Longitude')])).toBeCloseTo(r.longitude!, 6);
			expect(Number(cells[header.indexOf('Latitude')])).toBeCloseTo(r.latitude!, 6);
		}
		// Every record in no area is in the CSV kept with the source: one line each after the header.
		const csv = new TextDecoder().decode(result.files.get(info.outside.listed_in!)!);
		expect(csv.trimEnd().split('\r\n').length - 1).toBe(o.outside + o.no_location);

		// The areas as the force area: 14 areas, the records inside exactly when they are in one.
		expect(result.manifest.force_area).toMatchObject({ name: 'Lancashire', unit: 'district', method: 'boundary-file', areas: 14 });
		const flags = column<boolean | null>(incidents, 'in_force_area');
		flags.forEach((f, i) => expect(f).toBe(lon[i] === null ? null : ids[i] !== null));
		expect(tableFromIPC(result.files.get('force_area.arrow')!).numRows).toBe(14);
		const cells = tableFromIPC(result.files.get('force_cells.arrow')!);
		expect(column<number>(cells, 'resolution').filter((r) => r === 7).length).toBeGreaterThan(500);
	}, 240_000);
});
