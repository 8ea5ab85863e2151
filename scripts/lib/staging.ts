/**
 * The builder's first phase: input files → the staging tables of analytics/ingest, every row
 * numbered and checked against the row rules, every file accounted for. Files are read once for
 * their checksum and scan; whole-file rejections (empty, twin, unknown header, header only) are
 * decided in input order; the files left are staged in batches of one header shape, one
 * read_csv each (analytics/ingest/pipeline.ts stageFiles). With a cache (partitions.ts), months
 * whose files are unchanged are loaded from it instead of being read again.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectInput, projectedHeaders, rejectWholeFile, stageFiles, stageShape, type ColumnConstants, type ColumnMapping, type DetectedSource, type SourceKind, type StageOptions, type TextScan } from '../../analytics/ingest';
import type { FileCrs } from '../../analytics/ingest/crs';
import { readInput, type InputFile } from './input-files';
import type { NodeRunner } from './node-runner';
import { loadMonth, partitionOf, readIndex, writeIndex, writeMonth, type IndexedFile, type PartitionIndex } from './partitions';

export interface StageInputOptions {
	columns?: ColumnMapping;
	constants?: ColumnConstants;
	format?: SourceKind;
	/** Per input file (same order as the paths): its own format, columns and constants (`--mapping`); undefined: the options above. */
	perFile?: ReadonlyArray<{ columns?: ColumnMapping; constants?: ColumnConstants; format?: SourceKind } | undefined>;
	/** Per input file (same order as the paths): the system its coordinates are in (input-crs.ts); absent: WGS84 for all. */
	crs?: readonly FileCrs[];
	log: (line: string) => void;
	/** Largest batch, in bytes on disk (default 1 GiB): bounds the raw rows held at once. */
	maxBatchBytes?: number;
	/** The month-partitioned staging cache: its folder, its fingerprint, and whether to ignore what is there. */
	cache?: { dir: string; fingerprint: string; clean: boolean } | null;
}

export interface StagedInputs {
	files: InputFile[];
	/** Number of read_csv batches run. */
	batches: number;
	/** With a cache: the months read from their files, and those loaded from the cache. */
	reread: string[];
	cached: string[];
}

/** Group files to stage by shape, in input order within a group, each batch at most `maxBytes`. */
export function batchByShape<T extends { stage: StageOptions; bytes: number }>(pending: readonly T[], maxBytes: number): T[][] {
	const groups = new Map<string, T[][]>();
	for (const p of pending) {
		const key = stageShape(p.stage);
		const list = groups.get(key) ?? [];
		if (!groups.has(key)) groups.set(key, list);
		const last = list.at(-1);
		const size = last?.reduce((t, q) => t + q.bytes, 0) ?? 0;
		if (last && size + p.bytes <= maxBytes) last.push(p);
		else list.push([p]);
	}
	return [...groups.values()].flat();
}

type Decision = { stage: false; reason: string; kind: string; column: string | null } | { stage: true; detection: DetectedSource };

/** A scan standing in for one taken from the bytes, from what the cache's index kept (whole-file checks only). */
function indexedScan(f: IndexedFile): TextScan {
	return { headerLine: f.headerLine, blankLines: [], dataLines: f.dataLines, lineShifts: [], bom: false, lineEnding: 'LF', bytes: f.bytes };
}

/**
 * Read, check and stage every input (paths in input order, names for reports). Leaves the
 * staging tables, `ingest_files`, `ingest_headers` and the parser's and whole-file rejections
 * in `ingest_quarantine`; the row rules are checked (`_rule`), the cross-row ones not yet.
 */
export async function stageInputs(runner: NodeRunner, paths: readonly string[], names: readonly string[], options: StageInputOptions): Promise<StagedInputs> {
	const cache = options.cache ?? null;
	const index = cache && !cache.clean ? readIndex(cache.dir, cache.fingerprint) : null;
	const indexed = new Map<string, IndexedFile>();
	for (const m of Object.values(index?.months ?? {})) for (const f of m.files) indexed.set(f.path, f);

	const step = (() => {
		let at = performance.now();
		return () => {
			const s = ((performance.now() - at) / 1000).toFixed(2);
			at = performance.now();
			return `${s} s`;
		};
	})();
	// What each file is: from the index when its size and modification time are unchanged, else read.
	const files: InputFile[] = [];
	const mtimes: number[] = [];
	const fresh = new Set<number>();
	for (let i = 0; i < paths.length; i++) {
		const stat = statSync(paths[i]);
		mtimes.push(stat.mtimeMs);
		const was = indexed.get(paths[i]);
		if (was && was.bytes === stat.size && was.mtimeMs === stat.mtimeMs) {
			files.push({ path: paths[i], name: names[i], bytes: was.bytes, sha256: was.sha256, scan: indexedScan(was) });
		} else {
			files.push({ ...readInput(paths[i]), name: names[i] });
			fresh.add(i);
		}
	}

	// Whole-file decisions, in input order (a twin is the later of two identical files).
	const seen = new Map<string, string>();
	const decisions: Decision[] = files.map((file, i) => {
		const { scan } = file;
		if (file.bytes === 0) return { stage: false, reason: 'empty file (0 bytes): expected a header line and data rows', kind: 'unknown', column: null };
		const twin = seen.get(file.sha256);
		if (twin) return { stage: false, reason: `identical to ${twin} (same sha256): the file was given twice`, kind: 'unknown', column: null };
		seen.set(file.sha256, file.name);
		const crs = options.crs?.[i];
		const detection = detectInput(scan.headerLine, file.name, { ...(options.perFile?.[i] ?? options), projected: crs ? !crs.crs.isWgs84 : false });
		if (!detection.ok) return { stage: false, reason: detection.issue.message, kind: 'unknown', column: detection.issue.column };
		const grid = !crs || crs.origin === 'wgs84-default' ? projectedHeaders(detection) : null;
		if (grid) {
			const reason = `the coordinates are in "${grid.x}" and "${grid.y}", which name eastings and northings, but no coordinate system was given: give it with --crs (e.g. --crs EPSG:27700 for British National Grid) or a .prj file beside the input`;
			return { stage: false, reason, kind: detection.kind, column: grid.x };
		}
		if (scan.dataLines === 0) return { stage: false, reason: 'no data rows: the file has a header line only', kind: detection.kind, column: null };
		return { stage: true, detection };
	});

	// Months to read again: any whose files, contents or decisions differ from the cache's.
	const month = paths.map((p) => (cache ? partitionOf(p) : 'all'));
	const months = [...new Set(month)];
	const dirty = new Set(
		months.filter((m) => {
			const was = index?.months[m];
			if (!was) return true;
			const now = paths.map((p, i) => ({ p, i })).filter(({ i }) => month[i] === m);
			return (
				was.files.length !== now.length ||
				now.some(({ p, i }, k) => was.files[k].path !== p || was.files[k].sha256 !== files[i].sha256 || was.files[k].staged !== decisions[i].stage)
			);
		})
	);

	const pending: Array<{ i: number; stage: StageOptions; bytes: number }> = [];
	for (let i = 0; i < files.length; i++) {
		const d = decisions[i];
		if (!d.stage) {
			const { scan } = files[i];
			await rejectWholeFile(runner, { file: files[i].name, fileSeq: i, kind: d.kind, reason: d.reason, column: d.column, dataLines: scan.dataLines, raw: scan.headerLine });
			continue;
		}
		if (!dirty.has(month[i])) continue;
		if (!fresh.has(i)) files[i] = { ...readInput(paths[i]), name: names[i] };
		const file = files[i];
		pending.push({
			i,
			bytes: file.bytes,
			stage: {
				source: file.path,
				file: file.name,
				fileSeq: i,
				detection: d.detection,
				blankLines: file.scan.blankLines,
				crs: options.crs?.[i]?.crs ?? null,
				lineShifts: file.scan.lineShifts,
				dataLines: file.scan.dataLines,
				gzip: file.path.toLowerCase().endsWith('.gz') || file.scan.bytes !== file.bytes
			}
		});
	}
	options.log(`  files read, hashed (sha256) and scanned: ${fresh.size} of ${files.length}: ${step()}`);
	const batches = batchByShape(pending, options.maxBatchBytes ?? 2 ** 30);
	const records = new Map<number, number>();
	for (const batch of batches) {
		const counts = await stageFiles(runner, batch.map((p) => p.stage));
		batch.forEach((p, k) => records.set(p.i, counts[k]));
	}
	options.log(`  read_csv with the row rules, ${batches.length} batch${batches.length === 1 ? '' : 'es'}: ${step()}`);
	for (const p of pending) options.log(`  read ${p.stage.file}: ${(decisions[p.i] as { detection: DetectedSource }).detection.format.label}, ${records.get(p.i)} rows`);

	const reread = months.filter((m) => dirty.has(m)).sort();
	const cached = months.filter((m) => !dirty.has(m)).sort();
	if (cache) {
		for (const m of cached) {
			const was = index!.months[m];
			const map = was.files.flatMap((f) => {
				const i = paths.indexOf(f.path);
				return f.staged ? [{ was: f.name, name: names[i], seq: i }] : [];
			});
			await loadMonth(runner, cache.dir, m, was.kinds, map);
		}
		const next: PartitionIndex = { version: 1, fingerprint: cache.fingerprint, months: {} };
		for (const m of months) {
			const idx = paths.map((_, i) => i).filter((i) => month[i] === m);
			const kinds = dirty.has(m)
				? await writeMonth(runner, cache.dir, m, idx.filter((i) => decisions[i].stage).map((i) => names[i]))
				: index!.months[m].kinds;
			next.months[m] = {
				kinds,
				files: idx.map((i) => {
					const old = indexed.get(paths[i]);
					return {
						path: paths[i],
						// Rows of a month loaded from the cache keep the name they were written with.
						name: dirty.has(m) ? names[i] : (old?.name ?? names[i]),
						bytes: files[i].bytes,
						mtimeMs: mtimes[i],
						sha256: files[i].sha256,
						headerLine: files[i].scan.headerLine,
						dataLines: files[i].scan.dataLines,
						staged: decisions[i].stage
					};
				})
			};
		}
		writeIndex(cache.dir, next);
		options.log(`  partition cache: ${cached.length} month${cached.length === 1 ? '' : 's'} loaded, ${reread.length} written: ${step()}`);
		// Months no longer among the inputs leave the cache.
		for (const entry of readdirSync(cache.dir, { withFileTypes: true })) {
			if (entry.isDirectory() && !months.includes(entry.name)) rmSync(join(cache.dir, entry.name), { recursive: true, force: true });
		}
	}
	return { files, batches: batches.length, reread, cached };
}
