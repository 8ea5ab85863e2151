/**
 * Expected harm (or incidents) next month per area, with 80% and 95% intervals: the Risk input
 * of the THR model ("expected harm next period from the forecast model, with its interval").
 *
 * 1. Build the monthly panel of harm per area up to `trainEnd` (Σ harm weight of the records,
 *    excluded categories contributing 0, from the `harm_weights` table), zero-filled.
 * 2. Backtest every candidate method on the panel: at each of the last `backtestMonths` months,
 *    each area's series before it forecasts that month. Pooled MASE = Σ|error| / Σ scale over
 *    all areas and origins, the scale being each area's in-sample seasonal-naive MAE (Hyndman &
 *    Koehler 2006). The lowest pooled MASE wins, ties (3 decimals) going to the simplest.
 * 3. Forecast next month for every area with the chosen method.
 * 4. Interval: harm is a weighted sum of counts. If each category's count were Poisson, harm
 *    would have variance Σ_c w_c² λ_c = mean × w̄, w̄ = Σ w² N / Σ w N being the area's
 *    "effective weight" over its history (its own mix of categories). Forecast errors are larger
 *    than that, so the variance is scaled by an overdispersion factor
 *    φ = Σ error² / Σ (forecast × w̄) over the backtest (never below 1). The interval treats harm
 *    as w̄ × N, N a negative binomial count with mean forecast / w̄ and variance φ × mean / w̄
 *    (see scaledCountInterval): non-negative, skewed, with the right chance of a month of zero.
 *    For measure 'count', w̄ = 1: a negative binomial with variance φ × mean (NB1, the
 *    quasi-Poisson assumption that suits one φ pooled over areas of very different size).
 *    Backtest coverage is measured with φ estimated leaving out the origin being scored.
 *
 * Holt–Winters smoothing parameters are estimated once, on the region's total series, and
 * applied to every area: a few dozen months of one small area cannot support estimating three
 * smoothing parameters, and it keeps the cost linear in the number of areas.
 */
import type { QueryRunner } from '../runner';
import { chooseMethod, emptyScore, type BacktestScore, type MethodChoice } from './backtest';
import { scaledCountInterval, scaledCountQuantiles } from './distributions';
import { fitHoltWinters } from './holt-winters';
import { PANEL_METHODS, defaultMethodOptions, fitMethod, minHistory, type ForecastMethodName, type MethodOptions } from './methods';
import { monthIndex, monthKey, monthlyPanel, type AreaLevel, type HarmWeightInput, type MonthlyPanel, type MonthlyPanelOptions, type MonthlyTable } from './series';

export interface AreaHarmOptions {
	/** Last month of data used, YYYY-MM; the forecast is for the month after. Nothing later is read. */
	trainEnd: string;
	/** Area unit; default 'lsoa'. */
	level?: AreaLevel;
	/** Default 'incidents'. */
	table?: MonthlyTable;
	/** 'harm' (default; needs the harm_weights table) or 'count'. */
	measure?: 'harm' | 'count';
	/** A method, or 'auto' (default): the pooled backtest's choice. */
	method?: ForecastMethodName | 'auto';
	/** Candidates for 'auto'; default all four. */
	methods?: readonly ForecastMethodName[];
	/** Months of history (ending at trainEnd) read; default 36. */
	historyMonths?: number;
	/** Backtest origins: the last N months of the history; default 6. */
	backtestMonths?: number;
	/** The study region; default every area with a record in the history window. */
	areas?: readonly string[];
	/** Harm weights to use instead of the harm_weights table (e.g. what-if weights); see monthlyPanel. */
	weights?: readonly HarmWeightInput[];
}

export interface AreaHarmRow {
	areaId: string;
	/** Expected harm (model unit) or incidents next month. */
	expected: number;
	lo80: number;
	hi80: number;
	lo95: number;
	hi95: number;
	/**
	 * Effective weight w̄ = Σw²N / ΣwN over the history (harm per "unit" of the interval's scaled
	 * count; 1 for counts, 0 for an area without harm).
	 */
	effectiveWeight: number;
	/** The area's values over the history window, oldest first (what the forecast rests on). */
	history: number[];
}

export interface AreaHarmScore extends BacktestScore {
	/** φ estimated from this method's backtest errors (≥ 1). */
	overdispersion: number | null;
}

export interface AreaHarmForecast {
	trainEnd: string;
	forecastMonth: string;
	/** First month of the history window. */
	firstMonth: string;
	measure: 'harm' | 'count';
	level: AreaLevel;
	/** Season used: 12 with at least two full years before the first backtest origin, else 1. */
	period: number;
	method: ForecastMethodName;
	choice: MethodChoice;
	/** Pooled backtest per method (areas × origins points). */
	scores: AreaHarmScore[];
	/** φ used for the intervals (chosen method). */
	overdispersion: number;
	/** Sorted by areaId. */
	areas: AreaHarmRow[];
	/** Wall time, ms. */
	elapsedMs: number;
}

/**
 * Forecast next month's harm (or incident count) for every area, with the method chosen by a
 * pooled rolling-origin backtest (module note). Only months up to `trainEnd` are read.
 *
 * Edge cases: an area with no harm in its history gets expected 0 and interval [0, 0]; with no
 * records at all the result has no areas; a history too short to backtest (fewer than
 * backtestMonths + 2 months) falls back to the simplest method that fits, with φ = 1 and
 * `choice.reason` saying so; a requested method that cannot run on the history throws a
 * RangeError naming it. 'harm' without the harm_weights table throws (see monthlyPanel).
 */
export async function forecastAreaHarm(runner: QueryRunner, options: AreaHarmOptions): Promise<AreaHarmForecast> {
	const started = performance.now();
	const level = options.level ?? 'lsoa';
	const measure = options.measure ?? 'harm';
	const historyMonths = options.historyMonths ?? 36;
	const panel = await monthlyPanel(runner, {
		table: options.table,
		level,
		lastMonth: options.trainEnd,
		months: historyMonths,
		measure,
		areas: options.areas,
		weights: options.weights
	});
	// Trim leading months before the first data in the whole table (they are not zeros, just unknown).
	const first = await firstDataMonth(runner, options.table ?? 'incidents', monthIndex(options.trainEnd));
	return finishForecast(trimToData(panel, first), options, { level, measure }, started);
}

/** The first month_index with any row of `table` up to `last` (inside the force area when asked); null when none. */
async function firstDataMonth(runner: QueryRunner, table: MonthlyTable, last: number, forceAreaOnly = false): Promise<number | null> {
	const [r] = await runner.rows<{ first: number | null }>(
		`SELECT min(month_index) AS first FROM ${table} WHERE month_index <= ? ${forceAreaOnly ? 'AND in_force_area IS NOT false' : ''}`,
		[last]
	);
	return r.first === null ? null : Number(r.first);
}

function trimToData(panel: MonthlyPanel, dataFirst: number | null): MonthlyPanel {
	const first = monthIndex(panel.firstMonth);
	const skip = dataFirst === null ? 0 : Math.max(0, Math.min(panel.months, dataFirst - first));
	if (skip === 0) return panel;
	return {
		...panel,
		firstMonth: monthKey(first + skip),
		months: panel.months - skip,
		values: panel.values.map((v) => v.subarray(skip)),
		squares: panel.squares?.map((v) => v.subarray(skip)) ?? null,
		counts: panel.counts.map((v) => v.subarray(skip))
	};
}

/** Choose, forecast and package one trimmed panel: the common end of forecastAreaHarm and forecastRiskEstimates. */
function finishForecast(
	trimmed: MonthlyPanel,
	options: Pick<AreaHarmOptions, 'trainEnd' | 'method' | 'methods' | 'backtestMonths'>,
	{ level, measure }: { level: AreaLevel; measure: 'harm' | 'count' },
	started: number
): AreaHarmForecast {
	const result = forecastPanel(trimmed, {
		method: options.method ?? 'auto',
		methods: options.methods ?? PANEL_METHODS,
		backtestMonths: options.backtestMonths ?? 6
	});
	return {
		trainEnd: options.trainEnd,
		forecastMonth: monthKey(monthIndex(options.trainEnd) + 1),
		firstMonth: trimmed.firstMonth,
		measure,
		level,
		...result,
		elapsedMs: performance.now() - started
	};
}

/**
 * The panel forecastAreaHarm would build for assessment month `m`, cut from a panel that covers
 * it (same area unit, measure and weights, no fixed area list): the `history` months ending at m,
 * the areas with a record in them (sorted, as monthlyPanel orders them). Exact, so one SQL pass
 * serves many months.
 */
function slicePanel(big: MonthlyPanel, m: number, history: number): MonthlyPanel {
	const bigFirst = monthIndex(big.firstMonth);
	const first = m - history + 1;
	const from = first - bigFirst;
	if (from < 0 || m - bigFirst >= big.months) throw new RangeError(`slicePanel: ${monthKey(m)} is outside the panel`);
	const keep: number[] = [];
	big.counts.forEach((c, a) => {
		for (let t = from; t < from + history; t++) {
			if (c[t] > 0) {
				keep.push(a);
				break;
			}
		}
	});
	const cut = (v: Float64Array) => v.subarray(from, from + history);
	return {
		firstMonth: monthKey(first),
		lastMonth: monthKey(m),
		months: history,
		measure: big.measure,
		areas: keep.map((a) => big.areas[a]),
		values: keep.map((a) => cut(big.values[a])),
		squares: big.squares ? keep.map((a) => cut(big.squares![a])) : null,
		counts: keep.map((a) => cut(big.counts[a]))
	};
}

export interface PanelForecastOptions {
	method: ForecastMethodName | 'auto';
	methods: readonly ForecastMethodName[];
	backtestMonths: number;
}

/**
 * The pure part of {@link forecastAreaHarm}: choose, forecast one step and make intervals for
 * every row of a panel (areas × months). Exported for tests and for callers that build the
 * panel themselves.
 */
export function forecastPanel(
	panel: Pick<MonthlyPanel, 'areas' | 'values' | 'squares' | 'months'>,
	options: PanelForecastOptions
): Pick<AreaHarmForecast, 'period' | 'method' | 'choice' | 'scores' | 'overdispersion' | 'areas'> {
	const n = panel.months;
	const B = options.backtestMonths;
	const period = n - B >= 24 ? 12 : 1;
	const base = defaultMethodOptions(period);
	// Holt–Winters parameters from the region's total series (module note).
	const total = new Float64Array(n);
	for (const v of panel.values) for (let t = 0; t < n; t++) total[t] += v[t];
	const hwOptions = (length: number): MethodOptions => {
		if (length < minHistory('holt-winters', period)) return base;
		return { ...base, holtWintersParams: fitHoltWinters(total.subarray(0, length), period).params };
	};
	// Effective weight w̄ per area: Σ w² N / Σ w N over its history (1 for counts).
	const effectiveWeight = panel.values.map((v, a) => {
		if (!panel.squares) return 1;
		let s = 0;
		let s2 = 0;
		for (let t = 0; t < n; t++) {
			s += v[t];
			s2 += panel.squares[a][t];
		}
		return s > 0 ? s2 / s : 0;
	});
	const requested = options.method === 'auto' ? options.methods : [options.method];
	const origins: number[] = [];
	for (let o = n - B; o < n; o++) if (o >= Math.max(2, period + 1)) origins.push(o);

	const scores: AreaHarmScore[] = requested.map((method) => panelBacktest(panel, method, period, origins, base, hwOptions, effectiveWeight));
	const naive = scores.find((s) => s.method === 'seasonal-naive' && s.mae !== null);
	if (naive && naive.mae! > 0) for (const s of scores) if (s.mae !== null) s.relativeMae = s.mae / naive.mae!;
	let choice: MethodChoice;
	if (options.method !== 'auto') {
		if (n < minHistory(options.method, period)) {
			throw new RangeError(`${options.method} needs at least ${minHistory(options.method, period)} months of history; got ${n}`);
		}
		choice = { method: options.method, reason: 'chosen by the user' };
	} else {
		choice = chooseMethod(scores);
		if (!choice.method) {
			const fallback = options.methods.find((m) => n >= minHistory(m, period));
			if (!fallback) throw new RangeError(`no forecasting method can use ${n} month(s) of history`);
			choice = { method: fallback, reason: `history too short to backtest (${n} months); the simplest method that fits` };
		}
	}
	const method = choice.method!;
	const phi = scores.find((s) => s.method === method)?.overdispersion ?? 1;
	const options_ = method === 'holt-winters' ? hwOptions(n) : base;
	const areas: AreaHarmRow[] = panel.areas.map((areaId, a) => {
		const history = panel.values[a];
		const expected = n >= minHistory(method, period) ? fitMethod(method, history, options_).forecast(1)[0] : 0;
		const q = scaledCountInterval(expected, effectiveWeight[a], phi);
		return { areaId, expected, ...q, effectiveWeight: effectiveWeight[a], history: Array.from(history) };
	});
	return { period, method, choice, scores, overdispersion: phi, areas };
}

function panelBacktest(
	panel: Pick<MonthlyPanel, 'areas' | 'values' | 'months'>,
	method: ForecastMethodName,
	period: number,
	origins: number[],
	base: MethodOptions,
	hwOptions: (length: number) => MethodOptions,
	effectiveWeight: number[]
): AreaHarmScore {
	const started = performance.now();
	const need = minHistory(method, period);
	const usable = origins.filter((o) => o >= need);
	const empty: AreaHarmScore = { ...emptyScore(method, `needs ${need} months of history before each origin`, started), overdispersion: null };
	if (usable.length === 0 || usable.length < origins.length) return { ...empty, seconds: (performance.now() - started) / 1000 };
	// Per origin: Σ|e|, Σe, Σscale, Σe², Σv, and the points themselves for coverage.
	const perOrigin = usable.map(() => ({ e2: 0, v: 0 }));
	const points: Array<{ origin: number; mean: number; actual: number; w: number }> = [];
	let abs = 0;
	let err = 0;
	let scale = 0;
	usable.forEach((o, k) => {
		const opts = method === 'holt-winters' ? hwOptions(o) : base;
		for (let a = 0; a < panel.areas.length; a++) {
			const series = panel.values[a];
			const mean = fitMethod(method, series.subarray(0, o), opts).forecast(1)[0];
			const actual = series[o];
			const e = mean - actual;
			abs += Math.abs(e);
			err += e;
			let s = 0;
			for (let t = period; t < o; t++) s += Math.abs(series[t] - series[t - period]);
			scale += o > period ? s / (o - period) : 0;
			perOrigin[k].e2 += e * e;
			perOrigin[k].v += mean * effectiveWeight[a];
			points.push({ origin: k, mean, actual, w: effectiveWeight[a] });
		}
	});
	const totalE2 = perOrigin.reduce((s, p) => s + p.e2, 0);
	const totalV = perOrigin.reduce((s, p) => s + p.v, 0);
	const phi = (e2: number, v: number) => (v > 0 ? Math.max(1, e2 / v) : 1);
	// Coverage with φ estimated leaving out the origin being scored.
	const phiWithout = perOrigin.map((p) => phi(totalE2 - p.e2, totalV - p.v));
	let in80 = 0;
	let in95 = 0;
	let width = 0;
	for (const p of points) {
		const q = scaledCountInterval(p.mean, p.w, phiWithout[p.origin]);
		if (p.actual >= q.lo80 && p.actual <= q.hi80) in80++;
		if (p.actual >= q.lo95 && p.actual <= q.hi95) in95++;
		width += q.hi80 - q.lo80;
	}
	const count = points.length;
	return {
		method,
		origins: usable.length,
		points: count,
		mae: count ? abs / count : null,
		mase: scale > 0 ? abs / scale : null,
		relativeMae: null,
		bias: count ? err / count : null,
		coverage80: count ? in80 / count : null,
		coverage95: count ? in95 / count : null,
		width80: count ? width / count : null,
		seconds: (performance.now() - started) / 1000,
		skipped: null,
		overdispersion: phi(totalE2, totalV)
	};
}

export interface RiskEstimatesOptions {
	/**
	 * One row per (assessment month, area) to estimate: `monthIndex` is the assessment month
	 * (the last month of data, as year × 12 + month − 1) and the estimate is for the month after.
	 */
	rows: { monthIndex: readonly number[]; areaId: readonly string[] };
	level?: AreaLevel;
	table?: MonthlyTable;
	/** Interval coverage, 0 < level < 1 (e.g. 0.8). */
	intervalLevel: number;
	weights?: readonly HarmWeightInput[];
	method?: ForecastMethodName | 'auto';
	/** Candidates for 'auto'; default all four. */
	methods?: readonly ForecastMethodName[];
	historyMonths?: number;
	backtestMonths?: number;
	/** Leave out records flagged outside the force area (the THR engine passes it when `incidents` has the flag). */
	forceAreaOnly?: boolean;
	/**
	 * Read the panel and the first month with data elsewhere than `table` (the THR engine's
	 * pre-aggregate, analytics/thr/area-months.ts), giving the same values; default monthlyPanel.
	 */
	source?: {
		panel: (options: MonthlyPanelOptions) => Promise<MonthlyPanel>;
		firstDataMonth: (last: number, forceAreaOnly?: boolean) => Promise<number | null>;
	};
}

export interface RiskEstimatesResult {
	/** e.g. "forecast: seasonal-mean (lowest MASE …)"; several months give several choices joined by "; ". */
	method: string;
	level: number;
	expected: Float64Array;
	low: Float64Array;
	high: Float64Array;
	/** The full forecast per assessment month, for explanations. */
	forecasts: AreaHarmForecast[];
}

/**
 * Expected harm next month and its interval for each (assessment month, area) row — the shape
 * of the THR engine's Risk input (analytics/thr/risk.ts: RiskEstimates), so a provider is one
 * line: `(req) => forecastRiskEstimates(req.runner, { rows: req.history, level:
 * req.model.scope.area_unit, weights: req.weights, intervalLevel: req.component.interval_level })`.
 * One forecast per distinct assessment month, each from data up to that month only: one SQL pass
 * reads the monthly panel covering every month's history, and each month's panel is cut from it
 * (exactly the one forecastAreaHarm would read; tested). An area the forecast does not know (no
 * records in the history window) gets 0 [0, 0].
 */
export async function forecastRiskEstimates(runner: QueryRunner, options: RiskEstimatesOptions): Promise<RiskEstimatesResult> {
	const { rows } = options;
	const n = rows.areaId.length;
	if (rows.monthIndex.length !== n) throw new RangeError(`forecastRiskEstimates: ${rows.monthIndex.length} months for ${n} areas`);
	const out: RiskEstimatesResult = {
		method: '',
		level: options.intervalLevel,
		expected: new Float64Array(n),
		low: new Float64Array(n),
		high: new Float64Array(n),
		forecasts: []
	};
	const months = [...new Set(rows.monthIndex)].sort((a, b) => a - b);
	const methods: string[] = [];
	const level = options.level ?? 'lsoa';
	const table = options.table ?? 'incidents';
	const history = options.historyMonths ?? 36;
	// One SQL pass for every month: the panel from the first month's history to the last month,
	// then each month's panel cut from it (the same values forecastAreaHarm would read).
	const big = months.length
		? await (options.source?.panel ?? ((o: MonthlyPanelOptions) => monthlyPanel(runner, o)))({
				table,
				level,
				lastMonth: monthKey(months[months.length - 1]),
				months: history + months[months.length - 1] - months[0],
				measure: 'harm',
				weights: options.weights,
				forceAreaOnly: options.forceAreaOnly
			})
		: null;
	const dataFirst = !months.length
		? null
		: options.source
			? await options.source.firstDataMonth(months[months.length - 1], options.forceAreaOnly)
			: await firstDataMonth(runner, table, months[months.length - 1], options.forceAreaOnly);
	for (const m of months) {
		const started = performance.now();
		const panel = trimToData(slicePanel(big!, m, history), dataFirst !== null && dataFirst <= m ? dataFirst : null);
		const f = finishForecast(
			panel,
			{ trainEnd: monthKey(m), method: options.method, methods: options.methods, backtestMonths: options.backtestMonths },
			{ level, measure: 'harm' },
			started
		);
		out.forecasts.push(f);
		methods.push(`${monthKey(m)}: ${f.method}`);
		const byArea = new Map(f.areas.map((a) => [a.areaId, a]));
		for (let i = 0; i < n; i++) {
			if (rows.monthIndex[i] !== m) continue;
			const a = byArea.get(rows.areaId[i]);
			if (!a) continue;
			const [low, high] = scaledCountQuantiles({ mean: a.expected, unit: a.effectiveWeight, overdispersion: f.overdispersion, level: options.intervalLevel });
			out.expected[i] = a.expected;
			out.low[i] = low;
			out.high[i] = high;
		}
	}
	out.method = `forecast (${methods.join('; ') || 'no rows'})`;
	return out;
}
