/**
 * The THR ranking as a hot-spot method, on the real City of London street data: it ranks by the
 * engine's THR scores for the last training month, later months cannot change it, and the
 * evaluation scores it beside the baselines and says where it does not beat them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { cchiWeights, sampleRunner, thrV2 } from '../thr/fixtures.test-setup';
import { scoreMonth } from '../thr/score';
import { evaluateHotspots, kdeMethod, lastPeriodMethod, predictHotspots } from './rank';
import { thrHotspotMethod } from './thr';
import { effectiveWeights } from '../thr/model';

const model = thrV2();
const weights = cchiWeights();

describe('THR as a hot-spot method', () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await sampleRunner();
	}, 120_000);
	afterAll(() => runner.close());

	it('scores each area of the region (the force area) with its THR score for --train-end (0 outside THR scope), hottest first', async () => {
		const p = await predictHotspots(runner, { level: 'lsoa', trainEnd: '2019-06', method: thrHotspotMethod({ model, weights }) });
		const thr = await scoreMonth(runner, { model, weights, month: '2019-06' });
		const byArea = new Map(thr.areas.map((a) => [a.areaId, a.score]));
		expect(p.month).toBe('2019-07');
		// The City of London's 6 LSOAs (local authority E09000001 in IMD 2019 File_1).
		expect(p.rows.map((r) => r.areaId).sort()).toEqual(['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740']);
		expect(p.basis).toBe('force area');
		for (const r of p.rows) expect(r.score).toBe(byArea.get(r.areaId) ?? 0);
		// Hottest first: the force-area LSOA THR puts highest.
		expect(p.rows[0].areaId).toBe(thr.areas.find((a) => p.rows.some((r) => r.areaId === a.areaId))!.areaId);
		expect(p.detail).toMatch(/THR thr 2\.0\.0 scores for 2019-06 \(\d+ areas in scope; Risk forecast: seasonal-mean\)/);
	});

	it('later data cannot change its output: deleting every row after --train-end gives the same ranking', async () => {
		const method = thrHotspotMethod({ model, weights });
		const full = await predictHotspots(runner, { level: 'h3_r8', trainEnd: '2019-03', method });
		const other = await sampleRunner();
		try {
			await other.exec(`DELETE FROM incidents WHERE month > '2019-03'`);
			expect(await predictHotspots(other, { level: 'h3_r8', trainEnd: '2019-03', method })).toEqual(full);
		} finally {
			other.close();
		}
	});

	it('refuses tables and levels THR does not score', async () => {
		const method = thrHotspotMethod({ model, weights });
		await expect(predictHotspots(runner, { table: 'stop_search', level: 'lsoa', trainEnd: '2019-06', method })).rejects.toThrow(/street records \(incidents\), not stop_search/);
	});

	it('is evaluated beside the baselines; notBetterThan lists exactly the baselines whose hit rate it does not beat', async () => {
		const methods = [lastPeriodMethod(), kdeMethod(), thrHotspotMethod({ model, weights })];
		const ev = await evaluateHotspots(runner, { level: 'lsoa', testMonths: ['2019-08', '2019-09'], methods, areaShares: [0.05, 0.2] });
		expect(ev.map((e) => [e.method, e.baseline])).toEqual([
			['last-period', true],
			['kde', true],
			['thr', false]
		]);
		const thr = ev[2];
		expect(thr.months.map((m) => m.month)).toEqual(['2019-08', '2019-09']);
		thr.notBetterThan.forEach((n, s) => {
			const expected = ev.slice(0, 2).filter((b) => b.mean[s].hitRate! >= thr.mean[s].hitRate!).map((b) => b.method);
			expect(n.baselines).toEqual(expected);
		});
		for (const m of thr.mean) {
			expect(m.peiStar!).toBeGreaterThan(0);
			expect(m.peiStar!).toBeLessThanOrEqual(1);
		}
	});

	it('scoring every origin in one pass (prepare) gives exactly what scoring origin by origin gives', async () => {
		const method = thrHotspotMethod({ model, weights });
		const { prepare, ...oneByOne } = method;
		expect(prepare).toBeTypeOf('function');
		const options = { level: 'lsoa' as const, testMonths: ['2019-05', '2019-06', '2019-07'], areaShares: [0.2, 0.5], measure: 'harm' as const, harmWeights: effectiveWeights(model, weights) };
		const batched = await evaluateHotspots(runner, { ...options, methods: [method] });
		expect(await evaluateHotspots(runner, { ...options, methods: [oneByOne] })).toEqual(batched);
	});
});
