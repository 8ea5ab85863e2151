/**
 * Public surface of analytics/thr: explainable threat–harm–risk scores from a declared model
 * file, over any QueryRunner (DuckDB-wasm in the browser, native DuckDB in Node).
 */
export * from './model';
export * from './stats';
export * from './risk';
export * from './score';
export * from './explain';
export * from './what-if';
export * from './fairness';
export { ensureHarmWeights, componentSumsSql, type BoundSql } from './sql';
