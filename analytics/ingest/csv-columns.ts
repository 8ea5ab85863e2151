/**
 * Reading a published CSV (IMD 2019, ONS lookups) through DuckDB by its header names, the same
 * way everywhere: every value as text, so "29,199" and leading zeros survive until cast on purpose.
 */
import type { QueryRunner } from '../runner';

/** `read_csv` of one file bound as the parameter `?`, every column as text. */
export const TEXT_CSV_SOURCE = `read_csv(?, header = true, all_varchar = true, delim = ',', quote = '"')`;

/**
 * Quoted SQL identifiers of the named columns of a CSV, in the order asked, matched against its
 * actual header with a byte-order mark and surrounding spaces ignored (IMD 2019's files start
 * with one). Use them in a query over `TEXT_CSV_SOURCE` of the same file.
 * @param hint what headers were expected, in words; it ends the error message when given.
 * @throws naming the file, the missing column and the header it has (then `hint`).
 */
export async function csvColumns(runner: QueryRunner, file: string, wanted: readonly string[], hint?: string): Promise<string[]> {
	const header = await runner.rows<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${TEXT_CSV_SOURCE})`, [file]);
	const names = header.map((h) => String(h.column_name));
	const normalise = (name: string) => name.replace(/^\uFEFF/, '').trim();
	return wanted.map((w) => {
		const found = names.find((n) => normalise(n) === w);
		if (found === undefined) {
			const has = names.map((n) => `"${normalise(n)}"`).join(', ');
			throw new Error(`${file}: column "${w}" not found; the header has ${has}${hint ? `; expected ${hint}` : ''}`);
		}
		return `"${found.replaceAll('"', '""')}"`;
	});
}
