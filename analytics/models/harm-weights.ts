/**
 * Harm-weight model files (models/harm-weights/*.json, validated by
 * models/schema/harm-weights.schema.json) and the rows of the `harm_weights` table that every
 * harm figure joins against.
 */

/** The shape of a harm-weights model file; see models/schema/harm-weights.schema.json. */
export interface HarmWeightsModel {
	$schema?: string;
	id: string;
	version: string;
	kind: 'harm-weights';
	title: string;
	/** Unit of every weight, e.g. "days of imprisonment (CCHI)". */
	unit: string;
	source: { citation: string; derived_by: string; file: string; licence: string };
	method: string;
	caveats: string[];
	weights: Array<{ category: string; weight: number; basis: 'source' | 'floor'; note?: string }>;
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
