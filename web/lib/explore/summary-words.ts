/**
 * The words of the Map and Time summary line (FilterSummary.svelte), kept out of the component so
 * they can be checked without a browser: the period the records were counted over and the count
 * itself ("1 record", "2 records").
 */
import { rangeWords } from '$analytics/compare/periods';
import { monthIndex, monthKey, type ExploreFilters } from '$analytics/explore/filters';
import { shownMonths } from '$analytics/explore/queries';
import { formatMonth, plural } from '../charts/format';

/**
 * A span of months: "Jan 2022 to Dec 2022", or one month as the other pages say it (rangeWords:
 * "November 2019"), never "Nov 2019 to Nov 2019".
 */
export function spanWords(from: string, to: string): string {
	return from === to ? rangeWords({ from, to }) : `${formatMonth(from)} to ${formatMonth(to)}`;
}

/** "from Jan 2022 to Dec 2022", or "in November 2019" for one month. */
function fromSpan(from: string, to: string): string {
	return `${from === to ? 'in' : 'from'} ${spanWords(from, to)}`;
}

/**
 * The period the records were counted over: the one chosen, cut to the dataset's months as the
 * Time views cut it (shownMonths), with the months asked for beyond the data said as such.
 */
export function periodWords(filters: Pick<ExploreFilters, 'from' | 'to'>, data: { firstMonth: string; lastMonth: string }): string {
	const whole = spanWords(data.firstMonth, data.lastMonth);
	if (filters.from === null && filters.to === null) return `over the whole period, ${whole}`;
	const from = filters.from ?? data.firstMonth;
	const to = filters.to ?? data.lastMonth;
	const shown = shownMonths(filters, { first: monthIndex(data.firstMonth), last: monthIndex(data.lastMonth) });
	if (!shown) return `${fromSpan(from, to)}, a period outside the data (${whole})`;
	const first = monthKey(shown.first);
	const last = monthKey(shown.last);
	return first === from && last === to ? fromSpan(from, to) : `${fromSpan(first, last)} (the data covers ${whole}; the period asked for is ${spanWords(from, to)})`;
}

/** "1 record", "18,206 records". */
export function recordsWords(records: number): string {
	return plural(records, 'record');
}
