import { describe, expect, it } from 'vitest';
import { plainProbability, readableProbability, shownProbability } from './export';

describe('p- and q-values for reading', () => {
	// The two values seen side by side on the City of London's Exceptions page before: the CSV's
	// numbers (two significant figures) printed by String() as "0.000005" and "6.1e-8".
	it.each([
		[5.04e-6, '< 0.001', '0.000005'],
		[6.13e-8, '< 0.001', '0.000000061'],
		[0.000996, '0.001', '0.001'],
		[0.00104, '0.001', '0.001'],
		[0.0152, '0.015', '0.015'],
		[0.0496, '0.05', '0.05'],
		[0.123, '0.12', '0.12'],
		[1, '1', '1'],
		[0, '< 0.001', '0']
	])('%s reads %s (exact figure %s)', (p, shown, exact) => {
		expect(readableProbability(p)).toBe(shown);
		expect(plainProbability(p)).toBe(exact);
		// The exact figure is the CSV's number, in plain decimals.
		expect(Number(exact)).toBe(shownProbability(p));
	});

	it('never prints e-notation', () => {
		for (let e = -12; e <= 0; e++) {
			expect(readableProbability(10 ** e * 3.7)).not.toMatch(/e/i);
			expect(plainProbability(10 ** e * 3.7)).not.toMatch(/e/i);
		}
	});
});
