/**
 * The Map view on the force area, over the real City of London street records and the London
 * LSOA boundaries. The force area is set up here independently of the extract builder, from
 * the published lookups: the City's LSOAs are the rows of IMD 2019 File_1 whose local authority
 * is E09000001 (City of London), its H3 cells those whose centre lies in their polygons (h3-js
 * polygonToCells), and a record is inside when its LSOA is one of them (the contract in
 * analytics/ingest/extract-schema.ts). Expected figures come from SQL over the incident rows
 * written here, not from the module's queries.
 */
import { polygonToCells } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadInput } from '../../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../../scripts/lib/sample';
import { ensureHarmWeights } from '../../thr/sql';
import { cchiWeights } from '../../thr/fixtures.test-setup';
import { createAggregateTables } from '../aggregates';
import { defaultFilters, type ExploreFilters } from '../filters';
import { cellValues } from '../queries';
import { forgetStudyRegions, studyRegion } from '../study-region';
import { boundaryTexts, forceAreaShape, geometryBounds, giStarCells, mapGiStar, outlineOf, parseCellGeometry, type CellGeometry } from './index';

const STREET = 'sample-data/police-uk/city-of-london/street';
const IMD_FILE_1 = 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz';
/** The City of London's six LSOAs 2011 (IMD 2019 File_1, LAD E09000001). */
const CITY = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'];
/** Hackney 027G (IMD 2019 File_1): a neighbour with no City record, "99% hot" on the padded region. */
const HACKNEY_027G = 'E01033708';
const NOV_2019: ExploreFilters = { ...defaultFilters(), to: '2019-11' };

let runner: NodeRunner;

/** Declare the City as the force area (force_area, force_cells, the records' flags) and rebuild the aggregates. */
async function declareCity(): Promise<void> {
	await runner.exec(`CREATE OR REPLACE TABLE force_area AS
		SELECT "LSOA code (2011)" AS area_code, 'lsoa' AS area_unit, "Local Authority District code (2019)" AS lad_code,
		       "Local Authority District name (2019)" AS lad_name, 'City of London' AS force_name
		FROM read_csv('${IMD_FILE_1}', header = true, all_varchar = true)
		WHERE "Local Authority District code (2019)" = 'E09000001'`);
	const polygons = await runner.rows<{ geometry: string }>(
		'SELECT geometry FROM areas WHERE lsoa_code IN (SELECT area_code FROM force_area)'
	);
	const cells: Array<[string, number]> = [];
	for (const res of [7, 8, 9]) {
		const set = new Set<string>();
		for (const p of polygons) {
			const g = JSON.parse(p.geometry) as CellGeometry;
			const parts = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
			for (const rings of parts) for (const c of polygonToCells(rings, res, true)) set.add(c);
		}
		for (const c of set) cells.push([c, res]);
	}
	await runner.exec('CREATE OR REPLACE TABLE force_cells (h3 VARCHAR, resolution INTEGER)');
	for (const [c, res] of cells) await runner.exec('INSERT INTO force_cells VALUES (?, ?)', [c, res]);
	await runner.exec('ALTER TABLE incidents ADD COLUMN IF NOT EXISTS in_force_area BOOLEAN');
	await runner.exec(
		'UPDATE incidents SET in_force_area = CASE WHEN longitude IS NULL THEN NULL ELSE coalesce(lsoa_code IN (SELECT area_code FROM force_area), false) END'
	);
	await createAggregateTables(runner);
	forgetStudyRegions(runner);
}

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [STREET], { areas: SAMPLE_AREAS });
	await ensureHarmWeights(runner, cchiWeights());
	await declareCity();
}, 120_000);

afterAll(() => runner?.close());

describe('the force area set up from IMD 2019 File_1', () => {
	it('is the six City LSOAs, and some located records lie outside it', async () => {
		const rows = await runner.rows<{ c: string }>('SELECT area_code AS c FROM force_area ORDER BY 1');
		expect(rows.map((r) => r.c)).toEqual(CITY);
		const [r] = await runner.rows<{ inside: number; outside: number }>(
			'SELECT count(*) FILTER (WHERE in_force_area) AS inside, count(*) FILTER (WHERE NOT in_force_area) AS outside FROM incidents'
		);
		expect(Number(r.inside)).toBeGreaterThan(10_000);
		expect(Number(r.outside)).toBeGreaterThan(100);
	});
});

describe('study region per map level', () => {
	it('LSOA layer: exactly the force area LSOAs', async () => {
		const region = await studyRegion(runner, 'incidents', 'lsoa');
		expect([...region.ids!].sort()).toEqual(CITY);
		expect(region.forceArea?.name).toBe('City of London');
		expect(region.basis).toMatch(/force area's 6 LSOAs/);
	});

	it('H3 layers: the force cells of the resolution, and any other cell holding a record inside', async () => {
		for (const [level, res] of [['h3_8', 8], ['h3_9', 9]] as const) {
			const region = await studyRegion(runner, 'incidents', level);
			const declared = (await runner.rows<{ h3: string }>('SELECT h3 FROM force_cells WHERE resolution = ?', [res])).map((r) => r.h3);
			const col = `h3_r${res}`;
			const inside = (await runner.rows<{ c: string }>(`SELECT DISTINCT ${col} AS c FROM incidents WHERE in_force_area`)).map((r) => r.c);
			expect([...region.ids!].sort()).toEqual([...new Set([...declared, ...inside])].sort());
			expect(region.declared).toBe(declared.length);
			expect(region.padded).toBe(false);
		}
	});
});

describe('Gi* hot spots on the force area', () => {
	it('LSOA layer: only the six City LSOAs are tested, with the counts of their own records', async () => {
		const { result, window, region } = await mapGiStar(runner, NOV_2019, 'lsoa', 12);
		expect(result.cells.map((c) => c.id).sort()).toEqual(CITY);
		expect(result.cells.some((c) => c.id === HACKNEY_027G)).toBe(false);
		expect(region.ids!.has(HACKNEY_027G)).toBe(false);
		const raw = await runner.rows<{ c: string; n: number }>(
			`SELECT lsoa_code AS c, count(*) AS n FROM incidents
			 WHERE lsoa_code IN (SELECT area_code FROM force_area) AND month BETWEEN '2018-12' AND '2019-11' GROUP BY 1 ORDER BY 1`
		);
		const totals = new Map(result.cells.map((c) => [c.id, c.total]));
		for (const r of raw) expect(totals.get(r.c)).toBe(Number(r.n));
		const [o] = await runner.rows<{ n: number }>(
			"SELECT count(*) AS n FROM incidents WHERE longitude IS NOT NULL AND NOT in_force_area AND month BETWEEN '2018-12' AND '2019-11'"
		);
		expect(window.outside).toBe(Number(o.n));
		expect(window.outside).toBeGreaterThan(0);
		// Not "99% hot" for every City LSOA, as on the region padded with London's empty LSOAs.
		expect(result.cells.filter((c) => c.confidence === 99 && c.class === 'hot').length).toBeLessThan(CITY.length);
	});

	it('the padded region of every London polygon made every City LSOA 99% hot and Hackney 027G hot (the old reading)', async () => {
		// Before force areas: every located record, over every polygon of the areas table.
		const { window } = await mapGiStar(runner, NOV_2019, 'lsoa', 12);
		const rows = await runner.rows<{ cell_id: string; month_index: number; value: number }>(
			"SELECT lsoa_code AS cell_id, month_index, count(*)::DOUBLE AS value FROM incidents WHERE lsoa_code IS NOT NULL AND month BETWEEN '2018-12' AND '2019-11' GROUP BY 1, 2"
		);
		const polygons = await boundaryTexts(runner, 'lsoa');
		const old = giStarCells({ level: 'lsoa', rows, months: window.months, polygons });
		const city = old.cells.filter((c) => CITY.includes(c.id));
		// Measured on this window: five of the six at 99% (E01000003 not significant), and Hackney
		// 027G, with 10 records of its own, hot at 99% too: its Gi* is its City neighbours'.
		expect(city.filter((c) => c.class === 'hot' && c.confidence === 99).length).toBeGreaterThanOrEqual(5);
		expect(old.cells.find((c) => c.id === HACKNEY_027G)).toMatchObject({ class: 'hot', confidence: 99 });
	});

	it('H3 layer: tests the region only, and every record inside the force area counts once', async () => {
		const { result, region } = await mapGiStar(runner, NOV_2019, 'h3_9', 12);
		expect(result.cells.length).toBe(region.ids!.size);
		for (const c of result.cells) expect(region.ids!.has(c.id)).toBe(true);
		const [r] = await runner.rows<{ n: number }>(
			"SELECT count(*) AS n FROM incidents WHERE in_force_area AND h3_r9 IS NOT NULL AND month BETWEEN '2018-12' AND '2019-11'"
		);
		expect(result.cells.reduce((a, c) => a + c.total, 0)).toBe(Number(r.n));
		expect(result.leftOut).toBe(0);
	});

	it('records located outside change no Gi* value: tripling them gives the same result', async () => {
		const before = await mapGiStar(runner, NOV_2019, 'lsoa', 12);
		const beforeHex = await mapGiStar(runner, NOV_2019, 'h3_9', 12);
		const [{ n }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents WHERE NOT in_force_area');
		await runner.exec('CREATE TEMP TABLE outside_copy AS SELECT * FROM incidents WHERE NOT in_force_area');
		await runner.exec('INSERT INTO incidents SELECT * FROM outside_copy');
		await runner.exec('INSERT INTO incidents SELECT * FROM outside_copy');
		try {
			await createAggregateTables(runner);
			forgetStudyRegions(runner);
			const after = await mapGiStar(runner, NOV_2019, 'lsoa', 12);
			const afterHex = await mapGiStar(runner, NOV_2019, 'h3_9', 12);
			expect(after.result).toEqual(before.result);
			expect(afterHex.result).toEqual(beforeHex.result);
			expect(after.window.outside).toBe(3 * before.window.outside);
			const [{ m }] = await runner.rows<{ m: number }>('SELECT count(*) AS m FROM incidents WHERE NOT in_force_area');
			expect(Number(m)).toBe(3 * Number(n));
		} finally {
			await runner.exec('DELETE FROM incidents WHERE NOT in_force_area');
			await runner.exec('INSERT INTO incidents SELECT * FROM outside_copy');
			await runner.exec('DROP TABLE outside_copy');
			await createAggregateTables(runner);
			forgetStudyRegions(runner);
		}
	});
});

describe('value layers mark the cells outside the force area', () => {
	it('counts every record, says how many lie outside, and flags the cells of the force area', async () => {
		const cells = await cellValues(runner, NOV_2019, 'lsoa');
		const raw = await runner.rows<{ c: string; n: number; outside: number }>(
			"SELECT lsoa_code AS c, count(*) AS n, count(*) FILTER (WHERE NOT in_force_area) AS outside FROM incidents WHERE lsoa_code IS NOT NULL AND month <= '2019-11' GROUP BY 1 ORDER BY 1"
		);
		expect(cells.map((c) => [c.cell_id, c.n, c.outside])).toEqual(raw.map((r) => [r.c, Number(r.n), Number(r.outside)]));
		expect(cells.filter((c) => c.inForceArea).map((c) => c.cell_id)).toEqual(CITY);
		expect(cells.filter((c) => c.inForceArea === false).length).toBe(cells.length - CITY.length);
	});

	it('gives cells outside the force area no THR score, saying why', async () => {
		const scores = new Map([...CITY, 'E01002704'].map((c, i) => [c, (i + 1) / 10]));
		const cells = await cellValues(runner, { ...NOV_2019, measure: 'thr' }, 'lsoa', { thr: async () => scores });
		for (const c of cells) {
			if (CITY.includes(c.cell_id)) expect(c.value).toBe(scores.get(c.cell_id));
			else {
				expect(c.value).toBeNull();
				expect(c.note).toBe('Outside the force area: not scored.');
			}
		}
	});
});

describe('the force area on the map: extent and outline', () => {
	it('opens on the six City LSOAs, not on London', async () => {
		const shape = (await forceAreaShape(runner))!;
		expect(shape).toMatchObject({ name: 'City of London', from: 'lsoa', parts: 6, missing: 0 });
		const polygons = await runner.rows<{ geometry: string }>(
			`SELECT geometry FROM areas WHERE lsoa_code IN (${CITY.map(() => '?').join(', ')})`,
			CITY
		);
		const own = geometryBounds(polygons.map((p) => parseCellGeometry(p.geometry, 'city')))!;
		expect(shape.bounds).toEqual(own);
		// The City is about 2.9 km²: its box is under 0.05° of longitude wide; London's is over 0.6°.
		const london = geometryBounds((await boundaryTexts(runner, 'lsoa')).map((p) => parseCellGeometry(p.geometry, p.id)))!;
		expect(shape.bounds[2] - shape.bounds[0]).toBeLessThan(0.05);
		expect(london[2] - london[0]).toBeGreaterThan(0.3);
		// Outline: the union's boundary, shorter than the six perimeters (shared edges cancel).
		const length = (lines: number[][][]) => lines.reduce((a, l) => a + l.slice(1).reduce((b, p, i) => b + Math.hypot(p[0] - l[i][0], p[1] - l[i][1]), 0), 0);
		const perimeters = polygons.reduce((a, p) => {
			const g = parseCellGeometry(p.geometry, 'city');
			return a + length(g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());
		}, 0);
		expect(length(shape.outline.coordinates)).toBeGreaterThan(0);
		expect(length(shape.outline.coordinates)).toBeLessThan(perimeters * 0.8);
	});

	it('outlineOf two squares side by side is the rectangle around them', () => {
		const a: CellGeometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
		const b: CellGeometry = { type: 'Polygon', coordinates: [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]] };
		const o = outlineOf([a, b]);
		// The shared edge (1,0)–(1,1) cancels; the other six unit edges remain, in two runs.
		const segments = o.coordinates.flatMap((l) => l.slice(1).map((p, i) => [l[i], p].map((q) => q.join(',')).sort().join(' ')));
		expect(segments.sort()).toEqual(['0,0 1,0', '0,0 0,1', '0,1 1,1', '1,0 2,0', '1,1 2,1', '2,0 2,1'].sort());
		expect(outlineOf([])).toEqual({ type: 'MultiLineString', coordinates: [] });
	});
});

describe('without a declared force area', () => {
	it('keeps the old region (every polygon) and says so', async () => {
		await runner.exec('CREATE OR REPLACE TEMP TABLE force_area_saved AS SELECT * FROM force_area');
		await runner.exec('DELETE FROM force_area');
		forgetStudyRegions(runner);
		try {
			const { result, region } = await mapGiStar(runner, NOV_2019, 'lsoa', 6);
			expect(region.ids).toBeNull();
			expect(region.basis).toMatch(/declares no force area/);
			expect(result.cells.length).toBe((await boundaryTexts(runner, 'lsoa')).length);
			expect(await forceAreaShape(runner)).toBeNull();
			const cells = await cellValues(runner, NOV_2019, 'lsoa');
			expect(cells.every((c) => c.inForceArea === null)).toBe(true);
		} finally {
			await runner.exec('INSERT INTO force_area SELECT * FROM force_area_saved');
			forgetStudyRegions(runner);
		}
	});
});
