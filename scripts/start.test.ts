/**
 * `npm start -- --data <folder of input files>`: the folder is built with the normal extract
 * builder into `<folder>-extract/<name>/` with a sources.json naming it (from the folder's
 * source.json when there is one), and built again only when the files change.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './lib/extract-test-utils';
import { ensureFolderExtract } from './start';

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

	it('refuses a folder with no extract and no input files, saying what to do', async () => {
		const dir = tmp();
		await expect(ensureFolderExtract(dir)).rejects.toThrow(/no input files.*npm run extracts/);
	});
});
