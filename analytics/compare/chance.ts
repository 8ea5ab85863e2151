/**
 * Whether a change in a count is more than chance alone would give: the exact two-sided binomial
 * test the Map's change layer uses for its cells (web/lib/explore/map/change-chance.ts) and the
 * period comparisons use for their record counts. `n` records now and `sum` records over `years`
 * comparison periods of the same length (a seasonal average's mean × its years) are, if the rate
 * did not change, n ~ Binomial(n + sum, 1 / (1 + years)): each of the n + sum records falls in
 * the period with the period's share of the months. The p-value is 2 × the smaller tail (at most
 * 1), as R's `binom.test` with equal-tail doubling; beyond chance when p < 0.05. Counts only: a
 * harm-weighted total is a weighted sum, and the test does not apply to it.
 */
import { binomialLowerTail, binomialUpperTail } from '../exceptions/stats';

export const CHANGE_ALPHA = 0.05;

/** The two-sided exact p-value of `n` records now against `sum` over `years` comparison periods of the same length. */
export function changePValue(n: number, sum: number, years: number): number {
	const total = n + sum;
	if (total === 0) return 1;
	const p = 1 / (1 + years);
	return Math.min(1, 2 * Math.min(binomialUpperTail(n, total, p), binomialLowerTail(n, total, p)));
}

/** A compared count's test: its p-value and whether the change is beyond chance. */
export interface CountChance {
	p: number;
	beyond: boolean;
}

/**
 * The test of a compared count: `current` records against `perPeriod`, the records of each
 * comparison period used (one, or each year of a seasonal average). Null when there is nothing
 * to compare with, or for harm (`kind` 'harm'): the test is of counts only.
 */
export function countChance(m: { kind?: string; current: number; comparison: number | null; perPeriod: readonly number[] }): CountChance | null {
	if (m.kind === 'harm' || m.comparison === null || m.perPeriod.length === 0) return null;
	const sum = m.perPeriod.reduce((a, b) => a + b, 0);
	const p = changePValue(m.current, Math.round(sum), m.perPeriod.length);
	return { p, beyond: p < CHANGE_ALPHA };
}

/**
 * The test in short words, for a table cell: "beyond chance", "within chance", or "no change".
 * Empty for harm or no comparison (countChance null).
 */
export function chanceLabel(m: { kind?: string; current: number; comparison: number | null; perPeriod: readonly number[] }): string {
	const c = countChance(m);
	if (!c) return '';
	if (m.current === m.comparison) return 'no change';
	return c.beyond ? 'beyond chance' : 'within chance';
}

/**
 * The test in plain words, for a line: "beyond chance: a change this large seldom comes from
 * chance alone", "within chance: chance alone could give a change this size", or "no change".
 * Empty for harm or no comparison.
 */
export function chanceWords(m: { kind?: string; current: number; comparison: number | null; perPeriod: readonly number[] }): string {
	const label = chanceLabel(m);
	if (label === 'beyond chance') return `${label}: a change this large seldom comes from chance alone`;
	if (label === 'within chance') return `${label}: chance alone could give a change this size`;
	return label;
}

/** What the comparison's chance words mean, for a table's note. */
export const CHANCE_NOTE =
	'"Beyond chance": a change in the record count this large would seldom come from chance alone (exact binomial test, p < 0.05); "within chance": chance alone could give it, so it may not be a real change. Harm, a weighted sum, is not tested.';
