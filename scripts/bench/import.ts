/**
 * In-browser import throughput (Data page → Import, headless Chromium against the built app)
 * next to the command-line builder on the same files, as a ratio; measured, never asserted.
 *
 * What each user waits for, side by side. Browser: the Data page is opened and its import engine
 * (started with the Import section) is ready, as it is by the time a user has picked files; then
 * from the files chosen until the extract is built (`clearsight:import-from-chosen`: inspection,
 * Import click, the import), the import alone (`clearsight:import`, click → built) and until it is
 * saved (`clearsight:import-saved`); the engine's start is printed beside, and added for the figure
 * "including engine start" (files chosen the moment the page opens). CLI: the command as a user
 * runs it (`tsx scripts/build-extracts.ts --no-areas --no-partitions`, node and tsx start
 * included), and buildExtracts in this process (DuckDB's start included, module loading not).
 * `BENCH_IMPORT_WARM=0` chooses the files the moment the page has loaded instead. Neither has boundaries. Both sides' steps are printed side by side (the worker's from
 * `clearsight:import-phases`, the builder's BuildResult.phases). The longest main-thread task
 * during the browser import is reported, to show the page stays responsive.
 * Needs build/ (npm run build; `BENCH_BUILD_DIR` serves a copy instead) and Chromium (CHROMIUM_PATH or /usr/bin/chromium); skipped
 * with a note otherwise. Under each case, the floor: a bare read_csv of the same files in DuckDB-wasm
 * (one thread) beside native DuckDB, engine start included (bareReadFloor); then the same read in
 * Chromium on a cross-origin-isolated page by DuckDB-wasm's threaded coi build beside its eh build
 * (coi-floor.ts; `BENCH_COI_RUNS`, default 1, 0 skips it; `BENCH_COI_THREADS`, default 2).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildExtracts } from '../lib/extracts';
import { listInputs } from '../lib/input-files';
import { createNodeRunner } from '../lib/node-runner';
import { createNodeImportEngine } from '../../web/lib/import/node-engine';
import { startServer } from '../lib/server';
import { CHROMIUM, launchBrowser, waitForApp } from '../../web/tests/browser';
import { coiFloor, coiFloorLine } from './coi-floor';

export interface ImportBenchCase {
	label: string;
	inputs: string[];
}

interface BrowserRun {
	rows: number;
	/** Import click → extract built. */
	importMs: number;
	/** Files chosen → extract built (inspection and the click included). */
	fromChosenMs: number;
	savedMs: number;
	/** The import engine's start (worker, wasm, connection), whether the import waited for it or not. */
	engineMs: number;
	/** Its warm-up import (web/lib/import/warm-up.ts), run before the user's. */
	warmUpMs: number;
	/** The worker's steps, in order (wait for the engine, build.ts's steps, quarantine preview). */
	phases: Array<{ phase: string; ms: number }>;
	longestTaskMs: number;
}

/**
 * One import on a fresh browser. `warm` (default): files are chosen once the page's import engine
 * is ready; otherwise the moment the page has loaded (the engine still starting).
 */
export async function browserImport(baseUrl: string, files: string[], label: string, { warm = true } = {}): Promise<BrowserRun> {
	const browser = await launchBrowser();
	try {
		const page = await browser.newPage();
		// Page scripts as strings: tsx would add its __name helper to functions, which the page lacks.
		await page.addInitScript(`
			window.__longTasks = [];
			try {
				new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
					.observe({ type: 'longtask', buffered: true });
			} catch {}
		`);
		await page.goto(`${baseUrl}/data`);
		await waitForApp(page, 120_000);
		// Polled by evaluate: the page's CSP refuses waitForFunction's string predicate.
		for (const until = Date.now() + 120_000; warm && !(await page.evaluate(`performance.getEntriesByName('clearsight:import-engine-ready').length > 0`)); ) {
			if (Date.now() > until) throw new Error('the import engine did not start within 120 s');
			await new Promise((r) => setTimeout(r, 25));
		}
		await page.locator('[data-testid="import-files"]').setInputFiles(files);
		await page.locator('[data-testid="import-start"]').waitFor({ timeout: 120_000 });
		await page.locator('[data-testid="import-label"]').fill(label);
		await page.evaluate('window.__longTasks = []');
		await page.locator('[data-testid="import-start"]').click();
		await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: 30 * 60_000 });
		const error = await page.locator('[data-testid="import-error"]').count();
		if (error > 0) throw new Error(`browser import failed: ${await page.locator('[data-testid="import-error"]').textContent()}`);
		const figures = (await page.evaluate(`({
			importMs: performance.getEntriesByName('clearsight:import').at(-1)?.duration ?? NaN,
			fromChosenMs: performance.getEntriesByName('clearsight:import-from-chosen').at(-1)?.duration ?? NaN,
			savedMs: performance.getEntriesByName('clearsight:import-saved').at(-1)?.duration ?? NaN,
			engineMs: performance.getEntriesByName('clearsight:import-phases').at(-1)?.detail.engineMs ?? NaN,
			warmUpMs: performance.getEntriesByName('clearsight:import-phases').at(-1)?.detail.warmUpMs ?? NaN,
			phases: performance.getEntriesByName('clearsight:import-phases').at(-1)?.detail.phases ?? [],
			longestTaskMs: window.__longTasks.length ? Math.max(...window.__longTasks) : 0
		})`)) as Omit<BrowserRun, 'rows'>;
		const rows = Number((await page.locator('[data-testid="import-summary"] strong').first().textContent())!.replace(/[^0-9]/g, ''));
		return { rows, ...figures };
	} finally {
		await browser.close();
	}
}

/**
 * The floor of the ratio: the same files read by a bare read_csv (types sniffed, union by name,
 * as the build bench's bare conversion reads them) in a fresh single-threaded DuckDB-wasm (its
 * Node build, the engine the browser runs, same V8) and in native DuckDB (node-api, its default
 * threads), each including its engine start. Gzip files are left out (the wasm side would need
 * them expanded first).
 */
export async function bareReadFloor(files: string[]): Promise<{ wasmStartMs: number; wasmReadMs: number; nativeStartMs: number; nativeReadMs: number; rows: number }> {
	const plain = files.filter((f) => !f.endsWith('.gz'));
	const sql = `SELECT count(*)::BIGINT AS n FROM read_csv([${plain.map(() => '?').join(', ')}], union_by_name = true)`;
	let t = performance.now();
	const wasm = await createNodeImportEngine();
	const wasmStartMs = performance.now() - t;
	t = performance.now();
	for (const f of plain) await wasm.registerFile(f, new Uint8Array(readFileSync(f)));
	const [w] = await wasm.runner.rows<{ n: number }>(sql, plain);
	const wasmReadMs = performance.now() - t;
	wasm.close();
	t = performance.now();
	const native = await createNodeRunner();
	const nativeStartMs = performance.now() - t;
	t = performance.now();
	const [n] = await native.rows<{ n: number }>(sql, plain);
	const nativeReadMs = performance.now() - t;
	native.close();
	if (Number(w.n) !== Number(n.n)) throw new Error(`bare read_csv: DuckDB-wasm read ${w.n} rows, native ${n.n}`);
	return { wasmStartMs, wasmReadMs, nativeStartMs, nativeReadMs, rows: Number(n.n) };
}

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en-GB');

/** One case's figures, for the summary table (run.ts): what each user waits for. */
export interface ImportFigures {
	label: string;
	files: number;
	rows: number;
	/** Browser: files chosen → extract built, the import engine already started with the page. */
	browserMs: number;
	/** Command line: the command's wall time, node and tsx start included. */
	cliMs: number;
	/** The browser's import engine start and warm-up (add it to `browserMs` for files chosen the moment the page opens). */
	engineMs: number;
}

/** The builder run as a user runs it, timed from spawn to exit (node and tsx start included). */
function cliCommand(inputs: string[], out: string): number {
	const t = performance.now();
	const run = spawnSync(join('node_modules', '.bin', 'tsx'), ['scripts/build-extracts.ts', '--no-areas', '--no-partitions', '--out', out, '--input', ...inputs], { encoding: 'utf8' });
	const ms = performance.now() - t;
	if (run.status !== 0) throw new Error(`npm run extracts failed: ${(run.stderr || run.stdout).split('\n').slice(-5).join(' ')}`);
	return ms;
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Steps of one side as `name time` pairs, largest first. */
function stepLine(steps: ReadonlyArray<{ phase: string; ms: number }>): string {
	return [...steps]
		.filter((p) => p.ms >= 5)
		.sort((a, b) => b.ms - a.ms)
		.map((p) => `${p.phase} ${sec(p.ms)}`)
		.join('; ');
}

export async function benchImport(cases: ImportBenchCase[], options: { log: (line: string) => void; outDir: string }): Promise<ImportFigures[]> {
	const { log } = options;
	const figures: ImportFigures[] = [];
	// BENCH_BUILD_DIR: a copy of the app's build to serve (before/after pairs), as explore.ts takes it.
	const buildDir = process.env.BENCH_BUILD_DIR ?? 'build';
	if (!existsSync(join(buildDir, 'index.html')) && !existsSync(join(buildDir, '200.html'))) {
		log(`In-browser import: skipped (no ${buildDir}/; run npm run build first)`);
		return figures;
	}
	if (!existsSync(CHROMIUM)) {
		log(`In-browser import: skipped (no Chromium at ${CHROMIUM}; set CHROMIUM_PATH)`);
		return figures;
	}
	const data = existsSync('extracts/sample') ? 'extracts/sample' : undefined;
	const server = await startServer({ buildDir, dataDir: data });
	try {
		log('In-browser import (Data page, DuckDB-wasm in a worker) vs the command-line builder (native DuckDB), same files, no boundaries');
		for (const c of cases) {
			const files = listInputs(c.inputs);
			const bytes = files.reduce((t, f) => t + statSync(f).size, 0);
			const out = join(options.outDir, `import-cli-${readdirSafe(c.label)}`);
			const commandMs = cliCommand(c.inputs, `${out}-command`);
			const cli = await buildExtracts({ inputs: c.inputs, out, areas: null });
			const cliRows = cli.manifest.totals.rows_in;
			const warmStart = process.env.BENCH_IMPORT_WARM !== '0';
			const b = await browserImport(server.url, files, `bench ${c.label}`, { warm: warmStart });
			if (b.rows !== cliRows) log(`  ${c.label}: rows differ! browser ${b.rows}, CLI ${cliRows}`);
			figures.push({ label: c.label, files: files.length, rows: cliRows, browserMs: b.fromChosenMs, cliMs: commandMs, engineMs: b.engineMs + b.warmUpMs });
			const cliStartMs = cli.elapsedMs - cli.phases.reduce((t, p) => t + p.ms, 0);
			// Files chosen the moment the page opens wait for the engine within fromChosenMs already.
			const withEngine = warmStart ? b.engineMs + b.warmUpMs + b.fromChosenMs : b.fromChosenMs;
			log(
				`${c.label.padEnd(22)} ${String(cliRows).padStart(9)} rows ${(bytes / 1e6).toFixed(0).padStart(5)} MB, ${files.length} files` +
					`  browser from files chosen ${sec(b.fromChosenMs)} (${rate(b.rows, b.fromChosenMs)} rows/s), including engine start ${sec(withEngine)}` +
					`  CLI command ${sec(commandMs)} (${rate(cliRows, commandMs)} rows/s)` +
					`  browser/CLI throughput ${(commandMs / b.fromChosenMs).toFixed(2)}× (${(commandMs / withEngine).toFixed(2)}× including engine start)`
			);
			log(
				`${''.padEnd(22)} browser: engine start ${sec(b.engineMs)} and warm-up import ${sec(b.warmUpMs)} (${warmStart ? 'done before the files were chosen' : 'the files chosen at once'}); click → built ${sec(b.importMs)}, saved after ${sec(b.savedMs)}; longest main-thread task ${Math.round(b.longestTaskMs)} ms`
			);
			log(
				`${''.padEnd(22)} CLI: node and tsx start and module loading ≈ ${sec(commandMs - cli.elapsedMs)} (the command less the in-process build, a separate run: noise can exceed it); in process ${sec(cli.elapsedMs)}, of which DuckDB start and ingest tables ${sec(cliStartMs)}` +
					`  click → built vs in process ${(cli.elapsedMs / b.importMs).toFixed(2)}×`
			);
			log(`${''.padEnd(22)} browser steps: ${stepLine(b.phases)}`);
			log(`${''.padEnd(22)} CLI steps:     ${stepLine([{ phase: 'DuckDB start, ingest tables', ms: cliStartMs }, ...cli.phases])}`);
			const floor = await bareReadFloor(files);
			const wasmMs = floor.wasmStartMs + floor.wasmReadMs;
			const nativeMs = floor.nativeStartMs + floor.nativeReadMs;
			log(
				`${''.padEnd(22)} floor, bare read_csv of the same ${floor.rows} rows: DuckDB-wasm 1 thread ${(wasmMs / 1000).toFixed(2)} s` +
					` (engine start ${(floor.wasmStartMs / 1000).toFixed(2)} s, read ${(floor.wasmReadMs / 1000).toFixed(2)} s)` +
					`, native ${(nativeMs / 1000).toFixed(2)} s (start ${(floor.nativeStartMs / 1000).toFixed(2)} s, read ${(floor.nativeReadMs / 1000).toFixed(2)} s)` +
					`  wasm/native throughput ${(nativeMs / wasmMs).toFixed(2)}× (read alone ${(floor.nativeReadMs / floor.wasmReadMs).toFixed(2)}×)`
			);
			const coiRuns = Number(process.env.BENCH_COI_RUNS ?? 1);
			if (coiRuns > 0) {
				try {
					const coi = await coiFloor(files, { runs: coiRuns, threads: Number(process.env.BENCH_COI_THREADS ?? 2) });
					log(`${''.padEnd(22)} ${coiFloorLine(coi, { startMs: floor.nativeStartMs, readMs: floor.nativeReadMs })}`);
				} catch (e) {
					log(`${''.padEnd(22)} COI floor: failed: ${(e as Error).message.split('\n')[0]}`);
				}
			}
		}
	} finally {
		await server.close();
	}
	return figures;
}

function readdirSafe(label: string): string {
	return label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

// `npx tsx scripts/bench/import.ts [folder …]`: just this benchmark (default: the real sample).
if (process.argv[1]?.endsWith('import.ts')) {
	const inputs = process.argv.slice(2);
	const cases = inputs.length
		? inputs.map((i) => ({ label: i.split('/').filter(Boolean).at(-1) ?? i, inputs: [i] }))
		: [{ label: 'sample (real)', inputs: ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'] }];
	benchImport(cases, { log: (l) => console.log(l), outDir: 'bench-out' }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
