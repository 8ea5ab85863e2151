import { describe, expect, it } from 'vitest';
import { cellToBoundary, latLngToCell } from 'h3-js';
import { chooseLevel, drawableLevels, levelNote, nothingToMapText } from './level';
import { edgeZoom } from './cell-edges';
import { withParentLevels, type CellLevel } from '$analytics/explore/filters';
import { ZOOM_R6, ZOOM_R7 } from '$analytics/explore/map';
import { formatCount } from '../../charts/format';

const ALL: CellLevel[] = ['h3_7', 'h3_8', 'h3_9', 'lsoa', 'district'];
const H3: CellLevel[] = ['h3_7', 'h3_8', 'h3_9'];

describe('drawableLevels', () => {
	it('drops a boundary level whose polygons the source does not ship, never an H3 level', () => {
		expect(drawableLevels(ALL, { areas: 6, districts: 0 })).toEqual(['h3_7', 'h3_8', 'h3_9', 'lsoa']);
		expect(drawableLevels(ALL, { areas: 0, districts: 22 })).toEqual(['h3_7', 'h3_8', 'h3_9', 'district']);
		expect(drawableLevels(ALL, { areas: 0, districts: 0 })).toEqual(H3);
		expect(drawableLevels([], { areas: 6, districts: 22 })).toEqual([]);
	});
});

describe('chooseLevel', () => {
	const street: CellLevel[] = ['h3_7', 'h3_8', 'h3_9', 'lsoa'];
	it("keeps the user's drawable choice whatever the measure and zoom", () => {
		expect(chooseLevel('h3_7', 'thr', street, 15)).toBe('h3_7');
		expect(chooseLevel('lsoa', 'count', street, 3)).toBe('lsoa');
	});
	it('by zoom: r7 below 11.5, r8 from 11.5 to below 13, r9 from 13', () => {
		expect(chooseLevel('auto', 'count', street, 11.49)).toBe('h3_7');
		expect(chooseLevel('auto', 'count', street, 11.5)).toBe('h3_8');
		expect(chooseLevel('auto', 'harm', street, 12.99)).toBe('h3_8');
		expect(chooseLevel('auto', 'harm', street, 13)).toBe('h3_9');
	});
	it('an undrawable choice falls back as for auto', () => {
		expect(chooseLevel('district', 'count', street, 12)).toBe('h3_8');
	});
	it('THR scores on LSOAs when drawable, else by zoom', () => {
		expect(chooseLevel('auto', 'thr', street, 9)).toBe('lsoa');
		expect(chooseLevel('auto', 'thr', H3, 14)).toBe('h3_9');
	});
	it('rates need residents: LSOAs, else districts, else nothing', () => {
		expect(chooseLevel('auto', 'rate', street, 14)).toBe('lsoa');
		expect(chooseLevel('auto', 'rate', ['h3_8', 'district'], 14)).toBe('district');
		expect(chooseLevel('auto', 'rate', H3, 14)).toBeNull();
	});
	it('coarser hexagons where r7 cells would be under 6 px: r5 below ZOOM_R6, r6 below ZOOM_R7 (the national view opens at zoom ≈ 5.3)', () => {
		const offered = withParentLevels(street);
		expect(chooseLevel('auto', 'count', offered, 5.3)).toBe('h3_5');
		expect(chooseLevel('auto', 'count', offered, ZOOM_R6 - 0.01)).toBe('h3_5');
		expect(chooseLevel('auto', 'harm', offered, ZOOM_R6)).toBe('h3_6');
		expect(chooseLevel('auto', 'count', offered, ZOOM_R7 - 0.01)).toBe('h3_6');
		expect(chooseLevel('auto', 'count', offered, ZOOM_R7)).toBe('h3_7');
		expect(chooseLevel('auto', 'count', offered, 11.49)).toBe('h3_7');
		// Chosen by the user at any zoom; without r7 (no coarse levels offered) r7's fallback as before.
		expect(chooseLevel('h3_7', 'count', offered, 5.3)).toBe('h3_7');
		expect(chooseLevel('auto', 'count', street, 5.3)).toBe('h3_7');
	});
	it('ZOOM_R7 and ZOOM_R6 are where the median r7 / r6 cell over England (latitudes 50.5–54.5°) is 6 px wide, as cell edges are decided', () => {
		const cells = (res: number) => {
			const out: GeoJSON.Polygon[] = [];
			for (let lat = 50.5; lat <= 54.5; lat += 0.25)
				for (let lng = -4; lng <= 1; lng += 0.25) {
					const ring = cellToBoundary(latLngToCell(lat, lng, res), true);
					out.push({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
				}
			return out;
		};
		// Measured: r7 6.72, r6 5.36 (r5 3.92); an r6 cell is √7 times as wide as an r7 cell (log2 √7 = 1.40).
		expect(Math.abs(edgeZoom(cells(7)) - ZOOM_R7)).toBeLessThan(0.15);
		expect(Math.abs(edgeZoom(cells(6)) - ZOOM_R6)).toBeLessThan(0.15);
		expect(ZOOM_R7 - ZOOM_R6).toBeCloseTo(Math.log2(Math.sqrt(7)), 1);
	});
	it('the zoom level not drawable: the first H3 level, else the first level, else none', () => {
		expect(chooseLevel('auto', 'count', ['h3_8', 'lsoa'], 14)).toBe('h3_8');
		expect(chooseLevel('auto', 'count', ['district'], 14)).toBe('district');
		expect(chooseLevel('auto', 'count', [], 14)).toBeNull();
	});
});

describe('levelNote', () => {
	it('explains an asked level without boundaries, in words without the size note', () => {
		expect(levelNote('district', ['h3_7', 'lsoa'])).toBe('This source has no Districts boundaries to draw; the layer is chosen by zoom instead.');
		expect(levelNote('h3_9', ['h3_7'])).toBe('This source has no H3 hexagons, resolution 9 boundaries to draw; the layer is chosen by zoom instead.');
	});
	it('says nothing for auto or a drawable level', () => {
		expect(levelNote('auto', [])).toBeNull();
		expect(levelNote('lsoa', ['lsoa'])).toBeNull();
	});
});

describe('nothingToMapText', () => {
	it('counts the records with none located, one record in the singular, thousands with a separator', () => {
		expect(nothingToMapText(47)).toBe('47 records, none with a location: there is nothing to map.');
		expect(nothingToMapText(1)).toBe('1 record, none with a location: there is nothing to map.');
		expect(nothingToMapText(1729)).toBe(`${formatCount(1729)} records, none with a location: there is nothing to map.`);
	});
});
