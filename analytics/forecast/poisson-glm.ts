/**
 * Poisson regression with a log link, fitted by iteratively reweighted least squares (IRLS),
 * for the one design the forecasts need: a factor (e.g. hour of week, one coefficient per level,
 * no separate intercept) plus a few numeric covariates (e.g. a trend).
 *
 * IRLS (McCullagh & Nelder 1989, Generalized Linear Models, 2nd ed., §2.5): with η = Xb and
 * μ = exp(η), repeat until the deviance stops changing:
 *   weights w = μ (the Poisson variance, = (dμ/dη)² / Var(y) under the log link),
 *   working response z = η + (y − μ) / μ,
 *   b ← (XᵀWX)⁻¹ XᵀWz.
 * The factor's one-hot columns make XᵀWX = [[D, C], [Cᵀ, E]] with D diagonal (the weight of
 * each level), so the system is solved through the Schur complement S = E − CᵀD⁻¹C, a q × q
 * matrix for q covariates: O(n·q² + levels·q² + q³) per iteration instead of O(n·p²) for a dense
 * solve with p = levels + q (169 for hour of week with a trend).
 *
 * A level whose counts are all zero has maximum-likelihood mean 0 (coefficient −∞). Such levels
 * are left out of the fit (they contribute nothing to the score equations in that limit) and
 * reported with coefficient −Infinity, so their fitted mean is exactly 0.
 */

export interface PoissonGlmInput {
	/** Counts, ≥ 0. */
	y: ArrayLike<number>;
	/** Level of the factor for each observation, 0 … levels − 1. */
	factor: ArrayLike<number>;
	/** Number of factor levels (1 for an intercept-only factor). */
	levels: number;
	/** Numeric covariates, each with one value per observation (may be empty). */
	covariates: ArrayLike<number>[];
	/**
	 * Ridge penalty λ on the covariate coefficients (not the factor): maximises
	 * log-likelihood − λ Σ b² / 2, i.e. a Gaussian prior N(0, 1/λ) on each b. Default 0 (plain
	 * maximum likelihood). A small λ keeps b finite when the likelihood has no maximum, e.g. a
	 * series of zeros ending in one count, whose log-linear trend would run to +∞.
	 */
	ridge?: number;
	/** Stop when |Δdeviance| < tolerance × (|deviance| + 0.1) (R's glm rule and default, 1e-8). */
	tolerance?: number;
	/** Default 50. */
	maxIterations?: number;
}

export interface PoissonGlmFit {
	/** log-mean of each factor level at covariates = 0; −Infinity for a level with no counts. */
	levelCoefficients: number[];
	/** One coefficient per covariate (log-mean change per unit). */
	covariateCoefficients: number[];
	/** Residual deviance 2 Σ [y log(y/μ) − (y − μ)] (without the ridge term). */
	deviance: number;
	iterations: number;
	converged: boolean;
}

function solveSymmetric(a: number[][], b: number[]): number[] {
	// Gaussian elimination with partial pivoting; a is q × q with q ≤ a handful.
	const n = b.length;
	const m = a.map((row, i) => [...row, b[i]]);
	for (let col = 0; col < n; col++) {
		let pivot = col;
		for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
		if (Math.abs(m[pivot][col]) < 1e-12 * (1 + Math.abs(m[col][col]))) {
			throw new RangeError('Poisson regression: the covariates are collinear with the factor (singular system); is there at least two seasons of history?');
		}
		[m[col], m[pivot]] = [m[pivot], m[col]];
		for (let r = col + 1; r < n; r++) {
			const f = m[r][col] / m[col][col];
			for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
		}
	}
	const x = new Array<number>(n).fill(0);
	for (let r = n - 1; r >= 0; r--) {
		let s = m[r][n];
		for (let c = r + 1; c < n; c++) s -= m[r][c] * x[c];
		x[r] = s / m[r][r];
	}
	return x;
}

/**
 * Deviance 2 Σ [y log(y/μ) − (y − μ)] written as 2 Σ [y log y − y η − y + μ] over the rows of
 * active levels, so that y log y is computed once per fit and no logarithm is taken per iteration.
 */
function deviance(yLogY: number, y: number[], eta: number[], mu: number[], use: number[]): number {
	let d = yLogY;
	for (let i = 0; i < y.length; i++) if (use[i]) d += mu[i] - y[i] * (eta[i] + 1);
	return 2 * d;
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

/**
 * Fit log E[y] = a[factor] + Σ b_k · covariate_k by IRLS. Starts from the level means with
 * b = 0, halves a step that raises the deviance, and stops by R's glm convergence rule.
 *
 * Edge cases: empty input throws; every count zero gives every level −Infinity and b = 0
 * (deviance 0); a level with no observations at all is reported as −Infinity. Throws a
 * RangeError naming the problem for negative or non-finite counts, a level out of range, or a
 * singular system (covariates indistinguishable from the factor).
 */
export function fitPoissonGlm(input: PoissonGlmInput): PoissonGlmFit {
	const { levels, covariates } = input;
	const n = input.y.length;
	const q = covariates.length;
	const tolerance = input.tolerance ?? 1e-8;
	const maxIterations = input.maxIterations ?? 50;
	const ridge = input.ridge ?? 0;
	if (!(ridge >= 0)) throw new RangeError(`Poisson regression: ridge must be ≥ 0, got ${ridge}`);
	if (n === 0) throw new RangeError('Poisson regression: no observations');
	if (input.factor.length !== n || covariates.some((c) => c.length !== n)) throw new RangeError('Poisson regression: y, factor and covariates must have the same length');
	// Copy into plain arrays once (monomorphic inner loops; small typed arrays cost more to
	// allocate than the fit itself for a 36-month series). X is row-major n × q.
	const y = zeros(n);
	const factor = zeros(n);
	const X = zeros(n * q);
	const levelSum = zeros(levels);
	const levelCount = zeros(levels);
	for (let i = 0; i < n; i++) {
		const f = input.factor[i];
		const yi = input.y[i];
		if (!(f >= 0 && f < levels && Number.isInteger(f))) throw new RangeError(`Poisson regression: factor level ${f} at ${i} is outside 0 … ${levels - 1}`);
		if (!(yi >= 0) || !Number.isFinite(yi)) throw new RangeError(`Poisson regression: count ${yi} at ${i} is not a finite number ≥ 0`);
		y[i] = yi;
		factor[i] = f;
		for (let k = 0; k < q; k++) X[i * q + k] = covariates[k][i];
		levelSum[f] += yi;
		levelCount[f]++;
	}
	const active = zeros(levels);
	const a = zeros(levels);
	for (let j = 0; j < levels; j++) {
		active[j] = levelSum[j] > 0 ? 1 : 0;
		a[j] = active[j] ? Math.log(levelSum[j] / levelCount[j]) : -Infinity;
	}
	const use = zeros(n);
	let yLogY = 0;
	for (let i = 0; i < n; i++) {
		use[i] = active[factor[i]];
		if (use[i] && y[i] > 0) yLogY += y[i] * Math.log(y[i]);
	}
	let b = zeros(q);
	if (!active.some((v) => v === 1)) {
		return { levelCoefficients: a, covariateCoefficients: b, deviance: 0, iterations: 0, converged: true };
	}
	const eta = zeros(n);
	const mu = zeros(n);
	const predict = (aa: number[], bb: number[]) => {
		for (let i = 0; i < n; i++) {
			let e = aa[factor[i]];
			for (let k = 0; k < q; k++) e += bb[k] * X[i * q + k];
			eta[i] = e;
			mu[i] = use[i] ? Math.exp(e) : 0;
		}
	};
	// The objective IRLS descends: deviance plus the ridge term (2 × the negative log-prior).
	const objective = (bb: number[]) => {
		let penalty = 0;
		for (let k = 0; k < q; k++) penalty += bb[k] * bb[k];
		return deviance(yLogY, y, eta, mu, use) + ridge * penalty;
	};
	predict(a, b);
	let current = objective(b);

	let iterations = 0;
	let converged = false;
	// Work arrays, allocated once: D and r per level, C (levels × q), E (q × q), s (q).
	const D = zeros(levels);
	const r = zeros(levels);
	const C = zeros(levels * q);
	const E = zeros(q * q);
	const s = zeros(q);
	const aNew = zeros(levels);
	const aTry = zeros(levels);
	const bTry = zeros(q);
	while (iterations < maxIterations) {
		iterations++;
		D.fill(0);
		r.fill(0);
		C.fill(0);
		E.fill(0);
		s.fill(0);
		for (let i = 0; i < n; i++) {
			if (!use[i]) continue;
			const f = factor[i];
			const w = mu[i];
			const z = eta[i] + (y[i] - w) / w;
			D[f] += w;
			r[f] += w * z;
			for (let k = 0; k < q; k++) {
				const xk = X[i * q + k];
				C[f * q + k] += w * xk;
				s[k] += w * xk * z;
				for (let l = 0; l <= k; l++) E[k * q + l] += w * xk * X[i * q + l];
			}
		}
		// Schur complement: S = E + λI − Cᵀ D⁻¹ C, rhs = s − Cᵀ D⁻¹ r.
		let bNew: number[] = [];
		if (q > 0) {
			const S = Array.from({ length: q }, (_, k) => Array.from({ length: q }, (_, l) => (k >= l ? E[k * q + l] : E[l * q + k]) + (k === l ? ridge : 0)));
			const rhs = Array.from(s);
			for (let j = 0; j < levels; j++) {
				if (!active[j] || D[j] === 0) continue;
				for (let k = 0; k < q; k++) {
					rhs[k] -= (C[j * q + k] * r[j]) / D[j];
					for (let l = 0; l < q; l++) S[k][l] -= (C[j * q + k] * C[j * q + l]) / D[j];
				}
			}
			bNew = solveSymmetric(S, rhs);
		}
		for (let j = 0; j < levels; j++) {
			if (!active[j]) {
				aNew[j] = -Infinity;
				continue;
			}
			let v = r[j];
			for (let k = 0; k < q; k++) v -= C[j * q + k] * bNew[k];
			aNew[j] = v / D[j];
		}
		// Step halving: never accept a step that raises the objective (guards against overshoot).
		let step = 1;
		let next = Infinity;
		for (let half = 0; half < 30; half++, step /= 2) {
			for (let j = 0; j < levels; j++) aTry[j] = active[j] ? a[j] + step * (aNew[j] - a[j]) : -Infinity;
			for (let k = 0; k < q; k++) bTry[k] = b[k] + step * (bNew[k] - b[k]);
			predict(aTry, bTry);
			next = objective(bTry);
			if (next <= current * (1 + 1e-12) + 1e-12) break;
		}
		const change = Math.abs(next - current);
		for (let j = 0; j < levels; j++) a[j] = aTry[j];
		b = bTry.slice();
		current = next;
		if (change < tolerance * (Math.abs(current) + 0.1)) {
			converged = true;
			break;
		}
	}
	predict(a, b);
	return { levelCoefficients: a, covariateCoefficients: b, deviance: deviance(yLogY, y, eta, mu, use), iterations, converged };
}
