/**
 * Reading area boundaries (wards, beats, neighbourhoods, districts) from the bytes or text of a
 * boundary file, with no file system: the command-line builder reads the files
 * (scripts/lib/districts.ts), the browser import hands over `File` contents.
 *
 * Formats:
 * - GeoJSON FeatureCollection of Polygon / MultiPolygon features, in WGS84 (no `crs` member, or
 *   CRS84 / EPSG:4326) or in a projected system named by a `crs` member
 *   (`urn:ogc:def:crs:EPSG::27700`, `EPSG:27700`), reprojected with proj4 (analytics/ingest/crs.ts).
 * - ESRI shapefile: the `.shp` with its `.dbf` (attributes), `.prj` (coordinate system, WKT) and
 *   optional `.cpg` (the `.dbf` encoding; Windows-1252 without one), read with the `shapefile`
 *   package from ArrayBuffers.
 * - KML (always WGS84), parsed with @tmcw/togeojson over an @xmldom/xmldom DOM. A Placemark's
 *   `<name>` is the identifier and its `<description>` (plain text, e.g. "District 17") the name.
 * - GeoPackage is not read (see GEOPACKAGE_MESSAGE).
 *
 * Every reader returns areas in WGS84 [lon, lat] rounded to 6 decimals, rings wound for d3-geo,
 * features sharing an identifier merged into one area (dissolved where they share a border,
 * else a MultiPolygon of its separate parts),
 * in order of first appearance; plus the properties as candidates for the id and name.
 */
import { DOMParser } from '@xmldom/xmldom';
import { kml } from '@tmcw/togeojson';
import * as shapefile from 'shapefile';
import type { AreaGeometry, Position } from '../shared/geojson';
import { WGS84_CODE, createPositionTransform, resolveCrs, type ResolvedCrs } from '../ingest/crs';
import { detectIdField, detectNameField, fieldCandidates, labelFromField, valueOf, type FieldCandidate } from './fields';
import { dissolveParts, polygonsOf, windForD3, type RawGeometry } from './geometry';

/** One area of a boundary file. */
export interface BoundaryArea {
	/** Identifier, e.g. "E05005123" (a ward code), "17" (a police district), "BEAT 12". */
	code: string;
	/** Name (the identifier when the file has none). */
	name: string;
	geometry: AreaGeometry;
}

export type BoundaryFormat = 'geojson' | 'kml' | 'shapefile';

export interface BoundaryOptions {
	/** Property holding the identifier (default: detected, see fields.ts; KML `name`). */
	idProperty?: string;
	/** Property holding the name (default: detected; KML `description`, else `name`). */
	nameProperty?: string;
	/**
	 * The coordinate system of a file that does not declare one (a GeoJSON without `crs`, a
	 * shapefile without `.prj`): an EPSG code of analytics/ingest/crs.ts CRS_CHOICES or WKT.
	 * A declaration in the file wins over it only when they agree; when they differ it is an error.
	 */
	crs?: string;
}

/** A boundary file read: its areas and what was decided about it. */
export interface BoundarySet {
	format: BoundaryFormat;
	/** The file's name as given (the `.shp` for a shapefile). */
	file: string;
	areas: BoundaryArea[];
	/** Features (placemarks, shapefile records) read, before those sharing an identifier merged. */
	features: number;
	/** Property holding the identifier. */
	idField: string;
	/** Property holding the name; null when the identifier serves as the name. */
	nameField: string | null;
	/** Every property of the features, for a user interface offering the choice of id and name. */
	candidates: FieldCandidate[];
	/** The coordinate system the coordinates were read in: "EPSG:4326", "EPSG:27700", or the WKT's name. */
	crs: string;
	/** What the areas are called, guessed from the id property ("Wards" for WD23CD …); null when it says nothing. */
	suggestedLabel: string | null;
}

/** A file handed to readBoundaryFiles: its name and contents. */
export interface BoundaryFileInput {
	name: string;
	bytes: Uint8Array | ArrayBuffer;
}

/** Why a GeoPackage is refused, and what to do instead. */
export const GEOPACKAGE_MESSAGE =
	'GeoPackage (.gpkg) files are not read: a GeoPackage is an SQLite database, and reading one would add a second database engine to the app. ' +
	'Save the layer as GeoJSON or as a shapefile instead (QGIS: right-click the layer, Export, Save Features As…; GDAL: ogr2ogr -f GeoJSON areas.geojson areas.gpkg).';

const WGS84_NAMES = /^(urn:ogc:def:crs:OGC:(1\.3)?:CRS84|urn:ogc:def:crs:EPSG:[\d.]*:4326|EPSG:4326|CRS84|OGC:CRS84)$/i;

/** The format a file name (and, for ambiguous names, its first characters) says; null when neither. */
export function boundaryFormat(name: string, head = ''): BoundaryFormat | 'geopackage' | null {
	if (/\.gpkg$/i.test(name)) return 'geopackage';
	if (/\.shp$/i.test(name)) return 'shapefile';
	if (/\.kml$/i.test(name)) return 'kml';
	if (/\.(geo)?json$/i.test(name)) return 'geojson';
	if (/^\s*(<\?xml[^>]*>\s*)?<kml[\s>]/.test(head)) return 'kml';
	if (/^\s*\{/.test(head)) return 'geojson';
	return null;
}

const toBytes = (b: Uint8Array | ArrayBuffer) => (b instanceof Uint8Array ? b : new Uint8Array(b));
const decodeUtf8 = (b: Uint8Array | ArrayBuffer) => new TextDecoder('utf-8').decode(toBytes(b)).replace(/^\uFEFF/, '');

/**
 * Read a boundary file given as one or more files: a `.geojson`/`.json`, a `.kml`, or a
 * shapefile's `.shp` with its `.dbf`, `.prj` (and optional `.cpg`) of the same stem.
 *
 * @throws naming the file when the format is not recognised, a GeoPackage is given, a
 *   shapefile's `.dbf` is missing, or anything the format's reader throws.
 */
export async function readBoundaryFiles(files: readonly BoundaryFileInput[], options: BoundaryOptions = {}): Promise<BoundarySet> {
	if (files.length === 0) throw new Error('no boundary file given; expected a .geojson, .kml or .shp (with its .dbf and .prj)');
	const shp = files.find((f) => /\.shp$/i.test(f.name));
	if (shp) {
		const stem = shp.name.replace(/\.shp$/i, '').toLowerCase();
		const sibling = (ext: string) => files.find((f) => f.name.toLowerCase() === `${stem}.${ext}`);
		const dbf = sibling('dbf');
		if (!dbf) throw new Error(`${shp.name}: no ${stem}.dbf beside it; expected the shapefile's .dbf (its attributes: area codes and names) with the .shp`);
		const prj = sibling('prj');
		const cpg = sibling('cpg');
		return readShapefile(
			{ shp: shp.bytes, dbf: dbf.bytes, prj: prj ? decodeUtf8(prj.bytes) : undefined, cpg: cpg ? decodeUtf8(cpg.bytes) : undefined },
			shp.name,
			options
		);
	}
	if (files.length > 1) {
		throw new Error(`${files.map((f) => f.name).join(', ')}: several files but no .shp; expected one .geojson or .kml file, or a shapefile (.shp, .dbf, .prj)`);
	}
	const [file] = files;
	const text = decodeUtf8(file.bytes);
	return readBoundaryText(text, file.name, options);
}

/**
 * Read a GeoJSON or KML file from its text.
 *
 * @throws naming the file when it is a GeoPackage, a lone .dbf/.prj, or neither format.
 */
export function readBoundaryText(text: string, name: string, options: BoundaryOptions = {}): BoundarySet {
	const format = boundaryFormat(name, text.slice(0, 200));
	if (format === 'geopackage') throw new Error(`${name}: ${GEOPACKAGE_MESSAGE}`);
	if (format === 'kml') return readKml(text, name, options);
	if (format === 'geojson') return readGeoJson(text, name, options);
	if (/\.(dbf|prj|shx|cpg)$/i.test(name)) throw new Error(`${name}: part of a shapefile; give the .shp with its .dbf and .prj`);
	throw new Error(`${name}: not a boundary file this reader knows; expected GeoJSON (.geojson, .json), KML (.kml) or a shapefile (.shp with .dbf and .prj)`);
}

interface RawFeature {
	properties: Record<string, unknown> | null;
	geometry: RawGeometry | null;
}

/** Read a GeoJSON FeatureCollection (see the module comment for its coordinate systems). */
export function readGeoJson(text: string, name: string, options: BoundaryOptions = {}): BoundarySet {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new Error(`${name}: not valid JSON; expected a GeoJSON FeatureCollection`);
	}
	const collection = json as { type?: unknown; features?: unknown; crs?: { type?: unknown; properties?: { name?: unknown } } };
	if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
		throw new Error(`${name}: expected a GeoJSON FeatureCollection (an object with "type": "FeatureCollection" and a "features" list)`);
	}
	const declared = collection.crs === undefined || collection.crs === null ? undefined : geoJsonCrsName(collection.crs, name);
	const crs = chooseCrs(declared, options.crs, name);
	const features = (collection.features as unknown[]).map((f, i): RawFeature => {
		const feature = f as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
		if (feature?.type !== 'Feature') throw new Error(`${name} feature ${i + 1}: type is ${JSON.stringify(feature?.type ?? null)}; expected "Feature"`);
		return { properties: (feature.properties as Record<string, unknown> | null) ?? null, geometry: (feature.geometry as RawGeometry | null) ?? null };
	});
	return assemble('geojson', name, features, crs, options, null);
}

/** The system a GeoJSON `crs` member names, as a code resolveCrs takes ("EPSG:27700") or WGS84. */
function geoJsonCrsName(crs: { type?: unknown; properties?: { name?: unknown } }, name: string): string {
	const value = crs?.properties?.name;
	if (crs?.type !== 'name' || typeof value !== 'string') {
		throw new Error(`${name}: the "crs" member is ${JSON.stringify(crs)}; expected {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}} or no crs (WGS84)`);
	}
	if (WGS84_NAMES.test(value.trim())) return WGS84_CODE;
	const epsg = /^(?:urn:ogc:def:crs:EPSG:[\d.]*:|EPSG:)(\d+)$/i.exec(value.trim());
	if (!epsg) throw new Error(`${name}: the "crs" member names ${JSON.stringify(value)}; expected an EPSG code such as urn:ogc:def:crs:EPSG::27700`);
	return `EPSG:${epsg[1]}`;
}

/** The file's declaration, else the option, else WGS84; an error when both are given and differ. */
function chooseCrs(declared: string | undefined, option: string | undefined, name: string): ResolvedCrs {
	const fromFile = declared === undefined ? undefined : resolveCrs(declared, name);
	const fromOption = option === undefined || option.trim() === '' ? undefined : resolveCrs(option, `${name} (coordinate system option)`);
	if (fromFile && fromOption && fromFile.code !== fromOption.code) {
		throw new Error(`${name}: the file declares ${fromFile.code ?? fromFile.label} but ${fromOption.code ?? fromOption.label} was given; expected them to agree (or give no option)`);
	}
	return fromFile ?? fromOption ?? resolveCrs(WGS84_CODE, name);
}

/** Read a KML file's placemarks (WGS84 by definition). */
export function readKml(text: string, name: string, options: BoundaryOptions = {}): BoundarySet {
	let doc;
	try {
		doc = new DOMParser().parseFromString(text, 'text/xml');
	} catch (error) {
		throw new Error(`${name}: not well-formed XML (${error instanceof Error ? error.message : String(error)}); expected a KML file`);
	}
	if (!doc?.documentElement || doc.documentElement.nodeName !== 'kml') throw new Error(`${name}: the root element is not <kml>; expected a KML file`);
	const features = kml(doc as unknown as Parameters<typeof kml>[0]).features as RawFeature[];
	return assemble('kml', name, features, resolveCrs(WGS84_CODE, name), options, 'kml');
}

export interface ShapefileParts {
	shp: Uint8Array | ArrayBuffer;
	dbf: Uint8Array | ArrayBuffer;
	/** The `.prj` text (WKT); without one, BoundaryOptions.crs, else WGS84 when every coordinate is in degree ranges. */
	prj?: string;
	/** The `.cpg` text (the `.dbf` encoding). */
	cpg?: string;
}

/** Read an ESRI shapefile from its parts' contents. `name` is the `.shp`'s name, for messages. */
export async function readShapefile(parts: ShapefileParts, name: string, options: BoundaryOptions = {}): Promise<BoundarySet> {
	const encoding = dbfEncoding(parts.cpg, name);
	const declared = parts.prj !== undefined && parts.prj.trim() !== '' ? parts.prj : undefined;
	const fromFile = declared === undefined ? undefined : resolveCrs(declared, name.replace(/\.shp$/i, '.prj'));
	const fromOption = options.crs ? resolveCrs(options.crs, `${name} (coordinate system option)`) : undefined;
	if (fromFile && fromOption && fromFile.code !== fromOption.code) {
		throw new Error(`${name}: the .prj describes ${fromFile.code ?? fromFile.label} but ${fromOption.code ?? fromOption.label} was given; expected them to agree (or give no option)`);
	}
	let source;
	try {
		source = await shapefile.open(toArrayBuffer(parts.shp), toArrayBuffer(parts.dbf), { encoding });
	} catch (error) {
		throw new Error(`${name}: not readable as a shapefile (${error instanceof Error ? error.message : String(error)}); expected an ESRI .shp with its .dbf`);
	}
	const features: RawFeature[] = [];
	try {
		for (let result = await source.read(); !result.done; result = await source.read()) {
			features.push({ properties: result.value.properties as Record<string, unknown>, geometry: result.value.geometry as RawGeometry | null });
		}
	} catch (error) {
		throw new Error(`${name} record ${features.length + 1}: not readable (${error instanceof Error ? error.message : String(error)}); expected a polygon shapefile record`);
	}
	let crs = fromFile ?? fromOption;
	if (!crs) {
		if (!features.every((f) => inDegreeRanges(f.geometry))) {
			throw new Error(`${name}: no .prj beside it and the coordinates are not longitude/latitude; expected the .prj (its coordinate system), or the coordinate system named (e.g. EPSG:27700)`);
		}
		crs = resolveCrs(WGS84_CODE, name);
	}
	return assemble('shapefile', name, features, crs, options, null);
}

function toArrayBuffer(b: Uint8Array | ArrayBuffer): ArrayBuffer {
	if (b instanceof ArrayBuffer) return b;
	return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** The dbf encoding named by a `.cpg` (a WHATWG label or a Windows code page number), Windows-1252 without one. */
export function dbfEncoding(cpg: string | undefined, name = 'shapefile'): string {
	if (cpg === undefined || cpg.trim() === '') return 'windows-1252';
	const text = cpg.trim();
	const label = text === '65001' ? 'utf-8' : /^\d+$/.test(text) ? `windows-${text}` : text;
	try {
		new TextDecoder(label);
	} catch {
		throw new Error(`${name.replace(/\.shp$/i, '.cpg')}: unknown character encoding "${text}"; expected a label such as UTF-8 or ISO-8859-1`);
	}
	return label;
}

function inDegreeRanges(geometry: RawGeometry | null): boolean {
	const walk = (c: unknown): boolean =>
		Array.isArray(c) && typeof c[0] === 'number' ? Math.abs(c[0]) <= 180 && Math.abs(c[1] as number) <= 90 : Array.isArray(c) && c.every(walk);
	if (!geometry) return true;
	if (geometry.geometries) return geometry.geometries.every(inDegreeRanges);
	return walk(geometry.coordinates);
}

/** Pick the id and name properties, build one area per identifier, reproject, wind. */
function assemble(format: BoundaryFormat, name: string, features: RawFeature[], crs: ResolvedCrs, options: BoundaryOptions, kmlDefaults: 'kml' | null): BoundarySet {
	if (features.length === 0) throw new Error(`${name}: no features; expected area polygons`);
	const props = features.map((f) => f.properties ?? {});
	const candidates = fieldCandidates(props);
	const fields = candidates.map((c) => c.field);
	const known = (key: string, what: string) => {
		if (!fields.includes(key)) throw new Error(`${name}: no property "${key}" for the ${what}; the features have ${fields.join(', ') || 'no properties'}`);
		return key;
	};
	const idField = options.idProperty !== undefined ? known(options.idProperty, 'identifier') : kmlDefaults ? 'name' : detectIdField(candidates, features.length);
	if (idField === null) {
		throw new Error(
			`${name}: no property looks like the area identifier (one present in every feature, e.g. WD23CD, beat, objectid, id, code; the features have ${fields.join(', ') || 'no properties'}). Name it with the id field option (--district-id <property>).`
		);
	}
	let nameField: string | null;
	if (options.nameProperty !== undefined) nameField = known(options.nameProperty, 'name');
	else if (kmlDefaults) nameField = props.every((p) => plainText(p.description)) ? 'description' : 'name';
	else nameField = detectNameField(candidates, features.length, idField);
	const project = crs.isWgs84 ? undefined : createPositionTransform(crs, name);
	const byCode = new Map<string, { code: string; name: string; parts: Position[][][] }>();
	features.forEach((f, i) => {
		const where = `${name} ${format === 'shapefile' ? 'record' : format === 'kml' ? 'placemark' : 'feature'} ${i + 1}`;
		const code = valueOf(f.properties, idField);
		if (code === null) throw new Error(`${where}: property "${idField}" is missing or empty; expected the area identifier there`);
		const areaName = (nameField ? valueOf(f.properties, nameField) : null) ?? code;
		const polygons = polygonsOf(f.geometry, where, project);
		const seen = byCode.get(code);
		if (seen) seen.parts.push(...polygons);
		else byCode.set(code, { code, name: areaName, parts: polygons });
	});
	// A feature of its own keeps its geometry; features sharing an identifier are one area, dissolved where they meet.
	const single = (parts: Position[][][]): AreaGeometry => (parts.length === 1 ? { type: 'Polygon', coordinates: parts[0] } : { type: 'MultiPolygon', coordinates: parts });
	const counts = new Map<string, number>();
	features.forEach((f) => {
		const code = valueOf(f.properties, idField)!;
		counts.set(code, (counts.get(code) ?? 0) + 1);
	});
	return {
		format,
		file: name,
		areas: [...byCode.values()].map((a) => ({
			code: a.code,
			name: a.name,
			geometry: windForD3(counts.get(a.code)! > 1 ? dissolveParts(a.parts) : single(a.parts))
		})),
		features: features.length,
		idField,
		nameField: nameField === idField ? null : nameField,
		candidates,
		crs: crs.code ?? crs.label,
		suggestedLabel: kmlDefaults ? null : labelFromField(idField)
	};
}

function plainText(value: unknown): boolean {
	return typeof value === 'string' && value.trim() !== '' && value.length <= 100 && !/[<>]/.test(value);
}

export type { Position };
