/**
 * firstSorted against a full sort: the same first k items in the same order, over seeded random
 * rows shaped like the cells table's (numbers with ties and nulls, broken by a unique id).
 */
import { describe, expect, it } from 'vitest';
import { firstSorted } from './first-sorted';

interface R {
	id: string;
	v: number | null;
}

/** The cells table's order: value descending, nulls last, ties by id. */
const byValue = (a: R, b: R) => {
	if (a.v === null && b.v !== null) return 1;
	if (b.v === null && a.v !== null) return -1;
	if (a.v !== null && b.v !== null && a.v !== b.v) return a.v < b.v ? 1 : -1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

describe('firstSorted', () => {
	it('gives the first k of a full sort, for every k, over rows with ties and nulls', () => {
		let s = 11;
		const random = () => (s = (s * 16807) % 2147483647) / 2147483647;
		for (let round = 0; round < 40; round++) {
			const n = Math.floor(random() * 3000);
			const rows: R[] = Array.from({ length: n }, (_, i) => ({ id: `c${(i * 7919) % 100003}`, v: random() < 0.1 ? null : Math.floor(random() * 20) }));
			const full = [...rows].sort(byValue);
			for (const k of [0, 1, 5, 50, 100, 400, n, n + 10]) expect(firstSorted(rows, byValue, k), JSON.stringify({ round, k })).toEqual(full.slice(0, Math.max(0, k)));
		}
	});

	it('does not change its input', () => {
		const rows: R[] = [{ id: 'b', v: 1 }, { id: 'a', v: 2 }, { id: 'c', v: null }];
		const copy = [...rows];
		expect(firstSorted(rows, byValue, 2)).toEqual([{ id: 'a', v: 2 }, { id: 'b', v: 1 }]);
		expect(rows).toEqual(copy);
	});
});
