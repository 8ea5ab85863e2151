/**
 * Public surface of analytics/forecast: demand forecasts by hour of week and by month, with
 * 80%/95% prediction intervals, rolling-origin backtests and automatic method choice, and the
 * expected harm per area next month that feeds the THR Risk component. See README.md.
 */
export { FORECAST_METHODS, METHOD_LABELS, METHOD_USES, PANEL_METHODS, defaultMethodOptions, fitMethod, isForecastMethod, minHistory } from './methods';
export type { FittedMethod, ForecastMethodName, MethodOptions, MethodParameter } from './methods';
export { defaultCalibrationOrigins, estimateDispersion, forecastSeries, nearestInterval, pointForecast } from './forecast';
export type { Dispersion, Forecast, ForecastCache, ForecastOptions, IntervalBlock, IntervalCalibration } from './forecast';
export { backtest, chooseMethod, explainForecast, forecastWithBacktest, naiveScales, pinballLoss, rollingOrigins, scoreForecasts } from './backtest';
export type { BacktestOptions, BacktestResult, BacktestScore, ForecastExplanation, ForecastWithBacktest, ForecastWithBacktestOptions, MethodChoice } from './backtest';
export { evaluateForecasts } from './evaluate';
export type { Evaluation, EvaluationOptions } from './evaluate';
export { calendarColumns, chooseHolidayCalendar, fourierColumns, holidaySet } from './calendar';
export type { CalendarColumns, HolidayCalendarKey, HolidayCalendarModel, SeriesCalendar } from './calendar';
export { fitNbRegression } from './nb-regression';
export { fitHoltWinters, holtWintersFilter, holtWintersForecast } from './holt-winters';
export type { HoltWintersParams, HoltWintersState } from './holt-winters';
export { fitPoissonGlm } from './poisson-glm';
export type { PoissonGlmFit, PoissonGlmInput } from './poisson-glm';
export { countInterval, negativeBinomialQuantile, scaledCountInterval, scaledCountQuantiles } from './distributions';
export type { CountInterval } from './distributions';
export { addHours, hourOfWeekOf, hourlyCounts, monthlyPanel } from './series';
export type { AreaLevel, HarmWeightInput, HourlyCountsOptions, HourlySeries, MonthlyPanel, MonthlyPanelOptions, MonthlyTable, TimestampedTable } from './series';
export { forecastAreaHarm, forecastPanel, forecastRiskEstimates } from './area-harm';
export type { AreaHarmForecast, AreaHarmOptions, AreaHarmRow, AreaHarmScore, RiskEstimatesOptions, RiskEstimatesResult } from './area-harm';
