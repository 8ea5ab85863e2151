/**
 * The one way a view runs a query (web/lib/db/README.md, "Queries and the cache"):
 *
 * - `Query<T>`: the state of one query a component declares. The latest question asked wins: a
 *   slower answer to an older question is dropped, never shown over a newer one. Run it once
 *   (`new Query(fn)`), again (`run()`), or whenever a key of its inputs changes (`follow`).
 * - `cached(db, key, make)`: one cache per database, keyed by a string naming the question
 *   (function and bound values, never SQL with values in it). Promises are kept, so two views
 *   asking the same thing at once share one run. Eviction: least recently used beyond
 *   {@link CACHE_ENTRIES} entries per database; a failure is never kept (a retry runs again);
 *   the whole cache goes with its database (a WeakMap: opening another source starts afresh).
 */
import { untrack } from 'svelte';
import type { Database } from './duckdb';

/** Answers kept per database before the least recently used is dropped. */
export const CACHE_ENTRIES = 64;

const caches = new WeakMap<Database, Map<string, Promise<unknown>>>();

/**
 * The answer to `key` on `db`: the kept promise when there is one (marked most recently used),
 * else `make()`, kept until evicted. Keys name the question fully (e.g. `explore:counts:<filters>`).
 */
export function cached<T>(db: Database, key: string, make: () => Promise<T>): Promise<T> {
	let cache = caches.get(db);
	if (!cache) caches.set(db, (cache = new Map()));
	const kept = cache.get(key) as Promise<T> | undefined;
	if (kept) {
		cache.delete(key);
		cache.set(key, kept); // most recently used last
		return kept;
	}
	const made = make();
	made.catch(() => {
		if (cache.get(key) === made) cache.delete(key);
	});
	cache.set(key, made);
	while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
	return made;
}

/** Entries kept for `db` (for tests and the README's figures). */
export function cacheSize(db: Database): number {
	return caches.get(db)?.size ?? 0;
}

export class Query<T> {
	/** The latest answer shown; null until the first arrives. Replaced, never mutated. */
	data = $state.raw<T | null>(null);
	/** The latest failure's message; null after a success. */
	error = $state<string | null>(null);
	/** True from a question until its answer (or failure) is shown. */
	loading = $state(true);
	/** Key of the question the shown answer (or error) belongs to ('' for `run()` without a key). */
	shownKey = $state<string | null>(null);
	#ticket = 0;
	readonly #query: (() => Promise<T>) | null;

	/** With `query`: asked at once, and again on each `run()`. Without: use `follow` or `run(fn)`. */
	constructor(query: (() => Promise<T>) | null = null) {
		this.#query = query;
		if (query) void this.run();
	}

	/**
	 * Ask `query` (default: the constructor's), naming its inputs by `key`. Resolves true when
	 * this answer (or failure) was shown, false when a newer question was asked meanwhile.
	 */
	async run(query: (() => Promise<T>) | null = this.#query, key = ''): Promise<boolean> {
		if (!query) return false;
		const ticket = ++this.#ticket;
		this.loading = true;
		try {
			const data = await query();
			if (ticket !== this.#ticket) return false;
			this.data = data;
			this.error = null;
		} catch (error) {
			if (ticket !== this.#ticket) return false;
			this.error = error instanceof Error ? error.message : String(error);
		}
		this.shownKey = key;
		this.loading = false;
		return true;
	}

	/**
	 * Ask `ask(key)` whenever `key()` changes (only the key is tracked; null: nothing to ask yet).
	 * `asked(key)` is told first (e.g. for timing). Call while a component initialises.
	 */
	follow(key: () => string | null, ask: (key: string) => Promise<T>, asked?: (key: string) => void): this {
		$effect(() => {
			const k = key();
			if (k === null) return;
			untrack(() => {
				asked?.(k);
				void this.run(() => ask(k), k);
			});
		});
		return this;
	}

	/** Whether the shown answer (or error) belongs to `key`. */
	shows(key: string): boolean {
		return this.shownKey === key && !this.loading;
	}
}
