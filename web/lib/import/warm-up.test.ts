/**
 * The warm-up import (warm-up.ts) leaves nothing behind that changes the user's import: on an
 * instance that ran it, the same files give the same extract (every value, type, row order and
 * report) as on a fresh one.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeForceLookup } from '../../../scripts/lib/force-area';
import { tableFromIPC } from 'apache-arrow';
import { FORCE_LOOKUP_FILE } from '$analytics/ingest/force-area';
import type { ExtractManifest } from '$analytics/ingest';
import { SUMMARY_FILE } from '$analytics/overview/summary';
import { importFiles, type ImportInput, type ImportOptions } from './build';
import { createNodeImportEngine, nodeHelpers } from './node-engine';
import { warmUpImport } from './warm-up';

const STREET = 'sample-data/police-uk/city-of-london/street';
const SEARCH = 'sample-data/police-uk/city-of-london/stop-and-search';
const LANCASHIRE = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';

const pick = (dir: string, n: number) =>
	readdirSync(dir)
		.filter((f) => f.endsWith('.csv'))
		.sort()
		.slice(-n)
		.map((f) => join(dir, f));

const asInput = (path: string): ImportInput => ({
	name: basename(path),
	pathHint: basename(path),
	bytes: statSync(path).size,
	read: async () => new Uint8Array(readFileSync(path))
});

let tmp: string;
let lookup: Uint8Array;
beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-warm-up-'));
	await writeForceLookup(tmp);
	lookup = new Uint8Array(readFileSync(join(tmp, FORCE_LOOKUP_FILE)));
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * An import's extract as content: every Arrow file's column names, types, batches and values
 * (nulls included), every other file as text. Not bytes: DuckDB leaves whatever its reused memory
 * held under a null slot, so a table's bytes differ after any earlier query while its values do
 * not; for the same reason the sha256 of each Arrow file (manifest, summary.json) is left out.
 */
function content(manifest: ExtractManifest, files: Map<string, Uint8Array>) {
	const value = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
	const out: Record<string, unknown> = {};
	for (const [name, bytes] of files) {
		if (name.endsWith('.arrow')) {
			const table = tableFromIPC(bytes);
			out[name] = {
				fields: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`),
				batches: table.batches.map((b) => b.numRows),
				columns: table.schema.fields.map((f) => Array.from(table.getChild(f.name)!, value))
			};
		} else if (name === SUMMARY_FILE) out[name] = { ...JSON.parse(new TextDecoder().decode(bytes)), datasets: null };
		else out[name] = new TextDecoder().decode(bytes);
	}
	const datasets = manifest.datasets.map((d) => ({ ...d, sha256: '' }));
	return { manifest: { ...manifest, built_at: '', datasets, summary: { ...manifest.summary!, sha256: '' } }, files: out };
}

async function importOn(warm: boolean, paths: string[], options: ImportOptions) {
	const engine = await createNodeImportEngine();
	try {
		if (warm) await warmUpImport(engine, nodeHelpers);
		const { manifest, files } = await importFiles(engine, paths.map(asInput), nodeHelpers, options);
		return content(manifest, files);
	} finally {
		engine.close();
	}
}

describe('an import after the warm-up import', () => {
	it('police.uk street months with rejections and stop and search, force area from the lookup: the same extract', async () => {
		const paths = [...pick(STREET, 4), ...pick(SEARCH, 2)];
		const options: ImportOptions = { forceLookup: async () => lookup };
		const fresh = await importOn(false, paths, options);
		expect(fresh.manifest.totals.rejected).toBeGreaterThan(0);
		expect(fresh.manifest.force_area).toMatchObject({ name: 'City of London', areas: 6 });
		expect(await importOn(true, paths, options)).toEqual(fresh);
	}, 120_000);

	it('month-resolution incidents through a mapping constant (Lancashire anti-social behaviour): the same extract', async () => {
		const options: ImportOptions = { mappings: { '*': { constants: { category: 'Anti-social behaviour' } } }, forceLookup: async () => lookup };
		const fresh = await importOn(false, [LANCASHIRE], options);
		expect(fresh.manifest.sources[0]).toMatchObject({ kind: 'month-incidents' });
		expect(await importOn(true, [LANCASHIRE], options)).toEqual(fresh);
	}, 120_000);
});
