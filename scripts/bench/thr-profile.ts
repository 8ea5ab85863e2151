/**
 * THR scoring from `thr_area_months` at national scale, natively, for profiling and for checking
 * that a change to the scoring keeps every result: `tsx scripts/bench/thr-profile.ts [options]`.
 *
 *   --db <file>        keep the synthetic set (thr-data.ts) in this DuckDB file: built once,
 *                      reused by later runs (default: in memory, built every run)
 *   --areas <n>        synthetic areas (default 33,000; rows scale with them as in thr.ts)
 *   --repeats <n>      timed runs of each step (default 3), after one untimed warm-up
 *   --trend <n>        months of the trend (default 13)
 *   --rebuild          remake `thr_area_months` in the --db file with the current SQL (after a
 *                      change to area-months.ts thrAreaMonthsSelectSql) before scoring
 *   --typed            give the runner QueryRunner.numbers and numberBatches (numeric columns as
 *                      typed arrays, batch by batch, as DuckDB-wasm's runner does), so the grid is read from the integer keys as in
 *                      the browser (area-months.ts readAreaMonthGridByKeys); without it, natively,
 *                      the grid is grouped in SQL
 *   --dump <file>      write every result (scoreMonth v3/v2/v1 and scoreTrend v3/v2) as JSON
 *   --compare <file>   compare every result with a dump, field for field (exit 1 on any difference)
 *
 * Prints the median time of each step. Timing fields (elapsedMs, seconds) are left out of dumps.
 * Run it under `node --cpu-prof` (e.g. `npx tsx --cpu-prof scripts/bench/thr-profile.ts --db …`)
 * to see where the time goes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createNodeRunner } from '../lib/node-runner';
import type { Param } from '../../analytics/runner';
import { loadInput } from '../lib/load-input';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { monthIndex, monthLabel, scoreMonth, scoreTrend, type ThrModel } from '../../analytics/thr';
import { createSyntheticIncidents, median, type CategoryCount } from './thr-data';
import { thrAreaMonthsSelectSql } from '../../analytics/thr/area-months';

const SAMPLE = 'sample-data/police-uk/city-of-london/street';
const read = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

/** JSON-able copy: typed arrays as arrays, Maps as entries, timing fields dropped, -0/NaN/Infinity kept as strings. */
function plain(v: unknown): unknown {
	if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isFinite(v) ? v : String(v);
	if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, plain);
	if (Array.isArray(v)) return v.map(plain);
	if (v instanceof Map) return [...v.entries()].map(plain);
	if (v && typeof v === 'object') {
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v)) if (k !== 'elapsedMs' && k !== 'seconds') out[k] = plain(x);
		return out;
	}
	return v;
}

/** The first path where a and b differ, or null. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
	if (a === b) return null;
	if (Array.isArray(a) && Array.isArray(b)) {
		if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
		for (let i = 0; i < a.length; i++) {
			const d = firstDifference(a[i], b[i], `${path}[${i}]`);
			if (d) return d;
		}
		return null;
	}
	if (a && b && typeof a === 'object' && typeof b === 'object') {
		const ka = Object.keys(a).sort();
		const kb = Object.keys(b).sort();
		if (ka.join() !== kb.join()) return `${path}: keys ${ka.join(',')} vs ${kb.join(',')}`;
		for (const k of ka) {
			const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
			if (d) return d;
		}
		return null;
	}
	return `${path}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

async function main() {
	const db = arg('db');
	const areas = Number(arg('areas') ?? 33_000);
	const repeats = Number(arg('repeats') ?? 3);
	const trendMonths = Number(arg('trend') ?? 13);
	const months = 36;
	const rows = Math.round((areas * months * 11_200_000) / (33_000 * 36));
	const v3 = read<ThrModel>('models/thr/thr-v3.json');
	const v2 = read<ThrModel>('models/thr/thr-v2.json');
	const v1 = read<ThrModel>('models/thr/thr-v1.json');
	const weights = read<HarmWeightsModel>('models/harm-weights/cchi-police-uk-v1.json');
	const fresh = !db || !existsSync(db);
	const native = await createNodeRunner(db ?? ':memory:');
	const runner: typeof native = process.argv.includes('--typed')
		? Object.assign(Object.create(native) as typeof native, {
				numbers: async (sql: string, params?: readonly Param[]) => {
					const cols = await native.columns(sql, params);
					return Object.fromEntries(Object.entries(cols).map(([name, values]) => [name, Float64Array.from(values as number[])]));
				},
				// In 2,048-row batches, as DuckDB-wasm hands results over.
				numberBatches: async (sql: string, params?: readonly Param[]) => {
					const cols = await native.columns(sql, params);
					const names = Object.keys(cols);
					const rows = names.length ? cols[names[0]].length : 0;
					const batches = [];
					for (let at = 0; at < rows; at += 2048) batches.push(Object.fromEntries(names.map((name) => [name, Float64Array.from(cols[name].slice(at, at + 2048) as number[])])));
					return batches;
				}
			})
		: native;
	try {
		if (fresh) {
			const sample = await createNodeRunner();
			let categories: CategoryCount[];
			try {
				await loadInput(sample, [SAMPLE], { datasets: ['incidents'] });
				categories = (await sample.rows<{ category: string; n: number }>('SELECT category, count(*) AS n FROM incidents WHERE category IS NOT NULL GROUP BY 1 ORDER BY 1')).map((r) => ({
					category: r.category,
					count: Number(r.n)
				}));
			} finally {
				sample.close();
			}
			const t = performance.now();
			await createSyntheticIncidents(runner, { areas, months, rows, categories });
			console.log(`synthetic ${areas} areas × ${months} months (${rows} rows) built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
		} else if (process.argv.includes('--rebuild')) {
			const t = performance.now();
			await runner.exec(`CREATE OR REPLACE TABLE thr_area_months AS ${thrAreaMonthsSelectSql('incidents')}`);
			console.log(`thr_area_months remade in ${((performance.now() - t) / 1000).toFixed(1)} s`);
		}
		const month = '2019-12';
		const end = monthIndex(month);
		const trend = Array.from({ length: trendMonths }, (_, i) => monthLabel(end - trendMonths + 1 + i));
		const source = 'thr_area_months' as const;
		const steps: Array<{ what: string; run: () => Promise<unknown> }> = [
			{ what: 'scoreMonth v3', run: () => scoreMonth(runner, { model: v3, weights, month, source }) },
			{ what: 'scoreMonth v2', run: () => scoreMonth(runner, { model: v2, weights, month, source }) },
			{ what: 'scoreMonth v1', run: () => scoreMonth(runner, { model: v1, weights, month, source }) },
			{ what: `scoreTrend v3 (${trendMonths} months)`, run: () => scoreTrend(runner, { model: v3, weights, months: trend, source }) },
			{ what: `scoreTrend v2 (${trendMonths} months)`, run: () => scoreTrend(runner, { model: v2, weights, months: trend, source }) }
		];
		const only = arg('only');
		const chosen = only ? steps.filter((s) => s.what.includes(only)) : steps;
		const results: Record<string, unknown> = {};
		for (const s of chosen) results[s.what] = plain(await s.run());
		const dump = arg('dump');
		if (dump) writeFileSync(dump, JSON.stringify(results));
		const compare = arg('compare');
		if (compare) {
			const before = JSON.parse(readFileSync(compare, 'utf8')) as Record<string, unknown>;
			let bad = 0;
			for (const [k, v] of Object.entries(results)) {
				const d = firstDifference(before[k], v);
				console.log(`${k}: ${d ? `DIFFERS at ${d}` : 'identical'}`);
				if (d) bad++;
			}
			if (bad) process.exitCode = 1;
		}
		for (const s of chosen) {
			const samples: number[] = [];
			for (let r = 0; r < repeats; r++) {
				const t = performance.now();
				await s.run();
				samples.push(performance.now() - t);
			}
			console.log(`${s.what.padEnd(28)} median ${(median(samples) / 1000).toFixed(3)} s  runs ${samples.map((x) => (x / 1000).toFixed(3)).join(' ')}`);
		}
	} finally {
		runner.close();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
