/**
 * Figures and sentences of the THR pages rounded for reading. The exact values (binary
 * expansions of scores, p-values, shrinkage) stay one click away in each page's "Statistics"
 * disclosure; nothing here computes a score, it only words what analytics/thr computed.
 */
import { SCORE_UNITS, monthIndex, monthLabel, readableNumber, type Comparison, type ComponentDifference, type ComponentRun, type ScoreResult } from '$analytics/thr';
import { monthWords, rangeWords } from '$analytics/compare/periods';
import { formatCount, formatWeight, plural } from '../charts/format';

/** A score (0–1) for reading: 0.9287… → "0.93". */
export function score2(value: number): string {
	return value.toFixed(2);
}

/** A contribution or normalised value for reading: 2 decimals, "0.00" for zero. */
export function decimal2(value: number): string {
	return value.toFixed(2);
}

/**
 * A component's raw value for reading, by its unit: CCHI days as the reason sentence prints them
 * (readableNumber: whole days with thousands separators, one decimal below 10, so 3.66 days is
 * not read as 4), ratios to 2 decimals, anything else up to 2 decimals. Non-finite values read "—".
 */
export function readableRaw(value: number, unit: string): string {
	if (!Number.isFinite(value)) return '—';
	if (/ratio/i.test(unit)) return value.toFixed(2);
	if (/days/i.test(unit)) return readableNumber(value);
	return formatWeight(value);
}

/** A unit or label without its trailing parenthesis: "ratio (recent ÷ expected …)" → "ratio"; "Threat (credible rise)" → "Threat". */
export function shortUnit(unit: string): string {
	return unit.replace(/\s*\(.*\)\s*$/, '');
}

/** +0.32 / −0.05 / ±0.00, with a real minus sign. */
export function signed2(value: number): string {
	const text = Math.abs(value).toFixed(2);
	return `${text === '0.00' ? '±' : value > 0 ? '+' : '−'}${text}`;
}

function pair(d: ComponentDifference, flip: boolean): string {
	const [x, y] = flip ? [d.rawB, d.rawA] : [d.rawA, d.rawB];
	return `${readableRaw(x, d.unit)} against ${readableRaw(y, d.unit)} ${shortUnit(d.unit)}`;
}

/**
 * "Why is A above B" in plain words, from {@link compareAreas}: which component gives most of
 * the score gap (with both raw values in their unit), what the others add or take back, and for
 * equal scores which tie-rule key decided. Areas are named by `name(id)` (default: the id).
 * Components with no difference in contribution are said to make none.
 */
export function whyAbove(c: Comparison, name: (areaId: string) => string = (id) => id): string {
	const flip = c.higher === 'b';
	const hi = flip ? c.b : c.a;
	const lo = flip ? c.a : c.b;
	const sign = flip ? -1 : 1;
	const lead = `${name(hi.areaId)} ranks above ${name(lo.areaId)}`;
	if (c.decidedBy !== 'score') {
		const key = c.components.find((d) => d.componentId === c.decidedBy);
		const by = key ? `its ${shortUnit(key.label)} is larger (${pair(key, flip)})` : c.decidedBy === 'area_id' ? 'its area code comes first' : `by ${c.decidedBy}`;
		return `${lead}: both score ${score2(hi.score)}, and the tie rule puts it first because ${by}.`;
	}
	const gap = Math.abs(c.scoreDifferenceUnits);
	const parts = c.components.map((d) => ({ d, units: d.differenceUnits * sign, value: d.difference * sign }));
	const forHi = parts.filter((p) => p.units > 0);
	const against = parts.filter((p) => p.units < 0);
	const none = parts.filter((p) => p.units === 0);
	const sentences: string[] = [];
	const [main, ...more] = forHi;
	const mostly = main && main.units * 2 > gap ? 'most of the gap' : 'the largest part of the gap';
	const label = (d: ComponentDifference) => shortUnit(d.label);
	// A difference that rounds to 0.00 still exists: say "under 0.01" rather than "±0.00".
	const amount = (v: number, signedText: boolean) => (Math.abs(v) < 0.005 ? 'under 0.01' : signedText ? signed2(v) : decimal2(Math.abs(v)));
	sentences.push(`${lead}: its score is higher by ${gap / SCORE_UNITS < 0.005 ? 'under 0.01' : decimal2(gap / SCORE_UNITS)}.`);
	if (main) sentences.push(`${label(main.d)} gives ${mostly} (${amount(main.value, true)}: ${pair(main.d, flip)}).`);
	for (const p of more) sentences.push(`${label(p.d)} adds ${amount(p.value, true)} (${pair(p.d, flip)}).`);
	for (const p of against) sentences.push(`${label(p.d)} takes back ${amount(p.value, false)} (${pair(p.d, flip)}).`);
	if (none.length) sentences.push(`${none.map((p) => label(p.d)).join(' and ')} make${none.length === 1 ? 's' : ''} no difference.`);
	return sentences.join(' ');
}

const threeFigures = new Intl.NumberFormat('en-GB', { maximumSignificantDigits: 3, maximumFractionDigits: 20 });

/**
 * A p-value as a statistician reports it: "< 0.001" below 0.001, else 3 significant figures in
 * plain decimals, never e-notation (0.03817 → "0.0382", 0.5 → "0.5", 1 → "1"). Not finite → "—".
 */
export function pValue(p: number): string {
	if (!Number.isFinite(p)) return '—';
	const shown = Number(p.toPrecision(3));
	return shown < 0.001 ? '< 0.001' : threeFigures.format(shown);
}

/** "p = 0.0382", "p < 0.001" (pValue with its relation); `name` for "two-sided p" and the like. */
export function pStatement(p: number, name = 'p'): string {
	const text = pValue(p);
	return text.startsWith('<') ? `${name} ${text}` : `${name} = ${text}`;
}

/**
 * What a one-sided p-value says to a reader who is not a statistician: how often chance alone
 * would give a count at least this high if the usual rate held. Below 0.001 "less than 1 time in
 * 1,000"; below 0.5 "about 1 time in N" (N = 1/p rounded, with separators); otherwise "more often
 * than not". Not finite → "—".
 */
export function chanceWords(p: number): string {
	if (!Number.isFinite(p)) return '—';
	if (Number(p.toPrecision(3)) < 0.001) return 'less than 1 time in 1,000';
	if (p < 0.5) return `about 1 time in ${formatCount(Math.round(1 / p))}`;
	return 'more often than not';
}

/**
 * A scoring warning (ScoreResult.warnings, written with "YYYY-MM" months) in the app's words:
 * "2022-01…2022-09" → "January–September 2022", "2017-12" → "December 2017". Two warnings are
 * reworded: "only 0 months of data before the recent 3 (fewer than 3)" reads "no months of data
 * before the recent 3 (it needs at least 3)"; and, given the assessment month, "the longest window
 * (2021-04)" names the window's length ("the 12-month windows (April 2021)"), since the page also
 * names the model's longer look-back (Threat's 15 months) and "longest" would contradict it.
 */
export function readableWarning(warning: string, month?: string): string {
	return warning
		.replace(/\bonly 0 months of data before\b/, 'no months of data before')
		.replace(/\(fewer than (\d+)\), so there is no baseline/, '(it needs at least $1), so there is no baseline')
		.replace(/\bafter the start of the longest window \((\d{4}-\d{2})\)/, (text: string, start: string) =>
			month && monthIndex(month) >= monthIndex(start) ? `after the start of the score's ${monthIndex(month) - monthIndex(start) + 1}-month windows (${start})` : text
		)
		.replace(/\b(\d{4}-\d{2})…(\d{4}-\d{2})\b/g, (_, from: string, to: string) => rangeWords({ from, to }))
		.replace(/\b\d{4}-(0[1-9]|1[0-2])\b/g, (m: string) => monthWords(m));
}

/** The months a score reads, as the Priorities page words them. */
export interface ReadMonths {
	/** The look-back window's first month ("YYYY-MM"): its longest component window, ending with the assessment month. */
	windowFrom: string;
	/** The first month of the window the data has records in (the window's start when the data reaches back that far). */
	from: string;
	/** The assessment month. */
	to: string;
	/** The sentence: "the 15 months the score reads (October 2021–December 2022)", or, when the data starts inside the window, the months with data and why the look-back is longer. */
	words: string;
}

/**
 * The months a score reads for the loaded data: the longest window of the model ending with the
 * assessment month, cut at the data's first month when the data starts later (Lancashire 2022,
 * December: a 15-month look-back from October 2021, read January–December 2022). With no records
 * up to the month (dataRange.first null) the whole window is named.
 */
export function readMonths(result: Pick<ScoreResult, 'month' | 'monthIndex' | 'dataRange'>, lookback: number): ReadMonths {
	const windowFrom = monthLabel(result.monthIndex - lookback + 1);
	const first = result.dataRange.first;
	const cut = first !== null && monthIndex(first) > monthIndex(windowFrom) && monthIndex(first) <= result.monthIndex;
	const from = cut ? first : windowFrom;
	const span = rangeWords({ from, to: result.month });
	const words = cut
		? `the ${result.monthIndex === monthIndex(from) ? 'one month' : `${result.monthIndex - monthIndex(from) + 1} months`} with data the score reads (${span}; its ${lookback}-month look-back starts in ${monthWords(windowFrom)}, but the data has no records before ${monthWords(first)})`
		: `the ${lookback} months the score reads (${span})`;
	return { windowFrom, from, to: result.month, words };
}

/**
 * The components an incident row feeds (areaIncidents: component ids, Threat's with ":recent" or
 * ":baseline"), named as the page names them: ["harm", "threat:recent", "risk"] → "Harm, Threat
 * (recent 3 months), Risk". An id the model does not have is shown as it is; none → "—".
 */
export function feedsWords(ids: readonly string[], model: Pick<ScoreResult['model'], 'components'>): string {
	if (ids.length === 0) return '—';
	return ids
		.map((id) => {
			const [componentId, part] = id.split(':');
			const c = model.components.find((x) => x.id === componentId);
			if (!c) return id;
			const label = shortUnit(c.label);
			if (part === 'recent' && c.kind === 'threat') return `${label} (recent ${plural(c.recent_months, 'month')})`;
			if (part === 'baseline') return `${label} (baseline)`;
			return label;
		})
		.join(', ');
}

/** A model named by id and version ("thr 3.0.0", HarmAccuracy.harmDefinedBy) as the pages name it: "thr v3.0.0". */
export function modelVersionText(idAndVersion: string): string {
	return idAndVersion.replace(/^(\S+) (\d\S*)$/, '$1 v$2');
}

/**
 * Threat's months in words, as the data has them: "Recent September–November 2019 against the
 * baseline September 2018–August 2019." Where the data starts inside the window, the months it
 * has: "Recent October–December 2022 against the baseline January–September 2022 (9 of its 12
 * months; the data starts in January 2022)."; with no baseline month in the data (Lancashire,
 * March 2022) "Recent January–March 2022, with no baseline: the data has no month before them
 * (its baseline, April–December 2021, is before the data starts in January 2022)."
 */
export function threatMonthsWords(result: Pick<ScoreResult, 'dataRange'>, run: Pick<ComponentRun, 'recent' | 'baseline'>): string {
	if (!run.recent || !run.baseline) return '';
	const first = result.dataRange.first;
	const at = (m: string) => monthIndex(m);
	const cutAt = (from: string) => (first !== null && at(first) > at(from) ? first : from);
	const recent = rangeWords({ from: cutAt(run.recent.from), to: run.recent.to });
	const { from, to } = run.baseline;
	const months = at(to) - at(from) + 1;
	if (first !== null && at(first) > at(to)) {
		return `Recent ${recent}, with no baseline: the data has no month before them (its baseline, ${rangeWords({ from, to })}, is before the data starts in ${monthWords(first)}).`;
	}
	const start = cutAt(from);
	const covered = at(to) - at(start) + 1;
	return `Recent ${recent} against the baseline ${rangeWords({ from: start, to })}${covered < months ? ` (${covered} of its ${months} months; the data starts in ${monthWords(first!)})` : ''}.`;
}

/**
 * The text alternative of an area's score trend, months in words: "THR score of E01032739: score
 * from 0.912 (November 2018) to 0.950 (November 2019), 13 of 13 months scored"; "…: no scores in
 * the previous months" when none is scored.
 */
export function trendWords(label: string, series: ReadonlyArray<{ month: string; score: number | null }>): string {
	const known = series.filter((p) => p.score !== null);
	if (known.length === 0) return `${label}: no scores in the previous months`;
	const [a, b] = [known[0], known.at(-1)!];
	return `${label}: score from ${a.score!.toFixed(3)} (${monthWords(a.month)}) to ${b.score!.toFixed(3)} (${monthWords(b.month)}), ${known.length} of ${series.length} months scored`;
}
