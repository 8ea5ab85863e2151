/**
 * IRLS Poisson regression against a published fit and against hand-worked maximum-likelihood
 * solutions.
 */
import { describe, expect, it } from 'vitest';
import { fitPoissonGlm } from './poisson-glm';

describe('fitPoissonGlm', () => {
	it('reproduces the published fit of new AIDS cases in Belgium, 1981–1993', () => {
		// The classic example of Wood (2017), Generalized Additive Models: An Introduction with R,
		// 2nd ed., ch. 3 (AIDS in Belgium): log E[y] = β0 + β1 t, t = 1 … 13. R's
		// glm(y ~ t, poisson) output as published at
		// https://rstudio-pubs-static.s3.amazonaws.com/1419470_fecfa4261d49461395c2c9a0fd58c485.html:
		// β0 = 3.1405895, β1 = 0.2021212, residual deviance 80.69. An independent BFGS
		// maximisation in SciPy gives 3.14058954, 0.2021212 and deviance 80.686486.
		const y = [12, 14, 33, 50, 67, 74, 123, 141, 165, 204, 253, 246, 240];
		const t = y.map((_, i) => i + 1);
		const fit = fitPoissonGlm({ y, factor: y.map(() => 0), levels: 1, covariates: [t] });
		expect(fit.converged).toBe(true);
		expect(fit.levelCoefficients[0]).toBeCloseTo(3.1405895, 6);
		expect(fit.covariateCoefficients[0]).toBeCloseTo(0.2021212, 6);
		expect(fit.deviance).toBeCloseTo(80.686486, 4);
	});

	it('with a factor only, each level’s coefficient is the log of its mean (the Poisson MLE)', () => {
		// Levels 0, 1, 2: counts (1, 0), (3, 2), (0, 5) → means 0.5, 2.5, 2.5.
		const fit = fitPoissonGlm({ y: [1, 3, 0, 0, 2, 5], factor: [0, 1, 2, 0, 1, 2], levels: 3, covariates: [] });
		expect(fit.levelCoefficients.map(Math.exp)).toEqual([0.5, 2.5, 2.5].map((v) => expect.closeTo(v, 12)));
		expect(fit.covariateCoefficients).toEqual([]);
	});

	it('a level with no counts gets −Infinity and the others still satisfy the score equations', () => {
		// Levels alternate; level 1 is always 0. Score equations at the MLE (over observations of
		// active levels): Σ_level (y − μ) = 0 for level 0, and Σ t (y − μ) = 0.
		const y = [2, 0, 3, 0, 5, 0, 4, 0, 9, 0];
		const factor = y.map((_, i) => i % 2);
		const t = y.map((_, i) => i - 4.5);
		const fit = fitPoissonGlm({ y, factor, levels: 2, covariates: [t] });
		expect(fit.levelCoefficients[1]).toBe(-Infinity);
		const mu = y.map((_, i) => (factor[i] === 0 ? Math.exp(fit.levelCoefficients[0] + fit.covariateCoefficients[0] * t[i]) : 0));
		const level0 = y.reduce((s, v, i) => s + (factor[i] === 0 ? v - mu[i] : 0), 0);
		const trend = y.reduce((s, v, i) => s + t[i] * (v - mu[i]), 0);
		expect(Math.abs(level0)).toBeLessThan(1e-6);
		expect(Math.abs(trend)).toBeLessThan(1e-6);
	});

	it('recovers exact log-linear data: means exp(a_level + b t) are fitted without error', () => {
		// With y equal to its own mean, the MLE reproduces it: a = log(2), log(5); b = 0.1.
		const t = Array.from({ length: 12 }, (_, i) => i);
		const factor = t.map((i) => i % 2);
		const y = t.map((i) => Math.exp((factor[i] === 0 ? Math.log(2) : Math.log(5)) + 0.1 * i));
		const fit = fitPoissonGlm({ y, factor, levels: 2, covariates: [t] });
		expect(fit.levelCoefficients[0]).toBeCloseTo(Math.log(2), 8);
		expect(fit.levelCoefficients[1]).toBeCloseTo(Math.log(5), 8);
		expect(fit.covariateCoefficients[0]).toBeCloseTo(0.1, 8);
		expect(fit.deviance).toBeCloseTo(0, 8);
	});

	it('a ridge keeps a runaway trend finite (zeros ending in one count)', () => {
		// Without a penalty the trend of [0, 0, 0, 0, 3] has no finite maximum; with λ = 1 the
		// penalised score equations hold: Σ(y − μ) = 0 and Σ t(y − μ) = λ b.
		const y = [0, 0, 0, 0, 3];
		const t = [-2, -1, 0, 1, 2];
		const fit = fitPoissonGlm({ y, factor: [0, 0, 0, 0, 0], levels: 1, covariates: [t], ridge: 1 });
		const b = fit.covariateCoefficients[0];
		expect(Number.isFinite(b)).toBe(true);
		const mu = t.map((x) => Math.exp(fit.levelCoefficients[0] + b * x));
		expect(Math.abs(y.reduce((s, v, i) => s + v - mu[i], 0))).toBeLessThan(1e-6);
		expect(y.reduce((s, v, i) => s + t[i] * (v - mu[i]), 0)).toBeCloseTo(b, 5);
	});

	it('all zeros: every level −Infinity, deviance 0', () => {
		const fit = fitPoissonGlm({ y: [0, 0, 0, 0], factor: [0, 1, 0, 1], levels: 2, covariates: [[0, 1, 2, 3]] });
		expect(fit.levelCoefficients).toEqual([-Infinity, -Infinity]);
		expect(fit.covariateCoefficients).toEqual([0]);
		expect(fit.deviance).toBe(0);
	});

	it.each([
		[{ y: [], factor: [], levels: 1, covariates: [] }, /no observations/],
		[{ y: [1, -1], factor: [0, 0], levels: 1, covariates: [] }, /count -1 at 1 is not a finite number ≥ 0/],
		[{ y: [1, 1], factor: [0, 2], levels: 2, covariates: [] }, /factor level 2 at 1 is outside 0 … 1/],
		[{ y: [1, 1], factor: [0], levels: 1, covariates: [] }, /same length/],
		// One observation per level: a trend is indistinguishable from the level coefficients.
		[{ y: [1, 2], factor: [0, 1], levels: 2, covariates: [[0, 1]] }, /singular system/]
	])('rejects bad input %#', (input, message) => {
		expect(() => fitPoissonGlm(input)).toThrow(message);
	});
});
