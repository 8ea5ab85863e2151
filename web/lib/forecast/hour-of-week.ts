import { hourOfWeekOf } from '$analytics/forecast/series';

export interface HourOfWeekRow {
	hourOfWeek: number;
	/** Mean forecast per hour at this hour of week, averaged over the weeks forecast. */
	mean: number;
	/** Mean of the upper 80% bound. */
	hi80: number;
	/** Mean actual count at this hour of week over the whole history. */
	historicMean: number;
}

function average(timestamps: readonly string[], values: readonly number[]): number[] {
	const sum = new Array<number>(168).fill(0);
	const n = new Array<number>(168).fill(0);
	timestamps.forEach((t, i) => {
		const h = hourOfWeekOf(t);
		sum[h] += values[i];
		n[h]++;
	});
	return sum.map((s, h) => (n[h] ? s / n[h] : 0));
}

/**
 * The forecast folded onto the 168 hours of the week (Monday 00:00 first): mean and upper 80%
 * bound averaged over the weeks forecast, beside the history's mean at that hour. Hours of week
 * not forecast are 0.
 */
export function hourOfWeekSummary(
	forecast: { timestamps: readonly string[]; mean: readonly number[]; hi80: readonly number[] },
	history: { start: string; values: readonly number[] }
): HourOfWeekRow[] {
	const mean = average(forecast.timestamps, forecast.mean);
	const hi80 = average(forecast.timestamps, forecast.hi80);
	// The history starts on a Monday at 00:00, so its hour of week is the index mod 168.
	const hsum = new Array<number>(168).fill(0);
	const hn = new Array<number>(168).fill(0);
	const offset = hourOfWeekOf(history.start);
	history.values.forEach((v, i) => {
		const h = (offset + i) % 168;
		hsum[h] += v;
		hn[h]++;
	});
	return mean.map((m, h) => ({ hourOfWeek: h, mean: m, hi80: hi80[h], historicMean: hn[h] ? hsum[h] / hn[h] : 0 }));
}
