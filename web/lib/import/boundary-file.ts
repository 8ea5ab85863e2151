/**
 * A boundary file chosen in the import panel (GeoJSON, KML, or a shapefile's .shp + .dbf + .prj),
 * read with analytics/boundaries: first inspected, so the panel can offer the id and name fields
 * (each with a sample value), the area set's name and, when the file does not say, its
 * coordinate system (British National Grid suggested when the coordinates look like it); then
 * read with the user's choices into the areas the import joins records to (import-areas.ts).
 *
 * No DOM and no DuckDB-wasm import: runs in the import worker and in unit tests.
 */
import * as shapefile from 'shapefile';
import { boundaryFormat, readBoundaryFiles, type BoundaryFileInput, type FieldCandidate } from '$analytics/boundaries';
import { detectCrs, type CrsDetection } from '$analytics/ingest/crs';
import type { ImportAreas } from './import-areas';

/** File names the panel accepts as (parts of) a boundary file. */
export const BOUNDARY_EXTENSIONS = ['.geojson', '.json', '.kml', '.shp', '.dbf', '.prj', '.cpg', '.shx', '.gpkg'];

/** Whether a chosen file is (part of) a boundary file rather than data. */
export const isBoundaryFile = (name: string) => BOUNDARY_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/** What the user chooses about a boundary file; an empty string means "as detected" (for the label: from the file). */
export interface BoundaryChoice {
	/** Property holding each area's identifier. */
	idField: string;
	/** Property holding each area's name; the id field for none (the identifier is shown). */
	nameField: string;
	/** The coordinate system for a file that does not declare one (EPSG code), '' when it declares one or is in degrees. */
	crs: string;
	/** What the areas are called, e.g. "Wards". */
	label: string;
}

/** A boundary file inspected: what was found, or why it cannot be read. */
export type BoundaryInspection =
	| {
			ok: true;
			/** The file as shown, e.g. "wards.geojson" or "beats.shp (+ .dbf, .prj)". */
			file: string;
			format: string;
			/** Areas (features sharing an identifier counted once) and features read. */
			areas: number;
			features: number;
			/** Every property with how many features have it, its distinct values and a sample. */
			fields: FieldCandidate[];
			idField: string;
			nameField: string | null;
			/** The system the coordinates were read in ("EPSG:27700"…). */
			crs: string;
			/** True when the file does not say its system and the coordinates are not degrees: the user must confirm `crs`. */
			crsAsked: boolean;
			/** What the coordinates suggest, when asked. */
			crsDetection: CrsDetection | null;
			/** The area set's name suggested: from the id field (Wards for WD23CD), else from the file name. */
			label: string;
	  }
	| {
			ok: false;
			file: string;
			message: string;
			/** True when what is missing is the coordinate system (the panel then asks for it). */
			crsAsked: boolean;
	  };

/** The file as shown in messages: the .shp with its companions, or the one file. */
export function boundaryDisplayName(files: readonly { name: string }[]): string {
	const shp = files.find((f) => /\.shp$/i.test(f.name));
	if (!shp) return files.map((f) => f.name).join(', ');
	const stem = shp.name.replace(/\.shp$/i, '').toLowerCase();
	const parts = files.filter((f) => f !== shp && f.name.toLowerCase().startsWith(`${stem}.`)).map((f) => f.name.slice(stem.length).toLowerCase());
	return parts.length > 0 ? `${shp.name} (+ ${parts.sort().join(', ')})` : shp.name;
}

/** "North Wards" from "north_wards.geojson": the file's stem in words, capitalised. */
export function labelFromFileName(name: string): string {
	const stem = name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim();
	return stem === '' ? 'Areas' : stem.charAt(0).toUpperCase() + stem.slice(1);
}

/**
 * Sample coordinates of a file that may not be in degrees: a shapefile's bounding box from its
 * header, or a GeoJSON's first positions. Null for KML (always degrees) or unreadable input.
 */
async function sampleCoordinates(files: readonly BoundaryFileInput[]): Promise<{ xs: number[]; ys: number[]; declared: boolean } | null> {
	const shp = files.find((f) => /\.shp$/i.test(f.name));
	if (shp) {
		const stem = shp.name.replace(/\.shp$/i, '').toLowerCase();
		const declared = files.some((f) => f.name.toLowerCase() === `${stem}.prj`);
		try {
			const bytes = shp.bytes instanceof Uint8Array ? shp.bytes : new Uint8Array(shp.bytes);
			const source = await shapefile.openShp(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
			const [x0, y0, x1, y1] = source.bbox;
			return { xs: [x0, x1], ys: [y0, y1], declared };
		} catch {
			return null;
		}
	}
	if (files.length !== 1 || boundaryFormat(files[0].name) !== 'geojson') return null;
	try {
		const json = JSON.parse(new TextDecoder().decode(files[0].bytes)) as { crs?: unknown; features?: Array<{ geometry?: { coordinates?: unknown } }> };
		const xs: number[] = [];
		const ys: number[] = [];
		const walk = (c: unknown) => {
			if (xs.length >= 200 || !Array.isArray(c)) return;
			if (typeof c[0] === 'number' && typeof c[1] === 'number') {
				xs.push(c[0]);
				ys.push(c[1]);
			} else for (const inner of c) walk(inner);
		};
		for (const f of json.features ?? []) walk(f?.geometry?.coordinates);
		return { xs, ys, declared: json.crs !== undefined && json.crs !== null };
	} catch {
		return null;
	}
}

/**
 * Inspect boundary files: read them as detected (or with `choice`'s fields and system) and say
 * what the panel should offer. A file that does not declare its coordinate system and whose
 * coordinates are not degrees is read in the system its values suggest (British National Grid)
 * with `crsAsked`, so the user confirms or changes it; when nothing is suggested it cannot be
 * read until a system is chosen (the message says so).
 */
export async function inspectBoundary(files: readonly BoundaryFileInput[], choice: Partial<BoundaryChoice> = {}): Promise<BoundaryInspection> {
	const file = boundaryDisplayName(files);
	const sample = await sampleCoordinates(files);
	const degrees = sample !== null && sample.xs.every((x, i) => Math.abs(x) <= 180 && Math.abs(sample.ys[i]) <= 90);
	const asked = sample !== null && !sample.declared && !degrees;
	const detection = asked ? detectCrs(sample.xs, sample.ys) : null;
	const crs = choice.crs || (asked ? (detection?.code ?? undefined) : undefined);
	if (asked && !crs) {
		const message = `${file}: the file does not say its coordinate system and its coordinates are not longitude/latitude. ${detection?.reason ?? ''} Choose the system below.`;
		return { ok: false, file, message: message.replace(/\s+/g, ' '), crsAsked: true };
	}
	try {
		const set = await readBoundaryFiles(files, { idProperty: choice.idField || undefined, nameProperty: choice.nameField || undefined, crs });
		return {
			ok: true,
			file,
			format: set.format,
			areas: set.areas.length,
			features: set.features,
			fields: set.candidates,
			idField: set.idField,
			nameField: set.nameField,
			crs: set.crs,
			crsAsked: asked,
			crsDetection: detection,
			label: set.suggestedLabel ?? labelFromFileName(files.find((f) => /\.shp$/i.test(f.name))?.name ?? files[0].name)
		};
	} catch (error) {
		return { ok: false, file, message: error instanceof Error ? error.message : String(error), crsAsked: asked };
	}
}

/**
 * Read boundary files with the user's choices into the areas an import joins records to.
 * @throws what the reader throws (naming the file), e.g. a missing .dbf or an unknown system.
 */
export async function readImportAreas(files: readonly BoundaryFileInput[], choice: BoundaryChoice): Promise<ImportAreas> {
	const set = await readBoundaryFiles(files, { idProperty: choice.idField || undefined, nameProperty: choice.nameField || undefined, crs: choice.crs || undefined });
	const given = choice.label.trim();
	if (given) return { label: given, labelFrom: 'given', set };
	return { label: set.suggestedLabel ?? labelFromFileName(set.file), labelFrom: 'file', set };
}
