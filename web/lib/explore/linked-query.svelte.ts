/**
 * The query of one linked Map/Time view on the one query primitive (web/lib/db/query.svelte.ts):
 * it asks again whenever the filters' data key changes (not for the map's own measure or layer),
 * the latest answer wins, and the view is timed from pending to drawn for
 * `clearsight:filter-update` (timing.ts). Construct it while a component initialises.
 */
import type { ExploreFilters } from '$analytics/explore/filters';
import { Query } from '$lib/db/query.svelte';
import { dataKey, type ExploreState } from './state.svelte';
import { viewDrawn, viewPending } from './timing';

export function linkedQuery<T>(explore: () => ExploreState, view: string, run: (filters: ExploreFilters) => Promise<T>): Query<T> {
	const query = new Query<T>().follow(
		() => {
			const f = explore().filters;
			return f ? dataKey(f) : null;
		},
		() => run(explore().filters!),
		(key) => viewPending(view, key)
	);
	// A user effect: it runs after the DOM shows the new answer.
	$effect(() => {
		if (!query.loading && query.shownKey !== null) viewDrawn(view, query.shownKey);
	});
	return query;
}

/** For a view's `data-state`: 'ready' once the shown answer belongs to the current filters. */
export function viewState(query: Query<unknown>, explore: ExploreState): 'error' | 'ready' | 'loading' {
	if (query.error) return 'error';
	const f = explore.filters;
	return query.data !== null && f && query.shows(dataKey(f)) ? 'ready' : 'loading';
}
