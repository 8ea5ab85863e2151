/**
 * Links between the views that show one place: the Map's cell, the area profile, the
 * priorities and the records (the Map's cell panel; the Time page filtered to the area). Each
 * carries the shared filters (carry-filters.ts) and sets only what names the place and its
 * period, so the way back keeps what the user had chosen. Pure: hrefs are resolved paths.
 */
import { monthIndex, monthKey } from '$analytics/shared/months';
import { withFilters } from './carry-filters';

/** A period of months, inclusive. */
export interface MonthWindow {
	from: string;
	to: string;
}

/** The `lookback` months up to `month`: the months a THR score of `month` reads. */
export function scoreWindow(month: string, lookback: number): MonthWindow {
	return { from: monthKey(monthIndex(month) - Math.max(1, lookback) + 1), to: month };
}

/**
 * The period a link to the Map or Time shows: the one the user carried (either end given), else
 * `fallback` (e.g. the months the score reads).
 */
function periodOf(current: URLSearchParams, fallback: MonthWindow | null): { from?: string; to?: string } {
	if (current.has('from') || current.has('to') || !fallback) return {};
	return { from: fallback.from, to: fallback.to };
}

/** The area profile of one LSOA (`month`: the assessment month; absent: the carried one or the latest). */
export function areaProfileHref(profilePath: string, current: URLSearchParams, areaId: string, month?: string | null): string {
	return withFilters(profilePath, current, month ? { id: areaId, month } : { id: areaId });
}

/**
 * The Map at LSOA level (or `level`: the source's own area set) with the area selected (its cell panel: figures and records), the
 * incidents dataset, and the carried period or else `fallback`; a drawn box is dropped (it
 * would filter the linked views away from the area).
 */
export function areaMapHref(mapPath: string, current: URLSearchParams, areaId: string, fallback: MonthWindow | null, month?: string | null, level: 'lsoa' | 'district' = 'lsoa'): string {
	return withFilters(mapPath, current, {
		ds: 'incidents',
		layer: level,
		area: `${level}:${areaId}`,
		bbox: null,
		...periodOf(current, fallback),
		...(month ? { month } : {})
	});
}

/** The Time page filtered to the area (records by month and category), same period rule. */
export function areaTimeHref(timePath: string, current: URLSearchParams, areaId: string, fallback: MonthWindow | null, month?: string | null, level: 'lsoa' | 'district' = 'lsoa'): string {
	return withFilters(timePath, current, {
		ds: 'incidents',
		area: `${level}:${areaId}`,
		bbox: null,
		...periodOf(current, fallback),
		...(month ? { month } : {})
	});
}
