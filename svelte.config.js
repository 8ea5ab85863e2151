import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
		// No request may leave the origin. 'wasm-unsafe-eval' lets DuckDB-wasm compile its
		// module; blob: workers are used by maplibre-gl; inline styles are set by charts.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self', 'blob:'],
				'connect-src': ['self'],
				'img-src': ['self', 'data:', 'blob:'],
				'style-src': ['self', 'unsafe-inline'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
