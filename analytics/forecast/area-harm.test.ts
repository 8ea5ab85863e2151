/**
 * Expected harm next month per area (the THR Risk input): the pooled backtest and intervals on a
 * panel worked by hand, and the SQL path over the real City of London street files, including
 * the guarantee that months after trainEnd cannot change the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { EXTRACT_DATASETS } from '../ingest/extract-schema';
import { HARM_WEIGHTS_INSERT_SQL, HARM_WEIGHTS_TABLE_SQL, harmWeightParams, harmWeightRows, type HarmWeightsModel } from '../models/harm-weights';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';
import { forecastAreaHarm, forecastPanel, forecastRiskEstimates, type AreaHarmForecast } from './area-harm';
import { monthIndex, monthlyPanel } from './series';

describe('forecastPanel (hand-worked)', () => {
	// Two areas, 8 months, 2 backtest origins (months 6 and 7): fewer than 24 months before the
	// first origin, so no season (period 1). Counts, so every effective weight is 1.
	const panel = {
		areas: ['A', 'B'],
		values: [Float64Array.from([1, 3, 1, 3, 1, 3, 1, 3]), new Float64Array(8)],
		squares: null,
		months: 8
	};
	const result = forecastPanel(panel, { method: 'auto', methods: ['seasonal-naive', 'seasonal-mean'], backtestMonths: 2 });

	it('scores the naive method: errors ±2, MASE 4/4, φ = 8/4', () => {
		// Origin 6 forecasts A[5] = 3 (actual 1); origin 7 forecasts 1 (actual 3); B is 0 = 0.
		// In-sample naive MAE of A before 6 and 7 is 2 each, of B 0: Σ scale = 4, Σ|e| = 4.
		// φ = Σe² / Σ forecast = 8 / (3 + 1) = 2.
		const s = result.scores[0];
		expect(s).toMatchObject({ method: 'seasonal-naive', origins: 2, points: 4, mae: 1, mase: 1, overdispersion: 2 });
	});

	it('scores the recent mean: errors 1 and −8/7, MASE (15/7)/4, φ floored at 1', () => {
		// Origin 6: mean of 1,3,1,3,1,3 = 2 (actual 1, e = 1). Origin 7: 13/7 (actual 3, e = −8/7).
		// Σ|e| = 15/7 over 4 points; Σ scale = 4. Σe² = 113/49 < Σ forecast = 27/7 → φ = 1.
		// Coverage with φ left-one-out (1 either way): Poisson(2) [0, 4] ∋ 1; Poisson(13/7)
		// 80% [0, 4] ∋ 3 (P(≤3) = 0.882, P(≤4) = 0.959); B: [0, 0] ∋ 0.
		const s = result.scores[1];
		expect(s.mae).toBeCloseTo(15 / 28, 12);
		expect(s.mase).toBeCloseTo(15 / 28, 12);
		expect(s.relativeMae).toBeCloseTo(15 / 28, 12);
		expect(s).toMatchObject({ overdispersion: 1, coverage80: 1, coverage95: 1 });
	});

	it('picks the recent mean and forecasts every area with its interval', () => {
		expect(result).toMatchObject({ period: 1, method: 'seasonal-mean', overdispersion: 1 });
		expect(result.choice.reason).toBe('lowest MASE (0.536) over 2 forecast origins');
		// A: mean of its 8 months = 2 → Poisson(2): 80% [0, 4], 95% [0, 5]. B: 0 → [0, 0].
		expect(result.areas.map(({ history, ...rest }) => rest)).toEqual([
			{ areaId: 'A', expected: 2, lo80: 0, hi80: 4, lo95: 0, hi95: 5, effectiveWeight: 1 },
			{ areaId: 'B', expected: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0, effectiveWeight: 1 }
		]);
	});

	it('a history too short to backtest falls back to the simplest method, with φ = 1', () => {
		const short = forecastPanel({ areas: ['A'], values: [Float64Array.from([4])], squares: null, months: 1 }, { method: 'auto', methods: ['seasonal-naive'], backtestMonths: 6 });
		expect(short.choice).toEqual({ method: 'seasonal-naive', reason: 'history too short to backtest (1 months); the simplest method that fits' });
		expect(short.areas[0].expected).toBe(4);
	});

	it('a requested method the history cannot support is an error', () => {
		expect(() => forecastPanel({ areas: ['A'], values: [Float64Array.from([4])], squares: null, months: 1 }, { method: 'holt-winters', methods: [], backtestMonths: 6 })).toThrow(
			'holt-winters needs at least 2 months of history; got 1'
		);
	});
});

describe('forecastAreaHarm over the City of London street files', () => {
	let runner: NodeRunner;
	const street = 'sample-data/police-uk/city-of-london/street/*.csv';
	const load = async (lastMonth: string) => {
		await runner.exec(`DELETE FROM incidents`);
		// The columns the forecast reads, straight from the real files.
		await runner.exec(
			`INSERT INTO incidents (month, month_index, category, lsoa_code)
			 SELECT "Month", CAST(substr("Month", 1, 4) AS INTEGER) * 12 + CAST(substr("Month", 6, 2) AS INTEGER) - 1, "Crime type", "LSOA code"
			 FROM read_csv(?, all_varchar = true) WHERE "Month" <= ?`,
			[street, lastMonth]
		);
	};
	const strip = (r: AreaHarmForecast) => ({ ...r, elapsedMs: 0, scores: r.scores.map((s) => ({ ...s, seconds: 0 })) });

	beforeAll(async () => {
		runner = await createNodeRunner();
		const dataset = EXTRACT_DATASETS.find((d) => d.name === 'incidents')!;
		await runner.exec(`CREATE TABLE incidents (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
		await runner.exec(HARM_WEIGHTS_TABLE_SQL);
		for (const row of harmWeightRows(cchi as HarmWeightsModel)) await runner.exec(HARM_WEIGHTS_INSERT_SQL, harmWeightParams(row));
	});
	afterAll(() => runner.close());

	it('months after trainEnd do not change the forecast', async () => {
		await load('2019-06');
		const before = strip(await forecastAreaHarm(runner, { trainEnd: '2019-06' }));
		await load('2019-11');
		const after = strip(await forecastAreaHarm(runner, { trainEnd: '2019-06' }));
		expect(after).toEqual(before);
		expect(before.forecastMonth).toBe('2019-07');
		expect(before.firstMonth).toBe('2017-12');
		expect(before.areas.length).toBeGreaterThan(50);
	});

	it('expected harm equals the method applied to each area’s harm history, interval around it', async () => {
		await load('2019-11');
		const r = await forecastAreaHarm(runner, { trainEnd: '2019-10', method: 'seasonal-mean' });
		// Period 1 (23 months; 17 before the first origin), recent mean of 12 months.
		for (const area of r.areas.slice(0, 10)) {
			const last12 = area.history.slice(-12);
			expect(area.expected).toBeCloseTo(last12.reduce((a, b) => a + b, 0) / 12, 9);
			expect(area.lo80).toBeLessThanOrEqual(area.hi80);
			expect(area.lo95).toBeLessThanOrEqual(area.lo80);
			expect(area.hi95).toBeGreaterThanOrEqual(area.hi80);
		}
		expect(r.overdispersion).toBeGreaterThanOrEqual(1);
	});

	it('what-if weights replace the harm_weights table (here: every category weighs 1 = counts)', async () => {
		const categories = ['Anti-social behaviour', 'Bicycle theft', 'Burglary', 'Criminal damage and arson', 'Drugs', 'Other crime', 'Other theft',
			'Possession of weapons', 'Public order', 'Robbery', 'Shoplifting', 'Theft from the person', 'Vehicle crime', 'Violence and sexual offences'];
		const weights = categories.map((category) => ({ category, weight: 1, excluded: false }));
		const asHarm = await forecastAreaHarm(runner, { trainEnd: '2019-10', method: 'seasonal-mean', weights });
		const asCount = await forecastAreaHarm(runner, { trainEnd: '2019-10', method: 'seasonal-mean', measure: 'count' });
		expect(asHarm.areas.map((a) => [a.areaId, a.expected])).toEqual(asCount.areas.map((a) => [a.areaId, a.expected]));
		expect(asHarm.areas.every((a) => a.effectiveWeight === 1 || a.effectiveWeight === 0)).toBe(true);
	});

	it('forecastRiskEstimates: one estimate per (assessment month, area) row, in the THR Risk shape', async () => {
		const f = await forecastAreaHarm(runner, { trainEnd: '2019-09' });
		const [first, second] = f.areas;
		const m = monthIndex('2019-09');
		const r = await forecastRiskEstimates(runner, { rows: { monthIndex: [m, m, m], areaId: [first.areaId, 'E09999999', second.areaId] }, intervalLevel: 0.8 });
		expect(r.level).toBe(0.8);
		expect(Array.from(r.expected)).toEqual([first.expected, 0, second.expected]);
		// The 80% interval is the one forecastAreaHarm reports.
		expect([r.low[0], r.high[0]]).toEqual([first.lo80, first.hi80]);
		expect([r.low[1], r.high[1]]).toEqual([0, 0]);
		expect(r.method).toBe(`forecast (2019-09: ${f.method})`);
	});

	it('forecastRiskEstimates over many months (one SQL pass) gives exactly each month’s forecastAreaHarm', async () => {
		await load('2019-11');
		const months = ['2017-11', '2017-12', '2018-01', '2018-06', '2019-03', '2019-10'];
		const alone = await Promise.all(months.map((trainEnd) => forecastAreaHarm(runner, { trainEnd, method: 'auto' })));
		const rows = { monthIndex: [] as number[], areaId: [] as string[] };
		alone.forEach((f, k) => f.areas.forEach((a) => (rows.monthIndex.push(monthIndex(months[k])), rows.areaId.push(a.areaId))));
		const r = await forecastRiskEstimates(runner, { rows, intervalLevel: 0.8, method: 'auto' });
		// 2017-11 has no data (the files start in 2017-12): no forecast rows, but a result all the same.
		expect(r.forecasts.map((f) => [f.trainEnd, f.areas.length])).toEqual(alone.filter((f) => f.areas.length > 0).map((f) => [f.trainEnd, f.areas.length]));
		for (const f of r.forecasts) expect(strip(f)).toEqual(strip(alone[months.indexOf(f.trainEnd)]));
		let i = 0;
		for (const f of alone) for (const a of f.areas) expect([r.expected[i], r.low[i], r.high[i++]]).toEqual([a.expected, a.lo80, a.hi80]);
	});

	it('forecastRiskEstimates without per-area rows (a trend) gives the same estimates and the same forecasts but their areas', async () => {
		await load('2019-11');
		const months = ['2018-06', '2019-03', '2019-10'];
		const alone = await Promise.all(months.map((trainEnd) => forecastAreaHarm(runner, { trainEnd, method: 'auto' })));
		const rows = { monthIndex: [] as number[], areaId: [] as string[] };
		alone.forEach((f, k) => f.areas.forEach((a) => (rows.monthIndex.push(monthIndex(months[k])), rows.areaId.push(a.areaId))));
		rows.monthIndex.push(monthIndex('2019-10'));
		rows.areaId.push('E09999999');
		const full = await forecastRiskEstimates(runner, { rows, intervalLevel: 0.8, method: 'auto' });
		const lean = await forecastRiskEstimates(runner, { rows, intervalLevel: 0.8, method: 'auto', areaRows: false });
		expect([lean.expected, lean.low, lean.high, lean.method]).toEqual([full.expected, full.low, full.high, full.method]);
		expect(lean.forecasts.map((f) => f.areas.length)).toEqual([0, 0, 0]);
		expect(lean.forecasts.map(({ areas, ...f }) => strip({ ...f, areas: [] }))).toEqual(full.forecasts.map(({ areas, ...f }) => strip({ ...f, areas: [] })));
		expect(full.expected.at(-1)).toBe(0);
		expect(full.expected.some((v) => v > 0)).toBe(true);
	});

	it('forecastRiskEstimates reads a panel given in one block (flatPanel) exactly as one given per area', async () => {
		await load('2019-11');
		const f = await forecastAreaHarm(runner, { trainEnd: '2019-10', method: 'seasonal-mean' });
		const m = monthIndex('2019-10');
		const rows = { monthIndex: f.areas.map(() => m), areaId: f.areas.map((a) => a.areaId) };
		const plain = await forecastRiskEstimates(runner, { rows, intervalLevel: 0.8, method: 'seasonal-mean' });
		// The same panel, wider (two months earlier, and a first area with no records), flattened by hand.
		const panel = await monthlyPanel(runner, { level: 'lsoa', lastMonth: '2019-10', months: 38, measure: 'harm' });
		const A = panel.areas.length + 1;
		const block = (xs: Float64Array[]) => {
			const out = new Float64Array(A * 38);
			xs.forEach((x, a) => out.set(x, (a + 1) * 38));
			return out;
		};
		const areas = ['E00000000', ...panel.areas];
		expect(areas.every((a, i) => i === 0 || areas[i - 1] < a)).toBe(true);
		const flat = { firstMonth: m - 35, months: 36, areas, stride: 38, offset: 2, values: block(panel.values), squares: block(panel.squares!), counts: block(panel.counts) };
		const [{ first }] = await runner.rows<{ first: number }>('SELECT min(month_index) AS first FROM incidents WHERE month_index <= ?', [m]);
		const viaBlock = await forecastRiskEstimates(runner, {
			rows,
			intervalLevel: 0.8,
			method: 'seasonal-mean',
			source: { panel: () => Promise.reject(new Error('not read')), flatPanel: () => flat, firstDataMonth: async () => Number(first) }
		});
		expect(strip(viaBlock.forecasts[0])).toEqual(strip(plain.forecasts[0]));
		expect([viaBlock.expected, viaBlock.low, viaBlock.high]).toEqual([plain.expected, plain.low, plain.high]);
	});

	it('measure "count" forecasts incidents; an area level without data gives no areas', async () => {
		const r = await forecastAreaHarm(runner, { trainEnd: '2019-10', measure: 'count', method: 'seasonal-naive' });
		expect(r.measure).toBe('count');
		expect(r.areas.every((a) => Number.isInteger(a.expected))).toBe(true);
		const none = await forecastAreaHarm(runner, { trainEnd: '2019-10', level: 'h3_r8' });
		expect(none.areas).toEqual([]);
	});
});
