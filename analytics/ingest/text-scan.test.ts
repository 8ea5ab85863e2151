/**
 * scanText on byte strings built by hand; line numbers counted by hand (the header is line 1).
 * The header and data rows are the first lines of the real 2017-12 City of London street file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanText, type TextScan } from './text-scan';

const H = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
const R1 = ',2017-12,City of London Police,City of London Police,-0.112422,51.515381,On or near Star Yard,E01000914,Camden 028B,Anti-social behaviour,,';
const R2 = ',2017-12,City of London Police,City of London Police,-0.113274,51.516384,On or near Old Buildings,E01000914,Camden 028B,Anti-social behaviour,,';

const enc = (s: string) => new TextEncoder().encode(s);
const BOM = [0xef, 0xbb, 0xbf];
const withBom = (s: string) => new Uint8Array([...BOM, ...enc(s)]);

describe('scanText', () => {
	const cases: Array<{ name: string; bytes: Uint8Array; expected: Omit<TextScan, 'bytes' | 'lineShifts'> & Partial<Pick<TextScan, 'lineShifts'>> }> = [
		{ name: 'empty input', bytes: new Uint8Array(0), expected: { headerLine: '', blankLines: [], dataLines: 0, bom: false, lineEnding: 'none' } },
		{ name: 'a BOM and nothing else', bytes: new Uint8Array(BOM), expected: { headerLine: '', blankLines: [], dataLines: 0, bom: true, lineEnding: 'none' } },
		{ name: 'header only, no newline', bytes: enc(H), expected: { headerLine: H, blankLines: [], dataLines: 0, bom: false, lineEnding: 'none' } },
		{ name: 'header only, with newline', bytes: enc(`${H}\n`), expected: { headerLine: H, blankLines: [], dataLines: 0, bom: false, lineEnding: 'LF' } },
		{ name: 'LF, trailing newline', bytes: enc(`${H}\n${R1}\n${R2}\n`), expected: { headerLine: H, blankLines: [], dataLines: 2, bom: false, lineEnding: 'LF' } },
		{ name: 'LF, no trailing newline', bytes: enc(`${H}\n${R1}\n${R2}`), expected: { headerLine: H, blankLines: [], dataLines: 2, bom: false, lineEnding: 'LF' } },
		{ name: 'CRLF', bytes: enc(`${H}\r\n${R1}\r\n${R2}\r\n`), expected: { headerLine: H, blankLines: [], dataLines: 2, bom: false, lineEnding: 'CRLF' } },
		{ name: 'BOM + CRLF', bytes: withBom(`${H}\r\n${R1}\r\n`), expected: { headerLine: H, blankLines: [], dataLines: 1, bom: true, lineEnding: 'CRLF' } },
		{
			name: 'blank lines in the middle and at the end (LF)',
			// 1 H, 2 R1, 3 blank, 4 blank, 5 R2, 6 blank
			bytes: enc(`${H}\n${R1}\n\n\n${R2}\n\n`),
			expected: { headerLine: H, blankLines: [3, 4, 6], dataLines: 2, bom: false, lineEnding: 'LF' }
		},
		{
			name: 'blank lines (CRLF, with BOM)',
			// 1 H, 2 blank, 3 R1, 4 blank, 5 R2
			bytes: withBom(`${H}\r\n\r\n${R1}\r\n\r\n${R2}`),
			expected: { headerLine: H, blankLines: [2, 4], dataLines: 2, bom: true, lineEnding: 'CRLF' }
		},
		{
			name: 'a line of spaces is a record, not a blank line',
			bytes: enc(`${H}\n   \n${R1}\n`),
			expected: { headerLine: H, blankLines: [], dataLines: 2, bom: false, lineEnding: 'LF' }
		},
		{
			name: 'a quoted value spanning two lines is one record; records after it start a line later',
			// 1 header, 2–3 one record, 4 blank (record 3), 5 a record (record 4)
			bytes: enc(`a,b\n"x\ny",1\n\n2,3\n`),
			expected: { headerLine: 'a,b', blankLines: [3], dataLines: 2, lineShifts: [{ record: 3, shift: 1 }], bom: false, lineEnding: 'LF' }
		},
		{
			name: 'a quote inside an unquoted value does not open a quoted value',
			bytes: enc(`a,b\nx"y,1\n2,3\n`),
			expected: { headerLine: 'a,b', blankLines: [], dataLines: 2, bom: false, lineEnding: 'LF' }
		},
		{
			name: 'invalid UTF-8 in the header shows as U+FFFD',
			bytes: new Uint8Array([...enc('Caf'), 0xe9, ...enc(',b\n1,2\n')]),
			expected: { headerLine: 'Caf\uFFFD,b', blankLines: [], dataLines: 1, bom: false, lineEnding: 'LF' }
		}
	];

	it.each(cases)('$name', ({ bytes, expected }) => {
		expect(scanText(bytes)).toEqual({ lineShifts: [], ...expected, bytes: bytes.length });
	});

	it('a real sample file: as many data lines as newline-terminated lines after the header', () => {
		const bytes = readFileSync('sample-data/police-uk/city-of-london/street/2017-12-city-of-london-street.csv');
		let newlines = 0;
		for (const b of bytes) if (b === 10) newlines++;
		const endsWithNewline = bytes[bytes.length - 1] === 10;
		const scan = scanText(bytes);
		expect(scan.headerLine).toBe(H);
		expect(scan.blankLines).toEqual([]);
		expect(scan.dataLines).toBe(newlines - 1 + (endsWithNewline ? 0 : 1));
		expect(scan.lineEnding).toBe('LF');
	});
});
