/** Small helpers of the THR pages: review decisions per area, and the Priorities table's CSV. */
import { latestDecisions, type ReviewEntry } from '$analytics/review';
import { toCsv, type ColumnFormats } from '$analytics/export/csv';
import type { Row } from '$analytics/runner';
import { SCORE_UNITS, monthIndex, type AreaReason, type ScoreResult, type ScoreTrend } from '$analytics/thr';
import { monthWords } from '$analytics/compare/periods';
import { plural } from '../charts/format';
import { decimal2, readableRaw, score2 } from './reading';
export { formatScore } from '$analytics/thr';

/** The latest review decision per area for a month (annotations only; scores are untouched). */
export function latestDecisionsFor(entries: readonly ReviewEntry[], month: string): Map<string, ReviewEntry> {
	return latestDecisions(entries, month);
}

/** Where the table's Harm column is (the first harm component), or -1. */
export function harmIndex(result: ScoreResult): number {
	return result.model.components.findIndex((c) => c.kind === 'harm');
}

/**
 * How the Priorities table shows its numbers, declared once: the screen and the CSV use these
 * functions (the CSV through toCsv's formats), so the file holds what the table shows.
 */
export function priorityFormats(result: ScoreResult): { score: (v: number) => string; harm: (v: number) => string; contribution: (v: number) => string } {
	const h = harmIndex(result);
	const unit = h >= 0 ? result.model.components[h].unit : '';
	return { score: score2, harm: (v) => readableRaw(v, unit), contribution: decimal2 };
}

/** The CSV column of the table's Harm: `harm_<window>_months`. */
function harmColumn(result: ScoreResult): string | null {
	const h = harmIndex(result);
	return h >= 0 ? `harm_${result.model.components[h].window_months}_months` : null;
}

/** The CSV's columns for a result: rank, area, name, band, score, harm over its window, reason, each contribution, the review. */
export function priorityColumns(result: ScoreResult): string[] {
	return [
		'rank',
		'area_id',
		'area_name',
		'band',
		'score',
		...(harmColumn(result) ? [harmColumn(result)!] : []),
		'reason',
		...result.model.components.map((c) => `contribution_${c.id}`),
		'review_decision',
		'review_reason',
		'reviewer',
		'reviewed_at'
	];
}

/** The Priorities table as CSV: one row per area in rank order, numbers rounded as the table shows them. */
export function prioritiesCsv(
	result: ScoreResult,
	names: ReadonlyMap<string, string>,
	reasons: ReadonlyMap<string, AreaReason>,
	decisions: ReadonlyMap<string, ReviewEntry>,
	decisionLabels: Readonly<Record<string, string>>
): string {
	const h = harmIndex(result);
	const bandLabel = (id: string) => result.model.bands.find((b) => b.id === id)?.label ?? id;
	const f = priorityFormats(result);
	const harmCol = harmColumn(result);
	const formats: Record<string, (v: number) => string> = { score: f.score };
	if (harmCol) formats[harmCol] = f.harm;
	for (const c of result.model.components) formats[`contribution_${c.id}`] = f.contribution;
	const rows: Row[] = result.areas.map((a) => {
		const d = decisions.get(a.areaId);
		const row: Row = {
			rank: a.rank,
			area_id: a.areaId,
			area_name: names.get(a.areaId) ?? '',
			band: bandLabel(a.band),
			score: a.score,
			reason: reasons.get(a.areaId)?.sentence ?? '',
			review_decision: d ? (decisionLabels[d.decision] ?? d.decision) : '',
			review_reason: d?.reason ?? '',
			reviewer: d?.reviewer ?? '',
			reviewed_at: d?.at ?? ''
		};
		if (harmCol) row[harmCol] = a.components[h].raw;
		a.components.forEach((c) => (row[`contribution_${c.id}`] = c.contribution));
		return row;
	});
	return toCsv(rows, priorityColumns(result), formats as ColumnFormats);
}

/**
 * Priorities' words about the ranking, with the month in words as every sentence writes it: the
 * line above the table ("6 areas ranked for November 2019 by thr v3.0.0."), the table's caption
 * ("Areas ranked by THR score, November 2019"; over the source's own area set, its label) and the
 * line shown when no area is scored.
 */
export function rankingWords(result: ScoreResult, areaSet: string): { ranked: string; caption: string; none: string } {
	const month = monthWords(result.month);
	return {
		ranked: `${plural(result.areas.length, 'area')} ranked for ${month} by ${result.model.id} v${result.model.version}.`,
		caption: `${result.areaUnit === 'district' ? areaSet : 'Areas'} ranked by THR score, ${month}`,
		none: `No area has harm-counting records in the window to ${month}.`
	};
}

/**
 * One area's score per month of a trend, via a per-month index built once: null where the area
 * was not in scope, and null before the data's first month (`dataFirst`, the result's
 * dataRange.first), where every area of the force area is "scored" 0 from no records at all
 * (Lancashire, March 2022: April–December 2021 are gaps, not a flat line at 0 rising in January).
 */
export function trendSeries(trend: ScoreTrend, dataFirst: string | null): (areaId: string) => Array<{ month: string; score: number | null; rank: number | null }> {
	const from = dataFirst === null ? Infinity : monthIndex(dataFirst);
	const index = trend.months.map((m) => new Map(m.areaIds.map((id, i) => [id, i])));
	return (areaId) =>
		trend.months.map((m, k) => {
			const i = m.monthIndex < from ? undefined : index[k].get(areaId);
			return i === undefined ? { month: m.month, score: null, rank: null } : { month: m.month, score: m.scoreUnits[i] / SCORE_UNITS, rank: i + 1 };
		});
}
