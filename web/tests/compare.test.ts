/**
 * Period comparison, in headless Chromium against the built app and the shipped sample (City of
 * London street crime, December 2017 – November 2019): on Time, Map and Overview a period and
 * each comparison basis are chosen, and every figure shown for BOTH periods equals the count
 * worked out here from the raw police.uk CSV rows (web/tests/expected.ts), harm with the CCHI
 * weights of the model file. No ratio is ever shown as Infinity or NaN.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';
import { countedStreetRows, streetFigures } from './expected';
import { parseCsv } from './csv';
import { beyondChanceExact } from '../../scripts/lib/exact-binomial';

const baseUrl = inject('baseUrl');
const street = streetFigures();
const model = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as {
	weights: Array<{ category: string; weight: number }>;
	exclusions: Array<{ category: string }>;
};
const excluded = new Set(model.exclusions.map((e) => e.category));
const weight = new Map(model.weights.filter((w) => !excluded.has(w.category)).map((w) => [w.category, w.weight]));

let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage();
});

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

const tmp = mkdtempSync(join(tmpdir(), 'clearsight-compare-'));

/** Save the download `trigger` makes; its text. */
async function downloaded(trigger: () => Promise<void>): Promise<string> {
	const [d] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, d.suggestedFilename());
	await d.saveAs(path);
	return readFileSync(path, 'utf8');
}

/** Located street rows per LSOA in [from, to], from the raw CSVs. */
function perLsoa(from: string, to: string): Map<string, number> {
	const m = new Map<string, number>();
	for (const r of countedStreetRows()) if (r.Month >= from && r.Month <= to && r['LSOA code']) m.set(r['LSOA code'], (m.get(r['LSOA code']) ?? 0) + 1);
	return m;
}

/** A number as a table shows it ("1,234", "−5", "+3", "—"), as the CSV writes it. */
const asCsv = (t: string) => (t === '—' ? '' : t.replace(/,/g, '').replace('−', '-').replace(/^\+/, ''));

/** Months from `from` to `to` inclusive, as YYYY-MM (the test's own arithmetic). */
function monthsBetween(from: string, to: string): string[] {
	const out: string[] = [];
	let y = Number(from.slice(0, 4));
	let m = Number(from.slice(5, 7));
	while (`${y}-${String(m).padStart(2, '0')}` <= to) {
		out.push(`${y}-${String(m).padStart(2, '0')}`);
		m++;
		if (m === 13) [y, m] = [y + 1, 1];
	}
	return out;
}

interface Expected {
	records: number;
	harm: number;
	byCategory: Map<string, number>;
}

/** Street records of the raw CSVs in [from, to] (optionally only `categories`): total, harm and per category. */
function rawPeriod(from: string, to: string, categories: string[] = []): Expected {
	const months = new Set(monthsBetween(from, to));
	const byCategory = new Map<string, number>();
	for (const [key, n] of street.byMonthCategory) {
		const [month, category] = key.split('|');
		if (!months.has(month) || (categories.length > 0 && !categories.includes(category))) continue;
		byCategory.set(category, (byCategory.get(category) ?? 0) + n);
	}
	let records = 0;
	let harm = 0;
	for (const [c, n] of byCategory) {
		records += n;
		harm += n * (weight.get(c) ?? 0);
	}
	return { records, harm, byCategory };
}

/** The mean of several periods' figures (the seasonal average). */
function mean(list: Expected[]): Expected {
	const byCategory = new Map<string, number>();
	for (const e of list) for (const [c, n] of e.byCategory) byCategory.set(c, (byCategory.get(c) ?? 0) + n / list.length);
	return { records: list.reduce((s, e) => s + e.records, 0) / list.length, harm: list.reduce((s, e) => s + e.harm, 0) / list.length, byCategory };
}

interface ShownRow {
	measure: string;
	current: number;
	comparison: number | null;
	difference: number | null;
	ratio: number | null;
	text: string[];
}

/** The rows of a comparison table: the exact figures (data attributes) and the text shown. */
async function shownRows(testid: string): Promise<{ words: string; notes: string[]; rows: ShownRow[] }> {
	return page.evaluate((id) => {
		const section = document.querySelector(`[data-testid="${id}"]`)!;
		const n = (v: string | null) => (v === null || v === '' ? null : Number(v));
		return {
			words: section.querySelector(`[data-testid="${id}-words"]`)!.textContent!.trim(),
			notes: [...section.querySelectorAll('[role="note"]')].map((e) => e.textContent!.trim()),
			rows: [...section.querySelectorAll('tbody tr')].map((tr) => ({
				measure: tr.getAttribute('data-measure')!,
				current: Number(tr.getAttribute('data-current')),
				comparison: n(tr.getAttribute('data-comparison')),
				difference: n(tr.getAttribute('data-difference')),
				ratio: n(tr.getAttribute('data-ratio')),
				text: [...tr.querySelectorAll('th, td')].map((c) => c.textContent!.trim())
			}))
		};
	}, testid);
}

/** Every row's exact figures against the raw rows of both periods, and what its cells say. */
function checkRows(rows: ShownRow[], now: Expected, then: Expected | null, { harm = false }: { harm?: boolean } = {}): void {
	const byMeasure = new Map(rows.map((r) => [r.measure, r]));
	const records = byMeasure.get('records')!;
	expect(records.current).toBe(now.records);
	expect(records.comparison).toBe(then ? then.records : null);
	if (then) {
		expect(records.difference).toBeCloseTo(now.records - then.records, 9);
		expect(records.ratio).toBeCloseTo(now.records / then.records, 9);
	}
	if (harm) {
		const h = byMeasure.get('harm')!;
		expect(h.current).toBeCloseTo(now.harm, 6);
		if (then) expect(h.comparison).toBeCloseTo(then.harm, 6);
	}
	const categories = rows.filter((r) => r.measure.startsWith('category:'));
	expect(new Set(categories.map((r) => r.measure.slice(9)))).toEqual(new Set([...now.byCategory.keys(), ...(then?.byCategory.keys() ?? [])]));
	for (const r of categories) {
		const c = r.measure.slice(9);
		expect(r.current, c).toBe(now.byCategory.get(c) ?? 0);
		if (then) expect(r.comparison!, c).toBeCloseTo(then.byCategory.get(c) ?? 0, 9);
		if (then && (then.byCategory.get(c) ?? 0) === 0) {
			expect(r.ratio, c).toBeNull();
			expect(r.text[4], c).toMatch(/^no ratio/);
		}
	}
	for (const r of rows) for (const t of r.text) expect(t).not.toMatch(/Infinity|NaN|∞/);
	// Each count says whether its change is beyond chance: the exact binomial decision on the raw
	// counts of the two periods (every comparison here uses one period); harm is not tested.
	if (then)
		for (const r of rows) {
			const c = r.measure.slice(9);
			const before = r.measure === 'records' ? then.records : r.measure === 'harm' ? null : (then.byCategory.get(c) ?? 0);
			const after = r.measure === 'records' ? now.records : (now.byCategory.get(c) ?? 0);
			const want = before === null ? '—' : after === before ? 'no change' : beyondChanceExact(after, after + before) ? 'beyond chance' : 'within chance';
			expect(r.text[5], r.measure).toBe(want);
		}
}

/** The Overview's line of the chance test: as chance.ts words it, from the exact decision. */
function chanceLine(after: number, before: number): string {
	if (after === before) return 'no change';
	return beyondChanceExact(after, after + before) ? 'beyond chance: a change this large seldom comes from chance alone' : 'within chance: chance alone could give a change this size';
}

async function waitReady(testid: string): Promise<void> {
	await page.locator(`[data-testid="${testid}"][data-state="ready"]`).waitFor({ timeout: 60_000 });
}

describe('comparison on the Time page', () => {
	it('the "Compare with" control puts the basis in the URL; same period last year equals the raw rows of both periods', async () => {
		await page.goto(`${baseUrl}/time?ds=incidents&from=2018-12&to=2019-02`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="compare-select"]').selectOption('last-year');
		await page.waitForURL(/compare=last-year/);
		await waitReady('explore-comparison');
		const shown = await shownRows('comparison');
		expect(shown.words).toBe('December 2018–February 2019 against December 2017–February 2018.');
		checkRows(shown.rows, rawPeriod('2018-12', '2019-02'), rawPeriod('2017-12', '2018-02'));
		expect(shown.rows[0].current).toBeGreaterThan(1000);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('previous period with two categories chosen', async () => {
		const cats = ['Theft from the person', 'Other theft'];
		await page.goto(`${baseUrl}/time?ds=incidents&from=2019-06&to=2019-11&${cats.map((c) => `cat=${encodeURIComponent(c)}`).join('&')}&compare=previous`);
		await waitForApp(page, 60_000);
		await waitReady('explore-comparison');
		const shown = await shownRows('comparison');
		expect(shown.words).toBe('June–November 2019 against December 2018–May 2019.');
		checkRows(shown.rows, rawPeriod('2019-06', '2019-11', cats), rawPeriod('2018-12', '2019-05', cats));
		expect(shown.rows.map((r) => r.measure)).toEqual(['records', ...[...rawPeriod('2019-06', '2019-11', cats).byCategory].sort((a, b) => b[1] - a[1]).map(([c]) => `category:${c}`)]);
	});

	it('seasonal average of 3 years: the one year in the data, and the note says which years are missing', async () => {
		await page.goto(`${baseUrl}/time?ds=incidents&from=2019-09&to=2019-11&compare=seasonal-3y`);
		await waitForApp(page, 60_000);
		await waitReady('explore-comparison');
		const shown = await shownRows('comparison');
		expect(shown.words).toBe('September–November 2019 against the average of September–November in 2016, 2017 and 2018.');
		expect(shown.notes.join(' ')).toMatch(/A 3-year average from 1 year \(September–November 2018\)/);
		expect(shown.notes.join(' ')).toMatch(/September–November in 2016 and 2017 have no data \(the data starts in December 2017\)/);
		checkRows(shown.rows, rawPeriod('2019-09', '2019-11'), mean([rawPeriod('2018-09', '2018-11')]));
	});

	it('one month: November 2019 against November 2018, the only one of the 3 years in the data', async () => {
		// The sample holds 24 months, so no period has more than one earlier year in the data; the
		// mean of several years is checked by hand in analytics/compare/query.test.ts.
		await page.goto(`${baseUrl}/time?ds=incidents&from=2019-11&to=2019-11&compare=seasonal-3y`);
		await waitForApp(page, 60_000);
		await waitReady('explore-comparison');
		const shown = await shownRows('comparison');
		expect(shown.words).toBe('November 2019 against the average of November in 2016, 2017 and 2018.');
		checkRows(shown.rows, rawPeriod('2019-11', '2019-11'), mean([rawPeriod('2018-11', '2018-11')]));
	});
});

describe('comparison on the Map page', () => {
	it('previous period, with harm, equals the raw rows; the comparison leaves the map layer alone', async () => {
		await page.goto(`${baseUrl}/map?ds=incidents&from=2019-03&to=2019-05&compare=previous`);
		await waitForApp(page, 60_000);
		await waitReady('explore-comparison');
		const shown = await shownRows('comparison');
		expect(shown.words).toBe('March–May 2019 against December 2018–February 2019.');
		checkRows(shown.rows, rawPeriod('2019-03', '2019-05'), rawPeriod('2018-12', '2019-02'), { harm: true });
		expect(browser.takeProblems()).toEqual([]);
	});
});

describe('the map coloured by change', () => {
	it('each LSOA shows its records in both periods (equal to the raw rows) and the difference; the legend says what the colours mean', async () => {
		await page.goto(`${baseUrl}/map?ds=incidents&from=2019-03&to=2019-05&measure=change&compare=last-year&layer=lsoa`);
		await waitForApp(page, 60_000);
		await page.waitForFunction(() => {
			const drawn = document.querySelector('.map-area')?.getAttribute('data-drawn') ?? '';
			return drawn.includes('"change"') && drawn.includes('"last-year"');
		}, null, { timeout: 60_000 });
		await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
		await page.waitForFunction(() => document.querySelector('.legend-box')?.getAttribute('aria-busy') === 'false', null, { timeout: 60_000 });
		// Expected: located street rows per LSOA in each period, from the raw CSVs.
		const now = perLsoa('2019-03', '2019-05');
		const then = perLsoa('2018-03', '2018-05');
		const more = page.locator('[data-testid="cells-table"] ~ p button, .table-wrap + p button').filter({ hasText: /^Show/ });
		while ((await more.count()) > 0) await more.first().click();
		const rows = await page.locator('[data-testid="cells-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => {
				const get = (col: string) => tr.querySelector(`[data-col="${col}"]`)?.textContent?.trim() ?? '';
				return { cell: tr.getAttribute('data-cell')!, records: get('records'), comparison: get('comparison'), value: get('value'), cls: get('class') };
			})
		);
		const num = (t: string) => Number(t.replace(/,/g, '').replace('−', '-').replace('+', ''));
		expect(new Set(rows.map((r) => r.cell))).toEqual(new Set([...now.keys(), ...then.keys()]));
		let rises = 0;
		let falls = 0;
		for (const r of rows) {
			const a = now.get(r.cell) ?? 0;
			const b = then.get(r.cell) ?? 0;
			expect([num(r.records), num(r.comparison), num(r.value)], r.cell).toEqual([a, b, a - b]);
			// Diverging classes: 1–2 falls, 3 no change, 4–5 rises.
			expect(Number(r.cls) < 3 ? -1 : Number(r.cls) > 3 ? 1 : 0, r.cell).toBe(Math.sign(a - b));
			if (a > b) rises++;
			if (a < b) falls++;
		}
		expect(rises).toBeGreaterThan(0);
		expect(falls).toBeGreaterThan(0);
		const legend = await page.locator('[data-testid="legend"]').textContent();
		expect(legend).toContain('March–May 2019 against March–May 2018');
		for (const words of ['Fall of', 'Fall of less than', 'No change', 'Rise of less than']) expect(legend).toContain(words);
		const colours = await page.locator('[data-testid="legend"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-colour')));
		expect(colours.slice(0, 5)).toEqual(['#0571b0', '#92c5de', '#f7f7f7', '#f4a582', '#ca0020']);
		// The cells CSV carries the comparison after records, named with the periods, as the table shows it.
		const [header, ...body] = parseCsv(await downloaded(() => page.locator('[data-testid="export-csv"]').click())).filter((r) => r.length > 1);
		const cmp = 'records_2018-03_to_2018-05';
		const diff = 'difference_2019-03_to_2019-05_minus_2018-03_to_2018-05';
		expect(header.slice(header.indexOf('records'), header.indexOf('records') + 3)).toEqual(['records', cmp, diff]);
		const byCell = new Map(body.map((r) => [r[header.indexOf('cell_id')], r]));
		expect(byCell.size).toBe(rows.length);
		for (const r of rows) {
			const csv = byCell.get(r.cell)!;
			expect([csv[header.indexOf(cmp)], csv[header.indexOf(diff)]], r.cell).toEqual([asCsv(r.comparison), asCsv(r.value)]);
			expect(csv[header.indexOf('value')], r.cell).toBe(asCsv(r.value)); // a signed difference written as a number
		}
		expect(browser.takeProblems()).toEqual([]);
	});

	it('a comparison chosen on the count layer: the cells CSV and GeoJSON carry each cell’s records in the comparison period and the difference', async () => {
		await page.goto(`${baseUrl}/map?ds=incidents&from=2019-03&to=2019-05&compare=previous&layer=lsoa`);
		await waitForApp(page, 60_000);
		await page.waitForFunction(() => (document.querySelector('.map-area')?.getAttribute('data-drawn') ?? '').includes('"lsoa"'), null, { timeout: 60_000 });
		await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
		const now = perLsoa('2019-03', '2019-05');
		const then = perLsoa('2018-12', '2019-02');
		const cmp = 'records_2018-12_to_2019-02';
		const diff = 'difference_2019-03_to_2019-05_minus_2018-12_to_2019-02';
		const [header, ...body] = parseCsv(await downloaded(() => page.locator('[data-testid="export-csv"]').click())).filter((r) => r.length > 1);
		expect(header.slice(header.indexOf('records'), header.indexOf('records') + 3)).toEqual(['records', cmp, diff]);
		const col = (r: string[], c: string) => Number(r[header.indexOf(c)]);
		const cells = new Set(body.map((r) => r[header.indexOf('cell_id')]));
		for (const id of now.keys()) expect(cells.has(id), id).toBe(true);
		let differs = 0;
		for (const r of body) {
			const id = r[header.indexOf('cell_id')];
			const a = now.get(id) ?? 0;
			const b = then.get(id) ?? 0;
			expect([col(r, 'records'), col(r, cmp), col(r, diff)], id).toEqual([a, b, a - b]);
			if (a !== b) differs++;
		}
		expect(differs).toBeGreaterThan(0);
		const geo = JSON.parse(await downloaded(() => page.locator('[data-testid="export-geojson"]').click())) as {
			clearsight: { comparison?: { basis: string; periods: string } };
			features: Array<{ properties: Record<string, unknown> }>;
		};
		expect(geo.clearsight.comparison).toEqual({ basis: 'previous', periods: 'March–May 2019 against December 2018–February 2019' });
		expect(geo.features.length).toBe(body.length);
		for (const f of geo.features) {
			const id = f.properties.cell_id as string;
			expect([f.properties.records, f.properties[cmp], f.properties[diff]], id).toEqual([now.get(id) ?? 0, then.get(id) ?? 0, (now.get(id) ?? 0) - (then.get(id) ?? 0)]);
		}
		expect(browser.takeProblems()).toEqual([]);
	});

	it('choosing the change measure with no comparison picks the same period last year', async () => {
		await page.goto(`${baseUrl}/map?ds=incidents&from=2019-03&to=2019-05`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="measure-select"]').selectOption('change');
		await page.waitForURL(/measure=change/);
		expect(new URL(page.url()).searchParams.get('compare')).toBe('last-year');
		await waitReady('explore-comparison');
	});
});

describe('comparison on the Overview', () => {
	it('with no comparison chosen the Overview is as before: no comparison queried or shown', async () => {
		await page.goto(`${baseUrl}/`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		expect(await page.locator('[data-testid="overview-comparison"]').count()).toBe(0);
		expect(await page.locator('[data-testid="overview-period"]').textContent()).toMatch(/cover the whole extract/);
		expect(await page.locator('[data-testid="records-compared"]').count()).toBe(0);
	});

	it('choosing a period and same period last year: headline figures and categories for both periods equal the raw rows', async () => {
		await page.goto(`${baseUrl}/?from=2019-03&to=2019-05`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		await page.locator('[data-testid="overview-compare-select"]').selectOption('last-year');
		await page.waitForURL(/compare=last-year/);
		await waitReady('overview-comparison');
		const now = rawPeriod('2019-03', '2019-05');
		const then = rawPeriod('2018-03', '2018-05');
		const headline = await shownRows('overview-headline-comparison');
		expect(headline.words).toBe('March–May 2019 against March–May 2018.');
		const byKey = new Map(headline.rows.map((r) => [r.measure, r]));
		const asb = (e: Expected) => e.byCategory.get('Anti-social behaviour') ?? 0;
		expect([byKey.get('records')!.current, byKey.get('records')!.comparison]).toEqual([now.records, then.records]);
		expect([byKey.get('asb')!.current, byKey.get('asb')!.comparison]).toEqual([asb(now), asb(then)]);
		expect([byKey.get('crimes')!.current, byKey.get('crimes')!.comparison]).toEqual([now.records - asb(now), then.records - asb(then)]);
		expect(byKey.get('harm')!.current).toBeCloseTo(now.harm, 6);
		expect(byKey.get('harm')!.comparison).toBeCloseTo(then.harm, 6);
		// What the cells say: the records row as formatted on screen.
		const fmt = new Intl.NumberFormat('en-GB');
		const diff = now.records - then.records;
		expect(byKey.get('records')!.text.slice(1, 4)).toEqual([fmt.format(now.records), fmt.format(then.records), `${diff > 0 ? '+' : diff < 0 ? '−' : ''}${fmt.format(Math.abs(diff))}`]);
		expect(byKey.get('records')!.text[4]).toContain((now.records / then.records).toFixed(2));
		// The headline figures say the same for the period; the headline itself is the force area's
		// records, so the comparison line says it counts every record loaded, as the table does.
		expect(await page.locator('[data-testid="records-compared"]').textContent()).toBe(
			`All records loaded, March–May 2019: ${fmt.format(now.records)} · March–May 2018: ${fmt.format(then.records)} · difference ${byKey.get('records')!.text[3]} · ratio ${(now.records / then.records).toFixed(2)} · ${chanceLine(now.records, then.records)}`
		);
		expect(await page.locator('[data-testid="harm-compared"]').textContent()).toContain(`March–May 2019: ${fmt.format(Math.round(now.harm))} · March–May 2018: ${fmt.format(Math.round(then.harm))}`);
		// Harm, a weighted sum, gets no chance test.
		expect(await page.locator('[data-testid="harm-compared"]').textContent()).not.toContain('chance');
		const categories = await shownRows('overview-category-comparison');
		checkRows([{ ...headline.rows[0] }, ...categories.rows], now, then);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('previous period and seasonal average on the Overview', async () => {
		await page.goto(`${baseUrl}/?from=2019-08&to=2019-11&compare=previous`);
		await waitForApp(page, 60_000);
		await waitReady('overview-comparison');
		let headline = await shownRows('overview-headline-comparison');
		expect(headline.words).toBe('August–November 2019 against April–July 2019.');
		expect(headline.rows[0].current).toBe(rawPeriod('2019-08', '2019-11').records);
		expect(headline.rows[0].comparison).toBe(rawPeriod('2019-04', '2019-07').records);
		await page.locator('[data-testid="overview-compare-select"]').selectOption('seasonal-3y');
		await page.waitForURL(/compare=seasonal-3y/);
		await page.waitForFunction(() => document.querySelector('[data-testid="overview-headline-comparison"]')?.getAttribute('data-basis') === 'seasonal-3y');
		await waitReady('overview-comparison');
		headline = await shownRows('overview-headline-comparison');
		expect(headline.rows[0].comparison).toBe(rawPeriod('2018-08', '2018-11').records);
		expect(headline.notes.join(' ')).toMatch(/A 3-year average from 1 year/);
	});
});
