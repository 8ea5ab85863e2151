/** An exception row's links: its map cell (read back by the Map's own parser) and its records. */
import { describe, expect, it } from 'vitest';
import { parseFilters } from '$analytics/explore/filters';
import type { ExceptionRow } from '$analytics/exceptions';
import { exceptionMapHref, exceptionRecordsHref } from './links';

const q = (href: string) => new URL(href, 'http://x').searchParams;
const row = (level: 'lsoa' | 'district', area: string, category: string): ExceptionRow => ({
	area,
	category,
	level,
	areaName: null,
	current: 25,
	baseline: 4,
	expected: 4,
	ratio: 6.25,
	excess: 21,
	pValue: 5e-5,
	qValue: 8e-4,
	exception: true,
	rho: 0,
	dataset: level === 'lsoa' ? 'incidents' : 'events',
	period: { from: '2019-09', to: '2019-11' }
});

describe('exception links', () => {
	it('the map cell: the row’s level, area, category and period win over the carried filters; the box is dropped', () => {
		const current = q('/exceptions?from=2019-01&cat=Robbery&cat=Drugs&bbox=-0.1,51.5,-0.09,51.52&measure=harm&compare=last-year');
		const href = exceptionMapHref('/map', current, row('lsoa', 'E01032740', 'Burglary'));
		const f = parseFilters(q(href), { datasets: ['incidents'] });
		expect(f.messages).toEqual([]);
		expect(f.filters).toMatchObject({
			dataset: 'incidents',
			level: 'lsoa',
			area: { level: 'lsoa', ids: ['E01032740'] },
			categories: ['Burglary'],
			from: '2019-09',
			to: '2019-11',
			bbox: null,
			measure: 'harm'
		});
	});

	it('records: an LSOA’s area profile; a district’s map cell record list', () => {
		expect(exceptionRecordsHref({ map: '/map', area: '/area' }, q('/exceptions'), row('lsoa', 'E01032740', 'Burglary'))).toBe('/area?id=E01032740');
		const district = exceptionRecordsHref({ map: '/map', area: '/area' }, q('/exceptions'), row('district', '11', 'Assault'));
		expect(district.endsWith('#cell-panel-title')).toBe(true);
		const f = parseFilters(q(district.split('#')[0]), { datasets: ['events'] }).filters;
		expect(f).toMatchObject({ dataset: 'events', level: 'district', area: { level: 'district', ids: ['11'] }, categories: ['Assault'] });
	});
});
