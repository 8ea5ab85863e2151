/**
 * Walking through the product as its users, in headless Chromium against the built app and the
 * shipped sample: what a crime analyst, a neighbourhood inspector and an ethics panel member read.
 *
 * - Forecast page and briefing (Lancashire anti-social behaviour 2022, per district): the monthly
 *   forecast by area says plainly when it is not better than last month's count, and the briefing
 *   says the same as the page; the figures shown equal analytics/forecast run here over native
 *   DuckDB on the same extract, and the district forecast equals December's counts by SQL.
 * - Staffing (Chicago): the summary explains each step from officers free for incidents to
 *   officers on duty to officers rostered, with totals equal to the table's columns.
 * - The same forecast covers the force area only (City of London: its 6 LSOAs, not the 90-odd
 *   LSOAs around it where some records are located), on the page and in the briefing.
 * - Stop and search (City of London): a caveat about one figure reads "Place: text", and the
 *   plain sentences under the find rates never print a bare dash where an interval does not apply.
 * - Figures of 1,000 or more carry thousands separators (the City's 403 searches of Black people
 *   over 233 residents: 1,729.6 per 1,000), and the time a forecast took reads "1,473 ms".
 * - The model card on the page and in its Markdown carry the Stop and search page's table (with
 *   residents, intervals "1.39 to 1.68"), and no page writes "origin(s)".
 * - Chicago has no street records: its Forecast page says so once, without an LSOA note about H3
 *   hexagons the forecast by area does not use.
 * - Exceptions (City of London): every p and q reads "< 0.001" or a plain decimal, never e-notation,
 *   the CSV's figure in the cell's title and data-value.
 * - Priorities (Lancashire, data from January 2022): the months the score reads are those with data,
 *   in words, and the page says its 15-month look-back starts before the data; warnings name months in words.
 * - Overview (City of London): the force area's records (16,064) and its 6 LSOAs head the page, the
 *   971 records located outside it and the 1,171 with no location are counted apart, by SQL over the
 *   extract; Priorities scores the same 6 LSOAs.
 */
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, inject, it } from 'vitest';
import { parseCount, sharedPage, waitForApp } from './browser';
import { openExtract, sharedExtract } from './extract-runner';
import { forecastStreetAreas } from '../lib/forecast/demand';
import { streetBaselineVerdict, streetLevelsNote } from '../lib/forecast/verdicts';
import { formatCount, formatMetric } from '../lib/charts/format';
import { readableProbability } from '../../analytics/exceptions/export';
import { readFileSync } from 'node:fs';
import type { Download } from 'playwright-core';

const baseUrl = inject('baseUrl');
const shared = sharedPage();
const lancashire = sharedExtract('lancashire-asb');

/** Every word of a PDF, as pdfjs reads it, pages joined. */
async function pdfText(bytes: Buffer): Promise<string> {
	const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
	const pages: string[] = [];
	for (let p = 1; p <= doc.numPages; p++) pages.push((await (await doc.getPage(p)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' '));
	await doc.destroy();
	return pages.join(' ').replace(/\s+/g, ' ');
}

const text = async (selector: string) => ((await shared.page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('Forecast by area: is it better than last month’s count?', () => {
	it('per district, the page names the method as last month’s count and says it is no better', async () => {
		const native = (await forecastStreetAreas(lancashire.runner, undefined, 'district'))!;
		expect(native.method).toBe('seasonal-naive');
		const december = await lancashire.runner.rows<{ d: string; n: number }>(
			"SELECT district_id AS d, count(*)::INTEGER AS n FROM incidents WHERE month = '2022-12' AND district_id IS NOT NULL AND in_force_area IS NOT false GROUP BY 1"
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
			trs.map((tr) => ({ id: tr.getAttribute('data-area')!, expected: Number(tr.querySelector('[data-expected]')!.getAttribute('data-expected')), last: Number(tr.lastElementChild!.textContent!.replace(/,/g, '')) }))
		);
		expect(rows).toHaveLength(14);
		for (const r of rows) {
			expect(r.expected).toBe(r.last);
			expect(r.expected).toBe(Number(december.find((d) => String(d.d) === r.id)!.n));
		}
	});

	it('per LSOA, the sentence sets the chosen method’s MASE beside last month’s count', async () => {
		const native = (await forecastStreetAreas(lancashire.runner, undefined, 'lsoa'))!;
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=lancashire-asb&street_level=lsoa`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="street-areas"][data-state="ready"][data-level="lsoa"]').waitFor({ timeout: 60_000 });
		expect(await text('[data-testid="street-verdict"]')).toBe(streetBaselineVerdict(native));
		expect(await text('[data-testid="street-verdict"]')).toMatch(/^Better than last month's count in the backtest: its error \(MASE\) is \d+\.\d% lower/);
	});

	it('the briefing over the districts says the same as the Forecast page', async () => {
		const native = (await forecastStreetAreas(lancashire.runner, '2022-12', 'district'))!;
		const page = shared.page;
		await page.goto(`${baseUrl}/briefing?source=lancashire-asb&unit=district&month=2022-12`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="briefing"][data-state="ready"]').waitFor({ timeout: 120_000 });
		expect(await text('[data-testid="briefing-forecast"]')).toContain("(Last month's count (seasonal naive), trained on January–December 2022");
		expect(await text('[data-testid="briefing-forecast-verdict"]')).toBe(streetBaselineVerdict(native));
	});
});

describe('Staffing in plain words (Chicago aggravated assaults)', () => {
	it('the summary walks from officers free for incidents to on duty to rostered, each total equal to its column in the table, and names the busiest hour', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=chicago-assaults`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="forecast"][data-state="ready"] [data-testid="staffing-summary"]').waitFor({ timeout: 90_000 });
		const rows = await page.$$eval('[data-testid="staffing-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ hour: tr.querySelector('th')!.textContent!.trim(), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()) }))
		);
		expect(rows).toHaveLength(168);
		// Columns: incidents, minutes, load, free for dispatch, on duty, rostered, P(wait).
		const cellFigure = (cell: string) => Number(cell.replace(/,/g, ''));
		const sum = (col: number) => rows.reduce((s, r) => s + cellFigure(r.cells[col]), 0);
		const peak = Math.max(...rows.map((r) => cellFigure(r.cells[5])));
		const figure = async (id: string) => ((await page.locator(`[data-testid="${id}"]`).textContent()) ?? '').trim();
		const grouped = (n: number) => n.toLocaleString('en-GB');
		expect(sum(5)).toBeGreaterThan(999);
		expect(await figure('staffing-available-total')).toBe(grouped(sum(3)));
		expect(await figure('staffing-onduty-total')).toBe(grouped(sum(4)));
		expect(await figure('staffing-rostered-total')).toBe(grouped(sum(5)));
		expect(await figure('staffing-peak')).toBe(grouped(peak));
		expect(await figure('staffing-peak-hour')).toBe(rows.find((r) => cellFigure(r.cells[5]) === peak)!.hour);
		const steps = await text('[data-testid="staffing-steps"]');
		expect(steps).toContain('officer-hours free to be sent to incidents; since an officer on duty is free for 7.0 of every 10.0 hours of a shift');
		expect(steps).toContain('and since 30.0% of rostered time is lost to leave, sickness and training');
	});
});

describe('Forecast by area covers the force area only', () => {
	it('City of London: the Forecast page and the briefing list only the 6 LSOAs of the force area; the model card reports the same forecast', async () => {
		const city = await openExtract('city-of-london');
		try {
			const inside = (await city.rows<{ a: string }>('SELECT DISTINCT lsoa_code AS a FROM incidents WHERE in_force_area ORDER BY 1')).map((r) => r.a);
			const outside = await city.rows<{ n: number }>('SELECT count(DISTINCT lsoa_code)::INTEGER AS n FROM incidents WHERE NOT in_force_area');
			expect(inside).toEqual(['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740']);
			expect(outside[0].n).toBeGreaterThan(0);
			const page = shared.page;
			await page.goto(`${baseUrl}/forecast?source=city-of-london`);
			await waitForApp(page, 60_000);
			await page.locator('[data-testid="street-areas"][data-state="ready"] [data-testid="street-method"]').waitFor({ timeout: 60_000 });
			expect(await text('[data-testid="street-description"]')).toContain('in each of 6 LSOAs of the force area (City of London;');
			const shown = await page.$$eval('[data-testid="street-areas-table"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-area')!));
			expect(shown.toSorted()).toEqual(inside);
			await page.goto(`${baseUrl}/briefing?source=city-of-london&from=2019-06&to=2019-11`);
			await waitForApp(page, 60_000);
			await page.locator('[data-testid="briefing"][data-state="ready"]').waitFor({ timeout: 120_000 });
			expect(await text('[data-testid="briefing-forecast"]')).toContain('over 6 LSOAs');
			const listed = await page.$$eval('[data-testid="briefing-forecast-table"] tbody th', (ths) => ths.map((th) => th.textContent!.trim()));
			// The briefing lists the 5 areas with the most expected records, all of them in the force area.
			expect(listed).toHaveLength(5);
			for (const a of listed) expect(inside).toContain(a);
			// The model card says the same of it as the Forecast page.
			const native = (await forecastStreetAreas(city))!;
			await page.goto(`${baseUrl}/model?source=city-of-london`);
			await waitForApp(page, 60_000);
			await page.locator('[data-testid="card-other-monthly"][data-state="ready"]').waitFor({ timeout: 120_000 });
			expect(await page.locator('[data-testid="card-other-monthly-method"]').getAttribute('data-method')).toBe(native.method);
			expect(await text('[data-testid="card-other-monthly"]')).toContain('6 LSOAs of the force area (City of London)');
			expect(await text('[data-testid="card-other-monthly-verdict"]')).toBe(streetBaselineVerdict(native));
		} finally {
			city.close();
		}
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
		// The City's residents are no fit denominator, so no sentence states a ratio per resident; the find rates are compared.
		expect(sentences.find((s) => s.startsWith('Black:'))).toMatch(/^Black: no ratio against White per resident here \(residents are not the people searched, see above\); searches found what was looked for /);
	});

	it('each count that opens its records is announced with the count it shows, in the singular for one', async () => {
		const labels = await shared.page.$$eval('[data-testid="stop-search-page"] button[aria-label^="Show the "]', (bs) =>
			bs.map((b) => ({ label: b.getAttribute('aria-label')!, shown: (b.textContent ?? '').trim() }))
		);
		expect(labels.length).toBeGreaterThan(100);
		const ones = labels.filter((l) => l.shown === '1');
		expect(ones.length).toBeGreaterThan(0);
		for (const l of ones) expect(l.label).toMatch(/^Show the 1 (record|find|arrest|possession-only drug search)\b(?!s)/);
		for (const l of labels) expect(l.label.startsWith(`Show the ${l.shown} `)).toBe(true);
	});
});

describe('Printing: every chart with its table', () => {
	it('the Overview prints each chart’s data table, closed on screen, with the figures the screen has', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/?source=city-of-london`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="trend"][data-state="ready"]').waitFor({ timeout: 60_000 });
		await page.waitForFunction(() => document.querySelectorAll('[data-testid$="-table-details"] table tbody tr').length > 0, null, { timeout: 60_000 });
		const closed = await page.$$eval('.chart-card > details.table-details', (ds) => ds.map((d) => ({ open: (d as HTMLDetailsElement).open, caption: d.querySelector('caption')?.textContent?.trim() ?? '', first: [...(d.querySelector('tbody tr')?.children ?? [])].map((c) => c.textContent?.trim() ?? '').join(' ') })));
		expect(closed.length).toBeGreaterThanOrEqual(2);
		for (const c of closed) expect(c.open).toBe(false);
		await page.emulateMedia({ media: 'print' });
		const printed = await pdfText(await page.pdf({ format: 'A4', printBackground: true }));
		await page.emulateMedia({ media: 'screen' });
		for (const c of closed) {
			expect(printed).toContain(c.caption);
			// The table's first row prints (words and figures as on screen).
			for (const word of c.first.split(' ').slice(0, 4)) expect(printed).toContain(word);
		}
	});
});

describe('Plain figures and one wording on every page', () => {
	it('Stop and search (City of London): a rate above 1,000 per 1,000 residents has its separator', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/stop-search?source=city-of-london`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const black = page.locator('[data-testid="ss-rates-table"] tbody tr[data-group="Black"]');
		const searches = Number(await black.getAttribute('data-searches'));
		const residents = Number(await black.getAttribute('data-residents'));
		// 403 searches of 233 residents (Census 2021 TS021): 1,729.6 per 1,000.
		expect([searches, residents]).toEqual([403, 233]);
		expect((await black.locator('[data-col="rate"]').textContent())!.trim()).toBe(formatMetric((searches / residents) * 1000, 1));
		expect((await black.locator('[data-col="rate"]').textContent())!.trim()).toBe('1,729.6');
	});

	it('the model card (page and Markdown) carries the Stop and search page’s table: residents, intervals "lo to hi"', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/model?source=city-of-london`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="card-stop-search"][data-state="ready"]').waitFor({ timeout: 120_000 });
		const header = await page.$$eval('[data-testid="card-stop-search-table"] thead th', (ths) => ths.map((th) => th.textContent!.trim()));
		expect(header).toEqual(['Group', 'Searches', 'Residents', 'Per 1,000 residents', 'Ratio to White', '95% interval', 'Find rate', '95% interval', 'Arrest rate']);
		const rows = await page.$$eval('[data-testid="card-stop-search-table"] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim())));
		// Asian: 432 searches of people (the files' 434 less 2 of a vehicle only), 1,447 residents; ratio to White 1.52 with its
		// Katz interval, as the Stop and search page writes it (worked in web/lib/thr/model-card.test.ts).
		expect(rows.find((r) => r[0] === 'Asian')!.slice(0, 6)).toEqual(['Asian', '432', '1,447', '298.5', '1.52', '1.38 to 1.67']);
		const [download] = (await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-md"]').click()])) as [Download, void];
		const md = readFileSync((await download.path())!, 'utf8');
		expect(md).toContain(`| ${header.join(' | ')} |`);
		for (const r of rows) expect(md).toContain(`| ${r.join(' | ')} |`);
		expect(md).not.toMatch(/\(s\)/);
		expect(await page.locator('main').textContent()).not.toMatch(/\w\(s\)/);
	});

	it('Lancashire: the forecast by area names its forecast origins in words, and the time it took with separators', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=lancashire-asb&street_level=lsoa`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="street-areas"][data-state="ready"][data-level="lsoa"]').waitFor({ timeout: 60_000 });
		const description = await text('[data-testid="street-description"]');
		expect(description).not.toContain('(s)');
		const native = (await forecastStreetAreas(lancashire.runner, undefined, 'lsoa'))!;
		expect(description).toContain(`(${native.choice.reason})`);
		if (!native.choice.reason.includes('tied with')) expect(native.choice.reason).toMatch(/ over \d+ forecast origins?$/);
		// One figure, one precision: the MASE in the description is the one the verdict below gives.
		const mase = formatMetric(native.scores.find((x) => x.method === native.method)!.mase, 3);
		expect(description).toContain(`backtest MASE ${mase},`);
		expect(await text('[data-testid="street-verdict"]')).toContain(`(${mase} against `);
		expect(description).toMatch(/from Jan 2022 to Dec 2022\./);
	});

	it('Chicago: the Forecast page says once, and truly, that there is no monthly forecast by area', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=chicago-assaults`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="forecast"][data-state="ready"]').waitFor({ timeout: 120_000 });
		const none = page.locator('[data-testid="street-areas"] [data-testid="no-street-areas"]');
		await none.waitFor({ timeout: 60_000 });
		expect((await none.textContent())!.replace(/\s+/g, ' ').trim()).toBe(`${streetLevelsNote([], '', true)} Open the Accuracy page.`);
		expect(await page.locator('[data-testid="no-lsoa-note"]').count()).toBe(0);
		const panel = (await page.locator('[data-testid="street-areas"]').textContent())!;
		expect(panel).not.toContain("the areas here are the Map's H3 hexagons");
		expect(panel).not.toContain('no street records with an area to forecast');
		// The hourly forecast's time taken, with separators for a thousand milliseconds or more.
		const why = await text('[data-testid="forecast-choice-reason"]');
		expect(why).not.toContain('(s)');
		expect(why).toMatch(/ over \d+ forecast origins?\b/);
		const took = await text('[data-testid="forecast-elapsed"]');
		expect(took).toMatch(/^Computed in (\d{1,3}(,\d{3})*) ms\./);
	});
});

describe('Fairness for the ethics panel', () => {
	it('Lancashire (built without IMD deciles or populations): one sentence says why there are no fairness figures, not tables of empty groups', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/model?source=lancashire-asb`);
		await waitForApp(page, 60_000);
		const fairness = page.locator('[data-testid="fairness"]');
		await fairness.waitFor({ timeout: 120_000 });
		// Built with --no-areas: its areas table has no LSOA, so no decile and no population.
		const known = await lancashire.runner.rows<{ n: number }>('SELECT (count(imd_decile) + count(population))::INTEGER AS n FROM areas');
		expect(known[0].n).toBe(0);
		expect((await fairness.locator('[data-testid="fairness-unavailable"]').textContent())!.trim()).toMatch(/^No fairness figures by deprivation or population: none of the 941 scored areas have an IMD 2019 decile/);
		expect(await fairness.locator('table').count()).toBe(0);
	});
});

describe('Accuracy page wording (City of London)', () => {
	it('names methods inside sentences without breaking an acronym, and counts areas in the singular for one', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/accuracy?source=city-of-london`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="hotspot-window"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const main = (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
		expect(main).not.toContain('tHR');
		expect(main).not.toMatch(/\b1 areas\b/);
		// 5% of the City's 6 LSOAs is one LSOA: the summary of the areas picked says so in the singular, with the month in words.
		expect(await text('[data-testid="hs-picks-summary"]')).toMatch(/^The 1 area blended recent and long-run rates \(empirical Bayes\) picks for Dec 2019$/);
	});
});

describe('Data page wording', () => {
	it('Lancashire, built from one file: "1 file", not "1 files"', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/data?source=lancashire-asb`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="total-rows-in"]').waitFor({ timeout: 60_000 });
		const main = (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
		expect(main).toContain('1 file (month-incidents).');
		expect(main).toContain('Total (1 file)');
		expect(main).not.toMatch(/\b1 files\b/);
	});
});

describe('Exceptions: p and q in one plain style (City of London)', () => {
	it('every p and q reads "< 0.001" or a plain decimal, never e-notation, with the CSV’s figure in the cell', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/exceptions?source=city-of-london`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="exceptions"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const cells = await page.$$eval('[data-testid="exception-row"] [data-col="p"], [data-testid="exception-row"] [data-col="q"]', (tds) =>
			tds.map((td) => ({ text: td.textContent!.trim(), value: td.getAttribute('data-value')!, title: td.getAttribute('title')! }))
		);
		// The default period (September–November 2019) lists exceptions whose p are far below 0.001.
		expect(cells.length).toBeGreaterThan(0);
		expect(cells.some((c) => c.text === '< 0.001')).toBe(true);
		for (const c of cells) {
			expect(c.text).toMatch(/^(< 0\.001|0\.\d+|1)$/);
			expect(c.text).toBe(readableProbability(Number(c.value)));
			expect(c.title).toMatch(/^[pq] = (0\.\d+|1)$/);
			expect(Number(c.title.slice(4))).toBe(Number(c.value));
		}
	});
});

describe('Priorities: the period the score reads, in words (Lancashire)', () => {
	it('names the months with data, and says the look-back reaches before the data', async () => {
		const [range] = await lancashire.runner.rows<{ first: string; last: string }>('SELECT min(month) AS first, max(month) AS last FROM incidents');
		expect([range.first, range.last]).toEqual(['2022-01', '2022-12']);
		const page = shared.page;
		await page.goto(`${baseUrl}/priorities?source=lancashire-asb`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const scope = page.locator('[data-testid="force-scope"]');
		// thr-v3's longest window is 15 months (Threat: 3 recent + 12 baseline), so December 2022 looks back to October 2021.
		expect(await scope.getAttribute('data-from')).toBe('2021-10');
		expect(await scope.getAttribute('data-read-from')).toBe(range.first);
		const words = await text('[data-testid="force-scope"]');
		expect(words).toContain(
			'the 12 months with data the score reads (January–December 2022; its 15-month look-back starts in October 2021, but the data has no records before January 2022)'
		);
		expect(words).not.toMatch(/15 months the score reads|Oct 2021/);
		// Threat's baseline is the 12 months before the last 3; the data covers January–September 2022 of it.
		const warnings = (await page.locator('[data-testid="score-warning"]').allTextContents()).map((w) => w.replace(/\s+/g, ' ').trim());
		expect(warnings).toContain('Threat (credible rise) compares the last 3 months with the 9 baseline months that have data (January–September 2022), not 12');
		for (const w of warnings) expect(w).not.toMatch(/\d{4}-\d{2}/);
	});

	it('the briefing’s caveats carry the same warning in words', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/briefing?source=lancashire-asb`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="briefing"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const caveats = (await page.locator('[data-testid="briefing-caveats"] li').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
		// As a sentence: the scoring warning ends without a full stop, the briefing adds one.
		expect(caveats).toContain('Threat (credible rise) compares the last 3 months with the 9 baseline months that have data (January–September 2022), not 12.');
		for (const c of caveats) expect(c).not.toMatch(/\d{4}-\d{2}…/);
	});
});

describe('Overview and Priorities agree on the force area (City of London)', () => {
	it('the Overview heads with the force area’s records and LSOAs, counts those outside apart, and Priorities scores those LSOAs', async () => {
		const city = await openExtract('city-of-london');
		try {
			const [n] = await city.rows<{ records: number; inside: number; outside: number; unplaced: number; lsoas: number; inside_lsoas: number }>(
				`SELECT count(*)::INTEGER AS records, count(*) FILTER (WHERE in_force_area)::INTEGER AS inside,
					count(*) FILTER (WHERE NOT in_force_area)::INTEGER AS outside, count(*) FILTER (WHERE in_force_area IS NULL)::INTEGER AS unplaced,
					count(DISTINCT lsoa_code)::INTEGER AS lsoas, (SELECT count(*) FROM force_area)::INTEGER AS inside_lsoas FROM incidents`
			);
			// The README's figures: 16,064 inside, 971 located outside, 1,171 without a location; the City's 6 LSOAs.
			expect(n).toEqual({ records: 18206, inside: 16064, outside: 971, unplaced: 1171, lsoas: 97, inside_lsoas: 6 });
			const page = shared.page;
			await page.goto(`${baseUrl}/?source=city-of-london`);
			await waitForApp(page, 60_000);
			await page.locator('[data-testid="force-area-figure"]').waitFor({ timeout: 60_000 });
			expect(parseCount(await text('[data-testid="records"]'))).toBe(n.records);
			expect(parseCount(await text('[data-testid="records-inside"]'))).toBe(n.inside);
			expect(parseCount(await text('[data-testid="records-outside"]'))).toBe(n.outside);
			expect(parseCount(await text('[data-testid="records-unplaced"]'))).toBe(n.unplaced);
			expect(parseCount(await text('[data-testid="force-area-lsoas"]'))).toBe(n.inside_lsoas);
			expect(parseCount(await text('[data-testid="lsoas"]'))).toBe(n.lsoas);
			const figure = await text('[data-testid="force-area-figure"]');
			expect(figure).toContain(`of the ${formatCount(n.records)} records are located in the force area, City of London`);
			expect(figure).toContain('located just outside it');
			expect(await page.locator('[data-testid="force-area-figure"] a').getAttribute('href')).toMatch(/\/data\?source=city-of-london#outside$/);
			// Priorities scores the same 6 LSOAs.
			await page.goto(`${baseUrl}/priorities?source=city-of-london`);
			await waitForApp(page, 60_000);
			await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 180_000 });
			expect(Number(await page.locator('[data-testid="force-scope"]').getAttribute('data-scored'))).toBe(n.inside_lsoas);
		} finally {
			city.close();
		}
	});
});
