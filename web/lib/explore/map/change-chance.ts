/**
 * Which cells of the change layer changed by more than chance. A cell's records in the period
 * (n) and in the comparison period(s) (S, summed over the k years of a seasonal average, so
 * S = k × the mean) are, if its rate did not change, n ~ Binomial(n + S, 1 / (1 + k)): each of
 * the n + S records falls in the period with the period's share of the months. The exact
 * two-sided p-value, 2 × the smaller tail (at most 1), as R's `binom.test` with equal-tail
 * doubling; a rise or fall counts as beyond chance when p < 0.05. A cell going from 0 to 1, or
 * 12 to 17, is within chance; the legend's "rise" and "fall" say only the sign of the difference.
 * The test itself is analytics/compare/chance.ts, shared with the period comparison tables.
 */
import { CHANGE_ALPHA, changePValue } from '$analytics/compare/chance';

export interface ChangeChance {
	/** Cells with more records than the comparison, beyond chance (p < 0.05) and within it. */
	rises: { beyond: number; within: number };
	/** Cells with fewer records than the comparison, beyond chance and within it. */
	falls: { beyond: number; within: number };
}

/**
 * The cells that rose or fell, split by whether the change is beyond chance. `comparison` is the
 * comparison's records per cell (a seasonal average's mean), `years` the comparison periods used.
 */
export function changeChance(cells: ReadonlyArray<{ n: number; comparison: number | null }>, years: number): ChangeChance {
	const out: ChangeChance = { rises: { beyond: 0, within: 0 }, falls: { beyond: 0, within: 0 } };
	for (const c of cells) {
		if (c.comparison === null || c.n === c.comparison) continue;
		// The seasonal mean times its years gives back the integer sum of records it averages.
		const sum = Math.round(c.comparison * years);
		const beyond = changePValue(c.n, sum, years) < CHANGE_ALPHA;
		const side = c.n > c.comparison ? out.rises : out.falls;
		if (beyond) side.beyond++;
		else side.within++;
	}
	return out;
}
