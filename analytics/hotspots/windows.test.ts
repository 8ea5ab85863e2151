/**
 * Windowed hot-spot forecasts (windows.ts) on a real DuckDB over the real City of London street
 * files (built into an extract as `npm run extracts` does; the force area is the City's 6 LSOAs
 * and its H3 force cells): budgets by hand, the H3 resolution-10 region, records placed in
 * resolution-10 cells, and the guarantee that nothing at or after an origin is read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToParent, latLngToCell } from 'h3-js';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { monthIndex } from '../shared/months';
import { EXTRACT_DATASETS } from '../ingest/extract-schema';
import { budgetAreas, budgetShare, evaluateWindows, hotspotForecast, loadWindowData, parseBudget, parseWindow, windowRegion } from './windows';

const STREET = 'sample-data/police-uk/city-of-london/street';
let runner: NodeRunner;

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [STREET], { areas: SAMPLE_AREAS });
}, 120_000);
afterAll(() => runner.close());

describe('parseWindow and parseBudget', () => {
	it('reads 7d/14d/28d and 1m–3m; shares, percentages and km²', () => {
		expect(parseWindow('7d')).toEqual({ unit: 'day', length: 7 });
		expect(parseWindow('3 months')).toEqual({ unit: 'month', length: 3 });
		expect(() => parseWindow('10d')).toThrow(/7, 14 or 28/);
		expect(() => parseWindow('4m')).toThrow(/1, 2 or 3/);
		expect(parseBudget('5%')).toEqual({ share: 0.05 });
		expect(parseBudget('0.1')).toEqual({ share: 0.1 });
		expect(parseBudget('2.5km2')).toEqual({ km2: 2.5 });
		expect(parseBudget('1 km²')).toEqual({ km2: 1 });
		expect(() => parseBudget('150%')).toThrow(RangeError);
	});
});

describe('budgetShare and budgetAreas, by hand', () => {
	const region = [{ areaKm2: 4 }, { areaKm2: 3 }, { areaKm2: 2 }, { areaKm2: 1 }];
	it('a share is itself; 2.5 km² of a 10 km² region is 25%; km² of areas with no size, or more than the region, throw', () => {
		expect(budgetShare({ share: 0.05 }, region)).toBe(0.05);
		expect(budgetShare({ km2: 2.5 }, region)).toBeCloseTo(0.25, 12);
		expect(() => budgetShare({ km2: 1 }, [{ areaKm2: null }])).toThrow(/no known size/);
		expect(() => budgetShare({ km2: 11 }, region)).toThrow(/larger than the region/);
	});
	it('ranked 4, 3, 2, 1 km², half the area (5 km²): the first whole and one third of the second', () => {
		expect(budgetAreas(region, 0.5)).toEqual({ areas: 2, wholeAreas: 1, partial: expect.closeTo(1 / 3, 12), km2: 5 });
		// 70% = 7 km²: exactly the first two.
		expect(budgetAreas(region, 0.7)).toEqual({ areas: 2, wholeAreas: 2, partial: 0, km2: 7 });
	});
	it('ten areas of unknown size, 5%: half of the first area; 10%: exactly one', () => {
		const equal = Array.from({ length: 10 }, () => ({ areaKm2: null }));
		expect(budgetAreas(equal, 0.05)).toEqual({ areas: 1, wholeAreas: 0, partial: 0.5, km2: null });
		expect(budgetAreas(equal, 0.1)).toEqual({ areas: 1, wholeAreas: 1, partial: 0, km2: null });
	});
	it('the City at LSOA level: 0.5 km² is 0.5 ÷ the 6 force-area LSOAs’ km² (areas table)', async () => {
		const [{ km2 }] = await runner.rows<{ km2: number }>('SELECT sum(area_km2) AS km2 FROM areas WHERE lsoa_code IN (SELECT area_code FROM force_area)');
		const e = await evaluateWindows(runner, { level: 'lsoa', window: { unit: 'month', length: 1 }, budget: { km2: 0.5 }, origins: 1 });
		expect(e.region.areas).toBe(6);
		expect(e.share).toBeCloseTo(0.5 / km2, 12);
		expect(e.budgetKm2).toBeCloseTo(0.5, 12);
	});
});

describe('H3 resolution 10', () => {
	it('the region is the 7 children of each resolution-9 force cell', async () => {
		const parents = (await runner.columns('SELECT h3 FROM force_cells WHERE resolution = 9')).h3 as string[];
		expect(parents.length).toBe(32);
		const r = await windowRegion(runner, 'incidents', 'h3_r10', '2019-01');
		expect(r.basis).toBe('children of force area cells (resolution 9)');
		expect(r.areas).toHaveLength(7 * 32);
		expect(new Set(r.areas.map((a) => cellToParent(a.areaId, 9)))).toEqual(new Set(parents));
	});

	it('records are placed in resolution-10 cells from their coordinates: 2019-03 counts equal latLngToCell of the raw rows', async () => {
		const region = await windowRegion(runner, 'incidents', 'h3_r10', '2019-02');
		const m = monthIndex('2019-03');
		const data = await loadWindowData(runner, { table: 'incidents', level: 'h3_r10', unit: 'month', from: m, until: m + 1, region });
		const rows = await runner.columns('SELECT longitude AS lon, latitude AS lat FROM incidents WHERE month_index = ? AND in_force_area IS NOT FALSE AND longitude IS NOT NULL', [m]);
		const expected = new Map<string, number>();
		(rows.lon as number[]).forEach((lon, i) => {
			const c = latLngToCell(rows.lat[i] as number, lon, 10);
			expected.set(c, (expected.get(c) ?? 0) + 1);
		});
		let inRegion = 0;
		region.areas.forEach((a, i) => {
			expect(data.series.counts[i][0]).toBe(expected.get(a.areaId) ?? 0);
			inRegion += data.series.counts[i][0];
		});
		expect(inRegion).toBeGreaterThan(0.9 * rows.lon.length);
	});
});

describe('nothing at or after the end is read', () => {
	it('deleting the later months, or adding altered ones, changes no evaluation figure and no forecast', async () => {
		const end = monthIndex('2019-06');
		const options = { level: 'h3_r10' as const, window: { unit: 'month' as const, length: 1 }, budget: { share: 0.1 }, origins: 3, tuneOrigins: 3, end };
		const strip = <T extends { ms: number }>(x: T) => ({ ...x, ms: 0, evaluation: undefined });
		const before = await hotspotForecast(runner, options);
		expect(before.evaluation.origins).toEqual(['2019-03', '2019-04', '2019-05']);
		expect(before.from).toBe('2019-06');
		await runner.exec('CREATE TEMP TABLE kept AS SELECT * FROM incidents');
		try {
			await runner.exec('DELETE FROM incidents WHERE month_index >= ?', [end]);
			const cut = await hotspotForecast(runner, options);
			// Later months tripled and moved onto the busiest cell's location.
			await runner.exec(
				`INSERT INTO incidents SELECT * REPLACE (month_index + 1 AS month_index) FROM kept WHERE month_index >= ?`,
				[end]
			);
			await runner.exec(`INSERT INTO incidents SELECT * REPLACE (-0.0843 AS longitude, 51.5128 AS latitude) FROM kept WHERE month_index >= ?`, [end]);
			const altered = await hotspotForecast(runner, options);
			for (const other of [cut, altered]) {
				expect(strip(other)).toEqual(strip(before));
				expect({ ...other.evaluation, ms: 0 }).toEqual({ ...before.evaluation, ms: 0 });
			}
			expect(before.rankings.map((r) => r.method)).toEqual(['eb-blend', 'last-period', 'last-year', 'kde']);
		} finally {
			await runner.exec('DELETE FROM incidents; INSERT INTO incidents SELECT * FROM kept; DROP TABLE kept');
		}
	}, 120_000);
});

describe('day windows on dated records (real Chicago assaults, district 1, 2017)', () => {
	let chicago: NodeRunner;
	const end = Date.UTC(2017, 11, 1) / 86_400_000; // 2017-12-01 as a day number
	beforeAll(async () => {
		chicago = await createNodeRunner();
		const events = EXTRACT_DATASETS.find((d) => d.name === 'events')!;
		await chicago.exec(`CREATE TABLE events (${events.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
		await chicago.exec(
			`INSERT INTO events (occurred_at, month, month_index, longitude, latitude, category, area_code)
			 SELECT ts, strftime(ts, '%Y-%m'), year(ts) * 12 + month(ts) - 1, longitude, latitude, 'Aggravated assault', CAST(district AS VARCHAR)
			 FROM (SELECT CAST(date AS TIMESTAMP) AS ts, * FROM read_csv('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz'))
			 WHERE ts >= TIMESTAMP '2016-06-01' AND district = 1`
		);
	}, 60_000);
	afterAll(() => chicago.close());

	it('every method including hawkes is evaluated on 7-day windows; later records change nothing', async () => {
		const options = { table: 'events' as const, level: 'h3_r10' as const, window: { unit: 'day' as const, length: 7 }, budget: { share: 0.1 }, origins: 3, tuneOrigins: 2, end };
		const before = await hotspotForecast(chicago, options);
		expect(before.evaluation.origins).toEqual(['2017-11-10', '2017-11-17', '2017-11-24']);
		expect(before.from).toBe('2017-12-01');
		expect(before.to).toBe('2017-12-07');
		expect(before.evaluation.rows.map((r) => r.method)).toEqual(['eb-blend', 'hawkes', 'last-period', 'last-year', 'kde']);
		const hk = before.rankings.find((r) => r.method === 'hawkes')!.hawkes!;
		expect(hk.records).toBeGreaterThan(100);
		expect(hk.theta).toBeGreaterThanOrEqual(0);
		expect(hk.mu).toBeGreaterThan(0);
		await chicago.exec(`DELETE FROM events WHERE occurred_at >= TIMESTAMP '2017-12-01'`);
		const cut = await hotspotForecast(chicago, options);
		// November's records again, three times, 30 days later (all in December, after the end).
		for (let k = 0; k < 3; k++) {
			await chicago.exec(
				`INSERT INTO events SELECT * REPLACE (occurred_at + INTERVAL 30 DAY AS occurred_at, month_index + 1 AS month_index, '2017-12' AS month) FROM events WHERE occurred_at >= TIMESTAMP '2017-11-01' AND occurred_at < TIMESTAMP '2017-12-01'`
			);
		}
		const altered = await hotspotForecast(chicago, options);
		const noMs = (f: typeof before) => ({ ...f, ms: 0, evaluation: { ...f.evaluation, ms: 0 } });
		expect(noMs(cut)).toEqual(noMs(before));
		expect(noMs(altered)).toEqual(noMs(before));
	}, 120_000);
});

describe('gains window by window (paired.ts), City of London, H3 resolution 9, next month, 5% of the force area', () => {
	it('the blend is ahead of both baselines on mean PAI, but by chance as far as the windows tell: paired p 7/16 and above 0.05', async () => {
		const e = await evaluateWindows(runner, { level: 'h3_r9', window: { unit: 'month', length: 1 }, budget: { share: 0.05 }, methods: ['eb-blend', 'last-period', 'last-year'] });
		expect(e.origins).toHaveLength(12);
		const pai = (m: string) => e.rows.find((r) => r.method === m)!.origins.map((o) => o.metrics.pai!);
		const [blend, last, year] = [pai('eb-blend'), pai('last-period'), pai('last-year')];
		const [vsLast, vsYear] = e.gains;
		expect([vsLast.baseline, vsYear.baseline]).toEqual(['last-period', 'last-year']);
		// Ahead on the mean of both: the page said "beats every baseline".
		expect(vsLast.paiGain!).toBeGreaterThan(0);
		expect(vsYear.paiGain!).toBeGreaterThan(0);
		// Against last month's counts the windows differ in 4 of 12: the blend ahead in 2, behind in 2.
		const d = blend.map((b, i) => b - last[i]).filter((x) => Math.abs(x) > 1e-12);
		expect(d.filter((x) => x > 0)).toHaveLength(2);
		expect(d.filter((x) => x < 0)).toHaveLength(2);
		// Ranks of |d| (1 smallest) where it is ahead: 2 and 4, W+ = 6; 7 of the 16 sign patterns of
		// ranks 1–4 reach 6 or more ({2,4}, {3,4}, {1,2,3}, {1,2,4}, {1,3,4}, {2,3,4}, {1,2,3,4}).
		const size = [...d].map(Math.abs).sort((a, b) => a - b);
		expect(d.filter((x) => x > 0).map((x) => size.indexOf(Math.abs(x)) + 1).sort()).toEqual([2, 4]);
		expect(vsLast.paired).toEqual({ months: 12, ahead: 2, behind: 2, tied: 8, wPlus: 6, p: 7 / 16 });
		// Against the 12-month ranking: more windows ahead, still not below 5%.
		expect(vsYear.paired.ahead).toBe(blend.filter((b, i) => b - year[i] > 1e-12).length);
		expect(vsYear.paired.p).toBeGreaterThan(0.05);
	}, 120_000);
});
