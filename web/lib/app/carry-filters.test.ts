import { describe, expect, it } from 'vitest';
import { CARRIED_PARAMS, carriedFilters, withFilters } from './carry-filters';
import { EXPLORE_PARAMS, filtersToUrl, parseFilters, type ExploreFilters } from '$analytics/explore/filters';

const map = new URLSearchParams('ds=incidents&from=2019-01&to=2019-03&cat=Burglary&cat=Robbery&area=lsoa:E01032739&layer=lsoa&measure=harm&compare=last-year&mode=hotspots&hsm=12&source=city-of-london&sort=desc');

describe('carriedFilters', () => {
	it('keeps the shared filters in order, repeated categories included, and nothing page-specific', () => {
		expect(carriedFilters(map).toString()).toBe(
			'ds=incidents&from=2019-01&to=2019-03&cat=Burglary&cat=Robbery&area=lsoa%3AE01032739&layer=lsoa&measure=harm&compare=last-year&mode=hotspots&hsm=12'
		);
	});

	it('carries every Map/Time filter parameter and the comparison basis', () => {
		for (const p of EXPLORE_PARAMS) expect(CARRIED_PARAMS).toContain(p);
		expect(CARRIED_PARAMS).toContain('compare');
		expect(CARRIED_PARAMS).toContain('month');
	});
});

describe('withFilters', () => {
	it.each([
		['/time', '', '/time?ds=incidents&from=2019-01&to=2019-03&cat=Burglary&cat=Robbery&area=lsoa%3AE01032739&layer=lsoa&measure=harm&compare=last-year&mode=hotspots&hsm=12'],
		['/', 'city-of-london', '/?ds=incidents&from=2019-01&to=2019-03&cat=Burglary&cat=Robbery&area=lsoa%3AE01032739&layer=lsoa&measure=harm&compare=last-year&mode=hotspots&hsm=12&source=city-of-london']
	])('%s (source %s) carries the filters', (href, source, expected) => {
		expect(withFilters(href, map, {}, source || null)).toBe(expected);
	});

	it('the link’s own query and parameters win; null removes a carried one; the hash stays last', () => {
		const current = new URLSearchParams('from=2019-01&to=2019-03&bbox=-0.1,51.5,-0.08,51.52&month=2019-02&id=E01000001');
		expect(withFilters('/area?id=E01032739#rows', current, { month: '2019-03', bbox: null })).toBe('/area?id=E01032739&month=2019-03&from=2019-01&to=2019-03#rows');
		expect(withFilters('/map', current, { cat: ['A', 'B'], from: undefined })).toBe('/map?cat=A&cat=B&to=2019-03&bbox=-0.1%2C51.5%2C-0.08%2C51.52&month=2019-02');
	});

	it('with nothing to carry the link is unchanged', () => {
		expect(withFilters('/data', new URLSearchParams('id=x&file=y'))).toBe('/data');
		expect(withFilters('/data#outside', new URLSearchParams())).toBe('/data#outside');
	});

	it('Map → Time → Map round-trips every filter state (the Time page leaves the map’s own values alone)', () => {
		const f: ExploreFilters = {
			dataset: 'incidents',
			from: '2019-02',
			to: '2019-05',
			categories: ['Burglary', 'Vehicle crime'],
			area: { level: 'h3_8', ids: ['88195da49bfffff', 'a,b'] },
			bbox: [-0.11, 51.51, -0.07, 51.52],
			measure: 'rate',
			level: 'lsoa'
		};
		const onMap = filtersToUrl(f);
		const time = new URL(withFilters('/time', onMap), 'http://x');
		const back = new URL(withFilters('/map', time.searchParams), 'http://x');
		const parsed = parseFilters(back.searchParams, { datasets: ['incidents'] });
		expect(parsed.messages).toEqual([]);
		expect(parsed.filters).toEqual(f);
	});
});
