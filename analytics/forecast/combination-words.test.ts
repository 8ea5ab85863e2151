/**
 * The combination's "Uses" and "Parameters" lists, as the Forecast page shows them, on real rows:
 * the Chicago aggravated assaults (sample-data/chicago) per hour over the 12 weeks from Monday
 * 2 October 2017. Each member is named as the page's method list names it (METHOD_LABELS:
 * "Seasonal mean of recent seasons", "Negative binomial regression: …"), never by its id
 * ("seasonal-mean", "nb-regression"), which the lists used to show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { FORECAST_METHODS, METHOD_LABELS, defaultMethodOptions, fitMethod } from './methods';

let runner: NodeRunner;
let hourly: number[];

beforeAll(async () => {
	runner = await createNodeRunner();
	// Every hour of the 12 weeks, zero where no assault was recorded.
	const rows = await runner.rows<{ n: number }>(
		`WITH a AS (SELECT date_trunc('hour', CAST(date AS TIMESTAMP)) AS h FROM read_csv('sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz', header = true, all_varchar = true))
		 SELECT CAST(count(a.h) AS INTEGER) AS n FROM range(TIMESTAMP '2017-10-02 00:00', TIMESTAMP '2017-12-25 00:00', INTERVAL 1 HOUR) t(h)
		 LEFT JOIN a ON a.h = t.h GROUP BY t.h ORDER BY t.h`
	);
	hourly = rows.map((r) => Number(r.n));
}, 60_000);

afterAll(() => runner?.close());

describe('the combination names its members as the method list does', () => {
	it('Uses and Parameters start with each member\'s label, and no method id appears', () => {
		expect(hourly).toHaveLength(12 * 168);
		expect(hourly.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
		const fit = fitMethod('combination', hourly, { ...defaultMethodOptions(168), calendar: { start: '2017-10-02T00:00:00' } });
		const members = ['seasonal-mean', 'nb-regression'] as const;
		expect(fit.uses.map((u) => u.slice(0, u.indexOf(' (weight')))).toEqual(members.map((m) => METHOD_LABELS[m]));
		expect(fit.uses.every((u) => u.includes('(weight 1/2): '))).toBe(true);
		expect(fit.parameters.length).toBeGreaterThan(members.length);
		for (const p of fit.parameters) {
			const member = members.find((m) => p.name.startsWith(`${m}.`));
			expect(member, p.name).toBeDefined();
			expect(p.meaning.startsWith(`${METHOD_LABELS[member!]}: `), p.meaning).toBe(true);
		}
		const words = [...fit.uses, ...fit.parameters.map((p) => p.meaning)].join('\n');
		for (const id of FORECAST_METHODS) expect(words).not.toContain(`${id}:`);
		expect(words).not.toMatch(/\b(seasonal-mean|nb-regression)\b/);
	});
});
