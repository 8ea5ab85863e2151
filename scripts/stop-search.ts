/**
 * npm run stop-search -- --input <stop-and-search CSVs, folders or an extract> [--from YYYY-MM] [--to YYYY-MM]
 *   [--ethnicity self|officer] [--population <census folder>] [--force "<police force>"] [--boundaries <shp>|none]
 *   [--all-locations] --out rates.csv
 *
 * Stop and search by ethnic group for the force area the records fall within, as a force
 * publishes it: one row per Census 2021 group (Asian, Black, Mixed, White, Other) and one for
 * searches with no recorded ethnicity, with searches per 1,000 residents, the ratio to White and
 * its Katz 95% interval, finds (outcome linked to the object of search) and the find rate with its
 * Wilson 95% interval, arrests and the arrest rate (analytics/stop-search). Prints the period, the
 * denominator and every caveat the figures carry. Exits 2 on a usage error, 1 when the input
 * cannot be read or holds no searches in the period.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from './lib/args';
import { runCli, UsageError } from './lib/cli';
import { createNodeRunner } from './lib/node-runner';
import { isExtractFolder, loadInput } from './lib/load-input';
import { listInputs } from './lib/input-files';
import { readLadChanges, DEFAULT_FORCE_LOOKUPS } from './lib/force-area';
import { SAMPLE_AREAS } from './lib/sample';
import type { AreaInputs } from './lib/extracts';
import { toCsv } from '../analytics/export/csv';
import type { Row } from '../analytics/runner';
import { monthIndex } from '../analytics/shared/months';
import type { ForceAreaRequest } from '../analytics/ingest/force-area';
import { CENSUS_FILES, loadCensusPopulation, toLad23 } from '../analytics/stop-search/census';
import { disproportionality, type DisproportionalityResult, type EthnicityBasis } from '../analytics/stop-search';
import { RATE_COLUMNS, rateTableRows } from '../analytics/stop-search/rates-table';

const USAGE = `usage: npm run stop-search -- --input <stop-and-search CSVs, folders or an extract folder …> --out <file.csv>
       [--from YYYY-MM] [--to YYYY-MM] [--ethnicity self|officer] [--population <census folder>]
       [--force "<police force>"] [--boundaries <LSOA 2011 shapefile>|none] [--all-locations]
  e.g. npm run stop-search -- --input sample-data/police-uk/city-of-london/stop-and-search --from 2018-12 --to 2019-11 --out rates.csv
  --ethnicity     self (default: the person's own, as the Home Office publishes) or officer (officer-defined)
  --population    a folder holding ${CENSUS_FILES.ts021} and ${CENSUS_FILES.lookup}
                  (default: those built into the extract, else sample-data/context/census2021)
  --force         the police force, when the file names do not say it (police.uk names them YYYY-MM-<force>-stop-and-search.csv)
  --boundaries    LSOA 2011 boundaries used to place searches inside or outside the force area (default: the shipped London file)
  --all-locations count every search in the force's files, wherever located (the Home Office count); by default searches
                  located outside the force area are left out`;

/** The Census 2021 files shipped with the sample (TS021 and the LSOA21 → LAD23 lookup). */
const DEFAULT_CENSUS_FOLDER = 'sample-data/context/census2021';

/** The columns of the output, in order (issue 13): analytics/stop-search/rates-table.ts. */
export { RATE_COLUMNS };

export interface StopSearchCliOptions {
	inputs: string[];
	out: string;
	from?: string;
	to?: string;
	basis: EthnicityBasis;
	population?: string;
	force?: string;
	boundaries: string | null;
	allLocations: boolean;
}

/** Parse and check the command line; throws a UsageError naming the problem. */
export function parseStopSearchArgs(argv: readonly string[]): StopSearchCliOptions | 'help' {
	const args = parseArgs(argv, { lists: ['input'], values: ['out', 'from', 'to', 'ethnicity', 'population', 'force', 'boundaries'], flags: ['help', 'all-locations'] });
	if (args.flags.has('help')) return 'help';
	const inputs = args.lists.input;
	if (!inputs?.length) throw new UsageError('--input is required');
	if (!args.values.out) throw new UsageError('--out is required');
	for (const name of ['from', 'to'] as const) {
		const v = args.values[name];
		if (v !== undefined) {
			try {
				monthIndex(v);
			} catch {
				throw new UsageError(`--${name} must be a month YYYY-MM, got "${v}"`);
			}
		}
	}
	if (args.values.from && args.values.to && monthIndex(args.values.from) > monthIndex(args.values.to)) {
		throw new UsageError(`--from ${args.values.from} is after --to ${args.values.to}`);
	}
	const basis = args.values.ethnicity ?? 'self';
	if (basis !== 'self' && basis !== 'officer') throw new UsageError(`--ethnicity must be self or officer, got "${basis}"`);
	const b = args.values.boundaries;
	return {
		inputs,
		out: args.values.out,
		from: args.values.from,
		to: args.values.to,
		basis,
		population: args.values.population,
		force: args.values.force,
		boundaries: b === 'none' ? null : (b ?? SAMPLE_AREAS.shapefile),
		allLocations: args.flags.has('all-locations')
	};
}

/** police.uk's stop-and-search file name: YYYY-MM-<force slug>-stop-and-search.csv. */
const POLICE_UK_FILE = /^\d{4}-\d{2}-(.+)-stop-and-search\.csv(\.gz)?$/i;

/**
 * The force the police.uk stop-and-search files belong to, from their names ("city-of-london" →
 * "city of london", matched to the ONS police force area by the builder). Null when no file is
 * named that way; throws when the files name several forces.
 */
export function forceFromFileNames(paths: readonly string[]): string | null {
	const slugs = new Set<string>();
	for (const p of paths) {
		const m = POLICE_UK_FILE.exec(basename(p));
		if (m) slugs.add(m[1].toLowerCase());
	}
	if (slugs.size > 1) throw new UsageError(`the files are from several forces (${[...slugs].join(', ')}): give one force's files, or name it with --force`);
	return slugs.size === 1 ? [...slugs][0].replaceAll('-', ' ') : null;
}

/** A number for the CSV: fixed decimals, empty when unknown. */
function fixed(x: number | null, dp: number): string {
	return x === null || !Number.isFinite(x) ? '' : x.toFixed(dp);
}

/** Decimal places printed per column (counts and residents as they are). */
const DECIMALS: Partial<Record<(typeof RATE_COLUMNS)[number], number>> = {
	rate_per_1000: 2,
	ratio_vs_white: 3,
	ratio_lo95: 3,
	ratio_hi95: 3,
	find_rate: 4,
	find_rate_lo95: 4,
	find_rate_hi95: 4,
	arrest_rate: 4
};

/** The output rows: the five groups, then "Not recorded" (rateTableRows), rounded for print. */
export function rateRows(r: DisproportionalityResult): Row[] {
	return rateTableRows(r).map((row) =>
		Object.fromEntries(
			RATE_COLUMNS.map((c) => {
				const dp = DECIMALS[c];
				const v = row[c];
				return [c, dp === undefined ? v : fixed(typeof v === 'number' ? v : null, dp)];
			})
		)
	);
}

/** Run the command; returns the exit status (errors are thrown: exit 1). */
export async function runStopSearch(o: StopSearchCliOptions): Promise<number> {
	const runner = await createNodeRunner();
	try {
		const extract = o.inputs.length === 1 && isExtractFolder(o.inputs[0]);
		let forceArea: ForceAreaRequest | undefined;
		let areas: AreaInputs | null = null;
		if (!extract) {
			const named = o.force ?? forceFromFileNames(listInputs(o.inputs));
			if (named) forceArea = { kind: 'force', force: named };
			if (o.boundaries) {
				if (!existsSync(o.boundaries)) throw new Error(`boundaries not found: ${o.boundaries}`);
				areas = { ...SAMPLE_AREAS, shapefile: o.boundaries };
			}
		} else if (o.force) throw new UsageError('--force applies only when building from CSVs: an extract folder already has its force area');
		const wanted = ['stop_search', 'force_area', 'population_ethnicity'] as const;
		// An extract built before a dataset existed does not list it: load what it has.
		const listed = extract
			? new Set(((JSON.parse(readFileSync(join(o.inputs[0], 'manifest.json'), 'utf8')) as { datasets?: Array<{ name: string }> }).datasets ?? []).map((d) => d.name))
			: null;
		const input = await loadInput(runner, o.inputs, {
			datasets: wanted.filter((d) => !listed || listed.has(d)),
			forceArea,
			areas
		});
		const fa = input.manifest.force_area;
		// Residents: from --population, else those built into the extract, else the shipped Census files.
		const built = input.tables.some((t) => t.name === 'population_ethnicity' && t.rows > 0);
		const folder = o.population ?? (built || !fa?.lad_codes.length ? null : DEFAULT_CENSUS_FOLDER);
		if (folder) {
			const files = { ts021File: join(folder, CENSUS_FILES.ts021), lookupFile: join(folder, CENSUS_FILES.lookup) };
			for (const f of [files.ts021File, files.lookupFile]) if (!existsSync(f)) throw new Error(`--population: ${f} not found`);
			if (!fa || fa.unit !== 'lsoa' || fa.lad_codes.length === 0) {
				throw new Error('--population: the force area is not known (no local authorities), so there are no residents to sum; name the force with --force');
			}
			const lads = toLad23(fa.lad_codes, readLadChanges(DEFAULT_FORCE_LOOKUPS.ladChangesFile));
			const got = await loadCensusPopulation(runner, files, { table: 'population_ethnicity', ladCodes: lads });
			if (got.missingLads.length > 0) console.log(`warning: local authorities not in ${files.lookupFile}: ${got.missingLads.join(', ')}`);
		}
		const result = await disproportionality(runner, {
			from: o.from,
			to: o.to,
			basis: o.basis,
			area: { kind: 'force', includeOutside: o.allLocations }
		});
		if (result.totalSearches === 0) throw new Error(`no searches${o.from || o.to ? ` from ${o.from ?? 'the start'} to ${o.to ?? 'the end'}` : ''} in ${o.inputs.join(', ')}`);
		mkdirSync(dirname(resolve(o.out)), { recursive: true });
		writeFileSync(o.out, toCsv(rateRows(result), RATE_COLUMNS));

		const d = result.denominator;
		console.log(`Stop and search by ${o.basis === 'self' ? 'self-defined' : 'officer-defined'} ethnicity: ${result.areaLabel}, ${result.period!.from} to ${result.period!.to}`);
		console.log(`Input: ${extract ? `extract ${o.inputs[0]}` : o.inputs.join(', ')}; force area ${fa?.name ?? 'not known'} (${fa?.method ?? 'none'})`);
		console.log(`Searches: ${result.totalSearches.toLocaleString('en-GB')}, of which ${result.notRecorded.searches.toLocaleString('en-GB')} (${((result.notRecorded.share ?? 0) * 100).toFixed(1)}%) with no recorded ethnicity`);
		console.log(
			d.residents === null
				? 'Residents: none loaded, so no rates per 1,000 residents (give --population <census folder>)'
				: `Residents: ${d.residents.toLocaleString('en-GB')} in ${d.lsoa21Count} LSOAs 2021 of ${d.ladCodes.join(', ')} (${d.source})`
		);
		console.log(d.note);
		const months = monthIndex(result.period!.to) - monthIndex(result.period!.from) + 1;
		if (d.residents !== null) {
			console.log(`Rates are searches per 1,000 residents over these ${months} month${months === 1 ? '' : 's'}${months === 12 ? ' (a year: the Home Office\'s annual rate)' : ', not per year'}.`);
		}
		const table = rateRows(result);
		const w = [12, 9, 10, 10, 18, 24, 10];
		console.log(['group', 'searches', 'residents', 'per 1,000', 'ratio vs White', 'find rate (95% CI)', 'arrest rate'].map((h, i) => h.padEnd(w[i])).join(' '));
		for (const r of table) {
			const ratio = r.ratio_vs_white === '' ? '–' : `${r.ratio_vs_white}${r.ratio_lo95 !== '' ? ` (${r.ratio_lo95}–${r.ratio_hi95})` : ''}`;
			const find = r.find_rate === '' ? '–' : `${r.find_rate} (${r.find_rate_lo95}–${r.find_rate_hi95})`;
			console.log(
				[String(r.group), String(r.searches), r.residents === null ? '–' : String(r.residents), r.rate_per_1000 === '' ? '–' : String(r.rate_per_1000), ratio, find, String(r.arrest_rate || '–')]
					.map((c, i) => c.padEnd(w[i]))
					.join(' ')
			);
		}
		for (const g of result.rows) if (g.ratioNote && g.group !== 'White') console.log(`note: ${g.group}: ${g.ratioNote}`);
		for (const c of result.caveats) console.log(`caveat (${c.severity}): ${c.text}`);
		console.log(`Wrote ${table.length} rows to ${o.out}.`);
		return 0;
	} finally {
		runner.close();
	}
}

runCli({ module: import.meta.url, usage: USAGE, parse: parseStopSearchArgs, run: runStopSearch });
