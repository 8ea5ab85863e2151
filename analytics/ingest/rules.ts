/**
 * Validation rules, one list per input format, applied in SQL to a staging table of raw text
 * (every column VARCHAR, named by canonical key). The first rule a row breaks is its reason;
 * the order below is the order a person would fix things in. Rules are data, so the browser
 * import and the command line apply exactly the same ones.
 */
import { ident, literal, literalList, tryStrptimeSql } from './sql';
import { POLICE_UK_CATEGORIES, STOP_SEARCH_TYPES, type SourceKind } from './sources';

export interface Rule {
	/** Canonical column the rule is about. */
	key: string;
	/** What was wrong and what was expected, shown to the user. */
	reason: string;
	/** SQL boolean over staging columns: true when the row breaks the rule. */
	broken: string;
}

/** Bounding box of police.uk records (the UK with a margin), in WGS84 degrees. */
export const UK_BOUNDS = { west: -8.8, east: 1.9, south: 49.8, north: 60.95 } as const;

const c = ident;
const blank = (k: string) => `(${c(k)} IS NULL OR trim(${c(k)}) = '')`;
const notNumber = (k: string) => `(NOT ${blank(k)} AND try_cast(trim(${c(k)}) AS DOUBLE) IS NULL)`;
const num = (k: string) => `try_cast(trim(${c(k)}) AS DOUBLE)`;
/** Cells a spreadsheet would run as a formula: leading = + @, tab or CR, or - not starting a number. */
export const FORMULA_PATTERN = '^([=+@\\t\\r]|-[^0-9.])';
const formula = (k: string) => `regexp_matches(coalesce(${c(k)}, ''), ${literal(FORMULA_PATTERN)})`;

/**
 * Date-time layouts the generic format accepts, tried in order (DuckDB strptime). Day-first
 * slashes are the UK reading; a trailing UTC offset is allowed and the wall clock kept.
 */
export const TIMESTAMP_FORMATS = [
	'%Y-%m-%d %H:%M:%S',
	'%Y-%m-%d %H:%M',
	'%Y-%m-%dT%H:%M:%S',
	'%Y-%m-%dT%H:%M',
	'%d/%m/%Y %H:%M:%S',
	'%d/%m/%Y %H:%M',
	'%Y-%m-%d'
] as const;

/** SQL parsing the generic timestamp text (offset or Z removed) to a local wall-clock TIMESTAMP. */
export function genericTimestampSql(column: string): string {
	const text = `regexp_replace(trim(${ident(column)}), '(\\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})$', '')`;
	return tryStrptimeSql(text, TIMESTAMP_FORMATS);
}

/**
 * Layouts a month-resolution record's date may take besides `YYYY-MM`: the timestamp layouts
 * above and a day-first date `DD/MM/YYYY` (an RMS export's committed date or date-time). Slashes
 * are always read day first (the UK order): `04/03/2019` is 4 March 2019; a month-first
 * `03/13/2019` is rejected (there is no month 13), never read as another month.
 */
export const MONTH_DATE_FORMATS = [...TIMESTAMP_FORMATS, '%d/%m/%Y'] as const;

/** A calendar month a record may be in, `YYYY-MM` from 1900 to 2099 (regular expression over the whole text). */
export const MONTH_PATTERN = '(19|20)[0-9]{2}-(0[1-9]|1[0-2])';

/**
 * SQL giving the `YYYY-MM` month of a month-resolution record's `month` text: the text itself when
 * it is `YYYY-MM`, else the month of the date or date-time it holds (offset or Z removed, the wall
 * clock kept, as for timestamps); NULL when it is neither.
 */
export function monthOfDateSql(column: string): string {
	const trimmed = `trim(${ident(column)})`;
	const text = `regexp_replace(${trimmed}, '(\\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})$', '')`;
	return `CASE WHEN regexp_full_match(${trimmed}, '[0-9]{4}-[0-9]{2}') THEN ${trimmed} ELSE strftime(${tryStrptimeSql(text, MONTH_DATE_FORMATS)}, '%Y-%m') END`;
}

function coordinateRules(ukOnly = true): Rule[] {
	const lon = 'longitude';
	const lat = 'latitude';
	return [
		{ key: lat, reason: 'longitude given without latitude: expected both or neither', broken: `(NOT ${blank(lon)} AND ${blank(lat)})` },
		{ key: lon, reason: 'latitude given without longitude: expected both or neither', broken: `(${blank(lon)} AND NOT ${blank(lat)})` },
		{ key: lon, reason: 'longitude is not a number: expected decimal degrees such as -0.0912', broken: notNumber(lon) },
		{ key: lat, reason: 'latitude is not a number: expected decimal degrees such as 51.5155', broken: notNumber(lat) },
		{ key: lon, reason: 'longitude out of range: expected -180 to 180 degrees', broken: `(abs(${num(lon)}) > 180)` },
		{ key: lat, reason: 'latitude out of range: expected -90 to 90 degrees', broken: `(abs(${num(lat)}) > 90)` },
		...(ukOnly ? [ukRule()] : [])
	];
}

function ukRule(): Rule {
	const lon = 'longitude';
	const lat = 'latitude';
	return {
			key: lon,
			reason: `location outside the United Kingdom: expected longitude ${UK_BOUNDS.west} to ${UK_BOUNDS.east} and latitude ${UK_BOUNDS.south} to ${UK_BOUNDS.north} (are longitude and latitude swapped?)`,
			broken: `(${num(lon)} NOT BETWEEN ${UK_BOUNDS.west} AND ${UK_BOUNDS.east} OR ${num(lat)} NOT BETWEEN ${UK_BOUNDS.south} AND ${UK_BOUNDS.north})`
	};
}

const monthRules = (): Rule[] => [
	{ key: 'month', reason: 'missing month: expected YYYY-MM', broken: blank('month') },
	{
		key: 'month',
		reason: 'month is not a calendar month: expected YYYY-MM such as 2019-04',
		broken: `NOT regexp_full_match(trim(${c('month')}), '(19|20)[0-9]{2}-(0[1-9]|1[0-2])')`
	}
];

const lsoaRule = (): Rule => ({
	key: 'lsoa_code',
	reason: 'LSOA code is not an ONS area code: expected a letter and 8 digits such as E01000001',
	broken: `(NOT ${blank('lsoa_code')} AND NOT regexp_full_match(trim(${c('lsoa_code')}), '[EWSN][0-9]{8}'))`
});

const formulaRules = (keys: readonly string[]): Rule[] =>
	keys.map((k) => ({
		key: k,
		reason: 'formula-like value (starts with =, +, -, @, tab or carriage return): spreadsheet software would run it',
		broken: formula(k)
	}));

const booleanRule = (k: string, header: string): Rule => ({
	key: k,
	reason: `${header}: expected True or False (or empty)`,
	broken: `(NOT ${blank(k)} AND lower(trim(${c(k)})) NOT IN ('true', 'false'))`
});

const ISO_WITH_OFFSET = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})';

export const RULES: Record<SourceKind, readonly Rule[]> = {
	street: [
		...monthRules(),
		{ key: 'crime_type', reason: 'missing crime type', broken: blank('crime_type') },
		{
			key: 'crime_type',
			reason: 'unknown crime type: expected one of the 14 police.uk categories (e.g. "Burglary", "Anti-social behaviour")',
			broken: `trim(${c('crime_type')}) NOT IN ${literalList(POLICE_UK_CATEGORIES)}`
		},
		{
			key: 'crime_id',
			reason: 'missing Crime ID: every category except Anti-social behaviour has one',
			broken: `(${blank('crime_id')} AND trim(${c('crime_type')}) <> 'Anti-social behaviour')`
		},
		...coordinateRules(),
		lsoaRule(),
		...formulaRules(['crime_id', 'reported_by', 'falls_within', 'location', 'lsoa_name', 'last_outcome_category', 'context'])
	],
	outcomes: [
		{ key: 'crime_id', reason: 'missing Crime ID: every outcome belongs to a crime', broken: blank('crime_id') },
		...monthRules(),
		{ key: 'outcome_type', reason: 'missing outcome type', broken: blank('outcome_type') },
		...coordinateRules(),
		lsoaRule(),
		...formulaRules(['crime_id', 'reported_by', 'falls_within', 'location', 'lsoa_name', 'outcome_type'])
	],
	'stop-search': [
		{ key: 'type', reason: 'missing search type', broken: blank('type') },
		{
			key: 'type',
			reason: `unknown search type: expected ${STOP_SEARCH_TYPES.map((t) => `"${t}"`).join(', ')}`,
			broken: `trim(${c('type')}) NOT IN ${literalList(STOP_SEARCH_TYPES)}`
		},
		{ key: 'date', reason: 'missing date', broken: blank('date') },
		{
			key: 'date',
			reason: 'date is not ISO 8601 with a UTC offset: expected e.g. 2018-01-01T00:55:00+00:00',
			broken: `NOT regexp_full_match(trim(${c('date')}), ${literal(ISO_WITH_OFFSET)})`
		},
		{
			key: 'date',
			reason: 'date does not exist in the calendar (e.g. 30 February or hour 25)',
			broken: `${tryStrptimeSql(`substr(trim(${c('date')}), 1, 19)`, ['%Y-%m-%dT%H:%M:%S'])} IS NULL`
		},
		...coordinateRules(),
		booleanRule('part_of_a_policing_operation', 'Part of a policing operation'),
		booleanRule('outcome_linked_to_object_of_search', 'Outcome linked to object of search'),
		booleanRule('removal_of_more_than_just_outer_clothing', 'Removal of more than just outer clothing'),
		...formulaRules([
			'policing_operation',
			'gender',
			'age_range',
			'self_defined_ethnicity',
			'officer_defined_ethnicity',
			'legislation',
			'object_of_search',
			'outcome'
		])
	],
	events: [
		{ key: 'timestamp', reason: 'missing date-time', broken: blank('timestamp') },
		{
			key: 'timestamp',
			reason: `date-time not understood: expected one of ${TIMESTAMP_FORMATS.map((f) => f.replaceAll('%Y', 'YYYY').replaceAll('%m', 'MM').replaceAll('%d', 'DD').replaceAll('%H', 'hh').replaceAll('%M', 'mm').replaceAll('%S', 'ss')).join(', ')} (an offset such as +01:00 may follow)`,
			broken: `${genericTimestampSql('timestamp')} IS NULL`
		},
		// Anywhere on Earth: generic feeds are not only British (the Chicago example).
		...coordinateRules(false),
		{
			key: 'time_on_task',
			reason: 'time on task is not a number of minutes ≥ 0',
			broken: `(NOT ${blank('time_on_task')} AND coalesce(try_cast(trim(${c('time_on_task')}) AS DOUBLE) < 0, true))`
		},
		...formulaRules(['incident_id', 'category', 'area_code', 'priority', 'offence_code'])
	],
	'month-incidents': [
		{ key: 'month', reason: 'missing month: expected YYYY-MM or a date YYYY-MM-DD', broken: blank('month') },
		{
			key: 'month',
			reason:
				'month is not a calendar month: expected YYYY-MM such as 2022-04, or a date or date-time such as 2022-04-05, 2022-04-05 13:25 or 05/04/2022 13:25 (slashes are read day first, the UK order)',
			broken: `NOT coalesce(regexp_full_match(${monthOfDateSql('month')}, ${literal(MONTH_PATTERN)}), false)`
		},
		// A record with an offence code takes its category from the offence-code mapping (offence-codes.ts).
		{ key: 'category', reason: 'missing category: expected a category or an offence code', broken: `(${blank('category')} AND ${blank('offence_code')})` },
		// Anywhere on Earth, as for the generic timestamped format.
		...coordinateRules(false),
		lsoaRule(),
		...formulaRules(['incident_id', 'category', 'location', 'lsoa_name', 'reported_by', 'falls_within', 'offence_code'])
	]
};

/** Rule number reserved for a repeated Crime ID (checked across rows, not within one). */
export const DUPLICATE_RULE = 0;

/**
 * SQL expressions that find, for each staging row, the number of the first rule it breaks
 * (1-based, NULL if none) and the raw value at fault.
 */
export function ruleCaseSql(kind: SourceKind): { rule: string; raw: string } {
	const rules = RULES[kind];
	const rule = `CASE ${rules.map((r, i) => `WHEN ${r.broken} THEN ${i + 1}`).join(' ')} END`;
	const raw = (ruleExpr: string) =>
		`CASE ${ruleExpr} ${rules.map((r, i) => `WHEN ${i + 1} THEN ${c(r.key)}`).join(' ')} END`;
	return { rule, raw: raw('_rule') };
}
