/**
 * The browser tests' catch for requests that leave 127.0.0.1, from any context of the browser (a
 * page, a dedicated worker, a SharedWorker, a service worker, the browser itself): Chromium is
 * launched with this proxy as its proxy server (`--proxy-server`), and never sends a loopback
 * request through a proxy, so the app's own requests go direct and everything else comes here.
 * Nothing is forwarded: each request is recorded (method and URL; for a CONNECT tunnel, which is
 * all an https:// or wss:// request shows a proxy, the host and port) and answered 403.
 */
import { createServer } from 'node:http';

export interface OffOriginRequest {
	/** GET, POST ... or CONNECT */
	method: string;
	/** The absolute URL; for CONNECT, host:port */
	target: string;
}

export interface OffOriginProxy {
	/** e.g. http://127.0.0.1:41235, for Chromium's --proxy-server */
	url: string;
	/** Every request received since it started, in order. */
	readonly seen: OffOriginRequest[];
	close(): Promise<void>;
}

const REFUSED = 'Refused by the browser tests: no request may leave 127.0.0.1.\n';

export async function startOffOriginProxy(onRequest: (request: OffOriginRequest) => void = () => {}): Promise<OffOriginProxy> {
	const seen: OffOriginRequest[] = [];
	const note = (request: OffOriginRequest) => {
		seen.push(request);
		onRequest(request);
	};
	const proxy = createServer((req, res) => {
		note({ method: req.method ?? 'GET', target: req.url ?? '' });
		res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
		res.end(REFUSED);
	});
	proxy.on('connect', (req, socket) => {
		note({ method: 'CONNECT', target: req.url ?? '' });
		socket.on('error', () => {});
		socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(REFUSED)}\r\nConnection: close\r\n\r\n${REFUSED}`);
	});
	proxy.on('upgrade', (req, socket) => {
		note({ method: req.method ?? 'GET', target: req.url ?? '' });
		socket.on('error', () => {});
		socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
	});
	proxy.on('clientError', (_error, socket) => socket.destroy());
	await new Promise<void>((ok, fail) => {
		proxy.once('error', fail);
		proxy.listen(0, '127.0.0.1', () => ok());
	});
	const address = proxy.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}`,
		seen,
		close: () =>
			new Promise<void>((ok) => {
				proxy.closeAllConnections();
				proxy.close(() => ok());
			})
	};
}
