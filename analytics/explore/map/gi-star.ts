/**
 * The map's "Hot spots" mode: Getis-Ord Gi* over the cells of the current layer (via
 * analytics/clusters/gistar.ts), classified hot/cold with confidence after the
 * Benjamini–Hochberg FDR correction, and each cell's trend over the months of the window.
 *
 * Window: the last `months` months of the filtered period. The class comes from Gi* of each
 * cell's total over the window (more stable than one month of police.uk counts); the trend is a
 * Mann–Kendall test on the cell's monthly Gi* z series, measured towards its class (z for hot
 * and not-significant cells, −z for cold ones): a significant rise is "intensifying", a fall
 * "diminishing" — the same reading as ArcGIS's Emerging Hot Spot Analysis.
 *
 * Study region: the force area's cells at the level (analytics/explore/study-region.ts), value 0
 * where no records: H3 weights = the cell and its 6 neighbours within the region; LSOAs and
 * districts: queen contiguity of their polygons. Without a declared force area (no `region`),
 * as before force areas: H3 cells with records plus the ring of cells around them, and every
 * polygon of the boundary table.
 */
import { giStar, h3StudyRegion, h3Weights, giStarClasses, mannKendall, queenWeights, type GiStarBin, type GiStarClass, type SpatialWeights, type TrendLabel } from '../../clusters/gistar';
import type { CellLevel } from '../filters';
import { isH3Level, type CellGeometry } from './geometry';
import type { CellFeature, CellLayer, MapCell } from './layer';

export interface CellMonthValue {
	cell_id: string;
	/** year × 12 + month − 1 */
	month_index: number;
	value: number;
}

export interface GiStarCell {
	id: string;
	/** Total over the window. */
	total: number;
	z: number | null;
	p: number | null;
	q: number | null;
	bin: GiStarBin;
	class: GiStarClass;
	confidence: 99 | 95 | 90 | null;
	/** Monthly Gi* z, oldest first (null where undefined). */
	zByMonth: (number | null)[];
	/** Mann–Kendall S, z and p on the intensity series; null with fewer than 3 months. */
	trendS: number | null;
	trendZ: number | null;
	trendP: number | null;
	trend: TrendLabel;
	/** Why z is null, when it is. */
	reason: string | null;
}

export interface GiStarResult {
	cells: GiStarCell[];
	/** Months of the window (month_index), oldest first. */
	months: number[];
	weights: string;
	/** Cells with a z-score (the m of the FDR correction). */
	tested: number;
	/** Total value of rows whose cell is not in the study region (or has no polygon): not tested. */
	leftOut: number;
}

export interface GiStarInput {
	level: CellLevel;
	/** Values per cell and month (cells absent in a month count 0). */
	rows: readonly CellMonthValue[];
	/** The window's months (month_index), oldest first. */
	months: readonly number[];
	/** Boundary polygons (id → GeoJSON text) for lsoa/district levels. */
	polygons?: ReadonlyArray<{ id: string; geometry: string }>;
	/**
	 * The study region (cell ids), e.g. the force area's cells: exactly these cells are tested,
	 * values of other cells are ignored. Absent: the cells with data plus a ring (H3), or every
	 * polygon (LSOA, district).
	 */
	region?: ReadonlySet<string> | null;
	/** Significance level of the trend test (default 0.05). */
	alpha?: number;
}

/**
 * Study-region weights for a level. With `region`: its H3 cells (sorted), or queen contiguity of
 * the polygons whose id is in it (region cells without a polygon are left out: they cannot be
 * placed). Without: the cells with data padded by a ring (H3), or every polygon.
 */
export function regionWeights(
	level: CellLevel,
	cellsWithData: Iterable<string>,
	polygons?: ReadonlyArray<{ id: string; geometry: string }>,
	region?: ReadonlySet<string> | null
): SpatialWeights {
	if (isH3Level(level)) return h3Weights(region ? [...region].sort() : h3StudyRegion(cellsWithData, { ring: 1 }));
	if (!polygons || polygons.length === 0) throw new Error(`hot spots at the ${level} level need its boundary polygons, and this source has none`);
	return queenWeights(region ? polygons.filter((p) => region.has(p.id)) : polygons);
}

/**
 * Gi* hot and cold spots of the window's totals with FDR-corrected confidence classes, and the
 * trend of each cell over the window's months. Cells with data outside the study region or the
 * boundary polygons are left out (they are not part of the region compared). A region of fewer
 * than 2 cells gives every cell z = null with its reason. Sorted: hot spots by z descending, then
 * cold spots by z ascending, then the rest by id.
 */
export function giStarCells(input: GiStarInput): GiStarResult {
	const months = [...input.months];
	const monthPos = new Map(months.map((m, t) => [m, t]));
	const withData = new Set(input.rows.map((r) => r.cell_id));
	const weights = regionWeights(input.level, withData, input.polygons, input.region);
	const index = new Map(weights.ids.map((id, i) => [id, i]));
	const n = weights.ids.length;
	const total = new Float64Array(n);
	const byMonth = months.map(() => new Float64Array(n));
	let leftOut = 0;
	for (const r of input.rows) {
		const i = index.get(r.cell_id);
		const t = monthPos.get(r.month_index);
		if (t === undefined) continue;
		if (i === undefined) {
			leftOut += r.value;
			continue;
		}
		total[i] += r.value;
		byMonth[t][i] += r.value;
	}
	const analysis = giStarClasses(total, weights, { fdr: true });
	const zSeries = byMonth.map((v) => giStar(v, weights));
	const alpha = input.alpha ?? 0.05;
	const cells = analysis.areas.map((a, i): GiStarCell => {
		const zByMonth = zSeries.map((g) => g[i].z);
		const present = zByMonth.filter((z): z is number => z !== null);
		const sign = a.class === 'cold' ? -1 : 1;
		let trend: TrendLabel = 'too few periods';
		let mk: ReturnType<typeof mannKendall> | null = null;
		if (present.length >= 3) {
			mk = mannKendall(present.map((z) => sign * z));
			trend = mk.p < alpha && mk.s !== 0 ? (mk.s > 0 ? 'intensifying' : 'diminishing') : 'no trend';
		}
		return {
			id: a.id,
			total: total[i],
			z: a.z,
			p: a.p,
			q: a.q,
			bin: a.bin,
			class: a.class,
			confidence: a.confidence,
			zByMonth,
			trendS: mk?.s ?? null,
			trendZ: mk?.z ?? null,
			trendP: mk?.p ?? null,
			trend,
			reason: a.reason
		};
	});
	const rank = (c: GiStarCell) => (c.class === 'hot' ? 0 : c.class === 'cold' ? 1 : 2);
	cells.sort((x, y) => rank(x) - rank(y) || (x.class === 'hot' ? (y.z ?? 0) - (x.z ?? 0) : x.class === 'cold' ? (x.z ?? 0) - (y.z ?? 0) : x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
	return { cells, months, weights: weights.description, tested: analysis.tested, leftOut };
}

/**
 * The hot-spot result as a map layer: every tested cell with a geometry, coloured by its Gi* bin
 * (`colours`, keyed by bin), `value` = its Gi* z, `class` = the bin (−3…3), `records` = its window
 * total (records located inside the force area only). `inForceArea`: true when the region was the
 * force area, null when none is declared. Cells without a geometry go to `missing`.
 */
export function giStarLayer(
	result: GiStarResult,
	geometries: ReadonlyMap<string, CellGeometry>,
	colours: Record<GiStarBin, string>,
	names?: ReadonlyMap<string, string>,
	inForceArea: boolean | null = null
): CellLayer {
	const features: CellFeature[] = [];
	const missing: MapCell[] = [];
	for (const c of result.cells) {
		const geometry = geometries.get(c.id);
		const name = names?.get(c.id) ?? null;
		if (!geometry) {
			missing.push({ id: c.id, name, records: c.total, recordsOutside: 0, inForceArea, harm: 0, population: null, value: c.z });
			continue;
		}
		features.push({
			type: 'Feature',
			id: c.id,
			geometry,
			properties: {
				cell_id: c.id,
				name,
				records: c.total,
				records_outside: 0,
				in_force_area: inForceArea,
				harm: 0,
				population: null,
				value: c.z,
				class: c.bin,
				colour: colours[c.bin]
			}
		});
	}
	return { type: 'FeatureCollection', features, missing };
}
