/**
 * An area profile read by an inspector, in headless Chromium against the built app and the
 * shipped sample, where the data starts inside the score's windows: Lancashire anti-social
 * behaviour (first month January 2022), LSOA E01024877 assessed for March 2022. thr-v3 reads a
 * 12-month Harm window from April 2021 and a 12-month Threat baseline from January 2021, months
 * the data does not have. The page must say so, not present those months as zero harm, a
 * "usual level of 0 days" or a "rise consistent with chance"; it shows the scoring warnings as
 * Priorities words them, the Risk method and the months its mean reads in words, and names the
 * components each incident row feeds. Expected figures by SQL over the extract's base rows. The
 * City of London (data from December 2017, November 2019) keeps its full windows.
 *
 * Dates and jargon elsewhere on the inspector's pages: the Forecast page and its staffing name the
 * last full week's Sunday in words ("31 December 2017", not "2017-12-31"; Chicago, by SQL over its
 * events); the monthly forecast by area says what MASE is; the Data page names each dataset's
 * months in words.
 */
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { sharedPage, waitForApp } from './browser';
import { openExtract, sharedExtract } from './extract-runner';
import { formatCount, formatDay, formatMetric, formatMonth } from '../lib/charts/format';
import { readFileSync } from 'node:fs';

const baseUrl = inject('baseUrl');
const dataRoot = inject('dataRoot');
const shared = sharedPage();
const lancashire = sharedExtract('lancashire-asb');

const AREA = 'E01024877';
const words = async (selector: string) => ((await shared.page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function openProfile(query: string): Promise<void> {
	const page = shared.page;
	await page.goto(`${baseUrl}/area?${query}`);
	await waitForApp(page, 60_000);
	await page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor({ timeout: 180_000 });
}

describe('Area profile where the data starts inside the windows (Lancashire, March 2022)', () => {
	it('shows the scoring warnings in words, and Threat says there is no usual level rather than a rise "consistent with chance"', async () => {
		const [range] = await lancashire.runner.rows<{ first: string }>('SELECT min(month) AS first FROM incidents');
		expect(range.first).toBe('2022-01');
		// Its records January–March 2022 inside the force area (anti-social behaviour weighs 1 CCHI day: harm = records).
		const [n] = await lancashire.runner.rows<{ recent: number; before: number }>(
			`SELECT count(*) FILTER (WHERE month BETWEEN '2022-01' AND '2022-03')::INTEGER AS recent, count(*) FILTER (WHERE month < '2022-01')::INTEGER AS before
				FROM incidents WHERE lsoa_code = ? AND in_force_area IS NOT false`,
			[AREA]
		);
		expect(n).toEqual({ recent: 255, before: 0 });
		await openProfile(`source=lancashire-asb&month=2022-03&lsoa=${AREA}`);
		const page = shared.page;

		const warnings = (await page.locator('[data-testid="area-profile"] [data-testid="score-warning"]').allTextContents()).map((w) => w.replace(/\s+/g, ' ').trim());
		expect(warnings).toContain(
			"the data starts in January 2022, after the start of the score's 12-month windows (April 2021): months before it count as zero in the 12-month Harm total, which is understated (and so is the largest 12-month Harm that every magnitude is divided by); Threat (credible rise) and Risk (forecast harm next month) use only the months with data"
		);
		expect(warnings).toContain(
			'Threat (credible rise): no months of data before the recent 3 (it needs at least 3), so there is no baseline to compare with: Threat is 0 for every area'
		);
		for (const w of warnings) expect(w).not.toMatch(/\d{4}-\d{2}|longest window|only 0 months/);

		// The reason sentence names the months the data has, not "the last 12 months".
		expect(await words('[data-testid="area-reason"]')).toMatch(/^Holds (?:\d\.\d|\d{2})% of the force's harm since January 2022, when the data starts \(1st of 941 areas\); /);
		const threat = await words('[data-testid="threat-plain"]');
		expect(threat).toContain(`the area had ${formatCount(n.recent)} CCHI days of harm from ${formatCount(n.recent)} incidents.`);
		expect(threat).toContain('The data has no months before these, so there is no usual level to compare them with. Threat adds nothing to the score.');
		expect(threat).not.toMatch(/0 months|chance|usual level \(/);
		// The 12 baseline months January–December 2021 are before the data: shown as such, not as zeros.
		const before = page.locator('[data-testid="threat-table"] tbody tr[data-before-data="true"]');
		expect(await before.count()).toBe(12);
		expect((await before.first().locator('th').textContent())?.trim()).toBe('Jan 2021');
		expect((await before.first().locator('td').allTextContents()).map((t) => t.trim())).toEqual(['baseline (before the data starts: not counted)', '—', '—', '—']);
		expect(await page.locator('[data-testid="threat-table"] tbody tr[data-before-data="false"]').count()).toBe(3);
	});

	it('names the Harm window by the months with data, the Risk method in words and the months its mean reads', async () => {
		const page = shared.page;
		expect(await words('[id^="harm-"][id$="-title"]')).toBe('Behind Harm: categories × harm weights, Jan 2022 – Mar 2022');
		expect(await words('[data-testid="harm-window-note"]')).toBe(
			'The 12-month window starts in Apr 2021, but the data has no records before Jan 2022: this is the harm of the 3 months with data.'
		);
		const risk = await words('[data-testid="risk"]');
		// thr-v3's seasonal mean with under 30 months of history: the mean of the months read, 255 ÷ 3 = 85 CCHI days.
		expect(risk).toContain('about 85 CCHI days');
		expect(risk).toContain('(forecast: seasonal mean of recent seasons)');
		expect(risk).not.toMatch(/seasonal-mean/);
		const method = await words('[data-testid="risk-method"]');
		expect(method).toContain('Monthly harm Jan 2022 – Mar 2022 only');
		expect(method).toContain('the mean of the last 3 months, all the data has.');
		expect(method).not.toContain('last 12 months');
		// Risk's 12-month window runs from April 2021; the data from January 2022 (255 records, each 1 CCHI day).
		expect(await words('[data-testid="risk-context"]')).toBe('255 CCHI days from 255 incidents in the 12 months to Mar 2022 (the data starts in Jan 2022).');
		const backtestMethods = (await page.locator('[data-testid="risk-backtest"] tbody th').allTextContents()).map((t) => t.trim());
		expect(backtestMethods.length).toBeGreaterThan(0);
		for (const m of backtestMethods) expect(m).not.toMatch(/^[a-z]+(-[a-z]+)+$/);
		const feeds = (await page.locator('[data-testid="incident-rows"] tbody tr td:nth-child(5)').allTextContents()).map((t) => t.trim());
		expect(feeds.length).toBeGreaterThan(0);
		// Every row shown is from January–March 2022: it feeds Harm, Threat's recent months and Risk.
		for (const f of feeds) expect(f).toBe('Harm, Threat (recent 3 months), Risk');
	});
});

describe('Area profile with a baseline cut by the data (Lancashire, Burnley district, December 2022)', () => {
	it('says its usual level rests on the 9 months with data, and marks the 3 baseline months before the data', async () => {
		// Burnley's records inside the force area: the 9 baseline months with data (January–September 2022) and the recent 3.
		const [n] = await lancashire.runner.rows<{ baseline: number; recent: number }>(
			`SELECT count(*) FILTER (WHERE month BETWEEN '2022-01' AND '2022-09')::INTEGER AS baseline, count(*) FILTER (WHERE month BETWEEN '2022-10' AND '2022-12')::INTEGER AS recent
				FROM incidents WHERE district_id = 'E07000117' AND in_force_area IS NOT false`
		);
		expect(n).toEqual({ baseline: 3720, recent: 941 });
		await openProfile('source=lancashire-asb&unit=district&id=E07000117&month=2022-12');
		const usual = (n.baseline * 3) / 9;
		expect(await words('[data-testid="threat-plain"]')).toContain(
			`the area had ${formatCount(n.recent)} CCHI days of harm from ${formatCount(n.recent)} incidents; its usual level (the 9 months with data before, scaled to the same length) is ${formatCount(usual)} days: ${Math.round((1 - n.recent / usual) * 100)}% below.`
		);
		const before = shared.page.locator('[data-testid="threat-table"] tbody tr[data-before-data="true"] th');
		expect((await before.allTextContents()).map((t) => t.trim())).toEqual(['Oct 2021', 'Nov 2021', 'Dec 2021']);
		expect(await words('[id^="harm-"][id$="-title"]')).toBe('Behind Harm: categories × harm weights, Jan 2022 – Dec 2022');
		expect(await shared.page.locator('[data-testid="harm-window-note"]').count()).toBe(0);
	});
});

describe('Area profile with the full windows (City of London, November 2019)', () => {
	it('reads the 12 months of its windows, with no month marked before the data', async () => {
		await openProfile('source=city-of-london&month=2019-11&lsoa=E01032739');
		const page = shared.page;
		expect(await page.locator('[data-testid="area-profile"] [data-testid="score-warning"]').count()).toBe(0);
		expect(await words('[id^="harm-"][id$="-title"]')).toBe('Behind Harm: categories × harm weights, Dec 2018 – Nov 2019');
		expect(await page.locator('[data-testid="harm-window-note"]').count()).toBe(0);
		expect(await page.locator('[data-testid="threat-table"] tbody tr[data-before-data="true"]').count()).toBe(0);
		expect(await words('[data-testid="risk-method"]')).toContain('the mean of the last 12 months.');
		expect(await words('[data-testid="threat-plain"]')).toContain('its usual level (the 12 months before, scaled to the same length) is 62,616 days: 24% above.');
		// The Threat test's expected count: harm-counting incidents (not Drugs, not Possession of weapons) in the 12 baseline months
		// September 2018 – August 2019, × 3 recent ÷ 12 baseline months, by SQL over the City's base rows.
		const city = await openExtract('city-of-london');
		try {
			const [b] = await city.rows<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM incidents WHERE lsoa_code = 'E01032739' AND in_force_area AND month BETWEEN '2018-09' AND '2019-08'
					AND category NOT IN ('Drugs', 'Possession of weapons')`
			);
			expect(b.n).toBe(5604);
			// Risk's context: the harm-counting incidents of its 12 months, December 2018 – November 2019, by SQL.
			const [w] = await city.rows<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM incidents WHERE lsoa_code = 'E01032739' AND in_force_area AND month BETWEEN '2018-12' AND '2019-11'
					AND category NOT IN ('Drugs', 'Possession of weapons')`
			);
			expect(w.n).toBe(5852);
			expect(await words('[data-testid="risk-context"]')).toBe(`267,572 CCHI days from ${formatCount(w.n)} incidents in the 12 months to Nov 2019.`);
			const statistics = ((await page.locator('[data-testid="threat-statistics"]').textContent()) ?? '').replace(/\s+/g, ' ');
			expect(statistics).toContain(`against ${formatCount(b.n)} in 12 baseline months (expected ${formatMetric((b.n * 3) / 12, 2)})`);
			expect(statistics).toContain('(expected 1,401.00)');
			const methods = (await page.locator('[data-testid="risk-backtest"] tbody th').allTextContents()).map((t) => t.trim());
			expect(methods).toEqual(['Seasonal mean of recent seasons']);
		} finally {
			city.close();
		}
	});
});

describe('Forecast and Data pages: dates in words, MASE explained', () => {
	it('Chicago: the hourly forecast and the staffing name the last full week by its Sunday in words', async () => {
		const chicago = await openExtract('chicago-assaults');
		let sunday: string;
		try {
			const [last] = await chicago.rows<{ day: string; dow: number }>(
				'SELECT max(local_date)::VARCHAR AS day, dayofweek(max(local_date)::DATE)::INTEGER AS dow FROM events'
			);
			// The data ends on a Sunday (dayofweek 0), so the last full week ends that day.
			expect(last).toEqual({ day: '2017-12-31', dow: 0 });
			sunday = last.day;
		} finally {
			chicago.close();
		}
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=chicago-assaults`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="forecast"][data-state="ready"]').waitFor({ timeout: 180_000 });
		await page.locator('[data-testid="staffing-categories"] caption').waitFor({ timeout: 60_000 });
		const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
		expect(formatDay(sunday)).toBe('31 December 2017');
		expect(text).toContain('to the end of the last full week (Sunday 31 December 2017)');
		expect(text).toContain('Weeks of category mix (ending 31 December 2017)');
		expect(await words('[data-testid="staffing-categories"] caption')).toContain('weeks to 31 December 2017 (');
		expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
	});

	it('City of London: the monthly forecast by area says what MASE is, against last month’s count', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/forecast?source=city-of-london`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="street-areas"][data-state="ready"]').waitFor({ timeout: 180_000 });
		expect(await words('[data-testid="street-description"]')).toContain('backtest MASE');
		expect(await words('[data-testid="street-mase-note"]')).toBe(
			"MASE is the forecast's error as a share of the error of simply using last month's count, measured month by month over each area's history: lower is better, and below 1 beats that. An 80% interval should hold 80% of the months it is drawn for: the coverage says how many it did in the backtest."
		);
	});

	it('the Data page names each dataset’s months in words, as the manifest records them', async () => {
		const manifest = JSON.parse(readFileSync(join(dataRoot, 'city-of-london', 'manifest.json'), 'utf8')) as {
			datasets: Array<{ name: string; date_range?: { first: string; last: string } | null }>;
		};
		const incidents = manifest.datasets.find((d) => d.name === 'incidents')!;
		expect(incidents.date_range).toEqual({ first: '2017-12', last: '2019-11' });
		const page = shared.page;
		await page.goto(`${baseUrl}/data?source=city-of-london`);
		await waitForApp(page, 60_000);
		const ranges = (await page.locator('td[data-col="date-range"]').allTextContents()).map((t) => t.trim());
		expect(ranges).toContain(`${formatMonth('2017-12')} – ${formatMonth('2019-11')}`);
		expect(ranges).toContain('Dec 2017 – Nov 2019');
		for (const r of ranges) expect(r).not.toMatch(/\d{4}-\d{2}/);
	});
});

describe('Briefing and Compare read as sentences (Lancashire, March 2022)', () => {
	it('the briefing counts one record outside the force area in the singular, and words the scoring warnings as the area profile does', async () => {
		const [n] = await lancashire.runner.rows<{ outside: number }>('SELECT count(*) FILTER (WHERE in_force_area = false)::INTEGER AS outside FROM incidents');
		expect(n.outside).toBe(1);
		const page = shared.page;
		await page.goto(`${baseUrl}/briefing?source=lancashire-asb&month=2022-03`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="briefing"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const caveats = (await page.locator('[data-testid="briefing-caveats"] li').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim());
		expect(caveats).toContain('1 record of this dataset lies outside the force area: the map shows it faded; it is never scored.');
		expect(caveats).toContain(
			"The data starts in January 2022, after the start of the score's 12-month windows (April 2021): months before it count as zero in the 12-month Harm total, which is understated (and so is the largest 12-month Harm that every magnitude is divided by); Threat (credible rise) and Risk (forecast harm next month) use only the months with data."
		);
		for (const c of caveats) expect(c).not.toMatch(/1 records|only 0 months|longest window|\d{4}-\d{2}/);
	});

	it('Compare names each component and its unit without doubled brackets', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/compare?source=lancashire-asb&month=2022-03&a=${AREA}&b=E01033223`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="compare"][data-state="ready"]').waitFor({ timeout: 180_000 });
		const rows = (await page.locator('[data-testid="compare-table"] tbody th').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
		expect(rows).toEqual(['Harm, CCHI days', 'Threat (credible rise), CCHI days', 'Risk (forecast harm next month), CCHI days per month']);
	});
});

describe('Compare with two areas it cannot compare (City of London, November 2019)', () => {
	it('says so in words, not with the function’s error text', async () => {
		const page = shared.page;
		await page.goto(`${baseUrl}/compare?source=city-of-london&month=2019-11&a=E01032739&b=E01032739`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="compare"][data-state="not-comparable"]').waitFor({ timeout: 180_000 });
		expect(await words('[data-testid="compare-problem"]')).toBe('Choose two different areas: both are E01032739.');

		// An LSOA with records located outside the force area (not scored), by SQL over the City's base rows.
		const city = await openExtract('city-of-london');
		let outside: string;
		try {
			const [o] = await city.rows<{ lsoa: string }>(
				'SELECT lsoa_code AS lsoa FROM incidents WHERE in_force_area = false AND lsoa_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'
			);
			const [inside] = await city.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM force_area WHERE area_code = ?', [o.lsoa]);
			expect(inside.n).toBe(0);
			outside = o.lsoa;
		} finally {
			city.close();
		}
		await page.goto(`${baseUrl}/compare?source=city-of-london&month=2019-11&a=E01032739&b=${outside}`);
		await page.locator('[data-testid="compare"][data-state="not-comparable"]').waitFor({ timeout: 180_000 });
		// The areas scored in the sentence Priorities writes for the same month, word for word.
		const scored = 'Scored: all 6 areas of the force area, City of London.';
		expect(await words('[data-testid="compare-problem"]')).toBe(
			`${outside} is not among the areas scored for November 2019. ${scored} Open it as an area profile for the reason, or choose areas on the priorities page.`
		);
		expect(await page.locator('main').innerText()).not.toMatch(/compareAreas|RangeError|2019-11/);
		await page.goto(`${baseUrl}/priorities?source=city-of-london&month=2019-11`);
		await page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 180_000 });
		expect(await words('[data-testid="force-scope"]')).toMatch(/^Scored: /);
		expect((await words('[data-testid="force-scope"]')).startsWith(`${scored} `)).toBe(true);
	});
});
