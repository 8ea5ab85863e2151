/**
 * Regenerate sample-data/context/geography/LSOA11_LAD19_from_IMD2019_File_1.csv.gz: the three
 * columns of IMD 2019 File 1 the force lookup reads (scripts/lib/force-area.ts writeLsoaLadLookup).
 * The file is generated, never edited by hand; scripts/lib/force-area.test.ts checks it against
 * File 1.
 *
 * npx tsx scripts/lsoa-lad-lookup.ts
 */
import { IMD_FILE_1, LSOA_LAD_LOOKUP, writeLsoaLadLookup } from './lib/force-area';

writeLsoaLadLookup(IMD_FILE_1, LSOA_LAD_LOOKUP).then(
	(rows) => console.log(`${LSOA_LAD_LOOKUP}: ${rows} LSOAs from ${IMD_FILE_1}`),
	(error) => {
		console.error(error);
		process.exit(1);
	}
);
