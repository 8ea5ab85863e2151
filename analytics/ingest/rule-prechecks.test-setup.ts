/**
 * Rows on which the row rules' pre-checks (Rule.clear in rules.ts) could part from their rules,
 * each a real sample row with one or two values changed, and the first rule each breaks, worked
 * out by hand from the rule's own SQL and DuckDB's text handling: trim() removes Unicode space
 * separators only (not tab), a cast to DOUBLE skips leading and trailing ASCII white space, text
 * compares byte by byte, NaN orders above every number. Run on native DuckDB
 * (rule-prechecks.test.ts) and on DuckDB-wasm 1.32, the in-browser import's engine
 * (scripts/lib/rule-prechecks-wasm.test.ts).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { QueryRunner } from '../runner';
import { RULES, ruleCaseSql } from './rules';
import { sourceFormat, type SourceKind } from './sources';
import { ident } from './sql';

/** A data line of a real sample file split on its delimiter (these lines hold no quotes). */
function realRow(text: string, delimiter: string, pick: (cells: string[]) => boolean): string[] {
	const row = text.split('\n').slice(1).map((l) => l.replace(/\r$/, '').split(delimiter)).find(pick);
	if (!row) throw new Error('no such sample row');
	return row;
}
const fileText = (path: string) => readFileSync(path, 'utf8');
const byKey = (keys: readonly string[], cells: readonly string[]) => Object.fromEntries(keys.map((k, i) => [k, cells[i] === '' ? null : cells[i]]));

/** One real row per format, as canonical key → value (the keys the staging tables have). */
const STREET = byKey(
	['crime_id', 'month', 'reported_by', 'falls_within', 'longitude', 'latitude', 'location', 'lsoa_code', 'lsoa_name', 'crime_type', 'last_outcome_category', 'context'],
	realRow(fileText('sample-data/police-uk/city-of-london/street/2019-03-city-of-london-street.csv'), ',', (c) => c[0] !== '' && c[4] !== '' && c[7] !== '')
);
const STOP = byKey(
	['type', 'date', 'part_of_a_policing_operation', 'policing_operation', 'latitude', 'longitude', 'gender', 'age_range', 'self_defined_ethnicity', 'officer_defined_ethnicity', 'legislation', 'object_of_search', 'outcome', 'outcome_linked_to_object_of_search', 'removal_of_more_than_just_outer_clothing'],
	realRow(fileText('sample-data/police-uk/city-of-london/stop-and-search/2019-03-city-of-london-stop-and-search.csv'), ',', (c) => c[4] !== '' && c[1] !== '')
);
/** Lancashire's anti-social behaviour: month (a date), longitude, latitude, location, LSOA; the category is the source's constant. */
const MONTH_INCIDENT = {
	...byKey(['month', 'longitude', 'latitude', 'location', 'lsoa_code'], realRow(fileText('sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab'), '\t', (c) => c.length === 5)),
	category: 'Anti-social behaviour'
};
/** Chicago: date → timestamp, longitude, latitude, district → area_code; the category is the source's constant. */
const EVENT = {
	...byKey(
		['timestamp', 'loc_cat', 'longitude', 'latitude', 'area_code'],
		realRow(gunzipSync(readFileSync('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz')).toString('utf8'), ',', (c) => c[2] !== '')
	),
	category: 'Aggravated assault'
};

export interface RuleCase {
	name: string;
	/** Values replacing the real row's (null: the cell is missing). */
	set: Record<string, string | null>;
	/** The first rule broken (1-based, RULES order), worked out by hand; null: none. */
	rule: number | null;
}

export interface RuleCaseGroup {
	title: string;
	kind: SourceKind;
	base: Record<string, string | null>;
	cases: readonly RuleCase[];
}

const NBSP = '\u00a0';
const IDEOGRAPHIC_SPACE = '\u3000';

export const RULE_CASES: readonly RuleCaseGroup[] = [
	{
		title: 'street: rules 1–20 (month, crime type, Crime ID, coordinates, LSOA, formulas)',
		kind: 'street',
		base: STREET,
		cases: [
			{ name: 'the real row', set: {}, rule: null },
			// Month: the pre-check reads the untrimmed text; trim removes spaces, never a tab.
			{ name: 'month after a space', set: { month: ' 2019-03' }, rule: null },
			{ name: 'month before a no-break space', set: { month: `2019-03${NBSP}` }, rule: null },
			{ name: 'month after an ideographic space', set: { month: `${IDEOGRAPHIC_SPACE}2019-03` }, rule: null },
			{ name: 'month after a tab', set: { month: '\t2019-03' }, rule: 2 },
			{ name: 'month 2019-3', set: { month: '2019-3' }, rule: 2 },
			{ name: 'month 2019-13', set: { month: '2019-13' }, rule: 2 },
			{ name: 'month 1899-12', set: { month: '1899-12' }, rule: 2 },
			{ name: 'month empty', set: { month: '' }, rule: 1 },
			{ name: 'month a no-break space', set: { month: NBSP }, rule: 1 },
			{ name: 'month missing', set: { month: null }, rule: 1 },
			// Crime type: the pre-check is the list without trim.
			{ name: 'crime type with a trailing space', set: { crime_type: 'Burglary ' }, rule: null },
			{ name: 'crime type in lower case', set: { crime_type: 'burglary' }, rule: 4 },
			{ name: 'crime type a no-break space', set: { crime_type: NBSP }, rule: 3 },
			// Crime ID: blank unless it starts with a printable ASCII character or trims to something.
			{ name: 'ASB without a Crime ID', set: { crime_id: null, crime_type: 'Anti-social behaviour' }, rule: null },
			{ name: 'ASB with a trailing space, no Crime ID', set: { crime_id: '', crime_type: 'Anti-social behaviour ' }, rule: null },
			{ name: 'crime with a Crime ID of one space', set: { crime_id: ' ' }, rule: 5 },
			{ name: 'Crime ID after a no-break space', set: { crime_id: `${NBSP}abc` }, rule: null },
			{ name: 'Crime ID starting with ~', set: { crime_id: '~1' }, rule: null },
			{ name: 'Crime ID starting with DEL', set: { crime_id: '\u007fx' }, rule: null },
			// Coordinates: the cast skips ASCII white space, trim removes Unicode spaces.
			{ name: 'longitude after a space', set: { longitude: ` ${STREET.longitude}` }, rule: null },
			{ name: 'longitude before a tab', set: { longitude: `${STREET.longitude}\t` }, rule: null },
			{ name: 'longitude after a no-break space', set: { longitude: `${NBSP}${STREET.longitude}` }, rule: null },
			{ name: 'latitude before a no-break space', set: { latitude: `${STREET.latitude}${NBSP}` }, rule: null },
			{ name: 'no location (both empty)', set: { longitude: '', latitude: '' }, rule: null },
			{ name: 'no location (both missing)', set: { longitude: null, latitude: null }, rule: null },
			{ name: 'latitude without longitude', set: { longitude: null }, rule: 7 },
			{ name: 'longitude with a blank latitude', set: { latitude: ' ' }, rule: 6 },
			{ name: 'longitude abc', set: { longitude: 'abc' }, rule: 8 },
			{ name: 'latitude north', set: { latitude: 'north' }, rule: 9 },
			{ name: 'longitude 200', set: { longitude: '200' }, rule: 10 },
			{ name: 'longitude NaN', set: { longitude: 'NaN' }, rule: 10 },
			{ name: 'latitude -95', set: { latitude: '-95' }, rule: 11 },
			{ name: 'longitude 2.0 (east of the UK)', set: { longitude: '2.0' }, rule: 12 },
			{ name: 'longitude 1.9 and latitude 49.8 (the corner of the box)', set: { longitude: '1.9', latitude: '49.8' }, rule: null },
			// LSOA: the pre-check is the pattern on the untrimmed text.
			{ name: 'LSOA with a trailing space', set: { lsoa_code: `${STREET.lsoa_code} ` }, rule: null },
			{ name: 'LSOA in lower case', set: { lsoa_code: STREET.lsoa_code!.toLowerCase() }, rule: 13 },
			{ name: 'LSOA of 7 digits', set: { lsoa_code: 'E0100000' }, rule: 13 },
			{ name: 'LSOA empty', set: { lsoa_code: '' }, rule: null },
			// Formulas: the pre-check reads the first byte; the pattern decides the rest.
			{ name: 'location -0.1', set: { location: '-0.1' }, rule: null },
			{ name: 'location -.5', set: { location: '-.5' }, rule: null },
			{ name: 'location -', set: { location: '-' }, rule: null },
			{ name: 'location -cmd', set: { location: '-cmd' }, rule: 17 },
			{ name: 'location - and a line break', set: { location: '-\n' }, rule: 17 },
			{ name: 'location - and é', set: { location: '-é' }, rule: 17 },
			{ name: 'location +1', set: { location: '+1' }, rule: 17 },
			{ name: 'location =1', set: { location: '=1' }, rule: 17 },
			{ name: 'location @x', set: { location: '@x' }, rule: 17 },
			{ name: 'location after a tab', set: { location: '\tx' }, rule: 17 },
			{ name: 'location after a carriage return', set: { location: '\rx' }, rule: 17 },
			{ name: 'location after a space, then =', set: { location: ' =1' }, rule: null },
			{ name: 'location .=1', set: { location: '.=1' }, rule: null },
			{ name: 'location <b>', set: { location: '<b>' }, rule: null },
			{ name: 'location A=1', set: { location: 'A=1' }, rule: null },
			{ name: 'location é=1', set: { location: 'é=1' }, rule: null },
			{ name: 'Crime ID =1', set: { crime_id: '=1' }, rule: 14 },
			{ name: 'reported by @x', set: { reported_by: '@x' }, rule: 15 },
			{ name: 'falls within +x', set: { falls_within: '+x' }, rule: 16 },
			{ name: 'LSOA name -x', set: { lsoa_name: '-x' }, rule: 18 },
			{ name: 'last outcome =x', set: { last_outcome_category: '=x' }, rule: 19 },
			{ name: 'context =1', set: { context: '=1' }, rule: 20 }
		]
	},
	{
		title: 'stop and search: search type, date, coordinates, the three True/False columns',
		kind: 'stop-search',
		base: STOP,
		cases: [
			{ name: 'the real row', set: {}, rule: null },
			{ name: 'type with a trailing space', set: { type: 'Person search ' }, rule: null },
			{ name: 'type in lower case', set: { type: 'person search' }, rule: 2 },
			{ name: 'type a no-break space', set: { type: NBSP }, rule: 1 },
			{ name: 'date one space', set: { date: ' ' }, rule: 3 },
			{ name: 'latitude after a no-break space', set: { latitude: `${NBSP}${STOP.latitude}` }, rule: null },
			{ name: 'longitude 2.0', set: { longitude: '2.0' }, rule: 12 },
			{ name: 'operation TRUE', set: { part_of_a_policing_operation: 'TRUE' }, rule: null },
			{ name: 'operation " false"', set: { part_of_a_policing_operation: ' false' }, rule: null },
			{ name: 'operation Yes', set: { part_of_a_policing_operation: 'Yes' }, rule: 13 },
			{ name: 'operation empty', set: { part_of_a_policing_operation: '' }, rule: null },
			{ name: 'outcome linked: Yes', set: { outcome_linked_to_object_of_search: 'Yes' }, rule: 14 },
			{ name: 'outcome =1', set: { outcome: '=1' }, rule: 23 }
		]
	},
	{
		title: 'generic timestamped records (Chicago): timestamp, coordinates anywhere on Earth, time on task',
		kind: 'events',
		base: EVENT,
		cases: [
			{ name: 'the real row', set: {}, rule: null },
			{ name: 'longitude 181', set: { longitude: '181' }, rule: 7 },
			{ name: 'latitude -90 (the edge)', set: { latitude: '-90' }, rule: null },
			{ name: 'time on task 5', set: { time_on_task: '5' }, rule: null },
			{ name: 'time on task after a space', set: { time_on_task: ' 5' }, rule: null },
			{ name: 'time on task after a no-break space', set: { time_on_task: `${NBSP}5` }, rule: null },
			{ name: 'time on task 0', set: { time_on_task: '0' }, rule: null },
			{ name: 'time on task -1', set: { time_on_task: '-1' }, rule: 9 },
			{ name: 'time on task abc', set: { time_on_task: 'abc' }, rule: 9 },
			{ name: 'time on task empty', set: { time_on_task: '' }, rule: null },
			{ name: 'timestamp missing', set: { timestamp: null }, rule: 1 },
			{ name: 'timestamp one space', set: { timestamp: ' ' }, rule: 1 }
		]
	},
	{
		title: 'records by month (Lancashire): months as dates, category or offence code',
		kind: 'month-incidents',
		base: MONTH_INCIDENT,
		cases: [
			{ name: 'the real row (a date: no pre-check, the rules decide)', set: {}, rule: null },
			{ name: 'month 2022-01', set: { month: '2022-01' }, rule: null },
			{ name: 'month 2022-02-30', set: { month: '2022-02-30' }, rule: 2 },
			{ name: 'month 2022-13', set: { month: '2022-13' }, rule: 2 },
			{ name: 'no category, an offence code', set: { category: null, offence_code: '28E' }, rule: null },
			{ name: 'no category, an offence code after a no-break space', set: { category: '', offence_code: `${NBSP}28E` }, rule: null },
			{ name: 'neither category nor offence code', set: { category: ' ', offence_code: null }, rule: 3 }
		]
	}
];

/**
 * Texts for trimSql (sql.ts) against trim, and for a cast without trim against the cast of the
 * trimmed text: spaces at either end, the separators trim removes beyond ASCII, the white space
 * it keeps, bytes past ASCII, a CR LF, numbers with white space; NULL.
 */
export const TRIM_CASES: ReadonlyArray<string | null> = [
	'', ' ', '  ', 'a', ' a', 'a ', ' a b ', `${NBSP}a`, `a${NBSP}`, IDEOGRAPHIC_SPACE, `${IDEOGRAPHIC_SPACE}a${IDEOGRAPHIC_SPACE}`, '\u2009a', 'é', ' é ', 'aé',
	'\ta\t', 'a\r\n', '\r\n', '\n', ' 1.5', '1.5 ', '\t-0.1', '-0.1\t', `${NBSP}1.5`, '1e3', 'NaN', '1 5', STREET.crime_id!, STREET.location!, null
];

/** The rules (numbers, comma-separated) whose pre-check holds on a row that breaks them: '' when none. */
export const unsoundSql = (kind: SourceKind) =>
	`concat_ws(',', ${RULES[kind].flatMap((r, i) => (r.clear ? [`CASE WHEN (${r.clear}) AND (${r.broken}) THEN '${i + 1}' END`] : [])).join(', ')})`;

/**
 * Each case of `group` as [name, rule with the pre-checks, rule without, pre-checks that held on a
 * broken rule], in order; {@link expectedVerdicts} is what they should be.
 */
export async function caseVerdicts(runner: QueryRunner, group: RuleCaseGroup): Promise<unknown[][]> {
	const keys = sourceFormat(group.kind).columns.map((c) => c.key);
	await runner.exec(`CREATE OR REPLACE TEMP TABLE rule_cases (id INTEGER, ${keys.map((k) => `${ident(k)} VARCHAR`).join(', ')})`);
	for (const [id, c] of group.cases.entries()) {
		const row = { ...group.base, ...c.set };
		await runner.exec(`INSERT INTO rule_cases VALUES (${[id, ...keys].map(() => '?').join(', ')})`, [id, ...keys.map((k) => row[k] ?? null)]);
	}
	const got = await runner.rows<{ fast: number | null; plain: number | null; unsound: string }>(
		`SELECT ${ruleCaseSql(group.kind).rule} AS fast, ${ruleCaseSql(group.kind, { preChecks: false }).rule} AS plain, ${unsoundSql(group.kind)} AS unsound FROM rule_cases ORDER BY id`
	);
	return group.cases.map((c, i) => [c.name, got[i].fast, got[i].plain, got[i].unsound]);
}

/**
 * The hand-worked rule, with and without the pre-checks alike, and no pre-check holding where its
 * rule is broken (each one on its own: another rule's pre-check failing on the same row must not
 * hide one that holds wrongly).
 */
export const expectedVerdicts = (group: RuleCaseGroup): unknown[][] => group.cases.map((c) => [c.name, c.rule, c.rule, '']);
