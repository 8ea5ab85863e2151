/**
 * The held-out evaluation and the intervals, on seeded simulations with known rates:
 * - nothing after an origin is read (appending later data changes no figure, no choice);
 * - the automatic choice at an origin is the one made on the data before it alone;
 * - calibrated 80% and 95% intervals cover 78–82% and 93–97% of held-out hours of negative
 *   binomial counts with a known hour-of-week profile (coverage checked as in FPP3 §5.5 and
 *   Angelopoulos & Bates 2023, §2: the share of held-out actuals inside the interval).
 */
import { describe, expect, it } from 'vitest';
import { backtest, forecastWithBacktest } from './backtest';
import { evaluateForecasts } from './evaluate';

/** Seeded uniform (LCG, Numerical Recipes constants). */
function rng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (s * 1664525 + 1013904223) >>> 0) / 4294967296;
}

/** Poisson by inversion (small means) and gamma–Poisson NB2 (mean μ, size k) via a Marsaglia–Tsang gamma. */
function sampler(seed: number) {
	const u = rng(seed);
	const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
	const gamma = (shape: number): number => {
		if (shape < 1) return gamma(shape + 1) * u() ** (1 / shape);
		const d = shape - 1 / 3;
		const c = 1 / Math.sqrt(9 * d);
		for (;;) {
			const x = normal();
			const v = (1 + c * x) ** 3;
			if (v > 0 && Math.log(1 - u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
		}
	};
	const poisson = (l: number) => {
		let k = 0;
		let p = Math.exp(-l);
		let c = p;
		const target = u();
		while (target > c && k < 10_000) {
			k++;
			p *= l / k;
			c += p;
		}
		return k;
	};
	return { poisson, nb: (mu: number, size: number) => poisson((gamma(size) * mu) / size) };
}

/** Known hour-of-week rates: a daily cycle from 0.3 to 3.3 events an hour, 30% more at weekends. */
const rate = (t: number) => (1.8 + 1.5 * Math.sin((2 * Math.PI * ((t % 24) - 9)) / 24)) * (t % 168 >= 120 ? 1.3 : 1);

describe('evaluateForecasts', () => {
	const { nb } = sampler(12);
	const weeks = 40;
	const series = Array.from({ length: weeks * 168 }, (_, t) => nb(rate(t), 4));
	const origins = [30, 32, 34].map((w) => w * 168);
	const options = { period: 168, horizon: 168, origins, methods: ['seasonal-naive', 'seasonal-mean', 'nb-regression'] as const, selectionOrigins: 3, selectionStep: 168 };

	it('appending data after the last evaluation week changes no figure and no choice', () => {
		const upTo = series.slice(0, 35 * 168);
		const a = evaluateForecasts(upTo, options);
		const b = evaluateForecasts(series, options);
		const strip = (e: typeof a) => ({ ...e, scores: e.scores.map((s) => ({ ...s, seconds: 0 })) });
		expect(strip(b)).toEqual(strip(a));
		expect(a.scores.map((s) => s.method)).toEqual(['seasonal-naive', 'seasonal-mean', 'nb-regression', 'auto']);
		expect(a.choices).toHaveLength(3);
	});

	it("'auto' at an origin is the choice a backtest on the data before it makes", () => {
		const e = evaluateForecasts(series, options);
		origins.forEach((o, i) => {
			const alone = forecastWithBacktest(series.slice(0, o), { horizon: 168, period: 168, methods: options.methods, backtestOrigins: 3, backtestStep: 168 });
			expect(e.choices[i].method).toBe(alone.choice.method);
		});
	});

	it('a backtest of the new methods reads nothing after its last forecast week (later weeks replaced by 99s)', () => {
		const run = (s: number[]) =>
			backtest(s, { period: 168, horizon: 168, origins: [27 * 168, 28 * 168], methods: ['nb-regression', 'combination'], methodOptions: { calendar: { start: '2017-01-02T00:00:00' } } });
		const a = run(series.slice(0, 29 * 168));
		const b = run(series.slice(0, 29 * 168).concat(new Array(11 * 168).fill(99)));
		const strip = (r: typeof a) => r.scores.map((s) => ({ ...s, seconds: 0 }));
		expect(strip(b)).toEqual(strip(a));
	});
});

describe('interval coverage on a seeded simulation with known rates', () => {
	// NB2 counts (size 4) with the known profile above; 34 weekly origins after 16 weeks of
	// history; each forecasts one week. 34 × 168 = 5,712 held-out hours.
	const { nb } = sampler(20240601);
	const series = Array.from({ length: 50 * 168 }, (_, t) => nb(rate(t), 4));
	const origins = Array.from({ length: 34 }, (_, i) => (16 + i) * 168);
	const e = evaluateForecasts(series, { period: 168, horizon: 168, origins, methods: ['seasonal-mean', 'nb-regression'], selectionOrigins: 2, selectionStep: 168 });

	it.each(['seasonal-mean', 'nb-regression', 'auto'])('%s: 80% intervals cover 78–82%, 95% intervals 93–97% of held-out hours', (method) => {
		const s = e.scores.find((x) => x.method === method)!;
		expect(s.points).toBe(5712);
		expect(s.coverage80).toBeGreaterThanOrEqual(0.78);
		expect(s.coverage80).toBeLessThanOrEqual(0.82);
		expect(s.coverage95).toBeGreaterThanOrEqual(0.93);
		expect(s.coverage95).toBeLessThanOrEqual(0.97);
	});

	it('the regression, which knows the true form, beats the 8-week mean in MASE and pinball loss', () => {
		const mean = e.scores.find((x) => x.method === 'seasonal-mean')!;
		const reg = e.scores.find((x) => x.method === 'nb-regression')!;
		expect(reg.mase!).toBeLessThan(mean.mase!);
		expect(reg.scaledPinball!).toBeLessThan(mean.scaledPinball!);
	});
});
