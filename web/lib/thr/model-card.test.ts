import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ThrModel } from '../../../analytics/thr';
import type { HarmWeightsModel } from '../../../analytics/models/harm-weights';
import { modelCard } from './model-card';

const model = JSON.parse(readFileSync('models/thr/thr-v1.json', 'utf8')) as ThrModel;
const weights = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;

describe('modelCard', () => {
	const input = { model, weights, result: null, fairness: null, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' };

	it('is generated from the model file: components, weights, bands, exclusions with reasons, owner, limitations', () => {
		const { markdown } = modelCard(input);
		for (const c of model.components) expect(markdown).toContain(`| ${c.id} | ${c.label} |`);
		for (const b of model.bands) expect(markdown).toContain(`| ${b.label} | ${b.min_score} |`);
		for (const e of [...weights.exclusions, ...model.exclusions]) expect(markdown).toContain(e.category);
		expect(markdown).toContain(model.owner.name);
		for (const l of model.limitations) expect(markdown).toContain(l);
		for (const c of weights.caveats) expect(markdown).toContain(c);
	});

	it('carries the published model unchanged in the JSON, with a transparency record, and is reproducible', () => {
		const before = structuredClone(model);
		const { json } = modelCard(input);
		const card = JSON.parse(json);
		expect(card.model).toEqual(before);
		expect(model).toEqual(before);
		expect(card.transparency_record.tier_1.name).toBe(model.title);
		expect(card.transparency_record.tier_2.data.exclusions.map((e: { category: string }) => e.category)).toEqual(['Drugs', 'Possession of weapons']);
		expect(modelCard(input).json).toBe(json);
	});

	it('states how Risk is made: the v1 stand-in, and v2’s forecast with its method, history and backtest', () => {
		expect(modelCard(input).markdown).toContain('Risk (risk): mean-monthly-harm (stand-in): mean monthly harm over 6 months with a Poisson 80% interval.');
		const v2 = JSON.parse(readFileSync('models/thr/thr-v2.json', 'utf8')) as ThrModel;
		const card = modelCard({ ...input, model: v2 });
		expect(card.markdown).toContain(
			"Risk (risk): forecast of next month's harm by seasonal-mean, from up to 36 months of data to the assessment month only; 80% interval widened by the errors of a 6-origin rolling backtest."
		);
		const risk = JSON.parse(card.json).transparency_record.tier_2.tool_specification.components.find((c: { id: string }) => c.id === 'risk');
		expect(risk.risk).toEqual({ method: 'forecast', interval_level: 0.8, forecast: { method: 'seasonal-mean', history_months: 36, backtest_months: 6 } });
	});
});
