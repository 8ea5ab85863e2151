/**
 * Gi*, the FDR correction, the spatial weights and the Mann–Kendall trend: a 3 × 3 lattice worked
 * by hand and checked against an exact enumeration of all 9! relabellings, the Benjamini–Hochberg
 * (1995) example, a published Mann–Kendall example, and invariants on the City of London street
 * files counted per H3 r8 cell through DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridDisk, latLngToCell } from 'h3-js';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import {
	benjaminiHochberg,
	distanceBandWeights,
	giStar,
	h3StudyRegion,
	h3Weights,
	haversineMeters,
	giStarClasses,
	giStarTrends,
	mannKendall,
	queenWeights,
	twoSidedP,
	type SpatialWeights
} from './gistar';

// ---------------------------------------------------------------------------------------------
// The lattice. Areas numbered row by row:
//
//   a0 a1 a2        0 1 0
//   a3 a4 a5   x =  1 3 5
//   a6 a7 a8        2 6 9
//
// n = 9, Σx = 27, X̄ = 3. Deviations −3 −2 −3 −2 0 2 −1 3 6, squares 9 4 9 4 0 4 1 9 36 = 76,
// so S² = 76/9 (population variance) and S = √76 / 3 = 2.90593.
const X = [0, 1, 0, 1, 3, 5, 2, 6, 9];
const IDS = X.map((_, i) => `a${i}`);

function latticeWeights(queen: boolean): SpatialWeights {
	const neighbours = IDS.map((_, i) => {
		const r = Math.floor(i / 3);
		const c = i % 3;
		const nb = [i];
		for (let dr = -1; dr <= 1; dr++)
			for (let dc = -1; dc <= 1; dc++) {
				if ((dr === 0 && dc === 0) || (!queen && dr !== 0 && dc !== 0)) continue;
				const rr = r + dr;
				const cc = c + dc;
				if (rr >= 0 && rr < 3 && cc >= 0 && cc < 3) nb.push(rr * 3 + cc);
			}
		return nb;
	});
	return { ids: IDS, neighbours, description: queen ? 'queen lattice' : 'rook lattice' };
}

// Rook contiguity plus self, binary weights, so W_i = S1_i = |N_i|:
//   corner (W = 3): n S1 − W² = 27 − 9 = 18, /(n − 1) = 18/8 = 9/4; denominator S √(9/4) = √(76/9 · 9/4) = √19
//   edge   (W = 4): 36 − 16 = 20, /8 = 5/2;   denominator √(76/9 · 5/2) = √(190/9) = √190 / 3
//   centre (W = 5): 45 − 25 = 20, /8 = 5/2;   denominator √190 / 3
// Local sums L_i and numerators L_i − X̄ W_i:
//   a0 {a0,a1,a3}          0+1+1     = 2   2 − 9  = −7   z = −7/√19        = −1.60591
//   a1 {a1,a0,a2,a4}       1+0+0+3   = 4   4 − 12 = −8   z = −24/√190      = −1.74114
//   a2 {a2,a1,a5}          0+1+5     = 6   6 − 9  = −3   z = −3/√19        = −0.68825
//   a3 {a3,a0,a4,a6}       1+0+3+2   = 6   6 − 12 = −6   z = −18/√190      = −1.30586
//   a4 {a4,a1,a3,a5,a7}    3+1+1+5+6 = 16  16 − 15 = 1   z = 3/√190        =  0.21764
//   a5 {a5,a2,a4,a8}       5+0+3+9   = 17  17 − 12 = 5   z = 15/√190       =  1.08821
//   a6 {a6,a3,a7}          2+1+6     = 9   9 − 9  = 0   z = 0
//   a7 {a7,a4,a6,a8}       6+3+2+9   = 20  20 − 12 = 8   z = 24/√190       =  1.74114
//   a8 {a8,a5,a7}          9+5+6     = 20  20 − 9 = 11   z = 11/√19        =  2.52357
const HAND_Z = [-7 / Math.sqrt(19), -24 / Math.sqrt(190), -3 / Math.sqrt(19), -18 / Math.sqrt(190), 3 / Math.sqrt(190), 15 / Math.sqrt(190), 0, 24 / Math.sqrt(190), 11 / Math.sqrt(19)];

/**
 * An independent check: the exact mean and variance of each local sum L_i over all 9! = 362,880
 * relabellings of the values (Heap's algorithm), and z = (L_i − E[L_i]) / √Var[L_i]. Gi* is
 * defined as exactly this z-score under randomisation, so the two must agree to rounding.
 */
function zByEnumeration(values: number[], w: SpatialWeights): number[] {
	const n = values.length;
	const a = [...values];
	const sum = new Float64Array(n);
	const sum2 = new Float64Array(n);
	let count = 0;
	const visit = () => {
		count++;
		for (let i = 0; i < n; i++) {
			let l = 0;
			const nb = w.neighbours[i];
			for (let k = 0; k < nb.length; k++) l += (w.weights ? w.weights[i][k] : 1) * a[nb[k]];
			sum[i] += l;
			sum2[i] += l * l;
		}
	};
	const c = new Array(n).fill(0);
	visit();
	let i = 1;
	while (i < n) {
		if (c[i] < i) {
			const j = i % 2 === 0 ? 0 : c[i];
			[a[j], a[i]] = [a[i], a[j]];
			visit();
			c[i]++;
			i = 1;
		} else {
			c[i] = 0;
			i++;
		}
	}
	expect(count).toBe(362_880);
	return values.map((_, i) => {
		let l = 0;
		w.neighbours[i].forEach((j, k) => (l += (w.weights ? w.weights[i][k] : 1) * values[j]));
		const mean = sum[i] / count;
		const variance = sum2[i] / count - mean * mean;
		return (l - mean) / Math.sqrt(variance);
	});
}

describe('giStar on the 3 × 3 lattice', () => {
	it('rook + self: each z equals the hand-worked value', () => {
		const gi = giStar(X, latticeWeights(false));
		gi.forEach((g, i) => expect(g.z).toBeCloseTo(HAND_Z[i], 12));
		expect(gi.map((g) => g.z!.toFixed(5))).toEqual(['-1.60591', '-1.74114', '-0.68825', '-1.30586', '0.21764', '1.08821', '0.00000', '1.74114', '2.52357']);
		expect(gi.map((g) => g.localSum)).toEqual([2, 4, 6, 6, 16, 17, 9, 20, 20]);
		expect(gi.map((g) => g.neighbours)).toEqual([3, 4, 3, 4, 5, 4, 3, 4, 3]);
		// a8: two-sided p = 2 (1 − Φ(2.52357)) = 0.011620 (tables: Φ(2.52) = 0.99413).
		expect(gi[8].p).toBeCloseTo(0.01162, 4);
		expect(gi[6].p).toBe(1);
	});

	it('rook + self agrees with the exact enumeration of all relabellings', () => {
		const w = latticeWeights(false);
		const byEnumeration = zByEnumeration(X, w);
		giStar(X, w).forEach((g, i) => expect(g.z).toBeCloseTo(byEnumeration[i], 9));
	});

	it('given weights (self 2, neighbours 1, a0–a1 0.5) agree with the exact enumeration', () => {
		const base = latticeWeights(true);
		const w: SpatialWeights = {
			...base,
			weights: base.neighbours.map((nb, i) => nb.map((j) => (j === i ? 2 : (i === 0 && j === 1) || (i === 1 && j === 0) ? 0.5 : 1)))
		};
		const byEnumeration = zByEnumeration(X, w);
		giStar(X, w).forEach((g, i) => expect(g.z).toBeCloseTo(byEnumeration[i], 9));
	});

	it('queen + self: the centre sees the whole region and gets null with a reason', () => {
		// Centre: W = S1 = 9 = n, so n S1 − W² = 81 − 81 = 0: L_4 = Σx whatever the labels.
		// Corner a8 {a8,a5,a7,a4}: L = 9+5+6+3 = 23, 23 − 12 = 11, denominator √190/3 → z = 33/√190 = 2.39404.
		const gi = giStar(X, latticeWeights(true));
		expect(gi[4].z).toBeNull();
		expect(gi[4].p).toBeNull();
		expect(gi[4].reason).toBe('neighbourhood is the whole region: n S1 − W² = 0');
		expect(gi[8].z).toBeCloseTo(33 / Math.sqrt(190), 12);
	});

	it('a constant field, an isolated area and a single area give null z with a reason, never NaN', () => {
		const constant = giStar([4, 4, 4, 4, 4, 4, 4, 4, 4], latticeWeights(false));
		for (const g of constant) {
			expect(g.z).toBeNull();
			expect(g.reason).toBe('constant field: every area has the same value (S = 0)');
		}
		const w = latticeWeights(false);
		// Cut a8 off from everything.
		const isolated: SpatialWeights = { ...w, neighbours: w.neighbours.map((nb, i) => (i === 8 ? [8] : nb.filter((j) => j !== 8))) };
		const gi = giStar(X, isolated);
		expect(gi[8].z).toBeNull();
		expect(gi[8].reason).toBe('no neighbours: the area is its only neighbour, so Gi* is just its own z-score');
		expect(gi.filter((g) => g.z !== null)).toHaveLength(8);
		expect(giStar([3], { ids: ['a'], neighbours: [[0]], description: '' })[0].reason).toBe('fewer than 2 areas');
	});

	it('rejects bad input with specific errors', () => {
		const w = latticeWeights(false);
		expect(() => giStar([1, 2], w)).toThrow('giStar: 2 values for 9 areas; expected one value per area id');
		expect(() => giStar([0, 1, 0, 1, NaN, 5, 2, 6, 9], w)).toThrow('giStar: value of area a4 (index 4) is NaN; expected a finite number');
		const noSelf = { ...w, neighbours: w.neighbours.map((nb, i) => (i === 2 ? nb.filter((j) => j !== 2) : nb)) };
		expect(() => giStar(X, noSelf)).toThrow('weights: area a2 does not list itself; Gi* needs the star form (self included)');
		const negative = { ...w, weights: w.neighbours.map((nb, i) => nb.map(() => (i === 3 ? -1 : 1))) };
		expect(() => giStar(X, negative)).toThrow('weights: area a3, neighbour a3 has weight -1; expected a finite number ≥ 0');
		const twice = { ...w, neighbours: w.neighbours.map((nb, i) => (i === 0 ? [...nb, 1] : nb)) };
		expect(() => giStar(X, twice)).toThrow('weights: area a0 lists neighbour a1 twice');
	});
});

describe('normal tail', () => {
	it.each([
		[1.959963985, 0.05],
		[2.575829304, 0.01],
		[3.290526731, 0.001],
		[1.644853627, 0.1],
		[0, 1]
	])('two-sided p(%s) = %s', (z, p) => {
		expect(twoSidedP(z)).toBeCloseTo(p, 7);
		expect(twoSidedP(-z)).toBeCloseTo(p, 7);
	});

	it('keeps relative accuracy far in the tail: p(6) = 1.973e-9', () => {
		// 2 (1 − Φ(6)) = 1.9732e-9 (Abramowitz & Stegun 26.2 tables: 1 − Φ(6) = 9.866e-10).
		expect(twoSidedP(6) / 1.973175e-9).toBeCloseTo(1, 5);
	});
});

describe('benjaminiHochberg', () => {
	// Benjamini & Hochberg (1995), JRSS B 57(1):289–300, Section 3.2: 15 p-values from a study of
	// myocardial infarction treatment. At q* = 0.05 the procedure rejects the four smallest
	// (p_(4) = 0.0095 ≤ 4/15 × 0.05 = 0.0133; no larger k has p_(k) ≤ k/15 × 0.05).
	const P = [0.0201, 0.7590, 0.0001, 0.0298, 0.0004, 0.3240, 0.0019, 0.4262, 0.0095, 0.5719, 0.0278, 0.6528, 0.0344, 1.0, 0.0459];
	// Adjusted values by hand, in ascending p order: m p_(k)/k, then the running minimum from the top.
	//   k:   1      2      3      4        5      6        7        8       9       10     11        12        13        14        15
	//   raw: .0015  .003   .0095  .035625  .0603  .0695    .063857  .0645   .0765   .486   .581182   .714875   .753231   .813214   1
	//   q:   .0015  .003   .0095  .035625  .0603  .063857  .063857  .0645   .0765   .486   .581182   .714875   .753231   .813214   1
	const Q_SORTED = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.4470 / 7, 0.4470 / 7, 0.0645, 0.0765, 0.486, 6.393 / 11, 0.714875, 9.792 / 13, 11.385 / 14, 1];

	it('matches the worked example and rejects four hypotheses at 0.05', () => {
		const q = benjaminiHochberg(P) as number[];
		const order = P.map((_, i) => i).sort((a, b) => P[a] - P[b]);
		order.forEach((i, k) => expect(q[i]).toBeCloseTo(Q_SORTED[k], 10));
		expect(q.filter((x) => x <= 0.05)).toHaveLength(4);
		// Monotone in p.
		for (let k = 1; k < order.length; k++) expect(q[order[k]]).toBeGreaterThanOrEqual(q[order[k - 1]]);
	});

	it('keeps nulls out of m and in place', () => {
		expect(benjaminiHochberg([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
		expect(() => benjaminiHochberg([0.2, 1.5])).toThrow('benjaminiHochberg: p-value 1.5 at index 1; expected a number in [0, 1] or null');
	});
});

describe('giStarClasses classes', () => {
	it('the lattice: q-values over the 9 tests, classes and bins', () => {
		// Two-sided p: a8 0.01162; a1, a7 0.08166; a0 0.10829; a3 0.19160; a5 0.27650; a2 0.49130;
		// a4 0.82771; a6 1. BH over m = 9: a8 q = 9 × 0.01162 / 1 = 0.1046 (every later m p/k is
		// larger), just above 0.10; a1, a7 and a0 share q = 9 × 0.10829 / 4 = 0.2437. So no area is
		// significant even at 90 % after FDR.
		const fdr = giStarClasses(X, latticeWeights(false));
		expect(fdr.tested).toBe(9);
		expect(fdr.areas.every((a) => a.class === 'not significant' && a.bin === 0 && a.confidence === null)).toBe(true);
		expect(fdr.areas[8].q).toBeCloseTo(9 * fdr.areas[8].p!, 12);
		expect(fdr.areas[0].q).toBeCloseTo((9 / 4) * fdr.areas[0].p!, 12);
		expect(fdr.areas[1].q).toBe(fdr.areas[0].q);
		// Without FDR: a8 (p = 0.0116) is a 95 % hot spot, a1 and a7 (p = 0.0817) 90 % cold and hot.
		const raw = giStarClasses(X, latticeWeights(false), { fdr: false });
		expect(raw.areas.map((a) => a.bin)).toEqual([0, -1, 0, 0, 0, 0, 0, 1, 2]);
		expect(raw.areas[8]).toMatchObject({ class: 'hot', confidence: 95 });
		expect(raw.areas[1]).toMatchObject({ class: 'cold', confidence: 90 });
		expect(raw.mean).toBe(3);
		expect(raw.sd).toBeCloseTo(Math.sqrt(76) / 3, 12);
	});
});

describe('spatial weights', () => {
	// The lattice drawn as unit squares; (c, r) to (c+1, r+1), with last-digit noise on one corner.
	const square = (i: number) => {
		const c = i % 3;
		const r = Math.floor(i / 3);
		const ring = [
			[c, r],
			[c + 1, r],
			[c + 1, r + 1],
			[c, r + 1],
			[c, r]
		].map(([x, y]) => [x * 0.001 - 0.1 + (x === 1 && y === 1 && i === 0 ? 3e-8 : 0), 51.5 + y * 0.001]);
		return { id: IDS[i], geometry: JSON.stringify(i === 8 ? { type: 'MultiPolygon', coordinates: [[ring]] } : { type: 'Polygon', coordinates: [ring] }) };
	};

	it('queen contiguity of the lattice drawn as squares equals the queen lattice', () => {
		const w = queenWeights(IDS.map((_, i) => square(i)));
		const expected = latticeWeights(true);
		w.neighbours.forEach((nb, i) => expect([...nb].sort()).toEqual([...expected.neighbours[i]].sort()));
		expect(w.neighbours.every((nb, i) => nb[0] === i)).toBe(true);
		// At 8 decimal places the 3e-8 jitter on a0's corner (1, 1) keeps it from a4, which touched a0
		// only there; a1 and a3 still share another vertex with a0.
		const fine = queenWeights(IDS.map((_, i) => square(i)), { decimals: 8 });
		expect(fine.neighbours[0]).toEqual([0, 1, 3]);
		expect(fine.neighbours[4]).not.toContain(0);
	});

	it('queen: malformed geometry is an error naming the area', () => {
		expect(() => queenWeights([{ id: 'E01000001', geometry: '{"type":"Point","coordinates":[0,0]}' }])).toThrow(
			'queenWeights: area E01000001: geometry type "Point"; expected a GeoJSON Polygon or MultiPolygon'
		);
		expect(() => queenWeights([{ id: 'E01000002', geometry: '{"type":"Polygon"' }])).toThrow(/^queenWeights: area E01000002: geometry is not JSON/);
	});

	it('distance band by centroids', () => {
		// 0.001° of latitude is 111.195 m; of longitude at 51.5° about 69.2 m.
		expect(haversineMeters(0, 51.5, 0, 51.501)).toBeCloseTo(111.195, 2);
		const pts = [
			{ id: 'p', lon: 0, lat: 51.5 },
			{ id: 'q', lon: 0.001, lat: 51.5 },
			{ id: 'r', lon: 0, lat: 51.501 }
		];
		expect(distanceBandWeights(pts, 100).neighbours).toEqual([[0, 1], [1, 0], [2]]);
		expect(distanceBandWeights(pts, 150).neighbours).toEqual([[0, 1, 2], [1, 0, 2], [2, 0, 1]]);
	});

	it('H3: the cell and its ring in the study region; padding adds the empty ring', () => {
		const centre = latLngToCell(51.515, -0.09, 8);
		const ring = gridDisk(centre, 1).filter((c) => c !== centre);
		const w = h3Weights([centre, ring[0], ring[3]]);
		expect(w.neighbours[0]).toEqual([0, 1, 2]);
		expect(w.neighbours[1]).toHaveLength(2); // ring[0] and ring[3] are opposite, not adjacent
		const padded = h3StudyRegion([centre], { ring: 1 });
		expect(padded).toHaveLength(7);
		expect(h3Weights(padded).neighbours[padded.indexOf(centre)]).toHaveLength(7);
		expect(() => h3Weights([centre, latLngToCell(51.515, -0.09, 9)])).toThrow(/has resolution 9; expected 8 like the first cell/);
		expect(() => h3Weights(['nope'])).toThrow('h3Weights: cell 0 "nope" is not a valid H3 cell');
	});
});

describe('mannKendall', () => {
	it('the published worked example (14 values, one tie): S = 54, Var = 332.667, Z = 2.9058', () => {
		// D. Little, "A Mann-Kendall Example (By Hand)", College of the Holy Cross,
		// https://mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt : 72 pairs up, 18 down,
		// 1 tie; V = 14·13·33/18 − 2·1·9/18; Z = (S − 1)/√V; one-sided p ≈ 0.0018 (two-sided 0.0037).
		const m = mannKendall([12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]);
		expect(m.s).toBe(54);
		expect(m.varS).toBeCloseTo((14 * 13 * 33) / 18 - (2 * 1 * 9) / 18, 10);
		expect(m.z).toBeCloseTo(2.9058, 4);
		expect(m.p / 2).toBeCloseTo(0.0018, 4);
	});

	it('falling, flat and too short', () => {
		// 5, 4, 3, 2, 1: S = −10, Var = 5·4·15/18 = 16.667, Z = (−10 + 1)/4.0825 = −2.2045.
		const m = mannKendall([5, 4, 3, 2, 1]);
		expect(m.s).toBe(-10);
		expect(m.z).toBeCloseTo(-9 / Math.sqrt(50 / 3), 12);
		expect(mannKendall([2, 2, 2])).toMatchObject({ s: 0, varS: 0, z: 0, p: 1 });
		expect(() => mannKendall([1, 2])).toThrow('mannKendall: 2 values; expected at least 3');
	});
});

describe('giStarTrends on the lattice', () => {
	// Rook + self, eight periods. a8 stays 9 while its neighbours a5 and a7 climb 1, 2, …, 8 (a
	// cluster forms around it); a0 stays 6 while its neighbours a1 and a3 fall 8, 7, …, 1 (its
	// cluster breaks up). The other cells hold 1, 3, 2 (a2, a4, a6).
	const periods = [1, 2, 3, 4, 5, 6, 7, 8].map((t) => [6, 9 - t, 1, 9 - t, 3, t, 2, t, 9]);

	it('a forming cluster is intensifying, a breaking one diminishing', () => {
		// Gi* of a8 by period: −0.417, 0.000, 0.555, 1.206, 1.809, 2.219, 2.425, 2.502 (rising every
		// step) and of a0: 1.877 … −1.043 (falling every step). Mann–Kendall over 8 strictly
		// monotone values: S = ±8·7/2 = ±28, Var(S) = 8·7·21/18 = 65.333, Z = ±27/√65.333 = ±3.3404.
		const trends = giStarTrends(periods, latticeWeights(false));
		expect(trends[8].z.map((z) => z!.toFixed(3))).toEqual(['-0.417', '0.000', '0.555', '1.206', '1.809', '2.219', '2.425', '2.502']);
		expect(trends[8].trend).toMatchObject({ n: 8, s: 28 });
		expect(trends[8].trend!.z).toBeCloseTo(27 / Math.sqrt(196 / 3), 12);
		expect(trends[8].label).toBe('intensifying');
		expect(trends[0].trend!.s).toBe(-28);
		expect(trends[0].label).toBe('diminishing');
		// a2: z −0.626, −0.728, −0.832, −0.905, −0.905, −0.832, −0.728, −0.626: no monotone trend.
		expect(trends[2].label).toBe('no trend');
	});

	it('for a cold spot, intensity is −z: negating every value turns a8 into an intensifying cold spot', () => {
		// Gi* is odd in x (X̄ and L_i change sign, S does not), so a8's z falls to −2.502 (p = 0.0123).
		const trends = giStarTrends(
			periods.map((p) => p.map((v) => -v)),
			latticeWeights(false),
			{ fdr: false }
		);
		expect(trends[8].latest).toMatchObject({ class: 'cold', confidence: 95 });
		expect(trends[8].z[7]).toBeCloseTo(-2.502, 3);
		expect(trends[8].trend!.s).toBe(28);
		expect(trends[8].label).toBe('intensifying');
	});

	it('a flat history has no trend; two periods are too few', () => {
		const flat = giStarTrends([X, X, X], latticeWeights(false));
		expect(flat.every((t) => t.label === 'no trend' && t.trend!.s === 0)).toBe(true);
		expect(giStarTrends([X, X], latticeWeights(false))[0].label).toBe('too few periods');
	});
});

describe('Gi* over the City of London street files, per H3 r8 cell', () => {
	let runner: NodeRunner;
	const street = 'sample-data/police-uk/city-of-london/street/*.csv';
	let cells: string[];
	let counts: number[];
	let monthly: { months: string[]; byMonth: Map<string, Map<string, number>> };

	beforeAll(async () => {
		runner = await createNodeRunner();
		// Distinct locations and their records per month; H3 cells assigned with h3-js.
		const rows = await runner.columns(
			`SELECT "Month" AS month, CAST("Longitude" AS DOUBLE) AS lon, CAST("Latitude" AS DOUBLE) AS lat, count(*)::BIGINT AS n
			 FROM read_csv(?, all_varchar = true)
			 WHERE "Longitude" IS NOT NULL AND "Latitude" IS NOT NULL
			 GROUP BY ALL ORDER BY ALL`,
			[street]
		);
		const total = new Map<string, number>();
		const byMonth = new Map<string, Map<string, number>>();
		(rows.month as string[]).forEach((m, i) => {
			const cell = latLngToCell(rows.lat[i] as number, rows.lon[i] as number, 8);
			const n = rows.n[i] as number;
			total.set(cell, (total.get(cell) ?? 0) + n);
			if (!byMonth.has(m)) byMonth.set(m, new Map());
			byMonth.get(m)!.set(cell, (byMonth.get(m)!.get(cell) ?? 0) + n);
		});
		cells = h3StudyRegion(total.keys(), { ring: 1 });
		counts = cells.map((c) => total.get(c) ?? 0);
		const [{ located }] = await runner.rows<{ located: number }>(
			`SELECT count(*)::BIGINT AS located FROM read_csv(?, all_varchar = true) WHERE "Longitude" IS NOT NULL AND "Latitude" IS NOT NULL`,
			[street]
		);
		expect(counts.reduce((a, b) => a + b, 0)).toBe(located);
		monthly = { months: [...byMonth.keys()].sort(), byMonth };
	});
	afterAll(() => runner.close());

	it('cells with z > 1.96 hold more records on average than the region', () => {
		const result = giStarClasses(counts, h3Weights(cells));
		expect(result.n).toBeGreaterThan(50);
		expect(result.tested).toBe(result.n);
		const hot = result.areas.filter((a) => a.z !== null && a.z > 1.96);
		expect(hot.length).toBeGreaterThan(0);
		const meanHot = hot.reduce((s, a) => s + a.value, 0) / hot.length;
		expect(meanHot).toBeGreaterThan(result.mean);
		// FDR never makes more areas significant than the raw p-values do.
		const raw = giStarClasses(counts, h3Weights(cells), { fdr: false });
		const significant = (r: typeof raw) => r.areas.filter((a) => a.bin !== 0).length;
		expect(significant(result)).toBeLessThanOrEqual(significant(raw));
		expect(result.areas.every((a) => a.z === null || Number.isFinite(a.z))).toBe(true);
		// q ≥ p for every area.
		expect(result.areas.every((a) => a.q! >= a.p! - 1e-15)).toBe(true);
	});

	it('H3 weights are symmetric', () => {
		const w = h3Weights(cells);
		const sets = w.neighbours.map((nb) => new Set(nb));
		w.neighbours.forEach((nb, i) => nb.forEach((j) => expect(sets[j].has(i)).toBe(true)));
	});

	it('reordering the areas (ids with their values) gives the same z per cell', () => {
		const order = cells.map((_, i) => i).sort((a, b) => ((a * 7919) % cells.length) - ((b * 7919) % cells.length) || a - b);
		const a = giStar(counts, h3Weights(cells));
		const b = giStar(
			order.map((i) => counts[i]),
			h3Weights(order.map((i) => cells[i]))
		);
		const byId = new Map(b.map((g) => [g.id, g.z]));
		a.forEach((g) => expect(byId.get(g.id)).toBeCloseTo(g.z!, 12));
	});

	it('permuting the values over the cells changes the z-scores but not the values', () => {
		// Reverse the values: same multiset (mean and S unchanged), different map.
		const permuted = [...counts].reverse();
		const a = giStarClasses(counts, h3Weights(cells));
		const b = giStarClasses(permuted, h3Weights(cells));
		expect([...permuted].sort((x, y) => x - y)).toEqual([...counts].sort((x, y) => x - y));
		expect(b.mean).toBeCloseTo(a.mean, 12);
		expect(b.sd / a.sd).toBeCloseTo(1, 12);
		expect(b.areas.map((g) => g.z)).not.toEqual(a.areas.map((g) => g.z));
	});

	it('a constant field over the real cells is null with a reason', () => {
		const gi = giStar(
			cells.map(() => 5),
			h3Weights(cells)
		);
		expect(gi.every((g) => g.z === null && g.reason === 'constant field: every area has the same value (S = 0)')).toBe(true);
	});

	it('trends over the last six months label every cell', () => {
		const last = monthly.months.slice(-6);
		expect(last).toHaveLength(6);
		const values = last.map((m) => cells.map((c) => monthly.byMonth.get(m)!.get(c) ?? 0));
		const trends = giStarTrends(values, h3Weights(cells));
		expect(trends).toHaveLength(cells.length);
		for (const t of trends) {
			expect(t.z).toHaveLength(6);
			expect(['intensifying', 'diminishing', 'no trend', 'too few periods']).toContain(t.label);
			if (t.trend) expect(t.label === 'no trend').toBe(!(t.trend.p < 0.05));
		}
	});
});
