/**
 * The explore state every Map/Time view shares: what the loaded source offers (datasets,
 * categories, periods, cell levels) and the filters, read from the URL. Views never keep
 * filters of their own: they read them here and write them back through `writeFilters`, so the
 * URL is the one source of truth (shareable, survives reload, works with back/forward).
 */
import { goto } from '$app/navigation';
import { page } from '$app/state';
import {
	mergeFiltersIntoUrl,
	parseFilters,
	filtersToUrl,
	type ExploreAvailable,
	type ExploreFilters
} from '$analytics/explore/filters';
import { exploreDatasets, monthCategoryCounts, type DatasetSummary, type MonthCategoryCounts } from '$analytics/explore/queries';
import type { Database } from '$lib/db/duckdb';
import { filterChangeStarted } from './timing';

const summaries = new WeakMap<Database, Promise<DatasetSummary[]>>();

/** The source's datasets (the pre-aggregates are made first if it has none), once per database. */
export function datasetsFor(db: Database): Promise<DatasetSummary[]> {
	let p = summaries.get(db);
	if (!p) {
		p = exploreDatasets(db.runner);
		p.catch(() => summaries.delete(db));
		summaries.set(db, p);
	}
	return p;
}

export function availableOf(datasets: readonly DatasetSummary[]): ExploreAvailable {
	return {
		datasets: datasets.map((d) => d.dataset),
		categories: Object.fromEntries(datasets.map((d) => [d.dataset, d.categories.map((c) => c.category).filter((c): c is string => c !== null)])),
		levels: [...new Set(datasets.flatMap((d) => d.levels))]
	};
}

export class ExploreState {
	datasets = $state.raw<DatasetSummary[] | null>(null);
	error = $state<string | null>(null);
	readonly available = $derived(this.datasets ? availableOf(this.datasets) : null);
	readonly parsed = $derived(this.available ? parseFilters(page.url.searchParams, this.available) : null);
	readonly filters = $derived<ExploreFilters | null>(this.parsed?.filters ?? null);
	/** What was ignored in the URL, one sentence each. */
	readonly messages = $derived<string[]>(this.parsed?.messages ?? []);
	readonly summary = $derived(this.datasets && this.filters ? (this.datasets.find((d) => d.dataset === this.filters!.dataset) ?? null) : null);
	/** The filters' URL form: equal keys, equal state. */
	readonly key = $derived(this.filters ? filtersToUrl(this.filters).toString() : '');

	constructor(db: Database) {
		datasetsFor(db)
			.then((d) => (this.datasets = d))
			.catch((e: unknown) => (this.error = e instanceof Error ? e.message : String(e)));
	}
}

/**
 * Write new filters to the URL as a new history entry (so back/forward step through them),
 * keeping every other parameter (`source` …) and the focus and scroll position.
 */
export function writeFilters(next: ExploreFilters): Promise<void> {
	const url = new URL(page.url);
	const params = mergeFiltersIntoUrl(url.searchParams, next);
	url.search = params.toString();
	if (url.search === page.url.search) return Promise.resolve();
	filterChangeStarted();
	return goto(url, { replaceState: false, keepFocus: true, noScroll: true });
}

/**
 * The part of a filter state the Time views depend on (not the map's measure or layer), as a
 * string: equal keys, equal figures.
 */
export function dataKey(f: ExploreFilters): string {
	return filtersToUrl({ ...f, measure: 'count', level: 'auto' }).toString();
}

const countCache = new WeakMap<Database, Map<string, Promise<MonthCategoryCounts>>>();

/**
 * Month × category counts of a filter state, shared by the views that draw them (trend and
 * matrix run one query, not two). The last few states are kept, so back/forward is instant.
 */
export function monthCountsFor(db: Database, filters: ExploreFilters): Promise<MonthCategoryCounts> {
	const key = dataKey(filters);
	let cache = countCache.get(db);
	if (!cache) countCache.set(db, (cache = new Map()));
	let p = cache.get(key);
	if (p) {
		cache.delete(key);
		cache.set(key, p); // most recently used last
		return p;
	}
	p = monthCategoryCounts(db.runner, filters);
	p.catch(() => cache.delete(key));
	cache.set(key, p);
	while (cache.size > 24) cache.delete(cache.keys().next().value!);
	return p;
}
