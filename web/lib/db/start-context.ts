/**
 * The start-up view (start-summary.ts) reaches the pages through Svelte context, set by the root
 * layout: the manifest and summary of the source being opened, or null when it has none to
 * use. Kept after the database is ready, so a page's figures stay on screen while its live
 * queries run, and then are the same. Type-only imports: this module never loads DuckDB.
 */
import { getContext, setContext } from 'svelte';
import type { StartView } from './start-summary';

const KEY = Symbol('clearsight:start-view');

/** Called once by the root layout with a getter for the start-up view of the source being opened. */
export function setStartViewContext(get: () => StartView | null): void {
	setContext(KEY, get);
}

/** The start-up view of the source being opened, or null (none, or another source). */
export function useStartView(): StartView | null {
	return getContext<(() => StartView | null) | undefined>(KEY)?.() ?? null;
}
