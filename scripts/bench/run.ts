/**
 * npm run bench — measured figures and ratios, side by side in one run (never asserted).
 *
 * Extract build throughput against bare DuckDB (build.ts), the in-browser import beside the
 * command-line builder on the same files (import.ts). Then forecasts and backtests (forecast.ts)
 * and THR scoring natively and in the browser (thr.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { benchBuild } from './build';
import { benchForecasts } from './forecast';
import { benchExplore } from './explore';
import { benchImport } from './import';
import { benchThr } from './thr';
import { benchHotspotWindows } from './hotspots';

const OUT = 'bench-out';

async function main() {
	mkdirSync(OUT, { recursive: true });
	const cases = await benchBuild({ log: (line) => console.log(line), outDir: OUT });
	console.log('');
	await benchImport(
		cases.map((c) => ({ label: c.label, inputs: c.inputs })),
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
