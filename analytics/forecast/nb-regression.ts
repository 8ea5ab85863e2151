/**
 * Negative binomial log-linear regression for hourly demand (method 'nb-regression'):
 *
 *   log μ_t = a[hour of week(t)] + Σ_k (s_k sin 2πk·d_t/365.25 + c_k cos 2πk·d_t/365.25)
 *             + b_trend · (t − centre)/window + b_level · log(recent level at t's origin)
 *
 * - hour of week: one coefficient per hour (168); a public-holiday hour (declared calendar,
 *   models/calendar) takes the coefficient of the same hour on a Sunday, so holidays cost no
 *   parameter and are never extrapolated from a handful of days.
 * - day of year d_t: `harmonics` Fourier pairs (FPP3 §12.1 / §7.4 "Fourier terms" for long
 *   seasonal periods), a smooth yearly cycle.
 * - trend: log-linear over the fitting window, with a weak N(0, 1) prior (as 'poisson').
 * - recent level: log of the mean count over the `recentLevelSeasons` seasons before the start of
 *   the week being forecast (for training rows: the week they fall in, with weeks aligned to the
 *   forecast origin; for forecasts: the weeks before the origin, for every step ahead).
 *
 * Fitting: the mean parameters by Poisson quasi-maximum likelihood (IRLS, poisson-glm.ts), which
 * is consistent for the conditional mean whatever the variance (Cameron & Trivedi 2013,
 * Regression Analysis of Count Data, 2nd ed., §3.2 "Poisson QMLE"; the NB2 estimates differ only
 * in their weights); the NB2 dispersion 1/k = Σ[(y − μ)² − μ] / Σ μ² by moments on the fit
 * (ibid. §3.3), reported as `size`. Without a calendar (series start unknown) or for a period
 * other than 168, the season position t mod period replaces the hour of week and there are no
 * Fourier or holiday terms.
 */
import { calendarColumns, fourierColumns } from './calendar';
import { fitPoissonGlm } from './poisson-glm';
import type { FittedMethod, MethodOptions, MethodParameter } from './methods';
import { stepsWords } from './method-words';
import { listWords } from '../compare/periods';

/** Ridge λ on the regression covariates (Fourier, trend, level): a weak N(0, 1) prior, as 'poisson'. */
export const NB_REGRESSION_RIDGE = 1;

interface Design {
	factor: Int32Array;
	covariates: Float64Array[];
	/** Weekday holiday hours (moved to a Sunday level). */
	holidayHours: number;
}

/**
 * Fit the regression on the last `regressionSeasons` seasons of `history` (module note). Needs
 * two seasons (checked by fitMethod). A season position with no count in the window forecasts 0.
 */
export function fitNbRegression(history: ArrayLike<number>, options: MethodOptions): FittedMethod {
	const { period } = options;
	const n = history.length;
	const calendar = period === 168 ? options.calendar : undefined;
	const harmonics = calendar ? options.harmonics : 0;
	const L = options.recentLevelSeasons;
	// The level needs L seasons before the first row's week.
	const useLevel = L > 0 && n >= (L + 3) * period;
	const maxWindow = useLevel ? n - (L + 1) * period : n;
	const window = Math.max(Math.min(2 * period, n), Math.min(options.regressionSeasons * period, maxWindow));
	const start = n - window;
	const centre = start + (window - 1) / 2;
	const prefix = new Float64Array(n + 1);
	for (let t = 0; t < n; t++) prefix[t + 1] = prefix[t] + history[t];
	// Recent level for a row in the week starting at `blockStart` (aligned to the origin n).
	const levelAt = (blockStart: number) => Math.log((prefix[blockStart] - prefix[blockStart - L * period] + 0.5) / (L * period));
	const originLevel = useLevel ? levelAt(n) : 0;

	const design = (from: number, to: number): Design => {
		const m = to - from;
		const factor = new Int32Array(m);
		const covariates: Float64Array[] = [];
		let holidayHours = 0;
		if (calendar) {
			const cols = calendarColumns(calendar, from, to);
			for (let i = 0; i < m; i++) {
				factor[i] = cols.holiday[i] ? 144 + (cols.hourOfWeek[i] % 24) : cols.hourOfWeek[i];
				if (cols.holiday[i] && cols.hourOfWeek[i] < 144) holidayHours++;
			}
			covariates.push(...fourierColumns(cols.dayOfYear, harmonics));
		} else {
			for (let i = 0; i < m; i++) factor[i] = (from + i) % period;
		}
		const trend = new Float64Array(m);
		for (let i = 0; i < m; i++) trend[i] = (from + i - centre) / window;
		covariates.push(trend);
		if (useLevel) {
			const level = new Float64Array(m);
			for (let i = 0; i < m; i++) {
				const t = from + i;
				level[i] = t >= n ? originLevel : levelAt(n - period * Math.ceil((n - t) / period));
			}
			covariates.push(level);
		}
		return { factor, covariates, holidayHours };
	};

	const train = design(start, n);
	const y = Array.prototype.slice.call(history, start, n) as number[];
	const fit = fitPoissonGlm({ y, factor: train.factor, levels: period, covariates: train.covariates, ridge: NB_REGRESSION_RIDGE });
	const b = fit.covariateCoefficients;
	const predict = (d: Design, i: number) => {
		const a = fit.levelCoefficients[d.factor[i]];
		if (a === -Infinity) return 0;
		let e = a;
		for (let k = 0; k < b.length; k++) e += b[k] * d.covariates[k][i];
		return Math.exp(e);
	};
	// NB2 dispersion by moments on the fit (Cameron & Trivedi 2013, §3.3).
	let num = 0;
	let den = 0;
	for (let i = 0; i < window; i++) {
		const mu = predict(train, i);
		num += (y[i] - mu) ** 2 - mu;
		den += mu * mu;
	}
	const holidayHours = train.holidayHours;
	const size = num > 0 && den > 0 ? den / num : Infinity;

	// Plain-words summaries of the yearly cycle and trend.
	const nf = 2 * harmonics;
	let peak = { day: 0, value: -Infinity };
	let trough = { day: 0, value: Infinity };
	if (nf > 0) {
		for (let day = 0; day < 365; day++) {
			let v = 0;
			for (let k = 1; k <= harmonics; k++) {
				const a = (2 * Math.PI * k * (day + 0.5)) / 365.25;
				v += b[2 * k - 2] * Math.sin(a) + b[2 * k - 1] * Math.cos(a);
			}
			if (v > peak.value) peak = { day, value: v };
			if (v < trough.value) trough = { day, value: v };
		}
	}
	const trendPerWindow = b[nf];
	const trendPerYear = period === 168 ? trendPerWindow * (8766 / window) : trendPerWindow * (period === 12 ? 12 / window : 1 / window);
	const levelCoefficient = useLevel ? b[nf + 1] : 0;
	const dayName = (d: number) => new Date(Date.UTC(2001, 0, 1 + d)).toISOString().slice(5, 10);
	const parameters: MethodParameter[] = [
		{ name: 'window', value: window, meaning: `fitted on the last ${stepsWords(window, period)}` },
		{ name: 'trendPerYear', value: trendPerYear, meaning: `trend ${(100 * (Math.exp(trendPerYear) - 1)).toFixed(1)}% a year` }
	];
	if (nf > 0) {
		parameters.push({
			name: 'yearlyPeakToTrough',
			value: Math.exp(peak.value - trough.value),
			meaning: `yearly cycle: busiest around ${dayName(peak.day)} (month-day), quietest around ${dayName(trough.day)}, ${Math.exp(peak.value - trough.value).toFixed(2)}× apart (${harmonics} Fourier harmonics)`
		});
	}
	if (calendar) parameters.push({ name: 'holidayHours', value: holidayHours, meaning: `${holidayHours} weekday holiday hours in the window treated like Sunday hours (${calendar.holidayCalendar ?? 'holiday calendar'})` });
	if (useLevel) parameters.push({ name: 'recentLevel', value: levelCoefficient, meaning: `recent-level elasticity ${levelCoefficient.toFixed(2)}: 10% more events in the last ${L} weeks than usual moves the forecast by ${(100 * (1.1 ** levelCoefficient - 1)).toFixed(1)}%` });
	parameters.push({ name: 'size', value: size, meaning: Number.isFinite(size) ? `negative binomial size ${size.toFixed(1)} (variance = mean + mean²/${size.toFixed(1)})` : 'no overdispersion in the fit (Poisson)' });

	const uses = [
		calendar ? `hour of week${calendar.holidays?.size ? ` (public holidays from "${calendar.holidayCalendar ?? 'the calendar'}" as Sundays)` : ''}` : `season position (t mod ${period})`,
		...(nf > 0 ? [`day of year (${harmonics} Fourier harmonic${harmonics === 1 ? '' : 's'})`] : []),
		'log-linear trend',
		...(useLevel ? [`recent level (mean of the last ${L} seasons)`] : [])
	];
	const params: Record<string, number> = { window, harmonics, trendPerYear, size, iterations: fit.iterations, converged: fit.converged ? 1 : 0 };
	if (useLevel) params.recentLevel = levelCoefficient;
	return {
		method: 'nb-regression',
		params,
		detail: `Negative binomial regression on ${listWords(uses)}, fitted to the last ${stepsWords(window, period)}`,
		uses,
		parameters,
		forecast(horizon) {
			const d = design(n, n + horizon);
			const out = new Float64Array(horizon);
			for (let i = 0; i < horizon; i++) out[i] = predict(d, i);
			return out;
		}
	};
}
