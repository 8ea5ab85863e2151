/**
 * The extracts server's answers for the base-row database: byte ranges (what DuckDB-wasm's HTTP
 * file system asks for), HEAD with a range, and never a compressed body.
 */
import { createServer, request, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractsMiddleware, parseRange } from './serve-extracts';
import { tempDirs } from './extract-test-utils';

const tempDir = tempDirs('clearsight-serve-');
const SIZE = 300_000;
const bytes = randomBytes(SIZE);
let server: Server;
let port: number;

beforeAll(async () => {
	const dir = tempDir();
	writeFileSync(join(dir, 'base.duckdb'), bytes);
	writeFileSync(join(dir, 'manifest.json'), '{}');
	mkdirSync(join(dir, 'inner'));
	const data = extractsMiddleware(dir);
	server = createServer((req, res) =>
		data(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		})
	);
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

function ask(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
	return new Promise((ok, fail) => {
		const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
			const parts: Buffer[] = [];
			res.on('data', (c: Buffer) => parts.push(c));
			res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
		});
		req.on('error', fail);
		req.end();
	});
}

describe('serving base.duckdb', () => {
	it('HEAD with Range: bytes=0- answers 206 with the whole size and no body (how DuckDB-wasm sizes the file)', async () => {
		const r = await ask('HEAD', '/base.duckdb', { range: 'bytes=0-' });
		expect(r.status).toBe(206);
		expect(r.headers['content-range']).toBe(`bytes 0-${SIZE - 1}/${SIZE}`);
		expect(r.headers['content-length']).toBe(String(SIZE));
		expect(r.headers['accept-ranges']).toBe('bytes');
		expect(r.body.length).toBe(0);
	});

	it('a ranged GET returns exactly those bytes, uncompressed even when gzip is accepted', async () => {
		const r = await ask('GET', '/base.duckdb', { range: 'bytes=4096-8191', 'accept-encoding': 'gzip, br' });
		expect(r.status).toBe(206);
		expect(r.headers['content-range']).toBe(`bytes 4096-8191/${SIZE}`);
		expect(r.headers['content-encoding']).toBeUndefined();
		expect(r.headers['cache-control']).toContain('no-transform');
		expect(r.body.equals(bytes.subarray(4096, 8192))).toBe(true);
	});

	it('open-ended, suffix and past-the-end ranges', async () => {
		const tail = await ask('GET', '/base.duckdb', { range: `bytes=${SIZE - 10}-` });
		expect(tail.status).toBe(206);
		expect(tail.body.equals(bytes.subarray(SIZE - 10))).toBe(true);
		const suffix = await ask('GET', '/base.duckdb', { range: 'bytes=-5' });
		expect(suffix.headers['content-range']).toBe(`bytes ${SIZE - 5}-${SIZE - 1}/${SIZE}`);
		expect(suffix.body.equals(bytes.subarray(SIZE - 5))).toBe(true);
		const clipped = await ask('GET', '/base.duckdb', { range: `bytes=${SIZE - 2}-${SIZE + 100}` });
		expect(clipped.body.equals(bytes.subarray(SIZE - 2))).toBe(true);
		const beyond = await ask('GET', '/base.duckdb', { range: `bytes=${SIZE}-` });
		expect(beyond.status).toBe(416);
		expect(beyond.headers['content-range']).toBe(`bytes */${SIZE}`);
	});

	it('without a Range: the whole file, 200, saying ranges are accepted', async () => {
		const r = await ask('GET', '/base.duckdb');
		expect(r.status).toBe(200);
		expect(r.headers['accept-ranges']).toBe('bytes');
		expect(r.body.equals(bytes)).toBe(true);
	});

	it('a missing database or a path outside the folder is not found; other methods are refused', async () => {
		expect((await ask('GET', '/other.duckdb', { range: 'bytes=0-' })).status).toBe(404);
		expect((await ask('GET', '/inner/../../base.duckdb', { range: 'bytes=0-' })).status).toBe(404);
		expect((await ask('GET', '/%2e%2e/base.duckdb', { range: 'bytes=0-' })).status).toBe(404);
		expect((await ask('POST', '/base.duckdb')).status).toBe(405);
	});
});

describe('parseRange', () => {
	it('reads the single-range forms and rejects what it cannot serve', () => {
		expect(parseRange(undefined, 100)).toBeNull();
		expect(parseRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
		expect(parseRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
		expect(parseRange('bytes=-30', 100)).toEqual({ start: 70, end: 99 });
		expect(parseRange('bytes=-300', 100)).toEqual({ start: 0, end: 99 });
		expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
		expect(parseRange('bytes=20-10', 100)).toBe('unsatisfiable');
		expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
		expect(parseRange('items=0-1', 100)).toBeNull();
	});
});

describe('the lookups of a folder without them', () => {
	let single: Server;
	let singlePort: number;
	const forces = JSON.stringify({ source: 'test', forces: [{ pfa: 'E23000034', name: 'City of London', lad_codes: ['E09000001'], lsoas: 6 }] });
	const own = JSON.stringify({ source: 'own', forces: [] });

	beforeAll(async () => {
		const extract = tempDir();
		writeFileSync(join(extract, 'manifest.json'), '{}');
		const withLookups = tempDir();
		mkdirSync(join(withLookups, 'lookups'));
		writeFileSync(join(withLookups, 'lookups', 'forces.json'), forces);
		const ownLookups = tempDir();
		mkdirSync(join(ownLookups, 'lookups'));
		writeFileSync(join(ownLookups, 'lookups', 'forces.json'), own);
		const noLookup = extractsMiddleware(extract, { lookupsFrom: withLookups });
		const hasOwn = extractsMiddleware(ownLookups, { lookupsFrom: withLookups });
		const none = extractsMiddleware(extract);
		single = createServer((req, res) => {
			const which = req.url!.startsWith('/own/') ? hasOwn : req.url!.startsWith('/none/') ? none : noLookup;
			req.url = req.url!.replace(/^\/(own|none)\//, '/');
			which(req, res, () => {
				res.statusCode = 404;
				res.end('Not found');
			});
		});
		await new Promise<void>((ok) => single.listen(0, '127.0.0.1', ok));
		singlePort = (single.address() as { port: number }).port;
	});
	afterAll(() => new Promise<void>((ok) => single.close(() => ok())));

	const get = (path: string) =>
		new Promise<{ status: number; type: string | undefined; body: string }>((ok, fail) => {
			const req = request({ host: '127.0.0.1', port: singlePort, method: 'GET', path }, (res) => {
				let body = '';
				res.on('data', (c: Buffer) => (body += c.toString('utf8')));
				res.on('end', () => ok({ status: res.statusCode!, type: res.headers['content-type'], body }));
			});
			req.on('error', fail);
			req.end();
		});

	it('answers lookups/forces.json from the shared lookups, as JSON, so the Data page asks nothing that fails', async () => {
		const r = await get('/lookups/forces.json');
		expect(r.status).toBe(200);
		expect(r.type).toBe('application/json; charset=utf-8');
		expect(r.body).toBe(forces);
	});

	it("a folder's own lookups win; without a place to take them from, or for other paths, it is still not found", async () => {
		expect((await get('/own/lookups/forces.json')).body).toBe(own);
		expect((await get('/none/lookups/forces.json')).status).toBe(404);
		expect((await get('/lookups/lsoa-lad-pfa.arrow')).status).toBe(404);
		expect((await get('/other.json')).status).toBe(404);
	});
});
