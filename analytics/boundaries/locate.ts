/**
 * The boundary rule: which area a point belongs to. One function, used by the command-line
 * builder (records' district and LSOA, the force area) and the browser import.
 *
 * The rule (BOUNDARY_RULE, recorded in the manifest):
 * - a point inside exactly one area goes to that area;
 * - a point on a boundary (a shared edge or vertex) or in an overlap of several areas goes to
 *   the FIRST of them in the file's order, a point on an area's boundary counting as inside it;
 * - a point in no area (or with a missing or non-finite coordinate) is outside: null.
 *
 * "Inside" is d3-geo's spherical point-in-polygon (geoContains; edges are great-circle arcs),
 * "on the boundary" is within BOUNDARY_TOLERANCE_DEGREES of an edge drawn as a straight line in
 * longitude/latitude. Areas must not cross the antimeridian (true for Great Britain) and their
 * rings must be wound for d3-geo (geometry.ts windForD3, as every reader here returns them).
 */
import { geoContains } from 'd3';
import type { AreaGeometry, Position } from '../shared/geojson';

/** The rule in words, as recorded in the manifest and shown to users. */
export const BOUNDARY_RULE =
	'A record inside one area goes to it. A record on a boundary shared by areas, or where areas overlap, goes to the first of them in the boundary file (a point on an edge counts as inside). A record in no area is counted and listed as outside every area.';

/** Distance from an edge within which a point is on it: 1e-7° (about 1 cm; coordinates are kept to 1e-6°, about 10 cm). */
export const BOUNDARY_TOLERANCE_DEGREES = 1e-7;

/** Anything with a code and a geometry (areas of a boundary file, LSOAs, the force's polygons). */
export interface LocatableArea {
	code: string;
	geometry: AreaGeometry;
}

/**
 * The area each point belongs to by the boundary rule.
 *
 * @param points WGS84 degrees.
 * @param areas in the file's order (the order decides boundary points and overlaps).
 * @returns one area code or null per point, in the order of `points`.
 */
export function locatePoints(points: ReadonlyArray<{ lon: number; lat: number }>, areas: ReadonlyArray<LocatableArea>): Array<string | null> {
	const boxes = boundingBoxes(areas);
	const rings = areas.map((a) => (a.geometry.type === 'Polygon' ? a.geometry.coordinates : a.geometry.coordinates.flat()));
	return points.map(({ lon, lat }) => {
		if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
		for (let i = 0; i < areas.length; i++) {
			const b = i * 4;
			if (lon < boxes[b] || lat < boxes[b + 1] || lon > boxes[b + 2] || lat > boxes[b + 3]) continue;
			if (geoContains(areas[i].geometry, [lon, lat]) || onBoundary(rings[i], lon, lat)) return areas[i].code;
		}
		return null;
	});
}

/** True when the point lies within BOUNDARY_TOLERANCE_DEGREES of an edge of one of the rings (planar in lon/lat). */
export function onBoundary(rings: readonly Position[][], lon: number, lat: number): boolean {
	const t = BOUNDARY_TOLERANCE_DEGREES;
	for (const ring of rings) {
		for (let k = 1; k < ring.length; k++) {
			const [x1, y1] = ring[k - 1];
			const [x2, y2] = ring[k];
			if (lon < Math.min(x1, x2) - t || lon > Math.max(x1, x2) + t || lat < Math.min(y1, y2) - t || lat > Math.max(y1, y2) + t) continue;
			const dx = x2 - x1;
			const dy = y2 - y1;
			const length2 = dx * dx + dy * dy;
			const s = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((lon - x1) * dx + (lat - y1) * dy) / length2));
			const ex = x1 + s * dx - lon;
			const ey = y1 + s * dy - lat;
			if (ex * ex + ey * ey <= t * t) return true;
		}
	}
	return false;
}

/**
 * [minLon, minLat, maxLon, maxLat] per area, flattened, widened by the tolerance. Planar
 * min/max of the vertices: a great-circle edge of an area a few km long bulges beyond it by
 * centimetres at most, far less than the areas' generalisation.
 */
function boundingBoxes(areas: ReadonlyArray<LocatableArea>): Float64Array {
	const boxes = new Float64Array(areas.length * 4);
	const t = BOUNDARY_TOLERANCE_DEGREES;
	areas.forEach((area, i) => {
		const rings = area.geometry.type === 'Polygon' ? area.geometry.coordinates : area.geometry.coordinates.flat();
		let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
		for (const ring of rings) {
			for (const [lon, lat] of ring) {
				if (lon < minLon) minLon = lon;
				if (lat < minLat) minLat = lat;
				if (lon > maxLon) maxLon = lon;
				if (lat > maxLat) maxLat = lat;
			}
		}
		boxes.set([minLon - t, minLat - t, maxLon + t, maxLat + t], i * 4);
	});
	return boxes;
}
