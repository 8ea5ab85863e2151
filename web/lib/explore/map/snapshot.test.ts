/**
 * The snapshot's view against maplibre-gl's own camera code (its TypeScript source, the same
 * functions `fitBounds` runs), and its projection against maplibre-gl's transform: the picture
 * drawn before the map library loads must sit where the map then draws the same cells.
 */
import { describe, expect, it } from 'vitest';
import { fitView, mercator, snapshotCells, snapshotOutline, toPixel, FIT_MAX_ZOOM, FIT_PADDING } from './snapshot';
import { buildCellLayer, cellGeometries } from '$analytics/explore/map';
import type { BBox } from './types';

/**
 * maplibre-gl's own source (TypeScript, by path: its package exports only the bundle, which needs
 * a window), imported at run time so the type check does not check maplibre-gl's sources.
 */
const SOURCE = '../../../../node_modules/maplibre-gl/src/geo/';
interface Point2 { x: number; y: number }
interface Transform {
	resize(width: number, height: number): void;
	setZoom(zoom: number): void;
	setCenter(center: unknown): void;
	locationToScreenPoint(location: unknown): Point2;
}
const { MercatorTransform } = (await import(/* @vite-ignore */ `${SOURCE}projection/mercator_transform.ts`)) as { MercatorTransform: new (options: object) => Transform };
const { cameraForBoxAndBearing } = (await import(/* @vite-ignore */ `${SOURCE}projection/camera_helper.ts`)) as {
	cameraForBoxAndBearing: (...args: unknown[]) => { zoom: number; center: unknown } | undefined;
};
const { LngLat } = (await import(/* @vite-ignore */ `${SOURCE}lng_lat.ts`)) as { LngLat: (new (lng: number, lat: number) => object) & { convert(v: unknown): object } };
const { LngLatBounds } = (await import(/* @vite-ignore */ `${SOURCE}lng_lat_bounds.ts`)) as { LngLatBounds: new (sw: number[], ne: number[]) => object };

/** What maplibre-gl's fitBounds sets on a canvas of this size: zoom and centre. */
function maplibreFit(bounds: BBox, width: number, height: number) {
	const tr = new MercatorTransform({ minZoom: 0, maxZoom: 22, minPitch: 0, maxPitch: 60, renderWorldCopies: true });
	tr.resize(width, height);
	tr.setZoom(12);
	tr.setCenter(new LngLat(-0.09, 51.515));
	const pad = { top: FIT_PADDING, bottom: FIT_PADDING, left: FIT_PADDING, right: FIT_PADDING };
	const nopad = { top: 0, bottom: 0, left: 0, right: 0 };
	const result = cameraForBoxAndBearing({ maxZoom: FIT_MAX_ZOOM, offset: [0, 0] }, pad, nopad, new LngLatBounds([bounds[0], bounds[1]], [bounds[2], bounds[3]]), 0, tr)!;
	tr.setZoom(result.zoom);
	tr.setCenter(LngLat.convert(result.center));
	return { zoom: result.zoom, tr };
}

// The City of London's bounds (a small force), a county-sized box and a tall thin box.
const CASES: [string, BBox, number, number][] = [
	['City of London', [-0.1146, 51.5066, -0.0728, 51.5233], 766, 478],
	['a county', [-3.06, 53.72, -2.05, 54.24], 1198, 478],
	['a tall box', [-1.2, 50.5, -1.1, 52.5], 500, 478],
	['a box needing more than the zoom cap', [-0.1, 51.5, -0.0999, 51.5001], 766, 478]
];

describe('fitView', () => {
	it('mercator: the equator and the prime meridian are the middle of the world', () => {
		expect(mercator(0, 0)).toEqual([0.5, 0.5]);
		expect(mercator(180, 0)[0]).toBe(1);
		expect(mercator(0, 85.0511287798066)[1]).toBeCloseTo(0, 9);
	});

	for (const [name, bounds, width, height] of CASES) {
		it(`gives maplibre-gl's zoom and centre, and its pixels: ${name}`, () => {
			const view = fitView(bounds, width, height)!;
			const { zoom, tr } = maplibreFit(bounds, width, height);
			expect(view.zoom).toBeCloseTo(zoom, 9);
			for (const p of [
				[bounds[0], bounds[1]],
				[bounds[2], bounds[3]],
				[(bounds[0] + bounds[2]) / 2, bounds[1]],
				[-0.09, 51.515]
			] as [number, number][]) {
				const ours = toPixel(view, p);
				const theirs = tr.locationToScreenPoint(new LngLat(p[0], p[1]));
				expect(ours[0]).toBeCloseTo(theirs.x, 6);
				expect(ours[1]).toBeCloseTo(theirs.y, 6);
			}
		});
	}

	it('fits the box inside the padding, touching it on one axis', () => {
		const [, bounds, width, height] = CASES[1];
		const view = fitView(bounds, width, height)!;
		const [left, bottom] = toPixel(view, [bounds[0], bounds[1]]);
		const [right, top] = toPixel(view, [bounds[2], bounds[3]]);
		expect(left).toBeGreaterThanOrEqual(FIT_PADDING - 1e-9);
		expect(top).toBeGreaterThanOrEqual(FIT_PADDING - 1e-9);
		expect(right).toBeLessThanOrEqual(width - FIT_PADDING + 1e-9);
		expect(bottom).toBeLessThanOrEqual(height - FIT_PADDING + 1e-9);
		expect(Math.min(left - FIT_PADDING, top - FIT_PADDING)).toBeCloseTo(0, 6);
	});

	it('is null on a canvas smaller than its padding', () => {
		expect(fitView(CASES[0][1], 40, 478)).toBeNull();
	});
});

describe('snapshotCells', () => {
	it('draws every cell of the layer, with its colour, faded outside the force area', () => {
		const ids = ['881950c889fffff', '881950c88bfffff'];
		const { geometries } = cellGeometries('h3_8', ids);
		const layer = buildCellLayer(
			[
				{ id: ids[0], name: null, records: 5, recordsOutside: 0, inForceArea: true, harm: 1, population: null, value: 5 },
				{ id: ids[1], name: null, records: 9, recordsOutside: 9, inForceArea: false, harm: 1, population: null, value: 9 }
			],
			geometries,
			{ method: 'jenks', breaks: [5, 9], colours: ['#aaaaaa', '#bbbbbb'] } as never
		);
		const view = fitView([-0.1146, 51.5066, -0.0728, 51.5233], 766, 478)!;
		const cells = snapshotCells(view, layer);
		expect(cells.map((c) => c.id)).toEqual(ids);
		expect(cells.map((c) => c.colour)).toEqual(layer.features.map((f) => f.properties.colour));
		expect(cells.map((c) => c.opacity)).toEqual([0.85, 0.3]);
		// A hexagon: 6 corners and the closing one, closed with Z; its first corner at the projected position.
		const ring = layer.features[0].geometry.type === 'Polygon' ? layer.features[0].geometry.coordinates[0] : [];
		expect(cells[0].d.match(/[ML]/g)).toHaveLength(ring.length);
		const [x, y] = toPixel(view, ring[0]);
		expect(cells[0].d.startsWith(`M${Math.round(x * 100) / 100} ${Math.round(y * 100) / 100}L`)).toBe(true);
		expect(cells[0].d.endsWith('Z')).toBe(true);
	});

	it('draws an outline as open lines', () => {
		const view = fitView([-0.1146, 51.5066, -0.0728, 51.5233], 766, 478)!;
		const d = snapshotOutline(view, { type: 'MultiLineString', coordinates: [[[-0.11, 51.51], [-0.08, 51.52]], [[-0.1, 51.51], [-0.09, 51.51]]] });
		expect(d.match(/M/g)).toHaveLength(2);
		expect(d).not.toContain('Z');
	});
});
