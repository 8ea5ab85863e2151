/**
 * Browser side of the THR scoring benchmark (bundled by scripts/bench/thr.ts with esbuild and
 * driven in headless Chromium): DuckDB-wasm (the eh build the dashboard uses in Chromium), the
 * dashboard's own wasm QueryRunner (web/lib/db/runner.ts), and the same analytics/thr code and
 * synthetic-data SQL as the native run (thr-data.ts). Exposes `window.thrBench`.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { createWasmRunner } from '../../web/lib/db/runner';
import type { ThrModel } from '../../analytics/thr';
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
}

export interface BrowserBenchResult extends ScoringTimings {
	engineMs: number;
	loadMs: number;
	userAgent: string;
	/** The same timings reading the pre-aggregate `thr_area_months` (made in the tab from the loaded rows, with the builder's SQL, when the data lacks it); the fields above read the base rows. */
	aggregate: ScoringTimings;
	/** Time to make the pre-aggregate in the tab (0 when the data had it). */
	aggregateMs: number;
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
			await createSyntheticIncidents(runner, request.data);
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
		await conn.close();
		return { ...timings, engineMs, loadMs, userAgent: navigator.userAgent, aggregate, aggregateMs };
	} finally {
		await db.terminate();
	}
}

(window as unknown as { thrBench: typeof run }).thrBench = run;
