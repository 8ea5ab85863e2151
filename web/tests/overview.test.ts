/**
 * Overview page, in headless Chromium against the built app and the sample extract. Every
 * figure on the page is compared with one worked out independently from the raw CSVs and the
 * manifest (web/tests/expected.ts), and the data tables with the charts they stand beside.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { monthName, readManifest, stopSearchRows, streetFigures } from './expected';
import { createNodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract } from '../../scripts/lib/load-input';
import { formatCount } from '../lib/charts/format';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');

const weights = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as {
	weights: Array<{ category: string; weight: number }>;
	exclusions: Array<{ category: string }>;
};

let browser: TestBrowser;
let page: Page;
let manifest: ExtractManifest;
let cspHeader: string | undefined;
const street = streetFigures();

async function text(selector: string): Promise<string> {
	return (await page.locator(selector).first().textContent()) ?? '';
}

beforeAll(async () => {
	manifest = readManifest(dataDir);
	browser = await launchBrowser();
	page = await browser.newPage();
	const start = Date.now();
	const response = await page.goto(`${baseUrl}/`);
	cspHeader = response?.headers()['content-security-policy'];
	await waitForApp(page);
	await page.locator('[data-state="ready"][data-testid="categories"]').waitFor();
	await page.locator('[data-state="ready"][data-testid="trend"]').waitFor();
	await page.locator('section.headline[data-state="ready"]').waitFor();
	const readyMs = Date.now() - start;
	const measures = await page.evaluate(() =>
		Object.fromEntries(performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration)]))
	);
	console.log(`Overview ready after ${readyMs} ms (navigation to all charts drawn);`, measures);
});

afterAll(async () => {
	await browser?.close();
});

describe('Overview headline figures', () => {
	it('shows the record count that the manifest and the raw street CSVs agree on', async () => {
		const streetSources = manifest.sources.filter((s) => s.kind === 'street');
		const rejected = streetSources.reduce((a, s) => a + s.rejected, 0);
		const incidents = manifest.datasets.find((d) => d.name === 'incidents')!;
		expect(street.rowsIn - rejected).toBe(incidents.rows);
		expect(street.records).toBe(incidents.rows);
		expect(parseCount(await text('[data-testid="records"]'))).toBe(incidents.rows);
	});

	it('splits records into crimes and anti-social behaviour as the CSVs do', async () => {
		expect(parseCount(await text('[data-testid="asb"]'))).toBe(street.antiSocialBehaviour);
		expect(parseCount(await text('[data-testid="crimes"]'))).toBe(street.records - street.antiSocialBehaviour);
	});

	it('shows the harm-weighted total: Σ count × weight over non-excluded categories', async () => {
		const excluded = new Set(weights.exclusions.map((e) => e.category));
		let harm = 0;
		for (const [category, count] of street.byCategory) {
			const w = weights.weights.find((x) => x.category === category);
			if (w && !excluded.has(category)) harm += count * w.weight;
		}
		expect(parseCount(await text('[data-testid="harm-total"]'))).toBe(Math.round(harm));
		const drugs = street.byCategory.get('Drugs') ?? 0;
		expect(parseCount(await text('[data-testid="harm-excluded"]'))).toBe(drugs);
		expect(await page.locator('a[href="#harm-weights"]').count()).toBeGreaterThan(0);
		await expect(page.locator('#harm-weights').count()).resolves.toBe(1);
	});

	it('says the priority scores also leave out Possession of weapons, with its records and harm in this total', async () => {
		// THR v3 leaves it out as found mostly by police activity; the harm model (and so this total) counts it.
		const thr = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as { exclusions: Array<{ category: string }> };
		expect(thr.exclusions.map((e) => e.category)).toEqual(['Possession of weapons']);
		const records = street.byCategory.get('Possession of weapons') ?? 0;
		const weight = weights.weights.find((x) => x.category === 'Possession of weapons')!.weight;
		expect(records).toBeGreaterThan(0);
		expect((await text('[data-testid="harm-score-exclusions"]')).replace(/\s+/g, ' ').trim()).toBe(
			`The priority scores (Priorities, Area) also leave out Possession of weapons (${formatCount(records)} records, ${formatCount(Math.round(records * weight))} days of this total): found mostly by police activity (model card).`
		);
	});

	it('shows the data period, stop-and-search count, places and freshness', async () => {
		expect(await text('[data-testid="period"]')).toBe(`${monthName(street.months[0])} – ${monthName(street.months.at(-1)!)}`);
		expect(await text('[data-testid="period-kind"]')).toBe(`${street.months.length} months, month resolution (police.uk street data)`);
		const searches = [...stopSearchRows().values()].reduce((a, b) => a + b, 0);
		expect(searches).toBe(manifest.datasets.find((d) => d.name === 'stop_search')!.rows);
		expect(parseCount(await text('[data-testid="stop-searches"]'))).toBe(searches);
		expect(parseCount(await text('[data-testid="lsoas"]'))).toBe(street.lsoas);
		expect(parseCount(await text('[data-testid="no-location"]'))).toBe(street.noLocation);
		expect(await text('[data-testid="latest-month"]')).toBe(monthName(street.months.at(-1)!));
	});
});

describe("Overview headline: the force area's records", () => {
	it("heads with the records located in the force area's LSOAs, worked from the extract's rows, and says what the other figures count", async () => {
		const runner = await createNodeRunner();
		try {
			await loadExtract(runner, dataDir);
			// The force area by its LSOAs (the force_area dataset), not by the records' flag: a located
			// record lies in the force area when its LSOA is one of them, just outside it otherwise.
			const [n] = await runner.rows<{ records: number; inside: number; inside_asb: number; outside: number; unplaced: number; name: string }>(
				`SELECT count(*)::INTEGER AS records,
					count(*) FILTER (WHERE lsoa_code IN (SELECT area_code FROM force_area))::INTEGER AS inside,
					count(*) FILTER (WHERE lsoa_code IN (SELECT area_code FROM force_area) AND category = 'Anti-social behaviour')::INTEGER AS inside_asb,
					count(*) FILTER (WHERE longitude IS NOT NULL AND lsoa_code NOT IN (SELECT area_code FROM force_area))::INTEGER AS outside,
					count(*) FILTER (WHERE longitude IS NULL)::INTEGER AS unplaced,
					(SELECT any_value(force_name) FROM force_area) AS name
				FROM incidents`
			);
			expect(n.inside + n.outside + n.unplaced).toBe(n.records);
			expect(n.records).toBe(street.records);
			expect(parseCount(await text('[data-testid="records-inside"]'))).toBe(n.inside);
			expect(parseCount(await text('[data-testid="crimes-inside"]'))).toBe(n.inside - n.inside_asb);
			expect(parseCount(await text('[data-testid="asb-inside"]'))).toBe(n.inside_asb);
			expect(parseCount(await text('[data-testid="records-outside"]'))).toBe(n.outside);
			expect(parseCount(await text('[data-testid="records-unplaced"]'))).toBe(n.unplaced);
			expect(await page.locator('[data-testid="force-area-figure"] dt').textContent()).toBe('Records in the force area');
			expect(await text('[data-testid="force-area-figure"]')).toContain(`of the ${formatCount(n.records)} records are located in the force area, ${n.name}`);
			// The trend and the categories count every record loaded, and say so beside the force area's figure.
			const note = `All ${formatCount(n.records)} records loaded, the ${formatCount(n.outside)} located outside the force area and the ${formatCount(n.unplaced)} without a location included (the headline counts the ${formatCount(n.inside)} in the force area, ${n.name}).`;
			for (const id of ['#trend', '#categories']) expect(await text(`${id} .description`)).toContain(note);
			expect(parseCount(await text('[data-testid="trend-total"]'))).toBe(n.records);
			expect(parseCount(await text('[data-testid="categories-total"]'))).toBe(n.records);
		} finally {
			runner.close();
		}
	});
});

describe('Overview charts and their data tables', () => {
	it('draws one bar per category with the CSV counts, the largest first', async () => {
		const bars = await page.locator('#categories svg [data-bar]').evaluateAll((nodes) =>
			nodes.map((n) => [n.getAttribute('data-bar'), Number(n.getAttribute('data-value'))] as [string, number])
		);
		const expected = [...street.byCategory].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
		expect(bars).toEqual(expected);
		expect(bars[0]).toEqual(['Other theft', street.byCategory.get('Other theft')]);
	});

	it('has a data table beside the bar chart with the same numbers', async () => {
		const bars = await page.locator('#categories svg [data-bar]').evaluateAll((nodes) =>
			nodes.map((n) => [n.getAttribute('data-bar'), Number(n.getAttribute('data-value'))])
		);
		const rows = await page.locator('[data-testid="categories-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => [tr.getAttribute('data-category'), tr.querySelector('[data-col="count"]')?.textContent ?? ''])
		);
		expect(rows.map(([c, n]) => [c, Number(String(n).replace(/,/g, ''))])).toEqual(bars);
		expect(parseCount(await text('[data-testid="categories-total"]'))).toBe(street.records);
	});

	it('draws the monthly trend with the CSV counts, and its table matches point for point', async () => {
		const months = await page.locator('[data-testid="trend-table"] tbody th[data-month]').evaluateAll((ths) =>
			ths.map((th) => th.getAttribute('data-month'))
		);
		expect(months).toEqual(street.months);
		const points = await page.locator('#trend svg circle[data-series]').evaluateAll((cs) =>
			cs.map((c) => `${c.getAttribute('data-series')}|${c.getAttribute('data-x')}|${c.getAttribute('data-value')}`)
		);
		const cells = await page.locator('[data-testid="trend-table"] tbody tr').evaluateAll((trs) =>
			trs.flatMap((tr) => {
				const month = tr.querySelector('th')?.getAttribute('data-month');
				return [...tr.querySelectorAll('td[data-series]')]
					.filter((td) => td.getAttribute('data-series') !== 'total')
					.map((td) => `${td.getAttribute('data-series')}|${month}|${(td.textContent ?? '').replace(/,/g, '')}`);
			})
		);
		expect(points.length).toBeGreaterThan(0);
		expect(new Set(points)).toEqual(new Set(cells));
		// Named series equal the CSV counts month by month.
		for (const point of points) {
			const [series, month, value] = point.split('|');
			if (series.startsWith('Other categories')) continue;
			expect(Number(value), point).toBe(street.byMonthCategory.get(`${month}|${series}`) ?? 0);
		}
		expect(parseCount(await text('[data-testid="trend-total"]'))).toBe(street.records);
	});

	it('gives each chart an accessible name and title', async () => {
		for (const id of ['#trend', '#categories']) {
			const svg = page.locator(`${id} svg[role="img"]`).last();
			expect(await svg.getAttribute('aria-label')).toMatch(/chart/i);
			expect(await svg.locator('title').first().textContent()).toBe(await svg.getAttribute('aria-label'));
		}
	});
});

describe('Overview controls', () => {
	it('reaches the skip link, navigation, legend, measure and data tables by keyboard', async () => {
		await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
		const seen: string[] = [];
		for (let i = 0; i < 40; i++) {
			await page.keyboard.press('Tab');
			seen.push(
				await page.evaluate(() => {
					const el = document.activeElement as HTMLElement | null;
					return el ? `${el.tagName.toLowerCase()}:${(el.textContent ?? el.getAttribute('value') ?? '').trim().slice(0, 40)}` : '';
				})
			);
		}
		expect(seen[0]).toBe('a:Skip to main content');
		expect(seen).toContain('a:Data');
		expect(seen).toContain('button:Other theft');
		expect(seen).toContain('summary:Show data table');
		expect(seen.some((s) => s.startsWith('input:'))).toBe(true);
	});

	it('hides a trend line from its legend button', async () => {
		const button = page.getByRole('button', { name: 'Other theft', exact: true });
		await button.click();
		expect(await button.getAttribute('aria-pressed')).toBe('false');
		expect(await page.locator('#trend svg path[data-series="Other theft"]').count()).toBe(0);
		await button.click();
		expect(await page.locator('#trend svg path[data-series="Other theft"]').count()).toBe(1);
	});

	it('switches the category chart to harm and keeps the choice in the URL', async () => {
		await page.getByLabel('Harm (CCHI days)').check();
		await page.waitForURL(/measure=harm/);
		const first = page.locator('#categories svg [data-bar]').first();
		// Violence (194.21 days × 2,598) outweighs Other theft (2 days × 4,360).
		expect(await first.getAttribute('data-bar')).toBe('Violence and sexual offences');
		const violence = street.byCategory.get('Violence and sexual offences')!;
		expect(Number(await first.getAttribute('data-value'))).toBeCloseTo(violence * 194.21, 6);
		expect(await page.locator('#categories svg [data-bar="Drugs"]').textContent()).toContain('excluded');
	});

	it('raised no console errors and made no request off 127.0.0.1; the CSP header is set', async () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => new URL(u).hostname === '127.0.0.1')).toBe(true);
		expect(cspHeader).toContain("default-src 'self'");
		expect(cspHeader).toContain("connect-src 'self'");
	});
});

describe('source hygiene', () => {
	it('never renders HTML from strings ({@html} appears nowhere in web/)', () => {
		const offenders: string[] = [];
		const walk = (dir: string) => {
			for (const name of readdirSync(dir)) {
				const path = join(dir, name);
				if (statSync(path).isDirectory()) walk(path);
				else if (/\.(svelte|ts|html)$/.test(name) && !path.endsWith('overview.test.ts') && readFileSync(path, 'utf8').includes('{@html')) {
					offenders.push(path);
				}
			}
		};
		walk('web');
		expect(offenders).toEqual([]);
	});
});
