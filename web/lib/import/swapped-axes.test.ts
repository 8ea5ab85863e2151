/**
 * Exchanged coordinate columns through the in-browser import (DuckDB-wasm, the engine the browser
 * runs): the same real Lancashire rows with "Easting" and "Northing" exchanged
 * (scripts/lib/swapped-axes-fixture.ts), read in British National Grid as chosen in the mapping
 * step, with the Lancashire districts as the user's areas. The import report's account
 * (districts_info.swapped_axes, shown by AreasReport.svelte) names the file, its counts and the
 * fix, exactly as the command-line builder does; the records are left where the file puts them.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { LANCASHIRE_DISTRICTS, writeSwappedAxes } from '../../../scripts/lib/swapped-axes-fixture';
import { BNG_CODE, resolveCrs } from '$analytics/ingest/crs';
import { swappedAxesMessage } from '$analytics/boundaries';
import { importFiles } from './build';
import { createNodeImportEngine, nodeHelpers } from './node-engine';
import { readImportAreas } from './boundary-file';

const ROWS = 500;
let tmp: string;
let swapped: string;
beforeAll(() => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-import-swapped-'));
	({ swapped } = writeSwappedAxes(tmp, ROWS));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('exchanged coordinate columns in the browser import', () => {
	it('the import report names the file with its counts and the fix, as the command-line builder does', async () => {
		const areas = await readImportAreas([{ name: basename(LANCASHIRE_DISTRICTS), bytes: new Uint8Array(readFileSync(LANCASHIRE_DISTRICTS)) }], {
			idField: '',
			nameField: '',
			crs: '',
			label: 'Districts'
		});
		const engine = await createNodeImportEngine();
		let browser: Awaited<ReturnType<typeof importFiles>>;
		try {
			browser = await importFiles(
				engine,
				[{ name: basename(swapped), pathHint: basename(swapped), bytes: statSync(swapped).size, read: async () => new Uint8Array(readFileSync(swapped)) }],
				nodeHelpers,
				{
					mappings: { '*': { format: 'month-incidents', constants: { category: 'Anti-social behaviour' }, crs: { code: BNG_CODE, origin: 'declared' } } },
					areas,
					forceArea: { kind: 'none' },
					forceLookup: async () => null
				}
			);
		} finally {
			engine.close();
		}
		const cli = await buildExtracts({
			inputs: [swapped],
			out: join(tmp, 'cli'),
			areas: null,
			partitions: false,
			format: 'month-incidents',
			constants: { category: 'Anti-social behaviour' },
			crs: { crs: resolveCrs(BNG_CODE), origin: 'declared' },
			districts: { file: LANCASHIRE_DISTRICTS }
		});
		const found = browser.manifest.districts_info!.swapped_axes!;
		expect(browser.manifest.districts_info!.records.incidents).toEqual({ records: ROWS, inside: 0, outside: ROWS, no_location: 0 });
		expect(found).toEqual(cli.manifest.districts_info!.swapped_axes);
		expect(found).toHaveLength(1);
		expect(found[0]).toMatchObject({ file: 'asb-swapped.csv', crs: 'British National Grid', x_column: 'Easting', y_column: 'Northing', located: ROWS, outside: ROWS, checked: ROWS });
		expect(found[0].inside_if_swapped).toBeGreaterThan(ROWS / 2);
		expect(swappedAxesMessage(found[0])).toContain('"Easting" and "Northing" look swapped: if so, read them the other way round (--columns x=Northing,y=Easting, or exchange them in the mapping step)');
	}, 600_000);
});
