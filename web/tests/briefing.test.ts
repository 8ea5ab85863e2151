/**
 * The tasking briefing (/briefing) and the print stylesheet, checked on the PDF Chromium prints
 * (page.pdf, A4, as "Save as PDF" in the print dialog makes it), read back with pdfjs-dist:
 * every page carries the protective marking; no page holds the label of a button or the text of
 * a select's option that the screen shows (collected from the page first); every table of the
 * briefing starts and ends on the same page; the title, period, comparison, categories by name,
 * the map's scale bar and north arrow, a recorded review decision, the attribution and the link
 * that reproduces the briefing are printed. The figures of "What changed" are checked against
 * the raw police.uk CSVs' counts through native DuckDB. Another page (Priorities) prints with no
 * header menu and no buttons, its table within the printed page's width, each row whole on one
 * page and the header row repeated on every page the table runs over.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { drawnWords as drawnPng, launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { appendReview } from '../../analytics/review';
import { createNodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract, loadInput } from '../../scripts/lib/load-input';
import { formatCount } from '../lib/charts/format';
import { policeFoundCaveat } from '../lib/briefing/captions';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');

/** A4 at 96 CSS px per inch less the 12 mm side margins of @page (app.css): 186 mm. */
const PRINTED_WIDTH_PX = Math.floor((186 / 25.4) * 96);

let browser: TestBrowser;
let page: Page;

/** Text of each page of a PDF, as pdfjs reads it, items joined by spaces. */
async function pdfPages(bytes: Buffer): Promise<string[]> {
	const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
	const pages: string[] = [];
	for (let p = 1; p <= doc.numPages; p++) {
		const content = await (await doc.getPage(p)).getTextContent();
		pages.push(content.items.map((i) => ('str' in i ? i.str : '')).join(' '));
	}
	await doc.destroy();
	return pages;
}

/** Text without any white space (a PDF breaks lines and splits runs where the page did). */
const squash = (s: string) => s.replace(/\s+/g, '');

/** Pages (1-based) whose text contains `text`, white space ignored. */
function pagesWith(pages: readonly string[], text: string): number[] {
	const t = squash(text);
	return pages.flatMap((p, i) => (squash(p).includes(t) ? [i + 1] : []));
}

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage();
});

afterAll(async () => {
	await browser?.close();
});

describe('briefing pack', () => {
	const reason = 'Seen at the last tasking meeting: night-time thefts around the station';
	let pdf: string[];
	let url: string;
	let topArea: string;

	it('assembles the briefing for the filters in the URL', async () => {
		// A review decision recorded before (hash-chained like the app records it), shown beside its area.
		const reviewMonth = '2019-05';
		await page.goto(`${baseUrl}/priorities?month=${reviewMonth}`);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="priorities"][data-state="ready"]', { timeout: 90_000 });
		topArea = (await page.getAttribute('[data-testid="priorities-table"] tbody tr[data-rank="1"]', 'data-area'))!;
		const log = await appendReview([], {
			area_id: topArea,
			month: reviewMonth,
			decision: 'raise',
			reason,
			reviewer: 'PS 1234',
			model_id: 'thr',
			model_version: '3.0.0'
		});
		await page.evaluate((entries) => {
			localStorage.setItem('clearsight:review-log:v1', JSON.stringify(entries));
			const last = entries[entries.length - 1];
			localStorage.setItem('clearsight:review-head:v1', JSON.stringify({ seq: last.seq, hash: last.hash }));
		}, log);

		const params = new URLSearchParams({ ds: 'incidents', from: '2019-03', to: '2019-05', compare: 'last-year', marking: 'OFFICIAL-SENSITIVE', title: 'Sector 2 tasking briefing', month: reviewMonth });
		params.append('cat', 'Other theft');
		params.append('cat', 'Theft from the person');
		url = `${baseUrl}/briefing?${params}`;
		await page.goto(url);
		await waitForApp(page);
		// While any section is still working, the print button says to wait (read in one step with the state).
		await page.waitForSelector('[data-testid="briefing"]', { state: 'attached', timeout: 60_000 });
		const early = await page.evaluate(() => ({
			state: document.querySelector('[data-testid="briefing"]')?.getAttribute('data-state'),
			status: document.querySelector('[data-testid="print-status"]')?.textContent?.trim() ?? null
		}));
		expect(early.status).not.toBeNull();
		if (early.state !== 'ready') expect(early.status).toMatch(/^Still gathering the sections/);
		await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
		await page.waitForSelector('[data-testid="briefing-map"][data-state="ready"] svg [data-testid="scale-bar"]', { timeout: 60_000 });
		expect((await page.textContent('[data-testid="print-status"]'))?.trim()).toBe('');

		expect(await page.textContent('[data-testid="briefing-title"]')).toBe('Sector 2 tasking briefing');
		expect(await page.textContent('[data-testid="briefing-period"]')).toBe('March–May 2019 (3 months)');
		expect((await page.textContent('[data-testid="briefing-comparison"]'))?.trim()).toBe('Same period last year: March–May 2019 against March–May 2018');
		expect(await page.textContent('[data-testid="briefing-categories"]')).toBe('Crime type: Other theft, Theft from the person');
		expect(await page.textContent(`[data-testid="briefing-priorities"] tr[data-area="${topArea}"] [data-col="review"]`)).toContain(reason);
		// The forecast is for the month after the briefing's assessment month (trained up to May 2019), not after the data (November 2019).
		expect(await page.textContent('[data-testid="briefing-forecast"]')).toContain('Street records expected in June 2019');
		expect(await page.textContent('[data-testid="briefing-forecast-table"] caption')).toContain('June 2019');
	});

	it('counts what changed as the raw police.uk files do', async () => {
		const runner = await createNodeRunner();
		try {
			await loadInput(runner, [dataDir], { datasets: ['incidents'] });
			const count = async (from: string, to: string, cat?: string) => {
				const [r] = await runner.rows<{ n: number }>(
					`SELECT count(*)::INTEGER AS n FROM incidents WHERE month BETWEEN ? AND ? AND category IN ('Other theft', 'Theft from the person') ${cat ? 'AND category = ?' : ''}`,
					cat ? [from, to, cat] : [from, to]
				);
				return Number(r.n);
			};
			const rows = await page.$$eval('[data-testid="briefing-change-table"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')));
			expect(rows[0][0]).toBe('All records under the filters');
			const now = await count('2019-03', '2019-05');
			const before = await count('2018-03', '2018-05');
			expect(parseCount(rows[0][1])).toBe(now);
			expect(parseCount(rows[0][2])).toBe(before);
			expect(rows[0][3]).toBe(`${now - before > 0 ? '+' : '−'}${Math.abs(now - before).toLocaleString('en-GB')}`);
			// Written as the Map, Time and Overview comparison tables write the same ratio (no "×").
			expect(rows[0][4]).toBe((now / before).toFixed(2));
			for (const r of rows.slice(1)) {
				expect(parseCount(r[1])).toBe(await count('2019-03', '2019-05', r[0]));
				expect(parseCount(r[2])).toBe(await count('2018-03', '2018-05', r[0]));
			}
			expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(['Other theft', 'Theft from the person']);
		} finally {
			await runner.close();
		}
	});

	it('prints to an A4 PDF whose every page carries the marking, with no control and no split table', async () => {
		// Everything the screen shows as a control: button labels and select options.
		const controls = await page.evaluate(() => {
			const texts = new Set<string>();
			for (const b of document.querySelectorAll('button')) if (b.textContent?.trim()) texts.add(b.textContent.trim().replace(/\s+/g, ' '));
			for (const o of document.querySelectorAll('select option')) if (o.textContent?.trim()) texts.add(o.textContent.trim().replace(/\s+/g, ' '));
			return [...texts];
		});
		expect(controls).toContain('Print or save as PDF');
		expect(controls.length).toBeGreaterThan(20); // the filter bar's months and datasets, the briefing's settings

		// On paper no control is laid out at all.
		await page.emulateMedia({ media: 'print' });
		const shown = await page.evaluate(() =>
			[...document.querySelectorAll('button, select, input, textarea, nav, summary, .skip-link')].filter((e) => e.checkVisibility()).map((e) => e.outerHTML.slice(0, 80))
		);
		expect(shown).toEqual([]);
		// Text a control shares with printed content (the marking itself is an option of the marking select).
		const printedText = squash(await page.evaluate(() => document.querySelector('main')!.innerText));
		await page.emulateMedia({ media: null });
		const mustBeAbsent = controls.filter((c) => !printedText.includes(squash(c)));
		expect(mustBeAbsent.length).toBeGreaterThan(20);

		// Each table's caption and its first and last rows as printed (read with the print styles on:
		// a column hidden on paper and text kept for screen readers only are left out).
		await page.emulateMedia({ media: 'print' });
		// Every table and the map within the printed width (a column past it would be cut off).
		await page.setViewportSize({ width: PRINTED_WIDTH_PX, height: 1000 });
		const overflow = await page.$$eval('[data-testid="briefing"] table, [data-testid="briefing-map"] svg', (els) =>
			els.filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map((e) => e.outerHTML.slice(0, 80))
		);
		expect(overflow).toEqual([]);
		await page.setViewportSize({ width: 1280, height: 900 });
		const tables = await page.$$eval('[data-testid="briefing"] table', (ts) =>
			ts.map((t) => {
				const printed = (node: Node): string => {
					if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
					if (!(node instanceof Element) || node.classList.contains('visually-hidden') || !node.checkVisibility()) return '';
					return [...node.childNodes].map(printed).join('');
				};
				const caption = t.querySelector('caption');
				return {
					caption: caption?.textContent?.trim() ?? '',
					captionShown: !!caption && !caption.classList.contains('visually-hidden'),
					first: printed(t.querySelector('tbody tr')!),
					last: printed(t.querySelector('tbody tr:last-child')!)
				};
			})
		);
		await page.emulateMedia({ media: null });
		expect(tables.length).toBeGreaterThanOrEqual(3); // what changed, priorities, forecast
		const scale = await page.textContent('[data-testid="scale-text"]');
		const link = await page.textContent('[data-testid="briefing-link"]');
		const attribution = await page.textContent('[data-testid="briefing-attribution"]');

		const bytes = await page.pdf({ format: 'A4', printBackground: true });
		pdf = await pdfPages(bytes);
		expect(pdf.length).toBeGreaterThan(1);

		// The marking at the top and the bottom of every page.
		pdf.forEach((text, i) => {
			const marks = text.split('OFFICIAL-SENSITIVE').length - 1;
			expect(marks, `page ${i + 1}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(2);
			expect(squash(text)).toContain(squash(`Page ${i + 1} of ${pdf.length}`));
		});

		// No control's text on any page.
		for (const c of mustBeAbsent) expect(pagesWith(pdf, c), `"${c}" printed`).toEqual([]);

		// Each table on one page: its first and last rows (and its caption, when one is shown) together.
		for (const t of tables) {
			const lastAt = pagesWith(pdf, t.last);
			const together = pagesWith(pdf, t.first).filter((p) => lastAt.includes(p));
			expect(together, `first and last rows of "${t.caption}"`).not.toEqual([]);
			if (t.captionShown) {
				const at = pagesWith(pdf, t.caption);
				expect(at, `caption "${t.caption}"`).toHaveLength(1);
				expect(together, `caption of "${t.caption}" with its rows`).toContain(at[0]);
			}
		}

		const all = pdf.join('\n');
		expect(squash(all)).toContain(squash('Sector 2 tasking briefing'));
		expect(squash(all)).toContain(squash('March–May 2019 (3 months)'));
		expect(squash(all)).toContain(squash('March–May 2019 against March–May 2018'));
		expect(squash(all)).toContain(squash('Crime type: Other theft, Theft from the person'));
		expect(squash(all)).toContain(squash(reason));
		expect(squash(all)).toContain(squash(`Scale bar: ${scale}`));
		expect(squash(all)).toContain(squash('North arrow: north is up'));
		expect(squash(all)).toContain('Sources:data.police.uk(OpenGovernmentLicencev3.0)');
		expect(squash(all)).toContain(squash(attribution!));
		expect(squash(link!)).toBe(squash(url));
		expect(squash(all)).toContain(squash(url));
		expect(browser.takeProblems()).toEqual([]);
	});

	it('a source with one year of data (Lancashire): the comparison asked for says why there is none', async () => {
		await page.goto(`${baseUrl}/briefing?source=lancashire-asb&from=2022-10&to=2022-12&compare=last-year`);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
		// What changed shows this period only, and says why (the data starts in January 2022).
		expect(await page.locator('[data-testid="briefing-change-table"] thead th').count()).toBe(2);
		expect(await page.textContent('[data-testid="briefing-change-note"]')).toBe('No comparison: October–December 2021 has no data (the data starts in January 2022).');
		// One category in the data; no "0 years" in the exceptions' words.
		expect(await page.textContent('[data-testid="briefing-categories"]')).toBe('Crime type: all (the data holds one)');
		const exceptionsText = (await page.textContent('[data-testid="briefing-exceptions"]')) ?? '';
		expect(exceptionsText).toContain('against the same months of earlier years (none is in the data)');
		expect(exceptionsText).not.toMatch(/\b0 years\b/);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('a source with no street records (Chicago): the priorities section says why it is empty', async () => {
		await page.goto(`${baseUrl}/briefing?source=chicago-assaults&from=2017-06&to=2017-08&compare=last-year`);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
		const headings = await page.locator('[data-testid="briefing"] h2').allTextContents();
		expect(headings).toContain('Top priority areas');
		expect(await page.textContent('[data-testid="briefing-priorities-none"]')).toMatch(/^\s*Not scored for this data source/);
		expect(await page.textContent('[data-testid="briefing-categories"]')).toBe('Category: all (the data holds one)');
		expect(browser.takeProblems()).toEqual([]);
	});

	it('the marking can be OFFICIAL (the default) or left off', async () => {
		const off = new URL(url);
		off.searchParams.set('marking', 'none');
		await page.goto(off.href);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
		const pages = await pdfPages(await page.pdf({ format: 'A4', printBackground: true }));
		for (const p of pages) expect(p).not.toContain('OFFICIAL');

		off.searchParams.delete('marking');
		await page.goto(off.href);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
		const official = await pdfPages(await page.pdf({ format: 'A4', printBackground: true }));
		for (const p of official) {
			expect(p.split('OFFICIAL').length - 1).toBeGreaterThanOrEqual(2);
			expect(p).not.toContain('OFFICIAL-SENSITIVE');
		}
		// Leaving the briefing leaves no marking on other pages' prints.
		await page.goto(`${baseUrl}/time`);
		await waitForApp(page);
		expect(await page.evaluate(() => document.documentElement.style.getPropertyValue('--cs-marking'))).toBe('');
		expect(browser.takeProblems()).toEqual([]);
	});
});

describe('the briefing as an inspector reads it', () => {
	/** Month names cut short ("Jun 2019"): the briefing names its periods in words. */
	const SHORT_MONTH = /\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec) \d{4}\b/;
	const words = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

	it('City of London, all the data: every figure as SQL counts it over the rows, months in words, police-found records not called demand', async () => {
		const runner = await createNodeRunner();
		try {
			await loadExtract(runner, dataDir);
			const one = async (sql: string, params: string[] = []) => (await runner.rows<Record<string, number | string>>(sql, params))[0];
			const all = await one('SELECT count(*)::INTEGER AS n, min(month) AS first, max(month) AS last FROM incidents');
			expect([all.first, all.last]).toEqual(['2017-12', '2019-11']);
			const found = await runner.rows<{ category: string; n: number }>(
				"SELECT category, count(*)::INTEGER AS n FROM incidents WHERE category IN ('Drugs', 'Possession of weapons') GROUP BY 1"
			);
			const n = (category: string) => Number(found.find((f) => f.category === category)?.n ?? 0);
			// 1,053 Drugs and 141 Possession of weapons of 18,206 records: 1,194, 6.6%.
			expect([n('Drugs'), n('Possession of weapons'), Number(all.n)]).toEqual([1053, 141, 18206]);
			const november = await runner.rows<{ lsoa: string; n: number }>(
				"SELECT lsoa_code AS lsoa, count(*)::INTEGER AS n FROM incidents WHERE month = '2019-11' AND lsoa_code IS NOT NULL AND in_force_area IS NOT false GROUP BY 1"
			);

			await page.goto(`${baseUrl}/briefing?source=city-of-london`);
			await waitForApp(page);
			await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
			// No comparison chosen: the section is the period's records, not "what changed".
			expect(await words('#brief-change')).toBe('Records in the period');
			// Every one of the City's 6 areas is listed: "all 6", not "the 10 highest of 6".
			expect(await words('[data-testid="briefing-priorities"] caption')).toBe('All 6 areas by THR score, November 2019 (thr v3.0.0)');
			// The forecast counts street records (police-found ones too), for December 2019, by a method named by what it does:
			// 24 months with 6 held back leave 18, under the 24 a month-of-year season needs.
			expect(await words('#brief-forecast')).toBe('Forecast of street records');
			const forecast = await words('[data-testid="briefing-forecast"]');
			expect(forecast).toMatch(/^Street records expected in December 2019: [\d,]+ over 6 LSOAs \(/);
			expect(forecast).toContain('(no month-of-year season: under 2 years of history), trained on December 2017–November 2019;');
			expect(forecast).not.toMatch(/season position|recent seasons/);
			expect(await words('[data-testid="briefing-forecast-uncertainty"]')).toContain("an area's 80% interval is where its count should fall about 8 months in 10");
			// Its "Recorded in November 2019" column is November's records of each LSOA in the force area.
			const header = await page.$$eval('[data-testid="briefing-forecast-table"] thead th', (ths) => ths.map((th) => th.textContent!.trim()));
			expect(header).toEqual(['LSOA', 'Expected', '80% interval', 'Recorded in November 2019']);
			const rows = await page.$$eval('[data-testid="briefing-forecast-table"] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent!.trim())));
			expect(rows).toHaveLength(5);
			for (const r of rows) expect(r[3], r[0]).toBe(formatCount(Number(november.find((x) => x.lsoa === r[0])?.n ?? 0)));
			// Data held, by SQL; the models named with their versions; when it was prepared.
			const facts = await page.$$eval('[aria-labelledby="brief-data"] dl > div', (divs) => divs.map((d) => [...d.children].map((c) => c.textContent!.replace(/\s+/g, ' ').trim()).join(' ')));
			expect(facts[0]).toBe(`Data held Street crime and ASB: December 2017–November 2019 (${formatCount(Number(all.n))} records)`);
			expect(await words('[data-testid="briefing-model"]')).toBe('thr v3.0.0');
			expect(await words('.brief-head time')).toMatch(/^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2} UTC$/);
			// The caveat on records police find themselves, with their number and share by SQL.
			const caveats = await page.$$eval('[data-testid="briefing-caveats"] li', (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, ' ').trim()));
			expect(caveats).toContain(
				policeFoundCaveat(
					[
						{ category: 'Drugs', records: n('Drugs') },
						{ category: 'Possession of weapons', records: n('Possession of weapons') }
					],
					Number(all.n),
					'December 2017–November 2019'
				)
			);
			expect(caveats.find((c) => c.startsWith('Records of Drugs'))).toContain('(1,194, 6.6% of the records in December 2017–November 2019)');
			for (const c of caveats) expect(c).toMatch(/[.!?]$/);
			// Months in words everywhere but the sources' own titles ("LSOA (Dec 2011) boundaries"), the times stamped on it included.
			for (const sel of ['.brief-head', '[aria-labelledby="brief-priorities"]', '[aria-labelledby="brief-forecast"]', '[aria-labelledby="brief-data"] dl', '[data-testid="briefing-caveats"]'])
				expect(await words(sel), sel).not.toMatch(SHORT_MONTH);
			expect(browser.takeProblems()).toEqual([]);
		} finally {
			runner.close();
		}
	});

	it('Lancashire (one year of data): the exceptions say once that nothing could be tested; every caveat is a sentence; the forecast names no season it lacks', async () => {
		await page.goto(`${baseUrl}/briefing?source=lancashire-asb&compare=last-year`);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
		const method = await words('[data-testid="briefing-exceptions-method"]');
		expect(method).toContain('October–December 2022 against the same months of earlier years (none is in the data), so no area × category cell could be tested.');
		// It said "0 area × category cells tested …; a cell is listed when its rise is too large to be chance", then "Nothing could be tested".
		expect(method).not.toMatch(/\b0 area/);
		expect(method).not.toContain('a cell is listed when');
		expect(await page.locator('[data-testid="briefing-exceptions-count"]').count()).toBe(0);
		const caveats = await page.$$eval('[data-testid="briefing-caveats"] li', (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, ' ').trim()));
		// The Threat warning ended "…(January–September 2022), not 12" with no full stop.
		expect(caveats.some((c) => c.includes('compares the last 3 months with the 9 baseline months'))).toBe(true);
		// A sentence each: capitalised ("the data starts in January 2022, …" began in lower case) and with a full stop.
		for (const c of caveats) expect(c, c).toMatch(/^[A-Z\d].*[.!?]$/);
		// No Drugs or weapons records in anti-social behaviour data: no police-found caveat.
		expect(caveats.some((c) => c.startsWith('Records of'))).toBe(false);
		const forecast = await words('[data-testid="briefing-forecast"]');
		expect(forecast).toContain('Street records expected in January 2023:');
		expect(forecast).not.toMatch(/season position|recent seasons/);
		expect(await words('[data-testid="briefing-priorities"] caption')).toBe('The 10 highest of 941 areas by THR score, December 2022 (thr v3.0.0)');
		expect(browser.takeProblems()).toEqual([]);
	});

	it('Chicago (timestamped incidents, 8 years): the models it does not use are said not to be used', async () => {
		await page.goto(`${baseUrl}/briefing?source=chicago-assaults`);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="briefing"][data-state="ready"]', { timeout: 120_000 });
		expect(await words('[data-testid="briefing-period"]')).toBe('January 2010–December 2017 (96 months, all the data)');
		expect(await words('[data-testid="briefing-model"]')).toBe('thr v3.0.0 (not used: no street records to score)');
		expect(browser.takeProblems()).toEqual([]);
	});
});

/** The words drawn on the PNG that `trigger` downloads (tests/browser.ts drawnWords). */
async function drawnWords(trigger: () => Promise<void>): Promise<string[]> {
	const { drawn, filename } = await drawnPng(page, trigger);
	expect(filename).toMatch(/\.png$/);
	return drawn;
}

describe('exported PNGs carry title, period, categories, legend, scale and attribution', () => {
	const query = 'ds=incidents&from=2019-03&to=2019-05&cat=Other+theft&cat=Theft+from+the+person';

	it('the map PNG', async () => {
		await page.goto(`${baseUrl}/map?${query}`);
		await waitForApp(page);
		await page.waitForFunction(() => (document.querySelector('.map-area')?.getAttribute('data-drawn') ?? '') !== '', null, { timeout: 90_000 });
		await page.waitForSelector('[data-testid="export-png"]:not([disabled])');
		const legend = await page.locator('[data-testid="legend"] li .label').allTextContents();
		const drawn = await drawnWords(() => page.locator('[data-testid="export-png"]').click());
		const words = squash(drawn.join(' '));
		expect(words).toContain(squash('City of London: map of'));
		expect(words).toContain(squash('March–May 2019 (3 months)'));
		expect(words).toContain(squash('Crime type: Other theft, Theft from the person'));
		for (const l of legend) expect(words).toContain(squash(l));
		expect(drawn).toContain('N'); // the north arrow's letter
		expect(drawn.some((t) => /^\d+(\.\d)? (m|km)$/.test(t))).toBe(true); // the scale bar's length
		expect(words).toContain(squash('Sources: data.police.uk (Open Government Licence v3.0)'));
		expect(words).toContain(squash('Contains OS data © Crown copyright'));
		// And the Map page links to the briefing of the same filters.
		const href = (await page.getAttribute('[data-testid="briefing-link"]', 'href'))!;
		const linked = new URL(href, baseUrl).searchParams;
		expect(linked.getAll('cat')).toEqual(['Other theft', 'Theft from the person']);
		expect([linked.get('from'), linked.get('to')]).toEqual(['2019-03', '2019-05']);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('a Time chart PNG', async () => {
		await page.goto(`${baseUrl}/time?${query}`);
		await waitForApp(page);
		const button = page.getByRole('button', { name: 'Download the monthly trend as PNG' });
		await button.waitFor({ timeout: 60_000 });
		await page.waitForFunction(() => !document.querySelector('[data-state="loading"]'), null, { timeout: 60_000 });
		const words = squash((await drawnWords(() => button.click())).join(' '));
		expect(words).toContain(squash('Records per month by category: City of London'));
		expect(words).toContain(squash('Street crime and ASB · March–May 2019 (3 months)'));
		expect(words).toContain(squash('Crime type: Other theft, Theft from the person'));
		expect(words).toContain(squash('Sources: data.police.uk (Open Government Licence v3.0)'));
		expect(browser.takeProblems()).toEqual([]);
	});
});

describe('print stylesheet on another page', () => {
	it('Priorities prints without the header menu or buttons, its table within the page width', async () => {
		await page.setViewportSize({ width: PRINTED_WIDTH_PX, height: 1000 });
		await page.goto(`${baseUrl}/priorities`);
		await waitForApp(page);
		await page.waitForSelector('[data-testid="priorities"][data-state="ready"]', { timeout: 90_000 });
		await page.emulateMedia({ media: 'print' });
		const layout = await page.evaluate(() => {
			const table = document.querySelector('[data-testid="priorities-table"]')!;
			const wrap = table.closest('.table-wrap') as HTMLElement;
			return {
				tableWidth: table.getBoundingClientRect().width,
				tableRight: table.getBoundingClientRect().right,
				pageWidth: document.documentElement.clientWidth,
				wrapScroll: wrap.scrollWidth - wrap.clientWidth,
				controls: [...document.querySelectorAll('button, select, input, nav, .site-header')].filter((e) => e.checkVisibility()).length
			};
		});
		await page.emulateMedia({ media: null });
		expect(layout.controls).toBe(0);
		expect(layout.wrapScroll).toBeLessThanOrEqual(0);
		expect(layout.tableRight).toBeLessThanOrEqual(layout.pageWidth);

		const rows = await page.$$eval('[data-testid="priorities-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ area: tr.getAttribute('data-area')!, reason: tr.querySelector('[data-testid="reason"]')!.textContent!.trim() }))
		);
		const header = await page.$$eval('[data-testid="priorities-table"] thead th', (ths) => ths.map((th) => th.textContent!.trim()).filter((t) => t !== 'Select to compare'));
		const pages = await pdfPages(await page.pdf({ format: 'A4', printBackground: true }));
		const all = pages.join(' ').replace(/\s+/g, ' ');
		expect(all).not.toContain('Skip to main content');
		expect(all).not.toContain('Compare selected');
		// The last column's header (Review) is on paper, not cut off on the right, and no code is broken to fit.
		expect(header.at(-1)).toBe('Review');
		expect(rows.length).toBeGreaterThan(0);
		// The table may run over pages (a force has hundreds of areas): each row whole on one page, and
		// every page with rows repeats the header row.
		const rowPages = new Set<number>();
		for (const r of rows) {
			const at = pagesWith(pages, r.area);
			expect(at, r.area).toHaveLength(1);
			expect(squash(pages[at[0] - 1]), `${r.area}'s row whole on page ${at[0]}`).toContain(squash(r.reason));
			rowPages.add(at[0]);
		}
		for (const p of rowPages) expect(squash(pages[p - 1]), `header on page ${p}`).toContain(squash(header.join('')));
		await page.setViewportSize({ width: 1280, height: 900 });
		expect(browser.takeProblems()).toEqual([]);
	});
});
