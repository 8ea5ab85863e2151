/**
 * What the hot-spot mode reads: each cell's records (or harm) per month over the window, from
 * the `explore_points` pre-aggregate, under the period end and categories of the filters (not
 * the area selection or box: hot spots are found over the whole study region). Records located
 * outside the force area (in_force_area false) are never counted, only reported as a number.
 * Bound parameters only; the cell column comes from LEVEL_COLUMN.
 */
import { ident } from '../../ingest/sql';
import { inList } from '../../shared/sql';
import type { Param, QueryRunner } from '../../runner';
import { monthIndex, type CellLevel, type ExploreFilters } from '../filters';
import { levelSql } from '../queries';
import { studyRegion, type StudyRegion } from '../study-region';
import { hasColumn } from '../../shared/catalog';
import { subgroupHarm } from '../query-base';
import { subgroupWeightSql } from '../../models/harm-weights';
import { isH3Level } from './geometry';
import { giStarCells, type CellMonthValue, type GiStarResult } from './gi-star';

export interface GiStarWindow {
	/** month_index of each month, oldest first. */
	months: number[];
	rows: CellMonthValue[];
	/** What the value is: records, or harm (CCHI days) for the harm measure. */
	value: 'records' | 'harm';
	/** Records of the window (period, categories) located outside the force area: left out of `rows`. */
	outside: number;
}

/**
 * Per-cell monthly values for the `months` months ending at the filter's `to` (or the dataset's
 * last month); never before the filter's `from`. Only records not located outside the force area
 * count (flag true, or null when the source declares no force area); `outside` says how many
 * were left out. An empty dataset gives no months.
 */
export async function giStarWindow(runner: QueryRunner, f: ExploreFilters, level: CellLevel, months: number): Promise<GiStarWindow> {
	const value = f.measure === 'harm' ? 'harm' : 'records';
	const [range] = await runner.rows<{ first: number | null; last: number | null }>(
		'SELECT min(month_index) AS first, max(month_index) AS last FROM explore_points WHERE dataset = ?',
		[f.dataset]
	);
	if (range?.last === null || range?.last === undefined) return { months: [], rows: [], value, outside: 0 };
	const end = f.to !== null ? Math.min(monthIndex(f.to), Number(range.last)) : Number(range.last);
	const floor = Math.max(Number(range.first), f.from !== null ? monthIndex(f.from) : -Infinity);
	const start = Math.max(floor, end - Math.max(1, Math.floor(months)) + 1);
	const list: number[] = [];
	for (let m = start; m <= end; m++) list.push(m);
	if (list.length === 0) return { months: [], rows: [], value, outside: 0 };
	const col = levelSql(level);
	const params: Param[] = [f.dataset, start, end];
	// No category chosen = every category (Explore's filter meaning).
	const chosen = inList('x.category', f.categories, 'all');
	const cats = chosen.sql === 'true' ? '' : ` AND ${chosen.sql}`;
	params.push(...chosen.params);
	// Harm: a record carrying an offence subgroup the weights list under its category weighs the subgroup's weight.
	const sw = value === 'harm' && (await subgroupHarm(runner)) ? subgroupWeightSql('x') : null;
	const weight = sw ? sw.weight('w.weight') : 'w.weight';
	const measure = value === 'harm' ? `coalesce(sum(x.n * ${weight}) FILTER (WHERE w.weight IS NOT NULL AND NOT w.excluded), 0)::DOUBLE` : 'sum(x.n)::DOUBLE';
	const flagged = await hasColumn(runner, 'explore_points', 'in_force_area');
	const inside = flagged ? ' AND x.in_force_area IS NOT FALSE' : '';
	const rows = await runner.rows<{ cell_id: string; month_index: number; value: number }>(
		`SELECT ${col} AS cell_id, x.month_index, ${measure} AS value
		 FROM explore_points x LEFT JOIN harm_weights w ON w.category = x.category ${sw?.join ?? ''}
		 WHERE x.dataset = ? AND x.month_index BETWEEN ? AND ?${cats} AND ${col} IS NOT NULL${inside}
		 GROUP BY 1, 2 ORDER BY 1, 2`,
		params
	);
	let outside = 0;
	if (flagged) {
		const [o] = await runner.rows<{ n: number | null }>(
			`SELECT sum(x.n)::BIGINT AS n FROM explore_points x WHERE x.dataset = ? AND x.month_index BETWEEN ? AND ?${cats} AND x.in_force_area = false`,
			params
		);
		outside = Number(o?.n ?? 0);
	}
	return { months: list, rows: rows.map((r) => ({ cell_id: String(r.cell_id), month_index: Number(r.month_index), value: Number(r.value) })), value, outside };
}

/** Boundary polygons of a level as GeoJSON text (for queen contiguity); empty for hexagons or without the table. */
export async function boundaryTexts(runner: QueryRunner, level: CellLevel): Promise<Array<{ id: string; geometry: string }>> {
	if (level !== 'lsoa' && level !== 'district') return [];
	const table = level === 'lsoa' ? 'areas' : 'districts';
	const idCol = level === 'lsoa' ? 'lsoa_code' : 'district_id';
	const [exists] = await runner.rows<{ n: number }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?", [table]);
	if (Number(exists?.n ?? 0) === 0) return [];
	const rows = await runner.rows<{ id: string; geometry: string }>(
		`SELECT ${ident(idCol)} AS id, any_value(geometry) AS geometry FROM ${ident(table)} WHERE geometry IS NOT NULL AND ${ident(idCol)} IS NOT NULL GROUP BY 1 ORDER BY 1`
	);
	return rows.map((r) => ({ id: String(r.id), geometry: String(r.geometry) }));
}

export interface MapGiStar {
	result: GiStarResult;
	window: GiStarWindow;
	/** The study region tested (the force area's cells at the level, or none declared). */
	region: StudyRegion;
}

/**
 * The map's hot spots for a level under the filters: the window's values of records not located
 * outside the force area, tested over the force area's cells at that level (zeros included);
 * without a declared force area, over the cells with records and a ring (H3) or every polygon.
 */
export async function mapGiStar(runner: QueryRunner, f: ExploreFilters, level: CellLevel, months: number): Promise<MapGiStar> {
	const window = await giStarWindow(runner, f, level, months);
	const region = await studyRegion(runner, f.dataset, level);
	const polygons = isH3Level(level) ? undefined : await boundaryTexts(runner, level);
	const result = giStarCells({ level, rows: window.rows, months: window.months, polygons, region: region.ids });
	return { result, window, region };
}
