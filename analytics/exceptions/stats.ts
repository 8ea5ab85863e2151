/**
 * The statistics of the exception report: exact binomial and beta-binomial tails summed in log
 * space. Pure functions, no database.
 *
 * Why these: with a count `c` in the chosen period and `b` over the same calendar months of `k`
 * earlier years, "no change" for Poisson counts means c | c + b ~ Binomial(c + b, 1 / (1 + k))
 * (the conditional test for two Poisson rates: Przyborowski & Wilenski 1940; Krishnamoorthy &
 * Thomson 2004). When the counts are overdispersed (negative binomial with a common shape), the
 * same conditioning gives a beta-binomial; `betaBinomialUpperTail` is that version.
 * Benjamini–Hochberg q-values are analytics/clusters' `benjaminiHochberg` (tested there against
 * the paper's worked example).
 */
import { gammaln } from 'simple-statistics';

function logChoose(n: number, k: number): number {
	return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
}

function checkCounts(k: number, n: number) {
	if (!Number.isInteger(n) || n < 0) throw new RangeError(`trials must be a whole number ≥ 0, got ${n}`);
	if (!Number.isInteger(k)) throw new RangeError(`successes must be a whole number, got ${k}`);
}

/** log Σ exp(terms), without overflow; −Infinity for no terms. */
function logSumExp(terms: number[]): number {
	if (terms.length === 0) return -Infinity;
	let max = -Infinity;
	for (const t of terms) if (t > max) max = t;
	if (max === -Infinity) return -Infinity;
	let s = 0;
	for (const t of terms) s += Math.exp(t - max);
	return max + Math.log(s);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): the one-sided p-value of R's `binom.test(k, n, p, "greater")`.
 * Summed term by term in log space from k upwards (each term from the one before by the ratio
 * (n − x)/(x + 1) · p/(1 − p)), so tails as small as 1e-300 keep their relative precision.
 * k ≤ 0 gives 1; k > n gives 0. p must lie in [0, 1].
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
	checkCounts(k, n);
	if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
	if (k <= 0) return 1;
	if (k > n) return 0;
	if (p === 0) return 0;
	if (p === 1) return 1;
	const logRatio = Math.log(p) - Math.log1p(-p);
	let term = logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
	const terms = [term];
	let largest = term;
	for (let x = k; x < n; x++) {
		term += Math.log(n - x) - Math.log(x + 1) + logRatio;
		terms.push(term);
		largest = Math.max(largest, term);
		// Past the mode the terms only fall; once a term is e^-50 of the largest, the rest (fewer
		// than n of them) change the sum by less than n·2e-22 of it.
		if (x + 1 > n * p && term < largest - 50) break;
	}
	return Math.min(1, Math.exp(logSumExp(terms)));
}

/** P(X ≤ k) for X ~ Binomial(n, p) (R's `binom.test(k, n, p, "less")`): the upper tail of n − k under 1 − p. */
export function binomialLowerTail(k: number, n: number, p: number): number {
	checkCounts(k, n);
	return binomialUpperTail(n - k, n, 1 - p);
}

/**
 * P(X ≥ k) for X ~ BetaBinomial(n, α, β) (mean n·α/(α + β)): the conditional distribution of c
 * given c + b when c and b are negative-binomial counts with a common shape. Summed term by term
 * in log space. k ≤ 0 gives 1; k > n gives 0; α, β must be > 0.
 */
export function betaBinomialUpperTail(k: number, n: number, alpha: number, beta: number): number {
	checkCounts(k, n);
	if (!(alpha > 0 && beta > 0)) throw new RangeError(`beta-binomial shapes must be > 0, got ${alpha}, ${beta}`);
	if (k <= 0) return 1;
	if (k > n) return 0;
	const logBeta = (a: number, b: number) => gammaln(a) + gammaln(b) - gammaln(a + b);
	const base = logBeta(alpha, beta);
	const terms: number[] = [];
	for (let x = k; x <= n; x++) terms.push(logChoose(n, x) + logBeta(x + alpha, n - x + beta) - base);
	return Math.min(1, Math.exp(logSumExp(terms)));
}

/** P(X ≤ k) for X ~ BetaBinomial(n, α, β): the upper tail of n − k with the shapes swapped. */
export function betaBinomialLowerTail(k: number, n: number, alpha: number, beta: number): number {
	checkCounts(k, n);
	return betaBinomialUpperTail(n - k, n, beta, alpha);
}
