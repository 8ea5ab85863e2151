/**
 * The CSP header: hashes as browsers compute them (the worked example of the CSP Level 3
 * specification, §8.2: `alert('Hello, world.');` → sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=),
 * inline scripts found exactly as written, and a script-src that never allows inline code.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES, cspHeader } from '../../csp.js';
import { buildCspHeader, buildScriptHashes, inlineScripts, scriptHash } from './csp-header';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Directive name → sources, from a policy string. */
function parse(policy: string): Map<string, string[]> {
	return new Map(
		policy.split(';').map((d) => {
			const [name, ...sources] = d.trim().split(/\s+/);
			return [name, sources];
		})
	);
}

describe('scriptHash', () => {
	it("matches the CSP specification's example", () => {
		expect(scriptHash("alert('Hello, world.');")).toBe('sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=');
	});
});

describe('inlineScripts', () => {
	it('returns the exact text of inline scripts and skips scripts with src', () => {
		const html = `<head><script type="module" src="/a.js"></script><script>\n\tone();\n</script></head>
			<body><SCRIPT nonce="x">two()</SCRIPT><script src='b.js'></script></body>`;
		expect(inlineScripts(html)).toEqual(['\n\tone();\n', 'two()']);
	});
});

describe('cspHeader', () => {
	it('writes every directive of csp.js, with keywords quoted and schemes as they are', () => {
		const policy = parse(cspHeader());
		expect([...policy.keys()]).toEqual(Object.keys(CSP_DIRECTIVES));
		expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
		expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
		expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
	});

	it('adds each hash once to script-src only, and refuses anything that is not a hash', () => {
		const h = scriptHash('x()');
		const policy = parse(cspHeader([h, h]));
		expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", `'${h}'`]);
		expect(policy.get('default-src')).toEqual(["'self'"]);
		expect(() => cspHeader(['unsafe-inline'])).toThrow(/not a script hash/);
		expect(() => cspHeader(["'sha256-abc='"])).toThrow(/not a script hash/);
	});

	it('never allows inline scripts or eval', () => {
		const scriptSrc = parse(cspHeader([scriptHash('x()')])).get('script-src')!;
		expect(scriptSrc).not.toContain("'unsafe-inline'");
		expect(scriptSrc).not.toContain("'unsafe-eval'");
	});
});

describe('buildCspHeader', () => {
	it("lists the hash of every page's inline scripts, nested pages included", () => {
		const dir = mkdtempSync(join(tmpdir(), 'clearsight-csp-'));
		dirs.push(dir);
		mkdirSync(join(dir, 'nested'));
		writeFileSync(join(dir, 'index.html'), "<script>alert('Hello, world.');</script>");
		writeFileSync(join(dir, 'nested', 'page.html'), '<script src="/x.js"></script><script>b()</script>');
		writeFileSync(join(dir, 'notes.txt'), '<script>not a page()</script>');
		expect(buildScriptHashes(dir)).toEqual(
			['sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=', scriptHash('b()')].sort()
		);
		expect(parse(buildCspHeader(dir)).get('script-src')).toEqual([
			"'self'",
			"'wasm-unsafe-eval'",
			...['sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=', scriptHash('b()')].sort().map((h) => `'${h}'`)
		]);
	});
});
