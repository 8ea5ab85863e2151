/**
 * CSV writing for exports and quarantine files. Cells that a spreadsheet would run as a
 * formula (leading =, +, -, @, tab, CR) are prefixed with a single quote, as OWASP advises
 * for CSV injection; plain numbers such as -0.0912 are left alone.
 *
 * Numbers rounded as shown: a table declares each numeric column's screen format once (a
 * function number → text, e.g. formatCount) and passes the same formats to `toCsv`, which
 * writes each number as the screen shows it, without thousands separators (a harm of
 * 991.0500000000001 CCHI days shown "991" is written 991; a score shown "0.43" is written 0.43),
 * so a spreadsheet holds what the table showed and no floating-point noise.
 */
import type { Row } from '../runner';

const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** One CSV cell: neutralised if formula-like, quoted if it holds a comma, quote or newline. */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let s = String(value);
	if (FORMULA.test(s) && !NUMBER.test(s)) s = `'${s}`;
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** How a table shows a number: the same function formats the screen cell and the CSV cell. */
export type NumberFormat = (value: number) => string;

/** Screen formats of a table's numeric columns, by column name. */
export type ColumnFormats = Readonly<Record<string, NumberFormat | undefined>>;

/**
 * A number as `format` shows it, as CSV text: thousands separators dropped, a typographic minus
 * (U+2212) made ASCII, a leading plus sign dropped. Text that does not read as a number ("—", "< 0.001") is kept as shown;
 * non-numbers and non-finite values pass through unchanged.
 */
export function asShown(value: unknown, format: NumberFormat | undefined): unknown {
	if (!format || typeof value !== 'number' || !Number.isFinite(value)) return value;
	const text = format(value).trim();
	// A signed difference shown "+12" is the number 12 (and not a formula to neutralise).
	const plain = text.replace(/,/g, '').replace(/\u2212/g, '-').replace(/^\+/, '');
	return NUMBER.test(plain) ? plain : text;
}

/**
 * Rows → CSV text with a header line, CRLF line endings (RFC 4180). `formats`: the screen
 * format of numeric columns (asShown); columns without one are written as they are.
 */
export function toCsv(rows: readonly Row[], columns: readonly string[], formats: ColumnFormats = {}): string {
	const lines = [columns.map(csvCell).join(',')];
	for (const row of rows) lines.push(columns.map((c) => csvCell(asShown(row[c], formats[c]))).join(','));
	return lines.join('\r\n') + '\r\n';
}
