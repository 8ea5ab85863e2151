/**
 * The Accuracy page's windowed hot-spot forecast over a QueryRunner (the browser's DuckDB-wasm
 * and the browser tests' native DuckDB call the same functions): what the data offers (records,
 * dates, levels) and the forecast with its rolling-origin evaluation at the chosen window, budget
 * and level (analytics/hotspots/windows.ts). No Svelte here.
 */
import type { QueryRunner } from '$analytics/runner';
import { num, tableExists, hasColumn } from '$analytics/shared';
import { hasDates, hotspotForecast, WINDOW_METHODS, type HotspotForecast, type WindowLevel, type WindowMethodName } from '$analytics/hotspots/windows';
import { WIN_LEVEL } from '$analytics/hotspots/accuracy';
import type { HotspotOffer, HotspotSettings } from './hotspot-settings';
import { lowerFirst } from '../charts/format';

/** Rolling origins of the page's evaluation (the analytics' default: 12 windows). */
export const HOTSPOT_WINDOW_ORIGINS = 12;

/**
 * What the loaded data offers: street records (`incidents`) where there are any, else
 * timestamped incidents (`events`); never stop and search (police activity). Levels: LSOA where
 * the records carry LSOA codes, H3 resolutions 7–9 where they carry cells, and 10 wherever they
 * have coordinates. Null when neither table has records.
 */
export async function hotspotOffer(runner: QueryRunner): Promise<HotspotOffer | null> {
	const rows = async (table: 'incidents' | 'events', where = 'true') => {
		if (!(await tableExists(runner, table))) return 0;
		const [r] = await runner.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (SELECT 1 FROM ${table} WHERE ${where} LIMIT 1)`);
		return num(r?.n);
	};
	const table = (await rows('incidents')) > 0 ? 'incidents' : (await rows('events')) > 0 ? 'events' : null;
	if (!table) return null;
	const levels: WindowLevel[] = [];
	if (table === 'incidents' && (await rows(table, 'lsoa_code IS NOT NULL')) > 0) levels.push('lsoa');
	for (const level of ['h3_r7', 'h3_r8', 'h3_r9'] as const) {
		if ((await hasColumn(runner, table, level)) && (await rows(table, `${level} IS NOT NULL`)) > 0) levels.push(level);
	}
	if ((await rows(table, 'longitude IS NOT NULL AND latitude IS NOT NULL')) > 0) levels.push('h3_r10');
	// The source's own area set (districts, wards, beats …), after the finer levels: few large areas.
	if ((await hasColumn(runner, table, 'district_id')) && (await tableExists(runner, 'districts')) && (await rows(table, 'district_id IS NOT NULL')) > 0) levels.push('district');
	return { table, dated: await hasDates(runner, table), levels };
}

/** The methods run: every one, the self-exciting model only when asked (it is slow) and on dated records. */
export function hotspotMethods(settings: HotspotSettings, offer: HotspotOffer): WindowMethodName[] {
	return WINDOW_METHODS.filter((m) => m !== 'hawkes' || (settings.hawkes && offer.dated));
}

/**
 * The forecast of the window right after the data (every method's ranking) and the rolling-origin
 * evaluation of the same window length over HOTSPOT_WINDOW_ORIGINS earlier windows, at the budget
 * and level. Throws the analytics' RangeError (plain English) for a km² budget larger than the
 * force area, or areas of unknown size.
 */
export function windowedHotspots(runner: QueryRunner, offer: HotspotOffer, settings: HotspotSettings): Promise<HotspotForecast> {
	return hotspotForecast(runner, {
		table: offer.table,
		level: settings.level,
		window: settings.window,
		budget: settings.budget,
		origins: HOTSPOT_WINDOW_ORIGINS,
		methods: hotspotMethods(settings, offer)
	});
}

/**
 * Plain verdicts at the budget: for each method that is not a baseline, where it beats every baseline on mean PAI and where it does not (figures given).
 * Ahead of every baseline on the mean is a win only when it also holds window by window against each (gain.paired: one-sided signed-rank test, p < WIN_LEVEL); otherwise the sentence says the lead is no evidence.
 */
export function hotspotVerdicts(f: HotspotForecast['evaluation'], target = 0.05): Array<{ method: string; beatsAll: boolean; meetsTarget: boolean; sentence: string }> {
	const label = (m: string) => f.rows.find((r) => r.method === m)?.label ?? m;
	const pai = (m: string) => f.rows.find((r) => r.method === m)?.pai ?? null;
	const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(2));
	const pct = (x: number) => `${x >= 0 ? '' : '−'}${Math.abs(100 * x).toFixed(1)}%`;
	return f.rows
		.filter((r) => !r.baseline)
		.map((r) => {
			const gains = f.gains.filter((g) => g.method === r.method);
			const losing = gains.filter((g) => g.paiGain === null || g.paiGain <= 0);
			const unproven = losing.length === 0 ? gains.filter((g) => !(g.paired?.p < WIN_LEVEL)) : [];
			const beatsAll = gains.length > 0 && losing.length === 0 && unproven.length === 0;
			const meetsTarget = beatsAll && gains.every((g) => g.paiGain !== null && g.paiGain >= target);
			let sentence: string;
			if (r.pai === null) sentence = `${r.label}: no records fell in the windows evaluated, so it cannot be judged.`;
			else if (gains.length > 0 && losing.length === 0 && !beatsAll)
				sentence = `${r.label} is ahead of every baseline on mean PAI at this budget (${fmt(r.pai)}; ${gains.map((g) => `${pct(g.paiGain!)} over ${lowerFirst(label(g.baseline))}`).join(', ')}), but window by window no more than chance explains against ${unproven.map((g) => `${lowerFirst(label(g.baseline))}${g.paired ? ` (ahead in ${g.paired.ahead} of ${g.paired.months} windows, behind in ${g.paired.behind}; p = ${g.paired.p.toFixed(2)})` : ''}`).join(' and ')}, by a one-sided paired signed-rank test: no evidence that it does better.`;
			else if (beatsAll)
				sentence = `${r.label} beats every baseline on PAI at this budget (${fmt(r.pai)}; ${gains.map((g) => `${pct(g.paiGain!)} over ${lowerFirst(label(g.baseline))}`).join(', ')})${meetsTarget ? `, by at least ${100 * target}% each.` : `, but not by ${100 * target}% over each.`}`;
			else
				sentence = `${r.label} does not beat ${losing.map((g) => `${lowerFirst(label(g.baseline))} (PAI ${fmt(pai(g.baseline))})`).join(' or ')} at this budget: its PAI is ${fmt(r.pai)}.`;
			return { method: r.method, beatsAll, meetsTarget, sentence };
		});
}

