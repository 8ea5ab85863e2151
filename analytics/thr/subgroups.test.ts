/**
 * Harm from offence-subgroup weights (issue 16 §2), on the real City of London street rows built
 * into an extract as `npm run extracts` builds them. The test gives some rows an
 * `offence_subgroup`, as a force's own records mapped from Home Office offence codes carry it.
 *
 * Worked by hand. City of London 001A (E01000001) has 5 Burglary rows in thr-v3's 12-month Harm
 * window to 2019-11 (2018-12 … 2019-11; `grep "E01000001,.*Burglary"` over the street CSVs), of
 * which 2019-06 lines 7 and 8 repeat one Crime ID, so the builder keeps 4 records (the other goes to
 * quarantine). Half of them, the two oldest, become "Residential burglary" (273.5 CCHI days,
 * cchi-police-uk 2.0.0); the other two keep no subgroup and weigh Burglary's 244.68:
 *   Burglary harm = 2 × 273.5 + 2 × 244.68 = 547 + 489.36 = 1,036.36 (was 4 × 244.68 = 978.72),
 *   so the area's harm rises by exactly 2 × (273.5 − 244.68) = 57.64 CCHI days.
 * One of its Violence and sexual offences rows gets a subgroup the table does not list
 * ("Not a Home Office subgroup") and one Other theft row a subgroup listed under another category
 * ("Robbery of business property", a Robbery subgroup): both keep their category's weight, so
 * nothing else moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { createHarmWeightTables, type HarmWeightsModel } from '../models/harm-weights';
import { overviewSummary, topCategories } from '../overview/queries';
import { monthlyPanel } from '../forecast/series';
import { areaHarm } from '../hotspots/data';
import { cchiWeights, rebuildAreaMonths, sampleRunner, thrV1, thrV3 } from './fixtures.test-setup';
import { scoreMonth, type ScoreResult } from './score';
import { areaIncidents, explainArea } from './explain';
import { effectiveWeights } from './model';
import { thrSource } from './area-months';
import { applyWhatIf } from './what-if';
import { createAggregateTables } from '../explore/aggregates';
import { cellValues, type CellValue } from '../explore/cell-values';
import { cellDetail } from '../explore/cell-detail';
import { giStarWindow } from '../explore/map/gi-star-data';
import { comparePeriod } from '../compare/query';
import { computeStartSummary } from '../overview/summary';
import { defaultFilters, type ExploreFilters } from '../explore/filters';

const AREA = 'E01000001';
const MONTH = '2019-11';
const v2 = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v2.json', 'utf8')) as HarmWeightsModel;
const v1 = cchiWeights();

let runner: NodeRunner;
/** Scores and figures before any record carries a subgroup. */
let before: { v3: ScoreResult; v3WithV1: ScoreResult; v1Model: ScoreResult; overview: Awaited<ReturnType<typeof overviewSummary>> };
/** The Burglary rows of the area in the window, oldest first: [month, file, line]. */
let burglary: Array<{ month: string; file: string; line: number }>;

const harmOf = (r: ScoreResult, area: string) => r.areas.find((a) => a.areaId === area)!.components.find((c) => c.kind === 'harm')!.raw;

beforeAll(async () => {
	runner = await sampleRunner();
	await createHarmWeightTables(runner, v2);
	// Extracts built before offence codes lack the column; those built after hold nulls for police.uk rows.
	await runner.exec('ALTER TABLE incidents DROP COLUMN IF EXISTS offence_subgroup');
	before = {
		v3: await scoreMonth(runner, { model: thrV3(), weights: v2, month: MONTH }),
		v3WithV1: await scoreMonth(runner, { model: thrV3(), weights: v1, month: MONTH }),
		v1Model: await scoreMonth(runner, { model: thrV1(), weights: v1, month: MONTH }),
		overview: await overviewSummary(runner)
	};
	const rows = await runner.rows<{ month: string; source_file: string; source_line: number }>(
		`SELECT month, source_file, source_line FROM incidents WHERE lsoa_code = ? AND category = 'Burglary' AND month BETWEEN '2018-12' AND ? AND in_force_area IS NOT false ORDER BY month, source_file, source_line`,
		[AREA, MONTH]
	);
	burglary = rows.map((r) => ({ month: r.month, file: r.source_file, line: Number(r.source_line) }));
	await giveSubgroups(runner);
}, 300_000);

/** Give the rows named in the header their subgroups (the column added, as a force's extract has it). */
async function giveSubgroups(r: NodeRunner): Promise<void> {
	await r.exec('ALTER TABLE incidents ADD COLUMN offence_subgroup VARCHAR');
	const set = (subgroup: string, file: string, line: number) =>
		r.exec('UPDATE incidents SET offence_subgroup = ? WHERE source_file = ? AND source_line = ?', [subgroup, file, line]);
	for (const b of burglary.slice(0, 2)) await set('Residential burglary', b.file, b.line);
	const pick = async (category: string) =>
		(
			await r.rows<{ source_file: string; source_line: number }>(
				`SELECT source_file, source_line FROM incidents WHERE lsoa_code = ? AND category = ? AND month BETWEEN '2018-12' AND ? ORDER BY month DESC, source_file, source_line LIMIT 1`,
				[AREA, category, MONTH]
			)
		)[0];
	const violence = await pick('Violence and sexual offences');
	await set('Not a Home Office subgroup', violence.source_file, Number(violence.source_line));
	const theft = await pick('Other theft');
	await set('Robbery of business property', theft.source_file, Number(theft.source_line));
}

afterAll(() => runner?.close());

describe('harm from offence-subgroup weights', () => {
	it('police.uk data (no offence_subgroup column) scores exactly as with cchi-police-uk 1.0.0', () => {
		expect(burglary.map((b) => b.month)).toEqual(['2018-12', '2019-06', '2019-06', '2019-09']);
		// 2.0.0 refines 1.0.0: every figure but the table's version is the same.
		expect({ ...before.v3, weightsRef: null, weights: null }).toEqual({ ...before.v3WithV1, weightsRef: null, weights: null });
		// The categories as scored differ only by the subgroup weights they carry.
		expect(before.v3.weights.map(({ subgroups, ...w }) => w)).toEqual(before.v3WithV1.weights);
		expect(before.v3.weights.find((w) => w.category === 'Burglary')!.subgroups).toEqual([
			{ subgroup: 'Residential burglary', weight: 273.5 },
			{ subgroup: 'Non-residential burglary', weight: 183.5 }
		]);
		expect(before.v3.weightsRef).toEqual({ id: 'cchi-police-uk', version: '2.0.0', unit: v2.unit, refines: { id: 'cchi-police-uk', version: '1.0.0' } });
		expect(before.v3WithV1.weightsRef).toEqual({ id: 'cchi-police-uk', version: '1.0.0', unit: v1.unit });
		// The README's figure for 001A in 2019-11.
		expect(Math.round(harmOf(before.v3, AREA))).toBe(9658);
		expect(before.overview.subgroupWeightedRecords).toBeUndefined();
	});

	it('THR Harm weighs the two residential burglaries 273.5 each: +57.64 CCHI days, nothing else moves', async () => {
		const after = await scoreMonth(runner, { model: thrV3(), weights: v2, month: MONTH });
		expect(harmOf(after, AREA)).toBeCloseTo(harmOf(before.v3, AREA) + 2 * (273.5 - 244.68), 6);
		expect(harmOf(after, AREA) - harmOf(before.v3, AREA)).toBeCloseTo(57.64, 6);
		for (const a of before.v3.areas.filter((x) => x.areaId !== AREA)) expect(harmOf(after, a.areaId)).toBe(harmOf(before.v3, a.areaId));
		// Risk: with 24 months of history (< 30) the seasonal mean is the mean of the last 12 months'
		// harm, so next month's expected harm rises by 57.64 / 12 = 4.80333… CCHI days.
		const riskOf = (r: ScoreResult) => r.areas.find((a) => a.areaId === AREA)!.components.find((c) => c.kind === 'risk')!.raw;
		expect(riskOf(after) - riskOf(before.v3)).toBeCloseTo(57.64 / 12, 6);
		// With the 1.0.0 table (no subgroup weights) the subgroups change nothing.
		const withV1 = await scoreMonth(runner, { model: thrV3(), weights: v1, month: MONTH });
		expect(harmOf(withV1, AREA)).toBe(harmOf(before.v3WithV1, AREA));
		// thr-v1 references 1.0.0 too and scores with the refinement.
		const v1Model = await scoreMonth(runner, { model: thrV1(), weights: v2, month: MONTH });
		expect(harmOf(v1Model, AREA) - harmOf(before.v1Model, AREA)).toBeCloseTo(57.64, 6);
	});

	it('the explanation shows which weight each record used', async () => {
		const result = await scoreMonth(runner, { model: thrV3(), weights: v2, month: MONTH });
		const e = await explainArea(runner, { result, areaId: AREA });
		const b = e.harm[0].categories.find((c) => c.category === 'Burglary')!;
		expect(b).toMatchObject({ count: 4, weight: 244.68, subgroupCount: 2 });
		expect(b.harm).toBeCloseTo(1036.36, 6);
		// Violence and Other theft: their one subgrouped row each took the category weight.
		expect(e.harm[0].categories.find((c) => c.category === 'Violence and sexual offences')!.subgroupCount).toBe(0);
		expect(e.harm[0].categories.find((c) => c.category === 'Other theft')!.subgroupCount).toBe(0);
		const total = e.harm[0].categories.reduce((s, c) => s + (c.harm ?? 0), 0);
		expect(total).toBeCloseTo(harmOf(result, AREA), 6);

		const rows = await areaIncidents(runner, { result, areaId: AREA, limit: 10_000 });
		const bySubgroup = rows.filter((r) => r.weightBasis === 'subgroup');
		expect(bySubgroup.map((r) => [r.category, r.subgroup, r.weight])).toEqual([
			['Burglary', 'Residential burglary', 273.5],
			['Burglary', 'Residential burglary', 273.5]
		]);
		expect(rows.filter((r) => r.category === 'Burglary' && r.weightBasis === 'category' && r.month >= '2018-12').map((r) => r.weight)).toEqual([244.68, 244.68]);
		const fallback = rows.filter((r) => r.subgroup && r.weightBasis === 'category');
		expect(fallback.map((r) => [r.category, r.subgroup, r.weight]).sort()).toEqual([
			['Other theft', 'Robbery of business property', 2],
			['Violence and sexual offences', 'Not a Home Office subgroup', 194.21]
		]);
		// Every row without a subgroup (anti-social behaviour included) took its category's weight.
		expect(rows.filter((r) => r.subgroup === null).every((r) => r.weightBasis === 'category')).toBe(true);
		expect(rows.filter((r) => r.subgroup === null).length).toBe(rows.length - 4);
	});

	it('Overview harm total and the Burglary row add the same +57.64', async () => {
		const now = await overviewSummary(runner);
		expect(now.harmTotal - before.overview.harmTotal).toBeCloseTo(57.64, 6);
		expect(now.subgroupWeightedRecords).toBe(2);
		expect({ ...now, harmTotal: 0, subgroupWeightedRecords: undefined }).toEqual({ ...before.overview, harmTotal: 0, subgroupWeightedRecords: undefined });
		const [n] = await runner.rows<{ n: number }>("SELECT count(*) AS n FROM incidents WHERE category = 'Burglary'");
		const burglaryRow = (await topCategories(runner, 20)).find((c) => c.category === 'Burglary')!;
		expect(burglaryRow.subgroupRecords).toBe(2);
		expect(burglaryRow.harm).toBeCloseTo((Number(n.n) - 2) * 244.68 + 2 * 273.5, 6);
	});

	it('the forecast panel and the hot-spot harm measure weigh the same records the same way', async () => {
		const weights = effectiveWeights(thrV3(), v2);
		const panel = await monthlyPanel(runner, { level: 'lsoa', lastMonth: MONTH, months: 12, measure: 'harm', weights, areas: [AREA] });
		// Independent sums at the category weights: the table's (Drugs excluded) and the THR model's (weapons too).
		const [plain] = await runner.rows<{ table: number; model: number }>(
			`SELECT sum(w.weight) AS "table", sum(w.weight) FILTER (WHERE i.category <> 'Possession of weapons') AS model
			 FROM incidents i JOIN harm_weights w ON w.category = i.category
			 WHERE i.lsoa_code = ? AND i.month BETWEEN '2018-12' AND ? AND NOT w.excluded`,
			[AREA, MONTH]
		);
		const sum = (p: { values: Float64Array[] }) => p.values[0].reduce((s, v) => s + v, 0);
		expect(sum(panel)).toBeCloseTo(Number(plain.model) + 57.64, 6);
		// From the harm_weights tables (no `weights`): the Forecast page's path.
		const fromTables = await monthlyPanel(runner, { level: 'lsoa', lastMonth: MONTH, months: 12, measure: 'harm', areas: [AREA] });
		expect(sum(fromTables)).toBeCloseTo(Number(plain.table) + 57.64, 6);
		const hot = await areaHarm(runner, { level: 'lsoa', fromMonth: '2018-12', toMonth: MONTH, weights });
		expect(hot.get(AREA)).toBeCloseTo(Number(plain.model) + 57.64, 6);
		expect(hot.get(AREA)).toBeCloseTo(harmOf(await scoreMonth(runner, { model: thrV3(), weights: v2, month: MONTH }), AREA), 6);
	});

	it('a what-if weight for Burglary weighs every Burglary record, the subgrouped ones too', async () => {
		const w = applyWhatIf(thrV3(), v2, { harmWeights: { Burglary: 100 } });
		const r = await scoreMonth(runner, { model: w.model, weights: w.weights, month: MONTH });
		const e = await explainArea(runner, { result: r, areaId: AREA });
		const b = e.harm[0].categories.find((c) => c.category === 'Burglary')!;
		expect(b.harm).toBeCloseTo(400, 6);
		expect(b.subgroupCount).toBe(0);
	});

	it('records carrying subgroups are scored from the base rows even when the pre-aggregate is there; dropping the column gives the old figures back', async () => {
		await rebuildAreaMonths(runner);
		expect(await thrSource(runner, thrV3())).toBe('incidents');
		await expect(scoreMonth(runner, { model: thrV3(), weights: v2, month: MONTH, source: 'thr_area_months' })).rejects.toThrow(/not usable/);
		await runner.exec('ALTER TABLE incidents DROP COLUMN offence_subgroup');
		expect(await thrSource(runner, thrV3())).toBe('thr_area_months');
		const again = await scoreMonth(runner, { model: thrV3(), weights: v2, month: MONTH });
		expect(again.areas).toEqual(before.v3.areas);
		const overview = await overviewSummary(runner);
		expect(overview).toEqual(before.overview);
	});
});

/**
 * The Map's harm layer, its cell details, hot spots on harm, the cell cube and Compare read the
 * `explore_points` pre-aggregate, which keeps the records' offence subgroup: the same rows with
 * subgroups, the pre-aggregates made again from them as the builder makes them, give the same
 * hand-worked 1,036.36 CCHI days of Burglary in City of London 001A over 2018-12 … 2019-11, and
 * an extract without the column gives today's 4 × 244.68 = 978.72.
 */
describe('the Map, its cell details, hot spots and Compare weigh offence subgroups as the Overview does', () => {
	const BURGLARY_HARM = 2 * 273.5 + 2 * 244.68;
	let withSub: NodeRunner;
	let without: NodeRunner;
	const window: ExploreFilters = { ...defaultFilters(), from: '2018-12', to: MONTH, categories: ['Burglary'], measure: 'harm', level: 'lsoa' };
	const cellOf = (cells: CellValue[], id = AREA) => cells.find((c) => c.cell_id === id)!;
	/** Σ harm of located, non-excluded incidents by the rule, from the base rows (independent of explore_points). */
	const baseHarm = async (r: NodeRunner, where: string, params: (string | number)[]) => {
		const sub = await r.rows<{ has: boolean }>("SELECT count(*) > 0 AS has FROM information_schema.columns WHERE table_name = 'incidents' AND column_name = 'offence_subgroup'");
		const [row] = await r.rows<{ h: number }>(
			`SELECT sum(${sub[0].has ? 'coalesce(sw.weight, w.weight)' : 'w.weight'}) AS h FROM incidents i JOIN harm_weights w ON w.category = i.category
			 ${sub[0].has ? 'LEFT JOIN harm_subgroup_weights sw ON sw.category = i.category AND sw.subgroup = i.offence_subgroup' : ''}
			 WHERE NOT w.excluded AND ${where}`,
			params
		);
		return Number(row.h);
	};

	beforeAll(async () => {
		withSub = await sampleRunner();
		await createHarmWeightTables(withSub, v2);
		await withSub.exec('ALTER TABLE incidents DROP COLUMN IF EXISTS offence_subgroup');
		await giveSubgroups(withSub);
		// explore_points made again from the rows, as the builder and an import make it.
		await createAggregateTables(withSub);
		without = await sampleRunner();
		await createHarmWeightTables(without, v2);
	}, 300_000);
	afterAll(() => {
		withSub?.close();
		without?.close();
	});

	it('explore_points keeps the subgroup: police.uk rows gain none, the subgrouped ones stand apart', async () => {
		const [c] = await without.rows<{ rows: number; sub: number }>('SELECT count(*) AS rows, count(offence_subgroup) AS sub FROM explore_points');
		expect(Number(c.sub)).toBe(0);
		const [d] = await withSub.rows<{ rows: number; n: number }>(
			"SELECT count(*) AS rows, sum(n) AS n FROM explore_points WHERE dataset = 'incidents' AND offence_subgroup = 'Residential burglary' AND lsoa_code = ?",
			[AREA]
		);
		expect(Number(d.n)).toBe(2);
		// At most the 4 subgrouped records add a row each.
		const [e] = await withSub.rows<{ rows: number }>('SELECT count(*) AS rows FROM explore_points');
		expect(Number(e.rows) - Number(c.rows)).toBeGreaterThanOrEqual(0);
		expect(Number(e.rows) - Number(c.rows)).toBeLessThanOrEqual(4);
	});

	it("the Map's harm layer gives the cell 1,036.36 by every path (roll-up, cell cube, explore_points, base rows)", async () => {
		expect(BURGLARY_HARM).toBeCloseTo(1036.36, 9);
		const rollupPath = cellOf(await cellValues(withSub, window, 'lsoa'));
		expect(rollupPath.value).toBeCloseTo(1036.36, 9);
		expect(rollupPath.n).toBe(4);
		const cubePath = cellOf(await cellValues(withSub, window, 'lsoa', { cube: { minRows: 0, maxRows: Number.MAX_SAFE_INTEGER } }));
		expect(cubePath.value).toBeCloseTo(1036.36, 9);
		const pointsPath = cellOf(await cellValues(withSub, { ...window, area: { level: 'lsoa', ids: [AREA] } }, 'lsoa', { selection: 'apply' }));
		expect(pointsPath.value).toBeCloseTo(1036.36, 9);
		const basePath = cellOf(await cellValues(withSub, { ...window, bbox: [-1, 51, 1, 52] }, 'lsoa', { selection: 'apply' }));
		expect(basePath.value).toBeCloseTo(1036.36, 9);
		// Every cell, all categories: the layer's harm equals the base rows' by the rule, cell by cell.
		const all = await cellValues(withSub, { ...window, categories: [] }, 'lsoa');
		for (const c of all.filter((x) => x.cell_id === AREA || x.harm > 5000)) {
			expect(c.harm).toBeCloseTo(await baseHarm(withSub, "i.lsoa_code = ? AND i.month BETWEEN '2018-12' AND ?", [c.cell_id, MONTH]), 6);
		}
		// The subgroups of other categories (not listed, or listed under another) moved nothing there.
		const cubeAll = await cellValues(withSub, { ...window, categories: [] }, 'lsoa', { cube: { minRows: 0, maxRows: Number.MAX_SAFE_INTEGER } });
		expect(cellOf(cubeAll).harm).toBeCloseTo(cellOf(all).harm, 6);
		expect(cellOf(all).harm - cellOf(await cellValues(without, { ...window, categories: [] }, 'lsoa')).harm).toBeCloseTo(57.64, 6);
	});

	it('the cell detail, hot spots on harm and Compare give the same 1,036.36', async () => {
		const d = await cellDetail(withSub, { ...window, categories: [] }, 'lsoa', AREA);
		const b = d.categories.find((c) => c.category === 'Burglary')!;
		expect(b).toMatchObject({ n: 4, weight: 244.68, subgroupRecords: 2 });
		expect(b.harm).toBeCloseTo(1036.36, 9);
		expect(d.categories.find((c) => c.category === 'Violence and sexual offences')!.subgroupRecords).toBe(0);
		expect(d.harm).toBeCloseTo(cellOf(await cellValues(withSub, { ...window, categories: [] }, 'lsoa')).harm, 6);

		const gi = await giStarWindow(withSub, window, 'lsoa', 12);
		expect(gi.months.length).toBe(12);
		expect(gi.rows.filter((r) => r.cell_id === AREA).reduce((s, r) => s + r.value, 0)).toBeCloseTo(1036.36, 9);

		const cmp = await comparePeriod(withSub, { ...window, area: { level: 'lsoa', ids: [AREA] } }, 'previous', { harm: true });
		expect(cmp!.measures.find((m) => m.kind === 'harm')!.current).toBeCloseTo(1036.36, 9);
		// No area selected (the month × category roll-up): the Overview's Burglary harm over the whole data.
		const whole = await comparePeriod(withSub, { ...defaultFilters(), categories: ['Burglary'], from: '2017-01', to: '2019-12' }, 'previous', { harm: true });
		const overviewBurglary = (await topCategories(withSub, 20)).find((c) => c.category === 'Burglary')!;
		const [span] = await withSub.rows<{ lo: string; hi: string }>('SELECT min(month) AS lo, max(month) AS hi FROM incidents');
		expect([span.lo >= '2017-01', span.hi <= '2019-12']).toEqual([true, true]);
		expect(whole!.measures.find((m) => m.kind === 'harm')!.current).toBeCloseTo(overviewBurglary.harm!, 6);
		expect(overviewBurglary.subgroupRecords).toBe(2);
	});

	it("the first view's precomputed summary (summary.json) agrees with the Overview and the Map", async () => {
		const s = await computeStartSummary(withSub, { harmModel: 'cchi-police-uk@2.0.0', datasets: [] });
		expect(s.overview.summary).toEqual(await overviewSummary(withSub));
		expect(s.overview.summary.subgroupWeightedRecords).toBe(2);
		const layer = s.map!.layers[0];
		const live = await cellValues(withSub, defaultFilters(), layer.level);
		expect(layer.cells.map((c) => [c[0], c[2]])).toEqual(live.map((c) => [c.cell_id, c.harm]));
		// Its harm over every located record is the base rows' by the rule: 57.64 more than without subgroups.
		const total = layer.cells.reduce((t, c) => t + c[2], 0);
		expect(total).toBeCloseTo(await baseHarm(withSub, 'i.h3_r7 IS NOT NULL', []), 6);
		const before = await computeStartSummary(without, { harmModel: 'cchi-police-uk@2.0.0', datasets: [] });
		expect(total - before.map!.layers[0].cells.reduce((t, c) => t + c[2], 0)).toBeCloseTo(57.64, 6);
	});

	it("an extract without the column (or with police.uk's nulls) gives today's figures: 4 × 244.68", async () => {
		const nulls = cellOf(await cellValues(without, window, 'lsoa'));
		expect(nulls.value).toBeCloseTo(978.72, 9);
		expect((await cellDetail(without, window, 'lsoa', AREA)).categories[0]).toEqual({ category: 'Burglary', n: 4, weight: 244.68, excluded: false, harm: 4 * 244.68 });
		const old = await sampleRunner();
		try {
			await createHarmWeightTables(old, v2);
			await old.exec('ALTER TABLE explore_points DROP COLUMN IF EXISTS offence_subgroup');
			await old.exec('ALTER TABLE incidents DROP COLUMN IF EXISTS offence_subgroup');
			const oldCells = await cellValues(old, { ...window, categories: [] }, 'lsoa');
			// The same cells and figures (harm to the last bit but one: DuckDB may add a cell's doubles in another order).
			const round = (cells: CellValue[]) => cells.map((c) => ({ ...c, harm: Math.round(c.harm * 1e6), value: c.value === null ? null : Math.round(c.value * 1e6) }));
			expect(round(oldCells)).toEqual(round(await cellValues(without, { ...window, categories: [] }, 'lsoa')));
			expect(cellOf(oldCells.filter((c) => c.cell_id === AREA)).n).toBeGreaterThan(4);
			expect(cellOf(await cellValues(old, window, 'lsoa', { cube: { minRows: 0, maxRows: Number.MAX_SAFE_INTEGER } })).value).toBeCloseTo(978.72, 9);
			expect((await giStarWindow(old, window, 'lsoa', 12)).rows).toEqual((await giStarWindow(without, window, 'lsoa', 12)).rows);
			const cmp = await comparePeriod(old, { ...window, area: { level: 'lsoa', ids: [AREA] } }, 'previous', { harm: true });
			expect(cmp!.measures.find((m) => m.kind === 'harm')!.current).toBeCloseTo(978.72, 9);
			// The pre-aggregates made again from base rows lacking the column: the same rows, subgroup null.
			await createAggregateTables(old);
			const [n] = await old.rows<{ sub: number }>('SELECT count(offence_subgroup) AS sub FROM explore_points');
			expect(Number(n.sub)).toBe(0);
		} finally {
			old.close();
		}
	});
});
