/**
 * Keyboard use of the Stop and search split tables and the Forecast chart, in headless Chromium
 * against the built app and the sample extract, with real Tab and arrow key presses:
 * - a split table is one Tab stop (a roving tabindex); arrow keys move focus between every figure
 *   of its rows (the count buttons, finds, find rate, arrests), each announced with what it counts,
 *   and Enter on a count opens the records panel with that many records;
 * - the Forecast chart is reached by Tab, and left / right arrow keys announce one hour's figures,
 *   the same as that hour's row of the chart's data table.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { parseCount, sharedPage, waitForApp } from './browser';

const baseUrl = inject('baseUrl');
const shared = sharedPage();

/**
 * Focuses the last tabbable element before `selector` in document order, then presses Tab until
 * focus has entered and left it: the number of Tab stops inside it.
 */
async function tabStopsThrough(page: Page, selector: string): Promise<number> {
	await page.evaluate((sel) => {
		const target = document.querySelector(sel)!;
		const tabbable = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]')].filter(
			(el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0
		);
		const before = tabbable.filter((el) => target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
		before[before.length - 1].focus();
	}, selector);
	const inside = () => page.evaluate((sel) => document.querySelector(sel)!.contains(document.activeElement), selector);
	let stops = 0;
	for (let presses = 0; presses < 1000; presses++) {
		await page.keyboard.press('Tab');
		if (await inside()) stops++;
		else if (stops > 0) return stops;
	}
	throw new Error(`Tab never left ${selector}`);
}

/** The focused element's data-row, data-col and accessible label. */
const focused = (page: Page) =>
	page.evaluate(() => {
		const el = document.activeElement!;
		return { row: el.getAttribute('data-row'), col: el.getAttribute('data-col'), label: el.getAttribute('aria-label') ?? '' };
	});

describe('Stop and search split tables by keyboard', () => {
	it('is one Tab stop; arrows move between count buttons; Enter opens the records of the count', async () => {
		const { page } = shared;
		await page.goto(`${baseUrl}/stop-search?from=2018-01&to=2018-12`);
		await waitForApp(page);
		await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const table = '[data-testid="ss-legislation-table"]';
		expect(await tabStopsThrough(page, table)).toBe(1);
		// Every count of the six group columns, "All searches", "Finds" and "Arrests" is a button in the grid (a zero one marked disabled);
		// the find rate between them is a cell of the grid too, so a row's every figure is reached.
		const rows = await page.locator(`${table} tbody tr`).count();
		expect(rows).toBeGreaterThan(1);
		expect(await page.locator(`${table} button[data-row][data-col]`).count()).toBe(rows * 9);
		expect(await page.locator(`${table} td[data-row][data-col]`).count()).toBe(rows);
		// Back into the grid: its one stop is the first count; the grid's rows and columns follow the table's.
		await page.keyboard.press('Shift+Tab');
		expect(await focused(page)).toMatchObject({ row: '0', col: '0' });
		const firstValue = (await page.locator(`${table} tbody tr`).first().getAttribute('data-value'))!;
		expect((await focused(page)).label).toMatch(new RegExp(`records: Asian, ${firstValue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));

		await page.keyboard.press('ArrowRight');
		expect(await focused(page)).toMatchObject({ row: '0', col: '1' });
		expect((await focused(page)).label).toContain(': Black, ');
		await page.keyboard.press('ArrowDown');
		expect(await focused(page)).toMatchObject({ row: '1', col: '1' });
		await page.keyboard.press('ArrowUp');
		const first = page.locator(`${table} tbody tr`).first();
		const all = parseCount(await first.locator('td[data-col="searches"]').textContent());
		const finds = parseCount(await first.locator('td[data-col="finds"]').textContent());
		const arrests = parseCount(await first.locator('td[data-col="arrests"]').textContent());
		const n = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;
		const show = (count: number, one: string) => (count === 0 ? `0 ${one}s: ${firstValue}` : `Show the ${n(count, one)}: ${firstValue}`);
		await page.keyboard.press('End');
		// The row's last figure: the arrests of the first value; then back along the row to finds, find rate and all searches.
		expect(await focused(page)).toMatchObject({ row: '0', col: '9', label: show(arrests, 'arrest') });
		await page.keyboard.press('ArrowLeft');
		const rate = `${((100 * finds) / all).toFixed(1)}%`;
		expect(await focused(page)).toMatchObject({ row: '0', col: '8', label: `Find rate ${rate}: ${n(finds, 'find')} in ${n(all, 'search', 'searches')}, ${firstValue}` });
		await page.keyboard.press('ArrowLeft');
		expect(await focused(page)).toMatchObject({ row: '0', col: '7', label: show(finds, 'find') });
		await page.keyboard.press('ArrowLeft');
		// All searches of the first value.
		expect(await focused(page)).toMatchObject({ row: '0', col: '6' });
		expect((await focused(page)).label).toBe(`Show the ${all.toLocaleString('en-GB')} ${all === 1 ? 'record' : 'records'}: ${firstValue}`);
		// Still one Tab stop, now at the count last reached.
		const tabbable = await page.locator(`${table} [tabindex="0"]`).count();
		expect(tabbable).toBe(1);

		await page.keyboard.press('Enter');
		await page.locator('[data-testid="ss-records"][data-state="ready"]').waitFor({ timeout: 30_000 });
		expect(Number(await page.locator('[data-testid="ss-records-total"]').getAttribute('data-total'))).toBe(all);
	});

	it('opens only the finds, or only the arrests, of a value from its count', async () => {
		const { page } = shared;
		await page.goto(`${baseUrl}/stop-search?from=2018-01&to=2018-12`);
		await waitForApp(page);
		await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const row = page.locator('[data-testid="ss-legislation-table"] tbody tr[data-value="Misuse of Drugs Act 1971 (section 23)"]');
		for (const what of ['finds', 'arrests'] as const) {
			const expected = parseCount(await row.locator(`td[data-col="${what}"]`).textContent());
			expect(expected).toBeGreaterThan(0);
			await row.locator(`td[data-col="${what}"] button`).focus();
			await page.keyboard.press('Enter');
			await page.locator(`[data-testid="ss-records"][data-state="ready"]`).waitFor({ timeout: 30_000 });
			await expect.poll(async () => Number(await page.locator('[data-testid="ss-records-total"]').getAttribute('data-total'))).toBe(expected);
		}
	});
});

describe('Forecast chart by keyboard', () => {
	it('is reached by Tab, and arrow keys announce an hour\'s figures as its data table row gives them', async () => {
		const { page } = shared;
		await page.goto(`${baseUrl}/forecast?series=stop_search&weeks=2&method=auto`);
		await waitForApp(page);
		await page.locator('[data-testid="forecast"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const slider = page.locator('#forecast-chart [role="slider"]');
		expect(await tabStopsThrough(page, '#forecast-chart [role="slider"]')).toBe(1);
		await page.keyboard.press('Shift+Tab');
		expect(await slider.evaluate((el) => el === document.activeElement)).toBe(true);

		const rows = page.locator('[data-testid="forecast-table"] tbody tr');
		const count = await rows.count();
		expect(count).toBeGreaterThan(24);
		/** A table row as the slider says it: "hour: forecast mean m, 80% interval a to b, 95% interval c to d". */
		const rowText = (i: number) =>
			rows.nth(i).evaluate((tr) => {
				const [hour, ...cells] = [...tr.children].map((c) => c.textContent!.trim());
				return `${hour}: forecast mean ${cells[0]}, 80% interval ${cells[1]} to ${cells[2]}, 95% interval ${cells[3]} to ${cells[4]}`;
			});
		await page.keyboard.press('End');
		const last = Number(await slider.getAttribute('aria-valuemax'));
		expect(await slider.getAttribute('aria-valuenow')).toBe(String(last));
		expect(await slider.getAttribute('aria-valuetext')).toBe(await rowText(count - 1));
		await page.keyboard.press('ArrowLeft');
		expect(await slider.getAttribute('aria-valuenow')).toBe(String(last - 1));
		expect(await slider.getAttribute('aria-valuetext')).toBe(await rowText(count - 2));
		const tip = page.locator('[data-testid="forecast-tooltip"]');
		await tip.waitFor();
		expect(await tip.locator('strong').textContent()).toBe((await rowText(count - 2)).split(': ')[0]);
		// The first forecast hour follows the actual hours; one step left of it is the last actual hour.
		const firstForecast = last - (count - 1);
		for (let i = last - 1; i > firstForecast; i--) await page.keyboard.press('ArrowLeft');
		expect(await slider.getAttribute('aria-valuetext')).toBe(await rowText(0));
		await page.keyboard.press('ArrowLeft');
		expect(await slider.getAttribute('aria-valuetext')).toMatch(/: actual \d+$/);
	});
});
