/**
 * Public surface of the exception report (see README.md): `exceptionReport(runner, input)` and
 * its rows, the per-cell test and counts, the check on later months, and the exact tails.
 */
export * from './report';
export * from './later-months';
export * from './stats';
export * from './export';
