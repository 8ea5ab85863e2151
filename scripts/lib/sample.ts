/**
 * The shipped sample: several data sources, each built into its own extract folder under
 * extracts/sample/<id>/, listed in extracts/sample/sources.json (the app's source selector
 * reads it). Each source's manifest records a fingerprint over its inputs and the builder's
 * own sources, so `npm start` rebuilds only the sources that changed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ATTRIBUTION, buildExtracts, type AreaInputs, type BuildOptions, type BuildResult } from './extracts';
import { writeForceLookup } from './force-area';
import { loadExtract } from './load-input';
import type { NodeRunner } from './node-runner';
import { FORCE_LIST_FILE, FORCE_LOOKUP_FILE } from '../../analytics/ingest/force-area';

export const SAMPLE_DIR = 'sample-data';
export const SAMPLE_OUT = 'extracts/sample';
/**
 * Files of a single extract at the top of the sample folder (the layout before sources.json):
 * removed when the sample is built, so the folder holds one kind of layout only.
 */
function removeSingleExtract(out: string) {
	if (!existsSync(join(out, 'manifest.json'))) return;
	for (const entry of readdirSync(out)) {
		if (entry === 'manifest.json' || entry === 'quarantine.csv' || entry === 'base.duckdb' || entry.endsWith('.arrow')) rmSync(join(out, entry));
	}
}

/** The list of sources the app reads, beside their folders. */
export const SOURCES_FILE = 'sources.json';

const IMD = 'sample-data/context/imd2019';
export const SAMPLE_AREAS: AreaInputs = {
	shapefile: 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp',
	imdFile: `${IMD}/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz`,
	domainsFile: `${IMD}/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz`,
	populationFile: `${IMD}/File_6_-_IoD2019_Population_Denominators.csv.gz`
};

/** One entry of sources.json. */
export interface SourceEntry {
	id: string;
	label: string;
	description: string;
	/** Folder of the source's extract, relative to sources.json. */
	path: string;
}

/** The sources.json file: the data sources a folder of extracts offers, the default first. */
export interface SourcesFile {
	sources: SourceEntry[];
}

export interface SampleSource extends Omit<SourceEntry, 'path'> {
	/** Builder options (everything but where to write and the fingerprint). */
	build: Omit<BuildOptions, 'out' | 'fingerprint' | 'log'>;
	/** Files and folders whose contents the extract depends on, besides the builder. */
	dependsOn: string[];
}

const LANCASHIRE = 'sample-data/police-uk/lancashire-asb-2022';
const CHICAGO = 'sample-data/chicago';

export const SAMPLE_SOURCES: readonly SampleSource[] = [
	{
		id: 'city-of-london',
		label: 'City of London (street crime, stop and search)',
		description: 'data.police.uk street-level crime and stop and search, City of London Police, 2017-12 … 2019-11, with London LSOA boundaries and IMD 2019',
		build: {
			inputs: ['sample-data/police-uk/city-of-london/street', 'sample-data/police-uk/city-of-london/stop-and-search'],
			areas: SAMPLE_AREAS
		},
		// Force area: the force the records fall within (City of London Police → its 6 LSOAs).
		dependsOn: ['sample-data/police-uk/city-of-london', 'sample-data/boundaries', 'sample-data/context', 'models/geography']
	},
	{
		id: 'lancashire-asb',
		label: 'Lancashire (anti-social behaviour 2022)',
		description: 'data.police.uk anti-social behaviour, Lancashire Constabulary, 2022-01 … 2022-12, month resolution, in the 14 local authority districts of Lancashire',
		build: {
			inputs: [`${LANCASHIRE}/lancashire_asb.tab`],
			areas: null,
			// month, longitude, latitude, location, lsoa_code: every record is anti-social behaviour.
			format: 'month-incidents',
			constants: { category: 'Anti-social behaviour', reported_by: 'Lancashire Constabulary', falls_within: 'Lancashire Constabulary' },
			districts: {
				file: `${LANCASHIRE}/lancashire_districts.geojson`,
				imdFile: SAMPLE_AREAS.imdFile,
				populationFile: SAMPLE_AREAS.populationFile,
				attribution: ATTRIBUTION.districtsOns
			},
			attribution: [{ dataset: 'incidents', ...ATTRIBUTION.police }]
		},
		// Force area: the force the records fall within (the constant above, as in the police.uk
		// download this file derives from) → the police force area "Lancashire" → its 14 local
		// authorities → their LSOAs; their district polygons place records by point.
		dependsOn: [LANCASHIRE, 'sample-data/context', 'models/geography']
	},
	{
		id: 'chicago-assaults',
		label: 'Chicago (aggravated assaults 2010–2017)',
		description: 'City of Chicago aggravated assaults, 2010-01-01 … 2017-12-31, minute timestamps, in the police districts',
		build: {
			inputs: [`${CHICAGO}/chicago_aggravated_assaults_2010-2017.csv.gz`],
			areas: null,
			// date, loc_cat, longitude, latitude, district: date → timestamp, district → area_code.
			constants: { category: 'Aggravated assault' },
			districts: { file: `${CHICAGO}/chicago_police_districts.kml`, attribution: ATTRIBUTION.chicago },
			// Force area: the police districts (no LSOAs outside England and Wales).
			forceArea: { kind: 'districts', name: 'Chicago Police Department' },
			attribution: [{ dataset: 'events', ...ATTRIBUTION.chicago }]
		},
		dependsOn: [CHICAGO, 'models/geography']
	}
];

/** The City of London inputs (street, stop and search), as the first sample source reads them. */
export const SAMPLE_INPUTS: string[] = [...SAMPLE_SOURCES[0].build.inputs];

/** The extract builder's command; it and every module it imports make the builder. */
const BUILDER_ENTRY = 'scripts/build-extracts.ts';
/** Sources whose change means the extracts must be rebuilt, besides {@link builderSources}. */
const BUILDER_SOURCES = ['analytics/ingest', 'scripts/lib', BUILDER_ENTRY];

/** A relative module specifier of an import or re-export (static or dynamic) in TypeScript source. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * The files of the builder: `entry` and every module it imports, followed through relative
 * imports (TypeScript and JSON), sorted. What summary.json holds is computed by analytics/overview
 * and analytics/explore, and the harm figures by the harm model's JSON: a change to any of them
 * changes the extract, so each is part of the fingerprint, as the ingest code is.
 */
export function builderSources(entry = BUILDER_ENTRY): string[] {
	const seen = new Set<string>();
	const todo = [entry];
	while (todo.length > 0) {
		const file = todo.pop()!;
		if (seen.has(file)) continue;
		seen.add(file);
		if (!file.endsWith('.ts')) continue;
		for (const [, spec] of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
			const path = relative('.', join(dirname(file), spec));
			const found = [path, `${path}.ts`, join(path, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
			if (found) todo.push(found);
		}
	}
	return [...seen].sort();
}

/** The module that computes and writes summary.json in a build (and again for a built extract). */
const SUMMARY_ENTRY = 'scripts/lib/summary-file.ts';

/**
 * sha256 over the code that computes summary.json ({@link builderSources} of summary-file.ts:
 * analytics/overview, analytics/explore, the harm model's JSON …, paths and contents): an extract
 * whose summary was written under another one has a summary to write again (scripts/start.ts).
 */
export function summaryCodeFingerprint(): string {
	const hash = createHash('sha256');
	for (const f of builderSources(SUMMARY_ENTRY)) hash.update(f).update('\0').update(readFileSync(f)).update('\0');
	return hash.digest('hex');
}

function files(path: string, out: string[]) {
	if (!existsSync(path)) return;
	if (statSync(path).isDirectory()) for (const e of readdirSync(path).sort()) files(join(path, e), out);
	else if (!path.endsWith('.test.ts')) out.push(path);
}

/** sha256 over one source's inputs and the builder's sources (paths and contents: {@link builderSources}), with its id. */
export function sourceFingerprint(source: SampleSource): string {
	const list: string[] = [];
	for (const p of [...source.dependsOn, ...BUILDER_SOURCES]) files(p, list);
	for (const f of builderSources()) if (!list.includes(f)) list.push(f);
	const hash = createHash('sha256').update(source.id).update('\0');
	for (const f of list) hash.update(relative('.', f)).update('\0').update(readFileSync(f)).update('\0');
	return hash.digest('hex');
}

export function sourceDir(id: string, out = SAMPLE_OUT): string {
	return join(out, id);
}

/** The sources whose extract is missing or was built from other inputs or another builder. */
export function staleSources(out = SAMPLE_OUT): SampleSource[] {
	return SAMPLE_SOURCES.filter((source) => {
		const manifest = join(sourceDir(source.id, out), 'manifest.json');
		if (!existsSync(manifest)) return true;
		try {
			return JSON.parse(readFileSync(manifest, 'utf8')).input_fingerprint !== sourceFingerprint(source);
		} catch {
			return true;
		}
	});
}

/** The sources.json the sample should have. */
export function sampleSourcesFile(): SourcesFile {
	return { sources: SAMPLE_SOURCES.map(({ id, label, description }) => ({ id, label, description, path: id })) };
}

function sourcesFileCurrent(out: string): boolean {
	const path = join(out, SOURCES_FILE);
	if (!existsSync(path)) return false;
	return readFileSync(path, 'utf8') === JSON.stringify(sampleSourcesFile(), null, '\t') + '\n';
}

/** True when any source is stale, sources.json is missing or out of date, or the import's force lookups are missing. */
export function sampleIsStale(out = SAMPLE_OUT): boolean {
	return staleSources(out).length > 0 || !sourcesFileCurrent(out) || !existsSync(join(out, FORCE_LOOKUP_FILE)) || !existsSync(join(out, FORCE_LIST_FILE));
}

export interface SampleBuild {
	source: SampleSource;
	result: BuildResult;
}

/**
 * Build the sample sources that are stale (or those named in `only`, whether stale or not) and
 * write sources.json. Returns what was built, in order.
 */
export async function buildSample(options: { out?: string; only?: readonly string[]; log?: (line: string) => void } = {}): Promise<SampleBuild[]> {
	const out = options.out ?? SAMPLE_OUT;
	const unknown = (options.only ?? []).filter((id) => !SAMPLE_SOURCES.some((s) => s.id === id));
	if (unknown.length > 0) throw new Error(`unknown sample source ${unknown.join(', ')}; expected one of ${SAMPLE_SOURCES.map((s) => s.id).join(', ')}`);
	const todo = options.only ? SAMPLE_SOURCES.filter((s) => options.only!.includes(s.id)) : staleSources(out);
	const built: SampleBuild[] = [];
	mkdirSync(out, { recursive: true });
	removeSingleExtract(out);
	for (const source of todo) {
		options.log?.(`Building sample source ${source.id} → ${sourceDir(source.id, out)}`);
		const result = await buildExtracts({ ...source.build, out: sourceDir(source.id, out), fingerprint: sourceFingerprint(source), log: options.log });
		built.push({ source, result });
	}
	writeFileSync(join(out, SOURCES_FILE), JSON.stringify(sampleSourcesFile(), null, '\t') + '\n');
	// The lookups the in-browser import needs to give police.uk files their force area.
	const lookup = await writeForceLookup(out);
	options.log?.(`Force lookup: ${join(out, FORCE_LOOKUP_FILE)} (${lookup.rows} rows, ${(lookup.bytes / 1024).toFixed(0)} KiB), ${join(out, FORCE_LIST_FILE)} (${lookup.forces} forces)`);
	return built;
}

/**
 * Build one shipped sample source into a new temporary folder and load it into `runner`: for
 * tests that read a sample source whole, since a fresh checkout has no extracts/ until
 * `npm start` or the browser tests build them. Returns the removal of the folder.
 */
export async function loadSampleSource(runner: NodeRunner, id: string): Promise<() => void> {
	const source = SAMPLE_SOURCES.find((s) => s.id === id);
	if (!source) throw new Error(`unknown sample source ${id}; expected one of ${SAMPLE_SOURCES.map((s) => s.id).join(', ')}`);
	const dir = mkdtempSync(join(tmpdir(), `clearsight-${id}-`));
	try {
		await buildExtracts({ ...source.build, out: dir });
		await loadExtract(runner, dir);
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return () => rmSync(dir, { recursive: true, force: true });
}
