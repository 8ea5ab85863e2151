/**
 * The held-out harm accuracy of the THR ranking in headless Chromium against the built app and
 * the City of London sample extract: the Accuracy page's harm table is compared with the same
 * evaluation run natively (@duckdb/node-api) over the same extract; every verdict sentence must
 * agree with the figures the page shows; the model card shows the same figures and statement and
 * its downloads carry them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract } from '../../scripts/lib/load-input';
import { openExtract } from './extract-runner';
import { evaluateHotspots, harmAccuracy, kdeMethod, lastPeriodMethod, pairedLeadTest, thrHotspotMethod, type HarmAccuracy, type MethodEvaluation } from '../../analytics/hotspots';
import { backtestDemand, HOTSPOT_AREA_SHARES, hotspotTestMonths, policeFoundLeftOut, policeFoundNote, policeFoundSentence, policeFoundSettingLine, policeFoundSettingNote, type PoliceFoundLeftOut } from '../lib/forecast/demand';
import { modelAtUnit, type ThrModel } from '../../analytics/thr';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { demandPrediction, hotspotPredictions, type DemandPredictionRecord, type HotspotPredictionRecord } from '../lib/thr/other-predictions';
// The published model (web/lib/thr/data.ts) is judged; v2 is shown beside it (web/lib/forecast/accuracy.ts).
import thrV3 from '../../models/thr/thr-v3.json';
import thrV2 from '../../models/thr/thr-v2.json';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
const weights = cchi as HarmWeightsModel;

let browser: TestBrowser;
let page: Page;
let runner: NodeRunner;
let native: HarmAccuracy;
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-accuracy-'));

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadExtract(runner, dataDir);
	const t = performance.now();
	native = (await harmAccuracy(runner, {
		models: [
			{ model: thrV3 as unknown as ThrModel, weights },
			{ model: thrV2 as unknown as ThrModel, weights }
		],
		months: 12
	}))!;
	console.log(`Native harm accuracy (12 origins, 6 methods): ${((performance.now() - t) / 1000).toFixed(1)} s`);
	browser = await launchBrowser();
	page = await browser.newPage();
});

afterAll(async () => {
	await browser?.close();
	runner?.close();
	rmSync(tmp, { recursive: true, force: true });
});

/** The figures the page shows in a harm table: method → area share → { share held, harm-PAI } (from data attributes). */
async function shownFigures(table: string): Promise<Record<string, Record<string, { share: number; pai: number }>>> {
	return page.$$eval(`[data-testid="${table}"] tbody tr`, (trs) => {
		const out: Record<string, Record<string, { share: number; pai: number }>> = {};
		for (const tr of trs) {
			const cells: Record<string, { share: number; pai: number }> = {};
			for (const td of tr.querySelectorAll('td[data-metric="harm-share"]')) {
				const s = td.getAttribute('data-share')!;
				const pai = tr.querySelector(`td[data-metric="harm-pai"][data-share="${s}"]`)!;
				cells[s] = { share: Number(td.getAttribute('data-value')), pai: Number(pai.getAttribute('data-value')) };
			}
			out[tr.getAttribute('data-method')!] = cells;
		}
		return out;
	});
}

describe('Accuracy page: harm captured by the ranking', () => {
	it('measures the THR models and the four baselines over the force area as the native evaluation does', async () => {
		const start = Date.now();
		await page.goto(`${baseUrl}/accuracy`);
		await page.locator('[data-testid="harm-accuracy"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const measures = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('measure').filter((m) => m.name.startsWith('accuracy:')).map((m) => [m.name, Math.round(m.duration)])));
		console.log(`Accuracy page harm table ready after ${Date.now() - start} ms;`, measures);
		expect(native.testMonths).toHaveLength(12);
		expect(native.region).toEqual({ basis: 'force area', areas: 6, forceArea: 'City of London', warnings: [] });
		expect(await page.locator('[data-testid="harm-table"]').getAttribute('data-judged')).toBe('thr-v3');
		const shown = await shownFigures('harm-table');
		expect(Object.keys(shown)).toEqual(['thr-v3', 'thr-v2', 'last-harm', 'harm-12', 'last-period', 'kde']);
		for (const e of native.evaluations) {
			for (const m of e.mean) {
				expect(shown[e.method][String(m.areaShare)].share, `${e.method} at ${m.areaShare}`).toBeCloseTo(m.hitRate!, 9);
				expect(shown[e.method][String(m.areaShare)].pai).toBeCloseTo(m.pai!, 9);
			}
		}
		const caption = await page.locator('[data-testid="harm-table"] caption').textContent();
		expect(caption!.replace(/\s+/g, ' ')).toContain('mean over 12 held-back months, Dec 2018 to Nov 2019');
	});

	it('names the force area and links the records outside it, with their number', async () => {
		expect(await page.locator('[data-testid="harm-force-name"]').textContent()).toBe('City of London');
		expect(native.records.outside).toBeGreaterThan(0);
		expect(await page.locator('[data-testid="harm-outside-count"]').textContent()).toBe(native.records.outside.toLocaleString('en-GB'));
		expect(await page.locator('[data-testid="harm-outside-link"]').getAttribute('href')).toMatch(/\/data\?source=city-of-london#outside$/);
	});

	it('every verdict agrees with the figures shown: the share held, and "does not beat" exactly where a baseline holds as much or more', async () => {
		const shown = await shownFigures('harm-table');
		const baselines = ['last-harm', 'harm-12', 'last-period', 'kde'];
		const items = page.locator('[data-testid="harm-verdicts"] li[data-share]');
		expect(await items.count()).toBe(4);
		for (let i = 0; i < 4; i++) {
			const li = items.nth(i);
			const share = (await li.getAttribute('data-share'))!;
			const text = (await li.textContent())!.trim();
			expect(text).toBe(native.verdicts[i].sentence);
			const held = shown['thr-v3'][share].share;
			// "held 43%" (or with decimals): the figure read aloud is the shown share, rounded.
			const [, figure, decimals] = /held (\d+(?:\.(\d+))?)% of the next month's harm/.exec(text)!;
			expect(Math.abs(Number(figure) - 100 * held)).toBeLessThanOrEqual(0.5 * 10 ** -(decimals?.length ?? 0) + 1e-9);
			const notBeaten = baselines.filter((b) => shown[b][share].share >= held);
			expect(((await li.getAttribute('data-not-beaten')) ?? '').split(' ').filter(Boolean)).toEqual(notBeaten);
			expect(text.includes('does not beat')).toBe(notBeaten.length > 0);
			expect(text.includes('more than every baseline')).toBe(notBeaten.length === 0);
		}
		expect((await page.locator('[data-testid="harm-statement"]').textContent())!.trim()).toBe(native.statement);
	});

	it('writes every PAI and harm-PAI on the page to the same 2 decimals, the figure it holds', async () => {
		await page.locator('[data-testid="hotspots"][data-state="ready"]').waitFor({ timeout: 180_000 });
		await page.locator('[data-testid="hotspot-table"]').waitFor();
		const cells = await page.$$eval('td[data-metric="pai"], td[data-metric="harm-pai"]', (tds) =>
			tds.map((td) => ({ table: td.closest('table')!.getAttribute('data-testid'), text: td.textContent!.trim(), value: td.getAttribute('data-value') }))
		);
		// The hot-spot table (records) and the harm table are both on the page, and both hold PAIs.
		const tables = new Set(cells.map((c) => c.table));
		expect(tables.has('hotspot-table') && tables.has('harm-table')).toBe(true);
		for (const c of cells) {
			expect(c.text, `${c.table}: ${c.text}`).toMatch(/^(—|\d{1,3}(,\d{3})*\.\d{2})$/);
			if (c.text !== '—') expect(Math.abs(Number(c.text.replace(/,/g, '')) - Number(c.value))).toBeLessThanOrEqual(0.005 + 1e-9);
		}
	});

	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => new URL(u).hostname === '127.0.0.1' || !u.startsWith('http'))).toBe(true);
	});
});

describe('Model page: the model card carries the accuracy', () => {
	it('shows the same figures and statement as the Accuracy page, without measuring again', async () => {
		await page.locator('nav a[href*="/model"]').first().click();
		await page.locator('[data-testid="card-accuracy"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const shown = await shownFigures('card-accuracy-table');
		for (const e of native.evaluations) for (const m of e.mean) expect(shown[e.method][String(m.areaShare)].share).toBeCloseTo(m.hitRate!, 9);
		expect((await page.locator('[data-testid="card-accuracy-statement"]').textContent())!.trim()).toBe(native.statement);
		// One measurement per database: the client-side navigation reused the Accuracy page's.
		const computed = await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name === 'accuracy:harm-computed').length);
		expect(computed).toBe(1);
	});

	it('the Markdown and JSON downloads carry the figures and where the model does not beat a baseline', async () => {
		const save = async (testid: string) => {
			const [download] = (await Promise.all([page.waitForEvent('download'), page.locator(`[data-testid="${testid}"]`).click()])) as [Download, void];
			const path = join(tmp, download.suggestedFilename());
			await download.saveAs(path);
			return readFileSync(path, 'utf8');
		};
		const md = await save('download-md');
		expect(md).toContain('## Accuracy on later months: harm captured');
		expect(md).toContain(`**${native.statement}**`);
		for (const v of native.verdicts) expect(md).toContain(`- ${v.sentence}`);
		const json = JSON.parse(await save('download-json'));
		expect(json.measured_accuracy.test_months).toEqual(native.testMonths);
		expect(json.measured_accuracy.where_it_does_not_beat_baselines).toBe(native.statement);
		expect(json.measured_accuracy.methods.map((m: { method: string }) => m.method)).toEqual(native.evaluations.map((e) => e.method));
		expect(json.transparency_record.tier_2.tool_specification.model_performance.where_it_does_not_beat_baselines).toBe(native.statement);
		expect(json.measured_accuracy.extract.fingerprint).toMatch(/^[0-9a-f]{64}$/);
	});

	it('the other predictions (hot spots at 5% and 10%, hourly demand) as the Accuracy and Forecast pages’ functions compute them natively, on the page and in the downloads', async () => {
		const hot = (await hotspotPredictions(runner)) as HotspotPredictionRecord;
		const demand: DemandPredictionRecord = await demandPrediction(runner);
		await page.locator('[data-testid="card-other-hotspots"][data-state="ready"]').waitFor({ timeout: 180_000 });
		await page.locator('[data-testid="card-other-demand"][data-state="ready"]').waitFor({ timeout: 180_000 });
		expect(hot.budgets.map((b) => b.budget_share)).toEqual([0.05, 0.1]);
		const shown = await page.$$eval('[data-testid="card-other-hotspots-table"] tbody tr', (trs) =>
			trs.map((tr) => ({ share: Number(tr.getAttribute('data-share')), pai: [...tr.querySelectorAll('td')].map((td) => [td.getAttribute('data-method'), Number(td.getAttribute('data-value'))]) }))
		);
		expect(shown.map((r) => r.share)).toEqual([0.05, 0.1]);
		for (const [i, b] of hot.budgets.entries()) {
			expect(shown[i].pai.map(([m]) => m)).toEqual(b.methods.map((m) => m.method));
			for (const [j, m] of b.methods.entries()) expect(shown[i].pai[j][1] as number).toBeCloseTo(m.pai!, 9);
		}
		const sentences = (await page.locator('[data-testid="card-other-hotspots-verdicts"] li strong').allTextContents()).map((t) => t.trim());
		expect(sentences).toEqual(hot.budgets.flatMap((b) => b.verdicts.map((v) => v.sentence)));
		// The City of London sample has no timestamped demand: one line says so.
		expect(demand.available).toBe(false);
		expect((await page.locator('[data-testid="card-other-demand-none"]').textContent())!.trim()).toBe(demand.available ? '' : demand.sentence);
		for (const link of ['/accuracy', '/forecast']) expect(await page.locator(`[data-testid="model-card"] a[href*="${link}"]`).count()).toBeGreaterThan(0);

		const [download] = (await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-json"]').click()])) as [Download, void];
		const path = join(tmp, `other-${download.suggestedFilename()}`);
		await download.saveAs(path);
		const json = JSON.parse(readFileSync(path, 'utf8'));
		expect(json.other_predictions.demand).toEqual(demand);
		expect(json.other_predictions.hotspots.origins).toEqual(hot.origins);
		expect(json.other_predictions.hotspots.budgets.map((b: { verdicts: unknown }) => b.verdicts)).toEqual(hot.budgets.map((b) => b.verdicts));
		for (const [i, b] of hot.budgets.entries())
			for (const [j, m] of b.methods.entries()) expect(json.other_predictions.hotspots.budgets[i].methods[j].pai).toBeCloseTo(m.pai!, 9);
		const record = json.transparency_record.other_predictions;
		expect(record.demand).toEqual({ description: demand.available ? null : demand.sentence });
		expect(record.hotspots.verdicts).toEqual(hot.budgets.flatMap((b) => b.verdicts.map((v) => `At ${Math.round(b.budget_share * 100)}% of the area: ${v.sentence}`)));
	});

	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
	});
});

describe('the other shipped sources', () => {
	it('Lancashire: the harm table over its 941 force-area LSOAs, 11 origins (12 months of data), as natively', async () => {
		const other = await openExtract('lancashire-asb');
		let lancashire: HarmAccuracy;
		try {
			lancashire = (await harmAccuracy(other, {
				models: [
					{ model: thrV3 as unknown as ThrModel, weights },
					{ model: thrV2 as unknown as ThrModel, weights }
				],
				months: 12
			}))!;
		} finally {
			other.close();
		}
		expect(lancashire.region).toMatchObject({ basis: 'force area', areas: 941, forceArea: 'Lancashire' });
		expect(lancashire.testMonths).toHaveLength(11);
		const start = Date.now();
		await page.goto(`${baseUrl}/accuracy?source=lancashire-asb`);
		await page.locator('[data-testid="harm-accuracy"][data-state="ready"]').waitFor({ timeout: 180_000 });
		console.log(`Lancashire: Accuracy page harm table ready after ${Date.now() - start} ms`);
		expect(await page.locator('[data-testid="harm-force-name"]').textContent()).toBe('Lancashire');
		const shown = await shownFigures('harm-table');
		for (const e of lancashire.evaluations) for (const m of e.mean) expect(shown[e.method][String(m.areaShare)].share).toBeCloseTo(m.hitRate!, 9);
		expect((await page.locator('[data-testid="harm-statement"]').textContent())!.trim()).toBe(lancashire.statement);
		expect(await page.locator('[data-testid="harm-table"] caption').textContent()).toContain('(the data starts too late for 12)');
	});

	it('Lancashire: the same check over its own area set (the 14 districts), named by its label, as natively', async () => {
		const other = await openExtract('lancashire-asb');
		let districts: HarmAccuracy;
		try {
			districts = (await harmAccuracy(other, {
				models: [
					{ model: modelAtUnit(thrV3 as unknown as ThrModel, 'district'), weights },
					{ model: modelAtUnit(thrV2 as unknown as ThrModel, 'district'), weights }
				],
				months: 12,
				level: 'district'
			}))!;
		} finally {
			other.close();
		}
		expect(districts.region).toMatchObject({ areas: 14, forceArea: 'Lancashire' });
		expect(districts.testMonths).toHaveLength(11);
		await page.goto(`${baseUrl}/accuracy?source=lancashire-asb`);
		const section = page.locator('[data-testid="district-harm-accuracy"][data-state="ready"]');
		await section.waitFor({ timeout: 180_000 });
		expect(await section.getAttribute('data-unit')).toBe('district');
		expect(await section.locator('h2').textContent()).toContain('over the districts');
		expect(await page.locator('[data-testid="district-harm-region"]').getAttribute('data-areas')).toBe('14');
		expect(await page.locator('[data-testid="district-harm-region"]').textContent()).toContain('14 districts');
		const shown = await shownFigures('district-harm-table');
		for (const e of districts.evaluations) for (const m of e.mean) expect(shown[e.method][String(m.areaShare)].share).toBeCloseTo(m.hitRate!, 9);
		expect((await page.locator('[data-testid="district-harm-statement"]').textContent())!.trim()).toBe(districts.statement);
		// The LSOA check is still there, unchanged, beside it.
		await page.locator('[data-testid="harm-accuracy"][data-state="ready"]').waitFor({ timeout: 180_000 });
		expect(await page.locator('[data-testid="harm-region"]').getAttribute('data-areas')).toBe('941');

		// The model card and its transparency record carry the same check over the districts, measured once on this data.
		await page.locator('nav a[href*="/model"]').first().click();
		await page.locator('[data-testid="card-district-accuracy"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const onCard = await shownFigures('card-district-accuracy-table');
		for (const e of districts.evaluations) for (const m of e.mean) expect(onCard[e.method][String(m.areaShare)].share).toBeCloseTo(m.hitRate!, 9);
		expect((await page.locator('[data-testid="card-district-accuracy-statement"]').textContent())!.trim()).toBe(districts.statement);
		const [download] = (await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-json"]').click()])) as [Download, void];
		const path = join(tmp, `districts-${download.suggestedFilename()}`);
		await download.saveAs(path);
		const json = JSON.parse(readFileSync(path, 'utf8'));
		expect(json.measured_accuracy_area_set.area_set).toBe('Districts');
		expect(json.measured_accuracy_area_set.test_months).toEqual(districts.testMonths);
		for (const e of districts.evaluations) {
			const shown = json.measured_accuracy_area_set.methods.find((m: { method: string }) => m.method === e.method);
			e.mean.forEach((m, i) => expect(shown.mean[i].harm_share).toBeCloseTo(m.hitRate!, 9));
		}
		const own = json.transparency_record.tier_2.tool_specification.model_performance_own_areas;
		expect(own).toMatchObject({ areas: 'Districts', study_region: 'Lancashire', areas_ranked: 14, where_it_does_not_beat_baselines: districts.statement });
	}, 300_000);

	it('Lancashire: the hot-spot verdict calls a lead on mean hit rate a win only when it holds month by month, as the harm verdicts do', async () => {
		const other = await openExtract('lancashire-asb');
		let hotspots: MethodEvaluation[];
		try {
			hotspots = await evaluateHotspots(other, {
				table: 'incidents',
				level: 'lsoa',
				testMonths: await hotspotTestMonths(other),
				methods: [lastPeriodMethod(), kdeMethod(), thrHotspotMethod({ model: thrV3 as unknown as ThrModel, weights })],
				areaShares: [...HOTSPOT_AREA_SHARES]
			});
		} finally {
			other.close();
		}
		const [last, kde, thr] = hotspots;
		const monthly = (e: MethodEvaluation, s: number) => e.months.map((m) => m.metrics[s].hitRate);
		expect(thr.months.map((m) => m.month)).toEqual(['2022-07', '2022-08', '2022-09', '2022-10', '2022-11', '2022-12']);
		// At 1% of the area the ranking's mean is above both baselines' by more than 0.1 points (a
		// verdict from the means alone called that a win: 'beats both baselines on hit rate at every
		// area share tested'), but against last period's counts it is ahead in 3 of the
		// 6 months and behind in 3: W+ = 13 of 21, p = 22/64 (exact signed-rank null over 6 ranks).
		expect(thr.notBetterThan.every((n) => n.baselines.length === 0)).toBe(true);
		expect(thr.mean[0].hitRate! - last.mean[0].hitRate!).toBeGreaterThan(0.001);
		expect(pairedLeadTest(monthly(thr, 0), monthly(last, 0))).toMatchObject({ ahead: 3, behind: 3, wPlus: 13, p: 22 / 64 });
		// At 5%, 10% and 20% it is ahead of both in all 6 months: p = 1/64 against each.
		for (const s of [1, 2, 3]) for (const b of [last, kde]) expect(pairedLeadTest(monthly(thr, s), monthly(b, s))).toMatchObject({ ahead: 6, p: 1 / 64 });
		expect(pairedLeadTest(monthly(thr, 0), monthly(kde, 0))).toMatchObject({ ahead: 6, p: 1 / 64 });
		await page.goto(`${baseUrl}/accuracy?source=lancashire-asb`);
		await page.locator('[data-testid="hotspots"][data-state="ready"]').waitFor({ timeout: 180_000 });
		expect((await page.locator('[data-testid="verdict-thr"]').textContent())!.trim()).toBe(
			'THR ranking (thr v3.0.0) beats both baselines on hit rate only at 5.0%, 10.0% and 20.0% of the area. At 1.0% of the area it is ahead of both baselines on average, ' +
				"but month by month no more than chance explains against last period's counts (one-sided paired signed-rank test, p ≥ 0.05): no evidence that it does better there."
		);
	}, 300_000);

	it('Chicago (timestamped incidents, no street records): says no month can be held back', async () => {
		await page.goto(`${baseUrl}/accuracy?source=chicago-assaults`);
		await page.locator('[data-testid="harm-accuracy"][data-state="ready"]').waitFor({ timeout: 180_000 });
		// It has no street records at all: the page says that, not "fewer than two months".
		expect((await page.locator('[data-testid="harm-accuracy-none"]').textContent())!.replace(/\s+/g, ' ').trim()).toBe(
			'This data has no police.uk street records (crime and anti-social behaviour by month), which the priority ranking scores, so it cannot be checked here.'
		);
		await page.locator('[data-testid="hotspot-months-none"]').waitFor({ timeout: 180_000 });
		expect((await page.locator('[data-testid="hotspot-months-none"]').textContent())!.replace(/\s+/g, ' ').trim()).toBe(
			'This data has no police.uk street records to hold back; the hot-spot forecast below is checked on its timestamped incidents.'
		);
		expect(await page.locator('[data-testid="harm-table"]').count()).toBe(0);
		// Its demand backtest rests on the Forecast page's history, and says what it left out as that page does.
		const chicago = await openExtract('chicago-assaults');
		let leftOut: PoliceFoundLeftOut;
		try {
			leftOut = await policeFoundLeftOut(chicago);
		} finally {
			chicago.close();
		}
		expect(leftOut).toMatchObject({ categorised: true, records: 0, excluded: null });
		await page.locator('[data-testid="backtest"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const notes = page.locator('[data-testid="backtest-police-found-note"]');
		expect(await notes.count()).toBe(1);
		expect((await notes.textContent())!.trim()).toBe(policeFoundNote(leftOut));
	}, 300_000);

	it('Chicago: the demand backtest follows the police-found setting in the link, and the checkbox toggles it by keyboard', async () => {
		const chicago = await openExtract('chicago-assaults');
		let on: Awaited<ReturnType<typeof backtestDemand>>;
		try {
			on = await backtestDemand(chicago, 'events', 'include');
		} finally {
			chicago.close();
		}
		await page.goto(`${baseUrl}/accuracy?source=chicago-assaults&policefound=include`);
		await waitForApp(page);
		const backtest = page.locator('[data-testid="backtest"]');
		await page.locator('[data-testid="backtest"][data-state="ready"][data-police-found="include"]').waitFor({ timeout: 180_000 });
		const box = page.getByRole('checkbox', { name: 'Count records found by police activity (Drugs, Possession of weapons) as demand' });
		expect(await box.isChecked()).toBe(true);
		const note = page.locator('[data-testid="backtest-police-found-note"]');
		expect(await note.getAttribute('data-police-found')).toBe('include');
		expect((await note.textContent())!.trim()).toBe(policeFoundSentence(on!.leftOut!, 'include'));
		expect((await note.textContent())!.trim()).toBe(
			'Records found mostly by police activity are counted as demand (the setting above), but this data has no records of Drugs or Possession of weapons: the figures are the same as without the setting.'
		);
		expect(await page.locator('[data-testid="police-found-setting-print"]').textContent()).toBe(policeFoundSettingLine('include'));
		// The scores shown are the native backtest's over the same history.
		const mase = Number(await backtest.locator('[data-testid="backtest-table"][data-table="events"] tr[data-method="seasonal-mean"] [data-metric="mase"]').getAttribute('data-value'));
		expect(mase).toBeCloseTo(on!.result.scores.find((s) => s.method === 'seasonal-mean')!.mase!, 12);
		// Off by keyboard: the link loses the parameter and the page says what it always said.
		await box.focus();
		await page.keyboard.press('Space');
		await page.waitForURL((u) => !u.searchParams.has('policefound') && u.searchParams.get('source') === 'chicago-assaults');
		await page.locator('[data-testid="backtest"][data-state="ready"][data-police-found="exclude"]').waitFor({ timeout: 180_000 });
		expect(await box.isChecked()).toBe(false);
		expect((await note.textContent())!.trim()).toBe(policeFoundNote(on!.leftOut!));
		expect(await page.locator('[data-testid="police-found-setting-print"]').textContent()).toBe(policeFoundSettingLine('exclude'));
		// An unusable value: a plain note, and the records are left out.
		await page.goto(`${baseUrl}/accuracy?source=chicago-assaults&policefound=yes`);
		await waitForApp(page);
		await page.locator('[data-testid="backtest"][data-state="ready"][data-police-found="exclude"]').waitFor({ timeout: 180_000 });
		expect((await page.locator('[data-testid="backtest-url-note"]').textContent())!.trim()).toBe(policeFoundSettingNote(new URLSearchParams('policefound=yes')));
	}, 400_000);

	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
	});
});

