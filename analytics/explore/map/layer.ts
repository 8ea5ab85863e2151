/**
 * The map layer as data: one GeoJSON feature per cell with its figures, class and colour. The
 * same rows feed the map (setData), the cells table beside it, the GeoJSON export and the CSV
 * export, so what is exported is exactly what is on screen.
 */
import type { CellLevel, ExploreDataset, Measure } from '../filters';
import type { CellGeometry, MultiLineGeometry } from './geometry';

/** One cell's figures, as the map shows them. */
export interface MapCell {
	/** H3 index, LSOA code or district id. */
	id: string;
	/** LSOA or district name; null for hexagons. */
	name: string | null;
	/** Records in the cell under the current filters. */
	records: number;
	/** Of `records`, those located outside the force area (counted and shown, never scored). */
	recordsOutside: number;
	/** Whether the cell is part of the force area (the study region); null when the source declares none. */
	inForceArea: boolean | null;
	/** Harm (CCHI days) of those records. */
	harm: number;
	/** Residents; null when unknown (hexagons, areas without population). */
	population: number | null;
	/** The measure's value; null when it cannot be computed for this cell (no population …). */
	value: number | null;
}

/** How values are coloured: class k covers (breaks[k-1], breaks[k]]; colours has one per class. */
export interface ClassScheme {
	/** Upper bounds of the classes, ascending; the last is the maximum value. */
	breaks: readonly number[];
	/** One colour per class, light to dark. */
	colours: readonly string[];
	/** Lower bound of the first class (the minimum value). */
	min: number;
}

/** Colour of cells with no value (e.g. no population for a rate): drawn hatched-grey. */
export const NO_VALUE_COLOUR = '#d9d9d9';

/**
 * Class index of a value (0-based), or null for null/NaN values. A value above the last break
 * (which should not happen for breaks computed from the same values) falls in the last class.
 */
export function classIndex(value: number | null, breaks: readonly number[]): number | null {
	if (value === null || !Number.isFinite(value) || breaks.length === 0) return null;
	for (let k = 0; k < breaks.length; k++) if (value <= breaks[k]) return k;
	return breaks.length - 1;
}

export interface CellFeatureProperties {
	cell_id: string;
	name: string | null;
	records: number;
	/** Records located outside the force area. */
	records_outside: number;
	/** Part of the force area; false cells are drawn faded; null without a declared force area. */
	in_force_area: boolean | null;
	harm: number;
	population: number | null;
	value: number | null;
	/** 1-based class number as shown in the legend; null when the cell has no value. */
	class: number | null;
	/** Fill colour (hex); the map's fill-color expression reads it. */
	colour: string;
}

export interface CellFeature {
	type: 'Feature';
	id: string;
	geometry: CellGeometry;
	properties: CellFeatureProperties;
}

export interface LayerMeta {
	level: CellLevel;
	/** The level in words ("LSOAs", or the source's own area set by its label, e.g. "Wards"). */
	levelLabel?: string;
	/** The force area and its outline (drawn over the cells), or null when the source declares none. */
	forceArea?: { name: string; outline: MultiLineGeometry } | null;
	measure: Measure;
	/** Human description of the measure and unit, e.g. "Count of records". */
	measureLabel: string;
	/** The filters as URL parameters (shareable form). */
	filters: string;
	/** Source id and label. */
	source: string;
	breaks: readonly number[];
	colours: readonly string[];
	/**
	 * A period comparison: its words and basis (in the `clearsight` member) and, per cell id, the
	 * properties added to that cell (the comparison's records and the difference, named with the
	 * periods: analytics/compare/cells.ts withCellComparison).
	 */
	comparison?: { words: string; basis: string; properties: ReadonlyMap<string, Readonly<Record<string, number | null>>> } | null;
	/**
	 * Whether harm applies to the layer (harmApplies); when false the features carry no `harm`
	 * and the `clearsight` member says why. Default true.
	 */
	harm?: boolean;
}

/**
 * Whether a Map layer shows harm: street crime and ASB (the one dataset the CCHI weights) on a
 * value layer. Stop and search, timestamped incidents (Chicago's among them) and the hot-spot
 * layer (Gi* z of the window's total) have none: the table, CSV, hover text and GeoJSON leave it out.
 */
export function harmApplies(dataset: ExploreDataset, mode: 'values' | 'hotspots'): boolean {
	return dataset === 'incidents' && mode === 'values';
}

/** What the GeoJSON's `clearsight` member says when its cells carry no harm. */
export const NO_HARM_NOTE = 'Harm (CCHI days) applies to street crime and ASB on a value layer only: these cells carry none.';

export interface CellLayer {
	type: 'FeatureCollection';
	features: CellFeature[];
	/** Cells with figures but no geometry (outside the boundaries supplied): not drawn. */
	missing: MapCell[];
}

/**
 * The features of a layer: cells with a geometry, in the order given, each with its class
 * and colour. Cells whose id has no geometry go to `missing`, so the page can say how many
 * records it cannot draw.
 */
export function buildCellLayer(cells: readonly MapCell[], geometries: ReadonlyMap<string, CellGeometry>, scheme: ClassScheme): CellLayer {
	const features: CellFeature[] = [];
	const missing: MapCell[] = [];
	for (const c of cells) {
		const geometry = geometries.get(c.id);
		if (!geometry) {
			missing.push(c);
			continue;
		}
		const k = classIndex(c.value, scheme.breaks);
		features.push({
			type: 'Feature',
			id: c.id,
			geometry,
			properties: {
				cell_id: c.id,
				name: c.name,
				records: c.records,
				records_outside: c.recordsOutside,
				in_force_area: c.inForceArea,
				harm: c.harm,
				population: c.population,
				value: c.value,
				class: k === null ? null : k + 1,
				colour: k === null ? NO_VALUE_COLOUR : (scheme.colours[k] ?? scheme.colours[scheme.colours.length - 1] ?? NO_VALUE_COLOUR)
			}
		});
	}
	return { type: 'FeatureCollection', features, missing };
}

/** Columns of the cells table and of its CSV, in order. */
export const CELL_TABLE_COLUMNS = ['cell_id', 'name', 'in_force_area', 'records', 'records_outside', 'harm', 'population', 'value', 'class'] as const;
export type CellTableRow = Pick<CellFeatureProperties, (typeof CELL_TABLE_COLUMNS)[number]>;

/** The rows of the cells table (and its CSV): the drawn features' properties, without colour. */
export function cellTableRows(layer: CellLayer): CellTableRow[] {
	return layer.features.map(({ properties: p }) => ({
		cell_id: p.cell_id,
		name: p.name,
		in_force_area: p.in_force_area,
		records: p.records,
		records_outside: p.records_outside,
		harm: p.harm,
		population: p.population,
		value: p.value,
		class: p.class
	}));
}

/** A feature's properties, without `harm` unless `keep`. */
function withoutHarm(p: CellFeatureProperties, keep: boolean): Partial<CellFeatureProperties> {
	if (keep) return p;
	const { harm: _harm, ...rest } = p;
	return rest;
}

/**
 * The layer as a GeoJSON FeatureCollection text (RFC 7946) for download: the drawn cells with
 * their figures and class, and a `clearsight` member (a foreign member, which GeoJSON readers
 * ignore) recording the level, measure, filters, source, class breaks and the force area's
 * name and outline (a MultiLineString), so a reader can tell the cells outside it. Without harm
 * (meta.harm false: harmApplies) the cells have no `harm` property and the member says so.
 */
export function layerGeoJson(layer: CellLayer, meta: LayerMeta): string {
	const out = {
		type: 'FeatureCollection',
		clearsight: {
			level: meta.level,
			...(meta.levelLabel ? { level_label: meta.levelLabel } : {}),
			measure: meta.measure,
			measure_label: meta.measureLabel,
			filters: meta.filters,
			source: meta.source,
			class_breaks: meta.breaks,
			class_colours: meta.colours,
			cells_without_geometry: layer.missing.length,
			force_area: meta.forceArea ? { name: meta.forceArea.name, outline: meta.forceArea.outline } : null,
			...(meta.comparison ? { comparison: { basis: meta.comparison.basis, periods: meta.comparison.words } } : {}),
			...(meta.harm === false ? { harm: NO_HARM_NOTE } : {})
		},
		features: layer.features.map((f) => ({
			type: 'Feature',
			id: f.id,
			geometry: f.geometry,
			properties: { ...withoutHarm(f.properties, meta.harm !== false), ...(meta.comparison?.properties.get(f.properties.cell_id) ?? {}) }
		}))
	};
	return JSON.stringify(out);
}
