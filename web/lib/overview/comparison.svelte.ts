/**
 * The Overview's period comparison state: the period and basis from the URL (from, to, compare:
 * the Map and Time parameters) and, once a basis is chosen and the database is ready, the
 * comparison (analytics/compare/overview.ts), asked again when the URL changes and kept in the
 * database's cache. With no basis nothing is asked. Construct while a component initialises.
 */
import { page } from '$app/state';
import { parseCompareBasis } from '$analytics/compare/periods';
import { overviewComparison, type OverviewComparison } from '$analytics/compare/overview';
import { isMonthKey } from '$analytics/shared/months';
import type { Database } from '$lib/db/duckdb';
import { cached, Query } from '$lib/db/query.svelte';

export class OverviewComparisonState {
	readonly db: Database | null;
	readonly from = $derived.by(() => month(page.url.searchParams.get('from')));
	readonly to = $derived.by(() => month(page.url.searchParams.get('to')));
	readonly basis = $derived.by(() => parseCompareBasis(page.url.searchParams.get('compare')));
	/** What the shown comparison depends on; null when there is nothing to ask. */
	readonly key = $derived.by(() => (this.basis && this.db ? `${this.from ?? ''}..${this.to ?? ''}:${this.basis}` : null));
	readonly #query: Query<OverviewComparison | null>;
	readonly data = $derived.by(() => this.#query.data);
	readonly error = $derived.by(() => this.#query.error);
	/** The shown answer belongs to the URL's period and basis. */
	readonly ready = $derived.by(() => this.key !== null && this.#query.shows(this.key));

	constructor(db: Database | null) {
		this.db = db;
		this.#query = new Query<OverviewComparison | null>().follow(
			() => this.key,
			(k) => cached(db!, `overview-compare:${k}`, () => overviewComparison(db!.runner, { from: this.from, to: this.to }, this.basis!))
		);
	}
}

function month(v: string | null): string | null {
	return v && isMonthKey(v) ? v : null;
}
