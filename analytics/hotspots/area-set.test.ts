/**
 * The study region over the source's own area set when the force area is listed in LSOAs: the
 * City of London street files built with the London LSOA shapefile read by MSOA11CD as the
 * source's own areas (983 London MSOAs), the force area left as the force the records fall
 * within (the City's 6 LSOAs). Records outside the force area are never read, so the MSOAs they
 * alone fall in would count as empty: the region is the MSOAs holding a record inside the force
 * area up to the month ranked, counted here with independent SQL over the base rows, and the
 * held-out harm accuracy over the area set ranks those and no others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { areasReachedBy, cchiWeights, cityMsoaExtract, thrV3 } from '../thr/fixtures.test-setup';
import { modelAtUnit } from '../thr/model';
import { monthIndex } from '../shared/months';
import { harmAccuracy } from './accuracy';
import { studyRegion } from './data';

let runner: NodeRunner;
let remove: (() => void) | undefined;

beforeAll(async () => {
	({ runner, remove } = await cityMsoaExtract());
}, 600_000);

afterAll(() => remove?.());

/** MSOAs holding a record inside the force area up to `month`, by SQL on the base rows. */
const reached = (month: string) => areasReachedBy(runner, month);

describe('an area set wider than a force area listed in LSOAs', () => {
	it('the build: the force area is the 6 City LSOAs, the area set all 983 London MSOAs', async () => {
		expect(await runner.rows('SELECT area_unit, count(*)::INTEGER AS n FROM force_area GROUP BY 1')).toEqual([{ area_unit: 'lsoa', n: 6 }]);
		expect(await runner.rows('SELECT count(DISTINCT district_id)::INTEGER AS n FROM districts')).toEqual([{ n: 983 }]);
	});

	it('the study region is the MSOAs holding a record inside the force area up to the month, with a warning naming the rest', async () => {
		for (const month of ['2018-01', '2019-10']) {
			const region = await studyRegion(runner, { level: 'district', trainEnd: month });
			const expected = await reached(month);
			expect(expected.length).toBeGreaterThan(0);
			expect(expected.length).toBeLessThan(20);
			expect(region.basis).toBe('area set');
			expect(region.areas.map((a) => a.areaId)).toEqual(expected);
			expect(region.warnings).toEqual([
				`The force area (City of London) is listed in LSOAs, so the study region is the ${expected.length} of the 983 areas of the source's own area set holding a record inside it up to ${month}; the other ${983 - expected.length} are left out, as they would count as empty and inflate every share and PAI.`
			]);
			// Every area keeps its size from the boundary file (shares are of km²).
			expect(region.areas.every((a) => a.areaKm2 !== null && a.areaKm2 > 0)).toBe(true);
		}
	});

	it('the harm accuracy over the area set ranks those MSOAs, and its shares are of their km², not of London’s', async () => {
		const acc = (await harmAccuracy(runner, { models: [{ model: modelAtUnit(thrV3(), 'district'), weights: cchiWeights() }], level: 'district', months: 3 }))!;
		expect(acc.testMonths).toEqual(['2019-09', '2019-10', '2019-11']);
		// The region of the last origin (ranked from the data to 2019-10).
		expect(acc.region.areas).toBe((await reached('2019-10')).length);
		// The MSOAs the force reaches hold 7.3 km², under 1% of the 983 MSOAs' 1,568 km²: over all of London
		// the top 1% of the area held every one of them, so THR v3's top 1% held 100% of the month's harm
		// (harm-PAI 100.00) and so did 12-month harm: a figure about London's size, not the ranking.
		const [km2] = await runner.rows<{ all: number; reached: number }>(
			`SELECT sum(area_km2) AS all, sum(area_km2) FILTER (WHERE district_id IN (SELECT DISTINCT district_id FROM incidents WHERE in_force_area AND month_index <= ?)) AS reached
			 FROM (SELECT DISTINCT district_id, area_km2 FROM districts)`,
			[monthIndex('2019-10')]
		);
		expect(km2.all).toBeCloseTo(1568.1, 1);
		expect(km2.reached).toBeCloseTo(7.27, 2);
		expect(km2.reached / km2.all).toBeLessThan(0.01);
		const thr = acc.evaluations[0];
		expect(thr.method).toBe('thr-v3');
		for (const m of thr.mean) {
			expect(m.pai!).toBeCloseTo(m.hitRate! / m.areaShare, 9);
			// Over the MSOAs the force reaches, even the top 20% of their km² holds less than half of the month's harm.
			expect(m.hitRate!).toBeLessThan(0.5);
		}
	});
});
