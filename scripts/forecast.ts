/**
 * npm run forecast -- --input <timestamped incident CSV(s), stop-and-search CSVs or an extract folder>
 *                     --train-end <YYYY-MM-DD> --horizon-weeks <n> --out <file.csv>
 *                     [--method auto|seasonal-naive|seasonal-mean|poisson|holt-winters|nb-regression|combination]
 *                     [--dataset events|stop_search] [--columns timestamp=<header>,category=<header>,…]
 *                     [--category <name> …] [--area <code>] [--backtest-weeks <n>] [--calendar auto|none|<file.json>]
 *                     [--staffing-out <file.csv>] [--staffing <assumptions.json>]
 * npm run forecast -- --input … --evaluate <YYYY> [--horizon-weeks <n>] [--out <scores.csv>]
 * npm run forecast -- --input <police.uk street files> --monthly-by-area --train-end <YYYY-MM> --out <file.csv>
 *
 * Demand, not activity: the series is reactive demand (`events`: incidents, calls for service)
 * unless `--dataset stop_search` asks for stop and search, which prints a warning that it
 * measures police activity. An input without timestamped demand says so and names the monthly
 * forecast by area (`--monthly-by-area`, street crime per LSOA next month) instead.
 *
 * --evaluate <YYYY>: the held-out evaluation (analytics/forecast/evaluate.ts): every Monday
 * 00:00 of that year is an origin; each method forecasts the next --horizon-weeks weeks from the
 * data before it, intervals calibrated on earlier errors only, and 'auto' is the method a
 * backtest over the 8 weeks before each origin picks. Prints MAE, MASE, MASE against the 8-week
 * same-hour mean, 80%/95% coverage and scaled pinball loss per method.
 *
 * Forecasts events per hour for the `--horizon-weeks` weeks after `--train-end` from the hourly
 * series up to and including that date (local wall-clock hours, zero-filled), and writes one row
 * per hour: timestamp (ISO 8601 local hour start), mean, lo80, hi80, lo95, hi95, method,
 * backtest_cover80, backtest_cover95 (the coverage those intervals reached in the backtest). Nothing
 * dated after --train-end is read. With --method auto (the default) the method with the lowest
 * MASE in a rolling-origin backtest over the last --backtest-weeks weeks of training data is
 * used (ties go to the simplest); the backtest is printed whichever method is used. With
 * --staffing-out, officers needed per hour (analytics/staffing, assumptions from --staffing,
 * default models/staffing/default.json) are written too, staffed to the forecast mean, with each
 * hour's time on task weighted by that hour of week's category mix in the last weeks of data.
 *
 * Input goes through the project's extract builder (scripts/lib/load-input.ts): police.uk
 * stop-and-search files become `stop_search`, generic timestamped files (headers such as
 * date/datetime/timestamp, category/type, longitude/latitude) become `events`; --columns maps
 * other headers. Exits 2 on a usage error, 1 when the input cannot be read or has no data.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs, parseColumnMapping } from './lib/args';
import { createNodeRunner, type NodeRunner } from './lib/node-runner';
import { loadInput } from './lib/load-input';
import { toCsv } from '../analytics/export/csv';
import type { Row } from '../analytics/runner';
import { FORECAST_METHODS, forecastAreaHarm, forecastWithBacktest, isForecastMethod, type ForecastMethodName, type ForecastWithBacktest } from '../analytics/forecast';
import { chooseHolidayCalendar, holidaySet, type HolidayCalendarModel, type SeriesCalendar } from '../analytics/forecast/calendar';
import { evaluateForecasts, type Evaluation } from '../analytics/forecast/evaluate';
import { tableExists } from '../analytics/shared/catalog';
import { addDays, addHours, hourOfWeekOf, hourlyCounts, type TimestampedTable } from '../analytics/forecast/series';
import { categoryProfile, checkStaffingAssumptions, minutesByHourOfWeek, officersNeededPerHour, resolveTimeOnTask, type StaffingAssumptions } from '../analytics/staffing';
import { runCli, UsageError } from './lib/cli';

const USAGE = `usage: npm run forecast -- --input <timestamped CSVs or an extract folder …> --train-end <YYYY-MM-DD> --horizon-weeks <n> --out <file.csv>
         [--method auto|${FORECAST_METHODS.join('|')}] [--dataset events|stop_search]
         [--columns timestamp=<header>,category=<header>,longitude=<header>,latitude=<header>,area_code=<header>]
         [--category <name> …] [--area <code>] [--backtest-weeks <n>] [--calendar auto|none|<holidays.json>]
         [--staffing-out <file.csv>] [--staffing <assumptions.json>]
       npm run forecast -- --input … --evaluate <YYYY> [--horizon-weeks <n>] [--out <scores.csv>]   (held-out evaluation, weekly origins)
       npm run forecast -- --input <police.uk street files> --monthly-by-area --train-end <YYYY-MM> --out <file.csv>
  Demand by default: timestamped incidents/calls (events). Stop and search only with --dataset stop_search (police activity, not demand).
  e.g. npm run forecast -- --input sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz --train-end 2017-12-24 --horizon-weeks 1 --out forecast.csv
       npm run forecast -- --input sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz --evaluate 2017`;

const HOURS_PER_WEEK = 168;
/** Output columns; backtest_cover80/95: the share of held-out hours the method's 80%/95% intervals held in the backtest (empty without one). */
export const FORECAST_COLUMNS = ['timestamp', 'mean', 'lo80', 'hi80', 'lo95', 'hi95', 'method', 'backtest_cover80', 'backtest_cover95'] as const;

export interface ForecastCliOptions {
	inputs: string[];
	/** YYYY-MM-DD (hourly) or YYYY-MM (--monthly-by-area); empty with --evaluate. */
	trainEnd: string;
	horizonWeeks: number;
	out: string;
	method: ForecastMethodName | 'auto';
	dataset?: TimestampedTable;
	columns?: Record<string, string>;
	categories?: string[];
	area?: string;
	backtestWeeks: number;
	staffingOut?: string;
	staffing: string;
	/** 'auto' (by the data's location), 'none', or a holiday calendar file (models/calendar). */
	calendar?: string;
	/** Held-out evaluation over the Mondays of this year instead of a forecast. */
	evaluate?: number;
	/** Monthly forecast by area (street data) instead of hourly. */
	monthlyByArea?: boolean;
}

/** Parse and check the command line; throws a UsageError naming the problem. */
export function parseForecastArgs(argv: readonly string[]): ForecastCliOptions | 'help' {
	let args;
	try {
		args = parseArgs(argv, {
			lists: ['input', 'category'],
			values: ['train-end', 'horizon-weeks', 'out', 'method', 'dataset', 'columns', 'area', 'backtest-weeks', 'staffing-out', 'staffing', 'calendar', 'evaluate'],
			flags: ['help', 'monthly-by-area']
		});
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	if (args.flags.has('help')) return 'help';
	const v = args.values;
	if (!args.lists.input?.length) throw new UsageError('--input is required');
	const monthlyByArea = args.flags.has('monthly-by-area');
	let evaluate: number | undefined;
	if (v.evaluate !== undefined) {
		evaluate = Number(v.evaluate);
		if (!(Number.isInteger(evaluate) && evaluate >= 1900 && evaluate <= 2100)) throw new UsageError(`--evaluate must be a year YYYY, got "${v.evaluate}"`);
		if (monthlyByArea) throw new UsageError('--evaluate and --monthly-by-area cannot be combined');
		v['horizon-weeks'] ??= '1';
		v['train-end'] ??= '';
		v.out ??= '';
	}
	if (monthlyByArea) {
		for (const name of ['train-end', 'out'] as const) if (!v[name]) throw new UsageError(`--${name} is required`);
		if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(v['train-end'])) throw new UsageError(`--train-end must be a month YYYY-MM with --monthly-by-area, got "${v['train-end']}"`);
		v['horizon-weeks'] ??= '1';
	}
	for (const name of ['train-end', 'horizon-weeks', 'out'] as const) if (v[name] === undefined) throw new UsageError(`--${name} is required`);
	if (evaluate === undefined && !monthlyByArea && (!/^\d{4}-\d{2}-\d{2}$/.test(v['train-end']) || Number.isNaN(Date.parse(`${v['train-end']}T00:00:00Z`)))) {
		throw new UsageError(`--train-end must be a date YYYY-MM-DD, got "${v['train-end']}"`);
	}
	const horizonWeeks = Number(v['horizon-weeks']);
	if (!(Number.isInteger(horizonWeeks) && horizonWeeks >= 1 && horizonWeeks <= 52)) throw new UsageError(`--horizon-weeks must be a whole number from 1 to 52, got "${v['horizon-weeks']}"`);
	const method = v.method ?? 'auto';
	if (method !== 'auto' && !isForecastMethod(method)) throw new UsageError(`--method must be auto or one of ${FORECAST_METHODS.join(', ')}, got "${method}"`);
	const dataset = v.dataset;
	if (dataset !== undefined && dataset !== 'events' && dataset !== 'stop_search') throw new UsageError(`--dataset must be events or stop_search, got "${dataset}"`);
	const backtestWeeks = v['backtest-weeks'] === undefined ? 8 : Number(v['backtest-weeks']);
	if (!(Number.isInteger(backtestWeeks) && backtestWeeks >= 0)) throw new UsageError(`--backtest-weeks must be a whole number ≥ 0, got "${v['backtest-weeks']}"`);
	return {
		inputs: args.lists.input,
		trainEnd: v['train-end'],
		horizonWeeks,
		out: v.out,
		method,
		dataset,
		columns: v.columns ? parseColumnMappingOrUsage(v.columns) : undefined,
		categories: args.lists.category,
		area: v.area,
		backtestWeeks,
		staffingOut: v['staffing-out'],
		staffing: v.staffing ?? 'models/staffing/default.json',
		calendar: v.calendar ?? 'auto',
		evaluate,
		monthlyByArea
	};
}

/** --columns text → mapping, a bad pair being a usage error. */
function parseColumnMappingOrUsage(text: string): Record<string, string> {
	try {
		return parseColumnMapping(text);
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
}

async function rowCount(runner: NodeRunner, table: TimestampedTable | 'incidents'): Promise<number> {
	const [t] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?`, [table]);
	if (t.n === 0) return 0;
	const [r] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
	return r.n;
}

const fmt = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));

function printBacktest(result: ForecastWithBacktest, log: (line: string) => void) {
	const bt = result.backtest;
	if (!bt) {
		log('Backtest: history too short for a rolling-origin backtest.');
		return;
	}
	log(`Backtest: ${bt.origins.length} rolling origins, ${bt.horizon}-hour horizon each (training data only).`);
	log(`  ${'method'.padEnd(15)} ${'MAE'.padStart(7)} ${'MASE'.padStart(7)} ${'rel.MAE'.padStart(8)} ${'cover80'.padStart(8)} ${'cover95'.padStart(8)} ${'seconds'.padStart(8)}`);
	for (const s of bt.scores) {
		if (s.skipped) {
			log(`  ${s.method.padEnd(15)} skipped: ${s.skipped}`);
			continue;
		}
		log(
			`  ${s.method.padEnd(15)} ${fmt(s.mae).padStart(7)} ${fmt(s.mase).padStart(7)} ${fmt(s.relativeMae).padStart(8)} ${fmt(s.coverage80).padStart(8)} ${fmt(s.coverage95).padStart(8)} ${s.seconds.toFixed(2).padStart(8)}`
		);
	}
}

/** The declared holiday calendars the command chooses from with --calendar auto. */
export const HOLIDAY_CALENDARS = {
	'GB-EAW': 'models/calendar/england-wales-bank-holidays.json',
	US: 'models/calendar/us-federal-holidays.json'
} as const;

export const STOP_SEARCH_WARNING =
	'Warning: stop and search measures police activity (searches officers choose to make), not demand from the public. Do not read this forecast, or staffing from it, as demand.';

/**
 * The table to forecast: events (reactive demand) unless --dataset says stop_search. Null, after
 * logging why and what to run instead, when the input has no timestamped demand.
 */
async function demandTable(runner: NodeRunner, options: ForecastCliOptions, log: (line: string) => void): Promise<TimestampedTable | null> {
	if (options.dataset === 'stop_search') {
		log(STOP_SEARCH_WARNING);
		if ((await rowCount(runner, 'stop_search')) > 0) return 'stop_search';
		log('error: --dataset stop_search was asked for, but the input has no stop-and-search records');
		return null;
	}
	if ((await rowCount(runner, 'events')) > 0) return 'events';
	const lines = ['error: the input has no timestamped demand (incidents or calls for service with a date and time), so there is no hourly demand to forecast.'];
	if ((await rowCount(runner, 'stop_search')) > 0) {
		lines.push('  It holds stop and search records: those measure police activity, not demand. To forecast them anyway, add --dataset stop_search.');
	}
	if ((await rowCount(runner, 'incidents')) > 0) {
		lines.push(
			`  It holds street crime by month: for the monthly forecast by area run\n    npm run forecast -- --input ${options.inputs.join(' ')} --monthly-by-area --train-end <YYYY-MM> --out <file.csv>`
		);
	} else if (!lines[1]) {
		lines.push('  Give generic timestamped incidents (columns such as date/time, category, longitude/latitude), mapped with --columns if needed.');
	}
	for (const l of lines) log(l);
	return null;
}

/** The series calendar: its start and, unless --calendar none, the declared public holidays. */
async function seriesCalendar(runner: NodeRunner, table: TimestampedTable, start: string, choice: string | undefined, log: (line: string) => void): Promise<SeriesCalendar> {
	if (choice === 'none') {
		log('Holidays: none (--calendar none).');
		return { start };
	}
	let file: string = choice && choice !== 'auto' ? choice : HOLIDAY_CALENDARS['GB-EAW'];
	let why = '--calendar';
	if (!choice || choice === 'auto') {
		const chosen = await chooseHolidayCalendar(runner, table);
		file = HOLIDAY_CALENDARS[chosen.key];
		why = chosen.why;
	}
	const model = JSON.parse(readFileSync(file, 'utf8')) as HolidayCalendarModel;
	log(`Holidays: ${model.title} (${file}; ${why}); a holiday hour is forecast like the same hour on a Sunday.`);
	return { start, ...holidaySet(model) };
}

/** Hours from local timestamp `from` to local timestamp `to` on the wall-clock grid. */
function hoursBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to.slice(0, 19)}Z`) - Date.parse(`${from.slice(0, 19)}Z`)) / 3_600_000);
}

/** Every Monday (YYYY-MM-DD) of `year`. */
export function mondaysOf(year: number): string[] {
	const out: string[] = [];
	for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) if (hourOfWeekOf(`${d}T00`) === 0) out.push(d);
	return out;
}

const pctDiff = (v: number | null, base: number | null) => (v === null || base === null || base === 0 ? '—' : `${(100 * (v / base - 1)).toFixed(1)}%`);

function printEvaluation(e: Evaluation, log: (line: string) => void) {
	const base = e.scores.find((s) => s.method === 'seasonal-mean')?.mase ?? null;
	log(`  ${'method'.padEnd(15)} ${'MAE'.padStart(7)} ${'MASE'.padStart(7)} ${'vs 8w mean'.padStart(10)} ${'cover80'.padStart(8)} ${'cover95'.padStart(8)} ${'width80'.padStart(8)} ${'sc.pinball'.padStart(10)} ${'seconds'.padStart(8)}`);
	for (const s of e.scores) {
		if (s.skipped) {
			log(`  ${s.method.padEnd(15)} skipped: ${s.skipped}`);
			continue;
		}
		log(
			`  ${s.method.padEnd(15)} ${fmt(s.mae).padStart(7)} ${fmt(s.mase).padStart(7)} ${pctDiff(s.mase, base).padStart(10)} ${fmt(s.coverage80).padStart(8)} ${fmt(s.coverage95).padStart(8)} ${fmt(s.width80 ?? null, 2).padStart(8)} ${fmt(s.scaledPinball ?? null, 4).padStart(10)} ${s.seconds.toFixed(1).padStart(8)}`
		);
	}
	log(`  'auto' chose: ${Object.entries(e.chosen).map(([m, n]) => `${m} ${n}×`).join(', ')} (each time by a backtest on the weeks before that origin only).`);
	log('  seasonal-mean is the mean of the same hour over the last 8 weeks; "vs 8w mean" is MASE relative to it (negative = better).');
}

async function runEvaluation(runner: NodeRunner, options: ForecastCliOptions, table: TimestampedTable, log: (line: string) => void): Promise<number> {
	const year = options.evaluate!;
	const mondays = mondaysOf(year);
	const end = addDays(mondays[mondays.length - 1], 7 * options.horizonWeeks - 1);
	const series = await hourlyCounts(runner, { table, end, categories: options.categories, areaCode: options.area });
	if (!series.start || series.values.length === 0) {
		log(`error: no ${table} records on or before ${end}`);
		return 1;
	}
	const [last] = await runner.rows<{ d: string | null }>(`SELECT max(CAST(occurred_at AS DATE))::VARCHAR AS d FROM ${table}`);
	if (!last?.d || last.d < end) {
		log(`error: evaluating ${year} with ${options.horizonWeeks}-week horizons needs data to ${end}; the data ends ${last?.d ?? 'nowhere'}`);
		return 1;
	}
	const calendar = await seriesCalendar(runner, table, series.start, options.calendar, log);
	const origins = mondays.map((d) => hoursBetween(series.start!, `${d}T00:00:00`)).filter((o) => o > 0);
	const methods = options.method === 'auto' ? FORECAST_METHODS : [options.method];
	log(`Evaluation: ${table}, ${origins.length} weekly origins (Mondays ${mondays[0]} … ${mondays[mondays.length - 1]}), ${options.horizonWeeks}-week horizon, data from ${series.start}; every forecast and interval uses only data before its origin.`);
	const t = performance.now();
	const e = evaluateForecasts(series.values, {
		period: HOURS_PER_WEEK,
		horizon: options.horizonWeeks * HOURS_PER_WEEK,
		origins,
		methods,
		methodOptions: { calendar },
		selectionOrigins: options.backtestWeeks,
		selectionStep: HOURS_PER_WEEK
	});
	printEvaluation(e, log);
	log(`Time: ${((performance.now() - t) / 1000).toFixed(1)} s.`);
	if (options.out) {
		mkdirSync(dirname(options.out), { recursive: true });
		const rows: Row[] = e.scores.map((s) => ({
			method: s.method,
			origins: s.origins,
			points: s.points,
			mae: s.mae,
			mase: s.mase,
			coverage80: s.coverage80,
			coverage95: s.coverage95,
			width80: s.width80 ?? null,
			width95: s.width95 ?? null,
			pinball: s.pinball ?? null,
			scaled_pinball: s.scaledPinball ?? null
		}));
		writeFileSync(options.out, toCsv(rows, ['method', 'origins', 'points', 'mae', 'mase', 'coverage80', 'coverage95', 'width80', 'width95', 'pinball', 'scaled_pinball']));
		log(`Wrote the scores to ${options.out}.`);
	}
	return 0;
}

async function runMonthlyByArea(runner: NodeRunner, options: ForecastCliOptions, log: (line: string) => void): Promise<number> {
	if (!(await tableExists(runner, 'incidents')) || (await rowCount(runner, 'incidents')) === 0) {
		log('error: --monthly-by-area needs police.uk street crime (monthly records with an LSOA); the input has none');
		return 1;
	}
	const f = await forecastAreaHarm(runner, { trainEnd: options.trainEnd, level: 'lsoa', measure: 'count' });
	if (f.areas.length === 0) {
		log(`error: no street records with an LSOA up to ${options.trainEnd}`);
		return 1;
	}
	const rows: Row[] = [...f.areas]
		.sort((a, b) => b.expected - a.expected || (a.areaId < b.areaId ? -1 : 1))
		.map((a) => ({ month: f.forecastMonth, lsoa_code: a.areaId, expected: Number(a.expected.toFixed(4)), lo80: a.lo80, hi80: a.hi80, lo95: a.lo95, hi95: a.hi95, method: f.method }));
	mkdirSync(dirname(options.out), { recursive: true });
	writeFileSync(options.out, toCsv(rows, ['month', 'lsoa_code', 'expected', 'lo80', 'hi80', 'lo95', 'hi95', 'method']));
	const chosen = f.scores.find((s) => s.method === f.method);
	log(`Monthly street crime by LSOA for ${f.forecastMonth} from data to ${options.trainEnd}: ${rows.length} areas, method ${f.method} (${f.choice.reason}; pooled MASE ${fmt(chosen?.mase ?? null)}, 80% coverage ${fmt(chosen?.coverage80 ?? null)}) → ${options.out}.`);
	return 0;
}

/**
 * Run the forecast command with parsed options; returns the process exit code. `log` receives
 * the printed summary. Exposed for tests; the command line calls it through main().
 */
export async function runForecast(options: ForecastCliOptions, log: (line: string) => void = console.log): Promise<number> {
	const started = performance.now();
	const runner = await createNodeRunner();
	try {
		await loadInput(runner, options.inputs, { columns: options.columns });
		const loadedMs = performance.now() - started;
		if (options.monthlyByArea) return await runMonthlyByArea(runner, options, log);
		const table = await demandTable(runner, options, log);
		if (!table) return 1;
		if (options.evaluate !== undefined) return await runEvaluation(runner, options, table, log);
		const series = await hourlyCounts(runner, { table, end: options.trainEnd, categories: options.categories, areaCode: options.area });
		if (series.values.length === 0 || !series.start) {
			log(`error: no ${table} records on or before ${options.trainEnd}`);
			return 1;
		}
		const total = series.values.reduce((a, b) => a + b, 0);
		log(`Series: ${table}, ${series.values.length} hours from ${series.start} to ${options.trainEnd}T23:00 (local), ${total} events, ${(total / series.values.length).toFixed(3)} per hour.`);
		const horizon = options.horizonWeeks * HOURS_PER_WEEK;
		const calendar = await seriesCalendar(runner, table, series.start, options.calendar, log);
		const t = performance.now();
		const result = forecastWithBacktest(series.values, {
			horizon,
			period: HOURS_PER_WEEK,
			method: options.method,
			backtestOrigins: options.backtestWeeks,
			backtestStep: HOURS_PER_WEEK,
			methodOptions: { calendar }
		});
		const forecastMs = performance.now() - t;
		printBacktest(result, log);
		const f = result.forecast;
		log(`Method: ${f.method} — ${result.explanation.why}.`);
		log(`  Uses: ${result.explanation.uses.join('; ')}.`);
		for (const p of f.parameters) log(`  ${p.meaning}`);
		log(`Intervals: ${result.explanation.intervals}`);
		for (const b of f.intervals.blocks) {
			log(
				`  ${b.label} (${b.points} calibration points): 80% = the NB's central ${(100 * b.level80).toFixed(1)}%, 95% = its ${(100 * b.level95).toFixed(2)}%; a forecast of 0: [0, ${b.zeroHi80}] and [0, ${b.zeroHi95}], from the actuals of ${b.zeroReference} calibration points (${b.zeroPoints} of them forecast 0)`
			);
		}
		const first = `${addDays(options.trainEnd, 1)}T00:00:00`;
		const timestamps = f.mean.map((_, i) => addHours(first, i));
		const score = result.backtest?.scores.find((s) => s.method === f.method && s.skipped === null) ?? null;
		const cover = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v.toFixed(4)));
		const rows: Row[] = f.mean.map((mean, i) => ({
			timestamp: timestamps[i],
			mean: Number(mean.toFixed(4)),
			lo80: f.lo80[i],
			hi80: f.hi80[i],
			lo95: f.lo95[i],
			hi95: f.hi95[i],
			method: f.method,
			backtest_cover80: cover(score?.coverage80),
			backtest_cover95: cover(score?.coverage95)
		}));
		mkdirSync(dirname(options.out), { recursive: true });
		writeFileSync(options.out, toCsv(rows, FORECAST_COLUMNS));
		log(`Wrote ${rows.length} hours (${timestamps[0]} … ${timestamps[timestamps.length - 1]}) to ${options.out}.`);
		if (options.staffingOut) {
			const assumptions = checkStaffingAssumptions(JSON.parse(readFileSync(options.staffing, 'utf8')) as StaffingAssumptions);
			// Time on task per category (declared, or the data's recorded times), weighted by each hour of week's category mix in the last weeks to --train-end.
			const profile = await categoryProfile(runner, { table, end: options.trainEnd, weeks: assumptions.category_mix?.weeks ?? 12 });
			const times = resolveTimeOnTask(assumptions, profile);
			const perHourOfWeek = minutesByHourOfWeek(profile, times, assumptions.time_on_task_minutes.default);
			const plan = officersNeededPerHour({ timestamps, arrivals: f.mean }, assumptions, { minutesByHour: timestamps.map((t) => perHourOfWeek[hourOfWeekOf(t)]) });
			const staffRows: Row[] = plan.hours.map((h) => ({
				timestamp: h.timestamp,
				arrivals: Number(h.arrivals.toFixed(4)),
				minutes_on_task: Number(h.minutesOnTask.toFixed(2)),
				load_erlangs: Number(h.load.toFixed(4)),
				available: h.available,
				on_duty: h.onDuty,
				rostered: h.rostered,
				service_level: h.serviceLevel === null ? null : Number(h.serviceLevel.toFixed(4))
			}));
			mkdirSync(dirname(options.staffingOut), { recursive: true });
			writeFileSync(options.staffingOut, toCsv(staffRows, ['timestamp', 'arrivals', 'minutes_on_task', 'load_erlangs', 'available', 'on_duty', 'rostered', 'service_level']));
			log(`Time on task by category (${profile.from} … ${profile.to}): ${times.map((t) => `${t.category} ${(100 * t.share).toFixed(1)}% × ${t.minutes.toFixed(0)} min [${t.source}]`).join('; ') || 'no records: the default'}.`);
			log(
				`Staffing (${plan.method}, ${plan.minutesOnTask.toFixed(1)} min on task on average, productive share ${plan.productiveShare.toFixed(2)}, assumptions ${plan.assumptions.id} ${plan.assumptions.version} [${plan.assumptions.basis}]) → ${options.staffingOut}.`
			);
		}
		log(`Time: load ${(loadedMs / 1000).toFixed(1)} s, backtest and forecast ${(forecastMs / 1000).toFixed(1)} s, total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
		return 0;
	} finally {
		runner.close();
	}
}

runCli({ module: import.meta.url, usage: USAGE, parse: parseForecastArgs, run: runForecast });
