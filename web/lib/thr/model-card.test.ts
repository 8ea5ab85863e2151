import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreResult, ThrModel } from '$analytics/thr';
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import { harmStatement, harmVerdicts, SMALLEST_LEAD, WIN_LEVEL, type HarmAccuracy, type MethodEvaluation } from '$analytics/hotspots';
import { fairnessUnavailable, modelCard, stopSearchCardTable } from './model-card';
import { fairnessSummary } from '$analytics/thr/fairness';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { disproportionality } from '$analytics/stop-search';
import { scoreMonth } from '$analytics/thr';
import { readableWarning } from './reading';
import type { DisproportionalityResult } from '$analytics/stop-search/types';
import type { BacktestScore } from '$analytics/forecast';
import type { WindowEvaluation } from '$analytics/hotspots/windows';
import { hotspotVerdicts } from '../forecast/hotspot-windows';
import { baselineVerdict, coverageNote } from '../forecast/verdicts';
import { noDemandSentence, type OtherPredictions } from './other-predictions';

const model = JSON.parse(readFileSync('models/thr/thr-v1.json', 'utf8')) as ThrModel;
const weights = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;

describe('modelCard', () => {
	const input = { model, weights, result: null, fairness: null, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' };

	it('is generated from the model file: components, weights, bands, exclusions with reasons, owner, limitations', () => {
		const { markdown } = modelCard(input);
		for (const c of model.components) expect(markdown).toContain(`| ${c.id} | ${c.label} |`);
		// v1 bands are score thresholds: each row says its threshold in words.
		expect(markdown).toContain('| High | High: a score of at least 0.75 (scores run from 0 to 1). |');
		expect(markdown).toContain('| Medium | Medium: a score of at least 0.5 and below 0.75 (scores run from 0 to 1). |');
		expect(markdown).toContain('| Low | Low: a score below 0.5 (scores run from 0 to 1). |');
		expect(model.bands.map((b) => [b.label, b.min_score])).toEqual([['High', 0.75], ['Medium', 0.5], ['Low', 0]]);
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

	it('v3: bands with their plain meaning and rule, magnitude normalisation in words', () => {
		const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
		const { markdown, json } = modelCard({ ...input, model: v3 });
		expect(markdown).toContain(v3.band_rule!.description);
		for (const b of v3.bands) expect(markdown).toContain(`| ${b.label} | ${b.meaning} | ${b.description} |`);
		expect(markdown).toContain("Each component's raw value is divided by the largest 12-month harm of any area in the force area (capped at 1), times its weight");
		expect(JSON.parse(json).transparency_record.tier_2.tool_specification.bands.map((b: { meaning: string }) => b.meaning)).toEqual(v3.bands.map((b) => b.meaning));
	});
});

/** A method's evaluation with the given mean harm shares at 5% and 10% of the area. */
function evaluation(method: string, label: string, baseline: boolean, held: [number, number]): MethodEvaluation {
	return {
		method,
		label,
		baseline,
		measure: 'harm',
		mean: held.map((h, i) => ({ areaShare: [0.05, 0.1][i], hitRate: h, pai: h / [0.05, 0.1][i], peiStar: null, captured: null })),
		months: [],
		notBetterThan: []
	};
}

describe('modelCard with the measured accuracy on harm', () => {
	const evaluations = [
		evaluation('thr-v3', 'THR v3', false, [0.25, 0.361]),
		evaluation('thr-v2', 'THR v2', false, [0.198, 0.323]),
		evaluation('harm-12', '12-month harm', true, [0.2514, 0.362]),
		evaluation('kde', 'Kernel density of counts', true, [0.164, 0.267])
	];
	const verdicts = harmVerdicts(evaluations, { judged: 'thr-v3', months: 11, regionNoun: 'the force area' });
	const accuracy: HarmAccuracy = {
		measure: 'harm',
		unit: 'days of imprisonment (CCHI)',
		harmDefinedBy: 'thr 3.0.0',
		level: 'lsoa',
		requestedMonths: 12,
		testMonths: ['2022-02', '2022-03', '2022-04', '2022-05', '2022-06', '2022-07', '2022-08', '2022-09', '2022-10', '2022-11', '2022-12'],
		region: { basis: 'force area', areas: 941, forceArea: 'Lancashire', warnings: [] },
		records: { inside: 56433, outside: 1, unplaced: 0 },
		judged: 'thr-v3',
		evaluations,
		verdicts,
		statement: harmStatement(evaluations, 'thr-v3', verdicts)
	};
	const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
	const extract = { builtAt: '2026-01-01T00:00:00.000Z', fingerprint: 'abc123' };
	const card = modelCard({ model: v3, weights, result: null, fairness: null, extract, accuracy, generatedAt: '2026-01-01T00:00:00.000Z' });

	it('the Markdown has the methods × shares table, the months, the extract version and where the model does not beat a baseline', () => {
		const md = card.markdown;
		expect(md).toContain('## Accuracy on later months: harm captured');
		expect(md).toContain('Measured on 11 held-back months, Feb 2022 to Dec 2022, each ranked from the data before it only. Extract: built 2026-01-01T00:00:00.000Z, fingerprint abc123.');
		expect(md).toContain('Study region: the force area, Lancashire (941 areas); 1 street record located outside it never counted.');
		expect(md).toContain(`with the weights and exclusions of the model ${accuracy.harmDefinedBy.replace(' ', ' v')}.`);
		expect(md).not.toContain('of THR thr');
		expect(md).toContain('| method | top 5%: harm held | harm-PAI | top 10%: harm held | harm-PAI |');
		// 0.25 → 25.0%, PAI 0.25 / 0.05 = 5.00; 0.361 → 36.1%, 3.61.
		expect(md).toContain('| THR v3 (this model) | 25.0% | 5.00 | 36.1% | 3.61 |');
		expect(md).toContain('| 12-month harm (baseline) | 25.1% | 5.03 | 36.2% | 3.62 |');
		expect(md).toContain('| THR v2 | 19.8% | 3.96 | 32.3% | 3.23 |');
		// 12-month harm holds more at both shares: not beaten anywhere.
		expect(md).toContain(
			"- THR v3's top 10% of the force area held 36.1% of the next month's harm on average over 11 held-back months; 12-month harm held 36.2%: THR v3 does not beat it at 10%."
		);
		expect(md).toContain(
			"**THR v3 does not beat 12-month harm at any area share tested, on the share of next month's harm captured. At no area share tested does it beat every baseline.**"
		);
		expect(md).toContain("- Model performance: THR v3 does not beat 12-month harm at any area share tested");
	});

	it('the JSON carries the figures and the statement, in the card and in the transparency record', () => {
		const json = JSON.parse(card.json);
		expect(json.measured_accuracy.test_months).toEqual(accuracy.testMonths);
		expect(json.measured_accuracy.extract).toEqual(extract);
		expect(json.measured_accuracy.methods[0]).toEqual({
			method: 'thr-v3',
			label: 'THR v3',
			baseline: false,
			mean: [
				{ area_share: 0.05, harm_share: 0.25, harm_pai: 0.25 / 0.05 },
				{ area_share: 0.1, harm_share: 0.361, harm_pai: 0.361 / 0.1 }
			]
		});
		expect(json.measured_accuracy.where_it_does_not_beat_baselines).toBe(accuracy.statement);
		const performance = json.transparency_record.tier_2.tool_specification.model_performance;
		expect(performance.where_it_does_not_beat_baselines).toBe(accuracy.statement);
		expect(performance.study_region).toBe('Lancashire');
		expect(performance.results).toEqual(json.measured_accuracy.methods);
		// The rule behind every "beats" (analytics/hotspots SMALLEST_LEAD and WIN_LEVEL), in the card and the record.
		for (const description of [json.measured_accuracy.measure, performance.description]) {
			expect(description).toContain(
				'called a win only when it is at least 0.1 percentage points and holds month by month against each baseline (one-sided exact Wilcoxon signed-rank test over the held-back months, p < 0.05)'
			);
		}
		expect([SMALLEST_LEAD, WIN_LEVEL]).toEqual([0.001, 0.05]);
	});

	it('the same check over the source’s own areas: its own section, the JSON and the transparency record, with where it does not beat a baseline', () => {
		const districts: HarmAccuracy = { ...accuracy, level: 'district', region: { basis: 'force area', areas: 14, forceArea: 'Lancashire', warnings: [] } };
		const both = modelCard({ model: v3, weights, result: null, fairness: null, extract, accuracy, areaSetAccuracy: { label: 'Districts', accuracy: districts }, generatedAt: '2026-01-01T00:00:00.000Z' });
		const md = both.markdown;
		expect(md).toContain('## Accuracy over your own areas (districts): harm captured');
		expect(md).toContain("The same check with the districts of the source's own boundary file as the areas ranked, each judged on the month after. Measured on 11 held-back months");
		expect(md).toContain('Study region: the force area, Lancashire (14 districts)');
		expect(md).toContain(`- Model performance over the districts: ${districts.statement}`);
		// The LSOA section is unchanged beside it.
		expect(md).toContain('Study region: the force area, Lancashire (941 areas)');
		const json = JSON.parse(both.json);
		expect(json.measured_accuracy_area_set.area_set).toBe('Districts');
		expect(json.measured_accuracy_area_set.study_region.areas).toBe(14);
		expect(json.measured_accuracy_area_set.methods).toEqual(json.measured_accuracy.methods);
		const own = json.transparency_record.tier_2.tool_specification.model_performance_own_areas;
		expect(own).toMatchObject({ areas: 'Districts', study_region: 'Lancashire', areas_ranked: 14, where_it_does_not_beat_baselines: districts.statement });
		expect(own.results).toEqual(json.measured_accuracy_area_set.methods);
		expect(JSON.parse(card.json).measured_accuracy_area_set).toBeNull();
		expect(JSON.parse(card.json).transparency_record.tier_2.tool_specification.model_performance_own_areas).toBeNull();
	});

	it('without a measurement the card says so', () => {
		const none = modelCard({ model: v3, weights, result: null, fairness: null, extract, accuracy: null, generatedAt: '2026-01-01T00:00:00.000Z' });
		expect(JSON.parse(none.json).measured_accuracy).toBeNull();
		expect(none.markdown).not.toContain('## Accuracy on later months');
		expect(none.markdown).toContain('- Model performance: not measured on this data (fewer than two months of street records).');
	});
});

describe('modelCard with the other predictions (demand and hot spots)', () => {
	// The pages' own verdict helpers make the sentences; the figures are worked by hand.
	const rows = [
		{ method: 'eb-blend', label: 'Blended recent and long-run rates (empirical Bayes)', baseline: false, pai: 8.79, hitRate: 0.4395 },
		{ method: 'last-period', label: "Last month's counts", baseline: true, pai: 8.82, hitRate: 0.441 },
		{ method: 'last-year', label: '12-month ranking', baseline: true, pai: 8.0, hitRate: 0.4 }
	];
	// 8.79 / 8.82 − 1 = −0.34%; 8.79 / 8.0 − 1 = +9.9%.
	const gains = [
		{ method: 'eb-blend', baseline: 'last-period', paiGain: 8.79 / 8.82 - 1 },
		{ method: 'eb-blend', baseline: 'last-year', paiGain: 8.79 / 8.0 - 1 }
	];
	const [v] = hotspotVerdicts({ rows, gains } as unknown as WindowEvaluation);
	const score = (method: BacktestScore['method'], mase: number, cov: [number, number]): BacktestScore => ({
		method,
		origins: 6,
		points: 2016,
		mae: mase,
		mase,
		relativeMae: null,
		bias: 0,
		coverage80: cov[0],
		coverage95: cov[1],
		width80: 2,
		pinball: 0.5,
		seconds: 0.1,
		skipped: null
	});
	const chosen = score('combination', 0.778, [0.906, 0.972]);
	const base = score('seasonal-mean', 0.797, [0.85, 0.96]);
	const other: OtherPredictions = {
		hotspots: {
			table: 'incidents',
			level: 'lsoa',
			level_label: 'LSOA',
			window: 'Next month',
			origins: ['2024-01', '2024-12'],
			study_region: 'the force area, City of London',
			budgets: [
				{
					budget_share: 0.05,
					methods: rows.map((r) => ({ method: r.method, label: r.label, baseline: r.baseline, pai: r.pai, hit_rate: r.hitRate })),
					gains: gains.map((g) => ({ method: g.method, baseline: g.baseline, pai_gain: g.paiGain })),
					verdicts: [{ method: v.method, beats_all: v.beatsAll, meets_target: v.meetsTarget, sentence: v.sentence }]
				}
			]
		},
		demand: {
			available: true,
			series: 'Incidents and calls for service',
			history_end: '2017-12-31',
			weeks_ahead: 2,
			method: 'combination',
			label: 'Combination',
			why: 'lowest MASE in the backtest',
			backtest_origins: 6,
			mase: 0.778,
			baseline_mase: 0.797,
			verdict: baselineVerdict(chosen, base, [chosen, base]),
			coverage80: 0.906,
			coverage95: 0.972,
			pinball: 0.5,
			coverage_sentence: `The intervals: ${coverageNote(chosen)}`
		}
	};
	const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
	const card = modelCard({ model: v3, weights, result: null, fairness: null, extract: null, otherPredictions: other, generatedAt: '2026-01-01T00:00:00.000Z' });

	it('the verdict helpers say where the methods do not beat the baselines (worked by hand)', () => {
		expect(v.beatsAll).toBe(false);
		expect(v.sentence).toBe("Blended recent and long-run rates (empirical Bayes) does not beat last month's counts (PAI 8.82) at this budget: its PAI is 8.79.");
		// 1 − 0.778 / 0.797 = 2.38%
		expect(other.demand.available && other.demand.verdict).toBe('MASE only 2.4% below the mean of the same hour over the last 8 weeks (0.778 against 0.797): short of the 8% target in this backtest.');
	});

	it('the Markdown has the section with the PAI table, the MASEs, the coverage and the pages’ sentences', () => {
		const md = card.markdown;
		expect(md).toContain('## Other predictions in this product: demand forecasts and hot spots');
		expect(md).toContain("| area share | Blended recent and long-run rates (empirical Bayes) | Last month's counts (baseline) | 12-month ranking (baseline) |");
		expect(md).toContain('| 5% | 8.79 | 8.82 | 8.00 |');
		expect(md).toContain(`- At 5% of the area: ${v.sentence}`);
		expect(md).toContain('MASE 0.778 against 0.797 for the mean of the same hour over the last 8 weeks; 80% intervals held 90.6% of the hours, 95% intervals 97.2%.');
		expect(md).toContain('- MASE only 2.4% below the mean of the same hour over the last 8 weeks (0.778 against 0.797): short of the 8% target in this backtest.');
		expect(md).toContain('- The intervals: in the backtest the 80% intervals held 90.6% of the hours and the 95% intervals 97.2%.');
		// What the forecast counts: the page's default leaves out the categories the harm weights and THR exclude as found by police.
		expect(md).toContain('95% intervals 97.2%. Records of Drugs and Possession of weapons, found mostly by police activity, are left out of it, as the Forecast page does by default.');
	});

	it('the JSON and the transparency record carry the same figures and sentences', () => {
		const json = JSON.parse(card.json);
		expect(json.other_predictions).toEqual(other);
		const t = json.transparency_record.other_predictions;
		expect(t.hotspots.results[0].methods.map((m: { pai: number }) => m.pai)).toEqual([8.79, 8.82, 8.0]);
		expect(t.hotspots.where_it_does_not_beat_baselines).toEqual([`At 5% of the area: ${v.sentence}`]);
		expect(t.demand).toMatchObject({ method: 'combination', mase: 0.778, baseline_mase: 0.797, coverage80: 0.906, coverage95: 0.972 });
		expect(t.demand.verdict).toBe(other.demand.available ? other.demand.verdict : null);
		expect(t.demand.description).toContain('Records of Drugs and Possession of weapons, found mostly by police activity, are left out of it, as the Forecast page does by default.');
	});

	it('without timestamped demand: one line, and no section at all when not measured', () => {
		const line = noDemandSentence({ events: 0, stop_search: 10, streetWithArea: 5 });
		expect(line).toBe(
			'This data has no incidents or calls for service with a date and time, so no hourly demand forecast is made. Its street records are monthly: the Forecast page forecasts next month by area instead. Stop and search is police activity that officers start themselves, not demand, and is not treated as demand.'
		);
		const none = modelCard({ model: v3, weights, result: null, fairness: null, extract: null, otherPredictions: { ...other, demand: { available: false, sentence: line } }, generatedAt: '2026-01-01T00:00:00.000Z' });
		expect(none.markdown).toContain(`### Hourly demand\n\n${line}\n`);
		expect(JSON.parse(none.json).transparency_record.other_predictions.demand).toEqual({ description: line });
		const unmeasured = modelCard({ model: v3, weights, result: null, fairness: null, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' });
		expect(unmeasured.markdown).not.toContain('## Other predictions');
		expect(JSON.parse(unmeasured.json).other_predictions).toBeNull();
	});
});

describe('modelCard with offence-subgroup weights (cchi-police-uk 2.0.0)', () => {
	const v2 = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v2.json', 'utf8')) as HarmWeightsModel;
	const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
	const card = modelCard({ model: v3, weights: v2, result: null, fairness: null, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' });

	it('states every subgroup weight, its category and the source file, and when each weight is used', () => {
		expect(card.markdown).toContain('| Burglary | Residential burglary | 273.5 |');
		expect(card.markdown).toContain('| Violence and sexual offences | Homicide | 5475 |');
		for (const s of v2.subgroup_weights!) expect(card.markdown).toContain(`| ${s.category} | ${s.subgroup} | ${s.weight} |`);
		expect(card.markdown).toContain('sample-data/harm-weights/cchi_weights_by_prc_subgroup.csv');
		expect(card.markdown).toMatch(/every other record \(all police\.uk data\) weighs its category's/);
		const record = JSON.parse(card.json).transparency_record.tier_2.data.harm_weights;
		expect(record.version).toBe('2.0.0');
		expect(record.subgroup_weights).toHaveLength(23);
		expect(record.subgroup_source.derived_by).toMatch(/Third-party/);
	});

	it('a table without subgroup weights gives the card it always gave', () => {
		const v1 = JSON.parse(readFileSync('models/harm-weights/cchi-police-uk-v1.json', 'utf8')) as HarmWeightsModel;
		const old = modelCard({ model: v3, weights: v1, result: null, fairness: null, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' });
		expect(old.markdown).not.toContain('Offence subgroups');
		expect(Object.keys(JSON.parse(old.json).transparency_record.tier_2.data.harm_weights)).toEqual(['id', 'version', 'citation', 'caveats']);
	});
});

describe('modelCard with stop and search by ethnic group (City of London sample)', () => {
	let runner: NodeRunner;
	let remove: () => void = () => {};
	let ss: DisproportionalityResult;

	beforeAll(async () => {
		runner = await createNodeRunner();
		remove = await loadSampleSource(runner, 'city-of-london');
		ss = await disproportionality(runner, { basis: 'self', area: { kind: 'force' } });
	}, 300_000);

	afterAll(() => {
		runner?.close();
		remove();
	});

	const base = { model, weights, result: null, fairness: null, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' };
	const section = (md: string) => md.slice(md.indexOf('## Stop and search by ethnic group'), md.indexOf('Caveats (computed from the data):'));

	it('writes the figures as the pages do: separators, intervals "lo to hi", the residents column', () => {
		const table = stopSearchCardTable(ss);
		expect(table.header).toEqual(['Group', 'Searches', 'Residents', 'Per 1,000 residents', 'Ratio to White', '95% interval', 'Find rate', '95% interval', 'Arrest rate']);
		const row = (group: string) => table.rows.find((r) => r.group === group)!.cells;
		// Asian: 432 searches of people (the files' 434 less 2 searches of a vehicle only, with the driver's
		// ethnicity, no outcome, one marked linked) of 1,447 residents (Census 2021 TS021, the City's LSOAs) = 298.5 per 1,000;
		// White 1,171 of 5,957 = 196.6; ratio 298.55 / 196.58 = 1.52, Katz log interval 1.38 to 1.67;
		// 156 finds of 432 = 36.1%, Wilson interval 31.7% to 40.7%; 92 arrests = 21.3%.
		expect(row('Asian')).toEqual(['Asian', '432', '1,447', '298.5', '1.52', '1.38 to 1.67', '36.1%', '31.7% to 40.7%', '21.3%']);
		// Black: 403 searches of 233 residents = 1,729.6 per 1,000, more searches than residents: no interval, the reason instead.
		expect(row('Black').slice(0, 5)).toEqual(['Black', '403', '233', '1,729.6', '8.80']);
		expect(row('Black')[5]).toMatch(/^at least as many searches as residents/);
		expect(row('White').slice(0, 6)).toEqual(['White', '1,171', '5,957', '196.6', '1.00', 'the reference group']);
		// 963 searches with no self-defined ethnicity, less the 15 of a vehicle only (no person searched).
		expect(row('Not recorded')).toEqual(['Not recorded', '948', '—', '—', '—', '—', '—', '—', '—']);
	});

	it('the measured results name their month in words and carry the month’s scoring warnings, as the Model page shows them', async () => {
		// December 2017 is the sample's first month (SELECT min(month) FROM incidents): Threat has no baseline months at all.
		const [{ first }] = await runner.rows<{ first: string }>('SELECT min(month) AS first FROM incidents');
		expect(first).toBe('2017-12');
		const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
		const cchi = JSON.parse(readFileSync(v3.harm_weights.file, 'utf8')) as HarmWeightsModel;
		const result = await scoreMonth(runner, { model: v3, weights: cchi, month: first });
		expect(result.warnings.length).toBeGreaterThan(0);
		const md = modelCard({ ...base, model: v3, weights: cchi, result }).markdown;
		const measured = md.slice(md.indexOf('## Measured results'), md.indexOf('##', md.indexOf('## Measured results') + 3));
		expect(measured).toContain('## Measured results (Dec 2017)');
		expect(measured).toContain('Scoring warnings for this month:');
		for (const w of result.warnings) expect(measured).toContain(`- ${readableWarning(w, first)}`);
		expect(measured).toContain('Threat is 0 for every area');
		expect(measured).not.toMatch(/\b\d{4}-(0[1-9]|1[0-2])\b/);
	});

	it('the Markdown carries the same table, and no interval written with a dash', () => {
		const md = section(modelCard({ ...base, stopSearch: ss }).markdown);
		const table = stopSearchCardTable(ss);
		expect(md).toContain('| Group | Searches | Residents | Per 1,000 residents | Ratio to White | 95% interval | Find rate | 95% interval | Arrest rate |');
		for (const r of table.rows) expect(md).toContain(`| ${r.cells.join(' | ')} |`);
		expect(md).toContain('| Asian | 432 | 1,447 | 298.5 | 1.52 | 1.38 to 1.67 | 36.1% | 31.7% to 40.7% | 21.3% |');
		expect(md).toContain('30.2% of searches (948 of 3,138) have no recorded ethnicity');
		expect(md).toContain('Dec 2017 to Nov 2019');
		expect(md).not.toMatch(/\d–\d/);
	});

	it('says before the table that the City’s residents are no fit denominator for a headline ratio, and the JSON keeps it with the vehicle-only searches', () => {
		// 3,138 searches of people over 24 months against 8,588 residents: 182.7 a year per 1,000; Black 403 searches, 233 residents.
		expect(ss.ratioWithheld).toMatch(/^No ratio against White is given as a headline here: only 8,588 people live here \(fewer than 20,000\); there were 182\.7 searches a year per 1,000 residents/);
		const card = modelCard({ ...base, stopSearch: ss });
		const md = section(card.markdown);
		expect(md.indexOf(`**${ss.ratioWithheld}**`)).toBeGreaterThan(0);
		expect(md.indexOf(`**${ss.ratioWithheld}**`)).toBeLessThan(md.indexOf('| Group | Searches |'));
		const json = JSON.parse(card.json).measured_stop_search;
		expect(json.ratioWithheld).toBe(ss.ratioWithheld);
		expect(json.vehicleOnly).toBe(17);
	});
});

describe('modelCard without IMD deciles or populations (data built without the areas table)', () => {
	const v3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
	// Three scored areas, one flagged; no area context at all (as the Lancashire sample, built with --no-areas).
	const areas = ['E01025000', 'E01025001', 'E01025002'].map((areaId, i) => ({ areaId, band: i === 0 ? v3.flag_band : 'low', score: [0.8, 0.2, 0.1][i] }));
	const result = { month: '2022-12', model: v3, areas, bandCounts: { high: 1, medium: 0, low: 2 }, warnings: [] } as unknown as ScoreResult;
	const none = fairnessSummary(result, new Map());

	it('says in one sentence why there are no fairness figures, on the page and in the Markdown', () => {
		const sentence = fairnessUnavailable(none)!;
		expect(sentence).toBe(
			'No fairness figures by deprivation or population: none of the 3 scored areas have an IMD 2019 decile or a resident count in this data (it was built without LSOA areas, whose IMD 2019 deciles and populations come from IMD Files 1 and 6), so flagged areas cannot be compared across deprivation or population here.'
		);
		const md = modelCard({ model: v3, weights, result, fairness: none, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' }).markdown;
		expect(md).toContain(sentence);
		expect(md).not.toContain('| decile | areas | flagged |');
	});

	it('with any area’s decile known, the tables stay', () => {
		const one = fairnessSummary(result, new Map([['E01025000', { imdDecile: 3, population: 1500 }]]));
		expect(fairnessUnavailable(one)).toBeNull();
		const md = modelCard({ model: v3, weights, result, fairness: one, extract: null, generatedAt: '2026-01-01T00:00:00.000Z' }).markdown;
		// Decile 3: 1 area, flagged, 1 expected if even (1/3 flagged overall × 1), 100.0%, score 0.800, 1,500 residents.
		expect(md).toContain('| 3 | 1 | 1 | 0.3 | 100.0% | 0.800 | 0.800 | 1,500 | 1,500 |');
	});
});
