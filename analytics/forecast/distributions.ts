/**
 * The predictive distributions behind every prediction interval: negative binomial counts, and
 * scaled counts for harm (a weighted sum of counts), with their quantile functions. Pure
 * numerics, no dependencies; tested against hand-worked values and SciPy.
 */

/**
 * Quantile of a negative binomial count with the given mean and size (the NB2 form used in
 * regression: variance = mean + mean² / size). size = Infinity gives the Poisson distribution.
 * Returns the smallest integer x with P(X ≤ x) ≥ p, so an interval [q(α/2), q(1 − α/2)] covers
 * at least 1 − α (counts are discrete: coverage is conservative, most visibly at small means).
 * mean = 0 gives 0 for every p < 1. p = 1 gives Infinity.
 */
export function negativeBinomialQuantile(p: number, mean: number, size: number): number {
	return negativeBinomialQuantiles([p], mean, size)[0];
}

/**
 * Several quantiles of one negative binomial in a single walk up the pmf (see
 * {@link negativeBinomialQuantile}); `ps` in any order, results in the same order.
 */
export function negativeBinomialQuantiles(ps: readonly number[], mean: number, size: number): number[] {
	for (const p of ps) if (!(p >= 0 && p <= 1)) throw new RangeError(`negativeBinomialQuantile: p must be in [0, 1], got ${p}`);
	if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`negativeBinomialQuantile: mean must be a finite number ≥ 0, got ${mean}`);
	if (!(size > 0)) throw new RangeError(`negativeBinomialQuantile: size must be > 0 (Infinity for Poisson), got ${size}`);
	const out = ps.map((p) => (p === 1 ? Infinity : 0));
	if (mean === 0) return out;
	const poisson = !Number.isFinite(size);
	if (mean > 1e6) {
		// Far beyond any count here; a normal approximation avoids a million-step sum.
		const sd = Math.sqrt(mean + (poisson ? 0 : (mean * mean) / size));
		return ps.map((p) => (p === 1 ? Infinity : Math.max(0, Math.ceil(mean + sd * normalQuantile(p) - 0.5))));
	}
	const order = ps.map((_, i) => i).filter((i) => ps[i] < 1).sort((i, j) => ps[i] - ps[j]);
	const sorted = order.map((i) => ps[i]);
	const at = new Array<number>(sorted.length);
	walkQuantiles(sorted, sorted.length, mean, size, at);
	order.forEach((i, k) => (out[i] = at[k]));
	return out;
}

/**
 * The pmf walk behind {@link negativeBinomialQuantiles}: for `ps[0 … count)` ascending, each < 1,
 * and 0 < mean ≤ 1e6, out[i] = the smallest x with P(X ≤ x) ≥ ps[i]. Every caller walks with
 * these same operations, so a quantile is the same double whichever function asked for it.
 * With `stop`, the walk ends after quantile `stop.index` when stop.value ≤ that quantile ×
 * stop.unit (the later quantiles are not needed then); returns how many quantiles were found.
 */
function walkQuantiles(ps: ArrayLike<number>, count: number, mean: number, size: number, out: { [i: number]: number }, stop?: { index: number; unit: number; value: number }): number {
	const poisson = !Number.isFinite(size);
	// Walk the pmf upwards in log space (it may underflow for large means before the bulk).
	let logPmf = poisson ? -mean : size * Math.log(size / (size + mean));
	const logRatio = poisson ? Math.log(mean) : Math.log(mean / (size + mean));
	let cdf = Math.exp(logPmf);
	let x = 0;
	for (let i = 0; i < count; i++) {
		const p = ps[i];
		while (cdf < p) {
			logPmf += logRatio + (poisson ? -Math.log(x + 1) : Math.log((x + size) / (x + 1)));
			x++;
			cdf += Math.exp(logPmf);
			if (x > 1e8) throw new RangeError('negativeBinomialQuantile: did not converge');
		}
		out[i] = x;
		// Stop early when the caller only needs to know that stop.value lies at or below this quantile (in units).
		if (stop && i === stop.index && stop.value <= x * stop.unit) return i + 1;
	}
	return count;
}

/**
 * Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.15e-9).
 * p = 0 → -Infinity, p = 1 → Infinity.
 */
export function normalQuantile(p: number): number {
	if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
	if (p === 0) return -Infinity;
	if (p === 1) return Infinity;
	const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
	const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
	const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
	const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
	const low = 0.02425;
	if (p < low) {
		const q = Math.sqrt(-2 * Math.log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - low) return -normalQuantile(1 - p);
	const q = p - 0.5;
	const r = q * q;
	return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface CountInterval {
	lo80: number;
	hi80: number;
	lo95: number;
	hi95: number;
}

/**
 * Central 80% and 95% intervals of a negative binomial count (size = Infinity: Poisson):
 * quantiles at 0.10/0.90 and 0.025/0.975. Integers, never negative.
 */
export function countInterval(mean: number, size: number): CountInterval {
	const [lo95, lo80, hi80, hi95] = negativeBinomialQuantiles([0.025, 0.1, 0.9, 0.975], mean, size);
	return { lo80, hi80, lo95, hi95 };
}

/**
 * Central 80% and 95% intervals of a non-negative quantity that moves in steps of `unit`, with
 * the given mean and a variance of `overdispersion × mean × unit`: the "scaled count"
 * approximation, harm ≈ unit × N with N negative binomial of mean mean / unit and variance
 * overdispersion × mean / unit (NB1; Poisson when overdispersion ≤ 1). For harm, unit is the
 * area's effective weight Σw²N / ΣwN, which matches the variance of a sum of Poisson counts
 * weighted by w (Σ w² λ); for counts unit = 1. The point mass at zero is kept (a continuous
 * approximation would put every observed 0 outside the interval). Quantiles are multiples of
 * `unit`. mean = 0 or unit = 0 gives [0, 0].
 */
export function scaledCountInterval(mean: number, unit: number, overdispersion: number): CountInterval {
	if (!(mean >= 0) || !(unit >= 0) || !(overdispersion > 0)) {
		throw new RangeError(`scaledCountInterval: mean and unit must be ≥ 0 and overdispersion > 0, got ${mean}, ${unit}, ${overdispersion}`);
	}
	if (mean === 0 || unit === 0) return { lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
	const mu = mean / unit;
	const size = overdispersion > 1 ? mu / (overdispersion - 1) : Infinity;
	const q = countInterval(mu, size);
	return { lo80: q.lo80 * unit, hi80: q.hi80 * unit, lo95: q.lo95 * unit, hi95: q.hi95 * unit };
}

/**
 * Central interval at any coverage `level` (0 < level < 1) of the scaled count described in
 * {@link scaledCountInterval}: [unit × q((1 − level)/2), unit × q((1 + level)/2)].
 */
export function scaledCountQuantiles({ mean, unit, overdispersion, level }: { mean: number; unit: number; overdispersion: number; level: number }): [number, number] {
	if (!(level > 0 && level < 1)) throw new RangeError(`interval level must be between 0 and 1, got ${level}`);
	if (!(mean >= 0) || !(unit >= 0) || !(overdispersion > 0)) {
		throw new RangeError(`scaledCountQuantiles: mean and unit must be ≥ 0 and overdispersion > 0, got ${mean}, ${unit}, ${overdispersion}`);
	}
	if (mean === 0 || unit === 0) return [0, 0];
	const mu = mean / unit;
	const size = overdispersion > 1 ? mu / (overdispersion - 1) : Infinity;
	const [lo, hi] = negativeBinomialQuantiles([(1 - level) / 2, (1 + level) / 2], mu, size);
	return [lo * unit, hi * unit];
}

/** {@link scaledCountCoverage}'s answer: is the actual inside the 80% and 95% intervals (ends included), and the 80% interval's width. */
export interface ScaledCountCoverage {
	in80: boolean;
	in95: boolean;
	width80: number;
}

const COVERAGE_PS = [0.025, 0.1, 0.9, 0.975];

/**
 * Whether `actual` lies inside the 80% and 95% intervals of {@link scaledCountInterval}(mean,
 * unit, overdispersion), ends included, and the 80% interval's width hi80 − lo80: the same
 * answers as computing that interval (same walk, same products), written into `out` (returned),
 * without walking to the 95% upper end when the actual is already at or below the 80% one (it is
 * then below the 95% end too). For backtests that score many points.
 */
export function scaledCountCoverage(actual: number, mean: number, unit: number, overdispersion: number, out: ScaledCountCoverage): ScaledCountCoverage {
	if (!(mean >= 0) || !(unit >= 0) || !(overdispersion > 0)) {
		throw new RangeError(`scaledCountInterval: mean and unit must be ≥ 0 and overdispersion > 0, got ${mean}, ${unit}, ${overdispersion}`);
	}
	if (mean === 0 || unit === 0) {
		out.in80 = out.in95 = actual >= 0 && actual <= 0;
		out.width80 = 0;
		return out;
	}
	const mu = mean / unit;
	const size = overdispersion > 1 ? mu / (overdispersion - 1) : Infinity;
	if (!(mu > 0 && mu <= 1e6 && size > 0)) {
		// Outside the walk (a normal approximation, or an argument negativeBinomialQuantiles rejects): the general path.
		const q = scaledCountInterval(mean, unit, overdispersion);
		out.in80 = actual >= q.lo80 && actual <= q.hi80;
		out.in95 = actual >= q.lo95 && actual <= q.hi95;
		out.width80 = q.hi80 - q.lo80;
		return out;
	}
	const q = coverageQuantiles;
	const found = walkQuantiles(COVERAGE_PS, 4, mu, size, q, coverageStop(actual, unit));
	const lo95 = q[0] * unit;
	const lo80 = q[1] * unit;
	const hi80 = q[2] * unit;
	out.in80 = actual >= lo80 && actual <= hi80;
	// Stopped after hi80: actual ≤ hi80 ≤ hi95.
	out.in95 = actual >= lo95 && (found === 3 || actual <= q[3] * unit);
	out.width80 = hi80 - lo80;
	return out;
}

const coverageQuantiles = [0, 0, 0, 0];
const coverageStopState = { index: 2, unit: 0, value: 0 };
function coverageStop(value: number, unit: number) {
	coverageStopState.unit = unit;
	coverageStopState.value = value;
	return coverageStopState;
}

/**
 * {@link scaledCountInterval} and {@link scaledCountQuantiles} at `level` for the same mean, unit
 * and overdispersion in one walk (the same values as calling both): out[0 … 3] = lo80, hi80,
 * lo95, hi95; out[4], out[5] = the `level` interval's ends. Throws as those two would.
 */
export function scaledCountIntervalAndQuantiles(mean: number, unit: number, overdispersion: number, level: number, out: Float64Array): Float64Array {
	if (!(mean >= 0) || !(unit >= 0) || !(overdispersion > 0)) {
		throw new RangeError(`scaledCountInterval: mean and unit must be ≥ 0 and overdispersion > 0, got ${mean}, ${unit}, ${overdispersion}`);
	}
	if (!(level > 0 && level < 1)) throw new RangeError(`interval level must be between 0 and 1, got ${level}`);
	if (mean === 0 || unit === 0) return out.fill(0);
	const mu = mean / unit;
	const size = overdispersion > 1 ? mu / (overdispersion - 1) : Infinity;
	// [0.025, 0.1, 0.9, 0.975] and the level's two ends, in one walk (each p's quantile does not depend on the others asked).
	const plan = walkPlan(level);
	if (plan && mu > 0 && mu <= 1e6 && size > 0) {
		const q = plan.found;
		walkQuantiles(plan.sorted, 6, mu, size, q);
		for (let j = 0; j < 6; j++) out[plan.slot[j]] = q[j] * unit;
		return out;
	}
	const q = negativeBinomialQuantiles([0.025, 0.1, 0.9, 0.975, (1 - level) / 2, (1 + level) / 2], mu, size);
	out[0] = q[1] * unit;
	out[1] = q[2] * unit;
	out[2] = q[0] * unit;
	out[3] = q[3] * unit;
	out[4] = q[4] * unit;
	out[5] = q[5] * unit;
	return out;
}

/** The six probabilities of {@link scaledCountIntervalAndQuantiles} for one level, ascending, and where each quantile goes in its output; null when one is 1 (an infinite end: the general path). */
let lastPlan: { level: number; sorted: number[]; slot: number[]; found: number[] } | null = null;
function walkPlan(level: number): { sorted: number[]; slot: number[]; found: number[] } | null {
	if (lastPlan?.level === level) return lastPlan;
	// Output slots: 0 lo80 (p 0.1), 1 hi80 (0.9), 2 lo95 (0.025), 3 hi95 (0.975), 4 and 5 the level's ends.
	const ps = [0.1, 0.9, 0.025, 0.975, (1 - level) / 2, (1 + level) / 2];
	if (ps.some((p) => !(p >= 0 && p < 1))) return null;
	// A stable sort, as negativeBinomialQuantiles orders them.
	const order = [2, 0, 1, 3, 4, 5].sort((i, j) => ps[i] - ps[j]);
	lastPlan = { level, sorted: order.map((i) => ps[i]), slot: order, found: [0, 0, 0, 0, 0, 0] };
	return lastPlan;
}
