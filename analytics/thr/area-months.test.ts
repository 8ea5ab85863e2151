/**
 * Scoring from the pre-aggregate `thr_area_months` (area-months.ts) gives exactly what scoring
 * from the base rows gives — every field of every result, bit for bit — on the real City of
 * London street extract as the builder writes it, for thr-v1, v2 and v3, with and without a
 * declared force area, one month at a time, several at once and as a trend, under what-if
 * weights; and it reads nothing after the assessment month (rows after it deleted from the
 * pre-aggregate change nothing). The pre-aggregate's own counts are checked against the base
 * rows by independent SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { explainArea, monthLabel, scoreMonth, scoreMonths, scoreTrend, whatIf, applyWhatIf, type ScoreResult, type ThrModel } from '.';
import { THR_AREA_MONTHS, aggregatePanel, panelFromGrid, readAreaMonthGrid, thrSource } from './area-months';
import { monthIndex } from '../shared/months';
import { monthlyPanel } from '../forecast/series';
import { effectiveWeights } from './model';
import { cchiWeights, rebuildAreaMonths, sampleRunner, thrV1, thrV2, thrV3 } from './fixtures.test-setup';

const weights = cchiWeights();
const MODELS: Array<[string, ThrModel]> = [
	['thr-v1', thrV1()],
	['thr-v2', thrV2()],
	['thr-v3', thrV3()]
];

let city: NodeRunner;
let months: string[];

beforeAll(async () => {
	city = await sampleRunner({ aggregate: true });
	const rows = await city.rows<{ m: number }>('SELECT DISTINCT month_index AS m FROM incidents ORDER BY 1');
	months = rows.map((r) => monthLabel(Number(r.m)));
}, 120_000);
afterAll(() => city?.close());

const both = async (runner: NodeRunner, model: ThrModel, ms: readonly string[]) => {
	const base = await scoreMonths(runner, { model, weights, months: ms, source: 'incidents' });
	const aggregate = await scoreMonths(runner, { model, weights, months: ms, source: THR_AREA_MONTHS });
	return { base, aggregate };
};

describe('thr_area_months, the extract as built', () => {
	it('holds every incident once, per LSOA, month, category and flag (independent SQL over the base rows)', async () => {
		const [a] = await city.rows<{ n: number; rows: number }>('SELECT sum(n)::BIGINT AS n, count(*)::BIGINT AS rows FROM thr_area_months');
		const [b] = await city.rows<{ n: number; groups: number }>(
			'SELECT count(*)::BIGINT AS n, (SELECT count(*) FROM (SELECT DISTINCT lsoa_code, month_index, category, in_force_area FROM incidents))::BIGINT AS groups FROM incidents'
		);
		expect(a.n).toBe(b.n);
		expect(a.rows).toBe(b.groups);
		expect(a.rows).toBeLessThan(b.n);
		// Cell by cell, including the records without a place or a category.
		const [diff] = await city.rows<{ d: number }>(
			`SELECT count(*)::BIGINT AS d FROM (
				SELECT lsoa_code, month_index, category, in_force_area, count(*)::INTEGER AS n FROM incidents GROUP BY ALL
				EXCEPT SELECT lsoa_code, month_index, category, in_force_area, n FROM thr_area_months)`
		);
		expect(diff.d).toBe(0);
		const [unplaced] = await city.rows<{ n: number }>('SELECT coalesce(sum(n), 0)::BIGINT AS n FROM thr_area_months WHERE lsoa_code IS NULL');
		const [outside] = await city.rows<{ n: number }>('SELECT coalesce(sum(n), 0)::BIGINT AS n FROM thr_area_months WHERE in_force_area = false');
		expect(outside.n).toBeGreaterThan(0);
		expect(unplaced.n).toBe((await city.rows<{ n: number }>('SELECT count(*)::BIGINT AS n FROM incidents WHERE lsoa_code IS NULL'))[0].n);
	});

	it('is chosen when present for LSOA models; the base rows when absent', async () => {
		for (const [, model] of MODELS) expect(await thrSource(city, model)).toBe(THR_AREA_MONTHS);
		expect(await thrSource(city, thrV3(), 'incidents')).toBe('incidents');
		const h3 = { ...thrV3(), scope: { ...thrV3().scope, area_unit: 'h3_r8' as const } };
		expect(await thrSource(city, h3)).toBe('incidents');
		const other = await sampleRunner();
		try {
			expect(await thrSource(other, thrV3())).toBe('incidents');
			await expect(thrSource(other, thrV3(), THR_AREA_MONTHS)).rejects.toThrow(RangeError);
		} finally {
			other.close();
		}
	});

	it('the forecast panel behind Risk is monthlyPanel’s, value for value', async () => {
		const w = effectiveWeights(thrV3(), weights);
		for (const forceAreaOnly of [true, false]) {
			const options = { level: 'lsoa' as const, lastMonth: months.at(-1)!, months: 36, measure: 'harm' as const, weights: w, forceAreaOnly };
			const expected = await monthlyPanel(city, options);
			expect(await aggregatePanel(city, options)).toEqual(expected);
			// Cut from a wider grid read in one pass, as the engine does.
			const last = monthIndex(options.lastMonth);
			const grid = await readAreaMonthGrid(city, { weights: w, first: last - 40, last: last + 2, forceAreaOnly });
			expect(panelFromGrid(grid, options)).toEqual(expected);
			expect(panelFromGrid(grid, { ...options, months: 48 })).toBeNull();
		}
	});

	for (const [name, model] of MODELS) {
		it(`${name}: every month scored from it equals the base rows’ result, field for field`, async () => {
			const { base, aggregate } = await both(city, model, months);
			expect(aggregate).toEqual(base);
			expect(base.some((r) => r.areas.length > 0)).toBe(true);
			// One month alone, and the trend, likewise.
			const last = months.at(-1)!;
			expect(await scoreMonth(city, { model, weights, month: last })).toEqual(base.at(-1));
			const trendMonths = months.slice(-13);
			const t0 = await scoreTrend(city, { model, weights, months: trendMonths, source: 'incidents' });
			const t1 = await scoreTrend(city, { model, weights, months: trendMonths });
			expect(t1).toEqual(t0);
		});
	}

	it('explanations (categories behind Harm, months behind Threat) read from it equal those read from the base rows', async () => {
		const other = await sampleRunner();
		try {
			for (const [, model] of MODELS) {
				const result = await scoreMonth(city, { model, weights, month: months.at(-1)! });
				for (const area of result.areas.slice(0, 4)) {
					const fromAggregate = await explainArea(city, { result, areaId: area.areaId });
					expect(await explainArea(other, { result, areaId: area.areaId })).toEqual(fromAggregate);
					expect(fromAggregate.harm[0].categories.length).toBeGreaterThan(0);
				}
			}
		} finally {
			other.close();
		}
	});

	it('what-if weights and exclusions apply to its counts as to the base rows', async () => {
		const model = thrV3();
		const published = await scoreMonth(city, { model, weights, month: months.at(-1)!, source: 'incidents' });
		const change = { harmWeights: { Shoplifting: 40 }, include: ['Drugs', 'Possession of weapons'] };
		const { model: m, weights: w } = applyWhatIf(model, weights, change);
		const base = await scoreMonth(city, { model: m, weights: w, month: published.month, source: 'incidents' });
		const aggregate = await scoreMonth(city, { model: m, weights: w, month: published.month, source: THR_AREA_MONTHS });
		expect(aggregate).toEqual(base);
		expect(base.areas.map((a) => a.scoreUnits)).not.toEqual(published.areas.map((a) => a.scoreUnits));
		// The page's what-if (default source: the pre-aggregate) gives the same variant.
		const viaWhatIf = await whatIf(city, { model, weights, month: published.month, change, published });
		expect(viaWhatIf.variant.areas.map((a) => a.scoreUnits)).toEqual(aggregate.areas.map((a) => a.scoreUnits));
	});

	it('reads nothing after the assessment month: its later rows deleted (base rows kept) change no result', async () => {
		const other = await sampleRunner({ aggregate: true });
		try {
			const cut = months[Math.floor(months.length / 2)];
			const before = await Promise.all(MODELS.map(([, model]) => scoreMonth(other, { model, weights, month: cut })));
			await other.exec(`DELETE FROM thr_area_months WHERE month_index > (SELECT max(month_index) FROM incidents WHERE month = ?)`, [cut]);
			const after = await Promise.all(MODELS.map(([, model]) => scoreMonth(other, { model, weights, month: cut })));
			expect(after).toEqual(before);
			// And the base rows are not what it read: deleting them too changes nothing either.
			await other.exec('DELETE FROM incidents');
			expect(await Promise.all(MODELS.map(([, model]) => scoreMonth(other, { model, weights, month: cut })))).toEqual(before);
		} finally {
			other.close();
		}
	});
});

describe('thr_area_months, other extracts', () => {
	it('no force area declared: the same results from it as from the base rows (v2 and v3 fall back alike)', async () => {
		const old = await sampleRunner({ forceArea: false, aggregate: true });
		try {
			for (const [, model] of MODELS) {
				const { base, aggregate } = await both(old, model, months.slice(-3));
				expect(aggregate).toEqual(base);
			}
		} finally {
			old.close();
		}
	});

	it('records outside the force area tripled, and others flagged outside: the same from a remade pre-aggregate as from the base rows', async () => {
		const other = await sampleRunner({ aggregate: true });
		try {
			await other.exec('CREATE TEMP TABLE outside_rows AS SELECT * FROM incidents WHERE in_force_area = false');
			for (let copy = 0; copy < 2; copy++) await other.exec('INSERT INTO incidents SELECT * FROM outside_rows');
			await other.exec(`INSERT INTO incidents SELECT * REPLACE (false AS in_force_area) FROM incidents WHERE lsoa_code = 'E01032739' AND month >= '2019-01'`);
			await rebuildAreaMonths(other);
			const results: ScoreResult[][] = [];
			for (const [, model] of MODELS) {
				const { base, aggregate } = await both(other, model, months.slice(-2));
				expect(aggregate).toEqual(base);
				results.push(aggregate);
			}
			expect(results[2][1].scope.recordsOutside).toBeGreaterThan(0);
		} finally {
			other.close();
		}
	});
});
