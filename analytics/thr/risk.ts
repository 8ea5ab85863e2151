/**
 * The Risk component's input: expected harm next month per area, with an interval. The model
 * file says where it comes from: method 'forecast' (thr-v2) uses the forecasting models of
 * analytics/forecast ({@link forecastRisk}); 'mean-monthly-harm' (thr-v1) is the documented
 * stand-in ({@link standInRisk}). {@link riskProviderFor} picks one; passing another
 * {@link RiskProvider} to the scoring functions (ScoreOptions.risk) overrides it — nothing else in
 * the engine changes.
 */
import type { QueryRunner } from '../runner';
import { forecastRiskEstimates } from '../forecast/area-harm';
import { METHOD_LABELS } from '../forecast/methods';
import type { EffectiveWeight, RiskComponent, ThrModel } from './model';
import { monthIndex } from '../shared/months';
import { poissonQuantile } from './stats';
import { THR_AREA_MONTHS, aggregateFirstMonth, aggregatePanel, flatPanelFromGrid, panelFromGrid, type AreaMonthGrid, type ThrSource } from './area-months';

/** The history the engine has already summed for each (assessment month, area) in scope. */
export interface RiskHistory {
	/** Assessment month (month_index) per row. */
	monthIndex: readonly number[];
	/** Area id per row. */
	areaId: readonly string[];
	/** Harm (CCHI days) over the component's window ending at the row's month. */
	harm: readonly number[];
	/** Incidents counted towards that harm. */
	count: readonly number[];
}

/** What a provider is asked for: one estimate per history row, from data up to its month only. */
export interface RiskRequest {
	/** The Risk component being computed (window_months, interval_level, method). */
	component: RiskComponent;
	model: ThrModel;
	/** The categories and weights in force (what-if may differ from the published table). */
	weights: readonly EffectiveWeight[];
	history: RiskHistory;
	/** For providers that need more than the history (e.g. a fitted forecast model). */
	runner: QueryRunner;
	/** True when `incidents` flags records outside the force area: a provider reading more data must leave them out. */
	forceAreaOnly?: boolean;
	/** Where the engine reads records (default the base rows); a provider reading more data may read the same place. */
	source?: ThrSource;
	/** Reading the pre-aggregate: the engine's grid of the months it read (the forecast's panel is cut from it), and the first month with data. */
	areaMonths?: { grid: AreaMonthGrid; firstDataMonth: (last: number, forceAreaOnly?: boolean) => Promise<number | null> };
	/** False when nothing will read the per-row explanations (`runs` and `history`): a trend of scores, ranks and bands. Default true. */
	details?: boolean;
}

/** Estimates aligned with the request's history rows. */
export interface RiskEstimates {
	/** Short name of the method, shown in explanations. */
	method: string;
	/** Interval coverage, e.g. 0.8. */
	level: number;
	/** Expected harm next month, CCHI days. */
	expected: Float64Array;
	/** Lower end of the interval, CCHI days. */
	low: Float64Array;
	/** Upper end, CCHI days. */
	high: Float64Array;
	/** Forecast providers: how each assessment month's forecast was made. */
	runs?: RiskRun[];
	/** Forecast providers: each row's monthly harm over the history the forecast read (oldest first); null when the forecast did not know the area. */
	history?: Array<readonly number[] | null>;
}

/** One assessment month's forecast behind Risk: what it read, the method and its backtest. */
export interface RiskRun {
	monthIndex: number;
	/** The month forecast (the one after the assessment month), YYYY-MM. */
	forecastMonth: string;
	/** First and last month of history read (the last is the assessment month). */
	historyFrom: string;
	historyTo: string;
	/** Method id (e.g. 'seasonal-mean') and its plain-words label. */
	method: string;
	methodLabel: string;
	/** Why this method: fixed by the model, or the backtest's choice. */
	reason: string;
	/** Season length used: 12 (month of year) or 1 (no season: history too short). */
	period: number;
	/** φ: forecast-error variance over the Poisson variance in the backtest (≥ 1); widens the interval. */
	overdispersion: number;
	/** Pooled rolling-origin backtest of each method tried (all areas × origins). */
	backtest: Array<{ method: string; origins: number; points: number; mae: number | null; mase: number | null; coverage80: number | null }>;
}

/** Anything that turns a {@link RiskRequest} into {@link RiskEstimates}. Must not read data after each row's month. */
export type RiskProvider = (request: RiskRequest) => RiskEstimates | Promise<RiskEstimates>;

/** One area's stand-in estimate; see {@link standInRisk}. */
export interface RiskEstimate {
	expected: number;
	low: number;
	high: number;
}

/**
 * The stand-in Risk for one area (method 'mean-monthly-harm'): expected harm next month =
 * harm over the last `months` ÷ `months` (CCHI days per month). Interval: the central `level`
 * interval of next month's COUNT if it is Poisson with the mean monthly count, scaled by the
 * area's mean weight per incident (harm ÷ count). It ignores trend, seasonality and the
 * uncertainty of the mean itself, so it is narrower than an honest forecast interval. Zero
 * incidents give 0 [0, 0].
 */
export function standInRiskEstimate({ harm, count, months, level }: { harm: number; count: number; months: number; level: number }): RiskEstimate {
	if (!(months > 0)) throw new RangeError(`months must be > 0, got ${months}`);
	if (count === 0) return { expected: 0, low: 0, high: 0 };
	const meanCount = count / months;
	const meanWeight = harm / count;
	return {
		expected: harm / months,
		low: poissonQuantile((1 - level) / 2, meanCount) * meanWeight,
		high: poissonQuantile((1 + level) / 2, meanCount) * meanWeight
	};
}

/** The stand-in provider: {@link standInRiskEstimate} for every row; reads nothing beyond the history. */
export const standInRisk: RiskProvider = ({ component, history }) => {
	const n = history.areaId.length;
	const out: RiskEstimates = {
		method: 'mean-monthly-harm (stand-in)',
		level: component.interval_level,
		expected: new Float64Array(n),
		low: new Float64Array(n),
		high: new Float64Array(n)
	};
	// Quantiles depend on the count only: computed once per distinct count.
	const quantiles = new Map<number, [number, number]>();
	for (let i = 0; i < n; i++) {
		const count = history.count[i];
		let q = quantiles.get(count);
		if (!q) {
			const unit = standInRiskEstimate({ harm: count, count, months: component.window_months, level: component.interval_level });
			quantiles.set(count, (q = [unit.low, unit.high]));
		}
		// With harm = count (mean weight 1) the interval ends are the count quantiles themselves.
		const meanWeight = count > 0 ? history.harm[i] / count : 0;
		const e = { expected: history.harm[i] / component.window_months, low: q[0] * meanWeight, high: q[1] * meanWeight };
		out.expected[i] = e.expected;
		out.low[i] = e.low;
		out.high[i] = e.high;
	}
	return out;
};

/**
 * The forecast provider (Risk method 'forecast'): for each assessment month, the forecasting
 * models (analytics/forecast/area-harm.ts) forecast next month's harm of every area from the
 * monthly harm up to that month only (the component's `forecast.history_months`), with the
 * categories and weights in force; the interval is the scaled negative binomial at the
 * component's `interval_level`, widened by the overdispersion φ measured in the backtest.
 */
export const forecastRisk: RiskProvider = async ({ component, model, weights, history, runner, forceAreaOnly, source, areaMonths, details }) => {
	const spec = component.forecast;
	if (!spec) throw new RangeError(`risk component "${component.id}": method 'forecast' needs a forecast block`);
	const result = await forecastRiskEstimates(runner, {
		rows: history,
		level: model.scope.area_unit,
		weights,
		intervalLevel: component.interval_level,
		method: spec.method,
		methods: spec.candidates,
		historyMonths: spec.history_months,
		backtestMonths: spec.backtest_months,
		forceAreaOnly,
		// The same panel, value for value, from the pre-aggregate (area-months.ts).
		source:
			source === THR_AREA_MONTHS
				? {
						panel: async (options) => (areaMonths && panelFromGrid(areaMonths.grid, options)) || aggregatePanel(runner, options),
						flatPanel: (options) => (areaMonths ? flatPanelFromGrid(areaMonths.grid, options) : null),
						firstDataMonth: (last, forceOnly) => (areaMonths ? areaMonths.firstDataMonth(last, forceOnly) : aggregateFirstMonth(runner, last, forceOnly))
					}
				: undefined,
		// Without explanations no per-area rows are needed: the estimates per row are the same.
		areaRows: details !== false
	});
	const runs: RiskRun[] = result.forecasts.map((f) => ({
		monthIndex: monthIndex(f.trainEnd),
		forecastMonth: f.forecastMonth,
		historyFrom: f.firstMonth,
		historyTo: f.trainEnd,
		method: f.method,
		methodLabel: METHOD_LABELS[f.method],
		reason: spec.method === 'auto' ? f.choice.reason : `fixed by the model (${model.id} ${model.version})`,
		period: f.period,
		overdispersion: f.overdispersion,
		backtest: f.scores.map((s) => ({ method: s.method, origins: s.origins, points: s.points, mae: s.mae, mase: s.mase, coverage80: s.coverage80 }))
	}));
	// Each row's history, from the forecast of its own month.
	const byMonth = details === false ? null : new Map(result.forecasts.map((f) => [monthIndex(f.trainEnd), new Map(f.areas.map((a) => [a.areaId, a.history]))]));
	const rowHistory = byMonth ? history.areaId.map((id, i) => byMonth.get(history.monthIndex[i])?.get(id) ?? null) : undefined;
	const methods = [...new Set(runs.map((r) => r.method))];
	return {
		method: `forecast: ${methods.join(', ') || 'none'}`,
		level: result.level,
		expected: result.expected,
		low: result.low,
		high: result.high,
		runs,
		history: rowHistory
	};
};

/** The provider a Risk component declares: {@link forecastRisk} for 'forecast', {@link standInRisk} for 'mean-monthly-harm'. */
export function riskProviderFor(component: RiskComponent): RiskProvider {
	return component.method === 'forecast' ? forecastRisk : standInRisk;
}

/** The run behind one assessment month, if the provider reported runs. */
export function riskRunFor(estimates: RiskEstimates, monthIndex: number): RiskRun | undefined {
	return estimates.runs?.find((r) => r.monthIndex === monthIndex);
}

/**
 * The Risk input the engine scores with: `provider` (default: the one the component declares, {@link riskProviderFor}) applied to the
 * request, checked for one finite, non-negative estimate per history row with low ≤ high.
 * (The expected value may lie outside a prediction interval of counts: with 0.05 incidents a
 * month expected, 0 incidents is the whole 80% interval.) Throws a RangeError naming the first
 * bad row otherwise.
 */
export async function riskInput(request: RiskRequest, provider: RiskProvider = riskProviderFor(request.component)): Promise<RiskEstimates> {
	const result = await provider(request);
	const n = request.history.areaId.length;
	for (const key of ['expected', 'low', 'high'] as const) {
		if (result[key].length !== n) throw new RangeError(`risk provider ${result.method}: ${key} has ${result[key].length} values for ${n} areas`);
	}
	for (let i = 0; i < n; i++) {
		const { expected, low, high } = { expected: result.expected[i], low: result.low[i], high: result.high[i] };
		if (!(Number.isFinite(expected) && expected >= 0 && Number.isFinite(high) && low >= 0 && low <= high)) {
			throw new RangeError(
				`risk provider ${result.method}: bad estimate for ${request.history.areaId[i]} (${expected} [${low}, ${high}]); expected finite values ≥ 0 with low ≤ high`
			);
		}
	}
	return result;
}
