/**
 * UK civil time in plain SQL (time.ts), run in a real DuckDB and checked against the
 * platform's own time-zone database (Intl.DateTimeFormat, Europe/London) and JavaScript's own
 * ISO 8601 parser (Date.parse). The hand-worked cases use the 2018 and 2019 changes: summer
 * time began 2018-03-25 and 2019-03-31 and ended 2018-10-28 and 2019-10-27, at 01:00 UTC.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { hourOfWeekSql, isoWithOffsetToUtcSql, ukLocalTimeSql } from './time';

const LONDON = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
	weekday: 'short',
	hourCycle: 'h23'
});
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Wall clock in London ("YYYY-MM-DD HH:MM:SS") and hour of week, from the platform's tz data. */
function london(ms: number): { local: string; how: number } {
	const p = Object.fromEntries(LONDON.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
	return {
		local: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`,
		how: WEEKDAYS.indexOf(p.weekday) * 24 + Number(p.hour)
	};
}

let db: NodeRunner;
beforeAll(async () => {
	db = await createNodeRunner();
});
afterAll(() => db.close());

/** Every instant of a generate_series, with its UK local time and hour of week from the SQL. */
async function sqlLocal(from: string, to: string, step: string) {
	return db.columns(
		`SELECT epoch_ms(t) AS ms, strftime(l, '%Y-%m-%d %H:%M:%S') AS local, ${hourOfWeekSql('l')} AS how
		 FROM (SELECT t, ${ukLocalTimeSql('t')} AS l FROM generate_series(TIMESTAMP '${from}', TIMESTAMP '${to}', INTERVAL ${step}) g(t))`
	);
}

function mismatches(cols: Awaited<ReturnType<typeof sqlLocal>>) {
	const bad: string[] = [];
	const ms = cols.ms as number[];
	for (let i = 0; i < ms.length; i++) {
		const want = london(ms[i]);
		if (cols.local[i] !== want.local || cols.how[i] !== want.how) {
			bad.push(`${new Date(ms[i]).toISOString()}: sql ${cols.local[i]} h${cols.how[i]}, tz data ${want.local} h${want.how}`);
		}
	}
	return bad;
}

describe('ukLocalTimeSql and hourOfWeekSql: hand-worked instants', () => {
	it.each([
		// utc, local, hour of week (Monday 00:00 = 0)
		['2018-01-01 00:55:00', '2018-01-01 00:55:00', 0], // Monday, winter
		['2018-01-07 23:59:59', '2018-01-07 23:59:59', 167], // Sunday
		['2018-03-25 00:59:59', '2018-03-25 00:59:59', 144], // last second of GMT (Sunday)
		['2018-03-25 01:00:00', '2018-03-25 02:00:00', 146], // first second of BST: 01:xx local is skipped
		['2018-06-13 12:00:00', '2018-06-13 13:00:00', 61], // Wednesday, summer
		['2018-07-01 23:30:00', '2018-07-02 00:30:00', 0], // Sunday in UTC, already Monday in London
		['2018-10-28 00:59:59', '2018-10-28 01:59:59', 145], // last second of BST
		['2018-10-28 01:00:00', '2018-10-28 01:00:00', 145], // first second of GMT: 01:xx local again
		['2018-12-31 23:30:00', '2018-12-31 23:30:00', 23],
		['2019-03-31 00:30:00', '2019-03-31 00:30:00', 144],
		['2019-03-31 01:30:00', '2019-03-31 02:30:00', 146],
		['2019-10-27 00:30:00', '2019-10-27 01:30:00', 145],
		['2019-10-27 01:30:00', '2019-10-27 01:30:00', 145]
	])('%s UTC → %s London, hour of week %i', async (utc, local, how) => {
		const [row] = await db.rows(
			`SELECT strftime(l, '%Y-%m-%d %H:%M:%S') AS local, ${hourOfWeekSql('l')} AS how
			 FROM (SELECT ${ukLocalTimeSql('t')} AS l FROM (SELECT CAST(? AS TIMESTAMP) AS t))`,
			[utc]
		);
		expect(row).toEqual({ local, how });
		// The hand-worked value agrees with the platform's time-zone data.
		expect(london(Date.parse(utc.replace(' ', 'T') + 'Z'))).toEqual({ local, how });
	});
});

describe('ukLocalTimeSql and hourOfWeekSql agree with the platform time-zone data', () => {
	it.each([
		['2018-03-24 22:00:00', '2018-03-25 04:00:00'],
		['2018-10-27 22:00:00', '2018-10-28 04:00:00'],
		['2019-03-30 22:00:00', '2019-03-31 04:00:00'],
		['2019-10-26 22:00:00', '2019-10-27 04:00:00']
	])('every minute from %s to %s UTC (either side of a change)', async (from, to) => {
		const cols = await sqlLocal(from, to, '1 MINUTE');
		expect(cols.ms.length).toBe(6 * 60 + 1);
		expect(mismatches(cols)).toEqual([]);
	});

	it('every 10 minutes through 2018 and 2019', async () => {
		const cols = await sqlLocal('2018-01-01 00:00:00', '2019-12-31 23:50:00', '10 MINUTE');
		expect(cols.ms.length).toBe(730 * 24 * 6);
		expect(mismatches(cols)).toEqual([]);
	});

	it('every 97 minutes from 1996 to 2037 (the rule the doc comment claims)', async () => {
		const cols = await sqlLocal('1996-01-01 00:00:00', '2037-12-31 23:00:00', '97 MINUTE');
		expect(cols.ms.length).toBeGreaterThan(200_000);
		expect(mismatches(cols)).toEqual([]);
	});
});

describe('isoWithOffsetToUtcSql', () => {
	const utcOf = async (text: string) => {
		const [row] = await db.rows<{ ms: number | null }>(`SELECT epoch_ms(${isoWithOffsetToUtcSql('t')}) AS ms FROM (SELECT CAST(? AS VARCHAR) AS t)`, [text]);
		return row.ms;
	};

	it.each([
		['2018-01-01T00:55:00+00:00', '2018-01-01T00:55:00.000Z'],
		['2018-06-01T12:00:00+01:00', '2018-06-01T11:00:00.000Z'],
		['2018-06-01T00:30:00+01:00', '2018-05-31T23:30:00.000Z'], // offset moves the date back
		['2019-03-31T02:30:00Z', '2019-03-31T02:30:00.000Z'],
		['2018-12-31T23:00:00-05:30', '2019-01-01T04:30:00.000Z'], // negative offset with minutes
		['2020-02-29T23:59:59+00:00', '2020-02-29T23:59:59.000Z'], // leap day
		['2018-06-01T12:00:00.750+01:00', '2018-06-01T11:00:00.000Z'] // fraction dropped
	])('%s → %s', async (text, iso) => {
		expect(await utcOf(text)).toBe(Date.parse(iso));
		// Independent check with JavaScript's ISO parser (to the whole second).
		expect(Math.floor(Date.parse(text) / 1000) * 1000).toBe(Date.parse(iso));
	});

	it.each([['2018-02-30T10:00:00+00:00'], ['2018-01-01T25:00:00+00:00'], ['not a date'], ['']])('%j → NULL', async (text) => {
		expect(await utcOf(text)).toBeNull();
	});

	it('every Date of the real stop-and-search sample: UTC as Date.parse, local time and hour of week as the tz data', async () => {
		const cols = await db.columns(
			`SELECT "Date" AS text, epoch_ms(u) AS ms, strftime(l, '%Y-%m-%d %H:%M:%S') AS local, ${hourOfWeekSql('l')} AS how
			 FROM (SELECT "Date", u, ${ukLocalTimeSql('u')} AS l FROM (
			   SELECT "Date", ${isoWithOffsetToUtcSql('"Date"')} AS u
			   FROM read_csv('sample-data/police-uk/city-of-london/stop-and-search/*.csv', all_varchar = true, header = true)))`
		);
		const texts = cols.text as string[];
		expect(texts.length).toBeGreaterThan(3000);
		// police.uk writes these in UTC (+00:00); summer rows, an hour ahead in London, occur too.
		expect(texts.every((t) => t.endsWith('+00:00'))).toBe(true);
		const summer = texts.filter((t, i) => cols.local[i] !== t.slice(0, 19).replace('T', ' ')).length;
		expect(summer).toBeGreaterThan(1000);
		const bad: string[] = [];
		texts.forEach((text, i) => {
			const ms = Date.parse(text);
			const want = london(ms);
			if (cols.ms[i] !== ms || cols.local[i] !== want.local || cols.how[i] !== want.how) bad.push(text);
		});
		expect(bad).toEqual([]);
	});
});
