/**
 * The shared helpers, with values worked by hand, and the IN-list run on real rows: the City of
 * London's street crime sample through DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { allOf, hourOfWeekLabel, inList, isMonthKey, monthIndex, monthKey, num, numOrNull, placeholders } from './index';

describe('month index ↔ YYYY-MM', () => {
	it('converts both ways (2019 × 12 + 5 = 24233)', () => {
		expect(monthIndex('2019-06')).toBe(24233);
		expect(monthIndex('2020-01')).toBe(24240);
		expect(monthKey(24233)).toBe('2019-06');
		expect(monthKey(24239)).toBe('2019-12');
		expect(monthKey(24240)).toBe('2020-01');
		for (let i = 24000; i < 24300; i++) expect(monthIndex(monthKey(i))).toBe(i);
	});
	it('rejects what is not a month', () => {
		for (const bad of ['2019-6', '2019-13', '2019-00', '2019-06-01', '', 'June 2019']) {
			expect(() => monthIndex(bad)).toThrow(RangeError);
			expect(isMonthKey(bad)).toBe(false);
		}
		expect(() => monthKey(24233.5)).toThrow(RangeError);
		expect(() => monthKey(-1)).toThrow(RangeError);
		expect(() => monthKey(Number.NaN)).toThrow(RangeError);
	});
});

describe('num', () => {
	it('reads numbers, NULL as 0 (numOrNull: null), booleans and numeric text', () => {
		expect(num(3.5)).toBe(3.5);
		expect(num(null)).toBe(0);
		expect(num(undefined)).toBe(0);
		expect(num(true)).toBe(1);
		expect(num('42')).toBe(42);
		expect(numOrNull(null)).toBeNull();
		expect(numOrNull(undefined)).toBeNull();
		expect(numOrNull(0)).toBe(0);
		expect(numOrNull('7')).toBe(7);
	});
	it('throws on text that is not a number instead of passing NaN on', () => {
		expect(() => num('abc')).toThrow(TypeError);
		expect(() => numOrNull('abc')).toThrow(TypeError);
	});
});

describe('hourOfWeekLabel', () => {
	it('names the hour covered, as the extract schema documents it', () => {
		expect(hourOfWeekLabel(0)).toBe('Monday 00:00–00:59');
		expect(hourOfWeekLabel(25)).toBe('Tuesday 01:00–01:59');
		expect(hourOfWeekLabel(167)).toBe('Sunday 23:00–23:59');
		expect(() => hourOfWeekLabel(168)).toThrow(RangeError);
		expect(() => hourOfWeekLabel(-1)).toThrow(RangeError);
	});
});

describe('inList', () => {
	it('states what an empty list means', () => {
		expect(placeholders(3)).toBe('?, ?, ?');
		expect(inList('category', ['a', 'b'], 'all')).toEqual({ sql: 'category IN (?, ?)', params: ['a', 'b'] });
		expect(inList('category', [], 'all')).toEqual({ sql: 'true', params: [] });
		expect(inList('category', [], 'none')).toEqual({ sql: 'false', params: [] });
		expect(allOf([{ sql: 'a = ?', params: [1] }, inList('c', [], 'all'), inList('d', ['x'], 'none')])).toEqual({ sql: 'a = ? AND d IN (?)', params: [1, 'x'] });
		expect(allOf([inList('c', [], 'all')])).toEqual({ sql: 'true', params: [] });
	});

	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
		await runner.exec(
			"CREATE TABLE street AS SELECT \"Crime type\" AS category FROM read_csv('sample-data/police-uk/city-of-london/street/2017-12-city-of-london-street.csv', header = true, all_varchar = true)"
		);
	});
	afterAll(() => runner?.close());

	it('counts the same rows in DuckDB as a filter in JavaScript does, for each meaning of empty', async () => {
		const all = (await runner.rows<{ category: string }>('SELECT category FROM street')).map((r) => r.category);
		expect(all.length).toBeGreaterThan(0);
		const count = async (part: { sql: string; params: unknown[] }) =>
			num((await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM street WHERE ${part.sql}`, part.params as never))[0].n);
		const chosen = ['Theft from the person', 'Bicycle theft'];
		expect(all.filter((c) => chosen.includes(c)).length).toBeGreaterThan(0);
		expect(await count(inList('category', chosen, 'none'))).toBe(all.filter((c) => chosen.includes(c)).length);
		expect(await count(inList('category', [], 'all'))).toBe(all.length);
		expect(await count(inList('category', [], 'none'))).toBe(0);
	});
});
