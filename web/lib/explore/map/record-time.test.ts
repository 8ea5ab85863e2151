/**
 * The records table's times, on rows of the raw files in ../shared/data:
 * - Chicago aggravated assaults, line 73: "2010-01-02 11:36" (local wall-clock, no zone);
 * - City of London stop and search 2019-08, line 150: "2019-08-27T00:00:12+00:00", 01:00:12 in
 *   British Summer Time (UTC+1); 2018-12, line 8: "2018-12-02T22:04:35+00:00", the same clock time
 *   in UK winter time (UTC+0).
 */
import { describe, expect, it } from 'vitest';
import { recordTime } from './record-time';

describe('recordTime', () => {
	it('shows an incident time as the source wrote it, never as UTC', () => {
		// The runner's form of TIMESTAMP '2010-01-02 11:36:00'.
		expect(recordTime('2010-01-02T11:36:00.000Z', 'events')).toBe('2010-01-02 11:36');
		expect(recordTime(new Date('2010-01-02T11:36:00.000Z'), 'events')).toBe('2010-01-02 11:36');
		expect(recordTime('2010-01-02T11:36:45.000Z', 'events')).toBe('2010-01-02 11:36:45');
	});

	it('shows a search in UK local time: summer time adds an hour, winter none', () => {
		expect(recordTime('2019-08-27T00:00:12.000Z', 'stop_search')).toBe('2019-08-27 01:00:12');
		expect(recordTime('2018-12-02T22:04:35.000Z', 'stop_search')).toBe('2018-12-02 22:04:35');
		// 2018-06, line 17: "2018-06-08T23:23:25+00:00", already the next day in the UK.
		expect(recordTime('2018-06-08T23:23:25.000Z', 'stop_search')).toBe('2018-06-09 00:23:25');
	});

	it('leaves what is not a time as text', () => {
		expect(recordTime(null, 'events')).toBe('');
		expect(recordTime('not a time', 'stop_search')).toBe('not a time');
	});
});
