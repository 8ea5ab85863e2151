/**
 * The query behind one linked view: it runs again whenever the filters' data key changes, the
 * latest answer wins (a slower, older answer is dropped), and the view is timed from pending to
 * drawn for `clearsight:filter-update` (timing.ts). Construct it while a component initialises.
 */
import type { ExploreFilters } from '$analytics/explore/filters';
import { dataKey, type ExploreState } from './state.svelte';
import { viewDrawn, viewPending } from './timing';

export class ViewQuery<T> {
	/** The latest answer; null until the first one arrives. */
	data = $state.raw<T | null>(null);
	/** The latest failure's message; null after a success. */
	error = $state<string | null>(null);
	/** Data key of the filters the shown answer (or error) belongs to. */
	shownKey = $state('');
	/** Data key of the current filters ('' while they are unknown). */
	key = $derived.by(() => {
		const f = this.#explore().filters;
		return f ? dataKey(f) : '';
	});
	/** For the view's `data-state`: 'ready' once the shown answer belongs to the current filters. */
	state = $derived<'error' | 'ready' | 'loading'>(this.error ? 'error' : this.data && this.shownKey === this.key ? 'ready' : 'loading');
	#explore: () => ExploreState;
	#ticket = 0;

	constructor(explore: () => ExploreState, view: string, run: (filters: ExploreFilters) => Promise<T>) {
		this.#explore = explore;
		$effect(() => {
			const f = this.#explore().filters;
			const k = this.key;
			if (!f) return;
			viewPending(view, k);
			const t = ++this.#ticket;
			run(f)
				.then((answer) => {
					if (t !== this.#ticket) return;
					this.data = answer;
					this.error = null;
					this.shownKey = k;
				})
				.catch((e: unknown) => {
					if (t !== this.#ticket) return;
					this.error = e instanceof Error ? e.message : String(e);
					this.shownKey = k;
				});
		});
		// A user effect: it runs after the DOM shows the new answer.
		$effect(() => {
			if (this.shownKey && (this.data || this.error)) viewDrawn(view, this.shownKey);
		});
	}
}
