/** Public surface of analytics/review: the append-only, hash-chained log of human review decisions. */
export * from './hash';
export * from './log';
