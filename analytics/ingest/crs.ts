/**
 * Coordinate reference systems: the systems an input file may declare its coordinates in, how
 * a declaration (an EPSG code or a `.prj`'s WKT) is resolved, a guess from the values alone,
 * and the transform of points to WGS84 longitude/latitude (proj4, pure JavaScript, so the
 * command-line builder and the in-browser import share it).
 *
 * Every system here has a valid area, EPSG's published area of use in degrees and the same
 * area in the system's own units: a point outside it is rejected with a reason naming the
 * value, the system and the area, never placed somewhere wrong.
 */
import proj4 from 'proj4';
import type { Position } from '../shared/geojson';

/** A rectangle of validity: in degrees (WGS84) and in the system's own units. */
export interface CrsArea {
	/** Where, in words (EPSG's area of use, shortened). */
	name: string;
	/** West, south, east, north bounds in degrees (EPSG area of use). */
	west: number;
	south: number;
	east: number;
	north: number;
	/** The same area in the system's own units (x = easting/longitude, y = northing/latitude). */
	minX: number;
	maxX: number;
	minY: number;
	maxY: number;
}

/** One coordinate system offered for input files. */
export interface CrsChoice {
	/** "EPSG:27700". */
	code: string;
	/** Short name used in messages: "British National Grid". */
	label: string;
	/** One plain sentence: what it is and who uses it. */
	description: string;
	/** proj4 definition, with the published datum shift (towgs84) where the datum is not WGS84. */
	proj4: string;
	/** Units of x and y. */
	units: 'degrees' | 'metres';
	/** What x and y are called in this system (lower case, singular): ["easting", "northing"]. */
	axes: readonly [string, string];
	area: CrsArea;
}

/** WGS84 longitude/latitude: the system every extract stores. */
export const WGS84_CODE = 'EPSG:4326';
/** British National Grid: the system most UK force exports use. */
export const BNG_CODE = 'EPSG:27700';

/**
 * The systems offered by name. Definitions as published by EPSG (via epsg.io); datum shifts:
 * OSGB36 → WGS84 the Ordnance Survey's 7-parameter Helmert (a few metres, as in the OS guide
 * §6.6), TM75 → WGS84 Ordnance Survey Ireland's 7-parameter (about a metre), IRENET95 = WGS84
 * within a metre. Areas: EPSG's area of use; own units: the grid's extent (OS National Grid
 * 700 × 1300 km, Irish Grid 500 × 500 km, ITM the Irish Grid square in ITM), or EPSG's
 * projected bounds.
 */
export const CRS_CHOICES: readonly CrsChoice[] = [
	{
		code: WGS84_CODE,
		label: 'WGS 84 longitude/latitude',
		description: 'Longitude and latitude in degrees, as GPS, police.uk and most web data give them.',
		proj4: '+proj=longlat +datum=WGS84 +no_defs',
		units: 'degrees',
		axes: ['longitude', 'latitude'],
		area: { name: 'the world', west: -180, south: -90, east: 180, north: 90, minX: -180, maxX: 180, minY: -90, maxY: 90 }
	},
	{
		code: BNG_CODE,
		label: 'British National Grid',
		description: 'Ordnance Survey eastings and northings in metres (OSGB36), as most police systems in Great Britain export them.',
		proj4:
			'+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
			'+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs',
		units: 'metres',
		axes: ['easting', 'northing'],
		area: {
			name: 'Great Britain and the Isle of Man',
			west: -9.01,
			south: 49.75,
			east: 2.01,
			north: 61.01,
			minX: 0,
			maxX: 700000,
			minY: 0,
			maxY: 1300000
		}
	},
	{
		code: 'EPSG:29903',
		label: 'Irish Grid',
		description: 'Irish Grid eastings and northings in metres (TM75), as older systems in Northern Ireland and Ireland use.',
		proj4:
			'+proj=tmerc +lat_0=53.5 +lon_0=-8 +k=1.000035 +x_0=200000 +y_0=250000 +ellps=mod_airy ' +
			'+towgs84=482.5,-130.6,564.6,-1.042,-0.214,-0.631,8.15 +units=m +no_defs',
		units: 'metres',
		axes: ['easting', 'northing'],
		area: {
			name: 'the island of Ireland',
			west: -10.56,
			south: 51.39,
			east: -5.34,
			north: 55.43,
			minX: 0,
			maxX: 500000,
			minY: 0,
			maxY: 500000
		}
	},
	{
		code: 'EPSG:2157',
		label: 'Irish Transverse Mercator',
		description: 'ITM eastings and northings in metres (IRENET95), the current grid of Northern Ireland and Ireland.',
		proj4:
			'+proj=tmerc +lat_0=53.5 +lon_0=-8 +k=0.99982 +x_0=600000 +y_0=750000 +ellps=GRS80 ' +
			'+towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
		units: 'metres',
		axes: ['easting', 'northing'],
		area: {
			name: 'the island of Ireland',
			west: -10.56,
			south: 51.39,
			east: -5.34,
			north: 55.43,
			minX: 400000,
			maxX: 900000,
			minY: 500000,
			maxY: 1000000
		}
	},
	{
		code: 'EPSG:3857',
		label: 'Web Mercator',
		description: 'x and y in metres on the web-map projection (as exported from some web mapping tools).',
		proj4:
			'+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
		units: 'metres',
		axes: ['x', 'y'],
		area: {
			name: 'the world between 85.06°S and 85.06°N',
			west: -180,
			south: -85.06,
			east: 180,
			north: 85.06,
			minX: -20037508.34,
			maxX: 20037508.34,
			minY: -20048966.1,
			maxY: 20048966.1
		}
	},
	{
		code: 'EPSG:32630',
		label: 'UTM zone 30N',
		description: 'Universal Transverse Mercator zone 30 north (WGS 84) eastings and northings in metres, between 6°W and 0°.',
		proj4: '+proj=utm +zone=30 +datum=WGS84 +units=m +no_defs',
		units: 'metres',
		axes: ['easting', 'northing'],
		area: {
			name: 'between 6°W and 0° north of the equator',
			west: -6,
			south: 0,
			east: 0,
			north: 84,
			minX: 166021.44,
			maxX: 833978.56,
			minY: 0,
			maxY: 9329005.18
		}
	}
];

/** A declared system, resolved: what it is called and how to reach WGS84 from it. */
export interface ResolvedCrs {
	/** EPSG code when the system is one of CRS_CHOICES (a matching `.prj` included), else null. */
	code: string | null;
	/** The choice's label, or the name the WKT gives ("Custom projection" without one). */
	label: string;
	/** The proj4 definition or WKT text used. */
	definition: string;
	/** What x and y are called: from the choice, else ["x", "y"] (["longitude", "latitude"] in degrees). */
	axes: readonly [string, string];
	/** The valid area: the choice's, or null for a system not among CRS_CHOICES (only a finite result is required). */
	area: CrsArea | null;
	/** True for WGS84 longitude/latitude (nothing to transform). */
	isWgs84: boolean;
}

/** The choice with this code ("EPSG:27700", "epsg:27700" or "27700"), or undefined. */
export function crsChoice(code: string): CrsChoice | undefined {
	const normal = normaliseCode(code);
	return normal ? CRS_CHOICES.find((choice) => choice.code === normal) : undefined;
}

function normaliseCode(code: string): string | null {
	const match = /^\s*(?:epsg\s*:\s*)?(\d{4,6})\s*$/i.exec(code);
	return match ? `EPSG:${match[1]}` : null;
}

type ProjObject = InstanceType<typeof proj4.Proj> & Record<string, unknown>;

function fromChoice(choice: CrsChoice): ResolvedCrs {
	return {
		code: choice.code,
		label: choice.label,
		definition: choice.proj4,
		axes: choice.axes,
		area: choice.area,
		isWgs84: choice.code === WGS84_CODE
	};
}

/**
 * Resolve a declared coordinate system: an EPSG code among CRS_CHOICES ("EPSG:27700" or
 * "27700"), or WKT text as found in a `.prj` (proj4 reads ESRI and OGC WKT). A WKT whose
 * projection matches one of CRS_CHOICES (by its EPSG authority, or by projection, origin,
 * scale, false origin and ellipsoid) IS that choice: its code, label, valid area and published
 * definition (datum shift included). Any other WKT is used as it is, with no valid area.
 *
 * @param codeOrWkt the code or the WKT text.
 * @param source names the file (or the option) in error messages, e.g. "crimes.prj".
 * @throws naming `source` when the code is not offered, the WKT cannot be parsed, or the datum
 *   has no known transformation to WGS84 (which would silently shift every point by up to ~100 m).
 */
export function resolveCrs(codeOrWkt: string, source = 'coordinate system'): ResolvedCrs {
	const text = codeOrWkt.trim();
	if (text === '') throw new Error(`${source}: no coordinate system given; expected an EPSG code such as EPSG:27700 or WKT text`);
	if (/^\s*(?:epsg\s*:\s*)?\d+\s*$/i.test(text)) {
		const choice = crsChoice(text);
		if (!choice) {
			throw new Error(
				`${source}: ${text} is not one of the coordinate systems offered (${CRS_CHOICES.map((c) => `${c.code} ${c.label}`).join(', ')}); ` +
					'for another system give its WKT in a .prj file beside the input'
			);
		}
		return fromChoice(choice);
	}
	let projection: ProjObject;
	try {
		projection = new proj4.Proj(text) as ProjObject;
	} catch (error) {
		// proj4 throws strings as well as Errors.
		const reason = error instanceof Error ? error.message : String(error);
		throw new Error(`${source}: proj4 cannot parse the projection (${reason}); expected a WKT coordinate system`);
	}
	if (!projection || typeof projection.projName !== 'string') {
		throw new Error(`${source}: proj4 cannot parse the projection; expected a WKT coordinate system`);
	}
	assertDatumKnown(projection.datum as DatumLike | undefined, source);
	const choice = matchChoice(projection);
	const name = typeof projection.name === 'string' && projection.name ? projection.name : null;
	const degrees = projection.projName === 'longlat' || projection.units === 'degrees';
	// One of the offered systems: read with its published definition, so a .prj and the code
	// place points identically (proj4's own datum table differs in the last millimetres).
	if (choice) return fromChoice(choice);
	return {
		code: null,
		label: name ? name.replace(/_/g, ' ') : 'Custom projection',
		definition: text,
		axes: degrees ? ['longitude', 'latitude'] : ['x', 'y'],
		area: null,
		isWgs84: false
	};
}

// proj4 datum_type 5 (PJD_NODATUM, proj4/lib/constants/values.js): no known shift to WGS84.
const PJD_NODATUM = 5;
const WGS84_SEMI_MAJOR_M = 6378137;

/** The part of a proj4 datum this module reads. */
export interface DatumLike {
	datum_type?: number;
	a?: number;
}

/**
 * proj4 reprojects a datum it does not know with no shift at all, which on a non-WGS84
 * ellipsoid misplaces every point by up to ~100 m (OSGB36 in London): refuse it. An unknown
 * datum on the WGS84/GRS80 ellipsoid (e.g. ETRS89) is within a metre and allowed.
 *
 * @throws naming `source` when there is no datum, or one proj4 cannot relate to WGS84.
 */
export function assertDatumKnown(datum: DatumLike | undefined, source: string): void {
	if (!datum || typeof datum.datum_type !== 'number') {
		throw new Error(`${source}: proj4 parsed the projection but found no datum; expected a WKT coordinate system with a DATUM`);
	}
	if (datum.datum_type === PJD_NODATUM && Math.abs((datum.a ?? 0) - WGS84_SEMI_MAJOR_M) > 1) {
		throw new Error(
			`${source}: the datum has no known transformation to WGS84; expected a datum proj4 recognises or a TOWGS84[...] clause`
		);
	}
}

const PROJECTION_FAMILY: Record<string, string> = {
	longlat: 'longlat',
	tmerc: 'tmerc',
	etmerc: 'tmerc',
	utm: 'tmerc',
	transverse_mercator: 'tmerc',
	merc: 'merc',
	mercator: 'merc',
	mercator_1sp: 'merc',
	mercator_auxiliary_sphere: 'merc',
	popular_visualisation_pseudo_mercator: 'merc'
};

function family(projName: unknown): string | null {
	if (typeof projName !== 'string') return null;
	return PROJECTION_FAMILY[projName.toLowerCase().replace(/\s+/g, '_')] ?? null;
}

let choiceProjections: { choice: CrsChoice; projection: ProjObject }[] | null = null;

/** The choice a parsed projection is: by its EPSG authority, else by its parameters. */
function matchChoice(projection: ProjObject): CrsChoice | undefined {
	const title = typeof projection.title === 'string' ? projection.title : '';
	const byAuthority = /^EPSG:\d+$/i.test(title) ? crsChoice(title) : undefined;
	if (byAuthority) return byAuthority;
	choiceProjections ??= CRS_CHOICES.map((choice) => ({ choice, projection: new proj4.Proj(choice.proj4) as ProjObject }));
	const same = (a: unknown, b: unknown, tolerance: number) =>
		(a === undefined && b === undefined) ||
		(typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= tolerance);
	const kind = family(projection.projName);
	if (!kind) return undefined;
	return choiceProjections.find(({ projection: known }) => {
		if (family(known.projName) !== kind) return false;
		if (!same(projection.a, known.a, 0.01)) return false;
		if (kind === 'longlat') return true;
		return (
			same(projection.long0 ?? 0, known.long0 ?? 0, 1e-9) &&
			same(projection.lat0 ?? 0, known.lat0 ?? 0, 1e-9) &&
			same(projection.k0 ?? 1, known.k0 ?? 1, 1e-9) &&
			same(projection.x0 ?? 0, known.x0 ?? 0, 1e-3) &&
			same(projection.y0 ?? 0, known.y0 ?? 0, 1e-3)
		);
	})?.choice;
}

/** What the values suggest: a code with the reason in one plain sentence, or null (with why not). */
export interface CrsDetection {
	code: string | null;
	reason: string;
}

/**
 * Share of the numeric pairs that must look like British National Grid for it to be suggested:
 * three in four, so one stray value among the few rows a preview samples (the browser reads 5)
 * does not hide it.
 */
const DETECT_SHARE = 0.75;

/**
 * Guess the coordinate system from sampled values: British National Grid when the pairs look
 * like eastings 0–700,000 and northings 0–1,300,000 in metres (6–7 digit values), WGS84 when
 * they look like degrees (longitude −180..180, latitude −90..90), else null. Values may be
 * numbers or text as read from the file; blanks and non-numbers are left out. A pair only
 * counts towards BNG if one of its values has 6 or more digits before the point, so degrees
 * are never taken for BNG.
 */
export function detectCrs(
	xs: readonly (string | number | null | undefined)[],
	ys: readonly (string | number | null | undefined)[]
): CrsDetection {
	let pairs = 0;
	let degrees = 0;
	let bng = 0;
	for (let index = 0; index < Math.min(xs.length, ys.length); index++) {
		const x = parseCoordinate(xs[index]);
		const y = parseCoordinate(ys[index]);
		if (x === null || y === null) continue;
		pairs++;
		if (Math.abs(x) <= 180 && Math.abs(y) <= 90) degrees++;
		else if (x >= 0 && x <= 700000 && y >= 0 && y <= 1300000 && Math.max(x, y) >= 100000) bng++;
	}
	if (pairs === 0) return { code: null, reason: 'No pair of numeric coordinates in the sample to judge by.' };
	if (degrees === pairs) {
		return { code: WGS84_CODE, reason: 'The values look like longitude and latitude in degrees.' };
	}
	if (bng >= DETECT_SHARE * pairs) {
		return {
			code: BNG_CODE,
			reason: 'The values look like eastings and northings in metres (British National Grid: eastings up to 700,000, northings up to 1,300,000).'
		};
	}
	return {
		code: null,
		reason: 'The values look neither like longitude/latitude in degrees nor like British National Grid eastings and northings; choose the system the file uses.'
	};
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A coordinate as read from a file: a finite number, or null for blanks and anything else. */
export function parseCoordinate(value: string | number | null | undefined): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value !== 'string') return null;
	const text = value.trim();
	if (!NUMBER.test(text)) return null;
	const number = Number(text);
	return Number.isFinite(number) ? number : null;
}

/** A point's transform: WGS84 degrees, or why the point cannot be placed. */
export type PointResult =
	| { ok: true; lon: number; lat: number }
	/** `axis`: the value at fault, 0 for x (easting, longitude), 1 for y, 2 for the pair. */
	| { ok: false; reason: string; axis: 0 | 1 | 2 };

const GROUPED = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 6 });

function formatValue(value: number): string {
	return GROUPED.format(value);
}

function formatDegrees(value: number, positive: string, negative: string): string {
	return `${Math.abs(value)}°${value < 0 ? negative : positive}`;
}

/** The valid area in words: own units and degrees, e.g. for a rejection reason. */
export function describeArea(crs: Pick<ResolvedCrs, 'axes' | 'area'>): string {
	const area = crs.area;
	if (!area) return 'no valid area known';
	const [xName, yName] = crs.axes;
	const degrees = xName === 'longitude';
	const unit = degrees ? '°' : ' m';
	const plural = (name: string) => (name.length === 1 ? name : `${name}s`);
	const own = `${plural(xName)} ${formatValue(area.minX)} to ${formatValue(area.maxX)}${unit}, ${plural(yName)} ${formatValue(area.minY)} to ${formatValue(area.maxY)}${unit}`;
	if (degrees) return `${area.name}: ${own}`;
	return (
		`${area.name}: ${own}; longitude ${formatDegrees(area.west, 'E', 'W')} to ${formatDegrees(area.east, 'E', 'W')}, ` +
		`latitude ${formatDegrees(area.south, 'N', 'S')} to ${formatDegrees(area.north, 'N', 'S')}`
	);
}

/**
 * A transform of single points from `crs` to WGS84 longitude/latitude. Blank and non-numeric
 * values, values outside the system's valid area in its own units, and points that land
 * outside its area of use in degrees come back with a reason, e.g. "easting 812,345 is
 * outside British National Grid's valid area (Great Britain and the Isle of Man: eastings 0 to
 * 700,000 m, …)".
 */
export function createPointTransform(crs: ResolvedCrs): (x: string | number | null | undefined, y: string | number | null | undefined) => PointResult {
	const converter = crs.isWgs84 ? null : proj4(crs.definition, proj4.WGS84);
	const [xName, yName] = crs.axes;
	const where = () => `${crs.label}'s valid area (${describeArea(crs)})`;
	return (rawX, rawY) => {
		const x = parseCoordinate(rawX);
		const y = parseCoordinate(rawY);
		const text = (raw: string | number | null | undefined) => (raw === null || raw === undefined ? '' : String(raw).trim());
		if (text(rawX) === '' && text(rawY) === '') return { ok: false, reason: `${xName} and ${yName} are blank`, axis: 2 };
		if (text(rawX) === '') return { ok: false, reason: `${xName} is blank but ${yName} is given: expected both or neither`, axis: 0 };
		if (text(rawY) === '') return { ok: false, reason: `${yName} is blank but ${xName} is given: expected both or neither`, axis: 1 };
		if (x === null) return { ok: false, reason: `${xName} "${text(rawX)}" is not a number`, axis: 0 };
		if (y === null) return { ok: false, reason: `${yName} "${text(rawY)}" is not a number`, axis: 1 };
		const area = crs.area;
		if (area) {
			if (x < area.minX || x > area.maxX) return { ok: false, reason: `${xName} ${formatValue(x)} is outside ${where()}`, axis: 0 };
			if (y < area.minY || y > area.maxY) return { ok: false, reason: `${yName} ${formatValue(y)} is outside ${where()}`, axis: 1 };
		}
		let lon = x;
		let lat = y;
		if (converter) {
			try {
				[lon, lat] = converter.forward([x, y]);
			} catch {
				lon = Number.NaN;
			}
		}
		if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
			return { ok: false, reason: `${xName} ${formatValue(x)}, ${yName} ${formatValue(y)} does not convert to a longitude and latitude in ${crs.label}`, axis: 2 };
		}
		if (area && (lon < area.west || lon > area.east || lat < area.south || lat > area.north)) {
			return {
				ok: false,
				reason:
					`${xName} ${formatValue(x)}, ${yName} ${formatValue(y)} falls at longitude ${lon.toFixed(4)}, ` +
					`latitude ${lat.toFixed(4)}, outside ${where()}`,
				axis: 2
			};
		}
		return { ok: true, lon, lat };
	};
}

/** One point to WGS84 (see createPointTransform; build the transform once for many points). */
export function toWgs84(crs: ResolvedCrs, x: string | number | null | undefined, y: string | number | null | undefined): PointResult {
	return createPointTransform(crs)(x, y);
}

/**
 * A transform of geometry positions (boundaries) from `crs` to WGS84 [lon, lat], with no
 * valid-area check (an outline may run past it a little), throwing naming `source` when a
 * position does not convert to finite degrees.
 */
export function createPositionTransform(crs: ResolvedCrs, source: string): (xy: Position) => Position {
	if (crs.isWgs84) return (xy) => [xy[0], xy[1]];
	const converter = proj4(crs.definition, proj4.WGS84);
	return (xy) => {
		const [lon, lat] = converter.forward([xy[0], xy[1]]);
		if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
			throw new Error(`${source}: point (${xy[0]}, ${xy[1]}) does not reproject to a finite longitude/latitude`);
		}
		return [lon, lat];
	};
}

/** The reverse: WGS84 [lon, lat] to `crs` (e.g. to write test files in British National Grid). */
export function createInverseTransform(crs: ResolvedCrs): (lonLat: Position) => Position {
	if (crs.isWgs84) return (p) => [p[0], p[1]];
	const converter = proj4(crs.definition, proj4.WGS84);
	return (p) => {
		const [x, y] = converter.inverse([p[0], p[1]]);
		return [x, y];
	};
}

/**
 * How an input file's coordinate system was known: given for the file (`--crs`, or chosen in
 * the browser's mapping step), read from the `.prj` beside it, suggested from its values and
 * confirmed by the person importing (the browser's mapping step), or WGS84 because nothing
 * else was said.
 */
export type CrsOrigin = 'declared' | 'prj' | 'detected-confirmed' | 'wgs84-default';

/** One input file's coordinate system and how it was known. */
export interface FileCrs {
	crs: ResolvedCrs;
	origin: CrsOrigin;
	/** The `.prj` file's name when `origin` is 'prj'. */
	prj?: string;
}

/** The manifest's record of a file's coordinate system (extract-schema.ts SourceReport.crs). */
export interface SourceCrsReport {
	/** EPSG code, e.g. "EPSG:27700"; null for a `.prj` system not among CRS_CHOICES. */
	code: string | null;
	/** e.g. "British National Grid". */
	label: string;
	origin: CrsOrigin;
	/** The `.prj` file's name when origin is 'prj'. */
	prj?: string;
}

/** WGS84, because nothing else was said. */
export function defaultFileCrs(): FileCrs {
	return { crs: resolveCrs(WGS84_CODE), origin: 'wgs84-default' };
}

/** A file's coordinate system as the manifest records it. */
export function crsReport(file: FileCrs): SourceCrsReport {
	return { code: file.crs.code, label: file.crs.label, origin: file.origin, ...(file.prj ? { prj: file.prj } : {}) };
}
