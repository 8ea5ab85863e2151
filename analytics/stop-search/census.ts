/**
 * Census 2021 residents by ethnic group (ONS table TS021, five broad groups) for LSOAs 2021, read
 * from the Nomis download as published, with each LSOA's local authority (ONS LSOA21 → LAD23
 * lookup). Shared by the extract builder (the `population_ethnicity` dataset) and the
 * stop-search command (`--population <folder>`); SQL over any QueryRunner that can read files.
 *
 * The Nomis layout: 6 preamble lines (title, copyright, population, units, date, blank), a header
 * line, a blank line, then one row per LSOA "E01000001 : City of London 001A", the total, then a
 * count and a % for Asian, Black, Mixed, White and Other; disclosure-control footnotes at the end.
 * Rows are recognised by their code (E01/W01 and six digits), never by position; the header is
 * checked, and every row's five groups must add up to its total.
 */
import type { QueryRunner } from '../runner';
import { csvColumns, TEXT_CSV_SOURCE } from '../ingest/csv-columns';
import { ident, literal } from '../ingest/sql';
import type { LadChange } from '../ingest/force-area';
import { ETHNIC_GROUPS, type EthnicGroup } from './types';

/** File names in a census folder (as in /work/shared/data/context/census2021 and sample-data/context/census2021). */
export const CENSUS_FILES = {
	ts021: 'TS021_ethnic_group_5_lsoa21.csv.gz',
	lookup: 'LSOA21_LAD23_lookup.csv.gz'
} as const;

export interface CensusFiles {
	/** Nomis TS021 (5 groups) by LSOA 2021. */
	ts021File: string;
	/** ONS LSOA21 → LAD23 lookup. */
	lookupFile: string;
}

/** How the denominator is described wherever it is shown. */
export const CENSUS_SOURCE =
	'ONS Census 2021, table TS021 (ethnic group, 5 groups), all usual residents by LSOA 2021 (Nomis); local authorities by the ONS LSOA21 → LAD23 lookup';

/** The TS021 header's group columns, in file order, and the group each one is. */
const TS021_GROUPS: ReadonlyArray<{ header: string; group: EthnicGroup }> = [
	{ header: 'Asian, Asian British or Asian Welsh', group: 'Asian' },
	{ header: 'Black, Black British, Black Welsh, Caribbean or African', group: 'Black' },
	{ header: 'Mixed or Multiple ethnic groups', group: 'Mixed' },
	{ header: 'White', group: 'White' },
	{ header: 'Other ethnic group', group: 'Other' }
];

const COLUMNS = Array.from({ length: 13 }, (_, i) => `c${i}`);
const TS021_SOURCE = `read_csv(?, header = false, auto_detect = false, delim = ',', quote = '"', null_padding = true,
	columns = {${COLUMNS.map((c) => `'${c}': 'VARCHAR'`).join(', ')}})`;

/** Tables the loader may write (identifiers from this list only). */
export type PopulationTable = 'population_ethnicity' | 'population_rows';

/**
 * LAD 2019 codes (as the force area lists them) → LAD 2023 codes (as the Census lookup lists
 * them): a code that is a predecessor of a declared new authority (models/geography/lad-changes.json)
 * becomes that authority, repeatedly (2019 → 2023). Sorted, unique.
 */
export function toLad23(codes: readonly string[], changes: readonly LadChange[]): string[] {
	const out = new Set<string>();
	for (let code of codes) {
		for (let guard = 0; guard < 10; guard++) {
			const next = changes.find((c) => c.predecessors.includes(code));
			if (!next) break;
			code = next.code;
		}
		out.add(code);
	}
	return [...out].sort();
}

/**
 * Create `table` (lsoa21_code, lsoa21_name, lad_code, lad_name, ethnic_group, residents): one
 * row per LSOA 2021 and group, for the local authorities `ladCodes` (LAD 2023; null = all of
 * England and Wales). Returns the LSOAs read and the codes asked for that the lookup lacks.
 * @throws naming the file when the header is not TS021's five groups, when no LSOA rows are
 * found, or when a row's groups do not add up to its total.
 */
export async function loadCensusPopulation(
	runner: QueryRunner,
	files: CensusFiles,
	options: { table: PopulationTable; ladCodes: readonly string[] | null }
): Promise<{ lsoas: number; residents: number; missingLads: string[] }> {
	const header = await runner.rows<Record<string, string | null>>(
		`SELECT * FROM ${TS021_SOURCE} WHERE c0 LIKE '%super output area%' LIMIT 1`,
		[files.ts021File]
	);
	const h = header[0];
	const expected = TS021_GROUPS.map((g, i) => ({ col: `c${3 + 2 * i}`, ...g }));
	if (!h || (h.c1 ?? '').trim() !== 'Total: All usual residents' || expected.some((e) => (h[e.col] ?? '').trim() !== e.header)) {
		throw new Error(
			`${files.ts021File}: not the Nomis TS021 5-group table: expected a header "2021 super output area - lower layer, Total: All usual residents, %, ${TS021_GROUPS.map((g) => g.header).join(', %, ')}, %"`
		);
	}
	const [lsoa, lad, ladName] = await csvColumns(runner, files.lookupFile, ['LSOA21CD', 'LAD23CD', 'LAD23NM'], 'the ONS LSOA21 → LAD23 lookup (LSOA21CD, LAD23CD, LAD23NM)');
	const t = ident(options.table);
	await runner.exec(`CREATE OR REPLACE TEMP TABLE census_ts021 AS
		SELECT split_part(c0, ' : ', 1) AS lsoa21_code, split_part(c0, ' : ', 2) AS lsoa21_name, CAST(c1 AS INTEGER) AS total,
		       ${expected.map((e) => `CAST(${e.col} AS INTEGER) AS ${ident(e.group.toLowerCase())}`).join(', ')}
		FROM ${TS021_SOURCE} WHERE regexp_matches(c0, '^[EW]01[0-9]{6} : ')`, [files.ts021File]);
	const [{ n, bad }] = await runner.rows<{ n: number; bad: number }>(
		`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE asian + black + mixed + white + other <> total)::INTEGER AS bad FROM census_ts021`
	);
	if (n === 0) throw new Error(`${files.ts021File}: no LSOA rows ("E01000001 : name") found`);
	if (bad > 0) throw new Error(`${files.ts021File}: in ${bad} rows the five groups do not add up to the total`);
	await runner.exec(`CREATE OR REPLACE TEMP TABLE census_lookup AS SELECT DISTINCT trim(${lsoa}) AS lsoa21_code, trim(${lad}) AS lad_code, trim(${ladName}) AS lad_name FROM ${TEXT_CSV_SOURCE}`, [
		files.lookupFile
	]);
	const wanted = options.ladCodes;
	await runner.exec(`CREATE OR REPLACE TEMP TABLE census_lads (lad_code VARCHAR)`);
	for (const code of wanted ?? []) await runner.exec(`INSERT INTO census_lads VALUES (?)`, [code]);
	const filter = wanted === null ? 'true' : 'l.lad_code IN (SELECT lad_code FROM census_lads)';
	await runner.exec(`CREATE OR REPLACE ${options.table === 'population_rows' ? 'TEMP ' : ''}TABLE ${t} AS
		SELECT c.lsoa21_code, c.lsoa21_name, l.lad_code, l.lad_name, g.ethnic_group,
		       CASE g.ethnic_group ${ETHNIC_GROUPS.map((e) => `WHEN ${literal(e)} THEN c.${ident(e.toLowerCase())}`).join(' ')} END AS residents
		FROM census_ts021 c JOIN census_lookup l USING (lsoa21_code)
		CROSS JOIN (SELECT unnest([${ETHNIC_GROUPS.map(literal).join(', ')}]) AS ethnic_group) g
		WHERE ${filter}
		ORDER BY c.lsoa21_code, list_position([${ETHNIC_GROUPS.map(literal).join(', ')}], g.ethnic_group)`);
	const [tot] = await runner.rows<{ lsoas: number; residents: number }>(
		`SELECT count(DISTINCT lsoa21_code)::INTEGER AS lsoas, coalesce(sum(residents), 0)::BIGINT AS residents FROM ${t}`
	);
	const present = new Set((await runner.rows<{ lad_code: string }>(`SELECT DISTINCT lad_code FROM census_lookup`)).map((r) => r.lad_code));
	const missingLads = (wanted ?? []).filter((c) => !present.has(c));
	await runner.exec(`DROP TABLE census_ts021; DROP TABLE census_lookup; DROP TABLE census_lads`);
	return { lsoas: tot.lsoas, residents: tot.residents, missingLads };
}
