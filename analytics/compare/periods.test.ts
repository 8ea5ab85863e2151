/**
 * Period arithmetic of a comparison, every expected value worked by hand from a calendar.
 */
import { describe, expect, it } from 'vitest';
import { comparePeriods, comparisonRanges, coverageOf, monthsIn, parseCompareBasis, rangeWords } from './periods';

describe('words for a range of months', () => {
	it('names one month, months of one year and months across a year end', () => {
		expect(rangeWords({ from: '2025-03', to: '2025-03' })).toBe('March 2025');
		expect(rangeWords({ from: '2025-03', to: '2025-05' })).toBe('March–May 2025');
		expect(rangeWords({ from: '2024-11', to: '2025-01' })).toBe('November 2024–January 2025');
		expect(rangeWords({ from: '2024-01', to: '2024-12' })).toBe('January–December 2024');
	});
	it('counts months inclusively and refuses a period that ends before it starts', () => {
		expect(monthsIn({ from: '2025-03', to: '2025-05' })).toBe(3);
		expect(monthsIn({ from: '2024-11', to: '2025-02' })).toBe(4);
		expect(monthsIn({ from: '2025-03', to: '2025-03' })).toBe(1);
		expect(() => monthsIn({ from: '2025-05', to: '2025-03' })).toThrow(RangeError);
		expect(() => comparePeriods({ from: '2025-3', to: '2025-05' }, 'previous')).toThrow(RangeError);
	});
});

describe('the URL value', () => {
	it('reads the three bases; anything else is no comparison', () => {
		expect(parseCompareBasis('previous')).toBe('previous');
		expect(parseCompareBasis('last-year')).toBe('last-year');
		expect(parseCompareBasis('seasonal-3y')).toBe('seasonal-3y');
		for (const bad of [null, undefined, '', 'none', 'Previous', 'seasonal']) expect(parseCompareBasis(bad)).toBeNull();
	});
});

describe('comparison periods', () => {
	it('previous: the same number of months just before', () => {
		// March–May 2025 is 3 months; the 3 before are December 2024, January and February 2025.
		const c = comparePeriods({ from: '2025-03', to: '2025-05' }, 'previous');
		expect(c.periods.map(({ from, to }) => ({ from, to }))).toEqual([{ from: '2024-12', to: '2025-02' }]);
		expect(c.words).toBe('March–May 2025 against December 2024–February 2025');
		expect(c.months).toBe(3);
		expect(c.available && c.complete).toBe(true);
		expect(c.notes).toEqual([]);
	});
	it('previous across a year boundary and for one month', () => {
		// January 2025 alone: the month before is December 2024.
		expect(comparisonRanges({ from: '2025-01', to: '2025-01' }, 'previous')).toEqual([{ from: '2024-12', to: '2024-12' }]);
		// November 2024–February 2025 (4 months): July–October 2024.
		expect(comparisonRanges({ from: '2024-11', to: '2025-02' }, 'previous')).toEqual([{ from: '2024-07', to: '2024-10' }]);
		expect(comparePeriods({ from: '2025-01', to: '2025-01' }, 'previous').words).toBe('January 2025 against December 2024');
	});
	it('last year: the same months 12 months earlier', () => {
		const c = comparePeriods({ from: '2025-03', to: '2025-05' }, 'last-year');
		expect(c.words).toBe('March–May 2025 against March–May 2024');
		expect(comparisonRanges({ from: '2024-12', to: '2025-01' }, 'last-year')).toEqual([{ from: '2023-12', to: '2024-01' }]);
		expect(comparePeriods({ from: '2024-12', to: '2025-01' }, 'last-year').words).toBe('December 2024–January 2025 against December 2023–January 2024');
	});
	it('seasonal average: the same months in each of the 3 years before, earliest first', () => {
		const c = comparePeriods({ from: '2025-03', to: '2025-05' }, 'seasonal-3y');
		expect(c.periods.map(({ from, to }) => [from, to])).toEqual([
			['2022-03', '2022-05'],
			['2023-03', '2023-05'],
			['2024-03', '2024-05']
		]);
		expect(c.words).toBe('March–May 2025 against the average of March–May in 2022, 2023 and 2024');
		// Across a year end each year's period is named in full.
		expect(comparePeriods({ from: '2024-12', to: '2025-01' }, 'seasonal-3y').words).toBe(
			'December 2024–January 2025 against the average of December 2021–January 2022, December 2022–January 2023 and December 2023–January 2024'
		);
	});
	it('12 months or more: previous does not overlap; last year overlaps from 13 months and says so', () => {
		// A whole year 2024: previous is 2023; last year is also 2023 (no overlap).
		expect(comparisonRanges({ from: '2024-01', to: '2024-12' }, 'previous')).toEqual([{ from: '2023-01', to: '2023-12' }]);
		expect(comparePeriods({ from: '2024-01', to: '2024-12' }, 'last-year').overlaps).toBe(false);
		// 18 months July 2023–December 2024: previous is January 2022–June 2023; last year is July 2022–December 2023,
		// which shares July–December 2023 with the period.
		expect(comparisonRanges({ from: '2023-07', to: '2024-12' }, 'previous')).toEqual([{ from: '2022-01', to: '2023-06' }]);
		const ly = comparePeriods({ from: '2023-07', to: '2024-12' }, 'last-year');
		expect(ly.periods[0].from).toBe('2022-07');
		expect(ly.periods[0].to).toBe('2023-12');
		expect(ly.overlaps).toBe(true);
		expect(ly.notes.some((n) => n.includes('overlap'))).toBe(true);
		expect(comparePeriods({ from: '2023-07', to: '2024-12' }, 'previous').overlaps).toBe(false);
	});
});

describe('coverage by the data', () => {
	const data = { first: '2022-06', last: '2025-05' };
	it('full, partial and none', () => {
		expect(coverageOf({ from: '2022-06', to: '2022-08' }, data)).toBe('full');
		expect(coverageOf({ from: '2022-05', to: '2022-07' }, data)).toBe('partial');
		expect(coverageOf({ from: '2022-03', to: '2022-05' }, data)).toBe('none');
		expect(coverageOf({ from: '2025-05', to: '2025-06' }, data)).toBe('partial');
		expect(coverageOf({ from: '2022-03', to: '2022-05' }, null)).toBe('full');
	});
	it('a 3-year average from 2 years names the missing year', () => {
		// Data from June 2022: March–May 2022 has no data; 2023 and 2024 are covered.
		const c = comparePeriods({ from: '2025-03', to: '2025-05' }, 'seasonal-3y', data);
		expect(c.available).toBe(true);
		expect(c.complete).toBe(false);
		expect(c.used.map((p) => p.from)).toEqual(['2023-03', '2024-03']);
		expect(c.notes).toEqual(['A 3-year average from 2 years (March–May in 2023 and 2024): March–May 2022 has no data (the data starts in June 2022).']);
	});
	it('a year cut by the start of the data is left out, not averaged as a part-year', () => {
		// Data from April 2022: March–May 2022 is only partly in the data.
		const c = comparePeriods({ from: '2025-03', to: '2025-05' }, 'seasonal-3y', { first: '2022-04', last: '2025-05' });
		expect(c.periods[0].coverage).toBe('partial');
		expect(c.used).toHaveLength(2);
		expect(c.notes[0]).toContain('March–May 2022 is only partly in the data (the data starts in April 2022)');
	});
	it('no comparison when the one period is not covered, and the note says why', () => {
		const c = comparePeriods({ from: '2022-06', to: '2022-08' }, 'last-year', data);
		expect(c.available).toBe(false);
		expect(c.used).toEqual([]);
		expect(c.notes).toEqual(['No comparison: June–August 2021 has no data (the data starts in June 2022).']);
		const p = comparePeriods({ from: '2022-07', to: '2022-09' }, 'previous', data);
		// April–June 2022: only June is in the data.
		expect(p.available).toBe(false);
		expect(p.notes).toEqual(['No comparison: April–June 2022 is only partly in the data (the data starts in June 2022).']);
		const s = comparePeriods({ from: '2023-03', to: '2023-05' }, 'seasonal-3y', data);
		expect(s.available).toBe(false);
		expect(s.notes[0]).toMatch(/^No comparison: none of the 3 earlier years/);
		// One clause for years missing for the same reason, no parentheses inside parentheses.
		expect(s.notes[0]).toBe('No comparison: none of the 3 earlier years is fully in the data: March–May in 2020, 2021 and 2022 have no data (the data starts in June 2022).');
	});
	it('one covered year: "from 1 year"', () => {
		const c = comparePeriods({ from: '2024-03', to: '2024-05' }, 'seasonal-3y', data);
		expect(c.used.map((p) => p.label)).toEqual(['March–May 2023']);
		expect(c.notes[0]).toBe(
			// The two missing years share their reason: said once, as the "No comparison" note says it.
			'A 3-year average from 1 year (March–May 2023): March–May in 2021 and 2022 have no data (the data starts in June 2022).'
		);
	});
});
