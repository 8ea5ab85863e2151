/**
 * npm run score -- --model <model file> --input <street CSV(s), folders or an extract folder> --month <YYYY-MM> --out <file.csv>
 *
 * Scores every area in scope for one month with a THR model file, from data up to and including
 * that month only, and writes one row per area: area_id, rank, score, band and one
 * contribution_<component> column per component; the contributions add up to the score exactly
 * (each is an exact decimal). Prints a summary. Exits 2 on a usage error (unknown option, bad
 * month, missing option), 1 when the model fails its schema or checks (listing every error),
 * the input cannot be read, or the month has no data.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readModel } from './thr-model-file';
import { parseArgs } from './lib/args';
import { createNodeRunner } from './lib/node-runner';
import { loadInput } from './lib/load-input';
import { toCsv } from '../analytics/export/csv';
import type { Row } from '../analytics/runner';
import { formatScore, monthIndex, scoreMonth } from '../analytics/thr';

const USAGE = `usage: npm run score -- --model <model file> --input <street CSVs, folders or an extract folder …> --month <YYYY-MM> --out <file.csv>
  e.g. npm run score -- --model models/thr/thr-v2.json --input sample-data/police-uk/city-of-london/street --month 2019-06 --out scores.csv`;

class UsageError extends Error {}

async function main(): Promise<number> {
	let args;
	try {
		args = parseArgs(process.argv.slice(2), { lists: ['input'], values: ['model', 'month', 'out'], flags: ['help'] });
		if (args.flags.has('help')) {
			console.log(USAGE);
			return 0;
		}
		for (const name of ['model', 'month', 'out'] as const) if (!args.values[name]) throw new UsageError(`--${name} is required`);
		if (!args.lists.input?.length) throw new UsageError('--input is required');
		monthIndex(args.values.month);
	} catch (e) {
		console.error(`error: ${(e as Error).message}\n${USAGE}`);
		return 2;
	}
	const started = performance.now();
	const { model, weights } = readModel(args.values.model);
	const month = args.values.month;
	const runner = await createNodeRunner();
	try {
		const input = await loadInput(runner, args.lists.input, { datasets: ['incidents'] });
		const loadedMs = performance.now() - started;
		const t = performance.now();
		const result = await scoreMonth(runner, { model, weights, month });
		const scoreMs = performance.now() - t;
		const noData = result.warnings.find((w) => w.startsWith('no records'));
		if (noData) throw new Error(`cannot score ${month}: ${noData}`);
		if (result.areas.length === 0) throw new Error(`cannot score ${month}: no area has harm-counting incidents in the ${Math.max(...model.components.map((c) => c.window_months))} months to then`);

		const columns = ['area_id', 'rank', 'score', 'band', ...model.components.map((c) => `contribution_${c.id}`)];
		const rows: Row[] = result.areas.map((a) => {
			const row: Row = { area_id: a.areaId, rank: a.rank, score: formatScore(a.scoreUnits), band: a.band };
			for (const c of a.components) row[`contribution_${c.id}`] = formatScore(c.contributionUnits);
			return row;
		});
		mkdirSync(dirname(resolve(args.values.out)), { recursive: true });
		writeFileSync(args.values.out, toCsv(rows, columns));

		console.log(`${model.title} (${model.id} ${model.version}), harm weights ${weights.id} ${weights.version}`);
		console.log(`Input: ${input.kind === 'extract' ? `extract ${input.dir} built ${input.manifest.built_at}` : `${args.lists.input.join(', ')} (built in ${(input.buildMs / 1000).toFixed(1)} s)`}, ${input.tables[0].rows} incident rows`);
		console.log(`Month ${month}: ${result.areas.length} areas scored from data up to ${month}; ${model.bands.map((b) => `${b.label} ${result.bandCounts[b.id]}`).join(', ')}`);
		for (const c of result.components) {
			if (c.riskRun) {
				const r = c.riskRun;
				console.log(`${c.label}: ${r.methodLabel} (${r.reason}) forecasting ${r.forecastMonth} from ${r.historyFrom}…${r.historyTo}; overdispersion φ = ${r.overdispersion.toFixed(3)}`);
			} else if (c.riskMethod) console.log(`${c.label}: ${c.riskMethod}`);
		}
		for (const w of result.warnings) console.log(`warning: ${w}`);
		console.log(`Top 5 (${model.tie_rule.description})`);
		for (const a of result.areas.slice(0, 5)) {
			console.log(`  ${String(a.rank).padStart(3)}  ${a.areaId}  ${a.score.toFixed(3)}  ${a.band.padEnd(6)}  ${a.components.map((c) => `${c.id} ${c.contribution.toFixed(3)}`).join(' + ')}`);
		}
		console.log(`Wrote ${rows.length} rows to ${args.values.out}. Load ${(loadedMs / 1000).toFixed(1)} s, score ${scoreMs.toFixed(0)} ms.`);
		return 0;
	} finally {
		runner.close();
	}
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(`error: ${(e as Error).message}`);
		if (process.env.DEBUG) console.error(e);
		process.exit(1);
	}
);
