/**
 * The Time views (hour of week, monthly counts per category, the category × month matrix):
 * every filter applies (period, categories, area selection, drawn box).
 */
import { ident } from '../ingest/sql';
import type { QueryRunner } from '../runner';
import { CATEGORY_COLUMN, TIMESTAMPED } from './aggregates';
import { DATASET_LABELS, monthIndex, monthKey, type ExploreFilters } from './filters';
import { num, numOrNull } from '../shared/numbers';
import { rollup, whereOf } from './query-base';

export interface HourOfWeek {
	/** False for month-resolution data (no time of day). */
	available: boolean;
	reason: string | null;
	/** 168 counts, index = hour of week (0 = Monday 00:00–00:59). */
	counts: number[];
	total: number;
	/** Where the counts came from: the pre-aggregate or, for fine selections, the base table. */
	from: 'aggregate' | 'base' | null;
}

/** Records per hour of the week under every filter (timestamped datasets only). */
export async function hourOfWeek(runner: QueryRunner, f: ExploreFilters): Promise<HourOfWeek> {
	const counts = new Array<number>(168).fill(0);
	if (!TIMESTAMPED[f.dataset]) {
		return {
			available: false,
			reason: `${DATASET_LABELS[f.dataset]} are recorded by month only (police.uk publishes no date or time), so there is no hour of the week.`,
			counts,
			total: 0,
			from: null
		};
	}
	const coarse = !f.bbox && (!f.area || f.area.level === 'h3_7' || f.area.level === 'district');
	let rows: Array<{ h: number; n: number }>;
	if (coarse) {
		const w = whereOf(f, { on: 'aggregate' });
		let table = 'explore_hours';
		if (!f.area) {
			await rollup(runner, 'explore_week');
			table = 'explore_week';
		}
		rows = await runner.rows(`SELECT hour_of_week AS h, sum(n)::BIGINT AS n FROM ${table} WHERE ${w.sql} AND hour_of_week IS NOT NULL GROUP BY 1`, w.params);
	} else {
		const w = whereOf(f, { on: 'base' });
		rows = await runner.rows(`SELECT hour_of_week AS h, count(*)::BIGINT AS n FROM ${ident(f.dataset)} WHERE ${w.sql} AND hour_of_week IS NOT NULL GROUP BY 1`, w.params);
	}
	let total = 0;
	for (const r of rows) {
		const h = num(r.h);
		if (h >= 0 && h < 168) {
			counts[h] = num(r.n);
			total += counts[h];
		}
	}
	return { available: true, reason: null, counts, total, from: coarse ? 'aggregate' : 'base' };
}

export interface MonthCategoryCounts {
	/** Every month of the period, oldest first (no gaps). */
	months: string[];
	/** Categories by records under the filters, most first; null = no category. */
	categories: Array<string | null>;
	/** counts[c][m]: records of categories[c] in months[m]. */
	counts: number[][];
	categoryTotals: number[];
	monthTotals: number[];
	total: number;
}

/**
 * Records per category and month under every filter (from the aggregate; a drawn box from the
 * base table). The months run over the period chosen, cut to the dataset's own months
 * ({@link shownMonths}), or the dataset's own period where the filter is open, so the axis stays
 * put as categories and areas change.
 */
const monthRanges = new WeakMap<QueryRunner, Map<string, Promise<{ first: number | null; last: number | null }>>>();

/**
 * First and last month index of a dataset's records, once per runner and dataset (the tables
 * of a runner do not change): a filter change with an open period needs no query for it.
 */
function monthRange(runner: QueryRunner, dataset: string): Promise<{ first: number | null; last: number | null }> {
	let byDataset = monthRanges.get(runner);
	if (!byDataset) monthRanges.set(runner, (byDataset = new Map()));
	let p = byDataset.get(dataset);
	if (!p) {
		p = runner
			.rows<{ first: number | null; last: number | null }>('SELECT min(month_index) AS first, max(month_index) AS last FROM explore_points WHERE dataset = ?', [dataset])
			.then(([r]) => ({ first: numOrNull(r?.first), last: numOrNull(r?.last) }));
		p.catch(() => byDataset.delete(dataset));
		byDataset.set(dataset, p);
	}
	return p;
}

/**
 * A month roll-up's rows of one dataset (records per month and category, subgroups added
 * together), held in JavaScript: with no area or box the Time views' counts are sums over a few
 * hundred rows (nationally 12 months × 14 categories), so a filter change asks DuckDB nothing
 * for them. A query to the one DuckDB-wasm worker costs 5–20 ms however small, and the Map's
 * trend, summary line and category counts queued up there on every change.
 */
interface MonthRows {
	month: Int32Array;
	category: Array<string | null>;
	n: Float64Array;
}

/** A month roll-up of more rows than this (a source with thousands of categories) is read with SQL per change instead. */
export const MONTH_ROWS_MAX = 50_000;

const monthRowCache = new WeakMap<QueryRunner, Map<string, Promise<MonthRows | null>>>();

/** The rows of roll-up `table` (explore_months or explore_unlocated) for `dataset`, once per runner; null above MONTH_ROWS_MAX. */
function monthRows(runner: QueryRunner, table: 'explore_months' | 'explore_unlocated', dataset: string): Promise<MonthRows | null> {
	let made = monthRowCache.get(runner);
	if (!made) monthRowCache.set(runner, (made = new Map()));
	const key = `${table}:${dataset}`;
	let p = made.get(key);
	if (!p) {
		p = (async () => {
			await rollup(runner, table);
			const c = await runner.columns(
				`SELECT month_index, category, sum(n)::BIGINT AS n FROM ${ident(table)} WHERE dataset = ? GROUP BY ALL ORDER BY ALL LIMIT ?::BIGINT`,
				[dataset, MONTH_ROWS_MAX + 1]
			);
			const length = c.n?.length ?? 0;
			if (length > MONTH_ROWS_MAX) return null;
			return {
				month: Int32Array.from(c.month_index ?? [], (v) => num(v)),
				category: (c.category ?? []).map((v) => (v === null || v === undefined ? null : String(v))),
				n: Float64Array.from(c.n ?? [], (v) => num(v))
			};
		})();
		p.catch(() => made.delete(key));
		made.set(key, p);
	}
	return p;
}

/**
 * The rows of `rows` under the filters' period and categories, as whereOf's SQL keeps them (no
 * category chosen: every category, none included; chosen: only those, as `category IN (…)`).
 */
function* rowsUnder(rows: MonthRows, f: ExploreFilters): Generator<number> {
	const from = f.from === null ? -Infinity : monthIndex(f.from);
	const to = f.to === null ? Infinity : monthIndex(f.to);
	const chosen = f.categories.length === 0 ? null : new Set<string>(f.categories);
	for (let i = 0; i < rows.n.length; i++) {
		const m = rows.month[i];
		if (m < from || m > to) continue;
		const c = rows.category[i];
		if (chosen !== null && (c === null || !chosen.has(c))) continue;
		yield i;
	}
}

/**
 * Records under the filters that have no location at all — no coordinates, LSOA or district
 * (police.uk "No Location") — so they count in monthCategoryCounts' total but sit on no map
 * layer. 0 with an area selected or a box drawn (a selection holds located records only).
 * From the points aggregate, whose cell columns are null for such records, rolled up once per
 * runner (query-base.ts `explore_unlocated`).
 */
export async function withoutLocationCount(runner: QueryRunner, f: ExploreFilters): Promise<number> {
	if (f.area || f.bbox) return 0;
	const held = await monthRows(runner, 'explore_unlocated', f.dataset);
	if (held) {
		let n = 0;
		for (const i of rowsUnder(held, f)) n += held.n[i];
		return n;
	}
	const w = whereOf(f, { on: 'aggregate' });
	await rollup(runner, 'explore_unlocated');
	const [r] = await runner.rows<{ n: number }>(`SELECT coalesce(sum(n), 0)::BIGINT AS n FROM explore_unlocated WHERE ${w.sql}`, w.params);
	return num(r?.n);
}

/**
 * The months the Time views draw: the filter period cut to the months of the dataset's records
 * (`data`: first and last month index, null when it has none), an open end taking the data's.
 * A month before the data starts or after it ends holds no records because nothing was loaded
 * for it, not because nothing happened, so it is not drawn as a month of zero records (a period
 * carried from another page, such as the Area profile's 15 months the score reads, can start
 * before the data). Null when the period lies wholly outside the data or the dataset has no
 * records: nothing to draw.
 */
export function shownMonths(f: Pick<ExploreFilters, 'from' | 'to'>, data: { first: number | null; last: number | null }): { first: number; last: number } | null {
	if (data.first === null || data.last === null) return null;
	const first = f.from === null ? data.first : Math.max(monthIndex(f.from), data.first);
	const last = f.to === null ? data.last : Math.min(monthIndex(f.to), data.last);
	return first <= last ? { first, last } : null;
}

export async function monthCategoryCounts(runner: QueryRunner, f: ExploreFilters): Promise<MonthCategoryCounts> {
	const range = await monthRange(runner, f.dataset);
	let cols;
	const held = !f.bbox && !f.area ? await monthRows(runner, 'explore_months', f.dataset) : null;
	if (held) {
		const under = [...rowsUnder(held, f)];
		cols = { category: under.map((i) => held.category[i]), month_index: under.map((i) => held.month[i]), n: under.map((i) => held.n[i]) };
	} else if (f.bbox) {
		const w = whereOf(f, { on: 'base' });
		cols = await runner.columns(
			`SELECT ${ident(CATEGORY_COLUMN[f.dataset])} AS category, month_index, count(*)::BIGINT AS n FROM ${ident(f.dataset)} WHERE ${w.sql} GROUP BY ALL`,
			w.params
		);
	} else {
		const w = whereOf(f, { on: 'aggregate' });
		let table = 'explore_points';
		if (!f.area) {
			await rollup(runner, 'explore_months');
			table = 'explore_months';
		}
		cols = await runner.columns(`SELECT category, month_index, sum(n)::BIGINT AS n FROM ${table} WHERE ${w.sql} GROUP BY ALL`, w.params);
	}
	const shown = shownMonths(f, range);
	const first = shown?.first ?? null;
	const months: string[] = [];
	if (shown) for (let i = shown.first; i <= shown.last; i++) months.push(monthKey(i));
	const byCat = new Map<string | null, number[]>();
	const cat = cols.category ?? [];
	const mi = cols.month_index ?? [];
	const ns = cols.n ?? [];
	for (let i = 0; i < cat.length; i++) {
		const k = first === null ? -1 : num(mi[i]) - first;
		if (k < 0 || k >= months.length) continue;
		const key = (cat[i] as string | null) ?? null;
		let row = byCat.get(key);
		if (!row) byCat.set(key, (row = new Array<number>(months.length).fill(0)));
		row[k] += num(ns[i]);
	}
	const entries = [...byCat.entries()].map(([c, row]) => ({ c, row, t: row.reduce((s, v) => s + v, 0) }));
	entries.sort((a, b) => b.t - a.t || (a.c === null ? 1 : b.c === null ? -1 : a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
	const monthTotals = months.map((_, m) => entries.reduce((s, e) => s + e.row[m], 0));
	return {
		months,
		categories: entries.map((e) => e.c),
		counts: entries.map((e) => e.row),
		categoryTotals: entries.map((e) => e.t),
		monthTotals,
		total: monthTotals.reduce((s, v) => s + v, 0)
	};
}

export interface MonthlyTrend {
	months: string[];
	series: Array<{ category: string | null; values: number[]; total: number }>;
	total: number;
}

/** Monthly records per category (one series per category, most records first). */
export async function monthlyTrend(runner: QueryRunner, f: ExploreFilters, counts?: MonthCategoryCounts): Promise<MonthlyTrend> {
	const c = counts ?? (await monthCategoryCounts(runner, f));
	return { months: c.months, series: c.categories.map((category, i) => ({ category, values: c.counts[i], total: c.categoryTotals[i] })), total: c.total };
}

/** The category × month matrix (rows: categories, most records first; columns: months). */
export async function categoryMonthMatrix(runner: QueryRunner, f: ExploreFilters, counts?: MonthCategoryCounts): Promise<MonthCategoryCounts> {
	return counts ?? monthCategoryCounts(runner, f);
}

/** Label of a category value (null = the source gave none). */
export function categoryLabel(category: string | null): string {
	return category ?? '(no category)';
}

/** Day names and "Monday 00:00–00:59" for an hour of week: the one copy in analytics/shared/hour-of-week.ts. */
export { DAY_NAMES, hourOfWeekLabel } from '../shared/hour-of-week';
