/**
 * Test-only: a CAD export (calls for service) and an RMS export (recorded crimes) written from REAL
 * rows of the City of London sample, for the tests of importing both into one source
 * (scripts/lib/cad-rms.test.ts, web/tests/import-cad-rms.test.ts). No real CAD or RMS data is
 * shipped, so each real row plays a role, stated here:
 * - "calls" (CAD-like): the City's stop-and-search rows of 2019-03 and 2019-04 — timestamped,
 *   located (some without a location, as calls without an address), in the same place and months
 *   as the street crimes. Incident Number is made up (CAD-<n>); Created is the search's date-time
 *   as written (wall clock, offset dropped), day first (`DD/MM/YYYY hh:mm`) in every other row;
 *   Call Type is the object of search; Grade is made up (Grade 1 every third row, else Grade 2).
 * - "crimes" (RMS-like): the City's street-crime rows of the same months. Crime Reference is the
 *   police.uk Crime ID (blank for anti-social behaviour, as published); Committed is a date and
 *   time made up INSIDE the row's real month (police.uk gives the month only), `YYYY-MM-DD hh:mm`
 *   and day-first `DD/MM/YYYY hh:mm` in turn, days 1–12 so that a month-first reading would give
 *   another month; Offence is the crime type; Lon, Lat, Location and LSOA as published.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CAD_RMS_SAMPLE = 'sample-data/police-uk/city-of-london';
export const CAD_RMS_MONTHS = ['2019-03', '2019-04'] as const;

export interface FixtureCall {
	id: string;
	created: string;
	/** The month of the wall clock as written, YYYY-MM. */
	month: string;
	type: string;
	grade: string;
	lon: number | null;
	lat: number | null;
}

export interface FixtureCrime {
	ref: string;
	committed: string;
	/** The police.uk row's month, YYYY-MM. */
	month: string;
	offence: string;
	lon: number | null;
	lat: number | null;
	location: string;
	lsoa: string;
}

/** The per-file mapping of the two exports, in the shape `npm run extracts -- --mapping` reads. */
export const CAD_RMS_MAPPING = {
	description: 'A force CAD export (calls) and RMS export (crimes) in one source',
	files: [
		{
			match: 'cad-*.csv',
			format: 'events',
			columns: { incident_id: 'Incident Number', timestamp: 'Created', category: 'Call Type', priority: 'Grade', longitude: 'X Coord', latitude: 'Y Coord' }
		},
		{
			match: ['rms-*.csv'],
			format: 'month-incidents',
			columns: { incident_id: 'Crime Reference', month: 'Committed', category: 'Offence', longitude: 'Lon', latitude: 'Lat', location: 'Location', lsoa_code: 'LSOA' }
		}
	]
};

/** A sample CSV's rows by header (the sample files hold no quoted commas, so a plain split reads them). */
export function sampleRows(path: string): Array<Record<string, string>> {
	const [header, ...lines] = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
	const keys = header.split(',');
	return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
export const toCsvText = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
const pad = (n: number) => String(n).padStart(2, '0');

/** Write `cad-calls-2019.csv` and `rms-crimes-2019.csv` into `dir`; returns their paths and rows. */
export function writeCadRms(dir: string): { cadPath: string; rmsPath: string; calls: FixtureCall[]; crimes: FixtureCrime[] } {
	const calls: FixtureCall[] = [];
	const crimes: FixtureCrime[] = [];
	let n = 0;
	for (const month of CAD_RMS_MONTHS) {
		for (const r of sampleRows(`${CAD_RMS_SAMPLE}/stop-and-search/${month}-city-of-london-stop-and-search.csv`)) {
			n++;
			const [d, t] = r.Date.slice(0, 16).split('T'); // the wall clock as written, to the minute
			const created = n % 2 === 0 ? `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${t}` : `${d} ${t}`;
			calls.push({
				id: `CAD-${n}`,
				created,
				month: d.slice(0, 7),
				type: r['Object of search'],
				grade: n % 3 === 0 ? 'Grade 1' : 'Grade 2',
				lon: r.Longitude ? Number(r.Longitude) : null,
				lat: r.Latitude ? Number(r.Latitude) : null
			});
		}
		sampleRows(`${CAD_RMS_SAMPLE}/street/${month}-city-of-london-street.csv`).forEach((r, i) => {
			const [y, m] = month.split('-');
			const day = pad((i % 12) + 1);
			const time = `${pad(i % 24)}:${pad((i * 7) % 60)}`;
			crimes.push({
				ref: r['Crime ID'],
				committed: i % 2 === 0 ? `${y}-${m}-${day} ${time}` : `${day}/${m}/${y} ${time}`,
				month,
				offence: r['Crime type'],
				lon: r.Longitude ? Number(r.Longitude) : null,
				lat: r.Latitude ? Number(r.Latitude) : null,
				location: r.Location,
				lsoa: r['LSOA code']
			});
		});
	}
	const cadPath = join(dir, 'cad-calls-2019.csv');
	const rmsPath = join(dir, 'rms-crimes-2019.csv');
	const text = (v: number | null) => (v === null ? '' : String(v));
	writeFileSync(cadPath, toCsvText(['Incident Number', 'Created', 'Call Type', 'Grade', 'X Coord', 'Y Coord'], calls.map((c) => [c.id, c.created, c.type, c.grade, text(c.lon), text(c.lat)])));
	writeFileSync(
		rmsPath,
		toCsvText(['Crime Reference', 'Committed', 'Offence', 'Lon', 'Lat', 'Location', 'LSOA'], crimes.map((c) => [c.ref, c.committed, c.offence, text(c.lon), text(c.lat), c.location, c.lsoa]))
	);
	return { cadPath, rmsPath, calls, crimes };
}

/** Records of `rows` in `month` (and inside `box` W,S,E,N when given), counted here, not by the app. */
export function countIn(rows: ReadonlyArray<{ month: string; lon: number | null; lat: number | null }>, month: string, box: readonly [number, number, number, number] | null): number {
	return rows.filter(
		(r) => r.month === month && (!box || (r.lon !== null && r.lat !== null && r.lon >= box[0] && r.lon <= box[2] && r.lat >= box[1] && r.lat <= box[3]))
	).length;
}
