/**
 * The Data page's "Records outside the force area" queries over the real City of London street
 * records, built by the extract builder (which declares the force the records fall within:
 * City of London Police). Expected figures: SQL written here over the incident rows, with the
 * City's LSOAs read from IMD 2019 File_1 (local authority E09000001), not the builder's flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadInput, type LoadedInput } from '../../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../../scripts/lib/sample';
import { toCsv } from '$analytics/export/csv';
import { OUTSIDE_COLUMNS, outsideHref, outsidePage, outsideRows, outsideSummary } from './outside';

const STREET = 'sample-data/police-uk/city-of-london/street';
const NOT_IN_CITY = `NOT coalesce(lsoa_code IN (SELECT "LSOA code (2011)" FROM read_csv('${SAMPLE_AREAS.imdFile}', header = true, all_varchar = true) WHERE "Local Authority District code (2019)" = 'E09000001'), false)`;

let runner: NodeRunner;
let loaded: LoadedInput;
let expectedOutside = 0;

beforeAll(async () => {
	runner = await createNodeRunner();
	loaded = await loadInput(runner, [STREET], { areas: SAMPLE_AREAS });
	const [r] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM incidents WHERE longitude IS NOT NULL AND ${NOT_IN_CITY}`);
	expectedOutside = Number(r.n);
}, 120_000);

afterAll(() => runner?.close());

describe('records outside the force area', () => {
	it('names the force area and counts inside, outside and no location; they add up to every record', async () => {
		const s = await outsideSummary(runner, loaded.manifest);
		expect(s.forceArea?.name).toMatch(/City of London/);
		expect(s.forceArea?.areaCodes).toHaveLength(6);
		expect(s.placement.map((p) => p.dataset)).toEqual(['incidents']);
		const [p] = s.placement;
		const [raw] = await runner.rows<{ all: number; unplaced: number }>('SELECT count(*) AS all, count(*) FILTER (WHERE longitude IS NULL) AS unplaced FROM incidents');
		expect(p.outside).toBe(expectedOutside);
		expect(p.outside).toBeGreaterThan(0);
		expect(p.unplaced).toBe(Number(raw.unplaced));
		expect(p.inside + p.outside + p.unplaced).toBe(Number(raw.all));
		expect(p.total).toBe(Number(raw.all));
	});

	it('pages through the outside records in month, file, line order', async () => {
		const first = await outsidePage(runner, 'incidents', { limit: 25, offset: 0 });
		expect(first.matching).toBe(expectedOutside);
		expect(first.rows).toHaveLength(Math.min(25, expectedOutside));
		const all = await outsideRows(runner, 'incidents');
		expect(all).toHaveLength(expectedOutside);
		expect(first.rows).toEqual(all.slice(0, 25));
		const second = await outsidePage(runner, 'incidents', { limit: 25, offset: 25 });
		expect(second.rows).toEqual(all.slice(25, 50));
		const keys = all.map((r) => `${r.month}|${r.source_file}|${String(r.source_line).padStart(8, '0')}`);
		expect([...keys].sort()).toEqual(keys);
		// Every row is a located record in an LSOA that is not one of the City's.
		const lsoas = new Set(all.map((r) => r.area_code));
		const city = await runner.rows<{ c: string }>(
			`SELECT "LSOA code (2011)" AS c FROM read_csv('${SAMPLE_AREAS.imdFile}', header = true, all_varchar = true) WHERE "Local Authority District code (2019)" = 'E09000001'`
		);
		for (const c of city) expect(lsoas.has(c.c)).toBe(false);
		expect(all.every((r) => r.longitude !== null && r.latitude !== null)).toBe(true);
	});

	it('downloads as CSV with one line per outside record and the header first', async () => {
		const csv = toCsv(await outsideRows(runner, 'incidents'), OUTSIDE_COLUMNS);
		const lines = csv.trimEnd().split('\r\n');
		expect(lines[0]).toBe(OUTSIDE_COLUMNS.join(','));
		expect(lines).toHaveLength(expectedOutside + 1);
	});

	it('links to the section keeping the data source', () => {
		expect(outsideHref('/data', 'city-of-london')).toBe('/data?source=city-of-london#outside');
		expect(outsideHref('/data', null)).toBe('/data#outside');
	});
});
