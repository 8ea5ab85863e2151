/**
 * The time of a record in a cell's records table, as the views count it. The base tables hold
 * `occurred_at` as a TIMESTAMP, which the query runners hand over as an ISO string ending in "Z"
 * (or a Date), but the two datasets mean different things by it (analytics/ingest/extract-schema.ts):
 * - stop_search: the instant in UTC; the views count it in UK local time (Europe/London), so it
 *   is shown in UK time ("2019-08-27T00:00:12Z" → "2019-08-27 01:00:12", British Summer Time);
 * - events: the local wall-clock time as written in the source, with no zone at all, so it is
 *   shown as written ("2010-01-02 11:36"), never with a "Z" that would call it UTC.
 */
import type { ExploreDataset } from '$analytics/explore/filters';

/** The column heading of `occurred_at` per dataset. */
export const RECORD_TIME_HEADINGS: Partial<Record<ExploreDataset, string>> = {
	stop_search: 'occurred at (UK time)',
	events: 'occurred at (local time, as recorded)'
};

const ukTime = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	hourCycle: 'h23'
});

/** "YYYY-MM-DD HH:MM:SS" of an instant in UK local time. */
function inUkTime(date: Date): string {
	const part = Object.fromEntries(ukTime.formatToParts(date).map((p) => [p.type, p.value]));
	return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}

/** A record's `occurred_at` as the table shows it; anything that is not a time is returned as text. */
export function recordTime(value: unknown, dataset: ExploreDataset): string {
	if (value === null || value === undefined) return '';
	const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
	if (!date || Number.isNaN(date.getTime())) return String(value);
	if (dataset === 'stop_search') return inUkTime(date);
	// Wall-clock digits, read back from the UTC fields they were stored in; seconds only when there are any.
	const iso = date.toISOString();
	const seconds = iso.slice(17, 19);
	return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === '00' ? '' : `:${seconds}`}`;
}
