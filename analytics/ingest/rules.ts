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
	/**
	 * A cheaper test of the common well-formed value (no trim, no cast of trimmed text, no regular
	 * expression over trimmed text): SQL true only when the row certainly does not break the rule.
	 * It decides nothing else: where it is false or NULL, `broken` decides. Rules may share one
	 * (the same text is tested once). Each is tested against `broken` on real rows and on the
	 * values where the two could part (rules-clear.test.ts).
	 */
	clear?: string;
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

// Pre-checks (Rule.clear). DuckDB compares text byte by byte (unsigned), so a comparison with a
// one-character constant reads the first byte only, and trim() strips only Unicode space
// separators (Zs: the ASCII space and characters of two or more bytes), walking the whole text.
/** The text starts with a printable ASCII character other than the space (byte 0x21–0x7E): not blank. */
const startsPrintable = (k: string) => `(${c(k)} >= '!' AND ${c(k)} < chr(127))`;
/**
 * No formula: NULL, or a first byte that none of FORMULA_PATTERN's starts (tab 0x09, CR 0x0D,
 * + 0x2B, - 0x2D, = 0x3D, @ 0x40) can be: 0x2E–0x3C (. / digits : ; <) or 0x41 and above (letters,
 * every byte that begins a character of two or more bytes).
 */
const formulaClear = (k: string) => `(${c(k)} IS NULL OR ${c(k)} >= 'A' OR (${c(k)} >= '.' AND ${c(k)} < '='))`;
/**
 * `value` is one of `values` (no trim). Not `IN`: DuckDB plans an IN list of five or more
 * constants as a join computed for every row before the CASE of the rules is evaluated, so its
 * operand (a trim) would run on rows the pre-checks have already cleared.
 */
const oneOf = (value: string, values: readonly string[]) => `list_contains([${values.map(literal).join(', ')}], ${value})`;

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

/**
 * Pre-check of every coordinate rule: no coordinates at all, or both read as numbers (without a
 * trim) inside the box. A text DuckDB casts to DOUBLE is ASCII, and the cast already skips leading
 * and trailing ASCII white space, the only one of which trim() removes is the space: so the cast
 * of the untrimmed text, when it succeeds, is the cast of the trimmed text, and the text is not blank.
 */
function coordinatesClear(box: { west: number; east: number; south: number; north: number }): string {
	const lon = c('longitude');
	const lat = c('latitude');
	return `((${lon} IS NULL AND ${lat} IS NULL) OR (try_cast(${lon} AS DOUBLE) BETWEEN ${box.west} AND ${box.east} AND try_cast(${lat} AS DOUBLE) BETWEEN ${box.south} AND ${box.north}))`;
}

function coordinateRules(ukOnly = true): Rule[] {
	const lon = 'longitude';
	const lat = 'latitude';
	const clear = coordinatesClear(ukOnly ? UK_BOUNDS : { west: -180, east: 180, south: -90, north: 90 });
	const rules: Rule[] = [
		{ key: lat, reason: 'longitude given without latitude: expected both or neither', broken: `(NOT ${blank(lon)} AND ${blank(lat)})` },
		{ key: lon, reason: 'latitude given without longitude: expected both or neither', broken: `(${blank(lon)} AND NOT ${blank(lat)})` },
		{ key: lon, reason: 'longitude is not a number: expected decimal degrees such as -0.0912', broken: notNumber(lon) },
		{ key: lat, reason: 'latitude is not a number: expected decimal degrees such as 51.5155', broken: notNumber(lat) },
		{ key: lon, reason: 'longitude out of range: expected -180 to 180 degrees', broken: `(abs(${num(lon)}) > 180)` },
		{ key: lat, reason: 'latitude out of range: expected -90 to 90 degrees', broken: `(abs(${num(lat)}) > 90)` },
		...(ukOnly ? [ukRule()] : [])
	];
	return rules.map((r) => ({ ...r, clear }));
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

/** Pre-check of the month rules: the text itself (untrimmed, so free of spaces) is a calendar month. */
const monthClear = `regexp_full_match(${c('month')}, ${literal(MONTH_PATTERN)})`;

const monthRules = (): Rule[] => [
	{ key: 'month', reason: 'missing month: expected YYYY-MM', broken: blank('month'), clear: monthClear },
	{
		key: 'month',
		reason: 'month is not a calendar month: expected YYYY-MM such as 2019-04',
		broken: `NOT regexp_full_match(trim(${c('month')}), '(19|20)[0-9]{2}-(0[1-9]|1[0-2])')`,
		clear: monthClear
	}
];

const lsoaRule = (): Rule => ({
	key: 'lsoa_code',
	reason: 'LSOA code is not an ONS area code: expected a letter and 8 digits such as E01000001',
	broken: `(NOT ${blank('lsoa_code')} AND NOT regexp_full_match(trim(${c('lsoa_code')}), '[EWSN][0-9]{8}'))`,
	clear: `(${c('lsoa_code')} IS NULL OR regexp_full_match(${c('lsoa_code')}, '[EWSN][0-9]{8}'))`
});

const formulaRules = (keys: readonly string[]): Rule[] =>
	keys.map((k) => ({
		key: k,
		reason: 'formula-like value (starts with =, +, -, @, tab or carriage return): spreadsheet software would run it',
		broken: formula(k),
		clear: formulaClear(k)
	}));

const booleanRule = (k: string, header: string): Rule => ({
	key: k,
	reason: `${header}: expected True or False (or empty)`,
	broken: `(NOT ${blank(k)} AND lower(trim(${c(k)})) NOT IN ('true', 'false'))`,
	clear: `(${c(k)} IS NULL OR ${c(k)} IN ('True', 'False'))`
});

/** A "missing …" rule (the value is blank), cleared when the text starts with a printable character. */
const missing = (k: string, reason: string): Rule => ({ key: k, reason, broken: blank(k), clear: startsPrintable(k) });

const ISO_WITH_OFFSET = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})';

export const RULES: Record<SourceKind, readonly Rule[]> = {
	street: [
		...monthRules(),
		{ key: 'crime_type', reason: 'missing crime type', broken: blank('crime_type'), clear: oneOf(c('crime_type'), POLICE_UK_CATEGORIES) },
		{
			key: 'crime_type',
			reason: 'unknown crime type: expected one of the 14 police.uk categories (e.g. "Burglary", "Anti-social behaviour")',
			broken: `NOT ${oneOf(`trim(${c('crime_type')})`, POLICE_UK_CATEGORIES)}`,
			clear: oneOf(c('crime_type'), POLICE_UK_CATEGORIES)
		},
		{
			key: 'crime_id',
			reason: 'missing Crime ID: every category except Anti-social behaviour has one',
			broken: `(${blank('crime_id')} AND trim(${c('crime_type')}) <> 'Anti-social behaviour')`,
			clear: `(${startsPrintable('crime_id')} OR ${c('crime_type')} = 'Anti-social behaviour')`
		},
		...coordinateRules(),
		lsoaRule(),
		...formulaRules(['crime_id', 'reported_by', 'falls_within', 'location', 'lsoa_name', 'last_outcome_category', 'context'])
	],
	outcomes: [
		missing('crime_id', 'missing Crime ID: every outcome belongs to a crime'),
		...monthRules(),
		missing('outcome_type', 'missing outcome type'),
		...coordinateRules(),
		lsoaRule(),
		...formulaRules(['crime_id', 'reported_by', 'falls_within', 'location', 'lsoa_name', 'outcome_type'])
	],
	'stop-search': [
		{ key: 'type', reason: 'missing search type', broken: blank('type'), clear: `${c('type')} IN ${literalList(STOP_SEARCH_TYPES)}` },
		{
			key: 'type',
			reason: `unknown search type: expected ${STOP_SEARCH_TYPES.map((t) => `"${t}"`).join(', ')}`,
			broken: `trim(${c('type')}) NOT IN ${literalList(STOP_SEARCH_TYPES)}`,
			clear: `${c('type')} IN ${literalList(STOP_SEARCH_TYPES)}`
		},
		missing('date', 'missing date'),
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
		missing('timestamp', 'missing date-time'),
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
			broken: `(NOT ${blank('time_on_task')} AND coalesce(try_cast(trim(${c('time_on_task')}) AS DOUBLE) < 0, true))`,
			// As for coordinates: a cast of the untrimmed text that succeeds is the cast of the trimmed text.
			clear: `(${c('time_on_task')} IS NULL OR try_cast(${c('time_on_task')} AS DOUBLE) >= 0)`
		},
		...formulaRules(['incident_id', 'category', 'area_code', 'priority', 'offence_code'])
	],
	'month-incidents': [
		{ key: 'month', reason: 'missing month: expected YYYY-MM or a date YYYY-MM-DD', broken: blank('month'), clear: monthClear },
		{
			key: 'month',
			reason:
				'month is not a calendar month: expected YYYY-MM such as 2022-04, or a date or date-time such as 2022-04-05, 2022-04-05 13:25 or 05/04/2022 13:25 (slashes are read day first, the UK order)',
			broken: `NOT coalesce(regexp_full_match(${monthOfDateSql('month')}, ${literal(MONTH_PATTERN)}), false)`,
			// A `YYYY-MM` month needs no date parsing: monthOfDateSql gives the text itself.
			clear: monthClear
		},
		// A record with an offence code takes its category from the offence-code mapping (offence-codes.ts).
		{
			key: 'category',
			reason: 'missing category: expected a category or an offence code',
			broken: `(${blank('category')} AND ${blank('offence_code')})`,
			clear: `(${startsPrintable('category')} OR ${startsPrintable('offence_code')})`
		},
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
 *
 * With `preChecks` (the default) a row whose every pre-check holds (Rule.clear) is tested only
 * against the rules that have none; any other row against all of them, in order. The number is
 * the same either way (each pre-check holds only where its rule is not broken), but nearly every
 * row is well formed and skips the trims, casts and regular expressions, which were about half
 * of staging's CPU time at 1M street rows.
 */
export function ruleCaseSql(kind: SourceKind, options: { preChecks?: boolean } = {}): { rule: string; raw: string } {
	const rules = RULES[kind];
	const caseOf = (which: ReadonlyArray<{ r: Rule; i: number }>) =>
		which.length === 0 ? 'CAST(NULL AS INTEGER)' : `CASE ${which.map(({ r, i }) => `WHEN ${r.broken} THEN ${i + 1}`).join(' ')} END`;
	const numbered = rules.map((r, i) => ({ r, i }));
	const all = caseOf(numbered);
	const clears = [...new Set(rules.flatMap((r) => (r.clear ? [r.clear] : [])))];
	const rule =
		options.preChecks === false || clears.length === 0 ? all : `CASE WHEN ${clears.join(' AND ')} THEN ${caseOf(numbered.filter(({ r }) => !r.clear))} ELSE ${all} END`;
	const raw = (ruleExpr: string) =>
		`CASE ${ruleExpr} ${rules.map((r, i) => `WHEN ${i + 1} THEN ${c(r.key)}`).join(' ')} END`;
	return { rule, raw: raw('_rule') };
}
