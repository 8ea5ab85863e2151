/**
 * The static server behind `npm start` and the browser tests: the built app from build/ and an
 * extracts folder under /data, on 127.0.0.1 only, with the app's Content-Security-Policy as a
 * header on every response (csp.js plus the hashes of the built pages' inline scripts, read from
 * the build at start: scripts/lib/csp-header.ts): no request leaves the origin and no inline
 * script runs unless it is one of the app's own.
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import sirv from 'sirv';
import { buildCspHeader } from './csp-header';
import { DEFAULT_DATA_DIR, extractsMiddleware } from './serve-extracts';
import { failedAnswerLogFromEnv, type Answer } from './http-log';

export interface ServerOptions {
	/** Folder of the built app (default build/). */
	buildDir?: string;
	/** Extracts folder served under /data (default extracts/sample). */
	dataDir?: string;
	/** Folder whose lookups/ answer /data/lookups/ when `dataDir` has none (default extracts/sample). */
	lookupsFrom?: string;
	host?: string;
	/** 0 picks a free port. */
	port?: number;
	/**
	 * Called as each answer ends, with the method, full URL and status: a recording hook for the
	 * browser tests, which changes nothing in the answers. Default: the failed-answer log named by
	 * CLEARSIGHT_HTTP_LOG when it is set (scripts/lib/http-log.ts), else none.
	 */
	onAnswer?: (answer: Answer) => void;
}

export interface RunningServer {
	url: string;
	server: Server;
	close(): Promise<void>;
}

/** Cache-Control of the hashed build files under `_app/immutable/`. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Whether a path of the built app is a content-hashed file (SvelteKit's `_app/immutable/`, the DuckDB wasm and workers included). */
export function isImmutableAsset(pathname: string): boolean {
	return pathname.startsWith('/_app/immutable/');
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
	const buildDir = resolve(options.buildDir ?? 'build');
	const dataDir = resolve(options.dataDir ?? 'extracts/sample');
	if (!existsSync(join(buildDir, 'index.html'))) {
		throw new Error(`No built app in ${buildDir}: run \`npm run build\` first.`);
	}
	const app = sirv(buildDir, {
		etag: true,
		single: '200.html',
		setHeaders(res, pathname) {
			if (pathname.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
			// Hashed build files never change under their name: a reload or shared link takes them (the
			// ≈30 MB DuckDB wasm among them) from the browser's cache without asking. Pages revalidate
			// (ETag / Last-Modified, one round trip answered 304 when unchanged).
			res.setHeader('Cache-Control', isImmutableAsset(pathname) ? IMMUTABLE : 'no-cache');
		}
	});
	const data = extractsMiddleware(dataDir, { lookupsFrom: options.lookupsFrom ?? DEFAULT_DATA_DIR });
	const contentSecurityPolicy = buildCspHeader(buildDir);
	const onAnswer = options.onAnswer ?? failedAnswerLogFromEnv();
	let origin = '';
	const server = createServer((req, res) => {
		if (onAnswer) {
			const answer = { method: req.method ?? 'GET', url: `${origin}${req.url ?? '/'}` };
			res.once('close', () => onAnswer({ ...answer, status: res.statusCode }));
		}
		res.setHeader('Content-Security-Policy', contentSecurityPolicy);
		res.setHeader('X-Content-Type-Options', 'nosniff');
		res.setHeader('Referrer-Policy', 'no-referrer');
		const notFound = () => {
			res.statusCode = 404;
			res.setHeader('Content-Type', 'text/plain; charset=utf-8');
			res.end('Not found');
		};
		const url = req.url ?? '/';
		if (url.startsWith('/data/')) {
			req.url = url.slice('/data'.length) || '/';
			data(req, res, notFound);
		} else {
			app(req, res, notFound);
		}
	});
	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((ok, fail) => {
		server.once('error', fail);
		server.listen(options.port ?? 0, host, () => ok());
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : options.port;
	origin = `http://${host}:${port}`;
	return {
		url: origin,
		server,
		close: () => new Promise<void>((ok) => server.close(() => ok()))
	};
}
