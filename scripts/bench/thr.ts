/**
 * THR scoring time, natively (@duckdb/node-api) and in the browser (DuckDB-wasm in headless
 * Chromium), side by side with ratios (never asserted). Call benchThr() from `npm run bench`, or
 * run this file alone: `tsx scripts/bench/thr.ts`.
 *
 * Models: thr-v3 (the published model: force-area scope, magnitudes, credible-excess Threat,
 * cumulative-harm bands), thr-v2 (its predecessor, for comparison: every v3 figure is also given
 * as a ratio to v2's on the same engine) and thr-v1 (Risk stand-in). Each step is timed
 * BENCH_THR_REPEATS times (default 3) after an untimed warm-up per model, models in a rotated
 * order each round; the median is printed.
 *
 * 1. The real City of London street sample, with its force area (the extract's `force_area`,
 *    the City's 6 LSOAs): every area in scope for its latest month with each model, and the
 *    13-month trend the Priorities page draws, with v3 and v2. v3 scores the force area's
 *    areas; v2 and v1 the areas with records in the window (inside the force area).
 * 2. A seeded synthetic 33,000 areas × 36 months (national LSOA scale, ≈ 11.2M rows; category mix
 *    of the real sample; see thr-data.ts) with a declared force area listing all 33,000 areas
 *    (createSyntheticIncidents writes `force_area` and flags every record inside), so v3 scores
 *    every area, as it would for a real force: the latest month with each model, and the
 *    13-month trend with v3 and v2. In the browser the same, at full scale if the tab can hold
 *    it, else at the largest of 1/3 and 1/10 of the areas (same rows per area-month) that it can
 *    (and the same reduced table natively, for the ratio).
 *
 * Browser side: scripts/bench/thr-browser.ts bundled with esbuild, served from 127.0.0.1 with the
 * DuckDB-wasm files of node_modules, driven by playwright-core through web/tests/browser.ts
 * (every request outside 127.0.0.1 is aborted). Both sides run the same analytics/thr code and the
 * same data SQL. BENCH_THR_AREAS, BENCH_THR_ROWS, BENCH_THR_TREND and BENCH_THR_REPEATS shrink
 * the work; BENCH_THR_BROWSER=0 skips the browser; BENCH_THR_BASE=0 times only the pre-aggregate
 * (no base-row reference); BENCH_THR_PROFILE=<folder> writes a CPU profile (.cpuprofile, the
 * page's main thread: the analytics code and the Arrow conversion) of each browser run there;
 * BENCH_THR_NATIVE=0 leaves out the native runs (the browser's alone, for a quicker paired run);
 * BENCH_THR_TRACE=1 scores thr-v3's month and trend once more in the browser at national scale
 * and prints every query of each with its time (the rest of the run is JavaScript).
 */
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { bundleBenchPage } from './page-bundle';
import sirv from 'sirv';
import { createNodeRunner } from '../lib/node-runner';
import { loadInput } from '../lib/load-input';
import { queryToArrow } from '../lib/arrow-write';
import { EXTRACT_DATASETS } from '../../analytics/ingest/extract-schema';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import type { ThrModel } from '../../analytics/thr';
import { createSyntheticIncidents, runScoringTimings, type CategoryCount, type ScoringTimings, type Timing } from './thr-data';
import { thrAreaMonthsSelectSql } from '../../analytics/thr/area-months';
import type { BrowserBenchRequest, BrowserBenchResult } from './thr-browser';

const SAMPLE = 'sample-data/police-uk/city-of-london/street';
const read = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

export interface Row {
	label: string;
	/** Scored from the base rows (today's path and the reference), natively and in the browser (which carries its pre-aggregate timings). */
	native: ScoringTimings | null;
	browser: BrowserBenchResult | null;
	browserNote: string | null;
	/** Scored natively from the pre-aggregate thr_area_months. */
	nativeAggregate: ScoringTimings | null;
}

/** Bundle the browser side and serve it with the DuckDB-wasm files on 127.0.0.1. */
async function serveBench(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
	await bundleBenchPage('scripts/bench/thr-browser.ts', dir, 'THR bench');
	const serve = sirv(dir, { dev: true });
	const server = createServer((req, res) =>
		serve(req, res, () => {
			res.statusCode = 404;
			res.end();
		})
	);
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const address = server.address() as { port: number };
	return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

async function inBrowser(url: string, request: BrowserBenchRequest): Promise<BrowserBenchResult> {
	const { launchBrowser } = await import('../../web/tests/browser');
	const browser = await launchBrowser();
	try {
		const page = await browser.newPage();
		await page.goto(`${url}index.html`);
		await page.waitForFunction(() => 'thrBench' in window);
		const profileDir = process.env.BENCH_THR_PROFILE;
		const cdp = profileDir ? await browser.context.newCDPSession(page) : null;
		if (cdp) {
			await cdp.send('Profiler.enable');
			await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
			await cdp.send('Profiler.start');
		}
		const result = await page.evaluate((r) => (window as unknown as { thrBench: (x: typeof r) => Promise<BrowserBenchResult> }).thrBench(r), request);
		if (cdp) {
			const { profile } = await cdp.send('Profiler.stop');
			mkdirSync(profileDir!, { recursive: true });
			const file = join(profileDir!, `thr-${request.data.kind}-${request.data.kind === 'synthetic' ? request.data.areas : 'sample'}-${Date.now()}.cpuprofile`);
			writeFileSync(file, JSON.stringify(profile));
		}
		const problems = browser.takeProblems();
		if (problems.length) throw new Error(problems.map((p) => `${p.kind}: ${p.text}`).join('; '));
		return result;
	} finally {
		await browser.close();
	}
}

const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 2)} s`);
const ratio = (b: number | null | undefined, n: number | null | undefined) => (b == null || n == null || n === 0 ? '—' : `${(b / n).toFixed(2)}×`);
const spread = (xs: readonly number[] | undefined) => (xs && xs.length > 1 ? `${secs(Math.min(...xs))}–${secs(Math.max(...xs)).replace(' s', '')}` : '—');

/** One printed line: a step, its native and browser medians, and the same step with the reference model. */
interface Line {
	what: string;
	native?: Timing;
	browser?: Timing;
	nativeRef?: Timing;
	browserRef?: Timing;
}

function print(rows: Row[], reference: string, log: (line: string) => void) {
	const short = reference.replace(/^thr (\d+)\..*$/, 'v$1');
	log(`  ${'what'.padEnd(46)} ${'native'.padStart(8)} ${`÷ ${short}`.padStart(6)} ${'native runs'.padStart(15)} ${'browser'.padStart(8)} ${`÷ ${short}`.padStart(6)} ${'browser ÷ native'.padStart(17)}`);
	for (const r of rows) {
		const n = r.native;
		const b = r.browser;
		const any = n ?? b;
		if (!any) {
			if (r.browserNote) log(`  ${r.label}: browser ${r.browserNote}`);
			continue;
		}
		const lines: Line[] = [];
		const refMonth = (t: ScoringTimings | null) => t?.byModel.find((m) => m.model === reference);
		const refTrend = (t: ScoringTimings | null) => t?.trend.find((m) => m.model === reference);
		any.byModel.forEach((m, i) =>
			lines.push({ what: `${m.model} (${m.riskMethod.replace(' (stand-in)', ' stand-in')})`, native: n?.byModel[i], browser: b?.byModel[i], nativeRef: refMonth(n), browserRef: refMonth(b) })
		);
		any.trend.forEach((m, i) =>
			lines.push({ what: `trend of ${any.trendMonths} months, ${m.model}`, native: n?.trend[i], browser: b?.trend[i], nativeRef: refTrend(n), browserRef: refTrend(b) })
		);
		const scopes = any.byModel.map((m) => `${m.model} ${m.areas.toLocaleString('en-GB')} (${m.scope})`).join(', ');
		log(`  ${r.label}: ${any.rows.toLocaleString('en-GB')} rows; areas scored: ${scopes}`);
		for (const l of lines) {
			const isRef = l.native?.model === reference || l.browser?.model === reference;
			log(
				`    ${l.what.padEnd(44)} ${secs(l.native?.ms).padStart(8)} ${(isRef ? '' : ratio(l.native?.ms, l.nativeRef?.ms)).padStart(6)} ${spread(l.native?.samples).padStart(15)} ${secs(l.browser?.ms).padStart(8)} ${(isRef ? '' : ratio(l.browser?.ms, l.browserRef?.ms)).padStart(6)} ${ratio(l.browser?.ms, l.native?.ms).padStart(17)}`
			);
		}
		if (b) log(`    browser: engine start ${secs(b.engineMs)}, data ${secs(b.loadMs)} (${b.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'})`);
		if (r.browserNote) log(`    browser: ${r.browserNote}`);
	}
}

export async function benchThr(options: { log?: (line: string) => void } = {}): Promise<Row[]> {
	const log = options.log ?? ((line: string) => console.log(line));
	const v3 = read<ThrModel>('models/thr/thr-v3.json');
	const v2 = read<ThrModel>('models/thr/thr-v2.json');
	const v1 = read<ThrModel>('models/thr/thr-v1.json');
	const weights = read<HarmWeightsModel>('models/harm-weights/cchi-police-uk-v1.json');
	// v3 is the published model; v2 stays beside it as the reference of the ratios.
	const models = [v3, v2, v1];
	const trendModels = [v3, v2];
	const reference = `${v2.id} ${v2.version}`;
	const areas = Number(process.env.BENCH_THR_AREAS ?? 33_000);
	const months = 36;
	const rows = Number(process.env.BENCH_THR_ROWS ?? Math.round((areas * months * 11_200_000) / (33_000 * 36)));
	const trend = Number(process.env.BENCH_THR_TREND ?? 13);
	const repeats = Number(process.env.BENCH_THR_REPEATS ?? 3);
	const useBrowser = process.env.BENCH_THR_BROWSER !== '0';
	const baseRows = process.env.BENCH_THR_BASE !== '0';
	const trace = process.env.BENCH_THR_TRACE === '1';
	const nativeTimed = process.env.BENCH_THR_NATIVE !== '0';
	const timing = { models, trendModels, weights, trendMonths: trend, repeats };
	const skipped = (t: ScoringTimings): ScoringTimings => ({ ...t, areas: 0, byModel: [], trend: [], source: 'incidents' });
	const dir = mkdtempSync(join(tmpdir(), 'clearsight-thr-bench-'));
	const out: Row[] = [];
	const server = useBrowser ? await serveBench(dir) : null;
	try {
		// 1. The real sample, with the force area its extract declares (the City's LSOAs).
		const native = await createNodeRunner();
		let categories: CategoryCount[];
		let sampleMonth: string;
		let sample: ScoringTimings | null = null;
		let sampleAggregate: ScoringTimings | null = null;
		try {
			await loadInput(native, [SAMPLE], { datasets: ['incidents', 'force_area'] });
			const [{ m }] = await native.rows<{ m: string }>('SELECT max(month) AS m FROM incidents');
			sampleMonth = String(m);
			categories = (await native.rows<{ category: string; n: number }>('SELECT category, count(*) AS n FROM incidents WHERE category IS NOT NULL GROUP BY 1 ORDER BY 1')).map((r) => ({
				category: r.category,
				count: Number(r.n)
			}));
			for (const name of ['incidents', 'force_area'] as const) {
				const columns = EXTRACT_DATASETS.find((d) => d.name === name)!.columns;
				const { bytes } = await queryToArrow(native, columns, name);
				writeFileSync(join(dir, `sample-${name}.arrow`), bytes);
			}
			if (nativeTimed) {
				sample = baseRows ? await runScoringTimings(native, { ...timing, month: sampleMonth }) : (null as unknown as ScoringTimings);
				await native.exec(`CREATE TABLE thr_area_months AS ${thrAreaMonthsSelectSql('incidents')}`);
				sampleAggregate = await runScoringTimings(native, { ...timing, month: sampleMonth, source: 'thr_area_months' });
				if (!baseRows) sample = skipped(sampleAggregate);
			}
		} finally {
			native.close();
		}
		const sampleRow: Row = { label: `City of London sample, ${sampleMonth}`, native: sample, browser: null, browserNote: null, nativeAggregate: sampleAggregate };
		if (server) {
			try {
				sampleRow.browser = await inBrowser(server.url, {
					...timing,
					data: { kind: 'sample', url: 'sample-incidents.arrow', forceAreaUrl: 'sample-force_area.arrow' },
					month: sampleMonth,
					baseRows
				});
			} catch (e) {
				sampleRow.browserNote = `failed: ${(e as Error).message.slice(0, 300)}`;
			}
		}
		out.push(sampleRow);

		// 2. Synthetic national scale, with a force area of all its areas (thr-data.ts).
		const synthMonth = '2019-12';
		let synth: ScoringTimings | null = null;
		let synthAggregate: ScoringTimings | null = null;
		if (nativeTimed) {
			const scaled = await createNodeRunner();
			try {
				const t = performance.now();
				await createSyntheticIncidents(scaled, { areas, months, rows, categories });
				const [{ n }] = await scaled.rows<{ n: number }>('SELECT count(*) AS n FROM thr_area_months');
				log(`  (synthetic table, its force area and thr_area_months (${Number(n).toLocaleString('en-GB')} rows) built natively in ${secs(performance.now() - t)})`);
				synthAggregate = await runScoringTimings(scaled, { ...timing, month: synthMonth, source: 'thr_area_months' });
				synth = baseRows ? await runScoringTimings(scaled, { ...timing, month: synthMonth }) : skipped(synthAggregate);
			} finally {
				scaled.close();
			}
		}
		const synthRow: Row = { label: `synthetic ${areas.toLocaleString('en-GB')} areas × ${months} months`, native: synth, browser: null, browserNote: null, nativeAggregate: synthAggregate };
		out.push(synthRow);
		if (server) {
			const tries = [1, 3, 10];
			const failures: string[] = [];
			for (const div of tries) {
				const a = Math.round(areas / div);
				const r = Math.round(rows / div);
				try {
					const b = await inBrowser(server.url, { ...timing, data: { kind: 'synthetic', areas: a, months, rows: r, categories }, month: synthMonth, baseRows, trace });
					if (div === 1) synthRow.browser = b;
					else if (!nativeTimed) out.push({ label: `synthetic ${a.toLocaleString('en-GB')} areas × ${months} months`, native: null, browser: b, browserNote: null, nativeAggregate: null });
					else {
						const scaledNative = await createNodeRunner();
						try {
							await createSyntheticIncidents(scaledNative, { areas: a, months, rows: r, categories });
							const na = await runScoringTimings(scaledNative, { ...timing, month: synthMonth, source: 'thr_area_months' });
							const n = baseRows ? await runScoringTimings(scaledNative, { ...timing, month: synthMonth }) : skipped(na);
							out.push({ label: `synthetic ${a.toLocaleString('en-GB')} areas × ${months} months`, native: n, browser: b, browserNote: null, nativeAggregate: na });
						} finally {
							scaledNative.close();
						}
					}
					break;
				} catch (e) {
					failures.push(`${a.toLocaleString('en-GB')} areas (${r.toLocaleString('en-GB')} rows): ${(e as Error).message.slice(0, 200)}`);
				}
			}
			if (failures.length) synthRow.browserNote = `could not run: ${failures.join(' | ')}`;
		}
	} finally {
		await server?.close();
		rmSync(dir, { recursive: true, force: true });
	}
	log(
		`THR scoring, all areas of one month and the Priorities page's ${trend}-month trend, native vs browser: median of ${repeats} run${repeats === 1 ? '' : 's'} each after a warm-up (native runs: fastest–slowest); ÷ ${reference.replace(/^thr (\d+)\..*$/, 'v$1')} = the figure over ${reference}'s on the same engine:`
	);
	print(out, reference, log);
	log(`THR scoring from the pre-aggregate thr_area_months (ours) beside the base rows (the reference, today's path), same results; median of ${repeats} run${repeats === 1 ? '' : 's'}:`);
	for (const line of thrSourceLines(out)) log(`  ${line}`);
	for (const r of out) {
		for (const t of r.browser?.traces ?? []) {
			log(`Queries of one run, ${r.label}, ${t.what}, browser: ${secs(t.ms)} in all, ${secs(t.queries.reduce((s, q) => s + q.ms, 0))} in ${t.queries.length} queries`);
			for (const q of t.queries) log(`  ${secs(q.ms).padStart(8)}  ${q.sql}`);
		}
	}
	return out;
}

/** One step scored both ways: base rows (reference) and the pre-aggregate, natively and in the browser (ms, null when not run). */
export interface ThrSourceFigure {
	set: string;
	what: string;
	nativeBase: number | null;
	nativeAggregate: number | null;
	browserBase: number | null;
	browserAggregate: number | null;
}

/** The figures of {@link benchThr}'s rows, base rows beside the pre-aggregate, for a bench table. */
export function thrSourceFigures(rows: readonly Row[]): ThrSourceFigure[] {
	const out: ThrSourceFigure[] = [];
	for (const r of rows) {
		// The pre-aggregate's steps are the base rows' (same models, same trend); the base rows may not have been timed (BENCH_THR_BASE=0).
		const any = r.nativeAggregate ?? r.browser?.aggregate ?? r.native ?? r.browser;
		if (!any) continue;
		any.byModel.forEach((m, i) =>
			out.push({
				set: r.label,
				what: `${m.model}, one month (${m.areas.toLocaleString('en-GB')} areas)`,
				nativeBase: r.native?.byModel[i]?.ms ?? null,
				nativeAggregate: r.nativeAggregate?.byModel[i]?.ms ?? null,
				browserBase: r.browser?.byModel[i]?.ms ?? null,
				browserAggregate: r.browser?.aggregate.byModel[i]?.ms ?? null
			})
		);
		any.trend.forEach((m, i) =>
			out.push({
				set: r.label,
				what: `${m.model}, ${any.trendMonths}-month trend`,
				nativeBase: r.native?.trend[i]?.ms ?? null,
				nativeAggregate: r.nativeAggregate?.trend[i]?.ms ?? null,
				browserBase: r.browser?.trend[i]?.ms ?? null,
				browserAggregate: r.browser?.aggregate.trend[i]?.ms ?? null
			})
		);
	}
	return out;
}

/** Printable lines of {@link thrSourceFigures}: per set, each step's base-row and pre-aggregate times and their ratio, natively and in the browser. */
export function thrSourceLines(rows: readonly Row[]): string[] {
	const lines = [`${'what'.padEnd(44)} ${'native base'.padStart(11)} ${'native agg'.padStart(10)} ${'÷'.padStart(6)} ${'browser base'.padStart(12)} ${'browser agg'.padStart(11)} ${'÷'.padStart(6)}`];
	let set = '';
	for (const f of thrSourceFigures(rows)) {
		if (f.set !== set) lines.push((set = f.set));
		lines.push(
			`  ${f.what.padEnd(42)} ${secs(f.nativeBase).padStart(11)} ${secs(f.nativeAggregate).padStart(10)} ${ratio(f.nativeAggregate, f.nativeBase).padStart(6)} ${secs(f.browserBase).padStart(12)} ${secs(f.browserAggregate).padStart(11)} ${ratio(f.browserAggregate, f.browserBase).padStart(6)}`
		);
	}
	return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	benchThr().catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
