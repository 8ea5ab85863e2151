import { describe, expect, it } from 'vitest';
import { defaultState, parseStopSearchUrl, scopeOf, stopSearchParams, urlWithState, type StopSearchState } from './url';

const months = ['2017-12', '2018-01', '2018-02', '2018-03', '2019-11'];
const options = { months, lads: ['E09000001'] };
const parse = (q: string) => parseStopSearchUrl(new URLSearchParams(q), options);

describe('stop-search URL state', () => {
	it('defaults to the force area, self-defined ethnicity, every month, no records', () => {
		expect(parse('')).toEqual({ state: defaultState(), messages: [] });
		expect(scopeOf(defaultState())).toEqual({ basis: 'self', area: { kind: 'force' } });
	});

	it('round-trips every kind of state through the URL, keeping other parameters', () => {
		const states: StopSearchState[] = [
			{ from: '2018-01', to: '2018-03', basis: 'officer', area: { kind: 'lad', code: 'E09000001' }, records: null, page: 1 },
			{ from: null, to: '2019-11', basis: 'self', area: { kind: 'force', includeOutside: true }, records: { group: 'Black', split: null, only: 'finds' }, page: 3 },
			// The Map's selection form, with an id holding a comma and a colon.
			{ from: null, to: null, basis: 'self', area: { kind: 'cells', level: 'lsoa', ids: ['E01000001', 'a,b:c'] }, records: null, page: 1 },
			{
				from: '2017-12',
				to: null,
				basis: 'officer',
				area: { kind: 'cells', level: 'h3_8', ids: ['88195da49bfffff'] },
				records: { group: 'Not recorded', split: { by: 'legislation', value: 'Misuse of Drugs Act 1971 (section 23)' }, only: 'drug-possession' },
				page: 2
			}
		];
		for (const s of states) {
			const url = urlWithState(new URL('http://x/stop-search?source=city-of-london'), s);
			expect(url.searchParams.get('source')).toBe('city-of-london');
			expect(parseStopSearchUrl(url.searchParams, options)).toEqual({ state: s, messages: [] });
		}
	});

	it('reads the selection exactly as the Map writes it (area=<level>:<ids>)', () => {
		const { state } = parse('area=lsoa:E01000001,E01000002&ds=incidents&measure=count');
		expect(state.area).toEqual({ kind: 'cells', level: 'lsoa', ids: ['E01000001', 'E01000002'] });
	});

	it('never throws on bad values: falls back and says why', () => {
		const { state, messages } = parse('from=2018-13&to=2016-01&eth=both&area=lad:E09999999&rg=Purple&rs=colour&ro=all&rp=-4&out=yes');
		expect(state).toEqual(defaultState());
		expect(messages).toHaveLength(8);
		expect(messages[0]).toContain('not a month');
		expect(messages[1]).toContain('no searches in 2016-01');
		expect(parse('area=district:3').messages[0]).toContain('not a local authority or a selection');
		expect(parse('area=lsoa:').messages[0]).toContain('names no cells');
	});

	it('swaps a reversed period and leaves out defaults from the URL', () => {
		const { state, messages } = parse('from=2018-03&to=2018-01');
		expect([state.from, state.to]).toEqual(['2018-01', '2018-03']);
		expect(messages[0]).toContain('swapped');
		expect(stopSearchParams(defaultState())).toEqual({ from: null, to: null, eth: null, area: null, out: null, rg: null, rs: null, ro: null, rp: null });
	});
});
