/**
 * The one Arrow table the import builds in JavaScript: the H3 cells of each distinct point,
 * handed to DuckDB as IPC stream bytes (DuckDB-wasm silently ignores Arrow Table objects built
 * by another Arrow version; STACK-NOTES).
 */
import { Float64, Table, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';

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
		h3_r7: vectorFromArray(columns.h3_r7, new Utf8()),
		h3_r8: vectorFromArray(columns.h3_r8, new Utf8()),
		h3_r9: vectorFromArray(columns.h3_r9, new Utf8())
	});
	return tableToIPC(table, 'stream');
}
