/**
 * Check a manifest.json against the extract contract (analytics/ingest/extract-schema.ts) before
 * any file it lists is fetched, so a bad or foreign manifest fails with a precise message.
 */
import { EXTRACT_DATASETS, type DatasetName, type ExtractManifest } from '$analytics/ingest/extract-schema';
import { ExtractLoadError } from './errors';

/** Every dataset the contract defines; the app makes a table for each. */
export const CONTRACT_DATASETS: readonly DatasetName[] = EXTRACT_DATASETS.map((d) => d.name);

/**
 * Datasets the pages cannot work without. Others missing from an extract (say one built before
 * the contract gained a dataset) get an empty table and a warning on the Data page instead.
 */
export const CORE_DATASETS: readonly DatasetName[] = ['incidents', 'stop_search', 'quarantine'];

/** A plain file name in the extracts folder: no directories, so a manifest can only point beside itself. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.arrow$/;
/** The same for the base-row database file (base.duckdb). */
const DATABASE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.duckdb$/;
/** A table of that database: a bare identifier, since it is put into SQL (quoted). */
const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;
const SHA256 = /^[0-9a-f]{64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * Validate parsed manifest JSON. `where` names it in messages (e.g. "/data/manifest.json").
 * Throws an ExtractLoadError of kind 'corrupt' naming the first problem found.
 */
export function validateManifest(json: unknown, where: string): ExtractManifest {
	const fail = (problem: string): never => {
		throw new ExtractLoadError('corrupt', `${where} ${problem}`, 'manifest.json');
	};
	if (!isObject(json)) return fail('is not a JSON object.');
	if (json.manifest_version !== 1) {
		return fail(`has manifest_version ${JSON.stringify(json.manifest_version)}; this app reads version 1.`);
	}
	if (!Array.isArray(json.datasets)) return fail('has no "datasets" list.');
	const base = json.base_database;
	if (base !== undefined) {
		if (!isObject(base) || typeof base.file !== 'string' || !DATABASE_NAME.test(base.file)) {
			return fail(`has base_database ${JSON.stringify(base)}; expected an object whose file is a plain name ending in .duckdb.`);
		}
		if (!isCount(base.bytes)) return fail('has no valid byte size for base_database.');
		if (typeof base.sha256 !== 'string' || !SHA256.test(base.sha256)) return fail('has no valid sha256 for base_database.');
	}
	const seen = new Set<string>();
	for (const [i, d] of json.datasets.entries()) {
		if (!isObject(d) || typeof d.name !== 'string') return fail(`datasets[${i}] has no name.`);
		const name = d.name;
		if (seen.has(name)) return fail(`lists dataset "${name}" twice.`);
		seen.add(name);
		if (!CONTRACT_DATASETS.includes(name as DatasetName)) continue; // a newer builder's extra dataset: ignored
		if (d.format === 'duckdb-table') {
			// A table of the base-row database, read on demand; the file's size and sha256 are in base_database.
			if (!isObject(base)) return fail(`dataset "${name}" is a table of ${JSON.stringify(d.file)}, but there is no base_database.`);
			if (d.file !== base.file) return fail(`dataset "${name}" has file ${JSON.stringify(d.file)}; expected the base_database file ${JSON.stringify(base.file)}.`);
			if (typeof d.table !== 'string' || !TABLE_NAME.test(d.table)) return fail(`dataset "${name}" has table ${JSON.stringify(d.table)}; expected a plain lower-case name.`);
		} else {
			if (typeof d.file !== 'string' || !FILE_NAME.test(d.file)) {
				return fail(`dataset "${name}" has file ${JSON.stringify(d.file)}; expected a plain name ending in .arrow.`);
			}
			if (d.format !== 'arrow-ipc-stream') return fail(`dataset "${name}" has format ${JSON.stringify(d.format)}; expected "arrow-ipc-stream" or "duckdb-table".`);
			if (!isCount(d.bytes)) return fail(`dataset "${name}" has no valid byte size.`);
			if (typeof d.sha256 !== 'string' || !SHA256.test(d.sha256)) return fail(`dataset "${name}" has no valid sha256.`);
		}
		if (!isCount(d.rows)) return fail(`dataset "${name}" has no valid row count.`);
		if (!Array.isArray(d.columns)) return fail(`dataset "${name}" has no column list.`);
	}
	const missing = CORE_DATASETS.filter((n) => !seen.has(n));
	if (missing.length > 0) return fail(`lists no ${missing.map((n) => `"${n}"`).join(', ')} dataset${missing.length > 1 ? 's' : ''}.`);
	if (!Array.isArray(json.sources)) return fail('has no "sources" list.');
	if (!Array.isArray(json.attribution)) return fail('has no "attribution" list.');
	if (!isObject(json.builder) || typeof json.built_at !== 'string') return fail('has no builder or built_at.');
	if (!isObject(json.totals)) return fail('has no "totals".');
	return json as unknown as ExtractManifest;
}
