/**
 * Data page, in headless Chromium against the built app and the sample extract: every source
 * file is listed with rows that add up and match the raw CSVs, the records outside the force
 * area are counted as the raw CSVs say (City of London Police = the LSOAs of local authority
 * E09000001 in IMD 2019 File_1) and listed with a CSV download, the quarantine pages and filters
 * with bound parameters, and the licences are shown.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { parseCsv } from './csv';
import { readManifest, stopSearchRows, streetFigures } from './expected';
import { CITY_OF_LONDON_LAD, lsoasOfAuthority, streetPlacement } from './expected-thr';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');

let browser: TestBrowser;
let page: Page;
let manifest: ExtractManifest;
const street = streetFigures();
const searches = stopSearchRows();

async function count(selector: string): Promise<number> {
	return parseCount(await page.locator(selector).first().textContent());
}

beforeAll(async () => {
	manifest = readManifest(dataDir);
	browser = await launchBrowser();
	page = await browser.newPage();
	// Arrive as a user does: open the app, then follow the Data link (client-side navigation).
	await page.goto(`${baseUrl}/`);
	await waitForApp(page);
	const start = Date.now();
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data', exact: true }).click();
	await page.waitForURL(/\/data$/);
	await page.locator('[data-testid="quarantine-table"]').waitFor();
	console.log(`Data page ready ${Date.now() - start} ms after the click`);
});

const tmp = mkdtempSync(join(tmpdir(), 'clearsight-data-'));

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('Data page: build and datasets', () => {
	it('marks the Data link as the current page', async () => {
		const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data', exact: true });
		expect(await link.getAttribute('aria-current')).toBe('page');
	});

	it('shows the builder, build time and totals of the manifest', async () => {
		expect(await page.locator('[data-testid="builder"]').textContent()).toBe(`${manifest.builder.name} ${manifest.builder.version}`);
		expect(await page.locator('[data-testid="built-at"] time').getAttribute('datetime')).toBe(manifest.built_at);
		expect(await count('[data-testid="total-rows-in"]')).toBe(manifest.totals.rows_in);
		expect(await count('[data-testid="total-accepted"]')).toBe(manifest.totals.accepted);
		expect(await count('[data-testid="total-rejected"]')).toBe(manifest.totals.rejected);
		expect(await page.locator('[data-testid="integrity"]').textContent()).toContain('sha256');
	});

	it('reports no gap between the sample extract and the extract contract', async () => {
		// A warning here means extracts/sample is older than analytics/ingest/extract-schema.ts.
		expect(await page.locator('[data-testid="load-warnings"]').count()).toBe(0);
		console.log(`Load timings: ${await page.getByTestId('load-timings').textContent()}`);
	});

	it('lists every dataset with its rows and columns', async () => {
		for (const d of manifest.datasets) {
			const row = page.locator(`[data-testid="datasets-table"] tr[data-dataset="${d.name}"]`);
			expect(await row.count(), d.name).toBe(1);
			expect(parseCount(await row.locator('[data-col="rows"]').textContent())).toBe(d.rows);
			const columns = await page.locator(`[data-testid="columns-${d.name}"] tbody th code`).allTextContents();
			expect(columns).toEqual(d.columns.map((c) => c.name));
		}
	});
});

describe('Data page: source files', () => {
	it('lists every source file with rows in = accepted + rejected, as in the manifest', async () => {
		const rows = await page.locator('[data-testid="sources-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => {
				const n = (col: string) => Number((tr.querySelector(`[data-col="${col}"]`)?.textContent ?? '').replace(/,/g, ''));
				return { file: tr.getAttribute('data-file'), rows_in: n('rows_in'), accepted: n('accepted'), rejected: n('rejected') };
			})
		);
		expect(rows.map((r) => r.file)).toEqual(manifest.sources.map((s) => s.file));
		for (const r of rows) {
			expect(r.rows_in, r.file!).toBe(r.accepted + r.rejected);
			const source = manifest.sources.find((s) => s.file === r.file)!;
			expect(r, r.file!).toEqual({ file: source.file, rows_in: source.rows_in, accepted: source.accepted, rejected: source.rejected });
		}
	});

	it('counts the same rows in each file as a plain CSV read of the raw file', async () => {
		for (const f of street.files) {
			const row = page.locator(`[data-testid="sources-table"] tr[data-file="${f.file}"]`);
			expect(parseCount(await row.locator('[data-col="rows_in"]').textContent()), f.file).toBe(f.rowsIn);
			expect(parseCount(await row.locator('[data-col="accepted"]').textContent()), f.file).toBe(f.accepted);
		}
		for (const [file, n] of searches) {
			const row = page.locator(`[data-testid="sources-table"] tr[data-file="${file}"]`);
			expect(parseCount(await row.locator('[data-col="rows_in"]').textContent()), file).toBe(n);
		}
		expect(manifest.sources).toHaveLength(street.files.length + searches.size);
	});

	it('has totals that add up and equal the manifest totals', async () => {
		const rowsIn = await count('[data-testid="sources-total-rows-in"]');
		const accepted = await count('[data-testid="sources-total-accepted"]');
		const rejected = await count('[data-testid="sources-total-rejected"]');
		expect(rowsIn).toBe(accepted + rejected);
		expect({ rows_in: rowsIn, accepted, rejected }).toEqual(manifest.totals);
		expect(rowsIn).toBe(street.rowsIn + [...searches.values()].reduce((a, b) => a + b, 0));
		expect(await page.locator('[data-testid="sources-warning"]').count()).toBe(0);
	});
});

describe('Data page: records outside the force area', () => {
	const city = lsoasOfAuthority(CITY_OF_LONDON_LAD);
	const placement = streetPlacement(city);
	const section = () => page.locator('#outside');

	it('names the force area and how it was decided', async () => {
		expect(city).toHaveLength(6);
		expect(await section().getByTestId('force-area-name').textContent()).toBe('City of London');
		expect(await section().getByTestId('force-area').textContent()).toMatch(/6 LSOAs in 1 local authority/);
		expect(await section().getByTestId('force-area-method').getAttribute('data-method')).toBe('falls-within');
		expect(await section().getByTestId('force-area-method').textContent()).toMatch(/fall within/);
	});

	it('counts street records inside, outside and without a location as the raw CSVs do', async () => {
		const row = section().locator('[data-testid="placement-table"] tr[data-dataset="incidents"]');
		const n = async (col: string) => parseCount(await row.locator(`[data-col="${col}"]`).textContent());
		expect(placement.outside).toBeGreaterThan(0);
		expect(await n('outside')).toBe(placement.outside);
		expect(await n('inside')).toBe(placement.inside);
		expect(await n('unplaced')).toBe(placement.unplaced);
		expect(await n('total')).toBe(street.records);
		// Stop and search: every row of the raw files is placed somewhere.
		const searchesRow = section().locator('[data-testid="placement-table"] tr[data-dataset="stop_search"]');
		expect(parseCount(await searchesRow.locator('[data-col="total"]').textContent())).toBe([...searches.values()].reduce((a, b) => a + b, 0));
	});

	it('lists the outside records a page at a time, none of them in a City LSOA', async () => {
		await section().getByTestId('outside-dataset').selectOption('incidents');
		await expect.poll(async () => parseCount(await section().getByTestId('outside-matching').textContent())).toBe(placement.outside);
		const rows = section().locator('[data-testid="outside-table"] tbody tr');
		expect(await rows.count()).toBe(Math.min(25, placement.outside));
		const lsoas = await rows.locator('td:nth-child(3)').allTextContents();
		for (const l of lsoas) {
			expect(l).toMatch(/^E01\d{6}$/);
			expect(city).not.toContain(l);
		}
		await section().getByRole('button', { name: /Next/ }).click();
		await page.waitForURL(/opage=2/);
		await expect.poll(() => section().getByTestId('outside-status').textContent()).toContain('Rows 26–50');
		await section().getByRole('button', { name: /Previous/ }).click();
		await expect.poll(() => section().getByTestId('outside-status').textContent()).toContain('Rows 1–25');
	});

	it('downloads every outside record as formula-safe CSV', async () => {
		const [d] = await Promise.all([page.waitForEvent('download'), section().getByTestId('outside-download').click()]);
		const path = join(tmp, d.suggestedFilename());
		await d.saveAs(path);
		const [header, ...rows] = parseCsv(readFileSync(path, 'utf8')).filter((r) => !(r.length === 1 && r[0] === ''));
		expect(header).toEqual(['month', 'category', 'area_code', 'location', 'longitude', 'latitude', 'source_file', 'source_line']);
		expect(rows).toHaveLength(placement.outside);
		const area = header.indexOf('area_code');
		for (const r of rows) expect(city).not.toContain(r[area]);
		expect(rows.every((r) => !/^[=+@]/.test(r[header.indexOf('location')]))).toBe(true);
	});

	it('opens at the section from a link to /data?source=…#outside', async () => {
		const fresh = await browser.newPage();
		await fresh.goto(`${baseUrl}/data?source=city-of-london#outside`);
		await waitForApp(fresh);
		await fresh.locator('#outside [data-testid="placement-table"]').waitFor();
		await expect.poll(() => fresh.locator('#outside').evaluate((e) => {
			const r = e.getBoundingClientRect();
			return r.top >= -1 && r.top < window.innerHeight;
		})).toBe(true);
		await fresh.close();
	});
});

describe('Data page: quarantine', () => {
	it('pages through every rejected row, 25 at a time', async () => {
		expect(await count('[data-testid="quarantine-matching"]')).toBe(manifest.totals.rejected);
		expect(await page.locator('[data-testid="quarantine-table"] tbody tr').count()).toBe(Math.min(25, manifest.totals.rejected));
		const quarantine = page.locator('#quarantine');
		await quarantine.getByRole('button', { name: /Next/ }).click();
		await page.waitForURL(/[?&]page=2/);
		await expect.poll(() => page.locator('[data-testid="quarantine-status"]').textContent()).toContain('Rows 26–50');
		await quarantine.getByRole('button', { name: /Previous/ }).click();
		await expect.poll(() => page.locator('[data-testid="quarantine-status"]').textContent()).toContain('Rows 1–25');
	});

	it('filters by file: the lines shown are the repeated Crime IDs of that raw file', async () => {
		const file = street.files.find((f) => f.duplicateLines.length > 3)!;
		await page.getByTestId('quarantine-file').selectOption(file.file);
		await page.waitForURL(new RegExp(`file=${encodeURIComponent(file.file)}`));
		await expect.poll(() => count('[data-testid="quarantine-matching"]')).toBe(file.duplicateLines.length);
		const lines = await page.locator('[data-testid="quarantine-table"] tbody tr td:nth-child(2)').allTextContents();
		expect(lines.map((l) => parseCount(l))).toEqual(file.duplicateLines);
		const source = manifest.sources.find((s) => s.file === file.file)!;
		expect(file.duplicateLines.length).toBe(source.rejected);
	});

	it('filters by reason, combined with the file filter, and clears', async () => {
		const reason = manifest.sources.flatMap((s) => s.reasons)[0].reason;
		await page.getByTestId('quarantine-reason').selectOption(reason);
		await page.waitForURL(/reason=/);
		const file = new URL(page.url()).searchParams.get('file')!;
		const expected = manifest.sources.find((s) => s.file === file)!.reasons.find((r) => r.reason === reason)!.count;
		await expect.poll(() => count('[data-testid="quarantine-matching"]')).toBe(expected);
		await page.getByRole('button', { name: 'Clear filters' }).click();
		await expect.poll(() => count('[data-testid="quarantine-matching"]')).toBe(manifest.totals.rejected);
		await page.getByTestId('quarantine-reason').selectOption(reason);
		const all = manifest.sources.reduce((a, s) => a + (s.reasons.find((r) => r.reason === reason)?.count ?? 0), 0);
		await expect.poll(() => count('[data-testid="quarantine-matching"]')).toBe(all);
	});

	it('offers the quarantine CSV for download, with every rejected row', async () => {
		const href = await page.getByTestId('quarantine-download').getAttribute('href');
		expect(href).toBe('/data/city-of-london/quarantine.csv');
		const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!);
		const [header, ...rows] = parseCsv(csv).filter((r) => !(r.length === 1 && r[0] === ''));
		expect(header).toEqual(['source_file', 'source_kind', 'source_line', 'column_name', 'reason', 'raw']);
		expect(rows).toHaveLength(manifest.totals.rejected);
	});
});

describe('Data page: licences, hygiene, direct load', () => {
	it('shows the licence and attribution of each dataset', async () => {
		const text = (await page.getByTestId('attribution').textContent()) ?? '';
		for (const a of manifest.attribution) {
			expect(text).toContain(a.licence);
			expect(text).toContain(a.text);
		}
	});

	it('raised no console errors and made no request off 127.0.0.1', async () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => new URL(u).hostname === '127.0.0.1')).toBe(true);
	});

	it('opens on a direct load of /data (a shared link) with its filters', async () => {
		// Needs scripts/lib/server.ts to send /data (no trailing slash) to the app, not the extracts folder.
		const fresh = await browser.newPage();
		const response = await fresh.goto(`${baseUrl}/data?reason=${encodeURIComponent('duplicate Crime ID')}`);
		expect(response?.status()).toBe(200);
		await waitForApp(fresh);
		await expect.poll(() => fresh.locator('[data-testid="quarantine-matching"]').textContent()).toBeTruthy();
		const bare = await fresh.goto(`${baseUrl}/data`);
		expect(bare?.status(), 'GET /data must serve the Data page').toBe(200);
		await waitForApp(fresh);
		expect(await fresh.locator('h1').first().textContent()).toBe('Data');
		await fresh.close();
		expect(browser.takeProblems()).toEqual([]);
	});
});
