import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { CSP_DIRECTIVES } from './csp.js';

/**
 * The app lives in web/ (fixed layout). It is a static shell: every dashboard route is
 * client-rendered (ssr = false) because DuckDB-wasm only runs in the browser, so the build
 * can be served as plain files on a force intranet.
 * @type {import('@sveltejs/kit').Config}
 */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: true }),
		files: {
			src: 'web',
			lib: 'web/lib',
			routes: 'web/routes',
			assets: 'web/static',
			appTemplate: 'web/app.html',
			errorTemplate: 'web/error.html',
			hooks: { client: 'web/hooks.client', server: 'web/hooks.server', universal: 'web/hooks' },
			params: 'web/params',
			serviceWorker: 'web/service-worker'
		},
		alias: {
			$analytics: 'analytics',
			$models: 'models'
		},
		// The one policy of the app (csp.js, also the header sent by scripts/lib/server.ts): SvelteKit
		// adds the hash of each page's inline bootstrap script and writes it into a <meta> tag.
		csp: {
			mode: 'hash',
			directives: CSP_DIRECTIVES
		}
	}
};

export default config;
