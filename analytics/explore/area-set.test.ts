import { describe, expect, it } from 'vitest';
import { areaSetLabel, areaSetNoun, levelLabel } from './area-set';

describe('the area set label', () => {
	it('reads districts_info.label from a manifest, else "Districts"', () => {
		expect(areaSetLabel({ districts_info: { label: 'Wards' } })).toBe('Wards');
		expect(areaSetLabel({ districts_info: { label: '  neighbourhood   areas ' } })).toBe('Neighbourhood areas');
		expect(areaSetLabel({ districts_info: { label: 7 } })).toBe('Districts');
		expect(areaSetLabel({ districts_info: null })).toBe('Districts');
		expect(areaSetLabel(null)).toBe('Districts');
	});

	it('makes nouns for sentences: plural, singular, acronyms kept', () => {
		expect(areaSetNoun('Wards')).toBe('wards');
		expect(areaSetNoun('Wards', 1)).toBe('ward');
		expect(areaSetNoun('Police districts', 1)).toBe('police district');
		expect(areaSetNoun('Neighbourhood policing areas', 1)).toBe('neighbourhood policing area');
		expect(areaSetNoun('Communities', 1)).toBe('community');
		expect(areaSetNoun('Patches', 1)).toBe('patch');
		expect(areaSetNoun('PCSO beats', 1)).toBe('PCSO beat');
		expect(areaSetNoun('Districts', 0)).toBe('districts');
	});

	it('names the district level of the map by the set', () => {
		expect(levelLabel('district', 'Beats')).toBe('Beats');
		expect(levelLabel('district')).toBe('Districts');
		expect(levelLabel('lsoa', 'Beats')).toBe('LSOAs');
	});
});
