/**
 * The Content-Security-Policy, in headless Chromium against the built app. The header sent by
 * the server (scripts/lib/csp-header.ts) and the <meta> policy SvelteKit writes into each page
 * come from one source (csp.js): the header holds exactly the meta's directives (plus
 * frame-ancestors, which only a header can carry) and no script source beyond the built pages'
 * own bootstrap hashes. Every page loads with no CSP violation, page error or console error, and a
 * script injected into a page (route interception rewriting the HTML) does not run: before the
 * meta tag only the header can stop it, and with the meta tag removed the header alone still
 * lets the app start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, waitForApp, type Problem, type TestBrowser } from './browser';

const baseUrl = inject('baseUrl');

/** The built pages and the path that serves each (200.html is the fallback of unknown paths). */
const PAGES = readdirSync('build')
	.filter((f) => f.endsWith('.html'))
	.sort()
	.map((file) => ({
		file,
		path: file === 'index.html' ? '/' : file === '200.html' ? '/no-such-page' : `/${file.slice(0, -'.html'.length)}`
	}));

/** Directive name → sources, from a policy string. */
function parsePolicy(policy: string): Map<string, string[]> {
	return new Map(
		policy
			.split(';')
			.map((d) => d.trim())
			.filter(Boolean)
			.map((d) => {
				const [name, ...sources] = d.split(/\s+/);
				return [name.toLowerCase(), sources];
			})
	);
}

const META = /<meta http-equiv="content-security-policy" content="([^"]*)">/i;

function metaPolicy(html: string): string {
	const match = META.exec(html);
	if (!match) throw new Error('page has no CSP meta tag');
	return match[1];
}

interface Violation {
	directive: string;
	blocked: string;
	sample: string;
}

let browser: TestBrowser;

beforeAll(async () => {
	browser = await launchBrowser();
	// Record every violation the page reports (an init script is not subject to the page's CSP).
	await browser.context.addInitScript(() => {
		const seen: Array<{ directive: string; blocked: string; sample: string }> = [];
		(window as unknown as { __cspViolations: typeof seen }).__cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (e) =>
			seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample })
		);
	});
});

afterAll(async () => {
	await browser?.close();
});

async function violations(page: Page): Promise<Violation[]> {
	return page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations);
}

/** Open a page whose HTML is rewritten by `edit`, keeping the server's headers. */
async function openEdited(path: string, edit: (html: string) => string): Promise<{ page: Page; header: string | undefined }> {
	const page = await browser.newPage();
	await page.route(`${baseUrl}${path}`, async (route) => {
		const response = await route.fetch();
		await route.fulfill({ response, body: edit(await response.text()) });
	});
	const response = await page.goto(`${baseUrl}${path}`);
	return { page, header: response?.headers()['content-security-policy'] };
}

/** The console errors Chromium prints for a blocked inline script or handler, and nothing else. */
/**
 * Wait until the page has had no request in flight for 500 ms, as Playwright's 'networkidle' does,
 * not counting the engine's SharedWorker script (web/lib/db/duckdb.ts): Playwright sees a shared
 * worker's script request start from the page but never sees it finish, so 'networkidle' itself
 * never comes. Listening starts before the page is opened (`watchRequests`), so no request is missed.
 */
function watchRequests(page: Page): () => Promise<void> {
	const open = new Set<Request>();
	const counted = (r: Request) => !new URL(r.url()).pathname.includes('/duckdb-worker-shim.');
	page.on('request', (r) => {
		if (counted(r)) open.add(r);
	});
	const settle = (r: Request) => open.delete(r);
	page.on('requestfinished', settle);
	page.on('requestfailed', settle);
	return async () => {
		let quietSince = Date.now();
		for (;;) {
			if (open.size > 0) quietSince = Date.now();
			else if (Date.now() - quietSince >= 500) return;
			await new Promise((r) => setTimeout(r, 50));
		}
	};
}

function onlyBlockedInline(problems: Problem[]): boolean {
	return problems.every((p) => p.kind === 'console' && /inline (script|event handler).*Content Security Policy/i.test(p.text));
}

describe('one policy: the header matches every page', () => {
	it('the header holds the meta policy of each built page and no other script source than their bootstraps', async () => {
		expect(PAGES.length).toBeGreaterThanOrEqual(10);
		const metas = PAGES.map((p) => parsePolicy(metaPolicy(readFileSync(join('build', p.file), 'utf8'))));
		const bootstrapHashes = new Set(metas.flatMap((m) => (m.get('script-src') ?? []).filter((s) => s.startsWith("'sha256-"))));
		expect(bootstrapHashes.size).toBeGreaterThan(0);
		for (const [i, { path }] of PAGES.entries()) {
			const response = await fetch(`${baseUrl}${path}`);
			const html = await response.text();
			const header = parsePolicy(response.headers.get('content-security-policy') ?? '');
			const meta = parsePolicy(metaPolicy(html));
			expect(meta, path).toEqual(metas[i]);
			expect([...header.keys()].sort(), path).toEqual([...meta.keys(), 'frame-ancestors'].sort());
			expect(header.get('frame-ancestors')).toEqual(["'none'"]);
			for (const [name, sources] of meta) {
				if (name === 'script-src') {
					// The meta's own sources, plus the other pages' bootstrap hashes.
					expect(new Set(header.get(name)), path).toEqual(new Set([...sources.filter((s) => !s.startsWith("'sha256-")), ...bootstrapHashes]));
				} else {
					expect(header.get(name), `${path} ${name}`).toEqual(sources);
				}
			}
			expect(header.get('script-src')).not.toContain("'unsafe-inline'");
			expect(header.get('script-src')).not.toContain("'unsafe-eval'");
		}
	});
});

describe('every page works under the policy', () => {
	for (const { file, path } of PAGES) {
		it(`${path} (${file}) loads with no CSP violation, page error or console error`, async () => {
			const page = await browser.newPage();
			const networkIdle = watchRequests(page);
			const response = await page.goto(`${baseUrl}${path}`);
			expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
			await waitForApp(page, 60_000);
			await networkIdle();
			expect(await violations(page)).toEqual([]);
			const problems = browser.takeProblems();
			if (file === '200.html') {
				// The fallback of an unknown path: the router reports the 404 it renders, and nothing else.
				expect(problems.map((p) => p.kind)).toEqual(['console']);
				expect(problems[0].text).toMatch(/^\w+: Not found: \/no-such-page/);
			} else {
				expect(problems).toEqual([]);
			}
			await page.close();
		});
	}
});

describe('an injected inline script is blocked', () => {
	const INJECTED = '<script>window.__injected = "ran"</script>';
	const HANDLER = '<img alt="" src="data:," onerror="window.__handler = \'ran\'">';

	it('by the header alone: injected before the meta tag, and with the meta tag removed', async () => {
		// Before the meta tag the page's own policy is not yet in force: only the header can block it.
		const { page, header } = await openEdited('/', (html) => html.replace('<head>', `<head>${INJECTED}`));
		expect(header).toContain("script-src 'self'");
		await waitForApp(page, 60_000);
		expect(await page.evaluate(() => (window as unknown as { __injected?: string }).__injected)).toBeUndefined();
		const seen = await violations(page);
		expect(seen.length).toBeGreaterThan(0);
		expect(seen.every((v) => v.directive.startsWith('script-src') && v.blocked === 'inline')).toBe(true);
		const problems = browser.takeProblems();
		expect(problems.length).toBeGreaterThan(0);
		expect(onlyBlockedInline(problems)).toBe(true);
		await page.close();

		// No meta tag at all: the header blocks an inline script and an inline handler, and the
		// app's own bootstrap still runs (the app renders).
		const bare = await openEdited('/map', (html) =>
			html.replace(META, '').replace('<head>', `<head>${INJECTED}`).replace('<body', `${HANDLER}<body`)
		);
		await waitForApp(bare.page, 60_000);
		expect(await bare.page.content()).not.toMatch(/http-equiv="content-security-policy"/i);
		const ran = await bare.page.evaluate(() => {
			const w = window as unknown as { __injected?: string; __handler?: string };
			return [w.__injected, w.__handler];
		});
		expect(ran).toEqual([undefined, undefined]);
		expect((await violations(bare.page)).length).toBeGreaterThanOrEqual(2);
		expect(onlyBlockedInline(browser.takeProblems())).toBe(true);
		await bare.page.close();
	});

	it('by the page policy too: injected after the meta tag, the app still starts', async () => {
		const { page } = await openEdited('/time', (html) => html.replace('</head>', `${INJECTED}</head>`));
		await waitForApp(page, 60_000);
		expect(await page.evaluate(() => (window as unknown as { __injected?: string }).__injected)).toBeUndefined();
		expect((await violations(page)).length).toBeGreaterThan(0);
		const problems = browser.takeProblems();
		expect(problems.length).toBeGreaterThan(0);
		expect(onlyBlockedInline(problems)).toBe(true);
		await page.close();
	});

	it('a page without the meta tag and without injection raises no violation (the header is not too strict)', async () => {
		const { page } = await openEdited('/', (html) => html.replace(META, ''));
		await waitForApp(page, 60_000);
		await page.locator('[data-state="ready"][data-testid="categories"]').waitFor();
		expect(await violations(page)).toEqual([]);
		expect(browser.takeProblems()).toEqual([]);
		await page.close();
	});
});
