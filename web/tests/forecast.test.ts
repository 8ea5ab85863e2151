/**
 * Forecast and Accuracy pages, in headless Chromium against the built app and the sample
 * extract. What the pages show is compared with the same computations run natively in Node
 * (@duckdb/node-api) over the same extract: the method chosen, the first forecast means, the
 * backtest scores and the hot-spot hit rates.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract } from '../../scripts/lib/load-input';
import { openExtract } from './extract-runner';
import {
	backtestDemand,
	forecastDemand,
	forecastStreetAreas,
	hotspotTestMonths,
	policeFoundNote,
	policeFoundSentence,
	policeFoundSettingLine,
	sourceCounts,
	HOTSPOT_AREA_SHARES,
	type DemandForecast
} from '../lib/forecast/demand';
import { evaluateHotspots, kdeMethod, lastPeriodMethod, thrHotspotMethod, type MethodEvaluation } from '../../analytics/hotspots';
import type { BacktestResult } from '../../analytics/forecast';
import type { ThrModel } from '../../analytics/thr';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import {
	categoryProfile,
	minutesByHourOfWeek,
	officersNeededPerHour,
	resolveTimeOnTask,
	staffingForecastBasis,
	staffingRange,
	type CategoryProfile,
	type StaffingAssumptions
} from '../../analytics/staffing';
import { formatCount } from '../lib/charts/format';
import { hourOfWeekSummary } from '../lib/forecast/hour-of-week';
import { baselineVerdict, coverageNote } from '../lib/forecast/verdicts';
import { defaultHotspotSettings, type HotspotSettings } from '../lib/forecast/hotspot-settings';
import { hotspotOffer, hotspotVerdicts, windowedHotspots } from '../lib/forecast/hotspot-windows';
import type { HotspotForecast } from '../../analytics/hotspots/windows';
// The published model (web/lib/thr/data.ts), which the Accuracy page scores.
import thrV3 from '../../models/thr/thr-v3.json';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';
import staffingDefaults from '../../models/staffing/default.json';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');

let browser: TestBrowser;
let page: Page;
let runner: NodeRunner;
let native: DemandForecast;
let nativeBacktest: BacktestResult;
let nativeHotspots: MethodEvaluation[];
let profile: CategoryProfile;

const defaults = staffingDefaults as StaffingAssumptions;

/** Rostered officer-hours in a typical week, computed natively as the Staffing panel should (defaults, optional category edits). */
function nativeRostered(edits: Record<string, number> = {}, defaultMinutes = defaults.time_on_task_minutes.default, mix: CategoryProfile = profile): number {
	const profile = mix;
	const assumptions = { ...defaults, time_on_task_minutes: { ...defaults.time_on_task_minutes, default: defaultMinutes } };
	const rows = hourOfWeekSummary({ timestamps: native.timestamps, mean: native.forecast.mean, hi80: native.forecast.hi80 }, native.history);
	const times = resolveTimeOnTask(assumptions, profile, edits);
	const perHour = minutesByHourOfWeek(profile, times, defaultMinutes);
	const plan = officersNeededPerHour(
		{ timestamps: rows.map((r) => String(r.hourOfWeek)), arrivals: rows.map((r) => r.mean) },
		assumptions,
		{ minutesByHour: rows.map((r) => perHour[r.hourOfWeek]) }
	);
	return plan.hours.reduce((a, h) => a + h.rostered, 0);
}

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadExtract(runner, dataDir);
	native = (await forecastDemand(runner, { source: 'stop_search', weeks: 2, method: 'auto' }))!;
	nativeBacktest = (await backtestDemand(runner, 'stop_search'))!.result;
	nativeHotspots = await evaluateHotspots(runner, {
		table: 'incidents',
		level: 'lsoa',
		testMonths: await hotspotTestMonths(runner),
		methods: [lastPeriodMethod(), kdeMethod(), thrHotspotMethod({ model: thrV3 as unknown as ThrModel, weights: cchi as HarmWeightsModel })],
		areaShares: [...HOTSPOT_AREA_SHARES]
	});
	profile = await categoryProfile(runner, { table: 'stop_search', end: native.history.end, weeks: defaults.category_mix!.weeks });
	browser = await launchBrowser();
	page = await browser.newPage();
});

afterAll(async () => {
	await browser?.close();
	runner?.close();
});

async function rosteredTotal(): Promise<number> {
	return parseCount(await page.locator('[data-testid="staffing-rostered-total"]').textContent());
}

async function setMinutes(minutes: number) {
	const before = await page.locator('[data-testid="staffing-rostered-total"]').textContent();
	await page.locator('[data-testid="staffing-minutes"]').fill(String(minutes));
	await page.waitForFunction(
		(prev) => document.querySelector('[data-testid="staffing-rostered-total"]')?.textContent !== prev,
		before,
		{ timeout: 5_000 }
	).catch(() => undefined);
}

/**
 * The method's explanation, the coverage beside each interval, the pinball loss and the sentence
 * on the 8-week same-hour mean: each as the same analytics computed natively over the same data.
 */
async function expectExplained(f: DemandForecast) {
	const score = f.backtest!.scores.find((s) => s.method === f.forecast.method)!;
	const baseline = f.backtest!.scores.find((s) => s.method === 'seasonal-mean')!;
	expect(Number(await page.locator('[data-testid="acc-cov80"]').getAttribute('data-value'))).toBeCloseTo(score.coverage80!, 12);
	expect(Number(await page.locator('[data-testid="acc-cov95"]').getAttribute('data-value'))).toBeCloseTo(score.coverage95!, 12);
	expect(Number(await page.locator('[data-testid="acc-pinball"]').getAttribute('data-value'))).toBeCloseTo(score.scaledPinball!, 12);
	expect(await page.locator('[data-testid="acc-baseline-mase"]').textContent()).toBe(baseline.mase!.toFixed(2));
	expect((await page.locator('[data-testid="forecast-baseline-verdict"]').textContent())!.trim()).toBe(baselineVerdict(score, baseline, f.backtest!.scores));
	expect(await page.locator('[data-testid="legend-80"]').textContent()).toContain(`80% interval (held ${(100 * score.coverage80!).toFixed(1)}% in the backtest)`);
	expect(await page.locator('[data-testid="legend-95"]').textContent()).toContain(`95% interval (held ${(100 * score.coverage95!).toFixed(1)}% in the backtest)`);
	expect((await page.locator('[data-testid="forecast-table"] caption').textContent())!.replace(/\s+/g, ' ')).toContain(coverageNote(score));
	expect((await page.locator('[data-testid="forecast-choice-reason"]').textContent())!.replace(/\s+/g, ' ')).toBe(`Why: ${f.explanation.why}.`);
	expect((await page.locator('[data-testid="forecast-intervals"]').textContent())!.replace(/\s+/g, ' ')).toBe(`Intervals: ${f.explanation.intervals}`);
	const explained = (await page.locator('[data-testid="forecast-explanation"]').textContent())!;
	for (const u of f.explanation.uses) expect(explained).toContain(u);
	for (const p of f.explanation.parameters) expect(explained).toContain(p.meaning);
}

/**
 * The Staffing panel's range (rostered officer-hours staffing each hour to the forecast mean, to
 * its upper 80% bound) and the sentence on whether the forecast beat the 8-week same-hour mean
 * and last week's count: each computed natively from forecast `f` and category mix `mix` at the
 * default assumptions, as the panel does.
 */
async function expectStaffingRange(f: DemandForecast, mix: CategoryProfile, activity: boolean) {
	const rows = hourOfWeekSummary({ timestamps: f.timestamps, mean: f.forecast.mean, hi80: f.forecast.hi80 }, f.history);
	const perHour = minutesByHourOfWeek(mix, resolveTimeOnTask(defaults, mix), defaults.time_on_task_minutes.default);
	const range = staffingRange(
		{ timestamps: rows.map((r) => String(r.hourOfWeek)), mean: rows.map((r) => r.mean), hi80: rows.map((r) => r.hi80) },
		defaults,
		{ minutesByHour: rows.map((r) => perHour[r.hourOfWeek]) }
	);
	const shown = page.locator('[data-testid="staffing-range"]');
	await shown.waitFor({ timeout: 30_000 });
	expect(await shown.locator('[data-testid="staffing-range-mean"]').textContent()).toBe(formatCount(range.totals.mean.rostered));
	expect(await shown.locator('[data-testid="staffing-range-hi80"]').textContent()).toBe(formatCount(range.totals.hi80.rostered));
	const text = (await shown.textContent())!.replace(/\s+/g, ' ');
	expect(text).toContain(`(busiest hour ${formatCount(range.totals.mean.peak)})`);
	expect(text).toContain(`(busiest hour ${formatCount(range.totals.hi80.peak)})`);
	// The figures above the range are its lower end (staffed to the mean by default).
	expect(await rosteredTotal()).toBe(range.totals.mean.rostered);
	expect(range.totals.hi80.rostered).toBeGreaterThan(range.totals.mean.rostered);
	const basis = staffingForecastBasis({ chosen: f.forecast.method, scores: f.backtest!.scores, activity })!;
	expect(basis).toContain('the mean of the same hour over the last 8 weeks');
	expect(basis).toContain("last week's count of the same hour");
	expect((await page.locator('[data-testid="staffing-basis"]').textContent())!.replace(/\s+/g, ' ').trim()).toBe(basis);
	console.log(`Staffing range (${f.history.table}, ${f.forecast.method}): ${range.totals.mean.rostered} to ${range.totals.hi80.rostered} rostered officer-hours a week; ${basis}`);
}

describe('Forecast page', () => {
	it('renders the forecast with bands, and the table matches the native computation', async () => {
		const start = Date.now();
		await page.goto(`${baseUrl}/forecast?series=stop_search&weeks=2&method=auto`);
		await waitForApp(page);
		await page.locator('[data-testid="forecast"][data-state="ready"]').waitFor({ timeout: 30_000 });
		const readyMs = Date.now() - start;
		const measures = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration)])));
		console.log(`Forecast page ready after ${readyMs} ms (navigation, database load, backtest and forecast);`, measures);

		for (const band of ['band-80', 'band-95', 'mean-line', 'actual-line']) {
			const d = await page.locator(`[data-testid="${band}"]`).getAttribute('d');
			expect(d, band).toMatch(/^M[\d.]/);
		}
		expect(await page.locator('[data-testid="forecast-method-used"]').getAttribute('data-method')).toBe(native.forecast.method);

		const rows = page.locator('[data-testid="forecast-table"] tbody tr');
		expect(await rows.count()).toBe(native.forecast.mean.length);
		expect(await rows.first().getAttribute('data-timestamp')).toBe(native.timestamps[0]);
		for (let i = 0; i < 6; i++) {
			const mean = Number(await rows.nth(i).locator('[data-mean]').getAttribute('data-mean'));
			expect(mean).toBeCloseTo(native.forecast.mean[i], 9);
		}
		const score = native.backtest!.scores.find((s) => s.method === native.forecast.method)!;
		expect(await page.locator('[data-testid="acc-mase"]').textContent()).toBe(score.mase!.toFixed(2));
		expect(await page.locator('[data-testid="hour-of-week-table"] tbody tr').count()).toBe(168);
		await expectExplained(native);
	});

	it('stop and search: the staffing range and the sentence on the 8-week mean and last week’s count, as natively', async () => {
		await expectStaffingRange(native, profile, true);
		// Police activity: no sentence on categories left out of demand.
		expect(await page.locator('[data-testid="police-found-note"]').count()).toBe(0);
	});

	it('the default time on task applies to the categories without their own value, exactly as natively', async () => {
		const base = await rosteredTotal();
		expect(base).toBeGreaterThan(0);
		expect(base).toBe(nativeRostered());
		const usesDefault = resolveTimeOnTask(defaults, profile).some((t) => t.source === 'default');
		await setMinutes(180);
		expect(await rosteredTotal()).toBe(nativeRostered({}, 180));
		if (usesDefault) expect(nativeRostered({}, 180)).toBeGreaterThan(base);
		await setMinutes(30);
		expect(await rosteredTotal()).toBe(nativeRostered({}, 30));
		await setMinutes(90);
		expect(await rosteredTotal()).toBe(base);
	});

	it('shows time on task per category with its source and reason, as computed natively from the category mix', async () => {
		const times = resolveTimeOnTask(defaults, profile);
		expect(times.length).toBeGreaterThan(1);
		const rows = page.locator('[data-testid="staffing-categories"] tbody tr');
		expect(await rows.count()).toBe(times.length);
		for (const [i, t] of times.entries()) {
			const row = rows.nth(i);
			expect(await row.getAttribute('data-category')).toBe(t.category);
			expect(await row.getAttribute('data-source')).toBe(t.source);
			expect(Number(await row.locator('[data-testid="staffing-category-minutes"]').inputValue())).toBe(t.minutes);
			expect(await row.textContent()).toContain(t.reason);
		}
		expect(await rosteredTotal()).toBe(nativeRostered());
	});

	it('editing one category’s time on task changes the officers exactly as the native computation does, and reset restores it', async () => {
		const base = await rosteredTotal();
		const top = resolveTimeOnTask(defaults, profile)[0];
		const longer = top.minutes * 4;
		const input = page.locator(`[data-testid="staffing-categories"] tr[data-category="${top.category}"] [data-testid="staffing-category-minutes"]`);
		expect(await input.getAttribute('aria-label')).toBe(`Minutes on task for ${top.category}`);
		await input.fill(String(longer));
		await page.locator(`[data-testid="staffing-categories"] tr[data-category="${top.category}"][data-source="edited"]`).waitFor();
		const expected = nativeRostered({ [top.category]: longer });
		expect(expected).toBeGreaterThan(base);
		await page.waitForFunction((n) => document.querySelector('[data-testid="staffing-rostered-total"]')?.textContent?.replace(/,/g, '') === String(n), expected, { timeout: 5_000 });
		expect(await rosteredTotal()).toBe(expected);
		await input.fill('0');
		await expect(page.locator('[data-testid="staffing"] [role="alert"]').textContent()).resolves.toBe(`Time on task for ${top.category} must be between 1 and 1,440 minutes.`);
		await page.getByRole('button', { name: 'Reset to defaults' }).click();
		await page.locator(`[data-testid="staffing-categories"] tr[data-category="${top.category}"][data-source="${top.source}"]`).waitFor();
		expect(await rosteredTotal()).toBe(base);
	});

	it('the weeks of category mix are an editable assumption: the mix is read again and the officers follow', async () => {
		const base = await rosteredTotal();
		const four = await categoryProfile(runner, { table: 'stop_search', end: native.history.end, weeks: 4 });
		await page.locator('[data-testid="staffing-mix-weeks"]').fill('4');
		await page.locator('[data-testid="staffing-categories"] caption', { hasText: 'in the 4 weeks to' }).waitFor();
		expect(await page.locator('[data-testid="staffing-categories"] tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-category')))).toEqual(
			resolveTimeOnTask(defaults, four).map((t) => t.category)
		);
		const expected = nativeRostered({}, defaults.time_on_task_minutes.default, four);
		await page.waitForFunction((n) => document.querySelector('[data-testid="staffing-rostered-total"]')?.textContent?.replace(/,/g, '') === String(n), expected, { timeout: 5_000 });
		expect(await rosteredTotal()).toBe(expected);
		expect(await page.locator('[data-testid="staffing-mix-note"]').textContent()).toContain('This data records no time on task');
		await page.getByRole('button', { name: 'Reset to defaults' }).click();
		await page.locator('[data-testid="staffing-categories"] caption', { hasText: `in the ${defaults.category_mix!.weeks} weeks to` }).waitFor();
		await page.waitForFunction((n) => document.querySelector('[data-testid="staffing-rostered-total"]')?.textContent?.replace(/,/g, '') === String(n), base, { timeout: 5_000 });
	});

	it('keeps a method override in the URL and uses it', async () => {
		await page.locator('[data-testid="forecast-method"]').selectOption('seasonal-naive');
		await page.waitForURL(/method=seasonal-naive/);
		await page.locator('[data-testid="forecast-method-used"][data-method="seasonal-naive"]').waitFor({ timeout: 30_000 });
		const nativeNaive = (await forecastDemand(runner, { source: 'stop_search', weeks: 2, method: 'seasonal-naive' }))!;
		const first = Number(await page.locator('[data-testid="forecast-table"] tbody tr [data-mean]').first().getAttribute('data-mean'));
		expect(first).toBeCloseTo(nativeNaive.forecast.mean[0], 9);
	});

	it('forecasts next month per area from the street data as the native computation does', async () => {
		const nativeAreas = (await forecastStreetAreas(runner))!;
		await page.locator('[data-testid="street-areas"][data-state="ready"]').waitFor({ timeout: 30_000 });
		expect(await page.locator('[data-testid="street-method"]').getAttribute('data-method')).toBe(nativeAreas.method);
		const rows = page.locator('[data-testid="street-areas-table"] tbody tr');
		for (let i = 0; i < 3; i++) {
			expect(await rows.nth(i).getAttribute('data-area')).toBe(nativeAreas.areas[i].areaId);
			expect(Number(await rows.nth(i).locator('[data-expected]').getAttribute('data-expected'))).toBeCloseTo(nativeAreas.areas[i].expected, 9);
		}
	});

	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => new URL(u).hostname === '127.0.0.1' || !u.startsWith('http'))).toBe(true);
	});
});

/** The Accuracy page's hot-spot window table and verdicts equal `expected` (computed natively). */
async function expectWindowTable(expected: HotspotForecast) {
	const e = expected.evaluation;
	const table = page.locator(`[data-testid="hs-eval-table"][data-level="${e.level}"][data-window="${e.window.length}${e.window.unit === 'day' ? 'd' : 'm'}"]`);
	await table.waitFor({ timeout: 180_000 });
	expect(Number(await table.getAttribute('data-share'))).toBeCloseTo(e.share, 12);
	expect(await table.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-method')))).toEqual(e.rows.map((r) => r.method));
	for (const r of e.rows) {
		const row = table.locator(`tr[data-method="${r.method}"]`);
		for (const [metric, value] of [['hit-rate', r.hitRate], ['pai', r.pai], ['pei', r.peiStar]] as const) {
			expect(Number(await row.locator(`[data-metric="${metric}"]`).getAttribute('data-value')), `${r.method} ${metric}`).toBeCloseTo(value!, 9);
		}
	}
	const verdicts = await page.locator('[data-testid="hs-verdicts"] li').allTextContents();
	expect(verdicts.map((v) => v.trim())).toEqual(hotspotVerdicts(e).map((v) => v.sentence));
	console.log(`Hot spots ${e.window.length}${e.window.unit} ${e.level} ${(100 * e.share).toFixed(2)}%: ${e.rows.map((r) => `${r.method} PAI ${r.pai?.toFixed(2)}`).join(', ')}`);
}

/** Native computations over another shipped source (loaded, computed, closed). */
async function withSource<T>(id: string, compute: (r: NodeRunner) => Promise<T>): Promise<T> {
	const other = await openExtract(id);
	try {
		return await compute(other);
	} finally {
		other.close();
	}
}

describe('Forecast page: demand, not police activity', () => {
	it('City of London by default: says it has no timestamped demand and shows the monthly forecast by area instead, as natively', async () => {
		const counts = await sourceCounts(runner);
		// The shipped sample: street crime (monthly) and stop and search (timestamped), no incidents or calls with times.
		expect(counts.events).toBe(0);
		expect(counts.stop_search).toBeGreaterThan(0);
		expect(counts.streetWithArea).toBeGreaterThan(0);
		const start = Date.now();
		await page.goto(`${baseUrl}/forecast`);
		await waitForApp(page);
		await page.locator('[data-testid="street-areas"][data-state="ready"] [data-testid="street-method"]').waitFor({ timeout: 30_000 });
		console.log(`Forecast page (default, City of London: no timestamped demand, monthly by area) ready after ${Date.now() - start} ms`);
		expect(await page.locator('[data-testid="forecast-source"]').inputValue()).toBe('events');
		const message = (await page.locator('[data-testid="no-demand"]').textContent())!.replace(/\s+/g, ' ');
		expect(message).toContain('This data has no incidents or calls for service with a date and time, so demand per hour cannot be forecast.');
		expect(message).toContain('street crime (police.uk) is recorded by month only');
		expect(message).toContain('measure police activity that officers start themselves, not demand');
		// No hourly forecast, no staffing: nothing is turned into officers from activity by default.
		expect(await page.locator('[data-testid="forecast-table"]').count()).toBe(0);
		expect(await page.locator('[data-testid="staffing"]').count()).toBe(0);
		expect(await page.locator('[data-testid="activity-warning"]').count()).toBe(0);
		// The monthly forecast by area sits inside the forecast panel, with the native figures.
		const nativeAreas = (await forecastStreetAreas(runner))!;
		const panel = page.locator('[data-testid="forecast"] [data-testid="street-areas"]');
		expect(await panel.locator('[data-testid="street-method"]').getAttribute('data-method')).toBe(nativeAreas.method);
		const rows = panel.locator('[data-testid="street-areas-table"] tbody tr');
		for (let i = 0; i < 3; i++) {
			expect(await rows.nth(i).getAttribute('data-area')).toBe(nativeAreas.areas[i].areaId);
			expect(Number(await rows.nth(i).locator('[data-expected]').getAttribute('data-expected'))).toBeCloseTo(nativeAreas.areas[i].expected, 9);
		}
		expect(await page.locator('[data-testid="street-areas"]').count()).toBe(1);
	});

	it('stop and search only when chosen: a plain warning, and its officer-hours labelled as activity, not demand', async () => {
		await page.locator('[data-testid="choose-stop-search"]').click();
		await page.waitForURL(/series=stop_search/);
		await page.locator('[data-testid="forecast"][data-state="ready"]').waitFor({ timeout: 30_000 });
		const warning = (await page.locator('[data-testid="activity-warning"]').textContent())!.replace(/\s+/g, ' ');
		expect(warning).toContain('Stop and search is police activity, not demand.');
		expect(await page.locator('[data-testid="forecast-method-used"]').getAttribute('data-method')).toBe(native.forecast.method);
		expect(await page.locator('#staffing-title').textContent()).toBe('Officer-hours to match stop and search activity (not demand)');
		expect(await page.locator('[data-testid="staffing-activity-warning"]').textContent()).toContain('This is not a staffing requirement.');
		expect((await page.locator('[data-testid="staffing-summary"]').textContent())!.replace(/\s+/g, ' ')).toContain('a typical week of this stop and search activity would take');
		expect(await rosteredTotal()).toBe(nativeRostered());
		// Keyboard: the series control is a labelled select.
		expect(await page.getByLabel('Series').inputValue()).toBe('stop_search');
	});

	it('staffing assumptions and a category’s time on task survive a reload through the URL, with the same officers as natively', async () => {
		const top = resolveTimeOnTask(defaults, profile)[0];
		await setMinutes(120);
		await page.waitForURL(/staff_minutes=120/);
		const input = page.locator(`[data-testid="staffing-categories"] tr[data-category="${top.category}"] [data-testid="staffing-category-minutes"]`);
		await input.fill(String(top.minutes * 2));
		await page.waitForURL((u) => u.searchParams.getAll('staff_time').includes(`${top.category}:${top.minutes * 2}`));
		await page.locator('[data-testid="staffing-shrinkage"]').fill('25');
		await page.waitForURL(/staff_shrinkage=25/);
		const shrunk = { ...defaults, shrinkage: 0.25 };
		const expected = (() => {
			const rows = hourOfWeekSummary({ timestamps: native.timestamps, mean: native.forecast.mean, hi80: native.forecast.hi80 }, native.history);
			const a = { ...shrunk, time_on_task_minutes: { ...shrunk.time_on_task_minutes, default: 120 } };
			const times = resolveTimeOnTask(a, profile, { [top.category]: top.minutes * 2 });
			const perHour = minutesByHourOfWeek(profile, times, 120);
			const plan = officersNeededPerHour({ timestamps: rows.map((r) => String(r.hourOfWeek)), arrivals: rows.map((r) => r.mean) }, a, {
				minutesByHour: rows.map((r) => perHour[r.hourOfWeek])
			});
			return plan.hours.reduce((s, h) => s + h.rostered, 0);
		})();
		await page.waitForFunction((n) => document.querySelector('[data-testid="staffing-rostered-total"]')?.textContent?.replace(/,/g, '') === String(n), expected, { timeout: 5_000 });
		const shared = page.url();
		await page.reload();
		await waitForApp(page);
		await page.locator('[data-testid="forecast"][data-state="ready"] [data-testid="staffing-summary"]').waitFor({ timeout: 30_000 });
		expect(page.url()).toBe(shared);
		expect(await page.locator('[data-testid="staffing-minutes"]').inputValue()).toBe('120');
		expect(await page.locator('[data-testid="staffing-shrinkage"]').inputValue()).toBe('25');
		expect(await page.locator(`[data-testid="staffing-categories"] tr[data-category="${top.category}"][data-source="edited"] [data-testid="staffing-category-minutes"]`).inputValue()).toBe(
			String(top.minutes * 2)
		);
		expect(await rosteredTotal()).toBe(expected);
		expect(expected).not.toBe(nativeRostered());
		// Reset clears them from the URL too.
		await page.getByRole('button', { name: 'Reset to defaults' }).click();
		await page.waitForURL((u) => ![...u.searchParams.keys()].some((k) => k.startsWith('staff_')));
		await page.waitForFunction((n) => document.querySelector('[data-testid="staffing-rostered-total"]')?.textContent?.replace(/,/g, '') === String(n), nativeRostered(), { timeout: 5_000 });
	});

	it('a link with unusable staffing values falls back to the defaults with a visible note', async () => {
		await page.goto(`${baseUrl}/forecast?series=stop_search&weeks=2&method=auto&staff_shift=abc&staff_minutes=120`);
		await waitForApp(page);
		await page.locator('[data-testid="forecast"][data-state="ready"] [data-testid="staffing-summary"]').waitFor({ timeout: 30_000 });
		const notes = await page.locator('[data-testid="staffing-url-note"]').allTextContents();
		expect(notes).toEqual([`The link's shift length (staff_shift=abc) cannot be used: the default, ${defaults.shift.length_hours} hours, is used instead.`]);
		expect(await page.locator('[data-testid="staffing-shift"]').inputValue()).toBe(String(defaults.shift.length_hours));
		expect(await rosteredTotal()).toBe(nativeRostered({}, 120));
		// The unusable value leaves the URL; the usable one stays.
		await page.waitForURL((u) => !u.searchParams.has('staff_shift') && u.searchParams.get('staff_minutes') === '120');
	});

	it('Chicago (timestamped incidents): forecasts demand by default, as natively, with no activity warning', async () => {
		const { chicago, chicagoMix } = await withSource('chicago-assaults', async (r) => {
			const f = (await forecastDemand(r, { source: 'events', weeks: 2, method: 'auto' }))!;
			return { chicago: f, chicagoMix: await categoryProfile(r, { table: 'events', end: f.history.end, weeks: defaults.category_mix!.weeks }) };
		});
		const start = Date.now();
		await page.goto(`${baseUrl}/forecast?source=chicago-assaults`);
		await waitForApp(page);
		await page.locator('[data-testid="forecast"][data-state="ready"]').waitFor({ timeout: 150_000 });
		const measures = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration)])));
		console.log(`Forecast page (Chicago, demand by default) ready after ${Date.now() - start} ms;`, measures);
		expect(await page.locator('[data-testid="forecast-source"]').inputValue()).toBe('events');
		expect(await page.locator('[data-testid="activity-warning"]').count()).toBe(0);
		expect(await page.locator('#staffing-title').textContent()).toBe('Staffing from the forecast');
		expect(await page.locator('[data-testid="forecast-method-used"]').getAttribute('data-method')).toBe(chicago.forecast.method);
		const rows = page.locator('[data-testid="forecast-table"] tbody tr');
		expect(await rows.count()).toBe(chicago.forecast.mean.length);
		expect(await rows.first().getAttribute('data-timestamp')).toBe(chicago.timestamps[0]);
		for (let i = 0; i < 3; i++) expect(Number(await rows.nth(i).locator('[data-mean]').getAttribute('data-mean'))).toBeCloseTo(chicago.forecast.mean[i], 9);
		await expectExplained(chicago);
		await expectStaffingRange(chicago, chicagoMix, false);
		// Only aggravated assaults: nothing found by police activity to leave out, and the page says so.
		expect(chicago.leftOut).toMatchObject({ categorised: true, records: 0, excluded: null });
		expect((await page.locator('[data-testid="police-found-note"]').textContent())!.trim()).toBe(policeFoundNote(chicago.leftOut!));
		expect(chicago.calendar.title).toBe('US federal holidays (days observed), 2010–2027');
		const score = chicago.backtest!.scores.find((x) => x.method === chicago.forecast.method)!;
		const baseline = chicago.backtest!.scores.find((x) => x.method === 'seasonal-mean')!;
		console.log(`Chicago, page backtest (6 weekly origins): ${chicago.forecast.method} MASE ${score.mase!.toFixed(3)} vs 8-week mean ${baseline.mase!.toFixed(3)}; 80% held ${score.coverage80!.toFixed(3)}, 95% held ${score.coverage95!.toFixed(3)}; compute ${Math.round(chicago.elapsedMs)} ms natively`);
	}, 240_000);

	it('the police-found setting: a labelled checkbox reached by keyboard, kept in the link through a reload, the note and the forecast as natively', async () => {
		const on = await withSource('chicago-assaults', async (r) => (await forecastDemand(r, { source: 'events', weeks: 2, method: 'auto', policeFound: 'include' }))!);
		await page.goto(`${baseUrl}/forecast?source=chicago-assaults`);
		await waitForApp(page);
		const ready = (setting: string) => page.locator(`[data-testid="forecast"][data-state="ready"] [data-testid="police-found-note"][data-police-found="${setting}"]`).waitFor({ timeout: 150_000 });
		await ready('exclude');
		const note = page.locator('[data-testid="police-found-note"]');
		const offNote = (await note.textContent())!.trim();
		expect(offNote).toBe(policeFoundNote(on.leftOut!));
		const box = page.getByRole('checkbox', { name: 'Count records found by police activity (Drugs, Possession of weapons) as demand' });
		expect(await box.isChecked()).toBe(false);
		expect(await page.locator('[data-testid="police-found-setting-print"]').textContent()).toBe(policeFoundSettingLine('exclude'));
		// The next stop after the method, by Tab; Space turns it on.
		await page.locator('[data-testid="forecast-method"]').focus();
		await page.keyboard.press('Tab');
		expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
		await page.keyboard.press('Space');
		await page.waitForURL((u) => u.searchParams.get('policefound') === 'include' && u.searchParams.get('source') === 'chicago-assaults');
		await ready('include');
		expect(await box.isChecked()).toBe(true);
		// Chicago's incidents are aggravated assaults only: the page says the setting changes nothing here, and why.
		expect((await note.textContent())!.trim()).toBe(policeFoundSentence(on.leftOut!, 'include'));
		expect((await note.textContent())!.trim()).toBe(
			'Records found mostly by police activity are counted as demand (the setting above), but this data has no records of Drugs or Possession of weapons: the figures are the same as without the setting.'
		);
		expect(await page.locator('[data-testid="police-found-setting-print"]').textContent()).toBe(policeFoundSettingLine('include'));
		const rows = page.locator('[data-testid="forecast-table"] tbody tr');
		expect(await rows.count()).toBe(on.forecast.mean.length);
		for (let i = 0; i < 3; i++) expect(Number(await rows.nth(i).locator('[data-mean]').getAttribute('data-mean'))).toBeCloseTo(on.forecast.mean[i], 9);
		// No police-found record is counted, so staffing says nothing about proactive work.
		await page.locator('[data-testid="staffing-summary"]').waitFor({ timeout: 30_000 });
		expect(await page.locator('[data-testid="staffing-police-found-note"]').count()).toBe(0);
		// A reload keeps the setting (it is in the link).
		await page.reload();
		await waitForApp(page);
		await ready('include');
		expect(await box.isChecked()).toBe(true);
		// Off again by keyboard: the parameter leaves the link and the note is the one the page has always shown.
		await box.focus();
		await page.keyboard.press('Space');
		await page.waitForURL((u) => !u.searchParams.has('policefound'));
		await ready('exclude');
		expect((await note.textContent())!.trim()).toBe(offNote);
	}, 400_000);

	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => new URL(u).hostname === '127.0.0.1' || !u.startsWith('http'))).toBe(true);
	});
});

describe('Accuracy page', () => {
	it('shows the backtest of every method as computed natively, seasonal naive as the unit of relative MAE', async () => {
		const start = Date.now();
		await page.goto(`${baseUrl}/accuracy`);
		await waitForApp(page);
		await page.locator('[data-testid="backtest"][data-state="ready"]').waitFor({ timeout: 30_000 });
		await page.locator('[data-testid="hotspots"][data-state="ready"]').waitFor({ timeout: 180_000 });
		console.log(`Accuracy page ready after ${Date.now() - start} ms`);

		const table = page.locator('[data-testid="backtest-table"][data-table="stop_search"]');
		for (const s of nativeBacktest.scores) {
			const row = table.locator(`tr[data-method="${s.method}"]`);
			expect(Number(await row.locator('[data-metric="mase"]').getAttribute('data-value'))).toBeCloseTo(s.mase!, 9);
			expect(Number(await row.locator('[data-metric="mae"]').getAttribute('data-value'))).toBeCloseTo(s.mae!, 9);
		}
		const naiveRow = table.locator('tr[data-method="seasonal-naive"]');
		expect(Number(await naiveRow.locator('[data-metric="relative-mae"]').getAttribute('data-value'))).toBe(1);
		// MASE and relative MAE both measure against seasonal naive: a method that beats it on the
		// same weeks (relative MAE < 1) has a lower MASE than it, and vice versa.
		const naive = nativeBacktest.scores.find((s) => s.method === 'seasonal-naive')!;
		for (const s of nativeBacktest.scores) {
			if (s.method === 'seasonal-naive') continue;
			expect(Math.sign(s.mase! - naive.mase!)).toBe(Math.sign(s.relativeMae! - 1));
		}
		const notBeating = nativeBacktest.scores.filter((s) => s.method !== 'seasonal-naive' && s.mae! >= naive.mae!).map((s) => s.method);
		const shown = await page.locator('[data-testid="backtest-verdicts"] [data-not-beating]').evaluateAll((els) => els.map((e) => e.getAttribute('data-not-beating')));
		expect(shown).toEqual(notBeating);
	});

	it('scores the THR ranking beside the hot-spot baselines as the native evaluation does, over the force area', async () => {
		expect(nativeHotspots.map((e) => e.method)).toEqual(['last-period', 'kde', 'thr']);
		for (const e of nativeHotspots) {
			for (const m of e.mean) {
				const cell = page.locator(`[data-testid="hotspot-table"] tr[data-method="${e.method}"][data-share="${m.areaShare}"] [data-metric="hit-rate"]`);
				expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(m.hitRate!, 9);
			}
		}
		expect(await page.locator('[data-testid="hotspot-table"] tr[data-method="thr"] th').first().textContent()).toBe('THR ranking (thr v3.0.0)');
	});

	it('says plainly where the THR ranking does not beat the baselines', async () => {
		const thr = nativeHotspots.find((e) => e.method === 'thr')!;
		const losing = thr.notBetterThan.filter((n) => n.baselines.length > 0);
		const verdict = (await page.locator('[data-testid="verdict-thr"]').textContent())!;
		if (losing.length === thr.notBetterThan.length) expect(verdict).toMatch(/^THR ranking \(thr v3\.0\.0\) does not beat the baselines/);
		else if (losing.length === 0) expect(verdict).toMatch(/beats both baselines on hit rate at every area share tested/);
		else expect(verdict).toMatch(/beats both baselines only at/);
		// And one sentence per baseline it does not beat, naming the shares.
		const sentences = await page.locator('[data-testid="hotspot-verdicts"] li').allTextContents();
		for (const b of ['last-period', 'kde']) {
			const shares = thr.notBetterThan.filter((n) => n.baselines.includes(b));
			const label = b === 'kde' ? 'kernel density surface' : "last period's counts";
			const found = sentences.some((s) => s.startsWith('THR ranking (thr v3.0.0) does not beat ' + label));
			expect(found).toBe(shares.length > 0);
		}
	});

	it('hot-spot forecast at a window, budget and level: the evaluation table and verdicts as natively (defaults: next month, 5%, LSOA)', async () => {
		const offer = (await hotspotOffer(runner))!;
		expect(offer).toEqual({ table: 'incidents', dated: false, levels: ['lsoa', 'h3_r7', 'h3_r8', 'h3_r9', 'h3_r10'] });
		await expectWindowTable(await windowedHotspots(runner, offer, defaultHotspotSettings(offer)));
		// Only month windows: the street records have no dates.
		expect(await page.locator('[data-testid="hs-window"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['1m', '2m', '3m']);
	});

	it('the controls are labelled and keyboard-reachable, and the settings go to the URL and survive a reload', async () => {
		const offer = (await hotspotOffer(runner))!;
		const level = page.getByLabel(/^Areas/);
		await level.focus();
		await level.selectOption('h3_r8');
		await page.waitForURL(/hs_level=h3_r8/);
		const budget = page.getByLabel('Area budget (% of the force area)');
		await budget.fill('10');
		await budget.press('Enter');
		await page.waitForURL(/hs_budget=10%25/);
		await page.getByLabel(/^Window/).selectOption('3m');
		await page.waitForURL(/hs_window=3m/);
		const settings: HotspotSettings = { window: { unit: 'month', length: 3 }, budget: { share: 0.1 }, level: 'h3_r8', hawkes: false };
		const expected = await windowedHotspots(runner, offer, settings);
		await expectWindowTable(expected);
		await page.reload();
		await waitForApp(page);
		await expectWindowTable(expected);
		expect(await page.getByLabel('Area budget (% of the force area)').inputValue()).toBe('10');
	}, 240_000);

	it('a budget in km² and an unusable link value: the default with a note, the km² applied as natively', async () => {
		const offer = (await hotspotOffer(runner))!;
		await page.goto(`${baseUrl}/accuracy?hs_window=7d&hs_budget=0.5km2&hs_level=h3_r9`);
		await waitForApp(page);
		const expected = await windowedHotspots(runner, offer, { window: { unit: 'month', length: 1 }, budget: { km2: 0.5 }, level: 'h3_r9', hawkes: false });
		await expectWindowTable(expected);
		expect(expected.evaluation.budgetKm2).toBeCloseTo(0.5, 9);
		expect(await page.locator('[data-testid="hs-url-note"]').allTextContents()).toEqual([
			"The link's window (hs_window=7d) is in days, but these records have months only: next month is used instead."
		]);
	}, 240_000);

	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => new URL(u).hostname === '127.0.0.1' || !u.startsWith('http'))).toBe(true);
	});
});
