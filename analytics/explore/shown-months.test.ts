/**
 * The Time views' months for a period that reaches beyond the data: a period carried from another
 * page (the Area profile links to Time with the 15 months its score reads, which for an
 * assessment month early in the data start before it) or from a shared link. The months before
 * the data starts and after it ends were drawn as months of zero records; they hold no records
 * because nothing was loaded for them. Expected counts from native DuckDB over the raw
 * data.police.uk CSVs (street: the 141 repeated Crime IDs dropped, as the extract's quarantine
 * lists them; stop and search: month of the timestamp in Europe/London):
 * street 2017-12 650, 2018-01 697, 2018-02 580, 2018-03 700 (2,627);
 * stop and search 2019-06 167, 2019-07 190, 2019-08 336, 2019-09 197, 2019-10 263, 2019-11 307.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFilters, monthIndex } from './filters';
import { monthCategoryCounts, shownMonths } from './queries';
import { loadExploreSample, type ExploreSample } from './sample.test-setup';

let sample: ExploreSample;
beforeAll(async () => {
	sample = await loadExploreSample();
}, 120_000);
afterAll(() => sample?.runner.close());

describe('shownMonths', () => {
	const data = { first: monthIndex('2017-12'), last: monthIndex('2019-11') };
	it.each([
		['inside the data', '2018-06', '2019-03', '2018-06', '2019-03'],
		['open at both ends', null, null, '2017-12', '2019-11'],
		['starting before the data', '2017-06', '2018-03', '2017-12', '2018-03'],
		['ending after the data', '2019-06', '2020-03', '2019-06', '2019-11'],
		['open start, end after the data', null, '2021-01', '2017-12', '2019-11']
	])('%s', (_, from, to, first, last) => {
		expect(shownMonths({ from, to }, data)).toEqual({ first: monthIndex(first!), last: monthIndex(last!) });
	});
	it('is null for a period wholly outside the data, or a dataset with no records', () => {
		expect(shownMonths({ from: '2016-01', to: '2016-12' }, data)).toBeNull();
		expect(shownMonths({ from: '2020-01', to: null }, data)).toBeNull();
		expect(shownMonths({ from: null, to: null }, { first: null, last: null })).toBeNull();
	});
});

describe('Time views over a period reaching beyond the data (City of London)', () => {
	it('street crime from Jun 2017 to Mar 2018 draws Dec 2017 to Mar 2018, not six months of zeros first', async () => {
		const m = await monthCategoryCounts(sample.runner, { ...defaultFilters(), dataset: 'incidents', from: '2017-06', to: '2018-03' });
		expect(m.months).toEqual(['2017-12', '2018-01', '2018-02', '2018-03']);
		expect(m.monthTotals).toEqual([650, 697, 580, 700]);
		expect(m.total).toBe(2627);
	});

	it('stop and search from Jun 2019 to Mar 2020 ends with the data in Nov 2019', async () => {
		const m = await monthCategoryCounts(sample.runner, { ...defaultFilters(), dataset: 'stop_search', from: '2019-06', to: '2020-03' });
		expect(m.months).toEqual(['2019-06', '2019-07', '2019-08', '2019-09', '2019-10', '2019-11']);
		expect(m.monthTotals).toEqual([167, 190, 336, 197, 263, 307]);
	});

	it('a period wholly before the data draws no months', async () => {
		const m = await monthCategoryCounts(sample.runner, { ...defaultFilters(), dataset: 'incidents', from: '2016-01', to: '2016-12' });
		expect(m.months).toEqual([]);
		expect(m.total).toBe(0);
	});
});
