/**
 * The four forecasting methods, behind one interface: fit on a history of counts, then give
 * point forecasts (expected counts, never negative) for the next steps. Every method only needs
 * each step's position in the season (t mod period), so a series can start at any hour of the
 * week: hourly series use period 168 (hour of week), monthly series 12 (month of year), and
 * period 1 means "no season" (naive, recent mean, Holt's linear trend, log-linear trend).
 */
import { fitHoltWinters, holtWintersFilter, holtWintersForecast, holtWintersMinLength, type HoltWintersParams } from './holt-winters';
import type { SeriesCalendar } from './calendar';
import { fitNbRegression } from './nb-regression';
import { fitPoissonGlm } from './poisson-glm';
import { METHOD_NAMES, positionWords, seasonWord, stepsWords, trendWords } from './method-words';
import { listWords } from '../compare/periods';

export type ForecastMethodName = 'seasonal-naive' | 'seasonal-mean' | 'poisson' | 'holt-winters' | 'nb-regression' | 'combination';

/**
 * Every method, simplest first. "Simplest" is what a non-statistician can check by hand: the
 * same hour last week; the average of that hour over recent weeks; a fitted hour-of-week
 * profile with a trend; exponentially weighted level, trend and season. Ties in backtest
 * accuracy go to the earlier method in this list.
 */
export const FORECAST_METHODS: readonly ForecastMethodName[] = ['seasonal-naive', 'seasonal-mean', 'poisson', 'holt-winters', 'nb-regression', 'combination'];

/**
 * The methods of the monthly area panels (forecastAreaHarm, the THR Risk input): the first four.
 * The regression's calendar terms and the combination are built for hourly demand; a few dozen
 * months per area cannot support them.
 */
export const PANEL_METHODS: readonly ForecastMethodName[] = ['seasonal-naive', 'seasonal-mean', 'poisson', 'holt-winters'];

export const METHOD_LABELS: Record<ForecastMethodName, string> = {
	'seasonal-naive': 'Seasonal naive (same point last season)',
	'seasonal-mean': 'Seasonal mean of recent seasons',
	poisson: 'Poisson regression on season position with trend',
	'holt-winters': 'Holt–Winters additive exponential smoothing',
	'nb-regression': 'Negative binomial regression: hour of week, time of year, holidays, trend, recent level',
	combination: 'Combination: equal-weight mean of the seasonal mean and the regression'
};

/**
 * What each method uses, in plain words, for the page. For hourly series the seasonal mean is
 * the "mean of the same hour over the last 8 weeks" baseline (8 seasons of 168 hours).
 */
export const METHOD_USES: Record<ForecastMethodName, string> = {
	'seasonal-naive': 'the count at the same point one season earlier (for hourly series: the same hour last week)',
	'seasonal-mean': 'the mean count at the same point over recent seasons (for hourly series: the same hour over the last 8 weeks)',
	poisson: 'one rate per season position and a log-linear trend, fitted on the recent window',
	'holt-winters': 'an exponentially weighted level, trend and season',
	'nb-regression': 'one rate per hour of week (holidays as Sundays), a smooth yearly cycle, a trend and the recent level, with negative binomial spread',
	combination: 'the average of two forecasts that fail differently: the seasonal mean and the regression (M4/M5 competitions: simple combinations are hard to beat)'
};

/** Type guard for method names read from the command line or a URL. */
export function isForecastMethod(name: string): name is ForecastMethodName {
	return (FORECAST_METHODS as readonly string[]).includes(name);
}

export interface MethodOptions {
	/** Season length in steps: 168 for hour of week, 12 for month of year, 1 for none. */
	period: number;
	/** seasonal-mean: how many recent seasons to average (fewer if the history is shorter). */
	seasons: number;
	/** poisson: steps of history the regression is fitted on (the most recent ones). */
	poissonWindow: number;
	/** holt-winters: fixed smoothing parameters; estimated from the history when absent. */
	holtWintersParams?: HoltWintersParams;
	/** nb-regression: seasons of history it is fitted on (the most recent ones). */
	regressionSeasons: number;
	/** nb-regression: Fourier harmonics of the day of year (hourly series with a calendar only). */
	harmonics: number;
	/** nb-regression: seasons averaged for the recent-level term; 0 leaves the term out. */
	recentLevelSeasons: number;
	/** combination: the methods averaged with equal weights. */
	combine: readonly ForecastMethodName[];
	/** Dates of the series (start and public holidays); without it the regression has no calendar terms. */
	calendar?: SeriesCalendar;
}

/** One fitted parameter in plain words, for the page. */
export interface MethodParameter {
	name: string;
	value: number;
	/** e.g. "trend 1.2% a year". */
	meaning: string;
}

/**
 * Defaults by period, chosen before looking at any backtest: hourly (168) averages 8 weeks and
 * fits the regression on 12 weeks; monthly with a season (12) averages 3 years and regresses on
 * 36 months; without a season (1) averages 12 steps and regresses on 36; any other period
 * averages 4 seasons and regresses on 8.
 */
export function defaultMethodOptions(period: number): MethodOptions {
	if (!(Number.isInteger(period) && period >= 1)) throw new RangeError(`period must be a positive integer, got ${period}`);
	const regression = { harmonics: 3, recentLevelSeasons: 0, combine: ['seasonal-mean', 'nb-regression'] as const };
	if (period === 168) return { period, seasons: 8, poissonWindow: 12 * 168, regressionSeasons: 260, ...regression };
	if (period === 12) return { period, seasons: 3, poissonWindow: 36, regressionSeasons: 3, ...regression };
	if (period === 1) return { period, seasons: 12, poissonWindow: 36, regressionSeasons: 36, ...regression };
	return { period, seasons: 4, poissonWindow: 8 * period, regressionSeasons: 8, ...regression };
}

/** A fitted method: point forecasts plus what was estimated, for display. */
export interface FittedMethod {
	method: ForecastMethodName;
	/** Estimated or fixed parameters (e.g. alpha, beta, gamma; trend per season). */
	params: Record<string, number>;
	/**
	 * One sentence a reviewer can read, capitalised, without its full stop, steps named in words:
	 * "The mean of the same hour of the week over the last 8 weeks (fewer where the history is shorter)".
	 */
	detail: string;
	/** What the method uses, item by item in plain words. */
	uses: string[];
	/** The fitted (or fixed) parameters in plain words. */
	parameters: MethodParameter[];
	/** Expected value for each of the next `horizon` steps, clipped at 0. */
	forecast(horizon: number): Float64Array;
}

/**
 * Shortest history each method accepts, in steps: one season for the seasonal naive and mean;
 * two seasons for Holt–Winters (initialisation) and Poisson regression (a trend is only
 * identifiable with two observations of each season position).
 */
export function minHistory(method: ForecastMethodName, period: number): number {
	switch (method) {
		case 'seasonal-naive':
		case 'seasonal-mean':
			return period;
		case 'poisson':
		case 'nb-regression':
		case 'combination':
			return 2 * period;
		case 'holt-winters':
			return holtWintersMinLength(period);
	}
}

function checkHistory(method: ForecastMethodName, history: ArrayLike<number>, period: number) {
	const need = minHistory(method, period);
	if (history.length < need) {
		throw new RangeError(`${method} needs at least ${need} steps of history (period ${period}); got ${history.length}`);
	}
	for (let i = 0; i < history.length; i++) {
		if (!Number.isFinite(history[i]) || history[i] < 0) throw new RangeError(`${method}: history[${i}] = ${history[i]} is not a count (finite, ≥ 0)`);
	}
}

function seasonalMean(history: ArrayLike<number>, period: number, seasons: number, method: ForecastMethodName): FittedMethod {
	const n = history.length;
	return {
		method,
		params: { seasons },
		detail:
			seasons === 1
				? period === 1
					? 'The value one step earlier'
					: `The value at the same ${positionWords(period)} one ${seasonWord(period)} earlier`
				: period === 1
					? `The mean of the last ${stepsWords(seasons, 1)} (fewer where the history is shorter)`
					: `The mean of the same ${positionWords(period)} over the last ${seasons} ${seasonWord(period)}s (fewer where the history is shorter)`,
		uses: [seasons === 1 ? `the value ${period} step(s) earlier` : `the same season position in the last ${Math.min(seasons, Math.max(1, Math.floor(n / period)))} seasons`],
		parameters: [{ name: 'seasons', value: seasons, meaning: seasons === 1 ? 'one season back' : `average of up to ${seasons} seasons` }],
		forecast(horizon) {
			const out = new Float64Array(horizon);
			for (let h = 1; h <= horizon; h++) {
				// Most recent observed step with the same season position as step n − 1 + h.
				let t = n - 1 + h - period * Math.ceil(h / period);
				let sum = 0;
				let k = 0;
				for (; k < seasons && t >= 0; k++, t -= period) sum += history[t];
				out[h - 1] = sum / k;
			}
			return out;
		}
	};
}

/** Ridge λ on the Poisson trend coefficient (per season, log scale): prior N(0, 1/λ) = N(0, 1). */
export const POISSON_TREND_RIDGE = 1;

function poissonRegression(history: ArrayLike<number>, options: MethodOptions): FittedMethod {
	const { period } = options;
	const n = history.length;
	const window = Math.max(2 * period, Math.min(options.poissonWindow, n));
	const start = n - window;
	const centre = start + (window - 1) / 2;
	const y = new Array<number>(window);
	const factor = new Array<number>(window);
	const trend = new Array<number>(window);
	for (let i = 0; i < window; i++) {
		const t = start + i;
		y[i] = history[t];
		factor[i] = t % period;
		trend[i] = (t - centre) / period;
	}
	// A weak prior on the trend (N(0, 1) in log units per season) keeps it finite on sparse series.
	const fit = fitPoissonGlm({ y, factor, levels: period, covariates: [trend], ridge: POISSON_TREND_RIDGE });
	const slope = fit.covariateCoefficients[0] ?? 0;
	return {
		method: 'poisson',
		params: { trendPerSeason: slope, window, iterations: fit.iterations, converged: fit.converged ? 1 : 0 },
		detail: `Poisson regression on the ${positionWords(period)} with a trend of ${trendWords(Math.exp(slope))} a ${seasonWord(period)}, fitted to the last ${stepsWords(window, period)}`,
		uses: [`season position (t mod ${period})`, 'log-linear trend', `the last ${window} steps`],
		parameters: [
			{ name: 'trendPerSeason', value: slope, meaning: `trend ${trendWords(Math.exp(slope))} a ${seasonWord(period)}` },
			{ name: 'window', value: window, meaning: `fitted on the last ${stepsWords(window, period)}` }
		],
		forecast(horizon) {
			const out = new Float64Array(horizon);
			for (let h = 1; h <= horizon; h++) {
				const t = n - 1 + h;
				const a = fit.levelCoefficients[t % period];
				out[h - 1] = a === -Infinity ? 0 : Math.exp(a + slope * ((t - centre) / period));
			}
			return out;
		}
	};
}

function holtWinters(history: ArrayLike<number>, options: MethodOptions): FittedMethod {
	const { period } = options;
	const { params, state } = options.holtWintersParams
		? { params: options.holtWintersParams, state: holtWintersFilter(history, period, options.holtWintersParams) }
		: fitHoltWinters(history, period);
	return {
		method: 'holt-winters',
		params: { alpha: params.alpha, beta: params.beta, gamma: params.gamma },
		detail: `${period === 1 ? 'Holt’s linear trend (no season)' : 'Holt–Winters exponential smoothing'}: level α = ${params.alpha.toFixed(3)}, trend β = ${params.beta.toFixed(4)}${period === 1 ? '' : `, season γ = ${params.gamma.toFixed(3)}`}, ${options.holtWintersParams ? 'fixed in advance' : 'chosen by least squares on the history'}`,
		uses: ['the whole history, recent steps weighted most', period === 1 ? 'level and trend' : 'level, trend and season'],
		parameters: [
			{ name: 'alpha', value: params.alpha, meaning: `level smoothing α = ${params.alpha.toFixed(3)} (near 1: follows the latest steps)` },
			{ name: 'beta', value: params.beta, meaning: `trend smoothing β = ${params.beta.toFixed(4)}` },
			{ name: 'gamma', value: params.gamma, meaning: `season smoothing γ = ${params.gamma.toFixed(3)}` }
		],
		forecast(horizon) {
			const out = holtWintersForecast(state, period, horizon);
			// Additive smoothing can go below zero on low counts; a count cannot.
			for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
			return out;
		}
	};
}

/**
 * Fit `method` on `history` (counts per step, oldest first). Throws a RangeError naming the
 * method when the history is shorter than {@link minHistory} or holds a negative or non-finite
 * value. An all-zero history forecasts zeros with every method.
 */
export function fitMethod(method: ForecastMethodName, history: ArrayLike<number>, options: MethodOptions): FittedMethod {
	checkHistory(method, history, options.period);
	switch (method) {
		case 'seasonal-naive':
			return seasonalMean(history, options.period, 1, 'seasonal-naive');
		case 'seasonal-mean':
			return seasonalMean(history, options.period, options.seasons, 'seasonal-mean');
		case 'poisson':
			return poissonRegression(history, options);
		case 'holt-winters':
			return holtWinters(history, options);
		case 'nb-regression':
			return fitNbRegression(history, options);
		case 'combination':
			return combination(history, options);
	}
}

/**
 * Equal-weight mean of the point forecasts of `options.combine` (default the seasonal mean and
 * the regression). Equal weights, not fitted ones: the M4 and M5 competitions (Makridakis et
 * al. 2020, IJF 36(1):54–74; 2022, IJF 38(4):1346–1364) found simple combinations of simple
 * methods hard to beat, and estimated weights add noise (the "forecast combination puzzle",
 * Smith & Wallis 2009).
 */
function combination(history: ArrayLike<number>, options: MethodOptions): FittedMethod {
	const members = options.combine.filter((m) => m !== 'combination');
	if (members.length === 0) throw new RangeError('combination: no methods to combine');
	const fits = members.map((m) => fitMethod(m, history, options));
	const params: Record<string, number> = { members: fits.length };
	for (const f of fits) for (const [k, v] of Object.entries(f.params)) params[`${f.method}.${k}`] = v;
	return {
		method: 'combination',
		params,
		detail: `The equal-weight average of ${listWords(members.map((m) => METHOD_NAMES[m]))}`,
		// Each member named as the method list names it (METHOD_LABELS), never by its id.
		uses: fits.map((f) => `${METHOD_LABELS[f.method]} (weight 1/${fits.length}): ${f.uses.join(', ')}`),
		parameters: fits.flatMap((f) => f.parameters.map((p) => ({ ...p, name: `${f.method}.${p.name}`, meaning: `${METHOD_LABELS[f.method]}: ${p.meaning}` }))),
		forecast(horizon) {
			const out = new Float64Array(horizon);
			for (const f of fits) {
				const v = f.forecast(horizon);
				for (let i = 0; i < horizon; i++) out[i] += v[i] / fits.length;
			}
			return out;
		}
	};
}
