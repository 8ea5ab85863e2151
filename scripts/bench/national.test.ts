/**
 * The synthetic national set (national.ts) on a small size (2 years × 25,000 records): seeded and
 * deterministic; the police.uk layout and header; all 43 forces; every LSOA in the force that the
 * ONS lookups give it (checked by DuckDB over the raw ONS files, independently of the generator);
 * the category mix of the real City of London rows, within a binomial tolerance.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../lib/node-runner';
import { tempDirs } from '../lib/extract-test-utils';
import { forceKey } from '../../analytics/ingest/force-area';
import { NATIONAL_HEADER, NATIONAL_INPUTS, writeNationalSet, type NationalResult } from './national';

const ROWS = 25_000;
const tmp = tempDirs('clearsight-national-');

function digest(dir: string, files: string[]): Record<string, string> {
	return Object.fromEntries(files.map((f) => [relative(dir, f), createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

describe('synthetic national set', () => {
	let dir: string;
	let set: NationalResult;
	let runner: NodeRunner;
	const glob = () => join(dir, '*', '*.csv');

	beforeAll(async () => {
		dir = tmp();
		set = await writeNationalSet({ out: dir, years: 2, seed: 7, rowsPerYear: ROWS, lastYear: 2024 });
		runner = await createNodeRunner();
		await runner.exec(`CREATE TABLE gen AS SELECT * FROM read_csv(?, all_varchar = true, header = true, filename = true, delim = ',', quote = '"', escape = '"')`, [glob()]);
		return () => runner.close();
	}, 120_000);

	it('is the same bytes for the same seed, and different for another seed', async () => {
		const again = tmp();
		const other = tmp();
		const a = await writeNationalSet({ out: again, years: 2, seed: 7, rowsPerYear: ROWS, lastYear: 2024 });
		const b = await writeNationalSet({ out: other, years: 2, seed: 8, rowsPerYear: ROWS, lastYear: 2024 });
		expect(a.reused).toBe(false);
		expect(digest(again, a.files)).toEqual(digest(dir, set.files));
		expect(digest(other, b.files)).not.toEqual(digest(dir, set.files));
		// Asked again with the same options, the folder is reused as it is.
		expect((await writeNationalSet({ out: again, years: 2, seed: 7, rowsPerYear: ROWS, lastYear: 2024 })).reused).toBe(true);
	}, 120_000);

	it('has police.uk month folders and file names, the street header, and the rows asked for', async () => {
		const months = readdirSync(dir).filter((d) => /^\d{4}-\d{2}$/.test(d)).sort();
		expect(months).toHaveLength(24);
		expect(months[0]).toBe('2023-01');
		expect(months.at(-1)).toBe('2024-12');
		for (const f of set.files) {
			expect(relative(dir, f)).toMatch(/^(\d{4}-\d{2})\/\1-[a-z-]+-street\.csv$/);
			expect(readFileSync(f, 'utf8').split('\n', 1)[0]).toBe(NATIONAL_HEADER);
		}
		const [{ n, bad_month }] = await runner.rows<{ n: number; bad_month: number }>(
			`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT filename LIKE '%/' || "Month" || '-%')::INTEGER AS bad_month FROM gen`
		);
		expect(n).toBe(2 * ROWS);
		expect(bad_month).toBe(0);
		expect(set.rows).toBe(2 * ROWS);
		const readme = readFileSync(join(dir, 'README.md'), 'utf8');
		expect(readme).toMatch(/SYNTHETIC/);
		expect(JSON.parse(readFileSync(join(dir, 'source.json'), 'utf8')).label).toMatch(/SYNTHETIC/);
	});

	it('covers the 43 forces of England and Wales, reported by and falling within the same force', async () => {
		const forces = await runner.rows<{ f: string; slugs: number }>(
			`SELECT "Falls within" AS f, count(DISTINCT regexp_extract(filename, '\\d{4}-\\d{2}-([a-z-]+)-street\\.csv$', 1))::INTEGER AS slugs
			 FROM gen WHERE "Reported by" = "Falls within" GROUP BY ALL`
		);
		expect(forces).toHaveLength(43);
		expect(forces.every((f) => f.slugs === 1)).toBe(true);
		const [{ mismatched }] = await runner.rows<{ mismatched: number }>(`SELECT count(*)::INTEGER AS mismatched FROM gen WHERE "Reported by" <> "Falls within"`);
		expect(mismatched).toBe(0);
	});

	it('places every LSOA in the force the ONS lookups give it (LSOA21 → LAD23 → PFA, with the declared post-2016 authorities)', async () => {
		const changes = JSON.parse(readFileSync(NATIONAL_INPUTS.ladChanges, 'utf8')).changes as Array<{ code: string; force: string }>;
		await runner.exec(`CREATE TABLE lad_changes (code VARCHAR, force VARCHAR)`);
		for (const c of changes) await runner.exec(`INSERT INTO lad_changes VALUES (?, ?)`, [c.code, c.force]);
		await runner.exec(
			`CREATE TABLE lsoa_force AS
			 SELECT l.LSOA21CD AS lsoa, l.LSOA21NM AS lsoa_name, coalesce(p.PFA16NM, c.force) AS pfa
			 FROM read_csv(?, all_varchar = true) l
			 LEFT JOIN (SELECT DISTINCT LAD16CD, PFA16NM FROM read_csv(?, all_varchar = true)) p ON p.LAD16CD = l.LAD23CD
			 LEFT JOIN lad_changes c ON c.code = l.LAD23CD`,
			[NATIONAL_INPUTS.lsoaLad, NATIONAL_INPUTS.pfaLookup]
		);
		const rows = await runner.rows<{ falls_within: string; pfa: string | null; name_ok: boolean; n: number }>(
			`SELECT g."Falls within" AS falls_within, f.pfa, bool_and(f.lsoa_name IS NOT DISTINCT FROM g."LSOA name") AS name_ok, count(*)::INTEGER AS n
			 FROM gen g LEFT JOIN lsoa_force f ON f.lsoa = g."LSOA code" WHERE g."LSOA code" IS NOT NULL GROUP BY ALL`
		);
		expect(rows.length).toBeGreaterThanOrEqual(43);
		for (const r of rows) {
			expect(r.pfa, r.falls_within).not.toBeNull();
			expect(forceKey(r.falls_within), `${r.falls_within} has LSOAs of ${r.pfa}`).toBe(forceKey(r.pfa!));
			expect(r.name_ok).toBe(true);
		}
		// Rows without a location carry no LSOA and no coordinates, as police.uk's do.
		const [{ bad }] = await runner.rows<{ bad: number }>(
			`SELECT count(*)::INTEGER AS bad FROM gen WHERE ("Location" = 'No Location') <> ("LSOA code" IS NULL) OR ("Longitude" IS NULL) <> ("LSOA code" IS NULL)`
		);
		expect(bad).toBe(0);
	});

	it('has the real City rows\' category mix within 4 binomial standard errors, a unique Crime ID on every record but anti-social behaviour', async () => {
		const real = await runner.rows<{ t: string; p: number }>(
			`SELECT "Crime type" AS t, count(*) / sum(count(*)) OVER () AS p FROM read_csv(?, all_varchar = true) GROUP BY ALL`,
			[join(NATIONAL_INPUTS.cityStreet, '*.csv')]
		);
		const gen = new Map(
			(await runner.rows<{ t: string; q: number }>(`SELECT "Crime type" AS t, count(*) / sum(count(*)) OVER () AS q FROM gen GROUP BY ALL`)).map((r) => [r.t, r.q])
		);
		expect(real).toHaveLength(14);
		expect([...gen.keys()].sort()).toEqual(real.map((r) => r.t).sort());
		const n = 2 * ROWS;
		for (const { t, p } of real) {
			const tolerance = 4 * Math.sqrt((p * (1 - p)) / n);
			expect(Math.abs(gen.get(t)! - p), `${t}: generated ${gen.get(t)}, real ${p}, tolerance ${tolerance}`).toBeLessThanOrEqual(tolerance);
		}
		const [{ bad }] = await runner.rows<{ bad: number }>(
			`SELECT count(*)::INTEGER AS bad FROM gen WHERE ("Crime type" = 'Anti-social behaviour') <> ("Crime ID" IS NULL) OR NOT coalesce(regexp_full_match("Crime ID", '[0-9a-f]{64}'), true)`
		);
		expect(bad).toBe(0);
		// No Crime ID repeats, within a month or across files (the builder would quarantine a repeat).
		const [{ ids, distinct }] = await runner.rows<{ ids: number; distinct: number }>(
			`SELECT count("Crime ID")::INTEGER AS ids, count(DISTINCT "Crime ID")::INTEGER AS distinct FROM gen`
		);
		expect(ids).toBeGreaterThan(ROWS);
		expect(distinct).toBe(ids);
	});
});
