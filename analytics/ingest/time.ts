/**
 * UK civil time in plain SQL. DuckDB-wasm ships without the ICU extension offline, so time
 * zones cannot be used there; UK summer time has followed one rule since 1981/1996 (EU
 * directive 2000/84/EC): it starts at 01:00 UTC on the last Sunday of March and ends at
 * 01:00 UTC on the last Sunday of October. Tested against the platform's own time-zone data.
 */
import { tryStrptimeSql } from './sql';

/** SQL for the instant summer time starts (TIMESTAMP, UTC) in the year of `utc`. */
function lastSundayAt1Utc(utc: string, month: 3 | 10): string {
	const lastDay = `make_date(year(${utc}), ${month}, 31)`;
	return `(${lastDay} - to_days(CAST(isodow(${lastDay}) % 7 AS INTEGER)) + INTERVAL 1 HOUR)`;
}

/**
 * Convert a UTC TIMESTAMP expression to UK local wall-clock time (TIMESTAMP without zone).
 * Edge cases: at the spring change 01:00 UTC becomes 02:00 local; at the autumn change the
 * local hour 01:00–01:59 happens twice and both map correctly from UTC. Valid from 1996 on.
 */
export function ukLocalTimeSql(utc: string): string {
	const start = lastSundayAt1Utc(utc, 3);
	const end = lastSundayAt1Utc(utc, 10);
	return `(${utc} + CASE WHEN ${utc} >= ${start} AND ${utc} < ${end} THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END)`;
}

/**
 * Hour of week of a local TIMESTAMP: 0 = Monday 00:00–00:59 … 167 = Sunday 23:00–23:59.
 */
export function hourOfWeekSql(local: string): string {
	return `CAST((isodow(${local}) - 1) * 24 + hour(${local}) AS INTEGER)`;
}

/**
 * Parse an ISO 8601 text with a UTC offset (`2018-01-01T00:55:00+01:00`, or `Z`) into a UTC
 * TIMESTAMP, without time-zone support: wall clock minus the stated offset. Seconds' fractions
 * are dropped. NULL when the text does not parse.
 */
export function isoWithOffsetToUtcSql(text: string): string {
	const wall = tryStrptimeSql(`substr(${text}, 1, 19)`, ['%Y-%m-%dT%H:%M:%S']);
	const tail = `regexp_extract(${text}, '(Z|[+-][0-9]{2}:[0-9]{2})$')`;
	const minutes = `CASE WHEN ${tail} IN ('Z', '') THEN 0 ELSE (CASE WHEN substr(${tail}, 1, 1) = '-' THEN -1 ELSE 1 END) * (CAST(substr(${tail}, 2, 2) AS INTEGER) * 60 + CAST(substr(${tail}, 5, 2) AS INTEGER)) END`;
	return `(${wall} - to_minutes(CAST(${minutes} AS BIGINT)))`;
}
