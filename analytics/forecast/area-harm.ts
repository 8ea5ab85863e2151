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
import { scaledCountCoverage, scaledCountInterval, scaledCountIntervalAndQuantiles, scaledCountQuantiles, type ScaledCountCoverage } from './distributions';
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
	/** Read only records not flagged outside the force area (`in_force_area`; the table must have the column). Default false. */
	forceAreaOnly?: boolean;
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
		weights: options.weights,
		forceAreaOnly: options.forceAreaOnly
	});
	// Trim leading months before the first data in the whole table (they are not zeros, just unknown).
	const first = await firstDataMonth(runner, options.table ?? 'incidents', monthIndex(options.trainEnd), options.forceAreaOnly);
	const skip = leadingSkip(monthIndex(panel.firstMonth), panel.months, first);
	return finishForecast(viewOf(panel, skip), monthKey(monthIndex(panel.firstMonth) + skip), options, { level, measure }, started, null, true).forecast;
}

/** The first month_index with any row of `table` up to `last` (inside the force area when asked); null when none. */
async function firstDataMonth(runner: QueryRunner, table: MonthlyTable, last: number, forceAreaOnly = false): Promise<number | null> {
	const [r] = await runner.rows<{ first: number | null }>(
		`SELECT min(month_index) AS first FROM ${table} WHERE month_index <= ? ${forceAreaOnly ? 'AND in_force_area IS NOT false' : ''}`,
		[last]
	);
	return r.first === null ? null : Number(r.first);
}

/** Leading months of a panel starting at `first` (month index) that lie before the first data (they are not zeros, just unknown). */
function leadingSkip(first: number, months: number, dataFirst: number | null): number {
	return dataFirst === null ? 0 : Math.max(0, Math.min(months, dataFirst - first));
}

/**
 * A monthly panel in one block per measure: row r (area areas[r]) holds months [firstMonth,
 * firstMonth + months) at r × stride + offset + t. Rows may be all zeros (each month's forecast
 * keeps only the areas with a record in its own window, as monthlyPanel would). Values as
 * {@link MonthlyPanel}'s.
 */
export interface FlatPanel {
	/** Month index of the first month. */
	firstMonth: number;
	months: number;
	areas: readonly string[];
	stride: number;
	offset: number;
	values: Float64Array;
	/** Σ weight² per area-month ('harm'); null for counts. */
	squares: Float64Array | null;
	counts: Float64Array;
}

/** The areas and months one forecast reads: area a is row rows[a] of the blocks, months col0 … col0 + n − 1. */
interface PanelView {
	areas: readonly string[];
	rows: ArrayLike<number>;
	stride: number;
	col0: number;
	n: number;
	values: Float64Array;
	squares: Float64Array | null;
}

/** A per-area panel as a view (copied into one block), its first `skip` months left out. */
function viewOf(panel: Pick<MonthlyPanel, 'areas' | 'values' | 'squares' | 'months'>, skip = 0): PanelView {
	const A = panel.areas.length;
	const M = panel.months;
	const values = new Float64Array(A * M);
	const squares = panel.squares ? new Float64Array(A * M) : null;
	for (let a = 0; a < A; a++) {
		values.set(panel.values[a].subarray(0, M), a * M);
		if (squares) squares.set(panel.squares![a].subarray(0, M), a * M);
	}
	return { areas: panel.areas, rows: Int32Array.from({ length: A }, (_, a) => a), stride: M, col0: skip, n: M - skip, values, squares };
}

/**
 * Choose, forecast and package one panel view: the common end of forecastAreaHarm and
 * forecastRiskEstimates; with `intervalLevel`, each area's interval at that level too (low,
 * high), and its expected value (expected). `areaRows` false leaves the forecast's `areas` empty.
 */
function finishForecast(
	view: PanelView,
	firstMonth: string,
	options: Pick<AreaHarmOptions, 'trainEnd' | 'method' | 'methods' | 'backtestMonths'>,
	{ level, measure }: { level: AreaLevel; measure: 'harm' | 'count' },
	started: number,
	intervalLevel: number | null,
	areaRows: boolean
): { forecast: AreaHarmForecast; expected: Float64Array; effectiveWeight: Float64Array; low: Float64Array | null; high: Float64Array | null } {
	const { result, expected, effectiveWeight, low, high } = forecastView(
		view,
		{
			method: options.method ?? 'auto',
			methods: options.methods ?? PANEL_METHODS,
			backtestMonths: options.backtestMonths ?? 6
		},
		intervalLevel,
		areaRows
	);
	return {
		forecast: {
			trainEnd: options.trainEnd,
			forecastMonth: monthKey(monthIndex(options.trainEnd) + 1),
			firstMonth,
			measure,
			level,
			...result,
			elapsedMs: performance.now() - started
		},
		expected,
		effectiveWeight,
		low,
		high
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
	return forecastView(viewOf(panel), options, null, true).result;
}

/**
 * {@link forecastPanel} over a view; with `level`, each area's interval at that coverage too
 * (what scaledCountQuantiles gives for its expected value, effective weight and φ), found in the
 * same walk as its 80% and 95% intervals.
 */
function forecastView(
	view: PanelView,
	options: PanelForecastOptions,
	level: number | null,
	areaRows: boolean
): {
	result: Pick<AreaHarmForecast, 'period' | 'method' | 'choice' | 'scores' | 'overdispersion' | 'areas'>;
	expected: Float64Array;
	effectiveWeight: Float64Array;
	low: Float64Array | null;
	high: Float64Array | null;
} {
	const { n, stride, col0, values, squares, rows } = view;
	const A = view.areas.length;
	const B = options.backtestMonths;
	const period = n - B >= 24 ? 12 : 1;
	const base = defaultMethodOptions(period);
	const series = (a: number, length: number) => values.subarray(rows[a] * stride + col0, rows[a] * stride + col0 + length);
	// Holt–Winters parameters from the region's total series (module note), summed when first needed.
	let total: Float64Array | null = null;
	const hwOptions = (length: number): MethodOptions => {
		if (length < minHistory('holt-winters', period)) return base;
		if (!total) {
			total = new Float64Array(n);
			for (let a = 0; a < A; a++) {
				const at = rows[a] * stride + col0;
				for (let t = 0; t < n; t++) total[t] += values[at + t];
			}
		}
		return { ...base, holtWintersParams: fitHoltWinters(total.subarray(0, length), period).params };
	};
	// Effective weight w̄ per area: Σ w² N / Σ w N over its history (1 for counts).
	const effectiveWeight = new Float64Array(A);
	for (let a = 0; a < A; a++) {
		if (!squares) {
			effectiveWeight[a] = 1;
			continue;
		}
		const at = rows[a] * stride + col0;
		let s = 0;
		let s2 = 0;
		for (let t = 0; t < n; t++) {
			s += values[at + t];
			s2 += squares[at + t];
		}
		effectiveWeight[a] = s > 0 ? s2 / s : 0;
	}
	const requested = options.method === 'auto' ? options.methods : [options.method];
	const origins: number[] = [];
	for (let o = n - B; o < n; o++) if (o >= Math.max(2, period + 1)) origins.push(o);

	const scores: AreaHarmScore[] = requested.map((method) => panelBacktest(view, series, method, period, origins, base, hwOptions, effectiveWeight));
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
			if (!fallback) throw new RangeError(`no forecasting method can use ${n} month${n === 1 ? '' : 's'} of history`);
			choice = { method: fallback, reason: `history too short to backtest (${n} months); the simplest method that fits` };
		}
	}
	const method = choice.method!;
	const phi = scores.find((s) => s.method === method)?.overdispersion ?? 1;
	const options_ = method === 'holt-winters' ? hwOptions(n) : base;
	const fits = n >= minHistory(method, period);
	const seasons = fits ? seasonalSeasons(method, options_, view) : 0;
	const expected = new Float64Array(A);
	const low = level === null ? null : new Float64Array(A);
	const high = level === null ? null : new Float64Array(A);
	const q = new Float64Array(6);
	const areas: AreaHarmRow[] = [];
	for (let a = 0; a < A; a++) {
		const at = rows[a] * stride + col0;
		const e = !fits ? 0 : seasons > 0 ? seasonalPoint(values, at, n, period, seasons) : fitMethod(method, series(a, n), options_).forecast(1)[0];
		expected[a] = e;
		const w = effectiveWeight[a];
		let interval: { lo80: number; hi80: number; lo95: number; hi95: number } | null = null;
		if (level === null) interval = scaledCountInterval(e, w, phi);
		else {
			scaledCountIntervalAndQuantiles(e, w, phi, level, q);
			if (areaRows) interval = { lo80: q[0], hi80: q[1], lo95: q[2], hi95: q[3] };
			low![a] = q[4];
			high![a] = q[5];
		}
		if (areaRows) {
			const history = new Array<number>(n);
			for (let t = 0; t < n; t++) history[t] = values[at + t];
			areas.push({ areaId: view.areas[a], expected: e, ...interval!, effectiveWeight: w, history });
		}
	}
	return { result: { period, method, choice, scores, overdispersion: phi, areas }, expected, effectiveWeight, low, high };
}

function panelBacktest(
	view: PanelView,
	series: (a: number, length: number) => Float64Array,
	method: ForecastMethodName,
	period: number,
	origins: number[],
	base: MethodOptions,
	hwOptions: (length: number) => MethodOptions,
	effectiveWeight: Float64Array
): AreaHarmScore {
	const started = performance.now();
	const need = minHistory(method, period);
	const usable = origins.filter((o) => o >= need);
	const empty: AreaHarmScore = { ...emptyScore(method, `needs ${need} months of history before each origin`, started), overdispersion: null };
	if (usable.length === 0 || usable.length < origins.length) return { ...empty, seconds: (performance.now() - started) / 1000 };
	const { values, rows, stride, col0 } = view;
	const A = view.areas.length;
	const K = usable.length;
	const seasons = seasonalSeasons(method, base, view);
	// Per origin: Σe², Σv; per point (origin-major, then area): the forecast and the actual, for coverage.
	const e2 = new Float64Array(K);
	const v = new Float64Array(K);
	const means = new Float64Array(K * A);
	const actuals = new Float64Array(K * A);
	// Each area's in-sample naive sum Σ_{t=period}^{o−1} |y_t − y_{t−period}|, extended from one
	// origin to the next: the same additions in the same order as summing from `period` each time.
	const naive = new Float64Array(A);
	let naiveTo = period;
	let abs = 0;
	let err = 0;
	let scale = 0;
	for (let k = 0; k < K; k++) {
		const o = usable[k];
		const opts = method === 'holt-winters' ? hwOptions(o) : base;
		for (let a = 0; a < A; a++) {
			const at = rows[a] * stride + col0;
			const mean = seasons > 0 ? seasonalPoint(values, at, o, period, seasons) : fitMethod(method, series(a, o), opts).forecast(1)[0];
			const actual = values[at + o];
			const e = mean - actual;
			abs += Math.abs(e);
			err += e;
			let s = naive[a];
			for (let t = naiveTo; t < o; t++) s += Math.abs(values[at + t] - values[at + t - period]);
			naive[a] = s;
			scale += o > period ? s / (o - period) : 0;
			e2[k] += e * e;
			v[k] += mean * effectiveWeight[a];
			means[k * A + a] = mean;
			actuals[k * A + a] = actual;
		}
		naiveTo = Math.max(naiveTo, o);
	}
	let totalE2 = 0;
	let totalV = 0;
	for (let k = 0; k < K; k++) totalE2 += e2[k];
	for (let k = 0; k < K; k++) totalV += v[k];
	const phi = (e2: number, v: number) => (v > 0 ? Math.max(1, e2 / v) : 1);
	// Coverage with φ estimated leaving out the origin being scored.
	let in80 = 0;
	let in95 = 0;
	let width = 0;
	const cover: ScaledCountCoverage = { in80: false, in95: false, width80: 0 };
	for (let k = 0; k < K; k++) {
		const phiWithout = phi(totalE2 - e2[k], totalV - v[k]);
		for (let a = 0; a < A; a++) {
			scaledCountCoverage(actuals[k * A + a], means[k * A + a], effectiveWeight[a], phiWithout, cover);
			if (cover.in80) in80++;
			if (cover.in95) in95++;
			width += cover.width80;
		}
	}
	const count = K * A;
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

/**
 * The seasons a seasonal method averages (1 for the naive method), when its one-step forecast can
 * be taken straight from the series ({@link seasonalPoint}, the same arithmetic as fitMethod's);
 * 0 for other methods, or when a value of the view is not a count (fitMethod then throws its own error).
 */
function seasonalSeasons(method: ForecastMethodName, base: MethodOptions, view: PanelView): number {
	if (method !== 'seasonal-naive' && method !== 'seasonal-mean') return 0;
	for (let a = 0; a < view.areas.length; a++) {
		const at = view.rows[a] * view.stride + view.col0;
		for (let t = 0; t < view.n; t++) if (!(Number.isFinite(view.values[at + t]) && view.values[at + t] >= 0)) return 0;
	}
	return method === 'seasonal-naive' ? 1 : base.seasons;
}

/**
 * fitMethod('seasonal-mean' or 'seasonal-naive', the n values from values[at]).forecast(1)[0]
 * without the fitted object: the mean of the values n − period, n − 2·period, … steps in, over up
 * to `seasons` of them, added in the same order (methods.ts seasonalMean).
 */
function seasonalPoint(values: Float64Array, at: number, n: number, period: number, seasons: number): number {
	let t = n - period;
	let sum = 0;
	let k = 0;
	for (; k < seasons && t >= 0; k++, t -= period) sum += values[at + t];
	return sum / k;
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
	 * `flatPanel`, when given and not null, is used instead of `panel` (the same values in one block).
	 */
	source?: {
		panel: (options: MonthlyPanelOptions) => Promise<MonthlyPanel>;
		flatPanel?: (options: MonthlyPanelOptions) => FlatPanel | null;
		firstDataMonth: (last: number, forceAreaOnly?: boolean) => Promise<number | null>;
	};
	/**
	 * False: each forecast's `areas` is left empty (the estimates per row are given all the same),
	 * for callers that need no per-area explanation (a trend of every area). Default true.
	 */
	areaRows?: boolean;
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

/** A per-area panel as one block per measure (copied). */
function flatten(panel: MonthlyPanel): FlatPanel {
	const A = panel.areas.length;
	const M = panel.months;
	const values = new Float64Array(A * M);
	const squares = panel.squares ? new Float64Array(A * M) : null;
	const counts = new Float64Array(A * M);
	for (let a = 0; a < A; a++) {
		values.set(panel.values[a].subarray(0, M), a * M);
		if (squares) squares.set(panel.squares![a].subarray(0, M), a * M);
		counts.set(panel.counts[a].subarray(0, M), a * M);
	}
	return { firstMonth: monthIndex(panel.firstMonth), months: M, areas: panel.areas, stride: M, offset: 0, values, squares, counts };
}

/**
 * Expected harm next month and its interval for each (assessment month, area) row — the shape
 * of the THR engine's Risk input (analytics/thr/risk.ts: RiskEstimates), so a provider is one
 * line: `(req) => forecastRiskEstimates(req.runner, { rows: req.history, level:
 * req.model.scope.area_unit, weights: req.weights, intervalLevel: req.component.interval_level })`.
 * One forecast per distinct assessment month, each from data up to that month only: one SQL pass
 * reads the monthly panel covering every month's history, and each month's panel is cut from it
 * (exactly the one forecastAreaHarm would read: the `history` months ending at the month, the
 * areas with a record in them, sorted, leading months before the first data left out; tested).
 * An area the forecast does not know (no records in the history window) gets 0 [0, 0].
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
	let big: FlatPanel | null = null;
	if (months.length) {
		const panelOptions: MonthlyPanelOptions = {
			table,
			level,
			lastMonth: monthKey(months[months.length - 1]),
			months: history + months[months.length - 1] - months[0],
			measure: 'harm',
			weights: options.weights,
			forceAreaOnly: options.forceAreaOnly
		};
		big = options.source?.flatPanel?.(panelOptions) ?? flatten(await (options.source?.panel ?? ((o: MonthlyPanelOptions) => monthlyPanel(runner, o)))(panelOptions));
	}
	const dataFirst = !months.length
		? null
		: options.source
			? await options.source.firstDataMonth(months[months.length - 1], options.forceAreaOnly)
			: await firstDataMonth(runner, table, months[months.length - 1], options.forceAreaOnly);
	// Each area's interval at the requested level comes from the walk that finds its 80% and 95%
	// intervals (the same values scaledCountQuantiles gives); a level it would reject is left to it.
	const intervalLevel = options.intervalLevel > 0 && options.intervalLevel < 1 ? options.intervalLevel : null;
	const areaRows = options.areaRows ?? true;
	// Each row's area as a row of the panel (−1: not in it).
	const panelRow = new Map<string, number>();
	big?.areas.forEach((a, r) => panelRow.set(a, r));
	const rowOf = new Int32Array(n);
	for (let i = 0; i < n; i++) rowOf[i] = panelRow.get(rows.areaId[i]) ?? -1;
	// The rows of each month, in order.
	const monthRows = new Map<number, number[]>(months.map((m) => [m, []]));
	for (let i = 0; i < n; i++) monthRows.get(rows.monthIndex[i])!.push(i);
	const position = new Int32Array(big ? big.areas.length : 0);
	for (const m of months) {
		const started = performance.now();
		const p = big!;
		// The `history` months ending at m; the areas with a record in them.
		const from = m - history + 1 - p.firstMonth;
		if (from < 0 || m - p.firstMonth >= p.months) throw new RangeError(`slicePanel: ${monthKey(m)} is outside the panel`);
		const keep: number[] = [];
		position.fill(-1);
		for (let r = 0; r < p.areas.length; r++) {
			const at = r * p.stride + p.offset + from;
			for (let t = 0; t < history; t++) {
				if (p.counts[at + t] > 0) {
					position[r] = keep.length;
					keep.push(r);
					break;
				}
			}
		}
		const skip = leadingSkip(m - history + 1, history, dataFirst !== null && dataFirst <= m ? dataFirst : null);
		const view: PanelView = {
			areas: keep.map((r) => p.areas[r]),
			rows: keep,
			stride: p.stride,
			col0: p.offset + from + skip,
			n: history - skip,
			values: p.values,
			squares: p.squares
		};
		const { forecast: f, expected, effectiveWeight, low, high } = finishForecast(
			view,
			monthKey(m - history + 1 + skip),
			{ trainEnd: monthKey(m), method: options.method, methods: options.methods, backtestMonths: options.backtestMonths },
			{ level, measure: 'harm' },
			started,
			intervalLevel,
			areaRows
		);
		out.forecasts.push(f);
		methods.push(`${monthKey(m)}: ${f.method}`);
		for (const i of monthRows.get(m)!) {
			if (rowOf[i] < 0) continue;
			const j = position[rowOf[i]];
			if (j < 0) continue;
			if (low && high) {
				out.low[i] = low[j];
				out.high[i] = high[j];
			} else {
				[out.low[i], out.high[i]] = scaledCountQuantiles({ mean: expected[j], unit: effectiveWeight[j], overdispersion: f.overdispersion, level: options.intervalLevel });
			}
			out.expected[i] = expected[j];
		}
	}
	out.method = `forecast (${methods.join('; ') || 'no rows'})`;
	return out;
}
