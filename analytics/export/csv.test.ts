import { describe, expect, it } from 'vitest';
import { asShown, toCsv } from './csv';

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const upTo1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const fixed3 = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

describe('numbers rounded as shown', () => {
	it('991.0500000000001 (a sum of harm weights) is written as the table shows it', () => {
		const noisy = 0.07 + 990.98; // 991.0500000000001 in binary floating point
		expect(String(noisy)).toBe('991.0500000000001');
		expect(asShown(noisy, (v) => v.toFixed(2))).toBe('991.05');
		expect(asShown(noisy, (v) => whole.format(v))).toBe('991');
		expect(asShown(noisy, (v) => upTo1.format(v))).toBe('991.1');
	});

	it('thousands separators and the typographic minus are undone; fixed decimals are kept', () => {
		expect(asShown(1234567.891, (v) => whole.format(v))).toBe('1234568');
		expect(asShown(0.5, (v) => fixed3.format(v))).toBe('0.500');
		expect(asShown(-0.0512, (v) => `\u2212${Math.abs(v).toFixed(2)}`)).toBe('-0.05');
		// A signed difference ("+12", "−5") is written as a number, not a neutralised formula.
		expect(asShown(12, (v) => `${v > 0 ? '+' : '\u2212'}${Math.abs(v)}`)).toBe('12');
		expect(toCsv([{ d: 12 }, { d: -5 }], ['d'], { d: (v) => `${v > 0 ? '+' : '\u2212'}${Math.abs(v)}` })).toBe('d\r\n12\r\n-5\r\n');
	});

	it('text that is not a number stays as shown; non-numbers and missing formats pass through', () => {
		expect(asShown(0.0004, (v) => (v < 0.001 ? '< 0.001' : v.toFixed(3)))).toBe('< 0.001');
		expect(asShown(null, (v) => v.toFixed(2))).toBeNull();
		expect(asShown('E01032739', (v) => v.toFixed(2))).toBe('E01032739');
		expect(asShown(991.0500000000001, undefined)).toBe(991.0500000000001);
		expect(asShown(Number.NaN, (v) => v.toFixed(2))).toBeNaN();
	});

	it('toCsv applies each column’s format and leaves the others alone', () => {
		const rows = [
			{ cell_id: 'E01032739', harm: 0.07 + 990.98, value: 12.345, population: 1480 },
			{ cell_id: '=cmd', harm: null, value: -0.04, population: 12345 }
		];
		const csv = toCsv(rows, ['cell_id', 'harm', 'value', 'population'], { harm: (v) => whole.format(v), value: (v) => upTo1.format(v) });
		expect(csv).toBe('cell_id,harm,value,population\r\nE01032739,991,12.3,1480\r\n\'=cmd,,-0,12345\r\n');
	});
});
