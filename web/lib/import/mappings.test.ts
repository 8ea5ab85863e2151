/**
 * The mapping step's starting point for a file the format detection leaves to the user: which
 * dataset it is offered as (calls or recorded crimes) and which columns prefill the fields, with
 * the headers of the RMS and CAD exports of a force's own data.
 */
import { describe, expect, it } from 'vitest';
import { detectSource } from '$analytics/ingest/detect';
import { prefillMapping, suggestFormat } from './mappings';

const RMS = ['Crime Reference', 'Committed Date/Time', 'HO Code', 'Easting', 'Northing'];
const RMS_WALK = ['Crime Reference', 'Committed Date/Time', 'HO Offence Code', 'Easting', 'Northing', 'Location', 'Notes'];
const CAD = ['Incident Number', 'Call Date Time', 'Call Type', 'Grade', 'Easting', 'Northing'];

describe('an RMS export of recorded crimes', () => {
	it('is detected as month-resolution incidents: Crime Reference is the incident id, Committed Date/Time the month, HO Code the offence code', () => {
		for (const header of [RMS, RMS_WALK]) {
			const d = detectSource(header.join(','), 'rms.csv');
			expect(d.ok).toBe(true);
			if (!d.ok) continue;
			expect(d.kind).toBe('month-incidents');
			const bound = Object.fromEntries(d.bindings.filter((b) => b.index >= 0).map((b) => [b.key, b.header]));
			expect(bound).toMatchObject({ incident_id: 'Crime Reference', month: 'Committed Date/Time', offence_code: header[2] });
		}
	});

	it('is offered as recorded crimes with its id, month, offence code and grid coordinates prefilled', () => {
		expect(suggestFormat(RMS)).toBe('month-incidents');
		expect(prefillMapping('month-incidents', RMS)).toEqual({
			incident_id: 'Crime Reference',
			month: 'Committed Date/Time',
			longitude: 'Easting',
			latitude: 'Northing',
			offence_code: 'HO Code'
		});
	});

	it('other crime-like headers are offered as recorded crimes; a file with a call type or grade, or nothing crime-like, as calls', () => {
		expect(suggestFormat(['Crime Number', 'When', 'What'])).toBe('month-incidents');
		expect(suggestFormat(['Ref', 'Date Committed', 'Offence'])).toBe('month-incidents');
		expect(suggestFormat(['Ref', 'Reported', 'HOC'])).toBe('month-incidents');
		expect(suggestFormat(CAD)).toBe('events');
		expect(suggestFormat(['Crime Reference', 'Call Type', 'When'])).toBe('events');
		expect(suggestFormat(['Ref', 'When', 'Where'])).toBe('events');
	});
});
