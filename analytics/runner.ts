/**
 * The one interface analytics code uses to reach a database. The browser implements it over
 * DuckDB-wasm (web/lib/db), Node over @duckdb/node-api (scripts/lib/node-runner.ts), so every
 * query in analytics/ runs unchanged in both places and is tested against a real DuckDB.
 *
 * Type policy, decided once here: results come back as plain JavaScript values.
 * - Integers (BIGINT, HUGEINT, INTEGER …) become `number`; a value outside ±2^53 throws
 *   rather than silently losing precision (counts here never get near it).
 * - DECIMAL and DOUBLE become `number`.
 * - DATE becomes an ISO `YYYY-MM-DD` string and TIMESTAMP an ISO 8601 string in UTC, so no
 *   time zone is ever applied implicitly. Queries that need local time compute it in SQL.
 * - NULL becomes `null`.
 * Parameters are bound positionally (`?` or `$1`), never spliced into the SQL text.
 */
export type Scalar = string | number | boolean | null;
export type Row = Record<string, Scalar>;
/** Column-oriented result: one array per column, all the same length. */
export type Columns = Record<string, Scalar[]>;
export type Param = string | number | boolean | null;

export interface QueryRunner {
	/** Run a query and return its rows as objects (small results: summaries, tables). */
	rows<T extends Row = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
	/** Run a query and return it column by column (large results for charts and maps). */
	columns(sql: string, params?: readonly Param[]): Promise<Columns>;
	/** Run one or more statements for their effect. */
	exec(sql: string, params?: readonly Param[]): Promise<void>;
	/**
	 * Optional: a query whose every column is numeric (integers of at most 32 bits, or doubles)
	 * with no NULL, each column as one typed array, with no conversion per value (millions of
	 * cells). Throws a RangeError for any other column. Callers fall back to `columns` without it.
	 */
	numbers?(sql: string, params?: readonly Param[]): Promise<NumberColumns>;
	/**
	 * Optional: {@link numbers}' result as the engine hands it over, batch by batch (each batch's
	 * columns the same length), without joining the batches into one array per column: for a
	 * result read once in order, this skips a copy of every value into new memory.
	 */
	numberBatches?(sql: string, params?: readonly Param[]): Promise<NumberColumns[]>;
}

/** {@link QueryRunner.numbers}'s result: one typed array per column, all the same length. */
export type NumberColumns = Record<string, Int32Array | Float64Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Float32Array>;

/** Convert one raw value from a driver to the type policy above. */
export function toScalar(value: unknown): Scalar {
	if (value === null || value === undefined) return null;
	switch (typeof value) {
		case 'string':
		case 'boolean':
			return value;
		case 'number':
			return value;
		case 'bigint': {
			if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
				throw new RangeError(`integer ${value} is outside the safe range of a JavaScript number`);
			}
			return Number(value);
		}
		case 'object': {
			if (value instanceof Date) return value.toISOString();
			return String(value);
		}
		default:
			return String(value);
	}
}
