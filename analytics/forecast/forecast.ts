/**
 * Point forecasts with 80% and 95% prediction intervals, for any method.
 *
 * How the intervals are made: each forecast step is treated as a negative binomial count with
 * the method's point forecast as its mean and one dispersion ("size" k, variance μ + μ²/k) per
 * method and series. k is estimated from that method's own out-of-sample errors on the most
 * recent part of the history: the method is refitted at a few earlier origins (each using only
 * data before it) and forecasts the same horizon; the moment estimator
 *   1/k = Σ[(y − μ)² − μ] / Σ μ²
 * (the NB2 variance function; Cameron & Trivedi 2013, Regression Analysis of Count Data, 2nd ed.,
 * ch. 3) is then applied to those errors. 1/k ≤ 0 means no overdispersion: Poisson.
 *
 * Why this and not empirical quantiles of residuals: demand counts are small, skewed and their
 * spread grows with their level (the 03:00 hour is not the 23:00 hour). Pooled residual quantiles
 * would give every hour the same width, too wide at night and too narrow at the peak; a count
 * distribution scaled by each hour's mean keeps the intervals non-negative integers that widen
 * where demand is high, while the dispersion taken from genuine forecast errors (not in-sample
 * fit) carries the method's own inaccuracy into the width. The backtest reports the coverage
 * achieved, so a reader can see whether this works for their data.
 *
 * Calibration (conformal, Angelopoulos & Bates 2023, "Conformal prediction: a gentle
 * introduction", Found. Trends ML 16(4), §2 split conformal; Hyndman & Athanasopoulos, FPP3
 * §5.5 on intervals from forecast errors): the negative binomial fixes the *shape* (skewed,
 * widening with the mean); the *width* is then set by the same out-of-sample errors. For each
 * block of calibration points (hour-of-day band × horizon week) the central probability s of
 * the negative binomial interval is chosen, on a grid, so that the share of calibration actuals
 * inside it is closest to the nominal 80% or 95%. Nominal 80% may thus use, say, the NB's 74%
 * interval when the NB is too wide, or its 88% one when it is too narrow.
 *
 * Discreteness (the rounding rule): a count interval [l, u] cannot hit 80% exactly at small
 * means (with 1.7 events expected, [0, 3] covers 91% and [1, 3] 73%). The usual rule (smallest
 * x with F(x) ≥ p) always rounds outwards, so coverage creeps above nominal. Here each end is
 * rounded to the *nearest* probability instead: l is the count whose probability below it,
 * F(l − 1), is closest to (1 − s)/2, and u the count whose probability above it, 1 − F(u), is
 * closest to (1 − s)/2. Hours round up or down about equally often, and the calibration above
 * absorbs what remains, so coverage over many hours lands near nominal rather than above it.
 * With no calibration points the intervals are the plain NB (Poisson) quantiles, nearest-rounded.
 *
 * A forecast of exactly 0 (the seasonal naive method after a quiet hour, Holt–Winters clipped at
 * 0, the seasonal mean of a position with no events in its window): the NB around a mean of 0 is
 * a point mass at 0 at every level, so no calibration could widen it, and the calibration pushed
 * every other step of the block to the top of the grid trying (on the Chicago sample the seasonal
 * naive method forecast 0 in 2,051 of the 8,736 hours of 2017, 1,324 of which saw an assault;
 * its 95% intervals held 84.8%). Such a step gets [0, u] instead (split conformal on the group of
 * steps forecast 0: a "Mondrian" conformal predictor, Vovk, Gammerman & Shafer 2005,
 * Algorithmic Learning in a Random World): u is the count at or below which the nominal share of the actuals fell
 * at the block's calibration steps that were also forecast 0, topped up to MIN_ZERO_REFERENCE
 * with the lowest positive forecasts when fewer (nearest-share rounding, as above). The NB levels
 * are then chosen so the whole block, those steps counted by their own ends, reaches the nominal
 * share: where [0, 0] already held the zeros (u = 0) nothing changes.
 */
import { negativeBinomialQuantiles } from './distributions';
import { defaultMethodOptions, fitMethod, minHistory, type FittedMethod, type ForecastMethodName, type MethodOptions, type MethodParameter } from './methods';

/**
 * Point forecasts already computed on prefixes of ONE series, keyed by method, origin (the
 * prefix length) and horizon. A forecast from origin o reads only series[0 … o), so sharing it
 * between the backtest, the calibration of later origins and the method choice changes nothing
 * but the time taken. Never share a cache between different series or method options.
 */
export type ForecastCache = Map<string, Float64Array>;

export interface ForecastOptions {
	method: ForecastMethodName;
	/** Steps to forecast after the end of the history. */
	horizon: number;
	/** Season length in steps (168 hour of week, 12 month of year, 1 none). */
	period: number;
	/** Overrides of {@link defaultMethodOptions}. */
	methodOptions?: Partial<MethodOptions>;
	/** Earlier origins whose out-of-sample errors set the intervals (default {@link defaultCalibrationOrigins}). 0 gives uncalibrated NB/Poisson intervals. */
	calibrationOrigins?: number;
	/** Point forecasts already made on prefixes of this same series (see ForecastCache). */
	cache?: ForecastCache;
	/**
	 * false: only the forecast and its intervals are needed (a backtest), so a point forecast in
	 * the cache is used without refitting and `params`, `uses`, `parameters` and `detail` are
	 * left empty. Default true.
	 */
	explain?: boolean;
}

export interface Dispersion {
	/** Negative binomial size k; Infinity means Poisson (no overdispersion found or no errors to use). */
	size: number;
	/** Forecast errors the estimate rests on (0 when none were available). */
	points: number;
	/** How k was obtained. */
	basis: 'out-of-sample errors' | 'no history to calibrate: Poisson';
}

/** The calibrated central probability of one block of forecast steps. */
export interface IntervalBlock {
	/** e.g. "hours 00–07, week 1". */
	label: string;
	/** Hour-of-day band (0: 00–07, 1: 08–15, 2: 16–23), or null for all hours. */
	band: number | null;
	/** Horizon week (0 = first season ahead, 1 = later), or null for every step ahead. */
	week: number | null;
	/** Calibration points (actual, forecast pairs) in the block. */
	points: number;
	/** Central probability of the negative binomial used for the nominal 80% interval. */
	level80: number;
	level95: number;
	/** Share of the block's calibration actuals inside the chosen intervals (the zero-forecast rule's included). */
	coverage80: number | null;
	coverage95: number | null;
	/** Calibration points of the block whose forecast was 0 (the negative binomial levels are chosen on the others). */
	zeroPoints: number;
	/** Calibration points the upper ends of a zero forecast rest on: those forecast 0, topped up with the lowest forecasts to {@link MIN_ZERO_REFERENCE}. */
	zeroReference: number;
	/** Upper ends of the 80% and 95% intervals of a step forecast 0 (the lower ends are 0). */
	zeroHi80: number;
	zeroHi95: number;
}

/** How the intervals were made, for display ("what the 80% means"). */
export interface IntervalCalibration {
	rule: string;
	/** Calibration points in all. */
	points: number;
	blocks: IntervalBlock[];
}

export interface Forecast {
	method: ForecastMethodName;
	period: number;
	/** Expected count per step (≥ 0), length = horizon. */
	mean: number[];
	lo80: number[];
	hi80: number[];
	lo95: number[];
	hi95: number[];
	dispersion: Dispersion;
	params: Record<string, number>;
	detail: string;
	/** What the method uses, in plain words. */
	uses: string[];
	/** Its fitted parameters, in plain words. */
	parameters: MethodParameter[];
	/** How the intervals were calibrated. */
	intervals: IntervalCalibration;
}

/**
 * Moment estimate of the negative binomial size from pairs of actual counts and forecast means
 * (see the module note). Returns Infinity (Poisson) when there are no pairs, every mean is 0, or
 * the errors show no overdispersion.
 */
export function estimateDispersion(actual: ArrayLike<number>, mean: ArrayLike<number>): number {
	if (actual.length !== mean.length) throw new RangeError('estimateDispersion: actual and mean differ in length');
	let num = 0;
	let den = 0;
	for (let i = 0; i < actual.length; i++) {
		const e = actual[i] - mean[i];
		num += e * e - mean[i];
		den += mean[i] * mean[i];
	}
	if (den === 0 || num <= 0) return Infinity;
	return den / num;
}

function resolveOptions(period: number, overrides?: Partial<MethodOptions>): MethodOptions {
	return { ...defaultMethodOptions(period), ...overrides, period };
}

/**
 * Default calibration origins: about 8 seasons of errors (8 one-week horizons, 4 two-week
 * ones), never fewer than 4 nor more than 8 origins.
 */
export function defaultCalibrationOrigins(period: number, horizon: number): number {
	return Math.min(8, Math.max(4, Math.ceil((8 * period) / horizon)));
}

/**
 * Forecast `horizon` steps after `history` (counts, oldest first) with `method`, with 80% and
 * 95% intervals calibrated on the method's own out-of-sample errors at `calibrationOrigins`
 * earlier origins (module note). Holt–Winters is refitted at the calibration origins with the
 * parameters estimated on the full history (a re-estimate per origin would multiply the cost).
 *
 * Edge cases: a history shorter than the method's minimum throws a RangeError naming it; an
 * all-zero history gives zeros everywhere (intervals [0, 0]: every calibration actual was 0); calibration origins that would
 * leave less than the minimum history are skipped, and with none left the intervals are
 * Poisson (`dispersion.basis` says so). horizon must be a positive integer.
 */
export function forecastSeries(history: ArrayLike<number>, options: ForecastOptions): Forecast {
	const { method, horizon, period } = options;
	if (!(Number.isInteger(horizon) && horizon >= 1)) throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
	const methodOptions = resolveOptions(period, options.methodOptions);
	const lean = options.explain === false && method !== 'holt-winters';
	const fitted: FittedMethod = lean
		? { method, params: {}, detail: '', uses: [], parameters: [], forecast: (h) => pointForecast(history, { method, origin: history.length, horizon: h, period, methodOptions, cache: options.cache }) }
		: fitMethod(method, history, methodOptions);
	const mean = Array.from(fitted.forecast(horizon));
	options.cache?.set(cacheKey(method, history.length, horizon), Float64Array.from(mean));
	const origins = options.calibrationOrigins ?? defaultCalibrationOrigins(period, horizon);
	const { dispersion, calibration, blockOf } = calibrate(history, fitted, methodOptions, horizon, origins, options.cache);
	const lo80: number[] = [];
	const hi80: number[] = [];
	const lo95: number[] = [];
	const hi95: number[] = [];
	mean.forEach((mu, h) => {
		const b = calibration.blocks[blockOf(history.length + h, h)];
		// A forecast of 0 makes the negative binomial a point mass at 0: its ends come from the
		// out-of-sample errors of the earlier steps forecast 0 instead (module note).
		const i80: [number, number] = mu === 0 ? [0, b.zeroHi80] : nearestInterval(mu, dispersion.size, b.level80);
		const i95: [number, number] = mu === 0 ? [0, b.zeroHi95] : nearestInterval(mu, dispersion.size, b.level95);
		lo80.push(i80[0]);
		hi80.push(i80[1]);
		lo95.push(Math.min(i95[0], i80[0]));
		hi95.push(Math.max(i95[1], i80[1]));
	});
	return { method, period, mean, lo80, hi80, lo95, hi95, dispersion, params: fitted.params, detail: fitted.detail, uses: fitted.uses, parameters: fitted.parameters, intervals: calibration };
}

const cacheKey = (method: string, origin: number, horizon: number) => `${method}|${origin}|${horizon}`;

/**
 * The point forecast of `method` from `origin` (fitted on series[0 … origin) only), taken from
 * `cache` when it holds it, else computed and stored there. No intervals.
 */
export function pointForecast(
	series: ArrayLike<number>,
	{ method, origin, horizon, period, methodOptions, cache }: { method: ForecastMethodName; origin: number; horizon: number; period: number; methodOptions?: Partial<MethodOptions>; cache?: ForecastCache }
): Float64Array {
	const key = cacheKey(method, origin, horizon);
	const hit = cache?.get(key);
	if (hit) return hit;
	const options = resolveOptions(period, methodOptions);
	let f: Float64Array;
	if (method === 'combination' && cache) {
		// The equal-weight mean of the members' own (cached) forecasts: the same numbers as
		// fitMethod('combination'), without refitting the members.
		const members = options.combine.filter((m) => m !== 'combination');
		f = new Float64Array(horizon);
		for (const m of members) {
			const v = pointForecast(series, { method: m, origin, horizon, period, methodOptions, cache });
			for (let i = 0; i < horizon; i++) f[i] += v[i] / members.length;
		}
	} else f = fitMethod(method, head(series, origin), options).forecast(horizon);
	cache?.set(key, f);
	return f;
}

/** The probability table of one negative binomial count, F(0), F(1), … until 1 − F < 1e-6. */
function cdfTable(mean: number, size: number): Float64Array {
	const poisson = !Number.isFinite(size);
	const out: number[] = [];
	if (!(mean > 0)) return Float64Array.of(1);
	let logPmf = poisson ? -mean : size * Math.log(size / (size + mean));
	const logRatio = poisson ? Math.log(mean) : Math.log(mean / (size + mean));
	let cdf = Math.exp(logPmf);
	out.push(cdf);
	for (let x = 0; 1 - cdf > 1e-6 && x < 100_000; x++) {
		logPmf += logRatio + (poisson ? -Math.log(x + 1) : Math.log((x + size) / (x + 1)));
		cdf += Math.exp(logPmf);
		out.push(cdf);
	}
	return Float64Array.from(out);
}

/** Nearest-probability interval ends (module note) of a table F(0), F(1), … for central probability s. */
function nearestEnds(F: Float64Array, s: number): [number, number] {
	const tail = (1 - s) / 2;
	// l: F(l − 1) closest to tail (F(−1) = 0); ties go to the wider interval.
	let l = 0;
	let best = Math.abs(0 - tail);
	for (let x = 1; x < F.length; x++) {
		const d = Math.abs(F[x - 1] - tail);
		if (d < best) {
			best = d;
			l = x;
		} else if (F[x - 1] > tail) break;
	}
	// u: 1 − F(u) closest to tail.
	let u = F.length - 1;
	best = Math.abs(1 - F[u] - tail);
	for (let x = F.length - 2; x >= 0; x--) {
		const d = Math.abs(1 - F[x] - tail);
		if (d < best) {
			best = d;
			u = x;
		} else if (1 - F[x] > tail) break;
	}
	return l <= u ? [l, u] : [u, u];
}

/**
 * Central interval of a negative binomial count (mean, size; size Infinity = Poisson) with
 * central probability `level`, each end rounded to the nearest probability (module note).
 * Large means (> 10⁵) use the outward quantiles, where rounding no longer matters.
 */
export function nearestInterval(mean: number, size: number, level: number): [number, number] {
	if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`nearestInterval: mean must be a finite number ≥ 0, got ${mean}`);
	if (!(level > 0 && level < 1)) throw new RangeError(`nearestInterval: level must be between 0 and 1, got ${level}`);
	if (mean === 0) return [0, 0];
	if (mean > 1e5) {
		const [lo, hi] = negativeBinomialQuantiles([(1 - level) / 2, (1 + level) / 2], mean, size);
		return [lo, hi];
	}
	return nearestEnds(cdfTable(mean, size), level);
}

/** Grid of central probabilities the calibration chooses from. */
const LEVEL_GRID: number[] = (() => {
	const out: number[] = [];
	for (let s = 0.3; s < 0.9; s += 0.01) out.push(Number(s.toFixed(3)));
	for (let s = 0.9; s < 0.999; s += 0.0025) out.push(Number(s.toFixed(4)));
	out.push(0.999);
	return out;
})();

/** Hour-of-day band of step t: 0 (00–07), 1 (08–15), 2 (16–23); null for non-hourly series. */
function bandOf(period: number, options: MethodOptions): (t: number) => number | null {
	if (period !== 168) return () => null;
	const offset = options.calendar ? Number(options.calendar.start.slice(11, 13)) : 0;
	return (t) => Math.floor(((offset + t) % 24) / 8);
}

/** Minimum calibration points for a block of its own; fewer are pooled. */
const MIN_BLOCK_POINTS = 150;

/**
 * Fewest calibration points the upper ends of a zero forecast rest on: with fewer steps forecast
 * 0 in a block, those with the lowest positive forecasts are added (40 points resolve a share to
 * 2.5%, enough to tell 95% from 90%).
 */
export const MIN_ZERO_REFERENCE = 40;

/**
 * Upper ends of the 80% and 95% intervals [0, u] for a step forecast 0, from the actual counts
 * of the reference calibration steps: u is the count whose share of actuals at or below it is
 * nearest the nominal share (ties go to the wider interval), as the negative binomial ends are
 * rounded. No actuals: [0, 0].
 */
export function zeroForecastEnds(actuals: readonly number[]): { hi80: number; hi95: number; coverage80: number | null; coverage95: number | null } {
	if (actuals.length === 0) return { hi80: 0, hi95: 0, coverage80: null, coverage95: null };
	const sorted = [...actuals].sort((a, b) => a - b);
	const at = (nominal: number) => {
		let best = { u: 0, share: 0, d: Infinity };
		for (let i = 0; i < sorted.length; i++) {
			if (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) continue;
			const share = (i + 1) / sorted.length;
			const d = Math.abs(share - nominal);
			if (d <= best.d) best = { u: sorted[i], share, d };
			if (share >= nominal) break;
		}
		return best;
	};
	const e80 = at(0.8);
	const e95 = at(0.95);
	return e95.u >= e80.u
		? { hi80: e80.u, hi95: e95.u, coverage80: e80.share, coverage95: e95.share }
		: { hi80: e80.u, hi95: e80.u, coverage80: e80.share, coverage95: e80.share };
}

function calibrate(
	history: ArrayLike<number>,
	fitted: FittedMethod,
	options: MethodOptions,
	horizon: number,
	origins: number,
	cache: ForecastCache | undefined
): { dispersion: Dispersion; calibration: IntervalCalibration; blockOf: (t: number, h: number) => number } {
	const n = history.length;
	const { period } = options;
	const need = minHistory(fitted.method, period);
	const actual: number[] = [];
	const mean: number[] = [];
	const steps: number[] = [];
	const aheads: number[] = [];
	const fixedHoltWinters = fitted.method === 'holt-winters';
	const calibrationOptions: MethodOptions = fixedHoltWinters
		? { ...options, holtWintersParams: { alpha: fitted.params.alpha, beta: fitted.params.beta, gamma: fitted.params.gamma } }
		: options;
	for (let j = 1; j <= origins; j++) {
		const origin = n - j * horizon;
		if (origin < need) break;
		const f = fixedHoltWinters
			? fitMethod(fitted.method, head(history, origin), calibrationOptions).forecast(horizon)
			: pointForecast(history, { method: fitted.method, origin, horizon, period, methodOptions: options, cache });
		for (let h = 0; h < horizon; h++) {
			actual.push(history[origin + h]);
			mean.push(f[h]);
			steps.push(origin + h);
			aheads.push(h);
		}
	}
	const dispersion: Dispersion =
		actual.length === 0
			? { size: Infinity, points: 0, basis: 'no history to calibrate: Poisson' }
			: { size: estimateDispersion(actual, mean), points: actual.length, basis: 'out-of-sample errors' };
	const band = bandOf(period, options);
	const weekOf = (h: number) => (horizon > period ? (h < period ? 0 : 1) : null);
	// Blocks: every (band, week) present in the forecast; too few points → pooled over bands, then over everything.
	const keys = new Map<string, { band: number | null; week: number | null }>();
	for (let h = 0; h < horizon; h++) {
		const b = band(n + h);
		const w = weekOf(h);
		keys.set(`${b}|${w}`, { band: b, week: w });
	}
	const tables = mean.map((mu) => cdfTable(mu, dispersion.size));
	const fitBlock = (label: string, blk: { band: number | null; week: number | null }, all: number[]): IntervalBlock => {
		const none = { zeroPoints: 0, zeroReference: 0, zeroHi80: 0, zeroHi95: 0 };
		if (all.length === 0) return { label, ...blk, points: 0, level80: 0.8, level95: 0.95, coverage80: null, coverage95: null, ...none };
		// Steps forecast 0 get their own ends (zeroForecastEnds); the negative binomial levels are
		// then chosen so that the whole block, those steps counted as their own ends cover them,
		// reaches the nominal share (a block where the zeros were already covered keeps its levels).
		const members = all.filter((i) => mean[i] > 0);
		const zeros = all.filter((i) => mean[i] === 0);
		const reference = zeros.length >= MIN_ZERO_REFERENCE ? zeros : [...zeros, ...[...members].sort((i, j) => mean[i] - mean[j] || i - j).slice(0, MIN_ZERO_REFERENCE - zeros.length)];
		const zero = zeroForecastEnds(reference.map((i) => actual[i]));
		const zeroIn80 = zeros.filter((i) => actual[i] <= zero.hi80).length;
		const zeroIn95 = zeros.filter((i) => actual[i] <= zero.hi95).length;
		const zeroFields = { zeroPoints: zeros.length, zeroReference: reference.length, zeroHi80: zero.hi80, zeroHi95: zero.hi95 };
		if (members.length === 0) return { label, ...blk, points: all.length, level80: 0.8, level95: 0.95, coverage80: zeroIn80 / all.length, coverage95: zeroIn95 / all.length, ...zeroFields };
		const coverageWith = (s: number, zerosIn: number) => {
			let inside = zerosIn;
			for (const i of members) {
				const [l, u] = nearestEnds(tables[i], s);
				if (actual[i] >= l && actual[i] <= u) inside++;
			}
			return inside / all.length;
		};
		// Coverage never falls as s grows (both ends move outwards), so bisect for the first grid
		// level reaching the nominal share, then keep it or the one below, whichever is closer.
		const chooseLevel = (nominal: number, zerosIn: number) => {
			const coverageAt = (s: number) => coverageWith(s, zerosIn);
			let lo = 0;
			let hi = LEVEL_GRID.length - 1;
			const top = coverageAt(LEVEL_GRID[hi]);
			if (top < nominal) return { level: LEVEL_GRID[hi], coverage: top };
			let hiCoverage = top;
			while (lo < hi) {
				const mid = (lo + hi) >> 1;
				const c = coverageAt(LEVEL_GRID[mid]);
				if (c >= nominal) {
					hi = mid;
					hiCoverage = c;
				} else lo = mid + 1;
			}
			if (hi === 0) return { level: LEVEL_GRID[0], coverage: hiCoverage };
			const below = coverageAt(LEVEL_GRID[hi - 1]);
			return nominal - below < hiCoverage - nominal ? { level: LEVEL_GRID[hi - 1], coverage: below } : { level: LEVEL_GRID[hi], coverage: hiCoverage };
		};
		const c80 = chooseLevel(0.8, zeroIn80);
		const c95 = chooseLevel(0.95, zeroIn95);
		return {
			label,
			...blk,
			points: all.length,
			level80: c80.level,
			level95: Math.max(c95.level, c80.level),
			coverage80: c80.coverage,
			coverage95: c95.coverage,
			...zeroFields
		};
	};
	const bandLabel = (b: number | null) => (b === null ? 'all hours' : `hours ${String(8 * b).padStart(2, '0')}–${String(8 * b + 7).padStart(2, '0')}`);
	const weekLabel = (w: number | null) => (w === null ? '' : w === 0 ? ', first week ahead' : ', later weeks');
	const blocks: IntervalBlock[] = [];
	const index = new Map<string, number>();
	for (const [key, blk] of keys) {
		let members = actual.map((_, i) => i).filter((i) => band(steps[i]) === blk.band && weekOf(aheads[i]) === blk.week);
		let used = blk;
		if (members.length < MIN_BLOCK_POINTS) {
			used = { band: null, week: blk.week };
			members = actual.map((_, i) => i).filter((i) => weekOf(aheads[i]) === blk.week);
		}
		if (members.length < MIN_BLOCK_POINTS) {
			used = { band: null, week: null };
			members = actual.map((_, i) => i);
		}
		const usedKey = `${used.band}|${used.week}`;
		if (!index.has(usedKey)) {
			index.set(usedKey, blocks.length);
			blocks.push(fitBlock(`${bandLabel(used.band)}${weekLabel(used.week)}`.replace(/^all hours$/, 'all steps'), used, members));
		}
		index.set(key, index.get(usedKey)!);
	}
	const rule =
		actual.length === 0
			? 'no earlier forecasts to calibrate on: plain negative binomial (Poisson) quantiles, each end rounded to the nearest probability'
			: `negative binomial shape (size ${Number.isFinite(dispersion.size) ? dispersion.size.toFixed(2) : '∞'}), width set so that ${origins > 0 ? `the ${actual.length} out-of-sample errors of ${Math.round(actual.length / horizon)} earlier origins` : 'earlier errors'} are covered 80% and 95% of the time per block; ends rounded to the nearest probability. A step forecast 0, where the negative binomial would be a certain 0, gets [0, u] instead, u the count at or below which 80% (95%) of the actual counts fell in the earlier out-of-sample steps also forecast 0 (topped up to ${MIN_ZERO_REFERENCE} with the lowest forecasts)`;
	return {
		dispersion,
		calibration: { rule, points: actual.length, blocks },
		blockOf: (t, h) => index.get(`${band(t)}|${weekOf(h)}`)!
	};
}

/** The first `length` values, without copying when the input is a typed array. */
export function head(values: ArrayLike<number>, length: number): ArrayLike<number> {
	if (ArrayBuffer.isView(values)) return (values as unknown as Float64Array).subarray(0, length);
	return Array.prototype.slice.call(values, 0, length) as number[];
}
