/**
 * A force's export located only by coordinates, with its own areas, through the Data page in
 * headless Chromium against the built app: 2,000 real Lancashire anti-social behaviour rows
 * written in British National Grid (scripts/lib/swapped-axes-fixture.ts) and the 14 Lancashire
 * district polygons as the boundary file.
 * - The file with "Easting" and "Northing" exchanged: every record lands outside the districts,
 *   and the import report says the columns look exchanged, with the counts and the fix.
 * - The file the right way round: the records carry no LSOA code, so Priorities and Forecast by
 *   area use the districts, offer no LSOA level and say why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { BNG_CODE } from '../../analytics/ingest/crs';
import { noLsoaReason } from '../../analytics/explore/area-set';
import { streetLevelsNote } from '../lib/forecast/verdicts';
import { LANCASHIRE_DISTRICTS, writeSwappedAxes } from '../../scripts/lib/swapped-axes-fixture';

const baseUrl = inject('baseUrl');
const IMPORT_TIMEOUT = 180_000;
const ROWS = 2000;

let browser: TestBrowser;
let page: Page;
let tmp: string;
let files: ReturnType<typeof writeSwappedAxes>;

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-own-areas-e2e-'));
	files = writeSwappedAxes(tmp, ROWS);
	browser = await launchBrowser();
	page = await browser.newPage();
}, 120_000);

// No page error, console error or request beyond the app in any test.
afterEach(() => expect(browser.takeProblems()).toEqual([]));

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

/** Import one file as recorded crimes in British National Grid, with the districts; returns the import's source id. */
async function importWithDistricts(path: string, label: string): Promise<string> {
	await page.goto(`${baseUrl}/data`);
	await waitForApp(page);
	await page.locator('[data-testid="import-files"]').setInputFiles([path]);
	await page.locator('[data-testid="import-chosen"]').waitFor();
	const step = page.locator('[data-testid="mapping-step"]');
	await step.waitFor();
	await step.locator('[data-testid="mapping-format"]').selectOption('month-incidents');
	await step.locator('[data-testid="mapping-constant-category"]').fill('Anti-social behaviour');
	await step.locator('select[data-field="month"]').selectOption('Month');
	await step.locator('select[data-field="longitude"]').selectOption('Easting');
	await step.locator('select[data-field="latitude"]').selectOption('Northing');
	await step.locator('[data-testid="mapping-crs"]').selectOption(BNG_CODE);
	await page.locator('[data-testid="boundary-files"]').setInputFiles([LANCASHIRE_DISTRICTS]);
	await expect.poll(() => page.locator('[data-testid="boundary-summary"]').textContent(), { timeout: 30_000 }).toContain('lancashire_districts.geojson');
	await page.locator('[data-testid="boundary-label"]').fill('Districts');
	await page.locator('[data-testid="import-label"]').fill(label);
	await page.locator('[data-testid="import-start"]').click();
	await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
	expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);
	const href = await page.locator('[data-testid="import-open"]').getAttribute('href');
	return new URL(href!, baseUrl).searchParams.get('source')!;
}

describe('a force export with its own areas, located by British National Grid coordinates only', () => {
	it('exchanged Easting and Northing: every record outside the districts, and the report says the columns look exchanged, with the fix', async () => {
		await importWithDistricts(files.swapped, 'Lancashire, columns exchanged');
		const row = page.locator('[data-testid="import-areas-records"] tr[data-dataset="incidents"]');
		expect(parseCount(await row.locator('[data-col="inside"]').textContent())).toBe(0);
		expect(parseCount(await row.locator('[data-col="outside"]').textContent())).toBe(ROWS);
		const alert = page.locator('[data-testid="import-areas-swapped"]');
		expect(await alert.getAttribute('data-file')).toBe('asb-swapped.csv');
		const text = (await alert.textContent())!.replace(/\s+/g, ' ');
		expect(text).toContain('asb-swapped.csv (incidents, British National Grid): 2,000 of 2,000 located records are outside every area');
		expect(text).toContain('"Easting" and "Northing" look swapped');
		expect(text).toContain('(--columns x=Northing,y=Easting, or exchange them in the mapping step). Nothing was swapped.');
	}, IMPORT_TIMEOUT);

	it('the right way round: no LSOA is offered; Priorities and Forecast by area use the districts and say why', async () => {
		const source = await importWithDistricts(files.right, 'Lancashire, own areas only');
		expect(await page.locator('[data-testid="import-areas-swapped"]').count()).toBe(0);
		const row = page.locator('[data-testid="import-areas-records"] tr[data-dataset="incidents"]');
		expect(parseCount(await row.locator('[data-col="inside"]').textContent())).toBeGreaterThan(ROWS / 2);

		await page.goto(`${baseUrl}/priorities?source=${encodeURIComponent(source)}`);
		await waitForApp(page, 60_000);
		const note = page.locator('[data-testid="no-lsoa-note"]');
		await note.waitFor({ timeout: 120_000 });
		expect((await note.textContent())!.trim()).toBe(noLsoaReason('Districts'));
		expect(await page.locator('[data-testid="unit-note"]').count()).toBe(1);
		expect(await page.locator('[data-testid="unit-select"]').count()).toBe(0);

		await page.goto(`${baseUrl}/forecast?source=${encodeURIComponent(source)}`);
		await waitForApp(page, 60_000);
		const areas = page.locator('[data-testid="street-areas"]');
		await areas.locator('[data-testid="no-lsoa-note"]').waitFor({ timeout: 120_000 });
		// The forecast by area is made over the districts only (never H3 cells, which the Priorities note offers too).
		expect((await areas.locator('[data-testid="no-lsoa-note"]').textContent())!.trim()).toBe(streetLevelsNote(['district'], 'Districts', false));
		expect(await areas.locator('[data-testid="street-level"]').count()).toBe(0);
		await expect.poll(() => areas.getAttribute('data-level'), { timeout: 120_000 }).toBe('district');
	}, IMPORT_TIMEOUT * 2);
});
