/**
 * Walking through the product as its users, in headless Chromium against the built app and the
 * shipped sample: what a crime analyst, a neighbourhood inspector and an ethics panel member read.
 *
 * - Forecast page and briefing (Lancashire anti-social behaviour 2022, per district): the monthly
 *   forecast by area says plainly when it is not better than last month's count, and the briefing
 *   says the same as the page; the figures shown equal analytics/forecast run here over native
 *   DuckDB on the same extract, and the district forecast equals December's counts by SQL.
 * - Stop and search (City of London): a caveat about one figure reads "Place: text", and the
 *   plain sentences under the find rates never print a bare dash where an interval does not apply.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sharedPage, waitForApp } from './browser';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract } from '../../scripts/lib/load-input';
import { forecastStreetAreas } from '../lib/forecast/demand';
import { streetBaselineVerdict } from '../lib/forecast/verdicts';

const baseUrl = inject('baseUrl');
const dataRoot = inject('dataRoot');
const shared = sharedPage();
let lancashire: NodeRunner;

beforeAll(async () => {
	lancashire = await createNodeRunner();
	await loadExtract(lancashire, join(dataRoot, 'lancashire-asb'));
}, 120_000);

afterAll(() => lancashire?.close());

const text = async (selector: string) => ((await shared.page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('Forecast by area: is it better than last month’s count?', () => {
	it('per district, the page names the method as last month’s count and says it is no better', async () => {
		const native = (await forecastStreetAreas(lancashire, undefined, 'district'))!;
		expect(native.method).toBe('seasonal-naive');
		const december = await lancashire.rows<{ d: string; n: number }>(
			"SELECT district_id AS d, count(*)::INTEGER AS n FROM incidents WHERE month = '2022-12' AND district_id IS NOT NULL GROUP BY 1"
		);
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=lancashire-asb&street_level=district`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="street-areas"][data-state="ready"][data-level="district"]').waitFor({ timeout: 60_000 });
		expect(await text('[data-testid="street-method"]')).toBe("Last month's count (seasonal naive)");
		const verdict = await text('[data-testid="street-verdict"]');
		expect(verdict).toBe(streetBaselineVerdict(native));
		expect(verdict).toMatch(/^Not better than last month's count/);
		// The table's Expected equals its Last month column, and both equal December's records by SQL.
		const rows = await page.$$eval('[data-testid="street-areas-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ id: tr.getAttribute('data-area')!, expected: Number(tr.querySelector('[data-expected]')!.getAttribute('data-expected')), last: Number(tr.lastElementChild!.textContent) }))
		);
		expect(rows).toHaveLength(14);
		for (const r of rows) {
			expect(r.expected).toBe(r.last);
			expect(r.expected).toBe(Number(december.find((d) => String(d.d) === r.id)!.n));
		}
	});

	it('per LSOA, the sentence sets the chosen method’s MASE beside last month’s count', async () => {
		const native = (await forecastStreetAreas(lancashire, undefined, 'lsoa'))!;
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=lancashire-asb&street_level=lsoa`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="street-areas"][data-state="ready"][data-level="lsoa"]').waitFor({ timeout: 60_000 });
		expect(await text('[data-testid="street-verdict"]')).toBe(streetBaselineVerdict(native));
		expect(await text('[data-testid="street-verdict"]')).toMatch(/^MASE \d+\.\d% below last month's count in the backtest/);
	});

	it('the briefing over the districts says the same as the Forecast page', async () => {
		const native = (await forecastStreetAreas(lancashire, '2022-12', 'district'))!;
		const page = shared.page;
		await page.goto(`${baseUrl}/briefing?source=lancashire-asb&unit=district&month=2022-12`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="briefing"][data-state="ready"]').waitFor({ timeout: 120_000 });
		expect(await text('[data-testid="briefing-forecast"]')).toContain("(Last month's count (seasonal naive), trained on Jan 2022–Dec 2022");
		expect(await text('[data-testid="briefing-forecast-verdict"]')).toBe(streetBaselineVerdict(native));
	});
});

describe('Stop and search: plain statements for the ethics panel', () => {
	it('caveats about one figure read "Place: text", and no sentence prints a bare dash for an interval', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/stop-search?source=city-of-london`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
		await page.locator('[data-testid="stop-search-caveats"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const placed = await page.$$eval('[data-testid="stop-search-caveats"] li:has(em)', (lis) => lis.map((li) => li.textContent ?? ''));
		expect(placed.length).toBeGreaterThan(0);
		for (const t of placed) expect(t).toMatch(/^(Serious|Warning|Note): [^:]+: \S/);
		// Black residents of the City: fewer than the searches of Black people, so no risk-ratio interval.
		const black = page.locator('[data-testid="ss-rates-table"] tbody tr[data-group="Black"]');
		expect(Number(await black.getAttribute('data-searches'))).toBeGreaterThanOrEqual(Number(await black.getAttribute('data-residents')));
		const sentences = await page.$$eval('[data-testid="ss-comparisons"] li', (lis) => lis.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ')));
		expect(sentences).toHaveLength(4);
		for (const s of sentences) expect(s).not.toContain('interval —');
		expect(sentences.find((s) => s.startsWith('Black:'))).toMatch(/per resident as White people \(no 95% interval: at least as many searches as residents in a group/);
	});
});
