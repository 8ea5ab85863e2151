/**
 * From which zoom the cells' edges are drawn: a square worked by hand, and real H3 cells (h3-js)
 * against their published average sizes (H3 documentation, "Tables of cell statistics across
 * resolutions": average hexagon edge r7 1.406 km, r9 0.201 km).
 */
import { describe, expect, it } from 'vitest';
import { cellToBoundary, latLngToCell } from 'h3-js';
import { EDGE_MIN_PX, edgeZoom, medianCellWidth } from './cell-edges';

const square = (lng: number, lat: number, side: number): GeoJSON.Polygon => ({
	type: 'Polygon',
	coordinates: [[[lng, lat], [lng + side, lat], [lng + side, lat + side], [lng, lat + side], [lng, lat]]]
});

const h3Cell = (lat: number, lng: number, res: number): GeoJSON.Polygon => {
	const ring = cellToBoundary(latLngToCell(lat, lng, res), true);
	return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
};

describe('edgeZoom', () => {
	it('a 0.01° square at the equator is 0.01/360 of the world wide: 6 px from zoom log2(6 × 360 / (512 × 0.01)) = 8.72', () => {
		const cell = square(0, 0, 0.01);
		expect(medianCellWidth([cell])).toBeCloseTo(0.01 / 360, 8);
		expect(EDGE_MIN_PX).toBe(6);
		expect(edgeZoom([cell])).toBeCloseTo(Math.log2(421.875), 3);
		expect(edgeZoom([cell], 12)).toBeCloseTo(Math.log2(843.75), 3);
	});

	it('takes the median cell (the middle of three; the lower middle of an even count) and reads MultiPolygons', () => {
		const small = square(0, 0, 0.01);
		const large = square(1, 0, 0.04);
		const multi: GeoJSON.MultiPolygon = { type: 'MultiPolygon', coordinates: [square(2, 0, 0.01).coordinates, square(2.01, 0, 0.01).coordinates] };
		// The MultiPolygon's box is 0.02° wide: the median of 0.01, 0.02 and 0.04.
		expect(medianCellWidth([small, large, multi])).toBeCloseTo(0.02 / 360, 8);
		expect(medianCellWidth([small, large])).toBeCloseTo(0.01 / 360, 8);
	});

	it('draws edges at every zoom when no cell has a polygon', () => {
		expect(medianCellWidth([])).toBeNull();
		expect(edgeZoom([null, { type: 'Point', coordinates: [0, 0] }])).toBe(0);
	});

	it('H3 r7 in London (≈ 2.4–2.8 km across): no edges at the national view (zoom ≈ 5.3), edges from about zoom 6.7', () => {
		// 2.4–2.8 km at 51.5° N is 2.4–2.8 / (40,075 × cos 51.5°) of the world: 9.6e-5–1.12e-4,
		// so 6 px from log2(6 / (512 × 1.12e-4)) = 6.7 to log2(6 / (512 × 9.6e-5)) = 6.9.
		const cells = [h3Cell(51.5, -0.1, 7), h3Cell(51.52, -0.12, 7), h3Cell(51.48, -0.05, 7)];
		const z = edgeZoom(cells);
		expect(z).toBeGreaterThan(6.6);
		expect(z).toBeLessThan(7.0);
		expect(5.34).toBeLessThan(z);
	});

	it('H3 r9 (≈ 0.35–0.4 km across) in a force view (zoom 13 and more): edges drawn', () => {
		// 0.35–0.40 km: 1.40e-5–1.60e-5 of the world at 51.5° N; 6 px from zoom 9.5–9.7.
		const z = edgeZoom([h3Cell(51.515, -0.09, 9)]);
		expect(z).toBeGreaterThan(9.4);
		expect(z).toBeLessThan(9.8);
	});
});
