/**
 * Officers per hour from a forecast, worked by hand on top of the Erlang C example of
 * erlang-c.test.ts (Call Centre Helper: 200 per hour × 3 minutes = 10 erlangs → 14 officers for
 * 80% within 20 s).
 */
import { describe, expect, it } from 'vitest';
import { checkStaffingAssumptions, meanTimeOnTask, officersNeededPerHour, type StaffingAssumptions } from './officers';
import defaults from '../../models/staffing/default.json';

const assumptions: StaffingAssumptions = {
	id: 'test',
	version: '1.0.0',
	kind: 'staffing',
	title: 'test',
	source: { basis: 'illustrative', note: 'test' },
	method: 'erlang-c',
	time_on_task_minutes: { default: 3, default_note: 'test default', by_category: [{ category: 'Burglary', minutes: 5, note: 'test value' }] },
	service_target: { within_minutes: 1 / 3, share: 0.8 },
	shift: { length_hours: 10, productive_hours: 7 },
	shrinkage: 0.3,
	minimum_on_duty: 1,
	caveats: ['test']
};
const forecast = { timestamps: ['2018-01-01T00:00:00', '2018-01-01T01:00:00', '2018-01-01T02:00:00'], arrivals: [200, 0, 40] };

describe('officersNeededPerHour', () => {
	it('Erlang C: free officers, then on duty ÷ productive share, then rostered ÷ (1 − shrinkage)', () => {
		// Hour 0: A = 10 → N = 14; on duty ⌈14 / 0.7⌉ = 20; rostered ⌈20 / 0.7⌉ = ⌈28.57⌉ = 29.
		// Hour 1: no incidents → N = 0; on duty = the minimum, 1; rostered ⌈1 / 0.7⌉ = 2.
		// Hour 2: A = 40 × 3/60 = 2. By hand, B(3, 2) = 4/19 → C(3, 2) = 4/9 and
		//   P(wait ≤ 20 s) = 1 − (4/9) e^{−1/9} = 0.602; B(4, 2) = 2/21 → C(4, 2) = 4/23 and
		//   1 − (4/23) e^{−2/9} = 0.861 ≥ 0.8 → N = 4; on duty ⌈5.71⌉ = 6; rostered ⌈8.57⌉ = 9.
		const plan = officersNeededPerHour(forecast, assumptions);
		expect(plan).toMatchObject({ method: 'erlang-c', minutesOnTask: 3, productiveShare: 0.7 });
		expect(plan.hours.map((h) => [h.load, h.available, h.onDuty, h.rostered])).toEqual([
			[10, 14, 20, 29],
			[0, 0, 1, 2],
			[2, 4, 6, 9]
		]);
		expect(plan.hours[2].serviceLevel).toBeCloseTo(1 - (4 / 23) * Math.exp(-2 / 9), 12);
	});

	it('workload: ⌈A⌉ free officers, no queueing allowance', () => {
		// Hour 0: 10 → on duty ⌈14.29⌉ = 15 → rostered ⌈21.43⌉ = 22. Hour 2: 2 → ⌈2.86⌉ = 3 → ⌈4.29⌉ = 5.
		const plan = officersNeededPerHour(forecast, assumptions, { method: 'workload' });
		expect(plan.hours.map((h) => [h.available, h.onDuty, h.rostered, h.serviceLevel])).toEqual([
			[10, 15, 22, null],
			[0, 1, 2, null],
			[2, 3, 5, null]
		]);
	});

	it('a category mix sets the mean time on task; unknown categories take the default', () => {
		// 1 part Burglary (5 min) to 3 parts other (default 3 min): (5 + 9) / 4 = 3.5.
		expect(meanTimeOnTask(assumptions, { Burglary: 1, 'Other theft': 3 })).toBe(3.5);
		expect(meanTimeOnTask(assumptions, {})).toBe(3);
		expect(meanTimeOnTask(assumptions)).toBe(3);
		expect(() => meanTimeOnTask(assumptions, { Burglary: -1 })).toThrow('share of "Burglary" must be ≥ 0, got -1');
	});

	it('per-hour times on task (the forecast category mix): each hour its own load, hand-worked', () => {
		// Hour 0: 40 incidents, half at 2 and half at 4 minutes → s = 3, A = 40 × 3/60 = 2 → N = 4 (as hour 2 above).
		// Hour 1: 15 incidents, all at 4 minutes → A = 1. N = 2: B(2, 1) = (1/2)/(1 + 1 + 1/2) = 1/5,
		//   C = 2 × (1/5) / (2 − 1 × (4/5)) = 1/3, P(wait ≤ 1/3 min) = 1 − (1/3) e^{−(2 − 1)(1/3)/4} = 1 − (1/3) e^{−1/12} = 0.693 < 0.8;
		//   N = 3: B(3, 1) = (1/6)/(8/3) = 1/16, C = 3 × (1/16) / (3 − 15/16) = 1/11,
		//   P = 1 − (1/11) e^{−(3 − 1)(1/3)/4} = 1 − (1/11) e^{−1/6} = 0.923 ≥ 0.8 → N = 3; on duty ⌈4.29⌉ = 5; rostered ⌈7.14⌉ = 8.
		// Plan's mean time on task, weighted by arrivals: (40 × 3 + 15 × 4) / 55 = 180/55 = 3.2727…
		const plan = officersNeededPerHour({ timestamps: ['h0', 'h1'], arrivals: [40, 15] }, assumptions, { minutesByHour: [3, 4] });
		expect(plan.hours.map((h) => [h.minutesOnTask, h.load, h.available, h.onDuty, h.rostered])).toEqual([
			[3, 2, 4, 6, 9],
			[4, 1, 3, 5, 8]
		]);
		expect(plan.hours[1].serviceLevel).toBeCloseTo(1 - Math.exp(-1 / 6) / 11, 12);
		expect(plan.minutesOnTask).toBeCloseTo(180 / 55, 12);
		expect(() => officersNeededPerHour({ timestamps: ['h0'], arrivals: [1] }, assumptions, { minutesByHour: [0] })).toThrow('time on task of hour 0 must be > 0 minutes, got 0');
		expect(() => officersNeededPerHour({ timestamps: ['h0'], arrivals: [1] }, assumptions, { minutesByHour: [1, 2] })).toThrow('2 times on task for 1 hours');
	});

	it('rejects mismatched input and inconsistent assumptions', () => {
		expect(() => officersNeededPerHour({ timestamps: ['a'], arrivals: [] }, assumptions)).toThrow('1 timestamps but 0 arrival figures');
		expect(() => checkStaffingAssumptions({ ...assumptions, shift: { length_hours: 8, productive_hours: 9 } })).toThrow(
			'staffing test: productive_hours (9) exceeds length_hours (8)'
		);
		expect(() =>
			checkStaffingAssumptions({ ...assumptions, time_on_task_minutes: { default: 1, default_note: 'x', by_category: [{ category: 'A', minutes: 1, note: 'x' }, { category: 'A', minutes: 2, note: 'x' }] } })
		).toThrow('category "A" has two times on task');
	});

	it('the shipped default assumptions pass the semantic checks and produce a plan', () => {
		const plan = officersNeededPerHour(forecast, checkStaffingAssumptions(defaults as StaffingAssumptions));
		expect(plan.assumptions).toEqual({ id: 'default-staffing', version: '0.2.0', basis: 'illustrative' });
		expect(plan.hours).toHaveLength(3);
	});
});
