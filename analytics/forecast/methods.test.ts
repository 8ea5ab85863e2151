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

describe('the detail sentence of each method', () => {
	// Sentences a reader can take in: capitalised, steps named as hours or months with a span in
	// weeks or years, methods by name (no "IRLS", no "steps" on an hourly or monthly series).
	const hourly = Array.from({ length: 20 * 168 }, (_, t) => 2 + (t % 24 < 8 ? 0 : 3));
	const monthly = Array.from({ length: 48 }, (_, t) => 10 + (t % 12));

	it.each([
		// Hourly (period 168): the seasonal mean averages 8 weeks; the Poisson window is 12 weeks = 2,016 hours.
		['seasonal-naive', 168, 'The value at the same hour of the week one week earlier'],
		['seasonal-mean', 168, 'The mean of the same hour of the week over the last 8 weeks (fewer where the history is shorter)'],
		// Flat over the weeks: no trend (e^0 − 1 = 0).
		['poisson', 168, 'Poisson regression on the hour of the week with a trend of ±0.00% a week, fitted to the last 2,016 hours (12 weeks)'],
		// Monthly (period 12): 3 years averaged, the Poisson window 36 months = 3 years.
		['seasonal-mean', 12, 'The mean of the same month of the year over the last 3 years (fewer where the history is shorter)'],
		['poisson', 12, 'Poisson regression on the month of the year with a trend of ±0.00% a year, fitted to the last 36 months (3 years)']
	] as const)('%s, period %i: %s', (method, period, sentence) => {
		const fit = fitMethod(method, period === 168 ? hourly : monthly, opts(period));
		expect(fit.detail).toBe(sentence);
		// The parameters in the same words: no "steps" or "seasons" on an hourly or monthly series.
		for (const p of fit.parameters) expect(p.meaning).not.toMatch(/\bsteps?\b|per season/);
	});

	it('Holt–Winters names its smoothing parameters and how they were chosen; every sentence starts with a capital', () => {
		const hw = fitMethod('holt-winters', monthly, opts(12, { holtWintersParams: { alpha: 0.5, beta: 0.01, gamma: 0.2 } }));
		expect(hw.detail).toBe('Holt–Winters exponential smoothing: level α = 0.500, trend β = 0.0100, season γ = 0.200, fixed in advance');
		for (const method of FORECAST_METHODS) {
			const detail = fitMethod(method, hourly, opts(168)).detail;
			expect(detail).toMatch(/^[A-Z]/);
			expect(detail).not.toMatch(/IRLS|\bsteps?\b/);
		}
	});
});
