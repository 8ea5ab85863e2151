/**
 * Holt–Winters recursions worked by hand (FPP3 §8.3 equations, initial states as documented in
 * holt-winters.ts), and the exact-recovery property of the initialisation.
 */
import { describe, expect, it } from 'vitest';
import { fitHoltWinters, holtWintersFilter, holtWintersForecast } from './holt-winters';

describe('holtWintersFilter and holtWintersForecast', () => {
	it('follows the recursions step by step (hand-worked, m = 2, α = β = γ = 0.5)', () => {
		// y = 2, 4, 3, 7. Season means 3 and 5 → b = (5 − 3)/2 = 1; s = 2 − (3 − 0.5) = −0.5 and
		// 4 − (3 + 0.5) = 0.5; ℓ(−1) = 3 − 0.5 − 1 = 1.5.
		// t=0: ŷ = 1.5 + 1 − 0.5 = 2 (e 0); ℓ = .5(2 + .5) + .5(2.5) = 2.5; b = 1; s0 = −0.5.
		// t=1: ŷ = 2.5 + 1 + 0.5 = 4 (e 0); ℓ = .5(3.5) + .5(3.5) = 3.5; b = 1; s1 = 0.5.
		// t=2: ŷ = 3.5 + 1 − 0.5 = 4 (e −1); ℓ = .5(3.5) + .5(4.5) = 4; b = .5(0.5) + .5 = 0.75;
		//      s0 = .5(3 − 4.5) + .5(−0.5) = −1.
		// t=3: ŷ = 4 + 0.75 + 0.5 = 5.25 (e 1.75); ℓ = .5(6.5) + .5(4.75) = 5.625;
		//      b = .5(1.625) + .5(0.75) = 1.1875; s1 = .5(7 − 4.75) + .5(0.5) = 1.375.
		// SSE = 1 + 1.75² = 4.0625. Forecasts: ℓ + h b + s: 5.625 + 1.1875 − 1 = 5.8125;
		// 5.625 + 2.375 + 1.375 = 9.375; 5.625 + 3.5625 − 1 = 8.1875.
		const state = holtWintersFilter([2, 4, 3, 7], 2, { alpha: 0.5, beta: 0.5, gamma: 0.5 });
		expect(state.level).toBeCloseTo(5.625, 12);
		expect(state.trend).toBeCloseTo(1.1875, 12);
		expect(Array.from(state.season)).toEqual([-1, 1.375]);
		expect(state.sse).toBeCloseTo(4.0625, 12);
		expect(Array.from(holtWintersForecast(state, 2, 3))).toEqual([5.8125, 9.375, 8.1875]);
	});

	it('m = 1 is Holt’s linear method: a straight line continues', () => {
		// y = 1, 2, 3, 4: b = 1, ℓ(−1) = 0; every one-step error is 0 → forecasts 5, 6.
		const state = holtWintersFilter([1, 2, 3, 4], 1, { alpha: 0.3, beta: 0.2, gamma: 0.9 });
		expect(state.sse).toBeCloseTo(0, 12);
		expect(Array.from(holtWintersForecast(state, 1, 2))).toEqual([5, 6].map((v) => expect.closeTo(v, 12)));
	});

	it('reproduces level + trend + season exactly, for any parameters', () => {
		// y_t = 10 + 0.2 t + S[t mod 4], S = (−3, 1, 4, −2), 5 seasons.
		const S = [-3, 1, 4, -2];
		const y = Array.from({ length: 20 }, (_, t) => 10 + 0.2 * t + S[t % 4]);
		for (const params of [
			{ alpha: 0.1, beta: 0.1, gamma: 0.1 },
			{ alpha: 0.9, beta: 0.5, gamma: 0.7 }
		]) {
			const state = holtWintersFilter(y, 4, params);
			expect(state.sse).toBeCloseTo(0, 10);
			const f = holtWintersForecast(state, 4, 5);
			expect(Array.from(f)).toEqual([20, 21, 22, 23, 24].map((t) => expect.closeTo(10 + 0.2 * t + S[t % 4], 10)));
		}
	});

	it('throws for a history shorter than two seasons or a parameter outside [0, 1]', () => {
		expect(() => holtWintersFilter([1, 2, 3], 2, { alpha: 0.5, beta: 0.5, gamma: 0.5 })).toThrow(
			'Holt–Winters needs at least two seasons (4 values) of history; got 3'
		);
		expect(() => holtWintersFilter([1, 2, 3, 4], 2, { alpha: 1.5, beta: 0.5, gamma: 0.5 })).toThrow('alpha must be in [0, 1], got 1.5');
	});
});

describe('fitHoltWinters', () => {
	it('a noise-free seasonal series is fitted with zero error', () => {
		const S = [5, -1, -4];
		const y = Array.from({ length: 30 }, (_, t) => 50 - 0.5 * t + S[t % 3]);
		const { state } = fitHoltWinters(y, 3);
		expect(state.sse).toBeCloseTo(0, 8);
	});

	it('least squares: the estimate is no worse than any grid point it started from', () => {
		// A noisy weekly-like pattern (deterministic "noise" from a fixed sequence).
		const noise = [0.3, -0.8, 0.5, 0.1, -0.2, 0.9, -0.6, 0.4, -0.1, 0.7, -0.9, 0.2];
		const y = Array.from({ length: 48 }, (_, t) => 20 + [4, -2, 1, -3][t % 4] + 3 * noise[t % 12] + 0.05 * t);
		const { params, state } = fitHoltWinters(y, 4);
		for (const p of [0.02, 0.1, 0.3, 0.6]) {
			expect(state.sse).toBeLessThanOrEqual(holtWintersFilter(y, 4, { alpha: p, beta: 0.001, gamma: 0.1 }).sse + 1e-9);
		}
		for (const v of Object.values(params)) expect(v).toBeGreaterThanOrEqual(0);
	});
});
