/**
 * The Map page's first view as a picture: the start-up summary's cells and the force outline
 * drawn as SVG paths at the view maplibre-gl would fit to the same bounds (Web Mercator,
 * 512-pixel world at zoom 0, `fitBounds(bounds, { padding, maxZoom })`, no bearing), so the
 * page shows its first layer before the map library has loaded, and maplibre's canvas, once it
 * has drawn the same cells at the same view, replaces it without a jump. Pure functions: the
 * component is MapSnapshot.svelte.
 */
import { buildCellLayer, cellGeometries, type CellLayer } from '$analytics/explore/map';
import type { CellLevel } from '$analytics/explore/filters';
import type { Classes } from '$analytics/explore/classes';
import type { StartSummary } from '$analytics/overview/summary';
import type { MultiLineGeometry, Position } from '$analytics/shared/geojson';
import { FILL_OPACITY } from './basemap';
import type { BBox } from './types';

/** What MapCanvas passes to fitBounds (keep in step with it). */
export const FIT_PADDING = 24;
export const FIT_MAX_ZOOM = 15;
/** maplibre-gl's tile size: the world is 512 px wide at zoom 0. */
const WORLD = 512;

export interface SnapshotView {
	/** The zoom maplibre-gl's fitBounds gives. */
	zoom: number;
	/** The centre in Mercator world units (0–1 across, 0–1 down). */
	cx: number;
	cy: number;
	width: number;
	height: number;
}

/** Web Mercator, world units 0–1 (x east, y south), as maplibre-gl's MercatorCoordinate. */
export function mercator(lng: number, lat: number): [number, number] {
	const x = (180 + lng) / 360;
	const y = (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
	return [x, y];
}

/**
 * The view maplibre-gl's `fitBounds([[W,S],[E,N]], { padding, maxZoom, animate: false })` sets on
 * a canvas of `width` × `height` CSS pixels (bearing 0, no map padding): the zoom at which the
 * bounds' Mercator box fills the padded canvas, capped at maxZoom, centred on the box's middle.
 * Null when the canvas is too small to fit anything.
 */
export function fitView(bounds: BBox, width: number, height: number, padding = FIT_PADDING, maxZoom = FIT_MAX_ZOOM): SnapshotView | null {
	const [x0, y1] = mercator(bounds[0], bounds[1]);
	const [x1, y0] = mercator(bounds[2], bounds[3]);
	const availableWidth = width - 2 * padding;
	const availableHeight = height - 2 * padding;
	if (availableWidth <= 0 || availableHeight <= 0 || !(x1 > x0) || !(y1 > y0)) return null;
	const scale = Math.min(availableWidth / ((x1 - x0) * WORLD), availableHeight / ((y1 - y0) * WORLD));
	const zoom = Math.min(Math.log2(scale), maxZoom);
	return { zoom, cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, width, height };
}

/** Canvas pixel of a position in the view. */
export function toPixel(view: SnapshotView, [lng, lat]: Position | readonly number[]): [number, number] {
	const [x, y] = mercator(lng, lat);
	const k = WORLD * 2 ** view.zoom;
	return [(x - view.cx) * k + view.width / 2, (y - view.cy) * k + view.height / 2];
}

const round = (v: number) => Math.round(v * 100) / 100;

function ringPath(view: SnapshotView, ring: readonly (readonly number[])[], close: boolean): string {
	let d = '';
	ring.forEach((p, i) => {
		const [x, y] = toPixel(view, p);
		d += `${i === 0 ? 'M' : 'L'}${round(x)} ${round(y)}`;
	});
	return close ? `${d}Z` : d;
}

export interface SnapshotCell {
	id: string;
	/** SVG path data in canvas pixels. */
	d: string;
	colour: string;
	opacity: number;
}

/** The cells of a layer as SVG paths, in the layer's order, with the map's colours and fill opacities (basemap.ts). */
export function snapshotCells(view: SnapshotView, layer: CellLayer): SnapshotCell[] {
	return layer.features.map((f) => {
		const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
		return {
			id: f.id,
			d: polygons.map((rings) => rings.map((ring) => ringPath(view, ring, true)).join('')).join(''),
			colour: f.properties.colour,
			opacity: f.properties.in_force_area === false ? FILL_OPACITY.outside : FILL_OPACITY.inside
		};
	});
}

/** The force area's outline as SVG path data (open lines). */
export function snapshotOutline(view: SnapshotView, outline: MultiLineGeometry): string {
	return outline.coordinates.map((line) => ringPath(view, line, false)).join('');
}

/**
 * The start-up summary's count layer at `level` as the map draws it (the same buildCellLayer,
 * with the class breaks computed when the extract was built), or null when the summary has no
 * cells for that level.
 */
export function startLayer(map: NonNullable<StartSummary['map']>, level: CellLevel | null): { layer: CellLayer; classes: Classes } | null {
	const found = level ? map.layers.find((l) => l.level === level) : undefined;
	if (!found) return null;
	const cells = found.cells.map(([id, records, harm, outside, inForceArea]) => ({
		id,
		name: null,
		records,
		recordsOutside: outside,
		inForceArea,
		harm,
		population: null,
		value: records
	}));
	const { geometries } = cellGeometries(found.level, cells.map((c) => c.id));
	return { layer: buildCellLayer(cells, geometries, found.classes), classes: found.classes };
}
