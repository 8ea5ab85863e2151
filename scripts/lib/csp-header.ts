/**
 * The Content-Security-Policy response header for a built app: the app's one policy (csp.js,
 * the same directives SvelteKit writes into each page's <meta> tag) plus the sha256 hash of
 * every inline script in the built pages (SvelteKit's bootstrap: one for the prerendered
 * routes, one for the 200.html fallback, whose module paths are absolute). A header cannot name
 * the page it is sent with, so it lists the hashes of all pages; the meta tag of each page, which
 * the browser enforces as well, still lists only that page's own. No 'unsafe-inline': a script
 * injected into a page does not run.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cspHeader } from '../../csp.js';

/** Inline scripts of an HTML page (no `src` attribute), each as the exact text between the tags. */
export function inlineScripts(html: string): string[] {
	const scripts: string[] = [];
	for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
		if (/\bsrc\s*=/i.test(match[1])) continue;
		scripts.push(match[2]);
	}
	return scripts;
}

/** The CSP source for a script's text: `sha256-` + base64 of the SHA-256 of its UTF-8 bytes. */
export function scriptHash(script: string): string {
	return `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
}

/** Every .html file under `dir`, recursively (relative paths, sorted). */
function htmlFiles(dir: string, prefix = ''): string[] {
	const files: string[] = [];
	for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
		const path = prefix ? `${prefix}/${entry.name}` : entry.name;
		if (entry.isDirectory()) files.push(...htmlFiles(dir, path));
		else if (entry.name.endsWith('.html')) files.push(path);
	}
	return files.sort();
}

/** The distinct hashes of the inline scripts of every page in a built app, sorted. */
export function buildScriptHashes(buildDir: string): string[] {
	const hashes = new Set<string>();
	for (const file of htmlFiles(buildDir)) {
		for (const script of inlineScripts(readFileSync(join(buildDir, file), 'utf8'))) hashes.add(scriptHash(script));
	}
	return [...hashes].sort();
}

/**
 * The header value for the app built in `buildDir`. It changes with every build (the bootstrap
 * names the entry files, whose names carry a content hash): compute it again after building.
 */
export function buildCspHeader(buildDir: string): string {
	return cspHeader(buildScriptHashes(buildDir));
}
