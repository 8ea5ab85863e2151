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
		['a zero time on task', { time_on_task_minutes: { default: 0, default_note: 'a reason for it', by_category: [] } }],
		['a default time on task without its reason', { time_on_task_minutes: { default: 90, by_category: [] } }],
		['a category time without its reason', { time_on_task_minutes: { default: 90, default_note: 'a reason for it', by_category: [{ category: 'Burglary', minutes: 150 }] } }],
		['no category mix window', { category_mix: undefined }],
		['a recorded-times rule without a threshold', { time_on_task_minutes: { default: 90, default_note: 'a reason for it', by_category: [], from_data: { use: true, note: 'why this rule' } } }],
		['an unknown method', { method: 'guess' }],
		['an unknown property', { surprise: true }]
	])('the schema rejects %s', (_, change) => {
		expect(validate({ ...load('default.json'), ...change })).toBe(false);
	});

	it('every declared time on task says why (its source or reasoning)', () => {
		const d = load('default.json');
		expect(d.time_on_task_minutes.default_note.length).toBeGreaterThan(10);
		for (const c of d.time_on_task_minutes.by_category) expect([c.category, c.note.length > 10]).toEqual([c.category, true]);
	});

	it('every schema property has a description', () => {
		expect(undescribedProperties(schema)).toEqual([]);
	});
});
