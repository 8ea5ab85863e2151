/**
 * Time view, in headless Chromium against the built app and the shipped sample: the filters
 * live in the URL (reload, back/forward), a filter change updates every view, and the tables
 * equal counts worked out here from the raw CSVs (police.uk City of London street and stop and
 * search; Chicago aggravated assaults), with the hour of the week computed independently (the
 * platform's Europe/London time-zone data for stop and search; the Chicago file's own wall
 * clock). Exports hold what the screen shows; everything works from the keyboard; no console
 * errors and no request leaves 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { RAW_DIR, monthName, streetFigures } from './expected';
import { parseCsv, readCsvRows } from './csv';

const baseUrl = inject('baseUrl');
const VIEWS = ['hours', 'explore-trend', 'matrix'] as const;

let browser: TestBrowser;
let page: Page;
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-time-'));
const street = streetFigures();

/** Stop-and-search rows (none are rejected in the sample), with hour of week in UK local time. */
function rawStops(): Array<{ month: string; object: string; how: number }> {
	const dir = join(RAW_DIR, 'stop-and-search');
	const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', hour: '2-digit', hourCycle: 'h23', year: 'numeric', month: '2-digit' });
	const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
	const out: Array<{ month: string; object: string; how: number }> = [];
	for (const file of ['2017-12', '2018-01', '2018-02', '2018-03', '2018-04', '2018-05', '2018-06', '2018-07', '2018-08', '2018-09', '2018-10', '2018-11', '2018-12', '2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-06', '2019-07', '2019-08', '2019-09', '2019-10', '2019-11']) {
		for (const row of readCsvRows(join(dir, `${file}-city-of-london-stop-and-search.csv`))) {
			const parts = Object.fromEntries(fmt.formatToParts(new Date(row.Date)).map((p) => [p.type, p.value]));
			out.push({ month: `${parts.year}-${parts.month}`, object: row['Object of search'], how: days.indexOf(parts.weekday) * 24 + Number(parts.hour) });
		}
	}
	return out;
}

/** Chicago rows: month and hour of week from the wall-clock `date` column as written. */
function rawChicago(): Array<{ month: string; how: number }> {
	const text = gunzipSync(readFileSync('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz')).toString('utf8');
	const [, ...rows] = parseCsv(text);
	return rows
		.filter((r) => r.length > 1)
		.map((r) => {
			const [date, time] = r[0].split(' ');
			const dow = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
			return { month: date.slice(0, 7), how: dow * 24 + Number(time.slice(0, 2)) };
		});
}

async function open(query: string): Promise<void> {
	await page.goto(`${baseUrl}/time?${query}`);
	await waitForApp(page, 60_000);
	await settled();
}

/** Every view shows the same, current filter state. */
async function settled(): Promise<void> {
	await page.waitForFunction(
		(views) => {
			const els = views.map((v) => document.querySelector(`[data-testid="${v}"]`));
			if (els.some((e) => !e || e.getAttribute('data-state') !== 'ready')) return false;
			return new Set(els.map((e) => e!.getAttribute('data-key'))).size === 1;
		},
		[...VIEWS],
		{ timeout: 60_000 }
	);
}

async function matrixTable(): Promise<{ months: string[]; rows: Map<string, number[]>; total: number }> {
	return page.evaluate(() => {
		const table = document.querySelector('[data-testid="matrix-table"]')!;
		const months = [...table.querySelectorAll('thead th')].slice(1, -1).map((th) => th.textContent!.trim());
		const rows: Array<[string, number[]]> = [];
		for (const tr of table.querySelectorAll('tbody tr')) {
			const name = tr.querySelector('th')!.textContent!.trim();
			rows.push([name, [...tr.querySelectorAll('td')].map((td) => Number(td.textContent!.replace(/,/g, '')))]);
		}
		const total = Number(table.querySelector('[data-testid="matrix-total"]')!.textContent!.replace(/,/g, ''));
		return { months, rows, total };
	}).then((t) => ({ ...t, rows: new Map(t.rows) }));
}

async function hoursTable(): Promise<number[]> {
	return page.evaluate(() => {
		const cells = [...document.querySelectorAll('[data-testid="hours-table"] tbody td[data-hour]')];
		return cells.map((td) => Number(td.textContent!.replace(/,/g, '')));
	});
}

async function download(trigger: () => Promise<void>): Promise<{ path: string; name: string }> {
	const [d] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, d.suggestedFilename());
	await d.saveAs(path);
	return { path, name: d.suggestedFilename() };
}

function search(): URLSearchParams {
	return new URL(page.url()).searchParams;
}

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

describe('Time view', () => {
	it('shows the category × month matrix and the trend equal to the raw street CSVs; no hour of week for month data', async () => {
		await open('source=city-of-london');
		const m = await matrixTable();
		expect(m.total).toBe(street.records);
		expect(m.months).toEqual(street.months.map(monthName));
		for (const [category, n] of street.byCategory) {
			const row = m.rows.get(category)!;
			expect(row.at(-1), category).toBe(n);
			street.months.forEach((month, i) => expect(row[i], `${category} ${month}`).toBe(street.byMonthCategory.get(`${month}|${category}`) ?? 0));
		}
		expect(parseCount(await page.locator('[data-testid="explore-trend-total"]').textContent())).toBe(street.records);
		await expect(page.locator('[data-testid="hours-unavailable"]').textContent()).resolves.toMatch(/by month only/);
		const marks = await page.evaluate(() => performance.getEntriesByName('clearsight:explore-ready').length);
		expect(marks).toBe(1);
	});

	it('a filter change updates every view, writes the URL (keeping source) and matches the raw counts', async () => {
		await open('source=city-of-london');
		await page.selectOption('#explore-from', '2019-01');
		await settled();
		await page.locator('[data-testid="category-picker"] summary').click();
		await page.locator('[data-testid="category-picker"] input[value="Burglary"]').check();
		await settled();
		expect(search().get('source')).toBe('city-of-london');
		expect(search().get('from')).toBe('2019-01');
		expect(search().getAll('cat')).toEqual(['Burglary']);
		const months = street.months.filter((m) => m >= '2019-01');
		const want = months.map((month) => street.byMonthCategory.get(`${month}|Burglary`) ?? 0);
		const m = await matrixTable();
		expect(m.months).toEqual(months.map(monthName));
		expect([...m.rows.keys()]).toEqual(['Burglary']);
		expect(m.rows.get('Burglary')!.slice(0, -1)).toEqual(want);
		expect(parseCount(await page.locator('[data-testid="explore-trend-total"]').textContent())).toBe(want.reduce((a, b) => a + b, 0));
		// Each view's key is the current URL state.
		const keys = await page.evaluate(() => [...document.querySelectorAll('[data-key]')].map((e) => e.getAttribute('data-key')));
		expect(new Set(keys).size).toBe(1);
		expect(keys[0]).toContain('cat=Burglary');
		const measures = await page.evaluate(() => performance.getEntriesByName('clearsight:filter-update').length);
		expect(measures).toBeGreaterThanOrEqual(2);
	});

	it('survives a reload, and back/forward step through the filter states', async () => {
		await open('source=city-of-london&ds=incidents&from=2018-06&to=2018-08&cat=Robbery&cat=Drugs');
		const before = await matrixTable();
		await page.reload();
		await waitForApp(page, 60_000);
		await settled();
		expect(await matrixTable()).toEqual(before);
		expect(await page.locator('#explore-from').inputValue()).toBe('2018-06');
		expect(await page.locator('#explore-to').inputValue()).toBe('2018-08');
		expect(search().getAll('cat')).toEqual(['Robbery', 'Drugs']);

		await page.selectOption('#explore-to', '2018-12');
		await settled();
		const after = await matrixTable();
		expect(after.months.length).toBe(7);
		await page.goBack();
		await settled();
		expect(search().get('to')).toBe('2018-08');
		expect(await matrixTable()).toEqual(before);
		expect(await page.locator('#explore-to').inputValue()).toBe('2018-08');
		await page.goForward();
		await settled();
		expect(search().get('to')).toBe('2018-12');
		expect(await matrixTable()).toEqual(after);
	});

	it('cross-filters by a selected LSOA (area in the URL), with the raw counts of that LSOA', async () => {
		const lsoa = 'E01032739';
		await open(`source=city-of-london&area=lsoa:${lsoa}`);
		let want = 0;
		for (const file of street.files) {
			const seen = new Set<string>();
			for (const row of readCsvRows(join(RAW_DIR, 'street', file.file))) {
				const id = row['Crime ID'];
				if (id && seen.has(id)) continue;
				if (id) seen.add(id);
				if (row['LSOA code'] === lsoa) want++;
			}
		}
		expect(want).toBeGreaterThan(100);
		expect((await matrixTable()).total).toBe(want);
		expect(await page.locator('[data-testid="selection-text"]').textContent()).toContain(lsoa);
		await page.getByRole('button', { name: 'Clear area selection' }).click();
		await settled();
		expect(search().get('area')).toBeNull();
		expect((await matrixTable()).total).toBe(street.records);
	});

	it('hour of week for stop and search equals the raw CSVs in UK local time, also under a category filter', async () => {
		const stops = rawStops();
		await open('source=city-of-london&ds=stop_search');
		const all = new Array(168).fill(0);
		for (const s of stops) all[s.how]++;
		expect(await hoursTable()).toEqual(all);
		expect(parseCount(await page.locator('[data-testid="hours-total"]').textContent())).toBe(stops.length);
		await open('source=city-of-london&ds=stop_search&cat=Controlled+drugs&from=2018-06');
		const drugs = new Array(168).fill(0);
		for (const s of stops) if (s.object === 'Controlled drugs' && s.month >= '2018-06') drugs[s.how]++;
		expect(await hoursTable()).toEqual(drugs);
		// The heatmap cells carry the same numbers as the table.
		const drawn = await page.evaluate(() => [...document.querySelectorAll('[data-testid="hours"] rect[data-hour]')].map((r) => Number(r.getAttribute('data-value'))));
		expect(drawn).toEqual(drugs);
	});

	it('hour of week for the Chicago assaults equals the raw file, for a year and for all years', async () => {
		const rows = rawChicago();
		await open('source=chicago-assaults&ds=events&from=2017-01&to=2017-12');
		const year = new Array(168).fill(0);
		for (const r of rows) if (r.month >= '2017-01' && r.month <= '2017-12') year[r.how]++;
		expect(await hoursTable()).toEqual(year);
		await page.selectOption('#explore-from', '');
		await page.selectOption('#explore-to', '');
		await settled();
		const all = new Array(168).fill(0);
		for (const r of rows) all[r.how]++;
		expect(await hoursTable()).toEqual(all);
		expect(parseCount(await page.locator('[data-testid="hours-total"]').textContent())).toBe(rows.length);
		expect(search().get('source')).toBe('chicago-assaults');
	});

	it('exports: the CSVs hold the tables on screen; the PNGs are images of the charts', async () => {
		await open('source=city-of-london&ds=stop_search&from=2019-01');
		const matrix = await matrixTable();
		const csv = await download(() => page.getByRole('button', { name: 'Download the category × month matrix as CSV' }).click());
		const lines = parseCsv(readFileSync(csv.path, 'utf8'));
		expect(csv.name).toBe('clearsight-category-month-stop_search-from-2019-01.csv');
		const body = lines.filter((l) => l.length > 1).slice(1, -1);
		expect(new Map(body.map((l) => [l[0], l.slice(1).map(Number)]))).toEqual(matrix.rows);
		expect(Number(lines.filter((l) => l.length > 1).at(-1)!.at(-1))).toBe(matrix.total);

		const hours = await hoursTable();
		const hcsv = parseCsv(readFileSync((await download(() => page.getByRole('button', { name: 'Download the hour-of-week counts as CSV' }).click())).path, 'utf8'));
		expect(hcsv.filter((l) => l.length > 1).slice(1).map((l) => Number(l[4]))).toEqual(hours);

		for (const what of ['the hour-of-week counts', 'the monthly trend', 'the category × month matrix']) {
			const png = readFileSync((await download(() => page.getByRole('button', { name: `Download ${what} as PNG` }).click())).path);
			expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
			const width = png.readUInt32BE(16);
			const height = png.readUInt32BE(20);
			expect(width).toBeGreaterThan(400);
			expect(height).toBeGreaterThan(100);
		}
	});

	it('is keyboard operable: dataset, categories and the matrix filter from the keyboard, focus kept', async () => {
		await open('source=city-of-london');
		await page.locator('#explore-dataset').focus();
		await page.keyboard.press('ArrowDown');
		await settled();
		expect(search().get('ds')).toBe('stop_search');
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('explore-dataset');

		await page.locator('[data-testid="category-picker"] summary').focus();
		await page.keyboard.press('Enter');
		await page.keyboard.press('Tab'); // "All categories" is disabled, so the first box
		await page.keyboard.press('Space');
		await settled();
		expect(search().getAll('cat')).toEqual(['Controlled drugs']);
		expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('Controlled drugs');

		const button = page.locator('[data-testid="matrix-category"]').first();
		await button.focus();
		await page.keyboard.press('Enter');
		await settled();
		expect(search().getAll('cat')).toEqual(['Controlled drugs']);
		await page.selectOption('#explore-dataset', 'incidents');
		await settled();
		await page.locator('[data-testid="matrix-category"]').nth(2).focus();
		await page.keyboard.press('Enter');
		await settled();
		expect(search().getAll('cat')).toEqual(['Violence and sexual offences']);
	});

	it('says what it ignored in a bad URL and shows the rest', async () => {
		await open('source=city-of-london&ds=nonsense&from=2019-13&cat=Nope&bbox=1,2,3');
		const text = await page.locator('[data-testid="filter-messages"]').textContent();
		expect(text).toMatch(/Dataset "nonsense" is not available/);
		expect(text).toMatch(/Period from "2019-13" is not a month/);
		expect(text).toMatch(/"Nope" not found/);
		expect(text).toMatch(/Box "1,2,3"/);
		expect((await matrixTable()).total).toBe(street.records);
	});
});
