/**
 * Map view, in headless Chromium against the built app and the City of London sample.
 *
 * Pixels: the map element is screenshotted and the PNG decoded in the page (an <img> drawn on a
 * 2D canvas); points of a grid over the map are classed in Node as inside a drawn cell or not
 * (ray casting against the polygons of the GeoJSON export), away from cell edges and controls,
 * and each must show its class colour (inside) or the plain background (outside).
 * Counts: a clicked cell's figures are compared with counts worked out here from the raw
 * police.uk CSVs (first row of a repeated Crime ID kept) and h3-js.
 * The force area (City of London Police = the LSOAs of local authority E09000001 in IMD 2019
 * File_1, web/tests/expected-thr.ts): the map opens on it, draws its outline (points near the
 * line are not sampled), fades the cells outside it, and finds hot spots over its cells only.
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { latLngToCell } from 'h3-js';
import type { Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { RAW_DIR, countedStreetRows, streetFigures } from './expected';
import { CITY_OF_LONDON_LAD, lsoasOfAuthority, streetPlacement } from './expected-thr';
import { parseCsv, readCsvRows } from './csv';

const baseUrl = inject('baseUrl');
const SOURCE = 'city-of-london';
const BACKGROUND = [0xee, 0xf0, 0xf2];
/** Fill opacity of a cell in the force area and of one outside it (web/lib/explore/map/basemap.ts). */
const OPACITY = { inside: 0.85, outside: 0.3 };
const CITY_LSOAS = lsoasOfAuthority(CITY_OF_LONDON_LAD);

let browser: TestBrowser;
let page: Page;
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-map-'));

type Ring = [number, number][];
interface ExportedFeature {
	id: string;
	geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
	properties: {
		cell_id: string;
		name: string | null;
		in_force_area: boolean | null;
		records: number;
		records_outside: number;
		harm: number;
		population: number | null;
		value: number | null;
		class: number | null;
		colour: string;
	};
}
interface Exported {
	type: string;
	clearsight: {
		level: string;
		measure: string;
		class_breaks: number[];
		class_colours: string[];
		filters: string;
		force_area: { name: string; outline: { type: 'MultiLineString'; coordinates: Ring[] } } | null;
	};
	features: ExportedFeature[];
}

/** Located street records per LSOA, from the raw CSVs: all of them, and those whose LSOA is not the City's. */
function rawLsoaCounts(): Map<string, number> {
	const counts = new Map<string, number>();
	for (const row of countedStreetRows()) {
		if (row['LSOA code']) counts.set(row['LSOA code'], (counts.get(row['LSOA code']) ?? 0) + 1);
	}
	return counts;
}

/** Points (lng, lat) of the raw street records in the City's own LSOAs. */
function cityPoints(): Array<[number, number]> {
	const dir = join(RAW_DIR, 'street');
	const city = new Set(CITY_LSOAS);
	const out: Array<[number, number]> = [];
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
		for (const row of readCsvRows(join(dir, file))) {
			if (city.has(row['LSOA code']) && row.Longitude !== '') out.push([Number(row.Longitude), Number(row.Latitude)]);
		}
	}
	return out;
}

/** The map's view W,S,E,N, from its canvas corners. */
async function viewBounds(): Promise<[number, number, number, number]> {
	const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
	const [nw, se] = await page.evaluate(
		(b) => {
			const hook = (window as unknown as { __clearsightMap: { unproject(x: number, y: number): { lng: number; lat: number } } }).__clearsightMap;
			return [hook.unproject(b.x, b.y), hook.unproject(b.x + b.width, b.y + b.height)];
		},
		{ x: box.x, y: box.y, width: box.width, height: box.height }
	);
	return [nw.lng, se.lat, se.lng, nw.lat];
}

/** Located street records per H3 cell at resolution `res`, from the raw CSVs. */
function rawCellCounts(res: number): Map<string, number> {
	const counts = new Map<string, number>();
	for (const row of countedStreetRows()) {
		if (row.Longitude === '' || row.Latitude === '') continue;
		const cell = latLngToCell(Number(row.Latitude), Number(row.Longitude), res);
		counts.set(cell, (counts.get(cell) ?? 0) + 1);
	}
	return counts;
}

async function download(trigger: () => Promise<void>): Promise<{ path: string; name: string }> {
	const [d] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, d.suggestedFilename());
	await d.saveAs(path);
	return { path, name: d.suggestedFilename() };
}

async function exportGeoJson(): Promise<Exported> {
	const { path } = await download(() => page.locator('[data-testid="export-geojson"]').click());
	return JSON.parse(readFileSync(path, 'utf8')) as Exported;
}

/**
 * Wait until the map has drawn its current layer and the table shows it; with `drawn`, until the
 * layer on screen is one whose key (dataset, period, categories, measure, level, mode …) holds it.
 */
async function mapIdle(drawn?: string): Promise<void> {
	if (drawn) {
		await page.waitForFunction((d) => (document.querySelector('.map-area')?.getAttribute('data-drawn') ?? '').includes(d), drawn, { timeout: 30_000 });
	}
	await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 30_000 });
	await page.waitForFunction(() => document.querySelector('.legend-box')?.getAttribute('aria-busy') === 'false', null, { timeout: 30_000 });
}

function insideRing(x: number, y: number, ring: Ring): boolean {
	let inside = false;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		const [xi, yi] = ring[i];
		const [xj, yj] = ring[j];
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

function featureAt(lng: number, lat: number, features: ExportedFeature[]): ExportedFeature | null {
	for (const f of features) {
		const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
		for (const rings of polygons) {
			if (insideRing(lng, lat, rings[0]) && !rings.slice(1).some((hole) => insideRing(lng, lat, hole))) return f;
		}
	}
	return null;
}

function hexRgb(hex: string): number[] {
	return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/**
 * Where samplePixels reads its pixels instead of the map element's screenshot: a PNG whose
 * (0, 0) is at `left`, `top` on the page, `scale` image pixels per CSS pixel, with `covered`
 * rectangles of the page ([left, top, right, bottom]) drawn over and not sampled.
 */
interface PixelSource {
	png: Buffer;
	left: number;
	top: number;
	scale: number;
	covered: number[][];
}

/**
 * Sample a grid over the map: for each point clear of controls, legend and cell edges, the
 * feature under it (or none) and the screenshot's pixel there (or `image`'s).
 */
async function samplePixels(features: ExportedFeature[], outline: Ring[] | null, image?: PixelSource) {
	const map = page.locator('[data-testid="map"]');
	await map.scrollIntoViewIfNeeded();
	const box = (await map.boundingBox())!;
	const shot = image?.png ?? (await map.screenshot());
	const origin = image ?? { left: box.x, top: box.y, scale: 1 };
	const blocked = await page.evaluate(() =>
		[...document.querySelectorAll('.legend-box, .maplibregl-ctrl, .maplibregl-control-container > div > *')].map((e) => {
			const r = e.getBoundingClientRect();
			return [r.left - 4, r.top - 4, r.right + 4, r.bottom + 4];
		})
	);
	blocked.push(...(image?.covered ?? []));
	const points: Array<{ x: number; y: number }> = [];
	for (let i = 1; i < 40; i++)
		for (let j = 1; j < 24; j++) {
			const x = box.x + (box.width * i) / 40;
			const y = box.y + (box.height * j) / 24;
			if (blocked.some(([l, t, r, b]) => x >= l && x <= r && y >= t && y <= b)) continue;
			points.push({ x, y });
		}
	const offsets = [[0, 0], [5, 0], [-5, 0], [0, 5], [0, -5]];
	const geo = await page.evaluate(
		({ points, offsets }) => {
			const hook = (window as unknown as { __clearsightMap: { unproject(x: number, y: number): { lng: number; lat: number } } }).__clearsightMap;
			return points.map((p) => offsets.map(([dx, dy]) => hook.unproject(p.x + dx, p.y + dy)));
		},
		{ points, offsets }
	);
	const pixels = await page.evaluate(
		async ({ b64, points, left, top, scale }) => {
			const img = new Image();
			img.src = `data:image/png;base64,${b64}`;
			await img.decode();
			const canvas = document.createElement('canvas');
			canvas.width = img.width;
			canvas.height = img.height;
			const ctx = canvas.getContext('2d')!;
			ctx.drawImage(img, 0, 0);
			const data = ctx.getImageData(0, 0, img.width, img.height).data;
			return points.map((p) => {
				const i = (Math.floor((p.y - top) * scale) * img.width + Math.floor((p.x - left) * scale)) * 4;
				return [data[i], data[i + 1], data[i + 2]];
			});
		},
		{ b64: shot.toString('base64'), points, left: origin.left, top: origin.top, scale: origin.scale }
	);
	const out: Array<{ feature: ExportedFeature | null; rgb: number[] }> = [];
	points.forEach((_, k) => {
		const under = geo[k].map((g) => featureAt(g.lng, g.lat, features));
		if (under.some((f) => f !== under[0])) return; // near an edge
		if (nearLine(geo[k], outline)) return; // under the force area's outline
		out.push({ feature: under[0], rgb: pixels[k] });
	});
	return out;
}

/**
 * Whether a sample point lies within 6 screen pixels of a line of `outline`. `geo` is the point
 * and its offsets of +5 px in x and y (the `offsets` of samplePixels), which give the scale.
 */
function nearLine(geo: Array<{ lng: number; lat: number }>, outline: Ring[] | null, px = 6): boolean {
	if (!outline) return false;
	const [c, right, , down] = geo;
	const sx = 5 / Math.abs(right.lng - c.lng);
	const sy = 5 / Math.abs(down.lat - c.lat);
	for (const line of outline) {
		for (let i = 1; i < line.length; i++) {
			const ax = (line[i - 1][0] - c.lng) * sx;
			const ay = (line[i - 1][1] - c.lat) * sy;
			const bx = (line[i][0] - c.lng) * sx;
			const by = (line[i][1] - c.lat) * sy;
			const dx = bx - ax;
			const dy = by - ay;
			const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
			if (Math.hypot(ax + t * dx, ay + t * dy) < px) return true;
		}
	}
	return false;
}

const distance = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

/**
 * Every sampled point shows its cell's colour (fill-opacity 0.85 over the background, 0.3 for a
 * cell outside the force area) or the background; points under the force area's outline are skipped.
 */
async function expectPixelsMatch(exported: Exported, image?: PixelSource) {
	const features = exported.features;
	const samples = await samplePixels(features, exported.clearsight.force_area?.outline.coordinates ?? null, image);
	const inside = samples.filter((s) => s.feature);
	const outside = samples.filter((s) => !s.feature);
	expect(inside.length).toBeGreaterThan(15);
	expect(outside.length).toBeGreaterThan(15);
	const wrongOutside = outside.filter((s) => distance(s.rgb, BACKGROUND) > 6);
	const wrongInside = inside.filter((s) => {
		const c = hexRgb(s.feature!.properties.colour);
		const alpha = s.feature!.properties.in_force_area === false ? OPACITY.outside : OPACITY.inside;
		const expected = c.map((v, i) => v * alpha + BACKGROUND[i] * (1 - alpha));
		return distance(s.rgb, expected) > 14;
	});
	// maplibre simplifies polygons by up to about a pixel (geojson-vt), so a sample on a thin
	// sliver of a polygon may show its neighbour: allow one sample or 1%, no more.
	expect(wrongOutside.length).toBeLessThanOrEqual(Math.max(1, Math.floor(outside.length / 100)));
	expect(wrongInside.length).toBeLessThanOrEqual(Math.max(1, Math.floor(inside.length / 100)));
}

async function tableRows(): Promise<Array<Record<string, string>>> {
	const more = page.locator('[data-testid="cells-table"] ~ p button, .table-wrap + p button').filter({ hasText: /^Show/ });
	while ((await more.count()) > 0) await more.first().click();
	return page.locator('[data-testid="cells-table"] tbody tr').evaluateAll((trs) =>
		trs.map((tr) => {
			const cell = tr.getAttribute('data-cell') ?? '';
			const get = (col: string) => tr.querySelector(`[data-col="${col}"]`)?.textContent?.trim() ?? '';
			return { cell, records: get('records'), harm: get('harm'), value: get('value'), class: get('class'), inForce: get('in-force-area') };
		})
	);
}

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage();
	const start = Date.now();
	await page.goto(`${baseUrl}/map?source=${SOURCE}`);
	await waitForApp(page);
	await mapIdle();
	const measures = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration)])));
	console.log(`Map idle after ${Date.now() - start} ms (navigation to first layer drawn);`, measures);
});

afterEach(() => {
	expect(browser.takeProblems()).toEqual([]);
});

afterAll(async () => {
	const timings = await page
		?.evaluate(() => ({
			measures: performance.getEntriesByType('measure').filter((m) => m.name.startsWith('clearsight:')).map((m) => `${m.name} ${Math.round(m.duration)}`),
			marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('clearsight:')).map((m) => `${m.name} @${Math.round(m.startTime)}`),
			firstLayer: performance.getEntriesByName('clearsight:map-layer').slice(0, 1).map((m) => `${Math.round(m.startTime)}+${Math.round(m.duration)}`)
		}))
		.catch(() => null);
	console.log('Map timings (ms):', JSON.stringify(timings));
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('Map: the force area', () => {
	it("opens on the City of London's own LSOAs, not on the whole of London", async () => {
		const [w, south, e, n] = await viewBounds();
		const points = cityPoints();
		expect(points.length).toBeGreaterThan(10_000);
		for (const [lng, lat] of points) {
			expect(lng >= w && lng <= e && lat >= south && lat <= n, `${lng}, ${lat} in view ${[w, south, e, n]}`).toBe(true);
		}
		// The City is about 3 km across (0.04° of longitude); London's LSOAs span over 0.6°.
		expect(e - w).toBeLessThan(0.12);
		const exported = await exportGeoJson();
		expect(exported.clearsight.force_area?.name).toBe('City of London');
		expect(exported.clearsight.force_area!.outline.coordinates.length).toBeGreaterThan(0);
		expect(await page.locator('[data-testid="legend-force"] [data-key="outline"]').textContent()).toContain('Force area boundary: City of London');
		expect(await page.locator('[data-testid="legend-force"] [data-key="outside"]').textContent()).toMatch(/outside the force area .*counted here, never scored/);
	});
});

describe('Map: hexagons', () => {
	it('draws the hexagons where records are and the plain background elsewhere', async () => {
		const exported = await exportGeoJson();
		expect(exported.clearsight.level).toMatch(/^h3_[789]$/);
		await expectPixelsMatch(exported);
	});

	it('shows every record with a location in the cells, with counts from the raw CSVs', async () => {
		const exported = await exportGeoJson();
		const res = Number(exported.clearsight.level.slice(3));
		const raw = rawCellCounts(res);
		const drawn = new Map(exported.features.map((f) => [f.id, f.properties.records]));
		expect(drawn).toEqual(raw);
	});

	it('exports GeoJSON equal to the table on screen, and shows the legend breaks', async () => {
		const exported = await exportGeoJson();
		const rows = await tableRows();
		expect(rows).toHaveLength(exported.features.length);
		const byId = new Map(rows.map((r) => [r.cell, r]));
		for (const f of exported.features) {
			const r = byId.get(f.id)!;
			expect(parseCount(r.records)).toBe(f.properties.records);
			expect(parseCount(r.value)).toBe(f.properties.value);
			expect(r.class).toBe(String(f.properties.class));
			expect(f.geometry.coordinates[0][0]).toEqual((f.geometry.coordinates[0] as Ring).at(-1));
		}
		const breaks = exported.clearsight.class_breaks;
		expect(breaks.length).toBeGreaterThan(1);
		const legend = await page.locator('[data-testid="legend"] li').allTextContents();
		expect(legend).toHaveLength(breaks.length);
		breaks.forEach((b, k) => expect(legend[k]).toContain(b.toLocaleString('en-GB')));
		// Cells per legend class add up to the cells drawn.
		const cells = legend.map((t) => Number(/\((\d+) cells?\)/.exec(t)![1]));
		expect(cells.reduce((a, b) => a + b, 0)).toBe(exported.features.length);
	});

	it('exports a PNG of the map', async () => {
		const { path } = await download(() => page.locator('[data-testid="export-png"]').click());
		const png = readFileSync(path);
		expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
		// The map's pixels, with the legend drawn below them.
		const canvas = await page.locator('[data-testid="map"] canvas').evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height }));
		expect(png.readUInt32BE(16)).toBe(canvas.width);
		expect(png.readUInt32BE(20)).toBeGreaterThan(canvas.height);
		expect(png.length).toBeGreaterThan(20_000);
		// The map's part shows what the screen shows: each cell's colour over the background, the
		// plain background elsewhere (the canvas is transparent there: the export lays the
		// background's colour under it). The north arrow (top right) and the scale bar (bottom
		// left) drawn over it are not sampled.
		await page.locator('[data-testid="map"]').scrollIntoViewIfNeeded();
		const at = await page.locator('[data-testid="map"] canvas').evaluate((c: HTMLCanvasElement) => {
			const r = c.getBoundingClientRect();
			return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, scale: c.width / r.width };
		});
		const covered = [
			[at.right - 60, at.top, at.right, at.top + 70],
			[at.left, at.bottom - 44, at.right, at.bottom]
		];
		await expectPixelsMatch(await exportGeoJson(), { png, left: at.left, top: at.top, scale: at.scale, covered });
	});

	it('exports the table as formula-safe CSV with the same rows', async () => {
		const { path } = await download(() => page.locator('[data-testid="export-csv"]').click());
		const lines = readFileSync(path, 'utf8').trim().split('\r\n');
		expect(lines[0]).toBe('cell_id,name,in_force_area,records,records_outside,harm,population,value,class');
		expect(lines).toHaveLength((await tableRows()).length + 1);
	});
});

describe('Map: a filter change redraws the cells in place', () => {
	it('a later period: cells with records there in their new colours, the others gone, then back', async () => {
		const before = await exportGeoJson();
		const initialKey = (await page.locator('.map-area').getAttribute('data-drawn'))!;
		const months = await page.$$eval('#explore-from option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''));
		const from = months[Math.floor((months.length * 3) / 4)];
		await page.selectOption('#explore-from', from);
		await mapIdle(`"${from}"`);
		const after = await exportGeoJson();
		expect(after.clearsight.level).toBe(before.clearsight.level);
		// Some cells have no records in the later period: they must not be drawn.
		const ids = new Set(after.features.map((f) => f.id));
		expect(before.features.filter((f) => !ids.has(f.id)).length).toBeGreaterThan(0);
		await expectPixelsMatch(after);
		await page.selectOption('#explore-from', '');
		await page.waitForURL((url) => !url.searchParams.has('from'));
		await mapIdle(initialKey);
		const back = await exportGeoJson();
		expect(back.features.map((f) => [f.id, f.properties.colour])).toEqual(before.features.map((f) => [f.id, f.properties.colour]));
		await expectPixelsMatch(back);
	});
});

describe('Map: selecting a cell', () => {
	it('clicking the busiest cell on the canvas writes it to the URL, keeps the source, and filters the panels to its raw count', async () => {
		const exported = await exportGeoJson();
		const busiest = [...exported.features].sort((a, b) => b.properties.records - a.properties.records)[0];
		const res = Number(exported.clearsight.level.slice(3));
		const expected = rawCellCounts(res).get(busiest.id)!;
		// Click the centre of the cell (mean of its ring's vertices), on the canvas itself.
		const ring = (busiest.geometry.coordinates[0] as Ring).slice(0, -1);
		const lng = ring.reduce((a, p) => a + p[0], 0) / ring.length;
		const lat = ring.reduce((a, p) => a + p[1], 0) / ring.length;
		const at = await page.evaluate(([lng, lat]) => (window as unknown as { __clearsightMap: { project(a: number, b: number): { x: number; y: number } } }).__clearsightMap.project(lng, lat), [lng, lat]);
		// Hover: the figures behind the cell, in a live region.
		await page.mouse.move(at.x, at.y);
		await expect.poll(() => page.locator('[data-testid="hover-info"]').textContent()).toContain(`${busiest.id}: ${expected.toLocaleString('en-GB')} records`);
		expect(await page.locator('[data-testid="hover-info"]').getAttribute('aria-live')).toBe('polite');
		// Before: the linked trend counts every record of the sample (located or not).
		const trendTotal = page.locator('[data-testid="explore-trend"][data-state="ready"] [data-testid="explore-trend-total"]');
		expect(parseCount(await trendTotal.textContent())).toBe(streetFigures().records);
		await page.mouse.click(at.x, at.y);
		await page.waitForURL((url) => url.searchParams.get('area') === `${exported.clearsight.level}:${busiest.id}`);
		const url = new URL(page.url());
		expect(url.searchParams.get('source')).toBe(SOURCE);
		const panel = page.locator(`[data-testid="cell-panel"][data-cell="${busiest.id}"]`);
		await panel.locator('[data-testid="cell-records"]').waitFor();
		expect(parseCount(await panel.locator('[data-testid="cell-records"]').textContent())).toBe(expected);
		await expect.poll(() => page.locator('[data-testid="cell-rows-range"]').textContent()).toContain(`of ${expected.toLocaleString('en-GB')}`);
		// The linked views follow: the trend beside the map now counts the cell's records only.
		await expect.poll(async () => parseCount(await trendTotal.textContent())).toBe(expected);
		// The selected row of the table is marked.
		expect(await page.locator(`[data-testid="cells-table"] tr[data-cell="${busiest.id}"] [data-testid="select-cell"]`).getAttribute('aria-pressed')).toBe('true');
	});

	it('selects a cell from the table with the keyboard, and clears it', async () => {
		const button = page.locator('[data-testid="cells-table"] tbody tr').nth(2).locator('[data-testid="select-cell"]');
		const cell = await page.locator('[data-testid="cells-table"] tbody tr').nth(2).getAttribute('data-cell');
		await button.focus();
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => (url.searchParams.get('area') ?? '').endsWith(`:${cell}`));
		await page.locator(`[data-testid="cell-panel"][data-cell="${cell}"]`).waitFor();
		await page.locator('[data-testid="clear-selection"]').click();
		await page.waitForURL((url) => !url.searchParams.has('area'));
		expect(await page.locator('[data-testid="cell-panel"]').count()).toBe(0);
	});

	it('Ctrl-click adds a second cell; the linked trend counts the raw records of both', async () => {
		const exported = await exportGeoJson();
		const raw = rawCellCounts(Number(exported.clearsight.level.slice(3)));
		const rows = page.locator('[data-testid="cells-table"] tbody tr');
		const a = (await rows.nth(0).getAttribute('data-cell'))!;
		const b = (await rows.nth(1).getAttribute('data-cell'))!;
		await rows.nth(0).locator('[data-testid="select-cell"]').click();
		await page.waitForURL((url) => url.searchParams.get('area') === `${exported.clearsight.level}:${a}`);
		await rows.nth(1).locator('[data-testid="select-cell"]').click({ modifiers: ['Control'] });
		await page.waitForURL((url) => url.searchParams.get('area') === `${exported.clearsight.level}:${a},${b}`);
		const trendTotal = page.locator('[data-testid="explore-trend"][data-state="ready"] [data-testid="explore-trend-total"]');
		await expect.poll(async () => parseCount(await trendTotal.textContent())).toBe(raw.get(a)! + raw.get(b)!);
		// The selection leads to the Stop and search page for the same cells, in the same source.
		const ssHref = new URL((await page.getByTestId('selection-stop-search').locator('a').getAttribute('href'))!, page.url());
		expect(ssHref.pathname).toBe('/stop-search');
		expect(ssHref.searchParams.get('area')).toBe(`${exported.clearsight.level}:${a},${b}`);
		expect(ssHref.searchParams.get('source')).toBe(new URL(page.url()).searchParams.get('source'));
		await page.locator('[data-testid="clear-selection"]').click();
		await page.waitForURL((url) => !url.searchParams.has('area'));
		expect(await page.getByTestId('selection-stop-search').count()).toBe(0);
	});

	it('makes the map itself focusable and labelled', async () => {
		const canvas = page.locator('[data-testid="map"] canvas');
		expect(await canvas.getAttribute('tabindex')).toBe('0');
		expect(await canvas.getAttribute('aria-label')).toMatch(/^Map of /);
	});

	it('zooms with the keyboard and selects the cell at the centre with Enter', async () => {
		const zoom = () => page.evaluate(() => (window as unknown as { __clearsightMap: { zoom(): number } }).__clearsightMap.zoom());
		const z0 = await zoom();
		await page.locator('[data-testid="map"] canvas').focus();
		await page.keyboard.press('Equal');
		await expect.poll(zoom).toBeGreaterThan(z0 + 0.5);
		await mapIdle();
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => url.searchParams.has('area'));
		await page.locator('[data-testid="cell-panel"]').waitFor();
		await page.keyboard.press('Minus');
		await expect.poll(zoom).toBeLessThan(z0 + 0.5);
		await page.locator('[data-testid="clear-selection"]').click();
		await page.waitForURL((url) => !url.searchParams.has('area'));
		await mapIdle();
	});

	it('shift-drag draws a box that goes into the URL', async () => {
		const box = (await page.locator('[data-testid="map"]').boundingBox())!;
		const x0 = box.x + box.width * 0.4;
		const y0 = box.y + box.height * 0.4;
		await page.keyboard.down('Shift');
		await page.mouse.move(x0, y0);
		await page.mouse.down();
		await page.mouse.move(x0 + 80, y0 + 60, { steps: 5 });
		await page.mouse.up();
		await page.keyboard.up('Shift');
		await page.waitForURL((url) => url.searchParams.has('bbox'));
		const [w, s, e, n] = new URL(page.url()).searchParams.get('bbox')!.split(',').map(Number);
		expect(w).toBeLessThan(e);
		expect(s).toBeLessThan(n);
		await page.locator('[data-testid="clear-box"]').click();
		await page.waitForURL((url) => !url.searchParams.has('bbox'));
		// The "Draw box" button does the same without Shift.
		await page.locator('[data-testid="draw-box"]').click();
		await page.mouse.move(x0 + 160, y0);
		await page.mouse.down();
		await page.mouse.move(x0 + 100, y0 + 40, { steps: 5 });
		await page.mouse.up();
		await page.waitForURL((url) => url.searchParams.has('bbox'));
		expect(await page.locator('[data-testid="draw-box"]').getAttribute('aria-pressed')).toBe('false');
		await page.locator('[data-testid="clear-box"]').click();
		await page.waitForURL((url) => !url.searchParams.has('bbox'));
	});
});

describe('Map: LSOA choropleth and hot spots', () => {
	it('draws LSOA polygons coloured by their class, on the same map (one setData, no new map)', async () => {
		const canvas = page.locator('[data-testid="map"] canvas');
		await canvas.evaluate((c) => ((c as HTMLCanvasElement & { marked?: boolean }).marked = true));
		await page.locator('[data-testid="layer-select"]').selectOption('lsoa');
		await page.waitForURL((url) => url.searchParams.get('layer') === 'lsoa');
		await mapIdle('"lsoa"');
		expect(await canvas.count()).toBe(1);
		expect(await canvas.evaluate((c) => (c as HTMLCanvasElement & { marked?: boolean }).marked)).toBe(true);
		const exported = await exportGeoJson();
		expect(exported.clearsight.level).toBe('lsoa');
		expect(exported.features.filter((f) => !/^E01\d{6}$/.test(f.id)).map((f) => f.id)).toEqual([]);
		await expectPixelsMatch(exported);
	});

	it('marks the LSOAs outside the force area, counts their records, and links to them on the Data page', async () => {
		const exported = await exportGeoJson();
		const raw = rawLsoaCounts();
		const inside = exported.features.filter((f) => f.properties.in_force_area).map((f) => f.id).sort();
		expect(inside).toEqual(CITY_LSOAS.filter((c) => raw.has(c)));
		for (const f of exported.features) {
			expect(f.properties.records, f.id).toBe(raw.get(f.id));
			expect(f.properties.records_outside, f.id).toBe(CITY_LSOAS.includes(f.id) ? 0 : raw.get(f.id));
		}
		// Every record located outside the force area is in a drawn LSOA or said to lack a boundary.
		const outsideDrawn = exported.features.reduce((a, f) => a + f.properties.records_outside, 0);
		const placement = streetPlacement(CITY_LSOAS);
		expect(parseCount(await page.locator('[data-testid="outside-records"]').textContent())).toBe(placement.outside);
		expect(outsideDrawn).toBeLessThanOrEqual(placement.outside);
		const link = page.locator('[data-testid="outside-link"]');
		expect(await link.getAttribute('href')).toBe(`/data?source=${SOURCE}#outside`);
		const rows = await tableRows();
		expect(rows.filter((r) => r.inForce === 'Yes').map((r) => r.cell).sort()).toEqual(inside);
	});

	it('finds Gi* hot spots over the force area only: on the LSOA layer, the six City LSOAs', async () => {
		await page.locator('[data-testid="mode-hotspots"]').check();
		await page.waitForURL((url) => url.searchParams.get('mode') === 'hotspots');
		await mapIdle('"lsoa","hotspots"');
		const exported = await exportGeoJson();
		expect(exported.features.map((f) => f.id).sort()).toEqual(CITY_LSOAS);
		expect(await page.locator('[data-testid="hotspots-table"] caption').textContent()).toMatch(new RegExp(`of ${CITY_LSOAS.length} cells tested`));
		const { path } = await download(() => page.locator('[data-testid="export-hotspots"]').click());
		const [header, ...lines] = parseCsv(readFileSync(path, 'utf8')).filter((r) => r.length > 1);
		const id = header.indexOf('cell_id');
		expect(lines.map((l) => l[id]).sort()).toEqual(CITY_LSOAS);
		// Records located outside the force area in the window are counted apart, not tested.
		expect(parseCount(await page.locator('[data-testid="outside-records"]').textContent())).toBeGreaterThan(0);
		await expectPixelsMatch(exported);
	});

	it('shows Gi* hot spots with their class, z, q and trend (resolution-9 hexagons of the force area)', async () => {
		await page.locator('[data-testid="layer-select"]').selectOption('h3_9');
		await page.waitForURL((url) => url.searchParams.get('layer') === 'h3_9');
		await mapIdle('"h3_9","hotspots"');
		const rows = page.locator('[data-testid="hotspots-table"] tbody tr[data-class]');
		await expect.poll(() => rows.count()).toBeGreaterThan(0);
		const first = rows.first();
		expect(await first.getAttribute('data-class')).toMatch(/hot|cold/);
		expect(await first.locator('[data-col="trend"]').textContent()).toMatch(/intensifying|diminishing|no trend|too few periods/);
		const legend = await page.locator('[data-testid="legend"] li').allTextContents();
		expect(legend.join(' ')).toContain('Hot spot, 99% confidence');
		const exported = await exportGeoJson();
		await expectPixelsMatch(exported);
		await page.locator('[data-testid="layer-select"]').selectOption('lsoa');
		await page.waitForURL((url) => url.searchParams.get('layer') === 'lsoa');
		await mapIdle('"lsoa","hotspots"');
	});

	it('rate per 1,000 residents is records ÷ residents × 1,000 for each LSOA', async () => {
		await page.getByLabel('Values').check();
		await page.waitForURL((url) => !url.searchParams.has('mode'));
		await page.locator('[data-testid="measure-select"]').selectOption('rate');
		await page.waitForURL((url) => url.searchParams.get('measure') === 'rate');
		await mapIdle('"rate","lsoa","values"');
		const rows = await page.locator('[data-testid="cells-table"] tbody tr').evaluateAll((trs) =>
			trs.slice(0, 20).map((tr) => ['records', 'population', 'value'].map((c) => tr.querySelector(`[data-col="${c}"]`)?.textContent?.trim() ?? ''))
		);
		expect(rows.length).toBeGreaterThan(5);
		for (const [records, population, value] of rows) {
			if (population === '—') expect(value).toBe('—');
			else {
				// Shown to one decimal: within half a unit of the last digit.
				const exact = (parseCount(records) / parseCount(population)) * 1000;
				expect({ records, population, value, off: Math.abs(Number(value.replace(/,/g, '')) - exact) <= 0.05 + 1e-9 }).toEqual({ records, population, value, off: true });
			}
		}
	});

	it('THR score per LSOA lies between 0 and 1 in the force area, none outside it, and hexagons refuse rates with the reason', async () => {
		await page.locator('[data-testid="measure-select"]').selectOption('thr');
		await page.waitForURL((url) => url.searchParams.get('measure') === 'thr');
		await mapIdle('"thr","lsoa","values"');
		const rows = await tableRows();
		const scored = rows.filter((r) => r.value !== '—');
		expect(scored.length).toBeGreaterThan(0);
		for (const r of scored) {
			expect(CITY_LSOAS).toContain(r.cell);
			const v = Number(r.value);
			expect(v >= 0 && v <= 1).toBe(true);
		}
		// LSOAs outside the force area have no score (not 0), and the note says why.
		const outside = rows.filter((r) => !CITY_LSOAS.includes(r.cell));
		expect(outside.length).toBeGreaterThan(10);
		for (const r of outside) expect(r.value).toBe('—');
		// Every LSOA with records that is not the City's, drawn or not (a few lie beyond the London boundary file).
		const outsideLsoas = [...rawLsoaCounts().keys()].filter((c) => !CITY_LSOAS.includes(c)).length;
		expect(outsideLsoas).toBeGreaterThanOrEqual(outside.length);
		const notes = await page.locator('[data-testid="value-note"]').allTextContents();
		expect(notes.join(' ')).toContain(`${outsideLsoas} cells have no value (drawn grey): Outside the force area: not scored.`);
		await page.locator('[data-testid="measure-select"]').selectOption('rate');
		await page.locator('[data-testid="layer-select"]').selectOption('h3_8');
		await page.waitForURL((url) => url.searchParams.get('layer') === 'h3_8' && url.searchParams.get('measure') === 'rate');
		expect(await page.locator('[data-testid="measure-note"]').textContent()).toMatch(/no.*population|population.*none|none for hexagons/i);
		await mapIdle();
	});
});

/** Open the map of another source in a new tab. */
async function openSource(source: string, params = ''): Promise<Page> {
	const tab = await browser.newPage();
	await tab.goto(`${baseUrl}/map?source=${source}${params}`);
	await waitForApp(tab, 60_000);
	await tab.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
	await tab.waitForFunction(() => document.querySelector('.legend-box')?.getAttribute('aria-busy') === 'false', null, { timeout: 60_000 });
	return tab;
}

describe('Map: district choropleths of the other sources', () => {
	it('Chicago: police districts carry the records of the raw District column, drawn where they are', async () => {
		const first = page;
		page = await openSource('chicago-assaults', '&layer=district');
		try {
			const exported = await exportGeoJson();
			expect(exported.clearsight.level).toBe('district');
			const raw = new Map<string, number>();
			const text = gunzipSync(readFileSync('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz')).toString('utf8');
			const [header, ...rows] = parseCsv(text);
			const col = header.indexOf('district');
			for (const r of rows) if (r.length > col && r[col] !== '') raw.set(r[col], (raw.get(r[col]) ?? 0) + 1);
			expect(new Map(exported.features.map((f) => [f.id, f.properties.records]))).toEqual(raw);
			await expectPixelsMatch(exported);
			// The hour-of-week panel beside the map has data for timestamped records.
			await page.locator('[data-testid="hours"][data-state="ready"] [data-testid="hours-total"]').waitFor({ state: 'attached' });
			// Chicago's police districts have no population: a rate is refused cell by cell, saying why.
			await page.locator('[data-testid="measure-select"]').selectOption('rate');
			await page.waitForURL((url) => url.searchParams.get('measure') === 'rate');
			await expect.poll(() => page.locator('[data-testid="value-note"]').first().textContent()).toMatch(/^\d+ cells have no value \(drawn grey\): Population unknown/);
		} finally {
			await page.close();
			page = first;
		}
	});

	it('Lancashire: the 14 local authority districts, and no LSOA layer without LSOA boundaries', async () => {
		const first = page;
		page = await openSource('lancashire-asb', '&layer=district');
		try {
			const exported = await exportGeoJson();
			expect(exported.features).toHaveLength(14);
			await expectPixelsMatch(exported);
			const options = await page.locator('[data-testid="layer-select"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
			expect(options).toContain('district');
			expect(options).not.toContain('lsoa');
		} finally {
			await page.close();
			page = first;
		}
	});
});

describe('Map: without WebGL', () => {
	it('says the map cannot start and still lists every cell in the table', async () => {
		const first = page;
		page = await browser.newPage();
		try {
			await page.addInitScript(() => {
				const original = HTMLCanvasElement.prototype.getContext;
				HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
					if (type === 'webgl' || type === 'webgl2') return null;
					return (original as (...a: unknown[]) => RenderingContext | null).call(this, type, ...rest);
				} as typeof original;
			});
			await page.goto(`${baseUrl}/map?source=${SOURCE}&layer=h3_8`);
			await waitForApp(page);
			await page.locator('[data-testid="map"][data-state="error"]').waitFor({ timeout: 30_000 });
			expect(await page.locator('.map-error').textContent()).toMatch(/could not start.*WebGL/);
			await expect.poll(() => page.locator('[data-testid="cells-table"] tbody tr').count()).toBeGreaterThan(10);
			const rows = await tableRows();
			expect(rows.reduce((a, r) => a + parseCount(r.records), 0)).toBe([...rawCellCounts(8).values()].reduce((a, b) => a + b, 0));
		} finally {
			await page.close();
			page = first;
		}
	});
});
