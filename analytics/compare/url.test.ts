/** The comparison basis in the Map/Time URL (analytics/explore/filters.ts): `compare=`, and the change measure. */
import { describe, expect, it } from 'vitest';
import { EXPLORE_PARAMS, MEASURES, defaultFilters, filtersToUrl, mergeFiltersIntoUrl, parseFilters } from '../explore/filters';

const AVAILABLE = { datasets: ['incidents', 'stop_search'] as const };

describe('compare= in the URL', () => {
	it('reads each basis, round-trips it, and leaves it out when there is none', () => {
		for (const basis of ['previous', 'last-year', 'seasonal-3y'] as const) {
			const parsed = parseFilters(new URLSearchParams(`ds=incidents&from=2019-03&to=2019-05&compare=${basis}`), { datasets: [...AVAILABLE.datasets] });
			expect(parsed.messages).toEqual([]);
			expect(parsed.filters.compare).toBe(basis);
			expect(filtersToUrl(parsed.filters).toString()).toBe(`ds=incidents&from=2019-03&to=2019-05&compare=${basis}`);
		}
		const none = parseFilters(new URLSearchParams('ds=incidents'), { datasets: [...AVAILABLE.datasets] });
		expect(none.filters.compare).toBeUndefined();
		expect(filtersToUrl(none.filters).has('compare')).toBe(false);
		expect(filtersToUrl(defaultFilters()).toString()).toBe('ds=incidents');
	});
	it('an unknown basis is ignored with a message; an empty one silently', () => {
		const bad = parseFilters(new URLSearchParams('compare=yesterday'), { datasets: [...AVAILABLE.datasets] });
		expect(bad.filters.compare).toBeUndefined();
		expect(bad.messages).toEqual(['Comparison "yesterday" is not one of previous, last-year, seasonal-3y; no comparison shown.']);
		expect(parseFilters(new URLSearchParams('compare='), { datasets: [...AVAILABLE.datasets] }).messages).toEqual([]);
	});
	it('is one of the explore parameters: replaced by mergeFiltersIntoUrl, others kept', () => {
		expect(EXPLORE_PARAMS).toContain('compare');
		const merged = mergeFiltersIntoUrl(new URLSearchParams('source=x&compare=previous'), { ...defaultFilters(), compare: 'last-year' });
		expect(merged.toString()).toBe('source=x&ds=incidents&compare=last-year');
		expect(mergeFiltersIntoUrl(new URLSearchParams('source=x&compare=previous'), defaultFilters()).toString()).toBe('source=x&ds=incidents');
	});
	it('the change measure', () => {
		expect(MEASURES).toContain('change');
		const parsed = parseFilters(new URLSearchParams('measure=change&compare=last-year'), { datasets: [...AVAILABLE.datasets] });
		expect(parsed.filters.measure).toBe('change');
		expect(filtersToUrl(parsed.filters).toString()).toBe('ds=incidents&measure=change&compare=last-year');
	});
});
