/**
 * `thr_area_months`: the build-time pre-aggregate THR scores from. Records of `incidents` per
 * (LSOA, month, category, in_force_area flag) — counts per category, not harm, so any harm
 * weights (the published table, a what-if copy, exclusions in or out) apply at scoring time.
 * Written by the extract builder and the in-browser import with the explore pre-aggregates
 * (analytics/explore/aggregates.ts), ordered by month so a month range reads few row groups.
 *
 * Every record counts once, those without a place (lsoa_code null) and without a category
 * included, so every figure the scoring reads from `incidents` — window counts and harm, the
 * records left out (outside the force area, unplaced), the months with data, the forecast
 * panel behind Risk — is the same sum over this table (tested against the base rows). Scoring
 * uses it when present, the model's areas are LSOAs and no component needs coordinates
 * (repeat-location); otherwise it reads `incidents` as before ({@link thrSource}).
 *
 * Size: at most areas × months × categories rows, never more than the records (national
 * synthetic 33,000 LSOAs × 36 months, 11.2M records: about 6M rows of five narrow columns).
 */
import type { QueryRunner } from '../runner';
import { hasColumn, tableExists } from '../shared/catalog';
import { recordsCarrySubgroups } from '../models/harm-weights';
import { monthIndex, monthKey } from '../shared/months';
import type { HarmWeightInput, MonthlyPanel, MonthlyPanelOptions } from '../forecast/series';
import type { FlatPanel } from '../forecast/area-harm';
import type { ThrModel } from './model';
import { HARM_SCALE, windowSums } from './sql';

/** The dataset's name (the extract contract's entry). */
export const THR_AREA_MONTHS = 'thr_area_months';

/** Where the scoring reads its records: the base rows, or the pre-aggregate (column `n` = records). */
export type ThrSource = 'incidents' | 'thr_area_months';

/**
 * The SELECT writing the pre-aggregate from a relation holding the incidents' rows (the
 * builder's typed table, or `incidents`), with the contract's columns; `flag` is the column
 * holding the in_force_area flag (`NULL` for a relation without one: every record is read).
 *
 * Integer keys, so scoring reads cells without hashing a string: `area_index` numbers the
 * distinct LSOAs 0, 1, … in binary order of the code (null without one) and `category_index`
 * the distinct categories likewise; `first_of_area` / `first_of_category` mark the rows of each
 * one's earliest month, so the names behind the indexes are read from those rows alone (both
 * marks come from the same hash aggregates that number the codes: no sort of the rows).
 */
export function thrAreaMonthsSelectSql(incidents: string, flag = 'in_force_area'): string {
	return `WITH g AS (
	  SELECT lsoa_code::VARCHAR AS lsoa_code, month_index::INTEGER AS month_index, category::VARCHAR AS category,
	    (${flag})::BOOLEAN AS in_force_area, count(*)::INTEGER AS n
	  FROM ${incidents} GROUP BY ALL
	),
	areas AS (
	  SELECT lsoa_code, (row_number() OVER (ORDER BY lsoa_code COLLATE "binary") - 1)::INTEGER AS area_index, first_month
	  FROM (SELECT lsoa_code, min(month_index) AS first_month FROM g WHERE lsoa_code IS NOT NULL GROUP BY 1)
	),
	cats AS (
	  SELECT category, (row_number() OVER (ORDER BY category COLLATE "binary") - 1)::INTEGER AS category_index, first_month
	  FROM (SELECT category, min(month_index) AS first_month FROM g WHERE category IS NOT NULL GROUP BY 1)
	)
	SELECT g.lsoa_code, g.month_index, g.category, g.in_force_area, g.n, a.area_index, c.category_index,
	  coalesce(g.month_index = a.first_month, false) AS first_of_area, coalesce(g.month_index = c.first_month, false) AS first_of_category
	FROM g LEFT JOIN areas a ON a.lsoa_code = g.lsoa_code LEFT JOIN cats c ON c.category = g.category
	ORDER BY g.month_index, g.lsoa_code, g.category`;
}

/** Whether `thr_area_months` carries the integer keys (extracts built before them do not: scoring then groups on the codes). */
export async function hasAreaMonthKeys(runner: QueryRunner): Promise<boolean> {
	// One catalogue query for the four columns (each costs a round trip to DuckDB-wasm's worker).
	const keys = ['area_index', 'category_index', 'first_of_area', 'first_of_category'];
	const [c] = await runner.rows<{ n: number }>(
		`SELECT count(DISTINCT column_name) AS n FROM information_schema.columns WHERE table_name = ? AND column_name IN (${keys.map(() => '?').join(', ')}) AND table_schema IN ('main', 'temp')`,
		[THR_AREA_MONTHS, ...keys]
	);
	return Number(c?.n ?? 0) === keys.length;
}

/**
 * The source a model is scored from on this database: `thr_area_months` when the extract has it
 * (with its flag column), the model's areas are LSOAs, no component is a repeat-location
 * one (which needs coordinates) and no record carries an offence subgroup (the pre-aggregate
 * counts categories, so it cannot weigh a record by its subgroup); else `incidents`. `prefer`
 * forces the base rows (tests, bench).
 */
export async function thrSource(runner: QueryRunner, model: ThrModel, prefer: ThrSource | 'auto' = 'auto'): Promise<ThrSource> {
	if (prefer === 'incidents') return 'incidents';
	const usable = model.scope.area_unit === 'lsoa' && !model.components.some((c) => c.kind === 'repeat-location');
	// The three checks at once: each is a round trip to DuckDB-wasm's worker.
	const present = usable && (await Promise.all([tableExists(runner, THR_AREA_MONTHS), hasColumn(runner, THR_AREA_MONTHS, 'in_force_area'), recordsCarrySubgroups(runner)])).every((ok, i) => (i === 2 ? !ok : ok));
	if (prefer === THR_AREA_MONTHS && !present) throw new RangeError(`${THR_AREA_MONTHS} is not usable here (missing, or the model needs the base rows)`);
	return present ? THR_AREA_MONTHS : 'incidents';
}

/** The first month with records up to `last` (inside the force area when asked), from the pre-aggregate; null when none. */
export async function aggregateFirstMonth(runner: QueryRunner, last: number, forceAreaOnly = false): Promise<number | null> {
	const [r] = await runner.rows<{ first: number | null }>(
		`SELECT min(month_index) AS first FROM thr_area_months WHERE month_index <= ? ${forceAreaOnly ? 'AND in_force_area IS NOT false' : ''}`,
		[last]
	);
	return r.first === null ? null : Number(r.first);
}

/**
 * The monthly harm panel (analytics/forecast/series.ts monthlyPanel, measure 'harm', LSOAs, no
 * area list or categories) from the pre-aggregate, value for value: harm and Σ weight² summed in
 * whole millionths (squares in millionths²) and divided once, as monthlyPanel does, so the
 * doubles are identical; areas sorted the same way. The cells come back as numbers only (area
 * index, month offset), so moving a national panel into JavaScript costs no string per cell.
 */
export async function aggregatePanel(runner: QueryRunner, options: MonthlyPanelOptions): Promise<MonthlyPanel> {
	if ((options.table ?? 'incidents') !== 'incidents' || options.level !== 'lsoa' || options.measure !== 'harm' || options.areas || options.categories || !options.weights || options.months === undefined) {
		throw new RangeError('aggregatePanel: only the harm panel of incidents by LSOA over a fixed number of months, with explicit weights');
	}
	const last = monthIndex(options.lastMonth);
	const first = last - options.months + 1;
	const weights = options.weights;
	const values = weights.length
		? `SELECT * FROM (VALUES ${weights.map(() => '(CAST(? AS VARCHAR), CAST(round(CAST(? AS DOUBLE) * 1000000) AS BIGINT), CAST(? AS BOOLEAN))').join(', ')}) AS v(category, w, excluded)`
		: 'SELECT NULL::VARCHAR AS category, NULL::BIGINT AS w, NULL::BOOLEAN AS excluded WHERE false';
	const params = weights.flatMap((w) => [w.category, w.weight, w.excluded]);
	const force = options.forceAreaOnly ? 'AND a.in_force_area IS NOT false' : '';
	const cols = await runner.columns(
		`WITH w AS (${values}),
		cells AS (
			SELECT a.lsoa_code AS area, a.month_index - CAST(? AS INTEGER) AS t, sum(a.n) AS n,
				sum(a.n * w.w) FILTER (WHERE NOT w.excluded) AS harm,
				sum(a.n * CAST(w.w AS HUGEINT) * CAST(w.w AS HUGEINT)) FILTER (WHERE NOT w.excluded) AS harm2
			FROM thr_area_months a LEFT JOIN w ON w.category = a.category
			WHERE a.lsoa_code IS NOT NULL AND a.month_index BETWEEN ? AND ? ${force}
			GROUP BY ALL
		),
		areas AS (SELECT area, CAST(row_number() OVER (ORDER BY area COLLATE "binary") - 1 AS INTEGER) AS k FROM (SELECT DISTINCT area FROM cells))
		SELECT NULL::VARCHAR AS area, k, CAST(t AS INTEGER) AS t, CAST(n AS DOUBLE) AS n, CAST(coalesce(harm, 0) AS DOUBLE) AS harm, CAST(coalesce(harm2, 0) AS DOUBLE) AS harm2
		FROM cells JOIN areas USING (area)
		UNION ALL
		SELECT area, k, NULL, NULL, NULL, NULL FROM areas`,
		[...params, first, first, last]
	);
	const k = cols.k as number[];
	const t = cols.t as (number | null)[];
	const names = cols.area as (string | null)[];
	const areas: string[] = [];
	for (let r = 0; r < k.length; r++) if (t[r] === null) areas[k[r]] = names[r]!;
	const months = Math.max(0, options.months);
	const vals = areas.map(() => new Float64Array(months));
	const squares = areas.map(() => new Float64Array(months));
	const counts = areas.map(() => new Float64Array(months));
	const n = cols.n as number[];
	const harm = cols.harm as number[];
	const harm2 = cols.harm2 as number[];
	for (let r = 0; r < k.length; r++) {
		const at = t[r];
		if (at === null) continue;
		// The same single division monthlyPanel makes in SQL.
		vals[k[r]][at] = harm[r] / 1_000_000;
		squares[k[r]][at] = harm2[r] / 1_000_000_000_000;
		counts[k[r]][at] = n[r];
	}
	// monthlyPanel orders areas with JavaScript's sort (code units): the same order for the codes
	// SQL sorted byte-wise unless a code has characters outside the BMP; checked, and re-sorted if not.
	for (let i = 1; i < areas.length; i++) {
		if (!(areas[i - 1] < areas[i])) {
			const order = areas.map((_, j) => j).sort((a, b) => (areas[a] < areas[b] ? -1 : areas[a] > areas[b] ? 1 : 0));
			return { firstMonth: monthKey(first), lastMonth: options.lastMonth, months, measure: 'harm', areas: order.map((j) => areas[j]), values: order.map((j) => vals[j]), squares: order.map((j) => squares[j]), counts: order.map((j) => counts[j]) };
		}
	}
	return { firstMonth: monthKey(first), lastMonth: options.lastMonth, months, measure: 'harm', areas, values: vals, squares, counts };
}

/**
 * One pass over the pre-aggregate for a whole scoring: per (area, month) over [first, first +
 * months), the records (every category), the incidents counted towards harm (weighted, not
 * excluded), their harm in whole millionths (exact integers) and Σ weight² in millionths².
 * Window sums, the Risk forecast's panel and the scope are all cut from it in JavaScript, with
 * the same integers the SQL would add, so the results are those of the base rows bit for bit.
 */
export interface AreaMonthGrid {
	first: number;
	months: number;
	/** Areas with at least one record in the range (lsoa_code not null; outside the force area left out when `forceAreaOnly`), sorted. */
	areas: string[];
	/** Each measure in one block, area by area: area a, month first + t at a × months + t. */
	records: Float64Array;
	counted: Float64Array;
	harmMicro: Float64Array;
	harm2: Float64Array;
	/** What it was read with, so a panel is only cut from it for the same weights and flag. */
	weights: readonly HarmWeightInput[];
	forceAreaOnly: boolean;
}

/** What a grid is read with. */
export interface AreaMonthGridRequest {
	weights: readonly HarmWeightInput[];
	first: number;
	last: number;
	forceAreaOnly: boolean;
}

/**
 * Read {@link AreaMonthGrid} for months [first, last] with these weights (bound; micro-units as
 * monthlyPanel rounds them): from the integer keys when the extract has them and the runner hands
 * numeric columns over as typed arrays (DuckDB-wasm: {@link readAreaMonthGridByKeys}), else
 * grouped on the codes in SQL ({@link readAreaMonthGridGrouped}; natively, where DuckDB groups on
 * every core and values are converted one by one, that is the quicker). The same grid either way.
 */
export async function readAreaMonthGrid(runner: QueryRunner, request: AreaMonthGridRequest): Promise<AreaMonthGrid> {
	if (runner.numbers && (await hasAreaMonthKeys(runner))) {
		const grid = await readAreaMonthGridByKeys(runner, request);
		if (grid) return grid;
	}
	return readAreaMonthGridGrouped(runner, request);
}

/** {@link readAreaMonthGrid} grouped on the area and category codes in SQL (any extract with `thr_area_months`). */
export async function readAreaMonthGridGrouped(runner: QueryRunner, { weights, first, last, forceAreaOnly }: AreaMonthGridRequest): Promise<AreaMonthGrid> {
	const values = weights.length
		? `SELECT * FROM (VALUES ${weights.map(() => '(CAST(? AS VARCHAR), CAST(round(CAST(? AS DOUBLE) * 1000000) AS BIGINT), CAST(? AS BOOLEAN))').join(', ')}) AS v(category, w, excluded)`
		: 'SELECT NULL::VARCHAR AS category, NULL::BIGINT AS w, NULL::BOOLEAN AS excluded WHERE false';
	const params = weights.flatMap((w) => [w.category, w.weight, w.excluded]);
	const force = forceAreaOnly ? 'AND a.in_force_area IS NOT false' : '';
	const cols = await runner.columns(
		`WITH w AS (${values}),
		cells AS (
			SELECT a.lsoa_code AS area, a.month_index - CAST(? AS INTEGER) AS t, sum(a.n) AS n,
				sum(a.n) FILTER (WHERE NOT w.excluded AND w.w IS NOT NULL) AS counted,
				sum(a.n * w.w) FILTER (WHERE NOT w.excluded) AS harm,
				sum(a.n * CAST(w.w AS HUGEINT) * CAST(w.w AS HUGEINT)) FILTER (WHERE NOT w.excluded) AS harm2
			FROM thr_area_months a LEFT JOIN w ON w.category = a.category
			WHERE a.lsoa_code IS NOT NULL AND a.month_index BETWEEN ? AND ? ${force}
			GROUP BY ALL
		),
		areas AS (SELECT area, CAST(row_number() OVER (ORDER BY area COLLATE "binary") - 1 AS INTEGER) AS k FROM (SELECT DISTINCT area FROM cells))
		SELECT NULL::VARCHAR AS area, CAST(k AS DOUBLE) * CAST(? AS DOUBLE) + t AS cell, CAST(n AS DOUBLE) AS n, CAST(coalesce(counted, 0) AS DOUBLE) AS counted,
			CAST(coalesce(harm, 0) AS DOUBLE) AS harm, CAST(coalesce(harm2, 0) AS DOUBLE) AS harm2
		FROM cells JOIN areas USING (area)
		UNION ALL
		SELECT area, CAST(-1 - k AS DOUBLE), 0, 0, 0, 0 FROM areas`,
		[...params, first, first, last, Math.max(0, last - first + 1)]
	);
	const months = Math.max(0, last - first + 1);
	// One number per row: area k's month t is the cell k × months + t (exact in a double); the row
	// naming area k has −1 − k (and zeros, so no numeric column holds a NULL).
	const cell = cols.cell as number[];
	const names = cols.area as (string | null)[];
	// Sized and filled first: rows arrive in any order, and an array grown by scattered indices is a slow dictionary.
	let count = 0;
	for (let r = 0; r < cell.length; r++) if (cell[r] < 0) count++;
	const areas: string[] = [];
	for (let i = 0; i < count; i++) areas.push('');
	for (let r = 0; r < cell.length; r++) if (cell[r] < 0) areas[-1 - cell[r]] = names[r]!;
	const size = areas.length * months;
	const [records, counted, harmMicro, harm2] = [new Float64Array(size), new Float64Array(size), new Float64Array(size), new Float64Array(size)];
	const [n, c, h, h2] = [cols.n, cols.counted, cols.harm, cols.harm2] as number[][];
	for (let r = 0; r < cell.length; r++) {
		const i = cell[r];
		if (i < 0) continue;
		records[i] = n[r];
		counted[i] = c[r];
		harmMicro[i] = h[r];
		harm2[i] = h2[r];
	}
	return inCodeUnitOrder({ first, months, areas, records, counted, harmMicro, harm2, weights, forceAreaOnly });
}

/** The grid with its areas in JavaScript's order (code units), as monthlyPanel and the engine sort: re-sorted if SQL's binary order differs. */
function inCodeUnitOrder(grid: AreaMonthGrid): AreaMonthGrid {
	const { areas, months } = grid;
	if (!areas.some((a, i) => i > 0 && !(areas[i - 1] < a))) return grid;
	const order = areas.map((_, j) => j).sort((a, b) => (areas[a] < areas[b] ? -1 : areas[a] > areas[b] ? 1 : 0));
	const pick = (xs: Float64Array) => {
		const out = new Float64Array(xs.length);
		order.forEach((j, a) => out.set(xs.subarray(j * months, (j + 1) * months), a * months));
		return out;
	};
	return { ...grid, areas: order.map((j) => areas[j]), records: pick(grid.records), counted: pick(grid.counted), harmMicro: pick(grid.harmMicro), harm2: pick(grid.harm2) };
}

const TWO_32 = 4_294_967_296;
/** Category slots of {@link readAreaMonthGridByKeys}' packed integer (records × slots + slot): up to 1,023 categories, the last slot for none. */
const KEY_SLOT_BITS = 10;
const KEY_SLOTS = 1 << KEY_SLOT_BITS;
/** Records a row may hold for the packed integer to stay below 2^31 (a row with more: the grid is grouped in SQL). */
const KEY_RECORDS_BELOW = Math.floor(2 ** 31 / KEY_SLOTS) - 1;
const TWO_53 = 2 ** 53;
const TWO_64 = 2 ** 64;

/**
 * {@link readAreaMonthGrid} from the integer keys of `thr_area_months` (see
 * {@link thrAreaMonthsSelectSql}), with no GROUP BY of the rows and no join: the names behind the
 * indexes from the rows marked as their area's or category's earliest month (up to `last`), then
 * the rows of [first, last] as three integer columns (grid cell, category, records), summed
 * straight into the grid in JavaScript, batch by batch as the engine hands them over, with each
 * category's weight applied by index.
 *
 * The same numbers as the SQL: records, counts and harm in millionths are integers added
 * exactly (below 2^53, checked); Σ n × weight² (beyond 2^53) is kept as two exact integer
 * parts, its high 32 bits and its low 32 bits, joined by one correctly rounded addition, which
 * is DuckDB's rounding of the exact HUGEINT sum to a double (below 2^64, checked). Null where it
 * cannot promise that (a category weighted twice, a negative weight, a sum beyond those bounds,
 * a key too large): the caller then reads the grid grouped in SQL.
 */
export async function readAreaMonthGridByKeys(runner: QueryRunner, { weights, first, last, forceAreaOnly }: AreaMonthGridRequest): Promise<AreaMonthGrid | null> {
	const months = Math.max(0, last - first + 1);
	const force = forceAreaOnly ? 'AND in_force_area IS NOT false' : '';
	// Each row keyed by its place in the grid's area-major blocks (area a, month first + t at
	// a × months + t), so the sums below add straight into the grid; −1 where that passes 2^31.
	// The category slot and the records share one integer, records × KEY_SLOTS + slot (the fewer
	// bytes cross from the engine, the sooner the rows arrive; the records without a category in
	// the last slot), −1 where that would not fit in 31 bits. Neither depends on the names, so
	// both queries are sent at once: the names are converted while the engine scans for the rows.
	const sql = `SELECT CASE WHEN area_index * CAST(? AS BIGINT) + (month_index - CAST(? AS INTEGER)) < ${2 ** 31} AND coalesce(category_index, 0) < ${KEY_SLOTS - 1}
			THEN CAST(area_index * CAST(? AS BIGINT) + (month_index - CAST(? AS INTEGER)) AS INTEGER) ELSE -1 END AS cell,
			CASE WHEN n >= 0 AND n < ${KEY_RECORDS_BELOW} THEN CAST(n * CAST(${KEY_SLOTS} AS BIGINT) + coalesce(category_index, ${KEY_SLOTS - 1}) AS INTEGER) ELSE -1 END AS cn
		FROM ${THR_AREA_MONTHS} WHERE area_index IS NOT NULL AND month_index BETWEEN ? AND ? ${force}`;
	const params = [months, first, months, first, first, last];
	// Millions of rows: batch by batch as the engine hands them over where the runner can (no
	// copy, no conversion per value), else as typed arrays, else as plain columns.
	const rows: Promise<Array<Record<string, ArrayLike<number>>>> = runner.numberBatches
		? runner.numberBatches(sql, params)
		: runner.numbers
			? runner.numbers(sql, params).then((c) => [c])
			: runner.columns(sql, params).then((c) => [c as unknown as Record<string, ArrayLike<number>>]);
	const [names, batches] = await Promise.all([
		runner.columns(
			`SELECT area_index AS a, lsoa_code AS area, NULL::INTEGER AS c, NULL::VARCHAR AS category FROM (SELECT DISTINCT area_index, lsoa_code FROM ${THR_AREA_MONTHS} WHERE first_of_area AND month_index <= ?)
		UNION ALL
		SELECT NULL, NULL, category_index, category FROM (SELECT DISTINCT category_index, category FROM ${THR_AREA_MONTHS} WHERE first_of_category AND month_index <= ?)`,
			[last, last]
		),
		rows
	]);
	const areaNames: string[] = [];
	const categoryNames: string[] = [];
	const [ai, an, ci, cn] = [names.a, names.area, names.c, names.category] as [(number | null)[], (string | null)[], (number | null)[], (string | null)[]];
	let areaCount = 0;
	let categoryCount = 0;
	for (let r = 0; r < ai.length; r++) {
		if (an[r] !== null && ai[r] !== null) areaCount = Math.max(areaCount, ai[r]! + 1);
		if (cn[r] !== null && ci[r] !== null) categoryCount = Math.max(categoryCount, ci[r]! + 1);
	}
	for (let i = 0; i < areaCount; i++) areaNames.push('');
	for (let i = 0; i < categoryCount; i++) categoryNames.push('');
	const named = new Uint8Array(areaCount);
	// Slots beyond the named categories stay unnamed (a row there is declined), the last (no category) named.
	const categoryNamed = new Uint8Array(KEY_SLOTS);
	categoryNamed[KEY_SLOTS - 1] = 1;
	for (let r = 0; r < ai.length; r++) {
		if (an[r] !== null && ai[r] !== null) {
			areaNames[ai[r]!] = an[r]!;
			named[ai[r]!] = 1;
		}
		if (cn[r] !== null && ci[r] !== null) {
			categoryNames[ci[r]!] = cn[r]!;
			categoryNamed[ci[r]!] = 1;
		}
	}
	// Each category's weight in millionths (as the SQL rounds it: half away from zero), and its
	// square split into two exact parts; the last slot is the records without a category.
	if (categoryCount > KEY_SLOTS - 1) return null;
	const slots = KEY_SLOTS;
	const use = new Uint8Array(slots);
	const micro = new Float64Array(slots);
	const squareHigh = new Float64Array(slots);
	const squareLow = new Float64Array(slots);
	const byName = new Map<string, HarmWeightInput>();
	for (const w of weights) {
		if (byName.has(w.category)) return null;
		byName.set(w.category, w);
	}
	let maxMicro = 0;
	for (let c = 0; c < categoryCount; c++) {
		const w = byName.get(categoryNames[c]);
		if (!w || w.excluded !== false || w.weight === null || !Number.isFinite(w.weight)) continue;
		const scaled = w.weight * 1_000_000;
		const m = Math.sign(scaled) * Math.round(Math.abs(scaled));
		if (m < 0 || !Number.isSafeInteger(m)) return null;
		const square = BigInt(m) * BigInt(m);
		use[c] = 1;
		micro[c] = m;
		squareHigh[c] = Number(square >> 32n);
		squareLow[c] = Number(square & 0xffff_ffffn);
		maxMicro = Math.max(maxMicro, m);
	}
	const cells = areaCount * months;
	if (cells >= 2 ** 31) return null;
	// Four of the grid's measures are summed in place; Σ n × weight² as two exact parts, Σ n × its
	// high 32 bits in `harm2` and Σ n × its low 32 bits beside it, joined below.
	const sums: CellSums = { records: new Float64Array(cells), counted: new Float64Array(cells), harmMicro: new Float64Array(cells), high: new Float64Array(cells), low: new Float64Array(cells) };
	const byCategory = { use, micro, squareHigh, squareLow, named: categoryNamed };
	for (const batch of batches) if (!addRows(sums, byCategory, batch.cell, batch.cn)) return null;
	const { records, counted, harmMicro, high: harm2, low } = sums;
	// Every partial sum is at most the cell's records times the largest term: exact below 2^53.
	let maxRecords = 0;
	for (let i = 0; i < cells; i++) if (records[i] > maxRecords) maxRecords = records[i];
	const maxHigh = squareHigh.reduce((m, v) => Math.max(m, v), 0);
	if (maxRecords * Math.max(maxMicro, maxHigh, TWO_32) >= TWO_53) return null;
	for (let i = 0; i < cells; i++) {
		// Σ n × weight², exact in two parts, joined by one correctly rounded addition.
		const square = harm2[i] * TWO_32 + low[i];
		if (square >= TWO_64) return null;
		harm2[i] = square;
	}
	// The areas with a record in the range, in index (binary) order; blocks of the others dropped
	// in place (each kept block moves down to its area's row).
	const areas: string[] = [];
	for (let a = 0; a < areaCount; a++) {
		let present = false;
		for (let t = a * months; t < (a + 1) * months; t++) {
			if (records[t] > 0) {
				present = true;
				break;
			}
		}
		if (!present) continue;
		if (!named[a]) return null;
		const to = areas.length;
		if (to !== a) for (const v of [records, counted, harmMicro, harm2]) v.copyWithin(to * months, a * months, (a + 1) * months);
		areas.push(areaNames[a]);
	}
	const size = areas.length * months;
	const cut = (v: Float64Array) => (size === cells ? v : v.subarray(0, size));
	return inCodeUnitOrder({ first, months, areas, records: cut(records), counted: cut(counted), harmMicro: cut(harmMicro), harm2: cut(harm2), weights, forceAreaOnly });
}

/** The running sums of {@link readAreaMonthGridByKeys}, one value per grid cell each. */
interface CellSums {
	records: Float64Array;
	counted: Float64Array;
	harmMicro: Float64Array;
	high: Float64Array;
	low: Float64Array;
}

/**
 * Add one batch of keyed rows (grid cell; records × KEY_SLOTS + category slot) into `sums`, each
 * category's weight applied by its slot; false for a row it cannot place (−1 in either, a
 * category not named).
 */
function addRows(
	sums: CellSums,
	byCategory: { use: Uint8Array; micro: Float64Array; squareHigh: Float64Array; squareLow: Float64Array; named: Uint8Array },
	cellOf: ArrayLike<number>,
	packed: ArrayLike<number>
): boolean {
	const { records, counted, harmMicro, high, low } = sums;
	const { use, micro, squareHigh, squareLow, named } = byCategory;
	for (let r = 0; r < cellOf.length; r++) {
		const i = cellOf[r];
		const v = packed[r];
		if (i < 0 || i >= records.length || v < 0) return false;
		// KEY_SLOTS is a power of two and v a non-negative 31-bit integer: a shift and a mask.
		const x = v >>> KEY_SLOT_BITS;
		const c = v & (KEY_SLOTS - 1);
		if (!named[c]) return false;
		records[i] += x;
		if (use[c]) {
			counted[i] += x;
			harmMicro[i] += x * micro[c];
			high[i] += x * squareHigh[c];
			low[i] += x * squareLow[c];
		}
	}
	return true;
}

/** Whether a panel asked for with `options` can be cut from `grid` (read with the same weights and flag, covering its months): its first month's offset in the grid, else null. */
function gridOffset(grid: AreaMonthGrid, options: MonthlyPanelOptions): number | null {
	if (options.months === undefined || options.areas || options.categories || options.measure !== 'harm' || options.level !== 'lsoa') return null;
	if ((options.table ?? 'incidents') !== 'incidents' || options.weights !== grid.weights || (options.forceAreaOnly ?? false) !== grid.forceAreaOnly) return null;
	const last = monthIndex(options.lastMonth);
	const from = last - options.months + 1 - grid.first;
	if (from < 0 || last - grid.first >= grid.months) return null;
	return from;
}

/**
 * monthlyPanel's harm panel for `options`, cut from a grid read with the same weights and flag
 * that covers its months; null when it does not (the caller then queries).
 */
export function panelFromGrid(grid: AreaMonthGrid, options: MonthlyPanelOptions): MonthlyPanel | null {
	const from = gridOffset(grid, options);
	if (from === null) return null;
	const months = options.months!;
	const M = grid.months;
	const keep: number[] = [];
	for (let a = 0; a < grid.areas.length; a++) {
		for (let t = from; t < from + months; t++) {
			if (grid.records[a * M + t] > 0) {
				keep.push(a);
				break;
			}
		}
	}
	const cut = (v: Float64Array, a: number, scale: number) => {
		const out = new Float64Array(months);
		for (let t = 0; t < months; t++) out[t] = v[a * M + from + t] / scale;
		return out;
	};
	return {
		firstMonth: monthKey(monthIndex(options.lastMonth) - months + 1),
		lastMonth: options.lastMonth,
		months,
		measure: 'harm',
		areas: keep.map((a) => grid.areas[a]),
		values: keep.map((a) => cut(grid.harmMicro, a, 1_000_000)),
		squares: keep.map((a) => cut(grid.harm2, a, 1_000_000_000_000)),
		counts: keep.map((a) => cut(grid.records, a, 1))
	};
}

/**
 * The same panel as {@link panelFromGrid}, as one block per measure over every area of the grid
 * (an area without records in the panel's months is all zeros there, and each month's forecast
 * keeps only the areas with records in its own window), without a typed array per area: the
 * values are the grid's divided once, cell by cell, as panelFromGrid divides them. Null when the
 * grid does not cover the panel.
 */
export function flatPanelFromGrid(grid: AreaMonthGrid, options: MonthlyPanelOptions): FlatPanel | null {
	const from = gridOffset(grid, options);
	if (from === null) return null;
	const values = new Float64Array(grid.harmMicro.length);
	const squares = new Float64Array(grid.harm2.length);
	for (let i = 0; i < values.length; i++) {
		values[i] = grid.harmMicro[i] / 1_000_000;
		squares[i] = grid.harm2[i] / 1_000_000_000_000;
	}
	return {
		firstMonth: monthIndex(options.lastMonth) - options.months! + 1,
		months: options.months!,
		areas: grid.areas,
		stride: grid.months,
		offset: from,
		values,
		squares,
		counts: grid.records
	};
}

/** {@link sumsFromGrid}'s columns: componentSumsSql's, its sums as typed arrays. */
export type GridSums = { month_index: number[]; area_id: string[] } & Record<string, ArrayLike<number> | number[] | string[]>;

/**
 * componentSumsSql's result (same columns, rows, order and values) computed from a grid: per
 * assessment month (ascending) and area (sorted), each window's incidents and harm (millionths
 * added as integers, divided once). `scopeList`: every area of the declared region (zeros where
 * the grid has none), or null for the areas with a harm-counting record in the longest window.
 */
export function sumsFromGrid(model: ThrModel, grid: AreaMonthGrid, months: readonly number[], scopeList: readonly string[] | null): GridSums {
	const sums = windowSums(model);
	const sorted = [...new Set(months)].sort((a, b) => a - b);
	const M = grid.months;
	const index = new Map(grid.areas.map((a, i) => [a, i]));
	// Every measure holds whole numbers (records, or millionths of a day), so any order of adding
	// gives the same sum: for a trend, a window is the difference of two running totals per area
	// (exact while every total is below 2^53, else added month by month); for one or two months,
	// added month by month (no block of totals to fill for so few windows).
	const W = M + 1;
	const running = new Map<Float64Array, Float64Array | null>();
	const totalsOf = (series: Float64Array) => {
		if (sorted.length <= 2) return null;
		if (running.has(series)) return running.get(series)!;
		const out = new Float64Array(grid.areas.length * W);
		let exact = true;
		for (let i = 0; i < grid.areas.length; i++) {
			let s = 0;
			for (let t = 0; t < M; t++) {
				s += series[i * M + t];
				out[i * W + t + 1] = s;
				if (!(Math.abs(s) < 2 ** 53)) exact = false;
			}
		}
		running.set(series, exact ? out : null);
		return exact ? out : null;
	};
	// A window's first and last offset in the grid for assessment month m (hi < lo: none).
	const bounds = (m: number, from: number, to: number): [number, number] => [Math.max(0, m - from - grid.first), Math.min(M - 1, m - to - grid.first)];
	const inScope = sums.find((x) => x.alias === 'in_scope')!;
	// The rows of each month: grid index per area (−1: not in the grid), in the order given.
	const scopeRows = scopeList ? Int32Array.from(scopeList, (a) => index.get(a) ?? -1) : null;
	const perMonth = sorted.map((m) => {
		if (scopeRows) return scopeRows;
		const all = Int32Array.from(grid.areas, (_, i) => i);
		const sum = new Float64Array(all.length);
		const [lo, hi] = bounds(m, inScope.from, inScope.to);
		windowInto(sum, grid.counted, totalsOf(grid.counted), all, M, lo, hi, 1);
		const rows: number[] = [];
		for (let i = 0; i < all.length; i++) if (sum[i] > 0) rows.push(i);
		return rows;
	});
	// The month and area columns grown by push (V8 makes `new Array(n)` of more than about 100,000
	// elements a slow dictionary); each sum column is one Float64Array, each month's window sums
	// written straight into its stretch of it.
	const total = perMonth.reduce((t, rows) => t + rows.length, 0);
	const monthOf: number[] = [];
	const areaOf: string[] = [];
	const out: GridSums = { month_index: monthOf, area_id: areaOf };
	const columns = sums.filter((x) => x.alias !== 'in_scope').map((x) => ({ x, values: (out[x.alias] = new Float64Array(total)), series: x.measure === 'harm' ? grid.harmMicro : grid.counted }));
	let at = 0;
	sorted.forEach((m, j) => {
		const rows = perMonth[j];
		for (let q = 0; q < rows.length; q++) {
			const i = rows[q];
			monthOf.push(m);
			areaOf.push(i < 0 ? scopeList![q] : grid.areas[i]);
		}
		for (const { x, values, series } of columns) {
			const [lo, hi] = bounds(m, x.from, x.to);
			windowInto(values.subarray(at, at + rows.length), series, totalsOf(series), rows, M, lo, hi, x.measure === 'harm' ? HARM_SCALE : 1);
		}
		at += rows.length;
	});
	return out;
}

/**
 * Into `out[q]`: the sum over grid offsets [lo, hi] of `series` for area `rows[q]` (0 for −1, or
 * when hi < lo), divided by `scale` unless it is 1 — from the running totals (`totals`, stride
 * months + 1) when given, else added month by month.
 */
function windowInto(out: Float64Array, series: Float64Array, totals: Float64Array | null, rows: ArrayLike<number>, M: number, lo: number, hi: number, scale: number): void {
	const W = M + 1;
	for (let q = 0; q < rows.length; q++) {
		const i = rows[q];
		let s = 0;
		if (i >= 0 && hi >= lo) {
			if (totals) s = totals[i * W + hi + 1] - totals[i * W + lo];
			else for (let t = lo; t <= hi; t++) s += series[i * M + t];
		}
		out[q] = scale === 1 || s === 0 ? s : s / scale;
	}
}

/** Per month up to `last`: records flagged outside the force area, records without an area, and records the scoring may read. */
export interface MonthTotals {
	months: number[];
	outside: number[];
	unplaced: number[];
	readable: number[];
}

/**
 * {@link MonthTotals} from the pre-aggregate (one small GROUP BY over it); a record without an
 * area is told by its null `area_index` where the table has the keys (an integer column, cheaper
 * to scan than the codes), else by its null `lsoa_code`; a record flagged outside the force area
 * is counted as outside only, never again as without an area.
 */
export async function monthTotals(runner: QueryRunner, last: number, forceFlag: boolean): Promise<MonthTotals> {
	const place = (await hasColumn(runner, THR_AREA_MONTHS, 'area_index')) ? 'area_index' : 'lsoa_code';
	const cols = await runner.columns(
		`SELECT month_index AS m,
			coalesce(sum(n) FILTER (WHERE ${forceFlag ? 'in_force_area = false' : 'false'}), 0)::DOUBLE AS outside,
			coalesce(sum(n) FILTER (WHERE ${place} IS NULL${forceFlag ? ' AND in_force_area IS NOT false' : ''}), 0)::DOUBLE AS unplaced,
			coalesce(sum(n) FILTER (WHERE ${forceFlag ? 'in_force_area IS NOT false' : 'true'}), 0)::DOUBLE AS readable
		FROM thr_area_months WHERE month_index <= ? GROUP BY 1 ORDER BY 1`,
		[last]
	);
	return { months: (cols.m as number[]).map(Number), outside: cols.outside as number[], unplaced: cols.unplaced as number[], readable: cols.readable as number[] };
}

/**
 * {@link monthTotals} for a scoring that also reads the grid of months [first, last]: the query
 * reads only the records the grid leaves out — flagged outside the force area, without an area,
 * or before `first` — so it aggregates few rows instead of the whole pre-aggregate; the records
 * the grid holds make up the rest of each month's readable records ({@link withGridTotals}).
 */
export async function monthTotalsBesideGrid(runner: QueryRunner, last: number, forceFlag: boolean, first: number): Promise<MonthTotals> {
	const place = (await hasColumn(runner, THR_AREA_MONTHS, 'area_index')) ? 'area_index' : 'lsoa_code';
	const outside = forceFlag ? 'in_force_area = false' : 'false';
	const readable = forceFlag ? 'in_force_area IS NOT false' : 'true';
	const cols = await runner.columns(
		`SELECT month_index AS m,
			coalesce(sum(n) FILTER (WHERE ${outside}), 0)::DOUBLE AS outside,
			coalesce(sum(n) FILTER (WHERE ${place} IS NULL AND ${readable}), 0)::DOUBLE AS unplaced,
			coalesce(sum(n) FILTER (WHERE ${readable} AND (${place} IS NULL OR month_index < ?)), 0)::DOUBLE AS readable
		FROM thr_area_months WHERE month_index <= ? AND (${outside} OR ${place} IS NULL OR month_index < ?) GROUP BY 1 ORDER BY 1`,
		[first, last, first]
	);
	return { months: (cols.m as number[]).map(Number), outside: cols.outside as number[], unplaced: cols.unplaced as number[], readable: cols.readable as number[] };
}

/**
 * {@link monthTotalsBesideGrid}'s totals completed with the grid's records (read with the same
 * flag, over months from its `first` to the totals' last): each month's readable records plus
 * the grid's, and the months only the grid has records in added, in order. Equals
 * {@link monthTotals} (tested).
 */
export function withGridTotals(totals: MonthTotals, grid: AreaMonthGrid): MonthTotals {
	const M = grid.months;
	const inGrid = new Float64Array(M);
	for (let a = 0; a < grid.areas.length; a++) for (let t = 0; t < M; t++) inGrid[t] += grid.records[a * M + t];
	const byMonth = new Map<number, number>();
	totals.months.forEach((m, j) => byMonth.set(m, j));
	const months = [...new Set([...totals.months, ...Array.from({ length: M }, (_, t) => grid.first + t).filter((m, t) => inGrid[t] > 0)])].sort((a, b) => a - b);
	const out: MonthTotals = { months, outside: [], unplaced: [], readable: [] };
	for (const m of months) {
		const j = byMonth.get(m);
		const t = m - grid.first;
		out.outside.push(j === undefined ? 0 : totals.outside[j]);
		out.unplaced.push(j === undefined ? 0 : totals.unplaced[j]);
		out.readable.push((j === undefined ? 0 : totals.readable[j]) + (t >= 0 && t < M ? inGrid[t] : 0));
	}
	return out;
}
