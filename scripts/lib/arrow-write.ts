/**
 * A DuckDB query → an Apache Arrow IPC stream, typed by the extract contract, without turning
 * each value into a JavaScript object where it can be avoided:
 * - strings with repeats are dictionary-encoded by DuckDB itself (an ENUM type of the distinct
 *   values; `enum_code` gives the codes), so only the dictionary crosses as strings; DuckDB-wasm
 *   also inserts dictionary columns about twice as fast (docs/stack-notes.md § DuckDB-wasm);
 * - numbers are copied chunk by chunk into typed arrays.
 * Materialising every value as a JavaScript value (the driver's getColumns) cost ≈ 9 s per
 * million 12-column rows; this path is the reason extract builds stay near DuckDB's own speed.
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
	type Vector
} from 'apache-arrow';
import type { DuckDBVector } from '@duckdb/node-api';
import type { ExtractColumn } from '../../analytics/ingest/extract-schema';
import { createDictionaryType } from '../../analytics/ingest/dataset-entry';
import { ident } from '../../analytics/ingest/sql';
import type { NodeRunner } from './node-runner';

interface ColumnBuffer {
	column: ExtractColumn;
	dictionary: string[] | null;
	/** For plain strings: values holds byte lengths, utf8 the concatenated bytes. */
	utf8: Uint8Array | null;
	values: Int32Array | Float64Array | BigInt64Array | Uint8Array;
	valid: Uint8Array;
	nullCount: number;
}

function allocate(column: ExtractColumn, rows: number, dictionary: string[] | null): ColumnBuffer {
	let values: ColumnBuffer['values'];
	if (column.type === 'VARCHAR') values = new Int32Array(rows);
	else if (column.type === 'INTEGER') values = new Int32Array(rows);
	else if (column.type === 'DOUBLE') values = new Float64Array(rows);
	else if (column.type === 'TIMESTAMP') values = new BigInt64Array(rows);
	else values = new Uint8Array(rows);
	return { column, dictionary, utf8: null, values, valid: new Uint8Array(Math.ceil(rows / 8)), nullCount: 0 };
}

function copyChunk(buffer: ColumnBuffer, vector: DuckDBVector, offset: number, count: number) {
	const { values, valid } = buffer;
	for (let i = 0; i < count; i++) {
		const v = vector.getItem(i);
		const at = offset + i;
		if (v === null) {
			buffer.nullCount++;
			continue;
		}
		valid[at >> 3] |= 1 << (at & 7);
		if (values instanceof BigInt64Array) values[at] = BigInt(v as number);
		else if (values instanceof Uint8Array) values[at] = v ? 1 : 0;
		else values[at] = v as number;
	}
}

function toVector(buffer: ColumnBuffer, rows: number): Vector {
	const { column, values, valid, nullCount } = buffer;
	const nullBitmap = nullCount > 0 ? valid : undefined;
	switch (column.type) {
		case 'VARCHAR':
			if (buffer.dictionary) {
				return makeVector(
					makeData({
						type: new Dictionary(new Utf8(), new Int32()),
						length: rows,
						nullCount,
						nullBitmap,
						data: values as Int32Array,
						dictionary: utf8Vector(buffer.dictionary)
					})
				);
			}
			return makeVector(
				makeData({ type: new Utf8(), length: rows, nullCount, nullBitmap, valueOffsets: offsets(values as Int32Array), data: buffer.utf8! })
			);
		case 'INTEGER':
			return makeVector(makeData({ type: new Int32(), length: rows, nullCount, nullBitmap, data: values as Int32Array }));
		case 'DOUBLE':
			return makeVector(makeData({ type: new Float64(), length: rows, nullCount, nullBitmap, data: values as Float64Array }));
		case 'TIMESTAMP':
			return makeVector(
				makeData({ type: new TimestampMillisecond(), length: rows, nullCount, nullBitmap, data: values as BigInt64Array })
			);
		case 'BOOLEAN': {
			const bits = new Uint8Array(Math.ceil(rows / 8));
			const bytes = values as Uint8Array;
			for (let i = 0; i < rows; i++) if (bytes[i]) bits[i >> 3] |= 1 << (i & 7);
			return makeVector(makeData({ type: new Bool(), length: rows, nullCount, nullBitmap, data: bits }));
		}
	}
}

/** Byte lengths → Arrow value offsets (length + 1 entries, starting at 0). */
function offsets(lengths: Int32Array): Int32Array {
	const out = new Int32Array(lengths.length + 1);
	for (let i = 0; i < lengths.length; i++) out[i + 1] = out[i] + lengths[i];
	return out;
}

/** A non-null Utf8 vector from JavaScript strings, encoded in one pass. */
export function utf8Vector(strings: readonly string[]): Vector {
	const lengths = Int32Array.from(strings, (s) => Buffer.byteLength(s, 'utf8'));
	const data = new Uint8Array(Buffer.from(strings.join(''), 'utf8'));
	return makeVector(makeData({ type: new Utf8(), length: strings.length, nullCount: 0, valueOffsets: offsets(lengths), data }));
}

/** Rows per string_agg block: keeps each JavaScript string well under V8's ≈512 MB limit. */
const STRING_BLOCK_ROWS = 1_000_000;

/** Concatenated UTF-8 bytes of a string column in row order (nulls as empty), fetched in blocks. */
async function concatenatedUtf8(runner: NodeRunner, name: string, rows: number): Promise<Uint8Array> {
	const parts: Buffer[] = [];
	for (let start = 0; start < rows; start += STRING_BLOCK_ROWS) {
		const [{ s }] = await runner.rows<{ s: string | null }>(
			`SELECT string_agg(coalesce(${name}, ''), '' ORDER BY _i) AS s FROM arrow_w WHERE _i >= ? AND _i < ?`,
			[start, start + STRING_BLOCK_ROWS]
		);
		parts.push(Buffer.from(s ?? '', 'utf8'));
	}
	return new Uint8Array(Buffer.concat(parts));
}

/**
 * Run `SELECT … FROM <from>` for the contract `columns` and return the Arrow IPC stream bytes,
 * rows in the order the query gives. `from` is a table name or a parenthesised subquery built
 * from code (never user text). TIMESTAMP columns are carried as epoch milliseconds.
 */
export async function queryToArrow(runner: NodeRunner, columns: readonly ExtractColumn[], from: string): Promise<{ bytes: Uint8Array; rows: number }> {
	const select = columns
		.map((c) => (c.type === 'TIMESTAMP' ? `epoch_ms(${ident(c.name)}) AS ${ident(c.name)}` : ident(c.name)))
		.join(', ');
	await runner.exec(`CREATE OR REPLACE TEMP TABLE arrow_w AS SELECT ${select}, CAST(row_number() OVER () - 1 AS BIGINT) AS _i FROM ${from}`);
	// The row count and every string column's distinct count in one scan, handed to
	// createDictionaryType so it does not count them again (a dataset has up to a dozen columns;
	// each statement costs a round trip, which on small datasets is most of the time).
	const texts = columns.flatMap((c, i) => (c.type === 'VARCHAR' ? [i] : []));
	const [counts] = await runner.rows<Record<string, number>>(
		`SELECT count(*) AS n${texts.map((i) => `, count(DISTINCT ${ident(columns[i].name)}) AS ${ident(`d${i}`)}`).join('')} FROM arrow_w`
	);
	const rows = Number(counts.n);
	// Dictionary types first, then every dictionary's values in one query (unnest pads the shorter
	// lists with nulls; an enum has no null value).
	const enums = new Map<number, string>();
	for (const i of texts) {
		if (await createDictionaryType(runner, 'arrow_w', columns[i].name, rows, `arrow_enum_${i}`, Number(counts[`d${i}`]))) enums.set(i, ident(`arrow_enum_${i}`));
	}
	const values = enums.size > 0 ? await runner.columns(`SELECT ${[...enums].map(([i, type]) => `unnest(enum_range(NULL::${type})) AS ${ident(`e${i}`)}`).join(', ')}`) : {};

	const buffers: ColumnBuffer[] = [];
	const exprs: string[] = [];
	for (const [i, column] of columns.entries()) {
		const name = ident(column.name);
		const type = enums.get(i);
		const dictionary = type ? (values[`e${i}`] as (string | null)[]).filter((v): v is string => v !== null) : null;
		if (type) exprs.push(`CAST(enum_code(CAST(${name} AS ${type})) AS INTEGER)`);
		else if (column.type === 'VARCHAR') exprs.push(`CAST(strlen(${name}) AS INTEGER)`);
		else exprs.push(name);
		const buffer = allocate(column, rows, dictionary);
		if (column.type === 'VARCHAR' && !dictionary) buffer.utf8 = await concatenatedUtf8(runner, name, rows);
		buffers.push(buffer);
	}

	const result = await runner.connection.run(`SELECT ${exprs.join(', ')} FROM arrow_w ORDER BY _i`);
	let offset = 0;
	for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
		const count = chunk.rowCount;
		buffers.forEach((b, i) => copyChunk(b, chunk!.getColumnVector(i), offset, count));
		offset += count;
	}
	if (offset !== rows) throw new Error(`read ${offset} rows of ${rows} while writing Arrow`);
	await runner.exec(['DROP TABLE arrow_w', ...[...enums.values()].map((t) => `DROP TYPE IF EXISTS ${t}`)].join('; '));

	const vectors: Record<string, Vector> = {};
	for (const b of buffers) vectors[b.column.name] = toVector(b, rows);
	return { bytes: tableToIPC(new Table(vectors), 'stream'), rows };
}
