/**
 * npm run hotspots -- --input <street CSV(s), folders or an extract folder> [--train-end <YYYY-MM>] [--out <file.csv>]
 *                     [--method last-period|kde|last-harm|harm-12|thr] [--level lsoa|h3-7|h3-8|h3-9|area]
 *                     [--dataset incidents|events|stop_search] [--lookback-months <n>] [--bandwidth <metres>]
 *                     [--model <THR model file> …] [--evaluate-months <n>] [--measure count|harm]
 *                     [--area-shares 0.01,0.05,0.1,0.2] [--evaluation-out <file.csv|file.json>]
 *
 * Ranks every area of the study region (the force area: every force-area LSOA, or the force's H3
 * cells; without a declared force area, every area with a record on or before --train-end, with a
 * warning) for the month after --train-end (default: the last month with data). With --out, writes
 * one row per area: area_id, rank (1 = hottest; equal scores ordered by area id), score, method.
 * Scores: last-period = records in the --train-end month; kde = quartic-kernel density (records per
 * km²) of the last --lookback-months months at the area centre; last-harm / harm-12 = harm (Σ
 * records × CCHI weight, the THR model's weights and exclusions) in the last month / 12 months;
 * thr = the THR score for the --train-end month from the first --model (default the published
 * model; street records only), 0 for areas outside its scope. Nothing after --train-end is read,
 * and records located outside the force area are never read.
 *
 * With --evaluate-months n, each of the n months up to --train-end is a test month, ranked from the
 * months before it only (rolling origins):
 * - --measure count (default): hit rate, PAI and PEI* of the next month's records for last-period,
 *   kde and thr, side by side, and where thr does not beat a baseline;
 * - --measure harm: the share of the next month's harm captured by the top 1/5/10/20% of the force
 *   area and its harm-PAI, for every --model (default thr-v3 and thr-v2 beside the published model)
 *   and the baselines (last month's harm, 12-month harm, last month's counts, kernel density), and
 *   the plain statement of where the first model does not beat a baseline.
 * --evaluation-out writes the per-origin figures (CSV: one row per method, month and share; JSON:
 * the whole evaluation).
 *
 * With --window (7d, 14d, 28d where records carry dates; 1m, 2m, 3m) and/or --budget (a share
 * of the force area, 5% or 0.05, or km², 2km2): the windowed forecast of analytics/hotspots/windows.ts
 * at --level lsoa, h3-7 … h3-10: every method (eb-blend, hawkes on dated records, and the
 * baselines last-period, last-year, kde) ranks the next window, and --origins n rolling windows
 * (default 12) are evaluated by hit rate, PAI and PEI* at the budget, each from the data before it;
 * eb-blend's weights are chosen on the --tune-origins windows before each (default 6). --out
 * writes the eb-blend ranking; --evaluation-out the JSON of the whole forecast. Exits 2 on a usage error, 1 when the input cannot be read or has no
 * records up to --train-end.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from './lib/args';
import { createNodeRunner } from './lib/node-runner';
import { loadInput } from './lib/load-input';
import { toCsv } from '../analytics/export/csv';
import type { Row } from '../analytics/runner';
import {
	evaluateHotspots,
	evaluationRows,
	harmAccuracy,
	harmWindowMethod,
	kdeMethod,
	lastHarmMethod,
	lastPeriodMethod,
	predictHotspots,
	shareLabel,
	thrHotspotMethod,
	type HotspotMeasure,
	type HotspotMethod,
	type KdeOptions,
	type MethodEvaluation
} from '../analytics/hotspots';
import { effectiveWeights, type AreaUnit } from '../analytics/thr/model';
import { DEFAULT_THR_MODEL, readModel } from './thr-model-file';
import { areaColumn, monthIndex, monthKey, type AreaLevel, type MonthlyTable } from '../analytics/forecast/series';
import { runCli, UsageError } from './lib/cli';
import { hotspotForecast, parseBudget, parseWindow, type AreaBudget, type HotspotForecast, type HotspotWindow, type WindowLevel } from '../analytics/hotspots/windows';

const LEVELS: Record<string, AreaLevel> = { lsoa: 'lsoa', 'h3-7': 'h3_r7', 'h3-8': 'h3_r8', 'h3-9': 'h3_r9', area: 'area_code' };
/** Levels of the windowed forecast: the extract's, and H3 resolution 10 (children of the resolution-9 force cells). */
const WINDOW_LEVELS: Record<string, WindowLevel> = { ...LEVELS, 'h3-10': 'h3_r10' };
const DATASETS: readonly MonthlyTable[] = ['incidents', 'events', 'stop_search'];
const MEASURES: readonly HotspotMeasure[] = ['count', 'harm'];
export const HOTSPOT_COLUMNS = ['area_id', 'rank', 'score', 'method'] as const;
export const EVALUATION_COLUMNS = ['method', 'measure', 'month', 'area_share', 'total', 'captured', 'share_captured', 'pai', 'pei_star'] as const;

/**
 * THR models compared in a harm evaluation besides the published one (DEFAULT_THR_MODEL, always
 * first): the current and the previous version, those that exist.
 */
export const COMPARED_THR_MODELS = ['models/thr/thr-v3.json', 'models/thr/thr-v2.json'] as const;

/** The default --model list: the published model, then the compared ones that exist, each once. */
export function defaultModels(): string[] {
	return [...new Set([DEFAULT_THR_MODEL, ...COMPARED_THR_MODELS.filter((f) => existsSync(f))])];
}

/** What the method factories are given: the kernel density options and the THR model files. */
export interface MethodSettings {
	kde: KdeOptions;
	/** THR model files; the first ranks for 'thr' and defines harm for 'last-harm' and 'harm-12'. */
	models: string[];
}

const harmWeightsOf = (file: string) => {
	const { model, weights } = readModel(file);
	return effectiveWeights(model, weights);
};

/**
 * The ranking methods the command offers, by name; another ranking is one more entry returning a
 * HotspotMethod. 'thr' reads and validates the model file (schema and engine checks).
 */
export const HOTSPOT_CLI_METHODS: Record<string, (settings: MethodSettings) => HotspotMethod> = {
	'last-period': () => lastPeriodMethod(),
	kde: (settings) => kdeMethod(settings.kde),
	'last-harm': (settings) => lastHarmMethod({ weights: harmWeightsOf(settings.models[0]) }),
	'harm-12': (settings) => harmWindowMethod({ weights: harmWeightsOf(settings.models[0]), months: 12 }),
	thr: (settings) => thrHotspotMethod(readModel(settings.models[0]))
};
/** Methods that read harm: street records only. */
const HARM_METHODS = ['last-harm', 'harm-12', 'thr'];
/** The methods of a count evaluation, as before harm was measured. */
const COUNT_EVALUATION = ['last-period', 'kde', 'thr'];

const USAGE = `usage: npm run hotspots -- --input <street CSVs, folders or an extract folder …> [--train-end <YYYY-MM>] [--out <file.csv>]
         [--method ${Object.keys(HOTSPOT_CLI_METHODS).join('|')}] [--level ${Object.keys(LEVELS).join('|')}] [--dataset ${DATASETS.join('|')}]
         [--lookback-months <n>] [--bandwidth <metres>] [--model <THR model file> …] [--evaluate-months <n>] [--measure count|harm]
         [--area-shares 0.01,0.05,0.1,0.2] [--evaluation-out <file.csv|file.json>]
         [--window 7d|14d|28d|1m|2m|3m] [--budget 5%|0.05|2km2] [--origins <n>] [--tune-origins <n>] (windowed forecast; --level also h3-10)
  e.g. npm run hotspots -- --input sample-data/police-uk/city-of-london/street --train-end 2019-10 --method kde --level h3-8 --out hotspots.csv
       npm run hotspots -- --input extracts/sample/city-of-london --method thr --measure harm --evaluate-months 12`;

export interface HotspotsCliOptions {
	inputs: string[];
	/** Last month of data used; null: the last month with data. */
	trainEnd: string | null;
	/** Ranking CSV; null: not written. */
	out: string | null;
	method: string;
	level: AreaLevel;
	dataset: MonthlyTable;
	kde: KdeOptions;
	/** THR model files: the first ranks for --method thr; all are compared by --measure harm. */
	models: string[];
	evaluateMonths: number;
	measure: HotspotMeasure;
	areaShares: number[];
	/** Per-origin figures (.csv or .json); null: not written. */
	evaluationOut: string | null;
	/** Windowed forecast (--window / --budget given); null: the monthly ranking above. */
	windowed?: { window: HotspotWindow; budget: AreaBudget; level: WindowLevel; origins: number; tuneOrigins: number } | null;
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
			lists: ['input', 'model'],
			values: ['train-end', 'out', 'method', 'level', 'dataset', 'lookback-months', 'bandwidth', 'evaluate-months', 'measure', 'area-shares', 'evaluation-out', 'window', 'budget', 'origins', 'tune-origins'],
			flags: ['help']
		});
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	if (args.flags.has('help')) return 'help';
	const v = args.values;
	if (!args.lists.input?.length) throw new UsageError('--input is required');
	if (v['train-end'] !== undefined) {
		try {
			monthIndex(v['train-end']);
		} catch {
			throw new UsageError(`--train-end must be a month YYYY-MM, got "${v['train-end']}"`);
		}
	}
	if (v.window !== undefined || v.budget !== undefined) {
		if (args.lists.model !== undefined) throw new UsageError('--model does not apply to the windowed forecast (--window / --budget)');
		return parseWindowed(args.lists.input, v);
	}
	const method = v.method ?? 'last-period';
	if (!(method in HOTSPOT_CLI_METHODS)) throw new UsageError(`--method must be one of ${Object.keys(HOTSPOT_CLI_METHODS).join(', ')}, got "${method}"`);
	const level = LEVELS[v.level ?? 'lsoa'];
	if (!level) throw new UsageError(`--level must be one of ${Object.keys(LEVELS).join(', ')}, got "${v.level}"`);
	const dataset = (v.dataset ?? 'incidents') as MonthlyTable;
	if (!DATASETS.includes(dataset)) throw new UsageError(`--dataset must be one of ${DATASETS.join(', ')}, got "${v.dataset}"`);
	const measure = (v.measure ?? 'count') as HotspotMeasure;
	if (!MEASURES.includes(measure)) throw new UsageError(`--measure must be one of ${MEASURES.join(', ')}, got "${v.measure}"`);
	const streetOnly = HARM_METHODS.includes(method) ? `--method ${method}` : measure === 'harm' ? '--measure harm' : null;
	if (streetOnly && dataset !== 'incidents') throw new UsageError(`${streetOnly} scores street records: use --dataset incidents, not "${dataset}"`);
	if (streetOnly && level === 'area_code') throw new UsageError(`${streetOnly} needs --level lsoa or an H3 level`);
	const evaluateMonths = positiveInteger('evaluate-months', v['evaluate-months'], 0, 0);
	if (measure === 'harm' && evaluateMonths === 0) throw new UsageError('--measure harm applies to the evaluation: give --evaluate-months <n>');
	if (args.lists.model !== undefined && method !== 'thr' && method !== 'last-harm' && method !== 'harm-12' && !evaluateMonths) {
		throw new UsageError('--model only applies to --method thr, last-harm, harm-12 (or --evaluate-months)');
	}
	if (v['evaluation-out'] !== undefined && !evaluateMonths) throw new UsageError('--evaluation-out needs --evaluate-months <n>');
	if (v['evaluation-out'] !== undefined && !/\.(csv|json)$/i.test(v['evaluation-out'])) throw new UsageError(`--evaluation-out must end in .csv or .json, got "${v['evaluation-out']}"`);
	let bandwidthMeters: number | undefined;
	if (v.bandwidth !== undefined) {
		bandwidthMeters = Number(v.bandwidth);
		if (!(bandwidthMeters > 0)) throw new UsageError(`--bandwidth must be a distance in metres > 0, got "${v.bandwidth}"`);
	}
	const areaShares = (v['area-shares'] ?? '0.01,0.05,0.1,0.2').split(',').map((s) => Number(s));
	if (areaShares.some((s) => !(s > 0 && s <= 1))) throw new UsageError(`--area-shares must be numbers in (0, 1] separated by commas, got "${v['area-shares']}"`);
	return {
		inputs: args.lists.input,
		trainEnd: v['train-end'] ?? null,
		out: v.out ?? null,
		method,
		level,
		dataset,
		kde: { lookbackMonths: positiveInteger('lookback-months', v['lookback-months'], 12), bandwidthMeters },
		models: args.lists.model ?? defaultModels(),
		evaluateMonths,
		measure,
		areaShares,
		evaluationOut: v['evaluation-out'] ?? null
	};
}

/** The windowed forecast's options (--window, --budget, --origins, --tune-origins; --level up to h3-10). */
function parseWindowed(inputs: string[], v: Record<string, string | undefined>): HotspotsCliOptions {
	for (const k of ['method', 'train-end', 'evaluate-months', 'measure', 'area-shares', 'lookback-months', 'bandwidth']) {
		if (v[k] !== undefined) throw new UsageError(`--${k} does not apply to the windowed forecast (--window / --budget)`);
	}
	let window: HotspotWindow;
	let budget: AreaBudget;
	try {
		window = parseWindow(v.window ?? '1m');
		budget = parseBudget(v.budget ?? '5%');
	} catch (e) {
		throw new UsageError(`--window / --budget: ${(e as Error).message}`);
	}
	const level = WINDOW_LEVELS[v.level ?? 'lsoa'];
	if (!level) throw new UsageError(`--level must be one of ${Object.keys(WINDOW_LEVELS).join(', ')}, got "${v.level}"`);
	const dataset = (v.dataset ?? 'incidents') as MonthlyTable;
	if (!DATASETS.includes(dataset)) throw new UsageError(`--dataset must be one of ${DATASETS.join(', ')}, got "${v.dataset}"`);
	if (v['evaluation-out'] !== undefined && !/\.json$/i.test(v['evaluation-out'])) throw new UsageError(`--evaluation-out of a windowed forecast must end in .json, got "${v['evaluation-out']}"`);
	return {
		inputs,
		trainEnd: null,
		out: v.out ?? null,
		method: 'eb-blend',
		level: level === 'h3_r10' ? 'h3_r9' : level,
		dataset,
		kde: { lookbackMonths: 12 },
		models: [],
		evaluateMonths: 0,
		measure: 'count',
		areaShares: [],
		evaluationOut: v['evaluation-out'] ?? null,
		windowed: {
			window,
			budget,
			level,
			origins: positiveInteger('origins', v.origins, 12),
			tuneOrigins: positiveInteger('tune-origins', v['tune-origins'], 6)
		}
	};
}

/** Print the windowed forecast: region, budget, the evaluation table and the gains of each method over each baseline. */
export function windowedReport(f: HotspotForecast, log: (line: string) => void) {
	const e = f.evaluation;
	const w = e.window;
	const span = w.unit === 'day' ? `${w.length} days` : `${w.length} month${w.length > 1 ? 's' : ''}`;
	log(
		`Region: ${e.region.forceArea ? `the force area (${e.region.forceArea})` : 'no force area declared'}, ${e.region.areas} ${e.level} areas (${e.region.basis})${e.region.km2 === null ? ', sizes unknown: equal areas' : `, ${e.region.km2.toFixed(2)} km²`}.`
	);
	for (const x of e.region.warnings) log(`Warning: ${x}`);
	log(`Budget: ${(100 * e.share).toFixed(2)}% of the area${e.budgetKm2 === null ? '' : ` (${e.budgetKm2.toFixed(3)} km²)`}. Window: the next ${span}.`);
	log(`Evaluation: ${e.origins.length} rolling windows starting ${e.origins[0]} … ${e.origins.at(-1)}, each ranked from the records before it only. Mean over the windows:`);
	log(`  ${'method'.padEnd(14)}${'hit rate'.padStart(10)}${'PAI'.padStart(10)}${'PEI*'.padStart(8)}  label`);
	for (const r of e.rows) log(`  ${r.method.padEnd(14)}${pct(r.hitRate).padStart(10)}${(r.pai === null ? '—' : r.pai.toFixed(3)).padStart(10)}${num(r.peiStar).padStart(8)}  ${r.label}${r.baseline ? ' (baseline)' : ''}`);
	for (const g of e.gains) log(`  ${g.method} PAI vs ${g.baseline}: ${g.paiGain === null ? '—' : `${g.paiGain >= 0 ? '+' : ''}${(100 * g.paiGain).toFixed(1)}%`}`);
	const eb = e.rows.find((r) => r.method === 'eb-blend');
	if (eb) log(`  eb-blend weights per window (last period / three periods / year): ${eb.origins.map((o) => o.weights!.join('/')).join(', ')}`);
	const hk = e.rows.find((r) => r.method === 'hawkes');
	if (hk) log(`  hawkes fits (θ, 1/ω days, σ m): ${hk.origins.map((o) => `${o.hawkes!.theta.toFixed(3)}, ${(1 / o.hawkes!.omega).toFixed(1)}, ${(1000 * o.hawkes!.sigmaKm).toFixed(0)}`).join('; ')}`);
	log(`Forecast for ${f.from} … ${f.to}:`);
	for (const r of f.rankings) {
		const b = r.budgetAreas;
		log(`  ${r.method.padEnd(14)} top ${b.areas} areas cover the budget: ${r.rows.slice(0, Math.min(5, b.areas)).map((x) => x.areaId).join(', ')}${b.areas > 5 ? ' …' : ''}`);
	}
	log(`Time: ${(f.ms / 1000).toFixed(2)} s.`);
}

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | null) => (v === null ? '—' : v.toFixed(2));
const count = (n: number) => n.toLocaleString('en-GB');

function writeFile(path: string, text: string) {
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, text);
}

/** The per-origin figures as CSV (one row per method, month and share) or the whole evaluation as JSON. */
function writeEvaluation(path: string, evaluations: readonly MethodEvaluation[], json: unknown) {
	if (/\.json$/i.test(path)) writeFile(path, JSON.stringify(json, null, '\t') + '\n');
	else writeFile(path, toCsv(evaluationRows(evaluations) as unknown as Row[], EVALUATION_COLUMNS));
}

/** Run the command with parsed options; returns the exit code. `log` receives the summary. */
export async function runHotspots(options: HotspotsCliOptions, log: (line: string) => void = console.log): Promise<number> {
	const started = performance.now();
	const runner = await createNodeRunner();
	try {
		await loadInput(runner, options.inputs);
		const loadedMs = performance.now() - started;
		if (options.windowed) {
			const w = options.windowed;
			let f: HotspotForecast;
			try {
				f = await hotspotForecast(runner, { table: options.dataset, level: w.level, window: w.window, budget: w.budget, origins: w.origins, tuneOrigins: w.tuneOrigins });
			} catch (e) {
				if (!(e instanceof RangeError)) throw e;
				log(`error: ${e.message}`);
				return 1;
			}
			windowedReport(f, log);
			const eb = f.rankings.find((r) => r.method === 'eb-blend');
			if (options.out && eb) {
				writeFile(options.out, toCsv(eb.rows.map((r) => ({ area_id: r.areaId, rank: r.rank, score: Number(r.score.toPrecision(8)), method: 'eb-blend' })), HOTSPOT_COLUMNS));
				log(`Wrote ${eb.rows.length} rows to ${options.out}.`);
			}
			if (options.evaluationOut) {
				writeFile(options.evaluationOut, JSON.stringify(f, null, '\t') + '\n');
				log(`Wrote the forecast and evaluation to ${options.evaluationOut}.`);
			}
			return 0;
		}
		let trainEnd = options.trainEnd;
		if (trainEnd === null) {
			const [r] = await runner.rows<{ last: number | null }>(`SELECT max(month_index) AS last FROM ${options.dataset}`);
			if (r.last === null) {
				log(`error: no ${options.dataset} records in the input`);
				return 1;
			}
			trainEnd = monthKey(r.last);
		}
		const settings: MethodSettings = { kde: options.kde, models: options.models };
		const method = HOTSPOT_CLI_METHODS[options.method](settings);
		const t = performance.now();
		const [{ n: located }] = await runner.rows<{ n: number }>(
			`SELECT count(*)::BIGINT AS n FROM ${options.dataset} WHERE ${areaColumn(options.dataset, options.level)} IS NOT NULL AND month_index <= ?`,
			[monthIndex(trainEnd)]
		);
		const p = located > 0 ? await predictHotspots(runner, { table: options.dataset, level: options.level, trainEnd, method }) : null;
		if (!p || p.rows.length === 0) {
			log(`error: no ${options.dataset} records with a ${options.level} area on or before ${trainEnd}`);
			return 1;
		}
		const centres = [...new Set(p.region.map((a) => a.centre))].join(', ');
		const regionText = p.forceArea
			? `Region: the force area (${p.forceArea.name}), ${p.region.length} ${options.level} areas (${p.basis}; centres: ${centres}).`
			: `Region: ${p.region.length} ${options.level} areas with ${options.dataset} records up to ${trainEnd} (centres: ${centres}).`;
		log(regionText);
		for (const w of p.warnings) log(`Warning: ${w}`);
		log(`Prediction for ${p.month} by ${p.method}: ${p.detail}.`);
		log(`Top 5: ${p.rows.slice(0, 5).map((r) => `${r.areaId} (${r.score.toPrecision(4)})`).join(', ')}`);
		if (options.out) {
			const rows: Row[] = p.rows.map((r) => ({ area_id: r.areaId, rank: r.rank, score: Number(r.score.toPrecision(8)), method: r.method }));
			writeFile(options.out, toCsv(rows, HOTSPOT_COLUMNS));
			log(`Wrote ${rows.length} rows to ${options.out} in ${((performance.now() - t) / 1000).toFixed(2)} s (load ${(loadedMs / 1000).toFixed(1)} s).`);
		}

		if (options.evaluateMonths > 0 && options.measure === 'count') {
			const last = monthIndex(trainEnd);
			const testMonths = Array.from({ length: options.evaluateMonths }, (_, i) => monthKey(last - options.evaluateMonths + 1 + i));
			// THR scores street records at LSOA or H3 level only.
			const thrApplies = options.dataset === 'incidents' && options.level !== 'area_code';
			const methods = COUNT_EVALUATION.filter((name) => name !== 'thr' || thrApplies).map((name) => HOTSPOT_CLI_METHODS[name](settings));
			const evaluation = await evaluateHotspots(runner, { table: options.dataset, level: options.level, testMonths, methods, areaShares: options.areaShares });
			log(`Evaluation on ${testMonths[0]} … ${testMonths[testMonths.length - 1]} (each month predicted from the months before it; mean over months):`);
			log(`  ${'method'.padEnd(12)} ${options.areaShares.map((s) => `${pct(s)} area: hit / PAI / PEI*`.padEnd(30)).join('')}`);
			for (const e of evaluation) {
				log(`  ${e.method.padEnd(12)} ${e.mean.map((m) => `${pct(m.hitRate)} / ${num(m.pai)} / ${num(m.peiStar)}`.padEnd(30)).join('')}`);
			}
			for (const e of evaluation) {
				for (const n of e.notBetterThan) if (n.baselines.length) log(`  ${e.method} does not beat ${n.baselines.join(', ')} at ${pct(n.areaShare)} of the area.`);
			}
			if (options.evaluationOut) writeEvaluation(options.evaluationOut, evaluation, { measure: 'count', testMonths, evaluations: evaluation });
		}

		if (options.evaluateMonths > 0 && options.measure === 'harm') {
			const models = options.models.map((file) => readModel(file));
			const acc = await harmAccuracy(runner, {
				models,
				months: options.evaluateMonths,
				lastMonth: trainEnd,
				level: options.level as AreaUnit,
				areaShares: options.areaShares,
				kde: options.kde
			});
			if (!acc) {
				log(`error: no month before ${trainEnd} to predict from: the harm evaluation needs at least two months of data`);
				return 1;
			}
			const months = acc.testMonths;
			const r = acc.records;
			log(
				acc.region.forceArea
					? `Harm accuracy over the force area (${acc.region.forceArea}, ${acc.region.areas} ${options.level} areas). Street records outside it, never counted: ${count(r.outside)}; inside: ${count(r.inside)}; without a location: ${count(r.unplaced)}.`
					: `Harm accuracy over ${acc.region.areas} ${options.level} areas (no force area declared).`
			);
			for (const w of acc.region.warnings) log(`Warning: ${w}`);
			log(`Harm: Σ records × harm weight, ${acc.unit}, with the weights and exclusions of THR ${acc.harmDefinedBy}.`);
			log(
				`${months.length} rolling origin${months.length === 1 ? '' : 's'}${months.length < acc.requestedMonths ? ` (of ${acc.requestedMonths} asked: the data starts later)` : ''}: each month from ${months[0]} to ${months.at(-1)} ranked from the months before it only. Mean over the months:`
			);
			const width = Math.max(...acc.evaluations.map((e) => `${e.label} (${e.method})`.length)) + 2;
			log(`  ${'method'.padEnd(width)}${options.areaShares.map((s) => `top ${shareLabel(s)}: harm / PAI`.padEnd(24)).join('')}`);
			for (const e of acc.evaluations) {
				log(`  ${`${e.label} (${e.method})`.padEnd(width)}${e.mean.map((m) => `${pct(m.hitRate)} / ${num(m.pai)}`.padEnd(24)).join('')}`);
			}
			log('Verdicts:');
			for (const v of acc.verdicts) log(`  ${v.sentence}`);
			log(`  ${acc.statement}`);
			if (options.evaluationOut) writeEvaluation(options.evaluationOut, acc.evaluations, acc);
		}
		if (options.evaluationOut) log(`Wrote the per-origin figures to ${options.evaluationOut}.`);
		return 0;
	} finally {
		runner.close();
	}
}

runCli({ module: import.meta.url, usage: USAGE, parse: parseHotspotsArgs, run: runHotspots });
