/**
 * withTablesOnDemand (runner.ts): tables made when a query first needs them give the answers the
 * database gives with every table made up front, over real DuckDB (native, the shipped City of
 * London sample built into a temporary folder), and a real error is never retried in a loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../../scripts/lib/node-runner';
import { loadSampleSource } from '../../../scripts/lib/sample';
import { createHarmWeightTables, type HarmWeightsModel } from '../../../analytics/models/harm-weights';
import { hasColumn, tableExists, withCatalogSnapshot } from '../../../analytics/shared/catalog';
import { scoreMonth, type ThrModel } from '../../../analytics/thr';
import { hasAreaMonthKeys } from '../../../analytics/thr/area-months';
import harmWeightsFile from '../../../models/harm-weights/cchi-police-uk-v2.json';
import thrModelFile from '../../../models/thr/thr-v3.json';
import { createNodeImportEngine } from '../import/node-engine';
import { missingTableName, withTablesOnDemand, type TablesOnDemand } from './runner';

const HARM = harmWeightsFile as HarmWeightsModel;
const THR = thrModelFile as unknown as ThrModel;
/** The datasets the sample extract ships as Arrow files, which the browser makes tables of on first use. */
const ON_FIRST_USE = ['thr_area_months', 'areas', 'force_area', 'force_cells', 'districts', 'explore_points', 'explore_hours', 'population_ethnicity', 'outcomes'];
const HIDDEN = 'hidden_';

let runner: NodeRunner;
let remove: () => void = () => {};
let month: string;

/**
 * The sample's Arrow tables moved out of sight (renamed), and a TablesOnDemand that brings one
 * back when asked, counting how often each was made. `fail` makes the next load of a table throw.
 */
async function hideTables() {
	for (const name of ON_FIRST_USE) await runner.exec(`ALTER TABLE ${name} RENAME TO ${HIDDEN}${name}`);
	const made: string[] = [];
	const calls: string[] = [];
	const done = new Set<string>();
	const loading = new Map<string, Promise<void>>();
	const failNext = new Set<string>();
	/** Tables whose load resolves without making them. */
	const makesNothing = new Set<string>();
	const tables: TablesOnDemand = {
		has: (name) => ON_FIRST_USE.includes(name),
		pending: (name) => ON_FIRST_USE.includes(name) && !done.has(name),
		load(name) {
			calls.push(name);
			if (done.has(name)) return Promise.resolve();
			let p = loading.get(name);
			if (!p) {
				p = (async () => {
					// Yield first, so concurrent first uses really overlap.
					await new Promise((r) => setTimeout(r, 5));
					if (failNext.delete(name)) throw new Error(`${name}.arrow could not be fetched`);
					if (makesNothing.has(name)) return;
					await runner.exec(`ALTER TABLE ${HIDDEN}${name} RENAME TO ${name}`);
					made.push(name);
					done.add(name);
				})().finally(() => loading.delete(name));
				loading.set(name, p);
			}
			return p;
		}
	};
	return { queries: withTablesOnDemand(runner, tables), made, calls, failNext, makesNothing };
}

/** Every table back under its own name (after a test). */
async function showTables() {
	const rows = await runner.rows<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'hidden\\_%' ESCAPE '\\'");
	for (const { name } of rows) await runner.exec(`ALTER TABLE ${name} RENAME TO ${name.slice(HIDDEN.length)}`);
}

beforeAll(async () => {
	runner = await createNodeRunner();
	remove = await loadSampleSource(runner, 'city-of-london');
	await createHarmWeightTables(runner, HARM);
	const [{ m }] = await runner.rows<{ m: number }>('SELECT max(month_index) AS m FROM thr_area_months');
	month = `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}, 300_000);

afterAll(() => {
	runner?.close();
	remove();
});

describe('withTablesOnDemand over the City of London sample', () => {
	it('scores a month with the same result, field for field, making thr_area_months once', async () => {
		const expected = await scoreMonth(runner, { model: THR, weights: HARM, month });
		expect(expected.areas.length).toBeGreaterThan(0);
		const { queries, made } = await hideTables();
		try {
			const [first, again] = [await scoreMonth(queries, { model: THR, weights: HARM, month }), await scoreMonth(queries, { model: THR, weights: HARM, month })];
			expect(first).toEqual(expected);
			expect(again).toEqual(expected);
			expect(made).toContain('thr_area_months');
			expect(new Set(made).size).toBe(made.length);
			// What scoring does not read stays unmade.
			expect(made).not.toContain('explore_hours');
			expect(made).not.toContain('population_ethnicity');
		} finally {
			await showTables();
		}
	});

	it('answers catalog questions about a table not made yet as if it were, making only what is asked about', async () => {
		const expected = {
			exists: await tableExists(runner, 'thr_area_months'),
			column: await hasColumn(runner, 'thr_area_months', 'area_index'),
			keys: await hasAreaMonthKeys(runner),
			snapshot: await withCatalogSnapshot(runner, async () => [await tableExists(runner, 'areas'), await hasColumn(runner, 'explore_points', 'in_force_area')])
		};
		expect(expected).toEqual({ exists: true, column: true, keys: true, snapshot: [true, true] });
		const { queries, made } = await hideTables();
		try {
			// The snapshot lists what exists; a table it lacks is asked about by name, which makes it.
			const snapshot = await withCatalogSnapshot(queries, async () => [await tableExists(queries, 'areas'), await hasColumn(queries, 'explore_points', 'in_force_area')]);
			expect(snapshot).toEqual(expected.snapshot);
			expect(made).toEqual(['areas', 'explore_points']);
			expect(await tableExists(queries, 'thr_area_months')).toBe(true);
			expect(await hasColumn(queries, 'thr_area_months', 'area_index')).toBe(true);
			expect(await hasAreaMonthKeys(queries)).toBe(true);
			expect(made).toEqual(['areas', 'explore_points', 'thr_area_months']);
			// A table that is not one of them is still absent.
			expect(await tableExists(queries, 'no_such_table')).toBe(false);
		} finally {
			await showTables();
		}
	});

	it('makes a table once for concurrent first uses', async () => {
		const [{ n: rows }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM thr_area_months');
		const { queries, made } = await hideTables();
		try {
			const counts = await Promise.all(Array.from({ length: 6 }, () => queries.rows<{ n: number }>('SELECT count(*) AS n FROM thr_area_months')));
			expect(counts.map(([r]) => r.n)).toEqual(Array(6).fill(rows));
			expect(made).toEqual(['thr_area_months']);
		} finally {
			await showTables();
		}
	});

	it('runs a script of several statements once, its first statements not repeated', async () => {
		const { queries, made } = await hideTables();
		try {
			await queries.exec('CREATE TEMP TABLE script_first (n INTEGER); INSERT INTO script_first VALUES (1); CREATE TEMP TABLE script_second AS SELECT count(*) AS n FROM force_area');
			expect(await runner.rows('SELECT n FROM script_first')).toEqual([{ n: 1 }]);
			expect(made).toEqual(['force_area']);
			await runner.exec('DROP TABLE script_first; DROP TABLE script_second');
		} finally {
			await showTables();
		}
	});

	it('throws a real error as it is: another missing table, a wrong column, a table still missing after it was made', async () => {
		const { queries, made, calls, makesNothing } = await hideTables();
		try {
			await expect(queries.rows('SELECT * FROM no_such_table')).rejects.toThrow(/Table with name no_such_table does not exist/);
			expect(calls).toEqual([]);
			// The table is made (once), then the binder's error for the column is the answer.
			await expect(queries.rows('SELECT no_such_column FROM outcomes')).rejects.toThrow(/no_such_column/);
			expect(made).toEqual(['outcomes']);
			await expect(queries.rows('SELECT no_such_column FROM outcomes')).rejects.toThrow(/no_such_column/);
			expect(made).toEqual(['outcomes']);
			// A table of the set that its load does not make: one retry, then DuckDB's error.
			makesNothing.add('districts');
			await expect(queries.rows('SELECT count(*) FROM districts')).rejects.toThrow(/Table with name districts does not exist/);
			expect(calls.filter((c) => c === 'districts')).toHaveLength(1);
		} finally {
			await showTables();
		}
	});

	it('throws a failed load to the query that asked, and tries again on the next', async () => {
		const [{ n: rows }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM areas');
		const { queries, made, calls, failNext } = await hideTables();
		try {
			failNext.add('areas');
			await expect(queries.rows('SELECT count(*) AS n FROM areas')).rejects.toThrow('areas.arrow could not be fetched');
			expect(calls).toEqual(['areas']);
			expect(await queries.rows('SELECT count(*) AS n FROM areas')).toEqual([{ n: rows }]);
			expect(made).toEqual(['areas']);
		} finally {
			await showTables();
		}
	});
});

describe('missingTableName', () => {
	it("reads DuckDB's catalog error, natively and in DuckDB-wasm, and nothing else", async () => {
		const native = await runner.rows('SELECT * FROM Thr_Area_Months_Gone').catch((e: unknown) => e);
		expect(missingTableName(native)).toBe('thr_area_months_gone');
		// DuckDB-wasm 1.32's blocking Node build: the engine the browser runs.
		const wasm = await createNodeImportEngine();
		try {
			expect(missingTableName(await wasm.runner.rows('SELECT * FROM main.thr_area_months').catch((e: unknown) => e))).toBe('thr_area_months');
			const binder = await wasm.runner.rows('SELECT no_such_column FROM (SELECT 1 AS a)').catch((e: unknown) => e);
			expect(binder).toBeInstanceOf(Error);
			expect(missingTableName(binder)).toBeNull();
		} finally {
			wasm.close();
		}
		expect(missingTableName(new Error('Catalog Error: Scalar Function with name nope does not exist!'))).toBeNull();
	});
});
