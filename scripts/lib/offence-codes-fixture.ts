/**
 * Files with offence codes for the offence-code tests (scripts/lib/offence-codes.test.ts, the
 * browser import's web/lib/import/offence-codes.test.ts). No real RMS export with offence codes is
 * shipped, so they are REAL City of London street rows (2019-01, 2019-02) with an offence code
 * column added from each row's police.uk category by the documented choice in CODE_FOR (a Home
 * Office code of that category, e.g. Burglary → 28E "Burglary Residential"). "Other crime" rows get
 * 53D, a real Home Office fraud code the shipped mapping leaves out, for the unknown-code path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryRunner } from '../../analytics/runner';

const STREET = 'sample-data/police-uk/city-of-london/street';

/** The test's choice of one Home Office code per police.uk category (anti-social behaviour has none). */
export const CODE_FOR: Record<string, string> = {
	Burglary: '28E',
	Robbery: '34B',
	Shoplifting: '46',
	'Bicycle theft': '44',
	'Theft from the person': '39',
	'Vehicle crime': '45',
	'Criminal damage and arson': '58D',
	Drugs: '92D',
	'Possession of weapons': '10D',
	'Public order': '9A',
	'Violence and sexual offences': '8N',
	'Other theft': '49',
	'Other crime': '53D'
};
/** What the shipped mapping must give for each, read off its source by hand (null: not in it). */
export const SUBGROUP_FOR: Record<string, string | null> = {
	'28E': 'Residential burglary',
	'34B': 'Robbery of personal property',
	'46': 'Shoplifting',
	'44': 'Bicycle theft',
	'39': 'Theft from the person',
	'45': 'Vehicle offences',
	'58D': 'Criminal damage',
	'92D': 'Possession of drugs',
	'10D': 'Possession of weapons offences',
	'9A': 'Public order offences',
	'8N': 'Violence with injury',
	'49': 'Other theft offences',
	'53D': null
};

export type SourceRow = {
	crime_id: string | null;
	month: string;
	longitude: string | null;
	latitude: string | null;
	lsoa_code: string | null;
	category: string;
};

const quote = (v: string | null) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`);
export const csv = (header: string[], rows: Array<Array<string | null>>) => [header.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n';

/** February's code as written: some in the spellings a force file may use (lower case, spaces, leading zero, a description). */
export function febCode(r: Pick<SourceRow, 'category'>): string | null {
	if (r.category === 'Anti-social behaviour') return null;
	if (r.category === 'Burglary') return ' 28e ';
	if (r.category === 'Vehicle crime') return '045';
	if (r.category === 'Shoplifting') return 'shoplifting';
	return CODE_FOR[r.category];
}

/**
 * Write the two files into `dir`: January with codes and NO category column (rms-codes-2019-01.csv),
 * February with category and code under the header "ho_code" (rms-category-2019-02.csv). The
 * police.uk Crime ID is kept under a header the import does not read (police.uk repeats a few IDs
 * within a month, which an incident_id column would reject as duplicates); rows are compared by line.
 * February has no LSOA column: with month, category and coordinates it would look like a police.uk
 * street file lacking columns.
 */
export async function writeOffenceCodeFiles(runner: QueryRunner, dir: string) {
	const read = (file: string) =>
		runner.rows<SourceRow>(
			`SELECT "Crime ID" AS crime_id, "Month" AS month, "Longitude" AS longitude, "Latitude" AS latitude, "LSOA code" AS lsoa_code, "Crime type" AS category
			 FROM read_csv(?, header = true, all_varchar = true)`,
			[join(STREET, file)]
		);
	const jan = await read('2019-01-city-of-london-street.csv');
	const feb = await read('2019-02-city-of-london-street.csv');
	const codesOnly = join(dir, 'rms-codes-2019-01.csv');
	writeFileSync(
		codesOnly,
		csv(['police_uk_crime_id', 'month', 'longitude', 'latitude', 'lsoa_code', 'offence_code'], jan.map((r) => [r.crime_id, r.month, r.longitude, r.latitude, r.lsoa_code, CODE_FOR[r.category] ?? null]))
	);
	const withCategory = join(dir, 'rms-category-2019-02.csv');
	writeFileSync(
		withCategory,
		csv(['police_uk_crime_id', 'month', 'category', 'longitude', 'latitude', 'ho_code'], feb.map((r) => [r.crime_id, r.month, r.category, r.longitude, r.latitude, febCode(r)]))
	);
	return { jan, feb, codesOnly, withCategory };
}
