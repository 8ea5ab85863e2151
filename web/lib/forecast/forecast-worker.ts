/**
 * `forecastWithBacktest` run in a dedicated worker (forecast.worker.ts), for the Forecast page:
 * one worker per page load, created on first use; a request whose worker fails is rejected with
 * the worker's message. Browser only (the browser tests' native runs call the function directly).
 */
import type { ForecastWithBacktest, ForecastWithBacktestOptions } from '$analytics/forecast';
import type { ForecastReply, ForecastRequest } from './forecast.worker';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: ForecastWithBacktest) => void; reject: (e: Error) => void }>();

function getWorker(): Worker {
	if (worker) return worker;
	worker = new Worker(new URL('./forecast.worker.ts', import.meta.url), { type: 'module', name: 'clearsight-forecast' });
	worker.onmessage = (event: MessageEvent<ForecastReply>) => {
		const reply = event.data;
		const waiting = pending.get(reply.id);
		if (!waiting) return;
		pending.delete(reply.id);
		if ('error' in reply) waiting.reject(new Error(reply.error));
		else waiting.resolve(reply.result);
	};
	worker.onerror = (event) => {
		const reason = new Error(event.message || 'the forecast worker stopped');
		worker?.terminate();
		worker = null;
		for (const p of pending.values()) p.reject(reason);
		pending.clear();
	};
	return worker;
}

/** `forecastWithBacktest(values, options)` computed in the worker. */
export function forecastInWorker(values: ArrayLike<number>, options: ForecastWithBacktestOptions): Promise<ForecastWithBacktest> {
	const id = nextId++;
	const request: ForecastRequest = { id, values: Array.from(values), options };
	return new Promise((resolve, reject) => {
		pending.set(id, { resolve, reject });
		getWorker().postMessage(request);
	});
}
