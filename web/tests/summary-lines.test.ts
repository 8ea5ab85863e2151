/**
 * The Map and Time summary lines say how many of the records they count have no location, in
 * headless Chromium against the built app and the shipped City of London sample: the total
 * includes them, no map layer shows them, and the figure equals the count made here from the raw
 * police.uk street CSVs (rows with no longitude or latitude), as on the Overview.
 */
import { describe, expect, inject, it } from 'vitest';
import { sharedPage, waitForApp } from './browser';
import { readFileSync } from 'node:fs';
import { countedStreetRows, streetFigures } from './expected';
import { formatCount } from '../lib/charts/format';

const baseUrl = inject('baseUrl');
const street = streetFigures();
const rows = countedStreetRows();

const shared = sharedPage();

async function summary(testid: string): Promise<{ records: number; noLocation: number | null }> {
	await shared.page.waitForFunction((t) => (document.querySelector(`[data-testid="${t}"]`)?.getAttribute('data-records') ?? '') !== '', testid, { timeout: 60_000 });
	// The no-location count follows the total; give it its own moment.
	await shared.page.waitForTimeout(500);
	const line = shared.page.locator(`[data-testid="${testid}"]`);
	const note = line.locator('[data-testid="summary-no-location"]');
	return {
		records: Number(await line.getAttribute('data-records')),
		noLocation: (await note.count()) > 0 ? Number(await note.getAttribute('data-count')) : null
	};
}

describe('Summary lines name the records without a location', () => {
	it('Map, whole sample: 1,171 of the 18,206 street records have no location', async () => {
		expect(street.noLocation).toBe(1171);
		await shared.page.goto(`${baseUrl}/map?source=city-of-london&ds=incidents`);
		await waitForApp(shared.page, 60_000);
		await shared.page.locator('[data-testid="map-summary"] [data-testid="summary-no-location"]').waitFor({ timeout: 60_000 });
		const s = await summary('map-summary');
		expect(s.records).toBe(street.records);
		expect(s.noLocation).toBe(street.noLocation);
		expect(await shared.page.locator('[data-testid="map-summary"]').textContent()).toContain('1,171 of them have no location');
	});

	it('Time, a period and a category: the count follows the filters', async () => {
		const from = '2018-06';
		const to = '2018-11';
		const cat = 'Other theft';
		const want = rows.filter((r) => r.Month >= from && r.Month <= to && r['Crime type'] === cat && (r.Longitude === '' || r.Latitude === '')).length;
		expect(want).toBeGreaterThan(0);
		await shared.page.goto(`${baseUrl}/time?source=city-of-london&ds=incidents&from=${from}&to=${to}&cat=${encodeURIComponent(cat)}`);
		await waitForApp(shared.page, 60_000);
		await shared.page.locator('[data-testid="time-summary"] [data-testid="summary-no-location"]').waitFor({ timeout: 60_000 });
		expect((await summary('time-summary')).noLocation).toBe(want);
	});
});

/** The summary line's text, spaces collapsed, once its count is in. */
async function lineText(testid: string): Promise<string> {
	await shared.page.waitForFunction((t) => (document.querySelector(`[data-testid="${t}"]`)?.getAttribute('data-records') ?? '') !== '', testid, { timeout: 60_000 });
	return ((await shared.page.locator(`[data-testid="${testid}"]`).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

describe('Summary lines say one month as one month, and name what the source holds', () => {
	it('Time and Map, November 2019 alone: "in November 2019", never "Nov 2019 to Nov 2019"', async () => {
		const want = rows.filter((r) => r.Month === '2019-11').length;
		expect(want).toBeGreaterThan(1);
		for (const [path, testid] of [['time', 'time-summary'], ['map', 'map-summary']] as const) {
			await shared.page.goto(`${baseUrl}/${path}?source=city-of-london&ds=incidents&from=2019-11&to=2019-11`);
			await waitForApp(shared.page, 60_000);
			const text = await lineText(testid);
			expect(text, path).toContain(`Street crime and ASB: ${formatCount(want)} records in November 2019, every category`);
			expect(text, path).not.toContain('Nov 2019 to Nov 2019');
		}
	});

	it('Lancashire, anti-social behaviour only: the line says "Anti-social behaviour", with the raw file\'s 56,434 records', async () => {
		// The sample's Lancashire table: a header line, then one line per record, every one anti-social behaviour.
		const lines = readFileSync('sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab', 'utf8').split('\n').filter((l) => l !== '');
		const records = lines.length - 1;
		expect(records).toBe(56_434);
		for (const [path, testid] of [['time', 'time-summary'], ['map', 'map-summary']] as const) {
			await shared.page.goto(`${baseUrl}/${path}?source=lancashire-asb&ds=incidents`);
			await waitForApp(shared.page, 60_000);
			const text = await lineText(testid);
			expect(text, path).toMatch(new RegExp(`^Anti-social behaviour: ${formatCount(records)} records over the whole period, Jan 2022 to Dec 2022`));
			expect(text, path).not.toContain('Street crime');
		}
	});
});
