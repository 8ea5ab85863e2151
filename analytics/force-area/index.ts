/**
 * The force area: the areas a force polices, the study region of every analysis (scores, bands,
 * hot spots, fairness, accuracy, the map's extent). An extract declares it in the `force_area`
 * dataset (one row per area) and flags each located record with `in_force_area`; the manifest's
 * `force_area` entry says how it was decided and how many records fell outside. Records located
 * outside are counted and listed, never scored. See analytics/force-area/README.md.
 */
import type { QueryRunner } from '../runner';
import { hasColumn, tableExists } from '../shared/catalog';

/** The unit the force area is listed in. */
export type ForceAreaUnit = 'lsoa' | 'district';

export interface ForceArea {
	/** The force or area name as declared, e.g. "City of London" or "Lancashire". */
	name: string;
	unit: ForceAreaUnit;
	/** Codes of every area in the force area (LSOA 2011 codes or district ids), sorted by code point. */
	areaCodes: string[];
}

/** Tables that carry the `in_force_area` flag. */
export type FlaggedTable = 'incidents' | 'stop_search' | 'events';

/** Located records of a table inside and outside the force area, and records with no location. */
export interface RecordPlacement {
	inside: number;
	outside: number;
	/** No location (or none that can be placed), so neither inside nor outside. */
	unplaced: number;
}

/**
 * The declared force area, or null when the extract declares none (no `force_area` table, or an
 * empty one): callers then fall back to the areas that have records and must say so. Throws a
 * RangeError when the table mixes units or names, which the builder never writes.
 */
export async function readForceArea(runner: QueryRunner): Promise<ForceArea | null> {
	if (!(await tableExists(runner, 'force_area'))) return null;
	// The codes as one column (a national force area is tens of thousands of rows); the units and
	// names apart, each in the order of its first code.
	const codes = (await runner.columns('SELECT area_code FROM force_area ORDER BY area_code COLLATE "binary"')).area_code as string[];
	if (codes.length === 0) return null;
	const first = (column: 'area_unit' | 'force_name') =>
		runner.rows<{ v: string }>(`SELECT ${column} AS v FROM force_area GROUP BY ${column} ORDER BY min(area_code COLLATE "binary")`);
	const units = (await first('area_unit')).map((r) => r.v);
	const names = (await first('force_name')).map((r) => r.v);
	if (units.length !== 1 || names.length !== 1) {
		throw new RangeError(`force_area: expected one unit and one force name, found units ${units.join(', ')} and names ${names.join(', ')}`);
	}
	const unit = units[0];
	if (unit !== 'lsoa' && unit !== 'district') throw new RangeError(`force_area: unknown area unit "${unit}" (expected lsoa or district)`);
	return { name: names[0], unit, areaCodes: codes };
}

/**
 * How many records of `table` lie inside and outside the force area (its `in_force_area` flag),
 * and how many have no place. A table without the flag (an extract with no force area) counts
 * every record as inside when located, as before force areas existed. A missing table gives zeros.
 */
export async function recordPlacement(runner: QueryRunner, table: FlaggedTable): Promise<RecordPlacement> {
	if (!(await tableExists(runner, table))) return { inside: 0, outside: 0, unplaced: 0 };
	const located = table === 'events' ? '(longitude IS NOT NULL OR area_code IS NOT NULL)' : 'longitude IS NOT NULL';
	const flagged = await hasColumn(runner, table, 'in_force_area');
	const [r] = await runner.rows<{ inside: number; outside: number; unplaced: number }>(
		flagged
			? `SELECT count(*) FILTER (WHERE in_force_area)::BIGINT AS inside,
			          count(*) FILTER (WHERE NOT in_force_area)::BIGINT AS outside,
			          count(*) FILTER (WHERE in_force_area IS NULL)::BIGINT AS unplaced FROM ${table}`
			: `SELECT count(*) FILTER (WHERE ${located})::BIGINT AS inside, 0::BIGINT AS outside,
			          count(*) FILTER (WHERE NOT ${located})::BIGINT AS unplaced FROM ${table}`
	);
	return { inside: r.inside, outside: r.outside, unplaced: r.unplaced };
}

/** The tables whose records carry `district_id` (the source's own area set). Fixed identifiers. */
const AREA_SET_TABLES = { incidents: 'incidents', events: 'events' } as const;

/**
 * The areas of the source's own area set (`districts`) that a force area listed in LSOAs reaches,
 * as SQL with one parameter (the last month_index read): one row per area of the set holding a
 * record of `table` up to that month and not located outside the force area (`in_force_area` not
 * false, when `flagged`), with `area` (its district_id) and `first_month` (the month_index of its
 * first such record). A list of LSOAs says nothing about which areas of a wider set it covers (the
 * City of London's 6 LSOAs against London's 983 MSOAs), and records outside the force area are
 * never read, so every other area of the set would count as empty: the hot-spot study region
 * (analytics/hotspots studyRegion) and the THR scope (analytics/thr) are these areas, and a
 * ranking at month m takes those with first_month ≤ m. An area set with no record inside gives
 * no rows.
 */
export function areaSetReachSql(table: 'incidents' | 'events', flagged: boolean): string {
	const from = AREA_SET_TABLES[table];
	if (!from) throw new RangeError(`areaSetReachSql: ${JSON.stringify(table)} carries no district_id`);
	return `SELECT district_id AS area, min(month_index) AS first_month FROM ${from}
	        WHERE district_id IS NOT NULL AND month_index <= ?${flagged ? ' AND in_force_area IS NOT FALSE' : ''}
	          AND district_id IN (SELECT district_id FROM districts) GROUP BY district_id`;
}
