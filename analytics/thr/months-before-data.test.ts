/**
 * Where the data starts inside a window the score reads, the warning says which components count
 * the months before it as zero (and so are understated) and which use only the months with data,
 * model by model, and each claim is checked against the component's own figures and SQL over the
 * real rows:
 * - City of London street data (first month 2017-12): thr-v1 in March 2018, thr-v2 and thr-v3 in
 *   May 2018;
 * - Lancashire anti-social behaviour 2022 (first month 2022-01) by LSOA, thr-v3 in January and
 *   March 2022 (every record weighs 1 CCHI day, so an area's harm is its count of records).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadSampleSource } from '../../scripts/lib/sample';
import { cchiWeights, sampleRunner, thrV1, thrV2, thrV3 } from './fixtures.test-setup';
import { scoreMonth, type ScoreResult, type ThreatDetail, type RiskDetail, type HarmDetail } from './score';

const weights = cchiWeights();
const BUILD_MS = 300_000;

/** The warning about the months before the data (the one starting "the data starts in"). */
const startWarning = (r: ScoreResult) => r.warnings.filter((w) => w.startsWith('the data starts in'));

/** Each LSOA's records inside the force area over the months [from, to], by SQL. */
async function lsoaCounts(runner: NodeRunner, from: string, to: string): Promise<Map<string, number>> {
	const rows = await runner.rows<{ lsoa: string; n: number }>(
		`SELECT lsoa_code AS lsoa, count(*)::INTEGER AS n FROM incidents
			WHERE month BETWEEN ? AND ? AND in_force_area IS NOT false AND lsoa_code IS NOT NULL GROUP BY 1`,
		[from, to]
	);
	return new Map(rows.map((r) => [r.lsoa, r.n]));
}

describe('City of London street data from December 2017', () => {
	let city: NodeRunner;
	beforeAll(async () => {
		city = await sampleRunner();
	}, BUILD_MS);
	afterAll(() => city?.close());

	// Each LSOA's records in the force area (the harm-counting categories and the others alike).
	const counts = (from: string, to: string) => lsoaCounts(city, from, to);

	it('the data starts in December 2017', async () => {
		const [r] = await city.rows<{ first: string }>('SELECT min(month) AS first FROM incidents');
		expect(r.first).toBe('2017-12');
	});

	it('thr-v1, March 2018: Harm and the stand-in Risk are understated, and Threat divides its baseline by all 12 months', async () => {
		const r = await scoreMonth(city, { model: thrV1(), weights, month: '2018-03' });
		expect(startWarning(r)).toEqual([
			'the data starts in 2017-12, after the start of the longest window (2017-01): months before it count as zero in the 12-month Harm total and the 6-month mean of Risk (expected harm next month), which are understated, and in the 12-month baseline of Threat (momentum), so its expected harm is understated and the ratio overstated'
		]);
		// Risk's window October 2017 – March 2018 has data in 4 months (December – March); the mean divides by 6.
		let busy = 0;
		for (const a of r.areas) {
			const risk = a.components[2].detail as RiskDetail;
			expect(a.components[2].raw).toBeCloseTo(risk.windowHarm / 6, 9);
			if (risk.windowHarm > 0) busy++;
			// Threat's baseline January – December 2017 has one month of data (December); expected = baseline × 3 ÷ 12.
			const t = a.components[1].detail as ThreatDetail;
			expect(t.baselineMonths).toBe(12);
			expect(t.expectedCount).toBeCloseTo((t.baselineCount * 3) / 12, 9);
		}
		expect(busy).toBeGreaterThan(0);
		// The baseline counts are December 2017's records (the only baseline month with data), by SQL.
		const december = await counts('2017-12', '2017-12');
		expect(r.areas.filter((a) => (a.components[1].detail as ThreatDetail).baselineCount > 0).length).toBeGreaterThan(0);
		for (const a of r.areas) expect((a.components[1].detail as ThreatDetail).baselineCount).toBeLessThanOrEqual(december.get(a.areaId) ?? 0);
	});

	it('thr-v2, May 2018: Harm is understated and Threat divides by all 12 baseline months; the forecast Risk reads from December 2017', async () => {
		const r = await scoreMonth(city, { model: thrV2(), weights, month: '2018-05' });
		expect(startWarning(r)).toEqual([
			'the data starts in 2017-12, after the start of the longest window (2017-03): months before it count as zero in the 12-month Harm total, which is understated, and in the 12-month baseline of Threat (momentum), so its expected harm is understated and the ratio overstated; Risk (forecast harm next month) uses only the months with data'
		]);
		// Threat's 15 months (March 2017 – May 2018) are the longest; its baseline has 3 months of data, divided by 12.
		for (const a of r.areas) {
			const t = a.components[1].detail as ThreatDetail;
			expect(t.baselineMonths).toBe(12);
			expect(t.expectedCount).toBeCloseTo((t.baselineCount * 3) / 12, 9);
		}
		// The forecast's history (36 months back would start in June 2015) starts with the data.
		expect(r.components[2].riskRun).toMatchObject({ historyFrom: '2017-12', historyTo: '2018-05' });
	});

	it('thr-v3, May 2018: only Harm is understated (its 12 months hold 6 of data); Threat and Risk use the months with data', async () => {
		const r = await scoreMonth(city, { model: thrV3(), weights, month: '2018-05' });
		expect(startWarning(r)).toEqual([
			'the data starts in 2017-12, after the start of the longest window (2017-06): months before it count as zero in the 12-month Harm total, which is understated (and so is the largest 12-month Harm that every magnitude is divided by); Threat (credible rise) and Risk (forecast harm next month) use only the months with data'
		]);
		// Harm's incidents are those of December 2017 – May 2018 (SQL counts every category: harm-counting ones are fewer or equal).
		const six = await counts('2017-12', '2018-05');
		for (const a of r.areas) expect((a.components[0].detail as HarmDetail).incidents).toBeLessThanOrEqual(six.get(a.areaId) ?? 0);
		expect(r.areas.some((a) => (a.components[0].detail as HarmDetail).incidents > 0)).toBe(true);
		for (const a of r.areas) {
			const t = a.components[1].detail as ThreatDetail;
			// Baseline February 2017 – February 2018: 3 months with data (December – February), divided by 3.
			expect(t.baselineMonths).toBe(3);
			expect(t.expectedCount).toBe(t.baselineCount);
		}
		expect(r.components[2].riskRun).toMatchObject({ historyFrom: '2017-12', historyTo: '2018-05' });
	});
});

describe('Lancashire anti-social behaviour 2022 by LSOA (data from January 2022), thr-v3', () => {
	let runner: NodeRunner;
	let cleanup: (() => void) | undefined;
	beforeAll(async () => {
		runner = await createNodeRunner();
		cleanup = await loadSampleSource(runner, 'lancashire-asb');
	}, BUILD_MS);
	afterAll(() => {
		runner?.close();
		cleanup?.();
	});

	// Each LSOA's records in the force area: its harm (1 CCHI day each).
	const counts = (from: string, to: string) => lsoaCounts(runner, from, to);

	it('January 2022: Risk is January’s own count (one month with data), not a twelfth of it', async () => {
		const r = await scoreMonth(runner, { model: thrV3(), weights, month: '2022-01' });
		const january = await counts('2022-01', '2022-01');
		for (const a of r.areas) {
			expect(a.components[0].raw).toBe(january.get(a.areaId) ?? 0);
			expect(a.components[2].raw).toBeCloseTo(january.get(a.areaId) ?? 0, 9);
		}
		const top = r.areas.reduce((x, a) => (a.components[2].raw > x.components[2].raw ? a : x));
		expect(top.components[2].raw).toBe(77);
		expect(january.get(top.areaId)).toBe(77);
	});

	it('March 2022: Harm is the 3 months’ total in a 12-month window; Risk is their mean (÷ 3, not ÷ 12); Threat has no baseline', async () => {
		const r = await scoreMonth(runner, { model: thrV3(), weights, month: '2022-03' });
		expect(startWarning(r)).toEqual([
			'the data starts in 2022-01, after the start of the longest window (2021-04): months before it count as zero in the 12-month Harm total, which is understated (and so is the largest 12-month Harm that every magnitude is divided by); Threat (credible rise) and Risk (forecast harm next month) use only the months with data'
		]);
		const q1 = await counts('2022-01', '2022-03');
		let seen = 0;
		for (const a of r.areas) {
			const n = q1.get(a.areaId) ?? 0;
			expect(a.components[0].raw).toBe(n);
			expect(a.components[2].raw).toBeCloseTo(n / 3, 9);
			expect(a.components[1].raw).toBe(0);
			if (n > 0) seen++;
		}
		expect(seen).toBeGreaterThan(900);
		expect(r.components[2].riskRun).toMatchObject({ historyFrom: '2022-01', historyTo: '2022-03' });
		// The magnitude divisor is the largest of these 3-month totals (× 12 ÷ 12), understated with them.
		expect(r.reference).toBe(Math.max(...r.areas.map((a) => q1.get(a.areaId) ?? 0)));
		expect(r.warnings.some((w) => /Threat \(credible rise\): only 0 months of data before the recent 3/.test(w))).toBe(true);
	});
});
