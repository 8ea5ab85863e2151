/**
 * The exception report (/exceptions), in headless Chromium against the built app, over two
 * sources the test makes from the real City of London street crime files (seeded, built with the
 * command-line builder and served like the sample):
 *
 * - spike: the real rows plus 160 copies of real "Violence and sexual offences" rows of LSOA
 *   E01000005, moved to 2019-10 with new Crime IDs. That cell must be the top exception of
 *   September–November 2019, with its records and expected level equal to counts taken here from
 *   the files; its links lead to its map cell and its records; the CSV has the table's numbers.
 * - stationary: the real rows, each moved at random (seed fixed in advance) to one of the two
 *   years of its calendar month, so no area × category changes between years beyond chance. Every
 *   report shows no more exceptions than the declared false-discovery rate allows (q × cells
 *   tested, per report and over all of them), and a report with none says "No change beyond chance".
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildExtracts } from '../../scripts/lib/extracts';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { startServer, type RunningServer } from '../../scripts/lib/server';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { parseCsv } from './csv';
import model from '../../models/exceptions/exceptions-v1.json';
import { mulberry32 } from '../../analytics/shared/random';
import { readableProbability } from '../../analytics/exceptions/export';

const STREET = 'sample-data/police-uk/city-of-london/street';
const SPIKE = { lsoa: 'E01000005', category: 'Violence and sexual offences', month: '2019-10', copies: 160 };
const PERIOD = { from: '2019-09', to: '2019-11' };
const BUILD_TIMEOUT = 300_000;
const PAGE_TIMEOUT = 180_000;

let browser: TestBrowser;
let tmp: string;
const servers: RunningServer[] = [];
let spikeUrl = '';
let stationaryUrl = '';
/** The real rows, header first (every street file of the City sample). */
let header: string[] = [];
let rows: string[][] = [];
/** The rows each made source was built from. */
let spiked: string[][] = [];

const col = (name: string) => header.indexOf(name);

/** Write rows as police.uk street files, one per month, into a new folder; returns it. */
function writeStreetFiles(name: string, data: string[][]): string {
	const dir = join(tmp, `${name}-csv`);
	mkdirSync(dir, { recursive: true });
	const byMonth = new Map<string, string[][]>();
	for (const r of data) byMonth.set(r[col('Month')], [...(byMonth.get(r[col('Month')]) ?? []), r]);
	for (const [month, list] of byMonth) {
		writeFileSync(join(dir, `${month}-city-of-london-street.csv`), [header, ...list].map((r) => r.join(',')).join('\n') + '\n');
	}
	return dir;
}

async function serve(name: string, data: string[][]): Promise<string> {
	const input = writeStreetFiles(name, data);
	const out = join(tmp, name);
	await buildExtracts({ inputs: [input], out, areas: SAMPLE_AREAS });
	const server = await startServer({ buildDir: 'build', dataDir: out });
	servers.push(server);
	return server.url;
}

/** Records of the real (or given) rows in an LSOA × category over inclusive months. */
function count(data: string[][], lsoa: string, category: string, from: string, to: string): number {
	return data.filter((r) => r[col('LSOA code')] === lsoa && r[col('Crime type')] === category && r[col('Month')] >= from && r[col('Month')] <= to).length;
}

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-exceptions-e2e-'));
	for (const file of readdirSync(STREET).filter((f) => f.endsWith('.csv')).sort()) {
		const records = parseCsv(readFileSync(join(STREET, file), 'utf8')).filter((r) => r.length > 1);
		header = records[0];
		rows.push(...records.slice(1));
	}
	// No field of these files holds a comma or a quote, so joining with commas writes them back unchanged.
	expect(rows.some((r) => r.some((f) => /[",]/.test(f)))).toBe(false);

	// Spike: copies of real rows of the cell, drawn with a seed, moved to one month, new unique IDs.
	const rand = mulberry32(15);
	const pool = rows.filter((r) => r[col('LSOA code')] === SPIKE.lsoa && r[col('Crime type')] === SPIKE.category);
	expect(pool.length).toBeGreaterThan(50);
	const copies = Array.from({ length: SPIKE.copies }, (_, i) => {
		const r = [...pool[Math.floor(rand() * pool.length)]];
		r[col('Month')] = SPIKE.month;
		r[col('Crime ID')] = `${'f'.repeat(56)}${String(i).padStart(8, '0')}`;
		return r;
	});
	spiked = [...rows, ...copies];

	// Stationary: each row to either year of its calendar month (2017-12 or 2018-12, 2018-01 or 2019-01 …), with chance 1/2.
	const shuffle = mulberry32(2026);
	const stationary = rows.map((r) => {
		const out = [...r];
		const m = Number(r[col('Month')].slice(5, 7));
		const early = m === 12 ? 2017 : 2018;
		out[col('Month')] = `${shuffle() < 0.5 ? early : early + 1}-${String(m).padStart(2, '0')}`;
		return out;
	});
	spikeUrl = await serve('spike', spiked);
	stationaryUrl = await serve('stationary', stationary);
	browser = await launchBrowser();
}, BUILD_TIMEOUT);

afterAll(async () => {
	await browser?.close();
	for (const s of servers) await s.close();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Open /exceptions with the given query and wait for the report. */
async function openReport(page: Page, url: string, query: string): Promise<void> {
	await page.goto(`${url}/exceptions${query ? `?${query}` : ''}`);
	await waitForApp(page, 60_000);
	await page.locator('[data-testid="exceptions"][data-state="ready"], [data-testid="exceptions"][data-state="error"]').first().waitFor({ timeout: 90_000 });
	expect(await page.getByTestId('exceptions').getAttribute('data-state'), (await page.getByTestId('exceptions').textContent()) ?? '').toBe('ready');
}

async function scope(page: Page) {
	const s = page.getByTestId('exceptions-scope');
	return {
		tested: Number(await s.getAttribute('data-tested')),
		exceptions: Number(await s.getAttribute('data-exceptions')),
		years: Number(await s.getAttribute('data-years'))
	};
}

describe('an injected spike', () => {
	let page: Page;
	beforeAll(async () => {
		page = await browser.newPage();
	});

	it('is the top exception of September–November 2019, with the counts of the files', async () => {
		// The default period is the data's last 3 months: September–November 2019.
		await openReport(page, spikeUrl, '');
		expect(await page.getByRole('heading', { level: 2, name: /September–November 2019 against/ }).count()).toBe(1);
		const top = page.getByTestId('exception-row').first();
		expect(await top.getAttribute('data-area')).toBe(SPIKE.lsoa);
		expect(await top.getAttribute('data-category')).toBe(SPIKE.category);
		const current = count(spiked, SPIKE.lsoa, SPIKE.category, PERIOD.from, PERIOD.to);
		expect(current).toBe(count(rows, SPIKE.lsoa, SPIKE.category, PERIOD.from, PERIOD.to) + SPIKE.copies);
		expect(parseCount(await top.locator('[data-col="records"]').textContent())).toBe(current);
		// One earlier year in the data (2018); the expected level is its count.
		expect((await scope(page)).years).toBe(1);
		const expected = count(spiked, SPIKE.lsoa, SPIKE.category, '2018-09', '2018-11');
		expect(Number(await top.getAttribute('data-expected'))).toBe(expected);
		expect((await top.locator('[data-col="expected"]').textContent())?.trim()).toBe(`${expected}.0`);
		expect(Number(await top.locator('[data-col="q"]').getAttribute('data-value'))).toBeLessThanOrEqual(model.fdr.q);
		expect(await page.getByTestId('exceptions-explainer').textContent()).toContain('false-discovery rate');
		expect(browser.takeProblems()).toEqual([]);
	}, PAGE_TIMEOUT);

	it('the CSV has the table’s rows and numbers as shown', async () => {
		const [download] = (await Promise.all([page.waitForEvent('download'), page.getByTestId('exceptions-csv').click()])) as [Download, void];
		// Named by the source's id (a single served extract is "extract"), the dataset and the period.
		expect(download.suggestedFilename()).toMatch(/^clearsight-exceptions-extract-incidents-\d{4}-\d{2}-to-\d{4}-\d{2}\.csv$/);
		const path = join(tmp, download.suggestedFilename());
		await download.saveAs(path);
		const csv = parseCsv(readFileSync(path, 'utf8')).filter((r) => r.length > 1);
		const cols = csv[0];
		const shown = page.getByTestId('exception-row');
		expect(csv.length - 1).toBe(await shown.count());
		for (let i = 0; i < csv.length - 1; i++) {
			const r = Object.fromEntries(cols.map((c, k) => [c, csv[i + 1][k]]));
			const row = shown.nth(i);
			expect([r.area, r.category]).toEqual([await row.getAttribute('data-area'), await row.getAttribute('data-category')]);
			expect(Number(r.records)).toBe(parseCount(await row.locator('[data-col="records"]').textContent()));
			expect(Number(r.expected).toFixed(1)).toBe((await row.locator('[data-col="expected"]').textContent())?.trim().replace(/,/g, ''));
			// p and q read in one plain style ("< 0.001" below 0.001); the CSV holds the figure of the cell's data-value.
			for (const [col, value] of [['p', r.p_value], ['q', r.q_value]]) {
				const cell = row.locator(`[data-col="${col}"]`);
				expect(value).toBe(await cell.getAttribute('data-value'));
				expect((await cell.textContent())?.trim()).toBe(readableProbability(Number(value)));
			}
			expect([r.period_from, r.period_to]).toEqual([PERIOD.from, PERIOD.to]);
		}
	}, PAGE_TIMEOUT);

	it('links to its map cell (the LSOA selected, its category and period) and to its records', async () => {
		const top = page.getByTestId('exception-row').first();
		const mapHref = (await top.getByTestId('exception-map-link').getAttribute('href'))!;
		const url = new URL(mapHref, spikeUrl);
		expect(url.pathname).toBe('/map');
		expect(url.searchParams.get('layer')).toBe('lsoa');
		expect(url.searchParams.get('area')).toBe(`lsoa:${SPIKE.lsoa}`);
		expect(url.searchParams.getAll('cat')).toEqual([SPIKE.category]);
		expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual([PERIOD.from, PERIOD.to]);
		const recordsHref = (await top.getByTestId('exception-records-link').getAttribute('href'))!;
		expect(new URL(recordsHref, spikeUrl).pathname).toBe('/area');
		expect(new URL(recordsHref, spikeUrl).searchParams.get('id')).toBe(SPIKE.lsoa);
		// The map cell's panel shows the cell's records in the period, for that category.
		await top.getByTestId('exception-map-link').click();
		await page.waitForURL(/\/map\?/);
		const panel = page.locator(`[data-testid="cell-panel"][data-cell="${SPIKE.lsoa}"]`);
		await panel.waitFor({ timeout: 60_000 });
		await expect.poll(async () => (await panel.getByTestId('cell-records').textContent()) ?? '', { timeout: 60_000 }).toMatch(/\d/);
		expect(parseCount(await panel.getByTestId('cell-records').textContent())).toBe(count(spiked, SPIKE.lsoa, SPIKE.category, PERIOD.from, PERIOD.to));
	}, PAGE_TIMEOUT);
});

describe('a stationary series', () => {
	// Periods ending in each quarter of the second year, and a 6-month one.
	const periods = [
		{ from: '2018-12', to: '2019-02' },
		{ from: '2019-03', to: '2019-05' },
		{ from: '2019-06', to: '2019-08' },
		{ from: '2019-09', to: '2019-11' },
		{ from: '2019-06', to: '2019-11' }
	];

	it('shows no more exceptions than the declared false-discovery rate allows', async () => {
		const page = await browser.newPage();
		let tested = 0;
		let listed = 0;
		let empty = 0;
		const seen: string[] = [];
		for (const p of periods) {
			await openReport(page, stationaryUrl, `from=${p.from}&to=${p.to}`);
			const s = await scope(page);
			expect(s.years).toBe(1);
			expect(s.tested).toBeGreaterThan(20);
			expect(await page.getByTestId('exception-row').count()).toBe(s.exceptions);
			// Under no change every exception is a false discovery: no more than q × the cells tested.
			expect(s.exceptions).toBeLessThanOrEqual(Math.floor(model.fdr.q * s.tested));
			if (s.exceptions === 0) {
				empty++;
				const text = (await page.getByTestId('exceptions-empty').textContent()) ?? '';
				expect(text).toContain('No change beyond chance');
				expect(text).toContain(`${s.tested} area × category cells tested`);
			}
			tested += s.tested;
			listed += s.exceptions;
			seen.push(`${p.from}…${p.to}: ${s.exceptions} of ${s.tested}`);
		}
		console.log(`stationary source: ${seen.join('; ')}; ${empty} of ${periods.length} reports empty`);
		expect(listed).toBeLessThanOrEqual(model.fdr.q * tested);
		expect(browser.takeProblems()).toEqual([]);
		await page.close();
	}, 2 * PAGE_TIMEOUT);
});

describe('the shipped sources: what the page says when nothing can be tested', () => {
	const baseUrl = inject('baseUrl');
	const notes = async (page: Page) => (await page.getByTestId('exceptions-note').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

	it('Lancashire (2022 only): why, once each, with no empty scope line; the method with its version said once', async () => {
		const page = await browser.newPage();
		await openReport(page, baseUrl, 'source=lancashire-asb');
		expect((await scope(page)).years).toBe(0);
		expect(await page.getByTestId('exceptions-scope').isVisible()).toBe(false);
		expect(await notes(page)).toEqual([
			'No comparison: none of the 3 earlier years is fully in the data: October–December in 2019, 2020 and 2021 have no data (the data starts in January 2022).',
			'The test needs at least one earlier year of the same months in the data: nothing was tested.'
		]);
		expect((await page.getByTestId('exceptions-empty').textContent())!.trim()).toBe('Nothing could be tested for this period.');
		const method = (await page.locator('li', { hasText: 'Method:' }).textContent())!.replace(/\s+/g, ' ').trim();
		expect(method).toBe('Method: Exception report: rises beyond chance and season, version 1.0.0 (models/exceptions/exceptions-v1.json).');
		expect(browser.takeProblems()).toEqual([]);
		await page.close();
	}, PAGE_TIMEOUT);

	it('City of London, a period past the data: the one reason, the data\'s months in words', async () => {
		const page = await browser.newPage();
		await openReport(page, baseUrl, 'source=city-of-london&from=2019-10&to=2020-01');
		expect(await notes(page)).toEqual(['The period is not fully in the data, which covers December 2017–November 2019: nothing was tested.']);
		expect(browser.takeProblems()).toEqual([]);
		await page.close();
	}, PAGE_TIMEOUT);
});
