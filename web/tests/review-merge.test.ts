/**
 * Merging a panel's review logs, in headless Chromium against the built app (Model page, review
 * log section). Four logs:
 * - shah.json: exported from the app after Insp. Shah records two decisions on City of London
 *   areas (E01000001 raise, E01000005 agree) in the Area profile's review panel;
 * - rahman.json: built here with the analytics functions: PS Rahman lowers E01000001 for the same
 *   month (a conflict with Shah) and agrees on E01000002 (with markup in the reason, which must
 *   show as text);
 * - shah-edited.json: shah.json with entry #1's decision edited in the JSON (agree → lower);
 * - okafor-2019.json: a log exported by the first version of the app (analytics/review/fixtures),
 *   for backwards compatibility.
 * Hand count: 2 + 2 + 2 + 3 = 9 entries read; shah-edited's #0 is Shah's #0 again, so 8 distinct
 * entries and 1 copy. The combined hash is recomputed here with node:crypto from the construction,
 * and the exported merged log is checked by verifyReviewPanelFile and by opening it again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './browser';
import { appendReview, canonicalJson, exportReviewLog, verifyReviewPanelFile, type ReviewEntry, type ReviewLogFile } from '../../analytics/review';

const baseUrl = inject('baseUrl');

let browser: TestBrowser;
let page: Page;
const tmp = mkdtempSync(join(tmpdir(), 'clearsight-review-merge-'));
const LEGACY_TEXT = readFileSync('analytics/review/fixtures/legacy-v1-okafor.json', 'utf8');

/** File name → the log file as written. */
const logs = new Map<string, ReviewLogFile>();
let month: string;

async function download(trigger: () => Promise<void>): Promise<string> {
	const [d] = (await Promise.all([page.waitForEvent('download'), trigger()])) as [Download, void];
	const path = join(tmp, `download-${Date.now()}.json`);
	await d.saveAs(path);
	return readFileSync(path, 'utf8');
}

function write(name: string, text: string): string {
	const path = join(tmp, name);
	writeFileSync(path, text);
	return path;
}

async function record(areaId: string, decision: string, reason: string): Promise<void> {
	await page.goto(`${baseUrl}/area?id=${areaId}`);
	// The panel needs only the months of the data, not the area's scores: wait for it alone.
	await page.locator('[data-testid="review-panel"][data-state="ok"]').waitFor({ timeout: 120_000 });
	await page.locator(`input[name="decision"][value="${decision}"]`).check();
	await page.locator('textarea[name="reason"]').fill(reason);
	await page.locator('input[name="reviewer"]').fill('Insp. Shah');
	await page.getByRole('button', { name: 'Record decision' }).click();
	await page.locator('[data-testid="review-message"]').waitFor();
}

async function mergeFiles(names: string[]): Promise<void> {
	await page.getByLabel('Review logs to merge').setInputFiles(names.map((n) => join(tmp, n)));
	await page.locator('[data-testid="review-merge"][data-state="merged"]').waitFor();
}

async function summary(): Promise<{ read: number; distinct: number; copies: number; unverified: number; text: string }> {
	const s = page.locator('[data-testid="merge-summary"]');
	const n = async (a: string) => Number(await s.getAttribute(a));
	return { read: await n('data-read'), distinct: await n('data-distinct'), copies: await n('data-copies'), unverified: await n('data-unverified'), text: ((await s.textContent()) ?? '').replace(/\s+/g, ' ') };
}

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The combined hash by the written construction: records key by key, sorted, hashed with node:crypto. */
function expectedCombinedHash(files: ReviewLogFile[]): string {
	const records = files.map((f) => {
		const reviewers = [...new Set(f.entries.map((e) => e.reviewer))].sort();
		return `{"entries_sha256":"${sha(canonicalJson(f.entries))}","head_hash":"${f.head!.hash}","head_seq":${f.head!.seq},"reviewers":${JSON.stringify(reviewers)}}`;
	});
	return sha(`[${records.sort().join(',')}]`);
}

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage();

	await record('E01000001', 'raise', 'Repeat burglary series reported by the neighbourhood team');
	await record('E01000005', 'agree', 'Matches the night-time economy patrol plan');
	await page.goto(`${baseUrl}/model`);
	await page.locator('[data-testid="review-log"][data-state="ok"]').waitFor({ timeout: 120_000 });
	const shahText = await download(() => page.locator('[data-testid="log-export"]').click());
	const shah = JSON.parse(shahText) as ReviewLogFile;
	expect(shah.entries.map((e) => [e.seq, e.area_id, e.decision, e.reviewer])).toEqual([
		[0, 'E01000001', 'raise', 'Insp. Shah'],
		[1, 'E01000005', 'agree', 'Insp. Shah']
	]);
	month = shah.entries[0].month;
	logs.set('shah.json', shah);
	write('shah.json', shahText);

	let rahman: ReviewEntry[] = [];
	rahman = await appendReview(rahman, { area_id: 'E01000001', month, decision: 'lower', reason: 'Festival weekend: a one-off spike.', reviewer: 'PS Rahman', model_id: shah.entries[0].model_id, model_version: shah.entries[0].model_version });
	rahman = await appendReview(rahman, { area_id: 'E01000002', month, decision: 'agree', reason: '<b>Consistent</b> with calls for service.', reviewer: 'PS Rahman', model_id: shah.entries[0].model_id, model_version: shah.entries[0].model_version });
	const rahmanText = exportReviewLog(rahman);
	logs.set('rahman.json', JSON.parse(rahmanText));
	write('rahman.json', rahmanText);

	const edited = JSON.parse(shahText) as ReviewLogFile;
	edited.entries[1].decision = 'lower';
	logs.set('shah-edited.json', edited);
	write('shah-edited.json', JSON.stringify(edited, null, '\t'));

	logs.set('okafor-2019.json', JSON.parse(LEGACY_TEXT));
	write('okafor-2019.json', LEGACY_TEXT);
}, 240_000);

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

describe('Merging review logs', () => {
	const ALL = ['shah.json', 'rahman.json', 'shah-edited.json', 'okafor-2019.json'];

	it('verifies every log and drops nothing: 9 read = 8 distinct + 1 copy', async () => {
		await mergeFiles(ALL);
		const s = await summary();
		expect([s.read, s.distinct, s.copies, s.unverified]).toEqual([9, 8, 1, 1]);
		expect(s.text).toContain('Nothing was dropped: 8 + 1 = 9.');
		expect(s.text).toContain('1 log failed verification');

		const rows = await page.$$eval('[data-testid="merge-sources"] tbody tr', (trs) =>
			trs.map((tr) => [tr.querySelector('th')?.textContent?.trim(), tr.querySelectorAll('td')[0].textContent?.trim(), Number(tr.getAttribute('data-entries')), tr.getAttribute('data-verified')])
		);
		expect(rows).toEqual([
			['shah.json', 'Insp. Shah', 2, 'true'],
			['rahman.json', 'PS Rahman', 2, 'true'],
			['shah-edited.json', 'Insp. Shah', 2, 'false'],
			['okafor-2019.json', 'Insp. Okafor', 3, 'true']
		]);
		expect(rows.reduce((n, r) => n + (r[2] as number), 0)).toBe(ALL.reduce((n, name) => n + logs.get(name)!.entries.length, 0));

		// The merged view holds every entry: one row per distinct entry, copies adding up to what was read.
		const view = page.locator('[data-testid="merge-entries"] tbody tr');
		expect(await view.count()).toBe(8);
		const copies = await view.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-copies'))));
		expect(copies.reduce((a, b) => a + b, 0)).toBe(9);
		for (const [name, file] of logs)
			for (const e of file.entries)
				expect(
					await page.locator(`[data-testid="merge-entries"] tbody tr[data-area="${e.area_id}"][data-month="${e.month}"][data-decision="${e.decision}"][data-reviewer="${e.reviewer}"]`).count(),
					`${name} #${e.seq}`
				).toBe(1);
	});

	it('reports the tampered log with the entry and the reason, and keeps its entry marked not verified', async () => {
		const problems = page.locator('[data-testid="merge-sources"] tbody tr[data-verified="false"] li');
		expect(await problems.count()).toBe(1);
		expect(await problems.getAttribute('data-kind')).toBe('edited');
		expect(await problems.getAttribute('data-seq')).toBe('1');
		expect(await problems.textContent()).toBe('entry #1 (position 2) was changed after it was recorded: its content no longer matches its hash');

		const unverified = page.locator('[data-testid="merge-entries"] tbody tr[data-verified="false"]');
		expect(await unverified.count()).toBe(1);
		expect(await unverified.getAttribute('data-area')).toBe('E01000005');
		expect(await unverified.getAttribute('data-decision')).toBe('lower');
		expect(await unverified.textContent()).toContain('Not verified');
		expect(await unverified.textContent()).toContain('shah-edited.json: entry #1 (position 2) was changed after it was recorded');

		// Both copies of Shah's #1, side by side, with which one still matches its hash.
		const divergent = page.locator('[data-testid="merge-divergent"] table');
		expect(await divergent.count()).toBe(1);
		expect(await divergent.locator('caption').textContent()).toBe('Entry #1: copies that differ in decision');
		expect(await divergent.locator('td[data-matches]').evaluateAll((tds) => tds.map((td) => td.textContent?.trim()))).toEqual(['Yes', 'No: changed after it was recorded']);
	});

	it('lists the duplicate once with both logs it was found in', async () => {
		const dup = page.locator('[data-testid="merge-duplicates"] tbody tr');
		expect(await dup.count()).toBe(1);
		expect(await dup.getAttribute('data-copies')).toBe('2');
		const text = (await dup.textContent()) ?? '';
		expect(text).toContain('E01000001');
		expect(text).toContain('shah.json, position 1');
		expect(text).toContain('shah-edited.json, position 1');
	});

	it('shows conflicting decisions on the same area and month side by side', async () => {
		const tables = page.locator('[data-testid="merge-conflicts"] table');
		expect(await tables.count()).toBe(2);
		const conflict = page.locator(`[data-testid="merge-conflicts"] table[data-area="E01000001"][data-month="${month}"]`);
		expect(await conflict.getAttribute('data-kind')).toBe('decisions-differ');
		expect(await conflict.locator('thead th[scope="col"]').evaluateAll((ths) => ths.map((th) => th.textContent?.trim()))).toEqual(['Field', 'Entry 1', 'Entry 2']);
		const row = async (field: string) =>
			conflict.locator('tbody tr').filter({ has: page.locator(`th:text-is("${field}")`) }).locator('td').evaluateAll((tds) => tds.map((td) => td.textContent?.trim()));
		expect((await row('Decision')).sort()).toEqual(['Lower priority', 'Raise priority']);
		expect((await row('Reviewer')).sort()).toEqual(['Insp. Shah', 'PS Rahman']);
		expect(await row('Chain')).toEqual(['Verified', 'Verified']);
		// The other: Shah agreed on E01000005; the edited copy says lower.
		expect(await page.locator(`[data-testid="merge-conflicts"] table[data-area="E01000005"][data-month="${month}"] td[data-decision]`).evaluateAll((tds) => tds.map((t) => t.getAttribute('data-decision')))).toEqual([
			'agree',
			'lower'
		]);
	});

	it('renders a reason holding markup as text', async () => {
		const cell = page.locator('[data-testid="merge-entries"] tbody tr[data-area="E01000002"] td').nth(4);
		expect(await cell.textContent()).toBe('<b>Consistent</b> with calls for service.');
		expect(await cell.locator('b').count()).toBe(0);
	});

	it('shows a combined hash that matches the construction, and the merged export verifies', async () => {
		const shown = await page.locator('[data-testid="merge-hash"]').getAttribute('data-hash');
		expect(shown).toBe(expectedCombinedHash(ALL.map((n) => logs.get(n)!)));
		expect(await page.locator('[data-testid="merge-hash"] code').textContent()).toBe(shown);

		const text = await download(() => page.locator('[data-testid="merge-export"]').click());
		const file = JSON.parse(text);
		expect(file.format).toBe('clearsight-review-panel-log');
		expect(file.combined_hash.value).toBe(shown);
		expect(file.logs.map((l: { label: string; entries: unknown[] }) => [l.label, l.entries])).toEqual(ALL.map((n) => [n, logs.get(n)!.entries]));
		expect(await verifyReviewPanelFile(text)).toEqual({ stated: shown, computed: shown, ok: true, problems: [] });
		write('panel.json', text);

		// Opened again here, it recomputes the same hash and the same counts.
		await mergeFiles(['panel.json']);
		expect(await page.locator('[data-testid="merge-panel-check"]').getAttribute('data-ok')).toBe('true');
		expect(await page.locator('[data-testid="merge-hash"]').getAttribute('data-hash')).toBe(shown);
		const s = await summary();
		expect([s.read, s.distinct, s.copies, s.unverified]).toEqual([9, 8, 1, 1]);
		expect(await page.locator('[data-testid="merge-sources"] tbody th').first().textContent()).toBe('panel.json › shah.json');

		// A decision edited in the merged file: named on import, its logs still shown.
		file.logs[1].entries[0].decision = 'agree';
		write('panel-edited.json', JSON.stringify(file));
		await mergeFiles(['panel-edited.json']);
		const check = page.locator('[data-testid="merge-panel-check"]');
		expect(await check.getAttribute('data-ok')).toBe('false');
		expect(await check.textContent()).toContain('does not match the one recomputed from its logs');
		expect(await check.textContent()).toContain('panel-edited.json › rahman.json: the file says its chain verified, but it does not verify now');
		expect((await summary()).read).toBe(9);
	});

	it('includes this browser’s log from the keyboard, and still imports a single log as before', async () => {
		await mergeFiles(['rahman.json']);
		const box = page.getByLabel(/Include the log kept in this browser/);
		await box.focus();
		await page.keyboard.press('Space');
		await expect.poll(() => page.locator('[data-testid="merge-sources"] tbody tr').count()).toBe(2);
		expect(await page.locator('[data-testid="merge-sources"] tbody th').allTextContents()).toEqual(['This browser', 'rahman.json']);
		expect(await page.locator('[data-testid="merge-sources"] tbody tr').first().getAttribute('data-verified')).toBe('true');
		expect((await summary()).read).toBe(4);

		await page.locator('[data-testid="log-import"]').setInputFiles(join(tmp, 'okafor-2019.json'));
		await page.locator('[data-testid="import-result"][data-ok="true"]').waitFor();
		expect(await page.locator('[data-testid="import-result"]').textContent()).toContain('3 entries, chain verified');
		await page.locator('[data-testid="log-import"]').setInputFiles(join(tmp, 'panel.json'));
		await expect.poll(() => page.locator('[data-testid="import-result"]').textContent()).toContain('merged panel log');
		// The local log is untouched by all of this.
		expect(await page.locator('[data-testid="log-status"]').textContent()).toContain('2 entries');
	});

	it('logged no console errors and made no request beyond 127.0.0.1', () => {
		expect(browser.takeProblems()).toEqual([]);
		expect(browser.requests.every((u) => new URL(u).hostname === '127.0.0.1' || /^(data|blob):/.test(u))).toBe(true);
	});
});
