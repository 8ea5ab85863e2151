/**
 * Priorities' words about the ranking (rankingWords), on the City of London sample scored by
 * thr-v3: the month in words as every sentence writes it ("ranked for November 2019"), never the
 * short "Nov 2019". The number of areas ranked is counted by SQL over the base rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../../scripts/lib/node-runner';
import { cchiWeights, sampleRunner, thrV3 } from '../../../analytics/thr/fixtures.test-setup';
import { scoreMonth } from '$analytics/thr';
import { rankingWords } from './priorities';

const weights = cchiWeights();
const model = thrV3();
let city: NodeRunner;

beforeAll(async () => {
	city = await sampleRunner({ aggregate: true });
}, 600_000);

afterAll(() => city?.close());

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
