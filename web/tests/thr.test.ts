/**
 * THR pages (Priorities, Area profile, Compare, Model, review log) in headless Chromium against
 * the built app and the City of London sample, scored with the published model (thr-v3) over
 * the force area. The ranking on screen is compared with one computed in Node by the same engine
 * over native DuckDB; every score must equal the sum of its shown contributions; each area's
 * reason sentence must agree with the figures beside it and with figures worked out
 * independently from the raw police.uk CSVs (expected-thr.ts); only the City's own LSOAs are
 * scored, and the records outside it are counted as the raw files say; the band meanings and
 * the band rule are shown; the statistics stay in a closed disclosure a keyboard can open;
 * what-if must leave the published model untouched; the review log must survive a reload and a
 * tampered export must be named where it breaks.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';
import { CITY_OF_LONDON_LAD, changeByArea, harmByArea, lsoasOfAuthority, streetPlacement, type AreaHarm, type ChangeFigures } from './expected-thr';
import { createNodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { areaReason, scoreMonth, type RiskDetail, type ScoreResult, type ThrModel } from '../../analytics/thr';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { FAIRNESS_RESIDENTS_NOTE } from '../lib/thr/model-card';
import { chanceWords, pStatement, pValue } from '../lib/thr/reading';
import { formatWeight } from '../lib/charts/format';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');

const MODEL_FILE = 'models/thr/thr-v3.json';
const modelText = readFileSync(MODEL_FILE, 'utf8');
const model = JSON.parse(modelText) as ThrModel;
const weights = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;
const SCORE_UNITS = 2 ** 20;

let browser: TestBrowser;
let page: Page;
let expected: ScoreResult;
let month: string;
/** The City of London Police area: LSOAs 2011 of local authority E09000001, from IMD 2019 File_1. */
const cityLsoas = lsoasOfAuthority(CITY_OF_LONDON_LAD);
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-thr-'));

function monthNumber(m: string): number {
	return Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
}
function monthText(n: number): string {
	return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
}

/** The model file's figures, read here rather than through the engine. */
const harmComponent = model.components.find((c) => c.kind === 'harm')!;
const threatComponent = model.components.find((c) => c.kind === 'threat')! as ThrModel['components'][number] & { recent_months: number; excess: { confidence_level: number } };
const excludedCategories = new Set([...weights.exclusions, ...model.exclusions].map((e) => e.category));
const categoryWeights = new Map(weights.weights.map((w) => [w.category, w.weight]));
/** The months the score reads: its longest window, ending with the assessment month. */
const lookback = Math.max(...model.components.map((c) => c.window_months));

let independentHarm: AreaHarm[];
let independentChange: ChangeFigures[];

async function downloadText(trigger: () => Promise<void>): Promise<{ text: string; name: string }> {
	const [download] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, download.suggestedFilename());
	await download.saveAs(path);
	return { text: readFileSync(path, 'utf8'), name: download.suggestedFilename() };
}

interface ShownRow {
	areaId: string;
	rank: number;
	band: string;
	scoreUnits: number;
	contributionUnits: number[];
	scoreText: string;
	harm: number;
	harmText: string;
	reason: string;
}

async function shownRows(): Promise<ShownRow[]> {
	return page.$$eval('[data-testid="priorities-table"] tbody tr', (trs) =>
		trs.map((tr) => ({
			areaId: tr.getAttribute('data-area')!,
			rank: Number(tr.getAttribute('data-rank')),
			band: tr.getAttribute('data-band') ?? '',
			scoreUnits: Number(tr.getAttribute('data-score-units')),
			contributionUnits: [...tr.querySelectorAll('[data-col="contribution"]')].map((el) => Number(el.getAttribute('data-units'))),
			scoreText: tr.querySelector('td[data-col="score"]')?.textContent?.trim() ?? '',
			harm: Number(tr.querySelector('td[data-col="harm"]')?.getAttribute('data-raw')),
			harmText: tr.querySelector('td[data-col="harm"]')?.textContent?.trim() ?? '',
			reason: tr.querySelector('[data-testid="reason"]')?.textContent?.trim() ?? ''
		}))
	);
}

/** The figures a reason sentence states, parsed back from its words. */
interface ParsedReason {
	share: string;
	harmMonths: number;
	rank: number;
	of: number;
	recentMonths: number | null;
	change: { kind: 'above' | 'below'; pct: number } | { kind: 'times'; factor: number } | { kind: 'same' } | null;
	chance: 'unlikely' | 'consistent' | null;
	expected: number | null;
}

const REASON =
	/^Holds (under 0\.1%|over 99%|\d\.\d%|\d{2}%) of the force's harm over the last (\d+) months \(([\d,]+)(?:st|nd|rd|th) of (\d+) areas\)(?:; harm in the last (\d+) months is (?:(\d+)% (above|below) its usual level|([\d.,]+) times its usual level|at its usual level)(?:, (unlikely to be chance|consistent with chance))?)?; (?:about ([\d.,]+) CCHI days expected next month|no harm expected next month)\.$/;

function parseReason(sentence: string): ParsedReason {
	const m = REASON.exec(sentence);
	if (!m) throw new Error(`reason sentence not in the expected form: ${JSON.stringify(sentence)}`);
	const n = (x: string) => Number(x.replace(/,/g, ''));
	return {
		share: m[1],
		harmMonths: n(m[2]),
		rank: n(m[3]),
		of: n(m[4]),
		recentMonths: m[5] ? n(m[5]) : null,
		change: m[6] ? { kind: m[7] as 'above' | 'below', pct: n(m[6]) } : m[8] ? { kind: 'times', factor: n(m[8]) } : m[5] ? { kind: 'same' } : null,
		chance: m[9] ? (m[9].startsWith('unlikely') ? 'unlikely' : 'consistent') : null,
		expected: m[10] ? n(m[10]) : null
	};
}

/** The sentence's rounding of a share, re-derived: one decimal under 10%, whole per cent from 10%, "under 0.1%" / "over 99%" at the ends. */
function shareText(share: number): string {
	const pct = share * 100;
	if (pct > 0 && pct < 0.05) return 'under 0.1%';
	if (pct < 100 && pct >= 99.5) return 'over 99%';
	const tenths = Math.round(pct * 10) / 10;
	return tenths > 0 && tenths < 10 ? `${tenths.toFixed(1)}%` : `${Math.round(pct)}%`;
}

/** Checks one parsed reason against independent figures for its area. */
function expectReasonAgrees(areaId: string, r: ParsedReason) {
	const h = independentHarm.find((x) => x.lsoa === areaId)!;
	const c = independentChange.find((x) => x.lsoa === areaId)!;
	expect(r.harmMonths).toBe(harmComponent.window_months);
	expect(r.share).toBe(shareText(h.share));
	expect(r.rank).toBe(1 + independentHarm.filter((x) => x.harm > h.harm).length);
	expect(r.of).toBe(cityLsoas.length);
	expect(r.recentMonths).toBe(threatComponent.recent_months);
	expect(c.changePct).not.toBeNull();
	const pct = c.changePct!;
	if (Math.round(pct) === 0) expect(r.change).toEqual({ kind: 'same' });
	else if (pct >= 100) {
		expect(r.change?.kind).toBe('times');
		// "2.1 times": one decimal below 10.
		expect(Math.abs((r.change as { factor: number }).factor - (pct / 100 + 1))).toBeLessThanOrEqual(0.05 + 1e-9);
	} else expect(r.change).toEqual({ kind: pct > 0 ? 'above' : 'below', pct: Math.abs(Math.round(pct)) });
	// Chance is only judged for a rise: one-sided exact test at 1 − the model's confidence level.
	if (pct > 0 && Math.round(pct) !== 0) expect(r.chance).toBe(c.pOneSided < 1 - threatComponent.excess.confidence_level ? 'unlikely' : 'consistent');
	else expect(r.chance).toBeNull();
	// With under 30 months of history (24 here) the forecast is the mean of the last 12 months (model file, Risk).
	expect(r.expected).not.toBeNull();
	expect(Math.abs(r.expected! - h.harm / 12)).toBeLessThanOrEqual(0.5);
}

beforeAll(async () => {
	const runner = await createNodeRunner();
	try {
		await loadInput(runner, [dataDir], { datasets: ['incidents', 'force_area'] });
		const [{ m }] = await runner.rows<{ m: string }>('SELECT max(month) AS m FROM incidents');
		month = String(m);
		expected = await scoreMonth(runner, { model, weights, month });
	} finally {
		runner.close();
	}
	independentHarm = harmByArea({ forceLsoas: cityLsoas, month, windowMonths: harmComponent.window_months, weights: categoryWeights, excluded: excludedCategories });
	independentChange = changeByArea({
		forceLsoas: cityLsoas,
		month,
		recentMonths: threatComponent.recent_months,
		baselineMonths: threatComponent.window_months - threatComponent.recent_months,
		weights: categoryWeights,
		excluded: excludedCategories
	});
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/priorities`);
	await waitForApp(page);
	await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor();
});

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('Priorities', () => {
	it('defaults to the latest month and ranks as the engine does in Node', async () => {
		expect(await page.locator('[data-testid="month-select"]').inputValue()).toBe(month);
		const rows = await shownRows();
		expect(rows.length).toBe(expected.areas.length);
		expect(rows.map((r) => r.areaId)).toEqual(expected.areas.map((a) => a.areaId));
		expect(rows.map((r) => r.scoreUnits)).toEqual(expected.areas.map((a) => a.scoreUnits));
		// Scores rounded for reading: 2 decimals.
		expect(rows.map((r) => r.scoreText)).toEqual(expected.areas.map((a) => a.score.toFixed(2)));
	});

	it("lists only the City of London's own LSOAs, every one of them, and counts the records outside as the raw files do", async () => {
		const rows = await shownRows();
		expect(cityLsoas).toHaveLength(6);
		expect(rows.map((r) => r.areaId).sort()).toEqual(cityLsoas);
		const scope = page.locator('[data-testid="force-scope"]');
		expect(await scope.getAttribute('data-method')).toBe('force-area');
		expect(await page.locator('[data-testid="force-name"]').textContent()).toBe('City of London');
		// Records in the months the score reads whose LSOA is not one of the City's six.
		const from = monthText(monthNumber(month) - lookback + 1);
		expect(await scope.getAttribute('data-from')).toBe(from);
		const raw = streetPlacement(cityLsoas, { from, to: month });
		expect(raw.outside).toBeGreaterThan(0);
		expect(Number(await scope.getAttribute('data-outside'))).toBe(raw.outside);
		expect(Number(await scope.getAttribute('data-unplaced'))).toBe(raw.unplaced);
		expect(await page.locator('[data-testid="outside-count"]').textContent()).toBe(raw.outside.toLocaleString('en-GB'));
		const text = (await scope.textContent())!.replace(/\s+/g, ' ');
		expect(text).toContain(`${raw.outside.toLocaleString('en-GB')} records are located outside the force area and not scored`);
		// The link goes to where they are listed.
		expect(await page.locator('[data-testid="outside-link"]').getAttribute('href')).toMatch(/^\/data(\?source=[^#]+)?#outside$/);
	});

	it("gives each area a reason sentence that agrees with the table's figures and with the raw CSVs", async () => {
		const rows = await shownRows();
		const total = rows.reduce((s, r) => s + r.harm, 0);
		for (const row of rows) {
			const r = parseReason(row.reason);
			// With the table: the share and rank of the harm column, out of the rows shown.
			expect(r.share).toBe(shareText(row.harm / total));
			expect(r.rank).toBe(1 + rows.filter((x) => x.harm > row.harm).length);
			expect(r.of).toBe(rows.length);
			// The harm column itself, against the raw CSVs: same figure, and its rounding for reading.
			const h = independentHarm.find((x) => x.lsoa === row.areaId)!;
			expect(Math.abs(row.harm - h.harm)).toBeLessThan(1e-6 * Math.max(1, h.harm));
			expect(row.harmText).toBe(Math.round(h.harm).toLocaleString('en-GB'));
			expectReasonAgrees(row.areaId, r);
		}
	});

	it('shows what each band means and puts areas in bands by that rule', async () => {
		for (const b of model.bands) {
			const text = (await page.locator(`[data-testid="band-legend"] li[data-band="${b.id}"] [data-testid="band-meaning"]`).textContent())!;
			expect(b.meaning).toBeTruthy();
			// The badge says the label; the sentence follows it.
			expect(`${b.label}: ${text.charAt(0).toLowerCase()}${text.slice(1)}`).toBe(b.meaning);
		}
		// The rule, worked independently down the ranking shown: expected harm next month is the
		// mean of the last 12 months here (under 30 months of history), High = the fewest
		// top-ranked areas holding half of the total, Medium up to 80%, Low the rest.
		const rows = await shownRows();
		const expectedHarm = (id: string) => independentHarm.find((x) => x.lsoa === id)!.harm / 12;
		const total = rows.reduce((s, r) => s + expectedHarm(r.areaId), 0);
		let before = 0;
		for (const row of rows) {
			const e = expectedHarm(row.areaId);
			const band = !(e > 0) ? 'low' : before < 0.5 * total ? 'high' : before < 0.8 * total ? 'medium' : 'low';
			expect(row.band).toBe(band);
			before += e;
		}
		const high = rows.filter((r) => r.band === 'high');
		expect(high.reduce((s, r) => s + expectedHarm(r.areaId), 0)).toBeGreaterThanOrEqual(0.5 * total);
		expect(high.slice(0, -1).reduce((s, r) => s + expectedHarm(r.areaId), 0)).toBeLessThan(0.5 * total);
	});

	it('shows scores that are exactly the sum of their shown contributions, in rank order', async () => {
		const rows = await shownRows();
		for (const [i, r] of rows.entries()) {
			expect(r.rank).toBe(i + 1);
			expect(r.contributionUnits).toHaveLength(model.components.length);
			expect(r.contributionUnits.reduce((a, b) => a + b, 0)).toBe(r.scoreUnits);
			if (i > 0) expect(r.scoreUnits).toBeLessThanOrEqual(rows[i - 1].scoreUnits);
		}
		// Every row has a trend with a text alternative.
		await page.locator('[data-testid="priorities"][data-trend="ready"]').waitFor();
		const labels = await page.$$eval('[data-testid="priorities-table"] tbody svg.sparkline', (svgs) => svgs.map((s) => s.getAttribute('aria-label') ?? ''));
		expect(labels.length).toBe(rows.length);
		expect(labels.every((l) => l.startsWith('THR score of'))).toBe(true);
	});

	it('keeps the statistics in a disclosure that is closed at first and opens from the keyboard', async () => {
		const details = page.locator('[data-testid="statistics"]');
		expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
		expect(await page.locator('[data-testid="statistics-table"]').isVisible()).toBe(false);
		await page.locator('body').focus();
		let reached = false;
		for (let i = 0; i < 200 && !reached; i++) {
			await page.keyboard.press('Tab');
			reached = await page.evaluate(() => document.activeElement?.matches('[data-testid="statistics"] > summary') ?? false);
		}
		expect(reached).toBe(true);
		await page.keyboard.press('Enter');
		expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
		await page.locator('[data-testid="statistics-table"]').waitFor({ state: 'visible' });
		// The exact binary expansions parse back to the very scores and contributions of the engine.
		const exact = await page.$$eval('[data-testid="statistics-table"] tbody tr', (trs) =>
			trs.map((tr) => ({
				areaId: tr.getAttribute('data-area'),
				score: tr.querySelector('[data-col="exact-score"]')!.textContent!.trim(),
				contributions: [...tr.querySelectorAll('[data-col="exact-contribution"]')].map((td) => td.textContent!.trim())
			}))
		);
		expect(exact.map((x) => x.areaId)).toEqual(expected.areas.map((a) => a.areaId));
		for (const [i, x] of exact.entries()) {
			const a = expected.areas[i];
			expect(Number(x.score)).toBe(a.scoreUnits / SCORE_UNITS);
			expect(x.contributions.map(Number)).toEqual(a.components.map((c) => c.contributionUnits / SCORE_UNITS));
		}
		await page.keyboard.press('Enter');
		expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
	});

	it('writes the statistics as a report does: p as "< 0.001" or 3 figures with words beside it, the reference with separators', async () => {
		const details = page.locator('[data-testid="statistics"]');
		await details.locator('summary').click();
		await page.locator('[data-testid="statistics-table"]').waitFor({ state: 'visible' });
		const shown = await page.$$eval('[data-testid="statistics-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ areaId: tr.getAttribute('data-area')!, p: tr.querySelector('[data-col="p"]')!.textContent!.replace(/\s+/g, ' ').trim() }))
		);
		expect(shown).toHaveLength(cityLsoas.length);
		for (const row of shown) {
			// The one-sided p worked from the raw CSVs (expected-thr.ts), written by the page's rule.
			const c = independentChange.find((x) => x.lsoa === row.areaId)!;
			expect(row.p).toBe(`${pValue(c.pOneSided)} (${chanceWords(c.pOneSided)})`);
		}
		const panel = (await details.textContent())!;
		expect(panel).not.toMatch(/\de[-+]\d/);
		expect(await page.locator('[data-testid="p-meaning"]').textContent()).toContain('how often chance alone would give an area at least its recent count');
		expect(await page.locator('[data-testid="reference"]').textContent()).toBe(formatWeight(expected.reference!));
		await details.locator('summary').click();

		// The area profile's Statistics: p stated with its relation and in words; no e-notation and
		// no unrounded binary expansion outside the exact score and contributions.
		const top = expected.areas[0];
		await page.goto(`${baseUrl}/area?id=${top.areaId}&month=${month}`);
		await waitForApp(page);
		await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor();
		const stats = page.locator('[data-testid="area-profile"] [data-testid="statistics"]');
		await stats.locator('summary').click();
		const c = independentChange.find((x) => x.lsoa === top.areaId)!;
		const threat = (await page.locator('[data-testid="threat-statistics"]').textContent())!.replace(/\s+/g, ' ');
		expect(threat).toContain(`exact conditional binomial test: ${pStatement(c.pOneSided, 'one-sided p')}, two-sided p`);
		expect(threat).toContain(`chance alone would give a recent count at least this high ${chanceWords(c.pOneSided)}.`);
		expect(await page.locator('[data-testid="area-profile"] [data-testid="reference"]').textContent()).toBe(`${formatWeight(expected.reference!)} CCHI days: the largest 12-month harm of any area in scope`);
		const exactParts = new Set(top.components.map((x) => x.contributionUnits / SCORE_UNITS).concat(top.scoreUnits / SCORE_UNITS));
		// innerText: table cells apart (textContent runs "130.9" and "0.994" together).
		const text = await stats.innerText();
		expect(text).not.toMatch(/\de[-+]\d/);
		const long = (text.match(/\d+\.\d{5,}/g) ?? []).filter((x) => !exactParts.has(Number(x)));
		expect(long).toEqual([]);
		await page.goto(`${baseUrl}/priorities`);
		await waitForApp(page);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor();
	});

	it('opens the area profile with the reason first, the same score and contributions, and the statistics closed', async () => {
		const [first] = await shownRows();
		await page.locator(`tr[data-area="${first.areaId}"] a[data-testid="area-link"]`).click();
		await page.waitForURL(/\/area\?/);
		await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor();
		const reason = (await page.locator('[data-testid="area-reason"]').textContent())!.trim();
		expect(reason).toBe(first.reason);
		expect(reason).toBe(areaReason(expected, first.areaId).sentence);
		const parsed = parseReason(reason);
		expectReasonAgrees(first.areaId, parsed);
		expect(Number(await page.locator('[data-testid="area-score"]').getAttribute('data-score-units'))).toBe(first.scoreUnits);
		const units = await page.$$eval('[data-testid="components-table"] tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-units'))));
		expect(units).toEqual(first.contributionUnits);
		expect(await page.locator('[data-testid="area-rank"]').textContent()).toBe('1');
		// The sentence's harm is the Harm row of the components table, rounded the same way.
		const harmRow = page.locator('[data-testid="components-table"] tbody tr[data-component="harm"]');
		expect(await harmRow.locator('[data-col="raw"]').textContent()).toBe(Math.round(independentHarm.find((x) => x.lsoa === first.areaId)!.harm).toLocaleString('en-GB'));
		expect(await page.locator('[data-testid="area-band-meaning"]').textContent()).toBe(model.bands.find((b) => b.id === first.band)!.meaning);
		expect(await page.locator('[data-testid="harm-table"] tbody tr').count()).toBeGreaterThan(0);
		// Risk: the forecast and its interval, as the engine computes them in Node, rounded for reading;
		// the sentence's "about N CCHI days expected next month" is the same figure.
		const risk = expected.areas[0].components.find((c) => c.kind === 'risk')!.detail as RiskDetail;
		const run = risk.run!;
		const whole = (x: number) => (x >= 10 ? Math.round(x).toLocaleString('en-GB') : x.toLocaleString('en-GB', { maximumFractionDigits: 1 }));
		const riskText = (await page.locator('[data-testid="risk"]').textContent())!.replace(/\s+/g, ' ');
		expect(riskText).toContain(`about ${whole(risk.expected)} CCHI days`);
		expect(parsed.expected).toBe(Number(whole(risk.expected).replace(/,/g, '')));
		expect(await page.locator('[data-testid="risk-interval"]').textContent()).toBe(`${whole(risk.low)} – ${whole(risk.high)}`);
		expect(risk.high).toBeGreaterThan(risk.low);
		const method = (await page.locator('[data-testid="risk-method"]').textContent())!.replace(/\s+/g, ' ');
		expect(method).toContain(run.methodLabel);
		expect(method).toContain('no month-of-year season');
		expect(run.historyTo).toBe(month);
		expect(await page.locator('[data-testid="risk-history"] tbody tr').count()).toBe(risk.history!.length);
		// Statistics: closed, holding φ, the backtest and the exact score.
		const details = page.locator('[data-testid="area-profile"] [data-testid="statistics"]');
		expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
		expect(await page.locator('[data-testid="risk-statistics"]').isVisible()).toBe(false);
		await details.locator('summary').click();
		expect((await page.locator('[data-testid="risk-statistics"]').textContent())!.replace(/\s+/g, ' ')).toContain(`φ = ${run.overdispersion.toFixed(3)}`);
		expect(await page.locator('[data-testid="risk-backtest"] tbody tr').count()).toBe(run.backtest.length);
		expect(Number((await page.locator('[data-testid="exact-score"]').textContent())!.split(' = ')[0])).toBe(first.scoreUnits / SCORE_UNITS);
		const threatStats = (await page.locator('[data-testid="threat-statistics"]').textContent())!.replace(/\s+/g, ' ');
		const c = independentChange.find((x) => x.lsoa === first.areaId)!;
		expect(threatStats).toContain(`${c.recentCount.toLocaleString('en-GB')} incidents in the recent months against ${c.baselineCount.toLocaleString('en-GB')}`);
		expect(await page.locator('[data-testid="versions"]').textContent()).toContain(`${model.id} v${model.version}`);
		expect(await page.locator('[data-testid="incident-rows"] tbody tr').count()).toBeGreaterThan(0);
		// The top area is in the top band: nothing moves it up.
		expect(await page.locator('[data-testid="band-move-up"]').count()).toBe(0);
	});

	it('says what would move an area to the next band in plain units', async () => {
		// The third area (Low on the City sample): its Harm line reads "+N CCHI days (from X to Y)"
		// with X its harm as the raw CSVs give it and X + N = Y, rounded for reading.
		const third = expected.areas[2];
		expect(third.band).not.toBe(model.bands[0].id);
		await page.goto(`${baseUrl}/area?id=${third.areaId}&month=${month}`);
		await waitForApp(page);
		await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor();
		const heading = (await page.locator('[data-testid="band-move-up-title"]').textContent())!;
		const target = model.bands[model.bands.findIndex((b) => b.id === third.band) - 1];
		expect(heading).toContain(`Up to ${target.label}: its score would have to rise by`);
		const harmMove = (await page.locator('[data-testid="band-move-up"] li[data-component="harm"]').textContent())!.replace(/\s+/g, ' ');
		const mv = /Harm: \+([\d,]+) CCHI days \(from ([\d,]+) to ([\d,]+)\)/.exec(harmMove);
		expect(mv, harmMove).not.toBeNull();
		const [change, from, to] = mv!.slice(1).map((x) => Number(x.replace(/,/g, '')));
		expect(mv![2]).toBe(Math.round(independentHarm.find((x) => x.lsoa === third.areaId)!.harm).toLocaleString('en-GB'));
		expect(Math.abs(from + change - to)).toBeLessThanOrEqual(1);
		expect(to).toBeGreaterThan(from);
	});

	it('says an area outside the force area is not scored, and where its records are listed', async () => {
		// Islington 023D (E01002704, 164 rows in the raw CSVs): one of the "High" areas of thr-v2, which scored every London LSOA with records.
		const outside = 'E01002704';
		expect(cityLsoas).not.toContain(outside);
		await page.goto(`${baseUrl}/area?id=${outside}&month=${month}`);
		await waitForApp(page);
		await page.locator('[data-testid="area-profile"][data-state="not-scored"]').waitFor();
		const text = (await page.locator('[data-testid="not-scored"]').textContent())!.replace(/\s+/g, ' ');
		expect(text).toContain(`${outside} is not scored`);
		expect(text).toContain(`not one of the ${cityLsoas.length} areas of the force area, City of London`);
		expect(await page.locator('[data-testid="not-scored"] a').getAttribute('href')).toMatch(/^\/data(\?source=[^#]+)?#outside$/);
	});
});

describe('Compare', () => {
	it('says in plain words why one area is above the other, and the differences add up to the score difference', async () => {
		await page.goto(`${baseUrl}/priorities?month=${month}`);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor();
		const a = expected.areas[0];
		const b = expected.areas[2];
		await page.locator(`tr[data-area="${b.areaId}"] input[type="checkbox"]`).check();
		await page.locator(`tr[data-area="${a.areaId}"] input[type="checkbox"]`).check();
		await page.locator('[data-testid="compare-button"]').click();
		await page.waitForURL(/\/compare\?/);
		await page.locator('[data-testid="compare"][data-state="ready"]').waitFor();
		const summary = ((await page.locator('[data-testid="compare-summary"]').textContent()) ?? '').replace(/\s+/g, ' ');
		expect(summary.indexOf(a.areaId)).toBeLessThan(summary.indexOf(b.areaId));
		expect(summary).toContain('ranks above');
		expect(summary).toContain(`its score is higher by ${((a.scoreUnits - b.scoreUnits) / SCORE_UNITS).toFixed(2)}`);
		const diffs = await page.$$eval('[data-testid="compare-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ id: tr.getAttribute('data-component')!, units: Number(tr.getAttribute('data-difference-units')) }))
		);
		expect(diffs.reduce((x, y) => x + y.units, 0)).toBe(a.scoreUnits - b.scoreUnits);
		// The component named as giving the gap is the one with the largest difference in its favour,
		// with both areas' raw values as the table shows them.
		const top = [...diffs].sort((x, y) => y.units - x.units)[0];
		const label = model.components.find((c) => c.id === top.id)!.label.replace(/\s*\(.*\)$/, '');
		expect(summary).toMatch(new RegExp(`${label} gives (most|the largest part) of the gap`));
		const harmA = Math.round(independentHarm.find((x) => x.lsoa === a.areaId)!.harm).toLocaleString('en-GB');
		const harmB = Math.round(independentHarm.find((x) => x.lsoa === b.areaId)!.harm).toLocaleString('en-GB');
		expect(summary).toContain(`${harmA} against ${harmB} CCHI days`);
		// Each area's own reason is shown too.
		const reasons = await page.locator('[data-testid="compare-reason"]').allTextContents();
		expect(reasons.map((r) => r.trim())).toEqual([areaReason(expected, a.areaId).sentence, areaReason(expected, b.areaId).sentence]);
		expect(await page.locator('[data-testid="compare"] [data-testid="statistics"]').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
	});
});

describe('Model', () => {
	it('shows the published version, the force area and the band rule with each band\'s meaning', async () => {
		await page.goto(`${baseUrl}/model?month=${month}`);
		await waitForApp(page);
		await page.locator('[data-testid="model-page"][data-state="ready"]').waitFor();
		expect(await page.locator('[data-testid="published-version"]').textContent()).toBe('3.0.0');
		// The band rule and each band's meaning, from the model file, on the model card.
		expect((await page.locator('[data-testid="model-card"] [data-testid="band-rule"]').textContent())!.trim()).toBe(model.band_rule!.description);
		for (const b of model.bands) {
			expect((await page.locator(`[data-testid="model-card"] li[data-band="${b.id}"]`).textContent())!.replace(/\s+/g, ' ')).toContain(b.meaning!);
		}
		const from = monthText(monthNumber(month) - lookback + 1);
		expect(Number(await page.locator('[data-testid="model-scope"] [data-testid="force-scope"]').getAttribute('data-outside'))).toBe(streetPlacement(cityLsoas, { from, to: month }).outside);
	});

	it('shows rank changes for a what-if and leaves the published model download unchanged', async () => {
		const before = await downloadText(() => page.locator('[data-testid="download-json"]').click());
		expect(JSON.parse(before.text).model).toEqual(model);
		const md = await downloadText(() => page.locator('[data-testid="download-md"]').click());
		expect(md.text).toContain(`# Model card: ${model.title}`);
		expect(await page.locator('[data-testid="fairness-decile"] tbody tr').count()).toBeGreaterThan(0);
		// Its residents are IMD 2019's mid-2015 estimates, named as such beside the stop and search tables' Census 2021 residents.
		expect(await page.locator('[data-testid="fairness-decile"] thead').textContent()).toContain('Residents in flagged areas (mid-2015)');
		expect(await page.locator('[data-testid="fairness-population-source"]').textContent()).toBe(FAIRNESS_RESIDENTS_NOTE);
		expect(md.text).toContain('| residents (mid-2015) | residents in flagged areas (mid-2015) |');
		expect(md.text).toContain(FAIRNESS_RESIDENTS_NOTE);

		// In the City, harm is so concentrated that weights alone move no rank under v3; leaving the
		// three heaviest categories out of harm as well swaps two of the smaller areas.
		await page.locator('input[data-component="harm"]').fill('0.6');
		await page.locator('input[data-component="threat"]').fill('0.1');
		for (const category of ['Violence and sexual offences', 'Burglary', 'Robbery']) await page.locator(`input[data-category="${category}"]`).check();
		await page.locator('[data-testid="what-if-run"]').click();
		await page.locator('[data-testid="rank-changes"]').waitFor();
		expect(await page.locator('[data-testid="what-if-summary"]').textContent()).toContain('+what-if');
		expect(await page.locator('[data-testid="rank-changes"] tbody tr').count()).toBeGreaterThan(0);

		const after = await downloadText(() => page.locator('[data-testid="download-json"]').click());
		expect(JSON.parse(after.text).model).toEqual(model);
		expect(JSON.parse(after.text).model).toEqual(JSON.parse(before.text).model);
		expect(readFileSync(MODEL_FILE, 'utf8')).toBe(modelText);
	});
});

describe('Review', () => {
	const area = () => expected.areas[1].areaId;

	it('records a decision that survives a reload and annotates the ranking', async () => {
		await page.goto(`${baseUrl}/area?id=${area()}&month=${month}`);
		await waitForApp(page);
		await page.locator('[data-testid="review-panel"][data-state="ok"]').waitFor();
		await page.locator('input[name="decision"][value="raise"]').check();
		await page.locator('textarea[name="reason"]').fill('Repeat burglary series reported by the neighbourhood team');
		await page.locator('input[name="reviewer"]').fill('PC 1234');
		await page.getByRole('button', { name: 'Record decision' }).click();
		await page.locator('[data-testid="review-message"]').waitFor();
		await page.locator('input[name="decision"][value="agree"]').check();
		await page.locator('textarea[name="reason"]').fill('Second look: agree');
		await page.getByRole('button', { name: 'Record decision' }).click();
		await page.locator('[data-testid="review-history"] li[data-seq="1"]').waitFor();

		await page.reload();
		await page.locator('[data-testid="review-panel"][data-state="ok"]').waitFor();
		await page.locator('[data-testid="review-history"] li[data-seq="1"]').waitFor();
		expect(await page.locator('[data-testid="review-history"]').textContent()).toContain('Repeat burglary series');
		// Score is unchanged by the review.
		await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor();
		expect(Number(await page.locator('[data-testid="area-score"]').getAttribute('data-score-units'))).toBe(expected.areas[1].scoreUnits);

		await page.goto(`${baseUrl}/priorities?month=${month}`);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor();
		expect(await page.locator(`tr[data-area="${area()}"] td[data-col="review"]`).textContent()).toContain('Agree');
		const rows = await shownRows();
		expect(rows.slice(0, 10).map((r) => r.scoreUnits)).toEqual(expected.areas.slice(0, 10).map((a) => a.scoreUnits));
	});

	it('exports the log and names the entry broken by tampering on import', async () => {
		await page.goto(`${baseUrl}/model?month=${month}`);
		await waitForApp(page);
		await page.locator('[data-testid="review-log"][data-state="ok"]').waitFor();
		expect(await page.locator('[data-testid="log-table"] tbody tr').count()).toBe(2);
		const exported = await downloadText(() => page.locator('[data-testid="log-export"]').click());
		const file = JSON.parse(exported.text) as { entries: Array<{ reason: string }> };
		expect(file.entries).toHaveLength(2);

		const good = join(tmp, 'good.json');
		writeFileSync(good, exported.text);
		await page.locator('[data-testid="log-import"]').setInputFiles(good);
		await page.locator('[data-testid="import-result"][data-ok="true"]').waitFor();

		file.entries[0].reason = 'Nothing to see here';
		const bad = join(tmp, 'tampered.json');
		writeFileSync(bad, JSON.stringify(file));
		await page.locator('[data-testid="log-import"]').setInputFiles(bad);
		await page.locator('[data-testid="import-result"][data-ok="false"]').waitFor();
		const text = (await page.locator('[data-testid="import-result"]').textContent()) ?? '';
		expect(text).toContain('entry #0 (position 1) was changed after it was recorded');
		// The local log is untouched.
		expect(await page.locator('[data-testid="review-log"][data-state="ok"] [data-testid="log-status"]').textContent()).toContain('2 entries');
	});

	it('reports corrupt stored state instead of dropping it', async () => {
		await page.evaluate(() => {
			const key = 'clearsight:review-log:v1';
			const entries = JSON.parse(localStorage.getItem(key)!);
			entries[1].reason = 'edited in storage';
			localStorage.setItem(key, JSON.stringify(entries));
		});
		await page.reload();
		await page.locator('[data-testid="review-log"][data-state="corrupt"]').waitFor();
		expect(await page.locator('[data-testid="review-corrupt"]').first().textContent()).toContain('entry #1 (position 2) was changed');
		const stored = await downloadText(() => page.getByRole('button', { name: 'Export the log as stored' }).first().click());
		expect(JSON.parse(stored.text)[1].reason).toBe('edited in storage');
	});
});

describe('THR pages: no errors, nothing off the machine', () => {
	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => ['127.0.0.1'].includes(new URL(u).hostname) || /^(data|blob):/.test(u))).toBe(true);
	});
});
