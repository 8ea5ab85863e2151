/**
 * When the extracts are missing or damaged the app says what happened, naming the file, and
 * what to run. Each case gets its own server over a temporary copy of the sample extract.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

	it('names a truncated file (size mismatch)', async () => {
		const server = await serveFolder((dir) => {
			const path = join(dir, 'incidents.arrow');
			const bytes = readFileSync(path);
			writeFileSync(path, bytes.subarray(0, bytes.length - 100));
		});
		const shown = await errorShown(server);
		expect(shown.title).toBe('The data extracts are damaged or out of date');
		expect(shown.message).toMatch(/^incidents\.arrow: size mismatch/);
		expect(shown.panel).toContain('npm run extracts:sample');
		expect(browser.takeProblems()).toEqual([]);
	});

	it('names a file changed after the build (sha256 mismatch)', async () => {
		const server = await serveFolder((dir) => {
			const path = join(dir, 'stop_search.arrow');
			const bytes = readFileSync(path);
			bytes[bytes.length - 20] ^= 0xff;
			writeFileSync(path, bytes);
		});
		const shown = await errorShown(server);
		expect(shown.message).toMatch(/^stop_search\.arrow: sha256 mismatch/);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('names a file that is not an Arrow stream, even when the manifest agrees with it', async () => {
		const server = await serveFolder((dir) => {
			const junk = new TextEncoder().encode('Crime ID,Month\nnot,arrow\n'.repeat(20));
			writeFileSync(join(dir, 'incidents.arrow'), junk);
			editManifest(dir, (m) => {
				const d = m.datasets.find((x) => x.name === 'incidents')!;
				d.bytes = junk.length;
				d.sha256 = sha256(junk);
			});
		});
		const shown = await errorShown(server);
		expect(shown.message).toMatch(/^incidents\.arrow: not a valid Arrow stream/);
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
