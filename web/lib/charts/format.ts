/**
 * Number and date formats used on every page (en-GB, fixed so screenshots and tests agree). Hours
 * of the week: hourOfWeekLabel in $analytics/shared.
 */

import { monthWords } from '$analytics/compare/periods';

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const weightFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 18206 → "18,206". */
export function formatCount(value: number): string {
	return integer.format(value);
}

/** A harm weight: up to two decimals, 244.68 → "244.68", 1 → "1". */
export function formatWeight(value: number): string {
	return weightFormat.format(value);
}

/** 0.2391 → "23.9%". */
export function formatPercent(share: number): string {
	return `${oneDecimal.format(share * 100)}%`;
}

/** 1234567 → "1.2M", for axis ticks. */
export function formatCompact(value: number): string {
	return compact.format(value);
}

/** "2019-03" → "Mar 2019"; anything else is returned unchanged. */
export function formatMonth(month: string | null | undefined): string {
	if (!month) return '—';
	const m = /^(\d{4})-(\d{2})$/.exec(month);
	if (!m) return month;
	return `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** "2019-03" → "Mar" and, in January or for the first tick, "Jan 2019". */
export function formatMonthTick(month: string, first: boolean): string {
	const m = /^(\d{4})-(\d{2})$/.exec(month);
	if (!m) return month;
	const name = MONTHS[Number(m[2]) - 1] ?? m[2];
	return first || m[2] === '01' ? `${name} ${m[1]}` : name;
}

/**
 * The x axis of a chart over "YYYY-MM" months, for LineChart: short month ticks placed on
 * whole-month steps counted from January, and the full month name in tooltips.
 */
export const MONTH_AXIS = {
	xTick: formatMonthTick,
	xTickKey: (month: string): number => Number(month.slice(5, 7)) - 1,
	xFull: formatMonth
} as const;

/**
 * An ISO timestamp as "23 November 2026, 11:29 UTC": the month in words, as every sentence
 * writes months (monthWords); anything that is not a date is returned unchanged.
 */
export function formatDateTime(iso: string): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return iso;
	const utc = date.toISOString();
	return `${dayWords(utc)}, ${utc.slice(11, 16)} UTC`;
}

/** "2019-11-24…" (a date as written) → "24 November 2019". */
function dayWords(date: string): string {
	return `${Number(date.slice(8, 10))} ${monthWords(date.slice(0, 7))}`;
}

/** 2558736 → "2.4 MB" (binary multiples). */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${oneDecimal.format(value)} ${units[unit]}`;
}

/**
 * A label set inside a sentence: its first letter lowered unless its first word is an acronym or
 * a name in capitals ("Last month's counts" → "last month's counts"; "THR ranking" unchanged).
 */
export function lowerFirst(label: string): string {
	return /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

/** "1 month", "3 months". */
export function plural(count: number, one: string, many = `${one}s`): string {
	return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/**
 * `value` to `digits` decimals rounded exactly as toFixed rounds it (the binary value, so 1.005 →
 * "1.00"; every figure keeps the digits it had before separators were added), with thousands
 * separators; a value that rounds to zero has no minus sign.
 */
function fixedGrouped(value: number, digits: number): string {
	const text = Math.abs(value).toFixed(digits);
	const point = text.indexOf('.');
	const whole = point < 0 ? text : text.slice(0, point);
	const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',') + (point < 0 ? '' : text.slice(point));
	return value < 0 && /[1-9]/.test(text) ? `-${grouped}` : grouped;
}

/**
 * A figure that may be missing (model metrics: MAE, MASE, PAI, rates …) to `digits` decimals with
 * thousands separators: 0.4452 → "0.45", 1729.63 (1 decimal) → "1,729.6"; null, undefined or not
 * finite → "—".
 */
export function formatMetric(value: number | null | undefined, digits = 2): string {
	return value === null || value === undefined || !Number.isFinite(value) ? '—' : fixedGrouped(value, digits);
}

/**
 * A PAI or harm-PAI (share held ÷ area share) as every table and card writes it: 2 decimals with
 * separators, 4.7349 → "4.73"; missing → "—". One precision everywhere, so two tables side by side agree.
 */
export function formatPai(value: number | null | undefined): string {
	return formatMetric(value, 2);
}

/**
 * A share that may be missing (coverage, hit rate, harm share): 0.875 → "87.5%"; null, undefined or
 * not finite → "—". Rounds the binary value (toFixed), so an exact tie can differ from formatPercent.
 */
export function formatShare(value: number | null | undefined): string {
	return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${fixedGrouped(value * 100, 1)}%`;
}

/**
 * An interval as every page, the model card and its Markdown write it: "1.39 to 1.68", each end by
 * `format` (formatMetric to two decimals unless given); "—" when either end is missing.
 */
export function formatInterval(lo: number | null | undefined, hi: number | null | undefined, format: (v: number) => string = (v) => formatMetric(v, 2)): string {
	return lo === null || lo === undefined || hi === null || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi) ? '—' : `${format(lo)} to ${format(hi)}`;
}

/** A time taken, as shown under a result: 1473.4 → "1,473 ms". */
export function formatMilliseconds(ms: number): string {
	return `${formatCount(Math.round(ms))} ms`;
}

/** A calendar date: '2019-11-24' → "24 November 2019" (the date as written, no time zone conversion; the month in words, as formatDateTime). */
export function formatDay(date: string): string {
	const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
	return Number.isNaN(d.getTime()) ? date : dayWords(d.toISOString());
}

/** '2019-11-25T13:00:00' → "Mon 25 Nov 2019, 13:00" (local wall-clock, no time zone conversion). */
export function formatHour(timestamp: string): string {
	const d = new Date(`${timestamp.slice(0, 19)}Z`);
	const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
	return `${day}, ${timestamp.slice(11, 16)}`;
}
