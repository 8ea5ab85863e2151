/**
 * Offence codes in the browser import: files with Home Office offence codes (REAL City of London
 * street rows with a code column added, scripts/lib/offence-codes-fixture.ts) chosen on the Data
 * page, one of them with codes and no category. The mapping step takes the code column and counts
 * a code-only file as mapped; a bad mapping file is refused with its line and column and the
 * shipped mapping stays in use; a good one is shown in use, and can be put back. The import report
 * shows the offence-code table: matches by code and by description, and every unknown code with
 * its count. Every expected count is worked out here from the source rows, never read from the app.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { createNodeRunner } from '../../scripts/lib/node-runner';
import { writeOffenceCodeFiles, type SourceRow } from '../../scripts/lib/offence-codes-fixture';

const baseUrl = inject('baseUrl');
const IMPORT_TIMEOUT = 120_000;

let browser: TestBrowser;
let page: Page;
let tmp: string;
let codesOnly: string;
let withCategory: string;
let jan: SourceRow[] = [];
let feb: SourceRow[] = [];

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-offence-e2e-'));
	const runner = await createNodeRunner();
	try {
		({ jan, feb, codesOnly, withCategory } = await writeOffenceCodeFiles(runner, tmp));
	} finally {
		runner.close();
	}
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/data`);
	await waitForApp(page);
	await page.locator('[data-testid="import-dropzone"]').waitFor();
});

afterEach(() => {
	expect(browser.takeProblems()).toEqual([]);
});

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

const count = (rows: SourceRow[], f: (r: SourceRow) => boolean) => rows.filter(f).length;

describe('offence codes in the browser import', () => {
	it('mapping step, mapping file choice and the report of matched and unknown codes', async () => {
		await page.locator('[data-testid="import-files"]').setInputFiles([codesOnly, withCategory]);
		await page.locator('[data-testid="import-chosen"]').waitFor();
		await expect.poll(() => page.locator('[data-testid="mapping-step"]').count()).toBe(2);
		const codes = page.locator('[data-testid="mapping-step"]', { hasText: 'rms-codes-2019-01.csv' });
		const cats = page.locator('[data-testid="mapping-step"]', { hasText: 'rms-category-2019-02.csv' });
		expect(await codes.locator('select[data-field="offence_code"]').inputValue()).toBe('offence_code');
		expect(await codes.locator('select[data-field="category"]').inputValue()).toBe('');
		expect(await cats.locator('select[data-field="offence_code"]').inputValue()).toBe('ho_code');
		expect(await codes.locator('[data-testid="columns-arg"]').textContent()).toContain('offence_code=offence_code');

		// The shipped mapping by default; a bad file is refused, naming its line and column.
		const choice = page.locator('[data-testid="import-offence-codes"]');
		expect(await choice.locator('[data-testid="offence-codes-in-use"]').textContent()).toContain('Using the shipped mapping');
		const bad = join(tmp, 'bad-codes.csv');
		writeFileSync(bad, 'code,description,subgroup,category\n28E,Burglary Residential,Residential burglary,Burglary\n8N,Assault with injury,Violence with injuries,Violence and sexual offences\n');
		await choice.locator('[data-testid="offence-codes-file"]').setInputFiles(bad);
		await expect
			.poll(() => choice.locator('[data-testid="offence-codes-error"]').textContent())
			.toContain('bad-codes.csv, line 3, column subgroup: unknown subgroup "Violence with injuries"');
		expect(await choice.locator('[data-testid="offence-codes-in-use"]').textContent()).toContain('Using the shipped mapping');
		// A good file is shown in use, and the shipped mapping can be put back.
		const good = join(tmp, 'force-codes.csv');
		writeFileSync(good, 'code,description,subgroup,category\n53D,Fraud by false representation: other frauds,Miscellaneous crimes against society,Other crime\n');
		await choice.locator('[data-testid="offence-codes-file"]').setInputFiles(good);
		await expect.poll(() => choice.locator('[data-testid="offence-codes-in-use"]').textContent()).toContain('Using force-codes.csv: 1 entry (1 code)');
		expect(await choice.locator('[data-testid="offence-codes-error"]').count()).toBe(0);
		await choice.locator('[data-testid="offence-codes-reset"]').click();
		await expect.poll(() => choice.locator('[data-testid="offence-codes-in-use"]').textContent()).toContain('Using the shipped mapping');

		await page.locator('[data-testid="import-label"]').fill('City with offence codes');
		await page.locator('[data-testid="import-start"]').click();
		await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
		expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);

		// Accounts: the code-only file loses its anti-social behaviour rows (no category, no code) and its 53D rows (unknown, no category).
		const asbJan = count(jan, (r) => r.category === 'Anti-social behaviour');
		const otherJan = count(jan, (r) => r.category === 'Other crime');
		const otherFeb = count(feb, (r) => r.category === 'Other crime');
		const shopFeb = count(feb, (r) => r.category === 'Shoplifting');
		const file = (name: string) => page.locator(`[data-testid="import-report-files"] tr[data-file="${name}"]`);
		expect(parseCount(await file('rms-codes-2019-01.csv').locator('[data-col="rejected"]').textContent())).toBe(asbJan + otherJan);
		expect(parseCount(await file('rms-category-2019-02.csv').locator('[data-col="rejected"]').textContent())).toBe(0);

		const report = page.locator('[data-testid="import-offence-report"]');
		expect(await report.locator('[data-testid="import-offence-mapping"]').textContent()).toContain('shipped with Clearsight');
		const matches = report.locator('[data-testid="import-offence-matches"] tr[data-dataset="incidents"]');
		const coded = count(jan, (r) => r.category !== 'Anti-social behaviour') + count(feb, (r) => r.category !== 'Anti-social behaviour');
		const cell = async (col: string) => parseCount(await matches.locator(`[data-col="${col}"]`).textContent());
		expect(await cell('with_code')).toBe(coded);
		expect(await cell('by_code')).toBe(coded - otherJan - otherFeb - shopFeb);
		expect(await cell('by_description')).toBe(shopFeb);
		expect(await cell('unknown')).toBe(otherJan + otherFeb);
		expect(await cell('rejected')).toBe(otherJan);
		const unknown = report.locator('[data-testid="import-offence-unknown"] tbody tr');
		expect(await unknown.count()).toBe(1);
		expect(await unknown.first().getAttribute('data-code')).toBe('53D');
		expect(parseCount(await unknown.first().locator('[data-col="records"]').textContent())).toBe(otherJan + otherFeb);
		expect(parseCount(await unknown.first().locator('[data-col="rejected"]').textContent())).toBe(otherJan);
	}, IMPORT_TIMEOUT * 2);
});
