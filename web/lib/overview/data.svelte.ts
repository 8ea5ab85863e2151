/**
 * What the Overview shows, from either source: the live queries once the database is ready,
 * and, until each has answered, the start-up summary's figures (analytics/overview/summary.ts),
 * computed by the same queries when the extract was built, so the hand-over changes no figure.
 * Before the database is ready there are no live queries, only the summary.
 *
 * When the database has loaded the very extract the summary was computed from (summaryAnswersFor:
 * the same summary file by sha256, the same datasets, the same harm model), the three queries are
 * not run again: their answers are the summary's, and asking DuckDB-wasm for them at start-up
 * (its first queries, each compiling code paths of the engine) only delayed the live view.
 */
import { monthlyTrendByCategory, overviewSummary, topCategories, type CategoryFigures, type MonthlyTrend, type OverviewSummary } from '$analytics/overview';
import { OVERVIEW_CATEGORY_LIMIT } from '$analytics/overview/summary';
import type { ExtractManifest } from '$analytics/ingest/extract-schema';
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import harmWeightsFile from '$models/harm-weights/cchi-police-uk-v2.json';
import type { Database } from '$lib/db/duckdb';
import type { StartView } from '$lib/db/start-summary';
import { summaryAnswersFor } from '$lib/db/start-answers';
import { Query } from '$lib/db/query.svelte';
import { formatCount } from '$lib/charts/format';

/** The harm model the database loads (web/lib/db/duckdb.ts HARM_MODEL), without loading DuckDB. */
const HARM_MODEL = harmWeightsFile as HarmWeightsModel;

export class OverviewData {
	readonly manifest: ExtractManifest;
	readonly harmModel: HarmWeightsModel;
	/** Whether live queries run (the database is ready). */
	readonly hasDatabase: boolean;
	readonly #summary: Query<OverviewSummary> | null = null;
	readonly #trend: Query<MonthlyTrend> | null = null;
	readonly #categories: Query<CategoryFigures[]> | null = null;
	readonly #start: StartView['summary']['overview'] | null;
	/** The summary's figures are this database's answers (no live query is asked). */
	readonly #answered: boolean;

	constructor(db: Database | null, start: StartView | null) {
		if (!db && !start) throw new Error('OverviewData needs the database or a start-up summary');
		this.#start = start?.summary.overview ?? null;
		this.manifest = db?.manifest ?? start!.manifest;
		this.harmModel = db?.harmModel ?? HARM_MODEL;
		this.hasDatabase = db !== null;
		this.#answered = db !== null && start !== null && summaryAnswersFor(start, db);
		if (db && !this.#answered) {
			this.#summary = new Query(() => overviewSummary(db.runner));
			this.#trend = new Query(() => monthlyTrendByCategory(db.runner));
			this.#categories = new Query(() => topCategories(db.runner, OVERVIEW_CATEGORY_LIMIT));
		}
	}

	readonly summary = $derived.by(() => this.#summary?.data ?? this.#start?.summary ?? null);
	readonly trend = $derived.by(() => this.#trend?.data ?? this.#start?.trend ?? null);
	readonly categories = $derived.by(() => this.#categories?.data ?? this.#start?.categories ?? null);
	readonly summaryError = $derived.by(() => this.#summary?.error ?? null);
	readonly trendError = $derived.by(() => this.#trend?.error ?? null);
	readonly categoriesError = $derived.by(() => this.#categories?.error ?? null);

	/**
	 * The force area's records (the headline) beside every record loaded (what the other figures
	 * count), when the extract declares a force area: its name from the manifest, the counts from
	 * the summary's query (OverviewSummary `forceArea`, the same on the first view and the live page).
	 */
	readonly forceArea = $derived.by(() => {
		const declared = this.manifest.force_area && this.manifest.force_area.method !== 'none' ? this.manifest.force_area : null;
		const counts = this.summary?.forceArea;
		return declared && counts && this.summary ? { name: declared.name, loaded: this.summary.records, ...counts } : null;
	});

	/**
	 * What the trend and the categories count when the headline is the force area's records: every
	 * record loaded, said with the figures that make the difference (null without a force area).
	 */
	readonly loadedNote = $derived.by(() => {
		const a = this.forceArea;
		if (!a) return null;
		const apart = [a.outside > 0 ? `the ${formatCount(a.outside)} located outside the force area` : null, a.unplaced > 0 ? `the ${formatCount(a.unplaced)} without a location` : null].filter((p) => p !== null);
		return `All ${formatCount(a.loaded)} records loaded${apart.length > 0 ? `, ${apart.join(' and ')} included` : ''} (the headline counts the ${formatCount(a.records)} in the force area, ${a.name}).`;
	});

	/** Every figure shown is live (each live query has answered, or the summary is the database's answer). */
	readonly live = $derived.by(() => this.#answered || [this.#summary, this.#trend, this.#categories].every((q) => q !== null && !q.loading));
	/** Some figure shown comes from the start-up summary. */
	readonly fromSummary = $derived.by(() => !this.live && this.#start !== null);
}
