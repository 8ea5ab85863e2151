/**
 * The force area on the map: its bounds (the view the map opens on) and its outline (a line
 * drawn over the cells, so cells outside it read as outside). Taken from the first of these the
 * source has:
 * 1. the polygons of the force area's LSOAs (`areas`), when the force area is a list of LSOAs;
 * 2. the polygons of its districts (`districts`): the force area's own districts, or the
 *    districts that are its local authorities (district id = LAD code);
 * 3. its H3 cells (`force_cells`) at the coarsest resolution present, merged into one shape;
 * and null when the source declares no force area or none of these has a shape (the map then
 * opens on its records, as before).
 */
import { cellsToMultiPolygon, isValidCell } from 'h3-js';
import { readForceArea } from '../../force-area';
import type { QueryRunner } from '../../runner';
import { tableExists } from '../../shared/catalog';
import { geometryBounds, outlineOf, polygonGeometries, type CellGeometry, type MultiLineGeometry, type Position } from './geometry';

export interface ForceAreaShape {
	/** The force or area name, e.g. "City of London". */
	name: string;
	/** What the shape was made from. */
	from: 'lsoa' | 'district' | 'h3';
	/** Areas (LSOAs, districts) or cells the shape is made of. */
	parts: number;
	/** [west, south, east, north], WGS84. */
	bounds: [number, number, number, number];
	/** The boundary of the union of the parts. */
	outline: MultiLineGeometry;
	/** Force-area LSOAs with no polygon in `areas` (1. only; 0 otherwise). */
	missing: number;
}

function shape(name: string, from: ForceAreaShape['from'], geometries: CellGeometry[], missing = 0): ForceAreaShape | null {
	const bounds = geometryBounds(geometries);
	if (!bounds) return null;
	return { name, from, parts: geometries.length, bounds, outline: outlineOf(geometries), missing };
}

/** The force area's bounds and outline (see the module comment); null when there is no shape to draw. */
export async function forceAreaShape(runner: QueryRunner): Promise<ForceAreaShape | null> {
	const area = await readForceArea(runner);
	if (!area) return null;
	const codes = new Set(area.areaCodes);
	if (area.unit === 'lsoa') {
		const lsoas = await polygonGeometries(runner, 'lsoa', codes);
		if (lsoas.length > 0) return shape(area.name, 'lsoa', lsoas.map((p) => p.geometry), codes.size - new Set(lsoas.map((p) => p.id)).size);
	}
	let districtIds = codes;
	if (area.unit === 'lsoa') {
		const lads = await runner.rows<{ lad: string }>('SELECT DISTINCT lad_code AS lad FROM force_area WHERE lad_code IS NOT NULL');
		districtIds = new Set(lads.map((r) => String(r.lad)));
	}
	const districts = districtIds.size > 0 ? await polygonGeometries(runner, 'district', districtIds) : [];
	if (districts.length > 0) return shape(area.name, 'district', districts.map((p) => p.geometry));
	if (await tableExists(runner, 'force_cells')) {
		const cells = await runner.rows<{ h3: string }>(
			'SELECT h3 FROM force_cells WHERE resolution = (SELECT min(resolution) FROM force_cells) AND h3 IS NOT NULL ORDER BY h3'
		);
		const ids = cells.map((c) => String(c.h3)).filter((c) => isValidCell(c));
		if (ids.length > 0) {
			// formatAsGeoJson = true: [lng, lat] positions, closed loops.
			const merged = cellsToMultiPolygon(ids, true) as Position[][][];
			return shape(area.name, 'h3', merged.map((coordinates) => ({ type: 'Polygon' as const, coordinates })));
		}
	}
	return null;
}
