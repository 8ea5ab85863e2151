/**
 * The manifest entry shared by the extract builder and the browser import (dataset-entry.ts),
 * run in a real DuckDB over two real months of City of London street records. Expected values
 * come from the raw CSV text parsed in JavaScript (d3-dsv), not from DuckDB: in 2018-01 and
 * 2018-02 there are 1,281 rows, 1,233 located, 14 crime types and 1,058 distinct crime IDs.
 */
import { readFileSync } from 'node:fs';
import { csvParse } from 'd3-dsv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { createDictionaryType, datasetEntry, datasetExtent, DICTIONARY_MAX_SHARE } from './dataset-entry';
import type { ExtractColumn } from './extract-schema';

const FILES = ['2018-01', '2018-02'].map((m) => `sample-data/police-uk/city-of-london/street/${m}-city-of-london-street.csv`);
const raw = FILES.flatMap((f) => csvParse(readFileSync(f, 'utf8')));

const col = (name: string, type: ExtractColumn['type']): ExtractColumn => ({ name, type, description: name });
const RECORD_COLUMNS = [col('crime_id', 'VARCHAR'), col('month', 'VARCHAR'), col('longitude', 'DOUBLE'), col('latitude', 'DOUBLE'), col('category', 'VARCHAR')];

let db: NodeRunner;
beforeAll(async () => {
	db = await createNodeRunner();
	await db.exec(
		`CREATE TABLE street AS SELECT "Crime ID" AS crime_id, "Month" AS month, TRY_CAST("Longitude" AS DOUBLE) AS longitude,
		   TRY_CAST("Latitude" AS DOUBLE) AS latitude, "Crime type" AS category
		 FROM read_csv([${FILES.map((f) => `'${f}'`).join(', ')}], all_varchar = true, header = true)`
	);
});
afterAll(() => db?.close());

describe('datasetExtent', () => {
	it('months and bounding box of the located records, as the raw CSVs give them', async () => {
		const located = raw.filter((r) => r.Longitude !== '' && r.Latitude !== '');
		const lon = located.map((r) => Number(r.Longitude));
		const lat = located.map((r) => Number(r.Latitude));
		expect(raw.length).toBe(1281);
		expect(located.length).toBe(1233);
		const extent = await datasetExtent(db, 'street', RECORD_COLUMNS, raw.length);
		expect(extent.date_range).toEqual({ first: '2018-01', last: '2018-02' });
		expect(extent.bbox).toEqual([Math.min(...lon), Math.min(...lat), Math.max(...lon), Math.max(...lat)]);
		expect(extent.bbox).toEqual([-0.126121, 51.504245, -0.052389, 51.543841]);
	});

	it('areas: the bounding box of centroid_lon/centroid_lat when there is no longitude; no month, no date range', async () => {
		await db.exec(
			`CREATE OR REPLACE TEMP TABLE centroids AS SELECT * FROM (VALUES ('E01000001', -0.0977, 51.5202), ('E01000005', -0.0763, 51.5123)) t(lsoa_code, centroid_lon, centroid_lat)`
		);
		const extent = await datasetExtent(db, 'centroids', [col('lsoa_code', 'VARCHAR'), col('centroid_lon', 'DOUBLE'), col('centroid_lat', 'DOUBLE')], 2);
		expect(extent).toEqual({ date_range: null, bbox: [-0.0977, 51.5123, -0.0763, 51.5202] });
	});

	it('no rows, or no located row: null, not a box of nulls', async () => {
		expect(await datasetExtent(db, '(SELECT * FROM street WHERE false)', RECORD_COLUMNS, 0)).toEqual({ date_range: null, bbox: null });
		const unlocated = '(SELECT * FROM street WHERE longitude IS NULL)';
		const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${unlocated}`);
		expect(n).toBe(1281 - 1233);
		expect(await datasetExtent(db, unlocated, RECORD_COLUMNS, n)).toEqual({ date_range: { first: '2018-01', last: '2018-02' }, bbox: null });
	});
});

describe('createDictionaryType', () => {
	it(`dictionary-encodes a column with at most ${DICTIONARY_MAX_SHARE} distinct values per row: crime types yes, crime IDs no`, async () => {
		const types = [...new Set(raw.map((r) => r['Crime type']))].sort();
		expect(types.length).toBe(14);
		expect(await createDictionaryType(db, 'street', 'category', raw.length, 'test_enum_category')).toBe(true);
		const values = (await db.columns(`SELECT unnest(enum_range(NULL::"test_enum_category")) AS v`)).v;
		// DuckDB's ORDER BY on VARCHAR is by byte value, as JavaScript's default sort for ASCII.
		expect(values).toEqual(types);

		const ids = new Set(raw.map((r) => r['Crime ID']).filter((id) => id !== ''));
		expect(ids.size).toBe(1058); // > 0.5 × 1,281 = 640.5
		expect(await createDictionaryType(db, 'street', 'crime_id', raw.length, 'test_enum_crime_id')).toBe(false);
		const [{ n }] = await db.rows<{ n: number }>(`SELECT count(*) AS n FROM duckdb_types() WHERE type_name = 'test_enum_crime_id'`);
		expect(n).toBe(0);
	});

	it('the share is inclusive, and a column of nulls or an empty table gets no type', async () => {
		await db.exec(`CREATE OR REPLACE TEMP TABLE halves AS SELECT * FROM (VALUES ('a'), ('a'), ('b'), ('b'), (NULL)) t(v)`);
		// 2 distinct of 4 rows = 0.5 exactly: encoded; 2 of 3 rows: not.
		expect(await createDictionaryType(db, 'halves', 'v', 4, 'test_enum_half')).toBe(true);
		expect(await createDictionaryType(db, 'halves', 'v', 3, 'test_enum_two_thirds')).toBe(false);
		expect(await createDictionaryType(db, '(SELECT v FROM halves WHERE v IS NULL)', 'v', 1, 'test_enum_nulls')).toBe(false);
		expect(await createDictionaryType(db, '(SELECT v FROM halves WHERE false)', 'v', 0, 'test_enum_empty')).toBe(false);
	});
});

describe('datasetEntry', () => {
	it('the manifest entry: file, format, size and digest as given, columns, date range and box from the rows', async () => {
		const entry = await datasetEntry(db, { name: 'incidents', columns: RECORD_COLUMNS, source: 'street', rows: 1281, bytes: 4096, sha256: 'ab'.repeat(32) });
		expect(entry).toEqual({
			name: 'incidents',
			file: 'incidents.arrow',
			format: 'arrow-ipc-stream',
			rows: 1281,
			bytes: 4096,
			sha256: 'ab'.repeat(32),
			columns: RECORD_COLUMNS,
			date_range: { first: '2018-01', last: '2018-02' },
			bbox: [-0.126121, 51.504245, -0.052389, 51.543841]
		});
		// Key order is the manifest's (manifest.json is written with JSON.stringify).
		expect(Object.keys(entry)).toEqual(['name', 'file', 'format', 'rows', 'bytes', 'sha256', 'columns', 'date_range', 'bbox']);
	});
});
