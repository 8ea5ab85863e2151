/**
 * Shared set-up for the THR tests (not a test itself): the published model files, a native
 * DuckDB with the real City of London street data, and tables of hand-picked real rows.
 */
import { readFileSync } from 'node:fs';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { EXTRACT_DATASETS } from '../ingest/extract-schema';
import type { HarmWeightsModel } from '../models/harm-weights';
import type { ThrModel } from './model';

export const STREET_DIR = 'sample-data/police-uk/city-of-london/street';

export function thrV1(): ThrModel {
	return JSON.parse(readFileSync('models/thr/thr-v1.json', 'utf8')) as ThrModel;
}

export function thrV2(): ThrModel {
	return JSON.parse(readFileSync('models/thr/thr-v2.json', 'utf8')) as ThrModel;
}

export function cchiWeights(): HarmWeightsModel {
	return JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;
}

/** A native DuckDB with `incidents` (and the other extract tables) built from the shipped street CSVs. */
export async function sampleRunner(): Promise<NodeRunner> {
	const runner = await createNodeRunner();
	await loadInput(runner, [STREET_DIR]);
	return runner;
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
}

/** Create (or replace) an `incidents` table with the extract contract's columns holding `rows`. */
export async function createIncidents(runner: NodeRunner, rows: readonly FixtureRow[]): Promise<void> {
	const dataset = EXTRACT_DATASETS.find((d) => d.name === 'incidents')!;
	await runner.exec(`CREATE OR REPLACE TABLE incidents (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
	for (const r of rows) {
		const monthIndex = Number(r.month.slice(0, 4)) * 12 + Number(r.month.slice(5, 7)) - 1;
		await runner.exec(
			'INSERT INTO incidents (month, month_index, lsoa_code, category, location, longitude, latitude, source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
			[r.month, monthIndex, r.lsoa, r.category, r.location ?? null, r.longitude ?? null, r.latitude ?? null, r.file ?? null, r.line ?? null]
		);
	}
}
