/**
 * How a comparison's figures are written (en-GB): whole numbers as counts, a seasonal mean to one
 * decimal, a signed difference ("+12", "−5" with a true minus), a ratio to two decimals; a
 * missing figure as words, never Infinity or NaN.
 */
import { formatCount } from '../charts/format';
import type { ComparedMeasure } from '$analytics/compare/query';
import { datasetLabels, type ExploreDataset, type LabelledSource, type StreetHeld } from '$analytics/explore/filters';
import type { CompareBasis } from '$analytics/compare/periods';

const oneDecimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A count, or a mean with a fraction to one decimal: 1234 → "1,234", 12.333… → "12.3"; null → "—". */
export function formatAmount(value: number | null, { round = false }: { round?: boolean } = {}): string {
	if (value === null || !Number.isFinite(value)) return '—';
	if (round || Number.isInteger(value)) return formatCount(value);
	return oneDecimal.format(value);
}

/** A signed difference: 12 → "+12", −5 → "−5", 0 → "0", 2.5 → "+2.5"; null → "—". */
export function formatDifference(value: number | null, options: { round?: boolean } = {}): string {
	if (value === null || !Number.isFinite(value)) return '—';
	const abs = formatAmount(Math.abs(value), options);
	if (abs === '0' || abs === '0.0') return '0';
	return `${value > 0 ? '+' : '−'}${abs}`;
}

/**
 * A measure's difference as a table row shows it: with `round` (harm, shown as whole days), the
 * difference of the two rounded values, so the row adds up as printed (114,772 − 99,742 is shown
 * as +15,030, not the rounded exact +15,029).
 */
export function formatShownDifference(m: Pick<ComparedMeasure, 'current' | 'comparison' | 'difference'>, options: { round?: boolean } = {}): string {
	if (options.round && m.comparison !== null && Number.isFinite(m.comparison) && Number.isFinite(m.current)) {
		return formatDifference(Math.round(m.current) - Math.round(m.comparison), options);
	}
	return formatDifference(m.difference, options);
}

/** A ratio to two decimals (1.25 → "1.25"); no ratio → its reason in words. */
export function formatRatio(m: Pick<ComparedMeasure, 'ratio' | 'ratioNote'>): string {
	if (m.ratio === null || !Number.isFinite(m.ratio)) return m.ratioNote ? 'no ratio' : '—';
	return twoDecimals.format(m.ratio);
}

/** The change in words for a screen reader and a hover: "up 25%", "down 10%", "no change", "no ratio: …". */
export function changeWords(m: Pick<ComparedMeasure, 'ratio' | 'ratioNote' | 'difference'>): string {
	if (m.difference === null) return m.ratioNote ?? 'no comparison';
	if (m.ratio === null || !Number.isFinite(m.ratio)) return m.ratioNote ?? 'no ratio';
	const pct = Math.round((m.ratio - 1) * 100);
	return pct === 0 ? 'about the same' : pct > 0 ? `up ${pct}%` : `down ${-pct}%`;
}

/**
 * The records row's name in a comparison table: "Records (street crime and ASB)",
 * "Records (stop and search, chosen categories)", "Records (anti-social behaviour)" for street records
 * that hold only that (`held`: datasetLabels). Only the label's first letter is lowered, so an
 * abbreviation (ASB) keeps its capitals.
 */
export function recordsLabel(dataset: ExploreDataset, chosenCategories: number, sources?: readonly LabelledSource[], held?: StreetHeld | null): string {
	const label = datasetLabels(sources, held)[dataset];
	const lowered = /^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label;
	return `Records (${lowered}${chosenCategories > 0 ? ', chosen categories' : ''})`;
}

/**
 * What the comparison column holds, for a table's caption and note: "comparison period", or for
 * the seasonal average "mean of the 2 years in the data"; with no year in the data, "seasonal
 * average" (never "the mean of the 0 years").
 */
export function basisWords(basis: CompareBasis, yearsInData: number): string {
	if (basis !== 'seasonal-3y') return 'comparison period';
	if (yearsInData === 0) return 'seasonal average';
	return `mean of ${yearsInData === 1 ? 'the 1 year' : `the ${yearsInData} years`} in the data`;
}
