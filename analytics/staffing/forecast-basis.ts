/**
 * What the officers per hour rest on, said beside them: which forecast, whether it beat the two
 * simple baselines on the later weeks of its backtest (the mean of the same hour over the last 8
 * weeks, and last week's counts: the same hour a week before), and the range between staffing to
 * the forecast mean and to the upper 80% bound of each hour, so the interval is carried into the
 * officers rather than one figure from the point forecast.
 *
 * A method "beats" a baseline only when its MASE is lower in the same backtest (as the Forecast
 * page's verdict counts it); equal or higher is said plainly as not beating it, with both figures.
 */
import { METHOD_LABELS, type BacktestScore } from '../forecast';
import { officersNeededPerHour, type OfficersOptions, type OfficersPlan, type StaffingAssumptions } from './officers';

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const BASELINES = {
	'seasonal-mean': 'the mean of the same hour over the last 8 weeks',
	'seasonal-naive': "last week's count of the same hour"
} as const;

function scored(scores: readonly BacktestScore[], method: string): BacktestScore | null {
	const s = scores.find((x) => x.method === method);
	return s && s.skipped === null && s.mase !== null ? s : null;
}

/**
 * One or two sentences on the forecast the officers are built on (`chosen`, a method of `scores`,
 * the backtest of the forecast shown), for demand (`activity` false) or police activity. Says,
 * against each baseline that was scored, whether the forecast beat it on the backtest's later
 * weeks and by how much; where it does not, that the officers are no better founded than staffing
 * to that baseline. Null when the chosen method has no MASE (no backtest, or skipped).
 */
export function staffingForecastBasis(options: { chosen: string; scores: readonly BacktestScore[]; activity?: boolean }): string | null {
	const score = scored(options.scores, options.chosen);
	if (!score) return null;
	const what = options.activity ? 'These officer-hours' : 'These officers';
	const name = METHOD_LABELS[score.method];
	const beaten: string[] = [];
	const notBeaten: string[] = [];
	for (const [method, words] of Object.entries(BASELINES)) {
		const base = scored(options.scores, method);
		if (!base || base.mase! <= 0) continue;
		if (method === score.method) continue;
		const gain = 1 - score.mase! / base.mase!;
		if (gain > 0) beaten.push(`${words} (MASE ${f3(score.mase!)} against ${f3(base.mase!)}, ${pct(gain)} lower)`);
		else notBeaten.push(`${words} (MASE ${f3(score.mase!)} against ${f3(base.mase!)})`);
	}
	if (score.method === 'seasonal-mean' || score.method === 'seasonal-naive') {
		const others = options.scores.filter((s) => s.method !== score.method && s.skipped === null && s.mase !== null && s.mase < score.mase!);
		const head = `${what} rest on ${BASELINES[score.method]} itself, not on a model`;
		const tail = notBeaten.length ? `; it does not beat ${notBeaten.join(' or ')} either` : beaten.length ? `; it beats ${beaten.join(' and ')}` : '';
		return others.length
			? `${head}, though ${others.length === 1 ? 'a method' : `${others.length} methods`} scored lower in the backtest${tail}.`
			: `${head}: no forecasting method beat it on the later weeks of the backtest (MASE ${f3(score.mase!)})${tail}.`;
	}
	if (notBeaten.length) {
		return `${what} rest on a forecast (${name}) that does not beat ${notBeaten.join(' or ')} on the later weeks of its backtest: staffing to that simple baseline would be as well founded.${beaten.length ? ` It does beat ${beaten.join(' and ')}.` : ''}`;
	}
	if (!beaten.length) return `${what} rest on ${name}; no simple baseline was scored in its backtest to compare it with.`;
	return `${what} rest on ${name}, which beat ${beaten.join(' and ')} on the later weeks of its backtest.`;
}

/** The forecast folded onto hours of week, as the Forecast page staffs it. */
export interface StaffedHours {
	/** One label per hour (e.g. the hour of week). */
	timestamps: readonly string[];
	/** Forecast mean incidents in each hour. */
	mean: readonly number[];
	/** Upper 80% bound in each hour (whole counts; may be below the mean in a quiet hour). */
	hi80: readonly number[];
}

export interface StaffingRange {
	/** Officers per hour staffing to the forecast mean. */
	mean: OfficersPlan;
	/** Officers per hour staffing to the upper 80% bound of each hour. */
	hi80: OfficersPlan;
	/** Summed over the hours: officers free for dispatch, on duty and rostered, for the mean and the upper bound. */
	totals: Record<'mean' | 'hi80', { available: number; onDuty: number; rostered: number; peak: number }>;
}

/**
 * Officers per hour for both ends of the staffing range: the forecast mean and the upper 80%
 * bound (taken as the mean where the bound, a whole count, is below it), under the same
 * assumptions and times on task (officersNeededPerHour). An empty forecast gives zero totals and a
 * peak of 0. Throws as officersNeededPerHour does when lengths differ.
 */
export function staffingRange(hours: StaffedHours, assumptions: StaffingAssumptions, options: OfficersOptions = {}): StaffingRange {
	const mean = officersNeededPerHour({ timestamps: hours.timestamps, arrivals: hours.mean }, assumptions, options);
	// The 80% bound is a whole count: in a quiet hour (mean 0.25 incidents) more than 80% of hours
	// see none, so the bound is 0, below the mean. Staffing to it would then staff a "busier hour"
	// with fewer officers than the mean; the upper end is never taken below the mean.
	const upper = hours.hi80.map((h, i) => Math.max(h, hours.mean[i]));
	const hi80 = officersNeededPerHour({ timestamps: hours.timestamps, arrivals: upper }, assumptions, options);
	const total = (plan: OfficersPlan) => ({
		available: plan.hours.reduce((s, h) => s + h.available, 0),
		onDuty: plan.hours.reduce((s, h) => s + h.onDuty, 0),
		rostered: plan.hours.reduce((s, h) => s + h.rostered, 0),
		peak: plan.hours.reduce((m, h) => Math.max(m, h.rostered), 0)
	});
	return { mean, hi80, totals: { mean: total(mean), hi80: total(hi80) } };
}
