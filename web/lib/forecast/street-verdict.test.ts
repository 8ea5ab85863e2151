/**
 * The monthly area forecast's verdict against its baseline (the Forecast page's "Street records
 * next month, by area" and the briefing's Demand forecast), over the shipped Lancashire
 * anti-social behaviour 2022 extract: per district the backtest chooses seasonal naive, which
 * with a 1-month season is each district's count in December 2022, checked here against SQL on
 * the base rows; the page must then say that the forecast is not better than last month's count.
 * Per LSOA the seasonal mean wins and the sentence gives both MASEs of the same backtest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { forecastStreetAreas } from './demand';
import { streetBaselineVerdict, streetMethodLabel } from './verdicts';

let runner: NodeRunner;
let remove: (() => void) | undefined;

beforeAll(async () => {
	runner = await createNodeRunner();
	remove = await loadSampleSource(runner, 'lancashire-asb');
}, 300_000);

afterAll(() => {
	runner?.close();
	remove?.();
});

describe('streetBaselineVerdict (monthly area forecast against last month’s count)', () => {
	it('per district: the chosen method is last month’s count itself, and the page says it is no better', async () => {
		const f = (await forecastStreetAreas(runner, undefined, 'district'))!;
		expect(f.trainEnd).toBe('2022-12');
		expect(f.period).toBe(1);
		expect(f.method).toBe('seasonal-naive');
		const december = await runner.rows<{ d: string; n: number }>(
			"SELECT district_id AS d, count(*)::INTEGER AS n FROM incidents WHERE month = '2022-12' AND district_id IS NOT NULL GROUP BY 1"
		);
		expect(december).toHaveLength(14);
		for (const r of december) expect(f.areas.find((a) => a.areaId === String(r.d))?.expected).toBe(Number(r.n));
		const naive = f.scores.find((s) => s.method === 'seasonal-naive')!;
		expect(streetMethodLabel(f.method, f.period)).toBe("Last month's count (seasonal naive)");
		expect(streetBaselineVerdict(f)).toBe(
			`Not better than last month's count: the forecast is last month's count itself, since no other method did better in the backtest (MASE ${naive.mase!.toFixed(3)}).`
		);
	});

	it('per LSOA: another method wins, and the sentence sets its MASE beside last month’s count', async () => {
		const f = (await forecastStreetAreas(runner, undefined, 'lsoa'))!;
		expect(f.method).not.toBe('seasonal-naive');
		const chosen = f.scores.find((s) => s.method === f.method)!;
		const naive = f.scores.find((s) => s.method === 'seasonal-naive')!;
		expect(chosen.mase!).toBeLessThan(naive.mase!);
		const gain = (100 * (1 - chosen.mase! / naive.mase!)).toFixed(1);
		// It read "MASE 12.1% below last month's count", as if a MASE were set against a count.
		expect(streetBaselineVerdict(f)).toBe(`Better than last month's count in the backtest: its error (MASE) is ${gain}% lower (${chosen.mase!.toFixed(3)} against ${naive.mase!.toFixed(3)}).`);
		// Twelve months of data, 6 held back: no month-of-year season (period 1), so the label names no season.
		expect(f.period).toBe(1);
		expect(streetMethodLabel(f.method, f.period)).not.toMatch(/season position|recent seasons/);
		expect(streetMethodLabel(f.method, f.period)).toMatch(/\(no month-of-year season: under 2 years of history\)$/);
	});

	it.each([
		['seasonal-mean', 1, 'Mean of the last 12 months (no month-of-year season: under 2 years of history)'],
		['poisson', 1, 'Poisson regression with a trend (no month-of-year season: under 2 years of history)'],
		['holt-winters', 1, 'Holt’s linear trend exponential smoothing (no month-of-year season: under 2 years of history)'],
		['seasonal-mean', 12, 'Mean of the same month over the last 3 years'],
		['poisson', 12, 'Poisson regression on the month of the year with a trend'],
		['seasonal-naive', 12, 'The count of the same month last year (seasonal naive)']
	] as const)('%s with period %i is named by what it does: %s', (method, period, label) => {
		expect(streetMethodLabel(method, period)).toBe(label);
	});

	it('a chosen method whose MASE is not lower is said not to beat the baseline; a 12-month season names the same month last year', () => {
		const s = (method: 'seasonal-naive' | 'holt-winters', mase: number | null) => ({ method, origins: 6, points: 84, mae: mase, mase, relativeMae: null, bias: 0, coverage80: 0.8, coverage95: 0.95, width80: 1, seconds: 0, skipped: null, overdispersion: 1 });
		expect(streetBaselineVerdict({ method: 'holt-winters', period: 12, scores: [s('seasonal-naive', 0.9), s('holt-winters', 0.95)] })).toBe(
			'Not better than the count of the same month last year in the backtest: MASE 0.950 against 0.900.'
		);
		expect(streetBaselineVerdict({ method: 'holt-winters', period: 1, scores: [s('seasonal-naive', null), s('holt-winters', 0.95)] })).toBeNull();
	});
});
