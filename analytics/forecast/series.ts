/**
 * Series building over a {@link QueryRunner}: hourly counts from timestamped tables (a complete
 * grid of local wall-clock hours, zero-filled) and monthly counts or harm per area from the
 * month-resolution tables. Values are bound as parameters; table and column names come from the
 * fixed lists below, never from input.
 *
 * Local time: `events.occurred_at` is already local wall-clock time; `stop_search.occurred_at` is
 * UTC and converted with the UK rule in analytics/ingest/time.ts. The hourly grid is in local
 * wall-clock hours, like `hour_of_week`: the hour skipped when clocks go forward is always 0 and
 * the hour repeated when they go back holds both (one hour in 4,380 each way; the price of a
 * season that lines up with the hour of week people live by).
 */
import type { QueryRunner } from '../runner';
import { ukLocalTimeSql } from '../ingest/time';
import { monthIndex, monthKey } from '../shared/months';
import { inList, notInList } from '../shared/sql';
import { tableExists } from '../shared/catalog';
import { HARM_SUBGROUP_WEIGHTS_TABLE, recordsCarrySubgroups } from '../models/harm-weights';

export type TimestampedTable = 'events' | 'stop_search';

const TIMESTAMPED: Record<TimestampedTable, { local: string; category: string; area: string }> = {
	events: { local: 'occurred_at', category: 'category', area: 'area_code' },
	stop_search: { local: ukLocalTimeSql('occurred_at'), category: 'object_of_search', area: 'lsoa_code' }
};

export interface HourlyCountsOptions {
	table: TimestampedTable;
	/** First local date (YYYY-MM-DD) of the grid; default the first date with data (up to `end`). */
	start?: string;
	/** Last local date (YYYY-MM-DD) included: the grid ends with its 23:00 hour. Default: the last date with data. */
	end?: string;
	/** Keep only these categories (events.category; stop_search.object_of_search). */
	categories?: readonly string[];
	/**
	 * Leave out these categories, keeping every other record, those with no category included
	 * (`category IS NULL OR category NOT IN (…)`). An empty list leaves nothing out.
	 */
	excludeCategories?: readonly string[];
	/** Keep only this area (events.area_code; stop_search.lsoa_code). */
	areaCode?: string;
}

export interface HourlySeries {
	/** Local wall-clock start of values[0], 'YYYY-MM-DDTHH:00:00'; null when the series is empty. */
	start: string | null;
	/** Hour of week of values[0] (0 = Monday 00:00); null when empty. */
	hourOfWeekStart: number | null;
	/** Events per hour, consecutive local hours, zero-filled. */
	values: number[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(name: string, value: string | undefined) {
	if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))) {
		throw new RangeError(`${name} must be a date YYYY-MM-DD, got "${value}"`);
	}
}

/** `date` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD (calendar arithmetic, no time zone). */
export function addDays(date: string, days: number): string {
	checkDate('date', date);
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Local wall-clock timestamp `hours` after `start` ('YYYY-MM-DDTHH:MM:SS'), with no DST shift (see module note). */
export function addHours(start: string, hours: number): string {
	return new Date(Date.parse(`${start}Z`) + hours * 3_600_000).toISOString().slice(0, 19);
}

/** Hour of week (0 = Monday 00:00 … 167 = Sunday 23:00) of a wall-clock timestamp 'YYYY-MM-DDTHH…'. */
export function hourOfWeekOf(timestamp: string): number {
	const d = new Date(Date.parse(`${timestamp.slice(0, 13)}:00:00Z`));
	return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}

function filters(table: TimestampedTable, options: { categories?: readonly string[]; excludeCategories?: readonly string[]; areaCode?: string }) {
	const cols = TIMESTAMPED[table];
	const where: string[] = [`${cols.local} IS NOT NULL`];
	const params: string[] = [];
	if (options.categories) {
		// Categories given but none listed = no records (absent = every category).
		const chosen = inList(cols.category, options.categories, 'none');
		where.push(chosen.sql);
		params.push(...(chosen.params as string[]));
	}
	if (options.excludeCategories && options.excludeCategories.length > 0) {
		const left = notInList(cols.category, options.excludeCategories);
		where.push(left.sql);
		params.push(...(left.params as string[]));
	}
	if (options.areaCode !== undefined) {
		where.push(`${cols.area} = ?`);
		params.push(options.areaCode);
	}
	return { where: where.join(' AND '), params };
}

/**
 * Events per local hour from `events` or `stop_search`, as a complete grid from `start` 00:00 to
 * `end` 23:00 with hours that have no event filled with 0. Only rows before the end of `end` are
 * read, so later data cannot change the result.
 *
 * Edge cases: with no rows (or none before `end`) the series is empty (start null) unless both
 * `start` and `end` are given, which gives a grid of zeros. Throws a RangeError for a malformed
 * date or a start after the end.
 */
export async function hourlyCounts(runner: QueryRunner, options: HourlyCountsOptions): Promise<HourlySeries> {
	checkDate('start', options.start);
	checkDate('end', options.end);
	const { table } = options;
	if (!(table in TIMESTAMPED)) throw new RangeError(`hourlyCounts: table must be one of ${Object.keys(TIMESTAMPED).join(', ')}, got ${table}`);
	const { local } = TIMESTAMPED[table];
	const f = filters(table, options);
	const endExclusive = options.end ? addDays(options.end, 1) : null;
	let start = options.start ?? null;
	let end = options.end ?? null;
	if (!start || !end) {
		const endFilter = endExclusive ? 'WHERE ts < CAST(? AS TIMESTAMP)' : '';
		const [b] = await runner.rows<{ first_day: string | null; last_day: string | null }>(
			`SELECT strftime(min(ts), '%Y-%m-%d') AS first_day, strftime(max(ts), '%Y-%m-%d') AS last_day
			 FROM (SELECT ${local} AS ts FROM ${table} WHERE ${f.where}) ${endFilter}`,
			endExclusive ? [...f.params, `${endExclusive} 00:00:00`] : f.params
		);
		start ??= b.first_day;
		end ??= b.last_day;
	}
	if (!start || !end) return { start: null, hourOfWeekStart: null, values: [] };
	if (start > end) throw new RangeError(`hourlyCounts: start ${start} is after end ${end}`);
	const t0 = `${start} 00:00:00`;
	const t1 = `${addDays(end, 1)} 00:00:00`;
	const hours = Math.round((Date.parse(`${addDays(end, 1)}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 3_600_000);
	const counts = await runner.columns(
		`SELECT CAST(date_diff('hour', CAST(? AS TIMESTAMP), date_trunc('hour', ts)) AS INTEGER) AS i, count(*) AS n
		 FROM (SELECT ${local} AS ts FROM ${table} WHERE ${f.where})
		 WHERE ts >= CAST(? AS TIMESTAMP) AND ts < CAST(? AS TIMESTAMP)
		 GROUP BY 1`,
		[t0, ...f.params, t0, t1]
	);
	const values = new Array<number>(hours).fill(0);
	const idx = counts.i as number[];
	const n = counts.n as number[];
	for (let k = 0; k < idx.length; k++) values[idx[k]] = n[k];
	const startStamp = `${start}T00:00:00`;
	return { start: startStamp, hourOfWeekStart: hourOfWeekOf(startStamp), values };
}

/** Month key 'YYYY-MM' ↔ the extracts' `month_index`: the one copy in analytics/shared/months.ts. */
export { monthIndex, monthKey };

/**
 * Area units a monthly panel can be built over. 'area_code' is the events table's own code;
 * 'district' is the extract's area set (the `districts` dataset: local authorities, police
 * districts, or a force's own wards or beats), read from each record's `district_id`.
 */
export type AreaLevel = 'lsoa' | 'area_code' | 'district' | 'h3_r7' | 'h3_r8' | 'h3_r9';
export type MonthlyTable = 'incidents' | 'events' | 'stop_search';

const AREA_COLUMNS: Record<MonthlyTable, Partial<Record<AreaLevel, string>>> = {
	incidents: { lsoa: 'lsoa_code', district: 'district_id', h3_r7: 'h3_r7', h3_r8: 'h3_r8', h3_r9: 'h3_r9' },
	events: { area_code: 'area_code', district: 'district_id', h3_r7: 'h3_r7', h3_r8: 'h3_r8', h3_r9: 'h3_r9' },
	stop_search: { lsoa: 'lsoa_code', h3_r7: 'h3_r7', h3_r8: 'h3_r8', h3_r9: 'h3_r9' }
};

/**
 * `table` checked against the tables a monthly or windowed query may read, for interpolation as
 * an identifier (a value typed MonthlyTable may still arrive from untyped input at run time).
 */
export function monthlyTable(table: MonthlyTable): MonthlyTable {
	if (!Object.hasOwn(AREA_COLUMNS, table)) throw new RangeError(`unknown table ${JSON.stringify(table)}; expected one of ${Object.keys(AREA_COLUMNS).join(', ')}`);
	return table;
}

/** The column holding `level` in `table`; throws a RangeError naming the choices when it has none. */
export function areaColumn(table: MonthlyTable, level: AreaLevel): string {
	const col = AREA_COLUMNS[table]?.[level];
	if (!col) throw new RangeError(`${table} has no ${level} column; choose one of ${Object.keys(AREA_COLUMNS[table] ?? {}).join(', ')}`);
	return col;
}

export interface MonthlyPanelOptions {
	/** Default 'incidents' (police.uk street crime). */
	table?: MonthlyTable;
	level: AreaLevel;
	/** Last month included, YYYY-MM. Nothing after it is read. */
	lastMonth: string;
	/** Months of history ending at lastMonth; default from the first month with data. */
	months?: number;
	/** Keep only these categories. */
	categories?: readonly string[];
	/**
	 * 'count': records per area-month. 'harm': Σ harm weight of the records, from the
	 * `harm_weights` table (analytics/models), excluded categories contributing 0.
	 */
	measure?: 'count' | 'harm';
	/**
	 * For 'harm': the weights to use instead of the `harm_weights` table (e.g. a what-if table):
	 * category, weight (null = unweighted, contributes 0) and whether it is excluded. Bound as
	 * parameters.
	 */
	weights?: readonly HarmWeightInput[];
	/** The areas (the study region); default every area with a record in the window, sorted. */
	areas?: readonly string[];
	/** Leave out records flagged outside the force area (`in_force_area = false`; the table must have the column). */
	forceAreaOnly?: boolean;
}

/** One category's harm weight (structurally the THR engine's EffectiveWeight). */
export interface HarmWeightInput {
	category: string;
	weight: number | null;
	excluded: boolean;
	/** Finer weights of the category's Home Office offence subgroups: a record whose `offence_subgroup` is listed weighs the subgroup's weight. */
	subgroups?: ReadonlyArray<{ subgroup: string; weight: number }>;
}

export interface MonthlyPanel {
	firstMonth: string;
	lastMonth: string;
	months: number;
	measure: 'count' | 'harm';
	areas: string[];
	/** values[a][t]: the measure for areas[a] in month firstMonth + t. */
	values: Float64Array[];
	/** For 'harm': Σ weight² per area-month (the variance of harm if counts were Poisson). */
	squares: Float64Array[] | null;
	/** Records per area-month, every category (for 'count', the same as values). */
	counts: Float64Array[];
}

/**
 * Monthly counts (or harm) per area over the months up to `lastMonth`, zero-filled: one row per
 * area, one column per month. Rows without an area (no location) are left out.
 *
 * Edge cases: no rows in the window and no `areas` gives an empty panel (no areas, months as
 * asked or 0); an area listed in `areas` with no rows is all zeros; rows in areas outside `areas`
 * are ignored. 'harm' needs the `harm_weights` table and throws, saying how to create it, when
 * it is missing.
 */
export async function monthlyPanel(runner: QueryRunner, options: MonthlyPanelOptions): Promise<MonthlyPanel> {
	const table = options.table ?? 'incidents';
	const col = areaColumn(table, options.level);
	const last = monthIndex(options.lastMonth);
	const measure = options.measure ?? 'count';
	// Categories given but none listed = no records (absent = every category).
	const chosen = options.categories ? inList('i.category', options.categories, 'none') : null;
	const catFilter = chosen ? `AND ${chosen.sql}` : '';
	const catParams = chosen ? chosen.params : [];
	const forceFilter = options.forceAreaOnly ? 'AND i.in_force_area IS NOT false' : '';
	let first: number;
	if (options.months !== undefined) {
		if (!(Number.isInteger(options.months) && options.months >= 1)) throw new RangeError(`months must be a positive integer, got ${options.months}`);
		first = last - options.months + 1;
	} else {
		const [r] = await runner.rows<{ first: number | null }>(
			`SELECT min(month_index) AS first FROM ${table} i WHERE i.${col} IS NOT NULL AND month_index <= ? ${catFilter} ${forceFilter}`,
			[last, ...catParams]
		);
		first = r.first ?? last + 1;
	}
	const months = last - first + 1;
	let weightsSql = 'harm_weights';
	const weightParams: (string | number | boolean | null)[] = [];
	// Records carrying an offence subgroup weigh their subgroup's weight where there is one
	// (analytics/models/harm-weights.ts); without the column the SQL is as it always was.
	let subgroupSql: string | null = null;
	const subgroupParams: (string | number)[] = [];
	const subgroupColumn = measure === 'harm' && (await recordsCarrySubgroups(runner, table));
	if (measure === 'harm' && options.weights) {
		// An inline table of bound values; an empty list still needs the right columns.
		weightsSql = options.weights.length
			? `(SELECT * FROM (VALUES ${options.weights.map(() => '(CAST(? AS VARCHAR), CAST(? AS DOUBLE), CAST(? AS BOOLEAN))').join(', ')}) AS v(category, weight, excluded))`
			: `(SELECT NULL::VARCHAR AS category, NULL::DOUBLE AS weight, NULL::BOOLEAN AS excluded WHERE false)`;
		for (const w of options.weights) weightParams.push(w.category, w.weight, w.excluded);
		const subs = subgroupColumn ? options.weights.flatMap((w) => (w.subgroups ?? []).map((s) => [w.category, s.subgroup, s.weight] as const)) : [];
		if (subs.length) {
			subgroupSql = `(SELECT * FROM (VALUES ${subs.map(() => '(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS DOUBLE))').join(', ')}) AS v(category, subgroup, weight))`;
			subgroupParams.push(...subs.flat());
		}
	} else if (measure === 'harm') {
		const [t] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'harm_weights'`);
		if (t.n === 0) throw new Error('harm needs the harm_weights table (or `weights`): create it with HARM_WEIGHTS_TABLE_SQL and fill it from a harm-weights model (analytics/models)');
		if (subgroupColumn && (await tableExists(runner, HARM_SUBGROUP_WEIGHTS_TABLE))) subgroupSql = HARM_SUBGROUP_WEIGHTS_TABLE;
	}
	// Summed in whole millionths of a weight (squares in millionths²) and divided once: exact, so
	// the same whatever order DuckDB adds the rows in, and the same as the THR pre-aggregate's sums
	// (analytics/thr/area-months.ts).
	const micro = subgroupSql ? 'CAST(round(coalesce(sw.weight, w.weight) * 1000000) AS HUGEINT)' : 'CAST(round(w.weight * 1000000) AS HUGEINT)';
	const harmCols =
		measure === 'harm'
			? `, CAST(coalesce(sum(${micro}) FILTER (WHERE NOT w.excluded), 0) AS DOUBLE) / 1000000 AS harm, CAST(coalesce(sum(${micro} * ${micro}) FILTER (WHERE NOT w.excluded), 0) AS DOUBLE) / 1000000000000 AS harm2`
			: '';
	const join =
		measure === 'harm'
			? `LEFT JOIN ${weightsSql} w ON w.category = i.category${subgroupSql ? ` LEFT JOIN ${subgroupSql} sw ON sw.category = i.category AND sw.subgroup = i.offence_subgroup` : ''}`
			: '';
	const rows =
		months > 0
			? await runner.columns(
					`SELECT i.${col} AS area, i.month_index AS m, count(*)::BIGINT AS n${harmCols}
					 FROM ${table} i ${join}
					 WHERE i.${col} IS NOT NULL AND i.month_index BETWEEN ? AND ? ${catFilter} ${forceFilter}
					 GROUP BY ALL`,
					[...weightParams, ...subgroupParams, first, last, ...catParams]
				)
			: { area: [], m: [], n: [] };
	const areaList = options.areas ? [...options.areas] : [...new Set(rows.area as string[])].sort();
	const position = new Map(areaList.map((a, i) => [a, i]));
	const values = areaList.map(() => new Float64Array(Math.max(0, months)));
	const squares = measure === 'harm' ? areaList.map(() => new Float64Array(Math.max(0, months))) : null;
	const counts = measure === 'harm' ? areaList.map(() => new Float64Array(Math.max(0, months))) : values;
	const area = rows.area as string[];
	for (let k = 0; k < area.length; k++) {
		const a = position.get(area[k]);
		if (a === undefined) continue;
		const t = (rows.m[k] as number) - first;
		values[a][t] = measure === 'harm' ? (rows.harm[k] as number) : (rows.n[k] as number);
		if (squares) squares[a][t] = rows.harm2[k] as number;
		if (counts !== values) counts[a][t] = rows.n[k] as number;
	}
	return { firstMonth: monthKey(first), lastMonth: options.lastMonth, months: Math.max(0, months), measure, areas: areaList, values, squares, counts };
}
