/**
 * The forecast command end to end, in process (runForecast) on real rows: the first weeks of the
 * Chicago aggravated assaults (sample-data/chicago) and the City of London stop-and-search
 * sample. The key guarantee: rows dated after --train-end cannot change the output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FORECAST_COLUMNS, STOP_SEARCH_WARNING, mondaysOf, parseForecastArgs, runForecast, type ForecastCliOptions } from './forecast';

const CHICAGO = 'sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz';
let dir: string;
let header: string;
let lines: string[];

/** The Chicago rows up to and including `lastDate`, as a CSV file (optionally with renamed headers). */
function chicagoCsv(name: string, lastDate: string, renamed?: string): string {
	const path = join(dir, name);
	const rows = lines.filter((l) => l.slice(0, 10) <= lastDate);
	writeFileSync(path, [renamed ?? header, ...rows].join('\n') + '\n');
	return path;
}

function options(over: Partial<ForecastCliOptions>): ForecastCliOptions {
	return { inputs: [], trainEnd: '2010-02-07', horizonWeeks: 1, out: join(dir, 'out.csv'), method: 'auto', backtestWeeks: 2, staffing: 'models/staffing/default.json', ...over };
}

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'forecast-cli-'));
	const all = gunzipSync(readFileSync(CHICAGO)).toString('utf8').split('\n');
	header = all[0];
	lines = all.slice(1).filter((l) => l.length > 0 && l < '2010-04');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseForecastArgs', () => {
	it('reads the documented options', () => {
		const o = parseForecastArgs(['--input', 'a.csv', 'b.csv', '--train-end', '2017-12-24', '--horizon-weeks', '2', '--out', 'f.csv', '--method', 'poisson']);
		expect(o).toMatchObject({ inputs: ['a.csv', 'b.csv'], trainEnd: '2017-12-24', horizonWeeks: 2, out: 'f.csv', method: 'poisson', backtestWeeks: 8 });
	});

	it('--evaluate needs no --train-end or --out; the horizon defaults to one week', () => {
		expect(parseForecastArgs(['--input', 'a.csv', '--evaluate', '2017'])).toMatchObject({ evaluate: 2017, horizonWeeks: 1, trainEnd: '', out: '', calendar: 'auto' });
		expect(parseForecastArgs(['--input', 'a', '--monthly-by-area', '--train-end', '2019-10', '--out', 'f.csv'])).toMatchObject({ monthlyByArea: true, trainEnd: '2019-10' });
	});

	it('mondaysOf lists every Monday of a year (2017: 2 January … 25 December, 52)', () => {
		const m = mondaysOf(2017);
		expect([m.length, m[0], m[51]]).toEqual([52, '2017-01-02', '2017-12-25']);
	});

	it.each([
		[['--train-end', '2017-12-24', '--horizon-weeks', '1', '--out', 'f.csv'], '--input is required'],
		[['--input', 'a', '--horizon-weeks', '1', '--out', 'f.csv'], '--train-end is required'],
		[['--input', 'a', '--train-end', '2017-13-01', '--horizon-weeks', '1', '--out', 'f'], '--train-end must be a date YYYY-MM-DD, got "2017-13-01"'],
		[['--input', 'a', '--train-end', '2017-12-24', '--horizon-weeks', '0', '--out', 'f'], '--horizon-weeks must be a whole number from 1 to 52, got "0"'],
		[['--input', 'a', '--train-end', '2017-12-24', '--horizon-weeks', '1', '--out', 'f', '--method', 'arima'], '--method must be auto or one of seasonal-naive, seasonal-mean, poisson, holt-winters, nb-regression, combination, got "arima"'],
		[['--input', 'a', '--evaluate', '17'], '--evaluate must be a year YYYY, got "17"'],
		[['--input', 'a', '--monthly-by-area', '--train-end', '2019-10-31', '--out', 'f'], '--train-end must be a month YYYY-MM with --monthly-by-area, got "2019-10-31"'],
		[['--input', 'a', '--train-end', '2017-12-24', '--horizon-weeks', '1', '--out', 'f', '--columns', 'timestamp'], '--columns: expected field=header pairs'],
		[['--input', 'a', '--oops'], 'unknown option --oops']
	])('%j → %s', (argv, message) => {
		expect(() => parseForecastArgs(argv)).toThrow(message);
	});
});

describe('runForecast', () => {
	it('writes one row per hour after --train-end with the documented columns', async () => {
		const log: string[] = [];
		const code = await runForecast(options({ inputs: [chicagoCsv('jan.csv', '2010-02-07')], horizonWeeks: 2 }), (l) => log.push(l));
		expect(code).toBe(0);
		const out = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\r\n');
		expect(out[0]).toBe(FORECAST_COLUMNS.join(','));
		expect(out).toHaveLength(1 + 2 * 168);
		expect(out[1].startsWith('2010-02-08T00:00:00,')).toBe(true);
		expect(out[336].startsWith('2010-02-21T23:00:00,')).toBe(true);
		// Coverage beside every interval: the chosen method's backtest coverage, the same on every row.
		expect(new Set(out.slice(1).map((l) => l.split(',').slice(7).join(','))).size).toBe(1);
		for (const line of out.slice(1)) {
			const [, mean, lo80, hi80, lo95, hi95, , cover80, cover95] = line.split(',').map(Number);
			expect(cover80).toBeGreaterThanOrEqual(0);
			expect(cover80).toBeLessThanOrEqual(cover95);
			expect(cover95).toBeLessThanOrEqual(1);
			expect(mean).toBeGreaterThanOrEqual(0);
			expect(lo95).toBeLessThanOrEqual(lo80);
			expect(lo80).toBeLessThanOrEqual(hi80);
			expect(hi80).toBeLessThanOrEqual(hi95);
		}
		// 1 January to 7 February 2010: 38 days × 24 hours.
		expect(log.join('\n')).toMatch(/Series: events, 912 hours from 2010-01-01T00:00:00 to 2010-02-07T23:00/);
		expect(log.join('\n')).toMatch(/Backtest: 2 rolling origins, 336-hour horizon/);
	});

	it('rows dated after --train-end do not change the output', async () => {
		const outA = join(dir, 'a.csv');
		const outB = join(dir, 'b.csv');
		await runForecast(options({ inputs: [chicagoCsv('upto.csv', '2010-02-07')], out: outA }), () => {});
		await runForecast(options({ inputs: [chicagoCsv('more.csv', '2010-03-31')], out: outB }), () => {});
		expect(readFileSync(outB, 'utf8')).toBe(readFileSync(outA, 'utf8'));
	});

	it('--method overrides the choice; --columns maps other header names', async () => {
		const path = chicagoCsv('renamed.csv', '2010-02-07', 'Created,Place,Lon,Lat,Beat');
		const log: string[] = [];
		const code = await runForecast(
			options({ inputs: [path], method: 'seasonal-naive', columns: { timestamp: 'Created', longitude: 'Lon', latitude: 'Lat', area_code: 'Beat' } }),
			(l) => log.push(l)
		);
		expect(code).toBe(0);
		expect(log.join('\n')).toMatch(/Method: seasonal-naive — chosen by the user/);
		// Seasonal naive: the first forecast hour repeats Monday 2010-02-01 00:00–00:59.
		const mondayMidnight = lines.filter((l) => l.startsWith('2010-02-01 00:')).length;
		expect(readFileSync(join(dir, 'out.csv'), 'utf8').split('\r\n')[1]).toMatch(new RegExp(`^2010-02-08T00:00:00,${mondayMidnight},`));
	});

	it('stop and search is forecast only when asked for, with a warning; staffing is written', async () => {
		const staffingOut = join(dir, 'staff.csv');
		const log: string[] = [];
		const code = await runForecast(
			options({ inputs: ['sample-data/police-uk/city-of-london/stop-and-search'], trainEnd: '2019-10-31', staffingOut, dataset: 'stop_search' }),
			(l) => log.push(l)
		);
		expect(code).toBe(0);
		expect(log[0]).toBe(STOP_SEARCH_WARNING);
		expect(log.join('\n')).toMatch(/Holidays: Bank holidays in England and Wales, 2010–2027/);
		const staff = readFileSync(staffingOut, 'utf8').trim().split('\r\n');
		expect(staff[0]).toBe('timestamp,arrivals,minutes_on_task,load_erlangs,available,on_duty,rostered,service_level');
		expect(staff).toHaveLength(169);
		// Each hour's load is its arrivals × its own minutes on task (the category mix of that hour of week) ÷ 60.
		for (const line of staff.slice(1)) {
			const [, arrivals, minutes, load] = line.split(',').map(Number);
			expect(minutes).toBeGreaterThan(0);
			expect(load).toBeCloseTo((arrivals * minutes) / 60, 2);
		}
		expect(new Set(staff.slice(1).map((l) => l.split(',')[2])).size).toBeGreaterThan(1);
	});

	it('an input without timestamped demand says so, names --dataset stop_search and the monthly forecast by area (exit 1)', async () => {
		const log: string[] = [];
		const inputs = ['sample-data/police-uk/city-of-london/stop-and-search', 'sample-data/police-uk/city-of-london/street'];
		expect(await runForecast(options({ inputs, trainEnd: '2019-10-31' }), (l) => log.push(l))).toBe(1);
		const text = log.join('\n');
		expect(text).toMatch(/^error: the input has no timestamped demand/);
		expect(text).toMatch(/stop and search records: those measure police activity, not demand\. To forecast them anyway, add --dataset stop_search/);
		expect(text).toMatch(/--monthly-by-area --train-end <YYYY-MM>/);
	});

	it('--monthly-by-area forecasts next month per LSOA from street data', async () => {
		const out = join(dir, 'monthly.csv');
		const log: string[] = [];
		expect(await runForecast(options({ inputs: ['sample-data/police-uk/city-of-london/street'], trainEnd: '2019-10', out, monthlyByArea: true }), (l) => log.push(l))).toBe(0);
		const lines = readFileSync(out, 'utf8').trim().split('\r\n');
		expect(lines[0]).toBe('month,lsoa_code,expected,lo80,hi80,lo95,hi95,method');
		expect(lines.length).toBeGreaterThan(1);
		for (const l of lines.slice(1)) {
			const [month, lsoa, expected, lo80, hi80] = l.split(',');
			expect(month).toBe('2019-11');
			expect(lsoa).toMatch(/^E01/);
			expect(Number(lo80)).toBeLessThanOrEqual(Number(hi80));
			expect(Number(expected)).toBeGreaterThanOrEqual(0);
		}
		// Sorted by expected count, largest first.
		const expected = lines.slice(1).map((l) => Number(l.split(',')[2]));
		expect([...expected].sort((a, b) => b - a)).toEqual(expected);
	});

	it('--evaluate refuses a year the data does not cover to the end of its last horizon', async () => {
		// The Mondays of 2010 end on 27 December: a 1-week horizon needs data to 2011-01-02.
		const log: string[] = [];
		expect(await runForecast(options({ inputs: [chicagoCsv('e.csv', '2010-03-31')], evaluate: 2010, trainEnd: '', out: '' }), (l) => log.push(l))).toBe(1);
		expect(log.at(-1)).toBe('error: evaluating 2010 with 1-week horizons needs data to 2011-01-02; the data ends 2010-03-31');
	});

	it('no data on or before --train-end is an error (exit 1)', async () => {
		const log: string[] = [];
		expect(await runForecast(options({ inputs: [chicagoCsv('x.csv', '2010-02-07')], trainEnd: '2009-12-31' }), (l) => log.push(l))).toBe(1);
		expect(log).toEqual(['error: no events records on or before 2009-12-31']);
	});
});
