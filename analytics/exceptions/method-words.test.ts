/**
 * The exception method as the Exceptions page and the briefing name it, from the published method
 * file (models/exceptions/exceptions-v1.json): its version said once. Both used to write the
 * title, which ends in "v1", and then the version again ("…, v1 (version 1.0.0)").
 */
import { describe, expect, it } from 'vitest';
import { methodWords, type ExceptionModel } from './index';
import modelFile from '../../models/exceptions/exceptions-v1.json';

const model = modelFile as unknown as ExceptionModel;

describe('methodWords', () => {
	it('names the published method with its version once', () => {
		expect(model.version).toBe('1.0.0');
		expect(methodWords(model)).toBe('Exception report: rises beyond chance and season, version 1.0.0');
		expect(methodWords(model).match(/\bv(ersion )?\d/g)).toHaveLength(1);
	});

	it.each([
		[{ title: 'Exception report', version: '2.1.0' }, 'Exception report, version 2.1.0'],
		// A tag naming another major version is part of the name, not a repeat of the version.
		[{ title: 'Exception report, v1', version: '2.0.0' }, 'Exception report, v1, version 2.0.0'],
		[{ title: 'Exception report v3', version: '3.0.1' }, 'Exception report, version 3.0.1']
	])('%j → %s', (m, words) => {
		expect(methodWords(m)).toBe(words);
	});
});
