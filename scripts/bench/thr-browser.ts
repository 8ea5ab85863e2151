/**
 * Browser side of the THR scoring benchmark (bundled by scripts/bench/thr.ts with esbuild and
 * driven in headless Chromium): DuckDB-wasm (the eh build the dashboard uses in Chromium), the
 * dashboard's own wasm QueryRunner (web/lib/db/runner.ts), and the same analytics/thr code and
 * synthetic-data SQL as the native run (thr-data.ts). Exposes `window.thrBench`.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { createWasmRunner } from '../../web/lib/db/runner';
import { monthIndex, monthLabel, scoreMonth, scoreTrend, type ThrModel } from '../../analytics/thr';
import type { QueryRunner } from '../../analytics/runner';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { createSyntheticIncidents, runScoringTimings, type CategoryCount, type ScoringTimings } from './thr-data';
import { thrAreaMonthsSelectSql } from '../../analytics/thr/area-months';

export interface BrowserBenchRequest {
	models: ThrModel[];
	/** Models whose trend is timed too (default the first). */
	trendModels?: ThrModel[];
	weights: HarmWeightsModel;
	/**
	 * 'sample': insert the real sample's incidents from this Arrow IPC file, and its force area
	 * (`force_area`) from `forceAreaUrl` when given; else a synthetic table (with its force area).
	 */
	data: { kind: 'sample'; url: string; forceAreaUrl?: string } | { kind: 'synthetic'; areas: number; months: number; rows: number; categories: CategoryCount[] };
	month: string;
	trendMonths: number;
	/** Timed runs of each step (median reported); default 3. */
	repeats?: number;
	/** Time the base rows too (default true); false leaves the base-row timings empty (no models, no trend). */
	baseRows?: boolean;
	/** After the timings, score the first model's month and trend once more from the pre-aggregate with every query timed ({@link QueryTrace}). */
	trace?: boolean;
}

/** One scoring run with each query it made: the query's first words and its time to the converted result (ms), in order, and the run's whole time. */
export interface QueryTrace {
	what: string;
	ms: number;
	queries: Array<{ sql: string; ms: number }>;
}

export interface BrowserBenchResult extends ScoringTimings {
	engineMs: number;
	loadMs: number;
	userAgent: string;
	/** The same timings reading the pre-aggregate `thr_area_months` (made in the tab from the loaded rows, with the builder's SQL, when the data lacks it); the fields above read the base rows. */
	aggregate: ScoringTimings;
	/** Time to make the pre-aggregate in the tab (0 when the data had it). */
	aggregateMs: number;
	/** With `trace`: the first model's month and trend, each query timed. */
	traces: QueryTrace[];
}

/** `runner` with every query's time recorded into `queries` (the SQL squeezed to its first 90 characters). */
function tracedRunner(runner: QueryRunner, queries: QueryTrace['queries']): QueryRunner {
	const timed =
		<A extends unknown[], R>(f: (sql: string, ...rest: A) => Promise<R>) =>
		async (sql: string, ...rest: A): Promise<R> => {
			const t = performance.now();
			try {
				return await f(sql, ...rest);
			} finally {
				queries.push({ sql: sql.replace(/\s+/g, ' ').trim().slice(0, 90), ms: performance.now() - t });
			}
		};
	return {
		rows: timed(runner.rows.bind(runner)) as QueryRunner['rows'],
		columns: timed(runner.columns.bind(runner)),
		exec: timed(runner.exec.bind(runner)),
		numbers: runner.numbers ? timed(runner.numbers.bind(runner)) : undefined,
		numberBatches: runner.numberBatches ? timed(runner.numberBatches.bind(runner)) : undefined
	};
}

/** The first model's month and trend from the pre-aggregate, once each, every query timed. */
async function traceScoring(runner: QueryRunner, request: BrowserBenchRequest): Promise<QueryTrace[]> {
	const model = request.models[0];
	const end = monthIndex(request.month);
	const months = Array.from({ length: request.trendMonths }, (_, i) => monthLabel(end - request.trendMonths + 1 + i));
	const out: QueryTrace[] = [];
	for (const [what, score] of [
		[`${model.id} ${model.version}, one month`, (r: QueryRunner) => scoreMonth(r, { model, weights: request.weights, month: request.month, source: 'thr_area_months' })],
		[`${model.id} ${model.version}, ${request.trendMonths}-month trend`, (r: QueryRunner) => scoreTrend(r, { model, weights: request.weights, months, source: 'thr_area_months' })]
	] as const) {
		const queries: QueryTrace['queries'] = [];
		const t = performance.now();
		await score(tracedRunner(runner, queries));
		out.push({ what, ms: performance.now() - t, queries });
	}
	return out;
}

async function run(request: BrowserBenchRequest): Promise<BrowserBenchResult> {
	let t = performance.now();
	const worker = new Worker('./duckdb-browser-eh.worker.js');
	const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
	try {
		await db.instantiate('./duckdb-eh.wasm');
		const conn = await db.connect();
		await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
		const engineMs = performance.now() - t;
		const runner = createWasmRunner(conn);
		t = performance.now();
		if (request.data.kind === 'sample') {
			const bytes = new Uint8Array(await (await fetch(request.data.url)).arrayBuffer());
			await conn.insertArrowFromIPCStream(bytes, { name: 'incidents', create: true });
			if (request.data.forceAreaUrl) {
				const area = new Uint8Array(await (await fetch(request.data.forceAreaUrl)).arrayBuffer());
				await conn.insertArrowFromIPCStream(area, { name: 'force_area', create: true });
			}
		} else {
			// The base rows carry only the columns scoring reads (from the base rows or through the
			// pre-aggregate): the tab's memory does not hold 11.2M rows of the whole contract (thr-data.ts).
			await createSyntheticIncidents(runner, { ...request.data, columns: 'scoring' });
		}
		const loadMs = performance.now() - t;
		t = performance.now();
		const [{ n }] = await runner.rows<{ n: number }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'thr_area_months'");
		if (Number(n) === 0) await runner.exec(`CREATE TABLE thr_area_months AS ${thrAreaMonthsSelectSql('incidents')}`);
		const aggregateMs = Number(n) === 0 ? performance.now() - t : 0;
		const options = {
			models: request.models,
			trendModels: request.trendModels,
			weights: request.weights,
			month: request.month,
			trendMonths: request.trendMonths,
			repeats: request.repeats
		};
		const timings: ScoringTimings =
			request.baseRows === false
				? { rows: 0, areas: 0, byModel: [], trend: [], trendMonths: request.trendMonths, repeats: request.repeats ?? 3, source: 'incidents' }
				: await runScoringTimings(runner, { ...options, source: 'incidents' });
		const aggregate = await runScoringTimings(runner, { ...options, source: 'thr_area_months' });
		const traces = request.trace ? await traceScoring(runner, request) : [];
		await conn.close();
		return { ...timings, engineMs, loadMs, userAgent: navigator.userAgent, aggregate, aggregateMs, traces };
	} finally {
		await db.terminate();
	}
}

(window as unknown as { thrBench: typeof run }).thrBench = run;
