/**
 * Views that lead to each other, in headless Chromium against the built app and the shipped
 * City of London sample: every header link keeps the filters (and the page it opens keeps them
 * in its URL, so Map → … → Map round-trips them); a map cell opens its area profile and the
 * profile's "Show on map" comes back to that cell; /area takes the code under the names a user
 * would try; the Map and Time summary lines and the category counts equal counts made here from
 * the raw police.uk CSVs; the Priorities CSV holds the table's rows and the map's cells CSV
 * holds the numbers as the table shows them. No console errors, no request leaves 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';
import { countedStreetRows, streetFigures } from './expected';
import { parseCsv } from './csv';
import thrModel from '../../models/thr/thr-v3.json';

const baseUrl = inject('baseUrl');
const LSOA = 'E01032739';
const street = streetFigures();
const rows = countedStreetRows();

let browser: TestBrowser;
let page: Page;
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-links-'));

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage();
});

afterEach(() => {
	expect(browser.takeProblems()).toEqual([]);
});

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

const search = () => new URL(page.url()).searchParams;

/** Every parameter of `want` has the same value(s) in `got`. */
function expectKept(got: URLSearchParams, want: URLSearchParams, where: string): void {
	for (const k of new Set(want.keys())) expect(got.getAll(k), `${where}: ${k}`).toEqual(want.getAll(k));
}

/** Street records in [from, to] (inclusive months), of `cats` (empty: all), in `lsoa` (null: all). */
function direct(from: string, to: string, cats: readonly string[], lsoa: string | null): number {
	return rows.filter((r) => r.Month >= from && r.Month <= to && (cats.length === 0 || cats.includes(r['Crime type'])) && (lsoa === null || r['LSOA code'] === lsoa)).length;
}

function byCategory(from: string, to: string, lsoa: string | null): Map<string, number> {
	const out = new Map<string, number>();
	for (const r of rows) {
		if (r.Month < from || r.Month > to || (lsoa !== null && r['LSOA code'] !== lsoa)) continue;
		out.set(r['Crime type'], (out.get(r['Crime type']) ?? 0) + 1);
	}
	return out;
}

async function download(trigger: () => Promise<void>): Promise<string> {
	const [d] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, d.suggestedFilename());
	await d.saveAs(path);
	return path;
}

async function mapIdle(): Promise<void> {
	await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
	await page.waitForFunction(() => document.querySelector('.legend-box')?.getAttribute('aria-busy') === 'false', null, { timeout: 60_000 });
}

const months = street.months;
const from = months[3];
const to = months[10];
// The two categories with most records in the LSOA over the period (so the counts are not trivially 0).
const inLsoa = [...byCategory(from, to, LSOA).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
const cats = inLsoa.slice(0, 2).map(([c]) => c);

describe('Header links keep the filters', () => {
	it('every header link carries the Map’s filters, each page keeps them, and Map → … → Map round-trips them', async () => {
		const filters = new URLSearchParams([
			['ds', 'incidents'],
			['from', from],
			['to', to],
			['cat', cats[0]],
			['cat', cats[1]],
			['area', `lsoa:${LSOA}`],
			['layer', 'lsoa'],
			['measure', 'harm'],
			['compare', 'previous'],
			['month', to]
		]);
		const start = new URLSearchParams([['source', 'city-of-london'], ...filters]);
		await page.goto(`${baseUrl}/map?${start}`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="filter-bar"]').waitFor({ timeout: 60_000 });

		const nav = page.locator('nav[aria-label="Main"] a');
		const paths = await nav.evaluateAll((as) => as.map((a) => a.getAttribute('data-path') ?? new URL((a as HTMLAnchorElement).href).pathname));
		expect(paths).toEqual(expect.arrayContaining(['/', '/map', '/time', '/priorities', '/model', '/stop-search', '/forecast', '/accuracy', '/data']));
		// On the Map itself: every header link and the brand hold every filter and the source.
		for (const href of [...(await nav.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))), await page.locator('a.brand').evaluate((a) => (a as HTMLAnchorElement).href)]) {
			expectKept(new URL(href).searchParams, start, href);
		}
		// Visit every page by its header link, each from the page before: the URL keeps every filter.
		for (const path of [...paths.filter((p) => p !== '/map'), '/map']) {
			await page.locator(`nav[aria-label="Main"] a[data-path="${path}"]`).click();
			await page.waitForURL((u) => u.pathname === path, { timeout: 30_000 });
			await waitForApp(page, 60_000);
			expectKept(search(), start, path);
			for (const href of await nav.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) expectKept(new URL(href).searchParams, start, `${path} → ${href}`);
		}
		// Back on the Map: the filter bar shows what it had.
		await page.locator('[data-testid="filter-bar"]').waitFor({ timeout: 60_000 });
		expect(await page.locator('#explore-from').inputValue()).toBe(from);
		expect(await page.locator('#explore-to').inputValue()).toBe(to);
		expect(await page.locator('[data-testid="layer-select"]').inputValue()).toBe('lsoa');
		expect(await page.locator('[data-testid="measure-select"]').inputValue()).toBe('harm');
		expect(await page.locator('[data-testid="selection-text"]').textContent()).toContain(LSOA);
		await page.locator(`[data-testid="cell-panel"][data-cell="${LSOA}"]`).waitFor({ timeout: 30_000 });
	});
});

describe('Summary lines and category counts follow the filters', () => {
	it('Time: the summary line equals the raw count for the period, categories and area; the dropdown counts follow the period and area', async () => {
		const want = direct(from, to, cats, LSOA);
		expect(want).toBeGreaterThan(0);
		expect(want).toBeLessThan(street.records);
		const q = new URLSearchParams([['source', 'city-of-london'], ['ds', 'incidents'], ['from', from], ['to', to], ['cat', cats[0]], ['cat', cats[1]], ['area', `lsoa:${LSOA}`]]);
		await page.goto(`${baseUrl}/time?${q}`);
		await waitForApp(page, 60_000);
		const summary = page.locator('[data-testid="time-summary"]');
		await page.waitForFunction(() => (document.querySelector('[data-testid="time-summary"]')?.getAttribute('data-records') ?? '') !== '', null, { timeout: 60_000 });
		expect(Number(await summary.getAttribute('data-records'))).toBe(want);
		const text = (await summary.textContent())!.replace(/\s+/g, ' ');
		expect(text).toContain(`${want.toLocaleString('en-GB')} records from`);
		expect(text).toContain(`in LSOA ${LSOA}`);
		for (const c of cats) expect(text).toContain(c);
		expect(text).toContain(`The whole extract holds ${street.records.toLocaleString('en-GB')}`);

		// Every category's count: its records in the period and area, whichever categories are ticked.
		await page.locator('[data-testid="category-picker"] summary').click();
		await page.waitForFunction(() => (document.querySelector('[data-testid="category-counts-note"]')?.getAttribute('data-counts-key') ?? '') !== '', null, { timeout: 60_000 });
		const shown = await page.locator('[data-testid="category-picker"] li').evaluateAll((lis) =>
			lis.map((li) => [li.querySelector('input')!.value, Number(li.querySelector('[data-count]')!.getAttribute('data-count'))] as [string, number])
		);
		const expected = byCategory(from, to, LSOA);
		expect(shown.length).toBe(street.byCategory.size);
		for (const [c, n] of shown) expect(n, c).toBe(expected.get(c) ?? 0);
		await page.keyboard.press('Escape');

		// A wider period changes the line and the counts the same way.
		await page.selectOption('#explore-from', '');
		await page.waitForFunction((n) => document.querySelector('[data-testid="time-summary"]')?.getAttribute('data-records') === String(n), direct(months[0], to, cats, LSOA), { timeout: 60_000 });
	});

	it('Map: the summary line equals the same raw count', async () => {
		const q = new URLSearchParams([['source', 'city-of-london'], ['ds', 'incidents'], ['from', from], ['to', to], ['cat', cats[0]], ['cat', cats[1]]]);
		await page.goto(`${baseUrl}/map?${q}`);
		await waitForApp(page, 60_000);
		await page.waitForFunction(() => (document.querySelector('[data-testid="map-summary"]')?.getAttribute('data-records') ?? '') !== '', null, { timeout: 60_000 });
		expect(Number(await page.locator('[data-testid="map-summary"]').getAttribute('data-records'))).toBe(direct(from, to, cats, null));
	});
});

describe('Map cell ↔ area profile ↔ priorities', () => {
	it('a map cell opens its area profile, and the profile’s "Show on map" returns to that cell with the period kept', async () => {
		const q = new URLSearchParams([['source', 'city-of-london'], ['ds', 'incidents'], ['layer', 'lsoa'], ['area', `lsoa:${LSOA}`], ['from', from], ['to', to]]);
		await page.goto(`${baseUrl}/map?${q}`);
		await waitForApp(page, 60_000);
		await page.locator(`[data-testid="cell-panel"][data-cell="${LSOA}"] [data-testid="cell-profile-link"]`).click();
		await page.waitForURL((u) => u.pathname === '/area', { timeout: 30_000 });
		expect(search().get('id')).toBe(LSOA);
		expect(search().get('month')).toBe(to);
		await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await page.locator('#area-summary-title').textContent()).toContain(LSOA);
		expect(await page.locator('[data-testid="area-profile"]').textContent()).toContain(`rank`);

		await page.locator('[data-testid="area-map-link"]').click();
		await page.waitForURL((u) => u.pathname === '/map', { timeout: 30_000 });
		await page.locator(`[data-testid="cell-panel"][data-cell="${LSOA}"]`).waitFor({ timeout: 60_000 });
		expect(search().get('area')).toBe(`lsoa:${LSOA}`);
		expect(search().get('layer')).toBe('lsoa');
		expect(search().get('from')).toBe(from);
		expect(search().get('to')).toBe(to);
		expect(search().get('source')).toBe('city-of-london');
		// The cell panel's records are the raw rows of that LSOA in the period.
		await page.waitForFunction(() => document.querySelector('[data-testid="cell-records"]') !== null, null, { timeout: 60_000 });
		expect(Number((await page.locator('[data-testid="cell-records"]').textContent())!.replace(/,/g, ''))).toBe(direct(from, to, [], LSOA));
	});

	it('a priority row shows its area on the map over the months the score reads', async () => {
		const month = months.at(-1)!;
		await page.goto(`${baseUrl}/priorities?month=${month}`);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const first = (await page.locator('[data-testid="priorities-table"] tbody tr').first().getAttribute('data-area'))!;
		await page.locator('[data-testid="priorities-table"] tbody tr').first().locator('[data-testid="map-link"]').click();
		await page.waitForURL((u) => u.pathname === '/map', { timeout: 30_000 });
		const lookback = Math.max(...thrModel.components.map((c) => c.window_months));
		expect(search().get('area')).toBe(`lsoa:${first}`);
		expect(search().get('to')).toBe(month);
		expect(search().get('from')).toBe(months[months.indexOf(month) - lookback + 1]);
		await page.locator(`[data-testid="cell-panel"][data-cell="${first}"]`).waitFor({ timeout: 60_000 });
	});
});

describe('/area takes the code under the names a user would try', () => {
	it.each([`lsoa=${LSOA.toLowerCase()}`, `LSOA21CD=%20${LSOA}%20`, `code=${LSOA}`, `area=lsoa:${LSOA}`, `id=${LSOA}`])('/area?%s opens the profile', async (q) => {
		await page.goto(`${baseUrl}/area?${q}`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await page.locator('#area-summary-title').textContent()).toContain(LSOA);
	});

	it('an unknown code says so plainly and offers the priorities', async () => {
		await page.goto(`${baseUrl}/area?lsoa=E01999999`);
		await waitForApp(page, 60_000);
		const note = page.locator('[data-testid="unknown-area"]');
		await note.waitFor({ timeout: 60_000 });
		expect((await note.textContent())!.replace(/\s+/g, ' ')).toContain('There is no area E01999999 in this data');
		expect(new URL((await note.locator('a').getAttribute('href'))!, baseUrl).pathname).toBe('/priorities');
		expect(await page.locator('[data-testid="area-profile"]').count()).toBe(0);
	});
});

describe('Exports', () => {
	it('the Priorities CSV holds the table’s rows: rank, area, band, score, harm, reason, contributions and review, as shown', async () => {
		const month = months.at(-1)!;
		await page.goto(`${baseUrl}/priorities?month=${month}`);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const table = await page.locator('[data-testid="priorities-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => ({
				area: tr.getAttribute('data-area')!,
				rank: tr.querySelectorAll('td')[1].textContent!.trim(),
				band: tr.querySelector('.band')!.textContent!.replace(/[▲■▽]/g, '').trim(),
				score: tr.querySelector('[data-col="score"]')!.textContent!.trim(),
				harm: tr.querySelector('[data-col="harm"]')!.textContent!.trim(),
				reason: tr.querySelector('[data-testid="reason"]')!.textContent!.trim(),
				contributions: [...tr.querySelectorAll('[data-col="contribution"] .value')].map((v) => v.textContent!.trim()),
				name: tr.querySelector('[data-testid="area-name"]')?.textContent?.trim() ?? ''
			}))
		);
		expect(table.length).toBeGreaterThan(1);
		const path = await download(() => page.locator('[data-testid="priorities-csv"]').click());
		const [header, ...body] = parseCsv(readFileSync(path, 'utf8')).filter((r) => r.length > 1);
		const col = (name: string) => header.indexOf(name);
		const contributionCols = header.filter((h) => h.startsWith('contribution_'));
		const harmCol = header.find((h) => /^harm_\d+_months$/.test(h))!;
		expect(header.slice(0, 5)).toEqual(['rank', 'area_id', 'area_name', 'band', 'score']);
		expect(header).toEqual(expect.arrayContaining(['reason', 'review_decision', 'review_reason', 'reviewer', 'reviewed_at', harmCol]));
		expect(contributionCols.length).toBe(thrModel.components.length);
		expect(body.map((r) => r[col('area_id')])).toEqual(table.map((t) => t.area));
		body.forEach((r, i) => {
			const t = table[i];
			expect(r[col('rank')]).toBe(t.rank);
			expect(r[col('area_name')]).toBe(t.name);
			expect(r[col('band')]).toBe(t.band);
			expect(r[col('score')]).toBe(t.score);
			expect(r[col(harmCol)]).toBe(t.harm.replace(/,/g, ''));
			expect(r[col('reason')]).toBe(t.reason.replace(/\s+/g, ' '));
			expect(contributionCols.map((c) => r[col(c)])).toEqual(t.contributions);
			expect(r[col('review_decision')]).toBe('');
		});
	});

	it('the map’s cells CSV writes every number as the table shows it (no floating-point tails)', async () => {
		await page.goto(`${baseUrl}/map?source=city-of-london&ds=incidents&layer=lsoa&measure=rate`);
		await waitForApp(page, 60_000);
		await mapIdle();
		const table = await page.locator('[data-testid="cells-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => {
				const get = (c: string) => tr.querySelector(`[data-col="${c}"]`)!.textContent!.trim();
				return { cell: tr.getAttribute('data-cell')!, records: get('records'), harm: get('harm'), population: get('population'), value: get('value') };
			})
		);
		const path = await download(() => page.locator('[data-testid="export-csv"]').click());
		const [header, ...body] = parseCsv(readFileSync(path, 'utf8')).filter((r) => r.length > 1);
		const col = (name: string) => header.indexOf(name);
		// Every cell (the table shows a page at a time; its caption counts them all).
		const caption = (await page.locator('[data-testid="cells-table"] caption').textContent())!;
		expect(body.length).toBe(Number(/([\d,]+) cells/.exec(caption)![1].replace(/,/g, '')));
		expect(table.length).toBeGreaterThan(10);
		const byCell = new Map(body.map((r) => [r[col('cell_id')], r]));
		const plain = (s: string) => (s === '—' ? '' : s.replace(/,/g, ''));
		for (const t of table) {
			const r = byCell.get(t.cell)!;
			expect(r[col('records')], t.cell).toBe(plain(t.records));
			expect(r[col('harm')], t.cell).toBe(plain(t.harm));
			expect(r[col('population')], t.cell).toBe(plain(t.population));
			expect(r[col('value')], t.cell).toBe(plain(t.value));
		}
		let fractional = 0;
		for (const r of body) {
			expect(r[col('harm')]).toMatch(/^\d*$/);
			expect(r[col('records')]).toMatch(/^\d+$/);
			expect(r[col('value')]).toMatch(/^(\d+(\.\d)?)?$/);
			if (r[col('value')].includes('.')) fractional++;
		}
		// Rates per 1,000 residents are fractions: the one-decimal rounding is exercised.
		expect(fractional).toBeGreaterThan(0);
	});
});
