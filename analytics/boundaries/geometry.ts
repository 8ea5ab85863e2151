/**
 * Geometry helpers shared by the boundary readers, the extract builder and the browser import:
 * rings wound for d3-geo, coordinates rounded, polygons pulled out of any GeoJSON geometry,
 * an area's spherical centroid and size.
 *
 * Winding: every polygon produced here follows d3-geo's convention, exterior rings clockwise and
 * holes anticlockwise (as in the ESRI shapefile itself). That is the opposite of the GeoJSON
 * right-hand rule (RFC 7946 §3.1.6), which MapLibre does not require, but d3-geo does: a ring
 * wound the other way is read as the whole sphere minus the polygon (area ≈ 4π sr).
 */
import { geoArea, geoCentroid } from 'd3';
import { topology } from 'topojson-server';
import { merge, neighbors } from 'topojson-client';
import type { AreaGeometry, Position } from '../shared/geojson';

/** Mean Earth radius (IUGG R1), km: the radius that turns steradians into km². */
export const EARTH_RADIUS_KM = 6371.0088;

/** Coordinates are rounded to 6 decimals (≈ 0.1 m), which also makes shared borders identical. */
export const COORDINATE_DECIMALS = 6;

export function roundPosition([lon, lat]: Position): Position {
	const k = 10 ** COORDINATE_DECIMALS;
	return [Math.round(lon * k) / k, Math.round(lat * k) / k];
}

/** Drop consecutive repeats (rounding can merge two vertices); the ring stays closed. */
export function dedupeRing(ring: Position[]): Position[] {
	return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]);
}

/**
 * Wind every ring the way d3-geo expects: exteriors clockwise (area < 2π sr as a polygon of
 * their own), holes anticlockwise (area > 2π sr alone). Input winding does not matter.
 */
export function windForD3(geometry: AreaGeometry): AreaGeometry {
	const polygon = (rings: Position[][]) => rings.map((ring, i) => windRing(ring, i === 0));
	return geometry.type === 'Polygon'
		? { type: 'Polygon', coordinates: polygon(geometry.coordinates) }
		: { type: 'MultiPolygon', coordinates: geometry.coordinates.map(polygon) };
}

function windRing(ring: Position[], exterior: boolean): Position[] {
	const small = geoArea({ type: 'Polygon', coordinates: [ring] }) < 2 * Math.PI;
	return small === exterior ? ring : [...ring].reverse();
}

/** A GeoJSON geometry as read from a file (any type; checked by polygonsOf). */
export interface RawGeometry {
	type: string;
	coordinates?: unknown;
	geometries?: RawGeometry[];
}

/**
 * The polygons of a geometry (Polygon, MultiPolygon, or a GeometryCollection of them), each
 * position passed through `project` (to WGS84), rounded to 6 decimals, repeats dropped.
 *
 * @throws `${where}: …` for any other geometry type, a null geometry, a position that is not
 *   two finite numbers, or a projected position outside longitude ±180°, latitude ±90°.
 */
export function polygonsOf(geometry: RawGeometry | null | undefined, where: string, project?: (xy: Position) => Position): Position[][][] {
	const position = (p: unknown): Position => {
		if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
			throw new Error(`${where}: a position is ${JSON.stringify(p)}; expected [x, y] numbers`);
		}
		const [lon, lat] = project ? project([p[0], p[1]]) : [p[0], p[1]];
		if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
			throw new Error(
				`${where}: the position (${p[0]}, ${p[1]}) is not a longitude/latitude${project ? ' after reprojection' : ''}; expected WGS84 degrees, or a declared coordinate system (a GeoJSON "crs" member, a .prj, or the coordinate system option, e.g. EPSG:27700)`
			);
		}
		return roundPosition([lon, lat]);
	};
	const ring = (r: unknown): Position[] => {
		if (!Array.isArray(r)) throw new Error(`${where}: a ring is not a list of positions; expected Polygon coordinates`);
		const out = dedupeRing(r.map(position));
		if (out.length < 4) throw new Error(`${where}: a ring has ${out.length} positions; expected at least 4 (a closed ring of 3 corners)`);
		return out;
	};
	const polygon = (p: unknown): Position[][] => {
		if (!Array.isArray(p) || p.length === 0) throw new Error(`${where}: a polygon has no rings; expected Polygon coordinates`);
		return p.map(ring);
	};
	if (geometry?.type === 'Polygon') return [polygon(geometry.coordinates)];
	if (geometry?.type === 'MultiPolygon' && Array.isArray(geometry.coordinates)) return geometry.coordinates.map(polygon);
	if (geometry?.type === 'GeometryCollection' && geometry.geometries) return geometry.geometries.flatMap((g) => polygonsOf(g, where, project));
	throw new Error(`${where}: geometry is ${geometry ? geometry.type : 'null'}; expected Polygon or MultiPolygon`);
}

/** Spherical centroid and area (km²) of an area, rings wound for d3-geo. */
export function areaMeasures(geometry: AreaGeometry): { centroidLon: number; centroidLat: number; areaKm2: number } {
	const [centroidLon, centroidLat] = geoCentroid(geometry);
	return { centroidLon, centroidLat, areaKm2: geoArea(geometry) * EARTH_RADIUS_KM ** 2 };
}

/**
 * One area's geometry from its parts (the polygons of the features sharing its identifier).
 * Parts that share a border (e.g. the LSOAs of one MSOA, the wards of one beat) are dissolved
 * into one outline (topojson-client merge: the shared edges vanish, so a map draws the area, not
 * its pieces); parts that touch nowhere (district 31 of Chicago, three separate placemarks) stay
 * as they are. Shared borders must have identical vertices, as the readers' rounding gives them.
 */
export function dissolveParts(parts: Position[][][]): AreaGeometry {
	if (parts.length === 1) return { type: 'Polygon', coordinates: parts[0] };
	const collection = {
		type: 'FeatureCollection' as const,
		features: parts.map((coordinates) => ({ type: 'Feature' as const, properties: {}, geometry: { type: 'Polygon' as const, coordinates } }))
	};
	const topo = topology({ parts: collection });
	const object = topo.objects.parts;
	if (object.type !== 'GeometryCollection') return { type: 'MultiPolygon', coordinates: parts };
	const geometries = object.geometries as Parameters<typeof merge>[1] & unknown[];
	if (neighbors(geometries as Parameters<typeof neighbors>[0]).every((n) => n.length === 0)) return { type: 'MultiPolygon', coordinates: parts };
	const merged = merge(topo, geometries).coordinates as Position[][][];
	return merged.length === 1 ? { type: 'Polygon', coordinates: merged[0] } : { type: 'MultiPolygon', coordinates: merged };
}
