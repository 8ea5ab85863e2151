/**
 * The first `k` items of `items` in the order of `compare`: the same items, in the same order,
 * as `[...items].sort(compare).slice(0, k)` when `compare` is a strict total order (no two items
 * compare equal), without sorting them all: one comparison with the k-th so far per item, and a
 * binary insertion for the few that come before it. For a table shown a page at a time over many
 * rows (the Map's cells table: 50,000 cells nationally, 50 shown).
 */
export function firstSorted<T>(items: readonly T[], compare: (a: T, b: T) => number, k: number): T[] {
	if (k <= 0) return [];
	if (k * 8 >= items.length) return [...items].sort(compare).slice(0, k);
	const top: T[] = [];
	for (const item of items) {
		if (top.length === k && compare(item, top[k - 1]) >= 0) continue;
		let lo = 0;
		let hi = top.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (compare(top[mid], item) <= 0) lo = mid + 1;
			else hi = mid;
		}
		top.splice(lo, 0, item);
		if (top.length > k) top.pop();
	}
	return top;
}
