/**
 * The staffing the Forecast page builds on its forecast, over the shipped City of London sample
 * (stop and search, the only timestamped records it holds, forecast as police activity):
 *
 * - officers per hour are recomputed here with an independent Erlang C (the textbook closed form,
 *   A^N/N! · N/(N − A) over Σ_{k<N} A^k/k! + that term; the module uses the Erlang B recursion),
 *   first checked against Call Centre Helper's published worked example ("Erlang C Formula –
 *   Example": 10 erlangs, 3 minutes, 80% in 20 s → 13 agents give 79.6%, 14 give 88.8%);
 * - the range carries the forecast interval: the mean and the upper 80% bound both staffed, each
 *   total equal to the independent recompute, the upper end never below the mean in any hour
 *   (on Monday 04:00 the mean is 0.25 searches and the 80% bound, a whole count, is 0);
 * - the sentence on what the officers rest on says plainly that no method beat the 8-week
 *   same-hour mean on the City (the automatic choice is that mean itself), and, for a method
 *   chosen by hand that scored worse, that it does not beat the baseline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { categoryProfile, minutesByHourOfWeek, resolveTimeOnTask, staffingForecastBasis, staffingRange, type StaffingAssumptions } from '$analytics/staffing';
import defaultsFile from '../../../models/staffing/default.json';
import { forecastDemand, type DemandForecast } from './demand';
import { hourOfWeekSummary } from './hour-of-week';

const defaults = defaultsFile as StaffingAssumptions;

/** Probability of waiting by the closed form, summing A^k/k! term by term. */
function erlangCClosedForm(n: number, a: number): number {
	let term = 1;
	let sum = 0;
	for (let k = 0; k < n; k++) {
		if (k > 0) term *= a / k;
		sum += term;
	}
	const top = ((term * a) / n) * (n / (n - a));
	return top / (sum + top);
}
const serviceLevel = (n: number, a: number, t: number, s: number) => (n <= a ? 0 : 1 - erlangCClosedForm(n, a) * Math.exp((-(n - a) * t) / s));
function freeOfficers(arrivals: number, minutes: number, targetMinutes: number, share: number): number {
	const a = (arrivals * minutes) / 60;
	if (a === 0) return 0;
	let n = Math.floor(a) + 1;
	while (serviceLevel(n, a, targetMinutes, minutes) < share) n++;
	return n;
}

let runner: NodeRunner;
let remove: (() => void) | undefined;
let auto: DemandForecast;

beforeAll(async () => {
	runner = await createNodeRunner();
	remove = await loadSampleSource(runner, 'city-of-london');
	auto = (await forecastDemand(runner, { source: 'stop_search', weeks: 2, method: 'auto' }))!;
}, 300_000);

afterAll(() => {
	runner?.close();
	remove?.();
});

describe('independent Erlang C', () => {
	it('reproduces Call Centre Helper’s worked example (A = 10 erlangs, 3 minutes, 80% within 20 s)', () => {
		expect(serviceLevel(13, 10, 1 / 3, 3)).toBeCloseTo(0.7956, 4);
		expect(serviceLevel(14, 10, 1 / 3, 3)).toBeCloseTo(0.8884, 4);
		expect(freeOfficers(200, 3, 1 / 3, 0.8)).toBe(14);
	});
});

describe('staffingRange (City of London stop and search, default assumptions)', () => {
	it('staffs both the forecast mean and the upper 80% bound, each total equal to an independent Erlang C recompute', async () => {
		const rows = hourOfWeekSummary({ timestamps: auto.timestamps, mean: auto.forecast.mean, hi80: auto.forecast.hi80 }, auto.history);
		const profile = await categoryProfile(runner, { table: 'stop_search', end: auto.history.end, weeks: defaults.category_mix!.weeks });
		const perHour = minutesByHourOfWeek(profile, resolveTimeOnTask(defaults, profile), defaults.time_on_task_minutes.default);
		const range = staffingRange(
			{ timestamps: rows.map((r) => String(r.hourOfWeek)), mean: rows.map((r) => r.mean), hi80: rows.map((r) => r.hi80) },
			defaults,
			{ minutesByHour: rows.map((r) => perHour[r.hourOfWeek]) }
		);
		const productive = defaults.shift.productive_hours / defaults.shift.length_hours;
		for (const end of ['mean', 'hi80'] as const) {
			let available = 0;
			let onDuty = 0;
			let rostered = 0;
			let peak = 0;
			for (const r of rows) {
				// The upper end is the 80% bound, or the mean where that whole count is below it.
				const arrivals = end === 'mean' ? r.mean : Math.max(r.mean, r.hi80);
				const n = freeOfficers(arrivals, perHour[r.hourOfWeek], defaults.service_target.within_minutes, defaults.service_target.share);
				const d = Math.max(defaults.minimum_on_duty, Math.ceil(n / productive - 1e-9));
				const ro = Math.ceil(d / (1 - defaults.shrinkage) - 1e-9);
				available += n;
				onDuty += d;
				rostered += ro;
				peak = Math.max(peak, ro);
			}
			expect(range.totals[end]).toEqual({ available, onDuty, rostered, peak });
		}
		range.mean.hours.forEach((h, i) => expect(range.hi80.hours[i].rostered).toBeGreaterThanOrEqual(h.rostered));
		// Quiet hours of week whose 80% bound (a whole count, averaged over the 2 weeks) is below the
		// mean: staffed to that bound they had fewer officers than staffed to the mean.
		const quiet = rows.filter((r) => r.hi80 < r.mean);
		expect(quiet.length).toBeGreaterThan(0);
		const monday4 = rows.find((r) => r.hourOfWeek === 4)!;
		expect([monday4.mean, monday4.hi80]).toEqual([0.25, 0]);
		expect(range.hi80.hours[4].arrivals).toBe(0.25);
		expect(range.hi80.hours[4].rostered).toBe(range.mean.hours[4].rostered);
		// The interval widens the officers: the upper end is a different, larger figure.
		expect(range.totals.hi80.rostered).toBeGreaterThan(range.totals.mean.rostered);
	});
});

describe('staffingForecastBasis (City of London stop and search backtest)', () => {
	it('the automatic choice is the 8-week same-hour mean itself: the officer-hours say no method beat it', () => {
		const scores = auto.backtest!.scores;
		expect(auto.forecast.method).toBe('seasonal-mean');
		const chosen = scores.find((s) => s.method === 'seasonal-mean')!;
		const naive = scores.find((s) => s.method === 'seasonal-naive')!;
		for (const s of scores) if (s.skipped === null && s.mase !== null) expect(s.mase).toBeGreaterThanOrEqual(chosen.mase!);
		expect(naive.mase!).toBeGreaterThan(chosen.mase!);
		const gain = (100 * (1 - chosen.mase! / naive.mase!)).toFixed(1);
		expect(staffingForecastBasis({ chosen: auto.forecast.method, scores, activity: true })).toBe(
			`These officer-hours rest on the mean of the same hour over the last 8 weeks itself, not on a model: no forecasting method beat it on the later weeks of the backtest (MASE ${chosen.mase!.toFixed(3)}); it beats last week's count of the same hour (MASE ${chosen.mase!.toFixed(3)} against ${naive.mase!.toFixed(3)}, ${gain}% lower).`
		);
	});

	it('a method chosen by hand that scored worse than the 8-week mean: says it does not beat it and that the baseline would do as well', async () => {
		const poisson = (await forecastDemand(runner, { source: 'stop_search', weeks: 2, method: 'poisson' }))!;
		const scores = poisson.backtest!.scores;
		const p = scores.find((s) => s.method === 'poisson')!;
		const mean = scores.find((s) => s.method === 'seasonal-mean')!;
		expect(p.mase!).toBeGreaterThan(mean.mase!);
		const text = staffingForecastBasis({ chosen: 'poisson', scores })!;
		expect(text).toContain(
			`These officers rest on a forecast (Poisson regression on season position with trend) that does not beat the mean of the same hour over the last 8 weeks (MASE ${p.mase!.toFixed(3)} against ${mean.mase!.toFixed(3)})`
		);
		expect(text).toContain('staffing to that simple baseline would be as well founded.');
	});

	it('no backtest, no sentence', () => {
		expect(staffingForecastBasis({ chosen: 'seasonal-mean', scores: [] })).toBeNull();
	});
});
