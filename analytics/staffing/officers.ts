/**
 * From forecast incidents per hour to officers needed per hour, under declared assumptions
 * (models/staffing/*.json, validated by models/schema/staffing.schema.json).
 *
 * For each hour, with λ forecast incidents and mean time on task s (minutes; per hour when the
 * forecast category mix sets it, see time-on-task.ts):
 *   offered load A = λ s / 60 erlangs (officer-hours of incident work arriving in the hour).
 *   Officers free for dispatch, N:
 *     'erlang-c' — the fewest with P(wait ≤ T) ≥ target share (see erlang-c.ts);
 *     'workload' — ⌈A⌉, enough to carry the work with no allowance for queueing.
 *   On duty = max(minimum_on_duty, ⌈N / productive share⌉), productive share =
 *     productive_hours / length_hours: only that part of an on-duty officer's time is free for
 *     incidents, so N free officers need N / share on duty.
 *   Rostered = ⌈on duty / (1 − shrinkage)⌉ (officers on the roster for that hour, allowing for
 *     leave, sickness, training).
 * The workload model is the plain "work ÷ available time" sum (arrivals × time on task /
 * productive share); Erlang C adds the spare capacity a service target needs when incidents
 * arrive at random.
 */
import { agentsNeeded, offeredLoad } from './erlang-c';

/** The shape of a staffing assumptions file; see models/schema/staffing.schema.json. */
export interface StaffingAssumptions {
	$schema?: string;
	id: string;
	version: string;
	kind: 'staffing';
	title: string;
	source: { basis: 'illustrative' | 'measured' | 'policy'; note: string };
	method: 'erlang-c' | 'workload';
	time_on_task_minutes: {
		default: number;
		/** Why the default value (source or reasoning). */
		default_note: string;
		/** Per category: minutes and why (source or reasoning). */
		by_category: Array<{ category: string; minutes: number; note: string }>;
		/** Use the data's recorded times (events.time_on_task_min) where a category has enough of them. */
		from_data?: { use: boolean; min_records: number; note: string };
	};
	/** Weeks of records (ending with the training end) whose category mix per hour of week weights the times. */
	category_mix?: { weeks: number; note: string };
	service_target: { within_minutes: number; share: number };
	shift: { length_hours: number; productive_hours: number };
	shrinkage: number;
	minimum_on_duty: number;
	caveats: string[];
}

/**
 * Checks the schema cannot express, with a precise message: productive hours longer than the
 * shift, a category listed twice. Returns the assumptions unchanged so it can wrap a JSON import.
 */
export function checkStaffingAssumptions(a: StaffingAssumptions): StaffingAssumptions {
	if (a.shift.productive_hours > a.shift.length_hours) {
		throw new RangeError(`staffing ${a.id}: productive_hours (${a.shift.productive_hours}) exceeds length_hours (${a.shift.length_hours})`);
	}
	const seen = new Set<string>();
	for (const { category } of a.time_on_task_minutes.by_category) {
		if (seen.has(category)) throw new RangeError(`staffing ${a.id}: category "${category}" has two times on task`);
		seen.add(category);
	}
	if (!(a.shrinkage >= 0 && a.shrinkage < 1)) throw new RangeError(`staffing ${a.id}: shrinkage must be in [0, 1), got ${a.shrinkage}`);
	return a;
}

/**
 * Mean minutes on task for a mix of categories: Σ share × minutes, categories without their own
 * value taking the default. Shares are normalised to sum to 1; an empty or all-zero mix (or none)
 * gives the default. Throws a RangeError for a negative share.
 */
export function meanTimeOnTask(assumptions: StaffingAssumptions, mix?: Readonly<Record<string, number>>): number {
	const byCategory = new Map(assumptions.time_on_task_minutes.by_category.map((c) => [c.category, c.minutes]));
	const fallback = assumptions.time_on_task_minutes.default;
	if (!mix) return fallback;
	let total = 0;
	let minutes = 0;
	for (const [category, share] of Object.entries(mix)) {
		if (!(share >= 0)) throw new RangeError(`category mix: share of "${category}" must be ≥ 0, got ${share}`);
		total += share;
		minutes += share * (byCategory.get(category) ?? fallback);
	}
	return total > 0 ? minutes / total : fallback;
}

export interface OfficersHour {
	/** Hour start, as given. */
	timestamp: string;
	/** Forecast incidents in the hour (the figure staffed to). */
	arrivals: number;
	/** Offered load, erlangs. */
	load: number;
	/** Officers free for dispatch needed (N). */
	available: number;
	/** Officers on duty needed: max(minimum, ⌈N / productive share⌉). */
	onDuty: number;
	/** Officers rostered: ⌈on duty / (1 − shrinkage)⌉. */
	rostered: number;
	/** Mean minutes on task used for the hour. */
	minutesOnTask: number;
	/** P(wait ≤ T) with N free officers (Erlang C; null for the workload model). */
	serviceLevel: number | null;
	/** Mean wait for an officer, minutes (Erlang C; null for the workload model). */
	averageWaitMinutes: number | null;
}

export interface OfficersOptions {
	/** Override the assumption file's method. */
	method?: 'erlang-c' | 'workload';
	/** Category shares of the forecast incidents (e.g. from the training data); default: the default time on task. */
	categoryMix?: Readonly<Record<string, number>>;
	/**
	 * Mean minutes on task of each hour, aligned with the forecast (e.g. from minutesByHourOfWeek:
	 * the forecast category mix × minutes per category). Wins over categoryMix.
	 */
	minutesByHour?: readonly number[];
}

export interface OfficersPlan {
	method: 'erlang-c' | 'workload';
	/** Mean time on task used, minutes: with minutesByHour, the arrival-weighted mean over the hours (the plain mean with no arrivals). */
	minutesOnTask: number;
	productiveShare: number;
	assumptions: { id: string; version: string; basis: string };
	hours: OfficersHour[];
}

/**
 * Officers needed in each forecast hour (module note). `arrivals` are incidents per hour — pass
 * the forecast mean, or an upper interval bound (e.g. hi80) to staff for a busier hour than
 * expected. Edge cases: an hour with 0 arrivals needs 0 free officers and `minimum_on_duty` on
 * duty; an empty forecast gives no hours. Throws a RangeError when timestamps and arrivals differ
 * in length or an arrival count is negative or not finite.
 */
export function officersNeededPerHour(
	forecast: { timestamps: readonly string[]; arrivals: readonly number[] },
	assumptions: StaffingAssumptions,
	options: OfficersOptions = {}
): OfficersPlan {
	checkStaffingAssumptions(assumptions);
	if (forecast.timestamps.length !== forecast.arrivals.length) {
		throw new RangeError(`officersNeededPerHour: ${forecast.timestamps.length} timestamps but ${forecast.arrivals.length} arrival figures`);
	}
	const method = options.method ?? assumptions.method;
	const perHour = options.minutesByHour;
	if (perHour) {
		if (perHour.length !== forecast.arrivals.length) throw new RangeError(`officersNeededPerHour: ${perHour.length} times on task for ${forecast.arrivals.length} hours`);
		perHour.forEach((m, i) => {
			if (!(Number.isFinite(m) && m > 0)) throw new RangeError(`officersNeededPerHour: time on task of hour ${i} must be > 0 minutes, got ${m}`);
		});
	}
	const flatMinutes = meanTimeOnTask(assumptions, options.categoryMix);
	const productiveShare = assumptions.shift.productive_hours / assumptions.shift.length_hours;
	const { within_minutes: targetMinutes, share: targetShare } = assumptions.service_target;
	const hours = forecast.arrivals.map((arrivalsPerHour, i): OfficersHour => {
		const minutesOnTask = perHour ? perHour[i] : flatMinutes;
		const load = offeredLoad({ arrivalsPerHour, minutesOnTask });
		let available: number;
		let serviceLevel: number | null = null;
		let averageWaitMinutes: number | null = null;
		if (method === 'erlang-c') {
			const need = agentsNeeded({ arrivalsPerHour, minutesOnTask, targetMinutes, targetShare });
			available = need.servers;
			serviceLevel = need.serviceLevel;
			averageWaitMinutes = need.averageWaitMinutes;
		} else {
			available = Math.max(0, Math.ceil(load - 1e-9));
		}
		// The epsilon keeps float noise (14 / 0.7 = 20.000000000000004) from adding an officer.
		const onDuty = Math.max(assumptions.minimum_on_duty, 0, Math.ceil(available / productiveShare - 1e-9));
		const rostered = Math.max(0, Math.ceil(onDuty / (1 - assumptions.shrinkage) - 1e-9));
		return { timestamp: forecast.timestamps[i], arrivals: arrivalsPerHour, load, available, onDuty, rostered, minutesOnTask, serviceLevel, averageWaitMinutes };
	});
	const arrivals = hours.reduce((s, h) => s + h.arrivals, 0);
	const minutesOnTask = !perHour
		? flatMinutes
		: arrivals > 0
			? hours.reduce((s, h) => s + h.arrivals * h.minutesOnTask, 0) / arrivals
			: hours.length
				? hours.reduce((s, h) => s + h.minutesOnTask, 0) / hours.length
				: flatMinutes;
	return {
		method,
		minutesOnTask,
		productiveShare,
		assumptions: { id: assumptions.id, version: assumptions.version, basis: assumptions.source.basis },
		hours
	};
}
