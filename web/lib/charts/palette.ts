/**
 * Okabe & Ito (2008) colour-blind-safe palette ("Color Universal Design"), in an order that keeps
 * neighbours distinct. Yellow (#F0E442) is left out: too light for lines on white. Series beyond
 * these are gathered into "Other", drawn in grey and dashed, so no colour is ever reused.
 */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000'] as const;

/** Grey for the "Other" series and for values that are not part of a total. */
export const OTHER_COLOUR = '#767676';

/** The single colour of one-measure bar charts (Okabe–Ito blue). */
export const BAR_COLOUR = '#0072B2';

/** Colour of series `index`, or OTHER_COLOUR beyond the palette. */
export function seriesColour(index: number): string {
	return SERIES_COLOURS[index] ?? OTHER_COLOUR;
}
