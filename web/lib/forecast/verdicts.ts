/**
 * Plain sentences the Forecast page says about a method's backtest: whether it beats the baseline
 * every hourly method must beat (the mean of the same hour over the last 8 weeks, the seasonal
 * mean with 8 seasons; issue 12's target is a MASE at least 8% below it), and what its intervals
 * held. Pure: unit-tested.
 */
import { METHOD_LABELS, defaultMethodOptions, type AreaHarmForecast, type BacktestScore, type ForecastMethodName } from '$analytics/forecast';
import { areaSetNoun } from '$analytics/explore/area-set';

/** The MASE reduction against the 8-week same-hour mean that the project aims for (PRODUCT.md, quality bars). */
export const BASELINE_TARGET = 0.08;

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * One sentence on `score` against `baseline` (the seasonal mean) in the same backtest: where the
 * method does not beat it, say so with both MASEs; where it does, by how much and whether by the
 * 8% target; where the baseline itself was chosen, that no other method beat it. Null when either
 * has no MASE (skipped, or a series that repeats exactly).
 */
export function baselineVerdict(score: BacktestScore, baseline: BacktestScore, scores: readonly BacktestScore[]): string | null {
	if (score.mase === null || baseline.mase === null || score.skipped !== null || baseline.skipped !== null) return null;
	if (score.method === baseline.method) {
		const others = scores.filter((s) => s.method !== baseline.method && s.skipped === null && s.mase !== null);
		const best = others.sort((a, b) => a.mase! - b.mase!)[0];
		return best && best.mase! < baseline.mase
			? `This is the baseline itself, the mean of the same hour over the last 8 weeks (MASE ${f3(baseline.mase)}); ${METHOD_LABELS[best.method]} scored lower (${f3(best.mase!)}).`
			: `No method beats the mean of the same hour over the last 8 weeks on this data: it is the forecast shown (MASE ${f3(baseline.mase)}${best ? `; the next best, ${METHOD_LABELS[best.method]}, ${f3(best.mase!)}` : ''}).`;
	}
	if (baseline.mase <= 0) return null;
	const gain = 1 - score.mase / baseline.mase;
	if (gain <= 0)
		return `This method does not beat the mean of the same hour over the last 8 weeks in this backtest: MASE ${f3(score.mase)} against ${f3(baseline.mase)}.`;
	return gain >= BASELINE_TARGET
		? `MASE ${pct(gain)} below the mean of the same hour over the last 8 weeks (${f3(score.mase)} against ${f3(baseline.mase)}): it meets the 8% target in this backtest.`
		: `MASE only ${pct(gain)} below the mean of the same hour over the last 8 weeks (${f3(score.mase)} against ${f3(baseline.mase)}): short of the 8% target in this backtest.`;
}

/** "in the backtest the 80% intervals held 84.9% of the hours and the 95% intervals 96.6%", or that there was no backtest. */
export function coverageNote(score: BacktestScore | null): string {
	if (!score || score.skipped !== null || score.coverage80 === null || score.coverage95 === null) return 'no backtest measured how often they hold.';
	return `in the backtest the 80% intervals held ${pct(score.coverage80)} of the hours and the 95% intervals ${pct(score.coverage95)}.`;
}

/**
 * The baseline every monthly area forecast must beat, in words: the same area's count in the
 * month before (seasonal naive with a season of 1 month) or, with a 12-month season, in the same
 * month a year before.
 */
export function streetBaselineName(period: number): string {
	return period === 1 ? "last month's count" : "the count of the same month last year";
}

/**
 * The method's name for a monthly area forecast, by what it does with the season it has: seasonal
 * naive with a 1-month season is last month's count; without a month-of-year season (period 1:
 * under 2 years of history before the backtest) the seasonal mean is the mean of the last 12
 * months, the Poisson regression a trend alone and Holt–Winters Holt's linear trend, said so
 * rather than named by a season they do not use; with a 12-month season the mean is of the same
 * month over the last 3 years.
 */
export function streetMethodLabel(method: ForecastMethodName, period: number): string {
	if (method === 'seasonal-naive') return `${streetBaselineName(period).replace(/^./, (c) => c.toUpperCase())} (seasonal naive)`;
	const { seasons } = defaultMethodOptions(period);
	if (period === 1) {
		const none = 'no month-of-year season: under 2 years of history';
		if (method === 'seasonal-mean') return `Mean of the last ${seasons} months (${none})`;
		if (method === 'poisson') return `Poisson regression with a trend (${none})`;
		if (method === 'holt-winters') return `Holt’s linear trend exponential smoothing (${none})`;
	}
	if (period === 12 && method === 'seasonal-mean') return `Mean of the same month over the last ${seasons} years`;
	if (period === 12 && method === 'poisson') return 'Poisson regression on the month of the year with a trend';
	return METHOD_LABELS[method];
}

/**
 * One sentence on the monthly area forecast (Forecast page, briefing) against its baseline in the
 * same pooled backtest (seasonal naive: `streetBaselineName`): when the baseline itself was
 * chosen, that the forecast is no better than it; when the chosen method's MASE is not lower,
 * that it does not beat it, both MASEs given; otherwise by how much it is lower. Null when the
 * baseline or the method has no MASE (history too short to backtest, or every scale 0).
 */
export function streetBaselineVerdict(forecast: Pick<AreaHarmForecast, 'method' | 'period' | 'scores'>): string | null {
	const baseline = forecast.scores.find((s) => s.method === 'seasonal-naive');
	const chosen = forecast.scores.find((s) => s.method === forecast.method);
	if (!baseline || !chosen || baseline.skipped !== null || chosen.skipped !== null || baseline.mase === null || chosen.mase === null) return null;
	const name = streetBaselineName(forecast.period);
	if (chosen.method === baseline.method)
		return `Not better than ${name}: the forecast is ${name} itself, since no other method did better in the backtest (MASE ${f3(baseline.mase)}).`;
	if (baseline.mase <= 0) return null;
	const gain = 1 - chosen.mase / baseline.mase;
	return gain <= 0
		? `Not better than ${name} in the backtest: MASE ${f3(chosen.mase)} against ${f3(baseline.mase)}.`
		: `Better than ${name} in the backtest: its error (MASE) is ${pct(gain)} lower (${f3(chosen.mase)} against ${f3(baseline.mase)}).`;
}

/**
 * What the monthly forecast by area is made over, in one sentence, when it is not over LSOAs; null
 * when the street records carry LSOA codes. It reads police.uk street records only (the
 * `incidents` table) at the levels they were placed in (`levels`: analytics' streetAreaLevels):
 * - none (e.g. Chicago: timestamped incidents only): no forecast by area, and, with timestamped
 *   records, where they go instead (the hourly forecast above and the hot-spot forecast, whose
 *   areas are H3 cells);
 * - districts only: the source's own areas (`areaSetNoun`: "police districts"); never H3 cells,
 *   which this forecast does not use.
 */
export function streetLevelsNote(levels: readonly ('lsoa' | 'district')[], areaSet: string, timestamped: boolean): string | null {
	if (levels.includes('lsoa')) return null;
	if (levels.length === 0)
		return `No monthly forecast by area: it reads police.uk street records (crime and anti-social behaviour, by month), and this data has none.${
			timestamped ? ' Its timestamped incidents are forecast per hour above, and the hot-spot forecast on the Accuracy page ranks the H3 cells where they are likely in the weeks ahead.' : ''
		}`;
	return `LSOAs are not offered: no street record carries an LSOA code (the files gave none, and no LSOA boundaries were given to place the records by their coordinates), so the areas here are the ${areaSetNoun(areaSet)} of the source's boundary file.`;
}
