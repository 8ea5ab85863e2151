/**
 * arrowToColumns against the two kinds of Arrow table it meets: real DuckDB-wasm 1.32 results
 * (its bundled Arrow 17, from the blocking Node build; docs/stack-notes.md § DuckDB-wasm) and
 * tables built with our Arrow 21 (dictionary-encoded strings, 64-bit integers, dates, timestamps).
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDB, NODE_RUNTIME, VoidLogger, type DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import {
	DateDay,
	Dictionary,
	Int32,
	Int64,
	TimestampMillisecond,
	Utf8,
	makeData,
	makeVector,
	Table,
	tableFromArrays,
	vectorFromArray
} from 'apache-arrow';
import { arrowToColumns, arrowToNumberBatches, arrowToNumbers, arrowToRows, decimalToNumber, type ArrowTableLike } from './arrow-columns';

type Connection = ReturnType<DuckDBBindings['connect']>;

let db: DuckDBBindings;
let conn: Connection;

beforeAll(async () => {
	const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm'));
	db = await createDuckDB(
		{
			mvp: { mainModule: resolve(dist, 'duckdb-mvp.wasm'), mainWorker: resolve(dist, 'duckdb-node-mvp.worker.cjs') },
			eh: { mainModule: resolve(dist, 'duckdb-eh.wasm'), mainWorker: resolve(dist, 'duckdb-node-eh.worker.cjs') }
		},
		new VoidLogger(),
		NODE_RUNTIME
	);
	await db.instantiate(() => {});
	conn = db.connect();
});

afterAll(() => {
	conn?.close();
});

const query = (sql: string): ArrowTableLike => conn.query(sql);

describe('arrowToColumns over DuckDB-wasm results (Arrow 17)', () => {
	it.each([
		['BIGINT (count) → number', 'SELECT count(*) AS v FROM range(3)', 3],
		['HUGEINT (sum of BIGINT) → number', 'SELECT sum(x) AS v FROM range(5) t(x)', 10],
		['negative HUGEINT → number', 'SELECT (-42)::HUGEINT AS v', -42],
		['INTEGER → number', 'SELECT 7::INTEGER AS v', 7],
		['DOUBLE → number', 'SELECT 2.5::DOUBLE AS v', 2.5],
		['DECIMAL(5,2) → number', 'SELECT 244.68::DECIMAL(5,2) AS v', 244.68],
		['negative DECIMAL(18,3) → number', 'SELECT (-1234.567)::DECIMAL(18,3) AS v', -1234.567],
		['DECIMAL(38,10) → number', "SELECT '12345678.0123456789'::DECIMAL(38,10) AS v", 12345678.0123456789],
		['BOOLEAN → boolean', 'SELECT true AS v', true],
		['VARCHAR → string', "SELECT 'On or near Fleet Street' AS v", 'On or near Fleet Street'],
		['DATE → YYYY-MM-DD', "SELECT DATE '2019-03-01' AS v", '2019-03-01'],
		['DATE before 1970 → YYYY-MM-DD', "SELECT DATE '1969-12-31' AS v", '1969-12-31'],
		['TIMESTAMP → ISO 8601 UTC', "SELECT TIMESTAMP '2019-03-31 01:30:05.123456' AS v", '2019-03-31T01:30:05.123Z'],
		['TIMESTAMPTZ → ISO 8601 UTC', "SELECT TIMESTAMPTZ '2018-06-01 10:00:00+01' AS v", '2018-06-01T09:00:00.000Z'],
		['TIME → HH:MM:SS', "SELECT TIME '23:10:00' AS v", '23:10:00'],
		['TIME with micros', "SELECT TIME '00:00:01.5' AS v", '00:00:01.500000'],
		['NULL → null', 'SELECT NULL AS v', null],
		['typed NULL BIGINT → null', 'SELECT NULL::BIGINT AS v', null],
		['LIST → JSON text', 'SELECT [1, 2, 3] AS v', '[1,2,3]']
	])('%s', (_, sql, expected) => {
		const { v } = arrowToColumns(query(sql));
		expect(v).toEqual([expected]);
	});

	it('keeps column order and length, with nulls in place', () => {
		const cols = arrowToColumns(
			query("SELECT x AS n, CASE WHEN x % 2 = 0 THEN NULL ELSE 'odd' END AS s, (x * 1000000000)::BIGINT AS big FROM range(4) t(x)")
		);
		expect(Object.keys(cols)).toEqual(['n', 's', 'big']);
		expect(cols).toEqual({ n: [0, 1, 2, 3], s: [null, 'odd', null, 'odd'], big: [0, 1e9, 2e9, 3e9] });
	});

	it('throws a RangeError naming the column for an integer beyond ±2^53', () => {
		expect(() => arrowToColumns(query('SELECT 9007199254740993::BIGINT AS too_big'))).toThrow(/column "too_big".*safe range/);
		expect(() => arrowToColumns(query('SELECT 9007199254740993::HUGEINT AS h'))).toThrow(RangeError);
	});

	it('gives empty columns for an empty result', () => {
		expect(arrowToColumns(query('SELECT 1 AS a, 2 AS b WHERE false'))).toEqual({ a: [], b: [] });
		expect(arrowToRows(query('SELECT 1 AS a WHERE false'))).toEqual([]);
	});

	it('reads NULL-free numeric columns straight from their chunks: the same numbers as value by value', () => {
		// Several chunks (DuckDB-wasm sends 2,048-row batches); a column with one NULL takes the value-by-value path.
		const table = query(
			`SELECT x::DOUBLE / 7 AS d, (x * 0.1)::FLOAT AS f, (x - 3000)::INTEGER AS i, x::SMALLINT AS s, (x % 200)::UTINYINT AS u,
				CASE WHEN x = 4000 THEN NULL ELSE x::DOUBLE END AS nullable FROM range(5000) t(x)`
		);
		const cols = arrowToColumns(table);
		const fields = table.schema.fields.map((f) => f.name);
		expect(fields).toEqual(['d', 'f', 'i', 's', 'u', 'nullable']);
		fields.forEach((name, k) => expect(cols[name]).toEqual(Array.from(table.getChildAt(k)!, (v) => (v === null ? null : Number(v)))));
		expect(cols.d[5]).toBe(5 / 7);
		expect(cols.i[0]).toBe(-3000);
		expect(cols.nullable[4000]).toBeNull();
		expect(cols.f.every((v) => typeof v === 'number')).toBe(true);
	});

	it('arrowToNumbers: each NULL-free numeric column as one typed array, the same numbers as arrowToColumns; any other column refused', () => {
		// Several chunks (2,048-row batches), and one chunk alone.
		for (const rows of [5000, 10]) {
			const table = query(`SELECT x::DOUBLE / 7 AS d, (x - 3000)::INTEGER AS i, (x % 200)::UTINYINT AS u FROM range(${rows}) t(x)`);
			const typed = arrowToNumbers(table);
			const plain = arrowToColumns(table);
			expect(typed.d).toBeInstanceOf(Float64Array);
			expect(typed.i).toBeInstanceOf(Int32Array);
			expect(typed.u).toBeInstanceOf(Uint8Array);
			for (const name of ['d', 'i', 'u']) {
				expect(typed[name].length).toBe(rows);
				expect(Array.from(typed[name])).toEqual(plain[name]);
			}
		}
		expect(() => arrowToNumbers(query('SELECT CASE WHEN x = 4000 THEN NULL ELSE x::DOUBLE END AS nullable FROM range(5000) t(x)'))).toThrow(/column "nullable"/);
		expect(() => arrowToNumbers(query('SELECT x AS big FROM range(3) t(x)'))).toThrow(RangeError);
		expect(() => arrowToNumbers(query("SELECT 'a' AS s"))).toThrow(RangeError);
	});

	it('arrowToNumberBatches: the engine’s batches as they come (views of its own values), joined the same numbers as arrowToNumbers; any other column refused', () => {
		for (const rows of [5000, 10]) {
			const table = query(`SELECT x::DOUBLE / 7 AS d, (x - 3000)::INTEGER AS i, (x % 200)::SMALLINT AS s FROM range(${rows}) t(x)`);
			const batches = arrowToNumberBatches(table);
			const whole = arrowToNumbers(table);
			// DuckDB-wasm sends 2,048-row batches: 5,000 rows are three, 10 rows one.
			expect(batches.length).toBe(Math.ceil(rows / 2048));
			for (const name of ['d', 'i', 's']) {
				for (const b of batches) {
					expect(b[name].length).toBe(b.d.length);
					expect(b[name].constructor).toBe(whole[name].constructor);
				}
				expect(batches.flatMap((b) => Array.from(b[name]))).toEqual(Array.from(whole[name]));
			}
			// No copy: each batch's column is the chunk's own typed array.
			const chunk = table.getChildAt(1)!.data![0].values as Int32Array;
			expect(batches[0].i.buffer).toBe(chunk.buffer);
		}
		expect(arrowToNumberBatches(query('SELECT x::INTEGER AS i FROM range(5) t(x) WHERE false'))).toEqual([]);
		expect(() => arrowToNumberBatches(query('SELECT CASE WHEN x = 4000 THEN NULL ELSE x::DOUBLE END AS nullable FROM range(5000) t(x)'))).toThrow(/column "nullable"/);
		expect(() => arrowToNumberBatches(query('SELECT x AS big FROM range(3) t(x)'))).toThrow(RangeError);
	});

	it('gives row objects with the same values', () => {
		expect(arrowToRows(query("SELECT 1::BIGINT AS a, DATE '2020-02-29' AS d UNION ALL SELECT 2, NULL ORDER BY a"))).toEqual([
			{ a: 1, d: '2020-02-29' },
			{ a: 2, d: null }
		]);
	});
});

describe('arrowToColumns over Arrow 21 tables', () => {
	it('decodes dictionary strings, Int64 and Int32', () => {
		const categories = vectorFromArray(['Burglary', 'Robbery', 'Burglary', null], new Dictionary(new Utf8(), new Int32()));
		const table = new Table({
			category: categories,
			n: vectorFromArray([1n, 2n, 3n, null], new Int64()),
			i: vectorFromArray([10, 20, null, 40], new Int32())
		});
		expect(arrowToColumns(table)).toEqual({
			category: ['Burglary', 'Robbery', 'Burglary', null],
			n: [1, 2, 3, null],
			i: [10, 20, null, 40]
		});
	});

	it('formats dates and millisecond timestamps in UTC', () => {
		const ms = Date.UTC(2019, 10, 30, 23, 10, 0);
		const days = Date.UTC(2018, 10, 29) / 86_400_000;
		const d = makeData({ type: new DateDay(), length: 2, nullCount: 0, data: new Int32Array([days, 0]) });
		const t = makeData({ type: new TimestampMillisecond(), length: 2, nullCount: 0, data: new BigInt64Array([BigInt(ms), 0n]) });
		const table = new Table({ d: makeVector(d), t: makeVector(t) });
		const cols = arrowToColumns(table);
		expect(cols.d).toEqual(['2018-11-29', '1970-01-01']);
		expect(cols.t).toEqual(['2019-11-30T23:10:00.000Z', '1970-01-01T00:00:00.000Z']);
	});

	it('handles a plain table from arrays', () => {
		expect(arrowToRows(tableFromArrays({ a: Int32Array.from([1, 2]), b: ['x', 'y'] }))).toEqual([
			{ a: 1, b: 'x' },
			{ a: 2, b: 'y' }
		]);
	});
});

describe('decimalToNumber', () => {
	it.each([
		[new Uint32Array([250, 0, 0, 0]), 2, 2.5],
		[new Uint32Array([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]), 0, -1],
		[new Uint32Array([0, 1, 0, 0]), 0, 2 ** 32],
		[12345n, 3, 12.345],
		[1.5, 4, 1.5]
	])('%o at scale %i → %d', (value, scale, expected) => {
		expect(decimalToNumber(value, scale)).toBeCloseTo(expected, 12);
	});
});
