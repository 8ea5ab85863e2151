/**
 * The model card and a transparency record (UK Algorithmic Transparency Recording Standard
 * style), generated from the published model file, its harm weight table and results measured
 * on the loaded extract. Pure: the same inputs give the same text. Never hand-edited.
 */
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import type { FairnessReport, ScoreResult, ThrModel } from '$analytics/thr';
import type { ExtractVersion } from '$analytics/thr';

export interface ModelCardInput {
	model: ThrModel;
	weights: HarmWeightsModel;
	/** Scores of the month measured (published model). */
	result: ScoreResult | null;
	fairness: FairnessReport | null;
	extract: ExtractVersion | null;
	/** When generated (ISO); passed in so the output is reproducible. */
	generatedAt: string;
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
	transparency_record: ReturnType<typeof transparencyRecord>;
}

/** A record with the fields of the ATRS tier 1 and the main tier 2 sections, filled from the model file. */
export function transparencyRecord(model: ThrModel, weights: HarmWeightsModel) {
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
				bands: model.bands,
				tie_rule: model.tie_rule.description
			},
			data: {
				source: 'police.uk street-level crime and anti-social behaviour (incidents), month resolution, LSOA',
				harm_weights: { id: weights.id, version: weights.version, citation: weights.source.citation, caveats: weights.caveats },
				exclusions: [...weights.exclusions.map((e) => ({ ...e, by: 'harm weight table' })), ...model.exclusions.map((e) => ({ ...e, by: 'model' }))]
			},
			risks_mitigations_and_impact: { limitations: model.limitations, mitigations: ['Fairness figures by IMD decile published with the card', 'What-if analysis of weights and exclusions', 'Human review log'] }
		}
	};
}

/** The model card as JSON (pretty-printed) and as Markdown. */
export function modelCard(input: ModelCardInput): { json: string; markdown: string } {
	const { model, weights, result, fairness, extract, generatedAt } = input;
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
		transparency_record: transparencyRecord(model, weights)
	};
	const md: string[] = [];
	const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
	md.push(`# Model card: ${model.title}`, '', `Model \`${model.id}\` version ${model.version}. Generated ${generatedAt} from the model file and measured results; do not edit by hand.`, '');
	md.push(model.description, '', '## Owner', '', `${model.owner.name}. ${model.owner.role} Contact: ${model.owner.contact}`, '');
	md.push('## Intended use', '', model.intended_use, '', 'Not intended for:', '', ...model.not_intended_for.map((x) => `- ${x}`), '');
	md.push('## Components', '', '| id | label | unit | window (months) | weight | description |', '|---|---|---|---|---|---|');
	for (const c of model.components) md.push(`| ${c.id} | ${esc(c.label)} | ${esc(c.unit)} | ${c.window_months} | ${c.weight} | ${esc(c.description)} |`);
	md.push('', 'Each component is a percentile rank within scope, times its weight; the score is exactly the sum of the contributions.', '');
	for (const c of model.components) {
		if (c.kind !== 'risk') continue;
		md.push(
			c.forecast
				? `Risk (${c.id}): forecast of next month's harm by ${c.forecast.method === 'auto' ? `the method with the lowest backtest MASE among ${(c.forecast.candidates ?? ['seasonal-naive', 'seasonal-mean', 'poisson', 'holt-winters']).join(', ')}` : c.forecast.method}, from up to ${c.forecast.history_months} months of data to the assessment month only; ${Math.round(c.interval_level * 100)}% interval widened by the errors of a ${c.forecast.backtest_months}-origin rolling backtest.`
				: `Risk (${c.id}): ${c.method} (stand-in): mean monthly harm over ${c.window_months} months with a Poisson ${Math.round(c.interval_level * 100)}% interval.`,
			''
		);
	}
	md.push('## Bands', '', '| band | minimum score | meaning |', '|---|---|---|', ...model.bands.map((b) => `| ${b.label} | ${b.min_score} | ${esc(b.description)} |`), '', `Flag band: ${model.flag_band}. Ties: ${model.tie_rule.description}`, '');
	md.push('## Exclusions', '', '| category | excluded by | reason |', '|---|---|---|');
	for (const e of weights.exclusions) md.push(`| ${esc(e.category)} | harm weight table | ${esc(e.reason)} |`);
	for (const e of model.exclusions) md.push(`| ${esc(e.category)} | model | ${esc(e.reason)} |`);
	md.push('', '## Harm weights', '', `${weights.title} (\`${weights.id}\` v${weights.version}, ${weights.unit}). Source: ${weights.source.citation}`, '', '| category | weight | basis |', '|---|---|---|');
	for (const w of weights.weights) md.push(`| ${esc(w.category)} | ${w.weight} | ${w.basis} |`);
	md.push('', 'Caveats:', '', ...weights.caveats.map((c) => `- ${c}`), '');
	md.push('## Limitations', '', ...model.limitations.map((l) => `- ${l}`), '');
	if (card.measured) {
		const m = card.measured;
		md.push(`## Measured results (${m.month})`, '', `Extract: ${extract ? `built ${extract.builtAt}, fingerprint ${extract.fingerprint}` : 'unknown'}. Areas scored: ${m.areas}.`, '');
		md.push(...model.bands.map((b) => `- ${b.label}: ${m.band_counts[b.id] ?? 0} areas`), '');
		if (m.fairness) {
			md.push('### Fairness: flagged areas by IMD 2019 decile (1 = most deprived)', '', '| decile | areas | flagged | flagged share | mean score | population |', '|---|---|---|---|---|---|');
			for (const g of m.fairness.byDecile) md.push(`| ${esc(g.label)} | ${g.areas} | ${g.flagged} | ${g.flaggedShare === null ? '—' : g.flaggedShare.toFixed(3)} | ${g.meanScore === null ? '—' : g.meanScore.toFixed(3)} | ${g.population} |`);
			md.push('', ...m.fairness.notes.map((n) => `- ${n}`), '');
		}
	}
	const t = card.transparency_record;
	md.push('## Transparency record (ATRS style)', '', `- Name: ${t.tier_1.name}`, `- Owner: ${t.tier_2.owner_and_responsibility.organisation}`, `- Contact: ${t.tier_1.contact}`, `- Human review: ${t.tier_2.decision_making_process.process_integration}`, '');
	md.push('## Changelog', '', ...model.changelog.map((c) => `- ${c.version} (${c.date}): ${c.change}`), '');
	return { json: JSON.stringify(card, null, '\t') + '\n', markdown: md.join('\n') };
}
