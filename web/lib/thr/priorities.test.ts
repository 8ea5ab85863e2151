/**
 * Priorities' words about the ranking (rankingWords), on the City of London sample scored by
 * thr-v3: the month in words as every sentence writes it ("ranked for November 2019"), never the
 * short "Nov 2019". The number of areas ranked is counted by SQL over the base rows.
 *
 * Threat's months in the Statistics disclosure (threatMonthsWords), in words and as the data has
 * them: on the City (data from December 2017) the whole baseline; on Lancashire 2022 (data from
 * January 2022, its first month counted by SQL) the baseline months with data, or none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../../scripts/lib/node-runner';
import { cchiWeights, sampleRunner, thrV3 } from '../../../analytics/thr/fixtures.test-setup';
import { scoreMonth, scoreTrend } from '$analytics/thr';
import { createNodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { modelAtUnit, monthIndex, monthLabel } from '$analytics/thr';
import { rankingWords, trendSeries } from './priorities';
import { threatMonthsWords, trendWords } from './reading';

const weights = cchiWeights();
const model = thrV3();
let city: NodeRunner;
let lancs: NodeRunner;
let removeLancs: (() => void) | undefined;

beforeAll(async () => {
	city = await sampleRunner({ aggregate: true });
	lancs = await createNodeRunner();
	removeLancs = await loadSampleSource(lancs, 'lancashire-asb');
}, 600_000);

afterAll(() => {
	city?.close();
	lancs?.close();
	removeLancs?.();
});

describe('rankingWords', () => {
	it('names the month in words: "6 areas ranked for November 2019 by thr v3…", caption "Areas ranked by THR score, November 2019"', async () => {
		// The LSOAs of the force area with a record in the 12 months to November 2019.
		const [{ n }] = await city.rows<{ n: number }>(
			"SELECT count(DISTINCT lsoa_code)::INTEGER AS n FROM incidents WHERE in_force_area AND month BETWEEN '2018-12' AND '2019-11'"
		);
		expect(n).toBe(6);
		const result = await scoreMonth(city, { model, weights, month: '2019-11' });
		expect(result.areas).toHaveLength(n);
		const words = rankingWords(result, 'Local authority districts');
		expect(words.ranked).toBe(`6 areas ranked for November 2019 by thr v${model.version}.`);
		expect(words.caption).toBe('Areas ranked by THR score, November 2019');
		expect(words.none).toBe('No area has harm-counting records in the window to November 2019.');
		for (const text of Object.values(words)) expect(text).not.toMatch(/\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}/);
	});

	it('June 2018, the month a carried period ends in', async () => {
		const result = await scoreMonth(city, { model, weights, month: '2018-06' });
		expect(rankingWords(result, 'Areas').caption).toBe('Areas ranked by THR score, June 2018');
	});
});

describe('threatMonthsWords (Statistics: Threat\'s months)', () => {
	it('the City, November 2019: the whole 12-month baseline, in words', async () => {
		const result = await scoreMonth(city, { model, weights, month: '2019-11' });
		const threat = result.components.find((c) => c.kind === 'threat')!;
		expect(threatMonthsWords(result, threat)).toBe('Recent September–November 2019 against the baseline September 2018–August 2019.');
	});

	it('Lancashire 2022 by LSOA and by district: the baseline months the data has, or none', async () => {
		const [{ first, before }] = await lancs.rows<{ first: string; before: number }>(
			"SELECT min(month) AS first, count(*) FILTER (WHERE month < '2022-01')::INTEGER AS before FROM incidents"
		);
		expect([first, before]).toEqual(['2022-01', 0]);
		for (const m of [model, modelAtUnit(model, 'district')]) {
			const words = async (month: string) => {
				const result = await scoreMonth(lancs, { model: m, weights, month });
				return threatMonthsWords(result, result.components.find((c) => c.kind === 'threat')!);
			};
			// December: baseline October 2021 – September 2022, of which January–September 2022 has data.
			expect(await words('2022-12')).toBe('Recent October–December 2022 against the baseline January–September 2022 (9 of its 12 months; the data starts in January 2022).');
			expect(await words('2022-03')).toBe(
				'Recent January–March 2022, with no baseline: the data has no month before them (its baseline, January–December 2021, is before the data starts in January 2022).'
			);
			// January: the last 3 months hold January only.
			expect(await words('2022-01')).toBe(
				'Recent January 2022, with no baseline: the data has no month before them (its baseline, November 2020–October 2021, is before the data starts in January 2022).'
			);
		}
	});
});

describe('trendSeries and trendWords (the trend column and its text alternative)', () => {
	// The 13 months Priorities' trend reads for a month, scored by scoreTrend as the page scores them.
	const series = async (runner: NodeRunner, areaId: string, to: string) => {
		const months = Array.from({ length: 13 }, (_, i) => monthLabel(monthIndex(to) - 12 + i));
		const trend = await scoreTrend(runner, { model, weights, months });
		const result = await scoreMonth(runner, { model, weights, month: to });
		return trendSeries(trend, result.dataRange.first)(areaId);
	};

	it('the City, November 2018 – November 2019: every month scored, named in words', async () => {
		const city13 = await series(city, 'E01032739', '2019-11');
		expect(city13.every((p) => p.score !== null)).toBe(true);
		expect(trendWords('THR score of E01032739', city13)).toBe(
			`THR score of E01032739: score from ${city13[0].score!.toFixed(3)} (November 2018) to ${city13[12].score!.toFixed(3)} (November 2019), 13 of 13 months scored`
		);
	});

	it('Lancashire, March 2022: the months before the data (April–December 2021) are gaps, not scores of 0', async () => {
		const [{ first }] = await lancs.rows<{ first: string }>('SELECT min(month) AS first FROM incidents');
		expect(first).toBe('2022-01');
		// scoreTrend itself scores every area of the force area 0 in a month before the data.
		const before = await scoreTrend(lancs, { model, weights, months: ['2021-06'] });
		expect(before.months[0].areaIds.length).toBeGreaterThan(900);
		expect(before.months[0].scoreUnits.every((u) => u === 0)).toBe(true);
		const lancs13 = await series(lancs, 'E01024877', '2022-03');
		expect(lancs13.filter((p) => p.score !== null).map((p) => p.month)).toEqual(['2022-01', '2022-02', '2022-03']);
		expect(trendWords('THR score of E01024877', lancs13)).toMatch(/^THR score of E01024877: score from \d\.\d{3} \(January 2022\) to \d\.\d{3} \(March 2022\), 3 of 13 months scored$/);
	});
});
