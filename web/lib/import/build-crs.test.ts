/**
 * Coordinates in British National Grid through the in-browser import (DuckDB-wasm, the engine
 * the browser runs): real City of London street rows (November 2019) converted HERE to eastings
 * and northings (proj4, the published EPSG:27700 definition, to the millimetre), two of them
 * moved outside the grid's valid area, imported with the mapping's `crs`. The import gives the
 * command-line builder's accounts, reasons, quarantine and manifest, and every accepted row
 * lies in the H3 cells (r7, r8, r9) of its ORIGINAL WGS84 coordinates (h3-js, independently).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import { latLngToCell } from 'h3-js';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { readArrow } from '../../../scripts/lib/extract-test-utils';
import { resolveCrs } from '$analytics/ingest/crs';
import { importFiles } from './build';
import { createNodeImportEngine, nodeHelpers } from './node-engine';

const SOURCE = 'sample-data/police-uk/city-of-london/street/2019-11-city-of-london-street.csv';
const NAME = '2019-11-city-of-london-street-bng.csv';
const EPSG_27700 =
	'+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
	'+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const BROKEN = new Map([
	[7, ['812345', '181000']],
	[15, ['531000', 'n/a']]
]);

let tmp: string;
let path: string;
/** Line → original [lon, lat] (null without a location). */
const original = new Map<number, [number, number] | null>();
/** Rows whose Crime ID an earlier row (not one of the broken ones) already has. */
let duplicates = 0;

beforeAll(() => {
	tmp = mkdtempSync(join(tmpdir(), 'clearsight-import-crs-'));
	const [header, ...lines] = readFileSync(SOURCE, 'utf8').split(/\r?\n/).filter((l) => l !== '');
	const keys = header.split(',');
	const lon = keys.indexOf('Longitude');
	const lat = keys.indexOf('Latitude');
	const toBng = proj4('EPSG:4326', EPSG_27700);
	const seen = new Set<string>();
	const out = [keys.map((k, i) => (i === lon ? 'Easting' : i === lat ? 'Northing' : k)).join(',')];
	lines.forEach((text, i) => {
		const c = text.split(',');
		const line = i + 2;
		const point: [number, number] | null = c[lon] === '' ? null : [Number(c[lon]), Number(c[lat])];
		original.set(line, point);
		if (point) [c[lon], c[lat]] = toBng.forward(point).map((v) => v.toFixed(3));
		const id = c[keys.indexOf('Crime ID')];
		if (id !== '' && !BROKEN.has(line)) {
			if (seen.has(id)) duplicates++;
			seen.add(id);
		}
		const moved = BROKEN.get(line);
		if (moved) [c[lon], c[lat]] = moved;
		out.push(c.join(','));
	});
	path = join(tmp, NAME);
	writeFileSync(path, `${out.join('\n')}\n`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('in-browser import of British National Grid coordinates', () => {
	it('matches the command-line builder, rejects the two broken rows, and places every row in its original H3 cells', async () => {
		const cli = await buildExtracts({ inputs: [path], out: join(tmp, 'cli'), areas: null, partitions: false, crs: { crs: resolveCrs('EPSG:27700'), origin: 'declared' } });
		const engine = await createNodeImportEngine();
		let browser: Awaited<ReturnType<typeof importFiles>>;
		try {
			browser = await importFiles(
				engine,
				[{ name: NAME, pathHint: NAME, bytes: readFileSync(path).length, read: async () => new Uint8Array(readFileSync(path)) }],
				nodeHelpers,
				{ mappings: { '*': { crs: { code: 'EPSG:27700', origin: 'declared' } } }, forceLookup: async () => null }
			);
		} finally {
			engine.close();
		}
		const strip = (s: (typeof cli.manifest.sources)[number]) => ({ ...s, path_hint: '' });
		expect(browser.manifest.sources.map(strip)).toEqual(cli.manifest.sources.map(strip));
		const [source] = browser.manifest.sources;
		expect(source.crs).toEqual({ code: 'EPSG:27700', label: 'British National Grid', origin: 'declared' });
		expect(source.rows_in).toBe(original.size);
		// The month repeats some Crime IDs (the later ones are rejected as duplicates, as for any police.uk file).
		expect(source.reasons.find((r) => r.reason === 'duplicate Crime ID')?.count ?? 0).toBe(duplicates);
		expect(source.rejected).toBe(duplicates + 2);
		expect(source.accepted).toBe(original.size - duplicates - 2);
		const csv = new TextDecoder().decode(browser.files.get('quarantine.csv')!);
		expect(csv).toBe(readFileSync(join(tmp, 'cli', 'quarantine.csv'), 'utf8'));
		expect(csv).toContain(`${NAME},street,7,Easting,"easting 812,345 is outside British National Grid's valid area`);
		expect(csv).toContain(`${NAME},street,15,Northing,"northing ""n/a"" is not a number",n/a`);

		const entry = browser.manifest.datasets.find((d) => d.name === 'incidents')! as { file: string };
		const table = tableFromIPC(browser.files.get(entry.file)!);
		const cliTable = await readArrow(join(tmp, 'cli'), 'incidents');
		expect(table.numRows).toBe(original.size - duplicates - 2);
		expect(cliTable.numRows).toBe(table.numRows);
		let located = 0;
		for (let i = 0; i < table.numRows; i++) {
			const row = table.get(i)!.toJSON() as Record<string, unknown>;
			const point = original.get(Number(row.source_line));
			expect(point, `line ${row.source_line}`).not.toBeUndefined();
			const cells = point ? [7, 8, 9].map((r) => latLngToCell(point[1], point[0], r)) : [null, null, null];
			expect([row.h3_r7, row.h3_r8, row.h3_r9], `line ${row.source_line}`).toEqual(cells);
			if (point) located++;
		}
		expect(located).toBeGreaterThan(800);
	}, 300_000);
});
