/**
 * The map's hot-spot mode over the real City of London street records: the monthly window read
 * from the explore_points aggregate equals counts straight from the incident rows located in the
 * City's own LSOAs (IMD 2019 File_1, local authority E09000001: the force area of records that
 * fall within City of London Police), and the classes follow the FDR rule of
 * analytics/clusters/gistar.ts. The Gi* and FDR arithmetic itself is worked by hand in
 * analytics/clusters/gistar.test.ts; the force area's region in force-area-map.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadInput } from '../../../scripts/lib/load-input';
import { createAggregateTables } from '../aggregates';
import { defaultFilters } from '../filters';
import { ensureHarmWeights } from '../../thr/sql';
import type { HarmWeightsModel } from '../../models/harm-weights';
import { boundaryTexts, giStarCells, giStarLayer, giStarWindow, mapGiStar, HOT_SPOT_COLOURS, cellGeometries } from './index';

const STREET = 'sample-data/police-uk/city-of-london/street';
const AREAS = {
	shapefile: 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp',
	imdFile: 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz',
	domainsFile: 'sample-data/context/imd2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz',
	populationFile: 'sample-data/context/imd2019/File_6_-_IoD2019_Population_Denominators.csv.gz'
};

/** Records in the City's own LSOAs, read from IMD 2019 File_1 independently of the builder's flag. */
const IN_CITY = `lsoa_code IN (SELECT "LSOA code (2011)" FROM read_csv('${AREAS.imdFile}', header = true, all_varchar = true) WHERE "Local Authority District code (2019)" = 'E09000001')`;

let runner: NodeRunner;

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [STREET], { areas: AREAS });
	await createAggregateTables(runner);
	await ensureHarmWeights(runner, JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel);
}, 120_000);

afterAll(() => runner?.close());

describe('hot-spot window', () => {
	it('reads the last 6 months up to the period end, with the counts of the raw rows inside the force area', async () => {
		const f = { ...defaultFilters(), to: '2019-06' };
		const w = await giStarWindow(runner, f, 'h3_8', 6);
		// 2019-01 … 2019-06 as month_index (year × 12 + month − 1)
		expect(w.months).toEqual([2019 * 12, 2019 * 12 + 1, 2019 * 12 + 2, 2019 * 12 + 3, 2019 * 12 + 4, 2019 * 12 + 5]);
		const raw = await runner.rows<{ cell_id: string; month_index: number; n: number }>(
			`SELECT h3_r8 AS cell_id, month_index, count(*) AS n FROM incidents WHERE h3_r8 IS NOT NULL AND month BETWEEN '2019-01' AND '2019-06' AND ${IN_CITY} GROUP BY 1, 2 ORDER BY 1, 2`
		);
		expect(w.rows.map((r) => [r.cell_id, r.month_index, r.value])).toEqual(raw.map((r) => [r.cell_id, r.month_index, r.n]));
		// The records located elsewhere are counted apart, never in a cell.
		const [o] = await runner.rows<{ n: number }>(
			`SELECT count(*) AS n FROM incidents WHERE longitude IS NOT NULL AND month BETWEEN '2019-01' AND '2019-06' AND NOT ${IN_CITY}`
		);
		expect(w.outside).toBe(Number(o.n));
		expect(w.outside).toBeGreaterThan(0);
	});

	it('never reaches before the period start, and follows the category filter', async () => {
		const f = { ...defaultFilters(), from: '2019-04', to: '2019-06', categories: ['Shoplifting'] };
		const w = await giStarWindow(runner, f, 'lsoa', 12);
		expect(w.months).toHaveLength(3);
		const [{ n }] = await runner.rows<{ n: number }>(
			`SELECT count(*) AS n FROM incidents WHERE lsoa_code IS NOT NULL AND month BETWEEN '2019-04' AND '2019-06' AND category = 'Shoplifting' AND ${IN_CITY}`
		);
		expect(w.rows.reduce((a, r) => a + r.value, 0)).toBe(n);
	});
});

describe('hot spots of the sample', () => {
	it("on the force area the builder declared (the records fall within City of London Police): the City's own LSOAs only", async () => {
		const { result, region } = await mapGiStar(runner, { ...defaultFilters(), to: '2019-11' }, 'lsoa', 12);
		const city = await runner.rows<{ c: string }>(
			`SELECT "LSOA code (2011)" AS c FROM read_csv('${AREAS.imdFile}', header = true, all_varchar = true) WHERE "Local Authority District code (2019)" = 'E09000001' ORDER BY 1`
		);
		expect(city).toHaveLength(6);
		expect(result.cells.map((c) => c.id).sort()).toEqual(city.map((r) => r.c));
		expect(region.forceArea?.unit).toBe('lsoa');
	});

	it('without a region (no force area declared), classes H3 cells by the FDR-corrected q of their window totals, and pads the region with a ring of empty cells', async () => {
		const w = await giStarWindow(runner, { ...defaultFilters(), to: '2019-11' }, 'h3_8', 12);
		const result = giStarCells({ level: 'h3_8', rows: w.rows, months: w.months });
		const withData = new Set(w.rows.map((r) => r.cell_id));
		expect(result.cells.length).toBeGreaterThan(withData.size); // padding ring
		for (const c of result.cells) {
			if (!withData.has(c.id)) expect(c.total).toBe(0);
			if (c.class === 'hot') expect(c.z! > 0 && c.q! <= 0.1).toBe(true);
			if (c.class === 'cold') expect(c.z! < 0 && c.q! <= 0.1).toBe(true);
			if (c.class === 'not significant') expect(c.q === null || c.q > 0.1).toBe(true);
			expect(c.zByMonth).toHaveLength(12);
			expect(['intensifying', 'diminishing', 'no trend', 'too few periods']).toContain(c.trend);
		}
		const hot = result.cells.filter((c) => c.class === 'hot');
		expect(hot.length).toBeGreaterThan(0);
		// Hot spots first, hottest first.
		expect(result.cells[0].class).toBe('hot');
		for (let i = 1; i < hot.length; i++) expect(hot[i - 1].z!).toBeGreaterThanOrEqual(hot[i].z!);
		const { geometries } = cellGeometries('h3_8', result.cells.map((c) => c.id));
		const layer = giStarLayer(result, geometries, HOT_SPOT_COLOURS);
		expect(layer.features).toHaveLength(result.cells.length);
		for (const f of layer.features) expect(f.properties.colour).toBe(HOT_SPOT_COLOURS[f.properties.class as 0]);
	});

	it('without a region, uses queen contiguity over every LSOA polygon of the areas table', async () => {
		const w = await giStarWindow(runner, defaultFilters(), 'lsoa', 6);
		const polygons = await boundaryTexts(runner, 'lsoa');
		const result = giStarCells({ level: 'lsoa', rows: w.rows, months: w.months, polygons });
		expect(result.weights).toMatch(/queen contiguity/);
		expect(result.cells).toHaveLength(polygons.length);
		expect(() => giStarCells({ level: 'district', rows: w.rows, months: w.months, polygons: [] })).toThrow(/need its boundary polygons/);
	});
});
