/**
 * The Stop and search page's questions, each kept in the database's one cache
 * (web/lib/db/query.svelte.ts) under a `stop-search:` key naming the function and its scope, so a
 * state seen before (back/forward, a basis toggled twice) is answered at once. Every figure comes
 * from analytics/stop-search; the only SQL here lists what the controls offer (constant
 * statements, no value in them).
 */
import {
	disproportionality,
	drugPossessionOnly,
	ethnicityAgreement,
	stopSearchRecords,
	stopSearchSplits,
	type RecordQuery,
	type SplitBy,
	type StopSearchScope
} from '$analytics/stop-search';
import { cached } from '$lib/db/query.svelte';
import type { Database } from '$lib/db/duckdb';
import { scopeKey } from './url';

export interface ScopeChoices {
	/** Months with searches, oldest first. */
	months: string[];
	/** Local authorities of the force area, by name. */
	lads: Array<{ code: string; name: string }>;
	/** The force area's name, null when the extract declares none. */
	forceName: string | null;
}

/** What the period and area controls offer. */
export function scopeChoices(db: Database): Promise<ScopeChoices> {
	return cached(db, 'stop-search:choices', async () => {
		const months = await db.runner.rows<{ month: string }>('SELECT DISTINCT month FROM stop_search WHERE month IS NOT NULL ORDER BY month');
		const lads = await db.runner
			.rows<{ code: string; name: string | null; force: string | null }>(
				'SELECT lad_code AS code, any_value(lad_name) AS name, any_value(force_name) AS force FROM force_area WHERE lad_code IS NOT NULL GROUP BY lad_code ORDER BY 2, 1'
			)
			.catch(() => []);
		const force = await db.runner.rows<{ force: string | null }>('SELECT any_value(force_name) AS force FROM force_area').catch(() => []);
		return {
			months: months.map((m) => String(m.month)),
			lads: lads.map((l) => ({ code: String(l.code), name: l.name === null ? String(l.code) : String(l.name) })),
			forceName: force[0]?.force ?? null
		};
	});
}

export const rates = (db: Database, scope: StopSearchScope) => cached(db, `stop-search:rates:${scopeKey(scope)}`, () => disproportionality(db.runner, scope));

export const agreement = (db: Database, scope: StopSearchScope) =>
	cached(db, `stop-search:agreement:${scopeKey({ ...scope, basis: 'self' })}`, () =>
		ethnicityAgreement(db.runner, { ...(scope.from ? { from: scope.from } : {}), ...(scope.to ? { to: scope.to } : {}), area: scope.area })
	);

export const splits = (db: Database, scope: StopSearchScope, by: SplitBy) =>
	cached(db, `stop-search:split:${by}:${scopeKey(scope)}`, () => stopSearchSplits(db.runner, scope, by));

export const drugs = (db: Database, scope: StopSearchScope) => cached(db, `stop-search:drugs:${scopeKey(scope)}`, () => drugPossessionOnly(db.runner, scope));

export const records = (db: Database, scope: StopSearchScope, query: RecordQuery) =>
	cached(db, `stop-search:records:${scopeKey(scope)}:${JSON.stringify(query)}`, () => stopSearchRecords(db.runner, scope, query));
