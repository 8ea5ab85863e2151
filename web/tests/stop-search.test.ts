/**
 * The Stop and search page (and its parts on the Model page) in headless Chromium against the
 * built app and the City of London sample.
 *
 * - The page's figures equal analytics/stop-search run in Node over native DuckDB on the same
 *   extract (rates, ratios and intervals, find and arrest rates, unknown ethnicity, splits,
 *   possession-only drug searches, agreement, records), for the default view and for filters
 *   set through the controls.
 * - Independently of the app: for the force-year 2018 (every search City of London Police made,
 *   out=1, as the Home Office counts), the page's searches, residents and rates equal counts made
 *   here from the raw police.uk CSVs (this file's own ethnicity mapping, from the categories'
 *   published names) divided by Census 2021 TS021 totals summed here from the raw Nomis file over
 *   the City's LSOAs 2021 (its own LSOA21 → LAD23 lookup), and the ratios' intervals equal the
 *   Katz et al. (1978) log interval worked here.
 * - Filters live in the URL and survive a reload; the Map's `area=lsoa:…` selection opens as is.
 * - CSV export content; caveats the analytics compute are shown; records one click away, paged.
 * - A chart's PNG draws the caption the Map and Time PNGs carry: title and place, area and period,
 *   ethnicity basis, sources and licences.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { drawnWords, launchBrowser, waitForApp, type TestBrowser } from './browser';
import { parseCsv, readCsvRows } from './csv';
import { RAW_DIR } from './expected';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { stopSearchCardTable } from '../lib/thr/model-card';
import { formatMetric } from '../lib/charts/format';
import {
	disproportionality,
	drugPossessionOnly,
	ethnicityAgreement,
	stopSearchRecords,
	stopSearchSplits,
	type DisproportionalityResult,
	type StopSearchScope
} from '../../analytics/stop-search';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-stop-search-'));
const CITY_LAD = 'E09000001';
const GROUPS = ['Asian', 'Black', 'Mixed', 'White', 'Other'] as const;
const Z = 1.959963984540054; // 97.5th percentile of the standard normal

let browser: TestBrowser;
let page: Page;
let runner: NodeRunner;

async function open(query = '') {
	await page.goto(`${baseUrl}/stop-search${query}`);
	await waitForApp(page);
	await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
}

/** Wait until the page shows the figures of the scope key `key` (web/lib/stop-search/url.ts scopeKey). */
async function readyFor(key: unknown[]) {
	await page.locator(`[data-testid="stop-search-page"][data-state="ready"][data-key='${JSON.stringify(key)}']`).waitFor({ timeout: 60_000 });
}

interface ShownRate {
	group: string;
	searches: number;
	residents: number | null;
	rate: number | null;
	ratio: number | null;
	lo: number | null;
	hi: number | null;
}

async function shownRates(): Promise<ShownRate[]> {
	return page.$$eval('[data-testid="ss-rates-table"] tbody tr', (trs) =>
		trs.map((tr) => {
			const n = (a: string) => (tr.hasAttribute(a) ? Number(tr.getAttribute(a)) : null);
			return { group: tr.getAttribute('data-group')!, searches: n('data-searches')!, residents: n('data-residents'), rate: n('data-rate'), ratio: n('data-ratio'), lo: n('data-lo'), hi: n('data-hi') };
		})
	);
}

function expectedRates(r: DisproportionalityResult): ShownRate[] {
	return [
		...r.rows.map((g) => ({ group: g.group, searches: g.searches, residents: g.residents, rate: g.ratePer1000, ratio: g.ratioVsWhite, lo: g.ratioLo95, hi: g.ratioHi95 })),
		{ group: 'Not recorded', searches: r.notRecorded.searches, residents: null, rate: null, ratio: null, lo: null, hi: null }
	];
}

async function downloadText(trigger: () => Promise<void>): Promise<{ text: string; name: string }> {
	const [download] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, download.suggestedFilename());
	await download.saveAs(path);
	return { text: readFileSync(path, 'utf8'), name: download.suggestedFilename() };
}

const near = (a: number | null, b: number | null, tolerance = 1e-9) => {
	if (a === null || b === null) return expect(a).toBe(b);
	expect(Math.abs(a - b)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(b)));
};

/**
 * The page's rates table against the analytics run in Node: counts exactly; rates, ratios and
 * intervals to 1e-12 relative (the same TypeScript runs in Chromium's V8 and Node's V8, whose
 * Math.log / Math.exp may differ in the last bit).
 */
function expectSameRates(shown: ShownRate[], expected: ShownRate[]) {
	expect(shown.map((r) => [r.group, r.searches, r.residents])).toEqual(expected.map((r) => [r.group, r.searches, r.residents]));
	shown.forEach((r, i) => {
		for (const k of ['rate', 'ratio', 'lo', 'hi'] as const) near(r[k], expected[i][k], 1e-12);
	});
}

// ---- Independent figures from the raw files -------------------------------------------------

/** Self-defined ethnicity → Census 2021 group, from the published category names ("<group> - <category>"). */
function selfGroup(v: string): string {
	if (v === '' || v === 'Other ethnic group - Not stated') return 'Not recorded';
	const head = v.split(' - ')[0];
	if (head.startsWith('Asian')) return 'Asian';
	if (head.startsWith('Black')) return 'Black';
	if (head.startsWith('Mixed')) return 'Mixed';
	if (head === 'White') return 'White';
	if (head === 'Other ethnic group') return 'Other';
	throw new Error(`unexpected self-defined ethnicity ${v}`);
}
const officerGroup = (v: string) => (v === '' ? 'Not recorded' : (GROUPS as readonly string[]).includes(v) ? v : 'Not recorded');

/** Searches per group in the raw stop-and-search CSVs whose Date falls in `year` (UTC; 1 Jan and 31 Dec are GMT, so local = UTC at both ends). */
function rawSearches(year: string, basis: 'self' | 'officer'): Map<string, number> {
	const dir = join(RAW_DIR, 'stop-and-search');
	const counts = new Map<string, number>();
	for (const f of readdirSync(dir).filter((x) => x.endsWith('.csv'))) {
		for (const row of readCsvRows(join(dir, f))) {
			// A search of a vehicle only searched no person: it is in no figure by ethnic group (analytics/stop-search/README.md).
			if (!row['Date'].startsWith(`${year}-`) || row['Type'] === 'Vehicle search') continue;
			const g = basis === 'self' ? selfGroup(row['Self-defined ethnicity']) : officerGroup(row['Officer-defined ethnicity']);
			counts.set(g, (counts.get(g) ?? 0) + 1);
		}
	}
	return counts;
}

/** Census 2021 TS021 residents per group over the LSOAs 2021 of local authority `lad`, from the raw Nomis file and the ONS lookup. */
function censusResidents(lad: string): Map<string, number> {
	const dir = 'sample-data/context/census2021';
	const lookup = parseCsv(gunzipSync(readFileSync(join(dir, 'LSOA21_LAD23_lookup.csv.gz'))).toString('utf8'));
	const head = lookup[0].map((h) => h.replace(/^\uFEFF/, ''));
	const lsoa = head.indexOf('LSOA21CD');
	const ladCol = head.indexOf('LAD23CD');
	const codes = new Set(lookup.slice(1).filter((r) => r[ladCol] === lad).map((r) => r[lsoa]));
	const table = parseCsv(gunzipSync(readFileSync(join(dir, 'TS021_ethnic_group_5_lsoa21.csv.gz'))).toString('utf8'));
	const header = table.findIndex((r) => r[0] === '2021 super output area - lower layer');
	const cols = table[header];
	const col = (prefix: string) => cols.findIndex((c) => c.startsWith(prefix));
	const at: Record<string, number> = { Asian: col('Asian'), Black: col('Black'), Mixed: col('Mixed'), White: col('White'), Other: col('Other') };
	const out = new Map<string, number>(GROUPS.map((g) => [g, 0]));
	let matched = 0;
	for (const r of table.slice(header + 1)) {
		const code = r[0]?.split(' : ')[0];
		if (!code || !codes.has(code)) continue;
		matched++;
		for (const g of GROUPS) out.set(g, out.get(g)! + Number(r[at[g]]));
	}
	expect(matched).toBe(codes.size);
	return out;
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [dataDir], { datasets: ['stop_search', 'population_ethnicity', 'force_area', 'areas'] });
	browser = await launchBrowser();
	page = await browser.newPage();
});

afterAll(async () => {
	runner?.close();
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('Stop and search page', () => {
	it('is in the header navigation and shows, by default, what the analytics compute natively for the force area', async () => {
		await page.goto(`${baseUrl}/`);
		await waitForApp(page);
		await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stop and search' }).click();
		await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(new URL(page.url()).pathname).toBe('/stop-search');
		const expected = await disproportionality(runner, { basis: 'self', area: { kind: 'force' } });
		expect(expected.totalSearches).toBeGreaterThan(0);
		expectSameRates(await shownRates(), expectedRates(expected));
		expect(Number(await page.locator('[data-testid="ss-total"]').textContent().then((t) => t!.replace(/,/g, '')))).toBe(expected.totalSearches);
		// Unknown ethnicity beside the rates, with its share of all searches.
		const unknown = page.locator('[data-testid="ss-not-recorded"]');
		expect(Number(await unknown.getAttribute('data-searches'))).toBe(expected.notRecorded.searches);
		expect(Number(await unknown.getAttribute('data-share'))).toBe(expected.notRecorded.share);
		expect(expected.notRecorded.searches).toBeGreaterThan(0);
		// The denominator and its source.
		const denominator = (await page.locator('[data-testid="ss-denominator"]').textContent())!.replace(/\s+/g, ' ');
		expect(denominator).toContain(expected.denominator.source);
		expect(denominator).toContain(expected.denominator.residents!.toLocaleString('en-GB'));
		// Find and arrest rates with the same figures.
		const outcomes = await page.$$eval('[data-testid="ss-outcomes-table"] tbody tr[data-finds]', (trs) =>
			trs.map((tr) => ({ group: tr.getAttribute('data-group'), finds: Number(tr.getAttribute('data-finds')), arrests: Number(tr.getAttribute('data-arrests')), nfa: Number(tr.getAttribute('data-nfa')), findRate: tr.getAttribute('data-find-rate') }))
		);
		expect(outcomes).toEqual(expected.rows.map((g) => ({ group: g.group, finds: g.finds, arrests: g.arrests, nfa: g.noFurtherAction, findRate: g.findRate === null ? null : String(g.findRate) })));
		// The charts draw the same estimates and intervals as the tables.
		for (const g of expected.rows.filter((x) => x.findRate !== null)) {
			const dot = page.locator(`[data-testid="ss-outcome-chart"] [data-row="${g.group}"][data-series="find"]`);
			expect(Number(await dot.getAttribute('data-value'))).toBe(g.findRate);
			expect(Number(await dot.getAttribute('data-lo'))).toBe(g.findLo95);
		}
		// The City's residents are no fit denominator (8,588, fewer than the searches of Black people): no ratio
		// chart, the reason in its place; the ratios stay in the table (data attributes above).
		expect(expected.ratioWithheld).toMatch(/^No ratio against White is given as a headline here: only 8,588 people live here/);
		expect(await page.locator('[data-testid="ss-ratio-chart"]').count()).toBe(0);
		expect((await page.locator('[data-testid="ss-ratio-withheld"]').textContent())!.trim()).toBe(expected.ratioWithheld);
		for (const li of await page.$$eval('[data-testid="ss-comparisons"] li', (lis) => lis.map((l) => l.textContent ?? ''))) expect(li).not.toMatch(/times as often/);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('shows the caveats the analytics computed, first, including the City’s poor resident denominator', async () => {
		const scope: StopSearchScope = { basis: 'self', area: { kind: 'force' } };
		const codes = new Set([
			...(await disproportionality(runner, scope)).caveats.map((c) => c.code),
			...(await ethnicityAgreement(runner, { area: scope.area })).caveats.map((c) => c.code),
			...(await drugPossessionOnly(runner, scope)).caveats.map((c) => c.code)
		]);
		expect(codes.has('poor-denominator')).toBe(true);
		expect(codes.has('unknown-ethnicity')).toBe(true);
		const shown = new Set(await page.$$eval('[data-testid="stop-search-caveats"] li', (lis) => lis.map((li) => li.getAttribute('data-code'))));
		for (const c of codes) expect(shown.has(c)).toBe(true);
		// Before the figures: the caveats box comes first in the page.
		const order = await page.$$eval('[data-testid="stop-search-caveats"], [data-testid="ss-rates"]', (els) => els.map((e) => e.getAttribute('data-testid')));
		expect(order).toEqual(['stop-search-caveats', 'ss-rates']);
		const text = (await page.locator('[data-testid="stop-search-caveats"] li[data-code="poor-denominator"]').textContent())!;
		expect(text).toMatch(/resident/i);
	});

	it('shows splits, possession-only drug searches and the self/officer agreement as computed natively', async () => {
		const scope: StopSearchScope = { basis: 'self', area: { kind: 'force' } };
		const legislation = await stopSearchSplits(runner, scope, 'legislation');
		const total = new Map<string, number>();
		for (const r of legislation.rows) total.set(r.value, (total.get(r.value) ?? 0) + r.searches);
		const shown = await page.$$eval('[data-testid="ss-legislation-table"] tbody tr', (trs) =>
			trs.map((tr) => [tr.getAttribute('data-value'), Number(tr.querySelector('[data-col="searches"]')!.textContent!.replace(/,/g, ''))] as const)
		);
		expect(new Map(shown)).toEqual(total);
		for (const r of legislation.rows) {
			const cell = page.locator(`[data-testid="ss-legislation-table"] tr[data-value="${r.value}"] td[data-group="${r.group}"]`);
			expect(Number(await cell.getAttribute('data-count'))).toBe(r.searches);
		}
		const drugs = await drugPossessionOnly(runner, scope);
		const drugRows = await page.$$eval('[data-testid="ss-drugs-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ group: tr.getAttribute('data-group'), possession: Number(tr.getAttribute('data-possession')), drugSearches: Number(tr.getAttribute('data-drug-searches')) }))
		);
		expect(drugRows).toEqual(drugs.rows.map((d) => ({ group: d.group, possession: d.possessionOnly, drugSearches: d.drugSearches })));
		const agreement = await ethnicityAgreement(runner, { area: scope.area });
		const dis = page.locator('[data-testid="ss-disagree"]');
		expect(Number(await dis.getAttribute('data-disagree'))).toBe(agreement.disagree);
		expect(Number(await dis.getAttribute('data-both'))).toBe(agreement.bothRecorded);
		const months = await stopSearchSplits(runner, scope, 'month');
		const monthTotal = months.rows.reduce((s, r) => s + r.searches, 0);
		expect(monthTotal).toBe((await disproportionality(runner, scope)).totalSearches);
		expect(await page.locator('[data-testid="ss-trend-table"] tbody tr').count()).toBe(new Set(months.rows.map((r) => r.value)).size);
	});

	it('independently: for 2018, every search the force made per group ÷ Census 2021 residents equals the raw CSVs ÷ the raw TS021 totals', async () => {
		const residents = censusResidents(CITY_LAD);
		// The City has about 8,600 residents (Census 2021); the five groups are summed here from its LSOAs.
		const all = [...residents.values()].reduce((a, b) => a + b, 0);
		expect(all).toBeGreaterThan(8_000);
		expect(all).toBeLessThan(9_000);
		for (const basis of ['self', 'officer'] as const) {
			await open(`?from=2018-01&to=2018-12&out=1${basis === 'officer' ? '&eth=officer' : ''}`);
			const raw = rawSearches('2018', basis);
			const shown = await shownRates();
			const white = { a: raw.get('White') ?? 0, n: residents.get('White')! };
			for (const g of GROUPS) {
				const row = shown.find((r) => r.group === g)!;
				const a = raw.get(g) ?? 0;
				const n = residents.get(g)!;
				expect(row.searches).toBe(a);
				expect(row.residents).toBe(n);
				if (basis === 'officer' && g === 'Mixed') {
					// Officers record four groups (no Mixed): no officer-defined Mixed search exists, so
					// no rate is given rather than a misleading 0, and a caveat says why.
					expect(a).toBe(0);
					expect([row.rate, row.ratio, row.lo, row.hi]).toEqual([null, null, null, null]);
					expect(await page.locator('[data-testid="stop-search-caveats"] li[data-code="officer-no-mixed"]').count()).toBe(1);
					continue;
				}
				near(row.rate, (a / n) * 1000);
				const ratio = a / n / (white.a / white.n);
				near(row.ratio, ratio);
				// Katz et al. (1978) log interval, only where searches are a share of residents (none for
				// White itself, the reference).
				if (g !== 'White' && a > 0 && a < n && white.a < white.n) {
					const se = Math.sqrt(1 / a - 1 / n + 1 / white.a - 1 / white.n);
					near(row.lo, Math.exp(Math.log(ratio) - Z * se));
					near(row.hi, Math.exp(Math.log(ratio) + Z * se));
				} else {
					expect([row.lo, row.hi]).toEqual([null, null]);
				}
			}
			expect(shown.find((r) => r.group === 'Not recorded')!.searches).toBe(raw.get('Not recorded') ?? 0);
			const total = [...raw.values()].reduce((x, y) => x + y, 0);
			expect(Number(await page.locator('[data-testid="ss-not-recorded"]').getAttribute('data-share'))).toBeCloseTo((raw.get('Not recorded') ?? 0) / total, 12);
		}
		// The page's figures for that scope are also the analytics' own.
		expectSameRates(await shownRates(), expectedRates(await disproportionality(runner, { from: '2018-01', to: '2018-12', basis: 'officer', area: { kind: 'force', includeOutside: true } })));
	});

	it('keeps filters set through the controls in the URL, through a reload', async () => {
		await open();
		await page.locator('[data-testid="ss-from"]').selectOption('2018-06');
		await page.waitForURL(/from=2018-06/);
		await page.locator('[data-testid="ss-to"]').selectOption('2019-05');
		await page.waitForURL(/to=2019-05/);
		await page.locator('[data-testid="ss-basis-officer"]').check();
		await page.waitForURL(/eth=officer/);
		await readyFor(['2018-06', '2019-05', 'officer', { kind: 'force' }]);
		const scope: StopSearchScope = { from: '2018-06', to: '2019-05', basis: 'officer', area: { kind: 'force' } };
		const expected = expectedRates(await disproportionality(runner, scope));
		expectSameRates(await shownRates(), expected);
		await page.reload();
		await waitForApp(page);
		await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await page.locator('[data-testid="ss-from"]').inputValue()).toBe('2018-06');
		expect(await page.locator('[data-testid="ss-to"]').inputValue()).toBe('2019-05');
		expect(await page.locator('[data-testid="ss-basis-officer"]').isChecked()).toBe(true);
		expectSameRates(await shownRates(), expected);
		// Back returns to the previous filters.
		await page.goBack();
		await page.waitForURL((u) => !u.searchParams.has('eth'));
		await readyFor(['2018-06', '2019-05', 'self', { kind: 'force' }]);
		expect(await page.locator('[data-testid="ss-basis-self"]').isChecked()).toBe(true);
	});

	it('opens the Map’s selection (area=lsoa:…) and a local authority with the analytics’ figures for them', async () => {
		const cells = { kind: 'cells' as const, level: 'lsoa' as const, ids: ['E01000001', 'E01032739'] };
		await open(`?area=lsoa:${cells.ids.join(',')}`);
		expect(await page.locator('[data-testid="ss-area"]').inputValue()).toBe('cells');
		expectSameRates(await shownRates(), expectedRates(await disproportionality(runner, { basis: 'self', area: cells })));
		await page.locator('[data-testid="ss-area"]').selectOption(`lad:${CITY_LAD}`);
		await page.waitForURL(/area=lad%3AE09000001|area=lad:E09000001/);
		await readyFor([null, null, 'self', { kind: 'lad', code: CITY_LAD }]);
		expectSameRates(await shownRates(), expectedRates(await disproportionality(runner, { basis: 'self', area: { kind: 'lad', code: CITY_LAD } })));
	});

	it('exports the rates as CSV with the same numbers, unrounded, and unknown ethnicity as a row', async () => {
		await open('?from=2018-01&to=2018-12');
		const expected = await disproportionality(runner, { from: '2018-01', to: '2018-12', basis: 'self', area: { kind: 'force' } });
		const { text, name } = await downloadText(() => page.locator('[data-testid="ss-rates"]').getByRole('button', { name: /as CSV/ }).click());
		expect(name).toBe('clearsight-stop-search-force-area-self-from-2018-01-to-2018-12.csv');
		const [header, ...rows] = parseCsv(text).filter((r) => r.length > 1);
		expect(header.slice(4, 11)).toEqual(['group', 'searches', 'residents', 'rate_per_1000', 'ratio_vs_white', 'ratio_lo95', 'ratio_hi95']);
		const col = (r: string[], c: string) => r[header.indexOf(c)];
		expect(rows.map((r) => col(r, 'group'))).toEqual([...expected.rows.map((g) => g.group), 'Not recorded']);
		for (const g of expected.rows) {
			const r = rows.find((x) => col(x, 'group') === g.group)!;
			expect(Number(col(r, 'searches'))).toBe(g.searches);
			expect(Number(col(r, 'residents'))).toBe(g.residents);
			expect(col(r, 'rate_per_1000')).toBe(g.ratePer1000 === null ? '' : String(g.ratePer1000));
			near(col(r, 'ratio_lo95') === '' ? null : Number(col(r, 'ratio_lo95')), g.ratioLo95, 1e-12);
			expect(col(r, 'find_rate')).toBe(g.findRate === null ? '' : String(g.findRate));
			expect(Number(col(r, 'arrests'))).toBe(g.arrests);
		}
		const unknown = rows.find((x) => col(x, 'group') === 'Not recorded')!;
		expect(Number(col(unknown, 'searches'))).toBe(expected.notRecorded.searches);
		expect(Number(col(unknown, 'share_of_searches'))).toBe(expected.notRecorded.share);
		expect(col(unknown, 'denominator_source')).toBe(expected.denominator.source);
	});

	it('draws on a chart’s PNG its title, area and period, ethnicity basis, sources and licences', async () => {
		await open('?from=2018-01&to=2018-12&eth=officer');
		const expected = await disproportionality(runner, { from: '2018-01', to: '2018-12', basis: 'officer', area: { kind: 'force' } });
		const manifest = JSON.parse(readFileSync(join(dataDir, 'manifest.json'), 'utf8')) as { attribution: Array<{ source: string; licence: string }> };
		const button = page.locator('[data-testid="ss-trend"]').getByRole('button', { name: /as PNG/ });
		const { drawn, filename } = await drawnWords(page, () => button.click());
		expect(filename).toBe('clearsight-stop-search-force-area-officer-from-2018-01-to-2018-12-by-month.png');
		const squash = (t: string) => t.replace(/\s+/g, '');
		const words = squash(drawn.join(' '));
		expect(words).toContain(squash('Searches per month, by ethnic group: City of London'));
		expect(words).toContain(squash(`Stop and search, ${expected.areaLabel} · January–December 2018 (12 months)`));
		expect(words).toContain(squash('Ethnicity: officer-defined (the officer’s view)'));
		for (const a of manifest.attribution) expect(words).toContain(squash(`${a.source} (${a.licence})`));
		expect(browser.takeProblems()).toEqual([]);
	});

	it('opens the records behind a count in one click, paged, with the page in the URL', async () => {
		await open('?from=2018-01&to=2018-12');
		const scope: StopSearchScope = { from: '2018-01', to: '2018-12', basis: 'self', area: { kind: 'force' } };
		const black = (await disproportionality(runner, scope)).rows.find((g) => g.group === 'Black')!;
		expect(black.searches).toBeGreaterThan(25);
		await page.locator('[data-testid="ss-rates-table"] tr[data-group="Black"]').getByRole('button').click();
		await page.waitForURL(/rg=Black/);
		const records = page.locator('[data-testid="ss-records"][data-state="ready"]');
		await records.waitFor();
		expect(Number(await page.locator('[data-testid="ss-records-total"]').getAttribute('data-total'))).toBe(black.searches);
		const first = await stopSearchRecords(runner, scope, { group: 'Black', limit: 25, offset: 0 });
		expect(await records.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-source')))).toEqual(first.rows.map((r) => `${r.source_file}:${r.source_line}`));
		await records.getByRole('button', { name: 'Next →' }).click();
		await page.waitForURL(/rp=2/);
		await page.locator(`[data-testid="ss-records"][data-state="ready"][data-key*='"offset":25']`).waitFor();
		const second = await stopSearchRecords(runner, scope, { group: 'Black', limit: 25, offset: 25 });
		await page.reload();
		await waitForApp(page);
		const again = page.locator('[data-testid="ss-records"][data-state="ready"]');
		await again.waitFor({ timeout: 60_000 });
		expect(await again.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-source')))).toEqual(second.rows.map((r) => `${r.source_file}:${r.source_line}`));
		// The page's rows as CSV.
		const { text } = await downloadText(() => page.locator('[data-testid="ss-records-csv"]').click());
		const csv = parseCsv(text).filter((r) => r.length > 1);
		expect(csv.slice(1).map((r) => `${r[0]}:${r[1]}`)).toEqual(second.rows.map((r) => `${r.source_file}:${r.source_line}`));
		expect(browser.takeProblems()).toEqual([]);
	});

	it('never renders a data string as HTML and labels every control', async () => {
		await open();
		for (const id of ['ss-from', 'ss-to', 'ss-area']) {
			const label = await page.locator(`[data-testid="${id}"]`).evaluate((el) => (el as HTMLSelectElement).labels?.[0]?.textContent?.trim() ?? '');
			expect(label.length).toBeGreaterThan(0);
		}
		// A crafted URL value is shown as text in the message, never parsed as markup.
		await open('?eth=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
		expect(await page.locator('[data-testid="ss-url-messages"] img').count()).toBe(0);
		expect(await page.locator('[data-testid="ss-url-messages"]').textContent()).toContain('<img src=x onerror=alert(1)>');
	});
});

describe('Model page: stop and search in the model card and the community impact', () => {
	it('shows the card’s stop and search table and the flagged areas’ residents by ethnic group', async () => {
		await page.goto(`${baseUrl}/model`);
		await waitForApp(page);
		await page.locator('[data-testid="card-stop-search"][data-state="ready"]').waitFor({ timeout: 90_000 });
		const expected = await disproportionality(runner, { basis: 'self', area: { kind: 'force' } });
		const rows = await page.$$eval('[data-testid="card-stop-search-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ group: tr.getAttribute('data-group'), searches: Number(tr.getAttribute('data-searches')), cells: [...tr.children].map((c) => c.textContent!.trim()) }))
		);
		expect(rows.map(({ group, searches }) => ({ group, searches }))).toEqual([
			...expected.rows.map((g) => ({ group: g.group, searches: g.searches })),
			{ group: 'Not recorded', searches: expected.notRecorded.searches }
		]);
		// The same cells as the Markdown card's table (stopSearchCardTable), with the residents column and intervals "lo to hi".
		expect(rows.map((r) => r.cells)).toEqual(stopSearchCardTable(expected).rows.map((r) => r.cells));
		expect(rows.find((r) => r.group === 'Black')!.cells.slice(0, 4)).toEqual(['Black', '403', '233', formatMetric((403 / 233) * 1000, 1)]);
		const impact = page.locator('[data-testid="community-impact"][data-state="ready"]');
		await impact.waitFor({ timeout: 90_000 });
		// The force area's residents per group are the Census totals of the City's LSOAs.
		const residents = censusResidents(CITY_LAD);
		const shown = await page.$$eval('[data-testid="community-impact-table"] tbody tr', (trs) =>
			trs.map((tr) => [tr.getAttribute('data-group')!, Number(tr.getAttribute('data-force-residents'))] as const)
		);
		expect(new Map(shown)).toEqual(residents);
		expect(browser.takeProblems()).toEqual([]);
	});
});
