/**
 * The kernel density pieces, worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { defaultBandwidth, densityAt, localProjection, projectPoints, quarticKernel } from './kde';

describe('quarticKernel', () => {
	it.each([
		// K(d) = 3/(π h²) (1 − d²/h²)²; h = 100 m: 3/(π 10⁴) = 9.5493e-5 per m².
		[0, 100, 3 / (Math.PI * 1e4)],
		[50, 100, (3 / (Math.PI * 1e4)) * 0.75 ** 2],
		[100, 100, 0],
		[150, 100, 0]
	])('K(%s m; h = %s m) = %s', (d, h, expected) => expect(quarticKernel(d, h)).toBeCloseTo(expected, 15));

	it('integrates to 1 over the disc (numerically)', () => {
		// ∫ K 2πr dr from 0 to h, midpoint rule with 10,000 rings.
		const h = 250;
		let sum = 0;
		for (let i = 0; i < 10_000; i++) {
			const r = ((i + 0.5) / 10_000) * h;
			sum += quarticKernel(r, h) * 2 * Math.PI * r * (h / 10_000);
		}
		expect(sum).toBeCloseTo(1, 6);
	});
});

describe('defaultBandwidth', () => {
	it('four points 100 m from their centre: h = 0.9 × min(100, 1.2011 × 100) × 4^-0.2 = 68.21 m', () => {
		// SD = √(Σ d²/n) = 100; D_m = 100; 4^-0.2 = 0.757858.
		const b = defaultBandwidth({ x: Float64Array.from([100, -100, 0, 0]), y: Float64Array.from([0, 0, 100, -100]), w: Float64Array.from([1, 1, 1, 1]) });
		expect(b.standardDistance).toBeCloseTo(100, 12);
		expect(b.medianDistance).toBe(100);
		expect(b.meters).toBeCloseTo(0.9 * 100 * Math.pow(4, -0.2), 12);
		expect(b.meters).toBeCloseTo(68.2072, 4);
	});

	it('weights count as records; the median term wins when one point is far out', () => {
		// 9 records at the origin, 1 at 1,000 m: mean centre (100, 0); distances 100 (×9) and 900.
		// SD = √((9 × 100² + 900²)/10) = √(90000) = 300; weighted median 100 → 1.2011 × 100 = 120.11.
		// h = 0.9 × 120.11 × 10^-0.2 = 68.21 m.
		const b = defaultBandwidth({ x: Float64Array.from([0, 1000]), y: Float64Array.from([0, 0]), w: Float64Array.from([9, 1]) });
		expect(b.standardDistance).toBeCloseTo(300, 9);
		expect(b.medianDistance).toBeCloseTo(100, 9);
		expect(b.meters).toBeCloseTo(0.9 * Math.sqrt(1 / Math.LN2) * 100 * Math.pow(10, -0.2), 9);
	});

	it('no points gives 0', () => {
		expect(defaultBandwidth({ x: new Float64Array(), y: new Float64Array(), w: new Float64Array() }).meters).toBe(0);
	});
});

describe('densityAt and the projection', () => {
	it('sums weighted kernels within h, across grid cells, in records per km²', () => {
		// Points: weight 2 at (0, 0), weight 1 at (60, 0); h = 100 m.
		// Target (−30, 0): distances 30 and 90 → 2 K(30) + K(90); target (250, 0): nothing within h.
		const pts = { x: Float64Array.from([0, 60]), y: Float64Array.from([0, 0]), w: Float64Array.from([2, 1]) };
		const k = (d: number) => (3 / (Math.PI * 1e4)) * (1 - (d * d) / 1e4) ** 2;
		const out = densityAt(pts, { x: [-30, 250], y: [0, 0] }, 100);
		expect(out[0]).toBeCloseTo((2 * k(30) + k(90)) * 1e6, 9);
		expect(out[1]).toBe(0);
		expect(() => densityAt(pts, { x: [0], y: [0] }, 0)).toThrow('bandwidth must be > 0 m, got 0');
	});

	it('one degree of latitude is 111,195 m; longitude shrinks with cos(latitude)', () => {
		const p = localProjection(0, 60);
		const m = projectPoints(p, { lon: [1, 0], lat: [60, 61], weight: [1, 1] });
		expect(m.x[0]).toBeCloseTo(111_195.08 * 0.5, 1);
		expect(m.y[1]).toBeCloseTo(111_195.08, 1);
	});
});
