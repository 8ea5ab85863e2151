/**
 * Confidence intervals for the stop-and-search figures (95%, z = 1.959964).
 *
 * - Proportions (find rate, arrest rate, shares): the Wilson score interval (Wilson 1927,
 *   "Probable inference, the law of succession, and statistical inference", JASA 22:209–212),
 *   recommended over the Wald interval for small counts and rates near 0 or 1 (Agresti & Coull
 *   1998, Am. Stat. 52:119–126; Newcombe 1998, Stat. Med. 17:857–872).
 * - Ratio of two groups' search rates: the log risk-ratio interval of Katz et al. (1978,
 *   "Obtaining confidence intervals for the risk ratio in cohort studies", Biometrics 34:469–474):
 *   exp(ln RR ± z·√(1/a − 1/n₁ + 1/c − 1/n₂)), as BlackThrive's ExtractSS does for stop and search.
 *   It treats each group's searches as a share of its residents, so it is undefined when a count
 *   is 0 or a group has at least as many searches as residents (then the function says why).
 */

/** The 97.5th percentile of the standard normal distribution. */
export const Z95 = 1.959963984540054;

export interface Interval {
	lo: number;
	hi: number;
}

/**
 * Wilson score interval for x successes in n trials: centre (x + z²/2)/(n + z²), half-width
 * z·√(x(n−x)/n + z²/4)/(n + z²). Defined for 0 ≤ x ≤ n, n > 0 (0 and n give a bound at 0 or 1);
 * null for n = 0. Throws a RangeError for counts that are not integers with 0 ≤ x ≤ n.
 */
export function wilson(x: number, n: number, z = Z95): Interval | null {
	if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || x > n) throw new RangeError(`wilson: need integers 0 ≤ x ≤ n, got x=${x}, n=${n}`);
	if (n === 0) return null;
	const z2 = z * z;
	const centre = (x + z2 / 2) / (n + z2);
	const half = (z * Math.sqrt((x * (n - x)) / n + z2 / 4)) / (n + z2);
	return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

export type KatzResult = { ratio: number; lo: number; hi: number; note: null } | { ratio: number | null; lo: null; hi: null; note: string };

/**
 * Ratio of rates a/n1 ÷ c/n2 with the Katz log interval. a, c: events (searches); n1, n2: the
 * populations at risk (residents). Cases, in order:
 * - n1 or n2 is 0 or unknown: no ratio ("no residents …").
 * - c = 0: no ratio (division by zero).
 * - a = 0: ratio 0, no interval (the log of 0).
 * - a ≥ n1 or c ≥ n2: the ratio, but no interval (searches are not a share of residents).
 */
export function katzRatio(a: number, n1: number | null, c: number, n2: number | null, z = Z95): KatzResult {
	if (!n1 || !n2) return { ratio: null, lo: null, hi: null, note: 'no resident population to divide by' };
	if (c === 0) return { ratio: null, lo: null, hi: null, note: 'the reference group (White) has no searches, so there is nothing to compare with' };
	const ratio = a / n1 / (c / n2);
	if (a === 0) return { ratio, lo: null, hi: null, note: 'no searches in this group: the ratio is 0 and the log interval is undefined' };
	if (a >= n1 || c >= n2) {
		return {
			ratio,
			lo: null,
			hi: null,
			note: 'at least as many searches as residents in a group: searches are not a share of residents here, so the risk-ratio interval does not apply (most people searched are probably not residents)'
		};
	}
	const se = Math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2);
	const log = Math.log(ratio);
	return { ratio, lo: Math.exp(log - z * se), hi: Math.exp(log + z * se), note: null };
}
