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
 *   that cannot be classified), in the history and in the staffing category mix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { EXTRACT_DATASETS } from '$analytics/ingest/extract-schema';
import { formatCount } from '../charts/format';
import { categoryProfile, UNCATEGORISED } from '$analytics/staffing';
import { demandHistory, forecastDemand, policeFoundLeftOut, policeFoundNote, POLICE_FOUND_CATEGORIES, weeklyHistory, type DemandForecast } from './demand';

const createEvents = (runner: NodeRunner) => {
	const events = EXTRACT_DATASETS.find((d) => d.name === 'events')!;
	return runner.exec(`CREATE OR REPLACE TABLE events (${events.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
};

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
		runner = await createNodeRunner();
		remove = await loadSampleSource(runner, 'city-of-london');
		await createEvents(runner);
		await runner.exec(
			`INSERT INTO events (occurred_at, month, month_index, longitude, latitude, category)
			 SELECT CAST(month || '-01' AS TIMESTAMP) + to_hours(CAST((37 * rank_in_month) % (24 * day(last_day(CAST(month || '-01' AS DATE)))) AS BIGINT)),
			        month, month_index, longitude, latitude, category
			 FROM (SELECT *, row_number() OVER (PARTITION BY month ORDER BY crime_id, category, longitude, latitude) AS rank_in_month FROM incidents)`
		);
		// The local date and hour of week the staffing category mix reads (Monday 00:00 = 0).
		await runner.exec(`UPDATE events SET local_date = strftime(occurred_at, '%Y-%m-%d'), hour_of_week = (isodow(occurred_at) - 1) * 24 + hour(occurred_at)`);
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
		const rows = await runner.rows<{ category: string; n: number }>(
			`SELECT category, count(*)::INTEGER AS n FROM events WHERE local_date >= ? AND local_date <= ? GROUP BY 1 ORDER BY 2 DESC, 1`,
			[mix.from, end]
		);
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
