/** Ingest: recognise input files, stage and validate them in SQL, and account for every row. */
export * from './sources';
export * from './detect';
export * from './rules';
export * from './pipeline';
export * from './time';
export * from './sql';
export * from './extract-schema';
export * from './text-scan';
export * from './force-area';
export * from './csv-columns';
export * from './dataset-entry';
export * from './offence-codes';
export * from './crs';
