/**
 * The DuckDB-wasm engine kept across a reload (web/lib/db/duckdb.ts, duckdb-worker-shim.js), in
 * headless Chromium against the built app and the sample sources, on a server of its own whose
 * every request is logged:
 * - a reload finds the engine its tab's last page left in a SharedWorker: no request for the
 *   wasm, no instantiate measure, the `clearsight:engine-reused` mark, the Data page saying so,
 *   and the Overview's figures (those the raw CSVs give) the same as before the reload;
 * - a duplicated tab (its sessionStorage copied, the engine still held by the first) takes an
 *   engine of its own, and both tabs answer, each with its own engine, after a reload;
 * - after a reload, switching source opens the other source's figures, and a reload then keeps
 *   that engine;
 * - a page of the same tab id opened soon after the last one closed finds the engine; once the
 *   worker has had no page for its idle time (10 s) it has closed itself, and the engine is new;
 * - where SharedWorker is missing (deleted before the app starts), the engine runs in a dedicated
 *   worker as before, instantiated on every load, and the Data page says so.
 * No wall-clock assertion: only what is drawn, what reached the server and which marks exist.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { streetFigures } from './expected';
import { startServer, type RunningServer } from '../../scripts/lib/server';

const dataRoot = inject('dataRoot');
const street = streetFigures();
/** Lancashire's records: the raw file's data lines (its header excluded). */
const LANCASHIRE_RECORDS =
	readFileSync('sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab', 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '').length - 1;

let server: RunningServer;
let browser: TestBrowser;
/** Every path the server was asked for. */
const served: string[] = [];

beforeAll(async () => {
	server = await startServer({ buildDir: 'build', dataDir: dataRoot });
	server.server.prependListener('request', (req) => served.push((req.url ?? '').split('?')[0]));
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await server?.close();
});

interface EngineState {
	reused: boolean;
	instantiated: boolean;
	tab: string | null;
}

/** Wait for the live Overview (figures from DuckDB), check its records against the raw rows, and return its headline figures. */
async function liveOverview(page: Page, records = street.records): Promise<string[]> {
	await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
	await page.locator('section.headline[data-state="ready"]').waitFor({ timeout: 60_000 });
	await waitForApp(page, 60_000);
	expect(parseCount(await page.getByTestId('records').first().textContent())).toBe(records);
	return page.locator('section.headline dd').allTextContents();
}

/** Whether this page's engine was reused or instantiated, and the tab's engine id. */
async function engineState(page: Page): Promise<EngineState> {
	return page.evaluate(() => ({
		reused: performance.getEntriesByName('clearsight:engine-reused', 'mark').length === 1,
		instantiated: performance.getEntriesByName('clearsight:engine-instantiate', 'measure').length === 1,
		tab: sessionStorage.getItem('clearsight:engine-tab')
	}));
}

/** The wasm binaries the server was asked for since `from`. */
const wasmSince = (from: number) => served.slice(from).filter((p) => /duckdb-(eh|mvp|coi)[^/]*\.wasm$/.test(p));

async function loadTimings(page: Page): Promise<string> {
	await page.getByTestId('load-timings').waitFor({ timeout: 60_000 });
	return (await page.getByTestId('load-timings').textContent()) ?? '';
}

describe('a reload keeps the DuckDB-wasm engine of its tab', () => {
	let page: Page;
	let tab: string | null;

	beforeAll(async () => {
		page = await browser.newPage();
	});

	afterAll(async () => {
		await page?.close();
	});

	it('instantiates the engine on the first load, then reuses it on a reload with the same figures and no wasm fetch', async () => {
		const start = served.length;
		await page.goto(`${server.url}/`);
		const first = await liveOverview(page);
		expect(wasmSince(start).length).toBe(1);
		const cold = await engineState(page);
		expect(cold).toMatchObject({ reused: false, instantiated: true });
		tab = cold.tab;
		expect(tab).toBeTruthy();

		const mid = served.length;
		await page.reload();
		expect(await liveOverview(page)).toEqual(first);
		expect(await engineState(page)).toEqual({ reused: true, instantiated: false, tab });
		expect(wasmSince(mid)).toEqual([]);
		// A fresh database in the kept engine: base.duckdb was attached again (registered by the same name).
		expect(await page.evaluate(() => performance.getEntriesByName('clearsight:engine-open', 'measure').length)).toBe(1);
	});

	it('says on the Data page that the engine was kept from the last page of the tab', async () => {
		await page.goto(`${server.url}/data`);
		expect(await loadTimings(page)).toContain('kept from the last page of this tab');
		expect((await engineState(page)).tab).toBe(tab);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('switches source after a reload, and a reload then keeps the engine of that source', async () => {
		await page.goto(`${server.url}/`);
		await liveOverview(page);
		await page.getByLabel('Data source', { exact: true }).selectOption('lancashire-asb');
		await page.waitForURL(/\?source=lancashire-asb$/);
		await page.locator('main[data-source="lancashire-asb"]').waitFor({ timeout: 60_000 });
		const lancashire = await liveOverview(page, LANCASHIRE_RECORDS);
		// The switch started another engine (the old one is terminated): it was instantiated, not reused.
		expect(await page.evaluate(() => performance.getEntriesByName('clearsight:engine-instantiate', 'measure').length)).toBe(1);

		const mid = served.length;
		await page.reload();
		await page.locator('main[data-source="lancashire-asb"]').waitFor({ timeout: 60_000 });
		expect(await liveOverview(page, LANCASHIRE_RECORDS)).toEqual(lancashire);
		expect(await engineState(page)).toEqual({ reused: true, instantiated: false, tab });
		expect(wasmSince(mid)).toEqual([]);
		expect(browser.takeProblems()).toEqual([]);
	});
});

describe('a duplicated tab gets an engine of its own', () => {
	it('takes a new tab id while the first tab holds its engine, and both answer after a reload', async () => {
		const first = await browser.newPage();
		await first.goto(`${server.url}/`);
		const figures = await liveOverview(first);
		const original = await engineState(first);

		// Duplicating a tab copies its sessionStorage, the flag saying a page holds the engine included.
		const copied = await first.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
		const second = await browser.newPage();
		await second.addInitScript((entries: string) => {
			if (sessionStorage.getItem('clearsight:engine-tab') !== null) return;
			for (const [k, v] of JSON.parse(entries) as Array<[string, string]>) sessionStorage.setItem(k, v);
		}, copied);
		await second.goto(`${server.url}/`);
		expect(await liveOverview(second)).toEqual(figures);
		const duplicate = await engineState(second);
		expect(duplicate.reused).toBe(false);
		expect(duplicate.instantiated).toBe(true);
		expect(duplicate.tab).toBeTruthy();
		expect(duplicate.tab).not.toBe(original.tab);

		// Both engines live on: each tab's reload finds its own.
		await first.reload();
		expect(await liveOverview(first)).toEqual(figures);
		expect(await engineState(first)).toEqual({ reused: true, instantiated: false, tab: original.tab });
		await second.reload();
		expect(await liveOverview(second)).toEqual(figures);
		expect(await engineState(second)).toEqual({ reused: true, instantiated: false, tab: duplicate.tab });
		expect(browser.takeProblems()).toEqual([]);
		await first.close();
		await second.close();
	});
});

describe("a closed tab's engine does not outlive it for long", () => {
	/** Open `/` in a new page carrying `entries` as its sessionStorage (a tab's storage restored), and its engine state. */
	async function openWith(entries: string): Promise<{ page: Page; state: EngineState }> {
		const page = await browser.newPage();
		await page.addInitScript((e: string) => {
			if (sessionStorage.getItem('clearsight:engine-tab') !== null) return;
			for (const [k, v] of JSON.parse(e) as Array<[string, string]>) sessionStorage.setItem(k, v);
		}, entries);
		await page.goto(`${server.url}/`);
		await liveOverview(page);
		return { page, state: await engineState(page) };
	}

	it('is found by a page of the same tab id soon after the last page went, and gone once the worker has been idle 10 s', async () => {
		const first = await browser.newPage();
		await first.goto(`${server.url}/`);
		await liveOverview(first);
		const tab = (await engineState(first)).tab;
		// The tab's storage as pagehide leaves it: no page holds the engine.
		const entries = await first.evaluate(() =>
			JSON.stringify(Object.entries(sessionStorage).filter(([k]) => k !== 'clearsight:engine-held'))
		);
		await first.close({ runBeforeUnload: true });

		const soon = await openWith(entries);
		expect(soon.state).toEqual({ reused: true, instantiated: false, tab });
		await soon.page.close({ runBeforeUnload: true });

		// The shim closes itself 10 s after the last page's bye (duckdb-worker-shim.js, IDLE_MS).
		await new Promise((done) => setTimeout(done, 13_000));
		const later = await openWith(entries);
		expect(later.state).toEqual({ reused: false, instantiated: true, tab });
		expect(browser.takeProblems()).toEqual([]);
		await later.page.close();
	});
});

describe('without SharedWorker the engine runs in a dedicated worker', () => {
	it('instantiates it on every load, with the same figures, and the Data page says so', async () => {
		const page = await browser.newPage();
		await page.addInitScript(() => {
			delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
		});
		const start = served.length;
		await page.goto(`${server.url}/`);
		const figures = await liveOverview(page);
		expect(await engineState(page)).toMatchObject({ reused: false, instantiated: true });
		expect(wasmSince(start).length).toBe(1);

		await page.reload();
		expect(await liveOverview(page)).toEqual(figures);
		expect(await engineState(page)).toMatchObject({ reused: false, instantiated: true });

		await page.goto(`${server.url}/data`);
		expect(await loadTimings(page)).toContain('started in a dedicated worker');
		expect(browser.takeProblems()).toEqual([]);
		await page.close();
	});
});
