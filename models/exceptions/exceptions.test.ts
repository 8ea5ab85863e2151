/**
 * Exception-report method files are data validated by models/schema/exceptions.schema.json
 * (JSON Schema 2020-12, Ajv strict mode); every schema property is described; the changelog starts
 * with the current version.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { undescribedProperties } from '../schema/undescribed';

const schema = JSON.parse(readFileSync('models/schema/exceptions.schema.json', 'utf8'));
const files = readdirSync('models/exceptions').filter((f) => f.endsWith('.json'));
const load = (file: string) => JSON.parse(readFileSync(join('models/exceptions', file), 'utf8'));

describe('exception report method files', () => {
	const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

	it('has the published file', () => expect(files).toContain('exceptions-v1.json'));

	it.each(files)('%s passes the schema', (file) => {
		const ok = validate(load(file));
		expect(validate.errors ?? []).toEqual([]);
		expect(ok).toBe(true);
	});

	it.each(files)('%s: the changelog starts with the current version', (file) => {
		const m = load(file);
		expect(m.changelog[0].version).toBe(m.version);
	});

	it.each([
		['a q of 0', { fdr: { method: 'benjamini-hochberg', q: 0, note: 'a note long enough' } }],
		['an unknown test', { test: { method: 'z-test', dispersion: 'none', note: 'a note long enough' } }],
		['a minimum of 0 records', { min_total: 0 }],
		['a baseline of 4 years', { baseline: { basis: 'seasonal-3y', max_years: 4, min_years: 1, note: 'a note long enough' } }],
		['no sources', { sources: [] }],
		['an unknown property', { surprise: true }]
	])('the schema rejects %s', (_, change) => {
		expect(validate({ ...load('exceptions-v1.json'), ...change })).toBe(false);
	});

	it('every schema property has a description', () => {
		expect(undescribedProperties(schema)).toEqual([]);
	});
});
