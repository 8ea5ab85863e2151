import { describe, expect, it } from 'vitest';
import { attributionText, captionLines, categoriesText, parseMarking, periodOf, periodText, policeFoundCategories, policeFoundCaveat, wrapText } from './captions';
import { readFileSync } from 'node:fs';

describe('parseMarking', () => {
	it.each([
		[null, 'OFFICIAL'],
		['', 'OFFICIAL'],
		['official', 'OFFICIAL'],
		['OFFICIAL-SENSITIVE', 'OFFICIAL-SENSITIVE'],
		['official-sensitive', 'OFFICIAL-SENSITIVE'],
		['none', 'none'],
		['SECRET', 'OFFICIAL'] // not offered: the default, never an unknown marking printed
	])('%j → %s', (value, want) => expect(parseMarking(value)).toBe(want));
});

describe('period words', () => {
	it('open ends take the data’s first and last month', () => {
		expect(periodOf(null, '2019-05', { firstMonth: '2017-12', lastMonth: '2019-11' })).toEqual({ from: '2017-12', to: '2019-05' });
		expect(periodOf('2019-03', null, { firstMonth: '2017-12', lastMonth: '2019-11' })).toEqual({ from: '2019-03', to: '2019-11' });
	});
	it('names the months and counts them', () => {
		expect(periodText({ from: '2019-03', to: '2019-05' }, 3)).toBe('March–May 2019 (3 months)');
		expect(periodText({ from: '2019-03', to: '2019-03' }, 1)).toBe('March 2019 (1 month)');
		expect(periodText({ from: '2017-12', to: '2019-11' }, 24, true)).toBe('December 2017–November 2019 (24 months, all the data)');
	});
});

describe('categoriesText', () => {
	it('names every chosen category, not "2 of 14"', () => {
		expect(categoriesText('incidents', ['Burglary', 'Robbery'], 14)).toBe('Crime type: Burglary, Robbery');
	});
	it('says all and how many when none is chosen', () => {
		expect(categoriesText('incidents', [], 14)).toBe('Crime type: all 14');
		expect(categoriesText('stop_search', [], 6)).toBe('Object of search: all 6');
		expect(categoriesText('incidents', [], 1)).toBe('Crime type: all (the data holds one)');
	});
});

describe('attributionText', () => {
	it('each source once with its licence, each statement once', () => {
		const text = attributionText([
			{ dataset: 'incidents', source: 'data.police.uk', licence: 'Open Government Licence v3.0', text: 'Contains public sector information licensed under the Open Government Licence v3.0.' },
			{ dataset: 'areas', source: 'ONS boundaries', licence: 'Open Government Licence v3.0', text: 'Contains OS data © Crown copyright and database right (2022).' },
			{ dataset: 'imd', source: 'MHCLG IoD 2019', licence: 'Open Government Licence v3.0', text: 'Contains public sector information licensed under the Open Government Licence v3.0.' }
		]);
		expect(text).toBe(
			'Sources: data.police.uk (Open Government Licence v3.0); ONS boundaries (Open Government Licence v3.0); MHCLG IoD 2019 (Open Government Licence v3.0). ' +
				'Contains public sector information licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right (2022).'
		);
	});
});

describe('captionLines', () => {
	it('title, what and when, categories, attribution; empty parts left out', () => {
		expect(captionLines({ title: 'Briefing', subject: 'Records per cell', period: 'March–May 2019 (3 months)', categories: 'Crime type: all 14', attribution: 'Sources: x.' })).toEqual([
			'Briefing',
			'Records per cell · March–May 2019 (3 months)',
			'Crime type: all 14',
			'Sources: x.'
		]);
		expect(captionLines({ title: 'T', period: 'P', categories: '', attribution: 'A' })).toEqual(['T', 'P', 'A']);
	});
});

describe('wrapText', () => {
	const chars = (s: string) => s.length;
	it('breaks by words within the width', () => {
		expect(wrapText('Contains OS data © Crown copyright and database right', 20, chars)).toEqual(['Contains OS data ©', 'Crown copyright and', 'database right']);
	});
	it('a word longer than the width stands alone', () => {
		expect(wrapText('a https://example.invalid/a-very-long-link b', 10, chars)).toEqual(['a', 'https://example.invalid/a-very-long-link', 'b']);
	});
	it('nothing for empty text', () => {
		expect(wrapText('  ', 10, chars)).toEqual([]);
	});
});

describe('records found by police activity', () => {
	const harm = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as { exclusions: Array<{ category: string; reason: string }> };
	const thr = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as { exclusions: Array<{ category: string; reason: string }> };

	it('are the categories the published models leave out as detected proactively', () => {
		expect(policeFoundCategories([...harm.exclusions, ...thr.exclusions])).toEqual(['Drugs', 'Possession of weapons']);
	});

	it.each([
		// 412 + 88 = 500 of 5,000 records: 10.0%.
		[
			[412, 88],
			5000,
			'March–May 2019',
			'Records of Drugs and Possession of weapons (500, 10.0% of the records in March–May 2019) are mostly found by police activity such as stop and search, not reported by the public: they show where police looked, not demand or harm. The priority scores leave them out; the counts above and the street-record forecast include them.'
		],
		// One record of one category: singular; a category with none is not named. 1 of 1,234 = 0.08%.
		[
			[0, 1],
			1234,
			'May 2019',
			'The record of Possession of weapons (1, 0.1% of the records in May 2019) is mostly found by police activity such as stop and search, not reported by the public: it shows where police looked, not demand or harm. The priority scores leave it out; the counts above and the street-record forecast include it.'
		],
		[[0, 0], 100, 'May 2019', null]
	] as const)('Drugs and weapons records %j of %i in %s are named with their share and said not to be demand', (records, total, period, text) => {
		const found = [
			{ category: 'Drugs', records: records[0] },
			{ category: 'Possession of weapons', records: records[1] }
		];
		expect(policeFoundCaveat(found, total, period)).toBe(text);
	});
});
