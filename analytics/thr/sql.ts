/**
 * The set-based SQL behind THR scores: one pass over `incidents` that turns every record up to
 * the last assessment month into per-area, per-month counts and harm, then each component's
 * window sums. No per-area queries; every value is a bound parameter; the only names in the
 * SQL text come from known lists (area columns, fixed aliases).
 *
 * Harm is summed in whole millionths of a CCHI day (BIGINT) so that totals are exact and do
 * not depend on the order DuckDB's parallel aggregation adds them in (a DOUBLE sum can differ in
 * the last bit between runs, which would break ties at random); it becomes a DOUBLE once, at the
 * end, by one division. Weights are therefore used to 6 decimal places (the CCHI table has 2).
 */
import type { Param, QueryRunner } from '../runner';
import { ident } from '../ingest/sql';
import { inList } from '../shared/sql';
import { hasColumn } from '../shared/catalog';
import {
	HARM_SUBGROUP_WEIGHTS_INSERT_SQL,
	HARM_SUBGROUP_WEIGHTS_TABLE,
	HARM_SUBGROUP_WEIGHTS_TABLE_SQL,
	HARM_WEIGHTS_INSERT_SQL,
	HARM_WEIGHTS_TABLE_SQL,
	harmSubgroupWeightParams,
	harmSubgroupWeightRows,
	harmWeightParams,
	harmWeightRows,
	recordsCarrySubgroups,
	type HarmWeightsModel
} from '../models/harm-weights';
import { AREA_COLUMNS, lookbackMonths, type EffectiveWeight, type ThrModel } from './model';
import { THR_AREA_MONTHS, type ThrSource } from './area-months';
import { areaSetReachSql } from '../force-area';

/** A query and its bound parameters. */
export interface BoundSql {
	sql: string;
	params: Param[];
}

/** Harm units per CCHI day inside SQL: weights and sums are whole millionths. */
export const HARM_SCALE = 1_000_000;

/** A weight in whole millionths (what SQL sums); throws if it does not fit exactly. */
function micro(weight: number): number {
	const units = Math.round(weight * HARM_SCALE);
	if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`harm weight ${weight} is out of range`);
	return units;
}

/** `SELECT … FROM (VALUES (?, ?), …) v(category, weight)` of the weighted, non-excluded categories, weights in millionths; no rows when there are none. */
function weightValues(weights: readonly EffectiveWeight[]): BoundSql {
	const included = weights.filter((w) => !w.excluded && w.weight !== null);
	if (included.length === 0) return { sql: 'SELECT NULL::VARCHAR AS category, NULL::BIGINT AS weight WHERE false', params: [] };
	return {
		sql: `SELECT * FROM (VALUES ${included.map(() => '(?, CAST(? AS BIGINT))').join(', ')}) AS v(category, weight)`,
		params: included.flatMap((w) => [w.category, micro(w.weight!)])
	};
}

/** `SELECT … FROM (VALUES (?, ?, ?), …) v(category, weight, excluded)` of every category the model knows, weights in millionths (NULL when none). */
function allWeightValues(weights: readonly EffectiveWeight[]): BoundSql {
	if (weights.length === 0) return { sql: 'SELECT NULL::VARCHAR AS category, NULL::BIGINT AS weight, NULL::BOOLEAN AS excluded WHERE false', params: [] };
	return {
		sql: `SELECT * FROM (VALUES ${weights.map(() => '(?, CAST(? AS BIGINT), ?)').join(', ')}) AS v(category, weight, excluded)`,
		params: weights.flatMap((w) => [w.category, w.weight === null ? null : micro(w.weight), w.excluded])
	};
}

/**
 * `SELECT … FROM (VALUES (?, ?, ?), …) v(category, subgroup, weight)` of the subgroup weights
 * (millionths) of the categories in `weights` (all, or only the weighted non-excluded ones); no
 * rows when there are none. Joined on a record's category and `offence_subgroup`: a match
 * replaces the category's weight for that record.
 */
function subgroupValues(weights: readonly EffectiveWeight[], includedOnly: boolean): BoundSql {
	const rows = weights.filter((w) => !includedOnly || (!w.excluded && w.weight !== null)).flatMap((w) => (w.subgroups ?? []).map((s) => [w.category, s.subgroup, micro(s.weight)] as const));
	if (rows.length === 0) return { sql: 'SELECT NULL::VARCHAR AS category, NULL::VARCHAR AS subgroup, NULL::BIGINT AS weight WHERE false', params: [] };
	return { sql: `SELECT * FROM (VALUES ${rows.map(() => '(?, ?, CAST(? AS BIGINT))').join(', ')}) AS v(category, subgroup, weight)`, params: rows.flat() };
}

/**
 * Whether records of `incidents` carry `offence_subgroup` (a force's own records mapped from
 * offence codes; police.uk extracts and extracts built before it have no such column, or only
 * nulls). Harm then weighs each record by its subgroup's weight where the weights give one for it,
 * else by its category's; without, the SQL is exactly what it always was.
 */
export async function hasSubgroupColumn(runner: QueryRunner): Promise<boolean> {
	return recordsCarrySubgroups(runner, 'incidents');
}

/** The join and weight expression of the subgroup weights (relation `sub_weights`), or none. */
function subgroupJoin(on: boolean, alias = 'i'): { join: string; weight: (category: string) => string } {
	if (!on) return { join: '', weight: (category) => category };
	return {
		join: `LEFT JOIN sub_weights sw ON sw.category = ${ident(alias)}.category AND sw.subgroup = ${ident(alias)}.offence_subgroup`,
		weight: (category) => `coalesce(sw.weight, ${category})`
	};
}

/**
 * Which areas the scoring SQL returns: 'records' = those with a harm-counting record in the
 * longest window (scope 'harm-in-window', and the fallback when no force area is declared);
 * 'force-area' = every area_code of the `force_area` table; 'force-cells' = every cell of
 * `force_cells` at one H3 resolution; 'districts' = for a model scoring districts when the force
 * area is listed in LSOAs, the areas of the extract's area set (the `districts` dataset) holding a
 * record inside the force area up to each assessment month (analytics/force-area
 * `areaSetReachSql`, the hot-spot study region's rule), not the whole set: a set wider than the
 * force would rank areas whose records are never read. Areas without records get zeros.
 */
export type ScopeAreas = { kind: 'records' } | { kind: 'force-area' } | { kind: 'force-cells'; resolution: 7 | 8 | 9 } | { kind: 'districts' };

/** SQL condition keeping the records a score may read: never one located outside the force area. */
export function inForceAreaCondition(alias: string, forceFlag: boolean): string {
	return forceFlag ? `${ident(alias)}.in_force_area IS NOT false` : 'true';
}

/**
 * True when `incidents` has the `in_force_area` flag (extracts built with a force area). Scoring
 * and explanations then never read a record flagged false; without it every record is read.
 */
export async function hasForceAreaFlag(runner: QueryRunner): Promise<boolean> {
	return hasColumn(runner, 'incidents', 'in_force_area');
}

/** What the scoring SQL is built from. */
export interface SumsOptions {
	model: ThrModel;
	/** Categories as scored (from effectiveWeights). */
	weights: readonly EffectiveWeight[];
	/** Assessment months (month_index). */
	months: readonly number[];
	/** `incidents` has `in_force_area`: leave out records flagged false (see {@link hasForceAreaFlag}). Default false. */
	forceFlag?: boolean;
	/** Which areas to return; default 'records'. */
	scopeAreas?: ScopeAreas;
	/** Read the base rows (default) or the pre-aggregate `thr_area_months` (LSOA models; see area-months.ts). Same results. */
	source?: ThrSource;
	/** `incidents` has `offence_subgroup` ({@link hasSubgroupColumn}): weigh records by their subgroup where the weights give one. Base rows only. Default false. */
	subgroups?: boolean;
}

/** One area over months [from, to] (month_index, inclusive), for explanations. */
export interface AreaWindowOptions {
	model: ThrModel;
	weights: readonly EffectiveWeight[];
	areaId: string;
	from: number;
	to: number;
	/** Leave out records located outside the force area (`incidents` has the flag). Default false. */
	forceFlag?: boolean;
	/** Read the base rows (default) or the pre-aggregate `thr_area_months` (LSOA models): the same counts. */
	source?: ThrSource;
	/** `incidents` has `offence_subgroup`: weigh records by their subgroup where the weights give one (base rows only). Default false. */
	subgroups?: boolean;
}

/** The relation and record count of a per-area query: one record per base row, `n` per pre-aggregate row. */
function areaSource(model: ThrModel, source: ThrSource, subgroups = false): { from: string; records: string } {
	if (source === THR_AREA_MONTHS && model.scope.area_unit !== 'lsoa') throw new RangeError(`${THR_AREA_MONTHS} holds LSOAs only`);
	if (source === THR_AREA_MONTHS && subgroups) throw new RangeError(`${THR_AREA_MONTHS} holds no offence subgroups: read the base rows`);
	return source === THR_AREA_MONTHS ? { from: THR_AREA_MONTHS, records: 'i.n' } : { from: 'incidents', records: '1' };
}

/** SQL turning a sum of millionths into CCHI days (DOUBLE). */
const days = (expr: string) => `(CAST(${expr} AS DOUBLE) / ${HARM_SCALE})`;

function wholeNumber(n: number, what: string): number {
	if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a whole number, got ${n}`);
	return n;
}

/** One window sum of a measure over months [t − from, t − to] relative to the assessment month t. */
export interface WindowSum {
	measure: 'harm' | 'n';
	from: number;
	to: number;
	alias: string;
}

export function windowSums(model: ThrModel): WindowSum[] {
	const sums: WindowSum[] = [{ measure: 'n', from: lookbackMonths(model) - 1, to: 0, alias: 'in_scope' }];
	model.components.forEach((c, i) => {
		if (c.kind === 'threat') {
			sums.push({ measure: 'harm', from: c.recent_months - 1, to: 0, alias: `c${i}_recent_harm` });
			sums.push({ measure: 'n', from: c.recent_months - 1, to: 0, alias: `c${i}_recent_n` });
			sums.push({ measure: 'harm', from: c.window_months - 1, to: c.recent_months, alias: `c${i}_base_harm` });
			sums.push({ measure: 'n', from: c.window_months - 1, to: c.recent_months, alias: `c${i}_base_n` });
		} else {
			sums.push({ measure: 'harm', from: c.window_months - 1, to: 0, alias: `c${i}_harm` });
			sums.push({ measure: 'n', from: c.window_months - 1, to: 0, alias: `c${i}_n` });
		}
	});
	return sums;
}

/**
 * Window sums for every component of `model`, for every area in scope at each assessment month
 * in `months` (month_index values), one row per (month_index, area_id), ordered by both.
 *
 * Records flagged outside the force area are never read (`forceFlag`). Areas returned
 * (`scopeAreas`): with 'records', those with at least one incident counted towards harm
 * (weighted, not excluded) in the longest window, so excluded categories change nothing at all;
 * with 'force-area' / 'force-cells', every area of the declared force area, zeros where it has
 * no records; with 'districts', at each month the areas of the set holding a record inside the
 * force area up to that month, zeros where the window has none. Columns: month_index,
 * area_id, then per component i (aliases c<i>_…, never user text):
 * - harm / risk / repeat-location: c<i>_harm (Σ weight, CCHI days, DOUBLE), c<i>_n (incidents
 *   counted towards harm) over the component's window;
 * - threat: c<i>_recent_harm, c<i>_recent_n over the recent months, c<i>_base_harm, c<i>_base_n
 *   over the rest of the window.
 * Records after max(months) are never read; each month's sums only reach back, so a month's
 * row depends on data up to and including that month only. Zero counts are 0, never NULL.
 *
 * Two plans, same columns (a test checks they agree): one month is one GROUP BY over the
 * area-month totals with a FILTER per window; several months use a dense area × month grid with
 * running totals, where each window sum is cum(t − to) − cum(t − from − 1) read with lag().
 */
export function componentSumsSql({ model, weights, months, forceFlag = false, scopeAreas = { kind: 'records' }, source = 'incidents', subgroups = false }: SumsOptions): BoundSql {
	if (months.length === 0) throw new RangeError('componentSumsSql: no months to score');
	months.forEach((m) => wholeNumber(m, 'month_index'));
	const area = ident(AREA_COLUMNS[model.scope.area_unit]);
	if (source === THR_AREA_MONTHS && model.scope.area_unit !== 'lsoa') throw new RangeError(`${THR_AREA_MONTHS} holds LSOAs only`);
	// The pre-aggregate holds records per (LSOA, month, category, flag) in `n`: the same sums.
	if (source === THR_AREA_MONTHS && subgroups) throw new RangeError(`${THR_AREA_MONTHS} holds no offence subgroups: read the base rows`);
	// A record with a weighted offence subgroup weighs its subgroup's weight (base rows only).
	const sub = subgroupJoin(subgroups);
	const sw = subgroups ? subgroupValues(weights, true) : null;
	const [count, harmSum] = source === THR_AREA_MONTHS ? ['CAST(sum(i.n) AS BIGINT)', 'CAST(sum(i.n * weights.weight) AS BIGINT)'] : ['count(*)', `sum(${sub.weight('weights.weight')})`];
	const lookback = wholeNumber(lookbackMonths(model), 'lookback');
	const lo = Math.min(...months) - (lookback - 1);
	const hi = Math.max(...months);
	const w = weightValues(weights);
	const sums = windowSums(model);
	const output = (x: WindowSum) => (x.measure === 'harm' ? `${days(ident(x.alias))} AS ${ident(x.alias)}` : `CAST(${ident(x.alias)} AS BIGINT) AS ${ident(x.alias)}`);
	const outputs = sums.filter((x) => x.alias !== 'in_scope').map(output);
	// The declared study region, when scored as a whole (bound resolution; fixed table names).
	const scope =
		scopeAreas.kind === 'force-area'
			? { sql: 'SELECT DISTINCT area_code AS area_id FROM force_area WHERE area_code IS NOT NULL', params: [] as Param[] }
			: scopeAreas.kind === 'force-cells'
				? { sql: 'SELECT DISTINCT h3 AS area_id FROM force_cells WHERE resolution = ? AND h3 IS NOT NULL', params: [scopeAreas.resolution] as Param[] }
				: scopeAreas.kind === 'districts'
					? // Every area reached up to the last month, with its first month in the force area
						// (`since`): an assessment month m scores those with since ≤ m only.
						{ sql: `SELECT area AS area_id, first_month AS since FROM (${areaSetReachSql('incidents', forceFlag)})`, params: [hi] as Param[] }
					: null;
	const since = scopeAreas.kind === 'districts';
	const areaMonth = `
WITH ${scope ? `scope_areas AS (${scope.sql}),\n` : ''}weights AS (${w.sql}),${sw ? `\nsub_weights AS (${sw.sql}),` : ''}
area_month AS (
	SELECT i.${area} AS area_id, i.month_index AS t, ${count} AS n, ${harmSum} AS harm
	FROM ${source === THR_AREA_MONTHS ? THR_AREA_MONTHS : 'incidents'} i JOIN weights ON weights.category = i.category ${sub.join}
	WHERE i.${area} IS NOT NULL AND i.month_index BETWEEN ? AND ? AND ${inForceAreaCondition('i', forceFlag)}
	GROUP BY ALL
)`;
	const head = [...(scope?.params ?? []), ...w.params, ...(sw?.params ?? []), lo, hi];

	if (months.length === 1) {
		const m = months[0];
		const filterParams: Param[] = [];
		const filtered = sums.map((x) => {
			filterParams.push(m - x.from, m - x.to);
			return `coalesce(sum(${x.measure}) FILTER (WHERE t BETWEEN ? AND ?), 0) AS ${ident(x.alias)}`;
		});
		// With a declared region every one of its areas is returned, zeros where it has no records.
		const source = scope
			? `(SELECT scope_areas.area_id, ${sums.map((x) => `coalesce(s.${ident(x.alias)}, 0) AS ${ident(x.alias)}`).join(', ')}
	FROM scope_areas LEFT JOIN sums s ON s.area_id = scope_areas.area_id) AS scoped`
			: 'sums';
		const sql = `${areaMonth},
sums AS (
	SELECT area_id, ${filtered.join(',\n\t\t')}
	FROM area_month GROUP BY area_id
)
SELECT CAST(? AS INTEGER) AS month_index, area_id, ${outputs.join(', ')}
FROM ${source}${scope ? '' : ' WHERE in_scope > 0'}
ORDER BY area_id`;
		return { sql, params: [...head, ...filterParams, m] };
	}

	const lagParams: Param[] = [];
	const lagged = (measure: 'harm' | 'n', offset: number) => {
		const cum = measure === 'harm' ? 'cum_harm' : 'cum_n';
		if (offset === 0) return cum;
		lagParams.push(offset);
		return `lag(${cum}, ?, 0) OVER (PARTITION BY area_id ORDER BY t)`;
	};
	const windowSql = sums.map((x) => `${lagged(x.measure, x.to)} - ${lagged(x.measure, x.from + 1)} AS ${ident(x.alias)}`);
	// Never empty (checked above); an empty list would score no month.
	const assessed = inList('t', months, 'none');
	const sql = `${areaMonth},
grid AS (
	SELECT a.area_id, g.t, coalesce(am.n, 0) AS n, coalesce(am.harm, 0) AS harm
	FROM (${scope ? 'SELECT area_id FROM scope_areas' : 'SELECT DISTINCT area_id FROM area_month'}) a
	CROSS JOIN range(CAST(? AS BIGINT), CAST(? AS BIGINT) + 1) AS g(t)
	LEFT JOIN area_month am ON am.area_id = a.area_id AND am.t = g.t
),
running AS (
	SELECT area_id, t,
		sum(n) OVER (PARTITION BY area_id ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_n,
		sum(harm) OVER (PARTITION BY area_id ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_harm
	FROM grid
),
sums AS (
	SELECT area_id, t,
		${windowSql.join(',\n\t\t')}
	FROM running
)
SELECT t AS month_index, area_id, ${outputs.join(', ')}
FROM sums${since ? ' JOIN scope_areas USING (area_id)' : ''}
WHERE ${assessed.sql}${scope ? '' : ' AND in_scope > 0'}${since ? ' AND t >= since' : ''}
ORDER BY t, area_id`;
	// Bound in text order: the scope, weights, the data range (twice), the lag offsets, the months.
	return { sql, params: [...head, lo, hi, ...lagParams, ...assessed.params] };
}

/**
 * Counts for the repeat-location components: per (month_index, area_id) and component i,
 * c<i>_repeat_n = incidents (non-excluded, weighted) at snap points with at least min_repeat of
 * them in the component's window, and c<i>_located_n = all such incidents with coordinates.
 * Snap points are identified by their coordinates. Empty when the model has no such component.
 */
export function repeatLocationSql({ model, weights, months, component, forceFlag = false }: SumsOptions & { component: number }): BoundSql {
	const c = model.components[component];
	if (c?.kind !== 'repeat-location') throw new RangeError(`component ${component} is not a repeat-location component`);
	const area = ident(AREA_COLUMNS[model.scope.area_unit]);
	const w = weightValues(weights);
	const sql = `
WITH weights AS (${w.sql}),
targets AS (SELECT * FROM (VALUES ${months.map(() => '(?)').join(', ')}) AS v(m)),
src AS (
	SELECT i.${area} AS area_id, i.month_index AS t, i.longitude, i.latitude
	FROM incidents i JOIN weights ON weights.category = i.category
	WHERE i.${area} IS NOT NULL AND i.longitude IS NOT NULL AND i.latitude IS NOT NULL
	  AND i.month_index BETWEEN ? AND ? AND ${inForceAreaCondition('i', forceFlag)}
),
points AS (
	SELECT targets.m, src.area_id, src.longitude, src.latitude, count(*) AS n
	FROM targets JOIN src ON src.t BETWEEN targets.m - ? AND targets.m
	GROUP BY ALL
)
SELECT m AS month_index, area_id,
	coalesce(sum(n) FILTER (WHERE n >= ?), 0)::BIGINT AS repeat_n,
	sum(n)::BIGINT AS located_n
FROM points GROUP BY m, area_id ORDER BY m, area_id`;
	const lo = Math.min(...months) - (c.window_months - 1);
	return { sql, params: [...w.params, ...months, lo, Math.max(...months), c.window_months - 1, c.min_repeat] };
}

/**
 * Per-category counts and harm for one area over one window (for explanations): every category
 * recorded there, with its weight and whether it is excluded or unweighted. Harm is null for
 * excluded and unweighted categories. Ordered by harm (descending), then count, then name.
 */
export function categoryBreakdownSql({ model, weights, areaId, from, to, forceFlag = false, source = 'incidents', subgroups = false }: AreaWindowOptions): BoundSql {
	const area = ident(AREA_COLUMNS[model.scope.area_unit]);
	const w = allWeightValues(weights);
	const src = areaSource(model, source, subgroups);
	// With subgroups: sub_n records weighed by their subgroup (sub_harm in all), the rest by the category.
	const sw = subgroups ? subgroupValues(weights, false) : null;
	const sql = `
WITH weights AS (${w.sql}),${sw ? `\nsub_weights AS (${sw.sql}),` : ''}
counts AS (
	SELECT i.category, sum(${src.records}) AS n${sw ? ', count(sw.weight) AS sub_n, coalesce(sum(sw.weight), 0) AS sub_harm' : ''} FROM ${src.from} i ${subgroupJoin(subgroups).join}
	WHERE i.${area} = ? AND i.month_index BETWEEN ? AND ? AND ${inForceAreaCondition('i', forceFlag)}
	GROUP BY i.category
)
SELECT c.category, c.n::BIGINT AS count, ${days('w.weight')} AS weight,
	coalesce(w.excluded, false) AS excluded, w.category IS NULL OR w.weight IS NULL AS unweighted,
	CASE WHEN coalesce(w.excluded, false) OR w.weight IS NULL THEN NULL ELSE ${days(sw ? '(c.n - c.sub_n) * w.weight + c.sub_harm' : 'c.n * w.weight')} END AS harm${sw ? ', c.sub_n::BIGINT AS subgroup_count' : ''}
FROM counts c LEFT JOIN weights w ON w.category IS NOT DISTINCT FROM c.category
ORDER BY harm DESC NULLS LAST, count DESC, c.category`;
	return { sql, params: [...w.params, ...(sw?.params ?? []), areaId, from, to] };
}

/**
 * Month-by-month incidents counted towards harm, their harm, and all records, for one area
 * over [from, to] (for the Threat trend in explanations). Every month present, zero-filled.
 */
export function monthlySeriesSql({ model, weights, areaId, from, to, forceFlag = false, source = 'incidents', subgroups = false }: AreaWindowOptions): BoundSql {
	const area = ident(AREA_COLUMNS[model.scope.area_unit]);
	const w = allWeightValues(weights);
	const src = areaSource(model, source, subgroups);
	const sw = subgroups ? subgroupValues(weights, false) : null;
	const sub = subgroupJoin(subgroups);
	const sql = `
WITH weights AS (${w.sql}),${sw ? `\nsub_weights AS (${sw.sql}),` : ''}
m AS (
	SELECT i.month_index AS t, sum(${src.records}) AS records,
		coalesce(sum(${src.records}) FILTER (WHERE NOT w.excluded AND w.weight IS NOT NULL), 0) AS n,
		coalesce(sum(${src.records} * ${sub.weight('w.weight')}) FILTER (WHERE NOT w.excluded), 0) AS harm
	FROM ${src.from} i LEFT JOIN weights w ON w.category = i.category ${sub.join}
	WHERE i.${area} = ? AND i.month_index BETWEEN ? AND ? AND ${inForceAreaCondition('i', forceFlag)}
	GROUP BY i.month_index
)
SELECT g.t AS month_index, coalesce(m.n, 0)::BIGINT AS n, ${days('coalesce(m.harm, 0)')} AS harm, coalesce(m.records, 0)::BIGINT AS records
FROM range(CAST(? AS BIGINT), CAST(? AS BIGINT) + 1) AS g(t) LEFT JOIN m ON m.t = g.t
ORDER BY g.t`;
	return { sql, params: [...w.params, ...(sw?.params ?? []), areaId, from, to, from, to] };
}

/** Columns {@link areaIncidents} returns, from the extract contract. */
export const INCIDENT_ROW_COLUMNS = ['month', 'category', 'location', 'crime_id', 'last_outcome', 'source_file', 'source_line'] as const;

/**
 * The incident rows of one area over [from, to], newest first, with the weight and exclusion the
 * model applies to each (for "the rows behind the score"). Paged by limit/offset.
 */
export function incidentRowsSql({ model, weights, areaId, from, to, limit, offset, forceFlag = false, subgroups = false }: AreaWindowOptions & { limit: number; offset: number }): BoundSql {
	const area = ident(AREA_COLUMNS[model.scope.area_unit]);
	const w = allWeightValues(weights);
	// With subgroups: each row's offence subgroup and which weight it took ('subgroup' or 'category').
	const sw = subgroups ? subgroupValues(weights, false) : null;
	const sub = subgroupJoin(subgroups);
	const sql = `
WITH weights AS (${w.sql})${sw ? `,\nsub_weights AS (${sw.sql})` : ''}
SELECT i.month_index, ${INCIDENT_ROW_COLUMNS.map((c) => `i.${ident(c)}`).join(', ')},
	${days(sub.weight('w.weight'))} AS weight, coalesce(w.excluded, false) AS excluded${
		sw ? `, i.offence_subgroup, CASE WHEN sw.weight IS NOT NULL THEN 'subgroup' WHEN w.weight IS NOT NULL THEN 'category' END AS weight_basis` : ''
	}
FROM incidents i LEFT JOIN weights w ON w.category = i.category ${sub.join}
WHERE i.${area} = ? AND i.month_index BETWEEN ? AND ? AND ${inForceAreaCondition('i', forceFlag)}
ORDER BY i.month_index DESC, i.source_file, i.source_line
LIMIT ? OFFSET ?`;
	return { sql, params: [...w.params, ...(sw?.params ?? []), areaId, from, to, limit, offset] };
}

/**
 * Create the `harm_weights` table (and `harm_subgroup_weights`, analytics/models) from a
 * harm-weights model file if it does not exist yet (the browser creates them at start-up; scripts
 * and tests call this). Values are bound. Returns true if it created the table, false if one was
 * already there (left untouched; the subgroup table is then created only if missing, from the
 * same model).
 */
export async function ensureHarmWeights(runner: QueryRunner, weights: HarmWeightsModel): Promise<boolean> {
	const [{ n }] = await runner.rows<{ n: number }>(
		`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'harm_weights' AND NOT temporary`
	);
	const [{ n: subgroupTables }] = await runner.rows<{ n: number }>(
		`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ? AND NOT temporary`,
		[HARM_SUBGROUP_WEIGHTS_TABLE]
	);
	if (Number(subgroupTables) === 0) {
		const subgroups = harmSubgroupWeightRows(weights);
		await runner.exec(HARM_SUBGROUP_WEIGHTS_TABLE_SQL);
		for (const row of subgroups) await runner.exec(HARM_SUBGROUP_WEIGHTS_INSERT_SQL, harmSubgroupWeightParams(row));
	}
	if (n > 0) return false;
	const rows = harmWeightRows(weights);
	await runner.exec(HARM_WEIGHTS_TABLE_SQL);
	for (const row of rows) await runner.exec(HARM_WEIGHTS_INSERT_SQL, harmWeightParams(row));
	return true;
}
