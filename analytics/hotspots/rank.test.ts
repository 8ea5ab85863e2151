/**
 * Hot-spot predictions and their evaluation against a real DuckDB, over City of London street
 * rows copied from the 2019 files (LSOAs E01000001 and E01032739, and the May robbery in
 * E01000005). Expected ranks and metrics by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { EXTRACT_DATASETS } from '../ingest/extract-schema';
import { monthIndex } from '../forecast/series';
import { studyRegion } from './data';
import { evaluateHotspots, kdeMethod, lastPeriodMethod, predictHotspots, type HotspotMethod } from './rank';

// month, longitude, latitude, lsoa_code
const ROWS: Array<[string, number, number, string]> = [
	['2019-01', -0.097601, 51.520699, 'E01000001'],
	['2019-01', -0.095914, 51.520348, 'E01000001'],
	['2019-01', -0.097409, 51.521145, 'E01000001'],
	['2019-01', -0.098642, 51.517146, 'E01000001'],
	['2019-01', -0.080376, 51.517244, 'E01032739'],
	['2019-01', -0.080376, 51.517244, 'E01032739'],
	['2019-02', -0.097601, 51.520699, 'E01000001'],
	['2019-02', -0.097736, 51.520206, 'E01000001'],
	['2019-02', -0.084967, 51.512598, 'E01032739'],
	['2019-02', -0.084967, 51.512598, 'E01032739'],
	['2019-02', -0.084967, 51.512598, 'E01032739']
];
const LATER: Array<[string, number, number, string]> = [
	['2019-03', -0.097562, 51.518864, 'E01000001'],
	['2019-03', -0.084967, 51.512598, 'E01032739'],
	['2019-03', -0.084967, 51.512598, 'E01032739'],
	['2019-05', -0.074958, 51.514151, 'E01000005']
];

let runner: NodeRunner;
async function insert(rows: typeof ROWS) {
	for (const [month, lon, lat, lsoa] of rows) {
		await runner.exec('INSERT INTO incidents (month, month_index, longitude, latitude, lsoa_code, h3_r8) VALUES (?, ?, ?, ?, ?, ?)', [
			month,
			monthIndex(month),
			lon,
			lat,
			lsoa,
			latLngToCell(lat, lon, 8)
		]);
	}
}

beforeAll(async () => {
	runner = await createNodeRunner();
	const dataset = EXTRACT_DATASETS.find((d) => d.name === 'incidents')!;
	await runner.exec(`CREATE TABLE incidents (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
	await insert(ROWS);
});
afterAll(() => runner.close());

describe('predictHotspots', () => {
	it('last period: February counts (E01032739: 3, E01000001: 2) rank the region for March', async () => {
		const p = await predictHotspots(runner, { level: 'lsoa', trainEnd: '2019-02', method: lastPeriodMethod() });
		expect(p.month).toBe('2019-03');
		expect(p.rows).toEqual([
			{ areaId: 'E01032739', rank: 1, score: 3, method: 'last-period' },
			{ areaId: 'E01000001', rank: 2, score: 2, method: 'last-period' }
		]);
	});

	it('kde: every area of the region is scored and the detail names the bandwidth', async () => {
		const p = await predictHotspots(runner, { level: 'lsoa', trainEnd: '2019-02', method: kdeMethod() });
		expect(p.rows.map((r) => r.areaId).sort()).toEqual(['E01000001', 'E01032739']);
		expect(p.detail).toMatch(/^11 records in 2018-03 … 2019-02; bandwidth \d+ m \(rule: 0\.9 × min/);
		expect(p.region.every((a) => a.centre === 'mean of record locations')).toBe(true);
	});

	it('H3 cells: area ids are cell indexes, with the cell centre and exact area', async () => {
		const region = (await studyRegion(runner, { level: 'h3_r8', trainEnd: '2019-02' })).areas;
		expect(region.length).toBeGreaterThan(0);
		for (const a of region) {
			expect(a.areaId).toMatch(/^88[0-9a-f]{13}$/);
			expect(a.centre).toBe('h3 cell centre');
			expect(a.areaKm2).toBeGreaterThan(0.6);
			expect(a.areaKm2).toBeLessThan(0.9);
		}
	});

	it('data after trainEnd changes nothing, not even the region', async () => {
		const predictAll = async () => {
			const out = [];
			for (const level of ['lsoa', 'h3_r8'] as const) {
				for (const method of [lastPeriodMethod(), kdeMethod()]) out.push(await predictHotspots(runner, { level, trainEnd: '2019-02', method }));
			}
			return out;
		};
		const before = await predictAll();
		await insert(LATER);
		const after = await predictAll();
		expect(after).toEqual(before);
		await runner.exec(`DELETE FROM incidents WHERE month_index > ?`, [monthIndex('2019-02')]);
	});

	it('a method may return any scores (the THR hook); missing areas score 0 and ties go by id', async () => {
		const thr: HotspotMethod = { name: 'thr', description: 'test', baseline: false, rank: async () => ({ scores: new Map([['E09999999', 5]]), detail: 'constant' }) };
		const p = await predictHotspots(runner, { level: 'lsoa', trainEnd: '2019-02', method: thr });
		expect(p.rows.map((r) => [r.areaId, r.rank, r.score])).toEqual([
			['E01000001', 1, 0],
			['E01032739', 2, 0]
		]);
		const bad: HotspotMethod = { ...thr, rank: async () => ({ scores: new Map([['E01000001', NaN]]), detail: '' }) };
		await expect(predictHotspots(runner, { level: 'lsoa', trainEnd: '2019-02', method: bad })).rejects.toThrow('thr: score of E01000001 is not a finite number (NaN)');
	});
});

describe('evaluateHotspots', () => {
	beforeAll(() => insert(LATER));

	it('scores each held-back month from the data before it, and says where a model does not beat the baselines', async () => {
		// Equal areas (no areas table). At 50% of the region (one of two LSOAs):
		// February (trained on January: E01000001 4, E01032739 2): last period picks E01000001,
		//   which had 2 of February's 5 crimes → hit 0.4, PAI 0.8; the best pick (E01032739, 3)
		//   → PEI* 2/3.
		// March (trained on February: 2 and 3): picks E01032739, 2 of March's 3 → hit 2/3,
		//   PAI 4/3, PEI* 1.
		// Means: hit (0.4 + 2/3)/2 = 0.5333, PAI (0.8 + 4/3)/2 = 1.0667, PEI* (2/3 + 1)/2 = 0.8333.
		// The "thr" test method always puts E01000001 first: 0.4 and 1/3 → mean 0.3667 < 0.5333.
		const thr: HotspotMethod = { name: 'thr', description: 'test', baseline: false, rank: async () => ({ scores: new Map([['E01000001', 1]]), detail: '' }) };
		const [last, other] = await evaluateHotspots(runner, { level: 'lsoa', testMonths: ['2019-02', '2019-03'], methods: [lastPeriodMethod(), thr], areaShares: [0.5, 1] });
		expect(last.mean[0].hitRate).toBeCloseTo(0.8 / 1.5, 12);
		expect(last.mean[0].pai).toBeCloseTo((0.8 + 4 / 3) / 2, 12);
		expect(last.mean[0].peiStar).toBeCloseTo(5 / 6, 12);
		// All of the region: every crime, 5 and 3 → 4 a month on average.
		expect(last.mean[1]).toEqual({ areaShare: 1, hitRate: 1, pai: 1, peiStar: 1, captured: 4 });
		expect(last.months.map((m) => m.metrics[0].crimes)).toEqual([5, 3]);
		expect(other.mean[0].hitRate).toBeCloseTo((0.4 + 1 / 3) / 2, 12);
		expect(other.notBetterThan).toEqual([
			{ areaShare: 0.5, baselines: ['last-period'] },
			{ areaShare: 1, baselines: ['last-period'] }
		]);
		expect(last.notBetterThan).toEqual([]);
	});

	it('needs at least one test month', async () => {
		await expect(evaluateHotspots(runner, { level: 'lsoa', testMonths: [], methods: [lastPeriodMethod()] })).rejects.toThrow('no test months');
	});
});
