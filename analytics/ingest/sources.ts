/**
 * The input formats the extract builder accepts, with the header names each column may carry.
 * police.uk publishes `Crime ID`, `Month` …; other tools write `crime_id`, `month`, `CRIME ID`.
 * Headers are compared after `normaliseHeader`, so case, spaces, underscores and hyphens
 * do not matter.
 */

export type SourceKind = 'street' | 'stop-search' | 'outcomes' | 'events' | 'month-incidents';

export interface SourceColumn {
	/** Canonical name used in the staging table and in SQL. */
	key: string;
	/** Header as police.uk publishes it, for messages. */
	header: string;
	/** Further accepted spellings (compared after normalisation). */
	aliases?: readonly string[];
	/**
	 * A file without this column is not of this kind (unless a constant value is given for it,
	 * see `detectSource`).
	 */
	required: boolean;
	/** A required column a file may lack when it has this other column instead (a category given by an offence code). */
	requiredUnless?: string;
}

export interface SourceFormat {
	kind: SourceKind;
	label: string;
	/** The extract dataset its accepted rows go to. */
	dataset: 'incidents' | 'stop_search' | 'outcomes' | 'events';
	columns: readonly SourceColumn[];
}

export const POLICE_UK_CATEGORIES = [
	'Anti-social behaviour',
	'Bicycle theft',
	'Burglary',
	'Criminal damage and arson',
	'Drugs',
	'Other crime',
	'Other theft',
	'Possession of weapons',
	'Public order',
	'Robbery',
	'Shoplifting',
	'Theft from the person',
	'Vehicle crime',
	'Violence and sexual offences'
] as const;

export const STOP_SEARCH_TYPES = ['Person search', 'Vehicle search', 'Person and Vehicle search'] as const;

/**
 * A record's offence code (e.g. a Home Office code such as 28E): matched against the offence-code
 * mapping for its Home Office offence subgroup and, when the record has no category, its police.uk
 * category (analytics/ingest/offence-codes.ts). `--columns offence_code=<header>` names another header.
 */
const offenceCode: SourceColumn = {
	key: 'offence_code',
	header: 'offence_code',
	aliases: ['ho_code', 'home_office_code', 'hoc', 'ho_offence_code', 'offence_code_ho'],
	required: false
};

const location: readonly SourceColumn[] = [
	{ key: 'longitude', header: 'Longitude', aliases: ['lon', 'lng', 'long'], required: true },
	{ key: 'latitude', header: 'Latitude', aliases: ['lat'], required: true }
];

/** Columns street and outcomes files share: the crime, when, who recorded it, where. */
const policeUkRecord: readonly SourceColumn[] = [
	{ key: 'crime_id', header: 'Crime ID', required: true },
	{ key: 'month', header: 'Month', required: true },
	{ key: 'reported_by', header: 'Reported by', required: true },
	{ key: 'falls_within', header: 'Falls within', required: true },
	...location,
	{ key: 'location', header: 'Location', required: true },
	{ key: 'lsoa_code', header: 'LSOA code', aliases: ['lsoa11cd', 'lsoa'], required: true },
	{ key: 'lsoa_name', header: 'LSOA name', aliases: ['lsoa11nm'], required: true }
];

export const SOURCE_FORMATS: readonly SourceFormat[] = [
	{
		kind: 'street',
		label: 'police.uk street-level crime',
		dataset: 'incidents',
		columns: [
			...policeUkRecord,
			{ key: 'crime_type', header: 'Crime type', aliases: ['category'], required: true },
			{ key: 'last_outcome_category', header: 'Last outcome category', aliases: ['last_outcome'], required: false },
			{ key: 'context', header: 'Context', required: false }
		]
	},
	{
		kind: 'outcomes',
		label: 'police.uk outcomes',
		dataset: 'outcomes',
		columns: [
			...policeUkRecord,
			{ key: 'outcome_type', header: 'Outcome type', required: true }
		]
	},
	{
		kind: 'stop-search',
		label: 'police.uk stop and search',
		dataset: 'stop_search',
		columns: [
			{ key: 'type', header: 'Type', required: true },
			{ key: 'date', header: 'Date', aliases: ['datetime'], required: true },
			{ key: 'part_of_a_policing_operation', header: 'Part of a policing operation', required: false },
			{ key: 'policing_operation', header: 'Policing operation', required: false },
			...location,
			{ key: 'gender', header: 'Gender', required: true },
			{ key: 'age_range', header: 'Age range', required: true },
			{ key: 'self_defined_ethnicity', header: 'Self-defined ethnicity', required: true },
			{ key: 'officer_defined_ethnicity', header: 'Officer-defined ethnicity', required: true },
			{ key: 'legislation', header: 'Legislation', required: true },
			{ key: 'object_of_search', header: 'Object of search', required: true },
			{ key: 'outcome', header: 'Outcome', required: true },
			{ key: 'outcome_linked_to_object_of_search', header: 'Outcome linked to object of search', required: false },
			{ key: 'removal_of_more_than_just_outer_clothing', header: 'Removal of more than just outer clothing', required: false }
		]
	},
	/**
	 * Generic timestamped incidents or calls for service (a CAD export, an open-data feed): one row
	 * per event with a date-time. Only the timestamp is required; the rest is used when present.
	 * Files whose headers differ are mapped explicitly (`--columns timestamp=Created,category=Type`).
	 */
	{
		kind: 'events',
		label: 'timestamped incidents (generic)',
		dataset: 'events',
		columns: [
			{ key: 'incident_id', header: 'incident_id', aliases: ['id', 'event_id', 'reference', 'incident_number', 'cad_number', 'log_number'], required: false },
			{ key: 'timestamp', header: 'timestamp', aliases: ['date', 'datetime', 'date_time', 'occurred_at', 'time', 'created', 'created_at', 'received'], required: true },
			{ key: 'category', header: 'category', aliases: ['type', 'crime_type', 'call_type', 'incident_type', 'offence', 'classification'], required: false },
			{ key: 'longitude', header: 'longitude', aliases: ['lon', 'lng', 'long', 'x'], required: false },
			{ key: 'latitude', header: 'latitude', aliases: ['lat', 'y'], required: false },
			{ key: 'area_code', header: 'area_code', aliases: ['lsoa_code', 'lsoa', 'district', 'beat', 'ward', 'area', 'sector'], required: false },
			{ key: 'priority', header: 'priority', aliases: ['grade', 'priority_grade', 'response_grade'], required: false },
			{ key: 'time_on_task', header: 'time_on_task', aliases: ['time_on_task_min', 'time_on_task_minutes', 'minutes_on_task', 'duration_min', 'duration_minutes'], required: false },
			offenceCode
		]
	},
	/**
	 * Generic month-resolution incidents (a force's own crime or ASB extract, a derived
	 * police.uk table): one row per incident with its month (`YYYY-MM`, or a date
	 * `YYYY-MM-DD` whose month is used) and category; the rest is used when present. Accepted
	 * rows go to the `incidents` dataset beside police.uk street records. A file with no
	 * category column gives one for every row as a constant (`--constant category=…`).
	 */
	{
		kind: 'month-incidents',
		label: 'month-resolution incidents (generic)',
		dataset: 'incidents',
		columns: [
			{
				key: 'incident_id',
				header: 'incident_id',
				aliases: ['crime_id', 'id', 'reference', 'incident_number', 'crime_reference', 'crime_ref', 'crime_reference_number', 'crime_number', 'crime_no'],
				required: false
			},
			// A recorded crime's committed date or date-time (RMS exports) gives its month.
			{ key: 'month', header: 'month', aliases: ['period', 'year_month', 'committed_date_time', 'committed_datetime', 'committed_date', 'date_committed', 'committed'], required: true },
			{ key: 'category', header: 'category', aliases: ['crime_type', 'type', 'offence', 'classification'], required: true, requiredUnless: 'offence_code' },
			{ key: 'longitude', header: 'longitude', aliases: ['lon', 'lng', 'long'], required: false },
			{ key: 'latitude', header: 'latitude', aliases: ['lat'], required: false },
			{ key: 'location', header: 'location', aliases: ['street', 'place'], required: false },
			{ key: 'lsoa_code', header: 'lsoa_code', aliases: ['lsoa11cd', 'lsoa'], required: false },
			{ key: 'lsoa_name', header: 'lsoa_name', aliases: ['lsoa11nm'], required: false },
			{ key: 'reported_by', header: 'reported_by', aliases: ['force'], required: false },
			{ key: 'falls_within', header: 'falls_within', required: false },
			offenceCode
		]
	}
];

/**
 * Header names of projected coordinates (eastings and northings, grid x and y), read for the
 * canonical `longitude` and `latitude` keys: first when the file declares a projected system
 * (`--crs`, a `.prj`, the browser's choice), else only when the file has no longitude/latitude
 * header (its coordinates then need a declared system; see analytics/ingest/crs.ts).
 */
export const PROJECTED_HEADERS: Readonly<Record<string, readonly string[]>> = {
	longitude: ['easting', 'eastings', 'x', 'x_coordinate', 'grid_x', 'grid_easting'],
	latitude: ['northing', 'northings', 'y', 'y_coordinate', 'grid_y', 'grid_northing']
};

/** Keys a column mapping may use for the coordinates besides `longitude`/`latitude` (`--columns x=Easting,y=Northing`). */
export const COORDINATE_KEY_ALIASES: Readonly<Record<string, 'longitude' | 'latitude'>> = {
	x: 'longitude',
	y: 'latitude',
	easting: 'longitude',
	northing: 'latitude'
};

/** Kinds whose format is generic (any source, column names mapped), not a police.uk download. */
export const GENERIC_KINDS: readonly SourceKind[] = ['events', 'month-incidents'];

export function sourceFormat(kind: SourceKind): SourceFormat {
	const format = SOURCE_FORMATS.find((f) => f.kind === kind);
	if (!format) throw new Error(`unknown source kind ${kind}`);
	return format;
}

/**
 * Header name → comparison key: lower case, byte-order mark and surrounding quotes removed,
 * every run of non-alphanumeric characters (space, hyphen, underscore) folded to `_`.
 * `"Crime ID"`, `crime_id`, `CRIME-ID` all give `crime_id`.
 */
export function normaliseHeader(name: string): string {
	return name
		.replace(/^\uFEFF/, '')
		.trim()
		.replace(/^"(.*)"$/, '$1')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_|_$/g, '');
}

/** Headers (normalised) that only a call log (CAD) has: a call type, a priority or response grade, time on task. */
export const CALL_HEADERS: readonly string[] = ['call_type', 'incident_type', 'priority', 'grade', 'priority_grade', 'response_grade', 'call_grade', 'time_on_task', 'time_on_task_min', 'time_on_task_minutes'];

/** What a force's own export is: calls for service from command and control (CAD), or recorded crimes from records management (RMS). */
export type ExportKind = 'cad' | 'rms';

/**
 * What a file's header says it is: 'cad' when it has a call-type, grade, priority or
 * time-on-task column (CALL_HEADERS); else 'rms' when it has an offence-code column (HO Code,
 * `offence_code` and its aliases), a header naming a crime (Crime Reference, Crime Number …), a
 * committed date or an "Offence" column; else null (a police.uk download, an open-data feed, a
 * derived table: nothing in the header says).
 */
export function exportKindOfHeaders(fileColumns: readonly string[]): ExportKind | null {
	const normalised = fileColumns.map(normaliseHeader);
	if (normalised.some((n) => CALL_HEADERS.includes(n))) return 'cad';
	const rms = SOURCE_FORMATS.find((f) => f.kind === 'month-incidents')?.columns ?? [];
	const codeNames = rms.filter((c) => c.key === 'offence_code').flatMap((c) => [c.key, ...(c.aliases ?? [])]).map(normaliseHeader);
	const crimeLike = (n: string) => codeNames.includes(n) || /^crime(_|$)/.test(n) || /(^|_)committed(_|$)/.test(n) || n === 'offence';
	return normalised.some(crimeLike) ? 'rms' : null;
}
