/**
 * The four methods on small series whose forecasts can be worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { FORECAST_METHODS, defaultMethodOptions, fitMethod, isForecastMethod, minHistory, type MethodOptions } from './methods';

const opts = (period: number, over: Partial<MethodOptions> = {}): MethodOptions => ({ ...defaultMethodOptions(period), ...over });

describe('seasonal naive and seasonal mean', () => {
	// Period 3: seasons (1, 2, 3), (4, 5, 6), (7, 8, 9).
	const history = [1, 2, 3, 4, 5, 6, 7, 8, 9];

	it.each([
		['seasonal-naive', {}, [7, 8, 9, 7, 8]],
		// Mean of the last 2 seasons: (4 + 7)/2, (5 + 8)/2, (6 + 9)/2, then the same again.
		['seasonal-mean', { seasons: 2 }, [5.5, 6.5, 7.5, 5.5, 6.5]],
		// Asking for 5 seasons with 3 available averages the 3: (1 + 4 + 7)/3 = 4 …
		['seasonal-mean', { seasons: 5 }, [4, 5, 6, 4, 5]]
	] as const)('%s %j forecasts %j', (method, over, expected) => {
		expect(Array.from(fitMethod(method, history, opts(3, over)).forecast(5))).toEqual(expected);
	});

	it('period 1: naive repeats the last value; the recent mean averages the last k steps', () => {
		expect(Array.from(fitMethod('seasonal-naive', [3, 1, 4], opts(1)).forecast(2))).toEqual([4, 4]);
		expect(Array.from(fitMethod('seasonal-mean', [3, 1, 4, 1, 5], opts(1, { seasons: 3 })).forecast(1))).toEqual([(4 + 1 + 5) / 3]);
	});
});

describe('poisson', () => {
	it('continues an exact log-linear seasonal pattern (the MLE reproduces it)', () => {
		// μ_t = exp(a[t mod 2] + 0.05 (t − c)/2) with a = (log 3, log 8): the IRLS fit is exact
		// (up to the weak trend prior, negligible at this size), so the forecasts continue it.
		const a = [Math.log(3), Math.log(8)];
		const n = 40;
		const y = Array.from({ length: n }, (_, t) => Math.exp(a[t % 2] + 0.05 * t));
		const f = fitMethod('poisson', y, opts(2, { poissonWindow: n })).forecast(3);
		const expected = [n, n + 1, n + 2].map((t) => Math.exp(a[t % 2] + 0.05 * t));
		f.forEach((v, i) => expect(v / expected[i]).toBeCloseTo(1, 3));
	});

	it('a season position that never had a count is forecast as 0', () => {
		const y = [2, 0, 3, 0, 1, 0, 2, 0];
		const f = fitMethod('poisson', y, opts(2)).forecast(2);
		expect(f[1]).toBe(0);
		expect(f[0]).toBeGreaterThan(0);
	});
});

describe('holt-winters', () => {
	it('clips negative forecasts of a falling series at 0', () => {
		const y = [10, 8, 6, 4, 2, 0];
		const f = fitMethod('holt-winters', y, opts(1, { holtWintersParams: { alpha: 0.5, beta: 0.5, gamma: 0 } })).forecast(3);
		// Straight line with slope −2 from 0: −2, −4, −6, clipped.
		expect(Array.from(f)).toEqual([0, 0, 0]);
	});
});

describe('every method', () => {
	it.each(FORECAST_METHODS)('%s forecasts zeros from an all-zero history', (method) => {
		expect(Array.from(fitMethod(method, new Array(12).fill(0), opts(3)).forecast(4))).toEqual([0, 0, 0, 0]);
	});

	it.each([
		['seasonal-naive', 167, 'seasonal-naive needs at least 168 steps of history (period 168); got 167'],
		['seasonal-mean', 100, 'seasonal-mean needs at least 168 steps of history (period 168); got 100'],
		['poisson', 300, 'poisson needs at least 336 steps of history (period 168); got 300'],
		['holt-winters', 335, 'holt-winters needs at least 336 steps of history (period 168); got 335']
	] as const)('%s refuses a series shorter than its minimum (%s steps)', (method, length, message) => {
		expect(() => fitMethod(method, new Array(length).fill(1), opts(168))).toThrow(message);
	});

	it('rejects negative or non-finite history values, naming the position', () => {
		expect(() => fitMethod('seasonal-naive', [1, -2, 3], opts(1))).toThrow('seasonal-naive: history[1] = -2 is not a count (finite, ≥ 0)');
		expect(() => fitMethod('seasonal-mean', [1, NaN], opts(1))).toThrow('history[1] = NaN');
	});

	it('minHistory and isForecastMethod', () => {
		expect(FORECAST_METHODS.map((m) => minHistory(m, 12))).toEqual([12, 12, 24, 24, 24, 24]);
		expect(isForecastMethod('poisson')).toBe(true);
		expect(isForecastMethod('arima')).toBe(false);
	});

	it('defaultMethodOptions rejects a period that is not a positive integer', () => {
		expect(() => defaultMethodOptions(0)).toThrow('period must be a positive integer, got 0');
	});
});
