/**
 * A source's own area set as a level everywhere LSOAs are, on the shipped Lancashire sample
 * (anti-social behaviour 2022 in its 14 local authority districts): Priorities lists the
 * districts with their scores and an area's profile opens; the Forecast page forecasts each
 * district; the Map's cells CSV at district level adds up to the raw file's records; and the
 * area set's name is the manifest's label (`districts_info.label`) wherever the pages name it,
 * checked with the label the builder recorded and with another one put into the manifest the
 * browser receives.
 *
 * Independent figures: the raw file's data lines (sample-data/police-uk/lancashire-asb-2022/
 * lancashire_asb.tab); per-district counts and names by native DuckDB over the served extract.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type TestBrowser } from './browser';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract } from '../../scripts/lib/load-input';
import { forecastStreetAreas } from '../lib/forecast/demand';
import { formatCount } from '../lib/charts/format';
import { areaSetLabel, areaSetNoun } from '../../analytics/explore/area-set';

const baseUrl = inject('baseUrl');
const dataRoot = inject('dataRoot');
const SOURCE = 'lancashire-asb';
const RAW = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';
const MONTH = '2022-12';

let browser: TestBrowser;
let page: Page;
let runner: NodeRunner;
let label: string;
let districts: Array<{ id: string; name: string; records: number }>;
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-custom-areas-'));

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage();
	runner = await createNodeRunner();
	await loadExtract(runner, join(dataRoot, SOURCE));
	label = areaSetLabel(JSON.parse(readFileSync(join(dataRoot, SOURCE, 'manifest.json'), 'utf8')));
	districts = (
		await runner.rows<{ id: string; name: string; records: number }>(
			`SELECT d.district_id AS id, d.name, count(i.district_id)::INTEGER AS records
			 FROM districts d LEFT JOIN incidents i ON i.district_id = d.district_id AND i.in_force_area IS NOT false
			   AND i.month_index BETWEEN ? AND ?
			 GROUP BY ALL ORDER BY 1`,
			[2022 * 12 + 0, 2022 * 12 + 11]
		)
	).map((r) => ({ id: String(r.id), name: String(r.name), records: Number(r.records) }));
}, 120_000);

afterAll(async () => {
	await browser?.close();
	runner?.close();
	rmSync(tmp, { recursive: true, force: true });
});

async function download(trigger: () => Promise<void>): Promise<{ text: string; name: string }> {
	const [d] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, d.suggestedFilename());
	await d.saveAs(path);
	return { text: readFileSync(path, 'utf8'), name: d.suggestedFilename() };
}

describe('custom areas: Lancashire districts as a level', () => {
	it('Priorities lists the 14 districts with their scores, names and 12-month harm; the label names them', async () => {
		expect(districts).toHaveLength(14);
		await page.goto(`${baseUrl}/priorities?source=${SOURCE}&unit=district&month=${MONTH}`);
		await waitForApp(page, 60_000);
		await page.waitForSelector('[data-testid="priorities"][data-state="ready"]', { timeout: 120_000 });
		const rows = await page.locator('[data-testid="priorities-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => ({
				id: tr.getAttribute('data-area')!,
				rank: Number(tr.getAttribute('data-rank')),
				units: Number(tr.getAttribute('data-score-units')),
				parts: [...tr.querySelectorAll('[data-col="contribution"]')].map((c) => Number(c.getAttribute('data-units'))),
				harm: Number(tr.querySelector('[data-col="harm"]')?.getAttribute('data-raw')),
				name: tr.querySelector('[data-testid="area-name"]')?.textContent ?? ''
			}))
		);
		expect(rows.map((r) => r.id).sort()).toEqual(districts.map((d) => d.id));
		for (const r of rows) {
			const d = districts.find((x) => x.id === r.id)!;
			// Anti-social behaviour weighs 1 CCHI day: 12-month harm = the district's records in 2022.
			expect(r.harm).toBe(d.records);
			expect(r.name).toBe(d.name);
			expect(r.units).toBe(r.parts.reduce((a, b) => a + b, 0));
			expect(r.units).toBeGreaterThan(0);
		}
		// Ranked by score, the largest harm first.
		expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
		expect(rows[0].id).toBe([...districts].sort((a, b) => b.records - a.records)[0].id);
		// The area set by its label, and what a score over large areas means.
		expect(await page.locator('[data-testid="priorities-table"] caption').textContent()).toContain(`${label} ranked by THR score`);
		expect(await page.locator('[data-testid="unit-select"] option:checked').textContent()).toBe(label);
		expect(await page.locator('[data-testid="unit-note"]').textContent()).toContain(`the 14 ${areaSetNoun(label)} of this source instead of LSOAs`);
	});

	it("a district's profile opens from the list, with its rank, score and the carried level", async () => {
		const first = page.locator('[data-testid="priorities-table"] tbody tr[data-rank="1"]');
		const id = (await first.getAttribute('data-area'))!;
		const units = Number(await first.getAttribute('data-score-units'));
		await first.locator('[data-testid="area-link"]').click();
		await page.waitForURL((u) => u.pathname.endsWith('/area') && u.searchParams.get('id') === id && u.searchParams.get('unit') === 'district');
		await page.locator('[data-testid="area-score"]').waitFor({ timeout: 120_000 });
		expect(await page.locator('[data-testid="area-rank"]').textContent()).toBe('1');
		expect(Number(await page.locator('[data-testid="area-score"]').getAttribute('data-score-units'))).toBe(units);
		expect(await page.locator('#area-summary-title').textContent()).toContain(districts.find((d) => d.id === id)!.name);
		// "Show on map" opens the Map at the district level with the district selected.
		const map = new URL((await page.locator('[data-testid="area-map-link"]').first().getAttribute('href'))!, baseUrl);
		expect(map.searchParams.get('layer')).toBe('district');
		expect(map.searchParams.get('area')).toBe(`district:${id}`);
	});

	it('Compare over the districts counts the areas scored as Priorities does, and words the two harms SQL counts', async () => {
		const [hi, lo] = [...districts].sort((a, b) => b.records - a.records || (a.id < b.id ? -1 : 1));
		await page.goto(`${baseUrl}/compare?source=${SOURCE}&unit=district&month=${MONTH}&a=${hi.id}&b=${lo.id}`);
		await waitForApp(page, 60_000);
		await page.waitForSelector('[data-testid="compare"][data-state="ready"]', { timeout: 120_000 });
		// "the 14 …", as on Priorities: the note used to say "the <area set> of this source", however many were ranked.
		expect(await page.locator('[data-testid="unit-note"]').textContent()).toContain(`the 14 ${areaSetNoun(label)} of this source instead of LSOAs`);
		// Anti-social behaviour weighs 1 CCHI day: each district's 12-month harm is its records in 2022.
		const summary = (await page.locator('[data-testid="compare-summary"]').textContent())!.replace(/\s+/g, ' ');
		expect(summary).toContain(`${formatCount(hi.records)} against ${formatCount(lo.records)} CCHI days`);
		expect(await page.locator('[data-testid="compare-month"]').textContent()).toMatch(/^Scores of December 2022 by thr v\d+\.\d+\.\d+\.$/);
	});

	it('Forecast by area lists the districts, with the figures the same function gives natively', async () => {
		await page.goto(`${baseUrl}/forecast?source=${SOURCE}&street_level=district`);
		await waitForApp(page, 60_000);
		await page.waitForSelector('[data-testid="street-areas"][data-state="ready"][data-level="district"]', { timeout: 120_000 });
		const native = (await forecastStreetAreas(runner, undefined, 'district'))!;
		expect(native.areas).toHaveLength(14);
		await page.locator('[data-testid="street-areas"] summary').click();
		const shown = await page.locator('[data-testid="street-areas-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => ({ id: tr.getAttribute('data-area'), expected: Number(tr.querySelector('[data-expected]')?.getAttribute('data-expected')) }))
		);
		expect(shown).toEqual(native.areas.map((a) => ({ id: a.areaId, expected: a.expected })));
		expect(await page.locator('[data-testid="street-areas-table"] caption').textContent()).toContain(`of 14 ${areaSetNoun(label)}`);
		expect(await page.locator('[data-testid="street-level"] option:checked').textContent()).toBe(label);
	});

	it("the Map's cells CSV at district level adds up to the raw file's records", async () => {
		await page.goto(`${baseUrl}/map?source=${SOURCE}&layer=district`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
		await page.waitForFunction(() => document.querySelector('.legend-box')?.getAttribute('aria-busy') === 'false', null, { timeout: 60_000 });
		expect(await page.locator('[data-testid="layer-select"] option:checked').textContent()).toBe(label);
		const { text, name } = await download(() => page.locator('[data-testid="export-csv"]').click());
		const [header, ...lines] = text.trim().split('\r\n').map((l) => l.split(','));
		const at = (c: string) => header.indexOf(c);
		expect(lines).toHaveLength(14);
		const raw = readFileSync(RAW, 'utf8').trim().split('\n').length - 1;
		expect(raw).toBe(56_434);
		// `records` counts every record of the cell; `records_outside` is the part located outside the force area.
		const total = lines.reduce((s, l) => s + Number(l[at('records')]), 0);
		expect(total).toBe(raw);
		const outside = lines.reduce((s, l) => s + Number(l[at('records_outside')] || 0), 0);
		const [flagged] = await runner.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM incidents WHERE in_force_area = false');
		expect(outside).toBe(Number(flagged.n));
		expect(outside).toBe(1);
		// Per district: the extract's records (all months) by native SQL.
		const all = new Map((await runner.rows<{ id: string; n: number }>('SELECT district_id AS id, count(*)::INTEGER AS n FROM incidents GROUP BY 1')).map((r) => [String(r.id), Number(r.n)]));
		for (const l of lines) expect(Number(l[at('records')])).toBe(all.get(l[at('cell_id')]));
		expect(name).toMatch(/^clearsight-map-/);
	});
});

describe('custom areas: the label comes from the manifest', () => {
	it('a manifest naming its areas "Boroughs" shows "Boroughs" on the Map (layer and study region), Priorities and Forecast', async () => {
		const tab = await browser.newPage();
		await tab.route(`**/${SOURCE}/manifest.json`, async (route) => {
			const response = await route.fetch();
			const manifest = await response.json();
			manifest.districts_info = { ...(manifest.districts_info ?? {}), label: 'Boroughs' };
			await route.fulfill({ response, body: JSON.stringify(manifest), headers: { ...response.headers(), 'content-type': 'application/json' } });
		});
		try {
			await tab.goto(`${baseUrl}/map?source=${SOURCE}&layer=district`);
			await waitForApp(tab, 60_000);
			await tab.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
			const options = await tab.locator('[data-testid="layer-select"] option').allTextContents();
			expect(options).toContain('Boroughs');
			expect(options).not.toContain('Districts');
			// The study region is named by the label too: the 14 areas that are the force area's local authorities.
			const note = (await tab.locator('[data-testid="force-area-note"]').textContent())!.replace(/\s+/g, ' ');
			expect(note).toContain("The study region at this layer is the 14 boroughs that are the force area's local authorities");
			expect(note).not.toMatch(/districts/i);
			// The same source's pages, in the same tab (the manifest is read once per source opened).
			await tab.goto(`${baseUrl}/priorities?source=${SOURCE}&unit=district&month=${MONTH}`);
			await waitForApp(tab, 60_000);
			await tab.waitForSelector('[data-testid="priorities"][data-state="ready"]', { timeout: 120_000 });
			expect(await tab.locator('[data-testid="priorities-table"] caption').textContent()).toContain('Boroughs ranked by THR score');
			expect(await tab.locator('[data-testid="unit-note"]').textContent()).toContain('the 14 boroughs of this source');
			await tab.goto(`${baseUrl}/forecast?source=${SOURCE}&street_level=district`);
			await waitForApp(tab, 60_000);
			await tab.waitForSelector('[data-testid="street-areas"][data-state="ready"][data-level="district"]', { timeout: 120_000 });
			expect(await tab.locator('[data-testid="street-areas-table"] caption').textContent()).toContain('of 14 boroughs');
			expect(await tab.locator('[data-testid="street-areas-table"] thead th').first().textContent()).toBe('Borough');
		} finally {
			await tab.close();
		}
	});
});
