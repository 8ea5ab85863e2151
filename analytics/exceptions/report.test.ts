/**
 * The exception report on real rows: the City of London street crime sample through native
 * DuckDB. Every count equals independent SQL over the base rows (incidents, by their own
 * in_force_area flag); the report covers only the force area's LSOAs; periods without a baseline
 * say why; and the check on later months adds up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { createAggregateTables } from '../explore/aggregates';
import { exceptionReport, laterMonthsCheck, type ExceptionModel } from './index';
import modelFile from '../../models/exceptions/exceptions-v1.json';

const STREET = 'sample-data/police-uk/city-of-london/street';
const model = modelFile as unknown as ExceptionModel;
let runner: NodeRunner;

beforeAll(async () => {
	runner = await createNodeRunner();
	await loadInput(runner, [STREET], { areas: SAMPLE_AREAS });
	await createAggregateTables(runner);
}, 120_000);
afterAll(() => runner?.close());

/** Records per LSOA × category of the base rows inside the force area, in [from, to] months. */
async function baseCounts(from: string, to: string): Promise<Map<string, number>> {
	const rows = await runner.rows<{ lsoa_code: string; category: string; n: number }>(
		`SELECT lsoa_code, category, count(*)::BIGINT AS n FROM incidents
		 WHERE in_force_area AND month BETWEEN ? AND ? GROUP BY ALL`,
		[from, to]
	);
	return new Map(rows.map((r) => [`${r.lsoa_code}|${r.category}`, Number(r.n)]));
}

describe('exceptionReport on the City of London sample', () => {
	it('September–November 2019 against the same months of 2018: every count equals the base rows', async () => {
		const report = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2019-09', to: '2019-11' } });
		expect(report.level).toBe('lsoa');
		expect(report.forceName).toBe('City of London');
		expect(report.areas).toBe(6);
		// 2016 and 2017's September–November are not (fully) in the data: one baseline year.
		expect(report.baselinePeriods).toEqual([{ from: '2018-09', to: '2018-11' }]);
		expect(report.years).toBe(1);
		expect(report.comparison.notes.join(' ')).toMatch(/from 1 year/);

		const current = await baseCounts('2019-09', '2019-11');
		const baseline = await baseCounts('2018-09', '2018-11');
		const keys = new Set([...current.keys(), ...baseline.keys()]);
		const totals = [...keys].map((k) => (current.get(k) ?? 0) + (baseline.get(k) ?? 0));
		expect(report.tested.length).toBe(totals.filter((t) => t >= model.min_total).length);
		expect(report.untested).toBe(totals.filter((t) => t > 0 && t < model.min_total).length);
		expect(report.tested.length).toBeGreaterThan(10);
		for (const row of report.tested) {
			const k = `${row.area}|${row.category}`;
			expect([row.current, row.baseline]).toEqual([current.get(k) ?? 0, baseline.get(k) ?? 0]);
			expect(row.expected).toBe(row.baseline);
			expect(row.excess).toBe(row.current - row.baseline);
		}
		// Only the force area's LSOAs.
		const force = new Set((await runner.rows<{ c: string }>('SELECT area_code AS c FROM force_area')).map((r) => r.c));
		expect(report.tested.every((r) => force.has(r.area))).toBe(true);
		// Biggest first; exceptions are the tested cells with q ≤ 0.05, in the same order.
		for (let i = 1; i < report.tested.length; i++) expect(report.tested[i - 1].excess).toBeGreaterThanOrEqual(report.tested[i].excess);
		expect(report.rows).toEqual(report.tested.filter((r) => r.qValue <= 0.05));
		expect(report.rows.every((r) => r.exception && r.excess > 0)).toBe(true);
		// LSOA names come from the areas table.
		expect(report.tested.every((r) => typeof r.areaName === 'string' && r.areaName.startsWith('City of London'))).toBe(true);
		console.log(
			'City of London, Sep–Nov 2019 vs 2018:',
			`${report.tested.length} cells tested, ${report.untested} too small, ${report.rows.length} exceptions:`,
			report.rows.map((r) => `${r.area} ${r.category} ${r.current} vs ${r.expected} (q ${r.qValue.toPrecision(2)})`).join('; ')
		);
	});

	it('a category filter tests only those categories, with the same counts', async () => {
		const all = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2019-09', to: '2019-11' } });
		const some = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2019-09', to: '2019-11' }, categories: ['Theft from the person', 'Shoplifting'] });
		expect(some.tested.length).toBeGreaterThan(0);
		expect(some.tested.every((r) => ['Theft from the person', 'Shoplifting'].includes(r.category))).toBe(true);
		const byKey = new Map(all.tested.map((r) => [`${r.area}|${r.category}`, r]));
		for (const r of some.tested) expect([r.current, r.baseline]).toEqual([byKey.get(`${r.area}|${r.category}`)!.current, byKey.get(`${r.area}|${r.category}`)!.baseline]);
	});

	it('a period with no earlier year in the data, or beyond the data, tests nothing and says why', async () => {
		const early = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2018-01', to: '2018-03' } });
		expect(early.tested).toEqual([]);
		expect(early.notes.join(' ')).toMatch(/at least one earlier year/);
		const late = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2019-11', to: '2020-01' } });
		expect(late.tested).toEqual([]);
		expect(late.notes.join(' ')).toMatch(/not fully in the data/);
	});

	it('a period that cannot be tested says why once, with the data\'s months in words, and nothing about an average it never took', async () => {
		// The street files' first and last months, by SQL.
		const [{ first, last }] = await runner.rows<{ first: string; last: string }>('SELECT min(month) AS first, max(month) AS last FROM incidents');
		expect([first, last]).toEqual(['2017-12', '2019-11']);
		const late = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2019-10', to: '2020-01' } });
		expect(late.tested).toEqual([]);
		expect(late.notes).toEqual(['The period is not fully in the data, which covers December 2017–November 2019: nothing was tested.']);
		// 15 months overlap the same months a year before: one note, not also "No comparison …" and "The periods overlap …".
		const long = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2018-01', to: '2019-03' } });
		expect(long.tested).toEqual([]);
		expect(long.notes).toEqual(['The period is longer than a year, so it overlaps the months it would be compared with: nothing was tested.']);
		// A period that can be tested keeps the comparison's note on its baseline, the reason two years are missing said once.
		const ok = await exceptionReport(runner, { model, dataset: 'incidents', period: { from: '2019-09', to: '2019-11' } });
		expect(ok.notes).toEqual([
			'A 3-year average from 1 year (September–November 2018): September–November in 2016 and 2017 have no data (the data starts in December 2017).'
		]);
	});

	it('the check on later months adds up: flagged + unflagged = every cell tested in every period checked', async () => {
		const check = await laterMonthsCheck(runner, { model, dataset: 'incidents' });
		// Periods of 3 months from 2018-12…2019-02 (one year of baseline) to 2019-06…08 (followed by Sep–Nov).
		expect(check.periods[0]).toEqual({ from: '2018-12', to: '2019-02' });
		expect(check.periods.at(-1)).toEqual({ from: '2019-06', to: '2019-08' });
		let tested = 0;
		for (const period of check.periods) tested += (await exceptionReport(runner, { model, dataset: 'incidents', period })).tested.length;
		expect(check.flagged.cells + check.unflagged.cells).toBe(tested);
		expect(check.biggestRaw.cells).toBe(check.flagged.cells);
		console.log('Later months (City of London street crime):', JSON.stringify(check));
	});
});
