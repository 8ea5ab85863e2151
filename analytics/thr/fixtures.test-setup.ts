/**
 * Shared set-up for the THR tests (not a test itself): the published model files, a native
 * DuckDB with the real City of London street data, and tables of hand-picked real rows.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract, loadInput } from '../../scripts/lib/load-input';
import { buildExtracts, type BuildOptions } from '../../scripts/lib/extracts';
import { parseBuildExtractsArgs } from '../../scripts/build-extracts';
import { EXTRACT_DATASETS, type ExtractManifest } from '../ingest/extract-schema';
import type { HarmWeightsModel } from '../models/harm-weights';
import { monthIndex } from '../shared/months';
import type { ThrModel } from './model';
import { hasColumn } from '../shared/catalog';
import { thrAreaMonthsSelectSql } from './area-months';

export const STREET_DIR = 'sample-data/police-uk/city-of-london/street';

export function thrV1(): ThrModel {
	return JSON.parse(readFileSync('models/thr/thr-v1.json', 'utf8')) as ThrModel;
}

export function thrV2(): ThrModel {
	return JSON.parse(readFileSync('models/thr/thr-v2.json', 'utf8')) as ThrModel;
}

export function thrV3(): ThrModel {
	return JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
}

export function cchiWeights(): HarmWeightsModel {
	return JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;
}

let built: Promise<string> | null = null;

/** The shipped street CSVs built once per test process into a temporary extract folder (removed when the test file ends). */
function sampleExtract(): Promise<string> {
	built ??= (async () => {
		const dir = mkdtempSync(join(tmpdir(), 'clearsight-thr-sample-'));
		await buildExtracts({ inputs: [STREET_DIR], out: dir, areas: null });
		return dir;
	})();
	return built;
}

// Test workers end without an 'exit' event, so the folder goes when the importing test file ends.
afterAll(async () => {
	const dir = await built?.catch(() => null);
	if (dir) rmSync(dir, { recursive: true, force: true });
	built = null;
});

/**
 * A native DuckDB with `incidents` (and the other extract tables) built from the shipped street
 * CSVs, as `npm run extracts` builds them: the City of London Police area declared (its 6 LSOAs,
 * the force the records fall within) and records located in the neighbouring boroughs flagged
 * outside it. With `forceArea: false`, as an extract built before force areas (or an import that
 * names none): no force_area / force_cells tables and no in_force_area flag, so scoring falls back
 * to the areas with records (the 97 City and neighbouring LSOAs).
 *
 * The extract's pre-aggregate `thr_area_months` is dropped unless `aggregate: true`, so scoring
 * reads the base rows and a test may change `incidents` (as the tests written before the
 * pre-aggregate do); area-months.test.ts scores both ways and compares. With `aggregate: true`
 * and `forceArea: false` it is made again from the flagless rows, as the builder would.
 */
export async function sampleRunner(options: { forceArea?: boolean; aggregate?: boolean } = {}): Promise<NodeRunner> {
	const runner = await createNodeRunner();
	await loadInput(runner, [await sampleExtract()]);
	if (options.forceArea === false) await dropForceArea(runner);
	if (!options.aggregate) await runner.exec('DROP TABLE IF EXISTS thr_area_months');
	else if (options.forceArea === false) await rebuildAreaMonths(runner);
	return runner;
}

/** (Re)make `thr_area_months` from the current `incidents`, with the builder's SQL (flag null when the column is gone). */
export async function rebuildAreaMonths(runner: NodeRunner): Promise<void> {
	const flag = (await hasColumn(runner, 'incidents', 'in_force_area')) ? 'in_force_area' : 'NULL';
	await runner.exec(`CREATE OR REPLACE TABLE thr_area_months AS ${thrAreaMonthsSelectSql('incidents', flag)}`);
}

/**
 * The City of London street files built with the London LSOA shapefile read by MSOA11CD as the
 * source's own areas (983 London MSOAs, labelled Neighbourhoods), as `npm run extracts` builds
 * them with `extraArgs` (e.g. `--force-area districts`), into a temporary folder loaded into a new
 * native DuckDB. Returns the runner, the build's manifest and the removal of the folder (which
 * also closes the runner).
 */
export async function cityMsoaExtract(extraArgs: readonly string[] = []): Promise<{ runner: NodeRunner; manifest: ExtractManifest; remove: () => void }> {
	const dir = mkdtempSync(join(tmpdir(), 'clearsight-city-msoa-'));
	try {
		const parsed = parseBuildExtractsArgs([
			'--input', STREET_DIR, '--no-areas',
			'--districts', 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp', '--district-id', 'MSOA11CD',
			'--areas-label', 'Neighbourhoods', ...extraArgs, '--out', dir, '--no-partitions'
		]);
		if (parsed === 'help' || parsed.sample) throw new Error('expected a build');
		const { sample: _, ...options } = parsed;
		const { manifest } = await buildExtracts({ ...(options as BuildOptions), fingerprint: '' });
		const runner = await createNodeRunner();
		await loadExtract(runner, dir);
		return {
			runner,
			manifest,
			remove: () => {
				runner.close();
				rmSync(dir, { recursive: true, force: true });
			}
		};
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
}

/**
 * The areas of the source's own area set holding a record inside the force area up to `month`
 * (YYYY-MM), by SQL on the base rows, sorted: what the hot-spot study region and the THR scope
 * over an area set wider than the force should be (cityMsoaExtract: the MSOAs the City reaches).
 */
export async function areasReachedBy(runner: NodeRunner, month: string): Promise<string[]> {
	const rows = await runner.rows<{ d: string }>(
		'SELECT DISTINCT district_id AS d FROM incidents WHERE district_id IS NOT NULL AND in_force_area AND month_index <= ? ORDER BY 1',
		[monthIndex(month)]
	);
	return rows.map((r) => r.d);
}

/** Make a database look like one without a declared force area (tables and flag dropped). */
export async function dropForceArea(runner: NodeRunner): Promise<void> {
	await runner.exec('DROP TABLE IF EXISTS force_area');
	await runner.exec('DROP TABLE IF EXISTS force_cells');
	for (const table of ['incidents', 'stop_search', 'events']) await runner.exec(`ALTER TABLE IF EXISTS ${table} DROP COLUMN IF EXISTS in_force_area`);
}

/** Create (or replace) a `force_area` table declaring `codes` as the force area's LSOAs. */
export async function createForceArea(runner: NodeRunner, name: string, codes: readonly string[]): Promise<void> {
	const dataset = EXTRACT_DATASETS.find((d) => d.name === 'force_area')!;
	await runner.exec(`CREATE OR REPLACE TABLE force_area (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
	for (const code of codes) await runner.exec("INSERT INTO force_area (area_code, area_unit, force_name) VALUES (?, 'lsoa', ?)", [code, name]);
}

/** One incident row as copied from a police.uk street CSV. */
export interface FixtureRow {
	month: string;
	lsoa: string;
	category: string;
	location?: string;
	longitude?: number;
	latitude?: number;
	file?: string;
	line?: number;
	/** in_force_area (null when not given). */
	inForceArea?: boolean;
}

/** Create (or replace) an `incidents` table with the extract contract's columns holding `rows`. */
export async function createIncidents(runner: NodeRunner, rows: readonly FixtureRow[]): Promise<void> {
	const dataset = EXTRACT_DATASETS.find((d) => d.name === 'incidents')!;
	await runner.exec(`CREATE OR REPLACE TABLE incidents (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
	for (const r of rows) {
		await runner.exec(
			'INSERT INTO incidents (month, month_index, lsoa_code, category, location, longitude, latitude, source_file, source_line, in_force_area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
			[r.month, monthIndex(r.month), r.lsoa, r.category, r.location ?? null, r.longitude ?? null, r.latitude ?? null, r.file ?? null, r.line ?? null, r.inForceArea ?? null]
		);
	}
}
