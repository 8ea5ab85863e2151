/**
 * Prediction intervals: the dispersion estimate and its use, worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { estimateDispersion, forecastSeries, nearestInterval } from './forecast';

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
	it('calibrates on earlier origins: the dispersion by moments, the width so that the calibration actuals are covered', () => {
		// Naive (period 1), horizon 1, two calibration origins in [2, 4, 2, 4, 2, 4]:
		// origin 5 forecasts 2 (last of 2,4,2,4,2), actual 4; origin 4 forecasts 4, actual 2.
		// Σ(e² − μ) = (4 − 2) + (4 − 4) = 2, Σμ² = 4 + 16 = 20 → k = 10.
		// Two points: coverage 1 is closer to 80% than 1/2, so the central probability is the
		// smallest on the grid that holds both; the forecast (mean 4, as the second point) then
		// holds that point's actual, 2.
		const f = forecastSeries([2, 4, 2, 4, 2, 4], { method: 'seasonal-naive', horizon: 1, period: 1, calibrationOrigins: 2 });
		expect(f.dispersion).toEqual({ size: 10, points: 2, basis: 'out-of-sample errors' });
		expect(f.mean).toEqual([4]);
		expect(f.intervals.blocks).toMatchObject([{ points: 2, coverage80: 1, coverage95: 1 }]);
		expect(f.lo80[0]).toBeLessThanOrEqual(2);
		expect(f.hi80[0]).toBeGreaterThanOrEqual(4);
		// One grid step lower no longer holds both points (else the bisection would have stopped there).
		expect(f.intervals.blocks[0].level80).toBeGreaterThan(0.3);
	});

	it('an all-zero history gives zeros and [0, 0] intervals', () => {
		const f = forecastSeries(new Array(24).fill(0), { method: 'holt-winters', horizon: 3, period: 4 });
		expect(f).toMatchObject({ mean: [0, 0, 0], lo80: [0, 0, 0], hi80: [0, 0, 0], lo95: [0, 0, 0], hi95: [0, 0, 0] });
	});

	it('with no room for a calibration origin the intervals are Poisson, and say so', () => {
		// Seasonal naive needs 3 steps (period 3); with 3 steps of history no earlier origin fits.
		const f = forecastSeries([1, 2, 3], { method: 'seasonal-naive', horizon: 2, period: 3 });
		expect(f.dispersion).toEqual({ size: Infinity, points: 0, basis: 'no history to calibrate: Poisson' });
		// Means 1 and 2 → Poisson, ends rounded to the nearest probability (see nearestInterval):
		// mean 1: [0, 2] and [0, 3]; mean 2: [1, 3] and [0, 5].
		expect(f).toMatchObject({ mean: [1, 2], lo80: [0, 1], hi80: [2, 3], lo95: [0, 0], hi95: [3, 5] });
	});

	it('rejects a horizon that is not a positive integer', () => {
		expect(() => forecastSeries([1, 2, 3], { method: 'seasonal-naive', horizon: 1.5, period: 1 })).toThrow('horizon must be a positive integer, got 1.5');
		expect(() => forecastSeries([1, 2, 3], { method: 'seasonal-naive', horizon: 0, period: 1 })).toThrow('horizon must be a positive integer, got 0');
	});
});

describe('nearestInterval (each end rounded to the nearest probability)', () => {
	// Poisson(1): F(0 … 3) = .3679, .7358, .9197, .9810. 80% (tails .10): l = 0 (F(−1) = 0 is .10
	// away, F(0) .27); u = 2 (1 − F(2) = .080 is .020 away; 1 − F(1) = .264, 1 − F(3) = .019).
	// 95% (tails .025): u = 3 (1 − F(3) = .019 is .006 away).
	// Poisson(2): F(0 … 5) = .1353, .4060, .6767, .8571, .9473, .9834. 80%: l = 1 (F(0) = .135 is
	// .035 from .10, F(−1) = 0 is .10); u = 3 (1 − F(3) = .143 is .043 away, 1 − F(4) = .053 is
	// .047). The outward rule would give [0, 4], covering 94.7% instead of 72.2%.
	// NB(mean 4, size 10), SciPy nbinom.cdf(x, 10, 10/14), x = 0 … 10: .0346, .1333, .2886, .4660,
	// .6307, .7625, .8566, .9181, .9554, .9767, .9883. 80%: l = 2 (F(1) = .133 is .033 from .10);
	// u = 7 (1 − F(7) = .082 is .018 away). 95%: l = 1 (F(0) = .035 is .010 from .025);
	// u = 9 (1 − F(9) = .023 is .002 away).
	it.each([
		[1, Infinity, 0.8, [0, 2]],
		[1, Infinity, 0.95, [0, 3]],
		[2, Infinity, 0.8, [1, 3]],
		[2, Infinity, 0.95, [0, 5]],
		[4, 10, 0.8, [2, 7]],
		[4, 10, 0.95, [1, 9]],
		[0, Infinity, 0.8, [0, 0]]
	] as const)('mean %s, size %s, level %s → %j', (mean, size, level, expected) => {
		expect(nearestInterval(mean, size, level)).toEqual(expected);
	});

	it('rejects a level outside (0, 1) and a negative mean', () => {
		expect(() => nearestInterval(1, Infinity, 1)).toThrow('level must be between 0 and 1');
		expect(() => nearestInterval(-1, Infinity, 0.8)).toThrow('mean must be a finite number ≥ 0');
	});
});
