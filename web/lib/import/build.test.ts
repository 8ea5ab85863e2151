/**
 * The in-browser import (DuckDB-wasm, the engine the browser runs) against the command-line
 * builder (native DuckDB) on the same real files: the same rows in / accepted / rejected per
 * file, the same reasons, the same dataset row counts, the same quarantine, the same force area
 * and the same inside / outside / unplaced counts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, type Table } from 'apache-arrow';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { writeForceLookup } from '../../../scripts/lib/force-area';
import { col, readArrow } from '../../../scripts/lib/extract-test-utils';
import { FORCE_LOOKUP_FILE } from '$analytics/ingest/force-area';
import type { ImportOptions } from './build';
import { importFiles, type ImportInput } from './build';
import { createNodeImportEngine, nodeHelpers } from './node-engine';
import { warmUpImport } from './warm-up';
import type { ExtractManifest } from '$analytics/ingest';
import { SUMMARY_FILE } from '$analytics/overview/summary';

const STREET = 'sample-data/police-uk/city-of-london/street';
const SEARCH = 'sample-data/police-uk/city-of-london/stop-and-search';
const CHICAGO = 'sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz';

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
/** The lookup the app serves (FORCE_LOOKUP_FILE), written here as `npm run extracts:sample` writes it. */
let lookup: Uint8Array;
beforeAll(async () => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-import-'));
	await writeForceLookup(tmp);
	lookup = new Uint8Array(readFileSync(join(tmp, FORCE_LOOKUP_FILE)));
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function both(paths: string[], columns?: Record<string, string>, constants?: Record<string, string>) {
	const cli = await buildExtracts({ inputs: paths, out: join(tmp, 'cli'), areas: null, columns, constants });
	const engine = await createNodeImportEngine();
	try {
		const browser = await importFiles(engine, paths.map(asInput), nodeHelpers, {
			mappings: columns || constants ? { '*': { columns, constants } } : undefined,
			forceLookup: async () => lookup
		});
		return { cli: cli.manifest, browser };
	} finally {
		engine.close();
	}
}

describe('in-browser import = command-line builder', () => {
	it('police.uk street and stop-and-search files: same accounts, reasons and datasets', async () => {
		// The street months with the most rejections in the sample, and two stop-and-search months.
		const paths = [...pick(STREET, 4), ...pick(SEARCH, 2)];
		const { cli, browser } = await both(paths);
		const strip = (s: (typeof cli.sources)[number]) => ({ ...s, path_hint: '' });
		expect(browser.manifest.sources.map(strip)).toEqual(cli.sources.map(strip));
		expect(browser.manifest.totals).toEqual(cli.totals);
		expect(browser.manifest.totals.rejected).toBeGreaterThan(0);
		for (const d of cli.datasets.filter((d) => d.name !== 'areas')) {
			const mine = browser.manifest.datasets.find((x) => x.name === d.name)!;
			expect({ name: d.name, rows: mine.rows, range: mine.date_range, bbox: mine.bbox }).toEqual({ name: d.name, rows: d.rows, range: d.date_range, bbox: d.bbox });
			const table = tableFromIPC(browser.files.get(mine.file)!);
			expect(table.numRows).toBe(d.rows);
			expect(table.schema.fields.map((f) => f.name)).toEqual(d.columns.map((c) => c.name));
		}
		const csv = new TextDecoder().decode(browser.files.get('quarantine.csv')!);
		expect(csv).toBe(readFileSync(join(tmp, 'cli', 'quarantine.csv'), 'utf8'));
		// H3 cells are filled for located rows, as the builder does.
		const incidents = tableFromIPC(browser.files.get('incidents.arrow')!);
		const located = Array.from(incidents.getChild('longitude')!).filter((x) => x !== null).length;
		const cells = Array.from(incidents.getChild('h3_r8')!).filter((x) => x !== null).length;
		expect(cells).toBe(located);
		// The same force area (the City's 6 LSOAs) and the same placement of every record.
		const { source: _a, ...cliForce } = cli.force_area!;
		const { source: _b, ...browserForce } = browser.manifest.force_area!;
		expect(browserForce).toEqual(cliForce);
		expect(browserForce).toMatchObject({ name: 'City of London', method: 'falls-within', areas: 6 });
		// The builder stores the base rows in base.duckdb (readArrow writes a table of it as Arrow, the builder's way).
		const flags = (table: Table) => Array.from(table.getChild('in_force_area')!);
		expect(flags(tableFromIPC(browser.files.get('incidents.arrow')!))).toEqual(flags(await readArrow(join(tmp, 'cli'), 'incidents')));
		expect(flags(tableFromIPC(browser.files.get('stop_search.arrow')!))).toEqual(flags(await readArrow(join(tmp, 'cli'), 'stop_search')));
		// Every value of the record datasets in row order, as the builder's (both type the rows where they are read).
		for (const name of ['incidents', 'stop_search']) {
			const mine = tableFromIPC(browser.files.get(`${name}.arrow`)!);
			const theirs = await readArrow(join(tmp, 'cli'), name);
			expect(mine.schema.fields.map((f) => f.name)).toEqual(theirs.schema.fields.map((f) => f.name));
			for (const f of theirs.schema.fields) expect(col(mine, f.name), `${name}.${f.name}`).toEqual(col(theirs, f.name));
		}
	});

	it('a gzipped generic incident file and a renamed-columns file read through a mapping', async () => {
		const lines = readFileSync(join(STREET, '2019-06-city-of-london-street.csv'), 'utf8').split('\n');
		expect(lines.length).toBeGreaterThan(100);
		// Real rows of the Chicago series with renamed headers.
		const { gunzipSync, gzipSync } = await import('node:zlib');
		const chicago = gunzipSync(readFileSync(CHICAGO)).toString('utf8').split('\n').slice(0, 301);
		const renamed = ['Created At,Call Type,X,Y,Beat', ...chicago.slice(1)].join('\n');
		const path = join(tmp, 'renamed.csv');
		writeFileSync(path, renamed);
		const gz = join(tmp, 'renamed-again.csv.gz');
		writeFileSync(gz, gzipSync(Buffer.from(renamed.replace('Created At', 'created at'))));
		const mapping = { timestamp: 'Created At', category: 'Call Type', longitude: 'X', latitude: 'Y', area_code: 'Beat' };
		const { cli, browser } = await both([path, gz], mapping);
		expect(browser.manifest.sources.map((s) => ({ ...s, path_hint: '' }))).toEqual(cli.sources.map((s) => ({ ...s, path_hint: '' })));
		expect(browser.manifest.sources.map((s) => [s.kind, s.rows_in])).toEqual([['events', 300], ['events', 300]]);
		const events = browser.manifest.datasets.find((d) => d.name === 'events')!;
		expect(events.rows).toBe(cli.datasets.find((d) => d.name === 'events')!.rows);
	});

	it('month-resolution incidents with a constant category (Lancashire anti-social behaviour)', async () => {
		const path = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';
		const { cli, browser } = await both([path], undefined, { category: 'Anti-social behaviour' });
		expect(browser.manifest.sources.map((s) => ({ ...s, path_hint: '' }))).toEqual(cli.sources.map((s) => ({ ...s, path_hint: '' })));
		expect(browser.manifest.sources[0].kind).toBe('month-incidents');
		expect(browser.manifest.sources[0].accepted).toBeGreaterThan(1000);
		const rows = (m: typeof cli, name: string) => m.datasets.find((d) => d.name === name)!.rows;
		for (const name of ['incidents', 'explore_points']) expect(rows(browser.manifest, name)).toBe(rows(cli, name));
	});
});

describe('the force area of an import', () => {
	const month = join(STREET, '2019-11-city-of-london-street.csv');
	async function importWith(options: ImportOptions) {
		const engine = await createNodeImportEngine();
		try {
			return await importFiles(engine, [asInput(month)], nodeHelpers, options);
		} finally {
			engine.close();
		}
	}

	it('a force picked by name, or local authority codes, as the builder takes --force and --force-lads', async () => {
		for (const forceArea of [{ kind: 'force', force: 'Lancashire' }, { kind: 'lads', ladCodes: ['E06000008', 'E06000009', 'E07000117', 'E07000118', 'E07000119', 'E07000120', 'E07000121', 'E07000122', 'E07000123', 'E07000124', 'E07000125', 'E07000126', 'E07000127', 'E07000128'] }] as const) {
			const cli = await buildExtracts({ inputs: [month], out: join(tmp, `cli-${forceArea.kind}`), areas: null, forceArea });
			const browser = await importWith({ forceArea, forceLookup: async () => lookup });
			const { source: _a, ...c } = cli.manifest.force_area!;
			const { source: _b, ...b } = browser.manifest.force_area!;
			expect(b).toEqual(c);
			expect(b).toMatchObject({ name: 'Lancashire', method: 'named-authorities', areas: 941 });
			// City records are all outside Lancashire: none inside, every located one outside.
			expect(b.records.incidents!.inside).toBe(0);
			expect(b.records.incidents!.outside).toBeGreaterThan(700);
		}
	});

	it('an unknown code is refused with the form\'s advice; without the lookup, police.uk files import with none and the reason', async () => {
		await expect(importWith({ forceArea: { kind: 'lads', ladCodes: ['E07999999'] }, forceLookup: async () => lookup })).rejects.toThrow(
			/unknown local authority codes: "E07999999".*Choose the force from the list/
		);
		const none = await importWith({ forceLookup: async () => null });
		expect(none.manifest.force_area).toMatchObject({ method: 'none', areas: 0 });
		expect(none.manifest.force_area!.source).toContain('City of London Police');
		const chosenNone = await importWith({ forceArea: { kind: 'none' }, forceLookup: async () => lookup });
		expect(chosenNone.manifest.force_area).toMatchObject({ method: 'none', areas: 0 });
		expect(tableFromIPC(chosenNone.files.get('force_area.arrow')!).numRows).toBe(0);
	});
});

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

// The warm-up import (warm-up.ts) leaves nothing behind that changes the user's import.
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
		const files = ['sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab'];
		const fresh = await importOn(false, files, options);
		expect(fresh.manifest.sources[0]).toMatchObject({ kind: 'month-incidents' });
		expect(await importOn(true, files, options)).toEqual(fresh);
	}, 120_000);

	it('a warm-up stopped at one of its steps, as for an import that waits for it: the same extract', async () => {
		const paths = [...pick(STREET, 1), ...pick(SEARCH, 1)];
		const options: ImportOptions = { forceLookup: async () => lookup };
		const fresh = await importOn(false, paths, options);
		// The warm-up asks 22 times; stopped at the first, after reading files, after staging, while writing.
		for (const steps of [0, 3, 6, 15]) {
			const engine = await createNodeImportEngine();
			try {
				let asked = 0;
				await warmUpImport(engine, nodeHelpers, () => ++asked > steps);
				expect(asked).toBe(steps + 1);
				const { manifest, files } = await importFiles(engine, paths.map(asInput), nodeHelpers, options);
				expect(content(manifest, files), `stopped after ${steps} steps`).toEqual(fresh);
			} finally {
				engine.close();
			}
		}
	}, 180_000);
});

// A failed import leaves its tables and views on the instance (the worker keeps it after any
// failure but running out of memory): the next import replaces them, whatever formats it reads.
describe('an import after a failed one on the same instance', () => {
	it('month-resolution incidents refused for an unknown local authority, then street and stop-and-search months: the same extract as on a fresh instance', async () => {
		const paths = [...pick(STREET, 2), ...pick(SEARCH, 1)];
		const options: ImportOptions = { forceLookup: async () => lookup };
		const fresh = await importOn(false, paths, options);
		const engine = await createNodeImportEngine();
		try {
			const asb = { mappings: { '*': { constants: { category: 'Anti-social behaviour' } } }, forceArea: { kind: 'lads', ladCodes: ['E07999999'] }, forceLookup: async () => lookup } as const;
			await expect(importFiles(engine, [asInput('sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab')], nodeHelpers, asb)).rejects.toThrow(/unknown local authority codes: "E07999999"/);
			const { manifest, files } = await importFiles(engine, paths.map(asInput), nodeHelpers, options);
			expect(content(manifest, files)).toEqual(fresh);
		} finally {
			engine.close();
		}
	}, 120_000);
});
