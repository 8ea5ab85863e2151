/**
 * The THR ranking (analytics/thr) as a hot-spot method, so it is scored on held-back months beside
 * the baselines (last period's counts, kernel density): the areas are ordered by their THR score
 * for the assessment month `trainEnd`, computed by the engine from data up to `trainEnd` only.
 *
 * Scope: THR scores the areas with harm-counting incidents in the model's longest window; the
 * rest of the study region (areas with records, but only of excluded categories or only
 * earlier) gets 0 and comes last. The score is the THR score (0–1); equal scores are one block in
 * the evaluation (expected result of breaking the tie at random) and are ordered by area id in
 * the command's output, like every method here — THR's own tie rule (harm, then area) is not
 * used, so the comparison with the baselines is on equal terms.
 */
import type { HarmWeightsModel } from '../models/harm-weights';
import { scoreMonth, scoreMonths, type ScoreResult } from '../thr/score';
import { modelAtUnit, type AreaUnit, type ThrModel } from '../thr/model';
import type { RiskProvider } from '../thr/risk';
import type { HotspotMethod } from './rank';

export interface ThrHotspotOptions {
	/** A THR model file (e.g. models/thr/thr-v2.json); its area unit is replaced by the ranking's level. */
	model: ThrModel;
	/** The harm weight table the model references. */
	weights: HarmWeightsModel;
	/** Override of the model's Risk provider (tests). */
	risk?: RiskProvider;
	/** Method name in outputs; default 'thr'. Comparing several models: {@link thrMethodName}. */
	name?: string;
}

const UNITS: readonly AreaUnit[] = ['lsoa', 'h3_r7', 'h3_r8', 'h3_r9', 'district'];

/** A name for one model among several, from its id and major version: 'thr-v3' for thr 3.0.0. */
export function thrMethodName(model: ThrModel): string {
	return `${model.id}-v${model.version.split('.')[0]}`;
}

/** A plain label: "THR v3" for the thr model 3.x, else "THR <id> v<version>". */
export function thrMethodLabel(model: ThrModel): string {
	return model.id === 'thr' ? `THR v${model.version.split('.')[0]}` : `THR ${model.id} v${model.version}`;
}

/** The THR score as a {@link HotspotMethod} (not a baseline), named 'thr' unless `name` is given. */
export function thrHotspotMethod(options: ThrHotspotOptions): HotspotMethod {
	const { model, weights } = options;
	/** The model with the ranking's level as its area unit; throws for tables and levels THR does not score. */
	const scopedModel = (table: string, level: string): ThrModel => {
		if (table !== 'incidents') throw new RangeError(`the THR ranking scores street records (incidents), not ${table}`);
		if (!(UNITS as readonly string[]).includes(level)) throw new RangeError(`the THR ranking has no area unit ${level}; use one of ${UNITS.join(', ')}`);
		const unit = level as AreaUnit;
		return modelAtUnit(model, unit);
	};
	return {
		name: options.name ?? 'thr',
		label: thrMethodLabel(model),
		description: `THR score (${model.id} ${model.version}) for the last month of training data`,
		baseline: false,
		// Every origin's scores in one SQL pass (scoreMonths): each month from data up to itself only.
		async prepare(ctx) {
			const scoped = scopedModel(ctx.table, ctx.level);
			const results = await scoreMonths(ctx.runner, { model: scoped, weights, months: ctx.trainEnds, risk: options.risk });
			return new Map(results.map((r) => [`${ctx.level}|${r.month}`, r]));
		},
		async rank(ctx) {
			const scoped = scopedModel(ctx.table, ctx.level);
			const ready = ctx.prepared instanceof Map ? (ctx.prepared.get(`${ctx.level}|${ctx.trainEnd}`) as ScoreResult | undefined) : undefined;
			const result = ready ?? (await scoreMonth(ctx.runner, { model: scoped, weights, month: ctx.trainEnd, risk: options.risk }));
			const scores = new Map(result.areas.map((a) => [a.areaId, a.score]));
			const risk = result.components.find((c) => c.kind === 'risk');
			return {
				scores,
				detail: `THR ${model.id} ${model.version} scores for ${ctx.trainEnd} (${result.areas.length} areas in scope${risk?.riskMethod ? `; Risk ${risk.riskMethod}` : ''})`
			};
		}
	};
}
