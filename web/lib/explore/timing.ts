/**
 * Performance marks of the explore pages (read by `npm run bench` and visible in DevTools):
 *
 * - `clearsight:explore-ready` (mark): the first time every view the page declared has drawn.
 * - `clearsight:filter-update` (measure): from a filter change (the user's action, or the URL
 *   changing by back/forward) until every view whose inputs changed has drawn the new state.
 * - `clearsight:view-<view>` (measure): from the same start until that view has drawn.
 *
 * A page calls `startExploreTiming(['map', 'trend', 'hours'])` once; each view calls
 * `viewPending(view, key)` when its inputs change (key = what it is about to draw) and
 * `viewDrawn(view, key)` once the DOM shows it; controls call `filterChangeStarted()` just
 * before writing the URL. A view whose inputs did not change is not waited for (the map does
 * not redraw for its own selection).
 */

interface TimingState {
	expected: Set<string>;
	drawnOnce: Set<string>;
	pending: Map<string, string>;
	start: number | null;
	ready: boolean;
	updates: number;
}

let state: TimingState = fresh([]);

function fresh(views: readonly string[]): TimingState {
	return { expected: new Set(views), drawnOnce: new Set(), pending: new Map(), start: null, ready: false, updates: 0 };
}

/** Declare the views of the page (call once when the page mounts). */
export function startExploreTiming(views: readonly string[]): void {
	const before = state.pending;
	state = fresh(views);
	// A view of this page may already have asked for its first drawing (children's effects can
	// run before the page's own); a view of a page left behind is forgotten.
	for (const [view, key] of before) if (state.expected.has(view)) state.pending.set(view, key);
	// Measured from here when nothing else started it.
	state.start = performance.now();
}

/** A control is about to change the filters: time from now. */
export function filterChangeStarted(): void {
	state.start = performance.now();
}

/** `view` is about to fetch and draw `key`. */
export function viewPending(view: string, key: string): void {
	if (state.pending.size === 0 && state.start === null) state.start = performance.now();
	state.pending.set(view, key);
}

/** `view` has drawn `key` (ignored if it has since been asked for something newer). */
export function viewDrawn(view: string, key: string): void {
	if (state.pending.get(view) !== key) return;
	state.pending.delete(view);
	state.drawnOnce.add(view);
	// When each view is done, from the start of the change (which view the update waits for).
	if (state.ready && state.start !== null) performance.measure(`clearsight:view-${view}`, { start: state.start, end: performance.now() });
	if (state.pending.size > 0) return;
	if (![...state.expected].every((v) => state.drawnOnce.has(v))) return;
	const start = state.start;
	state.start = null;
	if (!state.ready) {
		state.ready = true;
		performance.mark('clearsight:explore-ready');
		document.documentElement.dataset.exploreReady = 'true';
		return;
	}
	if (start !== null) {
		performance.measure('clearsight:filter-update', { start, end: performance.now() });
		state.updates++;
		document.documentElement.dataset.exploreUpdates = String(state.updates);
	}
}
