/**
 * Hit rate, PAI and PEI* on grids worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRanking, type RankedArea } from './evaluate';

// A 3 × 3 grid of equal cells A … I, ranked A (hottest) to I; 10 crimes in the test month.
const GRID: RankedArea[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'].map((areaId, i) => ({
	areaId,
	score: 9 - i,
	actual: [4, 0, 2, 1, 0, 0, 3, 0, 0][i]
}));

describe('evaluateRanking on equal cells', () => {
	it.each([
		// [share, captured, capturable]: the best cells hold 4, 3, 2, 1 crimes (A, G, C, D).
		// 1 cell: A = 4 of 10 → hit 0.4, PAI 0.4 × 9 = 3.6, PEI* 4/4 = 1.
		[1 / 9, 4, 4, 0.4, 3.6, 1],
		// 2 cells: A, B = 4 → hit 0.4, PAI 1.8; best A + G = 7 → PEI* 4/7.
		[2 / 9, 4, 7, 0.4, 1.8, 4 / 7],
		// 3 cells: A, B, C = 6 → hit 0.6, PAI 1.8; best 4 + 3 + 2 = 9 → PEI* 2/3.
		[3 / 9, 6, 9, 0.6, 1.8, 2 / 3],
		// 4.5 cells: A … D and half of E (0 crimes) = 7 → PAI 0.7 / 0.5 = 1.4; best 10 → 0.7.
		[0.5, 7, 10, 0.7, 1.4, 0.7],
		// Everything: all 10 crimes.
		[1, 10, 10, 1, 1, 1]
	])('area share %s: captured %s of best %s → hit rate %s, PAI %s, PEI* %s', (share, captured, capturable, hitRate, pai, peiStar) => {
		const [m] = evaluateRanking(GRID, [share]);
		expect(m.crimes).toBe(10);
		expect(m.captured).toBeCloseTo(captured, 12);
		expect(m.capturable).toBeCloseTo(capturable, 12);
		expect(m.hitRate).toBeCloseTo(hitRate, 12);
		expect(m.pai).toBeCloseTo(pai, 12);
		expect(m.peiStar).toBeCloseTo(peiStar, 12);
	});

	it('a cut inside a block of tied scores takes each tied cell pro rata (random tie-break in expectation)', () => {
		// A and B tie at the top (4 and 0 crimes): one cell of the two-cell block captures half of 4.
		const tied = GRID.map((a) => (a.areaId === 'B' ? { ...a, score: 9 } : a));
		const [m] = evaluateRanking(tied, [1 / 9]);
		expect(m.captured).toBeCloseTo(2, 12);
		expect(m.hitRate).toBeCloseTo(0.2, 12);
		expect(m.peiStar).toBeCloseTo(0.5, 12);
	});
});

describe('evaluateRanking on areas of different size', () => {
	// A: 2 km², 2 crimes (score 3); B: 1 km², 3 crimes (score 2); C: 1 km², 0 crimes (score 1).
	// Region: 4 km², 5 crimes. Best order by density: B (3/km²), A (1/km²), C (0).
	const areas: RankedArea[] = [
		{ areaId: 'A', score: 3, actual: 2, area: 2 },
		{ areaId: 'B', score: 2, actual: 3, area: 1 },
		{ areaId: 'C', score: 1, actual: 0, area: 1 }
	];

	it.each([
		// 25% = 1 km²: half of A → 1 crime (hit 0.2, PAI 0.8); best: all of B = 3 → PEI* 1/3.
		[0.25, 1, 3],
		// 50% = 2 km²: all of A → 2 (hit 0.4, PAI 0.8); best: B + half of A = 3 + 1 = 4 → PEI* 0.5.
		[0.5, 2, 4],
		// 75% = 3 km²: A + B → 5 (hit 1, PAI 4/3); best: 5 → PEI* 1.
		[0.75, 5, 5]
	])('share %s captures %s, best %s', (share, captured, capturable) => {
		const [m] = evaluateRanking(areas, [share]);
		expect(m.captured).toBeCloseTo(captured, 12);
		expect(m.capturable).toBeCloseTo(capturable, 12);
		expect(m.hitRate).toBeCloseTo(captured / 5, 12);
		expect(m.pai).toBeCloseTo(captured / 5 / share, 12);
		expect(m.peiStar).toBeCloseTo(captured / capturable, 12);
	});
});

describe('evaluateRanking edge cases', () => {
	it('no crimes in the test period: rates are null', () => {
		const [m] = evaluateRanking([{ areaId: 'A', score: 1, actual: 0 }], [0.5]);
		expect(m).toEqual({ areaShare: 0.5, crimes: 0, captured: 0, capturable: 0, hitRate: null, pai: null, peiStar: null });
	});

	it.each([
		[[], [0.1], 'the study region has no areas'],
		[[{ areaId: 'A', score: 1, actual: 1 }], [0], 'area share must be in (0, 1], got 0'],
		[[{ areaId: 'A', score: NaN, actual: 1 }], [0.5], 'score of A is not a finite number (NaN)'],
		[[{ areaId: 'A', score: 1, actual: -1 }], [0.5], 'crimes in A must be ≥ 0, got -1'],
		[[{ areaId: 'A', score: 1, actual: 1, area: 0 }], [0.5], 'zero total area']
	])('rejects %j at %j', (areas, shares, message) => {
		expect(() => evaluateRanking(areas as RankedArea[], shares)).toThrow(message);
	});
});
