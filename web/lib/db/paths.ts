import { base } from '$app/paths';

/**
 * Where the extracts folder is served, relative to the app (the static server and `vite dev`
 * both mount it at /data). Kept apart from duckdb.ts so components can link to files without
 * loading the database module.
 */
export const DATA_PATH = `${base}/data`;
