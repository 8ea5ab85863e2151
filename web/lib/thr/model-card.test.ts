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
});
