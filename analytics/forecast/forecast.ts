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
 * achieved, so a reader can see whether this works for their data. Because counts are discrete,
 * coverage is at least nominal and visibly above it at very small means.
 */
import { countInterval } from './distributions';
import { defaultMethodOptions, fitMethod, minHistory, type FittedMethod, type ForecastMethodName, type MethodOptions } from './methods';

export interface ForecastOptions {
	method: ForecastMethodName;
	/** Steps to forecast after the end of the history. */
	horizon: number;
	/** Season length in steps (168 hour of week, 12 month of year, 1 none). */
	period: number;
	/** Overrides of {@link defaultMethodOptions}. */
	methodOptions?: Partial<MethodOptions>;
	/** Earlier origins used to estimate the dispersion (default 4). 0 gives Poisson intervals. */
	calibrationOrigins?: number;
}

export interface Dispersion {
	/** Negative binomial size k; Infinity means Poisson (no overdispersion found or no errors to use). */
	size: number;
	/** Forecast errors the estimate rests on (0 when none were available). */
	points: number;
	/** How k was obtained. */
	basis: 'out-of-sample errors' | 'no history to calibrate: Poisson';
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
 * Forecast `horizon` steps after `history` (counts, oldest first) with `method`, with 80% and
 * 95% intervals (negative binomial quantiles, module note). Holt–Winters is refitted at the
 * calibration origins with the parameters estimated on the full history (a re-estimate per origin
 * would multiply the cost for little change).
 *
 * Edge cases: a history shorter than the method's minimum throws a RangeError naming it; an
 * all-zero history gives zeros everywhere (intervals [0, 0]); calibration origins that would
 * leave less than the minimum history are skipped, and with none left the intervals are Poisson
 * (`dispersion.basis` says so). horizon must be a positive integer.
 */
export function forecastSeries(history: ArrayLike<number>, options: ForecastOptions): Forecast {
	const { method, horizon, period } = options;
	if (!(Number.isInteger(horizon) && horizon >= 1)) throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
	const methodOptions = resolveOptions(period, options.methodOptions);
	const fitted = fitMethod(method, history, methodOptions);
	const mean = Array.from(fitted.forecast(horizon));
	const dispersion = calibrate(history, fitted, methodOptions, horizon, options.calibrationOrigins ?? 4);
	const lo80: number[] = [];
	const hi80: number[] = [];
	const lo95: number[] = [];
	const hi95: number[] = [];
	for (const mu of mean) {
		const q = countInterval(mu, dispersion.size);
		lo80.push(q.lo80);
		hi80.push(q.hi80);
		lo95.push(q.lo95);
		hi95.push(q.hi95);
	}
	return { method, period, mean, lo80, hi80, lo95, hi95, dispersion, params: fitted.params, detail: fitted.detail };
}

function calibrate(history: ArrayLike<number>, fitted: FittedMethod, options: MethodOptions, horizon: number, origins: number): Dispersion {
	const n = history.length;
	const need = minHistory(fitted.method, options.period);
	const actual: number[] = [];
	const mean: number[] = [];
	const calibrationOptions: MethodOptions =
		fitted.method === 'holt-winters'
			? { ...options, holtWintersParams: { alpha: fitted.params.alpha, beta: fitted.params.beta, gamma: fitted.params.gamma } }
			: options;
	for (let j = 1; j <= origins; j++) {
		const origin = n - j * horizon;
		if (origin < need) break;
		const past = head(history, origin);
		const f = fitMethod(fitted.method, past, calibrationOptions).forecast(horizon);
		for (let h = 0; h < horizon; h++) {
			actual.push(history[origin + h]);
			mean.push(f[h]);
		}
	}
	if (actual.length === 0) return { size: Infinity, points: 0, basis: 'no history to calibrate: Poisson' };
	return { size: estimateDispersion(actual, mean), points: actual.length, basis: 'out-of-sample errors' };
}

/** The first `length` values, without copying when the input is a typed array. */
export function head(values: ArrayLike<number>, length: number): ArrayLike<number> {
	if (ArrayBuffer.isView(values)) return (values as unknown as Float64Array).subarray(0, length);
	return Array.prototype.slice.call(values, 0, length) as number[];
}
