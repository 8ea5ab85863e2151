/**
 * The model card and a transparency record (UK Algorithmic Transparency Recording Standard
 * style), generated from the published model file, its harm weight table and results measured
 * on the loaded extract: the scores of a month, fairness, and the held-out accuracy of the
 * ranking on harm against simple baselines (analytics/hotspots harmAccuracy), including where it
 * does not beat them. Pure: the same inputs give the same text. Never hand-edited.
 */
// Relative imports (not $analytics) so the unit tests can load this module in Node without SvelteKit's aliases.
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import { bandMeaning, type ExtractVersion, type FairnessReport, type Normalisation, type ScoreResult, type ThrModel } from '$analytics/thr';
import { shareLabel, type HarmAccuracy } from '$analytics/hotspots';
import type { DisproportionalityResult } from '$analytics/stop-search/types';
import { MASE_READING, type MonthlyAreaPredictionRecord, type OtherPredictions } from './other-predictions';
import { POLICE_FOUND_CATEGORIES } from '../forecast/demand';
import { listWords } from '$analytics/compare/periods';
import { formatCount, formatInterval, formatMetric, formatMonth, formatPai, formatPercent, formatShare } from '../charts/format';
import { RATIO_READING } from '../stop-search/reading';
import { modelVersionText, readableWarning } from './reading';

/** The stop and search table of the model card, on the page and in its Markdown: one header and the same cell texts. */
export interface StopSearchCardTable {
	header: string[];
	/** Per ethnic group, then "Not recorded": the group and its cells as shown. */
	rows: Array<{ group: string; cells: string[] }>;
}

/**
 * The model card's stop and search table, written as the Stop and search page writes the same
 * figures: counts with separators, rates per 1,000 to one decimal, ratios to two, shares to one
 * decimal, intervals "lo to hi" (formatInterval), a missing figure as "—"; the searches with no
 * recorded ethnicity last.
 */
export function stopSearchCardTable(ss: DisproportionalityResult): StopSearchCardTable {
	const ratio = (v: number) => formatMetric(v, 2);
	return {
		header: ['Group', 'Searches', 'Residents', 'Per 1,000 residents', 'Ratio to White', '95% interval', 'Find rate', '95% interval', 'Arrest rate'],
		rows: [
			...ss.rows.map((g) => ({
				group: g.group,
				cells: [
					g.group,
					formatCount(g.searches),
					g.residents === null ? '—' : formatCount(g.residents),
					formatMetric(g.ratePer1000, 1),
					formatMetric(g.ratioVsWhite, 2),
					g.ratioNote ?? formatInterval(g.ratioLo95, g.ratioHi95, ratio),
					formatShare(g.findRate),
					formatInterval(g.findLo95, g.findHi95, formatShare),
					formatShare(g.arrestRate)
				]
			})),
			{ group: 'Not recorded', cells: ['Not recorded', formatCount(ss.notRecorded.searches), '—', '—', '—', '—', '—', '—', '—'] }
		]
	};
}

/** Why the Fairness table's residents differ from the stop and search tables' (page and Markdown). */
export const FAIRNESS_RESIDENTS_NOTE =
	"Residents in the Fairness table are the mid-2015 estimates published with IMD 2019, the figures its deciles and quintiles are made from. The stop and search tables count residents by ethnic group from Census 2021, so one area can show a different number of residents there.";

/**
 * When no scored area has an IMD decile or a population (data built without the LSOA areas table,
 * e.g. the Lancashire sample), the one sentence the Fairness section and the Markdown card say
 * instead of tables of empty groups; null when any area has either.
 */
export function fairnessUnavailable(f: Pick<FairnessReport, 'areas' | 'byDecile' | 'byPopulation'>): string | null {
	const known = (groups: FairnessReport['byDecile']) => groups.some((g) => g.group !== 'unknown' && g.areas > 0);
	if (f.areas === 0 || known(f.byDecile) || known(f.byPopulation)) return null;
	return `No fairness figures by deprivation or population: none of the ${formatCount(f.areas)} scored ${f.areas === 1 ? 'area has' : 'areas have'} an IMD 2019 decile or a resident count in this data (it was built without LSOA areas, whose IMD 2019 deciles and populations come from IMD Files 1 and 6), so flagged areas cannot be compared across deprivation or population here.`;
}

/** The sentence above the card's stop and search table, on the page and in the Markdown. */
export function stopSearchCardLead(ss: DisproportionalityResult): string {
	return `${ss.areaLabel}, ${ss.period ? `${formatMonth(ss.period.from)} to ${formatMonth(ss.period.to)}` : 'no searches'}, ${ss.scope.basis === 'self' ? 'self-defined' : 'officer-defined'} ethnicity. Denominator: ${ss.denominator.source}. ${formatShare(ss.notRecorded.share)} of searches (${formatCount(ss.notRecorded.searches)} of ${formatCount(ss.totalSearches)}) have no recorded ethnicity and are in no group's rate. Ratio: Katz log interval; find and arrest rates: Wilson interval. ${RATIO_READING}`;
}

export interface ModelCardInput {
	model: ThrModel;
	weights: HarmWeightsModel;
	/** Scores of the month measured (published model). */
	result: ScoreResult | null;
	fairness: FairnessReport | null;
	extract: ExtractVersion | null;
	/** Held-out accuracy of the ranking on harm (the published model judged); null when not measured. */
	accuracy?: HarmAccuracy | null;
	/**
	 * The same check with the source's own area set as the areas ranked (the Accuracy page's second
	 * section), with the set's label ("Districts", "Beats"); null or absent when the source has no
	 * area set or it was not measured.
	 */
	areaSetAccuracy?: { label: string; accuracy: HarmAccuracy } | null;
	/** When generated (ISO); passed in so the output is reproducible. */
	generatedAt: string;
	/** Stop and search by ethnic group over the force area and every month (analytics/stop-search); null or absent when the data has none. */
	stopSearch?: DisproportionalityResult | null;
	/** The demand and hot-spot forecasts measured on the same data by the Forecast and Accuracy pages' functions (other-predictions.ts); null or absent when not measured. */
	otherPredictions?: OtherPredictions | null;
}

/** The card's account of the measured accuracy: what was measured, on which extract, the means per method and share, and the plain verdicts. */
export interface AccuracyRecord {
	measure: string;
	/** Rolling origins: each month ranked from the months before it only. */
	test_months: string[];
	extract: ExtractVersion | null;
	study_region: HarmAccuracy['region'];
	records_outside_force_area: number;
	harm: { unit: string; weights_and_exclusions_of: string };
	/** Method name of the model judged (the published model). */
	judged: string;
	/** Per method, per area share: mean share of the next month's harm held, and harm-PAI. */
	methods: Array<{ method: string; label: string; baseline: boolean; mean: Array<{ area_share: number; harm_share: number | null; harm_pai: number | null }> }>;
	verdicts: string[];
	/** Where the model does not beat a baseline, in one statement. */
	where_it_does_not_beat_baselines: string;
}

export interface ModelCardJson {
	format: 'clearsight-model-card';
	version: 1;
	generated_at: string;
	model: ThrModel;
	harm_weights: HarmWeightsModel;
	measured: {
		month: string;
		extract: ExtractVersion | null;
		areas: number;
		band_counts: Record<string, number>;
		warnings: string[];
		fairness: Pick<FairnessReport, 'flagBand' | 'areas' | 'flagged' | 'flaggedShare' | 'byDecile' | 'deprivationGap' | 'notes'> | null;
	} | null;
	/** Held-out accuracy on harm; null when not measured (fewer than two months of data). */
	measured_accuracy: AccuracyRecord | null;
	/** The same check over the source's own area set (`area_set`: its label); null without an area set or when not measured. */
	measured_accuracy_area_set: (AccuracyRecord & { area_set: string }) | null;
	/** Stop and search by ethnic group (rates per 1,000 Census 2021 residents, ratios against White, find and arrest rates, computed caveats); null without searches. */
	measured_stop_search: Pick<DisproportionalityResult, 'scope' | 'period' | 'areaLabel' | 'rows' | 'notRecorded' | 'totalSearches' | 'vehicleOnly' | 'ratioWithheld' | 'denominator' | 'caveats'> | null;
	/** The product's other predictions (hourly demand, hot spots) with the pages' verdicts against their simple baselines; null when not measured. */
	other_predictions: OtherPredictions | null;
	transparency_record: ReturnType<typeof transparencyRecord>;
}

/** The accuracy as the card records it (means only; the per-month figures are on the Accuracy page and in `npm run hotspots`). */
export function accuracyRecord(accuracy: HarmAccuracy, extract: ExtractVersion | null): AccuracyRecord {
	return {
		measure:
			"Share of the next month's harm (Σ records × harm weight) held by each method's top-ranked areas covering a share of the force area, and harm-PAI (that share ÷ the area share), mean over rolling origins; each month ranked from the data before it only. A lead over the baselines is called a win only when it is at least 0.1 percentage points and holds month by month against each baseline (one-sided exact Wilcoxon signed-rank test over the held-back months, p < 0.05); a smaller lead, or one the months do not bear out, is said to be no evidence",
		test_months: accuracy.testMonths,
		extract,
		study_region: accuracy.region,
		records_outside_force_area: accuracy.records.outside,
		harm: { unit: accuracy.unit, weights_and_exclusions_of: accuracy.harmDefinedBy },
		judged: accuracy.judged,
		methods: accuracy.evaluations.map((e) => ({
			method: e.method,
			label: e.label,
			baseline: e.baseline,
			mean: e.mean.map((m) => ({ area_share: m.areaShare, harm_share: m.hitRate, harm_pai: m.pai }))
		})),
		verdicts: accuracy.verdicts.map((v) => v.sentence),
		where_it_does_not_beat_baselines: accuracy.statement
	};
}

/** How a component's raw value is put on a 0–1 scale, in words. */
function normalisationText(n: Normalisation): string {
	return n.method === 'percentile-rank' ? 'percentile rank within scope' : 'divided by the largest 12-month harm of any area in the force area (capped at 1)';
}

/**
 * A record with the fields of the ATRS tier 1 and the main tier 2 sections, filled from the model
 * file, and with `accuracy` the measured performance of the ranking (tier 2, tool specification).
 */
export function transparencyRecord(
	model: ThrModel,
	weights: HarmWeightsModel,
	accuracy: AccuracyRecord | null = null,
	other: OtherPredictions | null = null,
	areaSetAccuracy: (AccuracyRecord & { area_set: string }) | null = null
) {
	return {
		standard: 'UK Algorithmic Transparency Recording Standard (style; not an official submission)',
		tier_1: {
			name: model.title,
			description: model.description,
			website: null,
			contact: model.owner.contact
		},
		tier_2: {
			owner_and_responsibility: { organisation: model.owner.name, role: model.owner.role },
			description_and_rationale: { scope: model.intended_use, not_intended_for: model.not_intended_for },
			decision_making_process: {
				process_integration: 'A ranked list with the explanation of each score; a human reviewer records agree / raise / lower / data problem with a reason in a tamper-evident log. Decisions annotate, never change, the scores.',
				human_review: 'Required before action (see not_intended_for).'
			},
			tool_specification: {
				components: model.components.map((c) => ({
					id: c.id,
					label: c.label,
					unit: c.unit,
					weight: c.weight,
					window_months: c.window_months,
					description: c.description,
					...(c.kind === 'risk' ? { risk: { method: c.method, interval_level: c.interval_level, forecast: c.forecast ?? null } } : {})
				})),
				bands: model.bands.map((b) => ({ ...b, meaning: bandMeaning(model, b.id) })),
				tie_rule: model.tie_rule.description,
				model_performance: accuracy
					? {
							description: accuracy.measure,
							test_months: accuracy.test_months,
							study_region: accuracy.study_region.forceArea ?? 'areas with records (no force area declared)',
							results: accuracy.methods,
							where_it_does_not_beat_baselines: accuracy.where_it_does_not_beat_baselines
						}
					: null,
				// The same check with the force's own areas ranked (the Accuracy page's second section).
				model_performance_own_areas: areaSetAccuracy
					? {
							areas: areaSetAccuracy.area_set,
							description: `${accuracy ? 'The same check' : areaSetAccuracy.measure} with the ${areaSetAccuracy.area_set.toLowerCase()} of the source's own boundary file as the areas ranked`,
							test_months: areaSetAccuracy.test_months,
							study_region: areaSetAccuracy.study_region.forceArea ?? 'areas with records (no force area declared)',
							areas_ranked: areaSetAccuracy.study_region.areas,
							results: areaSetAccuracy.methods,
							where_it_does_not_beat_baselines: areaSetAccuracy.where_it_does_not_beat_baselines
						}
					: null
			},
			data: {
				source: 'police.uk street-level crime and anti-social behaviour (incidents), month resolution, LSOA',
				harm_weights: {
					id: weights.id,
					version: weights.version,
					citation: weights.source.citation,
					caveats: weights.caveats,
					// The finer weights a force's records carrying an offence subgroup are weighed by, and where they come from.
					...(weights.subgroup_weights?.length
						? {
								subgroup_weights: weights.subgroup_weights.map((w) => ({ category: w.category, subgroup: w.subgroup, weight: w.weight })),
								subgroup_source: weights.subgroup_source,
								method: weights.method
							}
						: {})
				},
				exclusions: [...weights.exclusions.map((e) => ({ ...e, by: 'harm weight table' })), ...model.exclusions.map((e) => ({ ...e, by: 'model' }))]
			},
			risks_mitigations_and_impact: { limitations: model.limitations, mitigations: ['Fairness figures by IMD decile published with the card', 'What-if analysis of weights and exclusions', 'Human review log'] }
		},
		other_predictions: other ? otherPredictionsRecord(other) : null
	};
}

/**
 * The transparency record's block on the product's other predictions: what each predicts, the
 * measured figures against its simple baselines and the pages' own sentences, including where it
 * does not beat them.
 */
/** What the card's hourly demand forecast counts: the Forecast page's default, without the records police activity mostly finds. */
export const DEMAND_COUNTS_SENTENCE = `Records of ${listWords(POLICE_FOUND_CATEGORIES)}, found mostly by police activity, are left out of it, as the Forecast page does by default.`;

export function otherPredictionsRecord(o: OtherPredictions) {
	const h = o.hotspots;
	const d = o.demand;
	return {
		hotspots: h
			? {
					description: `Hot-spot forecast (Accuracy page): the areas to prioritise for the ${h.window.toLowerCase()}, ranked from earlier records only, at ${h.level_label} level over ${h.study_region}; scored over ${h.origins.length} rolling windows by PAI (share of records in the hot spots ÷ share of the area) against last period's counts, the 12-month ranking and a kernel density map.`,
					window: h.window,
					level: h.level,
					origins: h.origins,
					results: h.budgets.map((b) => ({ area_share: b.budget_share, methods: b.methods, gains: b.gains })),
					where_it_does_not_beat_baselines: h.budgets.flatMap((b) => b.verdicts.filter((v) => !v.beats_all).map((v) => `At ${Math.round(b.budget_share * 100)}% of the area: ${v.sentence}`)),
					verdicts: h.budgets.flatMap((b) => b.verdicts.map((v) => `At ${Math.round(b.budget_share * 100)}% of the area: ${v.sentence}`))
				}
			: null,
		demand: d.available
			? {
					description: `Hourly demand forecast (Forecast page): ${d.series.toLowerCase()} per hour for the ${d.weeks_ahead} weeks after ${d.history_end}, method chosen by a rolling-origin backtest of ${d.backtest_origins} weekly origins; judged by MASE against the mean of the same hour over the last 8 weeks, intervals by the share of held-out hours they held. ${DEMAND_COUNTS_SENTENCE}`,
					method: d.method,
					label: d.label,
					why: d.why,
					mase: d.mase,
					baseline_mase: d.baseline_mase,
					coverage80: d.coverage80,
					coverage95: d.coverage95,
					pinball: d.pinball,
					verdict: d.verdict,
					coverage: d.coverage_sentence
				}
			: { description: d.sentence },
		...(o.monthly !== undefined ? { monthly_by_area: monthlyRecord(o.monthly) } : {})
	};
}

/** The transparency record's entry for the monthly forecast by area: what it is, its backtest against last month's count and the page's sentence. */
function monthlyRecord(m: MonthlyAreaPredictionRecord | null) {
	if (!m) return { description: 'This data has no street records with an area, so no monthly forecast by area is made.' };
	return {
		description: `Monthly forecast by area (Forecast page): street records expected in ${m.forecast_month} in each of ${m.areas} ${m.level === 'lsoa' ? 'LSOAs' : 'areas of the source\'s own area set'} ${m.force_area ? `of the force area (${m.force_area})` : '(no force area declared: every area with records)'}, trained on the months up to ${m.train_end}, method chosen by a pooled rolling-origin backtest; judged by MASE against ${m.baseline}.`,
		method: m.method,
		label: m.label,
		why: m.why,
		mase: m.mase,
		baseline: m.baseline,
		baseline_mase: m.baseline_mase,
		verdict: m.verdict
	};
}

/** The model card as JSON (pretty-printed) and as Markdown. */
export function modelCard(input: ModelCardInput): { json: string; markdown: string } {
	const { model, weights, result, fairness, extract, generatedAt } = input;
	const accuracy = input.accuracy ? accuracyRecord(input.accuracy, extract) : null;
	const own = input.areaSetAccuracy;
	const areaSetAccuracy = own ? { area_set: own.label, ...accuracyRecord(own.accuracy, extract) } : null;
	const ss = input.stopSearch ?? null;
	const card: ModelCardJson = {
		format: 'clearsight-model-card',
		version: 1,
		generated_at: generatedAt,
		model,
		harm_weights: weights,
		measured: result
			? {
					month: result.month,
					extract,
					areas: result.areas.length,
					band_counts: result.bandCounts,
					warnings: result.warnings,
					fairness: fairness
						? { flagBand: fairness.flagBand, areas: fairness.areas, flagged: fairness.flagged, flaggedShare: fairness.flaggedShare, byDecile: fairness.byDecile, deprivationGap: fairness.deprivationGap, notes: fairness.notes }
						: null
				}
			: null,
		measured_accuracy: accuracy,
		measured_accuracy_area_set: areaSetAccuracy,
		measured_stop_search: ss
			? {
					scope: ss.scope,
					period: ss.period,
					areaLabel: ss.areaLabel,
					rows: ss.rows,
					notRecorded: ss.notRecorded,
					totalSearches: ss.totalSearches,
					vehicleOnly: ss.vehicleOnly,
					ratioWithheld: ss.ratioWithheld,
					denominator: ss.denominator,
					caveats: ss.caveats
				}
			: null,
		other_predictions: input.otherPredictions ?? null,
		transparency_record: transparencyRecord(model, weights, accuracy, input.otherPredictions ?? null, areaSetAccuracy)
	};
	const md: string[] = [];
	const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
	md.push(`# Model card: ${model.title}`, '', `Model \`${model.id}\` version ${model.version}. Generated ${generatedAt} from the model file and measured results; do not edit by hand.`, '');
	md.push(model.description, '', '## Owner', '', `${model.owner.name}. ${model.owner.role} Contact: ${model.owner.contact}`, '');
	md.push('## Intended use', '', model.intended_use, '', 'Not intended for:', '', ...model.not_intended_for.map((x) => `- ${x}`), '');
	md.push('## Components', '', '| id | label | unit | window (months) | weight | description |', '|---|---|---|---|---|---|');
	for (const c of model.components) md.push(`| ${c.id} | ${esc(c.label)} | ${esc(c.unit)} | ${c.window_months} | ${c.weight} | ${esc(c.description)} |`);
	const scales = [...new Set(model.components.map((c) => normalisationText(c.normalisation)))];
	md.push('', `Each component's raw value is ${scales.join('; or ')}, times its weight; the score is exactly the sum of the contributions.`, '');
	for (const c of model.components) {
		if (c.kind !== 'risk') continue;
		md.push(
			c.forecast
				? `Risk (${c.id}): forecast of next month's harm by ${c.forecast.method === 'auto' ? `the method with the lowest backtest MASE among ${(c.forecast.candidates ?? ['seasonal-naive', 'seasonal-mean', 'poisson', 'holt-winters']).join(', ')}` : c.forecast.method}, from up to ${c.forecast.history_months} months of data to the assessment month only; ${Math.round(c.interval_level * 100)}% interval widened by the errors of a ${c.forecast.backtest_months}-origin rolling backtest.`
				: `Risk (${c.id}): ${c.method} (stand-in): mean monthly harm over ${c.window_months} months with a Poisson ${Math.round(c.interval_level * 100)}% interval.`,
			''
		);
	}
	md.push('## Bands', '');
	if (model.band_rule) md.push(model.band_rule.description, '');
	md.push('| band | meaning | what to do |', '|---|---|---|', ...model.bands.map((b) => `| ${b.label} | ${esc(bandMeaning(model, b.id))} | ${esc(b.description)} |`), '', `Flag band: ${model.flag_band}. Ties: ${model.tie_rule.description}`, '');
	md.push('## Exclusions', '', '| category | excluded by | reason |', '|---|---|---|');
	for (const e of weights.exclusions) md.push(`| ${esc(e.category)} | harm weight table | ${esc(e.reason)} |`);
	for (const e of model.exclusions) md.push(`| ${esc(e.category)} | model | ${esc(e.reason)} |`);
	md.push('', '## Harm weights', '', `${weights.title} (\`${weights.id}\` v${weights.version}, ${weights.unit}). Source: ${weights.source.citation}`, '', '| category | weight | basis |', '|---|---|---|');
	for (const w of weights.weights) md.push(`| ${esc(w.category)} | ${w.weight} | ${w.basis} |`);
	if (weights.subgroup_weights?.length) {
		md.push(
			'',
			`Offence subgroups: a record that carries a Home Office offence subgroup (a force's own data mapped from its offence codes) listed here under its category weighs the subgroup's own weight; every other record (all police.uk data) weighs its category's. Source: ${esc(weights.subgroup_source?.file ?? '')}, ${esc(weights.subgroup_source?.derived_by ?? '')}`,
			'',
			'| category | offence subgroup | weight |',
			'|---|---|---|'
		);
		for (const w of weights.subgroup_weights) md.push(`| ${esc(w.category)} | ${esc(w.subgroup)} | ${w.weight} |`);
	}
	md.push('', 'Caveats:', '', ...weights.caveats.map((c) => `- ${c}`), '');
	md.push('## Limitations', '', ...model.limitations.map((l) => `- ${l}`), '');
	if (card.measured) {
		const m = card.measured;
		md.push(`## Measured results (${formatMonth(m.month)})`, '', `Extract: ${extract ? `built ${extract.builtAt}, fingerprint ${extract.fingerprint}` : 'unknown'}. Areas scored: ${formatCount(m.areas)}.`, '');
		// The month's scoring warnings, as the Model page and Priorities word them (the JSON keeps them as written).
		if (m.warnings.length > 0) md.push('Scoring warnings for this month:', '', ...m.warnings.map((w) => `- ${esc(readableWarning(w, m.month))}`), '');
		md.push(...model.bands.map((b) => `- ${b.label}: ${formatCount(m.band_counts[b.id] ?? 0)} area${(m.band_counts[b.id] ?? 0) === 1 ? '' : 's'}`), '');
		const noFairness = m.fairness && fairness ? fairnessUnavailable(fairness) : null;
		if (noFairness) md.push('### Fairness: flagged areas by IMD 2019 decile (1 = most deprived)', '', noFairness, '');
		else if (m.fairness) {
			// The columns and figures of the Fairness table on the Model page.
			const score = (v: number | null) => formatMetric(v, 3);
			md.push(
				'### Fairness: flagged areas by IMD 2019 decile (1 = most deprived)',
				'',
				'| decile | areas | flagged | expected if even | flagged share | mean score | median score | residents (mid-2015) | residents in flagged areas (mid-2015) |',
				'|---|---|---|---|---|---|---|---|---|'
			);
			for (const g of m.fairness.byDecile)
				md.push(
					`| ${esc(g.label)} | ${formatCount(g.areas)} | ${formatCount(g.flagged)} | ${formatMetric(g.expectedFlagged, 1)} | ${g.flaggedShare === null ? '—' : formatPercent(g.flaggedShare)} | ${score(g.meanScore)} | ${score(g.medianScore)} | ${formatCount(g.population)} | ${formatCount(g.flaggedPopulation)} |`
				);
			md.push('', FAIRNESS_RESIDENTS_NOTE, '', ...m.fairness.notes.map((n) => `- ${n}`), '');
		}
	}
	if (accuracy) md.push(...accuracyMarkdown(accuracy, '## Accuracy on later months: harm captured', 'areas', esc));
	if (areaSetAccuracy) {
		const many = areaSetAccuracy.area_set.toLowerCase();
		md.push(...accuracyMarkdown(areaSetAccuracy, `## Accuracy over your own areas (${many}): harm captured`, many, esc, `The same check with the ${many} of the source's own boundary file as the areas ranked, each judged on the month after. `));
	}
	if (ss) {
		const table = stopSearchCardTable(ss);
		md.push(`## Stop and search by ethnic group`, '', stopSearchCardLead(ss), '');
		// Where residents are an unfit denominator, said before the table, as the page says it in place of the ratio chart.
		if (ss.ratioWithheld) md.push(`**${esc(ss.ratioWithheld)}**`, '');
		md.push(`| ${table.header.join(' | ')} |`, `|${table.header.map(() => '---|').join('')}`);
		for (const r of table.rows) md.push(`| ${r.cells.map(esc).join(' | ')} |`);
		md.push('', 'Caveats (computed from the data):', '', ...ss.caveats.map((c) => `- ${esc(c.text)}`), '');
	}
	if (card.other_predictions) md.push(...otherPredictionsMarkdown(card.other_predictions, esc));
	const t = card.transparency_record;
	md.push('## Transparency record (ATRS style)', '', `- Name: ${t.tier_1.name}`, `- Owner: ${t.tier_2.owner_and_responsibility.organisation}`, `- Contact: ${t.tier_1.contact}`, `- Human review: ${t.tier_2.decision_making_process.process_integration}`);
	md.push(`- Model performance: ${accuracy ? accuracy.where_it_does_not_beat_baselines : 'not measured on this data (fewer than two months of street records).'}`);
	if (areaSetAccuracy) md.push(`- Model performance over the ${areaSetAccuracy.area_set.toLowerCase()}: ${areaSetAccuracy.where_it_does_not_beat_baselines}`);
	md.push('');
	md.push('## Changelog', '', ...model.changelog.map((c) => `- ${c.version} (${c.date}): ${c.change}`), '');
	return { json: JSON.stringify(card, null, '\t') + '\n', markdown: md.join('\n') };
}

/**
 * A measured accuracy in Markdown: months, extract, study region (`areas` names what was ranked),
 * the methods × shares table, the verdicts and where the model does not beat a baseline.
 */
function accuracyMarkdown(a: AccuracyRecord, heading: string, areas: string, esc: (s: string) => string, lead = ''): string[] {
	const md: string[] = [heading, ''];
	const months = a.test_months;
	md.push(
		`${lead}Measured on ${months.length} held-back month${months.length === 1 ? '' : 's'}, ${formatMonth(months[0])} to ${formatMonth(months.at(-1))}, each ranked from the data before it only. Extract: ${a.extract ? `built ${a.extract.builtAt}, fingerprint ${a.extract.fingerprint}` : 'unknown'}. Study region: ${a.study_region.forceArea ? `the force area, ${a.study_region.forceArea} (${formatCount(a.study_region.areas)} ${areas})` : `${formatCount(a.study_region.areas)} ${areas} with records (no force area declared)`}; ${formatCount(a.records_outside_force_area)} street record${a.records_outside_force_area === 1 ? '' : 's'} located outside it never counted. Harm: ${a.harm.unit}, with the weights and exclusions of the model ${modelVersionText(a.harm.weights_and_exclusions_of)}.`,
		''
	);
	const shares = a.methods[0]?.mean.map((m) => m.area_share) ?? [];
	md.push(`| method | ${shares.map((s) => `top ${shareLabel(s)}: harm held | harm-PAI`).join(' | ')} |`, `|---|${shares.map(() => '---|---|').join('')}`);
	for (const m of a.methods) {
		md.push(`| ${esc(m.label)}${m.baseline ? ' (baseline)' : m.method === a.judged ? ' (this model)' : ''} | ${m.mean.map((x) => `${formatShare(x.harm_share)} | ${formatPai(x.harm_pai)}`).join(' | ')} |`);
	}
	md.push('', ...a.verdicts.map((v) => `- ${v}`), '', `**${a.where_it_does_not_beat_baselines}**`, '');
	return md;
}

/** The card's section on the other predictions, in Markdown. */
function otherPredictionsMarkdown(o: OtherPredictions, esc: (s: string) => string): string[] {
	const md: string[] = ['## Other predictions in this product: demand forecasts and hot spots', ''];
	const f = formatMetric;
	const pc = formatShare;
	const h = o.hotspots;
	md.push('### Hot spots', '');
	if (!h) md.push('This data has no street records or timestamped incidents to rank.', '');
	else {
		md.push(
			`${h.window}, ${h.level_label}, over ${h.study_region}: mean PAI (share of the window's records in the top areas ÷ their share of the area) over ${h.origins.length} rolling windows (${formatMonth(h.origins[0])} to ${formatMonth(h.origins.at(-1))}), each ranked from the records before it only. Full table on the Accuracy page.`,
			''
		);
		const methods = h.budgets[0]?.methods ?? [];
		md.push(`| area share | ${methods.map((m) => `${esc(m.label)}${m.baseline ? ' (baseline)' : ''}`).join(' | ')} |`, `|---|${methods.map(() => '---|').join('')}`);
		for (const b of h.budgets) md.push(`| ${Math.round(b.budget_share * 100)}% | ${methods.map((m) => f(b.methods.find((x) => x.method === m.method)?.pai ?? null, 2)).join(' | ')} |`);
		md.push('');
		for (const b of h.budgets) md.push(...b.verdicts.map((v) => `- At ${Math.round(b.budget_share * 100)}% of the area: ${v.sentence}`));
		md.push('');
	}
	const d = o.demand;
	md.push('### Hourly demand', '');
	if (!d.available) md.push(d.sentence, '');
	else
		md.push(
			`${d.series} per hour, the ${d.weeks_ahead} weeks after ${d.history_end}: ${d.label} (${d.why}). Backtest over ${d.backtest_origins} weekly origins: MASE ${f(d.mase, 3)} against ${f(d.baseline_mase, 3)} for the mean of the same hour over the last 8 weeks; 80% intervals held ${pc(d.coverage80)} of the hours, 95% intervals ${pc(d.coverage95)}. ${DEMAND_COUNTS_SENTENCE} Full table on the Forecast page. ${MASE_READING}`,
			'',
			...(d.verdict ? [`- ${d.verdict}`] : []),
			`- ${d.coverage_sentence}`,
			''
		);
	if (o.monthly !== undefined) {
		const m = o.monthly;
		md.push('### Street records next month, by area', '');
		if (!m) md.push('This data has no street records with an area, so no monthly forecast by area is made.', '');
		else
			md.push(
				`${formatMonth(m.forecast_month)}, ${m.areas} ${m.level === 'lsoa' ? 'LSOAs' : 'areas'}${m.force_area ? ` of the force area (${esc(m.force_area)})` : ''}, trained on the months up to ${formatMonth(m.train_end)}: ${esc(m.label)} (${m.why}). Backtest MASE ${f(m.mase, 3)} against ${f(m.baseline_mase, 3)} for ${m.baseline}. Full table on the Forecast page. ${MASE_READING}`,
				'',
				...(m.verdict ? [`- ${m.verdict}`, ''] : [])
			);
	}
	return md;
}
