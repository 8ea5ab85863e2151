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

function parseCsv(text: string): Record<string, string>[] {
	const [header, ...lines] = text.trimEnd().split('\r\n');
	const names = header.split(',');
	return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

describe('npm run score', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'clearsight-score-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('writes one row per area: area_id, rank, score, band, contributions that add up to the score exactly', () => {
		const out = join(dir, 'all.csv');
		const stdout = execFileSync(TSX, ['scripts/score.ts', '--model', MODEL, '--input', STREET, '--month', '2019-03', '--out', out], { encoding: 'utf8' });
		expect(stdout).toMatch(/Month 2019-03: \d+ areas scored from data up to 2019-03/);
		const text = readFileSync(out, 'utf8');
		expect(text.split('\r\n')[0]).toBe('area_id,rank,score,band,contribution_harm,contribution_threat,contribution_risk');
		const rows = parseCsv(text);
		expect(rows.length).toBeGreaterThan(30);
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

	it.each([MODEL, 'models/thr/thr-v2.json'])('uses only data up to the month: adding the later months’ files changes nothing (%s)', (model) => {
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
});
