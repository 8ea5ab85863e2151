/** Formats used only by the forecast pages (hours of the week: hourOfWeekLabel in $analytics/shared). */

/** 0.4452 → "0.45"; null → "—". */
export function formatMetric(value: number | null | undefined, digits = 2): string {
	return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** 0.875 → "87.5%"; null → "—". */
export function formatShare(value: number | null | undefined): string {
	return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** '2019-11-25T13:00:00' → "Mon 25 Nov 2019, 13:00" (local wall-clock, no time zone conversion). */
export function formatHour(timestamp: string): string {
	const d = new Date(`${timestamp.slice(0, 19)}Z`);
	const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
	return `${day}, ${timestamp.slice(11, 16)}`;
}
