/**
 * Which areas a month's THR scores cover (ScoreResult.scope), in the words Priorities and the
 * model page write it (ForceScope: "Scored: …") and Compare repeats when an area is not among
 * them, so the pages never word the same set two ways.
 */
import type { ScoreResult } from '$analytics/thr';
import { monthWords } from '$analytics/compare/periods';
import { formatCount, plural } from '../charts/format';

/**
 * The "Scored: …" sentence of `result`, cut around the force's name so a page can set it in bold:
 * `lead + forceName + tail` is the whole sentence (forceName null: no force area is declared, and
 * the sentence is `lead` alone). Over the source's own area set with a force area listed in LSOAs
 * (scope.areaSet): "Scored: the 7 of the 983 areas of the source's own area set holding a record
 * inside the force area, City of London, up to October 2019; the other 976 are not the force's to
 * rank."; over the force area's own areas: "Scored: all 6 areas of the force area, City of London.".
 */
export function scoredWords(result: ScoreResult): { lead: string; forceName: string | null; tail: string } {
	const scope = result.scope;
	const scored = result.areas.length;
	if (scope.method === 'force-area' && scope.forceName && scope.areaSet !== undefined && scored < scope.areaSet)
		return {
			lead: `Scored: the ${formatCount(scored)} of the ${formatCount(scope.areaSet)} areas of the source's own area set holding a record inside the force area, `,
			forceName: scope.forceName,
			tail: `, up to ${monthWords(result.month)}; the other ${formatCount(scope.areaSet - scored)} are not the force's to rank.`
		};
	if (scope.method === 'force-area' && scope.forceName)
		return { lead: `Scored: all ${plural(scope.areasInForceArea ?? scored, 'area')} of the force area, `, forceName: scope.forceName, tail: '.' };
	if (scope.forceName) return { lead: `Scored: the ${plural(scored, 'area')} of the force area `, forceName: scope.forceName, tail: " with records in the model's window." };
	return {
		lead: `No force area is declared for this data, so the ${plural(scored, 'area')} with records in the model's window were scored; records cannot be told apart as inside or outside the force.`,
		forceName: null,
		tail: ''
	};
}

/**
 * Why Compare cannot show `missing` (area ids the month's scores leave out): the month in words,
 * then the areas that were scored in Priorities' own sentence (scoredWords), then where to look.
 */
export function notScoredWords(result: ScoreResult, missing: readonly string[]): string {
	const one = missing.length === 1;
	const { lead, forceName, tail } = scoredWords(result);
	return `${missing.join(' and ')} ${one ? 'is' : 'are'} not among the areas scored for ${monthWords(result.month)}. ${lead}${forceName ?? ''}${tail} Open ${one ? 'it' : 'them'} as an area profile for the reason, or choose areas on the priorities page.`;
}
