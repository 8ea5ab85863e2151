/**
 * Which layer the Map view draws: a pure function of what the source offers, the user's choice,
 * the measure and the zoom (no DOM, no database), so it is unit-tested (level.test.ts).
 */
import { LEVEL_LABELS, type CellLevel, type Measure } from '$analytics/explore/filters';
import { isH3Level, levelForZoom } from '$analytics/explore/map';
import { formatCount } from '../../charts/format';

/** Polygon rows the source ships per boundary level (`areas` for LSOAs, `districts`). */
export interface PolygonRows {
	areas: number;
	districts: number;
}

/**
 * The levels that can be drawn: those the dataset has values for, less a boundary level
 * (LSOA, district) whose polygons the source does not ship. H3 levels need no polygons.
 */
export function drawableLevels(levels: readonly CellLevel[], polygons: PolygonRows): CellLevel[] {
	return levels.filter((l) => (l === 'lsoa' ? polygons.areas > 0 : l === 'district' ? polygons.districts > 0 : true));
}

/**
 * The level drawn, in order: the user's choice when drawable; THR scores on LSOAs; rates on
 * LSOAs, else districts, else nothing (a rate needs residents, which only areas have); then the
 * H3 resolution for the zoom (levelForZoom) when drawable; else the first drawable H3 level;
 * else the first drawable level; null when nothing is drawable.
 */
export function chooseLevel(asked: CellLevel | 'auto', measure: Measure, drawable: readonly CellLevel[], zoom: number): CellLevel | null {
	const has = (l: CellLevel) => drawable.includes(l);
	if (asked !== 'auto' && has(asked)) return asked;
	if (measure === 'thr' && has('lsoa')) return 'lsoa';
	if (measure === 'rate') return has('lsoa') ? 'lsoa' : has('district') ? 'district' : null;
	const byZoom = levelForZoom(zoom);
	if (has(byZoom)) return byZoom;
	return drawable.find(isH3Level) ?? drawable[0] ?? null;
}

/** The sentence shown when the asked level cannot be drawn (null when it can, or for 'auto'). */
export function levelNote(asked: CellLevel | 'auto', drawable: readonly CellLevel[]): string | null {
	if (asked === 'auto' || drawable.includes(asked)) return null;
	return `This source has no ${LEVEL_LABELS[asked].replace(/ \(.*\)$/, '')} boundaries to draw; the layer is chosen by zoom instead.`;
}

/**
 * The sentence shown in the map's place when the dataset offers no level to draw: none of its
 * `records` has a location (the first view and the live view say the same).
 */
export function nothingToMapText(records: number): string {
	return `${formatCount(records)} ${records === 1 ? 'record' : 'records'}, none with a location: there is nothing to map.`;
}
