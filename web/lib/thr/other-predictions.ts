/**
 * The model card's account of the product's other predictions: the hourly demand forecast (the
 * Forecast page) and the hot-spot forecast for a window and area budget (the Accuracy page),
 * computed on the loaded source by the very functions and verdict helpers those pages use
 * (web/lib/forecast), at their default settings. Nothing here judges a method itself: every
 * sentence is the page's. Plain async functions over a QueryRunner (the browser's DuckDB-wasm and
 * the browser tests' native DuckDB call the same code); no Svelte.
 */
import type { QueryRunner } from '$analytics/runner';
import { forecastWithBacktest, METHOD_LABELS, type ForecastWithBacktest, type ForecastWithBacktestOptions } from '$analytics/forecast';
import type { HotspotForecast } from '$analytics/hotspots/windows';
import { forecastDemand, forecastStreetAreas, parseForecastSettings, streetAreaLevels, sourceCounts, SOURCE_LABELS, type SourceCounts, type StreetAreaForecast } from '../forecast/demand';
import { baselineVerdict, coverageNote, streetBaselineName, streetBaselineVerdict, streetMethodLabel } from '../forecast/verdicts';
import { defaultHotspotSettings, LEVEL_LABELS, windowLabel, type HotspotOffer, type HotspotSettings } from '../forecast/hotspot-settings';
import { hotspotOffer, hotspotVerdicts, windowedHotspots } from '../forecast/hotspot-windows';

/** MASE in plain words, beside every MASE the card shows (on the page and in the Markdown). */
export const MASE_READING =
	"MASE (mean absolute scaled error) is the forecast's average miss divided by the average miss a naive forecast (repeating an earlier period's count) made on the history before it: lower is better, and a method beats a baseline when its MASE is lower than the baseline's.";

/** The area budgets the card reports (shares of the force area): the Accuracy page's default and 10%. */
export const CARD_HOTSPOT_SHARES = [0.05, 0.1] as const;

export interface HotspotBudgetRecord {
	/** The budget asked for, as a share of the study region. */
	budget_share: number;
	/** Per method and baseline: mean PAI over the rolling windows (null when no records fell in them). */
	methods: Array<{ method: string; label: string; baseline: boolean; pai: number | null; hit_rate: number | null }>;
	/** Each non-baseline method against each baseline: mean PAI ÷ the baseline's − 1. */
	gains: Array<{ method: string; baseline: string; pai_gain: number | null }>;
	/** The Accuracy page's plain verdicts (hotspotVerdicts), one per non-baseline method. */
	verdicts: Array<{ method: string; beats_all: boolean; meets_target: boolean; sentence: string }>;
}

export interface HotspotPredictionRecord {
	table: HotspotOffer['table'];
	level: HotspotSettings['level'];
	level_label: string;
	window: string;
	/** The first unit of each evaluated window (the same origins at every budget). */
	origins: string[];
	study_region: string;
	budgets: HotspotBudgetRecord[];
}

export type DemandPredictionRecord =
	| {
			available: true;
			series: string;
			history_end: string;
			weeks_ahead: number;
			method: string;
			label: string;
			/** How the method was chosen (the backtest's reason). */
			why: string;
			backtest_origins: number;
			mase: number | null;
			/** MASE of the mean of the same hour over the last 8 weeks, the baseline every hourly method must beat. */
			baseline_mase: number | null;
			/** The Forecast page's sentence on the baseline (baselineVerdict); null when either MASE is missing. */
			verdict: string | null;
			coverage80: number | null;
			coverage95: number | null;
			pinball: number | null;
			/** The Forecast page's sentence on the intervals (coverageNote). */
			coverage_sentence: string;
	  }
	| { available: false; sentence: string };

/** The Forecast page's next-month street records by area, at its default level, with its sentence on last month's count. */
export interface MonthlyAreaPredictionRecord {
	/** 'lsoa', or the source's own area set ('district'). */
	level: 'lsoa' | 'district';
	areas: number;
	/** The force area's name, or null when none is declared (every area with records). */
	force_area: string | null;
	train_end: string;
	forecast_month: string;
	method: string;
	label: string;
	why: string;
	mase: number | null;
	/** The baseline in words: "last month's count" (seasonal naive, 1-month season) or the count of the same month last year. */
	baseline: string;
	/** MASE of that baseline in the same backtest. */
	baseline_mase: number | null;
	/** The Forecast page's sentence (streetBaselineVerdict); null when either MASE is missing. */
	verdict: string | null;
}

export interface OtherPredictions {
	hotspots: HotspotPredictionRecord | null;
	demand: DemandPredictionRecord;
	/** Absent in cards made before the monthly forecast was reported; null without street records by area. */
	monthly?: MonthlyAreaPredictionRecord | null;
}

/**
 * The hot-spot forecast at the Accuracy page's default window and level for the source, at 5% and
 * 10% of the force area: every method's mean PAI beside the baselines (last period's counts, the
 * 12-month ranking, the kernel density map) and the page's verdicts. Null when the data has no
 * street records or timestamped incidents. `forecast` lets the page share its cache; by default
 * the page's own `windowedHotspots`.
 */
export async function hotspotPredictions(
	runner: QueryRunner,
	options: { offer?: HotspotOffer | null; forecast?: (offer: HotspotOffer, settings: HotspotSettings) => Promise<HotspotForecast> } = {}
): Promise<HotspotPredictionRecord | null> {
	const offer = options.offer !== undefined ? options.offer : await hotspotOffer(runner);
	if (!offer) return null;
	const run = options.forecast ?? ((o: HotspotOffer, s: HotspotSettings) => windowedHotspots(runner, o, s));
	const defaults = defaultHotspotSettings(offer);
	const budgets: HotspotBudgetRecord[] = [];
	let first: HotspotForecast['evaluation'] | null = null;
	for (const share of CARD_HOTSPOT_SHARES) {
		const { evaluation } = await run(offer, { ...defaults, budget: { share } });
		first ??= evaluation;
		budgets.push({
			budget_share: share,
			methods: evaluation.rows.map((r) => ({ method: r.method, label: r.label, baseline: r.baseline, pai: r.pai, hit_rate: r.hitRate })),
			gains: evaluation.gains.map((g) => ({ method: g.method, baseline: g.baseline, pai_gain: g.paiGain })),
			verdicts: hotspotVerdicts(evaluation).map((v) => ({ method: v.method, beats_all: v.beatsAll, meets_target: v.meetsTarget, sentence: v.sentence }))
		});
	}
	return {
		table: offer.table,
		level: defaults.level,
		level_label: LEVEL_LABELS[defaults.level],
		window: windowLabel(defaults.window),
		origins: first!.origins,
		study_region: first!.region.forceArea ? `the force area, ${first!.region.forceArea}` : 'the areas with records (no force area declared)',
		budgets
	};
}

/** The line the card says when the source has no timestamped demand (what it has instead). */
export function noDemandSentence(counts: SourceCounts): string {
	return [
		'This data has no incidents or calls for service with a date and time, so no hourly demand forecast is made.',
		counts.streetWithArea > 0 ? 'Its street records are monthly: the Forecast page forecasts next month by area instead.' : '',
		counts.stop_search > 0 ? 'Stop and search is police activity that officers start themselves, not demand, and is not treated as demand.' : ''
	]
		.filter(Boolean)
		.join(' ');
}

/**
 * The Forecast page's default hourly forecast (reactive demand without the records found mostly
 * by police activity, whatever a link's `policefound` says; its default weeks and automatic
 * method choice) when the source has timestamped demand: the chosen method, its backtest MASE
 * against the 8-week same-hour mean with the page's sentence, and the backtest coverage of the 80%
 * and 95% intervals. Otherwise one plain line. `compute` is where the backtest runs (the page
 * passes its worker); `counts` lets the page share its cached counts.
 */
export async function demandPrediction(
	runner: QueryRunner,
	compute: (values: ArrayLike<number>, options: ForecastWithBacktestOptions) => ForecastWithBacktest | Promise<ForecastWithBacktest> = forecastWithBacktest,
	counts?: SourceCounts
): Promise<DemandPredictionRecord> {
	const c = counts ?? (await sourceCounts(runner));
	// The defaults: no link's setting reaches the card, so police-found records stay out of demand.
	const settings = parseForecastSettings(new URLSearchParams());
	if (c[settings.source] === 0) return { available: false, sentence: noDemandSentence(c) };
	const f = await forecastDemand(runner, settings, compute);
	if (!f) return { available: false, sentence: noDemandSentence({ ...c, events: 0 }) };
	const scores = f.backtest?.scores ?? [];
	const score = scores.find((s) => s.method === f.forecast.method) ?? null;
	const baseline = scores.find((s) => s.method === 'seasonal-mean' && s.skipped === null) ?? null;
	return {
		available: true,
		series: SOURCE_LABELS[settings.source],
		history_end: f.history.end,
		weeks_ahead: settings.weeks,
		method: f.forecast.method,
		label: METHOD_LABELS[f.forecast.method],
		why: f.choice.reason,
		backtest_origins: f.backtest?.origins.length ?? 0,
		mase: score?.mase ?? null,
		baseline_mase: baseline?.mase ?? null,
		verdict: score && baseline ? baselineVerdict(score, baseline, scores) : null,
		coverage80: score?.coverage80 ?? null,
		coverage95: score?.coverage95 ?? null,
		pinball: score?.pinball ?? null,
		coverage_sentence: `The intervals: ${coverageNote(score)}`
	};
}

/**
 * The Forecast page's monthly forecast by area at its default level (streetAreaLevels) from
 * `forecast` (default: forecastStreetAreas over the latest month), with the page's sentence on whether it beats last month's count. Null when
 * the data has no street records with an area.
 */
export async function monthlyAreaPrediction(runner: QueryRunner, forecast?: StreetAreaForecast | null): Promise<MonthlyAreaPredictionRecord | null> {
	const f = forecast !== undefined ? forecast : await forecastStreetAreas(runner, undefined, (await streetAreaLevels(runner))[0] ?? 'lsoa');
	if (!f) return null;
	const score = f.scores.find((s) => s.method === f.method) ?? null;
	const baseline = f.scores.find((s) => s.method === 'seasonal-naive') ?? null;
	return {
		level: f.level === 'district' ? 'district' : 'lsoa',
		areas: f.areas.length,
		force_area: f.forceAreaName,
		train_end: f.trainEnd,
		forecast_month: f.forecastMonth,
		method: f.method,
		label: streetMethodLabel(f.method, f.period),
		why: f.choice.reason,
		mase: score?.mase ?? null,
		baseline: streetBaselineName(f.period),
		baseline_mase: baseline?.mase ?? null,
		verdict: streetBaselineVerdict(f)
	};
}

/** All three, for the downloads and the browser tests. */
export async function otherPredictions(runner: QueryRunner): Promise<OtherPredictions> {
	return { hotspots: await hotspotPredictions(runner), demand: await demandPrediction(runner), monthly: await monthlyAreaPrediction(runner) };
}
