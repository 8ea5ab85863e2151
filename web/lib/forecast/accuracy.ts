/**
 * The held-out harm accuracy of the THR ranking (analytics/hotspots harmAccuracy), computed once
 * per database and shared by the Accuracy page and the model card on the Model page. The
 * published model is judged; the other model files listed here are shown beside it for
 * comparison, with the four simple baselines.
 */
import { harmAccuracy, type AccuracyModel, type HarmAccuracy } from '$analytics/hotspots';
import { modelAtUnit, type ThrModel } from '$analytics/thr';
import type { Database } from '$lib/db/duckdb';
import { cached } from '$lib/db/query.svelte';
import { THR_MODEL, type ThrUnit } from '$lib/thr/data';
import thrV3 from '$models/thr/thr-v3.json';
import thrV2 from '$models/thr/thr-v2.json';

/** Rolling origins: the last 12 months, each ranked from the months before it. */
export const ACCURACY_MONTHS = 12;

/** Model files compared with the published one (newest first); the published one is never listed twice. */
export const COMPARED_MODELS: readonly ThrModel[] = [thrV3 as unknown as ThrModel, thrV2 as unknown as ThrModel];

/** The models evaluated: the published model first (the one judged), then the compared ones. */
export function accuracyModels(weights: Database['harmModel']): AccuracyModel[] {
	const same = (a: ThrModel, b: ThrModel) => a.id === b.id && a.version === b.version;
	return [THR_MODEL, ...COMPARED_MODELS.filter((m) => !same(m, THR_MODEL))].map((model) => ({ model, weights }));
}

/**
 * The harm accuracy of the loaded data, ranking LSOAs or the source's own area set (`unit`): null
 * when it has fewer than two months of street data.
 * One computation per database, kept in its cache (web/lib/db/query.svelte.ts; a failure is not
 * kept, so a retry runs it again).
 */
export function harmAccuracyFor(db: Database, unit: ThrUnit = 'lsoa'): Promise<HarmAccuracy | null> {
	return cached(db, unit === 'lsoa' ? 'accuracy:harm' : `accuracy:harm:${unit}`, () => {
		const start = performance.now();
		const models = accuracyModels(db.harmModel).map((m) => ({ ...m, model: modelAtUnit(m.model, unit) }));
		const p = harmAccuracy(db.runner, { models, months: ACCURACY_MONTHS, level: unit });
		// One measure per computation, so a test can tell a reuse from a second run.
		void p.then(() => performance.measure('accuracy:harm-computed', { start, end: performance.now() }), () => {});
		return p;
	});
}
