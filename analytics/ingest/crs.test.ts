/**
 * Unit tests of analytics/ingest/crs.ts: resolving codes and WKT, the guess from value ranges,
 * and the point transform's rejections. Expected positions are from the Ordnance Survey's
 * published worked example (OS, "A guide to coordinate systems in Great Britain", Annex C:
 * easting 651409.903, northing 313177.270 is OSGB36 52°39'27.2531"N 1°43'4.5177"E), moved to
 * WGS84 by the OS guide's Helmert (a few metres), so they are checked to within 10 m here and
 * to 1 m against the independent formulas in the shapefile test.
 */
import { describe, expect, it } from 'vitest';
import {
	BNG_CODE,
	CRS_CHOICES,
	WGS84_CODE,
	createInverseTransform,
	createPointTransform,
	detectCrs,
	resolveCrs
} from './crs';
import { detectInput, projectedHeaders } from './detect';

const METRES_PER_DEGREE_LAT = 111_320;

describe('resolveCrs', () => {
	it('resolves every offered code, with or without the EPSG prefix', () => {
		for (const choice of CRS_CHOICES) {
			expect(resolveCrs(choice.code).code).toBe(choice.code);
			expect(resolveCrs(choice.code.replace('EPSG:', '')).code).toBe(choice.code);
			expect(resolveCrs(choice.code.toLowerCase()).label).toBe(choice.label);
		}
		expect(resolveCrs('EPSG:4326').isWgs84).toBe(true);
		expect(resolveCrs('EPSG:27700').isWgs84).toBe(false);
	});

	it('refuses a code it does not offer, naming the source', () => {
		expect(() => resolveCrs('EPSG:12345', '--crs')).toThrow(/^--crs: EPSG:12345 is not one of the coordinate systems offered/);
	});

	it('recognises an ESRI British National Grid .prj as EPSG:27700 by its parameters', () => {
		const wkt =
			'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],' +
			'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],' +
			'PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],PARAMETER["Scale_Factor",0.9996012717],' +
			'PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]';
		const crs = resolveCrs(wkt, 'crimes.prj');
		expect(crs.code).toBe(BNG_CODE);
		expect(crs.label).toBe('British National Grid');
		expect(crs.area?.maxX).toBe(700000);
	});

	it('keeps a projection it does not offer, by its WKT name and without a valid area', () => {
		const wkt =
			'PROJCS["ETRS89_UTM_zone_31N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],' +
			'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],' +
			'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Scale_Factor",0.9996],' +
			'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
		const crs = resolveCrs(wkt, 'calls.prj');
		expect(crs.code).toBeNull();
		expect(crs.label).toBe('ETRS89 UTM zone 31N');
		expect(crs.area).toBeNull();
		// On its central meridian, easting 500,000 is longitude 3°.
		const point = createPointTransform(crs)(500000, 5_700_000);
		expect(point.ok && point.lon).toBeCloseTo(3, 9);
	});

	it('refuses a datum with no known shift to WGS84, naming the file', () => {
		const wkt =
			'PROJCS["x",GEOGCS["y",DATUM["Somewhere_1900",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0],' +
			'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",0],PARAMETER["False_Northing",0],' +
			'PARAMETER["Central_Meridian",0],PARAMETER["Scale_Factor",1],PARAMETER["Latitude_Of_Origin",0],UNIT["Meter",1]]';
		expect(() => resolveCrs(wkt, 'calls.prj')).toThrow(/^calls\.prj: the datum has no known transformation to WGS84/);
		expect(() => resolveCrs('British National Grid', 'calls.prj')).toThrow(/^calls\.prj: proj4 cannot parse the projection/);
	});
});

describe('createPointTransform', () => {
	const bng = createPointTransform(resolveCrs(BNG_CODE));

	it("places the OS guide's worked example within 10 m of its published position", () => {
		const point = bng('651409.903', '313177.270');
		expect(point.ok).toBe(true);
		if (!point.ok) return;
		// OSGB36 52°39'27.2531"N 1°43'4.5177"E; the OSGB36 → WGS84 shift here is about 100 m, so
		// the check against OSGB36 is loose and the exact check is the shapefile round trip.
		const osgbLat = 52 + 39 / 60 + 27.2531 / 3600;
		const osgbLon = 1 + 43 / 60 + 4.5177 / 3600;
		expect(Math.abs(point.lat - osgbLat) * METRES_PER_DEGREE_LAT).toBeLessThan(150);
		expect(Math.abs(point.lon - osgbLon) * METRES_PER_DEGREE_LAT * Math.cos((osgbLat * Math.PI) / 180)).toBeLessThan(150);
	});

	it('rejects values outside the valid area, blanks and non-numbers with a reason', () => {
		expect(bng('812345', '180000')).toEqual({
			ok: false,
			reason:
				"easting 812,345 is outside British National Grid's valid area (Great Britain and the Isle of Man: eastings 0 to 700,000 m, " +
				'northings 0 to 1,300,000 m; longitude 9.01°W to 2.01°E, latitude 49.75°N to 61.01°N)',
			axis: 0
		});
		expect(bng('530000', '-5')).toMatchObject({ ok: false, reason: expect.stringMatching(/^northing -5 is outside British National Grid/) });
		expect(bng('', '180000')).toEqual({ ok: false, reason: 'easting is blank but northing is given: expected both or neither', axis: 0 });
		expect(bng('530000', '18O000')).toEqual({ ok: false, reason: 'northing "18O000" is not a number', axis: 1 });
		// Inside the grid's square but in the North Sea east of 2.01°E.
		expect(bng(690000, 1250000)).toMatchObject({ ok: false, reason: expect.stringMatching(/^easting 690,000, northing 1,250,000 falls at longitude 3\.\d{4}/) });
	});

	it('round-trips every offered system inside its area to within a millimetre', () => {
		for (const choice of CRS_CHOICES) {
			const crs = resolveCrs(choice.code);
			const middle: [number, number] = [(choice.area.west + choice.area.east) / 2, (choice.area.south + choice.area.north) / 2];
			const [x, y] = createInverseTransform(crs)(middle);
			const back = createPointTransform(crs)(x, y);
			expect(back.ok, choice.code).toBe(true);
			if (!back.ok) continue;
			expect(Math.abs(back.lat - middle[1]) * METRES_PER_DEGREE_LAT).toBeLessThan(0.001);
			expect(Math.abs(back.lon - middle[0]) * METRES_PER_DEGREE_LAT * Math.cos((middle[1] * Math.PI) / 180)).toBeLessThan(0.001);
		}
	});
});

describe('detectCrs', () => {
	// The first four rows of sample-data/police-uk/city-of-london/street/2019-11-city-of-london-street.csv,
	// and the same points in British National Grid to the metre (converted once with proj4).
	const lon = ['-0.124342', '-0.106038', '-0.112422', '-0.113256'];
	const lat = ['51.527640', '51.519873', '51.515381', '51.516824'];
	const eastings = ['530211', '531503', '531073', '531011'];
	const northings = ['182637', '181806', '181295', '181454'];

	it('suggests British National Grid for 6–7 digit eastings and northings', () => {
		expect(detectCrs(eastings, northings)).toEqual({
			code: BNG_CODE,
			reason: 'The values look like eastings and northings in metres (British National Grid: eastings up to 700,000, northings up to 1,300,000).'
		});
		// Shetland has 7-digit northings.
		expect(detectCrs(['446000'], ['1141000']).code).toBe(BNG_CODE);
	});

	it('suggests WGS84 for degrees, and never BNG', () => {
		expect(detectCrs(lon, lat).code).toBe(WGS84_CODE);
		expect(detectCrs([-2.5, 1.2], [53.7, 52.6]).code).toBe(WGS84_CODE);
	});

	it('suggests nothing when the values are mixed, out of both ranges, or not numbers', () => {
		expect(detectCrs([...eastings, ...lon], [...northings, ...lat]).code).toBeNull();
		expect(detectCrs(['812345', '900000'], ['180000', '190000']).code).toBeNull();
		expect(detectCrs(['1500'], ['2500']).code).toBeNull();
		expect(detectCrs(['', 'n/a'], ['x', '']).code).toBeNull();
		expect(detectCrs([], []).reason).toBe('No pair of numeric coordinates in the sample to judge by.');
	});

	it('ignores blanks and a few stray values', () => {
		const xs = [...eastings, ...eastings, ...eastings, '', '0'];
		const ys = [...northings, ...northings, ...northings, '', '0'];
		// 12 BNG pairs and one (0, 0) pair, which looks like degrees: 12/13 ≥ 75%.
		expect(detectCrs(xs, ys).code).toBe(BNG_CODE);
		// A preview of five rows with one value out of the grid: 4/5 ≥ 75%; two of five: not enough.
		expect(detectCrs([...eastings, '812345'], [...northings, '181000']).code).toBe(BNG_CODE);
		expect(detectCrs([...eastings.slice(0, 3), '812345', '900000'], [...northings.slice(0, 3), '181000', '181000']).code).toBeNull();
		expect(detectCrs(xs, ys).code).toBe(BNG_CODE);
	});
});

describe('coordinate columns of a file in a projected system (detect.ts)', () => {
	it('reads --columns x=,y= as the location and prefers Easting/Northing headers when the system is projected', () => {
		const header = 'Reference,Month,Offence,Longitude,Latitude,Easting,Northing';
		const bound = (d: ReturnType<typeof detectInput>) =>
			d.ok ? [d.bindings.find((b) => b.key === 'longitude')!.header, d.bindings.find((b) => b.key === 'latitude')!.header] : d.issue.message;
		// Degrees unless a projected system is declared.
		expect(bound(detectInput(header, 'f.csv', {}))).toEqual(['Longitude', 'Latitude']);
		expect(bound(detectInput(header, 'f.csv', { projected: true }))).toEqual(['Easting', 'Northing']);
		expect(bound(detectInput('Reference,Month,Offence,Grid X,Grid Y', 'f.csv', { columns: { x: 'Grid X', y: 'Grid Y', month: 'Month', category: 'Offence' }, projected: true }))).toEqual(['Grid X', 'Grid Y']);
		const twice = detectInput(header, 'f.csv', { columns: { x: 'Easting', longitude: 'Longitude', month: 'Month' } });
		expect(twice.ok).toBe(false);
		if (!twice.ok) expect(twice.issue.message).toMatch(/^column mapping names the x \(longitude or easting\) column twice/);
	});

	it('says when a file is headed Easting/Northing, so a file without a declared system can be refused', () => {
		const grid = detectInput('Reference,Month,Offence,Easting,Northing', 'f.csv', {});
		expect(grid.ok).toBe(true);
		if (grid.ok) expect(projectedHeaders(grid)).toEqual({ x: 'Easting', y: 'Northing' });
		const degrees = detectInput('Reference,Month,Offence,Longitude,Latitude', 'f.csv', {});
		if (degrees.ok) expect(projectedHeaders(degrees)).toBeNull();
		// The timestamped format's own x/y aliases have always meant degrees.
		const events = detectInput('id,timestamp,x,y', 'f.csv', {});
		if (events.ok) expect(projectedHeaders(events)).toBeNull();
		expect(events.ok && degrees.ok).toBe(true);
	});
});
