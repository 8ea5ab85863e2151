/**
 * Where an exception row leads: its map cell (the Map at the row's level with the area selected,
 * its category and period: the cell panel lists the records) and its records (the area profile
 * for an LSOA, the map cell's records for a district). Each link carries the shared filters
 * (web/lib/app/carry-filters.ts) and sets what names the cell. Pure: paths are resolved ones.
 */
import type { ExceptionRow } from '$analytics/exceptions';
import { withFilters } from '../app/carry-filters';
import { areaProfileHref } from '../app/cross-links';

/** The Map with the row's cell selected, its category and period, the drawn box dropped. */
export function exceptionMapHref(mapPath: string, current: URLSearchParams, row: ExceptionRow): string {
	return withFilters(mapPath, current, {
		...(row.dataset ? { ds: row.dataset } : {}),
		layer: row.level,
		area: `${row.level}:${row.area}`,
		bbox: null,
		cat: [row.category],
		...(row.period ? { from: row.period.from, to: row.period.to } : {})
	});
}

/** The row's records: an LSOA's area profile (its incident rows), else the map cell's record list. */
export function exceptionRecordsHref(paths: { map: string; area: string }, current: URLSearchParams, row: ExceptionRow): string {
	if (row.level === 'lsoa') return areaProfileHref(paths.area, current, row.area);
	return `${exceptionMapHref(paths.map, current, row)}#cell-panel-title`;
}
