/**
 * Rises and falls beyond chance, on the City of London's raw street rows (sample-data, the first
 * row of a repeated Crime ID kept): each LSOA's records in September–November 2019 against
 * June–August 2019. The expected split is worked with exact integers (scripts/lib/exact-binomial.ts).
 */
import { describe, expect, it } from 'vitest';
import { countedStreetRows } from '../../../tests/expected';
import { beyondChanceExact, exactChangeSplit } from '../../../../scripts/lib/exact-binomial';
import { changeChance } from './change-chance';
import { changePValue } from '$analytics/compare/chance';

function lsoaCounts(from: string, to: string): Map<string, number> {
	const m = new Map<string, number>();
	for (const r of countedStreetRows()) if (r['LSOA code'] && r.Month >= from && r.Month <= to) m.set(r['LSOA code'], (m.get(r['LSOA code']) ?? 0) + 1);
	return m;
}

describe('changeChance', () => {
	it('splits the City LSOAs that rose or fell into beyond and within chance as the exact test does', () => {
		const now = lsoaCounts('2019-09', '2019-11');
		const before = lsoaCounts('2019-06', '2019-08');
		const ids = new Set([...now.keys(), ...before.keys()]);
		const cells = [...ids].map((id) => ({ n: now.get(id) ?? 0, comparison: before.get(id) ?? 0 }));
		const expected = exactChangeSplit(cells);
		// 13 rises and 38 falls in all (5 LSOAs unchanged); few are beyond chance.
		expect(expected.rises.beyond + expected.rises.within).toBe(13);
		expect(expected.falls.beyond + expected.falls.within).toBe(38);
		expect(changeChance(cells, 1)).toEqual(expected);
		// E01032740 (City of London 001G): 306 against 254, beyond chance; E01032739 (001F): 1,737 against 1,688, within.
		expect([now.get('E01032740'), before.get('E01032740')]).toEqual([306, 254]);
		expect(beyondChanceExact(306, 560)).toBe(true);
		expect(changePValue(306, 254, 1)).toBeLessThan(0.05);
		expect(beyondChanceExact(1737, 1737 + 1688)).toBe(false);
		expect(changePValue(1737, 1688, 1)).toBeGreaterThan(0.05);
	});

	it('never calls one record against none beyond chance', () => {
		expect(changePValue(1, 0, 1)).toBe(1);
		expect(changeChance([{ n: 1, comparison: 0 }], 1)).toEqual({ rises: { beyond: 0, within: 1 }, falls: { beyond: 0, within: 0 } });
	});

	it('takes a seasonal average back to the sum of its years', () => {
		// 3 years averaging 10 (30 records) against 20 now: Binomial(50, ¼), P(X ≥ 20) = 0.013918 (Σ C(50, k) ¼^k ¾^(50−k), k = 20…50).
		const p = changePValue(20, 30, 3);
		expect(p).toBeCloseTo(2 * 0.013918, 5);
		expect(changeChance([{ n: 20, comparison: 10 }], 3).rises.beyond).toBe(1);
	});
});
