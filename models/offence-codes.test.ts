/**
 * Offence-code mappings (models/offence-codes/*.json) are data validated by their JSON Schema;
 * every subgroup is one of the 23 Home Office offence subgroups of the CCHI harm-weights file and
 * every category the police.uk category that file pairs with it; codes are unique.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { undescribedProperties } from './schema/undescribed';

const schema = JSON.parse(readFileSync('models/schema/offence-codes.schema.json', 'utf8'));
const DIR = 'models/offence-codes';
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const read = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8'));
/** category,prc_subgroup,… of the CCHI file (no quoted commas in it). */
const cchi = readFileSync('sample-data/harm-weights/cchi_weights_by_prc_subgroup.csv', 'utf8')
	.trim()
	.split(/\r?\n/)
	.slice(1)
	.map((l) => l.split(','));
const CATEGORY_OF = new Map(cchi.map(([category, subgroup]) => [subgroup, category]));

describe('offence-code mappings', () => {
	const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

	it('the CCHI file has the 23 subgroups the schema lists', () => {
		expect(CATEGORY_OF.size).toBe(23);
		const listed = schema.properties.entries.items.properties.subgroup.enum;
		expect([...listed].sort()).toEqual([...CATEGORY_OF.keys()].sort());
	});

	it('ships the Home Office mapping', () => expect(files).toContain('home-office-offence-codes-v1.json'));

	it.each(files)('%s passes the schema', (file) => {
		const ok = validate(read(file));
		expect(validate.errors ?? []).toEqual([]);
		expect(ok).toBe(true);
	});

	it('the schema rejects an unknown subgroup, a category that does not exist, an entry with neither code nor description, an unknown property', () => {
		const m = read('home-office-offence-codes-v1.json');
		const entry = m.entries[0];
		expect(validate({ ...m, entries: [{ ...entry, subgroup: 'Burglary' }] })).toBe(false);
		expect(validate({ ...m, entries: [{ ...entry, category: 'Theft' }] })).toBe(false);
		expect(validate({ ...m, entries: [{ subgroup: entry.subgroup, category: entry.category }] })).toBe(false);
		expect(validate({ ...m, surprise: true })).toBe(false);
	});

	it('every schema property has a description', () => expect(undescribedProperties(schema)).toEqual([]));

	it.each(files)('%s: every subgroup is one of the 23 CCHI subgroups and its category the one the CCHI file pairs with it', (file) => {
		const m = read(file);
		for (const e of m.entries) {
			expect(CATEGORY_OF.has(e.subgroup), `${e.code ?? e.description}: ${e.subgroup}`).toBe(true);
			expect([e.code ?? e.description, e.category]).toEqual([e.code ?? e.description, CATEGORY_OF.get(e.subgroup)]);
		}
	});

	it.each(files)('%s: codes are unique, and no excluded code is also mapped', (file) => {
		const m = read(file);
		const codes = m.entries.filter((e: { code?: string }) => e.code).map((e: { code: string }) => e.code.replace(/\s+/g, '').toUpperCase());
		expect(new Set(codes).size).toBe(codes.length);
		for (const x of m.excluded ?? []) expect(codes).not.toContain(x.code.toUpperCase());
	});

	it('the shipped mapping covers all 23 subgroups and the codes of the issue (28E residential burglary, 8N assault with injury)', () => {
		const m = read('home-office-offence-codes-v1.json');
		expect(new Set(m.entries.map((e: { subgroup: string }) => e.subgroup)).size).toBe(23);
		const by = new Map(m.entries.map((e: { code: string; subgroup: string }) => [e.code, e.subgroup]));
		expect(by.get('28E')).toBe('Residential burglary');
		expect(by.get('8N')).toBe('Violence with injury');
		expect(m.entries.length).toBe(131);
		expect(m.excluded.length).toBe(8);
	});
});
