/**
 * Scale bar and north arrow of a static map drawn in Web Mercator (web/lib/explore/map/snapshot.ts,
 * maplibre-gl's projection: a 512-pixel world at zoom 0, no bearing, so north is straight up).
 *
 * How the length is computed: on Web Mercator the ground distance one pixel spans east–west at
 * latitude φ and zoom z is the parallel's length over the world's width in pixels,
 *   metres per pixel = 2π · R · cos φ / (512 · 2^z),  R = 6,378,137 m (the sphere Web Mercator
 * projects, WGS84's semi-major axis). The bar is drawn for the latitude of the map's centre: the
 * scale changes with latitude (by about 1% across 40 km north–south in England), and on the
 * WGS84 ellipsoid a degree of longitude is 0.2% longer at 51.5° N than on the sphere, so the bar
 * is right to within those margins, as maplibre-gl's own scale control is. The bar's length is
 * the largest 1, 2 or 5 × 10ⁿ metres that fits in `maxPixels`.
 */

/** The radius of the sphere Web Mercator projects (EPSG:3857), metres. */
export const MERCATOR_RADIUS_M = 6_378_137;
/** maplibre-gl's tile size: the world is 512 px wide at zoom 0. */
const WORLD_PX = 512;

/** Ground metres per pixel on Web Mercator at `latitude` (degrees) and `zoom`. */
export function metresPerPixel(latitude: number, zoom: number): number {
	if (!Number.isFinite(latitude) || Math.abs(latitude) >= 90) throw new RangeError(`latitude out of range: ${latitude}`);
	return (2 * Math.PI * MERCATOR_RADIUS_M * Math.cos((latitude * Math.PI) / 180)) / (WORLD_PX * 2 ** zoom);
}

export interface ScaleBar {
	/** The length the bar stands for, metres (1, 2 or 5 × 10ⁿ). */
	metres: number;
	/** Its length on the map, pixels. */
	pixels: number;
	/** "200 m", "1 km", "20 km". */
	label: string;
}

/** "200 m" below a kilometre, "1 km", "2.5 km"… above. */
export function distanceLabel(metres: number): string {
	if (metres < 1000) return `${metres} m`;
	return `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(metres / 1000)} km`;
}

/**
 * The scale bar for a map at `zoom` whose centre is at `latitude`: the longest round length
 * (1, 2, 5 × 10ⁿ m) no longer than `maxPixels` on the map. Null when not even 1 m fits.
 */
export function scaleBar(latitude: number, zoom: number, maxPixels: number): ScaleBar | null {
	const mpp = metresPerPixel(latitude, zoom);
	const most = maxPixels * mpp;
	if (!(most >= 1)) return null;
	const power = 10 ** Math.floor(Math.log10(most));
	const metres = [5, 2, 1].map((k) => k * power).find((m) => m <= most)!;
	return { metres, pixels: metres / mpp, label: distanceLabel(metres) };
}

/** The latitude (degrees) of a Web Mercator world y (0 at the top, 1 at the bottom): the inverse of snapshot.ts `mercator`. */
export function latitudeOfMercatorY(y: number): number {
	return (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
}

/**
 * The latitude at the vertical middle of a map showing `south`…`north` (degrees): the middle in
 * Web Mercator y, which is where the map's centre is (a little north of the mean latitude).
 */
export function centreLatitude(south: number, north: number): number {
	const y = (lat: number) => (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
	return latitudeOfMercatorY((y(south) + y(north)) / 2);
}
