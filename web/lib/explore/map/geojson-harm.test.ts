/**
 * The Map's GeoJSON export carries harm only where harm applies (harmApplies: street crime and
 * ASB on a value layer), as the table, CSV and hover text do. Over the City of London sample's
 * real rows: the stop and search layer's cells (by LSOA) had `harm: 0` in the export; they now
 * have no `harm` and the `clearsight` member says why, while the street layer keeps each cell's
 * harm (Σ records × CCHI weight, checked against SQL over the rows and the shipped weights).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../../scripts/lib/node-runner';
import { loadInput } from '../../../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../../../scripts/lib/sample';
import { cchiWeights } from '../../../../analytics/thr/fixtures.test-setup';
import { ensureHarmWeights } from '$analytics/thr';
import { cellValues, ensureAggregates } from '$analytics/explore/queries';
import { defaultFilters } from '$analytics/explore/filters';
import { buildCellLayer, harmApplies, layerGeoJson, NO_HARM_NOTE, type LayerMeta } from '$analytics/explore/map';
import { mapCellsOf } from './first-layer';

type Feature = { properties: Record<string, unknown> };

describe('GeoJSON export: harm only where it applies', () => {
	let city: NodeRunner;
	beforeAll(async () => {
		city = await createNodeRunner();
		await loadInput(city, ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'], { areas: SAMPLE_AREAS });
		await ensureAggregates(city);
		await ensureHarmWeights(city, cchiWeights());
	}, 300_000);
	afterAll(() => city?.close());

	const scheme = { method: 'quantile' as const, min: 0, breaks: [1e9], colours: ['#000000'] };
	const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]] as [number, number][]] };
	const meta: LayerMeta = { level: 'lsoa', measure: 'count', measureLabel: 'Count', filters: '', source: 'city-of-london', breaks: scheme.breaks, colours: scheme.colours };
	async function exported(dataset: 'incidents' | 'stop_search', mode: 'values' | 'hotspots') {
		const values = await cellValues(city, { ...defaultFilters(), dataset }, 'lsoa');
		const cells = mapCellsOf(values);
		const layer = buildCellLayer(cells, new Map(cells.map((c) => [c.id, square])), scheme);
		return JSON.parse(layerGeoJson(layer, { ...meta, harm: harmApplies(dataset, mode) })) as { clearsight: Record<string, unknown>; features: Feature[] };
	}

	it('the rule: street crime and ASB on a value layer only', () => {
		expect(harmApplies('incidents', 'values')).toBe(true);
		expect(harmApplies('incidents', 'hotspots')).toBe(false);
		expect(harmApplies('stop_search', 'values')).toBe(false);
		expect(harmApplies('events', 'values')).toBe(false);
	});

	it('stop and search: no cell carries harm, the records are the raw located searches, and the member says why', async () => {
		const out = await exported('stop_search', 'values');
		const [{ n }] = await city.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM stop_search WHERE lsoa_code IS NOT NULL');
		expect(n).toBeGreaterThan(0);
		expect(out.features.reduce((a, f) => a + (f.properties.records as number), 0)).toBe(n);
		for (const f of out.features) expect(f.properties).not.toHaveProperty('harm');
		expect(out.clearsight.harm).toBe(NO_HARM_NOTE);
		// Before: every cell said harm 0 (the layer's own figure, written out whatever the dataset).
		const values = await cellValues(city, { ...defaultFilters(), dataset: 'stop_search' }, 'lsoa');
		expect(new Set(values.map((v) => v.harm))).toEqual(new Set([0]));
	});

	it('street crime and ASB: every cell keeps its harm, Σ records × CCHI weight by SQL', async () => {
		const out = await exported('incidents', 'values');
		expect(out.clearsight).not.toHaveProperty('harm');
		const rows = await city.rows<{ lsoa: string; harm: number }>(
			`SELECT i.lsoa_code AS lsoa, sum(w.weight)::DOUBLE AS harm FROM incidents i JOIN harm_weights w ON w.category = i.category
			 WHERE i.lsoa_code IS NOT NULL AND NOT w.excluded AND w.weight IS NOT NULL GROUP BY 1`
		);
		const want = new Map(rows.map((r) => [r.lsoa, r.harm]));
		expect(out.features.length).toBeGreaterThan(0);
		for (const f of out.features) expect(f.properties.harm, String(f.properties.cell_id)).toBeCloseTo(want.get(f.properties.cell_id as string) ?? 0, 6);
	});
});
