/**
 * The negative binomial regression and the combination, on series whose answer is known by
 * construction, and the calendar columns they read, worked by hand.
 *
 * Exact-mean case: when every "count" equals its mean under the model, the Poisson
 * quasi-likelihood score equations Σ x (y − μ) = 0 hold at the true coefficients, so IRLS returns
 * them (McCullagh & Nelder 1989, §2.5; Cameron & Trivedi 2013, §3.2: the Poisson QMLE is
 * consistent for the mean of any count model) and the forecasts continue the pattern; the weak
 * N(0, 1) prior on the covariates moves them by less than the tolerance used here.
 */
import { describe, expect, it } from 'vitest';
import { calendarColumns, fourierColumns, holidaySet } from './calendar';
import { defaultMethodOptions, fitMethod, type MethodOptions } from './methods';
import us from '../../models/calendar/us-federal-holidays.json';

const hourly = (over: Partial<MethodOptions> = {}): MethodOptions => ({ ...defaultMethodOptions(168), ...over });

describe('calendarColumns and fourierColumns', () => {
	it('hour of week, holiday flag and day of year across New Year 2018 (US calendar)', () => {
		// Start Sunday 31 December 2017 22:00 → steps 0, 1 are Sunday 22:00 and 23:00 (hours of
		// week 166, 167); step 2 is Monday 1 January 2018 00:00 (hour 0), a federal holiday, day
		// of year 0; step 3 is 01:00, day of year 1/24.
		const c = calendarColumns({ start: '2017-12-31T22:00:00', ...holidaySet(us) }, 0, 4);
		expect(Array.from(c.hourOfWeek)).toEqual([166, 167, 0, 1]);
		expect(Array.from(c.holiday)).toEqual([0, 0, 1, 1]);
		expect(c.dayOfYear[0]).toBeCloseTo(364 + 22 / 24, 12);
		expect(Array.from(c.dayOfYear.slice(2))).toEqual([0, 1 / 24]);
		// sin/cos of 2πk·d/365.25: at d = 0, (0, 1) for every k.
		expect(fourierColumns([0], 2).map((col) => col[0])).toEqual([0, 1, 0, 1]);
	});
});

describe('nb-regression', () => {
	// Two years of hours from Monday 2 January 2017 00:00, exact means:
	// μ_t = exp(a[h] + 0.3 sin(2π d/365.25) − 0.2 cos(2π d/365.25)), where h is the hour of week,
	// except that on a holiday h is the Sunday hour 144 + hour of day.
	const start = '2017-01-02T00:00:00';
	const calendar = { start, ...holidaySet(us) };
	const a = Array.from({ length: 168 }, (_, h) => Math.log(0.5 + 2 * (1 + Math.sin((2 * Math.PI * (h % 24)) / 24)) + (h >= 120 ? 1 : 0)));
	const meanAt = (from: number, to: number) => {
		const c = calendarColumns(calendar, from, to);
		return Array.from({ length: to - from }, (_, i) => {
			const level = c.holiday[i] ? 144 + (c.hourOfWeek[i] % 24) : c.hourOfWeek[i];
			const s = (2 * Math.PI * c.dayOfYear[i]) / 365.25;
			return Math.exp(a[level] + 0.3 * Math.sin(s) - 0.2 * Math.cos(s));
		});
	};
	const n = 104 * 168;
	const history = meanAt(0, n);

	it('recovers an exact hour-of-week × yearly-cycle pattern and forecasts holidays as Sundays', () => {
		const fit = fitMethod('nb-regression', history, hourly({ calendar, harmonics: 1, recentLevelSeasons: 0 }));
		// The next 8 weeks (from 1 January 2019, a holiday Tuesday) continue the pattern.
		const f = fit.forecast(8 * 168);
		const expected = meanAt(n, n + 8 * 168);
		f.forEach((v, i) => expect(v / expected[i]).toBeCloseTo(1, 3));
		// 1 January 2019 10:00 (a Tuesday) is forecast from the Sunday 10:00 level.
		expect(f[10] / Math.exp(a[154])).toBeCloseTo(expected[10] / Math.exp(a[154]), 3);
		expect(fit.params.trendPerYear).toBeCloseTo(0, 3);
		expect(fit.params.size).toBe(Infinity); // no spread beyond the mean: Poisson
		expect(fit.uses).toEqual(['hour of week (public holidays from "US federal holidays (days observed), 2010–2027" as Sundays)', 'day of year (1 Fourier harmonic)', 'log-linear trend']);
		// Figures in the words carry separators: two years of hours is a window of thousands.
		// The detail is a sentence in words: the method by name, the window in hours and years
		// (104 weeks × 168 = 17,472 hours; ÷ 8,766 hours a year = 1.99), no algorithm acronym.
		expect(fit.detail).toBe(
			'Negative binomial regression on hour of week (public holidays from "US federal holidays (days observed), 2010–2027" as Sundays), day of year (1 Fourier harmonic) and log-linear trend, fitted to the last 17,472 hours (about 2 years)'
		);
		expect(fit.parameters.find((p) => p.name === 'window')!.meaning).toBe('fitted on the last 17,472 hours (about 2 years)');
		// Peak-to-trough of exp(0.3 sin − 0.2 cos) = exp(2·√(0.3² + 0.2²)) = 2.0561.
		const cycle = fit.parameters.find((p) => p.name === 'yearlyPeakToTrough')!;
		expect(cycle.value).toBeCloseTo(Math.exp(2 * Math.hypot(0.3, 0.2)), 3);
	});

	it('without a calendar uses the season position and a trend only', () => {
		// Period 2, exact log-linear trend: μ_t = exp(log(3 or 8) + 0.5 t/400) — the 'poisson' case.
		const y = Array.from({ length: 400 }, (_, t) => Math.exp([Math.log(3), Math.log(8)][t % 2] + (0.5 * t) / 400));
		const fit = fitMethod('nb-regression', y, { ...defaultMethodOptions(2), regressionSeasons: 200 });
		expect(fit.uses).toEqual(['season position (t mod 2)', 'log-linear trend']);
		const f = fit.forecast(2);
		expect(f[0] / Math.exp(Math.log(3) + (0.5 * 400) / 400)).toBeCloseTo(1, 2);
		expect(f[1] / Math.exp(Math.log(8) + (0.5 * 401) / 400)).toBeCloseTo(1, 2);
	});

	it('recent level: after a jump in level the term brings the forecast nearer the new level', () => {
		// Fixed hour-of-day profile whose level doubles every 10 weeks; the last jump is 2 weeks
		// before the end. With the recent-level term (mean of the last 2 weeks) the forecast is
		// nearer the new level (8 × profile) than the trend alone takes it.
		const profile = (t: number) => 1 + (t % 24 < 8 ? 0 : 2);
		const y = Array.from({ length: 32 * 168 }, (_, t) => 2 ** Math.floor(t / (10 * 168)) * profile(t));
		const withLevel = fitMethod('nb-regression', y, hourly({ recentLevelSeasons: 2, regressionSeasons: 29 }));
		const without = fitMethod('nb-regression', y, hourly({ recentLevelSeasons: 0, regressionSeasons: 29 }));
		expect(withLevel.uses).toContain('recent level (mean of the last 2 seasons)');
		expect(without.uses).not.toContain('recent level (mean of the last 2 seasons)');
		const gap = (f: Float64Array) => f.reduce((s, v, i) => s + Math.abs(v - 8 * profile(y.length + i)), 0);
		expect(gap(withLevel.forecast(168))).toBeLessThan(gap(without.forecast(168)));
		expect(withLevel.params.recentLevel).toBeGreaterThan(0);
	});
});

describe('combination', () => {
	it('is the equal-weight mean of its members (FPP3 §13.4, "Forecast combinations")', () => {
		// Period 3, history 1 … 9: seasonal naive 7, 8, 9; seasonal mean of 2 seasons 5.5, 6.5, 7.5.
		// Mean: 6.25, 7.25, 8.25.
		const fit = fitMethod('combination', [1, 2, 3, 4, 5, 6, 7, 8, 9], { ...defaultMethodOptions(3), seasons: 2, combine: ['seasonal-naive', 'seasonal-mean'] });
		expect(Array.from(fit.forecast(3))).toEqual([6.25, 7.25, 8.25]);
		expect(fit.detail).toBe('The equal-weight average of the seasonal naive forecast and the seasonal mean');
		expect(fit.parameters.map((p) => p.name)).toEqual(['seasonal-naive.seasons', 'seasonal-mean.seasons']);
	});
});
