/**
 * The boundary readers and the boundary rule on the shipped boundary files: the Lancashire
 * districts (GeoJSON, WGS84), the same districts written in British National Grid by this test
 * (proj4, with a `crs` member), the London LSOA shapefile (BNG, .prj), the Chicago police
 * districts (KML); and bad files, whose errors name the file and the feature.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { geoContains } from 'd3';
import { haversineMeters } from '../clusters/gistar';
import { BNG_CODE, createInverseTransform, resolveCrs } from '../ingest/crs';
import type { AreaGeometry, Position } from '../shared/geojson';
import { readLsoaBoundaries } from '../../scripts/lib/areas';
import {
	BOUNDARY_RULE,
	GEOPACKAGE_MESSAGE,
	areaMeasures,
	detectIdField,
	detectNameField,
	fieldCandidates,
	labelFromField,
	locatePoints,
	readBoundaryFiles,
	readBoundaryText,
	readGeoJson,
	readKml,
	type BoundaryArea
} from '.';

const LANCASHIRE = 'sample-data/police-uk/lancashire-asb-2022/lancashire_districts.geojson';
const LANCASHIRE_ROWS = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';
const CHICAGO = 'sample-data/chicago/chicago_police_districts.kml';
const LONDON = 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20';

const lancashireText = readFileSync(LANCASHIRE, 'utf8');
const lancashire = readGeoJson(lancashireText, 'lancashire_districts.geojson');
const shapefileParts = () => ['shp', 'dbf', 'prj', 'cpg'].map((ext) => ({ name: `london.${ext}`, bytes: readFileSync(`${LONDON}.${ext}`) }));

const rings = (g: AreaGeometry): Position[][] => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());

/** The Lancashire file with every coordinate turned into BNG eastings/northings (proj4 inverse), and a crs member. */
function lancashireInBng(withCrs: boolean): string {
	const toBng = createInverseTransform(resolveCrs(BNG_CODE));
	const json = JSON.parse(lancashireText);
	const walk = (c: unknown): unknown => (typeof (c as number[])[0] === 'number' ? toBng(c as Position) : (c as unknown[]).map(walk));
	for (const f of json.features) f.geometry.coordinates = walk(f.geometry.coordinates);
	if (withCrs) json.crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } };
	else delete json.crs;
	return JSON.stringify(json);
}

/** Distinct record points of the Lancashire ASB file (longitude, latitude columns). */
function lancashirePoints(): Array<{ lon: number; lat: number }> {
	const seen = new Set<string>();
	const points: Array<{ lon: number; lat: number }> = [];
	for (const line of readFileSync(LANCASHIRE_ROWS, 'utf8').trim().split('\n').slice(1)) {
		const [, lon, lat] = line.split('\t');
		if (seen.has(`${lon},${lat}`)) continue;
		seen.add(`${lon},${lat}`);
		points.push({ lon: Number(lon), lat: Number(lat) });
	}
	return points;
}

describe('reading boundary files', () => {
	it('GeoJSON in WGS84: the 14 Lancashire districts, id objectid (unique), name district, every property a candidate', () => {
		expect(lancashire.format).toBe('geojson');
		expect(lancashire.areas.length).toBe(14);
		expect(lancashire.features).toBe(14);
		expect([lancashire.idField, lancashire.nameField, lancashire.crs]).toEqual(['objectid', 'district', 'EPSG:4326']);
		expect(lancashire.areas[0]).toMatchObject({ code: 'E06000008', name: 'Blackburn with Darwen' });
		expect(lancashire.candidates).toEqual([
			{ field: 'objectid', present: 14, distinct: 14, example: 'E06000008' },
			{ field: 'district', present: 14, distinct: 14, example: 'Blackburn with Darwen' }
		]);
		expect(lancashire.suggestedLabel).toBeNull();
		// Wound for d3-geo: every district is smaller than a hemisphere, and each contains its own first record's point below.
		for (const a of lancashire.areas) expect(rings(a.geometry)[0].length).toBeGreaterThanOrEqual(4);
	});

	it('GeoJSON in British National Grid with a crs member (made here with proj4) reads back to the same districts within 1 m', () => {
		const bng = readGeoJson(lancashireInBng(true), 'lancashire-bng.geojson');
		expect(bng.crs).toBe(BNG_CODE);
		expect(bng.areas.map((a) => a.code)).toEqual(lancashire.areas.map((a) => a.code));
		let worst = 0;
		let vertices = 0;
		bng.areas.forEach((area, i) => {
			const a = rings(area.geometry);
			const b = rings(lancashire.areas[i].geometry);
			expect(a.map((r) => r.length)).toEqual(b.map((r) => r.length));
			a.forEach((ring, r) =>
				ring.forEach((p, k) => {
					worst = Math.max(worst, haversineMeters(p[0], p[1], b[r][k][0], b[r][k][1]));
					vertices++;
				})
			);
		});
		console.log(`Lancashire districts via BNG: ${vertices} vertices, worst ${worst.toFixed(3)} m from the WGS84 file`);
		expect(worst).toBeLessThan(1);
	});

	it('the same areas within 1 m: every third distinct Lancashire record point is placed in the same district from the BNG copy, except points within 1 m of a border', () => {
		const bng = readGeoJson(lancashireInBng(true), 'lancashire-bng.geojson');
		const points = lancashirePoints().filter((_, i) => i % 3 === 0);
		const a = locatePoints(points, lancashire.areas);
		const b = locatePoints(points, bng.areas);
		const differ = points.filter((_, i) => a[i] !== b[i]);
		// Reprojection moves vertices by up to ~0.1 m, so a point that close to a border may change sides: at most 1 in 10,000 allowed (measured: none).
		console.log(`${points.length} distinct points; placed differently from the BNG copy: ${differ.length}`);
		expect(differ.length).toBeLessThanOrEqual(Math.ceil(points.length / 10000));
		expect(a.filter((c) => c === null).length).toBe(b.filter((c) => c === null).length);
	});

	it('a BNG GeoJSON without a crs member is refused, naming the file and the feature, unless the system is given', () => {
		const text = lancashireInBng(false);
		expect(() => readGeoJson(text, 'bng.geojson')).toThrow(/^bng\.geojson feature 1: the position \(\d+\.?\d*, \d+\.?\d*\) is not a longitude\/latitude; expected WGS84 degrees, or a declared coordinate system/);
		const given = readGeoJson(text, 'bng.geojson', { crs: 'EPSG:27700' });
		expect(given.crs).toBe(BNG_CODE);
		expect(given.areas.length).toBe(14);
		const declared = lancashireInBng(true);
		expect(() => readGeoJson(declared, 'bng.geojson', { crs: 'EPSG:4326' })).toThrow(/bng\.geojson: the file declares EPSG:27700 but EPSG:4326 was given/);
	});

	it('shapefile (.shp, .dbf, .prj, .cpg from bytes): the 4,835 London LSOAs, identical to the builder\'s LSOA reader', async () => {
		const set = await readBoundaryFiles(shapefileParts());
		expect([set.format, set.crs, set.idField, set.nameField, set.suggestedLabel]).toEqual(['shapefile', BNG_CODE, 'LSOA11CD', 'LSOA11NM', 'LSOAs']);
		expect(set.areas.length).toBe(4835);
		const lsoas = await readLsoaBoundaries(`${LONDON}.shp`);
		expect(set.areas.map((a) => a.code)).toEqual(lsoas.map((l) => l.code));
		// The same WKT through proj4 (crs.ts matches it to EPSG:27700 and uses the published OSGB36 shift): the same
		// vertices, within the 6-decimal rounding.
		let worst = 0;
		set.areas.forEach((area, i) => {
			const a = rings(area.geometry);
			const b = rings(lsoas[i].geometry);
			expect(a.map((r) => r.length)).toEqual(b.map((r) => r.length));
			a.forEach((ring, r) => ring.forEach((p, k) => (worst = Math.max(worst, haversineMeters(p[0], p[1], b[r][k][0], b[r][k][1])))));
		});
		console.log(`London LSOAs from bytes against the builder's reader: worst vertex ${worst.toFixed(3)} m apart`);
		expect(worst).toBeLessThan(0.2);
		expect(set.candidates.find((c) => c.field === 'MSOA11CD')).toEqual({ field: 'MSOA11CD', present: 4835, distinct: 983, example: 'E02000001' });
	});

	it('shapefile read by MSOA11CD: LSOAs sharing an MSOA are one area, dissolved (983 "neighbourhoods built from LSOAs"), named by MSOA11NM', async () => {
		const set = await readBoundaryFiles(shapefileParts(), { idProperty: 'MSOA11CD' });
		expect(set.areas.length).toBe(983);
		expect(set.features).toBe(4835);
		expect(set.nameField).toBe('MSOA11NM');
		expect(set.suggestedLabel).toBe('MSOAs');
		const city = set.areas.find((a) => a.code === 'E02000001')!;
		expect(city.name).toBe('City of London 001');
		// The City's MSOA is its 6 LSOAs (E09000001), dissolved into one outline: the borders between them are gone,
		// its area the sum of theirs.
		const lsoas = (await readBoundaryFiles(shapefileParts())).areas;
		const parts = lsoas.filter((a) => ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'].includes(a.code));
		expect(parts.length).toBe(6);
		expect(city.geometry.type).toBe('Polygon');
		const sum = parts.reduce((n, a) => n + areaMeasures(a.geometry).areaKm2, 0);
		expect(Math.abs(areaMeasures(city.geometry).areaKm2 - sum) / sum).toBeLessThan(1e-9);
		console.log(`City of London MSOA: one outline of ${rings(city.geometry)[0].length} vertices, ${areaMeasures(city.geometry).areaKm2.toFixed(4)} km² (6 LSOAs: ${sum.toFixed(4)} km²)`);
		// Every MSOA's area equals the sum of its LSOAs' (dissolving moves no border).
		const byMsoa = new Map<string, number>();
		for (const m of set.areas) byMsoa.set(m.code, areaMeasures(m.geometry).areaKm2);
		const total = [...byMsoa.values()].reduce((a, b) => a + b, 0);
		const lsoaTotal = lsoas.reduce((n, a) => n + areaMeasures(a.geometry).areaKm2, 0);
		expect(Math.abs(total - lsoaTotal) / lsoaTotal).toBeLessThan(1e-9);
	});

	it('KML: the Chicago police districts, 25 placemarks → 23 districts (district 31 in three parts), named from <description>', () => {
		const set = readKml(readFileSync(CHICAGO, 'utf8'), 'chicago_police_districts.kml');
		expect([set.format, set.areas.length, set.features, set.idField, set.nameField, set.crs]).toEqual(['kml', 23, 25, 'name', 'description', 'EPSG:4326']);
		expect(set.areas.find((a) => a.code === '17')?.name).toBe('District 17');
		const d31 = set.areas.find((a) => a.code === '31')!;
		expect(d31.geometry.type).toBe('MultiPolygon');
		expect(d31.geometry.type === 'MultiPolygon' && d31.geometry.coordinates.length).toBe(3);
	});
});

describe('bad boundary files: the error names the file, the feature and what was expected', () => {
	const collection = (features: unknown[], extra: object = {}) => JSON.stringify({ type: 'FeatureCollection', ...extra, features });
	const square = { type: 'Polygon', coordinates: [[[-2.7, 53.7], [-2.6, 53.7], [-2.6, 53.8], [-2.7, 53.8], [-2.7, 53.7]]] };

	it('not JSON, not a FeatureCollection, not a feature', () => {
		expect(() => readBoundaryText('{ nope', 'w.geojson')).toThrow('w.geojson: not valid JSON; expected a GeoJSON FeatureCollection');
		expect(() => readBoundaryText('{"type": "Feature"}', 'w.geojson')).toThrow(/w\.geojson: expected a GeoJSON FeatureCollection/);
		expect(() => readBoundaryText(collection([{ type: 'Feature', properties: { id: 'a' }, geometry: square }, { type: 'Point' }]), 'w.geojson')).toThrow(
			'w.geojson feature 2: type is "Point"; expected "Feature"'
		);
	});

	it('a point geometry, a missing identifier, an unknown crs', () => {
		const features = [
			{ type: 'Feature', properties: { WD23CD: 'E05000001', WD23NM: 'Ward A' }, geometry: square },
			{ type: 'Feature', properties: { WD23CD: 'E05000002', WD23NM: 'Ward B' }, geometry: { type: 'Point', coordinates: [-2.6, 53.7] } }
		];
		expect(() => readBoundaryText(collection(features), 'wards.geojson')).toThrow('wards.geojson feature 2: geometry is Point; expected Polygon or MultiPolygon');
		const noId = [features[0], { type: 'Feature', properties: { WD23CD: '', WD23NM: 'Ward B' }, geometry: square }];
		expect(() => readBoundaryText(collection(noId), 'wards.geojson', { idProperty: 'WD23CD' })).toThrow(
			'wards.geojson feature 2: property "WD23CD" is missing or empty; expected the area identifier there'
		);
		expect(() => readBoundaryText(collection(noId), 'wards.geojson')).toThrow(/wards\.geojson: no property looks like the area identifier .* the features have WD23CD, WD23NM/);
		expect(() => readBoundaryText(collection([features[0]]), 'wards.geojson', { idProperty: 'ward' })).toThrow('wards.geojson: no property "ward" for the identifier; the features have WD23CD, WD23NM');
		expect(() => readBoundaryText(collection([features[0]], { crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::9999' } } }), 'wards.geojson')).toThrow(
			/wards\.geojson: EPSG:9999 is not one of the coordinate systems offered/
		);
	});

	it('a GeoPackage is refused with the alternatives; a lone .dbf or an unknown file is named', async () => {
		expect(() => readBoundaryText('SQLite format 3', 'wards.gpkg')).toThrow(`wards.gpkg: ${GEOPACKAGE_MESSAGE}`);
		expect(GEOPACKAGE_MESSAGE).toMatch(/GeoJSON or as a shapefile/);
		await expect(readBoundaryFiles([{ name: 'wards.gpkg', bytes: new Uint8Array([83, 81, 76]) }])).rejects.toThrow(/wards\.gpkg: GeoPackage \(\.gpkg\) files are not read/);
		expect(() => readBoundaryText('x', 'wards.dbf')).toThrow('wards.dbf: part of a shapefile; give the .shp with its .dbf and .prj');
		expect(() => readBoundaryText('x', 'wards.txt')).toThrow(/wards\.txt: not a boundary file this reader knows/);
	});

	it('a shapefile without its .dbf, or without a .prj while its coordinates are not degrees', async () => {
		const parts = shapefileParts();
		await expect(readBoundaryFiles(parts.filter((p) => !p.name.endsWith('.dbf')))).rejects.toThrow("london.shp: no london.dbf beside it; expected the shapefile's .dbf");
		await expect(readBoundaryFiles(parts.filter((p) => !p.name.endsWith('.prj')))).rejects.toThrow(/london\.shp: no \.prj beside it and the coordinates are not longitude\/latitude/);
		const given = await readBoundaryFiles(parts.filter((p) => !p.name.endsWith('.prj')), { crs: 'EPSG:27700' });
		expect(given.areas.length).toBe(4835);
	});
});

describe('identifier and name fields', () => {
	it('ward, beat and neighbourhood fields are recognised, the ONS name paired with its code', () => {
		const wards = [
			{ FID: 1, WD23CD: 'E05000001', WD23NM: 'Abbey', LAD23CD: 'E09000001' },
			{ FID: 2, WD23CD: 'E05000002', WD23NM: 'Bank', LAD23CD: 'E09000001' }
		];
		const c = fieldCandidates(wards);
		expect(detectIdField(c, 2)).toBe('WD23CD');
		expect(detectNameField(c, 2, 'WD23CD')).toBe('WD23NM');
		expect(labelFromField('WD23CD')).toBe('Wards');
		const beats = [
			{ beat_num: '1111', sector: '11' },
			{ beat_num: '1112', sector: '11' }
		];
		expect(detectIdField(fieldCandidates(beats), 2)).toBe('beat_num');
		expect(labelFromField('beat_num')).toBe('Beats');
		expect(labelFromField('neighbourhood_code')).toBe('Neighbourhoods');
		// No field unique: the first known one present everywhere (features sharing it merge).
		expect(detectIdField(fieldCandidates([{ sector: '11' }, { sector: '11' }]), 2)).toBe('sector');
		expect(detectIdField(fieldCandidates([{ colour: 'red' }, { colour: 'blue' }]), 2)).toBeNull();
	});
});

describe('the boundary rule', () => {
	/** A vertex present in the rings of two districts (their shared border), with the two districts' indexes. */
	function sharedVertex(areas: readonly BoundaryArea[]): { point: Position; first: number; second: number; edge: [Position, Position] } {
		const owner = new Map<string, number>();
		for (let i = 0; i < areas.length; i++) {
			for (const ring of rings(areas[i].geometry)) {
				for (let k = 1; k < ring.length; k++) {
					const key = ring[k].join(',');
					const j = owner.get(key);
					if (j !== undefined && j !== i) {
						// A vertex whose next one is shared too: the edge between them is a shared edge.
						const next = ring[(k % (ring.length - 1)) + 1];
						if (rings(areas[j].geometry).some((r) => r.some((p) => p[0] === next[0] && p[1] === next[1]))) {
							return { point: ring[k], first: j, second: i, edge: [ring[k], next] };
						}
					}
					if (j === undefined) owner.set(key, i);
				}
			}
		}
		throw new Error('no shared vertex');
	}

	it('is declared in words', () => {
		expect(BOUNDARY_RULE).toMatch(/first of them in the boundary file/);
	});

	it('a vertex and the middle of an edge shared by two Lancashire districts go to the first of them in file order; reversed order, the other', () => {
		const areas = lancashire.areas;
		const { point, first, second, edge } = sharedVertex(areas);
		const middle = { lon: (edge[0][0] + edge[1][0]) / 2, lat: (edge[0][1] + edge[1][1]) / 2 };
		console.log(`shared border of ${areas[first].name} and ${areas[second].name} at ${point.join(', ')}; geoContains says ${geoContains(areas[first].geometry, point)} / ${geoContains(areas[second].geometry, point)}`);
		const vertex = { lon: point[0], lat: point[1] };
		expect(locatePoints([vertex, middle], areas)).toEqual([areas[first].code, areas[first].code]);
		const reversed = [...areas].reverse();
		expect(locatePoints([vertex, middle], reversed)).toEqual([areas[second].code, areas[second].code]);
		// Only the two districts sharing the border: each alone claims the point (a boundary point counts as inside).
		expect(locatePoints([vertex], [areas[second]])).toEqual([areas[second].code]);
		expect(locatePoints([vertex], [areas[first]])).toEqual([areas[first].code]);
	});

	it('a point inside exactly one district goes to it whatever the order; a point in none and a missing coordinate are outside (null)', () => {
		const points = lancashirePoints().slice(0, 500);
		const forward = locatePoints(points, lancashire.areas);
		const backward = locatePoints(points, [...lancashire.areas].reverse());
		// Away from borders the order does not matter.
		expect(backward).toEqual(forward);
		// Each point placed is inside its district by d3-geo and inside no other.
		points.forEach((p, i) => {
			const containing = lancashire.areas.filter((a) => geoContains(a.geometry, [p.lon, p.lat])).map((a) => a.code);
			expect(containing).toEqual(forward[i] === null ? [] : [forward[i]]);
		});
		expect(locatePoints([{ lon: -0.1, lat: 51.5 }, { lon: Number.NaN, lat: 53.8 }], lancashire.areas)).toEqual([null, null]);
	});
});
