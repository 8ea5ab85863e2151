/**
 * In-browser import: the user's CSV files → an extract (Arrow IPC stream per dataset, a
 * manifest in the shape of analytics/ingest/extract-schema.ts, a quarantine), with the same
 * detection and validation as the command-line builder (scripts/lib/extracts.ts): this module
 * calls analytics/ingest (detectSource, scanText, stageFiles, validateStaged, fileAccounts,
 * typedSelectSql) in the same order and adds only what the browser does differently — bytes come
 * from File objects and are registered with DuckDB-wasm, and there are no LSOA boundary files
 * (the `areas` dataset is empty, as with the builder's `--no-areas`). A boundary file of the
 * user's own areas (`areas`, import-areas.ts) is joined as the builder's `--districts` is: the
 * `districts` dataset, each record's `district_id`, `districts_info`. The force area follows the
 * builder's rules (analytics/ingest/force-area.ts): the force police.uk records fall within, a
 * force or local authority codes the user names, read from the compact lookup the app serves
 * (FORCE_LOOKUP_FILE), or the user's own areas; with no LSOA polygons, stop-and-search records
 * stay unplaced in an LSOA force area and force_cells is empty unless the areas are the force area.
 *
 * No DOM and no DuckDB-wasm import: the database is reached through {@link ImportEngine}, so the
 * same code runs in the import worker (browser) and in unit tests (DuckDB-wasm's Node build).
 */
import { latLngToCell } from 'h3-js';
import type { QueryRunner } from '$analytics/runner';
import {
	EXTRACT_DATASETS,
	SOURCE_FORMATS,
	detectInput,
	fileAccounts,
	fileExports,
	rejectWholeFile,
	resetIngest,
	scanText,
	stageFiles,
	stageShape,
	typedSelectSql,
	type StageOptions,
	validateStaged,
	type ColumnConstants,
	type ColumnMapping,
	type DatasetName,
	type SourceKind,
	type ExtractColumn,
	type ExtractManifest,
	type SourceReport,
	decideForceArea,
	inForceAreaSql,
	forceAreaReport,
	ForceAreaError,
	type ForceAreaReport,
	type ForceAreaRequest,
	type LadChange,
	createDictionaryType,
	datasetEntry,
	type DatasetEntry
} from '$analytics/ingest';
import { loadOffenceCodes, offenceCodeReport, type OffenceCodeMapping } from '$analytics/ingest/offence-codes';
import { crsReport, defaultFileCrs, resolveCrs, type FileCrs } from '$analytics/ingest/crs';
import { projectedHeaders } from '$analytics/ingest/detect';
import ladChangesFile from '../../../models/geography/lad-changes.json';
import { ident } from '$analytics/ingest/sql';
import { toCsv } from '$analytics/export/csv';
import { EXPLORE_AGGREGATES, writeExploreAggregates, type AggregateName } from '$analytics/explore/aggregates';
import { importSummary } from './summary';
import { areaForceCellRows, districtIdSql, districtsReport, locatePointAreas, prepareAreaTables, type ImportAreas } from './import-areas';

export const BROWSER_BUILDER = { name: 'clearsight-browser-import', version: '0.1.0' };

/** What the import needs from a database besides SQL. */
export interface ImportEngine {
	runner: QueryRunner;
	/** Make `bytes` readable by read_csv under `name`. */
	registerFile(name: string, bytes: Uint8Array): Promise<void>;
	dropFile(name: string): Promise<void>;
	/** Create table `name` from Arrow IPC stream bytes. */
	insertArrow(name: string, ipc: Uint8Array): Promise<void>;
	/** Run a query and return its result as Arrow IPC stream bytes. */
	exportArrow(sql: string): Promise<Uint8Array>;
	/** Build the `point_cells` IPC stream (longitude, latitude, h3_r7, h3_r8, h3_r9) from columns. */
	pointCellsIpc(columns: { longitude: Float64Array; latitude: Float64Array; h3_r7: string[]; h3_r8: string[]; h3_r9: string[] }): Uint8Array;
}

/** One input file as given by the user. */
export interface ImportInput {
	/** Name shown in reports (unique among the inputs). */
	name: string;
	/** Where it came from (relative path in a dropped folder, or the file name). */
	pathHint: string;
	/** Size on disk (compressed size for gzip). */
	bytes: number;
	/** The file's bytes as stored (gzip not yet expanded). */
	read(): Promise<Uint8Array>;
}

export interface ImportHelpers {
	sha256(bytes: Uint8Array): Promise<string>;
	gunzip(bytes: Uint8Array): Promise<Uint8Array>;
}

export type ImportPhase = 'reading' | 'validating' | 'locating' | 'writing' | 'done';

export interface ImportProgress {
	phase: ImportPhase;
	/** Data rows read so far (all files). */
	rowsRead: number;
	/** Data rows in the files read so far and, once known, in all files. */
	rowsKnown: number;
	filesDone: number;
	filesTotal: number;
	file: string | null;
}

/** How to read a file that is not a police.uk download: the builder's `--columns`, `--constant` and `--format`. */
export interface InputMapping {
	columns?: ColumnMapping;
	constants?: ColumnConstants;
	format?: SourceKind;
	/**
	 * The system the file's coordinates are in (an EPSG code of CRS_CHOICES, analytics/ingest/crs.ts)
	 * and how it was known ('declared': chosen; 'detected-confirmed': suggested from the values
	 * and kept); absent: WGS84 longitude/latitude. The builder's `--crs`.
	 */
	crs?: { code: string; origin: 'declared' | 'detected-confirmed' };
}

export interface ImportOptions {
	/** Mapping for files not recognised as police.uk downloads, by file name; '*' for all. */
	mappings?: Readonly<Record<string, InputMapping>>;
	onProgress?: (p: ImportProgress) => void;
	/** Checked between steps: when it returns true the import stops with {@link ImportCancelled}. */
	cancelled?: () => boolean;
	/**
	 * The force area: `auto` (default) takes the force police.uk records fall within, else none;
	 * or a force by name, or local authority codes (the builder's --force and --force-lads).
	 */
	forceArea?: ForceAreaRequest;
	/** The lookup's Arrow IPC bytes (FORCE_LOOKUP_FILE), fetched only when needed; null when it cannot be had. */
	forceLookup?: () => Promise<Uint8Array | null>;
	/**
	 * The user's offence-code mapping (read by parseOffenceCodes from the file chosen beside the data,
	 * the command line's --offence-codes); default: the shipped Home Office mapping.
	 */
	offenceCodes?: { mapping: OffenceCodeMapping; file: string } | null;
	/**
	 * Areas of the user's own (a boundary file, read by boundary-file.ts): the `districts`
	 * dataset, each record's `district_id`, and the force area when `forceArea` is `districts`.
	 */
	areas?: ImportAreas | null;
}

/** Ends the messages of an unknown force or local authority code. */
export const IMPORT_FORCE_HINT = 'Choose the force from the list, give local authority codes (e.g. E07000117, E07000118), or choose "None".';

const LAD_CHANGES = (ladChangesFile as { changes: LadChange[] }).changes;
/** Typed tables of the import holding `falls_within` (month-resolution incidents are a table of their own here). */
const FALLS_WITHIN = ['typed_street', 'typed_month_incidents', 'typed_outcomes'];

export interface ImportResult {
	manifest: ExtractManifest;
	/** File name in the extract → bytes (every dataset's .arrow, and quarantine.csv). */
	files: Map<string, Uint8Array>;
	elapsedMs: number;
	/** Wall time of each step, in order; they add up to `elapsedMs` (printed by scripts/bench/import.ts). */
	phases: ImportPhaseTime[];
}

export interface ImportPhaseTime {
	phase: string;
	ms: number;
}

/**
 * Wall time by step. `lap(name)` adds the time since the last lap to `name`; `time(name, fn)`
 * adds the time of `fn` to `name` and leaves it out of the next lap, so interleaved steps (a
 * file read, then staged with its batch) are each counted once.
 */
function phaseClock() {
	const totals = new Map<string, number>();
	let last = performance.now();
	/** Time already given to `time` steps since the last lap. */
	let timed = 0;
	const add = (name: string, ms: number) => totals.set(name, (totals.get(name) ?? 0) + ms);
	return {
		lap(name: string) {
			const now = performance.now();
			add(name, now - last - timed);
			last = now;
			timed = 0;
		},
		async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
			const start = performance.now();
			try {
				return await fn();
			} finally {
				const ms = performance.now() - start;
				add(name, ms);
				timed += ms;
			}
		},
		phases: (): ImportPhaseTime[] => [...totals].map(([phase, ms]) => ({ phase, ms }))
	};
}

export class ImportCancelled extends Error {
	constructor() {
		super('Import cancelled: nothing was saved.');
		this.name = 'ImportCancelled';
	}
}

const H3_RESOLUTIONS = [7, 8, 9] as const;
/** Text staged in one read_csv at most (files of one shape are batched up to this). */
const BATCH_BYTES = 64 * 1024 * 1024;
const GZIP = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const stage = (kind: string) => `typed_${kind.replace(/-/g, '_')}`;
/** A file's first and last month among its accepted rows. */
type MonthRange = { source_file: string; first: string; last: string };

/** The mapping that applies to a file: its own, else the one for every file ('*'). */
function mappingFor(options: ImportOptions, name: string): InputMapping | undefined {
	return options.mappings?.[name] ?? options.mappings?.['*'];
}

/**
 * Import files into an extract. Every input row ends up accepted (in a dataset) or rejected (in
 * the quarantine with file, line, column and reason); a file that cannot be read at all is
 * reported as a whole with its line count, exactly as the command-line builder does.
 */
export async function importFiles(
	engine: ImportEngine,
	inputs: readonly ImportInput[],
	helpers: ImportHelpers,
	options: ImportOptions = {}
): Promise<ImportResult> {
	const started = performance.now();
	const clock = phaseClock();
	const { runner } = engine;
	const progress: ImportProgress = { phase: 'reading', rowsRead: 0, rowsKnown: 0, filesDone: 0, filesTotal: inputs.length, file: null };
	const report = (changes: Partial<ImportProgress>) => {
		Object.assign(progress, changes);
		options.onProgress?.({ ...progress });
	};
	const check = () => {
		if (options.cancelled?.()) throw new ImportCancelled();
	};
	if (inputs.length === 0) throw new Error('no files to import: choose .csv or .csv.gz files');

	await resetIngest(runner);
	if (options.offenceCodes) await loadOffenceCodes(runner, options.offenceCodes.mapping, { file: options.offenceCodes.file, shipped: false });
	clock.lap('ingest tables');
	// Files waiting to be staged, by shape; a batch is staged when it reaches BATCH_BYTES of text.
	const pending = new Map<string, { files: StageOptions[]; bytes: number }>();
	const flush = async (key: string) => {
		const batch = pending.get(key)!;
		pending.delete(key);
		try {
			check();
			const records = await clock.time('stage (read_csv, row rules)', () => stageFiles(runner, batch.files));
			report({ rowsRead: progress.rowsRead + records.reduce((t, n) => t + n, 0), filesDone: progress.filesDone + batch.files.length });
		} finally {
			for (const f of batch.files) await engine.dropFile(f.source);
		}
	};
	const files: Array<{ input: ImportInput; sha256: string }> = [];
	/** Each file's coordinate system, by name (the manifest records it). */
	const crsOf = new Map<string, FileCrs>();
	const seen = new Map<string, string>();
	for (let i = 0; i < inputs.length; i++) {
		check();
		const input = inputs[i];
		report({ file: input.name });
		const raw = await clock.time('read files into the worker', () => input.read());
		const sha256 = await clock.time('sha256', () => helpers.sha256(raw));
		files.push({ input, sha256 });
		const mapping = mappingFor(options, input.name);
		const fileCrs: FileCrs = mapping?.crs ? { crs: resolveCrs(mapping.crs.code, input.name), origin: mapping.crs.origin } : defaultFileCrs();
		crsOf.set(input.name, fileCrs);
		const gz = GZIP(raw);
		let text: Uint8Array;
		try {
			text = gz ? await clock.time('gunzip', () => helpers.gunzip(raw)) : raw;
		} catch (error) {
			await rejectWholeFile(runner, {
				file: input.name,
				fileSeq: i,
				kind: 'unknown',
				reason: `not a readable gzip file: ${error instanceof Error ? error.message : String(error)}`,
				column: null,
				dataLines: 0,
				raw: ''
			});
			report({ filesDone: progress.filesDone + 1 });
			continue;
		}
		const scan = await clock.time('scan lines', async () => scanText(text));
		report({ rowsKnown: progress.rowsKnown + scan.dataLines });
		const whole = async (reason: string, kind = 'unknown', column: string | null = null) => {
			await rejectWholeFile(runner, { file: input.name, fileSeq: i, kind, reason, column, dataLines: scan.dataLines, raw: scan.headerLine });
			report({ rowsRead: progress.rowsRead + scan.dataLines, filesDone: progress.filesDone + 1 });
		};
		if (raw.length === 0) {
			await whole('empty file (0 bytes): expected a header line and data rows');
			continue;
		}
		const twin = seen.get(sha256);
		if (twin) {
			await whole(`identical to ${twin} (same sha256): the file was given twice`);
			continue;
		}
		seen.set(sha256, input.name);
		const detection = detectInput(scan.headerLine, input.name, { ...(mapping ?? {}), projected: !fileCrs.crs.isWgs84 });
		if (!detection.ok) {
			await whole(detection.issue.message, 'unknown', detection.issue.column);
			continue;
		}
		const grid = fileCrs.origin === 'wgs84-default' ? projectedHeaders(detection) : null;
		if (grid) {
			await whole(`the coordinates are in "${grid.x}" and "${grid.y}", which name eastings and northings, but no coordinate system was chosen: choose it in the file's column mapping (e.g. British National Grid)`, detection.kind, grid.x);
			continue;
		}
		if (scan.dataLines === 0) {
			await whole('no data rows: the file has a header line only', detection.kind);
			continue;
		}
		// Staged later with the other files of its shape, in one read_csv (see stageFiles).
		const registered = `import-${i}.csv`;
		await clock.time('register with DuckDB', () => engine.registerFile(registered, text));
		const stage: StageOptions = { source: registered, file: input.name, fileSeq: i, detection, blankLines: scan.blankLines, lineShifts: scan.lineShifts, dataLines: scan.dataLines, gzip: false, crs: fileCrs.crs };
		const key = stageShape(stage);
		const batch = pending.get(key) ?? { files: [], bytes: 0 };
		pending.set(key, batch);
		batch.files.push(stage);
		batch.bytes += text.length;
		if (batch.bytes >= BATCH_BYTES) await flush(key);
	}
	for (const key of [...pending.keys()]) await flush(key);
	clock.lap('file checks (detection, whole-file rejections)');

	check();
	report({ phase: 'validating', file: null });
	for (const format of SOURCE_FORMATS) await validateStaged(runner, format.kind);
	const accounts = await fileAccounts(runner);
	const exports = await fileExports(runner);
	// Offence codes matched while validating: the mapping used and every unknown code with its count.
	const offenceCodes = await offenceCodeReport(runner);
	clock.lap('validate (cross-row rules, accounts)');
	// Views, not tables, as the builder's: each step types only the columns it reads (the points
	// their coordinates, the force area its "Falls within"), and the rows are typed in full once,
	// as their dataset is materialised, instead of being copied into a typed table first (a pass
	// writing every row and column). Each file's months are read from its dataset's rows.
	await runner.exec(SOURCE_FORMATS.map((f) => `CREATE OR REPLACE TEMP VIEW ${ident(stage(f.kind))} AS ${typedSelectSql(f.kind)}`).join(';\n'));
	clock.lap('type (typed views; rows typed where read)');

	check();
	report({ phase: 'locating' });
	const areas = options.areas ?? null;
	await prepareAreaTables(engine, areas);
	const force = await importForceArea(engine, options);
	const typed = await typedColumns(runner);
	await buildPointCells(engine, typed);
	await locatePointAreas(engine, areas);
	await areaForceCellRows(engine, force.unit === 'district' ? areas : null, H3_RESOLUTIONS);
	clock.lap('force area, points (H3)');

	check();
	report({ phase: 'writing' });
	const out = new Map<string, Uint8Array>();
	const datasets: ExtractManifest['datasets'] = [];
	const aggregates = new Set<string>(EXPLORE_AGGREGATES);
	const records = { incidents: 'import_ds_incidents', stop_search: 'import_ds_stop_search', events: 'import_ds_events' };
	const ranges: MonthRange[] = [];
	const write = async (name: DatasetName, from: string, isTable = false) => {
		check();
		const spec = EXTRACT_DATASETS.find((d) => d.name === name)!;
		const { bytes, entry } = await writeDataset(engine, helpers, name, spec.columns, from, isTable);
		out.set(entry.file, bytes);
		datasets.push(entry);
		return entry;
	};
	for (const spec of EXTRACT_DATASETS) {
		if (aggregates.has(spec.name)) continue;
		const from = datasetSource(typed, spec.name, spec.columns, force.unit, areas !== null);
		// Every dataset is materialised once, in order (its rows typed as they are read).
		const table = spec.name in records ? records[spec.name as keyof typeof records] : 'import_ds_other';
		await runner.exec(`CREATE OR REPLACE TEMP TABLE ${ident(table)} AS SELECT * FROM ${from}`);
		// Each file's first and last month, from the rows just typed (every format has a month).
		if (SOURCE_FORMATS.some((f) => f.dataset === spec.name)) {
			ranges.push(...(await runner.rows<MonthRange>(`SELECT source_file, min(month) AS first, max(month) AS last FROM ${ident(table)} GROUP BY source_file`)));
		}
		// Memory: the typed views and the text rows under them are no longer needed (the accounts are taken above).
		for (const format of SOURCE_FORMATS.filter((f) => f.dataset === spec.name)) {
			const kind = format.kind.replace('-', '_');
			await runner.exec(`DROP VIEW IF EXISTS ${ident(stage(format.kind))}; DROP VIEW IF EXISTS ${ident(`ingest_valid_${kind}`)}; DROP TABLE IF EXISTS ${ident(`ingest_stage_${kind}`)}`);
		}
		await write(spec.name, ident(table), true);
		// The record datasets stay for the Map and Time pre-aggregates, made from the same rows as the builder does.
		if (!(spec.name in records)) await runner.exec(`DROP TABLE ${ident(table)}`);
	}
	clock.lap('datasets (Arrow)');
	await writeExploreAggregates((name: AggregateName, from) => write(name, from), records);
	clock.lap('explore pre-aggregates');
	// Where the records lie against the user's areas (manifest districts_info; every record in no area as CSV).
	const placed = areas ? await districtsReport(runner, areas, records, (file) => crsOf.get(file)?.crs) : null;
	if (placed) out.set(placed.info.outside.listed_in!, placed.csv);
	// The start-up summary: the Overview drawn while the database starts (summary.ts).
	const summary = await importSummary(runner, records, datasets, helpers.sha256);
	out.set(summary.entry.file, summary.bytes);
	const quarantineRows = await runner.rows(
		`SELECT q.source_file, q.source_kind, q.source_line, q.column_name, q.reason, q.raw FROM ingest_quarantine q JOIN ingest_files f USING (source_file) ORDER BY f.file_seq, q.source_line NULLS FIRST`
	);
	out.set('quarantine.csv', new TextEncoder().encode(toCsv(quarantineRows, ['source_file', 'source_kind', 'source_line', 'column_name', 'reason', 'raw'])));

	const sources: SourceReport[] = files.map(({ input, sha256 }) => {
		const account = accounts.find((a) => a.file === input.name);
		if (!account) throw new Error(`${input.name}: no account of its rows (internal error)`);
		const range = ranges.find((r) => r.source_file === input.name);
		return {
			file: input.name,
			path_hint: input.pathHint,
			kind: account.kind,
			sha256,
			bytes: input.bytes,
			rows_in: account.rows_in,
			accepted: account.accepted,
			rejected: account.rejected,
			reasons: account.reasons,
			file_error: account.file_error,
			date_range: range ? { first: range.first, last: range.last } : null,
			crs: crsReport(crsOf.get(input.name) ?? defaultFileCrs()),
			...(exports.has(input.name) ? { export: exports.get(input.name) } : {})
		};
	});
	const totals = sources.reduce(
		(t, s) => ({ rows_in: t.rows_in + s.rows_in, accepted: t.accepted + s.accepted, rejected: t.rejected + s.rejected }),
		{ rows_in: 0, accepted: 0, rejected: 0 }
	);
	const kinds = new Set(sources.map((s) => s.kind));
	const attribution: ExtractManifest['attribution'] = [];
	if (['street', 'stop-search', 'outcomes'].some((k) => kinds.has(k))) {
		attribution.push({
			dataset: 'incidents, stop_search, outcomes',
			source: 'data.police.uk (imported in this browser)',
			licence: 'Open Government Licence v3.0',
			text: 'Contains public sector information licensed under the Open Government Licence v3.0.'
		});
	}
	const forceReport = await forceAreaReport(runner, force, records);
	const manifest: ExtractManifest = {
		manifest_version: 1,
		builder: BROWSER_BUILDER,
		built_at: new Date().toISOString(),
		input_fingerprint: sources.map((s) => s.sha256).join(','),
		datasets,
		sources,
		attribution,
		totals,
		force_area: forceReport,
		...(placed ? { districts_info: placed.info } : {}),
		summary: summary.entry,
		...(offenceCodes ? { offence_codes: offenceCodes } : {})
	};
	report({ phase: 'done', rowsRead: totals.rows_in, rowsKnown: totals.rows_in, filesDone: inputs.length });
	clock.lap('summary, quarantine.csv, manifest');
	return { manifest, files: out, elapsedMs: performance.now() - started, phases: clock.phases() };
}

/**
 * Decide the force area as the builder does (analytics/ingest/force-area.ts) and leave
 * `force_area_rows`. The lookup is loaded only when needed: a force or codes were named, or
 * records name the force they fall within. Without it, `auto` falls back to none and says why.
 */
async function importForceArea(engine: ImportEngine, options: ImportOptions): Promise<Omit<ForceAreaReport, 'records'>> {
	const { runner } = engine;
	const request: ForceAreaRequest = options.forceArea ?? { kind: 'auto' };
	if (request.kind === 'districts' && !options.areas) throw new ForceAreaError(`the force area is the areas of a boundary file, but none was given: add the boundary file beside the data files. ${IMPORT_FORCE_HINT}`);
	const union = FALLS_WITHIN.map((t) => `SELECT 1 FROM ${ident(t)} WHERE falls_within IS NOT NULL`).join(' UNION ALL ');
	const needed = request.kind === 'force' || request.kind === 'lads' || (request.kind === 'auto' && (await runner.rows(`${union} LIMIT 1`)).length > 0);
	await runner.exec(`DROP TABLE IF EXISTS force_lookup`);
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE force_area_rows (area_code VARCHAR, area_unit VARCHAR, lad_code VARCHAR, lad_name VARCHAR, force_name VARCHAR)`
	);
	const bytes = needed ? ((await options.forceLookup?.()) ?? null) : null;
	if (bytes) await engine.insertArrow('force_lookup', bytes);
	else {
		await runner.exec(`CREATE TABLE force_lookup (lsoa_code VARCHAR, lad_code VARCHAR, lad_name VARCHAR, pfa_name VARCHAR)`);
		if (needed && request.kind !== 'auto') {
			throw new ForceAreaError('the local authority lookup (lookups/lsoa-lad-pfa.arrow) could not be loaded from this server, so the force area cannot be named here: import without one, or build the extract with npm run extracts.');
		}
		if (needed) {
			const [first] = await runner.rows<{ name: string }>(`SELECT falls_within AS name FROM (${FALLS_WITHIN.map((t) => `SELECT falls_within FROM ${ident(t)}`).join(' UNION ALL ')}) WHERE falls_within IS NOT NULL LIMIT 1`);
			return {
				name: null,
				unit: null,
				method: 'none',
				lad_codes: [],
				areas: 0,
				source: `the records fall within ${first.name}, but the local authority lookup could not be loaded from this server (lookups/lsoa-lad-pfa.arrow)`
			};
		}
	}
	const decided = await decideForceArea(runner, request, {
		ladChanges: LAD_CHANGES,
		hint: IMPORT_FORCE_HINT,
		lookupSource: 'the lookup served with the app (IMD 2019 File 1; ONS LAD16 → PFA16; models/geography/lad-changes.json)',
		boundarySource: options.areas ? `${options.areas.label} from ${options.areas.set.file}` : undefined,
		fallsWithinTables: FALLS_WITHIN
	});
	return decided.report;
}

/** H3 cells of every distinct point of the typed views, computed once per point (as the builder does). */
async function buildPointCells(engine: ImportEngine, typed: TypedColumns): Promise<void> {
	const { runner } = engine;
	const withPoints: string[] = [];
	for (const format of SOURCE_FORMATS) {
		const cols = typed.get(stage(format.kind))!;
		if (cols.has('longitude') && cols.has('latitude')) withPoints.push(`SELECT longitude, latitude FROM ${ident(stage(format.kind))}`);
	}
	const points = await runner.columns(
		`SELECT DISTINCT longitude, latitude FROM (${withPoints.join(' UNION ALL ')}) WHERE longitude IS NOT NULL AND latitude IS NOT NULL`
	);
	const lon = Float64Array.from(points.longitude as number[]);
	const lat = Float64Array.from(points.latitude as number[]);
	const cells = { h3_r7: [] as string[], h3_r8: [] as string[], h3_r9: [] as string[] };
	for (let i = 0; i < lon.length; i++) {
		cells.h3_r7.push(latLngToCell(lat[i], lon[i], H3_RESOLUTIONS[0]));
		cells.h3_r8.push(latLngToCell(lat[i], lon[i], H3_RESOLUTIONS[1]));
		cells.h3_r9.push(latLngToCell(lat[i], lon[i], H3_RESOLUTIONS[2]));
	}
	await runner.exec(`DROP TABLE IF EXISTS point_cells`);
	if (lon.length === 0) {
		await runner.exec(`CREATE TABLE point_cells (longitude DOUBLE, latitude DOUBLE, h3_r7 VARCHAR, h3_r8 VARCHAR, h3_r9 VARCHAR)`);
		return;
	}
	await engine.insertArrow('point_cells', engine.pointCellsIpc({ longitude: lon, latitude: lat, ...cells }));
}

/** Each typed view's column names (`typed_<kind>` → names). */
type TypedColumns = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The typed views' column names in one catalog query: a DESCRIBE binds its view, which for these
 * long SELECTs cost about 50 ms each in DuckDB-wasm, ten times over an import.
 */
async function typedColumns(runner: QueryRunner): Promise<TypedColumns> {
	const names = SOURCE_FORMATS.map((f) => stage(f.kind));
	const rows = await runner.rows<{ table_name: string; column_name: string }>(
		`SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = 'temp' AND table_name IN (${names.map(() => '?').join(', ')})`,
		names
	);
	return new Map(names.map((n) => [n, new Set(rows.filter((r) => r.table_name === n).map((r) => r.column_name))]));
}

/**
 * The rows of one contract dataset as a parenthesised query: the typed views of every format
 * writing to it, joined to their points' H3 cells, in the builder's order (time, file, line).
 * Datasets no input format writes (areas, and any added to the contract later) come out empty.
 */
function datasetSource(
	typed: TypedColumns,
	name: DatasetName,
	columns: readonly ExtractColumn[],
	forceUnit: 'lsoa' | 'district' | null,
	/** Areas of the user's own were given (import-areas.ts): `point_cells.point_district`, `district_rows`. */
	areas = false
): string {
	const empty = `(SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`).join(', ')} WHERE false)`;
	if (name === 'force_area') return `(SELECT ${columns.map((c) => ident(c.name)).join(', ')} FROM force_area_rows ORDER BY area_code)`;
	if (name === 'districts') return areas ? `(SELECT ${columns.map((c) => ident(c.name)).join(', ')} FROM district_rows ORDER BY seq)` : empty;
	if (name === 'force_cells') return `(SELECT ${columns.map((c) => ident(c.name)).join(', ')} FROM force_cell_rows ORDER BY resolution, h3)`;
	if (name === 'quarantine') {
		const select = columns.map((c) => `q.${ident(c.name)}`).join(', ');
		return `(SELECT ${select} FROM ingest_quarantine q JOIN ingest_files f USING (source_file) ORDER BY f.file_seq, q.source_line NULLS FIRST)`;
	}
	const formats = SOURCE_FORMATS.filter((f) => f.dataset === name);
	if (formats.length === 0) return empty;
	const parts: string[] = [];
	for (const format of formats) {
		const table = stage(format.kind);
		const present = typed.get(table)!;
		const joined = present.has('longitude') && present.has('latitude');
		const select = columns.map((c) => {
			if (present.has(c.name)) return `t.${ident(c.name)}`;
			if (joined && /^h3_r[0-9]+$/.test(c.name)) return `p.${ident(c.name)}`;
			if (c.name === 'district_id' && areas) return `${districtIdSql(format.kind, present, joined)} AS district_id`;
			if (c.name === 'in_force_area') return `${inForceArea(format.kind, present, forceUnit, areas ? districtIdSql(format.kind, present, joined) : null)} AS in_force_area`;
			return `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`;
		});
		parts.push(
			`SELECT ${select.join(', ')} FROM ${ident(table)} t${joined ? ' LEFT JOIN point_cells p USING (longitude, latitude)' : ''}`
		);
	}
	const has = (c: string) => columns.some((col) => col.name === c);
	const order = [has('occurred_at') ? 'occurred_at' : has('month') ? 'month' : null, 'source_file', 'source_line'].filter(
		(c): c is string => c !== null && has(c)
	);
	return `(SELECT * FROM (${parts.join(' UNION ALL ')})${order.length ? ` ORDER BY ${order.map(ident).join(', ')}` : ''})`;
}

/**
 * `in_force_area` of one format's rows, by the builder's rule: the record's LSOA (police.uk's, or
 * an events area code that is an LSOA code) among the force's; no LSOA polygons in the browser,
 * so a record with only a point (stop and search) stays unplaced. When the force area is the
 * user's own areas (`district`, the area containing the record: `district`), a located record is
 * inside exactly when it is in one of them.
 */
function inForceArea(kind: SourceKind, present: ReadonlySet<string>, unit: 'lsoa' | 'district' | null, district: string | null = null): string {
	const col = (c: string) => (present.has(c) ? `t.${ident(c)}` : 'CAST(NULL AS VARCHAR)');
	const lon = present.has('longitude') ? 't.longitude' : 'CAST(NULL AS DOUBLE)';
	const lsoa = kind === 'events' ? `CASE WHEN regexp_full_match(${col('area_code')}, '[EW]01[0-9]{6}') THEN ${col('area_code')} END` : col('lsoa_code');
	const area = kind === 'events' ? col('area_code') : col('lsoa_code');
	return inForceAreaSql(unit, { located: `${lon} IS NOT NULL OR ${area} IS NOT NULL`, lsoa, district: district ?? 'CAST(NULL AS VARCHAR)', pointInForce: 'CAST(NULL AS BOOLEAN)' });
}

async function writeDataset(
	engine: ImportEngine,
	helpers: ImportHelpers,
	name: DatasetName,
	columns: readonly ExtractColumn[],
	from: string,
	/** `from` is a table in the row order wanted: read it in place rather than copying it. */
	isTable = false
): Promise<{ bytes: Uint8Array; entry: DatasetEntry }> {
	const { runner } = engine;
	const source = isTable ? from : 'arrow_w';
	if (!isTable) await runner.exec(`CREATE OR REPLACE TEMP TABLE arrow_w AS SELECT * FROM ${from}`);
	// The row count and every text column's distinct count in one round trip, handed to
	// createDictionaryType so it does not count them again.
	const texts = columns.flatMap((c, i) => (c.type === 'VARCHAR' ? [i] : []));
	const [counts] = await runner.rows<Record<string, number>>(
		`SELECT count(*) AS n${texts.map((i) => `, count(DISTINCT ${ident(columns[i].name)}) AS ${ident(`d${i}`)}`).join('')} FROM ${source}`
	);
	const rows = Number(counts.n);
	const select: string[] = [];
	const enums: string[] = [];
	for (const [i, column] of columns.entries()) {
		const col = ident(column.name);
		if (column.type === 'TIMESTAMP') {
			// Carried as epoch milliseconds, like the builder's Arrow files.
			select.push(`CAST(${col} AS TIMESTAMP_MS) AS ${col}`);
			continue;
		}
		if (column.type === 'VARCHAR' && (await createDictionaryType(runner, source, column.name, rows, `import_enum_${i}`, Number(counts[`d${i}`])))) {
			const type = ident(`import_enum_${i}`);
			enums.push(type);
			select.push(`CAST(${col} AS ${type}) AS ${col}`);
			continue;
		}
		select.push(`CAST(${col} AS ${column.type}) AS ${col}`);
	}

	const bytes = await engine.exportArrow(`SELECT ${select.join(', ')} FROM ${source}`);
	const entry = await datasetEntry(runner, { name, columns, source, rows, bytes: bytes.byteLength, sha256: await helpers.sha256(bytes) });
	const drops = [...(isTable ? [] : ['DROP TABLE arrow_w']), ...enums.map((t) => `DROP TYPE IF EXISTS ${t}`)];
	if (drops.length) await runner.exec(drops.join('; '));
	return { bytes, entry };
}
