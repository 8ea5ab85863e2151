/**
 * The Stop and search page's questions, each kept in the database's one cache
 * (web/lib/db/query.svelte.ts) under a `stop-search:` key naming the function and its scope, so a
 * state seen before (back/forward, a basis toggled twice) is answered at once. Everything comes
 * from analytics/stop-search; no SQL here.
 */
import {
	disproportionality,
	drugPossessionOnly,
	ethnicityAgreement,
	stopSearchCoverage,
	stopSearchRecords,
	stopSearchSplits,
	type StopSearchCoverage,
	type RecordQuery,
	type SplitBy,
	type StopSearchScope
} from '$analytics/stop-search';
import { monthIndex, monthKey } from '$analytics/shared/months';
import { cached } from '$lib/db/query.svelte';
import type { Database } from '$lib/db/duckdb';
import { scopeKey } from './url';

export interface ScopeChoices extends StopSearchCoverage {
	/** Every month from the first to the last with searches, oldest first. */
	months: string[];
}

/** What the period and area controls offer (stopSearchCoverage), with the months spelled out. */
export function scopeChoices(db: Database): Promise<ScopeChoices> {
	return cached(db, 'stop-search:coverage', async () => {
		const c = await stopSearchCoverage(db.runner);
		const months: string[] = [];
		if (c.first && c.last) for (let i = monthIndex(c.first); i <= monthIndex(c.last); i++) months.push(monthKey(i));
		return { ...c, months };
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
