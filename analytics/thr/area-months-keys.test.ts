/**
 * The integer keys of `thr_area_months` (area_index, category_index, first_of_area,
 * first_of_category: the rows of each one's earliest month; area-months.ts thrAreaMonthsSelectSql) on the real City of London street
 * extract as the builder writes it, checked against its codes by independent JavaScript; and the
 * grid read from them (readAreaMonthGridByKeys: no GROUP BY, weights applied by index) equal,
 * value for value, to the grid grouped on the codes in SQL (readAreaMonthGridGrouped) — for the
 * published weights, what-if weights and exclusions, with and without the force-area filter, over
 * ranges inside, before and after the data, and with the rows after the range deleted. Where the
 * keyed read cannot promise the SQL's doubles (a category weighted twice, squares beyond 2^64) it
 * declines and readAreaMonthGrid groups in SQL; an extract without the keys is read as before.
 * readAreaMonthGrid reads the keys only through a runner with QueryRunner.numbers (the browser's);
 * here a wrapper of the native runner gives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { applyWhatIf } from '.';
import { hasAreaMonthKeys, monthTotals, monthTotalsBesideGrid, readAreaMonthGrid, readAreaMonthGridByKeys, readAreaMonthGridGrouped, withGridTotals, type AreaMonthGridRequest } from './area-months';
import { effectiveWeights } from './model';
import { cchiWeights, sampleRunner, thrV3 } from './fixtures.test-setup';
import type { HarmWeightInput } from '../forecast/series';
import type { QueryRunner } from '../runner';

const weights = cchiWeights();
let city: NodeRunner;
let first: number;
let last: number;

beforeAll(async () => {
	city = await sampleRunner({ aggregate: true });
	const [r] = await city.rows<{ lo: number; hi: number }>('SELECT min(month_index) AS lo, max(month_index) AS hi FROM incidents');
	[first, last] = [Number(r.lo), Number(r.hi)];
}, 120_000);
afterAll(() => city?.close());

/** The runner with QueryRunner.numbers (numeric columns as typed arrays, as DuckDB-wasm's runner gives them): readAreaMonthGrid then reads the keys. */
function typedRunner(runner: NodeRunner): QueryRunner {
	return {
		rows: (sql, params) => runner.rows(sql, params),
		columns: (sql, params) => runner.columns(sql, params),
		exec: (sql, params) => runner.exec(sql, params),
		numbers: async (sql, params) => {
			const cols = await runner.columns(sql, params);
			return Object.fromEntries(Object.entries(cols).map(([name, values]) => [name, Int32Array.from(values as number[])]));
		}
	};
}

/**
 * The runner with QueryRunner.numberBatches (the result batch by batch, as DuckDB-wasm hands it
 * over), cut into batches of uneven sizes: one row, a few, DuckDB-wasm's 2,048, an empty one, the rest.
 */
function batchedRunner(runner: NodeRunner): QueryRunner {
	return {
		...typedRunner(runner),
		numberBatches: async (sql, params) => {
			const cols = await runner.columns(sql, params);
			const names = Object.keys(cols);
			const rows = names.length ? cols[names[0]].length : 0;
			const cuts = [0, 1, 8, 8, 2056, rows].filter((c) => c <= rows);
			const batches = [];
			for (let k = 1; k < cuts.length; k++) {
				batches.push(Object.fromEntries(names.map((name) => [name, Int32Array.from(cols[name].slice(cuts[k - 1], cuts[k]) as number[])])));
			}
			return batches;
		}
	};
}

/** JavaScript's code-unit comparison (the codes here are ASCII: the same as binary order). */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('thr_area_months keys, the extract as built', () => {
	it('number the distinct codes and categories in binary order, and mark the rows of each one’s earliest month', async () => {
		expect(await hasAreaMonthKeys(city)).toBe(true);
		const rows = await city.rows<{ lsoa_code: string | null; category: string | null; month_index: number; area_index: number | null; category_index: number | null; first_of_area: boolean; first_of_category: boolean }>(
			'SELECT lsoa_code, category, month_index, area_index, category_index, first_of_area, first_of_category FROM thr_area_months'
		);
		const codes = [...new Set(rows.map((r) => r.lsoa_code).filter((c): c is string => c !== null))].sort(byCodeUnits);
		const categories = [...new Set(rows.map((r) => r.category).filter((c): c is string => c !== null))].sort(byCodeUnits);
		expect(codes.length).toBeGreaterThan(5);
		expect(categories.length).toBeGreaterThan(5);
		const firstMonth = new Map<string, number>();
		const firstCategoryMonth = new Map<string, number>();
		for (const r of rows) {
			expect(r.area_index).toBe(r.lsoa_code === null ? null : codes.indexOf(r.lsoa_code));
			expect(r.category_index).toBe(r.category === null ? null : categories.indexOf(r.category));
			if (r.lsoa_code !== null) firstMonth.set(r.lsoa_code, Math.min(firstMonth.get(r.lsoa_code) ?? Infinity, Number(r.month_index)));
			if (r.category !== null) firstCategoryMonth.set(r.category, Math.min(firstCategoryMonth.get(r.category) ?? Infinity, Number(r.month_index)));
		}
		// Marked: exactly the rows in the earliest month of their area (of their category).
		for (const r of rows) {
			expect(r.first_of_area).toBe(r.lsoa_code !== null && Number(r.month_index) === firstMonth.get(r.lsoa_code));
			expect(r.first_of_category).toBe(r.category !== null && Number(r.month_index) === firstCategoryMonth.get(r.category));
		}
		expect(new Set(rows.filter((r) => r.first_of_area).map((r) => r.lsoa_code)).size).toBe(codes.length);
		expect(new Set(rows.filter((r) => r.first_of_category).map((r) => r.category)).size).toBe(categories.length);
	});
});

describe('the grid read from the keys', () => {
	const published = effectiveWeights(thrV3(), weights);
	const whatIf = (() => {
		const { model, weights: w } = applyWhatIf(thrV3(), weights, { harmWeights: { Shoplifting: 40, Burglary: 0 }, include: ['Drugs', 'Possession of weapons'] });
		return effectiveWeights(model, w);
	})();
	const some: HarmWeightInput[] = published.slice(0, 3).map((w, i) => ({ ...w, excluded: i === 1 }));
	const cases: Array<[string, readonly HarmWeightInput[]]> = [
		['published weights', published],
		['what-if weights and exclusions', whatIf],
		['three categories, one excluded', some],
		['no weights', []]
	];

	for (const [what, w] of cases) {
		it(`equals the grid grouped in SQL: ${what}`, async () => {
			const ranges: Array<[number, number]> = [
				[first, last],
				[last - 12, last],
				[first - 5, first + 2],
				[last - 2, last + 4],
				[last, last]
			];
			for (const forceAreaOnly of [true, false]) {
				for (const [lo, hi] of ranges) {
					const request: AreaMonthGridRequest = { weights: w, first: lo, last: hi, forceAreaOnly };
					const keyed = await readAreaMonthGridByKeys(city, request);
					expect(keyed).not.toBeNull();
					expect(keyed).toEqual(await readAreaMonthGridGrouped(city, request));
					expect(await readAreaMonthGrid(typedRunner(city), request)).toEqual(keyed);
				}
			}
			// Squares above 2^53 are in play (the SQL sums them as HUGEINT): the doubles still agree.
			const grid = await readAreaMonthGridByKeys(city, { weights: published, first, last, forceAreaOnly: false });
			expect(Math.max(...grid!.harm2)).toBeGreaterThan(2 ** 53);
			expect(grid!.areas.length).toBeGreaterThan(5);
		});
	}

	it('the same through a runner that hands numeric columns over as typed arrays (as the browser does)', async () => {
		const typed = typedRunner(city);
		for (const forceAreaOnly of [true, false]) {
			const request: AreaMonthGridRequest = { weights: published, first: last - 24, last, forceAreaOnly };
			expect(await readAreaMonthGridByKeys(typed, request)).toEqual(await readAreaMonthGridGrouped(city, request));
		}
	});

	it('the same batch by batch, whatever the batch sizes (as the browser hands rows over)', async () => {
		const batched = batchedRunner(city);
		for (const w of [published, whatIf]) {
			for (const forceAreaOnly of [true, false]) {
				for (const [lo, hi] of [[first, last], [last - 24, last], [last, last]] as Array<[number, number]>) {
					const request: AreaMonthGridRequest = { weights: w, first: lo, last: hi, forceAreaOnly };
					const grid = await readAreaMonthGridByKeys(batched, request);
					expect(grid).not.toBeNull();
					expect(grid).toEqual(await readAreaMonthGridGrouped(city, request));
				}
			}
		}
	});

	it('reads nothing after the range: later rows deleted change nothing', async () => {
		const other = await sampleRunner({ aggregate: true });
		try {
			const cut = first + Math.floor((last - first) / 2);
			const request: AreaMonthGridRequest = { weights: published, first: cut - 6, last: cut, forceAreaOnly: true };
			const before = await readAreaMonthGridByKeys(other, request);
			await other.exec('DELETE FROM thr_area_months WHERE month_index > ?', [cut]);
			expect(await readAreaMonthGridByKeys(other, request)).toEqual(before);
			expect(before).toEqual(await readAreaMonthGridGrouped(other, request));
		} finally {
			other.close();
		}
	});

	it('declines where it cannot promise the SQL’s doubles, and readAreaMonthGrid groups in SQL instead', async () => {
		// A category listed twice joins twice in SQL.
		const twice = [...published, published[0]];
		// A weight whose square in millionths² passes 2^64 in one cell.
		const huge = published.map((w) => ({ ...w, weight: w.weight === null ? null : w.weight * 100_000 }));
		for (const w of [twice, huge]) {
			const request: AreaMonthGridRequest = { weights: w, first, last, forceAreaOnly: false };
			expect(await readAreaMonthGridByKeys(city, request)).toBeNull();
			expect(await readAreaMonthGrid(typedRunner(city), request)).toEqual(await readAreaMonthGridGrouped(city, request));
		}
	});

	it('declines a row whose records and category slot do not fit one 31-bit integer, and readAreaMonthGrid groups in SQL instead', async () => {
		const big = await sampleRunner({ aggregate: true });
		try {
			const request: AreaMonthGridRequest = { weights: published, first, last, forceAreaOnly: true };
			expect(await readAreaMonthGridByKeys(big, request)).not.toBeNull();
			const [{ slots }] = await big.rows<{ slots: number }>('SELECT count(DISTINCT category_index) + 1 AS slots FROM thr_area_months');
			// One row with so many records that records × slots + slot passes 2^31 − 1.
			await big.exec('UPDATE thr_area_months SET n = CAST(? AS INTEGER) WHERE area_index = 0 AND month_index = ? AND category_index IS NOT NULL', [Math.floor(2 ** 31 / Number(slots)), last]);
			expect(await readAreaMonthGridByKeys(big, request)).toBeNull();
			expect(await readAreaMonthGridByKeys(batchedRunner(big), request)).toBeNull();
			const grouped = await readAreaMonthGridGrouped(big, request);
			expect(await readAreaMonthGrid(batchedRunner(big), request)).toEqual(grouped);
		} finally {
			big.close();
		}
	});

	it('the month totals read beside a grid and completed with its records equal the whole table’s, with and without the flag, keyed or grouped', async () => {
		const db = await sampleRunner({ aggregate: true });
		try {
			const check = async () => {
				for (const forceAreaOnly of [true, false]) {
					const whole = await monthTotals(db, last, forceAreaOnly);
					// Records outside, without an area, and before the grid all occur in the sample.
					if (forceAreaOnly) expect(whole.outside.some((v) => v > 0) && whole.unplaced.some((v) => v > 0)).toBe(true);
					for (const first of [last - 40, last - 30, last - 5, last]) {
						const grid = await readAreaMonthGrid(typedRunner(db), { weights: published, first, last, forceAreaOnly });
						expect(withGridTotals(await monthTotalsBesideGrid(db, last, forceAreaOnly, first), grid)).toEqual(whole);
					}
				}
			};
			await check();
			for (const column of ['first_of_category', 'first_of_area', 'category_index', 'area_index']) await db.exec(`ALTER TABLE thr_area_months DROP COLUMN ${column}`);
			await check();
		} finally {
			db.close();
		}
	});

	it('an extract without the keys is read grouped on the codes, with the same grid and month totals', async () => {
		const old = await sampleRunner({ aggregate: true });
		try {
			const request: AreaMonthGridRequest = { weights: published, first: last - 30, last, forceAreaOnly: true };
			const keyed = await readAreaMonthGridByKeys(old, request);
			expect(keyed).not.toBeNull();
			const totals = await Promise.all([true, false].map((flag) => monthTotals(old, last, flag)));
			expect(totals[0].unplaced.some((v) => v > 0)).toBe(true);
			// Any one key missing is enough to read grouped on the codes.
			await old.exec('ALTER TABLE thr_area_months DROP COLUMN first_of_category');
			expect(await hasAreaMonthKeys(old)).toBe(false);
			for (const column of ['first_of_area', 'category_index', 'area_index']) await old.exec(`ALTER TABLE thr_area_months DROP COLUMN ${column}`);
			expect(await hasAreaMonthKeys(old)).toBe(false);
			expect(await readAreaMonthGrid(typedRunner(old), request)).toEqual(keyed);
			expect(await Promise.all([true, false].map((flag) => monthTotals(old, last, flag)))).toEqual(totals);
		} finally {
			old.close();
		}
	});
});
