/**
 * The settings of the windowed hot-spot forecast on the Accuracy page, in the URL: the window
 * (`hs_window`: 7d, 14d, 28d where the records have dates; 1m, 2m, 3m always), the area budget
 * (`hs_budget`: a share such as 5% or an area such as 2km2), the level (`hs_level`: lsoa where the
 * data has LSOAs, h3_r7 … h3_r10) and whether the slow self-exciting model runs (`hs_hawkes=1`,
 * dated records only). A value the data cannot use falls back to the default with a note. Pure (no
 * SvelteKit, no DuckDB): unit-tested.
 */
import { parseBudget, parseWindow, type AreaBudget, type HotspotWindow, type WindowLevel } from '$analytics/hotspots/windows';
import type { MonthlyTable } from '$analytics/forecast/series';

/** What the loaded data offers the hot-spot forecast. */
export interface HotspotOffer {
	/** The records ranked: street records (`incidents`) where there are any, else timestamped incidents (`events`). */
	table: MonthlyTable;
	/** Whether those records carry dates and times (day windows and the self-exciting model). */
	dated: boolean;
	/** Levels with a study region, finest last. */
	levels: WindowLevel[];
}

export interface HotspotSettings {
	window: HotspotWindow;
	budget: AreaBudget;
	level: WindowLevel;
	hawkes: boolean;
}

export const DAY_WINDOWS = ['7d', '14d', '28d'] as const;
export const MONTH_WINDOWS = ['1m', '2m', '3m'] as const;
export const LEVEL_LABELS: Record<WindowLevel, string> = {
	lsoa: 'LSOA',
	area_code: 'Area code',
	district: 'Districts',
	h3_r7: 'H3 resolution 7 (about 5 km²)',
	h3_r8: 'H3 resolution 8 (about 0.7 km²)',
	h3_r9: 'H3 resolution 9 (about 0.1 km²)',
	h3_r10: 'H3 resolution 10 (about 0.015 km²)'
};
const DEFAULT_SHARE = 0.05;

/** A level's label, the source's own area set under its own name (the manifest's label, analytics/explore/area-set.ts). */
export function windowLevelLabel(level: WindowLevel, areaSet: string): string {
	return level === 'district' ? areaSet : LEVEL_LABELS[level];
}

/** "7d" / "1m" for a window. */
export function windowText(w: HotspotWindow): string {
	return `${w.length}${w.unit === 'day' ? 'd' : 'm'}`;
}

/** "Next 7 days" / "Next month" / "Next 2 months". */
export function windowLabel(w: HotspotWindow): string {
	if (w.unit === 'day') return `Next ${w.length} days`;
	return w.length === 1 ? 'Next month' : `Next ${w.length} months`;
}

/** "5%" (a share, to at most 4 decimals of a percent) or "2km2" for a budget. */
export function budgetText(b: AreaBudget): string {
	return 'share' in b ? `${Math.round(b.share * 100 * 1e4) / 1e4}%` : `${b.km2}km2`;
}

/** The windows the data allows, as URL text: days only for dated records. */
export function windowsOffered(offer: HotspotOffer): string[] {
	return offer.dated ? [...DAY_WINDOWS, ...MONTH_WINDOWS] : [...MONTH_WINDOWS];
}

/** The defaults for the data: the next 28 days for dated records, else the next month; 5% of the force area; LSOA where offered, else H3 resolution 8. */
export function defaultHotspotSettings(offer: HotspotOffer): HotspotSettings {
	return {
		window: offer.dated ? { unit: 'day', length: 28 } : { unit: 'month', length: 1 },
		budget: { share: DEFAULT_SHARE },
		level: offer.levels.includes('lsoa') ? 'lsoa' : offer.levels.includes('h3_r8') ? 'h3_r8' : (offer.levels[0] ?? 'h3_r8'),
		hawkes: false
	};
}

/**
 * The settings the URL asks for, on top of the defaults for `offer`, with one note per value that
 * could not be used (the default is used instead): a window the parser rejects or in days on
 * undated records, a budget that is neither a share in (0, 1] nor a positive km², a level the data
 * lacks, hawkes on undated records.
 */
export function parseHotspotSettings(params: URLSearchParams, offer: HotspotOffer): { settings: HotspotSettings; notes: string[] } {
	const d = defaultHotspotSettings(offer);
	const settings: HotspotSettings = { ...d };
	const notes: string[] = [];
	const w = params.get('hs_window');
	if (w !== null) {
		let parsed: HotspotWindow | null = null;
		try {
			parsed = parseWindow(w);
		} catch {
			parsed = null;
		}
		if (parsed && (parsed.unit === 'month' || offer.dated)) settings.window = parsed;
		else
			notes.push(
				parsed
					? `The link's window (hs_window=${w}) is in days, but these records have months only: ${windowLabel(d.window).toLowerCase()} is used instead.`
					: `The link's window (hs_window=${w}) cannot be used (${windowsOffered(offer).join(', ')}): ${windowLabel(d.window).toLowerCase()} is used instead.`
			);
	}
	const b = params.get('hs_budget');
	if (b !== null) {
		try {
			settings.budget = parseBudget(b);
		} catch {
			notes.push(`The link's area budget (hs_budget=${b}) is not a share such as 5% or an area such as 2km2: ${budgetText(d.budget)} of the force area is used instead.`);
		}
	}
	const level = params.get('hs_level');
	if (level !== null) {
		if ((offer.levels as string[]).includes(level)) settings.level = level as WindowLevel;
		else notes.push(`The link's level (hs_level=${level}) is not one this data has (${offer.levels.join(', ')}): ${LEVEL_LABELS[d.level]} is used instead.`);
	}
	const hawkes = params.get('hs_hawkes');
	if (hawkes !== null) {
		if (hawkes === '1' && offer.dated) settings.hawkes = true;
		else if (hawkes !== '0') notes.push(`The link asks for the self-exciting model (hs_hawkes=${hawkes}), which needs records with dates and times: it is left out.`);
	}
	return { settings, notes };
}

/** The URL parameters for `settings`: defaults left out, every other parameter of `params` kept. */
export function hotspotSearch(params: URLSearchParams, settings: HotspotSettings, offer: HotspotOffer): URLSearchParams {
	const d = defaultHotspotSettings(offer);
	const out = new URLSearchParams(params);
	for (const p of ['hs_window', 'hs_budget', 'hs_level', 'hs_hawkes']) out.delete(p);
	if (windowText(settings.window) !== windowText(d.window)) out.set('hs_window', windowText(settings.window));
	if (budgetText(settings.budget) !== budgetText(d.budget)) out.set('hs_budget', budgetText(settings.budget));
	if (settings.level !== d.level) out.set('hs_level', settings.level);
	if (settings.hawkes) out.set('hs_hawkes', '1');
	return out;
}

/** A string naming the settings fully (equal keys, equal question): the cache key of the evaluation. */
export function hotspotKey(s: HotspotSettings): string {
	return `${windowText(s.window)}|${budgetText(s.budget)}|${s.level}|${s.hawkes ? 'hawkes' : 'no-hawkes'}`;
}
