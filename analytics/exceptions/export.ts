/**
 * How the exception table shows its numbers, and its CSV with exactly those numbers (through
 * analytics/export/csv.ts: formula-like cells neutralised, RFC 4180 quoting).
 */
import { toCsv } from '../export/csv';
import type { Row } from '../runner';
import type { ExceptionRow } from './report';

/** x rounded to `digits` significant figures (0.0152 → 0.015, 6.13e-8 → 6.1e-8); 0 stays 0. */
export function roundSignificant(x: number, digits = 2): number {
	return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}

/** The expected level as shown: one decimal (302 → 302.0, 13/3 → 4.3). */
export function shownExpected(expected: number): number {
	return Math.round(expected * 10) / 10;
}

/** The ratio as shown: two decimals; null (nothing expected) stays null. */
export function shownRatio(ratio: number | null): number | null {
	return ratio === null ? null : Math.round(ratio * 100) / 100;
}

/** A p- or q-value as shown: two significant figures. */
export function shownProbability(p: number): number {
	return roundSignificant(p, 2);
}

const plainDecimal = new Intl.NumberFormat('en-GB', { maximumSignificantDigits: 2, maximumFractionDigits: 20 });

/**
 * A p- or q-value as the CSV holds it (two significant figures), written out in plain decimals,
 * never in e-notation: 6.13e-8 → "0.000000061", 0.0152 → "0.015"; the exact figure of a table cell's title.
 */
export function plainProbability(p: number): string {
	return Number.isFinite(p) ? plainDecimal.format(shownProbability(p)) : '—';
}

/**
 * A p- or q-value for readers who are not statisticians, one style for every cell: "< 0.001"
 * below 0.001 (after rounding to the CSV's two significant figures), else the CSV's value in plain
 * decimals ("0.015", "0.12"). Non-finite values read "—".
 */
export function readableProbability(p: number): string {
	if (!Number.isFinite(p)) return '—';
	return shownProbability(p) < 0.001 ? '< 0.001' : plainProbability(p);
}

export const EXCEPTION_CSV_COLUMNS = ['area', 'area_name', 'level', 'category', 'period_from', 'period_to', 'records', 'expected', 'excess', 'ratio', 'p_value', 'q_value'] as const;

/** The table as CSV: one row per exception (or per tested cell), numbers rounded as the table shows them. */
export function exceptionsCsv(rows: readonly ExceptionRow[]): string {
	const out: Row[] = rows.map((r) => ({
		area: r.area,
		area_name: r.areaName,
		level: r.level,
		category: r.category,
		period_from: r.period?.from ?? null,
		period_to: r.period?.to ?? null,
		records: r.current,
		expected: shownExpected(r.expected),
		excess: shownExpected(r.excess),
		ratio: shownRatio(r.ratio),
		p_value: shownProbability(r.pValue),
		q_value: shownProbability(r.qValue)
	}));
	return toCsv(out, EXCEPTION_CSV_COLUMNS);
}
