/**
 * DuckDB-wasm's worker, built with one change to its Emscripten start-up: the global offset
 * table (GOT) is filled only for the symbols the module imports, not for every one of its ≈ 75,000
 * exports.
 *
 * Why. DuckDB-wasm 1.32 is built as an Emscripten main module able to load extensions. When it
 * starts, `relocateExports` hands every export to `updateGOT`, which makes a `WebAssembly.Global`
 * for each and, for every exported function, `addFunction`: the wasm function table grows by one
 * entry per export, ≈ 70,000 times. Those entries exist only so that a side module loaded later
 * (an extension) finds the main module's symbols already in the GOT. Clearsight never loads an
 * extension (none can be fetched offline), and the GOT entries the module itself imports
 * (`GOT.mem.*`, `GOT.func.*`, 268 in the eh build) are created while it is instantiated, so the
 * change keeps filling those, as before, and leaves the rest out. Were a side module ever loaded,
 * its GOT imports would still be resolved: `reportUndefinedSymbols` fills any GOT entry left at 0
 * from the exports `mergeLibSymbols` keeps in `wasmImports`, as it does for a symbol first asked
 * for after start-up.
 *
 * The change is one expression: `GOT[s] || (GOT[s] = new WebAssembly.Global(…)), (replace ||
 * GOT[s].value == 0) && …` becomes `GOT[s] && (replace || GOT[s].value == 0) && …`. The pattern is
 * checked to occur exactly as often as expected, so an upgrade of DuckDB-wasm that changes the code
 * fails the build instead of shipping an unpatched (or wrongly patched) worker. The source-map
 * comment is dropped, as the map is not shipped.
 *
 * Measured (web/lib/db/README.md, "Emscripten's start-up"): instantiate in Node, the same module.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const UPDATE_GOT = /GOT\[(\w+)\]\|\|\(GOT\[\1\]=new WebAssembly\.Global\(\{value:"i32",mutable:!0\}\)\),\((\w+)\|\|GOT\[\1\]\.value==0\)&&/g;
const SOURCE_MAP = /\n\/\/# sourceMappingURL=\S+\s*$/;

/** The worker's source with the GOT filled only for imported symbols; throws unless the pattern occurs exactly `expected` times. */
export function patchDuckDBWorker(source: string, file: string, expected = 1): string {
	const found = source.match(UPDATE_GOT)?.length ?? 0;
	if (found !== expected) {
		throw new Error(
			`${file}: expected Emscripten's updateGOT start-up code ${expected} time(s), found it ${found} time(s). ` +
				'DuckDB-wasm has changed: check scripts/lib/duckdb-worker-patch.ts against its new worker before building.'
		);
	}
	return source.replace(UPDATE_GOT, (_all, symbol: string, replace: string) => `GOT[${symbol}]&&(${replace}||GOT[${symbol}].value==0)&&`).replace(SOURCE_MAP, '\n');
}

const WORKER_URL = /\/@duckdb\/duckdb-wasm\/dist\/(duckdb-browser-(?:eh|mvp)\.worker\.js)\?url$/;

/**
 * Vite plugin: in a build, `@duckdb/duckdb-wasm/dist/duckdb-browser-{eh,mvp}.worker.js?url` gives the
 * URL of the patched worker, emitted as a hashed asset like any other `?url` import. `vite dev` keeps
 * DuckDB-wasm's own file (the same engine, started more slowly).
 */
export function duckdbWorkerPatch(): Plugin {
	return {
		name: 'clearsight-duckdb-worker-patch',
		apply: 'build',
		enforce: 'pre',
		load(id) {
			const match = WORKER_URL.exec(id.replaceAll('\\', '/'));
			if (!match) return null;
			const file = id.slice(0, -'?url'.length);
			const ref = this.emitFile({ type: 'asset', name: match[1], source: patchDuckDBWorker(readFileSync(file, 'utf8'), file) });
			return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
		}
	};
}
