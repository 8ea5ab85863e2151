/**
 * Map helpers over the real City of London sample: hexagon and LSOA geometry, the layer built
 * from cell figures, its legend, and the GeoJSON export against the table rows. Cells and
 * polygons come from the street CSVs and the London LSOA shapefile shipped in sample-data/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getResolution } from 'h3-js';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadInput } from '../../../scripts/lib/load-input';
import {
	buildCellLayer,
	cellGeometries,
	cellTableRows,
	classIndex,
	closeRing,
	coreBounds,
	geometryBounds,
	h3CellCentre,
	h3CellPolygon,
	layerGeoJson,
	levelForZoom,
	parseCellGeometry,
	polygonGeometries,
	sequentialLegend,
	giStarLegend,
	HOT_SPOT_COLOURS,
	CELL_TABLE_COLUMNS,
	NO_VALUE_COLOUR,
	type MapCell
} from './index';

const STREET = 'sample-data/police-uk/city-of-london/street';
const AREAS = {
	shapefile: 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp',
	imdFile: 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz',
	domainsFile: 'sample-data/context/imd2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz',
	populationFile: 'sample-data/context/imd2019/File_6_-_IoD2019_Population_Denominators.csv.gz'
};

let runner: NodeRunner;
let r8: Array<{ id: string; n: number }>;

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [STREET], { areas: AREAS });
	r8 = await runner.rows<{ id: string; n: number }>('SELECT h3_r8 AS id, count(*) AS n FROM incidents WHERE h3_r8 IS NOT NULL GROUP BY 1 ORDER BY 1');
}, 120_000);

afterAll(() => runner?.close());

describe('H3 hexagons', () => {
	it('gives every resolution-8 cell of the sample a closed 7-position ring around its records', async () => {
		expect(r8.length).toBeGreaterThan(20);
		for (const { id } of r8) {
			const g = h3CellPolygon(id, 8);
			const ring = g.coordinates[0];
			expect(ring).toHaveLength(7); // a hexagon: 6 vertices, the first repeated
			expect(ring[0]).toEqual(ring[6]);
			// [lng, lat] order: the cell centre (h3-js gives [lat, lng]) lies inside the ring's box.
			const [w, south, e, n] = geometryBounds([g])!;
			const [lng, lat] = h3CellCentre(id);
			expect(lng).toBeGreaterThan(w);
			expect(lng).toBeLessThan(e);
			expect(lat).toBeGreaterThan(south);
			expect(lat).toBeLessThan(n);
		}
		// Each record's point lies within its cell's bounding box.
		const points = await runner.rows<{ id: string; lon: number; lat: number }>(
			'SELECT h3_r8 AS id, longitude AS lon, latitude AS lat FROM incidents WHERE h3_r8 IS NOT NULL USING SAMPLE 200 ROWS (reservoir, 7)'
		);
		for (const p of points) {
			const [w, s, e, n] = geometryBounds([h3CellPolygon(p.id)])!;
			expect(p.lon).toBeGreaterThanOrEqual(w);
			expect(p.lon).toBeLessThanOrEqual(e);
			expect(p.lat).toBeGreaterThanOrEqual(s);
			expect(p.lat).toBeLessThanOrEqual(n);
		}
	});

	it('rejects an index of the wrong resolution or not a cell at all', () => {
		expect(() => h3CellPolygon(r8[0].id, 9)).toThrow(/resolution 8, expected 9/);
		expect(() => h3CellPolygon('not-a-cell')).toThrow(/not a valid H3 cell/);
		const { geometries, missing } = cellGeometries('h3_9', [r8[0].id, 'zzz']);
		expect(geometries.size).toBe(0);
		expect(missing).toEqual([r8[0].id, 'zzz']);
	});

	it('opens on the cells holding the bulk of the records, not on a few strays far away', async () => {
		const all = await runner.rows<{ id: string; n: number }>('SELECT h3_r7 AS id, count(*) AS n FROM incidents WHERE h3_r7 IS NOT NULL GROUP BY 1');
		const cells = all.map((r) => ({ geometry: h3CellPolygon(r.id), weight: r.n }));
		const [w, s, e, n] = geometryBounds(cells.map((c) => c.geometry))!;
		const core = coreBounds(cells)!;
		// The sample has records snapped as far as Essex; the core stays around the City (≈ −0.09, 51.515).
		expect(e - w).toBeGreaterThan(0.5);
		expect(core[2] - core[0]).toBeLessThan(0.2);
		expect(core[0]).toBeLessThan(-0.09);
		expect(core[2]).toBeGreaterThan(-0.09);
		expect(core[1]).toBeLessThan(51.515);
		expect(core[3]).toBeGreaterThan(51.515);
		expect(core[0]).toBeGreaterThanOrEqual(w);
		expect(core[3]).toBeLessThanOrEqual(n);
		expect(s).toBeLessThan(core[1]);
		expect(coreBounds([])).toBeNull();
	});

	it('closes open rings and leaves closed ones alone', () => {
		expect(closeRing([[0, 0], [1, 0], [1, 1]])).toEqual([[0, 0], [1, 0], [1, 1], [0, 0]]);
		expect(closeRing([[0, 0], [1, 0], [1, 1], [0, 0]])).toHaveLength(4);
	});

	it('picks coarser hexagons when zoomed out', () => {
		expect(levelForZoom(10)).toBe('h3_7');
		expect(levelForZoom(12)).toBe('h3_8');
		expect(levelForZoom(14)).toBe('h3_9');
		expect(getResolution(r8[0].id)).toBe(8);
	});
});

describe('LSOA polygons', () => {
	it('parses every polygon of the areas table; only LSOAs outside the London boundaries lack one', async () => {
		const polygons = await polygonGeometries(runner, 'lsoa');
		const [{ n }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM areas');
		expect(polygons).toHaveLength(n);
		const lsoas = await runner.rows<{ id: string }>('SELECT DISTINCT lsoa_code AS id FROM incidents WHERE lsoa_code IS NOT NULL ORDER BY 1');
		const { geometries, missing } = cellGeometries('lsoa', lsoas.map((r) => r.id), new Map(polygons.map((p) => [p.id, p.geometry])));
		// A few City of London records are snapped to places outside London (the shapefile
		// shipped is London's), e.g. E01021936; every London LSOA with records has its polygon.
		const outside = await runner.rows<{ id: string }>(
			'SELECT DISTINCT lsoa_code AS id FROM incidents WHERE lsoa_code IS NOT NULL AND lsoa_code NOT IN (SELECT lsoa_code FROM areas) ORDER BY 1'
		);
		expect(missing.sort()).toEqual(outside.map((r) => r.id));
		expect(missing).toContain('E01021936');
		expect(geometries.size).toBe(lsoas.length - outside.length);
	});

	it('gives no districts for an extract without a districts table', async () => {
		await runner.exec('DROP TABLE IF EXISTS districts');
		expect(await polygonGeometries(runner, 'district')).toEqual([]);
	});

	it('says which area and what is wrong with a bad geometry', () => {
		expect(() => parseCellGeometry('{"type":"Point","coordinates":[0,0]}', 'areas E01')).toThrow(/areas E01: expected a GeoJSON Polygon or MultiPolygon, found "Point"/);
		expect(() => parseCellGeometry('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}', 'x')).toThrow(/not closed/);
		expect(() => parseCellGeometry('{', 'x')).toThrow(/not valid JSON/);
	});
});

describe('the layer, its legend and its exports', () => {
	const scheme = { min: 1, breaks: [10, 50, 200, 2000], colours: ['#c', '#b', '#a', '#9'] };

	it('classes values into (previous break, break]', () => {
		expect(classIndex(1, scheme.breaks)).toBe(0);
		expect(classIndex(10, scheme.breaks)).toBe(0);
		expect(classIndex(10.5, scheme.breaks)).toBe(1);
		expect(classIndex(2000, scheme.breaks)).toBe(3);
		expect(classIndex(null, scheme.breaks)).toBeNull();
		expect(classIndex(Number.NaN, scheme.breaks)).toBeNull();
	});

	it('keeps every record of the located rows, and the GeoJSON export equals the table', async () => {
		const cells: MapCell[] = r8.map((r) => ({ id: r.id, name: null, records: r.n, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: r.n }));
		cells.push({ id: 'not-a-cell', name: null, records: 3, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: 3 });
		const { geometries } = cellGeometries('h3_8', cells.map((c) => c.id));
		const layer = buildCellLayer(cells, geometries, scheme);
		expect(layer.missing.map((c) => c.id)).toEqual(['not-a-cell']);
		const [{ located }] = await runner.rows<{ located: number }>('SELECT count(*) AS located FROM incidents WHERE longitude IS NOT NULL');
		expect(layer.features.reduce((a, f) => a + f.properties.records, 0)).toBe(located);

		const rows = cellTableRows(layer);
		const exported = JSON.parse(layerGeoJson(layer, { level: 'h3_8', measure: 'count', measureLabel: 'Count', filters: 'ds=incidents', source: 'city-of-london', breaks: scheme.breaks, colours: scheme.colours }));
		expect(exported.type).toBe('FeatureCollection');
		expect(exported.clearsight).toMatchObject({ level: 'h3_8', class_breaks: scheme.breaks, cells_without_geometry: 1 });
		expect(exported.features).toHaveLength(rows.length);
		exported.features.forEach((f: { id: string; geometry: { coordinates: number[][][] }; properties: Record<string, unknown> }, i: number) => {
			const picked = Object.fromEntries(CELL_TABLE_COLUMNS.map((c) => [c, f.properties[c]]));
			expect(picked).toEqual(rows[i]);
			expect(f.id).toBe(rows[i].cell_id);
			expect(f.geometry.coordinates[0][0]).toEqual(f.geometry.coordinates[0].at(-1));
			expect(f.properties.colour).toBe(scheme.colours[(rows[i].class as number) - 1]);
		});
	});

	it('a comparison adds its properties to the named cells and its periods to the clearsight member; no comparison adds nothing', () => {
		const cells: MapCell[] = [
			{ id: 'a', name: null, records: 4, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: 4 },
			{ id: 'b', name: null, records: 1, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: 1 }
		];
		const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]] as [number, number][]] };
		const layer = buildCellLayer(cells, new Map(cells.map((c) => [c.id, square])), scheme);
		const meta = { level: 'lsoa' as const, measure: 'count' as const, measureLabel: 'Count', filters: '', source: '', breaks: scheme.breaks, colours: scheme.colours };
		const plain = JSON.parse(layerGeoJson(layer, meta));
		expect(plain.clearsight.comparison).toBeUndefined();
		expect(Object.keys(plain.features[0].properties)).not.toContain('records_2018-03_to_2018-05');
		const properties = new Map([['a', { 'records_2018-03_to_2018-05': 6, d: -2 }]]);
		const compared = JSON.parse(layerGeoJson(layer, { ...meta, comparison: { words: 'March–May 2019 against March–May 2018', basis: 'last-year', properties } }));
		expect(compared.clearsight.comparison).toEqual({ basis: 'last-year', periods: 'March–May 2019 against March–May 2018' });
		expect(compared.features.map((f: { properties: Record<string, unknown> }) => [f.properties.cell_id, f.properties.records, f.properties['records_2018-03_to_2018-05'], f.properties.d])).toEqual([
			['a', 4, 6, -2],
			['b', 1, undefined, undefined]
		]);
	});

	it('counts cells per legend class and lists cells without a value', () => {
		const cells: MapCell[] = [
			{ id: 'a', name: null, records: 1, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: 1 },
			{ id: 'b', name: null, records: 60, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: 60 },
			{ id: 'c', name: null, records: 70, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: 70 },
			{ id: 'd', name: null, records: 5, recordsOutside: 0, inForceArea: null, harm: 0, population: null, value: null }
		];
		const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]] as [number, number][]] };
		const layer = buildCellLayer(cells, new Map(cells.map((c) => [c.id, square])), scheme);
		expect(layer.features.map((f) => f.properties.class)).toEqual([1, 3, 3, null]);
		expect(layer.features[3].properties.colour).toBe(NO_VALUE_COLOUR);
		const legend = sequentialLegend(scheme, layer.features.map((f) => f.properties.class), String);
		expect(legend.map((l) => [l.label, l.cells])).toEqual([
			['1 to 10', 1],
			['over 10 to 50', 0],
			['over 50 to 200', 2],
			['over 200 to 2000', 0],
			['No value', 1]
		]);
	});

	it('lists the seven Gi* bins hottest first with their confidence and distinct colours', () => {
		const legend = giStarLegend([3, 3, 0, -2, 1]);
		expect(legend.map((l) => [l.label, l.cells])).toEqual([
			['Hot spot, 99% confidence', 2],
			['Hot spot, 95% confidence', 0],
			['Hot spot, 90% confidence', 1],
			['Not significant', 1],
			['Cold spot, 90% confidence', 0],
			['Cold spot, 95% confidence', 1],
			['Cold spot, 99% confidence', 0]
		]);
		expect(new Set(Object.values(HOT_SPOT_COLOURS)).size).toBe(7);
	});
});
