/**
 * Records without a location under the Map and Time filters, against a real DuckDB over the
 * real City of London street files: they count in the summary line's total but sit in no cell,
 * LSOA or district, so the line says how many. Expected values: the README's published figure
 * for the whole sample (1,171 street records without a location) and a count over the base rows
 * written here independently for a period and categories.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { createAggregateTables } from './aggregates';
import { defaultFilters } from './filters';
import { monthCategoryCounts, withoutLocationCount } from './queries';

const STREET = 'sample-data/police-uk/city-of-london/street';

let runner: NodeRunner;

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [STREET], { areas: SAMPLE_AREAS });
	await createAggregateTables(runner);
});

afterAll(async () => {
	await runner?.close();
});

describe('withoutLocationCount', () => {
	it('the whole sample: 1,171 street records have no location, inside the summary total', async () => {
		const f = defaultFilters();
		expect(await withoutLocationCount(runner, f)).toBe(1171);
		expect((await monthCategoryCounts(runner, f)).total).toBe(18206);
	});

	it('follows the period and the categories', async () => {
		const f = { ...defaultFilters(), from: '2018-06', to: '2018-11', categories: ['Other theft', 'Shoplifting'] };
		const [r] = await runner.rows<{ n: number }>(
			"SELECT count(*) AS n FROM incidents WHERE month BETWEEN '2018-06' AND '2018-11' AND category IN ('Other theft', 'Shoplifting') AND (longitude IS NULL OR latitude IS NULL)"
		);
		expect(Number(r.n)).toBeGreaterThan(0);
		expect(await withoutLocationCount(runner, f)).toBe(Number(r.n));
	});

	it('is 0 with an area selected: a selection holds only located records', async () => {
		const [a] = await runner.rows<{ c: string }>('SELECT lsoa_code AS c FROM incidents WHERE lsoa_code IS NOT NULL LIMIT 1');
		expect(await withoutLocationCount(runner, { ...defaultFilters(), area: { level: 'lsoa', ids: [a.c] } })).toBe(0);
	});
});
