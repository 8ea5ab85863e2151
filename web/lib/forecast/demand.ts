/**
 * The Forecast and Accuracy pages' computations, as plain async functions over a QueryRunner so
 * that the browser (DuckDB-wasm) and the browser tests (native DuckDB in Node) call exactly the
 * same code. No Svelte, no DOM here.
 */
import type { QueryRunner } from '$analytics/runner';
import { FORECAST_METHODS, backtest, forecastAreaHarm, type AreaHarmForecast, forecastWithBacktest, isForecastMethod, rollingOrigins, minHistory, type BacktestResult, type ForecastMethodName, type ForecastWithBacktest, type ForecastWithBacktestOptions } from '$analytics/forecast';
import { addDays, addHours, hourOfWeekOf, hourlyCounts, type TimestampedTable } from '$analytics/forecast/series';
import { hasColumn, num, tableExists } from '$analytics/shared';
import { listWords } from '$analytics/compare/periods';
import { readForceArea } from '$analytics/force-area';
import { recordAreaLevels } from '$analytics/explore/area-set';
import { chooseHolidayCalendar, holidaySet, type HolidayCalendarModel, type SeriesCalendar } from '$analytics/forecast/calendar';
// Relative paths, not $models: the browser tests load this file in Node without SvelteKit's aliases.
import englandWales from '../../../models/calendar/england-wales-bank-holidays.json';
import usFederal from '../../../models/calendar/us-federal-holidays.json';
import harmWeights from '../../../models/harm-weights/cchi-police-uk-v2.json';
import thrModel from '../../../models/thr/thr-v3.json';
import { policeFoundCategories } from '$analytics/models/harm-weights';
import { formatCount } from '../charts/format';

export const HOURS_PER_WEEK = 168;
/** The timestamped tables, demand first: the page forecasts `events` unless stop and search is chosen. */
export const TIMESTAMPED_SOURCES: readonly TimestampedTable[] = ['events', 'stop_search'];
export const SOURCE_LABELS: Record<TimestampedTable, string> = {
	events: 'Incidents and calls for service',
	stop_search: 'Stop and search'
};
/**
 * Whether a table measures demand (what the public asks of the police) or police activity
 * (what officers start themselves). Stop and search is activity: it is forecast only when
 * chosen, and never called demand (PRODUCT.md, "Forecasts and resources").
 */
export const SOURCE_KIND: Record<TimestampedTable, 'demand' | 'activity'> = { events: 'demand', stop_search: 'activity' };
/** The default series: reactive demand. */
export const DEFAULT_SOURCE: TimestampedTable = 'events';
/** Backtest origins on the Forecast page: one a week over the last weeks of history. */
export const FORECAST_BACKTEST_ORIGINS = 6;

/**
 * Whether the demand forecast counts the records found mostly by police activity
 * (POLICE_FOUND_CATEGORIES): 'exclude' (the default: demand is what the public asks of the police)
 * or 'include' (the whole recorded workload, proactive work included). URL: `policefound=include`.
 */
export type PoliceFoundSetting = 'exclude' | 'include';
/** The URL parameter of the police-found setting; absent for the default ('exclude'). */
export const POLICE_FOUND_PARAM = 'policefound';
const POLICE_FOUND_SETTINGS: readonly PoliceFoundSetting[] = ['exclude', 'include'];
const isPoliceFoundSetting = (v: string | null): v is PoliceFoundSetting => v !== null && (POLICE_FOUND_SETTINGS as readonly string[]).includes(v);

export interface ForecastSettings {
	source: TimestampedTable;
	/** Weeks ahead, 1–4. */
	weeks: number;
	method: ForecastMethodName | 'auto';
	/** Demand only (stop and search is counted whole either way); 'exclude' when absent. */
	policeFound?: PoliceFoundSetting;
}

const isTimestampedTable = (v: string | null): v is TimestampedTable => v !== null && (TIMESTAMPED_SOURCES as readonly string[]).includes(v);
const parseWeeks = (v: string | null) => {
	const weeks = Number(v);
	return v !== null && /^\d+$/.test(v) && Number.isInteger(weeks) && weeks >= 1 && weeks <= 4 ? weeks : null;
};

/**
 * Read the settings from URL search parameters (`series`, `weeks`, `method`, `policefound`),
 * falling back to the defaults for anything missing or unknown: reactive demand (`events`),
 * 2 weeks, automatic, records found by police activity not counted.
 */
export function parseForecastSettings(params: URLSearchParams): ForecastSettings & { policeFound: PoliceFoundSetting } {
	const source = params.get('series');
	const method = params.get('method') ?? 'auto';
	return {
		source: isTimestampedTable(source) ? source : DEFAULT_SOURCE,
		weeks: parseWeeks(params.get('weeks')) ?? 2,
		method: isForecastMethod(method) ? method : 'auto',
		policeFound: parsePoliceFound(params)
	};
}

/** The police-found setting of URL search parameters (`policefound`), 'exclude' when missing or unknown. */
export function parsePoliceFound(params: URLSearchParams): PoliceFoundSetting {
	const v = params.get(POLICE_FOUND_PARAM);
	return isPoliceFoundSetting(v) ? v : 'exclude';
}

/** `params` with the police-found setting written: `policefound=include`, or nothing for the default. */
export function withPoliceFound(params: URLSearchParams, setting: PoliceFoundSetting): URLSearchParams {
	const out = new URLSearchParams(params);
	if (setting === 'include') out.set(POLICE_FOUND_PARAM, 'include');
	else out.delete(POLICE_FOUND_PARAM);
	return out;
}

/** One plain sentence per forecast setting in the URL that could not be used (its default is used). */
export function forecastSettingsNotes(params: URLSearchParams): string[] {
	const notes: string[] = [];
	const source = params.get('series');
	if (source !== null && !isTimestampedTable(source)) notes.push(`The link's series "${source}" is not one this page forecasts: ${SOURCE_LABELS[DEFAULT_SOURCE].toLowerCase()} are used instead.`);
	const weeks = params.get('weeks');
	if (weeks !== null && parseWeeks(weeks) === null) notes.push(`The link's weeks ahead "${weeks}" must be a whole number from 1 to 4: 2 weeks are used instead.`);
	const method = params.get('method');
	if (method !== null && method !== 'auto' && !isForecastMethod(method)) notes.push(`The link's method "${method}" is not known: the method is chosen automatically instead.`);
	const policeFound = policeFoundSettingNote(params);
	if (policeFound) notes.push(policeFound);
	return notes;
}

/**
 * The sentence on a `policefound` value in the URL that could not be used (null for a good or
 * absent one): the Accuracy page, which has this setting only, shows it alone.
 */
export function policeFoundSettingNote(params: URLSearchParams): string | null {
	const v = params.get(POLICE_FOUND_PARAM);
	return v === null || isPoliceFoundSetting(v)
		? null
		: `The link's ${POLICE_FOUND_PARAM} "${v}" must be "include" or "exclude": records found mostly by police activity (${listWords([...POLICE_FOUND_CATEGORIES])}) are not counted as demand instead.`;
}

/** Which timestamped tables have rows, demand first. */
export async function availableSources(runner: QueryRunner): Promise<TimestampedTable[]> {
	const counts = await sourceCounts(runner);
	return TIMESTAMPED_SOURCES.filter((t) => counts[t] > 0);
}

export interface SourceCounts {
	/** Timestamped incidents / calls for service (demand). */
	events: number;
	/** Stop and search records (police activity). */
	stop_search: number;
	/** Street records (police.uk, month resolution) with an area: the monthly forecast by area. */
	streetWithArea: number;
}

/** Rows in each table the Forecast page can use (0 for a table the extract lacks). */
export async function sourceCounts(runner: QueryRunner): Promise<SourceCounts> {
	const count = async (sql: string) => {
		const [r] = await runner.rows<{ n: number }>(sql);
		return num(r?.n);
	};
	const has = (table: string) => tableExists(runner, table);
	return {
		events: (await has('events')) ? await count('SELECT count(*)::INTEGER AS n FROM events') : 0,
		stop_search: (await has('stop_search')) ? await count('SELECT count(*)::INTEGER AS n FROM stop_search') : 0,
		streetWithArea: (await has('incidents')) ? await count('SELECT count(*)::INTEGER AS n FROM incidents WHERE lsoa_code IS NOT NULL') : 0
	};
}

/**
 * Categories mostly found by police activity (the published harm weights' and THR model's
 * exclusions "detected proactively": Drugs, Possession of weapons). Records of them in a demand
 * table show where police looked, not what the public asked for, so the demand forecast leaves
 * them out.
 */
export const POLICE_FOUND_CATEGORIES: readonly string[] = policeFoundCategories([...harmWeights.exclusions, ...thrModel.exclusions]);

/** "Drugs or Possession of weapons": the categories as alternatives, in a sentence. */
const policeFoundEither = () => listWords(POLICE_FOUND_CATEGORIES, 'or');

/** What the demand forecast left out of a table as found mostly by police activity. */
export interface PoliceFoundLeftOut {
	/** False when the table has no category column, or no record has a category: nothing could be left out. */
	categorised: boolean;
	/** Records of each of POLICE_FOUND_CATEGORIES in the table (in that order; 0 for one with none). */
	categories: Array<{ category: string; records: number }>;
	/** Their sum: the records left out. */
	records: number;
	/**
	 * The categories left out (those of POLICE_FOUND_CATEGORIES with records), the exclusion list
	 * the history is counted with. Null when nothing was left out (every record counted).
	 */
	excluded: string[] | null;
	/**
	 * Records with no category when some were left out (0 otherwise). They are demand that cannot
	 * be classified, so they are counted.
	 */
	uncategorised: number;
}

/**
 * Which records of the demand table `events` are found mostly by police activity (POLICE_FOUND_CATEGORIES,
 * matched exactly on `category`): the categories the forecast leaves out, every other record
 * (those with no category included) counted. Whole table, every date. With none of them present,
 * `excluded` is null and every record is counted.
 */
export async function policeFoundLeftOut(runner: QueryRunner): Promise<PoliceFoundLeftOut> {
	const none = POLICE_FOUND_CATEGORIES.map((category) => ({ category, records: 0 }));
	if (!(await tableExists(runner, 'events')) || !(await hasColumn(runner, 'events', 'category'))) return { categorised: false, categories: none, records: 0, excluded: null, uncategorised: 0 };
	const rows = await runner.rows<{ category: string | null; n: number }>('SELECT category, count(*)::INTEGER AS n FROM events GROUP BY category');
	const uncategorised = num(rows.find((r) => r.category === null)?.n);
	const categorised = rows.some((r) => r.category !== null);
	const categories = POLICE_FOUND_CATEGORIES.map((category) => ({ category, records: num(rows.find((r) => r.category === category)?.n) }));
	const records = categories.reduce((a, c) => a + c.records, 0);
	const excluded = records > 0 ? categories.filter((c) => c.records > 0).map((c) => c.category) : null;
	return { categorised, categories, records, excluded, uncategorised: excluded ? uncategorised : 0 };
}

/**
 * The page's plain sentence on what the demand forecast left out as found by police activity,
 * e.g. "1,234 records of Drugs and Possession of weapons, found mostly by police activity, are not
 * counted as demand." (only the categories with records named); when none is present, that every
 * record is counted; without categories, that nothing could be left out.
 */
export function policeFoundNote(leftOut: PoliceFoundLeftOut): string {
	const all = listWords([...POLICE_FOUND_CATEGORIES]);
	const either = policeFoundEither();
	if (!leftOut.categorised) return `These records have no category, so records found mostly by police activity (${all}) could not be left out: every record is counted as demand.`;
	if (leftOut.records === 0) return `No records of ${either}, found mostly by police activity, are in this data: every record is counted as demand.`;
	const named = listWords(leftOut.categories.filter((c) => c.records > 0).map((c) => c.category));
	const one = leftOut.records === 1;
	const main = `${formatCount(leftOut.records)} ${one ? 'record' : 'records'} of ${named}, found mostly by police activity, ${one ? 'is' : 'are'} not counted as demand.`;
	const u = leftOut.uncategorised;
	return u > 0 ? `${main} ${formatCount(u)} ${u === 1 ? 'record' : 'records'} with no category ${u === 1 ? 'is' : 'are'} counted, as demand that cannot be classified.` : main;
}

/**
 * The page's plain sentence when the setting counts the records found mostly by police activity
 * (`policefound=include`): how many of each category the figures now include (the counts of
 * `policeFoundLeftOut`), and that they measure police activity as well as public demand, e.g.
 * "The figures include 1,194 records found mostly by police activity (1,053 of Drugs and 141 of
 * Possession of weapons), counted as demand by the setting above. They measure …". With none present, or no
 * categories, that the figures are the same as without the setting.
 */
export function policeFoundCountedNote(found: PoliceFoundLeftOut): string {
	const all = listWords([...POLICE_FOUND_CATEGORIES]);
	const setting = 'Records found mostly by police activity are counted as demand (the setting above)';
	if (!found.categorised) return `${setting}, but these records have no category, so none can be told apart as ${all}: the figures are the same as without the setting.`;
	if (found.records === 0) return `${setting}, but this data has no records of ${policeFoundEither()}: the figures are the same as without the setting.`;
	const each = found.categories.filter((c) => c.records > 0).map((c) => `${formatCount(c.records)} of ${c.category}`);
	const one = found.records === 1;
	return (
		`The figures include ${formatCount(found.records)} ${one ? 'record' : 'records'} found mostly by police activity (${listWords(each)}), counted as demand by the setting above. ` +
		`${one ? 'It measures' : 'They measure'} police activity (where and how hard officers looked) as well as demand from the public.`
	);
}

/**
 * The note beside the forecast (and the Accuracy page's backtest) for a demand table's setting:
 * `policeFoundNote` when the records are left out (the default), `policeFoundCountedNote` when counted.
 */
export function policeFoundSentence(found: PoliceFoundLeftOut, setting: PoliceFoundSetting): string {
	return setting === 'include' ? policeFoundCountedNote(found) : policeFoundNote(found);
}

/** One line naming the setting, for the printed page (the checkbox does not print). */
export function policeFoundSettingLine(setting: PoliceFoundSetting): string {
	return `Records found mostly by police activity (${POLICE_FOUND_CATEGORIES.join(', ')}): ${setting === 'include' ? 'counted as demand (setting on).' : 'not counted as demand (the default).'}`;
}

/** The categories a demand history is counted without: those found by police activity present, unless the setting counts them. */
export function excludedForSetting(found: PoliceFoundLeftOut | null, setting: PoliceFoundSetting = 'exclude'): string[] {
	return setting === 'include' ? [] : (found?.excluded ?? []);
}

export interface WeeklyHistory {
	table: TimestampedTable;
	/** Local start of values[0]. */
	start: string;
	/** Last local date of the history: a Sunday, the end of the last full week. */
	end: string;
	/** Events per local hour, whole weeks only from the first Monday. */
	values: number[];
}

/**
 * Hourly counts of `table` in whole Monday–Sunday weeks, ending with the last full week of data
 * (a week whose Sunday is on or before the last date with a record). Null when there are none.
 * With `excludeCategories`, without the records of those categories (records with no category kept).
 */
export async function weeklyHistory(runner: QueryRunner, table: TimestampedTable, excludeCategories?: readonly string[]): Promise<WeeklyHistory | null> {
	const all = await hourlyCounts(runner, { table, excludeCategories });
	if (!all.start || all.values.length === 0) return null;
	const lastDate = addHours(all.start, all.values.length - 1).slice(0, 10);
	// Day of week of the last date, 0 = Monday … 6 = Sunday.
	const dow = Math.floor(hourOfWeekOf(`${lastDate}T00`) / 24);
	const end = dow === 6 ? lastDate : addDays(lastDate, -(dow + 1));
	const firstDate = all.start.slice(0, 10);
	const startDow = Math.floor(hourOfWeekOf(`${firstDate}T00`) / 24);
	const start = startDow === 0 ? firstDate : addDays(firstDate, 7 - startDow);
	if (start > end) return null;
	const series = await hourlyCounts(runner, { table, start, end, excludeCategories });
	return { table, start: `${start}T00:00:00`, end, values: series.values };
}

/**
 * The public holidays a series is forecast with (the regression treats a holiday like a Sunday):
 * US federal holidays for timestamped incidents located in the Americas (median longitude below
 * −30°, e.g. the Chicago sample), else the bank holidays of England and Wales (police.uk data).
 * The same rule as `npm run forecast --calendar auto` (scripts/forecast.ts).
 */
export async function demandCalendar(runner: QueryRunner, table: TimestampedTable, start: string): Promise<SeriesCalendar & { why: string }> {
	const { key, why } = await chooseHolidayCalendar(runner, table);
	const model = (key === 'US' ? usFederal : englandWales) as HolidayCalendarModel;
	return { start, ...holidaySet(model), why };
}

/** A demand history and what was done with the records found mostly by police activity. */
export interface DemandHistory {
	history: WeeklyHistory;
	/**
	 * For demand: the records found mostly by police activity (`policeFoundLeftOut`), left out of
	 * the history by default, counted in it with `policeFound` 'include'. Null for stop and search.
	 */
	leftOut: PoliceFoundLeftOut | null;
	/** The setting the history was counted with ('exclude' for stop and search, which has nothing to leave out). */
	policeFound: PoliceFoundSetting;
}

/**
 * The history a forecast of `table` rests on: for demand (`events`), without the records found
 * mostly by police activity (`policeFoundLeftOut`), or with them when `policeFound` is 'include'
 * (every record); police activity (`stop_search`) whole, with `leftOut` null.
 */
export async function demandHistory(runner: QueryRunner, table: TimestampedTable, policeFound: PoliceFoundSetting = 'exclude'): Promise<DemandHistory | null> {
	const demand = SOURCE_KIND[table] === 'demand';
	const leftOut = demand ? await policeFoundLeftOut(runner) : null;
	const excluded = excludedForSetting(leftOut, policeFound);
	const history = await weeklyHistory(runner, table, excluded.length > 0 ? excluded : undefined);
	return history ? { history, leftOut, policeFound: demand ? policeFound : 'exclude' } : null;
}

export interface DemandForecast extends ForecastWithBacktest, DemandHistory {
	/** Local start of each forecast hour. */
	timestamps: string[];
	/** The holiday calendar used and why it was chosen. */
	calendar: { title: string; why: string };
	/** Wall time of the backtest and forecast, ms. */
	elapsedMs: number;
}

/**
 * Forecast the `weeks` weeks after the last full week of `table`, backtesting every method over
 * the last FORECAST_BACKTEST_ORIGINS weeks of the history (one origin a week, each forecasting
 * the same horizon) to choose one, unless `method` names one. Public holidays from
 * `demandCalendar`. Demand leaves out the records found mostly by police activity unless
 * `settings.policeFound` is 'include' (`demandHistory`).
 */
export async function forecastDemand(
	runner: QueryRunner,
	settings: ForecastSettings,
	/** Where the pure computation runs: here by default; the page passes a worker (forecast-worker.ts). */
	compute: (values: ArrayLike<number>, options: ForecastWithBacktestOptions) => ForecastWithBacktest | Promise<ForecastWithBacktest> = forecastWithBacktest
): Promise<DemandForecast | null> {
	const found = await demandHistory(runner, settings.source, settings.policeFound);
	if (!found) return null;
	const { history } = found;
	const calendar = await demandCalendar(runner, settings.source, history.start);
	const t = performance.now();
	const horizon = settings.weeks * HOURS_PER_WEEK;
	const result = await compute(history.values, {
		horizon,
		period: HOURS_PER_WEEK,
		method: settings.method,
		backtestOrigins: FORECAST_BACKTEST_ORIGINS,
		backtestStep: HOURS_PER_WEEK,
		methodOptions: { calendar }
	});
	const first = `${addDays(history.end, 1)}T00:00:00`;
	const timestamps = result.forecast.mean.map((_, i) => addHours(first, i));
	return { ...result, ...found, timestamps, calendar: { title: calendar.holidayCalendar ?? '', why: calendar.why }, elapsedMs: performance.now() - t };
}

/** Weeks ahead forecast from each origin on the Accuracy page. */
export const ACCURACY_HORIZON_WEEKS = 1;
/** Rolling origins on the Accuracy page (one a week, the most recent weeks). */
export const ACCURACY_ORIGINS = 8;

/** A demand backtest: the history it rests on and every method's scores. */
export type DemandBacktest = DemandHistory & { result: BacktestResult };

/**
 * Rolling-origin backtest of every method over the last ACCURACY_ORIGINS full weeks of `table`
 * (each origin forecasts the following week from everything before it), over the same history as
 * the forecast (`demandHistory`: demand without the records found by police activity, or with them
 * when `policeFound` is 'include'). Null without data.
 */
export async function backtestDemand(runner: QueryRunner, table: TimestampedTable, policeFound: PoliceFoundSetting = 'exclude'): Promise<DemandBacktest | null> {
	const found = await demandHistory(runner, table, policeFound);
	if (!found) return null;
	const { history } = found;
	const horizon = ACCURACY_HORIZON_WEEKS * HOURS_PER_WEEK;
	const minOrigin = Math.max(HOURS_PER_WEEK + 1, ...FORECAST_METHODS.map((m) => minHistory(m, HOURS_PER_WEEK)));
	const origins = rollingOrigins(history.values.length, { horizon, count: ACCURACY_ORIGINS, step: HOURS_PER_WEEK, minOrigin });
	const calendar = await demandCalendar(runner, table, history.start);
	const result = backtest(history.values, { period: HOURS_PER_WEEK, horizon, origins, methodOptions: { calendar } });
	return { ...found, result };
}

/** Held-back months for the hot-spot evaluation on the Accuracy page (the most recent ones). */
export const HOTSPOT_TEST_MONTHS = 6;
export const HOTSPOT_AREA_SHARES = [0.01, 0.05, 0.1, 0.2] as const;

/**
 * The last HOTSPOT_TEST_MONTHS months of `incidents` (street data), each to be predicted from the
 * months before it; the first month with data is never a test month. Empty without data.
 */
export async function hotspotTestMonths(runner: QueryRunner): Promise<string[]> {
	const rows = await runner.rows<{ month: string }>(`SELECT DISTINCT month FROM incidents WHERE month IS NOT NULL ORDER BY month`);
	const months = rows.map((r) => String(r.month));
	return months.slice(1).slice(-HOTSPOT_TEST_MONTHS);
}

/**
 * The levels the Forecast page offers for street records by area, its default first: LSOAs when
 * records carry LSOA codes, the source's own areas when records are placed in them; the own areas
 * first when the force area is given as them (a boundary file declared as the force area).
 */
export async function streetAreaLevels(runner: QueryRunner): Promise<Array<'lsoa' | 'district'>> {
	const [r, forceArea] = await Promise.all([recordAreaLevels(runner), readForceArea(runner)]);
	const found: Array<'lsoa' | 'district'> = [...(r.lsoa ? ['lsoa' as const] : []), ...(r.district ? ['district' as const] : [])];
	return forceArea?.unit === 'district' ? found.reverse() : found;
}

/** The monthly area forecast and the force area it covers (null: none declared, every area with a record). */
export type StreetAreaForecast = AreaHarmForecast & { forceAreaName: string | null };

/**
 * Next month's street records (police.uk incidents) per LSOA after the last month of data, by
 * analytics/forecast's panel forecast (method chosen by its pooled backtest). Null without data.
 * Rows sorted by expected count, largest first, ties by area code.
 *
 * Over the force area when one is declared, as THR scoring: every area of it when it is listed at
 * this level (an area with no record forecast 0), and only the records inside it (a district set
 * over a force area listed in LSOAs: every district, from its records inside the force area).
 * Without a force area, every area with a record.
 */
export async function forecastStreetAreas(runner: QueryRunner, until?: string, level: 'lsoa' | 'district' = 'lsoa'): Promise<StreetAreaForecast | null> {
	// Fixed column per level (never from the caller's text).
	const column = level === 'district' ? 'district_id' : 'lsoa_code';
	const forceArea = await readForceArea(runner);
	const forceAreaOnly = forceArea !== null && (await hasColumn(runner, 'incidents', 'in_force_area'));
	const [r] = await runner.rows<{ last: string | null }>(
		`SELECT max(month) AS last FROM incidents WHERE ${column} IS NOT NULL AND (?::VARCHAR IS NULL OR month <= ?::VARCHAR)${forceAreaOnly ? ' AND in_force_area IS NOT false' : ''}`,
		[until ?? null, until ?? null]
	);
	if (!r?.last) return null;
	const region = forceArea && forceArea.unit === level ? forceArea.areaCodes : undefined;
	const f = await forecastAreaHarm(runner, { trainEnd: String(r.last), level, measure: 'count', areas: region, forceAreaOnly });
	const areas = [...f.areas].sort((a, b) => b.expected - a.expected || (a.areaId < b.areaId ? -1 : a.areaId > b.areaId ? 1 : 0));
	return { ...f, areas, forceAreaName: forceArea?.name ?? null };
}
