/**
 * npm run extracts -- --input <files or folders …> --out <folder> [--boundaries <shp>] [--imd <folder>] [--no-areas]
 *     [--columns field=header,…] [--constant field=value,…] [--format events|month-incidents] | [--mapping <file.json>]
 *     [--crs EPSG:27700|<file.prj>]   (coordinates as x/y in that system: --columns x=<header>,y=<header>)
 *     [--districts <file.geojson|file.kml|file.shp>] [--district-id <property>] [--district-name <property>]
 *     [--areas-label <plural name, e.g. Wards>] [--areas-crs <EPSG code>]
 *     [--force-lads <LAD codes,…> | --force <police force> | --force-area districts | --force-boundary <file.geojson|file.kml|file.shp>]
 *     [--force-name <name>] [--pfa-lookup <csv>] [--lad-changes <json>] [--clean | --no-partitions]
 * npm run extracts:sample [-- --source <id> …]   (the shipped sample → extracts/sample/<id>/ and sources.json)
 *
 * Turns police.uk downloads (street, stop-and-search, outcomes CSVs; folders of monthly files)
 * and generic incident files into the extracts the dashboard loads. Prints, per file, rows in /
 * accepted / rejected and the top rejection reasons, and where the records lie against the force
 * area; exits 1 when nothing usable was found, 2 on a usage error (including an unknown force or
 * local authority code, or a --mapping file that cannot be read or names no input file).
 *
 * The force area (the study region of every analysis): police.uk records name the force they
 * "fall within", whose local authorities' LSOAs are its area; other data names it with
 * --force-lads, --force, or a boundary file (--force-boundary, or --districts with
 * --force-area districts). With none of these, the extract declares no force area and the
 * analyses use the areas that have records, saying so.
 *
 * Month-partitioned rebuilds: the staged rows of each month of input files are kept in
 * `<out>/.partitions/` (scripts/lib/partitions.ts) and a rebuild reads again only the months
 * whose files changed; --clean reads every file (and rewrites the cache), --no-partitions keeps none.
 */
import { join } from 'node:path';
import { parseArgs, parseColumnMapping } from './lib/args';
import { runCli, UsageError } from './lib/cli';
import { FileMappingError, readFileMapping, type FileMappingSpec } from './lib/file-mapping';
import { resolveDeclaredCrs } from './lib/input-crs';
import type { FileCrs } from '../analytics/ingest/crs';
import { buildExtracts, type AreaInputs, type BuildOptions, type BuildResult, type DistrictInputs } from './lib/extracts';
import { DEFAULT_FORCE_LOOKUPS, type ForceLookupFiles } from './lib/force-area';
import { SAMPLE_AREAS, SAMPLE_OUT, SAMPLE_SOURCES, buildSample, sourceDir } from './lib/sample';
import { readOffenceCodesFile } from './lib/offence-codes-file';
import { ForceAreaError, GENERIC_KINDS, type ForceAreaRequest, type SourceKind } from '../analytics/ingest';

const USAGE = `usage: npm run extracts -- --input <files or folders …> --out <folder> [--boundaries <file.shp>] [--imd <folder>] [--no-areas]
         [--columns timestamp=<header>,month=<header>,category=<header>,longitude=<header>,latitude=<header>,area_code=<header>,lsoa_code=<header>,priority=<header>,time_on_task=<header>,incident_id=<header>,offence_code=<header>]
         (coordinates in a projected system, with --crs or a .prj: x=<easting header>,y=<northing header>)
         [--constant category=<value>,…] [--format events|month-incidents]
         | [--mapping <file.json>]   (per file: format, columns, constants; see scripts/README.md)
         [--crs EPSG:27700|EPSG:29903|EPSG:2157|EPSG:3857|EPSG:32630|EPSG:4326|<file.prj>]   (default: a .prj beside each file, else longitude/latitude)
         [--districts <file.geojson|file.kml|file.shp>] [--district-id <property>] [--district-name <property>]
         [--areas-label <plural name, e.g. Wards>] [--areas-crs <EPSG code, for a boundary file that declares none>]
         [--force-lads <LAD codes,…> | --force <police force> | --force-area districts | --force-boundary <file.geojson|file.kml|file.shp>]
         [--force-name <name>] [--pfa-lookup <LAD16_CSP16_PFA16 csv>] [--lad-changes <json>]
         [--clean | --no-partitions] [--offence-codes <file.json|file.csv>]   (default: the shipped Home Office mapping)
       npm run extracts:sample [-- --source <id> …]`;

function areaInputs(boundaries: string | undefined, imd: string | undefined): AreaInputs {
	const base = imd ?? 'sample-data/context/imd2019';
	return {
		shapefile: boundaries ?? SAMPLE_AREAS.shapefile,
		imdFile: imd ? join(base, 'File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz') : SAMPLE_AREAS.imdFile,
		domainsFile: imd ? join(base, 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz') : SAMPLE_AREAS.domainsFile,
		populationFile: imd ? join(base, 'File_6_-_IoD2019_Population_Denominators.csv.gz') : SAMPLE_AREAS.populationFile
	};
}

/** What one run builds: the shipped sample (some of its sources), or extracts from the given inputs. */
export type BuildExtractsCliOptions =
	| { sample: true; out: string; only: string[] }
	| ({ sample: false } & Omit<BuildOptions, 'fingerprint' | 'log'>);

/** Parse and check the command line; throws a UsageError naming the problem. */
export function parseBuildExtractsArgs(argv: readonly string[]): BuildExtractsCliOptions | 'help' {
	const args = parseArgs(argv, {
		lists: ['input', 'source'],
		values: [
			'out', 'boundaries', 'imd', 'columns', 'constant', 'format', 'mapping', 'crs', 'districts', 'district-id', 'district-name', 'areas-label', 'areas-crs',
			'force-lads', 'force', 'force-area', 'force-boundary', 'force-name', 'pfa-lookup', 'lad-changes', 'offence-codes'
		],
		flags: ['sample', 'no-areas', 'help', 'clean', 'no-partitions']
	});
	if (args.flags.has('help')) return 'help';
	if (args.flags.has('sample')) return { sample: true, out: args.values.out ?? SAMPLE_OUT, only: args.lists.source ?? SAMPLE_SOURCES.map((s) => s.id) };
	const inputs = args.lists.input ?? [];
	const out = args.values.out;
	if (inputs.length === 0 || !out) throw new UsageError(`${inputs.length === 0 ? '--input' : '--out'} is required`);
	const areas = args.flags.has('no-areas') ? null : areaInputs(args.values.boundaries, args.values.imd);
	const columns = args.values.columns ? parseColumnMapping(args.values.columns) : undefined;
	const constants = args.values.constant ? parseColumnMapping(args.values.constant, '--constant', 'field=value') : undefined;
	const format = args.values.format as SourceKind | undefined;
	if (format !== undefined && !GENERIC_KINDS.includes(format)) throw new UsageError(`--format must be one of ${GENERIC_KINDS.join(', ')}, got "${format}"`);
	const perFileMapping = args.values.mapping;
	if (perFileMapping !== undefined && (columns || constants || format)) {
		throw new UsageError('--mapping names each file\'s format, columns and constants: give it instead of --columns, --constant and --format, not with them');
	}
	let mapping: FileMappingSpec | null = null;
	if (perFileMapping !== undefined) {
		try {
			mapping = readFileMapping(perFileMapping);
		} catch (e) {
			if (e instanceof FileMappingError) throw new UsageError(e.message);
			throw e;
		}
	}
	if ((args.values['district-id'] || args.values['district-name']) && !args.values.districts && !args.values['force-boundary']) {
		throw new UsageError('--district-id and --district-name need --districts <file>');
	}
	for (const option of ['areas-label', 'areas-crs'] as const) {
		if (args.values[option] !== undefined && !args.values.districts && !args.values['force-boundary']) throw new UsageError(`--${option} needs --districts <file>`);
	}
	if (args.values['areas-label'] !== undefined && args.values['areas-label'].trim() === '') throw new UsageError('--areas-label needs a name, e.g. --areas-label Wards');
	const forceArea = forceAreaRequest(args.values);
	const districtsFile = args.values.districts ?? args.values['force-boundary'];
	const districts: DistrictInputs | null = districtsFile
		? {
				file: districtsFile,
				idProperty: args.values['district-id'],
				nameProperty: args.values['district-name'],
				label: args.values['areas-label'],
				crs: args.values['areas-crs'],
				imdFile: areaInputs(undefined, args.values.imd).imdFile,
				populationFile: areaInputs(undefined, args.values.imd).populationFile
			}
		: null;
	const forceLookups: ForceLookupFiles = {
		// Without --imd, File 1's three lookup columns as shipped (the same rows, read faster).
		imdFile: args.values.imd ? areaInputs(undefined, args.values.imd).imdFile : DEFAULT_FORCE_LOOKUPS.imdFile,
		pfaFile: args.values['pfa-lookup'] ?? DEFAULT_FORCE_LOOKUPS.pfaFile,
		ladChangesFile: args.values['lad-changes'] ?? DEFAULT_FORCE_LOOKUPS.ladChangesFile
	};
	const partitions = !args.flags.has('no-partitions');
	if (args.flags.has('clean') && !partitions) throw new UsageError('--clean rebuilds the month cache that --no-partitions turns off: give one of them');
	let crs: FileCrs | null = null;
	if (args.values.crs !== undefined) {
		try {
			crs = resolveDeclaredCrs(args.values.crs);
		} catch (e) {
			throw new UsageError(e instanceof Error ? e.message : String(e));
		}
	}
	return { sample: false, inputs, out, areas, columns, constants, format, mapping, crs, districts, forceArea, forceLookups, partitions, clean: args.flags.has('clean'), offenceCodes: offenceCodesOption(args.values['offence-codes']) };
}

/** The user's offence-code mapping (`--offence-codes`), checked now: a bad row is a usage error naming its line and column. */
function offenceCodesOption(path: string | undefined) {
	if (path === undefined) return null;
	try {
		return readOffenceCodesFile(path);
	} catch (e) {
		throw new UsageError(e instanceof Error ? e.message : String(e));
	}
}

/** Build and print the per-file account; returns the exit status (1 when nothing was accepted, 2 on an unknown force or code). */
export async function runBuildExtracts(options: BuildExtractsCliOptions): Promise<number> {
	if (options.sample) {
		const { out, only } = options;
		const built = await buildSample({ out, only, log: (line) => console.log(line) });
		let code = 0;
		for (const { source, result } of built) {
			console.log(`\n== ${source.id} (${sourceDir(source.id, out)})`);
			code = Math.max(code, report(result, sourceDir(source.id, out)));
		}
		console.log(`\nSources: ${join(out, 'sources.json')} (${built.map((b) => b.source.id).join(', ')})`);
		return code;
	}
	console.log(`Building extracts from ${options.inputs.join(', ')} → ${options.out}`);
	let result: BuildResult;
	try {
		result = await buildExtracts({ ...options, fingerprint: '', log: (line) => console.log(line) });
	} catch (e) {
		if (!(e instanceof ForceAreaError) && !(e instanceof FileMappingError)) throw e;
		console.error(`error: ${e.message}`);
		return 2;
	}
	return report(result, options.out);
}

/** The force area the flags name (at most one way), else `auto` (the records' "Falls within", else none). */
function forceAreaRequest(values: Record<string, string | undefined>): ForceAreaRequest {
	const given = ['force-lads', 'force', 'force-area', 'force-boundary'].filter((k) => values[k] !== undefined);
	if (given.length > 1) throw new Error(`name the force area one way: ${given.map((g) => `--${g}`).join(' and ')} were both given`);
	const name = values['force-name'];
	if (values['force-lads'] !== undefined) return { kind: 'lads', ladCodes: values['force-lads'].split(','), name };
	if (values.force !== undefined) return { kind: 'force', force: values.force, name };
	if (values['force-area'] !== undefined) {
		if (values['force-area'] !== 'districts') throw new Error(`--force-area takes "districts" (the --districts file is the force area), got "${values['force-area']}"`);
		if (!values.districts) throw new Error('--force-area districts needs --districts <file>');
		return { kind: 'districts', name };
	}
	if (values['force-boundary'] !== undefined) {
		if (values.districts && values.districts !== values['force-boundary']) {
			throw new Error('--force-boundary is the districts file as well: give either --force-boundary <file> or --districts <file> --force-area districts');
		}
		return { kind: 'districts', name };
	}
	if (name !== undefined) throw new Error('--force-name names an area given with --force-lads, --force, --force-area or --force-boundary');
	return { kind: 'auto' };
}

/** Print the per-file account; 1 when nothing was accepted. */
function report({ manifest, elapsedMs }: BuildResult, out: string): number {
	console.log('\nPer file: rows in = accepted + rejected');
	const width = Math.max(...manifest.sources.map((s) => s.file.length), 4);
	console.log(`${'file'.padEnd(width)}  ${'kind'.padEnd(15)} ${'rows in'.padStart(8)} ${'accepted'.padStart(8)} ${'rejected'.padStart(8)}  top reasons`);
	for (const s of manifest.sources) {
		const reasons = s.reasons.slice(0, 2).map((r) => `${r.count}× ${r.reason}`).join('; ');
		console.log(`${s.file.padEnd(width)}  ${s.kind.padEnd(15)} ${String(s.rows_in).padStart(8)} ${String(s.accepted).padStart(8)} ${String(s.rejected).padStart(8)}  ${reasons}`);
	}
	const t = manifest.totals;
	console.log(`${'total'.padEnd(width)}  ${''.padEnd(15)} ${String(t.rows_in).padStart(8)} ${String(t.accepted).padStart(8)} ${String(t.rejected).padStart(8)}`);
	const how = { declared: '--crs', prj: 'the .prj beside it', 'detected-confirmed': 'suggested and kept', 'wgs84-default': 'default' } as const;
	for (const s of manifest.sources) {
		if (s.crs && s.crs.origin !== 'wgs84-default') console.log(`  coordinates of ${s.file}: ${s.crs.label}${s.crs.code ? ` (${s.crs.code})` : ''}, from ${s.crs.origin === 'prj' && s.crs.prj ? s.crs.prj : how[s.crs.origin]}; turned into longitude/latitude`);
	}
	for (const d of manifest.datasets) {
		console.log(d.format === 'duckdb-table' ? `  ${d.file} table ${d.table}: ${d.rows} rows` : `  ${d.file}: ${d.rows} rows, ${(d.bytes / 1024).toFixed(0)} KiB`);
	}
	const base = manifest.base_database;
	if (base) console.log(`  ${base.file}: ${(base.bytes / 1024).toFixed(0)} KiB (DuckDB storage ${base.storage_version}, rows sorted by ${base.sorted_by})`);
	console.log(`Quarantine: ${join(out, 'quarantine.csv')} (${t.rejected} rejected rows). Built in ${(elapsedMs / 1000).toFixed(1)} s.`);
	if (t.accepted === 0) {
		console.error(
			`\nerror: nothing usable found: no row of ${manifest.sources.length} file(s) was accepted. ` +
				`Expected police.uk street, stop-and-search or outcomes CSVs, timestamped incidents (a date-time column) or month-resolution incidents (month and category; see --columns and --constant); see ${join(out, 'quarantine.csv')} for why each file or row was rejected.`
		);
		return 1;
	}
	return 0;
}

runCli({ module: import.meta.url, usage: USAGE, parse: parseBuildExtractsArgs, run: runBuildExtracts });
