/** Paging by URL parameter: values worked by hand for 25 rows a page. */
import { describe, expect, it } from 'vitest';
import { pageParam, pageSpan, pageValue } from './paging';

describe('pageParam', () => {
	it.each([
		['', 1],
		['?page=3', 3],
		['?page=2.9', 2],
		['?page=0', 1],
		['?page=-4', 1],
		['?page=abc', 1],
		['?opage=5', 1]
	])('%s → page %d', (search, expected) => {
		expect(pageParam(new URL(`http://127.0.0.1/data${search}`), 'page')).toBe(expected);
	});
});

describe('pageSpan', () => {
	it('while the count is unknown: one page, nothing shown', () => {
		expect(pageSpan(1, 25, null)).toEqual({ pages: 1, first: 0, last: 0 });
	});
	it('no rows: still one page, rows 0–0', () => {
		expect(pageSpan(1, 25, 0)).toEqual({ pages: 1, first: 0, last: 0 });
	});
	it('971 rows: 39 pages (38 full, then 21 rows); page 2 shows 26–50, page 39 shows 951–971', () => {
		expect(pageSpan(2, 25, 971)).toEqual({ pages: 39, first: 26, last: 50 });
		expect(pageSpan(39, 25, 971)).toEqual({ pages: 39, first: 951, last: 971 });
	});
	it('exactly 50 rows: 2 pages', () => {
		expect(pageSpan(2, 25, 50)).toEqual({ pages: 2, first: 26, last: 50 });
	});
});

describe('pageValue', () => {
	it('leaves the first page out of the URL', () => {
		expect([1, 2, 10].map(pageValue)).toEqual([null, '2', '10']);
	});
});
