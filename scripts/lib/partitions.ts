/**
 * The builder's month-partitioned staging cache, `<out>/.partitions/`: for each month of input
 * files, the staged rows (text as read, numbered, with the first row rule each breaks) as
 * Parquet, the parser's rejections, the files' record counts and headers, and in `index.json`
 * the month's files (path, size, mtime, sha256). A rebuild re-reads only the months whose files
 * changed; the rest are loaded from the cache into the same staging tables, and everything after
 * (the cross-file duplicate check, typing, points, datasets) runs over all rows as in a clean
 * build, so the output is the same.
 *
 * A file's month is the YYYY-MM its name (else its folder's name) starts with, as police.uk
 * names them (2019-04/2019-04-city-of-london-street.csv); files without one (events/CAD exports
 * spanning months) share the partition `undated`, re-read whenever any of them changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RULES, SOURCE_FORMATS, literal, type SourceKind } from '../../analytics/ingest';
import type { NodeRunner } from './node-runner';

export const PARTITIONS_DIR = '.partitions';
const INDEX_VERSION = 1;
const MONTH = /^((?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2]))(?![0-9])/;

/** The partition of an input file: the month its name or its folder's name starts with, else `undated`. */
export function partitionOf(path: string): string {
	return MONTH.exec(basename(path))?.[1] ?? MONTH.exec(basename(dirname(path)))?.[1] ?? 'undated';
}

/** What the index keeps of one file: enough to decide, without reading it, whether it changed. */
export interface IndexedFile {
	path: string;
	/** Its name in reports when the cache was written (rows carry it). */
	name: string;
	bytes: number;
	mtimeMs: number;
	sha256: string;
	headerLine: string;
	dataLines: number;
	/** Whether its rows were staged (false: rejected as a whole). */
	staged: boolean;
}

export interface PartitionIndex {
	version: number;
	/** Builder, rules and reading options the cache was made with; any change invalidates it. */
	fingerprint: string;
	months: Record<string, { files: IndexedFile[]; kinds: string[] }>;
}

/** Fingerprint of what decides staged rows: formats, rules, options. */
export function cacheFingerprint(builderVersion: string, options: object): string {
	return createHash('sha256')
		.update(JSON.stringify({ v: INDEX_VERSION, builderVersion, formats: SOURCE_FORMATS, rules: RULES, options }))
		.digest('hex');
}

export function readIndex(dir: string, fingerprint: string): PartitionIndex | null {
	const file = join(dir, 'index.json');
	if (!existsSync(file)) return null;
	try {
		const index = JSON.parse(readFileSync(file, 'utf8')) as PartitionIndex;
		return index.version === INDEX_VERSION && index.fingerprint === fingerprint ? index : null;
	} catch {
		return null;
	}
}

const stageTable = (kind: string) => `ingest_stage_${kind.replace('-', '_')}`;
const monthDir = (dir: string, month: string) => join(dir, month);

/**
 * Write one month's staged rows, parser rejections, file records and headers (the files named in
 * `ingest_part_files`) to `<dir>/<month>/`. Returns the kinds with rows.
 */
export async function writeMonth(runner: NodeRunner, dir: string, month: string, names: readonly string[]): Promise<string[]> {
	const out = monthDir(dir, month);
	rmSync(out, { recursive: true, force: true });
	mkdirSync(out, { recursive: true });
	await runner.exec(`CREATE OR REPLACE TEMP TABLE ingest_part_files (source_file VARCHAR)`);
	for (const name of names) await runner.exec(`INSERT INTO ingest_part_files VALUES (?)`, [name]);
	const kinds: string[] = [];
	// The target path is the builder's own output folder (quoted as a literal: COPY takes no parameter there).
	const copy = (select: string, file: string) => runner.exec(`COPY (${select}) TO ${literal(join(out, file))} (FORMAT parquet)`);
	for (const format of SOURCE_FORMATS) {
		const from = `FROM ${stageTable(format.kind)} SEMI JOIN ingest_part_files USING (source_file)`;
		const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n ${from}`);
		if (n === 0) continue;
		kinds.push(format.kind);
		await copy(`SELECT * EXCLUDE (file_seq) ${from}`, `${format.kind}.parquet`);
	}
	await copy(`SELECT * FROM ingest_quarantine SEMI JOIN ingest_part_files USING (source_file) WHERE source_line IS NOT NULL`, 'quarantine.parquet');
	await copy(`SELECT * EXCLUDE (file_seq) FROM ingest_files SEMI JOIN ingest_part_files USING (source_file) WHERE NOT whole_file_rejected`, 'files.parquet');
	await copy(`SELECT * FROM ingest_headers SEMI JOIN ingest_part_files USING (source_file)`, 'headers.parquet');
	return kinds;
}

/**
 * Load one cached month into the staging tables, its files renamed to their names in this build
 * and given this build's order (`map`: name in the cache → name now, file order now).
 */
export async function loadMonth(runner: NodeRunner, dir: string, month: string, kinds: readonly string[], map: ReadonlyArray<{ was: string; name: string; seq: number }>): Promise<void> {
	const at = monthDir(dir, month);
	await runner.exec(`CREATE OR REPLACE TEMP TABLE ingest_part_map (was VARCHAR, name VARCHAR, seq INTEGER)`);
	for (const m of map) await runner.exec(`INSERT INTO ingest_part_map VALUES (?, ?, ?)`, [m.was, m.name, m.seq]);
	const join_ = `JOIN ingest_part_map m ON m.was = p.source_file`;
	for (const kind of kinds) {
		if (!SOURCE_FORMATS.some((f) => f.kind === (kind as SourceKind))) throw new Error(`${join(at, kind)}: not a staging kind (remove ${dir} or build with --clean)`);
		await runner.exec(
			`INSERT INTO ${stageTable(kind)} BY NAME SELECT p.* EXCLUDE (source_file), m.name AS source_file, m.seq AS file_seq FROM read_parquet(?) p ${join_}`,
			[join(at, `${kind}.parquet`)]
		);
	}
	await runner.exec(`INSERT INTO ingest_quarantine BY NAME SELECT p.* EXCLUDE (source_file), m.name AS source_file FROM read_parquet(?) p ${join_}`, [join(at, 'quarantine.parquet')]);
	await runner.exec(`INSERT INTO ingest_files BY NAME SELECT p.* EXCLUDE (source_file), m.name AS source_file, m.seq AS file_seq FROM read_parquet(?) p ${join_}`, [join(at, 'files.parquet')]);
	await runner.exec(`INSERT INTO ingest_headers BY NAME SELECT p.* EXCLUDE (source_file), m.name AS source_file FROM read_parquet(?) p ${join_}`, [join(at, 'headers.parquet')]);
}

export function writeIndex(dir: string, index: PartitionIndex): void {
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, '\t') + '\n');
}
