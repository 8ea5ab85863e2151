/**
 * The app's one Content-Security-Policy, read by svelte.config.js (SvelteKit writes it, with the
 * hash of each page's inline bootstrap script, into a <meta> tag of every built page) and by
 * scripts/lib/csp-header.ts (the response header of `npm start`'s server and of a static
 * deployment). Both policies are enforced by the browser, and both come from these directives,
 * so they cannot drift apart. See docs/stack-notes.md ("Content-Security-Policy").
 *
 * Sources are written as SvelteKit writes them: keywords without their quotes ('self' → self).
 * No request may leave the origin; no inline script runs unless its hash is listed:
 * - 'wasm-unsafe-eval' lets DuckDB-wasm compile its module (no 'unsafe-eval': no eval or
 *   Function(); no 'unsafe-inline' for scripts);
 * - blob: workers are used by maplibre-gl;
 * - inline styles are set by charts and the map (style attributes), so style-src keeps
 *   'unsafe-inline' (a style cannot run code);
 * - frame-ancestors only works in a header: SvelteKit leaves it out of the meta tag.
 */

/** @type {Record<string, string[]>} */
export const CSP_DIRECTIVES = {
	'default-src': ['self'],
	'script-src': ['self', 'wasm-unsafe-eval'],
	'worker-src': ['self', 'blob:'],
	'connect-src': ['self'],
	'img-src': ['self', 'data:', 'blob:'],
	'style-src': ['self', 'unsafe-inline'],
	'font-src': ['self'],
	'object-src': ['none'],
	'base-uri': ['self'],
	'form-action': ['self'],
	'frame-ancestors': ['none']
};

/** Keywords that a policy writes in single quotes (as SvelteKit's csp.js does). */
const QUOTED = new Set([
	'self',
	'none',
	'unsafe-eval',
	'unsafe-hashes',
	'unsafe-inline',
	'strict-dynamic',
	'report-sample',
	'wasm-unsafe-eval'
]);

/**
 * One source as written in a policy: keywords, hashes (`sha256-…`) and nonces in single quotes,
 * schemes and hosts (`blob:`, `data:`) as they are.
 * @param {string} source
 * @returns {string}
 */
export function cspSource(source) {
	return QUOTED.has(source) || /^(nonce|sha(256|384|512))-/.test(source) ? `'${source}'` : source;
}

/**
 * The policy as a header value: CSP_DIRECTIVES in order, with `scriptHashes` (e.g.
 * `sha256-…`, without quotes) appended to script-src. Throws on a source that would weaken
 * script-src ('unsafe-inline', 'unsafe-eval'), so a hash list can only add named scripts.
 * @param {readonly string[]} [scriptHashes]
 * @returns {string}
 */
export function cspHeader(scriptHashes = []) {
	for (const hash of scriptHashes) {
		if (!/^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$/.test(hash)) throw new Error(`not a script hash: ${hash}`);
	}
	return Object.entries(CSP_DIRECTIVES)
		.map(([name, sources]) => {
			const all = name === 'script-src' ? [...sources, ...new Set(scriptHashes)] : sources;
			return [name, ...all.map(cspSource)].join(' ');
		})
		.join('; ');
}
