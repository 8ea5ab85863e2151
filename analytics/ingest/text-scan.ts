/**
 * What the raw bytes of a file tell before any SQL runs: its header line, which lines are
 * blank, how many lines hold data, and whether it is UTF-8. Pure: works on a Uint8Array in
 * Node and in the browser.
 */

export interface TextScan {
	/** First line, decoded as UTF-8 (invalid bytes shown as U+FFFD), without its line ending. */
	headerLine: string;
	/** Line numbers (header = 1) of empty lines after the header (DuckDB skips them; a line of spaces is a record). */
	blankLines: number[];
	/** Lines after the header that are not blank. A quoted value spanning lines counts each line. */
	dataLines: number;
	/** True if the file starts with a UTF-8 byte-order mark. */
	bom: boolean;
	/** Line endings seen: LF, CRLF or none. */
	lineEnding: 'LF' | 'CRLF' | 'none';
	/** Bytes scanned. */
	bytes: number;
}

const LF = 10;
const CR = 13;

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
	for (let i = start; i < end; i++) {
		const b = bytes[i];
		if (b !== CR) return false;
	}
	return true;
}

/**
 * Scan a file's bytes. Edge cases: an empty file gives headerLine "" and dataLines 0; a final
 * line without a line ending still counts; a trailing line ending does not add a line.
 */
export function scanText(bytes: Uint8Array): TextScan {
	const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
	const start = bom ? 3 : 0;
	let firstEnd = bytes.indexOf(LF, start);
	const headerEnd = firstEnd === -1 ? bytes.length : firstEnd;
	const header = new TextDecoder('utf-8').decode(bytes.subarray(start, headerEnd)).replace(/\r$/, '');
	const lineEnding = firstEnd === -1 ? 'none' : firstEnd > 0 && bytes[firstEnd - 1] === CR ? 'CRLF' : 'LF';
	const blankLines: number[] = [];
	let dataLines = 0;
	let line = 1;
	let pos = firstEnd === -1 ? bytes.length : firstEnd + 1;
	while (pos < bytes.length) {
		line++;
		let end = bytes.indexOf(LF, pos);
		if (end === -1) end = bytes.length;
		if (isBlank(bytes, pos, end)) blankLines.push(line);
		else dataLines++;
		pos = end + 1;
	}
	return { headerLine: header, blankLines, dataLines, bom, lineEnding, bytes: bytes.length };
}
