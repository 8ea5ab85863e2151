/**
 * The GeoJSON geometry types used across analytics, the app and the scripts (RFC 7946):
 * positions are WGS84 [longitude, latitude] in degrees; the first ring of a polygon is its
 * exterior, the others holes; rings are closed (first position = last).
 */

/** [longitude, latitude] in degrees, WGS84. */
export type Position = [number, number];

export interface PolygonGeometry {
	type: 'Polygon';
	coordinates: Position[][];
}

export interface MultiPolygonGeometry {
	type: 'MultiPolygon';
	coordinates: Position[][][];
}

/** An area's boundary: a polygon or a multipolygon. */
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

/** Lines (e.g. an outline) as GeoJSON; each line at least 2 positions. */
export interface MultiLineGeometry {
	type: 'MultiLineString';
	coordinates: Position[][];
}
