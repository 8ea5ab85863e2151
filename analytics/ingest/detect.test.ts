/**
 * Header recognition (detect.ts) and header normalisation (sources.ts). The police.uk headers
 * are the first lines of the real City of London sample files; every expected column position
 * below is counted by hand from the formats in /work/shared/data/README.md.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, detectSource, splitCsvLine } from './detect';
import { normaliseHeader } from './sources';

const SAMPLE = 'sample-data/police-uk/city-of-london';

function firstLine(folder: string): string {
	const dir = join(SAMPLE, folder);
	const file = readdirSync(dir).sort()[0];
	return readFileSync(join(dir, file), 'utf8').split('\n')[0].replace(/\r$/, '');
}

const STREET = firstLine('street');
const STOP = firstLine('stop-and-search');

// The formats exactly as the data README documents them.
const STREET_README =
	'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
const STOP_README =
	'Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,Self-defined ethnicity,' +
	'Officer-defined ethnicity,Legislation,Object of search,Outcome,Outcome linked to object of search,Removal of more than just outer clothing';
const OUTCOMES = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type';

// Canonical key → 0-based position in the police.uk file, counted by hand from the README.
const STREET_POSITIONS: Record<string, number> = {
	crime_id: 0,
	month: 1,
	reported_by: 2,
	falls_within: 3,
	longitude: 4,
	latitude: 5,
	location: 6,
	lsoa_code: 7,
	lsoa_name: 8,
	crime_type: 9,
	last_outcome_category: 10,
	context: 11
};
const STOP_POSITIONS: Record<string, number> = {
	type: 0,
	date: 1,
	part_of_a_policing_operation: 2,
	policing_operation: 3,
	latitude: 4,
	longitude: 5,
	gender: 6,
	age_range: 7,
	self_defined_ethnicity: 8,
	officer_defined_ethnicity: 9,
	legislation: 10,
	object_of_search: 11,
	outcome: 12,
	outcome_linked_to_object_of_search: 13,
	removal_of_more_than_just_outer_clothing: 14
};
const OUTCOME_POSITIONS: Record<string, number> = {
	crime_id: 0,
	month: 1,
	reported_by: 2,
	falls_within: 3,
	longitude: 4,
	latitude: 5,
	location: 6,
	lsoa_code: 7,
	lsoa_name: 8,
	outcome_type: 9
};

const cells = (header: string) => header.split(',');
const quoteAll = (header: string, d = ',') => cells(header).map((c) => `"${c}"`).join(d);

describe('the sample headers are the documented police.uk formats', () => {
	it('street and stop-and-search first lines equal the README', () => {
		expect(STREET).toBe(STREET_README);
		expect(STOP).toBe(STOP_README);
	});
});

describe('detectSource recognises header variants', () => {
	const cases: Array<{ name: string; header: string; kind: string; delimiter: string; positions: Record<string, number>; written: string[] }> = [
		{ name: 'street, police.uk exact', header: STREET, kind: 'street', delimiter: ',', positions: STREET_POSITIONS, written: cells(STREET) },
		{
			name: 'street, lower case',
			header: STREET.toLowerCase(),
			kind: 'street',
			delimiter: ',',
			positions: STREET_POSITIONS,
			written: cells(STREET.toLowerCase())
		},
		{
			name: 'street, snake_case',
			header: 'crime_id,month,reported_by,falls_within,longitude,latitude,location,lsoa_code,lsoa_name,crime_type,last_outcome_category,context',
			kind: 'street',
			delimiter: ',',
			positions: STREET_POSITIONS,
			written: ['crime_id', 'month', 'reported_by', 'falls_within', 'longitude', 'latitude', 'location', 'lsoa_code', 'lsoa_name', 'crime_type', 'last_outcome_category', 'context']
		},
		{
			name: 'street, UPPER CASE with hyphens',
			header: 'CRIME-ID,MONTH,REPORTED-BY,FALLS-WITHIN,LONGITUDE,LATITUDE,LOCATION,LSOA-CODE,LSOA-NAME,CRIME-TYPE,LAST-OUTCOME-CATEGORY,CONTEXT',
			kind: 'street',
			delimiter: ',',
			positions: STREET_POSITIONS,
			written: ['CRIME-ID', 'MONTH', 'REPORTED-BY', 'FALLS-WITHIN', 'LONGITUDE', 'LATITUDE', 'LOCATION', 'LSOA-CODE', 'LSOA-NAME', 'CRIME-TYPE', 'LAST-OUTCOME-CATEGORY', 'CONTEXT']
		},
		{ name: 'street, with BOM', header: '\uFEFF' + STREET, kind: 'street', delimiter: ',', positions: STREET_POSITIONS, written: cells(STREET) },
		{ name: 'street, CRLF left on', header: STREET + '\r', kind: 'street', delimiter: ',', positions: STREET_POSITIONS, written: cells(STREET) },
		{
			name: 'street, BOM and quoted cells',
			header: '\uFEFF' + quoteAll(STREET),
			kind: 'street',
			delimiter: ',',
			positions: STREET_POSITIONS,
			written: cells(STREET)
		},
		{
			name: 'street, spaces after commas',
			header: cells(STREET).join(', '),
			kind: 'street',
			delimiter: ',',
			positions: STREET_POSITIONS,
			written: cells(STREET)
		},
		{ name: 'street, tab-delimited', header: cells(STREET).join('\t'), kind: 'street', delimiter: '\t', positions: STREET_POSITIONS, written: cells(STREET) },
		{
			name: 'street, semicolon-delimited and quoted',
			header: quoteAll(STREET, ';'),
			kind: 'street',
			delimiter: ';',
			positions: STREET_POSITIONS,
			written: cells(STREET)
		},
		{ name: 'street, pipe-delimited', header: cells(STREET).join('|'), kind: 'street', delimiter: '|', positions: STREET_POSITIONS, written: cells(STREET) },
		{ name: 'stop and search, police.uk exact', header: STOP, kind: 'stop-search', delimiter: ',', positions: STOP_POSITIONS, written: cells(STOP) },
		{
			name: 'stop and search, UPPER CASE, tab-delimited',
			header: cells(STOP.toUpperCase()).join('\t'),
			kind: 'stop-search',
			delimiter: '\t',
			positions: STOP_POSITIONS,
			written: cells(STOP.toUpperCase())
		},
		{
			name: 'stop and search, snake_case with BOM',
			header: '\uFEFF' + cells(STOP).map((c) => c.toLowerCase().replace(/[^a-z]+/g, '_')).join(','),
			kind: 'stop-search',
			delimiter: ',',
			positions: STOP_POSITIONS,
			written: cells(STOP).map((c) => c.toLowerCase().replace(/[^a-z]+/g, '_'))
		},
		{ name: 'outcomes, police.uk exact', header: OUTCOMES, kind: 'outcomes', delimiter: ',', positions: OUTCOME_POSITIONS, written: cells(OUTCOMES) }
	];

	it.each(cases)('$name', ({ header, kind, delimiter, positions, written }) => {
		const d = detectSource(header, 'f.csv');
		if (!d.ok) throw new Error(d.issue.message);
		expect(d.kind).toBe(kind);
		expect(d.delimiter).toBe(delimiter);
		expect(d.fileColumns).toEqual(written);
		expect(d.unmapped).toEqual([]);
		expect(Object.fromEntries(d.bindings.map((b) => [b.key, b.index]))).toEqual(positions);
		// Each binding names the column as written in the file.
		for (const b of d.bindings) expect(b.header).toBe(written[positions[b.key]]);
	});
});

describe('detectSource: optional, extra and aliased columns', () => {
	it('lists extra columns as unmapped, in file order', () => {
		const d = detectSource(`Notes,${STREET},Officer`, 'f.csv');
		if (!d.ok) throw new Error(d.issue.message);
		expect(d.kind).toBe('street');
		expect(d.unmapped).toEqual(['Notes', 'Officer']);
		expect(d.bindings.find((b) => b.key === 'crime_id')!.index).toBe(1);
		expect(d.bindings.find((b) => b.key === 'context')!.index).toBe(12);
	});

	it('an empty trailing column (trailing comma) is unmapped, not an error', () => {
		const d = detectSource(`${STREET},`, 'f.csv');
		if (!d.ok) throw new Error(d.issue.message);
		expect(d.unmapped).toEqual(['']);
	});

	const optional: Array<{ name: string; header: string; kind: string; absent: string[] }> = [
		{ name: 'street without Context', header: cells(STREET).slice(0, 11).join(','), kind: 'street', absent: ['context'] },
		{
			name: 'street without Last outcome category and Context',
			header: cells(STREET).slice(0, 10).join(','),
			kind: 'street',
			absent: ['last_outcome_category', 'context']
		},
		{
			name: 'stop and search without the policing-operation columns and the last two',
			header: cells(STOP)
				.filter((c) => !/policing operation|Outcome linked|Removal/i.test(c))
				.join(','),
			kind: 'stop-search',
			absent: ['part_of_a_policing_operation', 'policing_operation', 'outcome_linked_to_object_of_search', 'removal_of_more_than_just_outer_clothing']
		}
	];
	it.each(optional)('$name is fine; absent columns bound to -1 under their police.uk name', ({ header, kind, absent }) => {
		const d = detectSource(header, 'f.csv');
		if (!d.ok) throw new Error(d.issue.message);
		expect(d.kind).toBe(kind);
		const missing = d.bindings.filter((b) => b.index === -1);
		expect(missing.map((b) => b.key)).toEqual(absent);
		for (const b of missing) expect(normaliseHeader(b.header)).toBe(b.key);
	});

	it.each([
		['lat/lon, lsoa11cd, lsoa11nm, category, last_outcome', 'crime_id,month,reported_by,falls_within,lon,lat,location,lsoa11cd,lsoa11nm,category,last_outcome', 'street'],
		['lng/lat and lsoa', 'Crime ID,Month,Reported by,Falls within,lng,lat,Location,LSOA,LSOA name,Crime type', 'street'],
		['datetime for Date and long for Longitude', STOP.replace('Date', 'datetime').replace('Longitude', 'long'), 'stop-search']
	])('accepts aliases: %s', (_, header, kind) => {
		const d = detectSource(header, 'f.csv');
		if (!d.ok) throw new Error(d.issue.message);
		expect(d.kind).toBe(kind);
		expect(d.bindings.filter((b) => b.index === -1 && b.key !== 'context' && b.key !== 'last_outcome_category')).toEqual([]);
	});
});

describe('detectSource: headers it rejects', () => {
	const without = (header: string, ...drop: string[]) =>
		cells(header)
			.filter((c) => !drop.includes(c))
			.join(',');

	it.each([
		{ name: 'street without Crime type', header: without(STREET, 'Crime type'), label: 'police.uk street-level crime', missing: ['"Crime type"'], plural: false },
		{ name: 'street without Month', header: without(STREET, 'Month'), label: 'police.uk street-level crime', missing: ['"Month"'], plural: false },
		{
			name: 'street without coordinates',
			header: without(STREET, 'Longitude', 'Latitude'),
			label: 'police.uk street-level crime',
			missing: ['"Longitude"', '"Latitude"'],
			plural: true
		},
		{ name: 'stop and search without Date', header: without(STOP, 'Date'), label: 'police.uk stop and search', missing: ['"Date"'], plural: false },
		{ name: 'stop and search without Gender, lower case', header: without(STOP, 'Gender').toLowerCase(), label: 'police.uk stop and search', missing: ['"Gender"'], plural: false }
	])('$name: the message names what is missing', ({ header, label, missing, plural }) => {
		const d = detectSource(header, 'jan.csv');
		expect(d.ok).toBe(false);
		if (d.ok) return;
		expect(d.issue.file).toBe('jan.csv');
		expect(d.issue.line).toBe(1);
		expect(d.issue.message).toContain(`looks like ${label}`);
		for (const m of missing) expect(d.issue.message).toContain(m);
		expect(d.issue.message).toContain(plural ? 'lacks columns' : 'lacks column ');
	});

	it('an unrecognised header: the message quotes it and lists every expected format with its columns', () => {
		const d = detectSource('foo,bar,baz,qux,quux,corge,grault', 'x.csv');
		expect(d.ok).toBe(false);
		if (d.ok) return;
		const m = d.issue.message;
		expect(m).toMatch(/^unrecognised header \(comma-separated: "foo", "bar", "baz", "qux", "quux", "corge", …\)/);
		expect(m).not.toContain('grault');
		expect(m).toContain('Expected one of:');
		const [, list] = m.split('Expected one of:');
		const formats = [
			{ label: 'police.uk street-level crime', header: STREET_README },
			{ label: 'police.uk stop and search', header: STOP_README },
			{ label: 'police.uk outcomes', header: OUTCOMES }
		];
		for (const f of formats) {
			const at = list.indexOf(`${f.label} (`);
			expect(at, f.label).toBeGreaterThanOrEqual(0);
			const listed = list.slice(at + f.label.length + 2, list.indexOf(')', at)).split(',');
			expect([...listed].sort()).toEqual(cells(f.header).sort());
		}
	});

	it('a one-column header with no delimiter gets a hint about the delimiter', () => {
		const d = detectSource('Crime ID Month Reported by', 'x.csv');
		expect(d.ok).toBe(false);
		if (!d.ok) expect(d.issue.message).toContain('single column');
	});

	it.each([[''], ['\uFEFF'], ['   '], ['\r']])('an empty header (%j) is "empty file"', (header) => {
		const d = detectSource(header, 'x.csv');
		expect(d.ok).toBe(false);
		if (!d.ok) {
			expect(d.issue.message).toMatch(/^empty file/);
			expect(d.issue.line).toBe(1);
		}
	});

	it.each([
		{ name: 'same name twice', header: `${STREET},Month`, column: 'Month', positions: 'columns 2 and 13' },
		{ name: 'same name in two spellings', header: STREET.replace('Month', 'crime_id'), column: 'crime_id', positions: 'columns 1 and 2' },
		{ name: 'same name, different case, tab-delimited', header: `${cells(STOP).join('\t')}\tgender`, column: 'gender', positions: 'columns 7 and 16' }
	])('duplicate column ($name) is an error naming both positions', ({ header, column, positions }) => {
		const d = detectSource(header, 'x.csv');
		expect(d.ok).toBe(false);
		if (d.ok) return;
		expect(d.issue.column).toBe(column);
		expect(d.issue.message).toContain(`duplicate column "${column}"`);
		expect(d.issue.message).toContain(positions);
	});
});

describe('splitCsvLine', () => {
	it.each([
		['plain', 'a,b,c', ',', ['a', 'b', 'c']],
		['empty cells and trailing delimiter', ',a,,b,', ',', ['', 'a', '', 'b', '']],
		['quoted comma', 'x,"On or near Fleet Street, Temple",y', ',', ['x', 'On or near Fleet Street, Temple', 'y']],
		['doubled quotes', '"He said ""stop""",2', ',', ['He said "stop"', '2']],
		['a quoted empty cell and a lone quoted quote', '"","""",z', ',', ['', '"', 'z']],
		['tab delimiter, comma inside a cell', 'a,b\tc', '\t', ['a,b', 'c']],
		['semicolon delimiter with a quoted semicolon', '"a;b";c', ';', ['a;b', 'c']],
		['a real street row', ',2017-12,City of London Police,City of London Police,-0.112422,51.515381,On or near Star Yard,E01000914,Camden 028B,Anti-social behaviour,,', ',',
			['', '2017-12', 'City of London Police', 'City of London Police', '-0.112422', '51.515381', 'On or near Star Yard', 'E01000914', 'Camden 028B', 'Anti-social behaviour', '', '']]
	])('%s', (_, line, delimiter, expected) => {
		expect(splitCsvLine(line, delimiter)).toEqual(expected);
	});
});

describe('detectDelimiter', () => {
	it.each([
		['a,b,c', ','],
		['a\tb\tc', '\t'],
		['a;b;c', ';'],
		['a|b|c', '|'],
		['"a,b";c;d', ';'], // commas inside quotes do not count
		['a,b;c', ','], // a tie goes to comma
		['abc', ',']
	])('%j → %j', (line, expected) => expect(detectDelimiter(line)).toBe(expected));
});

describe('normaliseHeader', () => {
	it.each([
		['Crime ID', 'crime_id'],
		['crime_id', 'crime_id'],
		['CRIME-ID', 'crime_id'],
		['\uFEFFCrime ID', 'crime_id'],
		['"Crime ID"', 'crime_id'],
		['  Last outcome category  ', 'last_outcome_category'],
		['Self-defined ethnicity', 'self_defined_ethnicity'],
		['Removal of more than just outer clothing', 'removal_of_more_than_just_outer_clothing'],
		['__LSOA  code__', 'lsoa_code'],
		['LSOA11CD', 'lsoa11cd'],
		['', '']
	])('%j → %j', (input, expected) => expect(normaliseHeader(input)).toBe(expected));
});
