/**
 * Demand leaves out the records found mostly by police activity (the published models' exclusions
 * "detected proactively": Drugs, Possession of weapons), over real rows:
 *
 * - Chicago's aggravated assaults (district 1, 2016–2017, as other-predictions.test.ts builds them):
 *   no such record, nothing left out, the history is every record, and the page says so;
 * - the City of London's real street records (the shipped sample) given times: each record placed
 *   at an hour of its own month (its rank in the month × 37 hours, modulo the month's hours), so
 *   the timestamped demand table holds the City's own Drugs and Possession of weapons rows. The
 *   forecast's history then equals SQL counts without them, hour by hour. With the category of
 *   every record on a 5th, 10th, … of the month blanked, the blank ones are still counted (demand
 *   that cannot be classified), in the history and in the staffing category mix;
 * - the same City rows with the page's setting on (`policefound=include`): the history, the
 *   forecast's backtest (so the sentence on the simplest baselines) and the staffing category mix
 *   count exactly the Drugs and Possession of weapons rows, month by month as the published CSVs
 *   (sample-data/police-uk/city-of-london/street, the same files as ../shared/data's) count them,
 *   one record per Crime ID as the extract keeps them; with it off, nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { EXTRACT_DATASETS } from '$analytics/ingest/extract-schema';
import { formatCount } from '../charts/format';
import { categoryProfile, minutesByHourOfWeek, resolveTimeOnTask, staffingRange, UNCATEGORISED, type StaffingAssumptions } from '$analytics/staffing';
import { backtest } from '$analytics/forecast';
import { addHours } from '$analytics/forecast/series';
import staffingDefaults from '../../../models/staffing/default.json';
import {
	backtestDemand,
	demandHistory,
	excludedForSetting,
	forecastDemand,
	policeFoundLeftOut,
	policeFoundNote,
	policeFoundSentence,
	POLICE_FOUND_CATEGORIES,
	weeklyHistory,
	type DemandForecast
} from './demand';
import { hourOfWeekSummary } from './hour-of-week';

const createEvents = (runner: NodeRunner) => {
	const events = EXTRACT_DATASETS.find((d) => d.name === 'events')!;
	return runner.exec(`CREATE OR REPLACE TABLE events (${events.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
};

/**
 * The City of London's street records (the shipped sample's incidents) as timestamped demand: each
 * record at an hour of its own month, its rank in the month × 37 hours modulo the month's hours,
 * with the local date and hour of week the staffing category mix reads (Monday 00:00 = 0).
 */
async function insertCityEvents(runner: NodeRunner) {
	await createEvents(runner);
	await runner.exec(
		`INSERT INTO events (occurred_at, month, month_index, longitude, latitude, category)
		 SELECT CAST(month || '-01' AS TIMESTAMP) + to_hours(CAST((37 * rank_in_month) % (24 * day(last_day(CAST(month || '-01' AS DATE)))) AS BIGINT)),
		        month, month_index, longitude, latitude, category
		 FROM (SELECT *, row_number() OVER (PARTITION BY month ORDER BY crime_id, category, longitude, latitude) AS rank_in_month FROM incidents)`
	);
	await runner.exec(`UPDATE events SET local_date = strftime(occurred_at, '%Y-%m-%d'), hour_of_week = (isodow(occurred_at) - 1) * 24 + hour(occurred_at)`);
}

/** A database with the shipped City of London sample and its street records as timestamped demand (`insertCityEvents`). */
async function openCityEvents(): Promise<{ runner: NodeRunner; remove: (() => void) | undefined }> {
	const runner = await createNodeRunner();
	const remove = await loadSampleSource(runner, 'city-of-london');
	await insertCityEvents(runner);
	return { runner, remove };
}

/** Records per local hour from `start` (inclusive, 'YYYY-MM-DDT00:00:00') to the day after `end`, by SQL. */
async function sqlHourly(runner: NodeRunner, start: string, end: string, where: string): Promise<number[]> {
	const rows = await runner.rows<{ i: number; n: number }>(
		`SELECT CAST(date_diff('hour', CAST(? AS TIMESTAMP), date_trunc('hour', occurred_at)) AS INTEGER) AS i, count(*)::INTEGER AS n
		 FROM events WHERE ${where} AND occurred_at >= CAST(? AS TIMESTAMP) AND occurred_at < CAST(? AS TIMESTAMP) + INTERVAL 1 DAY GROUP BY 1`,
		[start, start, end]
	);
	const hours = (Date.parse(`${end}T00:00:00Z`) + 86_400_000 - Date.parse(`${start}Z`)) / 3_600_000;
	const values = new Array<number>(hours).fill(0);
	for (const r of rows) values[r.i] = r.n;
	return values;
}

/** Records per category of `events` from local date `from` to `end`, by SQL, most first (ties by name): what the category mix should count. */
function categoryCounts(runner: NodeRunner, from: string, end: string) {
	return runner.rows<{ category: string; n: number }>(
		`SELECT category, count(*)::INTEGER AS n FROM events WHERE local_date >= ? AND local_date <= ? GROUP BY 1 ORDER BY 2 DESC, 1`,
		[from, end]
	);
}

it('the categories are those the published harm weights and THR model leave out as detected proactively', () => {
	expect(POLICE_FOUND_CATEGORIES).toEqual(['Drugs', 'Possession of weapons']);
});

describe('Chicago aggravated assaults (district 1, 2016–2017): nothing to leave out', () => {
	let runner: NodeRunner;
	let forecast: DemandForecast;
	beforeAll(async () => {
		runner = await createNodeRunner();
		await createEvents(runner);
		await runner.exec(
			`INSERT INTO events (occurred_at, month, month_index, longitude, latitude, category, area_code)
			 SELECT ts, strftime(ts, '%Y-%m'), year(ts) * 12 + month(ts) - 1, longitude, latitude, 'Aggravated assault', CAST(district AS VARCHAR)
			 FROM (SELECT CAST(date AS TIMESTAMP) AS ts, * FROM read_csv('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz'))
			 WHERE ts >= TIMESTAMP '2016-01-01' AND district = 1`
		);
		forecast = (await forecastDemand(runner, { source: 'events', weeks: 1, method: 'seasonal-mean' }))!;
	}, 120_000);
	afterAll(() => runner?.close());

	it('leaves nothing out, forecasts every record, and says so', async () => {
		expect(forecast.leftOut).toEqual({ categorised: true, categories: [{ category: 'Drugs', records: 0 }, { category: 'Possession of weapons', records: 0 }], records: 0, excluded: null, uncategorised: 0 });
		expect(forecast.history).toEqual(await weeklyHistory(runner, 'events'));
		expect(forecast.history.values).toEqual(await sqlHourly(runner, forecast.history.start, forecast.history.end, 'true'));
		expect(policeFoundNote(forecast.leftOut!)).toBe('No records of Drugs or Possession of weapons, found mostly by police activity, are in this data: every record is counted as demand.');
	});

	it('without categories nothing could be left out, and the page says that instead', async () => {
		await runner.exec('UPDATE events SET category = NULL');
		const leftOut = await policeFoundLeftOut(runner);
		expect(leftOut).toMatchObject({ categorised: false, records: 0, excluded: null });
		expect(policeFoundNote(leftOut)).toBe(
			'These records have no category, so records found mostly by police activity (Drugs and Possession of weapons) could not be left out: every record is counted as demand.'
		);
		await runner.exec("UPDATE events SET category = 'Aggravated assault'");
	});
});

describe('City of London street records given times (the shipped sample, 2017-12 … 2019-11)', () => {
	let runner: NodeRunner;
	let remove: (() => void) | undefined;
	let forecast: DemandForecast;
	beforeAll(async () => {
		({ runner, remove } = await openCityEvents());
		forecast = (await forecastDemand(runner, { source: 'events', weeks: 1, method: 'seasonal-mean' }))!;
	}, 300_000);
	afterAll(() => {
		runner?.close();
		remove?.();
	});

	it('counts the Drugs and Possession of weapons records left out as SQL does, and names them', async () => {
		const [c] = await runner.rows<{ drugs: number; weapons: number; all: number }>(
			`SELECT count(*) FILTER (WHERE category = 'Drugs')::INTEGER AS drugs, count(*) FILTER (WHERE category = 'Possession of weapons')::INTEGER AS weapons, count(*)::INTEGER AS "all" FROM events`
		);
		expect(c.drugs).toBeGreaterThan(0);
		expect(c.weapons).toBeGreaterThan(0);
		const leftOut = forecast.leftOut!;
		expect(leftOut.categories).toEqual([
			{ category: 'Drugs', records: c.drugs },
			{ category: 'Possession of weapons', records: c.weapons }
		]);
		expect(leftOut.records).toBe(c.drugs + c.weapons);
		expect(leftOut.uncategorised).toBe(0);
		expect(leftOut.excluded).toEqual(['Drugs', 'Possession of weapons']);
		expect(policeFoundNote(leftOut)).toBe(`${formatCount(c.drugs + c.weapons)} records of Drugs and Possession of weapons, found mostly by police activity, are not counted as demand.`);
	});

	it('the history forecast is the SQL hourly count without them, and differs from every record by their count', async () => {
		const { start, end, values } = forecast.history;
		const without = await sqlHourly(runner, start, end, "category NOT IN ('Drugs', 'Possession of weapons')");
		expect(values).toEqual(without);
		const every = await sqlHourly(runner, start, end, 'true');
		const [inWeeks] = await runner.rows<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM events WHERE category IN ('Drugs', 'Possession of weapons') AND occurred_at >= CAST(? AS TIMESTAMP) AND occurred_at < CAST(? AS TIMESTAMP) + INTERVAL 1 DAY`,
			[start, end]
		);
		expect(inWeeks.n).toBeGreaterThan(0);
		expect(every.reduce((a, b) => a + b, 0) - values.reduce((a, b) => a + b, 0)).toBe(inWeeks.n);
		// Whole Monday–Sunday weeks, as for every demand table.
		expect(values.length % 168).toBe(0);
	});

	it('the staffing category mix leaves them out too, and keeps every other category', async () => {
		const { end } = forecast.history;
		const weeks = 12;
		const excluded = forecast.leftOut!.excluded!;
		const mix = await categoryProfile(runner, { table: 'events', end, weeks, excludeCategories: excluded });
		const whole = await categoryProfile(runner, { table: 'events', end, weeks });
		const rows = await categoryCounts(runner, mix.from, end);
		expect(rows.filter((r) => excluded.includes(r.category)).length).toBeGreaterThan(0);
		expect(whole.categories.map((c) => [c.category, c.records])).toEqual(rows.map((r) => [r.category, r.n]));
		expect(mix.categories.map((c) => [c.category, c.records])).toEqual(rows.filter((r) => !excluded.includes(r.category)).map((r) => [r.category, r.n]));
		for (const h of mix.byHourOfWeek) for (const c of excluded) expect(h[c]).toBeUndefined();
	});

	it('records with no category stay in the history and the category mix: demand that cannot be classified', async () => {
		await runner.exec('UPDATE events SET category = NULL WHERE day(occurred_at) % 5 = 0');
		const [c] = await runner.rows<{ blank: number; found: number }>(
			`SELECT count(*) FILTER (WHERE category IS NULL)::INTEGER AS blank, count(*) FILTER (WHERE category IN ('Drugs', 'Possession of weapons'))::INTEGER AS found FROM events`
		);
		expect(c.blank).toBeGreaterThan(0);
		expect(c.found).toBeGreaterThan(0);
		const { history, leftOut } = (await demandHistory(runner, 'events'))!;
		expect(leftOut).toMatchObject({ categorised: true, records: c.found, excluded: ['Drugs', 'Possession of weapons'], uncategorised: c.blank });
		const { start, end, values } = history;
		// Every record but Drugs and Possession of weapons, the blank ones included ('' is no category name).
		expect(values).toEqual(await sqlHourly(runner, start, end, "coalesce(category, '') NOT IN ('Drugs', 'Possession of weapons')"));
		const categorisedOnly = await sqlHourly(runner, start, end, "category NOT IN ('Drugs', 'Possession of weapons')");
		const [blankInWeeks] = await runner.rows<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM events WHERE category IS NULL AND occurred_at >= CAST(? AS TIMESTAMP) AND occurred_at < CAST(? AS TIMESTAMP) + INTERVAL 1 DAY`,
			[start, end]
		);
		expect(blankInWeeks.n).toBeGreaterThan(0);
		expect(values.reduce((a, b) => a + b, 0) - categorisedOnly.reduce((a, b) => a + b, 0)).toBe(blankInWeeks.n);
		expect(policeFoundNote(leftOut!)).toBe(
			`${formatCount(c.found)} records of Drugs and Possession of weapons, found mostly by police activity, are not counted as demand. ${formatCount(c.blank)} records with no category are counted, as demand that cannot be classified.`
		);
		const mix = await categoryProfile(runner, { table: 'events', end, weeks: 12, excludeCategories: leftOut!.excluded! });
		const [m] = await runner.rows<{ blank: number; kept: number }>(
			`SELECT count(*) FILTER (WHERE category IS NULL)::INTEGER AS blank, count(*) FILTER (WHERE coalesce(category, '') NOT IN ('Drugs', 'Possession of weapons'))::INTEGER AS kept
			 FROM events WHERE local_date >= ? AND local_date <= ?`,
			[mix.from, end]
		);
		expect(m.blank).toBeGreaterThan(0);
		expect(mix.categories.find((x) => x.category === UNCATEGORISED)?.records).toBe(m.blank);
		expect(mix.categories.reduce((a, x) => a + x.records, 0)).toBe(m.kept);
	});
});

describe('the setting counts them as demand (policefound=include): City of London street records given times', () => {
	const STREET = 'sample-data/police-uk/city-of-london/street/*.csv';
	let runner: NodeRunner;
	let remove: (() => void) | undefined;
	let on: DemandForecast;
	let off: DemandForecast;
	beforeAll(async () => {
		({ runner, remove } = await openCityEvents());
		off = (await forecastDemand(runner, { source: 'events', weeks: 1, method: 'seasonal-mean' }))!;
		on = (await forecastDemand(runner, { source: 'events', weeks: 1, method: 'seasonal-mean', policeFound: 'include' }))!;
	}, 300_000);
	afterAll(() => {
		runner?.close();
		remove?.();
	});

	it('names the same counts as policeFoundLeftOut, which are the published CSVs’ records of each category (one per Crime ID)', async () => {
		// Straight from the published files, not the extract: 1,062 Drugs and 145 Possession of weapons
		// rows, of which 9 and 4 repeat a Crime ID already published (the extract keeps the first).
		const raw = await runner.rows<{ category: string; rows: number; records: number }>(
			`SELECT "Crime type" AS category, count(*)::INTEGER AS rows, count(DISTINCT "Crime ID")::INTEGER AS records
			 FROM read_csv('${STREET}') WHERE "Crime type" IN ('Drugs', 'Possession of weapons') GROUP BY 1 ORDER BY 1`
		);
		expect(raw).toEqual([
			{ category: 'Drugs', rows: 1062, records: 1053 },
			{ category: 'Possession of weapons', rows: 145, records: 141 }
		]);
		expect(on.policeFound).toBe('include');
		expect(off.policeFound).toBe('exclude');
		expect(on.leftOut).toEqual(off.leftOut);
		expect(on.leftOut!.categories).toEqual([
			{ category: 'Drugs', records: 1053 },
			{ category: 'Possession of weapons', records: 141 }
		]);
		expect(policeFoundSentence(on.leftOut!, 'include')).toBe(
			`The figures include ${formatCount(1194)} records found mostly by police activity (${formatCount(1053)} of Drugs and 141 of Possession of weapons), counted as demand by the setting above. They measure police activity (where and how hard officers looked) as well as demand from the public.`
		);
		// Off, the sentence is the one the page has always shown.
		expect(policeFoundSentence(off.leftOut!, 'exclude')).toBe(policeFoundNote(off.leftOut!));
		expect(policeFoundSentence(off.leftOut!, 'exclude')).toBe(`${formatCount(1194)} records of Drugs and Possession of weapons, found mostly by police activity, are not counted as demand.`);
	});

	it('on: the weekly history is every record; on minus off is exactly the Drugs and Possession of weapons records, month by month as the published CSVs count them', async () => {
		const { start, end, values } = on.history;
		expect([start, end, values.length]).toEqual([off.history.start, off.history.end, off.history.values.length]);
		expect(values).toEqual(await sqlHourly(runner, start, end, 'true'));
		expect(on.history).toEqual(await weeklyHistory(runner, 'events'));
		const added = new Map<string, number>();
		values.forEach((v, i) => {
			const month = addHours(start, i).slice(0, 7);
			added.set(month, (added.get(month) ?? 0) + v - off.history.values[i]);
		});
		// Each Crime ID once, in the first month it was published (the extract's rule).
		const raw = await runner.rows<{ month: string; n: number }>(
			`SELECT month, count(*)::INTEGER AS n FROM (SELECT "Crime ID", min("Month") AS month FROM read_csv('${STREET}') WHERE "Crime type" IN ('Drugs', 'Possession of weapons') GROUP BY 1) GROUP BY 1 ORDER BY 1`
		);
		// Months wholly inside the history's weeks (its first and last months are cut at a Monday and a Sunday).
		const whole = raw.filter((r) => `${r.month}-01` >= start.slice(0, 10) && lastDay(r.month) <= end);
		expect(whole.length).toBeGreaterThanOrEqual(20);
		for (const r of whole) expect([r.month, added.get(r.month)]).toEqual([r.month, r.n]);
		const [inWeeks] = await runner.rows<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM events WHERE category IN ('Drugs', 'Possession of weapons') AND occurred_at >= CAST(? AS TIMESTAMP) AND occurred_at < CAST(? AS TIMESTAMP) + INTERVAL 1 DAY`,
			[start, end]
		);
		expect([...added.values()].reduce((a, b) => a + b, 0)).toBe(inWeeks.n);
		expect([...added.values()].every((n) => n >= 0)).toBe(true);
	});

	it('off: unchanged, the default forecast and backtest, without them', async () => {
		const byDefault = (await forecastDemand(runner, { source: 'events', weeks: 1, method: 'seasonal-mean' }))!;
		const stripped = (f: DemandForecast) => ({ history: f.history, leftOut: f.leftOut, mean: f.forecast.mean, scores: f.backtest!.scores.map(({ seconds: _, ...rest }) => rest) });
		expect(stripped(off)).toEqual(stripped(byDefault));
		expect(off.history.values).toEqual(await sqlHourly(runner, off.history.start, off.history.end, "category NOT IN ('Drugs', 'Possession of weapons')"));
		const [accOff, accDefault] = [await backtestDemand(runner, 'events', 'exclude'), await backtestDemand(runner, 'events')];
		expect(accOff!.history).toEqual(accDefault!.history);
		expect(accOff!.history).toEqual(off.history);
	}, 120_000);

	it('the simplest baselines are scored on the same records as the forecast, at the same weekly origins, on and off', async () => {
		for (const [f, where] of [[on, 'true'], [off, "category NOT IN ('Drugs', 'Possession of weapons')"]] as const) {
			const series = await sqlHourly(runner, f.history.start, f.history.end, where);
			// The same origins whichever records are counted: the last weeks of the history, each forecast from the weeks before it only.
			expect(f.backtest!.origins).toEqual(off.backtest!.origins);
			const check = backtest(series, { period: 168, horizon: 168, origins: f.backtest!.origins, methods: ['seasonal-mean', 'seasonal-naive'], pointsOnly: true });
			for (const method of ['seasonal-mean', 'seasonal-naive'] as const) {
				const shown = f.backtest!.scores.find((s) => s.method === method)!;
				const expected = check.scores.find((s) => s.method === method)!;
				expect(shown.mae).toBeCloseTo(expected.mae!, 12);
				expect(shown.mase).toBeCloseTo(expected.mase!, 12);
			}
		}
		const mae = (f: DemandForecast) => f.backtest!.scores.find((s) => s.method === 'seasonal-mean')!.mae!;
		expect(mae(on)).not.toBe(mae(off));
		// The Accuracy page's backtest rests on the same history as the forecast, for either setting.
		expect((await backtestDemand(runner, 'events', 'include'))!.history).toEqual(on.history);
	}, 120_000);

	it('on: the staffing category mix counts them too, and the officers follow', async () => {
		const defaults = staffingDefaults as StaffingAssumptions;
		const weeks = defaults.category_mix!.weeks;
		const end = on.history.end;
		const mixOn = await categoryProfile(runner, { table: 'events', end, weeks, excludeCategories: excludedForSetting(on.leftOut, on.policeFound) });
		const mixOff = await categoryProfile(runner, { table: 'events', end, weeks, excludeCategories: excludedForSetting(off.leftOut, off.policeFound) });
		const rows = await categoryCounts(runner, mixOn.from, end);
		expect(rows.filter((r) => POLICE_FOUND_CATEGORIES.includes(r.category)).length).toBe(2);
		expect(mixOn.categories.map((c) => [c.category, c.records])).toEqual(rows.map((r) => [r.category, r.n]));
		expect(mixOff.categories.map((c) => [c.category, c.records])).toEqual(rows.filter((r) => !POLICE_FOUND_CATEGORIES.includes(r.category)).map((r) => [r.category, r.n]));
		const officers = (f: DemandForecast, mix: typeof mixOn) => {
			const summary = hourOfWeekSummary({ timestamps: f.timestamps, mean: f.forecast.mean, hi80: f.forecast.hi80 }, f.history);
			const perHour = minutesByHourOfWeek(mix, resolveTimeOnTask(defaults, mix), defaults.time_on_task_minutes.default);
			return staffingRange(
				{ timestamps: summary.map((r) => String(r.hourOfWeek)), mean: summary.map((r) => r.mean), hi80: summary.map((r) => r.hi80) },
				defaults,
				{ minutesByHour: summary.map((r) => perHour[r.hourOfWeek]) }
			).totals;
		};
		const [a, b] = [officers(off, mixOff), officers(on, mixOn)];
		const sum = (v: number[]) => v.reduce((x, y) => x + y, 0);
		expect(sum(on.forecast.mean)).toBeGreaterThan(sum(off.forecast.mean));
		expect(b.mean.available).toBeGreaterThanOrEqual(a.mean.available);
		console.log(
			`City street records given times, 8-week mean forecast, default staffing: off ${a.mean.rostered}–${a.hi80.rostered} rostered officer-hours a week ` +
				`(forecast ${sum(off.forecast.mean).toFixed(1)} records), on ${b.mean.rostered}–${b.hi80.rostered} (forecast ${sum(on.forecast.mean).toFixed(1)} records)`
		);
	});
});

/** The last date of a month 'YYYY-MM'. */
function lastDay(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}
