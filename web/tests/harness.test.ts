/**
 * The harness's own checks (web/tests/browser.ts) can fail, from every context of the browser: a
 * request for another host and an answer with status >= 400 are reported whether a page, a
 * dedicated worker or a SharedWorker made them (the DuckDB engine runs in a SharedWorker, whose
 * requests Playwright's request events and routes never see), each exactly once. And a normal
 * load of the Overview and the Map, engine included, reports nothing.
 *
 * The workers are started from a blank page at the test server's origin that Playwright's route
 * answers without the app's Content-Security-Policy: under it (connect-src 'self', which a blob:
 * worker inherits) Chromium would refuse the off-origin fetch before sending it, and there would
 * be no request for the harness to catch. The missing file is asked of the real server.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HTTP_LOG_ENV, readAnswers } from '../../scripts/lib/http-log';
import { launchBrowser, waitForApp, type Problem, type TestBrowser } from './browser';

const baseUrl = inject('baseUrl');
const BLANK = `${baseUrl}/harness-blank-page`;

let browser: TestBrowser;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

/** A tab on the blank same-origin page (no CSP), for starting workers from page.evaluate. */
async function blankPage(): Promise<Page> {
	const page = await browser.newPage();
	await page.route(BLANK, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>blank</title>' }));
	await page.goto(BLANK);
	return page;
}

/**
 * A worker's body that fetches each of `urls` in turn and posts back, for each, the status or
 * the error's name. `post` is how it answers: `postMessage` in a dedicated worker, a port's in a
 * shared one.
 */
function fetchingBody(urls: string[]): string {
	return `async function fetchAll() {
		const out = [];
		for (const url of ${JSON.stringify(urls)}) {
			try { out.push(String((await fetch(url)).status)); } catch (error) { out.push(error.name); }
		}
		return out;
	}`;
}

async function fromSharedWorker(page: Page, urls: string[]): Promise<string[]> {
	const body = `${fetchingBody(urls)}
	onconnect = async (event) => { const port = event.ports[0]; port.postMessage(await fetchAll()); };`;
	return page.evaluate(async (body) => {
		const worker = new SharedWorker(URL.createObjectURL(new Blob([body], { type: 'text/javascript' })));
		return new Promise<string[]>((resolve) => {
			worker.port.onmessage = (event) => resolve(event.data as string[]);
			worker.port.start();
		});
	}, body);
}

async function fromDedicatedWorker(page: Page, urls: string[]): Promise<string[]> {
	const body = `${fetchingBody(urls)}
	fetchAll().then((out) => postMessage(out));`;
	return page.evaluate(async (body) => {
		const worker = new Worker(URL.createObjectURL(new Blob([body], { type: 'text/javascript' })));
		return new Promise<string[]>((resolve) => {
			worker.onmessage = (event) => resolve(event.data as string[]);
		});
	}, body);
}

/**
 * Problems reported from now until `count` have come (the server's log line of an answer can
 * land a moment after the worker has read the answer), or 10 s have passed; then one more
 * look a moment later, so a problem reported twice would show.
 */
async function problemsUntil(count: number): Promise<Problem[]> {
	const seen: Problem[] = [];
	for (let i = 0; i < 100 && seen.length < count; i++) {
		seen.push(...browser.takeProblems());
		if (seen.length < count) await new Promise((r) => setTimeout(r, 100));
	}
	await new Promise((r) => setTimeout(r, 500));
	seen.push(...browser.takeProblems());
	return seen;
}

describe('the harness sees what Playwright does not', () => {
	it('runs with the failed-answer log the global setup named', () => {
		expect(process.env[HTTP_LOG_ENV]).toBe(inject('httpLog'));
	});

	const CONTEXTS = [
		{
			name: 'a SharedWorker',
			slug: 'shared-worker',
			fetchFrom: fromSharedWorker,
			// Playwright sees none of a SharedWorker's requests: only the proxy and the server's log report them.
			seenByPlaywright: false,
			http: (url: string) => `404 ${url} (GET, in the server's log)`
		},
		{
			name: 'a dedicated worker',
			slug: 'dedicated-worker',
			fetchFrom: fromDedicatedWorker,
			// Playwright sees a dedicated worker's requests: its route stops the first before the proxy,
			// and its report of the 404 stands for the server's line of the same answer.
			seenByPlaywright: true,
			http: (url: string) => `404 ${url}`
		}
	];
	for (const { name, slug, fetchFrom, seenByPlaywright, http } of CONTEXTS) {
		it(`reports an off-origin request and a missing file fetched from ${name}, each once`, async () => {
			const page = await blankPage();
			const offOrigin = `http://off-origin.invalid/from-${slug}`;
			const missing = `${baseUrl}/data/no-such-file-from-${slug}.arrow`;
			// Refused: a network error to the worker. Answered 404 by the server.
			expect(await fetchFrom(page, [offOrigin, missing])).toEqual(['TypeError', '404']);
			expect(await problemsUntil(2)).toEqual([
				{ kind: 'off-origin', text: offOrigin },
				{ kind: 'http', text: http(missing) }
			]);
			expect(browser.requests.filter((url) => url === offOrigin || url === missing).length > 0).toBe(seenByPlaywright);
			// The server logged the 404 either way: reported once, not twice, where Playwright saw it too.
			expect(readAnswers(inject('httpLog'), 0).answers.filter((a) => a.url === missing)).toEqual([{ method: 'GET', url: missing, status: 404 }]);
			await page.close();
		});
	}

	it('reports an https request from a SharedWorker by the host its tunnel asked for, and one for localhost', async () => {
		const page = await blankPage();
		// The test server itself under another name: only 127.0.0.1 is the app's origin.
		const localhost = `${baseUrl.replace('//127.0.0.1:', '//localhost:')}/data/sources.json`;
		expect(await fromSharedWorker(page, ['https://off-origin-tls.invalid/from-shared-worker', localhost])).toEqual(['TypeError', 'TypeError']);
		expect(await problemsUntil(2)).toEqual([
			{ kind: 'off-origin', text: 'CONNECT off-origin-tls.invalid:443' },
			{ kind: 'off-origin', text: localhost }
		]);
		await page.close();
	});
});

describe('the app makes no request the harness reports', () => {
	it('the Overview, its live figures from the engine included', async () => {
		const page = await browser.newPage();
		await page.goto(`${baseUrl}/`);
		await page.locator('main[data-start="live"] [data-testid="overview"][data-source-of-figures="live"]').waitFor({ timeout: 60_000 });
		await waitForApp(page, 60_000);
		expect(await problemsUntil(0)).toEqual([]);
		await page.close();
	});

	it('the Map, drawn from the engine', async () => {
		const page = await browser.newPage();
		await page.goto(`${baseUrl}/map`);
		await waitForApp(page, 60_000);
		await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 60_000 });
		expect(await problemsUntil(0)).toEqual([]);
		await page.close();
	});
});
