/**
 * Additive Holt–Winters exponential smoothing (level, trend, season of length m), in the
 * error-correction form of Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd
 * ed. (2021), §8.3:
 *   ℓ_t = α (y_t − s_{t−m}) + (1 − α)(ℓ_{t−1} + b_{t−1})
 *   b_t = β (ℓ_t − ℓ_{t−1}) + (1 − β) b_{t−1}
 *   s_t = γ (y_t − ℓ_{t−1} − b_{t−1}) + (1 − γ) s_{t−m}
 *   ŷ_{t+h|t} = ℓ_t + h b_t + s_{t+h−m(k+1)},  k = ⌊(h − 1)/m⌋
 * With m = 1 the season is dropped (γ = 0, s = 0): Holt's linear trend method.
 *
 * Initial states come from the first two seasons: trend b = (mean of season 2 − mean of season 1)
 * / m; seasonal s_i = y_i minus the straight line through the season-1 mean with that slope
 * (so the seasonal states sum to zero); level one step before the first observation. A series
 * that is exactly level + trend + season is then reproduced without error for any α, β, γ.
 * Parameters are chosen by minimising the sum of squared one-step errors over the whole
 * series: a coarse grid, then Nelder–Mead in logit space (so each stays inside (0, 1)).
 */

export interface HoltWintersParams {
	alpha: number;
	beta: number;
	gamma: number;
}

export interface HoltWintersState {
	level: number;
	trend: number;
	/** Seasonal states indexed by t mod m (length m; all 0 when m = 1). */
	season: Float64Array;
	/** Number of observations filtered. */
	n: number;
	/** Sum of squared one-step errors. */
	sse: number;
}

/** Minimum history Holt–Winters needs: two full seasons (two observations when m = 1). */
export function holtWintersMinLength(period: number): number {
	return 2 * period;
}

function initialStates(y: ArrayLike<number>, m: number): { level: number; trend: number; season: Float64Array } {
	let mean1 = 0;
	let mean2 = 0;
	for (let i = 0; i < m; i++) {
		mean1 += y[i];
		mean2 += y[m + i];
	}
	mean1 /= m;
	mean2 /= m;
	const trend = (mean2 - mean1) / m;
	const season = new Float64Array(m);
	if (m > 1) for (let i = 0; i < m; i++) season[i] = y[i] - (mean1 + trend * (i - (m - 1) / 2));
	// Level at t = −1, so that ℓ_{−1} + b is the deseasonalised value at t = 0.
	const level = mean1 - trend * ((m - 1) / 2) - trend;
	return { level, trend, season };
}

/**
 * Run the Holt–Winters recursions over y with fixed parameters. Throws a RangeError when y is
 * shorter than two seasons or a parameter is outside [0, 1].
 */
export function holtWintersFilter(y: ArrayLike<number>, period: number, params: HoltWintersParams): HoltWintersState {
	const m = period;
	if (!(Number.isInteger(m) && m >= 1)) throw new RangeError(`Holt–Winters: period must be a positive integer, got ${m}`);
	if (y.length < holtWintersMinLength(m)) {
		throw new RangeError(`Holt–Winters needs at least two seasons (${holtWintersMinLength(m)} values) of history; got ${y.length}`);
	}
	for (const [k, v] of Object.entries(params)) {
		if (!(v >= 0 && v <= 1)) throw new RangeError(`Holt–Winters: ${k} must be in [0, 1], got ${v}`);
	}
	const { alpha, beta } = params;
	const gamma = m === 1 ? 0 : params.gamma;
	const init = initialStates(y, m);
	let level = init.level;
	let trend = init.trend;
	const season = init.season;
	let sse = 0;
	for (let t = 0; t < y.length; t++) {
		const i = t % m;
		const s = season[i];
		const forecast = level + trend + s;
		const error = y[t] - forecast;
		sse += error * error;
		const newLevel = alpha * (y[t] - s) + (1 - alpha) * (level + trend);
		const newTrend = beta * (newLevel - level) + (1 - beta) * trend;
		if (m > 1) season[i] = gamma * (y[t] - level - trend) + (1 - gamma) * s;
		level = newLevel;
		trend = newTrend;
	}
	return { level, trend, season, n: y.length, sse };
}

/**
 * Point forecasts for h = 1 … horizon steps after the last filtered observation. Values may be
 * negative (additive model); callers that forecast counts clip them at zero.
 */
export function holtWintersForecast(state: HoltWintersState, period: number, horizon: number): Float64Array {
	const out = new Float64Array(horizon);
	for (let h = 1; h <= horizon; h++) {
		const s = period > 1 ? state.season[(state.n + h - 1) % period] : 0;
		out[h - 1] = state.level + h * state.trend + s;
	}
	return out;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/** Nelder–Mead minimisation of f over R^d (Nelder & Mead 1965, standard coefficients). */
function nelderMead(f: (x: number[]) => number, start: number[], options: { step: number; maxEvaluations: number; tolerance: number }): number[] {
	const d = start.length;
	let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + options.step : v)))];
	let values = simplex.map(f);
	let evaluations = simplex.length;
	while (evaluations < options.maxEvaluations) {
		const order = values.map((v, i) => i).sort((i, j) => values[i] - values[j]);
		simplex = order.map((i) => simplex[i]);
		values = order.map((i) => values[i]);
		if (Math.abs(values[d] - values[0]) <= options.tolerance * (Math.abs(values[0]) + 1e-12)) break;
		const centroid = new Array<number>(d).fill(0);
		for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) centroid[j] += simplex[i][j] / d;
		const along = (t: number) => centroid.map((c, j) => c + t * (simplex[d][j] - c));
		const reflected = along(-1);
		const fr = f(reflected);
		evaluations++;
		if (fr < values[0]) {
			const expanded = along(-2);
			const fe = f(expanded);
			evaluations++;
			if (fe < fr) {
				simplex[d] = expanded;
				values[d] = fe;
			} else {
				simplex[d] = reflected;
				values[d] = fr;
			}
		} else if (fr < values[d - 1]) {
			simplex[d] = reflected;
			values[d] = fr;
		} else {
			const contracted = fr < values[d] ? along(-0.5) : along(0.5);
			const fc = f(contracted);
			evaluations++;
			if (fc < Math.min(fr, values[d])) {
				simplex[d] = contracted;
				values[d] = fc;
			} else {
				for (let i = 1; i <= d; i++) {
					simplex[i] = simplex[i].map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j]));
					values[i] = f(simplex[i]);
					evaluations++;
				}
			}
		}
	}
	const best = values.indexOf(Math.min(...values));
	return simplex[best];
}

/**
 * Choose α, β, γ by least squares on one-step errors (grid search, then Nelder–Mead). With m = 1
 * γ is fixed at 0. Throws a RangeError, like {@link holtWintersFilter}, for a series shorter
 * than two seasons. A constant series gives SSE 0 at the first grid point and returns it.
 */
export function fitHoltWinters(y: ArrayLike<number>, period: number): { params: HoltWintersParams; state: HoltWintersState } {
	const seasonal = period > 1;
	const sse = (p: HoltWintersParams) => holtWintersFilter(y, period, p).sse;
	let best: HoltWintersParams = { alpha: 0.1, beta: 0.01, gamma: seasonal ? 0.1 : 0 };
	let bestSse = sse(best);
	const alphas = [0.02, 0.1, 0.3, 0.6];
	const betas = [0.001, 0.05];
	const gammas = seasonal ? [0.02, 0.1, 0.3] : [0];
	for (const alpha of alphas)
		for (const beta of betas)
			for (const gamma of gammas) {
				const v = sse({ alpha, beta, gamma });
				if (v < bestSse) {
					bestSse = v;
					best = { alpha, beta, gamma };
				}
			}
	if (bestSse > 0) {
		const toParams = (x: number[]): HoltWintersParams => ({ alpha: logistic(x[0]), beta: logistic(x[1]), gamma: seasonal ? logistic(x[2]) : 0 });
		const start = seasonal ? [logit(best.alpha), logit(best.beta), logit(best.gamma)] : [logit(best.alpha), logit(best.beta)];
		const x = nelderMead((v) => sse(toParams(v)), start, { step: 0.7, maxEvaluations: 120, tolerance: 1e-7 });
		const candidate = toParams(x);
		if (sse(candidate) < bestSse) best = candidate;
	}
	return { params: best, state: holtWintersFilter(y, period, best) };
}
