/**
 * The map layer's "from a month onwards" table (query-base.ts fromTable), read by cellValues for a
 * period open at its end on a large roll-up: over the real City of London sample, every level,
 * dataset, start month and category choice gives the same cells and figures as the roll-up it is
 * made from (harm to 9 decimals: the same terms, possibly added in another order), and each
 * cell's count equals a direct count over the base rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS, LEVEL_COL, NEVER, loadExploreSample } from './sample.test-setup';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { defaultFilters, type CellLevel, type ExploreDataset, type ExploreFilters } from './filters';
import { cellValues, type CellValue } from './queries';
import { FROM_TABLE_MIN_ROWS } from './query-base';
import { tableExists } from '../shared/catalog';
import type { Param, QueryRunner } from '../runner';


let runner: NodeRunner;
let months: Record<ExploreDataset, string[]>;
let categories: Record<ExploreDataset, string[]>;

beforeAll(async () => {
	({ runner, months, categories } = await loadExploreSample());
}, 120_000);

afterAll(() => runner?.close());

/** Records per cell under the filters, counted over the base rows (the test's own SQL). */
async function directCounts(f: ExploreFilters, level: keyof typeof LEVEL_COL): Promise<Map<string, number>> {
	const col = LEVEL_COL[level];
	const cat = f.dataset === 'stop_search' ? 'object_of_search' : 'category';
	const where = [`${col} IS NOT NULL`];
	const params: string[] = [];
	if (f.from) (where.push('month >= ?'), params.push(f.from));
	if (f.categories.length > 0) (where.push(`${cat} IN (${f.categories.map(() => '?').join(', ')})`), params.push(...f.categories));
	const rows = await runner.rows<{ id: string; n: number }>(`SELECT ${col} AS id, count(*) AS n FROM ${f.dataset} WHERE ${where.join(' AND ')} GROUP BY 1`, params);
	return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
}

/**
 * A cell with its harm (and a harm value) to 9 decimals: harm is Σ count × weight over the cell's
 * categories, and a hash aggregate may add the same terms in another order (the last bit of a
 * double); counts, cells and every other field compare exactly.
 */
function rounded(c: CellValue): CellValue {
	const r9 = (v: number) => Math.round(v * 1e9) / 1e9;
	return { ...c, harm: r9(c.harm), value: c.value === null ? null : r9(c.value) };
}

describe('the map layer from the "from a month onwards" table', () => {
	it('is not made for the sample by default (its roll-ups are small)', async () => {
		await cellValues(runner, { ...defaultFilters(), from: months.incidents[3] }, 'h3_8');
		expect(FROM_TABLE_MIN_ROWS).toBeGreaterThan(20_000);
		expect(await tableExists(runner, 'explore_cells_h3_8_from')).toBe(false);
	});

	it('gives the roll-up’s cells and figures, and the base rows’ counts, at every level, dataset, start month and category choice', async () => {
		let compared = 0;
		for (const dataset of ['incidents', 'stop_search'] as const) {
			const ms = months[dataset];
			// Before the data, its first month, within, its last month, after it, and no start.
			const starts = [null, '2000-01', ms[0], ms[5], ms[ms.length - 1], '2099-12'];
			for (const level of ['h3_7', 'h3_8', 'h3_9', 'lsoa'] as const) {
				for (const from of starts) {
					for (const cats of [[], categories[dataset]]) {
						for (const measure of ['count', 'harm'] as const) {
							const f: ExploreFilters = { ...defaultFilters(), dataset, from, categories: cats, measure };
							const fast = await cellValues(runner, f, level, { fromTable: ALWAYS });
							const plain = await cellValues(runner, f, level, { fromTable: NEVER });
							expect(fast.map(rounded), JSON.stringify([dataset, level, from, cats, measure])).toEqual(plain.map(rounded));
							if (measure === 'count') {
								const direct = await directCounts(f, level);
								expect(new Map(fast.map((c) => [c.cell_id, c.n]))).toEqual(direct);
								if (from !== '2099-12') expect(fast.length).toBeGreaterThan(0);
							}
							compared++;
						}
					}
				}
				expect(await tableExists(runner, `explore_cells_${level}_from`), level).toBe(true);
			}
		}
		expect(compared).toBe(2 * 4 * 6 * 2 * 2);
	}, 300_000);

	it('is not used when the period has an end (the roll-up answers), with the same figures', async () => {
		const f: ExploreFilters = { ...defaultFilters(), from: months.incidents[2], to: months.incidents[8], categories: categories.incidents };
		const a = await cellValues(runner, f, 'lsoa', { fromTable: ALWAYS });
		const direct = await directCounts(f, 'lsoa');
		const [to] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents WHERE lsoa_code IS NOT NULL AND month > ? AND category IN (?, ?, ?)', [
			months.incidents[8],
			...categories.incidents
		]);
		// The direct counts above ignore `to`; those of the months after it are what the roll-up leaves out.
		expect(a.reduce((s, c) => s + c.n, 0)).toBe([...direct.values()].reduce((s, n) => s + n, 0) - Number(to.n));
	});
});

/**
 * The runner with every number bound as a DOUBLE, as DuckDB-wasm binds JavaScript numbers (the
 * Node runner binds whole numbers as BIGINT): each `?` of a number becomes `(?::DOUBLE)`.
 */
function bindingDoubles(r: NodeRunner): QueryRunner {
	const cast = (sql: string, params: readonly Param[] = []) => {
		let i = 0;
		return sql.replace(/\?/g, () => (typeof params[i++] === 'number' ? '(?::DOUBLE)' : '?'));
	};
	return {
		rows: (sql, params) => r.rows(cast(sql, params), params),
		columns: (sql, params) => r.columns(cast(sql, params), params),
		exec: (sql, params) => r.exec(cast(sql, params), params)
	};
}

describe('the "from a month onwards" table with numbers bound as DOUBLE (as in the browser)', () => {
	it('is made and gives the roll-up’s cells and figures', async () => {
		const browserLike = bindingDoubles(runner);
		for (const from of [months.incidents[0], months.incidents[4]]) {
			for (const cats of [[], categories.incidents]) {
				const f: ExploreFilters = { ...defaultFilters(), from, categories: cats, measure: 'harm' };
				const fast = await cellValues(browserLike, f, 'h3_8', { fromTable: ALWAYS });
				const plain = await cellValues(runner, f, 'h3_8', { fromTable: NEVER });
				expect(fast.map(rounded)).toEqual(plain.map(rounded));
				expect(fast.length).toBeGreaterThan(0);
			}
		}
	});
});
