/**
 * Invariants of THR scoring over the real City of London street data (all 24 monthly files,
 * 18,206 accepted rows) in a native DuckDB: exact sums for every area and month, stable ranks
 * under ties, excluded categories contribute nothing, only data up to the month is used, band
 * moves really move the band, swapping the Risk provider, and other model shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { cchiWeights, createIncidents, sampleRunner, thrV1, thrV2, type FixtureRow } from './fixtures.test-setup';
import { SCORE_UNITS, areaTrend, formatScore, rankOrder, rescore, scoreMonth, scoreMonths, scoreTrend, type ScoreResult } from './score';
import { bandMoves, compareAreas, explainArea, areaIncidents } from './explain';
import { ensureHarmWeights } from './sql';
import { monthLabel, type ThrModel } from './model';
import type { RiskProvider } from './risk';
import type { RiskDetail } from './score';
import { forecastAreaHarm } from '../forecast/area-harm';
import { appendReview, latestDecisions, type ReviewEntry } from '../review/log';

const model = thrV1();
const weights = cchiWeights();
const MONTHS = ['2018-03', '2018-09', '2018-12', '2019-03', '2019-06', '2019-09', '2019-11'];
/**
 * The invariants below are checked on the sample as an extract without a declared force area
 * (as built before force areas, or an import that names none): scoring then falls back to every
 * area with records (97 City and neighbouring LSOAs), which exercises ranks, ties and bands far
 * more than the City's own 6. The force-area scope is tested in force-area.test.ts and v3.test.ts.
 */
const OLD_EXTRACT = { forceArea: false };
/** Building the sample extract once per test process takes about 10 s. */
const BUILD_MS = 120_000;

describe('THR scores over the real sample', () => {
	let runner: NodeRunner;
	let results: ScoreResult[];
	beforeAll(async () => {
		runner = await sampleRunner(OLD_EXTRACT);
		results = await scoreMonths(runner, { model, weights, months: MONTHS });
	}, BUILD_MS);
	afterAll(() => runner.close());

	it('scores every month asked for, each area once, ranks 1…N', () => {
		expect(results.map((r) => r.month)).toEqual(MONTHS);
		for (const r of results) {
			expect(r.areas.length).toBeGreaterThan(10);
			expect(r.areas.map((a) => a.rank)).toEqual(r.areas.map((_, i) => i + 1));
			expect(new Set(r.areas.map((a) => a.areaId)).size).toBe(r.areas.length);
			expect(Object.values(r.bandCounts).reduce((s, n) => s + n, 0)).toBe(r.areas.length);
		}
	});

	it('score === Σ contributions exactly, for every area and month (floating point, any order; integers; decimals)', () => {
		let checked = 0;
		for (const r of results) {
			for (const a of r.areas) {
				const c = a.components.map((x) => x.contribution);
				expect(c.reduce((s, x) => s + x, 0)).toBe(a.score);
				expect(c.slice().reverse().reduce((s, x) => s + x, 0)).toBe(a.score);
				expect(a.components.reduce((s, x) => s + x.contributionUnits, 0)).toBe(a.scoreUnits);
				expect(a.score).toBe(a.scoreUnits / SCORE_UNITS);
				// The exact decimal strings parse back to the same numbers, so they add up too.
				expect(a.components.map((x) => Number(formatScore(x.contributionUnits))).reduce((s, x) => s + x, 0)).toBe(Number(formatScore(a.scoreUnits)));
				for (const x of a.components) {
					expect(x.percentile).toBeGreaterThanOrEqual(0);
					expect(x.percentile).toBeLessThanOrEqual(1);
					expect(x.contributionUnits).toBe(Math.round(x.percentile * model.components.find((m) => m.id === x.id)!.weight * SCORE_UNITS));
				}
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(300);
	});

	it('bands follow the thresholds and ranks follow the tie rule (score desc, harm desc, area asc)', () => {
		for (const r of results) {
			for (const a of r.areas) {
				const expected = a.score >= 0.75 ? 'high' : a.score >= 0.5 ? 'medium' : 'low';
				expect(a.band).toBe(expected);
			}
			for (let i = 1; i < r.areas.length; i++) {
				const [p, q] = [r.areas[i - 1], r.areas[i]];
				const order = q.scoreUnits - p.scoreUnits || q.components[0].raw - p.components[0].raw || (p.areaId < q.areaId ? -1 : 1);
				expect(order).toBeLessThan(0);
			}
		}
	});

	it('one pass for several months gives the same as each month alone', async () => {
		for (const month of ['2018-12', '2019-11']) {
			const alone = await scoreMonth(runner, { model, weights, month });
			expect(alone).toEqual(results[MONTHS.indexOf(month)]);
		}
	});

	it('scoreTrend gives the same ranks, scores, bands and contributions as columns', async () => {
		const trend = await scoreTrend(runner, { model, weights, months: MONTHS });
		expect(trend.months.map((m) => m.month)).toEqual(MONTHS);
		trend.months.forEach((m, j) => {
			const r = results[j];
			expect(m.areaIds).toEqual(r.areas.map((a) => a.areaId));
			expect(Array.from(m.scoreUnits)).toEqual(r.areas.map((a) => a.scoreUnits));
			expect(Array.from(m.band, (b) => model.bands[b].id)).toEqual(r.areas.map((a) => a.band));
			model.components.forEach((_, k) => {
				expect(Array.from(m.contributionUnits[k])).toEqual(r.areas.map((a) => a.components[k].contributionUnits));
				expect(Array.from(m.raw[k])).toEqual(r.areas.map((a) => a.components[k].raw));
			});
			expect(m.warnings).toEqual(r.warnings);
		});
		const top = results[MONTHS.indexOf('2019-06')].areas[0];
		const series = areaTrend(trend, top.areaId);
		expect(series[MONTHS.indexOf('2019-06')]).toEqual({ month: '2019-06', rank: 1, score: top.score, band: top.band });
		expect(areaTrend(trend, 'E00000000').every((x) => x.rank === null)).toBe(true);
	});

	it('uses only data up to and including the month: deleting later rows changes nothing', async () => {
		const other = await sampleRunner(OLD_EXTRACT);
		try {
			await other.exec(`DELETE FROM incidents WHERE month > '2019-03'`);
			expect(await scoreMonth(other, { model, weights, month: '2019-03' })).toEqual(results[MONTHS.indexOf('2019-03')]);
		} finally {
			other.close();
		}
	});

	it('excluded categories contribute nothing: removing or adding Drugs and weapons rows changes no score', async () => {
		const other = await sampleRunner(OLD_EXTRACT);
		try {
			const [{ n }] = await other.rows<{ n: number }>(`SELECT count(*) AS n FROM incidents WHERE category IN ('Drugs', 'Possession of weapons')`);
			expect(n).toBeGreaterThan(1000);
			await other.exec(`CREATE TABLE excluded_rows AS SELECT * FROM incidents WHERE category IN ('Drugs', 'Possession of weapons')`);
			await other.exec(`DELETE FROM incidents WHERE category IN ('Drugs', 'Possession of weapons')`);
			// Everything but the count of records without a location, which counts every category.
			const unplacedApart = (rs: ScoreResult[]) => rs.map((r) => ({ ...r, scope: { ...r.scope, recordsUnplaced: 0 } }));
			expect(unplacedApart(await scoreMonths(other, { model, weights, months: MONTHS }))).toEqual(unplacedApart(results));
			// Put them back three times over (the real rows, repeated).
			for (let copy = 0; copy < 3; copy++) await other.exec('INSERT INTO incidents SELECT * FROM excluded_rows');
			expect(unplacedApart(await scoreMonths(other, { model, weights, months: MONTHS }))).toEqual(unplacedApart(results));
		} finally {
			other.close();
		}
	});

	it('every reachable band move really moves the band, and the value just short of it does not', () => {
		const r = results[MONTHS.indexOf('2019-06')];
		let checked = 0;
		for (const area of r.areas) {
			const moves = bandMoves(r, area.areaId);
			for (const move of [moves.up, moves.down]) {
				if (!move) continue;
				for (const [k, m] of move.byComponent.entries()) {
					if (!m.reachable) continue;
					const { op, value } = m.neededRaw!;
					const nudge = Math.max(Math.abs(value) * 1e-9, 1e-9);
					const at = op === '>=' || op === '<=' ? value : op === '>' ? value + nudge : value - nudge;
					const moved = withRaw(r, area.areaId, k, at);
					const band = moved.areas.find((a) => a.areaId === area.areaId)!.band;
					expect(band).toBe(move.band.id);
					if (op === '>=' || op === '<=') {
						const short = withRaw(r, area.areaId, k, op === '>=' ? value - nudge : value + nudge);
						expect(short.areas.find((a) => a.areaId === area.areaId)!.band).not.toBe(move.band.id);
					}
					checked++;
				}
			}
		}
		expect(checked).toBeGreaterThan(20);
	});

	it('compare: differences add up exactly to the score difference, for every pair of neighbours', () => {
		const r = results[MONTHS.indexOf('2019-06')];
		for (let i = 1; i < r.areas.length; i++) {
			const c = compareAreas(r, { a: r.areas[i - 1].areaId, b: r.areas[i].areaId });
			expect(c.higher).toBe('a');
			expect(c.components.reduce((s, x) => s + x.difference, 0)).toBe(c.scoreDifference);
			expect(c.scoreDifference).toBe(r.areas[i - 1].score - r.areas[i].score);
		}
	});

	it('explanations agree with the scores: harm by category sums to the raw harm; the threat series to its counts', async () => {
		const r = results[MONTHS.indexOf('2019-06')];
		for (const area of r.areas.slice(0, 8)) {
			const e = await explainArea(runner, { result: r, areaId: area.areaId });
			const harm = e.harm[0];
			const total = harm.categories.reduce((s, c) => s + (c.harm ?? 0), 0);
			expect(total).toBeCloseTo(area.components[0].raw, 6);
			for (const c of harm.categories) {
				if (c.category === 'Drugs') expect(c).toMatchObject({ excluded: true, excludedBy: 'harm-weights', harm: null });
				if (c.category === 'Possession of weapons') expect(c).toMatchObject({ excluded: true, excludedBy: 'model', harm: null });
			}
			const t = e.threat[0];
			const sum = (part: string) => t.months.filter((m) => m.part === part).reduce((s, m) => s + m.incidents, 0);
			expect([sum('recent'), sum('baseline')]).toEqual([t.detail.recentCount, t.detail.baselineCount]);
			expect(e.components.map((c) => c.contribution).reduce((s, x) => s + x, 0)).toBe(e.score);
		}
		const rows = await areaIncidents(runner, { result: r, areaId: r.areas[0].areaId, limit: 5000 });
		const counted = rows.filter((x) => !x.excluded && x.components.includes('harm')).length;
		expect(counted).toBe((r.areas[0].components[0].detail as { incidents: number }).incidents);
	});

	it('Harm agrees with the shared harm_weights table (created once from the model file, bound values)', async () => {
		expect(await ensureHarmWeights(runner, weights)).toBe(true);
		expect(await ensureHarmWeights(runner, weights)).toBe(false);
		const rows = await runner.rows<{ area: string; harm: number }>(
			`SELECT i.lsoa_code AS area, sum(w.weight) AS harm FROM incidents i JOIN harm_weights w USING (category)
			 WHERE NOT w.excluded AND i.category <> 'Possession of weapons' AND i.month BETWEEN '2018-07' AND '2019-06' AND i.lsoa_code IS NOT NULL
			 GROUP BY 1`
		);
		const viaTable = new Map(rows.map((r) => [r.area, r.harm]));
		const r = results[MONTHS.indexOf('2019-06')];
		for (const a of r.areas) expect(a.components[0].raw).toBeCloseTo(viaTable.get(a.areaId) ?? 0, 6);
	});

	it('review decisions never change scores', async () => {
		const r = results[MONTHS.indexOf('2019-06')];
		const before = structuredClone(r);
		let log: ReviewEntry[] = [];
		for (const a of r.areas.slice(0, 3)) {
			log = await appendReview(log, { area_id: a.areaId, month: r.month, decision: 'lower', reason: 'known event, now over', reviewer: 'PS 1234', model_id: model.id, model_version: model.version });
		}
		expect(latestDecisions(log, r.month).size).toBe(3);
		expect(r).toEqual(before);
		expect(await scoreMonth(runner, { model, weights, month: r.month })).toEqual(before);
	});

	it('a swapped Risk provider is used as given (and checked)', async () => {
		const constant: RiskProvider = ({ history }) => ({
			method: 'constant test provider',
			level: 0.8,
			expected: Float64Array.from(history.areaId, (a) => (a.endsWith('1') ? 10 : 1)),
			low: Float64Array.from(history.areaId, () => 0),
			high: Float64Array.from(history.areaId, () => 20)
		});
		const r = await scoreMonth(runner, { model, weights, month: '2019-06', risk: constant });
		for (const a of r.areas) {
			expect(a.components[2].raw).toBe(a.areaId.endsWith('1') ? 10 : 1);
			expect(a.components[2].detail).toMatchObject({ method: 'constant test provider' });
		}
		const broken: RiskProvider = async (req) => ({ ...(await constant(req)), expected: new Float64Array(1) });
		await expect(scoreMonth(runner, { model, weights, month: '2019-06', risk: broken })).rejects.toThrow(/expected has 1 values/);
	});

	it('a new model is a new file: four components, H3 cells, other windows, no code change', async () => {
		const four: ThrModel = {
			...model,
			id: 'thr-test-four',
			scope: { area_unit: 'h3_r8', areas: 'harm-in-window' },
			components: [
				{ ...model.components[0], window_months: 6, weight: 0.3 },
				{ ...model.components[1], weight: 0.2 },
				{ ...model.components[2], weight: 0.3 },
				{
					id: 'repeat',
					kind: 'repeat-location',
					label: 'Repeat locations',
					description: 'Share of incidents at snap points with at least 3 in the window.',
					unit: 'share of incidents',
					window_months: 12,
					min_repeat: 3,
					normalisation: { method: 'percentile-rank', ties: 'max-rank' },
					weight: 0.2
				}
			]
		};
		const r = await scoreMonth(runner, { model: four, weights, month: '2019-06' });
		expect(r.areas.length).toBeGreaterThan(20);
		expect(r.areas[0].areaId).toMatch(/^88/);
		for (const a of r.areas) {
			expect(a.components.map((c) => c.id)).toEqual(['harm', 'threat', 'risk', 'repeat']);
			expect(a.components.reduce((s, c) => s + c.contribution, 0)).toBe(a.score);
			const rep = a.components[3];
			expect(rep.raw).toBeGreaterThanOrEqual(0);
			expect(rep.raw).toBeLessThanOrEqual(1);
		}
		// One area's repeat share by hand in SQL: incidents at points with ≥ 3 of them in 2018-07…2019-06.
		const top = r.areas[0];
		const [check] = await runner.rows<{ share: number }>(
			`WITH pts AS (
			   SELECT longitude, latitude, count(*) AS n FROM incidents
			   WHERE h3_r8 = ? AND month BETWEEN '2018-07' AND '2019-06' AND category NOT IN ('Drugs', 'Possession of weapons') AND longitude IS NOT NULL
			   GROUP BY ALL)
			 SELECT (sum(n) FILTER (WHERE n >= 3)) / sum(n) AS share FROM pts`,
			[top.areaId]
		);
		expect(top.components[3].raw).toBeCloseTo(check.share ?? 0, 12);
	});

	it('rescore with the same model reproduces the result; with new component weights it reuses the raw values', () => {
		const r = results[MONTHS.indexOf('2019-09')];
		expect(rescore(r, { model })).toEqual(r);
		const tilted = structuredClone(model);
		tilted.components[0].weight = 0.6;
		tilted.components[1].weight = 0.2;
		tilted.components[2].weight = 0.2;
		const again = rescore(r, { model: tilted });
		for (const a of again.areas) {
			const b = r.areas.find((x) => x.areaId === a.areaId)!;
			expect(a.components.map((c) => c.raw)).toEqual(b.components.map((c) => c.raw));
			expect(a.components.map((c) => c.percentile)).toEqual(b.components.map((c) => c.percentile));
			expect(a.components.reduce((s, c) => s + c.contribution, 0)).toBe(a.score);
		}
		const windowChanged = structuredClone(model);
		windowChanged.components[0].window_months = 6;
		expect(() => rescore(r, { model: windowChanged })).toThrow(/score again/);
	});

	it('warns when the windows reach before the data, and when the month itself has no rows', async () => {
		expect(results[0].warnings.join(' ')).toMatch(/data starts in 2017-12, after the start of the longest window \(2017-01\)/);
		const [late] = await scoreMonths(runner, { model, weights, months: ['2020-02'] });
		expect(late.warnings.join(' ')).toMatch(/no records in 2020-02 itself: the latest month with records is 2019-11/);
		const [early] = await scoreMonths(runner, { model, weights, months: ['2016-01'] });
		expect(early.areas).toEqual([]);
		expect(early.warnings).toEqual(['no records up to 2016-01: nothing to score']);
		await expect(scoreMonth(runner, { model, weights, month: '2019-13' })).rejects.toThrow(/not a month/);
	});
});

describe('ties', () => {
	// Two real LSOAs given exactly the same real rows (those of E01000916 Camden 027B, 2018-04 to
	// 2019-02), plus the real rows of E01004319 (Tower Hamlets 021A): the first two tie on every
	// component, so the tie rule (score desc, harm desc, area id asc) must decide, every time.
	const camden: Array<[string, string]> = [
		['2018-04', 'Other theft'],
		['2018-04', 'Other theft'],
		['2018-12', 'Other theft'],
		['2019-02', 'Other theft']
	];
	const rows: FixtureRow[] = [
		...camden.map(([month, category]) => ({ lsoa: 'E01000917', month, category })),
		...camden.map(([month, category]) => ({ lsoa: 'E01000916', month, category })),
		{ lsoa: 'E01004319', month: '2019-05', category: 'Theft from the person' },
		{ lsoa: 'E01004319', month: '2019-06', category: 'Violence and sexual offences' }
	];
	let runner: NodeRunner;
	beforeAll(async () => (runner = await createNodeRunner()));
	afterAll(() => runner.close());

	it('equal scores and equal harm are ordered by area id, whatever order the rows were loaded in', async () => {
		const ranks: string[][] = [];
		for (const order of [rows, rows.slice().reverse(), [...rows.slice(4), ...rows.slice(0, 4)]]) {
			await createIncidents(runner, order);
			const r = await scoreMonth(runner, { model: thrV1(), weights, month: '2019-06' });
			const [x, y] = [r.areas[1], r.areas[2]];
			expect(x.scoreUnits).toBe(y.scoreUnits);
			expect(x.components.map((c) => c.raw)).toEqual(y.components.map((c) => c.raw));
			ranks.push(r.areas.map((a) => `${a.rank}:${a.areaId}`));
		}
		expect(ranks).toEqual(Array(3).fill(['1:E01004319', '2:E01000916', '3:E01000917']));
	});

	it('the rule is applied key by key (pure)', () => {
		// Scores tie for a and b; harm breaks it (b higher); c and d tie on both, id decides.
		const ids = ['d', 'c', 'b', 'a'];
		const harm = Float64Array.from([5, 5, 9, 1]);
		const units = [100, 100, 200, 200];
		const order = rankOrder(thrV1(), { areaIds: ids, raw: [harm, new Float64Array(4), new Float64Array(4)], scoreUnits: units });
		expect(order.map((i) => ids[i])).toEqual(['b', 'a', 'c', 'd']);
	});

	it('areas listed in code order (as scorings list them) get the same order as the rule key by key, ties, −0 and negatives included (pure)', () => {
		// The same pure case with the ids ascending, then 2,000 areas with many ties, against a
		// comparator written here from the rule: score desc, harm desc, area id asc.
		const small = rankOrder(thrV1(), { areaIds: ['a', 'b', 'c', 'd'], raw: [Float64Array.from([1, 9, 5, 5]), new Float64Array(4), new Float64Array(4)], scoreUnits: [200, 200, 100, 100] });
		expect(small.map((i) => 'abcd'[i])).toEqual(['b', 'a', 'c', 'd']);
		const n = 2000;
		const ids = Array.from({ length: n }, (_, i) => `E0${String(i).padStart(7, '0')}`);
		let seed = 7;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const harm = Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? -0 : i % 89 === 0 ? -3.5 : Math.floor(next() * 20) / 4));
		const units = Int32Array.from({ length: n }, () => Math.floor(next() * 30) * 1000);
		const expected = ids.map((_, i) => i).sort((a, b) => units[b] - units[a] || harm[b] - harm[a] || (ids[a] < ids[b] ? -1 : 1));
		expect(rankOrder(thrV1(), { areaIds: ids, raw: [harm, new Float64Array(n), new Float64Array(n)], scoreUnits: units })).toEqual(expected);
	});

	it('monthLabel is the inverse of monthIndex', () => {
		expect(monthLabel(2019 * 12 + 5)).toBe('2019-06');
	});
});

/** A copy of `result` with one area's raw value of component k replaced, rescored. */
function withRaw(result: ScoreResult, areaId: string, k: number, raw: number): ScoreResult {
	const copy = structuredClone(result);
	copy.areas.find((a) => a.areaId === areaId)!.components[k].raw = raw;
	return rescore(copy, { model: result.model });
}

describe('thr-v2 over the real sample: Risk from the forecast', () => {
	const v2 = thrV2();
	let runner: NodeRunner;
	let results: ScoreResult[];
	beforeAll(async () => {
		runner = await sampleRunner(OLD_EXTRACT);
		results = await scoreMonths(runner, { model: v2, weights, months: MONTHS });
	}, BUILD_MS);
	afterAll(() => runner.close());

	it('uses only data up to and including the month: deleting later rows changes nothing, forecast included', async () => {
		const other = await sampleRunner(OLD_EXTRACT);
		try {
			await other.exec(`DELETE FROM incidents WHERE month > '2019-03'`);
			const alone = await scoreMonth(other, { model: v2, weights, month: '2019-03' });
			expect(alone).toEqual(results[MONTHS.indexOf('2019-03')]);
			expect(alone.components[2].riskRun!.historyTo).toBe('2019-03');
		} finally {
			other.close();
		}
	});

	it('Risk is the forecast of forecastAreaHarm for the month after, with the model’s method, history and 80% interval', async () => {
		const r = results[MONTHS.indexOf('2019-06')];
		const f = await forecastAreaHarm(runner, { trainEnd: '2019-06', method: 'seasonal-mean', historyMonths: 36, backtestMonths: 6, weights: r.weights });
		const byArea = new Map(f.areas.map((a) => [a.areaId, a]));
		for (const a of r.areas) {
			const d = a.components[2].detail as RiskDetail;
			expect(d.expected).toBe(byArea.get(a.areaId)!.expected);
			expect(d.low).toBeLessThanOrEqual(d.high);
			expect(d.history).toEqual(byArea.get(a.areaId)!.history);
		}
		expect(r.components[2].riskRun).toMatchObject({ forecastMonth: '2019-07', method: 'seasonal-mean', overdispersion: f.overdispersion });
		// Areas with steady harm get a real interval around the forecast.
		const top = r.areas[0].components[2].detail as RiskDetail;
		expect(top.low).toBeGreaterThan(0);
		expect(top.high).toBeGreaterThan(top.expected);
	});

	it('the declared method is the backtest’s own choice on this sample at every month scored (the evidence behind thr-v2)', async () => {
		for (const month of MONTHS.slice(1)) {
			const f = await forecastAreaHarm(runner, { trainEnd: month, method: 'auto', historyMonths: 36, backtestMonths: 6, weights: results[0].weights });
			expect([month, f.method]).toEqual([month, 'seasonal-mean']);
		}
	});

	it('with under 30 months of history the forecast is 12-month harm ÷ 12, so Risk ranks areas exactly as Harm (a documented limitation)', () => {
		for (const r of results.filter((x) => x.components[2].riskRun!.period === 1 && x.month >= '2019-01')) {
			for (const a of r.areas) {
				expect(a.components[2].raw).toBeCloseTo(a.components[0].raw / 12, 9);
				expect(a.components[2].percentile).toBe(a.components[0].percentile);
			}
		}
	});
});
