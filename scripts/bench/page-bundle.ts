/**
 * Bench pages outside the app (THR in the browser, the Mosaic peer): one TypeScript entry bundled
 * by esbuild into `dir/bench.js`, with `$analytics/…` and `$models/…` resolved as in the app, beside
 * DuckDB-wasm's eh build from node_modules and an index.html that loads the bundle.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export async function bundleBenchPage(entry: string, dir: string, title: string): Promise<void> {
	const root = resolve('.');
	mkdirSync(dir, { recursive: true });
	await build({
		entryPoints: [join(root, entry)],
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		outfile: join(dir, 'bench.js'),
		logLevel: 'error',
		plugins: [
			{
				name: 'aliases',
				setup(b) {
					b.onResolve({ filter: /^\$(analytics|models)\// }, (args) => {
						const [, which, rest] = /^\$(analytics|models)\/(.*)$/.exec(args.path)!;
						const base = join(root, which, rest);
						return { path: existsSync(`${base}.ts`) ? `${base}.ts` : base };
					});
				}
			}
		]
	});
	for (const f of ['duckdb-eh.wasm', 'duckdb-browser-eh.worker.js']) copyFileSync(join(root, 'node_modules/@duckdb/duckdb-wasm/dist', f), join(dir, f));
	writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="./bench.js"></script>\n`);
}
