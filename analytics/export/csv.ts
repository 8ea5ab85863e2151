/**
 * CSV writing for exports and quarantine files. Cells that a spreadsheet would run as a
 * formula (leading =, +, -, @, tab, CR) are prefixed with a single quote, as OWASP advises
 * for CSV injection; plain numbers such as -0.0912 are left alone.
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

/** Rows → CSV text with a header line, CRLF line endings (RFC 4180). */
export function toCsv(rows: readonly Row[], columns: readonly string[]): string {
	const lines = [columns.map(csvCell).join(',')];
	for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
	return lines.join('\r\n') + '\r\n';
}
