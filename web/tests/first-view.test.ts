/**
 * The first view before the database, in headless Chromium against the built app and the City
 * of London sample, on a server of its own (the production static server, scripts/lib/server.ts)
 * whose every request is logged:
 * - with the DuckDB-wasm binary held back (route interception), the Overview's figures and the
 *   Map's first layer are drawn from summary.json and marked as such; the figures are those the
 *   raw CSVs give (web/tests/expected.ts) and those of summary.json; once the binary is let
 *   through, the live view takes over with the same figures, and both start-up marks exist;
 * - a reload takes the ≈30 MB wasm and the hashed scripts from the browser's cache: the server
 *   sees no request for them the second time (or answers 304), while the page itself is
 *   revalidated.
 * No wall-clock assertion: only what is drawn, from where, and what reached the server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, isLocal, launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { readManifest, streetFigures } from './expected';
import { startServer, type RunningServer } from '../../scripts/lib/server';
import type { StartSummary } from '../../analytics/overview/summary';

const dataRoot = inject('dataRoot');
const dataDir = inject('dataDir');

let server: RunningServer;
/** Every request the server answered: path and status. */
const served: Array<{ path: string; status: number }> = [];
let summary: StartSummary;

beforeAll(async () => {
	server = await startServer({ buildDir: 'build', dataDir: dataRoot });
	server.server.prependListener('request', (req, res) => {
		res.on('finish', () => served.push({ path: (req.url ?? '').split('?')[0], status: res.statusCode }));
	});
	summary = JSON.parse(readFileSync(join(dataDir, readManifest(dataDir).summary!.file), 'utf8')) as StartSummary;
});

afterAll(async () => {
	await server?.close();
});

/** Hold every request for a DuckDB wasm binary until `release()`. */
function holdWasm(context: BrowserContext) {
	let release!: () => void;
	const gate = new Promise<void>((ok) => (release = ok));
	const held: string[] = [];
	const handler = async (route: Route) => {
		held.push(route.request().url());
		await gate;
		await route.continue();
	};
	return {
		held,
		install: () => context.route(/duckdb-(eh|mvp|coi)[^/]*\.wasm$/, handler),
		release: () => {
			release();
			return context.unroute(/duckdb-(eh|mvp|coi)[^/]*\.wasm$/, handler);
		}
	};
}

async function marks(page: Page): Promise<string[]> {
	return page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name).filter((n) => n.startsWith('clearsight:')));
}

/** The Overview's figures as shown: headline values, the trend table and the categories table. */
async function overviewTexts(page: Page): Promise<string[]> {
	return [
		...(await page.locator('section.headline dd').allTextContents()),
		...(await page.locator('[data-testid="trend-table"] tr').allTextContents()),
		...(await page.locator('[data-testid="categories-table"] tr').allTextContents())
	];
}

describe('the first view, drawn from summary.json while the database starts', () => {
	let browser: TestBrowser;
	let page: Page;
	let firstTexts: string[];

	beforeAll(async () => {
		browser = await launchBrowser();
		page = await browser.newPage();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('draws the Overview from the summary, marked as such, before the engine has its binary', async () => {
		const hold = holdWasm(browser.context);
		await hold.install();
		try {
			await page.goto(`${server.url}/`);
			await page.locator('main[data-start="summary"] [data-testid="first-view"] section.headline[data-state="ready"]').waitFor({ timeout: 60_000 });
			await page.locator('[data-testid="first-view"] [data-testid="trend"][data-state="ready"]').waitFor();
			await page.locator('[data-testid="first-view"] [data-testid="categories"][data-state="ready"]').waitFor();
			// The database cannot be ready: its binary is held back (it may not even have been asked for yet).
			expect(await page.locator('main').getAttribute('data-start')).toBe('summary');
			expect(await page.locator('[data-testid="overview"]').getAttribute('data-source-of-figures')).toBe('summary');
			const note = page.locator('[data-testid="start-note"]');
			expect(await note.getAttribute('role')).toBe('status');
			expect(await note.textContent()).toContain('from the precomputed summary; the live view loads in a moment');
			await page.waitForFunction(() => performance.getEntriesByName('clearsight:first-view').length === 1);
			expect(await marks(page)).not.toContain('clearsight:interactive');

			// The figures are the raw CSVs' and summary.json's.
			const raw = streetFigures();
			expect(parseCount(await page.locator('[data-testid="records"]').textContent())).toBe(raw.records);
			expect(parseCount(await page.locator('[data-testid="asb"]').textContent())).toBe(raw.antiSocialBehaviour);
			expect(parseCount(await page.locator('[data-testid="no-location"]').textContent())).toBe(raw.noLocation);
			expect(parseCount(await page.locator('[data-testid="stop-searches"]').textContent())).toBe(summary.overview.summary.stopSearches);
			expect(parseCount(await page.locator('[data-testid="harm-total"]').textContent())).toBe(Math.round(summary.overview.summary.harmTotal));
			for (const [category, count] of raw.byCategory) {
				const row = page.locator(`[data-testid="categories-table"] tr[data-category="${category}"] [data-col="count"]`);
				expect(parseCount(await row.textContent())).toBe(count);
			}
			firstTexts = await overviewTexts(page);
		} finally {
			await hold.release();
		}
		// The engine did ask for its binary, and got it only now.
		await page.waitForFunction(() => document.querySelector('main')?.getAttribute('data-start') === 'live', null, { timeout: 60_000 });
		expect(hold.held.length).toBeGreaterThan(0);
	});

	it('hands over to the live queries with the same figures', async () => {
		await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		await waitForApp(page);
		expect(await overviewTexts(page)).toEqual(firstTexts);
		await page.waitForFunction(() => performance.getEntriesByName('clearsight:interactive').length === 1);
		const [first, interactive] = await page.evaluate(() =>
			['clearsight:first-view', 'clearsight:interactive'].map((n) => performance.getEntriesByName(n)[0].startTime)
		);
		expect(first).toBeLessThan(interactive);
		expect(await page.locator('[data-testid="start-note"]').textContent()).toContain('The live view is ready');
		expect(browser.takeProblems()).toEqual([]);
	});

	it("draws the Map's first layer from the summary, then the live layer with the same classes and cells", async () => {
		const tab = await browser.newPage();
		const hold = holdWasm(browser.context);
		await hold.install();
		let level = '';
		let legend: string[] = [];
		try {
			await tab.goto(`${server.url}/map`);
			const preview = tab.locator('[data-testid="first-view"] .map-area');
			await tab.waitForFunction(() => (document.querySelector('[data-testid="first-view"] .map-area')?.getAttribute('data-preview-drawn') ?? '') !== '', null, {
				timeout: 60_000
			});
			expect(await tab.locator('main').getAttribute('data-start')).toBe('summary');
			level = (await preview.getAttribute('data-level'))!;
			const layer = summary.map!.layers.find((l) => l.level === level)!;
			expect(layer).toBeDefined();
			// The legend: one item per class of the summary's breaks, cells per class adding up to the layer's cells.
			legend = await tab.locator('[data-testid="first-view"] [data-testid="legend"] li').allTextContents();
			expect(legend).toHaveLength(layer.classes.breaks.length);
			const cellsPerClass = legend.map((t) => Number(/\((\d+) cells?\)/.exec(t)![1]));
			expect(cellsPerClass.reduce((a, b) => a + b, 0)).toBe(layer.cells.length);
			// The filters wait for the database, and say so.
			expect(await tab.locator('[data-testid="first-view"] .controls select').first().isDisabled()).toBe(true);
			expect(await tab.locator('#map-preview-why').textContent()).toContain('can be changed once the live view has loaded');
		} finally {
			await hold.release();
		}
		await tab.waitForFunction(() => (document.querySelector('main[data-start="live"] .map-area')?.getAttribute('data-drawn') ?? '') !== '', null, {
			timeout: 60_000
		});
		expect(await tab.locator('.map-area').getAttribute('data-level')).toBe(level);
		expect(await tab.locator('[data-testid="legend"] li').allTextContents()).toEqual(legend);
		expect(await tab.locator('[data-testid="measure-select"]').isDisabled()).toBe(false);
		expect(hold.held.length).toBeGreaterThan(0);
		await tab.waitForFunction(() => performance.getEntriesByName('clearsight:interactive').length === 1);
		expect(browser.takeProblems()).toEqual([]);
		await tab.close();
	});
});

describe('a reload reuses what the browser has cached', () => {
	// Without route interception (which turns the HTTP cache off), in a profile of its own.
	let context: BrowserContext;
	let profile: string;
	const offOrigin: string[] = [];

	beforeAll(async () => {
		profile = mkdtempSync(join(tmpdir(), 'clearsight-cache-'));
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
			viewport: { width: 1280, height: 900 }
		});
		context.on('request', (r) => {
			if (!isLocal(r.url())) offOrigin.push(r.url());
		});
	});

	afterAll(async () => {
		await context?.close();
		rmSync(profile, { recursive: true, force: true });
	});

	it('fetches the wasm and hashed scripts once; the reload revalidates the page only', async () => {
		const page = context.pages()[0] ?? (await context.newPage());
		const before = served.length;
		const first = await page.goto(`${server.url}/`);
		expect(first?.headers()['cache-control']).toBe('no-cache');
		expect(first?.headers()['etag']).toBeTruthy();
		await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		const firstLoad = served.slice(before);
		const wasmPath = firstLoad.find((r) => r.path.endsWith('.wasm'))?.path;
		expect(wasmPath).toMatch(/^\/_app\/immutable\/.*duckdb-(eh|mvp)[^/]*\.wasm$/);
		expect(firstLoad.find((r) => r.path === wasmPath)!.status).toBe(200);
		const head = await fetch(`${server.url}${wasmPath}`, { method: 'HEAD' });
		expect(head.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(head.headers.get('content-type')).toBe('application/wasm');

		const mid = served.length;
		await page.reload();
		await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		await page.waitForFunction(() => performance.getEntriesByName('clearsight:interactive').length === 1);
		const reload = served.slice(mid);
		// The page is asked for again (revalidated); the wasm and every hashed file come from the cache.
		expect(reload.some((r) => r.path === '/')).toBe(true);
		const immutable = reload.filter((r) => r.path.startsWith('/_app/immutable/'));
		expect(immutable.filter((r) => r.status !== 304)).toEqual([]);
		expect(reload.filter((r) => r.path === wasmPath).every((r) => r.status === 304)).toBe(true);
		expect(offOrigin).toEqual([]);
	});
});
