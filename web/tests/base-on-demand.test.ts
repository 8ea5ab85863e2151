/**
 * Base rows on demand, in headless Chromium against the built app and the City of London sample:
 * the extract's base rows (incidents, stop_search, events, quarantine) are tables of base.duckdb,
 * which DuckDB-wasm attaches over HTTP and reads by byte ranges (web/lib/db/README.md).
 *
 * Every request for base.duckdb (the page's and its worker's) is recorded with its Range header,
 * status and body size, by the server itself: the test serves the built app on its own instance of
 * the production static server and watches each answer leave it. The engine runs in a SharedWorker
 * (kept across a reload, web/lib/db/duckdb.ts), whose requests the browser context's request
 * events do not see; the server sees every request, whichever worker sends it (and, like every
 * test server, logs each answer with status >= 400 for the harness's check, scripts/lib/http-log.ts,
 * so a failed read fails the test too). The test fails if any answer carries the whole file (a 200, or a 206
 * covering all of it), or if the bytes fetched add up to the file's size; and if opening a map
 * cell's records does not read base.duckdb by range requests, or shows rows other than the raw
 * police.uk CSVs hold for that cell (first row of a repeated Crime ID kept, h3-js here).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { latLngToCell } from 'h3-js';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { countedStreetRows, readManifest } from './expected';
import type { ExtractManifest } from '$analytics/ingest/extract-schema';
import { startServer, type RunningServer } from '../../scripts/lib/server';

const dataDir = inject('dataDir');
const dataRoot = inject('dataRoot');
const SOURCE = 'city-of-london';
const LEVEL = 'h3_8';
const RES = 8;
/** Rows per page of the cell's record list (web/lib/explore/map/CellPanel.svelte). */
const PAGE_ROWS = 25;

interface Fetch {
	method: string;
	range: string | null;
	status: number;
	contentRange: string | null;
	/** Bytes of the response body as received. */
	body: number;
}

let browser: TestBrowser;
let server: RunningServer;
let baseUrl: string;
let page: Page;
let manifest: ExtractManifest;
const fetches: Fetch[] = [];
const pending: Promise<void>[] = [];

/**
 * Record one request for base.duckdb as the server answers it: the bytes of the body actually
 * written (counted as they leave, so an answer the browser cuts short counts what was sent).
 */
function record(req: IncomingMessage, res: ServerResponse): void {
	if (!new URL(req.url ?? '/', 'http://server').pathname.endsWith('/base.duckdb')) return;
	let body = 0;
	const count = (chunk: unknown, encoding?: unknown) => {
		if (typeof chunk === 'string') body += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
		else if (chunk instanceof Uint8Array) body += chunk.byteLength;
	};
	const write = res.write.bind(res) as (...args: unknown[]) => boolean;
	const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
	res.write = ((chunk: unknown, ...rest: unknown[]) => {
		count(chunk, rest[0]);
		return write(chunk, ...rest);
	}) as ServerResponse['write'];
	res.end = ((chunk?: unknown, ...rest: unknown[]) => {
		if (chunk !== undefined && typeof chunk !== 'function') count(chunk, rest[0]);
		return end(chunk, ...rest);
	}) as ServerResponse['end'];
	// In the order the requests arrive, filled in as each answer ends.
	const range = req.headers['range'];
	const entry: Fetch = { method: req.method ?? 'GET', range: typeof range === 'string' ? range : null, status: 0, contentRange: null, body: 0 };
	fetches.push(entry);
	const recorded = new Promise<void>((done) => {
		res.once('close', () => {
			const contentRange = res.getHeader('content-range');
			entry.status = res.statusCode;
			entry.contentRange = typeof contentRange === 'string' ? contentRange : null;
			entry.body = body;
			done();
		});
	});
	pending.push(recorded);
}

/** Every base.duckdb request finished so far. */
async function settled(): Promise<Fetch[]> {
	await Promise.all(pending);
	return [...fetches];
}

/** The raw street rows located in `cell`, in the list's order: month, then file and line. */
function rawRowsOfCell(cell: string) {
	return countedStreetRows().filter((r) => r.Longitude !== '' && r.Latitude !== '' && latLngToCell(Number(r.Latitude), Number(r.Longitude), RES) === cell);
}

function busiestCell(): { cell: string; rows: number } {
	const counts = new Map<string, number>();
	for (const r of countedStreetRows()) {
		if (r.Longitude === '' || r.Latitude === '') continue;
		const cell = latLngToCell(Number(r.Latitude), Number(r.Longitude), RES);
		counts.set(cell, (counts.get(cell) ?? 0) + 1);
	}
	const [cell, rows] = [...counts].sort((a, b) => b[1] - a[1])[0];
	return { cell, rows };
}

/** The shown page of the cell's records: crime_id, month and category of each row. */
async function shownRows(): Promise<Array<{ month: string; category: string; crime_id: string }>> {
	return page.locator('[data-testid="cell-rows"]').evaluate((table) => {
		const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim().replaceAll(' ', '_'));
		return [...table.querySelectorAll('tbody tr')].map((tr) => {
			const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim());
			const get = (name: string) => cells[heads.indexOf(name)];
			return { month: get('month'), category: get('category'), crime_id: get('crime_id') };
		});
	});
}

/**
 * DuckDB-wasm's HEAD for the file's size as it opens base.duckdb: one per start of the database.
 * (The page's probe in web/lib/db/duckdb.ts, just before it, and DuckDB-wasm's own first read of
 * the header both ask for bytes=0-4095, so that range marks no start on its own: the server sees both.)
 */
const isStart = (f: Fetch) => f.method === 'HEAD';

/**
 * No answer carries the whole file, every read is a byte range answered 206, and what each page
 * load (each start of the database, from its HEAD on) fetched adds up to less than the file.
 */
function expectNoWholeDownload(all: Fetch[]): void {
	const size = manifest.base_database!.bytes;
	for (const f of all) {
		expect(f.status, `${f.method} ${f.range}: ${f.status}`).not.toBe(200);
		if (f.method === 'GET') {
			expect(f.range, 'every read of base.duckdb asks for a byte range').toMatch(/^bytes=\d+-\d*$/);
			expect(f.status).toBe(206);
			expect(f.body, `${f.range} → ${f.contentRange}`).toBeLessThan(size);
		}
	}
	const loads: Fetch[][] = [];
	for (const f of all) {
		if (isStart(f) || loads.length === 0) loads.push([]);
		loads[loads.length - 1].push(f);
	}
	for (const [i, load] of loads.entries()) {
		const fetched = load.reduce((s, f) => s + f.body, 0);
		expect(fetched, `bytes of base.duckdb fetched by page load ${i + 1} (${load.length} requests) against its size ${size}`).toBeLessThan(size);
	}
}

beforeAll(async () => {
	manifest = readManifest(dataDir);
	server = await startServer({ buildDir: 'build', dataDir: dataRoot });
	// First, so the counting wrappers are in place before the app's handler writes anything.
	server.server.prependListener('request', record);
	baseUrl = server.url;
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/map?source=${SOURCE}&layer=${LEVEL}`);
	await waitForApp(page);
	await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
});

afterEach(() => {
	expect(browser.takeProblems()).toEqual([]);
});

afterAll(async () => {
	const all = await settled().catch(() => fetches);
	console.log(
		`base.duckdb (${manifest?.base_database?.bytes} bytes): ${all.length} requests, ${all.reduce((s, f) => s + f.body, 0)} bytes fetched:`,
		all.map((f) => `${f.method} ${f.range ?? '-'} ${f.status} ${f.body}`).join('; ')
	);
	await browser?.close();
	await server?.close();
});

describe('base.duckdb, read on demand', () => {
	it('the extract stores the base rows in base.duckdb, not in Arrow files', () => {
		const base = manifest.datasets.filter((d) => d.format === 'duckdb-table').map((d) => d.name);
		expect(base).toEqual(['incidents', 'stop_search', 'events', 'quarantine']);
		expect(manifest.base_database).toMatchObject({ file: 'base.duckdb', storage_version: 'v1.4.0', sorted_by: 'month_index' });
	});

	it('opening the app attaches it with range requests only, fetching far less than the file', async () => {
		const all = await settled();
		expect(all.length).toBeGreaterThan(0);
		expectNoWholeDownload(all);
	});

	it("a cell's records are read from base.duckdb by range requests and are the raw CSVs' rows of that cell", async () => {
		const { cell, rows } = busiestCell();
		const raw = rawRowsOfCell(cell);
		expect(raw.length).toBe(rows);
		expect(rows).toBeGreaterThan(PAGE_ROWS * 2);
		const before = await settled();
		expect(before.filter(isStart).length, 'one start of the database so far').toBe(1);
		// Select the cell in the map's table (the page stays loaded: the attached database is reused).
		const row = page.locator(`[data-testid="cells-table"] tr[data-cell="${cell}"]`);
		const more = page.locator('[data-testid="cells-table"] ~ p button, .table-wrap + p button').filter({ hasText: /^Show/ });
		while ((await row.count()) === 0 && (await more.count()) > 0) await more.first().click();
		await row.locator('[data-testid="select-cell"]').click();
		await page.waitForURL((url) => url.searchParams.get('area') === `${LEVEL}:${cell}`);
		const panel = page.locator(`[data-testid="cell-panel"][data-cell="${cell}"]`);
		await panel.locator('[data-testid="cell-rows"]').waitFor({ timeout: 60_000 });
		expect(parseCount(await panel.locator('[data-testid="cell-records"]').textContent())).toBe(rows);
		await expect.poll(() => panel.locator('[data-testid="cell-rows-range"]').textContent()).toContain(`1–${PAGE_ROWS} of ${rows.toLocaleString('en-GB')}`);
		const expected = raw.map((r) => ({ month: r.Month, category: r['Crime type'], crime_id: r['Crime ID'] }));
		expect(await shownRows()).toEqual(expected.slice(0, PAGE_ROWS));
		const opened = (await settled()).slice(before.length);
		// Listing the cell's records read pages of base.duckdb (rows the start-up had not touched), by ranges.
		expect(opened.filter(isStart)).toEqual([]);
		expect(opened.filter((f) => f.method === 'GET' && f.status === 206).length, 'range requests for the records').toBeGreaterThan(0);
		expectNoWholeDownload(opened);

		// The next page of records: more rows of the same table, still by ranges.
		await panel.locator('[data-testid="cell-rows-next"]').click();
		await expect.poll(() => panel.locator('[data-testid="cell-rows-range"]').textContent()).toContain(`${PAGE_ROWS + 1}–${PAGE_ROWS * 2} of`);
		expect(await shownRows()).toEqual(expected.slice(PAGE_ROWS, PAGE_ROWS * 2));
		expectNoWholeDownload(await settled());
	});

	it('the Data page says the base rows are read on demand, and what is checked', async () => {
		await page.goto(`${baseUrl}/data?source=${SOURCE}`);
		await waitForApp(page);
		const timings = await page.getByTestId('load-on-demand').textContent();
		expect(timings).toContain('incidents, stop_search, events, quarantine read on demand from base.duckdb');
		expect(await page.getByTestId('integrity-on-demand').textContent()).toMatch(/base\.duckdb: its size, its header and each table's row count .* its sha256 is not\s+checked/);
		const row = page.locator('[data-testid="datasets-table"] tr[data-dataset="incidents"]');
		expect(await row.textContent()).toContain('read on demand');
		expectNoWholeDownload(await settled());
	});
});
