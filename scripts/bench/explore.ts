/**
 * In-browser benchmark of the Map and Time views (headless Chromium against the built app),
 * printed next to the same aggregate queries on native DuckDB (@duckdb/node-api), as ratios.
 *
 * Data: the shipped City of London sample, and seeded SYNTHETIC sets derived from real rows
 * (street: scripts/bench/synthetic.ts; timestamped: Chicago assaults drawn with replacement),
 * built by the same extract builder (with the pre-aggregates) and served with the production
 * server. Sizes: BENCH_EXPLORE_ROWS (comma list, default 1000000; npm run bench: 1000000,10000000);
 * sets: BENCH_EXPLORE_SETS (comma list of sample, street, chicago, national; default the first
 * three; npm run bench: all four). The
 * national set is scripts/bench/national.ts's SYNTHETIC 43-force set (BENCH_NATIONAL_ROWS a year,
 * default 6000000, over BENCH_NATIONAL_YEARS, default 1), built as `npm start -- --data <folder>`
 * builds it (start.ts's ensureFolderExtract) and served the same way.
 *
 * Per set and page (/time, /map):
 * - cold start: navigation start → `clearsight:explore-ready` (every view first drawn);
 * - filter change: ~30 changes through the filter bar (period, categories), each timed by
 *   the page as `clearsight:filter-update` (until every linked view shows the new state), p50/p95;
 * - peak JS heap of the page (CDP Performance.getMetrics JSHeapUsedSize) and peak memory of the
 *   Chromium renderer processes (they hold the page and its DuckDB-wasm worker, whose memory the JS
 *   heap does not show), read from /proc/<pid>/status of the renderers this run started: VmHWM
 *   (the kernel's peak resident set of the process) of the largest renderer, and the peak of their
 *   summed VmRSS as sampled after each change. Each page runs in a fresh browser, so a page's
 *   figure is its own;
 * - native: the questions the page answers for each of the same filter states, as SQL over the same
 *   pre-aggregates and roll-ups (nativeTimes: Time: month × category counts, the filter bar's
 *   category counts, records without a location, hour of week; Map: the same plus the cell layer at
 *   the level the page drew), p50/p95, with what each side did per change in one line (the page's
 *   queries to DuckDB-wasm, counted in the page; the native questions asked);
 * - the WebGL frames the page drew per change.
 */
import { execFileSync } from 'node:child_process';
import { rendererMemory } from './renderers';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CDPSession, Page } from 'playwright-core';
import { buildExtracts, ATTRIBUTION } from '../lib/extracts';
import { createNodeRunner } from '../lib/node-runner';
import { loadInput } from '../lib/load-input';
import { SAMPLE_AREAS } from '../lib/sample';
import { startServer } from '../lib/server';
import { launchBrowser } from '../../web/tests/browser';
import { ensureHarmWeights } from '../../analytics/thr';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { CELL_LEVELS, defaultFilters, filtersToUrl, type CellLevel, type ExploreDataset, type ExploreFilters } from '../../analytics/explore/filters';
import { TIMESTAMPED } from '../../analytics/explore/aggregates';
import { rollup, whereOf } from '../../analytics/explore/query-base';
import { cellValues, exploreDatasets, hourOfWeek } from '../../analytics/explore/queries';
import { mulberry32, writeSyntheticStreet } from './synthetic';
import { writeNationalSet } from './national';
import { ensureFolderExtract } from '../start';

const OUT = 'bench-out';
const CHANGES = Number(process.env.BENCH_EXPLORE_CHANGES ?? 30);
/** Pages to run (BENCH_EXPLORE_PAGES, comma list of time, map; default both). */
const PAGES = (process.env.BENCH_EXPLORE_PAGES ?? 'time,map')
	.split(',')
	.map((s) => s.trim())
	.filter((s): s is 'time' | 'map' => s === 'time' || s === 'map');

export interface BenchSet {
	label: string;
	/** The extract (manifest.json). */
	dir: string;
	/** The folder the app is served with, when not `dir` (a sources.json root). */
	serveDir?: string;
	dataset: ExploreDataset;
	rows: number;
}

export function pct(xs: number[], p: number): number {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function fmtMs(v: number): string {
	return Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : 'n/a';
}

export function manifestOf(dir: string): ExtractManifest | null {
	const p = join(dir, 'manifest.json');
	return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as ExtractManifest) : null;
}

function fresh(dir: string, rows: number): boolean {
	const m = manifestOf(dir);
	return !!m && m.totals.rows_in === rows && m.datasets.some((d) => d.name === 'explore_points');
}

/** Seeded synthetic Chicago-style events: real rows drawn with replacement, timestamps kept. */
function writeSyntheticChicago(outDir: string, rows: number, seed = 20261123): string {
	const file = join(outDir, 'synthetic-chicago-assaults.csv');
	const stamp = join(outDir, 'README.md');
	const description = `SYNTHETIC data for benchmarks, not real records: ${rows} rows drawn with replacement (seed ${seed}) from the real Chicago aggravated assaults 2010-2017.\n`;
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === description && existsSync(file)) return file;
	mkdirSync(outDir, { recursive: true });
	const lines = gunzipSync(readFileSync('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz')).toString('utf8').split(/\r?\n/);
	const header = lines[0];
	const body = lines.slice(1).filter((l) => l.trim() !== '');
	const random = mulberry32(seed);
	// Written in chunks: 10M rows are more text than one JavaScript string may hold.
	const fd = openSync(file, 'w');
	try {
		writeSync(fd, header + '\n');
		for (let i = 0; i < rows; ) {
			const chunk: string[] = [];
			for (let k = 0; k < 100_000 && i < rows; k++, i++) chunk.push(body[Math.floor(random() * body.length)]);
			writeSync(fd, chunk.join('\n') + '\n');
		}
	} finally {
		closeSync(fd);
	}
	writeFileSync(stamp, description);
	return file;
}

export async function prepareSets(sizes: number[], log: (l: string) => void): Promise<BenchSet[]> {
	const sets: BenchSet[] = [];
	const want = new Set((process.env.BENCH_EXPLORE_SETS ?? 'sample,street,chicago').split(',').map((s) => s.trim()));
	const sample = 'extracts/sample/city-of-london';
	if (want.has('sample')) {
		if (!manifestOf(sample)?.datasets.some((d) => d.name === 'explore_points')) {
			execFileSync('npx', ['tsx', 'scripts/build-extracts.ts', '--sample'], { stdio: 'inherit' });
		}
		sets.push({ label: 'sample street (real)', dir: sample, dataset: 'incidents', rows: manifestOf(sample)!.totals.accepted });
	}
	for (const n of sizes) {
		const tag = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
		const streetCsv = join(OUT, `synthetic-street-${n}`);
		const streetDir = join(OUT, `explore-street-${n}`);
		if (want.has('street') && !fresh(streetDir, n)) {
			writeSyntheticStreet({ sourceDir: 'sample-data/police-uk/city-of-london/street', outDir: streetCsv, rows: n });
			const t = performance.now();
			await buildExtracts({ inputs: [streetCsv], out: streetDir, areas: SAMPLE_AREAS });
			log(`  built ${streetDir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
		}
		if (want.has('street')) sets.push({ label: `synthetic street ${tag}`, dir: streetDir, dataset: 'incidents', rows: n });
		const chiCsv = join(OUT, `synthetic-chicago-${n}`);
		const chiDir = join(OUT, `explore-chicago-${n}`);
		if (want.has('chicago') && !fresh(chiDir, n)) {
			const file = writeSyntheticChicago(chiCsv, n);
			const t = performance.now();
			await buildExtracts({
				inputs: [file],
				out: chiDir,
				areas: null,
				constants: { category: 'Aggravated assault' },
				districts: { file: 'sample-data/chicago/chicago_police_districts.kml', attribution: ATTRIBUTION.chicago },
				attribution: [{ dataset: 'events', ...ATTRIBUTION.chicago }]
			});
			log(`  built ${chiDir} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
		}
		if (want.has('chicago')) sets.push({ label: `synthetic Chicago ${tag}`, dir: chiDir, dataset: 'events', rows: n });
	}
	if (want.has('national')) sets.push(await prepareNational(log));
	return sets;
}

/** The national set's size from the environment: rows a year and years, and its folder (BENCH_NATIONAL_DIR, default bench-out/national-<rows>-<years>y). */
export function nationalSize(): { rowsPerYear: number; years: number; dir: string } {
	const rowsPerYear = Number(process.env.BENCH_NATIONAL_ROWS ?? 6_000_000);
	const years = Number(process.env.BENCH_NATIONAL_YEARS ?? 1);
	return { rowsPerYear, years, dir: process.env.BENCH_NATIONAL_DIR ?? join(OUT, `national-${rowsPerYear}-${years}y`) };
}

/** The SYNTHETIC national set (written unless there) and its extract, built as `npm start -- --data` builds it. */
export async function prepareNational(log: (l: string) => void): Promise<BenchSet> {
	const { rowsPerYear, years, dir } = nationalSize();
	const g = await writeNationalSet({ out: dir, rowsPerYear, years, seed: 1 });
	log(`  national SYNTHETIC set ${dir}: ${g.rows.toLocaleString('en-GB')} records, ${g.files.length} files${g.reused ? ' (already there)' : `, written in ${(g.elapsedMs / 1000).toFixed(1)} s`}`);
	const t = performance.now();
	const root = await ensureFolderExtract(dir, (l) => {
		if (!l.startsWith('  read ') && !/records fall within another force/.test(l)) log(l);
	});
	log(`  national extract ready in ${((performance.now() - t) / 1000).toFixed(1)} s (${root})`);
	return { label: `national SYNTHETIC ${((rowsPerYear * years) / 1e6).toFixed(1)}M`, dir: join(root, basename(dir)), serveDir: root, dataset: 'incidents', rows: g.rows };
}

/** The filter states the browser run steps through, replayed natively (and by the Mosaic peer, mosaic.ts). */
export function changeStates(base: ExploreFilters, months: string[], categories: string[], n: number): ExploreFilters[] {
	const states: ExploreFilters[] = [];
	let f = base;
	for (let i = 0; i < n; i++) {
		if (i % 2 === 0 && months.length > 2) {
			const from = months[(i * 7) % Math.max(1, months.length - 1)];
			f = { ...f, from: from === f.from ? null : from };
		} else if (categories.length > 0) {
			const c = categories[i % Math.min(5, categories.length)];
			f = { ...f, categories: f.categories.includes(c) ? f.categories.filter((x) => x !== c) : [...f.categories, c] };
		}
		states.push(f);
	}
	return states;
}

/** The native reference of one page: per change, the time to answer what the page needs for it, and how many SQL queries that took. */
interface NativePage {
	ms: number[];
	queries: number[];
}

/**
 * The questions a filter change puts to the data on a page, answered natively as SQL over the same
 * pre-aggregates and roll-ups the page reads: the month × category counts under the filters (trend,
 * matrix, summary line), the same without the category choice (the filter bar's counts), the records
 * without a location (summary line), the hour of week (timestamped datasets) and, on /map, the layer's
 * cells at the level the page draws. The page sums the first three in JavaScript from the roll-ups'
 * rows it holds (analytics/explore/time-views.ts) and the layer from its cell cube (cell-cube.ts);
 * here each is the SQL the page runs where those do not apply. Like the page's cache
 * (web/lib/db/query.svelte.ts `cached`), a question answered before is not asked again.
 */
async function nativeTimes(set: BenchSet, states: ExploreFilters[], level: CellLevel): Promise<{ time: NativePage; map: NativePage; load: number }> {
	const runner = await createNodeRunner();
	try {
		const t0 = performance.now();
		await loadInput(runner, [set.dir], { verify: false });
		const weights = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;
		await ensureHarmWeights(runner, weights);
		const load = performance.now() - t0;
		await exploreDatasets(runner);
		const timestamped = TIMESTAMPED[set.dataset];
		for (const table of ['explore_months', 'explore_unlocated', ...(timestamped ? ['explore_week' as const] : [])] as const) await rollup(runner, table);
		const monthCounts = (f: ExploreFilters) => {
			const w = whereOf(f, { on: 'aggregate' });
			return runner.columns(`SELECT category, month_index, sum(n)::BIGINT AS n FROM explore_months WHERE ${w.sql} GROUP BY ALL`, w.params);
		};
		const unlocated = (f: ExploreFilters) => {
			const w = whereOf(f, { on: 'aggregate' });
			return runner.rows(`SELECT coalesce(sum(n), 0)::BIGINT AS n FROM explore_unlocated WHERE ${w.sql}`, w.params);
		};
		const run = async (withLayer: boolean): Promise<NativePage> => {
			const answered = new Set<string>();
			let asked = 0;
			const ask = async (key: string, question: () => Promise<unknown>) => {
				if (answered.has(key)) return;
				answered.add(key);
				asked++;
				await question();
			};
			const change = async (f: ExploreFilters) => {
				const key = filtersToUrl(f).toString();
				const all = { ...f, categories: [] };
				await ask(`counts:${key}`, () => monthCounts(f));
				await ask(`counts:${filtersToUrl(all)}`, () => monthCounts(all));
				await ask(`unlocated:${key}`, () => unlocated(f));
				if (timestamped) await ask(`hours:${key}`, () => hourOfWeek(runner, f));
				// The layer from the level's roll-up in SQL, not the cube (maxRows 0 keeps the cube out).
				if (withLayer) await ask(`layer:${level}:${key}`, () => cellValues(runner, f, level, { cube: { maxRows: 0 } }));
			};
			// The opening state, answered as the page answered it when it opened.
			await change({ ...defaultFilters(), dataset: set.dataset });
			const ms: number[] = [];
			const queries: number[] = [];
			for (const f of states) {
				const before = asked;
				const t = performance.now();
				await change(f);
				ms.push(performance.now() - t);
				queries.push(asked - before);
			}
			return { ms, queries };
		};
		const none: NativePage = { ms: [], queries: [] };
		return { time: PAGES.includes('time') ? await run(false) : none, map: PAGES.includes('map') ? await run(true) : none, load };
	} finally {
		runner.close();
	}
}

export interface BrowserRun {
	coldMs: number;
	updates: number[];
	/** Durations of the page's other `clearsight:*` measures during the filter changes (per view and step). */
	parts: Record<string, number[]>;
	skipped: number;
	heapPeak: number;
	/** Peak of the renderers' summed VmRSS, as sampled. */
	rssPeak: number;
	/** Largest renderer VmHWM (kernel peak resident set) at the end of the run. */
	hwmPeak: number;
	/** The map's level and cells when the page opened ('' on /time). */
	opened: string;
	/** The error shown after each change that ended with one (a view that could not be computed). */
	failed: string[];
	/** WebGL frames the page drew during each change (one per animation frame that cleared a WebGL2 canvas). */
	frames: number[];
	/** Queries the page sent to its DuckDB-wasm worker during each change. */
	queries: number[];
}

/**
 * Counts what a page does per change, installed before the page's own scripts (the page is not
 * changed): the WebGL frames it draws (maplibre clears its canvas at the start of every frame it
 * renders, and may clear again within it for stencil masks, so an animation frame with at least one
 * WebGL2 clear is one frame drawn) and the queries it sends to a DuckDB-wasm worker (the worker
 * requests that run a statement; preparing one is not counted).
 */
function countPageWork(): void {
	const run = new Set(['RUN_QUERY', 'START_PENDING_QUERY', 'RUN_PREPARED', 'SEND_PREPARED']);
	const counts = window as unknown as { __benchDuckdbQueries: number };
	counts.__benchDuckdbQueries = 0;
	const post = Worker.prototype.postMessage;
	Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: Transferable[] | StructuredSerializeOptions) {
		const type = (message as { type?: unknown } | null)?.type;
		if (typeof type === 'string' && run.has(type)) counts.__benchDuckdbQueries++;
		return post.call(this, message, transfer as StructuredSerializeOptions);
	} as typeof post;

	const proto = WebGL2RenderingContext.prototype;
	const clear = proto.clear;
	const w = window as unknown as { __benchWebglFrames: number };
	w.__benchWebglFrames = 0;
	let inFrame = false;
	proto.clear = function (this: WebGL2RenderingContext, mask: number) {
		if (!inFrame) {
			inFrame = true;
			w.__benchWebglFrames++;
			// A frame's draw calls run in one task; the next microtask checkpoint ends it.
			queueMicrotask(() => (inFrame = false));
		}
		return clear.call(this, mask);
	};
}

export async function browserRun(page: Page, url: string, steps: number): Promise<BrowserRun> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Performance.enable');
	let heapPeak = 0;
	let rssPeak = 0;
	let hwmPeak = 0;
	const sample = async () => {
		const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
		heapPeak = Math.max(heapPeak, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
		const mem = rendererMemory();
		rssPeak = Math.max(rssPeak, mem.rss);
		hwmPeak = Math.max(hwmPeak, mem.hwm);
	};
	await page.addInitScript(countPageWork);
	await page.goto(url);
	await page.waitForFunction(() => document.documentElement.dataset.exploreReady === 'true', null, { timeout: 600_000 });
	const coldMs = await page.evaluate(() => performance.getEntriesByName('clearsight:explore-ready')[0]?.startTime ?? NaN);
	// What the page opened on: the map's level and its cells table's caption (cells and records).
	const opened = await page.evaluate(() => {
		const level = document.querySelector('.map-area')?.getAttribute('data-level');
		const caption = document.querySelector('[data-testid="cells-table"] caption')?.textContent?.trim();
		return level ? `${level}: ${caption ?? 'no cells table'}` : '';
	});
	// BENCH_EXPLORE_MAP_HEIGHT=<px>: the map drawn that many CSS pixels high (30rem as shipped), to
	// see how much of a change is the canvas' size (software WebGL draws and reads back every pixel).
	// A diagnosis only: the figures are not the page's.
	const mapHeight = Number(process.env.BENCH_EXPLORE_MAP_HEIGHT ?? 0);
	if (mapHeight > 0 && (await page.locator('[data-testid="map"]').count()) > 0) {
		await page.locator('[data-testid="map"]').evaluate((el, h) => ((el as HTMLElement).style.height = `${h}px`), mapHeight);
		await page.waitForTimeout(500);
		await page.waitForFunction(() => document.querySelector('[data-testid="map"]')?.getAttribute('data-state') === 'idle', null, { timeout: 60_000 });
	}
	await sample();
	const months = await page.$$eval('#explore-from option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''));
	await page.locator('[data-testid="category-picker"] summary').click();
	const categories = await page.$$eval('[data-testid="category-picker"] input[type="checkbox"]', (is) => is.map((i) => (i as HTMLInputElement).value));
	const updates: number[] = [];
	const frames: number[] = [];
	const queries: number[] = [];
	const counted = () => page.evaluate(() => {
		const w = window as unknown as { __benchWebglFrames?: number; __benchDuckdbQueries?: number };
		return { frames: w.__benchWebglFrames ?? 0, queries: w.__benchDuckdbQueries ?? 0 };
	});
	/** The error a view showed after a change (e.g. a layer that could not be computed), one per such change. */
	const failed: string[] = [];
	const parts: Record<string, number[]> = {};
	let skipped = 0;
	await page.evaluate(() => performance.clearMeasures());
	// BENCH_EXPLORE_PROFILE=<file>: the page's main-thread CPU profile over the changes (Chrome DevTools format).
	const profile = process.env.BENCH_EXPLORE_PROFILE;
	if (profile) {
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
		await cdp.send('Profiler.start');
	}
	// BENCH_EXPLORE_TRACE=<file>: a Chromium performance trace over the changes (every process: the
	// page's main thread, maplibre's workers, the GPU process drawing the WebGL frame), for
	// chrome://tracing or the DevTools Performance panel.
	const trace = process.env.BENCH_EXPLORE_TRACE;
	if (trace) await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES, transferMode: 'ReturnAsStream' });
	for (let i = 0; i < steps; i++) {
		const before = await page.evaluate(() => performance.getEntriesByName('clearsight:filter-update').length);
		const countedBefore = await counted();
		if (i % 2 === 0 && months.length > 2) {
			const current = await page.locator('#explore-from').inputValue();
			const from = months[(i * 7) % Math.max(1, months.length - 1)];
			await page.selectOption('#explore-from', from === current ? '' : from);
		} else if (categories.length > 0) {
			const c = categories[i % Math.min(5, categories.length)];
			const box = page.locator(`[data-testid="category-picker"] input[value="${c.replaceAll('"', '\\"')}"]`);
			if (!(await box.isVisible())) await page.locator('[data-testid="category-picker"] summary').click();
			await box.click();
		}
		const ok = await page
			.waitForFunction((n) => performance.getEntriesByName('clearsight:filter-update').length > n, before, { timeout: 120_000 })
			.then(() => true)
			.catch(() => false);
		if (!ok) {
			skipped++;
			continue;
		}
		updates.push(await page.evaluate(() => performance.getEntriesByName('clearsight:filter-update').at(-1)!.duration));
		const countedAfter = await counted();
		frames.push(countedAfter.frames - countedBefore.frames);
		queries.push(countedAfter.queries - countedBefore.queries);
		const alert = await page.evaluate(() => document.querySelector('p.error[role="alert"]')?.textContent?.trim().slice(0, 200) ?? '');
		if (alert) failed.push(alert);
		await sample();
	}
	if (profile) {
		const { profile: p } = (await cdp.send('Profiler.stop')) as { profile: unknown };
		writeFileSync(profile.replace(/(\.cpuprofile)?$/, `-${new URL(url).pathname.slice(1) || 'page'}.cpuprofile`), JSON.stringify(p));
	}
	if (trace) await saveTrace(cdp, trace.replace(/(\.json)?$/, `-${new URL(url).pathname.slice(1) || 'page'}.json`));
	const measures = await page.evaluate(() =>
		performance.getEntriesByType('measure').filter((e) => e.name.startsWith('clearsight:') && e.name !== 'clearsight:filter-update').map((e) => [e.name, e.duration] as const)
	);
	for (const [name, duration] of measures) (parts[name.slice('clearsight:'.length)] ??= []).push(duration);
	await sample();
	await cdp.detach();
	return { coldMs, updates, parts, skipped, heapPeak, rssPeak, hwmPeak, opened, failed, frames, queries };
}

const MB = 1024 * 1024;

/** Counts per change as "median 1 (0: 2×, 1: 27×, 2: 1×)". */
export function framesText(perChange: readonly number[]): string {
	const counts = new Map<number, number>();
	for (const n of perChange) counts.set(n, (counts.get(n) ?? 0) + 1);
	const spread = [...counts].sort(([a], [b]) => a - b).map(([n, k]) => `${n}: ${k}×`);
	return `median ${pct([...perChange], 50)} (${spread.join(', ')})`;
}

/** One line saying what each side did per change: the page's DuckDB-wasm queries, and the native reference's SQL questions. */
function askedText(view: 'time' | 'map', r: BrowserRun, native: NativePage, level: CellLevel, timestamped: boolean): string {
	const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
	const questions = ['month × category counts', 'the same without the category choice', 'records without a location', ...(timestamped ? ['hour of week'] : []), ...(view === 'map' ? [`the ${level} layer`] : [])];
	const page = `page: ${sum(r.queries)} queries to DuckDB-wasm over ${r.queries.length} changes (per change ${framesText(r.queries)}; the rest from its cache or summed in JavaScript from the roll-up rows and cell cubes it holds)`;
	const nat =
		native.ms.length === 0
			? 'native: not run'
			: `native: ${sum(native.queries)} questions in SQL over ${native.ms.length} changes (per change ${framesText(native.queries)}; of ${questions.join(', ')}; one asked before is answered from the cache, as on the page)`;
	return `each side: ${page} | ${nat}`;
}

/** What BENCH_EXPLORE_TRACE records: the timeline, the page's user timing marks, GPU and compositor work. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'gpu', 'viz', 'cc', 'toplevel', 'v8.execute'].join(',');

/** End the trace started on `cdp` and write it to `file` (JSON, Chrome's trace event format). */
async function saveTrace(cdp: CDPSession, file: string): Promise<void> {
	const done = new Promise<string>((resolve) => cdp.once('Tracing.tracingComplete', (e: { stream?: string }) => resolve(e.stream ?? '')));
	await cdp.send('Tracing.end');
	const stream = await done;
	const chunks: string[] = [];
	for (;;) {
		const r = (await cdp.send('IO.read', { handle: stream })) as { data: string; eof: boolean; base64Encoded?: boolean };
		chunks.push(r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data);
		if (r.eof) break;
	}
	await cdp.send('IO.close', { handle: stream });
	writeFileSync(file, chunks.join(''));
}

/** One set and page of the explore bench, for the summary table (run.ts). */
export interface ExploreFigures {
	set: string;
	rows: number;
	view: 'time' | 'map';
	/** Why the browser run did not complete, if it did not. */
	error?: string;
	coldMs: number;
	p50: number;
	p95: number;
	changes: number;
	nativeP50: number;
	nativeP95: number;
	heapPeak: number;
	rssPeak: number;
	hwmPeak: number;
}

export async function benchExplore({ log }: { log: (line: string) => void }): Promise<ExploreFigures[]> {
	const figures: ExploreFigures[] = [];
	const sizes = (process.env.BENCH_EXPLORE_ROWS ?? '1000000')
		.split(',')
		.map((s) => Number(s.trim()))
		.filter((n) => Number.isFinite(n) && n > 0);
	if (!existsSync('build/index.html')) execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	mkdirSync(OUT, { recursive: true });
	log(`Map and Time views in headless Chromium (DuckDB-wasm) vs the same queries on native DuckDB; ${CHANGES} filter changes per page`);
	const sets = await prepareSets(sizes, log);
	for (const set of sets) {
		const m = manifestOf(set.dir)!;
		const size = (name: string) => {
			const d = m.datasets.find((x) => x.name === name);
			return d ? { rows: d.rows, bytes: d.format === 'arrow-ipc-stream' ? d.bytes : 0, onDemand: d.format === 'duckdb-table' } : undefined;
		};
		const base = m.datasets.filter((d) => ['incidents', 'stop_search', 'events'].includes(d.name)).reduce((s, d) => s + d.rows, 0);
		const pts = size('explore_points');
		const hrs = size('explore_hours');
		log(
			`${set.label}: ${base.toLocaleString('en-GB')} records; explore_points ${pts?.rows.toLocaleString('en-GB')} rows (${pts?.onDemand ? 'in base.duckdb, read on demand' : `${((pts?.bytes ?? 0) / MB).toFixed(1)} MB`}), ` +
				`explore_hours ${hrs?.rows.toLocaleString('en-GB')} rows (${((hrs?.bytes ?? 0) / MB).toFixed(1)} MB); all files ${((m.datasets.reduce((s, d) => s + (d.format === 'arrow-ipc-stream' ? d.bytes : 0), 0) + (m.base_database?.bytes ?? 0)) / MB).toFixed(0)} MB`
		);

		// BENCH_BUILD_DIR: a copy of the app's build to serve (default build/).
		const server = await startServer({ buildDir: process.env.BENCH_BUILD_DIR ?? 'build', dataDir: set.serveDir ?? set.dir });
		const runs: Record<string, BrowserRun | string> = {};
		try {
			// A fresh browser per page, so each page's renderer memory is its own.
			for (const view of PAGES) {
				const browser = await launchBrowser();
				try {
					const page = await browser.newPage();
					runs[view] = await browserRun(page, `${server.url}/${view}?ds=${set.dataset}`, CHANGES);
					await page.close();
				} catch (e) {
					runs[view] = e instanceof Error ? e.message.split('\n')[0] : String(e);
				} finally {
					const problems = browser.takeProblems().filter((p) => p.kind !== 'console' || !/GPU stall/.test(p.text));
					if (problems.length > 0) log(`  /${view} browser problems: ${problems.slice(0, 3).map((p) => `${p.kind}: ${p.text.slice(0, 160)}`).join(' | ')}`);
					await browser.close();
				}
			}
		} finally {
			await server.close();
		}

		const runner = await createNodeRunner();
		let months: string[] = [];
		let categories: string[] = [];
		try {
			await loadInput(runner, [set.dir], { verify: false, datasets: ['explore_points', 'explore_hours'] });
			const ds = (await exploreDatasets(runner)).find((d) => d.dataset === set.dataset);
			if (ds) {
				for (let y = Number(ds.firstMonth.slice(0, 4)), mo = Number(ds.firstMonth.slice(5)); `${y}-${String(mo).padStart(2, '0')}` <= ds.lastMonth; mo === 12 ? (y++, (mo = 1)) : mo++) {
					months.push(`${y}-${String(mo).padStart(2, '0')}`);
				}
				categories = ds.categories.map((c) => c.category).filter((c): c is string => c !== null);
			}
		} finally {
			runner.close();
		}
		const states = changeStates({ ...defaultFilters(), dataset: set.dataset }, months, categories, CHANGES);
		// The level the map drew (its layer's questions are asked natively at that level).
		const mapRun = runs.map;
		const opened = typeof mapRun === 'object' ? (mapRun.opened.split(':')[0] as CellLevel) : '';
		const level: CellLevel = (CELL_LEVELS as readonly string[]).includes(opened) ? (opened as CellLevel) : set.dataset === 'events' ? 'district' : 'h3_9';
		// BENCH_EXPLORE_NATIVE=0 leaves the native replay out (a quicker browser-only run).
		const none: NativePage = { ms: [], queries: [] };
		const native = process.env.BENCH_EXPLORE_NATIVE === '0' ? { time: none, map: none, load: NaN } : await nativeTimes(set, states, level);
		for (const view of PAGES) {
			const r = runs[view];
			const nativePage = view === 'time' ? native.time : native.map;
			const nat = nativePage.ms;
			const n50 = pct(nat, 50);
			const n95 = pct(nat, 95);
			if (typeof r === 'string') {
				log(`  /${view}: did not complete in the browser: ${r}`);
				figures.push({ set: set.label, rows: set.rows, view, error: r, coldMs: NaN, p50: NaN, p95: NaN, changes: 0, nativeP50: n50, nativeP95: n95, heapPeak: NaN, rssPeak: NaN, hwmPeak: NaN });
				continue;
			}
			const p50 = pct(r.updates, 50);
			const p95 = pct(r.updates, 95);
			figures.push({ set: set.label, rows: set.rows, view, coldMs: r.coldMs, p50, p95, changes: r.updates.length, nativeP50: n50, nativeP95: n95, heapPeak: r.heapPeak, rssPeak: r.rssPeak, hwmPeak: r.hwmPeak });
			log(
				`  /${view.padEnd(4)} cold start ${fmtMs(r.coldMs)}; filter change p50 ${fmtMs(p50)} p95 ${fmtMs(p95)} (${r.updates.length} changes${r.skipped ? `, ${r.skipped} without an update` : ''})` +
					` | native, the same questions in SQL, p50 ${fmtMs(n50)} p95 ${fmtMs(n95)} | ratio p50 ${(p50 / n50).toFixed(1)}× p95 ${(p95 / n95).toFixed(1)}×` +
					` | peak JS heap ${(r.heapPeak / MB).toFixed(0)} MB, renderer peak (VmHWM) ${(r.hwmPeak / MB).toFixed(0)} MB, renderers' VmRSS sampled peak ${(r.rssPeak / MB).toFixed(0)} MB`
			);
			if (r.opened) log(`         opened on ${r.opened}`);
			if (view === 'map' && Number(process.env.BENCH_EXPLORE_MAP_HEIGHT ?? 0) > 0)
				log(`         map canvas ${process.env.BENCH_EXPLORE_MAP_HEIGHT} px high (BENCH_EXPLORE_MAP_HEIGHT; 30rem as shipped): a diagnosis, not the page's figures`);
			if (r.failed.length > 0) log(`         ${r.failed.length} of ${r.updates.length} changes ended with an error shown: ${[...new Set(r.failed)].join(' | ')}`);
			if (r.frames.some((n) => n > 0)) log(`         WebGL frames per change: ${framesText(r.frames)}`);
			log(`         ${askedText(view, r, nativePage, level, TIMESTAMPED[set.dataset])}`);
			const parts = Object.entries(r.parts).sort(([a], [b]) => a.localeCompare(b));
			if (parts.length > 0) log(`         parts (n, p50, p95): ${parts.map(([name, xs]) => `${name} ${xs.length}× ${fmtMs(pct(xs, 50))}/${fmtMs(pct(xs, 95))}`).join('; ')}`);
		}
		log(`  native: load the extract into DuckDB ${(native.load / 1000).toFixed(1)} s (Arrow → appender)`);
	}
	return figures;
}

// `npx tsx scripts/bench/explore.ts` runs this part alone.
if (process.argv[1]?.endsWith('explore.ts')) {
	benchExplore({ log: (l) => console.log(l) }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
