import { describe, expect, it } from 'vitest';
import { areaFromParams } from './area-param';

const p = (q: string) => areaFromParams(new URLSearchParams(q));

describe('areaFromParams', () => {
	it.each([
		['id=E01032739', 'E01032739', 'id'],
		['lsoa=E01032739', 'E01032739', 'lsoa'],
		['lsoa=%20e01032739%20', 'E01032739', 'lsoa'],
		['LSOA21CD=e01032739', 'E01032739', 'lsoa21cd'],
		['lsoa11cd=E01032739', 'E01032739', 'lsoa11cd'],
		['code=E01032739&month=2019-06', 'E01032739', 'code'],
		['area=E01032739', 'E01032739', 'area'],
		['area=lsoa:e01032739', 'E01032739', 'area'],
		// id wins over a carried map selection
		['area=lsoa:E01000001&id=E01032739', 'E01032739', 'id'],
		['id=&lsoa=E01032739', 'E01032739', 'lsoa']
	])('%s → %s from %s', (q, code, from) => {
		const r = p(q);
		expect(r.code).toBe(code);
		expect(r.from).toBe(from);
		expect(r.note).toBeNull();
	});

	it('a selection of several LSOAs opens the first and says so', () => {
		const r = p('area=lsoa:E01000001,E01032739');
		expect(r.code).toBe('E01000001');
		expect(r.note).toMatch(/2 LSOAs.*first, E01000001/);
	});

	it('a map selection of H3 cells or districts is not an area code', () => {
		expect(p('area=h3_8:88195da49bfffff')).toMatchObject({ code: null, from: 'area' });
		expect(p('area=h3_8:88195da49bfffff').note).toMatch(/H3 cells, not an LSOA/);
		expect(p('area=district:3').note).toMatch(/districts, not an LSOA/);
	});

	it('no area named', () => {
		expect(p('month=2019-06')).toEqual({ code: null, from: null, note: null });
		expect(p('')).toEqual({ code: null, from: null, note: null });
	});
});
