/**
 * The stream cut out of DuckDB-wasm's Arrow file (arrow-stream.ts) against apache-arrow's
 * decode-and-encode it replaces, on a real police.uk street month: the same fields, record
 * batches and values (dictionaries, nulls, timestamps), a well-formed stream DuckDB-wasm reads
 * back, and an empty result.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { createNodeImportEngine } from './node-engine';
import { ipcFileToStream } from './arrow-stream';

const MONTH = 'sample-data/police-uk/city-of-london/street/2019-06-city-of-london-street.csv';

let engine: Awaited<ReturnType<typeof createNodeImportEngine>>;
beforeAll(async () => {
	engine = await createNodeImportEngine();
	await engine.registerFile('month.csv', new Uint8Array(readFileSync(MONTH)));
	const { runner } = engine;
	await runner.exec(
		`CREATE TABLE street AS SELECT "Crime ID" AS crime_id, "Month" AS month, "Longitude" AS longitude, "LSOA code" AS lsoa_code, "Crime type" AS category,
		   CAST(strptime("Month", '%Y-%m') AS TIMESTAMP_MS) AS month_start
		 FROM read_csv('month.csv', header = true, all_varchar = true)`
	);
	await runner.exec(`CREATE TYPE category_enum AS ENUM (SELECT DISTINCT category FROM street WHERE category IS NOT NULL ORDER BY 1)`);
});
afterAll(() => engine.close());

/** Every field with its type, each batch's row count and every value (bigints as text). */
function content(table: Table) {
	const value = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
	return {
		fields: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`),
		batches: table.batches.map((b) => b.numRows),
		columns: table.schema.fields.map((f) => Array.from(table.getChild(f.name)!, value))
	};
}

const fileOf = (sql: string) => engine.queryFile(sql);

describe('ipcFileToStream', () => {
	it('the stream inside the file holds what decoding and encoding it gives, and DuckDB-wasm reads it back', async () => {
		const sql = `SELECT crime_id, month, try_cast(longitude AS DOUBLE) AS longitude, lsoa_code, CAST(category AS category_enum) AS category, month_start FROM street, range(4) ORDER BY range, crime_id`;
		const file = fileOf(sql);
		expect(new TextDecoder().decode(file.subarray(0, 6))).toBe('ARROW1');
		const stream = ipcFileToStream(file);
		// Cut out of the file's own bytes, not converted through apache-arrow.
		expect(stream.buffer).toBe(file.buffer);
		const expected = content(tableFromIPC(tableToIPC(tableFromIPC(file), 'stream')));
		const got = content(tableFromIPC(stream));
		expect(got).toEqual(expected);
		// The month four times over is more than one 2048-row batch; a dictionary column; nulls (crime IDs).
		expect(got.batches.length).toBeGreaterThan(1);
		expect(got.fields).toContain('category: Dictionary<Uint8, Utf8>');
		expect(got.columns[0]).toContain(null);
		// A stream: the continuation marker first, the end-of-stream marker last.
		const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
		expect(view.getUint32(0, true)).toBe(0xffffffff);
		expect([view.getUint32(stream.byteLength - 8, true), view.getUint32(stream.byteLength - 4, true)]).toEqual([0xffffffff, 0]);
		await engine.insertArrow('street_back', stream.slice());
		const [back] = await engine.runner.rows<{ n: number; missing: number; extra: number }>(
			`WITH b AS (SELECT crime_id, month, longitude, lsoa_code, category::VARCHAR AS category, month_start FROM street_back),
			      q AS (SELECT crime_id, month, try_cast(longitude AS DOUBLE), lsoa_code, category, month_start FROM street, range(4))
			 SELECT (SELECT count(*) FROM b)::INTEGER AS n, (SELECT count(*) FROM (FROM q EXCEPT ALL FROM b))::INTEGER AS missing,
			   (SELECT count(*) FROM (FROM b EXCEPT ALL FROM q))::INTEGER AS extra`
		);
		expect(back).toEqual({ n: got.batches.reduce((t, n) => t + n, 0), missing: 0, extra: 0 });
	});

	it('an empty result is a stream of the schema and no rows; a stream given in place of a file is kept as it is', () => {
		const file = fileOf(`SELECT crime_id, CAST(category AS category_enum) AS category FROM street WHERE false`);
		const empty = content(tableFromIPC(ipcFileToStream(file)));
		expect(empty).toEqual(content(tableFromIPC(tableToIPC(tableFromIPC(file), 'stream'))));
		expect(empty.fields).toEqual(['crime_id: Utf8', 'category: Dictionary<Uint8, Utf8>']);
		expect(empty.columns).toEqual([[], []]);
		const stream = ipcFileToStream(fileOf(`SELECT month FROM street LIMIT 3`));
		expect(content(tableFromIPC(ipcFileToStream(stream)))).toEqual(content(tableFromIPC(stream)));
	});
});
