/**
 * The explore state every Map/Time view shares: what the loaded source offers (datasets,
 * categories, periods, cell levels) and the filters, read from the URL. Views never keep
 * filters of their own: they read them here and write them back through `writeFilters`, so the
 * URL is the one source of truth (shareable, survives reload, works with back/forward).
 */
import { goto } from '$app/navigation';
import { page } from '$app/state';
import {
	datasetLabels,
	streetHeldOf,
	mergeFiltersIntoUrl,
	parseFilters,
	filtersToUrl,
	withParentLevels,
	type ExploreAvailable,
	type ExploreFilters
} from '$analytics/explore/filters';
import { exploreDatasets, hourOfWeek, monthCategoryCounts, type DatasetSummary, type HourOfWeek, type MonthCategoryCounts } from '$analytics/explore/queries';
import { cached, Query } from '$lib/db/query.svelte';
import type { Database } from '$lib/db/duckdb';
import { filterChangeStarted } from './timing';

/** The source's datasets (the pre-aggregates are made first if it has none), once per database. */
export function datasetsFor(db: Database): Promise<DatasetSummary[]> {
	return cached(db, 'explore:datasets', async () => labelled(db, await exploreDatasets(db.runner)));
}

/**
 * The datasets with the source's labels (datasetLabels), the street records' by what they hold
 * (their categories: "Anti-social behaviour" for a source of anti-social behaviour only).
 */
function labelled(db: Database, datasets: readonly DatasetSummary[]): DatasetSummary[] {
	const labels = datasetLabels(db.manifest.sources, streetHeldOf(datasets.find((d) => d.dataset === 'incidents')?.categories));
	return datasets.map((d) => ({ ...d, label: labels[d.dataset] }));
}

/**
 * The datasets as the start-up summary holds them (computed by exploreDatasets when the extract
 * was built), kept as the database's answer, labelled as datasetsFor labels them. Only for a
 * summary that answers for the database (web/lib/db/start-answers.ts), and only when the extract
 * ships its pre-aggregates (else exploreDatasets makes them first, which must still happen).
 */
export function keepDatasets(db: Database, datasets: readonly DatasetSummary[]): void {
	const entry = (name: string) => db.manifest.datasets.find((d) => d.name === name);
	if (!((entry('explore_points')?.rows ?? 0) > 0 && entry('explore_hours'))) return;
	void cached(db, 'explore:datasets', async () => labelled(db, datasets));
}

export function availableOf(datasets: readonly DatasetSummary[]): ExploreAvailable {
	return {
		datasets: datasets.map((d) => d.dataset),
		categories: Object.fromEntries(datasets.map((d) => [d.dataset, d.categories.map((c) => c.category).filter((c): c is string => c !== null)])),
		levels: withParentLevels([...new Set(datasets.flatMap((d) => d.levels))])
	};
}

export class ExploreState {
	/** The source's datasets, read once per database (the one query primitive and cache). */
	readonly #datasets: Query<DatasetSummary[]>;
	readonly datasets = $derived.by(() => this.#datasets.data);
	readonly error = $derived.by(() => this.#datasets.error);
	readonly available = $derived(this.datasets ? availableOf(this.datasets) : null);
	readonly parsed = $derived(this.available ? parseFilters(page.url.searchParams, this.available) : null);
	readonly filters = $derived<ExploreFilters | null>(this.parsed?.filters ?? null);
	/** What was ignored in the URL, one sentence each. */
	readonly messages = $derived<string[]>(this.parsed?.messages ?? []);
	readonly summary = $derived(this.datasets && this.filters ? (this.datasets.find((d) => d.dataset === this.filters!.dataset) ?? null) : null);
	/** The filters' URL form: equal keys, equal state. */
	readonly key = $derived(this.filters ? filtersToUrl(this.filters).toString() : '');

	constructor(db: Database) {
		this.#datasets = new Query(() => datasetsFor(db));
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
 * The part of a filter state the Time views depend on (not the map's measure or layer, nor the
 * period comparison, which has its own query), as a
 * string: equal keys, equal figures.
 */
export function dataKey(f: ExploreFilters): string {
	return filtersToUrl({ ...f, measure: 'count', level: 'auto', compare: undefined }).toString();
}

/**
 * Month × category counts of a filter state, shared by the views that draw them (trend and
 * matrix run one query, not two), kept in the database's cache (web/lib/db/query.svelte.ts), so
 * back/forward is instant.
 */
export function monthCountsFor(db: Database, filters: ExploreFilters): Promise<MonthCategoryCounts> {
	return cached(db, `explore:counts:${dataKey(filters)}`, () => monthCategoryCounts(db.runner, filters));
}

/** Hour-of-week counts of a filter state, kept in the database's cache like the month counts. */
export function hoursFor(db: Database, filters: ExploreFilters): Promise<HourOfWeek> {
	return cached(db, `explore:hours:${dataKey(filters)}`, () => hourOfWeek(db.runner, filters));
}
