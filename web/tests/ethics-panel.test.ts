/**
 * The ethics panel's pages read as the panel would read them, in headless Chromium against the
 * built app and the City of London sample: the Model page, its model card, the Stop and search
 * page and the Accuracy page say what their figures show and no more, in words, never in raw
 * internal text.
 *
 * - Model page, December 2017 (the data's first month): the scoring warnings the model card
 *   promises ("a warning says so") are shown, with months in words.
 * - Model page, December 2017: the community impact names the months its searches come from (the
 *   data's first month with searches, by SQL), not twelve months before the data.
 * - Model page, November 2019: the community impact says when a group's searches in the flagged
 *   areas reach its residents there (City of London 001F: 18 Black residents), so its rate per 1,000
 *   residents describes no real population.
 * - Model card: the extract's build time reads as a date, not an ISO timestamp.
 * - Disparity ratios: the Stop and search page and the model card say what a ratio does not show
 *   (why rates differ, whether a search was justified), and the find-rate guide does not claim that a
 *   lower find rate proves weaker grounds.
 * - Accuracy page: the hourly backtest of stop and search is marked as police activity, not demand,
 *   and names its last week as a date ("24 November 2019", the last Sunday on or before the last search,
 *   by SQL); MAE, MASE, bias, coverage and time are explained in words.
 * - Model card: MASE is explained in words beside the MASE it shows.
 * - Accuracy page: the model whose weights define harm is named "thr v3.0.0" (from the model
 *   file), not "THR thr 3.0.0".
 * - Accuracy page (Lancashire 2022): where the model is ahead of every baseline by less than the
 *   table shows (both 9.7% at 1% of the force area), the verdict and the statement do not call it a
 *   win; the shares are read from the page's own table.
 * - What-if (Model page): weights that do not add up to 1, or a weight left empty, are explained
 *   in words (0.6 + 0.3 + 0.3 = 1.2), never with the model validator's message.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sharedPage, waitForApp } from './browser';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract } from '../../scripts/lib/load-input';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
const shared = sharedPage();
let runner: NodeRunner;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2017-12" → "Dec 2017", worked here rather than with the app's formatter. */
const monthText = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;
const ISO_MONTH = /\b\d{4}-(0[1-9]|1[0-2])\b/;
const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadExtract(runner, dataDir);
}, 120_000);

afterAll(() => runner?.close());

async function openModel(month: string) {
	const { page } = shared;
	await page.goto(`${baseUrl}/model?month=${month}`);
	await waitForApp(page);
	await page.locator('[data-testid="model-page"][data-state="ready"]').waitFor({ timeout: 90_000 });
	return page;
}

describe('Model page: warnings, periods and dates', () => {
	it('shows the scoring warnings the model card promises, in words', async () => {
		const [{ first }] = await runner.rows<{ first: string }>('SELECT min(month) AS first FROM incidents');
		expect(first).toBe('2017-12');
		const page = await openModel(first);
		// Threat compares the last 3 months with the 12 before them: in the data's first month there are none, so the card's promised warning must show.
		const warnings = await page.locator('[data-testid="model-scope"] [data-testid="score-warning"]').allTextContents();
		expect(warnings.length).toBeGreaterThan(0);
		expect(warnings.some((w) => w.includes('Threat') && w.includes('is 0 for every area'))).toBe(true);
		for (const w of warnings) expect(w).not.toMatch(ISO_MONTH);
		expect(warnings.join(' ')).toContain('December 2017');
	});

	it('names the months the community impact’s searches come from, not twelve months before the data', async () => {
		const [{ firstSearch }] = await runner.rows<{ firstSearch: string }>('SELECT min(month) AS "firstSearch" FROM stop_search');
		const page = await openModel(firstSearch);
		const impact = page.locator('[data-testid="community-impact"][data-state="ready"]');
		await impact.waitFor({ timeout: 60_000 });
		const lead = (await impact.locator('p').first().textContent())!.replace(/\s+/g, ' ');
		// Twelve months to December 2017 would start in January 2017, eleven months before any search.
		expect(lead).not.toContain('Jan 2017');
		expect(lead).toContain(`(${monthText(firstSearch)}; the data has no searches before ${monthText(firstSearch)}, self-defined ethnicity`);
	});

	it('says when the community impact’s rates per 1,000 residents describe no real population', async () => {
		// November 2019: the high band is City of London 001F (E01032739), whose 18 Black residents (Census 2021) were
		// outnumbered by the searches of Black people located there in the 12 months to November 2019 (by SQL).
		const [{ n }] = await runner.rows<{ n: number }>(
			`SELECT count(*)::INTEGER AS n FROM stop_search WHERE in_force_area AND lsoa_code = 'E01032739' AND month BETWEEN '2018-12' AND '2019-11'
			   AND self_defined_ethnicity LIKE 'Black/African/Caribbean/Black British - %'`
		);
		expect(n).toBeGreaterThanOrEqual(18);
		const page = await openModel('2019-11');
		const impact = page.locator('[data-testid="community-impact"][data-state="ready"]');
		await impact.waitFor({ timeout: 60_000 });
		expect(await impact.locator('tr[data-group="Black"]').getAttribute('data-in')).toBe(String(n));
		const caveat = (await impact.locator('[data-testid="community-impact-caveats"] li[data-code="poor-denominator"]').textContent())!;
		expect(caveat).toContain(`in the flagged areas, Black people (${n} searches, 18 residents)`);
		expect(caveat).toContain('describe no real population');
	});

	it('writes the extract’s build time as a date, not an ISO timestamp', async () => {
		const page = await openModel('2019-11');
		const card = page.locator('[data-testid="card-accuracy"][data-state="ready"]');
		await card.waitFor({ timeout: 90_000 });
		const text = (await card.locator('p').first().textContent())!.replace(/\s+/g, ' ');
		expect(text).not.toMatch(ISO_TIMESTAMP);
		expect(text).toMatch(/Extract built \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{2}:\d{2} UTC\./);
	});
});

describe('What a disparity ratio does and does not show', () => {
	it('is said on the Stop and search page, and the find-rate guide does not claim proof', async () => {
		const { page } = shared;
		await page.goto(`${baseUrl}/stop-search`);
		await waitForApp(page);
		await page.locator('[data-testid="stop-search-page"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const lead = (await page.locator('[data-testid="stop-search-page"] p.lead').textContent())!.replace(/\s+/g, ' ');
		expect(lead).toContain('A ratio does not show why the rates differ');
		expect(lead).toContain('not proof of unfair treatment on its own');
		const body = (await page.locator('[data-testid="stop-search-page"]').textContent())!.replace(/\s+/g, ' ');
		expect(body).not.toContain('was, on average, searched on weaker grounds');
		expect(body).toContain('find rates alone cannot prove it');
	});

	it('is said beside the model card’s stop and search table', async () => {
		const page = await openModel('2019-11');
		const card = page.locator('[data-testid="card-stop-search"][data-state="ready"]');
		await card.waitFor({ timeout: 60_000 });
		expect(await card.locator('[data-testid="card-ratio-reading"]').textContent()).toContain('A ratio does not show why the rates differ');
	});
});

describe('Accuracy page: the hourly backtest', () => {
	it('marks stop and search as police activity, names its last week as a date, and explains its measures', async () => {
		// The last full week (Monday to Sunday) ends on the last Sunday on or before the last search's day.
		const [{ lastDay }] = await runner.rows<{ lastDay: string }>(`SELECT strftime(max(occurred_at)::DATE, '%Y-%m-%d') AS "lastDay" FROM stop_search`);
		expect(lastDay).toBe('2019-11-30'); // a Saturday
		const { page } = shared;
		await page.goto(`${baseUrl}/accuracy`);
		await waitForApp(page);
		const section = page.locator('[data-testid="backtest"][data-state="ready"]');
		await section.waitFor({ timeout: 120_000 });
		expect(await section.locator('h2').textContent()).not.toMatch(/demand/i);
		const caption = (await section.locator('[data-testid="backtest-table"][data-table="stop_search"] caption').textContent())!.replace(/\s+/g, ' ').trim();
		expect(caption).toBe('Stop and search: 8 weekly origins to the week ending 24 November 2019');
		expect(await section.locator('[data-testid="backtest-activity-note"]').textContent()).toContain('police activity that officers start themselves, not demand');
		const guide = (await section.locator('p.description').first().textContent())!.replace(/\s+/g, ' ');
		for (const words of ['MAE (mean absolute error)', 'MASE (mean absolute scaled error)', 'Bias: the forecast minus the actual count', 'Time: seconds']) expect(guide).toContain(words);
	});

	it('the model card says in words what MASE is, beside the MASE it shows', async () => {
		const page = await openModel('2019-11');
		const monthly = page.locator('[data-testid="card-other-monthly"][data-state="ready"]');
		await monthly.waitFor({ timeout: 120_000 });
		expect(await monthly.locator('[data-testid="card-other-monthly-mase-reading"]').textContent()).toContain('MASE (mean absolute scaled error)');
	});
});

describe('Accuracy page: the model behind "harm"', () => {
	it('is named once, by id and version, not "THR thr 3.0.0"', async () => {
		const model = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as { id: string; version: string };
		const { page } = shared;
		await page.goto(`${baseUrl}/accuracy`);
		await waitForApp(page);
		const section = page.locator('[data-testid="harm-accuracy"][data-state="ready"]');
		await section.waitFor({ timeout: 120_000 });
		const text = (await section.textContent())!.replace(/\s+/g, ' ');
		expect(text).toContain(`with the weights and exclusions of the model ${model.id} v${model.version}.`);
		expect(text).not.toContain('THR thr');
	});
});

describe('Accuracy page: a lead the table shows as equal (Lancashire 2022)', () => {
	it('is never called a win, in the verdict or in the statement', async () => {
		const { page } = shared;
		await page.goto(`${baseUrl}/accuracy?source=lancashire-asb`);
		await waitForApp(page);
		await page.locator('[data-testid="harm-accuracy"][data-state="ready"]').waitFor({ timeout: 180_000 });
		// Each row's "Harm held" cells as shown, by area share; baselines are the rows marked "(baseline)".
		const rows = await page.$$eval('[data-testid="harm-table"] tbody tr', (trs) =>
			trs.map((tr) => ({
				method: tr.getAttribute('data-method')!,
				baseline: tr.querySelector('th')!.textContent!.includes('(baseline)'),
				held: Object.fromEntries([...tr.querySelectorAll('td[data-metric="harm-share"]')].map((td) => [td.getAttribute('data-share')!, td.textContent!.trim()]))
			}))
		);
		const judged = (await page.locator('[data-testid="harm-table"]').getAttribute('data-judged'))!;
		const judgedRow = rows.find((r) => r.method === judged)!;
		const statement = (await page.locator('[data-testid="harm-statement"]').textContent())!.replace(/\s+/g, ' ');
		const beatsAt = /It beats every baseline at ([^.]*) of the area\./.exec(statement)?.[1] ?? '';
		let marginal = 0;
		for (const li of await page.locator('[data-testid="harm-verdicts"] li[data-share]').all()) {
			const share = (await li.getAttribute('data-share'))!;
			if ((await li.getAttribute('data-not-beaten')) !== '') continue;
			const sameAsShown = rows.some((r) => r.baseline && r.held[share] === judgedRow.held[share]);
			if (!sameAsShown) continue;
			marginal++;
			const label = `${Number((100 * Number(share)).toPrecision(6))}%`;
			expect(await li.textContent()).toContain('more than every baseline by less than 0.1 percentage points');
			expect(beatsAt.split(/, | and /)).not.toContain(label);
			expect(statement).toContain(`At ${label}`);
		}
		// 1% of the force area: THR v3 and 12-month harm both show 9.7%.
		expect(marginal).toBeGreaterThan(0);
	});
});

describe('What-if weights', () => {
	it('says in words what is wrong with weights that do not add up to 1, never the model validator’s message', async () => {
		const page = await openModel('2019-11');
		const whatIf = page.locator('[data-testid="what-if"]');
		// Published weights 0.4, 0.3, 0.3; Harm typed as 0.6 makes 0.6 + 0.3 + 0.3 = 1.2.
		await whatIf.locator('input[data-component="harm"]').fill('0.6');
		await whatIf.locator('[data-testid="what-if-run"]').click();
		const error = (await whatIf.locator('[data-testid="what-if-error"]').textContent())!;
		expect(error).toContain('The weights add up to 1.2; they must add up to 1');
		expect(error).not.toContain('not usable');
		expect(await whatIf.locator('[data-testid="rank-changes"]').count()).toBe(0);
		await whatIf.locator('input[data-component="harm"]').fill('');
		await whatIf.locator('[data-testid="what-if-run"]').click();
		await expect.poll(() => whatIf.locator('[data-testid="what-if-error"]').textContent()).toContain('Give a weight for Harm');
	});
});
