/**
 * Reading built extracts in tests (scripts/lib/*.test.ts): a dataset as Arrow, one column of
 * it as plain values, and temporary output folders removed once the test file is done.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll } from 'vitest';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { ident } from '../../analytics/ingest/sql';
import { queryToArrow } from './arrow-write';
import { attachBaseDatabase } from './base-database';
import { createNodeRunner } from './node-runner';

/**
 * Dataset `name` of the extract in `dir` as an Arrow table, rows in stored order: its Arrow file,
 * or, for a dataset stored in the extract's base.duckdb (scripts/lib/base-database.ts), its table
 * read with native DuckDB and written as Arrow the way the builder writes Arrow files.
 */
export async function readArrow(dir: string, name: string): Promise<Table> {
	const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ExtractManifest;
	const entry = manifest.datasets.find((d) => d.name === name);
	if (entry?.format !== 'duckdb-table') return tableFromIPC(readFileSync(join(dir, `${name}.arrow`)));
	const runner = await createNodeRunner();
	try {
		await attachBaseDatabase(runner, dir, manifest.base_database!, 'test_base');
		const { bytes } = await queryToArrow(runner, entry.columns, `test_base.${ident(entry.table)}`);
		return tableFromIPC(bytes);
	} finally {
		runner.close();
	}
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

/**
 * A summary.json's text as its figures, every fractional number to 12 significant digits (integers
 * as they are): DuckDB adds doubles in no fixed order, so two builds of the same rows can differ in
 * a sum's last bits (summary-file.test.ts allows the same).
 */
export const summaryFigures = (json: string): unknown =>
	JSON.parse(json, (_, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v));
