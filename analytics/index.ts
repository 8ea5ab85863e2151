/** Public surface of the analytics package: pure TypeScript, no DOM, no Svelte, no DuckDB import. */
export * from './runner';
export * from './ingest';
export * from './overview';
export * from './models';
export * from './export';
export * from './forecast';
export * from './staffing';
export * from './hotspots';
export * from './clusters';
export * from './thr';
export * from './review';
