/**
 * Harm-weight model files (models/harm-weights/*.json, validated by
 * models/schema/harm-weights.schema.json) and the rows of the `harm_weights` table that every
 * harm figure joins against.
 */

import type { QueryRunner } from '../runner';
import { hasColumn, tableExists } from '../shared/catalog';

/** The shape of a harm-weights model file; see models/schema/harm-weights.schema.json. */
export interface HarmWeightsModel {
	$schema?: string;
	id: string;
	version: string;
	kind: 'harm-weights';
	title: string;
	/** Unit of every weight, e.g. "days of imprisonment (CCHI)". */
	unit: string;
	/** The earlier version this one refines: same id, category weights and exclusions (see {@link servesReference}). */
	refines?: { id: string; version: string; file: string; note: string };
	source: { citation: string; derived_by: string; file: string; licence: string };
	/** Where the subgroup weights come from (required with them). */
	subgroup_source?: { file: string; counts: string; derived_by: string };
	method: string;
	caveats: string[];
	weights: Array<{ category: string; weight: number; basis: 'source' | 'floor'; note?: string }>;
	/** Finer weights per Home Office offence subgroup (records' `offence_subgroup`), each under its police.uk category. */
	subgroup_weights?: Array<{ category: string; subgroup: string; weight: number; national_count?: number; note?: string }>;
	exclusions: Array<{ category: string; reason: string }>;
}

/** One row of the `harm_weights` table. */
export interface HarmWeightRow {
	/** police.uk crime type, exactly as published. */
	category: string;
	/** Harm weight in the model's unit; null for an excluded category that has no weight. */
	weight: number | null;
	/** 'source', 'floor', or null when the category only appears as an exclusion. */
	basis: 'source' | 'floor' | null;
	/** True if the category is left out of harm totals. */
	excluded: boolean;
	/** Why it is excluded; null when it is not. */
	exclusion_reason: string | null;
}

/** Column definitions of the `harm_weights` table, in the order of {@link HarmWeightRow}. */
export const HARM_WEIGHTS_TABLE_SQL =
	'CREATE OR REPLACE TABLE harm_weights (category VARCHAR PRIMARY KEY, weight DOUBLE, basis VARCHAR, excluded BOOLEAN NOT NULL, exclusion_reason VARCHAR)';

/** Insert one {@link HarmWeightRow}; values are bound, never spliced into the SQL. */
export const HARM_WEIGHTS_INSERT_SQL =
	'INSERT INTO harm_weights (category, weight, basis, excluded, exclusion_reason) VALUES (?, ?, ?, ?, ?)';

/**
 * The rows of the `harm_weights` table for a model: one per weighted category, in the model's
 * order, with the exclusion flag and reason merged in. An exclusion naming a category that has
 * no weight still gets a row (weight null), so it is reported as excluded rather than
 * unweighted.
 *
 * Throws a RangeError naming the category when a category is weighted or excluded twice, or a
 * weight is negative or not finite.
 */
export function harmWeightRows(model: HarmWeightsModel): HarmWeightRow[] {
	const exclusions = new Map<string, string>();
	for (const { category, reason } of model.exclusions) {
		if (exclusions.has(category)) {
			throw new RangeError(`harm weights ${model.id}: category "${category}" is excluded twice`);
		}
		exclusions.set(category, reason);
	}
	const seen = new Set<string>();
	const rows: HarmWeightRow[] = model.weights.map(({ category, weight, basis }) => {
		if (seen.has(category)) {
			throw new RangeError(`harm weights ${model.id}: category "${category}" has two weights`);
		}
		if (!Number.isFinite(weight) || weight < 0) {
			throw new RangeError(`harm weights ${model.id}: weight of "${category}" must be a finite number ≥ 0, got ${weight}`);
		}
		seen.add(category);
		const reason = exclusions.get(category) ?? null;
		return { category, weight, basis, excluded: reason !== null, exclusion_reason: reason };
	});
	for (const [category, reason] of exclusions) {
		if (!seen.has(category)) {
			rows.push({ category, weight: null, basis: null, excluded: true, exclusion_reason: reason });
		}
	}
	return rows;
}

/** The parameter list of {@link HARM_WEIGHTS_INSERT_SQL} for one row. */
export function harmWeightParams(row: HarmWeightRow): [string, number | null, string | null, boolean, string | null] {
	return [row.category, row.weight, row.basis, row.excluded, row.exclusion_reason];
}

/**
 * Whether `table` may stand for the harm-weight table a model references (`ref`, e.g. a THR
 * model's `harm_weights`): the same id and version, or a later version of the same id that
 * declares it `refines` the referenced one (the same category weights and exclusions plus
 * subgroup weights; models/harm-weights tests check the refinement). So a model published with
 * cchi-police-uk 1.0.0 scores police.uk data identically with 2.0.0, and a force's records that
 * carry an offence subgroup with the finer weights.
 */
export function servesReference(ref: { id: string; version: string }, table: Pick<HarmWeightsModel, 'id' | 'version' | 'refines'>): boolean {
	if (table.id !== ref.id) return false;
	return table.version === ref.version || (table.refines?.id === ref.id && table.refines.version === ref.version);
}

/** The record tables that may carry `offence_subgroup`. */
type SubgroupTable = 'incidents' | 'events' | 'stop_search';

/** Per database (runner): what its extract's manifest says of each table's subgroups. */
const declaredSubgroups = new WeakMap<QueryRunner, Partial<Record<string, boolean>>>();

/**
 * Record what the manifest of the extract loaded into `runner`'s database says of its records'
 * offence subgroups (each dataset entry's `offence_subgroups`, written at build time), so
 * {@link recordsCarrySubgroups} need not scan the column (0.10–0.14 s at 11M rows, on every
 * scoring). Datasets without the field (extracts built before it, imported sources whose
 * manifest lacks it) are left to the scan. Call it once the datasets are loaded, with the
 * manifest they were loaded from, for a database whose record tables are not changed afterwards
 * (the browser's); tests and tools that edit loaded rows leave it undeclared.
 */
export function declareRecordSubgroups(runner: QueryRunner, manifest: { datasets: ReadonlyArray<{ name: string; offence_subgroups?: boolean }> }): void {
	const said: Partial<Record<string, boolean>> = {};
	for (const d of manifest.datasets) if (typeof d.offence_subgroups === 'boolean') said[d.name] = d.offence_subgroups;
	declaredSubgroups.set(runner, said);
}

/**
 * Whether any record of `table` carries an offence subgroup: false without the `offence_subgroup`
 * column (police.uk data, extracts built before it) or when every value is null. Harm queries add
 * the subgroup weights only then, so data without subgroups runs exactly the SQL it always ran.
 * Taken from the manifest when {@link declareRecordSubgroups} recorded it, else from the rows.
 */
export async function recordsCarrySubgroups(runner: QueryRunner, table: SubgroupTable = 'incidents'): Promise<boolean> {
	if (!(await hasColumn(runner, table, 'offence_subgroup'))) return false;
	const declared = declaredSubgroups.get(runner)?.[table];
	if (declared !== undefined) return declared;
	// The table name comes from the fixed list above, never from a user.
	const rows = await runner.rows(`SELECT 1 AS x FROM ${table} WHERE offence_subgroup IS NOT NULL LIMIT 1`);
	return rows.length > 0;
}

/** One row of the `harm_subgroup_weights` table: a Home Office offence subgroup's weight under its category. */
export interface HarmSubgroupWeightRow {
	/** police.uk crime type the subgroup belongs to (a record's `category` must equal it for the weight to apply). */
	category: string;
	/** Home Office offence subgroup, as records carry it in `offence_subgroup`. */
	subgroup: string;
	/** Harm weight in the model's unit. */
	weight: number;
}

/** The `harm_subgroup_weights` table: read by every harm query when `incidents` has `offence_subgroup`. */
export const HARM_SUBGROUP_WEIGHTS_TABLE = 'harm_subgroup_weights';

export const HARM_SUBGROUP_WEIGHTS_TABLE_SQL =
	'CREATE OR REPLACE TABLE harm_subgroup_weights (category VARCHAR NOT NULL, subgroup VARCHAR NOT NULL, weight DOUBLE NOT NULL, PRIMARY KEY (category, subgroup))';

/** Insert one {@link HarmSubgroupWeightRow}; values are bound. */
export const HARM_SUBGROUP_WEIGHTS_INSERT_SQL = 'INSERT INTO harm_subgroup_weights (category, subgroup, weight) VALUES (?, ?, ?)';

/**
 * The subgroup weights of a model (none for a table without them), in the model's order.
 * Throws a RangeError when a subgroup is listed twice under one category, its category has no
 * weight in the table, or a weight is negative or not finite.
 */
export function harmSubgroupWeightRows(model: Pick<HarmWeightsModel, 'id' | 'weights' | 'subgroup_weights'>): HarmSubgroupWeightRow[] {
	const categories = new Set(model.weights.map((w) => w.category));
	const seen = new Set<string>();
	return (model.subgroup_weights ?? []).map(({ category, subgroup, weight }) => {
		const key = JSON.stringify([category, subgroup]);
		if (seen.has(key)) throw new RangeError(`harm weights ${model.id}: subgroup "${subgroup}" of "${category}" has two weights`);
		seen.add(key);
		if (!categories.has(category)) throw new RangeError(`harm weights ${model.id}: subgroup "${subgroup}" belongs to "${category}", which has no category weight`);
		if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`harm weights ${model.id}: weight of subgroup "${subgroup}" must be a finite number ≥ 0, got ${weight}`);
		return { category, subgroup, weight };
	});
}

/** The parameter list of {@link HARM_SUBGROUP_WEIGHTS_INSERT_SQL} for one row. */
export function harmSubgroupWeightParams(row: HarmSubgroupWeightRow): [string, string, number] {
	return [row.category, row.subgroup, row.weight];
}

/** Anything that runs a statement with bound parameters (a QueryRunner, a test's connection). */
interface Exec {
	exec(sql: string, params?: readonly (string | number | boolean | null)[]): Promise<unknown>;
}

/**
 * Create (or replace) the `harm_weights` and `harm_subgroup_weights` tables from a model, values
 * bound. The subgroup table is always created (empty for a table without subgroup weights), so
 * queries can join it whenever the records carry `offence_subgroup`.
 */
export async function createHarmWeightTables(runner: Exec, model: HarmWeightsModel): Promise<void> {
	const rows = harmWeightRows(model);
	const subgroups = harmSubgroupWeightRows(model);
	// One bound INSERT per table, not one per row: each statement is a round trip (a few ms each
	// in DuckDB-wasm and in the build).
	await runner.exec(HARM_WEIGHTS_TABLE_SQL);
	if (rows.length > 0) await runner.exec(manyRows(HARM_WEIGHTS_INSERT_SQL, rows.length), rows.flatMap(harmWeightParams));
	await runner.exec(HARM_SUBGROUP_WEIGHTS_TABLE_SQL);
	if (subgroups.length > 0) await runner.exec(manyRows(HARM_SUBGROUP_WEIGHTS_INSERT_SQL, subgroups.length), subgroups.flatMap(harmSubgroupWeightParams));
}

/** A one-row `INSERT … VALUES (?, …)` repeated for `n` rows in one statement. */
function manyRows(insertOneRow: string, n: number): string {
	const at = insertOneRow.lastIndexOf('VALUES ');
	const row = insertOneRow.slice(at + 'VALUES '.length);
	return `${insertOneRow.slice(0, at)}VALUES ${Array.from({ length: n }, () => row).join(', ')}`;
}

/**
 * Roll the subgroup weights up to one weight per category, weighted by their national counts
 * (Σ count × weight ÷ Σ count): the method by which the category weights were derived. Categories
 * with no subgroup, or whose subgroups lack counts, are absent.
 */
export function subgroupRollUp(model: Pick<HarmWeightsModel, 'subgroup_weights'>): Map<string, { weight: number; count: number; subgroups: number }> {
	const acc = new Map<string, { sum: number; count: number; subgroups: number; complete: boolean }>();
	for (const s of model.subgroup_weights ?? []) {
		const a = acc.get(s.category) ?? { sum: 0, count: 0, subgroups: 0, complete: true };
		if (s.national_count === undefined) a.complete = false;
		else {
			a.sum += s.national_count * s.weight;
			a.count += s.national_count;
		}
		a.subgroups++;
		acc.set(s.category, a);
	}
	const out = new Map<string, { weight: number; count: number; subgroups: number }>();
	for (const [category, a] of acc) if (a.complete && a.count > 0) out.set(category, { weight: a.sum / a.count, count: a.count, subgroups: a.subgroups });
	return out;
}

/**
 * The subgroup rule in SQL, for a relation `alias` with `category` and `offence_subgroup`
 * columns (base rows or a pre-aggregate carrying the subgroup, e.g. explore_points): the LEFT
 * JOIN of `table` (default the `harm_subgroup_weights` table) as `sw`, and the weight a row takes
 * given its category's weight expression — the subgroup's weight when the table lists the row's
 * subgroup under the row's own category, else the category's. Aliases and the table name come
 * from code, never from a user.
 */
export function subgroupWeightSql(alias: string, table: string = HARM_SUBGROUP_WEIGHTS_TABLE): { join: string; weight: (categoryWeight: string) => string } {
	return {
		join: `LEFT JOIN ${table} sw ON sw.category = ${alias}.category AND sw.subgroup = ${alias}.offence_subgroup`,
		weight: (categoryWeight) => `coalesce(sw.weight, ${categoryWeight})`
	};
}

/** The subgroup weights of the `harm_subgroup_weights` table by category and subgroup, read for JavaScript sums. */
export type SubgroupWeightMap = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** Read the `harm_subgroup_weights` table (empty map when it does not exist). */
export async function readSubgroupWeights(runner: QueryRunner): Promise<SubgroupWeightMap> {
	const out = new Map<string, Map<string, number>>();
	if (!(await tableExists(runner, HARM_SUBGROUP_WEIGHTS_TABLE))) return out;
	for (const r of await runner.rows<{ category: string; subgroup: string; weight: number }>('SELECT category, subgroup, weight FROM harm_subgroup_weights')) {
		const m = out.get(String(r.category)) ?? new Map<string, number>();
		m.set(String(r.subgroup), Number(r.weight));
		out.set(String(r.category), m);
	}
	return out;
}

/**
 * The weight one record (or a group of records sharing category and subgroup) takes, the rule
 * of {@link subgroupWeightSql} in JavaScript: null when its category is unweighted or excluded
 * (`categoryWeight` null); else its subgroup's weight when listed under its own category, else
 * `categoryWeight`.
 */
export function recordWeight(categoryWeight: number | null, subgroups: SubgroupWeightMap, category: string | null, subgroup: string | null): number | null {
	if (categoryWeight === null) return null;
	if (category === null || subgroup === null) return categoryWeight;
	return subgroups.get(category)?.get(subgroup) ?? categoryWeight;
}

/** Categories a published model leaves out because they are mostly found by police activity ("detected proactively"). */
export function policeFoundCategories(exclusions: ReadonlyArray<{ category: string; reason: string }>): string[] {
	return [...new Set(exclusions.filter((e) => /proactive/i.test(e.reason)).map((e) => e.category))];
}
