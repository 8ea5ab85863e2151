import { describe, expect, it } from 'vitest';
import { moveInGrid } from './grid-keys';

describe('moveInGrid (APG grid keys)', () => {
	const at = { row: 2, col: 3 };
	it.each([
		['ArrowRight', {}, { row: 2, col: 4 }],
		['ArrowLeft', {}, { row: 2, col: 2 }],
		['ArrowDown', {}, { row: 3, col: 3 }],
		['ArrowUp', {}, { row: 1, col: 3 }],
		['Home', {}, { row: 2, col: 0 }],
		['End', {}, { row: 2, col: 23 }],
		['Home', { ctrl: true }, { row: 0, col: 0 }],
		['End', { ctrl: true }, { row: 6, col: 23 }],
		['PageDown', { page: 3 }, { row: 5, col: 3 }],
		['PageUp', { page: 3 }, { row: 0, col: 3 }]
	])('%s %o from (2,3) in 7 × 24 goes to %o', (key, options, want) => {
		expect(moveInGrid(key, at, 7, 24, options)).toEqual(want);
	});

	it('stops at the edges', () => {
		expect(moveInGrid('ArrowLeft', { row: 0, col: 0 }, 7, 24)).toEqual({ row: 0, col: 0 });
		expect(moveInGrid('ArrowUp', { row: 0, col: 5 }, 7, 24)).toEqual({ row: 0, col: 5 });
		expect(moveInGrid('ArrowRight', { row: 6, col: 23 }, 7, 24)).toEqual({ row: 6, col: 23 });
		expect(moveInGrid('ArrowDown', { row: 6, col: 23 }, 7, 24)).toEqual({ row: 6, col: 23 });
	});

	it('brings a cell left outside a grid that shrank back inside', () => {
		expect(moveInGrid('ArrowRight', { row: 12, col: 40 }, 4, 10)).toEqual({ row: 3, col: 9 });
	});

	it('lets other keys through, and moves nowhere in an empty grid', () => {
		expect(moveInGrid('Enter', at, 7, 24)).toBeNull();
		expect(moveInGrid('a', at, 7, 24)).toBeNull();
		expect(moveInGrid('ArrowRight', at, 0, 24)).toBeNull();
	});
});
