/**
 * Numbers read back from a query. The runner already returns numbers (analytics/runner.ts type
 * policy); these turn its `Scalar`s into plain numbers with one contract everywhere.
 */
import type { Scalar } from '../runner';

/**
 * A query value as a number: a number as is; SQL NULL (or a missing value) as 0 — use it for
 * counts and sums, where "no rows" means zero; a boolean as 1/0; a numeric string as its value.
 * Throws a TypeError for anything that is not a number (NaN from text), rather than passing a
 * silent NaN on into a score.
 */
export function num(value: Scalar | undefined): number {
	if (typeof value === 'number') return value;
	if (value === null || value === undefined) return 0;
	const n = Number(value);
	if (Number.isNaN(n)) throw new TypeError(`expected a number, got ${JSON.stringify(value)}`);
	return n;
}

/** As {@link num}, but SQL NULL (or a missing value) stays null: for a figure that may be unknown. */
export function numOrNull(value: Scalar | undefined): number | null {
	return value === null || value === undefined ? null : num(value);
}
