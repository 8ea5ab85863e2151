/**
 * The COI floor of the import ratio: the bare read_csv of bareReadFloor (import.ts) run in headless
 * Chromium by DuckDB-wasm's cross-origin-isolated build with threads (duckdb-coi.wasm and its
 * pthread worker) beside its eh build (one thread) in the same page, served by a temporary static
 * server with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy:
 * require-corp` (so `crossOriginIsolated` is true and SharedArrayBuffer exists). The app and its
 * server are not involved: this says what the import could gain if the app were served isolated.
 *
 * Whether threads really ran is checked outside the page: the CPU time (utime + stime from
 * /proc/<pid>/stat) of the Chromium renderers this process started, over the read, divided by the
 * read's wall time: about 1 for one busy thread, up to the thread count when they run in parallel
 * (less on a loaded machine). Measured, never asserted.
 *
 * `npx tsx scripts/bench/coi-floor.ts [--runs N] [--threads N] [folder|file …]` (default: the
 * sample's street and stop-and-search files, as the import bench's sample case) prints each run
 * and the medians beside native DuckDB (bareReadFloor's native half). Needs Chromium.
 */
import { copyFileSync, createReadStream, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import sirv from 'sirv';
import { listInputs } from '../lib/input-files';
import { createNodeRunner } from '../lib/node-runner';
import { launchBrowser } from '../../web/tests/browser';
import { bundleBenchPage } from './page-bundle';
import { median } from './build';
import { ownRendererPids } from './renderers';
import type { ReadRequest, ReadResult, StartResult } from './coi/page';

const ISOLATION = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	'Cross-Origin-Resource-Policy': 'same-origin'
};

/** The page (bundle, both builds' wasm and workers) in `dir`. */
async function preparePage(dir: string): Promise<void> {
	await bundleBenchPage('scripts/bench/coi/page.ts', dir, 'COI floor bench');
	for (const f of ['duckdb-coi.wasm', 'duckdb-browser-coi.worker.js', 'duckdb-browser-coi.pthread.worker.js'])
		copyFileSync(join('node_modules/@duckdb/duckdb-wasm/dist', f), join(dir, f));
}

/** The page, and the input files as /files/<index>/<name>, every response with the isolation headers. */
async function serveIsolated(dir: string, files: string[]): Promise<{ url: string; fileUrls: string[]; close: () => Promise<void> }> {
	const page = sirv(dir, { dev: true });
	const server = createServer((req, res) => {
		for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
		const m = /^\/files\/(\d+)\//.exec(req.url ?? '');
		if (m && Number(m[1]) < files.length) {
			const file = files[Number(m[1])];
			res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': statSync(file).size });
			createReadStream(file).pipe(res);
			return;
		}
		page(req, res, () => {
			res.statusCode = 404;
			res.end();
		});
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	return {
		url,
		fileUrls: files.map((f, i) => `${url}/files/${i}/${encodeURIComponent(basename(f))}`),
		close: () => new Promise((ok) => server.close(() => ok()))
	};
}

/**
 * CPU ticks (utime + stime) of the Chromium renderers this process started: in all, and per
 * thread (by task id), so a read can tell how many threads did work.
 */
function rendererCpu(): { ticks: number; threads: number; perThread: Map<number, number> } {
	let ticks = 0;
	let threads = 0;
	const perThread = new Map<number, number>();
	const cpuOf = (stat: string) => {
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name.
		return Number(fields[11]) + Number(fields[12]);
	};
	for (const pid of ownRendererPids()) {
		try {
			ticks += cpuOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
			const tasks = readdirSync(`/proc/${pid}/task`);
			threads += tasks.length;
			for (const tid of tasks) {
				try {
					perThread.set(Number(tid), cpuOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
				} catch {
					// ended meanwhile
				}
			}
		} catch {
			// ended meanwhile
		}
	}
	return { ticks, threads, perThread };
}
const TICK_MS = 10; // USER_HZ = 100 on Linux

export interface CoiRun extends StartResult, ReadResult {
	build: 'eh' | 'coi';
	/** Renderer CPU time over the read ÷ its wall time (about 1 for one busy thread). */
	cpuPerWall: number;
	/** Renderer threads during the read (the pthread pool adds its workers). */
	rendererThreads: number;
	/** Renderer threads that used at least a tenth of the read's wall time in CPU. */
	busyThreads: number;
}

export interface CoiFloor {
	/** Set when the coi build could not run, with the reason; eh runs are still given. */
	unavailable: string | null;
	runs: CoiRun[];
}

/**
 * `runs` alternating eh and coi reads of `files` in one Chromium, each in a fresh engine; coi with
 * `SET threads = threads`. A failure of the coi build is returned as `unavailable`, not thrown.
 */
export async function coiFloor(files: string[], options: { runs: number; threads: number }): Promise<CoiFloor> {
	const plain = files.filter((f) => !f.endsWith('.gz'));
	const dir = join(tmpdir(), `clearsight-coi-floor-${process.pid}`);
	await preparePage(dir);
	const server = await serveIsolated(dir, plain);
	const browser = await launchBrowser();
	const runs: CoiRun[] = [];
	let unavailable: string | null = null;
	try {
		const page = await browser.newPage();
		await page.goto(`${server.url}/index.html`);
		await page.waitForFunction('globalThis.coiReady === true', null, { timeout: 60_000 });
		for (let i = 0; i < options.runs; i++) {
			for (const build of ['eh', 'coi'] as const) {
				if (build === 'coi' && unavailable) continue;
				const request: ReadRequest = { build, threads: build === 'coi' ? options.threads : null, urls: server.fileUrls };
				try {
					// Page scripts as strings: tsx would add its __name helper to functions, which the page lacks.
					const started = (await page.evaluate(`globalThis.coiStart(${JSON.stringify(request)})`)) as StartResult;
					if (build === 'coi' && started.selected !== 'coi')
						throw new Error(`selectBundle chose ${started.selected} (crossOriginIsolated ${started.crossOriginIsolated}, SharedArrayBuffer ${started.sharedArrayBuffer})`);
					const before = rendererCpu();
					const t = performance.now();
					let peakThreads = before.threads;
					const sampler = setInterval(() => (peakThreads = Math.max(peakThreads, rendererCpu().threads)), 100);
					const read = (await page.evaluate('globalThis.coiRead()').finally(() => clearInterval(sampler))) as ReadResult;
					const wall = performance.now() - t;
					const after = rendererCpu();
					const busyThreads = [...after.perThread].filter(([tid, t]) => (t - (before.perThread.get(tid) ?? 0)) * TICK_MS >= wall / 10).length;
					runs.push({
						build,
						...started,
						...read,
						cpuPerWall: ((after.ticks - before.ticks) * TICK_MS) / wall,
						rendererThreads: Math.max(peakThreads, after.threads),
						busyThreads
					});
				} catch (e) {
					if (build === 'eh') throw e;
					unavailable = (e as Error).message.split('\n')[0];
				}
			}
		}
		const problems = browser.takeProblems().filter((p) => p.kind !== 'http' || !/favicon/.test(p.text));
		if (problems.length && !unavailable && !runs.some((r) => r.build === 'coi')) unavailable = problems.map((p) => p.text).join('; ');
	} finally {
		await browser.close();
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	}
	return { unavailable, runs };
}

/** Native DuckDB (node-api, default threads) on the same bare read, engine start included. */
export async function nativeRead(files: string[]): Promise<{ startMs: number; readMs: number; rows: number; threads: string }> {
	const plain = files.filter((f) => !f.endsWith('.gz'));
	let t = performance.now();
	const native = await createNodeRunner();
	const startMs = performance.now() - t;
	try {
		t = performance.now();
		const [n] = await native.rows<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM read_csv([${plain.map(() => '?').join(', ')}], union_by_name = true)`, plain);
		const readMs = performance.now() - t;
		const [s] = await native.rows<{ t: string }>("SELECT current_setting('threads')::VARCHAR AS t");
		return { startMs, readMs, rows: Number(n.n), threads: String(s.t) };
	} finally {
		native.close();
	}
}

/** Median figures of one build's runs; the timings over the runs whose result came back. */
export function coiMedians(
	runs: CoiRun[],
	build: 'eh' | 'coi'
): {
	startMs: number;
	readMs: number;
	cpuPerWall: number;
	threads: string;
	rendererThreads: number;
	busyThreads: number;
	rows: number | null;
	runs: number;
	empty: number;
} | null {
	const of = runs.filter((r) => r.build === build);
	const ok = of.filter((r) => r.rows !== null);
	if (!ok.length) return null;
	return {
		startMs: median(ok.map((r) => r.startMs)),
		readMs: median(ok.map((r) => r.readMs)),
		cpuPerWall: median(ok.map((r) => r.cpuPerWall)),
		threads: ok[0].threadsAfter,
		rendererThreads: median(ok.map((r) => r.rendererThreads)),
		busyThreads: median(ok.map((r) => r.busyThreads)),
		rows: ok[0].rows,
		runs: of.length,
		empty: of.length - ok.length
	};
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The bench line: coi and eh in Chromium beside native, as throughput ratios (native ÷ wasm time). */
export function coiFloorLine(floor: CoiFloor, native: { startMs: number; readMs: number }): string {
	const eh = coiMedians(floor.runs, 'eh');
	const coi = coiMedians(floor.runs, 'coi');
	const nativeMs = native.startMs + native.readMs;
	const part = (name: string, m: NonNullable<typeof eh>) =>
		`${name} ${s(m.startMs + m.readMs)} (start ${s(m.startMs)}, read ${s(m.readMs)}; threads ${m.threads}, CPU/wall ${m.cpuPerWall.toFixed(2)}, busy threads ${m.busyThreads})` +
		` ÷ native ${(nativeMs / (m.startMs + m.readMs)).toFixed(2)}× (read alone ${(native.readMs / m.readMs).toFixed(2)}×)`;
	if (!eh) return 'COI floor: no eh run gave a result';
	const head = `COI floor in Chromium, isolated page, median of ${eh.runs}: `;
	const coiRuns = floor.runs.filter((r) => r.build === 'coi').length;
	if (!coi)
		return `${head}${part('eh', eh)}; COI build unavailable: ${floor.unavailable ?? (coiRuns ? `all ${coiRuns} reads came back empty ("Reader is not file")` : 'no run')}`;
	const empty = coi.empty ? ` (${coi.empty} of ${coi.runs} coi reads came back empty, "Reader is not file"; timed over the rest)` : '';
	return `${head}${part('coi', coi)}${empty}; ${part('eh', eh)}; coi ÷ eh read ${(eh.readMs / coi.readMs).toFixed(2)}×`;
}

if (process.argv[1]?.endsWith('coi-floor.ts')) {
	const args = process.argv.slice(2);
	const flag = (name: string, fallback: number) => {
		const i = args.indexOf(name);
		if (i < 0) return fallback;
		const v = Number(args[i + 1]);
		args.splice(i, 2);
		return v;
	};
	const runs = flag('--runs', 3);
	const threads = flag('--threads', 2);
	const inputs = args.length ? args : ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'];
	(async () => {
		const files = listInputs(inputs.map((i) => resolve(i)));
		console.log(`${inputs.join(' ')}: ${files.length} files, ${(files.reduce((t, f) => t + statSync(f).size, 0) / 1e6).toFixed(0)} MB`);
		const floor = await coiFloor(files, { runs, threads });
		for (const r of floor.runs)
			console.log(
				`  ${r.build.padEnd(3)} selected ${r.selected} isolated ${r.crossOriginIsolated} SAB ${r.sharedArrayBuffer} threads ${r.threadsBefore}→${r.threadsAfter}` +
					`  start ${s(r.startMs)} read ${s(r.readMs)} rows ${r.rows}  CPU/wall ${r.cpuPerWall.toFixed(2)} renderer threads ${r.rendererThreads} busy ${r.busyThreads}`
			);
		if (floor.unavailable) console.log(`  COI build unavailable: ${floor.unavailable}`);
		const natives = [];
		for (let i = 0; i < runs; i++) natives.push(await nativeRead(files));
		for (const n of natives) console.log(`  native start ${s(n.startMs)} read ${s(n.readMs)} rows ${n.rows} threads ${n.threads}`);
		const native = { startMs: median(natives.map((n) => n.startMs)), readMs: median(natives.map((n) => n.readMs)) };
		const rows = new Set([...floor.runs.filter((r) => r.rows !== null).map((r) => r.rows), ...natives.map((n) => n.rows)]);
		if (rows.size !== 1) console.log(`  rows differ: ${[...rows].join(', ')}`);
		console.log(coiFloorLine(floor, native));
	})().catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
