/**
 * What the hot-spot rankings read, over a {@link QueryRunner}: the study region (the force area)
 * with each area's centre and size, counts and harm per area in a span of months, and the located
 * points of a window of months. Records located outside the force area (`in_force_area = false`)
 * are never read: not to train, not to score. Values are bound; table and column names come from
 * the fixed lists in forecast/series.ts.
 */
import { cellArea, cellToLatLng, isValidCell } from 'h3-js';
import type { QueryRunner } from '../runner';
import { hasColumn, tableExists } from '../shared/catalog';
import { areaSetReachSql, readForceArea, type ForceArea } from '../force-area';
import type { EffectiveWeight } from '../thr/model';
import { recordsCarrySubgroups } from '../models/harm-weights';
import { areaColumn, monthIndex, type AreaLevel, type MonthlyTable } from '../forecast/series';

export interface RegionArea {
	areaId: string;
	/** Centre used by the kernel density surface (WGS84). */
	lon: number | null;
	lat: number | null;
	/** Area in km²; null when unknown (then areas count as equal in area shares). */
	areaKm2: number | null;
	/** Where the centre comes from. */
	centre: 'h3 cell centre' | 'lsoa centroid (areas table)' | 'district centroid (districts table)' | 'mean of record locations' | 'none';
}

export interface RegionOptions {
	table?: MonthlyTable;
	level: AreaLevel;
	/** Last month of data used (YYYY-MM): centres from record locations and fallback regions read nothing after it. */
	trainEnd: string;
}

/**
 * How the study region was decided:
 * - 'force area': every area of the declared force area (LSOAs or districts), with or without records;
 * - 'force area cells': every H3 cell whose centre lies in the force area (`force_cells`);
 * - 'areas with records in the force area': the force area has no list at this level (H3 cells
 *   without `force_cells`, or LSOAs of a force area named by districts): the areas holding a
 *   record inside it up to trainEnd;
 * - 'areas with records': no force area declared, every area with a record up to trainEnd.
 */
export type RegionBasis = 'force area' | 'force area cells' | 'area set' | 'area set (no force area)' | 'areas with records in the force area' | 'areas with records';

export interface StudyRegion {
	/** Every area of the region, sorted by id. */
	areas: RegionArea[];
	/** The declared force area, or null when the extract declares none. */
	forceArea: ForceArea | null;
	basis: RegionBasis;
	/** Plain sentences for the reader when the region is not the whole force area. */
	warnings: string[];
}

/**
 * The `AND …` clause keeping the records a hot-spot analysis may read: every record when `table`
 * has no `in_force_area` flag (an extract from before force areas), else the
 * records not located outside the force area (`in_force_area` true, or null: no location).
 */
export async function insideForceAreaClause(runner: QueryRunner, table: MonthlyTable, alias: '' | 'i.' = ''): Promise<string> {
	return (await hasColumn(runner, table, 'in_force_area')) ? `AND ${alias}in_force_area IS NOT FALSE` : '';
}

/**
 * Per force-area unit: the analysis level its areas are, and the table (and key column) holding
 * each area's centroid and km². Fixed identifiers, never from a user.
 */
const FORCE_UNIT_SHAPES = {
	lsoa: { level: 'lsoa', table: 'areas', key: 'lsoa_code' },
	district: { level: 'area_code', table: 'districts', key: 'district_id' }
} as const satisfies Record<ForceArea['unit'], { level: AreaLevel; table: 'areas' | 'districts'; key: string }>;

type RegionRow = { area: string; lon: number | null; lat: number | null; c_lon: number | null; c_lat: number | null; km2: number | null };

/**
 * The study region at `level`: the force area (analytics/force-area) when the extract declares
 * one, else every area with a record up to `trainEnd` and a warning saying so. Sorted by id.
 *
 * - LSOA level, force area of LSOAs: every force-area LSOA, including those with no record (they
 *   count 0); centre and km² from the `areas` table when it has the LSOA, else the mean location
 *   of its in-force records up to trainEnd and no size (then every area counts as equal).
 * - District level (`area_code`), force area of districts: every district; centre and km² from
 *   the `districts` table.
 * - The source's own area set (level `district`): every area of the set when no force area is
 *   declared; with a force area listed in LSOAs, the areas of the set holding a record inside it
 *   up to trainEnd (a warning names how many were left out), since a set wider than the force
 *   would pad the region with areas that count as empty.
 * - H3 levels: the `force_cells` of that resolution; when there are none, the cells holding an
 *   in-force record up to trainEnd (warning). Cell centre and exact area from h3-js.
 * - Any other pairing (LSOAs of a force area named by districts, say): the areas holding an
 *   in-force record up to trainEnd (warning).
 * Nothing after trainEnd is read and records outside the force area are never read, so neither
 * later data nor records elsewhere change the region. An empty table and no force area give an
 * empty region.
 */
export async function studyRegion(runner: QueryRunner, options: RegionOptions): Promise<StudyRegion> {
	const table = options.table ?? 'incidents';
	const col = areaColumn(table, options.level);
	const last = monthIndex(options.trainEnd);
	const inside = await insideForceAreaClause(runner, table);
	const forceArea = await readForceArea(runner);
	const h3 = options.level.startsWith('h3_');
	const records = `SELECT ${col} AS area, avg(longitude) AS lon, avg(latitude) AS lat FROM ${table}
	                 WHERE ${col} IS NOT NULL AND month_index <= ? ${inside} GROUP BY 1`;
	const warnings: string[] = [];
	let basis: RegionBasis;
	let rows: RegionRow[];

	const unitShapes = forceArea ? FORCE_UNIT_SHAPES[forceArea.unit] : null;
	// The source's own area set: the force area when it is listed in districts, else every area
	// of the set (the records read are still only those inside the force area).
	const districtLevel = options.level === 'district' && (await tableHasRows(runner, 'districts'));
	if (districtLevel && forceArea?.unit !== 'district') {
		basis = forceArea ? 'area set' : 'area set (no force area)';
		// A force area listed in LSOAs says nothing about which areas of the set it covers: a set
		// wider than the force (a whole region's wards, every MSOA of London) would pad the study
		// region with areas whose records are never read, which count as empty and inflate every
		// share and PAI. Its areas are those holding a record inside the force area up to trainEnd
		// (areaSetReachSql, the rule THR scoring uses too).
		const reach = areaSetReachSql(table === 'events' ? 'events' : 'incidents', inside !== '');
		const set = await runner.rows<RegionRow & { reached: boolean }>(
			`SELECT d.district_id AS area, r.lon, r.lat, d.centroid_lon AS c_lon, d.centroid_lat AS c_lat, d.area_km2 AS km2, x.area IS NOT NULL AS reached
			 FROM (SELECT DISTINCT district_id, centroid_lon, centroid_lat, area_km2 FROM districts WHERE district_id IS NOT NULL) d
			 LEFT JOIN (${records}) r ON r.area = d.district_id
			 LEFT JOIN (${reach}) x ON x.area = d.district_id
			 ORDER BY d.district_id COLLATE "binary"`,
			[last, last]
		);
		rows = forceArea ? set.filter((r) => r.reached) : set;
		if (!forceArea) warnings.push(`No force area is declared for this data; the study region is every area of the source's own area set (${rows.length}).`);
		else if (rows.length < set.length)
			warnings.push(
				`The force area (${forceArea.name}) is listed in LSOAs, so the study region is the ${rows.length} of the ${set.length} areas of the source's own area set holding a record inside it up to ${options.trainEnd}; the other ${set.length - rows.length} are left out, as they would count as empty and inflate every share and PAI.`
			);
	} else if (unitShapes && (unitShapes.level === options.level || (districtLevel && forceArea?.unit === 'district'))) {
		basis = 'force area';
		const hasShapes = await tableHasRows(runner, unitShapes.table);
		rows = await runner.rows<RegionRow>(
			`SELECT f.area_code AS area, r.lon, r.lat, ${hasShapes ? 's.centroid_lon AS c_lon, s.centroid_lat AS c_lat, s.area_km2 AS km2' : 'NULL::DOUBLE AS c_lon, NULL::DOUBLE AS c_lat, NULL::DOUBLE AS km2'}
			 FROM (SELECT DISTINCT area_code FROM force_area) f
			 LEFT JOIN (${records}) r ON r.area = f.area_code
			 ${hasShapes ? `LEFT JOIN ${unitShapes.table} s ON s.${unitShapes.key} = f.area_code` : ''}
			 ORDER BY f.area_code COLLATE "binary"`,
			[last]
		);
	} else {
		const resolution = h3 ? Number(options.level.slice(4)) : null;
		const cells = forceArea && resolution !== null && (await tableHasRows(runner, 'force_cells'))
			? await runner.rows<RegionRow>(
					`SELECT DISTINCT h3 AS area, NULL::DOUBLE AS lon, NULL::DOUBLE AS lat, NULL::DOUBLE AS c_lon, NULL::DOUBLE AS c_lat, NULL::DOUBLE AS km2
					 FROM force_cells WHERE resolution = ? ORDER BY 1 COLLATE "binary"`,
					[resolution]
				)
			: [];
		if (cells.length > 0) {
			basis = 'force area cells';
			rows = cells;
		} else {
			basis = forceArea ? 'areas with records in the force area' : 'areas with records';
			rows = await runner.rows<RegionRow>(
				`SELECT area, lon, lat, NULL::DOUBLE AS c_lon, NULL::DOUBLE AS c_lat, NULL::DOUBLE AS km2 FROM (${records}) ORDER BY area COLLATE "binary"`,
				[last]
			);
			if (options.level === 'lsoa' && rows.length > 0 && (await tableHasRows(runner, 'areas'))) {
				const sized = new Map(
					(await runner.rows<{ code: string; lon: number | null; lat: number | null; km2: number | null }>(
						'SELECT lsoa_code AS code, centroid_lon AS lon, centroid_lat AS lat, area_km2 AS km2 FROM areas'
					)).map((a) => [a.code, a])
				);
				rows = rows.map((r) => {
					const a = sized.get(r.area);
					return a ? { ...r, c_lon: a.lon, c_lat: a.lat, km2: a.km2 } : r;
				});
			}
			const unit = h3 ? 'H3 cells' : options.level === 'lsoa' ? 'LSOAs' : 'areas';
			warnings.push(
				forceArea
					? `The force area (${forceArea.name}) lists no ${unit} at this level, so the study region is the ${rows.length} ${unit} with a record inside it up to ${options.trainEnd}; ${unit} of the force area with no record are left out.`
					: `No force area is declared for this data, so the study region is the ${rows.length} ${unit} with a record up to ${options.trainEnd}; neighbouring areas with records inflate the area share and PAI. Name the force area when building the extract.`
			);
		}
	}

	const areas = rows.map((r): RegionArea => {
		if (h3 && isValidCell(r.area)) {
			const [lat, lon] = cellToLatLng(r.area);
			return { areaId: r.area, lon, lat, areaKm2: cellArea(r.area, 'km2'), centre: 'h3 cell centre' };
		}
		if (r.c_lon !== null && r.c_lat !== null) {
			const centre = options.level === 'area_code' || options.level === 'district' ? 'district centroid (districts table)' : 'lsoa centroid (areas table)';
			return { areaId: r.area, lon: r.c_lon, lat: r.c_lat, areaKm2: r.km2, centre };
		}
		if (r.lon !== null && r.lat !== null) return { areaId: r.area, lon: r.lon, lat: r.lat, areaKm2: null, centre: 'mean of record locations' };
		return { areaId: r.area, lon: null, lat: null, areaKm2: null, centre: 'none' };
	});
	return { areas, forceArea, basis, warnings };
}

async function tableHasRows(runner: QueryRunner, name: 'areas' | 'districts' | 'force_cells'): Promise<boolean> {
	if (!(await tableExists(runner, name))) return false;
	const [r] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${name} LIMIT 1)`);
	return r.n > 0;
}

/**
 * Records per area in the months from `fromMonth` to `toMonth` inclusive (YYYY-MM), as a map.
 * Areas without records are absent (count 0). Records located outside the force area are not counted.
 */
export async function areaCounts(
	runner: QueryRunner,
	options: { table?: MonthlyTable; level: AreaLevel; fromMonth: string; toMonth: string }
): Promise<Map<string, number>> {
	const table = options.table ?? 'incidents';
	const col = areaColumn(table, options.level);
	const inside = await insideForceAreaClause(runner, table);
	const rows = await runner.columns(
		`SELECT ${col} AS area, count(*)::BIGINT AS n FROM ${table} WHERE ${col} IS NOT NULL AND month_index BETWEEN ? AND ? ${inside} GROUP BY 1`,
		[monthIndex(options.fromMonth), monthIndex(options.toMonth)]
	);
	const out = new Map<string, number>();
	(rows.area as string[]).forEach((a, i) => out.set(a, rows.n[i] as number));
	return out;
}

/** Harm units per CCHI day inside SQL: weights and sums are whole millionths, so sums are exact and independent of the order DuckDB adds them in (as analytics/thr/sql.ts). */
const HARM_MICRO = 1_000_000;

/**
 * Harm per area in the months `fromMonth` … `toMonth` inclusive: Σ records × harm weight over the
 * categories `weights` counts (not excluded, with a weight; from the THR model's
 * `effectiveWeights`, so harm means what it means in the score), in the weights' unit (CCHI
 * days). Areas with no harm are absent (0). Weights are used to 6 decimal places and summed
 * exactly. Records located outside the force area are not counted. Street records only (the
 * `category` of `incidents`). No weighted category gives an empty map. A record carrying an
 * offence subgroup (`offence_subgroup`, a force's own data) weighs its subgroup's weight where the
 * weights list one for its category (EffectiveWeight.subgroups), else its category's.
 */
export async function areaHarm(
	runner: QueryRunner,
	options: { level: AreaLevel; fromMonth: string; toMonth: string; weights: readonly EffectiveWeight[] }
): Promise<Map<string, number>> {
	const col = areaColumn('incidents', options.level);
	const subgroupColumn = await recordsCarrySubgroups(runner, 'incidents');
	const hasSubgroups = (w: EffectiveWeight) => subgroupColumn && (w.subgroups?.length ?? 0) > 0;
	const included = options.weights.filter((w) => !w.excluded && w.weight !== null && (w.weight > 0 || hasSubgroups(w)));
	const out = new Map<string, number>();
	if (included.length === 0) return out;
	const toMicro = (weight: number, what: string) => {
		const units = Math.round(weight * HARM_MICRO);
		if (!Number.isSafeInteger(units)) throw new RangeError(`harm weight of ${what} is out of range: ${weight}`);
		return units;
	};
	const micro = included.map((w) => toMicro(w.weight!, w.category));
	const subs = included.filter(hasSubgroups).flatMap((w) => w.subgroups!.map((s) => [w.category, s.subgroup, toMicro(s.weight, s.subgroup)] as const));
	const inside = await insideForceAreaClause(runner, 'incidents', 'i.');
	const subJoin = subs.length
		? `LEFT JOIN (VALUES ${subs.map(() => '(?, ?, CAST(? AS BIGINT))').join(', ')}) AS sw(category, subgroup, weight) ON sw.category = i.category AND sw.subgroup = i.offence_subgroup`
		: '';
	const rows = await runner.columns(
		`SELECT i.${col} AS area, CAST(sum(${subs.length ? 'coalesce(sw.weight, w.weight)' : 'w.weight'}) AS DOUBLE) / ${HARM_MICRO} AS harm
		 FROM incidents i JOIN (VALUES ${included.map(() => '(?, CAST(? AS BIGINT))').join(', ')}) AS w(category, weight) ON w.category = i.category ${subJoin}
		 WHERE i.${col} IS NOT NULL AND i.month_index BETWEEN ? AND ? ${inside} GROUP BY 1`,
		[...included.flatMap((w, k) => [w.category, micro[k]]), ...subs.flat(), monthIndex(options.fromMonth), monthIndex(options.toMonth)]
	);
	(rows.area as string[]).forEach((a, i) => out.set(a, rows.harm[i] as number));
	return out;
}

export interface WeightedPoints {
	lon: Float64Array;
	lat: Float64Array;
	/** Records at each distinct location. */
	weight: Float64Array;
}

/** Distinct located points (WGS84) of the records in `fromMonth` … `toMonth`, with their counts; records outside the force area left out. */
export async function locatedPoints(runner: QueryRunner, options: { table?: MonthlyTable; fromMonth: string; toMonth: string }): Promise<WeightedPoints> {
	const table = options.table ?? 'incidents';
	const inside = await insideForceAreaClause(runner, table);
	const rows = await runner.columns(
		`SELECT longitude AS lon, latitude AS lat, count(*)::BIGINT AS n FROM ${table}
		 WHERE longitude IS NOT NULL AND latitude IS NOT NULL AND month_index BETWEEN ? AND ? ${inside}
		 GROUP BY 1, 2 ORDER BY 1, 2`,
		[monthIndex(options.fromMonth), monthIndex(options.toMonth)]
	);
	return {
		lon: Float64Array.from(rows.lon as number[]),
		lat: Float64Array.from(rows.lat as number[]),
		weight: Float64Array.from(rows.n as number[])
	};
}
