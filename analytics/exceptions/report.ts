/**
 * The exception report: the area × category cells of the force area whose records in a chosen
 * period rose (or fell) beyond what chance and season explain, by a declared test
 * (models/exceptions/*.json) with Benjamini–Hochberg false-discovery control over every cell
 * tested, biggest first. See README.md for the method and what it was checked against.
 *
 * Reads the `explore_points` pre-aggregate (records per month, category and LSOA / district),
 * restricted to the force area (analytics/force-area) by a join with `force_area`; every value is
 * a bound parameter, the area column comes from a fixed map.
 */
import type { QueryRunner } from '../runner';
import { benjaminiHochberg } from '../clusters/gistar';
import { comparePeriods, coverageOf, rangeWords, type Comparison, type CompareBasis, type MonthRange } from '../compare/periods';
import type { ExploreDataset } from '../explore/filters';
import { readForceArea } from '../force-area';
import { recordAreaLevels } from '../explore/area-set';
import { tableExists } from '../shared/catalog';
import { monthIndex, monthKey } from '../shared/months';
import { num } from '../shared/numbers';
import { allOf, inList, type SqlPart } from '../shared/sql';
import { betaBinomialLowerTail, betaBinomialUpperTail, binomialLowerTail, binomialUpperTail } from './stats';


/** A method file of models/exceptions (schema models/schema/exceptions.schema.json). */
export interface ExceptionModel {
	id: string;
	version: string;
	kind: 'exceptions-method';
	title: string;
	description: string;
	scope: { areas: 'force-area'; level: 'force-area-unit'; note: string };
	baseline: { basis: 'seasonal-3y' | 'last-year'; max_years: number; min_years: number; note: string };
	default_period_months: number;
	test: { method: 'conditional-binomial' | 'conditional-beta-binomial'; dispersion: 'none' | 'leave-one-out-moments'; note: string };
	direction: 'increase' | 'decrease' | 'both';
	min_total: number;
	fdr: { method: 'benjamini-hochberg'; q: number; note: string };
	biggest: { order: 'excess-count'; note: string };
	sources: Array<{ citation: string; used_for: string }>;
	limitations: string[];
	changelog: Array<{ version: string; date: string; changes: string }>;
}

/**
 * The method as a sentence names it, its version said once: the title without a trailing version
 * tag of the same major version (", v1"), then "version 1.0.0" ("Exception report: rises beyond
 * chance and season, version 1.0.0"). A title whose tag names another major version keeps it.
 */
export function methodWords(model: Pick<ExceptionModel, 'title' | 'version'>): string {
	const major = model.version.split('.')[0];
	const tag = /,?\s+v(\d+)$/.exec(model.title);
	const title = tag && tag[1] === major ? model.title.slice(0, tag.index) : model.title;
	return `${title}, version ${model.version}`;
}

/** The area level of the report: the unit the force area is listed in. */
export type ExceptionLevel = 'lsoa' | 'district';

const LEVEL_COLUMN: Record<ExceptionLevel, string> = { lsoa: 'lsoa_code', district: 'district_id' };

/** Records of one area × category in the period and over the baseline years. */
export interface CellCounts {
	area: string;
	category: string;
	/** Records in the chosen period. */
	current: number;
	/** Records over the same months of every baseline year, added up. */
	baseline: number;
}

/** One tested cell. */
export interface ExceptionRow extends CellCounts {
	level: ExceptionLevel;
	/** The area's name (LSOA name, district name), or null when the extract has none. */
	areaName: string | null;
	/** Baseline records per year: baseline ÷ years, the level the season leads one to expect. */
	expected: number;
	/** current ÷ expected; null when nothing was expected (baseline 0). */
	ratio: number | null;
	/** current − expected, in records: the order of the report ("biggest first"). */
	excess: number;
	/** The test's p-value for this cell alone (one-sided for a rise or a fall, two-sided for both). */
	pValue: number;
	/** Benjamini–Hochberg adjusted p-value over every cell tested in the report. */
	qValue: number;
	/** Whether qValue ≤ the declared rate: the cell is an exception. */
	exception: boolean;
	/** The beta-binomial's intra-class correlation used for this cell (0: the binomial test). */
	rho: number;
	/** The dataset and period tested (set by exceptionReport, so a row can link to its map cell on its own). */
	dataset?: ExploreDataset;
	period?: MonthRange;
}

export interface ExceptionInput {
	model: ExceptionModel;
	dataset: ExploreDataset;
	/** The chosen period, inclusive months. */
	period: MonthRange;
	/** The baseline; default the model's. */
	basis?: Extract<CompareBasis, 'seasonal-3y' | 'last-year'>;
	/** Categories to test; empty or absent: every category. */
	categories?: readonly string[];
}

export interface ExceptionReport {
	model: { id: string; version: string; q: number; minTotal: number; direction: ExceptionModel['direction']; method: ExceptionModel['test']['method'] };
	dataset: ExploreDataset;
	level: ExceptionLevel;
	comparison: Comparison;
	/** The baseline periods used (fully in the data, at most the model's years), earliest first. */
	baselinePeriods: MonthRange[];
	/** Years in the baseline (k); 0 when nothing could be tested. */
	years: number;
	/** The force area's name, or null when none is declared (the areas with records are tested). */
	forceName: string | null;
	/** Areas the report covers (the force area's, or those with records). */
	areas: number;
	/** The exceptions, biggest first (largest excess, then smallest q, then area, category). */
	rows: ExceptionRow[];
	/** Every cell tested, in the same order. */
	tested: ExceptionRow[];
	/** Cells with some records but fewer than the minimum total, not tested. */
	untested: number;
	/** The dispersion estimated from every cell tested (0 for the binomial test). */
	rho: number;
	/** Why nothing (or not everything) could be tested, in plain words; empty when all is well. */
	notes: string[];
}

/** Order of the report: largest excess first, then smallest q, then area and category (code-point order). */
export function byExcess(a: ExceptionRow, b: ExceptionRow): number {
	return b.excess - a.excess || a.qValue - b.qValue || cmp(a.area, b.area) || cmp(a.category, b.category);
}

function cmp(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function monthRangePart(ranges: readonly MonthRange[]): SqlPart {
	return {
		sql: `(${ranges.map(() => 'month_index BETWEEN ? AND ?').join(' OR ')})`,
		params: ranges.flatMap((r) => [monthIndex(r.from), monthIndex(r.to)])
	};
}

export interface CellCountsOptions {
	dataset: ExploreDataset;
	level: ExceptionLevel;
	current: MonthRange;
	baseline: readonly MonthRange[];
	categories?: readonly string[];
	/** Restrict to the force area's codes (a join with `force_area`); false: every area with records. */
	forceArea: boolean;
}

/**
 * Records per area × category in the period and over the baseline periods (added up), from
 * `explore_points`. Cells with no record in either are absent; records without an area or a
 * category are not counted. Ordered by area, then category.
 */
export async function cellCounts(runner: QueryRunner, o: CellCountsOptions): Promise<CellCounts[]> {
	const col = LEVEL_COLUMN[o.level];
	const cur = monthRangePart([o.current]);
	const base = o.baseline.length > 0 ? monthRangePart(o.baseline) : { sql: 'false', params: [] };
	const where = allOf([
		{ sql: 'p.dataset = ?', params: [o.dataset] },
		{ sql: `p.${col} IS NOT NULL AND p.category IS NOT NULL`, params: [] },
		inList('p.category', o.categories ?? [], 'all'),
		monthRangePart([o.current, ...o.baseline])
	]);
	const join = o.forceArea ? `JOIN force_area f ON f.area_code = p.${col}` : '';
	const rows = await runner.rows<{ area: string; category: string; current: number; baseline: number }>(
		`SELECT p.${col} AS area, p.category,
		   coalesce(sum(p.n) FILTER (WHERE ${cur.sql}), 0)::BIGINT AS current,
		   coalesce(sum(p.n) FILTER (WHERE ${base.sql}), 0)::BIGINT AS baseline
		 FROM explore_points p ${join}
		 WHERE ${where.sql}
		 GROUP BY ALL`,
		[...cur.params, ...base.params, ...where.params]
	);
	// Sorted here, by code point: DuckDB-wasm 1.32 (DuckDB 1.4) rejects COLLATE on the grouped aliases.
	return rows
		.map((r) => ({ area: r.area, category: r.category, current: num(r.current), baseline: num(r.baseline) }))
		.sort((a, b) => cmp(a.area, b.area) || cmp(a.category, b.category));
}

/**
 * The declared test on each cell with current + baseline ≥ the model's minimum total, over
 * `years` baseline years (k ≥ 1): under "no change", current given the total n is
 * Binomial(n, 1/(1 + k)), or beta-binomial with the same mean and intra-class correlation ρ
 * estimated by moments from the other cells tested (ρ̂ = max(0, Σ(r² − 1) / Σ(n − 1)), r the
 * Pearson residual under the binomial; one cell alone: ρ = 0). q-values by Benjamini–Hochberg
 * over every cell tested. Returns every tested cell, biggest first, and how many were too small.
 */
export function testCells(
	cells: readonly CellCounts[],
	years: number,
	model: Pick<ExceptionModel, 'test' | 'direction' | 'min_total' | 'fdr'>,
	level: ExceptionLevel = 'lsoa',
	names: ReadonlyMap<string, string> = new Map()
): { tested: ExceptionRow[]; untested: number; rho: number } {
	if (!(Number.isInteger(years) && years >= 1)) throw new RangeError(`baseline years must be a whole number ≥ 1, got ${years}`);
	const share = 1 / (1 + years);
	const kept = cells.filter((c) => c.current + c.baseline >= model.min_total);
	const untested = cells.filter((c) => c.current + c.baseline > 0 && c.current + c.baseline < model.min_total).length;
	const beta = model.test.method === 'conditional-beta-binomial' && model.test.dispersion === 'leave-one-out-moments';
	const parts = kept.map((c) => {
		const n = c.current + c.baseline;
		const r2 = (c.current - n * share) ** 2 / (n * share * (1 - share));
		return { s: r2 - 1, t: n - 1 };
	});
	const S = parts.reduce((a, p) => a + p.s, 0);
	const T = parts.reduce((a, p) => a + p.t, 0);
	const rhoOf = (s: number, t: number) => (beta && t > 0 ? Math.min(0.999, Math.max(0, s / t)) : 0);
	const pValues = kept.map((c, i) => {
		const n = c.current + c.baseline;
		const rho = kept.length > 1 ? rhoOf(S - parts[i].s, T - parts[i].t) : 0;
		const upper = () => (rho > 0 ? betaBinomialUpperTail(c.current, n, share * (1 / rho - 1), (1 - share) * (1 / rho - 1)) : binomialUpperTail(c.current, n, share));
		const lower = () => (rho > 0 ? betaBinomialLowerTail(c.current, n, share * (1 / rho - 1), (1 - share) * (1 / rho - 1)) : binomialLowerTail(c.current, n, share));
		const p = model.direction === 'increase' ? upper() : model.direction === 'decrease' ? lower() : Math.min(1, 2 * Math.min(upper(), lower()));
		return { p, rho };
	});
	const q = benjaminiHochberg(pValues.map((v) => v.p)) as number[];
	const tested = kept.map((c, i): ExceptionRow => {
		const expected = c.baseline / years;
		return {
			...c,
			level,
			areaName: names.get(c.area) ?? null,
			expected,
			ratio: expected > 0 ? c.current / expected : null,
			excess: c.current - expected,
			pValue: pValues[i].p,
			qValue: q[i],
			exception: q[i] <= model.fdr.q,
			rho: pValues[i].rho
		};
	});
	tested.sort(byExcess);
	return { tested, untested, rho: rhoOf(S, T) };
}

async function areaNames(runner: QueryRunner, level: ExceptionLevel): Promise<Map<string, string>> {
	const table = level === 'lsoa' ? 'areas' : 'districts';
	if (!(await tableExists(runner, table))) return new Map();
	const sql = level === 'lsoa' ? 'SELECT lsoa_code AS code, lsoa_name AS name FROM areas' : 'SELECT district_id AS code, name FROM districts';
	const rows = await runner.rows<{ code: string; name: string | null }>(sql);
	return new Map(rows.filter((r) => r.name).map((r) => [r.code, r.name as string]));
}

/** The months a dataset's records span in `explore_points`, or null when it has none. */
export async function datasetMonths(runner: QueryRunner, dataset: ExploreDataset): Promise<{ first: string; last: string } | null> {
	const [r] = await runner.rows<{ lo: number | null; hi: number | null }>(
		'SELECT min(month_index) AS lo, max(month_index) AS hi FROM explore_points WHERE dataset = ?',
		[dataset]
	);
	return r && r.lo !== null && r.hi !== null ? { first: monthKey(num(r.lo)), last: monthKey(num(r.hi)) } : null;
}

/** The report's period when none is chosen: the model's default number of months ending with the data's last month. */
export function defaultPeriod(model: Pick<ExceptionModel, 'default_period_months'>, last: string): MonthRange {
	return { from: monthKey(monthIndex(last) - model.default_period_months + 1), to: last };
}

/**
 * The period a report tests from a filter's open-ended ends: both given, as given; only `from`,
 * up to the data's last month; only `to`, the model's default number of months ending there;
 * neither, the default number of months ending with the data's last month.
 */
export function reportPeriod(model: Pick<ExceptionModel, 'default_period_months'>, chosen: { from: string | null; to: string | null }, last: string): MonthRange {
	if (chosen.from && chosen.to) return { from: chosen.from, to: chosen.to };
	if (chosen.from) return { from: chosen.from, to: monthIndex(chosen.from) > monthIndex(last) ? chosen.from : last };
	return defaultPeriod(model, chosen.to ?? last);
}

/**
 * The exception report of one period: every area × category of the force area (its own unit:
 * LSOAs, or districts) with enough records is tested against the same months of up to the
 * model's number of earlier years fully in the data; the exceptions are the cells whose q-value is
 * at most the model's rate, biggest first (largest excess of records over the expected level).
 * Without a declared force area the areas with records are tested (and `forceName` is null).
 * When the period is not fully in the data, overlaps its baseline, or has fewer baseline years
 * than the model's minimum, nothing is tested and `notes` says why.
 */
/** True when the crime records carry the source's own areas but no LSOA (analytics/explore/area-set recordAreaLevels). */
async function onlyOwnAreaLevel(runner: QueryRunner): Promise<boolean> {
	const carried = await recordAreaLevels(runner);
	return carried.district && !carried.lsoa;
}

export async function exceptionReport(runner: QueryRunner, input: ExceptionInput): Promise<ExceptionReport> {
	const { model, dataset, period } = input;
	const basis = input.basis ?? model.baseline.basis;
	const coverage = await datasetMonths(runner, dataset);
	const comparison = comparePeriods(period, basis, coverage);
	const force = await readForceArea(runner);
	// Crime records that carry no LSOA but are placed in the source's own areas (a force's export located by coordinates) are tested by those areas.
	const level: ExceptionLevel = force ? force.unit : dataset === 'events' || (dataset === 'incidents' && (await onlyOwnAreaLevel(runner))) ? 'district' : 'lsoa';
	const baselinePeriods = comparison.used.slice(-model.baseline.max_years).map(({ from, to }) => ({ from, to }));
	const notes: string[] = [...comparison.notes];
	const empty = (): ExceptionReport => ({
		model: modelSummary(model),
		dataset,
		level,
		comparison,
		baselinePeriods: [],
		years: 0,
		forceName: force?.name ?? null,
		areas: force?.areaCodes.length ?? 0,
		rows: [],
		tested: [],
		untested: 0,
		rho: 0,
		notes
	});
	// When the period itself cannot be tested, that is the one thing to say: the comparison's notes
	// (what an average would be made of, that the periods overlap) describe a test that never ran.
	if (!coverage || coverageOf(period, coverage) !== 'full') {
		notes.splice(0, notes.length, coverage ? `The period is not fully in the data, which covers ${rangeWords({ from: coverage.first, to: coverage.last })}: nothing was tested.` : 'This dataset has no records: nothing was tested.');
		return empty();
	}
	if (comparison.overlaps) {
		notes.splice(0, notes.length, 'The period is longer than a year, so it overlaps the months it would be compared with: nothing was tested.');
		return empty();
	}
	if (baselinePeriods.length < model.baseline.min_years) {
		notes.push(`The test needs at least ${model.baseline.min_years === 1 ? 'one earlier year' : `${model.baseline.min_years} earlier years`} of the same months in the data: nothing was tested.`);
		return empty();
	}
	const cells = await cellCounts(runner, { dataset, level, current: period, baseline: baselinePeriods, categories: input.categories, forceArea: force !== null });
	const names = await areaNames(runner, level);
	const result = testCells(cells, baselinePeriods.length, model, level, names);
	const { untested, rho } = result;
	const tested = result.tested.map((r) => ({ ...r, dataset, period: { from: period.from, to: period.to } }));
	const areas = force ? force.areaCodes.length : new Set(cells.map((c) => c.area)).size;
	return { ...empty(), baselinePeriods, years: baselinePeriods.length, areas, rows: tested.filter((r) => r.exception), tested, untested, rho };
}

function modelSummary(model: ExceptionModel): ExceptionReport['model'] {
	return { id: model.id, version: model.version, q: model.fdr.q, minTotal: model.min_total, direction: model.direction, method: model.test.method };
}
