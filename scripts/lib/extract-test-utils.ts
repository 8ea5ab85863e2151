/**
 * Reading built extracts in tests (scripts/lib/*.test.ts): a dataset's Arrow file, one column of
 * it as plain values, and temporary output folders removed once the test file is done.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll } from 'vitest';

/** The dataset `<dir>/<name>.arrow` of an extract. */
export function readArrow(dir: string, name: string): Table {
	return tableFromIPC(readFileSync(join(dir, `${name}.arrow`)));
}

/** One column of an Arrow table as plain values, in row order; throws when the table has no such column. */
export function col<T = unknown>(table: Table, name: string): T[] {
	const vector = table.getChild(name);
	if (!vector) throw new Error(`no column ${name}`);
	const out: T[] = [];
	for (let i = 0; i < table.numRows; i++) out.push(vector.get(i) as T);
	return out;
}

/**
 * A maker of fresh temporary folders (`<tmp>/<prefix>XXXXXX`), every one removed after all the
 * tests of the calling file. Call once, at the top level of a test file.
 */
export function tempDirs(prefix: string): () => string {
	const dirs: string[] = [];
	afterAll(() => {
		for (const d of dirs) rmSync(d, { recursive: true, force: true });
	});
	return () => {
		const d = mkdtempSync(join(tmpdir(), prefix));
		dirs.push(d);
		return d;
	};
}
