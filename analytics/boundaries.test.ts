/**
 * The analytics package's boundaries, enforced: analytics/ is pure TypeScript that runs in the
 * browser and in Node, so no file in it may import Svelte or SvelteKit, a DOM-only library,
 * DuckDB-wasm, or anything under web/ or scripts/. Tests (*.test.ts) and test set-up files
 * (*.test-setup.ts) may import scripts/ (the native DuckDB runner, the extract builder) and
 * Node built-ins; nothing else may import a test set-up file. The types side (no DOM lib) is
 * analytics/tsconfig.json, checked by `npm run check`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const ANALYTICS = join(ROOT, 'analytics');

function tsFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
	);
}

/** Module specifiers of static imports, re-exports and dynamic imports (comments removed first). */
export function specifiers(source: string): string[] {
	const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
	const out: string[] = [];
	for (const m of code.matchAll(/\b(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) {
		out.push(m[1] ?? m[2] ?? m[3]);
	}
	return out;
}

const FORBIDDEN_PACKAGES = [/^svelte(\/|$)/, /^@sveltejs\//, /^\$(app|lib|env|service-worker)(\/|$)/, /^@duckdb\/duckdb-wasm(\/|$)/, /^maplibre-gl(\/|$)/, /^d3-selection(\/|$)/, /^d3-transition(\/|$)/];

const isTestOnly = (file: string) => file.endsWith('.test.ts') || file.endsWith('.test-setup.ts');

/** Why `spec` may not be imported from `file`, or null when it may. */
export function violation(file: string, spec: string): string | null {
	if (FORBIDDEN_PACKAGES.some((p) => p.test(spec))) return `imports ${spec} (Svelte, DOM-only or DuckDB-wasm)`;
	if (spec.startsWith('$analytics')) return `imports ${spec}: inside analytics/ use relative paths`;
	if (spec.startsWith('.')) {
		const target = relative(ROOT, resolve(dirname(file), spec));
		if (target.startsWith('web/') || target === 'web') return `imports ${spec} from web/`;
		if (target.startsWith('scripts/') && !isTestOnly(file)) return `imports ${spec} from scripts/ (only tests and test set-up may)`;
		if (spec.endsWith('.test-setup') && !isTestOnly(file)) return `imports the test set-up ${spec}`;
	}
	if (spec.startsWith('node:') && !isTestOnly(file)) return `imports ${spec}: analytics runs in the browser too`;
	return null;
}

describe('analytics/ boundaries', () => {
	it('reads the specifiers of every import form', () => {
		expect(specifiers(`import a from 'x';\nimport { b } from "./y";\nexport * from '../z';\nimport 'side';\nconst m = await import('./lazy');\n// import q from 'commented'`)).toEqual(['x', './y', '../z', 'side', './lazy']);
	});

	it('flags what the rule forbids, and only that', () => {
		const file = join(ANALYTICS, 'thr', 'score.ts');
		const test = join(ANALYTICS, 'thr', 'score.test.ts');
		expect(violation(file, 'svelte/store')).not.toBeNull();
		expect(violation(file, '@duckdb/duckdb-wasm')).not.toBeNull();
		expect(violation(file, '../../web/lib/db/runner')).not.toBeNull();
		expect(violation(test, '../../web/lib/db/runner')).not.toBeNull();
		expect(violation(file, '../../scripts/lib/node-runner')).not.toBeNull();
		expect(violation(test, '../../scripts/lib/node-runner')).toBeNull();
		expect(violation(file, './fixtures.test-setup')).not.toBeNull();
		expect(violation(file, 'node:fs')).not.toBeNull();
		expect(violation(file, 'h3-js')).toBeNull();
		expect(violation(file, '../shared/months')).toBeNull();
	});

	it('holds for every file in analytics/', () => {
		const files = tsFiles(ANALYTICS);
		expect(files.length).toBeGreaterThan(50);
		const problems = files.flatMap((f) =>
			specifiers(readFileSync(f, 'utf8'))
				.map((s) => violation(f, s))
				.filter((v): v is string => v !== null)
				.map((v) => `${relative(ROOT, f)} ${v}`)
		);
		expect(problems).toEqual([]);
	});
});
