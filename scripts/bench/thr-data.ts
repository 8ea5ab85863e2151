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
 *
 * The force area: like an extract built for a real force, the synthetic set declares one. A
 * `force_area` table (the extract's columns) lists every synthetic area code 'S' + 8 digits for
 * 0 ≤ k < areas, unit 'lsoa', force "Synthetic force", and every row of `incidents` is flagged
 * `in_force_area = true` (all of them lie inside it). A model with scope 'force-area' (thr-v3)
 * then scores every area of it, as it would for a real force, instead of falling back to the
 * areas with records and warning; v1 and v2 (scope 'harm-in-window') read the same table.
 */
import type { QueryRunner } from '../../analytics/runner';
import { EXTRACT_DATASETS } from '../../analytics/ingest/extract-schema';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { monthIndex, monthLabel, scoreMonth, scoreTrend, type ThrModel } from '../../analytics/thr';
import { thrAreaMonthsSelectSql, type ThrSource } from '../../analytics/thr/area-months';

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
	/** Declare the force area (a `force_area` table of every area, records flagged inside); default true. */
	forceArea?: boolean;
	/** Also write the THR pre-aggregate `thr_area_months` with the builder's SQL (analytics/thr/area-months.ts); default true. */
	areaMonths?: boolean;
	/**
	 * 'extract' (default): `incidents` with every column of the extract contract; 'scoring': only
	 * those scoring from the pre-aggregate reads of the base rows (month, place, category, the
	 * force-area flag, the offence subgroup), for a DuckDB-wasm tab, whose memory (about 3 GiB)
	 * does not hold 11.2M rows of the full contract while the pre-aggregate is built.
	 */
	columns?: 'extract' | 'scoring';
}

/** The columns of `incidents` with `columns: 'scoring'`. */
const SCORING_COLUMNS = ['month', 'month_index', 'lsoa_code', 'category', 'in_force_area', 'offence_subgroup'];

/** Name of the synthetic set's force area. */
export const SYNTHETIC_FORCE = 'Synthetic force';

const STEPS = 10_000;

/**
 * Replace `incidents` with the synthetic table (extract columns; those THR does not read are NULL)
 * and, unless `forceArea` is false, `force_area` with all `areas` area codes (module note); with
 * `forceArea: false` any `force_area` table is dropped and `in_force_area` is NULL, as in an
 * extract that declares none. Returns the row count of `incidents`.
 */
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
	const columns = options.columns === 'scoring' ? dataset.columns.filter((c) => SCORING_COLUMNS.includes(c.name)) : dataset.columns;
	await runner.exec(`CREATE TABLE incidents (${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
	const declared = options.forceArea ?? true;
	await runner.exec(
		`INSERT INTO incidents (month, month_index, lsoa_code, category, in_force_area)
		 WITH g AS (
		   SELECT range AS i,
		          ((range * 2654435761 + 7) % 4294967296) / 4294967296.0 AS u1,
		          CAST(((((range * 40503) % 4294967296) * 1103515245 + 12345) % 4294967296) * CAST(? AS BIGINT) // 4294967296 AS INTEGER) AS k
		   FROM range(CAST(? AS BIGINT))
		 ), m AS (SELECT i, k, u1, CAST(? AS INTEGER) + CAST(i % CAST(? AS BIGINT) AS INTEGER) AS mi FROM g)
		 SELECT printf('%04d-%02d', mi // 12, mi % 12 + 1), mi, 'S' || lpad(CAST(CAST(floor(CAST(? AS DOUBLE) * u1 * u1) AS BIGINT) AS VARCHAR), 8, '0'), l.category,
		        CASE WHEN CAST(? AS BOOLEAN) THEN true END
		 FROM m JOIN synth_lookup l ON l.k = m.k`,
		[STEPS, options.rows, first, options.months, options.areas, declared]
	);
	const forceArea = EXTRACT_DATASETS.find((d) => d.name === 'force_area')!;
	await runner.exec('DROP TABLE IF EXISTS force_area');
	if (declared) {
		await runner.exec(`CREATE TABLE force_area (${forceArea.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
		await runner.exec(
			`INSERT INTO force_area (area_code, area_unit, lad_code, lad_name, force_name)
			 SELECT 'S' || lpad(CAST(range AS VARCHAR), 8, '0'), 'lsoa', NULL, NULL, CAST(? AS VARCHAR) FROM range(CAST(? AS BIGINT))`,
			[SYNTHETIC_FORCE, options.areas]
		);
	}
	await runner.exec('DROP TABLE IF EXISTS thr_area_months');
	if (options.areaMonths ?? true) await runner.exec(`CREATE TABLE thr_area_months AS ${thrAreaMonthsSelectSql('incidents')}`);
	const [{ n }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents');
	return Number(n);
}

/** One measured step: the median of its runs, and every run (ms). */
export interface Timing {
	/** "thr 3.0.0": the model's id and version. */
	model: string;
	/** Median of `samples`, ms. */
	ms: number;
	/** Each timed run, in the order run, ms. */
	samples: number[];
}

/** The same timings on any engine: what the benchmark runs once the table exists. */
export interface ScoringTimings {
	/** Rows in `incidents`, and areas scored for the month by the first model. */
	rows: number;
	areas: number;
	/** scoreMonth with each model (in the order given): median of the runs, areas scored, Risk method. */
	byModel: Array<Timing & { areas: number; riskMethod: string; scope: string }>;
	/** scoreTrend over the trend months with each trend model (empty when skipped). */
	trend: Timing[];
	trendMonths: number;
	/** Timed runs of each step. */
	repeats: number;
	/** Where the records were read: the base rows (`incidents`) or the pre-aggregate (`thr_area_months`). */
	source: ThrSource;
}

export interface TimingOptions {
	models: readonly ThrModel[];
	/** Models whose trend is timed too (default the first model); empty or trendMonths 0 = none. */
	trendModels?: readonly ThrModel[];
	weights: HarmWeightsModel;
	/** Assessment month, YYYY-MM. */
	month: string;
	/** Months of trend ending with `month` (0 = skip). */
	trendMonths: number;
	/** Timed runs of each step, reported as their median (default 3). */
	repeats?: number;
	/** Wall clock (performance.now in both Node and browsers). */
	now?: () => number;
	/** Read the base rows or the pre-aggregate (default the base rows, the reference). */
	source?: ThrSource;
}

/** Middle value of the runs (the upper middle for an even count). */
export function median(xs: readonly number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

const modelName = (m: ThrModel) => `${m.id} ${m.version}`;

/**
 * After one untimed warm-up per model (month and trend), time scoreMonth with each model and
 * scoreTrend with each trend model, `repeats` times, reporting medians. Each round runs the
 * models in a rotated order (round r starts with model r mod n), so no model is always timed
 * first or last, i.e. on the warmest or coldest caches.
 */
export async function runScoringTimings(runner: QueryRunner, options: TimingOptions): Promise<ScoringTimings> {
	const now = options.now ?? (() => performance.now());
	const source = options.source ?? 'incidents';
	const repeats = options.repeats ?? 3;
	if (!(Number.isInteger(repeats) && repeats >= 1)) throw new RangeError(`repeats must be a whole number ≥ 1, got ${repeats}`);
	const trendModels = options.trendMonths > 0 ? (options.trendModels ?? options.models.slice(0, 1)) : [];
	const [{ n }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents');
	const end = monthIndex(options.month);
	const months = Array.from({ length: options.trendMonths }, (_, i) => monthLabel(end - options.trendMonths + 1 + i));
	// Untimed runs first, so no side is timed compiling its code or warming caches.
	for (const model of options.models) await scoreMonth(runner, { model, weights: options.weights, month: options.month, source });
	for (const model of trendModels) await scoreTrend(runner, { model, weights: options.weights, months, source });

	const monthSamples = options.models.map(() => [] as number[]);
	const trendSamples = trendModels.map(() => [] as number[]);
	const scored = options.models.map(() => ({ areas: 0, riskMethod: '', scope: '' }));
	const rotate = <T>(xs: readonly T[], r: number) => xs.map((_, i) => (i + r) % xs.length);
	for (let r = 0; r < repeats; r++) {
		for (const k of rotate(options.models, r)) {
			const model = options.models[k];
			const t = now();
			const result = await scoreMonth(runner, { model, weights: options.weights, month: options.month, source });
			monthSamples[k].push(now() - t);
			scored[k] = { areas: result.areas.length, riskMethod: result.components.find((c) => c.kind === 'risk')?.riskMethod ?? '', scope: result.scope.method };
		}
		for (const k of rotate(trendModels, r)) {
			const t = now();
			await scoreTrend(runner, { model: trendModels[k], weights: options.weights, months, source });
			trendSamples[k].push(now() - t);
		}
	}
	return {
		rows: Number(n),
		areas: scored[0]?.areas ?? 0,
		byModel: options.models.map((m, k) => ({ model: modelName(m), ms: median(monthSamples[k]), samples: monthSamples[k], ...scored[k] })),
		trend: trendModels.map((m, k) => ({ model: modelName(m), ms: median(trendSamples[k]), samples: trendSamples[k] })),
		trendMonths: options.trendMonths,
		repeats,
		source
	};
}
