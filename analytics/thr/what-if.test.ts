/**
 * What-if and fairness over the real sample: unchanged weights move nothing; real changes move
 * ranks without touching the published model; fairness groups account for every scored area,
 * using the real IMD 2019 deciles and populations of the LSOAs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { readImd } from '../../scripts/lib/areas';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { cchiWeights, sampleRunner, thrV1 } from './fixtures.test-setup';
import { scoreMonth, type ScoreResult } from './score';
import { WHAT_IF_SUFFIX, applyWhatIf, rankChanges, whatIf } from './what-if';
import { areaContext, fairnessByImd, fairnessSummary, type AreaContext } from './fairness';

const model = thrV1();
const weights = cchiWeights();

/** As an extract without a declared force area: the 97 City and neighbouring LSOAs with records (see score.test.ts). */
const OLD_EXTRACT = { forceArea: false };
const BUILD_MS = 120_000;

describe('what-if', () => {
	let runner: NodeRunner;
	let published: ScoreResult;
	const pristine = { model: structuredClone(model), weights: structuredClone(weights) };
	beforeAll(async () => {
		runner = await sampleRunner(OLD_EXTRACT);
		published = await scoreMonth(runner, { model, weights, month: '2019-06' });
	}, BUILD_MS);
	afterAll(() => runner.close());

	it.each([
		['the same component weights (no SQL)', { componentWeights: { harm: 0.4, threat: 0.3, risk: 0.3 } }],
		['the same harm weight (scored again)', { harmWeights: { Robbery: 365 } }],
		['nothing at all', {}]
	])('%s gives zero rank changes', async (_, change) => {
		const r = await whatIf(runner, { model, weights, month: '2019-06', change, published });
		expect(r.summary).toMatchObject({ rankChanged: 0, bandChanged: 0, flaggedIn: 0, flaggedOut: 0, maxMove: 0 });
		expect(r.changes.every((c) => c.rankChange === 0 && !c.bandChanged)).toBe(true);
		expect(r.changes).toHaveLength(published.areas.length);
		expect(r.variant.model.version).toBe(`1.0.0${WHAT_IF_SUFFIX}`);
	});

	it('bringing weapons back in and doubling Harm moves areas, and leaves the published model alone', async () => {
		const r = await whatIf(runner, {
			model,
			weights,
			month: '2019-06',
			change: { include: ['Possession of weapons'], componentWeights: { harm: 0.6, threat: 0.2, risk: 0.2 } }
		});
		expect(r.summary.rankChanged).toBeGreaterThan(0);
		expect(model).toEqual(pristine.model);
		expect(weights).toEqual(pristine.weights);
		expect(r.published).toEqual(published);
		expect(r.weights.version).toBe('1.0.0+what-if');
		expect(r.variant.weights.find((w) => w.category === 'Possession of weapons')).toMatchObject({ excluded: false, weight: 273.75 });
		// Areas whose only harm-counting records were weapons offences now enter the scope.
		const entered = r.changes.filter((c) => c.oldRank === null);
		expect(entered.length).toBe(r.variant.areas.length - published.areas.length);
		expect(r.changes.filter((c) => c.newRank === null)).toEqual([]);
		// The table is consistent: old rank − new rank per area, largest moves first, entries on top.
		for (const c of r.changes.filter((x) => x.oldRank !== null)) {
			const old = published.areas.find((a) => a.areaId === c.areaId)!;
			const now = r.variant.areas.find((a) => a.areaId === c.areaId)!;
			expect([c.oldRank, c.newRank, c.rankChange, c.oldBand, c.newBand]).toEqual([old.rank, now.rank, old.rank - now.rank, old.band, now.band]);
		}
		const sizes = r.changes.map((c) => (c.rankChange === null ? Infinity : Math.abs(c.rankChange)));
		expect(sizes).toEqual(sizes.slice().sort((a, b) => b - a));
		for (const a of r.variant.areas) expect(a.components.reduce((s, c) => s + c.contribution, 0)).toBe(a.score);
	});

	it('refuses changes that make no sense', () => {
		expect(() => applyWhatIf(model, weights, { componentWeights: { harm: 0.9 } })).toThrow(/sum to/);
		expect(() => applyWhatIf(model, weights, { componentWeights: { hotspot: 0.1 } })).toThrow(/no component "hotspot"/);
		expect(() => applyWhatIf(model, weights, { include: ['Robbery'] })).toThrow(/not excluded/);
		expect(() => applyWhatIf(model, weights, { exclude: [{ category: 'Drugs', reason: 'again' }] })).toThrow(/already excluded/);
		expect(() => applyWhatIf(model, weights, { harmWeights: { Robbery: -1 } })).toThrow(/≥ 0/);
		expect(() => applyWhatIf(model, weights, { bandThresholds: { high: 0.4 } })).toThrow(/must start below/);
	});

	it('rankChanges lists areas that enter or leave', () => {
		const fewer = { ...published, areas: published.areas.slice(1).map((a) => ({ ...a, rank: a.rank - 1 })) };
		const rows = rankChanges(published, fewer);
		expect(rows[0]).toMatchObject({ areaId: published.areas[0].areaId, oldRank: 1, newRank: null, rankChange: null, bandChanged: true });
		expect(rows.slice(1).every((r) => r.rankChange === 1)).toBe(true);
	});
});

describe('fairness', () => {
	let runner: NodeRunner;
	let result: ScoreResult;
	let context: Map<string, AreaContext>;
	beforeAll(async () => {
		runner = await sampleRunner(OLD_EXTRACT);
		result = await scoreMonth(runner, { model, weights, month: '2019-06' });
		// The real IMD 2019 decile and population of every LSOA in England (Files 1 and 6).
		const imd = await readImd(SAMPLE_AREAS, runner);
		await runner.exec('CREATE OR REPLACE TABLE areas (lsoa_code VARCHAR, imd_decile INTEGER, population INTEGER)');
		const scored = result.areas.map((a) => a.areaId);
		for (const code of scored) {
			const r = imd.get(code);
			if (r) await runner.exec('INSERT INTO areas VALUES (?, ?, ?)', [code, r.imdDecile, r.population]);
		}
		context = await areaContext(runner);
	}, BUILD_MS);
	afterAll(() => runner.close());

	it('every scored area is counted once in the deciles and once in the population groups', async () => {
		const report = await fairnessByImd(runner, result);
		expect(report.areas).toBe(result.areas.length);
		expect(report.byDecile.reduce((s, g) => s + g.areas, 0)).toBe(result.areas.length);
		expect(report.byPopulation.reduce((s, g) => s + g.areas, 0)).toBe(result.areas.length);
		expect(report.byDecile.reduce((s, g) => s + g.flagged, 0)).toBe(result.bandCounts.high);
		expect(report.flagged).toBe(result.bandCounts.high);
		for (const g of [...report.byDecile, ...report.byPopulation]) {
			expect(g.expectedFlagged).toBeCloseTo(g.areas * report.flaggedShare!, 12);
			if (g.areas) expect(g.flaggedShare).toBe(g.flagged / g.areas);
		}
		const sizes = report.byPopulation.filter((g) => g.group !== 'unknown').map((g) => g.areas);
		expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
		expect(report.notes.length).toBeGreaterThan(0);
	});

	it('by hand on four areas: shares, ratio to the overall share, deprivation gap', () => {
		const areas = result.areas.slice(0, 4).map((a, i) => ({ ...a, band: i < 2 ? 'high' : 'low', score: [0.9, 0.8, 0.3, 0.1][i] }));
		const small = { ...result, areas };
		const ctx = new Map<string, AreaContext>([
			[areas[0].areaId, { imdDecile: 1, population: 1000 }],
			[areas[1].areaId, { imdDecile: 9, population: 2000 }],
			[areas[2].areaId, { imdDecile: 1, population: 1500 }],
			[areas[3].areaId, { imdDecile: null, population: null }]
		]);
		const r = fairnessSummary(small, ctx);
		// Overall 2 of 4 flagged = 0.5. Decile 1: 1 of 2 → 0.5, ratio 1; decile 9: 1 of 1 → 1, ratio 2.
		expect(r.flaggedShare).toBe(0.5);
		expect(r.byDecile[0]).toMatchObject({ group: '1', areas: 2, flagged: 1, flaggedShare: 0.5, ratio: 1, meanScore: 0.6, medianScore: 0.6, population: 2500, flaggedPopulation: 1000 });
		expect(r.byDecile[8]).toMatchObject({ group: '9', areas: 1, flagged: 1, flaggedShare: 1, ratio: 2, population: 2000 });
		expect(r.byDecile.at(-1)).toMatchObject({ group: 'unknown', areas: 1, flagged: 0 });
		expect(r.deprivationGap).toEqual({ mostDeprived: 0.5, leastDeprived: 1, ratio: 0.5 });
		// Population quintiles of the three known: boundaries round(3q/5) = 0, 1, 1, 2, 2, 3 → 1, 0, 1, 0, 1 areas.
		expect(r.byPopulation.map((g) => g.areas)).toEqual([1, 0, 1, 0, 1, 1]);
		expect(r.byPopulation.at(-1)!.group).toBe('unknown');
		// Labels with separators, one value for a quintile of one size; the note in the singular for one area.
		expect(r.byPopulation.map((g) => g.label)).toEqual(['Q1 (smallest): 1,000 residents', 'Q2', 'Q3: 1,500 residents', 'Q4', 'Q5 (largest): 2,000 residents', 'unknown population']);
		expect(r.notes).toContain('1 scored area has no IMD decile (outside England or not in the areas table).');
	});

	it('uses real deciles for the sample (City of London and its neighbours)', () => {
		const known = result.areas.filter((a) => context.get(a.areaId)?.imdDecile);
		expect(known.length).toBeGreaterThan(result.areas.length * 0.8);
	});
});
