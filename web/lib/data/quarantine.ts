/**
 * Queries over the `quarantine` table (every rejected input row) for the Data page. Filter
 * values and paging are bound parameters.
 *
 * TODO: move beside analytics/ingest once that folder exposes a reason key; until then the
 * grouping below mirrors the one the builder uses for `sources[].reasons` in manifest.json
 * (analytics/ingest/pipeline.ts strips the ": already at …" detail of duplicates).
 */
import type { QueryRunner } from '$analytics/runner';

/** A rejection reason without its per-row detail, so rows can be grouped and filtered by it. */
const REASON_GROUP = "regexp_replace(reason, ': already at .*$', '')";

export interface QuarantineFilter {
	/** Exact source file name, or null for all. */
	file: string | null;
	/** Reason group (see REASON_GROUP), or null for all. */
	reason: string | null;
}

export interface QuarantineRow {
	source_file: string;
	source_kind: string;
	source_line: number | null;
	column_name: string | null;
	reason: string;
	raw: string | null;
}

export interface QuarantineFacets {
	files: Array<{ value: string; count: number }>;
	reasons: Array<{ value: string; count: number }>;
	total: number;
}

const WHERE = `WHERE ($1::VARCHAR IS NULL OR source_file = $1) AND ($2::VARCHAR IS NULL OR ${REASON_GROUP} = $2)`;

/** Files and reason groups present in the quarantine, with row counts, largest first (ties by name). */
export async function quarantineFacets(runner: QueryRunner): Promise<QuarantineFacets> {
	const [files, reasons, [total]] = await Promise.all([
		runner.rows<{ value: string; count: number }>(
			'SELECT source_file AS value, count(*)::BIGINT AS count FROM quarantine GROUP BY 1 ORDER BY count DESC, value'
		),
		runner.rows<{ value: string; count: number }>(
			`SELECT ${REASON_GROUP} AS value, count(*)::BIGINT AS count FROM quarantine GROUP BY 1 ORDER BY count DESC, value`
		),
		runner.rows<{ n: number }>('SELECT count(*)::BIGINT AS n FROM quarantine')
	]);
	return { files, reasons, total: total.n };
}

/**
 * One page of quarantined rows matching the filter, in file then line order (whole-file
 * rejections, with no line, first), and the number of rows matching in all.
 */
export async function quarantinePage(
	runner: QueryRunner,
	options: QuarantineFilter & { limit: number; offset: number }
): Promise<{ rows: QuarantineRow[]; matching: number }> {
	const filter = [options.file, options.reason];
	const [rows, [count]] = await Promise.all([
		runner.rows<QuarantineRow & Record<string, string | number | null>>(
			`SELECT source_file, source_kind, source_line, column_name, reason, raw FROM quarantine ${WHERE}
			 ORDER BY source_file, source_line NULLS FIRST, column_name NULLS FIRST, reason LIMIT $3 OFFSET $4`,
			[...filter, options.limit, options.offset]
		),
		runner.rows<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM quarantine ${WHERE}`, filter)
	]);
	return { rows, matching: count.n };
}
