/**
 * thr-v3's properties over the real City of London street data in a native DuckDB, every month
 * of the sample (2017-12 … 2019-11), on the extract as built (the City of London Police area
 * declared: its 6 LSOAs; 971 records in neighbouring boroughs flagged outside it) and on the same
 * data without a declared force area (the fallback: the 97 LSOAs with records):
 * (a) magnitude: twice the harm ⇒ a strictly larger Harm contribution, the gap growing with the ratio;
 * (b) threat: a change consistent with chance adds exactly 0; threat grows with evidence and size;
 * (c) score === Σ contributions for every area of every month, both orders;
 * (d) bands: the High areas hold at least half of the expected harm and without the last of them
 *     less than half (Medium likewise at 80%);
 * (e) records outside the force area change no score, and are counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunner } from '../../scripts/lib/node-runner';
import { cchiWeights, sampleRunner, thrV2, thrV3 } from './fixtures.test-setup';
import { SCORE_UNITS, rescore, scoreMonth, scoreMonths, scoreTrend, type ScoreResult, type ThreatDetail } from './score';
import { areaReason, bandMoves, compareAreas, explainArea } from './explain';
import { whatIf } from './what-if';
import { fairnessSummary } from './fairness';
import { monthLabel, monthIndex } from './model';

const v3 = thrV3();
const v2 = thrV2();
const weights = cchiWeights();
const MONTHS = Array.from({ length: 24 }, (_, i) => monthLabel(monthIndex('2017-12') + i));
const CITY = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'];
const BUILD_MS = 120_000;

/** Every area of every month, with its result. */
function* everyArea(results: ScoreResult[]) {
	for (const r of results) for (const a of r.areas) yield { r, a };
}

/** Results with the count of records outside set aside (it changes, by design, when they do). */
const outsideApart = (rs: ScoreResult[]) => rs.map((r) => ({ ...r, scope: { ...r.scope, recordsOutside: 0 } }));

describe('thr-v3 over the real sample', () => {
	let city: NodeRunner;
	let old: NodeRunner;
	let force: ScoreResult[];
	let fallback: ScoreResult[];
	beforeAll(async () => {
		city = await sampleRunner();
		old = await sampleRunner({ forceArea: false });
		force = await scoreMonths(city, { model: v3, weights, months: MONTHS });
		fallback = await scoreMonths(old, { model: v3, weights, months: MONTHS });
	}, BUILD_MS);
	afterAll(() => {
		city.close();
		old.close();
	});

	it('scores every area of the force area, every month; without one, the areas with records and a warning', () => {
		for (const r of force) {
			expect(r.areas.map((a) => a.areaId).sort()).toEqual(CITY);
			expect(r.scope).toMatchObject({ method: 'force-area', forceName: 'City of London', areasInForceArea: 6 });
			expect(r.warnings.some((w) => w.startsWith('no force area declared'))).toBe(false);
		}
		const nov = fallback[MONTHS.indexOf('2019-11')];
		expect(nov.scope).toMatchObject({ method: 'areas-with-records', forceName: null, areasInForceArea: null, recordsOutside: 0 });
		expect(nov.areas.length).toBeGreaterThan(50);
		expect(nov.warnings[0]).toMatch(/^no force area declared: scoring the areas with records/);
	});

	it('an area of the force area with no records at all is still scored: 0 Harm, Low', async () => {
		const other = await sampleRunner();
		try {
			await other.exec(`DELETE FROM incidents WHERE lsoa_code = 'E01000003'`);
			const r = await scoreMonth(other, { model: v3, weights, month: '2019-11' });
			const empty = r.areas.find((a) => a.areaId === 'E01000003')!;
			expect(r.areas).toHaveLength(6);
			expect(empty.components.map((c) => [c.raw, c.contributionUnits])).toEqual([
				[0, 0],
				[0, 0],
				[0, 0]
			]);
			expect([empty.rank, empty.band, empty.score]).toEqual([6, 'low', 0]);
		} finally {
			other.close();
		}
	});

	it('(a) twice the harm gives a strictly larger Harm contribution, and the gap grows with the ratio', () => {
		let pairs = 0;
		for (const results of [force, fallback]) {
			for (const r of results) {
				const harm = r.areas.map((a) => a.components[0]);
				const ref = r.reference!;
				expect(ref).toBe(Math.max(...harm.map((h) => h.raw)));
				for (const h of harm) {
					// Proportional to harm, to the score's resolution.
					expect(h.normalised).toBe(ref > 0 ? h.raw / ref : 0);
					expect(Math.abs(h.contributionUnits - 0.4 * SCORE_UNITS * (h.raw / ref))).toBeLessThanOrEqual(0.5);
				}
				for (const hi of harm) {
					for (const lo of harm) {
						if (!(lo.raw > 0 && hi.raw >= 2 * lo.raw)) continue;
						expect(hi.contributionUnits).toBeGreaterThan(lo.contributionUnits);
						// The gap is (ratio − 1) × the smaller contribution, to within a rounding unit each.
						const gap = hi.contributionUnits - lo.contributionUnits;
						expect(Math.abs(gap - (hi.raw / lo.raw - 1) * 0.4 * SCORE_UNITS * (lo.raw / ref))).toBeLessThanOrEqual(1);
						pairs++;
					}
				}
				// Monotone in harm: a larger harm never gets a smaller contribution.
				const byHarm = harm.slice().sort((x, y) => x.raw - y.raw);
				for (let i = 1; i < byHarm.length; i++) expect(byHarm[i].contributionUnits).toBeGreaterThanOrEqual(byHarm[i - 1].contributionUnits);
			}
		}
		expect(pairs).toBeGreaterThan(10_000);
	});

	it('(a) the largest harm and the second stay apart as far as their harms are (v2 put them 1/(N − 1) apart)', async () => {
		const r3 = fallback[MONTHS.indexOf('2019-11')];
		const r2 = await scoreMonth(old, { model: v2, weights, month: '2019-11' });
		const top2 = (r: ScoreResult) =>
			r.areas
				.map((a) => a.components[0])
				.sort((x, y) => y.raw - x.raw)
				.slice(0, 2);
		const [a3, b3] = top2(r3);
		const [a2, b2] = top2(r2);
		expect([a3.raw, b3.raw]).toEqual([a2.raw, b2.raw]);
		expect(a3.raw / b3.raw).toBeGreaterThan(5); // 267,572 against 49,752 CCHI days
		expect(a2.contribution - b2.contribution).toBeCloseTo(0.4 / (r2.areas.length - 1), 5);
		expect(a3.contribution - b3.contribution).toBeCloseTo(0.4 * (1 - b3.raw / a3.raw), 5);
	});

	it('(b) a change consistent with chance (one-sided p ≥ 0.05) adds exactly 0 Threat; any Threat has p < 0.05', () => {
		let chance = 0;
		let rising = 0;
		for (const results of [force, fallback]) {
			for (const { a } of everyArea(results)) {
				const t = a.components[1];
				const d = t.detail as ThreatDetail;
				expect(d.excess).toBe(t.raw);
				if (d.pOneSided >= 0.05) {
					expect(t.raw).toBe(0);
					expect(t.contributionUnits).toBe(0);
					expect(d.thetaLower).toBeNull();
					chance++;
				}
				if (t.raw > 0) {
					expect(d.pOneSided).toBeLessThan(0.05);
					expect(d.thetaLower!).toBeGreaterThan(1);
					expect(t.raw).toBeCloseTo((d.thetaLower! - 1) * d.expectedHarm, 9);
					// The bound lies below the rate ratio seen.
					if (d.baselineCount > 0) expect(d.thetaLower!).toBeLessThan((d.recentCount * d.baselineMonths) / (3 * d.baselineCount));
					rising++;
				}
			}
		}
		expect(chance).toBeGreaterThan(500);
		expect(rising).toBeGreaterThan(20);
	});

	it('(b) threat grows with evidence and size: every record inside the force area three times over', async () => {
		const other = await sampleRunner();
		try {
			await other.exec('CREATE TABLE once AS SELECT * FROM incidents WHERE in_force_area');
			for (let copy = 0; copy < 2; copy++) await other.exec('INSERT INTO incidents SELECT * FROM once');
			const tripled = await scoreMonths(other, { model: v3, weights, months: MONTHS });
			let grew = 0;
			let newlyCredible = 0;
			tripled.forEach((r, j) => {
				for (const a of r.areas) {
					const before = force[j].areas.find((x) => x.areaId === a.areaId)!.components[1];
					const after = a.components[1];
					const d0 = before.detail as ThreatDetail;
					const d1 = after.detail as ThreatDetail;
					// Same rate ratio, three times the counts: the evidence for a rise (where counts rose) is stronger …
					if (d0.recentCount * d0.baselineMonths > 3 * d0.baselineCount) expect(d1.pOneSided).toBeLessThanOrEqual(d0.pOneSided);
					if (before.raw > 0) {
						// … so the bound is closer to the ratio, and the harm it scales is three times as large.
						expect(d1.thetaLower!).toBeGreaterThan(d0.thetaLower!);
						expect(after.raw).toBeGreaterThan(3 * before.raw);
						grew++;
					} else if (after.raw > 0) newlyCredible++;
				}
			});
			expect(grew).toBeGreaterThan(10);
			expect(newlyCredible).toBeGreaterThan(0);
		} finally {
			other.close();
		}
	});

	it('(b) too few baseline months covered by data: Threat 0 for every area, and a warning; from 3 months on, those months only', () => {
		const feb = force[MONTHS.indexOf('2018-02')];
		expect(feb.components[1].excess).toEqual({ level: 0.95, baselineMonths: 0, active: false });
		expect(feb.warnings.some((w) => /only 0 months of data before the recent 3 \(fewer than 3\).*Threat is 0 for every area/.test(w))).toBe(true);
		expect(feb.areas.every((a) => a.components[1].raw === 0)).toBe(true);
		// 2018-05: baseline 2017-03 … 2018-02, data from 2017-12: 3 months.
		const may = force[MONTHS.indexOf('2018-05')];
		expect(may.components[1].excess).toEqual({ level: 0.95, baselineMonths: 3, active: true });
		expect(may.warnings).toContain('Threat (credible rise) compares the last 3 months with the 3 baseline months that have data (2017-12…2018-02), not 12');
		// Harm's 12 months (2017-06 …) reach before the data too, and say so: only Harm's total (and the
		// magnitude divisor, the largest of them) is understated; Threat and Risk read the months with data.
		expect(may.warnings).toContain(
			'the data starts in 2017-12, after the start of the longest window (2017-06): months before it count as zero in the 12-month Harm total, which is understated (and so is the largest 12-month Harm that every magnitude is divided by); Threat (credible rise) and Risk (forecast harm next month) use only the months with data'
		);
		for (const a of may.areas) {
			const d = a.components[1].detail as ThreatDetail;
			expect(d.baselineMonths).toBe(3);
			expect(d.expectedCount).toBe(d.baselineCount);
			expect(d.expectedHarm).toBeCloseTo(d.baselineHarm, 9);
		}
	});

	it('(c) score === Σ contributions exactly, for every area of every month, in both orders', () => {
		let checked = 0;
		for (const results of [force, fallback]) {
			for (const { a } of everyArea(results)) {
				const c = a.components.map((x) => x.contribution);
				expect(c.reduce((s, x) => s + x, 0)).toBe(a.score);
				expect(c.slice().reverse().reduce((s, x) => s + x, 0)).toBe(a.score);
				expect(a.components.reduce((s, x) => s + x.contributionUnits, 0)).toBe(a.scoreUnits);
				for (const [k, x] of a.components.entries()) expect(x.contributionUnits).toBe(Math.round(x.normalised * v3.components[k].weight * SCORE_UNITS));
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(1000);
	});

	it('(c) ranks follow the tie rule (score desc, harm desc, area asc)', () => {
		for (const r of [...force, ...fallback]) {
			for (let i = 1; i < r.areas.length; i++) {
				const [p, q] = [r.areas[i - 1], r.areas[i]];
				expect(q.scoreUnits - p.scoreUnits || q.components[0].raw - p.components[0].raw || (p.areaId < q.areaId ? -1 : 1)).toBeLessThan(0);
			}
		}
	});

	it('(d) High: the fewest top-ranked areas holding half of the expected harm next month; Medium up to 80%; none expected → Low', () => {
		let months = 0;
		for (const r of [...force, ...fallback]) {
			const expected = (a: (typeof r.areas)[number]) => a.components[2].raw;
			const total = r.areas.reduce((s, a) => s + expected(a), 0);
			expect(r.expectedHarmTotal).toBeCloseTo(total, 6);
			if (!(total > 0)) continue;
			for (const a of r.areas) if (expected(a) === 0) expect(a.band).toBe('low');
			const held = (band: string[]) => r.areas.filter((a) => band.includes(a.band)).reduce((s, a) => s + expected(a), 0);
			for (const [bands, share] of [[['high'], 0.5], [['high', 'medium'], 0.8]] as const) {
				const members = r.areas.filter((a) => (bands as readonly string[]).includes(a.band));
				const last = members[members.length - 1];
				expect(held([...bands])).toBeGreaterThanOrEqual(share * total * (1 - 1e-12));
				expect(held([...bands]) - expected(last)).toBeLessThan(share * total);
				// The band is a run at the top of the ranking (bar areas with no expected harm).
				const ranks = members.map((a) => a.rank);
				expect(r.areas.slice(0, Math.max(...ranks)).filter((a) => expected(a) > 0).every((a) => (bands as readonly string[]).includes(a.band))).toBe(true);
			}
			months++;
		}
		expect(months).toBeGreaterThan(40);
	});

	it('(e) records outside the force area change no score, and are counted: removed, tripled, or flagged outside inside a City LSOA', async () => {
		const other = await sampleRunner();
		const checked = [v3, v2];
		try {
			const [{ n }] = await other.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM incidents WHERE in_force_area = false');
			expect(n).toBe(971);
			// Records flagged outside in each month's 15-month lookback, counted independently of the engine.
			const outside = (months: string[]) =>
				other.rows<{ m: number; n: number }>(
					`SELECT t.m, count(i.month_index)::INTEGER AS n FROM (VALUES ${months.map(() => '(CAST(? AS INTEGER))').join(', ')}) AS t(m)
					 LEFT JOIN incidents i ON i.in_force_area = false AND i.month_index BETWEEN t.m - 14 AND t.m GROUP BY t.m ORDER BY t.m`,
					months.map(monthIndex)
				);
			const published = await Promise.all(checked.map((model) => scoreMonths(other, { model, weights, months: MONTHS })));
			expect(published[0]).toEqual(force);
			const counted = (await outside(MONTHS)).map((x) => x.n);
			expect(published[0].map((r) => r.scope.recordsOutside)).toEqual(counted);
			expect(counted[MONTHS.indexOf('2019-11')]).toBeGreaterThan(100);

			await other.exec('CREATE TABLE outside_rows AS SELECT * FROM incidents WHERE in_force_area = false');
			await other.exec('DELETE FROM incidents WHERE in_force_area = false');
			for (const [j, model] of checked.entries()) {
				const removed = await scoreMonths(other, { model, weights, months: MONTHS });
				expect(removed.every((r) => r.scope.recordsOutside === 0)).toBe(true);
				expect(outsideApart(removed)).toEqual(outsideApart(published[j]));
			}
			for (let copy = 0; copy < 3; copy++) await other.exec('INSERT INTO incidents SELECT * FROM outside_rows');
			// And real City rows copied in, flagged outside (as a boundary file may place a record in a City LSOA).
			await other.exec(`INSERT INTO incidents SELECT * REPLACE (false AS in_force_area) FROM incidents WHERE lsoa_code = 'E01032739' AND month >= '2019-01'`);
			for (const [j, model] of checked.entries()) {
				const tripled = await scoreMonths(other, { model, weights, months: MONTHS });
				expect(outsideApart(tripled)).toEqual(outsideApart(published[j]));
				expect(tripled.map((r) => r.scope.recordsOutside)).toEqual((await outside(MONTHS)).map((x) => x.n));
			}
		} finally {
			other.close();
		}
	}, 60_000);

	it('v2 keeps its areas-with-records scope, inside the force area only', async () => {
		const r = await scoreMonth(city, { model: v2, weights, month: '2019-11' });
		expect(r.scope).toMatchObject({ method: 'areas-with-records', forceName: 'City of London', areasInForceArea: 6 });
		expect(r.areas.every((a) => CITY.includes(a.areaId))).toBe(true);
	});

	it('scoreTrend gives the same ranks, scores, bands, normalised values and contributions', async () => {
		const trend = await scoreTrend(old, { model: v3, weights, months: MONTHS });
		trend.months.forEach((m, j) => {
			const r = fallback[j];
			expect(m.areaIds).toEqual(r.areas.map((a) => a.areaId));
			expect(Array.from(m.scoreUnits)).toEqual(r.areas.map((a) => a.scoreUnits));
			expect(Array.from(m.band, (b) => v3.bands[b].id)).toEqual(r.areas.map((a) => a.band));
			v3.components.forEach((_, k) => {
				expect(Array.from(m.normalised[k])).toEqual(r.areas.map((a) => a.components[k].normalised));
				expect(Array.from(m.contributionUnits[k])).toEqual(r.areas.map((a) => a.components[k].contributionUnits));
			});
			expect(m.warnings).toEqual(r.warnings);
			expect(m.scope).toEqual(r.scope);
		});
	});

	it('rescore reproduces the result from its raw values', () => {
		for (const r of [force[MONTHS.indexOf('2019-11')], fallback[MONTHS.indexOf('2019-06')]]) expect(rescore(r, { model: v3 })).toEqual(r);
	});

	it('every reachable band move (in plain units) really moves the band, and the value just short of it does not', () => {
		let checked = 0;
		for (const r of [force[MONTHS.indexOf('2019-11')], fallback[MONTHS.indexOf('2019-11')]]) {
			for (const area of r.areas) {
				const moves = bandMoves(r, area.areaId);
				for (const move of [moves.up, moves.down]) {
					if (!move) continue;
					for (const [k, m] of move.byComponent.entries()) {
						if (!m.reachable) continue;
						const { op, value } = m.neededRaw!;
						expect(m.rawChange).toBe(value - m.currentRaw);
						const nudge = Math.max(Math.abs(value) * 1e-9, 1e-9);
						// Reaching it moves the area into the move's band (or past it, when one change carries it across two).
						const reached = bandWith(r, area.areaId, k, value);
						expect(reached).toBe(m.newBand);
						const index = (id: string) => v3.bands.findIndex((b) => b.id === id);
						if (move.direction === 'up') expect(index(reached)).toBeLessThanOrEqual(index(move.band.id));
						else expect(index(reached)).toBeGreaterThanOrEqual(index(move.band.id));
						const short = op === '>=' ? value - nudge : value + nudge;
						if (short >= 0) expect(bandWith(r, area.areaId, k, short)).toBe(area.band);
						checked++;
					}
					// The score threshold, when one exists, is the score of the area to pass (or be passed by).
					if (Number.isFinite(move.threshold)) expect(r.areas.some((a) => a.score === move.threshold)).toBe(true);
				}
			}
		}
		expect(checked).toBeGreaterThan(100);
	});

	it('what-if, compare and fairness work on v3', async () => {
		const r = force[MONTHS.indexOf('2019-11')];
		const shares = await whatIf(city, { model: v3, weights, month: '2019-11', change: { bandThresholds: { high: 0.8, medium: 0.95 } }, published: r });
		expect(shares.variant.model.bands.map((b) => b.cumulative_share)).toEqual([0.8, 0.95, 1]);
		expect(shares.variant.bandCounts.high).toBeGreaterThan(r.bandCounts.high);
		expect(shares.summary.rankChanged).toBe(0);
		const weapons = await whatIf(city, { model: v3, weights, month: '2019-11', change: { include: ['Possession of weapons'] }, published: r });
		expect(weapons.variant.areas).toHaveLength(6);
		for (let i = 1; i < r.areas.length; i++) {
			const c = compareAreas(r, { a: r.areas[i - 1].areaId, b: r.areas[i].areaId });
			expect(c.components.reduce((s, x) => s + x.difference, 0)).toBe(c.scoreDifference);
		}
		const fair = fairnessSummary(r, new Map());
		expect(fair.byDecile.find((g) => g.group === 'unknown')!.areas).toBe(6);
		expect(fair.flagged).toBe(r.bandCounts.high);
	});

	it('explanations agree with the v3 scores: harm by category, threat series, band and p-values', async () => {
		const r = force[MONTHS.indexOf('2019-11')];
		for (const a of r.areas) {
			const e = await explainArea(city, { result: r, areaId: a.areaId });
			expect(e.harm[0].categories.reduce((s, c) => s + (c.harm ?? 0), 0)).toBeCloseTo(a.components[0].raw, 6);
			const d = a.components[1].detail as ThreatDetail;
			expect(e.threat[0].months.filter((m) => m.part === 'recent').reduce((s, m) => s + m.incidents, 0)).toBe(d.recentCount);
			expect(e.threat[0].pOneSided).toBe(d.pOneSided);
			expect(e.band.id).toBe(a.band);
		}
	});

	it('every reason sentence agrees with its figures', () => {
		for (const r of [force[MONTHS.indexOf('2019-11')], fallback[MONTHS.indexOf('2019-11')], force[MONTHS.indexOf('2018-06')]]) {
			const reasons = r.areas.map((a) => areaReason(r, a.areaId));
			expect(reasons.reduce((s, x) => s + x.harmShare, 0)).toBeCloseTo(1, 12);
			for (const x of reasons) {
				const area = r.areas.find((a) => a.areaId === x.areaId)!;
				expect([x.rank, x.band, x.score, x.areas]).toEqual([area.rank, area.band, area.score, r.areas.length]);
				expect(x.harmRank).toBe(1 + r.areas.filter((a) => a.components[0].raw > x.harm).length);
				// The City's data starts in December 2017: June 2018's 12-month Harm window (from July 2017) is cut, and the sentence says so.
				const over = r.month === '2018-06' ? 'since December 2017, when the data starts' : 'over the last 12 months';
				if (x.harm > 0) expect(x.sentence).toContain(`Holds ${x.shown.harmShare} of ${x.forceArea ? "the force's harm" : 'the harm of the areas scored'} ${over} (${x.shown.harmRank} areas)`);
				// One decimal under 10% ("1.4%"), whole from 10%.
				const tenths = Math.round(x.harmShare * 1000) / 10;
				if (x.harmShare >= 0.0005 && x.harmShare < 0.995) expect(x.shown.harmShare).toBe(tenths < 10 ? `${tenths.toFixed(1)}%` : `${Math.round(x.harmShare * 100)}%`);
				const chance = x.significant ? 'unlikely to be chance' : 'consistent with chance';
				if (x.changePct !== null && Math.round(x.changePct) > 0 && x.changePct < 100) expect(x.sentence).toContain(`${Math.round(x.changePct)}% above its usual level, ${chance}`);
				if (x.changePct !== null && x.changePct >= 100) {
					const times = x.changePct / 100 + 1;
					expect(x.sentence).toContain(`${times.toLocaleString('en-GB', { maximumFractionDigits: times >= 10 ? 0 : 1 })} times its usual level, ${chance}`);
				}
				if (x.pOneSided !== null) expect(x.significant).toBe(x.pOneSided < 0.05);
				if (x.changePct !== null && Math.round(x.changePct) < 0) expect(x.sentence).toContain(`${-Math.round(x.changePct)}% below its usual level`);
				if (x.expectedNextMonth! > 0) expect(x.sentence).toContain(`about ${x.shown.expectedNextMonth} CCHI days expected next month`);
				expect(x.bandMeaning.startsWith(`${x.bandLabel}: `)).toBe(true);
			}
		}
	});
});

/** The band an area would be in with component k's raw value set to `raw`, everything else unchanged (rescore: no SQL). */
function bandWith(result: ScoreResult, areaId: string, k: number, raw: number): string {
	const copy = structuredClone(result);
	copy.areas.find((a) => a.areaId === areaId)!.components[k].raw = raw;
	return rescore(copy, { model: result.model }).areas.find((a) => a.areaId === areaId)!.band;
}
