/**
 * The Map's first layer as the database's answer: when the start-up summary answers for the
 * database (web/lib/db/start-answers.ts), its count layer at each hexagon level, with the class
 * breaks and study region computed when the extract was built, is what the layer query
 * (layer-query.ts computeLayer) would give under the default filters, so the first live view
 * need not ask DuckDB for it (the engine's first code paths compile on that query, 0.3–0.9 s).
 * The next filter change asks the database. Pure functions, no DuckDB: proven equal to the live
 * query's layer over the real sample build in first-layer.test.ts.
 */
import type { CellValue } from '$analytics/explore/cell-values';
import type { CellLevel } from '$analytics/explore/filters';
import type { MapCell } from '$analytics/explore/map';
import type { StartSummary } from '$analytics/overview/summary';
import type { StudyRegion } from '$analytics/explore/study-region';
import type { LayerResult } from './layer-query';
import { startLayer } from './snapshot';

/** The cells of a layer as the map draws them, from the query's values (`names`: boundary levels' area names). */
export function mapCellsOf(values: readonly CellValue[], names?: ReadonlyMap<string, string>): MapCell[] {
	return values.map((v) => ({
		id: v.cell_id,
		name: names?.get(v.cell_id) ?? null,
		records: v.n,
		recordsOutside: v.outside,
		inForceArea: v.inForceArea,
		harm: v.harm,
		population: v.population,
		value: v.value
	}));
}

/** What a layer's geometries depend on (dataset, level): the map keeps its cells while it stays. */
export function geometryKeyOf(dataset: string, level: CellLevel): string {
	return JSON.stringify([dataset, level]);
}

/**
 * The layer query's answer for the summary's first layer at `level` (count measure, default
 * filters, the first layer's class method), or null when the summary has no such layer or did not
 * keep its study region (an older summary, or a force area over the summary's budget).
 */
export function startLayerResult(map: NonNullable<StartSummary['map']>, level: CellLevel): LayerResult | null {
	const kept = map.layers.find((l) => l.level === level);
	const drawn = startLayer(map, level);
	if (!kept?.region || map.forceArea === undefined || !drawn) return null;
	const { ids, ...rest } = kept.region;
	const region: StudyRegion = { ...rest, level, forceArea: map.forceArea, ids: ids === null ? null : new Set(ids) };
	return { layer: drawn.layer, geometryKey: geometryKeyOf(map.filters.dataset, level), classes: drawn.classes, hot: null, notes: [], region, outside: 0 };
}
