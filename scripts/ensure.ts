/**
 * Make what the dashboard and its tests need, only when missing or stale:
 *   --extracts-only   the sample extracts (extracts/sample/<id>/ for each source, and sources.json;
 *                     only the sources whose inputs or builder changed are rebuilt)
 *   --build           the sample extracts and the built app (build/)
 *   --chromium        Debian's chromium for the browser tests (installed with apt-get when run
 *                     as root, else a message saying exactly what to install)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSample, sampleIsStale } from './lib/sample';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP_SOURCES = ['web', 'analytics', 'models', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const BUILD_STAMP = 'build/.source-hash';

function walk(path: string, out: string[]) {
	if (!existsSync(path)) return;
	if (statSync(path).isDirectory()) {
		for (const e of readdirSync(path).sort()) if (e !== 'tests' && e !== 'node_modules') walk(join(path, e), out);
	} else if (!path.endsWith('.test.ts')) out.push(path);
}

function appHash(): string {
	const files: string[] = [];
	for (const p of APP_SOURCES) walk(p, files);
	const hash = createHash('sha256');
	for (const f of files) hash.update(f).update('\0').update(readFileSync(f)).update('\0');
	return hash.digest('hex');
}

export async function ensureSampleExtracts(): Promise<void> {
	if (!sampleIsStale()) return;
	console.log('Building the sample extracts (extracts/sample) …');
	for (const { source, result } of await buildSample()) {
		const { manifest, elapsedMs } = result;
		console.log(`  ${source.id}: ${manifest.totals.accepted} rows accepted, ${manifest.totals.rejected} rejected, in ${(elapsedMs / 1000).toFixed(1)} s`);
	}
}

export function ensureAppBuild(): void {
	const hash = appHash();
	if (existsSync(BUILD_STAMP) && readFileSync(BUILD_STAMP, 'utf8') === hash) return;
	console.log('Building the app (build/) …');
	const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
	if (result.status !== 0) throw new Error('vite build failed (see above)');
	writeFileSync(BUILD_STAMP, hash);
}

export function ensureChromium(): void {
	if (existsSync(CHROMIUM)) return;
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (isRoot && existsSync('/usr/bin/apt-get')) {
		console.log('Installing Debian chromium for the browser tests (apt-get install -y chromium) …');
		execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
		execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		if (existsSync(CHROMIUM)) return;
	}
	throw new Error(
		`The browser tests need Chromium at ${CHROMIUM}. Install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu), ` +
			`or set CHROMIUM_PATH to a Chromium or Chrome binary.`
	);
}

async function main() {
	const args = new Set(process.argv.slice(2));
	if (args.has('--chromium')) ensureChromium();
	if (args.has('--extracts-only') || args.has('--build')) await ensureSampleExtracts();
	if (args.has('--build')) ensureAppBuild();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
	main().catch((e) => {
		console.error(`error: ${(e as Error).message}`);
		process.exit(1);
	});
}
