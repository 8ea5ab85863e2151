/**
 * npm run hotspots -- --input <street CSV(s), folders or an extract folder> --train-end <YYYY-MM> --out <file.csv>
 *                     [--method last-period|kde|thr] [--level lsoa|h3-7|h3-8|h3-9] [--dataset incidents|events|stop_search]
 *                     [--lookback-months <n>] [--bandwidth <metres>] [--model <THR model file>]
 *                     [--evaluate-months <n>] [--area-shares 0.01,0.05,0.1,0.2]
 *
 * Ranks every area of the study region (every area with a record on or before --train-end; an
 * H3 area_id is the cell's index string) for the month after --train-end and writes one row per
 * area: area_id, rank (1 = hottest; equal scores ordered by area id), score, method. Scores:
 * last-period = records in the --train-end month; kde = quartic-kernel density (records per km²)
 * of the last --lookback-months months at the area centre, bandwidth by the rule in
 * analytics/hotspots/kde.ts unless --bandwidth is given; thr = the THR score for the --train-end
 * month from --model (default models/thr/thr-v2.json; street records only), 0 for areas outside
 * its scope. Nothing after --train-end is read.
 *
 * With --evaluate-months n, every method (THR only on street records) is also scored on the n months up to --train-end
 * (each predicted from the months before it): hit rate, PAI and PEI* at each area share, printed
 * next to each other so a model can be seen not to beat the baselines. Exits 2 on a usage error,
 * 1 when the input cannot be read or has no records up to --train-end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from './lib/args';
import { createNodeRunner } from './lib/node-runner';
import { loadInput } from './lib/load-input';
import { toCsv } from '../analytics/export/csv';
import type { Row } from '../analytics/runner';
import { evaluateHotspots, kdeMethod, lastPeriodMethod, predictHotspots, thrHotspotMethod, type HotspotMethod, type KdeOptions } from '../analytics/hotspots';
import { DEFAULT_THR_MODEL, readModel } from './thr-model-file';
import { monthIndex, monthKey, type AreaLevel, type MonthlyTable } from '../analytics/forecast/series';
import { runCli } from './lib/cli';

const LEVELS: Record<string, AreaLevel> = { lsoa: 'lsoa', 'h3-7': 'h3_r7', 'h3-8': 'h3_r8', 'h3-9': 'h3_r9', area: 'area_code' };
const DATASETS: readonly MonthlyTable[] = ['incidents', 'events', 'stop_search'];
export const HOTSPOT_COLUMNS = ['area_id', 'rank', 'score', 'method'] as const;

/** What the method factories are given: the kernel density options and the THR model file. */
export interface MethodSettings {
	kde: KdeOptions;
	/** THR model file for 'thr'. */
	model: string;
}

/**
 * The ranking methods the command offers, by name; another ranking is one more entry returning a
 * HotspotMethod. 'thr' reads and validates the model file (schema and engine checks).
 */
export const HOTSPOT_CLI_METHODS: Record<string, (settings: MethodSettings) => HotspotMethod> = {
	'last-period': () => lastPeriodMethod(),
	kde: (settings) => kdeMethod(settings.kde),
	thr: (settings) => thrHotspotMethod(readModel(settings.model))
};

const USAGE = `usage: npm run hotspots -- --input <street CSVs, folders or an extract folder …> --train-end <YYYY-MM> --out <file.csv>
         [--method ${Object.keys(HOTSPOT_CLI_METHODS).join('|')}] [--level ${Object.keys(LEVELS).join('|')}] [--dataset ${DATASETS.join('|')}]
         [--lookback-months <n>] [--bandwidth <metres>] [--model <THR model file>] [--evaluate-months <n>] [--area-shares 0.01,0.05,0.1,0.2]
  e.g. npm run hotspots -- --input sample-data/police-uk/city-of-london/street --train-end 2019-10 --method kde --level h3-8 --out hotspots.csv`;

class UsageError extends Error {}

export interface HotspotsCliOptions {
	inputs: string[];
	trainEnd: string;
	out: string;
	method: string;
	level: AreaLevel;
	dataset: MonthlyTable;
	kde: KdeOptions;
	/** THR model file for --method thr (and the THR row of --evaluate-months). */
	model: string;
	evaluateMonths: number;
	areaShares: number[];
}

const positiveInteger = (name: string, text: string | undefined, fallback: number, min = 1): number => {
	if (text === undefined) return fallback;
	const n = Number(text);
	if (!(Number.isInteger(n) && n >= min)) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
	return n;
};

/** Parse and check the command line; throws a UsageError naming the problem. */
export function parseHotspotsArgs(argv: readonly string[]): HotspotsCliOptions | 'help' {
	let args;
	try {
		args = parseArgs(argv, {
			lists: ['input'],
			values: ['train-end', 'out', 'method', 'level', 'dataset', 'lookback-months', 'bandwidth', 'model', 'evaluate-months', 'area-shares'],
			flags: ['help']
		});
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	if (args.flags.has('help')) return 'help';
	const v = args.values;
	if (!args.lists.input?.length) throw new UsageError('--input is required');
	for (const name of ['train-end', 'out'] as const) if (!v[name]) throw new UsageError(`--${name} is required`);
	try {
		monthIndex(v['train-end']);
	} catch {
		throw new UsageError(`--train-end must be a month YYYY-MM, got "${v['train-end']}"`);
	}
	const method = v.method ?? 'last-period';
	if (!(method in HOTSPOT_CLI_METHODS)) throw new UsageError(`--method must be one of ${Object.keys(HOTSPOT_CLI_METHODS).join(', ')}, got "${method}"`);
	const level = LEVELS[v.level ?? 'lsoa'];
	if (!level) throw new UsageError(`--level must be one of ${Object.keys(LEVELS).join(', ')}, got "${v.level}"`);
	const dataset = (v.dataset ?? 'incidents') as MonthlyTable;
	if (!DATASETS.includes(dataset)) throw new UsageError(`--dataset must be one of ${DATASETS.join(', ')}, got "${v.dataset}"`);
	if (method === 'thr' && dataset !== 'incidents') throw new UsageError(`--method thr scores street records: use --dataset incidents, not "${dataset}"`);
	if (method === 'thr' && level === 'area_code') throw new UsageError('--method thr needs --level lsoa or an H3 level');
	if (v.model !== undefined && method !== 'thr' && !v['evaluate-months']) throw new UsageError('--model only applies to --method thr (or --evaluate-months)');
	let bandwidthMeters: number | undefined;
	if (v.bandwidth !== undefined) {
		bandwidthMeters = Number(v.bandwidth);
		if (!(bandwidthMeters > 0)) throw new UsageError(`--bandwidth must be a distance in metres > 0, got "${v.bandwidth}"`);
	}
	const areaShares = (v['area-shares'] ?? '0.01,0.05,0.1,0.2').split(',').map((s) => Number(s));
	if (areaShares.some((s) => !(s > 0 && s <= 1))) throw new UsageError(`--area-shares must be numbers in (0, 1] separated by commas, got "${v['area-shares']}"`);
	return {
		inputs: args.lists.input,
		trainEnd: v['train-end'],
		out: v.out,
		method,
		level,
		dataset,
		kde: { lookbackMonths: positiveInteger('lookback-months', v['lookback-months'], 12), bandwidthMeters },
		model: v.model ?? DEFAULT_THR_MODEL,
		evaluateMonths: positiveInteger('evaluate-months', v['evaluate-months'], 0, 0),
		areaShares
	};
}

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | null) => (v === null ? '—' : v.toFixed(2));

/** Run the command with parsed options; returns the exit code. `log` receives the summary. */
export async function runHotspots(options: HotspotsCliOptions, log: (line: string) => void = console.log): Promise<number> {
	const started = performance.now();
	const runner = await createNodeRunner();
	try {
		await loadInput(runner, options.inputs);
		const loadedMs = performance.now() - started;
		const settings: MethodSettings = { kde: options.kde, model: options.model };
		const method = HOTSPOT_CLI_METHODS[options.method](settings);
		const t = performance.now();
		const p = await predictHotspots(runner, { table: options.dataset, level: options.level, trainEnd: options.trainEnd, method });
		if (p.rows.length === 0) {
			log(`error: no ${options.dataset} records with a ${options.level} area on or before ${options.trainEnd}`);
			return 1;
		}
		const rows: Row[] = p.rows.map((r) => ({ area_id: r.areaId, rank: r.rank, score: Number(r.score.toPrecision(8)), method: r.method }));
		mkdirSync(dirname(options.out), { recursive: true });
		writeFileSync(options.out, toCsv(rows, HOTSPOT_COLUMNS));
		const centres = [...new Set(p.region.map((a) => a.centre))].join(', ');
		log(`Region: ${p.region.length} ${options.level} areas with ${options.dataset} records up to ${options.trainEnd} (centres: ${centres}).`);
		log(`Prediction for ${p.month} by ${p.method}: ${p.detail}.`);
		log(`Top 5: ${p.rows.slice(0, 5).map((r) => `${r.areaId} (${r.score.toPrecision(4)})`).join(', ')}`);
		log(`Wrote ${rows.length} rows to ${options.out} in ${((performance.now() - t) / 1000).toFixed(2)} s (load ${(loadedMs / 1000).toFixed(1)} s).`);

		if (options.evaluateMonths > 0) {
			const last = monthIndex(options.trainEnd);
			const testMonths = Array.from({ length: options.evaluateMonths }, (_, i) => monthKey(last - options.evaluateMonths + 1 + i));
			// THR scores street records at LSOA or H3 level only.
			const thrApplies = options.dataset === 'incidents' && options.level !== 'area_code';
			const methods = Object.entries(HOTSPOT_CLI_METHODS)
				.filter(([name]) => name !== 'thr' || thrApplies)
				.map(([, make]) => make(settings));
			const evaluation = await evaluateHotspots(runner, { table: options.dataset, level: options.level, testMonths, methods, areaShares: options.areaShares });
			log(`Evaluation on ${testMonths[0]} … ${testMonths[testMonths.length - 1]} (each month predicted from the months before it; mean over months):`);
			log(`  ${'method'.padEnd(12)} ${options.areaShares.map((s) => `${pct(s)} area: hit / PAI / PEI*`.padEnd(30)).join('')}`);
			for (const e of evaluation) {
				log(`  ${e.method.padEnd(12)} ${e.mean.map((m) => `${pct(m.hitRate)} / ${num(m.pai)} / ${num(m.peiStar)}`.padEnd(30)).join('')}`);
			}
			for (const e of evaluation) {
				for (const n of e.notBetterThan) if (n.baselines.length) log(`  ${e.method} does not beat ${n.baselines.join(', ')} at ${pct(n.areaShare)} of the area.`);
			}
		}
		return 0;
	} finally {
		runner.close();
	}
}

runCli({ module: import.meta.url, usage: USAGE, parse: parseHotspotsArgs, run: runHotspots });
