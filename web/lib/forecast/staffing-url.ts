/**
 * The staffing assumptions of the Forecast page in the URL, so a reload or a shared link shows
 * the same officers. Only values that differ from the model file's defaults are written; a value
 * the page cannot use (not a number, out of range) falls back to the default with a note saying
 * so. Pure (no SvelteKit): unit-tested, and the Staffing panel writes what `staffingSearch` gives.
 *
 * Parameters (all optional, prefixed `staff_` so they never clash with the forecast's own):
 * staff_method (erlang-c | workload), staff_to (mean | hi80), staff_minutes, staff_target (%),
 * staff_within (minutes), staff_shift, staff_productive (hours), staff_shrinkage (%),
 * staff_minimum, staff_mix_weeks, staff_recorded (1 | 0), staff_min_recorded, and one
 * staff_time=<category>:<minutes> per category whose time on task was edited.
 */
import type { StaffingAssumptions } from '$analytics/staffing';

export interface StaffingInputs {
	method: 'erlang-c' | 'workload';
	/** Staff to the forecast mean or to the upper 80% bound. */
	staffTo: 'mean' | 'hi80';
	/** Default time on task, minutes (categories without their own value). */
	minutesOnTask: number | null;
	/** Share of incidents attended within the target time, %. */
	targetPercent: number | null;
	withinMinutes: number | null;
	shiftHours: number | null;
	productiveHours: number | null;
	shrinkagePercent: number | null;
	minimumOnDuty: number | null;
	/** Weeks of records whose category mix weights the times. */
	mixWeeks: number | null;
	useRecorded: boolean;
	minRecorded: number | null;
	/** Minutes on task typed per category (null: an unusable entry). */
	edits: Record<string, number | null>;
}

/** The inputs of the model file's defaults (no category edited). */
export function defaultStaffingInputs(d: StaffingAssumptions): StaffingInputs {
	const fromData = d.time_on_task_minutes.from_data ?? { use: false, min_records: 30, note: '' };
	return {
		method: d.method,
		staffTo: 'mean',
		minutesOnTask: d.time_on_task_minutes.default,
		targetPercent: round(d.service_target.share * 100),
		withinMinutes: d.service_target.within_minutes,
		shiftHours: d.shift.length_hours,
		productiveHours: d.shift.productive_hours,
		shrinkagePercent: round(d.shrinkage * 100),
		minimumOnDuty: d.minimum_on_duty,
		mixWeeks: d.category_mix?.weeks ?? 12,
		useRecorded: fromData.use,
		minRecorded: fromData.min_records,
		edits: {}
	};
}

/** 0.3 × 100 is 30.000000000000004 in floating point: percentages are shown to 10 decimals at most. */
function round(x: number): number {
	return Math.round(x * 1e10) / 1e10;
}

const ok = (v: number | null | undefined, lo: number, hi: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

type NumericKey = 'minutesOnTask' | 'targetPercent' | 'withinMinutes' | 'shiftHours' | 'productiveHours' | 'shrinkagePercent' | 'minimumOnDuty' | 'mixWeeks' | 'minRecorded';

/** Each numeric input: its URL parameter, its plain name, its range and unit, whole numbers only or not. */
const NUMERIC: ReadonlyArray<{ key: NumericKey; param: string; name: string; lo: number; hi: number; integer: boolean; unit: string }> = [
	{ key: 'minutesOnTask', param: 'staff_minutes', name: 'default time on task', lo: 1, hi: 1440, integer: false, unit: ' minutes' },
	{ key: 'targetPercent', param: 'staff_target', name: 'target share attended', lo: 1, hi: 99.9, integer: false, unit: '%' },
	{ key: 'withinMinutes', param: 'staff_within', name: 'target time', lo: 0, hi: 240, integer: false, unit: ' minutes' },
	{ key: 'shiftHours', param: 'staff_shift', name: 'shift length', lo: 1, hi: 24, integer: false, unit: ' hours' },
	{ key: 'productiveHours', param: 'staff_productive', name: 'productive hours per shift', lo: 0.5, hi: 24, integer: false, unit: ' hours' },
	{ key: 'shrinkagePercent', param: 'staff_shrinkage', name: 'shrinkage', lo: 0, hi: 90, integer: false, unit: '%' },
	{ key: 'minimumOnDuty', param: 'staff_minimum', name: 'minimum on duty', lo: 0, hi: 1000, integer: true, unit: '' },
	{ key: 'mixWeeks', param: 'staff_mix_weeks', name: 'weeks of category mix', lo: 1, hi: 520, integer: true, unit: '' },
	{ key: 'minRecorded', param: 'staff_min_recorded', name: 'recorded times needed', lo: 1, hi: 1_000_000, integer: true, unit: '' }
];

export const STAFFING_PARAMS: readonly string[] = ['staff_method', 'staff_to', ...NUMERIC.map((n) => n.param), 'staff_recorded', 'staff_time'];

/**
 * Why the inputs cannot be used, in one sentence, or null when they can (the checks the page has
 * always made: ranges, whole numbers, productive hours within the shift).
 */
export function staffingProblem(s: StaffingInputs): string | null {
	if (!ok(s.minutesOnTask, 1, 1440)) return 'The default time on task must be between 1 and 1,440 minutes.';
	for (const [category, minutes] of Object.entries(s.edits)) {
		if (!ok(minutes, 1, 1440)) return `Time on task for ${category} must be between 1 and 1,440 minutes.`;
	}
	if (!ok(s.targetPercent, 1, 99.9)) return 'The target share must be between 1% and 99.9%.';
	if (!ok(s.withinMinutes, 0, 240)) return 'The target time must be between 0 and 240 minutes.';
	if (!ok(s.shiftHours, 1, 24)) return 'The shift length must be between 1 and 24 hours.';
	if (!ok(s.productiveHours, 0.5, s.shiftHours)) return 'Productive hours must be at least 0.5 and no more than the shift length.';
	if (!ok(s.shrinkagePercent, 0, 90)) return 'Shrinkage must be between 0% and 90%.';
	if (!ok(s.minimumOnDuty, 0, 1000) || !Number.isInteger(s.minimumOnDuty)) return 'The minimum on duty must be a whole number from 0.';
	if (!ok(s.mixWeeks, 1, 520) || !Number.isInteger(s.mixWeeks)) return 'The weeks of category mix must be a whole number from 1 to 520.';
	if (!ok(s.minRecorded, 1, 1_000_000) || !Number.isInteger(s.minRecorded)) return 'The recorded times needed must be a whole number from 1.';
	return null;
}

/** A number as a URL value: plain decimal, no exponent for the ranges used here. */
const numberText = (x: number) => String(x);

/** A number from a URL value: decimal digits with an optional sign and point only (no '', '0x10', '1e3', 'Infinity'). */
function parseNumber(text: string): number | null {
	return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : null;
}

export interface ParsedStaffing {
	inputs: StaffingInputs;
	/** One sentence per URL value that could not be used (the default is used instead). */
	notes: string[];
}

/**
 * The staffing inputs a URL asks for, on top of the defaults. Each unusable value is replaced by
 * its default with a note; productive hours longer than the shift fall back (both) to the
 * defaults. Category times are `staff_time=<category>:<minutes>` (split at the last colon, so a
 * category may contain one); the last value given for a category wins.
 */
export function parseStaffingParams(params: URLSearchParams, d: StaffingAssumptions): ParsedStaffing {
	const defaults = defaultStaffingInputs(d);
	const inputs: StaffingInputs = { ...defaults, edits: {} };
	const notes: string[] = [];
	const unusable = (param: string, value: string, name: string, fallback: string) =>
		notes.push(`The link's ${name} (${param}=${value}) cannot be used: the default, ${fallback}, is used instead.`);

	const method = params.get('staff_method');
	if (method !== null) {
		if (method === 'erlang-c' || method === 'workload') inputs.method = method;
		else unusable('staff_method', method, 'staffing method', defaults.method === 'erlang-c' ? 'Erlang C' : 'workload');
	}
	const staffTo = params.get('staff_to');
	if (staffTo !== null) {
		if (staffTo === 'mean' || staffTo === 'hi80') inputs.staffTo = staffTo;
		else unusable('staff_to', staffTo, '"staff to" choice', 'the forecast mean');
	}
	for (const n of NUMERIC) {
		const text = params.get(n.param);
		if (text === null) continue;
		const value = parseNumber(text);
		if (ok(value, n.lo, n.hi) && (!n.integer || Number.isInteger(value))) inputs[n.key] = value;
		else unusable(n.param, text, n.name, `${defaults[n.key]}${n.unit}`);
	}
	if (ok(inputs.shiftHours, 1, 24) && ok(inputs.productiveHours, 0.5, 24) && inputs.productiveHours > inputs.shiftHours) {
		notes.push(
			`The link's productive hours (${inputs.productiveHours}) are longer than its shift (${inputs.shiftHours} hours): the defaults, ${defaults.productiveHours} of ${defaults.shiftHours} hours, are used instead.`
		);
		inputs.shiftHours = defaults.shiftHours;
		inputs.productiveHours = defaults.productiveHours;
	}
	const recorded = params.get('staff_recorded');
	if (recorded !== null) {
		if (recorded === '1' || recorded === '0') inputs.useRecorded = recorded === '1';
		else unusable('staff_recorded', recorded, 'choice to use recorded times', defaults.useRecorded ? 'yes' : 'no');
	}
	for (const entry of params.getAll('staff_time')) {
		const at = entry.lastIndexOf(':');
		const category = at > 0 ? entry.slice(0, at) : '';
		const value = at > 0 ? parseNumber(entry.slice(at + 1)) : null;
		if (category !== '' && ok(value, 1, 1440)) inputs.edits[category] = value;
		else notes.push(`The link's time on task "${entry}" (staff_time) cannot be used: it must be a category, a colon and 1 to 1,440 minutes; the category's own value is used instead.`);
	}
	return { inputs, notes };
}

/**
 * The URL parameters for `inputs`: every `staff_` parameter of `params` removed, then one for
 * each value that differs from the defaults (category edits in the order given). Returns a new
 * URLSearchParams; everything else in `params` (source, series, weeks …) is kept.
 */
export function staffingSearch(params: URLSearchParams, inputs: StaffingInputs, d: StaffingAssumptions): URLSearchParams {
	const defaults = defaultStaffingInputs(d);
	const out = new URLSearchParams(params);
	for (const p of STAFFING_PARAMS) out.delete(p);
	if (inputs.method !== defaults.method) out.set('staff_method', inputs.method);
	if (inputs.staffTo !== defaults.staffTo) out.set('staff_to', inputs.staffTo);
	for (const n of NUMERIC) {
		const v = inputs[n.key];
		if (typeof v === 'number' && Number.isFinite(v) && v !== defaults[n.key]) out.set(n.param, numberText(v));
	}
	if (inputs.useRecorded !== defaults.useRecorded) out.set('staff_recorded', inputs.useRecorded ? '1' : '0');
	for (const [category, minutes] of Object.entries(inputs.edits)) {
		if (typeof minutes === 'number' && Number.isFinite(minutes)) out.append('staff_time', `${category}:${numberText(minutes)}`);
	}
	return out;
}
