/** File names of the explore views' exports (CSV, PNG): view, dataset and period. */
import type { ExploreFilters } from '$analytics/explore/filters';

/** A file name part from a filter state: dataset and period. */
export function exportStem(view: string, dataset: string, from: string | null, to: string | null): string {
	return `clearsight-${view}-${dataset}${from ? `-from-${from}` : ''}${to ? `-to-${to}` : ''}`;
}

/** exportStem for a view under the given filters; the bare view name while they are unknown. */
export function filtersStem(view: string, filters: ExploreFilters | null): string {
	return filters ? exportStem(view, filters.dataset, filters.from, filters.to) : view;
}
