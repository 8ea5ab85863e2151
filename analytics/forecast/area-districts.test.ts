/**
 * Forecast by area over a custom area set: the shipped Lancashire anti-social behaviour 2022
 * rows, built as `npm run extracts:sample` builds them, forecast per local authority district
 * (the extract's `districts`, read from each record's `district_id`) instead of per LSOA.
 *
 * Backtest on months the method never saw: for each origin T (2022-06 … 2022-11) the forecast is
 * fitted on months up to T only and judged on T + 1, against the simplest baseline (last month's
 * count) and the mean of every month so far, with actual counts from independent SQL. The
 * figures are printed, not asserted to favour the method: where it does not beat the baseline,
 * the README says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { buildExtracts } from '../../scripts/lib/extracts';
import { loadExtract } from '../../scripts/lib/load-input';
import { SAMPLE_SOURCES } from '../../scripts/lib/sample';
import { monthIndex } from '../shared/months';
import { forecastAreaHarm } from './area-harm';

let runner: NodeRunner;
let dir: string;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'clearsight-forecast-districts-'));
	const source = SAMPLE_SOURCES.find((s) => s.id === 'lancashire-asb')!;
	await buildExtracts({ ...source.build, out: dir });
	runner = await createNodeRunner();
	await loadExtract(runner, dir);
}, 300_000);

afterAll(() => {
	runner?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Records per area in one month by SQL on the base rows (column from a fixed list). The page's
 * area forecast reads every street record with an area, as at LSOA level (Lancashire: one record
 * located outside the force area lies in West Lancashire's polygon and is counted there).
 */
async function actuals(column: 'district_id' | 'lsoa_code', month: string): Promise<Map<string, number>> {
	const rows = await runner.rows<{ a: string; n: number }>(
		`SELECT ${column} AS a, count(*)::INTEGER AS n FROM incidents WHERE month = ? AND ${column} IS NOT NULL GROUP BY 1`,
		[month]
	);
	return new Map(rows.map((r) => [String(r.a), Number(r.n)]));
}

const ORIGINS = ['2022-06', '2022-07', '2022-08', '2022-09', '2022-10', '2022-11'];

describe('forecast by area over the Lancashire districts', () => {
	it('forecasts every district from its own monthly counts, which equal the records by SQL', async () => {
		const f = await forecastAreaHarm(runner, { trainEnd: '2022-11', level: 'district', measure: 'count' });
		expect(f.level).toBe('district');
		expect(f.forecastMonth).toBe('2022-12');
		const districts = (await runner.rows<{ id: string }>('SELECT district_id AS id FROM districts ORDER BY 1')).map((r) => String(r.id));
		expect(f.areas.map((a) => a.areaId)).toEqual(districts);
		const first = monthIndex(f.firstMonth);
		for (const a of f.areas) {
			const rows = await runner.rows<{ m: number; n: number }>(
				'SELECT month_index AS m, count(*)::INTEGER AS n FROM incidents WHERE district_id = ? AND month_index <= ? GROUP BY 1',
				[a.areaId, monthIndex('2022-11')]
			);
			const expected = Array.from({ length: a.history.length }, () => 0);
			for (const r of rows) expected[Number(r.m) - first] = Number(r.n);
			expect(a.history).toEqual(expected);
			expect(a.expected).toBeGreaterThanOrEqual(0);
			expect(a.lo80).toBeLessThanOrEqual(a.hi80);
		}
	}, 120_000);

	it('reads no month after its origin: deleting the later months changes nothing', async () => {
		const before = await forecastAreaHarm(runner, { trainEnd: '2022-08', level: 'district', measure: 'count' });
		await runner.exec('CREATE TABLE later AS SELECT * FROM incidents WHERE month_index > ?', [monthIndex('2022-08')]);
		await runner.exec('DELETE FROM incidents WHERE month_index > ?', [monthIndex('2022-08')]);
		try {
			const after = await forecastAreaHarm(runner, { trainEnd: '2022-08', level: 'district', measure: 'count' });
			expect(after.areas).toEqual(before.areas);
			expect(after.method).toBe(before.method);
		} finally {
			await runner.exec('INSERT INTO incidents SELECT * FROM later');
			await runner.exec('DROP TABLE later');
		}
	}, 120_000);

	it('backtest on later months against last month\'s count (measured and printed; districts against LSOAs)', async () => {
		const table: string[] = ['level | origin → month | method | areas | records | abs. error: method | last month | mean so far'];
		const totals: Record<string, { method: number; naive: number; mean: number; records: number }> = {};
		for (const level of ['district', 'lsoa'] as const) {
			const column = level === 'district' ? 'district_id' : 'lsoa_code';
			const sum = { method: 0, naive: 0, mean: 0, records: 0 };
			for (const origin of ORIGINS) {
				const f = await forecastAreaHarm(runner, { trainEnd: origin, level, measure: 'count' });
				const actual = await actuals(column, f.forecastMonth);
				// An area with records that month but none before is not forecast: every method said 0 there.
				const ids = new Set(f.areas.map((a) => a.areaId));
				const unseen = [...actual].filter(([id]) => !ids.has(id)).reduce((s, [, n]) => s + n, 0);
				if (level === 'district') expect(unseen).toBe(0);
				let method = unseen;
				let naive = unseen;
				let mean = unseen;
				let records = unseen;
				for (const a of f.areas) {
					const y = actual.get(a.areaId) ?? 0;
					method += Math.abs(a.expected - y);
					naive += Math.abs((a.history.at(-1) ?? 0) - y);
					mean += Math.abs(a.history.reduce((s, v) => s + v, 0) / a.history.length - y);
					records += y;
				}
				const [all] = await runner.rows<{ n: number }>(
					`SELECT count(*)::INTEGER AS n FROM incidents WHERE month = ? AND ${column} IS NOT NULL`,
					[f.forecastMonth]
				);
				expect(records).toBe(Number(all.n));
				table.push(`${level} | ${origin} → ${f.forecastMonth} | ${f.method} | ${f.areas.length} | ${records} | ${method.toFixed(1)} | ${naive.toFixed(1)} | ${mean.toFixed(1)}`);
				sum.method += method;
				sum.naive += naive;
				sum.mean += mean;
				sum.records += records;
			}
			totals[level] = sum;
		}
		const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1)}%`;
		for (const [level, s] of Object.entries(totals)) {
			table.push(`${level}: absolute error as a share of the records (WAPE), method ${pct(s.method, s.records)}, last month ${pct(s.naive, s.records)}, mean so far ${pct(s.mean, s.records)}`);
		}
		console.log(table.join('\n'));
		// What the Forecast page says of the area set: larger areas, relatively closer forecasts.
		expect(totals.district.method / totals.district.records).toBeLessThan(totals.lsoa.method / totals.lsoa.records);
	}, 300_000);
});
