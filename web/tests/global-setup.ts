/**
 * Global setup of the e2e project: serve the built app (build/) and an extracts folder
 * (CLEARSIGHT_DATA, default extracts/sample: a folder of sources with sources.json) on
 * 127.0.0.1 with the production static server, and hand its URL to the tests through vitest's
 * provide/inject.
 *
 * It also names the failed-answer log (CLEARSIGHT_HTTP_LOG, scripts/lib/http-log.ts) before
 * anything starts: this server and every server a test file starts (their processes inherit the
 * variable) append each answer with status >= 400 to that one file, which the harness
 * (web/tests/browser.ts) reads back, so an answer to the engine's SharedWorker, which Playwright
 * never sees, still fails the test. Test files run one at a time (fileParallelism: false), so the
 * lines written while a file's browser is open are that file's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { HTTP_LOG_ENV } from '../../scripts/lib/http-log';
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
		/** The failed-answer log every test server appends to (also in process.env.CLEARSIGHT_HTTP_LOG). */
		httpLog: string;
	}
}

export default async function setup(project: TestProject) {
	const dataRoot = resolve(process.env.CLEARSIGHT_DATA ?? 'extracts/sample');
	const sourcesFile = join(dataRoot, 'sources.json');
	const dataDir = existsSync(sourcesFile)
		? join(dataRoot, (JSON.parse(readFileSync(sourcesFile, 'utf8')) as { sources: Array<{ path: string }> }).sources[0].path)
		: dataRoot;
	const logDir = mkdtempSync(join(tmpdir(), 'clearsight-http-log-'));
	const httpLog = join(logDir, 'failed-answers.jsonl');
	writeFileSync(httpLog, '');
	process.env[HTTP_LOG_ENV] = httpLog;
	const server = await startServer({ buildDir: 'build', dataDir: dataRoot });
	project.provide('baseUrl', server.url);
	project.provide('dataDir', dataDir);
	project.provide('dataRoot', dataRoot);
	project.provide('httpLog', httpLog);
	return async () => {
		await server.close();
		rmSync(logDir, { recursive: true, force: true });
	};
}
