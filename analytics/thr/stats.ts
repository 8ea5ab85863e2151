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
	for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) throw new RangeError('percentileRanks: a value is NaN');
	// Walk the values in ascending order (a radix sort of their bits, ties adjacent, −0 just before
	// +0); each run of equal values (===, so −0 and +0 are one) gets its percentile in one pass:
	// below = the run's start, tied others = its length − 1.
	const order = ascendingOrder(values);
	const denominator = n - 1;
	for (let j = 0; j < n; ) {
		const v = values[order[j]];
		let end = j + 1;
		while (end < n && values[order[end]] === v) end++;
		const below = j;
		const tiedOthers = end - j - 1;
		const counted = ties === 'mid-rank' ? below + tiedOthers / 2 : ties === 'min-rank' ? below : below + tiedOthers;
		const p = counted / denominator;
		for (let q = j; q < end; q++) out[order[q]] = p;
		j = end;
	}
	return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const RADIX = 1 << 16;
let radixCounts = new Uint32Array(RADIX + 1);

/**
 * Indices of `values` (no NaN) in ascending order of value: an LSD radix sort (16 bits a pass) of
 * each double's bits mapped so that unsigned order is numeric order (negative: every bit flipped;
 * otherwise the sign bit set). Equal values end up adjacent.
 */
function ascendingOrder(values: ArrayLike<number>): Uint32Array {
	return stableOrderBy(values, null);
}

/**
 * `initial` (a permutation of 0 … n − 1; null: 0, 1, …) re-sorted by ascending `values[i]`,
 * stably: indices with equal values keep their order in `initial`. So sorting by the least
 * significant key first and by each more significant key after gives the order by all keys.
 * −0 sorts just before +0 (add 0 to the values first to make them equal); no NaN (unchecked).
 * `initial` is not changed. Radix sort of the values' bits, as {@link percentileRanks} uses.
 */
export function stableOrderBy(values: ArrayLike<number>, initial: Uint32Array | null): Uint32Array {
	const n = values.length;
	const hi = new Uint32Array(n);
	const lo = new Uint32Array(n);
	const f = new Float64Array(1);
	const u = new Uint32Array(f.buffer);
	const [H, L] = LITTLE_ENDIAN ? [1, 0] : [0, 1];
	for (let i = 0; i < n; i++) {
		f[0] = values[i];
		const h = u[H];
		if (h & 0x80000000) {
			hi[i] = ~h >>> 0;
			lo[i] = ~u[L] >>> 0;
		} else {
			hi[i] = (h | 0x80000000) >>> 0;
			lo[i] = u[L];
		}
	}
	let order = initial ? Uint32Array.from(initial) : new Uint32Array(n);
	let next = new Uint32Array(n);
	if (!initial) for (let i = 0; i < n; i++) order[i] = i;
	const counts = radixCounts;
	for (let pass = 0; pass < 4; pass++) {
		const key = pass < 2 ? lo : hi;
		const shift = pass % 2 === 0 ? 0 : 16;
		counts.fill(0);
		for (let i = 0; i < n; i++) counts[((key[i] >>> shift) & 0xffff) + 1]++;
		// Every key has the same digit here: this pass would not move anything.
		if (counts[((key[0] >>> shift) & 0xffff) + 1] === n) continue;
		for (let d = 0; d < RADIX; d++) counts[d + 1] += counts[d];
		for (let j = 0; j < n; j++) {
			const i = order[j];
			next[counts[(key[i] >>> shift) & 0xffff]++] = i;
		}
		[order, next] = [next, order];
	}
	radixCounts = counts;
	return order;
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

/**
 * Regularised incomplete beta function I_x(a, b) = P(Beta(a, b) ≤ x), for a, b > 0 and x in
 * [0, 1], by the continued fraction of Numerical Recipes (§6.4, modified Lentz), on whichever side
 * of the mean converges fast (the other side as 1 − I_{1−x}(b, a)). Absolute error below about
 * 1e−14; tails far below that are computed directly and keep their relative precision when x lies
 * below the mean. Throws a RangeError outside the domain.
 */
export function incompleteBeta(x: number, a: number, b: number): number {
	if (!(a > 0 && b > 0)) throw new RangeError(`incompleteBeta: a and b must be > 0, got ${a}, ${b}`);
	if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta: x must be in [0, 1], got ${x}`);
	if (x === 0 || x === 1) return x;
	const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log1p(-x));
	return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
	const tiny = 1e-300;
	const qab = a + b;
	const qap = a + 1;
	const qam = a - 1;
	let c = 1;
	let d = 1 - (qab * x) / qap;
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 100_000; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const del = d * c;
		h *= del;
		if (Math.abs(del - 1) < 1e-16) return h;
	}
	throw new RangeError(`incompleteBeta: no convergence for a = ${a}, b = ${b}, x = ${x}`);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): 1 for k ≤ 0, 0 for k > n, else I_p(k, n − k + 1). n a whole
 * number ≥ 0, p in [0, 1].
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
	if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(k))) throw new RangeError(`binomialUpperTail: k and n must be whole numbers, n ≥ 0 (got k = ${k}, n = ${n})`);
	if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialUpperTail: p must be in [0, 1], got ${p}`);
	if (k <= 0) return 1;
	if (k > n) return 0;
	return incompleteBeta(p, k, n - k + 1);
}

/**
 * One-sided lower Clopper–Pearson confidence bound on a binomial proportion at `level` (e.g.
 * 0.95): the π_L with P(X ≥ k | n, π_L) = 1 − level, i.e. the (1 − level) quantile of
 * Beta(k, n − k + 1) (Clopper & Pearson 1934). 0 when k = 0; k = n gives (1 − level)^(1/n); k = 1
 * gives 1 − level^(1/n). Found by bisection on {@link binomialUpperTail} (increasing in π) down to
 * adjacent floating-point numbers.
 */
export function clopperPearsonLower(k: number, n: number, level: number): number {
	if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(k) && k >= 0 && k <= n)) throw new RangeError(`clopperPearsonLower: need whole numbers 0 ≤ k ≤ n, got k = ${k}, n = ${n}`);
	if (!(level > 0 && level < 1)) throw new RangeError(`clopperPearsonLower: level must be in (0, 1), got ${level}`);
	if (k === 0) return 0;
	const alpha = 1 - level;
	let lo = 0;
	let hi = 1;
	for (let i = 0; i < 2000; i++) {
		const mid = (lo + hi) / 2;
		if (mid <= lo || mid >= hi) break;
		if (binomialUpperTail(k, n, mid) < alpha) lo = mid;
		else hi = mid;
	}
	return hi;
}

/** What {@link credibleExcess} needs: the counts, the months they span, the expected harm and the level. */
export interface ExcessInput extends RateCounts {
	/** Harm "no change" predicts for the recent months (baseline harm × recent ÷ baseline months), CCHI days. */
	expectedHarm: number;
	/** Level of the one-sided lower bound, e.g. 0.95. */
	level: number;
}

/** The evidence for a rise and the credible excess harm it supports. */
export interface Excess {
	/** One-sided p-value for a rise: P(X ≥ r) with X ~ Binomial(r + b, R ÷ (R + B)); 1 when r = 0. */
	pOneSided: number;
	/** Lower bound θ_L of the recent-to-baseline incident-rate ratio; null when not computed (p ≥ 1 − level, so θ_L ≤ 1) or no counts. */
	thetaLower: number | null;
	/** max(0, θ_L − 1) × expectedHarm, CCHI days; exactly 0 when p ≥ 1 − level. */
	excess: number;
}

/**
 * Credible excess harm of one area (THR v3 Threat): with r recent and b baseline incidents over R
 * and B months, r | r + b ~ Binomial(r + b, R·θ ÷ (R·θ + B)) for the rate ratio θ (the exact
 * conditional test of two Poisson rates), so the one-sided lower bound on θ at `level` is
 * θ_L = π_L ÷ (1 − π_L) × B ÷ R with π_L the Clopper–Pearson lower bound on the proportion
 * ({@link clopperPearsonLower}). Excess = max(0, θ_L − 1) × expectedHarm.
 *
 * θ_L > 1 exactly when the one-sided p-value is below 1 − level (the bound and the test are
 * duals), so a change consistent with chance (p ≥ 1 − level) gives exactly 0 without computing
 * the bound; so does a fall, no counts, or no expected harm (no baseline harm).
 */
export function credibleExcess({ recent, baseline, recentMonths, baselineMonths, expectedHarm, level }: ExcessInput): Excess {
	if (!(recentMonths > 0 && baselineMonths > 0)) throw new RangeError(`credibleExcess: months must be > 0, got ${recentMonths} and ${baselineMonths}`);
	const n = recent + baseline;
	const pOneSided = binomialUpperTail(recent, n, recentMonths / (recentMonths + baselineMonths));
	if (!(pOneSided < 1 - level) || n === 0) return { pOneSided, thetaLower: null, excess: 0 };
	const pi = clopperPearsonLower(recent, n, level);
	const thetaLower = pi >= 1 ? Infinity : (pi / (1 - pi)) * (baselineMonths / recentMonths);
	return { pOneSided, thetaLower, excess: expectedHarm > 0 && thetaLower > 1 ? (thetaLower - 1) * expectedHarm : 0 };
}
