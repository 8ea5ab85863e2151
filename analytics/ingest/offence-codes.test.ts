/**
 * Offence-code mappings read and checked (parseOffenceCodes), the comparison keys in JavaScript and
 * in SQL agreeing on real spellings, the 23 subgroups equal to the CCHI file row for row, and the
 * detection of a file whose category comes from its offence codes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import {
	CODE_KEY_SQL,
	DESCRIPTION_KEY_SQL,
	OFFENCE_SUBGROUPS,
	OffenceCodesError,
	SHIPPED_OFFENCE_CODES,
	offenceCodeKey,
	offenceDescriptionKey,
	parseOffenceCodes
} from './offence-codes';
import { detectSource } from './detect';

let db: NodeRunner;
beforeAll(async () => {
	db = await createNodeRunner();
});
afterAll(() => db.close());

const HEADER = 'code,description,subgroup,category';

describe('the 23 offence subgroups', () => {
	it('equal the CCHI file (category, prc_subgroup) row for row', () => {
		const rows = readFileSync('sample-data/harm-weights/cchi_weights_by_prc_subgroup.csv', 'utf8').trim().split(/\r?\n/).slice(1);
		expect(OFFENCE_SUBGROUPS.map((s) => `${s.category},${s.subgroup}`)).toEqual(rows.map((l) => l.split(',').slice(0, 2).join(',')));
	});
});

describe('comparison keys', () => {
	it('codes: spaces, case and leading zeros do not matter; 4.10 and 4.1 stay apart; 008/01 is not translated', async () => {
		const written = [' 28e ', '028E', '28 E', '8n', '4.10', '4.1', '008/01', '0'];
		expect(written.map(offenceCodeKey)).toEqual(['28E', '28E', '28E', '8N', '4.10', '4.1', '8/01', '0']);
		for (const w of written) {
			const [row] = await db.rows<{ k: string }>(`SELECT ${CODE_KEY_SQL('?')} AS k`, [w]);
			expect(row.k).toBe(offenceCodeKey(w));
		}
	});

	it('descriptions: case and runs of spaces do not matter', async () => {
		const written = ['  Burglary   Residential ', 'BURGLARY RESIDENTIAL', 'Residential burglary'];
		expect(written.map(offenceDescriptionKey)).toEqual(['burglary residential', 'burglary residential', 'residential burglary']);
		for (const w of written) {
			const [row] = await db.rows<{ k: string }>(`SELECT ${DESCRIPTION_KEY_SQL('?')} AS k`, [w]);
			expect(row.k).toBe(offenceDescriptionKey(w));
		}
	});
});

describe('parseOffenceCodes', () => {
	it('reads the shipped file as it is', () => {
		const text = readFileSync('models/offence-codes/home-office-offence-codes-v1.json', 'utf8');
		const m = parseOffenceCodes(text, 'home-office-offence-codes-v1.json');
		expect(m.entries.length).toBe(SHIPPED_OFFENCE_CODES.entries.length);
		expect(m.id).toBe('home-office-offence-codes');
	});

	it('reads a CSV (any delimiter, quoted values, blank lines, optional group) and names it after the file', () => {
		const m = parseOffenceCodes(
			`Offence Code;Offence Description;Offence Subgroup;Category;Offence group\n28E;"Burglary; residential";Residential burglary;Burglary;Theft offences\n\nX1;;Shoplifting;Shoplifting;\n`,
			'/tmp/My Force codes.csv'
		);
		expect(m.id).toBe('my-force-codes');
		expect(m.entries).toEqual([
			{ code: '28E', description: 'Burglary; residential', group: 'Theft offences', subgroup: 'Residential burglary', category: 'Burglary' },
			{ code: 'X1', subgroup: 'Shoplifting', category: 'Shoplifting' }
		]);
	});

	const csvError = (text: string) => {
		try {
			parseOffenceCodes(text, 'codes.csv');
		} catch (e) {
			if (e instanceof OffenceCodesError) return [e.line, e.column, e.message];
			throw e;
		}
		throw new Error('no error');
	};

	it('names the line and column of a bad CSV row and what was expected', () => {
		expect(csvError(`${HEADER}\n28E,x,Residential burglary,Burglary\n8N,x,,Violence and sexual offences\n`)).toEqual([
			3,
			'subgroup',
			expect.stringMatching(/^codes\.csv, line 3, column subgroup: missing subgroup: expected one of the 23 Home Office offence subgroups/)
		]);
		expect(csvError(`${HEADER}\n8N,x,Violence with injury,\n`)).toEqual([2, 'category', 'codes.csv, line 2, column category: missing category: expected "Violence and sexual offences" (the police.uk category of "Violence with injury")']);
		expect(csvError(`${HEADER}\n,,Violence with injury,Violence and sexual offences\n`)).toEqual([2, 'code', 'codes.csv, line 2, column code: expected an offence code or a description (both are empty)']);
		expect(csvError(`${HEADER}\n8N,x,Violence with injury,Violence and sexual offences,extra\n`)).toEqual([2, null, expect.stringContaining('expected 4 columns, found 5')]);
		expect(csvError(`${HEADER}\n28E,a,Residential burglary,Burglary\n 28e ,b,Non-residential burglary,Burglary\n`)).toEqual([
			3,
			'code',
			'codes.csv, line 3, column code: code "28e" is already mapped to "Residential burglary" at line 2: each code may have one subgroup'
		]);
		expect(csvError(`code,subgroup\n28E,Residential burglary\n`)).toEqual([1, null, expect.stringContaining('the header has no category column')]);
	});

	it('checks a JSON mapping like the schema: entry and field named', () => {
		const base = { ...SHIPPED_OFFENCE_CODES, entries: SHIPPED_OFFENCE_CODES.entries.slice(0, 3) };
		const err = (m: unknown) => {
			try {
				parseOffenceCodes(JSON.stringify(m), 'm.json');
			} catch (e) {
				return (e as Error).message;
			}
			return 'no error';
		};
		expect(err(base)).toBe('no error');
		expect(err({ ...base, entries: [{ ...base.entries[0] }, { ...base.entries[1], subgroup: 'Theft' }] })).toMatch(/^m\.json, column entries\[1\]\.subgroup: unknown subgroup "Theft"/);
		expect(err({ ...base, version: '1' })).toBe('m.json, column version: version "1": expected a semantic version such as 1.0.0');
		expect(err({ ...base, source: { title: 't', licence: 'l' } })).toBe('m.json, column source.publisher: missing source.publisher: expected text');
		expect(() => parseOffenceCodes('{', 'm.json')).toThrow(/^m\.json: not valid JSON/);
	});
});

describe('detection with offence codes', () => {
	it('a month-resolution file with offence codes and no category is recognised; without either it lacks "category"', () => {
		const ok = detectSource('month,HO Code,lsoa_code', 'rms.csv', 'month-incidents', { offence_code: 'HO Code' });
		expect(ok.ok && ok.bindings.find((b) => b.key === 'offence_code')?.header).toBe('HO Code');
		const auto = detectSource('month,hoc,lsoa_code', 'rms.csv');
		expect(auto.ok && auto.kind).toBe('month-incidents');
		const missing = detectSource('month,lsoa_code', 'rms.csv', 'month-incidents');
		expect(!missing.ok && missing.issue.message).toMatch(/lacks column "category"/);
	});
});
