/**
 * The empirical-Bayes blend (eb.ts), worked by hand: Marshall's (1991) global estimator, the
 * weight grid, the pro-rata hit rate and the nested choice of weights on earlier windows.
 */
import { describe, expect, it } from 'vitest';
import { BLEND_GRID, chooseBlend, ebComponents, hitRateAt, marshallEb, windowCounts, type UnitSeries } from './eb';

describe('marshallEb (Marshall 1991, Applied Statistics 40:283–294, method of moments)', () => {
	it('y = (0, 5, 10) over n = (1, 1, 2): m = 3.75, A = 1.875, rates 2.5, 4.1667, 4.375', () => {
		// m = 15/4 = 3.75; r = (0, 5, 5); s² = (1·14.0625 + 1·1.5625 + 2·1.5625)/4 = 4.6875;
		// n̄ = 4/3, A = 4.6875 − 3.75/(4/3) = 1.875; C = (1/3, 1/3, 1/2);
		// r̂ = 3.75 + C (r − 3.75) = (2.5, 4.1667, 4.375).
		const eb = marshallEb([0, 5, 10], [1, 1, 2]);
		expect(eb.mean).toBeCloseTo(3.75, 12);
		expect(eb.variance).toBeCloseTo(1.875, 12);
		expect(Array.from(eb.rates)).toEqual([expect.closeTo(2.5, 12), expect.closeTo(25 / 6, 12), expect.closeTo(4.375, 12)]);
	});

	it('no more spread than Poisson noise (A < 0 → 0): every area gets the mean', () => {
		// y = (1, 2), n = (1, 1): m = 1.5, s² = 0.25, A = 0.25 − 1.5 < 0 → 0.
		const eb = marshallEb([1, 2], [1, 1]);
		expect(eb.variance).toBe(0);
		expect(Array.from(eb.rates)).toEqual([1.5, 1.5]);
	});

	it('no records: zeros; zero exposure: the mean; negative counts throw', () => {
		expect(Array.from(marshallEb([0, 0], [1, 2]).rates)).toEqual([0, 0]);
		expect(marshallEb([4, 0, 2], [1, 0, 1]).rates[1]).toBe(3);
		expect(() => marshallEb([-1], [1])).toThrow(RangeError);
	});
});

describe('BLEND_GRID', () => {
	it('the 15 weightings on quarters summing to 1, the 12-month-only blend first', () => {
		expect(BLEND_GRID).toHaveLength(15);
		expect(BLEND_GRID[0]).toEqual([0, 0, 1]);
		for (const w of BLEND_GRID) expect(w[0] + w[1] + w[2]).toBeCloseTo(1, 12);
		expect(new Set(BLEND_GRID.map((w) => w.join())).size).toBe(15);
	});
});

describe('hitRateAt', () => {
	it('scores (3, 2, 2, 1), records (1, 4, 0, 5), equal areas, half the area: 1 + ½ × 4 of 10 = 0.3', () => {
		// The tied block (areas 2 and 3) straddles the cut at 2 areas: half of its 4 records.
		expect(hitRateAt([3, 2, 2, 1], [1, 4, 0, 5], [1, 1, 1, 1], 0.5)).toBeCloseTo(0.3, 12);
		expect(hitRateAt([3, 2, 2, 1], [0, 0, 0, 0], [1, 1, 1, 1], 0.5)).toBeNull();
	});
});

/** Two equal areas: A steady at 30 a unit; B none until unit 4, then 60 a unit. */
function risingSeries(units: number): UnitSeries {
	const a = new Float64Array(units).fill(30);
	const b = Float64Array.from({ length: units }, (_, u) => (u >= 4 ? 60 : 0));
	return { start: 0, length: units, counts: [a, b], sizes: Float64Array.of(1, 1), dataStart: 0 };
}

describe('ebComponents and chooseBlend (nested: weights from windows before the origin)', () => {
	it('at origin 6 (period 1, year 6): shrunk rates of the last unit, three units and six units by hand', () => {
		// Last unit (y 30, 60; n 1): m 45, s² 225, A 180, C 0.8 → 33, 57.
		// Three units (90, 120; n 3): m 35, s² 25, A 13.33, C 0.5333 → 32.333, 37.667.
		// Six units (180, 120; n 6): m 25, s² 25, A 20.833, C 0.8333 → 29.1667, 20.8333.
		const [r1, r3, r6] = ebComponents(risingSeries(10), 6, 1, 6);
		expect(Array.from(r1)).toEqual([expect.closeTo(33, 10), expect.closeTo(57, 10)]);
		expect(Array.from(r3)).toEqual([expect.closeTo(97 / 3, 10), expect.closeTo(113 / 3, 10)]);
		expect(Array.from(r6)).toEqual([expect.closeTo(29.1667, 4), expect.closeTo(20.8333, 4)]);
	});

	it('origin 8, tuned on origins 6 and 7 at half the area: (¼, ¼, ½), the first weighting to pick B at both', () => {
		// Origin 6: (0, ¼, ¾) → A 29.96 vs B 25.04, (¼, 0, ¾) → 30.13 vs 29.88, (0, ½, ½) → 30.75 vs 29.25:
		// all pick A (hit 30/90); (¼, ¼, ½) → 30.92 vs 34.08 picks B (60/90).
		// Origin 7: the 6-unit rates tie (30, 30), so (0, 0, 1) is one block (hit ½); every later
		// weighting up to (¼, ¼, ½) picks B. Means: ⅓·… (0,0,1) 0.417; next three 0.5; (¼, ¼, ½) ⅔.
		const choice = chooseBlend(risingSeries(12), 8, 1, 6, 0.5, 2);
		expect(choice.weights).toEqual([0.25, 0.25, 0.5]);
		expect(choice.tunedOn).toEqual([6, 7]);
		expect(choice.innerHitRate).toBeCloseTo(2 / 3, 12);
	});

	it('units at and after the origin change nothing; no earlier window: the 12-month-only default', () => {
		const s = risingSeries(12);
		const altered = risingSeries(12);
		for (let u = 8; u < 12; u++) altered.counts[0][u] = 999;
		expect(chooseBlend(altered, 8, 1, 6, 0.5, 2)).toEqual(chooseBlend(s, 8, 1, 6, 0.5, 2));
		expect(chooseBlend(s, 1, 1, 6, 0.5, 2)).toEqual({ weights: [0, 0, 1], tunedOn: [], innerHitRate: null });
		expect(Array.from(windowCounts(s, 3, 6))).toEqual([90, 120]);
	});
});
