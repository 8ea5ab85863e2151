/**
 * The map layer's figures of a large source held in JavaScript as typed arrays: one row per
 * (month, category, cell, located outside the force area) of one dataset at one cell level, with
 * the cell and the category as integer keys. Made once per runner, dataset and level from
 * `explore_points` (one query); a filter change then sums the rows of its months and categories
 * into per-cell totals in one pass over typed arrays, instead of a hash aggregate on the cell and
 * category strings of a roll-up in DuckDB (nationally, H3 r8: 3.06M roll-up rows into 50,387 cells
 * per change).
 *
 * The figures are those of cellValues' SQL over the roll-up: counts and records outside the force
 * area are the same integers; harm is Σ over the cell's categories of (the category's records ×
 * its weight), the same terms, added in category order (the SQL's hash aggregate may add them in
 * another: the last bit of a double can differ). Cells come in DuckDB's `ORDER BY cell_id` order
 * (the keys are numbered in it). Used when `explore_points` has at least CELL_CUBE_MIN_ROWS rows
 * (below that, the SQL takes a few milliseconds) and at most CELL_CUBE_MAX_ROWS (memory: about 14
 * bytes a row; at most two cubes are kept per runner).
 */
import { cellToParent } from 'h3-js';
import { ident } from '../ingest/sql';
import type { QueryRunner } from '../runner';
import { PARENT_LEVELS, monthIndex, type CellLevel, type ExploreDataset, type ExploreFilters } from './filters';
import { num } from '../shared/numbers';
import { recordWeight, type SubgroupWeightMap } from '../models/harm-weights';

/** explore_points rows from which the map layer is summed from a cell cube … */
export const CELL_CUBE_MIN_ROWS = 500_000;
/** … and up to which (above it, the SQL over the roll-up answers). */
export const CELL_CUBE_MAX_ROWS = 20_000_000;

export interface CellCube {
	/** Cell ids in DuckDB's `ORDER BY cell_id` order; a row's `cell` is an index here. */
	cells: string[];
	/** Categories (null: records without one) by key; a row's `category` is an index here. */
	categories: Array<string | null>;
	/**
	 * With records carrying offence subgroups, each key is a (category, subgroup) pair: the key's
	 * Home Office offence subgroup (null: none), so harm weighs it (analytics/models recordWeight).
	 * Absent otherwise (one key per category).
	 */
	subgroups?: Array<string | null>;
	/**
	 * Rows are sorted by month, then cell and category (a month's sums then walk the totals in
	 * order): the rows of month index `firstMonth + j` are monthStart[j] … monthStart[j + 1] − 1.
	 */
	firstMonth: number;
	monthStart: Int32Array;
	category: Uint16Array;
	cell: Int32Array;
	/** 1 when the row's records are located outside the force area (in_force_area false), else 0. */
	outside: Uint8Array;
	/** Records of the row. */
	n: Int32Array;
}

/** One cell's totals under the filters, as cellValues' SQL gives them before the population join. */
export interface CubeCell {
	cell_id: string;
	n: number;
	harm: number;
	unweighted: number;
	outside: number;
}

export interface CubeLimits {
	minRows?: number;
	maxRows?: number;
}

const cubes = new WeakMap<QueryRunner, Map<string, Promise<CellCube | null>>>();
/** Cubes kept per runner (nationally about 11 bytes a row: H3 r8 3.06M rows, 34 MB). */
const KEPT_CUBES = 2;

/** Cubes of the coarse hexagon levels, derived from the r7 cube (small: not counted in KEPT_CUBES). */
const parentCubes = new WeakMap<QueryRunner, Map<string, Promise<CellCube | null>>>();

/**
 * The cell cube of `dataset` at `level` (cell id SQL `levelColumn` over explore_points; in_force_area
 * expression `flag`), made once per runner; null when explore_points' size is outside the limits.
 * A coarse hexagon level (r5, r6: filters.ts PARENT_LEVELS) is summed from the r7 cube instead
 * ({@link parentCube}), so zooming from the national view to r7 reads explore_points once.
 */
export function cellCube(
	runner: QueryRunner,
	dataset: ExploreDataset,
	level: CellLevel,
	levelColumn: string,
	flag: string,
	limits: CubeLimits = {},
	subgroups = false
): Promise<CellCube | null> {
	const resolution = PARENT_LEVELS[level];
	if (resolution !== undefined) {
		let derived = parentCubes.get(runner);
		if (!derived) parentCubes.set(runner, (derived = new Map()));
		const key = JSON.stringify([dataset, level, limits.minRows, limits.maxRows, subgroups]);
		let p = derived.get(key);
		if (!p) {
			p = cellCube(runner, dataset, 'h3_7', ident('h3_r7'), flag, limits, subgroups).then((r7) => (r7 ? parentCube(r7, resolution) : null));
			p.catch(() => derived.delete(key));
			derived.set(key, p);
		}
		return p;
	}
	const { minRows = CELL_CUBE_MIN_ROWS, maxRows = CELL_CUBE_MAX_ROWS } = limits;
	let made = cubes.get(runner);
	if (!made) cubes.set(runner, (made = new Map()));
	const key = JSON.stringify([dataset, level, minRows, maxRows, subgroups]);
	let p = made.get(key);
	if (p) {
		// Most recently used last.
		made.delete(key);
		made.set(key, p);
	} else {
		p = makeCube(runner, dataset, level, levelColumn, flag, minRows, maxRows, subgroups);
		p.catch(() => made.delete(key));
		made.set(key, p);
		// At most KEPT_CUBES per runner (memory): the least recently used is made again if asked for.
		for (const old of made.keys()) if (made.size > KEPT_CUBES) made.delete(old);
	}
	return p;
}

async function makeCube(runner: QueryRunner, dataset: ExploreDataset, level: CellLevel, levelColumn: string, flag: string, minRows: number, maxRows: number, subgroups: boolean): Promise<CellCube | null> {
	// With subgroups a key is a (category, offence_subgroup) pair; without, the SQL is as it always was.
	const sg = subgroups ? ', offence_subgroup' : '';
	const [size] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM explore_points');
	const rows = num(size?.n ?? 0);
	if (rows < minRows || rows > maxRows) return null;
	const col = levelColumn;
	// One set of work tables per dataset and level: two cubes may be made at once on one runner.
	const stem = `explore_cube_${dataset}_${level}`;
	const names = { rows: stem, cells: `${stem}_cells`, cats: `${stem}_categories` };
	const [r, cellsTable, catsTable] = [ident(names.rows), ident(names.cells), ident(names.cats)];
	try {
		await runner.exec(
			`CREATE OR REPLACE TEMP TABLE ${r} AS
			 SELECT month_index, category${sg}, ${col} AS cell_id, coalesce(${flag} = false, false) AS outside, sum(n)::BIGINT AS n
			 FROM explore_points WHERE dataset = ? AND ${col} IS NOT NULL GROUP BY ALL`,
			[dataset]
		);
		// Keys numbered in DuckDB's own order of the strings, so going through the keys gives ORDER BY cell_id.
		await runner.exec(`CREATE OR REPLACE TEMP TABLE ${cellsTable} AS SELECT cell_id, (row_number() OVER (ORDER BY cell_id) - 1)::INTEGER AS k FROM (SELECT DISTINCT cell_id FROM ${r})`);
		await runner.exec(
			`CREATE OR REPLACE TEMP TABLE ${catsTable} AS SELECT category${sg}, (row_number() OVER (ORDER BY category NULLS LAST${subgroups ? ', offence_subgroup NULLS FIRST' : ''}) - 1)::INTEGER AS k FROM (SELECT DISTINCT category${sg} FROM ${r})`
		);
		const cells = await runner.columns(`SELECT cell_id FROM ${cellsTable} ORDER BY k`);
		const categories = await runner.columns(`SELECT category${sg} FROM ${catsTable} ORDER BY k`);
		if (categories.category.length > 65_536) return null;
		const perMonth = await runner.rows<{ m: number; rows: number }>(`SELECT month_index AS m, count(*) AS rows FROM ${r} GROUP BY 1 ORDER BY 1`);
		// Records without a month (none by the contract) would escape the month ranges: the SQL answers then.
		if (perMonth.some((p) => p.m === null)) return null;
		const firstMonth = perMonth.length > 0 ? num(perMonth[0].m) : 0;
		const months = perMonth.length > 0 ? num(perMonth[perMonth.length - 1].m) - firstMonth + 1 : 0;
		const monthStart = new Int32Array(months + 1);
		for (const { m, rows } of perMonth) monthStart[num(m) - firstMonth + 1] = num(rows);
		for (let j = 1; j <= months; j++) monthStart[j] += monthStart[j - 1];
		const length = monthStart[months];
		const cube: CellCube = {
			cells: cells.cell_id.map((v) => String(v)),
			categories: categories.category.map((v) => (v === null ? null : String(v))),
			...(subgroups ? { subgroups: categories.offence_subgroup.map((v) => (v === null ? null : String(v))) } : {}),
			firstMonth,
			monthStart,
			category: new Uint16Array(length),
			cell: new Int32Array(length),
			outside: new Uint8Array(length),
			n: new Int32Array(length)
		};
		// A month at a time, so only one month's rows are ever held as JavaScript arrays.
		for (const { m } of perMonth) {
			const c = await runner.columns(
				`SELECT g.k AS category, x.k AS cell, r.outside::TINYINT AS outside, r.n::INTEGER AS n
				 FROM ${r} r JOIN ${cellsTable} x ON x.cell_id = r.cell_id JOIN ${catsTable} g ON g.category IS NOT DISTINCT FROM r.category${subgroups ? ' AND g.offence_subgroup IS NOT DISTINCT FROM r.offence_subgroup' : ''}
				 WHERE r.month_index = ?::INTEGER ORDER BY x.k, g.k, r.outside`,
				[num(m)]
			);
			let at = monthStart[num(m) - firstMonth];
			for (let i = 0; i < c.n.length; i++, at++) {
				cube.category[at] = num(c.category[i]);
				cube.cell[at] = num(c.cell[i]);
				cube.outside[at] = num(c.outside[i]);
				cube.n[at] = num(c.n[i]);
			}
		}
		return cube;
	} finally {
		await runner.exec(`DROP TABLE IF EXISTS ${r}; DROP TABLE IF EXISTS ${cellsTable}; DROP TABLE IF EXISTS ${catsTable}`);
	}
}

/**
 * The cube of the H3 parents at `resolution` of an r7 cube's cells (h3-js `cellToParent`, the
 * definition query-base.ts levelSql writes in SQL): each month's rows summed by (parent cell,
 * category key, outside), in the order the SQL cube has them (parent cells numbered in the
 * order of their ids, then category key, then outside). The same integers as a cube made from
 * explore_points at that level (parent-levels.test.ts compares them).
 */
export function parentCube(cube: CellCube, resolution: number): CellCube {
	const parentOf = cube.cells.map((id) => cellToParent(id, resolution));
	// Hexadecimal ids compare as DuckDB orders the strings (bytes).
	const cells = [...new Set(parentOf)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const index = new Map(cells.map((id, k) => [id, k]));
	const parentKey = Int32Array.from(parentOf, (id) => index.get(id)!);
	const categories = cube.categories.length;
	const months = cube.monthStart.length - 1;
	const monthStart = new Int32Array(months + 1);
	const sums: Array<Map<number, number>> = [];
	for (let j = 0; j < months; j++) {
		const sum = new Map<number, number>();
		for (let i = cube.monthStart[j]; i < cube.monthStart[j + 1]; i++) {
			const key = (parentKey[cube.cell[i]] * categories + cube.category[i]) * 2 + cube.outside[i];
			sum.set(key, (sum.get(key) ?? 0) + cube.n[i]);
		}
		sums.push(sum);
		monthStart[j + 1] = monthStart[j] + sum.size;
	}
	const length = monthStart[months];
	const out: CellCube = {
		cells,
		categories: cube.categories,
		...(cube.subgroups ? { subgroups: cube.subgroups } : {}),
		firstMonth: cube.firstMonth,
		monthStart,
		category: new Uint16Array(length),
		cell: new Int32Array(length),
		outside: new Uint8Array(length),
		n: new Int32Array(length)
	};
	sums.forEach((sum, j) => {
		let at = monthStart[j];
		for (const key of [...sum.keys()].sort((a, b) => a - b)) {
			out.outside[at] = key % 2;
			out.category[at] = Math.floor(key / 2) % categories;
			out.cell[at] = Math.floor(key / 2 / categories);
			out.n[at] = sum.get(key)!;
			at++;
		}
	});
	return out;
}

/** The first row of month index `m` or later. */
function rowOfMonth(cube: CellCube, m: number): number {
	const j = Math.min(Math.max(m - cube.firstMonth, 0), cube.monthStart.length - 1);
	return cube.monthStart[j];
}

/**
 * Per-cell totals of the cube under the filters' period and categories (no category chosen:
 * every category, those without one included; chosen: only those, as `category IN (…)`), in
 * cell id order, cells without records left out. `weights`: the harm_weights rows (a category
 * without a row, or excluded, is unweighted); `subgroupWeights`: the harm_subgroup_weights rows,
 * for a cube whose keys carry offence subgroups (the rule: analytics/models recordWeight).
 */
export function cubeTotals(
	cube: CellCube,
	f: Pick<ExploreFilters, 'from' | 'to' | 'categories'>,
	weights: ReadonlyMap<string, { weight: number | null; excluded: boolean }>,
	subgroupWeights?: SubgroupWeightMap
): CubeCell[] {
	const lo = f.from === null ? 0 : rowOfMonth(cube, monthIndex(f.from));
	const hi = f.to === null ? cube.n.length : rowOfMonth(cube, monthIndex(f.to) + 1);
	// Each chosen category's slot (in key order), -1 for categories left out.
	const slotOf = new Int32Array(cube.categories.length).fill(-1);
	const chosen = f.categories.length === 0 ? null : new Set<string>(f.categories);
	const slotCategory: Array<string | null> = [];
	const slotSubgroup: Array<string | null> = [];
	cube.categories.forEach((c, k) => {
		if (chosen === null || (c !== null && chosen.has(c))) {
			slotOf[k] = slotCategory.length;
			slotCategory.push(c);
			slotSubgroup.push(cube.subgroups?.[k] ?? null);
		}
	});
	const slots = slotCategory.length;
	const cellCount = cube.cells.length;
	const counts = new Float64Array(cellCount * slots);
	const outside = new Float64Array(cellCount);
	const present = new Uint8Array(cellCount);
	const { category, cell, n } = cube;
	const out = cube.outside;
	for (let i = lo; i < hi; i++) {
		const s = slotOf[category[i]];
		if (s < 0) continue;
		const c = cell[i];
		counts[c * slots + s] += n[i];
		if (out[i] === 1) outside[c] += n[i];
		present[c] = 1;
	}
	// Harm weight of each slot; null: unweighted (no weight row, a null weight, or excluded).
	const weightOf = slotCategory.map((c, s) => {
		const w = c === null ? undefined : weights.get(c);
		const categoryWeight = w && w.weight !== null && !w.excluded ? w.weight : null;
		return subgroupWeights ? recordWeight(categoryWeight, subgroupWeights, c, slotSubgroup[s]) : categoryWeight;
	});
	const result: CubeCell[] = [];
	for (let c = 0; c < cellCount; c++) {
		if (present[c] === 0) continue;
		let total = 0;
		let harm = 0;
		let unweighted = 0;
		for (let s = 0, at = c * slots; s < slots; s++, at++) {
			const x = counts[at];
			if (x === 0) continue;
			total += x;
			const w = weightOf[s];
			if (w === null) unweighted += x;
			else harm += x * w;
		}
		result.push({ cell_id: cube.cells[c], n: total, harm, unweighted, outside: outside[c] });
	}
	return result;
}
