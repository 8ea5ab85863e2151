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
 * - pinball loss (quantile score; Gneiting & Raftery 2007, JASA 102:359–378; the M5 uncertainty
 *   track's "scaled pinball loss", Makridakis et al. 2022): the interval ends are the 2.5%, 10%,
 *   90% and 97.5% quantile forecasts q_τ; loss (y − q)(τ − 1{y < q}), averaged over the four τ
 *   and every point; scaled, each divided by the same in-sample naive MAE as MASE. Lower is
 *   better; it rewards narrow intervals only while they still hold the actuals.
 *
 * The method with the lowest MASE wins; MASE values equal when rounded to `decimals` places are a
 * tie, resolved by simplicity (the order of FORECAST_METHODS).
 */
import { forecastSeries, head, pointForecast, type Forecast, type ForecastCache } from './forecast';
import { FORECAST_METHODS, METHOD_LABELS, METHOD_USES, minHistory, type ForecastMethodName, type MethodOptions, type MethodParameter } from './methods';

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
	/** Point forecasts already made on prefixes of this series, shared with other calls (see ForecastCache). */
	cache?: ForecastCache;
	/** Score point forecasts only (MAE, MASE, bias): no intervals, coverage or pinball (null). Enough to choose a method, and far cheaper. */
	pointsOnly?: boolean;
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
	/** Mean width of the 95% interval, in counts. */
	width95?: number | null;
	/** Mean pinball loss over the 2.5/10/90/97.5% quantiles (the interval ends), in counts. */
	pinball?: number | null;
	/** The same, each point divided by its origin's in-sample naive MAE (as MASE). */
	scaledPinball?: number | null;
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
		const cache = options.cache ?? new Map();
		if (options.pointsOnly) {
			const score = scoreForecasts(series, { method, horizon, origins, scales, started }, (o) => {
				const mean = Array.from(pointForecast(series, { method, origin: o, horizon, period, methodOptions: options.methodOptions, cache }));
				return { mean, lo80: mean, hi80: mean, lo95: mean, hi95: mean };
			});
			return { ...score, coverage80: null, coverage95: null, width80: null, width95: null, pinball: null, scaledPinball: null };
		}
		return scoreForecasts(series, { method, horizon, origins, scales, started }, (o) =>
			forecastSeries(head(series, o), { method, horizon, period, methodOptions: options.methodOptions, calibrationOrigins: options.calibrationOrigins, cache, explain: false })
		);
	});
	const naive = scores.find((s) => s.method === 'seasonal-naive' && s.mae !== null);
	if (naive && naive.mae! > 0) for (const s of scores) if (s.mae !== null) s.relativeMae = s.mae / naive.mae!;
	return { period, horizon, origins, scores, choice: chooseMethod(scores) };
}

/**
 * Score one forecast per origin against `series` (the accumulation behind {@link backtest}):
 * `forecastAt(o, i)` gives the forecast from origin o (the i-th); `scales` are the in-sample
 * naive MAEs before each origin (naiveScales). `method` labels the score.
 */
export function scoreForecasts(
	series: ArrayLike<number>,
	{ method, horizon, origins, scales, started }: { method: ForecastMethodName; horizon: number; origins: readonly number[]; scales: readonly number[]; started: number },
	forecastAt: (origin: number, index: number) => Pick<Forecast, 'mean' | 'lo80' | 'hi80' | 'lo95' | 'hi95'>
): BacktestScore {
	let absSum = 0;
	let errSum = 0;
	let scaledSum = 0;
	let scaledPoints = 0;
	let in80 = 0;
	let in95 = 0;
	let width = 0;
	let width95 = 0;
	let pinball = 0;
	let scaledPinball = 0;
	origins.forEach((o, i) => {
		const f = forecastAt(o, i);
		for (let h = 0; h < horizon; h++) {
			const y = series[o + h];
			const e = f.mean[h] - y;
			absSum += Math.abs(e);
			errSum += e;
			const p = (pinballLoss(y, f.lo95[h], 0.025) + pinballLoss(y, f.lo80[h], 0.1) + pinballLoss(y, f.hi80[h], 0.9) + pinballLoss(y, f.hi95[h], 0.975)) / 4;
			pinball += p;
			if (scales[i] > 0) {
				scaledSum += Math.abs(e) / scales[i];
				scaledPinball += p / scales[i];
				scaledPoints++;
			}
			if (y >= f.lo80[h] && y <= f.hi80[h]) in80++;
			if (y >= f.lo95[h] && y <= f.hi95[h]) in95++;
			width += f.hi80[h] - f.lo80[h];
			width95 += f.hi95[h] - f.lo95[h];
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
		width95: width95 / points,
		pinball: pinball / points,
		scaledPinball: scaledPoints > 0 ? scaledPinball / scaledPoints : null,
		seconds: (performance.now() - started) / 1000,
		skipped: null
	};
}

/** Pinball (quantile) loss of quantile forecast q at level tau for the actual y: (y − q)(τ − 1{y < q}). */
export function pinballLoss(y: number, q: number, tau: number): number {
	return (y - q) * (tau - (y < q ? 1 : 0));
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
		width95: null,
		pinball: null,
		scaledPinball: null,
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
			: `lowest ${label} (${best.toFixed(decimals)}) over ${winner.origins} forecast origin${winner.origins === 1 ? '' : 's'}`;
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
	/** Point forecasts already made on prefixes of this series (see ForecastCache). */
	cache?: ForecastCache;
}

/** Everything the page needs to explain a forecast, in plain words. */
export interface ForecastExplanation {
	method: ForecastMethodName;
	/** The method's name for people (METHOD_LABELS). */
	label: string;
	/** What it uses (METHOD_USES, then the fitted method's own items). */
	uses: string[];
	/** Fitted parameters in plain words. */
	parameters: MethodParameter[];
	/** Why this method: the backtest figures against the others, or "chosen by the user". */
	why: string;
	/** How the intervals were made and the coverage the backtest measured. */
	intervals: string;
}

export interface ForecastWithBacktest {
	/** The method's explanation (what it uses, its parameters, why it was chosen). */
	explanation: ForecastExplanation;
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
	const cache: ForecastCache = options.cache ?? new Map();
	const result =
		origins.length > 0
			? backtest(history, { period, horizon, origins, methods, methodOptions: options.methodOptions, calibrationOrigins: options.calibrationOrigins, cache })
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
		calibrationOrigins: options.calibrationOrigins,
		cache
	});
	return { forecast, backtest: result, choice, explanation: explainForecast(forecast, result, choice) };
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)}%`);
const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));

/**
 * The plain-words explanation of a forecast: what the method uses, its parameters, why it was
 * chosen (its backtest MASE against the 8-week same-hour mean and the other methods) and what its
 * intervals mean (the coverage the backtest measured).
 */
export function explainForecast(forecast: Forecast, result: BacktestResult | null, choice: MethodChoice): ForecastExplanation {
	const method = forecast.method;
	const mine = result?.scores.find((s) => s.method === method && s.skipped === null) ?? null;
	const baseline = result?.scores.find((s) => s.method === 'seasonal-mean' && s.skipped === null) ?? null;
	let why = choice.reason;
	if (mine && result) {
		why += `. Backtest over ${result.origins.length} forecast origin${result.origins.length === 1 ? '' : 's'}: ${mine.mase === null ? `MAE ${f3(mine.mae)} (no MASE: the history repeats exactly)` : `MASE ${f3(mine.mase)}`}`;
		if (baseline && method !== 'seasonal-mean' && mine.mase !== null && baseline.mase !== null && baseline.mase > 0) {
			const gain = 1 - mine.mase / baseline.mase;
			why += ` against ${f3(baseline.mase)} for the seasonal mean (${gain >= 0 ? `${(100 * gain).toFixed(1)}% lower` : `${(-100 * gain).toFixed(1)}% higher: it does not beat the baseline`})`;
		}
		const others = result.scores.filter((s) => s.skipped === null && s.method !== method && s.method !== 'seasonal-mean');
		if (others.length) why += `; others: ${others.map((s) => `${s.method} ${f3(s.mase ?? s.mae)}`).join(', ')}`;
	}
	const intervals = mine
		? `${forecast.intervals.rule}. In the backtest the 80% intervals held ${pct(mine.coverage80)} of the actual values and the 95% intervals ${pct(mine.coverage95)} (scaled pinball loss ${f3(mine.scaledPinball)}).`
		: `${forecast.intervals.rule}. No backtest coverage to report.`;
	return { method, label: METHOD_LABELS[method], uses: [METHOD_USES[method], ...forecast.uses], parameters: forecast.parameters, why, intervals };
}
