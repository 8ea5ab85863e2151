/**
 * Held-out accuracy of the THR ranking measured on harm, over the force area: for each of the last
 * N months (rolling origins), every THR model and the four simple baselines rank the study region
 * from the data before that month only, and we measure the share of that month's harm (Σ records ×
 * harm weight) their top 1/5/10/20% of the area held, and harm-PAI (that share ÷ the area share).
 * The plain sentences saying where the judged model (the first one, the published model) does not
 * beat a baseline are made here once, for the command line, the Accuracy page and the model card.
 */
import type { QueryRunner } from '../runner';
import type { HarmWeightsModel } from '../models/harm-weights';
import { recordPlacement, type RecordPlacement } from '../force-area';
import { effectiveWeights, type AreaUnit, type ThrModel } from '../thr/model';
import { monthIndex, monthKey } from '../forecast/series';
import { studyRegion, type RegionBasis } from './data';
import { evaluateHotspots, harmBaselines, type KdeOptions, type MethodEvaluation } from './rank';
import { thrHotspotMethod, thrMethodLabel, thrMethodName } from './thr';
import { pairedLeadTest, type PairedLead } from './paired';
import { listWords } from '../compare/periods';

/** A THR model file and the harm weight table it references. */
export interface AccuracyModel {
	model: ThrModel;
	weights: HarmWeightsModel;
}

export interface HarmAccuracyOptions {
	/**
	 * THR models to compare, e.g. [v3, v2]. The first is the one judged against the baselines (the
	 * published model), and its effective weights and exclusions define harm for every method.
	 */
	models: readonly AccuracyModel[];
	/** Rolling origins: the last `months` months up to `lastMonth`, each predicted from the months before it; default 12. */
	months?: number;
	/** Last test month (YYYY-MM); default the last month of `incidents`. */
	lastMonth?: string;
	/** Default 'lsoa'. */
	level?: AreaUnit;
	/** Default 1%, 5%, 10%, 20%. */
	areaShares?: readonly number[];
	kde?: KdeOptions;
}

/** The verdict at one area share on the judged model against the baselines. */
export interface ShareVerdict {
	areaShare: number;
	/** Mean share of the next month's harm the judged model's top areas held (null: no harm in any test month). */
	held: number | null;
	/** The baseline with the largest mean share (first in order on a tie). */
	best: { method: string; label: string; held: number | null } | null;
	/** Baselines whose mean share is at least the judged model's: it does not beat them here. */
	notBeaten: string[];
	/**
	 * True when the judged model is ahead of every baseline by less than 0.1 percentage points of
	 * the month's harm on average (the tables' precision): too small a lead to matter, whatever the
	 * months say, and never called a win in words.
	 */
	marginal: boolean;
	/** Per baseline (in the evaluations' order): the month-by-month comparison of the judged model with it (pairedLeadTest: the judged model's figure first). */
	paired: Array<{ method: string } & PairedLead>;
	/**
	 * Baselines the judged model is ahead of on average, by 0.1 points or more, but not month by
	 * month beyond chance (one-sided paired signed-rank test, p ≥ {@link WIN_LEVEL}): no evidence
	 * that it does better, never called a win in words. Empty where it does not lead at all.
	 */
	withinChance: string[];
	/** One plain sentence with the figures. */
	sentence: string;
}

export interface HarmAccuracy {
	measure: 'harm';
	/** Unit of harm (the weight table's), e.g. "days of imprisonment (CCHI)". */
	unit: string;
	/** The model whose effective weights define harm, e.g. "thr 3.0.0". */
	harmDefinedBy: string;
	level: AreaUnit;
	/** Origins asked for, and the test months there were data for (oldest first). */
	requestedMonths: number;
	testMonths: string[];
	/** The study region at the last origin. */
	region: { basis: RegionBasis; areas: number; forceArea: string | null; warnings: string[] };
	/** Street records inside and outside the force area, and without a location. */
	records: RecordPlacement;
	/** Method name of the judged model (the first of `models`). */
	judged: string;
	evaluations: MethodEvaluation[];
	verdicts: ShareVerdict[];
	/** One plain statement of where the judged model does not beat a baseline (or that it beats them all). */
	statement: string;
}

/**
 * Test months for `count` rolling origins ending at `lastMonth` (default the last month of
 * `incidents`): consecutive months, never the first month with data (it has nothing before it).
 * Fewer when the data is shorter; empty without data. Reads months only.
 */
export async function harmTestMonths(runner: QueryRunner, count: number, lastMonth?: string): Promise<string[]> {
	if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`months must be a whole number ≥ 1, got ${count}`);
	const [r] = await runner.rows<{ first: number | null; last: number | null }>('SELECT min(month_index) AS first, max(month_index) AS last FROM incidents');
	if (r.first === null || r.last === null) return [];
	const last = lastMonth ? monthIndex(lastMonth) : r.last;
	const from = Math.max(r.first + 1, last - count + 1);
	return Array.from({ length: Math.max(0, last - from + 1) }, (_, i) => monthKey(from + i));
}

/**
 * The harm accuracy of the THR models and the baselines (last month's harm, 12-month harm, last
 * month's counts, kernel density of counts) over the last `months` months: see the module note.
 * Null when there are no test months (one month of data or none). Throws when a model's weight
 * table is not the one it references.
 */
export async function harmAccuracy(runner: QueryRunner, options: HarmAccuracyOptions): Promise<HarmAccuracy | null> {
	if (options.models.length === 0) throw new RangeError('harmAccuracy: no THR model to evaluate');
	const requestedMonths = options.months ?? 12;
	const level = options.level ?? 'lsoa';
	const testMonths = await harmTestMonths(runner, requestedMonths, options.lastMonth);
	if (testMonths.length === 0) return null;
	const [first] = options.models;
	const weights = effectiveWeights(first.model, first.weights);
	const names = options.models.map((m) => thrMethodName(m.model));
	if (new Set(names).size !== names.length) throw new RangeError(`harmAccuracy: two models share the name ${names.find((n, i) => names.indexOf(n) !== i)}`);
	const methods = [
		...options.models.map((m, i) => thrHotspotMethod({ model: m.model, weights: m.weights, name: names[i] })),
		...harmBaselines({ weights, kde: options.kde })
	];
	const evaluations = await evaluateHotspots(runner, { table: 'incidents', level, testMonths, methods, areaShares: options.areaShares, measure: 'harm', harmWeights: weights });
	const region = await studyRegion(runner, { table: 'incidents', level, trainEnd: monthKey(monthIndex(testMonths.at(-1)!) - 1) });
	const records = await recordPlacement(runner, 'incidents');
	const regionNoun = region.forceArea ? 'the force area' : 'the study region';
	const verdicts = harmVerdicts(evaluations, { judged: names[0], months: testMonths.length, regionNoun });
	return {
		measure: 'harm',
		unit: first.weights.unit,
		harmDefinedBy: `${first.model.id} ${first.model.version}`,
		level,
		requestedMonths,
		testMonths,
		region: { basis: region.basis, areas: region.areas.length, forceArea: region.forceArea?.name ?? null, warnings: region.warnings },
		records,
		judged: names[0],
		evaluations,
		verdicts,
		statement: harmStatement(evaluations, names[0], verdicts)
	};
}

/** "62%": a share as a whole percentage, or to `decimals` places. */
function percent(value: number | null, decimals = 0): string {
	return value === null ? 'no figure' : `${(100 * value).toFixed(decimals)}%`;
}

/** Area share as people say it: 1%, 5%, 10%, 20%, 2.5%. */
export function shareLabel(share: number): string {
	return `${Number((100 * share).toPrecision(6))}%`;
}

/** Decimals of a percentage that keep these shares apart when they differ (0, else 1, 2, 3 or at most 4). */
function decimalsFor(values: ReadonlyArray<number | null>): number {
	for (const d of [0, 1, 2, 3, 4]) {
		const seen = new Map<string, number>();
		let clash = false;
		for (const v of values) {
			if (v === null) continue;
			const text = (100 * v).toFixed(d);
			const other = seen.get(text);
			if (other !== undefined && other !== v) clash = true;
			seen.set(text, v);
		}
		if (!clash) return d;
	}
	return 4;
}

const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text);

/** A lead smaller than this share of the month's harm (0.1 percentage points, the tables' precision) is never a win. */
export const SMALLEST_LEAD = 0.001;

/** A lead counts as a win over a baseline only when the one-sided paired signed-rank test over the months gives p below this. */
export const WIN_LEVEL = 0.05;

/** "p = 0.50", "p = 0.024", "p < 0.001". */
function pText(p: number): string {
	return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2)).toFixed(Math.max(2, 1 - Math.floor(Math.log10(p))))}`;
}

/** Per share, each method's figure month by month (null: no harm that month), keyed by month. */
function monthlyFigures(e: MethodEvaluation, share: number): Map<string, number | null> {
	return new Map(e.months.map((m) => [m.month, m.metrics[share]?.hitRate ?? null]));
}

/**
 * Per area share, the plain verdict on the `judged` method (by name) against every baseline in
 * `evaluations` (harm measure): what its top share of `regionNoun` held of the next month's harm
 * on average over `months` months, and which baselines held as much or more, with their figures.
 * A lead is called a win only when it is at least 0.1 percentage points ({@link SMALLEST_LEAD})
 * and, against every baseline, the month-by-month differences pass the one-sided paired
 * signed-rank test at {@link WIN_LEVEL} (pairedLeadTest over the evaluations' per-month figures;
 * an evaluation without them can never show a win). Percentages are whole unless two different
 * figures would then read the same (then up to 4 decimals). Throws when `judged` is not among the
 * evaluations.
 */
export function harmVerdicts(evaluations: readonly MethodEvaluation[], options: { judged: string; months: number; regionNoun: string }): ShareVerdict[] {
	const judged = evaluations.find((e) => e.method === options.judged);
	if (!judged) throw new RangeError(`harmVerdicts: no evaluation of ${options.judged}`);
	const baselines = evaluations.filter((e) => e.baseline);
	return judged.mean.map((m, s): ShareVerdict => {
		const held = m.hitRate;
		let best: MethodEvaluation | null = null;
		for (const b of baselines) if (best === null || (b.mean[s].hitRate ?? -1) > (best.mean[s].hitRate ?? -1)) best = b;
		const notBeaten = baselines.filter((b) => (b.mean[s].hitRate ?? 0) >= (held ?? 0)).map((b) => b.method);
		const ours = monthlyFigures(judged, s);
		const paired = baselines.map((b) => {
			const theirs = monthlyFigures(b, s);
			const months = [...ours.keys()].filter((k) => theirs.has(k));
			return { method: b.method, ...pairedLeadTest(months.map((k) => ours.get(k)!), months.map((k) => theirs.get(k)!)) };
		});
		const share = shareLabel(m.areaShare);
		const over = `on average over ${options.months} held-back month${options.months === 1 ? '' : 's'}`;
		const lead = `${judged.label}'s top ${share} of ${options.regionNoun} held ${'{held}'} of the next month's harm ${over}`;
		let sentence: string;
		const bestHeld = best?.mean[s].hitRate ?? null;
		const marginal = held !== null && notBeaten.length === 0 && bestHeld !== null && held - bestHeld < SMALLEST_LEAD;
		const withinChance = held !== null && notBeaten.length === 0 && !marginal ? paired.filter((t) => !(t.p < WIN_LEVEL)).map((t) => t.method) : [];
		if (held === null) {
			sentence = `No harm was recorded in ${options.regionNoun} in the held-back months, so nothing could be measured at ${share}.`;
		} else if (notBeaten.length === 0) {
			const d = decimalsFor([held, bestHeld]);
			const shownSame = percent(held, 1) === percent(bestHeld, 1);
			const chance = withinChance.map((name) => {
				const t = paired.find((x) => x.method === name)!;
				const b = baselines.find((x) => x.method === name)!;
				return `${lowerFirst(b.label)} (ahead in ${t.ahead} of ${t.months} months, behind in ${t.behind}; ${pText(t.p)})`;
			});
			sentence =
				lead.replace('{held}', percent(held, d)) +
				(!best
					? '.'
					: marginal
						? `, more than every baseline by less than 0.1 percentage points (the best, ${lowerFirst(best.label)}, held ${percent(bestHeld, d)})${shownSame ? ": the same to the table's precision, and" : ':'} no evidence that ${judged.label} does better.`
						: chance.length
							? `, more than every baseline (the best, ${lowerFirst(best.label)}, held ${percent(bestHeld, d)}), but month by month no more than chance explains against ${listWords(chance)}, by a one-sided paired signed-rank test: no evidence that ${judged.label} does better.`
							: `, more than every baseline (the best, ${lowerFirst(best.label)}, held ${percent(bestHeld, d)}).`);
		} else {
			const others = notBeaten.map((n) => baselines.find((b) => b.method === n)!);
			const d = decimalsFor([held, ...others.map((b) => b.mean[s].hitRate)]);
			const figures = others.map((b) => `${lowerFirst(b.label)} held ${b.mean[s].hitRate === held ? 'the same' : percent(b.mean[s].hitRate, d)}`);
			const list = listWords(figures);
			const them = others.length === 1 ? 'it' : 'them';
			sentence = `${lead.replace('{held}', percent(held, d))}; ${list}: ${judged.label} does not beat ${them} at ${share}.`;
		}
		return { areaShare: m.areaShare, held, best: best ? { method: best.method, label: best.label, held: bestHeld } : null, notBeaten, marginal, paired, withinChance, sentence };
	});
}


/**
 * One statement of where the judged method does not beat a baseline, baseline by baseline
 * ("THR v3 does not beat 12-month harm at 10% and 20% of the area; last month's counts at 1% of
 * the area, on the share of next month's harm captured. It beats every baseline at 5% of the
 * area."), or that it beats every baseline at every share tested. A share where it is ahead by
 * less than 0.1 percentage points (ShareVerdict.marginal), or ahead but not month by month beyond
 * chance (ShareVerdict.withinChance), is named apart and never called a win.
 */
export function harmStatement(evaluations: readonly MethodEvaluation[], judged: string, verdicts: readonly ShareVerdict[]): string {
	const e = evaluations.find((x) => x.method === judged);
	if (!e) throw new RangeError(`harmStatement: no evaluation of ${judged}`);
	const losing = verdicts.filter((v) => v.notBeaten.length > 0);
	const marginalVerdicts = verdicts.filter((v) => v.marginal);
	const marginal = marginalVerdicts.map((v) => shareLabel(v.areaShare));
	const shownSame = marginalVerdicts.every((v) => percent(v.held, 1) === percent(v.best?.held ?? null, 1));
	const aheadBy = marginal.length
		? ` At ${listWords(marginal)} of the area it is ahead by less than 0.1 percentage points${shownSame ? ", the same to the table's precision" : ''}: no evidence that it does better there.`
		: '';
	const chance = verdicts.filter((v) => v.withinChance.length > 0);
	const label = (name: string) => lowerFirst(evaluations.find((x) => x.method === name)?.label ?? name);
	const chanceText = chance.length
		? ` At ${listWords(chance.map((v) => shareLabel(v.areaShare)))} of the area it is ahead of every baseline on average, but month by month no more than chance explains against ${listWords([...new Set(chance.flatMap((v) => v.withinChance))].map(label))} (one-sided paired signed-rank test, p ≥ ${WIN_LEVEL}): no evidence that it does better there.`
		: '';
	const noEvidence = aheadBy + chanceText;
	const winning = verdicts.filter((v) => v.notBeaten.length === 0 && !v.marginal && v.withinChance.length === 0).map((v) => shareLabel(v.areaShare));
	if (losing.length === 0) {
		if (winning.length === verdicts.length) return `${e.label} beats every baseline on the share of next month's harm captured, at every area share tested (${listWords(verdicts.map((v) => shareLabel(v.areaShare)))}).`;
		return (
			(winning.length
				? `${e.label} beats every baseline on the share of next month's harm captured at ${listWords(winning)} of the area.`
				: `${e.label} does not clearly beat the baselines on the share of next month's harm captured at any area share tested.`) + noEvidence
		);
	}
	const byBaseline = new Map<string, string[]>();
	for (const v of losing) for (const b of v.notBeaten) byBaseline.set(b, [...(byBaseline.get(b) ?? []), shareLabel(v.areaShare)]);
	// Baselines not beaten at the same shares are named together.
	const byShares = new Map<string, string[]>();
	for (const [b, shares] of byBaseline) byShares.set(shares.join('|'), [...(byShares.get(shares.join('|')) ?? []), label(b)]);
	const parts = [...byShares].map(([key, names]) => {
		const shares = key.split('|');
		const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
		return `${who} at ${shares.length === verdicts.length ? 'any area share tested' : `${listWords(shares)} of the area`}`;
	});
	return (
		`${e.label} does not beat ${parts.join('; ')}, on the share of next month's harm captured. ` +
		(winning.length ? `It beats every baseline at ${listWords(winning)} of the area.` : 'At no area share tested does it beat every baseline.') +
		noEvidence
	);
}

/** One row per method, test month and area share: the per-origin figures behind the means (CSV/JSON). */
export function evaluationRows(evaluations: readonly MethodEvaluation[]): Array<{
	method: string;
	measure: string;
	month: string;
	area_share: number;
	total: number;
	captured: number;
	share_captured: number | null;
	pai: number | null;
	pei_star: number | null;
}> {
	return evaluations.flatMap((e) =>
		e.months.flatMap((m) =>
			m.metrics.map((x) => ({
				method: e.method,
				measure: e.measure,
				month: m.month,
				area_share: x.areaShare,
				total: x.crimes,
				captured: x.captured,
				share_captured: x.hitRate,
				pai: x.pai,
				pei_star: x.peiStar
			}))
		)
	);
}
