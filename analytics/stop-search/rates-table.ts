/**
 * The rates by ethnic group as a table: one row per Census group, then one for the searches with
 * no recorded ethnicity, in the columns `npm run stop-search` writes (issue 13's publication
 * format, RATE_COLUMNS) and the page's CSV adds to (RATE_DETAIL_COLUMNS). Values are unrounded
 * numbers or null (no residents, no ratio, no searches); the command rounds for print.
 */
import type { Row } from '../runner';
import { wilson } from './intervals';
import { NOT_RECORDED, type DisproportionalityResult } from './types';

/** The publication columns, in order. */
export const RATE_COLUMNS = [
	'group',
	'searches',
	'residents',
	'rate_per_1000',
	'ratio_vs_white',
	'ratio_lo95',
	'ratio_hi95',
	'finds',
	'find_rate',
	'find_rate_lo95',
	'find_rate_hi95',
	'arrests',
	'arrest_rate'
] as const;

/** The publication columns plus the arrest-rate interval, each row's share of all searches, and no further action with its rate and interval. */
export const RATE_DETAIL_COLUMNS = [...RATE_COLUMNS, 'arrest_rate_lo95', 'arrest_rate_hi95', 'share_of_searches', 'no_further_action', 'nfa_rate', 'nfa_rate_lo95', 'nfa_rate_hi95'] as const;

/**
 * The table's rows: the five groups as `disproportionality` gives them, then "Not recorded" with
 * no residents, rate or ratio, and its find and arrest rates with the same Wilson intervals as
 * the groups'.
 */
export function rateTableRows(r: DisproportionalityResult): Row[] {
	const share = (n: number) => (r.totalSearches > 0 ? n / r.totalSearches : null);
	const rows: Row[] = r.rows.map((g) => ({
		group: g.group,
		searches: g.searches,
		residents: g.residents,
		rate_per_1000: g.ratePer1000,
		ratio_vs_white: g.ratioVsWhite,
		ratio_lo95: g.ratioLo95,
		ratio_hi95: g.ratioHi95,
		finds: g.finds,
		find_rate: g.findRate,
		find_rate_lo95: g.findLo95,
		find_rate_hi95: g.findHi95,
		arrests: g.arrests,
		arrest_rate: g.arrestRate,
		arrest_rate_lo95: g.arrestLo95,
		arrest_rate_hi95: g.arrestHi95,
		share_of_searches: share(g.searches),
		no_further_action: g.noFurtherAction,
		nfa_rate: g.nfaRate,
		nfa_rate_lo95: g.nfaLo95,
		nfa_rate_hi95: g.nfaHi95
	}));
	const u = r.notRecorded;
	const n = u.searches;
	const find = wilson(u.finds, n);
	const arrest = wilson(u.arrests, n);
	const nfa = wilson(u.noFurtherAction, n);
	rows.push({
		group: NOT_RECORDED,
		searches: n,
		residents: null,
		rate_per_1000: null,
		ratio_vs_white: null,
		ratio_lo95: null,
		ratio_hi95: null,
		finds: u.finds,
		find_rate: n > 0 ? u.finds / n : null,
		find_rate_lo95: find?.lo ?? null,
		find_rate_hi95: find?.hi ?? null,
		arrests: u.arrests,
		arrest_rate: n > 0 ? u.arrests / n : null,
		arrest_rate_lo95: arrest?.lo ?? null,
		arrest_rate_hi95: arrest?.hi ?? null,
		share_of_searches: u.share,
		no_further_action: u.noFurtherAction,
		nfa_rate: n > 0 ? u.noFurtherAction / n : null,
		nfa_rate_lo95: nfa?.lo ?? null,
		nfa_rate_hi95: nfa?.hi ?? null
	});
	return rows;
}
