/**
 * The statistics behind the components, table-style with values worked out by hand (or from the
 * definition, cited per case).
 */
import { describe, expect, it } from 'vitest';
import {
	estimateShrinkage,
	normalCdf,
	percentileRanks,
	poissonQuantile,
	rateRatioPValue,
	rateRatioZ,
	shrunkRatio
} from './stats';
import { standInRiskEstimate, riskInput } from './risk';
import { SCORE_UNITS, formatScore } from './score';
import { thrV1 } from './test-helpers';
import type { RiskComponent } from './model';

describe('percentileRanks', () => {
	it.each([
		// values, ties, expected: (areas below + tie share) ÷ (N − 1)
		[[], 'mid-rank', []],
		[[7], 'mid-rank', [0.5]],
		[[3, 1, 2], 'mid-rank', [1, 0, 0.5]],
		// 1 has none below; the two 5s have 1 below and one other tied: (1 + 1/2) / 3 = 0.5; 9: 3/3.
		[[5, 1, 5, 9], 'mid-rank', [0.5, 0, 0.5, 1]],
		[[5, 1, 5, 9], 'min-rank', [1 / 3, 0, 1 / 3, 1]],
		[[5, 1, 5, 9], 'max-rank', [2 / 3, 0, 2 / 3, 1]],
		// All equal: each has N − 1 tied others, half counted: 0.5 whatever N.
		[[0, 0, 0, 0, 0], 'mid-rank', [0.5, 0.5, 0.5, 0.5, 0.5]],
		[[0, 0, 0, 0, 0], 'min-rank', [0, 0, 0, 0, 0]],
		[[-1, 0, 1e-300], 'mid-rank', [0, 0.5, 1]]
	] as const)('%j with %s → %j', (values, ties, expected) => {
		expect(Array.from(percentileRanks(values as readonly number[] as number[], ties))).toEqual(expected);
	});

	it('refuses NaN', () => expect(() => percentileRanks([1, NaN], 'mid-rank')).toThrow(/NaN/));

	it('equal values get equal percentiles, and the order of the input does not matter', () => {
		const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 23);
		const p = percentileRanks(values, 'mid-rank');
		const shuffled = values.map((v, i) => [v, i] as const).sort((a, b) => ((a[1] * 31) % 200) - ((b[1] * 31) % 200));
		const q = percentileRanks(shuffled.map((x) => x[0]), 'mid-rank');
		shuffled.forEach(([v, i], j) => expect(q[j]).toBe(p[i]));
		for (let i = 0; i < values.length; i++) for (let j = 0; j < values.length; j++) if (values[i] === values[j]) expect(p[i]).toBe(p[j]);
	});
});

describe('empirical Bayes shrinkage', () => {
	it('α by the method of moments, by hand', () => {
		// r = (0, 0, 2), e = (4, 1, 0): areas with e > 0 are the first two.
		// Pearson = 16/4 + 1/1 = 5; chance = 2 × (1 + 3/12) = 2.5; 1/α = 2.5 / 5 → α = 2.
		expect(estimateShrinkage({ recent: [0, 0, 2], expected: [4, 1, 0], recentMonths: 3, baselineMonths: 12 })).toEqual({ alpha: 2, areas: 2, pearson: 5, chance: 2.5, expectedTotal: 5 });
		// No variation beyond chance: r = e everywhere → Pearson 0 < chance → α = ∞.
		expect(estimateShrinkage({ recent: [1, 2, 3], expected: [1, 2, 3], recentMonths: 3, baselineMonths: 12 }).alpha).toBe(Infinity);
		// One informative area is not enough to estimate a variance.
		expect(estimateShrinkage({ recent: [9], expected: [1], recentMonths: 3, baselineMonths: 12 }).alpha).toBe(Infinity);
		expect(estimateShrinkage({ recent: [], expected: [], recentMonths: 3, baselineMonths: 12 })).toEqual({ alpha: Infinity, areas: 0, pearson: 0, chance: 0, expectedTotal: 0 });
	});

	it.each([
		// recentHarm, expectedHarm, meanWeight, α → ratio
		[6, 2, 2, 2, (6 + 4) / (2 + 4)], // Gamma–Poisson posterior mean (r + α)/(e + α) with r = 3, e = 1 in units of w̄ = 2
		[0, 0, 0, 2, 1], // no incidents → no evidence of change
		[10, 5, 5, Infinity, 1], // α = ∞: everything shrinks to 1
		[196.21, 0, 98.105, 2, 2] // no baseline: prior α·w̄ = 196.21, so (196.21 + 196.21) / (0 + 196.21)
	])('shrunkRatio(%d, %d, %d, %d) = %d', (recent, expected, w, alpha, ratio) => {
		expect(shrunkRatio({ recentHarm: recent, expectedHarm: expected, meanWeight: w, alpha })).toBeCloseTo(ratio, 15);
	});

	it('shrinks small counts more than large ones at the same raw ratio', () => {
		const small = shrunkRatio({ recentHarm: 2 * 2, expectedHarm: 1 * 2, meanWeight: 2, alpha: 4 }); // r = 2, e = 1: raw ratio 2
		const large = shrunkRatio({ recentHarm: 200 * 2, expectedHarm: 100 * 2, meanWeight: 2, alpha: 4 }); // r = 200, e = 100: raw ratio 2
		expect(small).toBeCloseTo(6 / 5, 15);
		expect(large).toBeCloseTo(204 / 104, 15);
		expect(small).toBeLessThan(large);
	});
});

describe('two-rate Poisson test', () => {
	it.each([
		// recent, baseline, z = (r − b·R/B) / √(R(r + b)/B) with R = 3, B = 12
		[0, 16, -2],
		[0, 4, -1],
		[2, 0, 2 / Math.sqrt(0.5)],
		[0, 0, 0],
		[3, 12, 0]
	])('z(%d, %d) = %d', (r, b, z) => expect(rateRatioZ({ recent: r, baseline: b, recentMonths: 3, baselineMonths: 12 })).toBe(z));

	it.each([
		// r ~ Binomial(r + b, 3/15 = 0.2): two-sided = 2 × smaller tail, capped at 1.
		[0, 16, 2 * 0.8 ** 16],
		[2, 0, 2 * 0.2 ** 2],
		[0, 4, 2 * 0.8 ** 4],
		[0, 0, 1],
		[3, 12, 1] // r = 3 = the expected 0.2 × 15: both tails > 0.5
	])('p(%d, %d) = %d', (r, b, p) => expect(rateRatioPValue({ recent: r, baseline: b, recentMonths: 3, baselineMonths: 12 })).toBeCloseTo(p, 14));

	it('normalCdf matches the standard normal table', () => {
		expect(normalCdf(0)).toBeCloseTo(0.5, 7);
		expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
		expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
	});
});

describe('Poisson quantiles and the stand-in Risk', () => {
	it.each([
		// q, mean → smallest k with P(X ≤ k) ≥ q
		[0.1, 0.5, 0], // P(0) = e^−0.5 = 0.6065
		[0.9, 0.5, 1], // P(≤ 1) = 0.9098
		[0.9, 1 / 6, 1], // P(0) = 0.8465, P(≤ 1) = 0.9876
		[0.5, 0, 0],
		[0.1, 4, 2], // P(≤ 1) = 0.0916, P(≤ 2) = 0.2381
		[0.9, 4, 7], // P(≤ 6) = 0.8893, P(≤ 7) = 0.9489
		[0.5, 2000, 2000], // median of Poisson(λ) for integer λ is λ
		[0.9, 1000, 1041] // ≈ 1000 + 1.2816 × √1000 = 1040.5 (normal approximation), exact 1041
	])('q = %d, mean = %d → %d', (q, mean, k) => expect(poissonQuantile(q, mean)).toBe(k));

	it('refuses bad arguments', () => {
		expect(() => poissonQuantile(1, 2)).toThrow(/q must be/);
		expect(() => poissonQuantile(0.5, -1)).toThrow(/mean must be/);
	});

	it('standInRiskEstimate: mean monthly harm with a Poisson interval on counts × mean weight', () => {
		// 3 incidents, 5 days over 6 months: expected 5/6; mean count 0.5 → [0, 1] × 5/3.
		expect(standInRiskEstimate({ harm: 5, count: 3, months: 6, level: 0.8 })).toEqual({ expected: 5 / 6, low: 0, high: 5 / 3 });
		expect(standInRiskEstimate({ harm: 0, count: 0, months: 6, level: 0.8 })).toEqual({ expected: 0, low: 0, high: 0 });
		// 24 incidents of weight 2 over 6 months: mean count 4 → [2, 7] × 2.
		expect(standInRiskEstimate({ harm: 48, count: 24, months: 6, level: 0.8 })).toEqual({ expected: 8, low: 4, high: 14 });
	});

	it('riskInput checks what a provider returns', async () => {
		const component = thrV1().components[2] as RiskComponent;
		const request = { component, model: thrV1(), weights: [], runner: null as never, history: { monthIndex: [1], areaId: ['x'], harm: [1], count: [1] } };
		await expect(riskInput(request, () => ({ method: 'bad', level: 0.8, expected: Float64Array.of(-1), low: Float64Array.of(0), high: Float64Array.of(0) }))).rejects.toThrow(
			/bad estimate for x/
		);
		const ok = await riskInput(request);
		expect(ok.method).toBe('mean-monthly-harm (stand-in)');
	});
});

describe('formatScore', () => {
	it.each([
		[0, '0'],
		[SCORE_UNITS, '1'],
		[SCORE_UNITS / 4 * 3, '0.75'],
		[1, '0.00000095367431640625'],
		[367_001, '0.34999942779541015625'],
		[-1, '-0.00000095367431640625']
	])('%d units → %s', (units, text) => {
		expect(formatScore(units)).toBe(text);
		expect(Number(text)).toBe(units / SCORE_UNITS);
	});
});
