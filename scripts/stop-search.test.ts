/**
 * `npm run stop-search` end to end on the shipped City of London files (tsx, as a user runs it):
 * the exact columns, counts equal to the raw CSVs counted here, the Census residents, the caveats
 * printed, and usage errors.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from './lib/extract-test-utils';
import { forceFromFileNames, parseStopSearchArgs, RATE_COLUMNS } from './stop-search';
import { buildExtracts } from './lib/extracts';
import { SAMPLE_AREAS } from './lib/sample';

const SS = 'sample-data/police-uk/city-of-london/stop-and-search';
const TSX = join('node_modules', '.bin', 'tsx');
const temp = tempDirs('clearsight-stop-search-cli-');

function run(args: string[]) {
	return spawnSync(TSX, ['scripts/stop-search.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
}

/** RFC 4180 rows of the output (no quoted cells in it). */
function readCsv(path: string): Record<string, string>[] {
	const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\r\n');
	const names = header.split(',');
	return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

/** One raw file's rows as header → value, split by hand (its quoted cells hold no commas in these columns). */
function rawRows(file: string): Record<string, string>[] {
	const text = readFileSync(join(SS, file), 'utf8').replace(/^\uFEFF/, '');
	const [header, ...lines] = text.trimEnd().split(/\r?\n/);
	const names = header.split(',');
	return lines.map((l) => {
		const cells = [...l.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]));
		return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
	});
}

const selfGroup = (v: string) =>
	v === '' || v === 'Other ethnic group - Not stated'
		? 'Not recorded'
		: ({ 'Asian/Asian British': 'Asian', 'Black/African/Caribbean/Black British': 'Black', 'Mixed/Multiple ethnic groups': 'Mixed', White: 'White', 'Other ethnic group': 'Other' } as Record<string, string>)[v.split(' - ')[0]];

describe('npm run stop-search', () => {
	it('writes the issue’s columns, one row per group and one with no recorded ethnicity, equal to the raw file counted here (2019-11, self-defined)', () => {
		const out = join(temp(), 'rates.csv');
		const r = run(['--input', SS, '--from', '2019-11', '--to', '2019-11', '--boundaries', 'none', '--population', 'sample-data/context/census2021', '--out', out]);
		expect(r.status, r.stderr).toBe(0);
		expect(readFileSync(out, 'utf8').split('\r\n')[0]).toBe(RATE_COLUMNS.join(','));
		const rows = readCsv(out);
		expect(rows.map((x) => x.group)).toEqual(['Asian', 'Black', 'Mixed', 'White', 'Other', 'Not recorded']);
		// Winter month: UTC = UK time, so the November file is exactly the month.
		const raw = rawRows('2019-11-city-of-london-stop-and-search.csv');
		const residents: Record<string, number> = { Asian: 1447, Black: 233, Mixed: 470, White: 5957, Other: 481 };
		for (const row of rows) {
			const mine = raw.filter((x) => selfGroup(x['Self-defined ethnicity']) === row.group);
			expect(Number(row.searches)).toBe(mine.length);
			expect(Number(row.finds)).toBe(mine.filter((x) => x['Outcome linked to object of search'] === 'True').length);
			expect(Number(row.arrests)).toBe(mine.filter((x) => x.Outcome === 'Arrest').length);
			if (row.group === 'Not recorded') {
				expect([row.residents, row.rate_per_1000, row.ratio_vs_white]).toEqual(['', '', '']);
			} else {
				expect(Number(row.residents)).toBe(residents[row.group]);
				expect(row.rate_per_1000).toBe(((mine.length / residents[row.group]) * 1000).toFixed(2));
			}
		}
		// Hand-worked: White 34 finds of 102, Wilson 95% 0.2494–0.4294; Asian vs White 1.776 (1.253–2.517).
		const white = rows.find((x) => x.group === 'White')!;
		expect([white.find_rate, white.find_rate_lo95, white.find_rate_hi95, white.ratio_vs_white]).toEqual(['0.3333', '0.2494', '0.4294', '1.000']);
		const asian = rows.find((x) => x.group === 'Asian')!;
		expect([asian.ratio_vs_white, asian.ratio_lo95, asian.ratio_hi95]).toEqual(['1.776', '1.253', '2.517']);
		expect(r.stdout).toMatch(/City of London \(force area\), 2019-11 to 2019-11/);
		expect(r.stdout).toMatch(/caveat \(serious\): Residents are a poor denominator here: only 8,588 people live here/);
		expect(r.stdout).toMatch(/caveat \(warning\): 109 searches \(35\.5%\) have no recorded self-defined ethnicity/);
		expect(r.stdout).toMatch(/could not be placed inside or outside the force area/);
	}, 120_000);

	it('an extract (with its Census residents), officer-defined, a year: searches located outside the force area are left out and said so', async () => {
		const dir = temp();
		await buildExtracts({ inputs: [SS], out: dir, areas: SAMPLE_AREAS, forceArea: { kind: 'force', force: 'City of London Police' } });
		const out = join(temp(), 'officer.csv');
		const r = run(['--input', dir, '--from', '2018-12', '--to', '2019-11', '--ethnicity', 'officer', '--out', out]);
		expect(r.status, r.stderr).toBe(0);
		const rows = readCsv(out);
		const counted = rows.reduce((t, x) => t + Number(x.searches), 0);
		const yearFiles = readdirSync(SS).filter((f) => f >= '2018-12' && f < '2019-12');
		const all = yearFiles.reduce((t, f) => t + rawRows(f).length, 0);
		const outside = Number(/caveat \(info\): (\d+) searches in this period were located outside the force area/.exec(r.stdout)?.[1]);
		expect(outside).toBeGreaterThan(0);
		expect(counted + outside).toBe(all);
		expect(rows.find((x) => x.group === 'Mixed')).toMatchObject({ searches: '0', rate_per_1000: '', ratio_vs_white: '' });
		expect(r.stdout).toMatch(/Officers recorded no one as "Mixed"/);
		expect(r.stdout).toMatch(/Residents: 8,588 in 6 LSOAs 2021 of E09000001/);
		expect(r.stdout).toMatch(/over these 12 months \(a year/);
		expect(r.stdout).toMatch(new RegExp(`Input: extract ${dir}`));
	}, 180_000);

	it('usage errors exit 2 naming the problem', () => {
		expect(() => parseStopSearchArgs(['--input', SS, '--out', 'x.csv', '--ethnicity', 'both'])).toThrow(/--ethnicity must be self or officer/);
		expect(() => parseStopSearchArgs(['--input', SS, '--out', 'x.csv', '--from', '2019-13'])).toThrow(/--from must be a month/);
		expect(() => parseStopSearchArgs(['--input', SS, '--out', 'x.csv', '--from', '2019-11', '--to', '2019-01'])).toThrow(/after --to/);
		expect(() => parseStopSearchArgs(['--input', SS])).toThrow(/--out is required/);
		const r = run(['--input', SS, '--out', 'x.csv', '--ethnicity', 'both']);
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/usage: npm run stop-search/);
	}, 60_000);

	it('names the force from police.uk file names, and refuses files of several forces', () => {
		expect(forceFromFileNames(['a/2019-11-city-of-london-stop-and-search.csv', '2019-10-city-of-london-stop-and-search.csv'])).toBe('city of london');
		expect(forceFromFileNames(['searches.csv'])).toBeNull();
		expect(() => forceFromFileNames(['2019-11-city-of-london-stop-and-search.csv', '2019-11-metropolitan-stop-and-search.csv'])).toThrow(/several forces/);
	});
});
