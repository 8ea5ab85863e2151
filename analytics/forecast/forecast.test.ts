/**
 * Prediction intervals: the dispersion estimate and its use, worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { estimateDispersion, forecastSeries } from './forecast';

describe('estimateDispersion', () => {
	it.each([
		// e = (−2, 2), μ = (2, 2): 1/k = Σ(e² − μ)/Σμ² = (2 + 2)/8 = 0.5 → k = 2.
		[[0, 4], [2, 2], 2],
		// e = (1, −1), μ = (3, 3): Σ(e² − μ) = −4 ≤ 0 → no overdispersion → Poisson.
		[[4, 2], [3, 3], Infinity],
		// All means 0: nothing to scale by → Poisson.
		[[1, 0], [0, 0], Infinity],
		[[], [], Infinity]
	])('actual %j, mean %j → size %s', (actual, mean, expected) => {
		expect(estimateDispersion(actual, mean)).toBe(expected);
	});
});

describe('forecastSeries', () => {
	it('calibrates the dispersion on earlier origins and takes negative binomial quantiles', () => {
		// Naive (period 1), horizon 1, two calibration origins in [2, 4, 2, 4, 2, 4]:
		// origin 5 forecasts 2 (last of 2,4,2,4,2), actual 4; origin 4 forecasts 4, actual 2.
		// Σ(e² − μ) = (4 − 2) + (4 − 4) = 2, Σμ² = 4 + 16 = 20 → k = 10.
		// The forecast is 4; NB(mean 4, size 10) quantiles (SciPy nbinom.ppf(p, 10, 10/14)):
		// 0.1 → 1, 0.9 → 7, 0.025 → 0, 0.975 → 9.
		const f = forecastSeries([2, 4, 2, 4, 2, 4], { method: 'seasonal-naive', horizon: 1, period: 1, calibrationOrigins: 2 });
		expect(f.dispersion).toEqual({ size: 10, points: 2, basis: 'out-of-sample errors' });
		expect(f).toMatchObject({ mean: [4], lo80: [1], hi80: [7], lo95: [0], hi95: [9] });
	});

	it('an all-zero history gives zeros and [0, 0] intervals', () => {
		const f = forecastSeries(new Array(24).fill(0), { method: 'holt-winters', horizon: 3, period: 4 });
		expect(f).toMatchObject({ mean: [0, 0, 0], lo80: [0, 0, 0], hi80: [0, 0, 0], lo95: [0, 0, 0], hi95: [0, 0, 0] });
	});

	it('with no room for a calibration origin the intervals are Poisson, and say so', () => {
		// Seasonal naive needs 3 steps (period 3); with 3 steps of history no earlier origin fits.
		const f = forecastSeries([1, 2, 3], { method: 'seasonal-naive', horizon: 2, period: 3 });
		expect(f.dispersion).toEqual({ size: Infinity, points: 0, basis: 'no history to calibrate: Poisson' });
		// Means 1 and 2 → Poisson quantiles: mean 1: [0, 2] and [0, 3]; mean 2: [0, 4] and [0, 5].
		expect(f).toMatchObject({ mean: [1, 2], lo80: [0, 0], hi80: [2, 4], lo95: [0, 0], hi95: [3, 5] });
	});

	it('rejects a horizon that is not a positive integer', () => {
		expect(() => forecastSeries([1, 2, 3], { method: 'seasonal-naive', horizon: 0, period: 1 })).toThrow('horizon must be a positive integer, got 0');
	});
});
