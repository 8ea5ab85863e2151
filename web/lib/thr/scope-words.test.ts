/**
 * Which areas a month's scores cover, in Priorities' words, and Compare's sentence for an area
 * outside them, on real rows:
 * - the City of London street files with London's 983 MSOAs as the source's own area set
 *   (cityMsoaExtract): the 7 MSOAs the City's records reach by October 2019 are scored, not "the 7
 *   areas of the force area" Compare used to say (the force area is 6 LSOAs);
 * - the City sample over its LSOAs: all 6 LSOAs of the force area;
 * - the same rows with no force area declared (the LSOAs with harm-counting records in the window).
 * Expected areas and counts come from SQL over the base rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../../scripts/lib/node-runner';
import { areasReachedBy, cchiWeights, cityMsoaExtract, dropForceArea, sampleRunner, thrV3 } from '../../../analytics/thr/fixtures.test-setup';
import { effectiveWeights, modelAtUnit, monthIndex, scoreMonth } from '$analytics/thr';
import { notScoredWords, scoredWords } from './scope-words';

const weights = cchiWeights();
let msoa: { runner: NodeRunner; remove: () => void };
let city: NodeRunner;

beforeAll(async () => {
	msoa = await cityMsoaExtract();
	city = await sampleRunner({ aggregate: true });
}, 600_000);

afterAll(() => {
	msoa?.remove();
	city?.close();
});

const whole = (w: ReturnType<typeof scoredWords>) => `${w.lead}${w.forceName ?? ''}${w.tail}`;

describe('scoredWords and notScoredWords', () => {
	it('an area set wider than the force: "the 7 of the 983 areas … holding a record inside the force area", in Compare as on Priorities', async () => {
		const reached = await areasReachedBy(msoa.runner, '2019-10');
		expect(reached).toHaveLength(7);
		// An MSOA of the set with records located outside the force area only, by SQL.
		const [{ d, n }] = await msoa.runner.rows<{ d: string; n: number }>(
			`SELECT district_id AS d, count(*)::INTEGER AS n FROM incidents WHERE district_id IS NOT NULL AND month_index <= (SELECT max(month_index) FROM incidents WHERE month = '2019-10')
			 GROUP BY 1 HAVING count(*) FILTER (WHERE in_force_area) = 0 ORDER BY 2 DESC, 1 LIMIT 1`
		);
		expect(n).toBeGreaterThan(0);
		expect(reached).not.toContain(d);
		const [{ set }] = await msoa.runner.rows<{ set: number }>('SELECT count(DISTINCT district_id)::INTEGER AS set FROM districts');
		expect(set).toBe(983);

		const result = await scoreMonth(msoa.runner, { model: modelAtUnit(thrV3(), 'district'), weights, month: '2019-10' });
		const scored =
			"Scored: the 7 of the 983 areas of the source's own area set holding a record inside the force area, City of London, up to October 2019; the other 976 are not the force's to rank.";
		expect(whole(scoredWords(result))).toBe(scored);
		expect(scoredWords(result).forceName).toBe('City of London');
		expect(notScoredWords(result, [d])).toBe(
			`${d} is not among the areas scored for October 2019. ${scored} Open it as an area profile for the reason, or choose areas on the priorities page.`
		);
		expect(notScoredWords(result, [d])).not.toContain('the 7 areas of the force area');
	}, 120_000);

	it('the force area\'s own LSOAs: "all 6 areas of the force area"; two areas left out are named together', async () => {
		const [{ lsoas }] = await city.rows<{ lsoas: number }>("SELECT count(*)::INTEGER AS lsoas FROM force_area WHERE area_unit = 'lsoa'");
		expect(lsoas).toBe(6);
		const outside = await city.rows<{ lsoa: string }>(
			'SELECT lsoa_code AS lsoa FROM incidents WHERE NOT in_force_area AND lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2'
		);
		const result = await scoreMonth(city, { model: thrV3(), weights, month: '2019-11' });
		expect(result.areas).toHaveLength(6);
		expect(whole(scoredWords(result))).toBe('Scored: all 6 areas of the force area, City of London.');
		const [a, b] = outside.map((r) => r.lsoa);
		expect(notScoredWords(result, [a, b])).toBe(
			`${a} and ${b} are not among the areas scored for November 2019. Scored: all 6 areas of the force area, City of London. Open them as an area profile for the reason, or choose areas on the priorities page.`
		);
	}, 120_000);

	it('no force area declared: the areas with records in the model\'s window, as many as SQL counts', async () => {
		const runner = await sampleRunner({ forceArea: false });
		try {
			const result = await scoreMonth(runner, { model: thrV3(), weights, month: '2019-11' });
			const w = scoredWords(result);
			expect(w.forceName).toBeNull();
			expect(whole(w)).toBe(
				`No force area is declared for this data, so the ${result.areas.length} areas with records in the model's window were scored; records cannot be told apart as inside or outside the force.`
			);
			// The LSOAs with a harm-counting record in the model's longest window, by SQL.
			const counted = effectiveWeights(thrV3(), weights).filter((x) => !x.excluded && x.weight !== null).map((x) => x.category);
			const months = Math.max(...thrV3().components.map((c) => c.window_months));
			const [{ n }] = await runner.rows<{ n: number }>(
				`SELECT count(DISTINCT lsoa_code)::INTEGER AS n FROM incidents WHERE lsoa_code IS NOT NULL AND month_index BETWEEN ? AND ? AND category IN (${counted.map(() => '?').join(', ')})`,
				[monthIndex('2019-11') - months + 1, monthIndex('2019-11'), ...counted]
			);
			expect(result.areas.length).toBe(n);
		} finally {
			runner.close();
		}
	}, 120_000);
});
