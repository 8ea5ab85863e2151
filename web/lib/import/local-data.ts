/**
 * Everything Clearsight keeps in this browser, and "clear all local data".
 *
 * - Imported sources: OPFS folder `clearsight-imports/` and IndexedDB database `clearsight-imports`.
 * - localStorage `clearsight:import-mappings:v1`: saved column mappings.
 * - localStorage `clearsight:review-log:v1`, `clearsight:review-head:v1` and
 *   `clearsight:review-log:v1:set-aside:<time>`: the review log (web/lib/review/store.svelte.ts).
 *   Review decisions are a record of human judgements, not imported data, so they are removed
 *   only when the user ticks "also delete the review log" (and confirms).
 * - Any other localStorage or sessionStorage key starting `clearsight:` (none today) is removed.
 */
import { getBackends } from './storage';

export const KEY_PREFIX = 'clearsight:';
export const MAPPINGS_KEY = 'clearsight:import-mappings:v1';
const REVIEW_PREFIX = 'clearsight:review-';

/** Whether a storage key belongs to the review log. */
export const isReviewKey = (key: string) => key.startsWith(REVIEW_PREFIX);

function keys(storage: Storage): string[] {
	const out: string[] = [];
	for (let i = 0; i < storage.length; i++) {
		const k = storage.key(i);
		if (k !== null && k.startsWith(KEY_PREFIX)) out.push(k);
	}
	return out.sort();
}

/** The app's localStorage keys now present (for the Data page to list). */
export function localStorageKeys(): string[] {
	try {
		return keys(localStorage);
	} catch {
		return [];
	}
}

export interface ClearReport {
	/** What was removed, in words, one item per line. */
	removed: string[];
	/** Review log keys kept because the user did not ask for them to go. */
	kept: string[];
}

/** Remove every trace of Clearsight's local data; the review log only if `includeReviewLog`. */
export async function clearAllLocalData(includeReviewLog: boolean): Promise<ClearReport> {
	const removed: string[] = [];
	const kept: string[] = [];
	const { opfs, indexeddb } = getBackends();
	if (opfs) {
		try {
			const n = (await opfs.list()).length;
			await opfs.clear();
			removed.push(`Origin Private File System folder clearsight-imports (${n} source${n === 1 ? '' : 's'})`);
		} catch {
			// OPFS not available here: nothing can be stored there either
		}
	}
	if (indexeddb) {
		const n = (await indexeddb.list().catch(() => [])).length;
		await indexeddb.clear();
		removed.push(`IndexedDB database clearsight-imports (${n} source${n === 1 ? '' : 's'})`);
	}
	for (const storage of [localStorage, sessionStorage]) {
		const where = storage === localStorage ? 'localStorage' : 'sessionStorage';
		for (const key of keys(storage)) {
			if (isReviewKey(key) && !includeReviewLog) {
				kept.push(`${where} ${key}`);
				continue;
			}
			storage.removeItem(key);
			removed.push(`${where} ${key}`);
		}
	}
	return { removed, kept };
}
