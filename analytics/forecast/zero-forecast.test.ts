/**
 * Intervals of a forecast of 0, on the real Chicago sample (sample-data/chicago, aggravated
 * assaults 2010–2017). The seasonal naive method forecasts 0 for every hour that saw no assault a
 * week earlier; the negative binomial around a mean of 0 is a certain 0, so before the
 * zero-forecast rule those hours got [0, 0] at both levels and the held-out 95% intervals of 2017
 * held 84.8% of the hours. The hourly counts, the zero-forecast hours and the coverage of the
 * intervals are counted here by plain SQL over the CSV (date_trunc to the hour), independently of
 * the series builder and of the backtest's own scoring.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { backtest } from './backtest';
import { forecastSeries, MIN_ZERO_REFERENCE, zeroForecastEnds } from './forecast';

const CSV = 'sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz';
const WEEK = 168;

let runner: NodeRunner;
let series: Float64Array;
/** Hour index of every Monday 00:00 of 2017 (the held-out evaluation's origins). */
let origins: number[];

beforeAll(async () => {
	runner = await createNodeRunner();
	await runner.exec(
		`CREATE TABLE hourly AS
		 SELECT CAST(date_diff('hour', TIMESTAMP '2010-01-01', g.t) AS INTEGER) AS i, g.t, count(e.ts)::INTEGER AS n
		 FROM generate_series(TIMESTAMP '2010-01-01', TIMESTAMP '2017-12-31 23:00:00', INTERVAL 1 HOUR) AS g(t)
		 LEFT JOIN (SELECT date_trunc('hour', CAST(date AS TIMESTAMP)) AS ts FROM read_csv(?)) e ON e.ts = g.t
		 GROUP BY g.t`,
		[CSV]
	);
	const rows = await runner.rows<{ n: number }>('SELECT n FROM hourly ORDER BY i');
	series = Float64Array.from(rows.map((r) => Number(r.n)));
	const mondays = await runner.rows<{ i: number }>(`SELECT i FROM hourly WHERE year(t) = 2017 AND isodow(t) = 1 AND hour(t) = 0 ORDER BY i`);
	origins = mondays.map((r) => Number(r.i));
}, 60_000);
afterAll(() => runner.close());

/** Load one column of integers per name into table `name` (k = position), bound as one string each. */
async function loadIntervals(name: string, columns: Record<string, number[]>) {
	const names = Object.keys(columns);
	await runner.exec(
		`CREATE OR REPLACE TABLE ${name} AS SELECT ${names.map((c) => `CAST(unnest(string_split(?, ',')) AS INTEGER) AS ${c}`).join(', ')}`,
		names.map((c) => columns[c].join(','))
	);
}

describe('zeroForecastEnds', () => {
	it('takes the count whose share of actuals at or below it is nearest 80% and 95%', () => {
		// 20 actuals: fifteen 0s, three 1s, a 2 and a 4. Shares at or below: 0 → 0.75, 1 → 0.90,
		// 2 → 0.95, 4 → 1. Nearest 0.80: 0 (0.05 away, against 0.10 for 1); nearest 0.95: 2.
		const actuals = [...new Array(15).fill(0), 1, 1, 1, 2, 4];
		expect(zeroForecastEnds(actuals)).toEqual({ hi80: 0, hi95: 2, coverage80: 0.75, coverage95: 0.95 });
	});
	it('all zeros, or none at all: [0, 0]', () => {
		expect(zeroForecastEnds([0, 0, 0])).toMatchObject({ hi80: 0, hi95: 0 });
		expect(zeroForecastEnds([])).toEqual({ hi80: 0, hi95: 0, coverage80: null, coverage95: null });
	});
});

describe('seasonal naive on the Chicago sample: an hour forecast 0 gets an upper end', () => {
	it('the hours of 2017 forecast 0 (no assault a week earlier), counted by SQL: 2,051 of 8,736, and 1,324 of them saw an assault', async () => {
		const [c] = await runner.rows<{ hours: number; zero: number; busy: number }>(
			`SELECT count(*)::INTEGER AS hours, count(*) FILTER (WHERE before = 0)::INTEGER AS zero, count(*) FILTER (WHERE before = 0 AND n > 0)::INTEGER AS busy
			 FROM (SELECT t, n, lag(n, ${WEEK}) OVER (ORDER BY i) AS before FROM hourly) WHERE t >= TIMESTAMP '2017-01-02'`
		);
		expect(c).toEqual({ hours: 8736, zero: 2051, busy: 1324 });
		expect(origins).toHaveLength(52);
		// So [0, 0] could hold at most (2,051 − 1,324) / 2,051 = 35.4% of those hours.
	});

	it('the week from Monday 2017-12-25: every hour forecast 0 has hi80 ≥ 1, its ends read off the calibration hours also forecast 0 (SQL)', async () => {
		const origin = origins[origins.length - 1];
		const f = forecastSeries(series.subarray(0, origin), { method: 'seasonal-naive', horizon: WEEK, period: WEEK });
		const zeroHours = f.mean.flatMap((m, h) => (m === 0 ? [h] : []));
		expect(zeroHours).toHaveLength(45);
		for (const h of zeroHours) {
			expect(f.lo80[h]).toBe(0);
			expect(f.hi80[h]).toBeGreaterThanOrEqual(1);
			expect(f.hi95[h]).toBeGreaterThanOrEqual(f.hi80[h]);
		}
		// Each band's upper ends, recomputed in SQL: the calibration hours are the 8 weeks before the
		// origin (8 earlier origins of a one-week horizon), those forecast 0 had no assault a week
		// before; u is the count whose share of actuals at or below it is nearest 80% (95%), ties wider.
		for (const block of f.intervals.blocks) {
			const band = block.band!;
			const [ends] = await runner.rows<{ points: number; hi80: number; hi95: number }>(
				`WITH cal AS (
				   SELECT n FROM (SELECT i, t, n, lag(n, ${WEEK}) OVER (ORDER BY i) AS before FROM hourly)
				   WHERE i >= ? AND i < ? AND before = 0 AND hour(t) // 8 = ?),
				 shares AS (SELECT u, (SELECT count(*) FROM cal WHERE n <= u) / (SELECT count(*) FROM cal) AS share FROM (SELECT DISTINCT n AS u FROM cal))
				 SELECT (SELECT count(*) FROM cal)::INTEGER AS points,
				        (SELECT u FROM shares ORDER BY abs(share - 0.8), u DESC LIMIT 1)::INTEGER AS hi80,
				        (SELECT u FROM shares ORDER BY abs(share - 0.95), u DESC LIMIT 1)::INTEGER AS hi95`,
				[origin - 8 * WEEK, origin, band]
			);
			expect(ends.points).toBeGreaterThanOrEqual(MIN_ZERO_REFERENCE);
			expect({ points: block.zeroPoints, hi80: block.zeroHi80, hi95: block.zeroHi95 }).toEqual(ends);
			for (const h of zeroHours.filter((x) => Math.floor(x / 8) % 3 === band)) expect([f.hi80[h], f.hi95[h]]).toEqual([ends.hi80, ends.hi95]);
		}
	});

	it('held out (the 52 weeks of 2017, each forecast from the data before it): the 95% intervals hold 95.0% of the hours (was 84.8%), counted in SQL', async () => {
		const cols: Record<string, number[]> = { i: [], mean: [], lo80: [], hi80: [], lo95: [], hi95: [] };
		for (const o of origins) {
			const f = forecastSeries(series.subarray(0, o), { method: 'seasonal-naive', horizon: WEEK, period: WEEK, explain: false });
			for (let h = 0; h < WEEK; h++) {
				cols.i.push(o + h);
				cols.mean.push(f.mean[h]);
				cols.lo80.push(f.lo80[h]);
				cols.hi80.push(f.hi80[h]);
				cols.lo95.push(f.lo95[h]);
				cols.hi95.push(f.hi95[h]);
			}
		}
		await loadIntervals('held_out', cols);
		const [c] = await runner.rows<{ hours: number; in80: number; in95: number; zero: number; zero_in80: number; zero_in95: number }>(
			`SELECT count(*)::INTEGER AS hours,
			        count(*) FILTER (WHERE h.n BETWEEN v.lo80 AND v.hi80)::INTEGER AS in80,
			        count(*) FILTER (WHERE h.n BETWEEN v.lo95 AND v.hi95)::INTEGER AS in95,
			        count(*) FILTER (WHERE v.mean = 0)::INTEGER AS zero,
			        count(*) FILTER (WHERE v.mean = 0 AND h.n BETWEEN v.lo80 AND v.hi80)::INTEGER AS zero_in80,
			        count(*) FILTER (WHERE v.mean = 0 AND h.n BETWEEN v.lo95 AND v.hi95)::INTEGER AS zero_in95
			 FROM held_out v JOIN hourly h USING (i)`
		);
		expect(c.hours).toBe(8736);
		expect(c.zero).toBe(2051);
		// Within one point of nominal at both levels (before: 79.8% and 84.8%). Counted when written:
		// 6,986 (80.0%) and 8,303 (95.0%); of the 2,051 hours forecast 0, 1,665 (81.2%) and 1,946 (94.9%).
		expect(Math.abs(c.in80 / c.hours - 0.8)).toBeLessThanOrEqual(0.01);
		expect(Math.abs(c.in95 / c.hours - 0.95)).toBeLessThanOrEqual(0.01);
		// The hours forecast 0 themselves: held near nominal, against 35.4% under [0, 0].
		expect(c.zero_in80 / c.zero).toBeGreaterThanOrEqual(0.78);
		expect(c.zero_in95 / c.zero).toBeGreaterThanOrEqual(0.93);
		// The backtest's own scoring (the Accuracy page's) counts the same hours.
		const b = backtest(series, { period: WEEK, horizon: WEEK, origins, methods: ['seasonal-naive'] });
		expect(b.scores[0].coverage80).toBeCloseTo(c.in80 / c.hours, 12);
		expect(b.scores[0].coverage95).toBeCloseTo(c.in95 / c.hours, 12);
	}, 60_000);
});
