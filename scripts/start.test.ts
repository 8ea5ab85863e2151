/**
 * `npm start -- --data <folder of input files>`: the folder is built with the normal extract
 * builder into `<folder>-extract/<name>/` with a sources.json naming it (from the folder's
 * source.json when there is one), and built again only when the files change; when only the code
 * that computes summary.json changed (or the extract was built before its version), summary.json
 * alone is written again, with the figures of a full build, and the extract's data files are kept.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { summaryFigures, tempDirs } from './lib/extract-test-utils';
import { ensureFolderExtract } from './start';
import { SUMMARY_FILE, SUMMARY_VERSION } from '../analytics/overview/summary';
import { summaryCodeFingerprint } from './lib/sample';

const tmp = tempDirs('clearsight-start-');
const STREET = 'sample-data/police-uk/city-of-london/street';

describe('ensureFolderExtract', () => {
	it('builds a folder of police.uk month files beside it, names it from source.json, and rebuilds only when a file changes', async () => {
		const dir = join(tmp(), 'two-months');
		const files = readdirSync(STREET).filter((f) => f.endsWith('.csv')).sort().slice(0, 2);
		for (const f of files) {
			mkdirSync(join(dir, f.slice(0, 7)), { recursive: true });
			copyFileSync(join(STREET, f), join(dir, f.slice(0, 7), f));
		}
		writeFileSync(join(dir, 'source.json'), JSON.stringify({ label: 'Two months (test)', description: 'two real months', areas: false, force_area: 'none' }));
		const lines: string[] = [];
		const root = await ensureFolderExtract(dir, (l) => lines.push(l));
		expect(root).toBe(`${dir}-extract`);
		const sources = JSON.parse(readFileSync(join(root, 'sources.json'), 'utf8'));
		expect(sources.sources).toEqual([{ id: 'two-months', label: 'Two months (test)', description: 'two real months', path: 'two-months' }]);
		const manifestPath = join(root, 'two-months', 'manifest.json');
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
		// Every row of the two real files, less their headers.
		const rows = files.reduce((s, f) => s + readFileSync(join(STREET, f), 'utf8').split('\n').filter((l) => l.trim() !== '').length - 1, 0);
		expect(manifest.totals.rows_in).toBe(rows);
		expect(manifest.force_area.method).toBe('none');
		expect(lines.some((l) => l.startsWith('Building the extract of 2 files'))).toBe(true);

		const built = statSync(manifestPath).mtimeMs;
		lines.length = 0;
		await ensureFolderExtract(dir, (l) => lines.push(l));
		expect(lines.some((l) => l.startsWith('Building'))).toBe(false);
		expect(statSync(manifestPath).mtimeMs).toBe(built);

		// One month's file changes: built again.
		const second = join(dir, files[1].slice(0, 7), files[1]);
		writeFileSync(second, readFileSync(second, 'utf8').split('\n').slice(0, -5).join('\n') + '\n');
		await ensureFolderExtract(dir, (l) => lines.push(l));
		expect(lines.some((l) => l.startsWith('Building'))).toBe(true);
		expect(JSON.parse(readFileSync(manifestPath, 'utf8')).totals.rows_in).toBeLessThan(rows);
	}, 180_000);

	it("writes summary.json alone again when the summary's code changed or the summary is of an older version, keeping the extract's files", async () => {
		const dir = join(tmp(), 'one-month');
		const file = readdirSync(STREET).filter((f) => f.endsWith('.csv')).sort()[0];
		mkdirSync(join(dir, file.slice(0, 7)), { recursive: true });
		copyFileSync(join(STREET, file), join(dir, file.slice(0, 7), file));
		writeFileSync(join(dir, 'source.json'), JSON.stringify({ areas: false }));
		await ensureFolderExtract(dir, () => {});
		const out = join(`${dir}-extract`, 'one-month');
		const manifestPath = join(out, 'manifest.json');
		const built = { manifest: readFileSync(manifestPath, 'utf8'), summary: readFileSync(join(out, SUMMARY_FILE), 'utf8') };
		const fingerprint: string = JSON.parse(built.manifest).input_fingerprint;
		expect(fingerprint.endsWith(` summary ${summaryCodeFingerprint()}`)).toBe(true);
		const inputs = fingerprint.split(' summary ')[0];
		const kept = () => readdirSync(out).filter((f) => f !== SUMMARY_FILE && f !== 'manifest.json').map((f) => [f, statSync(join(out, f)).mtimeMs]);
		const before = kept();

		for (const stale of [
			// Built before the summary's code was recorded, with a version-1 summary.
			{ input_fingerprint: inputs, summary_version: 1 },
			// Built under other summary code.
			{ input_fingerprint: `${inputs} summary ${'0'.repeat(64)}`, summary_version: SUMMARY_VERSION }
		]) {
			const old = Buffer.from(JSON.stringify({ ...JSON.parse(built.summary), summary_version: stale.summary_version }));
			writeFileSync(join(out, SUMMARY_FILE), old);
			writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(built.manifest), input_fingerprint: stale.input_fingerprint, summary: { file: SUMMARY_FILE, bytes: old.byteLength, sha256: 'stale' } }, null, '\t') + '\n');
			const lines: string[] = [];
			await ensureFolderExtract(dir, (l) => lines.push(l));
			expect(lines.some((l) => l.startsWith('Building'))).toBe(false);
			expect(lines.some((l) => l.startsWith(`Writing summary.json of ${out} again`))).toBe(true);
			// The build's own figures and manifest again; the summary's harm sums may differ in their
			// last bits (DuckDB adds doubles in no fixed order), so its manifest entry names the file written.
			const again = readFileSync(join(out, SUMMARY_FILE));
			expect(summaryFigures(again.toString('utf8'))).toEqual(summaryFigures(built.summary));
			expect(JSON.parse(readFileSync(manifestPath, 'utf8'))).toEqual({
				...JSON.parse(built.manifest),
				summary: { file: SUMMARY_FILE, bytes: again.byteLength, sha256: createHash('sha256').update(again).digest('hex') }
			});
			expect(kept()).toEqual(before);
		}
		// Current: nothing is written.
		const lines: string[] = [];
		await ensureFolderExtract(dir, (l) => lines.push(l));
		expect(lines).toEqual([]);
	}, 180_000);

	it('refuses a folder with no extract and no input files, saying what to do', async () => {
		const dir = tmp();
		await expect(ensureFolderExtract(dir)).rejects.toThrow(/no input files.*npm run extracts/);
	});
});
