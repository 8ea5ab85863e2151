/**
 * Extract build throughput: the full builder (validation, quarantine, H3, datasets) against a
 * bare DuckDB CSV → Arrow conversion of the same files (read_csv with type sniffing, rows to
 * Arrow IPC, written to disk), on the real sample and on a seeded synthetic set of ≥ 1M rows.
 * Measured, printed, never asserted. Under each row, the builder's steps (BuildResult.phases) and
 * the bare conversion's two (read_csv, Arrow) of the median runs, so the excess can be placed.
 *
 * What the two sides do: bare reads the CSVs once with sniffed types and writes every column as
 * Arrow. The builder also numbers every line, checks the row rules and the cross-row ones
 * (duplicates), types the columns by the contract, locates every point (H3 r7/8/9, LSOA, force
 * area), writes base.duckdb sorted by month, the pre-aggregates, the quarantine, summary.json and
 * the manifest with every file's sha256. The ratio is therefore of a validated, indexed extract
 * against a plain format conversion, not of like for like.
 *
 * `npx tsx scripts/bench/build.ts` runs just this benchmark (BENCH_ROWS, BENCH_REPEATS as for npm run bench).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExtracts, type BuildPhase } from '../lib/extracts';
import { createNodeRunner } from '../lib/node-runner';
import { queryToArrow } from '../lib/arrow-write';
import type { ExtractColumn } from '../../analytics/ingest/extract-schema';
import { listInputs } from '../lib/input-files';
import { writeSyntheticStreet } from './synthetic';

export const SAMPLE_INPUTS = ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'];

export interface BuildBenchOptions {
	log: (line: string) => void;
	/** Folder for the outputs and the synthetic set (default bench-out). */
	outDir?: string;
	/** Rows of the synthetic set (default BENCH_ROWS or 1,000,000). */
	syntheticRows?: number;
	/** Runs of each side; the median is printed (default BENCH_REPEATS or 3). */
	repeats?: number;
}

export interface BuildBenchCase {
	label: string;
	inputs: string[];
	rows: number;
	builderMs: number;
	bareMs: number;
	/**
	 * CPU seconds (user + system, every thread of this process) of the median-CPU run of each side:
	 * on a shared machine the work done moves less with the load than the wall time does.
	 */
	builderCpuMs: number;
	bareCpuMs: number;
	/** Steps of the median builder run and of the median bare run. */
	builderPhases: BuildPhase[];
	barePhases: BuildPhase[];
}

function arrowType(duckType: string): ExtractColumn['type'] {
	if (/INT/.test(duckType)) return 'DOUBLE';
	if (/DOUBLE|FLOAT|DECIMAL/.test(duckType)) return 'DOUBLE';
	if (duckType === 'BOOLEAN') return 'BOOLEAN';
	return 'VARCHAR';
}

/**
 * Bare conversion: DuckDB reads the CSVs with its own sniffing, the rows become one Arrow file.
 * Returns its wall time; `phases`, when given, receives the read_csv step and the Arrow step.
 */
export async function bareConversion(files: string[], out: string, phases?: BuildPhase[]): Promise<number> {
	const runner = await createNodeRunner();
	try {
		const started = performance.now();
		await runner.exec(`CREATE TEMP TABLE bare AS SELECT * FROM read_csv(?::VARCHAR[], union_by_name = true)`.replace('?::VARCHAR[]', `[${files.map(() => '?').join(', ')}]`), files);
		const types = await runner.rows<{ column_name: string; column_type: string }>(`SELECT column_name, column_type FROM (DESCRIBE bare)`);
		const columns: ExtractColumn[] = types.map((t) => ({ name: t.column_name, type: arrowType(t.column_type), description: '' }));
		const select = columns.map((c, i) => `CAST("${c.name}" AS ${c.type}) AS c${i}`).join(', ');
		const renamed = columns.map((c, i) => ({ ...c, name: `c${i}` }));
		const read = performance.now();
		const { bytes } = await queryToArrow(runner, renamed, `(SELECT ${select} FROM bare)`);
		writeFileSync(join(out, 'bare.arrow'), bytes);
		const ended = performance.now();
		phases?.push({ phase: 'read_csv (sniffed types)', ms: read - started }, { phase: 'rows → Arrow file', ms: ended - read });
		return ended - started;
	} finally {
		runner.close();
	}
}

/** CPU milliseconds (user + system, all threads of the process) since `since` (a process.cpuUsage() reading). */
export function cpuMs(since: NodeJS.CpuUsage): number {
	const d = process.cpuUsage(since);
	return (d.user + d.system) / 1000;
}

export function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/** Builder and bare conversion on the same inputs, `repeats` times each, alternating; medians. */
export async function measureBuild(label: string, inputs: string[], options: { outDir: string; repeats: number; log: (line: string) => void }): Promise<BuildBenchCase> {
	const files = listInputs(inputs);
	const outFull = join(options.outDir, `${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-extracts`);
	const outBare = join(options.outDir, `${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-bare`);
	mkdirSync(outBare, { recursive: true });
	const full: number[] = [];
	const bare: number[] = [];
	const fullPhases: BuildPhase[][] = [];
	const barePhases: BuildPhase[][] = [];
	const fullCpu: number[] = [];
	const bareCpu: number[] = [];
	let rows = 0;
	const builder = async () => {
		const cpu = process.cpuUsage();
		const r = await buildExtracts({ inputs, out: outFull, areas: null });
		fullCpu.push(cpuMs(cpu));
		full.push(r.elapsedMs);
		fullPhases.push(r.phases);
		rows = r.manifest.totals.rows_in;
	};
	const bareRun = async () => {
		const phases: BuildPhase[] = [];
		const cpu = process.cpuUsage();
		bare.push(await bareConversion(files, outBare, phases));
		bareCpu.push(cpuMs(cpu));
		barePhases.push(phases);
	};
	for (let i = 0; i < options.repeats; i++) {
		// Alternate the order so neither side always runs on a warmer cache.
		if (i % 2 === 0) {
			await bareRun();
			await builder();
		} else {
			await builder();
			await bareRun();
		}
	}
	const f = median(full);
	const b = median(bare);
	const builderPhases = fullPhases[full.indexOf(f)];
	const bareSteps = barePhases[bare.indexOf(b)];
	options.log(
		`${label.padEnd(22)} ${String(rows).padStart(9)} rows  builder ${(f / 1000).toFixed(2).padStart(6)} s (${Math.round(rows / (f / 1000)).toLocaleString('en-GB').padStart(10)} rows/s)` +
			`  bare DuckDB ${(b / 1000).toFixed(2).padStart(6)} s (${Math.round(rows / (b / 1000)).toLocaleString('en-GB').padStart(10)} rows/s)  ratio ${(f / b).toFixed(2)}×`
	);
	const fc = median(fullCpu);
	const bc = median(bareCpu);
	options.log(`${''.padEnd(22)} CPU (user + system, median): builder ${(fc / 1000).toFixed(2)} s, bare ${(bc / 1000).toFixed(2)} s, ratio ${(fc / bc).toFixed(2)}×`);
	for (const line of phaseLines(builderPhases, bareSteps, b)) options.log(line);
	return { label, inputs, rows, builderMs: f, bareMs: b, builderCpuMs: fc, bareCpuMs: bc, builderPhases, barePhases: bareSteps };
}

/**
 * The breakdown printed under a build row: each builder step in seconds and as a share of the
 * bare conversion's whole time (so the shares add up to the ratio), then the bare steps.
 */
export function phaseLines(builder: readonly BuildPhase[], bare: readonly BuildPhase[], bareMs: number): string[] {
	const line = (p: BuildPhase) => `    ${p.phase.padEnd(52)} ${(p.ms / 1000).toFixed(2).padStart(7)} s  ${(p.ms / bareMs).toFixed(2).padStart(5)}× bare`;
	return ['  builder steps (median run):', ...builder.map(line), '  bare steps (median run):', ...bare.map(line)];
}

/**
 * The extract-build rows of the bench: the real sample and the synthetic set. Returns the cases
 * (labels and inputs, for the import bench on the same files).
 */
export async function benchBuild(options: BuildBenchOptions): Promise<BuildBenchCase[]> {
	const outDir = options.outDir ?? 'bench-out';
	const rows = options.syntheticRows ?? Number(process.env.BENCH_ROWS ?? 1_000_000);
	const repeats = options.repeats ?? Number(process.env.BENCH_REPEATS ?? 3);
	mkdirSync(outDir, { recursive: true });
	options.log(`Extract build throughput (median of ${repeats} runs each; builder without boundaries, the same for both sides)`);
	const cases: BuildBenchCase[] = [];
	cases.push(await measureBuild('sample (real)', SAMPLE_INPUTS, { outDir, repeats, log: options.log }));
	const synthDir = join(outDir, `synthetic-street-${rows}`);
	writeSyntheticStreet({ sourceDir: 'sample-data/police-uk/city-of-london/street', outDir: synthDir, rows });
	cases.push(await measureBuild(`synthetic ${(rows / 1e6).toFixed(1)}M rows`, [synthDir], { outDir, repeats, log: options.log }));
	return cases;
}

if (process.argv[1]?.endsWith('build.ts')) {
	benchBuild({ log: (l) => console.log(l) }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
