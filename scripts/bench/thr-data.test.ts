/**
 * The THR benchmark's synthetic data and timing loop (thr-data.ts), on native DuckDB: the
 * synthetic set declares a force area listing every synthetic area, so thr-v3 (scope
 * 'force-area') scores all of them, areas without records included, while thr-v2 scores the areas
 * with harm-counting records in its window; without the force area v3 falls back to the latter
 * and says so. The category mix is the real City of London street files' mix (read from the CSVs).
 * Expected area counts come from independent SQL over the same table, not from the scorer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createNodeRunner, type NodeRunner } from '../lib/node-runner';
import { readForceArea } from '../../analytics/force-area';
import { effectiveWeights, monthIndex, scoreMonth, type ThrModel } from '../../analytics/thr';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { SYNTHETIC_FORCE, createSyntheticIncidents, median, runScoringTimings, type CategoryCount } from './thr-data';

const read = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const v3 = read<ThrModel>('models/thr/thr-v3.json');
const v2 = read<ThrModel>('models/thr/thr-v2.json');
const weights = read<HarmWeightsModel>('models/harm-weights/cchi-police-uk-v1.json');

// 400 areas × 36 months (2017-01 … 2019-12), 1,200 rows: ~33 rows a month, so the quietest areas
// (area k has probability √((k+1)/400) − √(k/400), ≈ 0.13% for k = 399) have windows without records.
const AREAS = 400;
const MONTHS = 36;
const ROWS = 1_200;
const MONTH = '2019-12';
const codes = Array.from({ length: AREAS }, (_, k) => `S${String(k).padStart(8, '0')}`);

let runner: NodeRunner;
let categories: CategoryCount[];

/** Areas with at least one record of a category the model counts (with a weight, not excluded) in its longest window, by SQL. */
async function areasWithHarm(model: ThrModel): Promise<string[]> {
	const counted = effectiveWeights(model, weights)
		.filter((w) => !w.excluded && w.weight !== null)
		.map((w) => w.category);
	const longest = Math.max(...model.components.map((c) => c.window_months));
	const m = monthIndex(MONTH);
	const rows = await runner.rows<{ a: string }>(
		`SELECT DISTINCT lsoa_code AS a FROM incidents WHERE month_index BETWEEN ? AND ? AND category IN (${counted.map(() => '?').join(', ')}) ORDER BY 1`,
		[m - longest + 1, m, ...counted]
	);
	return rows.map((r) => r.a);
}

beforeAll(async () => {
	runner = await createNodeRunner();
	const mix = await runner.rows<{ category: string; n: number }>(
		`SELECT "Crime type" AS category, count(*)::INTEGER AS n FROM read_csv('sample-data/police-uk/city-of-london/street/*.csv', header = true) GROUP BY 1 ORDER BY 1`
	);
	categories = mix.map((r) => ({ category: r.category, count: Number(r.n) }));
}, 60_000);

afterAll(() => runner?.close());

describe('synthetic THR bench data with a force area', () => {
	it('lists every synthetic area in force_area and flags every record inside it', async () => {
		const n = await createSyntheticIncidents(runner, { areas: AREAS, months: MONTHS, rows: ROWS, categories });
		expect(n).toBe(ROWS);
		const area = await readForceArea(runner);
		expect(area).toEqual({ name: SYNTHETIC_FORCE, unit: 'lsoa', areaCodes: codes });
		const [flags] = await runner.rows<{ inside: number; other: number; outside_codes: number }>(
			`SELECT count(*) FILTER (WHERE in_force_area)::INTEGER AS inside, count(*) FILTER (WHERE in_force_area IS NOT true)::INTEGER AS other,
			        count(*) FILTER (WHERE lsoa_code NOT IN (SELECT area_code FROM force_area))::INTEGER AS outside_codes FROM incidents`
		);
		expect(flags).toEqual({ inside: ROWS, other: 0, outside_codes: 0 });
	});

	it('lets thr-v3 score every area of the force area (with and without records), thr-v2 only areas with harm in its window', async () => {
		await createSyntheticIncidents(runner, { areas: AREAS, months: MONTHS, rows: ROWS, categories });
		const withHarm2 = await areasWithHarm(v2);
		const withHarm3 = await areasWithHarm(v3);
		// The test is only meaningful if some area of the force area has no harm in v3's window.
		expect(withHarm3.length).toBeLessThan(AREAS);
		const r3 = await scoreMonth(runner, { model: v3, weights, month: MONTH });
		expect(r3.scope.method).toBe('force-area');
		expect(r3.scope.forceName).toBe(SYNTHETIC_FORCE);
		expect(r3.scope.areasInForceArea).toBe(AREAS);
		expect(r3.areas.map((a) => a.areaId).sort()).toEqual(codes);
		expect(r3.warnings.some((w) => w.startsWith('no force area declared'))).toBe(false);
		const r2 = await scoreMonth(runner, { model: v2, weights, month: MONTH });
		expect(r2.scope.method).toBe('areas-with-records');
		expect(r2.areas.map((a) => a.areaId).sort()).toEqual(withHarm2);
	});

	it('without a force area, v3 falls back to the areas with harm in its window and warns', async () => {
		await createSyntheticIncidents(runner, { areas: AREAS, months: MONTHS, rows: ROWS, categories, forceArea: false });
		expect(await readForceArea(runner)).toBeNull();
		const [{ flagged }] = await runner.rows<{ flagged: number }>('SELECT count(in_force_area)::INTEGER AS flagged FROM incidents');
		expect(flagged).toBe(0);
		const r3 = await scoreMonth(runner, { model: v3, weights, month: MONTH });
		expect(r3.scope.method).toBe('areas-with-records');
		expect(r3.areas.map((a) => a.areaId).sort()).toEqual(await areasWithHarm(v3));
		expect(r3.warnings.some((w) => w.startsWith('no force area declared'))).toBe(true);
	});

	it('builds the same table on every run', async () => {
		const digest = async () => {
			await createSyntheticIncidents(runner, { areas: AREAS, months: MONTHS, rows: ROWS, categories });
			const [r] = await runner.rows<{ h: string }>(`SELECT CAST(sum(hash(month, month_index, lsoa_code, category, in_force_area)) AS VARCHAR) AS h FROM incidents`);
			return r.h;
		};
		expect(await digest()).toBe(await digest());
	});
});

describe('runScoringTimings', () => {
	it('times each model and each trend model the number of times asked, reporting the median', async () => {
		await createSyntheticIncidents(runner, { areas: AREAS, months: MONTHS, rows: ROWS, categories });
		// A clock that advances 1 ms per reading: every timed step reads it twice, so each sample is 1.
		let tick = 0;
		const t = await runScoringTimings(runner, { models: [v3, v2], trendModels: [v3, v2], weights, month: MONTH, trendMonths: 3, repeats: 3, now: () => tick++ });
		expect(t.rows).toBe(ROWS);
		expect(t.repeats).toBe(3);
		expect(t.byModel.map((m) => [m.model, m.samples.length, m.scope])).toEqual([
			['thr 3.0.0', 3, 'force-area'],
			['thr 2.0.0', 3, 'areas-with-records']
		]);
		expect(t.byModel[0].areas).toBe(AREAS);
		expect(t.areas).toBe(AREAS);
		expect(t.trend.map((m) => [m.model, m.samples.length])).toEqual([
			['thr 3.0.0', 3],
			['thr 2.0.0', 3]
		]);
		for (const s of [...t.byModel, ...t.trend]) expect(s.samples).toEqual([1, 1, 1]);
		await expect(runScoringTimings(runner, { models: [v3], weights, month: MONTH, trendMonths: 0, repeats: 0 })).rejects.toThrow(RangeError);
	});

	it('median is the middle run (upper middle for an even count)', () => {
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(3);
		expect(median([7])).toBe(7);
	});
});
