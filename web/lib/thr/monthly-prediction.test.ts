/**
 * The model card's and transparency record's account of the monthly forecast by area, over the
 * shipped extracts: the same figures and sentence as the Forecast page (forecastStreetAreas at the
 * page's default level, streetBaselineVerdict). Lancashire: per LSOA (its default level), the
 * seasonal mean wins and the sentence gives both MASEs; Chicago has no street records by area.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { forecastStreetAreas } from '../forecast/demand';
import { streetBaselineVerdict } from '../forecast/verdicts';
import { monthlyAreaPrediction, type OtherPredictions } from './other-predictions';
import { modelCard, otherPredictionsRecord } from './model-card';
import { readFileSync } from 'node:fs';
import type { ThrModel } from '$analytics/thr';
import type { HarmWeightsModel } from '$analytics/models/harm-weights';

const THR = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
const HARM = JSON.parse(readFileSync(THR.harm_weights.file, 'utf8')) as HarmWeightsModel;

let lancashire: NodeRunner;
let chicago: NodeRunner;
const removals: (() => void)[] = [];

beforeAll(async () => {
	[lancashire, chicago] = await Promise.all([createNodeRunner(), createNodeRunner()]);
	removals.push(await loadSampleSource(lancashire, 'lancashire-asb'), await loadSampleSource(chicago, 'chicago-assaults'));
}, 300_000);

afterAll(() => {
	lancashire?.close();
	chicago?.close();
	for (const remove of removals) remove();
});

describe('monthlyAreaPrediction', () => {
	it('Lancashire: the Forecast page default (LSOAs of the force area), with the page’s sentence, in the transparency record', async () => {
		const page = (await forecastStreetAreas(lancashire))!;
		const m = (await monthlyAreaPrediction(lancashire))!;
		const inside = await lancashire.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM force_area');
		expect(m).toMatchObject({ level: 'lsoa', areas: inside[0].n, force_area: 'Lancashire', train_end: '2022-12', forecast_month: '2023-01', method: page.method, baseline: "last month's count" });
		expect(m.verdict).toBe(streetBaselineVerdict(page));
		expect(m.verdict).toMatch(/^Better than last month's count in the backtest: its error \(MASE\) is \d+\.\d% lower/);
		const other: OtherPredictions = { hotspots: null, demand: { available: false, sentence: 'none' }, monthly: m };
		const record = otherPredictionsRecord(other) as { monthly_by_area: { verdict: string | null; description: string } };
		expect(record.monthly_by_area.verdict).toBe(m.verdict);
		expect(record.monthly_by_area.description).toContain(`in each of ${m.areas} LSOAs of the force area (Lancashire)`);
		// The Markdown card names the months as the page does ("Jan 2023", "Dec 2022"), never "2023-01".
		const md = modelCard({ model: THR, weights: HARM, result: null, fairness: null, extract: null, otherPredictions: other, generatedAt: '2026-01-01T00:00:00.000Z' }).markdown;
		expect(md).toContain(`Jan 2023, ${m.areas} LSOAs of the force area (Lancashire), trained on the months up to Dec 2022:`);
		const section = md.slice(md.indexOf('### Street records next month'), md.indexOf('## Transparency record'));
		expect(section).not.toMatch(/\b\d{4}-(0[1-9]|1[0-2])\b/);
	});

	it('Chicago: no street records by area, so null, and the record says so', async () => {
		expect(await monthlyAreaPrediction(chicago)).toBeNull();
		const record = otherPredictionsRecord({ hotspots: null, demand: { available: false, sentence: 'none' }, monthly: null }) as { monthly_by_area: { description: string } };
		expect(record.monthly_by_area.description).toBe('This data has no street records with an area, so no monthly forecast by area is made.');
	});
});
