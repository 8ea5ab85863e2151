/**
 * No month at the cut: in the harm accuracy (the Accuracy page, the model card), each held-back
 * month M is ranked by every method from the months up to M − 1 only, so deleting month M itself
 * and everything after it, from the base rows and from the pre-aggregate THR scores from, changes
 * no ranking. Checked for the six methods harmAccuracy compares (THR v3 and v2, last month's harm,
 * 12-month harm, last month's counts, kernel density), with THR scored the way the evaluation
 * scores it (every origin at once, `prepare`), on the real City of London rows in a real DuckDB,
 * at the first, a middle and the last of its 12 test months.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { cchiWeights, sampleRunner, thrV2, thrV3 } from '../thr/fixtures.test-setup';
import { effectiveWeights } from '../thr/model';
import { monthIndex, monthKey } from '../forecast/series';
import { harmTestMonths } from './accuracy';
import { harmBaselines, predictHotspots, type HotspotMethod, type HotspotPrediction } from './rank';
import { thrHotspotMethod } from './thr';

const weights = cchiWeights();
const methods: HotspotMethod[] = [
	thrHotspotMethod({ model: thrV3(), weights, name: 'thr-v3' }),
	thrHotspotMethod({ model: thrV2(), weights, name: 'thr-v2' }),
	...harmBaselines({ weights: effectiveWeights(thrV3(), weights) })
];

describe('each held-back month is ranked without itself (City of London sample, pre-aggregate kept)', () => {
	let full: NodeRunner;
	let cut: NodeRunner;
	beforeAll(async () => {
		[full, cut] = await Promise.all([sampleRunner({ aggregate: true }), sampleRunner({ aggregate: true })]);
	}, 120_000);
	afterAll(() => {
		full?.close();
		cut?.close();
	});

	it('deleting the test month and every later one changes no method’s ranking for it', async () => {
		const testMonths = await harmTestMonths(full, 12);
		expect(testMonths[0]).toBe('2018-12');
		expect(testMonths.at(-1)).toBe('2019-11');
		const trainEnds = testMonths.map((m) => monthKey(monthIndex(m) - 1));
		const prepared = await Promise.all(methods.map((m) => m.prepare?.({ runner: full, table: 'incidents', level: 'lsoa', trainEnds })));
		const withoutDetail = (p: HotspotPrediction) => ({ ...p, detail: '' });
		// Latest first, so each cut deletes more of the same copy.
		for (const month of ['2019-11', '2019-05', '2018-12']) {
			const trainEnd = monthKey(monthIndex(month) - 1);
			for (const table of ['incidents', 'thr_area_months']) await cut.exec(`DELETE FROM ${table} WHERE month_index >= ?`, [monthIndex(month)]);
			const [{ n }] = await cut.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM incidents WHERE month_index >= ?', [monthIndex(month)]);
			expect(n).toBe(0);
			for (let k = 0; k < methods.length; k++) {
				const before = await predictHotspots(full, { level: 'lsoa', trainEnd, method: methods[k], prepared: prepared[k] });
				const after = await predictHotspots(cut, { level: 'lsoa', trainEnd, method: methods[k] });
				expect(before.rows.length).toBe(6);
				expect([month, methods[k].name, withoutDetail(after)]).toEqual([month, methods[k].name, withoutDetail(before)]);
				expect(after.detail).toBe(before.detail);
			}
		}
	});
});
