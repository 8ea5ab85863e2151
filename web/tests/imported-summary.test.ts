/**
 * An imported source saved with a start-up summary this app no longer reads (version 1), or with
 * none, gets a current one after one load (start-summary.ts keepImportedSummaryCurrent), stored
 * with the source in the browser; the next load draws the Overview's first view from it before
 * DuckDB-wasm has its binary, with the figures the command-line builder counts for the same file
 * and those the live view then shows; in the Origin Private File System and, where a browser has
 * none, in IndexedDB. A fresh import's summary (the Overview's part only) gets its map part the
 * same way: the next load's Map draws its first layer from it before the database is ready, the
 * cells the live layer then shows and the command-line builder's summary holds for the same file;
 * a source whose records have no location says there is nothing to map, before the database and
 * after, and its live Map alone (the page interactive with nothing to draw) gets its summary stored. In headless Chromium
 * against the built app; the imported file is one real month of the City of London's street
 * records. No wall-clock assertion.
 */
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { buildExtracts } from '../../scripts/lib/extracts';
import type { StartSummary } from '../../analytics/overview/summary';

const baseUrl = inject('baseUrl');
const FILE = 'sample-data/police-uk/city-of-london/street/2019-04-city-of-london-street.csv';
const LABEL = 'City April 2019 (summary kept current)';

let browser: TestBrowser;
let tmp: string;
/** Street records of the file, as the command-line builder accepts them. */
let records: number;
/** The start-up summary the command-line builder writes for the file (the served build's). */
let built: StartSummary;

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
		// Route interception does not see a SharedWorker's requests: the engine is started in the
		// dedicated worker the app falls back on without SharedWorker (web/lib/db/duckdb.ts), whose wasm it holds.
		install: async () => {
			await context.addInitScript(() => {
				delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
			});
			await context.route(pattern, handler);
		},
		release: () => {
			release();
			return context.unroute(pattern, handler);
		}
	};
}

type Backend = 'opfs' | 'indexeddb';

/**
 * In `page`, on the stored files of imported source `name` (in OPFS or IndexedDB, as
 * web/lib/import/storage.ts keeps them): `read` gives the summary its files name (meta.json's,
 * else the manifest's) as its file and version, null for none (`summary`: and the summary itself); `v1` and `none` put the source back
 * as an older app saved it: no summary computed in the browser since, and the import's own
 * summary.json of version 1 (`v1`) or none at all (`none`), with meta.json's sizes and sha256 kept
 * true so the source stays whole.
 */
async function stored(page: Page, backend: Backend, name: string, action: 'read' | 'summary' | 'v1' | 'none'): Promise<{ file: string; version: unknown; summary?: StartSummary } | null> {
	return page.evaluate(
		async ({ backend, name, action }) => {
			const STORE = 'clearsight-imports';
			const idb = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
			const db = backend === 'indexeddb' ? await idb(indexedDB.open(STORE)) : null;
			const dir = backend === 'opfs' ? await (await (await navigator.storage.getDirectory()).getDirectoryHandle(STORE)).getDirectoryHandle(name) : null;
			const files = {
				async read(file: string): Promise<Uint8Array> {
					if (dir) return new Uint8Array(await (await (await dir.getFileHandle(file)).getFile()).arrayBuffer());
					return (await idb(db!.transaction('files').objectStore('files').get(`${name}/${file}`))) as Uint8Array;
				},
				async write(file: string, bytes: Uint8Array) {
					if (dir) {
						const w = await (await dir.getFileHandle(file, { create: true })).createWritable();
						await w.write(bytes as Uint8Array<ArrayBuffer>);
						return w.close();
					}
					await idb(db!.transaction('files', 'readwrite').objectStore('files').put(bytes, `${name}/${file}`));
				},
				async remove(file: string) {
					if (dir) return dir.removeEntry(file);
					await idb(db!.transaction('files', 'readwrite').objectStore('files').delete(`${name}/${file}`));
				}
			};
			const hex = async (bytes: Uint8Array) =>
				Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)), (b) => b.toString(16).padStart(2, '0')).join('');
			const json = async (file: string) => JSON.parse(new TextDecoder().decode(await files.read(file)));
			const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, '\t') + '\n');
			try {
				const meta = await json('meta.json');
				const manifest = await json('manifest.json');
				if (action === 'read' || action === 'summary') {
					const entry = meta.summary ?? manifest.summary;
					if (!entry) return null;
					const summary = await json(entry.file);
					return { file: entry.file as string, version: summary.summary_version as unknown, ...(action === 'summary' ? { summary } : {}) };
				}
				if (meta.summary) {
					delete meta.files[meta.summary.file];
					await files.remove(meta.summary.file);
					delete meta.summary;
				}
				if (action === 'v1') {
					const bytes = new TextEncoder().encode(JSON.stringify({ ...(await json(manifest.summary.file)), summary_version: 1 }));
					await files.write(manifest.summary.file, bytes);
					manifest.summary = { ...manifest.summary, bytes: bytes.byteLength, sha256: await hex(bytes) };
					meta.files[manifest.summary.file] = { bytes: bytes.byteLength, sha256: manifest.summary.sha256 };
				} else if (manifest.summary) {
					delete meta.files[manifest.summary.file];
					await files.remove(manifest.summary.file);
					delete manifest.summary;
				}
				const m = encode(manifest);
				await files.write('manifest.json', m);
				meta.files['manifest.json'] = { bytes: m.byteLength, sha256: await hex(m) };
				await files.write('meta.json', encode(meta));
				return null;
			} finally {
				db?.close();
			}
		},
		{ backend, name, action }
	);
}

/** The Overview's figures as shown: headline values, the trend table and the categories table. */
async function overviewTexts(page: Page): Promise<string[]> {
	return [
		...(await page.locator('section.headline dd').allTextContents()),
		...(await page.locator('[data-testid="trend-table"] tr').allTextContents()),
		...(await page.locator('[data-testid="categories-table"] tr').allTextContents())
	];
}

/** Import `file` ({@link FILE}) as `label` on the Data page of `page`; returns the new source's id. */
async function importFile(page: Page, file = FILE, label = LABEL): Promise<string> {
	await page.goto(`${baseUrl}/data`);
	await waitForApp(page, 90_000);
	await page.locator('[data-testid="import-files"]').setInputFiles([file]);
	await page.locator('[data-testid="import-chosen"]').waitFor();
	await page.locator('[data-testid="import-label"]').fill(label);
	await page.locator('[data-testid="import-start"]').click();
	await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: 120_000 });
	expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);
	return (await page.locator('[data-testid="local-sources"] tr', { hasText: label }).getAttribute('data-source'))!;
}

/**
 * Save the source back as an older app did (`kind`), load it once (the live view, then the summary
 * computed and stored), then load it again with DuckDB-wasm's binary held back: the Overview's
 * first view from the stored summary, then the live view with the same figures.
 */
async function keptCurrent(page: Page, backend: Backend, id: string, kind: 'v1' | 'none') {
	const name = id.slice('local:'.length);
	expect(await stored(page, backend, name, 'read')).toMatchObject({ version: 2 });
	await stored(page, backend, name, kind);
	expect(await stored(page, backend, name, 'read')).toEqual(kind === 'v1' ? { file: 'summary.json', version: 1 } : null);
	const url = `${baseUrl}/?source=${encodeURIComponent(id)}`;

	await page.goto(url);
	await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
	await expect.poll(() => stored(page, backend, name, 'read'), { timeout: 60_000 }).toMatchObject({ file: expect.stringMatching(/^summary-[0-9a-f]{16}\.json$/), version: 2 });
	// Recorded once, after the live view was drawn.
	await expect.poll(() => page.evaluate(() => performance.getEntriesByName('clearsight:imported-summary', 'measure').length)).toBe(1);

	const hold = holdWasm(page.context());
	await hold.install();
	let first: string[];
	try {
		await page.goto(url);
		await page.locator('main[data-start="summary"] [data-testid="first-view"] section.headline[data-state="ready"]').waitFor({ timeout: 60_000 });
		await page.locator('[data-testid="first-view"] [data-testid="trend"][data-state="ready"]').waitFor();
		await page.locator('[data-testid="first-view"] [data-testid="categories"][data-state="ready"]').waitFor();
		expect(await page.locator('[data-testid="overview"]').getAttribute('data-source-of-figures')).toBe('summary');
		expect(parseCount(await page.locator('[data-testid="records"]').textContent())).toBe(records);
		first = await overviewTexts(page);
	} finally {
		await hold.release();
	}
	await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
	await waitForApp(page);
	expect(await overviewTexts(page)).toEqual(first);
}

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-imported-summary-e2e-'));
	const { manifest } = await buildExtracts({ inputs: [FILE], out: join(tmp, 'cli'), areas: null });
	records = manifest.datasets.find((d) => d.name === 'incidents')!.rows;
	built = JSON.parse(readFileSync(join(tmp, 'cli', manifest.summary!.file), 'utf8')) as StartSummary;
	browser = await launchBrowser();
	// The engine in the dedicated worker the app falls back on without SharedWorker: route
	// interception does not see a SharedWorker's requests, so a held wasm would reach the engine
	// kept across the reload (as first-view.test.ts; engine-reuse.test.ts covers the SharedWorker).
	await browser.context.addInitScript(() => {
		delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
	});
}, 180_000);

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('an imported source stored with an older summary, or none', () => {
	let page: Page;
	let id: string;

	beforeAll(async () => {
		page = await browser.newPage();
		id = await importFile(page);
	}, 180_000);

	it.each(['v1', 'none'] as const)('(%s) gets a current summary after one load, and draws its first view from it on the next', async (kind) => {
		await keptCurrent(page, 'opfs', id, kind);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('(v1) kept in IndexedDB, where the browser has no Origin Private File System, likewise', async () => {
		const other = await browser.newPage();
		await other.addInitScript(() => {
			delete (StorageManager.prototype as unknown as Record<string, unknown>).getDirectory;
		});
		const saved = await importFile(other);
		expect(await other.locator('[data-testid="import-saved"]').textContent()).toContain('IndexedDB');
		await keptCurrent(other, 'indexeddb', saved, 'v1');
		await other.close();
		expect(browser.takeProblems()).toEqual([]);
	});
});

/** Whether the Map page's live layer (main[data-start="live"]) or its first view from the summary has been drawn. */
const liveMapDrawn = (page: Page) =>
	page.waitForFunction(() => (document.querySelector('main[data-start="live"] .map-area')?.getAttribute('data-drawn') ?? '') !== '', null, { timeout: 90_000 });

/** The live layer's cells as the table under the map lists them (every page of it). */
async function liveCells(page: Page): Promise<Array<{ cell: string; records: number; value: string }>> {
	const more = page.locator('[data-testid="cells-table"] ~ p button, .table-wrap + p button').filter({ hasText: /^Show/ });
	while ((await more.count()) > 0) await more.first().click();
	const rows = await page.locator('[data-testid="cells-table"] tbody tr').evaluateAll((trs) =>
		trs.map((tr) => ({
			cell: tr.getAttribute('data-cell') ?? '',
			records: tr.querySelector('[data-col="records"]')?.textContent?.trim() ?? '',
			value: tr.querySelector('[data-col="value"]')?.textContent?.trim() ?? ''
		}))
	);
	return rows.map((r) => ({ ...r, records: parseCount(r.records) })).sort((a, b) => (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0));
}

describe("a fresh import's summary (the Overview's part only) gets its map part", () => {
	it("after one load; the next load's Map draws its first layer from it before the database is ready, the live layer's cells", async () => {
		const page = await browser.newPage();
		const id = await importFile(page, FILE, `${LABEL}, map`);
		const name = id.slice('local:'.length);
		// The import's own summary: the Overview's figures, no map part.
		expect((await stored(page, 'opfs', name, 'summary'))?.summary?.map).toBeNull();
		const url = `${baseUrl}/map?source=${encodeURIComponent(id)}`;

		await page.goto(url);
		await liveMapDrawn(page);
		await expect
			.poll(async () => (await stored(page, 'opfs', name, 'summary'))?.summary?.map?.layers.length ?? 0, { timeout: 60_000 })
			.toBeGreaterThan(0);
		const kept = (await stored(page, 'opfs', name, 'summary'))!;
		expect(kept.file).toMatch(/^summary-[0-9a-f]{16}\.json$/);
		const map = kept.summary!.map!;
		// The served build's map part for the same file: the same layers, cells and classes.
		expect(map.layers.map((l) => l.level)).toEqual(built.map!.layers.map((l) => l.level));
		for (const [i, layer] of map.layers.entries()) {
			expect(layer.cells.map(([id, n, , outside, inForce]) => [id, n, outside, inForce])).toEqual(built.map!.layers[i].cells.map(([id, n, , outside, inForce]) => [id, n, outside, inForce]));
			for (const [j, cell] of layer.cells.entries()) expect(cell[2]).toBeCloseTo(built.map!.layers[i].cells[j][2], 9);
			expect(layer.classes.breaks).toEqual(built.map!.layers[i].classes.breaks);
		}

		const hold = holdWasm(page.context());
		await hold.install();
		let level = '';
		let legend: string[] = [];
		try {
			await page.goto(url);
			await page.waitForFunction(() => (document.querySelector('[data-testid="first-view"] .map-area')?.getAttribute('data-preview-drawn') ?? '') !== '', null, { timeout: 60_000 });
			// Drawn while DuckDB-wasm's binary is held back: the database is not ready.
			expect(await page.locator('main').getAttribute('data-start')).toBe('summary');
			level = (await page.locator('[data-testid="first-view"] .map-area').getAttribute('data-level'))!;
			const layer = map.layers.find((l) => l.level === level)!;
			expect(layer).toBeDefined();
			legend = await page.locator('[data-testid="first-view"] [data-testid="legend"] li').allTextContents();
			expect(legend).toHaveLength(layer.classes.breaks.length);
			const cellsPerClass = legend.map((t) => Number(/\((\d+) cells?\)/.exec(t)![1]));
			expect(cellsPerClass.reduce((a, b) => a + b, 0)).toBe(layer.cells.length);
		} finally {
			await hold.release();
		}
		await liveMapDrawn(page);
		expect(await page.locator('.map-area').getAttribute('data-level')).toBe(level);
		expect(await page.locator('[data-testid="legend"] li').allTextContents()).toEqual(legend);
		// The live layer's cells: the first view's, same ids, same records (the count measure's values).
		const layer = map.layers.find((l) => l.level === level)!;
		const live = await liveCells(page);
		expect(live.map((c) => [c.cell, c.records])).toEqual(layer.cells.map(([cell, n]) => [cell, n]));
		expect(live.map((c) => parseCount(c.value))).toEqual(layer.cells.map(([, n]) => n));
		expect(live.reduce((a, c) => a + c.records, 0)).toBeLessThanOrEqual(records);
		expect(browser.takeProblems()).toEqual([]);
		await page.close();
	});

	it('says there is nothing to map for a source whose records have no location, before the database and after; its live Map alone gets the summary stored', async () => {
		// The file's 47 records without a location (police.uk leaves Longitude empty), as a file of their own.
		const lines = readFileSync(FILE, 'utf8').split('\n');
		const unlocated = lines.filter((l, i) => i > 0 && l.split(',')[4] === '');
		expect(unlocated.length).toBe(47);
		const file = join(tmp, '2019-04-city-of-london-street.csv');
		writeFileSync(file, [lines[0], ...unlocated, ''].join('\n'));
		const page = await browser.newPage();
		const id = await importFile(page, file, 'City April 2019, no locations');
		const name = id.slice('local:'.length);
		const said = /47 of them have no location, so no map layer shows them/;

		// The live Map, the only page visited: it says why it shows no cell, and in the map's place
		// there is nothing to map (no map, no layer controls, no cells table).
		const nothing = '47 records, none with a location: there is nothing to map.';
		await page.goto(`${baseUrl}/map?source=${encodeURIComponent(id)}`);
		await page.locator('main[data-start="live"] [data-testid="map-summary"]').waitFor({ timeout: 90_000 });
		await expect.poll(async () => (await page.locator('[data-testid="map-summary"]').textContent()) ?? '').toMatch(said);
		const none = page.locator('main[data-start="live"] [data-testid="map-none"]');
		await none.waitFor({ timeout: 60_000 });
		expect((await none.textContent())?.trim()).toBe(nothing);
		expect(await page.locator('[data-testid="map"], [data-testid="layer-select"], [data-testid="export-geojson"], #cells-title').count()).toBe(0);
		// The page is interactive with nothing to draw, so the summary is computed after the Map's
		// live view: a map part with no layer and no bounds.
		await expect.poll(() => page.evaluate(() => performance.getEntriesByName('clearsight:interactive', 'mark').length), { timeout: 60_000 }).toBe(1);
		await expect
			.poll(async () => (await stored(page, 'opfs', name, 'summary'))?.summary?.map ?? null, { timeout: 60_000 })
			.toMatchObject({ bounds: null, layers: [], datasets: [{ dataset: 'incidents', records: 47, levels: [] }] });
		await expect.poll(() => page.evaluate(() => performance.getEntriesByName('clearsight:imported-summary', 'measure').length)).toBe(1);

		const hold = holdWasm(page.context());
		await hold.install();
		try {
			await page.goto(`${baseUrl}/map?source=${encodeURIComponent(id)}`);
			const first = page.locator('main[data-start="summary"] [data-testid="first-view"] [data-testid="map-preview-none"]');
			await first.waitFor({ timeout: 60_000 });
			expect((await first.textContent())?.trim()).toBe(nothing);
		} finally {
			await hold.release();
		}
		await page.locator('main[data-start="live"] [data-testid="map-summary"]').waitFor({ timeout: 90_000 });
		await expect.poll(async () => (await page.locator('[data-testid="map-summary"]').textContent()) ?? '').toMatch(said);
		await none.waitFor({ timeout: 60_000 });
		expect((await none.textContent())?.trim()).toBe(nothing);
		await expect.poll(() => page.evaluate(() => performance.getEntriesByName('clearsight:interactive', 'mark').length), { timeout: 60_000 }).toBe(1);
		expect(browser.takeProblems()).toEqual([]);
		await page.close();
	});
});
