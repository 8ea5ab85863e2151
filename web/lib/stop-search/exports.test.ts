import { describe, expect, it } from 'vitest';
import { stopSearchCaption } from './exports';

describe('stopSearchCaption', () => {
	const attribution = [
		{ dataset: 'stop_search', source: 'data.police.uk', licence: 'Open Government Licence v3.0', text: 'Contains public sector information licensed under the Open Government Licence v3.0.' },
		{ dataset: 'population_ethnicity', source: 'ONS Census 2021, table TS021', licence: 'Open Government Licence v3.0', text: 'Source: Office for National Statistics.' }
	];

	it('gives title and place, area and period, the ethnicity basis, then sources and licences', () => {
		expect(
			stopSearchCaption({ title: 'Searches per month, by ethnic group', place: 'City of London', areaLabel: 'City of London (force area)', period: { from: '2018-01', to: '2018-12' }, basis: 'officer', attribution })
		).toEqual([
			'Searches per month, by ethnic group: City of London',
			'Stop and search, City of London (force area) · January–December 2018 (12 months)',
			'Ethnicity: officer-defined (the officer’s view)',
			'Sources: data.police.uk (Open Government Licence v3.0); ONS Census 2021, table TS021 (Open Government Licence v3.0). Contains public sector information licensed under the Open Government Licence v3.0. Source: Office for National Statistics.'
		]);
	});

	it('says so when the scope holds no searches', () => {
		const lines = stopSearchCaption({ title: 'T', place: 'P', areaLabel: 'A', period: null, basis: 'self', attribution: [] });
		expect(lines[1]).toBe('Stop and search, A · no searches in the months chosen');
		expect(lines[2]).toBe('Ethnicity: self-defined (the person’s own answer)');
	});
});
