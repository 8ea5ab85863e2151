/**
 * The force area in the extract builder, on the shipped City of London sample: the force the
 * records fall within → its local authority → its LSOAs, and every record flagged inside,
 * outside or unplaced. Expected values come from the raw files, read here with DuckDB SQL of this
 * test's own (not the builder's), and from the published fact that the City of London (E09000001)
 * is 6 LSOAs 2011. Then the ways an area is named (local authority codes, a force) and the errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { geoContains } from 'd3';
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { createForceLookup, forceDisplayName, forceKey, resolveForce } from '../../analytics/ingest/force-area';
import { readForceArea, recordPlacement } from '../../analytics/force-area';
import { buildExtracts } from './extracts';
import { DEFAULT_FORCE_LOOKUPS, IMD_FILE_1, LSOA_LAD_COLUMNS, LSOA_LAD_LOOKUP, readLadChanges, writeLsoaLadLookup } from './force-area';
import { readLsoaBoundaries } from './areas';
import { loadInput } from './load-input';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { SAMPLE_AREAS, SAMPLE_INPUTS } from './sample';
import { col, readArrow, tempDirs } from './extract-test-utils';

const STREET = 'sample-data/police-uk/city-of-london/street';
const SEARCH = 'sample-data/police-uk/city-of-london/stop-and-search';
/** The City of London's LSOAs 2011 (ONS): 001A, 001B, 001C, 001E, 001F, 001G. */
const CITY_LSOAS = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'];
/** Lancashire's 14 local authorities (ONS LAD16 → PFA16 "Lancashire"). */
const LANCASHIRE_LADS = ['E06000008', 'E06000009', ...Array.from({ length: 12 }, (_, i) => `E07000${117 + i}`)];

const tempDir = tempDirs('clearsight-force-');

function countFlags(table: Table): { inside: number; outside: number; unplaced: number } {
	const flags = col<boolean | null>(table, 'in_force_area');
	return { inside: flags.filter((f) => f === true).length, outside: flags.filter((f) => f === false).length, unplaced: flags.filter((f) => f === null).length };
}

describe('City of London: the force the records fall within', () => {
	let out: string;
	let manifest: ExtractManifest;
	let runner: NodeRunner;
	const read = (name: string) => readArrow(out, name);

	beforeAll(async () => {
		out = tempDir();
		({ manifest } = await buildExtracts({ inputs: SAMPLE_INPUTS, out, areas: SAMPLE_AREAS }));
		runner = await createNodeRunner();
	}, 300_000);
	afterAll(() => runner?.close());

	it('force_area holds exactly the 6 LSOAs of the City of London, local authority E09000001', async () => {
		const area = await read('force_area');
		expect(col<string>(area, 'area_code')).toEqual(CITY_LSOAS);
		expect(new Set(col(area, 'area_unit'))).toEqual(new Set(['lsoa']));
		expect(new Set(col(area, 'lad_code'))).toEqual(new Set(['E09000001']));
		expect(new Set(col(area, 'lad_name'))).toEqual(new Set(['City of London']));
		expect(new Set(col(area, 'force_name'))).toEqual(new Set(['City of London']));
		expect(manifest.force_area).toMatchObject({ name: 'City of London', unit: 'lsoa', method: 'falls-within', lad_codes: ['E09000001'], areas: 6 });
		expect(manifest.force_area!.falls_within).toEqual([{ name: 'City of London Police', records: (await read('incidents')).numRows }]);
	});

	it('street records: inside, outside and unplaced counted from the raw CSVs by this test (first of each repeated Crime ID kept)', async () => {
		// Insertion order is file order (the glob is sorted, preserve_insertion_order is on), so rowid
		// orders the rows as the builder reads them; the first of a repeated Crime ID is kept.
		await runner.exec(
			`CREATE OR REPLACE TABLE raw_street AS SELECT "Crime ID" AS id, "LSOA code" AS lsoa, "Longitude" AS lon, filename AS f
			 FROM read_csv(?, header = true, all_varchar = true, filename = true)`,
			[`${STREET}/*.csv`]
		);
		const [expected] = await runner.rows<{ inside: number; outside: number; unplaced: number; total: number }>(
			`WITH kept AS (
			   SELECT lsoa, lon FROM raw_street WHERE id IS NULL
			   UNION ALL SELECT arg_min(lsoa, rowid), arg_min(lon, rowid) FROM raw_street WHERE id IS NOT NULL GROUP BY id
			 )
			 SELECT count(*) FILTER (WHERE lsoa IN (${CITY_LSOAS.map(() => '?').join(', ')}))::INTEGER AS inside,
			        count(*) FILTER (WHERE lsoa IS NOT NULL AND lsoa NOT IN (${CITY_LSOAS.map(() => '?').join(', ')}))::INTEGER AS outside,
			        count(*) FILTER (WHERE lsoa IS NULL AND lon IS NULL)::INTEGER AS unplaced, count(*)::INTEGER AS total FROM kept`,
			[...CITY_LSOAS, ...CITY_LSOAS]
		);
		const incidents = await read('incidents');
		expect(expected.total).toBe(incidents.numRows);
		expect(expected.inside + expected.outside + expected.unplaced).toBe(expected.total);
		expect(countFlags(incidents)).toEqual({ inside: expected.inside, outside: expected.outside, unplaced: expected.unplaced });
		expect(manifest.force_area!.records.incidents).toEqual({ inside: expected.inside, outside: expected.outside, unplaced: expected.unplaced });
		// Records located outside exist in this sample (neighbouring boroughs) and are flagged false.
		expect(expected.outside).toBeGreaterThan(500);
		const flag = col<boolean | null>(incidents, 'in_force_area');
		const lsoa = col<string | null>(incidents, 'lsoa_code');
		flag.forEach((f, i) => expect(f).toBe(lsoa[i] === null ? null : CITY_LSOAS.includes(lsoa[i]!)));
		console.log(`City street records: ${expected.inside} inside, ${expected.outside} outside, ${expected.unplaced} unplaced`);
	});

	it('stop and search: unplaced = raw rows without coordinates; inside = rows whose point lies in one of the 6 LSOAs', async () => {
		const [raw] = await runner.rows<{ n: number; no_point: number }>(
			`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE "Latitude" IS NULL OR "Longitude" IS NULL)::INTEGER AS no_point
			 FROM read_csv(?, header = true, all_varchar = true)`,
			[`${SEARCH}/*.csv`]
		);
		const search = await read('stop_search');
		expect(search.numRows).toBe(raw.n);
		const counts = countFlags(search);
		expect(counts.unplaced).toBe(raw.no_point);
		expect(counts.inside + counts.outside + counts.unplaced).toBe(raw.n);
		// The point's LSOA (from the boundary file; checked against police.uk's own in extracts.test.ts).
		const lsoa = col<string | null>(search, 'lsoa_code');
		const flag = col<boolean | null>(search, 'in_force_area');
		const lon = col<number | null>(search, 'longitude');
		flag.forEach((f, i) => expect(f).toBe(lon[i] === null ? null : lsoa[i] !== null && CITY_LSOAS.includes(lsoa[i]!)));
		expect(manifest.force_area!.records.stop_search).toEqual(counts);
		console.log(`City stop and search: ${counts.inside} inside, ${counts.outside} outside, ${counts.unplaced} unplaced`);
	});

	it('force_cells: at r7, r8 and r9 exactly the cells whose centre lies in one of the 6 LSOA polygons (d3 geoContains over a disk of candidates)', async () => {
		const boundaries = (await readLsoaBoundaries(SAMPLE_AREAS.shapefile)).filter((f) => CITY_LSOAS.includes(f.code));
		expect(boundaries).toHaveLength(6);
		const cells = await read('force_cells');
		const h3 = col<string>(cells, 'h3');
		const res = col<number>(cells, 'resolution');
		const counts: Record<number, number> = {};
		for (const r of [7, 8, 9]) {
			// Every cell within 4 km of the City's middle (the City is ≈ 3 km across): k rings of cells.
			const k = Math.ceil(4 / { 7: 2.4, 8: 0.9, 9: 0.35 }[r]!);
			const candidates = gridDisk(latLngToCell(51.515, -0.092, r), k);
			const expected = candidates
				.filter((c) => {
					const [lat, lon] = cellToLatLng(c);
					return boundaries.some((b) => geoContains(b.geometry, [lon, lat]));
				})
				.sort();
			const got = h3.filter((_, i) => res[i] === r);
			expect(got, `r${r}`).toEqual(expected);
			counts[r] = got.length;
		}
		expect(counts[9]).toBeGreaterThan(20);
		console.log(`City force_cells: r7 ${counts[7]}, r8 ${counts[8]}, r9 ${counts[9]}`);
	});

	it('the areas dataset still holds the touched LSOAs and neighbours, the 6 among them', async () => {
		const codes = col<string>(await read('areas'), 'lsoa_code');
		for (const c of CITY_LSOAS) expect(codes).toContain(c);
		expect(codes.length).toBeGreaterThan(CITY_LSOAS.length);
	});

	it('analytics/force-area reads the extract back: the name, the 6 codes and the same placement', async () => {
		const r = await createNodeRunner();
		try {
			await loadInput(r, [out]);
			expect(await readForceArea(r)).toEqual({ name: 'City of London', unit: 'lsoa', areaCodes: CITY_LSOAS });
			expect(await recordPlacement(r, 'incidents')).toEqual(manifest.force_area!.records.incidents);
			expect(await recordPlacement(r, 'stop_search')).toEqual(manifest.force_area!.records.stop_search);
		} finally {
			r.close();
		}
	});

	it('loadInput over the CSVs gets the same force area (no boundaries: stop and search points cannot be placed)', async () => {
		const r = await createNodeRunner();
		try {
			const loaded = await loadInput(r, [STREET, SEARCH]);
			expect(loaded.manifest.force_area).toMatchObject({ method: 'falls-within', areas: 6 });
			expect(loaded.manifest.force_area!.records.incidents).toEqual(manifest.force_area!.records.incidents);
			const [s] = await r.rows<{ n: number; flagged: number }>(`SELECT count(*)::INTEGER AS n, count(in_force_area)::INTEGER AS flagged FROM stop_search`);
			expect(s.flagged).toBe(0);
			expect(loaded.manifest.force_area!.records.stop_search).toEqual({ inside: 0, outside: 0, unplaced: s.n });
		} finally {
			r.close();
		}
	});
});

describe('naming the area', () => {
	it('--force-lads of Lancashire on City data: nothing inside, every located record outside and counted', async () => {
		const out = tempDir();
		const { manifest } = await buildExtracts({ inputs: [STREET], out, areas: null, forceArea: { kind: 'lads', ladCodes: LANCASHIRE_LADS } });
		expect(manifest.force_area).toMatchObject({ name: 'Lancashire', method: 'named-authorities', unit: 'lsoa', lad_codes: LANCASHIRE_LADS });
		const incidents = await readArrow(out, 'incidents');
		const lsoa = col<string | null>(incidents, 'lsoa_code');
		const located = lsoa.filter((l) => l !== null).length;
		expect(manifest.force_area!.records.incidents).toEqual({ inside: 0, outside: located, unplaced: incidents.numRows - located });
	});

	it('a district created after 2016 stands for its predecessors (Buckinghamshire 2020 → 4 districts of IMD 2019)', async () => {
		const out = tempDir();
		const { manifest } = await buildExtracts({ inputs: [join(STREET, '2019-11-city-of-london-street.csv')], out, areas: null, forceArea: { kind: 'lads', ladCodes: ['E06000060'] } });
		expect(manifest.force_area!.lad_codes).toEqual(['E07000004', 'E07000005', 'E07000006', 'E07000007']);
		// Independently: the LSOAs File 1 gives those four districts.
		const r = await createNodeRunner();
		try {
			const [{ n }] = await r.rows<{ n: number }>(
				`SELECT count(*)::INTEGER AS n FROM read_csv(?, header = true, all_varchar = true) WHERE "Local Authority District code (2019)" IN ('E07000004', 'E07000005', 'E07000006', 'E07000007')`,
				[IMD_FILE_1]
			);
			expect(manifest.force_area!.areas).toBe(n);
			expect(n).toBeGreaterThan(300);
		} finally {
			r.close();
		}
	});

	it('a bad --force-lads code is a usage error (exit 2) naming it; an unknown force names the value and suggests --force-lads', () => {
		const dir = tempDir();
		const run = (args: string[]) => {
			try {
				execFileSync('npx', ['tsx', 'scripts/build-extracts.ts', ...args], { encoding: 'utf8', stdio: 'pipe' });
				return { code: 0, stderr: '' };
			} catch (e) {
				const err = e as { status: number; stderr: string };
				return { code: err.status, stderr: err.stderr };
			}
		};
		const month = join(STREET, '2019-11-city-of-london-street.csv');
		const bad = run(['--input', month, '--out', join(dir, 'a'), '--no-areas', '--force-lads', 'E07000117,E07999999']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain('"E07999999"');
		expect(bad.stderr).not.toContain('"E07000117"');
		// A copy of one month whose records fall within a force that does not exist.
		mkdirSync(join(dir, 'in'));
		writeFileSync(join(dir, 'in', 'street.csv'), readFileSync(month, 'utf8').replaceAll('City of London Police', 'Gotham City Police'));
		const unknown = run(['--input', join(dir, 'in'), '--out', join(dir, 'b'), '--no-areas']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('unknown police force "Gotham City Police"');
		expect(unknown.stderr).toContain('--force-lads');
		// Named instead, the same file builds.
		const named = run(['--input', join(dir, 'in'), '--out', join(dir, 'c'), '--no-areas', '--force', 'City of London Police']);
		expect(named.code).toBe(0);
		const m = JSON.parse(readFileSync(join(dir, 'c', 'manifest.json'), 'utf8')) as ExtractManifest;
		expect(m.force_area).toMatchObject({ name: 'City of London', method: 'named-authorities', areas: 6 });
	}, 120_000);

	it('records of a force of Wales: its area is not known (IMD 2019 is England only), so none, saying why; named, it is an error', async () => {
		const dir = tempDir();
		mkdirSync(join(dir, 'in'));
		const month = join(STREET, '2019-11-city-of-london-street.csv');
		writeFileSync(join(dir, 'in', 'street.csv'), readFileSync(month, 'utf8').replaceAll('City of London Police', 'Gwent Police'));
		const { manifest } = await buildExtracts({ inputs: [join(dir, 'in')], out: join(dir, 'a'), areas: null });
		expect(manifest.force_area).toMatchObject({ name: null, method: 'none', areas: 0 });
		expect(manifest.force_area!.source).toContain('England only');
		await expect(buildExtracts({ inputs: [join(dir, 'in')], out: join(dir, 'b'), areas: null, forceArea: { kind: 'force', force: 'Gwent' } })).rejects.toThrow(
			/no LSOAs in IMD 2019 File 1 \(it covers England only\)/
		);
	});

	it('nothing named and no "Falls within": method none, empty force_area, every flag null', async () => {
		const dir = tempDir();
		const csv = join(dir, 'noise.csv');
		writeFileSync(csv, 'timestamp,category,longitude,latitude\n2024-01-05 10:00,Noise,-0.09,51.515\n2024-01-06 11:00,Noise,,\n');
		const { manifest } = await buildExtracts({ inputs: [csv], out: join(dir, 'out'), areas: null });
		expect(manifest.force_area).toMatchObject({ name: null, unit: null, method: 'none', lad_codes: [], areas: 0 });
		expect(manifest.force_area!.records.events).toEqual({ inside: 0, outside: 0, unplaced: 2 });
		expect((await readArrow(join(dir, 'out'), 'force_area')).numRows).toBe(0);
	});
});

describe('force names and the lookup', () => {
	/** The 43 territorial forces of England and Wales as data.police.uk spells them in "Falls within". */
	const POLICE_UK_FORCES = [
		'Avon and Somerset Constabulary', 'Bedfordshire Police', 'Cambridgeshire Constabulary', 'Cheshire Constabulary', 'City of London Police',
		'Cleveland Police', 'Cumbria Constabulary', 'Derbyshire Constabulary', 'Devon & Cornwall Police', 'Dorset Police', 'Durham Constabulary',
		'Dyfed-Powys Police', 'Essex Police', 'Gloucestershire Constabulary', 'Greater Manchester Police', 'Gwent Police', 'Hampshire Constabulary',
		'Hertfordshire Constabulary', 'Humberside Police', 'Kent Police', 'Lancashire Constabulary', 'Leicestershire Police', 'Lincolnshire Police',
		'Merseyside Police', 'Metropolitan Police Service', 'Norfolk Constabulary', 'North Wales Police', 'North Yorkshire Police',
		'Northamptonshire Police', 'Northumbria Police', 'Nottinghamshire Police', 'South Wales Police', 'South Yorkshire Police',
		'Staffordshire Police', 'Suffolk Constabulary', 'Surrey Police', 'Sussex Police', 'Thames Valley Police', 'Warwickshire Police',
		'West Mercia Police', 'West Midlands Police', 'West Yorkshire Police', 'Wiltshire Police'
	];
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
		await createForceLookup(runner, DEFAULT_FORCE_LOOKUPS, readLadChanges(DEFAULT_FORCE_LOOKUPS.ladChangesFile));
	}, 60_000);
	afterAll(() => runner?.close());

	it('forceKey folds the words that only say "police force"', () => {
		expect(forceKey('City of London Police')).toBe(forceKey('London, City of'));
		expect(forceKey('Metropolitan Police Service')).toBe(forceKey('Metropolitan Police'));
		expect(forceKey('Devon & Cornwall Police')).toBe(forceKey('Devon & Cornwall'));
		expect(forceKey('Lancashire Constabulary')).toBe('lancashire');
		expect(forceDisplayName('London, City of')).toBe('City of London');
	});

	it('each of the 43 police.uk force names resolves to a different police force area of the ONS lookup (all 43)', async () => {
		const pfas = await Promise.all(POLICE_UK_FORCES.map((f) => resolveForce(runner, f, '')));
		expect(new Set(pfas).size).toBe(43);
		const onsNames = readFileSync(DEFAULT_FORCE_LOOKUPS.pfaFile, 'utf8')
			.split(/\r?\n/)
			.slice(1)
			.filter((l) => l.trim() !== '')
			.map((l) => /,(E23|W15)\d{6},("[^"]*"|[^,]*),/.exec(l)![2].replace(/^"|"$/g, ''));
		expect(new Set(pfas)).toEqual(new Set(onsNames));
		await expect(resolveForce(runner, 'British Transport Police', 'HINT')).rejects.toThrow(/unknown police force "British Transport Police".*HINT/);
	});

	it('the lookup: every LSOA of IMD 2019 File 1 once, each with a force (the five 2019 authorities via the declared table)', async () => {
		const [r] = await runner.rows<{ n: number; lsoas: number; no_force: number; wales: number }>(
			`SELECT count(lsoa_code)::INTEGER AS n, count(DISTINCT lsoa_code)::INTEGER AS lsoas, count(*) FILTER (WHERE pfa_name IS NULL)::INTEGER AS no_force,
			        count(*) FILTER (WHERE lsoa_code IS NULL)::INTEGER AS wales FROM force_lookup`
		);
		// The 22 authorities of Wales (LAD16 lookup) are known by name only: IMD 2019 covers England.
		expect(r).toMatchObject({ n: 32_844, lsoas: 32_844, no_force: 0, wales: 22 });
		const welsh = await runner.rows<{ lad_code: string }>(`SELECT lad_code FROM force_lookup WHERE lsoa_code IS NULL AND lad_code NOT LIKE 'W%'`);
		expect(welsh).toEqual([]);
		const lads = await runner.rows<{ lad_code: string }>(`SELECT DISTINCT lad_code FROM force_lookup WHERE pfa_name = 'Lancashire' ORDER BY lad_code`);
		expect(lads.map((l) => l.lad_code)).toEqual(LANCASHIRE_LADS);
		const dorset = await runner.rows<{ lad_code: string }>(`SELECT DISTINCT lad_code FROM force_lookup WHERE pfa_name = 'Dorset' ORDER BY lad_code`);
		expect(dorset.map((l) => l.lad_code)).toEqual(['E06000058', 'E06000059']);
	});
});

describe('the shipped LSOA → local authority lookup (three columns of IMD 2019 File 1)', () => {
	it('holds File 1\'s LSOA and local authority columns exactly, row for row, and is what the generator writes', async () => {
		const r = await createNodeRunner();
		const regenerated = join(tempDir(), 'lookup.csv.gz');
		try {
			expect(await writeLsoaLadLookup(IMD_FILE_1, regenerated)).toBe(32_844);
			// File 1's header starts with a byte-order mark: its columns are read by position.
			const file1 = `SELECT #1 AS lsoa, #3 AS lad, #4 AS lad_name, row_number() OVER () AS i FROM read_csv(?, header = true, all_varchar = true)`;
			const shipped = `SELECT ${LSOA_LAD_COLUMNS.map((c) => `"${c}"`).join(', ')}, row_number() OVER () AS i FROM read_csv(?, header = true, all_varchar = true)`;
			for (const lookup of [LSOA_LAD_LOOKUP, regenerated]) {
				const [c] = await r.rows<{ n: number; a: number; b: number }>(
					`WITH f AS (${file1}), s AS (${shipped})
					 SELECT (SELECT count(*) FROM s)::INTEGER AS n, (SELECT count(*) FROM (SELECT * FROM f EXCEPT ALL SELECT * FROM s))::INTEGER AS a,
					        (SELECT count(*) FROM (SELECT * FROM s EXCEPT ALL SELECT * FROM f))::INTEGER AS b`,
					[IMD_FILE_1, lookup]
				);
				expect(c).toEqual({ n: 32_844, a: 0, b: 0 });
			}
			const header = await r.rows<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv(?, header = true, all_varchar = true))`, [LSOA_LAD_LOOKUP]);
			expect(header.map((h) => h.column_name)).toEqual([...LSOA_LAD_COLUMNS]);
		} finally {
			r.close();
		}
	});

	it('gives the same force lookup as File 1 itself', async () => {
		const r = await createNodeRunner();
		try {
			const changes = readLadChanges(DEFAULT_FORCE_LOOKUPS.ladChangesFile);
			await createForceLookup(r, { ...DEFAULT_FORCE_LOOKUPS, imdFile: IMD_FILE_1 }, changes);
			await r.exec(`CREATE TABLE from_file1 AS SELECT * FROM force_lookup`);
			expect(DEFAULT_FORCE_LOOKUPS.imdFile).toBe(LSOA_LAD_LOOKUP);
			await createForceLookup(r, DEFAULT_FORCE_LOOKUPS, changes);
			const [c] = await r.rows<{ n: number; a: number; b: number }>(
				`SELECT (SELECT count(*) FROM force_lookup)::INTEGER AS n, (SELECT count(*) FROM (SELECT * FROM from_file1 EXCEPT ALL SELECT * FROM force_lookup))::INTEGER AS a,
				        (SELECT count(*) FROM (SELECT * FROM force_lookup EXCEPT ALL SELECT * FROM from_file1))::INTEGER AS b`
			);
			expect(c.a).toBe(0);
			expect(c.b).toBe(0);
			expect(c.n).toBeGreaterThan(32_844);
		} finally {
			r.close();
		}
	});
});
