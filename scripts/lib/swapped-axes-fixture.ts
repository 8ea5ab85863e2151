/**
 * Test-only: real Lancashire anti-social behaviour rows (the first `rows` of the sample, 2022-01)
 * written as a force export with its two coordinate columns exchanged, for the tests of the
 * exchanged-columns check (scripts/lib/swapped-axes.test.ts, web/lib/import/swapped-axes.test.ts):
 * - `asb-swapped.csv`: British National Grid eastings and northings converted from the published
 *   points with proj4, written under "Easting" and "Northing" the wrong way round;
 * - `asb-right.csv`: the same eastings and northings the right way round;
 * - `asb-degrees.csv`: latitudes under "Longitude" and longitudes under "Latitude".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BNG_CODE, createInverseTransform, resolveCrs } from '../../analytics/ingest/crs';

export const LANCASHIRE_SAMPLE = 'sample-data/police-uk/lancashire-asb-2022';
export const LANCASHIRE_DISTRICTS = `${LANCASHIRE_SAMPLE}/lancashire_districts.geojson`;

/** Write the three files into `dir`; returns their paths. */
export function writeSwappedAxes(dir: string, rows: number): { swapped: string; right: string; degrees: string } {
	const lines = readFileSync(`${LANCASHIRE_SAMPLE}/lancashire_asb.tab`, 'utf8').split('\n').slice(1, rows + 1);
	const points = lines.map((l) => {
		const [month, lon, lat] = l.split('\t');
		return { month, lon: Number(lon), lat: Number(lat) };
	});
	const toBng = createInverseTransform(resolveCrs(BNG_CODE));
	const grid = points.map((p) => {
		const [e, n] = toBng([p.lon, p.lat]);
		return { month: p.month, e: e.toFixed(1), n: n.toFixed(1) };
	});
	const write = (name: string, header: string, body: string[]) => {
		const path = join(dir, name);
		writeFileSync(path, [header, ...body].join('\n') + '\n');
		return path;
	};
	return {
		swapped: write('asb-swapped.csv', 'Month,Easting,Northing', grid.map((g) => `${g.month},${g.n},${g.e}`)),
		right: write('asb-right.csv', 'Month,Easting,Northing', grid.map((g) => `${g.month},${g.e},${g.n}`)),
		degrees: write('asb-degrees.csv', 'Month,Longitude,Latitude', points.map((p) => `${p.month},${p.lat},${p.lon}`))
	};
}
