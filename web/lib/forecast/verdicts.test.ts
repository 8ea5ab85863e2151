import { describe, expect, it } from 'vitest';
import type { BacktestScore } from '$analytics/forecast';
import { baselineVerdict, coverageNote, streetLevelsNote } from './verdicts';

const score = (method: BacktestScore['method'], mase: number | null, cov: [number, number] = [0.8, 0.95]): BacktestScore => ({
	method,
	origins: 6,
	points: 2016,
	mae: mase,
	mase,
	relativeMae: null,
	bias: 0,
	coverage80: cov[0],
	coverage95: cov[1],
	width80: 2,
	seconds: 0.1,
	skipped: null
});

describe('baselineVerdict (against the 8-week same-hour mean)', () => {
	const base = score('seasonal-mean', 0.8);
	it.each([
		// 1 − 0.72/0.8 = 10% ≥ 8%
		[score('combination', 0.72), 'MASE 10.0% below the mean of the same hour over the last 8 weeks (0.720 against 0.800): it meets the 8% target in this backtest.'],
		// 1 − 0.78/0.8 = 2.5%
		[score('holt-winters', 0.78), 'MASE only 2.5% below the mean of the same hour over the last 8 weeks (0.780 against 0.800): short of the 8% target in this backtest.'],
		[score('poisson', 0.8), 'This method does not beat the mean of the same hour over the last 8 weeks in this backtest: MASE 0.800 against 0.800.'],
		[score('nb-regression', 0.9), 'This method does not beat the mean of the same hour over the last 8 weeks in this backtest: MASE 0.900 against 0.800.']
	])('%#', (s, sentence) => {
		expect(baselineVerdict(s, base, [base, s])).toBe(sentence);
	});

	it('the baseline chosen: says no method beats it, naming the next best', () => {
		const others = [score('poisson', 0.85), score('holt-winters', 0.82)];
		expect(baselineVerdict(base, base, [base, ...others])).toBe(
			'No method beats the mean of the same hour over the last 8 weeks on this data: it is the forecast shown (MASE 0.800; the next best, Holt–Winters additive exponential smoothing, 0.820).'
		);
	});

	it('no MASE: no sentence', () => {
		expect(baselineVerdict(score('poisson', null), base, [])).toBeNull();
	});
});

describe('coverageNote', () => {
	it('reads the backtest coverage, or says there is none', () => {
		expect(coverageNote(score('poisson', 1, [0.849, 0.966]))).toBe('in the backtest the 80% intervals held 84.9% of the hours and the 95% intervals 96.6%.');
		expect(coverageNote(null)).toBe('no backtest measured how often they hold.');
	});
});

describe('streetLevelsNote (what the monthly forecast by area is made over)', () => {
	it('says nothing when the street records carry LSOA codes', () => {
		expect(streetLevelsNote(['lsoa'], 'Districts', false)).toBeNull();
		expect(streetLevelsNote(['district', 'lsoa'], 'Districts', true)).toBeNull();
	});

	it('with no street records, one sentence: no forecast by area, and where timestamped records are forecast instead', () => {
		const chicago = streetLevelsNote([], 'Police districts', true)!;
		expect(chicago).toBe(
			'No monthly forecast by area: it reads police.uk street records (crime and anti-social behaviour, by month), and this data has none. Its timestamped incidents are forecast per hour above, and the hot-spot forecast on the Accuracy page ranks the H3 cells where they are likely in the weeks ahead.'
		);
		expect(streetLevelsNote([], 'Districts', false)).toBe('No monthly forecast by area: it reads police.uk street records (crime and anti-social behaviour, by month), and this data has none.');
	});

	it('over districts only, the areas are the source’s own, never H3 cells (this forecast does not use them)', () => {
		const note = streetLevelsNote(['district'], 'Police districts', false)!;
		expect(note).toMatch(/so the areas here are the police districts of the source's boundary file\.$/);
		expect(note).not.toContain('H3');
	});
});
