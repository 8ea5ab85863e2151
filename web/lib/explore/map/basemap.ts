/**
 * The map style: the data layers over a transparent canvas, no tiles, glyphs or sprites, so the
 * map makes no request at all. The plain background is the map element's own CSS background
 * (MapCanvas), seen where nothing is drawn: a full-canvas background layer cost the
 * software-WebGL frame about 35 ms of its 66–70 ms at national scale (README, "National Map"),
 * and the PNG export lays the same colour under the canvas. A deployment with its own raster tile server can set
 * `VITE_CLEARSIGHT_BASEMAP` at build time to an XYZ template (`https://tiles.example/{z}/{x}/{y}.png`);
 * it is drawn faintly under the cells. Off by default; the Content-Security-Policy
 * (csp.js: the page's meta tag and the server's header) must then allow that host in
 * img-src/connect-src.
 */
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';

/** The map's background colour, under the canvas (CSS) and under the PNG export. */
export const BACKGROUND = '#eef0f2';

/** The tile template from the build environment, or null (the default: no basemap). */
export function basemapUrl(): string | null {
	const url = (import.meta.env.VITE_CLEARSIGHT_BASEMAP as string | undefined)?.trim();
	return url ? url : null;
}

const EMPTY = { type: 'FeatureCollection' as const, features: [] };
/** A cell kept in the source but not in the layer shown (feature state `hidden`): drawn as nothing. */
const HIDDEN: ExpressionSpecification = ['boolean', ['feature-state', 'hidden'], false];
/** A cell outside the force area (feature state `outside`): drawn faded, its records counted but never scored. */
const OUTSIDE: ExpressionSpecification = ['boolean', ['feature-state', 'outside'], false];

/** Fill opacity of cells in the force area (or of every cell when none is declared), and of cells outside it. */
export const FILL_OPACITY = { inside: 0.85, outside: 0.3 } as const;
/** Colour of the cells' outlines. */
export const CELL_OUTLINE_COLOUR = '#ffffff';
/** Colour of the force area's outline. */
export const FORCE_OUTLINE_COLOUR = '#1b1f24';

/**
 * The style: optional basemap, cells (fill with outlines, hover, selection), the force area's outline and the drawn box.
 *
 * The hover, force-outline and box layers start hidden (`visibility: none`) and MapCanvas shows
 * each only while its source holds something (`showLayer`). maplibre draws the tile clipping
 * masks of every visible tile-clipped layer's source into the stencil buffer, in both its
 * opaque and translucent passes, whether or not the layer has anything to draw: each mask is a
 * stencil pass over the tiles under the view, so empty layers between the cells' layers cost
 * the software-WebGL frame several full-canvas passes (hidden, the cells' three layers share
 * one set of masks).
 */
export function mapStyle(basemap: string | null): StyleSpecification {
	return {
		version: 8,
		sources: {
			...(basemap
				? { basemap: { type: 'raster' as const, tiles: [basemap], tileSize: 256, attribution: 'Basemap: configured tile server' } }
				: {}),
			cells: { type: 'geojson', data: EMPTY, promoteId: 'cell_id' },
			hover: { type: 'geojson', data: EMPTY },
			force: { type: 'geojson', data: EMPTY },
			box: { type: 'geojson', data: EMPTY }
		},
		layers: [
			...(basemap ? [{ id: 'basemap', type: 'raster' as const, source: 'basemap', paint: { 'raster-opacity': 0.6 } }] : []),
			{
				id: 'cells-fill',
				type: 'fill',
				source: 'cells',
				// Each cell's colour and visibility are feature state (MapCanvas): a filter change over
				// cells already in the source restyles them without tiling anything again.
				paint: {
					'fill-color': ['to-color', ['coalesce', ['feature-state', 'colour'], ['get', 'colour']]],
					'fill-opacity': ['case', HIDDEN, 0, OUTSIDE, FILL_OPACITY.outside, FILL_OPACITY.inside],
					// Cell outlines: the fill's own 1-px antialiasing lines in white (faded with the
					// cell, none for a hidden one). A separate line layer over every cell made each
					// filter change re-evaluate and upload its feature-state paint (5–6× the fill's
					// vertices) and cost the software-WebGL frame about 90 ms (national H3 r7). They are
					// drawn (fill-antialias) only from the zoom where the cells are a few pixels wide,
					// which MapCanvas sets per layer (cell-edges.ts).
					'fill-outline-color': CELL_OUTLINE_COLOUR
				}
			},
			{
				// The hovered cell's outline, from a source holding that one cell (MapCanvas), so a
				// filter change re-evaluates no line layer over every cell.
				id: 'cells-hover',
				type: 'line',
				source: 'hover',
				layout: { visibility: 'none' },
				paint: { 'line-color': '#1b1f24', 'line-width': 2 }
			},
			{
				id: 'cells-selected',
				type: 'line',
				source: 'cells',
				filter: ['in', ['get', 'cell_id'], ['literal', []]],
				paint: { 'line-color': '#000000', 'line-width': 3.5, 'line-opacity': ['case', HIDDEN, 0, 1] }
			},
			{
				id: 'cells-selected-inner',
				type: 'line',
				source: 'cells',
				filter: ['in', ['get', 'cell_id'], ['literal', []]],
				paint: { 'line-color': '#f0b429', 'line-width': 1.5, 'line-opacity': ['case', HIDDEN, 0, 1] }
			},
			{
				// Drawn over the cells: what lies outside this line is outside the force area.
				id: 'force-outline',
				type: 'line',
				source: 'force',
				layout: { 'line-join': 'round', 'line-cap': 'round', visibility: 'none' },
				paint: { 'line-color': FORCE_OUTLINE_COLOUR, 'line-width': 2.5 }
			},
			{ id: 'box-line', type: 'line', source: 'box', layout: { visibility: 'none' }, paint: { 'line-color': '#1b1f24', 'line-width': 2, 'line-dasharray': [2, 1] } }
		]
	};
}
