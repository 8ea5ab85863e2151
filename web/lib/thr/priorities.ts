/** Small helpers of the THR pages. */
import { latestDecisions, type ReviewEntry } from '$analytics/review';
export { formatScore } from '$analytics/thr';

/** The latest review decision per area for a month (annotations only; scores are untouched). */
export function latestDecisionsFor(entries: readonly ReviewEntry[], month: string): Map<string, ReviewEntry> {
	return latestDecisions(entries, month);
}
