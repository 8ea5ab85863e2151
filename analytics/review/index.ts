/** Public surface of analytics/review: the append-only, hash-chained log of human review decisions, and the merge of several reviewers' logs into one panel log. */
export * from './hash';
export * from './log';
export * from './merge';
