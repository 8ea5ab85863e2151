/**
 * The hourly forecast's backtest and fit (analytics/forecast `forecastWithBacktest`, pure
 * arithmetic on an array of counts) off the page's main thread: with six methods, each refitted
 * at the backtest and calibration origins, it takes seconds on a long series, and the page must
 * stay responsive meanwhile. The answer is the same object the main thread would compute
 * (structured clone keeps every number exactly).
 */
import { forecastWithBacktest, type ForecastWithBacktest, type ForecastWithBacktestOptions } from '$analytics/forecast';

export type ForecastRequest = { id: number; values: number[]; options: ForecastWithBacktestOptions };
export type ForecastReply = { id: number; result: ForecastWithBacktest } | { id: number; error: string };

self.onmessage = (event: MessageEvent<ForecastRequest>) => {
	const { id, values, options } = event.data;
	let reply: ForecastReply;
	try {
		reply = { id, result: forecastWithBacktest(values, options) };
	} catch (error) {
		reply = { id, error: error instanceof Error ? error.message : String(error) };
	}
	self.postMessage(reply);
};
