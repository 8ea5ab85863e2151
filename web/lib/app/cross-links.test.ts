import { describe, expect, it } from 'vitest';
import { areaMapHref, areaProfileHref, areaTimeHref, scoreWindow } from './cross-links';
import { parseFilters } from '$analytics/explore/filters';
import { areaFromParams } from './area-param';

const q = (href: string) => new URL(href, 'http://x').searchParams;

describe('cross-links', () => {
	it('the score window is the lookback months up to the month, across a year end', () => {
		expect(scoreWindow('2019-03', 12)).toEqual({ from: '2018-04', to: '2019-03' });
		expect(scoreWindow('2019-03', 1)).toEqual({ from: '2019-03', to: '2019-03' });
	});

	it('profile → map selects the LSOA at LSOA level over the score window, and the map reads it back', () => {
		const href = areaMapHref('/map', q('/area?id=E01032739&month=2019-03'), 'E01032739', scoreWindow('2019-03', 12), '2019-03');
		expect(href).toBe('/map?ds=incidents&layer=lsoa&area=lsoa%3AE01032739&from=2018-04&to=2019-03&month=2019-03');
		const f = parseFilters(q(href), { datasets: ['incidents'] });
		expect(f.messages).toEqual([]);
		expect(f.filters).toMatchObject({ dataset: 'incidents', level: 'lsoa', area: { level: 'lsoa', ids: ['E01032739'] }, from: '2018-04', to: '2019-03' });
	});

	it('a carried period, categories and measure win over the score window; a drawn box is dropped', () => {
		const current = q('/area?id=E01032739&from=2019-01&to=2019-02&cat=Burglary&measure=harm&bbox=-0.1,51.5,-0.09,51.52&area=h3_8:abc');
		const f = parseFilters(q(areaMapHref('/map', current, 'E01032739', scoreWindow('2019-03', 12))), { datasets: ['incidents'] }).filters;
		expect(f).toMatchObject({ from: '2019-01', to: '2019-02', categories: ['Burglary'], measure: 'harm', bbox: null, area: { level: 'lsoa', ids: ['E01032739'] } });
		const t = parseFilters(q(areaTimeHref('/time', current, 'E01032739', null)), { datasets: ['incidents'] }).filters;
		expect(t).toMatchObject({ from: '2019-01', to: '2019-02', bbox: null, area: { level: 'lsoa', ids: ['E01032739'] } });
	});

	it('map cell → profile names the area under id (the profile reads it before a carried selection)', () => {
		const fromMap = q('/map?ds=incidents&area=lsoa:E01000005&from=2019-01&to=2019-03&layer=lsoa');
		const href = areaProfileHref('/area', fromMap, 'E01000005', '2019-03');
		expect(href).toBe('/area?id=E01000005&month=2019-03&ds=incidents&area=lsoa%3AE01000005&from=2019-01&to=2019-03&layer=lsoa');
		expect(areaFromParams(q(href)).code).toBe('E01000005');
	});
});
