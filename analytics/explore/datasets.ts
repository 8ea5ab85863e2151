/**
 * What the source offers the Explore views: datasets with records, their period, categories
 * and cell levels, after making the pre-aggregates when the extract lacks them.
 */
import type { QueryRunner } from '../runner';
import { TIMESTAMPED, createAggregateTables } from './aggregates';
import { DATASET_LABELS, monthKey, type CellLevel, type ExploreDataset } from './filters';
import { num } from '../shared/numbers';
import { tableExists } from './query-base';

export interface DatasetSummary {
	dataset: ExploreDataset;
	label: string;
	records: number;
	firstMonth: string;
	lastMonth: string;
	/** Categories by records, most first (null = records without a category). */
	categories: Array<{ category: string | null; n: number }>;
	timestamped: boolean;
	/** Cell levels with at least one located record. */
	levels: CellLevel[];
}

/**
 * Make the pre-aggregates from the base tables when the extract has none (an imported source,
 * an extract built before they existed): absent or empty while records exist. Same SQL as the
 * builder. Returns true when it built them.
 */
export async function ensureAggregates(runner: QueryRunner): Promise<boolean> {
	for (const t of ['incidents', 'stop_search', 'events']) if (!(await tableExists(runner, t))) return false;
	const [r] = await runner.rows<{ base: number }>(
		'SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM stop_search) + (SELECT count(*) FROM events) AS base'
	);
	if (num(r?.base) === 0) return false;
	if ((await tableExists(runner, 'explore_points')) && (await tableExists(runner, 'explore_hours'))) {
		const [a] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM explore_points');
		if (num(a?.n) > 0) return false;
	}
	await createAggregateTables(runner);
	return true;
}

/**
 * Datasets with records in the aggregates, their period, categories and cell levels (the
 * aggregates are made first if the extract lacks them, see ensureAggregates), labelled by
 * `labels` (filters.ts datasetLabels of the source; police.uk's labels by default).
 */
export async function exploreDatasets(runner: QueryRunner, labels: Readonly<Record<ExploreDataset, string>> = DATASET_LABELS): Promise<DatasetSummary[]> {
	await ensureAggregates(runner);
	const summary = await runner.rows<{
		dataset: string; records: number; first: number; last: number; h7: number; h8: number; h9: number; lsoa: number; district: number;
	}>(
		`SELECT dataset, sum(n)::BIGINT AS records, min(month_index) AS first, max(month_index) AS last,
		  count(h3_r7) AS h7, count(h3_r8) AS h8, count(h3_r9) AS h9, count(lsoa_code) AS lsoa, count(district_id) AS district
		 FROM explore_points GROUP BY dataset`
	);
	const cats = await runner.rows<{ dataset: string; category: string | null; n: number }>(
		'SELECT dataset, category, sum(n)::BIGINT AS n FROM explore_points GROUP BY ALL ORDER BY dataset, n DESC, category NULLS LAST'
	);
	const order: ExploreDataset[] = ['incidents', 'stop_search', 'events'];
	return order.flatMap((dataset) => {
		const s = summary.find((r) => r.dataset === dataset);
		if (!s || num(s.records) === 0) return [];
		const levels: CellLevel[] = [];
		if (num(s.h7) > 0) levels.push('h3_7');
		if (num(s.h8) > 0) levels.push('h3_8');
		if (num(s.h9) > 0) levels.push('h3_9');
		if (num(s.lsoa) > 0) levels.push('lsoa');
		if (num(s.district) > 0) levels.push('district');
		return [
			{
				dataset,
				label: labels[dataset],
				records: num(s.records),
				firstMonth: monthKey(num(s.first)),
				lastMonth: monthKey(num(s.last)),
				categories: cats.filter((c) => c.dataset === dataset).map((c) => ({ category: c.category, n: num(c.n) })),
				timestamped: TIMESTAMPED[dataset],
				levels
			}
		];
	});
}
