/**
 * The one Arrow table the import builds in JavaScript: the H3 cells of each distinct point,
 * handed to DuckDB as IPC stream bytes (DuckDB-wasm silently ignores Arrow Table objects built
 * by another Arrow version; docs/stack-notes.md § DuckDB-wasm). Vectors are assembled from
 * buffers: Arrow's builders (vectorFromArray) compile a validity function with `Function(…)`,
 * which the app's Content-Security-Policy (no 'unsafe-eval'; csp.js) forbids.
 */
import { Float64, Table, Utf8, makeData, makeVector, tableToIPC, type Vector } from 'apache-arrow';

/** A non-null Utf8 vector from JavaScript strings. */
function utf8Vector(strings: readonly string[]): Vector {
	const encoder = new TextEncoder();
	const parts = strings.map((s) => encoder.encode(s));
	const valueOffsets = new Int32Array(strings.length + 1);
	for (let i = 0; i < parts.length; i++) valueOffsets[i + 1] = valueOffsets[i] + parts[i].length;
	const data = new Uint8Array(valueOffsets[strings.length]);
	for (let i = 0; i < parts.length; i++) data.set(parts[i], valueOffsets[i]);
	return makeVector(makeData({ type: new Utf8(), length: strings.length, nullCount: 0, valueOffsets, data }));
}

export function pointCellsIpc(columns: {
	longitude: Float64Array;
	latitude: Float64Array;
	h3_r7: string[];
	h3_r8: string[];
	h3_r9: string[];
}): Uint8Array {
	const f64 = (data: Float64Array) => makeVector(makeData({ type: new Float64(), length: data.length, nullCount: 0, data }));
	const table = new Table({
		longitude: f64(columns.longitude),
		latitude: f64(columns.latitude),
		h3_r7: utf8Vector(columns.h3_r7),
		h3_r8: utf8Vector(columns.h3_r8),
		h3_r9: utf8Vector(columns.h3_r9)
	});
	return tableToIPC(table, 'stream');
}
