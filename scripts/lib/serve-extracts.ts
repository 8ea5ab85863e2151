/**
 * Serve an extracts folder under /data with binary content types. Extracts must not be
 * compressed on the fly: `vite preview` gzips unknown types, which made a 49 MB Arrow fetch
 * take ≈3 s instead of 0.15 s (shared/STACK-NOTES.md).
 */
import sirv from 'sirv';
import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const DEFAULT_DATA_DIR = 'extracts/sample';

export function dataContentType(path: string): string {
	if (path.endsWith('.arrow')) return 'application/vnd.apache.arrow.stream';
	if (path.endsWith('.json')) return 'application/json; charset=utf-8';
	if (path.endsWith('.csv')) return 'text/csv; charset=utf-8';
	return 'application/octet-stream';
}

type Next = (err?: unknown) => void;

/** Connect-style middleware serving `dir` (default extracts/sample); mount it at /data. */
export function extractsMiddleware(dir: string = DEFAULT_DATA_DIR) {
	const serve = sirv(resolve(dir), {
		dev: true,
		etag: true,
		setHeaders(res, pathname) {
			res.setHeader('Content-Type', dataContentType(pathname));
			res.setHeader('Cache-Control', 'no-cache');
		}
	});
	return (req: IncomingMessage, res: ServerResponse, next: Next) => serve(req, res, next);
}
