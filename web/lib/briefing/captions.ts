/**
 * The words every printed or exported picture carries (the briefing pack, the map and chart
 * PNGs): title, period, categories named, the data's source and licence. Pure: the pages pass
 * what they know (filters, the months the data holds, the manifest's attribution).
 */
import { listWords, rangeWords, type MonthRange } from '$analytics/compare/periods';
import { CATEGORY_LABEL } from '$analytics/explore/aggregates';
import { datasetLabels, type ExploreDataset, type LabelledSource } from '$analytics/explore/filters';
import { categoryLabel } from '$analytics/explore/time-views';
import { formatCount, formatPercent } from '../charts/format';

/** The protective markings offered (Government Security Classifications); 'none' prints no line. */
export const MARKINGS = ['OFFICIAL', 'OFFICIAL-SENSITIVE', 'none'] as const;
export type Marking = (typeof MARKINGS)[number];
/** The marking when the URL names none. */
export const DEFAULT_MARKING: Marking = 'OFFICIAL';

/** `marking=` of the URL: one of MARKINGS (any case), else the default. */
export function parseMarking(value: string | null | undefined): Marking {
	const v = (value ?? '').trim();
	if (v.toLowerCase() === 'none') return 'none';
	return (MARKINGS as readonly string[]).includes(v.toUpperCase()) ? (v.toUpperCase() as Marking) : DEFAULT_MARKING;
}

/** The period shown: the filters' from/to, an open end taken from the data's first or last month. */
export function periodOf(from: string | null, to: string | null, data: { firstMonth: string; lastMonth: string }): MonthRange {
	return { from: from ?? data.firstMonth, to: to ?? data.lastMonth };
}

/** "March–May 2019 (3 months)" or "December 2017–November 2019 (24 months, all the data)". */
export function periodText(period: MonthRange, months: number, whole = false): string {
	return `${rangeWords(period)} (${months === 1 ? '1 month' : `${months} months`}${whole ? ', all the data' : ''})`;
}

/**
 * The categories by name: "Crime type: all 14", "Crime type: Burglary, Robbery" ("all (the data
 * holds one)" rather than "all 1"). Every chosen
 * category is named (a printed page cannot open a list), in the order given.
 */
export function categoriesText(dataset: ExploreDataset, chosen: readonly string[], available: number): string {
	const what = CATEGORY_LABEL[dataset];
	if (chosen.length === 0) return available === 1 ? `${what}: all (the data holds one)` : `${what}: all ${available}`;
	return `${what}: ${chosen.map((c) => categoryLabel(c)).join(', ')}`;
}

/** "Street crime and ASB", or what the source's files say they are ("Recorded crimes (RMS export)": filters.ts datasetLabels). */
export function datasetText(dataset: ExploreDataset, sources?: readonly LabelledSource[]): string {
	return datasetLabels(sources)[dataset];
}

export interface AttributionEntry {
	dataset: string;
	source: string;
	licence: string;
	text: string;
}

/**
 * One line of sources and licences for a picture: each distinct source once with its licence,
 * then each distinct attribution statement once ("Contains OS data © Crown copyright …").
 */
export function attributionText(entries: readonly AttributionEntry[]): string {
	const sources = [...new Set(entries.map((e) => `${e.source} (${e.licence})`))];
	const statements = [...new Set(entries.map((e) => e.text.trim()).filter((t) => t !== ''))];
	return [`Sources: ${sources.join('; ')}.`, ...statements].join(' ');
}

export interface CaptionInput {
	title: string;
	period: string;
	categories: string;
	/** What the picture shows, e.g. "Records per cell, LSOAs" (optional). */
	subject?: string;
	attribution: string;
}

/** The caption lines of an exported picture, in the order drawn: title, what and when, categories, attribution. */
export function captionLines(c: CaptionInput): string[] {
	return [c.title, [c.subject, c.period].filter(Boolean).join(' · '), c.categories, c.attribution].filter((l) => l.trim() !== '');
}

/**
 * Break `text` into lines no wider than `maxWidth`, by words, with `measure` giving a string's
 * width (a canvas's measureText, or characters in tests). A word wider than a line stands alone.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const next = line ? `${line} ${word}` : word;
		if (line && measure(next) > maxWidth) {
			lines.push(line);
			line = word;
		} else line = next;
	}
	if (line) lines.push(line);
	return lines;
}

/** Categories a published model leaves out as found by police activity: one reading of the models for the briefing and the demand forecast. */
export { policeFoundCategories } from '$analytics/models/harm-weights';

/**
 * The caveat that counts of records are not demand where some are found by police activity:
 * `found` the categories of {@link policeFoundCategories} with their records in the period (in
 * the order given; those with none left out), `total` every record in the period, `period` in
 * words. Null when none of them has a record in the period.
 */
export function policeFoundCaveat(found: ReadonlyArray<{ category: string; records: number }>, total: number, period: string): string | null {
	const present = found.filter((f) => f.records > 0);
	if (present.length === 0 || total <= 0) return null;
	const records = present.reduce((a, f) => a + f.records, 0);
	const names = present.map((f) => categoryLabel(f.category));
	const named = listWords(names);
	const one = records === 1;
	return `${one ? 'The record' : 'Records'} of ${named} (${formatCount(records)}, ${formatPercent(records / total)} of the records in ${period}) ${one ? 'is' : 'are'} mostly found by police activity such as stop and search, not reported by the public: ${one ? 'it shows' : 'they show'} where police looked, not demand or harm. The priority scores leave ${one ? 'it' : 'them'} out; the counts above and the street-record forecast include ${one ? 'it' : 'them'}.`;
}
