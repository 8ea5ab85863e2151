/**
 * The Map's study region named with the area set's own label: the City of London street records
 * built with the London LSOA shapefile read by MSOA11CD as the source's own areas, labelled
 * "Neighbourhoods" and declared the force area. The district level's region says "the force
 * area's 983 neighbourhoods" (the count worked by SQL over force_area's codes), never "districts"; the
 * Lancashire sample (no label, a force area of LSOAs) still says "districts that are the force
 * area's local authorities", counted by SQL over force_area and districts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBuildExtractsArgs } from '../../scripts/build-extracts';
import { buildExtracts, type BuildOptions } from '../../scripts/lib/extracts';
import { loadExtract } from '../../scripts/lib/load-input';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { SAMPLE_SOURCES } from '../../scripts/lib/sample';
import type { ExtractManifest } from '../ingest/extract-schema';
import { areaSetLabel } from './area-set';
import { regionBasis, studyRegion } from './study-region';

const dirs: string[] = [];
const runners: NodeRunner[] = [];

async function open(build: (out: string) => Promise<ExtractManifest>): Promise<{ runner: NodeRunner; manifest: ExtractManifest }> {
	const out = mkdtempSync(join(tmpdir(), 'clearsight-region-label-'));
	dirs.push(out);
	const manifest = await build(out);
	const runner = await createNodeRunner();
	runners.push(runner);
	await loadExtract(runner, out);
	return { runner, manifest };
}

afterAll(() => {
	for (const r of runners) r.close();
	for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the study region at the district level is named by the area set', () => {
	it("a force's own areas labelled Neighbourhoods: \"the force area's 983 neighbourhoods\"", async () => {
		const { runner, manifest } = await open(async (out) => {
			const parsed = parseBuildExtractsArgs([
				'--input', 'sample-data/police-uk/city-of-london/street', '--no-areas',
				'--districts', 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp', '--district-id', 'MSOA11CD',
				'--areas-label', 'Neighbourhoods', '--force-area', 'districts', '--force-name', 'London MSOAs',
				'--out', out, '--no-partitions'
			]);
			if (parsed === 'help' || parsed.sample) throw new Error('expected a build');
			const { sample: _, ...options } = parsed;
			return (await buildExtracts({ ...(options as BuildOptions), fingerprint: '' })).manifest;
		});
		const label = areaSetLabel(manifest);
		expect(label).toBe('Neighbourhoods');
		const [c] = await runner.rows<{ n: number }>('SELECT count(DISTINCT area_code)::INTEGER AS n FROM force_area');
		expect(Number(c.n)).toBe(983);
		// Every record inside the force area is in one of its areas, so none is added besides.
		const region = await studyRegion(runner, 'incidents', 'district');
		expect(region.districts).toEqual({ kind: 'force-area', count: Number(c.n), added: 0 });
		expect(regionBasis(region, label)).toBe("the force area's 983 neighbourhoods");
		expect(regionBasis(region, label)).not.toMatch(/district/i);
		// Without a label (an older page, a caller that passes none): the word it always used.
		expect(region.basis).toBe("the force area's 983 districts");
		// Other levels are not the area set: their words are unchanged.
		const lsoa = await studyRegion(runner, 'incidents', 'lsoa');
		expect(lsoa.districts).toBeUndefined();
		expect(regionBasis(lsoa, label)).toBe(lsoa.basis);
	}, 300_000);

	it('Lancashire (no label; a force area of LSOAs): its districts that are local authorities, as before', async () => {
		const { runner, manifest } = await open(async (out) => (await buildExtracts({ ...SAMPLE_SOURCES.find((s) => s.id === 'lancashire-asb')!.build, out })).manifest);
		const label = areaSetLabel(manifest);
		expect(label).toBe('Districts');
		const [c] = await runner.rows<{ n: number }>('SELECT count(DISTINCT district_id)::INTEGER AS n FROM districts WHERE district_id IN (SELECT lad_code FROM force_area)');
		expect(Number(c.n)).toBeGreaterThan(0);
		const region = await studyRegion(runner, 'incidents', 'district');
		expect(region.districts?.kind).toBe('local-authorities');
		expect(region.districts?.count).toBe(Number(c.n));
		const text = `the ${Number(c.n)} districts that are the force area's local authorities`;
		expect(regionBasis(region, label)).toBe(region.districts!.added > 0 ? `${text}, and ${region.districts!.added} more holding records located in it` : text);
		expect(region.basis).toBe(regionBasis(region, label));
		// The same region under a label: the label's plural, the same count.
		expect(regionBasis(region, 'Police beats')).toBe(regionBasis(region, label).replace('districts', 'police beats'));
	}, 300_000);
});
