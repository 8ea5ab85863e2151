/**
 * Offence subgroups through the builder to what the first view draws: real City of London street
 * rows with Home Office offence codes added (offence-codes-fixture.ts) are built as `npm run
 * extracts` builds them. `explore_points` must keep each record's offence subgroup, and
 * `summary.json` (summary-file.ts: the Overview's figures and the Map's first layers, drawn before
 * the browser's database starts) must weigh the records by their subgroup as the live Overview and
 * Map do. Expected figures come from SQL over the loaded base rows with the weights joined here,
 * never from the summary's own queries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from './extracts';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { loadExtract } from './load-input';
import { tempDirs } from './extract-test-utils';
import { writeOffenceCodeFiles } from './offence-codes-fixture';
import { createHarmWeightTables, type HarmWeightsModel } from '../../analytics/models/harm-weights';
import { overviewSummary } from '../../analytics/overview/queries';
import { cellValues } from '../../analytics/explore/cell-values';
import { defaultFilters } from '../../analytics/explore/filters';
import type { StartSummary } from '../../analytics/overview/summary';
import v2 from '../../models/harm-weights/cchi-police-uk-v2.json';

const tempDir = tempDirs('clearsight-subgroup-harm-');
let runner: NodeRunner;
let summary: StartSummary;

beforeAll(async () => {
	runner = await createNodeRunner();
	const dir = tempDir();
	const { codesOnly, withCategory } = await writeOffenceCodeFiles(runner, dir);
	const out = join(dir, 'extract');
	await buildExtracts({ inputs: [codesOnly, withCategory], out, areas: null });
	summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
	await loadExtract(runner, out);
	await createHarmWeightTables(runner, v2 as HarmWeightsModel);
}, 180_000);
afterAll(() => runner?.close());

/** Σ weight by the rule over incidents matching `where`, from the base rows. */
async function ruleHarm(where: string): Promise<{ harm: number; bySubgroup: number; plain: number }> {
	const [r] = await runner.rows<{ harm: number; by_subgroup: number; plain: number }>(
		`SELECT sum(coalesce(sw.weight, w.weight)) AS harm, count(sw.weight) AS by_subgroup, sum(w.weight) AS plain
		 FROM incidents i JOIN harm_weights w ON w.category = i.category
		 LEFT JOIN harm_subgroup_weights sw ON sw.category = i.category AND sw.subgroup = i.offence_subgroup
		 WHERE NOT w.excluded AND ${where}`
	);
	return { harm: Number(r.harm), bySubgroup: Number(r.by_subgroup), plain: Number(r.plain) };
}

describe('offence subgroups in the built extract and its summary.json', () => {
	it('explore_points holds every record of each subgroup, as the base rows do', async () => {
		const base = await runner.rows<{ category: string; subgroup: string; n: number }>(
			'SELECT category, offence_subgroup AS subgroup, count(*) AS n FROM incidents WHERE offence_subgroup IS NOT NULL GROUP BY ALL ORDER BY ALL'
		);
		const points = await runner.rows<{ category: string; subgroup: string; n: number }>(
			"SELECT category, offence_subgroup AS subgroup, sum(n) AS n FROM explore_points WHERE dataset = 'incidents' AND offence_subgroup IS NOT NULL GROUP BY ALL ORDER BY ALL"
		);
		expect(base.length).toBeGreaterThan(3);
		expect(points.map((p) => [p.category, p.subgroup, Number(p.n)])).toEqual(base.map((b) => [b.category, b.subgroup, Number(b.n)]));
	});

	it("summary.json's Overview and first Map layer weigh records by their subgroup, as the live views do", async () => {
		const all = await ruleHarm('true');
		// Some records weigh a subgroup weight different from their category's.
		expect(all.bySubgroup).toBeGreaterThan(0);
		expect(Math.abs(all.harm - all.plain)).toBeGreaterThan(1);
		expect(summary.overview.summary.harmTotal).toBeCloseTo(all.harm, 6);
		// Counted over the records whose harm is weighed: those of excluded categories (Drugs) are not.
		const [n] = await runner.rows<{ weighed: number; excluded: number }>(
			`SELECT count(*) FILTER (WHERE NOT w.excluded) AS weighed, count(*) FILTER (WHERE w.excluded) AS excluded
			 FROM incidents i JOIN harm_subgroup_weights sw ON sw.category = i.category AND sw.subgroup = i.offence_subgroup
			 JOIN harm_weights w ON w.category = i.category`
		);
		expect(Number(n.excluded)).toBeGreaterThan(0);
		expect(summary.overview.summary.subgroupWeightedRecords).toBe(Number(n.weighed));
		expect(Number(n.weighed)).toBe(all.bySubgroup);
		expect(summary.overview.summary).toEqual(await overviewSummary(runner));
		const layer = summary.map!.layers[0];
		expect(layer.cells.reduce((s, c) => s + c[2], 0)).toBeCloseTo((await ruleHarm(`i.${layer.level === 'h3_7' ? 'h3_r7' : layer.level === 'h3_8' ? 'h3_r8' : 'h3_r9'} IS NOT NULL`)).harm, 6);
		const live = await cellValues(runner, defaultFilters(), layer.level);
		expect(layer.cells.map((c) => c[0])).toEqual(live.map((c) => c.cell_id));
		layer.cells.forEach((c, i) => expect(c[2]).toBeCloseTo(live[i].harm, 6));
	});
});
