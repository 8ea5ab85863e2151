import { describe, expect, it } from 'vitest';
import { SCORE_UNITS, type AreaScore, type Comparison, type ComponentDifference } from '$analytics/thr';
import { chanceWords, feedsWords, modelVersionText, pStatement, pValue, readMonths, readableRaw, readableWarning, score2, shortUnit, signed2, whyAbove } from './reading';
import { readFileSync } from 'node:fs';
import type { ThrModel } from '$analytics/thr';
import { monthIndex } from '$analytics/thr';

describe('readableRaw', () => {
	it.each([
		// 12-month harm of City of London LSOA E01032739, Dec 2018 – Nov 2019 (Σ records × CCHI days).
		[267572.48, 'CCHI days', '267,572'],
		[29858.11, 'CCHI days', '29,858'],
		[3.66, 'CCHI days', '3.7'],
		[0, 'CCHI days', '0'],
		[1234.5, 'CCHI days per month', '1,235'],
		[1.0834, 'ratio (recent ÷ expected harm, shrunk)', '1.08'],
		[0.5, 'share', '0.5'],
		[Number.NaN, 'CCHI days', '—']
	])('%s %s → %s', (value, unit, text) => {
		expect(readableRaw(value, unit)).toBe(text);
	});

	it('rounds scores and signs for reading', () => {
		expect(score2(0.92871)).toBe('0.93');
		expect(signed2(0.3249)).toBe('+0.32');
		expect(signed2(-0.05)).toBe('−0.05');
		expect(signed2(0.001)).toBe('±0.00');
		expect(shortUnit('ratio (recent ÷ expected harm, shrunk)')).toBe('ratio');
		expect(shortUnit('CCHI days per month')).toBe('CCHI days per month');
	});
});

/** An area with a score of `units` score units; components are not read by whyAbove. */
function area(areaId: string, rank: number, score: number): AreaScore {
	const units = Math.round(score);
	return { areaId, rank, band: 'high', score: units / SCORE_UNITS, scoreUnits: units, components: [] };
}

function diff(componentId: string, label: string, unit: string, rawA: number, rawB: number, a: number, b: number): ComponentDifference {
	const unitsA = Math.round(a);
	const unitsB = Math.round(b);
	return {
		componentId,
		label,
		unit,
		rawA,
		rawB,
		percentileA: 0,
		percentileB: 0,
		contributionA: unitsA / SCORE_UNITS,
		contributionB: unitsB / SCORE_UNITS,
		difference: (unitsA - unitsB) / SCORE_UNITS,
		differenceUnits: unitsA - unitsB
	};
}

describe('whyAbove', () => {
	// Contributions in score units (2^20 = 1.0): harm 0.40 vs 0.04, risk 0.25 vs 0.05, threat 0 vs 0.10.
	const U = SCORE_UNITS;
	const harm = diff('harm', 'Harm', 'CCHI days', 267572.48, 29858.11, 0.4 * U, 0.04 * U);
	const risk = diff('risk', 'Risk', 'CCHI days per month', 20000, 2500, 0.25 * U, 0.05 * U);
	const threat = diff('threat', 'Threat', 'CCHI days', 0, 1200, 0, 0.1 * U);

	it('names the component that gives most of the gap, then what adds and what takes back', () => {
		// Gap = (0.40 + 0.25 + 0) − (0.04 + 0.05 + 0.10) = 0.46; harm gives 0.36 of it (more than half).
		const c: Comparison = {
			a: area('E01032739', 1, 0.65 * U),
			b: area('E01000005', 3, 0.19 * U),
			higher: 'a',
			scoreDifference: 0.46,
			scoreDifferenceUnits: Math.round(0.65 * U) - Math.round(0.19 * U),
			components: [harm, risk, threat],
			decidedBy: 'score'
		};
		expect(whyAbove(c)).toBe(
			'E01032739 ranks above E01000005: its score is higher by 0.46. ' +
				'Harm gives most of the gap (+0.36: 267,572 against 29,858 CCHI days). ' +
				'Risk adds +0.20 (20,000 against 2,500 CCHI days per month). ' +
				'Threat takes back 0.10 (0 against 1,200 CCHI days).'
		);
	});

	it('reads the same whichever area is given first', () => {
		const swap = (d: ComponentDifference): ComponentDifference => ({
			...d,
			rawA: d.rawB,
			rawB: d.rawA,
			contributionA: d.contributionB,
			contributionB: d.contributionA,
			difference: -d.difference,
			differenceUnits: -d.differenceUnits
		});
		const c: Comparison = {
			a: area('E01000005', 3, 0.19 * U),
			b: area('E01032739', 1, 0.65 * U),
			higher: 'b',
			scoreDifference: -0.46,
			scoreDifferenceUnits: Math.round(0.19 * U) - Math.round(0.65 * U),
			components: [swap(harm), swap(risk), swap(threat)],
			decidedBy: 'score'
		};
		const names = new Map([['E01032739', 'City of London 001F']]);
		const text = whyAbove(c, (id) => names.get(id) ?? id);
		expect(text.startsWith('City of London 001F ranks above E01000005: its score is higher by 0.46.')).toBe(true);
		expect(text).toContain('Harm gives most of the gap (+0.36: 267,572 against 29,858 CCHI days).');
	});

	it('says "under 0.01" for a difference that rounds to 0.00, and reads labels without their parenthesis', () => {
		// Threat: 0.0025 of score against 0 (884 against 0 CCHI days of credible excess); harm 0.07 against 0.04.
		const c: Comparison = {
			a: area('E01032740', 2, 0.0725 * U),
			b: area('E01000005', 3, 0.04 * U),
			higher: 'a',
			scoreDifference: 0.0325,
			scoreDifferenceUnits: Math.round(0.0725 * U) - Math.round(0.04 * U),
			components: [diff('harm', 'Harm', 'CCHI days', 49751.73, 29858.11, 0.07 * U, 0.04 * U), diff('threat', 'Threat (credible rise)', 'CCHI days (credible excess over the last 3 months)', 884.3, 0, 0.0025 * U, 0)],
			decidedBy: 'score'
		};
		expect(whyAbove(c)).toBe(
			'E01032740 ranks above E01000005: its score is higher by 0.03. Harm gives most of the gap (+0.03: 49,752 against 29,858 CCHI days). ' +
				'Threat adds under 0.01 (884 against 0 CCHI days).'
		);
	});

	it('says which tie-rule key decided equal scores, and which components make no difference', () => {
		const h = diff('harm', 'Harm', 'CCHI days', 2132.4, 1800, 0.1 * U, 0.1 * U);
		const c: Comparison = {
			a: area('E01000003', 5, 0.1 * U),
			b: area('E01000001', 6, 0.1 * U),
			higher: 'a',
			scoreDifference: 0,
			scoreDifferenceUnits: 0,
			components: [h],
			decidedBy: 'harm'
		};
		expect(whyAbove(c)).toBe('E01000003 ranks above E01000001: both score 0.10, and the tie rule puts it first because its Harm is larger (2,132 against 1,800 CCHI days).');
		const none = diff('threat', 'Threat', 'CCHI days', 0, 0, 0, 0);
		const d: Comparison = { ...c, scoreDifference: 0.1, scoreDifferenceUnits: Math.round(0.2 * U) - Math.round(0.1 * U), a: area('E01000003', 5, 0.2 * U), components: [diff('harm', 'Harm', 'CCHI days', 2132.4, 1800, 0.2 * U, 0.1 * U), none], decidedBy: 'score' };
		expect(whyAbove(d)).toBe('E01000003 ranks above E01000001: its score is higher by 0.10. Harm gives most of the gap (+0.10: 2,132 against 1,800 CCHI days). Threat makes no difference.');
	});
});

describe('the months a score reads, in words', () => {
	// Lancashire anti-social behaviour, first month with records 2022-01 (SELECT min(month) FROM incidents);
	// thr-v3's longest window is Threat's 15 months (3 recent + 12 baseline).
	const lancashire = (month: string) => ({ month, monthIndex: monthIndex(month), dataRange: { first: '2022-01', last: month } });

	it('cuts the look-back at the data’s first month and says so (Lancashire, December 2022)', () => {
		const r = readMonths(lancashire('2022-12'), 15);
		expect([r.windowFrom, r.from, r.to]).toEqual(['2021-10', '2022-01', '2022-12']);
		expect(r.words).toBe(
			'the 12 months with data the score reads (January–December 2022; its 15-month look-back starts in October 2021, but the data has no records before January 2022)'
		);
	});

	it('says "one month", not "1 months", in the data’s first month (City of London, December 2017)', () => {
		const r = readMonths({ month: '2017-12', monthIndex: monthIndex('2017-12'), dataRange: { first: '2017-12', last: '2017-12' } }, 15);
		expect(r.words).toBe(
			'the one month with data the score reads (December 2017; its 15-month look-back starts in October 2016, but the data has no records before December 2017)'
		);
	});

	it('names the whole window when the data reaches back that far (City of London from 2017-12, November 2019)', () => {
		const r = readMonths({ month: '2019-11', monthIndex: monthIndex('2019-11'), dataRange: { first: '2017-12', last: '2019-11' } }, 15);
		expect(r.from).toBe('2018-09');
		expect(r.words).toBe('the 15 months the score reads (September 2018–November 2019)');
	});

	it('words the scoring warnings’ months', () => {
		expect(readableWarning('Threat (credible rise) compares the last 3 months with the 9 baseline months that have data (2022-01…2022-09), not 12')).toBe(
			'Threat (credible rise) compares the last 3 months with the 9 baseline months that have data (January–September 2022), not 12'
		);
		expect(readableWarning('the data starts in 2017-12, after the start of the longest window (2017-06): months before it count as zero')).toBe(
			'the data starts in December 2017, after the start of the longest window (June 2017): months before it count as zero'
		);
		expect(readableWarning('no records in 2019-12 itself: the latest month with records is 2019-11')).toBe('no records in December 2019 itself: the latest month with records is November 2019');
	});

	// Lancashire anti-social behaviour, first month 2022-01, assessed for March 2022 (thr-v3): the
	// warnings analytics/thr/score.ts writes for that month.
	it('names the window the data starts inside by its length, not as the longest (the page names a 15-month look-back)', () => {
		const w =
			'the data starts in 2022-01, after the start of the longest window (2021-04): months before it count as zero in the 12-month Harm total, which is understated (and so is the largest 12-month Harm that every magnitude is divided by); Threat (credible rise) and Risk (forecast harm next month) use only the months with data';
		// April 2021 – March 2022: 12 months (Harm's window, the one that counts the months before the data as
		// zero; Threat's 15 months and Risk's forecast read only the months with data and say so).
		expect(readableWarning(w, '2022-03')).toBe(
			"the data starts in January 2022, after the start of the score's 12-month windows (April 2021): months before it count as zero in the 12-month Harm total, which is understated (and so is the largest 12-month Harm that every magnitude is divided by); Threat (credible rise) and Risk (forecast harm next month) use only the months with data"
		);
	});

	it('says "no months" of baseline rather than "only 0 months", and how many are needed', () => {
		const w = 'Threat (credible rise): only 0 months of data before the recent 3 (fewer than 3), so there is no baseline to compare with: Threat is 0 for every area';
		expect(readableWarning(w, '2022-03')).toBe(
			'Threat (credible rise): no months of data before the recent 3 (it needs at least 3), so there is no baseline to compare with: Threat is 0 for every area'
		);
		expect(readableWarning(w.replace('only 0 months', 'only 1 month'), '2022-05')).toBe(
			'Threat (credible rise): only 1 month of data before the recent 3 (it needs at least 3), so there is no baseline to compare with: Threat is 0 for every area'
		);
	});
});

describe('feedsWords', () => {
	// thr-v3's components: harm (12 months), threat (3 recent + 12 baseline months), risk.
	const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
	it('names the components an incident row feeds as the page names them, not by their ids', () => {
		expect(feedsWords(['harm', 'threat:recent', 'risk'], v3)).toBe('Harm, Threat (recent 3 months), Risk');
		expect(feedsWords(['threat:baseline'], v3)).toBe('Threat (baseline)');
		expect(feedsWords([], v3)).toBe('—');
	});
});

describe('a model by id and version, as the pages name it', () => {
	it('"thr 3.0.0" → "thr v3.0.0" (the Accuracy page wrote "THR thr 3.0.0")', () => {
		expect(modelVersionText('thr 3.0.0')).toBe('thr v3.0.0');
		expect(modelVersionText('thr 3.0.0+what-if')).toBe('thr v3.0.0+what-if');
		expect(modelVersionText('no version')).toBe('no version');
	});
});

describe('p-values as a report writes them, and in words', () => {
	it.each([
		// Below 0.001 after rounding to 3 significant figures: "< 0.001", never "3.8e-5".
		[3.8e-5, '< 0.001', 'p < 0.001', 'less than 1 time in 1,000'],
		[0.000999, '< 0.001', 'p < 0.001', 'less than 1 time in 1,000'],
		// 0.0009996 rounds to 0.001 (3 figures): reported as 0.001, about 1 time in 1,000.
		[0.0009996, '0.001', 'p = 0.001', 'about 1 time in 1,000'],
		// 1 / 0.03817 = 26.2 → 1 time in 26.
		[0.03817, '0.0382', 'p = 0.0382', 'about 1 time in 26'],
		[0.2349, '0.235', 'p = 0.235', 'about 1 time in 4'],
		[0.5, '0.5', 'p = 0.5', 'more often than not'],
		[1, '1', 'p = 1', 'more often than not'],
		[Number.NaN, '—', 'p = —', '—']
	])('%s → %s, "%s", %s', (p, text, statement, words) => {
		expect(pValue(p)).toBe(text);
		expect(pStatement(p)).toBe(statement);
		expect(chanceWords(p)).toBe(words);
	});

	it('names the test', () => {
		expect(pStatement(2e-7, 'one-sided p')).toBe('one-sided p < 0.001');
		expect(pStatement(0.0123, 'two-sided p')).toBe('two-sided p = 0.0123');
	});
});
