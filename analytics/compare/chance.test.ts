/**
 * The comparison tables' chance test (chance.ts), the exact two-sided binomial test the Map's
 * change layer uses. Hand-worked: 55 → 114 records (the Compare table's "up 107%") has
 * p = 2 × P(X ≥ 114), X ~ Binomial(169, ½) ≈ 6.6 × 10⁻⁶, beyond chance; 12 → 17 has p ≈ 0.458,
 * within chance (both by summing the binomial's terms exactly, in Python, outside this code).
 * Over the City sample's real rows, March–May 2019 against March–May 2018: each count's verdict
 * equals the integer-exact decision (scripts/lib/exact-binomial.ts) on the SQL counts of the rows;
 * harm is not tested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { cchiWeights, sampleRunner } from '../thr/fixtures.test-setup';
import { ensureHarmWeights } from '../thr';
import { beyondChanceExact } from '../../scripts/lib/exact-binomial';
import { defaultFilters } from '../explore/filters';
import { comparePeriod } from './query';
import { changePValue, chanceLabel, chanceWords, countChance } from './chance';

describe('chance words, hand-worked', () => {
	it('55 → 114 is beyond chance; 12 → 17 within; equal counts no change; harm untested', () => {
		expect(changePValue(114, 55, 1)).toBeCloseTo(6.6368775912939e-6, 15);
		expect(chanceWords({ current: 114, comparison: 55, perPeriod: [55] })).toBe('beyond chance: a change this large seldom comes from chance alone');
		expect(changePValue(17, 12, 1)).toBeCloseTo(0.45825831964612007, 12);
		expect(chanceWords({ current: 17, comparison: 12, perPeriod: [12] })).toBe('within chance: chance alone could give a change this size');
		expect(chanceLabel({ current: 0, comparison: 1, perPeriod: [1] })).toBe('within chance');
		expect(chanceLabel({ current: 40, comparison: 40, perPeriod: [40] })).toBe('no change');
		// A seasonal average of 3 years: 10 now against 5, 5 and 5 (mean 5): p = 2 × P(X ≥ 10), X ~ Binomial(25, ¼) ≈ 0.143.
		expect(changePValue(10, 15, 3)).toBeCloseTo(0.14265652540071017, 12);
		expect(chanceLabel({ current: 10, comparison: 5, perPeriod: [5, 5, 5] })).toBe('within chance');
		expect(countChance({ kind: 'harm', current: 500, comparison: 100, perPeriod: [100] })).toBeNull();
		expect(chanceWords({ kind: 'harm', current: 500, comparison: 100, perPeriod: [100] })).toBe('');
		expect(chanceWords({ current: 5, comparison: null, perPeriod: [] })).toBe('');
	});
});

describe('chance over the City sample, March–May 2019 against March–May 2018', () => {
	let city: NodeRunner;
	beforeAll(async () => {
		city = await sampleRunner();
		await ensureHarmWeights(city, cchiWeights());
	}, 300_000);
	afterAll(() => city?.close());

	it('each count is tested against the exact decision on the rows; harm is not', async () => {
		const f = { ...defaultFilters(), from: '2019-03', to: '2019-05' };
		const result = (await comparePeriod(city, f, 'last-year', { harm: true }))!;
		const raw = await city.rows<{ category: string; now: number; before: number }>(
			`SELECT category, count(*) FILTER (WHERE month BETWEEN '2019-03' AND '2019-05')::INTEGER AS now,
			        count(*) FILTER (WHERE month BETWEEN '2018-03' AND '2018-05')::INTEGER AS before
			 FROM incidents GROUP BY 1`
		);
		const byCategory = new Map(raw.map((r) => [r.category, r]));
		const total = { now: raw.reduce((a, r) => a + r.now, 0), before: raw.reduce((a, r) => a + r.before, 0) };
		let beyond = 0;
		let within = 0;
		for (const m of result.measures) {
			if (m.kind === 'harm') {
				expect(countChance(m)).toBeNull();
				expect(chanceLabel(m)).toBe('');
				continue;
			}
			const want = m.kind === 'records' ? total : byCategory.get(m.category!)!;
			expect([m.current, m.comparison], String(m.category)).toEqual([want.now, want.before]);
			const label = chanceLabel(m);
			if (want.now === want.before) expect(label).toBe('no change');
			else {
				expect(label, String(m.category)).toBe(beyondChanceExact(want.now, want.now + want.before) ? 'beyond chance' : 'within chance');
				if (label === 'beyond chance') beyond++;
				else within++;
			}
		}
		expect(result.measures.some((m) => m.kind === 'harm')).toBe(true);
		// Both verdicts occur among the sample's categories, so neither is always given.
		expect(beyond).toBeGreaterThan(0);
		expect(within).toBeGreaterThan(0);
	});
});
