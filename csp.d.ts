/** Types of csp.js (plain JavaScript, so that svelte.config.js can import it in Node). */
export declare const CSP_DIRECTIVES: Record<string, string[]>;
export declare function cspSource(source: string): string;
export declare function cspHeader(scriptHashes?: readonly string[]): string;
