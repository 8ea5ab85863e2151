/**
 * summary.json written again from a built extract (summary-rewrite.ts) holds the figures the full
 * build wrote (sums of harm weights to 12 significant digits: DuckDB adds doubles in no fixed
 * order, as summary-file.test.ts allows), and the manifest is the build's again but for the
 * summary's entry, which names the new file: on the City of London sample with
 * its LSOA boundaries and IMD (the Overview's figures and the Map's first layers, regions and
 * force outline), after the summary was replaced by a version-1 one.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_FILE, SUMMARY_VERSION } from '../../analytics/overview/summary';
import { buildExtracts } from './extracts';
import { SAMPLE_AREAS, SAMPLE_INPUTS } from './sample';
import { summaryFigures as figures, tempDirs } from './extract-test-utils';
import { rewriteSummaryFile } from './summary-rewrite';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const temp = tempDirs('clearsight-summary-rewrite-');
let out: string;
let built: { summary: Buffer; manifest: string };

beforeAll(async () => {
	out = temp();
	await buildExtracts({ inputs: SAMPLE_INPUTS, out, areas: SAMPLE_AREAS, fingerprint: 'inputs' });
	built = { summary: readFileSync(join(out, SUMMARY_FILE)), manifest: readFileSync(join(out, 'manifest.json'), 'utf8') };
}, 180_000);

describe('rewriteSummaryFile', () => {
	it("writes the build's summary again over an old one, with its manifest entry, leaving the extract's data alone", async () => {
		const summary = JSON.parse(built.summary.toString('utf8'));
		expect(summary.summary_version).toBe(SUMMARY_VERSION);
		expect(summary.map.layers.length).toBeGreaterThan(0);
		// An extract built before: a version-1 summary, listed as such.
		const old = Buffer.from(JSON.stringify({ ...summary, summary_version: 1 }));
		writeFileSync(join(out, SUMMARY_FILE), old);
		const manifest = JSON.parse(built.manifest);
		manifest.summary = { file: SUMMARY_FILE, bytes: old.byteLength, sha256: sha256(old) };
		writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, '\t') + '\n');
		const base = statSync(join(out, 'base.duckdb')).mtimeMs;

		const entry = await rewriteSummaryFile(out, { fingerprint: 'inputs' });
		const again = readFileSync(join(out, SUMMARY_FILE));
		expect(figures(again.toString('utf8'))).toEqual(figures(built.summary.toString('utf8')));
		expect(entry).toEqual({ file: SUMMARY_FILE, bytes: again.byteLength, sha256: sha256(again) });
		const rewritten = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		expect(rewritten).toEqual({ ...JSON.parse(built.manifest), summary: entry });
		expect(statSync(join(out, 'base.duckdb')).mtimeMs).toBe(base);
	}, 120_000);
});
