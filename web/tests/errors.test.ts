/**
 * When the extracts are missing or damaged the app says what happened, naming the file, and
 * what to run. Each case gets its own server over a temporary copy of the sample extract.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, type RunningServer } from '../../scripts/lib/server';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';

const dataDir = inject('dataDir');

let browser: TestBrowser;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Serve a temporary extracts folder, prepared by `prepare` from a copy of the sample (or empty). */
async function serveFolder(prepare: (dir: string) => void, copy = true): Promise<RunningServer> {
	const dir = mkdtempSync(join(tmpdir(), 'clearsight-extracts-'));
	if (copy) cpSync(dataDir, dir, { recursive: true });
	prepare(dir);
	const server = await startServer({ buildDir: 'build', dataDir: dir });
	cleanups.push(() => server.close(), () => rmSync(dir, { recursive: true, force: true }));
	return server;
}

function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function editManifest(dir: string, edit: (m: { datasets: Array<{ name: string; bytes: number; sha256: string }> }) => void) {
	const path = join(dir, 'manifest.json');
	const manifest = JSON.parse(readFileSync(path, 'utf8'));
	edit(manifest);
	writeFileSync(path, JSON.stringify(manifest));
}

/** Open the app and return the error panel's title and message. */
async function errorShown(server: RunningServer): Promise<{ title: string; message: string; panel: string }> {
	const page = await browser.newPage();
	await page.goto(`${server.url}/`);
	await waitForApp(page);
	const alert = page.getByRole('alert');
	await alert.waitFor();
	const result = {
		title: (await alert.locator('h1').textContent()) ?? '',
		message: (await page.getByTestId('load-error-message').textContent()) ?? '',
		panel: (await alert.textContent()) ?? ''
	};
	await page.close();
	return result;
}

describe('error panel', () => {
	it('explains a missing extracts folder and the commands to run', async () => {
		const server = await serveFolder(() => {}, false);
		const shown = await errorShown(server);
		expect(shown.title).toBe('No data extracts found');
		expect(shown.message).toContain('manifest.json not found at /data/manifest.json');
		expect(shown.panel).toContain('npm run extracts:sample');
		expect(shown.panel).toContain('npm start -- --data <folder>');
		// The only problem is the 404 that the panel explains.
		const problems = browser.takeProblems();
		expect(problems.length).toBeGreaterThan(0);
		expect(problems.every((p) => p.text.includes('/data/manifest.json'))).toBe(true);
	});

	// The base rows are in base.duckdb (read on demand); the other datasets are Arrow files, fetched whole and checked.
	it('names a truncated file (size mismatch)', async () => {
		const server = await serveFolder((dir) => {
			const path = join(dir, 'explore_points.arrow');
			const bytes = readFileSync(path);
			writeFileSync(path, bytes.subarray(0, bytes.length - 100));
		});
		const shown = await errorShown(server);
		expect(shown.title).toBe('The data extracts are damaged or out of date');
		expect(shown.message).toMatch(/^explore_points\.arrow: size mismatch/);
		expect(shown.panel).toContain('npm run extracts:sample');
		expect(browser.takeProblems()).toEqual([]);
	});

	it('names a file changed after the build (sha256 mismatch)', async () => {
		const server = await serveFolder((dir) => {
			const path = join(dir, 'areas.arrow');
			const bytes = readFileSync(path);
			bytes[bytes.length - 20] ^= 0xff;
			writeFileSync(path, bytes);
		});
		const shown = await errorShown(server);
		expect(shown.message).toMatch(/^areas\.arrow: sha256 mismatch/);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('names a file that is not an Arrow stream, even when the manifest agrees with it', async () => {
		const server = await serveFolder((dir) => {
			const junk = new TextEncoder().encode('Crime ID,Month\nnot,arrow\n'.repeat(20));
			writeFileSync(join(dir, 'explore_points.arrow'), junk);
			editManifest(dir, (m) => {
				const d = m.datasets.find((x) => x.name === 'explore_points')!;
				d.bytes = junk.length;
				d.sha256 = sha256(junk);
			});
		});
		const shown = await errorShown(server);
		expect(shown.message).toMatch(/^explore_points\.arrow: not a valid Arrow stream/);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('names a truncated base.duckdb (size mismatch), from a range request, without downloading it', async () => {
		const server = await serveFolder((dir) => {
			const path = join(dir, 'base.duckdb');
			const bytes = readFileSync(path);
			writeFileSync(path, bytes.subarray(0, bytes.length - 4096));
		});
		const shown = await errorShown(server);
		expect(shown.title).toBe('The data extracts are damaged or out of date');
		expect(shown.message).toMatch(/^base\.duckdb: size mismatch — the file is [\d,]+ bytes but manifest\.json says [\d,]+\. It is truncated/);
		expect(shown.panel).toContain('npm run extracts:sample');
		expect(browser.takeProblems()).toEqual([]);
	});

	it('names a missing base.duckdb', async () => {
		const server = await serveFolder((dir) => rmSync(join(dir, 'base.duckdb')));
		const shown = await errorShown(server);
		expect(shown.title).toBe('No data extracts found');
		expect(shown.message).toBe('base.duckdb is listed in manifest.json but was not found at /data/base.duckdb.');
		expect(browser.takeProblems().every((p) => p.text.includes('/data/base.duckdb'))).toBe(true);
	});

	it('names a base.duckdb that is not a DuckDB database, and one whose database headers are damaged', async () => {
		const notDuckdb = await serveFolder((dir) => {
			const path = join(dir, 'base.duckdb');
			const bytes = readFileSync(path);
			bytes.set(new TextEncoder().encode('JUNK'), 8); // the magic "DUCK" after the 8-byte checksum
			writeFileSync(path, bytes);
		});
		expect((await errorShown(notDuckdb)).message).toBe("base.duckdb: not a DuckDB database file (its header is not DuckDB's). Rebuild the extracts.");
		const damaged = await serveFolder((dir) => {
			const path = join(dir, 'base.duckdb');
			const bytes = readFileSync(path);
			// Both database headers (at 4 KiB and 8 KiB, each behind its checksum) changed: DuckDB refuses the file.
			for (const at of [4096 + 8, 8192 + 8]) for (let i = 0; i < 32; i++) bytes[at + i] ^= 0xff;
			writeFileSync(path, bytes);
		});
		const shown = await errorShown(damaged);
		expect(shown.title).toBe('The data extracts are damaged or out of date');
		expect(shown.message).toMatch(/^base\.duckdb: DuckDB could not read it as a database \(.+\)\. It is damaged/);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('explains a server that does not answer Range requests, and does not download base.duckdb whole', async () => {
		const server = await serveFolder(() => {});
		// A server in front that drops the Range header of base.duckdb requests: it answers 200 with the whole file.
		const whole: string[] = [];
		const front = createServer((req, res) => {
			const headers = { ...req.headers };
			if (req.url?.endsWith('/base.duckdb')) delete headers.range;
			const upstream = request(new URL(req.url ?? '/', server.url), { method: req.method, headers }, (up) => {
				if (req.url?.endsWith('/base.duckdb')) whole.push(`${up.statusCode}`);
				res.writeHead(up.statusCode ?? 502, up.headers);
				up.pipe(res);
			});
			req.pipe(upstream);
		});
		await new Promise<void>((ok) => front.listen(0, '127.0.0.1', ok));
		cleanups.push(() => new Promise<void>((ok) => front.close(() => ok())));
		const url = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
		const shown = await errorShown({ url } as RunningServer);
		expect(shown.title).toBe('The server cannot serve the data extracts as needed');
		expect(shown.message).toMatch(/^base\.duckdb: the server at \/data\/base\.duckdb answered a byte-range request with the whole file \(HTTP 200\), so it does not support Range requests/);
		expect(shown.panel).toContain('does not compress base.duckdb');
		expect(whole).toEqual(['200']);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('explains a manifest that is not JSON', async () => {
		const server = await serveFolder((dir) => writeFileSync(join(dir, 'manifest.json'), '{"manifest_version": 1, "datasets": ['));
		const shown = await errorShown(server);
		expect(shown.message).toContain('manifest.json at /data/manifest.json is not valid JSON');
		expect(browser.takeProblems()).toEqual([]);
	});

	it('retries from the panel once the extracts are back', async () => {
		let dir = '';
		const server = await serveFolder((d) => {
			dir = d;
			rmSync(join(d, 'manifest.json'));
		});
		const page = await browser.newPage();
		await page.goto(`${server.url}/`);
		await waitForApp(page);
		await page.getByRole('alert').waitFor();
		cpSync(join(dataDir, 'manifest.json'), join(dir, 'manifest.json'));
		await page.getByRole('button', { name: 'Try again' }).click();
		await page.locator('[data-testid="records"]').waitFor();
		expect(await page.getByRole('alert').count()).toBe(0);
		await page.close();
		const problems = browser.takeProblems();
		expect(problems.every((p) => p.text.includes('/data/manifest.json'))).toBe(true);
	});
});
