/**
 * The statistics behind the THR components, as small pure functions: percentile ranks with a
 * declared tie rule, the empirical-Bayes shrinkage of momentum ratios, the two-rate Poisson
 * test, and Poisson quantiles for the stand-in Risk interval.
 */
import { errorFunction, gammaln } from 'simple-statistics';
import type { TieHandling } from './model';

/**
 * Percentile rank of every value among all the values: the share of the OTHER values that lie
 * below it, counting ties as the rule says — 'mid-rank': half of the other tied values count as
 * below, so p = (below + (tied − 1) / 2) / (N − 1); 'min-rank': none (DuckDB percent_rank);
 * 'max-rank': all. Results run from 0 (lowest) to 1 (highest). One value alone gets 0.5 under
 * every rule (no others to compare with); an empty input gives an empty array. Equal values
 * always get equal percentiles. NaN is refused (RangeError), since it has no rank.
 */
export function percentileRanks(values: ArrayLike<number>, ties: TieHandling): Float64Array {
	const n = values.length;
	const out = new Float64Array(n);
	if (n === 0) return out;
	if (n === 1) {
		out[0] = 0.5;
		return out;
	}
	const sorted = Float64Array.from(values);
	sorted.sort();
	if (Number.isNaN(sorted[n - 1])) throw new RangeError('percentileRanks: a value is NaN');
	// One pass over the sorted copy gives each distinct value its percentile; each input value
	// then needs one Map lookup (faster than a binary search here: ≈ 3.6M lookups per 36 months
	// of 33,000 areas and 3 components).
	const byValue = new Map<number, number>();
	const denominator = n - 1;
	for (let j = 0; j < n; ) {
		let end = j + 1;
		while (end < n && sorted[end] === sorted[j]) end++;
		const below = j;
		const tiedOthers = end - j - 1;
		const counted = ties === 'mid-rank' ? below + tiedOthers / 2 : ties === 'min-rank' ? below : below + tiedOthers;
		byValue.set(sorted[j], counted / denominator);
		j = end;
	}
	for (let i = 0; i < n; i++) out[i] = byValue.get(values[i])!;
	return out;
}

/** The shrinkage prior estimated for one month. */
export interface Shrinkage {
	/**
	 * Shape α of the Gamma(α, α) prior on each area's momentum (mean 1, variance 1/α), in
	 * incidents: an area's ratio is pulled towards 1 as if it had α extra incidents at exactly
	 * its baseline rate. Infinity when the counts show no variation beyond chance (every ratio
	 * becomes 1).
	 */
	alpha: number;
	/** Areas that informed the estimate (expected count > 0). */
	areas: number;
	/** Pearson statistic Σ (recent − expected)² / expected over those areas. */
	pearson: number;
	/** What the Pearson statistic would be from chance alone: areas × (1 + recent/baseline months). */
	chance: number;
	/** Σ expected counts over those areas. */
	expectedTotal: number;
}

/** What {@link estimateShrinkage} needs: one recent and one expected count per area. */
export interface ShrinkageInput {
	/** Recent count per area. */
	recent: ArrayLike<number>;
	/** Expected count per area (baseline count × recentMonths / baselineMonths). */
	expected: ArrayLike<number>;
	recentMonths: number;
	baselineMonths: number;
}

/**
 * Method-of-moments estimate of α from recent counts r and expected counts e = baseline count ×
 * recent / baseline months, one pair per area (Clayton & Kaldor 1987; Marshall 1991, adapted to
 * a prior centred on 1 — "no change").
 *
 * If momentum θ ~ Gamma(α, α) and r | θ ~ Poisson(μθ), with e itself a Poisson estimate of μ
 * from a baseline `baselineMonths / recentMonths` times as long, then
 * E[(r − e)² / e] ≈ 1 + recent/baseline + μ/α, so
 *   1/α = (Σ (r − e)²/e − k · (1 + recent/baseline)) / Σ e    over the k areas with e > 0.
 * A non-positive estimate (no variation beyond chance), or fewer than two informative areas,
 * gives α = Infinity. Areas with e = 0 do not inform α but are still shrunk by it.
 */
export function estimateShrinkage({ recent, expected, recentMonths, baselineMonths }: ShrinkageInput): Shrinkage {
	let pearson = 0;
	let expectedTotal = 0;
	let areas = 0;
	for (let i = 0; i < recent.length; i++) {
		const e = expected[i];
		if (!(e > 0)) continue;
		const d = recent[i] - e;
		pearson += (d * d) / e;
		expectedTotal += e;
		areas++;
	}
	const chance = areas * (1 + recentMonths / baselineMonths);
	const inverse = areas >= 2 ? (pearson - chance) / expectedTotal : 0;
	return { alpha: inverse > 0 ? 1 / inverse : Infinity, areas, pearson, chance, expectedTotal };
}

/**
 * Shrunk momentum ratio of one area, in harm terms:
 *   (recentHarm + α·w̄) / (expectedHarm + α·w̄),  w̄ = mean harm weight per incident in the window,
 * which is the Gamma–Poisson posterior mean (r + α)/(e + α) with counts measured in
 * "incidents of average weight". Edge cases: no incidents in the window, a zero mean weight, or
 * α = Infinity give exactly 1 (no evidence of change).
 */
export function shrunkRatio({ recentHarm, expectedHarm, meanWeight, alpha }: { recentHarm: number; expectedHarm: number; meanWeight: number; alpha: number }): number {
	if (!(meanWeight > 0) || alpha === Infinity) return 1;
	const prior = alpha * meanWeight;
	return (recentHarm + prior) / (expectedHarm + prior);
}

/** Counts over two periods of an area: the recent months and the baseline months before them. */
export interface RateCounts {
	recent: number;
	baseline: number;
	recentMonths: number;
	baselineMonths: number;
}

/**
 * z-score comparing a recent count r (over `recentMonths`) with a baseline count b (over
 * `baselineMonths`) as two Poisson rates, under "same rate": (r − b·R/B) / √(R·(r + b)/B).
 * Positive when the recent rate is higher. 0 when both counts are 0.
 */
export function rateRatioZ({ recent, baseline, recentMonths, baselineMonths }: RateCounts): number {
	if (recent + baseline === 0) return 0;
	return (recent - (baseline * recentMonths) / baselineMonths) / Math.sqrt((recentMonths * (recent + baseline)) / baselineMonths);
}

/**
 * Exact two-sided p-value for "the recent and baseline rates are equal": given n = r + b
 * incidents, r is Binomial(n, R / (R + B)) under that hypothesis (the conditional test of two
 * Poisson rates). p = min(1, 2 × the smaller tail). 1 when n = 0.
 */
export function rateRatioPValue({ recent, baseline, recentMonths, baselineMonths }: RateCounts): number {
	const n = recent + baseline;
	if (n === 0) return 1;
	const p = recentMonths / (recentMonths + baselineMonths);
	let upper = 0;
	let lower = 0;
	for (let k = 0; k <= n; k++) {
		const pk = Math.exp(logBinomial(n, k, p));
		if (k >= recent) upper += pk;
		if (k <= recent) lower += pk;
	}
	return Math.min(1, 2 * Math.min(upper, lower));
}

function logBinomial(n: number, k: number, p: number): number {
	return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** Standard normal cumulative probability (via simple-statistics' error function, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
	return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/**
 * Smallest k with P(X ≤ k) ≥ q for X ~ Poisson(mean). mean 0 gives 0. Summed outward from the
 * mode in linear space, so large means (> 745, where e^−mean underflows) work too. q must be in
 * (0, 1).
 */
export function poissonQuantile(q: number, mean: number): number {
	if (!(q > 0 && q < 1)) throw new RangeError(`poissonQuantile: q must be in (0, 1), got ${q}`);
	if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`poissonQuantile: mean must be a finite number ≥ 0, got ${mean}`);
	if (mean === 0) return 0;
	const mode = Math.floor(mean);
	const logAt = (k: number) => k * Math.log(mean) - mean - gammaln(k + 1);
	// Probabilities from the mode down to where they vanish, then the CDF upward from there.
	const pMode = Math.exp(logAt(mode));
	const below: number[] = [];
	let p = pMode;
	for (let k = mode; k > 0 && p > 1e-300; k--) {
		p = (p * k) / mean;
		below.push(p); // P(X = k − 1)
	}
	// Mass below the last term kept is < 1e-300: negligible.
	let cdf = 0;
	let start = mode - below.length;
	for (let i = below.length - 1; i >= 0; i--, start++) {
		cdf += below[i];
		if (cdf >= q) return start;
	}
	p = pMode;
	for (let k = mode; ; k++) {
		cdf += p;
		if (cdf >= q || p < 1e-300) return k;
		p = (p * mean) / (k + 1);
	}
}
