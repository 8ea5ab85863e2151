/**
 * The words of a fitted method's one-line detail (FittedMethod.detail): steps named by what they
 * are for the series' period (168: hours of the week; 12: months of the year), spans in weeks or
 * years a reader can picture, methods by the names a reader knows. Any other period (tests,
 * generic series) keeps "steps" and "seasons".
 */
import type { ForecastMethodName } from './methods';

const HOURS_PER_YEAR = 8766;

/** A whole number with thousands separators (en-GB, as every page writes counts). */
function count(n: number): string {
	return n.toLocaleString('en-GB');
}

function many(n: number, one: string): string {
	return `${count(n)} ${n === 1 ? one : `${one}s`}`;
}

/**
 * `steps` steps of a series with season `period`, in words: 43680 hours (period 168) → "43,680
 * hours (about 5 years)", 2016 → "2,016 hours (12 weeks)"; 36 months (period 12) → "36 months (3
 * years)"; period 4 → "8 steps". Years are rounded ("about") unless the count is whole.
 */
export function stepsWords(steps: number, period: number): string {
	if (period === 168) {
		const years = steps / HOURS_PER_YEAR;
		if (years >= 0.95) return `${many(steps, 'hour')} (about ${many(Math.round(years), 'year')})`;
		if (steps % 168 === 0) return `${many(steps, 'hour')} (${many(steps / 168, 'week')})`;
		return many(steps, 'hour');
	}
	if (period === 12) return steps >= 24 && steps % 12 === 0 ? `${many(steps, 'month')} (${many(steps / 12, 'year')})` : many(steps, 'month');
	return many(steps, 'step');
}

/** The season of a period: "week" (168), "year" (12), else "season". */
export function seasonWord(period: number): string {
	return period === 168 ? 'week' : period === 12 ? 'year' : 'season';
}

/** A step's position in its season: "hour of the week" (168), "month of the year" (12), else "season position". */
export function positionWords(period: number): string {
	return period === 168 ? 'hour of the week' : period === 12 ? 'month of the year' : 'season position';
}

/** A method as a sentence names it ("the seasonal mean", "the negative binomial regression"). */
export const METHOD_NAMES: Record<ForecastMethodName, string> = {
	'seasonal-naive': 'the seasonal naive forecast',
	'seasonal-mean': 'the seasonal mean',
	poisson: 'the Poisson regression',
	'holt-winters': 'Holt–Winters smoothing',
	'nb-regression': 'the negative binomial regression',
	combination: 'the combination'
};

/** A growth factor per season as a signed percentage: 1.0123 → "+1.23%", 0.99 → "−1.00%". */
export function trendWords(factor: number): string {
	const pct = 100 * (factor - 1);
	const text = Math.abs(pct).toFixed(2);
	return `${text === '0.00' ? '±' : pct > 0 ? '+' : '−'}${text}%`;
}

