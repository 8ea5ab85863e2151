/**
 * Several files, one picture, in the browser: a CAD export (calls for service) and an RMS export
 * (recorded crimes) chosen together on the Data page, each mapped to its own dataset in the mapping
 * step (calls → events, crimes → incidents), imported into ONE source; then the dashboard shows
 * both datasets, and switching dataset (the `ds` parameter) on Time and Map keeps the period, the
 * box or the selected cells and the comparison, with counts right for each.
 *
 * No real CAD or RMS data is shipped: the two files are written from REAL City of London rows
 * (scripts/lib/cad-rms-fixture.ts says which real rows play which role: the stop-and-search rows
 * are the "calls", the street crimes the "crimes", each crime with a committed date-time made up
 * inside its real month, day first in every other row). Every expected count is worked out here
 * from those rows (H3 cells by h3-js), never read from the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { countIn, writeCadRms, type FixtureCall, type FixtureCrime } from '../../scripts/lib/cad-rms-fixture';

const baseUrl = inject('baseUrl');
const IMPORT_TIMEOUT = 120_000;
const LABEL = 'City CAD and RMS';
const BOX = [-0.1, 51.512, -0.085, 51.52] as const;

let browser: TestBrowser;
let page: Page;
let tmp: string;
let cadPath: string;
let rmsPath: string;
let calls: FixtureCall[] = [];
let crimes: FixtureCrime[] = [];
/** The imported source's id (`local:…`), set by the import test. */
let sourceId = '';

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-cad-rms-e2e-'));
	({ cadPath, rmsPath, calls, crimes } = writeCadRms(tmp));
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/data`);
	await waitForApp(page);
	await page.locator('[data-testid="import-dropzone"]').waitFor();
});

afterEach(() => {
	expect(browser.takeProblems()).toEqual([]);
});

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

/** The records the summary line of Time or Map shows for the current filters, once computed. */
async function summaryRecords(testid: 'time-summary' | 'map-summary', expected: number): Promise<void> {
	const line = page.locator(`[data-testid="${testid}"]`);
	await expect.poll(async () => line.getAttribute('data-records'), { timeout: 45_000, message: `${testid} records at ${page.url()}` }).toBe(String(expected));
}

function params(): URLSearchParams {
	return new URL(page.url()).searchParams;
}

/** The explore parameters that must survive a change of dataset. */
function kept(p: URLSearchParams): Record<string, string | null> {
	return Object.fromEntries(['source', 'from', 'to', 'area', 'bbox', 'compare'].map((k) => [k, p.get(k)]));
}

async function switchDataset(dataset: 'incidents' | 'events'): Promise<void> {
	await page.locator('#explore-dataset').selectOption(dataset);
	await page.waitForURL((url) => url.searchParams.get('ds') === dataset);
}

describe('a CAD export and an RMS export imported together', () => {
	it("each file's mapping step says which dataset it feeds; the report shows both datasets with every row", async () => {
		await page.locator('[data-testid="import-files"]').setInputFiles([cadPath, rmsPath]);
		await page.locator('[data-testid="import-chosen"]').waitFor();
		await expect.poll(() => page.locator('[data-testid="mapping-step"]').count()).toBe(2);
		const cad = page.locator('[data-testid="mapping-step"]', { hasText: 'cad-calls-2019.csv' });
		const rms = page.locator('[data-testid="mapping-step"]', { hasText: 'rms-crimes-2019.csv' });

		// The CAD file is read as timestamped by its column names: prefilled, feeding the calls dataset.
		expect(await cad.locator('[data-testid="mapping-format"]').inputValue()).toBe('events');
		expect(await cad.locator('[data-testid="mapping-dataset"]').getAttribute('data-dataset')).toBe('events');
		expect(await cad.locator('[data-testid="mapping-dataset"]').textContent()).toContain('Feeds the calls dataset');
		// Its Call Type and Grade columns say it is a CAD export: the pages will call the dataset so.
		expect(await cad.locator('[data-testid="mapping-dataset"]').textContent()).toContain('shown as “Calls for service (CAD export)”');
		expect(await cad.locator('[data-testid="mapping-format"] option:checked').textContent()).toContain('Calls for service (CAD)');
		expect(await cad.locator('select[data-field="timestamp"]').inputValue()).toBe('Created');
		expect(await cad.locator('select[data-field="category"]').inputValue()).toBe('Call Type');
		expect(await cad.locator('select[data-field="priority"]').inputValue()).toBe('Grade');
		await cad.locator('select[data-field="longitude"]').selectOption('X Coord');
		await cad.locator('select[data-field="latitude"]').selectOption('Y Coord');

		// The RMS file: recorded crimes by month, its committed date-time mapped as the month.
		await rms.locator('[data-testid="mapping-format"]').selectOption('month-incidents');
		expect(await rms.locator('[data-testid="mapping-dataset"]').getAttribute('data-dataset')).toBe('incidents');
		expect(await rms.locator('[data-testid="mapping-dataset"]').textContent()).toContain('Feeds the crimes dataset');
		expect(await rms.locator('[data-testid="mapping-dataset"]').textContent()).toContain('shown as “Recorded crimes (RMS export)”');
		expect(await rms.locator('[data-testid="mapping-format"] option:checked').textContent()).toContain('Recorded crimes (RMS)');
		await rms.locator('select[data-field="incident_id"]').selectOption('Crime Reference');
		await rms.locator('select[data-field="month"]').selectOption('Committed');
		// The month each of the first rows counts in, as the rules read the committed date-time (row 2 is day first).
		const preview = rms.locator('[data-testid="timestamp-preview"] tbody tr');
		await expect.poll(() => preview.count(), { timeout: 30_000 }).toBeGreaterThan(1);
		const shown = await preview.evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent!.trim(), tr.children[1].textContent!.trim()]));
		expect(shown).toEqual(crimes.slice(0, shown.length).map((c) => [c.committed, c.month]));
		expect(shown[1][0]).toMatch(/^\d{2}\/\d{2}\/2019 /);
		expect(await cad.locator('[data-testid="timestamp-preview"] caption').textContent()).toContain('timestamps');
		expect(await rms.locator('select[data-field="category"]').inputValue()).toBe('Offence');
		expect(await rms.locator('select[data-field="lsoa_code"]').inputValue()).toBe('LSOA');
		expect(await rms.locator('[data-testid="columns-arg"]').textContent()).toContain('--format month-incidents');
		expect(await rms.locator('[data-testid="columns-arg"]').textContent()).toContain('month=Committed');

		await page.locator('[data-testid="import-label"]').fill(LABEL);
		await page.locator('[data-testid="import-start"]').click();
		await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
		expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);

		const fileRow = (name: string) => page.locator(`[data-testid="import-report-files"] tr[data-file="${name}"]`);
		for (const [name, n] of [['cad-calls-2019.csv', calls.length], ['rms-crimes-2019.csv', crimes.length]] as const) {
			expect(parseCount(await fileRow(name).locator('[data-col="rows_in"]').textContent()), name).toBe(n);
			expect(parseCount(await fileRow(name).locator('[data-col="accepted"]').textContent()), name).toBe(n);
			expect(parseCount(await fileRow(name).locator('[data-col="rejected"]').textContent()), name).toBe(0);
		}
		const datasetRows = (name: string) => page.locator(`[data-testid="import-datasets"] tr[data-dataset="${name}"] [data-col="rows"]`);
		expect(parseCount(await datasetRows('events').textContent())).toBe(calls.length);
		expect(parseCount(await datasetRows('incidents').textContent())).toBe(crimes.length);
		// Each dataset named by what its file is, not by police.uk's names.
		const datasetLabel = (name: string) => page.locator(`[data-testid="import-datasets"] tr[data-dataset="${name}"] th`).textContent();
		expect(await datasetLabel('events')).toBe('Calls for service (CAD export)');
		expect(await datasetLabel('incidents')).toBe('Recorded crimes (RMS export)');

		await page.locator('[data-testid="import-open"]').click();
		await page.waitForURL(/source=local%3A|source=local:/);
		sourceId = params().get('source')!;
		await waitForApp(page, 60_000);
	}, IMPORT_TIMEOUT * 2);

	it('the Overview shows both datasets\' totals', async () => {
		expect(sourceId).toMatch(/^local:/);
		await page.goto(`${baseUrl}/?source=${encodeURIComponent(sourceId)}`);
		await waitForApp(page, 60_000);
		await expect.poll(() => page.locator('[data-testid="records"]').textContent(), { timeout: 60_000 }).toBe(crimes.length.toLocaleString('en-GB'));
		expect(parseCount(await page.locator('[data-testid="events-total"]').textContent())).toBe(calls.length);
		expect(await page.locator('[data-testid="events-period"]').textContent()).toBe('Mar 2019 – Apr 2019');
		// Named as every other page names them, not as police.uk data.
		expect(await page.locator('[data-testid="events-label"]').textContent()).toBe('Calls for service (CAD export)');
		expect(await page.locator('[data-testid="period-kind"]').textContent()).toContain('month resolution: Recorded crimes (RMS export)');
	}, 120_000);

	it('the Data page says which file is the CAD export and which the RMS export', async () => {
		await page.goto(`${baseUrl}/data?source=${encodeURIComponent(sourceId)}`);
		await waitForApp(page, 60_000);
		const kind = (name: string) => page.locator(`[data-testid="sources-table"] tr[data-file="${name}"] [data-col="kind"]`).textContent();
		await expect.poll(() => kind('cad-calls-2019.csv'), { timeout: 60_000 }).toBe('eventsCAD export (calls for service)');
		expect(await kind('rms-crimes-2019.csv')).toBe('month-incidentsRMS export (recorded crimes)');
	}, 120_000);

	it('Time: crimes then calls for the same month and box; switching dataset keeps period, box and comparison', async () => {
		const query = new URLSearchParams({ source: sourceId, ds: 'incidents', from: '2019-04', to: '2019-04', bbox: BOX.join(','), compare: 'previous' });
		await page.goto(`${baseUrl}/time?${query}`);
		await waitForApp(page, 60_000);
		const before = kept(params());
		const crimesInBox = countIn(crimes, '2019-04', BOX);
		const callsInBox = countIn(calls, '2019-04', BOX);
		expect(crimesInBox).toBeGreaterThan(50);
		expect(callsInBox).toBeGreaterThan(5);
		await summaryRecords('time-summary', crimesInBox);
		// The dataset choice names them by what they are.
		expect(await page.locator('#explore-dataset option').allTextContents()).toEqual([
			`Recorded crimes (RMS export) (${crimes.length.toLocaleString('en-GB')})`,
			`Calls for service (CAD export) (${calls.length.toLocaleString('en-GB')})`
		]);
		await switchDataset('events');
		expect(kept(params())).toEqual(before);
		await summaryRecords('time-summary', callsInBox);
		// Calls are timestamped: the hour-of-week view counts them hour by hour (crimes are by month only).
		const hoursTotal = () =>
			page.evaluate(() => [...document.querySelectorAll('[data-testid="hours-table"] tbody td[data-hour]')].reduce((t, td) => t + Number(td.textContent!.replace(/,/g, '')), 0));
		await expect.poll(hoursTotal, { timeout: 45_000 }).toBe(callsInBox);
		await switchDataset('incidents');
		expect(kept(params())).toEqual(before);
		await summaryRecords('time-summary', crimesInBox);
	}, 240_000);

	it('Map: calls then crimes in the same selected H3 cell and period; switching dataset keeps the selection', async () => {
		// The busiest resolution-8 cell of the April crimes, by h3-js from the rows' coordinates.
		const cellOf = (r: { lon: number | null; lat: number | null }) => (r.lon === null || r.lat === null ? null : latLngToCell(r.lat, r.lon, 8));
		const april = (rows: ReadonlyArray<FixtureCall | FixtureCrime>) => rows.filter((r) => r.month === '2019-04');
		const tally = new Map<string, number>();
		for (const r of april(crimes)) {
			const c = cellOf(r);
			if (c) tally.set(c, (tally.get(c) ?? 0) + 1);
		}
		const [cell] = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
		const inCell = (rows: ReadonlyArray<FixtureCall | FixtureCrime>) => april(rows).filter((r) => cellOf(r) === cell).length;
		expect(inCell(calls)).toBeGreaterThan(0);
		const query = new URLSearchParams({ source: sourceId, ds: 'events', from: '2019-04', to: '2019-04', area: `h3_8:${cell}` });
		await page.goto(`${baseUrl}/map?${query}`);
		await waitForApp(page, 60_000);
		const before = kept(params());
		await summaryRecords('map-summary', inCell(calls));
		await switchDataset('incidents');
		expect(kept(params())).toEqual(before);
		await summaryRecords('map-summary', inCell(crimes));
	}, 240_000);
});
