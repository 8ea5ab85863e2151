/**
 * The map coloured by change: each cell's records in the chosen period against the comparison
 * period(s) of the filter's `compare` basis (periods.ts), the difference as the map's value, and
 * a diverging colour scheme (falls blue, rises red, no change near-white: ColorBrewer RdBu,
 * readable with the common colour-vision deficiencies) symmetric about 0.
 *
 * Each period's counts are cellValues' (analytics/explore/cell-values.ts) with the `count`
 * measure: the same paths, the same integers, so a cell's two values equal the map's count
 * layer for each period.
 */
import type { QueryRunner } from '../runner';
import { cellValues, type CellValue, type CellValueOptions } from '../explore/cell-values';
import type { CellLevel, ExploreFilters } from '../explore/filters';
import type { LegendItem } from '../explore/map/legend';
import { NO_VALUE_COLOUR } from '../explore/map/layer';
import { comparePeriods, type Comparison } from './periods';
import { chosenPeriod, dataCoverage } from './query';

export interface CellChange extends CellValue {
	/** Records in the comparison period (the mean over the years for the seasonal average); null: no comparison. */
	comparison: number | null;
	/** n ÷ comparison; null when there is no comparison or it is 0. */
	ratio: number | null;
}

export interface CellChanges {
	cells: CellChange[];
	/** The periods compared; null when no basis is chosen or there are no records. */
	periods: Comparison | null;
}

/** ColorBrewer RdBu, 5 classes: big fall, fall, no change, rise, big rise. */
export const CHANGE_COLOURS = ['#0571b0', '#92c5de', '#f7f7f7', '#f4a582', '#ca0020'] as const;

const NO_BASIS = 'Choose what to compare with ("Compare with") to colour the map by change.';

/**
 * Each cell's change in records under the filters (period, categories; the selection as
 * `options.selection` says): `n` this period, `comparison`, and `value` = n − comparison. Cells
 * with records in either period are listed, by cell id.
 */
export async function cellChanges(runner: QueryRunner, f: ExploreFilters, level: CellLevel, options: CellValueOptions = {}): Promise<CellChanges> {
	const counting: ExploreFilters = { ...f, measure: 'count' };
	const current = await cellValues(runner, counting, level, options);
	const data = f.compare ? await dataCoverage(runner, f.dataset) : null;
	if (!f.compare || !data) return { cells: current.map((c) => ({ ...c, value: null, note: f.compare ? 'No records.' : NO_BASIS, comparison: null, ratio: null })), periods: null };
	const periods = comparePeriods(chosenPeriod(f, data), f.compare, data);
	const past: CellValue[][] = [];
	for (const p of periods.used) past.push(await cellValues(runner, { ...counting, from: p.from, to: p.to }, level, options));
	const byId = new Map<string, CellValue>(current.map((c) => [c.cell_id, c]));
	for (const rows of past)
		for (const c of rows)
			if (!byId.has(c.cell_id)) byId.set(c.cell_id, { ...c, n: 0, harm: 0, unweighted: 0, outside: 0, value: 0, note: null });
	const pastById = past.map((rows) => new Map(rows.map((c) => [c.cell_id, c.n])));
	const unavailable = periods.available ? null : (periods.notes[0] ?? 'No comparison period in the data.');
	const cells = [...byId.values()]
		.sort((a, b) => (a.cell_id < b.cell_id ? -1 : a.cell_id > b.cell_id ? 1 : 0))
		.map((c): CellChange => {
			if (unavailable) return { ...c, value: null, note: unavailable, comparison: null, ratio: null };
			const comparison = pastById.reduce((s, m) => s + (m.get(c.cell_id) ?? 0), 0) / pastById.length;
			return { ...c, value: c.n - comparison, note: null, comparison, ratio: comparison > 0 ? c.n / comparison : null };
		});
	return { cells, periods };
}

export interface ChangeClasses {
	min: number;
	breaks: number[];
	colours: string[];
	/** The size of change that divides a "big" fall or rise from a small one. */
	step: number;
}

const EPS = 1e-9;

/**
 * Five classes symmetric about 0 for differences whose largest size is M: a fall of at least
 * t = ⌈M/2⌉ (at least 1), a smaller fall, no change (exactly 0), a rise smaller than t, a rise of
 * t or more. The class boundaries are the ClassScheme's upper bounds (a fall "below 0" ends just
 * under 0, so no change is a class of its own). No values: no classes.
 */
export function changeClasses(values: ReadonlyArray<number | null>): ChangeClasses {
	let m = 0;
	let any = false;
	for (const v of values) {
		if (v === null || !Number.isFinite(v)) continue;
		any = true;
		m = Math.max(m, Math.abs(v));
	}
	if (!any) return { min: 0, breaks: [], colours: [], step: 0 };
	const t = Math.max(1, Math.ceil(m / 2));
	const top = Math.max(m, t);
	return { min: -top, breaks: [-t, -EPS, 0, t - EPS, top], colours: [...CHANGE_COLOURS], step: t };
}

/** The legend of a change layer: what each colour means in words, with its number of cells. */
export function changeLegend(scheme: ChangeClasses, classes: ReadonlyArray<number | null>, format: (v: number) => string): LegendItem[] {
	const counts = new Map<number | null, number>();
	for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
	if (scheme.breaks.length === 0) return [];
	const t = format(scheme.step);
	const labels = [`Fall of ${t} or more`, `Fall of less than ${t}`, 'No change', `Rise of less than ${t}`, `Rise of ${t} or more`];
	const bounds: Array<[number, number]> = [
		[scheme.min, -scheme.step],
		[-scheme.step, 0],
		[0, 0],
		[0, scheme.step],
		[scheme.step, scheme.breaks[4]]
	];
	const items: LegendItem[] = labels.map((label, k) => ({ class: k + 1, colour: scheme.colours[k], from: bounds[k][0], to: bounds[k][1], label, cells: counts.get(k + 1) ?? 0 }));
	const none = counts.get(null) ?? 0;
	if (none > 0) items.push({ class: null, colour: NO_VALUE_COLOUR, from: null, to: null, label: 'No value', cells: none });
	return items;
}

/** The column (CSV) and property (GeoJSON) names of a comparison in the map's cell exports, named with the periods. */
export interface ComparisonColumns {
	/** The comparison period's records, e.g. `records_2018-03_to_2018-05` (seasonal: `records_mean_of_…_and_…`). */
	comparison: string;
	/** Records this period less the comparison, e.g. `difference_2019-03_to_2019-05_minus_2018-03_to_2018-05`. */
	difference: string;
}

const span = (p: { from: string; to: string }) => `${p.from}_to_${p.to}`;

export function comparisonColumns(periods: Comparison): ComparisonColumns {
	const used = periods.used.length > 0 ? periods.used : periods.periods;
	const what = used.length === 1 ? span(used[0]) : `mean_of_${used.map(span).join('_and_')}`;
	return { comparison: `records_${what}`, difference: `difference_${span(periods.current)}_minus_${what}` };
}

/**
 * The cells' rows (table or GeoJSON properties) with the comparison beside their `records`: the
 * comparison period's records (the mean for the seasonal average; 0 for a cell with no records
 * in it; null when the data has no comparison period) and the difference, records − comparison.
 * `columns` is `base` with the two names put right after `records`, as the table shows them.
 */
export function withCellComparison<R extends { cell_id: string; records: number }>(
	rows: readonly R[],
	base: readonly string[],
	comparison: ReadonlyMap<string, number | null>,
	periods: Comparison
): { names: ComparisonColumns; columns: string[]; rows: Array<R & Record<string, number | null>> } {
	const names = comparisonColumns(periods);
	const at = base.indexOf('records') + 1;
	const columns = at > 0 ? [...base.slice(0, at), names.comparison, names.difference, ...base.slice(at)] : [...base, names.comparison, names.difference];
	const out = rows.map((r) => {
		const c = !periods.available ? null : comparison.has(r.cell_id) ? (comparison.get(r.cell_id) ?? null) : 0;
		return { ...r, [names.comparison]: c, [names.difference]: c === null ? null : r.records - c } as R & Record<string, number | null>;
	});
	return { names, columns, rows: out };
}
