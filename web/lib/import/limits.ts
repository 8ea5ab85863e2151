/**
 * What the browser can import, checked before any byte is read, and how a failure for lack of
 * memory is recognised and explained. Every message says what to do instead.
 */

/** The largest text (after gunzip) of one file the import reads at once. */
export const MAX_FILE_TEXT_BYTES = 768 * 1024 * 1024;
/** The largest total text of one import. */
export const MAX_TOTAL_TEXT_BYTES = 1536 * 1024 * 1024;
/** Extract bytes written per byte of CSV text, with a margin (Arrow with dictionaries is smaller than CSV). */
const STORAGE_PER_TEXT_BYTE = 1;

const MB = 1024 * 1024;
const size = (bytes: number) => (bytes >= 1024 * MB ? `${(bytes / (1024 * MB)).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / MB))} MB`);

export const TOO_LARGE_ADVICE =
	'Build an extract with the command line instead (npm run extracts -- --input <files> --out my-extracts, then npm start -- --data my-extracts), or split the data by period (one file per month, say) and import fewer months at a time.';

export interface SizedFile {
	name: string;
	/** Bytes on disk. */
	bytes: number;
	/** Bytes of text: the same for plain files, the gzip trailer's size for gzipped ones. */
	textBytes: number;
}

/**
 * Problems that stop an import before it starts: a file or the whole import too large for the
 * browser's memory, or not enough local storage for the result. `available` is the storage
 * quota left (navigator.storage.estimate), null if unknown.
 */
export function checkImportSize(files: readonly SizedFile[], available: number | null): string | null {
	const big = files.find((f) => f.textBytes > MAX_FILE_TEXT_BYTES);
	if (big) {
		return `${big.name} is ${size(big.textBytes)} of text: more than this browser can import at once (up to ${size(MAX_FILE_TEXT_BYTES)} per file). Nothing was imported and your earlier data are unchanged. ${TOO_LARGE_ADVICE}`;
	}
	const total = files.reduce((t, f) => t + f.textBytes, 0);
	if (total > MAX_TOTAL_TEXT_BYTES) {
		return `These ${files.length} files hold ${size(total)} of text: more than this browser can import at once (up to ${size(MAX_TOTAL_TEXT_BYTES)} in one import). Nothing was imported and your earlier data are unchanged. ${TOO_LARGE_ADVICE}`;
	}
	if (available !== null && total * STORAGE_PER_TEXT_BYTE > available) {
		return `Not enough local storage: the import needs up to ${size(total * STORAGE_PER_TEXT_BYTE)} and this browser allows ${size(available)} more for this site. Remove imported sources you no longer need, or ${TOO_LARGE_ADVICE.charAt(0).toLowerCase()}${TOO_LARGE_ADVICE.slice(1)}`;
	}
	return null;
}

/** Uncompressed size from a gzip trailer (ISIZE: the last 4 bytes, little-endian, modulo 2^32). */
export function gzipTextBytes(trailer: Uint8Array, compressedBytes: number): number {
	if (trailer.length < 4) return compressedBytes;
	const isize = new DataView(trailer.buffer, trailer.byteOffset + trailer.length - 4, 4).getUint32(0, true);
	// ISIZE wraps at 4 GB; text never compresses below a tenth of itself in practice.
	return Math.max(isize, compressedBytes);
}

/** Messages of errors raised when the browser or DuckDB-wasm runs out of memory. */
const OUT_OF_MEMORY = [
	/out of memory/i,
	/could not allocate/i,
	/array buffer allocation failed/i,
	/cannot enlarge memory/i,
	/memory access out of bounds/i,
	/invalid typed array length/i,
	/invalid array buffer length/i,
	/allocation failed/i,
	/malloc of size \d+ failed/i
];

export function isOutOfMemory(message: string): boolean {
	return OUT_OF_MEMORY.some((p) => p.test(message));
}

export function outOfMemoryMessage(detail: string): string {
	return `The browser ran out of memory while importing (${detail.slice(0, 200)}). Nothing was saved and your earlier data are unchanged. ${TOO_LARGE_ADVICE}`;
}
