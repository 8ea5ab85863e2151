/**
 * The data source lives in the URL query (`?source=<id>`), so a view is shareable and survives
 * reload; every in-app link keeps it.
 */
export const SOURCE_PARAM = 'source';

/** `href` (already resolved, may carry its own query or hash) with `source` set, or as is for null. */
export function withSource(href: string, source: string | null): string {
	if (source === null) return href;
	const hashAt = href.indexOf('#');
	const hash = hashAt >= 0 ? href.slice(hashAt) : '';
	const rest = hashAt >= 0 ? href.slice(0, hashAt) : href;
	const queryAt = rest.indexOf('?');
	const path = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
	const params = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
	params.set(SOURCE_PARAM, source);
	return `${path}?${params.toString()}${hash}`;
}
