/**
 * The filters every page shares, carried by every in-app link (the header, the brand, the
 * cross-links between Map, Time, Priorities and the area profile), the way `source` is
 * (source-url.ts). A page reads the ones it understands and leaves the others in its URL
 * untouched, so the next page gets them back: Map → Priorities → Map keeps the Map's period,
 * categories and selection. A carried value a page cannot use never makes it fail: each page
 * parses its own parameters and falls back with a message (analytics/explore/filters.ts,
 * web/lib/stop-search/url.ts, web/lib/thr/assessment-month.ts).
 *
 * Carried parameters (everything else belongs to one page and is not carried):
 *   ds, from, to, cat, area, bbox   the Map/Time filters (analytics/explore/filters.ts); Stop and
 *                                   search reads from, to and area in the same form
 *   measure, layer, mode, hsm       the Map's measure, layer, values/hot spots and window (Overview
 *                                   reads measure=harm too), so Map → Time → Map round-trips them
 *   compare                         the period comparison basis (previous | last-year | seasonal-3y)
 *   month                           the THR assessment month (Priorities, area profile, Model, Compare);
 *                                   without it those pages assess the carried period's last month
 *   unit                            the areas THR scores: lsoa, or district (the source's own area set)
 * `source` is kept by withSource (source-url.ts) and is added last, as before.
 */
import { withSource } from './source-url';

export const CARRIED_PARAMS = ['ds', 'from', 'to', 'cat', 'area', 'bbox', 'measure', 'layer', 'mode', 'hsm', 'compare', 'month', 'unit'] as const;
export type CarriedParam = (typeof CARRIED_PARAMS)[number];

const CARRIED = new Set<string>(CARRIED_PARAMS);

/** Whether a URL parameter is one of the shared filters carried by links. */
export function isCarried(name: string): boolean {
	return CARRIED.has(name);
}

/** The carried filters of a URL's query, in their order (repeated `cat` kept). */
export function carriedFilters(current: URLSearchParams): URLSearchParams {
	const out = new URLSearchParams();
	for (const [k, v] of current) if (CARRIED.has(k)) out.append(k, v);
	return out;
}

/**
 * A link's own parameters: a string or a list (repeated parameter) sets it, null removes a
 * carried value (e.g. a "show on map" link that must not keep a drawn box).
 */
export type OwnParams = Record<string, string | readonly string[] | null | undefined>;

/**
 * `href` (resolved path, may hold its own query and hash) with the carried filters of `current`
 * added. The link's own query and `own` win over carried values of the same name (a link that
 * says `month=2019-03` keeps it); `own` null/undefined values remove the name. `source`, when
 * given, is set last (withSource).
 */
export function withFilters(href: string, current: URLSearchParams, own: OwnParams = {}, source: string | null = null): string {
	const hashAt = href.indexOf('#');
	const hash = hashAt >= 0 ? href.slice(hashAt) : '';
	const rest = hashAt >= 0 ? href.slice(0, hashAt) : href;
	const queryAt = rest.indexOf('?');
	const path = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
	const linkParams = new URLSearchParams(queryAt >= 0 ? rest.slice(queryAt + 1) : '');
	const overridden = new Set<string>([...linkParams.keys(), ...Object.keys(own)]);
	const out = new URLSearchParams();
	for (const [k, v] of linkParams) if (!(k in own)) out.append(k, v);
	for (const [k, v] of Object.entries(own)) {
		if (v === null || v === undefined) continue;
		if (typeof v === 'string') out.append(k, v);
		else for (const x of v) out.append(k, x);
	}
	for (const [k, v] of current) if (CARRIED.has(k) && !overridden.has(k)) out.append(k, v);
	const query = out.toString();
	return withSource(`${path}${query ? `?${query}` : ''}${hash}`, source);
}
