/**
 * A hand-worked example: three real LSOAs, every real street-level row they have up to
 * 2019-11 in the City of London files (copied with file and line, and checked against the files
 * below), scored with the published model thr-v1 for assessment month 2019-06. Every figure is
 * worked out by hand in the comments and asserted exactly.
 *
 * Weights (models/harm-weights/cchi-police-uk-v1.json, CCHI days): Violence and sexual offences
 * (VSO) 194.21, Public order (PO) 7.5, Other crime (OC) 10, Other theft (OT) 2, Theft from the
 * person (TFP) 2, Shoplifting (SL) 1, Anti-social behaviour (ASB) 1. Drugs is excluded by the
 * table, Possession of weapons by the model.
 *
 * Windows for M = 2019-06 (thr-v1): Harm 2018-07…2019-06 (12 months); Threat recent
 * 2019-04…2019-06, baseline 2018-04…2019-03 (3 + 12 = 15 months); Risk 2019-01…2019-06 (6 months).
 * Rows before 2018-04 and after 2019-06 must not matter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { STREET_DIR, cchiWeights, createForceArea, createIncidents, thrV1, thrV2, thrV3, type FixtureRow } from './fixtures.test-setup';
import { SCORE_UNITS, formatScore, scoreMonth, type ScoreResult, type ThreatDetail, type RiskDetail } from './score';
import { areaReason, bandMoves, compareAreas, explainArea } from './explain';

const A = 'E01032640'; // Southwark 003H
const B = 'E01000916'; // Camden 027B
const C = 'E01004319'; // Tower Hamlets 021A

const A100 = { location: 'On or near A100', longitude: -0.07624, latitude: 51.504245 };
const CHARTERHOUSE = { location: 'On or near Charterhouse Street', longitude: -0.106453, latitude: 51.518207 };
const f = (month: string) => `${month}-city-of-london-street.csv`;

// prettier-ignore
const ROWS: FixtureRow[] = [
	// A, Southwark 003H: 21 rows to 2019-06, all "On or near A100".
	{ lsoa: A, month: '2018-02', category: 'Violence and sexual offences', ...A100, file: f('2018-02'), line: 545 }, // before the windows
	{ lsoa: A, month: '2018-03', category: 'Anti-social behaviour', ...A100, file: f('2018-03'), line: 647 },        // before
	{ lsoa: A, month: '2018-03', category: 'Anti-social behaviour', ...A100, file: f('2018-03'), line: 648 },        // before
	{ lsoa: A, month: '2018-03', category: 'Anti-social behaviour', ...A100, file: f('2018-03'), line: 649 },        // before
	{ lsoa: A, month: '2018-03', category: 'Criminal damage and arson', ...A100, file: f('2018-03'), line: 650 },    // before
	{ lsoa: A, month: '2018-04', category: 'Anti-social behaviour', ...A100, file: f('2018-04'), line: 599 },
	{ lsoa: A, month: '2018-04', category: 'Anti-social behaviour', ...A100, file: f('2018-04'), line: 600 },
	{ lsoa: A, month: '2018-04', category: 'Anti-social behaviour', ...A100, file: f('2018-04'), line: 601 },
	{ lsoa: A, month: '2018-04', category: 'Other crime', ...A100, file: f('2018-04'), line: 602 },
	{ lsoa: A, month: '2018-05', category: 'Anti-social behaviour', ...A100, file: f('2018-05'), line: 617 },
	{ lsoa: A, month: '2018-06', category: 'Anti-social behaviour', ...A100, file: f('2018-06'), line: 657 },
	{ lsoa: A, month: '2018-06', category: 'Anti-social behaviour', ...A100, file: f('2018-06'), line: 658 },
	{ lsoa: A, month: '2018-07', category: 'Public order', ...A100, file: f('2018-07'), line: 669 },
	{ lsoa: A, month: '2018-10', category: 'Shoplifting', ...A100, file: f('2018-10'), line: 709 },
	{ lsoa: A, month: '2018-10', category: 'Theft from the person', ...A100, file: f('2018-10'), line: 710 },
	{ lsoa: A, month: '2018-10', category: 'Other crime', ...A100, file: f('2018-10'), line: 711 },
	{ lsoa: A, month: '2018-11', category: 'Theft from the person', ...A100, file: f('2018-11'), line: 701 },
	{ lsoa: A, month: '2018-12', category: 'Public order', ...A100, file: f('2018-12'), line: 666 },
	{ lsoa: A, month: '2019-02', category: 'Shoplifting', ...A100, file: f('2019-02'), line: 639 },
	{ lsoa: A, month: '2019-02', category: 'Theft from the person', ...A100, file: f('2019-02'), line: 640 },
	{ lsoa: A, month: '2019-02', category: 'Theft from the person', ...A100, file: f('2019-02'), line: 641 },
	// B, Camden 027B: 10 rows to 2019-11.
	{ lsoa: B, month: '2018-01', category: 'Other theft', ...CHARTERHOUSE, file: f('2018-01'), line: 2 }, // before
	{ lsoa: B, month: '2018-02', category: 'Other theft', ...CHARTERHOUSE, file: f('2018-02'), line: 2 }, // before
	{ lsoa: B, month: '2018-03', category: 'Violence and sexual offences', location: 'On or near Nightclub', longitude: -0.106038, latitude: 51.519873, file: f('2018-03'), line: 2 }, // before
	{ lsoa: B, month: '2018-04', category: 'Other theft', ...CHARTERHOUSE, file: f('2018-04'), line: 2 },
	{ lsoa: B, month: '2018-04', category: 'Other theft', ...CHARTERHOUSE, file: f('2018-04'), line: 3 },
	{ lsoa: B, month: '2018-12', category: 'Other theft', ...CHARTERHOUSE, file: f('2018-12'), line: 2 },
	{ lsoa: B, month: '2019-02', category: 'Other theft', ...CHARTERHOUSE, file: f('2019-02'), line: 2 },
	{ lsoa: B, month: '2019-07', category: 'Violence and sexual offences', ...CHARTERHOUSE, file: f('2019-07'), line: 2 }, // after M
	{ lsoa: B, month: '2019-08', category: 'Violence and sexual offences', location: 'On or near Clerkenwell Road', longitude: -0.109582, latitude: 51.522017, file: f('2019-08'), line: 3 }, // after
	{ lsoa: B, month: '2019-11', category: 'Drugs', location: 'On or near Nightclub', longitude: -0.106038, latitude: 51.519873, file: f('2019-11'), line: 3 }, // after
	// C, Tower Hamlets 021A: 2 rows to 2019-06.
	{ lsoa: C, month: '2019-05', category: 'Theft from the person', location: 'On or near Cannon Street Road', longitude: -0.061462, latitude: 51.512931, file: f('2019-05'), line: 645 },
	{ lsoa: C, month: '2019-06', category: 'Violence and sexual offences', location: 'On or near Commercial Road', longitude: -0.062033, latitude: 51.514748, file: f('2019-06'), line: 834 }
];

/*
 * Harm (12 months, 2018-07…2019-06):
 *   A: PO ×2 (2018-07, 2018-12) = 15; SL ×2 = 2; TFP ×4 (2018-10, 2018-11, 2019-02 ×2) = 8;
 *      OC ×1 (2018-10) = 10                                    → 35 CCHI days, 9 incidents
 *   B: OT 2018-12 + OT 2019-02 = 2 + 2                          → 4, 2 incidents
 *   C: TFP 2019-05 + VSO 2019-06 = 2 + 194.21                   → 196.21, 2 incidents
 *   Percentiles (mid-rank, N = 3, so (areas below) ÷ 2): B 0, A 0.5, C 1.
 *
 * Threat (counts r recent, b baseline; e = b × 3/12; harm likewise):
 *   A: r = 0 (no rows 2019-04…06); baseline rows 2018-04…2019-03 = ASB ×6, OC ×2, PO ×2, SL ×2,
 *      TFP ×4 → b = 16, baseline harm = 6 + 20 + 15 + 2 + 8 = 51; e = 4; expected harm 12.75
 *   B: r = 0; baseline OT ×4 (2018-04 ×2, 2018-12, 2019-02) → b = 4, harm 8; e = 1; expected 2
 *   C: r = 2 (TFP, VSO), recent harm 196.21; b = 0 → e = 0, expected 0
 *   Shrinkage α (areas with e > 0: A and B):
 *     Pearson = (0 − 4)²/4 + (0 − 1)²/1 = 4 + 1 = 5; chance = 2 × (1 + 3/12) = 2.5;
 *     1/α = (5 − 2.5) / (4 + 1) = 0.5 → α = 2 incidents.
 *   Mean weight w̄ = window harm ÷ incidents: A 51/16 = 3.1875; B 8/4 = 2; C 196.21/2 = 98.105.
 *   Ratio (recent harm + α w̄) / (expected harm + α w̄):
 *     A: (0 + 6.375) / (12.75 + 6.375) = 1/3;  B: (0 + 4) / (2 + 4) = 2/3;
 *     C: (196.21 + 196.21) / (0 + 196.21) = 2.
 *   Percentiles: A 0, B 0.5, C 1.
 *   z = (r − b·3/12) / √(3(r + b)/12): A (0 − 4)/√4 = −2; B (0 − 1)/√1 = −1; C 2/√0.5 = 2√2.
 *   Exact p (r ~ Binomial(r + b, 3/15 = 0.2)): A 2 × 0.8^16 = 0.05629499534213120;
 *     B 2 × 0.8^4 = 0.8192; C 2 × 0.2² = 0.08.
 *
 * Risk (stand-in: harm over 2019-01…2019-06 ÷ 6; 80% interval = Poisson 10% and 90% quantiles
 * of the monthly count × mean weight):
 *   A: SL + TFP + TFP (2019-02) = 5 over 3 incidents → 5/6 per month; mean count 0.5:
 *      P(0) = e^−0.5 = 0.607 ≥ 0.1 → low 0; P(≤1) = 0.910 ≥ 0.9 → high 1 × 5/3
 *   B: OT 2019-02 = 2, 1 incident → 2/6 = 1/3; mean count 1/6: P(0) = 0.846, P(≤1) = 0.988 → [0, 2]
 *   C: 196.21 over 2 → 196.21/6 = 32.70166…; mean count 1/3: P(0) = 0.717, P(≤1) = 0.955
 *      → [0, 98.105]
 *   Percentiles: B 0, A 0.5, C 1.
 *
 * Contributions in score units (2^20 = 1,048,576 per 1.0), round(percentile × weight × 2^20):
 *   harm 0.4: p 0.5 → 209,715.2 → 209,715; p 1 → 419,430.4 → 419,430
 *   threat 0.3 and risk 0.3: p 0.5 → 157,286.4 → 157,286; p 1 → 314,572.8 → 314,573
 *   A: 209,715 + 0 + 157,286 = 367,001 → 0.34999942779541015625 (low)
 *   B: 0 + 157,286 + 0 = 157,286        → 0.1499996185302734375 (low)
 *   C: 419,430 + 314,573 + 314,573 = 1,048,576 → exactly 1 (high)
 * Ranks: C 1, A 2, B 3.
 */

describe('hand-worked example: three real LSOAs, thr-v1, 2019-06', () => {
	let runner: NodeRunner;
	let result: ScoreResult;
	const model = thrV1();
	const weights = cchiWeights();
	beforeAll(async () => {
		runner = await createNodeRunner();
		await createIncidents(runner, ROWS);
		result = await scoreMonth(runner, { model, weights, month: '2019-06' });
	});
	afterAll(() => runner.close());

	it('the fixture rows are the real rows of the street files', () => {
		for (const row of ROWS) {
			// Line N of the file is record N (the header is 1); none of these rows has a quoted comma.
			const cells = readFileSync(join(STREET_DIR, row.file!), 'utf8').split(/\r?\n/)[row.line! - 1].split(',');
			expect([cells[1], Number(cells[4]), Number(cells[5]), cells[6], cells[7], cells[9]]).toEqual([
				row.month,
				row.longitude,
				row.latitude,
				row.location,
				row.lsoa,
				row.category
			]);
		}
	});

	it('ranks, bands and scores to the last digit', () => {
		expect(result.areas.map((a) => [a.areaId, a.rank, a.band, a.scoreUnits])).toEqual([
			[C, 1, 'high', 1_048_576],
			[A, 2, 'low', 367_001],
			[B, 3, 'low', 157_286]
		]);
		expect(result.areas.map((a) => formatScore(a.scoreUnits))).toEqual(['1', '0.34999942779541015625', '0.1499996185302734375']);
		expect(result.areas.map((a) => a.score)).toEqual([1, 367_001 / SCORE_UNITS, 157_286 / SCORE_UNITS]);
		expect(result.bandCounts).toEqual({ high: 1, medium: 0, low: 2 });
		// Data from 2018-01 covers the whole 15-month lookback (2018-04…2019-06), and 2019-06 has rows.
		expect(result.warnings).toEqual([]);
	});

	it('every component: raw value, percentile and contribution', () => {
		const get = (id: string) => result.areas.find((a) => a.areaId === id)!;
		const view = (id: string) => get(id).components.map((c) => [c.id, c.raw, c.percentile, c.contributionUnits]);
		expect(view(A)).toEqual([
			['harm', 35, 0.5, 209_715],
			['threat', 1 / 3, 0, 0],
			['risk', 5 / 6, 0.5, 157_286]
		]);
		expect(view(B)).toEqual([
			['harm', 4, 0, 0],
			['threat', 2 / 3, 0.5, 157_286],
			['risk', 2 / 6, 0, 0]
		]);
		expect(view(C)).toEqual([
			['harm', 196.21, 1, 419_430],
			['threat', 2, 1, 314_573],
			['risk', 196.21 / 6, 1, 314_573]
		]);
		// The score is exactly the sum of the contributions, in floating point too.
		for (const a of result.areas) expect(a.components.reduce((s, c) => s + c.contribution, 0)).toBe(a.score);
	});

	it('threat details: counts, expected, shrinkage α = 2, z', () => {
		expect(result.components[1].shrinkage).toEqual({ alpha: 2, areas: 2, pearson: 5, chance: 2.5, expectedTotal: 5 });
		const detail = (id: string) => result.areas.find((a) => a.areaId === id)!.components[1].detail as ThreatDetail;
		expect(detail(A)).toEqual({
			kind: 'threat',
			recentCount: 0,
			baselineCount: 16,
			baselineMonths: 12,
			expectedCount: 4,
			recentHarm: 0,
			baselineHarm: 51,
			expectedHarm: 12.75,
			rawRatio: 0,
			meanWeight: 3.1875,
			z: -2,
			// No recent incident: P(X ≥ 0) = 1.
			pOneSided: 1
		});
		expect(detail(B)).toMatchObject({ recentCount: 0, baselineCount: 4, expectedCount: 1, baselineHarm: 8, expectedHarm: 2, meanWeight: 2, z: -1 });
		expect(detail(C)).toMatchObject({ recentCount: 2, baselineCount: 0, expectedCount: 0, recentHarm: 196.21, rawRatio: null, meanWeight: 98.105, z: 2 / Math.sqrt(0.5) });
		// One-sided p for a rise: both of C's 2 incidents recent, P(X = 2 | n = 2, 0.2) = 0.2² = 0.04.
		expect(detail(C).pOneSided).toBeCloseTo(0.04, 14);
	});

	it('risk details: expected harm and 80% interval', () => {
		const detail = (id: string) => result.areas.find((a) => a.areaId === id)!.components[2].detail as RiskDetail;
		expect(detail(A)).toMatchObject({ expected: 5 / 6, low: 0, high: 5 / 3, level: 0.8, windowHarm: 5, windowIncidents: 3 });
		expect(detail(B)).toMatchObject({ expected: 2 / 6, low: 0, high: 2, windowHarm: 2, windowIncidents: 1 });
		expect(detail(C)).toMatchObject({ expected: 196.21 / 6, low: 0, high: 98.105, windowHarm: 196.21, windowIncidents: 2 });
	});

	it('the explanation shows the categories × weights behind Harm and the months behind Threat', async () => {
		const e = await explainArea(runner, { result, areaId: A, extract: { builtAt: '2026-11-23T11:33:28.878Z', fingerprint: 'abc' } });
		expect(e.harm[0].categories.map((c) => [c.category, c.count, c.weight, c.harm])).toEqual([
			['Public order', 2, 7.5, 15],
			['Other crime', 1, 10, 10],
			['Theft from the person', 4, 2, 8],
			['Shoplifting', 2, 1, 2]
		]);
		expect(e.harm[0].total).toBe(35);
		const months = e.threat[0].months;
		expect(months.map((m) => m.month)).toEqual(
			['2018-04', '2018-05', '2018-06', '2018-07', '2018-08', '2018-09', '2018-10', '2018-11', '2018-12', '2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-06']
		);
		expect(months.map((m) => m.incidents)).toEqual([4, 1, 2, 1, 0, 0, 3, 1, 1, 0, 3, 0, 0, 0, 0]);
		expect(months.map((m) => m.harm)).toEqual([13, 1, 2, 7.5, 0, 0, 13, 2, 7.5, 0, 5, 0, 0, 0, 0]);
		expect(months.filter((m) => m.part === 'recent').map((m) => m.month)).toEqual(['2019-04', '2019-05', '2019-06']);
		expect(e.threat[0].alpha).toBe(2);
		expect(e.threat[0].pValue).toBeCloseTo(2 * 0.8 ** 16, 14);
		expect(e.model).toEqual({ id: 'thr', version: '1.0.0', title: model.title });
		expect(e.extract).toEqual({ builtAt: '2026-11-23T11:33:28.878Z', fingerprint: 'abc' });
		expect([e.rank, e.of, e.band.id]).toEqual([2, 3, 'low']);

		const c = await explainArea(runner, { result, areaId: C });
		expect(c.threat[0].pValue).toBeCloseTo(0.08, 14);
		expect(c.risk[0].detail).toMatchObject({ expected: 196.21 / 6, low: 0, high: 98.105 });
	});

	it('what would move A into the medium band, component by component', () => {
		const moves = bandMoves(result, A);
		expect(moves.down).toBeNull(); // already in the lowest band
		const up = moves.up!;
		expect(up.band.id).toBe('medium');
		expect(up.scoreChange).toBe(0.5 - 367_001 / SCORE_UNITS); // 0.15000057220458984375
		expect(up.byComponent.map((m) => [m.componentId, m.neededPercentile, m.neededRaw, m.newScore])).toEqual([
			// Harm: 157,286 + round(p × 419,430.4) ≥ 524,288 needs p = 1 → more than C's 196.21.
			['harm', 1, { op: '>', value: 196.21 }, 576_716 / SCORE_UNITS],
			// Threat: p = 0.5 (between 2/3 and 2) gives 367,001 + 157,286 = 524,287, one unit short;
			// p = 0.75 (equal to C's 2) gives 367,001 + 235,930 = 602,931.
			['threat', 0.75, { op: '>=', value: 2 }, 602_931 / SCORE_UNITS],
			// Risk: 209,715 + round(p × 314,572.8) ≥ 524,288 needs p = 1 → more than C's 32.70…
			['risk', 1, { op: '>', value: 196.21 / 6 }, 0.5]
		]);
		const fromC = bandMoves(result, C);
		expect(fromC.up).toBeNull();
		expect(fromC.down!.scoreChange).toBe(0.75 - 1 - 1 / SCORE_UNITS);
	});

	it('compare C with A: the differences add up to the score difference exactly', () => {
		const cmp = compareAreas(result, { a: C, b: A });
		expect(cmp.higher).toBe('a');
		expect(cmp.scoreDifferenceUnits).toBe(1_048_576 - 367_001);
		expect(cmp.components.map((c) => [c.componentId, c.differenceUnits])).toEqual([
			['threat', 314_573],
			['harm', 419_430 - 209_715],
			['risk', 314_573 - 157_286]
		]);
		expect(cmp.components.reduce((s, c) => s + c.differenceUnits, 0)).toBe(cmp.scoreDifferenceUnits);
		expect(cmp.decidedBy).toBe('score');
	});
});

/*
 * The same three areas and rows scored with thr-v2, whose Risk is the forecasting model's
 * expected harm next month (method 'forecast': seasonal-mean, 36 months of history, 6 backtest
 * origins, 80% interval). Harm and Threat are computed as above and do not change.
 *
 * History read (analytics/forecast/area-harm.ts): months up to 2019-06, at most 36; the data
 * (the whole table) starts in 2018-01, so the history is 2018-01…2019-06, n = 18 months, t = 0…17.
 * Monthly harm per area (CCHI days; Criminal damage and arson (CDA) = 11.18):
 *   t:  0     1       2            3        4  5  6    7  8  9   10 11   12 13 14 15 16 17
 *   A:  0  194.21  3+11.18=14.18  3+10=13   1  2  7.5  0  0  13  2  7.5  0  5  0  0  0  0
 *       (2018-02 VSO; 2018-03 ASB ×3 + CDA; 2018-04 ASB ×3 + OC; 2018-10 SL + TFP + OC; 2019-02 SL + TFP ×2)
 *   B:  2  2  194.21  4  0 0 0 0 0 0 0  2  0  2  0 0 0 0   (OT; 2018-03 VSO; OT ×2; 2018-12 OT; 2019-02 OT)
 *   C:  0 … 0 (t = 0…15), 2 (2019-05 TFP), 194.21 (2019-06 VSO)
 *   B's rows in 2019-07, 2019-08 and 2019-11 lie after M and are not read.
 * Season: n − backtest months = 18 − 6 = 12 < 24, so no month-of-year season (period 1), and
 * seasonal-mean with period 1 averages the last 12 months (defaultMethodOptions(1).seasons = 12).
 *
 * Forecast for 2019-07 = mean of t = 6…17 (2018-07…2019-06) = 12-month harm ÷ 12:
 *   A: 7.5 + 13 + 2 + 7.5 + 5 = 35 → 35/12 = 2.91666…;  B: 2 + 2 = 4 → 4/12 = 1/3;
 *   C: 2 + 194.21 = 196.21 → 196.21/12 = 16.35083…
 *   Percentiles (mid-rank): B 0, A 0.5, C 1 — the same as the stand-in's, so the contributions,
 *   scores, bands and ranks are those of v1 above: C 1,048,576 (high), A 367,001, B 157,286.
 *
 * Effective weight w̄ = Σ w²N ÷ Σ wN over the 18 months:
 *   A: Σ wN = 194.21 + 14.18 + 13 + 1 + 2 + 7.5 + 13 + 2 + 7.5 + 5 = 259.39;
 *      Σ w²N = 194.21² + (3 + 11.18²) + (3 + 10²) + 1 + 2 + 7.5² + (1 + 2² + 10²) + 2² + 7.5² + (1 + 2·2²)
 *            = 37,717.5241 + 127.9924 + 103 + 1 + 2 + 56.25 + 105 + 4 + 56.25 + 9 = 38,182.0165
 *      → w̄ = 147.19926…
 *   B: Σ wN = 206.21; Σ w²N = 4 + 4 + 37,717.5241 + 8 + 4 + 4 = 37,741.5241 → w̄ = 183.02470…
 *   C: Σ wN = 196.21; Σ w²N = 4 + 37,717.5241 = 37,721.5241 → w̄ = 192.25077…
 *
 * Overdispersion φ from the backtest: at each origin o = 12…17 each area's mean of the 12 months
 * before o forecasts month o; φ = Σ error² ÷ Σ (forecast × w̄) over the 18 points, at least 1.
 *   A: forecasts 254.39/12 = 21.19917 (o 12, 13), 65.18/12 = 5.43167, 51/12 = 4.25, 38/12 = 3.16667,
 *      37/12 = 3.08333; actuals 0, 5, 0, 0, 0, 0 → errors² 449.405, 262.413, 29.503, 18.063, 10.028, 9.507
 *   B: forecasts 204.21/12 = 17.0175, 202.21/12 = 16.85083 (o 13, 14), 8/12, 4/12, 4/12; actuals 0, 2, 0,
 *      0, 0, 0 → errors² 289.595, 220.547, 283.951, 0.444, 0.111, 0.111
 *   C: forecasts 0, 0, 0, 0, 0, 2/12; actuals 0, 0, 0, 0, 2, 194.21 → errors² 0, 0, 0, 0, 4, 37,652.815
 *   Σ error² = 39,230.4929; Σ forecast × w̄ = 147.19926 × 57.33 (A's forecasts) + 183.02470 × 51.385
 *     (B's) + 192.25077 × 0.16667 (C's) = 8,438.93 + 9,404.98 + 32.04 = 18,145.068
 *   → φ = 39,230.4929 / 18,145.068 = 2.16205.
 *
 * 80% interval: harm = w̄ × N, N negative binomial with mean μ = forecast ÷ w̄ and variance φμ
 * (size r = μ/(φ − 1)), so P(N = 0) = (r/(r + μ))^r = φ^(−r) = exp(−μ ln φ / (φ − 1)),
 * ln φ / (φ − 1) = 0.77105 / 1.16205 = 0.66353:
 *   A: μ = 2.91667 / 147.19926 = 0.019814 → P(0) = exp(−0.013148) = 0.98694
 *   B: μ = 0.33333 / 183.02470 = 0.0018212 → P(0) = 0.99879
 *   C: μ = 16.35083 / 192.25077 = 0.085050 → P(0) = exp(−0.056434) = 0.94513
 * Every P(0) ≥ 0.9, so the 10% and 90% quantiles are both 0: the 80% interval is [0, 0] for all
 * three. Honest, if surprising: most of each area's harm comes from one violent incident
 * (194.21 days), and a month with none is the likeliest outcome by far; the expected value lies
 * above the interval because a rare violent month carries it.
 */
describe('hand-worked example with thr-v2: Risk from the forecast', () => {
	let runner: NodeRunner;
	let result: ScoreResult;
	const model = thrV2();
	const weights = cchiWeights();
	beforeAll(async () => {
		runner = await createNodeRunner();
		await createIncidents(runner, ROWS);
		result = await scoreMonth(runner, { model, weights, month: '2019-06' });
	});
	afterAll(() => runner.close());

	it('ranks, bands and scores to the last digit (the same as v1: Risk percentiles did not change)', () => {
		expect(result.areas.map((a) => [a.areaId, a.rank, a.band, a.scoreUnits])).toEqual([
			[C, 1, 'high', 1_048_576],
			[A, 2, 'low', 367_001],
			[B, 3, 'low', 157_286]
		]);
		const risk = (id: string) => result.areas.find((a) => a.areaId === id)!.components[2];
		expect([A, B, C].map((id) => [risk(id).raw, risk(id).percentile, risk(id).contributionUnits])).toEqual([
			[35 / 12, 0.5, 157_286],
			[4 / 12, 0, 0],
			[196.21 / 12, 1, 314_573]
		]);
		for (const a of result.areas) expect(a.components.reduce((s, c) => s + c.contribution, 0)).toBe(a.score);
	});

	it('risk details: forecast, interval, history and the run behind it', () => {
		const detail = (id: string) => result.areas.find((a) => a.areaId === id)!.components[2].detail as RiskDetail;
		// Window (12 months) harm and incidents are shown beside the forecast.
		expect(detail(A)).toMatchObject({ method: 'forecast: seasonal-mean', level: 0.8, low: 0, high: 0, windowHarm: 35, windowIncidents: 9 });
		expect(detail(A).expected).toBeCloseTo(35 / 12, 12);
		expect(detail(B)).toMatchObject({ low: 0, high: 0, windowHarm: 4, windowIncidents: 2 });
		expect(detail(B).expected).toBeCloseTo(1 / 3, 12);
		expect(detail(C)).toMatchObject({ low: 0, high: 0, windowHarm: 196.21, windowIncidents: 2 });
		expect(detail(C).expected).toBeCloseTo(196.21 / 12, 12);
		const hist = (id: string) => detail(id).history!.map((v) => Math.round(v * 100) / 100);
		expect(hist(A)).toEqual([0, 194.21, 14.18, 13, 1, 2, 7.5, 0, 0, 13, 2, 7.5, 0, 5, 0, 0, 0, 0]);
		expect(hist(B)).toEqual([2, 2, 194.21, 4, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0]);
		expect(hist(C)).toEqual([...Array(16).fill(0), 2, 194.21]);
		const run = result.components[2].riskRun!;
		expect(run).toMatchObject({ forecastMonth: '2019-07', historyFrom: '2018-01', historyTo: '2019-06', method: 'seasonal-mean', period: 1 });
		expect(run.reason).toBe('fixed by the model (thr 2.0.0)');
		expect(run.overdispersion).toBeCloseTo(39_230.4929118 / 18_145.0681088, 9);
		expect(run.overdispersion).toBeCloseTo(2.16205, 5);
		expect(run.backtest).toEqual([expect.objectContaining({ method: 'seasonal-mean', origins: 6, points: 18 })]);
		expect(detail(A).run).toBe(run);
	});

	it('the 80% interval is [0, 0] because P(no harm next month) ≥ 0.9 in each area (closed form above)', () => {
		const phi = result.components[2].riskRun!.overdispersion;
		const p0 = (mean: number, wbar: number) => Math.exp(((-mean / wbar) * Math.log(phi)) / (phi - 1));
		expect(p0(35 / 12, 38_182.0165 / 259.39)).toBeCloseTo(0.98694, 5);
		expect(p0(1 / 3, 37_741.5241 / 206.21)).toBeCloseTo(0.99879, 5);
		expect(p0(196.21 / 12, 37_721.5241 / 196.21)).toBeCloseTo(0.94513, 5);
	});
});

/*
 * thr-v3 by hand: two real LSOAs and every real street-level row they have up to 2019-10 in the
 * City of London files (copied with file and line, checked against the files below), a third
 * LSOA with no rows, and one real row located elsewhere, flagged outside. The force area is
 * declared for the example (as a user names areas when importing): D, B and Z.
 *
 *   D = E01002706 (Islington, on or near Golden Lane): 31 rows, 2017-12…2019-10
 *   B = E01000916 (Camden 027B): 10 rows, 2018-01…2019-11 (its 2019-11 Drugs row lies after M)
 *   Z = E01000003 (City of London 001C): no rows copied, so no records here
 *   outside: Tower Hamlets E01004319's 2019-06 violent row, in_force_area = false — never read.
 *
 * M = 2019-10. Windows (as v2): Harm 2018-11…2019-10; Threat recent 2019-08…2019-10, baseline
 * 2018-08…2019-07; the data start in 2017-12, so all 12 baseline months are covered (B = 12, R = 3).
 *
 * Harm (CCHI days; VSO 194.21, Burglary 244.68, CDA 11.18, PO 7.5, OT 2, Bicycle 2, ASB 1):
 *   D: VSO ×7 (2018-11 ×2, 2019-03, -06, -08, -09, -10) = 1,359.47; Burglary (2019-04) 244.68;
 *      CDA ×3 (2019-05, -09, -10) 33.54; PO ×2 (2018-11, 2019-09) 15; OT ×3 (2018-12, 2019-07, -09) 6;
 *      ASB ×4 (2019-05, -07, -10 ×2) 4; Bicycle (2019-08) 2                    → 1,664.69 (21 incidents)
 *   B: OT 2018-12 + OT 2019-02 + VSO 2019-07 + VSO 2019-08 = 2 + 2 + 194.21 + 194.21 → 392.42
 *   Z: 0.
 * Reference = the largest 12-month harm = D's 1,664.69. Harm normalised: D 1, B 392.42 / 1,664.69
 *   = 0.2357315776…, Z 0.
 *
 * Threat (credible excess; p0 = R / (R + B) = 3/15 = 0.2):
 *   D: recent 2019-08…10: 2 + 4 + 4 = 10 incidents, harm VSO ×3 582.63 + CDA ×2 22.36 + PO 7.5
 *      + OT 2 + ASB ×2 2 + Bicycle 2 = 618.49. Baseline 2018-08…2019-07: 17 incidents (VSO ×8,
 *      ASB ×3, OT ×3, PO, Burglary, CDA), harm 1,553.68 + 3 + 6 + 7.5 + 244.68 + 11.18 = 1,826.04;
 *      expected harm = 1,826.04 × 3/12 = 456.51 (raw ratio 618.49 / 456.51 = 1.3548, "35% above").
 *      One-sided p = P(X ≥ 10 | X ~ Bin(27, 0.2)) = Σ_{k=10}^{27} C(27, k) 0.2^k 0.8^(27−k) = 0.0304251 < 0.05.
 *      Clopper–Pearson 95% lower bound: π_L solves Σ_{k=10}^{27} C(27, k) π^k (1 − π)^(27−k) = 0.05
 *      → π_L = 0.216616930736 (checked below by the direct sum); θ_L = π_L / (1 − π_L) × 12/3 = 1.106058781;
 *      excess = (θ_L − 1) × 456.51 = 48.4168943 CCHI days over 3 months.
 *      Normalised = 48.4168943 × 12/3 ÷ 1,664.69 = 0.1163385.
 *   B: recent 1 (2019-08 VSO, 194.21), baseline 3 (OT, OT, VSO: 198.21, expected 49.5525; 194.21 / 49.5525
 *      = 3.92, "3.9 times its usual level");
 *      p = P(X ≥ 1 | Bin(4, 0.2)) = 1 − 0.8⁴ = 0.5904 ≥ 0.05 → consistent with chance → exactly 0.
 *   Z: no records → 0 (p = 1).
 *
 * Risk: the forecast reads months up to 2019-10 from the data's start (2017-12): 23 months, of
 * which 23 − 6 backtest months = 17 < 24, so no month-of-year season and the seasonal mean is the
 * mean of the last 12 months: D 1,664.69 / 12 = 138.7241…, B 392.42 / 12 = 32.7016…, Z 0 (no
 * history). Normalised (× 12 ÷ reference): D 1, B 0.2357315776…, Z 0.
 *
 * Contributions (units of 2^−20: round(normalised × weight × 1,048,576)):
 *   D: harm round(419,430.4) = 419,430; threat round(0.3 × 0.1163385 × 1,048,576) = round(36,597.0…)
 *      = 36,597; risk round(314,572.8) = 314,573 → score 770,600 units
 *   B: harm round(0.4 × 0.2357315776 × 1,048,576) = round(98,873.3…) = 98,873; threat 0;
 *      risk round(0.3 × 0.2357315776 × 1,048,576) = round(74,155.0…) = 74,155 → 173,028 units
 *   Z: 0.
 * Ranks: D, B, Z. Bands (shares of expected harm next month, total 138.7241 + 32.7016 = 171.4258):
 *   D: nothing ranked above it, 0 < 50% → High. B: D above holds 1,664.69 / 2,057.11 = 80.9%,
 *   not below 50% nor below 80% → Low. Z: no expected harm → Low. (High 1, Medium 0, Low 2.)
 */
const D = 'E01002706';
const Z = 'E01000003';
const GOLDEN = { location: 'On or near Golden Lane', longitude: -0.094959, latitude: 51.522868 };
// prettier-ignore
const V3_ROWS: FixtureRow[] = [
	{ lsoa: D, month: '2017-12', category: 'Criminal damage and arson', ...GOLDEN, file: f('2017-12'), line: 613 },
	{ lsoa: D, month: '2017-12', category: 'Criminal damage and arson', ...GOLDEN, file: f('2017-12'), line: 614 },
	{ lsoa: D, month: '2018-04', category: 'Public order', ...GOLDEN, file: f('2018-04'), line: 594 },
	{ lsoa: D, month: '2018-04', category: 'Other crime', ...GOLDEN, file: f('2018-04'), line: 595 },
	{ lsoa: D, month: '2018-08', category: 'Violence and sexual offences', ...GOLDEN, file: f('2018-08'), line: 632 },
	{ lsoa: D, month: '2018-08', category: 'Violence and sexual offences', ...GOLDEN, file: f('2018-08'), line: 633 },
	{ lsoa: D, month: '2018-09', category: 'Anti-social behaviour', ...GOLDEN, file: f('2018-09'), line: 583 },
	{ lsoa: D, month: '2018-09', category: 'Violence and sexual offences', ...GOLDEN, file: f('2018-09'), line: 584 },
	{ lsoa: D, month: '2018-09', category: 'Violence and sexual offences', ...GOLDEN, file: f('2018-09'), line: 585 },
	{ lsoa: D, month: '2018-10', category: 'Other theft', ...GOLDEN, file: f('2018-10'), line: 707 },
	{ lsoa: D, month: '2018-11', category: 'Public order', ...GOLDEN, file: f('2018-11'), line: 698 },
	{ lsoa: D, month: '2018-11', category: 'Violence and sexual offences', ...GOLDEN, file: f('2018-11'), line: 699 },
	{ lsoa: D, month: '2018-11', category: 'Violence and sexual offences', ...GOLDEN, file: f('2018-11'), line: 700 },
	{ lsoa: D, month: '2018-12', category: 'Other theft', ...GOLDEN, file: f('2018-12'), line: 661 },
	{ lsoa: D, month: '2019-03', category: 'Violence and sexual offences', ...GOLDEN, file: f('2019-03'), line: 806 },
	{ lsoa: D, month: '2019-04', category: 'Burglary', ...GOLDEN, file: f('2019-04'), line: 782 },
	{ lsoa: D, month: '2019-05', category: 'Anti-social behaviour', ...GOLDEN, file: f('2019-05'), line: 639 },
	{ lsoa: D, month: '2019-05', category: 'Criminal damage and arson', ...GOLDEN, file: f('2019-05'), line: 640 },
	{ lsoa: D, month: '2019-06', category: 'Violence and sexual offences', ...GOLDEN, file: f('2019-06'), line: 821 },
	{ lsoa: D, month: '2019-07', category: 'Anti-social behaviour', ...GOLDEN, file: f('2019-07'), line: 797 },
	{ lsoa: D, month: '2019-07', category: 'Other theft', ...GOLDEN, file: f('2019-07'), line: 798 },
	{ lsoa: D, month: '2019-08', category: 'Bicycle theft', location: 'On or near Helmet Row', longitude: -0.094392, latitude: 51.525044, file: f('2019-08'), line: 797 },
	{ lsoa: D, month: '2019-08', category: 'Violence and sexual offences', ...GOLDEN, file: f('2019-08'), line: 798 },
	{ lsoa: D, month: '2019-09', category: 'Criminal damage and arson', ...GOLDEN, file: f('2019-09'), line: 771 },
	{ lsoa: D, month: '2019-09', category: 'Other theft', ...GOLDEN, file: f('2019-09'), line: 772 },
	{ lsoa: D, month: '2019-09', category: 'Public order', ...GOLDEN, file: f('2019-09'), line: 773 },
	{ lsoa: D, month: '2019-09', category: 'Violence and sexual offences', ...GOLDEN, file: f('2019-09'), line: 774 },
	{ lsoa: D, month: '2019-10', category: 'Anti-social behaviour', ...GOLDEN, file: f('2019-10'), line: 852 },
	{ lsoa: D, month: '2019-10', category: 'Anti-social behaviour', ...GOLDEN, file: f('2019-10'), line: 853 },
	{ lsoa: D, month: '2019-10', category: 'Criminal damage and arson', ...GOLDEN, file: f('2019-10'), line: 854 },
	{ lsoa: D, month: '2019-10', category: 'Violence and sexual offences', ...GOLDEN, file: f('2019-10'), line: 855 },
	...ROWS.filter((r) => r.lsoa === B).map((r) => ({ ...r, inForceArea: true })),
].map((r) => ({ inForceArea: true, ...r }));
const OUTSIDE: FixtureRow = { ...ROWS.find((r) => r.lsoa === C && r.month === '2019-06')!, inForceArea: false };

describe('hand-worked example with thr-v3: magnitudes, credible excess, cumulative bands', () => {
	let runner: NodeRunner;
	let result: ScoreResult;
	const model = thrV3();
	const weights = cchiWeights();
	beforeAll(async () => {
		runner = await createNodeRunner();
		await createIncidents(runner, [...V3_ROWS, OUTSIDE]);
		await createForceArea(runner, 'Hand-worked example area', [B, D, Z]);
		result = await scoreMonth(runner, { model, weights, month: '2019-10' });
	});
	afterAll(() => runner.close());

	it('the fixture rows are the real rows of the street files', () => {
		for (const row of [...V3_ROWS, OUTSIDE]) {
			const cells = readFileSync(join(STREET_DIR, row.file!), 'utf8').split(/\r?\n/)[row.line! - 1].split(',');
			expect([cells[1], Number(cells[4]), Number(cells[5]), cells[6], cells[7], cells[9]]).toEqual([row.month, row.longitude, row.latitude, row.location, row.lsoa, row.category]);
		}
	});

	it('scores every area of the force area (Z with no records too), never the outside row', () => {
		expect(result.scope).toEqual({ method: 'force-area', forceName: 'Hand-worked example area', areasInForceArea: 3, recordsOutside: 1, recordsUnplaced: 0 });
		expect(result.areas.map((a) => [a.areaId, a.rank, a.band, a.scoreUnits])).toEqual([
			[D, 1, 'high', 770_600],
			[B, 2, 'low', 173_028],
			[Z, 3, 'low', 0]
		]);
		expect(result.bandCounts).toEqual({ high: 1, medium: 0, low: 2 });
		expect(result.reference).toBe(1664.69);
		expect(result.expectedHarmTotal).toBeCloseTo(2057.11 / 12, 10);
		expect(result.warnings).toEqual([]);
	});

	it('every component: raw value, normalised value and contribution', () => {
		const get = (id: string) => result.areas.find((a) => a.areaId === id)!;
		const view = (id: string) => get(id).components.map((c) => [c.id, c.contributionUnits]);
		expect(view(D)).toEqual([['harm', 419_430], ['threat', 36_597], ['risk', 314_573]]);
		expect(view(B)).toEqual([['harm', 98_873], ['threat', 0], ['risk', 74_155]]);
		expect(view(Z)).toEqual([['harm', 0], ['threat', 0], ['risk', 0]]);
		const [dh, dt, dr] = get(D).components;
		expect(dh.raw).toBeCloseTo(1664.69, 9);
		expect(dh.normalised).toBe(1);
		expect(dt.raw).toBeCloseTo(48.4168943, 6);
		expect(dt.normalised).toBeCloseTo(0.1163385, 6);
		expect(dr.raw).toBeCloseTo(1664.69 / 12, 9);
		expect(dr.normalised).toBeCloseTo(1, 12);
		const [bh, bt, br] = get(B).components;
		expect(bh.raw).toBeCloseTo(392.42, 9);
		expect(bh.normalised).toBeCloseTo(392.42 / 1664.69, 12);
		expect(bt.raw).toBe(0);
		expect(br.normalised).toBeCloseTo(392.42 / 1664.69, 12);
		for (const a of result.areas) expect(a.components.reduce((s, c) => s + c.contribution, 0)).toBe(a.score);
	});

	it('threat: counts, one-sided p, the Clopper–Pearson bound and the credible excess', () => {
		const detail = (id: string) => result.areas.find((a) => a.areaId === id)!.components[1].detail as ThreatDetail;
		const d = detail(D);
		expect(d).toMatchObject({ recentCount: 10, baselineCount: 17, baselineMonths: 12 });
		expect(d.recentHarm).toBeCloseTo(618.49, 9);
		expect(d.expectedHarm).toBeCloseTo(456.51, 9);
		expect(d.pOneSided).toBeCloseTo(0.0304251, 7);
		expect(d.thetaLower!).toBeCloseTo(1.106058781, 9);
		// The bound, checked by the direct binomial sum (no incomplete beta): P(X ≥ 10 | 27, π_L) = 0.05.
		const piL = d.thetaLower! / (d.thetaLower! + 4);
		expect(piL).toBeCloseTo(0.216616930736, 11);
		let tail = 0;
		for (let k = 10; k <= 27; k++) {
			let c = 1;
			for (let j = 0; j < k; j++) c = (c * (27 - j)) / (j + 1);
			tail += c * piL ** k * (1 - piL) ** (27 - k);
		}
		expect(tail).toBeCloseTo(0.05, 12);
		expect(d.excess).toBe(result.areas[0].components[1].raw);
		expect(detail(B)).toMatchObject({ recentCount: 1, baselineCount: 3, thetaLower: null, excess: 0 });
		expect(detail(B).pOneSided).toBeCloseTo(1 - 0.8 ** 4, 14);
		expect(detail(Z)).toMatchObject({ recentCount: 0, baselineCount: 0, pOneSided: 1, excess: 0 });
		expect(result.components[1].excess).toEqual({ level: 0.95, baselineMonths: 12, active: true });
	});

	it('the reason sentences agree with the figures', () => {
		expect(areaReason(result, D).sentence).toBe(
			"Holds 81% of the force's harm over the last 12 months (1st of 3 areas); harm in the last 3 months is 35% above its usual level, unlikely to be chance; about 139 CCHI days expected next month."
		);
		expect(areaReason(result, B).sentence).toBe(
			"Holds 19% of the force's harm over the last 12 months (2nd of 3 areas); harm in the last 3 months is 3.9 times its usual level, consistent with chance; about 33 CCHI days expected next month."
		);
		expect(areaReason(result, Z).sentence).toBe('No harm recorded in the last 12 months; no harm expected next month.');
		expect(areaReason(result, D).bandMeaning).toMatch(/^High: the fewest top-ranked areas that together hold half of the force's expected harm next month/);
	});

	it('the row located outside changes nothing: scored again without it, the same result but its count', async () => {
		const other = await createNodeRunner();
		try {
			await createIncidents(other, V3_ROWS);
			await createForceArea(other, 'Hand-worked example area', [B, D, Z]);
			const without = await scoreMonth(other, { model, weights, month: '2019-10' });
			expect(without.scope.recordsOutside).toBe(0);
			expect({ ...without, scope: { ...without.scope, recordsOutside: 1 } }).toEqual(result);
		} finally {
			other.close();
		}
	});
});
