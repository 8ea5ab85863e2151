/**
 * Every model file is data validated by its JSON Schema; every schema property is described;
 * declared weights still match the source file they name.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { undescribedProperties } from './schema/undescribed';

const schema = JSON.parse(readFileSync('models/schema/harm-weights.schema.json', 'utf8'));
const modelFiles = readdirSync('models/harm-weights').filter((f) => f.endsWith('.json'));


describe('harm weight models', () => {
	const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

	it('has at least one model file', () => expect(modelFiles.length).toBeGreaterThan(0));

	it.each(modelFiles)('%s passes the schema', (file) => {
		const model = JSON.parse(readFileSync(join('models/harm-weights', file), 'utf8'));
		const ok = validate(model);
		expect(validate.errors ?? []).toEqual([]);
		expect(ok).toBe(true);
	});

	it('the schema rejects a model with a negative weight or an unknown property', () => {
		const model = JSON.parse(readFileSync(join('models/harm-weights', modelFiles[0]), 'utf8'));
		expect(validate({ ...model, weights: [{ category: 'Robbery', weight: -1, basis: 'source' }] })).toBe(false);
		expect(validate({ ...model, surprise: true })).toBe(false);
	});

	it('every schema property has a description', () => {
		expect(undescribedProperties(schema)).toEqual([]);
	});

	it.each(modelFiles)('%s: weights with basis "source" equal the source file, row for row', (file) => {
		const model = JSON.parse(readFileSync(join('models/harm-weights', file), 'utf8'));
		const lines = readFileSync(model.source.file, 'utf8').trim().split(/\r?\n/).slice(1);
		const fromSource = new Map(lines.map((l: string) => [l.split(',')[0], Number(l.split(',')[1])]));
		const declared = model.weights.filter((w: { basis: string }) => w.basis === 'source');
		expect(declared.length).toBe(fromSource.size);
		for (const w of declared) expect([w.category, w.weight]).toEqual([w.category, fromSource.get(w.category)]);
		for (const ex of model.exclusions) expect(model.weights.map((w: { category: string }) => w.category)).toContain(ex.category);
	});
});
