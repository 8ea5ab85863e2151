import { describe, expect, it } from 'vitest';
import { chooseLevel, drawableLevels, levelNote } from './level';
import type { CellLevel } from '$analytics/explore/filters';

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
