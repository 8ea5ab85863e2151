/**
 * What the hot-spot rankings read, over a {@link QueryRunner}: the study region with each area's
 * centre and size, counts per area in a month, and the located points of a window of months.
 * Values are bound; table and column names come from the fixed lists in forecast/series.ts.
 */
import { cellArea, cellToLatLng, isValidCell } from 'h3-js';
import type { QueryRunner } from '../runner';
import { areaColumn, monthIndex, type AreaLevel, type MonthlyTable } from '../forecast/series';

export interface RegionArea {
	areaId: string;
	/** Centre used by the kernel density surface (WGS84). */
	lon: number | null;
	lat: number | null;
	/** Area in km²; null when unknown (then areas count as equal in area shares). */
	areaKm2: number | null;
	/** Where the centre comes from. */
	centre: 'h3 cell centre' | 'lsoa centroid (areas table)' | 'mean of record locations' | 'none';
}

export interface RegionOptions {
	table?: MonthlyTable;
	level: AreaLevel;
	/** Last month of data used (YYYY-MM); the region is every area with a record up to it. */
	trainEnd: string;
}

/**
 * The study region: every area with at least one record in or before `trainEnd`, sorted by id,
 * with its centre and size. H3 cells: the cell centre and its exact area (h3-js). LSOAs: the
 * centroid and area from the `areas` table when it has the LSOA, else the mean location of the
 * area's records up to trainEnd and no area. Nothing after trainEnd is read, so later data cannot
 * add areas. An empty table gives an empty region.
 */
export async function studyRegion(runner: QueryRunner, options: RegionOptions): Promise<RegionArea[]> {
	const table = options.table ?? 'incidents';
	const col = areaColumn(table, options.level);
	const last = monthIndex(options.trainEnd);
	const hasAreas = options.level === 'lsoa' && (await tableHasRows(runner, 'areas'));
	const rows = await runner.rows<{ area: string; lon: number | null; lat: number | null; c_lon: number | null; c_lat: number | null; km2: number | null }>(
		hasAreas
			? `SELECT r.area, r.lon, r.lat, a.centroid_lon AS c_lon, a.centroid_lat AS c_lat, a.area_km2 AS km2
			   FROM (SELECT ${col} AS area, avg(longitude) AS lon, avg(latitude) AS lat FROM ${table}
			         WHERE ${col} IS NOT NULL AND month_index <= ? GROUP BY 1) r
			   LEFT JOIN areas a ON a.lsoa_code = r.area ORDER BY r.area`
			: `SELECT ${col} AS area, avg(longitude) AS lon, avg(latitude) AS lat, NULL::DOUBLE AS c_lon, NULL::DOUBLE AS c_lat, NULL::DOUBLE AS km2
			   FROM ${table} WHERE ${col} IS NOT NULL AND month_index <= ? GROUP BY 1 ORDER BY 1`,
		[last]
	);
	const h3 = options.level.startsWith('h3_');
	return rows.map((r): RegionArea => {
		if (h3 && isValidCell(r.area)) {
			const [lat, lon] = cellToLatLng(r.area);
			return { areaId: r.area, lon, lat, areaKm2: cellArea(r.area, 'km2'), centre: 'h3 cell centre' };
		}
		if (r.c_lon !== null && r.c_lat !== null) return { areaId: r.area, lon: r.c_lon, lat: r.c_lat, areaKm2: r.km2, centre: 'lsoa centroid (areas table)' };
		if (r.lon !== null && r.lat !== null) return { areaId: r.area, lon: r.lon, lat: r.lat, areaKm2: null, centre: 'mean of record locations' };
		return { areaId: r.area, lon: null, lat: null, areaKm2: null, centre: 'none' };
	});
}

async function tableHasRows(runner: QueryRunner, name: string): Promise<boolean> {
	const [t] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?`, [name]);
	if (t.n === 0) return false;
	const [r] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${name} LIMIT 1)`);
	return r.n > 0;
}

/**
 * Records per area in the months from `fromMonth` to `toMonth` inclusive (YYYY-MM), as a map.
 * Areas without records are absent (count 0).
 */
export async function areaCounts(
	runner: QueryRunner,
	options: { table?: MonthlyTable; level: AreaLevel; fromMonth: string; toMonth: string }
): Promise<Map<string, number>> {
	const table = options.table ?? 'incidents';
	const col = areaColumn(table, options.level);
	const rows = await runner.columns(
		`SELECT ${col} AS area, count(*)::BIGINT AS n FROM ${table} WHERE ${col} IS NOT NULL AND month_index BETWEEN ? AND ? GROUP BY 1`,
		[monthIndex(options.fromMonth), monthIndex(options.toMonth)]
	);
	const out = new Map<string, number>();
	(rows.area as string[]).forEach((a, i) => out.set(a, rows.n[i] as number));
	return out;
}

export interface WeightedPoints {
	lon: Float64Array;
	lat: Float64Array;
	/** Records at each distinct location. */
	weight: Float64Array;
}

/** Distinct located points (WGS84) of the records in `fromMonth` … `toMonth`, with their counts. */
export async function locatedPoints(runner: QueryRunner, options: { table?: MonthlyTable; fromMonth: string; toMonth: string }): Promise<WeightedPoints> {
	const table = options.table ?? 'incidents';
	const rows = await runner.columns(
		`SELECT longitude AS lon, latitude AS lat, count(*)::BIGINT AS n FROM ${table}
		 WHERE longitude IS NOT NULL AND latitude IS NOT NULL AND month_index BETWEEN ? AND ?
		 GROUP BY 1, 2 ORDER BY 1, 2`,
		[monthIndex(options.fromMonth), monthIndex(options.toMonth)]
	);
	return {
		lon: Float64Array.from(rows.lon as number[]),
		lat: Float64Array.from(rows.lat as number[]),
		weight: Float64Array.from(rows.n as number[])
	};
}
