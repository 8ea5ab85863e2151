/** Public surface of analytics/models: typed readers for the declared model files in models/. */
export * from './harm-weights';
