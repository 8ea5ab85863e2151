/**
 * ckmeansBreaks (classes.ts) against its reference, simple-statistics' ckmeans: the same class
 * breaks (the last value of each cluster), exactly, over seeded random data with many ties and
 * without, every class count, and a map-sized layer (50,000 counts).
 */
import { describe, expect, it } from 'vitest';
import { ckmeans, quantileSorted } from 'simple-statistics';
import { ckmeansBreaks, classBreaks, sequentialColours, type ClassMethod } from './classes';

/** A seeded generator (Park–Miller), so a failure can be replayed. */
function generator(seed: number): () => number {
	let s = seed;
	return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const reference = (sorted: number[], k: number) => ckmeans(sorted, k).map((cluster) => cluster[cluster.length - 1]);

describe('ckmeansBreaks', () => {
	it('gives ckmeans’ breaks on random data: skewed counts with ties, spread doubles, few distinct values', () => {
		const random = generator(20261206);
		let cases = 0;
		for (let round = 0; round < 300; round++) {
			const n = 1 + Math.floor(random() * (round < 200 ? 60 : 3000));
			const kind = round % 3;
			const xs = Array.from({ length: n }, () =>
				kind === 0 ? Math.floor(random() ** 3 * 400) + 1 : kind === 1 ? (random() - 0.3) * 1e4 : Math.floor(random() * 4) * 2.5
			).sort((a, b) => a - b);
			for (let k = 1; k <= Math.min(8, n); k++) {
				expect(ckmeansBreaks(xs, k), JSON.stringify({ round, k })).toEqual(reference(xs, k));
				cases++;
			}
		}
		expect(cases).toBeGreaterThan(1500);
	});

	it('gives ckmeans’ breaks on a map-sized layer', () => {
		const random = generator(7);
		const xs = Array.from({ length: 50_000 }, () => Math.floor(random() ** 3 * 400) + 1).sort((a, b) => a - b);
		for (const k of [3, 5, 7]) expect(ckmeansBreaks(xs, k)).toEqual(reference(xs, k));
	});

	it('works by hand on a small case, and refuses more classes than values', () => {
		// {1,1,2} {10,11,12} {50}.
		expect(ckmeansBreaks([1, 1, 2, 10, 11, 12, 50], 3)).toEqual([2, 12, 50]);
		expect(ckmeansBreaks([4, 4, 4], 2)).toEqual([4]);
		expect(() => ckmeansBreaks([1, 2], 3)).toThrow();
	});
});

describe('classBreaks', () => {
	/** The classes as simple-statistics gives them: plain sort, distinct values by a Set, ckmeans or quantileSorted. */
	function referenceClasses(values: Array<number | null>, method: ClassMethod, k: number) {
		const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
		if (xs.length === 0) return { method, min: 0, breaks: [], colours: [] };
		const n = Math.max(1, Math.min(k, new Set(xs).size));
		let breaks = method === 'jenks' ? reference(xs, n) : Array.from({ length: n }, (_, i) => quantileSorted(xs, (i + 1) / n));
		breaks[breaks.length - 1] = xs[xs.length - 1];
		breaks = [...new Set(breaks)].sort((a, b) => a - b);
		return { method, min: xs[0], breaks, colours: sequentialColours(breaks.length) };
	}

	it('gives simple-statistics’ classes for values with nulls, non-finite values, ties and negative zero', () => {
		const random = generator(99);
		for (let round = 0; round < 200; round++) {
			const n = Math.floor(random() * 400);
			const values = Array.from({ length: n }, () => {
				const u = random();
				return u < 0.1 ? null : u < 0.13 ? NaN : u < 0.15 ? Infinity : u < 0.17 && round % 2 === 0 ? -0 : Math.floor(random() ** 2 * 50) * (round % 3 === 0 ? 0.37 : 1);
			});
			for (const method of ['jenks', 'quantile'] as const) {
				for (const k of [1, 3, 5]) {
					const got = classBreaks(values, method, k);
					const want = referenceClasses(values, method, k);
					expect(got, JSON.stringify({ round, method, k })).toEqual(want);
					expect(Object.is(got.min, -0)).toBe(Object.is(want.min, -0));
				}
			}
		}
	});
});
