/**
 * Load analysis input into a native DuckDB for a command-line tool (score, forecast …): either an
 * extract folder (it has a manifest.json) or police.uk CSV files and folders, which are first
 * turned into an extract in a temporary folder by the same builder as `npm run extracts`. Either
 * way the tables end up exactly as the browser has them: one table per dataset, named after it,
 * with the columns of analytics/ingest/extract-schema.ts.
 *
 * How Arrow gets into native DuckDB: @duckdb/node-api has no Arrow reader, and the offline
 * machine cannot fetch an extension for one, so each IPC stream is read with apache-arrow and
 * appended through DuckDB's appender in data chunks of 2,048 rows (the engine's vector size).
 * Dictionary-encoded strings cross as their integer codes and are turned back into text in SQL
 * (strings are what makes the appender slow); TIMESTAMP columns are staged as epoch
 * milliseconds and converted in SQL. Measured here: the sample's 18,206 incidents in ≈ 0.2 s,
 * a 1M-row synthetic extract in ≈ 3 s (7 s before the dictionary path), most of it the two
 * columns of unique strings (crime_id, context). Fast enough for a force-year; a national
 * multi-year build should score from Parquet instead.
 *
 * The base datasets (incidents, stop_search, events, quarantine) of extracts built since
 * base.duckdb (scripts/lib/base-database.ts) are tables of that read-only DuckDB file: it is
 * attached, checked like an Arrow file, and each table copied in with one statement (no
 * JavaScript between); the sample's datasets load in milliseconds this way.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBDataChunk } from '@duckdb/node-api';
import { DataType, tableFromIPC, type Vector } from 'apache-arrow';
import { EXTRACT_DATASETS, type ArrowDatasetEntry, type DatasetName, type ExtractColumn, type ExtractManifest } from '../../analytics/ingest/extract-schema';
import type { ColumnMapping } from '../../analytics/ingest/detect';
import { ident } from '../../analytics/ingest/sql';
import type { ForceAreaRequest } from '../../analytics/ingest/force-area';
import { buildExtracts, type AreaInputs } from './extracts';
import { attachBaseDatabase } from './base-database';
import type { NodeRunner } from './node-runner';

export interface LoadInputOptions {
	/** Datasets to load; default: every dataset the manifest lists. */
	datasets?: readonly DatasetName[];
	/** Boundaries and IMD files for the `areas` table when CSVs are given; default none (empty `areas`). */
	areas?: AreaInputs | null;
	/** Column mapping for timestamped-incident CSVs with other header names (as `npm run extracts -- --columns`); CSV inputs only. */
	columns?: ColumnMapping;
	/**
	 * The force area when CSVs are given (as `npm run extracts`): default `auto`, the force the
	 * police.uk records fall within (its LSOAs from the lookups in sample-data/context), else none.
	 */
	forceArea?: ForceAreaRequest;
	/** Check each Arrow file's sha256 against the manifest (default true). */
	verify?: boolean;
	/** Progress lines. */
	log?: (line: string) => void;
}

export interface LoadedTable {
	name: DatasetName;
	rows: number;
	/** Read, verify and insert time, ms. */
	ms: number;
}

export interface LoadedInput {
	/** The manifest of the extract that was loaded (built just now for CSV inputs). */
	manifest: ExtractManifest;
	/** 'extract' when an extract folder was given; 'csv' when one was built from CSVs. */
	kind: 'extract' | 'csv';
	/** The extract folder given, or null for a temporary build (already removed). */
	dir: string | null;
	tables: LoadedTable[];
	/** Build time for CSV input (0 for an extract), ms. */
	buildMs: number;
	/** Total time, ms. */
	elapsedMs: number;
}

/** True if `path` is a folder with a manifest.json, i.e. an extract. */
export function isExtractFolder(path: string): boolean {
	return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'manifest.json'));
}

/**
 * Load `inputs` into `runner`: one extract folder, or any mix of police.uk CSV files and folders
 * (built into a temporary extract first, then removed). Existing tables of the same names are
 * replaced. Throws with the path when an extract folder is mixed with other inputs, when the
 * manifest is unreadable, or when an Arrow file is missing, damaged (sha256) or has a row count
 * other than the manifest's.
 */
export async function loadInput(runner: NodeRunner, inputs: readonly string[], options: LoadInputOptions = {}): Promise<LoadedInput> {
	const started = performance.now();
	if (inputs.length === 0) throw new Error('no input given: expected an extract folder or police.uk CSV files/folders');
	for (const input of inputs) if (!existsSync(input)) throw new Error(`input not found: ${input}`);
	const extracts = inputs.filter(isExtractFolder);
	if (extracts.length > 0 && inputs.length > 1) {
		throw new Error(`${extracts[0]} is an extract folder (it has a manifest.json): give it alone, not together with other inputs`);
	}
	if (extracts.length === 1) {
		if (options.columns && Object.keys(options.columns).length > 0) {
			throw new Error(`${extracts[0]} is an extract folder: a column mapping applies only when building from CSVs`);
		}
		if (options.forceArea) throw new Error(`${extracts[0]} is an extract folder: its force area was decided when it was built; a force area applies only when building from CSVs`);
		const { manifest, tables } = await loadExtract(runner, extracts[0], options);
		return { manifest, kind: 'extract', dir: extracts[0], tables, buildMs: 0, elapsedMs: performance.now() - started };
	}
	const dir = mkdtempSync(join(tmpdir(), 'clearsight-input-'));
	try {
		const built = await buildExtracts({ inputs: [...inputs], out: dir, areas: options.areas ?? null, columns: options.columns, forceArea: options.forceArea, log: options.log });
		const { manifest, tables } = await loadExtract(runner, dir, options);
		return { manifest, kind: 'csv', dir: null, tables, buildMs: built.elapsedMs, elapsedMs: performance.now() - started };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Load every dataset of one extract folder (or those named in `options.datasets`). */
export async function loadExtract(
	runner: NodeRunner,
	dir: string,
	options: LoadInputOptions = {}
): Promise<{ manifest: ExtractManifest; tables: LoadedTable[] }> {
	const manifestPath = join(dir, 'manifest.json');
	let manifest: ExtractManifest;
	try {
		manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ExtractManifest;
	} catch (e) {
		throw new Error(`${manifestPath} is not readable JSON: ${(e as Error).message}`);
	}
	if (!Array.isArray(manifest.datasets)) throw new Error(`${manifestPath} lists no datasets`);
	const wanted = options.datasets ?? manifest.datasets.map((d) => d.name);
	const tables: LoadedTable[] = [];
	// The base datasets of newer extracts are tables of one DuckDB file (base-database.ts): attached
	// read-only once, checked (size, sha256) like an Arrow file, each table copied in, then detached.
	let baseAttached: string | null = null;
	try {
		for (const name of wanted) {
			const dataset = manifest.datasets.find((d) => d.name === name);
			if (!dataset) throw new Error(`${manifestPath} has no dataset "${name}"`);
			if (!EXTRACT_DATASETS.some((d) => d.name === name)) throw new Error(`${manifestPath}: unknown dataset "${name}"`);
			const t = performance.now();
			if (dataset.format === 'duckdb-table') {
				const report = manifest.base_database;
				if (!report || report.file !== dataset.file) throw new Error(`${manifestPath}: dataset "${name}" is in ${dataset.file}, which the manifest's base_database does not describe`);
				baseAttached ??= await attachBaseDatabase(runner, dir, report, BASE_ALIAS, options.verify !== false);
				let rows: number;
				try {
					await runner.exec(`CREATE OR REPLACE TABLE ${ident(name)} AS SELECT * FROM ${ident(BASE_ALIAS)}.${ident(dataset.table)}`);
					[{ n: rows }] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(name)}`);
				} catch (e) {
					throw new Error(`${baseAttached}: table ${dataset.table} could not be read: ${(e as Error).message}`);
				}
				if (rows !== dataset.rows) throw new Error(`${baseAttached}: table ${dataset.table} has ${rows} rows; the manifest says ${dataset.rows}`);
				tables.push({ name, rows, ms: performance.now() - t });
				options.log?.(`  loaded ${name}: ${rows} rows`);
				continue;
			}
			tables.push(await loadArrowDataset(runner, dir, manifestPath, dataset, options, t));
		}
	} finally {
		if (baseAttached) await runner.exec(`DETACH ${ident(BASE_ALIAS)}`);
	}
	return { manifest, tables };
}

/** Alias the base database is attached under while its tables are copied. */
const BASE_ALIAS = 'clearsight_base';

async function loadArrowDataset(
	runner: NodeRunner,
	dir: string,
	manifestPath: string,
	dataset: ArrowDatasetEntry,
	options: LoadInputOptions,
	t: number
): Promise<LoadedTable> {
	const name = dataset.name;
	const path = join(dir, dataset.file);
	if (!existsSync(path)) throw new Error(`${path} is missing (listed in ${manifestPath})`);
	const bytes = readFileSync(path);
	if (options.verify !== false) {
		const sha256 = createHash('sha256').update(bytes).digest('hex');
		if (sha256 !== dataset.sha256) throw new Error(`${path} is damaged or was replaced: its sha256 differs from the manifest's`);
	}
	const rows = await insertArrow(runner, { name, columns: dataset.columns, bytes });
	if (rows !== dataset.rows) throw new Error(`${path} has ${rows} rows; the manifest says ${dataset.rows}`);
	options.log?.(`  loaded ${name}: ${rows} rows`);
	return { name, rows, ms: performance.now() - t };
}

const CHUNK_ROWS = 2048;

/**
 * One column as staged: dictionary-encoded strings cross as their integer codes (strings are
 * what makes the appender slow: ≈ 6 µs per value against ≈ 0.3 µs per number) and are turned
 * back into text in SQL from the dictionary, which crosses once.
 */
interface StagedColumn {
	column: ExtractColumn;
	vector: Vector;
	/** The single dictionary of a dictionary-encoded column, else null (values cross as they are). */
	dictionary: string[] | null;
}

function stageColumn(column: ExtractColumn, vector: Vector): StagedColumn {
	if (column.type === 'VARCHAR' && DataType.isDictionary(vector.type)) {
		const dictionaries = new Set(vector.data.map((d) => d.dictionary));
		if (dictionaries.size === 1) {
			const dict = [...dictionaries][0]!;
			const dictionary: string[] = new Array(dict.length);
			for (let i = 0; i < dict.length; i++) dictionary[i] = String(dict.get(i));
			return { column, vector, dictionary };
		}
	}
	return { column, vector, dictionary: null };
}

/**
 * Create table `name` with `columns` and fill it from Arrow IPC stream bytes. Returns the row
 * count. Column names and types come from the manifest but must be identifiers and contract
 * types; a column missing from the file is an error naming it.
 */
export async function insertArrow(runner: NodeRunner, { name, columns, bytes }: { name: string; columns: readonly ExtractColumn[]; bytes: Uint8Array }): Promise<number> {
	const table = tableFromIPC(bytes);
	for (const c of columns) {
		if (!['VARCHAR', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'TIMESTAMP'].includes(c.type)) throw new Error(`${name}: column "${c.name}" has unknown type ${c.type}`);
	}
	const staged = columns.map((c) => {
		const v = table.getChild(c.name);
		if (!v) throw new Error(`${name}.arrow has no column "${c.name}"`);
		return stageColumn(c, v);
	});
	const staging = `load_${name}`;
	const stagedType = (s: StagedColumn) => (s.dictionary ? 'INTEGER' : s.column.type === 'TIMESTAMP' ? 'DOUBLE' : s.column.type);
	await runner.exec(`CREATE OR REPLACE TEMP TABLE ${ident(staging)} (${staged.map((s) => `${ident(s.column.name)} ${stagedType(s)}`).join(', ')})`);
	const appender = await runner.connection.createAppender(staging, 'main', 'temp');
	try {
		const chunk = DuckDBDataChunk.create(staged.map((_, i) => appender.columnType(i)));
		for (let start = 0; start < table.numRows; start += CHUNK_ROWS) {
			const end = Math.min(table.numRows, start + CHUNK_ROWS);
			chunk.reset();
			chunk.setColumns(staged.map((s) => slice(s, start, end)));
			appender.appendDataChunk(chunk);
		}
	} finally {
		appender.closeSync();
	}
	const dictionaries: string[] = [];
	const select: string[] = [];
	for (const [i, s] of staged.entries()) {
		const col = ident(s.column.name);
		if (s.dictionary) {
			const dict = ident(`load_${name}_dict_${i}`);
			await runner.exec(`CREATE OR REPLACE TEMP TABLE ${dict} (code INTEGER, value VARCHAR)`);
			const a = await runner.connection.createAppender(`load_${name}_dict_${i}`, 'main', 'temp');
			s.dictionary.forEach((value, code) => {
				a.appendInteger(code);
				a.appendVarchar(value);
				a.endRow();
			});
			a.closeSync();
			dictionaries.push(dict);
			// An uncorrelated subquery: the dictionary becomes one list, indexed per row (1-based).
			select.push(`(SELECT list(value ORDER BY code) FROM ${dict})[${col} + 1] AS ${col}`);
		} else if (s.column.type === 'TIMESTAMP') {
			select.push(`make_timestamp(CAST(round(${col} * 1000) AS BIGINT)) AS ${col}`);
		} else select.push(col);
	}
	await runner.exec(`CREATE OR REPLACE TABLE ${ident(name)} AS SELECT ${select.join(', ')} FROM ${ident(staging)}`);
	await runner.exec(`DROP TABLE ${ident(staging)}`);
	for (const dict of dictionaries) await runner.exec(`DROP TABLE ${dict}`);
	const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM ${ident(name)}`);
	return n;
}

/** Rows [start, end) of a staged column as JavaScript values the appender takes. */
function slice(staged: StagedColumn, start: number, end: number): (string | number | boolean | null)[] {
	const { vector, column, dictionary } = staged;
	const out: (string | number | boolean | null)[] = new Array(end - start);
	if (dictionary) {
		// Codes straight from the index buffer; validity from the vector.
		const data = vector.data[0];
		const codes = data.values as Int32Array;
		for (let i = start; i < end; i++) out[i - start] = data.getValid(i) ? codes[i] : null;
		return out;
	}
	const type = column.type;
	for (let i = start; i < end; i++) {
		const v = vector.get(i) as unknown;
		if (v === null || v === undefined) out[i - start] = null;
		else if (type === 'TIMESTAMP' || type === 'INTEGER' || type === 'DOUBLE') out[i - start] = typeof v === 'bigint' ? Number(v) : (v as number);
		else if (type === 'BOOLEAN') out[i - start] = Boolean(v);
		else out[i - start] = String(v);
	}
	return out;
}
