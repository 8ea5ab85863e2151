/**
 * Renderer memory with the base rows read on demand (base.duckdb) against the same extract with
 * every base row loaded into DuckDB-wasm (the Arrow files extracts had before base.duckdb), in
 * headless Chromium against the built app:
 *
 *   npx tsx scripts/bench/base-memory.ts [extract folder]   (default extracts/sample/city-of-london)
 *
 * The Arrow copy is made from the extract itself (each base.duckdb table written as the builder
 * writes Arrow files, the manifest's entries switched back), so both runs hold the same rows. Per
 * run: a fresh browser opens /map, waits for the first layer, then opens the busiest H3 r8 cell's
 * records (the view that reads base rows); memory is read from /proc of the renderer processes
 * this script started: the largest VmHWM (peak resident set of a process) and the summed VmRSS
 * at the end. Printed, never asserted. Run under the e2e lock (it starts Chromium).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ArrowDatasetEntry, ExtractManifest } from '../../analytics/ingest/extract-schema';
import { ident } from '../../analytics/ingest/sql';
import { queryToArrow } from '../lib/arrow-write';
import { attachBaseDatabase } from '../lib/base-database';
import { createNodeRunner } from '../lib/node-runner';
import { startServer } from '../lib/server';
import { launchBrowser, waitForApp } from '../../web/tests/browser';
import { rendererMemory } from './renderers';

const MB = 1024 * 1024;

/** A copy of `dir` whose base datasets are Arrow files again (the format before base.duckdb). */
async function arrowCopy(dir: string): Promise<string> {
	const out = mkdtempSync(join(tmpdir(), 'clearsight-arrow-base-'));
	cpSync(dir, out, { recursive: true });
	const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ExtractManifest;
	if (!manifest.base_database) throw new Error(`${dir} has no base.duckdb: nothing to compare`);
	const runner = await createNodeRunner();
	try {
		await attachBaseDatabase(runner, dir, manifest.base_database, 'b', false);
		const datasets: ArrowDatasetEntry[] = [];
		// One at a time: queryToArrow works in temporary tables of its own.
		for (const d of manifest.datasets) {
			if (d.format !== 'duckdb-table') {
				datasets.push(d);
				continue;
			}
			const { bytes } = await queryToArrow(runner, d.columns, `b.${ident(d.table)}`);
			writeFileSync(join(out, `${d.name}.arrow`), bytes);
			const { table: _table, ...rest } = d;
			datasets.push({ ...rest, file: `${d.name}.arrow`, format: 'arrow-ipc-stream', bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
		}
		manifest.datasets = datasets;
	} finally {
		runner.close();
	}
	delete manifest.base_database;
	rmSync(join(out, 'base.duckdb'));
	writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, '\t'));
	return out;
}

/** The busiest H3 r8 cell of the extract's incidents (native DuckDB over base.duckdb). */
async function busiestCell(dir: string): Promise<string> {
	const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ExtractManifest;
	const runner = await createNodeRunner();
	try {
		await attachBaseDatabase(runner, dir, manifest.base_database!, 'b', false);
		const [{ cell }] = await runner.rows<{ cell: string }>(`SELECT h3_r8 AS cell FROM b.incidents WHERE h3_r8 IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
		return cell;
	} finally {
		runner.close();
	}
}

async function run(label: string, dir: string, cell: string): Promise<void> {
	const server = await startServer({ buildDir: 'build', dataDir: dir });
	const browser = await launchBrowser();
	try {
		const page = await browser.newPage();
		const t = performance.now();
		await page.goto(`${server.url}/map`);
		await waitForApp(page, 300_000);
		await page.locator('[data-testid="map"][data-state="idle"]').waitFor({ timeout: 300_000 });
		const mapMs = performance.now() - t;
		const atMap = rendererMemory();
		const c = performance.now();
		await page.goto(`${server.url}/map?layer=h3_8&area=h3_8:${cell}`);
		await waitForApp(page, 300_000);
		await page.locator('[data-testid="cell-rows"]').waitFor({ timeout: 300_000 });
		const cellMs = performance.now() - c;
		const end = rendererMemory();
		const extracts = await page.evaluate(() => performance.getEntriesByName('clearsight:extracts')[0]?.duration ?? null);
		console.log(
			`${label}: map drawn after ${(mapMs / 1000).toFixed(1)} s (database ready after ${extracts === null ? '?' : (extracts / 1000).toFixed(1)} s), renderer peak ${(atMap.hwm / MB).toFixed(0)} MB; ` +
				`after a reload onto a cell's records (${(cellMs / 1000).toFixed(1)} s): renderer peak ${(end.hwm / MB).toFixed(0)} MB, renderers now ${(end.rss / MB).toFixed(0)} MB`
		);
	} finally {
		await browser.close();
		await server.close();
	}
}

async function main() {
	const dir = resolve(process.argv[2] ?? 'extracts/sample/city-of-london');
	const cell = await busiestCell(dir);
	const arrow = await arrowCopy(dir);
	try {
		console.log(`${dir}; busiest r8 cell ${cell}`);
		await run('base rows on demand (base.duckdb)', dir, cell);
		await run('base rows loaded whole (Arrow)   ', arrow, cell);
	} finally {
		rmSync(arrow, { recursive: true, force: true });
	}
}

await main();
