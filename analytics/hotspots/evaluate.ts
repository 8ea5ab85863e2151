/**
 * How well a ranking of areas predicted where crime happened next: hit rate, PAI and PEI* at a
 * given share of the study region's area.
 *
 * Definitions, for a selection covering area share a = (area selected) / (area of the region)
 * and N crimes in the region in the test period:
 * - hit rate H(a) = n / N, n the crimes inside the selection;
 * - PAI = H(a) / a, the Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008, "The utility of
 *   hotspot mapping for predicting spatial patterns of crime", Security Journal 21:4–28): how many
 *   times more crime per unit area the selection holds than the region as a whole;
 * - PEI* = n / n*(a), n*(a) the most crimes any selection of the same area could have held
 *   (Hunt 2016, "Do crime hot spots move? …", PhD dissertation, American University; justified in
 *   White, Hunt & Green 2023, "A discussion of current crime forecasting indices and an
 *   improvement to the prediction efficiency index for applications", Security Journal). 1 means
 *   no ranking could have done better with that much area.
 *
 * Exact area shares: areas are taken in ranked order until the share is reached; the area that
 * straddles it is included in proportion (its crimes counted pro rata), so every method is scored
 * at exactly the same share, whatever the sizes of its areas. Areas with equal scores are one
 * block: a cut inside a block takes the same fraction of each of its areas, which is the expected
 * result of breaking the tie at random. n*(a) is the same curve with areas ordered by actual
 * crime density (crimes / area): the fractional-knapsack optimum, so PEI* ≤ 1 always. With equal
 * areas (H3 cells) and whole-cell shares these are the usual cell-count definitions.
 */

export interface RankedArea {
	areaId: string;
	/** Predicted score: higher means hotter. */
	score: number;
	/** Crimes observed in the area in the test period. */
	actual: number;
	/** Area in km² (any unit: only shares matter); default 1 (equal areas). */
	area?: number;
}

export interface HotspotMetrics {
	/** The share of the region's area selected, 0 < a ≤ 1. */
	areaShare: number;
	/** Crimes in the region in the test period (N). */
	crimes: number;
	/** Crimes captured by the selection (n; fractional where an area or tie block is cut). */
	captured: number;
	/** Most crimes a selection of the same area could capture (n*). */
	capturable: number;
	/** n / N; null when N = 0. */
	hitRate: number | null;
	/** hit rate / area share; null when N = 0. */
	pai: number | null;
	/** n / n*; null when N = 0. */
	peiStar: number | null;
}

interface Block {
	area: number;
	crimes: number;
}

/** Captured crimes at cumulative area `target` along blocks taken in order, interpolating inside a block. */
function capturedAt(blocks: readonly Block[], target: number): number {
	let area = 0;
	let crimes = 0;
	for (const b of blocks) {
		if (area + b.area >= target) {
			const fraction = b.area > 0 ? (target - area) / b.area : 0;
			return crimes + fraction * b.crimes;
		}
		area += b.area;
		crimes += b.crimes;
	}
	return crimes;
}

/**
 * Hit rate, PAI and PEI* of a ranking at each area share (module note). Throws a RangeError for
 * an area share outside (0, 1], a negative crime count or area, a non-finite score, or an empty
 * region. No crimes in the test period gives null rates (nothing to capture).
 */
export function evaluateRanking(areas: readonly RankedArea[], areaShares: readonly number[]): HotspotMetrics[] {
	if (areas.length === 0) throw new RangeError('evaluateRanking: the study region has no areas');
	for (const a of areas) {
		if (!Number.isFinite(a.score)) throw new RangeError(`evaluateRanking: score of ${a.areaId} is not a finite number (${a.score})`);
		if (!(a.actual >= 0)) throw new RangeError(`evaluateRanking: crimes in ${a.areaId} must be ≥ 0, got ${a.actual}`);
		if (a.area !== undefined && !(a.area >= 0)) throw new RangeError(`evaluateRanking: area of ${a.areaId} must be ≥ 0, got ${a.area}`);
	}
	for (const s of areaShares) if (!(s > 0 && s <= 1)) throw new RangeError(`evaluateRanking: area share must be in (0, 1], got ${s}`);
	const size = (a: RankedArea) => a.area ?? 1;
	const totalArea = areas.reduce((s, a) => s + size(a), 0);
	const crimes = areas.reduce((s, a) => s + a.actual, 0);
	if (!(totalArea > 0)) throw new RangeError('evaluateRanking: the study region has zero total area');

	// Predicted order: score descending, equal scores merged into one block.
	const byScore = [...areas].sort((x, y) => y.score - x.score);
	const predicted: Block[] = [];
	for (let i = 0; i < byScore.length; ) {
		let j = i;
		const block: Block = { area: 0, crimes: 0 };
		while (j < byScore.length && byScore[j].score === byScore[i].score) {
			block.area += size(byScore[j]);
			block.crimes += byScore[j].actual;
			j++;
		}
		predicted.push(block);
		i = j;
	}
	// Best possible order: actual density descending (zero-area areas first: free crimes).
	const best: Block[] = areas
		.map((a) => ({ area: size(a), crimes: a.actual }))
		.sort((x, y) => density(y) - density(x));

	return areaShares.map((areaShare) => {
		const target = areaShare * totalArea;
		const captured = capturedAt(predicted, target);
		const capturable = capturedAt(best, target);
		const hitRate = crimes > 0 ? captured / crimes : null;
		return {
			areaShare,
			crimes,
			captured,
			capturable,
			hitRate,
			pai: hitRate === null ? null : hitRate / areaShare,
			peiStar: crimes > 0 ? (capturable > 0 ? captured / capturable : 0) : null
		};
	});
}

function density(b: Block): number {
	if (b.area === 0) return b.crimes > 0 ? Infinity : 0;
	return b.crimes / b.area;
}
