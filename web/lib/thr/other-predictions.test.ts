/**
 * The card's other predictions over real rows in native DuckDB: the City of London street sample
 * (monthly, no timestamped demand) and real Chicago assaults (district 1, timestamped). The card
 * must report what the pages' own functions compute at the pages' defaults (the analytics'
 * own tests show that nothing after each origin is read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadInput } from '../../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../../scripts/lib/sample';
import { EXTRACT_DATASETS } from '$analytics/ingest/extract-schema';
import { forecastDemand } from '../forecast/demand';
import { baselineVerdict } from '../forecast/verdicts';
import { defaultHotspotSettings } from '../forecast/hotspot-settings';
import { hotspotOffer, hotspotVerdicts, windowedHotspots } from '../forecast/hotspot-windows';
import { demandPrediction, hotspotPredictions } from './other-predictions';

let city: NodeRunner;
let chicago: NodeRunner;

beforeAll(async () => {
	city = await createNodeRunner();
	await loadInput(city, ['sample-data/police-uk/city-of-london/street'], { areas: SAMPLE_AREAS });
	chicago = await createNodeRunner();
	const events = EXTRACT_DATASETS.find((d) => d.name === 'events')!;
	await chicago.exec(`CREATE TABLE events (${events.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
	await chicago.exec(
		`INSERT INTO events (occurred_at, month, month_index, longitude, latitude, category, area_code)
		 SELECT ts, strftime(ts, '%Y-%m'), year(ts) * 12 + month(ts) - 1, longitude, latitude, 'Aggravated assault', CAST(district AS VARCHAR)
		 FROM (SELECT CAST(date AS TIMESTAMP) AS ts, * FROM read_csv('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz'))
		 WHERE ts >= TIMESTAMP '2016-01-01' AND district = 1`
	);
}, 120_000);
afterAll(() => {
	city?.close();
	chicago?.close();
});

describe('hot spots on the City of London street sample', () => {
	it('the Accuracy page defaults (next month, LSOA) at 5% and 10%, with the page’s verdicts', async () => {
		const h = (await hotspotPredictions(city))!;
		const offer = (await hotspotOffer(city))!;
		expect(h).toMatchObject({ table: 'incidents', level: 'lsoa', level_label: 'LSOA', window: 'Next month', study_region: 'the force area, City of London' });
		expect(h.budgets.map((b) => b.budget_share)).toEqual([0.05, 0.1]);
		for (const b of h.budgets) {
			const page = await windowedHotspots(city, offer, { ...defaultHotspotSettings(offer), budget: { share: b.budget_share } });
			expect(h.origins).toEqual(page.evaluation.origins);
			expect(b.methods.map((m) => [m.method, m.pai])).toEqual(page.evaluation.rows.map((r) => [r.method, r.pai]));
			expect(b.verdicts.map((v) => v.sentence)).toEqual(hotspotVerdicts(page.evaluation).map((v) => v.sentence));
			// The methods of the page by default: the blend and the three baselines (no self-exciting model on monthly records).
			expect(b.methods.map((m) => m.method)).toEqual(['eb-blend', 'last-period', 'last-year', 'kde']);
			// A verdict says "beats every baseline" exactly when every PAI gain is positive.
			const blend = b.methods.find((m) => m.method === 'eb-blend')!.pai!;
			const beats = b.methods.filter((m) => m.baseline).every((m) => blend > m.pai!);
			expect(b.verdicts[0].beats_all).toBe(beats);
		}
	});

	it('no timestamped demand: one line, naming the monthly forecast by area', async () => {
		const d = await demandPrediction(city);
		expect(d).toEqual({
			available: false,
			sentence: 'This data has no incidents or calls for service with a date and time, so no hourly demand forecast is made. Its street records are monthly: the Forecast page forecasts next month by area instead.'
		});
	});
});

describe('hourly demand on real Chicago assaults (district 1, 2016–2017)', () => {
	it('the Forecast page’s default forecast: chosen method, its MASE against the 8-week mean with the page’s sentence, interval coverage', async () => {
		const d = await demandPrediction(chicago);
		const page = (await forecastDemand(chicago, { source: 'events', weeks: 2, method: 'auto' }))!;
		const scores = page.backtest!.scores;
		const score = scores.find((s) => s.method === page.forecast.method)!;
		const base = scores.find((s) => s.method === 'seasonal-mean')!;
		expect(d.available).toBe(true);
		if (!d.available) return;
		expect(d).toMatchObject({ series: 'Incidents and calls for service', weeks_ahead: 2, method: page.forecast.method, backtest_origins: 6, history_end: page.history.end });
		expect(d.mase).toBe(score.mase);
		expect(d.baseline_mase).toBe(base.mase);
		expect(d.coverage80).toBe(score.coverage80);
		expect(d.coverage95).toBe(score.coverage95);
		expect(d.verdict).toBe(baselineVerdict(score, base, scores));
		expect(d.verdict).toMatch(/mean of the same hour over the last 8 weeks/);
		// The history is whole Monday–Sunday weeks: it ends on the last Sunday whose day is complete in the data.
		const [last] = await chicago.rows<{ d: string }>(`SELECT strftime(max(occurred_at), '%Y-%m-%d') AS d FROM events`);
		expect(new Date(`${d.history_end}T00:00:00Z`).getUTCDay()).toBe(0);
		expect(d.history_end <= last.d).toBe(true);
		expect(Date.parse(last.d) - Date.parse(d.history_end)).toBeLessThan(7 * 86_400_000);
	});

});
