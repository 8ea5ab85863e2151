/**
 * Districts for the `districts` extract dataset (analytics/ingest/extract-schema.ts): the areas
 * the records are counted in — local authority districts, police districts, or a force's own
 * wards, beats and neighbourhoods — read from a boundary file. This file only reads the files;
 * the formats, field detection, reprojection and the boundary rule are analytics/boundaries
 * (shared with the browser import).
 *
 * - GeoJSON (`.geojson`, `.json`): WGS84, or a projected system named by its `crs` member.
 * - KML (`.kml`): WGS84; a Placemark's `<name>` is the identifier, `<description>` the name.
 * - ESRI shapefile (`.shp`): the `.dbf`, `.prj` and optional `.cpg` beside it (same stem).
 * - GeoPackage (`.gpkg`): refused with a message naming the alternatives.
 *
 * Features sharing an identifier (a district drawn as several placemarks) become one
 * MultiPolygon. Coordinates are rounded to 6 decimals and rings wound for d3-geo.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
	areaMeasures,
	readBoundaryFiles,
	readBoundaryText,
	type BoundaryArea,
	type BoundaryFileInput,
	type BoundaryOptions,
	type BoundarySet
} from '../../analytics/boundaries';
import type { AreaGeometry } from './areas';

export { ID_PROPERTIES, NAME_PROPERTIES } from '../../analytics/boundaries';

/** One district: identifier, e.g. "E06000008" (a local authority code) or "17" (a police district), name and polygons. */
export type DistrictFeature = BoundaryArea;

export interface DistrictOptions {
	/** Property holding the identifier (GeoJSON, shapefile; for KML the default is `name`). */
	idProperty?: string;
	/** Property holding the name (for KML the default is `description`, else `name`). */
	nameProperty?: string;
	/** Coordinate system of a file that declares none (EPSG code or WKT; see analytics/boundaries). */
	crs?: string;
}

/**
 * Read district boundaries from a `.geojson`/`.json` or `.kml` file (synchronous; a shapefile
 * needs readAreaSet).
 *
 * @returns one district per identifier, in order of first appearance in the file.
 * @throws naming the file (and feature number) when the file is neither format, a feature has
 *   no polygon geometry or no identifier, or the identifier property cannot be found.
 */
export function readDistricts(path: string, options: DistrictOptions = {}): DistrictFeature[] {
	if (/\.shp$/i.test(path)) throw new Error(`${path}: a shapefile is read with readAreaSet (asynchronous)`);
	return readBoundaryText(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), path, options).areas;
}

/**
 * Read an area set from any boundary file readers in analytics/boundaries know: for a `.shp`,
 * its `.dbf`, `.prj` and `.cpg` of the same stem are read too (the `.dbf` is required).
 *
 * @returns the areas, the id and name fields chosen, the candidates, the coordinate system.
 *   `file` is the path given.
 */
export async function readAreaSet(path: string, options: BoundaryOptions = {}): Promise<BoundarySet> {
	if (!existsSync(path)) throw new Error(`${path}: boundary file not found`);
	const files: BoundaryFileInput[] = [{ name: path, bytes: readFileSync(path) }];
	if (/\.shp$/i.test(path)) {
		const stem = path.replace(/\.shp$/i, '');
		for (const ext of ['dbf', 'prj', 'cpg']) {
			const sibling = [`${stem}.${ext}`, `${stem}.${ext.toUpperCase()}`].find((p) => existsSync(p));
			if (sibling) files.push({ name: `${path.slice(0, -4)}.${ext}`, bytes: readFileSync(sibling) });
		}
	}
	const set = await readBoundaryFiles(files, options);
	return { ...set, file: path };
}

/** The file name recorded in the manifest (no folders: they may be the builder's machine's). */
export function areaSetFileName(path: string): string {
	return basename(path);
}

/** Spherical centroid and area (km²) of a district, rings wound for d3-geo. */
export function districtMeasures(geometry: AreaGeometry): { centroidLon: number; centroidLat: number; areaKm2: number } {
	return areaMeasures(geometry);
}
