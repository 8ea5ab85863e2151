/** tableExists and hasColumn on a real DuckDB database: tables of main and temp, and absent ones. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { hasColumn, tableExists } from './catalog';

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
});
