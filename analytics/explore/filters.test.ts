/**
 * URL round-trips of the explore filters: property-style over many seeded random filter states,
 * plus hand-picked invalid URLs that must fall back with a message and never throw.
 */
import { randomLcg } from 'd3-random';
import { describe, expect, it } from 'vitest';
import {
	CELL_LEVELS,
	EXPLORE_DATASETS,
	MEASURES,
	defaultFilters,
	filtersFromUrl,
	filtersToUrl,
	mergeFiltersIntoUrl,
	monthIndex,
	monthKey,
	parseFilters,
	type ExploreAvailable,
	type ExploreFilters
} from './filters';

// Real category names (police.uk crime types, stop-and-search objects, Chicago descriptions).
const CATEGORIES = [
	'Anti-social behaviour',
	'Burglary',
	'Criminal damage and arson',
	'Violence and sexual offences',
	'Other theft',
	'Theft from the person',
	'Controlled drugs',
	'Offensive weapons',
	'AGGRAVATED: HANDGUN',
	'AGG PRO.EMP: OTHER DANG WEAPON',
	'Vehicle crime, other', // a comma inside a category
	'a&b=c?d#e%f' // URL metacharacters
];
const IDS = ['8a195da49b7ffff', '88195da49bfffff', 'E01000001', 'E07000117', '1', '25', 'A, B', '%zz', '', '東京'];

const AVAILABLE: ExploreAvailable = {
	datasets: EXPLORE_DATASETS,
	categories: { incidents: CATEGORIES, stop_search: CATEGORIES, events: CATEGORIES }
};

function randomState(rand: () => number): ExploreFilters {
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
	const month = () => monthKey(2000 * 12 + Math.floor(rand() * 360));
	let from: string | null = rand() < 0.6 ? month() : null;
	let to: string | null = rand() < 0.6 ? month() : null;
	if (from && to && from > to) [from, to] = [to, from];
	const categories = [...new Set(Array.from({ length: Math.floor(rand() * 5) }, () => pick(CATEGORIES)))];
	const ids = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(IDS)))].filter((s) => s !== '');
	const area = rand() < 0.5 && ids.length > 0 ? { level: pick(CELL_LEVELS), ids } : null;
	let bbox: ExploreFilters['bbox'] = null;
	if (rand() < 0.5) {
		const w = -180 + rand() * 359;
		const e = w + rand() * (180 - w) + 1e-9;
		const s = -90 + rand() * 179;
		const n = s + rand() * (90 - s) + 1e-9;
		bbox = [w, s, Math.min(e, 180), Math.min(n, 90)];
	}
	return {
		dataset: pick(EXPLORE_DATASETS),
		from,
		to,
		categories,
		area,
		bbox,
		measure: pick(MEASURES),
		level: rand() < 0.3 ? 'auto' : pick(CELL_LEVELS)
	};
}

describe('explore filters in the URL', () => {
	it('round-trips 2,000 random filter states exactly, with no messages', () => {
		const rand = randomLcg(20191231);
		for (let i = 0; i < 2000; i++) {
			const f = randomState(rand);
			const url = filtersToUrl(f);
			// Through the string form, as a browser would hold it.
			const back = parseFilters(new URLSearchParams(url.toString()), AVAILABLE);
			expect(back.messages, url.toString()).toEqual([]);
			expect(back.filters, url.toString()).toEqual(f);
		}
	});

	it('leaves other parameters (source) alone and in place', () => {
		const existing = new URLSearchParams('source=chicago-assaults&ds=incidents&cat=Burglary&other=1');
		const f: ExploreFilters = { ...defaultFilters(), dataset: 'events', categories: ['AGGRAVATED: HANDGUN'] };
		const merged = mergeFiltersIntoUrl(existing, f);
		expect(merged.get('source')).toBe('chicago-assaults');
		expect(merged.get('other')).toBe('1');
		expect(merged.getAll('cat')).toEqual(['AGGRAVATED: HANDGUN']);
		expect([...merged.keys()][0]).toBe('source');
		expect(filtersFromUrl(merged, AVAILABLE)).toEqual(f);
	});

	it('an empty URL gives the defaults, with the first available dataset', () => {
		expect(filtersFromUrl(new URLSearchParams(), { datasets: ['events', 'incidents'] })).toEqual({
			...defaultFilters(),
			dataset: 'events'
		});
	});

	const invalid: Array<[string, Partial<ExploreFilters>, RegExp]> = [
		['ds=crimes', { dataset: 'incidents' }, /Dataset "crimes" is not available/],
		['ds=events', { dataset: 'incidents' }, /Dataset "events" is not available/],
		['from=2019-13', { from: null }, /Period from "2019-13" is not a month/],
		['to=June', { to: null }, /Period to "June" is not a month/],
		['from=2019-06&to=2019-01', { from: '2019-01', to: '2019-06' }, /swapped/],
		['cat=Nonsense&cat=Burglary', { categories: ['Burglary'] }, /"Nonsense" not found/],
		['area=h3_12:abc', { area: null }, /level "h3_12" is not available/],
		['area=district:1', { area: null }, /level "district" is not available/],
		['area=lsoa:', { area: null }, /names no cells/],
		['area=lsoa:%E0%A4%A,E01000001', { area: { level: 'lsoa', ids: ['E01000001'] } }, /could not be read/],
		['bbox=1,2,3', { bbox: null }, /Box "1,2,3"/],
		['bbox=3,2,1,4', { bbox: null }, /W < E/],
		['bbox=-0.1,51.5,NaN,51.6', { bbox: null }, /Box/],
		['bbox=-200,51.5,0,51.6', { bbox: null }, /Box/],
		['bbox=,,,', { bbox: null }, /Box/],
		['measure=max', { measure: 'count' }, /Measure "max"/],
		['layer=h3_5', { level: 'auto' }, /Map layer "h3_5"/]
	];
	for (const [query, expected, message] of invalid) {
		it(`falls back with a message for ${query}`, () => {
			const available: ExploreAvailable = {
				datasets: ['incidents', 'stop_search'],
				categories: { incidents: CATEGORIES },
				levels: ['h3_7', 'h3_8', 'h3_9', 'lsoa']
			};
			const { filters, messages } = parseFilters(new URLSearchParams(query), available);
			expect(filters).toMatchObject(expected);
			expect(messages).toHaveLength(1);
			expect(messages[0]).toMatch(message);
		});
	}

	it('never throws on random junk', () => {
		const rand = randomLcg(7);
		const chars = 'ds=from&to,cat:area%bbox-measure layer1234567890.,:;%E0';
		for (let i = 0; i < 2000; i++) {
			const s = Array.from({ length: Math.floor(rand() * 60) }, () => chars[Math.floor(rand() * chars.length)]).join('');
			const messages: string[] = [];
			const f = filtersFromUrl(new URLSearchParams(s), AVAILABLE, messages);
			// Whatever was read is itself a valid state: it round-trips.
			expect(parseFilters(filtersToUrl(f), AVAILABLE)).toEqual({ filters: f, messages: [] });
		}
	});

	it('month keys and indexes agree with the extract definition (year × 12 + month − 1)', () => {
		expect(monthIndex('2019-01')).toBe(2019 * 12);
		expect(monthIndex('2019-12')).toBe(2019 * 12 + 11);
		for (let i = 2000 * 12; i < 2030 * 12; i++) expect(monthIndex(monthKey(i))).toBe(i);
		expect(() => monthIndex('2019-00')).toThrow(/YYYY-MM/);
	});
});
