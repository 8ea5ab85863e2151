/**
 * The held-out evaluation of hourly demand forecasts (issue 12's "Done means"): a rolling-origin
 * backtest over a set of evaluation origins (e.g. every Monday 00:00 of 2017) of every method,
 * plus the automatic choice made as the product makes it — and nothing else.
 *
 * Honesty rules, enforced by construction:
 * - every forecast from origin o is fitted on series[0 … o) only (forecastSeries on a prefix);
 * - its interval calibration uses earlier origins inside that prefix only (forecastSeries);
 * - 'auto' at origin o is the method that wins a backtest over `selectionOrigins` weekly origins
 *   strictly before o (forecastWithBacktest's rule, run on series[0 … o)), so the method choice
 *   never sees the week it is scored on, nor any later one.
 * Tested: appending data after the last evaluation week changes no figure.
 */
import { backtest, naiveScales, rollingOrigins, scoreForecasts, type BacktestOptions, type BacktestScore, type MethodChoice } from './backtest';
import { forecastSeries, head, type ForecastCache } from './forecast';
import { FORECAST_METHODS, minHistory, type ForecastMethodName, type MethodOptions } from './methods';

/** The backtest's options (origins here are the evaluation origins), plus the automatic choice's. */
export interface EvaluationOptions extends Pick<BacktestOptions, 'period' | 'horizon' | 'origins' | 'methods' | 'methodOptions' | 'calibrationOrigins'> {
	/** Backtest origins before each evaluation origin for the automatic choice (default 8, one a week). */
	selectionOrigins?: number;
	/** Steps between selection origins (default min(horizon, period)). */
	selectionStep?: number;
}

export interface Evaluation {
	origins: number[];
	horizon: number;
	/** Every method, then 'auto' (the nested choice), as BacktestScores. */
	scores: (BacktestScore | (Omit<BacktestScore, 'method'> & { method: 'auto' }))[];
	/** The method 'auto' used at each origin, and why. */
	choices: MethodChoice[];
	/** How often each method was chosen. */
	chosen: Record<string, number>;
}

/**
 * Evaluate every method and the nested automatic choice at `origins` (module note). Throws a
 * RangeError when an origin leaves fewer than `horizon` steps after it.
 */
export function evaluateForecasts(series: ArrayLike<number>, options: EvaluationOptions): Evaluation {
	const { period, horizon } = options;
	const methods = options.methods ?? FORECAST_METHODS;
	const origins = [...options.origins];
	const cache: ForecastCache = new Map();
	const common = { methodOptions: options.methodOptions, calibrationOrigins: options.calibrationOrigins, cache };
	const result = backtest(series, { period, horizon, origins, methods, ...common });
	const selectionCount = options.selectionOrigins ?? 8;
	const step = options.selectionStep ?? Math.min(horizon, period);
	const minOrigin = Math.max(period + 1, ...methods.map((m) => minHistory(m, period)));
	const scales = naiveScales(series, period, origins);
	const choices: MethodChoice[] = [];
	const started = performance.now();
	const auto = scoreForecasts(series, { method: 'seasonal-mean', horizon, origins, scales, started }, (o) => {
		const past = head(series, o);
		const inner = rollingOrigins(o, { horizon, count: selectionCount, step, minOrigin });
		let choice: MethodChoice = { method: null, reason: 'no origin to backtest before this one' };
		if (inner.length > 0) choice = backtest(past, { period, horizon, origins: inner, methods, ...common, pointsOnly: true }).choice;
		const method = choice.method ?? methods.find((m) => o >= minHistory(m, period))!;
		choices.push({ method, reason: choice.reason });
		return forecastSeries(past, { method, horizon, period, ...common });
	});
	const chosen: Record<string, number> = {};
	for (const c of choices) chosen[c.method!] = (chosen[c.method!] ?? 0) + 1;
	return { origins, horizon, scores: [...result.scores, { ...auto, method: 'auto' as const }], choices, chosen };
}
