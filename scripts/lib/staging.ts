/**
 * The builder's first phase: input files → the staging tables of analytics/ingest, every row
 * numbered and checked against the row rules, every file accounted for. Files are read once for
 * their checksum and scan; whole-file rejections (empty, twin, unknown header, header only) are
 * decided in input order as before; the files left are staged in batches of one header shape,
 * one read_csv each (analytics/ingest/pipeline.ts stageFiles).
 */
import { detectInput, rejectWholeFile, stageFiles, stageShape, type ColumnConstants, type ColumnMapping, type SourceKind, type StageOptions } from '../../analytics/ingest';
import { readInput, type InputFile } from './input-files';
import type { NodeRunner } from './node-runner';

export interface StageInputOptions {
	columns?: ColumnMapping;
	constants?: ColumnConstants;
	format?: SourceKind;
	log: (line: string) => void;
	/** Largest batch, in bytes on disk (default 1 GiB): bounds the raw rows held at once. */
	maxBatchBytes?: number;
}

export interface StagedInputs {
	files: InputFile[];
	/** Number of read_csv batches run. */
	batches: number;
}

/** One file to stage, with what stageFiles needs. */
interface Pending {
	file: InputFile;
	stage: StageOptions;
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

/**
 * Read, check and stage every input (paths in input order, names for reports). Leaves the
 * staging tables, `ingest_files`, `ingest_headers` and the parser's and whole-file rejections
 * in `ingest_quarantine`; the row rules are checked (`_rule`), the cross-row ones not yet.
 */
export async function stageInputs(runner: NodeRunner, paths: readonly string[], names: readonly string[], options: StageInputOptions): Promise<StagedInputs> {
	const files: InputFile[] = [];
	const seen = new Map<string, string>();
	const pending: Array<Pending & { bytes: number }> = [];
	for (let i = 0; i < paths.length; i++) {
		const file: InputFile = { ...readInput(paths[i]), name: names[i] };
		files.push(file);
		const { scan } = file;
		const whole = (reason: string, kind = 'unknown', column: string | null = null) =>
			rejectWholeFile(runner, { file: file.name, fileSeq: i, kind, reason, column, dataLines: scan.dataLines, raw: scan.headerLine });
		if (file.bytes === 0) {
			await whole('empty file (0 bytes): expected a header line and data rows');
			continue;
		}
		const twin = seen.get(file.sha256);
		if (twin) {
			await whole(`identical to ${twin} (same sha256): the file was given twice`);
			continue;
		}
		seen.set(file.sha256, file.name);
		const detection = detectInput(scan.headerLine, file.name, options);
		if (!detection.ok) {
			await whole(detection.issue.message, 'unknown', detection.issue.column);
			continue;
		}
		if (scan.dataLines === 0) {
			await whole('no data rows: the file has a header line only', detection.kind);
			continue;
		}
		pending.push({
			file,
			bytes: file.bytes,
			stage: {
				source: file.path,
				file: file.name,
				fileSeq: i,
				detection,
				blankLines: scan.blankLines,
				lineShifts: scan.lineShifts,
				gzip: file.path.toLowerCase().endsWith('.gz') || scan.bytes !== file.bytes
			}
		});
	}
	const batches = batchByShape(pending, options.maxBatchBytes ?? 2 ** 30);
	const records = new Map<Pending, number>();
	for (const batch of batches) {
		const counts = await stageFiles(runner, batch.map((p) => p.stage));
		batch.forEach((p, i) => records.set(p, counts[i]));
	}
	for (const p of pending) options.log(`  read ${p.file.name}: ${p.stage.detection.format.label}, ${records.get(p)} rows`);
	return { files, batches: batches.length };
}
