/**
 * The calendar of an hourly series: which local date, hour of week and public holiday each step
 * falls on, and the day of the year's Fourier terms. Steps are local wall-clock hours from
 * `start` (see series.ts: no DST shift), so step t is `addHours(start, t)`.
 *
 * Holidays come from a declared calendar file in models/calendar (schema
 * models/schema/calendar.schema.json): `holidaySet` turns one into the set of dates the
 * regression treats like Sundays.
 */
import type { QueryRunner } from '../runner';
import { hasColumn, num } from '../shared';
import { hourOfWeekOf, type TimestampedTable } from './series';

/** What a forecast knows about the dates of its series. */
export interface SeriesCalendar {
	/** Local wall-clock start of step 0, 'YYYY-MM-DDTHH:MM:SS' (an hour boundary). */
	start: string;
	/** Observed public holidays (YYYY-MM-DD, local dates); empty or absent: none. */
	holidays?: ReadonlySet<string>;
	/** Name of the holiday calendar, for explanations (e.g. "US federal holidays (days observed), 2010–2027"). */
	holidayCalendar?: string;
	/** Dates the holiday list is complete for; outside, no holidays are assumed. */
	holidaysFrom?: string;
	holidaysTo?: string;
}

/** A holiday calendar model file (models/calendar/*.json); only the fields used here. */
export interface HolidayCalendarModel {
	id: string;
	title: string;
	from: string;
	to: string;
	holidays: readonly { date: string; name: string }[];
}

/** The calendar fields of a SeriesCalendar from a holiday model file. */
export function holidaySet(model: HolidayCalendarModel): Pick<SeriesCalendar, 'holidays' | 'holidayCalendar' | 'holidaysFrom' | 'holidaysTo'> {
	return { holidays: new Set(model.holidays.map((h) => h.date)), holidayCalendar: model.title, holidaysFrom: model.from, holidaysTo: model.to };
}

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.25;

/** Per-step calendar columns for steps from … to − 1. */
export interface CalendarColumns {
	/** Hour of week 0 (Monday 00:00) … 167 of each step. */
	hourOfWeek: Int32Array;
	/** 1 when the step's date is a holiday, else 0. */
	holiday: Uint8Array;
	/** Day of year − 1 + hour/24 (0 … 365.x), for the Fourier terms. */
	dayOfYear: Float64Array;
}

/**
 * Hour of week, holiday flag and fractional day of year for steps `from … to − 1` of a series
 * starting at `calendar.start`. Dates are computed once per day, not per hour. Throws a
 * RangeError for a start that is not a local hour 'YYYY-MM-DDTHH…'.
 */
export function calendarColumns(calendar: SeriesCalendar, from: number, to: number): CalendarColumns {
	const startMs = Date.parse(`${calendar.start.slice(0, 13)}:00:00Z`);
	if (Number.isNaN(startMs)) throw new RangeError(`calendar start must be a local hour YYYY-MM-DDTHH:MM:SS, got "${calendar.start}"`);
	const n = Math.max(0, to - from);
	const how0 = hourOfWeekOf(calendar.start);
	const hourOfWeek = new Int32Array(n);
	const holiday = new Uint8Array(n);
	const dayOfYear = new Float64Array(n);
	let dayKey = -1;
	let isHoliday = 0;
	let doy0 = 0;
	for (let i = 0; i < n; i++) {
		const t = from + i;
		const ms = startMs + t * 3_600_000;
		const day = Math.floor(ms / DAY_MS);
		if (day !== dayKey) {
			dayKey = day;
			const d = new Date(day * DAY_MS);
			const iso = d.toISOString().slice(0, 10);
			isHoliday = calendar.holidays?.has(iso) ? 1 : 0;
			doy0 = (day * DAY_MS - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS;
		}
		const hour = ((ms / 3_600_000) % 24 + 24) % 24;
		hourOfWeek[i] = (((how0 + t) % 168) + 168) % 168;
		holiday[i] = isHoliday;
		dayOfYear[i] = doy0 + hour / 24;
	}
	return { hourOfWeek, holiday, dayOfYear };
}

/** sin and cos of 2πk·dayOfYear/365.25 for k = 1 … harmonics, as 2·harmonics columns (sin₁, cos₁, sin₂, …). */
export function fourierColumns(dayOfYear: ArrayLike<number>, harmonics: number): Float64Array[] {
	const out: Float64Array[] = [];
	for (let k = 1; k <= harmonics; k++) {
		const s = new Float64Array(dayOfYear.length);
		const c = new Float64Array(dayOfYear.length);
		for (let i = 0; i < dayOfYear.length; i++) {
			const a = (2 * Math.PI * k * dayOfYear[i]) / YEAR_DAYS;
			s[i] = Math.sin(a);
			c[i] = Math.cos(a);
		}
		out.push(s, c);
	}
	return out;
}

/** The declared holiday calendars (files in models/calendar) a series can be forecast with. */
export type HolidayCalendarKey = 'GB-EAW' | 'US';

/**
 * Which declared calendar a timestamped series is forecast with, and why: US federal holidays
 * for timestamped incidents located in the Americas (median longitude below −30°, e.g. the
 * Chicago sample), else the bank holidays of England and Wales (police.uk data; stop and search
 * and records without coordinates included). One rule for the Forecast page and
 * `npm run forecast --calendar auto`.
 */
export async function chooseHolidayCalendar(runner: QueryRunner, table: TimestampedTable): Promise<{ key: HolidayCalendarKey; why: string }> {
	if (table !== 'events' || !(await hasColumn(runner, 'events', 'longitude'))) return { key: 'GB-EAW', why: 'police.uk / UK data' };
	const [r] = await runner.rows<{ lon: number | null }>(`SELECT median(longitude) AS lon FROM events WHERE longitude IS NOT NULL`);
	const lon = r?.lon === null || r?.lon === undefined ? null : num(r.lon);
	if (lon === null) return { key: 'GB-EAW', why: 'no coordinates; the UK default' };
	if (lon < -30) return { key: 'US', why: `records in the Americas (median longitude ${lon.toFixed(1)})` };
	return { key: 'GB-EAW', why: `median longitude ${lon.toFixed(1)}` };
}
