/**
 * The exact two-sided binomial decision for two equal periods, in integers: with N records,
 * n of them in the first period, and no change in rate, P(X ≤ n) for X ~ Binomial(N, ½) is
 * Σ C(N, i) / 2^N, so "2 × the smaller tail < 0.05" is "40 × the smaller sum < 2^N", decided in
 * BigInt with no rounding. Expected values for the change layer's "beyond chance" counts.
 */
export function beyondChanceExact(n: number, N: number): boolean {
	let c = 1n;
	let lower = 0n;
	let total = 0n;
	let atN = 0n;
	for (let i = 0; i <= N; i++) {
		total += c;
		if (i <= n) lower += c;
		if (i === n) atN = c;
		c = (c * BigInt(N - i)) / BigInt(i + 1);
	}
	const upper = total - lower + atN;
	return 40n * (lower < upper ? lower : upper) < total;
}

/** Cells that rose or fell (n against the comparison c), split by the exact test. */
export function exactChangeSplit(cells: ReadonlyArray<{ n: number; comparison: number }>) {
	const out = { rises: { beyond: 0, within: 0 }, falls: { beyond: 0, within: 0 } };
	for (const c of cells) {
		if (c.n === c.comparison) continue;
		const side = c.n > c.comparison ? out.rises : out.falls;
		if (beyondChanceExact(c.n, c.n + c.comparison)) side.beyond++;
		else side.within++;
	}
	return out;
}
