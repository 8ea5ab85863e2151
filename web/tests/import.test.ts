/**
 * Importing your own data in the browser (Data page), in headless Chromium against the built
 * app: the shipped police.uk files through the file chooser give the same counts as the
 * command-line builder; a renamed-columns file goes through the mapping step; the data survive a
 * reload and can be renamed, removed and cleared; bad files (wrong header, empty, ragged rows,
 * non-UTF-8, formula-like cells — made from real rows) are reported as the CLI reports them;
 * too-large files fail up front; cancel leaves nothing; damaged local state is reported; and no
 * request carries file data or leaves 127.0.0.1 while importing.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, parseCount, waitForApp, type TestBrowser } from './browser';
import { readManifest } from './expected';
import { buildExtracts } from '../../scripts/lib/extracts';
import type { ExtractManifest, SourceReport } from '../../analytics/ingest/extract-schema';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
const STREET = 'sample-data/police-uk/city-of-london/street';
const CHICAGO = 'sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz';
const IMPORT_TIMEOUT = 120_000;

let browser: TestBrowser;
let page: Page;
let tmp: string;
/** Rows accepted from the mapped CAD-style file (set by the mapping test). */
let mappedAccepted = -1;
/** Quarantine entries of the bad-files import, by the CLI (set by the bad-files test). */
let badQuarantine = -1;

beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-import-e2e-'));
	browser = await launchBrowser();
	page = await browser.newPage();
	await page.goto(`${baseUrl}/data`);
	await waitForApp(page);
	await page.locator('[data-testid="import-dropzone"]').waitFor();
});

afterAll(async () => {
	await browser?.close();
	rmSync(tmp, { recursive: true, force: true });
});

/** Choose files in the file chooser, wait for their formats, optionally name the source, and import. */
async function chooseFiles(paths: string[]) {
	await page.locator('[data-testid="import-files"]').setInputFiles(paths);
	await page.locator('[data-testid="import-chosen"]').waitFor();
	await expect.poll(() => page.locator('[data-testid="import-chosen"] tbody tr').count()).toBe(paths.length);
}

async function runImport(label?: string) {
	if (label) await page.locator('[data-testid="import-label"]').fill(label);
	await page.locator('[data-testid="import-start"]').click();
	await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
}

interface FileRow {
	file: string;
	rows_in: number;
	accepted: number;
	rejected: number;
	reasons: string;
}

async function reportRows(): Promise<FileRow[]> {
	const rows = page.locator('[data-testid="import-report-files"] tbody tr');
	const out: FileRow[] = [];
	for (let i = 0; i < (await rows.count()); i++) {
		const row = rows.nth(i);
		out.push({
			file: (await row.getAttribute('data-file'))!,
			rows_in: parseCount(await row.locator('[data-col="rows_in"]').textContent()),
			accepted: parseCount(await row.locator('[data-col="accepted"]').textContent()),
			rejected: parseCount(await row.locator('[data-col="rejected"]').textContent()),
			reasons: (await row.locator('[data-col="reasons"]').textContent())!.trim()
		});
	}
	return out;
}

/** Per-file counts, in file-name order (the page lists files by path, the CLI in the order given). */
const expectedRows = (sources: SourceReport[]) =>
	sources.map((s) => ({ file: s.file, rows_in: s.rows_in, accepted: s.accepted, rejected: s.rejected })).sort((a, b) => a.file.localeCompare(b.file));
const countsOnly = (rows: FileRow[]) =>
	rows.map(({ file, rows_in, accepted, rejected }) => ({ file, rows_in, accepted, rejected })).sort((a, b) => a.file.localeCompare(b.file));

async function localLabels(): Promise<string[]> {
	if (await page.locator('[data-testid="local-none"]').isVisible()) return [];
	await page.locator('[data-testid="local-sources"]').waitFor();
	return page.locator('[data-testid="local-label"]').allTextContents();
}

async function cliManifest(paths: string[], name: string, columns?: Record<string, string>): Promise<ExtractManifest> {
	return (await buildExtracts({ inputs: paths, out: join(tmp, `cli-${name}`), areas: null, columns })).manifest;
}

describe('importing the shipped files', () => {
	it('gives the command-line builder’s counts for every file, and sends no file data anywhere', async () => {
		const manifest = readManifest(dataDir);
		const sources = manifest.sources.filter((s) => existsSync(s.path_hint));
		expect(sources.length).toBeGreaterThan(10);
		await chooseFiles(sources.map((s) => s.path_hint));
		const detected = await page.locator('[data-testid="import-chosen"] [data-col="detection"]').allTextContents();
		expect(detected.filter((d) => /unrecognised|lacks|empty/.test(d))).toEqual([]);
		expect(detected.filter((d) => /stop and search/i.test(d)).length).toBe(sources.filter((s) => s.kind === 'stop-search').length);

		const seen: Request[] = [];
		const watch = (r: Request) => seen.push(r);
		page.context().on('request', watch);
		await page.locator('[data-testid="import-start"]').click();
		// The progress bar reports rows read with ARIA values while the import runs.
		const bar = page.locator('[role="progressbar"]');
		await bar.waitFor();
		expect(Number(await bar.getAttribute('aria-valuemin'))).toBe(0);
		expect(Number(await bar.getAttribute('aria-valuemax'))).toBeGreaterThan(0);
		expect(await bar.getAttribute('aria-valuetext')).toMatch(/rows read/);
		await page.locator('[data-testid="import-saved"], [data-testid="import-error"]').first().waitFor({ timeout: IMPORT_TIMEOUT });
		page.context().off('request', watch);
		if (await page.locator('[data-testid="import-error"]').count()) console.log('IMPORT ERROR', await page.locator('[data-testid="import-error"]').textContent(), browser.takeProblems());
		expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);

		expect(countsOnly(await reportRows())).toEqual(expectedRows(sources));
		expect(parseCount(await page.locator('[data-testid="import-accepted"]').textContent())).toBe(sources.reduce((t, s) => t + s.accepted, 0));
		expect(parseCount(await page.locator('[data-testid="import-rejected"]').textContent())).toBe(sources.reduce((t, s) => t + s.rejected, 0));
		// Rejected rows are listed with their line numbers, as in the extract's quarantine.
		const firstRejected = page.locator('[data-testid="import-rejected-rows"] tbody tr').first();
		expect(parseCount(await firstRejected.locator('td').nth(1).textContent())).toBeGreaterThan(1);

		// Nothing left the machine and nothing was sent: same-origin GETs of the app's own files only.
		expect(seen.length).toBeGreaterThan(0);
		for (const r of seen) {
			const url = new URL(r.url());
			const local = url.protocol === 'blob:' || url.protocol === 'data:' || url.origin === new URL(baseUrl).origin;
			expect({ url: r.url(), local, method: r.method(), body: r.postData() }).toEqual({ url: r.url(), local: true, method: 'GET', body: null });
		}
		expect(browser.takeProblems()).toEqual([]);
	});

	it('offers the quarantine of the import as a CSV download with formula-like cells neutralised', async () => {
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="import-quarantine-download"]').click()]);
		const text = readFileSync((await download.path())!, 'utf8');
		expect(text.split('\r\n')[0]).toBe('source_file,source_kind,source_line,column_name,reason,raw');
		const manifest = readManifest(dataDir);
		const rejected = manifest.sources.filter((s) => existsSync(s.path_hint)).reduce((t, s) => t + s.rejected, 0);
		expect(text.trim().split('\r\n').length - 1).toBe(rejected);
	});
});

describe('the force area of an import', () => {
	it('police.uk files get the force they fall within: the City of London, its 6 LSOAs, street records inside and outside as the builder counts them', async () => {
		// The import of every shipped file above is still reported on the page.
		const manifest = readManifest(dataDir);
		const sources = manifest.sources.filter((s) => existsSync(s.path_hint));
		expect(sources.length).toBe(manifest.sources.length);
		expect(await page.locator('[data-testid="import-force-name"]').textContent()).toBe('City of London');
		const text = (await page.locator('[data-testid="import-force-area"]').textContent())!;
		expect(text).toContain('6 neighbourhoods (LSOAs)');
		expect(text).toContain('City of London Police');
		const cell = (dataset: string, col: string) => page.locator(`[data-testid="import-force-records"] tr[data-dataset="${dataset}"] [data-col="${col}"]`);
		// Street records carry police.uk's LSOA: the same split as the command-line builder's.
		const expected = manifest.force_area!.records.incidents!;
		expect(expected.outside).toBeGreaterThan(0);
		expect({
			inside: parseCount(await cell('incidents', 'inside').textContent()),
			outside: parseCount(await cell('incidents', 'outside').textContent()),
			unplaced: parseCount(await cell('incidents', 'unplaced').textContent())
		}).toEqual(expected);
		// Stop and search has points only, and the browser has no boundaries: every search is unplaced.
		const searches = manifest.datasets.find((d) => d.name === 'stop_search')!.rows;
		expect(parseCount(await cell('stop_search', 'unplaced').textContent())).toBe(searches);
	});

	it('a force picked from the list is the force area: City records imported as Lancashire are all outside, as the CLI counts them with --force', async () => {
		const month = join(STREET, '2019-11-city-of-london-street.csv');
		await chooseFiles([month]);
		const fieldset = page.getByRole('group', { name: 'Which areas does the force police?' });
		await expect.poll(() => page.locator('[data-testid="force-area-list"] option').count()).toBeGreaterThan(40);
		await fieldset.getByLabel('Police force', { exact: true }).selectOption('Lancashire');
		expect(await page.locator('[data-testid="force-area-force"]').isChecked()).toBe(true);
		expect(await page.locator('[data-testid="force-area-picked"]').textContent()).toContain('941 neighbourhoods (LSOAs) in 14 local authorities');
		await runImport('City as Lancashire');
		expect(await page.locator('[data-testid="import-error"]').count()).toBe(0);
		const cli = (await buildExtracts({ inputs: [month], out: join(tmp, 'cli-lancs-force'), areas: null, forceArea: { kind: 'force', force: 'Lancashire' } })).manifest;
		expect(await page.locator('[data-testid="import-force-name"]').textContent()).toBe('Lancashire');
		const row = page.locator('[data-testid="import-force-records"] tr[data-dataset="incidents"]');
		const counts = {
			inside: parseCount(await row.locator('[data-col="inside"]').textContent()),
			outside: parseCount(await row.locator('[data-col="outside"]').textContent()),
			unplaced: parseCount(await row.locator('[data-col="unplaced"]').textContent())
		};
		expect(counts).toEqual(cli.force_area!.records.incidents);
		expect(counts.inside).toBe(0);
		// Back to the default for the imports that follow.
		await page.locator('[data-testid="force-area-auto"]').check();
	});
});

describe('a folder of monthly files', () => {
	it('takes the CSV files of a chosen folder (sub-folders too) and skips the rest', async () => {
		const folder = join(tmp, 'monthly');
		const search = 'sample-data/police-uk/city-of-london/stop-and-search';
		mkdirSync(join(folder, '2019'), { recursive: true });
		copyFileSync(join(search, '2019-10-city-of-london-stop-and-search.csv'), join(folder, '2019', '2019-10-city-of-london-stop-and-search.csv'));
		writeFileSync(join(folder, '2019-11-city-of-london-stop-and-search.csv.gz'), gzipSync(readFileSync(join(search, '2019-11-city-of-london-stop-and-search.csv'))));
		writeFileSync(join(folder, 'notes.md'), '# not data\n');
		await page.locator('[data-testid="import-folder"]').setInputFiles(folder);
		await page.locator('[data-testid="import-chosen"]').waitFor();
		await expect.poll(() => page.locator('[data-testid="import-chosen"] tbody tr').count()).toBe(2);
		expect(await page.locator('[data-testid="import-chosen"] caption').textContent()).toContain('1 other files in the folder skipped');
		const detected = await page.locator('[data-testid="import-chosen"] [data-col="detection"]').allTextContents();
		expect(detected).toEqual(['police.uk stop and search', 'police.uk stop and search']);
		expect(await page.locator('[data-testid="import-label"]').inputValue()).toBe('monthly');
	});
});

describe('a file with other column names', () => {
	it('is mapped through the mapping step, with the same counts as the CLI given --columns', async () => {
		// Real rows of the Chicago series (sample-data/chicago) under a CAD-style header.
		const lines = gunzipSync(readFileSync(CHICAGO)).toString('utf8').split('\n').slice(0, 401);
		const path = join(tmp, 'cad-export.csv');
		writeFileSync(path, ['Logged,Nature,Lon (WGS84),Lat (WGS84),Patch', ...lines.slice(1)].join('\n') + '\n');
		await chooseFiles([path]);
		const step = page.locator('[data-testid="mapping-step"]');
		await step.waitFor();
		expect(await page.locator('[data-testid="import-chosen"] [data-col="detection"]').textContent()).toContain('unrecognised header');
		const mapping = { timestamp: 'Logged', category: 'Nature', longitude: 'Lon (WGS84)', latitude: 'Lat (WGS84)', area_code: 'Patch' };
		for (const [field, column] of Object.entries(mapping)) await step.locator(`select[data-field="${field}"]`).selectOption(column);
		// The timestamps of the first rows, as the generic rules read them.
		const preview = page.locator('[data-testid="timestamp-preview"] tbody tr').first();
		await expect.poll(() => preview.locator('td').nth(1).textContent()).toBe(`${lines[1].split(',')[0]}:00`);
		expect(await page.locator('[data-testid="columns-arg"]').textContent()).toBe(
			'--format events --columns timestamp=Logged,category=Nature,longitude=Lon (WGS84),latitude=Lat (WGS84),area_code=Patch'
		);
		await page.locator('[data-testid="mapping-name"]').fill('CAD export');
		await step.getByRole('button', { name: 'Save mapping' }).click();
		await step.getByText('Saved the mapping as "CAD export"').waitFor();
		await runImport('Chicago CAD sample');
		const cli = await cliManifest([path], 'mapped', mapping);
		expect(countsOnly(await reportRows())).toEqual(expectedRows(cli.sources));
		expect(cli.sources[0]).toMatchObject({ kind: 'events', rows_in: 400 });
		mappedAccepted = cli.totals.accepted;

		// The saved mapping is offered again for a file with the same columns.
		await chooseFiles([path]);
		await page.locator('[data-testid="saved-mappings"]').selectOption('CAD export');
		await step.getByRole('button', { name: 'Apply' }).click();
		expect(await step.locator('select[data-field="timestamp"]').inputValue()).toBe('Logged');
		expect(await step.locator('select[data-field="area_code"]').inputValue()).toBe('Patch');
	});
});

describe('month-resolution incidents without a category column', () => {
	it('are read with a format and a constant category, as the CLI reads them with --constant', async () => {
		// Lancashire anti-social behaviour 2022 (sample-data): month, location and LSOA, no category.
		const path = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';
		await chooseFiles([path]);
		const step = page.locator('[data-testid="mapping-step"]');
		await step.waitFor();
		await page.locator('[data-testid="mapping-format"]').selectOption('month-incidents');
		expect(await step.locator('select[data-field="month"]').inputValue()).toBe('month');
		expect(await step.locator('select[data-field="lsoa_code"]').inputValue()).toBe('lsoa_code');
		await page.locator('[data-testid="mapping-constant-category"]').fill('Anti-social behaviour');
		expect(await page.locator('[data-testid="columns-arg"]').textContent()).toContain('--format month-incidents');
		expect(await page.locator('[data-testid="columns-arg"]').textContent()).toContain('--constant category=Anti-social behaviour');
		await runImport('Lancashire ASB 2022');
		const cli = (
			await buildExtracts({ inputs: [path], out: join(tmp, 'cli-lancs'), areas: null, constants: { category: 'Anti-social behaviour' }, format: 'month-incidents' })
		).manifest;
		expect(countsOnly(await reportRows())).toEqual(expectedRows(cli.sources));
		expect(cli.sources[0].accepted).toBeGreaterThan(1000);
	});
});

describe('bad files', () => {
	it('reports a wrong header, an empty file, ragged rows, invalid UTF-8 and formula-like cells as the CLI does', async () => {
		// Real rows of one street file, 40 different rows per file (no Crime ID repeats across
		// files), altered one way per file.
		const source = readFileSync(join(STREET, '2019-04-city-of-london-street.csv'), 'utf8').split('\n');
		const header = source[0];
		const rows = (k: number) => source.slice(1 + 40 * k, 41 + 40 * k);
		const files: Record<string, string | Buffer> = {
			'wrong-header.csv': [header.split(',').map((_, i) => `Field ${i + 1}`).join(','), ...rows(0)].join('\n'),
			'empty.csv': '',
			'ragged.csv': [header, ...rows(1).map((r, i) => (i === 3 ? r.split(',').slice(0, 6).join(',') : i === 7 ? `${r},extra,cells` : r))].join('\n'),
			'not-utf8.csv': Buffer.concat([
				Buffer.from([header, ...rows(2).slice(0, 10)].join('\n') + '\n'),
				Buffer.from(rows(2)[10].replace('On or near', 'On or near Caf'), 'utf8'),
				Buffer.from([0xe9]), // Latin-1 "é": not UTF-8
				Buffer.from('\n' + rows(2).slice(11).join('\n'))
			]),
			'formula.csv': [
				header,
				...rows(3).map((r, i) => (i === 5 ? r.replace(/On or near [^,]*/, '=HYPERLINK("http://example.invalid")') : i === 9 ? r.replace(/On or near [^,]*/, '@SUM(A1)') : r))
			].join('\n')
		};
		const paths = Object.entries(files).map(([name, text]) => {
			const path = join(tmp, name);
			writeFileSync(path, text);
			return path;
		});
		await chooseFiles(paths);
		await runImport('Bad files');
		const report = await reportRows();
		const cli = await cliManifest(paths, 'bad');
		expect(countsOnly(report)).toEqual(expectedRows(cli.sources));
		badQuarantine = readFileSync(join(tmp, 'cli-bad', 'quarantine.csv'), 'utf8').trim().split('\r\n').length - 1;
		const by = (name: string) => report.find((r) => r.file === name)!;
		expect(by('wrong-header.csv')).toMatchObject({ rows_in: 40, accepted: 0, rejected: 40 });
		expect(by('wrong-header.csv').reasons).toMatch(/unrecognised header|lacks column/);
		expect(by('empty.csv')).toMatchObject({ rows_in: 0, accepted: 0, rejected: 0 });
		expect(by('empty.csv').reasons).toContain('empty file');
		expect(by('ragged.csv')).toMatchObject({ rows_in: 40, rejected: 2 });
		expect(by('ragged.csv').reasons).toMatch(/too few columns/);
		expect(by('ragged.csv').reasons).toMatch(/too many columns/);
		expect(by('not-utf8.csv').reasons).toContain('not valid UTF-8');
		expect(by('not-utf8.csv').rejected).toBe(1);
		expect(by('formula.csv')).toMatchObject({ rows_in: 40, rejected: 2 });
		expect(by('formula.csv').reasons).toContain('formula-like value');
		// Each reason in the report is the builder's, with its count.
		for (const s of cli.sources) {
			for (const r of s.reasons) expect(by(s.file).reasons).toContain(r.reason);
		}
		// The rejected rows carry their line numbers: the ragged rows are records 5 and 9.
		const lines = await page.locator('[data-testid="import-rejected-rows"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => `${tr.children[0].textContent}:${tr.children[1].textContent}`)
		);
		expect(lines).toContain('ragged.csv:5');
		expect(lines).toContain('ragged.csv:9');
		expect(lines).toContain('formula.csv:7');
		expect(browser.takeProblems()).toEqual([]);
	});

	it('refuses a file too large for the browser up front, saying what to do, and keeps earlier data', async () => {
		const before = await localLabels();
		expect(before.length).toBeGreaterThan(0);
		const path = join(tmp, 'huge-2019.csv');
		writeFileSync(path, '');
		truncateSync(path, 2 * 1024 * 1024 * 1024); // sparse: no disk used
		await chooseFiles([path]);
		await page.locator('[data-testid="import-start"]').click();
		const error = page.locator('[data-testid="import-error"]');
		await error.waitFor();
		const text = (await error.textContent())!;
		expect(text).toContain('huge-2019.csv');
		expect(text).toContain('npm run extracts');
		expect(text).toMatch(/split the data by period/);
		expect(text).toContain('earlier data are unchanged');
		expect(await localLabels()).toEqual(before);
	});

	it('cancels an import in progress: nothing is saved', async () => {
		const before = await localLabels();
		const path = join(tmp, basename(CHICAGO));
		writeFileSync(path, readFileSync(CHICAGO));
		await chooseFiles([path]);
		await page.locator('[data-testid="import-start"]').click();
		await page.locator('[data-testid="import-cancel"]').click();
		await expect.poll(() => page.locator('[data-testid="import-error"]').textContent()).toContain('Import cancelled');
		expect(await localLabels()).toEqual(before);
		expect(await page.locator('[role="progressbar"]').count()).toBe(0);
	});
});

describe('kept in this browser', () => {
	it('are still there after a reload, and selectable as a source', async () => {
		const before = await localLabels();
		expect(before).toEqual(expect.arrayContaining(['Chicago CAD sample', 'Bad files']));
		await page.reload();
		await waitForApp(page);
		await page.locator('[data-testid="local-sources"]').waitFor();
		expect(await localLabels()).toEqual(before);
		expect(await page.locator('[data-testid="local-state"]').allTextContents()).toEqual(before.map(() => 'OK'));
		// The rejected rows of an imported source stay downloadable, as the CLI's quarantine.csv.
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.locator('[data-testid="local-sources"] tr', { hasText: 'Bad files' }).locator('[data-testid="local-quarantine"]').click()
		]);
		const csv = readFileSync((await download.path())!, 'utf8');
		expect(csv.trim().split('\r\n').length - 1).toBe(badQuarantine);
		expect(csv).toContain("'=HYPERLINK");
		const selector = page.getByRole('combobox', { name: /source/i });
		await expect.poll(async () => (await selector.locator('option').allTextContents()).join('|')).toContain('Chicago CAD sample');
	});

	it('opens an imported source in the dashboard', async () => {
		const row = page.locator('[data-testid="local-sources"] tr', { hasText: 'Chicago CAD sample' });
		await row.locator('[data-testid="local-open"]').click();
		await page.waitForURL(/source=local%3A|source=local:/);
		await waitForApp(page);
		expect(await page.locator('main').textContent()).not.toContain('could not');
		// Its Data page shows the browser-built manifest with the import's counts.
		const id = new URL(page.url()).searchParams.get('source')!;
		await page.goto(`${baseUrl}/data?source=${encodeURIComponent(id)}`);
		await waitForApp(page);
		expect(await page.locator('[data-testid="builder"]').textContent()).toBe('clearsight-browser-import 0.1.0');
		expect(parseCount(await page.locator('[data-testid="total-accepted"]').textContent())).toBe(mappedAccepted);
		expect(parseCount(await page.locator('[data-testid="total-rows-in"]').textContent())).toBe(400);
		await page.goto(`${baseUrl}/data`);
		await waitForApp(page);
		expect(browser.takeProblems()).toEqual([]);
	});

	it('refuses to open a source whose file was changed (sha256 mismatch), saying how to recover', async () => {
		const label = 'Chicago CAD sample';
		const id = (await page.locator('[data-testid="local-sources"] tr', { hasText: label }).getAttribute('data-source'))!;
		// Same size, one byte different: only the checksum can tell.
		await page.evaluate(async (folder) => {
			const root = await navigator.storage.getDirectory();
			const dir = await (await root.getDirectoryHandle('clearsight-imports')).getDirectoryHandle(folder);
			const handle = await dir.getFileHandle('events.arrow');
			const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
			bytes[bytes.length - 20] ^= 0xff;
			const w = await handle.createWritable();
			await w.write(bytes);
			await w.close();
		}, id.slice('local:'.length));
		await page.goto(`${baseUrl}/?source=${encodeURIComponent(id)}`);
		await waitForApp(page);
		const main = (await page.locator('main').textContent())!;
		expect(main).toContain('events.arrow has sha256');
		expect(main).toContain('Remove it on the Data page');
		browser.takeProblems(); // the failed load is the point of this test
		await page.goto(`${baseUrl}/data`);
		await waitForApp(page);
		const row = page.locator('[data-testid="local-sources"] tr', { hasText: label });
		await row.locator('[data-testid="local-remove"]').click();
		await expect.poll(localLabels).not.toContain(label);
	});

	it('renames a source, and the name survives a reload', async () => {
		const row = page.locator('[data-testid="local-sources"] tr', { hasText: 'Bad files' });
		await row.locator('[data-testid="local-rename"]').click();
		await page.locator('[data-testid="rename-input"]').fill('Altered April 2019 rows');
		await page.locator('[data-testid="rename-save"]').click();
		await expect.poll(localLabels).toContain('Altered April 2019 rows');
		await page.reload();
		await waitForApp(page);
		await expect.poll(localLabels).toContain('Altered April 2019 rows');
		expect(await localLabels()).not.toContain('Bad files');
	});

	it('reports a damaged source with a way to recover, never dropping it silently', async () => {
		const label = 'Altered April 2019 rows';
		const id = await page.locator('[data-testid="local-sources"] tr', { hasText: label }).getAttribute('data-source');
		// Lose one file of the source, as a crash or a manual clean-up might.
		await page.evaluate(async (folder) => {
			const root = await navigator.storage.getDirectory();
			const dir = await (await root.getDirectoryHandle('clearsight-imports')).getDirectoryHandle(folder);
			await dir.removeEntry('incidents.arrow');
		}, id!.slice('local:'.length));
		await page.reload();
		await waitForApp(page);
		const row = page.locator('[data-testid="local-sources"] tr', { hasText: label });
		await expect.poll(() => row.locator('[data-testid="local-state"]').textContent()).toContain('incidents.arrow is missing');
		expect(await row.locator('[data-testid="local-open"]').count()).toBe(0);
		// A manifest cut short (a crash while writing) is named as such.
		await page.evaluate(async (folder) => {
			const root = await navigator.storage.getDirectory();
			const dir = await (await root.getDirectoryHandle('clearsight-imports')).getDirectoryHandle(folder);
			const w = await (await dir.getFileHandle('manifest.json')).createWritable();
			await w.write('{"manifest_version": 1, "datas');
			await w.close();
		}, id!.slice('local:'.length));
		await page.reload();
		await waitForApp(page);
		await expect.poll(() => row.locator('[data-testid="local-state"]').textContent()).toContain('manifest.json is not valid JSON');
		await row.locator('[data-testid="local-remove"]').click();
		await expect.poll(localLabels).not.toContain(label);
	});

	it('clears all local data: every source, the saved mappings, and the review log only when asked', async () => {
		await page.evaluate(() => localStorage.setItem('clearsight:review-log:v1', '[]'));
		await page.locator('[data-testid="clear-all"]').click();
		await page.locator('[data-testid="clear-confirm"]').click();
		const report = page.locator('[data-testid="clear-report"]');
		await report.waitFor();
		expect(await report.textContent()).toContain('clearsight-imports');
		expect(await report.textContent()).toContain('clearsight:import-mappings:v1');
		expect(await report.textContent()).toContain('Kept: localStorage clearsight:review-log:v1');
		await page.locator('[data-testid="local-none"]').waitFor();
		const left = await page.evaluate(async () => {
			const root = await navigator.storage.getDirectory();
			const names: string[] = [];
			for await (const [name] of (root as unknown as { entries(): AsyncIterable<[string, unknown]> }).entries()) names.push(name);
			const dbs = (await indexedDB.databases()).map((d) => d.name);
			return { opfs: names, dbs, keys: Object.keys(localStorage).filter((k) => k.startsWith('clearsight:')) };
		});
		expect(left).toEqual({ opfs: [], dbs: [], keys: ['clearsight:review-log:v1'] });
		// With the box ticked the review log goes too.
		await page.locator('[data-testid="clear-all"]').click();
		await page.locator('[data-testid="clear-review"]').check();
		await page.locator('[data-testid="clear-confirm"]').click();
		await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('clearsight:')))).toEqual([]);
		expect(browser.takeProblems()).toEqual([]);
	});
});

describe('without the Origin Private File System', () => {
	it('keeps imports in IndexedDB instead, across a reload', async () => {
		const other = await browser.newPage();
		await other.addInitScript(() => {
			// A browser without OPFS (older, or a policy that blocks it).
			delete (StorageManager.prototype as unknown as Record<string, unknown>).getDirectory;
		});
		await other.goto(`${baseUrl}/data`);
		await waitForApp(other, 90_000);
		await other.locator('[data-testid="import-files"]').setInputFiles([join(STREET, '2019-04-city-of-london-street.csv')]);
		await other.locator('[data-testid="import-chosen"]').waitFor();
		await other.locator('[data-testid="import-label"]').fill('April in IndexedDB');
		await other.locator('[data-testid="import-start"]').click();
		await other.locator('[data-testid="import-saved"]').waitFor({ timeout: IMPORT_TIMEOUT });
		expect(await other.locator('[data-testid="import-saved"]').textContent()).toContain('IndexedDB');
		await other.reload();
		await waitForApp(other, 90_000);
		const row = other.locator('[data-testid="local-sources"] tr', { hasText: 'April in IndexedDB' });
		await expect.poll(() => row.locator('[data-testid="local-state"]').textContent()).toBe('OK');
		expect(await row.textContent()).toContain('IndexedDB');
		await other.locator('[data-testid="clear-all"]').click();
		await other.locator('[data-testid="clear-confirm"]').click();
		await other.locator('[data-testid="local-none"]').waitFor();
		await other.close();
		expect(browser.takeProblems()).toEqual([]);
	});
});
