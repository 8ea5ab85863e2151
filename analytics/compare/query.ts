/**
 * The period comparison of a filter state: for each measure a view shows (records in total,
 * each category, and the harm-weighted total where the view shows harm), the value in the chosen
 * period, the comparison value (for the seasonal average, the mean over the years the data
 * covers), the difference and the ratio.
 *
 * Reads the explore pre-aggregates like the Time views (analytics/explore/time-views.ts): the
 * month × category roll-up with no area selected, `explore_points` with an area, the base table
 * for a drawn box; the same filters (dataset, categories, area selection, box) apply to both
 * periods. Every value is bound; column names come from the explore modules' fixed maps.
 */
import { ident } from '../ingest/sql';
import type { QueryRunner } from '../runner';
import { CATEGORY_COLUMN, baseColumn } from '../explore/aggregates';
import { readSubgroupWeights, recordWeight, type SubgroupWeightMap } from '../models/harm-weights';
import type { ExploreFilters } from '../explore/filters';
import { rollup, subgroupHarm, whereOf } from '../explore/query-base';
import { monthKey } from '../shared/months';
import { num, numOrNull } from '../shared/numbers';
import { comparePeriods, type CompareBasis, type Comparison, type DataCoverage, type MonthRange } from './periods';

export type ComparedMeasureKind = 'records' | 'harm' | 'category';

export interface ComparedMeasure {
	kind: ComparedMeasureKind;
	/** The category for kind 'category' (null: records without a category), else null. */
	category: string | null;
	/** The value in the chosen period. */
	current: number;
	/** The comparison value (the mean over the years for the seasonal average); null: no comparison. */
	comparison: number | null;
	/** current − comparison; null: no comparison. */
	difference: number | null;
	/** current ÷ comparison; null when there is no comparison or the comparison is 0 (see `ratioNote`). */
	ratio: number | null;
	/** Why there is no ratio, in words; null when there is one. */
	ratioNote: string | null;
	/** The comparison value of each period used (earliest first), e.g. each year of a seasonal average. */
	perPeriod: number[];
	/** A view's own name and key for a measure it derives (e.g. the Overview's "Crimes"); absent: from kind and category. */
	label?: string;
	key?: string;
}

export interface PeriodComparison {
	/** The periods, their coverage, words and notes (periods.ts). */
	periods: Comparison;
	/** Records in total first, then harm (when asked for and the dataset has harm), then each category, most records in the period first. */
	measures: ComparedMeasure[];
}

export interface CompareOptions {
	/** Include the harm-weighted total (Σ records × weight over weighted, non-excluded categories). Street crime only. */
	harm?: boolean;
}

/** The data's first and last month for a dataset (from the pre-aggregate); null when it has no records. */
export async function dataCoverage(runner: QueryRunner, dataset: ExploreFilters['dataset']): Promise<DataCoverage | null> {
	const [r] = await runner.rows<{ first: number | null; last: number | null }>(
		'SELECT min(month_index) AS first, max(month_index) AS last FROM explore_points WHERE dataset = ?',
		[dataset]
	);
	const first = numOrNull(r?.first);
	const last = numOrNull(r?.last);
	return first === null || last === null ? null : { first: monthKey(first), last: monthKey(last) };
}

/** The chosen period of a filter state, an open end taken as the data's first or last month. */
export function chosenPeriod(f: Pick<ExploreFilters, 'from' | 'to'>, data: DataCoverage): MonthRange {
	return { from: f.from ?? data.first, to: f.to ?? data.last };
}

/** Records per category (with, when records carry offence subgroups, the records per category and subgroup). */
type PeriodCounts = Map<string | null, number> & { subgroups?: Array<{ category: string | null; subgroup: string; n: number }> };

/**
 * Records per category in one period under the filters (area and box included). With
 * `subgroups` (records carry Home Office offence subgroups), also the records of each category
 * and subgroup, for harm (the rule: analytics/models recordWeight).
 */
async function countsByCategory(runner: QueryRunner, f: ExploreFilters, period: MonthRange, subgroups = false): Promise<PeriodCounts> {
	const g: ExploreFilters = { ...f, from: period.from, to: period.to };
	let rows: Array<{ category: string | null; subgroup?: string | null; n: number }>;
	if (g.bbox) {
		const w = whereOf(g, { on: 'base' });
		const sub = subgroups ? `, ${baseColumn(g.dataset, 'offence_subgroup')} AS subgroup` : '';
		rows = await runner.rows(`SELECT ${ident(CATEGORY_COLUMN[g.dataset])} AS category${sub}, count(*)::BIGINT AS n FROM ${ident(g.dataset)} WHERE ${w.sql} GROUP BY ALL`, w.params);
	} else {
		const w = whereOf(g, { on: 'aggregate' });
		let table = 'explore_points';
		if (!g.area) {
			await rollup(runner, 'explore_months');
			table = 'explore_months';
		}
		rows = await runner.rows(`SELECT category${subgroups ? ', offence_subgroup AS subgroup' : ''}, sum(n)::BIGINT AS n FROM ${table} WHERE ${w.sql} GROUP BY ALL`, w.params);
	}
	const counts: PeriodCounts = new Map();
	for (const r of rows) counts.set(r.category ?? null, (counts.get(r.category ?? null) ?? 0) + num(r.n));
	if (subgroups) counts.subgroups = rows.filter((r) => r.subgroup != null).map((r) => ({ category: r.category ?? null, subgroup: String(r.subgroup), n: num(r.n) }));
	return counts;
}

/** Harm weights by category: weight, or null for a category with no weight or excluded from harm. */
async function harmWeights(runner: QueryRunner): Promise<Map<string, number | null>> {
	const rows = await runner.rows<{ category: string; weight: number | null; excluded: boolean }>('SELECT category, weight, excluded FROM harm_weights');
	return new Map(rows.map((r) => [String(r.category), r.excluded === true ? null : numOrNull(r.weight)]));
}

function harmOf(counts: PeriodCounts, weights: Map<string, number | null>, subgroupWeights?: SubgroupWeightMap): number {
	// Records carrying a subgroup weigh recordWeight's weight; the rest of the category its weight.
	const bySubgroup = new Map<string | null, Array<{ subgroup: string; n: number }>>();
	if (subgroupWeights) for (const s of counts.subgroups ?? []) bySubgroup.set(s.category, [...(bySubgroup.get(s.category) ?? []), s]);
	let h = 0;
	for (const [c, n] of counts) {
		const w = c === null ? null : (weights.get(c) ?? null);
		if (w === null) continue;
		let plain = n;
		for (const s of bySubgroup.get(c) ?? []) {
			h += s.n * recordWeight(w, subgroupWeights!, c, s.subgroup)!;
			plain -= s.n;
		}
		h += plain * w;
	}
	return h;
}

/** One measure's comparison from its current value and its value in each period used. */
export function compareValues(current: number, perPeriod: number[]): Pick<ComparedMeasure, 'current' | 'comparison' | 'difference' | 'ratio' | 'ratioNote' | 'perPeriod'> {
	if (perPeriod.length === 0) return { current, comparison: null, difference: null, ratio: null, ratioNote: 'No comparison period in the data.', perPeriod };
	const comparison = perPeriod.reduce((s, v) => s + v, 0) / perPeriod.length;
	const difference = current - comparison;
	if (comparison === 0) return { current, comparison, difference, ratio: null, ratioNote: 'None in the comparison period, so no ratio.', perPeriod };
	return { current, comparison, difference, ratio: current / comparison, ratioNote: null, perPeriod };
}

/**
 * The comparison of a filter state on `basis`. The chosen period is the filter's from/to, an
 * open end being the data's first or last month. Comparison periods the data does not cover in
 * full are left out (periods.ts); with none left, every comparison value is null.
 */
export async function comparePeriod(runner: QueryRunner, f: ExploreFilters, basis: CompareBasis, options: CompareOptions = {}): Promise<PeriodComparison | null> {
	const data = await dataCoverage(runner, f.dataset);
	if (!data) return null;
	const periods = comparePeriods(chosenPeriod(f, data), basis, data);
	// Records carrying offence subgroups: harm weighs them by their subgroup (street crime only).
	const subgroups = !!options.harm && f.dataset === 'incidents' && (await subgroupHarm(runner));
	const current = await countsByCategory(runner, f, periods.current, subgroups);
	const past: PeriodCounts[] = [];
	for (const p of periods.used) past.push(await countsByCategory(runner, f, p, subgroups));

	// Categories: the chosen ones (even with no records), else every one with records in either period.
	const names = new Set<string | null>(f.categories.length > 0 ? f.categories : [...current.keys(), ...past.flatMap((m) => [...m.keys()])]);
	const categories = [...names]
		.map((c) => ({ c, n: current.get(c) ?? 0, before: past.reduce((s, m) => s + (m.get(c) ?? 0), 0) }))
		.sort((a, b) => b.n - a.n || b.before - a.before || (a.c === null ? 1 : b.c === null ? -1 : a.c < b.c ? -1 : a.c > b.c ? 1 : 0));

	const total = (m: Map<string | null, number>) => {
		let s = 0;
		for (const [c, n] of m) if (names.has(c)) s += n;
		return s;
	};
	const measures: ComparedMeasure[] = [{ kind: 'records', category: null, ...compareValues(total(current), past.map(total)) }];
	if (options.harm && f.dataset === 'incidents') {
		const weights = await harmWeights(runner);
		const sw = subgroups ? await readSubgroupWeights(runner) : undefined;
		measures.push({ kind: 'harm', category: null, ...compareValues(harmOf(current, weights, sw), past.map((m) => harmOf(m, weights, sw))) });
	}
	for (const { c } of categories) measures.push({ kind: 'category', category: c, ...compareValues(current.get(c) ?? 0, past.map((m) => m.get(c) ?? 0)) });
	return { periods, measures };
}
