import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import cchi from '../../models/harm-weights/cchi-police-uk-v1.json';
import cchiV2 from '../../models/harm-weights/cchi-police-uk-v2.json';
import { createNodeRunner } from '../../scripts/lib/node-runner';
import { createHarmWeightTables, harmSubgroupWeightRows, harmWeightParams, harmWeightRows, servesReference, subgroupRollUp, type HarmWeightsModel } from './harm-weights';

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

describe('cchi-police-uk 2.0.0: subgroup weights', () => {
	const v2 = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v2.json', 'utf8')) as HarmWeightsModel;
	// The third party's file, parsed here independently of the model (no quoted fields in it).
	const csv = readFileSync(v2.subgroup_source!.file, 'utf8').trim().split(/\r?\n/);
	const header = csv[0].split(',');
	const source = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
	const categoryCsv = readFileSync(v2.source.file, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));

	it('lists the 23 subgroups of the source file with their CCHI days and national counts, in its order', () => {
		expect(header).toEqual(['category', 'prc_subgroup', 'cchi_days', 'national_count_2024_25']);
		expect(source).toHaveLength(23);
		expect(v2.subgroup_weights!.map((s) => [s.category, s.subgroup, s.weight, s.national_count])).toEqual(
			source.map((r) => [r.category, r.prc_subgroup, Number(r.cchi_days), Number(r.national_count_2024_25)])
		);
		expect(harmSubgroupWeightRows(v2).find((r) => r.subgroup === 'Residential burglary')).toEqual({ category: 'Burglary', subgroup: 'Residential burglary', weight: 273.5 });
	});

	it('refines 1.0.0: the same category weights and exclusions, so records without a subgroup weigh the same', () => {
		expect(v2.refines).toMatchObject({ id: model.id, version: model.version, file: 'models/harm-weights/cchi-police-uk-v1.json' });
		expect(harmWeightRows(v2)).toEqual(harmWeightRows(model));
		expect(servesReference({ id: 'cchi-police-uk', version: '1.0.0' }, v2)).toBe(true);
		expect(servesReference({ id: 'cchi-police-uk', version: '2.0.0' }, v2)).toBe(true);
		expect(servesReference({ id: 'cchi-police-uk', version: '2.0.0' }, model)).toBe(false);
		expect(servesReference({ id: 'cchi-police-uk', version: '1.1.0' }, v2)).toBe(false);
		expect(servesReference({ id: 'other', version: '1.0.0' }, { ...v2, id: 'other' })).toBe(false);
		expect(harmSubgroupWeightRows(model)).toEqual([]);
	});

	it('rolled up by national counts, the subgroup weights give the published category weights (to their 2 decimals)', () => {
		const rollUp = subgroupRollUp(v2);
		// Every category of the category file has subgroups; anti-social behaviour (not a crime) has none.
		expect([...rollUp.keys()].sort()).toEqual(categoryCsv.map(([c]) => c).sort());
		for (const [category, published] of categoryCsv) {
			const r = rollUp.get(category)!;
			// Σ count × days ÷ Σ count worked again here from the CSV rows, independently of subgroupRollUp.
			const rows = source.filter((s) => s.category === category);
			const byHand = rows.reduce((a, s) => a + Number(s.national_count_2024_25) * Number(s.cchi_days), 0) / rows.reduce((a, s) => a + Number(s.national_count_2024_25), 0);
			expect(r.weight).toBeCloseTo(byHand, 9);
			expect(Math.round(r.weight * 100) / 100).toBe(Number(published));
		}
		// Where the roll-up is not exact: the published values are rounded to 2 decimals.
		const inexact = categoryCsv
			.filter(([c, w]) => rollUp.get(c)!.weight !== Number(w))
			.map(([c, w]) => [c, Number(w), Number(rollUp.get(c)!.weight.toFixed(4))]);
		expect(inexact).toEqual([
			['Violence and sexual offences', 194.21, 194.2147],
			['Criminal damage and arson', 11.18, 11.1849],
			['Burglary', 244.68, 244.6836],
			['Drugs', 3.66, 3.658]
		]);
	});

	it.each([
		['a subgroup listed twice', (m: HarmWeightsModel) => ({ ...m, subgroup_weights: [...m.subgroup_weights!, m.subgroup_weights![0]] }), /has two weights/],
		['a subgroup of an unweighted category', (m: HarmWeightsModel) => ({ ...m, subgroup_weights: [{ category: 'Fraud', subgroup: 'Fraud offences', weight: 1 }] }), /no category weight/],
		['a negative subgroup weight', (m: HarmWeightsModel) => ({ ...m, subgroup_weights: [{ category: 'Burglary', subgroup: 'Residential burglary', weight: -1 }] }), /finite number ≥ 0/]
	])('rejects %s', (_, change, message) => {
		expect(() => harmSubgroupWeightRows(change(v2))).toThrow(message);
	});
});

describe('createHarmWeightTables', () => {
	it('holds exactly the rows of the model, every table in one statement', async () => {
		const runner = await createNodeRunner();
		try {
			const statements: string[] = [];
			const v2 = cchiV2 as HarmWeightsModel;
			await createHarmWeightTables({ exec: (sql, params) => (statements.push(sql), runner.exec(sql, params)) }, v2);
			// Two CREATE TABLE and two INSERT statements, whatever the number of rows.
			expect(statements).toHaveLength(4);
			const weights = await runner.rows(`SELECT category, weight, basis, excluded, exclusion_reason FROM harm_weights ORDER BY rowid`);
			expect(weights).toEqual(harmWeightRows(v2).map((r) => ({ ...r })));
			const subgroups = await runner.rows(`SELECT category, subgroup, weight FROM harm_subgroup_weights ORDER BY rowid`);
			expect(subgroups).toEqual(harmSubgroupWeightRows(v2).map((r) => ({ ...r })));
			expect(subgroups.length).toBeGreaterThan(0);
		} finally {
			runner.close();
		}
	});
});
