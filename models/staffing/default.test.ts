/**
 * Every staffing assumptions file is data validated by models/schema/staffing.schema.json, and
 * every schema property carries a description (shared/STYLE.md §11).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { undescribedProperties } from '../schema/undescribed';

const schema = JSON.parse(readFileSync('models/schema/staffing.schema.json', 'utf8'));
const files = readdirSync('models/staffing').filter((f) => f.endsWith('.json'));


describe('staffing assumption files', () => {
	const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
	const load = (file: string) => JSON.parse(readFileSync(join('models/staffing', file), 'utf8'));

	it('there is a default file', () => expect(files).toContain('default.json'));

	it.each(files)('%s passes the schema', (file) => {
		const ok = validate(load(file));
		expect(validate.errors ?? []).toEqual([]);
		expect(ok).toBe(true);
	});

	it.each([
		['a target share of 1', { service_target: { within_minutes: 15, share: 1 } }],
		['shrinkage of 1', { shrinkage: 1 }],
		['a zero time on task', { time_on_task_minutes: { default: 0, by_category: [] } }],
		['an unknown method', { method: 'guess' }],
		['an unknown property', { surprise: true }]
	])('the schema rejects %s', (_, change) => {
		expect(validate({ ...load('default.json'), ...change })).toBe(false);
	});

	it('every schema property has a description', () => {
		expect(undescribedProperties(schema)).toEqual([]);
	});
});
