/**
 * Global setup of the e2e project: serve the built app (build/) and an extracts folder
 * (CLEARSIGHT_DATA, default extracts/sample) on 127.0.0.1 with the production static server,
 * and hand its URL to the tests through vitest's provide/inject.
 */
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startServer } from '../../scripts/lib/server';

declare module 'vitest' {
	export interface ProvidedContext {
		/** e.g. http://127.0.0.1:41234 */
		baseUrl: string;
		/** Absolute path of the extracts folder the server serves under /data. */
		dataDir: string;
	}
}

export default async function setup(project: TestProject) {
	const dataDir = resolve(process.env.CLEARSIGHT_DATA ?? 'extracts/sample');
	const server = await startServer({ buildDir: 'build', dataDir });
	project.provide('baseUrl', server.url);
	project.provide('dataDir', dataDir);
	return async () => {
		await server.close();
	};
}
