/**
 * The exact tails, against values worked by hand and exact rational arithmetic (BigInt), and
 * against an independent route (the regularised incomplete beta of analytics/thr); the
 * per-cell test and Benjamini–Hochberg worked by hand; and a seeded simulation showing the false-
 * discovery control is real: under the global null (no cell changes) the share of reports with any
 * exception stays at or below q.
 */
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../clusters/gistar';
import { incompleteBeta } from '../thr/stats';
import { betaBinomialLowerTail, betaBinomialUpperTail, binomialLowerTail, binomialUpperTail } from './stats';
import { testCells, type CellCounts } from './report';
import model from '../../models/exceptions/exceptions-v1.json';
import { mulberry32 } from '../shared/random';

/** P(X ≥ k), X ~ Binomial(n, a/b), exactly: Σ C(n, x) a^x (b − a)^(n − x) / b^n as BigInt, then divided. */
function exactUpper(k: number, n: number, a: number, b: number): number {
	let num = 0n;
	let choose = 1n;
	const A = BigInt(a);
	const B = BigInt(b);
	for (let x = 0; x <= n; x++) {
		if (x > 0) choose = (choose * BigInt(n - x + 1)) / BigInt(x);
		if (x >= k) num += choose * A ** BigInt(x) * (B - A) ** BigInt(n - x);
	}
	const den = B ** BigInt(n);
	if (num === 0n) return 0;
	// Keep about 20 significant digits of the ratio of two huge integers, whatever its size.
	const shift = den.toString().length - num.toString().length + 20;
	return Number((num * 10n ** BigInt(shift)) / den) * 10 ** -shift;
}

describe('binomial tails', () => {
	it('hand-worked: 8 or more heads in 10 fair tosses is 56/1024 (R: binom.test(8, 10, alternative = "greater") p = 0.05469)', () => {
		expect(binomialUpperTail(8, 10, 0.5)).toBeCloseTo(56 / 1024, 14);
		// 12 of 15 records in the period with 1 baseline year: (455 + 105 + 15 + 1) / 2^15.
		expect(binomialUpperTail(12, 15, 0.5)).toBeCloseTo(576 / 32768, 14);
		// Lower tail: 2 or fewer of 10 = (1 + 10 + 45) / 1024.
		expect(binomialLowerTail(2, 10, 0.5)).toBeCloseTo(56 / 1024, 14);
	});

	it('edges: k ≤ 0 is 1, k > n is 0, p of 0 and 1', () => {
		expect(binomialUpperTail(0, 7, 0.3)).toBe(1);
		expect(binomialUpperTail(8, 7, 0.3)).toBe(0);
		expect(binomialUpperTail(1, 7, 0)).toBe(0);
		expect(binomialUpperTail(7, 7, 1)).toBe(1);
		expect(() => binomialUpperTail(1, 7.5, 0.5)).toThrow(RangeError);
		expect(() => binomialUpperTail(1, 7, 1.5)).toThrow(RangeError);
	});

	it.each([
		[10, 20, 1, 4],
		[30, 40, 1, 2],
		[25, 60, 1, 3],
		[150, 200, 1, 2],
		[90, 100, 1, 4],
		[400, 1000, 1, 4]
	])('P(X ≥ %i), n = %i, p = %i/%i equals exact rational arithmetic to 1e-12 relative', (k, n, a, b) => {
		const exact = exactUpper(k, n, a, b);
		expect(exact).toBeGreaterThan(0);
		expect(Math.abs(binomialUpperTail(k, n, a / b) / exact - 1)).toBeLessThan(1e-12);
	});

	it('agrees with the incomplete beta route, I_p(k, n − k + 1), over a grid', () => {
		for (const n of [10, 37, 120, 800]) {
			for (const p of [0.25, 1 / 3, 0.5]) {
				for (const k of [1, Math.round(n * p), Math.min(n, Math.round(n * p + 2 * Math.sqrt(n))), n]) {
					const want = incompleteBeta(p, k, n - k + 1);
					expect(Math.abs(binomialUpperTail(k, n, p) - want)).toBeLessThan(1e-12 + 1e-9 * want);
				}
			}
		}
	});
});

describe('beta-binomial tails', () => {
	it('α = β = 1 is uniform on 0…n: P(X ≥ k) = (n − k + 1)/(n + 1)', () => {
		expect(betaBinomialUpperTail(3, 9, 1, 1)).toBeCloseTo(7 / 10, 12);
		expect(betaBinomialLowerTail(3, 9, 1, 1)).toBeCloseTo(4 / 10, 12);
	});
	it('tends to the binomial as the shapes grow (no extra variation)', () => {
		expect(betaBinomialUpperTail(30, 40, 1e7, 1e7)).toBeCloseTo(binomialUpperTail(30, 40, 0.5), 6);
	});
	it('is wider than the binomial with extra variation', () => {
		expect(betaBinomialUpperTail(30, 40, 5, 5)).toBeGreaterThan(binomialUpperTail(30, 40, 0.5) * 10);
	});
});

describe('Benjamini–Hochberg on a small list, by hand', () => {
	it('p = .01, .04, .03, .20 → q = .04, .0533, .0533, .20', () => {
		// Sorted: .01 .03 .04 .20; m·p/i = .04, .06, .0533, .20; running minimum from the top.
		const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]) as number[];
		expect(q[0]).toBeCloseTo(0.04, 12);
		expect(q[1]).toBeCloseTo(0.16 / 3, 12);
		expect(q[2]).toBeCloseTo(0.16 / 3, 12);
		expect(q[3]).toBeCloseTo(0.2, 12);
	});
});

const MODEL = model as unknown as Parameters<typeof testCells>[2];

describe('testCells', () => {
	it('worked by hand: three cells, one baseline year', () => {
		const cells: CellCounts[] = [
			{ area: 'A', category: 'Burglary', current: 12, baseline: 3 }, // n 15: p = 576/32768
			{ area: 'B', category: 'Burglary', current: 5, baseline: 5 }, // n 10: p = 638/1024
			{ area: 'C', category: 'Robbery', current: 4, baseline: 2 } // n 6 < 10: not tested
		];
		const { tested, untested } = testCells(cells, 1, MODEL);
		expect(untested).toBe(1);
		expect(tested.map((r) => r.area)).toEqual(['A', 'B']); // excess 9, then 0
		const [a, b] = tested;
		expect(a.pValue).toBeCloseTo(576 / 32768, 14);
		expect(b.pValue).toBeCloseTo((252 + 210 + 120 + 45 + 10 + 1) / 1024, 14);
		// BH over m = 2: q(A) = min(2 · 0.01758, q(B)) = 0.03516; q(B) = 0.623.
		expect(a.qValue).toBeCloseTo((2 * 576) / 32768, 14);
		expect(b.qValue).toBeCloseTo(638 / 1024, 14);
		expect([a.exception, b.exception]).toEqual([true, false]);
		expect([a.expected, a.ratio, a.excess]).toEqual([3, 4, 9]);
	});

	it('three baseline years: expected is the yearly average, the share under no change 1/4', () => {
		const { tested } = testCells([{ area: 'A', category: 'X', current: 10, baseline: 12 }], 3, MODEL);
		expect(tested[0].expected).toBe(4);
		expect(tested[0].pValue).toBeCloseTo(exactUpper(10, 22, 1, 4), 14);
	});

	it('nothing expected: ratio null', () => {
		const { tested } = testCells([{ area: 'A', category: 'X', current: 10, baseline: 0 }], 1, MODEL);
		expect(tested[0].ratio).toBeNull();
		expect(tested[0].pValue).toBeCloseTo(1 / 1024, 14);
	});
});

function poisson(mean: number, rand: () => number): number {
	// Knuth's product method (means here are below 60).
	const limit = Math.exp(-mean);
	let k = 0;
	let p = rand();
	while (p > limit) {
		k++;
		p *= rand();
	}
	return k;
}

describe('false-discovery control, seeded simulation', () => {
	// 120 cells with means from 2 to 40 records a period, 3 baseline years, nothing changes.
	const CELLS = 120;
	const REPORTS = 500;
	const means = Array.from({ length: CELLS }, (_, i) => 2 + (38 * i) / (CELLS - 1));

	function simulate(seed: number, spike: number | null) {
		const rand = mulberry32(seed);
		return means.map((m, i): CellCounts => {
			const base = poisson(m, rand) + poisson(m, rand) + poisson(m, rand);
			const current = poisson(i === spike ? m * 3 : m, rand);
			return { area: `A${i}`, category: 'X', current, baseline: base };
		});
	}

	it(`under the global null, reports with any exception ≤ q (within 3 standard errors), ${REPORTS} reports`, () => {
		let any = 0;
		let listed = 0;
		for (let r = 0; r < REPORTS; r++) {
			const { tested } = testCells(simulate(1000 + r, null), 3, MODEL);
			const n = tested.filter((t) => t.exception).length;
			if (n > 0) any++;
			listed += n;
		}
		const rate = any / REPORTS;
		const q = MODEL.fdr.q;
		console.log(`global null: ${any} of ${REPORTS} reports listed any exception (${(100 * rate).toFixed(1)}%; q = ${q}); ${listed} cells listed in all`);
		expect(rate).toBeLessThanOrEqual(q + 3 * Math.sqrt((q * (1 - q)) / REPORTS));
	});

	it('a tripled cell is the top exception in most reports', () => {
		let top = 0;
		for (let r = 0; r < 100; r++) {
			const spike = 60 + (r % 60); // means 21–40
			const { tested } = testCells(simulate(5000 + r, spike), 3, MODEL);
			if (tested[0].exception && tested[0].area === `A${spike}`) top++;
		}
		console.log(`spike: top exception in ${top} of 100 reports`);
		expect(top).toBeGreaterThanOrEqual(90);
	});
});

describe('reportPeriod', () => {
	const m = { default_period_months: 3 };
	it('fills open ends from the data and the default length', async () => {
		const { reportPeriod } = await import('./report');
		expect(reportPeriod(m, { from: null, to: null }, '2019-11')).toEqual({ from: '2019-09', to: '2019-11' });
		expect(reportPeriod(m, { from: '2019-06', to: null }, '2019-11')).toEqual({ from: '2019-06', to: '2019-11' });
		expect(reportPeriod(m, { from: null, to: '2019-02' }, '2019-11')).toEqual({ from: '2018-12', to: '2019-02' });
		expect(reportPeriod(m, { from: '2019-03', to: '2019-04' }, '2019-11')).toEqual({ from: '2019-03', to: '2019-04' });
	});
});
