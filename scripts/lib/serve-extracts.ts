/**
 * Serve an extracts folder under /data with binary content types. Extracts must not be
 * compressed on the fly: `vite preview` gzips unknown types, which made a 49 MB Arrow fetch
 * take ≈3 s instead of 0.15 s (docs/stack-notes.md § Serving).
 *
 * The base-row database (base.duckdb) is served by {@link serveDatabase}: byte ranges, HEAD,
 * never compressed.
 *
 * The folder is either a folder of sources (sources.json listing one extract folder per source,
 * as extracts/sample) or one extract (manifest.json at its top, as `npm run extracts` writes).
 * For the latter the middleware answers /sources.json itself, listing the folder as its one
 * source (path "."), so the app asks the same question of both layouts and no request fails.
 *
 * The lookups the Data page's import reads (lookups/forces.json, lookups/lsoa-lad-pfa.arrow) are
 * the same for every source: a folder without them (one extract, or `npm start -- --data`) is
 * answered from `lookupsFrom` (a folder holding lookups/, as extracts/sample does), so the page's
 * force list works and no request fails with 404.
 */
import sirv from 'sirv';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const DEFAULT_DATA_DIR = 'extracts/sample';

export function dataContentType(path: string): string {
	if (path.endsWith('.arrow')) return 'application/vnd.apache.arrow.stream';
	if (path.endsWith('.json')) return 'application/json; charset=utf-8';
	if (path.endsWith('.csv')) return 'text/csv; charset=utf-8';
	return 'application/octet-stream';
}

type Next = (err?: unknown) => void;

/** The sources.json of a folder that is a single extract (or not built yet). */
export function singleSourceListing(dir: string): { sources: Array<{ id: string; label: string; description: string; path: string }> } {
	const name = basename(resolve(dir));
	return { sources: [{ id: 'extract', label: name, description: `The extract in the folder ${name}`, path: '.' }] };
}

/** Connect-style middleware serving `dir` (default extracts/sample); mount it at /data. */
export function extractsMiddleware(dir: string = DEFAULT_DATA_DIR, options: { lookupsFrom?: string } = {}) {
	const root = resolve(dir);
	const lookupsRoot = options.lookupsFrom ? resolve(options.lookupsFrom) : null;
	const serveLookups =
		lookupsRoot && lookupsRoot !== root
			? sirv(lookupsRoot, {
					dev: true,
					etag: true,
					setHeaders(res, pathname) {
						res.setHeader('Content-Type', dataContentType(pathname));
						res.setHeader('Cache-Control', 'no-cache');
					}
				})
			: null;
	const serve = sirv(root, {
		dev: true,
		etag: true,
		setHeaders(res, pathname) {
			res.setHeader('Content-Type', dataContentType(pathname));
			res.setHeader('Cache-Control', 'no-cache');
		}
	});
	return (req: IncomingMessage, res: ServerResponse, next: Next) => {
		const path = (req.url ?? '/').split('?')[0];
		if (path === '/sources.json' && !existsSync(join(root, 'sources.json'))) {
			res.statusCode = 200;
			res.setHeader('Content-Type', dataContentType(path));
			res.setHeader('Cache-Control', 'no-cache');
			res.end(JSON.stringify(singleSourceListing(root)));
			return;
		}
		if (serveLookups && path.startsWith('/lookups/') && !path.includes('..') && !existsSync(join(root, path))) {
			serveLookups(req, res, next);
			return;
		}
		if (path.endsWith('.duckdb')) {
			serveDatabase(root, path, req, res, next);
			return;
		}
		serve(req, res, next);
	};
}

/**
 * One byte range of a file of `size` bytes from a Range header (`bytes=a-b`, `bytes=a-`,
 * `bytes=-n`): [start, end] inclusive; 'unsatisfiable' for a range outside the file; null for
 * no header or a form not handled (several ranges), which is answered with the whole file.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
	if (!header) return null;
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!m || (m[1] === '' && m[2] === '')) return null;
	if (m[1] === '') {
		const suffix = Number(m[2]);
		if (suffix === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(m[1]);
	const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
	if (start >= size || end < start) return 'unsatisfiable';
	return { start, end };
}

/**
 * Serve a DuckDB database file (base.duckdb) for DuckDB-wasm's HTTP file system, which reads it
 * in pages by range requests (web/lib/db/README.md): GET and HEAD, a single `Range` answered
 * with 206 and Content-Range (HEAD with `Range: bytes=0-` too: DuckDB-wasm sizes the file that
 * way), `Accept-Ranges: bytes` always, and never compressed (no Content-Encoding; `no-transform`
 * asks proxies not to either), since a compressed body cannot be read by byte ranges.
 */
function serveDatabase(root: string, path: string, req: IncomingMessage, res: ServerResponse, next: Next): void {
	let file: string;
	try {
		file = resolve(root, `.${decodeURIComponent(path)}`);
	} catch {
		next();
		return;
	}
	if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
		next();
		return;
	}
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.statusCode = 405;
		res.setHeader('Allow', 'GET, HEAD');
		res.end();
		return;
	}
	const stats = statSync(file);
	const size = stats.size;
	res.setHeader('Content-Type', dataContentType(path));
	res.setHeader('Cache-Control', 'no-cache, no-transform');
	res.setHeader('Accept-Ranges', 'bytes');
	res.setHeader('ETag', `"${size}-${stats.mtime.getTime()}"`);
	res.setHeader('Last-Modified', stats.mtime.toUTCString());
	const range = parseRange(req.headers.range, size);
	if (range === 'unsatisfiable') {
		res.statusCode = 416;
		res.setHeader('Content-Range', `bytes */${size}`);
		res.end();
		return;
	}
	if (range === null && req.headers['if-none-match'] === res.getHeader('ETag')) {
		res.statusCode = 304;
		res.end();
		return;
	}
	const { start, end } = range ?? { start: 0, end: size - 1 };
	res.statusCode = range ? 206 : 200;
	if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
	res.setHeader('Content-Length', size === 0 ? 0 : end - start + 1);
	if (req.method === 'HEAD' || size === 0) {
		res.end();
		return;
	}
	createReadStream(file, { start, end }).pipe(res);
}
