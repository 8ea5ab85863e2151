/**
 * The map layer: one value per cell under the filters (count, harm, rate or THR score). By
 * default the layer applies period and categories but not its own selection (area, box): the
 * map shows every cell and highlights the selected ones; `{ selection: 'apply' }` filters it too.
 */
import { ident } from '../ingest/sql';
import type { QueryRunner, Row } from '../runner';
import { CATEGORY_COLUMN, baseColumn } from './aggregates';
import { DATASET_LABELS, monthIndex, monthKey, type CellLevel, type ExploreDataset, type ExploreFilters, type Measure } from './filters';
import { studyRegion } from './study-region';
import { num, numOrNull } from '../shared/numbers';
import { LEVEL_COLUMN, cellRollup, levelSql, fromTable, pointsFlag, pointsSubgroups, rollup, subgroupHarm, tableExists, whereOf } from './query-base';
import { readSubgroupWeights, subgroupWeightSql } from '../models/harm-weights';
import { cellCube, cubeTotals, type CubeLimits } from './cell-cube';

export interface CellValue extends Row {
	cell_id: string;
	/** Records in the cell under the filters. */
	n: number;
	/**
	 * Σ records × harm weight over weighted, non-excluded categories (CCHI days); a record with a
	 * Home Office offence subgroup the weights list under its category weighs the subgroup's weight.
	 */
	harm: number;
	/** Records in categories with no weight or excluded from harm. */
	unweighted: number;
	/** Of `n`, records located outside the force area (their in_force_area flag is false). */
	outside: number;
	/**
	 * Whether the cell is part of the force area at this level (analytics/explore/study-region.ts);
	 * null when the source declares no force area.
	 */
	inForceArea: boolean | null;
	/** Residents (LSOA: mid-2015; district: from the districts table); null when unknown. */
	population: number | null;
	/** The measure's value; null when it cannot be computed for this cell (see `note`). */
	value: number | null;
	/** Why `value` is null, else null. */
	note: string | null;
}

/**
 * THR scores (0–1) per LSOA, or per area of the source's own area set (level 'district'), for an
 * assessment month, e.g. from analytics/thr scoreMonth.
 */
export type ThrScores = (month: string, level: 'lsoa' | 'district') => Promise<ReadonlyMap<string, number>>;

export interface CellValueOptions {
	/** Apply the area selection and drawn box to the map layer too (default: 'ignore'). */
	selection?: 'ignore' | 'apply';
	/** Source of THR scores for the `thr` measure. */
	thr?: ThrScores;
	/**
	 * Limits of the level's "from a month onwards" table (query-base.ts fromTable), read instead of
	 * its roll-up when the period is open at its end; default FROM_TABLE_MIN_ROWS and
	 * FROM_TABLE_MAX_ROWS. Same figures either way (the tests compare the two).
	 */
	fromTable?: { minRows?: number; maxRows?: number };
	/**
	 * Limits of the cell cube (cell-cube.ts: explore_points' rows, default CELL_CUBE_MIN_ROWS and
	 * CELL_CUBE_MAX_ROWS): within them, a layer without its selection applied is summed from the
	 * level's cube in JavaScript instead of the SQL over the roll-up. Same figures either way.
	 */
	cube?: CubeLimits;
	/**
	 * The harm_weights rows as the caller keeps them, for the cell cube's sums (the SQL path joins
	 * the table itself). Default: read on every call, since the table may be replaced. The browser
	 * makes the table once per database and keeps the rows there, so a national filter change asks
	 * DuckDB nothing for the map layer (the query waited behind the linked views' queries in the
	 * one DuckDB-wasm worker: 20–45 ms of the layer's time).
	 */
	harmWeights?: () => Promise<ReadonlyMap<string, CategoryWeight>>;
}

/** A category's row of harm_weights: its weight (null: none) and whether it is excluded from harm. */
export interface CategoryWeight {
	weight: number | null;
	excluded: boolean;
}

/** Why a measure cannot be shown at all for a dataset and level (null = it can). */
export function measureUnavailable(measure: Measure, dataset: ExploreDataset, level: CellLevel): string | null {
	if (measure === 'rate' && level.startsWith('h3')) return 'Rates need a resident population: there is none for hexagons. Choose LSOAs or districts.';
	if (measure === 'harm' && dataset !== 'incidents') return `Harm weights (CCHI) cover police.uk crime types only, not ${DATASET_LABELS[dataset].toLowerCase()}.`;
	if (measure === 'thr' && (dataset !== 'incidents' || (level !== 'lsoa' && level !== 'district')))
		return 'THR scores are per LSOA (or per area of the source\'s own area set), from street crime and ASB: choose that dataset and the LSOA layer.';
	return null;
}

/** The harm_weights rows by category, as the table holds them now. */
export async function readHarmWeights(runner: QueryRunner): Promise<Map<string, CategoryWeight>> {
	const rows = await runner.rows<{ category: string; weight: number | null; excluded: boolean }>('SELECT category, weight, excluded FROM harm_weights');
	return new Map(rows.map((r) => [String(r.category), { weight: numOrNull(r.weight), excluded: r.excluded === true }]));
}

/** The population table of a level, as the SQL path joins it (id → residents), read once per runner and level; null: none. */
const populations = new WeakMap<QueryRunner, Map<CellLevel, Promise<Map<string, number | null> | null>>>();

function populationOf(runner: QueryRunner, level: CellLevel): Promise<Map<string, number | null> | null> {
	let made = populations.get(runner);
	if (!made) populations.set(runner, (made = new Map()));
	let p = made.get(level);
	if (!p) {
		p = (async () => {
			const source =
				level === 'lsoa' && (await tableExists(runner, 'areas'))
					? 'SELECT lsoa_code AS id, any_value(population) AS population FROM areas GROUP BY 1'
					: level === 'district' && (await tableExists(runner, 'districts'))
						? 'SELECT district_id AS id, any_value(population) AS population FROM districts GROUP BY 1'
						: null;
			if (!source) return null;
			const rows = await runner.rows<{ id: string | null; population: number | null }>(`SELECT id, population::BIGINT AS population FROM (${source}) WHERE id IS NOT NULL`);
			return new Map(rows.map((r) => [String(r.id), numOrNull(r.population)]));
		})();
		p.catch(() => made.delete(level));
		made.set(level, p);
	}
	return p;
}

/** Cube totals given their residents in place (the SQL path's LEFT JOIN on the level's population table). */
async function withPopulation<T extends { cell_id: string }>(runner: QueryRunner, level: CellLevel, cells: T[]): Promise<Array<T & { population: number | null }>> {
	const pop = await populationOf(runner, level);
	const out = cells as Array<T & { population: number | null }>;
	for (const c of out) c.population = pop?.get(c.cell_id) ?? null;
	return out;
}

/** The last month with records of a dataset (for a THR score when the period is open). */
async function lastMonth(runner: QueryRunner, f: ExploreFilters): Promise<string | null> {
	const [r] = await runner.rows<{ m: number | null }>('SELECT max(month_index) AS m FROM explore_points WHERE dataset = ?', [f.dataset]);
	return r?.m === null || r?.m === undefined ? null : monthKey(num(r.m));
}

/** cellValues' SQL over `records` (cell_id, category, in_force_area, n): per-cell totals with harm and residents, by cell id. */
async function totalsSql(runner: QueryRunner, level: CellLevel, records: string, subgroups: { carry: boolean; weigh: boolean } = { carry: false, weigh: false }): Promise<string> {
	// Records carrying an offence subgroup (records has the column): kept apart per subgroup, and
	// weighed by the subgroup's weight where the harm weights list it under the category.
	const by = subgroups.carry ? ', offence_subgroup' : '';
	const sw = subgroups.weigh ? subgroupWeightSql('x') : { join: '', weight: (w: string) => w };
	let popJoin = 'NULL::BIGINT AS population';
	let join = '';
	if (level === 'lsoa' && (await tableExists(runner, 'areas'))) {
		join = 'LEFT JOIN (SELECT lsoa_code AS id, any_value(population) AS population FROM areas GROUP BY 1) p ON p.id = c.cell_id';
		popJoin = 'p.population::BIGINT AS population';
	} else if (level === 'district' && (await tableExists(runner, 'districts'))) {
		join = 'LEFT JOIN (SELECT district_id AS id, any_value(population) AS population FROM districts GROUP BY 1) p ON p.id = c.cell_id';
		popJoin = 'p.population::BIGINT AS population';
	}
	return `WITH x AS (
	   SELECT cell_id, category${by}, sum(n)::BIGINT AS n, coalesce(sum(n) FILTER (WHERE in_force_area = false), 0)::BIGINT AS outside
	   FROM ${records} GROUP BY cell_id, category${by}
	 ),
	 c AS (
	   -- Weights joined once per cell and category, not once per aggregate row.
	   SELECT x.cell_id, sum(x.n)::BIGINT AS n,
	     coalesce(sum(x.n * ${sw.weight('w.weight')}) FILTER (WHERE w.weight IS NOT NULL AND NOT w.excluded), 0)::DOUBLE AS harm,
	     coalesce(sum(x.n) FILTER (WHERE w.weight IS NULL OR w.excluded), 0)::BIGINT AS unweighted,
	     sum(x.outside)::BIGINT AS outside
	   FROM x LEFT JOIN harm_weights w ON w.category = x.category ${sw.join}
	   GROUP BY 1
	 )
	 SELECT c.cell_id, c.n, c.harm, c.unweighted, c.outside, ${popJoin} FROM c ${join} ORDER BY c.cell_id`;
}

/**
 * One row per cell with records under the filters at `level` (cells without a value at that
 * level — no location, no district — are left out), ordered by cell id. `value` is the
 * measure: count, harm, rate per 1,000 residents, or THR score (for the month `to`, or the
 * last month with data; the model's own categories and windows apply). Records located outside
 * the force area are counted (and their number given in `outside`); a cell outside the force
 * area has no THR score (value null, note "Outside the force area").
 */
export async function cellValues(runner: QueryRunner, f: ExploreFilters, level: CellLevel, options: CellValueOptions = {}): Promise<CellValue[]> {
	const apply = options.selection === 'apply';
	const onBase = apply && f.bbox !== null;
	const w = whereOf(f, { on: onBase ? 'base' : 'aggregate', area: apply, bbox: apply });
	const col = onBase ? levelSql(level, baseColumn(f.dataset, LEVEL_COLUMN[level])) : levelSql(level);
	// Without an area filter, the level's own roll-up (far fewer rows than explore_points at coarse levels).
	const flag = await pointsFlag(runner);
	// Records carrying offence subgroups: every relation below keeps the subgroup (harm weighs it).
	const carry = await pointsSubgroups(runner);
	const weigh = carry && (await subgroupHarm(runner));
	const whole = !onBase && !(apply && f.area);
	// A large source: the level's cell cube, summed in JavaScript (cell-cube.ts).
	const cube = whole ? await cellCube(runner, f.dataset, level, levelSql(level), flag, options.cube, carry) : null;
	const byLevel = whole && !cube ? cellRollup(level, flag, carry) : null;
	if (byLevel) await rollup(runner, byLevel);
	// A period with a start and open at its end, on a large roll-up: one start month's rows of the
	// level's "from a month onwards" table (without a start, the roll-up is read whole either way).
	// It holds no subgroups: records carrying them read the roll-up (the same figures).
	const onward = byLevel && !carry && f.from !== null && f.to === null ? await fromTable(runner, byLevel.name, options.fromTable) : null;
	// The period's start is the table's `from_index` (no earlier than its first); dataset and categories as usual.
	const rest = whereOf({ ...f, from: null }, { on: 'aggregate', area: false, bbox: false });
	const params = onward && f.from !== null ? [Math.max(monthIndex(f.from), onward.first), ...rest.params] : w.params;
	const sg = carry ? ', offence_subgroup' : '';
	const records = onBase
		? `(SELECT ${col} AS cell_id, ${ident(CATEGORY_COLUMN[f.dataset])} AS category, ${baseColumn(f.dataset, 'in_force_area', 'BOOLEAN')} AS in_force_area${carry ? `, ${baseColumn(f.dataset, 'offence_subgroup')} AS offence_subgroup` : ''}, 1 AS n FROM ${ident(f.dataset)} WHERE ${w.sql} AND ${col} IS NOT NULL)`
		: onward
			? `(SELECT cell_id, category, in_force_area, n FROM ${ident(onward.name)} WHERE from_index = ? AND ${rest.sql})`
			: byLevel
				? `(SELECT cell_id, category, in_force_area${sg}, n FROM ${ident(byLevel.name)} WHERE ${w.sql})`
				: `(SELECT ${col} AS cell_id, category, ${flag} AS in_force_area${sg}, n FROM explore_points WHERE ${w.sql} AND ${col} IS NOT NULL)`;
	type Totals = { cell_id: string; n: number; harm: number; unweighted: number; outside: number; population: number | null };
	const rows: Totals[] = cube
		? await withPopulation(runner, level, cubeTotals(cube, f, await (options.harmWeights?.() ?? readHarmWeights(runner)), weigh ? await readSubgroupWeights(runner) : undefined))
		: await runner.rows<Totals>(await totalsSql(runner, level, records, { carry, weigh }), params);
	const region = (await studyRegion(runner, f.dataset, level)).ids;
	const unavailable = measureUnavailable(f.measure, f.dataset, level);
	let scores: ReadonlyMap<string, number> | null = null;
	let thrNote: string | null = null;
	if (f.measure === 'thr' && !unavailable) {
		const month = f.to ?? (await lastMonth(runner, f));
		if (!options.thr) thrNote = 'No THR scores were supplied.';
		else if (month) scores = await options.thr(month, level === 'district' ? 'district' : 'lsoa');
		else thrNote = 'No month with records.';
	}
	return rows.map((r) => {
		const n = num(r.n);
		const harm = num(r.harm);
		const population = numOrNull(r.population);
		const inForceArea = region ? region.has(r.cell_id) : null;
		let value: number | null = null;
		let note: string | null = unavailable;
		if (!unavailable && f.measure === 'thr' && inForceArea === false) {
			note = 'Outside the force area: not scored.';
		} else if (!unavailable) {
			switch (f.measure) {
				case 'count':
					value = n;
					break;
				case 'harm':
					value = harm;
					break;
				case 'rate':
					if (population === null || population <= 0) note = 'Population unknown for this area.';
					else value = (n / population) * 1000;
					break;
				case 'thr': {
					const s = scores?.get(r.cell_id);
					if (s === undefined) note = thrNote ?? 'Not in the THR model’s scope this month (no harm-counted records in its window).';
					else value = s;
					break;
				}
			}
		}
		return { cell_id: r.cell_id, n, harm, unweighted: num(r.unweighted), outside: num(r.outside), inForceArea, population, value, note };
	});
}
