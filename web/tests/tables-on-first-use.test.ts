/**
 * Each Arrow dataset's table is made when a page first reads it (web/lib/db/README.md, "Tables
 * made on first use"): a visit to the Map on the City of London sample does not insert
 * `thr_area_months`, which only the THR pages read; Priorities, reached afterwards on the same
 * database, inserts it and ranks exactly as the engine does in Node over every table; the Data
 * page says which tables are made when first used.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';
import { createNodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { scoreMonth, type ScoreResult, type ThrModel } from '../../analytics/thr';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
const SOURCE = 'city-of-london';

const model = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
const weights = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;

let browser: TestBrowser;
let page: Page;
let expected: ScoreResult;

/** The tables made since the page loaded (`clearsight:table:<name>` measures), in order. */
async function tablesMade(): Promise<string[]> {
	return page.evaluate(() =>
		performance
			.getEntriesByType('measure')
			.filter((m) => m.name.startsWith('clearsight:table:'))
			.map((m) => m.name.slice('clearsight:table:'.length))
	);
}

/** How many databases the page has started (one per page load or source). */
async function databasesStarted(): Promise<number> {
	return page.evaluate(() => performance.getEntriesByName('clearsight:db-start').length);
}

async function goInApp(label: string, path: RegExp): Promise<void> {
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
	await page.waitForURL(path);
	await waitForApp(page);
}

beforeAll(async () => {
	const runner = await createNodeRunner();
	try {
		await loadInput(runner, [dataDir], { datasets: ['incidents', 'force_area'] });
		const [{ m }] = await runner.rows<{ m: string }>('SELECT max(month) AS m FROM incidents');
		expected = await scoreMonth(runner, { model, weights, month: String(m) });
	} finally {
		runner.close();
	}
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/map?source=${SOURCE}`);
	await waitForApp(page);
	await page.waitForFunction(() => performance.getEntriesByName('clearsight:interactive').length > 0, null, { timeout: 60_000 });
	await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 30_000 });
	await page.waitForFunction(() => document.querySelector('.legend-box')?.getAttribute('aria-busy') === 'false', null, { timeout: 30_000 });
});

afterEach(() => {
	expect(browser.takeProblems()).toEqual([]);
});

afterAll(async () => {
	await browser?.close();
});

describe('tables made on first use', () => {
	it('a Map visit does not insert thr_area_months', async () => {
		const made = await tablesMade();
		console.log(`Tables the Map made: ${made.join(', ') || 'none'}`);
		expect(made).not.toContain('thr_area_months');
		expect(new Set(made).size).toBe(made.length);
	});

	it('Priorities, on the same database, inserts it once and ranks as the engine does in Node', async () => {
		await goInApp('Priorities', /\/priorities/);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await databasesStarted()).toBe(1);
		const made = await tablesMade();
		expect(made.filter((t) => t === 'thr_area_months')).toHaveLength(1);
		const rows = await page.$$eval('[data-testid="priorities-table"] tbody tr', (trs) =>
			trs.map((tr) => ({
				areaId: tr.getAttribute('data-area')!,
				scoreUnits: Number(tr.getAttribute('data-score-units')),
				scoreText: tr.querySelector('td[data-col="score"]')?.textContent?.trim() ?? ''
			}))
		);
		expect(rows.map((r) => r.areaId)).toEqual(expected.areas.map((a) => a.areaId));
		expect(rows.map((r) => r.scoreUnits)).toEqual(expected.areas.map((a) => a.scoreUnits));
		expect(rows.map((r) => r.scoreText)).toEqual(expected.areas.map((a) => a.score.toFixed(2)));
	});

	it('the Data page says which tables are made when first used', async () => {
		await goInApp('Data', /\/data(\?|$)/);
		await page.locator('[data-testid="datasets-table"]').waitFor();
		const loaded = async (name: string) => (await page.locator(`[data-testid="datasets-table"] tr[data-dataset="${name}"] [data-col="loaded"]`).textContent())?.trim();
		expect(await loaded('thr_area_months')).toBe('when first used');
		expect(await loaded('explore_points')).toBe('when first used');
		expect(await loaded('incidents')).toBe('read by range requests');
		expect(await databasesStarted()).toBe(1);
	});
});
