/**
 * The static server's answer hook and the failed-answer log the browser tests read
 * (scripts/lib/http-log.ts): each answer is reported with the URL the client asked for (the
 * /data prefix the server strips included) and its status; the log holds only the failed ones,
 * a reader takes complete lines only, and without CLEARSIGHT_HTTP_LOG nothing is logged. The
 * server runs over a minimal built app in a temporary folder (no build/ needed).
 */
import { readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_LOG_ENV, failedAnswerLogFromEnv, logEnd, readAnswers, type Answer } from './http-log';
import { startServer, type RunningServer } from './server';
import { tempDirs } from './extract-test-utils';

const tempDir = tempDirs('clearsight-http-log-');
const servers: RunningServer[] = [];
const savedLog = process.env[HTTP_LOG_ENV];

afterEach(async () => {
	for (const server of servers.splice(0)) await server.close();
	if (savedLog === undefined) delete process.env[HTTP_LOG_ENV];
	else process.env[HTTP_LOG_ENV] = savedLog;
});

/** A built app of two pages and an extracts folder holding manifest.json. */
async function serve(onAnswer?: (answer: Answer) => void): Promise<RunningServer> {
	const build = tempDir();
	writeFileSync(join(build, 'index.html'), '<!doctype html><title>app</title>');
	writeFileSync(join(build, '200.html'), '<!doctype html><title>fallback</title>');
	const data = tempDir();
	writeFileSync(join(data, 'manifest.json'), '{"datasets":[]}');
	const server = await startServer({ buildDir: build, dataDir: data, lookupsFrom: data, onAnswer });
	servers.push(server);
	return server;
}

/** Fetch and read the whole body, so the answer has ended when this returns. */
async function get(url: string, init?: RequestInit): Promise<number> {
	const response = await fetch(url, init);
	await response.arrayBuffer();
	return response.status;
}

/** The hook is called as the answer ends: wait for the count expected. */
async function until(answers: Answer[], count: number): Promise<Answer[]> {
	for (let i = 0; i < 100 && answers.length < count; i++) await new Promise((r) => setTimeout(r, 20));
	return answers;
}

describe('the server reports each answer to its hook', () => {
	it('with the method, the URL as asked (the /data prefix kept) and the status', async () => {
		const answers: Answer[] = [];
		const server = await serve((answer) => answers.push(answer));
		expect(await get(`${server.url}/data/manifest.json`)).toBe(200);
		expect(await get(`${server.url}/data/no-such-file.arrow?v=1`)).toBe(404);
		expect(await get(`${server.url}/data/manifest.json`, { method: 'HEAD' })).toBe(200);
		expect(await until(answers, 3)).toEqual([
			{ method: 'GET', url: `${server.url}/data/manifest.json`, status: 200 },
			{ method: 'GET', url: `${server.url}/data/no-such-file.arrow?v=1`, status: 404 },
			{ method: 'HEAD', url: `${server.url}/data/manifest.json`, status: 200 }
		]);
	});

	it('logs only the failed answers to the file CLEARSIGHT_HTTP_LOG names, and nothing without it', async () => {
		delete process.env[HTTP_LOG_ENV];
		expect(failedAnswerLogFromEnv()).toBeUndefined();
		const log = join(tempDir(), 'failed.jsonl');
		writeFileSync(log, '');
		process.env[HTTP_LOG_ENV] = log;
		const server = await serve();
		const from = logEnd(log);
		expect(from).toBe(0);
		expect(await get(`${server.url}/`)).toBe(200);
		expect(await get(`${server.url}/data/missing.json`)).toBe(404);
		expect(await get(`${server.url}/no-such-page`)).toBe(200); // the app's fallback page
		const expected = [{ method: 'GET', url: `${server.url}/data/missing.json`, status: 404 }];
		for (let i = 0; i < 100 && readFileSync(log, 'utf8') === ''; i++) await new Promise((r) => setTimeout(r, 20));
		const { answers, next } = readAnswers(log, from);
		expect(answers).toEqual(expected);
		expect(next).toBe(readFileSync(log).length);
		expect(readAnswers(log, next)).toEqual({ answers: [], next });
	});
});

describe('readAnswers', () => {
	it('takes complete lines only, and the rest at the next read', () => {
		const log = join(tempDir(), 'failed.jsonl');
		const first = { method: 'GET', url: 'http://127.0.0.1:1/a', status: 404 };
		const second = { method: 'HEAD', url: 'http://127.0.0.1:1/b', status: 500 };
		const line = `${JSON.stringify(second)}\n`;
		writeFileSync(log, `${JSON.stringify(first)}\n${line.slice(0, 10)}`);
		const read = readAnswers(log, 0);
		expect(read.answers).toEqual([first]);
		appendFileSync(log, line.slice(10));
		expect(readAnswers(log, read.next).answers).toEqual([second]);
	});

	it('reads nothing from a file that is not there', () => {
		expect(readAnswers(join(tempDir(), 'none.jsonl'), 0)).toEqual({ answers: [], next: 0 });
		expect(logEnd(join(tempDir(), 'none.jsonl'))).toBe(0);
	});
});
