/**
 * Stop-and-search analytics over the shipped City of London data (real rows), with expected values
 * counted by hand, counted independently from the raw police.uk CSVs and Census TS021 file (parsed
 * here in JavaScript, not through the builder or the analytics SQL), and intervals checked against
 * published worked examples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { buildExtracts, DEFAULT_CENSUS } from '../../scripts/lib/extracts';
import { loadExtract } from '../../scripts/lib/load-input';
import { SAMPLE_AREAS } from '../../scripts/lib/sample';
import { col, readArrow, tempDirs } from '../../scripts/lib/extract-test-utils';
import {
	computeCaveats,
	disproportionality,
	drugPossessionOnly,
	ethnicityAgreement,
	flaggedAreaComposition,
	katzRatio,
	officerDefinedGroup,
	selfDefinedGroup,
	stopSearchCoverage,
	stopSearchRecords,
	stopSearchSplits,
	residentsUnfit,
	wilson,
	POSSESSION_OUTCOMES,
	type DisproportionalityResult,
	type EthnicGroup
} from './index';
import { loadCensusPopulation, toLad23 } from './census';

const SS_DIR = 'sample-data/police-uk/city-of-london/stop-and-search';
const CENSUS = { ts021File: 'sample-data/context/census2021/TS021_ethnic_group_5_lsoa21.csv.gz', lookupFile: 'sample-data/context/census2021/LSOA21_LAD23_lookup.csv.gz' };

// ----------------------------------------------------------------------------------------------
// An independent reading of the raw files: RFC 4180 fields, no DuckDB, no builder.

function csvRecords(text: string): string[][] {
	const out: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			row.push(cell);
			cell = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n') i++;
			row.push(cell);
			out.push(row);
			row = [];
			cell = '';
		} else cell += ch;
	}
	if (cell !== '' || row.length > 0) out.push([...row, cell]);
	return out;
}

interface RawSearch {
	file: string;
	type: string;
	line: number;
	utc: Date;
	self: string;
	officer: string;
	legislation: string;
	object: string;
	outcome: string;
	linked: string;
}

/** Last Sunday of a month, at 01:00 UTC (when UK clocks change). */
function lastSunday1am(year: number, month0: number): number {
	const d = new Date(Date.UTC(year, month0 + 1, 0, 1));
	d.setUTCDate(d.getUTCDate() - d.getUTCDay());
	return d.getTime();
}

/** The UK local calendar month of a UTC instant (BST from the last Sunday of March to that of October, 01:00 UTC). */
function ukMonth(utc: Date): string {
	const y = utc.getUTCFullYear();
	const bst = utc.getTime() >= lastSunday1am(y, 2) && utc.getTime() < lastSunday1am(y, 9);
	const local = new Date(utc.getTime() + (bst ? 3_600_000 : 0));
	return local.toISOString().slice(0, 7);
}

function readRaw(): RawSearch[] {
	const out: RawSearch[] = [];
	for (const file of readdirSync(SS_DIR).filter((f) => f.endsWith('.csv')).sort()) {
		const [header, ...rows] = csvRecords(readFileSync(join(SS_DIR, file), 'utf8').replace(/^\uFEFF/, ''));
		const at = (name: string) => header.indexOf(name);
		rows.forEach((r, i) => {
			if (r.length === 1 && r[0] === '') return;
			out.push({
				file,
				line: i + 2,
				type: r[at('Type')],
				utc: new Date(r[at('Date')]),
				self: r[at('Self-defined ethnicity')],
				officer: r[at('Officer-defined ethnicity')],
				legislation: r[at('Legislation')],
				object: r[at('Object of search')],
				outcome: r[at('Outcome')],
				linked: r[at('Outcome linked to object of search')]
			});
		});
	}
	return out;
}

/** The group by the written mapping of README.md, applied by hand to the text (not the module's rules). */
function handSelf(v: string): string {
	if (v === '' || v === 'Other ethnic group - Not stated') return 'Not recorded';
	const prefix = v.split(' - ')[0];
	return (
		{ 'Asian/Asian British': 'Asian', 'Black/African/Caribbean/Black British': 'Black', 'Mixed/Multiple ethnic groups': 'Mixed', White: 'White', 'Other ethnic group': 'Other' } as Record<string, string>
	)[prefix]!;
}
const handOfficer = (v: string) => (v === '' ? 'Not recorded' : v);

/** Census 2021 TS021 residents of the City of London's LSOAs (names "City of London 001A" …), read from the Nomis file by splitting lines. */
function cityResidents(): { total: number; byGroup: Record<EthnicGroup, number>; byLsoa: Map<string, number> } {
	const lines = gunzipSync(readFileSync(CENSUS.ts021File)).toString('utf8').split(/\r?\n/);
	const byGroup = { Asian: 0, Black: 0, Mixed: 0, White: 0, Other: 0 };
	const byLsoa = new Map<string, number>();
	let total = 0;
	for (const line of lines) {
		const m = /^(E01\d{6}) : City of London \d{3}[A-Z],/.exec(line);
		if (!m) continue;
		const f = line.split(',');
		total += Number(f[1]);
		byLsoa.set(m[1], Number(f[1]));
		byGroup.Asian += Number(f[3]);
		byGroup.Black += Number(f[5]);
		byGroup.Mixed += Number(f[7]);
		byGroup.White += Number(f[9]);
		byGroup.Other += Number(f[11]);
	}
	return { total, byGroup, byLsoa };
}

// ----------------------------------------------------------------------------------------------

describe('intervals against published worked examples', () => {
	it('Wilson score interval: Newcombe (1998, Stat. Med. 17:857–872, Table II, method 3) examples', () => {
		const cases: Array<[number, number, number, number]> = [
			[81, 263, 0.2553, 0.3662],
			[15, 148, 0.0624, 0.1605],
			[0, 20, 0, 0.1611],
			[1, 29, 0.0061, 0.1718]
		];
		for (const [x, n, lo, hi] of cases) {
			const ci = wilson(x, n)!;
			expect(ci.lo).toBeCloseTo(lo, 4);
			expect(ci.hi).toBeCloseTo(hi, 4);
		}
		expect(wilson(0, 0)).toBeNull();
		expect(() => wilson(3, 2)).toThrow(RangeError);
	});

	it('Katz log risk-ratio interval: the SciPy documentation example of scipy.stats.contingency.relative_risk (27/122 vs 44/487: RR 2.4495, 95% CI 1.5837–3.7887)', () => {
		const k = katzRatio(27, 122, 44, 487);
		expect(k.ratio).toBeCloseTo(2.4495, 4);
		expect(k.lo).toBeCloseTo(1.5837, 4);
		expect(k.hi).toBeCloseTo(3.7887, 4);
	});

	it('Katz: zero counts and more searches than residents give no interval, and say why', () => {
		expect(katzRatio(0, 100, 10, 1000)).toMatchObject({ ratio: 0, lo: null, hi: null });
		expect(katzRatio(5, 100, 0, 1000)).toMatchObject({ ratio: null, lo: null });
		expect(katzRatio(5, null, 10, 1000)).toMatchObject({ ratio: null, note: expect.stringMatching(/no resident/) });
		const over = katzRatio(241, 233, 707, 5957);
		expect(over.ratio).toBeCloseTo(241 / 233 / (707 / 5957), 10);
		expect(over.lo).toBeNull();
		expect(over.note).toMatch(/at least as many searches as residents/);
	});
});

describe('ethnicity mapping', () => {
	it('maps every distinct self- and officer-defined value in the shipped files as README.md states', () => {
		const raw = readRaw();
		const selfValues = [...new Set(raw.map((r) => r.self))].sort();
		expect(selfValues.length).toBe(18); // 17 values and the empty one
		for (const v of selfValues) expect(selfDefinedGroup(v)).toBe(handSelf(v));
		expect(selfDefinedGroup('Other ethnic group - Not stated')).toBe('Not recorded');
		expect(selfDefinedGroup('Other ethnic group - Any other ethnic group')).toBe('Other');
		const officerValues = [...new Set(raw.map((r) => r.officer))].sort();
		expect(officerValues).toEqual(['', 'Asian', 'Black', 'Other', 'White']);
		for (const v of officerValues) expect(officerDefinedGroup(v)).toBe(handOfficer(v));
	});
});

describe('Census 2021 TS021 (Nomis layout)', () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
	});
	afterAll(() => runner.close());

	it('reads the City of London (E09000001) as published: 8,588 residents in 6 LSOAs, and all of England and Wales 59,597,576', async () => {
		const city = await loadCensusPopulation(runner, CENSUS, { table: 'population_ethnicity', ladCodes: ['E09000001'] });
		expect(city).toEqual({ lsoas: 6, residents: 8588, missingLads: [] });
		const rows = await runner.rows<{ g: string; n: number }>(`SELECT ethnic_group AS g, sum(residents)::INTEGER AS n FROM population_ethnicity GROUP BY ALL`);
		// The published check figures (data README) and the file read line by line here agree.
		expect(Object.fromEntries(rows.map((r) => [r.g, r.n]))).toEqual({ Asian: 1447, Black: 233, Mixed: 470, White: 5957, Other: 481 });
		expect(cityResidents().byGroup).toEqual({ Asian: 1447, Black: 233, Mixed: 470, White: 5957, Other: 481 });
		const all = await loadCensusPopulation(runner, CENSUS, { table: 'population_ethnicity', ladCodes: null });
		expect(all).toMatchObject({ lsoas: 35672, residents: 59597576 });
	});

	it('turns 2019 authority codes into 2023 ones by the declared changes (Cumberland from Allerdale, Carlisle, Copeland)', () => {
		const changes = JSON.parse(readFileSync('models/geography/lad-changes.json', 'utf8')).changes;
		expect(toLad23(['E09000001'], changes)).toEqual(['E09000001']);
		expect(toLad23(['E07000026', 'E07000028', 'E07000029'], changes)).toEqual(['E06000063']);
	});
});

describe('stop and search over the City of London extract', () => {
	const temp = tempDirs('clearsight-stop-search-');
	let runner: NodeRunner;
	let raw: RawSearch[];
	const census = cityResidents();

	beforeAll(async () => {
		const out = temp();
		await buildExtracts({ inputs: [SS_DIR], out, areas: SAMPLE_AREAS, forceArea: { kind: 'force', force: 'City of London Police' } });
		runner = await createNodeRunner();
		await loadExtract(runner, out);
		raw = readRaw();
	}, 120_000);
	afterAll(() => runner?.close());

	it('one month counted by hand (2019-11, 307 searches, self-defined): searches, finds, arrests, rates, ratio and intervals', async () => {
		const r = await disproportionality(runner, { from: '2019-11', to: '2019-11', basis: 'self', area: { kind: 'force', includeOutside: true } });
		const by = Object.fromEntries(r.rows.map((g) => [g.group, g]));
		// Counted by hand in 2019-11-city-of-london-stop-and-search.csv (307 rows).
		expect(r.totalSearches).toBe(307);
		expect([by.White.searches, by.White.finds, by.White.arrests]).toEqual([102, 34, 30]);
		expect([by.Asian.searches, by.Asian.finds, by.Asian.arrests]).toEqual([44, 16, 9]);
		expect([by.Black.searches, by.Black.finds, by.Black.arrests]).toEqual([37, 11, 7]);
		expect([by.Mixed.searches, by.Mixed.finds, by.Mixed.arrests]).toEqual([9, 5, 1]);
		expect([by.Other.searches, by.Other.finds, by.Other.arrests]).toEqual([6, 2, 0]);
		expect(r.notRecorded).toMatchObject({ searches: 109, finds: 23, arrests: 15 });
		expect(r.notRecorded.share).toBeCloseTo(109 / 307, 12);
		// Asian vs White: 44/1,447 × 1,000 = 30.4077; 102/5,957 × 1,000 = 17.1227; ratio 1.7759;
		// SE(ln RR) = √(1/44 − 1/1447 + 1/102 − 1/5957) = 0.17797; 95% CI exp(ln 1.7759 ± 1.96 × 0.17797) = 1.2529 … 2.5171.
		expect(by.Asian.ratePer1000).toBeCloseTo(30.4077, 4);
		expect(by.White.ratePer1000).toBeCloseTo(17.1227, 4);
		expect(by.Asian.ratioVsWhite).toBeCloseTo(1.7759, 4);
		expect(by.Asian.ratioLo95).toBeCloseTo(1.2529, 4);
		expect(by.Asian.ratioHi95).toBeCloseTo(2.5171, 4);
		// White find rate 34/102 = 0.3333, Wilson 95%: 0.2494 … 0.4294.
		expect(by.White.findRate).toBeCloseTo(0.3333, 4);
		expect(by.White.findLo95).toBeCloseTo(0.2494, 4);
		expect(by.White.findHi95).toBeCloseTo(0.4294, 4);
		expect(r.denominator).toMatchObject({ residents: 8588, lsoa21Count: 6, ladCodes: ['E09000001'] });
	});

	it('independent check, force-year 2018-12 … 2019-11, both bases: rates equal counts made from the raw CSVs divided by the Census totals', async () => {
		const year = raw.filter((s) => {
			const m = ukMonth(s.utc);
			return m >= '2018-12' && m <= '2019-11';
		});
		expect(year.length).toBeGreaterThan(2000);
		for (const basis of ['self', 'officer'] as const) {
			const r = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis, area: { kind: 'force', includeOutside: true } });
			const group = (s: RawSearch) => (basis === 'self' ? handSelf(s.self) : handOfficer(s.officer));
			expect(r.totalSearches).toBe(year.length);
			for (const g of r.rows) {
				const mine = year.filter((s) => group(s) === g.group);
				expect(g.searches).toBe(mine.length);
				expect(g.finds).toBe(mine.filter((s) => s.linked === 'True').length);
				expect(g.arrests).toBe(mine.filter((s) => s.outcome === 'Arrest' || s.outcome === 'Suspect arrested').length);
				// No further action: police.uk's two labels for it, counted in the raw rows.
				const nfa = mine.filter((s) => s.outcome === 'A no further action disposal' || s.outcome === 'Nothing found - no further action').length;
				expect(g.noFurtherAction).toBe(nfa);
				if (mine.length > 0) expect(g.nfaRate).toBeCloseTo(nfa / mine.length, 12);
				else expect(g.nfaRate).toBeNull();
				expect(g.residents).toBe(census.byGroup[g.group]);
				if (basis === 'officer' && g.group === 'Mixed') expect(g.ratePer1000).toBeNull();
				else expect(g.ratePer1000).toBeCloseTo((mine.length / census.byGroup[g.group]) * 1000, 9);
			}
			expect(r.notRecorded.searches).toBe(year.filter((s) => group(s) === 'Not recorded').length);
			expect(r.notRecorded.noFurtherAction).toBe(year.filter((s) => group(s) === 'Not recorded' && (s.outcome === 'A no further action disposal' || s.outcome === 'Nothing found - no further action')).length);
		}
		// Self-defined, counted from the raw files: Black 185 of 278 searches ended in no further action (66.5%), White 488 of 794 (61.5%).
		const self = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis: 'self', area: { kind: 'force', includeOutside: true } });
		expect(self.rows.filter((g) => g.group === 'Black' || g.group === 'White').map((g) => [g.group, g.noFurtherAction, g.searches])).toEqual([
			['Black', 185, 278],
			['White', 488, 794]
		]);
	});

	it('the force area leaves out searches located outside it, and counts those with no location', async () => {
		const all = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis: 'self', area: { kind: 'force', includeOutside: true } });
		const inside = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis: 'self', area: { kind: 'force' } });
		const [{ outside, unlocated }] = await runner.rows<{ outside: number; unlocated: number }>(
			`SELECT count(*) FILTER (WHERE in_force_area = false)::INTEGER AS outside, count(*) FILTER (WHERE longitude IS NULL)::INTEGER AS unlocated FROM stop_search WHERE month BETWEEN '2018-12' AND '2019-11'`
		);
		expect(outside).toBeGreaterThan(0);
		expect(inside.totalSearches).toBe(all.totalSearches - outside);
		expect(unlocated).toBeGreaterThan(0);
		expect(inside.caveats.find((c) => c.code === 'outside-excluded')?.text).toContain(`${outside} searches`);
		expect(all.caveats.some((c) => c.code === 'outside-excluded')).toBe(false);
	});

	it('computes the City caveats: a poor denominator (8,588 residents, more searches than Black residents), unknown ethnicity, the Census date', async () => {
		const r = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis: 'self', area: { kind: 'force' } });
		const codes = r.caveats.map((c) => c.code);
		expect(codes).toContain('poor-denominator');
		expect(r.caveats.find((c) => c.code === 'poor-denominator')!.text).toMatch(/only 8,588 people live here/);
		expect(r.caveats.find((c) => c.code === 'unknown-ethnicity')!.severity).toBe('warning');
		expect(codes).toContain('denominator-date');
		// Months in words, as every page writes them.
		expect(r.caveats.find((c) => c.code === 'denominator-date')!.text).toBe(
			'Residents are counted at Census day, 21 March 2021; the searches are from December 2018 to November 2019. The population may have changed in between.'
		);
		const black = r.rows.find((g) => g.group === 'Black')!;
		expect(black.searches).toBeGreaterThanOrEqual(233);
		expect(black.ratioLo95).toBeNull();
		// The same rule on a large population with few searches: no poor-denominator caveat.
		const big: Pick<DisproportionalityResult, 'rows' | 'notRecorded' | 'totalSearches' | 'denominator' | 'period' | 'scope'> = {
			...r,
			rows: r.rows.map((g) => ({ ...g, residents: 100_000, searches: 100 })),
			totalSearches: 500,
			notRecorded: { searches: 0, share: 0, finds: 0, arrests: 0, noFurtherAction: 0 },
			denominator: { ...r.denominator, residents: 500_000 },
			period: { from: '2021-04', to: '2022-03' }
		};
		expect(computeCaveats(big).map((c) => c.code)).toEqual([]);
	});

	it('officer-defined: no one is recorded as Mixed, so Mixed has no rate and the caveat says so', async () => {
		const r = await disproportionality(runner, { basis: 'officer', area: { kind: 'force' } });
		const mixed = r.rows.find((g) => g.group === 'Mixed')!;
		expect(mixed).toMatchObject({ searches: 0, ratePer1000: null, ratioVsWhite: null });
		expect(r.caveats.map((c) => c.code)).toContain('officer-no-mixed');
	});

	it('agreement of self- and officer-defined ethnicity equals the raw files’ crosstab', async () => {
		const a = await ethnicityAgreement(runner, { area: { kind: 'force', includeOutside: true } });
		const people = raw.filter((s) => s.type !== 'Vehicle search');
		const both = people.filter((s) => handSelf(s.self) !== 'Not recorded' && handOfficer(s.officer) !== 'Not recorded');
		expect(a.bothRecorded).toBe(both.length);
		expect(a.disagree).toBe(both.filter((s) => handSelf(s.self) !== handOfficer(s.officer)).length);
		expect(a.cells.reduce((t, c) => t + c.searches, 0)).toBe(people.length);
		expect(a.disagreeShare.lo95!).toBeLessThan(a.disagreeShare.rate!);
	});

	it('splits by legislation add up, and section 60 finds match the raw files', async () => {
		const s = await stopSearchSplits(runner, { basis: 'self', area: { kind: 'force', includeOutside: true } }, 'legislation');
		const people = raw.filter((r) => r.type !== 'Vehicle search');
		expect(s.rows.reduce((t, r) => t + r.searches, 0)).toBe(people.length);
		const s60 = s.rows.filter((r) => r.value === 'Criminal Justice and Public Order Act 1994 (section 60)');
		const raw60 = people.filter((r) => r.legislation === 'Criminal Justice and Public Order Act 1994 (section 60)');
		expect(s60.reduce((t, r) => t + r.searches, 0)).toBe(raw60.length);
		expect(s60.reduce((t, r) => t + r.finds, 0)).toBe(raw60.filter((r) => r.linked === 'True').length);
		const months = await stopSearchSplits(runner, { basis: 'officer', area: { kind: 'force', includeOutside: true } }, 'month');
		expect(new Set(months.rows.map((r) => r.value)).size).toBe(24);
		expect(s.rows.find((r) => r.value === 'Not recorded')!.searches).toBeGreaterThan(0);
	});

	it('possession-only drug searches: counts equal the raw files under the declared rule', async () => {
		const d = await drugPossessionOnly(runner, { basis: 'self', area: { kind: 'force', includeOutside: true } });
		const drug = raw.filter((s) => s.type !== 'Vehicle search' && (s.legislation.startsWith('Misuse of Drugs Act') || s.object === 'Controlled drugs'));
		const all = d.rows.find((r) => r.group === 'All')!;
		expect(all.drugSearches).toBe(drug.length);
		expect(all.finds).toBe(drug.filter((s) => s.linked === 'True').length);
		const poss = drug.filter((s) => s.linked === 'True' && POSSESSION_OUTCOMES.includes(s.outcome)).length;
		expect(all.possessionOnly).toBe(poss);
		expect(poss).toBeGreaterThan(0);
		expect(all.share.rate).toBeCloseTo(poss / drug.length, 12);
		expect(d.rows.filter((r) => r.group !== 'All').reduce((t, r) => t + r.possessionOnly, 0)).toBe(poss);
	});

	it('records one click away: each row names its file and line, and that line holds the same values', async () => {
		const page = await stopSearchRecords(runner, { from: '2019-11', to: '2019-11', basis: 'self', area: { kind: 'force', includeOutside: true } }, { group: 'Black', only: 'finds', limit: 50, offset: 0 });
		expect(page.total).toBe(11);
		expect(page.rows).toHaveLength(11);
		for (const r of page.rows) {
			const s = raw.find((x) => x.file === r.source_file && x.line === r.source_line)!;
			expect(handSelf(s.self)).toBe('Black');
			expect(s.linked).toBe('True');
			expect(r.outcome).toBe(s.outcome);
		}
		await expect(stopSearchRecords(runner, { basis: 'self', area: { kind: 'force' } }, { limit: 0, offset: 0 })).rejects.toThrow(RangeError);
	});

	it('a local authority, LSOA and H3 selections: located searches only, denominators matched by code', async () => {
		const lad = await disproportionality(runner, { basis: 'self', area: { kind: 'lad', code: 'E09000001' } });
		const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM stop_search WHERE in_force_area AND lsoa_code IS NOT NULL`);
		expect(lad.totalSearches).toBe(n);
		expect(lad.denominator.residents).toBe(8588);
		expect(lad.caveats.map((c) => c.code)).toContain('unlocated-excluded');
		const cells = await disproportionality(runner, { basis: 'self', area: { kind: 'cells', level: 'lsoa', ids: ['E01000001', 'E01099999'] } });
		expect(cells.denominator.residents).toBe(census.byLsoa.get('E01000001'));
		expect(cells.caveats.find((c) => c.code === 'geography-mismatch')!.text).toContain('E01099999');
		const [{ h3 }] = await runner.rows<{ h3: string }>(`SELECT h3_r8 AS h3 FROM stop_search WHERE in_force_area GROUP BY ALL ORDER BY count(*) DESC LIMIT 1`);
		const hex = await disproportionality(runner, { basis: 'self', area: { kind: 'cells', level: 'h3_8', ids: [h3] } });
		expect(hex.totalSearches).toBeGreaterThan(0);
		expect(hex.rows.every((g) => g.residents === null && g.ratePer1000 === null)).toBe(true);
		expect(hex.caveats.map((c) => c.code)).toContain('no-denominator');
	});

	it('community impact: flagged LSOAs’ residents by group against the force area, unmatched codes listed', async () => {
		const c = await flaggedAreaComposition(runner, ['E01000001', 'E01000005', 'E01999999'], { basis: 'self' });
		expect(c.unmatchedLsoa).toEqual(['E01999999']);
		expect(c.matchedLsoa).toBe(2);
		expect(c.flaggedResidents).toBe(census.byLsoa.get('E01000001')! + census.byLsoa.get('E01000005')!);
		expect(c.forceResidents).toBe(8588);
		expect(c.rows.reduce((t, r) => t + r.flaggedResidents, 0)).toBe(c.flaggedResidents);
		const inFlagged = await runner.rows<{ e: string | null }>(
			`SELECT self_defined_ethnicity AS e FROM stop_search WHERE in_force_area AND lsoa_code IN ('E01000001', 'E01000005')`
		);
		const byHand = (g: string) => inFlagged.filter((r) => handSelf(r.e ?? '') === g).length;
		for (const row of c.rows) {
			expect(row.searchesInFlagged).toBe(byHand(row.group));
			expect(row.ratePer1000InFlagged).toBeCloseTo((byHand(row.group) / row.flaggedResidents) * 1000, 9);
		}
		expect(c.caveats.map((x) => x.code)).toContain('geography-mismatch');
	});

	it('community impact: where a group’s searches reach its residents, a serious caveat says the rate describes no real population', async () => {
		// City of London 001F (E01032739), the sample's high-band area in November 2019: its Black residents from the raw Nomis file.
		const line = gunzipSync(readFileSync(CENSUS.ts021File)).toString('utf8').split(/\r?\n/).find((l) => l.startsWith('E01032739 : '))!;
		const blackResidents = Number(line.split(',')[5]);
		expect(blackResidents).toBe(18);
		const inside = (await runner.rows<{ e: string | null }>(`SELECT self_defined_ethnicity AS e FROM stop_search WHERE in_force_area AND lsoa_code = 'E01032739'`)).filter(
			(r) => handSelf(r.e ?? '') === 'Black'
		).length;
		expect(inside).toBeGreaterThanOrEqual(blackResidents);
		const c = await flaggedAreaComposition(runner, ['E01032739'], { basis: 'self' });
		const caveat = c.caveats.find((x) => x.code === 'poor-denominator');
		expect(caveat?.severity).toBe('serious');
		expect(caveat?.text).toContain(`in the flagged areas, Black people (${inside.toLocaleString('en-GB')} searches, 18 residents)`);
		// Only groups whose searches there reach their residents are named.
		for (const r of c.rows) expect(caveat!.text.includes(`${r.group} people (${r.searchesInFlagged.toLocaleString('en-GB')} searches, ${r.flaggedResidents.toLocaleString('en-GB')} residents)`)).toBe(r.searchesInFlagged > 0 && r.searchesInFlagged >= r.flaggedResidents);
	});

	it('searches of a vehicle only (no person searched) are in no group and not "Not recorded": counted apart, as the raw files give them', async () => {
		const r = await disproportionality(runner, { basis: 'self', area: { kind: 'force', includeOutside: true } });
		const vehicles = raw.filter((s) => s.type === 'Vehicle search');
		const people = raw.filter((s) => s.type !== 'Vehicle search');
		// 17 vehicle-only searches in 2018-04 … 2018-10, 15 with no ethnicity at all (2 with the driver's, Asian).
		expect(vehicles.length).toBe(17);
		expect(vehicles.filter((s) => handSelf(s.self) === 'Not recorded').length).toBe(15);
		expect(r.vehicleOnly).toBe(17);
		expect(r.totalSearches).toBe(people.length);
		expect(r.notRecorded.searches).toBe(people.filter((s) => handSelf(s.self) === 'Not recorded').length);
		for (const g of r.rows) expect(g.searches, g.group).toBe(people.filter((s) => handSelf(s.self) === g.group).length);
		expect(r.caveats.find((c) => c.code === 'vehicle-only')?.text).toMatch(/^17 searches were of a vehicle only, with no person searched/);
		// The year shown in README.md has none, so its table stands.
		const year = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis: 'self', area: { kind: 'force' } });
		expect(year.vehicleOnly).toBe(0);
		expect(year.caveats.map((c) => c.code)).not.toContain('vehicle-only');
	});

	it('the months covered are the period asked within the data, not the first and last month with a search in the area', async () => {
		// City of London 001C (E01000003) had searches in only a few months of 2018-12 … 2019-11.
		const [{ a, b }] = await runner.rows<{ a: string; b: string }>(
			`SELECT min(month) AS a, max(month) AS b FROM stop_search WHERE in_force_area AND lsoa_code = 'E01000003' AND month BETWEEN '2018-12' AND '2019-11'`
		);
		expect([a, b]).not.toEqual(['2018-12', '2019-11']);
		const r = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis: 'self', area: { kind: 'cells', level: 'lsoa', ids: ['E01000003'] } });
		expect(r.period).toEqual({ from: '2018-12', to: '2019-11' });
		expect(r.caveats.find((c) => c.code === 'denominator-date')!.text).toContain('from December 2018 to November 2019');
		// A period reaching past the data is cut to its months (2017-12 … 2019-11); one wholly outside covers nothing.
		expect((await disproportionality(runner, { from: '2017-06', to: '2018-03', basis: 'self', area: { kind: 'force' } })).period).toEqual({ from: '2017-12', to: '2018-03' });
		expect((await disproportionality(runner, { from: '2020-01', to: '2020-12', basis: 'self', area: { kind: 'force' } })).period).toBeNull();
	});

	it('no headline ratio where residents are an unfit denominator: the City (8,588 residents, more searches than Black residents) says why in plain words', async () => {
		const r = await disproportionality(runner, { from: '2018-12', to: '2019-11', basis: 'self', area: { kind: 'force' } });
		// 1,953 searches of people over 12 months and 8,588 residents: 227.4 a year per 1,000; Black 241 searches, 233 residents.
		expect(residentsUnfit(r)).toEqual([
			'only 8,588 people live here (fewer than 20,000)',
			'there were 227.4 searches a year per 1,000 residents (more than 50)',
			'Black people were searched at least as many times as there are such residents'
		]);
		expect(r.ratioWithheld).toMatch(/^No ratio against White is given as a headline here: only 8,588 people live here/);
		expect(r.ratioWithheld).toContain('the find and arrest rates, which do not depend on residents, are the fairer comparison');
		// The ratios themselves stay in the rows (tables, CSV, the command line).
		expect(r.rows.find((g) => g.group === 'Asian')!.ratioVsWhite).toBeCloseTo(234 / 1447 / (707 / 5957), 12);
		// Residents are fit where the area is large and searches are few against them: no reason, nothing withheld.
		const big = { ...r, rows: r.rows.map((g) => ({ ...g, residents: 100_000, searches: 100 })), totalSearches: 500, denominator: { ...r.denominator, residents: 500_000 } };
		expect(residentsUnfit(big)).toEqual([]);
	});

	it('coverage: months, the authority and denominators present', async () => {
		const cov = await stopSearchCoverage(runner);
		expect(cov).toMatchObject({ first: '2017-12', last: '2019-11', searches: raw.length, forceName: 'City of London', hasPopulation: true, hasLsoa: true });
		expect(cov.authorities).toEqual([{ code: 'E09000001', name: 'City of London', residents: 8588 }]);
	});
});

describe('the population_ethnicity dataset of the builder', () => {
	const temp = tempDirs('clearsight-population-');
	const month = [join(SS_DIR, '2019-11-city-of-london-stop-and-search.csv')];
	const force = { kind: 'force', force: 'City of London Police' } as const;

	it('holds the force area’s Census residents when Census files are given, 5 rows per LSOA 2021, and is empty without them (as the browser import)', async () => {
		const withCensus = temp();
		const m = (await buildExtracts({ inputs: month, out: withCensus, areas: null, forceArea: force, census: DEFAULT_CENSUS })).manifest;
		expect(m.datasets.find((d) => d.name === 'population_ethnicity')!.rows).toBe(30);
		expect(m.attribution.map((a) => a.dataset)).toContain('population_ethnicity');
		const t = await readArrow(withCensus, 'population_ethnicity');
		expect(col<number>(t, 'residents').reduce((a, b) => a + b, 0)).toBe(8588);
		expect(new Set(col<string>(t, 'lsoa21_code'))).toEqual(new Set(cityResidents().byLsoa.keys()));
		const without = temp();
		const m2 = (await buildExtracts({ inputs: month, out: without, areas: null, forceArea: force })).manifest;
		expect(m2.datasets.find((d) => d.name === 'population_ethnicity')!.rows).toBe(0);
	}, 120_000);
});
