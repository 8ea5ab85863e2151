/**
 * `npm run score` end to end on the shipped sample (tsx, as a user runs it): the CSV it writes,
 * exact sums, only data up to the month, and clear errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STREET = 'sample-data/police-uk/city-of-london/street';
const MODEL = 'models/thr/thr-v1.json';
const TSX = join('node_modules', '.bin', 'tsx');

function score(args: string[]) {
	return spawnSync(TSX, ['scripts/score.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** An exact decimal string (≤ 20 places) as an integer count of 10^−20. */
function decimal(text: string): bigint {
	const [whole, fraction = ''] = text.split('.');
	return BigInt(whole + fraction.padEnd(20, '0'));
}

/** RFC 4180 records (quoted cells may hold commas and doubled quotes; no newlines in these files). */
function parseCsv(text: string): Record<string, string>[] {
	const cells = (line: string) => [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]));
	const [header, ...lines] = text.trimEnd().split('\r\n');
	const names = cells(header);
	return lines.map((l) => Object.fromEntries(cells(l).map((v, i) => [names[i], v])));
}

/** The City of London Police area: the 6 LSOAs 2011 of LAD E09000001 (IMD 2019 File_1). */
const CITY = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'];

describe('npm run score', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'clearsight-score-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('writes one row per area: name, rank, band, score, each component’s raw value, unit, normalised value, weight and contribution (adding up to the score exactly), and the reason', () => {
		const out = join(dir, 'all.csv');
		const stdout = execFileSync(TSX, ['scripts/score.ts', '--model', MODEL, '--input', STREET, '--month', '2019-03', '--out', out], { encoding: 'utf8' });
		expect(stdout).toMatch(/Month 2019-03: 6 areas scored from data up to 2019-03/);
		const text = readFileSync(out, 'utf8');
		const perComponent = (id: string) => [`${id}_raw`, `${id}_unit`, `${id}_normalised`, `${id}_weight`, `contribution_${id}`];
		expect(text.split('\r\n')[0]).toBe(['area_id', 'area_name', 'rank', 'band', 'score', ...['harm', 'threat', 'risk'].flatMap(perComponent), 'reason'].join(','));
		const rows = parseCsv(text);
		// Since force areas: v1 scores the areas with harm inside the City of London Police area, its 6 LSOAs.
		expect(rows.map((r) => r.area_id).sort()).toEqual(CITY);
		for (const r of rows) {
			expect(r.area_name).toMatch(/^City of London 001[A-G]$/);
			expect([r.harm_unit, r.harm_weight, r.threat_weight, r.risk_weight]).toEqual(['CCHI days', '0.4', '0.3', '0.3']);
			expect(r.reason).toMatch(/^Holds (\d\.\d%|\d{2}%|under 0\.1%) of the harm of the areas scored over the last 12 months \((1st|2nd|3rd|[4-6]th) of 6 areas\); /);
		}
		expect(rows.map((r) => Number(r.rank))).toEqual(rows.map((_, i) => i + 1));
		for (const r of rows) {
			const parts = [r.contribution_harm, r.contribution_threat, r.contribution_risk];
			// As floating point (what a spreadsheet does) …
			expect(parts.map(Number).reduce((s, x) => s + x, 0)).toBe(Number(r.score));
			// … and as exact decimals (at most 20 places, scaled to integers).
			expect(parts.map(decimal).reduce((s, x) => s + x, 0n)).toBe(decimal(r.score));
			expect(['high', 'medium', 'low']).toContain(r.band);
			expect(r.area_id).toMatch(/^E0\d{7}$/);
		}
	});

	it.each([MODEL, 'models/thr/thr-v2.json', 'models/thr/thr-v3.json'])('uses only data up to the month: adding the later months’ files changes nothing (%s)', (model) => {
		const early = join(dir, `to-2019-03-${model.slice(-7, -5)}`);
		mkdirSync(early);
		for (const f of readdirSync(STREET)) if (f.slice(0, 7) <= '2019-03') copyFileSync(join(STREET, f), join(early, f));
		expect(readdirSync(early)).toHaveLength(16);
		const a = join(dir, 'early.csv');
		const b = join(dir, 'full.csv');
		execFileSync(TSX, ['scripts/score.ts', '--model', model, '--input', early, '--month', '2019-03', '--out', a]);
		execFileSync(TSX, ['scripts/score.ts', '--model', model, '--input', STREET, '--month', '2019-03', '--out', b]);
		expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
	});

	it.each([
		[['--month', '2019-13'], 2, /not a month: "2019-13"; expected YYYY-MM/],
		[['--month', '2019-03', '--colour', 'red'], 2, /unknown option --colour/],
		[['--month', '2019-03', '--format', 'pdf'], 2, /--format must be csv or text, got "pdf"/],
		[['--month', '2019-03', '--top', 'many'], 2, /--top must be a whole number/],
		[['--month', '2030-01'], 1, /cannot score 2030-01: no records in 2030-01 itself: the latest month with records is 2019-11/]
	])('fails clearly: %j', (extra, status, message) => {
		const r = score(['--model', MODEL, '--input', STREET, '--out', join(dir, 'x.csv'), ...extra]);
		expect(r.status).toBe(status);
		expect(r.stderr).toMatch(message);
	});

	it('fails clearly when the model does not pass the schema, listing every error', () => {
		const bad = JSON.parse(readFileSync(MODEL, 'utf8'));
		delete bad.owner;
		bad.components[0].weight = 2;
		bad.surprise = true;
		const path = join(dir, 'bad-model.json');
		writeFileSync(path, JSON.stringify(bad));
		const r = score(['--model', path, '--input', STREET, '--month', '2019-03', '--out', join(dir, 'x.csv')]);
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/does not pass models\/schema\/thr-model\.schema\.json/);
		expect(r.stderr).toMatch(/must have required property 'owner'/);
		expect(r.stderr).toMatch(/\/components\/0\/weight must be <= 1/);
		expect(r.stderr).toMatch(/must NOT have additional properties: "surprise"/);
	});

	it('fails clearly when the weights do not add up (beyond the schema)', () => {
		const bad = JSON.parse(readFileSync(MODEL, 'utf8'));
		bad.components[0].weight = 0.5;
		const path = join(dir, 'heavy-model.json');
		writeFileSync(path, JSON.stringify(bad));
		const r = score(['--model', path, '--input', STREET, '--month', '2019-03', '--out', join(dir, 'x.csv')]);
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/is not usable:\n {2}- component weights sum to 1\.1/);
	});

	it('scores with thr-v3 by default: every area of the force area, the figures behind each contribution, a reason that agrees with them', () => {
		const out = join(dir, 'v3.csv');
		const stdout = execFileSync(TSX, ['scripts/score.ts', '--input', STREET, '--month', '2019-11', '--out', out, '--top', '3'], { encoding: 'utf8' });
		expect(stdout).toMatch(/\(thr 3\.0\.0\)/);
		expect(stdout).toMatch(/Scope: every area of the City of London force area \(6\); in the months read, \d+ records located outside the force area/);
		expect(stdout).toMatch(/High: the fewest top-ranked areas that together hold half of the force's expected harm next month/);
		expect(stdout).toMatch(/Top 3 /);
		const rows = parseCsv(readFileSync(out, 'utf8'));
		expect(rows.map((r) => r.area_id).sort()).toEqual(CITY);
		const harm = rows.map((r) => Number(r.harm_raw));
		const reference = Math.max(...harm);
		for (const r of rows) {
			// Magnitude: normalised = raw ÷ the largest harm (to the 12 digits written); contribution = its units.
			expect(Number(r.harm_normalised)).toBeCloseTo(Number(r.harm_raw) / reference, 10);
			expect(Number(r.risk_normalised)).toBeCloseTo((Number(r.risk_raw) * 12) / reference, 10);
			expect(Number(r.threat_normalised)).toBeCloseTo((Number(r.threat_raw) * 4) / reference, 10);
			for (const id of ['harm', 'threat', 'risk']) expect(Number(r[`contribution_${id}`])).toBeCloseTo(Number(r[`${id}_normalised`]) * Number(r[`${id}_weight`]), 6);
			expect(['contribution_harm', 'contribution_threat', 'contribution_risk'].map((c) => decimal(r[c])).reduce((s, x) => s + x, 0n)).toBe(decimal(r.score));
			// The reason's share and rank are the CSV's own harm figures.
			const share = Number(r.harm_raw) / harm.reduce((s, x) => s + x, 0);
			const rank = 1 + harm.filter((h) => h > Number(r.harm_raw)).length;
			// One decimal under 10%, whole from 10%, "under 0.1%" below 0.05%.
			const tenths = Math.round(share * 1000) / 10;
			expect(r.reason).toContain(`Holds ${share < 0.0005 ? 'under 0.1%' : tenths < 10 ? `${tenths.toFixed(1)}%` : `${Math.round(share * 100)}%`} of the force's harm over the last 12 months (${rank}${['st', 'nd', 'rd'][rank - 1] ?? 'th'} of 6 areas)`);
			expect(r.reason).toContain(`about ${Math.round(Number(r.risk_raw)).toLocaleString('en-GB')} CCHI days expected next month`);
		}
		// Bands: the top area holds more than half of the expected harm (risk), so it alone is High.
		const risk = rows.map((r) => Number(r.risk_raw));
		expect(risk[0] / risk.reduce((s, x) => s + x, 0)).toBeGreaterThan(0.5);
		expect(rows.map((r) => r.band)).toEqual(['high', 'medium', 'low', 'low', 'low', 'low']);
	});

	it('--format text writes the same figures as readable blocks, with what each band means', () => {
		const out = join(dir, 'v3.txt');
		execFileSync(TSX, ['scripts/score.ts', '--input', STREET, '--month', '2019-11', '--out', out, '--format', 'text', '--top', '0']);
		const text = readFileSync(out, 'utf8');
		expect(text).toMatch(/^Threat–harm–risk priority score, v3 \(thr 3\.0\.0\) for 2019-11: 6 areas/);
		expect(text).toMatch(/\n  1\. E01032739  City of London 001F  —  High, score 0\.\d{3} \(exactly 0\.\d+\)\n/);
		expect(text).toMatch(/Harm {2,}\s+267,572 CCHI days/);
		expect(text.match(/^ +\d\. E0/gm)).toHaveLength(6);
		expect(text).toContain("Low: the remaining areas, which together hold the last 20% of the force's expected harm next month, and any area with none expected.");
	});
});
