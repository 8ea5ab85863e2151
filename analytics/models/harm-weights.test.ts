import { describe, expect, it } from 'vitest';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';
import { harmWeightParams, harmWeightRows, type HarmWeightsModel } from './harm-weights';

const model = cchi as HarmWeightsModel;

describe('harmWeightRows', () => {
	it('gives one row per weighted category with the exclusion merged in', () => {
		const rows = harmWeightRows(model);
		expect(rows).toHaveLength(14);
		expect(rows.find((r) => r.category === 'Robbery')).toEqual({
			category: 'Robbery',
			weight: 365,
			basis: 'source',
			excluded: false,
			exclusion_reason: null
		});
		const drugs = rows.find((r) => r.category === 'Drugs')!;
		expect(drugs).toMatchObject({ weight: 3.66, excluded: true });
		expect(drugs.exclusion_reason).toMatch(/proactively/);
		expect(rows.find((r) => r.category === 'Anti-social behaviour')?.basis).toBe('floor');
		expect(harmWeightParams(drugs)).toEqual(['Drugs', 3.66, 'source', true, drugs.exclusion_reason]);
	});

	it('keeps an exclusion of an unweighted category as an excluded row with no weight', () => {
		const rows = harmWeightRows({ ...model, exclusions: [{ category: 'Fraud', reason: 'not recorded by police.uk' }] });
		expect(rows.at(-1)).toEqual({ category: 'Fraud', weight: null, basis: null, excluded: true, exclusion_reason: 'not recorded by police.uk' });
	});

	it.each([
		['a category weighted twice', { weights: [...model.weights, { category: 'Robbery', weight: 1, basis: 'source' as const }] }, /Robbery" has two weights/],
		['a category excluded twice', { exclusions: [...model.exclusions, ...model.exclusions] }, /Drugs" is excluded twice/],
		['a negative weight', { weights: [{ category: 'Robbery', weight: -1, basis: 'source' as const }] }, /weight of "Robbery"/]
	])('rejects %s', (_, change, message) => {
		expect(() => harmWeightRows({ ...model, ...change })).toThrow(message);
	});
});
