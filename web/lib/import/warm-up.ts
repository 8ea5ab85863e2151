/**
 * A first import before the user's: DuckDB-wasm compiles its code paths on first use (read_csv,
 * the row rules' regular expressions, hash aggregates, sorts, Arrow export), which made a fresh
 * instance's first import about 40% slower than its second (sample, 48 files, DuckDB-wasm's Node
 * build: 4.3 s → 2.5 s). The import worker runs this one on a few real rows as soon as its
 * instance has started, while the user picks files; the user's import then finds the paths
 * compiled. `build.test.ts` checks that an import after it gives the same extract (values, types,
 * order, reports) as one on a fresh instance.
 */
import { ImportCancelled, importFiles, type ImportEngine, type ImportHelpers, type ImportInput } from './build';

/**
 * The first five rows of two months of City of London street records and stop and searches
 * (sample-data/police-uk, data.police.uk, Open Government Licence v3.0): two files of each
 * header shape, so the batched read of several files runs too.
 */
const WARM_UP_FILES: ReadonlyArray<{ name: string; lines: readonly string[] }> = [
	{
		name: '2019-10-city-of-london-street.csv',
		lines: [
			'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context',
			',2019-10,City of London Police,City of London Police,-0.111497,51.518226,On or near Pedestrian Subway,E01000914,Camden 028B,Anti-social behaviour,,',
			'a53440d933613bf927349c9af506c2a2e49bb72786fefd07e49dd42d6a34a914,2019-10,City of London Police,City of London Police,-0.111497,51.518226,On or near Pedestrian Subway,E01000914,Camden 028B,Other theft,Investigation complete; no suspect identified,',
			'347cacb0d02bdb756998b54d7487407bcf6f171ba72f6c2d2aa1094d8691a0be,2019-10,City of London Police,City of London Police,-0.112422,51.515381,On or near Star Yard,E01000914,Camden 028B,Other theft,Investigation complete; no suspect identified,',
			'24a8afd5512e09b44b272db7bee560cb458fc718a11ed7eb672459a8d9c64fd3,2019-10,City of London Police,City of London Police,-0.111962,51.518494,On or near Nightclub,E01000914,Camden 028B,Violence and sexual offences,Local resolution,',
			',2019-10,City of London Police,City of London Police,-0.098572,51.516767,On or near King Edward Street,E01000001,City of London 001A,Anti-social behaviour,,'
		]
	},
	{
		name: '2019-11-city-of-london-street.csv',
		lines: [
			'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context',
			',2019-11,City of London Police,City of London Police,-0.124342,51.527640,On or near Speedy Place,E01000941,Camden 025C,Anti-social behaviour,,',
			'899228a3301f2dad683d5ff403bb3d18403dcc8757aa47b17e400abe29ea7660,2019-11,City of London Police,City of London Police,-0.106038,51.519873,On or near Nightclub,E01000916,Camden 027B,Drugs,Court result unavailable,',
			',2019-11,City of London Police,City of London Police,-0.112422,51.515381,On or near Star Yard,E01000914,Camden 028B,Anti-social behaviour,,',
			'4c7b8bf601bc63fa66fe2446fd3e0fdad6b6b9d8f0a3f58b25f2e5cdc4ca28c6,2019-11,City of London Police,City of London Police,-0.113256,51.516824,On or near Old Square,E01000914,Camden 028B,Other theft,Investigation complete; no suspect identified,',
			'd0b655e5289c26227c8c6ee9b997c3050624850a9d08dd4260f949c64cd814d7,2019-11,City of London Police,City of London Police,-0.111962,51.518494,On or near Nightclub,E01000914,Camden 028B,Theft from the person,Investigation complete; no suspect identified,'
		]
	},
	{
		name: '2019-10-city-of-london-stop-and-search.csv',
		lines: [
			'Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing',
			'Person and Vehicle search,2019-10-01T04:31:39+00:00,,,51.509313,-0.073850,Male,18-24,Asian/Asian British - Bangladeshi,Asian,Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,False,False',
			'Person search,2019-10-01T04:39:27+00:00,,,51.509313,-0.073850,Male,25-34,Asian/Asian British - Bangladeshi,Asian,Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,False,False',
			'Person search,2019-10-01T04:48:13+00:00,,,51.509313,-0.073850,Male,10-17,Other ethnic group - Not stated,Asian,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False',
			'Person search,2019-10-01T11:21:50+00:00,,,51.510671,-0.084284,Male,over 34,Other ethnic group - Not stated,White,Police and Criminal Evidence Act 1984 (section 1),Stolen goods,A no further action disposal,False,False',
			'Person search,2019-10-02T01:02:26+00:00,,,51.513952,-0.085833,Male,18-24,Asian/Asian British - Bangladeshi,Asian,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False'
		]
	},
	{
		name: '2019-11-city-of-london-stop-and-search.csv',
		lines: [
			'Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing',
			'Person search,2019-11-01T05:27:16+00:00,,,,,Male,over 34,White - Irish,White,Police and Criminal Evidence Act 1984 (section 1),Article for use in theft,A no further action disposal,False,False',
			'Person search,2019-11-01T07:35:28+00:00,,,51.508066,-0.087780,Male,18-24,Black/African/Caribbean/Black British - Any other Black/African/Caribbean background,Black,Police and Criminal Evidence Act 1984 (section 1),Offensive weapons,A no further action disposal,False,False',
			'Person and Vehicle search,2019-11-01T09:08:03+00:00,,,51.509950,-0.078665,Male,25-34,Other ethnic group - Not stated,White,Police and Criminal Evidence Act 1984 (section 1),Stolen goods,A no further action disposal,False,False',
			'Person and Vehicle search,2019-11-01T09:10:40+00:00,,,51.509950,-0.078665,Male,18-24,Other ethnic group - Not stated,White,Police and Criminal Evidence Act 1984 (section 1),Article for use in theft,A no further action disposal,False,False',
			'Person search,2019-11-01T11:03:04+00:00,,,51.518046,-0.077777,Male,25-34,White - Any other White background,White,Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,True,False'
		]
	}
];

/**
 * Run the warm-up import on `engine` (no force lookup is fetched: the records' force is left unnamed).
 * `yieldTo`, asked between its steps, stops it early when it returns true (a user's import is
 * waiting: that import then compiles what is left itself, sooner than after the rest of the
 * warm-up's work); what it left is replaced by the next import (tested in build.test.ts).
 */
export async function warmUpImport(engine: ImportEngine, helpers: ImportHelpers, yieldTo?: () => boolean): Promise<void> {
	const inputs: ImportInput[] = WARM_UP_FILES.map(({ name, lines }) => {
		const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
		return { name, pathHint: name, bytes: bytes.length, read: async () => bytes.slice() };
	});
	try {
		await importFiles(engine, inputs, helpers, { cancelled: yieldTo });
	} catch (error) {
		if (!(error instanceof ImportCancelled)) throw error;
		// Files registered but not yet staged (import-<i>.csv): the next import registers its own under those names.
		for (let i = 0; i < inputs.length; i++) await engine.dropFile(`import-${i}.csv`).catch(() => {});
	}
}
