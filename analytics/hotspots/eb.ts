/**
 * Empirical-Bayes blend of short and long windows: the hot-spot method `eb-blend`.
 *
 * What it uses: the records per area in three windows ending at the origin — the last period
 * (one window length: last month, or the last 7/14/28 days), the last three periods, and the last
 * year (12 months or 365 days) — each turned into a rate per km² per time unit and shrunk towards
 * the region's mean rate by the Poisson–gamma empirical-Bayes estimator of Marshall (1991),
 * "Mapping disease and mortality rates using empirical Bayes estimators", Applied Statistics
 * 40:283–294 (method of moments for the gamma prior of Clayton & Kaldor 1987, Biometrics
 * 43:671–681):
 *
 *   r_i = y_i / n_i (n_i = km² × time units, the exposure), m = Σy / Σn,
 *   s² = Σ n_i (r_i − m)² / Σ n_i,  A = max(0, s² − m / n̄)  (n̄ the mean exposure),
 *   C_i = A / (A + m / n_i),  r̂_i = m + C_i (r_i − m).
 *
 * Small or quiet areas (small n_i) are pulled towards the mean most, so a single record in a tiny
 * cell does not make it a hot spot; a short window, being noisier, is shrunk harder than a long one.
 * The score is Σ_w β_w r̂_{w,i}: the three shrunk rates blended with weights β (on the grid
 * {0, ¼, ½, ¾, 1}, summing to 1). The weights are chosen by a backtest on origins strictly before
 * the origin being ranked (nested rolling origin): the K previous windows, each predicted from
 * the data before it, scored by the mean hit rate at the evaluation's area share. So a
 * prediction for a window reads nothing at or after its start, and the weights are never tuned
 * on the window they are judged on.
 *
 * Why: long windows are stable but slow to see change, short windows see change but are noisy;
 * shrinkage makes the short windows usable, and letting the data's own past choose the mix is
 * the "combination of simple methods chosen by backtest" the M4/M5 competitions favour.
 */

/** Shrunk rates of one window (Marshall 1991, global prior). */
export interface EbRates {
	/** r̂_i per area, in records per exposure unit. */
	rates: Float64Array;
	/** Prior mean m (records per exposure unit). */
	mean: number;
	/** Prior variance A (method of moments, floored at 0). */
	variance: number;
}

/**
 * Marshall's (1991) global empirical-Bayes rates: counts y_i over exposures n_i (> 0). Areas
 * with zero exposure get the prior mean. No records at all: every rate 0 (m = 0, A = 0).
 */
export function marshallEb(counts: ArrayLike<number>, exposures: ArrayLike<number>): EbRates {
	const k = counts.length;
	if (exposures.length !== k) throw new RangeError('marshallEb: counts and exposures differ in length');
	let sy = 0;
	let sn = 0;
	let areas = 0;
	for (let i = 0; i < k; i++) {
		if (!(exposures[i] >= 0) || !(counts[i] >= 0)) throw new RangeError(`marshallEb: negative or missing count or exposure at ${i}`);
		if (exposures[i] > 0) {
			sy += counts[i];
			sn += exposures[i];
			areas++;
		}
	}
	const rates = new Float64Array(k);
	if (sn === 0 || sy === 0) return { rates, mean: 0, variance: 0 };
	const m = sy / sn;
	let ss = 0;
	for (let i = 0; i < k; i++) if (exposures[i] > 0) ss += exposures[i] * (counts[i] / exposures[i] - m) ** 2;
	const s2 = ss / sn;
	const A = Math.max(0, s2 - m / (sn / areas));
	for (let i = 0; i < k; i++) {
		const n = exposures[i];
		if (n > 0) {
			const c = A / (A + m / n);
			rates[i] = m + c * (counts[i] / n - m);
		} else rates[i] = m;
	}
	return { rates, mean: m, variance: A };
}

/** Blend weights β over the three windows (last period, last three periods, last year). */
export type BlendWeights = readonly [number, number, number];

/** The weight grid searched: every (β1, β2, β3) on multiples of ¼ summing to 1; the 12-month-only blend first (kept on ties). */
export const BLEND_GRID: readonly BlendWeights[] = (() => {
	const out: BlendWeights[] = [];
	for (let c = 4; c >= 0; c--) for (let b = 4 - c; b >= 0; b--) out.push([(4 - c - b) / 4, b / 4, c / 4]);
	return out;
})();

/** Default weights when no earlier origin can be backtested: all on the last year. */
export const DEFAULT_BLEND: BlendWeights = [0, 0, 1];

/**
 * Records per area in consecutive time units, oldest first: `series[a][u]` is area a's records in
 * unit `start + u` (months or days). Units not held count 0.
 */
export interface UnitSeries {
	/** First unit held (month index or day number). */
	start: number;
	/** Units held. */
	length: number;
	/** Per area (region order), records per unit. */
	counts: Float64Array[];
	/** Per area, size in km² (1 for equal areas). */
	sizes: Float64Array;
	/** First unit with any data in the source (windows reaching before it are shortened). */
	dataStart: number;
}

/** Records of every area in units [from, to) (clamped to the series). */
export function windowCounts(s: UnitSeries, from: number, to: number): Float64Array {
	const a = Math.max(from, s.start) - s.start;
	const b = Math.min(to, s.start + s.length) - s.start;
	const out = new Float64Array(s.counts.length);
	if (b <= a) return out;
	for (let i = 0; i < s.counts.length; i++) {
		const c = s.counts[i];
		let t = 0;
		for (let u = a; u < b; u++) t += c[u];
		out[i] = t;
	}
	return out;
}

/**
 * The three shrunk rates (per km² per unit) of every area for a window starting at unit `origin`
 * of length `period` units, with a year of `year` units: windows [origin − span, origin), shortened
 * to the data's first unit. A window with no units before the origin gives zeros.
 */
export function ebComponents(s: UnitSeries, origin: number, period: number, year: number): Float64Array[] {
	return [period, 3 * period, year].map((span) => {
		const from = Math.max(origin - span, s.dataStart);
		const units = origin - from;
		if (units <= 0) return new Float64Array(s.counts.length);
		const y = windowCounts(s, from, origin);
		const n = Float64Array.from(s.sizes, (km2) => km2 * units);
		return marshallEb(y, n).rates;
	});
}

/** Σ_w β_w r̂_w per area. */
export function blend(components: readonly Float64Array[], w: BlendWeights): Float64Array {
	const out = new Float64Array(components[0].length);
	for (let c = 0; c < 3; c++) if (w[c] !== 0) for (let i = 0; i < out.length; i++) out[i] += w[c] * components[c][i];
	return out;
}

/**
 * Share of `actual` captured by the top areas (by `score`, equal scores one block cut pro rata)
 * covering share `share` of the total size: the hit rate of evaluate.ts, without the PEI*
 * optimum, for the inner backtest. null when there is nothing to capture.
 */
export function hitRateAt(score: ArrayLike<number>, actual: ArrayLike<number>, sizes: ArrayLike<number>, share: number): number | null {
	const k = score.length;
	let total = 0;
	let area = 0;
	for (let i = 0; i < k; i++) {
		total += actual[i];
		area += sizes[i];
	}
	if (total === 0 || area === 0) return null;
	const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => score[b] - score[a]);
	const target = share * area;
	let taken = 0;
	let got = 0;
	for (let i = 0; i < k; ) {
		let j = i;
		let bArea = 0;
		let bCrimes = 0;
		while (j < k && score[order[j]] === score[order[i]]) {
			bArea += sizes[order[j]];
			bCrimes += actual[order[j]];
			j++;
		}
		if (taken + bArea >= target) return (got + (bArea > 0 ? ((target - taken) / bArea) * bCrimes : 0)) / total;
		taken += bArea;
		got += bCrimes;
		i = j;
	}
	return got / total;
}

/**
 * Hit rates of every grid weighting at inner origins already backtested, by origin: valid for one
 * series, period, year and share (an evaluation's), and only ever holding windows before the
 * origin that first computed them, so sharing it across origins changes no result.
 */
export type BlendMemo = Map<number, (number | null)[]>;

export interface BlendChoice {
	weights: BlendWeights;
	/** The inner origins (units) the weights were chosen on, all before the origin; empty: the default. */
	tunedOn: number[];
	/** Mean inner hit rate of the chosen weights (null with no inner origin). */
	innerHitRate: number | null;
}

/**
 * Choose blend weights for a window starting at `origin` by a backtest on the `tuneOrigins`
 * previous windows (origin − j·period for j = 1 … tuneOrigins, each needing at least one unit of
 * data before it), at area share `share`: the grid weights with the highest mean hit rate (the
 * first on ties, the 12-month-only blend first). Reads only units before `origin`.
 */
export function chooseBlend(s: UnitSeries, origin: number, period: number, year: number, share: number, tuneOrigins: number, memo?: BlendMemo): BlendChoice {
	const inner: number[] = [];
	for (let j = tuneOrigins; j >= 1; j--) {
		const o = origin - j * period;
		if (o - 1 >= s.dataStart) inner.push(o);
	}
	const sums = new Float64Array(BLEND_GRID.length);
	let used = 0;
	for (const o of inner) {
		let hits = memo?.get(o);
		if (!hits) {
			const actual = windowCounts(s, o, o + period);
			const comps = ebComponents(s, o, period, year);
			hits = BLEND_GRID.map((w) => hitRateAt(blend(comps, w), actual, s.sizes, share));
			memo?.set(o, hits);
		}
		let any = false;
		hits.forEach((h, g) => {
			if (h !== null) {
				sums[g] += h;
				any = true;
			}
		});
		if (any) used++;
	}
	if (used === 0) return { weights: DEFAULT_BLEND, tunedOn: [], innerHitRate: null };
	let best = 0;
	for (let g = 1; g < BLEND_GRID.length; g++) if (sums[g] > sums[best] + 1e-12) best = g;
	return { weights: BLEND_GRID[best], tunedOn: inner, innerHitRate: sums[best] / used };
}

/** The eb-blend scores (per km² per unit) for the window at `origin`, with the weights chosen before it. */
export function ebBlendScores(s: UnitSeries, origin: number, period: number, year: number, share: number, tuneOrigins: number, memo?: BlendMemo): { scores: Float64Array; choice: BlendChoice } {
	const choice = chooseBlend(s, origin, period, year, share, tuneOrigins, memo);
	return { scores: blend(ebComponents(s, origin, period, year), choice.weights), choice };
}
