/**
 * Quantiles behind the prediction intervals. Poisson cases are worked by hand from the pmf;
 * negative binomial cases were computed independently with SciPy 1.17,
 * `scipy.stats.nbinom.ppf(p, n=size, p=size / (size + mean))` (same "smallest x with
 * CDF ≥ p" definition); normal quantiles are the published z values.
 */
import { describe, expect, it } from 'vitest';
import { countInterval, negativeBinomialQuantile, normalQuantile, scaledCountCoverage, scaledCountInterval, scaledCountIntervalAndQuantiles, scaledCountQuantiles } from './distributions';

describe('negativeBinomialQuantile', () => {
	// Poisson(1.7) by hand: P(0) = e^-1.7 = 0.182684; P(≤1) = 0.182684 × (1 + 1.7) = 0.493246;
	// P(≤2) = 0.757223; P(≤3) = 0.906810; P(≤4) = 0.970385; P(≤5) = 0.992000.
	it.each([
		// [p, mean, size, expected]
		[0.025, 1.7, Infinity, 0],
		[0.1, 1.7, Infinity, 0],
		[0.2, 1.7, Infinity, 1],
		[0.5, 1.7, Infinity, 2],
		[0.9, 1.7, Infinity, 3],
		[0.975, 1.7, Infinity, 5],
		// Poisson(0.5): P(0) = 0.6065, P(≤1) = 0.9098, P(≤2) = 0.9856 → q(0.9) = 1, q(0.975) = 2.
		[0.6, 0.5, Infinity, 0],
		[0.9, 0.5, Infinity, 1],
		[0.975, 0.5, Infinity, 2],
		// SciPy: nbinom.ppf([0.025, 0.1, 0.9, 0.975], 10, 10/14) = [0, 1, 7, 9].
		[0.025, 4, 10, 0],
		[0.1, 4, 10, 1],
		[0.9, 4, 10, 7],
		[0.975, 4, 10, 9],
		// SciPy: nbinom.ppf([0.025, 0.1, 0.9, 0.975], 2.5, 2.5/14.8) = [1, 3, 24, 33].
		[0.025, 12.3, 2.5, 1],
		[0.1, 12.3, 2.5, 3],
		[0.9, 12.3, 2.5, 24],
		[0.975, 12.3, 2.5, 33],
		// SciPy: nbinom.ppf([0.025, 0.975], 10, 10/260) = [117, 431] (a large mean, summed in log space).
		[0.025, 250, 10, 117],
		[0.975, 250, 10, 431]
	])('q(%s) of mean %s, size %s is %s', (p, mean, size, expected) => {
		expect(negativeBinomialQuantile(p, mean, size)).toBe(expected);
	});

	it('mean 0 is the point mass at 0; p = 1 is Infinity', () => {
		expect(negativeBinomialQuantile(0.975, 0, Infinity)).toBe(0);
		expect(negativeBinomialQuantile(1, 2, 3)).toBe(Infinity);
	});

	it.each([
		[-0.1, 1, 1, /p must be in \[0, 1\]/],
		[0.5, -1, 1, /mean must be a finite number ≥ 0/],
		[0.5, NaN, 1, /mean must be a finite number ≥ 0/],
		[0.5, 1, 0, /size must be > 0/]
	])('rejects p = %s, mean = %s, size = %s', (p, mean, size, message) => {
		expect(() => negativeBinomialQuantile(p, mean, size)).toThrow(message);
	});
});

describe('countInterval and scaledCountInterval', () => {
	it('countInterval takes the 0.1/0.9 and 0.025/0.975 quantiles', () => {
		expect(countInterval(1.7, Infinity)).toEqual({ lo80: 0, hi80: 3, lo95: 0, hi95: 5 });
		expect(countInterval(0, 3)).toEqual({ lo80: 0, hi80: 0, lo95: 0, hi95: 0 });
	});

	it('scaledCountInterval: unit 1 and overdispersion 1 is the Poisson interval', () => {
		expect(scaledCountInterval(1.7, 1, 1)).toEqual(countInterval(1.7, Infinity));
	});

	it('scaledCountInterval: harm of mean 340 in units of 200 is 200 × a count of mean 1.7', () => {
		// 340 / 200 = 1.7 → Poisson(1.7) interval [0, 3] and [0, 5], times 200.
		expect(scaledCountInterval(340, 200, 0.5)).toEqual({ lo80: 0, hi80: 600, lo95: 0, hi95: 1000 });
	});

	it('scaledCountInterval: overdispersion φ gives NB1, size = μ / (φ − 1)', () => {
		// mean 4, unit 1, φ = 1.4 → size 4 / 0.4 = 10 → the NB(4, 10) quantiles above: [1, 7], [0, 9].
		expect(scaledCountInterval(4, 1, 1.4)).toEqual({ lo80: 1, hi80: 7, lo95: 0, hi95: 9 });
	});

	it('scaledCountInterval: zero mean or zero unit gives [0, 0]; bad input throws', () => {
		expect(scaledCountInterval(0, 5, 2)).toEqual({ lo80: 0, hi80: 0, lo95: 0, hi95: 0 });
		expect(scaledCountInterval(3, 0, 2)).toEqual({ lo80: 0, hi80: 0, lo95: 0, hi95: 0 });
		expect(() => scaledCountInterval(-1, 1, 1)).toThrow(/must be ≥ 0/);
		expect(() => scaledCountInterval(1, 1, 0)).toThrow(/overdispersion > 0/);
	});
});

describe('normalQuantile', () => {
	it.each([
		[0.5, 0],
		[0.975, 1.959964],
		[0.9, 1.281552],
		[0.025, -1.959964],
		[0.001, -3.090232]
	])('Φ⁻¹(%s) = %s (standard normal table)', (p, z) => {
		expect(normalQuantile(p)).toBeCloseTo(z, 6);
	});

	it('is ±Infinity at 0 and 1', () => {
		expect(normalQuantile(0)).toBe(-Infinity);
		expect(normalQuantile(1)).toBe(Infinity);
	});
});

describe('scaledCountCoverage and scaledCountIntervalAndQuantiles (the backtest’s and the Risk forecast’s one-walk forms)', () => {
	// Means, units and φ spanning zeros, Poisson (φ ≤ 1), overdispersed, small and large counts,
	// and a mean beyond the walk (normal approximation); actuals on and around every interval end.
	const cases: Array<[number, number, number]> = [];
	for (const mean of [0, 1e-9, 0.05, 0.7, 3, 12.5, 48, 400, 5e7]) for (const unit of [0, 0.3, 1, 7.25, 180]) for (const phi of [0.5, 1, 1.0000001, 1.4, 6]) cases.push([mean, unit, phi]);

	it('say exactly what scaledCountInterval’s interval says about every actual, and give its 80% width', () => {
		const out = { in80: false, in95: false, width80: 0 };
		let checked = 0;
		for (const [mean, unit, phi] of cases) {
			const q = scaledCountInterval(mean, unit, phi);
			const actuals = [0, q.lo95, q.lo80, q.hi80, q.hi95, mean, q.hi80 + unit / 2, q.hi95 + unit, Math.max(0, q.lo80 - unit / 2), q.hi80 * (1 + 1e-16)];
			for (const actual of actuals) {
				scaledCountCoverage(actual, mean, unit, phi, out);
				expect([out.in80, out.in95, out.width80]).toEqual([actual >= q.lo80 && actual <= q.hi80, actual >= q.lo95 && actual <= q.hi95, q.hi80 - q.lo80]);
				checked++;
			}
		}
		expect(checked).toBe(cases.length * 10);
	});

	it('give scaledCountInterval’s four ends and scaledCountQuantiles’ two, value for value', () => {
		const out = new Float64Array(6);
		for (const [mean, unit, phi] of cases) {
			for (const level of [0.8, 0.5, 0.95, 0.999]) {
				const q = scaledCountInterval(mean, unit, phi);
				const [lo, hi] = scaledCountQuantiles({ mean, unit, overdispersion: phi, level });
				expect(Array.from(scaledCountIntervalAndQuantiles(mean, unit, phi, level, out))).toEqual([q.lo80, q.hi80, q.lo95, q.hi95, lo, hi]);
			}
		}
	});

	it('refuse what the functions they replace refuse', () => {
		const out = { in80: false, in95: false, width80: 0 };
		expect(() => scaledCountCoverage(1, -1, 1, 1, out)).toThrow(RangeError);
		expect(() => scaledCountCoverage(1, 1, 1, 0, out)).toThrow(RangeError);
		expect(() => scaledCountIntervalAndQuantiles(1, 1, 1, 1, new Float64Array(6))).toThrow('interval level must be between 0 and 1');
	});
});
