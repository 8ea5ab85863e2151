/**
 * Rolling-origin backtests (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF
 * 16(4):437–450): at each origin o, every method is fitted on the series before o only and
 * forecasts the next `horizon` steps, which are compared with what happened. Scores per method:
 *
 * - MAE: mean absolute error over all forecast points.
 * - MASE (Hyndman & Koehler 2006, "Another look at measures of forecast accuracy", IJF
 *   22(4):679–688, eq. for seasonal series): each error divided by the in-sample MAE of the
 *   one-season-back naive forecast on the history before its origin,
 *   q = e / ((1/(o − m)) Σ_{t=m}^{o−1} |y_t − y_{t−m}|), and MASE = mean |q|. Below 1: better
 *   than the seasonal naive method was in-sample. Origins whose scale is 0 (a history that
 *   repeats exactly, e.g. all zeros) are left out of MASE.
 * - relative MAE: MAE / MAE of the seasonal naive method on the same points (when it ran).
 * - coverage: share of actual values inside the 80% and 95% intervals (ends included).
 *
 * The method with the lowest MASE wins; MASE values equal when rounded to `decimals` places are a
 * tie, resolved by simplicity (the order of FORECAST_METHODS).
 */
import { forecastSeries, head, type Forecast } from './forecast';
import { FORECAST_METHODS, minHistory, type ForecastMethodName, type MethodOptions } from './methods';

export interface BacktestOptions {
	/** Season length in steps (168, 12 or 1). */
	period: number;
	/** Steps forecast from each origin. */
	horizon: number;
	/** Origins, as indices into the series: forecast series[o … o + horizon) from series[0 … o). */
	origins: readonly number[];
	/** Methods to compare; default every method. */
	methods?: readonly ForecastMethodName[];
	methodOptions?: Partial<MethodOptions>;
	/** Passed to forecastSeries (dispersion calibration inside each origin's history). */
	calibrationOrigins?: number;
}

export interface BacktestScore {
	method: ForecastMethodName;
	/** Origins evaluated (all of them, or 0 when the method could not run). */
	origins: number;
	/** Forecast points compared. */
	points: number;
	mae: number | null;
	mase: number | null;
	relativeMae: number | null;
	/** Mean of forecast − actual (positive: over-forecast). */
	bias: number | null;
	coverage80: number | null;
	coverage95: number | null;
	/** Mean width of the 80% interval, in counts. */
	width80: number | null;
	/** Wall time for all origins, seconds. */
	seconds: number;
	/** Why the method was not scored (history too short …); null when it was. */
	skipped: string | null;
}

export interface MethodChoice {
	method: ForecastMethodName | null;
	reason: string;
}

export interface BacktestResult {
	period: number;
	horizon: number;
	origins: number[];
	scores: BacktestScore[];
	choice: MethodChoice;
}

/**
 * `count` origins, `step` apart (default: the horizon), the last one leaving exactly `horizon`
 * steps at the end of a series of `length` steps; ascending. Origins below `minOrigin` (default
 * 1) are dropped, so a short series yields fewer origins, possibly none.
 */
export function rollingOrigins(length: number, options: { horizon: number; count: number; step?: number; minOrigin?: number }): number[] {
	const step = options.step ?? options.horizon;
	const last = length - options.horizon;
	const out: number[] = [];
	for (let j = options.count - 1; j >= 0; j--) {
		const o = last - j * step;
		if (o >= (options.minOrigin ?? 1)) out.push(o);
	}
	return out;
}

/**
 * In-sample seasonal-naive MAE before each origin: (1/(o − m)) Σ_{t=m}^{o−1} |y_t − y_{t−m}|.
 * NaN when o ≤ m (no seasonal difference yet).
 */
export function naiveScales(series: ArrayLike<number>, period: number, origins: readonly number[]): number[] {
	const prefix = new Float64Array(series.length + 1);
	for (let t = 0; t < series.length; t++) prefix[t + 1] = prefix[t] + (t >= period ? Math.abs(series[t] - series[t - period]) : 0);
	return origins.map((o) => (o > period ? prefix[o] / (o - period) : NaN));
}

/**
 * Run the rolling-origin backtest of every requested method on `series` (counts, oldest first).
 * A method whose minimum history is longer than the first origin is reported as skipped with the
 * reason, never silently dropped. Throws a RangeError when an origin leaves fewer than `horizon`
 * steps after it or is not a positive integer.
 */
export function backtest(series: ArrayLike<number>, options: BacktestOptions): BacktestResult {
	const { period, horizon } = options;
	const origins = [...options.origins];
	for (const o of origins) {
		if (!Number.isInteger(o) || o < 1 || o + horizon > series.length) {
			throw new RangeError(`backtest: origin ${o} must be an integer ≥ 1 with ${horizon} steps after it in a series of ${series.length}`);
		}
	}
	const scales = naiveScales(series, period, origins);
	const methods = options.methods ?? FORECAST_METHODS;
	const scores: BacktestScore[] = methods.map((method) => {
		const started = performance.now();
		const need = minHistory(method, period);
		const first = origins.length ? Math.min(...origins) : 0;
		if (origins.length === 0 || first < need) {
			return emptyScore(method, origins.length === 0 ? 'no origins' : `needs ${need} steps of history before the first origin; has ${first}`, started);
		}
		let absSum = 0;
		let errSum = 0;
		let scaledSum = 0;
		let scaledPoints = 0;
		let in80 = 0;
		let in95 = 0;
		let width = 0;
		origins.forEach((o, i) => {
			const f = forecastSeries(head(series, o), {
				method,
				horizon,
				period,
				methodOptions: options.methodOptions,
				calibrationOrigins: options.calibrationOrigins
			});
			for (let h = 0; h < horizon; h++) {
				const y = series[o + h];
				const e = f.mean[h] - y;
				absSum += Math.abs(e);
				errSum += e;
				if (scales[i] > 0) {
					scaledSum += Math.abs(e) / scales[i];
					scaledPoints++;
				}
				if (y >= f.lo80[h] && y <= f.hi80[h]) in80++;
				if (y >= f.lo95[h] && y <= f.hi95[h]) in95++;
				width += f.hi80[h] - f.lo80[h];
			}
		});
		const points = origins.length * horizon;
		return {
			method,
			origins: origins.length,
			points,
			mae: absSum / points,
			mase: scaledPoints > 0 ? scaledSum / scaledPoints : null,
			relativeMae: null,
			bias: errSum / points,
			coverage80: in80 / points,
			coverage95: in95 / points,
			width80: width / points,
			seconds: (performance.now() - started) / 1000,
			skipped: null
		};
	});
	const naive = scores.find((s) => s.method === 'seasonal-naive' && s.mae !== null);
	if (naive && naive.mae! > 0) for (const s of scores) if (s.mae !== null) s.relativeMae = s.mae / naive.mae!;
	return { period, horizon, origins, scores, choice: chooseMethod(scores) };
}

/** The score of a method that could not run, with the reason; `started` is a performance.now() reading. */
export function emptyScore(method: ForecastMethodName, reason: string, started: number): BacktestScore {
	return {
		method,
		origins: 0,
		points: 0,
		mae: null,
		mase: null,
		relativeMae: null,
		bias: null,
		coverage80: null,
		coverage95: null,
		width80: null,
		seconds: (performance.now() - started) / 1000,
		skipped: reason
	};
}

/**
 * Pick the method with the lowest MASE; values equal after rounding to `decimals` (default 3)
 * are ties, won by the simplest method (FORECAST_METHODS order). When no method has a MASE (every
 * scale was 0) MAE is used the same way. No scored method: `method` is null and `reason` says why.
 */
export function chooseMethod(scores: readonly BacktestScore[], decimals = 3): MethodChoice {
	const scored = scores.filter((s) => s.skipped === null && s.mae !== null);
	if (scored.length === 0) return { method: null, reason: 'no method could be backtested (history too short for every method)' };
	const metric: 'mase' | 'mae' = scored.some((s) => s.mase !== null) ? 'mase' : 'mae';
	const round = (v: number) => Number(v.toFixed(decimals));
	const candidates = scored.filter((s) => s[metric] !== null);
	const best = Math.min(...candidates.map((s) => round(s[metric]!)));
	const tied = candidates.filter((s) => round(s[metric]!) === best);
	tied.sort((a, b) => FORECAST_METHODS.indexOf(a.method) - FORECAST_METHODS.indexOf(b.method));
	const winner = tied[0];
	const label = metric.toUpperCase();
	const reason =
		tied.length > 1
			? `lowest ${label} (${best.toFixed(decimals)}), tied with ${tied
					.slice(1)
					.map((s) => s.method)
					.join(', ')}; the simplest wins`
			: `lowest ${label} (${best.toFixed(decimals)}) over ${winner.origins} origin(s)`;
	return { method: winner.method, reason };
}

export interface ForecastWithBacktestOptions {
	/** Steps to forecast. */
	horizon: number;
	period: number;
	/** A method, or 'auto' (default) for the backtest's choice. */
	method?: ForecastMethodName | 'auto';
	/** Rolling origins inside the history for the backtest (default 8). 0 skips the backtest. */
	backtestOrigins?: number;
	/** Steps between backtest origins (default min(horizon, period)). */
	backtestStep?: number;
	methods?: readonly ForecastMethodName[];
	methodOptions?: Partial<MethodOptions>;
	calibrationOrigins?: number;
}

export interface ForecastWithBacktest {
	forecast: Forecast;
	/** The backtest inside the history (null when skipped or the history was too short for any origin). */
	backtest: BacktestResult | null;
	/** Which method was used and why (the backtest's choice, an override, or a fallback). */
	choice: MethodChoice;
}

/**
 * Backtest the methods on the end of `history` (origins inside it, so nothing after its end is
 * used), then forecast `horizon` steps with the chosen method, or the one asked for, whose
 * backtest accuracy is still reported. With 'auto' and a history too short to backtest, the
 * simplest method that can be fitted is used and `choice.reason` says so. Throws a RangeError
 * when no method can be fitted (history shorter than one season) or the requested one cannot.
 */
export function forecastWithBacktest(history: ArrayLike<number>, options: ForecastWithBacktestOptions): ForecastWithBacktest {
	const { horizon, period } = options;
	const methods = options.methods ?? FORECAST_METHODS;
	const count = options.backtestOrigins ?? 8;
	const step = options.backtestStep ?? Math.min(horizon, period);
	// Every method is scored on the same origins: those with enough history for all of them.
	const minOrigin = Math.max(period + 1, ...methods.map((m) => minHistory(m, period)));
	const origins = count > 0 ? rollingOrigins(history.length, { horizon, count, step, minOrigin }) : [];
	const result =
		origins.length > 0
			? backtest(history, { period, horizon, origins, methods, methodOptions: options.methodOptions, calibrationOrigins: options.calibrationOrigins })
			: null;
	let choice: MethodChoice;
	if (options.method && options.method !== 'auto') {
		choice = { method: options.method, reason: 'chosen by the user' + (result?.choice.method ? ` (the backtest would pick ${result.choice.method}: ${result.choice.reason})` : '') };
	} else if (result?.choice.method) {
		choice = result.choice;
	} else {
		const fallback = methods.find((m) => history.length >= minHistory(m, period));
		if (!fallback) throw new RangeError(`no forecasting method can use ${history.length} steps of history with period ${period} (the shortest needs ${period})`);
		choice = { method: fallback, reason: `history too short to backtest (${history.length} steps); the simplest method that fits` };
	}
	const forecast = forecastSeries(history, {
		method: choice.method!,
		horizon,
		period,
		methodOptions: options.methodOptions,
		calibrationOrigins: options.calibrationOrigins
	});
	return { forecast, backtest: result, choice };
}
