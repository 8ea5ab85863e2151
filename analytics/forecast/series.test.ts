/**
 * Series building against a real DuckDB (@duckdb/node-api) over rows copied from the real data:
 * the first Chicago aggravated assaults of 2010 (sample-data/chicago), City of London
 * stop-and-search rows of June and January 2018, and City of London street rows of 2019
 * (the Overview fixture). Expected counts are read off the rows by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { EXTRACT_DATASETS } from '../ingest/extract-schema';
import { HARM_WEIGHTS_INSERT_SQL, HARM_WEIGHTS_TABLE_SQL, harmWeightParams, harmWeightRows, type HarmWeightsModel } from '../models/harm-weights';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';
import { addDays, addHours, hourOfWeekOf, hourlyCounts, monthIndex, monthKey, monthlyPanel, monthlyTable, type MonthlyTable } from './series';

// Chicago: date (local), loc_cat (used as category), longitude, latitude, district (area_code).
const CHICAGO: Array<[string, string, number, number, string]> = [
	['2010-01-01 00:05', 'residence', -87.6277, 41.7922, '2'],
	['2010-01-01 00:12', 'street', -87.6683, 41.7513, '6'],
	['2010-01-01 00:30', 'hotel', -87.6242, 41.8727, '1'],
	['2010-01-01 00:30', 'street', -87.6478, 41.7536, '6'],
	['2010-01-01 00:54', 'street', -87.6446, 41.772, '7'],
	['2010-01-01 01:15', 'street', -87.7311, 41.8984, '11'],
	['2010-01-01 01:45', 'street', -87.645, 41.9228, '18'],
	['2010-01-01 01:45', 'street', -87.6106, 41.7726, '3'],
	['2010-01-01 01:48', 'hotel', -87.6242, 41.8727, '1'],
	['2010-01-01 01:56', 'residence', -87.6265, 41.6916, '5'],
	['2010-01-01 02:00', 'government', -87.6115, 41.892, '18'],
	['2010-01-02 00:19', 'street', -87.6406, 41.6732, '5'],
	['2010-01-02 01:17', 'street', -87.644, 41.7502, '6'],
	['2010-01-02 03:00', 'street', -87.754, 41.895, '15']
];

// police.uk stop and search: Date (UTC) and object of search from the files; lsoa_code set by
// hand (the builder computes it from the coordinates).
const STOP_SEARCH: Array<[string, string, string | null]> = [
	['2018-06-01 03:11:48', 'Controlled drugs', 'E01032739'],
	['2018-06-01 03:18:23', 'Controlled drugs', 'E01032739'],
	['2018-06-01 04:03:02', 'Controlled drugs', null],
	['2018-06-01 05:29:23', 'Stolen goods', 'E01000005'],
	['2018-01-01 00:55:00', 'Stolen goods', null]
];

// Street crime: month, category, lsoa_code (the Overview fixture rows).
const STREET: Array<[string, string, string | null]> = [
	['2019-03', 'Anti-social behaviour', 'E01000914'],
	['2019-03', 'Burglary', 'E01000914'],
	['2019-03', 'Anti-social behaviour', 'E01000001'],
	['2019-03', 'Drugs', 'E01000001'],
	['2019-05', 'Robbery', 'E01000005'],
	['2017-12', 'Other theft', null]
];

function createTableSql(name: 'incidents' | 'stop_search' | 'events'): string {
	const dataset = EXTRACT_DATASETS.find((d) => d.name === name)!;
	return `CREATE OR REPLACE TABLE ${name} (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`;
}

let runner: NodeRunner;
beforeAll(async () => {
	runner = await createNodeRunner();
	for (const t of ['incidents', 'stop_search', 'events'] as const) await runner.exec(createTableSql(t));
	for (const [at, category, lon, lat, district] of CHICAGO) {
		await runner.exec('INSERT INTO events (occurred_at, category, longitude, latitude, area_code) VALUES (CAST(? AS TIMESTAMP), ?, ?, ?, ?)', [
			at,
			category,
			lon,
			lat,
			district
		]);
	}
	for (const [at, object, lsoa] of STOP_SEARCH) {
		await runner.exec('INSERT INTO stop_search (occurred_at, object_of_search, lsoa_code) VALUES (CAST(? AS TIMESTAMP), ?, ?)', [at, object, lsoa]);
	}
	for (const [month, category, lsoa] of STREET) {
		await runner.exec('INSERT INTO incidents (month, month_index, category, lsoa_code) VALUES (?, ?, ?, ?)', [month, monthIndex(month), category, lsoa]);
	}
	await runner.exec(HARM_WEIGHTS_TABLE_SQL);
	for (const row of harmWeightRows(cchi as HarmWeightsModel)) await runner.exec(HARM_WEIGHTS_INSERT_SQL, harmWeightParams(row));
});
afterAll(() => runner.close());

describe('hourlyCounts', () => {
	it('counts events per local hour on a complete, zero-filled grid', async () => {
		// 2010-01-01 was a Friday: hour of week 4 × 24 = 96. 00:xx has 5 rows, 01:xx 5, 02:00 1.
		const s = await hourlyCounts(runner, { table: 'events', start: '2010-01-01', end: '2010-01-01' });
		expect(s.start).toBe('2010-01-01T00:00:00');
		expect(s.hourOfWeekStart).toBe(96);
		expect(s.values).toEqual([5, 5, 1, ...new Array(21).fill(0)]);
	});

	it('reads nothing after `end`, and takes the first date with data as the default start', async () => {
		const s = await hourlyCounts(runner, { table: 'events', end: '2010-01-01' });
		expect(s.values).toHaveLength(24);
		expect(s.values.reduce((a, b) => a + b, 0)).toBe(11);
	});

	it('without bounds spans the first to the last date with data', async () => {
		// 2010-01-02: 00:19, 01:17 and 03:00 → hours 24, 25 and 27 of the grid.
		const s = await hourlyCounts(runner, { table: 'events' });
		expect(s.values).toHaveLength(48);
		expect(s.values.slice(24, 28)).toEqual([1, 1, 0, 1]);
	});

	it.each([
		// Streets only: 00:12, 00:30, 00:54 | 01:15, 01:45, 01:45.
		[{ categories: ['street'] }, [3, 3, 0]],
		[{ categories: ['hotel', 'government'] }, [1, 1, 1]],
		[{ categories: [] }, [0, 0, 0]],
		// Every record but the streets (5 − 3, 5 − 3, 1 − 0); an empty exclusion list leaves nothing out.
		[{ excludeCategories: ['street'] }, [2, 2, 1]],
		[{ excludeCategories: [] }, [5, 5, 1]],
		[{ areaCode: '6' }, [2, 0, 0]]
	])('filters %j', async (filter, firstHours) => {
		const s = await hourlyCounts(runner, { table: 'events', start: '2010-01-01', end: '2010-01-01', ...filter });
		expect(s.values.slice(0, 3)).toEqual(firstHours);
	});

	it('stop_search: UTC is converted to UK local time (BST in June, GMT in January)', async () => {
		// 03:11 and 03:18 UTC → 04:xx BST; 04:03 → 05:xx; 05:29 → 06:xx.
		const june = await hourlyCounts(runner, { table: 'stop_search', start: '2018-06-01', end: '2018-06-01' });
		expect(june.values.slice(3, 8)).toEqual([0, 2, 1, 1, 0]);
		const january = await hourlyCounts(runner, { table: 'stop_search', start: '2018-01-01', end: '2018-01-01' });
		expect(january.values[0]).toBe(1);
		expect(january.hourOfWeekStart).toBe(0); // 2018-01-01 was a Monday
	});

	it('an empty selection is an empty series; a start after the end is an error', async () => {
		expect(await hourlyCounts(runner, { table: 'events', end: '2009-12-31' })).toEqual({ start: null, hourOfWeekStart: null, values: [] });
		await expect(hourlyCounts(runner, { table: 'events', start: '2010-01-02', end: '2010-01-01' })).rejects.toThrow('start 2010-01-02 is after end 2010-01-01');
		await expect(hourlyCounts(runner, { table: 'events', end: '2010-1-1' })).rejects.toThrow('end must be a date YYYY-MM-DD, got "2010-1-1"');
	});
});

describe('date helpers', () => {
	it.each([
		[() => addDays('2017-12-31', 1), '2018-01-01'],
		[() => addDays('2016-02-28', 1), '2016-02-29'],
		[() => addHours('2018-03-25T00:00:00', 3), '2018-03-25T03:00:00'], // wall clock: no DST jump
		[() => hourOfWeekOf('2017-12-31T23:00:00'), 167], // a Sunday
		[() => monthIndex('2019-03'), 2019 * 12 + 2],
		[() => monthKey(2019 * 12 + 11), '2019-12']
	])('%#', (fn, expected) => expect(fn()).toBe(expected));

	it('monthIndex rejects a malformed month', () => expect(() => monthIndex('2019-13')).toThrow('not a month: "2019-13"; expected YYYY-MM'));
});

describe('monthlyPanel', () => {
	it('counts per area and month, zero-filled, areas sorted, rows without an area left out', async () => {
		const p = await monthlyPanel(runner, { level: 'lsoa', lastMonth: '2019-05', months: 3 });
		expect(p).toMatchObject({ firstMonth: '2019-03', lastMonth: '2019-05', months: 3, measure: 'count', squares: null });
		expect(p.areas).toEqual(['E01000001', 'E01000005', 'E01000914']);
		expect(p.values.map((v) => Array.from(v))).toEqual([
			[2, 0, 0],
			[0, 0, 1],
			[2, 0, 0]
		]);
	});

	it('harm: Σ weight (Drugs excluded) and Σ weight² per area-month', async () => {
		// E01000001: ASB 1 + Drugs (excluded) → 1. E01000914: ASB 1 + Burglary 244.68 → 245.68,
		// squares 1 + 244.68² = 59869.3024. E01000005: Robbery 365 in May, squares 133225.
		const p = await monthlyPanel(runner, { level: 'lsoa', lastMonth: '2019-05', months: 3, measure: 'harm' });
		expect(p.values.map((v) => Array.from(v))).toEqual([
			[1, 0, 0],
			[0, 0, 365],
			[245.68, 0, 0]
		]);
		expect(p.squares![2][0]).toBeCloseTo(59869.3024, 6);
		expect(p.squares![1][2]).toBe(133225);
	});

	it('nothing after lastMonth is read; the default window starts at the first month with data', async () => {
		const p = await monthlyPanel(runner, { level: 'lsoa', lastMonth: '2019-04' });
		// Areas with a record up to April only: the May robbery's area is not in the region.
		expect(p.areas).toEqual(['E01000001', 'E01000914']);
		expect(p.firstMonth).toBe('2019-03'); // the 2017-12 row has no area
		expect(p.months).toBe(2);
	});

	it('an explicit region keeps areas without records (all zeros) and drops others', async () => {
		const p = await monthlyPanel(runner, { level: 'lsoa', lastMonth: '2019-03', months: 1, areas: ['E01000914', 'E09999999'] });
		expect(p.values.map((v) => Array.from(v))).toEqual([[2], [0]]);
	});

	it('refuses an area level the table does not have', async () => {
		await expect(monthlyPanel(runner, { table: 'events', level: 'lsoa', lastMonth: '2019-03' })).rejects.toThrow(
			'events has no lsoa column; choose one of area_code, district, h3_r7, h3_r8, h3_r9'
		);
	});
});

describe('monthlyTable', () => {
	it('passes the three record tables and refuses any other name before it reaches SQL', () => {
		for (const t of ['incidents', 'events', 'stop_search'] as const) expect(monthlyTable(t)).toBe(t);
		for (const t of ['areas', 'incidents; DROP TABLE incidents', 'toString', '']) expect(() => monthlyTable(t as MonthlyTable)).toThrow(/unknown table/);
	});
});
