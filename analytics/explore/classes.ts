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
import { quantileSorted } from 'simple-statistics';
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
	const xs = sortedFinite(values);
	if (xs.length === 0) return { method, min: 0, breaks: [], colours: [] };
	let distinct = 1;
	for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[i - 1]) distinct++;
	const n = Math.max(1, Math.min(Math.floor(k), distinct));
	let breaks: number[];
	if (method === 'jenks') {
		breaks = ckmeansBreaks(xs, n);
	} else {
		breaks = Array.from({ length: n }, (_, i) => quantileSorted(xs as number[], (i + 1) / n));
	}
	breaks[breaks.length - 1] = xs[xs.length - 1];
	breaks = [...new Set(breaks)].sort((a, b) => a - b);
	return { method, min: xs[0], breaks, colours: sequentialColours(breaks.length) };
}

/**
 * The finite values, ascending: a typed array's numeric sort (the same order as sorting by
 * `a - b`, without a call per comparison), or, when a −0 is among them (which that sort puts
 * before 0 where `a - b` keeps their input order), the plain sort.
 */
function sortedFinite(values: ReadonlyArray<number | null>): ArrayLike<number> & Iterable<number> {
	const kept = new Float64Array(values.length);
	let n = 0;
	for (const v of values) {
		if (v === null || !Number.isFinite(v)) continue;
		if (Object.is(v, -0)) return values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
		kept[n++] = v;
	}
	return kept.subarray(0, n).sort();
}

/**
 * The last value of each of simple-statistics' `ckmeans(sorted, k)` clusters, computed by the
 * same dynamic programme (Ckmeans 3.4.6's divide and conquer, step for step: the same sums, the
 * same comparisons, the same ties), on flat typed arrays instead of k arrays of n numbers and
 * without copying and sorting the input again (nationally, 50,387 cells: several times faster).
 * `sorted`: ascending finite numbers; 1 ≤ k ≤ their count. ckmeans itself is the reference
 * (classes.test.ts compares the two).
 */
export function ckmeansBreaks(sorted: ArrayLike<number>, k: number): number[] {
	const n = sorted.length;
	if (k > n) throw new Error('cannot generate more classes than there are data values');
	let unique = 0;
	for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
	if (unique === 1) return [sorted[n - 1]];
	const matrix = new Float64Array(k * n);
	const back = new Int32Array(k * n);
	const sums = new Float64Array(n);
	const squares = new Float64Array(n);
	const ssq = (j: number, i: number): number => {
		let sji: number;
		if (j > 0) {
			const muji = (sums[i] - sums[j - 1]) / (i - j + 1);
			sji = squares[i] - squares[j - 1] - (i - j + 1) * muji * muji;
		} else {
			sji = squares[i] - (sums[i] * sums[i]) / (i + 1);
		}
		return sji < 0 ? 0 : sji;
	};
	// Shift values by the median to improve numeric stability (as ckmeans does).
	const shift = sorted[Math.floor(n / 2)];
	for (let i = 0; i < n; i++) {
		const v = sorted[i] - shift;
		sums[i] = i === 0 ? v : sums[i - 1] + v;
		squares[i] = i === 0 ? v * v : squares[i - 1] + v * v;
		matrix[i] = ssq(0, i);
		back[i] = 0;
	}
	const fill = (iMin: number, iMax: number, cluster: number): void => {
		if (iMin > iMax) return;
		const i = Math.floor((iMin + iMax) / 2);
		const row = cluster * n;
		const prev = (cluster - 1) * n;
		matrix[row + i] = matrix[prev + i - 1];
		back[row + i] = i;
		let jlow = cluster;
		if (iMin > cluster) jlow = Math.max(jlow, back[row + iMin - 1]);
		jlow = Math.max(jlow, back[prev + i]);
		let jhigh = i - 1;
		if (iMax < n - 1) jhigh = Math.min(jhigh, back[row + iMax + 1]);
		for (let j = jhigh; j >= jlow; --j) {
			const sji = ssq(j, i);
			if (sji + matrix[prev + jlow - 1] >= matrix[row + i]) break;
			// Examine the lower bound of the cluster border.
			const ssqjlow = ssq(jlow, i) + matrix[prev + jlow - 1];
			if (ssqjlow < matrix[row + i]) {
				matrix[row + i] = ssqjlow;
				back[row + i] = jlow;
			}
			jlow++;
			const ssqj = sji + matrix[prev + j - 1];
			if (ssqj < matrix[row + i]) {
				matrix[row + i] = ssqj;
				back[row + i] = j;
			}
		}
		fill(iMin, i - 1, cluster);
		fill(i + 1, iMax, cluster);
	};
	for (let cluster = 1; cluster < k; ++cluster) fill(cluster < k - 1 ? cluster : n - 1, n - 1, cluster);
	// Backtrack from the last value: each cluster's right end.
	const breaks = new Array<number>(k);
	let right = n - 1;
	for (let cluster = k - 1; cluster >= 0; cluster--) {
		const left = back[cluster * n + right];
		// ckmeans' cluster is sorted[left … right]; its last value (undefined were it empty, as there).
		breaks[cluster] = left <= right ? sorted[right] : (undefined as unknown as number);
		if (cluster > 0) right = left - 1;
	}
	return breaks;
}

/** 0-based class of a value under `breaks` (null for null / NaN / no classes). */
export function classOf(value: number | null, breaks: readonly number[]): number | null {
	if (value === null || !Number.isFinite(value) || breaks.length === 0) return null;
	for (let k = 0; k < breaks.length; k++) if (value <= breaks[k]) return k;
	return breaks.length - 1;
}
