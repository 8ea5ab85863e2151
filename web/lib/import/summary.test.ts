/**
 * The import's start-up summary: over the City of London sample's rows held under the import's
 * own table names, it gives the Overview's figures the live queries give over the same rows
 * named as the browser names them, and the counts worked out from the raw CSVs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractManifest } from '$analytics/ingest';
import { ident, literal } from '$analytics/ingest/sql';
import { ensureHarmWeights } from '$analytics/thr/sql';
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import { monthlyTrendByCategory, overviewSummary, topCategories } from '$analytics/overview/queries';
import { matchesManifest, readStartSummary } from '$analytics/overview/summary';
import cchi from '../../../models/harm-weights/cchi-police-uk-v1.json';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { insertArrow } from '../../../scripts/lib/load-input';
import { SAMPLE_INPUTS } from '../../../scripts/lib/sample';
import { tempDirs } from '../../../scripts/lib/extract-test-utils';
import { streetFigures } from '../../tests/expected';
import { importSummary } from './summary';

const temp = tempDirs('clearsight-import-summary-');
let manifest: ExtractManifest;
let importDb: NodeRunner;
let live: NodeRunner;

/** The extract's incidents and stop_search into `runner` as `prefix<name>` tables. */
async function load(runner: NodeRunner, dir: string, prefix: string) {
	for (const d of manifest.datasets.filter((d) => d.name === 'incidents' || d.name === 'stop_search')) {
		if (d.format === 'duckdb-table') {
			await runner.exec(`ATTACH IF NOT EXISTS ${literal(join(dir, d.file))} AS base (READ_ONLY)`);
			await runner.exec(`CREATE TABLE ${ident(prefix + d.name)} AS SELECT * FROM base.${ident(d.table)}`);
		} else {
			await insertArrow(runner, { name: prefix + d.name, columns: d.columns, bytes: readFileSync(join(dir, d.file)) });
		}
	}
}

beforeAll(async () => {
	const out = temp();
	({ manifest } = await buildExtracts({ inputs: SAMPLE_INPUTS, out, areas: null }));
	importDb = await createNodeRunner();
	await load(importDb, out, 'import_ds_');
	live = await createNodeRunner();
	await load(live, out, '');
	await ensureHarmWeights(live, cchi as HarmWeightsModel);
}, 120_000);

afterAll(() => {
	importDb?.close();
	live?.close();
});

describe('importSummary', () => {
	it("gives the Overview's live figures, with its manifest entry, and no map", async () => {
		const sha256 = async (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
		const { bytes, entry } = await importSummary(importDb, { incidents: 'import_ds_incidents', stop_search: 'import_ds_stop_search' }, manifest.datasets, sha256);
		expect(entry).toEqual({ file: 'summary.json', bytes: bytes.byteLength, sha256: await sha256(bytes) });
		const summary = readStartSummary(JSON.parse(new TextDecoder().decode(bytes)))!;
		expect(matchesManifest(summary, manifest)).toBe(true);
		expect(summary.map).toBeNull();
		expect(summary.overview.summary).toEqual(await overviewSummary(live));
		expect(summary.overview.trend).toEqual(await monthlyTrendByCategory(live));
		expect(summary.overview.categories).toEqual(await topCategories(live, 20));
		expect(summary.overview.summary.records).toBe(streetFigures().records);
		expect(summary.overview.summary.stopSearches).toBe(manifest.datasets.find((d) => d.name === 'stop_search')!.rows);
	});
});
