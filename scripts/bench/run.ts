/**
 * npm run bench — measured figures and ratios, side by side in one run (never asserted).
 *
 * Extract build throughput: the full builder (validation, quarantine, H3, Arrow) against a
 * bare DuckDB CSV → Arrow conversion of the same files (read_csv with type sniffing, rows to
 * Arrow IPC, written to disk), on the real sample and on a seeded synthetic set of ≥ 1M rows.
 * Then forecasts and backtests (forecast.ts) and THR scoring natively and in the browser (thr.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExtracts } from '../lib/extracts';
import { createNodeRunner } from '../lib/node-runner';
import { queryToArrow } from '../lib/arrow-write';
import type { ExtractColumn } from '../../analytics/ingest/extract-schema';
import { listInputs } from '../lib/input-files';
import { writeSyntheticStreet } from './synthetic';
import { benchForecasts } from './forecast';
import { benchExplore } from './explore';
import { benchImport } from './import';
import { benchThr } from './thr';
import { benchHotspotWindows } from './hotspots';

const OUT = 'bench-out';
const SYNTHETIC_ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

function arrowType(duckType: string): ExtractColumn['type'] {
	if (/INT/.test(duckType)) return 'DOUBLE';
	if (/DOUBLE|FLOAT|DECIMAL/.test(duckType)) return 'DOUBLE';
	if (duckType === 'BOOLEAN') return 'BOOLEAN';
	return 'VARCHAR';
}

/** Bare conversion: DuckDB reads the CSVs with its own sniffing, the rows become one Arrow file. */
async function bareConversion(files: string[], out: string): Promise<number> {
	const runner = await createNodeRunner();
	try {
		const started = performance.now();
		await runner.exec(`CREATE TEMP TABLE bare AS SELECT * FROM read_csv(?::VARCHAR[], union_by_name = true)`.replace('?::VARCHAR[]', `[${files.map(() => '?').join(', ')}]`), files);
		const types = await runner.rows<{ column_name: string; column_type: string }>(`SELECT column_name, column_type FROM (DESCRIBE bare)`);
		const columns: ExtractColumn[] = types.map((t) => ({ name: t.column_name, type: arrowType(t.column_type), description: '' }));
		const select = columns.map((c, i) => `CAST("${c.name}" AS ${c.type}) AS c${i}`).join(', ');
		const renamed = columns.map((c, i) => ({ ...c, name: `c${i}` }));
		const { bytes } = await queryToArrow(runner, renamed, `(SELECT ${select} FROM bare)`);
		writeFileSync(join(out, 'bare.arrow'), bytes);
		return performance.now() - started;
	} finally {
		runner.close();
	}
}

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

async function measure(label: string, inputs: string[], rowsHint?: number) {
	const files = listInputs(inputs);
	const outFull = join(OUT, `${label}-extracts`);
	const outBare = join(OUT, `${label}-bare`);
	mkdirSync(outBare, { recursive: true });
	const full: number[] = [];
	const bare: number[] = [];
	let rows = rowsHint ?? 0;
	for (let i = 0; i < REPEATS; i++) {
		// Alternate the order so neither side always runs on a warmer cache.
		if (i % 2 === 0) {
			bare.push(await bareConversion(files, outBare));
			const r = await buildExtracts({ inputs, out: outFull, areas: null });
			full.push(r.elapsedMs);
			rows = r.manifest.totals.rows_in;
		} else {
			const r = await buildExtracts({ inputs, out: outFull, areas: null });
			full.push(r.elapsedMs);
			rows = r.manifest.totals.rows_in;
			bare.push(await bareConversion(files, outBare));
		}
	}
	const f = median(full);
	const b = median(bare);
	console.log(
		`${label.padEnd(22)} ${String(rows).padStart(9)} rows  builder ${(f / 1000).toFixed(2).padStart(6)} s (${Math.round(rows / (f / 1000)).toLocaleString('en-GB').padStart(10)} rows/s)` +
			`  bare DuckDB ${(b / 1000).toFixed(2).padStart(6)} s (${Math.round(rows / (b / 1000)).toLocaleString('en-GB').padStart(10)} rows/s)  ratio ${(f / b).toFixed(2)}×`
	);
}

async function main() {
	mkdirSync(OUT, { recursive: true });
	console.log(`Extract build throughput (median of ${REPEATS} runs each; builder without boundaries, the same for both sides)`);
	await measure('sample (real)', ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search']);
	const synthDir = join(OUT, `synthetic-street-${SYNTHETIC_ROWS}`);
	writeSyntheticStreet({ sourceDir: 'sample-data/police-uk/city-of-london/street', outDir: synthDir, rows: SYNTHETIC_ROWS });
	await measure(`synthetic ${(SYNTHETIC_ROWS / 1e6).toFixed(1)}M rows`, [synthDir]);
	console.log('');
	await benchImport(
		[
			{ label: 'sample (real)', inputs: ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'] },
			{ label: `synthetic ${(SYNTHETIC_ROWS / 1e6).toFixed(1)}M rows`, inputs: [synthDir] }
		],
		{ log: (line) => console.log(line), outDir: OUT }
	);
	console.log('\nForecasts and backtests (native DuckDB + TypeScript)');
	await benchForecasts({ log: (line) => console.log(line) });
	console.log('');
	await benchThr({ log: (line) => console.log(line) });
	console.log('');
	await benchExplore({ log: (line) => console.log(line) });
	console.log('');
	await benchHotspotWindows({ log: (line) => console.log(line) });
	if (process.env.BENCH_CLEAN) rmSync(OUT, { recursive: true, force: true });
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
