/**
 * THR scores over an area set wider than the force: the City of London street files built with
 * the London LSOA shapefile read by MSOA11CD as the source's own areas (983 London MSOAs), the
 * force area the force the records fall within (the City's 6 LSOAs). Records outside the force
 * area are never read, so the MSOAs only they fall in would rank as areas without harm: the areas
 * scored at month m are the MSOAs holding a record inside the force area up to m (the hot-spot
 * study region's rule, analytics/hotspots/area-set.test.ts), and every rank and "Nth of M areas"
 * is among them. Before, all 983 were ranked ("1st of 983 areas"). Expected areas, harm ranks and
 * counts are worked here by SQL over the base rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { areasReachedBy, cchiWeights, cityMsoaExtract, thrV3 } from './fixtures.test-setup';
import { effectiveWeights, modelAtUnit } from './model';
import { monthIndex } from '../shared/months';
import { areaReason, ordinal } from './explain';
import { scoreMonth, scoreMonths, scoreTrend } from './score';

const model = modelAtUnit(thrV3(), 'district');
const weights = cchiWeights();

let runner: NodeRunner;
let remove: (() => void) | undefined;

beforeAll(async () => {
	({ runner, remove } = await cityMsoaExtract());
}, 600_000);

afterAll(() => remove?.());

/**
 * Each reached MSOA's 12-month harm (CCHI days of the weighted, non-excluded categories, exact
 * decimals) over the months to `month`, inside the force area, its rank among the reached MSOAs
 * (1 + how many hold more) and how many they are, by SQL.
 */
async function harmRanks(month: string): Promise<Array<{ d: string; harm: number; rank: number; n: number }>> {
	const hk = model.components.findIndex((c) => c.kind === 'harm');
	const window = model.components[hk].window_months;
	const counted = effectiveWeights(model, weights).filter((w) => !w.excluded && w.weight !== null);
	const m = monthIndex(month);
	const rows = await runner.rows<{ d: string; harm: number; rank: number; n: number }>(
		`WITH w(category, weight) AS (VALUES ${counted.map(() => '(?, CAST(? AS DECIMAL(18, 6)))').join(', ')}),
		 reached AS (SELECT DISTINCT district_id AS d FROM incidents WHERE district_id IS NOT NULL AND in_force_area AND month_index <= ?),
		 harm AS (
			SELECT r.d, coalesce(sum(w.weight), 0) AS harm FROM reached r
			LEFT JOIN incidents i ON i.district_id = r.d AND i.in_force_area AND i.month_index BETWEEN ? AND ?
			LEFT JOIN w ON w.category = i.category GROUP BY r.d
		 )
		 SELECT d, CAST(harm AS DOUBLE) AS harm, CAST(rank() OVER (ORDER BY harm DESC) AS INTEGER) AS rank, CAST(count(*) OVER () AS INTEGER) AS n FROM harm ORDER BY d`,
		[...counted.flatMap((w) => [w.category, w.weight]), m, m - window + 1, m]
	);
	return rows.map((r) => ({ d: r.d, harm: Number(r.harm), rank: Number(r.rank), n: Number(r.n) }));
}

describe('THR over an area set wider than a force area listed in LSOAs', () => {
	it('scores the 7 MSOAs the force reaches, not the 983, with a warning naming the 976 left out', async () => {
		// The build (as analytics/hotspots/area-set.test.ts checks it): the force area is the 6 City LSOAs, the area set London's 983 MSOAs.
		const [set] = await runner.rows<{ lsoas: number; msoas: number }>(
			"SELECT (SELECT count(*) FILTER (WHERE area_unit = 'lsoa') FROM force_area)::INTEGER AS lsoas, (SELECT count(DISTINCT district_id) FROM districts)::INTEGER AS msoas"
		);
		expect(set).toEqual({ lsoas: 6, msoas: 983 });
		const expected = await areasReachedBy(runner, '2019-10');
		expect(expected).toHaveLength(7);
		const result = await scoreMonth(runner, { model, weights, month: '2019-10' });
		expect(result.areas.map((a) => a.areaId).sort()).toEqual(expected);
		expect(result.areas.map((a) => a.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(result.scope).toMatchObject({ method: 'force-area', forceName: 'City of London', areasInForceArea: 7, areaSet: 983 });
		expect(result.warnings).toContain(
			"the force area (City of London) is listed in LSOAs, so the areas scored are the 7 of the 983 areas of the source's own area set holding a record inside it up to 2019-10; the other 976 are left out, as records outside the force area are never read and they would be ranked as areas without harm"
		);
	});

	it('each reason sentence ranks the area\'s harm among those 7 ("1st of 7 areas"), as SQL ranks it', async () => {
		const result = await scoreMonth(runner, { model, weights, month: '2019-10' });
		const ranks = await harmRanks('2019-10');
		expect(ranks.map((r) => r.d)).toEqual(await areasReachedBy(runner, '2019-10'));
		expect(ranks.every((r) => r.n === 7)).toBe(true);
		const hk = model.components.findIndex((c) => c.kind === 'harm');
		const withHarm = ranks.filter((r) => r.harm > 0);
		expect(withHarm.length).toBeGreaterThan(0);
		expect(ranks.some((r) => r.rank === 1)).toBe(true);
		for (const r of ranks) {
			const reason = areaReason(result, r.d);
			expect(reason.harm).toBeCloseTo(r.harm, 6);
			expect(result.areas.find((a) => a.areaId === r.d)!.components[hk].raw).toBeCloseTo(r.harm, 6);
			if (r.harm > 0) expect(reason.sentence).toContain(`(${ordinal(r.rank)} of 7 areas)`);
			expect(reason.sentence).not.toContain('983');
		}
	});

	it('an earlier month scores the MSOAs reached by then, the same in one pass with later months, in a trend, and with every later row deleted', async () => {
		const early = await areasReachedBy(runner, '2018-01');
		const late = await areasReachedBy(runner, '2019-10');
		expect(early.length).toBeGreaterThan(0);
		expect(early.length).toBeLessThanOrEqual(late.length);
		const alone = await scoreMonth(runner, { model, weights, month: '2018-01' });
		expect(alone.areas.map((a) => a.areaId).sort()).toEqual(early);
		expect(alone.scope.areasInForceArea).toBe(early.length);
		const [first, last] = await scoreMonths(runner, { model, weights, months: ['2018-01', '2019-10'] });
		expect(first.areas).toEqual(alone.areas);
		expect(first.scope).toEqual(alone.scope);
		expect(first.warnings).toEqual(alone.warnings);
		expect(last.areas.map((a) => a.areaId).sort()).toEqual(late);
		const trend = await scoreTrend(runner, { model, weights, months: ['2018-01', '2019-10'] });
		expect(trend.months.map((m) => [...m.areaIds].sort())).toEqual([early, late]);
		expect(trend.months.map((m) => m.scope.areasInForceArea)).toEqual([early.length, late.length]);
		// Nothing after the assessment month is read: deleting every later row changes nothing.
		await runner.exec('DELETE FROM incidents WHERE month_index > ?', [monthIndex('2018-01')]);
		const cut = await scoreMonth(runner, { model, weights, month: '2018-01' });
		expect(cut.areas).toEqual(alone.areas);
		expect(cut.scope).toEqual(alone.scope);
		expect(cut.warnings).toEqual(alone.warnings);
	}, 300_000);
});
