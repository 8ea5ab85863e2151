/**
 * How police.uk's recorded ethnicity maps to the five Census 2021 groups (TS021), declared once.
 *
 * Self-defined ethnicity on police.uk uses the 2011 Census's 16+1 categories, written
 * "<group> - <category>" (e.g. "Black/African/Caribbean/Black British - Caribbean"); it maps to
 * its group by the prefix before " - ", as the Home Office does. "Other ethnic group - Not
 * stated" means the person declined to say: it is *not recorded*, not "Other". Officer-defined
 * ethnicity is already one of the five (Asian, Black, Mixed, White, Other). Anything empty, or a
 * value no row below matches, is "Not recorded" (and counted as such, never dropped).
 */
import { literal } from '../ingest/sql';
import type { EthnicGroup } from './types';

/** A self-defined value whose text (before " - ") starts with `prefix` belongs to `group`. */
export interface SelfDefinedRule {
	prefix: string;
	group: EthnicGroup | 'Not recorded';
	/** Why, when it is not obvious. */
	note?: string;
}

/**
 * The self-defined rules, tried in order (first match wins). Exact values come before their
 * group's prefix so "Other ethnic group - Not stated" is not read as "Other".
 */
export const SELF_DEFINED_RULES: readonly SelfDefinedRule[] = [
	{ prefix: 'Other ethnic group - Not stated', group: 'Not recorded', note: 'the person declined to state an ethnicity' },
	{ prefix: 'Asian/Asian British - ', group: 'Asian' },
	{ prefix: 'Asian or Asian British - ', group: 'Asian' },
	{ prefix: 'Black/African/Caribbean/Black British - ', group: 'Black' },
	{ prefix: 'Black or Black British - ', group: 'Black' },
	{ prefix: 'Mixed/Multiple ethnic groups - ', group: 'Mixed' },
	{ prefix: 'Mixed or Multiple ethnic groups - ', group: 'Mixed' },
	{ prefix: 'White - ', group: 'White' },
	{ prefix: 'Other ethnic group - ', group: 'Other' }
];

/** Officer-defined values police.uk publishes, each one of the five groups. */
export const OFFICER_DEFINED_VALUES: readonly EthnicGroup[] = ['Asian', 'Black', 'Mixed', 'White', 'Other'];

/** The group of a self-defined value in JavaScript (the same rules as the SQL). */
export function selfDefinedGroup(value: string | null): EthnicGroup | 'Not recorded' {
	const v = (value ?? '').trim();
	if (v === '') return 'Not recorded';
	for (const r of SELF_DEFINED_RULES) if (v.startsWith(r.prefix)) return r.group;
	return 'Not recorded';
}

/** The group of an officer-defined value in JavaScript. */
export function officerDefinedGroup(value: string | null): EthnicGroup | 'Not recorded' {
	const v = (value ?? '').trim();
	return (OFFICER_DEFINED_VALUES as readonly string[]).includes(v) ? (v as EthnicGroup) : 'Not recorded';
}

/** SQL CASE giving the group of the self-defined column `col` (trusted SQL), from the declared rules. */
export function selfGroupSql(col: string): string {
	const whens = SELF_DEFINED_RULES.map((r) => `WHEN starts_with(trim(${col}), ${literal(r.prefix)}) THEN ${literal(r.group)}`).join(' ');
	return `(CASE ${whens} ELSE 'Not recorded' END)`;
}

/** SQL CASE giving the group of the officer-defined column `col`. */
export function officerGroupSql(col: string): string {
	const whens = OFFICER_DEFINED_VALUES.map((g) => `WHEN trim(${col}) = ${literal(g)} THEN ${literal(g)}`).join(' ');
	return `(CASE ${whens} ELSE 'Not recorded' END)`;
}
