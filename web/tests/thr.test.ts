/**
 * THR pages (Priorities, Area profile, Compare, Model, review log) in headless Chromium against
 * the built app and the sample extract. The ranking on screen is compared with one computed
 * independently in Node by the same engine over native DuckDB; every score must equal the sum of
 * its shown contributions; what-if must leave the published model untouched; the review log must
 * survive a reload and a tampered export must be named where it breaks.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';
import { createNodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { formatWeight } from '../../web/lib/charts/format';
import { scoreMonth, type RiskDetail, type ScoreResult, type ThrModel } from '../../analytics/thr';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');

const MODEL_FILE = 'models/thr/thr-v2.json';
const modelText = readFileSync(MODEL_FILE, 'utf8');
const model = JSON.parse(modelText) as ThrModel;
const weights = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;

let browser: TestBrowser;
let page: Page;
let expected: ScoreResult;
let month: string;
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-thr-'));

async function downloadText(trigger: () => Promise<void>): Promise<{ text: string; name: string }> {
	const [download] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, download.suggestedFilename());
	await download.saveAs(path);
	return { text: readFileSync(path, 'utf8'), name: download.suggestedFilename() };
}

interface ShownRow {
	areaId: string;
	rank: number;
	scoreUnits: number;
	contributionUnits: number[];
	scoreText: string;
}

async function shownRows(): Promise<ShownRow[]> {
	return page.$$eval('[data-testid="priorities-table"] tbody tr', (trs) =>
		trs.map((tr) => ({
			areaId: tr.getAttribute('data-area')!,
			rank: Number(tr.getAttribute('data-rank')),
			scoreUnits: Number(tr.getAttribute('data-score-units')),
			contributionUnits: [...tr.querySelectorAll('td[data-col="contribution"]')].map((td) => Number(td.getAttribute('data-units'))),
			scoreText: tr.querySelector('td[data-col="score"]')?.textContent?.trim() ?? ''
		}))
	);
}

beforeAll(async () => {
	const runner = await createNodeRunner();
	try {
		await loadInput(runner, [dataDir], { datasets: ['incidents'] });
		const [{ m }] = await runner.rows<{ m: string }>('SELECT max(month) AS m FROM incidents');
		month = String(m);
		expected = await scoreMonth(runner, { model, weights, month });
	} finally {
		runner.close();
	}
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
		const top = expected.areas.slice(0, 10);
		expect(rows.slice(0, 10).map((r) => r.areaId)).toEqual(top.map((a) => a.areaId));
		expect(rows.slice(0, 10).map((r) => r.scoreUnits)).toEqual(top.map((a) => a.scoreUnits));
		expect(rows.slice(0, 10).map((r) => r.scoreText)).toEqual(top.map((a) => a.score.toFixed(3)));
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

	it('opens the area profile with the same score and contributions', async () => {
		const [first] = await shownRows();
		await page.locator(`tr[data-area="${first.areaId}"] a[data-testid="area-link"]`).click();
		await page.waitForURL(/\/area\?/);
		await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor();
		expect(Number(await page.locator('[data-testid="area-score"]').getAttribute('data-score-units'))).toBe(first.scoreUnits);
		const units = await page.$$eval('[data-testid="components-table"] tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-units'))));
		expect(units).toEqual(first.contributionUnits);
		expect(await page.locator('[data-testid="area-rank"]').textContent()).toBe('1');
		expect(await page.locator('[data-testid="harm-table"] tbody tr').count()).toBeGreaterThan(0);
		// Risk: the forecast, its interval and the method behind it, as the engine computes them in Node.
		const risk = expected.areas[0].components.find((c) => c.kind === 'risk')!.detail as RiskDetail;
		const run = risk.run!;
		const riskText = (await page.locator('[data-testid="risk"]').textContent())!.replace(/\s+/g, ' ');
		expect(riskText).toContain(`${formatWeight(risk.expected)} CCHI days`);
		expect(await page.locator('[data-testid="risk-interval"]').textContent()).toBe(`${formatWeight(risk.low)} – ${formatWeight(risk.high)}`);
		expect(risk.high).toBeGreaterThan(risk.low);
		const method = (await page.locator('[data-testid="risk-method"]').textContent())!.replace(/\s+/g, ' ');
		expect(method).toContain(run.methodLabel);
		expect(method).toContain(`φ = ${run.overdispersion.toFixed(3)}`);
		expect(run.historyTo).toBe(month);
		expect(await page.locator('[data-testid="risk-backtest"] tbody tr').count()).toBe(run.backtest.length);
		expect(await page.locator('[data-testid="risk-history"] tbody tr').count()).toBe(risk.history!.length);
		expect(await page.locator('[data-testid="versions"]').textContent()).toContain(`${model.id} v${model.version}`);
		expect(await page.locator('[data-testid="incident-rows"] tbody tr').count()).toBeGreaterThan(0);
	});
});

describe('Compare', () => {
	it('compares two checked areas and the differences add up to the score difference', async () => {
		await page.goto(`${baseUrl}/priorities?month=${month}`);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor();
		const a = expected.areas[0];
		const b = expected.areas[2];
		await page.locator(`tr[data-area="${b.areaId}"] input[type="checkbox"]`).check();
		await page.locator(`tr[data-area="${a.areaId}"] input[type="checkbox"]`).check();
		await page.locator('[data-testid="compare-button"]').click();
		await page.waitForURL(/\/compare\?/);
		await page.locator('[data-testid="compare"][data-state="ready"]').waitFor();
		const summary = (await page.locator('[data-testid="compare-summary"]').textContent()) ?? '';
		expect(summary.indexOf(a.areaId)).toBeLessThan(summary.indexOf(b.areaId));
		expect(summary).toContain('ranks above');
		const diffs = await page.$$eval('[data-testid="compare-table"] tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-difference-units'))));
		expect(diffs.reduce((x, y) => x + y, 0)).toBe(a.scoreUnits - b.scoreUnits);
	});
});

describe('Model', () => {
	it('shows rank changes for a what-if and leaves the published model download unchanged', async () => {
		await page.goto(`${baseUrl}/model?month=${month}`);
		await waitForApp(page);
		await page.locator('[data-testid="model-page"][data-state="ready"]').waitFor();
		const before = await downloadText(() => page.locator('[data-testid="download-json"]').click());
		expect(JSON.parse(before.text).model).toEqual(model);
		const md = await downloadText(() => page.locator('[data-testid="download-md"]').click());
		expect(md.text).toContain(`# Model card: ${model.title}`);
		expect(await page.locator('[data-testid="fairness-decile"] tbody tr').count()).toBeGreaterThan(0);

		await page.locator('input[data-component="harm"]').fill('0.6');
		await page.locator('input[data-component="threat"]').fill('0.1');
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
