/**
 * The start-up summary (`summary.json`): what the Overview shows on arrival and the Map page's
 * first layer under the default filters, computed when an extract is built (or imported) by the
 * SAME functions the pages run over the same tables, so the figures drawn while the in-browser
 * database starts are those the live view then shows. A few tens of kB at most, whatever the
 * number of records: per-category and per-month figures, and the map's cells only for the
 * hexagon levels whose cells fit {@link MAP_CELL_BUDGET}.
 *
 * It is tied to its extract by the datasets' names and sha256 (`datasets`): a summary whose
 * list differs from the manifest's (an older or newer build) is not used
 * ({@link matchesManifest}), and the page waits for the database as before.
 */
import type { QueryRunner } from '../runner';
import type { ExtractManifest } from '../ingest/extract-schema';
import { monthlyTrendByCategory, overviewSummary, topCategories, type CategoryFigures, type MonthlyTrend, type OverviewSummary } from './queries';
import { exploreDatasets, cellValues, type DatasetSummary } from '../explore/queries';
import { levelSql, whereOf } from '../explore/query-base';
import { num } from '../shared/numbers';
import { defaultFilters, withParentLevels, type CellLevel, type ExploreFilters } from '../explore/filters';
import { classBreaks, type ClassMethod, type Classes } from '../explore/classes';
import { cellGeometries, coreBounds, forceAreaShape, isH3Level, type ForceAreaShape } from '../explore/map';
import { studyRegion, type StudyRegion } from '../explore/study-region';
import type { ForceArea } from '../force-area';

export const SUMMARY_FILE = 'summary.json';
/** 2: the Overview's figures hold the force area's records (OverviewSummary `forceArea`); a version-1 summary is not read. */
export const SUMMARY_VERSION = 2;

/** Categories the Overview's table lists (web/lib/overview/TopCategories.svelte). */
export const OVERVIEW_CATEGORY_LIMIT = 20;
/** Class method and count of the Map page's first layer (web/lib/explore/map/MapExplorer.svelte). */
export const FIRST_LAYER_METHOD: ClassMethod = 'jenks';
export const FIRST_LAYER_CLASSES = 5;
/** Cells kept per hexagon level at most; a level with more is left out (the map then waits for the database). */
export const MAP_CELL_BUDGET = 600;
/** The force outline is kept when its JSON is at most this long (else the bounds alone). */
export const OUTLINE_BUDGET = 24_000;
/**
 * The first layers' study regions are kept when the force area's codes and the regions' cell ids
 * together are at most this long as JSON (else the map asks the database for its first layer).
 */
export const REGION_BUDGET = 24_000;

/** One cell of a first layer: id, records, harm, records outside the force area, in the force area (null: none declared). */
export type SummaryCell = [id: string, records: number, harm: number, outside: number, inForceArea: boolean | null];

export interface SummaryLayer {
	level: CellLevel;
	/** Cells with records, ordered by id (as cellValues gives them); value = records (the count measure). */
	cells: SummaryCell[];
	/** classBreaks of the cells' values, as the map computes them. */
	classes: Classes;
	/**
	 * The layer's study region (studyRegion of the dataset at this level) without its force area,
	 * which the map part holds once ({@link StartSummary} `map.forceArea`); absent when over
	 * {@link REGION_BUDGET} or in a summary written before it was kept.
	 */
	region?: SummaryRegion;
}

/** A study region as summary.json holds it: its cell ids as a sorted list. */
export type SummaryRegion = Omit<StudyRegion, 'level' | 'forceArea' | 'ids'> & { ids: string[] | null };

export interface StartSummary {
	summary_version: typeof SUMMARY_VERSION;
	/** Name → sha256 of every dataset of the extract the figures were computed from. */
	datasets: Record<string, string>;
	/** The harm model the harm figures used (id@version). */
	harm_model: string;
	overview: {
		summary: OverviewSummary;
		trend: MonthlyTrend;
		categories: CategoryFigures[];
	};
	/** The Map page's first layer under the default filters; null when the source has nothing to map. */
	map: {
		/** What the Explore views offer (exploreDatasets). */
		datasets: DatasetSummary[];
		/** The default filters (defaultFilters of the datasets offered). */
		filters: ExploreFilters;
		/** Where the map opens: the force area's bounds, else the bulk of the records at the coarsest level. */
		bounds: [number, number, number, number] | null;
		/** The force area's outline and name (null: none, or too large for the summary). */
		forceShape: ForceAreaShape | null;
		/** The count layer at each hexagon level that fits the budget (others are left out). */
		layers: SummaryLayer[];
		/**
		 * The force area of the layers' study regions (readForceArea; null: none declared); absent
		 * when the regions were not kept (see {@link SummaryLayer} `region`).
		 */
		forceArea?: ForceArea | null;
	} | null;
}

export interface SummaryOptions {
	/** Harm model id@version recorded in the summary. */
	harmModel: string;
	/** The datasets (name, sha256) of the extract, from its manifest entries. */
	datasets: ReadonlyArray<{ name: string; sha256?: string }>;
	/**
	 * Compute the map part (default true). The in-browser import leaves it out (its worker's
	 * database holds the records only); the source's own database computes it once ready
	 * (web/lib/db/start-summary.ts keepImportedSummaryCurrent).
	 */
	map?: boolean;
}

/** Name → sha256 of an extract's datasets (entries without a sha256, such as a table of a database file, count as ""). */
export function datasetDigests(datasets: ReadonlyArray<{ name: string; sha256?: string }>): Record<string, string> {
	return Object.fromEntries(datasets.map((d) => [d.name, d.sha256 ?? '']));
}

/**
 * Compute the summary over `runner`, whose tables are named and shaped as the browser's
 * (incidents, stop_search, harm_weights, explore_points, areas, districts, force_area,
 * force_cells …).
 */
export async function computeStartSummary(runner: QueryRunner, options: SummaryOptions): Promise<StartSummary> {
	const [summary, trend, categories] = [
		await overviewSummary(runner),
		await monthlyTrendByCategory(runner),
		await topCategories(runner, OVERVIEW_CATEGORY_LIMIT)
	];
	return {
		summary_version: SUMMARY_VERSION,
		datasets: datasetDigests(options.datasets),
		harm_model: options.harmModel,
		overview: { summary, trend, categories },
		map: options.map === false ? null : await firstMap(runner)
	};
}

/**
 * Whether {@link computeStartSummary} over `runner` gives a map part (not null): the source has
 * records in the Explore views' aggregates (exploreDatasets, which makes them when absent). A
 * source whose records have no location still has one (its layers empty, its bounds null).
 */
export async function hasMapPart(runner: QueryRunner): Promise<boolean> {
	return (await exploreDatasets(runner)).length > 0;
}

async function firstMap(runner: QueryRunner): Promise<StartSummary['map']> {
	const datasets = await exploreDatasets(runner);
	if (datasets.length === 0) return null;
	const filters = defaultFilters({ datasets: datasets.map((d) => d.dataset) });
	const offered = datasets.find((d) => d.dataset === filters.dataset)!;
	const layers: SummaryLayer[] = [];
	// Every hexagon level the Map can open on, the coarse parents of r7 (r5, r6: the national view) included.
	const hexagons = withParentLevels(offered.levels).filter(isH3Level);
	const counts = await cellCounts(runner, filters, hexagons);
	for (const level of hexagons) {
		// A level over the budget is left out without computing its layer (nationally: seconds each).
		if (counts.get(level)! > MAP_CELL_BUDGET) continue;
		const values = await cellValues(runner, filters, level);
		if (values.length > MAP_CELL_BUDGET) continue;
		layers.push({
			level,
			cells: values.map((v) => [v.cell_id, v.n, v.harm, v.outside, v.inForceArea]),
			classes: classBreaks(
				values.map((v) => v.value),
				FIRST_LAYER_METHOD,
				FIRST_LAYER_CLASSES
			)
		});
	}
	const shape = await forceAreaShape(runner).catch(() => null);
	let bounds = shape?.bounds ?? null;
	const coarse = offered.levels.find(isH3Level);
	if (!bounds && coarse) {
		// As the Map page opens a source without a force area (layer-query.ts openingBounds).
		// Counts only, read once: the SQL over the level's roll-up, not a cell cube kept for later filter changes (same figures, cell-values.ts).
		const values = await cellValues(runner, { ...filters, measure: 'count' }, coarse, { cube: { maxRows: 0 } });
		const { geometries } = cellGeometries(coarse, values.map((v) => v.cell_id));
		bounds = coreBounds(values.flatMap((v) => (geometries.has(v.cell_id) ? [{ geometry: geometries.get(v.cell_id)!, weight: v.n }] : [])));
	}
	const forceShape = shape && JSON.stringify(shape.outline).length <= OUTLINE_BUDGET ? shape : null;
	const regions = await firstRegions(runner, filters, layers);
	if (regions) {
		layers.forEach((layer, i) => (layer.region = regions.regions[i]));
		return { datasets, filters, bounds, forceShape, layers, forceArea: regions.forceArea };
	}
	return { datasets, filters, bounds, forceShape, layers };
}

/**
 * The study region of each first layer (what the Map's layer query reads beside the cells), or
 * null when they do not fit {@link REGION_BUDGET} (a national force area's codes).
 */
async function firstRegions(runner: QueryRunner, filters: ExploreFilters, layers: readonly SummaryLayer[]): Promise<{ forceArea: ForceArea | null; regions: SummaryRegion[] } | null> {
	if (layers.length === 0) return null;
	let forceArea: ForceArea | null = null;
	const regions: SummaryRegion[] = [];
	for (const layer of layers) {
		const { level: _level, forceArea: area, ids, ...rest } = await studyRegion(runner, filters.dataset, layer.level);
		forceArea = area;
		regions.push({ ...rest, ids: ids === null ? null : [...ids].sort() });
	}
	return JSON.stringify([forceArea, regions]).length <= REGION_BUDGET ? { forceArea, regions } : null;
}

/**
 * How many cells `cellValues(runner, filters, level)` gives at each level, without computing
 * them: its rows are the distinct non-null cell ids of `explore_points` rows under the filters'
 * dataset, period and categories (the map layer leaves its own selection out), one scan for all
 * levels. Tested against cellValues' lengths (scripts/lib/summary-file.test.ts).
 */
export async function cellCounts(runner: QueryRunner, filters: ExploreFilters, levels: readonly CellLevel[]): Promise<Map<CellLevel, number>> {
	if (levels.length === 0) return new Map();
	const w = whereOf(filters, { on: 'aggregate', area: false, bbox: false });
	const [row] = await runner.rows(
		`SELECT ${levels.map((l, i) => `count(DISTINCT ${levelSql(l)})::BIGINT AS c${i}`).join(', ')} FROM explore_points WHERE ${w.sql}`,
		w.params
	);
	return new Map(levels.map((l, i) => [l, num(row[`c${i}`])]));
}

/** Whether a summary belongs to the extract of `manifest` (same datasets, same sha256). */
export function matchesManifest(summary: StartSummary, manifest: Pick<ExtractManifest, 'datasets'>): boolean {
	const own = datasetDigests(manifest.datasets as ReadonlyArray<{ name: string; sha256?: string }>);
	const theirs = summary.datasets;
	const keys = Object.keys(own);
	return keys.length === Object.keys(theirs).length && keys.every((k) => theirs[k] === own[k]);
}

/**
 * Whether `json` (a parsed summary.json) is a summary this app draws for the extract of
 * `manifest` whose harm figures are weighted by `harmModel` (id@version): of this
 * {@link SUMMARY_VERSION}, of the same datasets (same sha256), with the same harm model. False
 * for anything else (an older version, another build, not a summary at all); never throws.
 */
export function isCurrentSummary(json: unknown, manifest: Pick<ExtractManifest, 'datasets'>, harmModel: string): boolean {
	const summary = readStartSummary(json);
	return summary !== null && matchesManifest(summary, manifest) && summary.harm_model === harmModel;
}

/** A parsed summary.json, or null when it is not one this app reads (never throws). */
export function readStartSummary(json: unknown): StartSummary | null {
	if (typeof json !== 'object' || json === null) return null;
	const s = json as Partial<StartSummary>;
	if (s.summary_version !== SUMMARY_VERSION || typeof s.datasets !== 'object' || s.datasets === null) return null;
	const o = s.overview;
	if (!o || typeof o.summary !== 'object' || !o.trend || !Array.isArray(o.trend.months) || !Array.isArray(o.categories)) return null;
	if (s.map !== null && (typeof s.map !== 'object' || !Array.isArray(s.map.layers) || !Array.isArray(s.map.datasets))) return null;
	return s as StartSummary;
}
