/**
 * What the import panel offers for a boundary file (boundary-file.ts), on the shipped boundary
 * files: the London LSOA shapefile (British National Grid, its .prj read; without the .prj the
 * system is asked and British National Grid suggested from the header's bounding box), the
 * Chicago police districts KML, the Lancashire districts GeoJSON; a GeoPackage or a .dbf alone
 * is refused with what to give instead; and the areas read with the user's choices.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BNG_CODE } from '$analytics/ingest/crs';
import { boundaryDisplayName, inspectBoundary, isBoundaryFile, labelFromFileName, readImportAreas } from './boundary-file';

const LSOA = 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20';
const file = (path: string, name = path.split('/').pop()!) => ({ name, bytes: new Uint8Array(readFileSync(path)) });
const shp = file(`${LSOA}.shp`);
const dbf = file(`${LSOA}.dbf`);
const prj = file(`${LSOA}.prj`);
const cpg = file(`${LSOA}.cpg`);

describe('inspecting a boundary file for the import panel', () => {
	it('a shapefile with its .prj: British National Grid read from the .prj, LSOA11CD and LSOA11NM offered with samples', async () => {
		const i = await inspectBoundary([shp, dbf, prj, cpg]);
		expect(i).toMatchObject({ ok: true, format: 'shapefile', crs: BNG_CODE, crsAsked: false, idField: 'LSOA11CD', nameField: 'LSOA11NM', label: 'LSOAs' });
		if (!i.ok) return;
		expect(i.file).toBe('london-2011-lsoa-gen20.shp (+ .cpg, .dbf, .prj)');
		const id = i.fields.find((f) => f.field === 'LSOA11CD')!;
		expect(id.distinct).toBe(i.features);
		expect(id.example).toMatch(/^E01\d{6}$/);
		expect(i.areas).toBe(i.features);
	}, 60_000);

	it('a shapefile without its .prj: the system is asked, British National Grid suggested by the bounding box; a choice reads it', async () => {
		const asked = await inspectBoundary([shp, dbf]);
		expect(asked).toMatchObject({ ok: true, crs: BNG_CODE, crsAsked: true, crsDetection: { code: BNG_CODE } });
		const web = await inspectBoundary([shp, dbf], { crs: 'EPSG:3857' });
		// Eastings read as Web Mercator metres land near the Gulf of Guinea, not in London: read, but as the user said.
		expect(web).toMatchObject({ ok: true, crs: 'EPSG:3857', crsAsked: true });
		const areas = await readImportAreas([shp, dbf], { idField: 'LSOA11CD', nameField: 'LSOA11NM', crs: BNG_CODE, label: '' });
		expect(areas.labelFrom).toBe('file');
		expect(areas.label).toBe('LSOAs');
		const first = areas.set.areas[0].geometry;
		const [lon, lat] = (first.type === 'Polygon' ? first.coordinates[0][0] : first.coordinates[0][0][0]) as [number, number];
		expect(lon).toBeGreaterThan(-0.6);
		expect(lon).toBeLessThan(0.4);
		expect(lat).toBeGreaterThan(51.2);
		expect(lat).toBeLessThan(51.8);
	}, 60_000);

	it('KML (always longitude/latitude) and GeoJSON in WGS84: nothing asked', async () => {
		const kml = await inspectBoundary([file('sample-data/chicago/chicago_police_districts.kml')]);
		expect(kml).toMatchObject({ ok: true, format: 'kml', crs: 'EPSG:4326', crsAsked: false, idField: 'name', areas: 23 });
		const lancs = await inspectBoundary([file('sample-data/police-uk/lancashire-asb-2022/lancashire_districts.geojson')]);
		expect(lancs).toMatchObject({ ok: true, format: 'geojson', crsAsked: false, idField: 'objectid', nameField: 'district', areas: 14, label: 'Lancashire districts' });
	});

	it('refuses a GeoPackage or a lone .dbf with what to give instead, naming the file', async () => {
		const gpkg = await inspectBoundary([{ name: 'wards.gpkg', bytes: new Uint8Array([0x53, 0x51, 0x4c]) }]);
		expect(gpkg).toMatchObject({ ok: false, crsAsked: false });
		expect(gpkg.ok ? '' : gpkg.message).toMatch(/^wards\.gpkg: GeoPackage.*GeoJSON/);
		const lone = await inspectBoundary([dbf]);
		expect(lone.ok ? '' : lone.message).toMatch(/london-2011-lsoa-gen20\.dbf: part of a shapefile/);
		const noDbf = await inspectBoundary([shp, prj]);
		expect(noDbf.ok ? '' : noDbf.message).toMatch(/no london-2011-lsoa-gen20\.dbf beside it/);
	});

	it('names: boundary files told from data files, the shapefile shown with its parts, a label from the file name', () => {
		expect(['a.geojson', 'b.KML', 'c.shp', 'c.dbf', 'c.prj', 'x.gpkg'].every(isBoundaryFile)).toBe(true);
		expect(['a.csv', 'b.csv.gz', 'c.tab', 'd.txt'].some(isBoundaryFile)).toBe(false);
		expect(boundaryDisplayName([{ name: 'Beats.SHP' }, { name: 'beats.dbf' }, { name: 'beats.prj' }])).toBe('Beats.SHP (+ .dbf, .prj)');
		expect(labelFromFileName('north_wards.geojson')).toBe('North wards');
		expect(labelFromFileName('.geojson')).toBe('Areas');
	});
});
