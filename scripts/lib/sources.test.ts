/**
 * The Lancashire and Chicago sample sources through the extract builder, checked against the
 * raw files read here with the test's own code (no builder code): every row accounted for,
 * district ids and totals, district populations, and the KML's districts counted from the XML
 * text. Also the generic month-resolution format's rules on a small hand-made file whose every
 * row is worked out below.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Table } from 'apache-arrow';
import { cellArea, getResolution } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from './extracts';
import { detectInput } from '../../analytics/ingest';
import { readDistricts } from './districts';
import { SAMPLE_SOURCES } from './sample';
import { col, readArrow, tempDirs } from './extract-test-utils';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';

const LANCASHIRE_TAB = 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab';
const LANCASHIRE_GEOJSON = 'sample-data/police-uk/lancashire-asb-2022/lancashire_districts.geojson';
const CHICAGO_CSV = 'sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz';
const CHICAGO_KML = 'sample-data/chicago/chicago_police_districts.kml';
const IMD_FILE_1 = 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz';
const IMD_FILE_6 = 'sample-data/context/imd2019/File_6_-_IoD2019_Population_Denominators.csv.gz';

/** Split one CSV line honouring double quotes (the IMD files quote "29,199"). */
function splitQuoted(line: string): string[] {
	const out: string[] = [];
	let cell = '';
	let quoted = false;
	for (const ch of line) {
		if (ch === '"') quoted = !quoted;
		else if (ch === ',' && !quoted) {
			out.push(cell);
			cell = '';
		} else cell += ch;
	}
	out.push(cell);
	return out;
}

/** Non-empty lines of a text file (gzipped or not), header first, BOM and CR removed. */
function lines(path: string): string[] {
	const raw = readFileSync(path);
	const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8').replace(/^\uFEFF/, '');
	return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
}

/** LSOA code → [LAD code, population] from IMD 2019 Files 1 and 6. */
function imdLookup(): Map<string, { lad: string; population: number }> {
	const [h1, ...f1] = lines(IMD_FILE_1).map(splitQuoted);
	const [h6, ...f6] = lines(IMD_FILE_6).map(splitQuoted);
	const lsoa1 = h1.indexOf('LSOA code (2011)');
	const lad1 = h1.indexOf('Local Authority District code (2019)');
	const lsoa6 = h6.indexOf('LSOA code (2011)');
	const pop6 = h6.indexOf('Total population: mid 2015 (excluding prisoners)');
	expect([lsoa1, lad1, lsoa6, pop6].every((i) => i >= 0)).toBe(true);
	const population = new Map(f6.map((r) => [r[lsoa6], Number(r[pop6].replaceAll(',', ''))]));
	return new Map(f1.map((r) => [r[lsoa1], { lad: r[lad1], population: population.get(r[lsoa1])! }]));
}

function countBy<T>(values: readonly T[]): Map<T, number> {
	const m = new Map<T, number>();
	for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
	return m;
}

const tempDir = tempDirs('clearsight-sources-');

async function buildSource(id: string): Promise<{ out: string; manifest: ExtractManifest; read: (name: string) => Promise<Table> }> {
	const source = SAMPLE_SOURCES.find((s) => s.id === id)!;
	const out = tempDir();
	const { manifest } = await buildExtracts({ ...source.build, out });
	return { out, manifest, read: (name) => readArrow(out, name) };
}

/**
 * The force cells of each resolution, their areas summed (h3-js cellArea), against the districts'
 * area (the dataset's area_km2, spherical area of the polygons): cells whose centre is inside
 * make up the area to within `tolerance` when cells are small against the districts.
 */
function forceCellsCoverDistricts(cells: Table, districts: Table, tolerance: number): void {
	const area = col<number>(districts, 'area_km2').reduce((a, b) => a + b, 0);
	const h3 = col<string>(cells, 'h3');
	const res = col<number>(cells, 'resolution');
	const counts: string[] = [];
	for (const r of [7, 8, 9]) {
		const mine = h3.filter((_, i) => res[i] === r);
		expect(new Set(mine).size).toBe(mine.length);
		for (const c of mine.slice(0, 50)) expect(getResolution(c)).toBe(r);
		const covered = mine.reduce((a, c) => a + cellArea(c, 'km2'), 0);
		expect(Math.abs(covered - area) / area, `r${r}`).toBeLessThan(tolerance);
		counts.push(`r${r} ${mine.length} (${covered.toFixed(1)} km²)`);
	}
	console.log(`force_cells: ${counts.join(', ')}; districts ${area.toFixed(1)} km²`);
}

describe('Lancashire anti-social behaviour 2022 (month-resolution incidents)', () => {
	const raw = lines(LANCASHIRE_TAB);
	const header = raw[0].split('\t');
	const rows = raw.slice(1).map((l) => l.split('\t'));
	let built: Awaited<ReturnType<typeof buildSource>>;

	beforeAll(async () => {
		built = await buildSource('lancashire-asb');
	}, 300_000);

	it('reads every row: rows in = accepted + rejected = the data lines of the raw file (56,434)', async () => {
		expect(header).toEqual(['month', 'longitude', 'latitude', 'location', 'lsoa_code']);
		expect(rows.length).toBe(56_434);
		const [file] = built.manifest.sources;
		expect(built.manifest.sources).toHaveLength(1);
		expect(file.kind).toBe('month-incidents');
		expect(file.rows_in).toBe(rows.length);
		expect(file.accepted + file.rejected).toBe(file.rows_in);
		expect((await built.read('incidents')).numRows).toBe(file.accepted);
		expect((await built.read('quarantine')).numRows).toBe(file.rejected);
	});

	it('every row is anti-social behaviour (the constant), in its month, with its LSOA and force', async () => {
		const incidents = await built.read('incidents');
		expect(new Set(col(incidents, 'category'))).toEqual(new Set(['Anti-social behaviour']));
		expect(new Set(col(incidents, 'falls_within'))).toEqual(new Set(['Lancashire Constabulary']));
		expect(col<string | null>(incidents, 'crime_id').every((v) => v === null)).toBe(true);
		const monthsRaw = countBy(rows.map((r) => r[0].slice(0, 7)));
		expect(countBy(col<string>(incidents, 'month'))).toEqual(monthsRaw);
		// Row by row: the raw line each record came from has the same LSOA code and coordinates.
		const lineOf = col<number>(incidents, 'source_line');
		const lsoa = col<string>(incidents, 'lsoa_code');
		const lon = col<number>(incidents, 'longitude');
		for (let i = 0; i < incidents.numRows; i += 97) {
			const r = rows[lineOf[i] - 2];
			expect(lsoa[i]).toBe(r[4]);
			expect(lon[i]).toBe(Number(r[1]));
		}
	});

	it('districts: the 14 local authorities of the GeoJSON, with populations summed from IMD File 6', async () => {
		const geojson = JSON.parse(readFileSync(LANCASHIRE_GEOJSON, 'utf8')) as { features: Array<{ properties: { objectid: string; district: string } }> };
		const districts = await built.read('districts');
		expect(districts.numRows).toBe(14);
		expect(col<string>(districts, 'district_id').sort()).toEqual(geojson.features.map((f) => f.properties.objectid).sort());
		const names = new Map(geojson.features.map((f) => [f.properties.objectid, f.properties.district]));
		const imd = imdLookup();
		const ids = col<string>(districts, 'district_id');
		const population = col<number>(districts, 'population');
		const name = col<string>(districts, 'name');
		ids.forEach((id, i) => {
			expect(name[i]).toBe(names.get(id));
			const expected = [...imd.values()].filter((v) => v.lad === id).reduce((a, v) => a + v.population, 0);
			expect(population[i], id).toBe(expected);
			expect(expected).toBeGreaterThan(50_000);
		});
		for (const km2 of col<number>(districts, 'area_km2')) expect(km2).toBeGreaterThan(30);
	});

	it("district totals equal the raw rows counted by their LSOA's local authority (IMD File 1), the rest by point in polygon", async () => {
		const imd = imdLookup();
		const geojson = JSON.parse(readFileSync(LANCASHIRE_GEOJSON, 'utf8')) as {
			features: Array<{ properties: { objectid: string }; geometry: { type: string; coordinates: number[][][] | number[][][][] } }>;
		};
		const ids = new Set(geojson.features.map((f) => f.properties.objectid));
		const byLad = rows.map((r) => imd.get(r[4])?.lad ?? null).map((lad) => (lad !== null && ids.has(lad) ? lad : null));
		// Rows whose LSOA lies outside the 14 (a snap point over the border): the district whose
		// raw polygon contains the point (planar ray casting, written here).
		const inRing = (x: number, y: number, ring: number[][]) => {
			let inside = false;
			for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
				const [xi, yi] = ring[i];
				const [xj, yj] = ring[j];
				if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
			}
			return inside;
		};
		const polygons = (g: (typeof geojson.features)[number]['geometry']) =>
			(g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
		const containing = (x: number, y: number) =>
			geojson.features.find((f) => polygons(f.geometry).some((p) => inRing(x, y, p[0]) && !p.slice(1).some((h) => inRing(x, y, h))))?.properties
				.objectid ?? null;
		const expected = countBy(byLad.map((lad, i) => lad ?? containing(Number(rows[i][1]), Number(rows[i][2]))));
		const outside = byLad.filter((lad) => lad === null).length;
		console.log(`${outside} of ${rows.length} rows have an LSOA outside the 14 districts; placed by their point`);
		const incidents = await built.read('incidents');
		expect(countBy(col<string | null>(incidents, 'district_id'))).toEqual(expected);
		expect(expected.has(null)).toBe(false);
		expect(expected.size).toBe(14);
		expect(outside).toBeLessThan(10);
	});

	it('force area: the force the rows fall within (the constant) → police force area Lancashire → its 14 local authorities → their LSOAs in IMD File 1', async () => {
		const imd = imdLookup();
		// The 14 authorities ONS maps to the police force area "Lancashire", read from the lookup here.
		const pfa = readFileSync('sample-data/context/geography/LAD16_CSP16_PFA16_lookup.csv', 'utf8').split(/\r?\n/).filter((l) => l.endsWith(',Lancashire,' + l.split(',').at(-1)));
		const lads = pfa.map((l) => l.replace(/^\uFEFF/, '').split(',')[0]).sort();
		expect(lads).toHaveLength(14);
		const expectedLsoas = [...imd.entries()].filter(([, v]) => lads.includes(v.lad)).map(([code]) => code).sort();
		const area = await built.read('force_area');
		expect(col<string>(area, 'area_code')).toEqual(expectedLsoas);
		expect(new Set(col(area, 'force_name'))).toEqual(new Set(['Lancashire']));
		expect(built.manifest.force_area).toMatchObject({ name: 'Lancashire', unit: 'lsoa', method: 'falls-within', lad_codes: lads, areas: expectedLsoas.length });
		// Rows whose LSOA is not one of the force's are outside (counted, never scored); none is unplaced.
		const inForce = new Set(expectedLsoas);
		const outside = rows.filter((r) => !inForce.has(r[4])).length;
		const flags = col<boolean | null>(await built.read('incidents'), 'in_force_area');
		const counts = { inside: flags.filter((f) => f === true).length, outside: flags.filter((f) => f === false).length, unplaced: flags.filter((f) => f === null).length };
		expect(counts).toEqual({ inside: rows.length - outside, outside, unplaced: 0 });
		expect(built.manifest.force_area!.records.incidents).toEqual(counts);
		console.log(`Lancashire: ${expectedLsoas.length} LSOAs in the force area; records ${counts.inside} inside, ${counts.outside} outside, ${counts.unplaced} unplaced`);
	});

	it('force_cells: at each resolution the cells (centre inside the 14 districts) cover the districts\' area to within 1.5%', async () => {
		forceCellsCoverDistricts(await built.read('force_cells'), await built.read('districts'), 0.015);
	});
});

describe('Chicago aggravated assaults (timestamped events) and police districts', () => {
	const raw = lines(CHICAGO_CSV);
	const header = raw[0].split(',');
	const rows = raw.slice(1).map((l) => l.split(','));
	const district = header.indexOf('district');
	let built: Awaited<ReturnType<typeof buildSource>>;

	beforeAll(async () => {
		built = await buildSource('chicago-assaults');
	}, 300_000);

	it('accounts for every row and keeps each event in its district from the CSV', async () => {
		const [file] = built.manifest.sources;
		expect(file.rows_in).toBe(rows.length);
		expect(file.accepted + file.rejected).toBe(rows.length);
		const events = await built.read('events');
		expect(events.numRows).toBe(file.accepted);
		const lineOf = col<number>(events, 'source_line');
		const ids = col<string | null>(events, 'district_id');
		for (let i = 0; i < events.numRows; i++) {
			if (ids[i] !== rows[lineOf[i] - 2][district]) throw new Error(`line ${lineOf[i]}: district_id ${ids[i]}, CSV ${rows[lineOf[i] - 2][district]}`);
		}
		expect(countBy(ids)).toEqual(countBy(rows.map((r) => r[district])));
		expect(new Set(col(events, 'category'))).toEqual(new Set(['Aggravated assault']));
	});

	it('districts: one per distinct placemark name in the KML (counted from the XML text), several placemarks merged', async () => {
		const kml = readFileSync(CHICAGO_KML, 'utf8');
		const placemarks = [...kml.matchAll(/<Placemark>([\s\S]*?)<\/Placemark>/g)].map((m) => /<name>([^<]*)<\/name>/.exec(m[1])![1]);
		expect(placemarks.length).toBe(25);
		const distinct = new Set(placemarks);
		expect(distinct.size).toBe(23);
		const districts = await built.read('districts');
		expect(districts.numRows).toBe(distinct.size);
		expect(new Set(col(districts, 'district_id'))).toEqual(distinct);
		const merged = placemarks.filter((p, i) => placemarks.indexOf(p) !== i);
		expect(merged).toEqual(['31', '31']);
		const geometry = JSON.parse(col<string>(districts, 'geometry')[col<string>(districts, 'district_id').indexOf('31')]);
		expect(geometry.type).toBe('MultiPolygon');
		expect(geometry.coordinates).toHaveLength(3);
		expect(col<number | null>(districts, 'population').every((p) => p === null)).toBe(true);
		// Every district id used by an event is a district.
		expect([...new Set(col<string>(await built.read('events'), 'district_id'))].filter((id) => !distinct.has(id))).toEqual([]);
	});

	it('force area: the police districts (boundary file); an event is inside when its district (CSV, else point) is one of them', async () => {
		const kml = readFileSync(CHICAGO_KML, 'utf8');
		const names = new Set([...kml.matchAll(/<Placemark>([\s\S]*?)<\/Placemark>/g)].map((m) => /<name>([^<]*)<\/name>/.exec(m[1])![1]));
		const area = await built.read('force_area');
		expect(new Set(col(area, 'area_code'))).toEqual(names);
		expect(area.numRows).toBe(names.size);
		expect(new Set(col(area, 'area_unit'))).toEqual(new Set(['district']));
		expect(built.manifest.force_area).toMatchObject({ name: 'Chicago Police Department', unit: 'district', method: 'boundary-file', areas: 23 });
		// Every raw row names one of the KML's districts, so every event is inside.
		const inside = rows.filter((r) => names.has(r[district])).length;
		const flags = col<boolean | null>(await built.read('events'), 'in_force_area');
		const counts = { inside: flags.filter((f) => f === true).length, outside: flags.filter((f) => f === false).length, unplaced: flags.filter((f) => f === null).length };
		expect(counts).toEqual({ inside, outside: rows.length - inside, unplaced: 0 });
		expect(built.manifest.force_area!.records.events).toEqual(counts);
		console.log(`Chicago: records ${counts.inside} inside, ${counts.outside} outside, ${counts.unplaced} unplaced`);
	});

	it('force_cells: at each resolution the cells (centre inside a police district) cover the districts\' area to within 1.5%', async () => {
		forceCellsCoverDistricts(await built.read('force_cells'), await built.read('districts'), 0.015);
	});

	it('readDistricts names KML districts from <description>', () => {
		const d = readDistricts(CHICAGO_KML);
		expect(d.find((x) => x.code === '17')?.name).toBe('District 17');
	});
});

describe('generic month-resolution incidents: detection, constants and rules', () => {
	const HEADER = 'month\tlongitude\tlatitude\tlocation\tlsoa_code';

	it('without a category the header is not enough, and the message says so', () => {
		const d = detectInput(HEADER, 'asb.tab', {});
		expect(d.ok).toBe(false);
		const forced = detectInput(HEADER, 'asb.tab', { format: 'month-incidents' });
		expect(forced.ok ? '' : forced.issue.message).toContain('lacks column "category"');
	});

	it('a constant category makes it month-resolution incidents; an unknown constant field is named', () => {
		const d = detectInput(HEADER, 'asb.tab', { constants: { category: 'Anti-social behaviour' } });
		expect(d.ok && d.kind).toBe('month-incidents');
		expect(d.ok && d.bindings.find((b) => b.key === 'category')?.constant).toBe('Anti-social behaviour');
		const bad = detectInput(HEADER, 'asb.tab', { format: 'month-incidents', constants: { colour: 'red' } });
		expect(bad.ok ? '' : bad.issue.message).toContain('constant value for unknown field "colour"');
	});

	it('quarantines each bad row with its line and reason; the rest are accepted (worked example)', async () => {
		const dir = tempDir();
		const path = join(dir, 'mixed.tab');
		// line: 1 header; 2 ok (YYYY-MM-DD); 3 ok (YYYY-MM); 4 month 13; 5 30 February;
		// 6 missing month; 7 latitude only; 8 LSOA code malformed; 9 formula-like location.
		const body = [
			HEADER,
			'2022-01-01\t-2.4646\t53.7655\tHazelwood Close\tE01012607',
			'2022-02\t-2.4747\t53.7702\tPeridot Close\tE01012608',
			'2022-13-01\t-2.4747\t53.7702\tPeridot Close\tE01012608',
			'2022-02-30\t-2.4747\t53.7702\tPeridot Close\tE01012608',
			'\t-2.4747\t53.7702\tPeridot Close\tE01012608',
			'2022-03-01\t\t53.7702\tPeridot Close\tE01012608',
			'2022-03-01\t-2.4747\t53.7702\tPeridot Close\tX123',
			'2022-03-01\t-2.4747\t53.7702\t=HYPERLINK("x")\tE01012608'
		].join('\n');
		writeFileSync(path, body + '\n');
		const out = join(dir, 'out');
		const { manifest } = await buildExtracts({ inputs: [path], out, areas: null, constants: { category: 'Anti-social behaviour' } });
		const [file] = manifest.sources;
		expect(file).toMatchObject({ kind: 'month-incidents', rows_in: 8, accepted: 2, rejected: 6 });
		const q = await readArrow(out, 'quarantine');
		const got = col<number>(q, 'source_line').map((line, i) => [line, col<string>(q, 'column_name')[i], col<string>(q, 'reason')[i].split(':')[0]]);
		expect(got).toEqual([
			[4, 'month', 'month is not a calendar month'],
			[5, 'month', 'month is not a calendar month'],
			[6, 'month', 'missing month'],
			[7, 'longitude', 'latitude given without longitude'],
			[8, 'lsoa_code', 'LSOA code is not an ONS area code'],
			[9, 'location', 'formula-like value (starts with =, +, -, @, tab or carriage return)']
		]);
		const incidents = await readArrow(out, 'incidents');
		expect(col(incidents, 'month')).toEqual(['2022-01', '2022-02']);
		expect(col(incidents, 'month_index')).toEqual([2022 * 12, 2022 * 12 + 1]);
		expect(col(incidents, 'district_id')).toEqual([null, null]);
	});
});
