/**
 * Legend entries for the map: one per class of the sequential scheme (with its range), and the
 * diverging hot/cold classes of the Gi* mode. Colours are colour-blind safe: ColorBrewer's RdBu
 * diverging scheme (Brewer, colorbrewer2.org, "colorblind safe" for 7 classes) for hot spots.
 */
import type { GiStarBin } from '../../clusters/gistar';
import { NO_VALUE_COLOUR, type ClassScheme } from './layer';

export interface LegendItem {
	/** 1-based class number as in the table's `class` column; null for "no value". */
	class: number | null;
	colour: string;
	/** Lower and upper bound of the class (lower exclusive except for the first class). */
	from: number | null;
	to: number | null;
	label: string;
	/** Cells in this class on the current layer. */
	cells: number;
}

/**
 * The legend of a sequential scheme: class k covers (breaks[k−1], breaks[k]], the first
 * [min, breaks[0]]. `classes` are the class numbers of the drawn cells (null = no value), used
 * to count cells per class; a "No value" item is added when some cell has none. Classes whose
 * bounds are equal after formatting are still listed, so the count of items is the count of
 * colours.
 */
export function sequentialLegend(scheme: ClassScheme, classes: ReadonlyArray<number | null>, format: (v: number) => string): LegendItem[] {
	const counts = new Map<number | null, number>();
	for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
	const items: LegendItem[] = scheme.breaks.map((to, k) => {
		const from = k === 0 ? scheme.min : scheme.breaks[k - 1];
		const label = k === 0 ? `${format(from)} to ${format(to)}` : `over ${format(from)} to ${format(to)}`;
		return { class: k + 1, colour: scheme.colours[k] ?? scheme.colours[scheme.colours.length - 1], from, to, label, cells: counts.get(k + 1) ?? 0 };
	});
	const none = counts.get(null) ?? 0;
	if (none > 0) items.push({ class: null, colour: NO_VALUE_COLOUR, from: null, to: null, label: 'No value', cells: none });
	return items;
}

/** ColorBrewer RdBu (7 classes), keyed by Gi* bin: red for hot, blue for cold, near-white not significant. */
export const HOT_SPOT_COLOURS: Record<GiStarBin, string> = {
	3: '#b2182b',
	2: '#ef8a62',
	1: '#fddbc7',
	0: '#f7f7f7',
	[-1]: '#d1e5f0',
	[-2]: '#67a9cf',
	[-3]: '#2166ac'
};

/** Legend label of a Gi* bin. */
export function giStarBinLabel(bin: GiStarBin): string {
	if (bin === 0) return 'Not significant';
	const confidence = Math.abs(bin) === 3 ? 99 : Math.abs(bin) === 2 ? 95 : 90;
	return `${bin > 0 ? 'Hot' : 'Cold'} spot, ${confidence}% confidence`;
}

/** The hot-spot legend, hottest first, with the cells in each bin. */
export function giStarLegend(bins: ReadonlyArray<GiStarBin>): Array<{ bin: GiStarBin; colour: string; label: string; cells: number }> {
	const order: GiStarBin[] = [3, 2, 1, 0, -1, -2, -3];
	return order.map((bin) => ({ bin, colour: HOT_SPOT_COLOURS[bin], label: giStarBinLabel(bin), cells: bins.filter((b) => b === bin).length }));
}
