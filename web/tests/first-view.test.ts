/**
 * The first view before the database, in headless Chromium against the built app and the City
 * of London sample, on a server of its own (the production static server, scripts/lib/server.ts)
 * whose every request is logged:
 * - with the DuckDB-wasm binary held back (route interception), the Overview's figures and the
 *   Map's first layer are drawn from summary.json and marked as such; the figures are those the
 *   raw CSVs give (web/tests/expected.ts) and those of summary.json; once the binary is let
 *   through, the live view takes over with the same figures, and both start-up marks exist;
 *   the Overview's measure switch answers from the summary, and the live view then shows the same;
 * - the live Map draws on the map the first view built (the same canvas, no picture over it): its
 *   first layer restyles the cells the first view sent; when the summary does not answer for the
 *   database (computed under another harm model), the same map takes the layer DuckDB computes,
 *   with one setData;
 * - with maplibre-gl's worker held back too, the Map's first layer is drawn as a picture
 *   (MapSnapshot.svelte) with every cell of the summary's layer, and once the map has drawn
 *   the same layer each cell's corner is where the picture had it (within a pixel); when the
 *   database is ready first, the live view takes over the map still loading;
 * - a reload takes the hashed scripts from the browser's cache: the server sees no request for
 *   them the second time (or answers 304), and none for the ≈30 MB wasm (the tab's engine is kept
 *   in its SharedWorker), while the page itself is revalidated.
 * - the tests that hold the wasm back, and the code-cache test, run the engine in the dedicated
 *   worker the app falls back on without SharedWorker (route interception does not see a
 *   SharedWorker's requests; a reload there compiles nothing to read from the cache).
 * - DuckDB-wasm's worker is started through our shim (web/lib/db/duckdb-worker-shim.js), so it
 *   compiles the wasm from the HTTP response itself: Chromium's trace shows the compiled module
 *   written to the code cache under the wasm's URL and read back on the reload, with the same
 *   figures; the shim refuses a worker URL on another origin.
 * No wall-clock assertion: only what is drawn, from where, and what reached the server.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Route, type Worker } from 'playwright-core';
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

/** Hold every request for a DuckDB wasm binary (or what `pattern` matches) until `release()`. */
function holdWasm(context: BrowserContext, pattern = /duckdb-(eh|mvp|coi)[^/]*\.wasm$/) {
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
		install: () => context.route(pattern, handler),
		release: () => {
			release();
			return context.unroute(pattern, handler);
		}
	};
}

/**
 * Start the app's engine in the dedicated worker it falls back on (SharedWorker deleted before
 * the app starts): Playwright's route interception does not see a SharedWorker's requests, so a
 * held wasm would reach the kept engine (duckdb.ts). The first view's code is the same either way;
 * web/tests/engine-reuse.test.ts covers the SharedWorker.
 */
async function dedicatedEngineWorker(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
	});
}

async function marks(page: Page): Promise<string[]> {
	return page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name).filter((n) => n.startsWith('clearsight:')));
}

/** Tag the Map's canvas (the map the page shows now), to tell later whether a map is the same one. */
async function markCanvas(page: Page): Promise<void> {
	await page.locator('[data-testid="map"] canvas').evaluate((c) => ((c as HTMLCanvasElement & { builtBy?: string }).builtBy = 'first view'));
}

/** Whether the page shows one map canvas and it is the one `markCanvas` tagged. */
async function sameCanvas(page: Page): Promise<boolean> {
	const canvas = page.locator('[data-testid="map"] canvas');
	return (await canvas.count()) === 1 && (await canvas.evaluate((c) => (c as HTMLCanvasElement & { builtBy?: string }).builtBy)) === 'first view';
}

async function measureCount(page: Page, name: string): Promise<number> {
	return page.evaluate((n) => performance.getEntriesByName(n, 'measure').length, name);
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
		await dedicatedEngineWorker(browser.context);
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
			// The headline is the force area's records, as summary.json holds them (and the live page then shows: overviewTexts).
			const inArea = summary.overview.summary.forceArea!;
			expect(parseCount(await page.locator('[data-testid="records-inside"]').textContent())).toBe(inArea.records);
			expect(inArea.records + inArea.outside + inArea.unplaced).toBe(raw.records);
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

	it("answers the Overview's controls from the summary before the engine, as the live view then does", async () => {
		const tab = await browser.newPage();
		const hold = holdWasm(browser.context);
		await hold.install();
		const shown = async () => ({
			table: await tab.locator('[data-testid="categories-table"] tr').allTextContents(),
			trend: await tab.locator('[data-testid="trend-table"] tr').allTextContents()
		});
		let byHarm: Awaited<ReturnType<typeof shown>>;
		try {
			await tab.goto(`${server.url}/`);
			await tab.locator('main[data-start="summary"] [data-testid="first-view"] [data-testid="categories"][data-state="ready"]').waitFor({ timeout: 60_000 });
			const byCount = await tab.locator('[data-testid="categories-table"] tr').allTextContents();
			// The measure switch re-orders the categories by harm from the summary's figures.
			await tab.locator('input[name="measure"][value="harm"]').check();
			await tab.waitForURL(/measure=harm/);
			expect(await tab.locator('main').getAttribute('data-start')).toBe('summary');
			byHarm = await shown();
			expect(byHarm.table).not.toEqual(byCount);
			// Largest harm first, as summary.json's figures give it.
			const harms = summary.overview.categories.filter((c) => c.harm !== null).map((c) => c.harm!).sort((a, b) => b - a);
			const firstRow = await tab.locator('[data-testid="categories-table"] tbody tr').first().getAttribute('data-category');
			expect(summary.overview.categories.find((c) => c.category === firstRow)!.harm).toBe(harms[0]);
		} finally {
			await hold.release();
		}
		// The live view, with the same choice (from the URL), shows the same.
		await tab.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		expect(await tab.locator('input[name="measure"][value="harm"]').isChecked()).toBe(true);
		expect(await shown()).toEqual(byHarm);
		expect(browser.takeProblems()).toEqual([]);
		await tab.close();
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
			await markCanvas(tab);
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
		// Drawn on the map the first view built, with no picture over it; the first layer asked
		// DuckDB nothing and restyled the cells already sent (no setData).
		expect(await sameCanvas(tab)).toBe(true);
		expect(await tab.locator('[data-testid="map-snapshot"]').count()).toBe(0);
		expect(await measureCount(tab, 'clearsight:map-values')).toBe(0);
		expect(await measureCount(tab, 'clearsight:map-restyle')).toBe(1);
		await tab.waitForFunction(() => performance.getEntriesByName('clearsight:interactive').length === 1);
		expect(browser.takeProblems()).toEqual([]);
		await tab.close();
	});

	it("keeps the first view's map when the summary does not answer for the database, and draws DuckDB's layer on it", async () => {
		const tab = await browser.newPage();
		const hold = holdWasm(browser.context);
		await hold.install();
		// A summary computed under another harm model than the one the database weights by (its
		// manifest entry made to match it, so the first view reads it): its figures are then not
		// the database's answers (web/lib/db/start-answers.ts).
		const summaryFile = readManifest(dataDir).summary!.file;
		const other = Buffer.from(JSON.stringify({ ...JSON.parse(readFileSync(join(dataDir, summaryFile), 'utf8')), harm_model: 'another-model@0' }));
		const otherEntry = { file: summaryFile, bytes: other.byteLength, sha256: createHash('sha256').update(other).digest('hex') };
		let summaryAsked = false;
		await tab.route(/\/manifest\.json$/, async (route) => {
			const response = await route.fetch();
			const manifest = (await response.json()) as { summary: typeof otherEntry };
			await route.fulfill({ response, json: { ...manifest, summary: otherEntry } });
		});
		await tab.route(
			(url) => url.pathname.endsWith(`/${summaryFile}`),
			(route) => {
				summaryAsked = true;
				return route.fulfill({ status: 200, contentType: 'application/json', body: other });
			}
		);
		let legend: string[] = [];
		let level = '';
		try {
			await tab.goto(`${server.url}/map`);
			await tab.waitForFunction(() => (document.querySelector('[data-testid="first-view"] .map-area')?.getAttribute('data-preview-drawn') ?? '') !== '', null, {
				timeout: 60_000
			});
			level = (await tab.locator('[data-testid="first-view"] .map-area').getAttribute('data-level'))!;
			legend = await tab.locator('[data-testid="first-view"] [data-testid="legend"] li').allTextContents();
			await markCanvas(tab);
		} finally {
			await hold.release();
		}
		await tab.waitForFunction(() => (document.querySelector('main[data-start="live"] .map-area')?.getAttribute('data-drawn') ?? '') !== '', null, {
			timeout: 60_000
		});
		expect(summaryAsked).toBe(true);
		// The same map, the layer computed by DuckDB and sent with one setData (not restyled over the summary's cells); the same data, so the same legend.
		expect(await sameCanvas(tab)).toBe(true);
		expect(await measureCount(tab, 'clearsight:map-values')).toBeGreaterThan(0);
		expect(await measureCount(tab, 'clearsight:map-restyle')).toBe(0);
		expect(await tab.locator('.map-area').getAttribute('data-level')).toBe(level);
		expect(await tab.locator('[data-testid="legend"] li').allTextContents()).toEqual(legend);
		await tab.locator('[data-testid="map"][data-state="idle"]').waitFor();
		expect(await tab.locator('[data-testid="legend-force"] [data-key="outline"]').textContent()).toContain('Force area boundary');
		expect(browser.takeProblems()).toEqual([]);
		await tab.close();
	});
});

describe("the Map's first view does not wait for the map library", () => {
	let browser: TestBrowser;

	beforeAll(async () => {
		browser = await launchBrowser();
		await dedicatedEngineWorker(browser.context);
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('draws the first layer as a picture while maplibre-gl is held back, where the map then draws the same cells', async () => {
		const tab = await browser.newPage();
		const wasm = holdWasm(browser.context);
		// maplibre-gl cannot load its style (so draws nothing) without its worker.
		const maplibre = holdWasm(browser.context, /maplibre-gl-worker\.[^/]*\.mjs$/);
		await wasm.install();
		await maplibre.install();
		/** Page position of each cell's first corner in the picture, by cell id. */
		let corners: Record<string, { x: number; y: number }> = {};
		let level = '';
		try {
			await tab.goto(`${server.url}/map`);
			const snapshot = tab.locator('[data-testid="first-view"] [data-testid="map-snapshot"]');
			await snapshot.locator('path[data-cell]').first().waitFor({ timeout: 60_000 });
			level = (await tab.locator('[data-testid="first-view"] .map-area').getAttribute('data-level'))!;
			const layer = summary.map!.layers.find((l) => l.level === level)!;
			expect(layer).toBeDefined();
			// Every cell of the summary's layer, in the colours of its legend, before the map library has drawn anything.
			expect(Number(await snapshot.getAttribute('data-cells'))).toBe(layer.cells.length);
			expect((await snapshot.locator('path[data-cell]').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-cell')))).sort()).toEqual(
				layer.cells.map((c) => c[0]).sort()
			);
			expect(await tab.locator('[data-testid="first-view"] .map-area').getAttribute('data-preview-drawn')).toBe('');
			expect(maplibre.held.length).toBeGreaterThan(0);
			await tab.waitForFunction(() => performance.getEntriesByName('clearsight:first-view').length === 1);
			expect(await tab.locator('[data-testid="first-view"] [data-testid="legend"] li').count()).toBe(layer.classes.breaks.length);
			corners = await snapshot.evaluate((el) => {
				const svg = el.querySelector('svg')!;
				const box = svg.getBoundingClientRect();
				const out: Record<string, { x: number; y: number }> = {};
				for (const p of Array.from(svg.querySelectorAll<SVGPathElement>('path[data-cell]')).slice(0, 5)) {
					const [x, y] = /^M([-\d.]+) ([-\d.]+)/.exec(p.getAttribute('d')!)!.slice(1).map(Number);
					out[p.getAttribute('data-cell')!] = { x: box.left + x, y: box.top + y };
				}
				return out;
			});
		} finally {
			await maplibre.release();
		}
		// The map draws the same layer; the picture is then gone, and each corner is where the map puts it (within a pixel).
		await tab.waitForFunction(() => (document.querySelector('[data-testid="first-view"] .map-area')?.getAttribute('data-preview-drawn') ?? '') !== '', null, {
			timeout: 60_000
		});
		expect(await tab.locator('[data-testid="map-snapshot"]').count()).toBe(0);
		const { cellGeometries } = await import('../../analytics/explore/map');
		const ids = Object.keys(corners);
		expect(ids.length).toBeGreaterThan(0);
		const { geometries } = cellGeometries(level as 'h3_8', ids);
		for (const id of ids) {
			const g = geometries.get(id)!;
			const [lng, lat] = g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0][0][0];
			const onMap = await tab.evaluate(([a, b]) => (window as unknown as { __clearsightMap: { project(lng: number, lat: number): { x: number; y: number } } }).__clearsightMap.project(a, b), [lng, lat]);
			expect(Math.abs(onMap.x - corners[id].x)).toBeLessThan(1);
			expect(Math.abs(onMap.y - corners[id].y)).toBeLessThan(1);
		}
		await wasm.release();
		// The live view's hand-over: the live layer at the same level.
		await tab.waitForFunction(() => (document.querySelector('main[data-start="live"] .map-area')?.getAttribute('data-drawn') ?? '') !== '', null, {
			timeout: 60_000
		});
		expect(await tab.locator('.map-area').getAttribute('data-level')).toBe(level);
		expect(browser.takeProblems()).toEqual([]);
		await tab.close();
	});

	it('hands the map still loading to the live view when the database is ready first', async () => {
		const tab = await browser.newPage();
		const maplibre = holdWasm(browser.context, /maplibre-gl-worker\.[^/]*\.mjs$/);
		await maplibre.install();
		let level = '';
		try {
			await tab.goto(`${server.url}/map`);
			await tab.locator('[data-testid="first-view"] [data-testid="map-snapshot"] path[data-cell]').first().waitFor({ timeout: 60_000 });
			level = (await tab.locator('[data-testid="first-view"] .map-area').getAttribute('data-level'))!;
			await markCanvas(tab);
			// The live view comes while the map has not loaded its style: the picture stays over it.
			await tab.locator('main[data-start="live"] [data-testid="map-snapshot"] path[data-cell]').first().waitFor({ timeout: 60_000 });
			expect(await tab.locator('.map-area').getAttribute('data-drawn')).toBe('');
		} finally {
			await maplibre.release();
		}
		await tab.waitForFunction(() => (document.querySelector('main[data-start="live"] .map-area')?.getAttribute('data-drawn') ?? '') !== '', null, {
			timeout: 60_000
		});
		expect(await sameCanvas(tab)).toBe(true);
		expect(await tab.locator('[data-testid="map-snapshot"]').count()).toBe(0);
		expect(await tab.locator('.map-area').getAttribute('data-level')).toBe(level);
		await tab.locator('[data-testid="map"][data-state="idle"]').waitFor();
		await tab.waitForFunction(() => performance.getEntriesByName('clearsight:interactive').length === 1);
		expect(browser.takeProblems()).toEqual([]);
		await tab.close();
	});
});

const profiles = new WeakMap<BrowserContext, string>();

/**
 * Chromium in a profile of its own, without route interception (which turns the HTTP cache off),
 * so the HTTP and code caches work as a user's do; requests leaving 127.0.0.1 go to `offOrigin`.
 */
async function profileBrowser(prefix: string, extraArgs: string[], offOrigin: string[]): Promise<BrowserContext> {
	const profile = mkdtempSync(join(tmpdir(), prefix));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [...extraArgs, '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: { width: 1280, height: 900 }
	});
	profiles.set(context, profile);
	context.on('request', (r) => {
		if (!isLocal(r.url())) offOrigin.push(r.url());
	});
	return context;
}

async function closeProfileBrowser(context: BrowserContext | undefined): Promise<void> {
	if (!context) return;
	const profile = profiles.get(context);
	await context.close();
	if (profile) rmSync(profile, { recursive: true, force: true });
}

describe('a reload reuses what the browser has cached', () => {
	// Without route interception (which turns the HTTP cache off), in a profile of its own.
	let context: BrowserContext;
	const offOrigin: string[] = [];

	beforeAll(async () => {
		context = await profileBrowser('clearsight-cache-', [], offOrigin);
	});

	afterAll(() => closeProfileBrowser(context));

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
		// The tab's engine is kept in its SharedWorker (duckdb.ts): the wasm is not even revalidated.
		expect(reload.filter((r) => r.path === wasmPath)).toEqual([]);
		expect(offOrigin).toEqual([]);
	});
});

/** Chromium's own trace events about wasm streaming and its code cache (`v8.wasm.*`), recorded while `run` runs. */
async function wasmTrace(cdp: CDPSession, run: () => Promise<void>): Promise<Array<{ name: string; args: Record<string, unknown> }>> {
	const events: Array<{ name: string; args: Record<string, unknown> }> = [];
	const collect = (e: { value: Array<Record<string, unknown>> }) => {
		for (const v of e.value) {
			const name = String(v.name);
			if (name.startsWith('v8.wasm.') && name !== 'v8.wasm.compileConsume') events.push({ name, args: (v.args ?? {}) as Record<string, unknown> });
		}
	};
	cdp.on('Tracing.dataCollected', collect);
	await cdp.send('Tracing.start', { categories: 'disabled-by-default-devtools.timeline,v8.wasm', transferMode: 'ReportEvents' });
	try {
		await run();
	} finally {
		const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
		await cdp.send('Tracing.end');
		await complete;
		cdp.off('Tracing.dataCollected', collect);
	}
	return events;
}

describe("DuckDB-wasm's worker compiles the wasm from its HTTP response, so Chromium's code cache applies", () => {
	// V8 writes a module to the code cache after its optimised (top-tier) code has stopped growing
	// for 2 s (--wasm-caching-timeout-ms), or at once past 1 MB of it; while the app keeps
	// optimising that moment may come late. For this browser only the timeout is switched off and
	// the threshold lowered, so the cache is written during the first load; through DuckDB-wasm's
	// own progress wrapper (a synthetic Response without a URL) nothing is cached or read back even
	// so (checked by hand: no v8.wasm.cachedModule, no moduleCacheHit).
	let context: BrowserContext;
	const offOrigin: string[] = [];

	beforeAll(async () => {
		context = await profileBrowser('clearsight-code-cache-', ['--js-flags=--wasm-caching-threshold=1 --wasm-caching-timeout-ms=0'], offOrigin);
		// A reload in the same tab keeps the SharedWorker's engine and compiles nothing: the code
		// cache is read by an engine started afresh, here the dedicated worker (as where SharedWorker
		// is missing; a new tab's SharedWorker compiles the same way).
		await dedicatedEngineWorker(context);
	});

	afterAll(() => closeProfileBrowser(context));

	async function liveOverview(page: Page): Promise<string[]> {
		await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		await waitForApp(page);
		const raw = streetFigures();
		expect(parseCount(await page.locator('[data-testid="records"]').textContent())).toBe(raw.records);
		expect(parseCount(await page.locator('[data-testid="asb"]').textContent())).toBe(raw.antiSocialBehaviour);
		expect(parseCount(await page.locator('[data-testid="no-location"]').textContent())).toBe(raw.noLocation);
		return overviewTexts(page);
	}

	it('starts the worker through the shim, caches the compiled module under the wasm URL and reads it back on the reload, with the same figures', async () => {
		const page = context.pages()[0] ?? (await context.newPage());
		const workers: Worker[] = [];
		page.on('worker', (w) => workers.push(w));
		const cdp = await context.newCDPSession(page);
		const origin = new URL(server.url).origin;

		let firstTexts: string[] = [];
		const first = await wasmTrace(cdp, async () => {
			await page.goto(`${server.url}/`);
			firstTexts = await liveOverview(page);
			// The cache is written as the engine's code is optimised: wait for the first write (no time asserted).
			await page.waitForTimeout(1000);
		});
		// The DuckDB worker is our shim, given DuckDB-wasm's own worker on this origin; in it there is no TransformStream.
		const shim = workers.find((w) => new URL(w.url()).pathname.includes('duckdb-worker-shim'));
		expect(shim).toBeDefined();
		const shimUrl = new URL(shim!.url());
		expect(shimUrl.origin).toBe(origin);
		expect(shimUrl.pathname).toMatch(/^\/_app\/immutable\/assets\/duckdb-worker-shim\.[^/]+\.js$/);
		const target = new URL(shimUrl.searchParams.get('worker')!);
		expect(target.origin).toBe(origin);
		expect(target.pathname).toMatch(/^\/_app\/immutable\/assets\/duckdb-browser-(eh|mvp)\.worker\.[^/]+\.js$/);
		expect(await shim!.evaluate('typeof TransformStream')).toBe('undefined');

		// Chromium compiled the module streamed from the wasm's own response and cached it under its URL.
		const compiled = first.filter((e) => e.name === 'v8.wasm.compiledModule').map((e) => String(e.args.url));
		expect(compiled.length).toBeGreaterThan(0);
		const wasmUrl = compiled[0];
		expect(new URL(wasmUrl).origin).toBe(origin);
		expect(new URL(wasmUrl).pathname).toMatch(/^\/_app\/immutable\/assets\/duckdb-(eh|mvp)\.[^/]+\.wasm$/);
		expect(compiled.every((u) => u === wasmUrl)).toBe(true);
		expect(first.some((e) => e.name === 'v8.wasm.cachedModule' && Number(e.args.producedCacheSize) > 0)).toBe(true);
		expect(first.some((e) => e.name === 'v8.wasm.moduleCacheHit')).toBe(false);

		// The reload: the same module, from the code cache, and the same figures.
		const reload = await wasmTrace(cdp, async () => {
			await page.reload();
			expect(await liveOverview(page)).toEqual(firstTexts);
		});
		const hits = reload.filter((e) => e.name === 'v8.wasm.moduleCacheHit');
		expect(hits.map((e) => e.args.url)).toEqual([wasmUrl]);
		expect(Number(hits[0].args.consumedCacheSize)).toBeGreaterThan(0);
		expect(reload.some((e) => e.name === 'v8.wasm.moduleCacheInvalid')).toBe(false);
		expect(offOrigin).toEqual([]);
	});

	it('refuses to load a DuckDB worker from another origin', async () => {
		const page = context.pages()[0] ?? (await context.newPage());
		const shimPath = readdirSync('build/_app/immutable/assets').find((f) => /^duckdb-worker-shim\.[^/]+\.js$/.test(f));
		expect(shimPath).toBeDefined();
		const messages = (await page.evaluate(
			`Promise.all(['http://example.invalid/duckdb-browser-eh.worker.js', ''].map((target) => new Promise((done) => {
				const url = new URL('/_app/immutable/assets/${shimPath}', location.href);
				if (target) url.searchParams.set('worker', target);
				const worker = new Worker(url.href);
				worker.onerror = (e) => { e.preventDefault(); worker.terminate(); done(e.message); };
			})))`
		)) as string[];
		expect(messages[0]).toContain('the DuckDB worker must be on this origin, not http://example.invalid');
		expect(messages[1]).toContain('no ?worker= URL given');
		expect(offOrigin).toEqual([]);
	});
});
