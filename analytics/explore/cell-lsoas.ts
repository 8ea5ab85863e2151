/**
 * The LSOAs a map cell's records lie in (an H3 cell or a district covers parts of several), so
 * the cell panel can open their area profiles: records per LSOA under the filters (period,
 * categories), most first, from the `explore_points` pre-aggregate. Bound parameters only.
 */
import type { QueryRunner } from '../runner';
import type { CellLevel, ExploreFilters } from './filters';
import { whereOf } from './query-base';
import { num } from '../shared/numbers';

export interface CellLsoas {
	/** The LSOAs with records in the cell, most records first (ties by code), at most `limit`. */
	lsoas: Array<{ code: string; records: number }>;
	/** LSOAs with records in the cell in all. */
	total: number;
	/** Records in the cell with no LSOA (no location inside the boundaries supplied). */
	unplaced: number;
}

export async function cellLsoas(runner: QueryRunner, f: ExploreFilters, level: CellLevel, cellId: string, limit = 12): Promise<CellLsoas> {
	const w = whereOf({ ...f, area: { level, ids: [cellId] }, bbox: null }, { on: 'aggregate' });
	const rows = await runner.rows<{ code: string | null; n: number }>(
		`SELECT lsoa_code AS code, sum(n)::BIGINT AS n FROM explore_points WHERE ${w.sql} GROUP BY 1 ORDER BY 2 DESC, 1`,
		w.params
	);
	const placed = rows.filter((r) => r.code !== null);
	return {
		lsoas: placed.slice(0, limit).map((r) => ({ code: String(r.code), records: num(r.n) })),
		total: placed.length,
		unplaced: rows.filter((r) => r.code === null).reduce((a, r) => a + num(r.n), 0)
	};
}
