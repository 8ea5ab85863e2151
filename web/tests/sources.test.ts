/**
 * Data sources, in headless Chromium against the built app and the sample folder
 * (extracts/sample: sources.json and one extract per source). The header's selector switches
 * source, the choice lives in the URL (?source=) and survives reload and navigation, and the
 * Overview and Data pages show the chosen source's counts, compared with counts worked out here
 * from the raw files. Pages a source cannot support explain why. No console error, no request
 * off 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isLocal, launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { streetFigures } from './expected';

const baseUrl = inject('baseUrl');
const dataRoot = inject('dataRoot');

/** Data lines (non-empty, header excluded) of a raw sample file, gzipped or not. */
function dataLines(path: string): string[] {
	const raw = readFileSync(path);
	const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
	return text.split('\n').filter((l) => l.trim() !== '').slice(1);
}

const LANCASHIRE_ROWS = dataLines('sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab');
const CHICAGO_ROWS = dataLines('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz');
const street = streetFigures();

let browser: TestBrowser;
let page: Page;
const loadTimes: Record<string, number> = {};

const select = () => page.getByLabel('Data source', { exact: true });
const mainNav = () => page.getByRole('navigation', { name: 'Main' });

async function text(testId: string): Promise<string> {
	return (await page.getByTestId(testId).first().textContent()) ?? '';
}

/** Wait for the chosen source's database, and note how long its tables took to load. */
async function sourceReady(id: string): Promise<void> {
	await page.waitForFunction((want) => (document.querySelector('#source-select') as HTMLSelectElement | null)?.value === want, id);
	// The layout marks <main> with the source whose database is loaded.
	await page.locator(`main[data-source="${id}"]`).waitFor({ timeout: 60_000 });
	await waitForApp(page, 60_000);
	const ms = await page.evaluate(() => {
		const m = performance.getEntriesByName('clearsight:extracts');
		return m.length > 0 ? Math.round(m[m.length - 1].duration) : null;
	});
	if (ms !== null) loadTimes[id] = ms;
}

async function overviewRecords(): Promise<number> {
	await page.locator('section.headline[data-state="ready"]').waitFor();
	return parseCount(await text('records'));
}

beforeAll(async () => {
	const sources = JSON.parse(readFileSync(join(dataRoot, 'sources.json'), 'utf8')) as { sources: Array<{ id: string }> };
	expect(sources.sources.map((s) => s.id)).toEqual(['city-of-london', 'lancashire-asb', 'chicago-assaults']);
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/`);
	await sourceReady('city-of-london');
});

afterAll(async () => {
	console.log('Tables loaded in the browser per source (ms, clearsight:extracts):', loadTimes);
	await browser?.close();
});

describe('source selector', () => {
	it('is a labelled control in the header listing the three sample sources, the default chosen', async () => {
		expect(await select().count()).toBe(1);
		expect(await page.locator('header #source-select').count()).toBe(1);
		expect(await select().inputValue()).toBe('city-of-london');
		const options = await select().locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));
		expect(options).toEqual(['city-of-london', 'lancashire-asb', 'chicago-assaults']);
		expect(await overviewRecords()).toBe(street.records);
	});

	it('switches to Lancashire: the URL keeps it and Overview shows its counts from the raw file', async () => {
		await select().selectOption('lancashire-asb');
		await page.waitForURL(/\?source=lancashire-asb$/);
		await sourceReady('lancashire-asb');
		expect(await overviewRecords()).toBe(LANCASHIRE_ROWS.length);
		expect(parseCount(await text('asb'))).toBe(LANCASHIRE_ROWS.length);
		expect(parseCount(await text('crimes'))).toBe(0);
		expect(parseCount(await text('lsoas'))).toBe(new Set(LANCASHIRE_ROWS.map((l) => l.split('\t')[4])).size);
	});

	it('every navigation link keeps the source, and the Data page shows its rows', async () => {
		const hrefs = await mainNav().getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
		expect(hrefs.length).toBeGreaterThanOrEqual(8);
		for (const href of hrefs) expect(href).toMatch(/\?source=lancashire-asb$/);
		await mainNav().getByRole('link', { name: 'Data', exact: true }).click();
		await page.waitForURL(/\/data\?source=lancashire-asb$/);
		await page.locator('[data-testid="total-rows-in"]').waitFor();
		expect(parseCount(await text('total-rows-in'))).toBe(LANCASHIRE_ROWS.length);
		expect(parseCount(await text('total-accepted')) + parseCount(await text('total-rejected'))).toBe(LANCASHIRE_ROWS.length);
		expect(await page.locator('[data-testid="load-warnings"]').count()).toBe(0);
		expect(await page.getByTestId('quarantine-download').getAttribute('href')).toBe('/data/lancashire-asb/quarantine.csv');
	});

	it('a link in a page written without the source gets it when used', async () => {
		const details = page.getByRole('link', { name: 'details' });
		// On the Data page there is no such link; go to Overview, whose headline links to Data.
		if ((await details.count()) === 0) {
			await mainNav().getByRole('link', { name: 'Overview', exact: true }).click();
			await page.locator('section.headline[data-state="ready"]').waitFor();
		}
		await details.first().hover();
		expect(await details.first().getAttribute('href')).toBe('/data?source=lancashire-asb');
		await details.first().click();
		await page.waitForURL(/\/data\?source=lancashire-asb$/);
		await page.locator('[data-testid="total-rows-in"]').waitFor();
	});

	it('a reload keeps the source', async () => {
		await page.reload();
		await sourceReady('lancashire-asb');
		await page.locator('[data-testid="total-rows-in"]').waitFor();
		expect(parseCount(await text('total-rows-in'))).toBe(LANCASHIRE_ROWS.length);
		expect(page.url()).toMatch(/\/data\?source=lancashire-asb$/);
	});

	it('Forecast says Lancashire has no timestamped demand and forecasts its incidents by area', async () => {
		await mainNav().getByRole('link', { name: 'Forecast', exact: true }).click();
		await page.waitForURL(/\/forecast\?source=lancashire-asb$/);
		await page.getByTestId('no-demand').waitFor();
		await page.locator('[data-testid="street-areas"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await page.getByTestId('street-areas-table').locator('tbody tr').count()).toBeGreaterThan(0);
		expect(await page.getByTestId('choose-stop-search').count()).toBe(0);
	});

	it('a page that needs stop and search records explains that Lancashire has none', async () => {
		await mainNav().getByRole('link', { name: 'Stop and search', exact: true }).click();
		await page.waitForURL(/\/stop-search\?source=lancashire-asb$/);
		const gap = page.getByTestId('source-gap');
		await gap.waitFor();
		expect(await gap.locator('h1').textContent()).toContain('not available for this data source');
		expect(await text('source-holdings')).toContain(`${LANCASHIRE_ROWS.length.toLocaleString('en-GB')} month-resolution incidents`);
	});

	it('switches to Chicago: Data shows its rows; Overview and the THR pages explain what is missing', async () => {
		await select().selectOption('chicago-assaults');
		await page.waitForURL(/\/stop-search\?source=chicago-assaults$/);
		await sourceReady('chicago-assaults');
		await mainNav().getByRole('link', { name: 'Data', exact: true }).click();
		await page.waitForURL(/\/data\?source=chicago-assaults$/);
		await page.locator('[data-testid="total-rows-in"]').waitFor();
		expect(parseCount(await text('total-rows-in'))).toBe(CHICAGO_ROWS.length);
		expect(parseCount(await text('total-accepted'))).toBe(CHICAGO_ROWS.length);
		for (const [name, path] of [
			['Overview', '/'],
			['Priorities', '/priorities'],
			['Model', '/model']
		] as const) {
			await mainNav().getByRole('link', { name, exact: true }).click();
			// Wait for this page, not the previous page's explanation still on screen.
			await page.waitForURL((url) => url.pathname === path && url.search === '?source=chicago-assaults');
			await page.getByTestId('source-gap').waitFor();
			expect(await text('source-holdings'), name).toContain(`${CHICAGO_ROWS.length.toLocaleString('en-GB')} timestamped incidents`);
		}
	});

	it('back to the City of London: its figures again, from a fresh database', async () => {
		await select().selectOption('city-of-london');
		await page.waitForURL(/\/model\?source=city-of-london$/);
		await sourceReady('city-of-london');
		await mainNav().getByRole('link', { name: 'Overview', exact: true }).click();
		await page.waitForURL(/\/\?source=city-of-london$/);
		expect(await overviewRecords()).toBe(street.records);
		expect(parseCount(await text('asb'))).toBe(street.antiSocialBehaviour);
		// Each switch terminated the previous database's worker: one DuckDB worker is left. The
		// engine's worker is a SharedWorker (kept across a reload, web/lib/db/duckdb.ts): a target of
		// its own, not one of page.workers(); a dedicated one where SharedWorker is missing.
		const cdp = await page.context().newCDPSession(page);
		const duckdbWorkers = async () => {
			const { targetInfos } = await cdp.send('Target.getTargets');
			const shared = targetInfos.filter((t) => t.type === 'shared_worker' && /duckdb/.test(t.url)).length;
			return shared + page.workers().filter((w) => /duckdb/.test(w.url())).length;
		};
		await expect.poll(duckdbWorkers).toBe(1);
		await cdp.detach();
	});

	it('an unknown source in the URL is explained, and the selector still works', async () => {
		await page.goto(`${baseUrl}/?source=nowhere`);
		await waitForApp(page, 60_000);
		const message = await page.getByTestId('load-error-message').textContent();
		expect(message).toContain('There is no data source "nowhere"');
		expect(await page.getByRole('alert').locator('h1').textContent()).toBe('Unknown data source');
		expect(message).toContain('"lancashire-asb"');
		await select().selectOption('lancashire-asb');
		await sourceReady('lancashire-asb');
		expect(await overviewRecords()).toBe(LANCASHIRE_ROWS.length);
	});

	it('raised no console error and made no request off 127.0.0.1', () => {
		expect(browser.requests.filter((u) => !isLocal(u))).toEqual([]);
		expect(browser.takeProblems()).toEqual([]);
	});
});
