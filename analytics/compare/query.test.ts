/**
 * The period comparison over the real City of London sample (street crime December 2017 –
 * November 2019, stop and search), through DuckDB: every current and comparison value is
 * checked against the test's own SQL over the base rows (the `incidents` / `stop_search`
 * tables, not the pre-aggregates the module reads), and the arithmetic by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFilters, type ExploreFilters } from '../explore/filters';
import { loadExploreSample, type ExploreSample } from '../explore/sample.test-setup';
import { compareValues, comparePeriod, dataCoverage } from './query';

let sample: ExploreSample;

beforeAll(async () => {
	sample = await loadExploreSample();
}, 120_000);

afterAll(async () => {
	await sample?.runner.close();
});

/** Records per category in [from, to] straight from the base table (the test's own SQL, every value bound). */
async function direct(f: ExploreFilters, from: string, to: string): Promise<Map<string | null, number>> {
	const cat = f.dataset === 'stop_search' ? 'object_of_search' : 'category';
	const where = ['month BETWEEN ? AND ?'];
	const params: Array<string | number> = [from, to];
	if (f.categories.length) {
		where.push(`${cat} IN (${f.categories.map(() => '?').join(',')})`);
		params.push(...f.categories);
	}
	if (f.area) {
		where.push(`lsoa_code IN (${f.area.ids.map(() => '?').join(',')})`);
		params.push(...f.area.ids);
	}
	if (f.bbox) {
		where.push('longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?');
		params.push(f.bbox[0], f.bbox[2], f.bbox[1], f.bbox[3]);
	}
	const rows = await sample.runner.rows<{ c: string | null; n: number }>(`SELECT ${cat} AS c, count(*)::INTEGER AS n FROM ${f.dataset} WHERE ${where.join(' AND ')} GROUP BY 1`, params);
	return new Map(rows.map((r) => [r.c, Number(r.n)]));
}

const sum = (m: Map<string | null, number>) => [...m.values()].reduce((s, v) => s + v, 0);

async function directHarm(from: string, to: string, categories: string[] = []): Promise<number> {
	const params: string[] = [from, to, ...categories];
	const [r] = await sample.runner.rows<{ h: number }>(
		`SELECT coalesce(sum(w.weight), 0)::DOUBLE AS h FROM incidents i JOIN harm_weights w ON w.category = i.category
		 WHERE NOT w.excluded AND w.weight IS NOT NULL AND i.month BETWEEN ? AND ?${categories.length ? ` AND i.category IN (${categories.map(() => '?').join(',')})` : ''}`,
		params
	);
	return Number(r.h);
}

describe('the comparison arithmetic', () => {
	it('difference and ratio; the mean of the years; no ratio against 0', () => {
		expect(compareValues(30, [20])).toMatchObject({ comparison: 20, difference: 10, ratio: 1.5, ratioNote: null });
		// Seasonal: (10 + 14 + 18) / 3 = 14; 21 − 14 = 7; 21 / 14 = 1.5.
		expect(compareValues(21, [10, 14, 18])).toMatchObject({ comparison: 14, difference: 7, ratio: 1.5 });
		const zero = compareValues(5, [0]);
		expect(zero.ratio).toBeNull();
		expect(zero.difference).toBe(5);
		expect(zero.ratioNote).toMatch(/no ratio/);
		expect(compareValues(5, [])).toMatchObject({ comparison: null, difference: null, ratio: null });
	});
});

describe('comparePeriod over the sample', () => {
	it('knows the data period', async () => {
		expect(await dataCoverage(sample.runner, 'incidents')).toEqual({ first: '2017-12', last: '2019-11' });
	});

	it('same period last year: totals, harm and every category equal the base rows for both periods', async () => {
		const f: ExploreFilters = { ...defaultFilters(), from: '2018-12', to: '2019-02' };
		const c = (await comparePeriod(sample.runner, f, 'last-year', { harm: true }))!;
		expect(c.periods.words).toBe('December 2018–February 2019 against December 2017–February 2018');
		expect(c.periods.available).toBe(true);
		const now = await direct(f, '2018-12', '2019-02');
		const then = await direct(f, '2017-12', '2018-02');
		const records = c.measures[0];
		expect(records.kind).toBe('records');
		expect(records.current).toBe(sum(now));
		expect(records.comparison).toBe(sum(then));
		expect(records.difference).toBe(sum(now) - sum(then));
		expect(records.ratio).toBeCloseTo(sum(now) / sum(then), 12);
		expect(sum(now)).toBeGreaterThan(1000);
		const harm = c.measures[1];
		expect(harm.kind).toBe('harm');
		expect(harm.current).toBeCloseTo(await directHarm('2018-12', '2019-02'), 6);
		expect(harm.comparison).toBeCloseTo(await directHarm('2017-12', '2018-02'), 6);
		const cats = c.measures.filter((m) => m.kind === 'category');
		expect(new Set(cats.map((m) => m.category))).toEqual(new Set([...now.keys(), ...then.keys()]));
		for (const m of cats) {
			expect(m.current).toBe(now.get(m.category) ?? 0);
			expect(m.comparison).toBe(then.get(m.category) ?? 0);
		}
		// Most records in the period first.
		for (let i = 1; i < cats.length; i++) expect(cats[i - 1].current).toBeGreaterThanOrEqual(cats[i].current);
	});

	it('previous period with chosen categories and a selected LSOA (from explore_points)', async () => {
		const [lsoa] = await sample.runner.rows<{ v: string }>('SELECT lsoa_code AS v FROM incidents WHERE lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1');
		const f: ExploreFilters = { ...defaultFilters(), from: '2019-06', to: '2019-11', categories: sample.categories.incidents.slice(0, 2), area: { level: 'lsoa', ids: [lsoa.v] } };
		const c = (await comparePeriod(sample.runner, f, 'previous'))!;
		// Six months June–November 2019: the six before are December 2018–May 2019.
		expect(c.periods.used.map((p) => [p.from, p.to])).toEqual([['2018-12', '2019-05']]);
		const now = await direct(f, '2019-06', '2019-11');
		const then = await direct(f, '2018-12', '2019-05');
		expect(c.measures[0]).toMatchObject({ current: sum(now), comparison: sum(then) });
		expect(c.measures.map((m) => m.kind)).toEqual(['records', 'category', 'category']);
		for (const m of c.measures.slice(1)) expect([m.current, m.comparison]).toEqual([now.get(m.category) ?? 0, then.get(m.category) ?? 0]);
	});

	it('a drawn box (from the base table) on stop and search', async () => {
		const f: ExploreFilters = { ...defaultFilters(), dataset: 'stop_search', from: '2019-03', to: '2019-05', bbox: [-0.1, 51.5, -0.08, 51.52] };
		const c = (await comparePeriod(sample.runner, f, 'last-year', { harm: true }))!;
		const now = await direct(f, '2019-03', '2019-05');
		const then = await direct(f, '2018-03', '2018-05');
		expect(sum(now)).toBeGreaterThan(0);
		// No harm for stop and search.
		expect(c.measures.map((m) => m.kind)).not.toContain('harm');
		expect(c.measures[0]).toMatchObject({ current: sum(now), comparison: sum(then), difference: sum(now) - sum(then) });
	});

	it('seasonal average from the one covered year, and an open period taken as the whole data', async () => {
		// September–November 2019: the three years before are 2016, 2017 and 2018; only 2018 is in the data (from December 2017).
		const f: ExploreFilters = { ...defaultFilters(), from: '2019-09', to: '2019-11' };
		const c = (await comparePeriod(sample.runner, f, 'seasonal-3y'))!;
		expect(c.periods.used.map((p) => p.from)).toEqual(['2018-09']);
		expect(c.periods.notes[0]).toMatch(/^A 3-year average from 1 year \(September–November 2018\)/);
		const then = await direct(f, '2018-09', '2018-11');
		expect(c.measures[0].comparison).toBe(sum(then));
		expect(c.measures[0].perPeriod).toEqual([sum(then)]);
		// The whole data (no from/to) against the previous 24 months: none in the data.
		const whole = (await comparePeriod(sample.runner, defaultFilters(), 'previous'))!;
		expect(whole.periods.current).toEqual({ from: '2017-12', to: '2019-11' });
		expect(whole.periods.available).toBe(false);
		expect(whole.measures[0].comparison).toBeNull();
		expect(whole.measures[0].current).toBe(sum(await direct(defaultFilters(), '2017-12', '2019-11')));
	});

	it('one month across a year end: January 2019 against December 2018, one category', async () => {
		const f: ExploreFilters = { ...defaultFilters(), from: '2019-01', to: '2019-01', categories: [sample.categories.incidents[0]] };
		const c = (await comparePeriod(sample.runner, f, 'previous'))!;
		const now = sum(await direct(f, '2019-01', '2019-01'));
		const then = sum(await direct(f, '2018-12', '2018-12'));
		expect(c.measures[0]).toMatchObject({ current: now, comparison: then });
		expect(c.measures[1]).toMatchObject({ kind: 'category', category: sample.categories.incidents[0], current: now, comparison: then });
	});
});

describe('the Overview comparison over the sample', () => {
	it('records, crimes, ASB and harm for both periods equal the base rows', async () => {
		const { overviewComparison } = await import('./overview');
		const c = (await overviewComparison(sample.runner, { from: '2019-03', to: '2019-05' }, 'last-year'))!;
		expect(c.periods.words).toBe('March–May 2019 against March–May 2018');
		const count = async (from: string, to: string, where = 'true') =>
			Number((await sample.runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM incidents WHERE month BETWEEN ? AND ? AND ${where}`, [from, to]))[0].n);
		const byKey = Object.fromEntries(c.headline.map((m) => [m.key, m]));
		expect(byKey.records).toMatchObject({ current: await count('2019-03', '2019-05'), comparison: await count('2018-03', '2018-05') });
		const asb = "category = 'Anti-social behaviour'";
		expect(byKey.asb).toMatchObject({ current: await count('2019-03', '2019-05', asb), comparison: await count('2018-03', '2018-05', asb) });
		expect(byKey.crimes).toMatchObject({ current: await count('2019-03', '2019-05', `NOT ${asb}`), comparison: await count('2018-03', '2018-05', `NOT ${asb}`) });
		expect(byKey.harm.current).toBeCloseTo(await directHarm('2019-03', '2019-05'), 6);
		expect(byKey.harm.comparison).toBeCloseTo(await directHarm('2018-03', '2018-05'), 6);
		expect(byKey.crimes.difference).toBe(byKey.crimes.current - byKey.crimes.comparison!);
		expect(c.categories.reduce((s, m) => s + m.current, 0)).toBe(byKey.records.current);
	});
});
