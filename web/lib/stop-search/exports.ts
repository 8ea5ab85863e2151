/**
 * CSV text of each Stop and search figure: the same numbers as its table, unrounded, with the
 * scope in the first columns so a file read on its own still says what it covers. Cells that a
 * spreadsheet would run as a formula are neutralised by toCsv (analytics/export/csv.ts). Pure.
 */
import { toCsv } from '$analytics/export/csv';
import type { Row } from '$analytics/runner';
import type {
	DisproportionalityResult,
	DrugPossessionResult,
	EthnicityAgreement,
	EthnicityBasis,
	RecordPage,
	SplitResult
} from '$analytics/stop-search/types';
import { RATE_DETAIL_COLUMNS, rateTableRows } from '$analytics/stop-search/rates-table';
import { monthsIn } from '$analytics/compare/periods';
import { attributionText, captionLines, periodText, type AttributionEntry } from '../briefing/captions';
import { BASIS_LABELS } from './url';

/**
 * The caption lines of a Stop and search chart's PNG, as the Map and Time charts carry
 * (web/lib/briefing/captions.ts): title and place; area and period (the months with searches in
 * the scope); the ethnicity basis; the sources and licences.
 */
export function stopSearchCaption(c: {
	title: string;
	place: string;
	areaLabel: string;
	period: { from: string; to: string } | null;
	basis: EthnicityBasis;
	attribution: readonly AttributionEntry[];
}): string[] {
	const period = c.period;
	return captionLines({
		title: `${c.title}: ${c.place}`,
		subject: `Stop and search, ${c.areaLabel}`,
		period: period ? periodText(period, monthsIn(period)) : 'no searches in the months chosen',
		categories: `Ethnicity: ${BASIS_LABELS[c.basis].toLowerCase()}`,
		attribution: attributionText(c.attribution)
	});
}

/** Columns of the rates table: the scope, then the publication columns of `npm run stop-search` and their detail (analytics/stop-search/rates-table.ts). */
export const RATE_CSV_COLUMNS = ['area', 'from', 'to', 'basis', ...RATE_DETAIL_COLUMNS, 'denominator_source'] as const;

/** One row per ethnic group plus one for searches with no recorded ethnicity. */
export function ratesCsv(r: DisproportionalityResult): string {
	const scope = { area: r.areaLabel, from: r.period?.from ?? null, to: r.period?.to ?? null, basis: r.scope.basis, denominator_source: r.denominator.source };
	return toCsv(
		rateTableRows(r).map((row) => ({ ...scope, ...row })),
		RATE_CSV_COLUMNS
	);
}

export function agreementCsv(a: EthnicityAgreement): string {
	return toCsv(
		a.cells.map((c) => ({ self_defined_group: c.self, officer_defined_group: c.officer, searches: c.searches, agree: c.self === c.officer })),
		['self_defined_group', 'officer_defined_group', 'searches', 'agree']
	);
}

export function splitCsv(s: SplitResult): string {
	return toCsv(
		s.rows.map((r) => ({ [s.by]: r.value, group: r.group, searches: r.searches, finds: r.finds, find_rate: r.findRate, find_rate_lo95: r.findLo95, find_rate_hi95: r.findHi95, arrests: r.arrests })),
		[s.by, 'group', 'searches', 'finds', 'find_rate', 'find_rate_lo95', 'find_rate_hi95', 'arrests']
	);
}

export function drugsCsv(d: DrugPossessionResult): string {
	return toCsv(
		d.rows.map((r) => ({
			group: r.group,
			drug_searches: r.drugSearches,
			finds: r.finds,
			possession_only: r.possessionOnly,
			share_of_drug_searches: r.share.rate,
			share_lo95: r.share.lo95,
			share_hi95: r.share.hi95,
			share_of_finds: r.shareOfFinds.rate,
			share_of_finds_lo95: r.shareOfFinds.lo95,
			share_of_finds_hi95: r.shareOfFinds.hi95
		})),
		['group', 'drug_searches', 'finds', 'possession_only', 'share_of_drug_searches', 'share_lo95', 'share_hi95', 'share_of_finds', 'share_of_finds_lo95', 'share_of_finds_hi95']
	);
}

export const RECORD_COLUMNS = [
	'source_file',
	'source_line',
	'occurred_at',
	'month',
	'group',
	'self_defined_ethnicity',
	'officer_defined_ethnicity',
	'gender',
	'age_range',
	'legislation',
	'object_of_search',
	'outcome',
	'outcome_linked',
	'lsoa_code',
	'in_force_area'
] as const;

export function recordsCsv(p: RecordPage): string {
	return toCsv(p.rows as unknown as Row[], RECORD_COLUMNS);
}

/** Split rows pivoted: one row per value, searches per group, and totals. */
export function pivotSplit(s: SplitResult, groups: readonly string[]): Array<{ value: string; byGroup: Map<string, number>; searches: number; finds: number; arrests: number }> {
	const out = new Map<string, { value: string; byGroup: Map<string, number>; searches: number; finds: number; arrests: number }>();
	for (const r of s.rows) {
		let v = out.get(r.value);
		if (!v) out.set(r.value, (v = { value: r.value, byGroup: new Map(groups.map((g) => [g, 0])), searches: 0, finds: 0, arrests: 0 }));
		v.byGroup.set(r.group, (v.byGroup.get(r.group) ?? 0) + r.searches);
		v.searches += r.searches;
		v.finds += r.finds;
		v.arrests += r.arrests;
	}
	return [...out.values()];
}
