/**
 * The Map and Time summary line's words (summary-words.ts) over the City of London sample's real
 * rows (street records December 2017 – November 2019): a one-month period is said as one month
 * ("in November 2019", never "Nov 2019 to Nov 2019") and a count of one is "1 record". The counts
 * are the app's (monthCategoryCounts, the total the line shows), checked against SQL over the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../../scripts/lib/node-runner';
import { sampleRunner } from '../../../analytics/thr/fixtures.test-setup';
import { exploreDatasets, monthCategoryCounts } from '$analytics/explore/queries';
import { defaultFilters, type ExploreFilters } from '$analytics/explore/filters';
import { periodWords, recordsWords, spanWords } from './summary-words';

describe('summary line words over the City sample', () => {
	let city: NodeRunner;
	beforeAll(async () => {
		city = await sampleRunner();
	}, 300_000);
	afterAll(() => city?.close());

	it('the data covers December 2017 to November 2019, and the whole period is said so', async () => {
		const [incidents] = await exploreDatasets(city);
		expect([incidents.firstMonth, incidents.lastMonth]).toEqual(['2017-12', '2019-11']);
		expect(periodWords(defaultFilters(), incidents)).toBe('over the whole period, Dec 2017 to Nov 2019');
		expect(spanWords(incidents.firstMonth, incidents.lastMonth)).toBe('Dec 2017 to Nov 2019');
	});

	it('one month is said as one month: "in November 2019"', async () => {
		const [incidents] = await exploreDatasets(city);
		const f: ExploreFilters = { ...defaultFilters(), from: '2019-11', to: '2019-11' };
		expect(periodWords(f, incidents)).toBe('in November 2019');
		// Asked for October 2019 to March 2020: the data ends in November, so two months are counted.
		expect(periodWords({ from: '2019-10', to: '2020-03' }, incidents)).toBe('from Oct 2019 to Nov 2019 (the data covers Dec 2017 to Nov 2019; the period asked for is Oct 2019 to Mar 2020)');
		// Asked for November 2019 to March 2020: one month counted.
		expect(periodWords({ from: '2019-11', to: '2020-03' }, incidents)).toBe('in November 2019 (the data covers Dec 2017 to Nov 2019; the period asked for is Nov 2019 to Mar 2020)');
		// Wholly after the data.
		expect(periodWords({ from: '2020-01', to: '2020-01' }, incidents)).toBe('in January 2020, a period outside the data (Dec 2017 to Nov 2019)');
		// A period of several months keeps its "from … to …".
		expect(periodWords({ from: '2019-06', to: '2019-11' }, incidents)).toBe('from Jun 2019 to Nov 2019');
	});

	it('a count of one is "1 record": an LSOA with a single record of a category in November 2019', async () => {
		const [one] = await city.rows<{ lsoa: string; category: string }>(
			`SELECT lsoa_code AS lsoa, category FROM incidents WHERE month = '2019-11' AND lsoa_code IS NOT NULL
			 GROUP BY ALL HAVING count(*) = 1 ORDER BY lsoa, category LIMIT 1`
		);
		expect(one).toBeDefined();
		const f: ExploreFilters = { ...defaultFilters(), from: '2019-11', to: '2019-11', categories: [one.category], area: { level: 'lsoa', ids: [one.lsoa] } };
		const counted = await monthCategoryCounts(city, f);
		expect(counted.total).toBe(1);
		expect(recordsWords(counted.total)).toBe('1 record');
		const [all] = await city.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM incidents WHERE month = '2019-11'`);
		const whole = await monthCategoryCounts(city, { ...defaultFilters(), from: '2019-11', to: '2019-11' });
		expect(whole.total).toBe(all.n);
		// 11 + 15 + 18 + 22 + 22 + 29 + 33 + 48 + 64 + 76 + 106 + 113 + 132 + 231, the 14 categories' records that month.
		expect(recordsWords(whole.total)).toBe('920 records');
	});
});
