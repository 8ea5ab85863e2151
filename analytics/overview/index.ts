/** Public surface of analytics/overview: the headline figures, trend and category breakdown of the Overview page. */
export * from './queries';
