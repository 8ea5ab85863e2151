/**
 * When the start-up summary (start-summary.ts) answers for the database: its figures are what
 * the database would give to the queries that computed them at build time, so a page need not ask
 * them again while the engine is still compiling its first code paths. Type-only imports of the
 * database: this module never loads DuckDB.
 */
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import { matchesManifest } from '$analytics/overview/summary';
import type { Database } from './duckdb';
import type { StartView } from './start-summary';

/** `id@version`, as the extract builder records the harm model in summary.json. */
export function harmModelTag(model: Pick<HarmWeightsModel, 'id' | 'version'>): string {
	return `${model.id}@${model.version}`;
}

/**
 * Whether the start-up summary's figures are `db`'s answers: the database is of the summary's
 * source and loaded the same summary file (the sha256 in its own manifest), the summary was
 * computed from the datasets that manifest lists (same sha256 each), and with the harm model the
 * database weights by.
 */
export function summaryAnswersFor(view: StartView, db: Pick<Database, 'source' | 'manifest' | 'harmModel'>): boolean {
	const own = db.manifest.summary;
	return (
		view.sourceId === db.source.id &&
		own !== undefined &&
		own.sha256 === view.manifest.summary?.sha256 &&
		matchesManifest(view.summary, db.manifest) &&
		view.summary.harm_model === harmModelTag(db.harmModel)
	);
}
