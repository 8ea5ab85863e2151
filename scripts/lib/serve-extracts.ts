/**
 * Serve an extracts folder under /data with binary content types. Extracts must not be
 * compressed on the fly: `vite preview` gzips unknown types, which made a 49 MB Arrow fetch
 * take ≈3 s instead of 0.15 s (docs/stack-notes.md § Serving).
 *
 * The folder is either a folder of sources (sources.json listing one extract folder per source,
 * as extracts/sample) or one extract (manifest.json at its top, as `npm run extracts` writes).
 * For the latter the middleware answers /sources.json itself, listing the folder as its one
 * source (path "."), so the app asks the same question of both layouts and no request fails.
 */
import sirv from 'sirv';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
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
export function extractsMiddleware(dir: string = DEFAULT_DATA_DIR) {
	const root = resolve(dir);
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
		serve(req, res, next);
	};
}
