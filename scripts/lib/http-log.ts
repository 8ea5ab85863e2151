/**
 * The log of failed answers (HTTP status >= 400) that the static server (scripts/lib/server.ts)
 * writes when the environment variable CLEARSIGHT_HTTP_LOG names a file: one JSON line per answer,
 * `{ method, url, status }`, with the full URL the browser asked for. The browser tests set it
 * (web/tests/global-setup.ts), so every server they start, in the setup's process or in a test
 * file's, appends to one file that the harness (web/tests/browser.ts) reads back: an answer the
 * browser's own request events never see (a SharedWorker's fetch, say) still fails the test.
 * Without the variable nothing is written and the server behaves exactly as `npm start`'s.
 */
import { appendFileSync, closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const HTTP_LOG_ENV = 'CLEARSIGHT_HTTP_LOG';

export interface Answer {
	method: string;
	/** e.g. http://127.0.0.1:41234/data/manifest.json */
	url: string;
	status: number;
}

/** Appends each failed answer to the file named by CLEARSIGHT_HTTP_LOG, or undefined when it is not set. */
export function failedAnswerLogFromEnv(): ((answer: Answer) => void) | undefined {
	const file = process.env[HTTP_LOG_ENV];
	if (!file) return undefined;
	return (answer) => {
		// One write per line, synchronous: lines from several servers never interleave, and a line
		// is in the file before the client has read the answer.
		if (answer.status >= 400) appendFileSync(file, `${JSON.stringify(answer)}\n`);
	};
}

/** The log's size now: where a reader that only wants later answers starts. */
export function logEnd(file: string): number {
	try {
		const fd = openSync(file, 'r');
		try {
			return fstatSync(fd).size;
		} finally {
			closeSync(fd);
		}
	} catch {
		return 0;
	}
}

/** The complete lines written from byte `from` on, and where the next read starts. */
export function readAnswers(file: string, from: number): { answers: Answer[]; next: number } {
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch {
		return { answers: [], next: from };
	}
	try {
		const size = fstatSync(fd).size;
		if (size <= from) return { answers: [], next: from };
		const bytes = Buffer.alloc(size - from);
		readSync(fd, bytes, 0, bytes.length, from);
		const end = bytes.lastIndexOf(0x0a) + 1;
		const answers = bytes
			.subarray(0, end)
			.toString('utf8')
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => JSON.parse(line) as Answer);
		return { answers, next: from + end };
	} finally {
		closeSync(fd);
	}
}
