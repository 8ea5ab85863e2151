/**
 * From which zoom the cells' white edges are drawn. An edge is one pixel wide whatever the zoom,
 * so on cells a pixel or two across (the national view opens on H3 r7 at zoom ≈ 5.3, where a
 * cell is about 2 px wide) the edges cover most of the cells' pixels and wash their colours
 * out; they are also what software WebGL spends most of a frame on (a second pass over every
 * cell's edges, about half the frame on the national view). Below this zoom the cells are drawn
 * as plain fills, edge to edge; from it on, as before, each with its white edge.
 */
import { mercator } from './snapshot';

/** The narrowest median cell, in CSS pixels, that gets a white edge. */
export const EDGE_MIN_PX = 6;
/** maplibre-gl's tile size: the world is 512 px wide at zoom 0. */
const WORLD = 512;

/**
 * The median width of the cells in Web Mercator world units (0–1 across the world): per cell
 * the larger side of its outer rings' bounding box. Null when no cell has a polygon.
 */
export function medianCellWidth(geometries: Iterable<GeoJSON.Geometry | null | undefined>): number | null {
	const widths: number[] = [];
	for (const g of geometries) {
		if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
		const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
		let x0 = Infinity;
		let y0 = Infinity;
		let x1 = -Infinity;
		let y1 = -Infinity;
		for (const rings of polygons) {
			for (const p of rings[0] ?? []) {
				const [x, y] = mercator(p[0], p[1]);
				if (x < x0) x0 = x;
				if (x > x1) x1 = x;
				if (y < y0) y0 = y;
				if (y > y1) y1 = y;
			}
		}
		if (x1 > x0 || y1 > y0) widths.push(Math.max(x1 - x0, y1 - y0));
	}
	if (widths.length === 0) return null;
	widths.sort((a, b) => a - b);
	return widths[Math.floor((widths.length - 1) / 2)];
}

/**
 * The zoom from which the median cell is at least `minPx` CSS pixels wide (its edges drawn):
 * log2(minPx / (512 × width)). 0 (edges at every zoom) when no cell has a polygon.
 */
export function edgeZoom(geometries: Iterable<GeoJSON.Geometry | null | undefined>, minPx = EDGE_MIN_PX): number {
	const width = medianCellWidth(geometries);
	return width === null ? 0 : Math.log2(minPx / (WORLD * width));
}
