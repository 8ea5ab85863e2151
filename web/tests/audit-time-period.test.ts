/**
 * The Time page over a period that starts before the data, reached the way a reader reaches it:
 * the Area profile's link "Its records by month and category (Time)" carries the 15 months the
 * score reads (Oct 2021 – Dec 2022 for Lancashire's Dec 2022), three of them before the data
 * (Jan 2022 – Dec 2022). The Time page drew those three months as months of zero records and said
 * "N records from Oct 2021 to Dec 2022"; it now draws the data's months only and says which period
 * the records were counted over. Expected counts made here from the raw Lancashire file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { sharedPage, waitForApp } from './browser';

const baseUrl = inject('baseUrl');
const shared = sharedPage();
const LSOA = 'E01012607';

/** Records per month (YYYY-MM) of one LSOA in the raw tab-separated file: month, longitude, latitude, location, lsoa_code. */
function rawMonths(lsoa: string): Map<string, number> {
	const lines = readFileSync('sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab', 'utf8').split('\n').slice(1);
	const out = new Map<string, number>();
	for (const line of lines) {
		const cols = line.split('\t');
		if (cols[4]?.trim() !== lsoa) continue;
		const month = cols[0].slice(0, 7);
		out.set(month, (out.get(month) ?? 0) + 1);
	}
	return out;
}

describe('Time, from the Area profile link, over a period starting before the data', () => {
	it('draws Jan–Dec 2022 with the raw counts and says the period counted, not Oct 2021 with three months of zeros', async () => {
		const raw = rawMonths(LSOA);
		expect([...raw.values()].reduce((a, b) => a + b, 0)).toBe(38);
		const { page } = shared;
		await page.goto(`${baseUrl}/area?source=lancashire-asb&lsoa=${LSOA}&month=2022-12`);
		await waitForApp(page, 60_000);
		const link = page.locator('[data-testid="area-time-link"]');
		await link.waitFor({ timeout: 60_000 });
		const href = (await link.getAttribute('href'))!;
		expect(new URL(href, baseUrl).searchParams.get('from')).toBe('2021-10');
		await link.click();
		await page.waitForURL(/\/time\?/);
		await page.locator('[data-testid="matrix"][data-state="ready"]').waitFor({ timeout: 60_000 });
		const cells = await page.locator('[data-testid="matrix"] rect[data-month]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-month'), Number(e.getAttribute('data-value'))] as [string, number]));
		const months = [...new Set(cells.map(([m]) => m))];
		expect(months).toEqual(['2022-01', '2022-02', '2022-03', '2022-04', '2022-05', '2022-06', '2022-07', '2022-08', '2022-09', '2022-10', '2022-11', '2022-12']);
		for (const [m, n] of cells) expect(n, m).toBe(raw.get(m) ?? 0);

		await page.waitForFunction(() => (document.querySelector('[data-testid="time-summary"]')?.getAttribute('data-records') ?? '') !== '', null, { timeout: 60_000 });
		const summary = page.locator('[data-testid="time-summary"]');
		expect(Number(await summary.getAttribute('data-records'))).toBe(38);
		const text = (await summary.textContent())!.replace(/\s+/g, ' ');
		expect(text).toContain('38 records from Jan 2022 to Dec 2022 (the data covers Jan 2022 to Dec 2022; the period asked for is Oct 2021 to Dec 2022)');
	});
});
