import { describe, expect, it } from 'vitest';
import { attributionText, captionLines, categoriesText, parseMarking, periodOf, periodText, wrapText } from './captions';

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
