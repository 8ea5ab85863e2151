/** tableExists and hasColumn on a real DuckDB database: tables of main and temp, and absent ones. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import type { QueryRunner } from '../runner';
import { hasColumn, tableExists, withCatalogSnapshot } from './catalog';

describe('catalog', () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
		await runner.exec('CREATE TABLE incidents (month_index INTEGER, in_force_area BOOLEAN)');
		await runner.exec('CREATE TEMP TABLE force_area_rows (area_code VARCHAR)');
	});
	afterAll(() => runner.close());

	it('finds tables of the main and the temp schema, and nothing else', async () => {
		expect(await tableExists(runner, 'incidents')).toBe(true);
		expect(await tableExists(runner, 'force_area_rows')).toBe(true);
		expect(await tableExists(runner, 'force_area')).toBe(false);
		expect(await tableExists(runner, 'Incidents')).toBe(false);
	});

	it('finds a column only in the table that has it', async () => {
		expect(await hasColumn(runner, 'incidents', 'in_force_area')).toBe(true);
		expect(await hasColumn(runner, 'force_area_rows', 'area_code')).toBe(true);
		expect(await hasColumn(runner, 'force_area_rows', 'in_force_area')).toBe(false);
		expect(await hasColumn(runner, 'events', 'in_force_area')).toBe(false);
	});

	it('answers the same inside a catalog snapshot, with one catalogue read, and still sees a table created meanwhile', async () => {
		const asked: string[] = [];
		const counting: QueryRunner = {
			exec: (sql, params) => runner.exec(sql, params),
			rows: (sql, params) => (asked.push(sql), runner.rows(sql, params)),
			columns: (sql, params) => (asked.push(sql), runner.columns(sql, params))
		};
		const answers = await withCatalogSnapshot(counting, async () => {
			const found = [
				await tableExists(counting, 'incidents'),
				await tableExists(counting, 'force_area_rows'),
				await hasColumn(counting, 'incidents', 'in_force_area'),
				await hasColumn(counting, 'force_area_rows', 'area_code'),
				await tableExists(counting, 'Incidents'),
				await hasColumn(counting, 'force_area_rows', 'in_force_area')
			];
			await runner.exec('CREATE TEMP TABLE force_cells (h3 VARCHAR)');
			return [...found, await tableExists(counting, 'force_cells'), await hasColumn(counting, 'force_cells', 'h3')];
		});
		expect(answers).toEqual([true, true, true, true, false, false, true, true]);
		// The snapshot, then one query for each question it cannot answer yes to (two absent, two created after it).
		expect(asked).toHaveLength(5);
		await runner.exec('DROP TABLE force_cells');
		// Outside the snapshot every question is asked of the database again.
		expect(await tableExists(runner, 'force_cells')).toBe(false);
	});
});
