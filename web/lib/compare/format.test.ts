import { describe, expect, it } from 'vitest';
import { changeWords, formatAmount, formatDifference, formatRatio, recordsLabel, basisWords, formatShownDifference } from './format';

describe('comparison figures in words', () => {
	it('counts, seasonal means and signed differences', () => {
		expect(formatAmount(1234)).toBe('1,234');
		expect(formatAmount(37 / 3)).toBe('12.3');
		expect(formatAmount(991.0500000000001, { round: true })).toBe('991');
		expect(formatAmount(null)).toBe('—');
		expect(formatDifference(12)).toBe('+12');
		expect(formatDifference(-5)).toBe('−5');
		expect(formatDifference(0)).toBe('0');
		expect(formatDifference(2.5)).toBe('+2.5');
		expect(formatDifference(-0.04)).toBe('0');
		expect(formatDifference(null)).toBe('—');
	});
	it('a ratio, and no Infinity or NaN when the comparison is 0', () => {
		expect(formatRatio({ ratio: 1.25, ratioNote: null })).toBe('1.25');
		expect(formatRatio({ ratio: null, ratioNote: 'None in the comparison period, so no ratio.' })).toBe('no ratio');
		expect(formatRatio({ ratio: Infinity, ratioNote: null })).toBe('—');
		expect(changeWords({ ratio: 1.25, ratioNote: null, difference: 5 })).toBe('up 25%');
		expect(changeWords({ ratio: 0.9, ratioNote: null, difference: -1 })).toBe('down 10%');
		expect(changeWords({ ratio: null, ratioNote: 'None in the comparison period, so no ratio.', difference: 3 })).toBe('None in the comparison period, so no ratio.');
	});
});

describe('the records row of a comparison', () => {
	it('keeps an abbreviation in capitals and says when categories are chosen', () => {
		expect(recordsLabel('incidents', 0)).toBe('Records (street crime and ASB)');
		expect(recordsLabel('stop_search', 2)).toBe('Records (stop and search, chosen categories)');
		expect(recordsLabel('events', 0)).toBe('Records (timestamped incidents)');
	});
});

describe('what the comparison column holds', () => {
	it('names the years of a seasonal average, and none without saying "0 years"', () => {
		expect(basisWords('last-year', 1)).toBe('comparison period');
		expect(basisWords('seasonal-3y', 3)).toBe('mean of the 3 years in the data');
		expect(basisWords('seasonal-3y', 1)).toBe('mean of the 1 year in the data');
		expect(basisWords('seasonal-3y', 0)).toBe('seasonal average');
	});
});

describe('a row that adds up as shown', () => {
	it('takes the difference of the rounded values where they are shown rounded', () => {
		// Harm 114,772.4 against 99,741.5: shown 114,772 and 99,742; the exact difference 15,030.9 rounds to +15,031.
		const m = { current: 114772.4, comparison: 99741.5, difference: 114772.4 - 99741.5 };
		expect(formatAmount(m.current, { round: true })).toBe('114,772');
		expect(formatAmount(m.comparison, { round: true })).toBe('99,742');
		expect(formatDifference(m.difference, { round: true })).toBe('+15,031');
		expect(formatShownDifference(m, { round: true })).toBe('+15,030');
		// Not rounded: the exact difference, and none without a comparison.
		expect(formatShownDifference({ current: 5, comparison: 3.5, difference: 1.5 })).toBe('+1.5');
		expect(formatShownDifference({ current: 5, comparison: null, difference: null }, { round: true })).toBe('—');
	});
});
