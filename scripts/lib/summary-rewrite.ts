/**
 * summary.json written again for an extract already built, without building it again: when only
 * the summary's code changed (scripts/start.ts compares summaryCodeFingerprint of sample.ts), or
 * the extract was built before the summary's version. The extract's own files are read as the
 * build had them when it wrote the summary (summary-file.ts): the base database attached
 * read-only under the build's alias, each Arrow dataset the summary reads kept with keepForSummary
 * from its file. The same figures as a full build (summary-rewrite.test.ts; sums of doubles to
 * their last bits, which DuckDB adds in no fixed order), at the cost of the summary's queries alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { ident } from '../../analytics/ingest/sql';
import { attachBaseDatabase } from './base-database';
import { createNodeRunner } from './node-runner';
import { insertArrow } from './load-input';
import { keepForSummary, openSummaryTables, summaryReads, writeSummaryFile, type SummaryEntry } from './summary-file';

/** The alias the build attaches its base database under while it writes the summary (extracts.ts). */
const BUILT_BASE = 'built_base';

/**
 * Write `<dir>/summary.json` again from the extract in `dir` and its entry into manifest.json
 * (with `fingerprint` as its input_fingerprint when given; nothing else of the manifest changes).
 * Returns the new entry.
 */
export async function rewriteSummaryFile(dir: string, options: { fingerprint?: string } = {}): Promise<SummaryEntry> {
	const manifestPath = join(dir, 'manifest.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ExtractManifest;
	const runner = await createNodeRunner();
	let entry: SummaryEntry;
	try {
		await openSummaryTables(runner);
		// Name, presence and size checked as every reader of an extract does; its sha256 is not read again (the national file is hundreds of MB).
		if (manifest.base_database) await attachBaseDatabase(runner, dir, manifest.base_database, BUILT_BASE, false);
		for (const d of manifest.datasets) {
			if (d.format === 'duckdb-table' || !summaryReads(d.name)) continue;
			const table = `summary_source_${d.name}`;
			await insertArrow(runner, { name: table, columns: d.columns, bytes: readFileSync(join(dir, d.file)) });
			await keepForSummary(runner, d.name, d.columns, ident(table));
			await runner.exec(`DROP TABLE ${ident(table)}`);
		}
		entry = await writeSummaryFile(runner, { out: dir, datasets: manifest.datasets, base: BUILT_BASE });
	} finally {
		runner.close();
	}
	const updated: ExtractManifest = { ...manifest, ...(options.fingerprint !== undefined ? { input_fingerprint: options.fingerprint } : {}), summary: entry };
	writeFileSync(manifestPath, JSON.stringify(updated, null, '\t') + '\n');
	return entry;
}
