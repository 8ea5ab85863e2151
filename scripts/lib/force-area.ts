/**
 * The force area in the command-line builder: where the lookups live (sample-data/context by
 * default), reading the declared table of authorities created after 2016, and the polygons of the
 * force area (for placing records that carry only a point, and for the H3 study region). The
 * rules themselves are SQL shared with the browser import (analytics/ingest/force-area.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FORCE_LIST_FILE, FORCE_LOOKUP_COLUMNS, FORCE_LOOKUP_FILE, createForceLookup, forceList, type LadChange } from '../../analytics/ingest/force-area';
import { csvColumns } from '../../analytics/ingest/csv-columns';
import { literal } from '../../analytics/ingest/sql';
import { queryToArrow } from './arrow-write';
import { createNodeRunner } from './node-runner';
import type { AreaGeometry } from './areas';

export interface ForceLookupFiles {
	/** IMD 2019 File 1: LSOA 2011 → local authority district (2019 code and name). */
	imdFile: string;
	/** ONS LAD16 → CSP16 → PFA16 lookup (CSV). */
	pfaFile: string;
	/** The declared table of authorities created after 2016 (models/geography/lad-changes.json). */
	ladChangesFile: string;
}

/** IMD 2019 File 1 as published (its LSOA, local authority code and name columns give the lookup). */
export const IMD_FILE_1 = 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz';

/**
 * Those three columns of IMD_FILE_1 alone, every LSOA in File 1's order, under File 1's header
 * names (written by writeLsoaLadLookup, `npx tsx scripts/lsoa-lad-lookup.ts`; a test checks it
 * against File 1): reading it for the force lookup costs a fraction of reading the whole file.
 */
export const LSOA_LAD_LOOKUP = 'sample-data/context/geography/LSOA11_LAD19_from_IMD2019_File_1.csv.gz';

export const DEFAULT_FORCE_LOOKUPS: ForceLookupFiles = {
	imdFile: LSOA_LAD_LOOKUP,
	pfaFile: 'sample-data/context/geography/LAD16_CSP16_PFA16_lookup.csv',
	ladChangesFile: 'models/geography/lad-changes.json'
};

/** How the lookups are described in the manifest. */
export const FORCE_LOOKUP_SOURCE =
	'LSOA 2011 → local authority: MHCLG IMD 2019 File 1; local authority → police force area: ONS LAD16_CSP16_PFA16 lookup, and the authorities created since (models/geography/lad-changes.json)';

/** Read the declared authorities created after 2016. Throws naming the file if it is missing or not the expected shape. */
export function readLadChanges(file: string): LadChange[] {
	if (!existsSync(file)) throw new Error(`${file}: not found; expected the declared table of local authorities created after 2016`);
	const json = JSON.parse(readFileSync(file, 'utf8')) as { kind?: string; changes?: LadChange[] };
	if (json.kind !== 'lad-changes' || !Array.isArray(json.changes)) throw new Error(`${file}: expected a lad-changes file (models/schema/lad-changes.schema.json)`);
	return json.changes;
}

/** Throws naming every lookup file that does not exist. */
export function checkLookupFiles(files: ForceLookupFiles): void {
	const missing = [files.imdFile, files.pfaFile, files.ladChangesFile].filter((f) => !existsSync(f));
	if (missing.length > 0) {
		throw new Error(`force area lookups not found: ${missing.join(', ')}; point to them with --imd, --pfa-lookup and --lad-changes (or name no force area)`);
	}
}

/** Polygons of the force area, and whether they cover all of it (a point outside them is then outside the force). */
export interface ForcePolygons {
	polygons: Array<{ code: string; geometry: AreaGeometry }>;
	complete: boolean;
	/** Where they come from, for the log. */
	from: 'lsoa boundaries' | 'districts' | 'none';
}

/**
 * The force area's polygons: its LSOAs' boundaries when the boundary file holds them, else the
 * district polygons when the districts are the force area or are its local authorities, else
 * none. `complete` is true only when every area of the force has a polygon.
 */
export function forcePolygons(
	force: { unit: 'lsoa' | 'district' | null; areaCodes: ReadonlySet<string>; ladCodes: readonly string[] },
	lsoas: ReadonlyArray<{ code: string; geometry: AreaGeometry }> | null,
	districts: ReadonlyArray<{ code: string; geometry: AreaGeometry }> | null
): ForcePolygons {
	if (force.unit === null) return { polygons: [], complete: false, from: 'none' };
	if (force.unit === 'district') {
		const polygons = (districts ?? []).filter((d) => force.areaCodes.has(d.code));
		return { polygons, complete: polygons.length === force.areaCodes.size, from: 'districts' };
	}
	const fromLsoas = (lsoas ?? []).filter((a) => force.areaCodes.has(a.code));
	if (fromLsoas.length === force.areaCodes.size) return { polygons: fromLsoas, complete: true, from: 'lsoa boundaries' };
	const fromDistricts = (districts ?? []).filter((d) => force.ladCodes.includes(d.code));
	if (fromDistricts.length > 0 && fromDistricts.length === force.ladCodes.length) return { polygons: fromDistricts, complete: true, from: 'districts' };
	if (fromLsoas.length > 0) return { polygons: fromLsoas, complete: false, from: 'lsoa boundaries' };
	return { polygons: [], complete: false, from: 'none' };
}

/** The columns of IMD 2019 File 1 that the force lookup reads (createForceLookup). */
export const LSOA_LAD_COLUMNS = ['LSOA code (2011)', 'Local Authority District code (2019)', 'Local Authority District name (2019)'] as const;

/**
 * Write `out` (gzip CSV): LSOA_LAD_COLUMNS of IMD 2019 File 1 (`file1`), values as published,
 * rows in the file's order, headers without File 1's byte-order mark. Returns the row count.
 */
export async function writeLsoaLadLookup(file1: string = IMD_FILE_1, out: string = LSOA_LAD_LOOKUP): Promise<number> {
	const runner = await createNodeRunner();
	try {
		const columns = await csvColumns(runner, file1, LSOA_LAD_COLUMNS);
		// The aliases are the constant header names above, quoted as csvColumns quotes.
		const select = columns.map((c, i) => `${c} AS "${LSOA_LAD_COLUMNS[i].replaceAll('"', '""')}"`).join(', ');
		await runner.exec(
			`CREATE TEMP TABLE lsoa_lad AS SELECT ${select} FROM read_csv(?, header = true, all_varchar = true, delim = ',', quote = '"')`,
			[file1]
		);
		await runner.exec(`COPY lsoa_lad TO ${literal(out)} (HEADER, DELIMITER ',', COMPRESSION gzip)`);
		const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM lsoa_lad`);
		return n;
	} finally {
		runner.close();
	}
}

/**
 * Write the lookup the browser import needs (FORCE_LOOKUP_FILE: every LSOA 2011 with its local
 * authority and police force area) and the list of forces (FORCE_LIST_FILE) under `outDir`.
 */
export async function writeForceLookup(outDir: string, files: ForceLookupFiles = DEFAULT_FORCE_LOOKUPS): Promise<{ rows: number; bytes: number; forces: number }> {
	checkLookupFiles(files);
	const runner = await createNodeRunner();
	try {
		await createForceLookup(runner, files, readLadChanges(files.ladChangesFile));
		const { bytes, rows } = await queryToArrow(runner, FORCE_LOOKUP_COLUMNS, '(SELECT * FROM force_lookup ORDER BY lsoa_code NULLS LAST, lad_code)');
		const path = join(outDir, FORCE_LOOKUP_FILE);
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, bytes);
		const forces = await forceList(runner);
		writeFileSync(join(outDir, FORCE_LIST_FILE), JSON.stringify({ source: FORCE_LOOKUP_SOURCE, forces }, null, '\t') + '\n');
		return { rows, bytes: bytes.byteLength, forces: forces.length };
	} finally {
		runner.close();
	}
}
