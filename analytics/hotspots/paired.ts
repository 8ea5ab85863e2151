/**
 * Whether one ranking's lead over another, averaged over held-back months, is more than chance:
 * the exact one-sided Wilcoxon signed-rank test on the month-by-month differences (Wilcoxon 1945,
 * "Individual comparisons by ranking methods", Biometrics Bulletin 1:80–83; zeros dropped as
 * Wilcoxon did, tied |differences| given their mean rank, the exact null distribution of W+ by
 * counting every assignment of signs to those ranks). The months are the pairs: both methods
 * ranked the same areas from the same data and were scored on the same month's harm, so the
 * month's own randomness cancels in the difference.
 *
 * Why a test and not a margin: the mean over 11 or 12 months moves by tenths of a point with a
 * single month, so a lead of any size the tables print can come from one or two lucky months. A
 * lead counts only when it is also consistent month by month.
 */

/** Differences smaller than this (a share of the month's harm, so 10^-12 of it) are float noise from summation order, counted as ties. */
const NOISE = 1e-12;

/** The month-by-month comparison of two methods' figures (same months, same order). */
export interface PairedLead {
	/** Months with a figure for both methods. */
	months: number;
	/** Months where the first method's figure was higher, lower, or the same. */
	ahead: number;
	behind: number;
	tied: number;
	/** W+: the sum of the ranks of |difference| over the months where the first was ahead (ties in |difference| share their mean rank; tied months are left out). */
	wPlus: number;
	/**
	 * One-sided p-value: the chance, if neither method were better, that W+ would be at least as
	 * large as observed. 1 when no month differs. With n months that differ it is never below
	 * 2^−n, so 4 or fewer such months can never show a lead at the 5% level.
	 */
	p: number;
}

/**
 * The exact one-sided Wilcoxon signed-rank test that `first` is higher than `second` month by
 * month (module note). Pairs where either figure is null (no harm that month) are left out;
 * differences within 10^-12 count as ties. Throws a RangeError when the lists differ in length.
 */
export function pairedLeadTest(first: ReadonlyArray<number | null>, second: ReadonlyArray<number | null>): PairedLead {
	if (first.length !== second.length) throw new RangeError(`pairedLeadTest: ${first.length} figures against ${second.length}`);
	const diffs: number[] = [];
	let months = 0;
	for (let i = 0; i < first.length; i++) {
		const a = first[i];
		const b = second[i];
		if (a === null || b === null) continue;
		months++;
		const d = a - b;
		if (Math.abs(d) > NOISE) diffs.push(d);
	}
	const ahead = diffs.filter((d) => d > 0).length;
	const behind = diffs.length - ahead;
	const tied = months - diffs.length;
	if (diffs.length === 0) return { months, ahead, behind, tied, wPlus: 0, p: 1 };

	// Ranks of |d| (1 = smallest), doubled so mean ranks of ties stay whole numbers.
	const order = diffs.map((d, i) => ({ size: Math.abs(d), i })).sort((x, y) => x.size - y.size);
	const rank2 = new Array<number>(diffs.length);
	for (let k = 0; k < order.length; ) {
		let j = k;
		while (j + 1 < order.length && order[j + 1].size - order[k].size <= NOISE) j++;
		// Positions k … j (0-based) hold ranks k+1 … j+1; twice their mean is k + j + 2.
		for (let t = k; t <= j; t++) rank2[order[t].i] = k + j + 2;
		k = j + 1;
	}
	const observed = diffs.reduce((s, d, i) => s + (d > 0 ? rank2[i] : 0), 0);
	// Null distribution of 2·W+: each rank's sign is + or − with probability ½, independently.
	const total = rank2.reduce((s, r) => s + r, 0);
	let dist = new Float64Array(total + 1);
	dist[0] = 1;
	let reach = 0;
	for (const r of rank2) {
		const next = new Float64Array(total + 1);
		for (let w = 0; w <= reach; w++) {
			if (dist[w] === 0) continue;
			next[w] += dist[w] / 2;
			next[w + r] += dist[w] / 2;
		}
		reach += r;
		dist = next;
	}
	let p = 0;
	for (let w = observed; w <= total; w++) p += dist[w];
	return { months, ahead, behind, tied, wPlus: observed / 2, p: Math.min(1, p) };
}
