/**
 * The Time views' counts with no area or box, summed in JavaScript from the month roll-ups held
 * once per runner (time-views.ts monthRows): over the real City of London sample, every period
 * and category choice gives the answer of the SQL over the roll-up that ran before, field for
 * field and in the same order, and records without a location equal the SQL over their roll-up (without-location.test.ts
 * checks that against the base rows).
 * After the first answer per dataset nothing more is asked of DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExploreSample, type ExploreSample } from './sample.test-setup';
import type { QueryRunner } from '../runner';
import { defaultFilters, monthIndex, type ExploreDataset, type ExploreFilters } from './filters';
import { monthCategoryCounts, withoutLocationCount } from './queries';
import { whereOf } from './query-base';

let sample: ExploreSample;
beforeAll(async () => void (sample = await loadExploreSample()), 120_000);
afterAll(() => sample?.runner.close());

/** Every filter state compared: periods within, around and outside the data, categories none, some, all and unknown. */
function states(dataset: ExploreDataset): ExploreFilters[] {
	const ms = sample.months[dataset];
	const periods: Array<[string | null, string | null]> = [
		[null, null],
		['2000-01', null],
		[ms[3], null],
		[null, ms[4]],
		[ms[2], ms[8]],
		[ms[ms.length - 1], ms[ms.length - 1]],
		['2099-12', null]
	];
	const cats = sample.categories[dataset];
	const choices = [[], cats, cats.slice(0, 1), ['No such category']];
	return periods.flatMap(([from, to]) => choices.map((cats) => ({ ...defaultFilters(), dataset, from, to, categories: cats })));
}

describe('Time view counts held in JavaScript', () => {
	it('equal the SQL over the roll-ups for every period and category choice', async () => {
		const { runner } = sample;
		let compared = 0;
		for (const dataset of ['incidents', 'stop_search'] as const) {
			for (const f of states(dataset)) {
				const what = JSON.stringify([dataset, f.from, f.to, f.categories]);
				const m = await monthCategoryCounts(runner, f);
				// The SQL's rows, per category and month.
				const where = whereOf(f, { on: 'aggregate' });
				const sql = await runner.columns(`SELECT category, month_index, sum(n)::BIGINT AS n FROM explore_months WHERE ${where.sql} GROUP BY ALL`, where.params);
				const expected = new Map<string, number>();
				for (let i = 0; i < sql.n.length; i++) expected.set(JSON.stringify([sql.category[i], Number(sql.month_index[i])]), Number(sql.n[i]));
				const got = new Map<string, number>();
				m.categories.forEach((c, i) =>
					m.counts[i].forEach((n, k) => {
						if (n !== 0) got.set(JSON.stringify([c, monthIndex(m.months[k])]), n);
					})
				);
				// Rows of the SQL outside the period's months shown (none: the period bounds both).
				expect(got, what).toEqual(new Map([...expected].filter(([, n]) => n !== 0)));
				// Categories ordered by records, most first, ties by name.
				const totals = m.categoryTotals;
				expect(totals.every((t, i) => i === 0 || totals[i - 1] >= t), what).toBe(true);
				// Records without a location: the SQL over their roll-up (the query run before).
				const unlocated = await withoutLocationCount(runner, f);
				const [r] = await runner.rows<{ n: number }>(`SELECT coalesce(sum(n), 0)::BIGINT AS n FROM explore_unlocated WHERE ${where.sql}`, where.params);
				expect(unlocated, what).toBe(Number(r.n));
				compared++;
			}
		}
		expect(compared).toBe(2 * 7 * 4);
	}, 120_000);

	it('asks DuckDB nothing more once a dataset’s rows are held', async () => {
		const { runner } = sample;
		let asked = 0;
		const counting: QueryRunner = {
			rows: (sql, params) => (asked++, runner.rows(sql, params)),
			columns: (sql, params) => (asked++, runner.columns(sql, params)),
			exec: (sql, params) => (asked++, runner.exec(sql, params))
		};
		const [first, ...rest] = states('incidents');
		await monthCategoryCounts(counting, first);
		await withoutLocationCount(counting, first);
		const before = asked;
		expect(before).toBeGreaterThan(0);
		for (const f of rest) {
			await monthCategoryCounts(counting, f);
			await withoutLocationCount(counting, f);
		}
		expect(asked).toBe(before);
	});
});
