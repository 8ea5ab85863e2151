/**
 * `summary.json` beside a just-built extract: the start-up summary of analytics/overview/summary.ts
 * (what the Overview and the Map page draw while the in-browser database starts), computed by
 * the pages' own functions over the extract's own datasets, named as the browser names them.
 *
 * Computed inside the build's own DuckDB, not by loading the files just written into a second
 * one: each dataset the summary reads is copied, as its Arrow file is written, into an in-memory
 * database of the build ({@link SUMMARY_CATALOG}) with the contract's columns cast to the
 * contract's types, the values its Arrow file carries (tested against the file loaded as the
 * browser loads it: summary-file.test.ts); the base rows (format `duckdb-table`) are views over
 * the base database the build has just written and attached. While the summary is computed that
 * database is the connection's default, so the pages' queries find their tables by name.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetName, ExtractColumn, ExtractManifest } from '../../analytics/ingest/extract-schema';
import { ident } from '../../analytics/ingest/sql';
import { withCatalogSnapshot } from '../../analytics/shared/catalog';
import { createHarmWeightTables, type HarmWeightsModel } from '../../analytics/models/harm-weights';
import { SUMMARY_FILE, computeStartSummary } from '../../analytics/overview/summary';
import harmWeightsFile from '../../models/harm-weights/cchi-police-uk-v2.json';
import type { NodeRunner } from './node-runner';

/** The harm model the app uses (web/lib/db/duckdb.ts HARM_MODEL). */
const HARM_MODEL = harmWeightsFile as HarmWeightsModel;

/** The datasets the summary's queries read; the others are left out, as they were never asked for. */
const LOADED: readonly DatasetName[] = [
	'incidents',
	'stop_search',
	'events',
	'explore_points',
	'explore_hours',
	'areas',
	'districts',
	'force_area',
	'force_cells'
];

/** Whether the summary reads dataset `name` (only those need be kept with {@link keepForSummary}). */
export const summaryReads = (name: DatasetName): boolean => LOADED.includes(name);

/** The build's in-memory database holding the summary's tables under the browser's names. */
export const SUMMARY_CATALOG = 'extract_summary';

export interface SummaryEntry {
	file: string;
	bytes: number;
	sha256: string;
}

type Entry = ExtractManifest['datasets'][number];

/** Open {@link SUMMARY_CATALOG} in the build's runner, before the first dataset is written. */
export async function openSummaryTables(runner: NodeRunner): Promise<void> {
	await runner.exec(`ATTACH ':memory:' AS ${SUMMARY_CATALOG}`);
}

/**
 * Keep the rows of dataset `name`, just written from `table` as an Arrow file with `columns`,
 * for the summary when it reads that dataset: the contract's columns in its order, each cast to
 * its contract type, in the table's order (as the Arrow file holds them).
 */
export async function keepForSummary(runner: NodeRunner, name: DatasetName, columns: readonly ExtractColumn[], table: string): Promise<void> {
	if (!LOADED.includes(name)) return;
	const select = columns.map((c) => `CAST(${ident(c.name)} AS ${c.type}) AS ${ident(c.name)}`).join(', ');
	await runner.exec(`CREATE OR REPLACE TABLE ${SUMMARY_CATALOG}.${ident(name)} AS SELECT ${select} FROM ${table}`);
}

/**
 * Compute the summary of the extract in `out` from its dataset entries (before manifest.json is
 * written) and write `<out>/summary.json`. The datasets in Arrow files must have been kept with
 * {@link keepForSummary}; those of the base database are read from `base`, the alias under which
 * the build attached it. Detaches {@link SUMMARY_CATALOG}. Returns the summary's manifest entry.
 */
export async function writeSummaryFile(runner: NodeRunner, options: { out: string; datasets: readonly Entry[]; base: string }): Promise<SummaryEntry> {
	const { out, datasets, base } = options;
	const [{ db }] = await runner.rows<{ db: string }>(`SELECT current_database() AS db`);
	// The build's temporary tables are found before the default database's: none may take a name the summary reads.
	const shadowing = await runner.columns(
		`SELECT table_name FROM information_schema.tables WHERE table_catalog = 'temp' AND table_name IN (${[...LOADED, 'harm_weights'].map(() => '?').join(', ')})`,
		[...LOADED, 'harm_weights']
	);
	if (shadowing.table_name.length > 0) throw new Error(`summary.json: temporary tables ${shadowing.table_name.join(', ')} would hide the extract's datasets (internal error)`);
	await runner.exec(`USE ${SUMMARY_CATALOG}`);
	try {
		const kept = new Set(
			(await runner.columns(`SELECT table_name FROM duckdb_tables() WHERE database_name = ?`, [SUMMARY_CATALOG])).table_name as string[]
		);
		for (const d of datasets) {
			if (!LOADED.includes(d.name)) continue;
			if (d.format === 'duckdb-table') await runner.exec(`CREATE VIEW ${ident(d.name)} AS SELECT * FROM ${ident(base)}.${ident(d.table)}`);
			else if (!kept.has(d.name)) throw new Error(`summary.json: ${d.file} was written without a copy for the summary (internal error)`);
		}
		// The catalog is new and empty: the weight tables are created, each in one statement.
		await createHarmWeightTables(runner, HARM_MODEL);
		// The pages' functions ask the catalog which tables and columns exist about two dozen times: one read answers them.
		const summary = await withCatalogSnapshot(runner, () => computeStartSummary(runner, { harmModel: `${HARM_MODEL.id}@${HARM_MODEL.version}`, datasets }));
		const bytes = Buffer.from(JSON.stringify(summary));
		writeFileSync(join(out, SUMMARY_FILE), bytes);
		return { file: SUMMARY_FILE, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
	} finally {
		await runner.exec(`USE ${ident(db)}`);
		await runner.exec(`DETACH ${SUMMARY_CATALOG}`);
	}
}
