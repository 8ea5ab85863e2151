/**
 * CSV exports of the Time views and the map's cells: exactly the numbers the data tables show,
 * through analytics/export/csv.ts (formula-like cells neutralised, RFC 4180 quoting).
 */
import { toCsv } from '../export/csv';
import type { Row } from '../runner';
import { categoryLabel, hourOfWeekLabel, DAY_NAMES, type CellValue, type HourOfWeek, type MonthCategoryCounts } from './queries';

/** Category × month matrix: one row per category, one column per month, with totals. */
export function matrixCsv(m: MonthCategoryCounts): string {
	const columns = ['category', ...m.months, 'total'];
	const rows: Row[] = m.categories.map((c, i) => {
		const row: Row = { category: categoryLabel(c), total: m.categoryTotals[i] };
		m.months.forEach((month, k) => (row[month] = m.counts[i][k]));
		return row;
	});
	const totals: Row = { category: 'All categories', total: m.total };
	m.months.forEach((month, k) => (totals[month] = m.monthTotals[k]));
	rows.push(totals);
	return toCsv(rows, columns);
}

/** Monthly trend in long form: month, category, records. */
export function trendCsv(m: MonthCategoryCounts): string {
	const rows: Row[] = [];
	m.months.forEach((month, k) => {
		m.categories.forEach((c, i) => rows.push({ month, category: categoryLabel(c), records: m.counts[i][k] }));
	});
	return toCsv(rows, ['month', 'category', 'records']);
}

/** Hour of week: one row per hour (168), day, hour and records. */
export function hourOfWeekCsv(h: HourOfWeek): string {
	const rows: Row[] = h.counts.map((n, i) => ({
		hour_of_week: i,
		day: DAY_NAMES[Math.floor(i / 24)],
		hour: i % 24,
		label: hourOfWeekLabel(i),
		records: n
	}));
	return toCsv(rows, ['hour_of_week', 'day', 'hour', 'label', 'records']);
}

/** The map layer's cells with their figures. */
export function cellsCsv(cells: readonly CellValue[]): string {
	return toCsv(cells, ['cell_id', 'n', 'harm', 'unweighted', 'population', 'value', 'note']);
}
