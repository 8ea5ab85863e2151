/**
 * The start-up summary of an imported source (analytics/overview/summary.ts): the Overview's
 * figures, computed by the Overview's own queries over the rows just written, so an imported
 * source opens on its figures while the database starts, as a served extract does. The map's
 * first layer is left out (null): the import keeps no boundary or force-cell tables to repeat
 * the map's study region with, and the Map page then waits for the database as before.
 *
 * No DOM and no DuckDB-wasm import: runs in the import worker and in unit tests.
 */
import type { QueryRunner } from '$analytics/runner';
import { ident } from '$analytics/ingest/sql';
import type { ExtractManifest } from '$analytics/ingest';
import { createHarmWeightTables, type HarmWeightsModel } from '$analytics/models/harm-weights';
import { SUMMARY_FILE, computeStartSummary } from '$analytics/overview/summary';
import harmWeightsFile from '../../../models/harm-weights/cchi-police-uk-v2.json';

const HARM_MODEL = harmWeightsFile as HarmWeightsModel;

/**
 * summary.json of an import whose record tables are `records` (dataset → table of the import
 * database), and its manifest entry. Adds views `incidents`, `stop_search` and the `harm_weights`
 * and `harm_subgroup_weights` tables to the import database (which is thrown away after the import).
 */
export async function importSummary(
	runner: QueryRunner,
	records: { incidents: string; stop_search: string },
	datasets: ExtractManifest['datasets'],
	sha256: (bytes: Uint8Array) => Promise<string>
): Promise<{ bytes: Uint8Array; entry: NonNullable<ExtractManifest['summary']> }> {
	await runner.exec(`CREATE OR REPLACE TEMP VIEW incidents AS SELECT * FROM ${ident(records.incidents)}`);
	await runner.exec(`CREATE OR REPLACE TEMP VIEW stop_search AS SELECT * FROM ${ident(records.stop_search)}`);
	await createHarmWeightTables(runner, HARM_MODEL);
	const summary = await computeStartSummary(runner, { harmModel: `${HARM_MODEL.id}@${HARM_MODEL.version}`, datasets, map: false });
	const bytes = new TextEncoder().encode(JSON.stringify(summary));
	return { bytes, entry: { file: SUMMARY_FILE, bytes: bytes.byteLength, sha256: await sha256(bytes) } };
}
