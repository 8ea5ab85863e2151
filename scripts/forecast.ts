/**
 * npm run forecast -- --input <timestamped incident CSV(s), stop-and-search CSVs or an extract folder>
 *                     --train-end <YYYY-MM-DD> --horizon-weeks <n> --out <file.csv>
 *                     [--method auto|seasonal-naive|seasonal-mean|holt-winters|poisson]
 *                     [--dataset events|stop_search] [--columns timestamp=<header>,category=<header>,…]
 *                     [--category <name> …] [--area <code>] [--backtest-weeks <n>]
 *                     [--staffing-out <file.csv>] [--staffing <assumptions.json>]
 *
 * Forecasts events per hour for the `--horizon-weeks` weeks after `--train-end` from the hourly
 * series up to and including that date (local wall-clock hours, zero-filled), and writes one row
 * per hour: timestamp (ISO 8601 local hour start), mean, lo80, hi80, lo95, hi95, method. Nothing
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
import { FORECAST_METHODS, forecastWithBacktest, isForecastMethod, type ForecastMethodName, type ForecastWithBacktest } from '../analytics/forecast';
import { addDays, addHours, hourOfWeekOf, hourlyCounts, type TimestampedTable } from '../analytics/forecast/series';
import { categoryProfile, checkStaffingAssumptions, minutesByHourOfWeek, officersNeededPerHour, resolveTimeOnTask, type StaffingAssumptions } from '../analytics/staffing';
import { runCli, UsageError } from './lib/cli';

const USAGE = `usage: npm run forecast -- --input <timestamped CSVs or an extract folder …> --train-end <YYYY-MM-DD> --horizon-weeks <n> --out <file.csv>
         [--method auto|${FORECAST_METHODS.join('|')}] [--dataset events|stop_search]
         [--columns timestamp=<header>,category=<header>,longitude=<header>,latitude=<header>,area_code=<header>]
         [--category <name> …] [--area <code>] [--backtest-weeks <n>] [--staffing-out <file.csv>] [--staffing <assumptions.json>]
  e.g. npm run forecast -- --input sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz --train-end 2017-12-24 --horizon-weeks 1 --out forecast.csv`;

const HOURS_PER_WEEK = 168;
export const FORECAST_COLUMNS = ['timestamp', 'mean', 'lo80', 'hi80', 'lo95', 'hi95', 'method'] as const;

export interface ForecastCliOptions {
	inputs: string[];
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
}

/** Parse and check the command line; throws a UsageError naming the problem. */
export function parseForecastArgs(argv: readonly string[]): ForecastCliOptions | 'help' {
	let args;
	try {
		args = parseArgs(argv, {
			lists: ['input', 'category'],
			values: ['train-end', 'horizon-weeks', 'out', 'method', 'dataset', 'columns', 'area', 'backtest-weeks', 'staffing-out', 'staffing'],
			flags: ['help']
		});
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	if (args.flags.has('help')) return 'help';
	const v = args.values;
	if (!args.lists.input?.length) throw new UsageError('--input is required');
	for (const name of ['train-end', 'horizon-weeks', 'out'] as const) if (!v[name]) throw new UsageError(`--${name} is required`);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(v['train-end']) || Number.isNaN(Date.parse(`${v['train-end']}T00:00:00Z`))) {
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
		staffing: v.staffing ?? 'models/staffing/default.json'
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

async function rowCount(runner: NodeRunner, table: TimestampedTable): Promise<number> {
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
		let table = options.dataset;
		if (!table) {
			if ((await rowCount(runner, 'events')) > 0) table = 'events';
			else if ((await rowCount(runner, 'stop_search')) > 0) table = 'stop_search';
			else {
				log('error: the input has no timestamped records (neither generic timestamped incidents nor police.uk stop and search)');
				return 1;
			}
		}
		const series = await hourlyCounts(runner, { table, end: options.trainEnd, categories: options.categories, areaCode: options.area });
		if (series.values.length === 0 || !series.start) {
			log(`error: no ${table} records on or before ${options.trainEnd}`);
			return 1;
		}
		const total = series.values.reduce((a, b) => a + b, 0);
		log(`Series: ${table}, ${series.values.length} hours from ${series.start} to ${options.trainEnd}T23:00 (local), ${total} events, ${(total / series.values.length).toFixed(3)} per hour.`);
		const horizon = options.horizonWeeks * HOURS_PER_WEEK;
		const t = performance.now();
		const result = forecastWithBacktest(series.values, {
			horizon,
			period: HOURS_PER_WEEK,
			method: options.method,
			backtestOrigins: options.backtestWeeks,
			backtestStep: HOURS_PER_WEEK
		});
		const forecastMs = performance.now() - t;
		printBacktest(result, log);
		const f = result.forecast;
		log(`Method: ${f.method} — ${result.choice.reason}. ${f.detail}.`);
		log(
			f.dispersion.points > 0
				? `Intervals: negative binomial, size ${Number.isFinite(f.dispersion.size) ? f.dispersion.size.toFixed(2) : '∞ (Poisson: no overdispersion found)'}, from ${f.dispersion.points} out-of-sample errors.`
				: `Intervals: Poisson (${f.dispersion.basis}).`
		);
		const first = `${addDays(options.trainEnd, 1)}T00:00:00`;
		const timestamps = f.mean.map((_, i) => addHours(first, i));
		const rows: Row[] = f.mean.map((mean, i) => ({
			timestamp: timestamps[i],
			mean: Number(mean.toFixed(4)),
			lo80: f.lo80[i],
			hi80: f.hi80[i],
			lo95: f.lo95[i],
			hi95: f.hi95[i],
			method: f.method
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
