/**
 * The Map and Time queries against a real DuckDB over the real City of London sample (street
 * crime and stop and search, with the London LSOA boundaries and IMD population), built by the
 * extract builder. Every view's figures are compared with a direct SQL over the base table
 * written here independently, for several filter states: dataset, period, categories, a
 * clicked cell at each level, a drawn box.
 */
import { color } from 'd3-color';
import { interpolateViridis } from 'd3-scale-chromatic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { ensureHarmWeights, scoreMonth } from '../thr';
import { cchiWeights, thrV1 } from '../thr/fixtures.test-setup';
import { aggregateSelectSql, createAggregateTables } from './aggregates';
import { classBreaks, classOf, sequentialColours } from './classes';
import { cellsCsv, hourOfWeekCsv, matrixCsv, trendCsv } from './export';
import { defaultFilters, type CellLevel, type ExploreFilters } from './filters';
import {
	cellDetail,
	cellValues,
	ensureAggregates,
	exploreDatasets,
	hourOfWeek,
	incidentRows,
	monthCategoryCounts,
	monthlyTrend,
	type MonthCategoryCounts
} from './queries';

const STREET = 'sample-data/police-uk/city-of-london/street';
const STOPS = 'sample-data/police-uk/city-of-london/stop-and-search';

const LEVEL_COL: Record<Exclude<CellLevel, 'h3_5' | 'h3_6'>, string> = { h3_7: 'h3_r7', h3_8: 'h3_r8', h3_9: 'h3_r9', lsoa: 'lsoa_code', district: 'district_id' };

let runner: NodeRunner;

/** The test's own SQL for a filter state over a base table (not the module's whereOf). */
function direct(f: ExploreFilters): { table: string; where: string; params: Array<string | number> } {
	const table = f.dataset;
	const cat = f.dataset === 'stop_search' ? 'object_of_search' : 'category';
	const where: string[] = ['true'];
	const params: Array<string | number> = [];
	if (f.from) where.push(`month >= '${f.from}'`); // constants of this test, not user input
	if (f.to) where.push(`month <= '${f.to}'`);
	if (f.categories.length) {
		where.push(`${cat} IN (${f.categories.map(() => '?').join(',')})`);
		params.push(...f.categories);
	}
	if (f.area) {
		where.push(`${LEVEL_COL[f.area.level as keyof typeof LEVEL_COL]} IN (${f.area.ids.map(() => '?').join(',')})`);
		params.push(...f.area.ids);
	}
	if (f.bbox) {
		where.push(`longitude >= ${f.bbox[0]} AND longitude <= ${f.bbox[2]} AND latitude >= ${f.bbox[1]} AND latitude <= ${f.bbox[3]}`);
	}
	return { table, where: where.join(' AND '), params };
}

async function count(f: ExploreFilters, extra = 'true'): Promise<number> {
	const d = direct(f);
	const [r] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM ${d.table} WHERE ${d.where} AND ${extra}`, d.params);
	return Number(r.n);
}

// Filter states over real values of the sample (chosen below once the data is loaded).
let states: ExploreFilters[] = [];

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [STREET, STOPS], { areas: SAMPLE_AREAS });
	await ensureHarmWeights(runner, cchiWeights());
	await createAggregateTables(runner);
	const [busyLsoa] = await runner.rows<{ c: string }>('SELECT lsoa_code AS c FROM incidents WHERE lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1');
	const [busyR8] = await runner.rows<{ c: string }>('SELECT h3_r8 AS c FROM incidents WHERE h3_r8 IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1');
	const [busyR9] = await runner.rows<{ c: string }>('SELECT h3_r9 AS c FROM stop_search WHERE h3_r9 IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1');
	const [r7] = await runner.rows<{ c: string }>('SELECT h3_r7 AS c FROM stop_search WHERE h3_r7 IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1');
	const [stopLsoa] = await runner.rows<{ c: string }>('SELECT lsoa_code AS c FROM stop_search WHERE lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1');
	const base = defaultFilters();
	const box: [number, number, number, number] = [-0.1, 51.512, -0.085, 51.52];
	states = [
		base,
		{ ...base, from: '2018-06', to: '2019-03' },
		{ ...base, categories: ['Burglary', 'Anti-social behaviour', 'Theft from the person'] },
		{ ...base, from: '2019-01', categories: ['Violence and sexual offences'], area: { level: 'lsoa', ids: [busyLsoa.c] } },
		{ ...base, area: { level: 'h3_8', ids: [busyR8.c] }, to: '2018-12' },
		{ ...base, bbox: box },
		{ ...base, dataset: 'stop_search' },
		{ ...base, dataset: 'stop_search', from: '2018-03', to: '2018-09', categories: ['Controlled drugs'] },
		{ ...base, dataset: 'stop_search', area: { level: 'h3_9', ids: [busyR9.c] } },
		{ ...base, dataset: 'stop_search', area: { level: 'h3_7', ids: [r7.c] }, categories: ['Stolen goods', 'Controlled drugs'] },
		{ ...base, dataset: 'stop_search', area: { level: 'lsoa', ids: [stopLsoa.c] }, from: '2018-01' },
		{ ...base, dataset: 'stop_search', bbox: box, to: '2019-06' }
	];
}, 120_000);
afterAll(() => runner?.close());

describe('explore pre-aggregates', () => {
	it('explore_points holds every record once: totals per dataset equal the base tables', async () => {
		const rows = await runner.rows<{ dataset: string; n: number }>('SELECT dataset, sum(n)::BIGINT AS n FROM explore_points GROUP BY 1 ORDER BY 1');
		const [inc] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM incidents');
		const [ss] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM stop_search');
		expect(Number(inc.n)).toBeGreaterThan(10_000);
		expect(rows.map((r) => [r.dataset, Number(r.n)])).toEqual([
			['incidents', Number(inc.n)],
			['stop_search', Number(ss.n)]
		]);
		const [h] = await runner.rows<{ n: number }>("SELECT sum(n)::BIGINT AS n FROM explore_hours WHERE dataset = 'stop_search'");
		expect(Number(h.n)).toBe(Number(ss.n));
	});

	it('has fewer rows than the records it summarises', async () => {
		// Sample: 7,764 rows for 18,206 street records (24 months × 14 categories over the
		// r9 cells of ~1,000 snap points is sparse); the ratio improves with volume (npm run bench).
		const [p] = await runner.rows<{ rows: number; recs: number }>("SELECT count(*) AS rows, sum(n) AS recs FROM explore_points WHERE dataset = 'incidents'");
		expect(Number(p.rows)).toBeLessThan(Number(p.recs));
	});

	it('are made from the base tables when an extract lacks them, and only then', async () => {
		const before = await runner.rows('SELECT * FROM explore_points ORDER BY ALL');
		expect(await ensureAggregates(runner)).toBe(false);
		await runner.exec('DELETE FROM explore_points');
		expect(await ensureAggregates(runner)).toBe(true);
		expect(await runner.rows('SELECT * FROM explore_points ORDER BY ALL')).toEqual(before);
	});

	it('the SQL names only contract columns and binds no values', () => {
		const sql = aggregateSelectSql('explore_points');
		expect(sql).not.toMatch(/\?/);
		expect(sql).toMatch(/"object_of_search" AS category/);
	});
});

describe('map layer: H3 and LSOA aggregation equals raw counts', () => {
	for (const level of ['h3_7', 'h3_8', 'h3_9', 'lsoa'] as const) {
		it(`at ${level}, for every filter state, cell by cell`, async () => {
			for (const f of states) {
				const cells = await cellValues(runner, f, level, { selection: 'apply' });
				const d = direct(f);
				const col = LEVEL_COL[level];
				const expected = await runner.rows<{ id: string; n: number }>(
					`SELECT ${col} AS id, count(*) AS n FROM ${d.table} WHERE ${d.where} AND ${col} IS NOT NULL GROUP BY 1 ORDER BY 1`,
					d.params
				);
				expect(cells.map((c) => [c.cell_id, c.n]), JSON.stringify(f)).toEqual(expected.map((e) => [e.id, Number(e.n)]));
				expect(cells.reduce((s, c) => s + c.n, 0)).toBe(await count(f, `${col} IS NOT NULL`));
			}
		});
	}

	it('ignores its own selection by default (the map highlights it instead)', async () => {
		const f = states[3];
		const withSel = await cellValues(runner, f, 'lsoa');
		const without = await cellValues(runner, { ...f, area: null }, 'lsoa');
		expect(withSel).toEqual(without);
		expect(withSel.length).toBeGreaterThan(1);
	});

	it('harm is Σ count × CCHI weight over weighted, non-excluded categories', async () => {
		const f = states[1];
		const cells = await cellValues(runner, { ...f, measure: 'harm' }, 'lsoa');
		const d = direct(f);
		const expected = await runner.rows<{ id: string; harm: number }>(
			`SELECT i.lsoa_code AS id, coalesce(sum(w.weight) FILTER (WHERE NOT w.excluded), 0)::DOUBLE AS harm
			 FROM incidents i LEFT JOIN harm_weights w ON w.category = i.category WHERE ${d.where.replaceAll('month', 'i.month')} AND i.lsoa_code IS NOT NULL GROUP BY 1 ORDER BY 1`,
			d.params
		);
		expect(cells.length).toBe(expected.length);
		cells.forEach((c, i) => {
			expect(c.value).toBeCloseTo(Number(expected[i].harm), 6);
			expect(c.harm).toBeCloseTo(Number(expected[i].harm), 6);
		});
	});

	it('rate per 1,000 residents uses the LSOA population; null with a reason for hexagons', async () => {
		const cells = await cellValues(runner, { ...states[0], measure: 'rate' }, 'lsoa');
		const pops = new Map(
			(await runner.rows<{ c: string; p: number | null }>('SELECT lsoa_code AS c, population AS p FROM areas')).map((r) => [r.c, r.p])
		);
		let checked = 0;
		for (const c of cells) {
			const p = pops.get(c.cell_id);
			if (p) {
				expect(c.population).toBe(Number(p));
				expect(c.value).toBeCloseTo((c.n / Number(p)) * 1000, 9);
				checked++;
			} else {
				expect(c.value).toBeNull();
				expect(c.note).toMatch(/Population unknown/);
			}
		}
		expect(checked).toBeGreaterThan(3);
		const hex = await cellValues(runner, { ...states[0], measure: 'rate' }, 'h3_8');
		expect(hex.every((c) => c.value === null && /hexagons/.test(c.note ?? ''))).toBe(true);
	});

	it('THR score per LSOA for the month "to" comes from analytics/thr', async () => {
		const month = '2019-06';
		const result = await scoreMonth(runner, { model: thrV1(), weights: cchiWeights(), month });
		const scores = new Map(result.areas.map((a) => [a.areaId, a.score]));
		const cells = await cellValues(runner, { ...states[0], to: month, measure: 'thr' }, 'lsoa', {
			thr: async (m) => {
				expect(m).toBe(month);
				return scores;
			}
		});
		const scored = cells.filter((c) => c.value !== null);
		expect(scored.length).toBeGreaterThan(3);
		for (const c of scored) expect(c.value).toBe(scores.get(c.cell_id));
		const stops = await cellValues(runner, { ...states[6], measure: 'thr' }, 'lsoa');
		expect(stops.every((c) => c.value === null && /THR scores are per LSOA/.test(c.note ?? ''))).toBe(true);
	});
});

describe('one cell', () => {
	it('cellDetail and incidentRows agree with the base table', async () => {
		for (const f of [states[1], states[7]]) {
			const [top] = await cellValues(runner, f, 'h3_9').then((cs) => [...cs].sort((a, b) => b.n - a.n));
			const detail = await cellDetail(runner, f, 'h3_9', top.cell_id);
			const scoped = { ...f, area: { level: 'h3_9' as const, ids: [top.cell_id] } };
			expect(detail.n).toBe(await count(scoped));
			expect(detail.n).toBe(top.n);
			expect(detail.categories.reduce((s, c) => s + c.n, 0)).toBe(detail.n);
			const page = await incidentRows(runner, f, 'h3_9', top.cell_id, { offset: 0, limit: 5 });
			expect(page.total).toBe(detail.n);
			expect(page.rows.length).toBe(Math.min(5, detail.n));
			const all = await incidentRows(runner, f, 'h3_9', top.cell_id, { offset: 0, limit: 1000 });
			const perCat = new Map<string, number>();
			for (const r of all.rows) perCat.set(String(r.category), (perCat.get(String(r.category)) ?? 0) + 1);
			for (const c of detail.categories) expect(perCat.get(String(c.category))).toBe(c.n);
		}
	});
});

describe('Time views', () => {
	it('month × category counts equal the base table for every filter state', async () => {
		for (const f of states) {
			const m = await monthCategoryCounts(runner, f);
			const d = direct(f);
			const cat = f.dataset === 'stop_search' ? 'object_of_search' : 'category';
			const expected = await runner.rows<{ c: string | null; m: string; n: number }>(
				`SELECT ${cat} AS c, month AS m, count(*) AS n FROM ${d.table} WHERE ${d.where} GROUP BY ALL`,
				d.params
			);
			expect(m.total, JSON.stringify(f)).toBe(await count(f));
			for (const e of expected) {
				const i = m.categories.indexOf(e.c);
				const k = m.months.indexOf(e.m);
				expect(m.counts[i][k]).toBe(Number(e.n));
			}
			expect(m.categoryTotals.reduce((s, v) => s + v, 0)).toBe(m.total);
			if (f.from) expect(m.months[0]).toBe(f.from);
			if (f.to) expect(m.months.at(-1)).toBe(f.to);
			const trend = await monthlyTrend(runner, f, m);
			expect(trend.series.reduce((s, x) => s + x.total, 0)).toBe(m.total);
		}
	});

	it('hour of week equals the base table, from the aggregate or (fine selections) the base', async () => {
		const used = new Set<string>();
		for (const f of states.filter((s) => s.dataset === 'stop_search')) {
			const h = await hourOfWeek(runner, f);
			expect(h.available).toBe(true);
			used.add(h.from!);
			const d = direct(f);
			const expected = await runner.rows<{ h: number; n: number }>(`SELECT hour_of_week AS h, count(*) AS n FROM stop_search WHERE ${d.where} GROUP BY 1`, d.params);
			const want = new Array(168).fill(0);
			for (const e of expected) want[Number(e.h)] = Number(e.n);
			expect(h.counts, JSON.stringify(f)).toEqual(want);
			expect(h.total).toBe(await count(f));
		}
		expect([...used].sort()).toEqual(['aggregate', 'base']);
	});

	it('hour of week is unavailable for month-resolution street data, and says why', async () => {
		const h = await hourOfWeek(runner, states[0]);
		expect(h.available).toBe(false);
		expect(h.reason).toMatch(/by month only/);
	});

	it('lists the datasets with their period, categories and levels', async () => {
		const ds = await exploreDatasets(runner);
		expect(ds.map((d) => d.dataset)).toEqual(['incidents', 'stop_search']);
		expect(ds[0]).toMatchObject({ firstMonth: '2017-12', timestamped: false });
		expect(ds[0].levels).toEqual(['h3_7', 'h3_8', 'h3_9', 'lsoa']);
		expect(ds[1].categories.map((c) => c.category)).toContain('Controlled drugs');
	});
});

describe('classes and exports', () => {
	it('quantile and Jenks breaks cover the values; the palette is viridis, light to dark', async () => {
		const cells = await cellValues(runner, states[0], 'h3_9');
		const values = cells.map((c) => c.value);
		for (const method of ['quantile', 'jenks'] as const) {
			const cl = classBreaks(values, method, 5);
			expect(cl.breaks.length).toBeGreaterThanOrEqual(method === 'jenks' ? 5 : 3);
			expect(cl.colours.length).toBe(cl.breaks.length);
			expect(cl.breaks.at(-1)).toBe(Math.max(...(values as number[])));
			expect(cl.min).toBe(Math.min(...(values as number[])));
			expect([...cl.breaks].sort((a, b) => a - b)).toEqual(cl.breaks);
			for (const v of values) expect(classOf(v, cl.breaks)).not.toBeNull();
		}
		// Hand-worked: ckmeans of [1,1,2,10,11,12,50] into 3 → {1,1,2} {10,11,12} {50}.
		expect(classBreaks([1, 1, 2, 10, 11, 12, 50, null], 'jenks', 3).breaks).toEqual([2, 12, 50]);
		expect(classBreaks([3, 3, 3], 'quantile', 5).breaks).toEqual([3]);
		const hex = (t: number) => color(interpolateViridis(t))!.formatHex();
		expect(sequentialColours(3)).toEqual([hex(0.95), hex(0.95 - 0.45), hex(0.95 - 0.9)]);
	});

	it('CSV exports hold the table figures and neutralise formula-like text', async () => {
		const m = await monthCategoryCounts(runner, states[2]);
		const csv = matrixCsv(m);
		const lines = csv.trimEnd().split('\r\n');
		expect(lines[0]).toBe(['category', ...m.months, 'total'].join(','));
		expect(lines.at(-1)).toBe(['All categories', ...m.monthTotals, m.total].join(','));
		expect(trendCsv(m).trimEnd().split('\r\n').length).toBe(1 + m.months.length * m.categories.length);
		const h = await hourOfWeek(runner, states[6]);
		const hcsv = hourOfWeekCsv(h).trimEnd().split('\r\n');
		expect(hcsv.length).toBe(169);
		expect(hcsv[1]).toBe(`0,Monday,0,Monday 00:00–00:59,${h.counts[0]}`);
		// A hostile category name (hand-made: the sample has none) must not become a formula.
		const hostile: MonthCategoryCounts = { months: ['2019-01'], categories: ['=HYPERLINK("http://x")', '+1', '@SUM(A1)'], counts: [[1], [2], [3]], categoryTotals: [1, 2, 3], monthTotals: [6], total: 6 };
		const out = matrixCsv(hostile);
		expect(out).toContain(`"'=HYPERLINK(""http://x"")"`);
		expect(out).toContain("'+1,");
		expect(out).toContain("'@SUM(A1)");
		const cells = await cellValues(runner, states[0], 'lsoa');
		expect(cellsCsv(cells).trimEnd().split('\r\n').length).toBe(cells.length + 1);
	});
});
