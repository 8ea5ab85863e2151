/**
 * `explore_points` stored in base.duckdb (the builder's choice from EXPLORE_POINTS_ON_DEMAND_ROWS
 * rows, forced here with `pointsOnDemandRows: 0` on real City of London rows): the manifest lists
 * it as a table of base.duckdb (no Arrow file), and its rows equal the pre-aggregate recomputed
 * from the base rows; an ordinary build keeps it as an Arrow file with the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { buildExtracts } from './extracts';
import { loadInput } from './load-input';
import { EXPLORE_POINTS_ON_DEMAND_ROWS } from './base-database';
import { aggregateSelectSql } from '../../analytics/explore/aggregates';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';

const STREET = 'sample-data/police-uk/city-of-london/street';
const SEARCH = 'sample-data/police-uk/city-of-london/stop-and-search';
const INPUTS = [join(STREET, '2019-05-city-of-london-street.csv'), join(STREET, '2019-06-city-of-london-street.csv'), join(SEARCH, '2019-06-city-of-london-stop-and-search.csv')];

let dir: string;
let onDemand: NodeRunner;
let arrow: NodeRunner;
const manifests: Record<'onDemand' | 'arrow', ExtractManifest> = {} as never;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'clearsight-points-'));
	await buildExtracts({ inputs: INPUTS, out: join(dir, 'on-demand'), areas: null, pointsOnDemandRows: 0 });
	await buildExtracts({ inputs: INPUTS, out: join(dir, 'arrow'), areas: null });
	for (const k of ['onDemand', 'arrow'] as const) manifests[k] = JSON.parse(readFileSync(join(dir, k === 'onDemand' ? 'on-demand' : 'arrow', 'manifest.json'), 'utf8'));
	onDemand = await createNodeRunner();
	arrow = await createNodeRunner();
	await loadInput(onDemand, [join(dir, 'on-demand')]);
	await loadInput(arrow, [join(dir, 'arrow')]);
}, 120_000);

afterAll(() => {
	onDemand?.close();
	arrow?.close();
	rmSync(dir, { recursive: true, force: true });
});

const ALL = 'SELECT * FROM explore_points ORDER BY ALL';

describe('explore_points in base.duckdb', () => {
	it('is a table of base.duckdb with its rows counted, and no Arrow file, when forced; an Arrow file by default at this size', () => {
		const d = manifests.onDemand.datasets.find((x) => x.name === 'explore_points')!;
		expect([d.format, d.file, d.format === 'duckdb-table' ? d.table : null]).toEqual(['duckdb-table', 'base.duckdb', 'explore_points']);
		expect(existsSync(join(dir, 'on-demand', 'explore_points.arrow'))).toBe(false);
		const a = manifests.arrow.datasets.find((x) => x.name === 'explore_points')!;
		expect([a.format, a.file]).toEqual(['arrow-ipc-stream', 'explore_points.arrow']);
		expect(a.rows).toBeLessThan(EXPLORE_POINTS_ON_DEMAND_ROWS);
		expect(d.rows).toBe(a.rows);
		expect(d.rows).toBeGreaterThan(0);
	});

	it('holds the pre-aggregate of the base rows, row for row, as the Arrow build does', async () => {
		const stored = await onDemand.rows(ALL);
		const recomputed = await onDemand.rows(`SELECT * FROM (${aggregateSelectSql('explore_points')}) ORDER BY ALL`);
		expect(stored).toEqual(recomputed);
		expect(await arrow.rows(ALL)).toEqual(stored);
		// Sorted by month for range reads: month_index never decreases in storage order.
		const order = await onDemand.rows<{ m: number }>('SELECT month_index AS m FROM explore_points');
		expect(order.every((r, i) => i === 0 || r.m >= order[i - 1].m)).toBe(true);
	});
});
