/**
 * The Map's words and figures checked against the raw files in sample-data (copies of
 * ../shared/data), on each shipped source, in headless Chromium against the built app:
 * - a cell's records table gives each record's time as the views count it: Chicago's incident
 *   times as the source wrote them (local wall-clock, no zone), never with a "Z" that calls them
 *   UTC; stop and search (stored in UTC) in UK local time;
 * - harm (CCHI days) is shown only for street crime and ASB: stop and search and Chicago's
 *   incidents have no CCHI weight, so their cells table, CSV and cell panel carry no harm figure
 *   (they showed "0" for every cell);
 * - the change layer says how many records of the comparison period lie in cells with no
 *   boundary in this source (City of London rows in LSOAs outside London), which it leaves off
 *   the map, also when those cells hold no record in the period itself;
 * - a hot-spot layer names the months it counts (its window), in the legend and the PNG;
 * - a boundary layer says how many located records lie in none of its areas (City of London
 *   searches outside every London LSOA), which no cell holds and the summary line does not
 *   count as unlocated;
 * - the change layer says how many of its rises and falls are beyond chance (its legend's
 *   "rise" and "fall" give only the sign: 0 → 1 record is a "rise").
 * Expected figures come from the raw rows (h3-js for the cells, the London LSOA shapefile's
 * attribute table for the boundaries), not from the extract.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { latLngToCell } from 'h3-js';
import type { Download } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { drawnWords, parseCount, sharedPage, waitForApp } from './browser';
import { RAW_DIR, countedStreetRows } from './expected';
import { CITY_OF_LONDON_LAD, lsoasOfAuthority } from './expected-thr';
import { parseCsv, readCsvRows } from './csv';
import { formatCount } from '../lib/charts/format';
import { exactChangeSplit } from '../../scripts/lib/exact-binomial';

const baseUrl = inject('baseUrl');
const shared = sharedPage();
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-audit-map-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function openMap(query: string): Promise<void> {
	const page = shared.page;
	await page.goto(`${baseUrl}/map?${query}`);
	await waitForApp(page, 45_000);
	await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 45_000 });
	await page.waitForFunction(() => document.querySelector('.legend-box')?.getAttribute('aria-busy') === 'false', null, { timeout: 45_000 });
}

/** The selected cell's panel, once its records are read. */
async function cellPanel(cell: string) {
	const panel = shared.page.locator(`[data-testid="cell-panel"][data-cell="${cell}"]`);
	await panel.locator('[data-testid="cell-rows-range"]').waitFor({ timeout: 45_000 });
	return panel;
}

/** Chicago's raw rows (date as written, line number with the header as line 1) in H3 cell `cell` at `res`. */
function chicagoRowsIn(cell: string, res: number): Array<{ date: string; line: number }> {
	const text = gunzipSync(readFileSync(resolve('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz'))).toString('utf8');
	const [header, ...rows] = parseCsv(text);
	const at = (name: string) => header.indexOf(name);
	const out: Array<{ date: string; line: number }> = [];
	rows.forEach((r, i) => {
		if (r.length < header.length) return;
		if (latLngToCell(Number(r[at('latitude')]), Number(r[at('longitude')]), res) === cell) out.push({ date: r[at('date')], line: i + 2 });
	});
	return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.line - b.line));
}

/** City of London stop-and-search raw rows in H3 cell `cell` at `res`: their Date as written. */
function searchDatesIn(cell: string, res: number): string[] {
	const dir = join(RAW_DIR, 'stop-and-search');
	const out: string[] = [];
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
		for (const row of readCsvRows(join(dir, file))) {
			if (row.Latitude === '' || row.Longitude === '') continue;
			if (latLngToCell(Number(row.Latitude), Number(row.Longitude), res) === cell) out.push(row.Date);
		}
	}
	return out.sort();
}

/** LSOA codes of the London LSOA 2011 boundaries (the shapefile's attribute table, field LSOA11CD). */
function londonLsoas(): Set<string> {
	const dbf = readFileSync(resolve('sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.dbf'));
	const records = dbf.readUInt32LE(4);
	const headerLength = dbf.readUInt16LE(8);
	const recordLength = dbf.readUInt16LE(10);
	// Field descriptors, 32 bytes each from byte 32 until 0x0D: name (11 bytes), type, 4 reserved, length.
	let offset = 1;
	let field: { at: number; length: number } | null = null;
	for (let p = 32; dbf[p] !== 0x0d; p += 32) {
		const name = dbf.toString('latin1', p, p + 11).replace(/\0.*$/, '');
		const length = dbf[p + 16];
		if (name === 'LSOA11CD') field = { at: offset, length };
		offset += length;
	}
	if (!field) throw new Error('no LSOA11CD field');
	const codes = new Set<string>();
	for (let i = 0; i < records; i++) {
		const start = headerLength + i * recordLength + field.at;
		codes.add(dbf.toString('latin1', start, start + field.length).trim());
	}
	return codes;
}

async function downloadText(trigger: () => Promise<void>): Promise<string> {
	const [d] = (await Promise.all([shared.page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, d.suggestedFilename());
	await d.saveAs(path);
	return readFileSync(path, 'utf8');
}

describe('Map audit: record times in a cell', () => {
	it("shows Chicago's incident times as recorded (local wall-clock), not as UTC", async () => {
		const cell = '872664c8cffffff';
		const raw = chicagoRowsIn(cell, 7);
		// Line 73: "2010-01-02 11:36", the cell's earliest record.
		expect(raw[0]).toEqual({ date: '2010-01-02 11:36', line: 73 });
		await openMap(`source=chicago-assaults&layer=h3_7&area=h3_7:${cell}`);
		const panel = await cellPanel(cell);
		expect(parseCount(await panel.locator('[data-testid="cell-records"]').textContent())).toBe(raw.length);
		const table = panel.locator('[data-testid="cell-rows"]');
		const headings = await table.locator('thead th').allInnerTexts();
		const at = headings.indexOf('occurred at (local time, as recorded)');
		expect(at).toBeGreaterThanOrEqual(0);
		const first = await table.locator('tbody tr').first().locator('td').allInnerTexts();
		expect(first[at]).toBe(raw[0].date);
		expect(first[headings.indexOf('source line')]).toBe(String(raw[0].line));
		// No harm for incidents CCHI does not weigh.
		expect(await panel.locator('[data-testid="cell-harm"]').count()).toBe(0);
		expect(await panel.locator('[data-testid="cell-months"]').textContent()).toBe(`${monthWordsShort(raw[0].date)} to ${monthWordsShort(raw.at(-1)!.date)}`);
	});

	it('shows stop-and-search times (UTC in the data) in UK local time, and no harm', async () => {
		const cell = '89195da5987ffff';
		const raw = searchDatesIn(cell, 9);
		// 2019-08 line 150: "2019-08-27T00:00:12+00:00", 01:00:12 British Summer Time; all in August 2019.
		expect(raw[0]).toBe('2019-08-27T00:00:12+00:00');
		expect(new Set(raw.map((d) => d.slice(0, 7)))).toEqual(new Set(['2019-08']));
		await openMap(`source=city-of-london&ds=stop_search&area=h3_9:${cell}`);
		const panel = await cellPanel(cell);
		expect(parseCount(await panel.locator('[data-testid="cell-records"]').textContent())).toBe(raw.length);
		const table = panel.locator('[data-testid="cell-rows"]');
		const headings = await table.locator('thead th').allInnerTexts();
		const at = headings.indexOf('occurred at (UK time)');
		expect(at).toBeGreaterThanOrEqual(0);
		expect((await table.locator('tbody tr').first().locator('td').allInnerTexts())[at]).toBe('2019-08-27 01:00:12');
		expect(await panel.locator('[data-testid="cell-harm"]').count()).toBe(0);
		expect(await panel.locator('[data-testid="cell-categories"] thead th').allInnerTexts()).toEqual(['Category', 'Records']);
		// The period of the cell's records: one month, said once.
		expect(await panel.locator('[data-testid="cell-months"]').textContent()).toBe('Aug 2019');
	});
});

/** "2010-01-02 11:36" → "Jan 2010", as formatMonth writes a month. */
function monthWordsShort(date: string): string {
	const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
	return `${names[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
}

describe('Map audit: harm only where CCHI weighs the records', () => {
	it('has no harm column in the cells table or its CSV for stop and search', async () => {
		await openMap('source=city-of-london&ds=stop_search');
		const page = shared.page;
		const headings = await page.locator('[data-testid="cells-table"] thead th').allInnerTexts();
		expect(headings.some((h) => h.startsWith('Harm'))).toBe(false);
		expect(await page.locator('[data-testid="cells-table"] td[data-col="harm"]').count()).toBe(0);
		const csv = await downloadText(() => page.locator('[data-testid="export-csv"]').click());
		expect(csv.split(/\r?\n/)[0].replace(/^\uFEFF/, '')).toBe('cell_id,name,in_force_area,records,records_outside,population,value,class');
		await expectNoHarmInGeoJson();
	});

	it("has no harm column for Chicago's incidents; street crime keeps it", async () => {
		await openMap('source=chicago-assaults');
		const page = shared.page;
		expect((await page.locator('[data-testid="cells-table"] thead th').allInnerTexts()).some((h) => h.startsWith('Harm'))).toBe(false);
		await expectNoHarmInGeoJson();
		await openMap('source=city-of-london');
		expect(await page.locator('[data-testid="cells-table"] thead th').allInnerTexts()).toContain('Harm (CCHI days)');
		// Street crime's GeoJSON keeps each cell's harm, as its table does.
		const geo = JSON.parse(await downloadText(() => page.locator('[data-testid="export-geojson"]').click())) as GeoJsonOut;
		expect(geo.features.length).toBeGreaterThan(0);
		for (const f of geo.features) expect(typeof f.properties.harm).toBe('number');
		expect(geo.clearsight.harm).toBeUndefined();
	});

	it('has no harm column on the hot-spot layer (it printed 0 for every cell)', async () => {
		// Raw: the window is June–November 2019; cell 89194ad30cfffff holds 504 of its located
		// records in the force area's LSOAs, 4,688 in 42 cells in all.
		const city = new Set(lsoasOfAuthority(CITY_OF_LONDON_LAD));
		const rows = countedStreetRows().filter((r) => r.Month >= '2019-06' && r.Month <= '2019-11' && city.has(r['LSOA code']));
		const cells = new Map<string, number>();
		for (const r of rows) {
			const id = latLngToCell(Number(r.Latitude), Number(r.Longitude), 9);
			cells.set(id, (cells.get(id) ?? 0) + 1);
		}
		expect([rows.length, cells.size, cells.get('89194ad30cfffff')]).toEqual([4688, 42, 504]);
		await openMap('source=city-of-london&mode=hotspots');
		const page = shared.page;
		expect(await page.locator('[data-testid="cells-table"] caption').textContent()).toBe(`H3 hexagons, resolution 9 (≈0.1 km²): 42 cells, ${formatCount(4688)} records`);
		const row = page.locator('[data-testid="cells-table"] tr[data-cell="89194ad30cfffff"]');
		expect(await row.locator('td[data-col="records"]').textContent()).toBe('504');
		expect(await page.locator('[data-testid="cells-table"] td[data-col="harm"]').count()).toBe(0);
		await expectNoHarmInGeoJson();
	});
});

interface GeoJsonOut {
	clearsight: Record<string, unknown>;
	features: Array<{ properties: Record<string, unknown> }>;
}

/** The layer's GeoJSON download has no harm on any cell (it wrote harm 0) and says why in its clearsight member. */
async function expectNoHarmInGeoJson(): Promise<void> {
	const geo = JSON.parse(await downloadText(() => shared.page.locator('[data-testid="export-geojson"]').click())) as GeoJsonOut;
	expect(geo.features.length).toBeGreaterThan(0);
	for (const f of geo.features) expect(f.properties).not.toHaveProperty('harm');
	expect(geo.clearsight.harm).toMatch(/^Harm \(CCHI days\) applies to street crime and ASB on a value layer only/);
}

describe('Map audit: the change layer and cells with no boundary', () => {
	it('counts the comparison records it leaves off the map (LSOAs outside London)', async () => {
		const london = londonLsoas();
		const rows = countedStreetRows().filter((r) => r['LSOA code'] !== '' && !london.has(r['LSOA code']));
		const inRange = (from: string, to: string) => rows.filter((r) => r.Month >= from && r.Month <= to);
		const now = inRange('2019-09', '2019-11');
		const before = inRange('2019-06', '2019-08');
		const cells = new Set([...now, ...before].map((r) => r['LSOA code']));
		// Raw: no such record in September–November 2019, three (E01019606, E01030405, E01030839) in June–August.
		expect(now.length).toBe(0);
		expect(before.length).toBe(3);
		expect(cells.size).toBe(3);
		await openMap('source=city-of-london&layer=lsoa&measure=change&compare=previous&from=2019-09&to=2019-11');
		const note = (await shared.page.locator('[data-testid="missing-note"]').textContent())?.replace(/\s+/g, ' ').trim();
		expect(note).toBe(
			`${now.length} records fall (and ${before.length} of the comparison period) in ${cells.size} cells with no boundary in this source: they count in the linked views but are not drawn or listed here.`
		);
	});
});

describe('Map audit: the hot-spot layer names the months it counts', () => {
	it("says Chicago's window is July–December 2017, not the period chosen (2010–2017)", async () => {
		// Raw: 7,676 aggravated assaults dated July–December 2017, every one inside a police district.
		const text = gunzipSync(readFileSync(resolve('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz'))).toString('utf8');
		const [header, ...rows] = parseCsv(text);
		const date = header.indexOf('date');
		const inWindow = rows.filter((r) => r.length === header.length && r[date] >= '2017-07' && r[date] < '2018').length;
		expect(inWindow).toBe(7676);
		await openMap('source=chicago-assaults&mode=hotspots');
		const page = shared.page;
		expect(await page.locator('[data-testid="cells-table"] caption').textContent()).toMatch(new RegExp(`, ${formatCount(inWindow)} records$`));
		expect(await page.locator('[data-testid="legend"] figcaption').textContent()).toBe('Gi* hot and cold spots, July–December 2017 (the last 6 months) (FDR-corrected)');
		const { drawn } = await drawnWords(page, () => page.locator('[data-testid="export-png"]').click());
		expect(drawn).toContain('July–December 2017 (6 months): the hot-spot window');
		expect(drawn.some((w) => w.startsWith('January 2010'))).toBe(false);
	});
});

describe('Map audit: located records in none of the areas of a boundary layer', () => {
	it("says so for the City's searches outside every London LSOA", async () => {
		await openMap('source=city-of-london&ds=stop_search&layer=lsoa');
		// Raw: 2,394 searches have coordinates; placed in the London LSOA polygons (reprojected to
		// British National Grid with the shapefile's .prj), 94 fall in none of them.
		const caption = await shared.page.locator('[data-testid="cells-table"] caption').textContent();
		expect(caption).toBe(`LSOAs: 87 cells, ${formatCount(2394 - 94)} records`);
		await expect.poll(() => shared.page.locator('[data-testid="no-area-note"]').textContent().then((t) => t?.replace(/\s+/g, ' ').trim())).toBe(
			"94 located records lie in none of this source's LSOAs, so this layer does not show them; they count in the linked views, and the hexagon layers draw them."
		);
	});

	it('says nothing when every located record lies in an area (Chicago districts)', async () => {
		await openMap('source=chicago-assaults&layer=district');
		expect(await shared.page.locator('[data-testid="cells-table"] caption').textContent()).toBe(`Districts: 23 cells, ${formatCount(117875)} records`);
		expect(await shared.page.locator('[data-testid="no-area-note"]').count()).toBe(0);
	});
});

describe('Map audit: which changes are beyond chance', () => {
	it('says how many of the rises and falls an exact test finds beyond chance (City LSOAs)', async () => {
		// Raw: each London LSOA's records in September–November 2019 against June–August 2019.
		const london = londonLsoas();
		const count = (from: string, to: string) => {
			const m = new Map<string, number>();
			for (const r of countedStreetRows()) if (london.has(r['LSOA code']) && r.Month >= from && r.Month <= to) m.set(r['LSOA code'], (m.get(r['LSOA code']) ?? 0) + 1);
			return m;
		};
		const now = count('2019-09', '2019-11');
		const before = count('2019-06', '2019-08');
		const ids = new Set([...now.keys(), ...before.keys()]);
		const split = exactChangeSplit([...ids].map((id) => ({ n: now.get(id) ?? 0, comparison: before.get(id) ?? 0 })));
		// 13 rises (1 beyond chance: City of London 001G, 306 against 254) and 35 falls (none beyond chance).
		expect(split).toEqual({ rises: { beyond: 1, within: 12 }, falls: { beyond: 0, within: 35 } });
		await openMap('source=city-of-london&layer=lsoa&measure=change&compare=previous&from=2019-09&to=2019-11');
		const text = (await shared.page.locator('[data-testid="change-chance"]').textContent())?.replace(/\s+/g, ' ').trim();
		expect(text).toBe(
			`Beyond chance (exact binomial test of each cell's records in the two periods, p < 0.05): ${split.rises.beyond} of the 13 rises and ${split.falls.beyond} of the 35 falls; the others are differences chance alone gives.`
		);
	});
});
