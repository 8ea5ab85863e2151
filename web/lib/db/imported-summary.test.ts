/**
 * An imported source whose stored start-up summary is missing, of an older version or without its
 * map part gets one computed again once its database is ready (start-summary.ts
 * keepImportedSummaryCurrent): over the City of London sample's extract loaded as the browser
 * loads it, that summary's Overview part is the one a fresh import stores (importSummary over the
 * import's own tables), byte for byte, its figures the Overview's live queries' answers, and its
 * map part the served build's (the summary.json the command-line builder writes beside the same
 * extract); isCurrentSummary tells a current summary from an older version, another build's and
 * another harm model's, and hasMapPart a source with records to map (also when none has a
 * location: one real month's records without one) from one with none.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractManifest } from '$analytics/ingest';
import { ident } from '$analytics/ingest/sql';
import { createHarmWeightTables, type HarmWeightsModel } from '$analytics/models/harm-weights';
import { monthlyTrendByCategory, overviewSummary, topCategories } from '$analytics/overview/queries';
import { OVERVIEW_CATEGORY_LIMIT, SUMMARY_VERSION, computeStartSummary, hasMapPart, isCurrentSummary } from '$analytics/overview/summary';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import harmWeightsFile from '../../../models/harm-weights/cchi-police-uk-v2.json';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadExtract } from '../../../scripts/lib/load-input';
import { SAMPLE_INPUTS } from '../../../scripts/lib/sample';
import { summaryFigures, tempDirs } from '../../../scripts/lib/extract-test-utils';
import { streetFigures } from '../../tests/expected';
import { importSummary } from '../import/summary';
import { harmModelTag, summaryAnswersFor } from './start-answers';

const MODEL = harmWeightsFile as HarmWeightsModel;
const RECORDS = ['incidents', 'stop_search'] as const;
const temp = tempDirs('clearsight-imported-summary-');
let manifest: ExtractManifest;
let importDb: NodeRunner;
let live: NodeRunner;
/** The summary.json the command-line builder wrote beside the extract (the served build's). */
let built: string;

const sha256 = async (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
	const out = temp();
	({ manifest } = await buildExtracts({ inputs: SAMPLE_INPUTS, out, areas: null }));
	built = readFileSync(join(out, manifest.summary!.file), 'utf8');
	// The browser's tables (web/lib/db/duckdb.ts: every dataset of the extract, as an import saves
	// them all, and createHarmWeightTables of its HARM_MODEL) …
	live = await createNodeRunner();
	await loadExtract(live, out);
	await createHarmWeightTables(live, MODEL);
	// … and the same rows under the import's own table names.
	importDb = await createNodeRunner();
	await loadExtract(importDb, out, { datasets: RECORDS });
	for (const name of RECORDS) await importDb.exec(`ALTER TABLE ${ident(name)} RENAME TO ${ident(`import_ds_${name}`)}`);
}, 120_000);

afterAll(() => {
	importDb?.close();
	live?.close();
});

describe('the summary of an imported source, computed again in the browser', () => {
	it("is the summary a fresh import stores, byte for byte, with the served build's map part, and its figures are the Overview's live answers", async () => {
		const imported = await importSummary(importDb, { incidents: 'import_ds_incidents', stop_search: 'import_ds_stop_search' }, manifest.datasets, sha256);
		expect(await hasMapPart(live)).toBe(true);
		const again = await computeStartSummary(live, { harmModel: harmModelTag(MODEL), datasets: manifest.datasets });
		const bytes = new TextEncoder().encode(JSON.stringify(again));
		// The import's summary is the same without the map part (null, the last member).
		expect(JSON.stringify({ ...again, map: null })).toBe(new TextDecoder().decode(imported.bytes));
		expect(JSON.parse(new TextDecoder().decode(imported.bytes)).map).toBeNull();
		expect(summaryFigures(JSON.stringify(again))).toEqual(summaryFigures(built));
		expect(again.map!.layers.length).toBeGreaterThan(0);
		expect(again.map!.layers.every((l) => l.cells.length > 0)).toBe(true);
		expect(again.summary_version).toBe(SUMMARY_VERSION);
		expect(again.overview.summary).toEqual(await overviewSummary(live));
		expect(again.overview.trend).toEqual(await monthlyTrendByCategory(live));
		expect(again.overview.categories).toEqual(await topCategories(live, OVERVIEW_CATEGORY_LIMIT));
		// Worked from the raw CSVs (web/tests/expected.ts).
		expect(again.overview.summary.records).toBe(streetFigures().records);

		// Stored with the source, its entry stands for the manifest's summary: on the next load the
		// summary answers for that database (the Overview asks DuckDB nothing it already holds).
		const entry = { file: `summary-${(await sha256(bytes)).slice(0, 16)}.json`, bytes: bytes.byteLength, sha256: await sha256(bytes) };
		const stored = { ...manifest, summary: entry };
		const db = { source: { id: 'local:0', label: 'City', kind: 'imported' as const }, manifest: stored, harmModel: MODEL };
		expect(summaryAnswersFor({ sourceId: 'local:0', manifest: stored, summary: again }, db)).toBe(true);
	});

	it('is computed only when the stored one is not current: missing, of an older version, of another build or harm model', async () => {
		const current = JSON.parse(new TextDecoder().decode((await importSummary(importDb, { incidents: 'import_ds_incidents', stop_search: 'import_ds_stop_search' }, manifest.datasets, sha256)).bytes));
		const tag = harmModelTag(MODEL);
		expect(isCurrentSummary(current, manifest, tag)).toBe(true);
		expect(isCurrentSummary(null, manifest, tag)).toBe(false);
		expect(isCurrentSummary({ ...current, summary_version: 1 }, manifest, tag)).toBe(false);
		expect(isCurrentSummary(current, manifest, 'cchi-police-uk@1.0.0')).toBe(false);
		const rebuilt = { datasets: manifest.datasets.map((d) => (d.name === 'stop_search' ? { ...d, sha256: '0'.repeat(64) } : d)) } as Pick<ExtractManifest, 'datasets'>;
		expect(isCurrentSummary(current, rebuilt, tag)).toBe(false);
	});
});

describe('an imported source whose records have no location', () => {
	it('has a map part, with no layer and no bounds: the Map has nothing to draw, and says so', async () => {
		// One real month's street records without a location (police.uk leaves Longitude empty).
		const lines = readFileSync('sample-data/police-uk/city-of-london/street/2019-04-city-of-london-street.csv', 'utf8').split('\n');
		const unlocated = lines.filter((l, i) => i > 0 && l.split(',')[4] === '');
		expect(unlocated.length).toBe(47);
		const dir = temp();
		const file = join(dir, '2019-04-city-of-london-street.csv');
		writeFileSync(file, [lines[0], ...unlocated, ''].join('\n'));
		const out = temp();
		const { manifest } = await buildExtracts({ inputs: [file], out, areas: null });
		const runner = await createNodeRunner();
		try {
			await loadExtract(runner, out);
			await createHarmWeightTables(runner, MODEL);
			expect(await hasMapPart(runner)).toBe(true);
			const summary = await computeStartSummary(runner, { harmModel: harmModelTag(MODEL), datasets: manifest.datasets });
			expect(summary.overview.summary.records).toBe(47);
			expect(summary.map).toMatchObject({ bounds: null, layers: [] });
			expect(summary.map!.datasets.map((d) => [d.dataset, d.records, d.levels])).toEqual([['incidents', 47, []]]);
			expect(summaryFigures(JSON.stringify(summary))).toEqual(summaryFigures(readFileSync(join(out, manifest.summary!.file), 'utf8')));
		} finally {
			runner.close();
		}
	});
});
