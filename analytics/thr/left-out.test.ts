/**
 * The records a score leaves out, each counted once: the City of London street records built with
 * the London LSOA shapefile read by MSOA11CD as the source's own areas, which are also its force
 * area (`--force-area districts`). A located record in no area is then outside the force area AND
 * without a district: it must be counted as outside only, and "no location" must be the records
 * without coordinates. Expected figures are counted here with independent SQL over the base rows
 * (coordinates present or not, district or not) in each month's window, and over the whole table
 * the same definitions give the manifest's districts_info and force_area records. Scored by
 * district and by LSOA (from the base rows and from the pre-aggregate).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import type { ExtractManifest } from '../ingest/extract-schema';
import { cityMsoaExtract } from './fixtures.test-setup';
import { monthIndex, monthKey } from '../shared/months';
import { lookbackMonths, modelAtUnit, type ThrModel } from './model';
import { THR_AREA_MONTHS } from './area-months';
import { scoreMonths } from './score';

const model3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
const byDistrict = modelAtUnit(model3, 'district');
// thr-v3's longest window (Threat's baseline and recent months): 15 months to the assessment month (checked below against the model).
const WINDOW = 15;

let runner: NodeRunner;
let manifest: ExtractManifest;
let remove: (() => void) | undefined;

beforeAll(async () => {
	({ runner, manifest, remove } = await cityMsoaExtract(['--force-area', 'districts', '--force-name', 'London MSOAs']));
}, 600_000);

afterAll(() => remove?.());

/** Records in months [m − 14, m]: located in no area, and without coordinates, by SQL on the base rows. */
async function expected(m: number): Promise<{ outside: number; unplaced: number }> {
	const [r] = await runner.rows<{ outside: number; unplaced: number }>(
		`SELECT count(*) FILTER (WHERE longitude IS NOT NULL AND district_id IS NULL)::INTEGER AS outside,
		        count(*) FILTER (WHERE longitude IS NULL)::INTEGER AS unplaced
		 FROM incidents WHERE month_index BETWEEN ? AND ?`,
		[m - WINDOW + 1, m]
	);
	return { outside: Number(r.outside), unplaced: Number(r.unplaced) };
}

describe('records left out of a score, over a force area that is the source\'s own areas', () => {
	it('the window is thr-v3\'s 15 months and the build has records both outside every area and without a location', async () => {
		expect(lookbackMonths(model3)).toBe(WINDOW);
		expect(lookbackMonths(byDistrict)).toBe(WINDOW);
		const c = manifest.districts_info!.records.incidents!;
		expect(c.outside).toBeGreaterThan(0);
		expect(c.no_location).toBeGreaterThan(0);
		expect(manifest.force_area!.records.incidents).toEqual({ inside: c.inside, outside: c.outside, unplaced: c.no_location });
		// The same definitions as expected() below, over the whole table, give the manifest's figures.
		const [all] = await runner.rows<{ outside: number; unplaced: number }>(
			`SELECT count(*) FILTER (WHERE longitude IS NOT NULL AND district_id IS NULL)::INTEGER AS outside,
			        count(*) FILTER (WHERE longitude IS NULL)::INTEGER AS unplaced FROM incidents`
		);
		expect({ outside: Number(all.outside), unplaced: Number(all.unplaced) }).toEqual({ outside: c.outside, unplaced: c.no_location });
	});

	it.each([
		['district, from the base rows', byDistrict, 'incidents'],
		['LSOA, from the base rows', model3, 'incidents'],
		['LSOA, from the pre-aggregate', model3, THR_AREA_MONTHS]
	] as const)('by %s: outside the force area and with no location, each record once, equal to SQL per month', async (_, model, source) => {
		const [span] = await runner.rows<{ last: number }>('SELECT max(month_index)::INTEGER AS last FROM incidents');
		const last = Number(span.last);
		const months = [last - 12, last - 6, last].map(monthKey);
		const results = await scoreMonths(runner, { model, weights: JSON.parse(readFileSync(model.harm_weights.file, 'utf8')), months, source });
		expect(results).toHaveLength(3);
		for (const r of results) {
			const want = await expected(monthIndex(r.month));
			expect(want.outside).toBeGreaterThan(0);
			expect({ outside: r.scope.recordsOutside, unplaced: r.scope.recordsUnplaced }).toEqual(want);
		}
	}, 300_000);
});
