import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { extractsMiddleware } from './scripts/lib/serve-extracts.ts';
import { duckdbWorkerPatch } from './scripts/lib/duckdb-worker-patch.ts';

// web/lib imports analytics as `$analytics/…` (svelte.config.js); the test projects below do not
// run SvelteKit's plugin, so they get the same alias here.
const alias = { $analytics: fileURLToPath(new URL('./analytics', import.meta.url)) };

export default defineConfig({
	plugins: [
		duckdbWorkerPatch(),
		sveltekit(),
		{
			name: 'clearsight-extracts',
			// In `vite dev` the extracts folder is served under /data, as the production server does.
			configureServer(server) {
				server.middlewares.use('/data', extractsMiddleware(process.env.CLEARSIGHT_DATA));
			}
		}
	],
	optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
	// Most of the build is SvelteKit copying DuckDB-wasm's ≈74 MB of wasm into build/: known,
	// so the bundler's plugin-timing warning only adds noise.
	build: { rolldownOptions: { checks: { pluginTimings: false } } },
	test: {
		projects: [
			{
				resolve: { alias },
				test: {
					name: 'unit',
					environment: 'node',
					include: ['analytics/**/*.test.ts', 'scripts/**/*.test.ts', 'models/**/*.test.ts', 'web/lib/**/*.test.ts'],
					testTimeout: 60_000
				}
			},
			{
				resolve: { alias },
				test: {
					name: 'e2e',
					environment: 'node',
					include: ['web/tests/**/*.test.ts'],
					globalSetup: ['web/tests/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000,
					fileParallelism: false
				}
			}
		]
	}
});
