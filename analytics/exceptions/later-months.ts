/**
 * Does the exception report pick out lasting rises? Checked on the months after each period, which
 * the test never saw, against the simplest baseline: the cells with the biggest raw increase.
 *
 * For every period of the model's default length whose baseline is in the data and whose next
 * period of the same length is too, the report is run as a user would run it; then, for the
 * following period, each cell tested is "still above" when its records there exceed the same
 * months of its own earlier years (averaged, as the report's expected level). Three groups are
 * compared: the cells flagged as exceptions; as many cells again with the biggest raw increase
 * (records minus expected, no test), from every cell with records in either period; and the
 * cells tested but not flagged.
 */
import type { QueryRunner } from '../runner';
import { comparePeriods, type MonthRange } from '../compare/periods';
import type { ExploreDataset } from '../explore/filters';
import { readForceArea } from '../force-area';
import { monthIndex, monthKey } from '../shared/months';
import { cellCounts, datasetMonths, exceptionReport, type ExceptionModel } from './report';

/** How often one group of cells stayed above its expected level in the following period. */
export interface GroupOutcome {
	/** Cells in the group, summed over every period checked. */
	cells: number;
	/** Of them, cells whose records in the following period exceeded its expected level. */
	stayedAbove: number;
	/** stayedAbove ÷ cells; null when the group is empty. */
	share: number | null;
}

export interface LaterMonthsCheck {
	/** The periods checked (each followed by a period of the same length in the data). */
	periods: MonthRange[];
	/** Periods with at least one exception (only they give the raw-increase group any cells). */
	periodsWithExceptions: number;
	flagged: GroupOutcome;
	/** The same number of cells per period as flagged, by the biggest raw increase. */
	biggestRaw: GroupOutcome;
	/** Cells tested and not flagged. */
	unflagged: GroupOutcome;
}

function outcome(cells: number, stayedAbove: number): GroupOutcome {
	return { cells, stayedAbove, share: cells > 0 ? stayedAbove / cells : null };
}

const key = (area: string, category: string) => `${area}\u0000${category}`;

/**
 * Run the check over every usable period of the dataset (see the module comment). Periods end on
 * each month in turn (they overlap when the model's period is longer than a month). Cells with no
 * baseline in the following period (new cells) count as above when they have any record.
 */
export async function laterMonthsCheck(
	runner: QueryRunner,
	{ model, dataset, categories }: { model: ExceptionModel; dataset: ExploreDataset; categories?: readonly string[] }
): Promise<LaterMonthsCheck> {
	const coverage = await datasetMonths(runner, dataset);
	const periods: MonthRange[] = [];
	const totals = { flagged: [0, 0], raw: [0, 0], unflagged: [0, 0] };
	let periodsWithExceptions = 0;
	if (!coverage) return { periods, periodsWithExceptions, flagged: outcome(0, 0), biggestRaw: outcome(0, 0), unflagged: outcome(0, 0) };
	const force = await readForceArea(runner);
	const L = model.default_period_months;
	const first = monthIndex(coverage.first);
	const last = monthIndex(coverage.last);
	for (let end = first + 12 * model.baseline.min_years + L - 1; end + L <= last; end++) {
		const period = { from: monthKey(end - L + 1), to: monthKey(end) };
		const report = await exceptionReport(runner, { model, dataset, period, categories });
		if (report.years === 0) continue;
		const next = { from: monthKey(end + 1), to: monthKey(end + L) };
		const nextBase = comparePeriods(next, model.baseline.basis, coverage).used.slice(-model.baseline.max_years);
		if (nextBase.length === 0) continue;
		periods.push(period);
		const later = await cellCounts(runner, { dataset, level: report.level, current: next, baseline: nextBase, categories, forceArea: force !== null });
		const above = new Map(later.map((c) => [key(c.area, c.category), c.current > c.baseline / nextBase.length]));
		const stays = (area: string, category: string) => above.get(key(area, category)) ?? false;
		const flagged = report.tested.filter((r) => r.exception);
		for (const r of report.tested) {
			const group = r.exception ? totals.flagged : totals.unflagged;
			group[0]++;
			if (stays(r.area, r.category)) group[1]++;
		}
		if (flagged.length === 0) continue;
		periodsWithExceptions++;
		// The raw baseline ranks every cell with records, tested or not, by records minus expected.
		const all = await cellCounts(runner, { dataset, level: report.level, current: period, baseline: report.baselinePeriods, categories, forceArea: force !== null });
		const ranked = all
			.map((c) => ({ ...c, excess: c.current - c.baseline / report.years }))
			.sort((a, b) => b.excess - a.excess || (a.area < b.area ? -1 : a.area > b.area ? 1 : a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
		for (const c of ranked.slice(0, flagged.length)) {
			totals.raw[0]++;
			if (stays(c.area, c.category)) totals.raw[1]++;
		}
	}
	return {
		periods,
		periodsWithExceptions,
		flagged: outcome(totals.flagged[0], totals.flagged[1]),
		biggestRaw: outcome(totals.raw[0], totals.raw[1]),
		unflagged: outcome(totals.unflagged[0], totals.unflagged[1])
	};
}
