/**
 * Forecast, backtest and hot-spot timings and accuracy, printed side by side (never asserted).
 * Call benchForecasts() from `npm run bench`, or run this file alone: `tsx scripts/bench/forecast.ts`.
 *
 * 1. Chicago aggravated assaults 2010–2017 (117,875 rows, sample-data/chicago), hourly series
 *    (70,128 hours), US federal holidays: one forecast per method (fit + calibrated intervals,
 *    median of BENCH_FORECAST_REPEATS runs, default 3), then the held-out evaluation over the
 *    last 52 weeks of 2017 (52 origins, Mondays 00:00, 1-week horizons; evaluateForecasts, the
 *    same as `npm run forecast -- --evaluate 2017`): MAE, MASE, MASE against the 8-week
 *    same-hour mean, 80%/95% coverage, scaled pinball loss and time per method, and 'auto' (the
 *    method chosen at each origin by a backtest on the 8 weeks before it).
 * 1b. The Forecast page's budget: forecastWithBacktest with the page's settings (6 weekly
 *    origins, 2-week horizon) on the sample's timestamped series (City of London stop and search)
 *    and on the Chicago series, with the original four methods and with all six; medians.
 * 2. The same per police district (22 series): forecast and backtest time per series, with an
 *    8-origin backtest each.
 * 3. Expected harm next month for all LSOAs (and H3 r8 cells) of the shipped City of London sample,
 *    and for a seeded synthetic panel of 33,000 areas × 36 months (national LSOA scale; timing
 *    only, the counts mean nothing).
 * 4. Hot-spot evaluation on the sample's force area (the City's 6 LSOAs; its H3 r8 cells): 12
 *    held-back months (2018-12 … 2019-11), LSOA and H3 r8. By counts: last month's counts, kernel
 *    density and the THR ranking with thr-v3 (the published model) and thr-v2 (for comparison),
 *    with the time each method took (its prepare and rank calls) and v3 ÷ v2. By harm: the
 *    held-out harm accuracy the Accuracy page, the model card and `npm run hotspots -- --measure
 *    harm` show (harmAccuracy: v3, v2 and the four baselines, share of the next month's harm held
 *    by the top 1/5/10/20% of the area), timed as a whole. Each evaluation runs
 *    BENCH_HOTSPOT_REPEATS times (default 3) after a warm-up; medians are printed.
 * BENCH_FORECAST_ORIGINS (default 52) and BENCH_FORECAST_AREAS (default 33000) shrink the work.
 */
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { createNodeRunner, type NodeRunner } from '../lib/node-runner';
import { loadInput } from '../lib/load-input';
import { FORECAST_METHODS, PANEL_METHODS, forecastAreaHarm, forecastPanel, forecastSeries, forecastWithBacktest, hourlyCounts, rollingOrigins, type BacktestResult, type BacktestScore } from '../../analytics/forecast';
import { holidaySet, type HolidayCalendarModel, type SeriesCalendar } from '../../analytics/forecast/calendar';
import { evaluateForecasts } from '../../analytics/forecast/evaluate';
import usHolidays from '../../models/calendar/us-federal-holidays.json';
import ewHolidays from '../../models/calendar/england-wales-bank-holidays.json';
import { evaluateHotspots, harmAccuracy, kdeMethod, lastPeriodMethod, shareLabel, thrHotspotMethod, thrMethodName, type HarmAccuracy, type HotspotMethod, type MethodEvaluation } from '../../analytics/hotspots';
import type { ThrModel } from '../../analytics/thr';
import thrV3 from '../../models/thr/thr-v3.json';
import thrV2 from '../../models/thr/thr-v2.json';
import { addHours, hourOfWeekOf, monthIndex, monthKey } from '../../analytics/forecast/series';
import { HARM_WEIGHTS_INSERT_SQL, HARM_WEIGHTS_TABLE_SQL, harmWeightParams, harmWeightRows, type HarmWeightsModel } from '../../analytics/models/harm-weights';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';

const CHICAGO = 'sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz';
const SAMPLE = 'sample-data/police-uk/city-of-london/street';
const WEEK = 168;

export interface ForecastBenchResult {
	chicago: BacktestResult | null;
	timings: Record<string, number>;
}

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
const f3 = (v: number | null) => (v === null ? '—' : v.toFixed(3));

function printScores(scores: readonly (Omit<BacktestScore, 'method'> & { method: string })[], log: (line: string) => void) {
	const base = scores.find((s) => s.method === 'seasonal-mean')?.mase ?? null;
	log(`  ${'method'.padEnd(15)} ${'MAE'.padStart(7)} ${'MASE'.padStart(7)} ${'vs 8w'.padStart(7)} ${'bias'.padStart(7)} ${'cover80'.padStart(8)} ${'cover95'.padStart(8)} ${'width80'.padStart(8)} ${'sc.pinb'.padStart(8)} ${'time'.padStart(8)}`);
	for (const s of scores) {
		if (s.skipped) log(`  ${s.method.padEnd(15)} skipped: ${s.skipped}`);
		else
			log(
				`  ${s.method.padEnd(15)} ${f3(s.mae).padStart(7)} ${f3(s.mase).padStart(7)} ${(s.mase !== null && base ? `${(100 * (s.mase / base - 1)).toFixed(1)}%` : '—').padStart(7)} ${f3(s.bias).padStart(7)} ${f3(s.coverage80).padStart(8)} ${f3(s.coverage95).padStart(8)} ${f3(s.width80).padStart(8)} ${(s.scaledPinball == null ? '—' : s.scaledPinball.toFixed(4)).padStart(8)} ${`${s.seconds.toFixed(2)} s`.padStart(8)}`
			);
	}
}

async function chicago(runner: NodeRunner, origins: number, log: (line: string) => void, timings: Record<string, number>): Promise<BacktestResult | null> {
	if (!existsSync(CHICAGO)) {
		log(`Chicago: ${CHICAGO} not found; skipped.`);
		return null;
	}
	let t = performance.now();
	await loadInput(runner, [CHICAGO]);
	timings.chicagoLoadMs = performance.now() - t;
	log(`Chicago aggravated assaults: extract built and loaded in ${ms(t)}.`);
	t = performance.now();
	const series = await hourlyCounts(runner, { table: 'events', end: '2017-12-31' });
	timings.chicagoSeriesMs = performance.now() - t;
	const total = series.values.reduce((a, b) => a + b, 0);
	log(`  hourly series: ${series.values.length} hours from ${series.start}, ${total} events (${(total / series.values.length).toFixed(2)} per hour), built in ${ms(t)}`);
	const calendar: SeriesCalendar = { start: series.start!, ...holidaySet(usHolidays as HolidayCalendarModel) };
	const repeats = Number(process.env.BENCH_FORECAST_REPEATS ?? 3);
	log(`  one forecast (fit + calibrated intervals, next 168 h; median of ${repeats}):`);
	for (const method of FORECAST_METHODS) {
		const runs: number[] = [];
		for (let r = 0; r < repeats; r++) {
			t = performance.now();
			forecastSeries(series.values, { method, horizon: WEEK, period: WEEK, methodOptions: { calendar } });
			runs.push(performance.now() - t);
		}
		timings[`chicagoForecast_${method}_ms`] = median(runs);
		log(`    ${method.padEnd(15)} ${median(runs).toFixed(0)} ms`);
	}
	const o = rollingOrigins(series.values.length, { horizon: WEEK, count: origins });
	log(
		`  held-out evaluation: ${o.length} weekly origins (${o.length === 52 ? 'every Monday 00:00 of 2017-01-02 … 2017-12-25' : 'the last weeks of 2017'}), 168-hour horizon; 'auto' chosen at each origin on the 8 weeks before it:`
	);
	t = performance.now();
	const evaluation = evaluateForecasts(series.values, { period: WEEK, horizon: WEEK, origins: o, methodOptions: { calendar }, selectionOrigins: 8, selectionStep: WEEK });
	timings.chicagoBacktestMs = performance.now() - t;
	printScores(evaluation.scores, log);
	log(`  'auto' chose ${Object.entries(evaluation.chosen).map(([m, n]) => `${m} ${n}×`).join(', ')}; evaluation total ${ms(t)} (methods' times above share one cache of fits)`);
	const result: BacktestResult = { period: WEEK, horizon: WEEK, origins: o, scores: evaluation.scores.filter((s): s is BacktestScore => s.method !== 'auto'), choice: { method: evaluation.choices.at(-1)?.method ?? null, reason: 'the last origin\'s nested choice' } };

	// The Forecast page's budget: its settings (6 weekly origins, 2-week horizon), here on Chicago.
	await pageBudget('Chicago events (8 years)', series.values, calendar, log, timings, 'chicago');

	const districts = await runner.rows<{ area: string; n: number }>(`SELECT area_code AS area, count(*) AS n FROM events WHERE area_code IS NOT NULL GROUP BY 1 ORDER BY try_cast(area_code AS INTEGER), area_code`);
	log(`  per district (${districts.length} series, 8-origin backtest each):`);
	log(`    ${'district'.padEnd(9)} ${'events'.padStart(7)} ${'series'.padStart(8)} ${'backtest+forecast'.padStart(18)} ${'chosen'.padEnd(15)} ${'MASE'.padStart(6)} ${'cover80'.padStart(8)}`);
	const all = performance.now();
	for (const d of districts) {
		t = performance.now();
		const s = await hourlyCounts(runner, { table: 'events', start: series.start!.slice(0, 10), end: '2017-12-31', areaCode: d.area });
		const seriesMs = performance.now() - t;
		t = performance.now();
		const r = forecastWithBacktest(s.values, { horizon: WEEK, period: WEEK, backtestOrigins: 8, backtestStep: WEEK, methodOptions: { calendar: { ...calendar, start: s.start! } } });
		const chosen = r.backtest?.scores.find((x) => x.method === r.choice.method);
		log(
			`    ${d.area.padEnd(9)} ${String(d.n).padStart(7)} ${`${seriesMs.toFixed(0)} ms`.padStart(8)} ${`${(performance.now() - t).toFixed(0)} ms`.padStart(18)} ${String(r.choice.method).padEnd(15)} ${f3(chosen?.mase ?? null).padStart(6)} ${f3(chosen?.coverage80 ?? null).padStart(8)}`
		);
	}
	timings.chicagoDistrictsMs = performance.now() - all;
	log(`  all districts: ${ms(all)}`);
	return result;
}

/**
 * forecastWithBacktest with the Forecast page's settings (web/lib/forecast/demand.ts: 6 weekly
 * origins, 2-week horizon, whole weeks of history), the original four methods against all six;
 * median of 5 runs after a warm-up. What the new methods add is the difference.
 */
async function pageBudget(label: string, values: readonly number[], calendar: SeriesCalendar, log: (line: string) => void, timings: Record<string, number>, key: string) {
	const runs = (methods: typeof FORECAST_METHODS) => {
		const out: number[] = [];
		for (let r = 0; r <= 5; r++) {
			const t = performance.now();
			forecastWithBacktest(values, { horizon: 2 * WEEK, period: WEEK, backtestOrigins: 6, backtestStep: WEEK, methods, methodOptions: { calendar } });
			if (r > 0) out.push(performance.now() - t);
		}
		return median(out);
	};
	const four = runs(PANEL_METHODS);
	const six = runs(FORECAST_METHODS);
	timings[`page_${key}_four_ms`] = four;
	timings[`page_${key}_six_ms`] = six;
	log(`  Forecast page settings on ${label}, ${values.length} hours: four original methods ${four.toFixed(0)} ms, all six ${six.toFixed(0)} ms (the new methods add ${(six - four).toFixed(0)} ms; median of 5)`);
}

async function areas(runner: NodeRunner, syntheticAreas: number, log: (line: string) => void, timings: Record<string, number>) {
	let t = performance.now();
	await loadInput(runner, [SAMPLE, 'sample-data/police-uk/city-of-london/stop-and-search']);
	{
		const all = await hourlyCounts(runner, { table: 'stop_search' });
		if (all.start && all.values.length) {
			// Whole Monday–Sunday weeks, as the page's weeklyHistory.
			const startDow = Math.floor(hourOfWeekOf(all.start) / 24);
			const skip = startDow === 0 ? 0 : (7 - startDow) * 24 - Number(all.start.slice(11, 13));
			const whole = all.values.slice(skip);
			const values = whole.slice(0, Math.floor(whole.length / WEEK) * WEEK);
			const start = addHours(all.start, skip);
			await pageBudget('the sample (City of London stop and search)', values, { start, ...holidaySet(ewHolidays as HolidayCalendarModel) }, log, timings, 'sample');
		}
	}
	await runner.exec(HARM_WEIGHTS_TABLE_SQL);
	for (const row of harmWeightRows(cchi as HarmWeightsModel)) await runner.exec(HARM_WEIGHTS_INSERT_SQL, harmWeightParams(row));
	log(`City of London street sample loaded in ${ms(t)}.`);
	for (const level of ['lsoa', 'h3_r8'] as const) {
		for (const method of ['auto', 'seasonal-mean'] as const) {
			t = performance.now();
			const r = await forecastAreaHarm(runner, { trainEnd: '2019-10', level, method });
			timings[`sampleAreaHarm_${level}_${method}_ms`] = performance.now() - t;
			const chosen = r.scores.find((s) => s.method === r.method);
			log(
				`  expected harm 2019-11, all ${r.areas.length} ${level} areas, method ${method} → ${r.method} (pooled MASE ${f3(chosen?.mase ?? null)}, cover80 ${f3(chosen?.coverage80 ?? null)}, cover95 ${f3(chosen?.coverage95 ?? null)}, φ ${r.overdispersion.toFixed(2)}): ${ms(t)}`
			);
		}
	}
	// Synthetic national-scale panel: timing only (seeded Poisson counts with a yearly cycle).
	let seed = 20240601;
	const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
	const poisson = (l: number) => {
		let k = 0;
		let p = 1;
		const limit = Math.exp(-l);
		do {
			k++;
			p *= rnd();
		} while (p > limit);
		return k - 1;
	};
	const months = 36;
	const ids: string[] = [];
	const values: Float64Array[] = [];
	for (let a = 0; a < syntheticAreas; a++) {
		const rate = 0.3 + 8 * rnd() ** 3;
		ids.push(`S${a}`);
		values.push(Float64Array.from({ length: months }, (_, m) => poisson(rate * (1 + 0.2 * Math.sin((2 * Math.PI * m) / 12)))));
	}
	for (const method of ['auto', 'seasonal-mean'] as const) {
		t = performance.now();
		const r = forecastPanel({ areas: ids, values, squares: null, months }, { method, methods: PANEL_METHODS, backtestMonths: 6 });
		timings[`syntheticPanel_${method}_ms`] = performance.now() - t;
		log(`  synthetic panel ${syntheticAreas} areas × ${months} months, method ${method} → ${r.method}: ${ms(t)} (${r.scores.map((s) => `${s.method} ${s.seconds.toFixed(2)} s`).join(', ')})`);
	}
	await hotspots(runner, log, timings);
}

/** Middle value of the runs (the upper middle for an even count). */
function median(xs: readonly number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/** The same method, adding the time its prepare and rank calls take to `spent.ms`. */
function timed(method: HotspotMethod, spent: { ms: number }): HotspotMethod {
	const clock = async <T>(work: () => Promise<T>): Promise<T> => {
		const t = performance.now();
		try {
			return await work();
		} finally {
			spent.ms += performance.now() - t;
		}
	};
	const prepare = method.prepare;
	return {
		...method,
		rank: (ctx) => clock(() => method.rank(ctx)),
		prepare: prepare ? (ctx) => clock(() => prepare(ctx)) : undefined
	};
}

/**
 * Hot-spot evaluation of the sample's force area by counts (per-method times, v3 ÷ v2) and by harm
 * (harmAccuracy, timed whole): see the module note, item 4.
 */
async function hotspots(runner: NodeRunner, log: (line: string) => void, timings: Record<string, number>) {
	const repeats = Number(process.env.BENCH_HOTSPOT_REPEATS ?? 3);
	const weights = cchi as HarmWeightsModel;
	const v3 = thrV3 as unknown as ThrModel;
	const v2 = thrV2 as unknown as ThrModel;
	const testMonths = Array.from({ length: 12 }, (_, i) => monthKey(monthIndex('2018-12') + i));
	const shares = [0.05, 0.1, 0.2];
	log(`  hot spots on the force area, 12 held-back months (${testMonths[0]} … ${testMonths.at(-1)}); median of ${repeats} runs after a warm-up:`);
	for (const level of ['lsoa', 'h3_r8'] as const) {
		// By counts, with each method's own time.
		const names = ['last-period', 'kde', thrMethodName(v3), thrMethodName(v2)];
		const spent = names.map(() => [] as number[]);
		const totals: number[] = [];
		let evaluation: MethodEvaluation[] = [];
		for (let r = 0; r <= repeats; r++) {
			const clocks = names.map(() => ({ ms: 0 }));
			const methods = [
				lastPeriodMethod(),
				kdeMethod(),
				thrHotspotMethod({ model: v3, weights, name: names[2] }),
				thrHotspotMethod({ model: v2, weights, name: names[3] })
			].map((m, i) => timed(m, clocks[i]));
			const t = performance.now();
			evaluation = await evaluateHotspots(runner, { level, testMonths, methods, areaShares: shares });
			const total = performance.now() - t;
			if (r === 0) continue; // warm-up
			totals.push(total);
			clocks.forEach((c, i) => spent[i].push(c.ms));
		}
		const per = spent.map(median);
		names.forEach((n, i) => (timings[`hotspotMethod_${level}_${n}_ms`] = per[i]));
		timings[`hotspotEvaluation_${level}_ms`] = median(totals);
		const v3ms = per[2];
		const v2ms = per[3];
		log(`   ${level}, by counts: ${median(totals).toFixed(0)} ms in all; THR v3 ${v3ms.toFixed(0)} ms, v2 ${v2ms.toFixed(0)} ms (v3 ÷ v2 ${(v3ms / v2ms).toFixed(2)}×)`);
		evaluation.forEach((e, i) => {
			log(`    ${e.method.padEnd(12)} ${`${per[i].toFixed(0)} ms`.padStart(8)}  ${e.mean.map((m) => `${(100 * m.areaShare).toFixed(0)}%: hit ${f3(m.hitRate)} PAI ${f3(m.pai)} PEI* ${f3(m.peiStar)}`).join(' | ')}`);
		});

		// By harm: what the Accuracy page and `npm run hotspots -- --measure harm` compute.
		const harmTimes: number[] = [];
		let accuracy: HarmAccuracy | null = null;
		for (let r = 0; r <= repeats; r++) {
			const t = performance.now();
			accuracy = await harmAccuracy(runner, { models: [{ model: v3, weights }, { model: v2, weights }], months: 12, lastMonth: testMonths.at(-1), level });
			if (r > 0) harmTimes.push(performance.now() - t);
		}
		timings[`harmAccuracy_${level}_ms`] = median(harmTimes);
		if (!accuracy) {
			log(`   ${level}, by harm: no test months`);
			continue;
		}
		log(
			`   ${level}, by harm (harmAccuracy: v3, v2 and 4 baselines, ${accuracy.testMonths.length} months, ${accuracy.region.areas} areas of ${accuracy.region.forceArea ?? 'the study region'}): ${median(harmTimes).toFixed(0)} ms (runs ${harmTimes.map((x) => x.toFixed(0)).join(', ')} ms)`
		);
		for (const e of accuracy.evaluations) {
			log(`    ${e.method.padEnd(18)} ${e.mean.map((m) => `${shareLabel(m.areaShare)}: held ${f3(m.hitRate)} harm-PAI ${f3(m.pai)}`).join(' | ')}`);
		}
		log(`    ${accuracy.statement}`);
	}
}

/** Run every forecast benchmark, printing as it goes; returns the Chicago backtest and the timings (ms). */
export async function benchForecasts(options: { origins?: number; syntheticAreas?: number; log?: (line: string) => void } = {}): Promise<ForecastBenchResult> {
	const log = options.log ?? ((line: string) => console.log(line));
	const origins = options.origins ?? Number(process.env.BENCH_FORECAST_ORIGINS ?? 52);
	const syntheticAreas = options.syntheticAreas ?? Number(process.env.BENCH_FORECAST_AREAS ?? 33_000);
	const timings: Record<string, number> = {};
	log('\nForecasts, backtests and hot spots');
	let runner = await createNodeRunner();
	let result: BacktestResult | null;
	try {
		result = await chicago(runner, origins, log, timings);
	} finally {
		runner.close();
	}
	runner = await createNodeRunner();
	try {
		await areas(runner, syntheticAreas, log, timings);
	} finally {
		runner.close();
	}
	return { chicago: result, timings };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	benchForecasts().then(
		() => process.exit(0),
		(e) => {
			console.error(e);
			process.exit(1);
		}
	);
}
