/**
 * Erlang C against two published worked examples. Expected values were computed independently
 * from the closed form C(N, A) = [Aᴺ/N! · N/(N − A)] / [Σ_{k<N} Aᵏ/k! + Aᴺ/N! · N/(N − A)] in
 * exact rational arithmetic (Python fractions), not with the recursion used in the code.
 */
import { describe, expect, it } from 'vitest';
import { agentsNeeded, averageWaitMinutes, erlangB, erlangC, offeredLoad, serviceLevel } from './erlang-c';

describe('the Call Centre Helper worked example', () => {
	// "Erlang C Formula – Example", callcentrehelper.com/erlang-c-formula-example-121281.htm:
	// 100 calls in 30 minutes (200 per hour), average handling time 180 s (3 min), target 80%
	// answered within 20 s, shrinkage 30%. Published answer: 14 agents (service level 88.8%,
	// probability of waiting 17.4%, occupancy 71.4%), 20 with shrinkage — also the expected
	// results in pyworkforce's tests (rodrigo-arenas/pyworkforce, queuing/tests/test_erlang.py).
	// A = 200 × 3 / 60 = 10 erlangs.
	const call = { arrivalsPerHour: 200, minutesOnTask: 3 };

	it('offered load is 10 erlangs', () => expect(offeredLoad(call)).toBe(10));

	it.each([
		// [N, C(N, 10), P(wait ≤ 20 s) = 1 − C e^{−(N − 10)(1/3)/3}, mean wait in seconds]
		[11, 0.6821182046893324, 0.3896138117291533, 122.78127684407984],
		[12, 0.44938822429827086, 0.6401580403740066, 40.44494018684438],
		[13, 0.28527045303649295, 0.7955947884177831, 17.116227182189576],
		[14, 0.17413193359504983, 0.8883500191794669, 7.835937011777242],
		[15, 0.10204236700798801, 0.9414528428690223, 3.673525212287568]
	])('%s agents: C = %s, service level %s, ASA %s s', (servers, c, sl, asaSeconds) => {
		expect(erlangC(servers, 10)).toBeCloseTo(c, 12);
		expect(serviceLevel({ ...call, servers, targetMinutes: 1 / 3 })).toBeCloseTo(sl, 12);
		expect(averageWaitMinutes({ ...call, servers }) * 60).toBeCloseTo(asaSeconds, 9);
	});

	it('needs 14 agents for 80% within 20 seconds (13 give 79.6%)', () => {
		const need = agentsNeeded({ ...call, targetMinutes: 1 / 3, targetShare: 0.8 });
		expect(need.servers).toBe(14);
		expect(need.occupancy).toBeCloseTo(10 / 14, 12);
		expect(need.probabilityOfWaiting).toBeCloseTo(0.17413193359504983, 12);
	});
});

describe('the Mitan "Erlang-C formula" example', () => {
	// Mitan Ltd, "The Erlang-C Formula" (step-by-step example): 360 calls per half hour, 4-minute
	// calls, 55 agents, 15-second target. A = 720 × 4 / 60 = 48 erlangs, occupancy 48/55.
	// Exact: C(55, 48) = 0.2387009363780092; service level 1 − C e^{−7 × 0.25/4} = 0.8458830921705803;
	// mean wait C × 4/7 min = 8.184 s.
	const call = { arrivalsPerHour: 720, minutesOnTask: 4 };

	it('probability of waiting, service level and mean wait', () => {
		expect(offeredLoad(call)).toBe(48);
		expect(erlangC(55, 48)).toBeCloseTo(0.2387009363780092, 12);
		expect(serviceLevel({ ...call, servers: 55, targetMinutes: 0.25 })).toBeCloseTo(0.8458830921705803, 12);
		expect(averageWaitMinutes({ ...call, servers: 55 }) * 60).toBeCloseTo(8.184032104388887, 9);
	});

	it('80% within 15 s needs 54 agents (79.3%) → 55 (84.6%)', () => {
		// Exact service levels: 53 → 0.7245, 54 → 0.7929, 55 → 0.8459.
		expect(agentsNeeded({ ...call, targetMinutes: 0.25, targetShare: 0.8 }).servers).toBe(55);
		expect(agentsNeeded({ ...call, targetMinutes: 0.25, targetShare: 0.79 }).servers).toBe(54);
	});
});

describe('edge cases', () => {
	it('Erlang B by hand: B(1, A) = A/(1 + A); B(2, 1) = (1/2)/(2 + 1/2) = 0.2', () => {
		expect(erlangB(1, 3)).toBe(0.75);
		expect(erlangB(2, 1)).toBeCloseTo(0.2, 15);
		expect(erlangB(0, 5)).toBe(1);
	});

	it('no arrivals: nobody waits and no officer is needed', () => {
		expect(erlangC(0, 0)).toBe(0);
		expect(serviceLevel({ arrivalsPerHour: 0, minutesOnTask: 30, servers: 0, targetMinutes: 10 })).toBe(1);
		expect(agentsNeeded({ arrivalsPerHour: 0, minutesOnTask: 30, targetMinutes: 10, targetShare: 0.9 }).servers).toBe(0);
	});

	it('too few servers: every incident waits, the service level is 0 and the mean wait infinite', () => {
		expect(erlangC(10, 10)).toBe(1);
		expect(serviceLevel({ arrivalsPerHour: 200, minutesOnTask: 3, servers: 9, targetMinutes: 1 })).toBe(0);
		expect(averageWaitMinutes({ arrivalsPerHour: 200, minutesOnTask: 3, servers: 10 })).toBe(Infinity);
	});

	it.each([
		[() => offeredLoad({ arrivalsPerHour: -1, minutesOnTask: 3 }), 'arrivalsPerHour must be a finite number ≥ 0, got -1'],
		[() => offeredLoad({ arrivalsPerHour: 1, minutesOnTask: 0 }), 'minutesOnTask must be a finite number > 0, got 0'],
		[() => agentsNeeded({ arrivalsPerHour: 1, minutesOnTask: 3, targetMinutes: 1, targetShare: 1 }), 'targetShare must be strictly between 0 and 1, got 1'],
		[() => erlangB(1.5, 1), 'servers must be an integer ≥ 0, got 1.5']
	])('rejects bad input %#', (fn, message) => expect(fn).toThrow(message));
});
