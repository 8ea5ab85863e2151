/**
 * Public-holiday calendars: each file passes models/schema/calendar.schema.json, every schema
 * property is described, dates are sorted, unique and inside from … to, and the days agree with
 * published lists: GOV.UK "UK bank holidays" (https://www.gov.uk/bank-holidays) for England and
 * Wales, and OPM "Federal Holidays" (https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/)
 * for the United States, checked here for a few years by hand.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { undescribedProperties } from '../schema/undescribed';

const schema = JSON.parse(readFileSync('models/schema/calendar.schema.json', 'utf8'));
const files = readdirSync('models/calendar').filter((f) => f.endsWith('.json'));
const load = (file: string) => JSON.parse(readFileSync(join('models/calendar', file), 'utf8'));
const days = (file: string, year: number) => load(file).holidays.map((h: { date: string }) => h.date).filter((d: string) => d.startsWith(String(year)));

describe('holiday calendars', () => {
	const validate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(schema);

	it('has England & Wales and US calendars', () => {
		expect(files).toEqual(expect.arrayContaining(['england-wales-bank-holidays.json', 'us-federal-holidays.json']));
	});

	it.each(files)('%s passes the schema; dates sorted, unique, inside from … to', (file) => {
		const c = load(file);
		const ok = validate(c);
		expect(validate.errors ?? []).toEqual([]);
		expect(ok).toBe(true);
		const dates: string[] = c.holidays.map((h: { date: string }) => h.date);
		expect([...dates].sort()).toEqual(dates);
		expect(new Set(dates).size).toBe(dates.length);
		for (const d of dates) expect(d >= c.from && d <= c.to && !Number.isNaN(Date.parse(`${d}T00:00:00Z`))).toBe(true);
		expect(c.id).toBe(file.replace(/\.json$/, ''));
	});

	it('the schema rejects an unknown property or a bad date', () => {
		const c = load(files[0]);
		expect(validate({ ...c, surprise: 1 })).toBe(false);
		expect(validate({ ...c, holidays: [{ date: '1 Jan 2020', name: 'New Year' }] })).toBe(false);
	});

	it('every schema property has a description', () => expect(undescribedProperties(schema)).toEqual([]));

	// Published lists, copied by hand from GOV.UK (2012, 2020, 2022) and OPM (2015, 2021, 2022).
	it.each([
		[2012, ['2012-01-02', '2012-04-06', '2012-04-09', '2012-05-07', '2012-06-04', '2012-06-05', '2012-08-27', '2012-12-25', '2012-12-26']],
		[2020, ['2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28']],
		[2022, ['2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27']]
	])('England & Wales %i matches GOV.UK', (year, expected) => expect(days('england-wales-bank-holidays.json', year)).toEqual(expected));

	it.each([
		[2015, ['2015-01-01', '2015-01-19', '2015-02-16', '2015-05-25', '2015-07-03', '2015-09-07', '2015-10-12', '2015-11-11', '2015-11-26', '2015-12-25']],
		[2021, ['2021-01-01', '2021-01-18', '2021-02-15', '2021-05-31', '2021-06-18', '2021-07-05', '2021-09-06', '2021-10-11', '2021-11-11', '2021-11-25', '2021-12-24', '2021-12-31']],
		[2022, ['2022-01-17', '2022-02-21', '2022-05-30', '2022-06-20', '2022-07-04', '2022-09-05', '2022-10-10', '2022-11-11', '2022-11-24', '2022-12-26']]
	])('US %i matches OPM (days observed)', (year, expected) => expect(days('us-federal-holidays.json', year)).toEqual(expected));
});
