/**
 * Class breaks for the map legend and a colour-blind-safe sequential palette.
 *
 * Methods: quantile (about the same number of cells per class) and Jenks natural breaks
 * computed with simple-statistics' ckmeans (Wang & Song 2011: optimal 1-D k-means by dynamic
 * programming, the exact form of Jenks' goal of minimising within-class variance). Breaks are
 * the upper bounds of the classes: class k covers (breaks[k−1], breaks[k]], the first
 * [min, breaks[0]] — the shape analytics/explore/map/layer.ts's ClassScheme expects.
 *
 * Palette: viridis (van der Walt & Smith), perceptually uniform and readable with the common
 * colour-vision deficiencies and in greyscale; sampled light to dark so higher values are
 * darker, from d3-scale-chromatic.
 */
import { ckmeans, quantileSorted } from 'simple-statistics';
import { interpolateViridis } from 'd3-scale-chromatic';

export type ClassMethod = 'quantile' | 'jenks';

export const CLASS_METHOD_LABELS: Record<ClassMethod, string> = {
	quantile: 'Quantiles (equal counts)',
	jenks: 'Natural breaks (Jenks, ckmeans)'
};

export interface Classes {
	method: ClassMethod;
	/** Lower bound of the first class (minimum value). */
	min: number;
	/** Upper bounds, ascending and distinct; the last is the maximum value. */
	breaks: number[];
	/** One colour per class, light to dark. */
	colours: string[];
}

/** `k` colours of viridis, light (low values) to dark (high values); the yellow end is kept off white. */
export function sequentialColours(k: number): string[] {
	if (k <= 0) return [];
	if (k === 1) return [toHex(interpolateViridis(0.5))];
	// Sample viridis from its light end (t = 0.95) to its dark end (t = 0.05).
	return Array.from({ length: k }, (_, i) => toHex(interpolateViridis(0.95 - (0.9 * i) / (k - 1))));
}

function toHex(colour: string): string {
	if (colour.startsWith('#')) return colour;
	const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour);
	if (!m) return colour;
	return '#' + [m[1], m[2], m[3]].map((v) => Number(v).toString(16).padStart(2, '0')).join('');
}

/**
 * Classes of `values` (nulls and non-finite values ignored) into at most `k` classes. Fewer
 * classes come back when there are fewer distinct values; no values give no classes.
 */
export function classBreaks(values: ReadonlyArray<number | null>, method: ClassMethod, k = 5): Classes {
	const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
	if (xs.length === 0) return { method, min: 0, breaks: [], colours: [] };
	const distinct = new Set(xs).size;
	const n = Math.max(1, Math.min(Math.floor(k), distinct));
	let breaks: number[];
	if (method === 'jenks') {
		breaks = ckmeans(xs, n).map((cluster) => cluster[cluster.length - 1]);
	} else {
		breaks = Array.from({ length: n }, (_, i) => quantileSorted(xs, (i + 1) / n));
	}
	breaks[breaks.length - 1] = xs[xs.length - 1];
	breaks = [...new Set(breaks)].sort((a, b) => a - b);
	return { method, min: xs[0], breaks, colours: sequentialColours(breaks.length) };
}

/** 0-based class of a value under `breaks` (null for null / NaN / no classes). */
export function classOf(value: number | null, breaks: readonly number[]): number | null {
	if (value === null || !Number.isFinite(value) || breaks.length === 0) return null;
	for (let k = 0; k < breaks.length; k++) if (value <= breaks[k]) return k;
	return breaks.length - 1;
}
