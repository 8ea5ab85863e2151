/**
 * What the raw bytes of a file tell before any SQL runs: its header line, which records are
 * blank, how many records hold data, and where records span more than one physical line.
 * Pure: works on a Uint8Array in Node and in the browser.
 *
 * "Record" is DuckDB's unit: it counts every line ending outside a quoted value, blank lines
 * included, the header being record 1. A quoted value may hold line endings, so a record can
 * span several physical lines; `lineShifts` maps record numbers back to physical lines.
 */

export interface TextScan {
	/** First line, decoded as UTF-8 (invalid bytes shown as U+FFFD), without its line ending. */
	headerLine: string;
	/** Record numbers (header = 1) of empty lines after the header (DuckDB skips them; a line of spaces is a record). */
	blankLines: number[];
	/** Records after the header that are not blank. */
	dataLines: number;
	/**
	 * Where records start later than their record number says: from `record` on, the physical
	 * line is record + `shift`. Empty when no quoted value spans lines.
	 */
	lineShifts: Array<{ record: number; shift: number }>;
	/** True if the file starts with a UTF-8 byte-order mark. */
	bom: boolean;
	/** Line endings seen: LF, CRLF or none. */
	lineEnding: 'LF' | 'CRLF' | 'none';
	/** Bytes scanned. */
	bytes: number;
}

import { detectDelimiter } from './detect';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Physical line → record lookup for messages: the physical line where `record` starts. */
export function physicalLine(record: number, shifts: TextScan['lineShifts']): number {
	let shift = 0;
	for (const s of shifts) if (s.record <= record) shift = s.shift;
	return record + shift;
}

/**
 * Scan a file's bytes. A double quote opens a quoted value only at the start of a field (after
 * the delimiter or a line ending), as DuckDB's reader does; `""` inside is an escaped quote.
 * Edge cases: an empty file gives headerLine "" and dataLines 0; a final line without a line
 * ending still counts; a trailing line ending does not add a record.
 *
 * @param delimiter the field separator, for quote detection (default: detected from the header)
 */
export function scanText(bytes: Uint8Array, delimiter?: string): TextScan {
	const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
	const start = bom ? 3 : 0;
	const firstEnd = bytes.indexOf(LF, start);
	const headerEnd = firstEnd === -1 ? bytes.length : firstEnd;
	const headerLine = new TextDecoder('utf-8').decode(bytes.subarray(start, headerEnd)).replace(/\r$/, '');
	const lineEnding = firstEnd === -1 ? 'none' : firstEnd > 0 && bytes[firstEnd - 1] === CR ? 'CRLF' : 'LF';
	const blankLines: number[] = [];
	const lineShifts: TextScan['lineShifts'] = [];
	let dataLines = 0;
	if (firstEnd === -1) return { headerLine, blankLines, dataLines, lineShifts, bom, lineEnding, bytes: bytes.length };

	const delim = (delimiter ?? detectDelimiter(headerLine)).charCodeAt(0);
	const quoted = bytes.indexOf(QUOTE, firstEnd + 1) !== -1;
	let record = 1;
	let shift = 0;
	let pos = firstEnd + 1;
	while (pos < bytes.length) {
		record++;
		// One record: up to the next line ending outside quotes.
		let end = bytes.indexOf(LF, pos);
		if (end === -1) end = bytes.length;
		if (quoted) {
			let inQuotes = false;
			let fieldStart = true;
			let extraLines = 0;
			let i = pos;
			for (; i < bytes.length; i++) {
				const b = bytes[i];
				if (inQuotes) {
					if (b === QUOTE) {
						if (bytes[i + 1] === QUOTE) i++;
						else inQuotes = false;
					} else if (b === LF) extraLines++;
				} else if (b === LF) break;
				else {
					if (b === QUOTE && fieldStart) inQuotes = true;
					fieldStart = b === delim;
				}
			}
			end = i;
			if (extraLines > 0) {
				shift += extraLines;
				lineShifts.push({ record: record + 1, shift });
			}
		}
		let blank = true;
		for (let i = pos; i < end && blank; i++) if (bytes[i] !== CR) blank = false;
		if (blank) blankLines.push(record);
		else dataLines++;
		pos = end + 1;
	}
	return { headerLine, blankLines, dataLines, lineShifts, bom, lineEnding, bytes: bytes.length };
}
