/**
 * Where the shipped sample lives and how to tell whether its extracts are stale: a fingerprint
 * over the sample files and the builder's own sources.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AreaInputs } from './extracts';

export const SAMPLE_DIR = 'sample-data';
export const SAMPLE_OUT = 'extracts/sample';
export const SAMPLE_INPUTS = ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'];
export const SAMPLE_AREAS: AreaInputs = {
	shapefile: 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp',
	imdFile: 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz',
	domainsFile: 'sample-data/context/imd2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz',
	populationFile: 'sample-data/context/imd2019/File_6_-_IoD2019_Population_Denominators.csv.gz'
};
/** Sources whose change means the extracts must be rebuilt. */
const BUILDER_SOURCES = ['analytics/ingest', 'scripts/lib', 'scripts/build-extracts.ts'];

function files(path: string, out: string[]) {
	if (!existsSync(path)) return;
	if (statSync(path).isDirectory()) for (const e of readdirSync(path).sort()) files(join(path, e), out);
	else if (!path.endsWith('.test.ts')) out.push(path);
}

/** sha256 over the sample inputs, area inputs and builder sources (paths and contents). */
export function sampleFingerprint(): string {
	const list: string[] = [];
	for (const p of [...SAMPLE_INPUTS, 'sample-data/boundaries', 'sample-data/context', ...BUILDER_SOURCES]) files(p, list);
	const hash = createHash('sha256');
	for (const f of list) hash.update(relative('.', f)).update('\0').update(readFileSync(f)).update('\0');
	return hash.digest('hex');
}

/** True when extracts/sample is missing or was built from other inputs or another builder. */
export function sampleIsStale(): boolean {
	const manifest = join(SAMPLE_OUT, 'manifest.json');
	if (!existsSync(manifest)) return true;
	try {
		return JSON.parse(readFileSync(manifest, 'utf8')).input_fingerprint !== sampleFingerprint();
	} catch {
		return true;
	}
}
