/**
 * The coarse hexagon levels, H3 r5 and r6 (filters.ts PARENT_LEVELS): a cell is the H3 parent of
 * the record's r7 cell. Over the real City of London sample (street crime and stop and search),
 * the SQL parent equals h3-js `cellToParent` for every r7 cell, and every reader of a level — the
 * map layer (SQL over the roll-up and the cell cube), a cell's figures, records and LSOAs, the
 * Time views filtered by a cell, the study region and Gi*'s window — gives each r5/r6 cell the
 * records whose r7 cell lies in it, counted here in JavaScript from the base rows with h3-js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToParent } from 'h3-js';
import { ALWAYS, NEVER, loadExploreSample } from './sample.test-setup';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { defaultFilters, withParentLevels, type ExploreDataset, type ExploreFilters } from './filters';
import { cellDetail, cellValues, h3ParentSql, incidentRows, monthCategoryCounts } from './queries';
import { cellLsoas } from './cell-lsoas';
import { giStarWindow, storedSelection, studyRegion } from './map';
import { monthKey } from '../shared/months';

let runner: NodeRunner;
let months: Record<ExploreDataset, string[]>;

beforeAll(async () => {
	({ runner, months } = await loadExploreSample());
}, 120_000);

afterAll(() => runner?.close());

type BaseRow = { r7: string; month: string; category: string | null; inside: boolean | null; lsoa: string | null };

/** Located base rows of a dataset (with an r7 cell), as the test reads them itself. */
async function baseRows(dataset: 'incidents' | 'stop_search'): Promise<BaseRow[]> {
	const cat = dataset === 'stop_search' ? 'object_of_search' : 'category';
	const rows = await runner.rows<BaseRow>(
		`SELECT h3_r7 AS r7, month, ${cat} AS category, in_force_area AS inside, lsoa_code AS lsoa FROM ${dataset} WHERE h3_r7 IS NOT NULL`
	);
	return rows.map((r) => ({ ...r, r7: String(r.r7) }));
}

/** Records and records outside the force area per parent cell, from base rows kept by `keep`. */
function byParent(rows: BaseRow[], res: number, keep: (r: BaseRow) => boolean = () => true): Map<string, [number, number]> {
	const out = new Map<string, [number, number]>();
	for (const r of rows) {
		if (!keep(r)) continue;
		const id = cellToParent(r.r7, res);
		const c = out.get(id) ?? [0, 0];
		c[0]++;
		if (r.inside === false) c[1]++;
		out.set(id, c);
	}
	return out;
}

describe('coarse hexagon levels (parents of the r7 cell)', () => {
	it('are offered wherever r7 is, coarsest first', () => {
		expect(withParentLevels(['h3_7', 'h3_8', 'h3_9', 'lsoa'])).toEqual(['h3_5', 'h3_6', 'h3_7', 'h3_8', 'h3_9', 'lsoa']);
		expect(withParentLevels(['lsoa', 'district'])).toEqual(['lsoa', 'district']);
		expect(withParentLevels(['h3_5', 'h3_6', 'h3_7'])).toEqual(['h3_5', 'h3_6', 'h3_7']);
	});

	it('in SQL: the parent of every r7 cell of the sample is h3-js cellToParent’s', async () => {
		const rows = await runner.rows<{ r7: string; p5: string; p6: string }>(
			`SELECT DISTINCT h3_r7 AS r7, ${h3ParentSql('h3_r7', 5)} AS p5, ${h3ParentSql('h3_r7', 6)} AS p6 FROM explore_points WHERE h3_r7 IS NOT NULL`
		);
		expect(rows.length).toBeGreaterThan(10);
		for (const r of rows) {
			expect(r.p5, r.r7).toBe(cellToParent(r.r7, 5));
			expect(r.p6, r.r7).toBe(cellToParent(r.r7, 6));
		}
		const [none] = await runner.rows<{ p: string | null }>(`SELECT ${h3ParentSql('NULL::VARCHAR', 6)} AS p`);
		expect(none.p).toBeNull();
	});

	it('the map layer (SQL and cell cube): each cell’s records and records outside are the base rows’, harm the sum of its r7 cells’', async () => {
		let compared = 0;
		for (const dataset of ['incidents', 'stop_search'] as const) {
			const rows = await baseRows(dataset);
			const ms = months[dataset];
			const cats = [...new Set(rows.map((r) => r.category))].filter((c): c is string => c !== null).slice(0, 2);
			const states: ExploreFilters[] = [
				{ ...defaultFilters(), dataset },
				{ ...defaultFilters(), dataset, from: ms[3], to: null },
				{ ...defaultFilters(), dataset, from: ms[1], to: ms[6], categories: cats }
			];
			for (const f of states) {
				const keep = (r: BaseRow) =>
					(f.from === null || r.month >= f.from) && (f.to === null || r.month <= f.to) && (f.categories.length === 0 || (r.category !== null && f.categories.includes(r.category)));
				const r7 = await cellValues(runner, { ...f, measure: 'harm' }, 'h3_7', { cube: NEVER });
				for (const [level, res] of [['h3_5', 5], ['h3_6', 6]] as const) {
					const expected = byParent(rows, res, keep);
					const harm = new Map<string, number>();
					for (const c of r7) harm.set(cellToParent(c.cell_id, res), (harm.get(cellToParent(c.cell_id, res)) ?? 0) + c.harm);
					for (const cube of [NEVER, ALWAYS]) {
						const cells = await cellValues(runner, { ...f, measure: 'harm' }, level, { cube });
						const what = JSON.stringify([dataset, f.from, f.to, f.categories, level, cube === ALWAYS]);
						expect(new Map(cells.map((c) => [c.cell_id, [c.n, c.outside]])), what).toEqual(expected);
						for (const c of cells) expect(c.harm, `${what} ${c.cell_id}`).toBeCloseTo(harm.get(c.cell_id)!, 9);
						expect(cells.map((c) => c.cell_id), what).toEqual([...expected.keys()].sort());
						compared++;
					}
				}
			}
		}
		expect(compared).toBe(2 * 3 * 2 * 2);
	}, 120_000);

	it('a cell’s figures, records, LSOAs and the Time views filtered by it hold the records whose r7 cell lies in it', async () => {
		const rows = await baseRows('incidents');
		for (const res of [5, 6] as const) {
			const level = res === 5 ? 'h3_5' : 'h3_6';
			const counts = byParent(rows, res);
			// The busiest cell, and the least busy.
			const ids = [...counts.entries()].sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
			for (const id of [ids[0], ids[ids.length - 1]]) {
				const inCell = rows.filter((r) => cellToParent(r.r7, res) === id);
				const f: ExploreFilters = { ...defaultFilters(), dataset: 'incidents' };
				const detail = await cellDetail(runner, f, level, id);
				expect(detail.n, `${level} ${id}`).toBe(inCell.length);
				const page = await incidentRows(runner, f, level, id, { limit: 1000, offset: 0 });
				expect(page.total, `${level} ${id} records`).toBe(inCell.length);
				const lsoas = await cellLsoas(runner, f, level, id, 1000);
				const byLsoa = new Map<string, number>();
				for (const r of inCell) if (r.lsoa !== null) byLsoa.set(r.lsoa, (byLsoa.get(r.lsoa) ?? 0) + 1);
				expect(new Map(lsoas.lsoas.map((l) => [l.code, l.records])), `${level} ${id} LSOAs`).toEqual(byLsoa);
				const trend = await monthCategoryCounts(runner, { ...f, area: { level, ids: [id] } });
				expect(trend.total, `${level} ${id} trend`).toBe(inCell.length);
				// As the r7 cells it is made of (the Stop and search page's area): the same records.
				const stored = storedSelection({ level, ids: [id] });
				expect(stored.level).toBe('h3_7');
				expect(stored.ids).toHaveLength(res === 5 ? 49 : 7);
				expect((await monthCategoryCounts(runner, { ...f, area: stored })).total, `${level} ${id} as r7 cells`).toBe(inCell.length);
			}
		}
	}, 120_000);

	it('the study region is the parents of the r7 force cells and of cells holding records inside the force area; Gi*’s window reads the same cells', async () => {
		const rows = await baseRows('incidents');
		const force = (await runner.rows<{ h3: string }>('SELECT DISTINCT h3 FROM force_cells WHERE resolution = 7')).map((r) => String(r.h3));
		expect(force.length).toBeGreaterThan(0);
		for (const res of [5, 6] as const) {
			const level = res === 5 ? 'h3_5' : 'h3_6';
			const region = await studyRegion(runner, 'incidents', level);
			const expected = new Set([...force.map((c) => cellToParent(c, res)), ...rows.filter((r) => r.inside === true).map((r) => cellToParent(r.r7, res))]);
			expect(new Set(region.ids), level).toEqual(expected);
			expect(region.basis).toContain(`resolution-${res} hexagons holding a resolution-7 hexagon`);
			const f: ExploreFilters = { ...defaultFilters(), dataset: 'incidents' };
			const window = await giStarWindow(runner, f, level, 3);
			const last = window.months;
			const inWindow = byParent(rows, res, (r) => r.inside !== false && last.some((m) => monthKey(m) === r.month));
			const summed = new Map<string, number>();
			for (const r of window.rows) summed.set(r.cell_id, (summed.get(r.cell_id) ?? 0) + r.value);
			expect(summed, level).toEqual(new Map([...inWindow].map(([id, [n]]) => [id, n])));
		}
	}, 120_000);
});
