import { describe, expect, it } from 'vitest';
import { forecastSettingsNotes, parseForecastSettings, parsePoliceFound, policeFoundSettingLine, policeFoundSettingNote, withPoliceFound } from './demand';
import { hourOfWeekSummary } from './hour-of-week';
import { hourOfWeekLabel } from '$analytics/shared';

describe('parseForecastSettings', () => {
	// The default series is reactive demand (timestamped incidents / calls for service), never stop
	// and search, which is police activity and is forecast only when the URL names it.
	it.each([
		['', { source: 'events', weeks: 2, method: 'auto', policeFound: 'exclude' }],
		['series=events&weeks=4&method=poisson', { source: 'events', weeks: 4, method: 'poisson', policeFound: 'exclude' }],
		['series=stop_search&weeks=3', { source: 'stop_search', weeks: 3, method: 'auto', policeFound: 'exclude' }],
		['series=incidents&weeks=9&method=magic', { source: 'events', weeks: 2, method: 'auto', policeFound: 'exclude' }],
		['weeks=1.5', { source: 'events', weeks: 2, method: 'auto', policeFound: 'exclude' }],
		['weeks=1&method=holt-winters', { source: 'events', weeks: 1, method: 'holt-winters', policeFound: 'exclude' }],
		// Records found by police activity counted as demand only when the link says so.
		['policefound=include', { source: 'events', weeks: 2, method: 'auto', policeFound: 'include' }],
		['series=stop_search&policefound=exclude', { source: 'stop_search', weeks: 2, method: 'auto', policeFound: 'exclude' }],
		['policefound=yes', { source: 'events', weeks: 2, method: 'auto', policeFound: 'exclude' }],
		['policefound=INCLUDE', { source: 'events', weeks: 2, method: 'auto', policeFound: 'exclude' }]
	])('%s', (query, expected) => {
		expect(parseForecastSettings(new URLSearchParams(query))).toEqual(expected);
	});

	it('says which URL values were not used, one sentence each; none for good or absent ones', () => {
		expect(forecastSettingsNotes(new URLSearchParams('series=stop_search&weeks=4&method=auto'))).toEqual([]);
		expect(forecastSettingsNotes(new URLSearchParams(''))).toEqual([]);
		const notes = forecastSettingsNotes(new URLSearchParams('series=incidents&weeks=9&method=magic'));
		expect(notes).toEqual([
			'The link\'s series "incidents" is not one this page forecasts: incidents and calls for service are used instead.',
			'The link\'s weeks ahead "9" must be a whole number from 1 to 4: 2 weeks are used instead.',
			'The link\'s method "magic" is not known: the method is chosen automatically instead.'
		]);
		expect(forecastSettingsNotes(new URLSearchParams('weeks=2.0'))).toHaveLength(1);
	});

	it('policefound: include or exclude, anything else falls back to leaving the records out, with a note naming the categories', () => {
		expect(forecastSettingsNotes(new URLSearchParams('policefound=include'))).toEqual([]);
		expect(forecastSettingsNotes(new URLSearchParams('policefound=exclude'))).toEqual([]);
		const note = 'The link\'s policefound "1" must be "include" or "exclude": records found mostly by police activity (Drugs and Possession of weapons) are not counted as demand instead.';
		expect(forecastSettingsNotes(new URLSearchParams('weeks=9&policefound=1'))).toEqual(['The link\'s weeks ahead "9" must be a whole number from 1 to 4: 2 weeks are used instead.', note]);
		expect(policeFoundSettingNote(new URLSearchParams('policefound=1'))).toBe(note);
		expect(policeFoundSettingNote(new URLSearchParams('policefound='))).toBe(note.replace('"1"', '""'));
		expect(policeFoundSettingNote(new URLSearchParams('series=events'))).toBeNull();
	});

	it('writes the setting to the link only when on, keeping every other parameter', () => {
		const on = withPoliceFound(new URLSearchParams('series=events&weeks=3&staff_minutes=120'), 'include');
		expect(on.toString()).toBe('series=events&weeks=3&staff_minutes=120&policefound=include');
		expect(parsePoliceFound(on)).toBe('include');
		const off = withPoliceFound(on, 'exclude');
		expect(off.toString()).toBe('series=events&weeks=3&staff_minutes=120');
		expect(parsePoliceFound(off)).toBe('exclude');
		// An unusable value is dropped when the setting is written.
		expect(withPoliceFound(new URLSearchParams('policefound=yes'), 'exclude').toString()).toBe('');
	});

	it('a line naming the setting for the printed page', () => {
		expect(policeFoundSettingLine('exclude')).toBe('Records found mostly by police activity (Drugs, Possession of weapons): not counted as demand (the default).');
		expect(policeFoundSettingLine('include')).toBe('Records found mostly by police activity (Drugs, Possession of weapons): counted as demand (setting on).');
	});
});

describe('hourOfWeekSummary', () => {
	it('averages the forecast over the weeks at each hour of week and the history likewise', () => {
		// Two forecast weeks starting Monday 2019-11-25 00:00: hour h of week w has value w * 10 + (h === 0 ? 1 : 0).
		const timestamps = Array.from({ length: 336 }, (_, i) => new Date(Date.parse('2019-11-25T00:00:00Z') + i * 3_600_000).toISOString().slice(0, 19));
		const mean = timestamps.map((_, i) => Math.floor(i / 168) * 10 + (i % 168 === 0 ? 1 : 0));
		const history = { start: '2019-11-18T00:00:00', values: Array.from({ length: 168 }, (_, i) => (i === 167 ? 4 : 0)) };
		const rows = hourOfWeekSummary({ timestamps, mean, hi80: mean }, history);
		expect(rows).toHaveLength(168);
		expect(rows[0]).toEqual({ hourOfWeek: 0, mean: 6, hi80: 6, historicMean: 0 });
		expect(rows[1].mean).toBe(5);
		expect(rows[167].historicMean).toBe(4);
	});

	it('labels hours of week from Monday 00:00, each by the hour it covers (extract schema: 0 = Monday 00:00–00:59)', () => {
		expect(hourOfWeekLabel(0)).toBe('Monday 00:00–00:59');
		expect(hourOfWeekLabel(167)).toBe('Sunday 23:00–23:59');
	});
});
