/**
 * In-browser import throughput (Data page → Import, headless Chromium against the built app)
 * next to the command-line builder on the same files, as a ratio; measured, never asserted.
 *
 * Browser: from the Import click until the extract is built (`clearsight:import`) and until it is
 * saved in the browser (`clearsight:import-saved`), over the files given to the file chooser.
 * CLI: buildExtracts without boundaries (the browser import has none either). The longest
 * main-thread task during the browser import is reported, to show the page stays responsive.
 * Needs build/ (npm run build) and Chromium (CHROMIUM_PATH or /usr/bin/chromium); skipped
 * with a note otherwise. Under each case, the floor: a bare read_csv of the same files in DuckDB-wasm
 * (one thread) beside native DuckDB, engine start included (bareReadFloor); then the same read in
 * Chromium on a cross-origin-isolated page by DuckDB-wasm's threaded coi build beside its eh build
 * (coi-floor.ts; `BENCH_COI_RUNS`, default 1, 0 skips it; `BENCH_COI_THREADS`, default 2).
 */
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
	importMs: number;
	savedMs: number;
	longestTaskMs: number;
}

export async function browserImport(baseUrl: string, files: string[], label: string): Promise<BrowserRun> {
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
			savedMs: performance.getEntriesByName('clearsight:import-saved').at(-1)?.duration ?? NaN,
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

/** One case's figures, for the summary table (run.ts). */
export interface ImportFigures {
	label: string;
	files: number;
	rows: number;
	browserMs: number;
	cliMs: number;
}

export async function benchImport(cases: ImportBenchCase[], options: { log: (line: string) => void; outDir: string }): Promise<ImportFigures[]> {
	const { log } = options;
	const figures: ImportFigures[] = [];
	if (!existsSync('build/index.html') && !existsSync('build/200.html')) {
		log('In-browser import: skipped (no build/; run npm run build first)');
		return figures;
	}
	if (!existsSync(CHROMIUM)) {
		log(`In-browser import: skipped (no Chromium at ${CHROMIUM}; set CHROMIUM_PATH)`);
		return figures;
	}
	const data = existsSync('extracts/sample') ? 'extracts/sample' : undefined;
	const server = await startServer({ buildDir: 'build', dataDir: data });
	try {
		log('In-browser import (Data page, DuckDB-wasm in a worker) vs the command-line builder (native DuckDB), same files, no boundaries');
		for (const c of cases) {
			const files = listInputs(c.inputs);
			const bytes = files.reduce((t, f) => t + statSync(f).size, 0);
			const cli = await buildExtracts({ inputs: c.inputs, out: join(options.outDir, `import-cli-${readdirSafe(c.label)}`), areas: null });
			const cliRows = cli.manifest.totals.rows_in;
			const b = await browserImport(server.url, files, `bench ${c.label}`);
			if (b.rows !== cliRows) log(`  ${c.label}: rows differ! browser ${b.rows}, CLI ${cliRows}`);
			figures.push({ label: c.label, files: files.length, rows: cliRows, browserMs: b.importMs, cliMs: cli.elapsedMs });
			log(
				`${c.label.padEnd(22)} ${String(cliRows).padStart(9)} rows ${(bytes / 1e6).toFixed(0).padStart(5)} MB` +
					`  browser ${(b.importMs / 1000).toFixed(2).padStart(6)} s (${rate(b.rows, b.importMs).padStart(9)} rows/s; saved after ${(b.savedMs / 1000).toFixed(2)} s)` +
					`  CLI ${(cli.elapsedMs / 1000).toFixed(2).padStart(6)} s (${rate(cliRows, cli.elapsedMs).padStart(9)} rows/s)` +
					`  browser/CLI throughput ${(cli.elapsedMs / b.importMs).toFixed(2)}×  longest main-thread task ${Math.round(b.longestTaskMs)} ms`
			);
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
