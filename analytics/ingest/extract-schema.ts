/**
 * The contract between the extract builder (scripts/) and every reader (browser, tests):
 * which datasets an extract folder holds, and each column's type and meaning. The builder
 * writes exactly these columns; the browser registers each dataset as a DuckDB view of the
 * same name. Types are DuckDB type names.
 */
import { ident } from './sql';
import type { SourceCrsReport } from './crs';
export interface ExtractColumn {
	name: string;
	type: 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP';
	description: string;
}

export interface ExtractDataset {
	/** View name in DuckDB and file stem of the Arrow IPC stream (`<name>.arrow`). */
	name:
		| 'incidents'
		| 'stop_search'
		| 'outcomes'
		| 'events'
		| 'areas'
		| 'districts'
		| 'force_area'
		| 'force_cells'
		| 'quarantine'
		| 'explore_points'
		| 'explore_hours'
		| 'thr_area_months'
		| 'population_ethnicity';
	description: string;
	columns: ExtractColumn[];
}

const provenance: ExtractColumn[] = [
	{ name: 'source_file', type: 'VARCHAR', description: 'Input file name the row came from' },
	{ name: 'source_line', type: 'INTEGER', description: 'Record number in that file, the header being line 1' }
];

const h3: ExtractColumn[] = [
	{ name: 'h3_r7', type: 'VARCHAR', description: 'H3 cell index (resolution 7, ≈5 km²) of the point; null without a location' },
	{ name: 'h3_r8', type: 'VARCHAR', description: 'H3 cell index (resolution 8, ≈0.7 km²); null without a location' },
	{ name: 'h3_r9', type: 'VARCHAR', description: 'H3 cell index (resolution 9, ≈0.1 km²); null without a location' }
];

const district: ExtractColumn[] = [
	{
		name: 'district_id',
		type: 'VARCHAR',
		description: 'District (see the districts dataset) the record falls in, computed at build time; null without districts or outside them'
	}
];

const inForceArea: ExtractColumn[] = [
	{
		name: 'in_force_area',
		type: 'BOOLEAN',
		description:
			'True if the record is located inside the force area (see the force_area dataset), false if located outside it (counted and listed, never scored); null without a location or when the extract declares no force area'
	}
];

/** A record's offence code and its Home Office offence subgroup (analytics/ingest/offence-codes.ts). */
const offence: ExtractColumn[] = [
	{ name: 'offence_code', type: 'VARCHAR', description: 'Offence code as written in the source (e.g. a Home Office code such as 28E); null if none' },
	{
		name: 'offence_subgroup',
		type: 'VARCHAR',
		description:
			'Home Office offence subgroup from the offence-code mapping (exactly a prc_subgroup of the CCHI harm weights, e.g. "Residential burglary"); null without a code or when the mapping does not know the code (see the manifest\'s offence_codes)'
	}
];

const month: ExtractColumn[] = [
	{ name: 'month', type: 'VARCHAR', description: 'Calendar month, YYYY-MM' },
	{ name: 'month_index', type: 'INTEGER', description: 'year × 12 + (month − 1): consecutive months differ by 1' }
];

/** Who recorded a police.uk record and where it is (street and outcomes files alike). */
const policeUkPlace: ExtractColumn[] = [
	{ name: 'reported_by', type: 'VARCHAR', description: 'Force that provided the record' },
	{ name: 'falls_within', type: 'VARCHAR', description: 'Force area the record falls within' },
	{ name: 'longitude', type: 'DOUBLE', description: 'WGS84 longitude of the anonymised snap point; null if no location' },
	{ name: 'latitude', type: 'DOUBLE', description: 'WGS84 latitude of the anonymised snap point; null if no location' },
	{ name: 'location', type: 'VARCHAR', description: 'Snap point description, e.g. "On or near Fleet Street"' },
	{ name: 'lsoa_code', type: 'VARCHAR', description: 'LSOA 2011 code; null if no location' },
	{ name: 'lsoa_name', type: 'VARCHAR', description: 'LSOA 2011 name; null if no location' }
];

export const EXTRACT_DATASETS: readonly ExtractDataset[] = [
	{
		name: 'incidents',
		description: 'Street-level crime and anti-social behaviour (police.uk street CSVs), month resolution',
		columns: [
			...provenance,
			{ name: 'crime_id', type: 'VARCHAR', description: 'police.uk Crime ID; null for anti-social behaviour' },
			...month,
			...policeUkPlace,
			{ name: 'category', type: 'VARCHAR', description: 'police.uk crime type (one of the 14 categories)' },
			{ name: 'last_outcome', type: 'VARCHAR', description: 'Last outcome category; null if none' },
			{ name: 'context', type: 'VARCHAR', description: 'Free-text context; null if none' },
			...offence,
			...h3,
			...district,
			...inForceArea
		]
	},
	{
		name: 'stop_search',
		description: 'Stop and search records (police.uk stop-and-search CSVs), timestamped',
		columns: [
			...provenance,
			{ name: 'search_type', type: 'VARCHAR', description: 'Person search, Vehicle search, or Person and Vehicle search' },
			{ name: 'occurred_at', type: 'TIMESTAMP', description: 'When the search happened, in UTC' },
			...month,
			{ name: 'local_date', type: 'VARCHAR', description: 'Date in UK local time (Europe/London), YYYY-MM-DD' },
			{ name: 'hour_of_week', type: 'INTEGER', description: 'Hour of week in UK local time, 0 = Monday 00:00–00:59, 167 = Sunday 23:00' },
			{ name: 'part_of_operation', type: 'BOOLEAN', description: 'Whether the search was part of a policing operation; null if not recorded' },
			{ name: 'operation', type: 'VARCHAR', description: 'Name of the policing operation, if any' },
			{ name: 'longitude', type: 'DOUBLE', description: 'WGS84 longitude; null if not recorded' },
			{ name: 'latitude', type: 'DOUBLE', description: 'WGS84 latitude; null if not recorded' },
			{ name: 'lsoa_code', type: 'VARCHAR', description: 'LSOA 2011 containing the point (computed at build time); null without a location or outside the boundaries supplied' },
			{ name: 'gender', type: 'VARCHAR', description: 'Gender as recorded' },
			{ name: 'age_range', type: 'VARCHAR', description: 'Age range as recorded' },
			{ name: 'self_defined_ethnicity', type: 'VARCHAR', description: 'Self-defined ethnicity (16+1 census categories)' },
			{ name: 'officer_defined_ethnicity', type: 'VARCHAR', description: 'Officer-defined ethnicity (5 groups)' },
			{ name: 'legislation', type: 'VARCHAR', description: 'Power used' },
			{ name: 'object_of_search', type: 'VARCHAR', description: 'What was searched for' },
			{ name: 'outcome', type: 'VARCHAR', description: 'Outcome of the search' },
			{ name: 'outcome_linked', type: 'BOOLEAN', description: 'Outcome linked to object of search; null if not recorded' },
			{ name: 'removal_of_clothing', type: 'BOOLEAN', description: 'Removal of more than just outer clothing; null if not recorded' },
			...h3,
			...inForceArea
		]
	},
	{
		name: 'outcomes',
		description: 'Outcome records (police.uk outcomes CSVs), month resolution, linked to incidents by crime_id',
		columns: [
			...provenance,
			{ name: 'crime_id', type: 'VARCHAR', description: 'police.uk Crime ID the outcome belongs to' },
			...month,
			...policeUkPlace,
			{ name: 'outcome_type', type: 'VARCHAR', description: 'Outcome category' }
		]
	},
	{
		name: 'events',
		description: 'Timestamped incidents or calls for service in the generic schema (any source), local wall-clock time',
		columns: [
			...provenance,
			{ name: 'incident_id', type: 'VARCHAR', description: 'Identifier from the source; null if none' },
			{ name: 'occurred_at', type: 'TIMESTAMP', description: 'Local wall-clock date-time as written in the source (an offset, if any, is dropped)' },
			...month,
			{ name: 'local_date', type: 'VARCHAR', description: 'Local date, YYYY-MM-DD' },
			{ name: 'hour_of_week', type: 'INTEGER', description: 'Hour of week in local time, 0 = Monday 00:00–00:59, 167 = Sunday 23:00' },
			{ name: 'category', type: 'VARCHAR', description: 'Category or call type; null if the source has none' },
			{ name: 'longitude', type: 'DOUBLE', description: 'WGS84 longitude; null if not recorded' },
			{ name: 'latitude', type: 'DOUBLE', description: 'WGS84 latitude; null if not recorded' },
			{ name: 'area_code', type: 'VARCHAR', description: 'Area code from the source (LSOA, beat, district …); null if none' },
			{ name: 'priority', type: 'VARCHAR', description: 'Priority or response grade; null if none' },
			{ name: 'time_on_task_min', type: 'DOUBLE', description: 'Minutes of officer time on the incident; null if not recorded' },
			...offence,
			...h3,
			...district,
			...inForceArea
		]
	},
	{
		name: 'areas',
		description: 'LSOA 2011 areas the data touches plus their neighbours, WGS84, simplified for the web, with IMD 2019 and population',
		columns: [
			{ name: 'lsoa_code', type: 'VARCHAR', description: 'LSOA 2011 code' },
			{ name: 'lsoa_name', type: 'VARCHAR', description: 'LSOA 2011 name' },
			{ name: 'msoa_code', type: 'VARCHAR', description: 'MSOA 2011 code' },
			{ name: 'lad_code', type: 'VARCHAR', description: 'Local authority district code' },
			{ name: 'lad_name', type: 'VARCHAR', description: 'Local authority district name' },
			{ name: 'touched', type: 'BOOLEAN', description: 'True if any record falls in the area; false for a neighbour kept for context' },
			{ name: 'imd_rank', type: 'INTEGER', description: 'IMD 2019 rank (1 = most deprived of 32,844); null if not in England' },
			{ name: 'imd_decile', type: 'INTEGER', description: 'IMD 2019 decile (1 = most deprived 10%); null if unknown' },
			{ name: 'crime_decile', type: 'INTEGER', description: 'IMD 2019 Crime domain decile; null if unknown' },
			{ name: 'population', type: 'INTEGER', description: 'Total population, mid-2015 (IoD 2019 denominators); null if unknown' },
			{ name: 'centroid_lon', type: 'DOUBLE', description: 'Longitude of the polygon centroid' },
			{ name: 'centroid_lat', type: 'DOUBLE', description: 'Latitude of the polygon centroid' },
			{ name: 'area_km2', type: 'DOUBLE', description: 'Area in square kilometres (spherical, from the simplified polygon)' },
			{ name: 'geometry', type: 'VARCHAR', description: 'GeoJSON geometry (Polygon or MultiPolygon), WGS84, simplified' }
		]
	},
	{
		name: 'districts',
		description: 'Larger areas the records are counted in (local authority districts, police districts …), WGS84, from the boundary file given to the builder; empty when none was given',
		columns: [
			{ name: 'district_id', type: 'VARCHAR', description: 'District identifier from the boundary file (e.g. a local authority code, a police district number)' },
			{ name: 'name', type: 'VARCHAR', description: 'District name' },
			{ name: 'population', type: 'INTEGER', description: 'Total population, mid-2015 (IoD 2019 denominators summed over its LSOAs) when districts are local authorities; null otherwise' },
			{ name: 'area_km2', type: 'DOUBLE', description: 'Area in square kilometres (spherical, from the simplified polygon)' },
			{ name: 'centroid_lon', type: 'DOUBLE', description: 'Longitude of the polygon centroid' },
			{ name: 'centroid_lat', type: 'DOUBLE', description: 'Latitude of the polygon centroid' },
			{ name: 'geometry', type: 'VARCHAR', description: 'GeoJSON geometry (Polygon or MultiPolygon), WGS84, simplified' }
		]
	},
	{
		name: 'force_area',
		description:
			'The areas the force polices, the study region of every analysis: one row per area (LSOA 2011, or district when the area was named by a boundary file); empty when the extract declares no force area',
		columns: [
			{ name: 'area_code', type: 'VARCHAR', description: 'LSOA 2011 code, or district id when area_unit is district' },
			{ name: 'area_unit', type: 'VARCHAR', description: "'lsoa' or 'district'; the same on every row" },
			{ name: 'lad_code', type: 'VARCHAR', description: 'Local authority district the area lies in; null when not known' },
			{ name: 'lad_name', type: 'VARCHAR', description: 'Local authority district name; null when not known' },
			{ name: 'force_name', type: 'VARCHAR', description: 'Police force area (or the name given for a named area), e.g. "City of London"; the same on every row' }
		]
	},
	{
		name: 'force_cells',
		description:
			'H3 cells (resolutions 7, 8 and 9) whose centre lies inside the force area (its LSOA polygons, else its district polygons), the study region of H3 analyses; empty when polygons for the whole force area are not known. A record inside the force area may lie in a border cell whose centre is outside it',
		columns: [
			{ name: 'h3', type: 'VARCHAR', description: 'H3 cell index' },
			{ name: 'resolution', type: 'INTEGER', description: 'H3 resolution: 7, 8 or 9' }
		]
	},
	{
		name: 'quarantine',
		description: 'Every rejected input row: file, line, column and reason, with the raw text',
		columns: [
			{ name: 'source_file', type: 'VARCHAR', description: 'Input file name' },
			{ name: 'source_kind', type: 'VARCHAR', description: 'Detected kind of the file (street, stop-search, outcomes, events, month-incidents) or "unknown"' },
			{ name: 'source_line', type: 'INTEGER', description: 'Record number, the header being line 1; null for a whole-file rejection' },
			{ name: 'column_name', type: 'VARCHAR', description: 'Column at fault, as named in the file; null if the whole row or file' },
			{ name: 'reason', type: 'VARCHAR', description: 'What was wrong and what was expected' },
			{ name: 'raw', type: 'VARCHAR', description: 'The offending value or line, as read (truncated to 500 characters)' }
		]
	},
	{
		name: 'population_ethnicity',
		description:
			"Census 2021 usual residents by ethnic group (ONS TS021, five groups) for every LSOA 2021 of the force area's local authorities: the denominators of stop-and-search rates (analytics/stop-search). LSOA 2021 codes, not the 2011 codes of the other datasets; empty when the extract declares no force area of local authorities or no Census files were given",
		columns: [
			{ name: 'lsoa21_code', type: 'VARCHAR', description: 'LSOA 2021 code (E01…/W01…); equal to the LSOA 2011 code when the LSOA did not change in 2021' },
			{ name: 'lsoa21_name', type: 'VARCHAR', description: 'LSOA 2021 name, e.g. "City of London 001A"' },
			{ name: 'lad_code', type: 'VARCHAR', description: 'Local authority district (2023 code, ONS LSOA21 → LAD23 lookup)' },
			{ name: 'lad_name', type: 'VARCHAR', description: 'Local authority district name (2023)' },
			{ name: 'ethnic_group', type: 'VARCHAR', description: 'Asian, Black, Mixed, White or Other (TS021 broad groups)' },
			{ name: 'residents', type: 'INTEGER', description: 'All usual residents of the group in the LSOA, Census 2021 (ONS perturbs small counts)' }
		]
	},
	// Pre-aggregates of the Map and Time views (SQL and sizing in analytics/explore/aggregates.ts).
	{
		name: 'explore_points',
		description: 'Pre-aggregate for Map and Time: records per dataset, month, category, H3 cell (resolution 9, with its parents), LSOA and district',
		columns: [
			{ name: 'dataset', type: 'VARCHAR', description: 'Dataset the records belong to: incidents, stop_search or events' },
			...month,
			{ name: 'category', type: 'VARCHAR', description: 'Category (crime type; object of search for stop and search); null if none' },
			...h3,
			{ name: 'lsoa_code', type: 'VARCHAR', description: 'LSOA 2011 of the records; null if unknown' },
			{ name: 'district_id', type: 'VARCHAR', description: 'District of the records; null if unknown' },
			{
				name: 'in_force_area',
				type: 'BOOLEAN',
				description: "The records' in_force_area flag: true inside the force area, false located outside it, null without a location or force area"
			},
			{
				name: 'offence_subgroup',
				type: 'VARCHAR',
				description: "The records' Home Office offence subgroup (incidents and events), so harm weighs it as the Overview does; null for police.uk data and stop and search"
			},
			{ name: 'n', type: 'INTEGER', description: 'Records' }
		]
	},
	{
		name: 'explore_hours',
		description: 'Pre-aggregate for the hour-of-week view: records per timestamped dataset, month, category, hour of week, H3 r7 cell and district',
		columns: [
			{ name: 'dataset', type: 'VARCHAR', description: 'Dataset the records belong to: stop_search or events (timestamped only)' },
			...month,
			{ name: 'category', type: 'VARCHAR', description: 'Category (object of search for stop and search); null if none' },
			{ name: 'hour_of_week', type: 'INTEGER', description: 'Hour of week in local time, 0 = Monday 00:00–00:59, 167 = Sunday 23:00' },
			{ name: 'h3_r7', type: 'VARCHAR', description: 'H3 cell (resolution 7) of the records; null without a location' },
			{ name: 'district_id', type: 'VARCHAR', description: 'District of the records; null if unknown' },
			{ name: 'n', type: 'INTEGER', description: 'Records' }
		]
	},
	{
		name: 'thr_area_months',
		description: 'Pre-aggregate for THR scoring (analytics/thr/area-months.ts): street-crime records per LSOA, month, category and in_force_area flag, every record counted once',
		columns: [
			{ name: 'lsoa_code', type: 'VARCHAR', description: 'LSOA 2011 of the records; null without a location' },
			{ name: 'month_index', type: 'INTEGER', description: 'year × 12 + (month − 1): consecutive months differ by 1' },
			{ name: 'category', type: 'VARCHAR', description: 'police.uk crime type; null if none' },
			{
				name: 'in_force_area',
				type: 'BOOLEAN',
				description: "The records' in_force_area flag: true inside the force area, false located outside it, null without a location or force area"
			},
			{ name: 'n', type: 'INTEGER', description: 'Records' },
			{ name: 'area_index', type: 'INTEGER', description: 'The LSOA as a number: 0, 1, … over the distinct codes in binary order; null without a location' },
			{ name: 'category_index', type: 'INTEGER', description: 'The category as a number: 0, 1, … over the distinct categories in binary order; null if none' },
			{ name: 'first_of_area', type: 'BOOLEAN', description: "True on the rows of the LSOA's earliest month: where area_index's code is read" },
			{ name: 'first_of_category', type: 'BOOLEAN', description: "True on the rows of the category's earliest month: where category_index's name is read" }
		]
	}
];

export type DatasetName = ExtractDataset['name'];

/** The manifest.json written beside the extracts. */
export interface ExtractManifest {
	manifest_version: 1;
	builder: { name: string; version: string };
	built_at: string;
	/** sha256 over the inputs and builder sources: the start script rebuilds when it changes. */
	input_fingerprint: string;
	datasets: Array<ArrowDatasetEntry | DuckdbTableEntry>;
	/**
	 * The read-only DuckDB database holding the base datasets (entries of format `duckdb-table`),
	 * read on demand by the browser over HTTP range requests; absent when every dataset is an
	 * Arrow file (the in-browser import, extracts built before it).
	 */
	base_database?: BaseDatabaseReport;
	sources: SourceReport[];
	attribution: Array<{ dataset: string; source: string; licence: string; text: string }>;
	totals: { rows_in: number; accepted: number; rejected: number };
	/** How the force area was decided and where the records lie; absent in extracts built before force areas. */
	force_area?: ForceAreaReport;
	/**
	 * The area set of the `districts` dataset (districts, or a force's own wards, beats,
	 * neighbourhoods): what the areas are called, the file, fields and coordinate system, the
	 * boundary rule, and where the records lie against them; absent without a boundary file
	 * (and in extracts built before area sets).
	 */
	districts_info?: DistrictsInfo;
	/**
	 * Offence codes (analytics/ingest/offence-codes.ts): the mapping used and how records' codes
	 * matched it, every unknown code with its count; absent when no record carries a code.
	 */
	offence_codes?: OffenceCodeReport;
	/**
	 * The start-up summary beside the manifest (analytics/overview/summary.ts): what the Overview
	 * and the Map page draw while the browser's database starts; absent in older extracts.
	 */
	summary?: { file: string; bytes: number; sha256: string };
}

/** What every dataset entry of the manifest says, whatever its format. */
interface DatasetEntryCommon {
	name: DatasetName;
	rows: number;
	columns: ExtractColumn[];
	date_range: { first: string; last: string } | null;
	bbox: [number, number, number, number] | null;
	/**
	 * Whether any record carries an offence subgroup (`offence_subgroup` not null): present for
	 * the datasets with that column, absent in extracts built before it was written (readers
	 * then look at the rows: analytics/models/harm-weights.ts recordsCarrySubgroups).
	 */
	offence_subgroups?: boolean;
}

/** A dataset written as one Arrow IPC stream file, `<name>.arrow`, loaded whole. */
export interface ArrowDatasetEntry extends DatasetEntryCommon {
	file: string;
	format: 'arrow-ipc-stream';
	bytes: number;
	sha256: string;
}

/**
 * A dataset stored as table `table` of the manifest's `base_database` file (`file`, e.g.
 * base.duckdb); its size and sha256 are the database file's, in `base_database`.
 */
export interface DuckdbTableEntry extends DatasetEntryCommon {
	file: string;
	format: 'duckdb-table';
	table: string;
}

/** The read-only DuckDB database file of the base datasets (see `ExtractManifest.base_database`). */
export interface BaseDatabaseReport {
	/** File name beside manifest.json, e.g. "base.duckdb". */
	file: string;
	bytes: number;
	sha256: string;
	/** DuckDB storage version the file was written with (what DuckDB-wasm can read), e.g. "v1.4.0". */
	storage_version: string;
	/** Column the tables' rows are sorted by (then their natural order), so a month's rows lie together. */
	sorted_by: string;
}

/** The manifest's account of the force area (analytics/force-area). */
export interface ForceAreaReport {
	/** Force or area name, e.g. "City of London"; null when none is declared. */
	name: string | null;
	unit: 'lsoa' | 'district' | null;
	/**
	 * 'falls-within': police.uk records' "Falls within" force → its local authorities (ONS lookup) → their LSOAs;
	 * 'named-authorities': local authority codes given to the builder; 'boundary-file': districts given as the area;
	 * 'none': nothing declared (analyses fall back to the areas with records and say so).
	 */
	method: 'falls-within' | 'named-authorities' | 'boundary-file' | 'none';
	/** Local authority codes the area is made of (empty for a boundary file or none). */
	lad_codes: string[];
	/** Areas in the force area (rows of force_area). */
	areas: number;
	/** Where the lookups came from, in words. */
	source: string;
	/**
	 * For 'falls-within': every non-empty "Falls within" value of the street records and outcomes
	 * with its record count, most first; the first is the force chosen.
	 */
	falls_within?: Array<{ name: string; records: number }>;
	/** Per flagged dataset: located records inside and outside, and records with no location. */
	records: Partial<Record<'incidents' | 'stop_search' | 'events', { inside: number; outside: number; unplaced: number }>>;
}

/**
 * The manifest's account of the area set (analytics/boundaries): `records` per dataset with a
 * district_id column, inside + outside + no_location = records; `outside` lists the first
 * records in no area with their file and line (all of them in outside-areas.csv beside the
 * manifest when the command-line builder wrote one).
 */
export interface DistrictsInfo {
	/** What the areas are called, plural, as the app shows it: "Wards", "Beats", "Districts". */
	label: string;
	/** Where the label came from: given (--areas-label), the file (its id field, e.g. WD23CD → Wards), or the default "Districts". */
	label_from: 'given' | 'file' | 'default';
	/** The boundary file's name (for a shapefile, the .shp). */
	file: string;
	format: 'geojson' | 'kml' | 'shapefile';
	/** Property holding each area's identifier (district_id), e.g. "WD23CD", "objectid", KML "name". */
	id_field: string;
	/** Property holding the name; null when the identifier is the name. */
	name_field: string | null;
	/** The coordinate system the file's coordinates were read in ("EPSG:4326", "EPSG:27700", or the .prj's name); stored as WGS84. */
	crs: string;
	/** Areas (rows of districts) and the features read (features sharing an identifier are one area). */
	areas: number;
	features: number;
	/** The boundary rule, in words (analytics/boundaries BOUNDARY_RULE). */
	rule: string;
	/**
	 * 'point': each record by its point; 'lsoa-then-point': by its LSOA's local authority when the areas are local
	 * authorities (IMD 2019 File 1), else its point. Either way an event whose area code names an area is in that area.
	 */
	placed_by: 'point' | 'lsoa-then-point';
	records: Partial<Record<'incidents' | 'events', { records: number; inside: number; outside: number; no_location: number }>>;
	outside: {
		/** Records in no area per dataset and reason ("outside every area", "no location"), non-zero counts only. */
		reasons: Array<{ dataset: 'incidents' | 'events'; reason: string; count: number }>;
		/** The first records in no area (up to 20 per dataset and reason), file and line order. */
		first: Array<{
			dataset: 'incidents' | 'events';
			source_file: string;
			source_line: number;
			longitude: number | null;
			latitude: number | null;
			area_code: string | null;
			reason: string;
		}>;
		/** File beside the manifest listing every record in no area (CSV), or null when not written (the browser import). */
		listed_in: string | null;
	};
	/**
	 * Files whose two coordinate columns look exchanged (analytics/boundaries/placement.ts
	 * swappedAxesCheck): most located records outside every area, most of those inside one with
	 * the columns exchanged. Reported only (the records are not moved); absent when none.
	 */
	swapped_axes?: Array<{
		dataset: 'incidents' | 'events';
		/** The input file, as `source_file` names it. */
		file: string;
		/** The file's coordinate system, e.g. "British National Grid". */
		crs: string;
		/** The file's columns read as x (easting, longitude) and y (northing, latitude), as named in the file. */
		x_column: string;
		y_column: string;
		/** The file's records placed by their point. */
		located: number;
		/** Of those, the records outside every area. */
		outside: number;
		/** Outside records tried with the columns exchanged: all of them, or the first SWAP_CHECKED in line order. */
		checked: number;
		/** Of those tried, the records an area would hold with the columns exchanged. */
		inside_if_swapped: number;
	}>;
}

/** The manifest's account of offence codes (analytics/ingest/offence-codes.ts). */
export interface OffenceCodeReport {
	/** Which mapping was used: its id and version, and the file (the user's file name, or the shipped file's path). */
	mapping: { id: string; version: string; title: string; file: string; shipped: boolean };
	/**
	 * Per dataset, records with a code: matched by code, by description, or unknown; of the unknown,
	 * those rejected because they had no category of their own either (in the quarantine).
	 */
	records: Partial<Record<'incidents' | 'events', { with_code: number; by_code: number; by_description: number; unknown: number; rejected: number }>>;
	/** Every code the mapping does not know, as written (trimmed), with its records and how many were rejected; most first. */
	unknown: Array<{ code: string; records: number; rejected: number }>;
}

/** How one input file was accounted for: rows_in = accepted + rejected, always. */
export interface SourceReport {
	file: string;
	path_hint: string;
	kind: string;
	sha256: string;
	bytes: number;
	rows_in: number;
	accepted: number;
	rejected: number;
	/** Rejection reason → count, most frequent first. */
	reasons: Array<{ reason: string; count: number }>;
	/** A whole-file problem (empty, unrecognised header …), else null. */
	file_error: string | null;
	date_range: { first: string; last: string } | null;
	/**
	 * The coordinate system the file's coordinates were read in (analytics/ingest/crs.ts), turned
	 * into WGS84 longitude/latitude before the records were placed: its EPSG code ("EPSG:27700";
	 * null for a `.prj` system not among those offered), its name ("British National Grid"), and
	 * how it was known: 'declared' (`--crs`, or chosen in the browser's mapping step), 'prj' (the
	 * `.prj` beside the file, named in `prj`), 'detected-confirmed' (suggested from the values in
	 * the browser and kept), 'wgs84-default' (nothing said: longitude/latitude in degrees).
	 * Absent in extracts built before coordinate systems.
	 */
	crs?: SourceCrsReport;
	/**
	 * What the file says it is (analytics/ingest/pipeline.ts fileExports): 'cad', a calls file whose
	 * header has a call type, grade or priority; 'rms', a crimes file whose header names an offence
	 * code, a crime reference or a committed date. Absent when the header says neither (police.uk
	 * downloads, open-data feeds). The pages label the datasets by it (analytics/explore/filters.ts
	 * datasetLabels).
	 */
	export?: 'cad' | 'rms';
}

/**
 * `CREATE TABLE` of a dataset with the contract's columns and no rows (identifiers from the
 * contract only), named `table` (default: the dataset's name).
 */
export function emptyDatasetSql(name: DatasetName, table: string = name): string {
	const dataset = EXTRACT_DATASETS.find((d) => d.name === name);
	if (!dataset) throw new Error(`not a dataset of the extract contract: ${JSON.stringify(name)}`);
	return `CREATE TABLE ${ident(table)} (${dataset.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`;
}
