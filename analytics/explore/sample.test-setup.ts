/**
 * Shared set-up for the explore tests that compare a faster path with cellValues' SQL (not a test
 * itself): a native DuckDB with the real City of London street crime and stop and search rows,
 * harm weights and the explore pre-aggregates, and the months and most frequent categories each
 * dataset offers.
 */
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { ensureHarmWeights } from '../thr';
import { cchiWeights } from '../thr/fixtures.test-setup';
import { createAggregateTables } from './aggregates';
import type { CellLevel, ExploreDataset } from './filters';

export const STREET = 'sample-data/police-uk/city-of-london/street';
export const STOPS = 'sample-data/police-uk/city-of-london/stop-and-search';
/** The explore_points / base-row column of each cell level. */
export const LEVEL_COL: Record<Exclude<CellLevel, 'h3_5' | 'h3_6'>, string> = { h3_7: 'h3_r7', h3_8: 'h3_r8', h3_9: 'h3_r9', lsoa: 'lsoa_code', district: 'district_id' };

/** Size thresholds that force a size-chosen path (the sample is far under every threshold), or never take it. */
export const ALWAYS = { minRows: 0, maxRows: Number.MAX_SAFE_INTEGER };
export const NEVER = { minRows: Number.MAX_SAFE_INTEGER };

export interface ExploreSample {
	runner: NodeRunner;
	/** Each dataset's months with records, oldest first. */
	months: Record<ExploreDataset, string[]>;
	/** The three most frequent street crime types and two most frequent objects of search. */
	categories: Record<ExploreDataset, string[]>;
}

export async function loadExploreSample(): Promise<ExploreSample> {
	const runner = await createNodeRunner();
	await loadInput(runner, [STREET, STOPS], { areas: SAMPLE_AREAS });
	await ensureHarmWeights(runner, cchiWeights());
	await createAggregateTables(runner);
	const list = async (sql: string) => (await runner.rows<{ v: string }>(sql)).map((r) => r.v);
	return {
		runner,
		months: {
			incidents: await list('SELECT DISTINCT month AS v FROM incidents ORDER BY 1'),
			stop_search: await list('SELECT DISTINCT month AS v FROM stop_search ORDER BY 1'),
			events: []
		},
		categories: {
			incidents: await list('SELECT category AS v FROM incidents GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3'),
			stop_search: await list('SELECT object_of_search AS v FROM stop_search WHERE object_of_search IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2'),
			events: []
		}
	};
}
