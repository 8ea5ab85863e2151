/**
 * A peer in the bench: the Map and Time views' linked-filter interaction run by
 * `@uwdata/mosaic-core` (Coordinator, query cache, PreAggregator) beside ours, on the same data
 * and the same sequence of filter changes as scripts/bench/explore.ts, printed as ratios.
 *
 * Per set (explore.ts's sets: BENCH_EXPLORE_SETS, BENCH_EXPLORE_ROWS) and page (BENCH_EXPLORE_PAGES),
 * with BENCH_EXPLORE_CHANGES changes (default 30):
 * - ours, app: the built dashboard in headless Chromium, each change timed until every linked view
 *   has drawn (`clearsight:filter-update`, explore.ts's browserRun); BENCH_MOSAIC_APP=0 skips it;
 * - ours, queries: the views' analytics/explore queries on a bench page's DuckDB-wasm 1.32 instance
 *   (scripts/bench/mosaic/page.ts, bundled with esbuild into bench-out/mosaic/, not the app's build);
 * - Mosaic: its Coordinator on another connection to that SAME instance and data (a connector
 *   handing it Arrow IPC bytes), one client per view (scripts/bench/mosaic/clients.ts), each change
 *   timed until every client has its answer; with the pre-aggregate tables it made (count, time)
 *   and the changes answered from an existing one.
 * Every Mosaic answer is compared with ours for the same state; a difference is printed loudly.
 * `npx tsx scripts/bench/mosaic.ts` runs this part alone.
 */
import { createServer } from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { bundleBenchPage } from './page-bundle';
import sirv from 'sirv';
import { launchBrowser } from '../../web/tests/browser';
import { startServer } from '../lib/server';
import { extractsMiddleware } from '../lib/serve-extracts';
import { defaultFilters, type CellLevel } from '../../analytics/explore/filters';
import { browserRun, changeStates, fmtMs, pct, prepareSets, type BenchSet } from './explore';
import type { RunRequest, RunResult, SetupRequest, SetupResult } from './mosaic/page';

const OUT = 'bench-out';
const CHANGES = Number(process.env.BENCH_EXPLORE_CHANGES ?? 30);
const PAGES = (process.env.BENCH_EXPLORE_PAGES ?? 'time,map')
	.split(',')
	.map((s) => s.trim())
	.filter((s): s is 'time' | 'map' => s === 'time' || s === 'map');
const WITH_APP = process.env.BENCH_MOSAIC_APP !== '0';
/** Seconds one app page may take (cold start and every change). */
const APP_LIMIT_S = Number(process.env.BENCH_MOSAIC_APP_LIMIT ?? 300);

export interface MosaicFigures {
	set: string;
	page: 'time' | 'map';
	changes: number;
	/** p50/p95 per change, ms (null: not run or did not complete). */
	oursApp: { p50: number; p95: number } | null;
	oursQueries: { p50: number; p95: number };
	mosaic: { p50: number; p95: number };
	/** Changes during which Mosaic built pre-aggregate tables, and the time of those statements. */
	mosaicBuilds: { changes: number; statements: number; ms: number };
	/** Mosaic on the changes that built nothing (answered from existing pre-aggregates). */
	mosaicFromCube: { n: number; p50: number; p95: number };
	/** Mosaic with each input activated first (tables built before the change): the change, and the activation. */
	mosaicActivated: { p50: number; p95: number; activateP50: number; activateP95: number };
	mosaicFirstMs: number;
	oursFirstMs: number;
	cubes: { tables: number; rows: number };
	mismatches: string[];
	errors: string[];
}

/** Bundle the bench page and serve it, with the DuckDB-wasm files, and the extract under /data/. */
async function servePage(dir: string, dataDir: string): Promise<{ url: string; close: () => Promise<void> }> {
	const page = sirv(dir, { dev: true });
	// The app's data handler: byte ranges for base.duckdb, never compressed.
	const data = extractsMiddleware(dataDir);
	const server = createServer((req, res) => {
		const notFound = () => {
			res.statusCode = 404;
			res.end();
		};
		if (req.url?.startsWith('/data/')) {
			req.url = req.url.slice('/data'.length);
			data(req, res, notFound);
		} else page(req, res, notFound);
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const address = server.address() as { port: number };
	return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

function bundlePage(dir: string): Promise<void> {
	return bundleBenchPage('scripts/bench/mosaic/page.ts', dir, 'Mosaic peer bench');
}

interface Bench {
	setup(r: SetupRequest): Promise<SetupResult>;
	run(r: RunRequest): Promise<RunResult>;
}

async function peerRuns(set: BenchSet, dir: string): Promise<{ setup: SetupResult; runs: Map<'time' | 'map', RunResult | string> }> {
	const server = await servePage(dir, set.dir);
	const browser = await launchBrowser();
	const runs = new Map<'time' | 'map', RunResult | string>();
	try {
		const page = await browser.newPage();
		await page.goto(`${server.url}/index.html`);
		await page.waitForFunction(() => 'mosaicBench' in window);
		const setup = await page.evaluate((r) => (window as unknown as { mosaicBench: Bench }).mosaicBench.setup(r), { dataUrl: `${server.url}/data`, dataset: set.dataset });
		const states = changeStates({ ...defaultFilters(), dataset: set.dataset }, setup.months, setup.categories, CHANGES);
		const level: CellLevel = set.dataset === 'events' ? 'district' : 'h3_9';
		for (const view of PAGES) {
			try {
				runs.set(view, await page.evaluate((r) => (window as unknown as { mosaicBench: Bench }).mosaicBench.run(r), { view, level, states }));
			} catch (e) {
				runs.set(view, e instanceof Error ? e.message.split('\n')[0] : String(e));
			}
		}
		const problems = browser.takeProblems();
		if (problems.length > 0) runs.set(PAGES[0], `${typeof runs.get(PAGES[0]) === 'string' ? runs.get(PAGES[0]) + '; ' : ''}browser problems: ${problems.slice(0, 3).map((p) => `${p.kind}: ${p.text.slice(0, 160)}`).join(' | ')}`);
		return { setup, runs };
	} finally {
		await browser.close();
		await server.close();
	}
}

/** Ours in the dashboard, per page: the filter-change times, or why there are none ('problems': what the browser reported). */
async function appRuns(set: BenchSet): Promise<Map<'time' | 'map' | 'problems', number[] | string>> {
	const out = new Map<'time' | 'map' | 'problems', number[] | string>();
	const server = await startServer({ buildDir: 'build', dataDir: set.serveDir ?? set.dir });
	const browser = await launchBrowser();
	try {
		for (const view of PAGES) {
			const page = await browser.newPage();
			try {
				// A page that never gets ready must not hold the bench (and the browser lock) for long.
				let timer: ReturnType<typeof setTimeout> | undefined;
				const limit = new Promise<never>((_, fail) => {
					timer = setTimeout(() => fail(new Error(`not done within ${APP_LIMIT_S} s (BENCH_MOSAIC_APP_LIMIT)`)), APP_LIMIT_S * 1000);
				});
				try {
					const running = browserRun(page, `${server.url}/${view}?ds=${set.dataset}`, CHANGES);
					running.catch(() => {}); // rejects when the page is closed after the limit
					const r = await Promise.race([running, limit]);
					out.set(view, r.updates);
				} finally {
					clearTimeout(timer);
				}
			} catch (e) {
				out.set(view, e instanceof Error ? e.message.split('\n')[0] : String(e));
			} finally {
				await page.close();
			}
		}
		const problems = browser.takeProblems().filter((p) => p.kind !== 'console' || !/GPU stall/.test(p.text));
		if (problems.length > 0) out.set('problems', problems.slice(0, 3).map((p) => `${p.kind}: ${p.text.slice(0, 160)}`).join(' | '));
	} finally {
		await browser.close();
		await server.close();
	}
	return out;
}

const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const p = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95) });

export async function benchMosaic({ log }: { log: (line: string) => void }): Promise<MosaicFigures[]> {
	const sizes = (process.env.BENCH_EXPLORE_ROWS ?? '1000000')
		.split(',')
		.map((s) => Number(s.trim()))
		.filter((n) => Number.isFinite(n) && n > 0);
	mkdirSync(OUT, { recursive: true });
	if (WITH_APP && !existsSync('build/index.html')) execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	const dir = join(OUT, 'mosaic');
	await bundlePage(dir);
	log(
		`Linked filters beside @uwdata/mosaic-core (Coordinator + PreAggregator) on the same DuckDB-wasm 1.32 instance and pre-aggregates, ${CHANGES} changes per page (explore.ts's sequence); ` +
			'ours app = the dashboard, until every view has drawn; ours queries / Mosaic = until every view or client has its answer'
	);
	const figures: MosaicFigures[] = [];
	for (const set of await prepareSets(sizes, log)) {
		const { setup, runs } = await peerRuns(set, dir);
		const app = WITH_APP ? await appRuns(set) : new Map<'time' | 'map' | 'problems', number[] | string>();
		log(`${set.label} (${set.dataset}): engine ${fmtMs(setup.engineMs)}, pre-aggregates and small tables loaded in ${fmtMs(setup.loadMs)}`);
		if (app.has('problems')) log(`  the dashboard's browser reported: ${app.get('problems')}`);
		for (const view of PAGES) {
			const r = runs.get(view);
			if (r === undefined || typeof r === 'string') {
				log(`  /${view}: the Mosaic bench page did not complete: ${r ?? 'not run'}`);
				continue;
			}
			const a = app.get(view);
			const oursApp = Array.isArray(a) && a.length > 0 ? p(a) : null;
			const oursQueries = p(r.ours);
			const mosaic = p(r.mosaic.changes.map((c) => c.ms));
			const builds = r.mosaic.changes.filter((c) => c.creates > 0);
			const fromCube = r.mosaic.changes.filter((c) => c.creates === 0).map((c) => c.ms);
			const act = r.mosaicActivated.changes;
			const fig: MosaicFigures = {
				set: set.label,
				page: view,
				changes: r.mosaic.changes.length,
				oursApp,
				oursQueries,
				mosaic,
				mosaicBuilds: { changes: builds.length, statements: builds.reduce((s, c) => s + c.creates, 0), ms: builds.reduce((s, c) => s + c.createMs, 0) },
				mosaicFromCube: { n: fromCube.length, ...p(fromCube) },
				mosaicActivated: {
					...p(act.map((c) => c.ms)),
					activateP50: pct(act.map((c) => c.activateMs), 50),
					activateP95: pct(act.map((c) => c.activateMs), 95)
				},
				mosaicFirstMs: r.mosaic.firstMs,
				oursFirstMs: r.oursFirstMs,
				cubes: { tables: r.mosaic.cubes.length, rows: r.mosaic.cubes.reduce((s, c) => s + c.rows, 0) },
				mismatches: r.mismatches,
				errors: r.errors
			};
			figures.push(fig);
			log(
				`  /${view.padEnd(4)} [${r.views.join(', ')}] Mosaic p50 ${fmtMs(mosaic.p50)} p95 ${fmtMs(mosaic.p95)}` +
					(oursApp
						? ` | ours app p50 ${fmtMs(oursApp.p50)} p95 ${fmtMs(oursApp.p95)} (ours/Mosaic p50 ${ratio(oursApp.p50, mosaic.p50)} p95 ${ratio(oursApp.p95, mosaic.p95)})`
						: WITH_APP
							? ` | ours app: ${typeof a === 'string' ? `did not complete: ${a}` : 'no update measured'}`
							: '') +
					` | ours queries p50 ${fmtMs(oursQueries.p50)} p95 ${fmtMs(oursQueries.p95)} (ours/Mosaic p50 ${ratio(oursQueries.p50, mosaic.p50)} p95 ${ratio(oursQueries.p95, mosaic.p95)})`
			);
			log(
				`         Mosaic pre-aggregation: ${builds.length} of ${r.mosaic.changes.length} changes built tables (${fig.mosaicBuilds.statements} CREATE statements, ${fmtMs(fig.mosaicBuilds.ms)} in all, ` +
					`${fmtMs(builds.length ? fig.mosaicBuilds.ms / builds.length : NaN)} per change); ${fig.cubes.tables} tables, ${fig.cubes.rows.toLocaleString('en-GB')} rows at the end; ` +
					`${fromCube.length} changes from existing tables p50 ${fmtMs(fig.mosaicFromCube.p50)} p95 ${fmtMs(fig.mosaicFromCube.p95)}; ` +
					`first answers: Mosaic ${fmtMs(r.mosaic.firstMs)}, ours ${fmtMs(r.oursFirstMs)}`
			);
			log(
				`         Mosaic with each input activated first (tables built on "hover", untimed): change p50 ${fmtMs(fig.mosaicActivated.p50)} p95 ${fmtMs(fig.mosaicActivated.p95)}` +
					` (ours queries/Mosaic p50 ${ratio(oursQueries.p50, fig.mosaicActivated.p50)} p95 ${ratio(oursQueries.p95, fig.mosaicActivated.p95)}); activation p50 ${fmtMs(fig.mosaicActivated.activateP50)} p95 ${fmtMs(fig.mosaicActivated.activateP95)}`
			);
			if (r.errors.length > 0) log(`         MOSAIC ERRORS: ${r.errors.slice(0, 3).join(' | ')}`);
			if (r.mismatches.length > 0) {
				log(`         !!! ANSWERS DIFFER between ours and Mosaic in ${r.mismatches.length} state × view pairs: ${r.mismatches.slice(0, 3).join(' | ')}`);
			} else {
				log(`         answers: Mosaic's equal ours in every state (${r.mosaic.changes.length} × ${r.views.length} views, both passes)`);
			}
		}
	}
	return figures;
}

if (process.argv[1]?.endsWith('mosaic.ts')) {
	benchMosaic({ log: (l) => console.log(l) }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
