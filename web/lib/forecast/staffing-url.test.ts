import { describe, expect, it } from 'vitest';
import type { StaffingAssumptions } from '$analytics/staffing';
import defaultsFile from '../../../models/staffing/default.json';
import { defaultStaffingInputs, parseStaffingParams, staffingProblem, staffingSearch, STAFFING_PARAMS } from './staffing-url';

const d = defaultsFile as StaffingAssumptions;

describe('staffing assumptions in the URL', () => {
	it('the defaults are the model file’s values and write no parameter at all', () => {
		const inputs = defaultStaffingInputs(d);
		expect(inputs).toMatchObject({
			method: d.method,
			minutesOnTask: d.time_on_task_minutes.default,
			targetPercent: d.service_target.share * 100,
			shiftHours: d.shift.length_hours,
			shrinkagePercent: Math.round(d.shrinkage * 100 * 1e6) / 1e6,
			minimumOnDuty: d.minimum_on_duty,
			edits: {}
		});
		expect(staffingSearch(new URLSearchParams('source=city-of-london&series=events'), inputs, d).toString()).toBe('source=city-of-london&series=events');
		expect(parseStaffingParams(new URLSearchParams(''), d)).toEqual({ inputs, notes: [] });
	});

	it('every assumption and a category edit round-trip through the URL, other parameters kept', () => {
		const inputs = {
			...defaultStaffingInputs(d),
			method: 'workload' as const,
			staffTo: 'hi80' as const,
			minutesOnTask: 120,
			targetPercent: 85.5,
			withinMinutes: 20,
			shiftHours: 10,
			productiveHours: 7.5,
			shrinkagePercent: 25,
			minimumOnDuty: 3,
			mixWeeks: 4,
			useRecorded: !d.time_on_task_minutes.from_data!.use,
			minRecorded: 50,
			edits: { 'Violence and sexual offences': 200, 'Odd: a category with a colon': 30 }
		};
		const search = staffingSearch(new URLSearchParams('series=events&weeks=3'), inputs, d);
		expect(search.get('series')).toBe('events');
		expect(search.get('weeks')).toBe('3');
		expect(search.get('staff_method')).toBe('workload');
		expect(search.getAll('staff_time')).toEqual(['Violence and sexual offences:200', 'Odd: a category with a colon:30']);
		expect(parseStaffingParams(new URLSearchParams(search.toString()), d)).toEqual({ inputs, notes: [] });
		// Writing again replaces, never duplicates.
		expect(staffingSearch(search, inputs, d).toString()).toBe(search.toString());
		// Back to the defaults: every staffing parameter goes.
		const cleared = staffingSearch(search, defaultStaffingInputs(d), d);
		for (const p of STAFFING_PARAMS) expect(cleared.has(p)).toBe(false);
		expect(cleared.toString()).toBe('series=events&weeks=3');
	});

	it.each([
		['staff_minutes=abc', 'minutesOnTask', 'default time on task'],
		['staff_minutes=0', 'minutesOnTask', 'default time on task'],
		['staff_minutes=1e3', 'minutesOnTask', 'default time on task'],
		['staff_target=100', 'targetPercent', 'target share attended'],
		['staff_shift=25', 'shiftHours', 'shift length'],
		['staff_shrinkage=-5', 'shrinkagePercent', 'shrinkage'],
		['staff_minimum=2.5', 'minimumOnDuty', 'minimum on duty'],
		['staff_mix_weeks=', 'mixWeeks', 'weeks of category mix'],
		['staff_method=guess', 'method', 'staffing method'],
		['staff_to=peak', 'staffTo', '"staff to" choice'],
		['staff_recorded=yes', 'useRecorded', 'choice to use recorded times']
	] as const)('%s falls back to the default with a note', (query, key, name) => {
		const { inputs, notes } = parseStaffingParams(new URLSearchParams(query), d);
		expect(inputs[key]).toBe(defaultStaffingInputs(d)[key]);
		expect(notes).toHaveLength(1);
		expect(notes[0]).toMatch(new RegExp(`^The link's ${name.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')} \\(`));
		expect(notes[0]).toContain('the default');
		expect(staffingProblem(inputs)).toBeNull();
	});

	it('productive hours longer than the shift: both back to the defaults, with a note; a bad category time is dropped with a note', () => {
		const { inputs, notes } = parseStaffingParams(new URLSearchParams('staff_shift=6&staff_productive=7&staff_time=Burglary&staff_time=Robbery:0&staff_time=Burglary:100'), d);
		expect(inputs.shiftHours).toBe(d.shift.length_hours);
		expect(inputs.productiveHours).toBe(d.shift.productive_hours);
		expect(inputs.edits).toEqual({ Burglary: 100 });
		expect(notes).toHaveLength(3);
		expect(notes[0]).toContain('longer than its shift (6 hours)');
		expect(notes[1]).toContain('"Burglary"');
		expect(notes[2]).toContain('"Robbery:0"');
	});

	it('the page’s checks: a category time out of range and productive hours above the shift are problems', () => {
		const base = defaultStaffingInputs(d);
		expect(staffingProblem(base)).toBeNull();
		expect(staffingProblem({ ...base, edits: { Burglary: 0 } })).toBe('Time on task for Burglary must be between 1 and 1,440 minutes.');
		expect(staffingProblem({ ...base, shiftHours: 6, productiveHours: 7 })).toBe('Productive hours must be at least 0.5 and no more than the shift length.');
		expect(staffingProblem({ ...base, minutesOnTask: null })).toBe('The default time on task must be between 1 and 1,440 minutes.');
	});
});
