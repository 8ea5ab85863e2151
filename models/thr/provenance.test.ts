/**
 * What thr-v3 says about the months its choices were made on, checked against the data. The Risk
 * forecast's method (seasonal mean) was fixed in v2 as the pooled backtest's own choice on the
 * City of London sample at assessment months 2018-09 … 2019-11 (analytics/thr/score.test.ts, "the
 * evidence behind thr-v2"). Each backtest forecasts the last `backtest_months` (6) months up to
 * its assessment month, so those backtests forecast 2018-04 … 2019-11, which covers every month
 * the City's held-out accuracy is measured on (the last 12: 2018-12 … 2019-11). The model file
 * must say so (the product's rule: never tune on the months a method is evaluated on, and say
 * plainly where that was not kept), and what it says about the months before is checked here
 * with those months alone: real rows, real DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { cchiWeights, sampleRunner } from '../../analytics/thr/fixtures.test-setup';
import { forecastAreaHarm } from '../../analytics/forecast/area-harm';
import { harmTestMonths } from '../../analytics/hotspots/accuracy';
import { scoreMonth } from '../../analytics/thr/score';
import { monthIndex, monthKey } from '../../analytics/shared/months';
import type { RiskComponent, ThrModel } from '../../analytics/thr/model';

const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
const risk = v3.components.find((c) => c.kind === 'risk') as RiskComponent;
/** The assessment months v2's choice was checked at (analytics/thr/score.test.ts MONTHS after the first). */
const CHOSEN_AT = ['2018-09', '2018-12', '2019-03', '2019-06', '2019-09', '2019-11'];

describe("thr-v3's Risk method: the months it was chosen on, and what the model file says about them", () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await sampleRunner();
	}, 120_000);
	afterAll(() => runner.close());

	const backtested = (trainEnd: string) => Array.from({ length: risk.forecast!.backtest_months }, (_, i) => monthKey(monthIndex(trainEnd) - risk.forecast!.backtest_months + 1 + i));

	it('the backtests it was chosen on forecast 2018-04 … 2019-11, every month of the City accuracy (2018-12 … 2019-11); the model file says so', async () => {
		expect(risk.forecast).toMatchObject({ method: 'seasonal-mean', backtest_months: 6 });
		const forecastMonths = new Set(CHOSEN_AT.flatMap(backtested));
		// 2018-09's backtest forecasts 2018-04 … 2018-09; 2019-11's 2019-06 … 2019-11; together with the others every month between.
		expect([...forecastMonths].sort()).toEqual(Array.from({ length: 20 }, (_, i) => monthKey(monthIndex('2018-04') + i)));
		const testMonths = await harmTestMonths(runner, 12);
		expect(testMonths).toEqual(Array.from({ length: 12 }, (_, i) => monthKey(monthIndex('2018-12') + i)));
		expect(testMonths.filter((m) => forecastMonths.has(m))).toEqual(testMonths);
		const said = v3.limitations.find((l) => l.includes('Risk forecast') && l.includes('seasonal mean'));
		expect(said).toContain('City of London sample at assessment months from September 2018 to November 2019');
		expect(said).toContain('forecast April 2018 to November 2019');
		expect(said).toContain("the City's accuracy is measured on December 2018 to November 2019");
	});

	it('with only the months before the City accuracy (up to 2018-11), every backtest picks the seasonal mean too, as the model file says', async () => {
		const { weights } = await scoreMonth(runner, { model: v3, weights: cchiWeights(), month: '2018-11' });
		const other = await sampleRunner();
		try {
			await other.exec('DELETE FROM incidents WHERE month_index > ?', [monthIndex('2018-11')]);
			// From the first assessment month with a full backtest (history ≥ backtest_months + 2 = 8 months from 2017-12).
			for (const trainEnd of ['2018-07', '2018-08', '2018-09', '2018-10', '2018-11']) {
				const f = await forecastAreaHarm(other, { trainEnd, method: 'auto', historyMonths: risk.forecast!.history_months, backtestMonths: risk.forecast!.backtest_months, weights });
				expect([trainEnd, f.method]).toEqual([trainEnd, 'seasonal-mean']);
				expect(backtested(trainEnd).every((m) => m < '2018-12')).toBe(true);
			}
		} finally {
			other.close();
		}
		expect(v3.limitations.some((l) => l.includes('The backtests before those months alone (assessment months up to November 2018) pick the same method'))).toBe(true);
	});
});
