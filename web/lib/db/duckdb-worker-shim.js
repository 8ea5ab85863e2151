/*
 * The DuckDB-wasm worker, started so that Chromium's compiled-wasm code cache applies, and, as a
 * SharedWorker, kept across a reload of its page.
 *
 * A classic worker script of our own (built as a hashed asset beside DuckDB-wasm's files, so no
 * inline script and no blob: URL: the Content-Security-Policy stays 'self'). duckdb.ts starts it
 * as `new SharedWorker(<this file>?worker=<DuckDB-wasm's worker URL>, { name, extendedLifetime })`,
 * or as a dedicated `new Worker(...)` where SharedWorker is missing (and the in-browser import
 * always does).
 *
 * Why the TransformStream goes: DuckDB-wasm 1.32's worker (duckdb-browser-{eh,mvp}.worker.js,
 * `instantiateWasm`) fetches the wasm and, when `TransformStream` exists, pipes the body through
 * a progress TransformStream into a new Response before `WebAssembly.instantiateStreaming`.
 * Chromium keys its compiled-wasm code cache on the HTTP response the module streams from; a
 * synthetic Response has none, so the ≈30 MB module was compiled afresh on every load, reloads
 * included. Without `TransformStream` the same worker calls
 * `WebAssembly.instantiateStreaming(fetch(url))` on the response itself (it logs "instantiating
 * without progress handler…"; we never asked for progress), and Chromium can cache the compiled
 * module under the wasm's URL (web/lib/db/README.md). Nothing else in DuckDB-wasm's worker uses
 * TransformStream (checked for 1.32.0: its only two mentions are that test and that stream).
 *
 * As a SharedWorker (web/lib/db/README.md, "The engine kept across a reload"): DuckDB-wasm's worker
 * script assigns its request handler to `onmessage` and answers through the global `postMessage`,
 * neither of which a SharedWorkerGlobalScope has. This script defines `postMessage` before loading
 * it, takes the handler it assigns, and wires each connecting page's port to it:
 * - each request's `messageId` is replaced by one counted across all ports, and the answer's
 *   `requestId` restored and sent to the port that asked, so an answer to a request of a page
 *   that has gone (reloaded) never reaches the next page under a colliding id;
 * - INSTANTIATE is passed on once: DuckDB-wasm's worker would instantiate the module again (after
 *   answering "already initialized"). Later ones are answered OK with `{ reused: true }` at once,
 *   or when the first has finished;
 * - a page says CLEARSIGHT_BYE when it goes (pagehide): with no page left, the worker closes itself
 *   after IDLE_MS unless one connects, so a closed tab's engine does not hold its memory for the
 *   minutes an extended lifetime allows. CLEARSIGHT_CLOSE (the page's `terminate()`) closes it now.
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
	if (typeof SharedWorkerGlobalScope === 'undefined' || !(self instanceof SharedWorkerGlobalScope)) {
		importScripts(target.href);
		return;
	}

	/** With no page connected, close after this long (ms) unless one connects. */
	var IDLE_MS = 10000;
	/** Shim-wide request id → { port, id: the page's own messageId }. */
	var routes = new Map();
	var nextId = 1;
	var ports = new Set();
	var latest = null;
	var idle = null;
	/** 'none' | 'running' | 'done': the one INSTANTIATE passed to DuckDB-wasm. */
	var instantiation = 'none';
	var instantiatingId = -1;
	/** INSTANTIATE requests that came while the first one ran: [port, message]. */
	var waiting = [];

	self.postMessage = function (message, transfer) {
		var shimId = message && typeof message.requestId === 'number' ? message.requestId : 0;
		if (shimId === 0) {
			// Progress and log messages (requestId 0) answer no request: to the page that connected last.
			if (latest) latest.postMessage(message, transfer || []);
			return;
		}
		var finished = message.type !== 'INSTANTIATE_PROGRESS';
		var route = routes.get(shimId);
		if (route) {
			if (finished) routes.delete(shimId);
			message.requestId = route.id;
			route.port.postMessage(message, transfer || []);
		}
		// An answer to a page that has gone is dropped; the instantiation's outcome is kept either way.
		if (finished && shimId === instantiatingId) {
			instantiation = message.type === 'OK' ? 'done' : 'none';
			var queued = waiting;
			waiting = [];
			queued.forEach(function (w) {
				receive(w[0], w[1]);
			});
		}
	};

	importScripts(target.href);
	var handle = self.onmessage;
	if (typeof handle !== 'function') throw new Error('duckdb-worker-shim: the DuckDB worker did not set onmessage');
	self.onmessage = null;

	function receive(port, m) {
		if (!m || typeof m !== 'object') return;
		if (m.type === 'CLEARSIGHT_BYE') return leave(port);
		if (m.type === 'CLEARSIGHT_HELLO') return join(port);
		if (m.type === 'CLEARSIGHT_CLOSE') {
			ports.clear();
			self.close();
			return;
		}
		if (m.type === 'INSTANTIATE' && instantiation !== 'none') {
			if (instantiation === 'running') waiting.push([port, m]);
			else port.postMessage({ messageId: 0, requestId: m.messageId, type: 'OK', data: { reused: true } });
			return;
		}
		var id = nextId++;
		routes.set(id, { port: port, id: m.messageId });
		if (m.type === 'INSTANTIATE') {
			instantiation = 'running';
			instantiatingId = id;
		}
		handle({ data: { messageId: id, type: m.type, data: m.data } });
	}

	function join(port) {
		ports.add(port);
		latest = port;
		if (idle !== null) clearTimeout(idle);
		idle = null;
	}

	function leave(port) {
		ports.delete(port);
		if (latest === port) latest = null;
		// The page's requests still running answer into a closed port: drop their routes.
		routes.forEach(function (route, id) {
			if (route.port === port) routes.delete(id);
		});
		waiting = waiting.filter(function (w) {
			return w[0] !== port;
		});
		if (ports.size === 0 && idle === null) {
			idle = setTimeout(function () {
				if (ports.size === 0) self.close();
			}, IDLE_MS);
		}
	}

	self.onconnect = function (event) {
		var port = event.ports[0];
		join(port);
		port.onmessage = function (e) {
			receive(port, e.data);
		};
	};
})();
