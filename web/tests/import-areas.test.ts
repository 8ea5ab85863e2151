/**
 * Areas of your own in the browser import (Data page), in headless Chromium against the built
 * app: real Lancashire anti-social behaviour rows (every 8th row of the shipped file) and a real
 * City of London street month (2019-04, no row rejected) are imported with the 14 Lancashire district polygons as a
 * boundary file, converted by this test to British National Grid with proj4 (the shipped London
 * LSOA shapefile is read first, as its .shp, .dbf and .prj parts). Without a `crs`
 * member the panel asks for the coordinate system and suggests British National Grid; with one
 * it reads it. The id and name fields are offered with sample values, the areas are named
 * ("Council areas") and made the force area. The report counts the records in an area, outside
 * every area (the City's, in London) and with no location, and lists the first outside with file
 * and line; the Map at the areas' level shows per-area counts equal to an independent
 * point-in-polygon count of the same rows (ray casting over the shipped WGS84 polygons, here).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { BNG_CODE, crsChoice } from '../../analytics/ingest/crs';

const baseUrl = inject('baseUrl');
const IMPORT_TIMEOUT = 180_000;
const LANCS = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';
const DISTRICTS = 'sample-data/police-uk/lancashire-asb-2022/lancashire_districts.geojson';
const CITY = 'sample-data/police-uk/city-of-london/street/2019-04-city-of-london-street.csv';
const LABEL = 'Council areas';

type Ring = number[][];
interface Feature {
	properties: Record<string, string>;
	geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: Ring[] | Ring[][] };
}
const geojson = JSON.parse(readFileSync(DISTRICTS, 'utf8')) as { features: Feature[] };

/** Even-odd ray casting in longitude/latitude over every ring of a feature. */
function inFeature(f: Feature, x: number, y: number): boolean {
	const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][];
	let inside = false;
	for (const rings of polygons) {
		for (const ring of rings) {
			for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
				const [xi, yi] = ring[i];
				const [xj, yj] = ring[j];
				if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
			}
		}
	}
	return inside;
}

let browser: TestBrowser;
let page: Page;
let tmp: string;
let lancsPath: string;
let bngPath: string;
let undeclaredPath: string;
/** Expected, from the rows written: records per area, and located records in none (Lancashire's and the City's). */
const expected = { byArea: new Map<string, number>(), outside: 0, noLocation: 0, records: 0 };
/** The City rows by line number (header = line 1): longitude, latitude as written. */
const cityLines = new Map<number, [number, number]>();
let sourceId = '';

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-import-areas-e2e-'));
	// Every 8th real Lancashire row, header kept.
	const lines = readFileSync(LANCS, 'utf8').split('\n').filter((l) => l.trim() !== '');
	const [header, ...rows] = lines;
	const kept = rows.filter((_, i) => i % 8 === 0);
	lancsPath = join(tmp, 'lancashire_asb_sample.tab');
	writeFileSync(lancsPath, [header, ...kept].join('\n') + '\n');
	const h = header.split('\t');
	const point = (cells: string[], lonAt: number, latAt: number) => {
		const lon = cells[lonAt] === '' ? NaN : Number(cells[lonAt]);
		const lat = cells[latAt] === '' ? NaN : Number(cells[latAt]);
		expected.records++;
		if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
			expected.noLocation++;
			return;
		}
		const hit = geojson.features.find((f) => inFeature(f, lon, lat));
		if (!hit) expected.outside++;
		else expected.byArea.set(hit.properties.objectid, (expected.byArea.get(hit.properties.objectid) ?? 0) + 1);
	};
	for (const r of kept) point(r.split('\t'), h.indexOf('longitude'), h.indexOf('latitude'));
	// The City month: no quoted commas before the coordinates (Crime ID, Month, Reported by, Falls within, Longitude, Latitude …).
	const city = readFileSync(CITY, 'utf8').split('\n');
	const ch = city[0].split(',');
	city.forEach((line, i) => {
		if (i === 0 || line.trim() === '') return;
		const cells = line.split(',');
		point(cells, ch.indexOf('Longitude'), ch.indexOf('Latitude'));
		if (cells[ch.indexOf('Longitude')] !== '') cityLines.set(i + 1, [Number(cells[ch.indexOf('Longitude')]), Number(cells[ch.indexOf('Latitude')])]);
	});

	// The district polygons in British National Grid (eastings, northings to the centimetre).
	const toBng = proj4(proj4.WGS84, crsChoice(BNG_CODE)!.proj4);
	const project = (c: unknown): unknown =>
		typeof (c as number[])[0] === 'number' ? toBng.forward(c as number[]).map((v) => Math.round(v * 100) / 100) : (c as unknown[]).map(project);
	const features = geojson.features.map((f) => ({ type: 'Feature', properties: f.properties, geometry: { type: f.geometry.type, coordinates: project(f.geometry.coordinates) } }));
	bngPath = join(tmp, 'lancashire_districts_bng.geojson');
	writeFileSync(bngPath, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } }, features }));
	undeclaredPath = join(tmp, 'lancashire_districts_no_crs.geojson');
	writeFileSync(undeclaredPath, JSON.stringify({ type: 'FeatureCollection', features }));

	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/data`);
	await waitForApp(page);
	await page.locator('[data-testid="import-dropzone"]').waitFor();
}, 120_000);

afterEach(() => {
	expect(browser.takeProblems()).toEqual([]);
});

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('a boundary file of your own areas', () => {
	it('is read beside the data: the coordinate system asked (BNG suggested) or read from the file, the id and name fields offered with samples', async () => {
		await page.locator('[data-testid="import-files"]').setInputFiles([lancsPath, CITY]);
		await page.locator('[data-testid="import-chosen"]').waitFor();
		const step = page.locator('[data-testid="mapping-step"]');
		await step.waitFor();
		await step.locator('[data-testid="mapping-format"]').selectOption('month-incidents');
		await step.locator('[data-testid="mapping-constant-category"]').fill('Anti-social behaviour');

		// A real shapefile chosen as its parts (.shp, .dbf, .prj): read in the worker, its .prj's system named.
		const lsoa = 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20';
		await page.locator('[data-testid="boundary-files"]').setInputFiles([`${lsoa}.shp`, `${lsoa}.dbf`, `${lsoa}.prj`]);
		const summary = page.locator('[data-testid="boundary-summary"]');
		await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain('london-2011-lsoa-gen20.shp (+ .dbf, .prj)');
		expect(await summary.textContent()).toContain('coordinates read as British National Grid');
		expect(await page.locator('[data-testid="boundary-id"]').inputValue()).toBe('LSOA11CD');

		// No crs member and the coordinates are metres: the system is asked, British National Grid suggested.
		await page.locator('[data-testid="boundary-files"]').setInputFiles([undeclaredPath]);
		const crs = page.locator('[data-testid="boundary-crs"]');
		await crs.waitFor();
		expect(await crs.inputValue()).toBe(BNG_CODE);
		expect(await crs.locator('option:checked').textContent()).toContain('suggested by the coordinates');

		// With the crs member it is read as declared: nothing to ask.
		await page.locator('[data-testid="boundary-files"]').setInputFiles([bngPath]);
		await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain('lancashire_districts_bng.geojson');
		expect(await summary.textContent()).toMatch(/14 areas, coordinates read as British National Grid and converted to longitude\/latitude/);
		expect(await crs.count()).toBe(0);
		const id = page.locator('[data-testid="boundary-id"]');
		const name = page.locator('[data-testid="boundary-name"]');
		expect(await id.inputValue()).toBe('objectid');
		expect(await id.locator('option:checked').textContent()).toContain('“E06000008”');
		expect(await name.inputValue()).toBe('district');
		expect(await name.locator('option:checked').textContent()).toContain('“Blackburn with Darwen”');
		// Named by the user; the areas offered as the force area under that name.
		await page.locator('[data-testid="boundary-label"]').fill(LABEL);
		const asForce = page.locator('[data-testid="force-area-districts"]');
		await asForce.check();
		expect(await page.locator('label', { has: asForce }).textContent()).toContain(LABEL);
	});

	it('joins every record at import: the report counts records in an area, outside every area and with no location, and lists the first outside with file and line', async () => {
		await page.locator('[data-testid="import-label"]').fill('Lancashire with council areas');
		await page.locator('[data-testid="import-start"]').click();
		await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
		expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);
		const report = page.locator('[data-testid="import-areas-report"]');
		expect(await report.locator('[data-testid="import-areas-label"]').textContent()).toBe(LABEL);
		const row = report.locator('[data-testid="import-areas-records"] tr[data-dataset="incidents"]');
		const inside = [...expected.byArea.values()].reduce((a, b) => a + b, 0);
		expect(parseCount(await row.locator('[data-col="inside"]').textContent())).toBe(inside);
		expect(parseCount(await row.locator('[data-col="outside"]').textContent())).toBe(expected.outside);
		expect(parseCount(await row.locator('[data-col="no_location"]').textContent())).toBe(expected.noLocation);
		expect(parseCount(await row.locator('[data-col="records"]').textContent())).toBe(expected.records);
		expect(inside + expected.outside + expected.noLocation).toBe(expected.records);
		expect(expected.outside).toBeGreaterThan(cityLines.size - 1);

		// The listed City rows are those lines of the file, at the coordinates written there.
		const listed = await report.locator('[data-testid="import-areas-outside"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => ({
				file: tr.getAttribute('data-file'),
				line: Number(tr.getAttribute('data-line')),
				lon: Number(tr.querySelector('[data-col="longitude"]')!.textContent),
				lat: Number(tr.querySelector('[data-col="latitude"]')!.textContent),
				reason: tr.querySelector('[data-col="reason"]')!.textContent
			}))
		);
		const city = listed.filter((r) => r.file === '2019-04-city-of-london-street.csv' && r.reason === 'outside every area');
		expect(city.length).toBeGreaterThan(5);
		for (const r of city) {
			const [lon, lat] = cityLines.get(r.line)!;
			expect(r.lon).toBeCloseTo(lon, 4);
			expect(r.lat).toBeCloseTo(lat, 4);
		}
		// The force area is the areas (this month of City records has no rejected row: every one is in the counts above).
		expect(await page.locator('[data-testid="import-force-name"]').textContent()).toContain(LABEL.toLowerCase());
		expect(await page.locator('[data-testid="import-rejected"]').textContent()).toBe('0');
		const href = await page.locator('[data-testid="import-open"]').getAttribute('href');
		sourceId = new URL(href!, baseUrl).searchParams.get('source')!;
		expect(sourceId).toMatch(/^local:/);
	}, IMPORT_TIMEOUT);

	it('the Map at the areas’ level counts each area’s records as an independent point-in-polygon count does', async () => {
		const tab = await browser.newPage();
		try {
			await tab.goto(`${baseUrl}/map?source=${encodeURIComponent(sourceId)}&layer=district`);
			await waitForApp(tab, 60_000);
			const option = tab.locator('[data-testid="layer-select"] option[value="district"]');
			await option.waitFor({ state: 'attached', timeout: 60_000 });
			expect(await option.textContent()).toContain(LABEL);
			const rows = tab.locator('[data-testid="cells-table"] tbody tr');
			await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(expected.byArea.size);
			const shown = await rows.evaluateAll((trs) =>
				trs.map((tr) => [tr.getAttribute('data-cell') ?? '', tr.querySelector('[data-col="records"]')?.textContent?.trim() ?? ''] as const)
			);
			const got = new Map(shown.map(([cell, records]) => [cell, Number(records.replace(/,/g, ''))]));
			expect([...got.entries()].sort()).toEqual([...expected.byArea.entries()].sort());
			expect(expected.byArea.size).toBe(14);
		} finally {
			await tab.close();
		}
	}, 120_000);
});
