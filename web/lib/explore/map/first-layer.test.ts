/**
 * The Map's first layers as summary.json holds them equal the live layer query's answers over the
 * same extract: the City of London sample built by the extract builder, every dataset loaded into
 * DuckDB as the browser has it, the layer computed as layer-query.ts computeLayer computes it
 * (cellValues and studyRegion under the default filters, the hexagons' geometries, jenks breaks,
 * the same cells). So when the summary answers for the database the map may draw its first live
 * layer from it without asking DuckDB, and show the same figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from '../../../../scripts/lib/extracts';
import { createNodeRunner, type NodeRunner } from '../../../../scripts/lib/node-runner';
import { loadExtract } from '../../../../scripts/lib/load-input';
import { SAMPLE_AREAS, SAMPLE_INPUTS } from '../../../../scripts/lib/sample';
import { tempDirs } from '../../../../scripts/lib/extract-test-utils';
import { ensureHarmWeights } from '$analytics/thr/sql';
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import harmModel from '../../../../models/harm-weights/cchi-police-uk-v2.json';
import { FIRST_LAYER_CLASSES, FIRST_LAYER_METHOD, SUMMARY_FILE, readStartSummary, type StartSummary } from '$analytics/overview/summary';
import { cellValues } from '$analytics/explore/queries';
import { studyRegion } from '$analytics/explore/study-region';
import { classBreaks } from '$analytics/explore/classes';
import { buildCellLayer, cellGeometries, isH3Level } from '$analytics/explore/map';
import { withParentLevels } from '$analytics/explore/filters';
import { cellToParent } from 'h3-js';
import { geometryKeyOf, mapCellsOf, startLayerResult } from './first-layer';

const temp = tempDirs('clearsight-first-layer-');
let summary: StartSummary;
let live: NodeRunner;

beforeAll(async () => {
	const out = temp();
	const { manifest } = await buildExtracts({ inputs: SAMPLE_INPUTS, out, areas: SAMPLE_AREAS });
	summary = readStartSummary(JSON.parse(readFileSync(join(out, SUMMARY_FILE), 'utf8')))!;
	expect(summary.harm_model).toBe(`${harmModel.id}@${harmModel.version}`);
	live = await createNodeRunner();
	await loadExtract(live, out);
	expect(manifest.summary?.file).toBe(SUMMARY_FILE);
	await ensureHarmWeights(live, harmModel as HarmWeightsModel);
}, 120_000);

afterAll(() => live?.close());

describe("the Map's first layers from summary.json", () => {
	it('keep every hexagon level of the sample with its study region, the coarse parents of r7 included', () => {
		const map = summary.map!;
		// r5 and r6 are not stored: each is the H3 parent of the records' r7 cells (filters.ts PARENT_LEVELS),
		// and the national Map opens on r5, so the summary holds them as the Map offers them.
		expect(map.layers.map((l) => l.level)).toEqual(withParentLevels(map.datasets.find((d) => d.dataset === map.filters.dataset)!.levels).filter(isH3Level));
		expect(map.layers.map((l) => l.level)).toEqual(['h3_5', 'h3_6', 'h3_7', 'h3_8', 'h3_9']);
		expect(map.forceArea?.name).toBe('City of London');
		for (const l of map.layers) expect(l.region?.ids?.length).toBeGreaterThan(0);
	});

	it('equal the layer query under the default filters, cell for cell, with the same breaks and study region', async () => {
		const map = summary.map!;
		for (const { level } of map.layers) {
			const mine = startLayerResult(map, level)!;
			const values = await cellValues(live, map.filters, level);
			const region = await studyRegion(live, map.filters.dataset, level);
			const classes = classBreaks(values.map((v) => v.value), FIRST_LAYER_METHOD, FIRST_LAYER_CLASSES);
			const layer = buildCellLayer(mapCellsOf(values), cellGeometries(level, values.map((v) => v.cell_id)).geometries, classes);
			expect(mine.classes).toEqual(classes);
			expect(mine.region).toEqual(region);
			expect(mine.geometryKey).toBe(geometryKeyOf(map.filters.dataset, level));
			expect([mine.hot, mine.notes, mine.outside]).toEqual([null, values.filter((v) => v.value === null).map((v) => v.note), 0]);
			// Harm (a sum of decimal weights) to the last few bits: DuckDB's threads may add the
			// same weights in another order on another run. Everything else exactly.
			const withoutHarm = (l: typeof layer) => ({ ...l, features: l.features.map((f) => ({ ...f, properties: { ...f.properties, harm: 0 } })) });
			expect(withoutHarm(mine.layer)).toEqual(withoutHarm(layer));
			mine.layer.features.forEach((f, i) => expect(f.properties.harm).toBeCloseTo(layer.features[i].properties.harm, 9));
			expect(mine.layer.features.length).toBe(values.length);
		}
	});

	it("hold each coarse level's cells as the H3 parents of the r7 cells, records summed", () => {
		const map = summary.map!;
		const r7 = map.layers.find((l) => l.level === 'h3_7')!;
		for (const [level, resolution] of [['h3_5', 5], ['h3_6', 6]] as const) {
			const expected = new Map<string, [number, number]>();
			for (const [id, records, , outside] of r7.cells) {
				const parent = cellToParent(id, resolution);
				const [n, out] = expected.get(parent) ?? [0, 0];
				expected.set(parent, [n + records, out + outside]);
			}
			const kept = map.layers.find((l) => l.level === level)!;
			expect(kept.cells.length).toBeGreaterThan(0);
			expect(kept.cells.map(([id, n, , outside]) => [id, n, outside])).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, [n, out]]) => [id, n, out]));
		}
	});

	it('are not kept for a level the summary lacks, nor from a summary written without regions', () => {
		const map = summary.map!;
		expect(startLayerResult(map, 'lsoa')).toBeNull();
		expect(startLayerResult({ ...map, forceArea: undefined }, 'h3_8')).toBeNull();
		expect(startLayerResult({ ...map, layers: map.layers.map(({ region: _, ...l }) => l) }, 'h3_8')).toBeNull();
	});
});
