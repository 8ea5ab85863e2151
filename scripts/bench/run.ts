/**
 * npm run bench — measured figures and ratios, side by side in one run (never asserted).
 *
 * Parts, in order (BENCH_PARTS, a comma list, selects some; default all):
 *   build      extract build throughput against bare DuckDB (build.ts)
 *   import     the in-browser import beside the command-line builder on the same files (import.ts)
 *   forecast   forecasts and backtests (forecast.ts)
 *   thr        THR scoring natively and in the browser (thr.ts)
 *   start-up   cold start (first view, interactive) and reload on the sample (start-up.ts)
 *   national   the SYNTHETIC national set written and built as `npm start -- --data` builds it (national-bench.ts)
 *   parquet    the same set as month-partitioned Parquet over BENCH_PARQUET_YEARS years, native DuckDB (national-parquet.ts)
 *   explore    Map and Time views in the browser beside native DuckDB, with renderer memory (explore.ts)
 *   mosaic     the same linked-filter interaction with @uwdata/mosaic-core (mosaic.ts)
 *   hotspots   windowed hot spots (hotspots.ts)
 * Each part's sizes come from its own environment variables (scripts/README.md, bench section).
 * A part that fails prints an `error:` line and the others still run. At the end, ONE table: every
 * row of issue 14's table and the national set, the figure now, the reference measured in the same
 * run, the target and whether it is met.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { benchBuild, type BuildBenchCase } from './build';
import { benchForecasts } from './forecast';
import { benchExplore, type ExploreFigures } from './explore';
import { benchImport, type ImportFigures } from './import';
import { benchThr, thrSourceFigures } from './thr';
import { benchStartUp, type StartUpFigures } from './start-up';
import { benchHotspotWindows } from './hotspots';
import { benchMosaic, type MosaicFigures } from './mosaic';
import { benchNationalBuild, type NationalBuildFigures } from './national-bench';
import { benchNationalParquet, type ParquetFigures } from './national-parquet';

const OUT = 'bench-out';
// npm run bench measures memory at 1M and 10M rows and on the national set (explore.ts alone, and
// the Mosaic peer, default to the lighter 1M and no national set).
process.env.BENCH_EXPLORE_ROWS ??= '1000000,10000000';
process.env.BENCH_EXPLORE_SETS ??= 'sample,street,chicago,national';
const PARTS = new Set(
	(process.env.BENCH_PARTS ?? 'build,import,forecast,thr,start-up,national,parquet,explore,mosaic,hotspots').split(',').map((s) => s.trim())
);
const errors: string[] = [];

/** Run one part; on failure print an error line, remember it, and go on. */
async function part<T>(name: string, run: () => Promise<T>): Promise<T | null> {
	if (!PARTS.has(name)) return null;
	try {
		const r = await run();
		console.log('');
		return r;
	} catch (e) {
		const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
		console.log(`error: bench part "${name}" failed: ${message}\n`);
		if (process.env.DEBUG) console.error(e);
		errors.push(`${name}: ${message}`);
		return null;
	}
}

type ThrRows = Awaited<ReturnType<typeof benchThr>>;

interface TableRow {
	what: string;
	now: string;
	reference: string;
	target: string;
	met: string;
}

const MB = 1024 * 1024;
const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : 'n/a');
const gb = (bytes: number) => (Number.isFinite(bytes) && bytes > 0 ? `${(bytes / 1024 ** 3).toFixed(2)} GB` : 'n/a');
const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : 'NOT met');
const missing = (what: string, target: string, why: string): TableRow => ({ what, now: 'not measured', reference: why, target, met: 'not measured' });

function summary(r: {
	build: BuildBenchCase[] | null;
	imports: ImportFigures[] | null;
	thr: ThrRows | null;
	startUp: StartUpFigures[] | null;
	national: NationalBuildFigures | null;
	explore: ExploreFigures[] | null;
	mosaic: MosaicFigures[] | null;
	parquet: ParquetFigures | null;
}): TableRow[] {
	const rows: TableRow[] = [];
	const why = (name: string) => (PARTS.has(name) ? `part "${name}" did not complete` : `part "${name}" not selected (BENCH_PARTS)`);

	// Peak renderer memory at 1M and 10M rows and on the national set: the larger of /time and /map.
	const memory = (label: string, match: (f: ExploreFigures) => boolean, before: string) => {
		const fs = (r.explore ?? []).filter(match);
		const what = `peak renderer memory, ${label} (VmHWM, /time and /map)`;
		if (fs.length === 0) return rows.push(missing(what, '≤ 1.5 GB (aim 0.8)', r.explore ? 'set not in BENCH_EXPLORE_ROWS / BENCH_EXPLORE_SETS' : why('explore')));
		const peak = Math.max(...fs.map((f) => (Number.isFinite(f.hwmPeak) ? f.hwmPeak : 0)));
		const failed = fs.filter((f) => f.error).map((f) => `/${f.view} failed`);
		rows.push({
			what,
			now: `${gb(peak)}${failed.length ? ` (${failed.join(', ')})` : ''}`,
			reference: before,
			target: '≤ 1.5 GB (aim 0.8)',
			met: verdict(peak > 0 && failed.length === 0 ? peak <= 1.5 * 1024 ** 3 : peak > 0 ? false : null)
		});
	};
	memory('1M street rows', (f) => f.set === 'synthetic street 1M', 'issue: 10M ≈ 4.7 GB with every row inserted');
	memory('10M street rows', (f) => f.set === 'synthetic street 10M', 'issue: ≈ 4.7 GB with every row inserted');
	memory('10M timestamped rows (Chicago)', (f) => f.set === 'synthetic Chicago 10M', 'issue: ≈ 4.7 GB at 10M street rows');
	memory('national set', (f) => f.set.startsWith('national'), '—');

	// Cold start on the sample.
	if (r.startUp && r.startUp.length > 0) {
		for (const f of r.startUp) {
			const at = `median of ${f.runs}, load ${f.load}`;
			const before = f.page === '/map' ? 'issue: 2.44 s /map' : 'issue: 2.15 s /time, 2.44 s /map';
			rows.push({ what: `cold start ${f.page} on the sample, first view drawn`, now: s(f.cold.firstView), reference: `database ready ${s(f.cold.database)}; ${before}`, target: '≤ 2 s (quiet machine)', met: verdict(f.cold.firstView <= 2000) });
			rows.push({ what: `cold start ${f.page} on the sample, interactive`, now: s(f.cold.interactive), reference: at, target: '≤ 2.5 s (quiet machine)', met: verdict(f.cold.interactive <= 2500) });
			rows.push({
				what: `reload ${f.page} on the sample, interactive`,
				now: `${s(f.reload.interactive)} (first view ${s(f.reload.firstView)})`,
				reference: `cold ${s(f.cold.interactive)}; issue: the database started again`,
				target: '≤ 1.5 s (quiet machine)',
				met: verdict(f.reload.interactive <= 1500)
			});
		}
	} else {
		const sample = (r.explore ?? []).filter((f) => f.set === 'sample street (real)' && !f.error);
		for (const f of sample) {
			rows.push({ what: `cold start /${f.view} on the sample, every view drawn (clearsight:explore-ready)`, now: s(f.coldMs), reference: `issue: ${f.view === 'time' ? '2.15' : '2.44'} s`, target: 'interactive ≤ 2.5 s', met: verdict(f.coldMs <= 2500) });
		}
		rows.push(missing('cold start: first view drawn / reload', '≤ 2 s / ≤ 1.5 s', why('start-up')));
	}

	// THR at national LSOA scale in the browser: from the pre-aggregate (ours now) beside the base rows (before) and native DuckDB, same run.
	const thrFigures = r.thr ? thrSourceFigures(r.thr) : [];
	const thrSets = [...new Set(thrFigures.map((f) => f.set))].filter((x) => /^synthetic [\d,]+ areas/.test(x));
	const thrSet = thrSets.sort((a, b) => Number(b.replace(/\D+(\d[\d,]*).*/, '$1').replaceAll(',', '')) - Number(a.replace(/\D+(\d[\d,]*).*/, '$1').replaceAll(',', '')))[0];
	const thrRow = (kind: 'one month' | 'trend', target: number, before: string) => {
		const f = thrFigures.find((x) => x.set === thrSet && (kind === 'one month' ? / one month /.test(x.what) : /-month trend/.test(x.what)));
		const what = `THR ${thrSet ? thrSet.replace(/^synthetic /, '') : '33,000 areas × 36 months'}, ${f ? f.what : kind}, browser`;
		if (!f) return rows.push(missing(what, `≤ ${target / 1000} s`, why('thr')));
		const now = f.browserAggregate ?? f.browserBase;
		rows.push({
			what,
			now: now === null ? 'not run in the browser' : `${s(now)}${f.browserAggregate === null ? ' (base rows; no pre-aggregate figure)' : ''}`,
			reference: `browser from base rows ${s(f.browserBase ?? NaN)}; native ${s(f.nativeAggregate ?? f.nativeBase ?? NaN)}; ${before}`,
			target: `≤ ${target / 1000} s`,
			met: verdict(now === null ? false : now <= target)
		});
	};
	thrRow('one month', 1000, 'issue: 7.8 s');
	thrRow('trend', 3000, 'issue: 19.6 s');

	// Extract build against bare DuckDB CSV → Arrow, same files, same run.
	if (!r.build) rows.push(missing('extract build vs bare DuckDB CSV → Arrow', '≤ 1.5×', why('build')));
	for (const c of r.build ?? []) {
		rows.push({
			what: `extract build vs bare DuckDB, ${c.label} (${c.rows.toLocaleString('en-GB')} rows)`,
			now: `${(c.builderMs / c.bareMs).toFixed(2)}× (builder ${s(c.builderMs)})`,
			reference: `bare ${s(c.bareMs)}; issue: ${/sample/.test(c.label) ? '3.2×' : '4.2× at 1M'}`,
			target: '≤ 1.5×',
			met: verdict(c.builderMs / c.bareMs <= 1.5)
		});
	}
	if (r.national?.bareMs) {
		const n = r.national;
		rows.push({
			what: `extract build vs bare DuckDB, national SYNTHETIC (${n.rows.toLocaleString('en-GB')} rows)`,
			now: `${(n.buildMs / n.bareMs!).toFixed(2)}× (builder ${s(n.buildMs)})`,
			reference: `bare ${s(n.bareMs!)}`,
			target: '≤ 1.5×',
			met: verdict(n.buildMs / n.bareMs! <= 1.5)
		});
	}

	// In-browser import against the CLI builder on the 48 small files of the sample.
	const sampleImport = (r.imports ?? []).find((f) => /sample/.test(f.label));
	if (!sampleImport) rows.push(missing('in-browser import vs CLI, 48 small files', '≥ 0.8×', why('import')));
	for (const f of r.imports ?? []) {
		rows.push({
			what: `in-browser import vs CLI, ${f.label} (${f.files} files, ${f.rows.toLocaleString('en-GB')} rows)`,
			now: `${(f.cliMs / f.browserMs).toFixed(2)}× throughput (browser ${s(f.browserMs)})`,
			reference: `CLI ${s(f.cliMs)}; issue: 0.24× on the sample`,
			target: '≥ 0.8×',
			met: verdict(f.cliMs / f.browserMs >= 0.8)
		});
	}

	// The national set: build, sizes, rebuild after one month changed, interactivity.
	const n = r.national;
	if (!n) rows.push(missing('national SYNTHETIC set: extract build', '—', why('national')));
	else {
		rows.push({
			what: `national SYNTHETIC set (${n.rows.toLocaleString('en-GB')} rows, ${n.files} files, ${(n.csvBytes / 1e6).toFixed(0)} MB CSV): extract build`,
			now: `${s(n.buildMs)}; base.duckdb ${n.baseBytes === null ? 'none' : `${(n.baseBytes / MB).toFixed(0)} MB`}; Arrow ${(n.arrowBytes / MB).toFixed(1)} MB`,
			reference: n.generateMs === null ? 'set reused' : `set written in ${s(n.generateMs)}`,
			target: '—',
			met: '—'
		});
		const reread = n.rebuildMonths ? /months re-read: ([^;]*)/.exec(n.rebuildMonths)?.[1].split(',').map((x) => x.trim()).filter(Boolean) ?? [] : null;
		rows.push({
			what: 'national SYNTHETIC set: rebuild after one month\'s file changed',
			now: `${s(n.rebuildChangedMs)} (put back: ${s(n.rebuildRestoredMs)}); ${n.rebuildMonths ?? 'the builder named no months re-read'}`,
			reference: `full build ${s(n.buildMs)}`,
			target: 'only the changed month re-read',
			met: verdict(reread === null ? false : reread.length === 1)
		});
	}
	const national = (r.explore ?? []).filter((f) => f.set.startsWith('national'));
	if (national.length === 0) rows.push(missing('national set, filter change p95', '< 100 ms', r.explore ? 'national not in BENCH_EXPLORE_SETS' : why('explore')));
	for (const f of national) {
		const peer = (r.mosaic ?? []).find((m) => m.set === f.set && m.page === f.view);
		rows.push({
			what: `national set /${f.view}, filter change p50 / p95 (${f.changes} changes)`,
			now: f.error ? `failed: ${f.error.slice(0, 60)}` : `${ms(f.p50)} / ${ms(f.p95)}`,
			reference: `native ${ms(f.nativeP50)} / ${ms(f.nativeP95)}${peer ? `; Mosaic ${ms(peer.mosaic.p50)} / ${ms(peer.mosaic.p95)} (ours ÷ Mosaic p95 ${(f.p95 / peer.mosaic.p95).toFixed(2)}×)` : ''}`,
			target: 'p95 < 100 ms',
			met: verdict(f.error ? false : f.p95 < 100)
		});
	}
	if (r.parquet) {
		const p = r.parquet;
		const q = (name: string) => p.queries.find((x) => x.name.startsWith(name));
		rows.push({
			what: `national SYNTHETIC as month-partitioned Parquet, native DuckDB (${p.rows.toLocaleString('en-GB')} rows, ${p.years} years, ${(p.bytes / 1e9).toFixed(2)} GB)`,
			now: `month × force × type ${s(q('month × force')?.ms ?? NaN)}; LSOA × month × type ${s(q('LSOA × month')?.ms ?? NaN)}; one month ${s(q('one month')?.ms ?? NaN)}`,
			reference: `STACK-NOTES, 90M rows: 2.7 s; 13.4 s; peak here ${gb(p.peakRssBytes)}`,
			target: '—',
			met: '—'
		});
	}
	// Mosaic beside ours on the other sets (the peer of item 6).
	for (const m of r.mosaic ?? []) {
		if (m.set.startsWith('national') || !m.oursApp) continue;
		rows.push({
			what: `${m.set} /${m.page}, filter change p50 / p95, ours vs Mosaic`,
			now: `${ms(m.oursApp.p50)} / ${ms(m.oursApp.p95)}`,
			reference: `Mosaic ${ms(m.mosaic.p50)} / ${ms(m.mosaic.p95)}; ratio p95 ${(m.oursApp.p95 / m.mosaic.p95).toFixed(2)}×`,
			target: '—',
			met: '—'
		});
	}
	return rows;
}

function printTable(rows: TableRow[]): void {
	const head: TableRow = { what: 'what', now: 'now (this run)', reference: 'reference (this run; issue = before)', target: 'target', met: 'met?' };
	const keys = ['what', 'now', 'reference', 'target', 'met'] as const;
	const width = Object.fromEntries(keys.map((k) => [k, Math.max(...[head, ...rows].map((r) => r[k].length))])) as Record<(typeof keys)[number], number>;
	const line = (r: TableRow) => `| ${keys.map((k) => r[k].padEnd(width[k])).join(' | ')} |`;
	console.log(line(head));
	console.log(`|${keys.map((k) => '-'.repeat(width[k] + 2)).join('|')}|`);
	for (const r of rows) console.log(line(r));
}

async function main() {
	mkdirSync(OUT, { recursive: true });
	const log = (line: string) => console.log(line);
	const build = await part('build', () => benchBuild({ log, outDir: OUT }));
	const imports = await part('import', () =>
		benchImport(
			(build ?? [{ label: 'sample (real)', inputs: ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'] }]).map((c) => ({ label: c.label, inputs: c.inputs })),
			{ log, outDir: OUT }
		)
	);
	await part('forecast', async () => {
		log('Forecasts and backtests (native DuckDB + TypeScript)');
		await benchForecasts({ log });
	});
	const thr = await part('thr', () => benchThr({ log }));
	const startUp = await part('start-up', () => benchStartUp({ log }));
	const national = await part('national', () => benchNationalBuild({ log }));
	const parquet = await part('parquet', async () => {
		log('National set as month-partitioned Parquet, native DuckDB (SYNTHETIC data)');
		return benchNationalParquet({ log });
	});
	const explore = await part('explore', () => benchExplore({ log }));
	const mosaic = await part('mosaic', () => benchMosaic({ log }));
	await part('hotspots', () => benchHotspotWindows({ log }));

	console.log('Issue 14: every row, measured in this run (renderer memory: VmHWM of the Chromium renderer process, /proc/<pid>/status)');
	printTable(summary({ build, imports, thr, startUp, national, explore, mosaic, parquet }));
	if (errors.length > 0) console.log(`\n${errors.length} part(s) failed: ${errors.join(' | ')}`);
	if (process.env.BENCH_CLEAN) rmSync(OUT, { recursive: true, force: true });
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
