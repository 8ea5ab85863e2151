/**
 * The period chosen on the Map travels to the THR pages as their assessment month, in headless
 * Chromium against the built app and the shipped City of London sample: with `from`/`to` in the
 * URL and no `month`, Priorities, the Model shared.page, the area profile and the briefing all assess the
 * period's last month (a month with data up to `to`), never silently the latest month.
 */
import { describe, expect, inject, it } from 'vitest';
import { sharedPage, waitForApp } from './browser';

const baseUrl = inject('baseUrl');
const LSOA = 'E01032739';

const shared = sharedPage();

const period = new URLSearchParams([['source', 'city-of-london'], ['ds', 'incidents'], ['from', '2018-04'], ['to', '2018-06']]);

describe('A carried period sets the THR assessment month', () => {
	it('Map → Priorities (header link): ranked for the period’s last month, June 2018', async () => {
		await shared.page.goto(`${baseUrl}/map?${period}`);
		await waitForApp(shared.page, 60_000);
		await shared.page.locator('nav a[data-path="/priorities"]').click();
		await shared.page.waitForURL((u) => u.pathname === '/priorities', { timeout: 30_000 });
		await shared.page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await shared.page.locator('[data-testid="month-select"]').inputValue()).toBe('2018-06');
		expect(await shared.page.locator('[data-testid="priorities-table"] caption').textContent()).toBe('Areas ranked by THR score, June 2018');
		// No crime type or area carried: nothing to say about them.
		expect(await shared.page.locator('[data-testid="ignored-filters"]').count()).toBe(0);
	});

	it('crime types and an area carried from the Map are named as not applied to the ranking', async () => {
		await shared.page.goto(`${baseUrl}/priorities?${period}&cat=Burglary&cat=Robbery&area=lsoa:${LSOA}`);
		await shared.page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await shared.page.locator('[data-testid="ignored-filters"]').textContent()).toBe(
			'The score reads every harm-counting crime type in every area of the force area: the crime types chosen (Burglary, Robbery) and the selected area, kept from the Map or Time, are not applied here.'
		);
		// The ranking is the one without them: every area of the force area (6 LSOAs).
		expect(await shared.page.locator('[data-testid="priorities-table"] tbody tr').count()).toBe(6);
	});

	it('/priorities?to= beyond the data ends at its last month; month= still wins', async () => {
		await shared.page.goto(`${baseUrl}/priorities?source=city-of-london&from=2019-09&to=2020-02`);
		await shared.page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await shared.page.locator('[data-testid="month-select"]').inputValue()).toBe('2019-11');
		await shared.page.goto(`${baseUrl}/priorities?${period}&month=2018-02`);
		await shared.page.locator('[data-testid="priorities"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await shared.page.locator('[data-testid="month-select"]').inputValue()).toBe('2018-02');
	});

	it('Compare: the same month, and the carried crime type named as not applied', async () => {
		await shared.page.goto(`${baseUrl}/compare?${period}&a=${LSOA}&b=E01000001&cat=Burglary`);
		await shared.page.locator('[data-testid="compare"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await shared.page.locator('[data-testid="compare-month"]').textContent()).toMatch(/^Scores of June 2018 by thr v\d+\.\d+\.\d+\.$/);
		expect(await shared.page.locator('[data-testid="ignored-filters"]').textContent()).toBe(
			'The score reads every harm-counting crime type in every area of the force area: the crime type chosen (Burglary), kept from the Map or Time, is not applied here.'
		);
		// LSOAs: no note about the source's own areas.
		expect(await shared.page.locator('[data-testid="unit-note"]').count()).toBe(0);
	});

	it('the Model page and the area profile assess the same month', async () => {
		await shared.page.goto(`${baseUrl}/model?${period}`);
		await waitForApp(shared.page, 60_000);
		await shared.page.locator('[data-testid="month-select"]').waitFor({ timeout: 60_000 });
		expect(await shared.page.locator('[data-testid="month-select"]').inputValue()).toBe('2018-06');
		await shared.page.goto(`${baseUrl}/area?${period}&id=${LSOA}`);
		await shared.page.locator('[data-testid="area-profile"][data-state="ready"]').waitFor({ timeout: 60_000 });
		expect(await shared.page.locator('[data-testid="area-profile"]').textContent()).toContain('Jun 2018: rank');
	});
});
