/**
 * The Map view's layer on the one query primitive (web/lib/db/query.svelte.ts): each layer, the
 * boundary polygons and the H3 hexagons drawn so far are kept in the database's cache, keyed by
 * everything they depend on, so back/forward and repeated states draw at once and two views of
 * the same database share them.
 */
import type { CellLevel, ExploreFilters } from '$analytics/explore/filters';
import { cellValues, readHarmWeights } from '$analytics/explore/queries';
import { cellChanges, changeClasses, type ChangeClasses } from '$analytics/compare/cells';
import type { Comparison } from '$analytics/compare/periods';
import { classBreaks, type ClassMethod, type Classes } from '$analytics/explore/classes';
import {
	HOT_SPOT_COLOURS,
	buildCellLayer,
	cellGeometries,
	coreBounds,
	forceAreaShape,
	giStarLayer,
	isH3Level,
	mapGiStar,
	polygonGeometries,
	studyRegion,
	type CellGeometry,
	type CellLayer,
	type ForceAreaShape,
	type GiStarResult,
	type StudyRegion
} from '$analytics/explore/map';
import type { Database } from '$lib/db/duckdb';
import { cached } from '$lib/db/query.svelte';
import { monthScores } from '$lib/thr/data';
import type { BBox } from './types';
import { FIRST_LAYER_METHOD, type StartSummary } from '$analytics/overview/summary';
import { geometryKeyOf, mapCellsOf, startLayerResult } from './first-layer';

export type MapMode = 'values' | 'hotspots';

/** Everything a layer depends on (the selection, area and box, is not part of it). */
export interface LayerInputs {
	filters: ExploreFilters;
	level: CellLevel;
	mode: MapMode;
	/** Hot spots: months of the window. */
	months: number;
	method: ClassMethod;
}

export interface LayerResult {
	layer: CellLayer;
	/** What the layer's geometries depend on (dataset, level): the map keeps its cells while it stays. */
	geometryKey: string;
	classes: Classes | null;
	hot: GiStarResult | null;
	/** Why cells have no value (no population, not scored), with how many, for the note under the map. */
	notes: Array<{ note: string; cells: number }>;
	region: StudyRegion;
	/** Hot spots: records of the window located outside the force area (not counted). */
	outside: number;
	/** The change measure: the periods compared, each cell's comparison value, the diverging classes (else absent). */
	change?: { periods: Comparison | null; comparison: ReadonlyMap<string, number | null>; classes: ChangeClasses };
}

/** The cache key of a layer: equal keys, equal layers. */
export function layerKey(p: LayerInputs): string {
	const f = p.filters;
	const key = [f.dataset, f.from, f.to, f.categories, f.measure, p.level, p.mode, p.months, p.method];
	// The change measure also depends on the comparison basis.
	return JSON.stringify(f.measure === 'change' && p.mode === 'values' ? [...key, f.compare ?? null] : key);
}

/** The force area's bounds and outline (null: none declared, no shape, or it could not be read), once per database. */
export function forceShapeFor(db: Database): Promise<ForceAreaShape | null> {
	return cached(db, 'map:force-shape', () => forceAreaShape(db.runner).catch(() => null));
}

/**
 * The force area's shape as the start-up summary holds it (computed by forceAreaShape when the
 * extract was built), kept as the database's answer so it is not computed again at start-up.
 * Only for a summary that answers for the database (web/lib/db/start-answers.ts).
 */
export function keepForceShape(db: Database, shape: ForceAreaShape): void {
	void cached(db, 'map:force-shape', async () => shape);
}

/** Hot-spot window of a layer whose URL names none (MapExplorer's default): part of every layer's key. */
export const DEFAULT_HOT_SPOT_MONTHS = 6;

/**
 * The start-up summary's Map answers kept as the database's (force area's shape, first layers
 * under the default filters: first-layer.ts), so the first live view asks DuckDB nothing the
 * summary holds. Only for a summary that answers for the database
 * (web/lib/db/start-answers.ts summaryAnswersFor); the caller checks.
 */
export function keepStartLayers(db: Database, map: NonNullable<StartSummary['map']>): void {
	if (map.forceShape) keepForceShape(db, map.forceShape);
	for (const { level } of map.layers) {
		const result = startLayerResult(map, level);
		if (!result) continue;
		const inputs: LayerInputs = { filters: map.filters, level, mode: 'values', months: DEFAULT_HOT_SPOT_MONTHS, method: FIRST_LAYER_METHOD };
		void cached(db, layerCacheKey(inputs), async () => result);
	}
}

/** The cache key of a layer, selection left out (as layerFor asks it). */
function layerCacheKey(inputs: LayerInputs): string {
	return `map:layer:${layerKey({ ...inputs, filters: { ...inputs.filters, area: null, bbox: null } })}`;
}

/** A boundary level's polygons and names, read once per database and level. */
function polygonsFor(db: Database, lv: 'lsoa' | 'district'): Promise<{ geometries: Map<string, CellGeometry>; names: Map<string, string> }> {
	return cached(db, `map:polygons:${lv}`, async () => {
		const geometries = new Map<string, CellGeometry>();
		const names = new Map<string, string>();
		for (const p of await polygonGeometries(db.runner, lv)) {
			geometries.set(p.id, p.geometry);
			if (p.name) names.set(p.id, p.name);
		}
		return { geometries, names };
	});
}

/** Geometries of `ids` at `lv` (a boundary level: all its polygons; H3: the hexagons made so far, these included). */
export async function geometriesFor(db: Database, lv: CellLevel, ids: readonly string[]): Promise<Map<string, CellGeometry>> {
	if (!isH3Level(lv)) return (await polygonsFor(db, lv)).geometries;
	const made = await cached(db, `map:hexagons:${lv}`, async () => new Map<string, CellGeometry>());
	const todo = ids.filter((id) => !made.has(id));
	for (const [id, g] of cellGeometries(lv, todo).geometries) made.set(id, g);
	return made;
}

async function namesFor(db: Database, lv: CellLevel): Promise<Map<string, string> | undefined> {
	return isH3Level(lv) ? undefined : (await polygonsFor(db, lv)).names;
}

/**
 * The harm_weights rows, read once per database: the browser makes the table once, when the
 * database starts (web/lib/db/duckdb.ts), so a filter change's layer need not ask for them again.
 */
function harmWeightsFor(db: Database) {
	return cached(db, 'map:harm-weights', () => readHarmWeights(db.runner));
}

async function thrScores(db: Database, month: string, level: 'lsoa' | 'district'): Promise<ReadonlyMap<string, number>> {
	const result = await monthScores(db, month, level);
	return new Map(result.areas.map((a) => [a.areaId, a.score]));
}

async function computeLayer(db: Database, { filters: f, level: lv, mode, months, method }: LayerInputs): Promise<LayerResult> {
	const geometryKey = geometryKeyOf(f.dataset, lv);
	if (mode === 'hotspots') {
		const { result, window, region } = await mapGiStar(db.runner, f, lv, months);
		const geometries = await geometriesFor(db, lv, result.cells.map((c) => c.id));
		const layer = giStarLayer(result, geometries, HOT_SPOT_COLOURS, await namesFor(db, lv), region.ids ? true : null);
		return { layer, geometryKey, classes: null, hot: result, notes: [], region, outside: window.outside };
	}
	let t = performance.now();
	const changes = f.measure === 'change' ? await cellChanges(db.runner, f, lv) : null;
	const [values, region] = await Promise.all([changes ? changes.cells : cellValues(db.runner, f, lv, { thr: (month, level) => thrScores(db, month, level), harmWeights: () => harmWeightsFor(db) }), studyRegion(db.runner, f.dataset, lv)]);
	t = step('map-values', t);
	const geometries = await geometriesFor(db, lv, values.map((v) => v.cell_id));
	const names = await namesFor(db, lv);
	t = step('map-geometries', t);
	const diverging = changes ? changeClasses(values.map((v) => v.value)) : null;
	const cls = diverging ? { method, min: diverging.min, breaks: diverging.breaks, colours: diverging.colours } : classBreaks(values.map((v) => v.value), method, 5);
	t = step('map-classes', t);
	const cells = mapCellsOf(values, names);
	const noteCounts = new Map<string, number>();
	for (const v of values) if (v.value === null && v.note) noteCounts.set(v.note, (noteCounts.get(v.note) ?? 0) + 1);
	const notes = [...noteCounts].map(([note, cells]) => ({ note, cells }));
	const layer = buildCellLayer(cells, geometries, cls);
	step('map-features', t);
	const change = changes && diverging ? { periods: changes.periods, comparison: new Map(changes.cells.map((c) => [c.cell_id, c.comparison])), classes: diverging } : undefined;
	return { layer, geometryKey, classes: cls, hot: null, notes, region, outside: 0, change };
}

/** A step of a layer's computation as a `clearsight:<name>` measure (read by `npm run bench`); returns now. */
function step(name: string, start: number): number {
	const end = performance.now();
	performance.measure(`clearsight:${name}`, { start, end });
	return end;
}

/** The layer for `inputs` (selection left out), from the database's cache or computed once. */
export function layerFor(db: Database, inputs: LayerInputs): Promise<LayerResult> {
	const p = { ...inputs, filters: { ...inputs.filters, area: null, bbox: null } };
	return cached(db, layerCacheKey(p), () => computeLayer(db, p));
}

/**
 * Where to open a dataset: the force area's bounds; without one, the bulk of its records (a
 * quick count at the coarsest level `coarse`, through coreBounds). Null: nothing to fit to.
 */
export async function openingBounds(db: Database, f: ExploreFilters, coarse: CellLevel): Promise<BBox | null> {
	const shape = await forceShapeFor(db);
	if (shape) return shape.bounds;
	const values = await cellValues(db.runner, { ...f, area: null, bbox: null, measure: 'count' }, coarse);
	const geometries = await geometriesFor(db, coarse, values.map((v) => v.cell_id));
	const cells = values.flatMap((v) => {
		const geometry = geometries.get(v.cell_id);
		return geometry ? [{ geometry, weight: v.n }] : [];
	});
	return coreBounds(cells);
}
