/**
 * Districts for the `districts` extract dataset (analytics/ingest/extract-schema.ts): larger
 * areas the records are counted in — local authority districts, police districts — read from a
 * GeoJSON or KML boundary file in WGS84.
 *
 * - GeoJSON: a FeatureCollection of Polygon / MultiPolygon features in WGS84 (no `crs`, or
 *   CRS84 / EPSG:4326). The identifier and name come from the properties named by the caller,
 *   else from the first property whose name looks like one (see ID_PROPERTIES, NAME_PROPERTIES).
 * - KML: parsed with @tmcw/togeojson over an @xmldom/xmldom DOM. A Placemark's `<name>` is the
 *   identifier and its `<description>` (plain text, e.g. "District 17") the name.
 *
 * Features sharing an identifier (a district drawn as several placemarks) become one
 * MultiPolygon. Coordinates are rounded to 6 decimals and rings wound for d3-geo (areas.ts).
 */
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { kml } from '@tmcw/togeojson';
import { geoArea, geoCentroid } from 'd3';
import { EARTH_RADIUS_KM, windForD3, type AreaGeometry, type Position } from './areas';

export interface DistrictFeature {
	/** Identifier, e.g. "E06000008" (a local authority code) or "17" (a police district). */
	code: string;
	name: string;
	geometry: AreaGeometry;
}

export interface DistrictOptions {
	/** Property holding the identifier (GeoJSON; for KML the default is `name`). */
	idProperty?: string;
	/** Property holding the name (GeoJSON; for KML the default is `description`, else `name`). */
	nameProperty?: string;
}

/** Property names tried, in order, for the identifier (compared case-insensitively). */
export const ID_PROPERTIES = ['district_id', 'id', 'code', 'objectid', 'lad19cd', 'lad21cd', 'lad22cd', 'lad23cd', 'lad11cd', 'dist_num', 'district_no'];
/** Property names tried, in order, for the name. */
export const NAME_PROPERTIES = ['name', 'district_name', 'district', 'lad19nm', 'lad21nm', 'lad22nm', 'lad23nm', 'lad11nm', 'label'];

const WGS84_CRS = ['urn:ogc:def:crs:OGC:1.3:CRS84', 'urn:ogc:def:crs:OGC::CRS84', 'urn:ogc:def:crs:EPSG::4326', 'EPSG:4326'];

interface RawFeature {
	properties: Record<string, unknown> | null;
	geometry: { type: string; coordinates?: unknown; geometries?: RawFeature['geometry'][] } | null;
}

/**
 * Read district boundaries from a `.geojson`/`.json` or `.kml` file.
 *
 * @returns one district per identifier, in order of first appearance in the file.
 * @throws naming the file (and feature number) when the file is neither format, a feature has
 *   no polygon geometry or no identifier, the identifier property cannot be found, or the
 *   GeoJSON declares a coordinate system other than WGS84.
 */
export function readDistricts(path: string, options: DistrictOptions = {}): DistrictFeature[] {
	const text = readFileSync(path, 'utf8');
	const isKml = /\.kml$/i.test(path) || /^\s*(<\?xml[^>]*>\s*)?<kml[\s>]/.test(text);
	const features = isKml ? kmlFeatures(text, path) : geoJsonFeatures(text, path);
	if (features.length === 0) throw new Error(`${path}: no features; expected district polygons`);
	const props = features.map((f) => f.properties ?? {});
	const idKey = options.idProperty ?? (isKml ? 'name' : pickProperty(props, ID_PROPERTIES, path, 'identifier', true));
	const nameKey =
		options.nameProperty ??
		(isKml ? (props.every((p) => plainText(p.description)) ? 'description' : 'name') : pickProperty(props, NAME_PROPERTIES.filter((n) => n !== idKey.toLowerCase()), path, 'name', false) ?? idKey);
	const byCode = new Map<string, DistrictFeature>();
	features.forEach((f, i) => {
		const where = `${path} feature ${i + 1}`;
		const code = valueOf(f.properties, idKey);
		if (code === null) throw new Error(`${where}: property "${idKey}" is missing or empty; expected the district identifier there`);
		const name = valueOf(f.properties, nameKey) ?? code;
		const polygons = polygonsOf(f.geometry, where);
		const seen = byCode.get(code);
		if (seen) {
			const previous = seen.geometry.type === 'Polygon' ? [seen.geometry.coordinates] : seen.geometry.coordinates;
			seen.geometry = { type: 'MultiPolygon', coordinates: [...previous, ...polygons] };
		} else {
			byCode.set(code, { code, name, geometry: polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons } });
		}
	});
	return [...byCode.values()].map((d) => ({ ...d, geometry: windForD3(d.geometry) }));
}

function kmlFeatures(text: string, path: string): RawFeature[] {
	let doc;
	try {
		doc = new DOMParser().parseFromString(text, 'text/xml');
	} catch (error) {
		throw new Error(`${path}: not well-formed XML (${error instanceof Error ? error.message : String(error)}); expected a KML file`);
	}
	if (!doc.documentElement || doc.documentElement.nodeName !== 'kml') throw new Error(`${path}: the root element is not <kml>; expected a KML file`);
	return kml(doc).features as RawFeature[];
}

function geoJsonFeatures(text: string, path: string): RawFeature[] {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new Error(`${path}: not valid JSON; expected a GeoJSON FeatureCollection or a KML file`);
	}
	const collection = json as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
	if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
		throw new Error(`${path}: expected a GeoJSON FeatureCollection`);
	}
	const crs = collection.crs?.properties?.name;
	if (crs !== undefined && !WGS84_CRS.includes(String(crs))) {
		throw new Error(`${path}: coordinate system ${JSON.stringify(crs)}; expected WGS84 longitude/latitude (CRS84 or EPSG:4326)`);
	}
	return collection.features as RawFeature[];
}

function plainText(value: unknown): boolean {
	return typeof value === 'string' && value.trim() !== '' && value.length <= 100 && !/[<>]/.test(value);
}

function valueOf(properties: Record<string, unknown> | null, key: string): string | null {
	const value = properties?.[key];
	if (value === null || value === undefined) return null;
	const text = String(value).trim();
	return text === '' ? null : text;
}

/** The first candidate property present (with a value) in every feature; for ids, also unique. */
function pickProperty(props: Record<string, unknown>[], candidates: readonly string[], path: string, what: string, unique: boolean): string;
function pickProperty(props: Record<string, unknown>[], candidates: readonly string[], path: string, what: string, unique: false): string | null;
function pickProperty(props: Record<string, unknown>[], candidates: readonly string[], path: string, what: string, unique: boolean): string | null {
	const keys = Object.keys(props[0] ?? {});
	for (const candidate of candidates) {
		const key = keys.find((k) => k.toLowerCase() === candidate);
		if (!key || !props.every((p) => valueOf(p, key) !== null)) continue;
		if (unique && new Set(props.map((p) => valueOf(p, key))).size !== props.length) continue;
		return key;
	}
	if (!unique) return null;
	throw new Error(
		`${path}: no property looks like the district ${what} (tried ${candidates.join(', ')}; the features have ${keys.join(', ') || 'no properties'}). Name it with --district-id <property>.`
	);
}

function polygonsOf(geometry: RawFeature['geometry'], where: string): Position[][][] {
	const round = (p: Position): Position => [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6];
	const ring = (r: Position[]) => r.map(round).filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
	if (geometry?.type === 'Polygon') return [(geometry.coordinates as Position[][]).map(ring)];
	if (geometry?.type === 'MultiPolygon') return (geometry.coordinates as Position[][][]).map((p) => p.map(ring));
	if (geometry?.type === 'GeometryCollection' && geometry.geometries) return geometry.geometries.flatMap((g) => polygonsOf(g, where));
	throw new Error(`${where}: geometry is ${geometry ? geometry.type : 'null'}; expected Polygon or MultiPolygon`);
}

/** Spherical centroid and area (km²) of a district, rings wound for d3-geo. */
export function districtMeasures(geometry: AreaGeometry): { centroidLon: number; centroidLat: number; areaKm2: number } {
	const [centroidLon, centroidLat] = geoCentroid(geometry);
	return { centroidLon, centroidLat, areaKm2: geoArea(geometry) * EARTH_RADIUS_KM ** 2 };
}
