/**
 * Offence codes in the in-browser import (DuckDB-wasm, the engine the browser runs) against the
 * command-line builder (native DuckDB) on the same files — real City of London street rows with
 * offence codes added (scripts/lib/offence-codes-fixture.ts): the same accounts, the same
 * offence-code report (mapping, matches, every unknown code with its count) and the same
 * offence_code / offence_subgroup / category on every record; the user's own CSV mapping chosen
 * beside the data replaces the shipped one, as --offence-codes does.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, type Table } from 'apache-arrow';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { readArrow, tempDirs } from '../../../scripts/lib/extract-test-utils';
import { createNodeRunner } from '../../../scripts/lib/node-runner';
import { writeOffenceCodeFiles, type SourceRow } from '../../../scripts/lib/offence-codes-fixture';
import { parseOffenceCodes } from '$analytics/ingest/offence-codes';
import { importFiles, type ImportInput, type ImportResult } from './build';
import { createNodeImportEngine, nodeHelpers } from './node-engine';

const tempDir = tempDirs('clearsight-import-offence-');
const asInput = (path: string): ImportInput => ({
	name: basename(path),
	pathHint: basename(path),
	bytes: statSync(path).size,
	read: async () => new Uint8Array(readFileSync(path))
});

let dir: string;
let files: string[];
let jan: SourceRow[];

async function browserImport(offenceCodes?: { mapping: ReturnType<typeof parseOffenceCodes>; file: string }): Promise<ImportResult> {
	const engine = await createNodeImportEngine();
	try {
		return await importFiles(engine, files.map(asInput), nodeHelpers, { forceArea: { kind: 'none' }, offenceCodes });
	} finally {
		engine.close();
	}
}

const rowsOf = (table: Table) =>
	table.toArray().map((r) => {
		const o = r.toJSON() as Record<string, unknown>;
		return [o.source_file, o.source_line, o.category, o.offence_code, o.offence_subgroup].join('|');
	});

beforeAll(async () => {
	dir = tempDir();
	const runner = await createNodeRunner();
	try {
		const written = await writeOffenceCodeFiles(runner, dir);
		files = [written.codesOnly, written.withCategory];
		jan = written.jan;
	} finally {
		runner.close();
	}
}, 60_000);
afterAll(() => {});

describe('offence codes in the browser import', () => {
	it('the shipped mapping: same accounts, same offence-code report and same records as the builder', async () => {
		const cli = await buildExtracts({ inputs: files, out: join(dir, 'cli'), areas: null, forceArea: { kind: 'none' } });
		const browser = await browserImport();
		const m = browser.manifest;
		expect(m.sources.map((s) => [s.file, s.kind, s.rows_in, s.accepted, s.rejected, s.reasons])).toEqual(
			cli.manifest.sources.map((s) => [s.file, s.kind, s.rows_in, s.accepted, s.rejected, s.reasons])
		);
		expect(m.offence_codes).toEqual(cli.manifest.offence_codes);
		expect(m.offence_codes!.mapping.id).toBe('home-office-offence-codes');
		const other = jan.filter((r) => r.category === 'Other crime').length;
		expect(m.offence_codes!.unknown).toEqual([{ code: '53D', records: expect.any(Number), rejected: other }]);
		const fromBrowser = rowsOf(tableFromIPC(browser.files.get('incidents.arrow')!));
		const fromCli = rowsOf(await readArrow(join(dir, 'cli'), 'incidents'));
		expect(fromBrowser.length).toBe(cli.manifest.datasets.find((d) => d.name === 'incidents')!.rows);
		expect([...fromBrowser].sort()).toEqual([...fromCli].sort());
	}, 120_000);

	it("the user's CSV mapping replaces the shipped one: the manifest names its file, its codes give the subgroups", async () => {
		const text = 'code,description,subgroup,category\n53D,Fraud by false representation: other frauds,Miscellaneous crimes against society,Other crime\n';
		const browser = await browserImport({ mapping: parseOffenceCodes(text, 'force-codes.csv'), file: 'force-codes.csv' });
		const oc = browser.manifest.offence_codes!;
		expect(oc.mapping).toMatchObject({ id: 'force-codes', file: 'force-codes.csv', shipped: false });
		// Only 53D is known now: the codes-only file keeps its 53D rows (Other crime) and rejects the rest that carry a code.
		const s = browser.manifest.sources.find((x) => x.file === 'rms-codes-2019-01.csv')!;
		const other = jan.filter((r) => r.category === 'Other crime').length;
		expect(s.accepted).toBe(other);
		const incidents = tableFromIPC(browser.files.get('incidents.arrow')!).toArray().map((r) => r.toJSON() as Record<string, unknown>);
		const fromJan = incidents.filter((r) => r.source_file === 'rms-codes-2019-01.csv');
		expect(new Set(fromJan.map((r) => `${r.offence_code}|${r.offence_subgroup}|${r.category}`))).toEqual(new Set(['53D|Miscellaneous crimes against society|Other crime']));
	}, 120_000);
});
