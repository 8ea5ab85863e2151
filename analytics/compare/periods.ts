/**
 * Period arithmetic for a comparison: given the chosen period (from/to months, inclusive) and a
 * basis, the period(s) it is compared with, whether the data covers them, and the words that
 * name both. Pure: months are `YYYY-MM` keys (analytics/shared monthIndex/monthKey); no
 * database.
 *
 * Bases (URL `compare=`):
 *   previous     the same number of months just before the period
 *                (March–May 2025 → December 2024–February 2025);
 *   last-year    the same months a year earlier (March–May 2025 → March–May 2024);
 *   seasonal-3y  the same months in each of the 3 previous years, averaged
 *                (March–May 2025 → March–May 2022, 2023 and 2024).
 *
 * Coverage: a comparison period counts only when the data covers every one of its months
 * (a period cut by the start of the data would compare a part-period with a whole one). For
 * the seasonal average the covered years are averaged and the note names the years left out
 * ("a 3-year average from 2 years"); for the other bases an uncovered period means no
 * comparison, and the note says why.
 */
import { isMonthKey, monthIndex, monthKey } from '../shared/months';

export type CompareBasis = 'previous' | 'last-year' | 'seasonal-3y';

export const COMPARE_BASES: readonly CompareBasis[] = ['previous', 'last-year', 'seasonal-3y'];

/** Labels for the "Compare with" control. */
export const COMPARE_LABELS: Record<CompareBasis, string> = {
	previous: 'Previous period',
	'last-year': 'Same period last year',
	'seasonal-3y': 'Seasonal average of the last 3 years'
};

/** How many years the seasonal average looks back. */
export const SEASONAL_YEARS = 3;

/** An inclusive range of months. */
export interface MonthRange {
	from: string; // YYYY-MM
	to: string; // YYYY-MM, not before `from`
}

/** The months the data holds (first and last month with data), when known. */
export interface DataCoverage {
	first: string;
	last: string;
}

export type PeriodCoverage = 'full' | 'partial' | 'none';

export interface ComparisonPeriod extends MonthRange {
	/** How much of this period the data covers. */
	coverage: PeriodCoverage;
	/** Its words, e.g. "March–May 2024". */
	label: string;
}

export interface Comparison {
	basis: CompareBasis;
	current: MonthRange;
	/** Months in the current period (and in each comparison period). */
	months: number;
	/** The comparison period(s), earliest first: one, or three for the seasonal average. */
	periods: ComparisonPeriod[];
	/** The periods the data covers in full: the ones the comparison value uses. */
	used: ComparisonPeriod[];
	/** Whether there is a comparison value at all (at least one period fully covered). */
	available: boolean;
	/** Whether every period is covered (for the seasonal average: all 3 years). */
	complete: boolean;
	/** Whether a comparison period shares months with the current one (periods over 12 months). */
	overlaps: boolean;
	/** "March–May 2025 against March–May 2024". */
	words: string;
	/** Plain-English caveats: missing years, no data for the comparison, overlap. Empty when none. */
	notes: string[];
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The `compare=` URL value as a basis; anything else (absent, unknown) is no comparison. */
export function parseCompareBasis(value: string | null | undefined): CompareBasis | null {
	return value != null && (COMPARE_BASES as readonly string[]).includes(value) ? (value as CompareBasis) : null;
}

/** Number of months in an inclusive range (March–May = 3). Throws when `to` is before `from`. */
export function monthsIn(range: MonthRange): number {
	const n = monthIndex(range.to) - monthIndex(range.from) + 1;
	if (n < 1) throw new RangeError(`period ends (${range.to}) before it starts (${range.from})`);
	return n;
}

/** A range moved by `by` months (negative: earlier). */
export function shiftRange(range: MonthRange, by: number): MonthRange {
	return { from: monthKey(monthIndex(range.from) + by), to: monthKey(monthIndex(range.to) + by) };
}

/** One month in words: '2025-03' → "March 2025". */
export function monthWords(month: string): string {
	const i = monthIndex(month);
	return `${MONTH_NAMES[i % 12]} ${Math.floor(i / 12)}`;
}

/**
 * A range in words: "March 2025" (one month), "March–May 2025" (one year),
 * "November 2024–January 2025" (across a year end).
 */
export function rangeWords(range: MonthRange): string {
	const a = monthIndex(range.from);
	const b = monthIndex(range.to);
	if (a === b) return monthWords(range.from);
	const ya = Math.floor(a / 12);
	const yb = Math.floor(b / 12);
	if (ya === yb) return `${MONTH_NAMES[a % 12]}–${MONTH_NAMES[b % 12]} ${yb}`;
	return `${monthWords(range.from)}–${monthWords(range.to)}`;
}

/** How much of `range` the data covers; everything when the coverage is not known. */
export function coverageOf(range: MonthRange, data?: DataCoverage | null): PeriodCoverage {
	if (!data) return 'full';
	const a = monthIndex(range.from);
	const b = monthIndex(range.to);
	const first = monthIndex(data.first);
	const last = monthIndex(data.last);
	if (a >= first && b <= last) return 'full';
	if (b < first || a > last) return 'none';
	return 'partial';
}

/** The comparison period(s) of a basis, earliest first (no coverage check). */
export function comparisonRanges(current: MonthRange, basis: CompareBasis): MonthRange[] {
	const n = monthsIn(current);
	switch (basis) {
		case 'previous':
			return [shiftRange(current, -n)];
		case 'last-year':
			return [shiftRange(current, -12)];
		case 'seasonal-3y':
			return Array.from({ length: SEASONAL_YEARS }, (_, k) => shiftRange(current, -12 * (SEASONAL_YEARS - k)));
	}
}

/** Items joined as a sentence lists them: ["a", "b", "c"] → "a, b and c" (or "a, b or c" with `last` 'or'); one item alone; none "". */
export function listWords(items: readonly string[], last: 'and' | 'or' = 'and'): string {
	return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;
}

/** Words for a set of same-length periods: "March–May in 2022, 2023 and 2024" when each lies in one year. */
function periodsWords(periods: MonthRange[]): string {
	if (periods.length === 1) return rangeWords(periods[0]);
	const sameYear = periods.every((p) => p.from.slice(0, 4) === p.to.slice(0, 4));
	if (sameYear) {
		const months = rangeWords(periods[0]).replace(/ \d{4}$/, '');
		return `${months} in ${listWords(periods.map((p) => p.from.slice(0, 4)))}`;
	}
	return listWords(periods.map(rangeWords));
}

function whyMissing(p: ComparisonPeriod, data?: DataCoverage | null): string {
	if (!data) return '';
	const before = monthIndex(p.from) < monthIndex(data.first);
	const edge = before ? `the data starts in ${monthWords(data.first)}` : `the data ends in ${monthWords(data.last)}`;
	return p.coverage === 'none' ? `${p.label} has no data (${edge})` : `${p.label} is only partly in the data (${edge})`;
}

/**
 * Why several periods are missing, in one clause when they share the reason ("October–December in
 * 2019, 2020 and 2021 have no data (the data starts in January 2022)"), else one clause each.
 */
function whyAllMissing(missing: ComparisonPeriod[], data?: DataCoverage | null): string {
	const reasons = new Set(missing.map((p) => whyMissing({ ...p, label: '' }, data)));
	if (missing.length > 1 && data && reasons.size === 1) {
		const edge = whyMissing({ ...missing[0], label: '' }, data).replace(/^ (has no data|is only partly in the data) /, '');
		return `${periodsWords(missing)} ${missing[0].coverage === 'none' ? 'have no data' : 'are only partly in the data'} ${edge}`;
	}
	return listWords(missing.map((p) => whyMissing(p, data)));
}

/**
 * The comparison of `current` on `basis`, checked against the months the data holds.
 * Throws a RangeError for a malformed period (not `YYYY-MM`, or `to` before `from`).
 */
export function comparePeriods(current: MonthRange, basis: CompareBasis, data?: DataCoverage | null): Comparison {
	if (!isMonthKey(current.from) || !isMonthKey(current.to)) throw new RangeError(`not a period: ${JSON.stringify(current)}`);
	const months = monthsIn(current);
	const periods: ComparisonPeriod[] = comparisonRanges(current, basis).map((r) => ({ ...r, coverage: coverageOf(r, data), label: rangeWords(r) }));
	const used = periods.filter((p) => p.coverage === 'full');
	const missing = periods.filter((p) => p.coverage !== 'full');
	const overlaps = periods.some((p) => monthIndex(p.to) >= monthIndex(current.from));
	const currentWords = rangeWords(current);
	const against = basis === 'seasonal-3y' ? `the average of ${periodsWords(periods)}` : periodsWords(periods);
	const words = `${currentWords} against ${against}`;
	const notes: string[] = [];
	if (basis === 'seasonal-3y') {
		if (used.length === 0) notes.push(`No comparison: none of the ${SEASONAL_YEARS} earlier years is fully in the data: ${whyAllMissing(missing, data)}.`);
		else if (missing.length > 0)
			notes.push(
				`A ${SEASONAL_YEARS}-year average from ${used.length === 1 ? '1 year' : `${used.length} years`} (${periodsWords(used)}): ${whyAllMissing(missing, data)}.`
			);
	} else if (missing.length > 0) {
		notes.push(`No comparison: ${whyMissing(missing[0], data)}.`);
	}
	if (overlaps) notes.push(`The periods overlap: a period of ${months} months shares months with the one it is compared with.`);
	return { basis, current, months, periods, used, available: used.length > 0, complete: missing.length === 0, overlaps, words, notes };
}
