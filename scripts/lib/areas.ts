/**
 * LSOA 2011 areas for the `areas` extract (analytics/ingest/extract-schema.ts): boundaries read
 * from an ESRI shapefile in any coordinate system its `.prj` describes, reprojected to WGS84,
 * reduced to the areas the data touches plus their neighbours, simplified for web maps without
 * breaking shared borders, and joined to IMD 2019 deprivation and population.
 *
 * Winding: every polygon produced here follows d3-geo's convention, exterior rings clockwise and
 * holes anticlockwise (as in the ESRI shapefile itself). That is the opposite of the GeoJSON
 * right-hand rule (RFC 7946 §3.1.6), which MapLibre does not require, but d3-geo does: a ring
 * wound the other way is read as the whole sphere minus the polygon (area ≈ 4π sr).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as shapefile from 'shapefile';
import proj4 from 'proj4';
import { topology } from 'topojson-server';
import { presimplify, simplify, sphericalTriangleArea } from 'topojson-simplify';
import { feature, neighbors } from 'topojson-client';
import { geoArea, geoCentroid } from 'd3';
import { EARTH_RADIUS_KM, windForD3 } from '../../analytics/boundaries';
import type { QueryRunner } from '../../analytics/runner';
import { assertDatumKnown } from '../../analytics/ingest/crs';
import { TEXT_CSV_SOURCE, csvColumns } from '../../analytics/ingest/csv-columns';
import type { AreaGeometry, Position } from '../../analytics/shared/geojson';

/** GeoJSON geometry types ([longitude, latitude] WGS84): the one copy in analytics/shared/geojson.ts. */
export type { AreaGeometry, MultiPolygonGeometry, PolygonGeometry, Position } from '../../analytics/shared/geojson';

/** One LSOA boundary as read from the shapefile, reprojected to WGS84, rings wound for d3-geo. */
export interface LsoaFeature {
	/** LSOA 2011 code (LSOA11CD), e.g. "E01000001". */
	code: string;
	/** LSOA 2011 name (LSOA11NM), e.g. "City of London 001A". */
	name: string;
	/** MSOA 2011 code (MSOA11CD). */
	msoaCode: string;
	/** Local authority district code (LAD11CD). */
	ladCode: string;
	/** Local authority district name (LAD11NM). */
	ladName: string;
	geometry: AreaGeometry;
}

/** An area chosen for the extract, simplified, with its centroid and area. */
export interface SelectedArea extends Omit<LsoaFeature, 'geometry'> {
	/** True if the code was in `keep` (the data touches it); false for a neighbour kept for context. */
	touched: boolean;
	/** Spherical centroid (d3-geo geoCentroid) of the simplified polygon, degrees. */
	centroidLon: number;
	centroidLat: number;
	/** Spherical area of the simplified polygon in km² (geoArea in steradians × R², R = 6371.0088 km). */
	areaKm2: number;
	geometry: AreaGeometry;
}

/** IMD 2019 figures for one LSOA. */
export interface ImdRecord {
	/** IMD rank, 1 = most deprived of 32,844 LSOAs in England. */
	imdRank: number;
	/** IMD decile, 1 = most deprived 10%. */
	imdDecile: number;
	/** Crime domain decile, 1 = most deprived 10%; null if the domains file lacks the LSOA. */
	crimeDecile: number | null;
	/** Total population mid-2015, excluding prisoners; null if the denominators file lacks the LSOA. */
	population: number | null;
}

export interface ImdFiles {
	/** File_1 (IMD rank and decile), gzipped CSV. */
	imdFile: string;
	/** File_2 (domains of deprivation, incl. Crime), gzipped CSV. */
	domainsFile: string;
	/** File_6 (population denominators, mid-2015), gzipped CSV. */
	populationFile: string;
}

export interface SelectAreasOptions {
	/** LSOA codes the data touches. Codes matching no feature are ignored. */
	keep: ReadonlySet<string>;
	/** Also return every area sharing a border (a topology arc) with a kept one. */
	neighbours: boolean;
	/** Visvalingam minimum triangle area in steradians; defaults to DEFAULT_SIMPLIFY_WEIGHT. */
	simplifyWeight?: number;
}

/** Mean Earth radius, the boundary rule (locatePoints) and d3-geo winding: one copy, in analytics/boundaries. */
export { EARTH_RADIUS_KM, locatePoints, windForD3 } from '../../analytics/boundaries';

/**
 * Default simplification threshold in steradians: 1.5e-11 sr × R² ≈ 610 m² of triangle, e.g. a
 * vertex 20 m off a 60 m chord. The ONS source is already generalised to 20 m, so there is
 * little left to cut without distorting small areas: measured on London's 4,835 LSOAs this
 * drops 14% of vertices and keeps every area within 3% of its unsimplified size (median 0.15%).
 * 2e-11 drops 18% but one area moves 7%; 1e-10 drops 51% but areas move up to 30%; 1e-9
 * (≈ 0.04 km² per triangle) shrinks some City LSOAs (the smallest are ≈ 0.017 km²) by 98%.
 */
export const DEFAULT_SIMPLIFY_WEIGHT = 1.5e-11;

/** Coordinates are rounded to 6 decimals (≈ 0.1 m), which also makes shared borders identical. */
const COORDINATE_DECIMALS = 6;

/** The dbf fields every LSOA 2011 shapefile from ONS carries. */
const LSOA_FIELDS = {
	code: 'LSOA11CD',
	name: 'LSOA11NM',
	msoaCode: 'MSOA11CD',
	ladCode: 'LAD11CD',
	ladName: 'LAD11NM'
} as const;

/** dBASE files are read as Windows-1252 when no .cpg names an encoding (the shapefile package's default). */
const DEFAULT_DBF_ENCODING = 'windows-1252';

/**
 * Read LSOA 2011 boundaries from an ESRI shapefile and reproject them to WGS84.
 *
 * The source coordinate system is whatever the `.prj` beside the `.shp` says (WKT, parsed by
 * proj4, datum shift included when proj4 knows the datum); the `.dbf` is decoded with the
 * encoding named in the `.cpg`, Windows-1252 without one. Coordinates come out as
 * [lon, lat] degrees rounded to 6 decimals, with repeated consecutive positions dropped, rings
 * wound for d3-geo (see the module comment).
 *
 * @param shpPath path of the `.shp`; the `.dbf`, `.prj` and optional `.cpg` share its stem.
 * @returns one feature per record, in file order.
 * @throws if the `.prj` is missing or not a coordinate system proj4 can use, if a record has
 *   no polygon geometry, or if one of LSOA11CD, LSOA11NM, MSOA11CD, LAD11CD, LAD11NM is missing.
 */
export async function readLsoaBoundaries(shpPath: string): Promise<LsoaFeature[]> {
	const stem = shpPath.replace(/\.shp$/i, '');
	const toWgs84 = createReprojector(`${stem}.prj`);
	const encoding = readDbfEncoding(`${stem}.cpg`);
	const source = await shapefile.open(shpPath, `${stem}.dbf`, { encoding });
	const features: LsoaFeature[] = [];
	for (let result = await source.read(); !result.done; result = await source.read()) {
		const record = features.length + 1;
		const where = `${shpPath} record ${record}`;
		features.push({
			...readLsoaProperties(result.value.properties, where),
			geometry: windForD3(reprojectGeometry(result.value.geometry, toWgs84, where))
		});
	}
	return features;
}

/**
 * Build a function from the projected coordinates described by a `.prj` (WKT) to WGS84
 * [lon, lat] degrees.
 *
 * @throws naming the file when it is missing, unreadable as WKT, or describes a datum proj4
 *   cannot relate to WGS84 (which would silently shift every point by up to ~100 m).
 */
export function createReprojector(prjPath: string): (xy: Position) => Position {
	if (!existsSync(prjPath)) {
		throw new Error(
			`${prjPath}: projection file not found; expected a .prj (WKT coordinate system) beside the shapefile`
		);
	}
	const wkt = readFileSync(prjPath, 'utf8').trim();
	let projection: InstanceType<typeof proj4.Proj>;
	try {
		projection = new proj4.Proj(wkt);
	} catch (error) {
		// proj4 throws strings as well as Errors.
		const reason = error instanceof Error ? error.message : String(error);
		throw new Error(`${prjPath}: proj4 cannot parse the projection (${reason}); expected a WKT coordinate system`);
	}
	assertDatumKnown(projection.datum, prjPath);
	const converter = proj4(projection, proj4.WGS84);
	return (xy) => {
		const [lon, lat] = converter.forward([xy[0], xy[1]]);
		if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
			throw new Error(`${prjPath}: point (${xy[0]}, ${xy[1]}) does not reproject to a finite longitude/latitude`);
		}
		return [lon, lat];
	};
}

/** The dbf encoding named by a `.cpg` (a WHATWG label or a Windows code page number), Windows-1252 without one. */
export function readDbfEncoding(cpgPath: string): string {
	if (!existsSync(cpgPath)) return DEFAULT_DBF_ENCODING;
	const text = readFileSync(cpgPath, 'utf8').trim();
	const label = text === '65001' ? 'utf-8' : /^\d+$/.test(text) ? `windows-${text}` : text;
	try {
		new TextDecoder(label);
	} catch {
		throw new Error(`${cpgPath}: unknown character encoding "${text}"; expected a label such as UTF-8 or ISO-8859-1`);
	}
	return label;
}

function readLsoaProperties(
	properties: Record<string, unknown> | null,
	where: string
): Omit<LsoaFeature, 'geometry'> {
	const field = (name: string): string => {
		const value = properties?.[name];
		if (typeof value !== 'string' || value.trim() === '') {
			throw new Error(`${where}: field ${name} is missing or empty; expected LSOA 2011 fields ${Object.values(LSOA_FIELDS).join(', ')}`);
		}
		return value.trim();
	};
	return {
		code: field(LSOA_FIELDS.code),
		name: field(LSOA_FIELDS.name),
		msoaCode: field(LSOA_FIELDS.msoaCode),
		ladCode: field(LSOA_FIELDS.ladCode),
		ladName: field(LSOA_FIELDS.ladName)
	};
}

interface RawGeometry {
	type: string;
	coordinates?: unknown;
}

function reprojectGeometry(geometry: RawGeometry | null, toWgs84: (xy: Position) => Position, where: string): AreaGeometry {
	const ring = (positions: Position[]) => dedupeRing(positions.map((p) => roundPosition(toWgs84(p))));
	if (geometry?.type === 'Polygon') {
		return { type: 'Polygon', coordinates: (geometry.coordinates as Position[][]).map(ring) };
	}
	if (geometry?.type === 'MultiPolygon') {
		return { type: 'MultiPolygon', coordinates: (geometry.coordinates as Position[][][]).map((p) => p.map(ring)) };
	}
	throw new Error(`${where}: geometry is ${geometry ? geometry.type : 'null'}; expected Polygon or MultiPolygon`);
}

function roundPosition([lon, lat]: Position): Position {
	const k = 10 ** COORDINATE_DECIMALS;
	return [Math.round(lon * k) / k, Math.round(lat * k) / k];
}

/** Drop consecutive repeats (rounding can merge two vertices); the ring stays closed. */
function dedupeRing(ring: Position[]): Position[] {
	return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]);
}

/**
 * Choose the areas to ship and simplify them for web maps.
 *
 * Builds one TopoJSON topology of all `features` (shared borders become shared arcs), keeps the
 * areas whose code is in `keep` and, with `neighbours`, every area sharing an arc with one of
 * them (touching at a single point does not count). Arcs are simplified by Visvalingam
 * effective area on the sphere (topojson-simplify), so neighbours still meet exactly; arc
 * endpoints (where three areas meet) never move, and every ring keeps at least three distinct
 * positions, so no small area or hole collapses.
 *
 * @returns the selected areas in the order of `features`; empty if `keep` matches nothing.
 *   `areaKm2` and the centroid are computed from the simplified polygon.
 */
export function simplifyAndSelect(features: readonly LsoaFeature[], options: SelectAreasOptions): SelectedArea[] {
	const minWeight = options.simplifyWeight ?? DEFAULT_SIMPLIFY_WEIGHT;
	if (!(minWeight >= 0)) throw new RangeError(`simplifyWeight must be ≥ 0 steradians, got ${minWeight}`);
	const collection = { type: 'FeatureCollection' as const, features: features.map(toGeoJsonFeature) };
	const topo = topology({ areas: collection }) as Topology;
	const geometries = areaGeometries(topo);
	const selected = selectIndexes(features, geometries, options);
	const weighted = presimplify(topo, sphericalTriangleArea);
	keepThreePositionsPerRing(weighted, minWeight);
	const simplified = simplify(weighted, minWeight);
	return selected.map((i) => toSelectedArea(features[i], simplified, geometries[i], options.keep.has(features[i].code)));
}

type Topology = Parameters<typeof presimplify>[0];
type TopoGeometry = Parameters<typeof neighbors>[0][number];

function toGeoJsonFeature(area: LsoaFeature) {
	return { type: 'Feature' as const, properties: { code: area.code }, geometry: area.geometry };
}

function areaGeometries(topo: Topology): TopoGeometry[] {
	const collection = topo.objects.areas;
	if (collection.type !== 'GeometryCollection') throw new Error('topology: expected a GeometryCollection of areas');
	return collection.geometries as TopoGeometry[];
}

/** Indexes of the kept areas and (optionally) their arc-sharing neighbours, ascending. */
function selectIndexes(
	features: readonly LsoaFeature[],
	geometries: TopoGeometry[],
	options: SelectAreasOptions
): number[] {
	const chosen = new Set<number>();
	const adjacency = options.neighbours ? neighbors(geometries) : null;
	features.forEach((area, i) => {
		if (!options.keep.has(area.code)) return;
		chosen.add(i);
		adjacency?.[i].forEach((j) => chosen.add(j));
	});
	return [...chosen].sort((a, b) => a - b);
}

/** Every ring of every area as its list of arc indexes (a negative index ~i is arc i reversed). */
function ringsOf(geometries: TopoGeometry[]): number[][] {
	const rings: number[][] = [];
	for (const g of geometries) {
		if (g.type === 'Polygon') rings.push(...g.arcs);
		else if (g.type === 'MultiPolygon') g.arcs.forEach((polygon) => rings.push(...polygon));
	}
	return rings;
}

/**
 * Raise the weight of the heaviest interior points of any ring that would otherwise keep fewer
 * than three distinct positions at `minWeight` (a small island or hole drawn as one or two arcs
 * would collapse to a line). Arcs are shared, so both sides of a border change together.
 * Mutates the presimplified arcs' third coordinate (the Visvalingam weight).
 */
function keepThreePositionsPerRing(weighted: Topology, minWeight: number): void {
	const interior = (a: number) => weighted.arcs[a < 0 ? ~a : a].slice(1, -1);
	for (const ring of ringsOf(areaGeometries(weighted))) {
		// A closed ring's distinct positions: the endpoint of each arc plus the interior points kept.
		const kept = () => ring.reduce((n, a) => n + 1 + interior(a).filter((p) => p[2] >= minWeight).length, 0);
		const candidates = ring.flatMap(interior).sort((p, q) => q[2] - p[2]);
		for (let i = 0; kept() < 3 && i < candidates.length; i++) candidates[i][2] = Infinity;
	}
}

function toAreaGeometry(topo: Topology, geometry: TopoGeometry): AreaGeometry {
	if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: feature(topo, geometry).geometry.coordinates as Position[][] };
	if (geometry.type === 'MultiPolygon') {
		return { type: 'MultiPolygon', coordinates: feature(topo, geometry).geometry.coordinates as Position[][][] };
	}
	throw new Error(`topology: an area's geometry is ${geometry.type}; expected Polygon or MultiPolygon`);
}

function toSelectedArea(area: LsoaFeature, simplified: Topology, geometry: TopoGeometry, touched: boolean): SelectedArea {
	const wound = windForD3(toAreaGeometry(simplified, geometry));
	const [centroidLon, centroidLat] = geoCentroid(wound);
	return {
		code: area.code,
		name: area.name,
		msoaCode: area.msoaCode,
		ladCode: area.ladCode,
		ladName: area.ladName,
		touched,
		centroidLon,
		centroidLat,
		areaKm2: geoArea(wound) * EARTH_RADIUS_KM ** 2,
		geometry: wound
	};
}

/** Exact CSV headers in the IoD 2019 files (MHCLG, September 2019). */
export const IMD_HEADERS = {
	lsoaCode: 'LSOA code (2011)',
	imdRank: 'Index of Multiple Deprivation (IMD) Rank',
	imdDecile: 'Index of Multiple Deprivation (IMD) Decile',
	crimeDecile: 'Crime Decile (where 1 is most deprived 10% of LSOAs)',
	population: 'Total population: mid 2015 (excluding prisoners)'
} as const;

/**
 * Read IMD 2019 rank and decile, the Crime domain decile and the mid-2015 population for every
 * LSOA in England, with DuckDB. File paths are bound as parameters.
 *
 * The CSVs are UTF-8 with a byte-order mark and write numbers ≥ 1,000 with a thousands
 * separator inside quotes ("29,199"); both are handled. Every LSOA in the IMD file is returned;
 * `crimeDecile` or `population` is null when the domains or population file lacks it.
 *
 * @throws naming the file and the header when a required column is missing, or when an LSOA
 *   code has more than one row in a file.
 */
export async function readImd(files: ImdFiles, runner: QueryRunner): Promise<Map<string, ImdRecord>> {
	const imd = await csvColumns(runner, files.imdFile, [IMD_HEADERS.lsoaCode, IMD_HEADERS.imdRank, IMD_HEADERS.imdDecile]);
	const domains = await csvColumns(runner, files.domainsFile, [IMD_HEADERS.lsoaCode, IMD_HEADERS.crimeDecile]);
	const population = await csvColumns(runner, files.populationFile, [IMD_HEADERS.lsoaCode, IMD_HEADERS.population]);
	const number = (column: string) => `CAST(replace(${column}, ',', '') AS INTEGER)`;
	const sql = `
		WITH imd AS (
			SELECT ${imd[0]} AS code, ${number(imd[1])} AS imd_rank, ${number(imd[2])} AS imd_decile
			FROM ${TEXT_CSV_SOURCE}),
		domains AS (SELECT ${domains[0]} AS code, ${number(domains[1])} AS crime_decile FROM ${TEXT_CSV_SOURCE}),
		population AS (SELECT ${population[0]} AS code, ${number(population[1])} AS population FROM ${TEXT_CSV_SOURCE})
		SELECT imd.code, imd_rank, imd_decile, crime_decile, population
		FROM imd LEFT JOIN domains USING (code) LEFT JOIN population USING (code)`;
	const rows = await runner.rows(sql, [files.imdFile, files.domainsFile, files.populationFile]);
	return toImdMap(rows, files);
}

function toImdMap(rows: Array<Record<string, unknown>>, files: ImdFiles): Map<string, ImdRecord> {
	const map = new Map<string, ImdRecord>();
	for (const row of rows) {
		const code = String(row.code);
		if (map.has(code)) {
			const names = [files.imdFile, files.domainsFile, files.populationFile].join(', ');
			throw new Error(`LSOA ${code} has more than one row in ${names}; expected one row per LSOA in each file`);
		}
		map.set(code, {
			imdRank: row.imd_rank as number,
			imdDecile: row.imd_decile as number,
			crimeDecile: row.crime_decile as number | null,
			population: row.population as number | null
		});
	}
	return map;
}
