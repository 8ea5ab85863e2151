/**
 * Start-up of the dashboard as a user meets it (headless Chromium against the built app and the
 * production static server, scripts/lib/server.ts), per page (Overview `/`, Map `/map`):
 * - cold: a fresh browser profile (empty HTTP cache), navigation start → `clearsight:first-view`
 *   (the first view drawn, from summary.json when the extract has one) and →
 *   `clearsight:interactive` (the database ready and the live view drawn), marks recorded by the
 *   app (web/lib/app/start-marks.ts);
 * - reload: the same tab reloaded (hashed files and the DuckDB wasm from the HTTP cache, the
 *   page and /data revalidated; the tab's DuckDB-wasm engine kept in its SharedWorker, so no wasm
 *   fetch or instantiate: `reused` counts the reloads that found it), the same two marks;
 * plus the database's own `clearsight:extracts` measure (engine + tables). Median of `runs`
 * cold/reload pairs (BENCH_START_RUNS, default 3), with the machine's load (`uptime`) printed
 * beside: figures are printed, never asserted. Targets (issue 14, quiet machine): first view
 * ≤ 2 s, interactive ≤ 2.5 s, reload ≤ 1.5 s.
 *
 * Run alone: `npx tsx scripts/bench/start-up.ts [dataDir]` (needs `npm run build`). BENCH_START_PAGES
 * (comma-separated, default `/,/map`) and BENCH_START_BUILD (the built app, default `build`) let a
 * before/after pair run one page against two builds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startServer } from '../lib/server';
import { CHROMIUM } from '../../web/tests/browser';

export interface StartUpFigures {
	page: string;
	runs: number;
	/** Medians, ms from navigation start. */
	cold: Marks;
	reload: Marks;
	/** `uptime` load averages when the run ended. */
	load: string;
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGES = (process.env.BENCH_START_PAGES ?? '/,/map').split(',');

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function loadAverage(): string {
	try {
		return /load averages?: (.*)$/.exec(execFileSync('uptime', { encoding: 'utf8' }).trim())?.[1] ?? '?';
	} catch {
		return '?';
	}
}

/** Ms from navigation start, except `instantiate` and `afterEngine` (durations). */
interface Marks {
	firstView: number;
	interactive: number;
	/** The database ready (every table made). */
	database: number;
	/** When the engine start began (web/lib/db/duckdb.ts startEngine). */
	engineStart: number;
	/** From the engine up (instantiated, opened, connected) to the database ready: base.duckdb attached and checked, the harm weights (a duration). */
	afterEngine: number;
	/** How long DuckDB-wasm's instantiate took: the worker script, the wasm fetch, compile (or code cache), instantiation; NaN when the engine was reused. */
	instantiate: number;
	/** `db.open`, connect and the settings, on the instantiated (or reused) engine (a duration; NaN for a build without the measure). */
	open: number;
	/** 1 when the engine was kept from the tab's last page (`clearsight:engine-reused`), else 0. */
	reused: number;
}

/** The start-up marks of the page now shown, ms from its navigation start (waits for both). */
async function startMarks(page: Page): Promise<Marks> {
	await page.waitForFunction(() => performance.getEntriesByName('clearsight:interactive').length > 0, null, { timeout: 120_000 });
	// A string, not a function: tsx would add its __name helper to a nested function, which the page lacks.
	return (await page.evaluate(`(() => {
		const at = (name) => performance.getEntriesByName(name)[0];
		const extracts = at('clearsight:extracts');
		const engine = at('clearsight:engine');
		const instantiate = at('clearsight:engine-instantiate');
		const open = at('clearsight:engine-open');
		return {
			firstView: at('clearsight:first-view').startTime,
			interactive: at('clearsight:interactive').startTime,
			database: extracts ? extracts.startTime + extracts.duration : NaN,
			engineStart: engine ? engine.startTime : NaN,
			afterEngine: extracts && engine ? extracts.startTime + extracts.duration - (engine.startTime + engine.duration) : NaN,
			instantiate: instantiate ? instantiate.duration : NaN,
			open: open ? open.duration : NaN,
			reused: performance.getEntriesByName('clearsight:engine-reused').length
		};
	})()`)) as Marks;
}

export async function benchStartUp({ log, dataDir = 'extracts/sample', runs = Number(process.env.BENCH_START_RUNS ?? 3) }: { log: (line: string) => void; dataDir?: string; runs?: number }): Promise<StartUpFigures[]> {
	const server = await startServer({ buildDir: process.env.BENCH_START_BUILD ?? 'build', dataDir });
	const out: StartUpFigures[] = [];
	try {
		for (const path of PAGES) {
			const cold: Marks[] = [];
			const reload: typeof cold = [];
			for (let i = 0; i < runs; i++) {
				const profile = mkdtempSync(join(tmpdir(), 'clearsight-start-'));
				const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
				try {
					const page = context.pages()[0] ?? (await context.newPage());
					await page.goto(`${server.url}${path}`);
					cold.push(await startMarks(page));
					await page.reload();
					reload.push(await startMarks(page));
				} finally {
					await context.close();
					rmSync(profile, { recursive: true, force: true });
				}
			}
			const medians = (xs: Marks[]): Marks => {
				const pick = (k: keyof Marks) => Math.round(median(xs.map((x) => x[k])));
				return {
					firstView: pick('firstView'),
					interactive: pick('interactive'),
					database: pick('database'),
					engineStart: pick('engineStart'),
					afterEngine: pick('afterEngine'),
					instantiate: pick('instantiate'),
					open: pick('open'),
					reused: xs.reduce((a, x) => a + x.reused, 0)
				};
			};
			const figures: StartUpFigures = { page: path, runs, cold: medians(cold), reload: medians(reload), load: loadAverage() };
			out.push(figures);
			const detail = (m: Marks) =>
				`first view ${m.firstView} ms, interactive ${m.interactive} ms (database ${m.database} ms; engine from ${m.engineStart} ms, instantiate ${m.instantiate} ms, open ${m.open} ms, engine reused ${m.reused}/${runs}, engine up → database ${m.afterEngine} ms)`;
			log(
				`start-up ${path.padEnd(5)} cold: ${detail(figures.cold)} · reload: ${detail(figures.reload)} · ` +
					`median of ${runs}, load ${figures.load} · targets (quiet machine): first view ≤ 2000, interactive ≤ 2500, reload ≤ 1500`
			);
		}
	} finally {
		await server.close();
	}
	return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	benchStartUp({ log: (l) => console.log(l), dataDir: process.argv[2] }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
