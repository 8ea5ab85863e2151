/**
 * Date-time parsing with the sentinel (tryStrptimeSql): the same values as DuckDB's own
 * try_strptime over the same formats, worked by hand for each layout, including texts shorter
 * than the first format tried (the case that made DuckDB read past the end of the text).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { genericTimestampSql, monthOfDateSql, TIMESTAMP_FORMATS } from './rules';
import { literal } from './sql';
import { isoWithOffsetToUtcSql } from './time';

let db: NodeRunner;
beforeAll(async () => {
	db = await createNodeRunner();
});
afterAll(() => db.close());

/** Each text with what it must parse to (hand-worked; null = refused). */
const CASES: [string, string | null][] = [
	['2019-04-01 12:00:07', '2019-04-01 12:00:07'],
	['2019-04-01 12:00', '2019-04-01 12:00:00'],
	['2019-04-01T23:59:59', '2019-04-01 23:59:59'],
	['2019-04-01T23:59', '2019-04-01 23:59:00'],
	['04/03/2019 10:30:15', '2019-03-04 10:30:15'],
	['04/03/2019 10:30', '2019-03-04 10:30:00'],
	['2019-04-01', '2019-04-01 00:00:00'],
	['2019-04-01 12:00:07Z', '2019-04-01 12:00:07'],
	['2019-04-01T12:00:07.250+01:00', '2019-04-01 12:00:07'],
	['2019-04-01 12:00:07|', null],
	['2019-04-01 12:0', '2019-04-01 12:00:00'],
	['2019-04-01 12:', null],
	['2019-04-01 ', '2019-04-01 00:00:00'],
	['2019-04-0', null],
	['2019-02-30 10:00', null],
	['03/13/2019 10:00', null],
	['last Tuesday', null],
	['', null]
];

async function parsed(sql: (column: string) => string, texts: readonly string[]): Promise<(string | null)[]> {
	await db.exec(`CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM (VALUES ${texts.map((x, i) => `(${i}, ${literal(x)})`).join(', ')}) v(i, x)`);
	const rows = await db.rows<{ v: string | null }>(`SELECT strftime(${sql('x')}, '%Y-%m-%d %H:%M:%S') AS v FROM t ORDER BY i`);
	return rows.map((r) => r.v);
}

describe('date-time parsing with a sentinel', () => {
	it('generic timestamps: every layout parses to its hand-worked value, short and long texts refused as before', async () => {
		expect(await parsed(genericTimestampSql, CASES.map(([x]) => x))).toEqual(CASES.map(([, want]) => want));
	});

	it('gives exactly what DuckDB try_strptime gives over the same formats', async () => {
		const texts = CASES.map(([x]) => x).filter((x) => !x.includes('Z') && !x.includes('+'));
		const plain = (c: string) => `try_strptime(trim(${c}), [${TIMESTAMP_FORMATS.map(literal).join(', ')}])`;
		expect(await parsed(genericTimestampSql, texts)).toEqual(await parsed(plain, texts));
	});

	it('months of dates and ISO texts with an offset', async () => {
		const months = await db.rows<{ m: string | null }>(
			`SELECT ${monthOfDateSql('x')} AS m FROM (VALUES (1, '2019-04'), (2, '04/03/2019'), (3, '2019-04-30 23:00'), (4, '03/13/2019'), (5, '2019-04-3'), (6, '2019-04-')) v(i, x) ORDER BY i`
		);
		expect(months.map((r) => r.m)).toEqual(['2019-04', '2019-03', '2019-04', null, '2019-04', null]);
		const utc = await db.rows<{ u: string | null }>(
			`SELECT strftime(${isoWithOffsetToUtcSql('x')}, '%Y-%m-%d %H:%M:%S') AS u FROM (VALUES (1, '2018-01-01T00:55:00+01:00'), (2, '2018-06-30T12:00:00Z'), (3, '2018-06-30T12:00')) v(i, x) ORDER BY i`
		);
		expect(utc.map((r) => r.u)).toEqual(['2017-12-31 23:55:00', '2018-06-30 12:00:00', null]);
	});
});
