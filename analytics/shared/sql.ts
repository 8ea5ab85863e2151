/**
 * Small SQL builders shared by every analytics query. Values are always bound parameters; the
 * column passed in is SQL the caller built from a known list (e.g. via `ident`), never user text.
 */
import type { Param } from '../runner';

/** A piece of SQL with the parameters it binds, in text order. */
export interface SqlPart {
	sql: string;
	params: Param[];
}

/** `?, ?, ?` for `n` values (n ≥ 0; 0 gives ''). */
export function placeholders(n: number): string {
	return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * What an empty list of values means, stated by the caller, never guessed:
 * - 'all': no restriction (e.g. Explore's "no category chosen" = every category); the part is `true`;
 * - 'none': nothing matches (e.g. a forecast over an explicitly empty set of categories); the part is `false`.
 */
export type EmptyListMeans = 'all' | 'none';

/**
 * `column IN (?, …)` binding `values`. An empty list gives `true` or `false` as `empty` says
 * (SQL has no empty `IN ()`). `column` must be trusted SQL (an identifier from a known list).
 */
export function inList(column: string, values: readonly Param[], empty: EmptyListMeans): SqlPart {
	if (values.length === 0) return { sql: empty === 'all' ? 'true' : 'false', params: [] };
	return { sql: `${column} IN (${placeholders(values.length)})`, params: [...values] };
}

/**
 * Rows whose `column` is NULL or not one of `values`: `(column IS NULL OR column NOT IN (?, …))`,
 * binding `values`. Leaves those values out while keeping the rows that have none (SQL's
 * `NOT IN` alone drops NULLs). An empty list leaves nothing out: `true`.
 */
export function notInList(column: string, values: readonly Param[]): SqlPart {
	if (values.length === 0) return { sql: 'true', params: [] };
	return { sql: `(${column} IS NULL OR ${column} NOT IN (${placeholders(values.length)}))`, params: [...values] };
}

/**
 * The conjunction of parts: parts that are exactly `true` are dropped (so an `inList(…, 'all')`
 * over an empty list adds nothing to the text); no part left gives `true`.
 */
export function allOf(parts: readonly SqlPart[]): SqlPart {
	const kept = parts.filter((p) => p.sql !== 'true');
	if (kept.length === 0) return { sql: 'true', params: [] };
	return { sql: kept.map((p) => p.sql).join(' AND '), params: kept.flatMap((p) => p.params) };
}
