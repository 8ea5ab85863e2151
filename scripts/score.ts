/**
 * npm run score -- --input <street CSV(s), folders or an extract folder> --month <YYYY-MM> --out <file> [--model <model file>] [--format csv|text] [--top N]
 *
 * Scores every area in scope for one month with a THR model file (default the published
 * thr-v3), from data up to and including that month only, never reading a record located
 * outside the force area, and writes one row per area a reviewer can read without the app:
 * area_id, area_name, rank, band, score, then for each component its raw value, unit, normalised
 * value, weight and contribution, then the plain-English reason. The contributions add up to the
 * score exactly (each is an exact decimal). `--format text` writes the same as readable blocks.
 * Prints a summary with the top areas (`--top`, default 5). Exits 2 on a usage error (unknown
 * option, bad month, missing option), 1 when the model fails its schema or checks (listing every
 * error), the input cannot be read, or the month has no data.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_THR_MODEL, readModel } from './thr-model-file';
import { parseArgs } from './lib/args';
import { runCli, UsageError } from './lib/cli';
import { createNodeRunner } from './lib/node-runner';
import { loadInput } from './lib/load-input';
import { toCsv } from '../analytics/export/csv';
import type { QueryRunner, Row } from '../analytics/runner';
import { areaReason, bandMeaning, formatScore, monthIndex, readableNumber, scoreMonth, type AreaReason, type ScoreResult, type ThrModel } from '../analytics/thr';

const USAGE = `usage: npm run score -- --input <street CSVs, folders or an extract folder …> --month <YYYY-MM> --out <file> [--model <model file>] [--format csv|text] [--top N]
  e.g. npm run score -- --input sample-data/police-uk/city-of-london/street --month 2019-11 --out scores.csv
  --model   a THR model file (default ${DEFAULT_THR_MODEL})
  --format  csv (default): one row per area; text: the same as readable blocks
  --top     how many areas the summary prints (default 5)`;

/** How many significant decimals a raw value is written with in the CSV (raw values are measurements, not exact like scores). */
const RAW_DIGITS = 12;

/**
 * A readable name per LSOA: the `areas` table's lsoa_name, else the most frequent lsoa_name on
 * the area's incidents, else its local authority from `force_area`, else the most frequent
 * district name of its incidents (districts table). Empty when none is known or the unit is not
 * LSOAs. Tables or columns an extract lacks are skipped.
 */
export async function areaNames(runner: QueryRunner, areaIds: readonly string[], unit: string): Promise<Map<string, string>> {
	const names = new Map<string, string>();
	if (unit !== 'lsoa' || areaIds.length === 0) return names;
	const columns = new Set(
		(await runner.rows<{ t: string; c: string }>("SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema IN ('main', 'temp')")).map(
			(r) => `${r.t}.${r.c}`
		)
	);
	const has = (...cols: string[]) => cols.every((c) => columns.has(c));
	const sources: string[] = [];
	if (has('areas.lsoa_code', 'areas.lsoa_name')) sources.push('SELECT lsoa_code AS code, lsoa_name AS name, 1 AS pref, 1 AS n FROM areas WHERE lsoa_name IS NOT NULL');
	if (has('incidents.lsoa_code', 'incidents.lsoa_name'))
		sources.push('SELECT lsoa_code, lsoa_name, 2, count(*) FROM incidents WHERE lsoa_name IS NOT NULL AND lsoa_code IS NOT NULL GROUP BY ALL');
	if (has('force_area.area_code', 'force_area.lad_name'))
		sources.push("SELECT area_code, lad_name || ' (local authority)', 3, 1 FROM force_area WHERE lad_name IS NOT NULL AND area_unit = 'lsoa'");
	if (has('incidents.lsoa_code', 'incidents.district_id', 'districts.district_id', 'districts.name'))
		sources.push(
			"SELECT i.lsoa_code, d.name || ' (district)', 4, count(*) FROM incidents i JOIN districts d ON d.district_id = i.district_id WHERE i.lsoa_code IS NOT NULL AND d.name IS NOT NULL GROUP BY ALL"
		);
	if (sources.length === 0) return names;
	const rows = await runner.rows<{ code: string; name: string }>(
		`SELECT code, arg_min(name, (pref, -n, name)) AS name FROM (${sources.join(' UNION ALL ')}) AS s(code, name, pref, n) GROUP BY code`
	);
	const wanted = new Set(areaIds);
	for (const r of rows) if (wanted.has(r.code)) names.set(r.code, r.name);
	return names;
}

/** Datasets scoring reads, and those that name areas; an extract folder's list is cut to what it has (older extracts lack force_area). */
function datasetsFor(inputs: readonly string[]): Array<'incidents' | 'areas' | 'districts' | 'force_area' | 'force_cells'> {
	const wanted = ['incidents', 'areas', 'districts', 'force_area', 'force_cells'] as const;
	const manifest = inputs.length === 1 ? join(inputs[0], 'manifest.json') : null;
	if (!manifest || !existsSync(manifest)) return [...wanted];
	const listed = new Set((JSON.parse(readFileSync(manifest, 'utf8')) as { datasets?: Array<{ name: string }> }).datasets?.map((d) => d.name) ?? []);
	return wanted.filter((d) => d === 'incidents' || listed.has(d));
}

/** A raw value for the CSV: 12 significant digits, no exponent for ordinary sizes. */
function rawCell(x: number): string {
	return Number(x.toPrecision(RAW_DIGITS)).toString();
}

/** The CSV columns for a model: identity, then five per component, then the reason. */
export function scoreColumns(model: ThrModel): string[] {
	return [
		'area_id',
		'area_name',
		'rank',
		'band',
		'score',
		...model.components.flatMap((c) => [`${c.id}_raw`, `${c.id}_unit`, `${c.id}_normalised`, `${c.id}_weight`, `contribution_${c.id}`]),
		'reason'
	];
}

function csvRows(result: ScoreResult, names: Map<string, string>, reasons: Map<string, AreaReason>): Row[] {
	const model = result.model;
	return result.areas.map((a) => {
		const row: Row = { area_id: a.areaId, area_name: names.get(a.areaId) ?? '', rank: a.rank, band: a.band, score: formatScore(a.scoreUnits) };
		a.components.forEach((c, k) => {
			row[`${c.id}_raw`] = rawCell(c.raw);
			row[`${c.id}_unit`] = model.components[k].unit;
			row[`${c.id}_normalised`] = rawCell(c.normalised);
			row[`${c.id}_weight`] = model.components[k].weight;
			row[`contribution_${c.id}`] = formatScore(c.contributionUnits);
		});
		row.reason = reasons.get(a.areaId)!.sentence;
		return row;
	});
}

/** One area as a readable block: rank, name, band, score, each component's figures, the reason. */
function textBlock(result: ScoreResult, index: number, names: Map<string, string>, reasons: Map<string, AreaReason>): string {
	const a = result.areas[index];
	const model = result.model;
	const name = names.get(a.areaId);
	const band = model.bands.find((b) => b.id === a.band)!;
	const lines = [`${String(a.rank).padStart(3)}. ${a.areaId}${name ? `  ${name}` : ''}  —  ${band.label}, score ${a.score.toFixed(3)} (exactly ${formatScore(a.scoreUnits)})`];
	const labelWidth = Math.max(...model.components.map((c) => c.label.length));
	const unitWidth = Math.max(...model.components.map((c) => c.unit.length));
	for (const [k, c] of a.components.entries()) {
		const spec = model.components[k];
		lines.push(
			`       ${spec.label.padEnd(labelWidth)}  ${readableNumber(c.raw).padStart(9)} ${spec.unit.padEnd(unitWidth)}  normalised ${c.normalised.toFixed(3)} × ${spec.weight} = ${c.contribution.toFixed(3)}`
		);
	}
	lines.push(`       ${reasons.get(a.areaId)!.sentence}`);
	return lines.join('\n');
}

/** The options of one run of the command. */
export interface ScoreCliOptions {
	inputs: string[];
	month: string;
	out: string;
	model: string;
	format: 'csv' | 'text';
	top: number;
}

/** Parse and check the command line; throws a UsageError naming the problem. */
export function parseScoreArgs(argv: readonly string[]): ScoreCliOptions | 'help' {
	const args = parseArgs(argv, { lists: ['input'], values: ['model', 'month', 'out', 'format', 'top'], flags: ['help'] });
	if (args.flags.has('help')) return 'help';
	for (const name of ['month', 'out'] as const) if (!args.values[name]) throw new UsageError(`--${name} is required`);
	const inputs = args.lists.input;
	if (!inputs?.length) throw new UsageError('--input is required');
	monthIndex(args.values.month);
	let format: 'csv' | 'text' = 'csv';
	if (args.values.format !== undefined) {
		if (args.values.format !== 'csv' && args.values.format !== 'text') throw new UsageError(`--format must be csv or text, got "${args.values.format}"`);
		format = args.values.format;
	}
	let top = 5;
	if (args.values.top !== undefined) {
		top = Number(args.values.top);
		if (!(Number.isInteger(top) && top >= 0)) throw new UsageError(`--top must be a whole number ≥ 0, got "${args.values.top}"`);
	}
	return { inputs, month: args.values.month!, out: args.values.out!, model: args.values.model ?? DEFAULT_THR_MODEL, format, top };
}

/** Score one month and write the file; returns the exit status (errors are thrown: exit 1). */
export async function runScore({ inputs, month, out, model: modelFile, format, top }: ScoreCliOptions): Promise<number> {
	const started = performance.now();
	const { model, weights } = readModel(modelFile);
	const runner = await createNodeRunner();
	try {
		const input = await loadInput(runner, inputs, { datasets: datasetsFor(inputs) });
		const loadedMs = performance.now() - started;
		const t = performance.now();
		const result = await scoreMonth(runner, { model, weights, month });
		const scoreMs = performance.now() - t;
		const noData = result.warnings.find((w) => w.startsWith('no records'));
		if (noData) throw new Error(`cannot score ${month}: ${noData}`);
		if (result.areas.length === 0) throw new Error(`cannot score ${month}: no area has harm-counting incidents in the ${Math.max(...model.components.map((c) => c.window_months))} months to then`);

		const names = await areaNames(runner, result.areas.map((a) => a.areaId), result.areaUnit);
		const reasons = new Map(result.areas.map((a) => [a.areaId, areaReason(result, a.areaId)]));
		mkdirSync(dirname(resolve(out)), { recursive: true });
		if (format === 'csv') writeFileSync(out, toCsv(csvRows(result, names, reasons), scoreColumns(model)));
		else {
			const head = [
				`${model.title} (${model.id} ${model.version}) for ${month}: ${result.areas.length} areas, ${model.tie_rule.description}`,
				...model.bands.map((b) => bandMeaning(model, b.id)),
				''
			];
			writeFileSync(out, `${[...head, ...result.areas.map((_, i) => textBlock(result, i, names, reasons))].join('\n')}\n`);
		}

		const scope = result.scope;
		console.log(`${model.title} (${model.id} ${model.version}), harm weights ${weights.id} ${weights.version}`);
		console.log(`Input: ${input.kind === 'extract' ? `extract ${input.dir} built ${input.manifest.built_at}` : `${inputs.join(', ')} (built in ${(input.buildMs / 1000).toFixed(1)} s)`}, ${input.tables[0].rows} incident rows`);
		console.log(
			`Scope: ${scope.method === 'force-area' ? `every area of the ${scope.forceName} force area (${scope.areasInForceArea})` : `the areas with records${scope.forceName ? ` inside the ${scope.forceName} force area` : ''}`}; in the months read, ${scope.recordsOutside} records located outside the force area and ${scope.recordsUnplaced} with no location, not scored`
		);
		console.log(`Month ${month}: ${result.areas.length} areas scored from data up to ${month}; ${model.bands.map((b) => `${b.label} ${result.bandCounts[b.id]}`).join(', ')}`);
		for (const b of model.bands) console.log(`  ${bandMeaning(model, b.id)}`);
		for (const c of result.components) {
			if (c.riskRun) {
				const r = c.riskRun;
				console.log(`${c.label}: ${r.methodLabel} (${r.reason}) forecasting ${r.forecastMonth} from ${r.historyFrom}…${r.historyTo}; overdispersion φ = ${r.overdispersion.toFixed(3)}`);
			} else if (c.riskMethod) console.log(`${c.label}: ${c.riskMethod}`);
		}
		if (result.reference !== null) console.log(`Each part is in CCHI days per year ÷ the largest 12-month harm in scope: ${readableNumber(result.reference)} CCHI days`);
		for (const w of result.warnings) console.log(`warning: ${w}`);
		if (top > 0) {
			console.log(`Top ${Math.min(top, result.areas.length)} (${model.tie_rule.description})`);
			for (let i = 0; i < Math.min(top, result.areas.length); i++) console.log(textBlock(result, i, names, reasons));
		}
		console.log(`Wrote ${result.areas.length} areas to ${out} (${format}). Load ${(loadedMs / 1000).toFixed(1)} s, score ${scoreMs.toFixed(0)} ms.`);
		return 0;
	} finally {
		runner.close();
	}
}

runCli({ module: import.meta.url, usage: USAGE, parse: parseScoreArgs, run: runScore });
