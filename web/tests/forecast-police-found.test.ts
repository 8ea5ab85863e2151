/**
 * The setting that counts records found mostly by police activity as demand, in headless Chromium,
 * on a timestamped demand table that has such records. No shipped source has one (the Chicago
 * sample is aggravated assaults only), so the City of London's real street records (the shipped
 * sample's published police.uk CSVs, every row) are written as a CAD-like export and imported on
 * the Data page as calls for service: Call Type is the published crime type; Created a date and
 * time made up INSIDE the row's real month (police.uk gives the month only): day 1 + (rank × 7) mod
 * the month's days, 08:00–21:59 (no clock change falls then); Incident Number made up. Every
 * expected count is worked out here from those rows, never read from the app.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseCount, sharedPage, waitForApp } from './browser';
import { CAD_RMS_SAMPLE, sampleRows, toCsvText } from '../../scripts/lib/cad-rms-fixture';
import { formatCount } from '../lib/charts/format';
import { policeFoundSettingLine } from '../lib/forecast/demand';

const baseUrl = inject('baseUrl');
const IMPORT_TIMEOUT = 180_000;
const CHECKBOX = 'Count records found by police activity (Drugs, Possession of weapons) as demand';
const pad = (n: number) => String(n).padStart(2, '0');

const shared = sharedPage();
let tmp: string;
let csvPath: string;
/** Rows written, per published crime type. */
const byType = new Map<string, number>();
let rowsWritten = 0;
let sourceId = '';

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-police-found-e2e-'));
	const rows: string[][] = [];
	const dir = `${CAD_RMS_SAMPLE}/street`;
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
		const month = file.slice(0, 7);
		const [y, m] = month.split('-').map(Number);
		const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
		sampleRows(join(dir, file)).forEach((r, i) => {
			const created = `${month}-${pad(1 + ((i * 7) % days))} ${pad(8 + ((i * 5) % 14))}:${pad(i % 60)}`;
			rows.push([`CAD-${rows.length + 1}`, created, r['Crime type'], r.Longitude, r.Latitude]);
			byType.set(r['Crime type'], (byType.get(r['Crime type']) ?? 0) + 1);
		});
	}
	rowsWritten = rows.length;
	csvPath = join(tmp, 'cad-city-street-as-calls.csv');
	writeFileSync(csvPath, toCsvText(['Incident Number', 'Created', 'Call Type', 'X Coord', 'Y Coord'], rows));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('records found by police activity, counted as demand only when asked', () => {
	it('the City street records, imported as calls for service, every row accepted', async () => {
		const { page } = shared;
		// The published files, counted here: every row, duplicates of a Crime ID included (each is a call here).
		expect(rowsWritten).toBe(18_347);
		expect([byType.get('Drugs'), byType.get('Possession of weapons')]).toEqual([1062, 145]);
		await page.goto(`${baseUrl}/data`);
		await waitForApp(page);
		await page.locator('[data-testid="import-files"]').setInputFiles([csvPath]);
		const step = page.locator('[data-testid="mapping-step"]');
		await step.waitFor({ timeout: 30_000 });
		expect(await step.locator('[data-testid="mapping-format"]').inputValue()).toBe('events');
		expect(await step.locator('select[data-field="timestamp"]').inputValue()).toBe('Created');
		expect(await step.locator('select[data-field="category"]').inputValue()).toBe('Call Type');
		await step.locator('select[data-field="longitude"]').selectOption('X Coord');
		await step.locator('select[data-field="latitude"]').selectOption('Y Coord');
		await page.locator('[data-testid="import-label"]').fill('City street records as calls');
		await page.locator('[data-testid="import-start"]').click();
		await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
		expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);
		expect(parseCount(await page.locator('[data-testid="import-datasets"] tr[data-dataset="events"] [data-col="rows"]').textContent())).toBe(rowsWritten);
		await page.locator('[data-testid="import-open"]').click();
		await page.waitForURL(/source=local%3A|source=local:/);
		sourceId = new URL(page.url()).searchParams.get('source')!;
		await waitForApp(page, 60_000);
	}, IMPORT_TIMEOUT * 2);

	it('Forecast: off says how many are left out; on by keyboard, the note, the staffing panel and its category mix count them', async () => {
		const { page } = shared;
		expect(sourceId).toMatch(/^local:/);
		const drugs = byType.get('Drugs')!;
		const weapons = byType.get('Possession of weapons')!;
		await page.goto(`${baseUrl}/forecast?source=${encodeURIComponent(sourceId)}`);
		await waitForApp(page, 60_000);
		const ready = (setting: string) => page.locator(`[data-testid="forecast"][data-state="ready"] [data-testid="police-found-note"][data-police-found="${setting}"]`).waitFor({ timeout: 150_000 });
		await ready('exclude');
		const note = page.locator('[data-testid="police-found-note"]');
		expect((await note.textContent())!.trim()).toBe(`${formatCount(drugs + weapons)} records of Drugs and Possession of weapons, found mostly by police activity, are not counted as demand.`);
		const mixRow = (category: string) => page.locator(`[data-testid="staffing-categories"] tr[data-category="${category}"]`);
		await page.locator('[data-testid="staffing-summary"]').waitFor({ timeout: 30_000 });
		expect(await mixRow('Drugs').count()).toBe(0);
		expect(await mixRow('Possession of weapons').count()).toBe(0);
		expect(await page.locator('[data-testid="staffing-police-found-note"]').count()).toBe(0);
		const offHistory = await page.locator('[data-testid="forecast"]').textContent();

		const box = page.getByRole('checkbox', { name: CHECKBOX });
		await page.locator('[data-testid="forecast-method"]').focus();
		await page.keyboard.press('Tab');
		expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
		await page.keyboard.press('Space');
		await page.waitForURL((u) => u.searchParams.get('policefound') === 'include');
		await ready('include');
		expect((await note.textContent())!.trim()).toBe(
			`The figures include ${formatCount(drugs + weapons)} records found mostly by police activity (${formatCount(drugs)} of Drugs and ${weapons} of Possession of weapons), counted as demand by the setting above. They measure police activity (where and how hard officers looked) as well as demand from the public.`
		);
		expect(await page.locator('[data-testid="police-found-setting-print"]').textContent()).toBe(policeFoundSettingLine('include'));
		await page.locator('[data-testid="staffing-police-found-note"]').waitFor({ timeout: 30_000 });
		expect((await page.locator('[data-testid="staffing-police-found-note"]').textContent())!.replace(/\s+/g, ' ').trim()).toBe(
			`These officer-hours include proactive work. The forecast and the category mix below count the records of Drugs and Possession of weapons found mostly by police activity (${formatCount(drugs + weapons)} in the data; the setting above), so the officers planned here cover work officers start themselves (arrests, custody, files) as well as demand from the public.`
		);
		await mixRow('Drugs').waitFor({ timeout: 30_000 });
		expect(await mixRow('Possession of weapons').count()).toBe(1);
		expect((await page.locator('[data-testid="staffing-summary"]').textContent())!.replace(/\s+/g, ' ')).toContain('a typical week, proactive work included, needs');
		expect(await page.locator('[data-testid="forecast"]').textContent()).not.toBe(offHistory);

		// Off again: the link loses the parameter and the page is as it was.
		await box.focus();
		await page.keyboard.press('Space');
		await page.waitForURL((u) => !u.searchParams.has('policefound'));
		await ready('exclude');
		await page.locator('[data-testid="staffing-summary"]').waitFor({ timeout: 30_000 });
		expect(await mixRow('Drugs').count()).toBe(0);
		expect(await page.locator('[data-testid="staffing-police-found-note"]').count()).toBe(0);
	}, 400_000);

	it('Accuracy: the demand backtest follows the same setting', async () => {
		const { page } = shared;
		const found = byType.get('Drugs')! + byType.get('Possession of weapons')!;
		await page.goto(`${baseUrl}/accuracy?source=${encodeURIComponent(sourceId)}&policefound=include`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="backtest"][data-state="ready"][data-police-found="include"]').waitFor({ timeout: 240_000 });
		expect((await page.locator('[data-testid="backtest-police-found-note"]').textContent())!.trim()).toContain(`The figures include ${formatCount(found)} records found mostly by police activity`);
		expect(await page.getByRole('checkbox', { name: CHECKBOX }).isChecked()).toBe(true);
	}, 400_000);
});
