/**
 * The Overview queries against a real DuckDB (@duckdb/node-api) over six rows copied from the
 * City of London street CSVs (2017-12, 2019-03 and 2019-05 files). Expected values are worked
 * out by hand from those rows and the weights in models/harm-weights/cchi-police-uk-v1.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { EXTRACT_DATASETS } from '../ingest/extract-schema';
import {
	HARM_WEIGHTS_INSERT_SQL,
	HARM_WEIGHTS_TABLE_SQL,
	harmWeightParams,
	harmWeightRows,
	type HarmWeightsModel
} from '../models/harm-weights';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';
import {
	OTHER_CATEGORIES,
	dataFreshness,
	lumpTrend,
	monthlyTrendByCategory,
	overviewSummary,
	topCategories
} from './queries';

const model = cchi as HarmWeightsModel;

// month, category, longitude, latitude, lsoa_code — from the real files.
const FIXTURE: Array<[string, string, number | null, number | null, string | null]> = [
	['2019-03', 'Anti-social behaviour', -0.111497, 51.518226, 'E01000914'],
	['2019-03', 'Burglary', -0.111497, 51.518226, 'E01000914'],
	['2019-03', 'Anti-social behaviour', -0.097562, 51.518864, 'E01000001'],
	['2019-03', 'Drugs', -0.097562, 51.518864, 'E01000001'],
	['2019-05', 'Robbery', -0.074958, 51.514151, 'E01000005'],
	['2017-12', 'Other theft', null, null, null] // "No Location"
];

function createTableSql(name: 'incidents' | 'stop_search'): string {
	const dataset = EXTRACT_DATASETS.find((d) => d.name === name)!;
	return `CREATE OR REPLACE TABLE ${name} (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`;
}

async function loadWeights(runner: NodeRunner, weights: HarmWeightsModel) {
	await runner.exec(HARM_WEIGHTS_TABLE_SQL);
	for (const row of harmWeightRows(weights)) await runner.exec(HARM_WEIGHTS_INSERT_SQL, harmWeightParams(row));
}

async function loadFixture(runner: NodeRunner) {
	await runner.exec(createTableSql('incidents'));
	await runner.exec(createTableSql('stop_search'));
	for (const [month, category, lon, lat, lsoa] of FIXTURE) {
		const monthIndex = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
		await runner.exec(
			'INSERT INTO incidents (month, month_index, category, longitude, latitude, lsoa_code) VALUES (?, ?, ?, ?, ?, ?)',
			[month, monthIndex, category, lon, lat, lsoa]
		);
	}
	await runner.exec("INSERT INTO stop_search (month, search_type) VALUES ('2019-03', 'Person search'), ('2019-04', 'Vehicle search')");
}

describe('overview queries over real rows', () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
		await loadFixture(runner);
		await loadWeights(runner, model);
	});
	afterAll(() => runner.close());

	it('overviewSummary counts records, period and harm', async () => {
		const s = await overviewSummary(runner);
		expect(s).toMatchObject({
			records: 6,
			crimes: 4,
			antiSocialBehaviour: 2,
			noLocation: 1,
			distinctLsoas: 3,
			stopSearches: 2,
			firstMonth: '2017-12',
			lastMonth: '2019-05',
			months: 18, // 2017-12 … 2019-05 inclusive
			excludedRecords: 1, // Drugs
			unweightedRecords: 0
		});
		// ASB 2 × 1 + Burglary 244.68 + Robbery 365 + Other theft 2; Drugs (3.66) excluded.
		expect(s.harmTotal).toBeCloseTo(613.68, 9);
	});

	it('topCategories orders by count, ties by name, with share and harm', async () => {
		const top = await topCategories(runner, 10);
		expect(top.map((c) => [c.category, c.count])).toEqual([
			['Anti-social behaviour', 2],
			['Burglary', 1],
			['Drugs', 1],
			['Other theft', 1],
			['Robbery', 1]
		]);
		expect(top[0].share).toBeCloseTo(2 / 6, 12);
		expect(top[2]).toMatchObject({ category: 'Drugs', weight: 3.66, excluded: true, harm: null, harmShare: null });
		expect(top[4].harm).toBeCloseTo(365, 12);
		expect(top[4].harmShare).toBeCloseTo(365 / 613.68, 12);
		const shareSum = top.reduce((a, c) => a + c.share, 0);
		expect(shareSum).toBeCloseTo(1, 12);
	});

	it('topCategories honours the limit and keeps shares of all records', async () => {
		const top = await topCategories(runner, 2);
		expect(top.map((c) => c.category)).toEqual(['Anti-social behaviour', 'Burglary']);
		expect(top[1].share).toBeCloseTo(1 / 6, 12);
		await expect(topCategories(runner, -1)).rejects.toThrow(RangeError);
	});

	it('monthlyTrendByCategory returns a complete zero-filled grid', async () => {
		const trend = await monthlyTrendByCategory(runner);
		expect(trend.months).toHaveLength(18);
		expect(trend.months[0]).toBe('2017-12');
		expect(trend.months[1]).toBe('2018-01');
		expect(trend.months[17]).toBe('2019-05');
		expect(trend.series.map((s) => [s.category, s.total])).toEqual([
			['Anti-social behaviour', 2],
			['Burglary', 1],
			['Drugs', 1],
			['Other theft', 1],
			['Robbery', 1]
		]);
		for (const s of trend.series) expect(s.counts).toHaveLength(18);
		const asb = trend.series[0].counts;
		expect(asb[15]).toBe(2); // 2019-03
		expect(asb.reduce((a, b) => a + b, 0)).toBe(2);
		expect(trend.series[4].counts[17]).toBe(1); // Robbery, 2019-05
		expect(trend.series[3].counts[0]).toBe(1); // Other theft, 2017-12
	});

	it('lumpTrend keeps the top N and sums the rest month by month', async () => {
		const trend = await monthlyTrendByCategory(runner);
		const lumped = lumpTrend(trend, 2);
		expect(lumped.series.map((s) => [s.category, s.total])).toEqual([
			['Anti-social behaviour', 2],
			['Burglary', 1],
			[OTHER_CATEGORIES, 3]
		]);
		expect(lumped.series[2].counts[15]).toBe(1); // Drugs in 2019-03
		expect(lumped.series[2].counts[17]).toBe(1); // Robbery in 2019-05
		// Nothing to gather, or only one series left over: unchanged.
		expect(lumpTrend(trend, 5)).toBe(trend);
		expect(lumpTrend(trend, 4)).toBe(trend);
	});

	it('counts rows of a category with no weight as unweighted, not as harm', async () => {
		const other = await createNodeRunner();
		try {
			await loadFixture(other);
			await loadWeights(other, { ...model, weights: model.weights.filter((w) => w.category !== 'Robbery') });
			const s = await overviewSummary(other);
			expect(s.unweightedRecords).toBe(1);
			expect(s.harmTotal).toBeCloseTo(248.68, 9);
			const robbery = (await topCategories(other, 10)).find((c) => c.category === 'Robbery');
			expect(robbery).toMatchObject({ weight: null, excluded: false, harm: null });
		} finally {
			other.close();
		}
	});

	it('leaves the force area out while no record is flagged (no force area declared)', async () => {
		expect((await overviewSummary(runner)).forceArea).toBeUndefined();
	});

	it('counts the records in the force area, their crimes and ASB, those outside and those without a location', async () => {
		const flagged = await createNodeRunner();
		try {
			await loadFixture(flagged);
			await loadWeights(flagged, model);
			// City of London's LSOAs E01000001 and E01000005 are in its force area; Islington's E01000914 is not.
			await flagged.exec("UPDATE incidents SET in_force_area = (lsoa_code <> 'E01000914') WHERE lsoa_code IS NOT NULL");
			const s = await overviewSummary(flagged);
			// Inside: ASB, Drugs (E01000001), Robbery (E01000005); outside: ASB, Burglary (E01000914); the "No Location" row unplaced.
			expect(s.forceArea).toEqual({ records: 3, crimes: 2, antiSocialBehaviour: 1, outside: 2, unplaced: 1 });
			// Every other figure still counts every record loaded.
			expect(s).toMatchObject({ records: 6, crimes: 4, antiSocialBehaviour: 2, noLocation: 1 });
		} finally {
			flagged.close();
		}
	});
});

describe('overview queries over empty tables', () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
		await runner.exec(createTableSql('incidents'));
		await runner.exec(createTableSql('stop_search'));
		await loadWeights(runner, model);
	});
	afterAll(() => runner.close());

	it('gives zeros, null months and empty lists', async () => {
		expect(await overviewSummary(runner)).toEqual({
			records: 0,
			crimes: 0,
			antiSocialBehaviour: 0,
			noLocation: 0,
			distinctLsoas: 0,
			stopSearches: 0,
			firstMonth: null,
			lastMonth: null,
			months: 0,
			harmTotal: 0,
			excludedRecords: 0,
			unweightedRecords: 0
		});
		expect(await monthlyTrendByCategory(runner)).toEqual({ months: [], series: [] });
		expect(await topCategories(runner, 5)).toEqual([]);
	});
});

describe('dataFreshness', () => {
	const manifest = {
		built_at: '2020-02-01T10:00:00.000Z',
		datasets: [
			{ name: 'incidents', date_range: { first: '2017-12', last: '2019-11' } },
			{ name: 'stop_search', date_range: { first: '2017-12-01T00:10:00Z', last: '2019-10-30T23:10:00Z' } },
			{ name: 'outcomes', date_range: null },
			{ name: 'quarantine', date_range: { first: '2030-01', last: '2030-01' } }
		]
	} as Parameters<typeof dataFreshness>[0];

	it.each([
		['2020-02-15T12:00:00Z', 3, 14],
		['2019-11-30T23:59:59Z', 0, -63],
		['2021-01-01T00:00:00Z', 14, 334]
	])('at %s the data is %i months old', (now, months, days) => {
		const f = dataFreshness(manifest, new Date(now));
		expect(f).toEqual({ builtAt: manifest.built_at, latestMonth: '2019-11', ageMonths: months, builtDaysAgo: days });
	});

	it('has no latest month when no dataset has a date range', () => {
		const f = dataFreshness({ built_at: 'not a date', datasets: [] }, new Date('2020-01-01T00:00:00Z'));
		expect(f).toEqual({ builtAt: 'not a date', latestMonth: null, ageMonths: null, builtDaysAgo: null });
	});
});
