/**
 * The reason sentence at a scale of thousands of areas: the shipped Lancashire anti-social
 * behaviour 2022 rows scored by thr-v3 over H3 resolution 9 cells (several thousand areas, as a
 * national LSOA ranking has), so an area's harm rank and the number of areas are 1,000 or more.
 * Both are written with thousands separators ("1,234th of 5,678 areas"), never "of 5678". The
 * expected rank is counted by SQL over the base rows (anti-social behaviour weighs 1 CCHI day, so
 * an area's 12-month harm is its count of records).
 *
 * Where the data starts inside the 12-month Harm window (the same rows by LSOA, March 2022: data
 * from January 2022), the sentence names the months it has, not "the last 12 months".
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadSampleSource } from '../../scripts/lib/sample';
import type { HarmWeightsModel } from '../models/harm-weights';
import { areaReason, harmWindowCut, harmWindowWords } from './explain';
import { modelAtUnit, type ThrModel } from './model';
import { scoreMonth } from './score';

const model3 = JSON.parse(readFileSync('models/thr/thr-v3.json', 'utf8')) as ThrModel;
const weights = JSON.parse(readFileSync(model3.harm_weights.file, 'utf8')) as HarmWeightsModel;

let runner: NodeRunner;
let cleanup: (() => void) | undefined;

beforeAll(async () => {
	runner = await createNodeRunner();
	cleanup = await loadSampleSource(runner, 'lancashire-asb');
}, 300_000);

afterAll(() => {
	runner?.close();
	cleanup?.();
});

describe('areaReason with thousands of areas (Lancashire ASB 2022 by H3 r9 cell)', () => {
	it('writes the harm rank and the number of areas with thousands separators', async () => {
		const result = await scoreMonth(runner, { model: modelAtUnit(model3, 'h3_r9'), weights, month: '2022-12' });
		expect(result.areas.length).toBeGreaterThanOrEqual(1000);
		// An area whose harm rank is 1,000 or more: the first in rank order with at least 999 cells of more harm.
		const harmOf = new Map(result.areas.map((a) => [a.areaId, a.components[0].raw]));
		const area = result.areas.find((a) => result.areas.filter((b) => b.components[0].raw > a.components[0].raw).length >= 999)!;
		expect(area).toBeDefined();
		// Its 12-month harm and rank by SQL: records in its cell, January–December 2022, inside the force area.
		const [own] = await runner.rows<{ n: number }>(
			"SELECT count(*)::INTEGER AS n FROM incidents WHERE h3_r9 = ? AND month BETWEEN '2022-01' AND '2022-12' AND in_force_area IS NOT false",
			[area.areaId]
		);
		expect(harmOf.get(area.areaId)).toBe(own.n);
		// Every scored cell's harm by SQL (cells of the force area: those whose centre lies inside it).
		const harms = await runner.rows<{ cell: string; harm: number }>(
			`SELECT h3_r9 AS cell, count(*)::INTEGER AS harm FROM incidents
				WHERE month BETWEEN '2022-01' AND '2022-12' AND in_force_area IS NOT false AND h3_r9 IS NOT NULL GROUP BY 1`
		);
		const scored = new Set(result.areas.map((a) => a.areaId));
		const rank = 1 + harms.filter((h) => scored.has(h.cell) && h.harm > own.n).length;
		expect(rank).toBeGreaterThanOrEqual(1000);
		const suffix = rank % 10 === 1 && rank % 100 !== 11 ? 'st' : rank % 10 === 2 && rank % 100 !== 12 ? 'nd' : rank % 10 === 3 && rank % 100 !== 13 ? 'rd' : 'th';
		const of = result.areas.length.toLocaleString('en-GB');
		expect(of).toMatch(/^\d{1,3}(,\d{3})+$/);
		const sentence = areaReason(result, area.areaId).sentence;
		expect(sentence).toContain(`(${rank.toLocaleString('en-GB')}${suffix} of ${of} areas)`);
		expect(sentence).not.toMatch(/\d{4}/);
	});
});

describe('areaReason where the data starts inside the Harm window (Lancashire ASB by LSOA, March 2022)', () => {
	it('says "since January 2022, when the data starts", not "over the last 12 months"', async () => {
		const result = await scoreMonth(runner, { model: model3, weights, month: '2022-03' });
		const [n] = await runner.rows<{ area: number; all: number; first: string }>(
			`SELECT count(*) FILTER (WHERE lsoa_code = 'E01024877')::INTEGER AS area, count(*)::INTEGER AS "all", min(month) AS first
				FROM incidents WHERE month <= '2022-03' AND in_force_area IS NOT false AND lsoa_code IS NOT NULL`
		);
		expect(n.first).toBe('2022-01');
		expect(n.area).toBe(255);
		// Under 10%: one decimal.
		const share = ((n.area / n.all) * 100).toFixed(1);
		expect(Number(share)).toBeLessThan(10);
		expect(areaReason(result, 'E01024877').sentence).toMatch(
			new RegExp(`^Holds ${share.replace('.', '\\.')}% of the force's harm since January 2022, when the data starts \\(1st of ${result.areas.length} areas\\); `)
		);
		expect(result.areas.map((a) => areaReason(result, a.areaId).sentence).filter((x) => x.includes('last 12 months'))).toEqual([]);
	});

	it('names the Harm window the same way for the ranking\'s column: since January 2022 in March, 12 months in December', async () => {
		const march = await scoreMonth(runner, { model: model3, weights, month: '2022-03' });
		const december = await scoreMonth(runner, { model: model3, weights, month: '2022-12' });
		// The data's first month is January 2022 (checked above): March's window April 2021 – March 2022
		// starts before it; December's, January – December 2022, is all inside the data.
		expect([harmWindowCut(march, 12), harmWindowWords(march, 12)]).toEqual(['2022-01', 'since January 2022']);
		expect([harmWindowCut(december, 12), harmWindowWords(december, 12)]).toEqual([null, '12 months']);
	});
});

describe('areaReason harm shares among hundreds of areas (Lancashire ASB by LSOA, December 2022)', () => {
	it('gives shares under 10% one decimal, so areas of different harm do not all read "1%"', async () => {
		const result = await scoreMonth(runner, { model: model3, weights, month: '2022-12' });
		// Every scored LSOA's 12-month harm by SQL (anti-social behaviour weighs 1 CCHI day: harm = records).
		const harms = await runner.rows<{ lsoa: string; harm: number }>(
			`SELECT lsoa_code AS lsoa, count(*)::INTEGER AS harm FROM incidents
				WHERE month BETWEEN '2022-01' AND '2022-12' AND in_force_area IS NOT false AND lsoa_code IS NOT NULL GROUP BY 1`
		);
		const scored = new Set(result.areas.map((a) => a.areaId));
		const inForce = harms.filter((h) => scored.has(h.lsoa)).sort((a, b) => b.harm - a.harm || (a.lsoa < b.lsoa ? -1 : 1));
		const total = inForce.reduce((s, h) => s + h.harm, 0);
		expect(result.areas.length).toBeGreaterThan(900);
		// The highest-harm area and the first area with less harm than it.
		const [top] = inForce;
		const lower = inForce.find((h) => h.harm < top.harm)!;
		expect(top.harm / total).toBeLessThan(0.1);
		const percentOf = (harm: number) => `${((harm / total) * 100).toFixed(1)}%`;
		// Both rounded to whole percents they read "1%"; to one decimal they differ.
		expect([Math.round((top.harm / total) * 100), Math.round((lower.harm / total) * 100)]).toEqual([1, 1]);
		expect(percentOf(top.harm)).not.toBe(percentOf(lower.harm));
		const topReason = areaReason(result, top.lsoa);
		const lowerReason = areaReason(result, lower.lsoa);
		expect(topReason.sentence).toMatch(new RegExp(`^Holds ${percentOf(top.harm).replace('.', '\\.')} of the force's harm over the last 12 months \\(1st of `));
		expect(lowerReason.sentence).toContain(`Holds ${percentOf(lower.harm)} of the force's harm over the last 12 months`);
		expect(topReason.shown.harmShare).not.toBe(lowerReason.shown.harmShare);
	});
});

describe('areaReason with no usual level or a thin one: the data has no earlier month, the area had no harm in the months it has, or too few months to test (Lancashire ASB by LSOA)', () => {
	it('in the data\'s first months says the data has no earlier month, not that the area had no earlier harm', async () => {
		const [d] = await runner.rows<{ first: string; before: number; area: number }>(
			`SELECT min(month) AS first, count(*) FILTER (WHERE month < '2022-01')::INTEGER AS before,
				count(*) FILTER (WHERE lsoa_code = 'E01024877' AND month BETWEEN '2022-01' AND '2022-03')::INTEGER AS area
				FROM incidents WHERE in_force_area IS NOT false`
		);
		// The source starts in January 2022: nothing before it; the area has records in January–March.
		expect(d).toEqual({ first: '2022-01', before: 0, area: 255 });
		const march = await scoreMonth(runner, { model: model3, weights, month: '2022-03' });
		const sentence = areaReason(march, 'E01024877').sentence;
		expect(sentence).toContain('; harm in the last 3 months has nothing to compare with: the data has no earlier month (it starts in January 2022); ');
		expect(sentence).not.toContain('no earlier harm');
		// January: the last 3 months (November 2021 – January 2022) hold one month of data, named as such.
		const january = await scoreMonth(runner, { model: model3, weights, month: '2022-01' });
		expect(areaReason(january, 'E01024877').sentence).toContain('; harm since January 2022 has nothing to compare with: the data has no earlier month; ');
		expect(january.areas.map((a) => areaReason(january, a.areaId).sentence).filter((x) => x.includes('last 3 months'))).toEqual([]);
	});

	it('with earlier months in the data, names the areas with no harm in them (May 2022: January and February)', async () => {
		// Areas with records in March–May 2022 and none in January–February, by SQL.
		const rows = await runner.rows<{ lsoa: string; recent: number; before: number }>(
			`SELECT lsoa_code AS lsoa, count(*) FILTER (WHERE month BETWEEN '2022-03' AND '2022-05')::INTEGER AS recent,
				count(*) FILTER (WHERE month BETWEEN '2022-01' AND '2022-02')::INTEGER AS before
				FROM incidents WHERE month <= '2022-05' AND in_force_area IS NOT false AND lsoa_code IS NOT NULL GROUP BY 1`
		);
		const none = rows.filter((r) => r.recent > 0 && r.before === 0).map((r) => r.lsoa).sort();
		expect(none.length).toBeGreaterThan(0);
		const may = await scoreMonth(runner, { model: model3, weights, month: '2022-05' });
		const phrase = '; harm in the last 3 months has nothing to compare with: this area had no harm in the 2 months before (the data starts in January 2022); ';
		const said = may.areas.filter((a) => areaReason(may, a.areaId).sentence.includes(phrase)).map((a) => a.areaId).sort();
		expect(said).toEqual(none);
		expect(may.areas.map((a) => areaReason(may, a.areaId).sentence).filter((x) => x.includes('no earlier'))).toEqual([]);
	});

	it('with fewer baseline months than Threat needs (April 2022: January only), the level of that month, and no word on chance', async () => {
		// E01024877's records: January 2022 (the baseline month the data has) and February–April (the last 3 months).
		const [n] = await runner.rows<{ base: number; recent: number }>(
			`SELECT count(*) FILTER (WHERE month = '2022-01')::INTEGER AS base, count(*) FILTER (WHERE month BETWEEN '2022-02' AND '2022-04')::INTEGER AS recent
				FROM incidents WHERE lsoa_code = 'E01024877' AND in_force_area IS NOT false`
		);
		const april = await scoreMonth(runner, { model: model3, weights, month: '2022-04' });
		// Threat is not worked out this month: 1 baseline month, fewer than the 3 it needs.
		expect(april.components.find((c) => c.kind === 'threat')!.excess).toMatchObject({ baselineMonths: 1, active: false });
		const pct = Math.round((n.recent / (n.base * 3) - 1) * 100);
		expect(pct).not.toBe(0);
		const change = pct > 0 ? (pct >= 100 ? `${(n.recent / (n.base * 3)).toFixed(1)} times` : `${pct}% above`) : `${-pct}% below`;
		expect(areaReason(april, 'E01024877').sentence).toContain(
			`; harm in the last 3 months is ${change} the level of the month before them${pct > 0 ? ', too few months to test for a rise' : ''}; `
		);
		const sentences = april.areas.map((a) => areaReason(april, a.areaId).sentence);
		expect(sentences.filter((x) => /chance|usual level/.test(x))).toEqual([]);
	});
});
