/**
 * The extract builder: police.uk CSVs (and area boundaries with IMD context) → Arrow IPC
 * extracts, manifest.json and a quarantine of rejected rows. Validation is the SQL in
 * analytics/ingest (shared with the browser import); this file adds what needs Node: files,
 * H3 cells, boundaries, writing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { latLngToCell } from 'h3-js';
import {
	EXTRACT_DATASETS,
	SOURCE_FORMATS,
	fileAccounts,
	fileExports,
	resetIngest,
	createForceLookup,
	csvColumns,
	TEXT_CSV_SOURCE,
	decideForceArea,
	forceCells,
	inForceAreaSql,
	forceAreaReport,
	placementLines,
	type ForceAreaRequest,
	type ForceAreaReport,
	typedSelectSql,
	validateStaged,
	type ColumnConstants,
	type ColumnMapping,
	type DatasetName,
	type SourceKind,
	type ExtractManifest,
	type DistrictsInfo,
	type SourceReport,
	datasetEntry,
	type DatasetEntry
} from '../../analytics/ingest';
import { queryToArrow } from './arrow-write';
import { loadOffenceCodes, offenceCodeLines, offenceCodeReport } from '../../analytics/ingest/offence-codes';
import type { OffenceCodesInput } from './offence-codes-file';
import { BASE_DATABASE_FILE, EXPLORE_POINTS_ON_DEMAND_ROWS, writeBaseDatabase, type BaseDatasetName } from './base-database';
import { literal } from '../../analytics/ingest/sql';
import { keepForSummary, openSummaryTables, writeSummaryFile } from './summary-file';
import { displayNames, listInputs } from './input-files';
import { stageInputs } from './staging';
import { resolveFileMappings, type FileMappingSpec } from './file-mapping';
import { PARTITIONS_DIR, cacheFingerprint } from './partitions';
import { inputCrs } from './input-crs';
import { crsReport, type FileCrs, type ResolvedCrs } from '../../analytics/ingest/crs';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { locatePoints, readImd, readLsoaBoundaries, simplifyAndSelect, type LsoaFeature } from './areas';
import { areaSetFileName, readAreaSet, type DistrictFeature } from './districts';
import { areaSetNoun } from '../../analytics/explore/area-set';
import { OUTSIDE_AREAS_COLUMNS, OUTSIDE_AREAS_FILE, OUTSIDE_REASON, areaSetAccount, swappedAxesMessage, type BoundarySet } from '../../analytics/boundaries';
import { DEFAULT_FORCE_LOOKUPS, FORCE_LOOKUP_SOURCE, checkLookupFiles, forcePolygons, readLadChanges, type ForceLookupFiles, type ForcePolygons } from './force-area';
import { toCsv } from '../../analytics/export/csv';
import { aggregateSelectSql, writeExploreAggregates } from '../../analytics/explore/aggregates';
import { CENSUS_FILES, CENSUS_SOURCE, loadCensusPopulation, toLad23, type CensusFiles } from '../../analytics/stop-search/census';

export const BUILDER = { name: 'clearsight-extracts', version: '0.1.0' };

export interface AreaInputs {
	/** ESRI shapefile (.shp, with .dbf and .prj beside it) of LSOA boundaries. */
	shapefile: string;
	imdFile: string;
	domainsFile: string;
	populationFile: string;
}

export interface BuildOptions {
	inputs: string[];
	out: string;
	areas?: AreaInputs | null;
	/** Fingerprint of inputs and builder, recorded so `npm start` can tell a stale extract. */
	fingerprint?: string;
	/**
	 * Keep the month-partitioned staging cache in `<out>/.partitions/` and re-read only the months
	 * whose input files changed (scripts/lib/partitions.ts); `npm run extracts` does by default.
	 */
	partitions?: boolean;
	/** With `partitions`: ignore the cache and read every file (it is written afresh). */
	clean?: boolean;
	/** Column mapping for files not recognised as police.uk (the generic formats). */
	columns?: ColumnMapping;
	/** Values for columns the files lack, e.g. `{ category: 'Anti-social behaviour' }` (generic formats). */
	constants?: ColumnConstants;
	/**
	 * Read files that are not police.uk downloads as this generic format; by default the
	 * format is detected, and with a mapping or constants each generic format is tried in turn.
	 */
	format?: SourceKind;
	/**
	 * Per-file mapping (`--mapping <file.json>`, scripts/lib/file-mapping.ts): each matched file is
	 * read with its own format, columns and constants (a CAD export as `events` beside an RMS export
	 * as incidents, in one source); files it does not match are detected as without a mapping.
	 * Not given together with `columns`, `constants` or `format`.
	 */
	mapping?: FileMappingSpec | null;
	/**
	 * The coordinate system of every input's coordinates (`--crs`, scripts/lib/input-crs.ts); by
	 * default each file's `.prj` beside it, else WGS84 longitude/latitude. Coordinates in another
	 * system are turned into WGS84 as they are staged; the manifest records each file's system.
	 */
	crs?: FileCrs | null;
	/** District boundaries for the `districts` dataset and the records' `district_id`. */
	districts?: DistrictInputs | null;
	/**
	 * The force area (the study region of every analysis): `auto` (default) takes the force the
	 * records' "Falls within" names, else none; or a force by name, local authority codes, or the
	 * districts given with `districts` (see analytics/force-area/README.md).
	 */
	forceArea?: ForceAreaRequest;
	/** Where the LSOA → local authority → force lookups are; default: sample-data/context and models/geography. */
	forceLookups?: ForceLookupFiles;
	/**
	 * Census 2021 TS021 and the LSOA21 → LAD23 lookup for the `population_ethnicity` dataset (the
	 * stop-and-search denominators of the force area's local authorities); default: with the area
	 * context (`areas` given), the files in sample-data/context/census2021 when present, else none;
	 * null: none (the dataset is empty, as in the browser import, which has no Census files).
	 */
	census?: CensusFiles | null;
	/**
	 * Rows from which the `explore_points` pre-aggregate is stored in base.duckdb (read on demand)
	 * rather than as an Arrow file; default EXPLORE_POINTS_ON_DEMAND_ROWS (scripts/lib/base-database.ts).
	 */
	pointsOnDemandRows?: number;
	/** Attribution of the records, for the manifest; default: data.police.uk (OGL v3). */
	attribution?: Array<{ dataset: string; source: string; licence: string; text: string }>;
	/** Called with progress lines. */
	log?: (line: string) => void;
	/**
	 * The user's offence-code mapping (`--offence-codes`, scripts/lib/offence-codes-file.ts);
	 * default: the shipped one (models/offence-codes/home-office-offence-codes-v1.json).
	 */
	offenceCodes?: OffenceCodesInput | null;
}

export interface DistrictInputs {
	/** Boundary file: GeoJSON (WGS84 or a declared crs), KML, or a shapefile's .shp with its .dbf and .prj (see districts.ts). */
	file: string;
	/** What the areas are called, plural ("Wards", "Beats"); default: guessed from the id field (WD23CD → Wards), else "Districts". */
	label?: string;
	/** Coordinate system of a boundary file that declares none (EPSG code or WKT). */
	crs?: string;
	/** Property holding the district identifier (default: detected; KML `<name>`). */
	idProperty?: string;
	/** Property holding the district name (default: detected; KML `<description>`). */
	nameProperty?: string;
	/** Where the boundaries come from, for the manifest; default: the file name, licence unstated. */
	attribution?: { source: string; licence: string; text: string };
	/**
	 * IMD 2019 File 1 (LSOA → local authority district) and File 6 (population): when the
	 * district identifiers are local authority codes, records are placed by their LSOA's
	 * district and each district's population is the sum over its LSOAs.
	 */
	imdFile?: string;
	populationFile?: string;
}

export interface BuildResult {
	manifest: ExtractManifest;
	elapsedMs: number;
	/** Wall time of each step of the build, in order (printed by the bench: scripts/bench/build.ts). */
	phases: BuildPhase[];
}

export interface BuildPhase {
	phase: string;
	ms: number;
}

export const ATTRIBUTION: Record<string, { source: string; licence: string; text: string }> = {
	police: {
		source: 'data.police.uk',
		licence: 'Open Government Licence v3.0',
		text: 'Contains public sector information licensed under the Open Government Licence v3.0.'
	},
	boundaries: {
		source: 'Office for National Statistics: LSOA (Dec 2011) boundaries, generalised 20 m',
		licence: 'Open Government Licence v3.0',
		text: 'Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right (2022).'
	},
	imd: {
		source: 'MHCLG: English Indices of Deprivation 2019 (Files 1, 2 and 6)',
		licence: 'Open Government Licence v3.0',
		text: 'Contains public sector information licensed under the Open Government Licence v3.0.'
	},
	districtsOns: {
		source: 'Office for National Statistics: local authority district boundaries (population: MHCLG IoD 2019 File 6)',
		licence: 'Open Government Licence v3.0',
		text: 'Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right (2022).'
	},
	census: {
		source: CENSUS_SOURCE,
		licence: 'Open Government Licence v3.0',
		text: 'Source: Office for National Statistics licensed under the Open Government Licence v3.0 (Census 2021 TS021 from Nomis; ONS LSOA21 → LAD23 lookup).'
	},
	chicago: {
		source: 'City of Chicago open data (crimes reported to the Chicago Police Department; police district boundaries), via the Crime Open Database',
		licence: "City of Chicago open data, under the City's data portal terms",
		text: 'City of Chicago open data (crimes reported to the Chicago Police Department; police district boundaries), via the Crime Open Database; timestamps to the minute, coordinates rounded to 4 decimal places.'
	}
};

const H3_RESOLUTIONS = [7, 8, 9] as const;

/** Ends the messages of an unknown force or local authority code. */
export const FORCE_AREA_HINT =
	'Name the force area with --force-lads <local authority codes> (e.g. --force-lads E07000117,E07000118), --force "<police force>", or --districts <file> --force-area districts.';

/**
 * H3 cells of every distinct point of the typed tables, computed once per point, with the LSOA
 * and the district containing it when boundaries are given, and whether it lies in the force
 * area's polygons (null when they are not known or not complete and the point is outside them).
 */
async function buildPointTable(runner: NodeRunner, boundaries: LsoaFeature[] | null, districts: DistrictFeature[] | null, force: ForcePolygons): Promise<number> {
	const points = await runner.columns(
		`SELECT DISTINCT longitude, latitude FROM (
		   SELECT longitude, latitude FROM typed_street UNION ALL SELECT longitude, latitude FROM typed_stop_search
		   UNION ALL SELECT longitude, latitude FROM typed_events
		 ) WHERE longitude IS NOT NULL AND latitude IS NOT NULL`
	);
	const lon = points.longitude as number[];
	const lat = points.latitude as number[];
	const xy = lon.map((x, i) => ({ lon: x, lat: lat[i] }));
	const lsoa = boundaries ? locatePoints(xy, boundaries) : lon.map(() => null);
	const district = districts ? locatePoints(xy, districts) : lon.map(() => null);
	const inForce = force.polygons.length > 0 ? locatePoints(xy, force.polygons) : lon.map(() => null);
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE point_cells (longitude DOUBLE, latitude DOUBLE, h3_r7 VARCHAR, h3_r8 VARCHAR, h3_r9 VARCHAR, point_lsoa VARCHAR, point_district VARCHAR, point_in_force BOOLEAN)`
	);
	const appender = await runner.connection.createAppender('point_cells', 'main', 'temp');
	for (let i = 0; i < lon.length; i++) {
		appender.appendDouble(lon[i]);
		appender.appendDouble(lat[i]);
		for (const r of H3_RESOLUTIONS) appender.appendVarchar(latLngToCell(lat[i], lon[i], r));
		if (lsoa[i] === null) appender.appendNull();
		else appender.appendVarchar(lsoa[i]!);
		if (district[i] === null) appender.appendNull();
		else appender.appendVarchar(district[i]!);
		if (inForce[i] !== null) appender.appendBoolean(true);
		else if (force.complete) appender.appendBoolean(false);
		else appender.appendNull();
		appender.endRow();
	}
	appender.closeSync();
	return lon.length;
}

/** The quarantine's rows, in the order of the files given, whole-file rejections first. */
const QUARANTINE_ROWS = `(SELECT * FROM ingest_quarantine q JOIN ingest_files f USING (source_file) ORDER BY f.file_seq, q.source_line NULLS FIRST)`;

async function writeDataset(runner: NodeRunner, out: string, name: DatasetName, from: string): Promise<DatasetEntry> {
	const spec = EXTRACT_DATASETS.find((d) => d.name === name)!;
	// The relation (often an aggregate or a sort) is evaluated once; the Arrow file and the entry's
	// extent read the table it leaves, in its order.
	const table = 'dataset_out';
	await runner.exec(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM ${from}`);
	try {
		const { bytes, rows } = await queryToArrow(runner, spec.columns, table);
		writeFileSync(join(out, `${name}.arrow`), bytes);
		await keepForSummary(runner, name, spec.columns, table);
		const sha256 = createHash('sha256').update(bytes).digest('hex');
		return await datasetEntry(runner, { name, columns: spec.columns, source: table, rows, bytes: bytes.byteLength, sha256 });
	} finally {
		await runner.exec(`DROP TABLE IF EXISTS ${table}`);
	}
}

/**
 * Fill `district_ids`, `lsoa_district` and `district_rows` for the districts given. When their
 * identifiers are local authority district codes found in IMD 2019 File 1, every LSOA of such
 * a district maps to it (`lsoa_district`) and the district's population is the sum of its
 * LSOAs' mid-2015 population (File 6).
 *
 * @returns whether the districts are local authorities (records are then placed by LSOA).
 */
async function prepareDistricts(runner: NodeRunner, districts: DistrictFeature[], inputs: DistrictInputs): Promise<boolean> {
	const ids = await runner.connection.createAppender('district_ids', 'main', 'temp');
	for (const d of districts) {
		ids.appendVarchar(d.code);
		ids.endRow();
	}
	ids.closeSync();
	let byLad = false;
	if (inputs.imdFile) {
		const [lsoaCol, ladCol] = await csvColumns(runner, inputs.imdFile, [IMD_LSOA, IMD_LAD], IMD_HEADERS_HINT);
		await runner.exec(
			`INSERT INTO lsoa_district SELECT m.${lsoaCol}, m.${ladCol} FROM ${TEXT_CSV_SOURCE} m
			 JOIN district_ids d ON d.district_id = m.${ladCol}`,
			[inputs.imdFile]
		);
		const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM lsoa_district`);
		byLad = n > 0;
	}
	const population = new Map<string, number>();
	if (byLad && inputs.populationFile) {
		const [lsoaCol, popCol] = await csvColumns(runner, inputs.populationFile, [IMD_LSOA, IMD_POPULATION], IMD_HEADERS_HINT);
		const rows = await runner.rows<{ district_id: string; population: number }>(
			`SELECT l.district_id, sum(CAST(replace(p.${popCol}, ',', '') AS INTEGER))::INTEGER AS population
			 FROM ${TEXT_CSV_SOURCE} p JOIN lsoa_district l ON l.lsoa_code = p.${lsoaCol}
			 GROUP BY ALL`,
			[inputs.populationFile]
		);
		for (const r of rows) population.set(r.district_id, r.population);
	}
	const simplified = simplifyAndSelect(
		districts.map((d) => ({ ...d, msoaCode: '', ladCode: '', ladName: '' })),
		{ keep: new Set(districts.map((d) => d.code)), neighbours: false }
	);
	const a = await runner.connection.createAppender('district_rows', 'main', 'temp');
	simplified.forEach((d, i) => {
		a.appendInteger(i);
		a.appendVarchar(d.code);
		a.appendVarchar(d.name);
		const pop = population.get(d.code);
		if (pop === undefined) a.appendNull();
		else a.appendInteger(pop);
		a.appendDouble(d.areaKm2);
		a.appendDouble(d.centroidLon);
		a.appendDouble(d.centroidLat);
		a.appendVarchar(JSON.stringify(d.geometry));
		a.endRow();
	});
	a.closeSync();
	return byLad;
}

const IMD_LSOA = 'LSOA code (2011)';
const IMD_LAD = 'Local Authority District code (2019)';
const IMD_POPULATION = 'Total population: mid 2015 (excluding prisoners)';
const IMD_HEADERS_HINT = 'IMD 2019 File 1 / File 6 headers';

function districtAttribution(file: string): { source: string; licence: string; text: string } {
	const name = basename(file);
	return { source: name, licence: 'as published with the boundary file', text: `District boundaries read from ${name}.` };
}

async function buildAreas(runner: NodeRunner, areas: AreaInputs, boundaries: LsoaFeature[]): Promise<number> {
	const touched = await runner.columns(
		`SELECT DISTINCT lsoa FROM (
		   SELECT lsoa_code AS lsoa FROM typed_street UNION ALL SELECT lsoa_code FROM typed_outcomes
		   UNION ALL SELECT point_lsoa FROM point_cells
		 ) WHERE lsoa IS NOT NULL`
	);
	const touchedSet = new Set(touched.lsoa as string[]);
	// Every LSOA of the force area is kept too (with its neighbours), records or not: it is scored.
	const force = await runner.columns(`SELECT area_code FROM force_area_rows WHERE area_unit = 'lsoa'`);
	const keep = new Set([...touchedSet, ...(force.area_code as string[])]);
	const selected = simplifyAndSelect(boundaries, { keep, neighbours: true }).map((a) => ({ ...a, touched: touchedSet.has(a.code) }));
	const imd = await readImd(areas, runner);
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE area_rows (lsoa_code VARCHAR, lsoa_name VARCHAR, msoa_code VARCHAR, lad_code VARCHAR, lad_name VARCHAR,
		  touched BOOLEAN, imd_rank INTEGER, imd_decile INTEGER, crime_decile INTEGER, population INTEGER,
		  centroid_lon DOUBLE, centroid_lat DOUBLE, area_km2 DOUBLE, geometry VARCHAR)`
	);
	const a = await runner.connection.createAppender('area_rows', 'main', 'temp');
	const intOrNull = (v: number | null | undefined) => (v === null || v === undefined ? a.appendNull() : a.appendInteger(v));
	for (const area of selected) {
		const ctx = imd.get(area.code);
		a.appendVarchar(area.code);
		a.appendVarchar(area.name);
		a.appendVarchar(area.msoaCode);
		a.appendVarchar(area.ladCode);
		a.appendVarchar(area.ladName);
		a.appendBoolean(area.touched);
		intOrNull(ctx?.imdRank);
		intOrNull(ctx?.imdDecile);
		intOrNull(ctx?.crimeDecile);
		intOrNull(ctx?.population);
		a.appendDouble(area.centroidLon);
		a.appendDouble(area.centroidLat);
		a.appendDouble(area.areaKm2);
		a.appendVarchar(JSON.stringify(area.geometry));
		a.endRow();
	}
	a.closeSync();
	return selected.length;
}

/**
 * Build extracts from police.uk CSVs. Every input row ends up accepted (in a dataset) or
 * rejected (in the quarantine, with file, line, column and reason); a file that cannot be read
 * at all is reported as a whole with its line count. Throws only for problems with the
 * command itself (no inputs found, unreadable boundary files).
 */
export async function buildExtracts(options: BuildOptions): Promise<BuildResult> {
	const started = performance.now();
	const log = options.log ?? (() => {});
	const paths = listInputs(options.inputs);
	if (paths.length === 0) throw new Error(`no input files (.csv, .csv.gz) found in ${options.inputs.join(', ')}`);
	const names = displayNames(paths);
	if (options.mapping && (options.columns || options.constants || options.format)) {
		throw new Error('give the mapping of every file in the mapping file, or one --columns/--constant/--format for all files, not both');
	}
	const perFile = options.mapping ? resolveFileMappings(options.mapping, paths) : undefined;
	// A mapping entry's coordinate system wins, for its files, over --crs and a .prj beside the file.
	const fileCrs = inputCrs(paths, options.crs).map((c, i) => perFile?.[i]?.crs ?? c);
	const runner = await createNodeRunner();
	try {
		await resetIngest(runner);
		if (options.offenceCodes) await loadOffenceCodes(runner, options.offenceCodes.mapping, { file: options.offenceCodes.file, shipped: false });
		await runner.exec(`CREATE OR REPLACE TEMP TABLE district_ids (district_id VARCHAR)`);
		await runner.exec(`CREATE OR REPLACE TEMP TABLE lsoa_district (lsoa_code VARCHAR, district_id VARCHAR)`);
		await runner.exec(
			`CREATE OR REPLACE TEMP TABLE district_rows (seq INTEGER, district_id VARCHAR, name VARCHAR, population INTEGER, area_km2 DOUBLE, centroid_lon DOUBLE, centroid_lat DOUBLE, geometry VARCHAR)`
		);
		const phases: BuildPhase[] = [];
		let phase = performance.now();
		/** Ends the step `name`: records its wall time and returns it for the log. */
		const lap = (name: string) => {
			const ms = performance.now() - phase;
			phase = performance.now();
			phases.push({ phase: name, ms });
			return `${(ms / 1000).toFixed(2)} s`;
		};
		const cache = options.partitions
			? { dir: join(options.out, PARTITIONS_DIR), clean: options.clean ?? false, fingerprint: cacheFingerprint(BUILDER.version, { columns: options.columns, constants: options.constants, format: options.format, perFile: perFile?.map((p) => p && { ...p, crs: undefined }), crs: fileCrs.map((c) => c.crs.definition) }) }
			: null;
		const { files, batches, reread, cached } = await stageInputs(runner, paths, names, { ...options, log, cache, perFile, crs: fileCrs });
		log(`  staged ${files.length} files in ${batches} read_csv batch${batches === 1 ? '' : 'es'} (one per header shape): ${lap('stage (read_csv, row rules)')}`);
		if (cache) log(`  months re-read: ${reread.join(', ') || 'none'}; from the cache (${PARTITIONS_DIR}): ${cached.length === 0 ? 'none' : `${cached.length} month${cached.length === 1 ? '' : 's'}`}`);
		for (const format of SOURCE_FORMATS) await validateStaged(runner, format.kind);
		const accounts = await fileAccounts(runner);
		const exports = await fileExports(runner);
		log(`  validated: ${lap('validate (cross-row rules, accounts)')}`);
		// Offence codes matched while validating (analytics/ingest/offence-codes.ts): every unknown code with its count.
		const offenceCodes = await offenceCodeReport(runner);
		for (const line of offenceCodeLines(offenceCodes)) log(`  ${line}`);

		// police.uk street records and generic month-resolution incidents share the `incidents` dataset.
		// Views, not tables: each step types only the columns it reads (the points their coordinates,
		// the force area its "Falls within"), and the rows are typed in full once, as base.duckdb is
		// written, instead of being copied into a typed table first (a pass over every row and column).
		await runner.exec(
			`CREATE OR REPLACE TEMP VIEW typed_street AS ${typedSelectSql('street')} UNION ALL BY NAME ${typedSelectSql('month-incidents')};
			 CREATE OR REPLACE TEMP VIEW typed_stop_search AS ${typedSelectSql('stop-search')};
			 CREATE OR REPLACE TEMP VIEW typed_outcomes AS ${typedSelectSql('outcomes')};
			 CREATE OR REPLACE TEMP VIEW typed_events AS ${typedSelectSql('events')}`
		);
		lap('type (typed views; rows typed where read)');

		const boundaries = options.areas ? await readLsoaBoundaries(options.areas.shapefile) : null;
		const areaSet = options.districts
			? await readAreaSet(options.districts.file, { idProperty: options.districts.idProperty, nameProperty: options.districts.nameProperty, crs: options.districts.crs })
			: null;
		const districts = areaSet ? areaSet.areas : null;
		const byLad = districts ? await prepareDistricts(runner, districts, options.districts!) : false;
		if (areaSet) {
			log(
				`  ${areaSetNoun(areaSetLabel(areaSet, options.districts!).label)}: ${areaSet.areas.length} from ${options.districts!.file} (${areaSet.format}, ${areaSet.crs}; id ${areaSet.idField}, name ${areaSet.nameField ?? areaSet.idField})${byLad ? ' (local authorities: records placed by their LSOA)' : ''}`
			);
		}

		const areasLabel = areaSet ? areaSetLabel(areaSet, options.districts!).label : null;
		const force = await prepareForceArea(runner, options, byLad, areasLabel);
		const polygons = forcePolygons(
			{ unit: force.unit, areaCodes: new Set(await forceAreaCodes(runner)), ladCodes: force.lad_codes },
			boundaries,
			districts
		);
		logForceArea(log, force, polygons, areasLabel);

		const points = await buildPointTable(runner, boundaries, districts, polygons);
		lap('force area, points (H3, LSOA)');
		log(`  located ${points} distinct points (H3 r${H3_RESOLUTIONS.join('/')}${boundaries ? ', LSOA' : ''}${districts ? ', district' : ''}${polygons.polygons.length > 0 ? ', force area' : ''})`);

		mkdirSync(options.out, { recursive: true });
		await openSummaryTables(runner);
		const datasets: ExtractManifest['datasets'] = [];
		// Each typed table joined to its points' cells (and, for stop and search, the LSOA); unsorted:
		// writeBaseDatabase sorts the rows it writes, and the counts and pre-aggregates need no order.
		const withCells = (table: string, extra: string, joins = '') =>
			`(SELECT t.*, ${extra}p.h3_r7, p.h3_r8, p.h3_r9 FROM ${table} t LEFT JOIN point_cells p USING (longitude, latitude)${joins})`;
		// district_id: the LSOA's local authority when the districts are local authorities, else
		// the area code when it names a district (events), else the district containing the point.
		const incidentDistrictSql = `coalesce(ld.district_id, p.point_district)`;
		const eventDistrictSql = `coalesce(ld.district_id, di.district_id, p.point_district)`;
		const lsoaJoin = (column: string) => ` LEFT JOIN lsoa_district ld ON ld.lsoa_code = t.${column}`;
		// in_force_area (analytics/ingest/force-area.ts): by the record's LSOA, else its point in the force's polygons.
		const flag = (located: string, lsoa: string, district: string) =>
			`${inForceAreaSql(force.unit, { located, lsoa, district, pointInForce: 'p.point_in_force' })} AS in_force_area, `;
		const eventLsoa = `CASE WHEN regexp_full_match(t.area_code, '[EW]01[0-9]{6}') THEN t.area_code ELSE p.point_lsoa END`;
		// The record datasets' rows; the explore pre-aggregates below are made from the same rows.
		const records = {
			incidents: withCells(
				'typed_street',
				`${incidentDistrictSql} AS district_id, ${flag('t.longitude IS NOT NULL OR t.lsoa_code IS NOT NULL', 'coalesce(t.lsoa_code, p.point_lsoa)', incidentDistrictSql)}`,
				lsoaJoin('lsoa_code')
			),
			stop_search: withCells('typed_stop_search', `p.point_lsoa AS lsoa_code, ${flag('t.longitude IS NOT NULL', 'p.point_lsoa', 'p.point_district')}`),
			events: withCells(
				'typed_events',
				`${eventDistrictSql} AS district_id, ${flag('t.longitude IS NOT NULL OR t.area_code IS NOT NULL', eventLsoa, eventDistrictSql)}`,
				`${lsoaJoin('area_code')} LEFT JOIN district_ids di ON di.district_id = t.area_code`
			)
		};
		// The base rows go into one read-only DuckDB file read on demand (base-database.ts), sorted by month.
		const base = await writeBaseDatabase(runner, options.out, [
			{ name: 'incidents', from: records.incidents, order: ['source_file', 'source_line'] },
			{ name: 'stop_search', from: records.stop_search, order: ['occurred_at', 'source_file', 'source_line'] },
			{ name: 'events', from: records.events, order: ['occurred_at', 'source_file', 'source_line'] },
			{ name: 'quarantine', from: QUARANTINE_ROWS, order: null },
			// The Map and Time views' points pre-aggregate (analytics/explore/aggregates.ts): millions of rows nationally, so read on demand too.
			// Stored here only when large (EXPLORE_POINTS_ON_DEMAND_ROWS); else written as an Arrow file below.
			{
				name: 'explore_points',
				from: (written) => `(${aggregateSelectSql('explore_points', written)})`,
				order: ['dataset', 'category', 'h3_r9', 'lsoa_code', 'district_id', 'in_force_area'],
				minRows: options.pointsOnDemandRows ?? EXPLORE_POINTS_ON_DEMAND_ROWS
			}
		]);
		lap('base.duckdb (base rows sorted, checkpoint, sha256)');
		// The placement counts and the other pre-aggregates read the rows just written (joined,
		// flagged and typed once) rather than joining the typed tables again.
		await runner.exec(`ATTACH ${literal(join(options.out, BASE_DATABASE_FILE))} AS built_base (READ_ONLY)`);
		const written = { incidents: 'built_base.incidents', stop_search: 'built_base.stop_search', events: 'built_base.events' };
		const baseEntry = (name: BaseDatasetName | 'explore_points') => base.datasets.find((d) => d.name === name)!;
		// Each file's first and last month, in one pass (not one per file) over the rows written,
		// whose months are already typed, and the outcomes.
		const ranges = new Map(
			(
				await runner.rows<{ source_file: string; first: string | null; last: string | null }>(
					`SELECT source_file, min(month) AS first, max(month) AS last FROM (
					   SELECT month, source_file FROM ${written.incidents} UNION ALL SELECT month, source_file FROM ${written.stop_search}
					   UNION ALL SELECT month, source_file FROM typed_outcomes UNION ALL SELECT month, source_file FROM ${written.events}
					 ) GROUP BY source_file`
				)
			).map((r) => [r.source_file, r])
		);
		datasets.push(baseEntry('incidents'), baseEntry('stop_search'));
		datasets.push(await writeDataset(runner, options.out, 'outcomes', `(SELECT * FROM typed_outcomes ORDER BY month, source_file, source_line)`));
		datasets.push(baseEntry('events'));
		const attribution = options.attribution ? [...options.attribution] : [{ dataset: 'incidents, stop_search, outcomes', ...ATTRIBUTION.police }];
		if (options.areas && boundaries) {
			const n = await buildAreas(runner, options.areas, boundaries);
			log(`  areas: ${n} LSOAs (touched by the data, plus neighbours)`);
			datasets.push(await writeDataset(runner, options.out, 'areas', `(SELECT * FROM area_rows ORDER BY lsoa_code)`));
			attribution.push({ dataset: 'areas (boundaries)', ...ATTRIBUTION.boundaries }, { dataset: 'areas (IMD, population)', ...ATTRIBUTION.imd });
		} else {
			await runner.exec(`CREATE OR REPLACE TEMP TABLE area_rows AS SELECT * FROM (SELECT NULL::VARCHAR lsoa_code) WHERE false`);
			datasets.push(await writeEmptyAreas(runner, options.out));
		}
		datasets.push(await writeDataset(runner, options.out, 'force_area', `(SELECT * FROM force_area_rows ORDER BY area_code)`));
		const cells = await writeForceCells(runner, polygons);
		if (polygons.polygons.length > 0) log(`  force cells: ${H3_RESOLUTIONS.map((r) => `r${r} ${cells.get(r) ?? 0}`).join(', ')} (centre inside the force area)`);
		datasets.push(await writeDataset(runner, options.out, 'force_cells', `(SELECT * FROM force_cell_rows ORDER BY resolution, h3)`));
		const population = await preparePopulation(runner, options, force);
		if (population) log(`  population (Census 2021 TS021): ${population}`);
		datasets.push(await writeDataset(runner, options.out, 'population_ethnicity', `(SELECT * FROM population_rows)`));
		if (datasets[datasets.length - 1].rows > 0) attribution.push({ dataset: 'population_ethnicity', ...ATTRIBUTION.census });
		const forceReport = await forceAreaReport(runner, force, written);
		for (const line of placementLines(forceReport)) log(`  force area, ${line}`);
		if (districts) {
			datasets.push(await writeDataset(runner, options.out, 'districts', `(SELECT * FROM district_rows ORDER BY seq)`));
			attribution.push({ dataset: 'districts', ...(options.districts!.attribution ?? districtAttribution(options.districts!.file)) });
		} else {
			datasets.push(await writeDataset(runner, options.out, 'districts', `(SELECT * FROM district_rows WHERE false)`));
		}
		const crsOf = (name: string) => fileCrs[files.findIndex((f) => f.name === name)]?.crs;
		const districtsInfo = areaSet ? await districtsReport(runner, areaSet, options.districts!, byLad, written, options.out, crsOf) : undefined;
		if (districtsInfo) for (const line of districtsLines(districtsInfo)) log(`  ${line}`);
		datasets.push(baseEntry('quarantine'));
		lap('other datasets, force area report');
		// Pre-aggregates of the Map and Time views (analytics/explore/aggregates.ts).
		const smallPoints = base.leftOut.explore_points;
		datasets.push(smallPoints ? await writeDataset(runner, options.out, 'explore_points', smallPoints) : baseEntry('explore_points'));
		if (smallPoints) await runner.exec(`DROP TABLE ${smallPoints}`);
		datasets.push(...(await writeExploreAggregates((name, from) => writeDataset(runner, options.out, name, from), written, ['explore_hours', 'thr_area_months'])));
		lap('explore pre-aggregates');
		const quarantineRows = await runner.rows(
			`SELECT q.source_file, q.source_kind, q.source_line, q.column_name, q.reason, q.raw FROM ingest_quarantine q JOIN ingest_files f USING (source_file) ORDER BY f.file_seq, q.source_line NULLS FIRST`
		);
		writeFileSync(join(options.out, 'quarantine.csv'), toCsv(quarantineRows, ['source_file', 'source_kind', 'source_line', 'column_name', 'reason', 'raw']));
		// What the Overview and the Map page draw while the browser's database starts (summary-file.ts).
		lap('quarantine.csv');
		const summary = await writeSummaryFile(runner, { out: options.out, datasets, base: 'built_base' });
		await runner.exec(`DETACH built_base`);
		lap('summary.json');

		const sources: SourceReport[] = [];
		for (const file of files) {
			const account = accounts.find((a) => a.file === file.name);
			if (!account) throw new Error(`${file.name}: no account of its rows (internal error)`);
			const range = [ranges.get(file.name) ?? { first: null, last: null }];
			sources.push({
				file: file.name,
				path_hint: file.path,
				kind: account.kind,
				sha256: file.sha256,
				bytes: file.bytes,
				rows_in: account.rows_in,
				accepted: account.accepted,
				rejected: account.rejected,
				reasons: account.reasons,
				file_error: account.file_error,
				date_range: range[0].first ? { first: range[0].first, last: range[0].last! } : null,
				crs: crsReport(fileCrs[files.indexOf(file)]),
				...(exports.has(file.name) ? { export: exports.get(file.name) } : {})
			});
		}
		const totals = sources.reduce(
			(t, s) => ({ rows_in: t.rows_in + s.rows_in, accepted: t.accepted + s.accepted, rejected: t.rejected + s.rejected }),
			{ rows_in: 0, accepted: 0, rejected: 0 }
		);
		const manifest: ExtractManifest = {
			manifest_version: 1,
			builder: BUILDER,
			built_at: new Date().toISOString(),
			input_fingerprint: options.fingerprint ?? '',
			datasets,
			sources,
			attribution,
			totals,
			force_area: forceReport,
			...(districtsInfo ? { districts_info: districtsInfo } : {}),
			base_database: base.report,
			summary,
			...(offenceCodes ? { offence_codes: offenceCodes } : {})
		};
		writeFileSync(join(options.out, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');
		lap('sources, manifest.json');
		log(`  steps: ${phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(2)} s`).join('; ')}`);
		return { manifest, elapsedMs: performance.now() - started, phases };
	} finally {
		runner.close();
	}
}

/** The area set's label and where it came from: given, guessed from the file's id field, else "Districts". */
function areaSetLabel(set: BoundarySet, inputs: DistrictInputs): Pick<DistrictsInfo, 'label' | 'label_from'> {
	const given = inputs.label?.trim();
	if (given) return { label: given, label_from: 'given' };
	if (set.suggestedLabel) return { label: set.suggestedLabel, label_from: 'file' };
	return { label: 'Districts', label_from: 'default' };
}

/** Every record in no area, beside the manifest. */
export { OUTSIDE_AREAS_FILE };

/**
 * The manifest's account of the area set (analytics/boundaries/placement.ts areaSetAccount, as
 * the browser import gives it); writes every record in no area to OUTSIDE_AREAS_FILE.
 */
async function districtsReport(
	runner: NodeRunner,
	set: BoundarySet,
	inputs: DistrictInputs,
	byLad: boolean,
	written: Record<'incidents' | 'events', string>,
	out: string,
	crsOf: (file: string) => ResolvedCrs | undefined
): Promise<DistrictsInfo> {
	const about = { ...areaSetLabel(set, inputs), file: areaSetFileName(set.file), placed_by: byLad ? ('lsoa-then-point' as const) : ('point' as const) };
	const { info, all } = await areaSetAccount(runner, set, about, written, crsOf);
	writeFileSync(join(out, OUTSIDE_AREAS_FILE), toCsv(all.map((r) => ({ ...r })), [...OUTSIDE_AREAS_COLUMNS]));
	return info;
}

/** The build log's lines about the area set: per dataset, inside + outside + no location = records. */
export function districtsLines(info: DistrictsInfo): string[] {
	const lines: string[] = [];
	for (const [dataset, c] of Object.entries(info.records)) {
		if (!c || c.records === 0) continue;
		lines.push(`${areaSetNoun(info.label)}, ${dataset}: ${c.inside} in an area + ${c.outside} outside every area + ${c.no_location} with no location = ${c.records} records`);
	}
	const outside = info.outside.first.filter((r) => r.reason === OUTSIDE_REASON);
	for (const r of outside.slice(0, 5)) lines.push(`  outside every area: ${r.dataset} ${r.source_file} line ${r.source_line} (${r.longitude}, ${r.latitude})`);
	const total = info.outside.reasons.reduce((n, r) => n + r.count, 0);
	if (total > 0) lines.push(`  every record in no area: ${info.outside.listed_in}`);
	for (const f of info.swapped_axes ?? []) lines.push(`  coordinate columns look exchanged: ${swappedAxesMessage(f)}`);
	return lines;
}

/**
 * Decide the force area (analytics/ingest/force-area.ts) from what the options name, else the
 * records' "Falls within": builds the lookup when one is needed and fills `force_area_rows`.
 */
async function prepareForceArea(runner: NodeRunner, options: BuildOptions, districtsAreLads: boolean, areasLabel: string | null): Promise<Omit<ForceAreaReport, 'records'>> {
	const given: ForceAreaRequest = options.forceArea ?? { kind: 'auto' };
	// Unnamed, the area set as the force area is named by its label, as the browser import names it.
	const request: ForceAreaRequest =
		given.kind === 'districts' && !given.name?.trim() && areasLabel ? { ...given, name: `the ${areaSetNoun(areasLabel)} of the boundary file` } : given;
	const files = options.forceLookups ?? DEFAULT_FORCE_LOOKUPS;
	if (request.kind === 'districts' && !options.districts) throw new Error(`the force area is the districts, but no districts were given (--districts <file>)`);
	const needsLookup =
		request.kind === 'force' || request.kind === 'lads' || (request.kind === 'districts' && districtsAreLads) ||
		(request.kind === 'auto' && (await runner.rows(`SELECT 1 FROM typed_street WHERE falls_within IS NOT NULL UNION ALL SELECT 1 FROM typed_outcomes WHERE falls_within IS NOT NULL LIMIT 1`)).length > 0);
	let ladChanges: ReturnType<typeof readLadChanges> = [];
	if (needsLookup) {
		checkLookupFiles(files);
		ladChanges = readLadChanges(files.ladChangesFile);
		await createForceLookup(runner, files, ladChanges);
	} else {
		await runner.exec(`CREATE OR REPLACE TEMP TABLE force_lookup (lsoa_code VARCHAR, lad_code VARCHAR, lad_name VARCHAR, pfa_name VARCHAR)`);
	}
	const decided = await decideForceArea(runner, request, {
		ladChanges,
		hint: FORCE_AREA_HINT,
		lookupSource: FORCE_LOOKUP_SOURCE,
		boundarySource: options.districts ? basename(options.districts.file) : undefined,
		districtsAreLads
	});
	return decided.report;
}

/** The Census files the sample ships (sample-data/context/census2021). */
export const DEFAULT_CENSUS: CensusFiles = {
	ts021File: `sample-data/context/census2021/${CENSUS_FILES.ts021}`,
	lookupFile: `sample-data/context/census2021/${CENSUS_FILES.lookup}`
};

/**
 * Fill `population_rows` (the `population_ethnicity` dataset) with Census 2021 residents by
 * ethnic group for the force area's local authorities (their 2019 codes turned into 2023 codes by
 * models/geography/lad-changes.json); empty when the force area is not a set of local authorities
 * or no Census files are given. Returns a line for the log, or null when empty.
 */
async function preparePopulation(runner: NodeRunner, options: BuildOptions, force: Omit<ForceAreaReport, 'records'>): Promise<string | null> {
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE population_rows (lsoa21_code VARCHAR, lsoa21_name VARCHAR, lad_code VARCHAR, lad_name VARCHAR, ethnic_group VARCHAR, residents INTEGER)`
	);
	const defaults = options.areas && existsSync(DEFAULT_CENSUS.ts021File) && existsSync(DEFAULT_CENSUS.lookupFile) ? DEFAULT_CENSUS : null;
	const files = options.census === undefined ? defaults : options.census;
	if (!files || force.unit !== 'lsoa' || force.lad_codes.length === 0) return null;
	for (const f of [files.ts021File, files.lookupFile]) if (!existsSync(f)) throw new Error(`Census file not found: ${f}`);
	const changes = readLadChanges((options.forceLookups ?? DEFAULT_FORCE_LOOKUPS).ladChangesFile);
	const lads = toLad23(force.lad_codes, changes);
	const got = await loadCensusPopulation(runner, files, { table: 'population_rows', ladCodes: lads });
	const missing = got.missingLads.length > 0 ? `; not in the LSOA21 → LAD23 lookup: ${got.missingLads.join(', ')}` : '';
	return `${got.residents} residents in ${got.lsoas} LSOAs 2021 of ${lads.length} local authorit${lads.length === 1 ? 'y' : 'ies'} (${lads.join(', ')})${missing}`;
}

/**
 * Fill `force_cell_rows (h3, resolution)` with the H3 cells whose centre lies in the force area's
 * polygons, at each resolution of the extract; empty without polygons or when they do not cover
 * the whole force area (a partial region would misstate it). Returns the count per resolution.
 */
async function writeForceCells(runner: NodeRunner, polygons: ForcePolygons): Promise<Map<number, number>> {
	await runner.exec(`CREATE OR REPLACE TEMP TABLE force_cell_rows (h3 VARCHAR, resolution INTEGER)`);
	const counts = new Map<number, number>();
	if (!polygons.complete) return counts;
	const cells = forceCells(polygons.polygons.map((p) => p.geometry), H3_RESOLUTIONS);
	const a = await runner.connection.createAppender('force_cell_rows', 'main', 'temp');
	for (const [res, list] of cells) {
		counts.set(res, list.length);
		for (const h3 of list) {
			a.appendVarchar(h3);
			a.appendInteger(res);
			a.endRow();
		}
	}
	a.closeSync();
	return counts;
}

async function forceAreaCodes(runner: NodeRunner): Promise<string[]> {
	const rows = await runner.columns(`SELECT area_code FROM force_area_rows`);
	return rows.area_code as string[];
}

function logForceArea(log: (line: string) => void, force: Omit<ForceAreaReport, 'records'>, polygons: ForcePolygons, areasLabel: string | null): void {
	if (force.method === 'none') {
		log('  force area: none named and no record says which force it falls within; analyses will use the areas with records (name one with --force-lads, --force or --force-area districts)');
		return;
	}
	const how =
		force.method === 'falls-within'
			? `the force the records fall within ("${force.falls_within![0].name}", ${force.falls_within![0].records} records)`
			: force.method === 'named-authorities'
				? 'the local authorities named'
				: `the ${areasLabel ? areaSetNoun(areasLabel) : 'districts'} given`;
	const unit = force.unit === 'lsoa' ? `${force.areas} LSOAs in ${force.lad_codes.length} local authorit${force.lad_codes.length === 1 ? 'y' : 'ies'}` : `${force.areas} ${areasLabel ? areaSetNoun(areasLabel) : 'districts'}`;
	log(`  force area: ${force.name}, ${how}: ${unit}; polygons from ${polygons.from}${polygons.from !== 'none' && !polygons.complete ? ' (incomplete)' : ''}`);
	for (const other of force.falls_within?.slice(1) ?? []) log(`  force area: ${other.records} records fall within another force, "${other.name}" (not the force area)`);
}

async function writeEmptyAreas(runner: NodeRunner, out: string) {
	const spec = EXTRACT_DATASETS.find((d) => d.name === 'areas')!;
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE area_rows AS SELECT * FROM (SELECT ${spec.columns.map((c) => `NULL::${c.type} AS "${c.name}"`).join(', ')}) WHERE false`
	);
	return writeDataset(runner, out, 'areas', 'area_rows');
}

export function extractsExist(dir: string): boolean {
	return existsSync(join(dir, 'manifest.json'));
}
