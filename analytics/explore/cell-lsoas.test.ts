import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellLsoas } from './cell-lsoas';
import { defaultFilters } from './filters';
import { loadExploreSample, type ExploreSample } from './sample.test-setup';

let sample: ExploreSample;
beforeAll(async () => {
	sample = await loadExploreSample();
}, 120_000);
afterAll(async () => sample?.runner.close());

describe('cellLsoas', () => {
	it('the LSOAs of an H3 r7 cell’s records under a period and category equal a count over the base rows', async () => {
		const { runner, months, categories } = sample;
		const [{ cell }] = await runner.rows<{ cell: string }>('SELECT h3_r7 AS cell FROM incidents WHERE h3_r7 IS NOT NULL GROUP BY 1 ORDER BY count(DISTINCT lsoa_code) DESC, 1 LIMIT 1');
		const from = months.incidents[2];
		const to = months.incidents[9];
		const f = { ...defaultFilters(), from, to, categories: categories.incidents.slice(0, 2) };
		const got = await cellLsoas(runner, f, 'h3_7', cell, 100);
		const expected = await runner.rows<{ code: string; n: number }>(
			`SELECT lsoa_code AS code, count(*)::INTEGER AS n FROM incidents
			 WHERE h3_r7 = ? AND month BETWEEN ? AND ? AND category IN (?, ?) AND lsoa_code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
			[cell, from, to, ...categories.incidents.slice(0, 2)]
		);
		expect(expected.length).toBeGreaterThan(1);
		expect(got.total).toBe(expected.length);
		expect(got.lsoas).toEqual(expected.map((r) => ({ code: r.code, records: Number(r.n) })));
		const few = await cellLsoas(runner, f, 'h3_7', cell, 1);
		expect(few.lsoas).toEqual(got.lsoas.slice(0, 1));
		expect(few.total).toBe(got.total);
	});

	it('an LSOA cell lies in itself', async () => {
		const [{ code }] = await sample.runner.rows<{ code: string }>('SELECT lsoa_code AS code FROM incidents WHERE lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1');
		const got = await cellLsoas(sample.runner, defaultFilters(), 'lsoa', code);
		expect(got.lsoas.map((l) => l.code)).toEqual([code]);
		expect(got.unplaced).toBe(0);
	});
});
