/**
 * Getis-Ord Gi* hot spots: z-scores, Benjamini–Hochberg false-discovery-rate correction, hot/cold
 * classes with confidence, spatial weights (H3 rings, queen contiguity, distance bands) and a
 * Mann–Kendall trend of each area's Gi* over recent periods. Pure TypeScript: no SQL, no DOM.
 *
 * Gi* (Getis & Ord 1992, Geographical Analysis 24:189–206; standardised form of Ord & Getis 1995,
 * Geographical Analysis 27:286–306), for area i with weights w_ij that include j = i:
 *
 *   Gi* = (Σ_j w_ij x_j − X̄ W_i) / (S √[(n S1_i − W_i²) / (n − 1)])
 *
 * with W_i = Σ_j w_ij, S1_i = Σ_j w_ij², X̄ the mean and S the population standard deviation of
 * x over all n areas. It is the z-score of the local sum L_i = Σ_j w_ij x_j under random
 * relabelling of the areas, and is read against the standard normal distribution.
 */
import { getResolution, gridDisk, isValidCell } from 'h3-js';

/** A spatial weights list in the Gi* star form: every area lists itself among its neighbours. */
export interface SpatialWeights {
	/** Area ids, in the order of the value arrays. */
	ids: string[];
	/** For area i, the indices j (into ids) of its neighbours, including i itself. */
	neighbours: number[][];
	/** Weights parallel to `neighbours`; binary (every weight 1) when absent. */
	weights?: number[][];
	/** How the weights were built, in words, for display beside the results. */
	description: string;
}

/** Why an area has no z-score. */
export type GiStarNullReason =
	| 'constant field: every area has the same value (S = 0)'
	| 'no neighbours: the area is its only neighbour, so Gi* is just its own z-score'
	| 'neighbourhood is the whole region: n S1 − W² = 0'
	| 'fewer than 2 areas';

export interface GiStarValue {
	id: string;
	value: number;
	/** Neighbours including the area itself. */
	neighbours: number;
	/** Local sum Σ_j w_ij x_j. */
	localSum: number;
	z: number | null;
	/** Two-sided p-value of z under the standard normal. */
	p: number | null;
	reason: GiStarNullReason | null;
}

/**
 * Gi* z-scores and two-sided p-values for `values` (aligned with `weights.ids`). Areas where the
 * statistic is undefined or meaningless get z = null with a reason, never NaN: a constant field
 * (S = 0), an area whose only neighbour is itself, or a neighbourhood that is the whole region
 * with equal weights. Throws on a non-finite value or a malformed weights list.
 */
export function giStar(values: ArrayLike<number>, weights: SpatialWeights): GiStarValue[] {
	validateWeights(weights);
	const n = weights.ids.length;
	if (values.length !== n) throw new Error(`giStar: ${values.length} values for ${n} areas; expected one value per area id`);
	let sum = 0;
	for (let i = 0; i < n; i++) {
		const v = values[i];
		if (!Number.isFinite(v)) throw new Error(`giStar: value of area ${weights.ids[i]} (index ${i}) is ${v}; expected a finite number`);
		sum += v;
	}
	const mean = n > 0 ? sum / n : 0;
	let ss = 0;
	for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
	const sd = n > 0 ? Math.sqrt(ss / n) : 0;
	// Relative tolerance: a field whose spread is rounding noise counts as constant.
	const constant = sd <= 1e-12 * Math.max(1, Math.abs(mean));

	return weights.ids.map((id, i) => {
		const nb = weights.neighbours[i];
		const w = weights.weights?.[i];
		let local = 0;
		let W = 0;
		let S1 = 0;
		for (let k = 0; k < nb.length; k++) {
			const wk = w ? w[k] : 1;
			local += wk * values[nb[k]];
			W += wk;
			S1 += wk * wk;
		}
		const base = { id, value: values[i], neighbours: nb.length, localSum: local };
		const none = (reason: GiStarNullReason): GiStarValue => ({ ...base, z: null, p: null, reason });
		if (n < 2) return none('fewer than 2 areas');
		if (constant) return none('constant field: every area has the same value (S = 0)');
		if (nb.length < 2) return none('no neighbours: the area is its only neighbour, so Gi* is just its own z-score');
		const spread = (n * S1 - W * W) / (n - 1);
		if (spread <= 1e-12 * n * S1) return none('neighbourhood is the whole region: n S1 − W² = 0');
		const z = (local - mean * W) / (sd * Math.sqrt(spread));
		return { ...base, z, p: twoSidedP(z), reason: null };
	});
}

function validateWeights(weights: SpatialWeights): void {
	const n = weights.ids.length;
	if (weights.neighbours.length !== n) throw new Error(`weights: ${weights.neighbours.length} neighbour lists for ${n} areas`);
	if (weights.weights && weights.weights.length !== n) throw new Error(`weights: ${weights.weights.length} weight lists for ${n} areas`);
	for (let i = 0; i < n; i++) {
		const nb = weights.neighbours[i];
		const seen = new Set<number>();
		for (const j of nb) {
			if (!Number.isInteger(j) || j < 0 || j >= n) throw new Error(`weights: area ${weights.ids[i]} lists neighbour index ${j}; expected an integer in 0…${n - 1}`);
			if (seen.has(j)) throw new Error(`weights: area ${weights.ids[i]} lists neighbour ${weights.ids[j]} twice`);
			seen.add(j);
		}
		if (!seen.has(i)) throw new Error(`weights: area ${weights.ids[i]} does not list itself; Gi* needs the star form (self included)`);
		const w = weights.weights?.[i];
		if (w) {
			if (w.length !== nb.length) throw new Error(`weights: area ${weights.ids[i]} has ${w.length} weights for ${nb.length} neighbours`);
			w.forEach((x, k) => {
				if (!Number.isFinite(x) || x < 0) throw new Error(`weights: area ${weights.ids[i]}, neighbour ${weights.ids[nb[k]]} has weight ${x}; expected a finite number ≥ 0`);
			});
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Normal tail

/**
 * Complementary error function, Chebyshev fit with fractional error below 1.2e-7 everywhere
 * (Press et al., Numerical Recipes in C, 2nd ed., §6.2, `erfcc`). Computed directly rather than as
 * 1 − erf so small tail probabilities keep their relative accuracy.
 */
export function erfc(x: number): number {
	const z = Math.abs(x);
	const t = 1 / (1 + 0.5 * z);
	const r =
		t *
		Math.exp(
			-z * z -
				1.26551223 +
				t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
		);
	return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal z: P(|Z| ≥ |z|) = erfc(|z| / √2). */
export function twoSidedP(z: number): number {
	return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

// ---------------------------------------------------------------------------------------------
// False discovery rate and classes

/**
 * Benjamini–Hochberg adjusted p-values (q-values; Benjamini & Hochberg 1995, JRSS B 57:289–300):
 * with the m non-null p-values sorted ascending, q_(k) = min over l ≥ k of min(1, m p_(l) / l).
 * They are monotone in p, and the BH procedure at level α rejects exactly the tests with q ≤ α.
 * Nulls stay null and do not count in m.
 */
export function benjaminiHochberg(p: ReadonlyArray<number | null>): (number | null)[] {
	const idx: number[] = [];
	p.forEach((v, i) => {
		if (v === null) return;
		if (!(v >= 0 && v <= 1)) throw new Error(`benjaminiHochberg: p-value ${v} at index ${i}; expected a number in [0, 1] or null`);
		idx.push(i);
	});
	idx.sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
	const m = idx.length;
	const out: (number | null)[] = p.map(() => null);
	let running = 1;
	for (let k = m - 1; k >= 0; k--) {
		running = Math.min(running, ((p[idx[k]] as number) * m) / (k + 1));
		out[idx[k]] = running;
	}
	return out;
}

/** ArcGIS-style Gi_Bin: ±3 at 99 %, ±2 at 95 %, ±1 at 90 % confidence, 0 not significant. */
export type GiStarBin = -3 | -2 | -1 | 0 | 1 | 2 | 3;
export type GiStarClass = 'hot' | 'cold' | 'not significant';

export interface GiStarArea extends GiStarValue {
	/** BH q-value when the FDR correction is on, else p (null when z is null). */
	q: number | null;
	bin: GiStarBin;
	class: GiStarClass;
	/** 99, 95 or 90 for hot and cold spots; null when not significant. */
	confidence: 99 | 95 | 90 | null;
}

export interface GiStarOptions {
	/** Apply the Benjamini–Hochberg correction before classifying (default true). */
	fdr?: boolean;
}

export interface GiStarAnalysis {
	areas: GiStarArea[];
	n: number;
	mean: number;
	/** Population standard deviation of the values. */
	sd: number;
	/** Areas with a z-score: the m of the FDR correction. */
	tested: number;
	fdr: boolean;
	weights: string;
}

/**
 * Gi* hot and cold spots with confidence classes. With `fdr` (the default) an area is significant
 * at confidence c when its BH q-value ≤ 1 − c: q ≤ 0.01 → 99 %, q ≤ 0.05 → 95 %, q ≤ 0.10 → 90 %.
 * This is the same as running the BH step-up procedure three times, at α = 0.01, 0.05 and 0.10,
 * over the m areas with a z-score and giving each rejected area the highest confidence at which it
 * is rejected (ArcGIS Hot Spot Analysis with its FDR option does the same). Sign of z: hot (+) or
 * cold (−). Without `fdr` the same cut-offs apply to the raw two-sided p-values.
 */
export function giStarClasses(values: ArrayLike<number>, weights: SpatialWeights, options: GiStarOptions = {}): GiStarAnalysis {
	const fdr = options.fdr ?? true;
	const gi = giStar(values, weights);
	const p = gi.map((g) => g.p);
	const q = fdr ? benjaminiHochberg(p) : p;
	const n = gi.length;
	let mean = 0;
	for (const g of gi) mean += g.value / n;
	let ss = 0;
	for (const g of gi) ss += (g.value - mean) ** 2;
	const areas = gi.map((g, i): GiStarArea => {
		const qi = q[i];
		const level = qi === null || g.z === null ? 0 : qi <= 0.01 ? 3 : qi <= 0.05 ? 2 : qi <= 0.1 ? 1 : 0;
		const bin = (level === 0 ? 0 : Math.sign(g.z as number) * level) as GiStarBin;
		return {
			...g,
			q: qi,
			bin,
			class: bin > 0 ? 'hot' : bin < 0 ? 'cold' : 'not significant',
			confidence: level === 3 ? 99 : level === 2 ? 95 : level === 1 ? 90 : null
		};
	});
	return { areas, n, mean: n ? mean : 0, sd: n ? Math.sqrt(ss / n) : 0, tested: p.filter((x) => x !== null).length, fdr, weights: weights.description };
}

// ---------------------------------------------------------------------------------------------
// Spatial weights

/**
 * H3 cells that make a study region from the cells with data: each cell and, with `ring` k > 0,
 * every cell within k steps of one (their values are then 0). Sorted, unique. Padding by one ring
 * lets a cell at the edge of the data be compared with the empty cells around it instead of
 * having fewer neighbours; without it the region is exactly the cells given.
 */
export function h3StudyRegion(cells: Iterable<string>, options: { ring?: number } = {}): string[] {
	const ring = options.ring ?? 0;
	if (!Number.isInteger(ring) || ring < 0) throw new Error(`h3StudyRegion: ring ${ring}; expected an integer ≥ 0`);
	const out = new Set<string>();
	for (const c of cells) {
		if (!isValidCell(c)) throw new Error(`h3StudyRegion: "${c}" is not a valid H3 cell`);
		if (ring === 0) out.add(c);
		else for (const d of gridDisk(c, ring)) out.add(d);
	}
	return [...out].sort();
}

/**
 * Binary weights for H3 cells: each cell and the cells within `k` grid steps of it (h3-js
 * gridDisk; k = 1 by default, the cell and its ring of 6, or 5 around a pentagon), kept only
 * when they are in the study region `cells`. The region is the set the caller passes: cells
 * outside it are not treated as zero, they are not there. Pass zero-valued cells (e.g. from
 * {@link h3StudyRegion}) to count empty cells of the region. All cells must share a resolution.
 */
export function h3Weights(cells: readonly string[], options: { k?: number } = {}): SpatialWeights {
	const k = options.k ?? 1;
	if (!Number.isInteger(k) || k < 1) throw new Error(`h3Weights: k ${k}; expected an integer ≥ 1`);
	const index = new Map<string, number>();
	let resolution: number | null = null;
	cells.forEach((c, i) => {
		if (!isValidCell(c)) throw new Error(`h3Weights: cell ${i} "${c}" is not a valid H3 cell`);
		const r = getResolution(c);
		if (resolution === null) resolution = r;
		else if (r !== resolution) throw new Error(`h3Weights: cell ${i} "${c}" has resolution ${r}; expected ${resolution} like the first cell`);
		if (index.has(c)) throw new Error(`h3Weights: cell "${c}" is listed twice (indices ${index.get(c)} and ${i})`);
		index.set(c, i);
	});
	const neighbours = cells.map((c, i) => {
		const nb = [i];
		for (const d of gridDisk(c, k)) {
			const j = index.get(d);
			if (j !== undefined && j !== i) nb.push(j);
		}
		return nb;
	});
	return { ids: [...cells], neighbours, description: `H3 cell and its ${k === 1 ? 'ring-1 neighbours' : `neighbours within ${k} steps`} in the study region, binary` };
}

type Position = number[];

function ringsOf(id: string, text: string): Position[][] {
	let g: unknown;
	try {
		g = JSON.parse(text);
	} catch (e) {
		throw new Error(`queenWeights: area ${id}: geometry is not JSON (${(e as Error).message})`);
	}
	const geom = g as { type?: unknown; coordinates?: unknown };
	const bad = (what: string) => new Error(`queenWeights: area ${id}: ${what}; expected a GeoJSON Polygon or MultiPolygon`);
	if (geom === null || typeof geom !== 'object') throw bad('geometry is not an object');
	const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.type === 'MultiPolygon' ? (geom.coordinates as unknown[]) : null;
	if (!polys) throw bad(`geometry type ${JSON.stringify(geom.type)}`);
	if (!Array.isArray(polys)) throw bad('coordinates is not an array');
	const rings: Position[][] = [];
	for (const poly of polys) {
		if (!Array.isArray(poly)) throw bad('a polygon is not an array of rings');
		for (const ring of poly) {
			if (!Array.isArray(ring)) throw bad('a ring is not an array of positions');
			for (const p of ring) if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) throw bad(`position ${JSON.stringify(p)}`);
			rings.push(ring as Position[]);
		}
	}
	return rings;
}

/**
 * Queen contiguity plus self for polygons (GeoJSON Polygon / MultiPolygon geometry text, e.g. LSOA
 * or district boundaries): two areas are neighbours when they share at least one vertex after
 * rounding coordinates to `decimals` places (default 6: about 0.1 m in WGS84 degrees), which
 * absorbs the last-digit noise of boundaries written by different tools. Areas touching only along
 * an edge with no common vertex are not found (the boundary files here share vertices). Binary.
 */
export function queenWeights(areas: ReadonlyArray<{ id: string; geometry: string }>, options: { decimals?: number } = {}): SpatialWeights {
	const decimals = options.decimals ?? 6;
	if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) throw new Error(`queenWeights: decimals ${decimals}; expected an integer 0…12`);
	const scale = 10 ** decimals;
	const byVertex = new Map<string, number[]>();
	const ids = new Set<string>();
	areas.forEach((a, i) => {
		if (ids.has(a.id)) throw new Error(`queenWeights: area ${a.id} is listed twice`);
		ids.add(a.id);
		const seen = new Set<string>();
		for (const ring of ringsOf(a.id, a.geometry)) {
			for (const p of ring) {
				const key = `${Math.round(p[0] * scale)},${Math.round(p[1] * scale)}`;
				if (seen.has(key)) continue;
				seen.add(key);
				const list = byVertex.get(key);
				if (list) list.push(i);
				else byVertex.set(key, [i]);
			}
		}
	});
	const sets = areas.map((_, i) => new Set<number>([i]));
	for (const list of byVertex.values()) {
		if (list.length < 2) continue;
		for (const a of list) for (const b of list) sets[a].add(b);
	}
	return {
		ids: areas.map((a) => a.id),
		neighbours: sets.map((s, i) => [i, ...[...s].filter((j) => j !== i).sort((a, b) => a - b)]),
		description: `queen contiguity (a shared vertex at ${decimals} decimal places) plus self, binary`
	};
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres between two WGS84 points (haversine, mean Earth radius). */
export function haversineMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
	const rad = Math.PI / 180;
	const dLat = (lat2 - lat1) * rad;
	const dLon = (lon2 - lon1) * rad;
	const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Fixed distance band by centroids: each area and every area whose centroid is within
 * `bandMeters` (haversine), binary. O(n²) pairs, fine for the few thousand areas of a force.
 */
export function distanceBandWeights(areas: ReadonlyArray<{ id: string; lon: number; lat: number }>, bandMeters: number): SpatialWeights {
	if (!(bandMeters > 0) || !Number.isFinite(bandMeters)) throw new Error(`distanceBandWeights: band ${bandMeters} m; expected a finite distance > 0`);
	areas.forEach((a, i) => {
		if (!Number.isFinite(a.lon) || !Number.isFinite(a.lat) || Math.abs(a.lat) > 90) throw new Error(`distanceBandWeights: area ${a.id} (index ${i}) has centroid (${a.lon}, ${a.lat}); expected WGS84 longitude and latitude`);
	});
	const neighbours = areas.map((_, i) => [i]);
	for (let i = 0; i < areas.length; i++)
		for (let j = i + 1; j < areas.length; j++)
			if (haversineMeters(areas[i].lon, areas[i].lat, areas[j].lon, areas[j].lat) <= bandMeters) {
				neighbours[i].push(j);
				neighbours[j].push(i);
			}
	return { ids: areas.map((a) => a.id), neighbours, description: `centroids within ${bandMeters} m (haversine) plus self, binary` };
}

// ---------------------------------------------------------------------------------------------
// Trend

export interface MannKendall {
	n: number;
	/** S = Σ_{i<j} sign(x_j − x_i). */
	s: number;
	/** Var(S) with the tie correction: [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18. */
	varS: number;
	/** (S − 1)/√Var(S) for S > 0, (S + 1)/√Var(S) for S < 0, 0 for S = 0 (continuity correction). */
	z: number;
	/** Two-sided p-value of z, normal approximation. */
	p: number;
}

/**
 * Mann–Kendall test for a monotonic trend (Mann 1945; Kendall 1975; as set out in Gilbert 1987,
 * Statistical Methods for Environmental Pollution Monitoring, §16.4), normal approximation with
 * continuity correction and the tie correction. Needs at least 3 values; with all values tied
 * Var(S) = 0 and the result is S = 0, z = 0, p = 1. For short series (n ≤ 10) the normal
 * approximation is rough; the p-value is a guide, not an exact test.
 */
export function mannKendall(series: ArrayLike<number>): MannKendall {
	const n = series.length;
	if (n < 3) throw new Error(`mannKendall: ${n} values; expected at least 3`);
	for (let i = 0; i < n; i++) if (!Number.isFinite(series[i])) throw new Error(`mannKendall: value ${i} is ${series[i]}; expected a finite number`);
	let s = 0;
	for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(series[j] - series[i]);
	const ties = new Map<number, number>();
	for (let i = 0; i < n; i++) ties.set(series[i], (ties.get(series[i]) ?? 0) + 1);
	let tieTerm = 0;
	for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
	const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
	const z = varS <= 0 || s === 0 ? 0 : (s > 0 ? s - 1 : s + 1) / Math.sqrt(varS);
	return { n, s, varS, z, p: twoSidedP(z) };
}

export type TrendLabel = 'intensifying' | 'diminishing' | 'no trend' | 'too few periods';

export interface GiStarTrend {
	id: string;
	/** Gi* z per period (null where undefined in that period). */
	z: (number | null)[];
	/** The latest period's hot-spot result. */
	latest: GiStarArea;
	/**
	 * Mann–Kendall on the intensity series (z, or −z for a latest cold spot; null periods left
	 * out); null with fewer than 3 non-null periods. S > 0 means intensifying.
	 */
	trend: MannKendall | null;
	label: TrendLabel;
}

export interface TrendOptions extends GiStarOptions {
	/** Significance level of the Mann–Kendall test (default 0.05). */
	alpha?: number;
}

/**
 * How each area's Gi* has moved over recent periods (a simplified form of ArcGIS's Emerging Hot
 * Spot Analysis, which also runs Mann–Kendall on each location's Gi* z series). `values[t][i]`
 * is area i's value in period t (periods oldest first, areas aligned with `weights.ids`). Gi* is
 * computed within each period; the Mann–Kendall test runs on each area's z series (periods with
 * a null z left out). Intensity is measured towards the area's latest class: z for hot spots and
 * areas not significant in the latest period, −z for cold spots. A significant (p < alpha)
 * upward trend of that intensity is 'intensifying', downward 'diminishing', else 'no trend';
 * fewer than 3 non-null z values give 'too few periods'. The latest class uses `fdr` as in
 * {@link giStarClasses}; the trend test itself is not FDR-corrected.
 */
export function giStarTrends(values: ReadonlyArray<ArrayLike<number>>, weights: SpatialWeights, options: TrendOptions = {}): GiStarTrend[] {
	if (values.length === 0) throw new Error('giStarTrends: no periods; expected at least one');
	const alpha = options.alpha ?? 0.05;
	if (!(alpha > 0 && alpha < 1)) throw new Error(`giStarTrends: alpha ${alpha}; expected a number in (0, 1)`);
	const perPeriod = values.map((v, t) => {
		try {
			return giStar(v, weights);
		} catch (e) {
			throw new Error(`period ${t}: ${(e as Error).message}`);
		}
	});
	const latest = giStarClasses(values[values.length - 1], weights, options).areas;
	return weights.ids.map((id, i) => {
		const z = perPeriod.map((g) => g[i].z);
		const present = z.filter((x): x is number => x !== null);
		const sign = latest[i].class === 'cold' ? -1 : 1;
		if (present.length < 3) return { id, z, latest: latest[i], trend: null, label: 'too few periods' };
		const trend = mannKendall(present.map((x) => sign * x));
		const label: TrendLabel = trend.p < alpha && trend.s !== 0 ? (trend.s > 0 ? 'intensifying' : 'diminishing') : 'no trend';
		return { id, z, latest: latest[i], trend, label };
	});
}
