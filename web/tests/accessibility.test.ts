/**
 * Accessibility, in headless Chromium against the built app and the shipped sample:
 *
 * - an axe-core audit of EVERY page, the pages found by walking web/routes (so a new page is
 *   audited without being listed here), with the shared filters set and an interaction state
 *   (the category dropdown open, a matrix cell chosen and focused); it fails on any serious or
 *   critical violation and prints each node;
 * - at 390 px wide (a phone) no page scrolls sideways;
 * - the category dropdown closes on Escape (focus back on its button), on a press outside (which
 *   still reaches the control under it) and when focus leaves it, and says whether it is open;
 * - the category × month and hour-of-week cells work from the keyboard (one tab stop, arrow keys,
 *   Enter filters like a click) and show their figure beside the focused cell;
 * - hover figures appear beside the pointer, inside the viewport (matrix, line chart, map).
 *
 * axe-core is evaluated through the DevTools protocol (page.evaluate), which the page's
 * Content-Security-Policy does not govern, so the app's policy stays as shipped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';

const baseUrl = inject('baseUrl');
// Each page is opened cold and computes its figures before it is audited.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Every page of the app: each folder of web/routes with a +page.svelte (no parameterised routes yet). */
function routePaths(): string[] {
	const root = 'web/routes';
	const out: string[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (name === '+page.svelte') {
				const route = relative(root, dir).split(sep).filter((p) => p !== '' && !/^\(.*\)$/.test(p));
				if (route.some((p) => p.startsWith('['))) throw new Error(`${dir}: a parameterised route needs a value here`);
				out.push(`/${route.join('/')}`);
			}
		}
	};
	walk(root);
	return out.sort();
}

/** The shared filters every page is opened with (a period, two categories, a comparison). */
const FILTERS = 'source=city-of-london&from=2019-01&to=2019-06&cat=Burglary&cat=Shoplifting&compare=last-year';
/** What a page needs beyond the filters to show its content (an area, two areas). */
const PAGE_PARAMS: Record<string, string> = {
	'/area': 'id=E01000001',
	'/compare': 'a=E01000001&b=E01000005'
};

const PAGES = routePaths();

let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage();
});

afterAll(async () => {
	await browser?.close();
});

/** Open a page and wait until it has stopped computing (no "Computing…"-style status left), best effort. */
async function openPage(path: string, extra = ''): Promise<void> {
	const params = [FILTERS, PAGE_PARAMS[path] ?? '', extra].filter(Boolean).join('&');
	await page.goto(`${baseUrl}${path}?${params}`);
	await waitForApp(page, 90_000);
	await page
		.waitForFunction(
			() =>
				![...document.querySelectorAll('[role="status"], [aria-busy="true"], [data-state="loading"], [data-state="pending"]')].some(
					(el) => el.getAttribute('aria-busy') === 'true' || /loading|pending/.test(el.getAttribute('data-state') ?? '') || /…|\.\.\.$/.test((el.textContent ?? '').trim())
				),
			null,
			{ timeout: 60_000, polling: 250 }
		)
		.catch(() => undefined); // a page still busy is audited as it stands
}

interface AxeNode {
	target: string[];
	html: string;
	failureSummary?: string;
}
interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: AxeNode[];
}

/** Serious and critical axe violations of the page as it stands, one line per node. */
async function audit(): Promise<string[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
	const violations = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[] }> } }).axe;
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations as AxeViolation[];
	});
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')} — ${n.html.slice(0, 200)} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`));
}

/** Put the page in an interaction state: the category dropdown open; on /time a matrix cell chosen and focused. */
async function interact(path: string): Promise<void> {
	if (path === '/time') {
		const cell = page.locator('[data-testid="matrix"][data-state="ready"] rect[role="gridcell"]').first();
		if ((await cell.count()) > 0) {
			await cell.click();
			await openPageSettled();
			await page.locator('[data-testid="matrix"] rect[role="gridcell"][tabindex="0"]').focus();
		}
	}
	const picker = page.locator('[data-testid="category-picker"] summary');
	if ((await picker.count()) > 0) await picker.first().click();
}

async function openPageSettled(): Promise<void> {
	await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="matrix"]')].every((e) => e.getAttribute('data-state') === 'ready'), null, {
		timeout: 60_000
	});
}

describe('axe-core audit of every page', () => {
	it('finds the pages from web/routes, the new ones included', () => {
		expect(PAGES).toEqual(expect.arrayContaining(['/', '/map', '/time', '/priorities', '/area', '/data']));
	});

	it.each(PAGES)('%s has no serious or critical violation (filters set, dropdown open, a cell chosen)', async (path) => {
		await openPage(path);
		const before = await audit();
		await interact(path);
		const after = await audit();
		const found = [...new Set([...before, ...after])];
		if (found.length > 0) console.log(`${path}:\n  ${found.join('\n  ')}`);
		expect(found, `${path}: serious or critical axe violations`).toEqual([]);
		expect(browser.takeProblems().filter((p) => p.kind !== 'http')).toEqual([]);
	}, 240_000);
});

describe('390 px wide (a phone)', () => {
	beforeAll(async () => {
		await page.setViewportSize({ width: 390, height: 844 });
	});
	afterAll(async () => {
		await page.setViewportSize({ width: 1280, height: 900 });
	});

	it.each(PAGES)('%s does not scroll sideways (dropdown open too), and the header menu is all on screen', async (path) => {
		await openPage(path);
		const picker = page.locator('[data-testid="category-picker"] summary');
		for (const state of ['as opened', 'dropdown open'] as const) {
			if (state === 'dropdown open') {
				if ((await picker.count()) === 0) break;
				await picker.first().click();
			}
			await checkWidth(`${path} (${state})`);
		}
	});

	it('shows a matrix cell\'s figure inside the phone\'s screen, beside the pointer', async () => {
		await page.goto(`${baseUrl}/time?source=city-of-london`);
		await waitForApp(page, 90_000);
		const cell = page.locator('[data-testid="matrix"][data-state="ready"] rect[role="gridcell"]').last();
		await cell.waitFor();
		await cell.scrollIntoViewIfNeeded();
		const box = (await cell.boundingBox())!;
		const point = { x: Math.min(box.x + box.width / 2, 385), y: box.y + box.height / 2 };
		await page.mouse.move(point.x, point.y);
		const tip = page.locator('[data-testid="matrix-tooltip"]');
		await tip.waitFor();
		expect(nearAndInside((await tip.boundingBox())!, point, { width: 390, height: 844 })).toEqual({ inside: true, near: true });
	});
});

/** The page is no wider than the screen (else: say what sticks out), and every header link is on screen. */
async function checkWidth(what: string): Promise<void> {
	const result = await page.evaluate(() => {
		const scroller = document.scrollingElement!;
		const width = window.innerWidth;
		// The outermost elements sticking out on the right (not inside a box that scrolls or clips them), to say what to fix.
		const clipped = (el: Element) => {
			// Taken as clipped when a box around it scrolls or clips (an absolutely placed element may escape it: listed).
			if (/absolute|fixed/.test(getComputedStyle(el).position)) return false;
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return true;
			return false;
		};
		const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')}`;
		const path = (el: Element) => {
			const out: string[] = [];
			for (let p: Element | null = el; p && p !== document.body && out.length < 4; p = p.parentElement) out.unshift(name(p));
			return out.join(' > ');
		};
		const wide = [...document.querySelectorAll('body *')]
			.filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
			.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
			.slice(0, 4)
			.map((el) => `${path(el)} right=${Math.round(el.getBoundingClientRect().right)}`);
		const links = [...document.querySelectorAll('header nav a')].map((a) => {
			const r = a.getBoundingClientRect();
			return { text: a.textContent!.trim(), inside: r.left >= 0 && r.right <= width + 1 && r.width > 0 };
		});
		return { scrollWidth: scroller.scrollWidth, width, wide, links };
	});
	expect(result.scrollWidth, `${what} is ${result.scrollWidth} px wide in ${result.width}: ${result.wide.join('; ')}`).toBeLessThanOrEqual(result.width);
	expect(result.links.length).toBeGreaterThan(5);
	expect(result.links.filter((l) => !l.inside).map((l) => l.text)).toEqual([]);
}

describe('The category dropdown', () => {
	const picker = () => page.locator('[data-testid="category-picker"]');
	const summary = () => page.locator('[data-testid="category-picker"] summary');
	const isOpen = () => picker().evaluate((d) => (d as HTMLDetailsElement).open);

	beforeAll(async () => {
		await openPage('/time');
	});

	it('says whether it is open, and closes on Escape with focus back on its button', async () => {
		expect(await summary().getAttribute('aria-expanded')).toBe('false');
		await summary().focus();
		await page.keyboard.press('Enter');
		expect(await isOpen()).toBe(true);
		expect(await summary().getAttribute('aria-expanded')).toBe('true');
		await page.locator('[data-testid="category-picker"] input[type="checkbox"]').first().focus();
		await page.keyboard.press('Escape');
		expect(await isOpen()).toBe(false);
		expect(await summary().getAttribute('aria-expanded')).toBe('false');
		expect(await page.evaluate(() => document.activeElement?.tagName.toLowerCase())).toBe('summary');
	});

	it('closes on a press outside, and the press still reaches the control under the pointer', async () => {
		await summary().click();
		expect(await isOpen()).toBe(true);
		// The dataset select lies outside the dropdown: pressing it closes the dropdown and focuses it.
		await page.locator('#explore-dataset').click();
		expect(await isOpen()).toBe(false);
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('explore-dataset');
		await page.keyboard.press('Escape'); // close the select's own list
	});

	it('closes when keyboard focus moves out of it', async () => {
		await summary().click();
		expect(await isOpen()).toBe(true);
		await summary().focus();
		await page.keyboard.press('Shift+Tab');
		expect(await isOpen()).toBe(false);
	});
});

/** Is `box` inside the viewport and within `reach` px of the point? */
function nearAndInside(box: { x: number; y: number; width: number; height: number }, point: { x: number; y: number }, viewport: { width: number; height: number }, reach = 48) {
	const dx = Math.max(box.x - point.x, 0, point.x - (box.x + box.width));
	const dy = Math.max(box.y - point.y, 0, point.y - (box.y + box.height));
	return {
		inside: box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height,
		near: Math.hypot(dx, dy) <= reach
	};
}

describe('Category × month and hour-of-week cells from the keyboard, and figures beside the pointer', () => {
	const cells = '[data-testid="matrix"][data-state="ready"] rect[role="gridcell"]';

	beforeAll(async () => {
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.goto(`${baseUrl}/time?source=city-of-london`);
		await waitForApp(page, 90_000);
		await page.locator(cells).first().waitFor();
	});

	it('is one tab stop; arrow keys move between cells, the figure follows the focus, Enter filters like a click', async () => {
		expect(await page.locator(`${cells}[tabindex="0"]`).count()).toBe(1);
		const first = page.locator(`${cells}[tabindex="0"]`);
		await first.focus();
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowDown');
		const active = await page.evaluate(() => {
			const el = document.activeElement!;
			return { row: el.getAttribute('data-row'), col: el.getAttribute('data-col'), category: el.getAttribute('data-category'), month: el.getAttribute('data-month'), value: Number(el.getAttribute('data-value')), label: el.getAttribute('aria-label'), tabindex: el.getAttribute('tabindex') };
		});
		expect(active).toMatchObject({ row: '1', col: '1', tabindex: '0' });
		expect(await page.locator(`${cells}[tabindex="0"]`).count()).toBe(1);
		// The figure beside the focused cell is the table's number for that category and month.
		const table = await page.evaluate(
			([category, month]) => {
				const row = [...document.querySelectorAll('[data-testid="matrix-table"] tbody tr')].find((tr) => tr.querySelector('th')!.textContent!.trim() === category)!;
				return row.querySelector(`td[data-month="${month}"]`)!.textContent;
			},
			[active.category!, active.month!]
		);
		expect(parseCount(table)).toBe(active.value);
		const tip = page.locator('[data-testid="matrix-tooltip"]');
		await tip.waitFor();
		expect(await tip.textContent()).toContain(`${active.category}`);
		expect(await tip.textContent()).toContain(`${table} records`);
		const cellBox = (await page.locator(':focus').boundingBox())!;
		const tipBox = (await tip.boundingBox())!;
		const fit = nearAndInside(tipBox, { x: cellBox.x + cellBox.width, y: cellBox.y }, { width: 1280, height: 900 });
		expect(fit).toEqual({ inside: true, near: true });
		// The focus ring is drawn.
		expect(await page.locator('[data-testid="matrix-focus"]').count()).toBe(1);

		await page.keyboard.press('Enter');
		await page.waitForFunction((m) => new URL(location.href).searchParams.get('from') === m, active.month);
		const url = new URL(page.url());
		expect(url.searchParams.getAll('cat')).toEqual([active.category]);
		expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual([active.month, active.month]);
	});

	it('shows a cell\'s figure beside the pointer, inside the viewport, also near the right edge', async () => {
		await page.goto(`${baseUrl}/time?source=city-of-london`);
		await waitForApp(page, 90_000);
		await page.locator(cells).first().waitFor();
		for (const which of ['first', 'last'] as const) {
			const cell = which === 'first' ? page.locator(cells).first() : page.locator(cells).last();
			await cell.scrollIntoViewIfNeeded();
			const box = (await cell.boundingBox())!;
			const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
			await page.mouse.move(point.x, point.y);
			const tip = page.locator('[data-testid="matrix-tooltip"]');
			await tip.waitFor();
			expect(await tip.textContent()).toContain(`${parseCount(await cell.getAttribute('data-value')).toLocaleString('en-GB')} records`);
			expect(nearAndInside((await tip.boundingBox())!, point, { width: 1280, height: 900 })).toEqual({ inside: true, near: true });
		}
		await page.mouse.move(1, 1);
		await expect.poll(() => page.locator('[data-testid="matrix-tooltip"]').count()).toBe(0);
	});

	it('shows a month\'s values beside the pointer on the line chart, and steps through months by keyboard', async () => {
		const overlay = page.locator('[data-testid="explore-trend"] [role="slider"]');
		const box = (await overlay.boundingBox())!;
		const point = { x: box.x + box.width * 0.8, y: box.y + box.height / 2 };
		await page.mouse.move(point.x, point.y);
		const tip = page.locator('[data-testid="line-tooltip"]');
		await tip.waitFor();
		expect(nearAndInside((await tip.boundingBox())!, point, { width: 1280, height: 900 })).toEqual({ inside: true, near: true });
		await page.mouse.move(1, 1);
		await overlay.focus();
		await page.keyboard.press('Home');
		const first = await overlay.getAttribute('aria-valuetext');
		await page.keyboard.press('ArrowRight');
		expect(await overlay.getAttribute('aria-valuenow')).toBe('1');
		expect(await overlay.getAttribute('aria-valuetext')).not.toBe(first);
		await tip.waitFor();
		const month = (await overlay.getAttribute('aria-valuetext'))!.split(':')[0];
		expect(await tip.locator('strong').textContent()).toBe(month);
	});

	it('works the hour-of-week grid from the keyboard (stop and search has times)', async () => {
		await page.goto(`${baseUrl}/time?source=city-of-london&ds=stop_search`);
		await waitForApp(page, 90_000);
		const hours = '[data-testid="hours"][data-state="ready"] rect[role="gridcell"]';
		await page.locator(hours).first().waitFor();
		expect(await page.locator(hours).count()).toBe(168);
		expect(await page.locator(`${hours}[tabindex="0"]`).count()).toBe(1);
		await page.locator(`${hours}[tabindex="0"]`).focus();
		await page.keyboard.press('End');
		await page.keyboard.press('ArrowDown');
		const hour = await page.evaluate(() => document.activeElement?.getAttribute('data-hour'));
		expect(hour).toBe(String(1 * 24 + 23)); // Tuesday 23:00
		const value = await page.evaluate(() => document.activeElement?.getAttribute('data-value'));
		const tableValue = await page.locator(`[data-testid="hours-table"] td[data-hour="${hour}"]`).textContent();
		expect(parseCount(tableValue)).toBe(Number(value));
		expect(await page.locator('[data-testid="hours-tooltip"]').textContent()).toContain(`${tableValue} records`);
	});
});

describe('Map hover figures beside the pointer', () => {
	it('shows a cell\'s figures next to the pointer, the same as the live text under the map', async () => {
		await page.goto(`${baseUrl}/map?source=city-of-london`);
		await waitForApp(page, 90_000);
		await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 90_000 });
		const box = (await page.locator('[data-testid="map"] canvas').boundingBox())!;
		const tip = page.locator('[data-testid="map-tooltip"]');
		let point: { x: number; y: number } | null = null;
		// Sweep the middle of the map until the pointer is over a cell.
		for (let fy = 0.3; fy <= 0.7 && !point; fy += 0.1) {
			for (let fx = 0.3; fx <= 0.7 && !point; fx += 0.05) {
				const p = { x: box.x + box.width * fx, y: box.y + box.height * fy };
				await page.mouse.move(p.x, p.y);
				if (await tip.isVisible().catch(() => false)) point = p;
			}
		}
		expect(point, 'no cell found under the middle of the map').not.toBeNull();
		const viewport = page.viewportSize()!;
		expect(nearAndInside((await tip.boundingBox())!, point!, viewport)).toEqual({ inside: true, near: true });
		expect((await tip.textContent())!.trim()).toBe((await page.locator('[data-testid="hover-info"]').textContent())!.trim());
	});
});
