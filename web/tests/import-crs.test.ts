/**
 * Coordinates in British National Grid, in the browser: a force-style export of REAL City of
 * London street records (sample-data/police-uk/city-of-london/street, November 2019) whose
 * longitude/latitude were converted HERE to eastings and northings (proj4 with the published
 * EPSG:27700 definition, to the millimetre), chosen on the Data page. The mapping step finds
 * the Easting/Northing columns, suggests and preselects British National Grid with the reason in
 * a sentence; the import turns the points back into longitude/latitude, rejects the two rows
 * the test moved outside the grid's valid area with their line and reason, and the dashboard's
 * counts (Overview total; the Map's busiest H3 cell, by h3-js from the ORIGINAL WGS84
 * coordinates) match the rows.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import { latLngToCell } from 'h3-js';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';

const baseUrl = inject('baseUrl');
const IMPORT_TIMEOUT = 120_000;
const LABEL = 'City crimes in British National Grid';
const SOURCE = 'sample-data/police-uk/city-of-london/street/2019-11-city-of-london-street.csv';
const FILE = 'city-crimes-bng.csv';
const EPSG_27700 =
	'+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
	'+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';

interface Row {
	/** Line in the written file (the header is 1). */
	line: number;
	month: string;
	lon: number | null;
	lat: number | null;
}

let browser: TestBrowser;
let page: Page;
let tmp: string;
let path: string;
/** Rows written with their real coordinates; the two moved outside the grid, and the repeated crime references, are `broken` (rejected). */
let rows: Row[] = [];
const broken = new Map<number, { easting: string; northing: string; reason: RegExp; column: string }>();
/** Each written line's Crime reference, trimmed. */
const ids = new Map<number, string>();

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-crs-e2e-'));
	const [header, ...lines] = readFileSync(SOURCE, 'utf8').split(/\r?\n/).filter((l) => l !== '');
	const keys = header.split(',');
	const at = (k: string) => keys.indexOf(k);
	const toBng = proj4('EPSG:4326', EPSG_27700);
	const out = [['Crime reference', 'Month', 'Offence', 'Easting', 'Northing', 'Location'].join(',')];
	lines.forEach((text, i) => {
		const c = text.split(',');
		const line = i + 2;
		const lon = c[at('Longitude')] === '' ? null : Number(c[at('Longitude')]);
		const lat = c[at('Latitude')] === '' ? null : Number(c[at('Latitude')]);
		let [e, n] = lon === null || lat === null ? ['', ''] : toBng.forward([lon, lat]).map((v) => v.toFixed(3));
		// Two rows moved: one past the grid's eastern edge, one inside the grid's square but in the North Sea.
		if (line === 6) {
			[e, n] = ['812345', '181000'];
			broken.set(line, { easting: e, northing: n, reason: /^easting 812,345 is outside British National Grid's valid area/, column: 'Easting' });
		}
		if (line === 11) {
			[e, n] = ['690000', '1250000'];
			broken.set(line, { easting: e, northing: n, reason: /^easting 690,000, northing 1,250,000 falls at longitude 3\.\d+, latitude 61\.\d+, outside British National Grid's valid area/, column: 'Easting and Northing' });
		}
		out.push([c[at('Crime ID')], c[at('Month')], c[at('Crime type')], e, n, c[at('Location')]].join(','));
		rows.push({ line, month: c[at('Month')], lon, lat });
		ids.set(line, c[at('Crime ID')].trim());
	});
	// "Crime reference" is read as the incident ID: a reference repeated among the rows that pass
	// the row rules is rejected after its first line (worked here, in file order).
	const seen = new Map<string, number>();
	for (const { line } of rows) {
		const id = ids.get(line)!;
		if (broken.has(line) || id === '') continue;
		const first = seen.get(id);
		if (first === undefined) seen.set(id, line);
		else broken.set(line, { easting: '', northing: '', reason: new RegExp(`^duplicate incident ID: already at ${FILE.replace('.', '\\.')} line ${first} \\(the first is kept\\)$`), column: 'Crime reference' });
	}
	path = join(tmp, FILE);
	writeFileSync(path, `${out.join('\n')}\n`);
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
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let sourceId = '';

describe('a file in British National Grid imported in the browser', () => {
	it('the mapping step detects British National Grid, says why, and the import rejects the points outside its valid area with line and reason', async () => {
		const accepted = rows.length - broken.size;
		expect(rows.length).toBeGreaterThan(800);
		await page.locator('[data-testid="import-files"]').setInputFiles([path]);
		await page.locator('[data-testid="import-chosen"]').waitFor();
		const step = page.locator('[data-testid="mapping-step"]', { hasText: FILE });
		await step.waitFor();
		// Recorded crimes by month; the Easting/Northing columns are the location.
		expect(await step.locator('[data-testid="mapping-format"]').inputValue()).toBe('month-incidents');
		expect(await step.locator('select[data-field="longitude"]').inputValue()).toBe('Easting');
		expect(await step.locator('select[data-field="latitude"]').inputValue()).toBe('Northing');
		// British National Grid suggested from the values and preselected, with the reason.
		const crs = step.locator('[data-testid="mapping-crs"]');
		await expect.poll(() => crs.inputValue()).toBe('EPSG:27700');
		const reason = step.locator('[data-testid="mapping-crs-reason"]');
		expect(await reason.getAttribute('data-suggested')).toBe('EPSG:27700');
		expect(await reason.textContent()).toContain('the values look like eastings and northings in metres');
		expect(await step.locator('[data-testid="mapping-crs"] option:checked').textContent()).toContain('British National Grid (EPSG:27700) — suggested');
		// The location fields are named as the grid's axes; the command line gets --crs.
		expect(await step.locator('label', { has: page.locator('select[data-field="longitude"]') }).textContent()).toContain('Easting (x, metres)');
		expect(await step.locator('[data-testid="columns-arg"]').textContent()).toContain('--crs EPSG:27700');

		await page.locator('[data-testid="import-label"]').fill(LABEL);
		await page.locator('[data-testid="import-start"]').click();
		await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
		expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);

		const fileRow = page.locator(`[data-testid="import-report-files"] tr[data-file="${FILE}"]`);
		expect(parseCount(await fileRow.locator('[data-col="rows_in"]').textContent())).toBe(rows.length);
		expect(parseCount(await fileRow.locator('[data-col="accepted"]').textContent())).toBe(accepted);
		expect(parseCount(await fileRow.locator('[data-col="rejected"]').textContent())).toBe(broken.size);
		expect(await fileRow.locator('[data-col="crs"]').getAttribute('data-code')).toBe('EPSG:27700');
		expect(await fileRow.locator('[data-col="crs"]').textContent()).toContain('British National Grid (suggested from the values, kept)');

		const rejected = page.locator('[data-testid="import-rejected-rows"] tbody tr');
		expect(await rejected.count()).toBe(broken.size);
		for (let i = 0; i < broken.size; i++) {
			const cells = await rejected.nth(i).locator('td').allTextContents();
			const expected = broken.get(Number(cells[1]));
			expect(expected, `line ${cells[1]}`).toBeDefined();
			expect(cells[0]).toBe(FILE);
			expect(cells[2]).toBe(expected!.column);
			expect(cells[3]).toMatch(expected!.reason);
		}

		await page.locator('[data-testid="import-open"]').click();
		await page.waitForURL(/source=local%3A|source=local:/);
		sourceId = new URL(page.url()).searchParams.get('source')!;
		await waitForApp(page, 60_000);
	}, IMPORT_TIMEOUT * 2);

	it('the Overview counts every accepted row, and the Map places them in the H3 cells of their original coordinates', async () => {
		expect(sourceId).toMatch(/^local:/);
		const kept = rows.filter((r) => !broken.has(r.line));
		await page.goto(`${baseUrl}/?source=${encodeURIComponent(sourceId)}`);
		await waitForApp(page, 60_000);
		await expect.poll(() => page.locator('[data-testid="records"]').textContent(), { timeout: 60_000 }).toBe(kept.length.toLocaleString('en-GB'));

		// The busiest resolution-8 cell by h3-js from the rows' WGS84 coordinates as police.uk published them.
		const tally = new Map<string, number>();
		for (const r of kept) if (r.lon !== null && r.lat !== null) tally.set(latLngToCell(r.lat, r.lon, 8), (tally.get(latLngToCell(r.lat, r.lon, 8)) ?? 0) + 1);
		const [cell, count] = [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
		expect(count).toBeGreaterThan(20);
		const query = new URLSearchParams({ source: sourceId, from: '2019-11', to: '2019-11', area: `h3_8:${cell}` });
		await page.goto(`${baseUrl}/map?${query}`);
		await waitForApp(page, 60_000);
		const line = page.locator('[data-testid="map-summary"]');
		await expect.poll(async () => line.getAttribute('data-records'), { timeout: 45_000 }).toBe(String(count));
	}, 240_000);
});
