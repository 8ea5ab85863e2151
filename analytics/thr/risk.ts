/**
 * The Risk component's input: expected harm next month per area, with an interval. The
 * forecasting work (analytics/forecast/) will supply the real model; until then a documented
 * stand-in is used. Swapping it is one argument: pass another {@link RiskProvider} to the
 * scoring functions (ScoreOptions.risk) — nothing else in the engine changes.
 */
import type { QueryRunner } from '../runner';
import type { EffectiveWeight, RiskComponent, ThrModel } from './model';
import { poissonQuantile } from './stats';

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
 * The Risk input the engine scores with: `provider` (default {@link standInRisk}) applied to the
 * request, checked for one finite, non-negative estimate per history row with low ≤ high.
 * (The expected value may lie outside a prediction interval of counts: with 0.05 incidents a
 * month expected, 0 incidents is the whole 80% interval.) Throws a RangeError naming the first
 * bad row otherwise.
 */
export async function riskInput(request: RiskRequest, provider: RiskProvider = standInRisk): Promise<RiskEstimates> {
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
