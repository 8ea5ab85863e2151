/**
 * One headless Chromium per test file (Debian's /usr/bin/chromium; playwright cannot download
 * browsers here), with a fresh profile. It records every request and every console error or
 * page error, so each test can assert that nothing left 127.0.0.1 and nothing went wrong. Both
 * checks cover every context of the browser, the engine's SharedWorker included, whose requests
 * Playwright's request events and routes never see:
 * - off-origin: Chromium sends every request for another host to a recording proxy that answers
 *   each with an error and forwards nothing (web/tests/off-origin-proxy.ts); only requests for
 *   127.0.0.1 bypass it, so the app's own go direct. Playwright's route and
 *   request events are kept beside it: they abort a page's or a dedicated worker's request before
 *   it leaves the renderer and give the full URL of an https:// one, where the proxy only learns
 *   the host of a CONNECT tunnel. Requests that Chromium itself makes in the background (the
 *   component updater, the Google sign-in check, form autofill's server) are pointed at a closed
 *   loopback port by flags, so what reaches the proxy is something a page or worker asked for.
 * - http: every response with status >= 400, from Playwright's response events and from the
 *   servers' own log of failed answers (scripts/lib/http-log.ts, written by every server the
 *   tests start when CLEARSIGHT_HTTP_LOG is set, as web/tests/global-setup.ts does), each answer
 *   counted once: one Playwright already reported is not reported again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { HTTP_LOG_ENV, logEnd, readAnswers, type Answer } from '../../scripts/lib/http-log';
import { startOffOriginProxy, type OffOriginRequest } from './off-origin-proxy';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	// Chromium 156 still asks update.googleapis.com (component updater) and accounts.google.com
	// (ListAccounts) at start, and content-autofill.googleapis.com on a page with a form, despite
	// the flags above: send them to a closed loopback port, so the off-origin proxy only ever
	// hears what a page or worker asked for.
	'--component-updater=url-source=http://127.0.0.1:9/',
	'--gaia-url=http://127.0.0.1:9/',
	'--autofill-server-url=http://127.0.0.1:9/'
	// Not --disable-software-rasterizer: maplibre-gl needs SwiftShader WebGL
	// (docs/stack-notes.md § maplibre-gl 6).
];

/**
 * Console messages known to be harmless, each with the reason. Anything else of type error
 * fails the test that produced it.
 */
const HARMLESS: Array<{ pattern: RegExp; why: string }> = [
	{ pattern: /GPU stall due to ReadPixels/, why: 'SwiftShader performance note in headless Chromium (docs/stack-notes.md § Headless Chromium)' }
];

export interface Problem {
	kind: 'console' | 'pageerror' | 'off-origin' | 'http';
	text: string;
}

export interface TestBrowser {
	readonly context: BrowserContext;
	/** Every URL requested since launch, in order. */
	readonly requests: string[];
	/** A new tab, watched like the others. */
	newPage(): Promise<Page>;
	/** Problems seen since the last call (and forget them). */
	takeProblems(): Problem[];
	close(): Promise<void>;
}

/** True for the only host the app may talk to; data: and blob: URLs never hit the network. */
export function isLocal(url: string): boolean {
	const u = new URL(url);
	if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
	return u.hostname === '127.0.0.1';
}

/** A request the proxy refused, as a problem: its URL, or for an https:// or wss:// tunnel `CONNECT host:port`. */
function offOriginText(request: OffOriginRequest): string {
	return request.method === 'CONNECT' ? `CONNECT ${request.target}` : request.target;
}

/**
 * The servers' failed answers that Playwright did not report itself, as problems. Playwright's
 * own `status url` reports are counted in `reported` and each one cancels the server's line for
 * the same answer, whichever comes first. An answer to a request Playwright saw start and has
 * not yet seen answered is held for one more call (Playwright's report of it is on its way);
 * after that it is reported, since Playwright sees some requests start and never end (a
 * SharedWorker's script).
 */
class FailedAnswers {
	private readonly reported = new Map<string, number>();
	private readonly open = new Map<string, number>();
	private held: Answer[] = [];
	private next: number;

	constructor(private readonly log: string | undefined) {
		this.next = log ? logEnd(log) : 0;
	}

	requestStarted(url: string): void {
		this.open.set(url, (this.open.get(url) ?? 0) + 1);
	}

	requestEnded(url: string): void {
		const n = (this.open.get(url) ?? 0) - 1;
		if (n > 0) this.open.set(url, n);
		else this.open.delete(url);
	}

	/** Playwright reported this answer. */
	reportedByPlaywright(status: number, url: string): void {
		const key = `${status} ${url}`;
		this.reported.set(key, (this.reported.get(key) ?? 0) + 1);
	}

	/** The failed answers in the log since the last call that Playwright has not reported. */
	take(): Problem[] {
		if (!this.log) return [];
		const { answers, next } = readAnswers(this.log, this.next);
		this.next = next;
		const wasHeld = new Set(this.held);
		const candidates = [...this.held, ...answers];
		this.held = [];
		const problems: Problem[] = [];
		for (const answer of candidates) {
			const key = `${answer.status} ${answer.url}`;
			const count = this.reported.get(key) ?? 0;
			if (count > 0) {
				if (count === 1) this.reported.delete(key);
				else this.reported.set(key, count - 1);
			} else if (!wasHeld.has(answer) && this.open.has(answer.url)) {
				this.held.push(answer);
			} else {
				problems.push({ kind: 'http', text: `${answer.status} ${answer.url} (${answer.method}, in the server's log)` });
			}
		}
		return problems;
	}
}

export async function launchBrowser(): Promise<TestBrowser> {
	const profile = mkdtempSync(join(tmpdir(), 'clearsight-chromium-'));
	let problems: Problem[] = [];
	// Off-origin requests from any context of the browser: the proxy records and refuses them.
	// Chromium bypasses a proxy for every loopback name by default (localhost, 127.0.0.0/8,
	// [::1]); the bypass list takes that default away (<-loopback>) and lets only 127.0.0.1, the
	// one host the app may use (isLocal), go direct: a request for localhost is off-origin too.
	const proxy = await startOffOriginProxy((request) => problems.push({ kind: 'off-origin', text: offOriginText(request) }));
	const failed = new FailedAnswers(process.env[HTTP_LOG_ENV]);
	let context: BrowserContext;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: [...ARGS, `--proxy-server=${proxy.url}`, '--proxy-bypass-list=<-loopback>;127.0.0.1'],
			viewport: { width: 1280, height: 900 },
			locale: 'en-GB',
			timezoneId: 'Europe/London'
		});
	} catch (error) {
		await proxy.close();
		throw error;
	}
	const requests: string[] = [];

	// A page's or dedicated worker's request for another host, stopped in the browser (with its
	// full URL, which the proxy would not see for https) before it reaches the proxy.
	await context.route(
		(url) => !isLocal(url.href),
		(route) => route.abort('blockedbyclient')
	);
	const ended = new WeakSet<Request>();
	const end = (request: Request) => {
		if (ended.has(request)) return;
		ended.add(request);
		failed.requestEnded(request.url());
	};
	context.on('request', (request) => {
		const url = request.url();
		requests.push(url);
		failed.requestStarted(url);
		if (!isLocal(url)) problems.push({ kind: 'off-origin', text: url });
	});
	context.on('response', (response) => {
		end(response.request());
		if (response.status() >= 400) {
			failed.reportedByPlaywright(response.status(), response.url());
			problems.push({ kind: 'http', text: `${response.status()} ${response.url()}` });
		}
	});
	context.on('requestfailed', end);
	context.on('requestfinished', end);
	const watch = (page: Page) => {
		page.on('console', (message) => {
			if (message.type() !== 'error') return;
			const text = message.text();
			if (HARMLESS.some((h) => h.pattern.test(text))) return;
			problems.push({ kind: 'console', text: `${text} (${message.location().url})` });
		});
		page.on('pageerror', (error) => problems.push({ kind: 'pageerror', text: error.stack ?? error.message }));
	};
	context.pages().forEach(watch);
	context.on('page', watch);

	return {
		context,
		requests,
		async newPage() {
			return context.newPage();
		},
		takeProblems() {
			const taken = [...problems, ...failed.take()];
			problems = [];
			return taken;
		},
		async close() {
			await context.close();
			await proxy.close();
			rmSync(profile, { recursive: true, force: true });
		}
	};
}

/** Wait until the app has left its loading state (pages rendered, or the error panel shown). */
export async function waitForApp(page: Page, timeout = 30_000): Promise<void> {
	await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !!document.querySelector('main > *'), null, {
		timeout
	});
}

/** "18,206" → 18206; throws if the text holds no number. */
export function parseCount(text: string | null): number {
	const cleaned = (text ?? '').replace(/[,\s]/g, '');
	const n = Number(cleaned);
	if (cleaned === '' || Number.isNaN(n)) throw new Error(`not a number: ${JSON.stringify(text)}`);
	return n;
}

/**
 * The words a PNG export draws, recorded from the canvas's fillText while `trigger` makes the
 * download (a picture's pixels cannot be read back as words; what is drawn as text can). Returns
 * the texts drawn, in order, and the downloaded file's name.
 */
export async function drawnWords(page: Page, trigger: () => Promise<void>): Promise<{ drawn: string[]; filename: string }> {
	await page.evaluate(() => {
		const w = window as unknown as { drawnWords: string[] };
		w.drawnWords = [];
		const fillText = CanvasRenderingContext2D.prototype.fillText;
		CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, max?: number) {
			w.drawnWords.push(text);
			return max === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, max);
		};
	});
	const [download] = await Promise.all([page.waitForEvent('download'), trigger()]);
	return { drawn: await page.evaluate(() => (window as unknown as { drawnWords: string[] }).drawnWords), filename: download.suggestedFilename() };
}

/**
 * One browser and one page for a test file: launched before its tests, each test ending with no
 * page problem recorded (console error, page error, failed or outside request), closed after them.
 * Call at the top of the file; read `.page` and `.browser` inside tests.
 */
export function sharedPage(): { readonly browser: TestBrowser; readonly page: Page } {
	let browser: TestBrowser | undefined;
	let page: Page | undefined;
	beforeAll(async () => {
		browser = await launchBrowser();
		page = await browser.newPage();
	});
	afterEach(() => {
		expect(browser?.takeProblems()).toEqual([]);
	});
	afterAll(async () => {
		await browser?.close();
	});
	const opened = <T>(value: T | undefined): T => {
		if (value === undefined) throw new Error('the shared browser is opened in beforeAll: read it inside a test');
		return value;
	};
	return {
		get browser() {
			return opened(browser);
		},
		get page() {
			return opened(page);
		}
	};
}
