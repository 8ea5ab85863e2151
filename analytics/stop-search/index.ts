/**
 * Stop and search by ethnic group: searches per 1,000 Census 2021 residents and ratios against
 * White (Katz intervals), find and arrest rates (Wilson intervals), how often self- and
 * officer-defined ethnicity disagree, splits (legislation, object, age, gender, month), drug
 * searches that found only possession, the records behind every figure, and the community impact
 * of the THR ranking. SQL over the extract (`stop_search`, `population_ethnicity`, `force_area`),
 * every value bound. Method, denominators and caveats: README.md in this folder.
 */
import type { Param, QueryRunner } from '../runner';
import { hasColumn, tableExists } from '../shared/catalog';
import { monthIndex } from '../shared/months';
import { monthWords } from '../compare/periods';
import { inList, placeholders } from '../shared/sql';
import { literal, literalList } from '../ingest/sql';
import { katzRatio, wilson } from './intervals';
import { officerGroupSql, selfGroupSql } from './ethnicity';
import { CENSUS_SOURCE } from './census';
import {
	ETHNIC_GROUPS,
	NOT_RECORDED,
	type Caveat,
	type CompositionRow,
	type DisproportionalityResult,
	type DisproportionalityRow,
	type DrugPossessionResult,
	type DrugPossessionRow,
	type EthnicGroup,
	type EthnicityAgreement,
	type EthnicityBasis,
	type FlaggedComposition,
	type GroupOrUnknown,
	type Proportion,
	type RecordPage,
	type RecordQuery,
	type SplitBy,
	type SplitResult,
	type SplitRow,
	type StopSearchCoverage,
	type StopSearchRecord,
	type StopSearchScope
} from './types';
export * from './types';
export { wilson, katzRatio, Z95 } from './intervals';
export { SELF_DEFINED_RULES, OFFICER_DEFINED_VALUES, selfDefinedGroup, officerDefinedGroup } from './ethnicity';
export { CENSUS_SOURCE } from './census';
export { RATE_COLUMNS, RATE_DETAIL_COLUMNS, rateTableRows } from './rates-table';

/** Outcomes counted as an arrest: police.uk's "Arrest" and its older label "Suspect arrested". */
export const ARREST_OUTCOMES: readonly string[] = ['Arrest', 'Suspect arrested'];

/** Outcomes counted as no further action: police.uk's "A no further action disposal" and its older label "Nothing found - no further action". An empty outcome is neither. */
export const NO_FURTHER_ACTION_OUTCOMES: readonly string[] = ['A no further action disposal', 'Nothing found - no further action'];

/**
 * Outcomes that are possession-level disposals for drugs (police.uk gives no offence, so this is
 * the rule): a cannabis or khat warning, a drugs possession warning, a community or local
 * resolution, a penalty notice for disorder. Arrests, summonses and cautions are not counted
 * (they may be for possession or for supply: police.uk does not say), so the share is a lower
 * bound on searches that found only possession.
 */
export const POSSESSION_OUTCOMES: readonly string[] = [
	'Khat or Cannabis warning',
	'Offender given drugs possession warning',
	'Community resolution',
	'Local resolution',
	'Penalty Notice for Disorder',
	'Offender given penalty notice'
];

/** A drug search: the power is the Misuse of Drugs Act 1971 (s23) or the object is controlled drugs. */
const DRUG_SEARCH_SQL = `(starts_with(coalesce(s.legislation, ''), 'Misuse of Drugs Act') OR s.object_of_search = 'Controlled drugs')`;

/** Declared caveat thresholds (README "Caveats"). */
export const CAVEAT_THRESHOLDS = {
	/** A denominator area with fewer residents than this is small: rates swing with a few searches. */
	minResidents: 20_000,
	/** Searches per 1,000 residents per year (all groups) above which residents are a poor denominator. */
	maxAnnualRatePer1000: 50,
	/** A group with fewer searches than this has unstable rates and ratios. */
	smallCount: 20,
	/** A share of searches with no recorded ethnicity from which the caveat is a warning. */
	unknownShareWarning: 0.1
} as const;

const RATE_PER = 1000;

// ---------------------------------------------------------------------------------------------
// Scope → SQL

/** police.uk's search type of a search of a vehicle only (no person searched). */
export const VEHICLE_ONLY_TYPE = 'Vehicle search';

interface ScopeSql {
	/** Filter on stop_search aliased `s`: the scope's searches of people (vehicle-only searches left out). */
	where: string;
	/** The same scope with every search type (vehicle-only searches included). */
	anyType: string;
	/** The filter `where` adds to `anyType` to leave out vehicle-only searches (alias `s`); null when the data has no search type. */
	person: string | null;
	params: Param[];
	/** Filter on population_ethnicity aliased `p` (the denominator), or null when there is none. */
	popWhere: string | null;
	popParams: Param[];
	areaLabel: string;
	note: string;
	caveats: Caveat[];
	/** The month indexes of the period asked (null = open). */
	from: number | null;
	to: number | null;
}

const groupSql = (basis: EthnicityBasis) => (basis === 'self' ? selfGroupSql('s.self_defined_ethnicity') : officerGroupSql('s.officer_defined_ethnicity'));

const CELL_COLUMNS = { lsoa: 's.lsoa_code', h3_7: 's.h3_r7', h3_8: 's.h3_r8', h3_9: 's.h3_r9' } as const;

/** LSOA 2011 code of the force area → LAD 2023 code of the Census: by the same code, else by its 2019 authority's unchanged LSOAs. */
const LSOA11_LAD23_SQL = `(
	WITH pop_lsoa AS (SELECT DISTINCT lsoa21_code, lad_code FROM population_ethnicity),
	     lad_map AS (SELECT f.lad_code AS lad19, mode(p.lad_code) AS lad23 FROM force_area f JOIN pop_lsoa p ON p.lsoa21_code = f.area_code GROUP BY ALL)
	SELECT f.area_code AS lsoa11, coalesce(p.lad_code, m.lad23) AS lad23
	FROM force_area f LEFT JOIN pop_lsoa p ON p.lsoa21_code = f.area_code LEFT JOIN lad_map m ON m.lad19 = f.lad_code
	WHERE f.area_unit = 'lsoa')`;

async function has(runner: QueryRunner) {
	const ss = await tableExists(runner, 'stop_search');
	const pop = (await tableExists(runner, 'population_ethnicity')) && (await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM population_ethnicity`))[0].n > 0;
	const fa = await tableExists(runner, 'force_area');
	const flag = ss && (await hasColumn(runner, 'stop_search', 'in_force_area'));
	return { ss, pop, fa, flag };
}

async function forceName(runner: QueryRunner): Promise<string | null> {
	if (!(await tableExists(runner, 'force_area'))) return null;
	const r = await runner.rows<{ n: string | null }>(`SELECT any_value(force_name) AS n FROM force_area`);
	return r[0]?.n ?? null;
}

async function scopeSql(runner: QueryRunner, scope: StopSearchScope): Promise<ScopeSql> {
	if (scope.basis !== 'self' && scope.basis !== 'officer') throw new RangeError(`ethnicity basis must be 'self' or 'officer', got ${JSON.stringify(scope.basis)}`);
	const avail = await has(runner);
	const parts: string[] = [];
	const params: Param[] = [];
	const from = scope.from ? monthIndex(scope.from) : null;
	const to = scope.to ? monthIndex(scope.to) : null;
	if (from !== null && to !== null && from > to) throw new RangeError(`the period starts (${scope.from}) after it ends (${scope.to})`);
	if (from !== null) {
		parts.push('s.month_index >= ?');
		params.push(from);
	}
	if (to !== null) {
		parts.push('s.month_index <= ?');
		params.push(to);
	}
	const caveats: Caveat[] = [];
	const name = (await forceName(runner)) ?? 'the records';
	let popWhere: string | null = avail.pop ? 'true' : null;
	const popParams: Param[] = [];
	let areaLabel: string;
	let note: string;
	const area = scope.area;
	if (area.kind === 'force') {
		if (avail.flag && !area.includeOutside) parts.push('s.in_force_area IS DISTINCT FROM false');
		areaLabel = `${name} (force area)`;
		note = `Residents of the force area's local authorities (every LSOA 2021 of each, by the ONS LSOA21 → LAD23 lookup): the Home Office's denominator. ${
			area.includeOutside
				? 'Every search in the force\u2019s files is counted, wherever it was located (the Home Office count).'
				: 'Searches located outside the force area are not counted; searches with no location are (police.uk files them under the force that made them).'
		}`;
	} else if (area.kind === 'lad') {
		if (typeof area.code !== 'string' || area.code === '') throw new RangeError('a local authority code is needed');
		if (!avail.fa) throw new RangeError('the extract declares no force area, so its local authorities are not known');
		// Without Census rows, an LSOA's authority is the force area's own (2019 code).
		const lsoaLad = avail.pop ? LSOA11_LAD23_SQL : `(SELECT area_code AS lsoa11, lad_code AS lad23 FROM force_area WHERE area_unit = 'lsoa')`;
		parts.push(`s.lsoa_code IN (SELECT lsoa11 FROM ${lsoaLad} WHERE lad23 = ?)`);
		params.push(area.code);
		if (avail.flag) parts.push('s.in_force_area');
		popWhere = avail.pop ? 'p.lad_code = ?' : null;
		if (avail.pop) popParams.push(area.code);
		const ladName = avail.pop
			? ((await runner.rows<{ n: string }>(`SELECT any_value(lad_name) AS n FROM population_ethnicity WHERE lad_code = ?`, [area.code]))[0]?.n ?? area.code)
			: area.code;
		areaLabel = `${ladName} (local authority ${area.code})`;
		note =
			'Residents of every LSOA 2021 of the authority (ONS LSOA21 → LAD23 lookup). Searches are placed by the LSOA 2011 containing their point; an LSOA 2011 belongs to the authority of the same LSOA 2021 code, or of its 2019 authority.';
	} else if (area.kind === 'cells') {
		const col = CELL_COLUMNS[area.level];
		if (!col) throw new RangeError(`unknown cell level ${JSON.stringify(area.level)}`);
		const ids = [...new Set(area.ids)];
		parts.push(ids.length === 0 ? 'false' : `${col} IN (${placeholders(ids.length)})`);
		params.push(...ids);
		if (avail.flag) parts.push('s.in_force_area');
		if (area.level === 'lsoa') {
			popWhere = avail.pop ? (ids.length === 0 ? 'false' : `p.lsoa21_code IN (${placeholders(ids.length)})`) : null;
			popParams.push(...ids);
			areaLabel = `${ids.length} selected LSOA${ids.length === 1 ? '' : 's'}`;
			note =
				'Residents of the selected LSOAs whose 2011 code is unchanged in 2021 (a split or merged LSOA has new codes, and no ONS LSOA11 → LSOA21 lookup is used, so its residents are not counted: see the caveats).';
			if (avail.pop && ids.length > 0) {
				const found = new Set(
					(await runner.rows<{ c: string }>(`SELECT DISTINCT lsoa21_code AS c FROM population_ethnicity WHERE lsoa21_code IN (${placeholders(ids.length)})`, ids)).map((r) => r.c)
				);
				const missing = ids.filter((i) => !found.has(i));
				if (missing.length > 0) {
					caveats.push({
						code: 'geography-mismatch',
						severity: 'warning',
						text: `${missing.length} of the ${ids.length} selected LSOAs (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}) have no Census 2021 residents under the same code: they were split or merged in 2021, or lie outside the force area's authorities. Their searches are counted but their residents are not, so rates here are too high.`
					});
				}
			}
		} else {
			popWhere = null;
			areaLabel = `${ids.length} selected H3 cell${ids.length === 1 ? '' : 's'} (resolution ${area.level.slice(3)})`;
			note = 'H3 cells do not follow Census areas, so there is no resident count for them: counts, shares, find and arrest rates only.';
			caveats.push({ code: 'no-denominator', severity: 'warning', text: 'Map cells do not follow Census areas, so searches per 1,000 residents cannot be given for them; the counts, find and arrest rates can.' });
		}
	} else {
		throw new RangeError(`unknown area kind ${JSON.stringify((area as { kind: unknown }).kind)}`);
	}
	if (area.kind !== 'force' && !(avail.ss && (await hasColumn(runner, 'stop_search', 'lsoa_code')))) {
		throw new RangeError('stop_search has no lsoa_code column: an authority or LSOA selection needs an extract built with boundaries');
	}
	if (!avail.pop && !caveats.some((c) => c.code === 'no-denominator')) {
		caveats.push({
			code: 'no-denominator',
			severity: 'warning',
			text: 'No Census 2021 residents by ethnic group are loaded (the extract has no population_ethnicity rows: no force area of local authorities, or no Census files when it was built), so rates per 1,000 residents and ratios cannot be given.'
		});
	}
	const anyType = parts.length ? parts.join(' AND ') : 'true';
	// A vehicle-only search searched no person: it has no person's ethnicity, so it is in no figure by group (nor "Not recorded").
	const person = avail.ss && (await hasColumn(runner, 'stop_search', 'search_type')) ? `s.search_type IS DISTINCT FROM ${literal(VEHICLE_ONLY_TYPE)}` : null;
	return { where: person ? `${anyType} AND ${person}` : anyType, anyType, person, params, popWhere, popParams, areaLabel, note, caveats, from, to };
}

/** Rows the scope counts, and the records it leaves out, for caveats. */
async function exclusions(runner: QueryRunner, scope: StopSearchScope, sql: ScopeSql): Promise<Caveat[]> {
	const caveats: Caveat[] = [];
	const period: string[] = [];
	const pp: Param[] = [];
	if (sql.from !== null) {
		period.push('month_index >= ?');
		pp.push(sql.from);
	}
	if (sql.to !== null) {
		period.push('month_index <= ?');
		pp.push(sql.to);
	}
	if (sql.person) period.push(sql.person);
	const where = period.length ? period.join(' AND ') : 'true';
	if (!(await hasColumn(runner, 'stop_search', 'in_force_area'))) return caveats;
	const [r] = await runner.rows<{ outside: number; unlocated: number; unplaced: number }>(
		`SELECT count(*) FILTER (WHERE in_force_area = false)::INTEGER AS outside, count(*) FILTER (WHERE in_force_area IS NULL)::INTEGER AS unlocated,
		        count(*) FILTER (WHERE in_force_area IS NULL AND longitude IS NOT NULL)::INTEGER AS unplaced FROM stop_search s WHERE ${where}`,
		pp
	);
	if (scope.area.kind === 'force' && !scope.area.includeOutside && r.unplaced > 0) {
		caveats.push({
			code: 'unplaced-counted',
			severity: 'warning',
			text: `${r.unplaced.toLocaleString('en-GB')} searches have a location that could not be placed inside or outside the force area (no boundaries for it were given when the data was built), so they are counted; some may lie outside it.`
		});
	}
	if (scope.area.kind === 'force' && !scope.area.includeOutside && r.outside > 0) {
		caveats.push({
			code: 'outside-excluded',
			severity: 'info',
			text: `${r.outside.toLocaleString('en-GB')} searches in this period were located outside the force area and are not counted here. The Home Office counts every search a force made, wherever it was.`
		});
	}
	if (scope.area.kind !== 'force' && r.unlocated > 0) {
		caveats.push({
			code: 'unlocated-excluded',
			severity: 'warning',
			text: `${r.unlocated.toLocaleString('en-GB')} searches in this period have no location, so they cannot be placed in an authority or a map area and are not counted here (they are in the force-area figures).`
		});
	}
	return caveats;
}

// ---------------------------------------------------------------------------------------------
// Disproportionality

interface GroupCounts {
	grp: GroupOrUnknown;
	searches: number;
	finds: number;
	arrests: number;
	nfa: number;
}

const countsSql = (basis: EthnicityBasis, where: string) =>
	`SELECT ${groupSql(basis)} AS grp, count(*)::INTEGER AS searches, count(*) FILTER (WHERE s.outcome_linked)::INTEGER AS finds,
	        count(*) FILTER (WHERE s.outcome IN ${literalList(ARREST_OUTCOMES)})::INTEGER AS arrests,
	        count(*) FILTER (WHERE s.outcome IN ${literalList(NO_FURTHER_ACTION_OUTCOMES)})::INTEGER AS nfa
	 FROM stop_search s WHERE ${where} GROUP BY ALL`;

function proportion(x: number, n: number): Proportion {
	const ci = wilson(x, n);
	return { numerator: x, denominator: n, rate: n > 0 ? x / n : null, lo95: ci?.lo ?? null, hi95: ci?.hi ?? null };
}

/**
 * Searches per 1,000 residents for each of the five Census 2021 groups, the ratio of each group's
 * rate to White's with the Katz log risk-ratio 95% interval, and find and arrest rates (as shares
 * of the group's searches) with Wilson 95% intervals; searches with no recorded ethnicity on the
 * chosen basis are counted apart (`notRecorded`) and never in a group. Rates are per 1,000
 * residents over the whole period (not per year); ratios need both groups to have residents and
 * White to have searches (else null, with `ratioNote`). Caveats are computed (README "Caveats").
 * @throws RangeError for an unknown basis, area kind or cell level, or a period that ends before it starts.
 */
export async function disproportionality(runner: QueryRunner, scope: StopSearchScope): Promise<DisproportionalityResult> {
	const sql = await scopeSql(runner, scope);
	const counts = (await tableExists(runner, 'stop_search')) ? await runner.rows<GroupCounts & Record<string, string | number>>(countsSql(scope.basis, sql.where), sql.params) : [];
	const by = new Map(counts.map((c) => [c.grp, c]));
	// The months covered: the period asked within the data's months (not the first and last month with a search in the area).
	const [data] = (await tableExists(runner, 'stop_search'))
		? await runner.rows<{ a: string | null; b: string | null }>(`SELECT min(month) AS a, max(month) AS b FROM stop_search`)
		: [{ a: null, b: null }];
	const period = { a: data.a && scope.from && scope.from > data.a ? scope.from : data.a, b: data.b && scope.to && scope.to < data.b ? scope.to : data.b };
	const vehicleOnly = sql.person
		? (await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM stop_search s WHERE ${sql.anyType} AND NOT (${sql.person})`, sql.params))[0].n
		: 0;
	const residents = new Map<string, number>();
	let lsoa21Count = 0;
	let ladCodes: string[] = [];
	if (sql.popWhere !== null) {
		const pop = await runner.rows<{ g: string; n: number }>(
			`SELECT ethnic_group AS g, sum(residents)::BIGINT AS n FROM population_ethnicity p WHERE ${sql.popWhere} GROUP BY ALL`,
			sql.popParams
		);
		for (const r of pop) residents.set(r.g, r.n);
		const [meta] = await runner.rows<{ l: number; lads: string | null }>(
			`SELECT count(DISTINCT lsoa21_code)::INTEGER AS l, string_agg(DISTINCT lad_code, ',' ORDER BY lad_code) AS lads FROM population_ethnicity p WHERE ${sql.popWhere}`,
			sql.popParams
		);
		lsoa21Count = meta.l;
		ladCodes = scope.area.kind === 'cells' ? [] : (meta.lads?.split(',') ?? []);
	}
	const hasPop = sql.popWhere !== null;
	// police.uk's officer-defined ethnicity may have no "Mixed" at all (officers record four or five groups): then
	// Mixed residents have no matching searches, and the ratio would read as 0 when it is unknown.
	const officerNoMixed =
		scope.basis === 'officer' &&
		(await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM stop_search WHERE trim(officer_defined_ethnicity) = 'Mixed'`))[0].n === 0;
	const white = by.get('White');
	const whiteRes = hasPop ? (residents.get('White') ?? 0) : null;
	const rows: DisproportionalityRow[] = ETHNIC_GROUPS.map((group) => {
		const c = by.get(group) ?? { searches: 0, finds: 0, arrests: 0, nfa: 0 };
		const res = hasPop ? (residents.get(group) ?? 0) : null;
		const rate = res ? (c.searches / res) * RATE_PER : null;
		const k =
			group === 'Mixed' && officerNoMixed
				? ({ ratio: null, lo: null, hi: null, note: 'officers record no "Mixed" group in these data, so Mixed residents have no matching searches' } as const)
				: group === 'White'
				? rate !== null && c.searches > 0
					? ({ ratio: 1, lo: null, hi: null, note: 'the reference group' } as const)
					: ({ ratio: null, lo: null, hi: null, note: 'the reference group has no searches or residents' } as const)
				: katzRatio(c.searches, res, white?.searches ?? 0, whiteRes);
		const find = proportion(c.finds, c.searches);
		const arrest = proportion(c.arrests, c.searches);
		const nfa = proportion(c.nfa, c.searches);
		return {
			group,
			searches: c.searches,
			residents: res,
			ratePer1000: group === 'Mixed' && officerNoMixed ? null : rate,
			ratioVsWhite: k.ratio,
			ratioLo95: k.lo,
			ratioHi95: k.hi,
			ratioNote: k.note,
			finds: c.finds,
			findRate: find.rate,
			findLo95: find.lo95,
			findHi95: find.hi95,
			arrests: c.arrests,
			arrestRate: arrest.rate,
			arrestLo95: arrest.lo95,
			arrestHi95: arrest.hi95,
			noFurtherAction: c.nfa,
			nfaRate: nfa.rate,
			nfaLo95: nfa.lo95,
			nfaHi95: nfa.hi95
		};
	});
	const nr = by.get(NOT_RECORDED) ?? { searches: 0, finds: 0, arrests: 0, nfa: 0 };
	const total = counts.reduce((t, c) => t + c.searches, 0);
	const totalRes = hasPop ? [...residents.values()].reduce((a, b) => a + b, 0) : null;
	const result: DisproportionalityResult = {
		scope,
		period: period.a && period.b && period.a <= period.b ? { from: period.a, to: period.b } : null,
		areaLabel: sql.areaLabel,
		rows,
		notRecorded: { searches: nr.searches, share: total > 0 ? nr.searches / total : null, finds: nr.finds, arrests: nr.arrests, noFurtherAction: nr.nfa },
		totalSearches: total,
		vehicleOnly,
		ratioWithheld: null,
		denominator: { source: hasPop ? CENSUS_SOURCE : 'none', residents: totalRes, lsoa21Count, ladCodes, note: sql.note },
		caveats: []
	};
	const unfit = residentsUnfit(result);
	if (unfit.length > 0) {
		result.ratioWithheld = `No ratio against White is given as a headline here: ${unfit.join('; ')}. Most people searched here are probably not residents but people who work in, visit or pass through the area, whom the Census does not count, so comparing each group's searches with its residents says little about how often people of that group are searched. The ratios stay in the table for reference only; the find and arrest rates, which do not depend on residents, are the fairer comparison.`;
	}
	const vehicleCaveat: Caveat[] =
		vehicleOnly > 0
			? [
					{
						code: 'vehicle-only',
						severity: 'info',
						text: `${vehicleOnly.toLocaleString('en-GB')} ${vehicleOnly === 1 ? 'search was' : 'searches were'} of a vehicle only, with no person searched: ${vehicleOnly === 1 ? 'it has' : 'they have'} no person's ethnicity, so ${vehicleOnly === 1 ? 'it is' : 'they are'} left out of every figure by ethnic group here, and not counted as searches with no recorded ethnicity.`
					}
				]
			: [];
	result.caveats = [...sql.caveats, ...computeCaveats(result, { officerNoMixed }), ...vehicleCaveat, ...(await exclusions(runner, scope, sql))];
	return result;
}

/** Months spanned by a period (inclusive). */
function monthsIn(p: { from: string; to: string }): number {
	return monthIndex(p.to) - monthIndex(p.from) + 1;
}

const fmtNumber = (x: number, d = 0) => x.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });

/**
 * Why residents are an unfit denominator for these searches (README "Caveats", `poor-denominator`),
 * each reason a clause in plain English; empty when they are fit or unknown. Reasons: fewer than
 * `minResidents` residents, more than `maxAnnualRatePer1000` searches a year per 1,000 residents
 * (all groups, over the months of `period`), a group searched at least as many times as it has residents.
 */
export function residentsUnfit(r: Pick<DisproportionalityResult, 'rows' | 'totalSearches' | 'denominator' | 'period'>): string[] {
	const t = CAVEAT_THRESHOLDS;
	const res = r.denominator.residents;
	if (res === null || res <= 0 || !r.period) return [];
	const annual = ((r.totalSearches / res) * RATE_PER * 12) / monthsIn(r.period);
	const over = r.rows.filter((g) => g.residents !== null && g.searches >= g.residents && g.searches > 0);
	const reasons: string[] = [];
	if (res < t.minResidents) reasons.push(`only ${fmtNumber(res)} people live here (fewer than ${fmtNumber(t.minResidents)})`);
	if (annual > t.maxAnnualRatePer1000) reasons.push(`there were ${fmtNumber(annual, 1)} searches a year per 1,000 residents (more than ${t.maxAnnualRatePer1000})`);
	if (over.length > 0) reasons.push(`${over.map((g) => g.group).join(', ')} people were searched at least as many times as there are ${over.length === 1 ? 'such residents' : 'residents of those groups'}`);
	return reasons;
}

/** The caveats a disproportionality result carries, from its own figures and CAVEAT_THRESHOLDS. */
export function computeCaveats(
	r: Pick<DisproportionalityResult, 'rows' | 'notRecorded' | 'totalSearches' | 'denominator' | 'period' | 'scope'>,
	flags: { officerNoMixed?: boolean } = {}
): Caveat[] {
	const out: Caveat[] = [];
	if (flags.officerNoMixed) {
		out.push({
			code: 'officer-no-mixed',
			severity: 'warning',
			text: 'Officers recorded no one as "Mixed" in these data (officer-defined ethnicity has no Mixed group here), so people of Mixed ethnicity are counted under the other groups: by officer-defined ethnicity, those groups\' rates are inflated and Mixed has no rate. Self-defined ethnicity avoids this.'
		});
	}
	const t = CAVEAT_THRESHOLDS;
	const fmt = fmtNumber;
	const res = r.denominator.residents;
	if (res !== null && res > 0 && r.period) {
		const reasons = residentsUnfit(r);
		if (reasons.length > 0) {
			out.push({
				code: 'poor-denominator',
				severity: 'serious',
				text: `Residents are a poor denominator here: ${reasons.join('; ')}. Most people searched are probably visitors, commuters or people passing through, whose ethnic make-up the Census does not measure. Rates per 1,000 residents and ratios against White describe the resident population only and may mislead; compare find rates instead.`
			});
		}
	} else if (res === 0) {
		out.push({ code: 'no-denominator', severity: 'warning', text: 'The area has no Census 2021 residents in the data, so no rates per 1,000 residents can be given.' });
	}
	const small = r.rows.filter((g) => g.searches < t.smallCount && !(flags.officerNoMixed && g.group === 'Mixed'));
	if (small.length > 0 && r.totalSearches > 0) {
		out.push({
			code: 'small-counts',
			severity: 'warning',
			text: `Fewer than ${t.smallCount} searches for ${small.map((g) => `${g.group} (${g.searches})`).join(', ')}: their rates, ratios and find rates rest on a handful of searches and can change a lot with a few more; read the intervals.`
		});
	}
	if (r.notRecorded.searches > 0 && r.notRecorded.share !== null) {
		const pct = fmt(r.notRecorded.share * 100, 1);
		out.push({
			code: 'unknown-ethnicity',
			severity: r.notRecorded.share >= t.unknownShareWarning ? 'warning' : 'info',
			text: `${fmt(r.notRecorded.searches)} searches (${pct}%) have no recorded ${r.scope.basis === 'self' ? 'self-defined ethnicity (including "Not stated")' : 'officer-defined ethnicity'}; they are in no group's rate, so every group's rate is a lower bound.`
		});
	}
	const white = r.rows.find((g) => g.group === 'White');
	if (white && white.searches === 0 && r.totalSearches > 0) {
		out.push({ code: 'zero-white', severity: 'warning', text: 'No White people were searched in this selection, so no ratio against White can be given.' });
	}
	if (r.period && res !== null) {
		const y0 = Number(r.period.from.slice(0, 4));
		const y1 = Number(r.period.to.slice(0, 4));
		if (y1 < 2020 || y0 > 2022) {
			out.push({
				code: 'denominator-date',
				severity: 'info',
				text: `Residents are counted at Census day, 21 March 2021; the searches are from ${monthWords(r.period.from)} to ${monthWords(r.period.to)}. The population may have changed in between.`
			});
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Agreement of self- and officer-defined ethnicity

/**
 * Searches by self-defined group (mapped to the five) × officer-defined group, and the share,
 * among searches with both recorded, where they differ (Wilson interval). The basis of `scope` is
 * not used. "Not recorded" includes "Other ethnic group - Not stated".
 */
export async function ethnicityAgreement(runner: QueryRunner, scope: Omit<StopSearchScope, 'basis'> & { basis?: EthnicityBasis }): Promise<EthnicityAgreement> {
	const sql = await scopeSql(runner, { ...scope, basis: scope.basis ?? 'self' });
	const cells = await runner.rows<{ self: GroupOrUnknown; officer: GroupOrUnknown; searches: number }>(
		`SELECT ${selfGroupSql('s.self_defined_ethnicity')} AS self, ${officerGroupSql('s.officer_defined_ethnicity')} AS officer, count(*)::INTEGER AS searches
		 FROM stop_search s WHERE ${sql.where} GROUP BY ALL ORDER BY self, officer`,
		sql.params
	);
	const both = cells.filter((c) => c.self !== NOT_RECORDED && c.officer !== NOT_RECORDED);
	const bothRecorded = both.reduce((t, c) => t + c.searches, 0);
	const disagree = both.filter((c) => c.self !== c.officer).reduce((t, c) => t + c.searches, 0);
	const total = cells.reduce((t, c) => t + c.searches, 0);
	const caveats: Caveat[] = [];
	if (total > bothRecorded) {
		caveats.push({
			code: 'unknown-ethnicity',
			severity: total - bothRecorded >= CAVEAT_THRESHOLDS.unknownShareWarning * total ? 'warning' : 'info',
			text: `${(total - bothRecorded).toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} searches lack one of the two ethnicities, so agreement is measured on the other ${bothRecorded.toLocaleString('en-GB')}.`
		});
	}
	if (bothRecorded > 0 && bothRecorded < CAVEAT_THRESHOLDS.smallCount) {
		caveats.push({ code: 'small-counts', severity: 'warning', text: `Only ${bothRecorded} searches have both ethnicities recorded.` });
	}
	return { cells, bothRecorded, disagree, disagreeShare: proportion(disagree, bothRecorded), caveats };
}

// ---------------------------------------------------------------------------------------------
// Splits

const SPLIT_SQL: Record<SplitBy, string> = {
	legislation: 's.legislation',
	object_of_search: 's.object_of_search',
	age_range: 's.age_range',
	gender: 's.gender',
	month: 's.month'
};

function splitValueSql(by: SplitBy): string {
	const col = SPLIT_SQL[by];
	if (!col) throw new RangeError(`unknown split ${JSON.stringify(by)}`);
	return `coalesce(nullif(trim(${col}), ''), ${`'${NOT_RECORDED}'`})`;
}

/**
 * Searches, finds (Wilson interval) and arrests per value of `by` × ethnic group (the scope's
 * basis, "Not recorded" included). Empty values are "Not recorded". Sorted by value, then group.
 */
export async function stopSearchSplits(runner: QueryRunner, scope: StopSearchScope, by: SplitBy): Promise<SplitResult> {
	const sql = await scopeSql(runner, scope);
	const rows = await runner.rows<{ value: string; grp: GroupOrUnknown; searches: number; finds: number; arrests: number }>(
		`SELECT ${splitValueSql(by)} AS value, ${groupSql(scope.basis)} AS grp, count(*)::INTEGER AS searches,
		        count(*) FILTER (WHERE s.outcome_linked)::INTEGER AS finds, count(*) FILTER (WHERE s.outcome IN ${literalList(ARREST_OUTCOMES)})::INTEGER AS arrests
		 FROM stop_search s WHERE ${sql.where} GROUP BY ALL`,
		sql.params
	);
	const order = [...ETHNIC_GROUPS, NOT_RECORDED] as string[];
	rows.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : order.indexOf(a.grp) - order.indexOf(b.grp)));
	const out: SplitRow[] = rows.map((r) => {
		const p = proportion(r.finds, r.searches);
		return { value: r.value, group: r.grp, searches: r.searches, finds: r.finds, findRate: p.rate, findLo95: p.lo95, findHi95: p.hi95, arrests: r.arrests };
	});
	const caveats: Caveat[] = [];
	const small = out.filter((r) => r.searches < CAVEAT_THRESHOLDS.smallCount).length;
	if (small > 0) {
		caveats.push({
			code: 'small-counts',
			severity: 'info',
			text: `${small} of the ${out.length} rows have fewer than ${CAVEAT_THRESHOLDS.smallCount} searches: their find rates have wide intervals.`
		});
	}
	return { by, rows: out, caveats };
}

// ---------------------------------------------------------------------------------------------
// Possession-only drug searches

/**
 * Drug searches (Misuse of Drugs Act s23, or object "Controlled drugs"), those that found what was
 * searched for (outcome linked), and those whose linked outcome is a possession-level disposal
 * (POSSESSION_OUTCOMES), per group and in all; shares with Wilson intervals.
 */
export async function drugPossessionOnly(runner: QueryRunner, scope: StopSearchScope): Promise<DrugPossessionResult> {
	const sql = await scopeSql(runner, scope);
	const counts = await runner.rows<{ grp: GroupOrUnknown; drug: number; finds: number; poss: number }>(
		`SELECT ${groupSql(scope.basis)} AS grp, count(*)::INTEGER AS drug, count(*) FILTER (WHERE s.outcome_linked)::INTEGER AS finds,
		        count(*) FILTER (WHERE s.outcome_linked AND s.outcome IN ${literalList(POSSESSION_OUTCOMES)})::INTEGER AS poss
		 FROM stop_search s WHERE ${sql.where} AND ${DRUG_SEARCH_SQL} GROUP BY ALL`,
		sql.params
	);
	const row = (group: DrugPossessionRow['group'], drug: number, finds: number, poss: number): DrugPossessionRow => ({
		group,
		drugSearches: drug,
		finds,
		possessionOnly: poss,
		share: proportion(poss, drug),
		shareOfFinds: proportion(poss, finds)
	});
	const by = new Map(counts.map((c) => [c.grp, c]));
	const rows = [...ETHNIC_GROUPS, NOT_RECORDED].map((g) => {
		const c = by.get(g as GroupOrUnknown);
		return row(g as GroupOrUnknown, c?.drug ?? 0, c?.finds ?? 0, c?.poss ?? 0);
	});
	const sum = (k: 'drug' | 'finds' | 'poss') => counts.reduce((t, c) => t + c[k], 0);
	rows.push(row('All', sum('drug'), sum('finds'), sum('poss')));
	const rule = `A drug search is one under the Misuse of Drugs Act 1971 (s23) or for "Controlled drugs". It found only possession when its outcome is linked to the object of search and is a possession-level disposal: ${POSSESSION_OUTCOMES.join(', ')}. police.uk records no offence, so arrests, summonses and cautions (which may be for possession or supply) are not counted: the share is a lower bound.`;
	const caveats: Caveat[] = [];
	const [other] = await runner.rows<{ n: number }>(
		`SELECT count(*)::INTEGER AS n FROM stop_search s WHERE ${sql.where} AND ${DRUG_SEARCH_SQL} AND s.outcome_linked AND s.outcome NOT IN ${literalList(POSSESSION_OUTCOMES)}`,
		sql.params
	);
	if (other.n > 0) {
		caveats.push({
			code: 'small-counts',
			severity: 'info',
			text: `${other.n.toLocaleString('en-GB')} drug searches found what was searched for but ended in another outcome (arrest, summons, caution …); police.uk does not say whether for possession or supply, so they are not counted as possession only.`
		});
	}
	return { rows, rule, caveats };
}

// ---------------------------------------------------------------------------------------------
// Records

/**
 * The search records behind a figure, with their source file and line: the scope, optionally one
 * group (on the scope's basis), one value of a split, and only finds, arrests or possession-only
 * drug searches. Ordered by time, then file and line; `limit` 1–10,000 and `offset` ≥ 0.
 */
export async function stopSearchRecords(runner: QueryRunner, scope: StopSearchScope, query: RecordQuery): Promise<RecordPage> {
	const sql = await scopeSql(runner, scope);
	const parts = [sql.where];
	const params = [...sql.params];
	if (query.group !== undefined) {
		parts.push(`${groupSql(scope.basis)} = ?`);
		params.push(query.group);
	}
	if (query.split) {
		parts.push(`${splitValueSql(query.split.by)} = ?`);
		params.push(query.split.value);
	}
	if (query.only === 'finds') parts.push('s.outcome_linked');
	else if (query.only === 'arrests') parts.push(`s.outcome IN ${literalList(ARREST_OUTCOMES)}`);
	else if (query.only === 'drug-possession') parts.push(`${DRUG_SEARCH_SQL} AND s.outcome_linked AND s.outcome IN ${literalList(POSSESSION_OUTCOMES)}`);
	if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 10_000) throw new RangeError(`limit must be an integer 1–10000, got ${query.limit}`);
	if (!Number.isInteger(query.offset) || query.offset < 0) throw new RangeError(`offset must be a non-negative integer, got ${query.offset}`);
	const where = parts.join(' AND ');
	const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM stop_search s WHERE ${where}`, params);
	const flag = (await hasColumn(runner, 'stop_search', 'in_force_area')) ? 's.in_force_area' : 'CAST(NULL AS BOOLEAN)';
	const lsoa = (await hasColumn(runner, 'stop_search', 'lsoa_code')) ? 's.lsoa_code' : 'CAST(NULL AS VARCHAR)';
	const rows = await runner.rows<StopSearchRecord & Record<string, string | number | boolean | null>>(
		`SELECT s.source_file, s.source_line, s.occurred_at, s.month, ${groupSql(scope.basis)} AS "group", s.self_defined_ethnicity, s.officer_defined_ethnicity,
		        s.gender, s.age_range, s.legislation, s.object_of_search, s.outcome, s.outcome_linked, ${lsoa} AS lsoa_code, ${flag} AS in_force_area
		 FROM stop_search s WHERE ${where} ORDER BY s.occurred_at, s.source_file, s.source_line LIMIT ? OFFSET ?`,
		[...params, query.limit, query.offset]
	);
	return { total: n, rows };
}

// ---------------------------------------------------------------------------------------------
// Coverage

/** Months, authorities and denominators the data offers (for pickers and empty states). */
export async function stopSearchCoverage(runner: QueryRunner): Promise<StopSearchCoverage> {
	const avail = await has(runner);
	const [m] = avail.ss
		? await runner.rows<{ a: string | null; b: string | null; n: number }>(`SELECT min(month) AS a, max(month) AS b, count(*)::INTEGER AS n FROM stop_search`)
		: [{ a: null, b: null, n: 0 }];
	const authorities = avail.pop
		? await runner.rows<{ code: string; name: string; residents: number }>(
				`SELECT lad_code AS code, any_value(lad_name) AS name, sum(residents)::BIGINT AS residents FROM population_ethnicity GROUP BY ALL ORDER BY name`
			)
		: [];
	const hasLsoa = avail.ss && (await hasColumn(runner, 'stop_search', 'lsoa_code'))
		? (await runner.rows<{ n: number }>(`SELECT count(lsoa_code)::INTEGER AS n FROM stop_search`))[0].n > 0
		: false;
	return { first: m.a, last: m.b, searches: m.n, forceName: await forceName(runner), authorities, hasPopulation: avail.pop, hasLsoa };
}

// ---------------------------------------------------------------------------------------------
// Community impact of the THR ranking

/**
 * Residents by group in the flagged LSOAs (2011 codes, as the THR ranking names them) against the
 * whole force area, and searches (the scope's basis and period) located in flagged LSOAs against
 * those located elsewhere in the force area, per 1,000 residents of each group.
 *
 * Census LSOAs are 2021 codes: a flagged code unchanged in 2021 matches; a flagged code that was
 * split or merged has no Census row and is listed in `unmatchedLsoa`, its residents uncounted and
 * its searches left out of both sides. "Elsewhere" is likewise the force area's LSOAs with codes
 * unchanged in 2021, so both rates have matching numerators and denominators. Searches with no
 * location are in neither.
 */
export async function flaggedAreaComposition(
	runner: QueryRunner,
	flaggedLsoa11: readonly string[],
	scope: Pick<StopSearchScope, 'from' | 'to' | 'basis'>
): Promise<FlaggedComposition> {
	const flagged = [...new Set(flaggedLsoa11)];
	const sql = await scopeSql(runner, { ...scope, area: { kind: 'force' } });
	const avail = await has(runner);
	const caveats: Caveat[] = sql.caveats.filter((c) => c.code === 'no-denominator');
	// The flagged codes are bound values (no shared temporary table: two calls may overlap on one connection).
	const inFlagged = (column: string) => inList(column, flagged, 'none');
	const popLsoas = avail.pop ? 'SELECT DISTINCT lsoa21_code FROM population_ethnicity' : 'SELECT NULL::VARCHAR AS lsoa21_code WHERE false';
	const flaggedPop = inFlagged('lsoa21_code');
	const matched = avail.pop
		? (await runner.rows<{ code: string }>(`SELECT DISTINCT lsoa21_code AS code FROM population_ethnicity WHERE ${flaggedPop.sql} ORDER BY code`, flaggedPop.params)).map((r) => r.code)
		: [];
	const matchedSet = new Set(matched);
	const unmatchedLsoa = flagged.filter((c) => !matchedSet.has(c)).sort();
	const pop = avail.pop
		? await runner.rows<{ g: EthnicGroup; flagged: number; force: number; elsewhere: number }>(
				`SELECT ethnic_group AS g, sum(residents) FILTER (WHERE ${flaggedPop.sql})::BIGINT AS flagged,
				        sum(residents)::BIGINT AS force,
				        sum(residents) FILTER (WHERE NOT (${flaggedPop.sql}) AND lsoa21_code IN (SELECT area_code FROM force_area))::BIGINT AS elsewhere
				 FROM population_ethnicity GROUP BY ALL`,
				[...flaggedPop.params, ...flaggedPop.params]
			)
		: [];
	const inForce = (await hasColumn(runner, 'stop_search', 'in_force_area')) ? 's.in_force_area' : 's.lsoa_code IS NOT NULL';
	const searches = (await hasColumn(runner, 'stop_search', 'lsoa_code'))
		? await runner.rows<{ g: GroupOrUnknown; inside: number; elsewhere: number }>(
				`SELECT ${groupSql(scope.basis)} AS g,
				        count(*) FILTER (WHERE ${inFlagged('s.lsoa_code').sql} AND s.lsoa_code IN (${popLsoas}))::INTEGER AS inside,
				        count(*) FILTER (WHERE NOT (${inFlagged('s.lsoa_code').sql}) AND s.lsoa_code IN (${popLsoas}))::INTEGER AS elsewhere
				 FROM stop_search s WHERE ${sql.where} AND ${inForce} GROUP BY ALL`,
				[...flaggedPop.params, ...flaggedPop.params, ...sql.params]
			)
		: [];
	const p = new Map(pop.map((r) => [r.g, r]));
	const s = new Map(searches.map((r) => [r.g, r]));
	const flaggedResidents = pop.reduce((t, r) => t + (r.flagged ?? 0), 0);
	const forceResidents = avail.pop ? pop.reduce((t, r) => t + (r.force ?? 0), 0) : null;
	const rows: CompositionRow[] = ETHNIC_GROUPS.map((g) => {
		const fr = p.get(g)?.flagged ?? 0;
		const all = p.get(g)?.force ?? 0;
		const els = p.get(g)?.elsewhere ?? 0;
		const si = s.get(g)?.inside ?? 0;
		const se = s.get(g)?.elsewhere ?? 0;
		return {
			group: g,
			flaggedResidents: fr,
			flaggedShare: flaggedResidents > 0 ? fr / flaggedResidents : null,
			forceResidents: all,
			forceShare: forceResidents ? all / forceResidents : null,
			searchesInFlagged: si,
			ratePer1000InFlagged: fr > 0 ? (si / fr) * RATE_PER : null,
			searchesElsewhere: se,
			ratePer1000Elsewhere: els > 0 ? (se / els) * RATE_PER : null
		};
	});
	if (unmatchedLsoa.length > 0) {
		caveats.push({
			code: 'geography-mismatch',
			severity: 'warning',
			text: `${unmatchedLsoa.length} of the ${flagged.length} flagged LSOAs (2011 codes) have no Census 2021 LSOA of the same code (split or merged in 2021, or outside the force area's authorities): their residents and searches are left out.`
		});
	}
	// As on the Stop and search page: where a group's searches reach its residents, most people searched cannot be residents.
	const over = (where: string, n: (r: CompositionRow) => number, residents: (r: CompositionRow) => number) => {
		const groups = rows.filter((r) => n(r) > 0 && n(r) >= residents(r));
		return groups.length === 0 ? null : `${where}, ${groups.map((r) => `${r.group} people (${n(r).toLocaleString('en-GB')} searches, ${residents(r).toLocaleString('en-GB')} residents)`).join(', ')}`;
	};
	const reached = [
		over('in the flagged areas', (r) => r.searchesInFlagged, (r) => r.flaggedResidents),
		over('elsewhere in the force area', (r) => r.searchesElsewhere, (r) => r.forceResidents - r.flaggedResidents)
	].filter((x): x is string => x !== null);
	if (reached.length > 0) {
		caveats.push({
			code: 'poor-denominator',
			severity: 'serious',
			text: `Searches reach or pass the residents of a group ${reached.join('; and ')}: most people searched there probably do not live there, so these rates per 1,000 residents describe no real population and must not be read as how often residents are searched.`
		});
	}
	if (flaggedResidents > 0 && flaggedResidents < CAVEAT_THRESHOLDS.minResidents) {
		caveats.push({
			code: 'small-counts',
			severity: 'info',
			text: `The flagged areas have ${flaggedResidents.toLocaleString('en-GB')} residents; group shares of small populations move with a few people (and ONS perturbs small counts).`
		});
	}
	return { rows, flaggedLsoa11: flagged.length, matchedLsoa: matched.length, unmatchedLsoa, flaggedResidents, forceResidents, caveats };
}
