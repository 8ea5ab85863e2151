/**
 * The data the THR scoring benchmark scores, built by the same SQL in native DuckDB and in
 * DuckDB-wasm (no Node or browser APIs here): a seeded SYNTHETIC `incidents` table of many areas
 * × months, derived from the real sample — its category mix is the real rows' mix — for timing
 * only (the counts mean nothing). Values are bound; the only identifiers are fixed.
 *
 * Row i (0 ≤ i < rows): month = first month + (i mod months); area = ⌊areas × u₁²⌋ (a skew, so
 * some areas are much busier than others, as in real data), code 'S' + 8 digits; category from
 * u₂ through the real mix quantised to 1/10,000. u₁, u₂ are integer hashes of i (multiplicative
 * hashing mod 2³²), so the table is the same on every engine and every run.
 */
import type { QueryRunner } from '../../analytics/runner';
import { EXTRACT_DATASETS } from '../../analytics/ingest/extract-schema';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { monthIndex, monthLabel, scoreMonth, scoreTrend, type ThrModel } from '../../analytics/thr';

export interface CategoryCount {
	category: string;
	count: number;
}

export interface SyntheticIncidentsOptions {
	areas: number;
	months: number;
	rows: number;
	/** First month, year × 12 + month − 1 (default 2017-01). */
	firstMonthIndex?: number;
	/** The real category mix (e.g. counts per category of the sample). */
	categories: readonly CategoryCount[];
}

const STEPS = 10_000;

/** Replace `incidents` with the synthetic table (extract columns; those THR does not read are NULL). Returns its row count. */
export async function createSyntheticIncidents(runner: QueryRunner, options: SyntheticIncidentsOptions): Promise<number> {
	const first = options.firstMonthIndex ?? 2017 * 12;
	const total = options.categories.reduce((s, c) => s + c.count, 0);
	if (!(total > 0)) throw new RangeError('createSyntheticIncidents: the category mix is empty');
	await runner.exec('CREATE OR REPLACE TABLE synth_cats (category VARCHAR, lo INTEGER, hi INTEGER)');
	let acc = 0;
	for (const c of options.categories) {
		const lo = Math.round((acc / total) * STEPS);
		acc += c.count;
		const hi = Math.round((acc / total) * STEPS);
		if (hi > lo) await runner.exec('INSERT INTO synth_cats VALUES (?, CAST(? AS INTEGER), CAST(? AS INTEGER))', [c.category, lo, hi]);
	}
	await runner.exec(
		'CREATE OR REPLACE TABLE synth_lookup AS SELECT CAST(t.k AS INTEGER) AS k, c.category FROM range(CAST(? AS BIGINT)) t(k) JOIN synth_cats c ON t.k >= c.lo AND t.k < c.hi',
		[STEPS]
	);
	const dataset = EXTRACT_DATASETS.find((d) => d.name === 'incidents')!;
	await runner.exec('DROP TABLE IF EXISTS incidents');
	await runner.exec(`CREATE TABLE incidents (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
	await runner.exec(
		`INSERT INTO incidents (month, month_index, lsoa_code, category)
		 WITH g AS (
		   SELECT range AS i,
		          ((range * 2654435761 + 7) % 4294967296) / 4294967296.0 AS u1,
		          CAST(((((range * 40503) % 4294967296) * 1103515245 + 12345) % 4294967296) * CAST(? AS BIGINT) // 4294967296 AS INTEGER) AS k
		   FROM range(CAST(? AS BIGINT))
		 ), m AS (SELECT i, k, u1, CAST(? AS INTEGER) + CAST(i % CAST(? AS BIGINT) AS INTEGER) AS mi FROM g)
		 SELECT printf('%04d-%02d', mi // 12, mi % 12 + 1), mi, 'S' || lpad(CAST(CAST(floor(CAST(? AS DOUBLE) * u1 * u1) AS BIGINT) AS VARCHAR), 8, '0'), l.category
		 FROM m JOIN synth_lookup l ON l.k = m.k`,
		[STEPS, options.rows, first, options.months, options.areas]
	);
	const [{ n }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents');
	return Number(n);
}

/** The same timings on any engine: what the benchmark runs once the table exists. */
export interface ScoringTimings {
	/** Rows and areas in scope for the month scored. */
	rows: number;
	areas: number;
	/** scoreMonth with each model, ms. */
	byModel: Array<{ model: string; ms: number; areas: number; riskMethod: string }>;
	/** scoreTrend over the trend months with the forecast model, ms (null when skipped). */
	trendMs: number | null;
	trendMonths: number;
}

export interface TimingOptions {
	models: readonly ThrModel[];
	weights: HarmWeightsModel;
	/** Assessment month, YYYY-MM. */
	month: string;
	/** Months of trend ending with `month` scored with the first model (0 = skip). */
	trendMonths: number;
	/** Wall clock (performance.now in both Node and browsers). */
	now?: () => number;
}

/** After one untimed warm-up, score the month with each model, then the trend with the first: the timings the benchmark reports. */
export async function runScoringTimings(runner: QueryRunner, options: TimingOptions): Promise<ScoringTimings> {
	const now = options.now ?? (() => performance.now());
	const [{ n }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents');
	// One untimed run first, so neither side is timed compiling its code or warming caches.
	await scoreMonth(runner, { model: options.models[0], weights: options.weights, month: options.month });
	const byModel: ScoringTimings['byModel'] = [];
	let areas = 0;
	for (const model of options.models) {
		const t = now();
		const r = await scoreMonth(runner, { model, weights: options.weights, month: options.month });
		const ms = now() - t;
		areas = r.areas.length;
		byModel.push({ model: `${model.id} ${model.version}`, ms, areas: r.areas.length, riskMethod: r.components.find((c) => c.kind === 'risk')?.riskMethod ?? '' });
	}
	let trendMs: number | null = null;
	if (options.trendMonths > 0) {
		const end = monthIndex(options.month);
		const months = Array.from({ length: options.trendMonths }, (_, i) => monthLabel(end - options.trendMonths + 1 + i));
		const t = now();
		await scoreTrend(runner, { model: options.models[0], weights: options.weights, months });
		trendMs = now() - t;
	}
	return { rows: Number(n), areas, byModel, trendMs, trendMonths: options.trendMonths };
}
