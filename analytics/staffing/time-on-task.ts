/**
 * Time on task per category, and the mean service time of each forecast hour weighted by the
 * forecast category mix — the inputs Erlang C needs when incident types take different officer
 * time.
 *
 * 1. What the data says (SQL over a QueryRunner, bound values, data up to the training end only):
 *    per category, the records and, where the source records it (`events.time_on_task_min`), the
 *    mean recorded minutes; per hour of week, the records of each category over the last
 *    `category_mix.weeks` weeks — the category mix expected of that hour.
 * 2. Minutes per category ({@link resolveTimeOnTask}), first that applies: a user's edit; the
 *    data's mean when at least `time_on_task_minutes.from_data.min_records` records of the
 *    category carry a time (and from_data.use is true); the declared value for the category; the
 *    declared default. Each value keeps its source, shown next to the result.
 * 3. Service time of forecast hour h ({@link minutesByHourOfWeek}): s_h = Σ_c p_{h,c} × m_c, with
 *    p_{h,c} the share of category c among that hour of week's records in the mix window (the
 *    all-hours mix where an hour of week had no records, the default where there is none at all).
 *    The offered load is then λ_h × s_h / 60 (officersNeededPerHour, minutesByHour). This is the
 *    M/M/N approximation with the mixture's mean: Erlang C depends on the service time only
 *    through its mean when times are exponential; a mixture of types is more variable than
 *    exponential, so waits are somewhat understated (a caveat of the default assumptions).
 */
import type { QueryRunner } from '../runner';
import { notInList } from '../shared/sql';
import type { StaffingAssumptions } from './officers';

/** Timestamped tables staffing can read, with their columns (a fixed list: the only identifiers used). */
const TABLES = {
	events: { category: 'category', time: 'occurred_at', minutes: 'time_on_task_min' },
	stop_search: { category: 'object_of_search', time: 'occurred_at', minutes: null }
} as const;

export type StaffingTable = keyof typeof TABLES;

/** Label for records without a category. */
export const UNCATEGORISED = '(no category)';

export interface CategoryRecords {
	category: string;
	/** Records in the mix window. */
	records: number;
	/** Records of the category up to the training end carrying a time on task. */
	timedRecords: number;
	/** Their mean minutes; null when none. */
	recordedMeanMinutes: number | null;
}

export interface CategoryProfile {
	table: StaffingTable;
	/** Weeks in the mix window (what a caption names: the weeks these records were read for). */
	weeks: number;
	/** First and last local date of the mix window (YYYY-MM-DD). */
	from: string;
	to: string;
	/** Every category seen in the window, most records first (ties by name). */
	categories: CategoryRecords[];
	/** counts[h][category]: records at hour of week h (0 = Monday 00:00) in the window. */
	byHourOfWeek: Array<Record<string, number>>;
}

/**
 * Records per category and per hour of week in the `weeks` weeks ending with `end` (a local date,
 * YYYY-MM-DD; the last day included), and the recorded times on task up to `end`. For
 * stop_search there is no time-on-task column: timedRecords is 0 everywhere. Nothing after `end`
 * is read. `excludeCategories` leaves those categories out of the mix and the times (as the
 * demand forecast leaves out records found by police activity); records with no category stay.
 */
export async function categoryProfile(
	runner: QueryRunner,
	options: { table: StaffingTable; end: string; weeks: number; excludeCategories?: readonly string[] }
): Promise<CategoryProfile> {
	const spec = TABLES[options.table];
	if (!spec) throw new RangeError(`categoryProfile: table must be one of ${Object.keys(TABLES).join(', ')}, got ${options.table}`);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(options.end)) throw new RangeError(`categoryProfile: end must be a date YYYY-MM-DD, got "${options.end}"`);
	if (!(Number.isInteger(options.weeks) && options.weeks >= 1)) throw new RangeError(`categoryProfile: weeks must be a whole number ≥ 1, got ${options.weeks}`);
	const endExclusive = new Date(Date.parse(`${options.end}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
	const from = new Date(Date.parse(`${endExclusive}T00:00:00Z`) - options.weeks * 7 * 86_400_000).toISOString().slice(0, 10);
	// stop_search holds UTC; its hour_of_week and local date are already in UK local time, so the window is on local_date.
	const cat = `coalesce(${spec.category}, ?)`;
	const left = notInList(spec.category, options.excludeCategories ?? []);
	const hours = await runner.columns(
		`SELECT hour_of_week AS h, ${cat} AS c, count(*) AS n FROM ${options.table}
		 WHERE local_date >= ? AND local_date < ? AND hour_of_week IS NOT NULL AND ${left.sql} GROUP BY 1, 2`,
		[UNCATEGORISED, from, endExclusive, ...left.params]
	);
	const timed = spec.minutes
		? await runner.columns(
				`SELECT ${cat} AS c, count(${spec.minutes}) AS n, avg(${spec.minutes}) AS m FROM ${options.table}
				 WHERE local_date < ? AND ${spec.minutes} IS NOT NULL AND ${spec.minutes} > 0 AND ${left.sql} GROUP BY 1`,
				[UNCATEGORISED, endExclusive, ...left.params]
			)
		: { c: [], n: [], m: [] };
	const byHourOfWeek: Array<Record<string, number>> = Array.from({ length: 168 }, () => ({}));
	const totals = new Map<string, number>();
	(hours.h as number[]).forEach((h, i) => {
		const c = String(hours.c[i]);
		const n = Number(hours.n[i]);
		byHourOfWeek[h][c] = n;
		totals.set(c, (totals.get(c) ?? 0) + n);
	});
	const recorded = new Map<string, { n: number; m: number }>();
	(timed.c as string[]).forEach((c, i) => recorded.set(String(c), { n: Number(timed.n[i]), m: Number(timed.m[i]) }));
	const names = new Set([...totals.keys()]);
	const categories = [...names]
		.map((category): CategoryRecords => {
			const r = recorded.get(category);
			return { category, records: totals.get(category) ?? 0, timedRecords: r?.n ?? 0, recordedMeanMinutes: r ? r.m : null };
		})
		.sort((a, b) => b.records - a.records || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
	return { table: options.table, weeks: options.weeks, from, to: options.end, categories, byHourOfWeek };
}

export type TimeSource = 'edited' | 'data' | 'declared' | 'default';

export interface CategoryTime {
	category: string;
	/** Share of the mix window's records. */
	share: number;
	records: number;
	/** Minutes used. */
	minutes: number;
	source: TimeSource;
	/** Why this value: the declared note, the data's count, or "edited". */
	reason: string;
	/** The data's mean and count where recorded (shown even when not used). */
	recordedMeanMinutes: number | null;
	timedRecords: number;
}

/**
 * Minutes per category (module note, step 2), for the categories of `profile` in its order.
 * `edits` (category → minutes) win; a non-positive or non-finite edit throws a RangeError
 * naming the category.
 */
export function resolveTimeOnTask(assumptions: StaffingAssumptions, profile: Pick<CategoryProfile, 'categories'>, edits: Readonly<Record<string, number>> = {}): CategoryTime[] {
	const tot = assumptions.time_on_task_minutes;
	const declared = new Map(tot.by_category.map((c) => [c.category, c]));
	const fromData = tot.from_data;
	const total = profile.categories.reduce((s, c) => s + c.records, 0);
	return profile.categories.map((c): CategoryTime => {
		const base = { category: c.category, share: total > 0 ? c.records / total : 0, records: c.records, recordedMeanMinutes: c.recordedMeanMinutes, timedRecords: c.timedRecords };
		const edit = edits[c.category];
		if (edit !== undefined) {
			if (!(Number.isFinite(edit) && edit > 0)) throw new RangeError(`time on task for "${c.category}" must be a number of minutes > 0, got ${edit}`);
			return { ...base, minutes: edit, source: 'edited', reason: 'edited on this page' };
		}
		if (fromData?.use && c.recordedMeanMinutes !== null && c.timedRecords >= fromData.min_records) {
			return { ...base, minutes: c.recordedMeanMinutes, source: 'data', reason: `mean of ${c.timedRecords} recorded times in the data` };
		}
		const d = declared.get(c.category);
		if (d) return { ...base, minutes: d.minutes, source: 'declared', reason: d.note };
		return { ...base, minutes: tot.default, source: 'default', reason: tot.default_note };
	});
}

/**
 * Mean minutes on task of each hour of week (module note, step 3): the category mix of that hour
 * in the profile weighted by `times`. 168 values, Monday 00:00 first.
 */
export function minutesByHourOfWeek(profile: Pick<CategoryProfile, 'byHourOfWeek'>, times: readonly CategoryTime[], fallbackMinutes: number): number[] {
	const minutes = new Map(times.map((t) => [t.category, t.minutes]));
	const weighted = (counts: Record<string, number>): number | null => {
		let n = 0;
		let s = 0;
		for (const [c, k] of Object.entries(counts)) {
			n += k;
			s += k * (minutes.get(c) ?? fallbackMinutes);
		}
		return n > 0 ? s / n : null;
	};
	const all: Record<string, number> = {};
	for (const h of profile.byHourOfWeek) for (const [c, k] of Object.entries(h)) all[c] = (all[c] ?? 0) + k;
	const overall = weighted(all) ?? fallbackMinutes;
	return profile.byHourOfWeek.map((h) => weighted(h) ?? overall);
}
