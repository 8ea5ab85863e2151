/**
 * Ingest in SQL, over any QueryRunner: stage each file's raw text, apply the rules, and keep
 * an account of every row. The caller reads file bytes (Node: fs; browser: File) and hands
 * over what only the bytes can tell: header line, blank lines, checksum.
 *
 * Tables it owns (all prefixed `ingest_`): `ingest_stage_<kind>` raw rows, `ingest_quarantine`
 * every rejected row, `ingest_files` one row per file with its counts.
 */
import type { Param, QueryRunner } from '../runner';
import type { Detection } from './detect';
import { DELIMITERS } from './detect';
import { RULES, DUPLICATE_RULE, genericTimestampSql, monthOfDateSql, ruleCaseSql } from './rules';
import { SOURCE_FORMATS, exportKindOfHeaders, sourceFormat, type ExportKind, type SourceKind } from './sources';
import { ident, literal, trimSql } from './sql';
import { OFFENCE_CODE_KINDS, applyOffenceCodes, loadShippedOffenceCodes } from './offence-codes';
import { hourOfWeekSql, isoWithOffsetToUtcSql, ukLocalTimeSql } from './time';
import { createPointTransform, type ResolvedCrs } from './crs';

export type DetectedSource = Extract<Detection, { ok: true }>;

const stageTable = (kind: SourceKind) => ident(`ingest_stage_${kind.replace('-', '_')}`);

const RAW_LIMIT = 500;

/** Create (empty) the tables the pipeline writes. Safe to call again: it starts afresh. */
export async function resetIngest(runner: QueryRunner): Promise<void> {
	const statements = [
		`CREATE OR REPLACE TABLE ingest_quarantine (source_file VARCHAR, source_kind VARCHAR, source_line INTEGER, column_name VARCHAR, reason VARCHAR, raw VARCHAR)`,
		`CREATE OR REPLACE TABLE ingest_files (file_seq INTEGER, source_file VARCHAR, source_kind VARCHAR, records INTEGER, whole_file_rejected BOOLEAN)`,
		`CREATE OR REPLACE TABLE ingest_headers (source_file VARCHAR, col_idx INTEGER, key VARCHAR, header VARCHAR)`,
		`CREATE OR REPLACE TABLE ingest_rules (source_kind VARCHAR, rule INTEGER, key VARCHAR, reason VARCHAR)`
	];
	for (const format of SOURCE_FORMATS) {
		const cols = format.columns.map((c) => `${ident(c.key)} VARCHAR`).join(', ');
		statements.push(
			`CREATE OR REPLACE TABLE ${stageTable(format.kind)} (source_file VARCHAR, source_line INTEGER, file_seq INTEGER, ${cols}, _rule INTEGER)`
		);
	}
	// One round trip for the tables and one for the rules (each statement costs a round trip to DuckDB-wasm's worker).
	await runner.exec(statements.join(';\n'));
	await insertRows(runner, 'ingest_rules', 4, SOURCE_FORMATS.flatMap((format) => RULES[format.kind].map((rule, i) => [format.kind, i + 1, rule.key, rule.reason])));
	// The shipped offence-code mapping; a caller with the user's own file loads it after this (loadOffenceCodes).
	await loadShippedOffenceCodes(runner);
}

/** Record a file rejected as a whole (empty, unrecognised header …) with its data-line count. */
export async function rejectWholeFile(
	runner: QueryRunner,
	options: { file: string; fileSeq: number; kind: string; reason: string; column: string | null; dataLines: number; raw: string }
): Promise<void> {
	await runner.exec(`INSERT INTO ingest_files VALUES (?, ?, ?, ?, true)`, [options.fileSeq, options.file, options.kind, options.dataLines]);
	await runner.exec(`INSERT INTO ingest_quarantine VALUES (?, ?, NULL, ?, ?, ?)`, [
		options.file,
		options.kind,
		options.column,
		options.dataLines > 0 ? `${options.reason} (all ${options.dataLines} data lines rejected)` : options.reason,
		options.raw.slice(0, RAW_LIMIT)
	]);
}

export interface StageOptions {
	/** What read_csv opens: a path (Node) or a registered file name (browser). */
	source: string;
	/** The file's name for reports. */
	file: string;
	/** Order of the file among the inputs; the first occurrence of a duplicate is kept. */
	fileSeq: number;
	detection: DetectedSource;
	/** Record numbers of blank lines (the header is 1), which DuckDB skips (see text-scan.ts). */
	blankLines: readonly number[];
	/** Record → physical line shifts where quoted values span lines (see text-scan.ts). */
	lineShifts?: ReadonlyArray<{ record: number; shift: number }>;
	/** Whether the bytes are gzip-compressed (by content, whatever the name says). */
	gzip?: boolean;
	/**
	 * Records after the header that are not blank (text-scan.ts), when known: files that read as
	 * counted are staged in one pass (the rows are checked against it).
	 */
	dataLines?: number;
	/**
	 * The system the file's coordinates are in (analytics/ingest/crs.ts); absent or WGS84: the
	 * longitude/latitude columns hold degrees. Otherwise they hold x/y (eastings/northings), which
	 * are turned into WGS84 degrees once staged (see reprojectStaged).
	 */
	crs?: ResolvedCrs | null;
}

const DUCKDB_ERRORS: Record<string, string> = {
	'MISSING COLUMNS': 'too few columns',
	'TOO MANY COLUMNS': 'too many columns',
	'INVALID ENCODING': 'not valid UTF-8 text: save the file as UTF-8',
	'UNQUOTED VALUE': 'unterminated or stray quote',
	'LINE SIZE OVER MAXIMUM': 'line too long',
	CAST: 'value could not be read'
};

/**
 * Files that can be staged together in one read_csv: same kind, delimiter, column count and
 * bindings, same compression. The header text itself may differ (each file's is kept).
 */
export function stageShape(options: Pick<StageOptions, 'detection' | 'gzip'>): string {
	const { detection } = options;
	const bindings = [...detection.bindings].sort((a, b) => a.key.localeCompare(b.key)).map((b) => [b.key, b.index, b.constant ?? null]);
	return JSON.stringify([detection.kind, detection.delimiter, detection.fileColumns.length, bindings, options.gzip ?? false]);
}

/** INSERT many rows with bound values, a few hundred rows per statement (one round trip each). */
async function insertRows(runner: QueryRunner, table: string, width: number, rows: ReadonlyArray<readonly Param[]>): Promise<void> {
	const per = Math.max(1, Math.floor(900 / width));
	const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
	for (let i = 0; i < rows.length; i += per) {
		const chunk = rows.slice(i, i + per);
		await runner.exec(`INSERT INTO ${table} VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
	}
}

/**
 * Read one file's records into the staging table of its kind (see {@link stageFiles}).
 *
 * @returns the number of records read (accepted for staging + rejected by the parser)
 */
export async function stageFile(runner: QueryRunner, options: StageOptions): Promise<number> {
	const [records] = await stageFiles(runner, [options]);
	return records;
}

/**
 * Read files of one shape ({@link stageShape}) into the staging table of their kind in ONE
 * read_csv (`filename = true`), every value as text, each row with its file and line number
 * and the first rule it breaks (`_rule`, checked while staging; NULL when none). Records the
 * parser cannot split (ragged rows, bad quotes, invalid UTF-8) go to the quarantine with
 * DuckDB's own account of the line and column.
 *
 * @returns the number of records read from each file (accepted for staging + rejected by the parser)
 */
export async function stageFiles(runner: QueryRunner, files: readonly StageOptions[]): Promise<number[]> {
	const records = await stageText(runner, files);
	await reprojectStaged(runner, files);
	return records;
}

/** {@link stageFiles} without the reprojection: the files' text as read, rules checked. */
async function stageText(runner: QueryRunner, files: readonly StageOptions[]): Promise<number[]> {
	if (files.length === 0) return [];
	const shape = stageShape(files[0]);
	for (const f of files) if (stageShape(f) !== shape) throw new Error(`${f.file}: staged with files of another shape (internal error)`);
	const { detection } = files[0];
	const delimiter = detection.delimiter;
	if (!(DELIMITERS as readonly string[]).includes(delimiter)) throw new Error(`unsupported delimiter ${JSON.stringify(delimiter)}`);
	const n = detection.fileColumns.length;
	const columnsStruct = `{${Array.from({ length: n }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ')}}`;
	const readCsv = `read_csv([${files.map(() => '?').join(', ')}], header = false, skip = 1, auto_detect = false,
		   columns = ${columnsStruct}, delim = ${literal(delimiter)}, quote = '"', escape = '"', filename = true,
		   store_rejects = true, rejects_table = 'ingest_rejects', rejects_scan = 'ingest_rejects_scan',
		   max_line_size = 1048576, compression = ${files[0].gzip ? "'gzip'" : "'none'"})`;
	const sources = files.map((f) => f.source);

	// The batch: what read_csv opens → the file's name for reports and its order; whether its
	// record numbers need the slow path (blank lines, quoted line breaks, or parser rejects); and,
	// when every file's data-line count is known, where its rows start among the batch's (g0).
	let start = 1;
	const known = files.every((f) => f.dataLines !== undefined);
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE ingest_batch (source VARCHAR, source_file VARCHAR, file_seq INTEGER, irregular BOOLEAN, g0 BIGINT, n BIGINT);
		 CREATE OR REPLACE TEMP TABLE ingest_shifts (source_file VARCHAR, record INTEGER, shift INTEGER);
		 CREATE OR REPLACE TEMP TABLE ingest_skipped (source_file VARCHAR, line INTEGER);
		 DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_rejects_scan`
	);
	await insertRows(
		runner,
		'ingest_batch',
		6,
		files.map((f) => {
			const g0 = known ? start : null;
			start += f.dataLines ?? 0;
			return [f.source, f.file, f.fileSeq, f.blankLines.length > 0 || (f.lineShifts?.length ?? 0) > 0, g0, f.dataLines ?? null];
		})
	);
	await insertRows(runner, 'ingest_headers', 4, files.flatMap((f) => f.detection.fileColumns.map((header, i) => [f.file, i + 1, f.detection.bindings.find((b) => b.index === i)?.key ?? null, header])));
	await insertRows(runner, 'ingest_shifts', 3, files.flatMap((f) => (f.lineShifts ?? []).map((s) => [f.file, s.record, s.shift])));
	await insertRows(runner, 'ingest_skipped', 2, files.flatMap((f) => f.blankLines.map((line) => [f.file, line])));

	// A constant given for a column the file lacks is bound as a parameter, never spliced in.
	const constants: string[] = [];
	const keys = sourceFormat(detection.kind).columns.map((col) => ident(col.key));
	const select = sourceFormat(detection.kind)
		.columns.map((col) => {
			const binding = detection.bindings.find((b) => b.key === col.key);
			if (binding && binding.index >= 0) return `r.${ident(`c${binding.index}`)} AS ${ident(col.key)}`;
			if (binding?.constant !== undefined) {
				constants.push(binding.constant);
				return `CAST(? AS VARCHAR) AS ${ident(col.key)}`;
			}
			return `CAST(NULL AS VARCHAR) AS ${ident(col.key)}`;
		})
		.join(', ');
	// Record numbers of accepted rows: the k-th accepted record of a file follows the header, the
	// rejected records and the blank lines that come before it; then quoted line breaks shift
	// records to physical lines. Files with none of these take the plain path: line = k + 1.
	// `raw` gives each row g (its place in the batch, files in order) and joins its file's g0.
	const { rule } = ruleCaseSql(detection.kind);
	// A batch with no blank line and no quoted line break in any file takes the plain path alone:
	// `raw` is then read once, not kept whole for a second branch.
	const plain = (raw: string) =>
		`INSERT INTO ${stageTable(detection.kind)}
		 SELECT source_file, CAST(k + 1 AS INTEGER) AS source_line, file_seq, ${select}, ${rule} AS _rule
		 FROM (SELECT r.*, r.g - b.g0 + 1 AS k, b.source_file, b.file_seq FROM ${raw}) r`;
	const insert = (raw: string) =>
		`INSERT INTO ${stageTable(detection.kind)}
		 WITH s AS (SELECT source_file, line, row_number() OVER (PARTITION BY source_file ORDER BY line) AS i FROM (SELECT DISTINCT source_file, line FROM ingest_skipped)),
		      gaps AS (SELECT source_file, line - 1 - i AS before, max(i) AS i FROM s GROUP BY ALL),
		      raw AS (SELECT r.*, r.g - b.g0 + 1 AS k, b.source_file, b.file_seq, b.irregular FROM ${raw}),
		      numbered AS (
		        SELECT source_file, CAST(k + 1 AS INTEGER) AS source_line, file_seq, ${select} FROM raw r WHERE NOT irregular
		        UNION ALL
		        SELECT x.source_file, CAST(x.rec + coalesce(sh.shift, 0) AS INTEGER), x.file_seq, ${keys.map((k) => `x.${k}`).join(', ')}
		        FROM (
		          SELECT r.source_file, r.file_seq, r.k + 1 + coalesce(gaps.i, 0) AS rec, ${keys.map((k) => `r.${k}`).join(', ')}
		          FROM (SELECT r.source_file, r.file_seq, r.k, ${select} FROM raw r WHERE irregular) r
		          ASOF LEFT JOIN gaps ON gaps.source_file = r.source_file AND r.k > gaps.before
		        ) x
		        ASOF LEFT JOIN ingest_shifts sh ON sh.source_file = x.source_file AND x.rec >= sh.record
		      )
		 SELECT *, ${rule} AS _rule FROM numbered`;

	if (known) {
		// One pass, straight from the files: right when the parser rejects nothing and every file
		// has the rows its scan counted; otherwise those rows are taken out and the files read again below.
		const read = `(SELECT row_number() OVER () AS g, * FROM ${readCsv}) r JOIN ingest_batch b ON b.source = r.filename`;
		const regular = files.every((f) => f.blankLines.length === 0 && (f.lineShifts?.length ?? 0) === 0);
		// Parameters in the order they appear: the plain statement's constants come before its read.
		await runner.exec(regular ? plain(read) : insert(read), regular ? [...constants, ...sources] : [...sources, ...constants, ...constants]);
		const [check] = await runner.rows<{ rejects: number; wrong: number }>(
			`SELECT (SELECT count(*) FROM ingest_rejects)::INTEGER AS rejects,
			   (SELECT count(*) FROM ingest_batch b LEFT JOIN (SELECT source_file, count(*) AS n, min(source_line) AS lo, max(source_line) AS hi
			      FROM ${stageTable(detection.kind)} SEMI JOIN ingest_batch USING (source_file) GROUP BY ALL) s USING (source_file)
			    WHERE coalesce(s.n, 0) <> b.n OR (NOT b.irregular AND b.n > 0 AND (s.lo <> 2 OR s.hi <> b.n + 1)))::INTEGER AS wrong`
		);
		if (check.rejects === 0 && check.wrong === 0) {
			await runner.exec(`DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_rejects_scan`);
			await insertRows(runner, 'ingest_files', 5, files.map((f) => [f.fileSeq, f.file, detection.kind, f.dataLines!, false]));
			return files.map((f) => f.dataLines!);
		}
		await runner.exec(
			`DELETE FROM ${stageTable(detection.kind)} WHERE source_file IN (SELECT source_file FROM ingest_batch);
			 DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_rejects_scan`
		);
	}

	await runner.exec(`CREATE OR REPLACE TEMP TABLE ingest_raw AS SELECT row_number() OVER () AS g, * FROM ${readCsv}`, sources);
	// Rows of each file are consecutive (insertion order is kept): a file's k-th row is g - g0 + 1.
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE ingest_batch_rows AS
		 SELECT b.source, b.source_file, b.file_seq, min(r.g) AS g0, max(r.g) AS g1, count(r.g) AS n, b.irregular
		 FROM ingest_batch b LEFT JOIN ingest_raw r ON r.filename = b.source GROUP BY ALL`
	);
	const scattered = await runner.rows<{ source_file: string }>(`SELECT source_file FROM ingest_batch_rows WHERE n > 0 AND g1 - g0 + 1 <> n`);
	if (scattered.length > 0) throw new Error(`${scattered[0].source_file}: rows read out of order (internal error)`);

	// Structural rejects, one per record (DuckDB may report several errors for one line).
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE ingest_rejected AS
		 SELECT b.source_file, r.* FROM ingest_rejects r
		 JOIN ingest_rejects_scan s USING (scan_id, file_id) JOIN ingest_batch b ON b.source = s.file_path`
	);
	await runner.exec(`UPDATE ingest_batch_rows SET irregular = true WHERE source_file IN (SELECT source_file FROM ingest_rejected)`);
	const errorCase = `CASE r.error_type ${Object.entries(DUCKDB_ERRORS)
		.map(([k, v]) => `WHEN ${literal(k)} THEN ${literal(v)}`)
		.join(' ')} ELSE lower(r.error_type) END`;
	// Record numbers become physical line numbers where quoted values span lines.
	const physical = (file: string, record: string) =>
		`(${record} + coalesce((SELECT max_by(shift, record) FROM ingest_shifts s WHERE s.source_file = ${file} AND s.record <= ${record}), 0))`;
	await runner.exec(
		`INSERT INTO ingest_quarantine
		 SELECT r.source_file, ?, CAST(${physical('r.source_file', 'r.line')} AS INTEGER), h.header,
		   ${errorCase} || CASE WHEN r.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
		     THEN ': expected ' || ${n} || ', found ' || r.found ELSE '' END,
		   left(trim(r.csv_line, chr(10) || chr(13)), ${RAW_LIMIT})
		 FROM (
		   -- DuckDB reports one error per extra (or missing) column of a ragged row: keep the
		   -- first error of each line, with the true count (the largest, or the smallest).
		   SELECT *, CASE WHEN error_type = 'MISSING COLUMNS'
		       THEN min(try_cast(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) OVER (PARTITION BY source_file, line)
		       ELSE max(try_cast(regexp_extract(error_message, 'Found: ([0-9]+)', 1) AS INTEGER)) OVER (PARTITION BY source_file, line) END AS found
		   FROM ingest_rejected QUALIFY row_number() OVER (PARTITION BY source_file, line ORDER BY column_idx) = 1
		 ) r
		 LEFT JOIN ingest_headers h ON h.source_file = r.source_file AND h.col_idx = r.column_idx + (r.error_type = 'MISSING COLUMNS')::INTEGER AND r.error_type <> 'TOO MANY COLUMNS'`,
		[detection.kind]
	);
	await runner.exec(`INSERT INTO ingest_skipped SELECT DISTINCT source_file, CAST(line AS INTEGER) FROM ingest_rejected`);
	await runner.exec(insert(`ingest_raw r JOIN ingest_batch_rows b ON b.source = r.filename`), [...constants, ...constants]);
	const counts = await runner.rows<{ source_file: string; records: number }>(
		`SELECT b.source_file, (b.n + coalesce(j.m, 0))::INTEGER AS records FROM ingest_batch_rows b
		 LEFT JOIN (SELECT source_file, count(DISTINCT line) AS m FROM ingest_rejected GROUP BY ALL) j USING (source_file)`
	);
	await runner.exec(`DROP TABLE ingest_raw; DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_rejects_scan; DROP TABLE ingest_rejected`);
	const records = files.map((f) => counts.find((c) => c.source_file === f.file)?.records ?? 0);
	await insertRows(runner, 'ingest_files', 5, files.map((f, i) => [f.fileSeq, f.file, detection.kind, records[i], false]));
	return records;
}

/**
 * Turn the staged x/y of files in a projected system (`crs`) into WGS84 longitude/latitude
 * text, in place, and check the row rules again. proj4 is JavaScript, so the DISTINCT pairs are
 * read out, transformed once each, and sent back as bound parameters (one list per column,
 * never values in the SQL text). A pair that cannot be placed (not a number, outside the
 * system's valid area; crs.ts says why) sends its rows to the quarantine with their file, line,
 * the column at fault as named in the file, and the reason, unless a rule before the
 * coordinate rules already rejects the row; those rows leave the staging table, so every row
 * is still accepted or rejected exactly once. Rows with neither coordinate are left as they are
 * (no location, as for degrees).
 */
async function reprojectStaged(runner: QueryRunner, files: readonly StageOptions[]): Promise<void> {
	const projected = files.filter((f) => f.crs && !f.crs.isWgs84);
	if (projected.length === 0) return;
	const { kind } = projected[0].detection;
	const stage = stageTable(kind);
	const firstCoordinateRule = RULES[kind].findIndex((r) => r.key === 'longitude' || r.key === 'latitude') + 1;
	const { rule } = ruleCaseSql(kind);
	const groups = new Map<string, StageOptions[]>();
	for (const f of projected) groups.set(f.crs!.definition, [...(groups.get(f.crs!.definition) ?? []), f]);
	for (const group of groups.values()) {
		const transform = createPointTransform(group[0].crs!);
		await runner.exec(
			`CREATE OR REPLACE TEMP TABLE ingest_crs_files (source_file VARCHAR);
			 CREATE OR REPLACE TEMP TABLE ingest_crs_failed (pair INTEGER, reason VARCHAR, axis INTEGER)`
		);
		await insertRows(runner, 'ingest_crs_files', 1, group.map((f) => [f.file]));
		await runner.exec(
			`CREATE OR REPLACE TEMP TABLE ingest_crs_pairs AS
			 SELECT row_number() OVER (ORDER BY x, y)::INTEGER AS pair, x, y FROM (
			   SELECT DISTINCT longitude AS x, latitude AS y FROM ${stage} SEMI JOIN ingest_crs_files USING (source_file)
			   WHERE coalesce(trim(longitude), '') <> '' OR coalesce(trim(latitude), '') <> '')`
		);
		const pairs = await runner.columns(`SELECT x, y FROM ingest_crs_pairs ORDER BY pair`);
		const xs = (pairs.x ?? []) as Array<string | null>;
		const ys = (pairs.y ?? []) as Array<string | null>;
		if (xs.length === 0) continue;
		const lon: string[] = [];
		const lat: string[] = [];
		const failed: Param[][] = [];
		for (let i = 0; i < xs.length; i++) {
			const point = transform(xs[i], ys[i]);
			if (point.ok) {
				// Shortest text that reads back as the same double.
				lon.push(String(point.lon));
				lat.push(String(point.lat));
			} else {
				lon.push('');
				lat.push('');
				failed.push([i + 1, point.reason, point.axis]);
			}
		}
		await runner.exec(
			`CREATE OR REPLACE TEMP TABLE ingest_crs_result AS
			 SELECT unnest(range(1, ?::INTEGER + 1))::INTEGER AS pair, unnest(string_split(?, ',')) AS lon, unnest(string_split(?, ',')) AS lat`,
			[xs.length, lon.join(','), lat.join(',')]
		);
		await insertRows(runner, 'ingest_crs_failed', 3, failed);
		const header = (key: string) => `(SELECT h.header FROM ingest_headers h WHERE h.source_file = s.source_file AND h.key = ${literal(key)})`;
		if (failed.length > 0) {
			await runner.exec(
				`CREATE OR REPLACE TEMP TABLE ingest_crs_rejected AS
				 SELECT s.source_file, s.source_line, s.file_seq, f.reason, f.axis, s.longitude AS x, s.latitude AS y
				 FROM ${stage} s SEMI JOIN ingest_crs_files USING (source_file)
				 JOIN ingest_crs_pairs p ON p.x IS NOT DISTINCT FROM s.longitude AND p.y IS NOT DISTINCT FROM s.latitude
				 JOIN ingest_crs_failed f USING (pair)
				 WHERE s._rule IS NULL OR s._rule >= ${firstCoordinateRule};
				 INSERT INTO ingest_quarantine
				 SELECT s.source_file, ${literal(kind)}, s.source_line,
				   CASE s.axis WHEN 0 THEN ${header('longitude')} WHEN 1 THEN ${header('latitude')} ELSE ${header('longitude')} || ' and ' || ${header('latitude')} END,
				   s.reason, left(CASE s.axis WHEN 0 THEN s.x WHEN 1 THEN s.y ELSE coalesce(s.x, '') || ', ' || coalesce(s.y, '') END, ${RAW_LIMIT})
				 FROM ingest_crs_rejected s ORDER BY s.file_seq, s.source_line;
				 DELETE FROM ${stage} s USING ingest_crs_rejected r WHERE s.source_file = r.source_file AND s.source_line = r.source_line;
				 DROP TABLE ingest_crs_rejected`
			);
		}
		await runner.exec(
			`UPDATE ${stage} AS s SET longitude = r.lon, latitude = r.lat
			 FROM ingest_crs_pairs p JOIN ingest_crs_result r USING (pair)
			 WHERE r.lon <> '' AND s.source_file IN (SELECT source_file FROM ingest_crs_files)
			   AND s.longitude IS NOT DISTINCT FROM p.x AND s.latitude IS NOT DISTINCT FROM p.y;
			 UPDATE ${stage} SET _rule = ${rule} WHERE source_file IN (SELECT source_file FROM ingest_crs_files);
			 DROP TABLE ingest_crs_pairs; DROP TABLE ingest_crs_result; DROP TABLE ingest_crs_failed; DROP TABLE ingest_crs_files`
		);
	}
}

/**
 * Apply the cross-row rule and file away what broke a rule, for every staged row of a kind: rows
 * whose `_rule` (checked while staging) is set go to the quarantine (file, line, the column as
 * named in the file, reason, raw value); for street crime a Crime ID seen before (in input order)
 * is rejected as a duplicate, naming where it was first seen. Leaves `ingest_valid_<kind>` (a
 * view) holding the rows that passed.
 */
export async function validateStaged(runner: QueryRunner, kind: SourceKind): Promise<void> {
	const stage = stageTable(kind);
	const valid = ident(`ingest_valid_${kind.replace('-', '_')}`);
	const dups = ident(`ingest_dups_${kind.replace('-', '_')}`);
	const { raw } = ruleCaseSql(kind);
	const [{ staged }] = await runner.rows<{ staged: number }>(`SELECT count(*)::INTEGER AS staged FROM ${stage}`);
	if (staged === 0) {
		// Nothing of this kind: the same (empty) tables and view, in one round trip.
		await runner.exec(
			`CREATE OR REPLACE TEMP TABLE ${dups} (source_file VARCHAR, source_line INTEGER, first_file VARCHAR, first_line INTEGER);
			 DROP VIEW IF EXISTS ${valid};
			 CREATE TEMP VIEW ${valid} AS SELECT * EXCLUDE (_rule) FROM ${stage} WHERE _rule IS NULL`
		);
		if (OFFENCE_CODE_KINDS.includes(kind)) await applyOffenceCodes(runner, kind);
		return;
	}
	const idColumn = kind === 'street' ? 'crime_id' : kind === 'events' || kind === 'month-incidents' ? 'incident_id' : null;
	// Repeated IDs among the rows that pass the row rules: every occurrence after the first (in
	// file order, then line) is a duplicate. A hash aggregate finds the repeated keys first.
	await runner.exec(`CREATE OR REPLACE TEMP TABLE ${dups} (source_file VARCHAR, source_line INTEGER, first_file VARCHAR, first_line INTEGER)`);
	if (idColumn) {
		const id = ident(idColumn);
		await runner.exec(
			`INSERT INTO ${dups}
			 WITH keyed AS (SELECT ${trimSql(id)} AS key, source_file, source_line, file_seq FROM ${stage} WHERE _rule IS NULL AND ${trimSql(id)} <> ''),
			      repeated AS (SELECT key FROM keyed GROUP BY key HAVING count(*) > 1)
			 SELECT source_file, source_line, first_value(source_file) OVER w, first_value(source_line) OVER w
			 FROM keyed SEMI JOIN repeated USING (key)
			 WINDOW w AS (PARTITION BY key ORDER BY file_seq, source_line)
			 QUALIFY row_number() OVER w > 1`
		);
	}
	const label = kind === 'street' ? 'Crime ID' : 'incident ID';
	const dupRows = idColumn
		? `UNION ALL SELECT s.source_file, s.source_line, s.file_seq, ${DUPLICATE_RULE}, s.${ident(idColumn)},
		     ${literal(`duplicate ${label}: already at `)} || d.first_file || ' line ' || d.first_line || ' (the first is kept)'
		   FROM ${stage} s JOIN ${dups} d USING (source_file, source_line)`
		: '';
	await runner.exec(
		`INSERT INTO ingest_quarantine
		 SELECT q.source_file, ?, q.source_line, coalesce(h.header, r.key, 'Crime ID'),
		   coalesce(q._dup, r.reason), left(q._raw, ${RAW_LIMIT})
		 FROM (
		   SELECT source_file, source_line, file_seq, _rule, ${raw} AS _raw, CAST(NULL AS VARCHAR) AS _dup FROM ${stage} WHERE _rule IS NOT NULL
		   ${dupRows}
		 ) q
		 LEFT JOIN ingest_rules r ON r.source_kind = ? AND r.rule = q._rule
		 LEFT JOIN ingest_headers h ON h.source_file = q.source_file AND h.key = coalesce(r.key, ${literal(idColumn ?? 'crime_id')})
		 ORDER BY q.file_seq, q.source_line`,
		[kind, kind]
	);
	// Row order is set later, where the typed datasets are written.
	await runner.exec(`DROP VIEW IF EXISTS ${valid}`);
	const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${dups}`);
	await runner.exec(
		`CREATE TEMP VIEW ${valid} AS SELECT * EXCLUDE (_rule) FROM ${stage} s${n > 0 ? ` ANTI JOIN ${dups} d USING (source_file, source_line)` : ''} WHERE _rule IS NULL`
	);
	// Offence codes → subgroup (and category where the row has none); unknown codes without a category are rejected.
	if (OFFENCE_CODE_KINDS.includes(kind)) await applyOffenceCodes(runner, kind);
}

// Typing reads every text cell of every accepted row, so it trims through trimSql, and casts the
// untrimmed text first: a cast that succeeds gives what the cast of the trimmed text gives (it
// skips leading and trailing ASCII white space, and a text it reads is ASCII; rules.ts).
const tr = (k: string) => trimSql(ident(k));
const t = (k: string) => `NULLIF(${tr(k)}, '')`;
const d = (k: string) => `coalesce(try_cast(${ident(k)} AS DOUBLE), try_cast(trim(${ident(k)}) AS DOUBLE))`;
const b = (k: string) => `CASE lower(trim(${ident(k)})) WHEN 'true' THEN true WHEN 'false' THEN false END`;
const monthIndex = (m: string) => `CAST(CAST(substr(${m}, 1, 4) AS INTEGER) * 12 + CAST(substr(${m}, 6, 2) AS INTEGER) - 1 AS INTEGER)`;

/**
 * SELECT that turns validated text rows of a kind into the typed columns of its extract dataset
 * (see extract-schema.ts), without the columns computed outside SQL (H3 cells; for stop and
 * search the LSOA code). Reads `ingest_valid_<kind>`; rows in no particular order (the writer
 * orders them).
 */
export function typedSelectSql(kind: SourceKind): string {
	const from = ident(`ingest_valid_${kind.replace('-', '_')}`);
	if (kind === 'street') {
		return `SELECT source_file, source_line, ${t('crime_id')} AS crime_id, ${tr('month')} AS month, ${monthIndex(tr('month'))} AS month_index,
			${t('reported_by')} AS reported_by, ${t('falls_within')} AS falls_within, ${d('longitude')} AS longitude, ${d('latitude')} AS latitude,
			${t('location')} AS location, ${t('lsoa_code')} AS lsoa_code, ${t('lsoa_name')} AS lsoa_name, ${tr('crime_type')} AS category,
			${t('last_outcome_category')} AS last_outcome, ${t('context')} AS context
			FROM ${from}`;
	}
	if (kind === 'outcomes') {
		return `SELECT source_file, source_line, ${tr('crime_id')} AS crime_id, ${tr('month')} AS month, ${monthIndex(tr('month'))} AS month_index,
			${t('reported_by')} AS reported_by, ${t('falls_within')} AS falls_within, ${d('longitude')} AS longitude, ${d('latitude')} AS latitude,
			${t('location')} AS location, ${t('lsoa_code')} AS lsoa_code, ${t('lsoa_name')} AS lsoa_name, ${tr('outcome_type')} AS outcome_type
			FROM ${from}`;
	}
	if (kind === 'month-incidents') {
		// Same columns as police.uk street records (the `incidents` dataset); a date's day and time are dropped (monthOfDateSql).
		return `SELECT source_file, source_line, ${t('incident_id')} AS crime_id, m AS month,
			${monthIndex('m')} AS month_index,
			${t('reported_by')} AS reported_by, ${t('falls_within')} AS falls_within, ${d('longitude')} AS longitude, ${d('latitude')} AS latitude,
			${t('location')} AS location, ${t('lsoa_code')} AS lsoa_code, ${t('lsoa_name')} AS lsoa_name, ${tr('category')} AS category,
			CAST(NULL AS VARCHAR) AS last_outcome, CAST(NULL AS VARCHAR) AS context, ${t('offence_code')} AS offence_code, _offence_subgroup AS offence_subgroup
			FROM (SELECT *, ${monthOfDateSql('month')} AS m FROM ${from})`;
	}
	if (kind === 'events') {
		const ts = genericTimestampSql('timestamp');
		return `SELECT source_file, source_line, ${t('incident_id')} AS incident_id, ts AS occurred_at,
			strftime(ts, '%Y-%m') AS month, ${monthIndex(`strftime(ts, '%Y-%m')`)} AS month_index,
			strftime(ts, '%Y-%m-%d') AS local_date, ${hourOfWeekSql('ts')} AS hour_of_week,
			${t('category')} AS category, ${d('longitude')} AS longitude, ${d('latitude')} AS latitude,
			${t('area_code')} AS area_code, ${t('priority')} AS priority, ${d('time_on_task')} AS time_on_task_min,
			${t('offence_code')} AS offence_code, _offence_subgroup AS offence_subgroup
			FROM (SELECT *, ${ts} AS ts FROM ${from})`;
	}
	const utc = isoWithOffsetToUtcSql('trim(date)');
	const local = ukLocalTimeSql('utc');
	return `SELECT source_file, source_line, ${tr('type')} AS search_type, utc AS occurred_at,
			strftime(${local}, '%Y-%m') AS month, ${monthIndex(`strftime(${local}, '%Y-%m')`)} AS month_index,
			strftime(${local}, '%Y-%m-%d') AS local_date, ${hourOfWeekSql(local)} AS hour_of_week,
			${b('part_of_a_policing_operation')} AS part_of_operation, ${t('policing_operation')} AS operation,
			${d('longitude')} AS longitude, ${d('latitude')} AS latitude,
			${t('gender')} AS gender, ${t('age_range')} AS age_range, ${t('self_defined_ethnicity')} AS self_defined_ethnicity,
			${t('officer_defined_ethnicity')} AS officer_defined_ethnicity, ${t('legislation')} AS legislation,
			${t('object_of_search')} AS object_of_search, ${t('outcome')} AS outcome,
			${b('outcome_linked_to_object_of_search')} AS outcome_linked, ${b('removal_of_more_than_just_outer_clothing')} AS removal_of_clothing
			FROM (SELECT *, ${utc} AS utc FROM ${from})`;
}

export interface FileAccount {
	file: string;
	kind: string;
	rows_in: number;
	accepted: number;
	rejected: number;
	/** Rejection reason → count, most frequent first. */
	reasons: Array<{ reason: string; count: number }>;
	/** The whole-file problem, if the file was rejected as a whole. */
	file_error: string | null;
}

/**
 * Per-file account after validation of every kind: rows in, accepted (rows present in the
 * valid tables), rejected (quarantine entries), by reason. Throws if any file's rows in differ
 * from accepted + rejected: a row can never go missing silently.
 */
export async function fileAccounts(runner: QueryRunner): Promise<FileAccount[]> {
	const validUnion = SOURCE_FORMATS.map(
		(f) => `SELECT source_file FROM ${ident(`ingest_valid_${f.kind.replace('-', '_')}`)}`
	).join(' UNION ALL ');
	const files = await runner.rows<{
		source_file: string;
		source_kind: string;
		records: number;
		whole: boolean;
		accepted: number;
		rejected: number;
		file_error: string | null;
	}>(
		`WITH acc AS (SELECT source_file, count(*) AS n FROM (${validUnion}) GROUP BY ALL),
		      rej AS (SELECT source_file, count(*) AS n FROM ingest_quarantine WHERE source_line IS NOT NULL GROUP BY ALL),
		      whole AS (SELECT source_file, any_value(reason) AS reason FROM ingest_quarantine WHERE source_line IS NULL GROUP BY ALL)
		 SELECT f.source_file, f.source_kind, f.records, f.whole_file_rejected AS whole,
		   coalesce(acc.n, 0) AS accepted,
		   CASE WHEN f.whole_file_rejected THEN f.records ELSE coalesce(rej.n, 0) END AS rejected,
		   whole.reason AS file_error
		 FROM ingest_files f
		 LEFT JOIN acc USING (source_file) LEFT JOIN rej USING (source_file) LEFT JOIN whole USING (source_file)
		 ORDER BY f.file_seq`
	);
	const reasons = await runner.rows<{ source_file: string; reason: string; n: number }>(
		`SELECT source_file, regexp_replace(reason, ': already at .*', '') AS reason, count(*) AS n
		 FROM ingest_quarantine WHERE source_line IS NOT NULL GROUP BY ALL ORDER BY n DESC, reason`
	);
	return files.map((f) => {
		if (f.accepted + f.rejected !== f.records) {
			throw new Error(
				`${f.source_file}: ${f.records} rows read but ${f.accepted} accepted + ${f.rejected} rejected; every row must be accounted for`
			);
		}
		return {
			file: f.source_file,
			kind: f.source_kind,
			rows_in: f.records,
			accepted: f.accepted,
			rejected: f.rejected,
			reasons: f.whole
				? [{ reason: f.file_error ?? 'file rejected', count: f.records }]
				: reasons.filter((r) => r.source_file === f.source_file).map((r) => ({ reason: r.reason, count: r.n })),
			file_error: f.file_error
		};
	});
}

/**
 * What each file says it is (sources.ts exportKindOfHeaders): a calls file ('events') whose
 * header has a call type, grade or priority is a CAD export, a crimes file ('month-incidents')
 * whose header names an offence code, a crime reference or a committed date an RMS export.
 * Files whose header says neither (open-data feeds, derived tables), and police.uk downloads
 * (their own kinds, whatever "Crime ID" suggests), are left out.
 */
export async function fileExports(runner: QueryRunner): Promise<Map<string, ExportKind>> {
	const rows = await runner.rows<{ source_file: string; source_kind: string; header: string }>(
		`SELECT f.source_file, f.source_kind, h.header FROM ingest_files f JOIN ingest_headers h USING (source_file) ORDER BY f.file_seq, h.col_idx`
	);
	const files = new Map<string, { kind: string; headers: string[] }>();
	for (const r of rows) {
		const f = files.get(r.source_file) ?? { kind: r.source_kind, headers: [] };
		f.headers.push(r.header);
		files.set(r.source_file, f);
	}
	const out = new Map<string, ExportKind>();
	for (const [file, f] of files) {
		const said = exportKindOfHeaders(f.headers);
		if ((said === 'cad' && f.kind === 'events') || (said === 'rms' && f.kind === 'month-incidents')) out.set(file, said);
	}
	return out;
}
