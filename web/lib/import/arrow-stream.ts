/**
 * DuckDB-wasm answers a query as an Arrow IPC *file*; extracts hold IPC *streams*. A file is
 * the stream itself (schema, dictionaries, record batches, end-of-stream marker) between an
 * 8-byte head (`ARROW1` and padding) and a footer (the batches' offsets, its length, `ARROW1`),
 * so the stream is cut out of the file's bytes instead of decoding every column into
 * JavaScript and encoding it again (apache-arrow's tableFromIPC then tableToIPC: about a second
 * and two more copies of the table for 1M street records). The values, types and record batches
 * are those of the file; only the bytes of the framing differ from apache-arrow's writer.
 */
import { tableFromIPC, tableToIPC } from 'apache-arrow';

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const CONTINUATION = 0xffffffff;

const magicAt = (bytes: Uint8Array, at: number) => MAGIC.every((b, i) => bytes[at + i] === b);

/**
 * The IPC stream inside an Arrow IPC file, as a view of its bytes (no copy). Anything not laid
 * out as described above (no magic, a footer length out of range, no end-of-stream marker before
 * the footer, a first message without the continuation marker) is converted the long way,
 * through apache-arrow, so the result is always a stream of the same table.
 */
export function ipcFileToStream(file: Uint8Array): Uint8Array {
	const n = file.byteLength;
	if (n >= 8 + 8 + 10 && magicAt(file, 0) && magicAt(file, n - 6)) {
		const view = new DataView(file.buffer, file.byteOffset, n);
		const footer = view.getInt32(n - 10, true);
		const end = n - 10 - footer;
		if (footer > 0 && end >= 16 && view.getUint32(8, true) === CONTINUATION && view.getUint32(end - 8, true) === CONTINUATION && view.getUint32(end - 4, true) === 0) {
			return file.subarray(8, end);
		}
	}
	return tableToIPC(tableFromIPC(file), 'stream');
}
