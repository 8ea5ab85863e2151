/**
 * summary.json of the City of London sample, built by the extract builder: its figures equal what
 * the Overview's and the Map's own queries give over the whole extract loaded as the browser
 * has it (every column, every table), and the headline counts and hexagon counts equal those
 * worked out here from the raw police.uk CSVs (web/tests/expected.ts) and h3-js.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { ident, literal } from '../../analytics/ingest/sql';
import { ensureHarmWeights } from '../../analytics/thr/sql';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';
import { monthlyTrendByCategory, overviewSummary, topCategories } from '../../analytics/overview/queries';
import { MAP_CELL_BUDGET, SUMMARY_FILE, cellCounts, matchesManifest, readStartSummary, type StartSummary } from '../../analytics/overview/summary';
import { cellValues, exploreDatasets } from '../../analytics/explore/queries';
import { classBreaks } from '../../analytics/explore/classes';
import { defaultFilters, withParentLevels, type ExploreFilters } from '../../analytics/explore/filters';
import { forceAreaShape } from '../../analytics/explore/map';
import { buildExtracts } from './extracts';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { insertArrow } from './load-input';
import { SAMPLE_AREAS, SAMPLE_INPUTS } from './sample';
import { tempDirs } from './extract-test-utils';
import { countedStreetRows, streetFigures } from '../../web/tests/expected';

const temp = tempDirs('clearsight-summary-');
let out: string;
let manifest: ExtractManifest;
let summary: StartSummary;
let live: NodeRunner;

/** Every dataset of the extract as a table of the same name, every column: what the browser has. */
async function loadWhole(runner: NodeRunner, dir: string, m: ExtractManifest) {
	let attached = false;
	for (const d of m.datasets) {
		if (d.format === 'duckdb-table') {
			if (!attached) await runner.exec(`ATTACH ${literal(join(dir, d.file))} AS base (READ_ONLY)`);
			attached = true;
			await runner.exec(`CREATE TABLE ${ident(d.name)} AS SELECT * FROM base.${ident(d.table)}`);
		} else {
			await insertArrow(runner, { name: d.name, columns: d.columns, bytes: readFileSync(join(dir, d.file)) });
		}
	}
	await ensureHarmWeights(runner, cchi as HarmWeightsModel);
}

beforeAll(async () => {
	out = temp();
	({ manifest } = await buildExtracts({ inputs: SAMPLE_INPUTS, out, areas: SAMPLE_AREAS }));
	summary = readStartSummary(JSON.parse(readFileSync(join(out, SUMMARY_FILE), 'utf8')))!;
	live = await createNodeRunner();
	await loadWhole(live, out, manifest);
}, 120_000);

afterAll(() => live?.close());

describe('summary.json of the City of London sample', () => {
	it('is listed in the manifest with its size and sha256, and is small', () => {
		const bytes = readFileSync(join(out, SUMMARY_FILE));
		expect(manifest.summary).toEqual({ file: SUMMARY_FILE, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
		expect(bytes.byteLength).toBeLessThan(50_000);
		expect(summary).not.toBeNull();
	});

	it('belongs to this extract and to no other', () => {
		expect(matchesManifest(summary, manifest)).toBe(true);
		const other = { datasets: manifest.datasets.map((d) => (d.name === 'explore_points' ? { ...d, sha256: '0'.repeat(64) } : d)) };
		expect(matchesManifest(summary, other)).toBe(false);
		expect(matchesManifest(summary, { datasets: manifest.datasets.filter((d) => d.name !== 'outcomes') })).toBe(false);
		expect(readStartSummary({ ...summary, summary_version: 99 })).toBeNull();
		expect(readStartSummary('not a summary')).toBeNull();
	});

	it('holds the Overview figures the live queries give', async () => {
		expect(summary.overview.summary).toEqual(await overviewSummary(live));
		expect(summary.overview.trend).toEqual(await monthlyTrendByCategory(live));
		expect(summary.overview.categories).toEqual(await topCategories(live, 20));
	});

	it('holds the headline counts worked out from the raw CSVs', () => {
		const raw = streetFigures();
		const s = summary.overview.summary;
		expect(s.records).toBe(raw.records);
		expect(s.antiSocialBehaviour).toBe(raw.antiSocialBehaviour);
		expect(s.noLocation).toBe(raw.noLocation);
		expect(s.distinctLsoas).toBe(raw.lsoas);
		expect(summary.overview.trend.months).toEqual(raw.months);
		for (const c of summary.overview.categories) expect(c.count).toBe(raw.byCategory.get(c.category));
	});

	it("holds the Map's first layer as the live queries and class breaks give it", async () => {
		const map = summary.map!;
		expect(map.datasets).toEqual(await exploreDatasets(live));
		expect(map.filters.dataset).toBe('incidents');
		expect(map.filters.measure).toBe('count');
		expect(map.bounds).toEqual((await forceAreaShape(live))!.bounds);
		expect(map.forceShape?.name).toBe('City of London');
		// The coarse parents of r7 (r5, r6: where the national Map opens) as well as the stored levels.
		expect(map.layers.map((l) => l.level)).toEqual(['h3_5', 'h3_6', 'h3_7', 'h3_8', 'h3_9']);
		for (const layer of map.layers) {
			const values = await cellValues(live, map.filters, layer.level);
			expect(values.length).toBeLessThanOrEqual(MAP_CELL_BUDGET);
			// Counts and flags exactly; harm (a sum of decimal weights) to the last few bits, since
			// DuckDB's threads may add the same weights in another order on another run.
			expect(layer.cells.map(([id, n, , outside, inForce]) => [id, n, outside, inForce])).toEqual(values.map((v) => [v.cell_id, v.n, v.outside, v.inForceArea]));
			layer.cells.forEach(([, , harm], i) => expect(harm).toBeCloseTo(values[i].harm, 9));
			expect(layer.classes).toEqual(classBreaks(values.map((v) => v.value), 'jenks', 5));
		}
	});

	it('counts the cells of each level as cellValues gives them, under several filters', async () => {
		const offered = await exploreDatasets(live);
		const base = defaultFilters({ datasets: offered.map((d) => d.dataset) });
		const months = summary.overview.trend.months;
		const variants: ExploreFilters[] = [
			base,
			{ ...base, from: months[3], to: months[5] },
			{ ...base, from: months.at(-2)!, to: null },
			{ ...base, categories: ['Burglary', 'Anti-social behaviour'] },
			{ ...base, dataset: 'stop_search' }
		];
		let compared = 0;
		for (const f of variants) {
			const levels = withParentLevels(offered.find((d) => d.dataset === f.dataset)!.levels);
			const counts = await cellCounts(live, f, levels);
			for (const level of levels) {
				expect([f, level, counts.get(level)]).toEqual([f, level, (await cellValues(live, f, level)).length]);
				compared++;
			}
		}
		expect(compared).toBeGreaterThanOrEqual(30);
		expect((await cellCounts(live, base, ['h3_9'])).get('h3_9')).toBeGreaterThan(0);
	});

	it('counts each resolution-9 hexagon as the raw rows located with h3-js do', () => {
		const expected = new Map<string, number>();
		for (const row of countedStreetRows()) {
			if (row.Longitude === '' || row.Latitude === '') continue;
			const cell = latLngToCell(Number(row.Latitude), Number(row.Longitude), 9);
			expected.set(cell, (expected.get(cell) ?? 0) + 1);
		}
		const layer = summary.map!.layers.find((l) => l.level === 'h3_9')!;
		expect(new Map(layer.cells.map(([id, n]) => [id, n]))).toEqual(expected);
		expect(layer.classes.breaks.at(-1)).toBe(Math.max(...expected.values()));
	});
});
