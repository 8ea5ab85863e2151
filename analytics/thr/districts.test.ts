/**
 * THR over a custom area set (the extract's `districts`): the shipped Lancashire anti-social
 * behaviour 2022 rows, built as `npm run extracts:sample` builds them, scored by thr-v3 over its
 * 14 local authority districts instead of its 941 LSOAs. Every figure is worked again here with
 * independent SQL over the base rows from the model's formula (Harm: Σ weight over 12 months;
 * Threat: the exact one-sided binomial test and its Clopper–Pearson lower bound, found by
 * bisection on a tail summed in SQL with lgamma; Risk: the mean monthly harm of the months
 * available, as thr-v3's forecast does with under 30 months of history), not with the engine's
 * own helpers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { buildExtracts } from '../../scripts/lib/extracts';
import { loadExtract } from '../../scripts/lib/load-input';
import { SAMPLE_SOURCES } from '../../scripts/lib/sample';
import type { HarmWeightsModel } from '../models/harm-weights';
import { monthIndex } from '../shared/months';
import { modelAtUnit, type ThrModel } from './model';
import { scoreMonth, scoreMonths } from './score';
import { harmAccuracy } from '../hotspots/accuracy';
import { studyRegion } from '../hotspots/data';
import { ensureHarmWeights } from './sql';

const model3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
const weights = JSON.parse(readFileSync(model3.harm_weights.file, 'utf8')) as HarmWeightsModel;
const ASB = weights.weights.find((w) => w.category === 'Anti-social behaviour')!.weight as number;
const byDistrict = modelAtUnit(model3, 'district');
const UNIT = 2 ** 20;

let runner: NodeRunner;
let dir: string;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'clearsight-thr-districts-'));
	const source = SAMPLE_SOURCES.find((s) => s.id === 'lancashire-asb')!;
	await buildExtracts({ ...source.build, out: dir });
	runner = await createNodeRunner();
	await loadExtract(runner, dir);
}, 300_000);

afterAll(() => {
	runner?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Records of one district, inside the force area, in months [from, to] (month_index), by SQL on the base rows. */
async function records(district: string, from: number, to: number): Promise<number> {
	const [r] = await runner.rows<{ n: number }>(
		'SELECT count(*)::INTEGER AS n FROM incidents WHERE district_id = ? AND month_index BETWEEN ? AND ? AND in_force_area IS NOT false',
		[district, from, to]
	);
	return Number(r.n);
}

/** P(X ≥ r) for X ~ Binomial(n, p), summed in SQL from lgamma (independent of analytics/thr/stats). */
async function upperTail(r: number, n: number, p: number): Promise<number> {
	if (r <= 0) return 1;
	const [row] = await runner.rows<{ t: number }>(
		`SELECT coalesce(sum(exp(lgamma(?::DOUBLE + 1) - lgamma(k + 1) - lgamma(?::DOUBLE - k + 1) + k * ln(?::DOUBLE) + (?::DOUBLE - k) * ln(1 - ?::DOUBLE))), 0) AS t
		 FROM range(?, ? + 1) AS g(k)`,
		[n, n, p, n, p, r, n]
	);
	return Number(row.t);
}

/** The Clopper–Pearson one-sided lower bound at `level`: the π with P(X ≥ r | n, π) = 1 − level, by bisection. */
async function lowerBound(r: number, n: number, level: number): Promise<number> {
	if (r === 0) return 0;
	let lo = 0;
	let hi = r / n;
	for (let i = 0; i < 60; i++) {
		const mid = (lo + hi) / 2;
		if ((await upperTail(r, n, mid)) < 1 - level) lo = mid;
		else hi = mid;
	}
	return (lo + hi) / 2;
}

describe('THR v3 over the Lancashire districts (a custom area set)', () => {
	it('scores every district of the area set, and only those, with the records outside the force area left out', async () => {
		const districts = (await runner.rows<{ id: string }>('SELECT district_id AS id FROM districts ORDER BY 1')).map((r) => String(r.id));
		expect(districts).toHaveLength(14);
		const result = await scoreMonth(runner, { model: byDistrict, weights, month: '2022-12' });
		expect(result.areaUnit).toBe('district');
		expect(result.scope.method).toBe('force-area');
		expect(result.scope.areasInForceArea).toBe(14);
		expect(result.areas.map((a) => a.areaId).sort()).toEqual(districts);
		// The one record located outside (an LSOA in Sefton) is counted, never scored.
		const [out] = await runner.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM incidents WHERE in_force_area = false');
		expect(Number(out.n)).toBe(1);
		expect(result.scope.recordsOutside).toBe(1);
		// Records with no location (no LSOA, so no district) in the 15 months the score reads are counted apart.
		const M = monthIndex('2022-12');
		const [left] = await runner.rows<{ unlocated: number }>(
			`SELECT count(*) FILTER (WHERE lsoa_code IS NULL AND longitude IS NULL)::INTEGER AS unlocated
			 FROM incidents WHERE month_index BETWEEN ? AND ?`,
			[M - 14, M]
		);
		expect(result.scope.recordsUnplaced).toBe(Number(left.unlocated));
		// Ranks follow the scores; the 12-month Harm of the districts adds up to every in-force record with a district.
		const scores = result.areas.map((a) => a.score);
		expect([...scores].sort((a, b) => b - a)).toEqual(scores);
		const [all] = await runner.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM incidents WHERE district_id IS NOT NULL AND in_force_area IS NOT false');
		const harmSum = result.areas.reduce((s, a) => s + a.components.find((c) => c.id === 'harm')!.raw, 0);
		expect(harmSum).toBe(Number(all.n) * ASB);
	}, 120_000);

	it.each(['2022-09', '2022-12'])('in %s, each district\'s Harm, Threat, Risk and score equal the model\'s formula worked in SQL', async (month) => {
		const M = monthIndex(month);
		const [first] = await runner.rows<{ m: number }>('SELECT min(month_index)::INTEGER AS m FROM incidents');
		const start = Number(first.m);
		const result = await scoreMonth(runner, { model: byDistrict, weights, month });
		const harmOf = new Map<string, number>();
		for (const a of result.areas) harmOf.set(a.areaId, (await records(a.areaId, M - 11, M)) * ASB);
		const reference = Math.max(...harmOf.values());
		expect(result.reference).toBe(reference);
		const threatSpec = byDistrict.components.find((c) => c.kind === 'threat')!;
		const R = threatSpec.kind === 'threat' ? threatSpec.recent_months : 0;
		// Baseline months the data covers: the 12 before the recent 3, from the first month with data.
		const B = Math.min(12, M - R + 1 - start);
		let withThreat = 0;
		for (const a of result.areas) {
			const c = Object.fromEntries(a.components.map((x) => [x.id, x]));
			expect(c.harm.raw).toBe(harmOf.get(a.areaId));
			const r = await records(a.areaId, M - R + 1, M);
			const b = await records(a.areaId, M - R + 1 - B, M - R);
			const n = r + b;
			// One-sided exact test of "recent rate above baseline": r | n ~ Binomial(n, R / (R + B)).
			const p = await upperTail(r, n, R / (R + B));
			let threat = 0;
			if (p < 0.05) {
				const pi = await lowerBound(r, n, 0.95);
				const thetaL = (pi / (1 - pi)) * (B / R);
				threat = Math.max(0, thetaL - 1) * (b * ASB) * (R / B);
				withThreat++;
				expect(c.threat.raw).toBeGreaterThan(0);
				expect(c.threat.raw).toBeCloseTo(threat, 6);
			} else expect(c.threat.raw).toBe(0);
			// Risk: next month's forecast = the mean monthly harm of the months available (under 30: no season).
			const months = Math.min(12, M - start + 1);
			const risk = ((await records(a.areaId, M - months + 1, M)) * ASB) / months;
			expect(c.risk.raw).toBeCloseTo(risk, 9);
			// Magnitudes on the largest 12-month harm, each contribution rounded to 2^-20, the score their sum.
			const part = (value: number, weight: number) => Math.round(Math.min(1, value / reference) * weight * UNIT) / UNIT;
			expect(c.harm.contribution).toBe(part(c.harm.raw, 0.4));
			expect(Math.abs(c.threat.contribution - part((threat * 12) / R, 0.3))).toBeLessThanOrEqual(1 / UNIT);
			expect(c.risk.contribution).toBe(part(risk * 12, 0.3));
			expect(a.score).toBe(c.harm.contribution + c.threat.contribution + c.risk.contribution);
		}
		// 2022-09: a credible rise in 8 districts (e.g. Blackpool); 2022-12: none.
		expect(withThreat).toBe(month === '2022-09' ? 8 : 0);
	}, 300_000);

	it('a month scored alone equals the same month scored with others (one pass), and later months change nothing', async () => {
		const [alone] = await scoreMonths(runner, { model: byDistrict, weights, months: ['2022-09'] });
		const together = (await scoreMonths(runner, { model: byDistrict, weights, months: ['2022-08', '2022-09', '2022-12'] }))[1];
		expect(together.areas).toEqual(alone.areas);
		await runner.exec("CREATE TABLE later AS SELECT * FROM incidents WHERE month_index > ?", [monthIndex('2022-09')]);
		await runner.exec('DELETE FROM incidents WHERE month_index > ?', [monthIndex('2022-09')]);
		try {
			const cut = await scoreMonth(runner, { model: byDistrict, weights, month: '2022-09' });
			expect(cut.areas).toEqual(alone.areas);
		} finally {
			await runner.exec('INSERT INTO incidents SELECT * FROM later');
			await runner.exec('DROP TABLE later');
		}
	}, 300_000);
});

describe('hot spots over the Lancashire districts', () => {
	it('the study region is every district, with its centroid and km² from the districts table', async () => {
		const region = await studyRegion(runner, { level: 'district', trainEnd: '2022-12' });
		expect(region.basis).toBe('area set');
		const rows = await runner.rows<{ id: string; km2: number }>('SELECT district_id AS id, area_km2 AS km2 FROM districts ORDER BY 1');
		expect(region.areas.map((a) => [a.areaId, a.areaKm2])).toEqual(rows.map((r) => [String(r.id), Number(r.km2)]));
		expect(region.areas.every((a) => a.centre === 'district centroid (districts table)')).toBe(true);
	});

	it('the held-out harm accuracy at district level: THR v3 over the districts against the four baselines (measured, printed)', async () => {
		await ensureHarmWeights(runner, weights);
		const result = (await harmAccuracy(runner, { models: [{ model: model3, weights }], months: 12, level: 'district' }))!;
		expect(result.level).toBe('district');
		expect(result.region.areas).toBe(14);
		expect(result.testMonths).toHaveLength(11);
		const lines = result.evaluations.map((e) => `${e.label}: ${e.mean.map((x) => `${(x.areaShare * 100).toFixed(0)}% → ${x.hitRate === null ? '—' : (x.hitRate * 100).toFixed(1) + '%'}`).join(', ')}`);
		console.log(['District level, share of next month\'s harm held by the top areas (mean of 11 origins):', ...lines, result.statement].join('\n'));
	}, 300_000);
});
