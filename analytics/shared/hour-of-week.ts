/**
 * Hours of the week as the extracts store them (`hour_of_week`, see analytics/ingest/extract-schema.ts):
 * 0 = Monday 00:00–00:59 … 167 = Sunday 23:00–23:59, local time.
 */

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/**
 * Label of an hour of the week, the hour it covers: 0 → "Monday 00:00–00:59", 167 → "Sunday
 * 23:00–23:59". Throws a RangeError outside 0–167 or for a non-integer.
 */
export function hourOfWeekLabel(hourOfWeek: number): string {
	if (!Number.isInteger(hourOfWeek) || hourOfWeek < 0 || hourOfWeek > 167) throw new RangeError(`hour of week must be an integer 0–167, got ${hourOfWeek}`);
	const day = DAY_NAMES[Math.floor(hourOfWeek / 24)];
	const hh = String(hourOfWeek % 24).padStart(2, '0');
	return `${day} ${hh}:00–${hh}:59`;
}
