/**
 * The map layer summed from a cell cube (cell-cube.ts) in JavaScript: over the real City of
 * London sample (street crime and stop and search), every level, dataset, period and category
 * choice gives the same cells, in the same order, with the same figures as cellValues' SQL over
 * the roll-up (harm to 9 decimals: the same terms, possibly added in another order), and each
 * cell's count and records outside the force area equal a direct count over the base rows. A
 * small cube worked by hand checks the sums themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS, LEVEL_COL, NEVER, loadExploreSample } from './sample.test-setup';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { CELL_CUBE_MIN_ROWS, cubeTotals, type CellCube } from './cell-cube';
import { defaultFilters, type CellLevel, type ExploreDataset, type ExploreFilters, type Measure } from './filters';
import { cellValues, readHarmWeights, type CellValue } from './queries';
import { monthIndex } from '../shared/months';


let runner: NodeRunner;
let months: Record<ExploreDataset, string[]>;
let categories: Record<ExploreDataset, string[]>;

beforeAll(async () => {
	({ runner, months, categories } = await loadExploreSample());
}, 120_000);

afterAll(() => runner?.close());

/** Records and records located outside the force area per cell under the filters, over the base rows (the test's own SQL). */
async function direct(f: ExploreFilters, level: keyof typeof LEVEL_COL): Promise<Map<string, [number, number]>> {
	const col = LEVEL_COL[level];
	// Stop and search has no district column (its aggregate rows have none): no cells.
	if (f.dataset === 'stop_search' && level === 'district') return new Map();
	const cat = f.dataset === 'stop_search' ? 'object_of_search' : 'category';
	const where = [`${col} IS NOT NULL`];
	const params: string[] = [];
	if (f.from) (where.push('month >= ?'), params.push(f.from));
	if (f.to) (where.push('month <= ?'), params.push(f.to));
	if (f.categories.length > 0) (where.push(`${cat} IN (${f.categories.map(() => '?').join(', ')})`), params.push(...f.categories));
	const rows = await runner.rows<{ id: string; n: number; outside: number }>(
		`SELECT ${col} AS id, count(*) AS n, count(*) FILTER (WHERE in_force_area = false) AS outside FROM ${f.dataset} WHERE ${where.join(' AND ')} GROUP BY 1`,
		params
	);
	return new Map(rows.map((r) => [String(r.id), [Number(r.n), Number(r.outside)]]));
}

/** Harm (and a harm value) to 9 decimals; counts, cells, order and every other field compare exactly. */
function rounded(c: CellValue): CellValue {
	const r9 = (v: number) => Math.round(v * 1e9) / 1e9;
	return { ...c, harm: r9(c.harm), value: c.value === null ? null : r9(c.value) };
}

describe('the map layer from the cell cube', () => {
	it('is not used for the sample by default (its explore_points is small)', async () => {
		const [r] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM explore_points');
		expect(Number(r.n)).toBeGreaterThan(0);
		expect(Number(r.n)).toBeLessThan(CELL_CUBE_MIN_ROWS);
	});

	it('gives the SQL’s cells and figures, and the base rows’ counts, at every level, dataset, period and category choice', async () => {
		let compared = 0;
		let cells = 0;
		for (const dataset of ['incidents', 'stop_search'] as const) {
			const ms = months[dataset];
			const periods: Array<[string | null, string | null]> = [
				[null, null],
				['2000-01', null],
				[ms[0], null],
				[ms[5], null],
				[null, ms[4]],
				[ms[2], ms[8]],
				[ms[ms.length - 1], ms[ms.length - 1]],
				['2099-12', null]
			];
			for (const level of ['h3_7', 'h3_8', 'h3_9', 'lsoa', 'district'] as const) {
				for (const [from, to] of periods) {
					for (const cats of [[], categories[dataset], ['No such category']]) {
						const measures: Measure[] = level === 'lsoa' || level === 'district' ? ['count', 'harm', 'rate'] : ['count', 'harm'];
						for (const measure of measures) {
							const f: ExploreFilters = { ...defaultFilters(), dataset, from, to, categories: cats, measure };
							const what = JSON.stringify([dataset, level, from, to, cats, measure]);
							const fast = await cellValues(runner, f, level, { cube: ALWAYS });
							const plain = await cellValues(runner, f, level, { cube: NEVER });
							expect(fast.map(rounded), what).toEqual(plain.map(rounded));
							if (measure === 'count') {
								const counts = await direct(f, level);
								expect(new Map(fast.map((c) => [c.cell_id, [c.n, c.outside]])), what).toEqual(counts);
								cells += fast.length;
							}
							compared++;
						}
					}
				}
			}
		}
		expect(compared).toBe(2 * 8 * 3 * (3 * 2 + 2 * 3));
		expect(cells).toBeGreaterThan(1000);
	}, 300_000);

	it('gives each dataset its own cells when two datasets’ cubes of one level are made at once', async () => {
		// Limits no other test uses, so both cubes are made here, side by side on one runner.
		const fresh = { minRows: 1, maxRows: Number.MAX_SAFE_INTEGER };
		for (const level of ['h3_8', 'lsoa'] as const) {
			const filters = (['incidents', 'stop_search'] as const).map((dataset) => ({ ...defaultFilters(), dataset }));
			const fast = await Promise.all(filters.map((f) => cellValues(runner, f, level, { cube: fresh })));
			for (let i = 0; i < filters.length; i++) {
				const plain = await cellValues(runner, filters[i], level, { cube: NEVER });
				expect(plain.length, level).toBeGreaterThan(0);
				expect(fast[i].map(rounded), `${filters[i].dataset} ${level}`).toEqual(plain.map(rounded));
			}
		}
	}, 120_000);
});

describe('the map layer with the harm weights kept by the caller', () => {
	it('gives the figures of the weights read from harm_weights, and weighs by the rows given', async () => {
		const f: ExploreFilters = { ...defaultFilters(), dataset: 'incidents', measure: 'harm' };
		const kept = readHarmWeights(runner);
		let asked = 0;
		const harmWeights = () => (asked++, kept);
		for (const level of ['h3_7', 'lsoa'] as const) {
			const read = await cellValues(runner, f, level, { cube: ALWAYS });
			const given = await cellValues(runner, f, level, { cube: ALWAYS, harmWeights });
			expect(given.length, level).toBeGreaterThan(0);
			expect(given, level).toEqual(read);
		}
		expect(asked).toBe(2);
		// Every category weighing 1 (none excluded): each cell's harm is its records with a category.
		const ones = new Map([...(await kept).keys()].map((c) => [c, { weight: 1, excluded: false }]));
		const plain = await cellValues(runner, f, 'lsoa', { cube: ALWAYS, harmWeights: async () => ones });
		const [r] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents WHERE lsoa_code IS NOT NULL AND category IN (SELECT category FROM harm_weights)');
		expect(plain.reduce((s, c) => s + c.harm, 0)).toBe(Number(r.n));
		expect(plain.every((c) => c.unweighted + c.harm === c.n)).toBe(true);
	});
});

describe('cubeTotals', () => {
	// Two cells (a, b), categories X (weight 2.5), Y (excluded) and none, months 0–2 (as month indexes 24000–24002), two rows each.
	const cube: CellCube = {
		cells: ['a', 'b'],
		categories: ['X', 'Y', null],
		firstMonth: 24000,
		monthStart: Int32Array.from([0, 2, 4, 6]),
		category: Uint16Array.from([0, 2, 0, 1, 0, 0]),
		cell: Int32Array.from([0, 1, 0, 0, 1, 1]),
		outside: Uint8Array.from([0, 0, 1, 0, 0, 1]),
		n: Int32Array.from([3, 4, 5, 7, 11, 13])
	};
	const weights = new Map([
		['X', { weight: 2.5, excluded: false }],
		['Y', { weight: 9, excluded: true }]
	]);
	const m = (i: number) => `2000-0${i + 1}`;

	it('sums every row with no filter, harm over weighted categories only', () => {
		expect(monthIndex(m(0))).toBe(24000);
		expect(cubeTotals(cube, { from: null, to: null, categories: [] }, weights)).toEqual([
			// a: X 3 + 5 (5 outside), Y 7 → n 15, harm 8 × 2.5, unweighted 7.
			{ cell_id: 'a', n: 15, harm: 20, unweighted: 7, outside: 5 },
			// b: none 4, X 11 + 13 (13 outside) → n 28, harm 24 × 2.5, unweighted 4.
			{ cell_id: 'b', n: 28, harm: 60, unweighted: 4, outside: 13 }
		]);
	});

	it('keeps the period’s months and the chosen categories (records without a category only when none is chosen)', () => {
		expect(cubeTotals(cube, { from: m(1), to: null, categories: [] }, weights)).toEqual([
			{ cell_id: 'a', n: 12, harm: 12.5, unweighted: 7, outside: 5 },
			{ cell_id: 'b', n: 24, harm: 60, unweighted: 0, outside: 13 }
		]);
		expect(cubeTotals(cube, { from: null, to: m(1), categories: ['Y'] }, weights)).toEqual([{ cell_id: 'a', n: 7, harm: 0, unweighted: 7, outside: 0 }]);
		expect(cubeTotals(cube, { from: m(0), to: m(0), categories: ['X', 'Z'] }, weights)).toEqual([{ cell_id: 'a', n: 3, harm: 7.5, unweighted: 0, outside: 0 }]);
		expect(cubeTotals(cube, { from: m(2), to: null, categories: ['Y'] }, weights)).toEqual([]);
		// A period outside the cube's months, or around them.
		expect(cubeTotals(cube, { from: '2001-01', to: null, categories: [] }, weights)).toEqual([]);
		expect(cubeTotals(cube, { from: null, to: '1999-12', categories: [] }, weights)).toEqual([]);
		expect(cubeTotals(cube, { from: '1999-01', to: '2001-01', categories: [] }, weights)).toEqual(cubeTotals(cube, { from: null, to: null, categories: [] }, weights));
	});
});
