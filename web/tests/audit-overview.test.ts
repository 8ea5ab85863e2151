/**
 * The Overview's headline comparison line against a seasonal average that the data cannot fully
 * make: City of London's data starts in Dec 2017, so "Sep–Nov 2019 against the average of
 * Sep–Nov in 2016, 2017 and 2018" is the one year 2018. The line said "seasonal average: 2,233",
 * a 3-year average in words for a single year's figure; it now names the year it is made of.
 * Expected counts made here from the raw police.uk street CSVs (repeated Crime IDs dropped).
 */
import { describe, expect, inject, it } from 'vitest';
import { sharedPage, waitForApp } from './browser';
import { countedStreetRows } from './expected';
import { formatCount } from '../lib/charts/format';
import { beyondChanceExact } from '../../scripts/lib/exact-binomial';

const baseUrl = inject('baseUrl');
const shared = sharedPage();
const rows = countedStreetRows();
const inMonths = (from: string, to: string) => rows.filter((r) => r.Month >= from && r.Month <= to).length;

describe('Overview: a seasonal average made of fewer years than it looks back', () => {
	it('names the one year in the data, with the raw counts', async () => {
		const current = inMonths('2019-09', '2019-11');
		const lastYear = inMonths('2018-09', '2018-11');
		expect([current, lastYear]).toEqual([2674, 2233]);
		const { page } = shared;
		await page.goto(`${baseUrl}/?from=2019-09&to=2019-11&compare=seasonal-3y`);
		await waitForApp(page, 60_000);
		const line = page.locator('[data-testid="records-compared"]');
		await line.waitFor({ timeout: 60_000 });
		const text = (await line.textContent())!.replace(/\s+/g, ' ');
		expect(text).toContain(
			`September–November 2019: ${formatCount(current)} · average of September–November 2018 (1 of the 3 years looked back; the others are not in the data): ${formatCount(lastYear)} · difference +${formatCount(current - lastYear)}`
		);
		expect(text).not.toContain('seasonal average');
		// Against the one year used, 2,674 against 2,233 is beyond chance (the exact binomial decision on the raw counts).
		expect(beyondChanceExact(current, current + lastYear)).toBe(true);
		expect(text).toContain(`ratio ${(current / lastYear).toFixed(2)} · beyond chance: a change this large seldom comes from chance alone`);
	});
});
