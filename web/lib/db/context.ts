/**
 * The database reaches components through Svelte context set by the root layout, which renders
 * pages only once the database is ready. Type-only import: this module never loads DuckDB.
 */
import { getContext, setContext } from 'svelte';
import type { Database } from './duckdb';

const KEY = Symbol('clearsight:database');

/** Called once by the root layout with a getter for the database (null until ready). */
export function setDatabaseContext(get: () => Database | null): void {
	setContext(KEY, get);
}

/** The ready database, for components rendered inside the root layout. */
export function useDatabase(): Database {
	const get = getContext<(() => Database | null) | undefined>(KEY);
	const db = get?.();
	if (!db) throw new Error('useDatabase(): the database is not ready; components using it must render inside the root layout');
	return db;
}

/**
 * The database when it is ready, else null: for the pages that draw a first view from the
 * start-up summary while it starts (the Overview, the Map; start-context.ts).
 */
export function useDatabaseIfReady(): Database | null {
	return getContext<(() => Database | null) | undefined>(KEY)?.() ?? null;
}
