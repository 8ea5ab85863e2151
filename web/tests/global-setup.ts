/**
 * Global setup of the e2e project: serve the built app (build/) and an extracts folder
 * (CLEARSIGHT_DATA, default extracts/sample: a folder of sources with sources.json) on
 * 127.0.0.1 with the production static server, and hand its URL to the tests through vitest's
 * provide/inject.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer } from '../../scripts/lib/server';

declare module 'vitest' {
	export interface ProvidedContext {
		/** e.g. http://127.0.0.1:41234 */
		baseUrl: string;
		/**
		 * Absolute path of the extract the app opens by default: the first source listed in
		 * sources.json (extracts/sample/city-of-london), or the served folder itself when it is a
		 * single extract.
		 */
		dataDir: string;
		/** Absolute path of the folder served under /data. */
		dataRoot: string;
	}
}

export default async function setup(project: TestProject) {
	const dataRoot = resolve(process.env.CLEARSIGHT_DATA ?? 'extracts/sample');
	const sourcesFile = join(dataRoot, 'sources.json');
	const dataDir = existsSync(sourcesFile)
		? join(dataRoot, (JSON.parse(readFileSync(sourcesFile, 'utf8')) as { sources: Array<{ path: string }> }).sources[0].path)
		: dataRoot;
	const server = await startServer({ buildDir: 'build', dataDir: dataRoot });
	project.provide('baseUrl', server.url);
	project.provide('dataDir', dataDir);
	project.provide('dataRoot', dataRoot);
	return async () => {
		await server.close();
	};
}
