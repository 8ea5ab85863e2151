/**
 * The monthly forecast by area (Forecast page, briefing) covers the force area, as every other
 * analysis does, never a region padded with its neighbours: on the shipped City of London extract
 * the street records of November 2019 lie in the City's 6 LSOAs (809), in 14 LSOAs outside it (37)
 * or nowhere (74); the forecast lists exactly the force area's LSOAs, and its history equals the
 * records inside them by SQL on the base rows. Over Lancashire's districts (a force area listed in
 * LSOAs), every district is forecast from the records inside the force area only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { forecastStreetAreas } from './demand';
import { monthIndex } from '$analytics/shared';

let city: NodeRunner;
let lancashire: NodeRunner;
const removals: (() => void)[] = [];

beforeAll(async () => {
	[city, lancashire] = await Promise.all([createNodeRunner(), createNodeRunner()]);
	removals.push(await loadSampleSource(city, 'city-of-london'), await loadSampleSource(lancashire, 'lancashire-asb'));
}, 300_000);

afterAll(() => {
	city?.close();
	lancashire?.close();
	for (const remove of removals) remove();
});

const CITY_LSOAS = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'];

describe('forecastStreetAreas over the force area', () => {
	it('City of London: the 6 LSOAs of the force area, each with its own records by SQL', async () => {
		const placed = await city.rows<{ inside: boolean | null; n: number; lsoas: number }>(
			"SELECT in_force_area AS inside, count(*)::INTEGER AS n, count(DISTINCT lsoa_code)::INTEGER AS lsoas FROM incidents WHERE month = '2019-11' GROUP BY 1 ORDER BY 1"
		);
		expect(placed).toEqual([
			{ inside: false, n: 37, lsoas: 14 },
			{ inside: true, n: 809, lsoas: 6 },
			{ inside: null, n: 74, lsoas: 0 }
		]);
		const f = (await forecastStreetAreas(city))!;
		expect(f.trainEnd).toBe('2019-11');
		expect(f.areas.map((a) => a.areaId).sort()).toEqual(CITY_LSOAS);
		const november = await city.rows<{ a: string; n: number }>("SELECT lsoa_code AS a, count(*)::INTEGER AS n FROM incidents WHERE month = '2019-11' AND in_force_area GROUP BY 1");
		for (const r of november) expect(f.areas.find((a) => a.areaId === r.a)!.history.at(-1)).toBe(r.n);
		expect(f.areas.reduce((s, a) => s + a.history.at(-1)!, 0)).toBe(809);
	});

	it('Lancashire districts: every district, from the records inside the force area only', async () => {
		const f = (await forecastStreetAreas(lancashire, undefined, 'district'))!;
		const inside = await lancashire.rows<{ d: string; n: number }>(
			"SELECT district_id AS d, count(*)::INTEGER AS n FROM incidents WHERE month_index <= ? AND in_force_area AND district_id IS NOT NULL GROUP BY 1",
			[monthIndex('2022-12')]
		);
		expect(inside).toHaveLength(14);
		for (const r of inside) expect(f.areas.find((a) => a.areaId === String(r.d))!.history.reduce((s, v) => s + v, 0)).toBe(Number(r.n));
	});
});
