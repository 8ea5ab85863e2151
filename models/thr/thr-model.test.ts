/**
 * THR model files are data validated by models/schema/thr-model.schema.json (JSON Schema 2020-12,
 * Ajv strict mode); every schema property is described; each file references a harm weight
 * table that exists with that id and version, and passes the engine's own checks.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { bandMeaning, thrModelProblems, type ThrModel } from '../../analytics/thr/model';
import type { HarmWeightsModel } from '../../analytics/models/harm-weights';
import { undescribedProperties } from '../schema/undescribed';

const SCHEMA_FILE = 'models/schema/thr-model.schema.json';
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
const modelFiles = readdirSync('models/thr').filter((f) => f.endsWith('.json'));
const read = (file: string) => JSON.parse(readFileSync(join('models/thr', file), 'utf8')) as ThrModel;

/** Every property of every (sub)schema, wherever it sits ($defs, allOf/then, items …), must have a description. */

describe('THR models', () => {
	const ajv = new Ajv2020({ allErrors: true, strict: true });
	const validate = ajv.compile(schema);

	it('has the published model files', () => expect(modelFiles).toEqual(expect.arrayContaining(['thr-v1.json', 'thr-v2.json', 'thr-v3.json'])));

	it.each(modelFiles)('%s passes the schema', (file) => {
		const ok = validate(read(file));
		expect(validate.errors ?? []).toEqual([]);
		expect(ok).toBe(true);
	});

	it.each(modelFiles)('%s references a harm weight table that exists with that id and version', (file) => {
		const model = read(file);
		expect(existsSync(model.harm_weights.file)).toBe(true);
		const table = JSON.parse(readFileSync(model.harm_weights.file, 'utf8')) as HarmWeightsModel;
		expect([table.id, table.version]).toEqual([model.harm_weights.id, model.harm_weights.version]);
		expect(thrModelProblems(model, table)).toEqual([]);
	});

	it.each(modelFiles)('%s: the changelog starts with the current version', (file) => {
		const model = read(file);
		expect(model.changelog[0].version).toBe(model.version);
	});

	it('every schema property has a description', () => {
		expect(undescribedProperties(schema)).toEqual([]);
	});

	const v1 = read('thr-v1.json');
	const threat = v1.components.findIndex((c) => c.kind === 'threat');
	const harm = v1.components.findIndex((c) => c.kind === 'harm');
	const withComponent = (i: number, change: Record<string, unknown>, drop: string[] = []) => {
		const components = structuredClone(v1.components) as unknown as Record<string, unknown>[];
		components[i] = { ...components[i], ...change };
		for (const key of drop) delete components[i][key];
		return { ...v1, components };
	};

	it.each([
		['an unknown top-level property', { ...v1, surprise: true }],
		['a missing owner', (({ owner: _, ...rest }) => rest)(v1)],
		['a threat component without recent_months', withComponent(threat, {}, ['recent_months'])],
		['a harm component with a threat-only property', withComponent(harm, { recent_months: 3 })],
		['a component weight above 1', withComponent(harm, { weight: 1.5 })],
		['an unknown component kind', withComponent(harm, { kind: 'hotspot' })],
		['an unknown tie handling', withComponent(harm, { normalisation: { method: 'percentile-rank', ties: 'random' } })],
		['a fractional window', withComponent(harm, { window_months: 1.5 })],
		['a band above 1', { ...v1, bands: [{ ...v1.bands[0], min_score: 1.2 }, ...v1.bands.slice(1)] }],
		['an exclusion without a reason', { ...v1, exclusions: [{ category: 'Robbery' }] }],
		['an area unit the engine does not know', { ...v1, scope: { ...v1.scope, area_unit: 'ward' } }]
	])('the schema rejects %s', (_, model) => {
		expect(validate(model)).toBe(false);
	});

	it.each([
		['weights that do not sum to 1', { ...v1, components: v1.components.map((c) => ({ ...c, weight: 0.5 })) }, /sum to 1\.5/],
		['a tie rule that does not end with area_id', { ...v1, tie_rule: { ...v1.tie_rule, order: v1.tie_rule.order.slice(0, 2) } }, /end with area_id/],
		['bands out of order', { ...v1, bands: [v1.bands[1], v1.bands[0], v1.bands[2]] }, /highest first/],
		['a last band above 0', { ...v1, bands: v1.bands.slice(0, 2) }, /must start at 0/],
		['an unknown flag band', { ...v1, flag_band: 'red' }, /flag_band/],
		['a baseline-less threat', withComponent(threat, { recent_months: 15 }) as unknown as ThrModel, /leaving a baseline/],
		['a reserved component id', withComponent(harm, { id: 'score' }) as unknown as ThrModel, /reserved/]
	])('the engine refuses %s (beyond the schema)', (_, model, message) => {
		expect(thrModelProblems(model as ThrModel).join('\n')).toMatch(message);
	});

	it('the engine refuses a weight table other than the referenced one, and a repeated exclusion', () => {
		const table = JSON.parse(readFileSync(v1.harm_weights.file, 'utf8')) as HarmWeightsModel;
		expect(thrModelProblems(v1, { ...table, version: '2.0.0' }).join('\n')).toMatch(/uses harm weights cchi-police-uk 1\.0\.0/);
		const repeated = { ...v1, exclusions: [...v1.exclusions, { category: 'Drugs', reason: 'already excluded by the table' }] };
		expect(thrModelProblems(repeated, table).join('\n')).toMatch(/already excluded by the harm weight table/);
	});

	describe('thr-v2: Risk from the forecasting models', () => {
		const v2 = read('thr-v2.json');
		const risk = v2.components.findIndex((c) => c.kind === 'risk');
		const withRisk = (change: Record<string, unknown>, drop: string[] = []) => {
			const components = structuredClone(v2.components) as unknown as Record<string, unknown>[];
			components[risk] = { ...components[risk], ...change };
			for (const key of drop) delete components[risk][key];
			return { ...v2, components } as unknown as ThrModel;
		};
		const forecast = (v2.components[risk] as unknown as { forecast: Record<string, unknown> }).forecast;

		it('differs from v1 only in Risk, the texts and the version (Harm, Threat, weights, exclusions, bands, tie rule unchanged)', () => {
			const strip = (m: ThrModel) => ({ ...m, version: '', title: '', description: '', limitations: [], changelog: [], components: m.components.filter((c) => c.kind !== 'risk') });
			expect(strip(v2)).toEqual(strip(v1));
			expect(v2.components[risk]).toMatchObject({ method: 'forecast', forecast: { method: 'seasonal-mean', history_months: 36, backtest_months: 6 }, interval_level: 0.8, weight: 0.3 });
			expect(v2.changelog.map((c) => c.version)).toEqual(['2.0.0', '1.0.0']);
		});

		it.each([
			['an unknown forecasting method', withRisk({ forecast: { ...forecast, method: 'arima' } })],
			['a forecast without history_months', withRisk({ forecast: { method: 'auto', backtest_months: 6 } })],
			['an unknown forecast property', withRisk({ forecast: { ...forecast, smoothing: 0.5 } })],
			['an unknown Risk method', withRisk({ method: 'crystal-ball' })]
		])('the schema rejects %s', (_, model) => {
			expect(validate(model)).toBe(false);
		});

		it.each([
			['method forecast without a forecast block', withRisk({}, ['forecast']), /needs a forecast block/],
			['a forecast block on the stand-in', withRisk({ method: 'mean-monthly-harm' }), /only applies to method 'forecast'/],
			['a backtest as long as the history', withRisk({ forecast: { ...forecast, history_months: 6 } }), /backtest_months \(6\) must be a whole number from 1 to history_months − 2 \(4\)/],
			['candidates with a fixed method', withRisk({ forecast: { ...forecast, candidates: ['poisson'] } }), /candidates only applies/]
		])('the engine refuses %s', (_, model, message) => {
			expect(validate(model)).toBe(true);
			expect(thrModelProblems(model).join('\n')).toMatch(message);
		});
	});

	describe('thr-v3: force area, magnitudes, credible threat, cumulative bands', () => {
		const v2 = read('thr-v2.json');
		const v3 = read('thr-v3.json');
		const threat = v3.components.findIndex((c) => c.kind === 'threat');
		const withThreat = (change: Record<string, unknown>, drop: string[] = []) => {
			const components = structuredClone(v3.components) as unknown as Record<string, unknown>[];
			components[threat] = { ...components[threat], ...change };
			for (const key of drop) delete components[threat][key];
			return { ...v3, components } as unknown as ThrModel;
		};

		it('keeps v2’s components, windows, weights, exclusions, Risk forecast and tie rule', () => {
			const same = (m: ThrModel) => ({
				weights: m.components.map((c) => [c.id, c.kind, c.window_months, c.weight]),
				exclusions: m.exclusions,
				risk: m.components.find((c) => c.kind === 'risk'),
				harm_weights: m.harm_weights,
				tie_rule: m.tie_rule.order,
				flag_band: m.flag_band,
				bandIds: m.bands.map((b) => b.id)
			});
			const riskOf = (m: ThrModel) => {
				const { description: _d, normalisation: _n, ...rest } = m.components.find((c) => c.kind === 'risk')!;
				return rest;
			};
			expect({ ...same(v3), risk: riskOf(v3) }).toEqual({ ...same(v2), risk: riskOf(v2) });
			expect(v3.scope).toEqual({ area_unit: 'lsoa', areas: 'force-area' });
			expect(v3.components.map((c) => c.normalisation)).toEqual(Array(3).fill({ method: 'magnitude', reference: 'largest-12-month-harm' }));
			expect(v3.components[threat]).toMatchObject({ recent_months: 3, excess: { method: 'rate-ratio-lower-bound', confidence_level: 0.95, min_baseline_months: 3 } });
			expect(v3.band_rule?.method).toBe('cumulative-expected-harm');
			expect(v3.bands.map((b) => [b.id, b.cumulative_share])).toEqual([['high', 0.5], ['medium', 0.8], ['low', 1]]);
			expect(v3.changelog.map((c) => c.version)).toEqual(['3.0.0', '2.0.0', '1.0.0']);
			expect(v3.changelog[0].change).toMatch(/none was tuned on any evaluation month/);
		});

		it('every band says what it means, in a sentence; v1 and v2 bands are worded from their thresholds', () => {
			expect(bandMeaning(v3, 'high')).toBe(v3.bands[0].meaning);
			expect(bandMeaning(v3, 'high')).toMatch(/^High: the fewest top-ranked areas that together hold half of the force's expected harm next month \(the 'power few': Sherman 2007; Weinborn et al\. 2017\)\.$/);
			for (const b of v3.bands) expect(bandMeaning(v3, b.id).startsWith(`${b.label}: `)).toBe(true);
			expect(bandMeaning(v2, 'high')).toBe('High: a score of at least 0.75 (scores run from 0 to 1).');
			expect(bandMeaning(v2, 'medium')).toBe('Medium: a score of at least 0.5 and below 0.75 (scores run from 0 to 1).');
			expect(bandMeaning(v2, 'low')).toBe('Low: a score below 0.5 (scores run from 0 to 1).');
			expect(() => bandMeaning(v2, 'red')).toThrow(/no band "red"/);
		});

		it.each([
			['a threat with neither shrinkage nor excess', withThreat({}, ['excess'])],
			['an excess with an unknown method', withThreat({ excess: { method: 'bayes', confidence_level: 0.95, min_baseline_months: 3 } })],
			['a confidence level of 1', withThreat({ excess: { method: 'rate-ratio-lower-bound', confidence_level: 1, min_baseline_months: 3 } })],
			['magnitude without its reference', withThreat({ normalisation: { method: 'magnitude' } })],
			['magnitude with ties', withThreat({ normalisation: { method: 'magnitude', reference: 'largest-12-month-harm', ties: 'mid-rank' } })],
			['a band with both rules', { ...v3, bands: [{ ...v3.bands[0], min_score: 0.75 }, ...v3.bands.slice(1)] }],
			['a band with neither rule', { ...v3, bands: [(({ cumulative_share: _, ...b }) => b)(v3.bands[0]), ...v3.bands.slice(1)] }],
			['an unknown band rule', { ...v3, band_rule: { method: 'top-ten', description: 'The ten highest scores.' } }],
			['an unknown scope', { ...v3, scope: { ...v3.scope, areas: 'everywhere' } }]
		])('the schema rejects %s', (_, model) => {
			expect(validate(model)).toBe(false);
		});

		it.each([
			['both shrinkage and excess', withThreat({ shrinkage: { method: 'gamma-poisson-moments' } }), /exactly one of shrinkage/],
			['a baseline minimum longer than the baseline', withThreat({ excess: { method: 'rate-ratio-lower-bound', confidence_level: 0.95, min_baseline_months: 13 } }), /min_baseline_months \(13\)/],
			['magnitude on a shrunk ratio', withThreat({ shrinkage: { method: 'gamma-poisson-moments' } }, ['excess']), /needs a Threat in CCHI days/],
			['shares out of order', { ...v3, bands: [v3.bands[1], v3.bands[0], v3.bands[2]] }, /larger cumulative_share/],
			['a last share below 1', { ...v3, bands: [v3.bands[0], { ...v3.bands[1], cumulative_share: 0.9 }, { ...v3.bands[2], cumulative_share: 0.95 }] }, /cumulative_share 1/],
			['threshold bands under the cumulative rule', { ...v3, bands: v2.bands }, /needs a cumulative_share and no min_score/],
			['cumulative bands without the rule', (({ band_rule: _, ...m }) => m)(v3), /need a min_score and no cumulative_share/]
		])('the engine refuses %s', (_, model, message) => {
			expect(thrModelProblems(model as ThrModel).join('\n')).toMatch(message);
		});
	});
});
