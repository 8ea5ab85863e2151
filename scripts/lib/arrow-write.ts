/**
 * Columns from DuckDB → an Apache Arrow IPC stream, typed by the extract contract. Strings are
 * dictionary-encoded: most columns repeat a few values (category, month, force), and
 * DuckDB-wasm inserts dictionary columns about twice as fast (shared/STACK-NOTES.md).
 */
import {
	Bool,
	Dictionary,
	Float64,
	Int32,
	Table,
	TimestampMillisecond,
	Utf8,
	makeData,
	makeVector,
	tableToIPC,
	vectorFromArray,
	type Vector
} from 'apache-arrow';
import type { ExtractColumn } from '../../analytics/ingest/extract-schema';
import type { Scalar } from '../../analytics/runner';

/** Dictionary-encode strings (nulls kept as nulls), codes in order of first appearance. */
export function dictionaryVector(values: readonly Scalar[]): Vector {
	const codes = new Int32Array(values.length);
	const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
	const index = new Map<string, number>();
	const dictionary: string[] = [];
	let nullCount = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (v === null) {
			nullCount++;
			continue;
		}
		const s = String(v);
		let code = index.get(s);
		if (code === undefined) {
			code = dictionary.length;
			index.set(s, code);
			dictionary.push(s);
		}
		codes[i] = code;
		nullBitmap[i >> 3] |= 1 << (i & 7);
	}
	const data = makeData({
		type: new Dictionary(new Utf8(), new Int32()),
		length: values.length,
		nullCount,
		nullBitmap,
		data: codes,
		dictionary: vectorFromArray(dictionary, new Utf8())
	});
	return makeVector(data);
}

function vectorFor(column: ExtractColumn, values: readonly Scalar[]): Vector {
	switch (column.type) {
		case 'VARCHAR':
			return dictionaryVector(values);
		case 'INTEGER':
			return vectorFromArray(values as (number | null)[], new Int32());
		case 'DOUBLE':
			return vectorFromArray(values as (number | null)[], new Float64());
		case 'BOOLEAN':
			return vectorFromArray(values as (boolean | null)[], new Bool());
		case 'TIMESTAMP':
			// Callers select TIMESTAMP columns as epoch milliseconds (see selectForArrow).
			return vectorFromArray(values as (number | null)[], new TimestampMillisecond());
	}
}

/** SELECT list that brings each contract column back in a form `vectorFor` takes. */
export function selectForArrow(columns: readonly ExtractColumn[]): string {
	return columns
		.map((c) => (c.type === 'TIMESTAMP' ? `epoch_ms("${c.name}") AS "${c.name}"` : `"${c.name}"`))
		.join(', ');
}

/** Build the Arrow IPC stream bytes for one dataset from its columns. */
export function arrowStream(columns: readonly ExtractColumn[], data: Record<string, readonly Scalar[]>): Uint8Array {
	const vectors: Record<string, Vector> = {};
	for (const column of columns) {
		const values = data[column.name];
		if (!values) throw new Error(`column ${column.name} missing from the query result`);
		vectors[column.name] = vectorFor(column, values);
	}
	return tableToIPC(new Table(vectors), 'stream');
}
