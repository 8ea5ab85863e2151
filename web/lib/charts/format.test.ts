/**
 * The figures every page shows (en-GB): thousands separators on every figure of 1,000 or more,
 * intervals written "lo to hi", a time taken in whole milliseconds with separators. Expected
 * texts worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { formatCount, formatDateTime, formatDay, formatInterval, formatMetric, formatMilliseconds, formatPai, formatShare, lowerFirst, plural } from './format';

describe('formatMetric', () => {
	it.each([
		[0.4452, 2, '0.45'],
		[1.005, 2, '1.00'], // 1.005 is 1.00499… in binary: rounds down, as toFixed does
		[0.125, 2, '0.13'], // an exact binary tie rounds away from zero, as toFixed does
		[1729.63, 1, '1,729.6'], // a rate per 1,000 residents above 1,000
		[1234567.891, 2, '1,234,567.89'],
		[999.96, 1, '1,000.0'],
		[-1234.5, 0, '-1,235'],
		[-0.001, 2, '0.00'], // rounds to zero: no "-0.00"
		[12, 0, '12']
	])('%d to %d decimals → %s', (value, digits, text) => {
		expect(formatMetric(value, digits)).toBe(text);
	});

	it('writes a missing figure as a dash', () => {
		for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) expect(formatMetric(v)).toBe('—');
	});
});

describe('formatShare', () => {
	it.each([
		[0.875, '87.5%'],
		[-0.0004, '0.0%'],
		[0.23914, '23.9%'],
		[12.3456, '1,234.6%'],
		[null, '—']
	])('%s → %s', (value, text) => {
		expect(formatShare(value)).toBe(text);
	});
});

describe('formatInterval', () => {
	it('writes both ends joined by "to", two decimals by default', () => {
		expect(formatInterval(1.3876, 1.6812)).toBe('1.39 to 1.68');
		expect(formatInterval(0.2, 0.31, formatShare)).toBe('20.0% to 31.0%');
		expect(formatInterval(812.3, 2104.77, (v) => formatMetric(v, 1))).toBe('812.3 to 2,104.8');
	});

	it('is a dash when either end is missing', () => {
		expect(formatInterval(null, 2)).toBe('—');
		expect(formatInterval(1, undefined)).toBe('—');
		expect(formatInterval(1, Number.POSITIVE_INFINITY)).toBe('—');
	});
});

describe('counts and times', () => {
	it('separates thousands', () => {
		expect(formatCount(18206)).toBe('18,206');
		expect(formatMilliseconds(1473.4)).toBe('1,473 ms');
		expect(formatMilliseconds(87.6)).toBe('88 ms');
		expect(plural(1, 'forecast origin')).toBe('1 forecast origin');
		expect(plural(6, 'forecast origin')).toBe('6 forecast origins');
		expect(plural(1200, 'origin')).toBe('1,200 origins');
	});
});

describe('lowerFirst (a label inside a sentence)', () => {
	it.each([
		["Last month's counts", "last month's counts"],
		['THR ranking (thr v3.0.0)', 'THR ranking (thr v3.0.0)'], // was written "tHR ranking" on the Accuracy page
		['Blended recent and long-run rates (empirical Bayes)', 'blended recent and long-run rates (empirical Bayes)'],
		['H3 cells', 'H3 cells'],
		['', '']
	])('%s → %s', (label, text) => {
		expect(lowerFirst(label)).toBe(text);
	});
});

describe('formatDay', () => {
	// The last full week of the City of London sample ends on 24 November 2019.
	it.each([
		['2019-11-24', '24 November 2019'],
		['2019-11-24T23:00:00', '24 November 2019'],
		['2020-02-29', '29 February 2020'],
		['2017-12-31', '31 December 2017'],
		['not a date', 'not a date']
	])('%s → %s', (date, text) => {
		expect(formatDay(date)).toBe(text);
	});
});

describe('formatDateTime', () => {
	// Timestamps write the month in words, as sentences do ("up to November 2019"), in UTC.
	it.each([
		['2026-11-23T11:29:41.123Z', '23 November 2026, 11:29 UTC'],
		// 00:30 in London summer time is 23:30 the day before in UTC.
		['2019-06-01T00:30:00+01:00', '31 May 2019, 23:30 UTC'],
		['2019-01-05T09:05:00Z', '5 January 2019, 09:05 UTC'],
		['not a time', 'not a time']
	])('%s → %s', (iso, text) => {
		expect(formatDateTime(iso)).toBe(text);
	});
});

describe('formatPai', () => {
	it.each([
		// A PAI of 4.7349 (hit rate 47.3% in 10% of the area) reads "4.73" on every table, never "4.7" in one and "4.73" in the next.
		[4.7349, '4.73'],
		[1, '1.00'],
		[0, '0.00'],
		[1234.5, '1,234.50'],
		[null, '—'],
		[Number.NaN, '—']
	])('%s → %s', (value, text) => {
		expect(formatPai(value)).toBe(text);
	});
});
