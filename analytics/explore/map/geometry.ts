/**
 * Cell geometry for the map: H3 hexagons from their index (h3-js), LSOA and district polygons
 * from the GeoJSON text stored in the extract's `areas` and `districts` tables. Everything is
 * WGS84 [longitude, latitude], rings closed (first position = last), as RFC 7946 requires.
 */
import { cellToBoundary, cellToChildren, cellToLatLng, getResolution, isValidCell } from 'h3-js';
import type { QueryRunner } from '../../runner';
import { PARENT_LEVELS, type CellLevel } from '../filters';

import type { AreaGeometry, MultiLineGeometry, MultiPolygonGeometry, PolygonGeometry, Position } from '../../shared/geojson';

/** GeoJSON geometry types: the one copy in analytics/shared/geojson.ts. */
export type { MultiLineGeometry, MultiPolygonGeometry, PolygonGeometry, Position };
/** A cell's boundary (hexagon, LSOA or district polygon). */
export type CellGeometry = AreaGeometry;

/** The hexagon levels (r5 and r6 are the parents of the records' r7 cells: filters.ts PARENT_LEVELS). */
export type H3Level = 'h3_5' | 'h3_6' | 'h3_7' | 'h3_8' | 'h3_9';

/** H3 resolution of each hexagon level. */
export const H3_RESOLUTION: Record<H3Level, number> = { h3_5: 5, h3_6: 6, h3_7: 7, h3_8: 8, h3_9: 9 };

export function isH3Level(level: CellLevel): level is H3Level {
	return H3_RESOLUTION[level as H3Level] !== undefined;
}

/**
 * A selection at a level the records carry: a coarse hexagon selection (r5, r6) as the r7 cells
 * it is made of (h3-js `cellToChildren`, so it holds the same records), any other as it is. For
 * pages that read only stored levels (the Stop and search page's `area`).
 */
export function storedSelection(area: { level: CellLevel; ids: readonly string[] }): { level: Exclude<CellLevel, 'h3_5' | 'h3_6'>; ids: string[] } {
	if (area.level === 'h3_5' || area.level === 'h3_6') {
		const resolution = PARENT_LEVELS[area.level]!;
		return { level: 'h3_7', ids: area.ids.flatMap((id) => (isValidCell(id) && getResolution(id) === resolution ? cellToChildren(id, 7) : [])) };
	}
	return { level: area.level, ids: [...area.ids] };
}

/**
 * The hexagon (or pentagon) of an H3 cell as a GeoJSON Polygon with one closed ring.
 * Throws for an index that is not a valid cell, or one of another resolution than `resolution`
 * when given. Not antimeridian-safe (cells crossing ±180° are not split): UK data never needs it.
 */
export function h3CellPolygon(cellId: string, resolution?: number): PolygonGeometry {
	if (!isValidCell(cellId)) throw new Error(`not a valid H3 cell index: ${JSON.stringify(cellId)}`);
	if (resolution !== undefined && getResolution(cellId) !== resolution) {
		throw new Error(`H3 cell ${cellId} is resolution ${getResolution(cellId)}, expected ${resolution}`);
	}
	// formatAsGeoJson = true: [lng, lat] order and the first vertex repeated at the end.
	const ring = cellToBoundary(cellId, true) as Position[];
	return { type: 'Polygon', coordinates: [closeRing(ring)] };
}

/** The centre of an H3 cell, [lng, lat]. */
export function h3CellCentre(cellId: string): Position {
	const [lat, lng] = cellToLatLng(cellId);
	return [lng, lat];
}

/** A ring with its first position repeated at the end (unchanged if already closed). */
export function closeRing(ring: readonly Position[]): Position[] {
	if (ring.length === 0) return [];
	const [fx, fy] = ring[0];
	const [lx, ly] = ring[ring.length - 1];
	const out = ring.map(([x, y]) => [x, y] as Position);
	if (fx !== lx || fy !== ly) out.push([fx, fy]);
	return out;
}

/**
 * Parse stored GeoJSON geometry text (Polygon or MultiPolygon) and check its shape: every ring
 * has at least 4 positions of finite numbers and is closed. Throws with `what` in the message.
 */
export function parseCellGeometry(text: string, what: string): CellGeometry {
	let g: unknown;
	try {
		g = JSON.parse(text);
	} catch {
		throw new Error(`${what}: geometry is not valid JSON`);
	}
	const geometry = g as { type?: unknown; coordinates?: unknown };
	if (geometry?.type === 'Polygon') {
		checkPolygon(geometry.coordinates, what);
		return geometry as PolygonGeometry;
	}
	if (geometry?.type === 'MultiPolygon') {
		if (!Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0) throw new Error(`${what}: MultiPolygon has no polygons`);
		for (const p of geometry.coordinates) checkPolygon(p, what);
		return geometry as MultiPolygonGeometry;
	}
	throw new Error(`${what}: expected a GeoJSON Polygon or MultiPolygon, found ${JSON.stringify(String(geometry?.type))}`);
}

function checkPolygon(rings: unknown, what: string): void {
	if (!Array.isArray(rings) || rings.length === 0) throw new Error(`${what}: polygon has no rings`);
	for (const ring of rings) {
		if (!Array.isArray(ring) || ring.length < 4) throw new Error(`${what}: a ring has fewer than 4 positions`);
		for (const p of ring) {
			if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
				throw new Error(`${what}: a position is not [longitude, latitude]`);
			}
		}
		const [a, b] = [ring[0] as number[], ring[ring.length - 1] as number[]];
		if (a[0] !== b[0] || a[1] !== b[1]) throw new Error(`${what}: a ring is not closed`);
	}
}

/** [west, south, east, north] of a set of geometries; null when there are none. */
export function geometryBounds(geometries: Iterable<CellGeometry>): [number, number, number, number] | null {
	let w = Infinity;
	let s = Infinity;
	let e = -Infinity;
	let n = -Infinity;
	const visit = (rings: Position[][]) => {
		for (const ring of rings)
			for (const [x, y] of ring) {
				if (x < w) w = x;
				if (x > e) e = x;
				if (y < s) s = y;
				if (y > n) n = y;
			}
	};
	for (const g of geometries) {
		if (g.type === 'Polygon') visit(g.coordinates);
		else for (const p of g.coordinates) visit(p);
	}
	return Number.isFinite(w) ? [w, s, e, n] : null;
}

/**
 * The zooms below which a coarser hexagon is drawn in 'auto' mode: where the median cell of the
 * finer level would be narrower than 6 CSS pixels (web/lib/explore/map/cell-edges.ts EDGE_MIN_PX,
 * the width from which cells get edges). Measured on the national set's cells (latitude ≈ 52°):
 * the median r7 cell is 6 px wide at zoom 6.8; an r6 cell is √7 times as wide, so 6 px at 6.8 −
 * log2 √7 ≈ 5.4 (web/lib/explore/map/level.test.ts checks both against real cells).
 */
export const ZOOM_R7 = 6.8;
export const ZOOM_R6 = 5.4;

/**
 * Which hexagon level to draw at a map zoom in 'auto' mode: resolution 5 (≈250 km²) below zoom
 * ZOOM_R6, 6 (≈36 km²) below ZOOM_R7, so no hexagon is drawn narrower than about 6 px; 7 (≈2.4 km
 * across) below zoom 11.5, 8 (≈0.9 km) below 13, 9 (≈0.35 km) from 13.
 */
export function levelForZoom(zoom: number): H3Level {
	if (zoom < ZOOM_R6) return 'h3_5';
	if (zoom < ZOOM_R7) return 'h3_6';
	if (zoom < 11.5) return 'h3_7';
	if (zoom < 13) return 'h3_8';
	return 'h3_9';
}

/** Where a polygon level's geometry lives (identifiers from this fixed list only). */
const POLYGON_SQL: Record<'lsoa' | 'district', string> = {
	lsoa: 'SELECT lsoa_code AS id, lsoa_name AS name, geometry FROM areas WHERE geometry IS NOT NULL',
	district: 'SELECT district_id AS id, name, geometry FROM districts WHERE geometry IS NOT NULL'
};

export interface NamedGeometry {
	id: string;
	name: string | null;
	geometry: CellGeometry;
}

/**
 * Polygons of a boundary level from the extract: LSOAs from `areas`, districts from
 * `districts`. Ids not in `only` (when given) are skipped without parsing. A table that does
 * not exist gives an empty list (an extract without district boundaries); a geometry that
 * cannot be parsed throws, naming the table and id.
 */
export async function polygonGeometries(runner: QueryRunner, level: 'lsoa' | 'district', only?: ReadonlySet<string>): Promise<NamedGeometry[]> {
	const table = level === 'lsoa' ? 'areas' : 'districts';
	const [exists] = await runner.rows<{ n: number }>(
		"SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
		[table]
	);
	if (exists.n === 0) return [];
	const rows = await runner.rows<{ id: string | null; name: string | null; geometry: string | null }>(POLYGON_SQL[level]);
	const out: NamedGeometry[] = [];
	for (const r of rows) {
		if (r.id === null || r.geometry === null) continue;
		const id = String(r.id);
		if (only && !only.has(id)) continue;
		out.push({ id, name: r.name === null ? null : String(r.name), geometry: parseCellGeometry(String(r.geometry), `${table} ${id}`) });
	}
	return out;
}

/**
 * The geometry of each cell id of a level. H3 ids are turned into hexagons; LSOA/district ids
 * are looked up in `polygons`. Ids without a geometry (an LSOA outside the boundaries
 * supplied, an invalid H3 index) are returned in `missing` rather than thrown, so the map can say
 * how many records it cannot draw.
 */
export function cellGeometries(
	level: CellLevel,
	ids: Iterable<string>,
	polygons?: ReadonlyMap<string, CellGeometry>
): { geometries: Map<string, CellGeometry>; missing: string[] } {
	const geometries = new Map<string, CellGeometry>();
	const missing: string[] = [];
	for (const id of ids) {
		if (isH3Level(level)) {
			if (isValidCell(id) && getResolution(id) === H3_RESOLUTION[level]) geometries.set(id, h3CellPolygon(id));
			else missing.push(id);
		} else {
			const g = polygons?.get(id);
			if (g) geometries.set(id, g);
			else missing.push(id);
		}
	}
	return { geometries, missing };
}

/**
 * The bounds to open the map on: those of the cells holding the bulk (`share`, default 98%) of
 * the records nearest the records' median centre, so a few records snapped far away (a City of
 * London crime recorded in Southend) do not zoom the map out to a whole region. Falls back to
 * all cells when weights are zero. Null when there are no cells.
 */
export function coreBounds(cells: ReadonlyArray<{ geometry: CellGeometry; weight: number }>, share = 0.98): [number, number, number, number] | null {
	if (cells.length === 0) return null;
	const centres = cells.map((c) => {
		const b = geometryBounds([c.geometry])!;
		return { x: (b[0] + b[2]) / 2, y: (b[1] + b[3]) / 2, w: Math.max(0, c.weight), g: c.geometry };
	});
	const total = centres.reduce((a, c) => a + c.w, 0);
	if (total <= 0) return geometryBounds(cells.map((c) => c.geometry));
	const weightedMedian = (key: 'x' | 'y') => {
		const sorted = [...centres].sort((a, b) => a[key] - b[key]);
		let run = 0;
		for (const c of sorted) {
			run += c.w;
			if (run >= total / 2) return c[key];
		}
		return sorted[sorted.length - 1][key];
	};
	const mx = weightedMedian('x');
	const my = weightedMedian('y');
	const kx = Math.cos((my * Math.PI) / 180);
	const byDistance = [...centres].sort((a, b) => Math.hypot((a.x - mx) * kx, a.y - my) - Math.hypot((b.x - mx) * kx, b.y - my));
	const kept: CellGeometry[] = [];
	let run = 0;
	for (const c of byDistance) {
		kept.push(c.g);
		run += c.w;
		if (run >= share * total) break;
	}
	return geometryBounds(kept);
}

/**
 * The outline of a set of polygons as lines: every ring edge that no other polygon of the set
 * shares, i.e. the boundary of their union (the edges between two adjacent polygons cancel).
 * Vertices are compared after rounding to `decimals` places (default 6, ≈0.1 m), as queen
 * contiguity does; an edge shared with a neighbour that splits it at other vertices is kept
 * (drawn as a line inside the union, never missing from its edge). Consecutive kept edges are
 * joined into one line. Empty input gives no lines.
 */
export function outlineOf(geometries: Iterable<CellGeometry>, decimals = 6): MultiLineGeometry {
	const scale = 10 ** decimals;
	const key = (p: Position) => `${Math.round(p[0] * scale)},${Math.round(p[1] * scale)}`;
	const edges: Array<{ a: Position; b: Position; k: string }> = [];
	const count = new Map<string, number>();
	const visit = (rings: Position[][]) => {
		for (const ring of rings)
			for (let i = 0; i + 1 < ring.length; i++) {
				const ka = key(ring[i]);
				const kb = key(ring[i + 1]);
				if (ka === kb) continue;
				const k = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
				count.set(k, (count.get(k) ?? 0) + 1);
				edges.push({ a: ring[i], b: ring[i + 1], k });
			}
	};
	for (const g of geometries) {
		if (g.type === 'Polygon') visit(g.coordinates);
		else for (const p of g.coordinates) visit(p);
	}
	const lines: Position[][] = [];
	let line: Position[] | null = null;
	for (const e of edges) {
		if (count.get(e.k) !== 1) {
			line = null;
			continue;
		}
		const last = line?.[line.length - 1];
		if (line && last && key(last) === key(e.a)) line.push([e.b[0], e.b[1]]);
		else {
			line = [
				[e.a[0], e.a[1]],
				[e.b[0], e.b[1]]
			];
			lines.push(line);
		}
	}
	return { type: 'MultiLineString', coordinates: lines };
}
