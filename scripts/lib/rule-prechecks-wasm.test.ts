/**
 * The row rules with their pre-checks give the hand-worked verdicts in DuckDB-wasm 1.32 too, the
 * engine of the in-browser import, which applies the same rules (analytics/ingest/rules.ts): the
 * cases of analytics/ingest/rule-prechecks.test-setup.ts, run there as on native DuckDB; and the
 * import's typing trims as trim() does there too (sql.ts trimSql).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseVerdicts, expectedVerdicts, RULE_CASES, TRIM_CASES } from '../../analytics/ingest/rule-prechecks.test-setup';
import { trimSql } from '../../analytics/ingest/sql';
import { createNodeImportEngine } from '../../web/lib/import/node-engine';

let engine: Awaited<ReturnType<typeof createNodeImportEngine>>;
beforeAll(async () => {
	engine = await createNodeImportEngine();
}, 60_000);
afterAll(() => engine?.close());

describe('rule pre-checks in DuckDB-wasm 1.32', () => {
	for (const group of RULE_CASES) {
		it(group.title, async () => {
			expect(await caseVerdicts(engine.runner, group)).toEqual(expectedVerdicts(group));
		});
	}

	it('trimSql gives what trim gives', async () => {
		const [row] = await engine.runner.rows<{ differ: number; n: number }>(
			`SELECT count(*) FILTER (WHERE ${trimSql('x')} IS DISTINCT FROM trim(x))::INTEGER AS differ, count(*)::INTEGER AS n FROM (VALUES ${TRIM_CASES.map(() => '(?)').join(', ')}) t(x)`,
			TRIM_CASES
		);
		expect(row).toEqual({ differ: 0, n: TRIM_CASES.length });
	});
});
