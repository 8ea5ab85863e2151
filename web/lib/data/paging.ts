/**
 * Paging a listing whose page lives in the URL (the quarantine's ?page=, the outside records'
 * ?opage=): reading the page asked for and the span of rows it shows. Writing the URL:
 * url-params.ts (kept apart so this file runs in unit tests without SvelteKit).
 */

/** The page number in URL parameter `name`: a whole number ≥ 1 (1 when absent, not a number or below 1; decimals rounded down). */
export function pageParam(url: URL, name: string): number {
	return Math.max(1, Math.floor(Number(url.searchParams.get(name)) || 1));
}

/**
 * What page `pageNumber` of `pageSize` rows shows of `matching` rows (null while unknown):
 * the number of pages (at least 1) and the first and last rows shown, counted from 1 (both 0
 * when there is nothing to show).
 */
export function pageSpan(pageNumber: number, pageSize: number, matching: number | null): { pages: number; first: number; last: number } {
	if (matching === null) return { pages: 1, first: 0, last: 0 };
	return {
		pages: Math.max(1, Math.ceil(matching / pageSize)),
		first: matching > 0 ? (pageNumber - 1) * pageSize + 1 : 0,
		last: Math.min(matching, pageNumber * pageSize)
	};
}

/** The page's parameter value for page `n`: none for the first page, so its URL stays plain. */
export const pageValue = (n: number): string | null => (n > 1 ? String(n) : null);
