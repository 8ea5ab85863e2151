/** Writing the current page's URL parameters (listing filters and pages: web/lib/data). */
import { goto } from '$app/navigation';
import { page } from '$app/state';

/**
 * Set (or, for null or '', remove) URL parameters of the current page, replacing the history
 * entry and keeping focus and scroll: a filter or page change of a listing.
 */
export function setUrlParams(changes: Record<string, string | null>): void {
	const url = new URL(page.url);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === '') url.searchParams.delete(key);
		else url.searchParams.set(key, value);
	}
	void goto(url, { replaceState: true, keepFocus: true, noScroll: true });
}
