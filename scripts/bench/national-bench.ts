/**
 * The national scale path, measured (never asserted): the SYNTHETIC 43-force set of national.ts
 * (BENCH_NATIONAL_ROWS a year, default 6,000,000, over BENCH_NATIONAL_YEARS, default 1) written,
 * then built as `npm start -- --data <folder>` builds it (start.ts's ensureFolderExtract, the
 * normal extract builder): the full build's time beside a bare DuckDB CSV → Arrow conversion of
 * the same files (build.ts; BENCH_NATIONAL_BARE=0 skips it), the size of base.duckdb and of the
 * Arrow files, and the rebuild after one month's file changes (one force's file loses its last
 * 100 rows), then after it is put back. The extract is left in place for the explore bench.
 *
 * `npx tsx scripts/bench/national-bench.ts` runs just this part.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listInputs } from '../lib/input-files';
import { ensureFolderExtract } from '../start';
import { bareConversion, cpuMs } from './build';
import { manifestOf, nationalSize } from './explore';
import { writeNationalSet } from './national';

export interface NationalBuildFigures {
	rows: number;
	files: number;
	csvBytes: number;
	generateMs: number | null;
	buildMs: number;
	bareMs: number | null;
	baseBytes: number | null;
	arrowBytes: number;
	arrow: Array<{ name: string; rows: number; bytes: number }>;
	/** Rebuild after one month's file changed, and after it was put back. */
	rebuildChangedMs: number;
	rebuildRestoredMs: number;
	/** The builder's "months re-read: …" line of the rebuild after the change (null if it printed none). */
	rebuildMonths: string | null;
}

const MB = 1024 * 1024;

export async function benchNationalBuild({ log }: { log: (line: string) => void }): Promise<NationalBuildFigures> {
	const { rowsPerYear, years, dir } = nationalSize();
	log(`National scale path: SYNTHETIC set of ${(rowsPerYear * years).toLocaleString('en-GB')} street records (43 forces, ${years} year${years === 1 ? '' : 's'}) → extract, as npm start -- --data builds it`);
	const g = await writeNationalSet({ out: dir, rowsPerYear, years, seed: 1 });
	log(`  set: ${g.rows.toLocaleString('en-GB')} records in ${g.files.length} files, ${(g.bytes / 1e6).toFixed(0)} MB of CSV${g.reused ? ' (already there, not timed)' : `, written in ${(g.elapsedMs / 1000).toFixed(1)} s`}`);
	let monthsLine: string | null = null;
	const quiet = (l: string) => {
		if (/months re-read/.test(l)) monthsLine = l.trim();
		if (!l.startsWith('  read ') && !/records fall within another force/.test(l)) log(`  | ${l.trim()}`);
	};
	const root = `${dir}-extract`;
	rmSync(root, { recursive: true, force: true });
	let t = performance.now();
	const cpu = process.cpuUsage();
	await ensureFolderExtract(dir, quiet);
	const buildMs = performance.now() - t;
	const buildCpuMs = cpuMs(cpu);
	const m = manifestOf(join(root, basename(dir)))!;
	const arrow = m.datasets
		.filter((d) => 'bytes' in d && ((d as { format?: string }).format ?? 'arrow-ipc-stream') === 'arrow-ipc-stream')
		.map((d) => ({ name: d.name, rows: d.rows, bytes: (d as { bytes: number }).bytes }))
		.sort((a, b) => b.bytes - a.bytes);
	const arrowBytes = arrow.reduce((s, d) => s + d.bytes, 0);
	const baseBytes = (m as { base_database?: { bytes: number } }).base_database?.bytes ?? null;
	log(
		`  full build ${(buildMs / 1000).toFixed(1)} s (${Math.round(g.rows / (buildMs / 1000)).toLocaleString('en-GB')} rows/s); base.duckdb ${baseBytes === null ? 'not written' : `${(baseBytes / MB).toFixed(0)} MB`}; ` +
			`Arrow files ${(arrowBytes / MB).toFixed(1)} MB (${arrow.slice(0, 4).map((d) => `${d.name} ${d.rows.toLocaleString('en-GB')} rows ${(d.bytes / MB).toFixed(1)} MB`).join(', ')})`
	);

	let bareMs: number | null = null;
	if (process.env.BENCH_NATIONAL_BARE !== '0') {
		const bareOut = join('bench-out', 'national-bare');
		mkdirSync(bareOut, { recursive: true });
		const steps: Array<{ phase: string; ms: number }> = [];
		const bareCpu = process.cpuUsage();
		bareMs = await bareConversion(listInputs([dir]), bareOut, steps);
		const bareCpuMs = cpuMs(bareCpu);
		rmSync(bareOut, { recursive: true, force: true });
		log(
			`  bare DuckDB CSV → Arrow of the same files ${(bareMs / 1000).toFixed(1)} s (${steps.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s`).join(', ')}); builder / bare ${(buildMs / bareMs).toFixed(2)}×`
		);
		log(`  CPU (user + system): builder ${(buildCpuMs / 1000).toFixed(1)} s, bare ${(bareCpuMs / 1000).toFixed(1)} s, ratio ${(buildCpuMs / bareCpuMs).toFixed(2)}×`);
	}

	// One month's file changes (the Metropolitan Police's middle month loses its last 100 rows), then is put back.
	const month = g.files[Math.floor(g.files.length / 2)].split('/').at(-2)!;
	const changed = g.files.find((f) => f.includes(`/${month}/`) && f.includes('-metropolitan-'))!;
	const original = readFileSync(changed);
	const lines = original.toString('utf8').split('\n');
	writeFileSync(changed, lines.slice(0, Math.max(1, lines.length - 101)).join('\n') + '\n');
	t = performance.now();
	monthsLine = null;
	await ensureFolderExtract(dir, quiet);
	const rebuildChangedMs = performance.now() - t;
	const rebuildMonths: string | null = monthsLine;
	writeFileSync(changed, original);
	t = performance.now();
	await ensureFolderExtract(dir, quiet);
	const rebuildRestoredMs = performance.now() - t;
	log(`  rebuild after ${basename(changed)} changed ${(rebuildChangedMs / 1000).toFixed(1)} s; after it was put back ${(rebuildRestoredMs / 1000).toFixed(1)} s (full build ${(buildMs / 1000).toFixed(1)} s)`);
	return {
		rows: g.rows,
		files: g.files.length,
		csvBytes: g.bytes,
		generateMs: g.reused ? null : g.elapsedMs,
		buildMs,
		bareMs,
		baseBytes,
		arrowBytes,
		arrow,
		rebuildChangedMs,
		rebuildRestoredMs,
		rebuildMonths
	};
}

if (process.argv[1]?.endsWith('national-bench.ts')) {
	benchNationalBuild({ log: (l) => console.log(l) }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
