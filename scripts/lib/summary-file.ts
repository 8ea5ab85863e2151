/**
 * `summary.json` beside a just-built extract: the start-up summary of analytics/overview/summary.ts
 * (what the Overview and the Map page draw while the in-browser database starts), computed by
 * the pages' own functions over the extract's own files, loaded the way the browser names them.
 *
 * Only what those functions read is loaded: the pre-aggregates and the small geography tables
 * whole, and of the base rows the columns the Overview's queries name (a query reading another
 * column fails here, loudly, rather than giving another figure). A base dataset stored in the
 * extract's DuckDB database file (format `duckdb-table`) is attached read-only instead.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetName, ExtractManifest } from '../../analytics/ingest/extract-schema';
import { ident, literal } from '../../analytics/ingest/sql';
import { ensureHarmWeights } from '../../analytics/thr/sql';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { SUMMARY_FILE, computeStartSummary } from '../../analytics/overview/summary';
import harmWeightsFile from '../../models/harm-weights/cchi-police-uk-v2.json';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { insertArrow } from './load-input';

/** The harm model the app uses (web/lib/db/duckdb.ts HARM_MODEL). */
const HARM_MODEL = harmWeightsFile as HarmWeightsModel;

/** Columns of the base rows the summary's queries read; other datasets are loaded whole. */
const COLUMNS: Partial<Record<DatasetName, readonly string[]>> = {
	// offence_subgroup: the Overview's harm weighs it where records carry it (absent from older extracts: not loaded).
	incidents: ['category', 'month', 'month_index', 'longitude', 'latitude', 'lsoa_code', 'offence_subgroup'],
	stop_search: ['month'],
	events: ['month']
};

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

export interface SummaryEntry {
	file: string;
	bytes: number;
	sha256: string;
}

type Entry = ExtractManifest['datasets'][number];

async function loadDataset(runner: NodeRunner, out: string, d: Entry, attached: Map<string, string>): Promise<void> {
	if (d.format === 'duckdb-table') {
		let alias = attached.get(d.file);
		if (!alias) {
			alias = `summary_base_${attached.size}`;
			await runner.exec(`ATTACH ${literal(join(out, d.file))} AS ${alias} (READ_ONLY)`);
			attached.set(d.file, alias);
		}
		await runner.exec(`CREATE VIEW ${ident(d.name)} AS SELECT * FROM ${alias}.${ident(d.table)}`);
		return;
	}
	const wanted = COLUMNS[d.name];
	const columns = wanted ? d.columns.filter((c) => wanted.includes(c.name)) : d.columns;
	await insertArrow(runner, { name: d.name, columns, bytes: readFileSync(join(out, d.file)) });
}

/**
 * Compute the summary of the extract in `out` from its dataset entries (before manifest.json is
 * written) and write `<out>/summary.json`. Returns its manifest entry.
 */
export async function writeSummaryFile(out: string, datasets: readonly Entry[]): Promise<SummaryEntry> {
	const runner = await createNodeRunner();
	try {
		const attached = new Map<string, string>();
		for (const d of datasets) {
			if (!LOADED.includes(d.name)) continue;
			if (!existsSync(join(out, d.file))) throw new Error(`${d.file} is not in ${out}`);
			await loadDataset(runner, out, d, attached);
		}
		await ensureHarmWeights(runner, HARM_MODEL);
		const summary = await computeStartSummary(runner, { harmModel: `${HARM_MODEL.id}@${HARM_MODEL.version}`, datasets });
		const bytes = Buffer.from(JSON.stringify(summary));
		writeFileSync(join(out, SUMMARY_FILE), bytes);
		return { file: SUMMARY_FILE, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
	} finally {
		runner.close();
	}
}
