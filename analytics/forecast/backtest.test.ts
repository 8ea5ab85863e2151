/**
 * The rolling-origin harness: origins, MASE (Hyndman & Koehler 2006) and coverage on a series
 * small enough to score by hand, the choice rule, and the forecast-with-backtest wrapper.
 */
import { describe, expect, it } from 'vitest';
import { backtest, chooseMethod, forecastWithBacktest, naiveScales, rollingOrigins, type BacktestScore } from './backtest';

describe('rollingOrigins', () => {
	it.each([
		// Last origin leaves the horizon at the end: 20 − 3 = 17; then 14, 11.
		[20, { horizon: 3, count: 3 }, [11, 14, 17]],
		[20, { horizon: 3, count: 3, step: 1 }, [15, 16, 17]],
		// Origins below minOrigin are dropped: 17 − 4·5 = −3 … only 2, 7, 12, 17 remain ≥ 2.
		[20, { horizon: 3, count: 5, step: 5, minOrigin: 2 }, [2, 7, 12, 17]],
		[2, { horizon: 3, count: 2 }, []]
	])('length %s, %j → %j', (length, options, expected) => {
		expect(rollingOrigins(length, options)).toEqual(expected);
	});
});

describe('naiveScales', () => {
	it('is the in-sample seasonal-naive MAE before each origin', () => {
		// Period 1, series 1, 3, 2, 4, 3: |Δ| = 2, 1, 2, 1.
		// Before 3: (2 + 1)/2 = 1.5; before 4: (2 + 1 + 2)/3 = 5/3; before 1: no difference yet.
		const s = naiveScales([1, 3, 2, 4, 3], 1, [3, 4, 1]);
		expect(s[0]).toBe(1.5);
		expect(s[1]).toBeCloseTo(5 / 3, 12);
		expect(s[2]).toBeNaN();
	});
});

describe('backtest', () => {
	// Series 1, 3, 2, 4, 3; period 1; horizon 1; origins 3 and 4; Poisson intervals (no calibration),
	// each end rounded to the nearest probability (forecast.ts): l with F(l − 1) closest to the
	// tail, u with 1 − F(u) closest to it (tails 0.10 and 0.025).
	// Naive: origin 3 forecasts 2 (actual 4, e = −2), origin 4 forecasts 4 (actual 3, e = 1).
	//   MAE 1.5; bias −0.5; MASE = (2/1.5 + 1/(5/3))/2 = (1.3333 + 0.6)/2 = 0.966667.
	//   Poisson(2): F = .1353, .4060, .6767, .8571, .9473, .9834 → 80% [1, 3] ∌ 4, 95% [0, 5] ∋ 4.
	//   Poisson(4): F(0 … 9) = .0183, .0916, .2381, .4335, .6288, .7851, .8893, .9489, .9786, .9919
	//   → 80% [2, 6] ∋ 3, 95% [1, 8] ∋ 3. Coverage 0.5 and 1; widths (2 + 4)/2 = 3 and (5 + 7)/2 = 6.
	//   Pinball at τ = .025, .1, .9, .975 (ends 0, 1, 3, 5; y = 4): .1, .3, .9, .025 → mean .33125;
	//   (ends 1, 2, 6, 8; y = 3): .05, .1, .3, .125 → .14375. Mean .2375; scaled by the
	//   origins' scales 1.5 and 5/3: (.220833 + .08625)/2 = .153542.
	// Recent mean (all history): origin 3 forecasts mean(1, 3, 2) = 2 (e = −2); origin 4
	//   forecasts mean(1, 3, 2, 4) = 2.5 (e = −0.5). MAE 1.25; bias −1.25;
	//   MASE = (1.3333 + 0.5/(5/3))/2 = (1.3333 + 0.3)/2 = 0.816667; relative MAE 1.25/1.5.
	//   Poisson(2.5): F = .0821, .2873, .5438, .7576, .8912, .9580 → 80% [1, 4] ∋ 3. Coverage 0.5;
	//   width (2 + 3)/2 = 2.5.
	const result = backtest([1, 3, 2, 4, 3], {
		period: 1,
		horizon: 1,
		origins: [3, 4],
		methods: ['seasonal-naive', 'seasonal-mean'],
		methodOptions: { seasons: 12 },
		calibrationOrigins: 0
	});

	it.each([
		['seasonal-naive', { mae: 1.5, bias: -0.5, mase: 0.966667, relativeMae: 1, coverage80: 0.5, coverage95: 1, width80: 3, width95: 6, pinball: 0.2375, scaledPinball: 0.153542 }],
		['seasonal-mean', { mae: 1.25, bias: -1.25, mase: 0.816667, relativeMae: 0.833333, coverage80: 0.5, coverage95: 1, width80: 2.5 }]
	] as const)('%s scores %j', (method, expected) => {
		const score = result.scores.find((s) => s.method === method)!;
		expect(score).toMatchObject({ origins: 2, points: 2, skipped: null });
		for (const [key, value] of Object.entries(expected)) expect(score[key as keyof BacktestScore]).toBeCloseTo(value, 5);
	});

	it('chooses the lowest MASE', () => {
		expect(result.choice).toEqual({ method: 'seasonal-mean', reason: 'lowest MASE (0.817) over 2 forecast origins' });
	});

	it('says "forecast origin" for a single origin', () => {
		// Origin 4 only: naive forecasts 4 (actual 3, e = 1, scale 5/3: MASE 0.6); mean(1, 3, 2, 4) = 2.5 (e = 0.5: MASE 0.3).
		const one = backtest([1, 3, 2, 4, 3], { period: 1, horizon: 1, origins: [4], methods: ['seasonal-naive', 'seasonal-mean'], methodOptions: { seasons: 12 }, calibrationOrigins: 0 });
		expect(one.choice).toEqual({ method: 'seasonal-mean', reason: 'lowest MASE (0.300) over 1 forecast origin' });
	});

	it('reports a method that cannot run at the first origin as skipped, with the reason', () => {
		const r = backtest([1, 3, 2, 4, 3, 5, 4, 6], { period: 2, horizon: 1, origins: [3, 5], methods: ['seasonal-naive', 'holt-winters'] });
		expect(r.scores[1]).toMatchObject({ method: 'holt-winters', skipped: 'needs 4 steps of history before the first origin; has 3', mae: null });
		expect(r.choice.method).toBe('seasonal-naive');
	});

	it('rejects an origin without a full horizon after it', () => {
		expect(() => backtest([1, 2, 3], { period: 1, horizon: 2, origins: [2] })).toThrow('origin 2 must be an integer ≥ 1 with 2 steps after it in a series of 3');
	});
});

describe('chooseMethod', () => {
	const score = (method: BacktestScore['method'], mase: number | null, mae = 1): BacktestScore => ({
		method,
		origins: 4,
		points: 4,
		mae,
		mase,
		relativeMae: null,
		bias: 0,
		coverage80: null,
		coverage95: null,
		width80: null,
		seconds: 0,
		skipped: null
	});

	it('a tie at 3 decimals goes to the simpler method', () => {
		const c = chooseMethod([score('holt-winters', 0.8004), score('seasonal-mean', 0.8001), score('poisson', 0.9)]);
		expect(c).toEqual({ method: 'seasonal-mean', reason: 'lowest MASE (0.800), tied with holt-winters; the simplest wins' });
	});

	it('falls back to MAE when no MASE exists, and to null when nothing was scored', () => {
		expect(chooseMethod([score('poisson', null, 2), score('seasonal-naive', null, 3)]).method).toBe('poisson');
		expect(chooseMethod([{ ...score('poisson', null), skipped: 'too short', mae: null }])).toEqual({
			method: null,
			reason: 'no method could be backtested (history too short for every method)'
		});
	});
});

describe('forecastWithBacktest', () => {
	// Four "weeks" of period 4 with a clear season and no noise: every method is exact or close.
	const season = [1, 5, 9, 3];
	const history = Array.from({ length: 32 }, (_, t) => season[t % 4]);

	it("'auto' takes the backtest's choice; a perfect tie goes to the seasonal naive method", () => {
		const r = forecastWithBacktest(history, { horizon: 4, period: 4, backtestOrigins: 3 });
		expect(r.backtest!.origins).toEqual([20, 24, 28]);
		expect(r.choice.method).toBe('seasonal-naive');
		expect(r.forecast.mean).toEqual([1, 5, 9, 3]);
	});

	it('an explicit method is used, and the backtest is still reported', () => {
		const r = forecastWithBacktest(history, { horizon: 4, period: 4, method: 'seasonal-mean', backtestOrigins: 3 });
		expect(r.forecast.method).toBe('seasonal-mean');
		expect(r.choice.reason).toMatch(/^chosen by the user \(the backtest would pick seasonal-naive/);
		expect(r.backtest!.scores.map((s) => s.method)).toEqual(['seasonal-naive', 'seasonal-mean', 'poisson', 'holt-winters', 'nb-regression', 'combination']);
		// The explanation names the method, what it uses, its parameters and why.
		expect(r.explanation).toMatchObject({ method: 'seasonal-mean', label: 'Seasonal mean of recent seasons' });
		expect(r.explanation.why).toMatch(/^chosen by the user .*Backtest over 3 forecast origins: MAE 0\.000 \(no MASE/);
		expect(r.explanation.parameters).toEqual([{ name: 'seasons', value: 4, meaning: 'average of up to 4 seasons' }]);
		expect(r.explanation.intervals).toMatch(/In the backtest the 80% intervals held 100\.0% of the actual values/);
	});

	it('a history too short to backtest falls back to the simplest method that fits', () => {
		const r = forecastWithBacktest([1, 5, 9, 3, 2], { horizon: 4, period: 4 });
		expect(r.backtest).toBeNull();
		expect(r.choice).toEqual({ method: 'seasonal-naive', reason: 'history too short to backtest (5 steps); the simplest method that fits' });
		expect(() => forecastWithBacktest([1, 2], { horizon: 1, period: 4 })).toThrow('no forecasting method can use 2 steps of history with period 4 (the shortest needs 4)');
	});
});
