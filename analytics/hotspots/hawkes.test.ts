/**
 * The self-exciting point process (hawkes.ts): the triggering density, one EM step and the
 * window forecast worked by hand (Mohler et al. 2011, JASA 106:100–108, §3: the E-step's branching
 * probabilities and the M-step's closed forms; Veen & Schoenberg 2008 for the EM), and the EM
 * recovering known parameters from a seeded simulation of the same model.
 */
import { describe, expect, it } from 'vitest';
import { emStep, fitHawkes, hawkesExpected, hawkesPairs, triggering, type HawkesFit } from './hawkes';
import { mulberry32 as rng } from '../shared/random';

describe('triggering', () => {
	it('θ 0.5, ω 0.2/day, σ 0.1 km, 1 day and 100 m apart: 0.1 × e^−0.2 × e^−0.5 / (2π 0.01) = 0.790340 per day per km²', () => {
		expect(triggering({ theta: 0.5, omega: 0.2, sigmaKm: 0.1 }, 1, 0.01)).toBeCloseTo(0.79034006, 7);
	});
});

describe('emStep (Mohler et al. 2011 §3)', () => {
	it('two records 1 day and 100 m apart, background 1 per km² at each, T = 10 days', () => {
		// From μ 1, θ 0.5, ω 1, σ 0.1 km: g = 0.5 × e^−1 × e^−0.5 / (2π 0.01) = 1.775613;
		// λ₂ = 1 + 1.775613 → p(background) 0.360281, p(triggered by 1) 0.639719; record 1 is background.
		// μ = (1 + 0.360281)/10 = 0.136028; θ = 0.639719/2 = 0.319860; ω = 0.639719/(0.639719 × 1) = 1;
		// σ² = 0.639719 × 0.01 / (2 × 0.639719) = 0.005 → σ = 0.0707107 km.
		const points = { x: Float64Array.of(0, 100), y: Float64Array.of(0, 0), t: Float64Array.of(0, 1) };
		const next = emStep({ mu: 1, theta: 0.5, omega: 1, sigmaKm: 0.1 }, [1, 1], hawkesPairs(points), 10);
		expect(next.mu).toBeCloseTo(0.13602807, 7);
		expect(next.theta).toBeCloseTo(0.31985964, 7);
		expect(next.omega).toBeCloseTo(1, 12);
		expect(next.sigmaKm).toBeCloseTo(0.07071068, 7);
	});

	it('pairs beyond the cut-offs are not linked', () => {
		const points = { x: Float64Array.of(0, 2000, 0), y: Float64Array.of(0, 0, 0), t: Float64Array.of(0, 1, 70) };
		const pairs = hawkesPairs(points, 60, 1);
		expect(Array.from(pairs.offset)).toEqual([0, 0, 0, 0]);
	});
});

describe('hawkesExpected', () => {
	it('one record at the target, 1 day before a 7-day window: background 2 × 7 × 0.954930 + 0.5 (e^−0.5 − e^−4)/(2π 0.01) = 18.049882', () => {
		// Background: quartic kernel at 0 with h = 1000 m, 3/(π h²) = 0.954930 per km², one record.
		// Triggering: θ 0.5, ω 0.5, σ 0.1 km: 0.5 × (0.606531 − 0.018316)/0.0628319 = 4.680866.
		const fit: HawkesFit = { mu: 2, theta: 0.5, omega: 0.5, sigmaKm: 0.1, iterations: 0, backgroundBandwidth: 1000, days: 365, records: 1 };
		const points = { x: Float64Array.of(0), y: Float64Array.of(0), t: Float64Array.of(0) };
		const [e] = hawkesExpected(fit, points, { x: [0], y: [0] }, 1, 7);
		expect(e).toBeCloseTo(18.04988163, 6);
	});
});

describe('fitHawkes on a seeded simulation with known parameters', () => {
	it('μ 4/day uniform on 10 × 10 km, θ 0.4, 1/ω 2 days, σ 0.1 km over 365 days: EM recovers them', () => {
		const r = rng(20261205);
		const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
		const poisson = (mean: number) => {
			let k = 0;
			for (let p = Math.exp(-mean), s = p, u = r(); u > s; k++) (p *= mean / (k + 1)), (s += p);
			return k;
		};
		const T = 365;
		const ev: Array<[number, number, number]> = [];
		const queue: Array<[number, number, number]> = [];
		// Background: a Poisson process of rate 4 a day (exponential gaps), uniform in space.
		for (let t = -Math.log(1 - r()) / 4; t < T; t += -Math.log(1 - r()) / 4) queue.push([r() * 10_000, r() * 10_000, t]);
		while (queue.length) {
			const e = queue.pop()!;
			ev.push(e);
			for (let c = poisson(0.4); c > 0; c--) {
				const t = e[2] - Math.log(1 - r()) * 2;
				if (t < T) queue.push([e[0] + 100 * normal(), e[1] + 100 * normal(), t]);
			}
		}
		ev.sort((a, b) => a[2] - b[2]);
		const fit = fitHawkes({ x: Float64Array.from(ev, (e) => e[0]), y: Float64Array.from(ev, (e) => e[1]), t: Float64Array.from(ev, (e) => e[2]) }, T, { maxIterations: 200 });
		expect(fit.theta).toBeGreaterThan(0.34);
		expect(fit.theta).toBeLessThan(0.46);
		expect(1 / fit.omega).toBeGreaterThan(1.7);
		expect(1 / fit.omega).toBeLessThan(2.3);
		expect(fit.sigmaKm).toBeGreaterThan(0.09);
		expect(fit.sigmaKm).toBeLessThan(0.11);
		expect(fit.mu).toBeGreaterThan(3.5);
		expect(fit.mu).toBeLessThan(4.5);
	});
});
