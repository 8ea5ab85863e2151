/**
 * Exchanged coordinate columns are noticed, never mended: real Lancashire anti-social behaviour
 * rows (the first 2,000 of the sample) written with their coordinate columns exchanged, in British
 * National Grid and in WGS 84 (swapped-axes-fixture.ts), with the Lancashire districts as the area set.
 * Each build reports the file (build log, manifest districts_info.swapped_axes) with its counts and
 * the fix, and leaves the records where the file puts them; built again with the suggested
 * `--columns`, the records land in the districts and nothing is reported; the correctly written
 * file is never reported. The count "would be inside" equals the districts' records in the build
 * with the fix, an independent placement of the same points.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BNG_CODE } from '../../analytics/ingest/crs';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { DATASET_LABELS, datasetLabels } from '../../analytics/explore/filters';
import { noLsoaReason, recordAreaLevels } from '../../analytics/explore/area-set';
import { createNodeRunner } from './node-runner';
import { loadExtract } from './load-input';
import { exceptionReport, type ExceptionModel } from '../../analytics/exceptions';
import exceptionsFile from '../../models/exceptions/exceptions-v1.json';

const exceptionsModel = exceptionsFile as unknown as ExceptionModel;
import { parseBuildExtractsArgs } from '../build-extracts';
import { buildExtracts, districtsLines, type BuildOptions } from './extracts';
import { tempDirs } from './extract-test-utils';
import { LANCASHIRE_DISTRICTS, writeSwappedAxes } from './swapped-axes-fixture';

const tempDir = tempDirs('clearsight-swapped-axes-');
const ROWS = 2000;

async function build(dir: string, file: string, extra: string[]): Promise<ExtractManifest> {
	const out = join(dir, 'out');
	const parsed = parseBuildExtractsArgs([
		'--input', file, '--no-areas', '--format', 'month-incidents', '--constant', 'category=Anti-social behaviour',
		'--districts', LANCASHIRE_DISTRICTS, ...extra, '--out', out, '--no-partitions'
	]);
	if (parsed === 'help' || parsed.sample) throw new Error('expected a build');
	const { sample: _, ...options } = parsed;
	const { manifest } = await buildExtracts({ ...(options as BuildOptions), fingerprint: '' });
	built.set(manifest, out);
	return manifest;
}

/** Each build's extract folder. */
const built = new Map<ExtractManifest, string>();

describe('exchanged coordinate columns against the Lancashire districts', () => {
	let swappedBng: ExtractManifest;
	let fixedBng: ExtractManifest;
	let rightBng: ExtractManifest;
	let swappedWgs: ExtractManifest;
	let fixedWgs: ExtractManifest;
	beforeAll(async () => {
		const { swapped, right, degrees } = writeSwappedAxes(tempDir(), ROWS);
		swappedBng = await build(tempDir(), swapped, ['--crs', BNG_CODE]);
		fixedBng = await build(tempDir(), swapped, ['--crs', BNG_CODE, '--columns', 'x=Northing,y=Easting']);
		rightBng = await build(tempDir(), right, ['--crs', BNG_CODE]);
		swappedWgs = await build(tempDir(), degrees, []);
		fixedWgs = await build(tempDir(), degrees, ['--columns', 'x=Latitude,y=Longitude']);
	}, 600_000);

	it('British National Grid: every record lands outside the districts, and the file is reported with its counts and the fix', () => {
		const info = swappedBng.districts_info!;
		expect(info.records.incidents).toEqual({ records: ROWS, inside: 0, outside: ROWS, no_location: 0 });
		const inside = fixedBng.districts_info!.records.incidents!.inside;
		expect(inside).toBeGreaterThan(ROWS / 2);
		expect(info.swapped_axes).toEqual([
			{
				dataset: 'incidents',
				file: 'asb-swapped.csv',
				crs: 'British National Grid',
				x_column: 'Easting',
				y_column: 'Northing',
				located: ROWS,
				outside: ROWS,
				checked: ROWS,
				inside_if_swapped: inside
			}
		]);
		const line = districtsLines(info).find((l) => l.includes('look exchanged'));
		expect(line).toContain(`asb-swapped.csv (incidents, British National Grid): 2,000 of 2,000 located records are outside every area, but ${inside.toLocaleString('en-GB')} of the 2,000 tried would be inside one`);
		expect(line).toContain('(--columns x=Northing,y=Easting, or exchange them in the mapping step). Nothing was swapped.');
	});

	it('the fix places the records and reports nothing; the correctly written file is never reported and places them the same', () => {
		expect(fixedBng.districts_info!.swapped_axes).toBeUndefined();
		expect(rightBng.districts_info!.swapped_axes).toBeUndefined();
		expect(rightBng.districts_info!.records).toEqual(fixedBng.districts_info!.records);
		expect(fixedBng.districts_info!.records.incidents!.outside).toBe(ROWS - fixedBng.districts_info!.records.incidents!.inside);
	});

	it('WGS 84: latitudes under "Longitude" are reported the same way, and read the other way round they land in the districts', () => {
		const inside = fixedWgs.districts_info!.records.incidents!.inside;
		expect(inside).toBe(fixedBng.districts_info!.records.incidents!.inside);
		expect(swappedWgs.districts_info!.records.incidents).toEqual({ records: ROWS, inside: 0, outside: ROWS, no_location: 0 });
		expect(swappedWgs.districts_info!.swapped_axes).toMatchObject([
			{ file: 'asb-degrees.csv', x_column: 'Longitude', y_column: 'Latitude', located: ROWS, outside: ROWS, checked: ROWS, inside_if_swapped: inside }
		]);
		expect(fixedWgs.districts_info!.swapped_axes).toBeUndefined();
	});

	it('records placed in the districts by their coordinates carry no LSOAs: only the districts are offered, and the pages say why', async () => {
		const runner = await createNodeRunner();
		try {
			await loadExtract(runner, built.get(rightBng)!);
			expect(await recordAreaLevels(runner)).toEqual({ lsoa: false, district: true });
			const [n] = await runner.rows<{ lsoa: number; district: number }>('SELECT count(lsoa_code) AS lsoa, count(district_id) AS district FROM incidents');
			expect([Number(n.lsoa), Number(n.district)]).toEqual([0, rightBng.districts_info!.records.incidents!.inside]);
			// The exceptions are tested by the districts, not by (absent) LSOAs; this extract has no force area.
			const month = rightBng.datasets.find((d) => d.name === 'incidents')!.date_range!.first.slice(0, 7);
			const report = await exceptionReport(runner, { model: exceptionsModel, dataset: 'incidents', period: { from: month, to: month } });
			expect(rightBng.force_area?.method ?? 'none').toBe('none');
			expect(report.level).toBe('district');
		} finally {
			runner.close();
		}
		expect(noLsoaReason('Districts')).toBe(
			"LSOAs are not offered: no record carries an LSOA code (the files gave none, and no LSOA boundaries were given to place the records by their coordinates), so the areas here are the districts of the source's boundary file or the Map's H3 hexagons."
		);
	});

	it('a file whose header says neither CAD nor RMS (Month, Easting, Northing) keeps the police.uk labels', () => {
		expect(swappedBng.sources.map((s) => s.export)).toEqual([undefined]);
		expect(datasetLabels(swappedBng.sources)).toEqual(DATASET_LABELS);
	});
});
