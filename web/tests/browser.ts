/**
 * One headless Chromium per test file (Debian's /usr/bin/chromium; playwright cannot download
 * browsers here), with a fresh profile. It records every request and every console error or
 * page error, so each test can assert that nothing left 127.0.0.1 and nothing went wrong.
 * Requests to any other host are also aborted, so a regression cannot reach the network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
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

export async function launchBrowser(): Promise<TestBrowser> {
	const profile = mkdtempSync(join(tmpdir(), 'clearsight-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ARGS,
		viewport: { width: 1280, height: 900 },
		locale: 'en-GB',
		timezoneId: 'Europe/London'
	});
	const requests: string[] = [];
	let problems: Problem[] = [];

	await context.route(
		(url) => !isLocal(url.href),
		(route) => route.abort('blockedbyclient')
	);
	context.on('request', (request) => {
		const url = request.url();
		requests.push(url);
		if (!isLocal(url)) problems.push({ kind: 'off-origin', text: url });
	});
	context.on('response', (response) => {
		if (response.status() >= 400) problems.push({ kind: 'http', text: `${response.status()} ${response.url()}` });
	});
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
			const taken = problems;
			problems = [];
			return taken;
		},
		async close() {
			await context.close();
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
