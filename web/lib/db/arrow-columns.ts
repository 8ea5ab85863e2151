/**
 * Arrow → plain JavaScript, following the type policy in analytics/runner.ts. This is the one
 * place query results are converted; everything above it sees `Scalar` values only.
 *
 * Typed structurally (no import of apache-arrow) because DuckDB-wasm hands back tables built by
 * its own bundled Arrow 17, while our code and tests use Arrow 21: the two are different
 * classes with the same shape and the same `Type` ids.
 *
 * What DuckDB-wasm 1.32 returns (checked in web/lib/db/arrow-columns.test.ts):
 * - BIGINT / count(*) → Int64 → `bigint`; SUM(BIGINT) → HUGEINT → Decimal(38, 0) as a
 *   Uint32Array of 4 little-endian words; DECIMAL(p, s) the same with scale s.
 * - DATE → Date32 as epoch milliseconds (`number`); TIMESTAMP (with or without time zone) →
 *   epoch milliseconds with a fractional part for microseconds.
 * - TIME → `bigint` microseconds.
 */
// Relative, not $analytics: this module is unit-tested under plain vitest, without Kit's aliases.
import { toScalar, type Columns, type NumberColumns, type Row, type Scalar } from '$analytics/runner';

/** Arrow `Type` ids (identical in Arrow 17 and 21). */
const TypeId = {
	Null: 1,
	Int: 2,
	Float: 3,
	Binary: 4,
	Utf8: 5,
	Bool: 6,
	Decimal: 7,
	Date: 8,
	Time: 9,
	Timestamp: 10,
	Interval: 11,
	List: 12,
	Struct: 13,
	FixedSizeBinary: 15,
	FixedSizeList: 16,
	Map: 17,
	Duration: 18,
	LargeBinary: 19,
	LargeUtf8: 20,
	LargeList: 21,
	BinaryView: 23,
	Utf8View: 24,
	Dictionary: -1
} as const;

/** Arrow `TimeUnit`. */
const UNIT_PER_SECOND = [1, 1e3, 1e6, 1e9] as const;

export interface ArrowTypeLike {
	readonly typeId: number;
	/** Decimal scale. */
	readonly scale?: number;
	/** TimeUnit for Time, Timestamp and Duration. */
	readonly unit?: number;
	/** Value type of a Dictionary. */
	readonly dictionary?: ArrowTypeLike;
	toString(): string;
}

export interface ArrowVectorLike extends Iterable<unknown> {
	readonly length: number;
	get(index: number): unknown;
	/** Arrow JS's chunks: for fixed-width numbers, `values` is the typed array of the chunk's own values. */
	readonly data?: ReadonlyArray<{ readonly length: number; readonly nullCount: number; readonly values?: unknown }>;
}

export interface ArrowTableLike {
	readonly numRows: number;
	readonly schema: { readonly fields: ReadonlyArray<{ readonly name: string; readonly type: ArrowTypeLike }> };
	getChildAt(index: number): ArrowVectorLike | null;
}

/**
 * Convert an Arrow table (Arrow 17 from DuckDB-wasm, or any later Arrow JS) to one array of
 * `Scalar` per column, following the type policy: integers → number (throws a RangeError
 * outside ±2^53), DECIMAL → number, DATE → `YYYY-MM-DD`, TIMESTAMP → ISO 8601 UTC (millisecond
 * precision), TIME → `HH:MM:SS[.ffffff]`, NULL → null. Nested and binary values become JSON /
 * hex text. Duplicate column names keep the last column, as DuckDB's own row objects do.
 */
export function arrowToColumns(table: ArrowTableLike): Columns {
	const out: Columns = {};
	table.schema.fields.forEach((field, i) => {
		const vector = table.getChildAt(i);
		const convert = converterFor(field.type, field.name);
		const direct = vector ? numbersOf(vector, field.type) : null;
		if (direct) {
			out[field.name] = direct;
			return;
		}
		const values: Scalar[] = new Array(table.numRows);
		if (vector) {
			let j = 0;
			for (const value of vector) values[j++] = value === null || value === undefined ? null : convert(value);
		} else {
			values.fill(null);
		}
		out[field.name] = values;
	});
	return out;
}

/**
 * A column of doubles, floats or integers of at most 32 bits without NULLs, read straight from
 * its chunks' typed arrays: the numbers iterating it gives (each value is already a JavaScript
 * number), without a call per value. Null for any other column.
 */
function numbersOf(vector: ArrowVectorLike, type: ArrowTypeLike & { precision?: number; bitWidth?: number }): number[] | null {
	const chunks = plainNumbers(vector, type);
	if (!chunks) return null;
	// Grown by push: V8 makes `new Array(n)` of more than about 100,000 elements a slow dictionary.
	const out: number[] = [];
	for (const v of chunks) for (let i = 0; i < v.length; i++) out.push(v[i]);
	return out;
}

type NumberArray = NumberColumns[string];

/**
 * Every column as one typed array of its own values (the chunks' typed arrays joined; the one
 * chunk's itself when there is one): QueryRunner.numbers. Each column must be integers of at most
 * 32 bits or doubles (or floats), with no NULL; any other column throws a RangeError.
 */
export function arrowToNumbers(table: ArrowTableLike): NumberColumns {
	const out: NumberColumns = {};
	table.schema.fields.forEach((field, i) => {
		const vector = table.getChildAt(i);
		const chunks = vector && plainNumbers(vector, field.type);
		if (!chunks) throw new RangeError(`column "${field.name}": not a NULL-free column of integers of at most 32 bits or doubles (${field.type.toString()})`);
		if (chunks.length === 1) {
			out[field.name] = chunks[0];
			return;
		}
		const first = chunks[0];
		const Kind = (first ? first.constructor : Float64Array) as new (length: number) => NumberArray;
		const all = new Kind(vector.length);
		let at = 0;
		for (const c of chunks) {
			if (c.constructor !== Kind) throw new RangeError(`column "${field.name}": chunks of different types`);
			all.set(c as never, at);
			at += c.length;
		}
		out[field.name] = all;
	});
	return out;
}

/**
 * {@link arrowToNumbers}' columns batch by batch, each column of each batch the chunk's own
 * typed array (no copy): for results of millions of rows read once in order. The same RangeError
 * for a column that is not NULL-free numbers; columns chunked differently (not a table of record
 * batches) are joined as by arrowToNumbers and given as one batch.
 */
export function arrowToNumberBatches(table: ArrowTableLike): NumberColumns[] {
	const names: string[] = [];
	const chunked: NumberArray[][] = [];
	table.schema.fields.forEach((field, i) => {
		const vector = table.getChildAt(i);
		const chunks = vector && plainNumbers(vector, field.type);
		if (!chunks) throw new RangeError(`column "${field.name}": not a NULL-free column of integers of at most 32 bits or doubles (${field.type.toString()})`);
		names.push(field.name);
		chunked.push(chunks);
	});
	if (chunked.length === 0) return [];
	const count = chunked[0].length;
	const aligned = chunked.every((chunks) => chunks.length === count && chunks.every((c, j) => c.length === chunked[0][j].length));
	if (!aligned) return [arrowToNumbers(table)];
	const out: NumberColumns[] = [];
	for (let j = 0; j < count; j++) {
		if (chunked[0][j].length === 0) continue;
		const batch: NumberColumns = {};
		names.forEach((name, i) => (batch[name] = chunked[i][j]));
		out.push(batch);
	}
	return out;
}

/** A NULL-free column of doubles, floats or integers of at most 32 bits: each chunk's own values (cut to its length); null for any other. */
function plainNumbers(vector: ArrowVectorLike, type: ArrowTypeLike & { precision?: number; bitWidth?: number }): NumberArray[] | null {
	const plain = (type.typeId === TypeId.Float && (type.precision === 1 || type.precision === 2)) || (type.typeId === TypeId.Int && (type.bitWidth ?? 64) <= 32);
	if (!plain || !vector.data) return null;
	const out: NumberArray[] = [];
	let total = 0;
	for (const chunk of vector.data) {
		const v = chunk.values;
		if (chunk.nullCount !== 0 || !(v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint32Array || v instanceof Int16Array || v instanceof Uint16Array || v instanceof Int8Array || v instanceof Uint8Array) || v.length < chunk.length) return null;
		out.push(v.length === chunk.length ? v : (v.subarray(0, chunk.length) as NumberArray));
		total += chunk.length;
	}
	return total === vector.length ? out : null;
}

/** The same conversion as {@link arrowToColumns}, as one object per row (for small results). */
export function arrowToRows<T extends Row = Row>(table: ArrowTableLike): T[] {
	const columns = arrowToColumns(table);
	const names = Object.keys(columns);
	const rows: T[] = new Array(table.numRows);
	for (let r = 0; r < table.numRows; r++) {
		const row: Row = {};
		for (const name of names) row[name] = columns[name][r];
		rows[r] = row as T;
	}
	return rows;
}

type Converter = (value: unknown) => Scalar;

function converterFor(type: ArrowTypeLike, column: string): Converter {
	switch (type.typeId) {
		case TypeId.Dictionary:
			return type.dictionary ? converterFor(type.dictionary, column) : toScalar;
		case TypeId.Null:
			return () => null;
		case TypeId.Int:
		case TypeId.Float:
		case TypeId.Bool:
		case TypeId.Utf8:
		case TypeId.LargeUtf8:
		case TypeId.Utf8View:
			return (v) => withColumn(column, () => toScalar(v));
		case TypeId.Decimal: {
			const scale = type.scale ?? 0;
			return (v) => withColumn(column, () => decimalToNumber(v, scale));
		}
		case TypeId.Date:
			return (v) => isoDate(v);
		case TypeId.Timestamp: {
			const perSecond = UNIT_PER_SECOND[type.unit ?? 1] ?? 1e3;
			return (v) => isoTimestamp(v, perSecond);
		}
		case TypeId.Time: {
			const perSecond = UNIT_PER_SECOND[type.unit ?? 1] ?? 1e3;
			return (v) => timeOfDay(v, perSecond);
		}
		case TypeId.Binary:
		case TypeId.LargeBinary:
		case TypeId.FixedSizeBinary:
		case TypeId.BinaryView:
			return (v) => (v instanceof Uint8Array ? hex(v) : toScalar(v));
		case TypeId.List:
		case TypeId.LargeList:
		case TypeId.FixedSizeList:
		case TypeId.Struct:
		case TypeId.Map:
		case TypeId.Interval:
		case TypeId.Duration:
		default:
			return (v) => json(v);
	}
}

function withColumn(column: string, convert: () => Scalar): Scalar {
	try {
		return convert();
	} catch (error) {
		if (error instanceof RangeError) throw new RangeError(`column "${column}": ${error.message}`);
		throw error;
	}
}

/**
 * A DECIMAL value as a number. Arrow 17 gives a Uint32Array of little-endian words (two's
 * complement); later versions may give a bigint or a number already.
 */
export function decimalToNumber(value: unknown, scale: number): Scalar {
	let big: bigint;
	if (typeof value === 'number') return value;
	if (typeof value === 'bigint') big = value;
	else if (value instanceof Uint32Array) {
		big = 0n;
		for (let i = value.length - 1; i >= 0; i--) big = (big << 32n) | BigInt(value[i]);
		const bits = BigInt(value.length * 32);
		if (value.length > 0 && value[value.length - 1] & 0x8000_0000) big -= 1n << bits;
	} else return toScalar(value);
	if (scale === 0) return toScalar(big);
	const divisor = 10n ** BigInt(scale);
	// Split so the integer part keeps full precision when it is within the safe range.
	const whole = big / divisor;
	const fraction = big % divisor;
	return Number(whole) + Number(fraction) / Number(divisor);
}

function epochMs(value: unknown, perSecond: number): number {
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'bigint') return Number(value) / (perSecond / 1e3);
	return Number(value);
}

function isoDate(value: unknown): string {
	// Arrow JS already gives Date32/Date64 as epoch milliseconds (or a Date).
	return new Date(epochMs(value, 1e3)).toISOString().slice(0, 10);
}

function isoTimestamp(value: unknown, perSecond: number): string {
	// Arrow 17 converts every unit to (fractional) milliseconds; a bigint is still in `unit`.
	const ms = typeof value === 'bigint' ? epochMs(value, perSecond) : epochMs(value, 1e3);
	return new Date(Math.floor(ms)).toISOString();
}

function timeOfDay(value: unknown, perSecond: number): string {
	const units = typeof value === 'bigint' ? value : BigInt(Math.round(Number(value)));
	const scale = BigInt(perSecond);
	const seconds = units / scale;
	const fraction = units % scale;
	const hh = String(seconds / 3600n).padStart(2, '0');
	const mm = String((seconds / 60n) % 60n).padStart(2, '0');
	const ss = String(seconds % 60n).padStart(2, '0');
	const digits = String(perSecond).length - 1;
	return fraction === 0n ? `${hh}:${mm}:${ss}` : `${hh}:${mm}:${ss}.${String(fraction).padStart(digits, '0')}`;
}

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function json(value: unknown): string {
	const plain = (v: unknown): unknown => {
		if (typeof v === 'bigint') return toScalar(v);
		if (v && typeof v === 'object') {
			const obj = v as { toJSON?: () => unknown; toArray?: () => unknown };
			if (typeof obj.toJSON === 'function' && !(v instanceof Date)) return obj.toJSON();
			if (typeof obj.toArray === 'function') return Array.from(obj.toArray() as ArrayLike<unknown>);
		}
		return v;
	};
	return JSON.stringify(plain(value), (_, v) => (typeof v === 'bigint' ? toScalar(v) : plain(v)));
}
