/**
 * The map coloured by change over the real City of London sample: each cell's two values equal
 * the test's own count of the base rows for each period; the diverging classes and the legend
 * worked by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classOf } from '../explore/classes';
import { defaultFilters, type ExploreFilters } from '../explore/filters';
import { loadExploreSample, type ExploreSample } from '../explore/sample.test-setup';
import { CHANGE_COLOURS, cellChanges, changeClasses, changeLegend, comparisonColumns, withCellComparison } from './cells';
import { comparePeriods } from './periods';

let sample: ExploreSample;

beforeAll(async () => {
	sample = await loadExploreSample();
}, 120_000);

afterAll(async () => {
	await sample?.runner.close();
});

async function perLsoa(from: string, to: string): Promise<Map<string, number>> {
	const rows = await sample.runner.rows<{ id: string; n: number }>(
		'SELECT lsoa_code AS id, count(*)::INTEGER AS n FROM incidents WHERE lsoa_code IS NOT NULL AND month BETWEEN ? AND ? GROUP BY 1',
		[from, to]
	);
	return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

describe('cell changes over the sample', () => {
	it('same period last year at LSOA level: both values per cell equal the base rows, value = difference', async () => {
		const f: ExploreFilters = { ...defaultFilters(), from: '2019-03', to: '2019-05', measure: 'change', compare: 'last-year' };
		const { cells, periods } = await cellChanges(sample.runner, f, 'lsoa');
		expect(periods?.words).toBe('March–May 2019 against March–May 2018');
		const now = await perLsoa('2019-03', '2019-05');
		const then = await perLsoa('2018-03', '2018-05');
		expect(new Set(cells.map((c) => c.cell_id))).toEqual(new Set([...now.keys(), ...then.keys()]));
		expect(cells.length).toBeGreaterThan(5);
		for (const c of cells) {
			const a = now.get(c.cell_id) ?? 0;
			const b = then.get(c.cell_id) ?? 0;
			expect([c.n, c.comparison, c.value], c.cell_id).toEqual([a, b, a - b]);
			expect(c.ratio).toBe(b > 0 ? a / b : null);
		}
		// Ordered by cell id, like cellValues.
		expect(cells.map((c) => c.cell_id)).toEqual([...cells.map((c) => c.cell_id)].sort());
	});

	it('no basis chosen, or no comparison period in the data: no value, and a note saying why', async () => {
		const none = await cellChanges(sample.runner, { ...defaultFilters(), measure: 'change' }, 'lsoa');
		expect(none.cells.every((c) => c.value === null && /Compare with/.test(c.note ?? ''))).toBe(true);
		const early = await cellChanges(sample.runner, { ...defaultFilters(), from: '2018-01', to: '2018-03', measure: 'change', compare: 'last-year' }, 'lsoa');
		expect(early.cells.length).toBeGreaterThan(0);
		expect(early.cells.every((c) => c.value === null && /^No comparison: January–March 2017 has no data/.test(c.note ?? ''))).toBe(true);
	});
});

describe('diverging classes', () => {
	it('five classes symmetric about 0, no change a class of its own', () => {
		// Largest size 7: t = ⌈3.5⌉ = 4.
		const s = changeClasses([-7, -4, -3, -1, 0, 0, 2, 4, 5, null]);
		expect(s.step).toBe(4);
		expect(s.min).toBe(-7);
		expect(s.colours).toEqual([...CHANGE_COLOURS]);
		const cls = [-7, -4, -3, -1, 0, 2, 3.9, 4, 5, 7].map((v) => classOf(v, s.breaks));
		expect(cls).toEqual([0, 0, 1, 1, 2, 3, 3, 4, 4, 4]);
		// A seasonal mean gives fractions: −0.5 is a fall, 0.3 a rise.
		expect(classOf(-0.5, s.breaks)).toBe(1);
		expect(classOf(0.3, s.breaks)).toBe(3);
		const legend = changeLegend(s, [1, 1, 2, 3, 3, 3, null], String);
		expect(legend.map((l) => [l.label, l.cells])).toEqual([
			['Fall of 4 or more', 2],
			['Fall of less than 4', 1],
			['No change', 3],
			['Rise of less than 4', 0],
			['Rise of 4 or more', 0],
			['No value', 1]
		]);
		expect(changeClasses([null]).breaks).toEqual([]);
		// All zero: t = 1, every cell "no change".
		expect(classOf(0, changeClasses([0, 0]).breaks)).toBe(2);
	});
});

describe('the comparison in the cell exports', () => {
	const base = ['cell_id', 'name', 'records', 'harm'] as const;
	const rows = [
		{ cell_id: 'A', name: 'a', records: 7, harm: 1 },
		{ cell_id: 'B', name: 'b', records: 0, harm: 0 },
		{ cell_id: 'C', name: 'c', records: 2, harm: 5 }
	];

	it('names the columns with the periods: one period, or the years of the seasonal mean', () => {
		expect(comparisonColumns(comparePeriods({ from: '2019-03', to: '2019-05' }, 'last-year'))).toEqual({
			comparison: 'records_2018-03_to_2018-05',
			difference: 'difference_2019-03_to_2019-05_minus_2018-03_to_2018-05'
		});
		expect(comparisonColumns(comparePeriods({ from: '2019-03', to: '2019-05' }, 'previous')).comparison).toBe('records_2018-12_to_2019-02');
		// The seasonal average over the years the data covers in full (2018 only here: 2016 and 2017 are before it).
		const seasonal = comparePeriods({ from: '2019-03', to: '2019-05' }, 'seasonal-3y', { first: '2017-12', last: '2019-11' });
		expect(comparisonColumns(seasonal).comparison).toBe('records_2018-03_to_2018-05');
		const all = comparePeriods({ from: '2019-03', to: '2019-05' }, 'seasonal-3y');
		expect(comparisonColumns(all).comparison).toBe('records_mean_of_2016-03_to_2016-05_and_2017-03_to_2017-05_and_2018-03_to_2018-05');
	});

	it('puts the comparison and the difference after records; a cell absent from the comparison had 0 there', () => {
		const periods = comparePeriods({ from: '2019-03', to: '2019-05' }, 'last-year');
		const c = withCellComparison(rows, base, new Map([['A', 4], ['B', 3]]), periods);
		expect(c.columns).toEqual(['cell_id', 'name', 'records', 'records_2018-03_to_2018-05', 'difference_2019-03_to_2019-05_minus_2018-03_to_2018-05', 'harm']);
		expect(c.rows.map((r) => [r.cell_id, r[c.names.comparison], r[c.names.difference], r.harm])).toEqual([
			['A', 4, 3, 1],
			['B', 3, -3, 0],
			['C', 0, 2, 5]
		]);
	});

	it('no comparison period in the data: the columns are there, empty', () => {
		const periods = comparePeriods({ from: '2018-01', to: '2018-03' }, 'last-year', { first: '2017-12', last: '2019-11' });
		expect(periods.available).toBe(false);
		const c = withCellComparison(rows, base, new Map([['A', null]]), periods);
		expect(c.rows.every((r) => r[c.names.comparison] === null && r[c.names.difference] === null)).toBe(true);
	});
});
