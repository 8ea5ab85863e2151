/*
 * The DuckDB-wasm worker, started so that Chromium's compiled-wasm code cache applies.
 *
 * A classic worker script of our own (built as a hashed asset beside DuckDB-wasm's files, so no
 * inline script and no blob: URL: the Content-Security-Policy stays 'self'). duckdb.ts starts it
 * as `new Worker(<this file>?worker=<DuckDB-wasm's worker URL>)`.
 *
 * Why: DuckDB-wasm 1.32's worker (duckdb-browser-{eh,mvp}.worker.js, `instantiateWasm`) fetches
 * the wasm and, when `TransformStream` exists, pipes the body through a progress TransformStream
 * into a new Response before `WebAssembly.instantiateStreaming`. Chromium keys its compiled-wasm
 * code cache on the HTTP response the module streams from; a synthetic Response has none, so the
 * ≈30 MB module was compiled afresh on every load, reloads included. Without `TransformStream`
 * the same worker calls `WebAssembly.instantiateStreaming(fetch(url))` on the response itself
 * (it logs "instantiating without progress handler…"; we never asked for progress), and Chromium
 * can cache the compiled module under the wasm's URL and read it back on a later load (V8 writes
 * it once enough optimised code exists: web/lib/db/README.md). Nothing else in DuckDB-wasm's worker
 * uses TransformStream (checked for 1.32.0: its only two mentions are that test and that stream).
 *
 * The worker URL is checked to be on this origin before it is loaded.
 */
'use strict';
(function () {
	var here = new URL(self.location.href);
	var asked = here.searchParams.get('worker');
	if (!asked) throw new Error('duckdb-worker-shim: no ?worker= URL given');
	var target = new URL(asked, here);
	if (target.origin !== here.origin) throw new Error('duckdb-worker-shim: the DuckDB worker must be on this origin, not ' + target.origin);
	// Interface objects are configurable properties of the global scope: deleting it makes
	// `typeof TransformStream` "undefined" for every script loaded after this point.
	delete self.TransformStream;
	if (typeof self.TransformStream !== 'undefined') self.TransformStream = undefined;
	importScripts(target.href);
})();
