/** Exports shared by the command line and the browser. */
export * from './csv';
