/**
 * An imported source saved with a start-up summary this app no longer reads (version 1), or with
 * none, gets a current one after one load (start-summary.ts keepImportedSummaryCurrent), stored
 * with the source in the browser; the next load draws the Overview's first view from it before
 * DuckDB-wasm has its binary, with the figures the command-line builder counts for the same file
 * and those the live view then shows. In headless Chromium against the built app; the imported
 * file is one real month of the City of London's street records. No wall-clock assertion.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { buildExtracts } from '../../scripts/lib/extracts';

const baseUrl = inject('baseUrl');
const FILE = 'sample-data/police-uk/city-of-london/street/2019-04-city-of-london-street.csv';
const LABEL = 'City April 2019 (summary kept current)';

let browser: TestBrowser;
let page: Page;
let tmp: string;
let folder: string;
/** Street records of the file, as the command-line builder accepts them. */
let records: number;

/** Hold every request for a DuckDB wasm binary until `release()` (as first-view.test.ts). */
function holdWasm(context: BrowserContext) {
	const pattern = /duckdb-(eh|mvp|coi)[^/]*\.wasm$/;
	let release!: () => void;
	const gate = new Promise<void>((ok) => (release = ok));
	const handler = async (route: Route) => {
		await gate;
		await route.continue();
	};
	return {
		install: () => context.route(pattern, handler),
		release: () => {
			release();
			return context.unroute(pattern, handler);
		}
	};
}

/** The summary the source's files name (meta.json's, else the manifest's): its file and version; null for none. */
async function storedSummary(): Promise<{ file: string; version: unknown } | null> {
	return page.evaluate(async (name) => {
		const root = await navigator.storage.getDirectory();
		const dir = await (await root.getDirectoryHandle('clearsight-imports')).getDirectoryHandle(name);
		const text = async (file: string) => (await (await dir.getFileHandle(file)).getFile()).text();
		const meta = JSON.parse(await text('meta.json'));
		const entry = meta.summary ?? JSON.parse(await text('manifest.json')).summary;
		return entry ? { file: entry.file as string, version: JSON.parse(await text(entry.file)).summary_version as unknown } : null;
	}, folder);
}

/**
 * Put the stored source back as an older app saved it: no summary computed in the browser since,
 * and the import's own summary.json of version 1 (`v1`) or none at all (`none`), with the sizes
 * and sha256 of meta.json kept true so the source stays whole.
 */
async function saveAsBefore(kind: 'v1' | 'none'): Promise<void> {
	await page.evaluate(
		async ({ name, kind }) => {
			const root = await navigator.storage.getDirectory();
			const dir = await (await root.getDirectoryHandle('clearsight-imports')).getDirectoryHandle(name);
			const read = async (file: string) => new Uint8Array(await (await (await dir.getFileHandle(file)).getFile()).arrayBuffer());
			const write = async (file: string, bytes: Uint8Array) => {
				const w = await (await dir.getFileHandle(file, { create: true })).createWritable();
				await w.write(bytes as Uint8Array<ArrayBuffer>);
				await w.close();
			};
			const hex = async (bytes: Uint8Array) =>
				Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)), (b) => b.toString(16).padStart(2, '0')).join('');
			const json = async (file: string) => JSON.parse(new TextDecoder().decode(await read(file)));
			const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, '\t') + '\n');
			const meta = await json('meta.json');
			const manifest = await json('manifest.json');
			if (meta.summary) {
				delete meta.files[meta.summary.file];
				await dir.removeEntry(meta.summary.file);
				delete meta.summary;
			}
			if (kind === 'v1') {
				const bytes = new TextEncoder().encode(JSON.stringify({ ...(await json(manifest.summary.file)), summary_version: 1 }));
				await write(manifest.summary.file, bytes);
				manifest.summary = { ...manifest.summary, bytes: bytes.byteLength, sha256: await hex(bytes) };
				meta.files[manifest.summary.file] = { bytes: bytes.byteLength, sha256: manifest.summary.sha256 };
			} else if (manifest.summary) {
				delete meta.files[manifest.summary.file];
				await dir.removeEntry(manifest.summary.file);
				delete manifest.summary;
			}
			const m = encode(manifest);
			await write('manifest.json', m);
			meta.files['manifest.json'] = { bytes: m.byteLength, sha256: await hex(m) };
			await write('meta.json', encode(meta));
		},
		{ name: folder, kind }
	);
}

/** The Overview's figures as shown: headline values, the trend table and the categories table. */
async function overviewTexts(): Promise<string[]> {
	return [
		...(await page.locator('section.headline dd').allTextContents()),
		...(await page.locator('[data-testid="trend-table"] tr').allTextContents()),
		...(await page.locator('[data-testid="categories-table"] tr').allTextContents())
	];
}

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-imported-summary-e2e-'));
	const { manifest } = await buildExtracts({ inputs: [FILE], out: join(tmp, 'cli'), areas: null });
	records = manifest.datasets.find((d) => d.name === 'incidents')!.rows;
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/data`);
	await waitForApp(page);
	await page.locator('[data-testid="import-files"]').setInputFiles([FILE]);
	await page.locator('[data-testid="import-chosen"]').waitFor();
	await page.locator('[data-testid="import-label"]').fill(LABEL);
	await page.locator('[data-testid="import-start"]').click();
	await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: 120_000 });
	expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);
	const id = await page.locator('[data-testid="local-sources"] tr', { hasText: LABEL }).getAttribute('data-source');
	folder = id!.slice('local:'.length);
}, 180_000);

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('an imported source stored with an older summary, or none', () => {
	it.each(['v1', 'none'] as const)('(%s) gets a current summary after one load, and draws its first view from it on the next', async (kind) => {
		expect(await storedSummary()).toMatchObject({ version: 2 });
		await saveAsBefore(kind);
		expect(await storedSummary()).toEqual(kind === 'v1' ? { file: 'summary.json', version: 1 } : null);
		const source = `?source=${encodeURIComponent(`local:${folder}`)}`;

		// One load: the live view, then the summary computed and stored with the source.
		await page.goto(`${baseUrl}/${source}`);
		await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		await expect.poll(storedSummary, { timeout: 60_000 }).toMatchObject({ file: expect.stringMatching(/^summary-[0-9a-f]{16}\.json$/), version: 2 });
		expect(await page.locator('[data-testid="records"]').count()).toBe(1);

		// The next load draws the Overview from it while DuckDB-wasm's binary is held back.
		const hold = holdWasm(browser.context);
		await hold.install();
		let first: string[];
		try {
			await page.goto(`${baseUrl}/${source}`);
			await page.locator('main[data-start="summary"] [data-testid="first-view"] section.headline[data-state="ready"]').waitFor({ timeout: 60_000 });
			await page.locator('[data-testid="first-view"] [data-testid="trend"][data-state="ready"]').waitFor();
			await page.locator('[data-testid="first-view"] [data-testid="categories"][data-state="ready"]').waitFor();
			expect(await page.locator('[data-testid="overview"]').getAttribute('data-source-of-figures')).toBe('summary');
			expect(parseCount(await page.locator('[data-testid="records"]').textContent())).toBe(records);
			first = await overviewTexts();
		} finally {
			await hold.release();
		}
		// The live view then shows the same figures.
		await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		await waitForApp(page);
		expect(await overviewTexts()).toEqual(first);
		expect(browser.takeProblems()).toEqual([]);
	});
});
