/** Shared SQL and value helpers of the analytics package (see README.md). */
export * from './sql';
export * from './months';
export * from './numbers';
export * from './hour-of-week';
export * from './catalog';
export type * from './geojson';
