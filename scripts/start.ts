/**
 * npm start [-- --data <folder>] [--port <n>]
 *
 * Builds the sample extracts (each stale source) and the app when missing or stale, then serves
 * the dashboard on 127.0.0.1 and prints its URL. With --data, serves that folder instead: one
 * extract (manifest.json at its top, made by `npm run extracts`), a folder of sources
 * (sources.json listing extract folders, as extracts/sample), or a folder of input files (e.g.
 * police.uk downloads in month folders): those are built, as `npm run extracts -- --input <folder>`
 * would, into `<folder>-extract/` beside it, again only when the files changed (names, sizes,
 * modification times); when only the code that computes summary.json changed (or the extract was
 * built before its summary's version), summary.json alone is written again from the extract
 * (scripts/lib/summary-rewrite.ts), which takes the summary's queries, not a build. A `source.json` in that folder (`{ "label", "description" }`, as
 * scripts/bench/national.ts writes for its synthetic set) names the source in the app; with
 * `"areas": false` the extract is built without the LSOA boundaries and IMD (as --no-areas), and
 * with `"force_area": "none"` it declares no force area (a set spanning many forces).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from './lib/args';
import { startServer } from './lib/server';
import { BUILDER, buildExtracts } from './lib/extracts';
import { listInputs } from './lib/input-files';
import { SAMPLE_OUT, SOURCES_FILE, summaryCodeFingerprint, type SourcesFile } from './lib/sample';
import { rewriteSummaryFile } from './lib/summary-rewrite';
import { parseBuildExtractsArgs } from './build-extracts';
import { writeForceLookup } from './lib/force-area';
import { FORCE_LIST_FILE } from '../analytics/ingest/force-area';
import { ensureAppBuild, ensureSampleExtracts } from './ensure';

/** Fingerprint of a folder of inputs: every file's path, size and modification time, and the builder. */
function inputsFingerprint(dir: string, files: readonly string[]): string {
	const hash = createHash('sha256').update(`${BUILDER.name} ${BUILDER.version}\0`);
	for (const f of files) {
		const s = statSync(f);
		hash.update(`${relative(dir, f)}\0${s.size}\0${s.mtimeMs}\0`);
	}
	return hash.digest('hex');
}

/**
 * The input_fingerprint of a folder's extract: the inputs' fingerprint, then the summary code's
 * (summaryCodeFingerprint), as `<inputs> summary <code>`. An extract built before the summary's
 * code was recorded holds the inputs' alone (its summary is then written again).
 */
export function folderFingerprint(inputs: string, summaryCode: string): string {
	return `${inputs} summary ${summaryCode}`;
}

function readFolderFingerprint(recorded: unknown): { inputs: string; summaryCode: string | null } {
	const [inputs, summaryCode] = String(recorded).split(' summary ');
	return { inputs, summaryCode: summaryCode ?? null };
}

/**
 * The extract of a folder of input files: built into `<folder>-extract/<name>/` (with a
 * sources.json naming it) unless the one there was built from the same files; its summary.json
 * alone is written again when the one there was computed by other code. Returns the folder to serve.
 */
export async function ensureFolderExtract(dir: string, log: (line: string) => void = console.log): Promise<string> {
	const files = listInputs([dir]);
	if (files.length === 0) {
		throw new Error(
			`${dir} has no manifest.json, no ${SOURCES_FILE} listing sources, and no input files (.csv, .csv.gz, .tsv, .tab, .txt): make extracts with \`npm run extracts -- --input <files> --out <folder>\``
		);
	}
	const name = basename(resolve(dir)).replace(/[^A-Za-z0-9._-]+/g, '-') || 'data';
	const root = `${resolve(dir)}-extract`;
	const out = join(root, name);
	const inputs = inputsFingerprint(resolve(dir), files);
	const summaryCode = summaryCodeFingerprint();
	const fingerprint = folderFingerprint(inputs, summaryCode);
	const manifest = join(out, 'manifest.json');
	const about = join(dir, 'source.json');
	const declared = existsSync(about)
		? (JSON.parse(readFileSync(about, 'utf8')) as { label?: string; description?: string; areas?: boolean; force_area?: string })
		: {};
	const recorded = existsSync(manifest) ? readFolderFingerprint(JSON.parse(readFileSync(manifest, 'utf8')).input_fingerprint) : null;
	if (recorded?.inputs === inputs && recorded.summaryCode !== summaryCode) {
		log(`Writing summary.json of ${out} again: the code that computes it changed since the extract was built (the extract's files are kept) …`);
		const t = performance.now();
		const entry = await rewriteSummaryFile(out, { fingerprint });
		log(`  summary.json written again (${entry.bytes.toLocaleString('en-GB')} bytes) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
	} else if (recorded?.inputs !== inputs) {
		log(`Building the extract of ${files.length} files in ${dir} → ${out} …`);
		const options = parseBuildExtractsArgs(['--input', dir, '--out', out, ...(declared.areas === false ? ['--no-areas'] : [])]);
		if (options === 'help' || options.sample) throw new Error('unexpected build options');
		if (declared.force_area === 'none') options.forceArea = { kind: 'none' };
		const { manifest: m, elapsedMs } = await buildExtracts({ ...options, fingerprint, log });
		log(`  ${m.totals.accepted.toLocaleString('en-GB')} rows accepted, ${m.totals.rejected.toLocaleString('en-GB')} rejected, in ${(elapsedMs / 1000).toFixed(1)} s`);
	}
	const sources: SourcesFile = {
		sources: [{ id: name, label: declared.label ?? name, description: declared.description ?? `Built from the files in ${resolve(dir)}`, path: name }]
	};
	mkdirSync(root, { recursive: true });
	writeFileSync(join(root, SOURCES_FILE), JSON.stringify(sources, null, '\t') + '\n');
	return root;
}

async function main() {
	const args = parseArgs(process.argv.slice(2), { values: ['data', 'port'] });
	let data = args.values.data;
	if (data) {
		if (!existsSync(data)) throw new Error(`${data}: no such folder`);
		if (!existsSync(join(data, 'manifest.json')) && !existsSync(join(data, SOURCES_FILE))) data = await ensureFolderExtract(data);
		// The Data page's force list and lookup are the same for every source: served from the sample folder's.
		if (!existsSync(join(data, FORCE_LIST_FILE)) && !existsSync(join(SAMPLE_OUT, FORCE_LIST_FILE))) {
			try {
				await writeForceLookup(SAMPLE_OUT);
			} catch (e) {
				console.warn(`The Data page's list of forces could not be made (${(e as Error).message}); the page will ask for local authority codes instead.`);
			}
		}
	} else {
		await ensureSampleExtracts();
	}
	ensureAppBuild();
	const port = Number(args.values.port ?? process.env.PORT ?? 4173);
	const server = await startServer({ dataDir: data ?? SAMPLE_OUT, port });
	console.log(`\nClearsight is running at ${server.url}/  (data: ${resolve(data ?? SAMPLE_OUT)})\nPress Ctrl+C to stop.`);
}

if (process.argv[1]?.endsWith('start.ts')) {
	main().catch((e) => {
		const err = e as NodeJS.ErrnoException;
		if (err.code === 'EADDRINUSE') console.error(`error: port in use; choose another with \`npm start -- --port 4180\``);
		else console.error(`error: ${err.message}`);
		process.exit(1);
	});
}
