/**
 * Months as the extracts store them: `month_index` = year × 12 + (month − 1), so 2019-06 is
 * 2019 × 12 + 5 = 24233 and consecutive months are consecutive integers; shown as `YYYY-MM`.
 */

const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether `value` is a month key `YYYY-MM` (month 01–12). */
export function isMonthKey(value: string): boolean {
	return MONTH_KEY.test(value);
}

/**
 * `YYYY-MM` → month_index (year × 12 + month − 1), e.g. '2019-06' → 24233.
 * Throws a RangeError for anything else ('2019-6', '2019-13', '2019-06-01', '').
 */
export function monthIndex(month: string): number {
	const m = MONTH_KEY.exec(month);
	if (!m) throw new RangeError(`not a month: ${JSON.stringify(month)}; expected YYYY-MM, e.g. 2019-06`);
	return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/**
 * month_index → `YYYY-MM`, e.g. 24233 → '2019-06'. Throws a RangeError for an index that is not
 * an integer or falls outside years 0000–9999 (no key could name it).
 */
export function monthKey(index: number): string {
	if (!Number.isInteger(index) || index < 0 || index >= 10_000 * 12) throw new RangeError(`not a month index: ${index}; expected an integer year × 12 + month − 1`);
	const year = Math.floor(index / 12);
	return `${String(year).padStart(4, '0')}-${String(index - year * 12 + 1).padStart(2, '0')}`;
}
