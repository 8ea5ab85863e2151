/**
 * Erlang C: the M/M/N queue (Poisson arrivals, exponential times on task, N identical servers,
 * first come first served, nobody leaves the queue). Here a "server" is an officer free to be
 * dispatched and a "call" an incident; the formulas are the standard ones (e.g. Gans, Koole &
 * Mandelbaum 2003, "Telephone call centers: tutorial, review, and research prospects",
 * M&SOM 5(2):79–141):
 *   offered load   A = λ s            (erlangs: officer-hours of work arriving per hour)
 *   P(wait)        C(N, A) = N B(N, A) / (N − A (1 − B(N, A)))   for N > A
 *   P(wait ≤ t)    1 − C(N, A) e^{−(N − A) t / s}
 *   mean wait      C(N, A) s / (N − A)
 * B is Erlang B, computed by the recursion B(0) = 1, B(k) = A B(k−1) / (k + A B(k−1)), which is
 * stable for any N (no factorials or powers that overflow).
 *
 * Units: arrivals per hour, time on task and waits in minutes.
 */

export interface QueueInput {
	/** Incidents arriving per hour (λ), ≥ 0. */
	arrivalsPerHour: number;
	/** Mean officer time per incident, minutes (s), > 0. */
	minutesOnTask: number;
}

function check({ arrivalsPerHour, minutesOnTask }: QueueInput) {
	if (!(arrivalsPerHour >= 0) || !Number.isFinite(arrivalsPerHour)) throw new RangeError(`arrivalsPerHour must be a finite number ≥ 0, got ${arrivalsPerHour}`);
	if (!(minutesOnTask > 0) || !Number.isFinite(minutesOnTask)) throw new RangeError(`minutesOnTask must be a finite number > 0, got ${minutesOnTask}`);
}

/** Offered load in erlangs: arrivals per hour × hours on task. 0 when there are no arrivals. */
export function offeredLoad(input: QueueInput): number {
	check(input);
	return (input.arrivalsPerHour * input.minutesOnTask) / 60;
}

/** Erlang B blocking probability for `servers` ≥ 0 and load ≥ 0 (1 with no servers, 0 with no load). */
export function erlangB(servers: number, load: number): number {
	if (!(Number.isInteger(servers) && servers >= 0)) throw new RangeError(`servers must be an integer ≥ 0, got ${servers}`);
	if (!(load >= 0)) throw new RangeError(`load must be ≥ 0, got ${load}`);
	let b = 1;
	for (let k = 1; k <= servers; k++) b = (load * b) / (k + load * b);
	return b;
}

/**
 * Probability that an incident has to wait for a free officer, C(N, A). Equals 1 when N ≤ A (the
 * queue grows without bound) and 0 when A = 0.
 */
export function erlangC(servers: number, load: number): number {
	if (load === 0) return 0;
	if (servers <= load) return 1;
	const b = erlangB(servers, load);
	return (servers * b) / (servers - load * (1 - b));
}

/**
 * Share of incidents attended (an officer assigned) within `targetMinutes`: P(wait ≤ T). 0 when
 * `servers` ≤ the offered load (unstable queue); 1 with no arrivals.
 */
export function serviceLevel(input: QueueInput & { servers: number; targetMinutes: number }): number {
	const load = offeredLoad(input);
	if (!(input.targetMinutes >= 0)) throw new RangeError(`targetMinutes must be ≥ 0, got ${input.targetMinutes}`);
	if (load === 0) return 1;
	if (input.servers <= load) return 0;
	return 1 - erlangC(input.servers, load) * Math.exp((-(input.servers - load) * input.targetMinutes) / input.minutesOnTask);
}

/** Mean wait for an officer, minutes (averaged over all incidents, including those not waiting). Infinity when unstable, 0 with no arrivals. */
export function averageWaitMinutes(input: QueueInput & { servers: number }): number {
	const load = offeredLoad(input);
	if (load === 0) return 0;
	if (input.servers <= load) return Infinity;
	return (erlangC(input.servers, load) * input.minutesOnTask) / (input.servers - load);
}

export interface AgentsNeededInput extends QueueInput {
	/** Service target: this share of incidents (0 < share < 1) attended within targetMinutes. */
	targetShare: number;
	targetMinutes: number;
}

export interface AgentsNeeded {
	/** Fewest officers free for dispatch that meet the target (0 with no arrivals). */
	servers: number;
	load: number;
	/** P(wait ≤ T) achieved with that many. */
	serviceLevel: number;
	probabilityOfWaiting: number;
	averageWaitMinutes: number;
	/** load / servers (0 with no arrivals). */
	occupancy: number;
}

/**
 * The smallest N > A with P(wait ≤ T) ≥ targetShare, searched upward from ⌊A⌋ + 1. With no
 * arrivals N = 0. Throws a RangeError for a share outside (0, 1) (a share of 1 needs infinitely
 * many officers when T is finite) or a negative target time.
 */
export function agentsNeeded(input: AgentsNeededInput): AgentsNeeded {
	const load = offeredLoad(input);
	if (!(input.targetShare > 0 && input.targetShare < 1)) throw new RangeError(`targetShare must be strictly between 0 and 1, got ${input.targetShare}`);
	if (!(input.targetMinutes >= 0)) throw new RangeError(`targetMinutes must be ≥ 0, got ${input.targetMinutes}`);
	if (load === 0) return { servers: 0, load: 0, serviceLevel: 1, probabilityOfWaiting: 0, averageWaitMinutes: 0, occupancy: 0 };
	let servers = Math.floor(load) + 1;
	for (; ; servers++) {
		const sl = serviceLevel({ ...input, servers });
		if (sl >= input.targetShare) {
			return {
				servers,
				load,
				serviceLevel: sl,
				probabilityOfWaiting: erlangC(servers, load),
				averageWaitMinutes: averageWaitMinutes({ ...input, servers }),
				occupancy: load / servers
			};
		}
	}
}
