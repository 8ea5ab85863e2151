import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateManifest } from './manifest';
import { ExtractLoadError } from './errors';

/** A small manifest in the contract's shape (the real one is checked by the browser tests). */
function manifest(): Record<string, unknown> & { datasets: Array<Record<string, unknown>> } {
	const dataset = (name: string) => ({
		name,
		file: `${name}.arrow`,
		format: 'arrow-ipc-stream',
		rows: 1,
		bytes: 100,
		sha256: 'a'.repeat(64),
		columns: [],
		date_range: null,
		bbox: null
	});
	return {
		manifest_version: 1,
		builder: { name: 'clearsight-extracts', version: '0.1.0' },
		built_at: '2026-01-01T00:00:00.000Z',
		input_fingerprint: 'f'.repeat(64),
		datasets: ['incidents', 'stop_search', 'outcomes', 'areas', 'quarantine'].map(dataset),
		sources: [],
		attribution: [],
		totals: { rows_in: 0, accepted: 0, rejected: 0 }
	};
}

/** The manifest with incidents, stop_search and quarantine as tables of base.duckdb (as the builder writes them). */
function withBase(m: ReturnType<typeof manifest>): ReturnType<typeof manifest> {
	for (const d of m.datasets) {
		if (!['incidents', 'stop_search', 'quarantine'].includes(d.name as string)) continue;
		Object.assign(d, { file: 'base.duckdb', format: 'duckdb-table', table: d.name });
		delete d.bytes;
		delete d.sha256;
	}
	m.base_database = { file: 'base.duckdb', bytes: 4096, sha256: 'b'.repeat(64), storage_version: 'v1.4.0', sorted_by: 'month_index' };
	return m;
}

function problem(json: unknown): string {
	try {
		validateManifest(json, 'manifest.json at /data/manifest.json');
	} catch (error) {
		expect(error).toBeInstanceOf(ExtractLoadError);
		expect((error as ExtractLoadError).kind).toBe('corrupt');
		return (error as Error).message;
	}
	return 'valid';
}

describe('validateManifest', () => {
	it('accepts a manifest in the contract shape, and one with a dataset it does not know', () => {
		expect(problem(manifest())).toBe('valid');
		const m = manifest();
		m.datasets.push({ name: 'forecasts', file: '../../etc/passwd' });
		expect(problem(m)).toBe('valid');
	});

	it('accepts base datasets as tables of base_database, beside Arrow datasets', () => {
		expect(problem(withBase(manifest()))).toBe('valid');
	});

	it.each<[string, (m: ReturnType<typeof manifest>) => unknown, RegExp]>([
		['a table without base_database', (m) => (delete withBase(m).base_database, m), /"incidents" is a table of "base\.duckdb", but there is no base_database/],
		['a table of another file', (m) => (withBase(m).datasets[0].file = 'other.duckdb', m), /expected the base_database file "base\.duckdb"/],
		['a table name that is not a plain name', (m) => (withBase(m).datasets[0].table = 'x; DROP', m), /table "x; DROP"; expected a plain lower-case name/],
		['a database path outside the folder', (m) => ((withBase(m).base_database as Record<string, unknown>).file = '../base.duckdb', m), /base_database .*plain name ending in \.duckdb/],
		['a database without a sha256', (m) => ((withBase(m).base_database as Record<string, unknown>).sha256 = '', m), /no valid sha256 for base_database/],
		['an unknown format', (m) => (m.datasets[0].format = 'parquet', m), /format "parquet"; expected "arrow-ipc-stream" or "duckdb-table"/]
	])('rejects %s, saying so', (_, change, message) => {
		expect(problem(change(manifest()))).toMatch(message);
	});

	it('accepts the sample extract manifest when there is one', () => {
		let text: string;
		try {
			text = readFileSync('extracts/sample/city-of-london/manifest.json', 'utf8');
		} catch {
			return; // not built yet: the browser tests cover it
		}
		expect(problem(JSON.parse(text))).toBe('valid');
	});

	it.each<[string, (m: ReturnType<typeof manifest>) => unknown, RegExp]>([
		['not an object', () => [], /is not a JSON object/],
		['another version', (m) => ({ ...m, manifest_version: 2 }), /manifest_version 2; this app reads version 1/],
		['no datasets', (m) => ({ ...m, datasets: undefined }), /no "datasets" list/],
		['a core dataset missing', (m) => ({ ...m, datasets: m.datasets.filter((d) => d.name !== 'incidents') }), /lists no "incidents" dataset/],
		['a path outside the folder', (m) => (m.datasets[0].file = '../secret.arrow', m), /plain name ending in \.arrow/],
		['a bad sha256', (m) => (m.datasets[1].sha256 = 'xyz', m), /"stop_search" has no valid sha256/],
		['a fractional row count', (m) => (m.datasets[0].rows = 1.5, m), /"incidents" has no valid row count/],
		['a duplicate dataset', (m) => (m.datasets.push(m.datasets[0]), m), /lists dataset "incidents" twice/],
		['no totals', (m) => ({ ...m, totals: null }), /no "totals"/]
	])('rejects %s, saying so', (_, change, message) => {
		expect(problem(change(manifest()))).toMatch(message);
	});
});
