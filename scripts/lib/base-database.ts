/**
 * The base datasets (incidents, stop and search, events, quarantine) as one read-only DuckDB
 * database file, `base.duckdb`, beside the extract's Arrow files, with the `explore_points`
 * pre-aggregate when it is large ({@link EXPLORE_POINTS_ON_DEMAND_ROWS}). The views read small
 * pre-aggregates; the base rows are needed only for a cell's records, a drawn box, an area's
 * incidents, so the browser attaches this file over HTTP and reads only the blocks a query
 * touches (range requests), instead of inserting every row into DuckDB-wasm
 * (web/lib/db/README.md; docs in /work/shared/STACK-NOTES.md § "Reading base rows on demand").
 *
 * - Written with `STORAGE_VERSION` {@link BASE_STORAGE_VERSION}, the newest format DuckDB-wasm
 *   1.32 (DuckDB 1.4.3) reads; the native DuckDB writing it is newer.
 * - Rows sorted by `month_index` (then the dataset's natural order), so each row group's zone
 *   map spans few months and a month's rows are read alone.
 * - Written to a temporary name, checkpointed and detached (no WAL left), then renamed, so a
 *   reader never sees a half-written file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXTRACT_DATASETS, type BaseDatabaseReport, type DatasetName, type DuckdbTableEntry } from '../../analytics/ingest/extract-schema';
import { datasetExtent } from '../../analytics/ingest/dataset-entry';
import { ident, literal } from '../../analytics/ingest/sql';
import type { NodeRunner } from './node-runner';

/** File name of the database beside manifest.json. */
export const BASE_DATABASE_FILE = 'base.duckdb';
/** The DuckDB storage version DuckDB-wasm 1.32.0 (DuckDB v1.4.3) reads. */
export const BASE_STORAGE_VERSION = 'v1.4.0';
/** The base datasets stored in the database, one table each, named after the dataset. */
export const BASE_DATASETS = ['incidents', 'stop_search', 'events', 'quarantine'] as const satisfies readonly DatasetName[];
export type BaseDatasetName = (typeof BASE_DATASETS)[number];
/**
 * Rows of the Map and Time views' `explore_points` pre-aggregate from which the builder stores it
 * in the database too (read on demand, rolled up per cell level by the views) instead of as an
 * Arrow file loaded whole: 4.6M rows on the national set (a 185 MB Arrow file); under the limit
 * (the sample: 9,221 rows; 1M street rows: 0.2M) in-memory scans are faster than range reads.
 */
export const EXPLORE_POINTS_ON_DEMAND_ROWS = 1_000_000;
/** The sort column of the tables that have it (all but quarantine). */
export const BASE_SORTED_BY = 'month_index';

export interface BaseTable {
	name: BaseDatasetName | 'explore_points';
	/**
	 * A table name or parenthesised subquery built from code (never user text) giving the rows; or
	 * a function of the relations of the tables written before it (e.g. a pre-aggregate read from
	 * the base rows just written rather than from the query that made them).
	 */
	from: string | ((written: Record<'incidents' | 'stop_search' | 'events', string>) => string);
	/**
	 * Columns the rows are ordered by after `month_index` (the dataset's natural order, e.g.
	 * `['occurred_at', 'source_file', 'source_line']`); null keeps the order `from` gives (quarantine,
	 * which has no month).
	 */
	order: readonly string[] | null;
	/**
	 * Store the table only when it has at least this many rows; a smaller one is left in a
	 * temporary table named in {@link BaseDatabase.leftOut} (sorted the same way) for the caller to
	 * write as an Arrow file (see {@link EXPLORE_POINTS_ON_DEMAND_ROWS}).
	 */
	minRows?: number;
}

export interface BaseDatabase {
	/** One manifest entry per table, in the order given. */
	datasets: DuckdbTableEntry[];
	report: BaseDatabaseReport;
	/** The tables under their `minRows`, not stored: the temporary table holding each one's rows. */
	leftOut: Partial<Record<BaseTable['name'], string>>;
}

/**
 * Write `tables` into `<out>/base.duckdb` (replacing any earlier one, and removing the Arrow
 * files of those datasets an earlier build left), each with the contract's columns and types.
 */
export async function writeBaseDatabase(runner: NodeRunner, out: string, tables: readonly BaseTable[]): Promise<BaseDatabase> {
	const path = join(out, BASE_DATABASE_FILE);
	const temp = `${path}.tmp`;
	for (const f of [temp, `${temp}.wal`]) rmSync(f, { force: true });
	const alias = 'base_out';
	await runner.exec(`ATTACH ${literal(temp)} AS ${alias} (STORAGE_VERSION '${BASE_STORAGE_VERSION}')`);
	const datasets: DuckdbTableEntry[] = [];
	const leftOut: BaseDatabase['leftOut'] = {};
	// CREATE TABLE … AS answers with the number of rows it wrote (its Count column), so no count(*) follows.
	const created = async (sql: string) => Number((await runner.rows<{ Count: number }>(sql))[0].Count);
	try {
		for (const t of tables) {
			const spec = EXTRACT_DATASETS.find((d) => d.name === t.name)!;
			const select = spec.columns.map((c) => `CAST(${ident(c.name)} AS ${c.type}) AS ${ident(c.name)}`).join(', ');
			const order = t.order ? ` ORDER BY ${[BASE_SORTED_BY, ...t.order].map(ident).join(', ')}` : '';
			const table = `${alias}.${ident(t.name)}`;
			const written = { incidents: `${alias}.incidents`, stop_search: `${alias}.stop_search`, events: `${alias}.events` };
			const from = typeof t.from === 'function' ? t.from(written) : t.from;
			let n: number;
			if (t.minRows !== undefined) {
				const staged = ident(`${t.name}_rows`);
				n = await created(`CREATE OR REPLACE TEMP TABLE ${staged} AS SELECT ${select} FROM ${from}${order}`);
				if (n < t.minRows) {
					leftOut[t.name] = staged;
					continue;
				}
				await runner.exec(`CREATE TABLE ${table} AS SELECT * FROM ${staged}; DROP TABLE ${staged}`);
			} else {
				n = await created(`CREATE TABLE ${table} AS SELECT ${select} FROM ${from}${order}`);
			}
			datasets.push({
				name: t.name,
				file: BASE_DATABASE_FILE,
				format: 'duckdb-table',
				table: t.name,
				rows: n,
				columns: [...spec.columns],
				...(await datasetExtent(runner, table, spec.columns, n))
			});
		}
		await runner.exec(`CHECKPOINT ${alias}`);
	} finally {
		await runner.exec(`DETACH ${alias}`);
	}
	renameSync(temp, path);
	for (const t of tables) rmSync(join(out, `${t.name}.arrow`), { force: true });
	const bytes = readFileSync(path);
	return {
		datasets,
		leftOut,
		report: {
			file: BASE_DATABASE_FILE,
			bytes: bytes.byteLength,
			sha256: createHash('sha256').update(bytes).digest('hex'),
			storage_version: BASE_STORAGE_VERSION,
			sorted_by: BASE_SORTED_BY
		}
	};
}

/**
 * Attach `<dir>/<report.file>` read-only to `runner` as `alias`, after checking its size (and,
 * with `verify`, its sha256) against the manifest. Throws naming the file.
 */
export async function attachBaseDatabase(runner: NodeRunner, dir: string, report: BaseDatabaseReport, alias: string, verify = true): Promise<string> {
	if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.duckdb$/.test(report.file)) throw new Error(`${join(dir, 'manifest.json')}: base_database file ${JSON.stringify(report.file)} is not a plain .duckdb name`);
	const path = join(dir, report.file);
	if (!existsSync(path)) throw new Error(`${path} is missing (listed in ${join(dir, 'manifest.json')}): rebuild the extract`);
	const size = statSync(path).size;
	if (size !== report.bytes) throw new Error(`${path} is ${size} bytes but the manifest says ${report.bytes}: it is truncated or from another build`);
	if (verify) {
		const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
		if (sha256 !== report.sha256) throw new Error(`${path} is damaged or was replaced: its sha256 differs from the manifest's`);
	}
	try {
		await runner.exec(`ATTACH ${literal(path)} AS ${ident(alias)} (READ_ONLY)`);
	} catch (e) {
		throw new Error(`${path} could not be opened as a DuckDB database: ${(e as Error).message}`);
	}
	return path;
}
