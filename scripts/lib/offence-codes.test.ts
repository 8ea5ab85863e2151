/**
 * Offence codes through the builder (`npm run extracts`): records carrying Home Office offence
 * codes get their offence subgroup from the shipped mapping and, when they have no category, their
 * police.uk category; unknown codes are counted per code, and rejected only when the record has no
 * category either; the user's own mapping (--offence-codes, CSV) replaces the shipped one.
 *
 * The files are real City of London street rows with offence codes added (offence-codes-fixture.ts).
 * Every expected figure is worked out here from the source rows or by SQL over the written CSVs read
 * by DuckDB directly, never from the builder's own tables.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from './extracts';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { loadExtract } from './load-input';
import { tempDirs } from './extract-test-utils';
import { readOffenceCodesFile } from './offence-codes-file';
import { parseBuildExtractsArgs } from '../build-extracts';
import { UNKNOWN_CODE_REASON, offenceCodeKey, offenceDescriptionKey } from '../../analytics/ingest/offence-codes';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import shipped from '../../models/offence-codes/home-office-offence-codes-v1.json';
import { CODE_FOR, SUBGROUP_FOR, febCode, writeOffenceCodeFiles, type SourceRow } from './offence-codes-fixture';

const tempDir = tempDirs('clearsight-offence-codes-');

let runner: NodeRunner;
let dir: string;
let jan: SourceRow[];
let feb: SourceRow[];
let codesOnly: string;
let withCategory: string;
let out: string;
let manifest: ExtractManifest;

beforeAll(async () => {
	runner = await createNodeRunner();
	dir = tempDir();
	({ jan, feb, codesOnly, withCategory } = await writeOffenceCodeFiles(runner, dir));
	out = join(dir, 'extract');
	await buildExtracts({ inputs: [codesOnly, withCategory], out, areas: null });
	manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
	await loadExtract(runner, out);
}, 120_000);
afterAll(() => runner?.close());

const count = (rows: SourceRow[], f: (r: SourceRow) => boolean) => rows.filter(f).length;

describe('offence codes in the builder (shipped Home Office mapping)', () => {
	it('the source rows are what the test says: every category in both months', () => {
		expect(jan.length).toBeGreaterThan(500);
		expect(feb.length).toBeGreaterThan(500);
		for (const c of Object.keys(CODE_FOR)) expect(count(jan, (r) => r.category === c)).toBeGreaterThan(0);
		for (const c of Object.keys(CODE_FOR)) expect(count(feb, (r) => r.category === c)).toBeGreaterThan(0);
	});

	it('codes only: rows with a known code are accepted; no code (ASB) or an unknown code (53D) with no category are rejected, each counted', () => {
		const s = manifest.sources.find((x) => x.file === 'rms-codes-2019-01.csv')!;
		const asb = count(jan, (r) => r.category === 'Anti-social behaviour');
		const other = count(jan, (r) => r.category === 'Other crime');
		expect(s).toMatchObject({ kind: 'month-incidents', rows_in: jan.length, rejected: asb + other, accepted: jan.length - asb - other });
		expect(s.reasons).toEqual(
			expect.arrayContaining([
				{ reason: 'missing category: expected a category or an offence code', count: asb },
				{ reason: UNKNOWN_CODE_REASON, count: other }
			])
		);
		const f = manifest.sources.find((x) => x.file === 'rms-category-2019-02.csv')!;
		expect(f).toMatchObject({ rows_in: feb.length, accepted: feb.length, rejected: 0 });
	});

	it("codes only: each record's category from the mapping equals the police.uk category of the row it came from, and its subgroup is the expected one", async () => {
		const got = await runner.rows<{ source_line: number; category: string; offence_code: string; offence_subgroup: string | null }>(
			`SELECT source_line, category, offence_code, offence_subgroup FROM incidents WHERE source_file = 'rms-codes-2019-01.csv' ORDER BY source_line`
		);
		const expected = jan.flatMap((r, i) => (r.category !== 'Anti-social behaviour' && r.category !== 'Other crime' ? [{ ...r, line: i + 2 }] : []));
		expect(got.length).toBe(expected.length);
		expect(got.map((r) => [r.source_line, r.category, r.offence_code, r.offence_subgroup])).toEqual(
			expected.map((r) => [r.line, r.category, CODE_FOR[r.category], SUBGROUP_FOR[CODE_FOR[r.category]]])
		);
	});

	it('with a category: spellings " 28e ", "045" and the description "shoplifting" match; 53D keeps its own category without a subgroup', async () => {
		const got = await runner.rows<{ category: string; offence_code: string | null; offence_subgroup: string | null; n: number }>(
			`SELECT category, offence_code, offence_subgroup, count(*)::INTEGER AS n FROM incidents WHERE source_file = 'rms-category-2019-02.csv' GROUP BY ALL ORDER BY category`
		);
		const expected = Object.keys(CODE_FOR)
			.concat('Anti-social behaviour')
			.sort()
			.map((c) => {
				const written = febCode({ category: c } as SourceRow);
				const subgroup = c === 'Anti-social behaviour' ? null : c === 'Shoplifting' ? 'Shoplifting' : SUBGROUP_FOR[CODE_FOR[c]];
				return { category: c, offence_code: written === null ? null : written.trim(), offence_subgroup: subgroup, n: count(feb, (r) => r.category === c) };
			});
		expect(got).toEqual(expected);
	});

	it('the manifest names the mapping and counts every match; the unknown-code table equals independent SQL over the written files', async () => {
		const oc = manifest.offence_codes!;
		expect(oc.mapping).toEqual({ id: shipped.id, version: shipped.version, title: shipped.title, file: 'models/offence-codes/home-office-offence-codes-v1.json', shipped: true });
		const coded = (rows: SourceRow[]) => count(rows, (r) => r.category !== 'Anti-social behaviour');
		const otherJan = count(jan, (r) => r.category === 'Other crime');
		const otherFeb = count(feb, (r) => r.category === 'Other crime');
		const shopFeb = count(feb, (r) => r.category === 'Shoplifting');
		expect(oc.records.incidents).toEqual({
			with_code: coded(jan) + coded(feb),
			by_code: coded(jan) + coded(feb) - otherJan - otherFeb - shopFeb,
			by_description: shopFeb,
			unknown: otherJan + otherFeb,
			rejected: otherJan
		});
		// Independent: the written files read by DuckDB, codes compared with the mapping's keys worked in JavaScript.
		const known = new Set(shipped.entries.flatMap((e) => ('code' in e && e.code ? [`c:${offenceCodeKey(e.code)}`] : [])));
		for (const e of shipped.entries) known.add(`d:${offenceDescriptionKey(e.description)}`);
		const rows = await runner.rows<{ code: string | null; has_category: boolean }>(
			`SELECT trim(offence_code) AS code, false AS has_category FROM read_csv(?, header = true, all_varchar = true)
			 UNION ALL SELECT trim(ho_code), coalesce(trim(category), '') <> '' FROM read_csv(?, header = true, all_varchar = true)`,
			[codesOnly, withCategory]
		);
		const tally = new Map<string, { records: number; rejected: number }>();
		for (const r of rows) {
			if (!r.code || known.has(`c:${offenceCodeKey(r.code)}`) || known.has(`d:${offenceDescriptionKey(r.code)}`)) continue;
			const t = tally.get(r.code) ?? { records: 0, rejected: 0 };
			t.records++;
			if (!r.has_category) t.rejected++;
			tally.set(r.code, t);
		}
		expect(oc.unknown).toEqual([...tally].map(([code, t]) => ({ code, ...t })));
		expect(oc.unknown).toEqual([{ code: '53D', records: otherJan + otherFeb, rejected: otherJan }]);
	});

	it('an unknown code with no category is in the quarantine at its line, in the code column, with the code', async () => {
		const q = await runner.rows<{ source_line: number; column_name: string; raw: string }>(
			`SELECT source_line, column_name, raw FROM quarantine WHERE source_file = 'rms-codes-2019-01.csv' AND reason = ? ORDER BY source_line`,
			[UNKNOWN_CODE_REASON]
		);
		const lines = jan.flatMap((r, i) => (r.category === 'Other crime' ? [i + 2] : []));
		expect(q.map((r) => r.source_line)).toEqual(lines);
		expect(new Set(q.map((r) => `${r.column_name}|${r.raw}`))).toEqual(new Set(['offence_code|53D']));
	});
});

describe('the user\'s own mapping (--offence-codes)', () => {
	it('a CSV mapping replaces the shipped one: its codes give the subgroups, the manifest names the file', async () => {
		const mappingFile = join(dir, 'force-codes.csv');
		writeFileSync(
			mappingFile,
			'code,description,subgroup,category\n53D,Fraud by false representation: other frauds,Miscellaneous crimes against society,Other crime\n28E,Burglary Residential,Residential burglary,Burglary\n'
		);
		const userOut = join(dir, 'extract-user');
		const options = parseBuildExtractsArgs(['--input', codesOnly, '--out', userOut, '--no-areas', '--no-partitions', '--offence-codes', mappingFile]);
		if (options === 'help' || options.sample) throw new Error('unexpected options');
		await buildExtracts({ ...options });
		const m = JSON.parse(readFileSync(join(userOut, 'manifest.json'), 'utf8')) as ExtractManifest;
		expect(m.offence_codes!.mapping).toMatchObject({ id: 'force-codes', file: mappingFile, shipped: false });
		// Known now: 53D and 28E; every other code of the file is unknown (and rejected: no category).
		const other = count(jan, (r) => r.category === 'Other crime');
		const burglary = count(jan, (r) => r.category === 'Burglary');
		const asb = count(jan, (r) => r.category === 'Anti-social behaviour');
		const s = m.sources[0];
		expect([s.accepted, s.rejected]).toEqual([other + burglary, jan.length - other - burglary]);
		const byCode = new Map<string, number>();
		for (const r of jan) if (CODE_FOR[r.category] && !['53D', '28E'].includes(CODE_FOR[r.category])) byCode.set(CODE_FOR[r.category], (byCode.get(CODE_FOR[r.category]) ?? 0) + 1);
		expect(new Map(m.offence_codes!.unknown.map((u) => [u.code, u.records]))).toEqual(byCode);
		expect(m.offence_codes!.unknown.every((u) => u.rejected === u.records)).toBe(true);
		expect(s.rows_in - asb).toBe([...byCode.values()].reduce((a, b) => a + b, 0) + other + burglary);
	}, 120_000);

	it('a bad CSV row is a usage error naming the file, the line and the column, and what was expected', () => {
		const bad = join(dir, 'bad-codes.csv');
		writeFileSync(bad, 'code,description,subgroup,category\n28E,Burglary Residential,Residential burglary,Burglary\n8N,Assault with injury,Violence with injuries,Violence and sexual offences\n');
		expect(() => readOffenceCodesFile(bad)).toThrow(`${bad}, line 3, column subgroup: unknown subgroup "Violence with injuries": expected one of the 23 Home Office offence subgroups`);
		expect(() => parseBuildExtractsArgs(['--input', codesOnly, '--out', join(dir, 'x'), '--offence-codes', bad])).toThrow(/line 3, column subgroup/);
		writeFileSync(bad, 'code,description,subgroup,category\n28E,Burglary Residential,Residential burglary,Robbery\n');
		expect(() => readOffenceCodesFile(bad)).toThrow(`${bad}, line 2, column category: category "Robbery" does not hold subgroup "Residential burglary": expected "Burglary"`);
	});
});
