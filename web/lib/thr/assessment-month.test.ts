import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assessmentMonth, ignoredFiltersNote } from './assessment-month';

/** The months the City of London sample's street files cover (2017-12 … 2019-11), from their names. */
const months = readdirSync('sample-data/police-uk/city-of-london/street')
	.map((f) => /^(\d{4}-\d{2})-city-of-london-street\.csv$/.exec(f)?.[1])
	.filter((m): m is string => !!m)
	.sort();

describe('assessmentMonth: the month every THR page assesses, from the URL', () => {
	it('reads the sample months', () => {
		expect(months.length).toBe(24);
		expect(months[0]).toBe('2017-12');
		expect(months.at(-1)).toBe('2019-11');
	});

	it.each([
		['', '2019-11'],
		['month=2018-03', '2018-03'],
		// A period carried from the Map or Time: its last month, as the area profile and the briefing do.
		['from=2018-01&to=2018-06', '2018-06'],
		['to=2018-06', '2018-06'],
		// month wins over the period.
		['month=2018-03&from=2018-01&to=2018-06', '2018-03'],
		// A month outside the data falls back to the period, then to the latest month.
		['month=2016-01&to=2018-06', '2018-06'],
		['month=2019-13&to=2018-06', '2018-06'],
		// A period running past the data ends at its last month; one ending before it, or not a month, is not used.
		['from=2019-06&to=2020-03', '2019-11'],
		['to=2017-06', '2019-11'],
		['to=2018-13', '2019-11'],
		// An open-ended period (from only) runs to the latest month.
		['from=2018-01', '2019-11']
	])('?%s → %s', (query, want) => {
		expect(assessmentMonth(new URLSearchParams(query), months)).toBe(want);
	});

	it('takes the last month with data up to the period end when months are missing', () => {
		const gappy = months.filter((m) => m !== '2018-06' && m !== '2018-05');
		expect(assessmentMonth(new URLSearchParams('to=2018-06'), gappy)).toBe('2018-04');
	});

	it('is null with no month of data', () => {
		expect(assessmentMonth(new URLSearchParams('to=2018-06'), [])).toBeNull();
	});
});

describe('ignoredFiltersNote: the carried filters a THR ranking does not apply', () => {
	it.each([
		['', null],
		['from=2018-04&to=2018-06&month=2018-06', null],
		[
			'cat=Burglary',
			'The score reads every harm-counting crime type in every area of the force area: the crime type chosen (Burglary), kept from the Map or Time, is not applied here.'
		],
		[
			'cat=Burglary&cat=Robbery&area=lsoa:E01032739',
			'The score reads every harm-counting crime type in every area of the force area: the crime types chosen (Burglary, Robbery) and the selected area, kept from the Map or Time, are not applied here.'
		],
		[
			'bbox=-0.1,51.51,-0.08,51.52',
			'The score reads every harm-counting crime type in every area of the force area: the selected area, kept from the Map or Time, is not applied here.'
		]
	])('?%s', (query, want) => {
		expect(ignoredFiltersNote(new URLSearchParams(query))).toBe(want);
	});
});
