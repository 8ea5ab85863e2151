/**
 * One dataset's entry in manifest.json, built the same way by the extract builder
 * (scripts/lib/extracts.ts, Node) and the in-browser import (web/lib/import/build.ts): the
 * months it spans, its bounding box, and which string columns are dictionary-encoded in the
 * Arrow file. Each side writes the Arrow bytes its own way and hands over their size and sha256.
 */
import type { QueryRunner } from '../runner';
import type { DatasetName, ExtractColumn, ExtractManifest } from './extract-schema';
import { ident } from './sql';

/** One entry of `ExtractManifest.datasets`. */
export type DatasetEntry = ExtractManifest['datasets'][number];

/**
 * A string column is dictionary-encoded (an Arrow Dictionary of its distinct values) when it has
 * at most this share of distinct values among its rows: repeats then cross as small integer codes.
 */
export const DICTIONARY_MAX_SHARE = 0.5;

/**
 * When string column `column` of `source` (`rows` rows) has at least one and at most
 * {@link DICTIONARY_MAX_SHARE} × rows distinct non-null values, create the DuckDB ENUM type `type`
 * of those values in sorted order (nulls stay null) and return true; else create nothing and
 * return false (also for an empty source). `source` is a table name or parenthesised subquery
 * built from code, `column` and `type` bare names from known lists (quoted here). `distinct`, when
 * the caller has already counted the column's distinct non-null values, saves counting them again.
 */
export async function createDictionaryType(
	runner: QueryRunner,
	source: string,
	column: string,
	rows: number,
	type: string,
	distinct?: number
): Promise<boolean> {
	if (rows <= 0) return false;
	const col = ident(column);
	const d = distinct ?? Number((await runner.rows<{ d: number }>(`SELECT count(DISTINCT ${col}) AS d FROM ${source}`))[0].d);
	if (!(d > 0 && d <= rows * DICTIONARY_MAX_SHARE)) return false;
	await runner.exec(`DROP TYPE IF EXISTS ${ident(type)}`);
	await runner.exec(`CREATE TYPE ${ident(type)} AS ENUM (SELECT DISTINCT ${col} FROM ${source} WHERE ${col} IS NOT NULL ORDER BY 1)`);
	return true;
}

/**
 * The months a dataset spans and its bounding box, from `source` (a table name or parenthesised
 * subquery built from code) with the given contract columns and row count.
 * - `date_range`: first and last `month` (YYYY-MM strings, compared as text); null without a
 *   `month` column or rows.
 * - `bbox`: [west, south, east, north] in WGS84 degrees over `longitude`/`latitude` (records) or
 *   else `centroid_lon`/`centroid_lat` (areas, districts); null without such columns, rows, or
 *   any located row.
 * - `offence_subgroups`: whether any record carries an offence subgroup, for a dataset with the
 *   `offence_subgroup` column (absent otherwise): harm queries read it instead of scanning the
 *   column (analytics/models/harm-weights.ts recordsCarrySubgroups). Found in the same scan as
 *   the months.
 */
export async function datasetExtent(
	runner: QueryRunner,
	source: string,
	columns: readonly ExtractColumn[],
	rows: number
): Promise<Pick<DatasetEntry, 'date_range' | 'bbox' | 'offence_subgroups'>> {
	const has = (c: string) => columns.some((col) => col.name === c);
	const subgroupColumn = has('offence_subgroup');
	let date_range: DatasetEntry['date_range'] = null;
	let offence_subgroups = false;
	if (rows > 0 && (has('month') || subgroupColumn)) {
		const [r] = await runner.rows<{ first: string | null; last: string | null; subgroups: boolean | null }>(
			`SELECT ${has('month') ? 'min(month) AS first, max(month) AS last' : 'NULL AS first, NULL AS last'}, ${subgroupColumn ? 'bool_or(offence_subgroup IS NOT NULL)' : 'false'} AS subgroups FROM ${source}`
		);
		if (has('month')) date_range = { first: r.first!, last: r.last! };
		offence_subgroups = r.subgroups === true;
	}
	let bbox: DatasetEntry['bbox'] = null;
	const lonCol = has('longitude') ? 'longitude' : has('centroid_lon') ? 'centroid_lon' : null;
	if (rows > 0 && lonCol) {
		const latCol = lonCol === 'longitude' ? 'latitude' : 'centroid_lat';
		const [lon, lat] = [ident(lonCol), ident(latCol)];
		const [r] = await runner.rows<{ w: number | null; s: number; e: number; n: number }>(
			`SELECT min(${lon}) AS w, min(${lat}) AS s, max(${lon}) AS e, max(${lat}) AS n FROM ${source}`
		);
		if (r.w !== null) bbox = [r.w, r.s, r.e, r.n];
	}
	return { date_range, bbox, ...(subgroupColumn ? { offence_subgroups } : {}) };
}

/**
 * The manifest entry of dataset `name` written as `<name>.arrow` (an Arrow IPC stream of
 * `bytes` bytes with hex digest `sha256`), its date range and bounding box read from `source`
 * (see {@link datasetExtent}).
 */
export async function datasetEntry(
	runner: QueryRunner,
	dataset: { name: DatasetName; columns: readonly ExtractColumn[]; source: string; rows: number; bytes: number; sha256: string }
): Promise<DatasetEntry> {
	const { name, columns, source, rows, bytes, sha256 } = dataset;
	return {
		name,
		file: `${name}.arrow`,
		format: 'arrow-ipc-stream',
		rows,
		bytes,
		sha256,
		columns: [...columns],
		...(await datasetExtent(runner, source, columns, rows))
	};
}
