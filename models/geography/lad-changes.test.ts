/**
 * The declared table of local authorities created after 2016 (lad-changes.json): valid against its
 * schema, every property described, and each row checked against the ONS files: its predecessors
 * are districts of the LAD16 → PFA16 lookup, all in the force the row declares; the 2019 districts
 * are the codes IMD 2019 File 1 uses; and, where the ONS LSOA 2021 → LAD 2023 lookup is at hand,
 * the LSOAs ONS gives each new district are those IMD 2019 gives its predecessors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { undescribedProperties } from '../schema/undescribed';

const schema = JSON.parse(readFileSync('models/schema/lad-changes.schema.json', 'utf8'));
const table = JSON.parse(readFileSync('models/geography/lad-changes.json', 'utf8')) as {
	changes: Array<{ code: string; name: string; year: number; force: string; predecessors: string[] }>;
};
const LSOA21_LAD23 = '/work/shared/data/context/census2021/LSOA21_LAD23_lookup.csv.gz';

function csvLines(path: string): string[][] {
	const raw = readFileSync(path);
	const text = (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('utf8').replace(/^\uFEFF/, '');
	return text
		.split(/\r?\n/)
		.filter((l) => l !== '')
		.map((l) => [...l.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].map((m) => m[2] ?? m[1]).slice(0, -1));
}

const pfa = csvLines('sample-data/context/geography/LAD16_CSP16_PFA16_lookup.csv').slice(1);
const forceOf = new Map(pfa.map((r) => [r[0], r[5]]));
const imd = csvLines('sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz');
const imdLad = imd[0].indexOf('Local Authority District code (2019)');
const lsoaLad = new Map(imd.slice(1).map((r) => [r[0], r[imdLad]]));
const imdLads = new Set(lsoaLad.values());

describe('models/geography/lad-changes.json', () => {
	it('passes its schema, and every schema property is described', () => {
		const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
		expect(validate(table), JSON.stringify(validate.errors)).toBe(true);
		expect(undescribedProperties(schema)).toEqual([]);
	});

	it('every predecessor is a district of the LAD16 lookup (or of this table) in the force the row declares', () => {
		const declared = new Map(table.changes.map((c) => [c.code, c.force]));
		for (const c of table.changes) {
			for (const p of c.predecessors) expect(forceOf.get(p) ?? declared.get(p), `${c.code} ← ${p}`).toBe(c.force);
		}
	});

	it('covers every district of IMD 2019 File 1 missing from the LAD16 lookup', () => {
		const missing = [...imdLads].filter((l) => !forceOf.has(l)).sort();
		expect(missing).toEqual(table.changes.filter((c) => c.year === 2019).map((c) => c.code).sort());
	});

	it.skipIf(!existsSync(LSOA21_LAD23))('ONS LSOA 2021 → LAD 2023: the new districts hold the LSOAs (unchanged since 2011) of their predecessors', () => {
		const rows = csvLines(LSOA21_LAD23).slice(1);
		const byCode = new Map(table.changes.map((c) => [c.code, c]));
		const expand = (code: string): string[] => (imdLads.has(code) ? [code] : byCode.get(code)!.predecessors.flatMap(expand));
		let checked = 0;
		for (const [lsoa, , , lad23] of rows) {
			const change = byCode.get(lad23);
			const lad19 = lsoaLad.get(lsoa);
			if (!change || lad19 === undefined) continue;
			expect(expand(change.code), `${lsoa} in ${lad23}`).toContain(lad19);
			checked++;
		}
		expect(checked).toBeGreaterThan(2000);
	});
});
