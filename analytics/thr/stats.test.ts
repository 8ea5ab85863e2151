/**
 * The statistics behind the components, table-style with values worked out by hand (or from the
 * definition, cited per case).
 */
import { describe, expect, it } from 'vitest';
import {
	binomialUpperTail,
	clopperPearsonLower,
	credibleExcess,
	estimateShrinkage,
	incompleteBeta,
	normalCdf,
	percentileRanks,
	poissonQuantile,
	rateRatioPValue,
	rateRatioZ,
	shrunkRatio
} from './stats';
import { standInRiskEstimate, riskInput } from './risk';
import { SCORE_UNITS, formatScore } from './score';
import { thrV1 } from './fixtures.test-setup';
import type { RiskComponent } from './model';

describe('percentileRanks', () => {
	it('equals its definition counted pair by pair, on values with many ties, negatives, ±0 and infinities', () => {
		// Seeded values: quarters of zeros (some −0), repeated small amounts, negatives, ±Infinity, and spread-out doubles.
		let seed = 7;
		const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		const values = Array.from({ length: 700 }, (_, i) => {
			const u = next();
			if (u < 0.2) return i % 3 === 0 ? -0 : 0;
			if (u < 0.45) return Math.floor(next() * 6) * 0.1;
			if (u < 0.55) return -Math.floor(next() * 4) - 0.5;
			if (u < 0.57) return i % 2 ? Infinity : -Infinity;
			return (next() - 0.3) * 1e6;
		});
		for (const ties of ['mid-rank', 'min-rank', 'max-rank'] as const) {
			const got = percentileRanks(values, ties);
			const want = values.map((v, i) => {
				let below = 0;
				let tied = 0;
				values.forEach((w, j) => {
					if (j === i) return;
					if (w < v) below++;
					else if (w === v) tied++;
				});
				return (ties === 'mid-rank' ? below + tied / 2 : ties === 'min-rank' ? below : below + tied) / (values.length - 1);
			});
			expect(Array.from(got)).toEqual(want);
		}
	});

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

describe('exact binomial tail and Clopper–Pearson lower bound (THR v3 Threat)', () => {
	it.each([
		// Closed forms: I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b; I_½(a, a) = ½.
		[0.3, 1, 1, 0.3],
		[0.3, 4, 1, 0.3 ** 4],
		[0.3, 1, 5, 1 - 0.7 ** 5],
		[0.5, 7.5, 7.5, 0.5],
		[0.5, 0.5, 0.5, 0.5],
		[0, 2, 3, 0],
		[1, 2, 3, 1]
	])('incompleteBeta(%d; %d, %d) = %d', (x, a, b, expected) => expect(incompleteBeta(x, a, b)).toBeCloseTo(expected, 14));

	it.each([
		// SciPy's binomtest documentation: binomtest(3, n=15, p=0.1, alternative='greater').pvalue = 0.18406106910639114.
		[3, 15, 0.1, 0.18406106910639114],
		// By hand: P(X ≥ 2 | 2, 0.2) = 0.2²; P(X ≥ 1 | 4, 0.2) = 1 − 0.8⁴.
		[2, 2, 0.2, 0.04],
		[1, 4, 0.2, 1 - 0.8 ** 4],
		[0, 5, 0.3, 1],
		[6, 5, 0.3, 0]
	])('P(X ≥ %d | n = %d, p = %d) = %d', (k, n, p, expected) => expect(binomialUpperTail(k, n, p)).toBeCloseTo(expected, 13));

	it('agrees with the direct binomial sum over many cases, deep tails included', () => {
		const direct = (k: number, n: number, p: number) => {
			let sum = 0;
			let c = 1; // C(n, 0)
			for (let j = 0; j <= n; j++) {
				if (j >= k) sum += c * p ** j * (1 - p) ** (n - j);
				c = (c * (n - j)) / (j + 1);
			}
			return sum;
		};
		for (const n of [1, 7, 30, 120]) {
			for (const p of [0.01, 0.2, 0.5, 0.93]) {
				for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 9))) {
					const d = direct(k, n, p);
					const t = binomialUpperTail(k, n, p);
					expect(Math.abs(t - d)).toBeLessThan(1e-13 + 1e-9 * d);
				}
			}
		}
	});

	it.each([
		// SciPy: binomtest(3, n=15, p=0.1, alternative='greater').proportion_ci(confidence_level=0.95).low = 0.05684686759024681.
		[3, 15, 0.95, 0.05684686759024681, 15],
		// R: binom.test(9, 24, 1/6) gives the two-sided 95% interval 0.1879929 … 0.5940636; its lower end is the one-sided 97.5% bound.
		[9, 24, 0.975, 0.1879929, 7],
		// R: binom.test(1, 1497, 0.0033, conf.level = 0.9) gives 3.426347e-05 … (one-sided 95% lower end), = 1 − 0.95^(1/1497).
		[1, 1497, 0.95, 1 - 0.95 ** (1 / 1497), 15],
		// k = n: P(X ≥ n) = π^n = 1 − level → π_L = 0.05^(1/n).
		[5, 5, 0.95, 0.05 ** (1 / 5), 15],
		[2, 2, 0.95, Math.sqrt(0.05), 15],
		[0, 10, 0.95, 0, 15]
	])('lower bound for %d of %d at %d = %d', (k, n, level, expected, digits) => {
		expect(clopperPearsonLower(k, n, level)).toBeCloseTo(expected, digits);
	});

	it('R’s 90% interval for 1 of 1497 (3.426347e-05) to its 7 printed digits', () => {
		expect(clopperPearsonLower(1, 1497, 0.95) / 1e-5).toBeCloseTo(3.426347, 6);
	});

	it('refuses bad arguments', () => {
		expect(() => clopperPearsonLower(3, 2, 0.95)).toThrow(/0 ≤ k ≤ n/);
		expect(() => clopperPearsonLower(1, 2, 1)).toThrow(/level/);
		expect(() => binomialUpperTail(1, 2.5, 0.5)).toThrow(/whole numbers/);
		expect(() => incompleteBeta(1.5, 1, 1)).toThrow(/x must be in/);
	});

	it('credible excess: exactly 0 for a change consistent with chance, a fall, or no baseline harm', () => {
		const base = { recentMonths: 3, baselineMonths: 12, expectedHarm: 100, level: 0.95 };
		// r = 1, b = 3: p = 1 − 0.8⁴ = 0.5904.
		expect(credibleExcess({ ...base, recent: 1, baseline: 3 })).toEqual({ pOneSided: binomialUpperTail(1, 4, 0.2), thetaLower: null, excess: 0 });
		expect(credibleExcess({ ...base, recent: 0, baseline: 40 }).excess).toBe(0);
		expect(credibleExcess({ ...base, recent: 0, baseline: 0 })).toEqual({ pOneSided: 1, thetaLower: null, excess: 0 });
		// Significant, but no expected harm: nothing to scale.
		expect(credibleExcess({ ...base, expectedHarm: 0, recent: 20, baseline: 10 }).excess).toBe(0);
	});

	it('credible excess = (θ_L − 1) × expected harm, θ_L from the Clopper–Pearson bound (r = 10, b = 17, by the direct sum)', () => {
		const e = credibleExcess({ recent: 10, baseline: 17, recentMonths: 3, baselineMonths: 12, expectedHarm: 456.51, level: 0.95 });
		const piL = clopperPearsonLower(10, 27, 0.95);
		expect(e.thetaLower).toBeCloseTo((piL / (1 - piL)) * 4, 14);
		expect(e.excess).toBeCloseTo((e.thetaLower! - 1) * 456.51, 10);
		expect(e.pOneSided).toBeCloseTo(0.030425065843469812, 13);
	});

	it('p ≥ 1 − level ⇔ θ_L ≤ 1 (the bound and the test are duals), over a grid of counts', () => {
		for (let r = 0; r <= 25; r++) {
			for (let b = 0; b <= 60; b += 3) {
				const p = binomialUpperTail(r, r + b, 0.2);
				if (r + b === 0) continue;
				const piL = clopperPearsonLower(r, r + b, 0.95);
				const theta = (piL / (1 - piL)) * 4;
				if (Math.abs(p - 0.05) < 1e-9) continue; // exactly on the boundary
				expect(theta > 1).toBe(p < 0.05);
			}
		}
	});

	it('grows with the evidence (same ratio, more counts) and with the size (expected harm)', () => {
		const excess = (r: number, b: number, expectedHarm = 100) => credibleExcess({ recent: r, baseline: b, recentMonths: 3, baselineMonths: 12, expectedHarm, level: 0.95 }).excess;
		// A doubling of the rate (r : b = 2 × 3 : 12) seen on more and more incidents.
		const series = [1, 2, 4, 8, 16, 32].map((k) => excess(2 * k, 4 * k));
		expect(series[0]).toBe(0); // 2 against 4: consistent with chance
		for (let i = 1; i < series.length; i++) expect(series[i]).toBeGreaterThanOrEqual(series[i - 1]);
		expect(series[series.length - 1]).toBeGreaterThan(series[2]);
		expect(series[series.length - 1]).toBeLessThan(100); // never more than the raw excess (θ − 1) × 100 = 100
		// Proportional to the expected harm.
		expect(excess(40, 80, 300)).toBeCloseTo(3 * excess(40, 80, 100), 10);
		// More recent incidents against the same baseline: more excess.
		for (let r = 10; r < 40; r++) expect(excess(r + 1, 40)).toBeGreaterThanOrEqual(excess(r, 40));
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
