/**
 * Areas of the user's own in the browser import: a boundary file (wards, beats, neighbourhoods)
 * read by analytics/boundaries and reprojected to WGS84, joined to the records at import time as
 * the command-line builder joins `--districts` (scripts/lib/extracts.ts): the areas become the
 * extract's `districts` dataset (polygons, centroid, area), every located record gets the
 * `district_id` of the area containing its point (the boundary rule of analytics/boundaries), an
 * events record whose area code names an area takes that area, and the areas can be the force
 * area (unit `district`). Records located outside every area are counted per dataset and the
 * first of them listed with file and line; with the records in an area and those with no
 * location, every record is accounted for.
 *
 * No DOM and no DuckDB-wasm import: runs in the import worker and in unit tests.
 */
import { Float64, Int32, Table, Utf8, makeData, makeVector, tableToIPC, type Vector } from 'apache-arrow';
import type { QueryRunner, Row } from '$analytics/runner';
import { OUTSIDE_AREAS_COLUMNS, OUTSIDE_AREAS_FILE, OUTSIDE_LISTED, areaMeasures, areaSetAccount, locatePoints, type BoundarySet } from '$analytics/boundaries';
import type { DistrictsInfo } from '$analytics/ingest/extract-schema';
import type { ResolvedCrs } from '$analytics/ingest/crs';
import { toCsv } from '$analytics/export/csv';
import { forceCells } from '$analytics/ingest/force-area';
import type { ImportEngine } from './build';

/** A boundary file chosen in the import panel, read and reprojected (boundary-file.ts). */
export interface ImportAreas {
	/** What the user calls the areas, e.g. "Wards", "Beats" (shown wherever the app says districts). */
	label: string;
	/** Where the label came from: typed by the user, guessed from the file (WD23CD → Wards), or the default. */
	labelFrom: DistrictsInfo['label_from'];
	/** The file as read: areas in the file's order (which decides a point on a shared boundary, BOUNDARY_RULE), WGS84, rings wound for d3-geo. */
	set: BoundarySet;
}

/** How many records in no area the manifest lists per dataset and reason, and the file listing them all (analytics/boundaries/placement.ts). */
export { OUTSIDE_AREAS_FILE, OUTSIDE_LISTED };

function utf8Vector(strings: readonly string[]): Vector {
	const encoder = new TextEncoder();
	const parts = strings.map((s) => encoder.encode(s));
	const valueOffsets = new Int32Array(strings.length + 1);
	for (let i = 0; i < parts.length; i++) valueOffsets[i + 1] = valueOffsets[i] + parts[i].length;
	const data = new Uint8Array(valueOffsets[strings.length]);
	for (let i = 0; i < parts.length; i++) data.set(parts[i], valueOffsets[i]);
	return makeVector(makeData({ type: new Utf8(), length: strings.length, nullCount: 0, valueOffsets, data }));
}
const f64Vector = (data: Float64Array) => makeVector(makeData({ type: new Float64(), length: data.length, nullCount: 0, data }));
const i32Vector = (data: Int32Array) => makeVector(makeData({ type: new Int32(), length: data.length, nullCount: 0, data }));

/**
 * Leave `district_ids` (one row per area) and `district_rows` (the `districts` dataset's rows,
 * in the file's order: centroid and area from d3-geo on the sphere, geometry as GeoJSON text);
 * both empty without areas, so the SQL that reads them runs either way.
 */
export async function prepareAreaTables(engine: ImportEngine, areas: ImportAreas | null): Promise<void> {
	const { runner } = engine;
	await runner.exec(`DROP TABLE IF EXISTS district_ids; DROP TABLE IF EXISTS district_rows; DROP TABLE IF EXISTS import_areas_in`);
	const list = areas?.set.areas ?? [];
	const n = list.length;
	const centroidLon = new Float64Array(n);
	const centroidLat = new Float64Array(n);
	const areaKm2 = new Float64Array(n);
	list.forEach((a, i) => {
		const m = areaMeasures(a.geometry);
		centroidLon[i] = m.centroidLon;
		centroidLat[i] = m.centroidLat;
		areaKm2[i] = m.areaKm2;
	});
	// The readers round coordinates to 6 decimals (≈ 0.1 m), as the builder writes them.
	const geometry = list.map((a) => JSON.stringify(a.geometry));
	const table = new Table({
		seq: i32Vector(Int32Array.from(list, (_, i) => i)),
		district_id: utf8Vector(list.map((a) => a.code)),
		name: utf8Vector(list.map((a) => a.name)),
		area_km2: f64Vector(areaKm2),
		centroid_lon: f64Vector(centroidLon),
		centroid_lat: f64Vector(centroidLat),
		geometry: utf8Vector(geometry)
	});
	if (n > 0) await engine.insertArrow('import_areas_in', tableToIPC(table, 'stream'));
	else {
		await runner.exec(
			`CREATE TABLE import_areas_in (seq INTEGER, district_id VARCHAR, name VARCHAR, area_km2 DOUBLE, centroid_lon DOUBLE, centroid_lat DOUBLE, geometry VARCHAR)`
		);
	}
	await runner.exec(
		`CREATE TEMP TABLE district_rows AS SELECT seq, district_id, name, CAST(NULL AS INTEGER) AS population, area_km2, centroid_lon, centroid_lat, geometry
		 FROM import_areas_in ORDER BY seq`
	);
	await runner.exec(`CREATE TEMP TABLE district_ids AS SELECT district_id FROM district_rows ORDER BY seq; DROP TABLE import_areas_in`);
	const [{ dup }] = await runner.rows<{ dup: number }>(`SELECT count(*) - count(DISTINCT district_id) AS dup FROM district_ids`);
	if (Number(dup) > 0) throw new Error(`${areas!.set.file}: ${dup} area identifiers appear more than once in "${areas!.set.idField}"; choose a field with one value per area`);
}

/**
 * Add `point_district` to `point_cells` (the distinct points of the import): the area containing
 * each point by the areas' boundary rule, null outside every area. Without areas nothing is
 * added (nothing reads the column then).
 * @returns the number of distinct points inside some area.
 */
export async function locatePointAreas(engine: ImportEngine, areas: ImportAreas | null): Promise<number> {
	if (!areas) return 0;
	const { runner } = engine;
	await runner.exec(`DROP TABLE IF EXISTS point_district`);
	const points = await runner.columns(`SELECT longitude, latitude FROM point_cells`);
	const lon = points.longitude as number[];
	const lat = points.latitude as number[];
	const found = locatePoints(lon.map((x, i) => ({ lon: x, lat: lat[i] })), areas.set.areas);
	const inside = found.flatMap((code, i) => (code === null ? [] : [i]));
	if (inside.length > 0) {
		const table = new Table({
			longitude: f64Vector(Float64Array.from(inside, (i) => lon[i])),
			latitude: f64Vector(Float64Array.from(inside, (i) => lat[i])),
			district_id: utf8Vector(inside.map((i) => found[i]!))
		});
		await engine.insertArrow('point_district', tableToIPC(table, 'stream'));
	} else {
		await runner.exec(`CREATE TABLE point_district (longitude DOUBLE, latitude DOUBLE, district_id VARCHAR)`);
	}
	await runner.exec(
		`CREATE OR REPLACE TABLE point_cells AS SELECT p.*, d.district_id AS point_district
		 FROM point_cells p LEFT JOIN point_district d USING (longitude, latitude)`
	);
	await runner.exec(`DROP TABLE point_district`);
	return inside.length;
}

/**
 * The `district_id` of a typed table's rows (alias `t`, points joined as `p` when `joined`):
 * for events, the area its area code names, else the area containing its point; for the others,
 * the area containing the point. Null without areas.
 */
export function districtIdSql(kind: string, present: ReadonlySet<string>, joined: boolean): string {
	const point = joined ? 'p.point_district' : 'CAST(NULL AS VARCHAR)';
	if (kind === 'events' && present.has('area_code')) {
		return `coalesce((SELECT di.district_id FROM district_ids di WHERE di.district_id = t.area_code), ${point})`;
	}
	return point;
}

/**
 * `force_cell_rows (h3, resolution)`: the H3 cells whose centre lies in the areas, when they
 * are the force area (pass null otherwise: the table is then empty), as the builder fills
 * `force_cells` from district polygons (analytics/ingest/force-area.ts forceCells).
 */
export async function areaForceCellRows(engine: ImportEngine, areas: ImportAreas | null, resolutions: readonly number[]): Promise<void> {
	const { runner } = engine;
	await runner.exec(`DROP TABLE IF EXISTS force_cell_rows`);
	const h3: string[] = [];
	const res: number[] = [];
	if (areas) {
		for (const [r, cells] of forceCells(areas.set.areas.map((a) => a.geometry), resolutions)) {
			for (const c of cells) {
				h3.push(c);
				res.push(r);
			}
		}
	}
	if (h3.length === 0) {
		await runner.exec(`CREATE TEMP TABLE force_cell_rows (h3 VARCHAR, resolution INTEGER)`);
		return;
	}
	await engine.insertArrow('force_cell_rows', tableToIPC(new Table({ h3: utf8Vector(h3), resolution: i32Vector(Int32Array.from(res)) }), 'stream'));
}

/**
 * The manifest's account of the area set (`districts_info`), as the builder writes it
 * (analytics/boundaries/placement.ts areaSetAccount), and every record in no area as CSV
 * (OUTSIDE_AREAS_FILE). Records are placed by their point (an events area code naming an area
 * counts as located).
 */
export async function districtsReport(
	runner: QueryRunner,
	areas: ImportAreas,
	records: Record<'incidents' | 'events', string>,
	/** Each file's coordinate system, to check for exchanged coordinate columns (analytics/boundaries swappedAxesCheck). */
	crsOf?: (file: string) => ResolvedCrs | undefined
): Promise<{ info: DistrictsInfo; csv: Uint8Array }> {
	const { set } = areas;
	const { info, all } = await areaSetAccount(runner, set, { label: areas.label, label_from: areas.labelFrom, file: set.file, placed_by: 'point' }, records, crsOf);
	const csv = new TextEncoder().encode(toCsv(all.map((r): Row => ({ ...r })), [...OUTSIDE_AREAS_COLUMNS]));
	return { info, csv };
}
