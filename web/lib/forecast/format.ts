/** Formats used only by the forecast pages. */
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** 0.4452 → "0.45"; null → "—". */
export function formatMetric(value: number | null | undefined, digits = 2): string {
	return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** 0.875 → "87.5%"; null → "—". */
export function formatShare(value: number | null | undefined): string {
	return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** Hour of week (0 = Monday 00:00) → "Monday 00:00–01:00". */
export function formatHourOfWeek(hourOfWeek: number): string {
	const day = DAYS[Math.floor(hourOfWeek / 24)];
	const h = hourOfWeek % 24;
	return `${day} ${String(h).padStart(2, '0')}:00–${String((h + 1) % 24).padStart(2, '0')}:00`;
}

/** '2019-11-25T13:00:00' → "Mon 25 Nov 2019, 13:00" (local wall-clock, no time zone conversion). */
export function formatHour(timestamp: string): string {
	const d = new Date(`${timestamp.slice(0, 19)}Z`);
	const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
	return `${day}, ${timestamp.slice(11, 16)}`;
}
