/**
 * Where the records lie against an area set: per record dataset, how many are in an area, how
 * many are located outside every area, how many have no location, and the first of those
 * outside (with file and line). inside + outside + no location = the dataset's records, always.
 * SQL over any QueryRunner, so the builder and the browser import account the same way.
 */
import type { QueryRunner } from '../runner';
import { num } from '../shared/numbers';
import { ident, literal } from '../ingest/sql';
import type { DistrictsInfo } from '../ingest/extract-schema';
import { tableExists } from '../shared/catalog';
import { createInverseTransform, createPointTransform, type ResolvedCrs } from '../ingest/crs';
import { BOUNDARY_RULE, locatePoints, type LocatableArea } from './locate';
import type { BoundarySet } from './read';

/** The reasons a record is in no area. */
export const OUTSIDE_REASON = 'outside every area';
export const NO_LOCATION_REASON = 'no location';

/** Counts of one dataset's records against the area set. */
export interface AreaPlacementCounts {
	records: number;
	/** In an area (`district_id` set). */
	inside: number;
	/** Located (a point, or an LSOA when areas are placed by LSOA) but in no area. */
	outside: number;
	/** No coordinates (and no LSOA or area code the areas could be placed by). */
	no_location: number;
}

/** One record in no area, as listed. */
export interface OutsideRecord {
	dataset: 'incidents' | 'events';
	source_file: string;
	source_line: number;
	longitude: number | null;
	latitude: number | null;
	/** The record's LSOA (incidents) or area code (events) as given; null when none. */
	area_code: string | null;
	reason: typeof OUTSIDE_REASON | typeof NO_LOCATION_REASON;
}

export interface AreaPlacementSource {
	dataset: 'incidents' | 'events';
	/**
	 * The relation holding the dataset's rows with `district_id`, `longitude`, `latitude`,
	 * `source_file`, `source_line` and `lsoa_code` (incidents) or `area_code` (events): a table
	 * name defined in code, optionally qualified by a schema or attached database ("built_base.incidents").
	 */
	table: string;
	/** True when records are placed by their LSOA (or area code) as well as by their point: such a record with no point is located. */
	byCode: boolean;
}

function relation(table: string): string {
	return table.split('.').map(ident).join('.');
}

/** Whether the record has a location the areas can place: its point, or its code when placed by code. */
function locatedSql(source: AreaPlacementSource): string {
	const code = source.dataset === 'incidents' ? 'lsoa_code' : 'area_code';
	return source.byCode ? `(longitude IS NOT NULL OR ${code} IS NOT NULL)` : `(longitude IS NOT NULL)`;
}

/** Counts for one dataset. */
export async function areaPlacementCounts(runner: QueryRunner, source: AreaPlacementSource): Promise<AreaPlacementCounts> {
	const located = locatedSql(source);
	const [r] = await runner.rows<Record<keyof AreaPlacementCounts, number>>(
		`SELECT count(*) AS records,
		        count(district_id) AS inside,
		        count(*) FILTER (WHERE district_id IS NULL AND ${located}) AS outside,
		        count(*) FILTER (WHERE district_id IS NULL AND NOT ${located}) AS no_location
		 FROM ${relation(source.table)}`
	);
	return { records: num(r.records), inside: num(r.inside), outside: num(r.outside), no_location: num(r.no_location) };
}

/**
 * The records in no area (only those with `reason` when given), outside ones first, then those
 * with no location, each in file and line order; at most `limit` (all when null).
 */
export async function recordsInNoArea(runner: QueryRunner, source: AreaPlacementSource, limit: number | null, reason?: OutsideRecord['reason']): Promise<OutsideRecord[]> {
	const located = locatedSql(source);
	const code = source.dataset === 'incidents' ? 'lsoa_code' : 'area_code';
	const rows = await runner.rows(
		`SELECT ${literal(source.dataset)} AS dataset, source_file, source_line, longitude, latitude, ${code} AS area_code,
		        CASE WHEN ${located} THEN ${literal(OUTSIDE_REASON)} ELSE ${literal(NO_LOCATION_REASON)} END AS reason
		 FROM ${relation(source.table)}
		 WHERE district_id IS NULL${reason === undefined ? '' : ` AND ${reason === OUTSIDE_REASON ? '' : 'NOT '}${located}`}
		 ORDER BY reason = ${literal(NO_LOCATION_REASON)}, source_file, source_line
		 ${limit === null ? '' : 'LIMIT ?'}`,
		limit === null ? [] : [limit]
	);
	return rows.map((r) => ({
		dataset: source.dataset,
		source_file: String(r.source_file),
		source_line: num(r.source_line),
		longitude: r.longitude === null ? null : num(r.longitude),
		latitude: r.latitude === null ? null : num(r.latitude),
		area_code: r.area_code === null ? null : String(r.area_code),
		reason: r.reason as OutsideRecord['reason']
	}));
}

/**
 * A file whose two coordinate columns look exchanged (eastings in the northing column, latitudes
 * in the longitude column): most of its located records fall outside every area, yet most of
 * those would fall inside one with the two columns read the other way round. Reported, never
 * acted on: the records stay where the file puts them.
 */
export type SwappedAxesFinding = NonNullable<DistrictsInfo['swapped_axes']>[number];

/** At most this many outside records per file are tried with the columns exchanged. */
export const SWAP_CHECKED = 20_000;

/**
 * Files of `source` whose coordinate columns look exchanged (SwappedAxesFinding): more than
 * half of the file's located records outside every area and, of those tried with x and y
 * exchanged (re-read in the file's own system, so an exchanged easting is converted as a
 * northing), more than half inside an area. Only records with a point count (a record placed
 * by its LSOA is inside whatever its point says). Files whose system `crsOf` does not know, and files with no located record, are skipped.
 */
export async function swappedAxesCheck(
	runner: QueryRunner,
	source: AreaPlacementSource,
	areas: ReadonlyArray<LocatableArea>,
	crsOf: (file: string) => ResolvedCrs | undefined
): Promise<SwappedAxesFinding[]> {
	if (areas.length === 0) return [];
	const files = await runner.rows<{ source_file: string; located: number; outside: number }>(
		`SELECT source_file, count(longitude) AS located, count(longitude) FILTER (WHERE district_id IS NULL) AS outside
		 FROM ${relation(source.table)} GROUP BY source_file ORDER BY source_file`
	);
	const headers = (await tableExists(runner, 'ingest_headers'))
		? await runner.rows<{ source_file: string; key: string; header: string }>(
				`SELECT source_file, key, header FROM ingest_headers WHERE key IN ('longitude', 'latitude')`
			)
		: [];
	const findings: SwappedAxesFinding[] = [];
	for (const f of files) {
		const located = num(f.located);
		const outside = num(f.outside);
		const crs = crsOf(String(f.source_file));
		if (!crs || located === 0 || outside * 2 <= located) continue;
		const points = await runner.rows<{ longitude: number; latitude: number }>(
			`SELECT longitude, latitude FROM ${relation(source.table)}
			 WHERE source_file = ? AND longitude IS NOT NULL AND district_id IS NULL ORDER BY source_line LIMIT ?`,
			[f.source_file, SWAP_CHECKED]
		);
		const back = createInverseTransform(crs);
		const forward = createPointTransform(crs);
		const swapped = points.map((p) => {
			const [x, y] = back([num(p.longitude), num(p.latitude)]);
			const r = forward(y, x);
			return r.ok ? { lon: r.lon, lat: r.lat } : { lon: Number.NaN, lat: Number.NaN };
		});
		const insideIfSwapped = locatePoints(swapped, areas).filter((c) => c !== null).length;
		if (insideIfSwapped * 2 <= points.length) continue;
		const header = (key: string) => headers.find((h) => h.source_file === f.source_file && h.key === key)?.header ?? key;
		findings.push({
			dataset: source.dataset,
			file: String(f.source_file),
			crs: crs.label,
			x_column: header('longitude'),
			y_column: header('latitude'),
			located,
			outside,
			checked: points.length,
			inside_if_swapped: insideIfSwapped
		});
	}
	return findings;
}

const COUNT = new Intl.NumberFormat('en-GB');

/**
 * A finding in words, with the fix, e.g. "crimes.csv (incidents, British National Grid): 1,000
 * of 1,000 located records are outside every area, but 998 of the 1,000 tried would be inside
 * one with the columns exchanged. "Easting" and "Northing" look swapped: if so, read them the
 * other way round (--columns x=Northing,y=Easting, or exchange them in the mapping step).
 * Nothing was swapped."
 */
export function swappedAxesMessage(f: SwappedAxesFinding): string {
	const n = (v: number) => COUNT.format(v);
	return (
		`${f.file} (${f.dataset}, ${f.crs}): ${n(f.outside)} of ${n(f.located)} located records are outside every area, ` +
		`but ${n(f.inside_if_swapped)} of the ${n(f.checked)} tried would be inside one with the two coordinate columns exchanged. ` +
		`"${f.x_column}" and "${f.y_column}" look swapped: if so, read them the other way round ` +
		`(--columns x=${f.y_column},y=${f.x_column}, or exchange them in the mapping step). Nothing was swapped.`
	);
}

/** Records in no area listed in the manifest per dataset and reason (every one of them is in OUTSIDE_AREAS_FILE). */
export const OUTSIDE_LISTED = 20;
/** Every record in no area, as CSV beside the manifest (builder) or kept with the imported source. */
export const OUTSIDE_AREAS_FILE = 'outside-areas.csv';
/** The columns of OUTSIDE_AREAS_FILE. */
export const OUTSIDE_AREAS_COLUMNS = ['dataset', 'source_file', 'source_line', 'longitude', 'latitude', 'area_code', 'reason'] as const;

/**
 * The manifest's account of an area set (`districts_info`, analytics/ingest/extract-schema.ts),
 * the same for the builder and the browser import: what the set is, the boundary rule, and per
 * dataset with a `district_id` (incidents, events) the records in an area, outside every area and
 * with no location (they add up to the records), the first OUTSIDE_LISTED of each reason, and
 * every record in no area (`all`, for OUTSIDE_AREAS_FILE).
 */
export async function areaSetAccount(
	runner: QueryRunner,
	set: Pick<BoundarySet, 'format' | 'idField' | 'nameField' | 'crs' | 'areas' | 'features'>,
	about: Pick<DistrictsInfo, 'label' | 'label_from' | 'file' | 'placed_by'>,
	tables: Record<'incidents' | 'events', string>,
	/** Each input file's coordinate system, to check for exchanged coordinate columns (swappedAxesCheck); no check without it. */
	crsOf?: (file: string) => ResolvedCrs | undefined
): Promise<{ info: DistrictsInfo; all: OutsideRecord[] }> {
	const byCode = about.placed_by === 'lsoa-then-point';
	const records: DistrictsInfo['records'] = {};
	const reasons: DistrictsInfo['outside']['reasons'] = [];
	const first: DistrictsInfo['outside']['first'] = [];
	const all: OutsideRecord[] = [];
	const swapped: SwappedAxesFinding[] = [];
	for (const dataset of ['incidents', 'events'] as const) {
		const source: AreaPlacementSource = { dataset, table: tables[dataset], byCode };
		if (crsOf) swapped.push(...(await swappedAxesCheck(runner, source, set.areas, crsOf)));
		const counts = await areaPlacementCounts(runner, source);
		records[dataset] = counts;
		if (counts.outside > 0) reasons.push({ dataset, reason: OUTSIDE_REASON, count: counts.outside });
		if (counts.no_location > 0) reasons.push({ dataset, reason: NO_LOCATION_REASON, count: counts.no_location });
		for (const reason of [OUTSIDE_REASON, NO_LOCATION_REASON] as const) first.push(...(await recordsInNoArea(runner, source, OUTSIDE_LISTED, reason)));
		all.push(...(await recordsInNoArea(runner, source, null)));
	}
	const info: DistrictsInfo = {
		label: about.label,
		label_from: about.label_from,
		file: about.file,
		format: set.format,
		id_field: set.idField,
		name_field: set.nameField,
		crs: set.crs,
		areas: set.areas.length,
		features: set.features,
		rule: BOUNDARY_RULE,
		placed_by: about.placed_by,
		records,
		outside: { reasons, first, listed_in: OUTSIDE_AREAS_FILE },
		...(swapped.length > 0 ? { swapped_axes: swapped } : {})
	};
	return { info, all };
}
