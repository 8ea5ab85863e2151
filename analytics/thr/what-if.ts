/**
 * What-if: score with changed weights or exclusions without touching the published model, and
 * show how the ranking moves. Changes are applied to deep copies, labelled as what-if in their
 * version, so an explanation of a what-if score can never be mistaken for the published one.
 */
import type { QueryRunner } from '../runner';
import type { HarmWeightsModel } from '../models/harm-weights';
import { assertThrModel, type ThrModel } from './model';
import { rescore, scoreMonth, type ScoreResult } from './score';
import type { RiskProvider } from './risk';

/** A proposed change; anything left out stays as published. */
export interface WhatIfChange {
	/** New weight per component id; all weights must still sum to 1. */
	componentWeights?: Record<string, number>;
	/**
	 * New harm weight per category (CCHI days, ≥ 0); a category the table lacks is added. It
	 * weighs every record of the category: the table's subgroup weights of that category, if any,
	 * are set aside in the what-if (subgroup weights are not edited one by one).
	 */
	harmWeights?: Record<string, number>;
	/** Categories to leave out of harm, with the reason (added to the model's exclusions). */
	exclude?: Array<{ category: string; reason: string }>;
	/** Excluded categories to bring back (whether the table or the model excludes them). */
	include?: string[];
	/** New threshold per band id: its min_score (score-threshold bands) or its cumulative_share (cumulative-expected-harm bands). */
	bandThresholds?: Record<string, number>;
}

/** Suffix added to the version of what-if copies. */
export const WHAT_IF_SUFFIX = '+what-if';

/**
 * Apply `change` to copies of a model and its harm weight table; the inputs are not modified.
 * The copies carry version `<version>+what-if` and still reference each other. Throws a
 * RangeError for an unknown component, band or excluded category, a negative weight, or a
 * result that fails {@link thrModelProblems} (e.g. weights that no longer sum to 1).
 */
export function applyWhatIf(model: ThrModel, weights: HarmWeightsModel, change: WhatIfChange): { model: ThrModel; weights: HarmWeightsModel } {
	const m: ThrModel = structuredClone(model);
	const w: HarmWeightsModel = structuredClone(weights);
	for (const [id, weight] of Object.entries(change.componentWeights ?? {})) {
		const c = m.components.find((x) => x.id === id);
		if (!c) throw new RangeError(`what-if: no component "${id}" in ${model.id} ${model.version}`);
		c.weight = weight;
	}
	for (const [id, min] of Object.entries(change.bandThresholds ?? {})) {
		const b = m.bands.find((x) => x.id === id);
		if (!b) throw new RangeError(`what-if: no band "${id}" in ${model.id} ${model.version}`);
		if (b.cumulative_share !== undefined) b.cumulative_share = min;
		else b.min_score = min;
	}
	for (const [category, weight] of Object.entries(change.harmWeights ?? {})) {
		if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`what-if: weight of "${category}" must be a finite number ≥ 0, got ${weight}`);
		const entry = w.weights.find((x) => x.category === category);
		if (entry) entry.weight = weight;
		else w.weights.push({ category, weight, basis: 'floor', note: 'added in a what-if' });
		if (w.subgroup_weights) w.subgroup_weights = w.subgroup_weights.filter((s) => s.category !== category);
	}
	for (const category of change.include ?? []) {
		const before = w.exclusions.length + m.exclusions.length;
		w.exclusions = w.exclusions.filter((e) => e.category !== category);
		m.exclusions = m.exclusions.filter((e) => e.category !== category);
		if (w.exclusions.length + m.exclusions.length === before) throw new RangeError(`what-if: "${category}" is not excluded, so it cannot be included`);
	}
	for (const e of change.exclude ?? []) {
		if (w.exclusions.some((x) => x.category === e.category) || m.exclusions.some((x) => x.category === e.category)) {
			throw new RangeError(`what-if: "${e.category}" is already excluded`);
		}
		m.exclusions.push({ category: e.category, reason: e.reason });
	}
	w.version = `${weights.version}${WHAT_IF_SUFFIX}`;
	m.version = `${model.version}${WHAT_IF_SUFFIX}`;
	m.harm_weights = { ...m.harm_weights, version: w.version };
	assertThrModel(m, w);
	return { model: m, weights: w };
}

/** How one area moved between two rankings. Null fields: not scored in that ranking. */
export interface RankChange {
	areaId: string;
	oldRank: number | null;
	newRank: number | null;
	/** oldRank − newRank: positive = moved up the list; null if either is missing. */
	rankChange: number | null;
	oldBand: string | null;
	newBand: string | null;
	bandChanged: boolean;
	oldScore: number | null;
	newScore: number | null;
}

/**
 * The rank-change table between two results for the same month: one row per area in either,
 * largest move first (then by new rank, then area id). Identical rankings give rankChange 0 and
 * bandChanged false everywhere.
 */
export function rankChanges(before: ScoreResult, after: ScoreResult): RankChange[] {
	const old = new Map(before.areas.map((a) => [a.areaId, a]));
	const now = new Map(after.areas.map((a) => [a.areaId, a]));
	const ids = [...new Set([...old.keys(), ...now.keys()])];
	const rows = ids.map((areaId): RankChange => {
		const o = old.get(areaId);
		const n = now.get(areaId);
		return {
			areaId,
			oldRank: o?.rank ?? null,
			newRank: n?.rank ?? null,
			rankChange: o && n ? o.rank - n.rank : null,
			oldBand: o?.band ?? null,
			newBand: n?.band ?? null,
			bandChanged: (o?.band ?? null) !== (n?.band ?? null),
			oldScore: o?.score ?? null,
			newScore: n?.score ?? null
		};
	});
	const size = (r: RankChange) => (r.rankChange === null ? Infinity : Math.abs(r.rankChange));
	return rows.sort(
		(a, b) => size(b) - size(a) || (a.newRank ?? Infinity) - (b.newRank ?? Infinity) || (a.areaId < b.areaId ? -1 : a.areaId > b.areaId ? 1 : 0)
	);
}

export interface WhatIfSummary {
	/** Areas in either ranking. */
	areas: number;
	/** Areas whose rank changed (or that entered/left). */
	rankChanged: number;
	bandChanged: number;
	/** Areas that entered / left the flag band. */
	flaggedIn: number;
	flaggedOut: number;
	/** Largest absolute rank move. */
	maxMove: number;
}

export interface WhatIfResult {
	published: ScoreResult;
	variant: ScoreResult;
	/** The what-if copies scored with. */
	model: ThrModel;
	weights: HarmWeightsModel;
	changes: RankChange[];
	summary: WhatIfSummary;
}

export interface WhatIfOptions {
	model: ThrModel;
	weights: HarmWeightsModel;
	month: string;
	change: WhatIfChange;
	/** The published scores for the month, if already computed (saves a query). */
	published?: ScoreResult;
	risk?: RiskProvider;
}

/**
 * Score `month` with the change applied to copies of the model and weights and compare with the
 * published ranking. Changes to component weights and band thresholds only reuse the published
 * raw values (no SQL); changes to harm weights or exclusions score again. The published model
 * and weights are never modified.
 */
export async function whatIf(runner: QueryRunner, options: WhatIfOptions): Promise<WhatIfResult> {
	const published = options.published ?? (await scoreMonth(runner, { model: options.model, weights: options.weights, month: options.month, risk: options.risk }));
	const copies = applyWhatIf(options.model, options.weights, options.change);
	const { harmWeights, exclude, include } = options.change;
	const rawUnchanged = !harmWeights && !exclude && !include;
	const variant = rawUnchanged
		? rescore(published, { model: copies.model, weights: copies.weights })
		: await scoreMonth(runner, { model: copies.model, weights: copies.weights, month: options.month, risk: options.risk });
	const changes = rankChanges(published, variant);
	const flag = options.model.flag_band;
	const summary: WhatIfSummary = {
		areas: changes.length,
		rankChanged: changes.filter((c) => c.rankChange !== 0).length,
		bandChanged: changes.filter((c) => c.bandChanged).length,
		flaggedIn: changes.filter((c) => c.newBand === flag && c.oldBand !== flag).length,
		flaggedOut: changes.filter((c) => c.oldBand === flag && c.newBand !== flag).length,
		maxMove: changes.reduce((mx, c) => Math.max(mx, c.rankChange === null ? 0 : Math.abs(c.rankChange)), 0)
	};
	return { published, variant, model: copies.model, weights: copies.weights, changes, summary };
}
