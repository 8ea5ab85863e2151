/**
 * A deliberately small, independent CSV reader for the browser tests: RFC 4180 quoting
 * (commas, quotes and newlines inside quotes), a UTF-8 BOM, CRLF or LF. It shares no code with
 * the extract builder, so the tests check the app against the raw files, not against itself.
 */
import { readFileSync } from 'node:fs';

/** All records of a CSV text, header included, each as an array of fields. */
export function parseCsv(text: string): string[][] {
	const records: string[][] = [];
	let record: string[] = [];
	let field = '';
	let quoted = false;
	let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
	for (; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			record.push(field);
			field = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			record.push(field);
			records.push(record);
			record = [];
			field = '';
		} else field += ch;
	}
	if (field !== '' || record.length > 0) {
		record.push(field);
		records.push(record);
	}
	return records;
}

/** Data rows of a CSV file as objects keyed by header name (blank lines skipped). */
export function readCsvRows(path: string): Array<Record<string, string>> {
	const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
	return rows
		.filter((r) => !(r.length === 1 && r[0] === ''))
		.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
