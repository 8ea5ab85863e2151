/**
 * The Overview's period comparison: its headline measures (records, crimes, anti-social
 * behaviour, the harm-weighted total) and its categories, for street crime and ASB in the chosen
 * period against the comparison period(s). The same query as the Map and Time comparison
 * (query.ts) with the Overview's filters: the `incidents` dataset, every category, every area.
 */
import type { QueryRunner } from '../runner';
import { defaultFilters } from '../explore/filters';
import { ANTI_SOCIAL_BEHAVIOUR } from '../overview/queries';
import type { CompareBasis, Comparison } from './periods';
import { comparePeriod, compareValues, type ComparedMeasure } from './query';

export interface OverviewComparison {
	periods: Comparison;
	/** Records, crimes, anti-social behaviour, harm-weighted total (keys records, crimes, asb, harm). */
	headline: ComparedMeasure[];
	/** Each category, most records in the period first. */
	categories: ComparedMeasure[];
}

/** The Overview's comparison for the period `from`–`to` (null: the data's first / last month); null when there are no street records. */
export async function overviewComparison(runner: QueryRunner, period: { from: string | null; to: string | null }, basis: CompareBasis): Promise<OverviewComparison | null> {
	const result = await comparePeriod(runner, { ...defaultFilters(), dataset: 'incidents', from: period.from, to: period.to }, basis, { harm: true });
	if (!result) return null;
	const records = result.measures.find((m) => m.kind === 'records')!;
	const harm = result.measures.find((m) => m.kind === 'harm')!;
	const categories = result.measures.filter((m) => m.kind === 'category');
	const asb = categories.find((m) => m.category === ANTI_SOCIAL_BEHAVIOUR);
	const asbNow = asb?.current ?? 0;
	const asbBefore = asb ? asb.perPeriod : records.perPeriod.map(() => 0);
	const crimes = compareValues(
		records.current - asbNow,
		records.perPeriod.map((n, i) => n - (asbBefore[i] ?? 0))
	);
	return {
		periods: result.periods,
		headline: [
			{ ...records, key: 'records', label: 'Records' },
			{ kind: 'category', category: null, ...crimes, key: 'crimes', label: 'Crimes' },
			{ kind: 'category', category: ANTI_SOCIAL_BEHAVIOUR, ...compareValues(asbNow, asbBefore), key: 'asb', label: 'Anti-social behaviour' },
			{ ...harm, key: 'harm', label: 'Harm-weighted total (CCHI days)' }
		],
		categories
	};
}
